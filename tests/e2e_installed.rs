//! End to end with the installed packages (run by scripts/test-packages.sh, which installs
//! them, starts the installed server as its unit says and names both here): the installed
//! app binary, not the build tree's, signs in through its window to the installed server,
//! fetches the demo organization, enrolls a worker and syncs it into PostgreSQL.

use crate::window::*;
use std::path::PathBuf;

fn given(name: &str) -> String {
    std::env::var(name).unwrap_or_else(|_| panic!("{name} is set by scripts/test-packages.sh"))
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
#[ignore = "run by scripts/test-packages.sh against the installed packages (make test)"]
async fn the_installed_app_signs_in_to_the_installed_server_and_syncs() {
    let _window = ONE_WINDOW.lock().await;
    let application = PathBuf::from(given("STRIDE_APP_BINARY"));
    assert!(!application.starts_with(env!("CARGO_MANIFEST_DIR")), "an installed binary, not the build tree's");
    let server = given("STRIDE_INSTALLED_SERVER");
    let pool = sqlx::PgPool::connect(&given("STRIDE_INSTALLED_DATABASE_URL")).await.unwrap();
    let home = tempfile::tempdir().unwrap();
    let (_driver, client) = launch_app(&application, home.path(), &[]).await;

    fill(
        &client,
        &[
            ("input[name=server_url]", server.as_str()),
            ("input[name=email]", "coordinator@lakeside.example"),
            ("input[name=password]", stride_server::demo::DEMO_PASSWORD),
        ],
    )
    .await;
    find(&client, "form button[type=submit]").await.click().await.unwrap();
    text_of(&client, "[data-testid=counts]", |t| t.contains("200 workers")).await;

    find(&client, "[data-testid=workers-open]").await.click().await.unwrap();
    find(&client, "[data-testid=enroll]").await.click().await.unwrap();
    fill(&client, &[("input[name=full_name]", "Imani Installed"), ("input[name=phone_number]", "+254 799 000 222")])
        .await;
    find(&client, "form button[type=submit]").await.click().await.unwrap();
    text_of(&client, "[data-testid=pending]", |t| t.starts_with("1 change ")).await;
    find(&client, "[data-testid=sync]").await.click().await.unwrap();
    text_of(&client, "[data-testid=pending]", |t| t.starts_with("0 changes")).await;

    let on_server: i64 = sqlx::query_scalar("SELECT count(*) FROM workers WHERE full_name = 'Imani Installed'")
        .fetch_one(&pool)
        .await
        .unwrap();
    assert_eq!(on_server, 1, "the installed server has the worker the installed app enrolled");
    // The installed app keeps its data encrypted too.
    let database = home.path().join("data").join("stride.sqlite3");
    assert!(!std::fs::read(&database).unwrap().starts_with(b"SQLite format 3"));
    client.close().await.unwrap();
    pool.close().await;
}

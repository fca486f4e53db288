//! End to end, the device's data at rest: a coordinator's encrypted database whose key
//! left the keyring (a reset, or a disk moved to another computer) opens to a screen that
//! says why and what is lost, never to an empty app; starting over keeps the old file
//! beside the new one and signs in to fetch the organization anew. A key that is there but
//! another gives the same screen under its own code. Saves docs/screenshots/unreadable-data.png.

use crate::window::*;
use stride_store::{DatabaseKey, KeyKeeper};
use stride_sync::Credentials;

/// The app's own keyring entries (`KEYRING_SERVICE` in src-tauri/lib.rs).
const APP_KEYRING: &str = "org.stride.desktop";

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn data_whose_key_is_gone_opens_to_a_screen_that_says_so_and_starting_over_fetches_it_anew() {
    let _window = ONE_WINDOW.lock().await;
    let db = crate::support::TestDatabase::migrated().await;
    stride_server::demo::seed(&db.pool).await.unwrap();
    let server = crate::support::spawn_server(&db.pool).await;
    let home = tempfile::tempdir().unwrap();
    let database = home.path().join("data").join("stride.sqlite3");
    let keys = Credentials::new(APP_KEYRING).database_keys(&database).unwrap();
    let account = [
        ("STRIDE_SERVER_URL", server.as_str()),
        ("STRIDE_SIGN_IN_EMAIL", "coordinator@lakeside.example"),
        ("STRIDE_SIGN_IN_PASSWORD", stride_server::demo::DEMO_PASSWORD),
    ];
    {
        let (_driver, client) = launch_signed_in(home.path(), &server, "coordinator@lakeside.example").await;
        text_of(&client, "[data-testid=counts]", |t| t.contains("200 workers")).await;
        client.close().await.unwrap();
    }
    assert!(keys.load().unwrap().is_some(), "the key is in the keyring");
    assert!(!std::fs::read(&database).unwrap().starts_with(b"SQLite format 3"), "the file is encrypted");

    // Another key in its place: refused by its own code, the file untouched.
    let key = keys.load().unwrap().unwrap();
    keys.keep(&DatabaseKey::generate().unwrap()).unwrap();
    {
        let (_driver, client) = launch_with(home.path(), &account).await;
        let alert = find(&client, "[role=alert]").await;
        assert_eq!(alert.attr("data-code").await.unwrap().as_deref(), Some("database_key_wrong"));
        client.close().await.unwrap();
    }
    keys.keep(&key).unwrap();

    // The keyring is reset: the key is gone.
    keys.forget().unwrap();
    let (_driver, client) = launch_with(home.path(), &account).await;
    let alert = find(&client, "[role=alert]").await;
    assert_eq!(alert.attr("data-code").await.unwrap().as_deref(), Some("database_key_missing"));
    text_of(&client, "#unreadable-title", |t| t.contains("cannot be opened")).await;
    assert!(client.find(fantoccini::Locator::Css("[data-testid=workers-open]")).await.is_err(), "no empty app");
    screenshot(&client, "unreadable-data").await;

    // Starting over: the old file is kept aside, and the sign-in fetches everything anew.
    find(&client, "[data-testid=start-over]").await.click().await.unwrap();
    text_of(&client, "[data-testid=last-sync]", |t| t.starts_with("Last sync")).await;
    text_of(&client, "[data-testid=counts]", |t| t.contains("200 workers")).await;
    let aside: Vec<String> = std::fs::read_dir(database.parent().unwrap())
        .unwrap()
        .map(|entry| entry.unwrap().file_name().to_string_lossy().into_owned())
        .filter(|name| {
            name.starts_with("stride.sqlite3.unreadable-") && !name.ends_with("-wal") && !name.ends_with("-shm")
        })
        .collect();
    assert_eq!(aside.len(), 1, "the unreadable database is kept beside the new one");
    assert!(keys.load().unwrap().is_some(), "the new database has a key of its own");
    client.close().await.unwrap();
    keys.forget().unwrap();
    db.drop().await;
}

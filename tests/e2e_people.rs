//! End to end, one laptop shared by several people: Cora and Cyrus, coordinators, both
//! sign in on the same app; with the network gone each records a group session under
//! their own unlock (Cyrus with a PIN he set, after a wrong one is refused); then their
//! supervisor Paula signs in beside them and her sign-in syncs what waited. The server's
//! audit trail holds each session under the coordinator who recorded it, none under her.
//! Saves docs/screenshots/people.png (the switcher) and docs/screenshots/unlock.png.

use crate::window::*;
use fantoccini::key::Key;
use stride_server::demo::DEMO_PASSWORD;

const CORA: &str = "coordinator@lakeside.example";
const CYRUS: &str = "coordinator2@lakeside.example";
const PAULA: &str = "programs@lakeside.example";

/// Signs a person in beside those on the laptop, from the sign-in form it shows.
async fn sign_in_beside(client: &fantoccini::Client, email: &str) {
    text_of(client, "[data-testid=sign-in] h1", |t| t == "Sign in on this laptop").await;
    fill(client, &[("input[name=email]", email), ("input[name=password]", DEMO_PASSWORD)]).await;
    find(client, "[data-testid=sign-in] button[type=submit]").await.click().await.unwrap();
}

async fn working(client: &fantoccini::Client, name: &str) {
    text_of(client, "[data-testid=person-menu]", |t| t == name).await;
}

/// Records a group session from home, on the first touchpoint due, the due ticked.
async fn record_a_session(client: &fantoccini::Client) {
    find(client, "[data-testid=home-open]").await.click().await.unwrap();
    let due = find(client, "[data-testid=due-touchpoint] button").await;
    click_centered(client, &due).await;
    let submit = "form[data-testid=group-session] button[type=submit]";
    text_of(client, submit, |t| t.starts_with("Record: ")).await;
    click_centered(client, &find(client, submit).await).await;
    text_of(client, "form[data-testid=group-session] .notice", |t| t.contains(" came, ")).await;
    find(client, "form[data-testid=group-session] header button").await.click().await.unwrap();
}

async fn open_person_menu(client: &fantoccini::Client) {
    click_centered(client, &find(client, "[data-testid=person-menu]").await).await;
    find(client, "[data-testid=person-menu-items]").await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn two_coordinators_record_offline_on_one_laptop_and_their_supervisor_syncs_each_under_their_name() {
    let _window = ONE_WINDOW.lock().await;
    let db = crate::support::TestDatabase::migrated().await;
    stride_server::demo::seed(&db.pool).await.unwrap();
    let server = crate::support::spawn_server(&db.pool).await;
    let network = crate::support::proxy::Proxy::start(&server).await;
    let home = tempfile::tempdir().unwrap();
    let account = [
        ("STRIDE_SERVER_URL", network.url.as_str()),
        ("STRIDE_SIGN_IN_EMAIL", CORA),
        ("STRIDE_SIGN_IN_PASSWORD", DEMO_PASSWORD),
        ("STRIDE_SYNC_CHECK_SECONDS", "3600"),
    ];
    let (_driver, client) = launch_with(home.path(), &account).await;
    text_of(&client, "[data-testid=last-sync]", |t| t.starts_with("Last sync")).await;
    working(&client, "Cora Coordinator").await;

    // Cyrus signs in beside Cora, and sets a PIN for this laptop.
    open_person_menu(&client).await;
    find(&client, "[data-testid=add-person-menu]").await.click().await.unwrap();
    sign_in_beside(&client, CYRUS).await;
    working(&client, "Cyrus Coordinator").await;
    open_person_menu(&client).await;
    find(&client, "[data-testid=set-pin]").await.click().await.unwrap();
    fill(&client, &[("input[name=pin]", "1234")]).await;
    click(&client, "[data-testid=pin-form] button[type=submit]").await;
    text_of(&client, "[data-testid=pin-form] [data-field=pin]", |t| t.contains("too easy")).await;
    type_into(&client, "input[name=pin]", "2468").await;
    click(&client, "[data-testid=pin-form] button[type=submit]").await;
    text_of(&client, "[data-testid=person-message]", |t| t.starts_with("PIN saved")).await;

    // The network goes. Cyrus records a session.
    network.set_offline(true);
    record_a_session(&client).await;
    text_of(&client, "[data-testid=pending]", |t| !t.starts_with("0 ")).await;

    // Cora takes over from the switcher, with her password, offline.
    open_person_menu(&client).await;
    screenshot(&client, "people").await;
    find(&client, &format!("[data-testid=switch-to][data-email='{CORA}']")).await.click().await.unwrap();
    let chosen = find(&client, "[data-testid=person][aria-selected=true]").await;
    assert_eq!(chosen.attr("data-email").await.unwrap().as_deref(), Some(CORA));
    fill(&client, &[("input[name=secret]", DEMO_PASSWORD)]).await;
    find(&client, "[data-testid=unlock] button[type=submit]").await.click().await.unwrap();
    working(&client, "Cora Coordinator").await;
    record_a_session(&client).await;
    let waiting = text_of(&client, "[data-testid=pending]", |t| !t.starts_with("0 ")).await;

    // Ctrl+L locks; Cyrus's wrong PIN is refused with the tries left, his PIN unlocks.
    press(&client, &format!("{}l{}", Key::Control, Key::Null)).await;
    find(&client, &format!("[data-testid=person][data-email='{CYRUS}']")).await.click().await.unwrap();
    fill(&client, &[("input[name=secret]", "1357")]).await;
    find(&client, "[data-testid=unlock] button[type=submit]").await.click().await.unwrap();
    let refused = find(&client, "[data-testid=unlock] [role=alert]").await;
    assert_eq!(refused.attr("data-code").await.unwrap().as_deref(), Some("wrong_unlock"));
    text_of(&client, "[data-testid=tries-left]", |t| t.starts_with("4 tries left")).await;
    screenshot(&client, "unlock").await;
    fill(&client, &[("input[name=secret]", "2468")]).await;
    find(&client, "[data-testid=unlock] button[type=submit]").await.click().await.unwrap();
    working(&client, "Cyrus Coordinator").await;
    assert_eq!(text_of(&client, "[data-testid=pending]", |_| true).await, waiting, "switching kept every change");

    // The network is back; Paula, their supervisor, signs in beside them, which syncs.
    network.set_offline(false);
    open_person_menu(&client).await;
    find(&client, "[data-testid=add-person-menu]").await.click().await.unwrap();
    sign_in_beside(&client, PAULA).await;
    working(&client, "Paula Programs").await;
    text_of(&client, "[data-testid=pending]", |t| t.starts_with("0 changes")).await;

    // Each session is its coordinator's in the server's audit trail.
    let authors: Vec<(String, i64)> = sqlx::query_as(
        "SELECT u.email, count(*) FROM change_log c JOIN users u ON u.id = c.user_id
         WHERE c.entity = 'group_sessions' GROUP BY u.email ORDER BY u.email",
    )
    .fetch_all(&db.pool)
    .await
    .unwrap();
    assert_eq!(authors, [(CYRUS.to_owned(), 1), (CORA.to_owned(), 1)]);
    let recorded_by: Vec<(String,)> = sqlx::query_as(
        "SELECT DISTINCT u.email FROM group_sessions s JOIN users u ON u.id = s.recorded_by
         WHERE s.started_at > now() - interval '1 day' ORDER BY u.email",
    )
    .fetch_all(&db.pool)
    .await
    .unwrap();
    assert_eq!(recorded_by, [(CYRUS.to_owned(),), (CORA.to_owned(),)]);
    client.close().await.unwrap();
    db.drop().await;
}

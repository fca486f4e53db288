//! End to end, reminders: a coordinator's app, signed in to the demo, tells the desktop's
//! notification daemon (dunst, a real one on the test session's bus) how many sessions
//! are due and workers overdue, naming nobody; home lists them, a snooze hides one on
//! this device, and the overdue threshold is refused off its range and then changed.
//! Saves docs/screenshots/reminders.png.

use crate::window::*;
use fantoccini::Locator;
use std::process::{Child, Command, Stdio};
use std::time::{Duration, Instant};

/// The notification daemon, stopped with the test.
struct Daemon(Child);

impl Drop for Daemon {
    fn drop(&mut self) {
        let _ = self.0.kill();
        let _ = self.0.wait();
    }
}

fn dunstctl(args: &[&str]) -> Option<String> {
    let output = Command::new("dunstctl").args(args).output().ok()?;
    output.status.success().then(|| String::from_utf8_lossy(&output.stdout).into_owned())
}

/// Starts dunst on the session bus (D-Bus activation would start it without the test's
/// display) and waits until it answers.
fn notification_daemon() -> Daemon {
    let child = Command::new("dunst")
        .stdout(Stdio::null())
        .stderr(Stdio::null())
        .spawn()
        .expect("dunst is installed (make test installs it)");
    let daemon = Daemon(child);
    let started = Instant::now();
    while dunstctl(&["count", "displayed"]).is_none() {
        assert!(started.elapsed() < PATIENCE, "dunst did not answer on the session bus");
        std::thread::sleep(Duration::from_millis(100));
    }
    daemon
}

/// Everything dunst was told (popups closed into its history first), as its JSON text.
async fn notifications_shown() -> String {
    let started = Instant::now();
    loop {
        let _ = dunstctl(&["close-all"]);
        if let Some(history) = dunstctl(&["history"]).filter(|h| h.contains("Stride")) {
            return history;
        }
        assert!(started.elapsed() < PATIENCE, "no notification from Stride reached the daemon");
        tokio::time::sleep(Duration::from_millis(200)).await;
    }
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn the_days_reminders_come_as_a_desktop_notification_and_on_home_and_a_snooze_hides_one() {
    let _window = ONE_WINDOW.lock().await;
    let _daemon = notification_daemon();
    let db = crate::support::TestDatabase::migrated().await;
    stride_server::demo::seed(&db.pool).await.unwrap();
    let server = crate::support::spawn_server(&db.pool).await;
    let home = tempfile::tempdir().unwrap();
    let (_driver, client) = launch_signed_in(home.path(), &server, "coordinator@lakeside.example").await;

    // Home: sessions due today and workers overdue by more than the default 3 days.
    find(&client, "[data-testid=reminder-session]").await;
    let sessions = client.find_all(Locator::Css("[data-testid=reminder-session]")).await.unwrap().len();
    let workers = client.find_all(Locator::Css("[data-testid=reminder-worker]")).await.unwrap();
    assert!(!workers.is_empty(), "the demo's enrollments are weeks old");
    let mut names = Vec::new();
    for worker in &workers {
        names.push(worker.find(Locator::Css("button")).await.unwrap().text().await.unwrap());
    }

    // The desktop was told how many, and of nobody by name.
    let told = notifications_shown().await;
    assert!(told.contains("Stride: today's reminders"), "{told}");
    let due = if sessions == 1 {
        "1 session is due today.".to_owned()
    } else {
        format!("{sessions} sessions are due today.")
    };
    assert!(told.contains(&due), "{due} in {told}");
    assert!(told.contains("overdue by more than 3 days."), "{told}");
    for name in &names {
        assert!(!told.contains(name.as_str()), "{name} is in the notification: {told}");
    }

    // Snoozed until tomorrow, the first session's reminder leaves home (its work stays due).
    let first = find(&client, "[data-testid=reminder-session]").await;
    let first_text = first.text().await.unwrap();
    click_centered(&client, &first.find(Locator::Css("[data-testid=snooze-tomorrow]")).await.unwrap()).await;
    text_of(&client, "[data-testid=snoozed]", |t| t == "1 reminder snoozed.").await;
    let left = client.find_all(Locator::Css("[data-testid=reminder-session]")).await.unwrap();
    assert_eq!(left.len(), sessions - 1);
    for line in left {
        assert_ne!(line.text().await.unwrap(), first_text);
    }
    assert!(!client.find_all(Locator::Css("[data-testid=due-touchpoint]")).await.unwrap().is_empty());

    // The threshold: refused off its range, then two days.
    click(&client, "[data-testid=overdue-days-edit]").await;
    fill(&client, &[("input[name=overdue_days]", "400")]).await;
    click(&client, "[data-testid=overdue-days-form] button[type=submit]").await;
    text_of(&client, "[data-testid=overdue-days-form] .field-error", |t| t.contains("from 1 to 365")).await;
    fill(&client, &[("input[name=overdue_days]", "2")]).await;
    click(&client, "[data-testid=overdue-days-form] button[type=submit]").await;
    text_of(&client, "[data-testid=overdue-days]", |t| t.contains("more than 2 days")).await;
    let card = find(&client, "[data-testid=reminders]").await;
    client
        .execute("arguments[0].scrollIntoView({block: 'start'})", vec![serde_json::to_value(&card).unwrap()])
        .await
        .unwrap();
    screenshot(&client, "reminders").await;
    client.close().await.unwrap();
    db.drop().await;
}

//! End to end: the real app binary in a real window (WebKitGTK under Xvfb), driven over
//! WebDriver (tauri-driver → WebKitWebDriver) the way a coordinator uses it: set the
//! device up, get a form wrong, enroll a worker, find them by name and by number, and
//! find them again after the app restarts; sign in and sync; lose the network, work on,
//! and see the app sync by itself when it returns. Saves screenshots to docs/screenshots/.
//!
//! Needs a display: `make test` runs the Rust tests under `xvfb-run`.

#![allow(clippy::unwrap_used)] // a failed unwrap is a failed test

mod support;

use fantoccini::{elements::Element, Client, ClientBuilder, Locator};
use serde_json::json;
use std::net::{TcpListener, TcpStream};
use std::path::{Path, PathBuf};
use std::process::{Child, Command, Stdio};
use std::time::{Duration, Instant};

/// How long to wait for the window before failing: generous, since it only bounds how
/// long a failure takes (a first sync on a loaded 2-core machine can take a while).
const PATIENCE: Duration = Duration::from_secs(60);

/// One window at a time: WebKit is heavy on two cores, and a test's timing should not
/// depend on what the others are doing.
static ONE_WINDOW: tokio::sync::Mutex<()> = tokio::sync::Mutex::const_new(());

/// tauri-driver, stopped with SIGTERM (only then does it stop WebKitWebDriver too).
struct Driver {
    child: Child,
}

impl Drop for Driver {
    fn drop(&mut self) {
        let _ = Command::new("kill").arg("-TERM").arg(self.child.id().to_string()).status();
        let _ = self.child.wait();
    }
}

fn free_port() -> u16 {
    TcpListener::bind("127.0.0.1:0").unwrap().local_addr().unwrap().port()
}

/// Starts the app with its data in `home` and connects a WebDriver session to it.
async fn launch(home: &Path) -> (Driver, Client) {
    launch_with(home, &[]).await
}

async fn launch_with(home: &Path, env: &[(&str, &str)]) -> (Driver, Client) {
    assert!(std::env::var_os("DISPLAY").is_some(), "no display: run under xvfb-run (make test does)");
    let (port, native_port) = (free_port(), free_port());
    let child = Command::new("tauri-driver")
        .args(["--port", &port.to_string(), "--native-port", &native_port.to_string()])
        .env("STRIDE_DATA_DIR", home.join("data"))
        .env("XDG_DATA_HOME", home.join("xdg-data"))
        .env("XDG_CONFIG_HOME", home.join("xdg-config"))
        .env("XDG_CACHE_HOME", home.join("xdg-cache"))
        .envs(env.iter().copied())
        .stdout(Stdio::null())
        .stderr(Stdio::null())
        .spawn()
        .expect("tauri-driver is installed (make test installs it)");
    let driver = Driver { child };
    let started = Instant::now();
    while TcpStream::connect(("127.0.0.1", port)).is_err() {
        assert!(started.elapsed() < PATIENCE, "tauri-driver did not listen on {port}");
        tokio::time::sleep(Duration::from_millis(50)).await;
    }
    let capabilities = json!({"tauri:options": {"application": env!("CARGO_BIN_EXE_stride")}});
    let client = ClientBuilder::native()
        .capabilities(capabilities.as_object().unwrap().clone())
        .connect(&format!("http://127.0.0.1:{port}"))
        .await
        .expect("a WebDriver session with the app");
    (driver, client)
}

async fn find(client: &Client, css: &str) -> Element {
    client.wait().at_most(PATIENCE).for_element(Locator::Css(css)).await.unwrap_or_else(|e| panic!("{css}: {e}"))
}

/// Fills a form: types each field, then checks that every field holds its text, and
/// types again any that does not. A form's `autofocus` can land a moment after the
/// form appears and send keys astray; a field is never left holding the wrong text.
async fn fill(client: &Client, fields: &[(&str, &str)]) {
    for _round in 0..3 {
        for (css, text) in fields {
            let field = find(client, css).await;
            if field.prop("value").await.unwrap().as_deref() != Some(*text) {
                field.clear().await.unwrap();
                field.send_keys(text).await.unwrap();
            }
        }
        // Let late focus changes and input events settle, then look again.
        tokio::time::sleep(Duration::from_millis(300)).await;
        let mut all_right = true;
        for (css, text) in fields {
            all_right &= find(client, css).await.prop("value").await.unwrap().as_deref() == Some(*text);
        }
        if all_right {
            return;
        }
    }
    panic!("the form could not be filled with {fields:?}");
}

/// Clicks an element after scrolling it to the middle of the window, clear of the
/// status bar fixed at the bottom (which would take a click aimed at the very bottom).
async fn click_centered(client: &Client, element: &Element) {
    let target = serde_json::to_value(element).unwrap();
    client.execute("arguments[0].scrollIntoView({block: 'center'})", vec![target]).await.unwrap();
    element.click().await.unwrap();
}

async fn type_into(client: &Client, css: &str, text: &str) {
    fill(client, &[(css, text)]).await;
}

/// Waits until the element's text satisfies `check`; returns that text.
async fn text_of(client: &Client, css: &str, check: impl Fn(&str) -> bool) -> String {
    let started = Instant::now();
    loop {
        if let Ok(element) = client.find(Locator::Css(css)).await {
            if let Ok(text) = element.text().await {
                if check(&text) {
                    return text;
                }
            }
        }
        if started.elapsed() >= PATIENCE {
            screenshot(client, "failure").await;
            let page = client.find(Locator::Css("body")).await.unwrap().text().await.unwrap_or_default();
            panic!("{css} never showed the expected text; the window shows:\n{page}");
        }
        tokio::time::sleep(Duration::from_millis(50)).await;
    }
}

async fn screenshot(client: &Client, name: &str) {
    // The frame after a DOM change may not be painted yet: wait two animation frames.
    client
        .execute_async(
            "const done = arguments[arguments.length - 1]; requestAnimationFrame(() => requestAnimationFrame(done))",
            vec![],
        )
        .await
        .unwrap();
    let png = client.screenshot().await.unwrap();
    let folder = PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("docs/screenshots");
    std::fs::create_dir_all(&folder).unwrap();
    std::fs::write(folder.join(format!("{name}.png")), png).unwrap();
}

/// Waits until the listed workers are exactly these (by name, in order).
async fn listed(client: &Client, names: &[&str]) {
    let started = Instant::now();
    loop {
        let mut rows = Vec::new();
        for row in client.find_all(Locator::Css("[data-worker-id] [role=cell]:first-child")).await.unwrap_or_default() {
            rows.push(row.text().await.unwrap_or_default());
        }
        if rows == names {
            return;
        }
        assert!(started.elapsed() < PATIENCE, "listed {rows:?}, expected {names:?}");
        tokio::time::sleep(Duration::from_millis(50)).await;
    }
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_coordinator_sets_up_the_device_and_enrolls_a_worker_who_is_still_there_after_a_restart() {
    let _window = ONE_WINDOW.lock().await;
    let home = tempfile::tempdir().unwrap();
    let (driver, client) = launch(home.path()).await;

    // First start, without a server: the device is set up for an organization by hand.
    find(&client, "form button.secondary").await.click().await.unwrap();
    fill(&client, &[("input[name=organization_name]", "Lakeside Farms"), ("input[name=default_calling_code]", "254")])
        .await;
    screenshot(&client, "set-up").await;
    find(&client, "form button[type=submit]").await.click().await.unwrap();
    text_of(&client, ".status-bar", |t| t.contains("Lakeside Farms")).await;
    text_of(&client, ".empty", |t| t.contains("No workers yet")).await;

    // A form with problems is refused field by field, and nothing is saved.
    find(&client, "[data-testid=enroll]").await.click().await.unwrap();
    type_into(&client, "input[name=phone_number]", "12").await;
    find(&client, "form button[type=submit]").await.click().await.unwrap();
    text_of(&client, "[data-field=full_name]", |t| t.contains("must not be empty")).await;
    text_of(&client, "[data-field=phone_number]", |t| t.contains("phone number")).await;
    text_of(&client, "[data-testid=pending]", |t| t.starts_with("0 changes")).await;

    // Corrected, it is saved on the device and listed with its number in full.
    fill(
        &client,
        &[
            ("input[name=full_name]", "Amina Wanjiru"),
            ("input[name=phone_number]", "0712 345 678"),
            ("input[name=site]", "Kisumu"),
        ],
    )
    .await;
    find(&client, "form button[type=submit]").await.click().await.unwrap();
    text_of(&client, ".notice", |t| t.contains("Amina Wanjiru is saved")).await;
    text_of(&client, "[data-worker-id]", |t| t.contains("+254712345678")).await;
    text_of(&client, "[data-testid=pending]", |t| t.starts_with("1 change ")).await;

    // The same person again, with a typo: the form says who it may be before saving.
    find(&client, "[data-testid=enroll]").await.click().await.unwrap();
    fill(&client, &[("input[name=full_name]", "Amina Wanjru"), ("input[name=phone_number]", "0712 345 678")]).await;
    find(&client, "form button[type=submit]").await.click().await.unwrap();
    text_of(&client, "[data-testid=duplicates]", |t| t.contains("Amina Wanjiru") && t.contains("same phone number"))
        .await;
    screenshot(&client, "duplicate-warning").await;
    find(&client, "form .actions button.secondary").await.click().await.unwrap();
    text_of(&client, "[data-testid=pending]", |t| t.starts_with("1 change ")).await;

    find(&client, "[data-testid=enroll]").await.click().await.unwrap();
    type_into(&client, "input[name=full_name]", "Khalid Ali").await;
    find(&client, "form button[type=submit]").await.click().await.unwrap();
    text_of(&client, "[data-testid=worker-count]", |t| t == "2 workers").await;
    screenshot(&client, "workers").await;

    // Search as you type, by part of the number as dialled, or part of a name.
    type_into(&client, "input[name=search]", "0712 345").await;
    listed(&client, &["Amina Wanjiru"]).await;
    type_into(&client, "input[name=search]", "ali").await;
    listed(&client, &["Khalid Ali"]).await;
    type_into(&client, "input[name=search]", "zzz").await;
    text_of(&client, ".empty", |t| t.contains("No worker matches")).await;

    client.close().await.unwrap();
    drop(driver);

    // The app opens again on the same database: set up, both workers there.
    let (_driver, client) = launch(home.path()).await;
    listed(&client, &["Amina Wanjiru", "Khalid Ali"]).await;
    text_of(&client, "[data-testid=pending]", |t| t.starts_with("2 changes")).await;
    client.close().await.unwrap();
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_coordinator_signs_in_enrolls_a_worker_and_syncs_it_to_the_server() {
    let _window = ONE_WINDOW.lock().await;
    let db = support::TestDatabase::migrated().await;
    stride_server::demo::seed(&db.pool).await.unwrap();
    let server = support::spawn_server(&db.pool).await;
    let home = tempfile::tempdir().unwrap();
    let (_driver, client) = launch_with(home.path(), &[("STRIDE_SERVER_URL", server.as_str())]).await;

    // Sign in: the server address is offered; a wrong password is refused by its code.
    let offered = find(&client, "input[name=server_url]").await.prop("value").await.unwrap();
    assert_eq!(offered.as_deref(), Some(server.as_str()));
    fill(
        &client,
        &[("input[name=email]", "coordinator@lakeside.example"), ("input[name=password]", "not the password")],
    )
    .await;
    screenshot(&client, "sign-in").await;
    find(&client, "form button[type=submit]").await.click().await.unwrap();
    let alert = find(&client, "[role=alert]").await;
    assert_eq!(
        alert.attr("data-code").await.unwrap().as_deref(),
        Some("invalid_credentials"),
        "{:?}",
        alert.text().await
    );
    type_into(&client, "input[name=password]", stride_server::demo::DEMO_PASSWORD).await;
    find(&client, "form button[type=submit]").await.click().await.unwrap();

    // The first sync brings the organization's 200 workers.
    text_of(&client, ".status-bar", |t| t.contains("Lakeside Farms")).await;
    text_of(&client, "[data-testid=worker-count]", |t| t == "200 workers").await;
    text_of(&client, "[data-testid=last-sync]", |t| t.starts_with("Last sync")).await;

    // Enrolled on the device, then sent to the server with the sync button.
    find(&client, "[data-testid=enroll]").await.click().await.unwrap();
    fill(&client, &[("input[name=full_name]", "Neema Synced"), ("input[name=phone_number]", "+254 799 000 111")]).await;
    find(&client, "form button[type=submit]").await.click().await.unwrap();
    text_of(&client, "[data-testid=pending]", |t| t.starts_with("1 change ")).await;
    find(&client, "[data-testid=sync]").await.click().await.unwrap();
    text_of(&client, "[data-testid=pending]", |t| t.starts_with("0 changes")).await;
    text_of(&client, "[data-testid=sync-result]", |t| t.contains("1 sent")).await;
    screenshot(&client, "synced").await;

    // The sync panel: nothing refused, nothing waiting, and the syncs so far.
    find(&client, "[data-testid=sync-details]").await.click().await.unwrap();
    text_of(&client, "[data-testid=sync-panel]", |t| t.contains("The server has refused nothing.")).await;
    text_of(&client, "[data-testid=past-sync]", |t| t.contains("by hand") && t.contains("1 sent")).await;
    text_of(&client, "[data-testid=sync-panel]", |t| t.contains("at sign-in")).await;
    screenshot(&client, "sync-panel").await;
    find(&client, "[data-testid=sync-panel] header button").await.click().await.unwrap();
    text_of(&client, "[data-testid=worker-count]", |t| t == "201 workers").await;

    let on_server: (String, String) =
        sqlx::query_as("SELECT full_name, phone_number FROM workers WHERE full_name = 'Neema Synced'")
            .fetch_one(&db.pool)
            .await
            .unwrap();
    assert_eq!(on_server.1, "+254799000111");
    let audited: i64 = sqlx::query_scalar("SELECT count(*) FROM change_log WHERE entity = 'workers' AND op = 'upsert'")
        .fetch_one(&db.pool)
        .await
        .unwrap();
    assert_eq!(audited, 1);
    client.close().await.unwrap();
    db.drop().await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn launched_with_an_account_the_app_opens_signed_in_and_synced_as_make_run_does() {
    let _window = ONE_WINDOW.lock().await;
    let db = support::TestDatabase::migrated().await;
    stride_server::demo::seed(&db.pool).await.unwrap();
    let server = support::spawn_server(&db.pool).await;
    let home = tempfile::tempdir().unwrap();
    let account = [
        ("STRIDE_SERVER_URL", server.as_str()),
        ("STRIDE_SIGN_IN_EMAIL", "programs@lakeside.example"),
        ("STRIDE_SIGN_IN_PASSWORD", stride_server::demo::DEMO_PASSWORD),
    ];
    let (driver, client) = launch_with(home.path(), &account).await;
    text_of(&client, "[data-testid=worker-count]", |t| t == "200 workers").await;
    text_of(&client, "[data-testid=last-sync]", |t| t.starts_with("Last sync")).await;

    // A worker's page: programs, the progress timeline, segments and badges, offline.
    find(&client, "[aria-rowindex='2'] button.name").await.click().await.unwrap();
    text_of(&client, "[data-testid=enrollments]", |t| t.contains("Harvest season 2026: active")).await;
    text_of(&client, "[data-testid=timeline]", |t| t.contains("Lifting safely (Harvest season 2026): completed")).await;
    text_of(&client, "[data-testid=segments]", |t| t.contains("Kisumu site") && t.contains("Swahili speakers")).await;
    text_of(&client, "[data-testid=badges]", |t| t.contains("First step")).await;
    screenshot(&client, "worker-page").await;
    find(&client, "body").await.send_keys(&fantoccini::key::Key::Escape.to_string()).await.unwrap();
    text_of(&client, "[data-testid=worker-count]", |t| t == "200 workers").await;

    // Programs: the structure, and a whole segment enrolled in one go (the 30 of the 50
    // Kisumu workers already in it stay as they are).
    find(&client, "[data-testid=programs-open]").await.click().await.unwrap();
    text_of(&client, "[data-testid=program]", |t| {
        t.contains("Harvest season 2026")
            && t.contains("Safety basics")
            && t.contains("Week 1")
            && t.contains("Lifting safely")
    })
    .await;
    let enroll = find(&client, "[data-testid=program] form button[type=submit]").await;
    click_centered(&client, &enroll).await;
    text_of(&client, "[data-testid=programs] .notice", |t| t == "Enrolled 20 workers in Harvest season 2026.").await;
    text_of(&client, "[data-testid=pending]", |t| t.starts_with("20 changes")).await;
    screenshot(&client, "programs").await;
    click_centered(&client, &enroll).await;
    text_of(&client, "[data-testid=programs] .notice", |t| t.contains("already in Harvest season 2026")).await;
    find(&client, "[data-testid=programs] header button").await.click().await.unwrap();
    text_of(&client, "[data-worker-id]", |t| t.contains("+2547")).await;

    // The list draws only the rows in view; scrolled to the end, it fetches and shows
    // the last worker (row 201, after the heading).
    assert!(client.find_all(Locator::Css("[data-worker-id]")).await.unwrap().len() < 60, "not all 200 rows drawn");
    client
        .execute("const rows = document.querySelector('.worker-rows'); rows.scrollTop = rows.scrollHeight", vec![])
        .await
        .unwrap();
    text_of(&client, "[aria-rowindex='201']", |t| t.contains("+2547")).await;
    client.close().await.unwrap();
    drop(driver);

    // Started again without the account, it is still signed in: the token is in the keyring.
    let (_driver, client) = launch_with(home.path(), &[]).await;
    text_of(&client, "[data-testid=last-sync]", |t| t.starts_with("Last sync")).await;
    find(&client, "[data-testid=sync]").await.click().await.unwrap();
    text_of(&client, "[data-testid=sync-result]", |t| t.contains("0 sent")).await;
    client.close().await.unwrap();
    db.drop().await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn work_done_offline_syncs_by_itself_when_the_server_answers_again_and_a_revoked_device_says_why_it_is_empty() {
    let _window = ONE_WINDOW.lock().await;
    let db = support::TestDatabase::migrated().await;
    let seeded = stride_server::demo::seed(&db.pool).await.unwrap();
    let server = support::spawn_server(&db.pool).await;
    let network = support::proxy::Proxy::start(&server).await;
    let home = tempfile::tempdir().unwrap();
    let account = [
        ("STRIDE_SERVER_URL", network.url.as_str()),
        ("STRIDE_SIGN_IN_EMAIL", "coordinator2@lakeside.example"),
        ("STRIDE_SIGN_IN_PASSWORD", stride_server::demo::DEMO_PASSWORD),
        ("STRIDE_SYNC_CHECK_SECONDS", "1"),
    ];
    let (_driver, client) = launch_with(home.path(), &account).await;
    text_of(&client, "[data-testid=worker-count]", |t| t == "200 workers").await;
    text_of(&client, "[data-testid=connection]", |t| t == "Online").await;

    // The network goes; the window says so, and work goes on.
    network.set_offline(true);
    text_of(&client, "[data-testid=connection]", |t| t.starts_with("Offline")).await;
    find(&client, "[data-testid=enroll]").await.click().await.unwrap();
    fill(&client, &[("input[name=full_name]", "Zawadi Offline")]).await;
    find(&client, "form button[type=submit]").await.click().await.unwrap();
    text_of(&client, "[data-testid=pending]", |t| t.starts_with("1 change ")).await;
    screenshot(&client, "offline").await;

    // Still offline, a group session: one touchpoint for the two workers who came.
    find(&client, "[data-testid=group-session-open]").await.click().await.unwrap();
    let roster = client.wait().at_most(PATIENCE).for_element(Locator::Css(".roster input")).await.unwrap();
    drop(roster);
    let boxes = client.find_all(Locator::Css(".roster input[type=checkbox]")).await.unwrap();
    assert!(boxes.len() > 100, "the program's enrolled workers are listed ({})", boxes.len());
    let submit = find(&client, "form[data-testid=group-session] button[type=submit]").await;
    click_centered(&client, &submit).await;
    text_of(&client, "[data-field=present]", |t| t.contains("at least one")).await;
    click_centered(&client, &boxes[0]).await;
    click_centered(&client, &boxes[1]).await;
    fill(&client, &[("input[name=score]", "80"), ("textarea[name=feedback]", "Group session at the Kisumu site")])
        .await;
    text_of(&client, "form[data-testid=group-session] button[type=submit]", |t| t == "Record for 2 workers").await;
    screenshot(&client, "group-session").await;
    click_centered(&client, &submit).await;
    text_of(&client, "form[data-testid=group-session] .notice", |t| t.contains("Recorded for 2 workers")).await;
    text_of(&client, "[data-testid=pending]", |t| t.starts_with("3 changes")).await;
    find(&client, "form[data-testid=group-session] header button").await.click().await.unwrap();

    // It comes back: the app syncs by itself, no button pressed.
    network.set_offline(false);
    text_of(&client, "[data-testid=pending]", |t| t.starts_with("0 changes")).await;
    text_of(&client, "[data-testid=connection]", |t| t == "Online").await;
    let on_server: i64 = sqlx::query_scalar("SELECT count(*) FROM workers WHERE full_name = 'Zawadi Offline'")
        .fetch_one(&db.pool)
        .await
        .unwrap();
    assert_eq!(on_server, 1);
    let recorded: i64 = sqlx::query_scalar(
        "SELECT count(*) FROM worker_progress WHERE feedback_text = 'Group session at the Kisumu site' AND score = 80",
    )
    .fetch_one(&db.pool)
    .await
    .unwrap();
    assert_eq!(recorded, 2, "both workers' progress reached the server");

    // An administrator revokes the device (lost, say): at its next contact it erases
    // its data, and the window says why instead of signing in again by itself.
    let devices = stride_server::admin::list_devices(&db.pool, seeded.organization_id).await.unwrap();
    let device = devices.iter().find(|d| d.user_email == "coordinator2@lakeside.example").unwrap();
    assert!(stride_server::admin::revoke_device(&db.pool, device.id).await.unwrap());
    text_of(&client, "[data-testid=wiped]", |t| t.contains("erased")).await;
    screenshot(&client, "revoked").await;
    client.close().await.unwrap();
    db.drop().await;
}

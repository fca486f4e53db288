//! End to end: the real app binary in a real window (WebKitGTK under Xvfb), driven over
//! WebDriver (tauri-driver → WebKitWebDriver) the way a coordinator uses it: set the
//! device up, get a form wrong, enroll a worker, find them by name and by number, and
//! find them again after the app restarts; sign in and sync; see what is due today on
//! home, walk the worker list with the keyboard, filter it, enroll a worker from their
//! page; lose the network, record a group session from home, and see the app sync by
//! itself when it returns. Saves screenshots to docs/screenshots/.
//!
//! Needs a display: `make test` runs the Rust tests under `xvfb-run`.

#![allow(clippy::unwrap_used)] // a failed unwrap is a failed test

mod support;

use fantoccini::{elements::Element, key::Key, Client, ClientBuilder, Locator};
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

/// Waits until what has the focus satisfies `check`: the id of the worker whose row
/// holds it (the demo has workers of the same name), else the element's text.
async fn focused(client: &Client, check: impl Fn(&str) -> bool) -> String {
    let script = "const at = document.activeElement;
                  return at?.closest('[data-worker-id]')?.dataset.workerId ?? at?.textContent ?? ''";
    let started = Instant::now();
    loop {
        let value = client.execute(script, vec![]).await.unwrap();
        if let Some(text) = value.as_str().filter(|text| check(text)) {
            return text.to_owned();
        }
        if started.elapsed() >= PATIENCE {
            screenshot(client, "failure").await;
            let html = client.execute("return document.activeElement?.outerHTML ?? 'nothing'", vec![]).await.unwrap();
            panic!("the focus never reached the expected element; it is on {html}");
        }
        tokio::time::sleep(Duration::from_millis(50)).await;
    }
}

/// Presses a key on whatever has the focus, as a person at the keyboard would.
async fn press(client: &Client, keys: &str) {
    client.active_element().await.unwrap().send_keys(keys).await.unwrap();
}

/// Chooses an option of a select by its visible text.
async fn choose(client: &Client, css: &str, label: &str) {
    find(client, css).await.select_by_label(label).await.unwrap_or_else(|e| panic!("{css} → {label}: {e}"));
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
    text_of(&client, "[data-testid=due]", |t| t.contains("Nothing is due today")).await;
    find(&client, "[data-testid=workers-open]").await.click().await.unwrap();
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
    text_of(&client, "[data-testid=counts]", |t| t.contains("2 workers")).await;
    find(&client, "[data-testid=workers-open]").await.click().await.unwrap();
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
    text_of(&client, "[data-testid=counts]", |t| t.contains("200 workers")).await;
    find(&client, "[data-testid=workers-open]").await.click().await.unwrap();
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
    text_of(&client, "[data-testid=last-sync]", |t| t.starts_with("Last sync")).await;

    // Home, computed on the device from the touchpoints' rules: the demo's 60 workers who
    // completed the first touchpoint weeks ago are overdue for the second; the 54 other
    // active ones, enrolled today, are due for the first.
    text_of(&client, "[data-testid=due]", |t| {
        t.contains("Harvest season 2026")
            && t.contains("Heat and hydration · Safety basics, Week 1")
            && t.contains("60 workers overdue")
            && t.contains("54 workers due today")
    })
    .await;
    text_of(&client, "[data-testid=counts]", |t| t.contains("200 workers") && t.contains("114 active enrollments"))
        .await;
    text_of(&client, "[data-testid=recent]", |t| {
        [" completed ", " joined", " was enrolled in "].iter().any(|kind| t.contains(kind))
    })
    .await;
    screenshot(&client, "home").await;

    // The keyboard: Alt+2 opens the list, Down goes from the search box into it, Enter
    // opens the worker in focus, Escape comes back to the same row.
    press(&client, &format!("{}2{}", Key::Alt, Key::Null)).await;
    text_of(&client, "[data-testid=worker-count]", |t| t == "200 workers").await;
    find(&client, "input[name=search]").await.click().await.unwrap();
    press(&client, &Key::Down.to_string()).await;
    let first = focused(&client, |id| id.parse::<uuid::Uuid>().is_ok()).await;
    press(&client, &Key::Down.to_string()).await;
    let second = focused(&client, |id| id.parse::<uuid::Uuid>().is_ok() && id != first).await;
    press(&client, &Key::Enter.to_string()).await;
    find(&client, &format!("[data-testid=worker-page][data-worker-id='{second}']")).await;
    press(&client, &Key::Escape.to_string()).await;
    focused(&client, |t| t == second).await;
    press(&client, &Key::Up.to_string()).await;
    focused(&client, |t| t == first).await;

    // A worker's page: programs, the progress timeline, segments and badges, offline.
    find(&client, "[aria-rowindex='2'] button.name").await.click().await.unwrap();
    text_of(&client, "[data-testid=enrollments]", |t| t.contains("Harvest season 2026: active")).await;
    text_of(&client, "[data-testid=timeline]", |t| t.contains("Lifting safely (Harvest season 2026): completed")).await;
    text_of(&client, "[data-testid=segments]", |t| t.contains("Kisumu site") && t.contains("Swahili speakers")).await;
    text_of(&client, "[data-testid=badges]", |t| t.contains("First step")).await;
    screenshot(&client, "worker-page").await;
    find(&client, "body").await.send_keys(&Key::Escape.to_string()).await.unwrap();
    text_of(&client, "[data-testid=worker-count]", |t| t == "200 workers").await;

    // Filters: the 80 workers not in the program, the 20 of them at the Kisumu site.
    choose(&client, "select[name=program]", "Harvest season 2026").await;
    choose(&client, "select[name=enrollment]", "Not enrolled").await;
    text_of(&client, "[data-testid=worker-count]", |t| t == "80 workers").await;
    choose(&client, "select[name=segment]", "Kisumu site").await;
    text_of(&client, "[data-testid=worker-count]", |t| t == "20 workers").await;
    screenshot(&client, "worker-filters").await;

    // One of them enrolled from their page: the first touchpoint is due today at once.
    let newcomer = find(&client, "[aria-rowindex='2']").await.attr("data-worker-id").await.unwrap().unwrap();
    find(&client, "[aria-rowindex='2'] button.name").await.click().await.unwrap();
    text_of(&client, "[data-testid=worker-page]", |t| t.contains("Not enrolled in a program.")).await;
    find(&client, "[data-testid=enroll-in-program] button[type=submit]").await.click().await.unwrap();
    text_of(&client, "[data-testid=worker-page] .notice", |t| t == "Enrolled in Harvest season 2026 on this device.")
        .await;
    text_of(&client, "[data-testid=enrollments]", |t| {
        t.contains("Harvest season 2026: active") && t.contains("Waiting to sync")
    })
    .await;
    text_of(&client, "[data-testid=next]", |t| t.contains("Lifting safely (Harvest season 2026): due today")).await;
    screenshot(&client, "worker-enrolled").await;
    // Then marked dropped: nothing is due for them any more.
    choose(&client, "select[name=status]", "dropped").await;
    text_of(&client, "[data-testid=worker-page] .notice", |t| t == "Now dropped in Harvest season 2026.").await;
    text_of(&client, "[data-testid=worker-page]", |t| t.contains("Nothing is due for this worker.")).await;
    press(&client, &Key::Escape.to_string()).await;
    text_of(&client, "[data-testid=worker-count]", |t| t == "19 workers").await;
    let still_listed = client.find_all(Locator::Css(&format!("[data-worker-id='{newcomer}']"))).await.unwrap();
    assert!(still_listed.is_empty(), "enrolled, then dropped: no longer among those not enrolled");

    // Programs: the structure, and a whole segment enrolled in one go (the 30 of the 50
    // Kisumu workers already active in it stay as they are; the one dropped comes back).
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
    text_of(&client, "[data-testid=pending]", |t| t.starts_with("22 changes")).await;
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
    // (The 22 changes go up with this sync, or with the background's if it came first.)
    text_of(&client, "[data-testid=sync-result]", |t| t.starts_with("Synced: ")).await;
    text_of(&client, "[data-testid=pending]", |t| t.starts_with("0 changes")).await;
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
    text_of(&client, "[data-testid=counts]", |t| t.contains("200 workers")).await;
    text_of(&client, "[data-testid=connection]", |t| t == "Online").await;

    // The network goes; the window says so, and work goes on.
    network.set_offline(true);
    text_of(&client, "[data-testid=connection]", |t| t.starts_with("Offline")).await;
    find(&client, "[data-testid=workers-open]").await.click().await.unwrap();
    find(&client, "[data-testid=enroll]").await.click().await.unwrap();
    fill(&client, &[("input[name=full_name]", "Zawadi Offline")]).await;
    find(&client, "form button[type=submit]").await.click().await.unwrap();
    text_of(&client, "[data-testid=pending]", |t| t.starts_with("1 change ")).await;
    screenshot(&client, "offline").await;
    find(&client, "[data-testid=sync-details]").await.click().await.unwrap();
    text_of(&client, "[data-testid=waiting-records]", |t| t.contains("Saving worker “Zawadi Offline”")).await;
    screenshot(&client, "sync-waiting").await;
    find(&client, "[data-testid=sync-panel] header button").await.click().await.unwrap();

    // Still offline, from home: the touchpoint 60 workers are overdue for, recorded for
    // those who came in one group session. It starts with the 60 ticked.
    find(&client, "[data-testid=home-open]").await.click().await.unwrap();
    let due = find(&client, "[data-testid=due-touchpoint]").await;
    assert!(due.text().await.unwrap().contains("Heat and hydration · Safety basics, Week 1"));
    due.find(Locator::Css("button")).await.unwrap().click().await.unwrap();
    let submit = find(&client, "form[data-testid=group-session] button[type=submit]").await;
    text_of(&client, "form[data-testid=group-session] button[type=submit]", |t| t == "Record for 60 workers").await;
    text_of(&client, "form[data-testid=group-session] .notice", |t| t.contains("Ticked the 60 workers")).await;
    let boxes = client.find_all(Locator::Css(".roster input[type=checkbox]")).await.unwrap();
    assert_eq!(boxes.len(), 114, "the program's active enrollments are listed");
    // Nobody ticked is refused by name of the field; "Tick those due today" ticks them again.
    let everyone = find(&client, "input[name=everyone]").await;
    click_centered(&client, &everyone).await;
    text_of(&client, "form[data-testid=group-session] button[type=submit]", |t| t == "Record for 114 workers").await;
    click_centered(&client, &everyone).await;
    click_centered(&client, &submit).await;
    text_of(&client, "[data-field=present]", |t| t.contains("at least one")).await;
    click_centered(&client, &find(&client, "[data-testid=tick-due]").await).await;
    fill(&client, &[("input[name=score]", "80"), ("textarea[name=feedback]", "Group session at the Kisumu site")])
        .await;
    text_of(&client, "form[data-testid=group-session] button[type=submit]", |t| t == "Record for 60 workers").await;
    screenshot(&client, "group-session").await;
    click_centered(&client, &submit).await;
    text_of(&client, "form[data-testid=group-session] .notice", |t| t.contains("Recorded for 60 workers")).await;
    text_of(&client, "[data-testid=pending]", |t| t.starts_with("61 changes")).await;
    find(&client, "form[data-testid=group-session] header button").await.click().await.unwrap();
    // Back home, nobody is overdue any more.
    text_of(&client, "[data-testid=due]", |t| t.contains("54 workers due today") && !t.contains("overdue")).await;

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
    assert_eq!(recorded, 60, "every worker's progress reached the server");

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

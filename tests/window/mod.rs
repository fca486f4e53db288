//! Driving the app's real window in the end-to-end tests: tauri-driver and a WebDriver
//! session per launch, and waiting for what the window shows.

#![allow(clippy::unwrap_used)] // a failed unwrap is a failed test
#![allow(dead_code)]

use fantoccini::error::{CmdError, ErrorStatus};
use fantoccini::{elements::Element, Client, ClientBuilder, Locator};
use serde_json::json;
use std::net::{TcpListener, TcpStream};
use std::path::{Path, PathBuf};
use std::process::{Child, Command, Stdio};
use std::time::{Duration, Instant};

/// How long to wait for the window before failing: generous, since it only bounds how
/// long a failure takes (a first sync on a loaded 2-core machine can take a while).
pub const PATIENCE: Duration = Duration::from_secs(60);

/// One window at a time: WebKit is heavy on two cores, and a test's timing should not
/// depend on what the others are doing.
pub static ONE_WINDOW: tokio::sync::Mutex<()> = tokio::sync::Mutex::const_new(());

/// tauri-driver, stopped with SIGTERM (only then does it stop WebKitWebDriver too).
pub struct Driver {
    child: Child,
}

impl Drop for Driver {
    fn drop(&mut self) {
        let _ = Command::new("kill").arg("-TERM").arg(self.child.id().to_string()).status();
        let _ = self.child.wait();
    }
}

pub fn free_port() -> u16 {
    TcpListener::bind("127.0.0.1:0").unwrap().local_addr().unwrap().port()
}

/// Starts the app with its data in `home` and connects a WebDriver session to it.
pub async fn launch(home: &Path) -> (Driver, Client) {
    launch_with(home, &[]).await
}

pub async fn launch_with(home: &Path, env: &[(&str, &str)]) -> (Driver, Client) {
    launch_app(Path::new(env!("CARGO_BIN_EXE_stride")), home, env).await
}

/// Starts the app binary at `application` (the build's, or an installed one). A
/// WebDriver session that tauri-driver drops while it starts (seen after a launch on a
/// million-row database, while the last app was still closing) is tried again with a
/// new driver, up to three times.
pub async fn launch_app(application: &Path, home: &Path, env: &[(&str, &str)]) -> (Driver, Client) {
    assert!(std::env::var_os("DISPLAY").is_some(), "no display: run under xvfb-run (make test does)");
    let mut failures = Vec::new();
    for _attempt in 0..3 {
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
        let capabilities = json!({"tauri:options": {"application": application}});
        match ClientBuilder::native()
            .capabilities(capabilities.as_object().unwrap().clone())
            .connect(&format!("http://127.0.0.1:{port}"))
            .await
        {
            Ok(client) => return (driver, client),
            Err(error) => failures.push(error.to_string()),
        }
        drop(driver);
        tokio::time::sleep(Duration::from_secs(1)).await;
    }
    panic!("a WebDriver session with the app: {failures:?}");
}

/// Starts the app signed in to `server` as a demo user (the demo's password), as `make
/// run` does, and waits for its first sync.
pub async fn launch_signed_in(home: &Path, server: &str, email: &str) -> (Driver, Client) {
    let account = [
        ("STRIDE_SERVER_URL", server),
        ("STRIDE_SIGN_IN_EMAIL", email),
        ("STRIDE_SIGN_IN_PASSWORD", stride_server::demo::DEMO_PASSWORD),
    ];
    let (driver, client) = launch_with(home, &account).await;
    text_of(&client, "[data-testid=last-sync]", |t| t.starts_with("Last sync")).await;
    (driver, client)
}

pub async fn find(client: &Client, css: &str) -> Element {
    client.wait().at_most(PATIENCE).for_element(Locator::Css(css)).await.unwrap_or_else(|e| panic!("{css}: {e}"))
}

/// Fills a form: types each field, then checks that every field holds its text, and
/// types again any that does not. A form's `autofocus` can land a moment after the
/// form appears and send keys astray; a field is never left holding the wrong text.
pub async fn fill(client: &Client, fields: &[(&str, &str)]) {
    for _round in 0..3 {
        for (css, text) in fields {
            let field = find(client, css).await;
            if field.prop("value").await.unwrap().as_deref() != Some(*text) {
                field.clear().await.unwrap();
                if !text.is_empty() {
                    field.send_keys(text).await.unwrap();
                }
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
/// A click another element takes while the page still moves (a line appearing above it
/// after the last action) is tried again, a few times, once the page has settled.
pub async fn click_centered(client: &Client, element: &Element) {
    for _ in 0..20 {
        match try_click(client, element).await {
            Err(CmdError::Standard(e)) if e.error == ErrorStatus::ElementClickIntercepted => {
                tokio::time::sleep(Duration::from_millis(100)).await;
            }
            clicked => return clicked.unwrap(),
        }
    }
    panic!("another element kept taking the click");
}

/// Finds the element `css` names and clicks it as [`click_centered`] does, finding it
/// again when the page drew it anew in between (its list read again after the last
/// action), so a click lands on what the page shows now.
pub async fn click(client: &Client, css: &str) {
    for _ in 0..20 {
        let element = find(client, css).await;
        match try_click(client, &element).await {
            Err(CmdError::Standard(e))
                if matches!(e.error, ErrorStatus::ElementClickIntercepted | ErrorStatus::StaleElementReference) =>
            {
                tokio::time::sleep(Duration::from_millis(100)).await;
            }
            clicked => return clicked.unwrap(),
        }
    }
    panic!("{css} kept moving or being covered");
}

async fn try_click(client: &Client, element: &Element) -> Result<(), CmdError> {
    let target = serde_json::to_value(element).unwrap();
    client.execute("arguments[0].scrollIntoView({block: 'center'})", vec![target]).await?;
    element.click().await
}

/// Ticks a checkbox: clicks it, centered, until it is ticked. Once in a fresh-clone run
/// a click on the roster's second box focused it and left it unticked (the window
/// showed it so); a person sees that and clicks again, and so does the test.
pub async fn tick(client: &Client, checkbox: &Element) {
    for _attempt in 0..3 {
        if checkbox.is_selected().await.unwrap() {
            return;
        }
        click_centered(client, checkbox).await;
        let clicked = Instant::now();
        while clicked.elapsed() < Duration::from_secs(2) {
            if checkbox.is_selected().await.unwrap() {
                return;
            }
            tokio::time::sleep(Duration::from_millis(50)).await;
        }
    }
    panic!("the checkbox could not be ticked");
}

pub async fn type_into(client: &Client, css: &str, text: &str) {
    fill(client, &[(css, text)]).await;
}

/// Waits until the element's text satisfies `check`; returns that text.
pub async fn text_of(client: &Client, css: &str, check: impl Fn(&str) -> bool) -> String {
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

/// Waits until no element matches `css` (it was removed from the window).
pub async fn until_gone(client: &Client, css: &str) {
    let started = Instant::now();
    while !client.find_all(Locator::Css(css)).await.unwrap_or_default().is_empty() {
        assert!(started.elapsed() < PATIENCE, "{css} is still in the window");
        tokio::time::sleep(Duration::from_millis(50)).await;
    }
}

pub async fn screenshot(client: &Client, name: &str) {
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
pub async fn focused(client: &Client, check: impl Fn(&str) -> bool) -> String {
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
pub async fn press(client: &Client, keys: &str) {
    client.active_element().await.unwrap().send_keys(keys).await.unwrap();
}

/// Chooses an option of a select by its visible text.
pub async fn choose(client: &Client, css: &str, label: &str) {
    choose_in(client, &find(client, css).await, label).await;
}

/// Chooses an option of this select by its visible text, after scrolling it to the
/// middle of the window (a select under the fixed status bar cannot be clicked).
/// Tried again for a second: once in a full run the driver answered the choice with an
/// error that said nothing while the form was being drawn.
pub async fn choose_in(client: &Client, select: &Element, label: &str) {
    let target = serde_json::to_value(select).unwrap();
    let mut last = None;
    for _ in 0..10 {
        client.execute("arguments[0].scrollIntoView({block: 'center'})", vec![target.clone()]).await.unwrap();
        match select.select_by_label(label).await {
            Ok(()) => return,
            Err(e) => last = Some(e),
        }
        tokio::time::sleep(Duration::from_millis(100)).await;
    }
    panic!("select → {label}: {}", last.map(|e| e.to_string()).unwrap_or_default());
}

/// Waits until the listed workers are exactly these (by name, in order).
pub async fn listed(client: &Client, names: &[&str]) {
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

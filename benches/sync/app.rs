//! (e) The app itself, its real window driven over WebDriver (the end-to-end tests'
//! harness): cold start to the first screen, and the memory the app holds once it has
//! synced the large organization.

use super::window;
use std::path::Path;
use std::time::{Duration, Instant};

pub struct AppNumbers {
    /// Launch to the sign-in form, each launch on a fresh data folder: the first, then the median.
    pub first_screen_ms: (f64, f64),
    /// Sign-in to "Last sync" in the window, the whole organization pulled.
    pub first_sync_secs: f64,
    /// Memory after that sync, the app's process and WebKit's web process: resident (the
    /// shared libraries' pages counted in full), proportional (each shared page divided
    /// among the processes that map it: what the kernel's PSS says each costs), and their
    /// own (anonymous) pages alone.
    pub app_rss_mb: f64,
    pub web_rss_mb: f64,
    pub app_pss_mb: f64,
    pub web_pss_mb: f64,
    pub app_own_mb: f64,
    pub web_own_mb: f64,
}

const LAUNCHES: usize = 5;

pub async fn measure(server: &str, email: &str, password: &str) -> AppNumbers {
    let mut launches = Vec::with_capacity(LAUNCHES);
    for _ in 0..LAUNCHES {
        let home = tempfile::tempdir().unwrap();
        let started = Instant::now();
        let (_driver, client) = window::launch(home.path()).await;
        window::find(&client, "input[name=server_url]").await;
        launches.push(started.elapsed().as_secs_f64() * 1e3);
        client.close().await.unwrap();
    }
    let first = launches[0];
    launches.sort_by(f64::total_cmp);

    let home = tempfile::tempdir().unwrap();
    let account =
        [("STRIDE_SERVER_URL", server), ("STRIDE_SIGN_IN_EMAIL", email), ("STRIDE_SIGN_IN_PASSWORD", password)];
    let started = Instant::now();
    let (_driver, client) = window::launch_with(home.path(), &account).await;
    // Far longer than the tests' patience: a million rows take a while.
    let deadline = Instant::now() + Duration::from_secs(900);
    loop {
        let synced = match client.find(fantoccini::Locator::Css("[data-testid=last-sync]")).await {
            Ok(element) => element.text().await.unwrap_or_default().starts_with("Last sync"),
            Err(_) => false,
        };
        if synced {
            break;
        }
        assert!(Instant::now() < deadline, "the app's first sync did not finish");
        tokio::time::sleep(Duration::from_millis(200)).await;
    }
    let first_sync_secs = started.elapsed().as_secs_f64();
    // Settled: home drawn, the background loop idle.
    tokio::time::sleep(Duration::from_secs(5)).await;
    let app = Path::new(env!("CARGO_BIN_EXE_stride"));
    let is_app = |exe: &Path| exe == app;
    let is_web = |exe: &Path| exe.file_name().is_some_and(|name| name == "WebKitWebProcess");
    let (app_rss_mb, app_own_mb) = (memory_mb(&is_app, "status", "VmRSS:"), memory_mb(&is_app, "status", "RssAnon:"));
    let (web_rss_mb, web_own_mb) = (memory_mb(&is_web, "status", "VmRSS:"), memory_mb(&is_web, "status", "RssAnon:"));
    let (app_pss_mb, web_pss_mb) =
        (memory_mb(&is_app, "smaps_rollup", "Pss:"), memory_mb(&is_web, "smaps_rollup", "Pss:"));
    client.close().await.unwrap();
    AppNumbers {
        first_screen_ms: (first, launches[LAUNCHES / 2]),
        first_sync_secs,
        app_rss_mb,
        web_rss_mb,
        app_pss_mb,
        web_pss_mb,
        app_own_mb,
        web_own_mb,
    }
}

/// One line of /proc/PID/`file` (`status`'s `VmRSS:`, `RssAnon:`; `smaps_rollup`'s
/// `Pss:`) summed over the running processes whose executable `is` picks, in MB.
fn memory_mb(is: &impl Fn(&Path) -> bool, file: &str, line_start: &str) -> f64 {
    let mut kib = 0;
    for entry in std::fs::read_dir("/proc").unwrap().flatten() {
        let Ok(exe) = std::fs::read_link(entry.path().join("exe")) else { continue };
        if !is(&exe) {
            continue;
        }
        let status = std::fs::read_to_string(entry.path().join(file)).unwrap_or_default();
        kib += status
            .lines()
            .find_map(|line| line.strip_prefix(line_start))
            .and_then(|value| value.trim().trim_end_matches("kB").trim().parse::<u64>().ok())
            .unwrap_or(0);
    }
    kib as f64 / 1024.0
}

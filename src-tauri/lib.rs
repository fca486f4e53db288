//! The desktop app shell: a Tauri window over the service. It opens the device store in
//! the OS app-data folder (or `STRIDE_DATA_DIR`), registers the commands, and runs.
//! `STRIDE_SERVER_URL` suggests a server at sign-in; with `STRIDE_SIGN_IN_EMAIL` and
//! `STRIDE_SIGN_IN_PASSWORD` too, a new device signs itself in (how `make run` opens
//! the app signed in to the demo). `STRIDE_SYNC_CHECK_SECONDS` sets how often the app
//! asks whether the server answers (15 s), `STRIDE_LOCK_AFTER_SECONDS` how long it stays
//! unlocked without use (10 minutes). While it runs, the day's reminders come as
//! desktop notifications (`notify.rs`).

mod authoring_commands;
mod bindings;
mod commands;
mod error;
mod events;
mod ipc;
mod notify;
mod service;
mod state;

use error::AppError;
use service::{AutomaticSignIn, Service};
use state::{AppState, Launch};
use std::path::PathBuf;
use stride_sync::Credentials;

/// The app's name in the OS keyring.
const KEYRING_SERVICE: &str = "org.stride.desktop";
use tauri::Manager;

/// Where the database lives: `STRIDE_DATA_DIR` when set (tests, portable use), else the
/// OS app-data folder (~/.local/share/org.stride.desktop on Linux).
fn data_dir(app: &tauri::App) -> Result<PathBuf, AppError> {
    match std::env::var_os("STRIDE_DATA_DIR") {
        Some(dir) => Ok(PathBuf::from(dir)),
        None => Ok(app.path().app_data_dir()?),
    }
}

fn launch(app: &tauri::App) -> Result<Launch, AppError> {
    let setting = |name: &str| std::env::var(name).ok().filter(|value| !value.trim().is_empty());
    let automatic_sign_in = match (setting("STRIDE_SIGN_IN_EMAIL"), setting("STRIDE_SIGN_IN_PASSWORD")) {
        (Some(email), Some(password)) => Some(AutomaticSignIn { email, password }),
        _ => None,
    };
    Ok(Launch {
        database: data_dir(app)?.join("stride.sqlite3"),
        credentials: Credentials::new(KEYRING_SERVICE),
        suggested_server_url: setting("STRIDE_SERVER_URL"),
        automatic_sign_in,
        lock_after: seconds_setting("STRIDE_LOCK_AFTER_SECONDS").unwrap_or(service::LOCK_AFTER),
    })
}

/// A number of seconds from the environment, if one is given.
fn seconds_setting(name: &str) -> Option<std::time::Duration> {
    std::env::var(name).ok().and_then(|seconds| seconds.trim().parse().ok()).map(std::time::Duration::from_secs)
}

/// The invoke handler of every command: each module's own, chosen by the command's name.
fn invoke_handler() -> impl Fn(tauri::ipc::Invoke<tauri::Wry>) -> bool + Send + Sync + 'static {
    let field = commands::handler();
    let authoring = authoring_commands::handler();
    move |invoke| {
        let command = invoke.message.command();
        if commands::NAMES.contains(&command) {
            field(invoke)
        } else if authoring_commands::NAMES.contains(&command) {
            authoring(invoke)
        } else {
            false // Tauri answers "command not found"
        }
    }
}

pub fn run() {
    tracing_subscriber::fmt()
        .with_env_filter(tracing_subscriber::EnvFilter::try_from_env("STRIDE_LOG").unwrap_or_else(|_| "info".into()))
        .init();
    let result = tauri::Builder::default()
        .setup(|app| {
            let handle = app.handle().clone();
            let every = seconds_setting("STRIDE_SYNC_CHECK_SECONDS").unwrap_or(service::CHECK_EVERY);
            let start_background = move |service: &std::sync::Arc<Service>| {
                let (syncing, reminding, handle) = (service.clone(), service.clone(), handle.clone());
                tauri::async_runtime::spawn(async move {
                    syncing.keep_in_sync(every, |event| events::tell_window(&handle, event)).await;
                });
                tauri::async_runtime::spawn(async move {
                    reminding.keep_reminding(notify::REMIND_EVERY, notify::show).await;
                });
            };
            app.manage(AppState::new(launch(app).map_err(|error| error.message)?, start_background));
            Ok(())
        })
        .invoke_handler(invoke_handler())
        .run(tauri::generate_context!());
    if let Err(error) = result {
        tracing::error!(error = %error, "the app stopped with an error");
        std::process::exit(1);
    }
}

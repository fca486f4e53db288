//! `stride-sync`: a device's sync from a terminal, on the same database and keyring
//! entry the app uses. For field laptops synced by a script, and for finding out why a
//! device does not sync. Progress goes to standard output, one line per step.

use clap::{Parser, Subcommand};
use std::io::{Read, Write};
use std::path::PathBuf;
use std::process::ExitCode;
use stride_store::Store;
use stride_sync::{Credentials, Progress, RetryPolicy};

/// The app's name in the OS keyring (the desktop app's own).
const KEYRING_SERVICE: &str = "org.stride.desktop";

#[derive(Parser)]
#[command(name = "stride-sync", about = "Sync a Stride device's database with its server", version)]
struct Cli {
    /// The folder holding the device's stride.sqlite3 (the app's data folder).
    #[arg(long, env = "STRIDE_DATA_DIR", global = true)]
    data_dir: Option<PathBuf>,
    /// The keyring entry's service name.
    #[arg(long, default_value = KEYRING_SERVICE, global = true)]
    keyring_service: String,
    #[command(subcommand)]
    command: Command,
}

#[derive(Subcommand)]
enum Command {
    /// Sign in (the password is read from standard input), then run the first sync.
    SignIn {
        #[arg(long)]
        server: String,
        #[arg(long)]
        email: String,
        /// The organization's own CA certificate (PEM), for a self-hosted server.
        #[arg(long)]
        ca_file: Option<std::path::PathBuf>,
    },
    /// Push this device's changes and pull the organization's, retrying network failures.
    Sync {
        /// Attempts in all before giving up on a failure that may pass.
        #[arg(long, default_value_t = 5)]
        attempts: u32,
    },
    /// What the device holds and what waits to sync.
    Status,
}

fn say(line: std::fmt::Arguments<'_>) {
    let mut out = std::io::stdout().lock();
    let _ = out.write_fmt(line);
    let _ = out.write_all(b"\n");
    let _ = out.flush();
}

fn print_progress(progress: Progress) {
    match progress {
        Progress::Pushing { done, total } => say(format_args!("pushing {done}/{total}")),
        Progress::Pulling { done, total } => say(format_args!("pulling {done}/{total}")),
        Progress::Retrying { attempt, attempts, delay_ms } => {
            say(format_args!("retrying attempt {attempt}/{attempts} in {delay_ms} ms"))
        }
    }
}

async fn run(cli: Cli) -> Result<(), String> {
    let folder = cli.data_dir.ok_or("set --data-dir or STRIDE_DATA_DIR")?;
    let credentials = Credentials::new(cli.keyring_service);
    let database = folder.join("stride.sqlite3");
    let keys = credentials.database_keys(&database).map_err(|e| e.to_string())?;
    let store = std::sync::Arc::new(Store::open(&database, std::sync::Arc::new(keys)).map_err(|e| e.to_string())?);
    let policy = |attempts| RetryPolicy { attempts, ..RetryPolicy::interactive() };
    match cli.command {
        Command::SignIn { server, email, ca_file } => {
            let mut password = String::new();
            std::io::stdin().read_to_string(&mut password).map_err(|e| format!("reading the password: {e}"))?;
            let device_name =
                format!("stride-sync on {}", std::env::var("HOSTNAME").unwrap_or_else(|_| "a computer".into()));
            let organization_ca = match &ca_file {
                Some(path) => {
                    Some(std::fs::read_to_string(path).map_err(|e| format!("reading {}: {e}", path.display()))?)
                }
                None => None,
            };
            let (client, me) = stride_sync::sign_in(
                &store,
                &server,
                organization_ca.as_deref(),
                &email,
                stride_sync::Secret::Password(password.trim_end_matches(['\r', '\n'])),
                &device_name,
            )
            .await
            .map_err(|e| e.to_string())?;
            let token = client.token().cloned().ok_or("the server sent no token")?;
            credentials.save(store.device().device_id, me.user_id, &token).map_err(|e| e.to_string())?;
            // One of the people on this laptop, as the app's sign-in makes them.
            store.keep_person(&me, password.trim_end_matches(['\r', '\n'])).map_err(|e| e.to_string())?;
            store.set_server_url(Some(client.server_url())).map_err(|e| e.to_string())?;
            say(format_args!("signed in as {} ({}) of {}", me.email, me.role, me.organization.name));
            let report = stride_sync::sync_with_retries(&store, &client, &policy(5), print_progress)
                .await
                .map_err(|e| e.to_string())?;
            say(format_args!(
                "synced: pushed {}, rejected {}, pulled {}",
                report.pushed, report.rejected, report.pulled
            ));
        }
        Command::Sync { attempts } => {
            let device = store.device().device_id;
            let (user, _) = store.account().map_err(|e| e.to_string())?.ok_or("not signed in: run sign-in first")?;
            credentials.adopt_device_token(device, user).map_err(|e| e.to_string())?;
            let token =
                credentials.load(device, user).map_err(|e| e.to_string())?.ok_or("not signed in: run sign-in first")?;
            let client = stride_sync::signed_in_client(&store, token)
                .map_err(|e| e.to_string())?
                .ok_or("not signed in: run sign-in first")?;
            let result =
                stride_sync::sync_with_retries(&store, &client, &policy(attempts.max(1)), print_progress).await;
            if matches!(result, Err(stride_sync::SyncError::Client(stride_sync::ClientError::Revoked))) {
                credentials.delete(device, user).map_err(|e| e.to_string())?;
            }
            let report = result.map_err(|e| e.to_string())?;
            say(format_args!(
                "synced: pushed {}, rejected {}, pulled {}",
                report.pushed, report.rejected, report.pulled
            ));
        }
        Command::Status => {
            let device = store.device();
            say(format_args!("device {}", device.device_id));
            say(format_args!(
                "server {}",
                store.server_url().map_err(|e| e.to_string())?.unwrap_or_else(|| "none".into())
            ));
            say(format_args!("pending {}", store.pending_count().map_err(|e| e.to_string())?));
            say(format_args!("rejected {}", store.rejected_count().map_err(|e| e.to_string())?));
            say(format_args!("pull cursor {}", device.pull_cursor));
            say(format_args!("first sync {}", if device.first_sync_done { "done" } else { "not done" }));
        }
    }
    Ok(())
}

#[tokio::main(flavor = "current_thread")]
async fn main() -> ExitCode {
    match run(Cli::parse()).await {
        Ok(()) => ExitCode::SUCCESS,
        Err(message) => {
            eprintln!("stride-sync: {message}");
            ExitCode::FAILURE
        }
    }
}

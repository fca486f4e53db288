//! Signing in and syncing, on demand and by itself: the background loop watches whether
//! the server answers and syncs when it comes back, or when changes wait to go up.

use super::{DeviceStatus, Service};
use crate::error::AppError;
use serde::{Deserialize, Serialize};
use std::time::Duration;
use stride_domain::Timestamp;
use stride_sync::{Client, ClientError, Progress, RetryPolicy, SyncError};
use ts_rs::TS;

/// How often the background loop asks whether the server answers, unless the app is
/// told otherwise (STRIDE_SYNC_CHECK_SECONDS).
pub const CHECK_EVERY: Duration = Duration::from_secs(15);
/// With nothing to push, the background loop still pulls this often.
pub const PULL_EVERY: Duration = Duration::from_secs(5 * 60);

#[derive(Debug, Clone, Deserialize, TS)]
pub struct SignInInput {
    pub server_url: String,
    pub email: String,
    pub password: String,
}

/// What one sync did.
#[derive(Debug, Clone, Copy, PartialEq, Serialize, TS)]
pub struct SyncSummary {
    #[ts(type = "number")]
    pub pushed: u64,
    #[ts(type = "number")]
    pub rejected: u64,
    #[ts(type = "number")]
    pub pulled: u64,
    /// Failed attempts that were tried again.
    pub retries: u32,
}

/// A running sync's progress, sent to the window as the `sync-progress` event.
#[derive(Debug, Clone, Copy, PartialEq, Serialize, TS)]
pub struct SyncProgress {
    pub phase: SyncPhase,
    /// Records done; while retrying, the attempt about to start.
    #[ts(type = "number")]
    pub done: u64,
    /// Records in all (an upper bound while pulling); while retrying, the attempts.
    #[ts(type = "number")]
    pub total: u64,
    /// While retrying: how long until the next attempt.
    #[ts(type = "number | null")]
    pub retry_in_ms: Option<u64>,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, TS)]
#[serde(rename_all = "snake_case")]
pub enum SyncPhase {
    Pushing,
    Pulling,
    Retrying,
}

impl From<Progress> for SyncProgress {
    fn from(progress: Progress) -> Self {
        match progress {
            Progress::Pushing { done, total } => Self { phase: SyncPhase::Pushing, done, total, retry_in_ms: None },
            Progress::Pulling { done, total } => Self { phase: SyncPhase::Pulling, done, total, retry_in_ms: None },
            Progress::Retrying { attempt, attempts, delay_ms } => Self {
                phase: SyncPhase::Retrying,
                done: attempt.into(),
                total: attempts.into(),
                retry_in_ms: Some(delay_ms),
            },
        }
    }
}

/// The name a device signs in under, as administrators see it in the device list.
fn device_name() -> String {
    let host = std::fs::read_to_string("/etc/hostname").ok().map(|h| h.trim().to_owned()).filter(|h| !h.is_empty());
    format!("Stride on {}", host.unwrap_or_else(|| "a desktop".into()))
}

/// What the background loop tells the window.
#[derive(Debug, Clone)]
pub enum BackgroundEvent {
    /// The server started or stopped answering.
    Connection {
        online: bool,
    },
    Progress(SyncProgress),
    /// A sync the loop started has ended.
    Finished(Result<SyncSummary, AppError>),
}

impl Service {
    /// Signs in with the account the app was launched with, to the suggested server.
    pub async fn sign_in_automatically(&self, progress: impl FnMut(Progress)) -> Result<DeviceStatus, AppError> {
        let not_signed_in = || AppError::from(ClientError::Unauthenticated);
        let account = self.automatic_sign_in.as_ref().ok_or_else(not_signed_in)?;
        let server_url = self.suggested_server_url.clone().ok_or_else(not_signed_in)?;
        let input = SignInInput { server_url, email: account.email.clone(), password: account.password.clone() };
        self.sign_in(input, progress).await
    }

    /// Signs in to a server (binding a new device to the account's organization), keeps
    /// the token in the OS keyring, and runs the first sync.
    pub async fn sign_in(&self, input: SignInInput, progress: impl FnMut(Progress)) -> Result<DeviceStatus, AppError> {
        let _turn = self.sync_turn.lock().await;
        let (client, _me) =
            stride_sync::sign_in(&self.store, &input.server_url, &input.email, &input.password, &device_name()).await?;
        let device = self.store.device().device_id;
        let token = client.token().cloned().ok_or_else(|| AppError::from(ClientError::Unauthenticated))?;
        self.credentials.save(device, &token)?;
        self.store.set_server_url(Some(client.server_url()))?;
        self.store.clear_wiped_at()?;
        self.sync_signed_in(&client, progress).await?;
        self.status()
    }

    /// Pushes this device's changes and pulls the organization's, retrying failures
    /// that may pass. Waits for a background sync that is running to end first.
    pub async fn sync(&self, progress: impl FnMut(Progress)) -> Result<SyncSummary, AppError> {
        let _turn = self.sync_turn.lock().await;
        let client = self.signed_in_client()?;
        self.sync_signed_in(&client, progress).await
    }

    async fn sync_signed_in(&self, client: &Client, progress: impl FnMut(Progress)) -> Result<SyncSummary, AppError> {
        // Taken before the sync: a revoked device's wipe gives the store a new id.
        let device = self.store.device().device_id;
        let result = stride_sync::sync_with_retries(&self.store, client, &RetryPolicy::interactive(), progress).await;
        if matches!(result, Err(SyncError::Client(ClientError::Revoked))) {
            // The store wiped itself; the token goes too (it is no use any more).
            self.credentials.delete(device)?;
        }
        let report = result?;
        Ok(SyncSummary {
            pushed: report.pushed,
            rejected: report.rejected,
            pulled: report.pulled,
            retries: report.retries,
        })
    }

    /// Forgets the sign-in; the data on the device stays.
    pub fn sign_out(&self) -> Result<DeviceStatus, AppError> {
        self.credentials.delete(self.store.device().device_id)?;
        self.status()
    }

    pub(super) fn signed_in_client(&self) -> Result<Client, AppError> {
        let not_signed_in = || AppError::from(ClientError::Unauthenticated);
        let url = self.store.server_url()?.ok_or_else(not_signed_in)?;
        let token = self.credentials.load(self.store.device().device_id)?.ok_or_else(not_signed_in)?;
        Ok(Client::new(&url)?.with_token(token))
    }

    /// Runs for the app's life: every `every`, a signed-in device asks the server
    /// whether it answers, and syncs when it has just come back, when changes wait to
    /// go up, or when the last pull is older than `PULL_EVERY`.
    pub async fn keep_in_sync(&self, every: Duration, mut tell: impl FnMut(BackgroundEvent)) {
        let mut online = None;
        loop {
            tokio::time::sleep(every).await;
            let Ok(client) = self.signed_in_client() else { continue };
            let (reachable, revoked) = match client.is_reachable().await {
                Ok(reachable) => (reachable, false),
                // The sync below hears it again, wipes the device and tells the window.
                Err(ClientError::Revoked) => (true, true),
                Err(error) => {
                    tracing::info!(error = %error, "background sync: the server refuses this device");
                    continue;
                }
            };
            let came_back = reachable && online == Some(false);
            if online != Some(reachable) {
                online = Some(reachable);
                tell(BackgroundEvent::Connection { online: reachable });
            }
            if reachable && (came_back || revoked || self.sync_is_due().unwrap_or(true)) {
                let result = self.sync(|progress| tell(BackgroundEvent::Progress(progress.into()))).await;
                tell(BackgroundEvent::Finished(result));
            }
        }
    }

    fn sync_is_due(&self) -> Result<bool, AppError> {
        if self.store.pending_count()? > 0 {
            return Ok(true);
        }
        let last = self.store.last_sync_at()?;
        Ok(last.is_none_or(|at| Timestamp::now().millis() - at.millis() > PULL_EVERY.as_millis() as i64))
    }
}

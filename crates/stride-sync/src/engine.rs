//! One sync: push the outbox in batches, then pull pages until up to date. Each pushed
//! batch's answer and each pulled page (with its cursor) is stored before the next
//! request, so a sync that stops anywhere resumes where it stopped.

use crate::client::{Client, ClientError};
use stride_domain::api::{Me, Outcome, PushRequest, PushedChange};
use stride_store::{Store, StoreError};

/// Changes per push request.
pub const PUSH_BATCH: u32 = 500;
/// Rows per pull request.
pub const PULL_PAGE: i64 = 2000;

#[derive(Debug, thiserror::Error)]
pub enum SyncError {
    #[error(transparent)]
    Client(#[from] ClientError),
    #[error("the device's database failed during sync")]
    Store(#[from] StoreError),
    #[error("this device works for another organization than the one this account belongs to")]
    OtherOrganization,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Phase {
    Pushing,
    Pulling,
}

/// How far a sync has come, for a progress bar.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Progress {
    pub phase: Phase,
    pub done: u64,
    /// Known for pushing (the outbox's size); pulling only knows when it is done.
    pub total: Option<u64>,
}

#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub struct SyncReport {
    pub pushed: u64,
    pub rejected: u64,
    pub pulled: u64,
    /// Pulled fields not applied because a local change to them was still pending.
    pub kept_local_fields: u64,
}

/// Signs in and binds the store to the account's organization (a new device takes it;
/// a device of another organization is refused). Returns the signed-in client.
pub async fn sign_in(
    store: &Store,
    server_url: &str,
    email: &str,
    password: &str,
    device_name: &str,
) -> Result<(Client, Me), SyncError> {
    let client = Client::new(server_url)?;
    let login = client.login(email, password, device_name).await?;
    match store.device().organization_id {
        Some(id) if id != login.me.organization.id => return Err(SyncError::OtherOrganization),
        Some(_) => {}
        None => store.set_up_organization(&login.me.organization)?,
    }
    Ok((client.with_token(login.token), login.me))
}

/// Pushes every pending change, then pulls until up to date. A device the server says
/// was revoked wipes its local data before it reports so.
pub async fn sync(store: &Store, client: &Client, progress: impl FnMut(Progress)) -> Result<SyncReport, SyncError> {
    match sync_unchecked(store, client, progress).await {
        Err(SyncError::Client(ClientError::Revoked)) => {
            store.wipe()?;
            Err(SyncError::Client(ClientError::Revoked))
        }
        other => other,
    }
}

async fn sync_unchecked(
    store: &Store,
    client: &Client,
    mut progress: impl FnMut(Progress),
) -> Result<SyncReport, SyncError> {
    let mut report = SyncReport::default();
    let total = store.pending_count()?;
    progress(Progress { phase: Phase::Pushing, done: 0, total: Some(total) });
    loop {
        let entries = store.pending_changes(0, PUSH_BATCH)?;
        if entries.is_empty() {
            break;
        }
        let request = PushRequest {
            changes: entries.into_iter().map(|e| PushedChange { seq: e.seq, change: e.change }).collect(),
        };
        let response = client.push(&request).await?;
        store.record_push_results(&response.results)?;
        for result in &response.results {
            match result.outcome {
                Outcome::Rejected { .. } => report.rejected += 1,
                _ => report.pushed += 1,
            }
        }
        progress(Progress { phase: Phase::Pushing, done: report.pushed + report.rejected, total: Some(total) });
    }

    let mut cursor = store.device().pull_cursor;
    loop {
        let page = client.pull(cursor, PULL_PAGE).await?;
        let applied = store.apply_pulled(&page.rows, page.cursor, page.up_to_date)?;
        report.pulled += applied.rows as u64;
        report.kept_local_fields += applied.kept_local_fields as u64;
        cursor = page.cursor;
        progress(Progress { phase: Phase::Pulling, done: report.pulled, total: None });
        if page.up_to_date {
            break;
        }
    }
    tracing::info!(
        sync.pushed = report.pushed,
        sync.rejected = report.rejected,
        sync.pulled = report.pulled,
        "sync finished"
    );
    Ok(report)
}

//! One sync: push the outbox in batches, then pull pages until up to date. Each pushed
//! batch's answer is stored before the next request, and each pulled page (with its
//! cursor) before the next page is applied (the next is asked for while one applies),
//! so a sync that stops anywhere resumes where it stopped. A device whose
//! person has a sync scope tells the server which it holds; a page that changes it
//! brings the workers that came, and their older rows follow in a backfill.
//!
//! A device's first sync pulls before it pushes: until it has everything once, the
//! server can leave out tombstones of rows the device never had, which is only sound
//! while none of the device's own rows are on the server.
//!
//! The store's work (SQLite, the wipe's VACUUM) runs on the blocking pool, so the async
//! threads only wait on the network.

use crate::client::{Client, ClientError};
use crate::retry::RetryPolicy;
use crate::tls::Trust;
use std::sync::Arc;
use stride_domain::api::{
    BackfillRequest, DeviceToken, Me, Outcome, PageLayout, PullResponse, PushRequest, PushedChange,
};
use stride_store::{Store, StoreError};

/// Changes per push request.
pub const PUSH_BATCH: u32 = 500;
/// Rows per pull request of a first sync: the server's largest page, for throughput.
pub const FIRST_SYNC_PAGE: i64 = 5000;
/// Rows per pull request afterwards: small enough that one device's page is a short
/// wait for the others when many sync at once.
pub const PULL_PAGE: i64 = 1000;

#[derive(Debug, thiserror::Error)]
pub enum SyncError {
    #[error(transparent)]
    Client(#[from] ClientError),
    #[error("the device's database failed during sync")]
    Store(#[from] StoreError),
    #[error("this device works for another organization than the one this account belongs to")]
    OtherOrganization,
    /// The runtime shut down while the store's work waited on the blocking pool.
    #[error("the sync was stopped before the device's database answered")]
    Stopped(#[source] tokio::task::JoinError),
}

/// Runs the store's `work` on the blocking pool (a panic in it goes on as a panic here).
pub(crate) async fn on_store<T: Send + 'static>(
    store: &Arc<Store>,
    work: impl FnOnce(&Store) -> Result<T, StoreError> + Send + 'static,
) -> Result<T, SyncError> {
    let store = Arc::clone(store);
    match tokio::task::spawn_blocking(move || work(&store)).await {
        Ok(result) => Ok(result?),
        Err(stopped) if stopped.is_panic() => std::panic::resume_unwind(stopped.into_panic()),
        Err(stopped) => Err(SyncError::Stopped(stopped)),
    }
}

impl SyncError {
    /// A failure that may pass by itself (the network, a server restarting): worth
    /// another attempt after a pause. Anything else needs a person.
    pub fn is_transient(&self) -> bool {
        match self {
            SyncError::Client(ClientError::Unreachable(_) | ClientError::Decode(_)) => true,
            SyncError::Client(ClientError::Server { status, .. }) => *status >= 500,
            _ => false,
        }
    }
}

/// How far a sync has come, for a progress bar.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Progress {
    Pushing {
        done: u64,
        total: u64,
    },
    /// `total` is an upper bound (the server's head less the cursor), exact on a first sync.
    Pulling {
        done: u64,
        total: u64,
    },
    /// A step failed for a reason that may pass; the sync goes on after `delay_ms`.
    Retrying {
        attempt: u32,
        attempts: u32,
        delay_ms: u64,
    },
}

#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub struct SyncReport {
    pub pushed: u64,
    pub rejected: u64,
    pub pulled: u64,
    /// Pulled fields not applied because a local change to them was still pending.
    pub kept_local_fields: u64,
    /// This device's edits that the server says lost to a concurrent edit elsewhere.
    pub lost_edits: u64,
    /// Failed attempts that were retried.
    pub retries: u32,
}

/// What a person signs in with.
#[derive(Clone, Copy)]
pub enum Secret<'a> {
    Password(&'a str),
    /// The first time: the set-up code their administrator passed on, and the password
    /// they choose.
    SetUpCode {
        code: &'a str,
        new_password: &'a str,
    },
}

impl std::fmt::Debug for Secret<'_> {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str(match self {
            Secret::Password(_) => "Secret::Password(…)",
            Secret::SetUpCode { .. } => "Secret::SetUpCode(…)",
        })
    }
}

/// Signs in and binds the store to the account's organization (a new device takes it;
/// a device of another organization is refused), trusting the system's CAs and, for a
/// self-hosted server, the organization's own (`organization_ca`, PEM), which the store
/// then keeps for every later sync. Returns the signed-in client.
pub async fn sign_in(
    store: &Arc<Store>,
    server_url: &str,
    organization_ca: Option<&str>,
    email: &str,
    secret: Secret<'_>,
    device_name: &str,
) -> Result<(Client, Me), SyncError> {
    let trust = match organization_ca {
        Some(pem) => Trust::with_organization_ca(pem).map_err(|_| ClientError::BadCaFile)?,
        None => Trust::system(),
    };
    let client = Client::trusting(server_url, &trust)?;
    let installation = store.device().device_id;
    let login = match secret {
        Secret::Password(password) => client.login(email, password, device_name, installation).await?,
        Secret::SetUpCode { code, new_password } => {
            client.set_up(email, code, new_password, device_name, installation).await?
        }
    };
    if store.device().organization_id.is_some_and(|id| id != login.me.organization.id) {
        return Err(SyncError::OtherOrganization);
    }
    let me = login.me.clone();
    let organization_ca = organization_ca.map(str::to_owned);
    on_store(store, move |store| {
        if store.device().organization_id.is_none() {
            store.set_up_organization(&me.organization)?;
        }
        store.set_server_ca(organization_ca.as_deref())?;
        store.set_account(me.user_id, me.role)
    })
    .await?;
    Ok((client.with_token(login.token).from_installation(installation), login.me))
}

/// A client of the server this device signed in to, trusting what it trusted then.
pub fn signed_in_client(store: &Store, token: DeviceToken) -> Result<Option<Client>, SyncError> {
    let Some(url) = store.server_url()? else { return Ok(None) };
    // A CA kept at sign-in was read then; one that no longer reads trusts nothing extra.
    let trust = store.server_ca()?.and_then(|pem| Trust::with_organization_ca(&pem).ok()).unwrap_or_default();
    Ok(Some(Client::trusting(&url, &trust)?.with_token(token).from_installation(store.device().device_id)))
}

/// Pushes every pending change, then pulls until up to date, in one attempt. A device
/// the server says was revoked wipes its local data before it reports so.
pub async fn sync(
    store: &Arc<Store>,
    client: &Client,
    progress: impl FnMut(Progress),
) -> Result<SyncReport, SyncError> {
    sync_with_retries(store, client, &RetryPolicy::none(), progress).await
}

/// [`sync`], retrying transient failures after growing pauses. Every attempt resumes
/// where the last one stopped: nothing already pushed or pulled is sent again.
pub async fn sync_with_retries(
    store: &Arc<Store>,
    client: &Client,
    policy: &RetryPolicy,
    mut progress: impl FnMut(Progress),
) -> Result<SyncReport, SyncError> {
    let mut report = SyncReport::default();
    let mut attempt = 1;
    loop {
        match sync_once(store, client, &mut report, &mut progress).await {
            Ok(()) => break,
            Err(SyncError::Client(ClientError::Revoked)) => {
                on_store(store, Store::wipe).await?;
                return Err(SyncError::Client(ClientError::Revoked));
            }
            Err(error) if error.is_transient() && attempt < policy.attempts => {
                let delay = policy.delay_before(attempt + 1);
                tracing::info!(sync.attempt = attempt, error = %error, delay_ms = delay.as_millis() as u64, "sync failed; retrying");
                progress(Progress::Retrying {
                    attempt: attempt + 1,
                    attempts: policy.attempts,
                    delay_ms: delay.as_millis() as u64,
                });
                tokio::time::sleep(delay).await;
                attempt += 1;
                report.retries += 1;
            }
            Err(error) => return Err(error),
        }
    }
    tracing::info!(
        sync.pushed = report.pushed,
        sync.rejected = report.rejected,
        sync.pulled = report.pulled,
        sync.retries = report.retries,
        "sync finished"
    );
    Ok(report)
}

async fn sync_once(
    store: &Arc<Store>,
    client: &Client,
    report: &mut SyncReport,
    progress: &mut impl FnMut(Progress),
) -> Result<(), SyncError> {
    if !store.device().first_sync_done {
        pull(store, client, report, progress).await?;
        on_store(store, Store::release_write_cache).await?;
    }
    push(store, client, report, progress).await?;
    pull(store, client, report, progress).await?;
    fetch_conflicts(store, client, report).await
}

/// What the server says of this device's edits that lost to concurrent ones. A server
/// from before conflicts were kept has no such route: nothing to fetch.
async fn fetch_conflicts(store: &Arc<Store>, client: &Client, report: &mut SyncReport) -> Result<(), SyncError> {
    loop {
        let cursor = on_store(store, Store::conflict_cursor).await?;
        let page = match client.conflicts(cursor).await {
            Ok(page) => page,
            Err(ClientError::Server { status: 404, .. }) => return Ok(()),
            Err(other) => return Err(other.into()),
        };
        if page.conflicts.is_empty() {
            return Ok(());
        }
        report.lost_edits += on_store(store, move |store| store.record_conflicts(&page.conflicts)).await?;
    }
}

async fn push(
    store: &Arc<Store>,
    client: &Client,
    report: &mut SyncReport,
    progress: &mut impl FnMut(Progress),
) -> Result<(), SyncError> {
    let mut done = 0;
    let total = on_store(store, Store::pending_count).await?;
    progress(Progress::Pushing { done, total });
    loop {
        let entries = on_store(store, |store| store.pending_changes(0, PUSH_BATCH)).await?;
        if entries.is_empty() {
            return Ok(());
        }
        let request = PushRequest {
            changes: entries
                .into_iter()
                .map(|e| PushedChange { seq: e.seq, change: e.change, author: e.author })
                .collect(),
        };
        let response = Arc::new(client.push(&request).await?);
        let answer = Arc::clone(&response);
        on_store(store, move |store| store.record_push_results(&answer.results)).await?;
        for result in &response.results {
            match result.outcome {
                Outcome::Rejected { .. } => report.rejected += 1,
                _ => report.pushed += 1,
            }
        }
        done += response.results.len() as u64;
        progress(Progress::Pushing { done, total: total.max(done) });
    }
}

/// Pulls until up to date. The next page is asked for while this one is applied (the
/// server's work and the device's overlap): it is the one the device would ask for
/// next unless this page changes what it holds, and is used only if the request made
/// from the device's state after applying is the same one.
async fn pull(
    store: &Arc<Store>,
    client: &Client,
    report: &mut SyncReport,
    progress: &mut impl FnMut(Progress),
) -> Result<(), SyncError> {
    let mut done = 0;
    // A backfill a stopped sync left half done goes on first.
    backfill(store, client, report).await?;
    let mut request = PageRequest::now(store).await?;
    let mut page = request.fetch(client).await?;
    loop {
        let predicted = request.after(&page);
        let page_now = Arc::new(page);
        let pulled = Arc::clone(&page_now);
        let apply = on_store(store, move |store| store.apply_pulled(&pulled));
        let (applied, ahead) = match predicted {
            Some(next) => {
                let (applied, fetched) = tokio::join!(apply, next.fetch(client));
                (applied?, Some((next, fetched)))
            }
            None => (apply.await?, None),
        };
        report.pulled += applied.rows as u64;
        report.kept_local_fields += applied.kept_local_fields as u64;
        done += applied.rows as u64;
        // Workers that came into scope with this page: their older rows, before the next.
        backfill(store, client, report).await?;
        let left = if page_now.up_to_date { 0 } else { (page_now.head - page_now.cursor).max(0) as u64 };
        progress(Progress::Pulling { done, total: done + left });
        if page_now.up_to_date && !applied.pull_again {
            return Ok(());
        }
        let next = PageRequest::now(store).await?;
        page = match ahead {
            Some((predicted, fetched)) if predicted == next => fetched?,
            _ => next.fetch(client).await?,
        };
        request = next;
    }
}

/// What a pull asks the server for, from the device's state.
#[derive(Debug, Clone, PartialEq, Eq)]
struct PageRequest {
    cursor: i64,
    limit: i64,
    /// During the first sync: the head its first page reported, once it has one.
    first_sync: Option<Option<i64>>,
    /// The scope the device holds.
    held: Option<String>,
}

impl PageRequest {
    async fn now(store: &Arc<Store>) -> Result<Self, SyncError> {
        let device = store.device();
        let held = on_store(store, Store::held_scope).await?;
        let (limit, first_sync) =
            if device.first_sync_done { (PULL_PAGE, None) } else { (FIRST_SYNC_PAGE, Some(device.first_sync_head)) };
        Ok(PageRequest { cursor: device.pull_cursor, limit, first_sync, held })
    }

    /// The request the device makes after applying `page`, when that is known before:
    /// the page is not the last and changes no scope (`Store::apply_pulled` then moves
    /// the cursor to the page's, and a first sync keeps the head its first page gave).
    fn after(&self, page: &PullResponse) -> Option<Self> {
        (!page.up_to_date && page.scope.is_none()).then(|| PageRequest {
            cursor: page.cursor,
            first_sync: self.first_sync.map(|head| head.or(Some(page.head))),
            ..self.clone()
        })
    }

    async fn fetch(&self, client: &Client) -> Result<PullResponse, ClientError> {
        client.pull_holding(self.cursor, self.limit, self.first_sync, self.held.as_deref()).await
    }
}

/// Brings the older rows of every worker that came into this device's scope, a page at
/// a time, each stored with how far it has come.
async fn backfill(store: &Arc<Store>, client: &Client, report: &mut SyncReport) -> Result<(), SyncError> {
    while let Some(arrivals) = on_store(store, Store::next_arrivals).await? {
        let request = BackfillRequest {
            workers: arrivals.workers.clone(),
            through: arrivals.through,
            cursor: arrivals.cursor,
            limit: FIRST_SYNC_PAGE,
            layout: PageLayout::Columns,
        };
        let page = Arc::new(client.backfill(&request).await?);
        let applied = on_store(store, move |store| store.apply_backfill(&arrivals, &page)).await?;
        report.pulled += applied.rows as u64;
        report.kept_local_fields += applied.kept_local_fields as u64;
    }
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;
    use stride_domain::scope::PulledScope;

    fn page(cursor: i64, head: i64, up_to_date: bool) -> PullResponse {
        PullResponse { rows: Vec::new(), tables: Vec::new(), cursor, up_to_date, head, server_time_ms: 0, scope: None }
    }

    #[test]
    fn the_page_after_is_asked_for_ahead_only_when_applying_cannot_change_the_request() {
        let first = PageRequest { cursor: 0, limit: FIRST_SYNC_PAGE, first_sync: Some(None), held: None };
        // The first page of a first sync: the head it gives is kept, as apply_pulled keeps it.
        let second = first.after(&page(5_000, 90_000, false)).unwrap();
        assert_eq!(second, PageRequest { cursor: 5_000, first_sync: Some(Some(90_000)), ..first.clone() });
        // Later pages keep the first page's head, not their own.
        assert_eq!(second.after(&page(10_000, 95_000, false)).unwrap().first_sync, Some(Some(90_000)));
        // After a first sync nothing about a head is sent.
        let steady = PageRequest { cursor: 7, limit: PULL_PAGE, first_sync: None, held: Some("set".into()) };
        assert_eq!(steady.after(&page(1_007, 2_000, false)).unwrap(), PageRequest { cursor: 1_007, ..steady.clone() });
        // The last page, and a page that changes the scope held, leave the next request to the store.
        assert_eq!(steady.after(&page(2_000, 2_000, true)), None);
        let moved = PullResponse { scope: Some(PulledScope::Organization), ..page(1_007, 2_000, false) };
        assert_eq!(steady.after(&moved), None);
    }
}

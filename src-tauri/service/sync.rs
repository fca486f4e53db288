//! Signing in and syncing, on demand and by itself: the background loop watches whether
//! the server answers and syncs when it comes back, or when changes wait to go up.

use super::{DeviceStatus, Service};
use crate::error::AppError;
use serde::{Deserialize, Serialize};
use std::sync::Arc;
use std::time::Duration;
use stride_domain::staff::{Password, SetUpCode};
use stride_domain::{Change, ChangeOp, EntityKind, RowKey, Timestamp, WorkerId};
use stride_domain::{ErrorCode, InvalidValue, ValidationError};
use stride_store::{OutboxStatus, SyncRun, SyncStartedBy};
use stride_sync::{Client, ClientError, Progress, RetryPolicy, Secret, SyncError};
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
    /// The password; at a first sign-in with a set-up code, the new password chosen.
    pub password: String,
    /// A first sign-in: the set-up code the administrator passed on (None or empty: sign
    /// in with the password).
    #[serde(default)]
    pub set_up_code: Option<String>,
    /// A self-hosted server's: the path of the organization's own CA certificate (PEM);
    /// empty when the server's certificate is from a CA the system trusts.
    pub ca_file: String,
}

/// The organization's CA file named at sign-in, read and checked to hold certificates.
fn read_ca_file(path: &str) -> Result<String, AppError> {
    let problem = |problem| AppError::invalid(vec![ValidationError::new("ca_file", problem)]);
    let pem =
        std::fs::read_to_string(path).map_err(|e| problem(InvalidValue::FileUnreadable { detail: e.to_string() }))?;
    stride_sync::Trust::with_organization_ca(&pem).map_err(|_| problem(InvalidValue::NotCertificates))?;
    Ok(pem)
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

/// A change the server refused, waiting for a person.
#[derive(Debug, Clone, PartialEq, Serialize, TS)]
pub struct RefusedChange {
    /// Its place in the outbox, which `retry_change` takes.
    #[ts(type = "number")]
    pub seq: i64,
    pub entity: EntityKind,
    pub row_key: String,
    pub op: ChangeOp,
    /// The row's name, when the change carries one.
    pub label: Option<String>,
    /// Why, as a code to choose a sentence by (None for a code this app does not know).
    pub code: Option<ErrorCode>,
    /// The server's own words, for the details.
    pub reason: String,
    pub made_at: Timestamp,
}

#[derive(Debug, Clone, Copy, PartialEq, Serialize, TS)]
pub struct WaitingChanges {
    pub entity: EntityKind,
    #[ts(type = "number")]
    pub count: u64,
}

/// One change waiting to go up, oldest first.
#[derive(Debug, Clone, PartialEq, Serialize, TS)]
pub struct WaitingRecord {
    #[ts(type = "number")]
    pub seq: i64,
    pub entity: EntityKind,
    pub op: ChangeOp,
    /// Whose or which record it is, for a person to recognise.
    pub label: Option<String>,
    pub made_at: Timestamp,
}

/// The sync panel: what needs a person, what waits, and what happened lately.
#[derive(Debug, Clone, PartialEq, Serialize, TS)]
pub struct SyncDetails {
    pub needs_attention: Vec<RefusedChange>,
    /// How many changes wait, per entity.
    pub waiting: Vec<WaitingChanges>,
    /// The oldest waiting changes, one by one (at most `WAITING_LISTED`).
    pub waiting_records: Vec<WaitingRecord>,
    pub recent: Vec<SyncRun>,
    /// This device's edits that lost to a concurrent edit elsewhere, newest first.
    pub lost_edits: Vec<super::history::LostEditRecord>,
    /// Records left under a deleted one, for a person to resolve.
    pub orphans: Vec<super::deletes::OrphanRecord>,
}

/// How many waiting changes the panel lists one by one (the counts cover the rest).
const WAITING_LISTED: u32 = 100;

/// Whether one record has reached the server.
#[derive(Debug, Clone, PartialEq, Serialize, TS)]
#[serde(tag = "state", rename_all = "snake_case")]
pub enum RecordSyncState {
    /// Nothing about it waits on this device.
    Synced,
    /// Changes to it wait to be sent.
    Waiting,
    /// The server refused a change to it; the sync panel has it.
    NeedsAttention { code: Option<ErrorCode>, reason: String },
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
    pub async fn sign_in_automatically(
        self: &Arc<Self>,
        progress: impl FnMut(Progress),
    ) -> Result<DeviceStatus, AppError> {
        let not_signed_in = || AppError::from(ClientError::Unauthenticated);
        let account = self.automatic_sign_in.as_ref().ok_or_else(not_signed_in)?;
        let server_url = self.suggested_server_url.clone().ok_or_else(not_signed_in)?;
        let input = SignInInput {
            server_url,
            email: account.email.clone(),
            password: account.password.clone(),
            set_up_code: None,
            ca_file: String::new(),
        };
        self.sign_in(input, progress).await
    }

    /// Signs in to a server (binding a new device to the account's organization), keeps
    /// the token in the OS keyring, and runs the first sync.
    pub async fn sign_in(
        self: &Arc<Self>,
        input: SignInInput,
        progress: impl FnMut(Progress),
    ) -> Result<DeviceStatus, AppError> {
        let set_up_code = input.set_up_code.as_deref().map(str::trim).filter(|code| !code.is_empty());
        let secret = match set_up_code {
            None => Secret::Password(&input.password),
            Some(code) => {
                let code_problem = SetUpCode::parse(code).err().map(|e| e.in_field("set_up_code"));
                let password_problem = Password::parse(&input.password).err().map(|e| e.in_field("password"));
                let problems: Vec<_> = [code_problem, password_problem].into_iter().flatten().collect();
                if !problems.is_empty() {
                    return Err(AppError::invalid(problems));
                }
                Secret::SetUpCode { code, new_password: &input.password }
            }
        };
        let ca_file = input.ca_file.trim().to_owned();
        let organization_ca = match ca_file.is_empty() {
            true => None,
            false => Some(self.blocking(move |_| read_ca_file(&ca_file)).await?),
        };
        let _turn = self.sync_turn.lock().await;
        let (client, me) = stride_sync::sign_in(
            &self.store,
            &input.server_url,
            organization_ca.as_deref(),
            &input.email,
            secret,
            &device_name(),
        )
        .await?;
        let token = client.token().cloned().ok_or_else(|| AppError::from(ClientError::Unauthenticated))?;
        let server_url = client.server_url().to_owned();
        let password = input.password;
        self.blocking(move |service| {
            service.keep_signed_in(&me, &token, &password)?;
            service.store.set_server_url(Some(&server_url))?;
            Ok(service.store.clear_wiped_at()?)
        })
        .await?;
        self.sync_signed_in(&client, SyncStartedBy::SignIn, progress).await?;
        self.blocking(Service::status).await
    }

    /// Pushes this device's changes and pulls the organization's, retrying failures
    /// that may pass. Waits for a background sync that is running to end first.
    pub async fn sync(
        self: &Arc<Self>,
        started_by: SyncStartedBy,
        progress: impl FnMut(Progress),
    ) -> Result<SyncSummary, AppError> {
        let _turn = self.sync_turn.lock().await;
        let client = self.blocking(Service::signed_in_client).await?;
        self.sync_signed_in(&client, started_by, progress).await
    }

    /// One sync, kept in the history however it ends.
    async fn sync_signed_in(
        self: &Arc<Self>,
        client: &Client,
        started_by: SyncStartedBy,
        progress: impl FnMut(Progress),
    ) -> Result<SyncSummary, AppError> {
        // Taken before the sync: a revoked device's wipe gives the store a new id and
        // forgets who was signed in.
        let device = self.store.device().device_id;
        let (people, working) = self.blocking(|service| Ok((service.store.people()?, service.user_id()?))).await?;
        let started_at = self.store.now();
        let result = stride_sync::sync_with_retries(&self.store, client, &RetryPolicy::interactive(), progress).await;
        let revoked = matches!(result, Err(SyncError::Client(ClientError::Revoked)));
        let deactivated = matches!(result, Err(SyncError::Client(ClientError::Deactivated)));
        let result = result
            .map(|report| SyncSummary {
                pushed: report.pushed,
                rejected: report.rejected,
                pulled: report.pulled,
                retries: report.retries,
            })
            .map_err(AppError::from);
        let done = result.as_ref().ok();
        let run = SyncRun {
            started_at,
            finished_at: self.store.now(),
            started_by,
            pushed: done.map_or(0, |summary| summary.pushed),
            rejected: done.map_or(0, |summary| summary.rejected),
            pulled: done.map_or(0, |summary| summary.pulled),
            retries: done.map_or(0, |summary| summary.retries),
            error_code: result.as_ref().err().map(|error| error.code),
        };
        self.blocking(move |service| {
            if revoked {
                // The store wiped itself; every sign-in of this laptop was revoked with it.
                for person in &people {
                    service.credentials.delete(device, person.user_id)?;
                }
                service.lock()?;
            } else if let (true, Some(user)) = (deactivated, working) {
                // The device keeps everything (waiting changes too) for the next person;
                // the deactivated person's token and verifiers are no use any more.
                service.forget_person(device, user)?;
                if !service.store.people()?.is_empty() {
                    service.lock()?;
                }
            }
            Ok(service.store.record_sync_run(&run)?)
        })
        .await?;
        // What was pulled may be due: the reminders look again now.
        self.reminders_may_change.notify_one();
        result
    }

    /// What the sync panel shows: refused changes with their reasons, what waits, and
    /// the recent syncs.
    pub fn sync_details(&self) -> Result<SyncDetails, AppError> {
        let mut needs_attention = Vec::new();
        for entry in self.store.rejected_changes(200)? {
            needs_attention.push(RefusedChange {
                seq: entry.seq,
                entity: entry.change.entity,
                row_key: entry.change.row_key.as_str().to_owned(),
                op: entry.change.op,
                label: self.label_of(&entry.change)?,
                code: entry.rejection_code,
                reason: entry.rejection_reason.unwrap_or_default(),
                made_at: entry.created_at,
            });
        }
        let waiting = self
            .store
            .pending_by_entity()?
            .into_iter()
            .map(|(entity, count)| WaitingChanges { entity, count })
            .collect();
        let mut waiting_records = Vec::new();
        for entry in self.store.pending_changes(0, WAITING_LISTED)? {
            waiting_records.push(WaitingRecord {
                seq: entry.seq,
                entity: entry.change.entity,
                op: entry.change.op,
                label: self.label_of(&entry.change)?,
                made_at: entry.created_at,
            });
        }
        let recent = self.store.recent_sync_runs(20)?;
        Ok(SyncDetails {
            needs_attention,
            waiting,
            waiting_records,
            recent,
            lost_edits: self.lost_edits()?,
            orphans: self.orphans()?,
        })
    }

    /// Whether a record's changes have all reached the server; a refused one wins over
    /// one still waiting.
    pub(super) fn record_sync_state(&self, entity: EntityKind, key: &RowKey) -> Result<RecordSyncState, AppError> {
        let mut state = RecordSyncState::Synced;
        for entry in self.store.changes_of_row(entity, key)? {
            match entry.status {
                OutboxStatus::Rejected => {
                    return Ok(RecordSyncState::NeedsAttention {
                        code: entry.rejection_code,
                        reason: entry.rejection_reason.unwrap_or_default(),
                    });
                }
                OutboxStatus::Pending => state = RecordSyncState::Waiting,
            }
        }
        Ok(state)
    }

    /// What a person would call the record a change is about.
    fn label_of(&self, change: &Change) -> Result<Option<String>, AppError> {
        self.label_of_record(change.entity, &change.row_key, Some(&change.fields))
    }

    /// What a person would call a record: its name or title (from `fields`, else as
    /// stored, deleted or not), or the name of the worker it concerns.
    pub(super) fn label_of_record(
        &self,
        entity: EntityKind,
        key: &RowKey,
        fields: Option<&serde_json::Map<String, serde_json::Value>>,
    ) -> Result<Option<String>, AppError> {
        let stored;
        let fields = match fields {
            Some(fields) => fields,
            None => {
                stored = self.store.row_fields(entity, key)?.map(|(fields, _)| fields).unwrap_or_default();
                &stored
            }
        };
        let text_of = |fields: &serde_json::Map<String, serde_json::Value>, key: &str| {
            fields.get(key).and_then(|value| value.as_str()).map(str::to_owned)
        };
        let text = |key: &str| text_of(fields, key);
        if let Some(name) = ["full_name", "name", "title", "variant_name"].iter().find_map(|key| text(key)) {
            return Ok(Some(name));
        }
        let store = &self.store;
        let of = |kind: EntityKind, key: &RowKey, column: &str| -> Result<Option<String>, AppError> {
            Ok(store.row_fields(kind, key)?.and_then(|(fields, _)| text_of(&fields, column)))
        };
        if entity == EntityKind::GroupSessions {
            // A session is named by its program.
            let program = of(EntityKind::GroupSessions, key, "program_id")?;
            return match program {
                Some(id) => of(EntityKind::Programs, &RowKey::from_text(id), "name"),
                None => Ok(None),
            };
        }
        let worker: Option<WorkerId> = match entity {
            // Through its enrollment, deleted or not (a record left under a deleted one).
            _ if entity.spec().has_column("worker_assignment_id") => {
                let enrollment = of(entity, key, "worker_assignment_id")?;
                match enrollment {
                    Some(id) => of(EntityKind::WorkerAssignments, &RowKey::from_text(id), "worker_id")?
                        .and_then(|id| id.parse().ok()),
                    None => None,
                }
            }
            EntityKind::Workers => key.as_str().parse().ok(),
            _ => text("worker_id").and_then(|id| id.parse().ok()),
        };
        Ok(match worker {
            Some(id) => store
                .row_fields(EntityKind::Workers, &RowKey::of(id))?
                .and_then(|(fields, _)| fields.get("full_name").and_then(|name| name.as_str()).map(str::to_owned)),
            None => None,
        })
    }

    /// Sends a refused change again (as a new change), then says what the panel shows.
    pub fn retry_change(&self, seq: i64) -> Result<SyncDetails, AppError> {
        self.store.retry_rejected(seq)?;
        self.sync_details()
    }

    pub(super) fn signed_in_client(&self) -> Result<Client, AppError> {
        let not_signed_in = || AppError::from(ClientError::Unauthenticated);
        let user = self.user_id()?.ok_or_else(not_signed_in)?;
        let token = self.credentials.load(self.store.device().device_id, user)?.ok_or_else(not_signed_in)?;
        stride_sync::signed_in_client(&self.store, token)?.ok_or_else(not_signed_in)
    }

    /// Runs for the app's life: every `every`, a signed-in device asks the server
    /// whether it answers, and syncs when it has just come back, when changes wait to
    /// go up, or when the last pull is older than `PULL_EVERY`.
    pub async fn keep_in_sync(self: &Arc<Self>, every: Duration, mut tell: impl FnMut(BackgroundEvent)) {
        let mut online = None;
        loop {
            tokio::time::sleep(every).await;
            let Ok(client) = self.blocking(Service::signed_in_client).await else { continue };
            let (reachable, revoked) = match client.is_reachable().await {
                Ok(reachable) => (reachable, false),
                // The sync below hears it again, wipes the device (or, for a deactivated
                // person, forgets their token) and tells the window.
                Err(ClientError::Revoked | ClientError::Deactivated) => (true, true),
                Err(error) => {
                    tracing::info!(error = %error, "background sync: the server refuses this device");
                    continue;
                }
            };
            let came_back = reachable && online == Some(false);
            if online != Some(reachable) {
                online = Some(reachable);
                *self.online.lock().unwrap_or_else(std::sync::PoisonError::into_inner) = online;
                tell(BackgroundEvent::Connection { online: reachable });
            }
            if reachable && (came_back || revoked || self.blocking(Service::sync_is_due).await.unwrap_or(true)) {
                let result = self
                    .sync(SyncStartedBy::Background, |progress| tell(BackgroundEvent::Progress(progress.into())))
                    .await;
                tell(BackgroundEvent::Finished(result));
            }
        }
    }

    fn sync_is_due(&self) -> Result<bool, AppError> {
        if self.store.pending_count()? > 0 {
            return Ok(true);
        }
        let last = self.store.last_sync_at()?;
        Ok(last.is_none_or(|at| self.store.now().millis() - at.millis() > PULL_EVERY.as_millis() as i64))
    }
}

#[cfg(test)]
mod tests {
    use super::super::tests::service;
    use super::*;

    fn input(server_url: &str, ca_file: &str) -> SignInInput {
        SignInInput {
            server_url: server_url.into(),
            email: "coordinator@lakeside.example".into(),
            password: "a password".into(),
            set_up_code: None,
            ca_file: ca_file.into(),
        }
    }

    #[tokio::test]
    async fn a_sign_in_refuses_plain_http_to_another_computer_and_a_ca_file_that_is_not_one_before_any_network() {
        let (dir, service) = service();
        let service = Arc::new(service);
        let refused = |result: Result<DeviceStatus, AppError>| result.unwrap_err();
        let error = refused(service.sign_in(input("http://192.0.2.10:8080", ""), |_| {}).await);
        assert_eq!(error.code, ErrorCode::InsecureServerAddress);
        assert!(error.message.contains("https://"), "{}", error.message);
        let error = refused(service.sign_in(input("https://sync.lakeside.example", "/nowhere/ca.pem"), |_| {}).await);
        assert_eq!((error.code, error.fields[0].field.as_str()), (ErrorCode::InvalidInput, "ca_file"));
        let not_pem = dir.path().join("ca.pem");
        std::fs::write(&not_pem, "not a certificate").unwrap();
        let error =
            refused(service.sign_in(input("https://sync.lakeside.example", not_pem.to_str().unwrap()), |_| {}).await);
        assert_eq!(error.fields[0].problem, InvalidValue::NotCertificates);
        assert!(service.store.server_url().unwrap().is_none(), "nothing was kept");
    }
}

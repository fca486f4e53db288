//! POST /v1/sync/push: a batch of one device's outbox entries, each applied exactly once.
//! This file is the handler and its transaction; the rules that need no database are in
//! `push_rules.rs`, the plan of a batch in `push_plan.rs`, its SQL in `push_sql.rs` and
//! the tier's limits in `quota.rs`.
//! A change is known by its id: one the server has applied before is answered
//! `already_applied` (or refused, when the same id now names another change), and every
//! other change is judged and applied, whatever its sequence number, so a device
//! restored from a backup loses nothing. Every change is checked (`push_rules.rs`: the
//! role, the fields, the row as the domain judges it; here and in `push_batch.rs`:
//! references inside the organization, the tier's limits in `quota.rs`; who made it, in
//! `authors.rs`: on a shared laptop, each change's author, by their role); a refused
//! change comes back with its reason and never blocks the ones after it. Editable fields
//! merge one by one: the later hybrid-clock stamp wins. A delete is a tombstone, and it
//! wins over edits. Every applied change goes to the audit trail.
//!
//! The batch is planned and written whole; if the database refuses any of it (a
//! constraint the checks did not foresee), it is rolled back and taken change by change,
//! each a batch of one in a savepoint, so that only the offending change is refused.
//! Locks are taken in one order (`push_sql.rs`); a transaction PostgreSQL still aborts
//! for a deadlock or a serialization failure is run again from the start.

use crate::auth::AuthenticatedDevice;
use crate::error::ApiError;
use crate::extract::Body;
use crate::push_plan::{needs_one_by_one, plan, Limits};
use crate::push_rules::{check, reject, Checked};
use crate::push_sql::Deleted;
use crate::quota::Quota;
use crate::state::AppState;
use crate::tenant;
use axum::extract::State;
use axum::Json;
use std::time::Duration;
use stride_domain::api::{ChangeResult, Outcome, PushRequest, PushResponse, PushedChange};
use stride_domain::EntityKind;
use stride_domain::ErrorCode;

pub use crate::push_rules::MAX_CLOCK_AHEAD_MS;

/// The most changes one push may carry.
pub const MAX_BATCH: usize = 1000;

/// How often a push that PostgreSQL aborted for a deadlock or a serialization failure is
/// tried again before the device is told to come back later.
const MAX_ATTEMPTS: u32 = 8;

/// Apply a batch of this device's changes, each exactly once: a change is known by its
/// change_id, whatever its seq.
#[utoipa::path(post, path = "/v1/sync/push", security(("device" = [])), request_body = PushRequest, responses(
        (status = 200, description = "one result per change", body = PushResponse),
        (status = 401, description = "unauthenticated or device_revoked", body = stride_domain::api::ErrorBody),
        crate::extract::BodyRefusals,
        crate::error::AnyOtherError,
))]
pub async fn push(
    State(state): State<AppState>,
    device: AuthenticatedDevice,
    Body(request): Body<PushRequest>,
) -> Result<Json<PushResponse>, ApiError> {
    if request.changes.len() > MAX_BATCH {
        return Err(ApiError::BadRequest(format!("at most {MAX_BATCH} changes per push")));
    }
    if request.changes.windows(2).any(|pair| pair[1].seq <= pair[0].seq) {
        return Err(ApiError::BadRequest("changes must be in increasing seq order".into()));
    }
    let mut attempt = 1;
    loop {
        match push_once(&state, &device, &request).await {
            Err(ApiError::Database(error)) if attempt < MAX_ATTEMPTS && must_run_again(&error) => {
                tracing::info!(device.id = %device.device_id, attempt, problem = %error, "push aborted by the database; running it again");
                tokio::time::sleep(pause_before(attempt)).await;
                attempt += 1;
            }
            outcome => return outcome.map(Json),
        }
    }
}

/// A deadlock or a serialization failure: PostgreSQL rolled the transaction back, and
/// the same transaction run again can pass.
fn must_run_again(error: &sqlx::Error) -> bool {
    matches!(error, sqlx::Error::Database(db) if matches!(db.code().as_deref(), Some("40P01" | "40001")))
}

/// A short pause that grows with the attempt and is spread at random, so two pushes that
/// collided do not collide again.
fn pause_before(attempt: u32) -> Duration {
    use rand_core::RngCore;
    let ceiling_ms = 10u64 << attempt.min(6);
    Duration::from_millis(ceiling_ms / 2 + rand_core::OsRng.next_u64() % (ceiling_ms / 2 + 1))
}

async fn push_once(
    state: &AppState,
    device: &AuthenticatedDevice,
    request: &PushRequest,
) -> Result<PushResponse, ApiError> {
    let mut tx = tenant::begin(&state.pool, device.organization_id).await?;
    let last_seq = crate::push_sql::lock_device(&mut tx, device).await?;
    let known = crate::push_sql::applied_before(&mut tx, device, &request.changes).await?;
    let now_ms = crate::clock::now().millis();
    let fresh: Vec<&PushedChange> =
        request.changes.iter().filter(|pushed| !known.contains_key(&pushed.change.change_id.as_uuid())).collect();
    let taken_through = request.changes.last().map_or(last_seq, |pushed| pushed.seq.max(last_seq));
    // Done before the writes that take versions: the organization's version counter
    // stays locked from the first of those until commit, so they come last.
    crate::push_sql::set_last_seq(&mut tx, device, taken_through).await?;
    let mut limits = Limits { quota: Quota::load(&mut tx, device, &fresh).await?, enrollments: Default::default() };
    let authors = crate::authors::Authors::load(&mut tx, device, &fresh).await?;
    let checked: Vec<_> = fresh.iter().map(|pushed| check(device, &authors, pushed, now_ms)).collect();
    // A delete that reaches other rows is decided against them in the database, alone.
    let whole = if needs_one_by_one(&checked) {
        None
    } else {
        Some(apply(&mut tx, device, &fresh, checked, &mut limits.clone()).await?)
    };
    let outcomes = match whole {
        Some(Ok(outcomes)) => outcomes,
        refused => {
            let problem = refused.map_or_else(|| "a delete that reaches other rows".to_owned(), |r| format!("{r:?}"));
            tracing::info!(device.id = %device.device_id, %problem, "a push batch is taken change by change");
            let mut outcomes = Vec::with_capacity(fresh.len());
            for pushed in &fresh {
                let before = limits.clone();
                let one = std::slice::from_ref(pushed);
                let checked = vec![check(device, &authors, pushed, now_ms)];
                let outcome = match apply(&mut tx, device, one, checked, &mut limits).await? {
                    Ok(mut one) => one.pop().unwrap_or_else(|| unreachable!("one outcome per change")),
                    Err(refused) => refused.into_outcome(),
                };
                if outcome != Outcome::Applied {
                    limits.roll_back_to(before);
                }
                outcomes.push(outcome);
            }
            outcomes
        }
    };
    let mut outcomes = outcomes.into_iter();
    let mut results = Vec::with_capacity(request.changes.len());
    for pushed in &request.changes {
        let outcome = match known.get(&pushed.change.change_id.as_uuid()) {
            Some(logged) if logged.names(pushed) => Outcome::AlreadyApplied,
            Some(_) => reject(
                ErrorCode::InconsistentChange,
                "this change id was applied before as a change of another row; the change is not applied again",
            ),
            None => outcomes.next().unwrap_or_else(|| unreachable!("one outcome per fresh change")),
        };
        if let Outcome::Rejected { code, reason } = &outcome {
            tracing::info!(device.id = %device.device_id, change.seq = pushed.seq, change.entity = ?pushed.change.entity, rejection.code = ?code, rejection.reason = %reason, "change refused");
        }
        results.push(ChangeResult { seq: pushed.seq, change_id: pushed.change.change_id, outcome });
    }
    tx.commit().await?;
    Ok(PushResponse { results, last_seq: taken_through })
}

/// Why a batch was written not at all.
#[derive(Debug)]
enum Refused {
    /// The database refused a write (a check or unique constraint, a value out of range).
    ByDatabase(String),
    /// A delete met a row a live row still uses under RESTRICT.
    ByRule(Outcome),
}

impl Refused {
    /// The outcome of a batch of one refused so.
    fn into_outcome(self) -> Outcome {
        match self {
            Refused::ByRule(outcome) => outcome,
            Refused::ByDatabase(rule) => reject(ErrorCode::InvalidValue, format!("the database refused it ({rule})")),
        }
    }
}

/// Plans `fresh` (changes not applied before, in order; `checked[i]` is `fresh[i]`
/// checked) and writes the plan in a savepoint: one outcome per change, or why nothing
/// of it was written.
async fn apply(
    tx: &mut sqlx::Transaction<'static, sqlx::Postgres>,
    device: &AuthenticatedDevice,
    fresh: &[&PushedChange],
    checked: Vec<Result<Checked<'_>, Outcome>>,
    limits: &mut Limits,
) -> Result<Result<Vec<Outcome>, Refused>, sqlx::Error> {
    let org = device.organization_id.as_uuid();
    let loaded = crate::push_sql::load(tx, org, &checked, &mut limits.enrollments).await?;
    let planned = plan(device, fresh, checked, loaded, limits);
    let mut savepoint = sqlx::Connection::begin(&mut **tx).await?;
    match crate::push_sql::write(&mut savepoint, device, planned.writes).await {
        Ok(Ok(reached)) => {
            savepoint.commit().await?;
            release_enrollments(limits, &reached);
            Ok(Ok(planned.outcomes))
        }
        Ok(Err(refused)) => {
            savepoint.rollback().await?;
            Ok(Err(Refused::ByRule(refused)))
        }
        Err(sqlx::Error::Database(db)) if matches!(db.code().as_deref().map(|c| &c[..2]), Some("22" | "23")) => {
            savepoint.rollback().await?;
            let rule = db.constraint().map(str::to_owned).unwrap_or_else(|| db.message().to_owned());
            Ok(Err(Refused::ByDatabase(rule)))
        }
        Err(other) => Err(other),
    }
}

/// Frees the pairs of the enrollments a delete reached (a worker's, deleted with them).
fn release_enrollments(limits: &mut Limits, reached: &Deleted) {
    for (_, id) in reached.iter().filter(|(kind, _)| *kind == EntityKind::WorkerAssignments) {
        limits.enrollments.deleted(*id);
    }
}

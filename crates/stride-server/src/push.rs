//! POST /v1/sync/push: a batch of one device's outbox entries, each applied exactly once.
//! A change is known by its id: one the server has applied before is answered
//! `already_applied` (or refused, when the same id now names another change), and every
//! other change is judged and applied, whatever its sequence number, so a device
//! restored from a backup loses nothing. Every change is checked (`push_rules.rs`: the
//! role, the fields, the row as the domain judges it; here and in `push_batch.rs`:
//! references inside the organization, the tier's limits in `quota.rs`); a refused
//! change comes back with its reason and never blocks the ones after it. Editable fields
//! merge one by one: the later hybrid-clock stamp wins. A delete is a tombstone, and it
//! wins over edits. Every applied change goes to the audit trail.
//!
//! Locks are taken in one order by every push (the device row, the organization row when
//! the tier counts, the touched rows by table and key, the version counter last) and are
//! the weakest that serve (`FOR NO KEY UPDATE`, which the foreign-key checks of other
//! pushes' inserts do not wait for); a transaction PostgreSQL still aborts for a deadlock
//! or a serialization failure is run again from the start.

use crate::auth::AuthenticatedDevice;
use crate::deletes::delete_following_the_seed;
use crate::enrollments::LiveEnrollments;
use crate::error::ApiError;
use crate::extract::Body;
use crate::push_rules::{
    check, conflicts, judge, key_condition, reject, revives, stored_fields, winners, with_clocks, Checked, Fields,
};
use crate::quota::Quota;
use crate::state::AppState;
use crate::tenant;
use axum::extract::State;
use axum::Json;
use serde_json::Value;
use sqlx::{Postgres, Row, Transaction};
use std::collections::HashMap;
use std::time::Duration;
use stride_domain::api::{ChangeResult, Outcome, PushRequest, PushResponse, PushedChange, RejectionCode};
use stride_domain::{ChangeOp, EntityKind, EntitySpec, Hlc, Timestamp};
use uuid::Uuid;

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
        (status = 400, description = "invalid_request: the body is not JSON, or not gzip/zstd as its encoding says", body = stride_domain::api::ErrorBody),
        (status = 413, description = "too_large: the body is past 8 MiB", body = stride_domain::api::ErrorBody),
        (status = 415, description = "unsupported_media_type: not application/json, or an encoding other than gzip and zstd", body = stride_domain::api::ErrorBody),
        (status = 422, description = "invalid_request: JSON of the wrong shape or types", body = stride_domain::api::ErrorBody),
        (status = "default", description = "any other error (405 method_not_allowed, 500 internal, …)", body = stride_domain::api::ErrorBody),
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
    // The device row's lock serializes pushes of one device, so a retry racing the
    // original cannot apply anything twice.
    let last_seq: i64 =
        sqlx::query_scalar("SELECT last_seq FROM devices WHERE organization_id = $1 AND id = $2 FOR NO KEY UPDATE")
            .bind(device.organization_id.as_uuid())
            .bind(device.device_id.as_uuid())
            .fetch_one(&mut *tx)
            .await?;
    let known = applied_before(&mut tx, device, &request.changes).await?;
    let now_ms = Timestamp::now().millis();
    let fresh: Vec<&PushedChange> =
        request.changes.iter().filter(|pushed| !known.contains_key(&pushed.change.change_id.as_uuid())).collect();
    let taken_through = request.changes.last().map_or(last_seq, |pushed| pushed.seq.max(last_seq));
    // Done before the writes that take versions: the organization's version counter
    // stays locked from the first of those until commit, so they come last.
    sqlx::query("UPDATE devices SET last_seq = $3 WHERE organization_id = $1 AND id = $2")
        .bind(device.organization_id.as_uuid())
        .bind(device.device_id.as_uuid())
        .bind(taken_through)
        .execute(&mut *tx)
        .await?;
    // The whole batch in a few statements; if the database refuses any row of it, the
    // batch is rolled back and taken change by change, so only that change is refused.
    let mut limits = Limits { quota: Quota::load(&mut tx, device, &fresh).await?, enrollments: Default::default() };
    let outcomes = match crate::push_batch::apply(&mut tx, device, &fresh, now_ms, &mut limits.clone()).await? {
        Some(outcomes) => outcomes,
        None => {
            let mut outcomes = Vec::with_capacity(fresh.len());
            for pushed in &fresh {
                outcomes.push(apply_in_savepoint(&mut tx, device, pushed, now_ms, &mut limits).await?);
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
                RejectionCode::InconsistentChange,
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

/// What a push holds its changes to beyond each row: the tier's limits and one
/// enrollment per worker and program, kept as the changes are decided.
#[derive(Debug, Clone)]
pub(crate) struct Limits {
    pub quota: Quota,
    pub enrollments: LiveEnrollments,
}

impl Limits {
    /// Back to `before`, when a change is rolled back.
    fn roll_back_to(&mut self, before: Limits) {
        self.quota = before.quota;
        self.enrollments.roll_back_to(before.enrollments);
    }
}

/// What the audit trail says a change was, when it was applied before.
struct Logged {
    entity: String,
    row_key: String,
    op: String,
}

impl Logged {
    fn names(&self, pushed: &PushedChange) -> bool {
        let change = &pushed.change;
        self.entity == change.entity.table() && self.row_key == change.row_key.as_str() && self.op == change.op.as_str()
    }
}

/// The changes of `pushed` the organization has applied before, by change id.
async fn applied_before(
    tx: &mut Transaction<'static, Postgres>,
    device: &AuthenticatedDevice,
    pushed: &[PushedChange],
) -> Result<HashMap<Uuid, Logged>, sqlx::Error> {
    let ids: Vec<Uuid> = pushed.iter().map(|p| p.change.change_id.as_uuid()).collect();
    let rows = sqlx::query(
        "SELECT change_id, entity, row_key, op FROM change_log WHERE organization_id = $1 AND change_id = ANY($2)",
    )
    .bind(device.organization_id.as_uuid())
    .bind(&ids)
    .fetch_all(&mut **tx)
    .await?;
    Ok(rows
        .into_iter()
        .map(|row| {
            (row.get("change_id"), Logged { entity: row.get("entity"), row_key: row.get("row_key"), op: row.get("op") })
        })
        .collect())
}

/// Applies one change inside a savepoint: a change the database itself refuses (a
/// check constraint) is rolled back alone and reported, not the whole batch.
async fn apply_in_savepoint(
    tx: &mut Transaction<'static, Postgres>,
    device: &AuthenticatedDevice,
    pushed: &PushedChange,
    now_ms: i64,
    limits: &mut Limits,
) -> Result<Outcome, ApiError> {
    let mut savepoint = sqlx::Connection::begin(&mut **tx).await?;
    let before = limits.clone();
    match apply(&mut savepoint, device, pushed, now_ms, limits).await {
        Ok(outcome @ Outcome::Applied) => {
            savepoint.commit().await?;
            Ok(outcome)
        }
        Ok(outcome) => {
            savepoint.rollback().await?;
            limits.roll_back_to(before);
            Ok(outcome)
        }
        Err(sqlx::Error::Database(db)) if matches!(db.code().as_deref().map(|c| &c[..2]), Some("22" | "23")) => {
            savepoint.rollback().await?;
            limits.roll_back_to(before);
            let rule = db.constraint().map(str::to_owned).unwrap_or_else(|| db.message().to_owned());
            Ok(reject(RejectionCode::InvalidValue, format!("the database refused it ({rule})")))
        }
        Err(other) => Err(other.into()),
    }
}

async fn apply(
    tx: &mut Transaction<'_, Postgres>,
    device: &AuthenticatedDevice,
    pushed: &PushedChange,
    now_ms: i64,
    limits: &mut Limits,
) -> Result<Outcome, sqlx::Error> {
    let checked = match check(device, pushed, now_ms) {
        Ok(checked) => checked,
        Err(refused) => return Ok(refused),
    };
    let Checked { spec, ref key, hlc, change } = checked;
    let org = device.organization_id.as_uuid();

    let outcome = match change.op {
        ChangeOp::Delete => match delete_following_the_seed(tx, spec, org, key, hlc).await? {
            Ok(mut deleted) => {
                deleted.push((spec.kind, key[0]));
                for (_, id) in deleted.iter().filter(|(kind, _)| *kind == EntityKind::WorkerAssignments) {
                    limits.enrollments.deleted(*id);
                }
                Ok(Fields::new())
            }
            Err(refused) => Err(refused),
        },
        ChangeOp::Upsert => upsert(tx, device, &checked, limits).await?,
    };
    let fields = match outcome {
        Ok(fields) => fields,
        Err(refused) => return Ok(refused),
    };
    sqlx::query(
        "INSERT INTO change_log (organization_id, change_id, device_id, device_seq, user_id, entity, row_key, op, fields, hlc)
         VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10)",
    )
    .bind(org)
    .bind(change.change_id.as_uuid())
    .bind(device.device_id.as_uuid())
    .bind(pushed.seq)
    .bind(device.user_id.as_uuid())
    .bind(spec.table)
    .bind(change.row_key.as_str())
    .bind(change.op.as_str())
    .bind(Value::Object(fields))
    .bind(hlc.to_string())
    .execute(&mut **tx)
    .await?;
    Ok(Outcome::Applied)
}

/// Creates or edits one row; returns the change's fields as applied (canonical), and
/// records the conflicts it meets.
async fn upsert(
    tx: &mut Transaction<'_, Postgres>,
    device: &AuthenticatedDevice,
    c: &Checked<'_>,
    limits: &mut Limits,
) -> Result<Result<Fields, Outcome>, sqlx::Error> {
    let (spec, key, hlc, fields) = (c.spec, c.key.as_slice(), c.hlc, &c.change.fields);
    let (org, pusher) = (device.organization_id.as_uuid(), device.device_id.as_uuid());
    // References must point at rows of this organization (row-level security hides
    // every other organization's rows, so they "do not exist" here).
    for (name, value) in fields {
        let (Some(reference), Some(id)) = (spec.column(name).and_then(|c| c.references), value.as_str()) else {
            continue;
        };
        if reference.table == "organizations" {
            continue;
        }
        let sql = format!("SELECT 1 FROM {} WHERE organization_id = $1 AND id = $2", reference.table);
        let found = sqlx::query(sqlx::AssertSqlSafe(sql))
            .bind(org)
            .bind(Uuid::parse_str(id).unwrap_or_default())
            .fetch_optional(&mut **tx)
            .await?;
        if found.is_none() {
            let id = Uuid::parse_str(id).unwrap_or_default();
            return Ok(Err(limits.enrollments.refused_reference(reference.table, id).unwrap_or_else(|| {
                reject(
                    RejectionCode::MissingReference,
                    format!("{name} refers to a row of {} that does not exist", reference.table),
                )
            })));
        }
    }

    let tenant = spec.tenant_column();
    let select = format!(
        "SELECT t.field_hlc, to_jsonb(t) AS stored FROM {} t WHERE t.{tenant} = $1 AND {} FOR NO KEY UPDATE",
        spec.table,
        key_condition(spec, 2)
    );
    let mut query = sqlx::query(sqlx::AssertSqlSafe(select)).bind(org);
    for part in key {
        query = query.bind(*part);
    }
    let existing = query.fetch_optional(&mut **tx).await?;
    let stored = existing.as_ref().map(|row| stored_fields(row.get("stored")));
    let judged = match judge(spec, org, key, stored.as_ref(), fields) {
        Ok(judged) => judged,
        Err(refused) => return Ok(Err(refused)),
    };

    let clocks: Option<Value> = existing.as_ref().map(|row| row.get("field_hlc"));
    let revive =
        matches!((&stored, &clocks), (Some(stored), Some(clocks)) if revives(spec, stored, clocks, fields, hlc));
    if spec.kind == EntityKind::WorkerAssignments {
        let after = enrollment_after(stored.as_ref(), &judged, revive);
        limits.enrollments.learn(tx, org, std::iter::once(after.clone())).await?;
        if let Err(refused) = limits.enrollments.admit(key[0], stored.as_ref(), &after) {
            return Ok(Err(refused));
        }
    }
    let quota = &mut limits.quota;
    match (clocks, stored) {
        (Some(clocks), Some(stored)) => {
            let winners = if revive { judged.clone() } else { winners(spec, &judged, &clocks, hlc) };
            let admitted = if revive { quota.admit(spec, &judged) } else { quota.admit_edit(spec, &stored, &winners) };
            if let Err(refused) = admitted {
                return Ok(Err(refused));
            }
            if !revive {
                let found = conflicts(c, org, &stored, &clocks, &judged, &winners);
                let rows = found
                    .iter()
                    .map(|f| crate::conflicts::row(spec.kind, &c.change.row_key, c.change.change_id, pusher, f));
                crate::conflicts::record(tx, org, rows.collect()).await?;
            }
            if revive || !winners.is_empty() {
                write_winners(tx, spec, org, key, winners, hlc, revive).await?;
            }
        }
        _ => {
            if let Err(refused) = quota.admit(spec, &judged) {
                return Ok(Err(refused));
            }
            let row = with_clocks(judged.clone(), fields, hlc);
            let columns: Vec<&str> = row.keys().map(String::as_str).collect();
            let sql = format!(
                "INSERT INTO {table} ({list}) SELECT {list} FROM jsonb_populate_record(NULL::{table}, $1)",
                table = spec.table,
                list = columns.join(", "),
            );
            sqlx::query(sqlx::AssertSqlSafe(sql)).bind(Value::Object(row)).execute(&mut **tx).await?;
        }
    }
    Ok(Ok(judged))
}

/// An enrollment as a change leaves it: the stored row with the change's fields over it.
pub(crate) fn enrollment_after(stored: Option<&Fields>, judged: &Fields, revive: bool) -> Fields {
    let mut after = stored.cloned().unwrap_or_default();
    after.extend(judged.iter().map(|(name, value)| (name.clone(), value.clone())));
    if revive {
        after.insert("deleted_at".into(), Value::Null);
    }
    after
}

/// Sets the fields that won their clock comparison, and their clocks; `revive` brings a
/// tombstone back (the key, organization and creation time stay as they were).
pub(crate) async fn write_winners(
    tx: &mut Transaction<'_, Postgres>,
    spec: &EntitySpec,
    org: Uuid,
    key: &[Uuid],
    mut winners: Fields,
    hlc: Hlc,
    revive: bool,
) -> Result<(), sqlx::Error> {
    let stamp = Value::String(hlc.to_string());
    let tenant = spec.tenant_column();
    winners.retain(|name, _| !spec.key.contains(&name.as_str()) && name != tenant && name != "created_at");
    let mut assignments: Vec<String> = winners.keys().map(|name| format!("{name} = r.{name}")).collect();
    if revive {
        assignments.push("deleted_at = NULL".into());
    }
    if assignments.is_empty() {
        return Ok(());
    }
    let won_clocks: Fields = winners.keys().map(|name| (name.clone(), stamp.clone())).collect();
    let sql = format!(
        "UPDATE {table} t SET {assignments}, field_hlc = t.field_hlc || $1
         FROM jsonb_populate_record(NULL::{table}, $2) r
         WHERE t.{tenant} = $3 AND {key}",
        table = spec.table,
        assignments = assignments.join(", "),
        key = key_condition(spec, 4),
    );
    let mut query =
        sqlx::query(sqlx::AssertSqlSafe(sql)).bind(Value::Object(won_clocks)).bind(Value::Object(winners)).bind(org);
    for part in key {
        query = query.bind(*part);
    }
    query.execute(&mut **tx).await?;
    Ok(())
}

//! POST /v1/sync/push: a batch of one device's outbox entries, applied exactly once per
//! device sequence number. Every change is checked (the role may write the entity, the
//! fields exist and have the right types, references point inside the organization);
//! a refused change comes back with its reason and never blocks the ones after it.
//! Editable fields merge one by one: the later hybrid-clock stamp wins. A delete is a
//! tombstone, and it wins over edits. Every applied change goes to the audit trail. JSON
//! columns must read in their language (`languages.rs`), and new rows must fit the
//! organization's tier (`quota.rs`).

use crate::auth::AuthenticatedDevice;
use crate::error::ApiError;
use crate::quota::Quota;
use crate::state::AppState;
use crate::tenant;
use axum::extract::State;
use axum::Json;
use serde_json::{Map, Value};
use sqlx::{Postgres, Row, Transaction};
use stride_domain::api::{ChangeResult, Outcome, PushRequest, PushResponse, PushedChange, RejectionCode};
use stride_domain::languages;
use stride_domain::{parse_date, ChangeOp, ColumnSpec, ColumnType, EntitySpec, Hlc, Timestamp};

/// How far ahead of the server's clock a device's stamp may be before it is clamped.
pub const MAX_CLOCK_AHEAD_MS: i64 = 60_000;

/// The most changes one push may carry.
pub const MAX_BATCH: usize = 1000;

type Fields = Map<String, Value>;

pub async fn push(
    State(state): State<AppState>,
    device: AuthenticatedDevice,
    Json(request): Json<PushRequest>,
) -> Result<Json<PushResponse>, ApiError> {
    if request.changes.len() > MAX_BATCH {
        return Err(ApiError::BadRequest(format!("at most {MAX_BATCH} changes per push")));
    }
    if request.changes.windows(2).any(|pair| pair[1].seq <= pair[0].seq) {
        return Err(ApiError::BadRequest("changes must be in increasing seq order".into()));
    }
    let mut tx = tenant::begin(&state.pool, device.organization_id).await?;
    // The device row's lock serializes pushes of one device, so a retry racing the
    // original cannot apply anything twice.
    let last_seq: i64 =
        sqlx::query_scalar("SELECT last_seq FROM devices WHERE organization_id = $1 AND id = $2 FOR UPDATE")
            .bind(device.organization_id.as_uuid())
            .bind(device.device_id.as_uuid())
            .fetch_one(&mut *tx)
            .await?;
    let now_ms = Timestamp::now().millis();
    let fresh: Vec<&PushedChange> = request.changes.iter().filter(|pushed| pushed.seq > last_seq).collect();
    let taken_through = last_seq.max(fresh.last().map_or(last_seq, |pushed| pushed.seq));
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
    let quota = Quota::load(&mut tx, &device, &fresh).await?;
    let outcomes = match crate::push_batch::apply(&mut tx, &device, &fresh, now_ms, &mut quota.clone()).await? {
        Some(outcomes) => outcomes,
        None => {
            let mut outcomes = Vec::with_capacity(fresh.len());
            let mut quota = quota;
            for pushed in &fresh {
                outcomes.push(apply_in_savepoint(&mut tx, &device, pushed, now_ms, &mut quota).await?);
            }
            outcomes
        }
    };
    let mut outcomes = outcomes.into_iter();
    let mut results = Vec::with_capacity(request.changes.len());
    for pushed in &request.changes {
        let outcome = if pushed.seq <= last_seq {
            Outcome::AlreadyApplied
        } else {
            outcomes.next().unwrap_or_else(|| unreachable!("one outcome per fresh change"))
        };
        if let Outcome::Rejected { code, reason } = &outcome {
            tracing::info!(device.id = %device.device_id, change.seq = pushed.seq, change.entity = ?pushed.change.entity, rejection.code = ?code, rejection.reason = %reason, "change refused");
        }
        results.push(ChangeResult { seq: pushed.seq, change_id: pushed.change.change_id, outcome });
    }
    let last_seq = taken_through;
    tx.commit().await?;
    Ok(Json(PushResponse { results, last_seq }))
}

pub(crate) fn reject(code: RejectionCode, reason: impl Into<String>) -> Outcome {
    Outcome::Rejected { code, reason: reason.into() }
}

/// Applies one change inside a savepoint: a change the database itself refuses (a
/// check constraint) is rolled back alone and reported, not the whole batch.
async fn apply_in_savepoint(
    tx: &mut Transaction<'static, Postgres>,
    device: &AuthenticatedDevice,
    pushed: &PushedChange,
    now_ms: i64,
    quota: &mut Quota,
) -> Result<Outcome, ApiError> {
    let mut savepoint = sqlx::Connection::begin(&mut **tx).await?;
    let before = quota.clone();
    match apply(&mut savepoint, device, pushed, now_ms, quota).await {
        Ok(outcome @ Outcome::Applied) => {
            savepoint.commit().await?;
            Ok(outcome)
        }
        Ok(outcome) => {
            savepoint.rollback().await?;
            *quota = before;
            Ok(outcome)
        }
        Err(sqlx::Error::Database(db)) if matches!(db.code().as_deref().map(|c| &c[..2]), Some("22" | "23")) => {
            savepoint.rollback().await?;
            *quota = before;
            let rule = db.constraint().map(str::to_owned).unwrap_or_else(|| db.message().to_owned());
            Ok(reject(RejectionCode::InvalidValue, format!("the database refused it ({rule})")))
        }
        Err(other) => Err(other.into()),
    }
}

/// Checks one value against its column's type; the database's own checks (ranges,
/// lengths) stand behind this.
pub(crate) fn check_value(column: &ColumnSpec, value: &Value) -> Result<(), String> {
    let ok = match (column.ty, value) {
        (_, Value::Null) => column.nullable,
        (ColumnType::Uuid, Value::String(s)) => uuid::Uuid::parse_str(s).is_ok(),
        (ColumnType::Text, Value::String(_)) => true,
        (ColumnType::Enum(allowed), Value::String(s)) => {
            return allowed
                .contains(&s.as_str())
                .then_some(())
                .ok_or_else(|| format!("{s:?} is not one of: {}", allowed.join(", ")));
        }
        (ColumnType::Integer, Value::Number(n)) => n.as_i64().is_some_and(|i| i32::try_from(i).is_ok()),
        (ColumnType::Real, Value::Number(n)) => n.as_f64().is_some_and(f64::is_finite),
        (ColumnType::Timestamp, Value::String(s)) => Timestamp::parse(s).is_ok(),
        (ColumnType::Date, Value::String(s)) => parse_date(s).is_ok(),
        (ColumnType::Json, Value::Object(_)) => true,
        _ => false,
    };
    if ok {
        Ok(())
    } else if value.is_null() {
        Err("is required".into())
    } else {
        Err(format!("{value} is not a valid {:?} value", column.ty))
    }
}

fn key_condition(spec: &EntitySpec, first: usize) -> String {
    spec.key
        .iter()
        .enumerate()
        .map(|(i, column)| format!("t.{column} = ${}", first + i))
        .collect::<Vec<_>>()
        .join(" AND ")
}

/// A change that passed every check that needs no database: what to write, and where.
pub(crate) struct Checked<'a> {
    pub spec: &'static EntitySpec,
    pub key: Vec<uuid::Uuid>,
    pub hlc: Hlc,
    pub change: &'a stride_domain::Change,
}

/// The checks of one change that need no database: the role may write the entity, the
/// key fits it, every field exists with a valid value, and the row is this organization's.
pub(crate) fn check<'a>(
    device: &AuthenticatedDevice,
    pushed: &'a PushedChange,
    now_ms: i64,
) -> Result<Checked<'a>, Outcome> {
    let change = &pushed.change;
    let spec = change.entity.spec();
    if !spec.may_write(device.role) {
        return Err(reject(RejectionCode::NotPermitted, format!("a {} may not change {}", device.role, spec.table)));
    }
    let key: Vec<uuid::Uuid> = change.row_key.parts().filter_map(|part| uuid::Uuid::parse_str(part).ok()).collect();
    if key.len() != spec.key.len() || change.row_key.parts().count() != spec.key.len() {
        return Err(reject(
            RejectionCode::InvalidKey,
            format!("{:?} is not a key of {}", change.row_key.as_str(), spec.table),
        ));
    }
    for (name, value) in &change.fields {
        let Some(column) = spec.column(name) else {
            return Err(reject(RejectionCode::UnknownField, format!("{} has no field {name}", spec.table)));
        };
        if let Err(problem) = check_value(column, value) {
            return Err(reject(RejectionCode::InvalidValue, format!("{name}: {problem}")));
        }
        if let Err(problem) = languages::check_column(spec.kind, name, value) {
            return Err(reject(RejectionCode::InvalidValue, format!("{name}: {problem}")));
        }
    }
    let tenant = spec.tenant_column();
    if let Some(org) = change.fields.get(tenant) {
        if org.as_str() != Some(device.organization_id.to_string().as_str()) {
            return Err(reject(RejectionCode::WrongOrganization, "the row belongs to another organization"));
        }
    }
    for (column, part) in spec.key.iter().zip(&key) {
        if change.fields.get(*column).is_some_and(|v| v.as_str() != Some(part.to_string().as_str())) {
            return Err(reject(RejectionCode::InvalidKey, format!("{column} does not match the row key")));
        }
    }
    Ok(Checked { spec, key, hlc: change.hlc.clamped(now_ms + MAX_CLOCK_AHEAD_MS), change })
}

async fn apply(
    tx: &mut Transaction<'_, Postgres>,
    device: &AuthenticatedDevice,
    pushed: &PushedChange,
    now_ms: i64,
    quota: &mut Quota,
) -> Result<Outcome, sqlx::Error> {
    let Checked { spec, key, hlc, change } = match check(device, pushed, now_ms) {
        Ok(checked) => checked,
        Err(refused) => return Ok(refused),
    };
    let org = device.organization_id.as_uuid();

    let outcome = match change.op {
        ChangeOp::Delete => delete(tx, spec, org, &key).await?,
        ChangeOp::Upsert => upsert(tx, spec, org, &key, &change.fields, hlc, quota).await?,
    };
    if outcome == Outcome::Applied {
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
        .bind(Value::Object(change.fields.clone()))
        .bind(hlc.to_string())
        .execute(&mut **tx)
        .await?;
    }
    Ok(outcome)
}

pub(crate) async fn delete(
    tx: &mut Transaction<'_, Postgres>,
    spec: &EntitySpec,
    org: uuid::Uuid,
    key: &[uuid::Uuid],
) -> Result<Outcome, sqlx::Error> {
    let sql = format!(
        "UPDATE {table} t SET deleted_at = coalesce(t.deleted_at, now()) WHERE t.{tenant} = $1 AND {key} RETURNING 1",
        table = spec.table,
        tenant = spec.tenant_column(),
        key = key_condition(spec, 2),
    );
    let mut query = sqlx::query(sqlx::AssertSqlSafe(sql)).bind(org);
    for part in key {
        query = query.bind(*part);
    }
    Ok(match query.fetch_optional(&mut **tx).await? {
        Some(_) => Outcome::Applied,
        None => reject(RejectionCode::NotFound, format!("{} has no such row", spec.table)),
    })
}

async fn upsert(
    tx: &mut Transaction<'_, Postgres>,
    spec: &EntitySpec,
    org: uuid::Uuid,
    key: &[uuid::Uuid],
    fields: &Fields,
    hlc: Hlc,
    quota: &mut Quota,
) -> Result<Outcome, sqlx::Error> {
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
            .bind(uuid::Uuid::parse_str(id).unwrap_or_default())
            .fetch_optional(&mut **tx)
            .await?;
        if found.is_none() {
            return Ok(reject(
                RejectionCode::MissingReference,
                format!("{name} refers to a row of {} that does not exist", reference.table),
            ));
        }
    }

    let tenant = spec.tenant_column();
    let select = format!(
        "SELECT t.field_hlc FROM {} t WHERE t.{tenant} = $1 AND {} FOR UPDATE",
        spec.table,
        key_condition(spec, 2)
    );
    let mut query = sqlx::query(sqlx::AssertSqlSafe(select)).bind(org);
    for part in key {
        query = query.bind(*part);
    }
    let existing = query.fetch_optional(&mut **tx).await?;

    match existing {
        None => {
            let row = match new_row(spec, org, key, fields, hlc) {
                Ok(row) => row,
                Err(refused) => return Ok(refused),
            };
            if let Err(refused) = quota.admit(spec, &row) {
                return Ok(refused);
            }
            let columns: Vec<&str> = row.keys().map(String::as_str).collect();
            let sql = format!(
                "INSERT INTO {table} ({list}) SELECT {list} FROM jsonb_populate_record(NULL::{table}, $1)",
                table = spec.table,
                list = columns.join(", "),
            );
            sqlx::query(sqlx::AssertSqlSafe(sql)).bind(Value::Object(row)).execute(&mut **tx).await?;
        }
        Some(existing) => {
            let winners = winners(spec, fields, &existing.get::<Value, _>("field_hlc"), hlc);
            if winners.is_empty() {
                return Ok(Outcome::Applied);
            }
            write_winners(tx, spec, org, key, winners, hlc).await?;
        }
    }
    Ok(Outcome::Applied)
}

/// The fields of an edit whose clock is later than the stored field's. The key, the
/// organization and the creation time never change.
pub(crate) fn winners(spec: &EntitySpec, fields: &Fields, clocks: &Value, hlc: Hlc) -> Fields {
    let tenant = spec.tenant_column();
    let fixed = |name: &str| spec.key.contains(&name) || name == tenant || name == "created_at";
    let stamp = hlc.to_string();
    fields
        .iter()
        .filter(|(name, _)| !fixed(name))
        .filter(|(name, _)| {
            clocks.get(name.as_str()).and_then(Value::as_str).is_none_or(|theirs| stamp.as_str() > theirs)
        })
        .map(|(name, value)| (name.clone(), value.clone()))
        .collect()
}

/// A new row from a change: its fields, organization, key and field clocks; refused
/// when a required field is missing.
pub(crate) fn new_row(
    spec: &EntitySpec,
    org: uuid::Uuid,
    key: &[uuid::Uuid],
    fields: &Fields,
    hlc: Hlc,
) -> Result<Fields, Outcome> {
    let mut row = fields.clone();
    row.insert(spec.tenant_column().to_owned(), Value::String(org.to_string()));
    for (column, part) in spec.key.iter().zip(key) {
        row.insert((*column).to_owned(), Value::String(part.to_string()));
    }
    if let Some(missing) = spec.columns.iter().find(|c| !c.nullable && !row.contains_key(c.name)) {
        return Err(reject(RejectionCode::MissingField, format!("a new {} row needs {}", spec.table, missing.name)));
    }
    let stamp = Value::String(hlc.to_string());
    let clocks: Fields = fields.keys().map(|name| (name.clone(), stamp.clone())).collect();
    row.insert("field_hlc".into(), Value::Object(clocks));
    Ok(row)
}

/// Sets the fields that won their clock comparison, and their clocks.
pub(crate) async fn write_winners(
    tx: &mut Transaction<'_, Postgres>,
    spec: &EntitySpec,
    org: uuid::Uuid,
    key: &[uuid::Uuid],
    winners: Fields,
    hlc: Hlc,
) -> Result<(), sqlx::Error> {
    let stamp = Value::String(hlc.to_string());
    let assignments: Vec<String> = winners.keys().map(|name| format!("{name} = r.{name}")).collect();
    let won_clocks: Fields = winners.keys().map(|name| (name.clone(), stamp.clone())).collect();
    let sql = format!(
        "UPDATE {table} t SET {assignments}, field_hlc = t.field_hlc || $1
         FROM jsonb_populate_record(NULL::{table}, $2) r
         WHERE t.{tenant} = $3 AND {key}",
        table = spec.table,
        assignments = assignments.join(", "),
        tenant = spec.tenant_column(),
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

//! The licensee's rows a copy writes, each kept in the audit trail as the administrator's
//! change: inserted (a copy, or a part an update adds), updated to a newer version (or
//! brought back, when a newer version has a part again), and made tombstones (a part an
//! update removes: only the row itself, so progress recorded on a removed touchpoint is
//! kept). Every row of a copy keeps the listing and version it came from.

use super::Tx;
use crate::audit::{audit_change, server_stamp};
use crate::auth::AuthenticatedDevice;
use crate::error::ApiError;
use crate::push_rules::DELETE_CLOCK;
use serde_json::{json, Value};
use stride_domain::{ChangeOp, CopyState, EntityKind, ListingId};

pub(super) type Fields = serde_json::Map<String, Value>;

/// Where every row of a copy came from.
#[derive(Clone, Copy)]
pub(super) struct Origin {
    pub listing: ListingId,
    pub version: i32,
}

/// The columns of a JSON object literal (the callers' own `json!` objects).
pub(super) fn fields(value: Value) -> Fields {
    match value {
        Value::Object(map) => map,
        _ => Fields::new(),
    }
}

/// Inserts one copied row, keeping the listing and version it came from (following it).
pub(super) async fn insert(
    tx: &mut Tx,
    device: &AuthenticatedDevice,
    from: Origin,
    entity: EntityKind,
    id: uuid::Uuid,
    mut row: Fields,
) -> Result<(), ApiError> {
    row.insert("source_listing_id".into(), json!(from.listing));
    row.insert("source_version".into(), json!(from.version));
    row.insert("source_state".into(), json!(CopyState::Following));
    insert_row(tx, device, entity, id, row).await
}

/// Inserts one row of the licensee's (its columns as JSON, laid over the table's row
/// type, so the one statement serves every table) and keeps it in the audit trail.
pub(super) async fn insert_row(
    tx: &mut Tx,
    device: &AuthenticatedDevice,
    entity: EntityKind,
    id: uuid::Uuid,
    mut row: Fields,
) -> Result<(), ApiError> {
    row.insert("id".into(), json!(id));
    row.insert("organization_id".into(), json!(device.organization_id));
    let table = entity.table();
    // The names are this module's own (each table's columns), never a request's.
    let list = row.keys().map(String::as_str).collect::<Vec<_>>().join(", ");
    let stored: Value = sqlx::query_scalar(sqlx::AssertSqlSafe(format!(
        "INSERT INTO {table} ({list}) SELECT {list} FROM jsonb_populate_record(NULL::{table}, $1)
         RETURNING to_jsonb({table}) - 'version' - 'field_hlc' - 'deleted_at'"
    )))
    .bind(Value::Object(row))
    .fetch_one(&mut **tx)
    .await?;
    audit_change(tx, device, entity, id, ChangeOp::Upsert, stored).await
}

/// Sets `row`'s columns of a copied row and its version, bringing it back if it was a
/// tombstone; each column set takes the change's stamp, as a pushed edit's would.
pub(super) async fn update(
    tx: &mut Tx,
    device: &AuthenticatedDevice,
    from: Origin,
    entity: EntityKind,
    id: uuid::Uuid,
    mut row: Fields,
) -> Result<(), ApiError> {
    row.insert("source_version".into(), json!(from.version));
    let stamp = server_stamp(device).to_string();
    let clocks: Fields = row.keys().map(|name| (name.clone(), json!(stamp))).collect();
    let table = entity.table();
    let mut assignments = row.keys().map(|name| format!("{name} = r.{name}")).collect::<Vec<_>>();
    if entity.spec().column("updated_at").is_some() {
        assignments.push("updated_at = now()".into());
    }
    let assignments = assignments.join(", ");
    let changed: Option<Value> = sqlx::query_scalar(sqlx::AssertSqlSafe(format!(
        "UPDATE {table} t SET {assignments}, deleted_at = NULL, field_hlc = t.field_hlc || $2
         FROM jsonb_populate_record(NULL::{table}, $1) r
         WHERE t.organization_id = $3 AND t.id = $4
         RETURNING to_jsonb(t) - 'version' - 'field_hlc' - 'deleted_at'"
    )))
    .bind(Value::Object(row))
    .bind(Value::Object(clocks))
    .bind(device.organization_id.as_uuid())
    .bind(id)
    .fetch_optional(&mut **tx)
    .await?;
    let changed = changed.ok_or_else(|| ApiError::Internal(format!("a copied row of {table} is missing")))?;
    audit_change(tx, device, entity, id, ChangeOp::Upsert, changed).await
}

/// Makes a copied row a tombstone, and only it: what holds it (progress recorded on a
/// touchpoint) is kept as it is. A row that is a tombstone already is left alone.
pub(super) async fn remove(
    tx: &mut Tx,
    device: &AuthenticatedDevice,
    entity: EntityKind,
    id: uuid::Uuid,
) -> Result<(), ApiError> {
    let table = entity.table();
    let removed = sqlx::query(sqlx::AssertSqlSafe(format!(
        "UPDATE {table} t SET deleted_at = now(), field_hlc = t.field_hlc || jsonb_build_object('{DELETE_CLOCK}', $3::text)
         WHERE t.organization_id = $1 AND t.id = $2 AND t.deleted_at IS NULL"
    )))
    .bind(device.organization_id.as_uuid())
    .bind(id)
    .bind(server_stamp(device).to_string())
    .execute(&mut **tx)
    .await?;
    if removed.rows_affected() == 1 {
        audit_change(tx, device, entity, id, ChangeOp::Delete, json!({})).await?;
    }
    Ok(())
}

//! The audit trail's entries for changes made on the server rather than pushed: each is
//! kept in `change_log` as a change of its row from the requesting person's device, so a
//! record's history shows who changed it and when, as for pushed changes.

use crate::auth::AuthenticatedDevice;
use crate::error::ApiError;
use serde_json::Value;
use sqlx::{Postgres, Transaction};
use stride_domain::{ChangeId, ChangeOp, EntityKind, Hlc, RowKey};

/// One change of the audit trail, made on the server at a person's request (from their
/// device): an administrator's change of staff, a marketplace copy's rows.
pub(crate) async fn audit(
    tx: &mut Transaction<'static, Postgres>,
    device: &AuthenticatedDevice,
    entity: EntityKind,
    id: uuid::Uuid,
    fields: Value,
) -> Result<(), ApiError> {
    audit_change(tx, device, entity, id, ChangeOp::Upsert, fields).await
}

/// The stamp of a change the server makes now at the person's request (their device's node).
pub(crate) fn server_stamp(device: &AuthenticatedDevice) -> Hlc {
    Hlc { wall_ms: crate::clock::now().millis(), counter: 0, node: device.device_id }
}

/// One change of the audit trail, an upsert or a delete.
pub(crate) async fn audit_change(
    tx: &mut Transaction<'static, Postgres>,
    device: &AuthenticatedDevice,
    entity: EntityKind,
    id: uuid::Uuid,
    op: ChangeOp,
    fields: Value,
) -> Result<(), ApiError> {
    let hlc = server_stamp(device);
    sqlx::query(
        "INSERT INTO change_log (organization_id, change_id, device_id, device_seq, user_id, entity, row_key, op, fields, hlc)
         VALUES ($1, $2, $3, 0, $4, $5, $6, $7, $8, $9)",
    )
    .bind(device.organization_id.as_uuid())
    .bind(ChangeId::new().as_uuid())
    .bind(device.device_id.as_uuid())
    .bind(device.user_id.as_uuid())
    .bind(entity.table())
    .bind(RowKey::of(id).as_str())
    .bind(op.as_str())
    .bind(fields)
    .bind(hlc.to_string())
    .execute(&mut **tx)
    .await?;
    Ok(())
}

//! Values that lost to a concurrent edit (`push_rules::conflicts` decides which): kept
//! in `conflicts` as a push applies, and given back to the device whose value lost
//! (GET /v1/sync/conflicts?after=…), so it can say so on the record.

use crate::auth::AuthenticatedDevice;
use crate::error::ApiError;
use crate::extract::Params;
use crate::push_rules::FieldConflict;
use crate::state::AppState;
use crate::tenant;
use axum::extract::State;
use axum::Json;
use serde::Deserialize;
use serde_json::{json, Value};
use sqlx::{Postgres, Row, Transaction};
use stride_domain::api::{Conflict, ConflictsResponse};
use stride_domain::{ChangeId, EntityKind, RowKey, Timestamp};
use uuid::Uuid;

/// The most conflicts one answer holds.
pub const PAGE: i64 = 500;

/// One conflict met by a change that `pusher` sent, ready for [`record`].
pub(crate) fn row(entity: EntityKind, key: &RowKey, change_id: ChangeId, pusher: Uuid, found: &FieldConflict) -> Value {
    json!({
        "entity": entity.table(), "row_key": key.as_str(), "field": found.field,
        "kept": found.kept, "lost": found.lost, "kept_hlc": found.kept_hlc, "lost_hlc": found.lost_hlc,
        "lost_device_id": found.lost_by_pusher.then_some(pusher), "change_id": change_id,
    })
}

/// Keeps the conflicts (made by [`row`]) in one statement. A stored value that lost
/// belongs to the device of the change that wrote it, found in the audit trail by its
/// stamp; one the audit trail does not hold (rows older than it) has no one to tell.
pub(crate) async fn record(tx: &mut Transaction<'_, Postgres>, org: Uuid, rows: Vec<Value>) -> Result<(), sqlx::Error> {
    if rows.is_empty() {
        return Ok(());
    }
    sqlx::query(
        "INSERT INTO conflicts (organization_id, entity, row_key, field, kept, lost, kept_hlc, lost_hlc, lost_device_id, change_id)
         SELECT $1, x.entity, x.row_key, x.field, x.kept, x.lost, x.kept_hlc, x.lost_hlc, d.device_id, x.change_id
         FROM jsonb_to_recordset($2) AS x(entity text, row_key text, field text, kept jsonb, lost jsonb,
                                          kept_hlc text, lost_hlc text, lost_device_id uuid, change_id uuid)
         CROSS JOIN LATERAL (
           SELECT coalesce(x.lost_device_id, (
             SELECT c.device_id FROM change_log c
             WHERE c.organization_id = $1 AND c.entity = x.entity AND c.row_key = x.row_key AND c.hlc = x.lost_hlc
             ORDER BY c.id DESC LIMIT 1)) AS device_id
         ) d
         WHERE d.device_id IS NOT NULL",
    )
    .bind(org)
    .bind(Value::Array(rows))
    .execute(&mut **tx)
    .await?;
    Ok(())
}

#[derive(Debug, Deserialize, utoipa::IntoParams)]
#[into_params(parameter_in = Query)]
pub struct ConflictsParams {
    /// The id of the last conflict the device has (0: none yet).
    #[serde(default)]
    #[param(minimum = 0, default = 0)]
    pub after: i64,
}

/// This device's edits that lost a field to a concurrent edit (one made without seeing
/// the other), after `after`, oldest first, at most 500.
#[utoipa::path(get, path = "/v1/sync/conflicts", security(("device" = [])), params(ConflictsParams), responses(
        (status = 200, description = "the next of them", body = ConflictsResponse),
        (status = 401, description = "unauthenticated or device_revoked", body = stride_domain::api::ErrorBody),
        (status = 400, description = "invalid_request: bad query parameters", body = stride_domain::api::ErrorBody),
        crate::error::AnyOtherError,
))]
pub async fn mine(
    State(state): State<AppState>,
    device: AuthenticatedDevice,
    Params(params): Params<ConflictsParams>,
) -> Result<Json<ConflictsResponse>, ApiError> {
    if params.after < 0 {
        return Err(ApiError::BadRequest("after must not be negative".into()));
    }
    let mut tx = tenant::begin(&state.pool, device.organization_id).await?;
    let rows = sqlx::query(
        "SELECT id, entity, row_key, field, lost, kept, noticed_at FROM conflicts
         WHERE organization_id = $1 AND lost_device_id = $2 AND id > $3 ORDER BY id LIMIT $4",
    )
    .bind(device.organization_id.as_uuid())
    .bind(device.device_id.as_uuid())
    .bind(params.after)
    .bind(PAGE)
    .fetch_all(&mut *tx)
    .await?;
    tx.commit().await?;
    let conflicts = rows
        .iter()
        .filter_map(|row| {
            Some(Conflict {
                id: row.get("id"),
                entity: EntityKind::from_table(row.get("entity"))?,
                row_key: RowKey::from_text(row.get::<String, _>("row_key")),
                field: row.get("field"),
                mine: row.get("lost"),
                kept: row.get("kept"),
                noticed_at: Timestamp::from_datetime(row.get("noticed_at")),
            })
        })
        .collect();
    Ok(Json(ConflictsResponse { conflicts }))
}

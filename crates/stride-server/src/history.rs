//! A record's history for organization administrators (GET /v1/history?entity=…&key=…):
//! every change the audit trail holds for it, newest first, with who made it and from
//! which device, and the values that lost to a concurrent edit.

use crate::auth::AuthenticatedDevice;
use crate::error::ApiError;
use crate::extract::Params;
use crate::state::AppState;
use crate::tenant;
use axum::extract::State;
use axum::Json;
use serde::Deserialize;
use sqlx::Row;
use stride_domain::api::{ChangeAuthor, HistoryConflict, HistoryEntry, RecordHistory};
use stride_domain::{ChangeOp, EntityKind, RowKey, Timestamp};

/// The most changes one answer holds (the newest).
pub const MOST_ENTRIES: i64 = 500;

#[derive(Debug, Deserialize, utoipa::IntoParams)]
#[into_params(parameter_in = Query)]
pub struct HistoryParams {
    pub entity: EntityKind,
    /// The row's key, as changes carry it (`id`, or `a/b` for a link row).
    pub key: String,
}

/// A record's history: its changes, newest first, with who made each and from which
/// device, and its values that lost to a concurrent edit.
#[utoipa::path(get, path = "/v1/history", security(("device" = [])), params(HistoryParams), responses(
        (status = 200, description = "the record's history (empty for a record the organization does not have)", body = RecordHistory),
        (status = 401, description = "unauthenticated or device_revoked", body = stride_domain::api::ErrorBody),
        (status = 403, description = "forbidden: only organization administrators read histories", body = stride_domain::api::ErrorBody),
        (status = 400, description = "invalid_request: bad query parameters", body = stride_domain::api::ErrorBody),
        crate::error::AnyOtherError,
))]
pub async fn record_history(
    State(state): State<AppState>,
    device: AuthenticatedDevice,
    Params(params): Params<HistoryParams>,
) -> Result<Json<RecordHistory>, ApiError> {
    if !device.role.reads_history() {
        return Err(ApiError::Forbidden(format!("a {} may not read a record's history", device.role)));
    }
    let spec = params.entity.spec();
    let key = RowKey::from_text(params.key);
    let parts: Vec<&str> = key.parts().collect();
    if parts.len() != spec.key.len() || parts.iter().any(|part| uuid::Uuid::parse_str(part).is_err()) {
        return Err(ApiError::BadRequest(format!("{:?} is not a key of {}", key.as_str(), spec.table)));
    }
    let org = device.organization_id.as_uuid();
    let mut tx = tenant::begin(&state.pool, device.organization_id).await?;
    let author = |row: &sqlx::postgres::PgRow| ChangeAuthor {
        email: row.get("email"),
        display_name: row.get("display_name"),
        device_name: row.get("device_name"),
    };
    let entries = sqlx::query(
        "SELECT c.received_at, c.op, c.fields, u.email, u.display_name, d.name AS device_name
         FROM change_log c
         LEFT JOIN users u ON u.organization_id = c.organization_id AND u.id = c.user_id
         LEFT JOIN devices d ON d.organization_id = c.organization_id AND d.id = c.device_id
         WHERE c.organization_id = $1 AND c.entity = $2 AND c.row_key = $3
         ORDER BY c.id DESC LIMIT $4",
    )
    .bind(org)
    .bind(params.entity.table())
    .bind(key.as_str())
    .bind(MOST_ENTRIES)
    .fetch_all(&mut *tx)
    .await?
    .iter()
    .map(|row| {
        let fields = match row.get::<serde_json::Value, _>("fields") {
            serde_json::Value::Object(fields) => fields,
            _ => serde_json::Map::new(),
        };
        HistoryEntry {
            received_at: Timestamp::from_datetime(row.get("received_at")),
            op: ChangeOp::parse(row.get("op")).unwrap_or(ChangeOp::Upsert),
            fields,
            by: author(row),
        }
    })
    .collect();
    let conflicts = sqlx::query(
        "SELECT k.noticed_at, k.field, k.lost, k.kept, u.email, u.display_name, d.name AS device_name
         FROM conflicts k
         LEFT JOIN devices d ON d.organization_id = k.organization_id AND d.id = k.lost_device_id
         LEFT JOIN users u ON u.organization_id = d.organization_id AND u.id = d.user_id
         WHERE k.organization_id = $1 AND k.entity = $2 AND k.row_key = $3
         ORDER BY k.id DESC LIMIT $4",
    )
    .bind(org)
    .bind(params.entity.table())
    .bind(key.as_str())
    .bind(MOST_ENTRIES)
    .fetch_all(&mut *tx)
    .await?
    .iter()
    .map(|row| HistoryConflict {
        noticed_at: Timestamp::from_datetime(row.get("noticed_at")),
        field: row.get("field"),
        lost: row.get("lost"),
        kept: row.get("kept"),
        lost_by: author(row),
    })
    .collect();
    tx.commit().await?;
    Ok(Json(RecordHistory { entries, conflicts }))
}

//! Values that lost to a concurrent edit (`push_rules::conflicts` decides which, and
//! `push_sql::record_conflicts` keeps them as a push applies), given back to the device
//! whose value lost (GET /v1/sync/conflicts?after=…), so it can say so on the record.

use crate::auth::AuthenticatedDevice;
use crate::error::ApiError;
use crate::extract::Params;
use crate::state::AppState;
use crate::tenant;
use axum::extract::State;
use axum::Json;
use serde::Deserialize;
use sqlx::Row;
use stride_domain::api::{Conflict, ConflictsResponse};
use stride_domain::{EntityKind, RowKey, Timestamp};

/// The most conflicts one answer holds.
pub const PAGE: i64 = 500;

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

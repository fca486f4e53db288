//! GET /v1/sync/pull?cursor=…&limit=…: the organization's rows with a version above the
//! cursor, in version order, one page at a time. Versions come from a per-organization
//! counter whose row stays locked until the writing transaction commits, so versions
//! become visible in order and a page can never skip one.
//!
//! A device's first sync leaves out tombstones it cannot need: a row deleted before that
//! sync started (version at most the organization's head then) was never on the device.
//! A row deleted later may have reached the device alive in an earlier page, so its
//! tombstone is sent. The device keeps the head its first page reported and sends it
//! back on every later page of that first sync.

use crate::auth::AuthenticatedDevice;
use crate::error::ApiError;
use crate::state::AppState;
use crate::tenant;
use axum::extract::{Query, State};
use axum::Json;
use serde::Deserialize;
use sqlx::Row;
use std::sync::OnceLock;
use stride_domain::api::{PullResponse, PulledRow};
use stride_domain::registry::REGISTRY;
use stride_domain::{EntityKind, Timestamp};

pub const DEFAULT_PAGE: i64 = 500;
pub const MAX_PAGE: i64 = 5000;

#[derive(Debug, Deserialize)]
pub struct PullParams {
    #[serde(default)]
    pub cursor: i64,
    pub limit: Option<i64>,
    /// This pull belongs to the device's first sync.
    #[serde(default)]
    pub first_sync: bool,
    /// The head the first sync's first page reported; without it, the head now.
    pub first_sync_head: Option<i64>,
}

/// One query over every synced table: each branch reads its (organization_id, version)
/// index from the cursor on, and the merge keeps the first `limit` rows.
fn pull_sql() -> &'static str {
    static SQL: OnceLock<String> = OnceLock::new();
    SQL.get_or_init(|| {
        let branches: Vec<String> = REGISTRY
            .iter()
            .map(|spec| {
                format!(
                    "(SELECT '{table}' AS entity, t.version, t.deleted_at IS NOT NULL AS deleted,
                             to_jsonb(t) - 'field_hlc' - 'version' - 'deleted_at' AS row
                      FROM {table} t
                      WHERE t.{tenant} = $1 AND t.version > $2 AND (t.deleted_at IS NULL OR t.version > $4)
                      ORDER BY t.version LIMIT $3)",
                    table = spec.table,
                    tenant = spec.tenant_column(),
                )
            })
            .collect();
        format!(
            "SELECT entity, version, deleted, row FROM ({}) page ORDER BY version LIMIT $3",
            branches.join(" UNION ALL ")
        )
    })
}

pub async fn pull(
    State(state): State<AppState>,
    device: AuthenticatedDevice,
    Query(params): Query<PullParams>,
) -> Result<Json<PullResponse>, ApiError> {
    let limit = params.limit.unwrap_or(DEFAULT_PAGE);
    if !(1..=MAX_PAGE).contains(&limit) || params.cursor < 0 {
        return Err(ApiError::BadRequest(format!("limit must be 1 to {MAX_PAGE} and cursor not negative")));
    }
    let mut tx = tenant::begin(&state.pool, device.organization_id).await?;
    // Read in the same snapshot as the page, so no row of the page is newer than it.
    let head: i64 = sqlx::query_scalar(
        "SELECT coalesce(max(last_version), 0) FROM organization_versions WHERE organization_id = $1",
    )
    .bind(device.organization_id.as_uuid())
    .fetch_one(&mut *tx)
    .await?;
    // Tombstones at or below this version are left out (-1: none are).
    let skip_tombstones_through = if params.first_sync { params.first_sync_head.unwrap_or(head) } else { -1 };
    let records = sqlx::query(sqlx::AssertSqlSafe(pull_sql()))
        .bind(device.organization_id.as_uuid())
        .bind(params.cursor)
        .bind(limit)
        .bind(skip_tombstones_through)
        .fetch_all(&mut *tx)
        .await?;
    tx.commit().await?;
    let mut rows = Vec::with_capacity(records.len());
    for record in records {
        let table: String = record.get("entity");
        let row = match record.get::<serde_json::Value, _>("row") {
            serde_json::Value::Object(row) => row,
            other => return Err(ApiError::Internal(format!("a {table} row came back as {other}"))),
        };
        rows.push(PulledRow {
            entity: EntityKind::from_table(&table)
                .ok_or_else(|| ApiError::Internal(format!("unknown table {table}")))?,
            version: record.get("version"),
            deleted: record.get("deleted"),
            row,
        });
    }
    let up_to_date = (rows.len() as i64) < limit;
    let cursor = rows.last().map_or(params.cursor, |row| row.version);
    Ok(Json(PullResponse { rows, cursor, up_to_date, head, server_time_ms: Timestamp::now().millis() }))
}

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
//!
//! Pages are kept for a while (`page_cache`): devices asking for the same page of the
//! same snapshot get it without another query, compressed once.

use crate::auth::AuthenticatedDevice;
use crate::error::ApiError;
use crate::extract::Params;
use crate::page_cache::{CachedPage, Encoding, PageKey};
use crate::state::AppState;
use crate::tenant;
use axum::extract::State;
use axum::http::{header, HeaderMap};
use axum::response::{IntoResponse, Response};
use serde::Deserialize;
use sqlx::Row;
use std::sync::{Arc, OnceLock};
#[cfg(doc)]
use stride_domain::api::PullResponse;
use stride_domain::registry::REGISTRY;

pub const DEFAULT_PAGE: i64 = 500;
pub const MAX_PAGE: i64 = 5000;

#[derive(Debug, Deserialize, utoipa::IntoParams)]
#[into_params(parameter_in = Query)]
pub struct PullParams {
    /// The version of the last row the device has (0: none yet).
    #[serde(default)]
    #[param(minimum = 0, default = 0)]
    pub cursor: i64,
    /// Rows per page.
    #[param(minimum = 1, maximum = 5000, default = 500)]
    pub limit: Option<i64>,
    /// This pull belongs to the device's first sync: tombstones at or below the head are
    /// left out.
    #[serde(default)]
    pub first_sync: bool,
    /// With first_sync: the head the first sync's first page reported; without it, the
    /// head now.
    pub first_sync_head: Option<i64>,
}

/// One query over every synced table: each branch reads its (organization_id, version)
/// index from the cursor on, the merge keeps the first `limit` rows, and PostgreSQL
/// writes the page's rows as JSON text itself, which the server sends on unparsed.
fn pull_sql() -> &'static str {
    static SQL: OnceLock<String> = OnceLock::new();
    SQL.get_or_init(|| {
        // Each row's JSON is built from its columns by name: cheaper than converting the
        // whole row and deleting the server's own columns from it.
        let branches: Vec<String> = REGISTRY
            .iter()
            .map(|spec| {
                let columns: Vec<String> = spec.columns.iter().map(|c| format!("'{0}', t.{0}", c.name)).collect();
                format!(
                    "(SELECT t.version,
                             json_build_object('entity', '{table}', 'version', t.version,
                                               'deleted', t.deleted_at IS NOT NULL,
                                               'row', json_build_object({columns}))::text AS json
                      FROM {table} t
                      WHERE t.{tenant} = $1 AND t.version > $2 AND (t.deleted_at IS NULL OR t.version > $4)
                      ORDER BY t.version LIMIT $3)",
                    table = spec.table,
                    tenant = spec.tenant_column(),
                    columns = columns.join(", "),
                )
            })
            .collect();
        // The entity is its table's name, which is also EntityKind's serde name.
        format!(
            "SELECT coalesce(string_agg(json, ',' ORDER BY version), '') AS rows,
                    count(*) AS count, coalesce(max(version), 0) AS last_version
             FROM (SELECT * FROM ({}) merged ORDER BY version LIMIT $3) page",
            branches.join(" UNION ALL ")
        )
    })
}

/// The page as JSON in [`PullResponse`]'s form, around the rows PostgreSQL wrote.
/// The organization's rows with a version above the cursor, in version order.
#[utoipa::path(get, path = "/v1/sync/pull", security(("device" = [])), params(PullParams), responses(
        (status = 200, description = "a page", body = stride_domain::api::PullResponse),
        (status = 401, description = "unauthenticated or device_revoked", body = stride_domain::api::ErrorBody),
        (status = 400, description = "invalid_request: bad query parameters", body = stride_domain::api::ErrorBody),
        crate::error::AnyOtherError,
))]
pub async fn pull(
    State(state): State<AppState>,
    device: AuthenticatedDevice,
    headers: HeaderMap,
    Params(params): Params<PullParams>,
) -> Result<Response, ApiError> {
    let limit = params.limit.unwrap_or(DEFAULT_PAGE);
    if !(1..=MAX_PAGE).contains(&limit) || params.cursor < 0 {
        return Err(ApiError::BadRequest(format!("limit must be 1 to {MAX_PAGE} and cursor not negative")));
    }
    // The head, read first and alone (as the tables' owner, for the device's own
    // organization): a page served from the cache needs nothing else from the database.
    // The page, read after it, may hold rows above it; a later pull asks past them. Both
    // come from where pulls read (a replica, when the server has one), so the head and
    // the page are of the same database, however far behind the primary it is.
    let head: i64 = sqlx::query_scalar(
        "SELECT coalesce(max(last_version), 0) FROM organization_versions WHERE organization_id = $1",
    )
    .bind(device.organization_id.as_uuid())
    .fetch_one(&state.reads)
    .await?;
    // Tombstones at or below this version are left out (-1: none are).
    let skip_tombstones_through = if params.first_sync { params.first_sync_head.unwrap_or(head) } else { -1 };
    let key = PageKey {
        organization: device.organization_id.as_uuid(),
        cursor: params.cursor,
        limit,
        skip_tombstones_through,
        head,
    };
    let read = async {
        let mut tx = tenant::begin(&state.reads, device.organization_id).await?;
        let record = sqlx::query(sqlx::AssertSqlSafe(pull_sql()))
            .bind(device.organization_id.as_uuid())
            .bind(params.cursor)
            .bind(limit)
            .bind(skip_tombstones_through)
            .fetch_one(&mut *tx)
            .await?;
        tx.commit().await?;
        let rows = record.get("rows");
        Ok::<_, sqlx::Error>(CachedPage { rows, count: record.get("count"), last_version: record.get("last_version") })
    };
    // A read several requests waited on fails them all with one error; each keeps a copy.
    let page = state.pages.get_or_read(key, read).await.map_err(|shared: Arc<sqlx::Error>| {
        Arc::try_unwrap(shared).unwrap_or_else(|shared| sqlx::Error::Protocol(shared.to_string()))
    })?;
    state.metrics.pulled(u64::try_from(page.count).unwrap_or(0));
    let body = || {
        let (rows, count, last_version) = (&page.rows, page.count, page.last_version);
        let cursor = if count > 0 { last_version } else { params.cursor };
        format!(
            r#"{{"rows":[{rows}],"cursor":{cursor},"up_to_date":{up_to_date},"head":{head},"server_time_ms":{now}}}"#,
            up_to_date = count < limit,
            now = crate::clock::now().millis(),
        )
    };
    // Compressed here, once for every device that asks for this page so (the API's
    // compression layer leaves an answer with its encoding as it is).
    let encoding = Encoding::accepted(headers.get(header::ACCEPT_ENCODING).and_then(|v| v.to_str().ok()));
    let answer = state
        .pages
        .answer(key, encoding, body)
        .await
        .map_err(|problem| ApiError::Internal(format!("the page could not be compressed: {problem}")))?;
    let mut response =
        ([(header::CONTENT_TYPE, "application/json"), (header::VARY, "accept-encoding")], answer).into_response();
    if let Some(value) = encoding.header_value() {
        response.headers_mut().insert(header::CONTENT_ENCODING, header::HeaderValue::from_static(value));
    }
    Ok(response)
}

//! POST /v1/sync/backfill: the older rows of workers that just came into a device's
//! scope. A pull that tells a device its scope gained workers carries their rows above
//! the device's cursor; this brings the rest, up to `through` (the cursor the device
//! pulled from), a page at a time in version order. Workers not in the person's scope
//! now are left out, so a device cannot read a worker by naming it. Tombstones are left
//! out too: a worker that comes into scope was not on the device.

use crate::auth::AuthenticatedDevice;
use crate::error::ApiError;
use crate::extract::Body;
use crate::pull::{page_json, page_of, page_sql, Reading, MAX_PAGE};
use crate::state::AppState;
use crate::tenant;
use axum::extract::State;
use axum::http::header;
use axum::response::{IntoResponse, Response};
use stride_domain::api::BackfillRequest;

/// The most workers one backfill asks for.
pub const MAX_WORKERS: usize = 1000;

/// The rows, up to `through`, of workers that came into the device's scope.
#[utoipa::path(post, path = "/v1/sync/backfill", security(("device" = [])), request_body = BackfillRequest, responses(
        (status = 200, description = "a page, as a pull's (its head is `through`)", body = stride_domain::api::PullResponse),
        (status = 401, description = "unauthenticated or device_revoked", body = stride_domain::api::ErrorBody),
        (status = 400, description = "invalid_request: too many workers, or a bad cursor, limit or version", body = stride_domain::api::ErrorBody),
        crate::extract::BodyRefusals,
        crate::error::AnyOtherError,
))]
pub async fn backfill(
    State(state): State<AppState>,
    device: AuthenticatedDevice,
    Body(request): Body<BackfillRequest>,
) -> Result<Response, ApiError> {
    if request.workers.len() > MAX_WORKERS
        || !(1..=MAX_PAGE).contains(&request.limit)
        || request.cursor < 0
        || request.through < 0
    {
        return Err(ApiError::BadRequest(format!(
            "at most {MAX_WORKERS} workers, a limit of 1 to {MAX_PAGE}, and cursor and through not negative"
        )));
    }
    let mut tx = tenant::begin(&state.reads, device.organization_id).await?;
    let user = device.user_id.as_uuid();
    let mut kept = crate::scope::scopes_of(&mut *tx, device.organization_id, &[user]).await?;
    let scope = kept.remove(&user).unwrap_or_default();
    let (sites, segments, programs) = crate::scope::parameters(&scope);
    let workers: Vec<uuid::Uuid> = request.workers.iter().map(|id| id.as_uuid()).collect();
    let record = sqlx::query(sqlx::AssertSqlSafe(page_sql(Reading::Backfill, request.layout)))
        .bind(device.organization_id.as_uuid())
        .bind(request.cursor)
        .bind(request.limit)
        .bind(request.through)
        .bind(workers)
        .bind(sites)
        .bind(segments)
        .bind(programs)
        .bind(scope.limits(device.role))
        .fetch_one(&mut *tx)
        .await?;
    tx.commit().await?;
    let page = page_of(&record);
    state.metrics.pulled(u64::try_from(page.count).unwrap_or(0));
    let body = page_json(&page, request.layout, request.cursor, request.limit, request.through, None);
    Ok(([(header::CONTENT_TYPE, "application/json")], body).into_response())
}

//! Media files the server keeps for each organization and serves to its devices, which
//! download them for offline use. A content item whose `media_url` is
//! `/v1/media/{name}` points here, whatever address the server has.

use crate::auth::AuthenticatedDevice;
use crate::error::ApiError;
use crate::extract::Segment;
use crate::state::AppState;
use crate::tenant;
use axum::extract::State;
use axum::http::header;
use axum::response::IntoResponse;
use sqlx::PgPool;
use stride_domain::media::{content_type_of, valid_name};
use stride_domain::OrganizationId;

/// The largest media file kept (PostgreSQL holds up to 1 GiB in a value).
pub const MAX_MEDIA_BYTES: usize = 256 * 1024 * 1024;

/// Keeps a file for an organization (replacing one of the same name).
pub async fn add(pool: &PgPool, organization: OrganizationId, name: &str, bytes: &[u8]) -> Result<(), ApiError> {
    if !valid_name(name) {
        return Err(ApiError::BadRequest(format!("{name:?} is not a media file name (letters, digits, . _ -)")));
    }
    if bytes.len() > MAX_MEDIA_BYTES {
        return Err(ApiError::BadRequest(format!("a media file may be at most {MAX_MEDIA_BYTES} bytes")));
    }
    let mut tx = pool.begin().await?;
    sqlx::query("SELECT set_config('stride.organization_id', $1, true)")
        .bind(organization.to_string())
        .execute(&mut *tx)
        .await?;
    sqlx::query(
        "INSERT INTO media_files (organization_id, name, content_type, bytes) VALUES ($1, $2, $3, $4)
         ON CONFLICT (organization_id, name) DO UPDATE
         SET content_type = excluded.content_type, bytes = excluded.bytes, added_at = now()",
    )
    .bind(organization.as_uuid())
    .bind(name)
    .bind(content_type_of(name))
    .bind(bytes)
    .execute(&mut *tx)
    .await?;
    tx.commit().await?;
    Ok(())
}

/// A media file the organization's content points at (media_url /v1/media/{name}),
/// downloaded by devices for offline use. Sent as stored (not compressed), with its
/// Content-Length.
#[utoipa::path(get, path = "/v1/media/{name}", security(("device" = [])),
    params(("name" = String, Path, description = "the file's name", pattern = r"^[A-Za-z0-9][A-Za-z0-9._-]{0,199}$")),
    responses(
        (status = 200, description = "the file, with its Content-Type", content_type = "application/octet-stream"),
        (status = 401, description = "unauthenticated or device_revoked", body = stride_domain::api::ErrorBody),
        (status = 404, description = "not_found: the organization has no such file", body = stride_domain::api::ErrorBody),
        crate::error::AnyOtherError,
))]
pub async fn get(
    State(state): State<AppState>,
    device: AuthenticatedDevice,
    Segment(name): Segment<String>,
) -> Result<impl IntoResponse, ApiError> {
    if !valid_name(&name) {
        return Err(ApiError::NotFound);
    }
    let mut tx = tenant::begin(&state.pool, device.organization_id).await?;
    let file: Option<(String, Vec<u8>)> =
        sqlx::query_as("SELECT content_type, bytes FROM media_files WHERE organization_id = $1 AND name = $2")
            .bind(device.organization_id.as_uuid())
            .bind(&name)
            .fetch_optional(&mut *tx)
            .await?;
    tx.commit().await?;
    let (content_type, bytes) = file.ok_or(ApiError::NotFound)?;
    Ok(([(header::CONTENT_TYPE, content_type)], bytes))
}

//! Media files the server keeps for each organization and serves to its devices, which
//! download them for offline use. A content item whose `media_url` is
//! `/v1/media/{name}` points here, whatever address the server has.

use crate::auth::AuthenticatedDevice;
use crate::error::ApiError;
use crate::state::AppState;
use crate::tenant;
use axum::extract::{Path, State};
use axum::http::header;
use axum::response::IntoResponse;
use sqlx::PgPool;
use stride_domain::OrganizationId;

/// The path prefix of media served by this server.
pub const MEDIA_PATH: &str = "/v1/media/";

/// The largest media file kept (PostgreSQL holds up to 1 GiB in a value).
pub const MAX_MEDIA_BYTES: usize = 256 * 1024 * 1024;

/// A media file's type, from its name's extension.
pub fn content_type_of(name: &str) -> &'static str {
    let extension = name.rsplit_once('.').map(|(_, ext)| ext.to_ascii_lowercase()).unwrap_or_default();
    match extension.as_str() {
        "mp4" => "video/mp4",
        "webm" => "video/webm",
        "mp3" => "audio/mpeg",
        "wav" => "audio/wav",
        "ogg" | "oga" => "audio/ogg",
        "md" | "markdown" => "text/markdown; charset=utf-8",
        "txt" => "text/plain; charset=utf-8",
        "json" => "application/json",
        "html" => "text/html; charset=utf-8",
        "svg" => "image/svg+xml",
        "png" => "image/png",
        "jpg" | "jpeg" => "image/jpeg",
        "pdf" => "application/pdf",
        _ => "application/octet-stream",
    }
}

/// Whether a name may name a media file: letters, digits, dots, dashes and underscores,
/// starting with a letter or digit (no folders, nothing hidden).
pub fn valid_name(name: &str) -> bool {
    (1..=200).contains(&name.len())
        && name.chars().next().is_some_and(|c| c.is_ascii_alphanumeric())
        && name.chars().all(|c| c.is_ascii_alphanumeric() || matches!(c, '.' | '_' | '-'))
}

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

/// GET /v1/media/{name}: the file, to a device of its organization.
pub async fn get(
    State(state): State<AppState>,
    device: AuthenticatedDevice,
    Path(name): Path<String>,
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

#[cfg(test)]
mod tests {
    #[test]
    fn names_are_plain_file_names() {
        for good in ["lifting.mp4", "Safety_quiz-2.json", "a"] {
            assert!(super::valid_name(good), "{good}");
        }
        for bad in ["", "../etc/passwd", ".hidden", "a/b", "a b", "é.mp4", &"x".repeat(201)] {
            assert!(!super::valid_name(bad), "{bad}");
        }
        assert_eq!(super::content_type_of("breathing.MP3"), "audio/mpeg");
        assert_eq!(super::content_type_of("notes"), "application/octet-stream");
    }
}

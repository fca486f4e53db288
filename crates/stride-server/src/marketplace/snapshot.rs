//! A version's snapshot, read from the publisher's own rows in the publisher's
//! transaction: the journey with its phases, touchpoints and every content item they use
//! (or the one item listed), each quiz's latest questions, and the bytes of every media
//! file of the publisher's server the content points at, kept with the listing by their
//! SHA-256 (once, however many versions share a file).

use super::Tx;
use crate::error::ApiError;
use sqlx::Row;
use std::collections::{HashMap, HashSet};
use stride_domain::marketplace::*;
use stride_domain::media::MEDIA_PATH;
use stride_domain::*;

/// The snapshot of `source` (a journey blueprint or content item of `publisher`), with
/// its media kept for `listing`.
pub(super) async fn take(
    tx: &mut Tx,
    publisher: OrganizationId,
    listing: ListingId,
    kind: ListingKind,
    source: uuid::Uuid,
) -> Result<Snapshot, ApiError> {
    let (journey, content_ids) = match kind {
        ListingKind::Journey => {
            let (journey, content_ids) = journey(tx, publisher, source).await?;
            (Some(journey), content_ids)
        }
        ListingKind::Content => (None, vec![source]),
    };
    let mut content = Vec::with_capacity(content_ids.len());
    for id in content_ids {
        content.push(content_item(tx, publisher, listing, id).await?);
    }
    Ok(Snapshot { kind, journey, content })
}

fn missing(what: &str) -> ApiError {
    ApiError::Missing(format!("no such {what} in this organization"))
}

fn stored(what: &str, error: impl std::fmt::Display) -> ApiError {
    ApiError::Internal(format!("stored {what}: {error}"))
}

/// The journey, and the content its touchpoints use, in the order they are first used.
async fn journey(
    tx: &mut Tx,
    org: OrganizationId,
    id: uuid::Uuid,
) -> Result<(JourneySnapshot, Vec<uuid::Uuid>), ApiError> {
    let row = sqlx::query(
        "SELECT title, purpose FROM journey_blueprints
         WHERE organization_id = $1 AND id = $2 AND deleted_at IS NULL",
    )
    .bind(org.as_uuid())
    .bind(id)
    .fetch_optional(&mut **tx)
    .await?
    .ok_or_else(|| missing("journey"))?;
    let phases = sqlx::query(
        "SELECT id, name, sequence_order FROM phases
         WHERE organization_id = $1 AND journey_blueprint_id = $2 AND deleted_at IS NULL
         ORDER BY sequence_order, id",
    )
    .bind(org.as_uuid())
    .bind(id)
    .fetch_all(&mut **tx)
    .await?;
    let touchpoints = sqlx::query(
        "SELECT t.id, t.phase_id, t.content_id, t.rule_logic FROM touchpoints t
         JOIN phases p ON p.organization_id = t.organization_id AND p.id = t.phase_id
         WHERE t.organization_id = $1 AND p.journey_blueprint_id = $2
           AND t.deleted_at IS NULL AND p.deleted_at IS NULL
         ORDER BY t.created_at, t.id",
    )
    .bind(org.as_uuid())
    .bind(id)
    .fetch_all(&mut **tx)
    .await?;
    if touchpoints.is_empty() {
        return Err(ApiError::BadRequest("the journey has no touchpoints: there is nothing to publish yet".into()));
    }
    // A rule keeps only the conditions on touchpoints of this journey.
    let keys: HashMap<TouchpointId, TouchpointId> =
        touchpoints.iter().map(|t| TouchpointId::from_uuid(t.get("id"))).map(|key| (key, key)).collect();
    let mut content_ids = Vec::new();
    let mut seen = HashSet::new();
    let mut phase_snapshots = Vec::with_capacity(phases.len());
    for phase in &phases {
        let phase_id: uuid::Uuid = phase.get("id");
        let mut phase_touchpoints = Vec::new();
        for touchpoint in touchpoints.iter().filter(|t| t.get::<uuid::Uuid, _>("phase_id") == phase_id) {
            let content_id: uuid::Uuid = touchpoint.get("content_id");
            if seen.insert(content_id) {
                content_ids.push(content_id);
            }
            let rule = touchpoint
                .get::<Option<serde_json::Value>, _>("rule_logic")
                .map(JsonObject::try_from)
                .transpose()
                .map_err(|e| stored("rule", e))?;
            phase_touchpoints.push(TouchpointSnapshot {
                key: TouchpointId::from_uuid(touchpoint.get("id")),
                content_key: ContentId::from_uuid(content_id),
                rule_logic: carry_rule(rule.as_ref(), &keys).map_err(|e| stored("rule", e))?,
            });
        }
        phase_snapshots.push(PhaseSnapshot {
            key: PhaseId::from_uuid(phase_id),
            name: phase.get("name"),
            sequence_order: phase.get("sequence_order"),
            touchpoints: phase_touchpoints,
        });
    }
    let journey = JourneySnapshot { title: row.get("title"), purpose: row.get("purpose"), phases: phase_snapshots };
    Ok((journey, content_ids))
}

/// One content item, its quiz's latest questions, and its server media file kept with
/// the listing.
async fn content_item(
    tx: &mut Tx,
    org: OrganizationId,
    listing: ListingId,
    id: uuid::Uuid,
) -> Result<ContentSnapshot, ApiError> {
    let row = sqlx::query(
        "SELECT type, title, description, media_url FROM content
         WHERE organization_id = $1 AND id = $2 AND deleted_at IS NULL",
    )
    .bind(org.as_uuid())
    .bind(id)
    .fetch_optional(&mut **tx)
    .await?
    .ok_or_else(|| missing("content item"))?;
    let content_type: ContentType = row.get::<String, _>("type").parse().map_err(|e| stored("content type", e))?;
    let quiz = if content_type == ContentType::Quiz {
        sqlx::query_scalar::<_, serde_json::Value>(
            "SELECT definition FROM quiz_versions WHERE organization_id = $1 AND content_id = $2 AND deleted_at IS NULL
             ORDER BY version_number DESC LIMIT 1",
        )
        .bind(org.as_uuid())
        .bind(id)
        .fetch_optional(&mut **tx)
        .await?
    } else {
        None
    };
    let media_url: Option<String> = row.get("media_url");
    let (media_url, media) = match media_url.as_deref().and_then(|url| url.strip_prefix(MEDIA_PATH)) {
        Some(name) => (None, Some(keep_media(tx, org, listing, name).await?)),
        None => (media_url, None),
    };
    Ok(ContentSnapshot {
        key: ContentId::from_uuid(id),
        content_type,
        title: row.get("title"),
        description: row.get("description"),
        media_url,
        media,
        quiz,
    })
}

/// Keeps a media file of the publisher's server with the listing.
async fn keep_media(
    tx: &mut Tx,
    org: OrganizationId,
    listing: ListingId,
    name: &str,
) -> Result<SnapshotMedia, ApiError> {
    let file = sqlx::query("SELECT content_type, bytes FROM media_files WHERE organization_id = $1 AND name = $2")
        .bind(org.as_uuid())
        .bind(name)
        .fetch_optional(&mut **tx)
        .await?
        .ok_or_else(|| {
            ApiError::BadRequest(format!(
                "the media file {name} is not on the server: add it, or point the content elsewhere"
            ))
        })?;
    let bytes: Vec<u8> = file.get("bytes");
    let sha256 = crate::auth::sha256_hex_of(&bytes);
    sqlx::query(
        "INSERT INTO listing_media (listing_id, sha256, publisher_organization_id, content_type, bytes)
         VALUES ($1, $2, $3, $4, $5) ON CONFLICT (listing_id, sha256) DO NOTHING",
    )
    .bind(listing.as_uuid())
    .bind(&sha256)
    .bind(org.as_uuid())
    .bind(file.get::<String, _>("content_type"))
    .bind(&bytes)
    .execute(&mut **tx)
    .await?;
    Ok(SnapshotMedia { name: name.to_owned(), sha256, bytes: bytes.len() as u64 })
}

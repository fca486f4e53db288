//! Copying a licensed version into the licensee's organization, in one transaction
//! scoped to the licensee (so every row written is its own, by row-level security): each
//! content item with its media file and quiz, then the journey, its phases and its
//! touchpoints (their rules renamed to the copy's touchpoints), every row with new ids and
//! keeping its listing and version (`source_*`, following the listing). The rows reach
//! the licensee's devices by the ordinary pull; each goes to the audit trail as the
//! administrator's.

use super::licenses::one;
use super::rows::{fields, insert, insert_row, Origin};
use super::{listing_of, listing_row, Tx};
use crate::auth::AuthenticatedDevice;
use crate::error::ApiError;
use crate::extract::Segment;
use crate::state::AppState;
use crate::tenant;
use axum::extract::State;
use axum::http::StatusCode;
use axum::Json;
use serde::{Deserialize, Serialize};
use serde_json::json;
use std::collections::HashMap;
use stride_domain::marketplace::*;
use stride_domain::media::MEDIA_PATH;
use stride_domain::*;

/// Which copied row stands for which row of the snapshot, by the snapshot's keys (kept
/// with the copy, so an update knows the rows that continue; a key an update removed
/// stays, so a later version that has the part again brings its row back).
#[derive(Debug, Default, Serialize, Deserialize)]
pub(super) struct CopiedIds {
    pub content: HashMap<ContentId, ContentId>,
    pub phases: HashMap<PhaseId, PhaseId>,
    pub touchpoints: HashMap<TouchpointId, TouchpointId>,
}

/// Copy the latest version of a licensed listing into this organization.
#[utoipa::path(post, path = "/v1/marketplace/licenses/{license_id}/copy", security(("device" = [])),
    params(("license_id" = uuid::Uuid, Path, description = "the organization's license")),
    responses(
        (status = 201, description = "copied: the rows reach this organization's devices at their next sync", body = MarketplaceCopy),
        (status = 401, description = "unauthenticated, device_revoked or user_deactivated", body = stride_domain::api::ErrorBody),
        (status = 403, description = "forbidden: only the licensee's administrators copy", body = stride_domain::api::ErrorBody),
        (status = 404, description = "not_found: no such license held by this organization", body = stride_domain::api::ErrorBody),
        (status = 409, description = "license_not_in_force (requested, declined or past its end), listing_withdrawn, or already_exists (copied already)", body = stride_domain::api::ErrorBody),
        crate::error::AnyOtherError,
))]
pub(crate) async fn copy(
    State(state): State<AppState>,
    device: AuthenticatedDevice,
    Segment(license_id): Segment<uuid::Uuid>,
) -> Result<(StatusCode, Json<MarketplaceCopy>), ApiError> {
    if !device.role.licenses() {
        return Err(ApiError::Forbidden(format!("a {} does not copy listings in: the administrators do", device.role)));
    }
    let org = device.organization_id;
    let mut tx = tenant::begin(&state.pool, org).await?;
    let license = one(&mut tx, org, LicenseId::from_uuid(license_id), true).await?;
    if license.licensee_organization_id != org {
        return Err(ApiError::Missing("no such license held by this organization".into()));
    }
    if !license.in_force {
        return Err(ApiError::Conflict {
            code: ErrorCode::LicenseNotInForce,
            message: format!("the license to {} is not in force ({})", license.listing_title, license.status),
        });
    }
    if license.copy.is_some() {
        return Err(ApiError::Conflict {
            code: ErrorCode::AlreadyExists,
            message: format!("{} is copied in already", license.listing_title),
        });
    }
    let listing = listing_of(&listing_row(&mut tx, org, license.listing_id, false).await?)?;
    if listing.status == ListingStatus::Withdrawn {
        return Err(ApiError::Conflict {
            code: ErrorCode::ListingWithdrawn,
            message: format!("{} was withdrawn by its publisher: it can no longer be copied in", listing.title),
        });
    }
    let number = listing.latest_version as i32;
    let snapshot = super::snapshot_of(&mut tx, listing.id, number).await?;
    let from = Origin { listing: listing.id, version: number };

    let mut ids = CopiedIds::default();
    for item in &snapshot.content {
        let id = copy_content(&mut tx, &device, from, item).await?;
        ids.content.insert(item.key, id);
    }
    let root_id = match &snapshot.journey {
        Some(journey) => copy_journey(&mut tx, &device, from, journey, license.ends_on, &mut ids).await?,
        None => {
            let only = snapshot.content.first().and_then(|c| ids.content.get(&c.key));
            only.ok_or_else(|| ApiError::Internal("a content listing without its item".into()))?.as_uuid()
        }
    };
    let copied_ids = serde_json::to_value(&ids).map_err(|e| ApiError::Internal(format!("copied ids: {e}")))?;
    let id = MarketplaceCopyId::new();
    let copied_at: chrono::DateTime<chrono::Utc> = sqlx::query_scalar(
        "INSERT INTO marketplace_copies (id, organization_id, license_id, listing_id, version, kind, root_id, copied_ids, copied_by)
         VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9) RETURNING copied_at",
    )
    .bind(id.as_uuid())
    .bind(org.as_uuid())
    .bind(license.id.as_uuid())
    .bind(listing.id.as_uuid())
    .bind(from.version)
    .bind(snapshot.kind.as_str())
    .bind(root_id)
    .bind(copied_ids)
    .bind(device.user_id.as_uuid())
    .fetch_one(&mut *tx)
    .await?;
    tx.commit().await?;
    tracing::info!(copy.id = %id, listing.id = %listing.id, version = from.version, "listing copied in");
    Ok((
        StatusCode::CREATED,
        Json(MarketplaceCopy {
            id,
            license_id: license.id,
            listing_id: listing.id,
            version: from.version as u32,
            kind: snapshot.kind,
            root_id,
            copied_at: Timestamp::from_datetime(copied_at),
            forked: false,
        }),
    ))
}

/// A content item, with its media file (a file of the licensee's server now) and quiz.
pub(super) async fn copy_content(
    tx: &mut Tx,
    device: &AuthenticatedDevice,
    from: Origin,
    item: &ContentSnapshot,
) -> Result<ContentId, ApiError> {
    let id = ContentId::new();
    let row = content_fields(tx, device, from, item).await?;
    insert(tx, device, from, EntityKind::Content, id.as_uuid(), row).await?;
    if let Some(definition) = &item.quiz {
        add_quiz_version(tx, device, id, definition).await?;
    }
    Ok(id)
}

/// A content item's columns as a version has them (its media file copied to the
/// licensee's server).
pub(super) async fn content_fields(
    tx: &mut Tx,
    device: &AuthenticatedDevice,
    from: Origin,
    item: &ContentSnapshot,
) -> Result<super::rows::Fields, ApiError> {
    let media_url = match &item.media {
        Some(media) => Some(copy_media(tx, device.organization_id, from.listing, media).await?),
        None => item.media_url.clone(),
    };
    Ok(fields(json!({
        "type": item.content_type, "title": item.title, "description": item.description, "media_url": media_url,
    })))
}

/// A quiz's questions as the copy's next quiz version (quiz versions keep no source: the
/// content item they belong to does).
pub(super) async fn add_quiz_version(
    tx: &mut Tx,
    device: &AuthenticatedDevice,
    content: ContentId,
    definition: &serde_json::Value,
) -> Result<(), ApiError> {
    let number: i32 = sqlx::query_scalar(
        "SELECT coalesce(max(version_number), 0) + 1 FROM quiz_versions WHERE organization_id = $1 AND content_id = $2",
    )
    .bind(device.organization_id.as_uuid())
    .bind(content.as_uuid())
    .fetch_one(&mut **tx)
    .await?;
    let row = json!({"content_id": content, "version_number": number, "definition": definition, "created_by": device.user_id});
    insert_row(tx, device, EntityKind::QuizVersions, QuizVersionId::new().as_uuid(), fields(row)).await
}

/// The listing's copy of a media file, kept as a file of the licensee's server under a
/// name made from its hash (the same file copied twice is kept once); its media address.
async fn copy_media(
    tx: &mut Tx,
    org: OrganizationId,
    listing: ListingId,
    media: &SnapshotMedia,
) -> Result<String, ApiError> {
    let name: String = format!("{}-{}", &media.sha256[..16], media.name).chars().take(200).collect();
    let copied = sqlx::query(
        "INSERT INTO media_files (organization_id, name, content_type, bytes)
         SELECT $1, $2, content_type, bytes FROM listing_media WHERE listing_id = $3 AND sha256 = $4
         ON CONFLICT (organization_id, name) DO NOTHING",
    )
    .bind(org.as_uuid())
    .bind(&name)
    .bind(listing.as_uuid())
    .bind(&media.sha256)
    .execute(&mut **tx)
    .await?;
    let kept = copied.rows_affected() == 1
        || sqlx::query_scalar::<_, bool>(
            "SELECT EXISTS (SELECT 1 FROM media_files WHERE organization_id = $1 AND name = $2)",
        )
        .bind(org.as_uuid())
        .bind(&name)
        .fetch_one(&mut **tx)
        .await?;
    if !kept {
        return Err(ApiError::Internal(format!("the listing's media file {} is missing", media.sha256)));
    }
    Ok(format!("{MEDIA_PATH}{name}"))
}

/// The journey (with its license's last day), its phases and its touchpoints, each
/// touchpoint's rule naming the copy's touchpoints; their ids go into `ids`.
async fn copy_journey(
    tx: &mut Tx,
    device: &AuthenticatedDevice,
    from: Origin,
    journey: &JourneySnapshot,
    licensed_until: Option<chrono::NaiveDate>,
    ids: &mut CopiedIds,
) -> Result<uuid::Uuid, ApiError> {
    let journey_id = JourneyBlueprintId::new();
    let row = json!({
        "title": journey.title, "purpose": journey.purpose, "licensed_until": licensed_until,
        "created_by": device.user_id, "updated_by": device.user_id,
    });
    insert(tx, device, from, EntityKind::JourneyBlueprints, journey_id.as_uuid(), fields(row)).await?;
    ids.touchpoints =
        journey.phases.iter().flat_map(|p| &p.touchpoints).map(|t| (t.key, TouchpointId::new())).collect();
    for phase in &journey.phases {
        let phase_id = PhaseId::new();
        ids.phases.insert(phase.key, phase_id);
        let row =
            json!({"journey_blueprint_id": journey_id, "name": phase.name, "sequence_order": phase.sequence_order});
        insert(tx, device, from, EntityKind::Phases, phase_id.as_uuid(), fields(row)).await?;
        for touchpoint in &phase.touchpoints {
            let row = touchpoint_fields(touchpoint, phase_id, ids, &ids.touchpoints)?;
            insert(tx, device, from, EntityKind::Touchpoints, ids.touchpoints[&touchpoint.key].as_uuid(), row).await?;
        }
    }
    Ok(journey_id.as_uuid())
}

/// A touchpoint's columns in the copy: its phase, its content and its rule, naming the
/// copy's touchpoints by `renamed` (a condition on one it lacks is left out).
pub(super) fn touchpoint_fields(
    touchpoint: &TouchpointSnapshot,
    phase: PhaseId,
    ids: &CopiedIds,
    renamed: &HashMap<TouchpointId, TouchpointId>,
) -> Result<super::rows::Fields, ApiError> {
    let content = ids
        .content
        .get(&touchpoint.content_key)
        .ok_or_else(|| ApiError::Internal("a snapshot's touchpoint without its content".into()))?;
    let rule = carry_rule(touchpoint.rule_logic.as_ref(), renamed)
        .map_err(|e| ApiError::Internal(format!("a snapshot's rule: {e}")))?;
    Ok(fields(json!({"phase_id": phase, "content_id": content, "rule_logic": rule})))
}

//! Copying a licensed version into the licensee's organization, in one transaction
//! scoped to the licensee (so every row written is its own, by row-level security): each
//! content item with its media file and quiz, then the journey, its phases and its
//! touchpoints (their rules renamed to the copy's touchpoints), every row with new ids and
//! keeping its listing and version (`source_*`, following the listing). The rows reach
//! the licensee's devices by the ordinary pull; each goes to the audit trail as the
//! administrator's.

use super::licenses::one;
use super::{listing_of, listing_row, Tx};
use crate::audit::audit;
use crate::auth::AuthenticatedDevice;
use crate::error::ApiError;
use crate::extract::Segment;
use crate::state::AppState;
use crate::tenant;
use axum::extract::State;
use axum::http::StatusCode;
use axum::Json;
use serde_json::{json, Value};
use sqlx::Row;
use std::collections::HashMap;
use stride_domain::marketplace::*;
use stride_domain::media::MEDIA_PATH;
use stride_domain::*;

/// Where every copied row came from.
#[derive(Clone, Copy)]
struct Origin {
    listing: ListingId,
    version: i32,
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
    let license = one(&mut tx, org, LicenseId::from_uuid(license_id)).await?;
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
    let version =
        sqlx::query("SELECT number, snapshot FROM listing_versions WHERE listing_id = $1 ORDER BY number DESC LIMIT 1")
            .bind(listing.id.as_uuid())
            .fetch_one(&mut *tx)
            .await?;
    let snapshot: Snapshot = serde_json::from_value(version.get("snapshot"))
        .map_err(|e| ApiError::Internal(format!("stored snapshot: {e}")))?;
    let from = Origin { listing: listing.id, version: version.get("number") };

    let mut content_ids = HashMap::new();
    for item in &snapshot.content {
        let id = copy_content(&mut tx, &device, from, item).await?;
        content_ids.insert(item.key, id);
    }
    let (root_id, phase_ids, touchpoint_ids) = match &snapshot.journey {
        Some(journey) => copy_journey(&mut tx, &device, from, journey, &content_ids).await?,
        None => {
            let only = snapshot.content.first().and_then(|c| content_ids.get(&c.key));
            let root = only.ok_or_else(|| ApiError::Internal("a content listing without its item".into()))?;
            (root.as_uuid(), HashMap::new(), HashMap::new())
        }
    };
    let copied_ids = json!({
        "content": content_ids.iter().map(|(k, v)| (k.to_string(), json!(v))).collect::<serde_json::Map<_, _>>(),
        "phases": phase_ids.iter().map(|(k, v)| (k.to_string(), json!(v))).collect::<serde_json::Map<_, _>>(),
        "touchpoints": touchpoint_ids.iter().map(|(k, v)| (k.to_string(), json!(v))).collect::<serde_json::Map<_, _>>(),
    });
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
        }),
    ))
}

/// Inserts one copied row, keeping the listing and version it came from (following it).
async fn insert(
    tx: &mut Tx,
    device: &AuthenticatedDevice,
    from: Origin,
    entity: EntityKind,
    id: uuid::Uuid,
    mut row: serde_json::Map<String, Value>,
) -> Result<(), ApiError> {
    row.insert("source_listing_id".into(), json!(from.listing));
    row.insert("source_version".into(), json!(from.version));
    row.insert("source_state".into(), json!(CopyState::Following));
    insert_row(tx, device, entity, id, row).await
}

/// Inserts one row of the licensee's (its columns as JSON, laid over the table's row
/// type, so the one statement serves every table) and keeps it in the audit trail.
async fn insert_row(
    tx: &mut Tx,
    device: &AuthenticatedDevice,
    entity: EntityKind,
    id: uuid::Uuid,
    mut row: serde_json::Map<String, Value>,
) -> Result<(), ApiError> {
    row.insert("id".into(), json!(id));
    row.insert("organization_id".into(), json!(device.organization_id));
    let table = entity.table();
    // The names are this file's own (each table's columns), never a request's.
    let list = row.keys().map(String::as_str).collect::<Vec<_>>().join(", ");
    let fields: Value = sqlx::query_scalar(sqlx::AssertSqlSafe(format!(
        "INSERT INTO {table} ({list}) SELECT {list} FROM jsonb_populate_record(NULL::{table}, $1)
         RETURNING to_jsonb({table}) - 'version' - 'field_hlc' - 'deleted_at'"
    )))
    .bind(Value::Object(row))
    .fetch_one(&mut **tx)
    .await?;
    audit(tx, device, entity, id, fields).await
}

/// A content item, with its media file (a file of the licensee's server now) and quiz.
async fn copy_content(
    tx: &mut Tx,
    device: &AuthenticatedDevice,
    from: Origin,
    item: &ContentSnapshot,
) -> Result<ContentId, ApiError> {
    let media_url = match &item.media {
        Some(media) => Some(copy_media(tx, device.organization_id, from.listing, media).await?),
        None => item.media_url.clone(),
    };
    let id = ContentId::new();
    let row = json!({
        "type": item.content_type, "title": item.title, "description": item.description, "media_url": media_url,
    });
    insert(tx, device, from, EntityKind::Content, id.as_uuid(), as_map(row)).await?;
    if let Some(definition) = &item.quiz {
        // Its questions as the organization's first version (quiz versions keep no source:
        // the content item they belong to does).
        let row =
            json!({"content_id": id, "version_number": 1, "definition": definition, "created_by": device.user_id});
        insert_row(tx, device, EntityKind::QuizVersions, QuizVersionId::new().as_uuid(), as_map(row)).await?;
    }
    Ok(id)
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

type JourneyIds = (uuid::Uuid, HashMap<PhaseId, PhaseId>, HashMap<TouchpointId, TouchpointId>);

/// The journey, its phases and its touchpoints, each touchpoint's rule naming the copy's
/// touchpoints.
async fn copy_journey(
    tx: &mut Tx,
    device: &AuthenticatedDevice,
    from: Origin,
    journey: &JourneySnapshot,
    content_ids: &HashMap<ContentId, ContentId>,
) -> Result<JourneyIds, ApiError> {
    let journey_id = JourneyBlueprintId::new();
    let row = json!({"title": journey.title, "purpose": journey.purpose, "created_by": device.user_id, "updated_by": device.user_id});
    insert(tx, device, from, EntityKind::JourneyBlueprints, journey_id.as_uuid(), as_map(row)).await?;
    let touchpoint_ids: HashMap<TouchpointId, TouchpointId> =
        journey.phases.iter().flat_map(|p| &p.touchpoints).map(|t| (t.key, TouchpointId::new())).collect();
    let mut phase_ids = HashMap::new();
    for phase in &journey.phases {
        let phase_id = PhaseId::new();
        phase_ids.insert(phase.key, phase_id);
        let row =
            json!({"journey_blueprint_id": journey_id, "name": phase.name, "sequence_order": phase.sequence_order});
        insert(tx, device, from, EntityKind::Phases, phase_id.as_uuid(), as_map(row)).await?;
        for touchpoint in &phase.touchpoints {
            let content = content_ids
                .get(&touchpoint.content_key)
                .ok_or_else(|| ApiError::Internal("a snapshot's touchpoint without its content".into()))?;
            let rule = carry_rule(touchpoint.rule_logic.as_ref(), &touchpoint_ids)
                .map_err(|e| ApiError::Internal(format!("a snapshot's rule: {e}")))?;
            let row = json!({"phase_id": phase_id, "content_id": content, "rule_logic": rule});
            insert(tx, device, from, EntityKind::Touchpoints, touchpoint_ids[&touchpoint.key].as_uuid(), as_map(row))
                .await?;
        }
    }
    Ok((journey_id.as_uuid(), phase_ids, touchpoint_ids))
}

fn as_map(value: Value) -> serde_json::Map<String, Value> {
    match value {
        Value::Object(map) => map,
        _ => serde_json::Map::new(),
    }
}

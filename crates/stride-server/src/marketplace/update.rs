//! A copy's later life, in the licensee's transaction: what a newer version would change
//! (`stride_domain::marketplace::compare`, with the progress kept on each touchpoint it
//! removes), applying it, and forking a forkable copy into the licensee's own.
//!
//! Applying a version changes the copy's rows in place, found by the snapshot's keys, so
//! a touchpoint that continues is the same row and keeps its workers' progress; a part
//! the version adds is inserted; a part it removes becomes a tombstone of its own (its
//! progress stays, and is no longer scheduled), and comes back if a later version has it
//! again. A license out of force (a subscription past its end) takes no update.

use super::copy::{add_quiz_version, content_fields, copy_content, touchpoint_fields, CopiedIds};
use super::licenses::one;
use super::rows::{fields, insert, remove, update, Origin};
use super::{snapshot_of, versions_since, Tx};
use crate::auth::AuthenticatedDevice;
use crate::error::ApiError;
use crate::extract::{Body, Segment};
use crate::state::AppState;
use crate::tenant;
use axum::extract::State;
use axum::Json;
use serde_json::json;
use std::collections::{HashMap, HashSet};
use stride_domain::marketplace::*;
use stride_domain::*;

/// The licensee's copy as the server keeps it.
struct HeldCopy {
    license: License,
    copy: MarketplaceCopy,
    ids: CopiedIds,
}

/// The asking organization's license and its copy, both locked until commit when the
/// copy is to be changed.
async fn held_copy(
    tx: &mut Tx,
    device: &AuthenticatedDevice,
    license_id: uuid::Uuid,
    for_update: bool,
) -> Result<HeldCopy, ApiError> {
    if !device.role.licenses() {
        return Err(ApiError::Forbidden(format!(
            "a {} does not update or fork marketplace copies: the administrators do",
            device.role
        )));
    }
    let org = device.organization_id;
    let license = one(tx, org, LicenseId::from_uuid(license_id), for_update).await?;
    if license.licensee_organization_id != org {
        return Err(ApiError::Missing("no such license held by this organization".into()));
    }
    let copy = license
        .copy
        .clone()
        .ok_or_else(|| ApiError::Missing(format!("{} is not copied in yet", license.listing_title)))?;
    let lock = if for_update { " FOR UPDATE" } else { "" };
    let stored: serde_json::Value = sqlx::query_scalar(sqlx::AssertSqlSafe(format!(
        "SELECT copied_ids FROM marketplace_copies WHERE organization_id = $1 AND id = $2{lock}"
    )))
    .bind(org.as_uuid())
    .bind(copy.id.as_uuid())
    .fetch_one(&mut **tx)
    .await?;
    let ids = serde_json::from_value(stored).map_err(|e| ApiError::Internal(format!("stored copied ids: {e}")))?;
    Ok(HeldCopy { license, copy, ids })
}

/// What the newest version would change in this organization's copy.
#[utoipa::path(get, path = "/v1/marketplace/licenses/{license_id}/update", security(("device" = [])),
    params(("license_id" = uuid::Uuid, Path, description = "the organization's license")),
    responses(
        (status = 200, description = "the changes since the copy's version (none when it is up to date)", body = CopyUpdate),
        (status = 401, description = "unauthenticated, device_revoked or user_deactivated", body = stride_domain::api::ErrorBody),
        (status = 403, description = "forbidden: only the licensee's administrators update copies", body = stride_domain::api::ErrorBody),
        (status = 404, description = "not_found: no such license held, or nothing copied in yet", body = stride_domain::api::ErrorBody),
        crate::error::AnyOtherError,
))]
pub(crate) async fn preview(
    State(state): State<AppState>,
    device: AuthenticatedDevice,
    Segment(license_id): Segment<uuid::Uuid>,
) -> Result<Json<CopyUpdate>, ApiError> {
    let mut tx = tenant::begin(&state.pool, device.organization_id).await?;
    let held = held_copy(&mut tx, &device, license_id, false).await?;
    let from = held.copy.version as i32;
    let newer = if held.copy.forked { Vec::new() } else { versions_since(&mut tx, held.copy.listing_id, from).await? };
    let (to_version, changes) = match newer.first() {
        None => (held.copy.version, Vec::new()),
        Some((newest, snapshot)) => {
            let copied = snapshot_of(&mut tx, held.copy.listing_id, from).await?;
            let mut changes = compare(&copied, snapshot);
            for change in
                changes.iter_mut().filter(|c| c.part == SnapshotPart::Touchpoint && c.change == PartChange::Removed)
            {
                let copied = change.key.and_then(|key| held.ids.touchpoints.get(&TouchpointId::from_uuid(key)));
                change.progress_kept = match copied {
                    Some(id) => Some(workers_with_progress(&mut tx, device.organization_id, *id).await?),
                    None => Some(0),
                };
            }
            (newest.number, changes)
        }
    };
    tx.commit().await?;
    Ok(Json(CopyUpdate {
        license_id: held.license.id,
        from_version: held.copy.version,
        to_version,
        versions: newer.into_iter().map(|(info, _)| info).collect(),
        changes,
    }))
}

/// How many of the organization's workers have progress recorded on a touchpoint.
async fn workers_with_progress(tx: &mut Tx, org: OrganizationId, touchpoint: TouchpointId) -> Result<u32, ApiError> {
    let workers: i64 = sqlx::query_scalar(
        "SELECT count(DISTINCT a.worker_id) FROM worker_progress p
         JOIN worker_assignments a ON a.organization_id = p.organization_id AND a.id = p.worker_assignment_id
         WHERE p.organization_id = $1 AND p.touchpoint_id = $2 AND p.deleted_at IS NULL",
    )
    .bind(org.as_uuid())
    .bind(touchpoint.as_uuid())
    .fetch_one(&mut **tx)
    .await?;
    Ok(workers as u32)
}

/// Apply a newer version to the organization's copy: the one previewed.
#[utoipa::path(post, path = "/v1/marketplace/licenses/{license_id}/update", security(("device" = [])), request_body = ApplyUpdate,
    params(("license_id" = uuid::Uuid, Path, description = "the organization's license")),
    responses(
        (status = 200, description = "applied: the changed rows reach this organization's devices at their next sync", body = MarketplaceCopy),
        (status = 401, description = "unauthenticated, device_revoked or user_deactivated", body = stride_domain::api::ErrorBody),
        (status = 403, description = "forbidden: only the licensee's administrators update copies", body = stride_domain::api::ErrorBody),
        (status = 404, description = "not_found: no such license held, nothing copied in yet, or no such version", body = stride_domain::api::ErrorBody),
        (status = 409, description = "license_not_in_force (past its end), copy_forked, or already_exists (the copy holds that version or a newer one)", body = stride_domain::api::ErrorBody),
        crate::extract::BodyRefusals,
        crate::error::AnyOtherError,
))]
pub(crate) async fn apply(
    State(state): State<AppState>,
    device: AuthenticatedDevice,
    Segment(license_id): Segment<uuid::Uuid>,
    Body(request): Body<ApplyUpdate>,
) -> Result<Json<MarketplaceCopy>, ApiError> {
    let mut tx = tenant::begin(&state.pool, device.organization_id).await?;
    let mut held = held_copy(&mut tx, &device, license_id, true).await?;
    let title = held.license.listing_title.clone();
    if !held.license.in_force {
        return Err(ApiError::Conflict {
            code: ErrorCode::LicenseNotInForce,
            message: format!("the license to {title} is not in force: its copy takes no more updates"),
        });
    }
    if held.copy.forked {
        return Err(ApiError::Conflict {
            code: ErrorCode::CopyForked,
            message: format!("the copy of {title} was forked: it is this organization's own and takes no updates"),
        });
    }
    if request.version <= held.copy.version {
        return Err(ApiError::Conflict {
            code: ErrorCode::AlreadyExists,
            message: format!("the copy of {title} holds version {} already", held.copy.version),
        });
    }
    let version = i32::try_from(request.version).map_err(|_| ApiError::Missing("no such version".into()))?;
    let before = snapshot_of(&mut tx, held.copy.listing_id, held.copy.version as i32).await?;
    let after = snapshot_of(&mut tx, held.copy.listing_id, version).await?;
    let from = Origin { listing: held.copy.listing_id, version };
    apply_version(&mut tx, &device, from, &held.copy, &before, &after, &mut held.ids).await?;
    let copied_ids = serde_json::to_value(&held.ids).map_err(|e| ApiError::Internal(format!("copied ids: {e}")))?;
    sqlx::query(
        "UPDATE marketplace_copies SET version = $3, copied_ids = $4, updated_at = now(), updated_by = $5
         WHERE organization_id = $1 AND id = $2",
    )
    .bind(device.organization_id.as_uuid())
    .bind(held.copy.id.as_uuid())
    .bind(version)
    .bind(copied_ids)
    .bind(device.user_id.as_uuid())
    .execute(&mut *tx)
    .await?;
    tx.commit().await?;
    tracing::info!(copy.id = %held.copy.id, from = held.copy.version, to = version, "marketplace copy updated");
    Ok(Json(MarketplaceCopy { version: request.version, ..held.copy }))
}

/// Brings the copy's rows from `before` to `after`.
async fn apply_version(
    tx: &mut Tx,
    device: &AuthenticatedDevice,
    from: Origin,
    copy: &MarketplaceCopy,
    before: &Snapshot,
    after: &Snapshot,
    ids: &mut CopiedIds,
) -> Result<(), ApiError> {
    for item in &after.content {
        match ids.content.get(&item.key).copied() {
            None => {
                let id = copy_content(tx, device, from, item).await?;
                ids.content.insert(item.key, id);
            }
            Some(id) => {
                let row = content_fields(tx, device, from, item).await?;
                update(tx, device, from, EntityKind::Content, id.as_uuid(), row).await?;
                let was = before.content.iter().find(|c| c.key == item.key).and_then(|c| c.quiz.as_ref());
                if let Some(definition) = item.quiz.as_ref().filter(|quiz| was != Some(*quiz)) {
                    add_quiz_version(tx, device, id, definition).await?;
                }
            }
        }
    }
    if let Some(journey) = &after.journey {
        let row = fields(json!({"title": journey.title, "purpose": journey.purpose, "updated_by": device.user_id}));
        update(tx, device, from, EntityKind::JourneyBlueprints, copy.root_id, row).await?;
        // Every touchpoint of the newer version, by its key: the copy's row, or a new one.
        let kept: HashMap<TouchpointId, TouchpointId> = journey
            .phases
            .iter()
            .flat_map(|p| &p.touchpoints)
            .map(|t| (t.key, ids.touchpoints.get(&t.key).copied().unwrap_or_else(TouchpointId::new)))
            .collect();
        for phase in &journey.phases {
            let row = json!({"journey_blueprint_id": copy.root_id, "name": phase.name, "sequence_order": phase.sequence_order});
            let phase_id = match ids.phases.get(&phase.key).copied() {
                Some(id) => {
                    update(tx, device, from, EntityKind::Phases, id.as_uuid(), fields(row)).await?;
                    id
                }
                None => {
                    let id = PhaseId::new();
                    insert(tx, device, from, EntityKind::Phases, id.as_uuid(), fields(row)).await?;
                    ids.phases.insert(phase.key, id);
                    id
                }
            };
            for touchpoint in &phase.touchpoints {
                let row = touchpoint_fields(touchpoint, phase_id, ids, &kept)?;
                let id = kept[&touchpoint.key];
                if ids.touchpoints.insert(touchpoint.key, id).is_some() {
                    update(tx, device, from, EntityKind::Touchpoints, id.as_uuid(), row).await?;
                } else {
                    insert(tx, device, from, EntityKind::Touchpoints, id.as_uuid(), row).await?;
                }
            }
        }
        for (key, id) in &ids.touchpoints {
            if !kept.contains_key(key) {
                remove(tx, device, EntityKind::Touchpoints, id.as_uuid()).await?;
            }
        }
        let phases: HashSet<PhaseId> = journey.phases.iter().map(|p| p.key).collect();
        for (key, id) in &ids.phases {
            if !phases.contains(key) {
                remove(tx, device, EntityKind::Phases, id.as_uuid()).await?;
            }
        }
    }
    // A content item the newer version no longer has goes, unless a live touchpoint
    // (one of the organization's own journeys) still shows it.
    let content: HashSet<ContentId> = after.content.iter().map(|c| c.key).collect();
    for (key, id) in &ids.content {
        if !content.contains(key) && !shown(tx, device.organization_id, *id).await? {
            remove(tx, device, EntityKind::Content, id.as_uuid()).await?;
        }
    }
    Ok(())
}

/// Whether a live touchpoint shows the content item.
async fn shown(tx: &mut Tx, org: OrganizationId, content: ContentId) -> Result<bool, ApiError> {
    Ok(sqlx::query_scalar(
        "SELECT EXISTS (SELECT 1 FROM touchpoints WHERE organization_id = $1 AND content_id = $2 AND deleted_at IS NULL)",
    )
    .bind(org.as_uuid())
    .bind(content.as_uuid())
    .fetch_one(&mut **tx)
    .await?)
}

/// Make a forkable copy the organization's own: every copied row forked, edited freely,
/// taking no more updates.
#[utoipa::path(post, path = "/v1/marketplace/licenses/{license_id}/fork", security(("device" = [])),
    params(("license_id" = uuid::Uuid, Path, description = "the organization's license")),
    responses(
        (status = 200, description = "forked: the rows reach this organization's devices at their next sync", body = MarketplaceCopy),
        (status = 401, description = "unauthenticated, device_revoked or user_deactivated", body = stride_domain::api::ErrorBody),
        (status = 403, description = "forbidden: only the licensee's administrators fork copies", body = stride_domain::api::ErrorBody),
        (status = 404, description = "not_found: no such license held, or nothing copied in yet", body = stride_domain::api::ErrorBody),
        (status = 409, description = "copy_locked (the license gives a locked copy), license_not_in_force, or copy_forked (forked already)", body = stride_domain::api::ErrorBody),
        crate::error::AnyOtherError,
))]
pub(crate) async fn fork(
    State(state): State<AppState>,
    device: AuthenticatedDevice,
    Segment(license_id): Segment<uuid::Uuid>,
) -> Result<Json<MarketplaceCopy>, ApiError> {
    let org = device.organization_id;
    let mut tx = tenant::begin(&state.pool, org).await?;
    let held = held_copy(&mut tx, &device, license_id, true).await?;
    let title = &held.license.listing_title;
    let listing = super::listing_of(&super::listing_row(&mut tx, org, held.copy.listing_id, false).await?)?;
    if listing.copies == CopyPolicy::Locked {
        return Err(ApiError::Conflict {
            code: ErrorCode::CopyLocked,
            message: format!("{title} is licensed as a locked copy: it follows the listing and is not forked"),
        });
    }
    if !held.license.in_force {
        return Err(ApiError::Conflict {
            code: ErrorCode::LicenseNotInForce,
            message: format!("the license to {title} is not in force: its copy cannot be forked"),
        });
    }
    if held.copy.forked {
        return Err(ApiError::Conflict { code: ErrorCode::CopyForked, message: format!("{title} is forked already") });
    }
    let stamp = crate::audit::server_stamp(&device).to_string();
    for entity in [EntityKind::Content, EntityKind::JourneyBlueprints, EntityKind::Phases, EntityKind::Touchpoints] {
        let table = entity.table();
        // Tombstones too: a part a later edit brings back is the organization's own.
        let forked: Vec<uuid::Uuid> = sqlx::query_scalar(sqlx::AssertSqlSafe(format!(
            "UPDATE {table} t SET source_state = $3, field_hlc = t.field_hlc || jsonb_build_object('source_state', $4::text)
             WHERE t.organization_id = $1 AND t.source_listing_id = $2 AND t.source_state IS DISTINCT FROM $3
             RETURNING t.id"
        )))
        .bind(org.as_uuid())
        .bind(held.copy.listing_id.as_uuid())
        .bind(CopyState::Forked.as_str())
        .bind(&stamp)
        .fetch_all(&mut *tx)
        .await?;
        for id in forked {
            crate::audit::audit(&mut tx, &device, entity, id, json!({"source_state": CopyState::Forked})).await?;
        }
    }
    sqlx::query(
        "UPDATE marketplace_copies SET forked_at = now(), updated_by = $3 WHERE organization_id = $1 AND id = $2",
    )
    .bind(org.as_uuid())
    .bind(held.copy.id.as_uuid())
    .bind(device.user_id.as_uuid())
    .execute(&mut *tx)
    .await?;
    tx.commit().await?;
    tracing::info!(copy.id = %held.copy.id, "marketplace copy forked");
    Ok(Json(MarketplaceCopy { forked: true, ..held.copy }))
}

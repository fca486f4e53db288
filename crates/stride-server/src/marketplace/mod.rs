//! The marketplace's routes (`stride_domain::marketplace` holds their bodies and rules):
//! listings here (publish, a new version, change or withdraw, the catalog, a listing's
//! page), licenses in `licenses.rs`, copying a licensed version in `copy.rs` (the rows it
//! writes in `rows.rs`), updating and forking a copy in `update.rs`, how a listing is used
//! in `usage.rs`, and the snapshot a version holds in `snapshot.rs`.
//!
//! Every route runs in a transaction scoped to the asking organization, and the tables'
//! row-level security (server migration 15) decides what it may see and write: the
//! catalog of published listings for everyone, a listing's versions as far as the listing
//! is visible, a license for its two parties only, a copy for its licensee only. The
//! routes check roles and say why something is refused; the database holds the line.

pub(crate) mod copy;
pub(crate) mod licenses;
mod rows;
mod snapshot;
pub(crate) mod update;
pub(crate) mod usage;

pub(crate) use copy::copy;
pub(crate) use licenses::{decide, licenses, request_license};

use crate::auth::AuthenticatedDevice;
use crate::error::ApiError;
use crate::extract::{Body, Params, Segment};
use crate::state::AppState;
use crate::tenant;
use axum::extract::State;
use axum::http::StatusCode;
use axum::Json;
use sqlx::postgres::PgRow;
use sqlx::{Postgres, Row, Transaction};
use stride_domain::marketplace::*;
use stride_domain::*;

type Tx = Transaction<'static, Postgres>;

/// The most listings one catalog answer holds.
const CATALOG_LIMIT: usize = 500;

fn invalid(problems: Vec<stride_domain::problem::ValidationError>) -> ApiError {
    ApiError::BadRequest(problems.iter().map(ToString::to_string).collect::<Vec<_>>().join("; "))
}

/// The asking organization's name and type.
async fn organization(tx: &mut Tx, org: OrganizationId) -> Result<(String, OrganizationType), ApiError> {
    let row = sqlx::query("SELECT name, type FROM organizations WHERE id = $1")
        .bind(org.as_uuid())
        .fetch_one(&mut **tx)
        .await?;
    let kind = row.get::<String, _>("type").parse().map_err(|e| ApiError::Internal(format!("stored type: {e}")))?;
    Ok((row.get("name"), kind))
}

/// The publisher's name, when the device's role publishes for an expert organization.
async fn require_publisher(tx: &mut Tx, device: &AuthenticatedDevice) -> Result<String, ApiError> {
    if !device.role.publishes() {
        return Err(ApiError::Forbidden(format!("a {} does not publish to the marketplace", device.role)));
    }
    match organization(tx, device.organization_id).await? {
        (name, OrganizationType::Expert) => Ok(name),
        (_, OrganizationType::Client) => {
            Err(ApiError::Forbidden("only an expert organization publishes to the marketplace".into()))
        }
    }
}

const LISTING_COLUMNS: &str = "m.id, m.publisher_organization_id, m.publisher_name, m.kind, m.source_id, m.title,
    m.description, m.language, m.license_type, m.copies, m.status, m.latest_version, m.updated_at, m.terms,
    (SELECT l.status FROM marketplace_licenses l
     WHERE l.listing_id = m.id AND l.licensee_organization_id = $1) AS license_status";

fn listing_of(row: &PgRow) -> Result<Listing, ApiError> {
    let bad = |what: &str, e: String| ApiError::Internal(format!("stored listing {what}: {e}"));
    let parse = |column: &str| row.get::<String, _>(column);
    Ok(Listing {
        id: ListingId::from_uuid(row.get("id")),
        publisher_organization_id: OrganizationId::from_uuid(row.get("publisher_organization_id")),
        publisher_name: row.get("publisher_name"),
        kind: parse("kind").parse().map_err(|e| bad("kind", format!("{e}")))?,
        source_id: row.get("source_id"),
        title: row.get("title"),
        description: row.get("description"),
        language: Language::parse(&parse("language")).map_err(|e| bad("language", e.to_string()))?,
        license_type: parse("license_type").parse().map_err(|e| bad("license type", format!("{e}")))?,
        copies: parse("copies").parse().map_err(|e| bad("copies", format!("{e}")))?,
        status: parse("status").parse().map_err(|e| bad("status", format!("{e}")))?,
        latest_version: row.get::<i32, _>("latest_version") as u32,
        updated_at: Timestamp::from_datetime(row.get("updated_at")),
        license_status: row
            .get::<Option<String>, _>("license_status")
            .map(|s| s.parse())
            .transpose()
            .map_err(|e| bad("license status", format!("{e}")))?,
    })
}

/// A listing the asking organization may see (`not_found` for any other), locked for
/// update when the publisher asks to change it.
async fn listing_row(tx: &mut Tx, org: OrganizationId, id: ListingId, for_update: bool) -> Result<PgRow, ApiError> {
    let lock = if for_update { " FOR UPDATE OF m" } else { "" };
    sqlx::query(sqlx::AssertSqlSafe(format!(
        "SELECT {LISTING_COLUMNS} FROM marketplace_listings m WHERE m.id = $2{lock}"
    )))
    .bind(org.as_uuid())
    .bind(id.as_uuid())
    .fetch_optional(&mut **tx)
    .await?
    .ok_or_else(|| ApiError::Missing("no such listing".into()))
}

/// A listing's page as the asking organization sees it.
async fn detail(tx: &mut Tx, org: OrganizationId, id: ListingId) -> Result<ListingDetail, ApiError> {
    let row = listing_row(tx, org, id, false).await?;
    let listing = listing_of(&row)?;
    let versions = versions_since(tx, id, 0).await?;
    let preview = versions.first().map(|(_, snapshot)| snapshot.clone());
    let preview = preview.ok_or_else(|| ApiError::Internal("a listing without a version".into()))?;
    let infos = versions.into_iter().map(|(info, _)| info).collect();
    let license = if listing.publisher_organization_id == org {
        None
    } else {
        licenses::of_licensee(tx, org, Some(id)).await?.pop()
    };
    Ok(ListingDetail { listing, terms: row.get("terms"), versions: infos, preview, license })
}

fn stored_snapshot(value: serde_json::Value) -> Result<Snapshot, ApiError> {
    serde_json::from_value(value).map_err(|e| ApiError::Internal(format!("stored snapshot: {e}")))
}

/// The listing's versions after `after`, newest first, each with its snapshot.
async fn versions_since(tx: &mut Tx, id: ListingId, after: i32) -> Result<Vec<(ListingVersion, Snapshot)>, ApiError> {
    let rows = sqlx::query(
        "SELECT number, notes, published_at, snapshot FROM listing_versions
         WHERE listing_id = $1 AND number > $2 ORDER BY number DESC",
    )
    .bind(id.as_uuid())
    .bind(after)
    .fetch_all(&mut **tx)
    .await?;
    rows.into_iter()
        .map(|row| {
            let snapshot = stored_snapshot(row.get("snapshot"))?;
            let info = ListingVersion {
                number: row.get::<i32, _>("number") as u32,
                notes: row.get("notes"),
                published_at: Timestamp::from_datetime(row.get("published_at")),
                counts: snapshot.counts(),
            };
            Ok((info, snapshot))
        })
        .collect()
}

/// One version's snapshot (`not_found` when the listing has no such version).
async fn snapshot_of(tx: &mut Tx, id: ListingId, number: i32) -> Result<Snapshot, ApiError> {
    let snapshot = sqlx::query_scalar("SELECT snapshot FROM listing_versions WHERE listing_id = $1 AND number = $2")
        .bind(id.as_uuid())
        .bind(number)
        .fetch_optional(&mut **tx)
        .await?
        .ok_or_else(|| ApiError::Missing(format!("the listing has no version {number}")))?;
    stored_snapshot(snapshot)
}

/// Takes the snapshot of the listing's source as it is now and keeps it as the next
/// version.
async fn publish_version(
    tx: &mut Tx,
    device: &AuthenticatedDevice,
    listing: ListingId,
    kind: ListingKind,
    source: uuid::Uuid,
    notes: Option<String>,
) -> Result<u32, ApiError> {
    let snapshot = snapshot::take(tx, device.organization_id, listing, kind, source).await?;
    let number: i32 = sqlx::query_scalar(
        "UPDATE marketplace_listings SET latest_version = latest_version + 1, updated_at = now()
         WHERE id = $1 RETURNING latest_version",
    )
    .bind(listing.as_uuid())
    .fetch_one(&mut **tx)
    .await?;
    let snapshot = serde_json::to_value(&snapshot).map_err(|e| ApiError::Internal(format!("snapshot: {e}")))?;
    sqlx::query(
        "INSERT INTO listing_versions (listing_id, number, publisher_organization_id, snapshot, notes, published_by)
         VALUES ($1, $2, $3, $4, $5, $6)",
    )
    .bind(listing.as_uuid())
    .bind(number)
    .bind(device.organization_id.as_uuid())
    .bind(snapshot)
    .bind(notes)
    .bind(device.user_id.as_uuid())
    .execute(&mut **tx)
    .await?;
    Ok(number as u32)
}

/// Publish a journey or content item as a new listing (version 1).
#[utoipa::path(post, path = "/v1/marketplace/listings", security(("device" = [])), request_body = NewListing, responses(
        (status = 201, description = "published as version 1", body = ListingDetail),
        (status = 400, description = "invalid_request: a field does not read, the journey has no touchpoints, or a media file is missing", body = stride_domain::api::ErrorBody),
        (status = 401, description = "unauthenticated, device_revoked or user_deactivated", body = stride_domain::api::ErrorBody),
        (status = 403, description = "forbidden: only an expert organization's authors publish", body = stride_domain::api::ErrorBody),
        (status = 404, description = "not_found: no such journey or content item in this organization", body = stride_domain::api::ErrorBody),
        (status = 409, description = "already_exists: it is listed already (publish a new version of that listing)", body = stride_domain::api::ErrorBody),
        crate::extract::BodyRefusals,
        crate::error::AnyOtherError,
))]
pub(crate) async fn publish(
    State(state): State<AppState>,
    device: AuthenticatedDevice,
    Body(request): Body<NewListing>,
) -> Result<(StatusCode, Json<ListingDetail>), ApiError> {
    let (fields, notes) = request.validate().map_err(invalid)?;
    let mut tx = tenant::begin(&state.pool, device.organization_id).await?;
    let publisher_name = require_publisher(&mut tx, &device).await?;
    let id = ListingId::new();
    let inserted = sqlx::query(
        "INSERT INTO marketplace_listings (id, publisher_organization_id, publisher_name, kind, source_id, title,
           description, language, license_type, terms, copies, created_by)
         VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12)",
    )
    .bind(id.as_uuid())
    .bind(device.organization_id.as_uuid())
    .bind(&publisher_name)
    .bind(request.kind.as_str())
    .bind(request.source_id)
    .bind(fields.title.as_str())
    .bind(&fields.description)
    .bind(fields.language.as_str())
    .bind(fields.license_type.as_str())
    .bind(&fields.terms)
    .bind(fields.copies.as_str())
    .bind(device.user_id.as_uuid())
    .execute(&mut *tx)
    .await;
    match inserted {
        Err(sqlx::Error::Database(db)) if db.code().as_deref() == Some("23505") => {
            return Err(ApiError::Conflict {
                code: ErrorCode::AlreadyExists,
                message: format!("this {} is listed already: publish a new version of its listing", request.kind),
            })
        }
        other => other?,
    };
    publish_version(&mut tx, &device, id, request.kind, request.source_id, notes).await?;
    let detail = detail(&mut tx, device.organization_id, id).await?;
    tx.commit().await?;
    tracing::info!(listing.id = %id, by.user = %device.user_id, "listing published");
    Ok((StatusCode::CREATED, Json(detail)))
}

/// Publish the listing's journey or content item as it is now, as its next version.
#[utoipa::path(post, path = "/v1/marketplace/listings/{listing_id}/versions", security(("device" = [])), request_body = NewVersion,
    params(("listing_id" = uuid::Uuid, Path, description = "the listing")),
    responses(
        (status = 201, description = "the listing with its new version", body = ListingDetail),
        (status = 400, description = "invalid_request: the notes do not read, the journey has no touchpoints, or a media file is missing", body = stride_domain::api::ErrorBody),
        (status = 401, description = "unauthenticated, device_revoked or user_deactivated", body = stride_domain::api::ErrorBody),
        (status = 403, description = "forbidden: only the publisher's authors publish", body = stride_domain::api::ErrorBody),
        (status = 404, description = "not_found: no such listing of this organization, or its source was deleted", body = stride_domain::api::ErrorBody),
        crate::extract::BodyRefusals,
        crate::error::AnyOtherError,
))]
pub(crate) async fn new_version(
    State(state): State<AppState>,
    device: AuthenticatedDevice,
    Segment(listing_id): Segment<uuid::Uuid>,
    Body(request): Body<NewVersion>,
) -> Result<(StatusCode, Json<ListingDetail>), ApiError> {
    let notes = request.validate().map_err(invalid)?;
    let id = ListingId::from_uuid(listing_id);
    let mut tx = tenant::begin(&state.pool, device.organization_id).await?;
    require_publisher(&mut tx, &device).await?;
    let listing = listing_of(&owned_listing(&mut tx, &device, id).await?)?;
    publish_version(&mut tx, &device, id, listing.kind, listing.source_id, notes).await?;
    let detail = detail(&mut tx, device.organization_id, id).await?;
    tx.commit().await?;
    tracing::info!(listing.id = %id, version = detail.listing.latest_version, "listing version published");
    Ok((StatusCode::CREATED, Json(detail)))
}

/// The publisher's own listing, locked for a change (another organization's is `not_found`).
async fn owned_listing(tx: &mut Tx, device: &AuthenticatedDevice, id: ListingId) -> Result<PgRow, ApiError> {
    let row = listing_row(tx, device.organization_id, id, true).await?;
    if row.get::<uuid::Uuid, _>("publisher_organization_id") != device.organization_id.as_uuid() {
        return Err(ApiError::Missing("no such listing of this organization".into()));
    }
    Ok(row)
}

/// Change a listing's description and terms, withdraw it, or publish it again.
#[utoipa::path(patch, path = "/v1/marketplace/listings/{listing_id}", security(("device" = [])), request_body = ListingUpdate,
    params(("listing_id" = uuid::Uuid, Path, description = "the listing")),
    responses(
        (status = 200, description = "the listing as it is now", body = ListingDetail),
        (status = 400, description = "invalid_request: a field does not read", body = stride_domain::api::ErrorBody),
        (status = 401, description = "unauthenticated, device_revoked or user_deactivated", body = stride_domain::api::ErrorBody),
        (status = 403, description = "forbidden: only the publisher's authors change a listing", body = stride_domain::api::ErrorBody),
        (status = 404, description = "not_found: no such listing of this organization", body = stride_domain::api::ErrorBody),
        crate::extract::BodyRefusals,
        crate::error::AnyOtherError,
))]
pub(crate) async fn update(
    State(state): State<AppState>,
    device: AuthenticatedDevice,
    Segment(listing_id): Segment<uuid::Uuid>,
    Body(request): Body<ListingUpdate>,
) -> Result<Json<ListingDetail>, ApiError> {
    let id = ListingId::from_uuid(listing_id);
    let mut tx = tenant::begin(&state.pool, device.organization_id).await?;
    require_publisher(&mut tx, &device).await?;
    let row = owned_listing(&mut tx, &device, id).await?;
    let listing = listing_of(&row)?;
    let before = ListingFields {
        title: Name::parse(&listing.title).map_err(|e| ApiError::Internal(format!("stored title: {e}")))?,
        description: listing.description.clone(),
        language: listing.language.clone(),
        license_type: listing.license_type,
        terms: row.get("terms"),
        copies: listing.copies,
    };
    let fields = request.apply(before).map_err(invalid)?;
    let status = request.status.unwrap_or(listing.status);
    sqlx::query(
        "UPDATE marketplace_listings SET title = $2, description = $3, language = $4, license_type = $5, terms = $6,
           status = $7, withdrawn_at = CASE WHEN $7 = 'withdrawn' THEN coalesce(withdrawn_at, now()) END, updated_at = now()
         WHERE id = $1",
    )
    .bind(id.as_uuid())
    .bind(fields.title.as_str())
    .bind(&fields.description)
    .bind(fields.language.as_str())
    .bind(fields.license_type.as_str())
    .bind(&fields.terms)
    .bind(status.as_str())
    .execute(&mut *tx)
    .await?;
    let detail = detail(&mut tx, device.organization_id, id).await?;
    tx.commit().await?;
    tracing::info!(listing.id = %id, listing.status = %status, "listing changed");
    Ok(Json(detail))
}

/// The catalog: published listings, newest first, filtered; or, with `mine`, the asking
/// organization's own listings, withdrawn ones too.
#[utoipa::path(get, path = "/v1/marketplace/listings", security(("device" = [])), params(CatalogQuery), responses(
        (status = 200, description = "at most 500 listings", body = Catalog),
        (status = 400, description = "invalid_request: the language does not read, or a parameter is unknown", body = stride_domain::api::ErrorBody),
        (status = 401, description = "unauthenticated, device_revoked or user_deactivated", body = stride_domain::api::ErrorBody),
        crate::error::AnyOtherError,
))]
pub(crate) async fn catalog(
    State(state): State<AppState>,
    device: AuthenticatedDevice,
    Params(query): Params<CatalogQuery>,
) -> Result<Json<Catalog>, ApiError> {
    let language = query.language().map_err(|e| ApiError::BadRequest(format!("language {e}")))?;
    let mut tx = tenant::begin(&state.pool, device.organization_id).await?;
    let rows = sqlx::query(sqlx::AssertSqlSafe(format!(
        "SELECT {LISTING_COLUMNS} FROM marketplace_listings m
         WHERE CASE WHEN $2 THEN m.publisher_organization_id = $1 ELSE m.status = 'published' END
         ORDER BY m.updated_at DESC, m.title, m.id"
    )))
    .bind(device.organization_id.as_uuid())
    .bind(query.mine.unwrap_or(false))
    .fetch_all(&mut *tx)
    .await?;
    tx.commit().await?;
    let mut listings = Vec::new();
    for row in &rows {
        let listing = listing_of(row)?;
        if query.matches(&listing, language.as_ref()) {
            listings.push(listing);
        }
        if listings.len() == CATALOG_LIMIT {
            break;
        }
    }
    Ok(Json(Catalog { listings }))
}

/// A listing's page: its terms, versions, a preview of the latest, and the asking
/// organization's license.
#[utoipa::path(get, path = "/v1/marketplace/listings/{listing_id}", security(("device" = [])),
    params(("listing_id" = uuid::Uuid, Path, description = "the listing")),
    responses(
        (status = 200, description = "the listing", body = ListingDetail),
        (status = 401, description = "unauthenticated, device_revoked or user_deactivated", body = stride_domain::api::ErrorBody),
        (status = 404, description = "not_found: no such listing this organization may see", body = stride_domain::api::ErrorBody),
        crate::error::AnyOtherError,
))]
pub(crate) async fn listing(
    State(state): State<AppState>,
    device: AuthenticatedDevice,
    Segment(listing_id): Segment<uuid::Uuid>,
) -> Result<Json<ListingDetail>, ApiError> {
    let mut tx = tenant::begin(&state.pool, device.organization_id).await?;
    let detail = detail(&mut tx, device.organization_id, ListingId::from_uuid(listing_id)).await?;
    tx.commit().await?;
    Ok(Json(detail))
}

//! Licenses: a client organization's administrator asks for one (a free listing's is
//! active at once), its publisher's administrator grants it (with seats, a last day and
//! terms) or declines it, and each party lists its own. Row-level security shows a
//! license to exactly its two parties, and the `license_rules` trigger keeps what it may
//! become (server migration 15).

use super::{invalid, listing_of, listing_row, organization, Tx};
use crate::auth::AuthenticatedDevice;
use crate::error::ApiError;
use crate::extract::{Body, Segment};
use crate::state::AppState;
use crate::tenant;
use axum::extract::State;
use axum::http::StatusCode;
use axum::Json;
use sqlx::postgres::PgRow;
use sqlx::Row;
use stride_domain::marketplace::*;
use stride_domain::*;

fn require_licensing(device: &AuthenticatedDevice) -> Result<(), ApiError> {
    if device.role.licenses() {
        Ok(())
    } else {
        Err(ApiError::Forbidden(format!(
            "a {} does not license listings: the organization's administrators do",
            device.role
        )))
    }
}

/// Today, by the server's clock (a license's last day is a date).
fn today() -> chrono::NaiveDate {
    chrono::DateTime::from_timestamp_millis(crate::clock::now().millis()).unwrap_or_default().date_naive()
}

const LICENSE_COLUMNS: &str =
    "l.id, l.listing_id, m.title AS listing_title, m.license_type, l.publisher_organization_id,
    m.publisher_name, l.licensee_organization_id, l.licensee_name, l.status, l.seats, l.ends_on, l.terms, l.message,
    l.requested_at, l.decided_at, m.latest_version, m.copies, c.id AS copy_id, c.version AS copy_version,
    c.kind AS copy_kind, c.root_id, c.copied_at, c.forked_at IS NOT NULL AS copy_forked";

const LICENSE_FROM: &str = "marketplace_licenses l
    JOIN marketplace_listings m ON m.id = l.listing_id
    LEFT JOIN marketplace_copies c ON c.organization_id = l.licensee_organization_id AND c.license_id = l.id";

pub(super) fn license_of(row: &PgRow) -> Result<License, ApiError> {
    let bad = |what: &str, e: String| ApiError::Internal(format!("stored license {what}: {e}"));
    let status: LicenseStatus = row.get::<String, _>("status").parse().map_err(|e| bad("status", format!("{e}")))?;
    let ends_on: Option<chrono::NaiveDate> = row.get("ends_on");
    let latest_version = row.get::<i32, _>("latest_version") as u32;
    let in_force_today = in_force(status, ends_on, today());
    let copy = match row.get::<Option<uuid::Uuid>, _>("copy_id") {
        None => None,
        Some(id) => Some(MarketplaceCopy {
            id: MarketplaceCopyId::from_uuid(id),
            license_id: LicenseId::from_uuid(row.get("id")),
            listing_id: ListingId::from_uuid(row.get("listing_id")),
            version: row.get::<i32, _>("copy_version") as u32,
            kind: row.get::<String, _>("copy_kind").parse().map_err(|e| bad("copy kind", format!("{e}")))?,
            root_id: row.get("root_id"),
            copied_at: Timestamp::from_datetime(row.get("copied_at")),
            forked: row.get("copy_forked"),
        }),
    };
    Ok(License {
        id: LicenseId::from_uuid(row.get("id")),
        listing_id: ListingId::from_uuid(row.get("listing_id")),
        listing_title: row.get("listing_title"),
        license_type: row.get::<String, _>("license_type").parse().map_err(|e| bad("type", format!("{e}")))?,
        publisher_organization_id: OrganizationId::from_uuid(row.get("publisher_organization_id")),
        publisher_name: row.get("publisher_name"),
        licensee_organization_id: OrganizationId::from_uuid(row.get("licensee_organization_id")),
        licensee_name: row.get("licensee_name"),
        status,
        seats: row.get::<Option<i32>, _>("seats").map(|s| s as u32),
        ends_on,
        terms: row.get("terms"),
        message: row.get("message"),
        requested_at: Timestamp::from_datetime(row.get("requested_at")),
        decided_at: row.get::<Option<chrono::DateTime<chrono::Utc>>, _>("decided_at").map(Timestamp::from_datetime),
        in_force: in_force_today,
        latest_version,
        copies: row.get::<String, _>("copies").parse().map_err(|e| bad("copies", format!("{e}")))?,
        update_available: update_available(in_force_today, copy.as_ref(), latest_version),
        copy,
    })
}

/// The licenses `org` holds (of one listing, when given), newest first.
pub(super) async fn of_licensee(
    tx: &mut Tx,
    org: OrganizationId,
    listing: Option<ListingId>,
) -> Result<Vec<License>, ApiError> {
    let rows = sqlx::query(sqlx::AssertSqlSafe(format!(
        "SELECT {LICENSE_COLUMNS} FROM {LICENSE_FROM}
         WHERE l.licensee_organization_id = $1 AND ($2::uuid IS NULL OR l.listing_id = $2)
         ORDER BY l.requested_at DESC, l.id"
    )))
    .bind(org.as_uuid())
    .bind(listing.map(|l| l.as_uuid()))
    .fetch_all(&mut **tx)
    .await?;
    rows.iter().map(license_of).collect()
}

/// One license `org` is a party to (`not_found` for any other), locked until commit
/// when it is to be changed (or its copy made or changed).
pub(super) async fn one(
    tx: &mut Tx,
    org: OrganizationId,
    id: LicenseId,
    for_update: bool,
) -> Result<License, ApiError> {
    let lock = if for_update { " FOR UPDATE OF l" } else { "" };
    let row = sqlx::query(sqlx::AssertSqlSafe(format!(
        "SELECT {LICENSE_COLUMNS} FROM {LICENSE_FROM}
         WHERE l.id = $1 AND (l.licensee_organization_id = $2 OR l.publisher_organization_id = $2){lock}"
    )))
    .bind(id.as_uuid())
    .bind(org.as_uuid())
    .fetch_optional(&mut **tx)
    .await?
    .ok_or_else(|| ApiError::Missing("no such license".into()))?;
    license_of(&row)
}

/// Ask for a license to a listing: a free listing's is active at once, a paid or
/// subscription one waits for its publisher. Asking again after a decline asks anew.
#[utoipa::path(post, path = "/v1/marketplace/listings/{listing_id}/license", security(("device" = [])), request_body = LicenseRequest,
    params(("listing_id" = uuid::Uuid, Path, description = "the listing")),
    responses(
        (status = 201, description = "the license (active for a free listing) or the request", body = License),
        (status = 400, description = "invalid_request: the message does not read", body = stride_domain::api::ErrorBody),
        (status = 401, description = "unauthenticated, device_revoked or user_deactivated", body = stride_domain::api::ErrorBody),
        (status = 403, description = "forbidden: only a client organization's administrators license", body = stride_domain::api::ErrorBody),
        (status = 404, description = "not_found: no such listing this organization may see", body = stride_domain::api::ErrorBody),
        (status = 409, description = "listing_withdrawn (it takes no new license), or already_exists (licensed or asked for already)", body = stride_domain::api::ErrorBody),
        crate::extract::BodyRefusals,
        crate::error::AnyOtherError,
))]
pub(crate) async fn request_license(
    State(state): State<AppState>,
    device: AuthenticatedDevice,
    Segment(listing_id): Segment<uuid::Uuid>,
    Body(request): Body<LicenseRequest>,
) -> Result<(StatusCode, Json<License>), ApiError> {
    require_licensing(&device)?;
    let message = request.validate().map_err(invalid)?;
    let listing_id = ListingId::from_uuid(listing_id);
    let mut tx = tenant::begin(&state.pool, device.organization_id).await?;
    let (name, kind) = organization(&mut tx, device.organization_id).await?;
    if kind != OrganizationType::Client {
        return Err(ApiError::Forbidden("only a client organization licenses listings".into()));
    }
    let listing = listing_of(&listing_row(&mut tx, device.organization_id, listing_id, false).await?)?;
    if listing.status == ListingStatus::Withdrawn {
        return Err(ApiError::Conflict {
            code: ErrorCode::ListingWithdrawn,
            message: format!("{} was withdrawn by its publisher: it takes no new license", listing.title),
        });
    }
    let status =
        if listing.license_type == LicenseType::Free { LicenseStatus::Active } else { LicenseStatus::Requested };
    let held = of_licensee(&mut tx, device.organization_id, Some(listing_id)).await?.pop();
    let id = match held {
        Some(license) if license.status == LicenseStatus::Declined => {
            sqlx::query(
                "UPDATE marketplace_licenses SET status = 'requested', message = $2, requested_by = $3, requested_at = now(),
                   decided_by = NULL, decided_at = NULL
                 WHERE id = $1",
            )
            .bind(license.id.as_uuid())
            .bind(&message)
            .bind(device.user_id.as_uuid())
            .execute(&mut *tx)
            .await?;
            license.id
        }
        Some(license) => {
            return Err(ApiError::Conflict {
                code: ErrorCode::AlreadyExists,
                message: format!(
                    "{} is {} already",
                    listing.title,
                    match license.status {
                        LicenseStatus::Active => "licensed",
                        _ => "asked for",
                    }
                ),
            })
        }
        None => {
            let id = LicenseId::new();
            let active = status == LicenseStatus::Active;
            sqlx::query(
                "INSERT INTO marketplace_licenses (id, listing_id, publisher_organization_id, licensee_organization_id,
                   licensee_name, status, message, requested_by, decided_at)
                 VALUES ($1, $2, $3, $4, $5, $6, $7, $8, CASE WHEN $9 THEN now() END)",
            )
            .bind(id.as_uuid())
            .bind(listing_id.as_uuid())
            .bind(listing.publisher_organization_id.as_uuid())
            .bind(device.organization_id.as_uuid())
            .bind(&name)
            .bind(status.as_str())
            .bind(&message)
            .bind(device.user_id.as_uuid())
            .bind(active)
            .execute(&mut *tx)
            .await?;
            id
        }
    };
    let license = one(&mut tx, device.organization_id, id, false).await?;
    tx.commit().await?;
    tracing::info!(license.id = %id, listing.id = %listing_id, license.status = %license.status, "license asked for");
    Ok((StatusCode::CREATED, Json(license)))
}

/// The organization's licenses: those it holds, and those of its own listings.
#[utoipa::path(get, path = "/v1/marketplace/licenses", security(("device" = [])), responses(
        (status = 200, description = "newest first", body = Licenses),
        (status = 401, description = "unauthenticated, device_revoked or user_deactivated", body = stride_domain::api::ErrorBody),
        crate::error::AnyOtherError,
))]
pub(crate) async fn licenses(
    State(state): State<AppState>,
    device: AuthenticatedDevice,
) -> Result<Json<Licenses>, ApiError> {
    let mut tx = tenant::begin(&state.pool, device.organization_id).await?;
    let held = of_licensee(&mut tx, device.organization_id, None).await?;
    let rows = sqlx::query(sqlx::AssertSqlSafe(format!(
        "SELECT {LICENSE_COLUMNS} FROM {LICENSE_FROM}
         WHERE l.publisher_organization_id = $1 ORDER BY l.status <> 'requested', l.requested_at DESC, l.id"
    )))
    .bind(device.organization_id.as_uuid())
    .fetch_all(&mut *tx)
    .await?;
    tx.commit().await?;
    let granted = rows.iter().map(license_of).collect::<Result<_, _>>()?;
    Ok(Json(Licenses { held, granted }))
}

/// The publisher grants a request (or sets new seats, last day and terms), or declines it.
#[utoipa::path(patch, path = "/v1/marketplace/licenses/{license_id}", security(("device" = [])), request_body = LicenseDecision,
    params(("license_id" = uuid::Uuid, Path, description = "the license")),
    responses(
        (status = 200, description = "the license as decided", body = License),
        (status = 400, description = "invalid_request: the seats or terms do not read", body = stride_domain::api::ErrorBody),
        (status = 401, description = "unauthenticated, device_revoked or user_deactivated", body = stride_domain::api::ErrorBody),
        (status = 403, description = "forbidden: only the publisher's administrators decide", body = stride_domain::api::ErrorBody),
        (status = 404, description = "not_found: no such license of this organization's listings", body = stride_domain::api::ErrorBody),
        crate::extract::BodyRefusals,
        crate::error::AnyOtherError,
))]
pub(crate) async fn decide(
    State(state): State<AppState>,
    device: AuthenticatedDevice,
    Segment(license_id): Segment<uuid::Uuid>,
    Body(decision): Body<LicenseDecision>,
) -> Result<Json<License>, ApiError> {
    require_licensing(&device)?;
    let terms = decision.validate().map_err(invalid)?;
    let id = LicenseId::from_uuid(license_id);
    let mut tx = tenant::begin(&state.pool, device.organization_id).await?;
    let license = one(&mut tx, device.organization_id, id, true).await?;
    if license.publisher_organization_id != device.organization_id {
        return Err(ApiError::Forbidden("a license is decided by its listing's publisher".into()));
    }
    let status = if decision.grant { LicenseStatus::Active } else { LicenseStatus::Declined };
    sqlx::query(
        "UPDATE marketplace_licenses SET status = $2, seats = $3, ends_on = $4, terms = $5, decided_by = $6, decided_at = now()
         WHERE id = $1",
    )
    .bind(id.as_uuid())
    .bind(status.as_str())
    .bind(decision.seats.map(|s| s as i32))
    .bind(decision.ends_on)
    .bind(&terms)
    .bind(device.user_id.as_uuid())
    .execute(&mut *tx)
    .await?;
    let license = one(&mut tx, device.organization_id, id, false).await?;
    tx.commit().await?;
    tracing::info!(license.id = %id, license.status = %status, by.user = %device.user_id, "license decided");
    Ok(Json(license))
}

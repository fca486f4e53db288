//! The organization's staff and settings, managed by its administrators (`org_admin`,
//! `Role::administers`): the members with their devices and when they were last seen,
//! a new member (who gets a set-up code, never a password), a role or name changed, a
//! member deactivated (their tokens stop working at once, everywhere) or reactivated, a
//! new set-up code for someone who forgot their password, a coordinator's sync scope
//! (which workers their laptop holds: `scope.rs`), and the organization's name.
//!
//! Every route runs in a transaction scoped to the administrator's organization, so
//! row-level security hides every other organization's members (one of theirs is
//! `not_found`). Changes that count members or administrators first lock the
//! organization's row, so two administrators at once cannot both take the tier's last
//! place or both remove the last administrator. Each change goes to the audit trail
//! (`change_log`) as a change of the users or organizations row, from the
//! administrator's device, so a member's history shows who changed their role and when.

use crate::audit::audit;
use crate::auth::{self, AuthenticatedDevice};
use crate::error::ApiError;
use crate::extract::{Body, Segment};
use crate::state::AppState;
use crate::tenant;
use axum::extract::State;
use axum::http::StatusCode;
use axum::Json;
use serde_json::{json, Map, Value};
use sqlx::{Postgres, Row, Transaction};
use stride_domain::staff::*;
use stride_domain::tier::over_user_limit;
use stride_domain::*;

type Tx = Transaction<'static, Postgres>;

/// How a new member signs in the first time.
pub enum FirstSignIn {
    /// With this password (its argon2 hash): members made on the server's command line.
    Password(String),
    /// With a set-up code (its SHA-256), until it expires.
    SetUpCode { hash: String, expires_at: chrono::DateTime<chrono::Utc> },
}

/// Adds a member to the organization of `tx`, within its tier's limit of active staff.
/// An email already used in any organization is refused (`already_exists`).
pub async fn insert_member(
    tx: &mut Tx,
    organization_id: OrganizationId,
    email: &Email,
    display_name: Option<&Name>,
    role: Role,
    first: FirstSignIn,
) -> Result<UserId, ApiError> {
    let tier = lock_organization(tx, organization_id).await?;
    require_room(tx, organization_id, tier).await?;
    let id = UserId::new();
    sqlx::query("INSERT INTO users (id, organization_id, email, role, display_name) VALUES ($1, $2, $3, $4, $5)")
        .bind(id.as_uuid())
        .bind(organization_id.as_uuid())
        .bind(email.as_str())
        .bind(role.as_str())
        .bind(display_name.map(Name::as_str))
        .execute(&mut **tx)
        .await?;
    let (password_hash, code_hash, expires_at) = match first {
        FirstSignIn::Password(hash) => (Some(hash), None, None),
        FirstSignIn::SetUpCode { hash, expires_at } => (None, Some(hash), Some(expires_at)),
    };
    // Sign-in emails are unique across organizations; row-level security hides the
    // others', so the key says so.
    let inserted = sqlx::query(
        "INSERT INTO user_emails (email, organization_id, user_id, password_hash, set_up_code_hash, set_up_code_expires_at)
         VALUES ($1, $2, $3, $4, $5, $6)",
    )
    .bind(email.as_str())
    .bind(organization_id.as_uuid())
    .bind(id.as_uuid())
    .bind(password_hash)
    .bind(code_hash)
    .bind(expires_at)
    .execute(&mut **tx)
    .await;
    match inserted {
        Err(sqlx::Error::Database(db)) if db.code().as_deref() == Some("23505") => {
            Err(ApiError::Conflict { code: ErrorCode::AlreadyExists, message: format!("{email} is already a user") })
        }
        other => other.map(|_| id).map_err(ApiError::from),
    }
}

/// The organization's staff.
#[utoipa::path(get, path = "/v1/staff", security(("device" = [])), responses(
        (status = 200, description = "every member, active first, by name", body = Staff),
        (status = 401, description = "unauthenticated, device_revoked or user_deactivated", body = stride_domain::api::ErrorBody),
        (status = 403, description = "forbidden: only organization administrators manage staff", body = stride_domain::api::ErrorBody),
        crate::error::AnyOtherError,
))]
pub(crate) async fn list(State(state): State<AppState>, device: AuthenticatedDevice) -> Result<Json<Staff>, ApiError> {
    require_administrator(&device)?;
    let mut tx = tenant::begin(&state.pool, device.organization_id).await?;
    let members = members(&mut tx, device.organization_id, None).await?;
    let tier = organization_tier(&mut tx, device.organization_id, false).await?;
    tx.commit().await?;
    let active = members.iter().filter(|m| m.deactivated_at.is_none()).count() as u64;
    Ok(Json(Staff { members, active, limit: tier.limits().users }))
}

/// Add a member; answers with the set-up code to pass on to them, shown this once.
#[utoipa::path(post, path = "/v1/staff", security(("device" = [])), request_body = NewStaffMember, responses(
        (status = 201, description = "added; the code works once, for 7 days", body = IssuedSetUpCode),
        (status = 400, description = "invalid_request: the email or the name does not read", body = stride_domain::api::ErrorBody),
        (status = 401, description = "unauthenticated, device_revoked or user_deactivated", body = stride_domain::api::ErrorBody),
        (status = 403, description = "forbidden: only organization administrators manage staff", body = stride_domain::api::ErrorBody),
        (status = 409, description = "already_exists (the email is a user's), or tier_limit (the tier's active staff)", body = stride_domain::api::ErrorBody),
        crate::extract::BodyRefusals,
        crate::error::AnyOtherError,
))]
pub(crate) async fn add(
    State(state): State<AppState>,
    device: AuthenticatedDevice,
    Body(request): Body<NewStaffMember>,
) -> Result<(StatusCode, Json<IssuedSetUpCode>), ApiError> {
    require_administrator(&device)?;
    let member = request.validate().map_err(|problems| {
        ApiError::BadRequest(problems.iter().map(ToString::to_string).collect::<Vec<_>>().join("; "))
    })?;
    let (code, hash, expires_at) = new_code();
    let mut tx = tenant::begin(&state.pool, device.organization_id).await?;
    let first = FirstSignIn::SetUpCode { hash, expires_at };
    let user_id =
        insert_member(&mut tx, device.organization_id, &member.email, Some(&member.display_name), member.role, first)
            .await?;
    let fields = json!({"email": member.email, "display_name": member.display_name, "role": member.role});
    audit(&mut tx, &device, EntityKind::Users, user_id.as_uuid(), fields).await?;
    let member = one_member(&mut tx, &device, user_id).await?;
    tx.commit().await?;
    tracing::info!(user.id = %user_id, by.user = %device.user_id, "member added");
    Ok((StatusCode::CREATED, Json(issued(member, &code, expires_at))))
}

/// Change a member's role or name, deactivate or reactivate them.
#[utoipa::path(patch, path = "/v1/staff/{user_id}", security(("device" = [])), request_body = StaffUpdate,
    params(("user_id" = uuid::Uuid, Path, description = "the member")),
    responses(
        (status = 200, description = "the member as they are now", body = StaffMember),
        (status = 400, description = "invalid_request: the name does not read", body = stride_domain::api::ErrorBody),
        (status = 401, description = "unauthenticated, device_revoked or user_deactivated", body = stride_domain::api::ErrorBody),
        (status = 403, description = "forbidden: only organization administrators manage staff", body = stride_domain::api::ErrorBody),
        (status = 404, description = "not_found: no such member in this organization", body = stride_domain::api::ErrorBody),
        (status = 409, description = "last_administrator (the organization keeps an active administrator), or tier_limit (reactivating past the tier's active staff)", body = stride_domain::api::ErrorBody),
        crate::extract::BodyRefusals,
        crate::error::AnyOtherError,
))]
pub(crate) async fn update(
    State(state): State<AppState>,
    device: AuthenticatedDevice,
    Segment(user_id): Segment<uuid::Uuid>,
    Body(request): Body<StaffUpdate>,
) -> Result<Json<StaffMember>, ApiError> {
    require_administrator(&device)?;
    let user_id = UserId::from_uuid(user_id);
    let display_name = request
        .display_name
        .as_deref()
        .map(Name::parse)
        .transpose()
        .map_err(|e| ApiError::BadRequest(format!("display_name {e}")))?;
    let mut tx = tenant::begin(&state.pool, device.organization_id).await?;
    let tier = lock_organization(&mut tx, device.organization_id).await?;
    let before = one_member(&mut tx, &device, user_id).await?;
    let was_active = before.deactivated_at.is_none();
    let active = request.active.unwrap_or(was_active);
    let role = request.role.unwrap_or(before.role);
    let leaves_administrators = was_active && before.role == Role::OrgAdmin && (!active || role != Role::OrgAdmin);
    if leaves_administrators && other_administrators(&mut tx, device.organization_id, user_id).await? == 0 {
        return Err(ApiError::Conflict {
            code: ErrorCode::LastAdministrator,
            message: "the organization needs an active administrator: make someone else one first".into(),
        });
    }
    if active && !was_active {
        require_room(&mut tx, device.organization_id, tier).await?;
    }
    let mut changed = Map::new();
    if role != before.role {
        changed.insert("role".into(), json!(role));
    }
    if let Some(name) = display_name.filter(|name| before.display_name.as_ref() != Some(name)) {
        changed.insert("display_name".into(), json!(name));
    }
    if active != was_active {
        changed.insert("deactivated_at".into(), if active { Value::Null } else { json!(crate::clock::now()) });
    }
    if let Some(scope) = request.scope.as_ref() {
        let scope = valid_scope(&mut tx, device.organization_id, scope).await?;
        if scope != before.scope {
            crate::scope::save(&mut *tx, device.organization_id, user_id, &scope).await?;
            changed.insert("scope".into(), json!(scope));
        }
    }
    if changed.is_empty() {
        tx.commit().await?;
        return Ok(Json(before));
    }
    sqlx::query(
        "UPDATE users SET role = $3, display_name = coalesce($4, display_name),
           deactivated_at = CASE WHEN $5 THEN NULL ELSE coalesce(deactivated_at, $6) END, updated_at = now()
         WHERE organization_id = $1 AND id = $2",
    )
    .bind(device.organization_id.as_uuid())
    .bind(user_id.as_uuid())
    .bind(role.as_str())
    .bind(changed.get("display_name").and_then(Value::as_str))
    .bind(active)
    .bind(crate::clock::now().as_datetime())
    .execute(&mut *tx)
    .await?;
    audit(&mut tx, &device, EntityKind::Users, user_id.as_uuid(), Value::Object(changed.clone())).await?;
    let after = one_member(&mut tx, &device, user_id).await?;
    tx.commit().await?;
    let changed: Vec<&String> = changed.keys().collect();
    tracing::info!(user.id = %user_id, by.user = %device.user_id, ?changed, "member changed");
    Ok(Json(after))
}

/// A new set-up code for a member (who forgot their password, or lost the first code);
/// their password works until they use it.
#[utoipa::path(post, path = "/v1/staff/{user_id}/set-up-code", security(("device" = [])),
    params(("user_id" = uuid::Uuid, Path, description = "the member")),
    responses(
        (status = 200, description = "the code, shown this once; it works once, for 7 days", body = IssuedSetUpCode),
        (status = 401, description = "unauthenticated, device_revoked or user_deactivated", body = stride_domain::api::ErrorBody),
        (status = 403, description = "forbidden: only organization administrators manage staff", body = stride_domain::api::ErrorBody),
        (status = 404, description = "not_found: no such member in this organization", body = stride_domain::api::ErrorBody),
        (status = 409, description = "user_deactivated: reactivate the member first", body = stride_domain::api::ErrorBody),
        crate::error::AnyOtherError,
))]
pub(crate) async fn issue_set_up_code(
    State(state): State<AppState>,
    device: AuthenticatedDevice,
    Segment(user_id): Segment<uuid::Uuid>,
) -> Result<Json<IssuedSetUpCode>, ApiError> {
    require_administrator(&device)?;
    let user_id = UserId::from_uuid(user_id);
    let mut tx = tenant::begin(&state.pool, device.organization_id).await?;
    let member = one_member(&mut tx, &device, user_id).await?;
    if member.deactivated_at.is_some() {
        return Err(ApiError::Conflict {
            code: ErrorCode::UserDeactivated,
            message: "this member is deactivated: reactivate them first".into(),
        });
    }
    let (code, hash, expires_at) = new_code();
    sqlx::query(
        "UPDATE user_emails SET set_up_code_hash = $3, set_up_code_expires_at = $4
         WHERE organization_id = $1 AND user_id = $2",
    )
    .bind(device.organization_id.as_uuid())
    .bind(user_id.as_uuid())
    .bind(hash)
    .bind(expires_at)
    .execute(&mut *tx)
    .await?;
    let member = one_member(&mut tx, &device, user_id).await?;
    tx.commit().await?;
    tracing::info!(user.id = %user_id, by.user = %device.user_id, "set-up code issued");
    Ok(Json(issued(member, &code, expires_at)))
}

/// Rename the organization (its type and tier are the server operator's).
#[utoipa::path(patch, path = "/v1/organization", security(("device" = [])), request_body = OrganizationUpdate, responses(
        (status = 200, description = "the organization as it is now", body = Organization),
        (status = 400, description = "invalid_request: the name does not read", body = stride_domain::api::ErrorBody),
        (status = 401, description = "unauthenticated, device_revoked or user_deactivated", body = stride_domain::api::ErrorBody),
        (status = 403, description = "forbidden: only organization administrators change its settings", body = stride_domain::api::ErrorBody),
        crate::extract::BodyRefusals,
        crate::error::AnyOtherError,
))]
pub(crate) async fn update_organization(
    State(state): State<AppState>,
    device: AuthenticatedDevice,
    Body(request): Body<OrganizationUpdate>,
) -> Result<Json<Organization>, ApiError> {
    require_administrator(&device)?;
    let name = Name::parse(&request.name).map_err(|e| ApiError::BadRequest(format!("name {e}")))?;
    let mut tx = tenant::begin(&state.pool, device.organization_id).await?;
    let renamed = sqlx::query(
        "UPDATE organizations SET name = $2, updated_at = now() WHERE id = $1 AND name IS DISTINCT FROM $2 RETURNING 1",
    )
    .bind(device.organization_id.as_uuid())
    .bind(name.as_str())
    .fetch_optional(&mut *tx)
    .await?;
    if renamed.is_some() {
        let org = device.organization_id.as_uuid();
        audit(&mut tx, &device, EntityKind::Organizations, org, json!({"name": name})).await?;
    }
    let organization = crate::sign_in::load_organization(&mut tx, device.organization_id).await?;
    tx.commit().await?;
    Ok(Json(organization))
}

fn require_administrator(device: &AuthenticatedDevice) -> Result<(), ApiError> {
    if device.role.administers() {
        Ok(())
    } else {
        Err(ApiError::Forbidden(format!("a {} may not manage staff or the organization's settings", device.role)))
    }
}

/// Locks the organization's row until commit (NO KEY UPDATE: other writers' references
/// to it take KEY SHARE, which this does not block) and reads its tier.
async fn lock_organization(tx: &mut Tx, organization_id: OrganizationId) -> Result<SubscriptionTier, ApiError> {
    organization_tier(tx, organization_id, true).await
}

async fn organization_tier(
    tx: &mut Tx,
    organization_id: OrganizationId,
    lock: bool,
) -> Result<SubscriptionTier, ApiError> {
    let sql = if lock {
        "SELECT subscription_tier FROM organizations WHERE id = $1 FOR NO KEY UPDATE"
    } else {
        "SELECT subscription_tier FROM organizations WHERE id = $1"
    };
    let tier: String = sqlx::query_scalar(sql).bind(organization_id.as_uuid()).fetch_one(&mut **tx).await?;
    tier.parse().map_err(|e| ApiError::Internal(format!("stored tier: {e}")))
}

/// Refuses one more active member past the tier's limit.
async fn require_room(tx: &mut Tx, organization_id: OrganizationId, tier: SubscriptionTier) -> Result<(), ApiError> {
    let Some(limit) = tier.limits().users else { return Ok(()) };
    let active: i64 = sqlx::query_scalar(
        "SELECT count(*) FROM users WHERE organization_id = $1 AND deleted_at IS NULL AND deactivated_at IS NULL",
    )
    .bind(organization_id.as_uuid())
    .fetch_one(&mut **tx)
    .await?;
    if active as u64 >= limit {
        return Err(ApiError::Conflict { code: ErrorCode::TierLimit, message: over_user_limit(tier, limit) });
    }
    Ok(())
}

async fn other_administrators(tx: &mut Tx, organization_id: OrganizationId, user_id: UserId) -> Result<i64, ApiError> {
    Ok(sqlx::query_scalar(
        "SELECT count(*) FROM users WHERE organization_id = $1 AND id <> $2 AND role = 'org_admin'
           AND deleted_at IS NULL AND deactivated_at IS NULL",
    )
    .bind(organization_id.as_uuid())
    .bind(user_id.as_uuid())
    .fetch_one(&mut **tx)
    .await?)
}

/// A new set-up code, its hash, and when it stops working.
fn new_code() -> (SetUpCode, String, chrono::DateTime<chrono::Utc>) {
    let code = auth::new_set_up_code();
    let hash = auth::sha256_hex(code.as_str());
    (code, hash, crate::clock::now().as_datetime() + chrono::Duration::days(SET_UP_CODE_DAYS))
}

fn issued(member: StaffMember, code: &SetUpCode, expires_at: chrono::DateTime<chrono::Utc>) -> IssuedSetUpCode {
    IssuedSetUpCode { member, code: code.to_string(), expires_at: Timestamp::from_datetime(expires_at) }
}

async fn one_member(tx: &mut Tx, device: &AuthenticatedDevice, user_id: UserId) -> Result<StaffMember, ApiError> {
    members(tx, device.organization_id, Some(user_id))
        .await?
        .pop()
        .ok_or_else(|| ApiError::Missing("no such member in this organization".into()))
}

/// The organization's members (or the one given), active first, by name.
async fn members(
    tx: &mut Tx,
    organization_id: OrganizationId,
    only: Option<UserId>,
) -> Result<Vec<StaffMember>, ApiError> {
    let only = only.map(|id| id.as_uuid());
    let devices = sqlx::query(
        "SELECT id, user_id, name, last_seen_at, revoked_at IS NOT NULL AS revoked FROM devices
         WHERE organization_id = $1 AND ($2::uuid IS NULL OR user_id = $2) ORDER BY created_at",
    )
    .bind(organization_id.as_uuid())
    .bind(only)
    .fetch_all(&mut **tx)
    .await?;
    let rows = sqlx::query(
        "SELECT u.id, u.email, u.display_name, u.role, u.deactivated_at, s.sites, s.segment_ids, s.program_ids,
                (e.set_up_code_hash IS NOT NULL AND e.set_up_code_expires_at > now()) AS set_up_pending
         FROM users u JOIN user_emails e ON e.organization_id = u.organization_id AND e.user_id = u.id
         LEFT JOIN user_scopes s ON s.organization_id = u.organization_id AND s.user_id = u.id
         WHERE u.organization_id = $1 AND u.deleted_at IS NULL AND ($2::uuid IS NULL OR u.id = $2)
         ORDER BY u.deactivated_at IS NOT NULL, lower(coalesce(u.display_name, u.email)), u.email",
    )
    .bind(organization_id.as_uuid())
    .bind(only)
    .fetch_all(&mut **tx)
    .await?;
    let bad = |what: &str, e: String| ApiError::Internal(format!("stored {what}: {e}"));
    let at = |row: &sqlx::postgres::PgRow, column: &str| {
        row.get::<Option<chrono::DateTime<chrono::Utc>>, _>(column).map(Timestamp::from_datetime)
    };
    let mut members = Vec::with_capacity(rows.len());
    for row in rows {
        let id: uuid::Uuid = row.get("id");
        let theirs: Vec<StaffDevice> = devices
            .iter()
            .filter(|device| device.get::<uuid::Uuid, _>("user_id") == id)
            .map(|device| StaffDevice {
                device_id: DeviceId::from_uuid(device.get("id")),
                name: device.get("name"),
                last_seen_at: at(device, "last_seen_at"),
                revoked: device.get("revoked"),
            })
            .collect();
        members.push(StaffMember {
            user_id: UserId::from_uuid(id),
            email: Email::parse(&row.get::<String, _>("email")).map_err(|e| bad("email", e.to_string()))?,
            display_name: row
                .get::<Option<String>, _>("display_name")
                .map(|name| Name::parse(&name))
                .transpose()
                .map_err(|e| bad("name", e.to_string()))?,
            role: row.get::<String, _>("role").parse().map_err(|e| bad("role", format!("{e}")))?,
            deactivated_at: at(&row, "deactivated_at"),
            last_seen_at: theirs.iter().filter_map(|device| device.last_seen_at).max(),
            devices: theirs,
            set_up_pending: row.get("set_up_pending"),
            scope: crate::scope::scope_of(&row),
        });
    }
    Ok(members)
}

/// A scope as typed, tidied, whose segments (listed by hand) and programs are the
/// organization's own.
async fn valid_scope(
    tx: &mut Tx,
    organization_id: OrganizationId,
    typed: &scope::SyncScope,
) -> Result<scope::SyncScope, ApiError> {
    let scope = typed.validate().map_err(|problems| {
        ApiError::BadRequest(problems.iter().map(|p| format!("scope.{p}")).collect::<Vec<_>>().join("; "))
    })?;
    let (_, segments, programs) = crate::scope::parameters(&scope);
    // A segment given by a rule has members only as each device judges them; a scope
    // takes the segments whose members are listed by hand.
    let unknown: Vec<String> = sqlx::query_scalar(
        "SELECT 'segment ' || c.id || CASE WHEN t.id IS NULL THEN ' is not in this organization'
                                           ELSE ' is defined by a rule (a scope takes segments whose members are listed)' END
           FROM unnest($2::uuid[]) c(id)
           LEFT JOIN segments t ON t.organization_id = $1 AND t.id = c.id AND t.deleted_at IS NULL
          WHERE t.id IS NULL OR coalesce(t.rule_definition, 'null'::jsonb) <> 'null'::jsonb
         UNION ALL
         SELECT 'program ' || c.id || ' is not in this organization' FROM unnest($3::uuid[]) c(id)
          WHERE NOT EXISTS (SELECT 1 FROM programs t WHERE t.organization_id = $1 AND t.id = c.id AND t.deleted_at IS NULL)",
    )
    .bind(organization_id.as_uuid())
    .bind(segments)
    .bind(programs)
    .fetch_all(&mut **tx)
    .await?;
    if !unknown.is_empty() {
        return Err(ApiError::BadRequest(format!("scope: {}", unknown.join("; "))));
    }
    Ok(scope)
}

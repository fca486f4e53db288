//! Signing a device in: with a password (`/v1/auth/login`), or the first time with the
//! set-up code an administrator passed on and a password of the person's choosing
//! (`/v1/auth/set-up`); who a device is signed in as (`/v1/me`); and a person changing
//! their own password (`/v1/me/password`). Wrong passwords and codes slow down their own
//! account and address (`limiter.rs`), and take the same work whether the account exists
//! or not, so timing does not tell.

use crate::auth::{self, AuthenticatedDevice, Standing};
use crate::error::ApiError;
use crate::extract::Body;
use crate::limiter;
use crate::state::AppState;
use axum::extract::{ConnectInfo, State};
use axum::http::StatusCode;
use axum::Json;
use sqlx::{PgPool, Row};
use std::net::SocketAddr;
use stride_domain::api::{LoginRequest, LoginResponse, Me};
use stride_domain::staff::{Password, PasswordChange, SetUpCode, SetUpRequest};
use stride_domain::{DeviceId, Email, Name, Organization, OrganizationId, UserId};

/// Sign a device in; returns its token. Wrong passwords slow down their own account and
/// address (`limiter.rs`).
#[utoipa::path(post, path = "/v1/auth/login", request_body = LoginRequest, responses(
        (status = 200, description = "signed in", body = LoginResponse),
        (status = 401, description = "invalid_credentials, or user_deactivated (the password is right)", body = stride_domain::api::ErrorBody),
        (status = 429, description = "rate_limited, with Retry-After in seconds", body = stride_domain::api::ErrorBody),
        crate::extract::BodyRefusals,
        crate::error::AnyOtherError,
))]
pub(crate) async fn login(
    State(state): State<AppState>,
    ConnectInfo(peer): ConnectInfo<SocketAddr>,
    Body(request): Body<LoginRequest>,
) -> Result<Json<LoginResponse>, ApiError> {
    let email = Email::parse(&request.email).map_err(|_| ApiError::InvalidCredentials)?;
    let device_name = device_name(&request.device_name)?;
    let attempt = Attempt::start(&state, &email, peer).await?;
    let account = sqlx::query("SELECT organization_id, user_id, password_hash FROM user_emails WHERE email = $1")
        .bind(email.as_str())
        .fetch_optional(&state.pool)
        .await?;
    let stored = account.as_ref().and_then(|row| row.get::<Option<String>, _>("password_hash"));
    let verified = match &stored {
        Some(hash) => auth::verify_password(request.password.clone(), hash.clone()).await?,
        None => {
            let _ = auth::hash_password(request.password.clone()).await;
            false
        }
    };
    let Some(account) = account.filter(|_| verified) else { return Err(attempt.failed().await) };
    let (organization_id, user_id) = account_of(&account);
    attempt.passed(&state, organization_id, user_id).await?;
    let installation = request.installation_id;
    Ok(Json(open_device(&state.pool, organization_id, user_id, &device_name, installation, &email).await?))
}

/// A member's first sign-in: the set-up code their administrator passed on, and the
/// password they choose. The code then works no more.
#[utoipa::path(post, path = "/v1/auth/set-up", request_body = SetUpRequest, responses(
        (status = 200, description = "signed in, with the new password set", body = LoginResponse),
        (status = 400, description = "invalid_request: the new password is too short or too long", body = stride_domain::api::ErrorBody),
        (status = 401, description = "invalid_credentials (no such code, used or expired), or user_deactivated", body = stride_domain::api::ErrorBody),
        (status = 429, description = "rate_limited, with Retry-After in seconds", body = stride_domain::api::ErrorBody),
        crate::extract::BodyRefusals,
        crate::error::AnyOtherError,
))]
pub(crate) async fn set_up(
    State(state): State<AppState>,
    ConnectInfo(peer): ConnectInfo<SocketAddr>,
    Body(request): Body<SetUpRequest>,
) -> Result<Json<LoginResponse>, ApiError> {
    let email = Email::parse(&request.email).map_err(|_| ApiError::InvalidCredentials)?;
    let device_name = device_name(&request.device_name)?;
    let password =
        Password::parse(&request.new_password).map_err(|e| ApiError::BadRequest(format!("new_password {e}")))?;
    let attempt = Attempt::start(&state, &email, peer).await?;
    let Ok(code) = SetUpCode::parse(&request.code) else { return Err(attempt.failed().await) };
    let code_hash = auth::sha256_hex(code.as_str());
    let account = sqlx::query(
        "SELECT organization_id, user_id FROM user_emails
         WHERE email = $1 AND set_up_code_hash = $2 AND set_up_code_expires_at > now()",
    )
    .bind(email.as_str())
    .bind(&code_hash)
    .fetch_optional(&state.pool)
    .await?;
    // Hashed whatever the code, so a right code and a wrong one take the same time.
    let password_hash = auth::hash_password(password.as_str().to_owned()).await?;
    let Some(account) = account else { return Err(attempt.failed().await) };
    let (organization_id, user_id) = account_of(&account);
    attempt.passed(&state, organization_id, user_id).await?;
    // Only the request that still finds the code sets the password: a code works once.
    let taken = sqlx::query(
        "UPDATE user_emails SET password_hash = $3, set_up_code_hash = NULL, set_up_code_expires_at = NULL
         WHERE email = $1 AND set_up_code_hash = $2 RETURNING 1",
    )
    .bind(email.as_str())
    .bind(&code_hash)
    .bind(password_hash)
    .fetch_optional(&state.pool)
    .await?;
    if taken.is_none() {
        return Err(ApiError::InvalidCredentials);
    }
    tracing::info!(user.id = %user_id, "set-up code used; password set");
    let installation = request.installation_id;
    Ok(Json(open_device(&state.pool, organization_id, user_id, &device_name, installation, &email).await?))
}

/// Who this device is signed in as.
#[utoipa::path(get, path = "/v1/me", security(("device" = [])), responses(
        (status = 200, description = "the user, device and organization", body = Me),
        (status = 401, description = "unauthenticated, device_revoked or user_deactivated", body = stride_domain::api::ErrorBody),
        crate::error::AnyOtherError,
))]
pub(crate) async fn me(State(state): State<AppState>, device: AuthenticatedDevice) -> Result<Json<Me>, ApiError> {
    Ok(Json(load_me(&state.pool, &device).await?))
}

/// Change the signed-in person's own password; the current one is needed. Their devices
/// stay signed in.
#[utoipa::path(post, path = "/v1/me/password", security(("device" = [])), request_body = PasswordChange, responses(
        (status = 204, description = "changed"),
        (status = 400, description = "invalid_request: the new password is too short or too long", body = stride_domain::api::ErrorBody),
        (status = 401, description = "unauthenticated, device_revoked or user_deactivated", body = stride_domain::api::ErrorBody),
        (status = 403, description = "wrong_password: the current password is not this person's", body = stride_domain::api::ErrorBody),
        (status = 429, description = "rate_limited, with Retry-After in seconds", body = stride_domain::api::ErrorBody),
        crate::extract::BodyRefusals,
        crate::error::AnyOtherError,
))]
pub(crate) async fn change_password(
    State(state): State<AppState>,
    ConnectInfo(peer): ConnectInfo<SocketAddr>,
    device: AuthenticatedDevice,
    Body(request): Body<PasswordChange>,
) -> Result<StatusCode, ApiError> {
    let password =
        Password::parse(&request.new_password).map_err(|e| ApiError::BadRequest(format!("new_password {e}")))?;
    let mut tx = crate::tenant::begin(&state.pool, device.organization_id).await?;
    let row = sqlx::query("SELECT email, password_hash FROM user_emails WHERE organization_id = $1 AND user_id = $2")
        .bind(device.organization_id.as_uuid())
        .bind(device.user_id.as_uuid())
        .fetch_one(&mut *tx)
        .await?;
    let email =
        Email::parse(&row.get::<String, _>("email")).map_err(|e| ApiError::Internal(format!("stored email: {e}")))?;
    let attempt = Attempt::start(&state, &email, peer).await?;
    let stored: Option<String> = row.get("password_hash");
    let verified = match stored {
        Some(hash) => auth::verify_password(request.current_password.clone(), hash).await?,
        None => false,
    };
    if !verified {
        attempt.failed().await;
        return Err(ApiError::WrongPassword);
    }
    attempt.cleared().await?;
    let hash = auth::hash_password(password.as_str().to_owned()).await?;
    sqlx::query("UPDATE user_emails SET password_hash = $3 WHERE organization_id = $1 AND user_id = $2")
        .bind(device.organization_id.as_uuid())
        .bind(device.user_id.as_uuid())
        .bind(hash)
        .execute(&mut *tx)
        .await?;
    tx.commit().await?;
    tracing::info!(user.id = %device.user_id, device.id = %device.device_id, "password changed");
    Ok(StatusCode::NO_CONTENT)
}

/// A sign-in attempt of one account from one address, counted by the limiter.
struct Attempt<'a> {
    state: &'a AppState,
    email: &'a Email,
    address: String,
}

impl<'a> Attempt<'a> {
    /// Refuses at once while the account or the address must wait.
    async fn start(state: &'a AppState, email: &'a Email, peer: SocketAddr) -> Result<Self, ApiError> {
        let attempt = Self { state, email, address: peer.ip().to_string() };
        if let Some(wait) = limiter::wait_needed(&state.pool, email.as_str(), &attempt.address).await? {
            return Err(ApiError::RateLimited { retry_after_secs: wait.as_secs().max(1) });
        }
        Ok(attempt)
    }

    /// A wrong password or code: counted, and answered as such (a count that could not
    /// be written is logged; the answer stays the same).
    async fn failed(self) -> ApiError {
        if let Err(error) = limiter::record_failure(&self.state.pool, self.email.as_str(), &self.address).await {
            tracing::warn!(error = %error, login.address = %self.address, "a wrong sign-in could not be counted");
        }
        tracing::info!(login.email = %self.email, login.address = %self.address, "sign-in refused");
        ApiError::InvalidCredentials
    }

    /// The secret was right: the count starts again.
    async fn cleared(&self) -> Result<(), ApiError> {
        Ok(limiter::clear(&self.state.pool, self.email.as_str(), &self.address).await?)
    }

    /// The secret was right: the count starts again, and the account must be at work (a
    /// deleted user signs in no more; a deactivated one is told so).
    async fn passed(self, state: &AppState, organization_id: OrganizationId, user_id: UserId) -> Result<(), ApiError> {
        self.cleared().await?;
        match auth::standing(&state.pool, organization_id, user_id).await? {
            Standing::Active(_) => Ok(()),
            Standing::Deactivated => Err(ApiError::UserDeactivated),
            Standing::Gone => Err(ApiError::InvalidCredentials),
        }
    }
}

fn device_name(raw: &str) -> Result<Name, ApiError> {
    Name::parse(raw).map_err(|e| ApiError::BadRequest(format!("device_name {e}")))
}

fn account_of(row: &sqlx::postgres::PgRow) -> (OrganizationId, UserId) {
    (OrganizationId::from_uuid(row.get("organization_id")), UserId::from_uuid(row.get("user_id")))
}

/// A new device of the user (a sign-in from `installation`), with its token.
async fn open_device(
    pool: &PgPool,
    organization_id: OrganizationId,
    user_id: UserId,
    device_name: &Name,
    installation: Option<DeviceId>,
    email: &Email,
) -> Result<LoginResponse, ApiError> {
    let token = auth::new_token();
    let device_id = DeviceId::new();
    sqlx::query(
        "INSERT INTO devices (id, organization_id, user_id, name, token_hash, installation_id)
         VALUES ($1, $2, $3, $4, $5, $6)",
    )
    .bind(device_id.as_uuid())
    .bind(organization_id.as_uuid())
    .bind(user_id.as_uuid())
    .bind(device_name.as_str())
    .bind(auth::token_hash(&token))
    .bind(installation.map(|id| id.as_uuid()))
    .execute(pool)
    .await?;
    tracing::info!(device.id = %device_id, login.email = %email, "device signed in");
    let device = auth::device_for_token(pool, &token, None).await?;
    Ok(LoginResponse { token, me: load_me(pool, &device).await? })
}

async fn load_me(pool: &PgPool, device: &AuthenticatedDevice) -> Result<Me, ApiError> {
    let mut tx = crate::tenant::begin(pool, device.organization_id).await?;
    let user = sqlx::query("SELECT email, role, display_name FROM users WHERE organization_id = $1 AND id = $2")
        .bind(device.organization_id.as_uuid())
        .bind(device.user_id.as_uuid())
        .fetch_one(&mut *tx)
        .await?;
    let organization = load_organization(&mut tx, device.organization_id).await?;
    tx.commit().await?;
    let bad = |what: &str, e: String| ApiError::Internal(format!("stored {what}: {e}"));
    Ok(Me {
        user_id: device.user_id,
        email: Email::parse(&user.get::<String, _>("email")).map_err(|e| bad("email", e.to_string()))?,
        role: device.role,
        display_name: user
            .get::<Option<String>, _>("display_name")
            .map(|n| Name::parse(&n))
            .transpose()
            .map_err(|e| bad("name", e.to_string()))?,
        device_id: device.device_id,
        organization,
    })
}

/// The organization's row, as devices read it.
pub(crate) async fn load_organization(
    tx: &mut sqlx::Transaction<'static, sqlx::Postgres>,
    organization_id: OrganizationId,
) -> Result<Organization, ApiError> {
    let organization: serde_json::Value = sqlx::query_scalar(
        "SELECT to_jsonb(o) - 'field_hlc' - 'version' - 'deleted_at' FROM organizations o WHERE o.id = $1",
    )
    .bind(organization_id.as_uuid())
    .fetch_one(&mut **tx)
    .await?;
    serde_json::from_value(organization).map_err(|e| ApiError::Internal(format!("organization row: {e}")))
}

//! Sign-in and device tokens. Passwords are argon2id; a device token is 32 random bytes
//! (hex), of which only the SHA-256 is stored. Every request but sign-in carries the
//! token as `Authorization: Bearer …`; a revoked device is told so (`device_revoked`).

use crate::error::ApiError;
use crate::state::AppState;
use argon2::password_hash::{PasswordHash, PasswordHasher, PasswordVerifier, SaltString};
use argon2::Argon2;
use axum::extract::FromRequestParts;
use axum::http::request::Parts;
use rand_core::{OsRng, RngCore};
use sha2::{Digest, Sha256};
use sqlx::{PgPool, Row};
use stride_domain::api::DeviceToken;
use stride_domain::{DeviceId, OrganizationId, Role, UserId};

pub fn hash_password(password: &str) -> Result<String, ApiError> {
    let salt = SaltString::generate(&mut OsRng);
    Argon2::default()
        .hash_password(password.as_bytes(), &salt)
        .map(|hash| hash.to_string())
        .map_err(|e| ApiError::Internal(format!("hashing a password: {e}")))
}

pub fn verify_password(password: &str, stored: &str) -> bool {
    PasswordHash::new(stored).is_ok_and(|hash| {
        Argon2::default()
            .verify_password(password.as_bytes(), &hash)
            .is_ok()
    })
}

/// A new random device token.
pub fn new_token() -> DeviceToken {
    let mut bytes = [0u8; 32];
    OsRng.fill_bytes(&mut bytes);
    DeviceToken(hex(&bytes))
}

pub fn token_hash(token: &DeviceToken) -> String {
    hex(&Sha256::digest(token.0.as_bytes()))
}

fn hex(bytes: &[u8]) -> String {
    bytes.iter().map(|b| format!("{b:02x}")).collect()
}

/// The device a request comes from, with its user, checked against the database.
#[derive(Debug, Clone)]
pub struct AuthenticatedDevice {
    pub device_id: DeviceId,
    pub organization_id: OrganizationId,
    pub user_id: UserId,
    pub role: Role,
}

pub async fn device_for_token(
    pool: &PgPool,
    token: &DeviceToken,
) -> Result<AuthenticatedDevice, ApiError> {
    // Runs as the owner: the organization is not known until the device is found.
    let row = sqlx::query(
        "UPDATE devices d SET last_seen_at = now()
         FROM users u
         WHERE d.token_hash = $1 AND u.organization_id = d.organization_id AND u.id = d.user_id
         RETURNING d.id, d.organization_id, d.user_id, d.revoked_at IS NOT NULL AS revoked, u.role, u.deleted_at IS NOT NULL AS user_deleted",
    )
    .bind(token_hash(token))
    .fetch_optional(pool)
    .await?
    .ok_or(ApiError::Unauthenticated)?;
    if row.get::<bool, _>("revoked") || row.get::<bool, _>("user_deleted") {
        return Err(ApiError::DeviceRevoked);
    }
    let role: String = row.get("role");
    Ok(AuthenticatedDevice {
        device_id: DeviceId::from_uuid(row.get("id")),
        organization_id: OrganizationId::from_uuid(row.get("organization_id")),
        user_id: UserId::from_uuid(row.get("user_id")),
        role: role
            .parse()
            .map_err(|e| ApiError::Internal(format!("stored role: {e}")))?,
    })
}

impl FromRequestParts<AppState> for AuthenticatedDevice {
    type Rejection = ApiError;

    async fn from_request_parts(
        parts: &mut Parts,
        state: &AppState,
    ) -> Result<Self, Self::Rejection> {
        let header = parts
            .headers
            .get(axum::http::header::AUTHORIZATION)
            .and_then(|v| v.to_str().ok());
        let token = header
            .and_then(|h| h.strip_prefix("Bearer "))
            .ok_or(ApiError::Unauthenticated)?;
        device_for_token(&state.pool, &DeviceToken(token.trim().to_owned())).await
    }
}

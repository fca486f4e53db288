//! Passwords and device tokens. Passwords are argon2id; a device token is 32 random
//! bytes (hex), of which only the SHA-256 is stored. Every request but sign-in carries
//! the token as `Authorization: Bearer …`; a revoked device is told so
//! (`device_revoked`), and so is a deactivated user's (`user_deactivated`).

use crate::error::ApiError;
use rand_core::{OsRng, RngCore};
use sha2::{Digest, Sha256};
use sqlx::{PgPool, Row};
use stride_domain::api::DeviceToken;
use stride_domain::staff::SetUpCode;
use stride_domain::{DeviceId, OrganizationId, Role, UserId};

/// The argon2id hash of a password. Hashing takes tens of milliseconds of CPU by
/// design, so it runs on the blocking pool, never on the threads that serve requests.
pub async fn hash_password(password: String) -> Result<String, ApiError> {
    on_blocking_pool(move || {
        let mut salt = [0u8; stride_domain::secret::SALT_BYTES];
        OsRng.fill_bytes(&mut salt);
        stride_domain::secret::hash(&password, salt)
    })
    .await
}

/// Whether `password` is the one `stored` (an argon2 hash) was made from; on the
/// blocking pool, as [`hash_password`].
pub async fn verify_password(password: String, stored: String) -> Result<bool, ApiError> {
    on_blocking_pool(move || stride_domain::secret::matches(&password, &stored)).await
}

async fn on_blocking_pool<T: Send + 'static>(work: impl FnOnce() -> T + Send + 'static) -> Result<T, ApiError> {
    tokio::task::spawn_blocking(work).await.map_err(|e| ApiError::Internal(format!("password hashing stopped: {e}")))
}

/// A new random device token.
pub fn new_token() -> DeviceToken {
    let mut bytes = [0u8; 32];
    OsRng.fill_bytes(&mut bytes);
    DeviceToken(hex(&bytes))
}

/// A new random set-up code: each character drawn uniformly from the code's alphabet
/// (bytes past the last whole multiple of its length are drawn again).
pub fn new_set_up_code() -> SetUpCode {
    let alphabet = SetUpCode::ALPHABET.len() as u8;
    let usable = u8::MAX - u8::MAX % alphabet;
    let mut positions = [0u8; SetUpCode::LENGTH];
    for position in &mut positions {
        *position = loop {
            let mut byte = [0u8; 1];
            OsRng.fill_bytes(&mut byte);
            if byte[0] < usable {
                break byte[0] % alphabet;
            }
        };
    }
    SetUpCode::from_positions(positions)
}

pub fn token_hash(token: &DeviceToken) -> String {
    sha256_hex(&token.0)
}

/// The SHA-256 of a random secret (a token, a set-up code) as kept in the database.
pub fn sha256_hex(secret: &str) -> String {
    sha256_hex_of(secret.as_bytes())
}

/// The SHA-256 of some bytes (a media file), in lower-case hexadecimal.
pub fn sha256_hex_of(bytes: &[u8]) -> String {
    hex(&Sha256::digest(bytes))
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
    /// The installation (the laptop's own id) it signed in from, when it said.
    pub installation_id: Option<uuid::Uuid>,
}

/// How stale a device's `last_seen_at` may grow before a request writes it again: one
/// write a minute per device at most, not one per request (a syncing device sends
/// several a second, and every write would be a row version to vacuum).
pub const LAST_SEEN_EVERY_SECS: i32 = 60;

/// The device whose token this is; `installation`, when the request says it, binds a
/// sign-in that has none yet (one made before the server kept installations). The
/// device's last-seen time is written when it is older than [`LAST_SEEN_EVERY_SECS`].
pub async fn device_for_token(
    pool: &PgPool,
    token: &DeviceToken,
    installation: Option<uuid::Uuid>,
) -> Result<AuthenticatedDevice, ApiError> {
    // One statement (server migration 17): the device by its token, its last-seen time
    // when stale, and its user read within its organization.
    let device = sqlx::query(
        "SELECT device_id, organization_id, user_id, installation_id, revoked, role, deactivated
         FROM stride_device_for_token($1, $2, $3)",
    )
    .bind(token_hash(token))
    .bind(installation)
    .bind(f64::from(LAST_SEEN_EVERY_SECS))
    .fetch_optional(pool)
    .await?
    .ok_or(ApiError::Unauthenticated)?;
    if device.get::<bool, _>("revoked") {
        return Err(ApiError::DeviceRevoked);
    }
    let organization_id = OrganizationId::from_uuid(device.get("organization_id"));
    let user_id = UserId::from_uuid(device.get("user_id"));
    let role = match Standing::of(device.get("role"), device.get("deactivated"))? {
        Standing::Active(role) => role,
        Standing::Deactivated => return Err(ApiError::UserDeactivated),
        // A deleted user's devices are signed out for good.
        Standing::Gone => return Err(ApiError::DeviceRevoked),
    };
    Ok(AuthenticatedDevice {
        device_id: DeviceId::from_uuid(device.get("device_id")),
        organization_id,
        user_id,
        role,
        installation_id: device.get("installation_id"),
    })
}

/// Where a user stands: at work with a role, deactivated (may come back), or deleted.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Standing {
    Active(Role),
    Deactivated,
    Gone,
}

pub async fn standing(pool: &PgPool, organization_id: OrganizationId, user_id: UserId) -> Result<Standing, ApiError> {
    let mut tx = crate::tenant::begin(pool, organization_id).await?;
    let row = sqlx::query(
        "SELECT role, deactivated_at IS NOT NULL AS deactivated FROM users
         WHERE organization_id = $1 AND id = $2 AND deleted_at IS NULL",
    )
    .bind(organization_id.as_uuid())
    .bind(user_id.as_uuid())
    .fetch_optional(&mut *tx)
    .await?;
    tx.commit().await?;
    Standing::of(row.as_ref().map(|row| row.get("role")), row.is_some_and(|row| row.get("deactivated")))
}

impl Standing {
    /// Where a user stands by their row's role (none: no live row) and whether it is
    /// deactivated.
    fn of(role: Option<String>, deactivated: bool) -> Result<Standing, ApiError> {
        match role {
            None => Ok(Standing::Gone),
            Some(_) if deactivated => Ok(Standing::Deactivated),
            Some(role) => {
                role.parse().map(Standing::Active).map_err(|e| ApiError::Internal(format!("stored role: {e}")))
            }
        }
    }
}

//! Administration behind the `stride-server` command: organizations, users and devices.
//! Each runs as the connecting (owner) role, with the organization set, so forced
//! row-level security admits exactly that organization's rows.

use crate::error::ApiError;
use crate::{auth, staff};
use serde::Serialize;
use sqlx::{PgPool, Postgres, Row, Transaction};
use stride_domain::staff::Password;
use stride_domain::{DeviceId, Email, Name, OrganizationId, OrganizationType, Role, SubscriptionTier, UserId};

async fn in_organization(
    pool: &PgPool,
    organization_id: OrganizationId,
) -> Result<Transaction<'static, Postgres>, sqlx::Error> {
    let mut tx = pool.begin().await?;
    sqlx::query("SELECT set_config('stride.organization_id', $1, true)")
        .bind(organization_id.to_string())
        .execute(&mut *tx)
        .await?;
    Ok(tx)
}

pub async fn create_organization(
    pool: &PgPool,
    name: &Name,
    organization_type: OrganizationType,
    tier: SubscriptionTier,
) -> Result<OrganizationId, ApiError> {
    let id = OrganizationId::new();
    let mut tx = in_organization(pool, id).await?;
    sqlx::query("INSERT INTO organizations (id, name, type, subscription_tier) VALUES ($1, $2, $3, $4)")
        .bind(id.as_uuid())
        .bind(name.as_str())
        .bind(organization_type.as_str())
        .bind(tier.as_str())
        .execute(&mut *tx)
        .await?;
    tx.commit().await?;
    Ok(id)
}

/// A user who signs in with `password` (the server's command line; in the window, an
/// administrator adds staff, who get a set-up code instead). Within the tier's limit of
/// active staff, as every new member.
pub async fn create_user(
    pool: &PgPool,
    organization_id: OrganizationId,
    email: &Email,
    role: Role,
    display_name: Option<&Name>,
    password: &str,
) -> Result<UserId, ApiError> {
    let password = Password::parse(password).map_err(|e| ApiError::BadRequest(format!("the password {e}")))?;
    let hash = auth::hash_password(password.as_str().to_owned()).await?;
    let mut tx = in_organization(pool, organization_id).await?;
    let first = staff::FirstSignIn::Password(hash);
    let id = staff::insert_member(&mut tx, organization_id, email, display_name, role, first).await?;
    tx.commit().await?;
    Ok(id)
}

/// Sets an organization's tier (the server operator's decision); its devices see the
/// new limits after their next sync. Returns whether the organization exists.
pub async fn set_tier(
    pool: &PgPool,
    organization_id: OrganizationId,
    tier: SubscriptionTier,
) -> Result<bool, ApiError> {
    let mut tx = in_organization(pool, organization_id).await?;
    let set = sqlx::query(
        "UPDATE organizations SET subscription_tier = $2, updated_at = now()
         WHERE id = $1 AND subscription_tier IS DISTINCT FROM $2 RETURNING 1",
    )
    .bind(organization_id.as_uuid())
    .bind(tier.as_str())
    .fetch_optional(&mut *tx)
    .await?;
    let exists = set.is_some()
        || sqlx::query("SELECT 1 FROM organizations WHERE id = $1")
            .bind(organization_id.as_uuid())
            .fetch_optional(&mut *tx)
            .await?
            .is_some();
    tx.commit().await?;
    Ok(exists)
}

#[derive(Debug, Clone, Serialize)]
pub struct DeviceSummary {
    pub id: DeviceId,
    pub name: String,
    pub user_email: String,
    pub last_seq: i64,
    pub last_seen_at: Option<chrono::DateTime<chrono::Utc>>,
    pub revoked: bool,
}

pub async fn list_devices(pool: &PgPool, organization_id: OrganizationId) -> Result<Vec<DeviceSummary>, ApiError> {
    let mut tx = in_organization(pool, organization_id).await?;
    let rows = sqlx::query(
        "SELECT d.id, d.name, u.email, d.last_seq, d.last_seen_at, d.revoked_at IS NOT NULL AS revoked
         FROM devices d JOIN users u ON u.organization_id = d.organization_id AND u.id = d.user_id
         WHERE d.organization_id = $1 ORDER BY d.created_at",
    )
    .bind(organization_id.as_uuid())
    .fetch_all(&mut *tx)
    .await?;
    tx.commit().await?;
    Ok(rows
        .into_iter()
        .map(|row| DeviceSummary {
            id: DeviceId::from_uuid(row.get("id")),
            name: row.get("name"),
            user_email: row.get("email"),
            last_seq: row.get("last_seq"),
            last_seen_at: row.get("last_seen_at"),
            revoked: row.get("revoked"),
        })
        .collect())
}

/// Revokes a device: its token, and those of everyone else signed in on the same
/// installation (a shared laptop is lost as a whole), stop working at their next request.
pub async fn revoke_device(pool: &PgPool, device_id: DeviceId) -> Result<bool, ApiError> {
    let revoked = sqlx::query(
        "WITH lost AS (SELECT organization_id, installation_id FROM devices WHERE id = $1)
         UPDATE devices d SET revoked_at = coalesce(d.revoked_at, now()) FROM lost
         WHERE d.id = $1
            OR (d.organization_id = lost.organization_id AND d.installation_id = lost.installation_id)
         RETURNING 1",
    )
    .bind(device_id.as_uuid())
    .fetch_all(pool)
    .await?;
    Ok(!revoked.is_empty())
}

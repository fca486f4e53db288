//! Administration behind the `stride-server` command: organizations, users and devices.
//! Each runs as the connecting (owner) role, with the organization set, so forced
//! row-level security admits exactly that organization's rows.

use crate::auth;
use crate::error::ApiError;
use serde::Serialize;
use sqlx::{PgPool, Postgres, Row, Transaction};
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

pub async fn create_user(
    pool: &PgPool,
    organization_id: OrganizationId,
    email: &Email,
    role: Role,
    display_name: Option<&Name>,
    password: &str,
) -> Result<UserId, ApiError> {
    if password.chars().count() < 8 {
        return Err(ApiError::BadRequest("the password needs at least 8 characters".into()));
    }
    let id = UserId::new();
    let hash = auth::hash_password(password.to_owned()).await?;
    let mut tx = in_organization(pool, organization_id).await?;
    let taken: Option<i32> = sqlx::query_scalar("SELECT 1 FROM user_emails WHERE email = $1")
        .bind(email.as_str())
        .fetch_optional(&mut *tx)
        .await?;
    if taken.is_some() {
        return Err(ApiError::BadRequest(format!("{email} is already a user")));
    }
    sqlx::query("INSERT INTO users (id, organization_id, email, role, display_name) VALUES ($1, $2, $3, $4, $5)")
        .bind(id.as_uuid())
        .bind(organization_id.as_uuid())
        .bind(email.as_str())
        .bind(role.as_str())
        .bind(display_name.map(Name::as_str))
        .execute(&mut *tx)
        .await?;
    sqlx::query("INSERT INTO user_emails (email, organization_id, user_id, password_hash) VALUES ($1, $2, $3, $4)")
        .bind(email.as_str())
        .bind(organization_id.as_uuid())
        .bind(id.as_uuid())
        .bind(hash)
        .execute(&mut *tx)
        .await?;
    tx.commit().await?;
    Ok(id)
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

/// Revokes a device: its token stops working at its next request.
pub async fn revoke_device(pool: &PgPool, device_id: DeviceId) -> Result<bool, ApiError> {
    let revoked = sqlx::query("UPDATE devices SET revoked_at = coalesce(revoked_at, now()) WHERE id = $1 RETURNING 1")
        .bind(device_id.as_uuid())
        .fetch_optional(pool)
        .await?;
    Ok(revoked.is_some())
}

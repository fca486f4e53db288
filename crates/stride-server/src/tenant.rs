//! A transaction scoped to one organization: it takes the request role (`stride_app`)
//! and sets `stride.organization_id`, so row-level security filters every statement in
//! it, whatever its WHERE clause says.

use sqlx::{PgPool, Postgres, Transaction};
use stride_domain::OrganizationId;

pub async fn begin(
    pool: &PgPool,
    organization_id: OrganizationId,
) -> Result<Transaction<'static, Postgres>, sqlx::Error> {
    let mut tx = pool.begin().await?;
    // One statement, not SET LOCAL ROLE and then the setting: every request begins one
    // of these, and each statement is a round trip to the database.
    sqlx::query("SELECT set_config('role', 'stride_app', true), set_config('stride.organization_id', $1, true)")
        .bind(organization_id.to_string())
        .execute(&mut *tx)
        .await?;
    Ok(tx)
}

//! Sync scopes on the server (`stride_domain::scope`): a member's scope as kept
//! (`user_scopes`), the SQL of the workers in it now and of the rows that belong to
//! them, and what each device was last told it holds (`device_scopes`). The pull keeps a
//! scoped device's pages to its workers (`pull.rs`), the backfill brings a worker that
//! came into scope (`backfill.rs`), and a push is held to the scope in `push_scope.rs`.

use sqlx::postgres::PgRow;
use sqlx::{PgExecutor, Row};
use std::collections::HashMap;
use stride_domain::scope::{owned_by_sql, SyncScope};
use stride_domain::{DeviceId, EntitySpec, OrganizationId, ProgramId, SegmentId, UserId};
use uuid::Uuid;

/// The columns of `user_scopes` a scope is read from, as `scope_of` reads them.
pub(crate) const SCOPE_COLUMNS: &str = "sites, segment_ids, program_ids";

/// A scope from its `user_scopes` columns (all NULL: none is kept, the whole organization).
pub(crate) fn scope_of(row: &PgRow) -> SyncScope {
    SyncScope {
        sites: row.get::<Option<Vec<String>>, _>("sites").unwrap_or_default(),
        segments: row
            .get::<Option<Vec<Uuid>>, _>("segment_ids")
            .unwrap_or_default()
            .into_iter()
            .map(SegmentId::from_uuid)
            .collect(),
        programs: row
            .get::<Option<Vec<Uuid>>, _>("program_ids")
            .unwrap_or_default()
            .into_iter()
            .map(ProgramId::from_uuid)
            .collect(),
    }
}

/// The scopes kept for these members, by member (a member with none is left out).
pub(crate) async fn scopes_of(
    executor: impl PgExecutor<'_>,
    organization: OrganizationId,
    users: &[Uuid],
) -> Result<HashMap<Uuid, SyncScope>, sqlx::Error> {
    let rows = sqlx::query(sqlx::AssertSqlSafe(format!(
        "SELECT user_id, {SCOPE_COLUMNS} FROM user_scopes WHERE organization_id = $1 AND user_id = ANY($2)"
    )))
    .bind(organization.as_uuid())
    .bind(users)
    .fetch_all(executor)
    .await?;
    Ok(rows.iter().map(|row| (row.get("user_id"), scope_of(row))).collect())
}

/// Keeps a member's scope (an empty one is none: the whole organization).
pub(crate) async fn save(
    executor: impl PgExecutor<'_>,
    organization: OrganizationId,
    user: UserId,
    scope: &SyncScope,
) -> Result<(), sqlx::Error> {
    let (_, segments, programs) = parameters(scope);
    // Sites are kept as typed, and compared without case.
    sqlx::query(
        "WITH gone AS (DELETE FROM user_scopes WHERE organization_id = $1 AND user_id = $2 AND $6)
         INSERT INTO user_scopes (organization_id, user_id, sites, segment_ids, program_ids)
         SELECT $1, $2, $3, $4, $5 WHERE NOT $6
         ON CONFLICT (organization_id, user_id) DO UPDATE
           SET sites = excluded.sites, segment_ids = excluded.segment_ids, program_ids = excluded.program_ids,
               updated_at = now()",
    )
    .bind(organization.as_uuid())
    .bind(user.as_uuid())
    .bind(scope.sites.clone())
    .bind(segments)
    .bind(programs)
    .bind(scope.is_whole_organization())
    .execute(executor)
    .await?;
    Ok(())
}

/// A scope's three SQL parameters for [`workers_sql`]: its sites compared without case,
/// its segments and its programs.
pub(crate) fn parameters(scope: &SyncScope) -> (Vec<String>, Vec<Uuid>, Vec<Uuid>) {
    (
        scope.sites.iter().map(|site| site.to_lowercase()).collect(),
        scope.segments.iter().map(|id| id.as_uuid()).collect(),
        scope.programs.iter().map(|id| id.as_uuid()).collect(),
    )
}

/// The ids of the live workers in a scope, `$1` the organization and `$n`, `$n+1` and
/// `$n+2` the scope's [`parameters`]: those at one of its sites, members of one of its
/// segments, or enrolled in one of its programs. Each part reads its own index.
pub(crate) fn workers_sql(n: usize) -> String {
    let live =
        "JOIN workers w ON w.organization_id = x.organization_id AND w.id = x.worker_id AND w.deleted_at IS NULL";
    format!(
        "SELECT w.id FROM workers w
          WHERE w.organization_id = $1 AND w.deleted_at IS NULL
            AND lower(btrim(w.custom_attributes ->> 'site')) = ANY(${n}::text[])
         UNION
         SELECT x.worker_id FROM worker_segment x {live}
          WHERE x.organization_id = $1 AND x.deleted_at IS NULL AND x.segment_id = ANY(${s}::uuid[])
         UNION
         SELECT x.worker_id FROM worker_assignments x {live}
          WHERE x.organization_id = $1 AND x.deleted_at IS NULL AND x.program_id = ANY(${p}::uuid[])",
        s = n + 1,
        p = n + 2,
    )
}

/// The condition that a row of `spec` (as `alias`) belongs to one of the workers that
/// the query `workers` selects (its one column their ids), or None when its rows are
/// everyone's; `$1` is the organization.
pub(crate) fn owned_by(spec: &EntitySpec, alias: &str, workers: &str) -> Option<String> {
    owned_by_sql(spec, alias, Some("$1"), &|column| format!("{column} IN ({workers})"))
}

/// Keeps the workers a device was just told it holds, and the set it was told before
/// when this one is another (`push_scope.rs` reads both).
pub(crate) async fn record_sent(
    executor: impl PgExecutor<'_>,
    organization: OrganizationId,
    device: DeviceId,
    workers: &[Uuid],
) -> Result<(), sqlx::Error> {
    sqlx::query(
        "INSERT INTO device_scopes (organization_id, device_id, workers) VALUES ($1, $2, $3)
         ON CONFLICT (organization_id, device_id) DO UPDATE
           SET previous = CASE WHEN device_scopes.workers = excluded.workers THEN device_scopes.previous
                               ELSE device_scopes.workers END,
               workers = excluded.workers, sent_at = now()",
    )
    .bind(organization.as_uuid())
    .bind(device.as_uuid())
    .bind(workers)
    .execute(executor)
    .await?;
    Ok(())
}

/// The device holds the whole organization again: none of its changes is held to a set.
pub(crate) async fn forget_sent(
    executor: impl PgExecutor<'_>,
    organization: OrganizationId,
    device: DeviceId,
) -> Result<(), sqlx::Error> {
    sqlx::query("DELETE FROM device_scopes WHERE organization_id = $1 AND device_id = $2")
        .bind(organization.as_uuid())
        .bind(device.as_uuid())
        .execute(executor)
        .await?;
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;
    use stride_domain::EntityKind;

    #[test]
    fn a_quiz_attempt_is_held_through_its_progress_and_enrollment() {
        let sql = owned_by(EntityKind::QuizAttempts.spec(), "t", "SELECT id FROM held").unwrap();
        assert!(sql.contains("t.worker_progress_id IN (SELECT t_worker_progress.id FROM worker_progress"), "{sql}");
        assert!(sql.contains("t_worker_progress_worker_assignments.worker_id IN (SELECT id FROM held)"), "{sql}");
        assert!(!sql.contains("t.organization_id"), "read once, not once a row: {sql}");
        assert_eq!(owned_by(EntityKind::Content.spec(), "t", "SELECT id FROM held"), None);
    }
}

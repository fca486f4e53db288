//! The SQL of a push: the device's sequence, the changes applied before, the rows a
//! batch touches (read and locked) and refers to, and the writes of its plan — a handful
//! of statements per batch, not a few per change.
//!
//! Locks are taken in one order by every group of pushes (the device rows by id, the organization row when
//! the tier counts, the touched rows by table and key, the version counter last) and are
//! the weakest that serve: `FOR NO KEY UPDATE`, which the foreign-key checks of other
//! pushes' inserts (KEY SHARE) do not wait for.

use crate::auth::AuthenticatedDevice;
use crate::deletes::{delete, delete_following_the_seed};
use crate::enrollments::LiveEnrollments;
use crate::push_plan::{enrollments_written, Loaded, RowId, Stored, Wanted, Write, Writes};
use crate::push_rules::{key_condition, stored_fields, Checked, Fields};
use serde_json::Value;
use sqlx::{Postgres, Row, Transaction};
use std::collections::{BTreeMap, HashMap, HashSet};
use stride_domain::api::{Outcome, PushedChange};
use stride_domain::registry::REGISTRY;
use stride_domain::{CopyState, EntityKind, EntitySpec, Hlc, OrganizationId};
use uuid::Uuid;

type Tx<'t> = Transaction<'t, Postgres>;

/// The last sequence number of each device whose row is there, by id, their rows locked
/// until commit, in one order (by id): the lock serializes pushes of one device, so a
/// retry racing the original cannot apply anything twice.
pub(crate) async fn lock_devices(
    tx: &mut Tx<'_>,
    organization: OrganizationId,
    devices: &[&AuthenticatedDevice],
) -> Result<HashMap<Uuid, i64>, sqlx::Error> {
    let ids: Vec<Uuid> = devices.iter().map(|device| device.device_id.as_uuid()).collect();
    sqlx::query_as(
        "SELECT id, last_seq FROM devices WHERE organization_id = $1 AND id = ANY($2) ORDER BY id FOR NO KEY UPDATE",
    )
    .bind(organization.as_uuid())
    .bind(&ids)
    .fetch_all(&mut **tx)
    .await
    .map(|rows| rows.into_iter().collect())
}

/// Sets each device's last sequence number (`seqs[i]` is `devices[i]`'s).
pub(crate) async fn set_last_seqs(
    tx: &mut Tx<'_>,
    organization: OrganizationId,
    devices: &[&AuthenticatedDevice],
    seqs: &[i64],
) -> Result<(), sqlx::Error> {
    let ids: Vec<Uuid> = devices.iter().map(|device| device.device_id.as_uuid()).collect();
    sqlx::query(
        "UPDATE devices d SET last_seq = s.seq FROM unnest($2::uuid[], $3::bigint[]) AS s (id, seq)
         WHERE d.organization_id = $1 AND d.id = s.id",
    )
    .bind(organization.as_uuid())
    .bind(&ids)
    .bind(seqs)
    .execute(&mut **tx)
    .await?;
    Ok(())
}

/// What the audit trail says a change was, when it was applied before.
pub(crate) struct Logged {
    entity: String,
    row_key: String,
    op: String,
}

impl Logged {
    /// Whether `pushed` is the change logged (the same id naming the same row and op).
    pub(crate) fn names(&self, pushed: &PushedChange) -> bool {
        let change = &pushed.change;
        self.entity == change.entity.table() && self.row_key == change.row_key.as_str() && self.op == change.op.as_str()
    }
}

/// The changes of `pushed` the organization has applied before, by change id.
pub(crate) async fn applied_before(
    tx: &mut Tx<'_>,
    organization: OrganizationId,
    pushed: &[&PushedChange],
) -> Result<HashMap<Uuid, Logged>, sqlx::Error> {
    let ids: Vec<Uuid> = pushed.iter().map(|p| p.change.change_id.as_uuid()).collect();
    let rows = sqlx::query(
        "SELECT change_id, entity, row_key, op FROM change_log WHERE organization_id = $1 AND change_id = ANY($2)",
    )
    .bind(organization.as_uuid())
    .bind(&ids)
    .fetch_all(&mut **tx)
    .await?;
    Ok(rows
        .into_iter()
        .map(|row| {
            (row.get("change_id"), Logged { entity: row.get("entity"), row_key: row.get("row_key"), op: row.get("op") })
        })
        .collect())
}

/// Reads what the plan of `checked` needs: the touched rows (locked), the referenced
/// ids that exist, and the live enrollments of the pairs it writes.
pub(crate) async fn load(
    tx: &mut Tx<'_>,
    org: Uuid,
    checked: &[Result<Checked<'_>, Outcome>],
    enrollments: &mut LiveEnrollments,
) -> Result<Loaded, sqlx::Error> {
    let wanted = Wanted::of(checked);
    let rows = lock_rows(tx, org, &wanted.touched).await?;
    let (existing, locked) = existing_rows(tx, org, &wanted.referenced).await?;
    enrollments.learn(tx, org, enrollments_written(checked, &rows).collect::<Vec<_>>().into_iter()).await?;
    Ok(Loaded { rows, existing, locked })
}

/// The rows the batch touches, with their field clocks, locked until commit in one
/// order (by table, then key) so that two pushes never wait for each other in a circle.
async fn lock_rows(
    tx: &mut Tx<'_>,
    org: Uuid,
    touched: &BTreeMap<&'static str, (&'static EntitySpec, Vec<Vec<Uuid>>)>,
) -> Result<HashMap<RowId, Stored>, sqlx::Error> {
    let mut rows = HashMap::new();
    for (table, (spec, keys)) in touched {
        let arrays: Vec<String> = (0..spec.key.len()).map(|i| format!("${}::uuid[]", i + 2)).collect();
        let key = spec.key.iter().map(|k| format!("t.{k}")).collect::<Vec<_>>().join(", ");
        let sql = format!(
            "SELECT {key}, t.field_hlc, to_jsonb(t) AS stored FROM {table} t
             WHERE t.{tenant} = $1 AND ({key}) IN (SELECT * FROM unnest({arrays}))
             ORDER BY {key}
             FOR NO KEY UPDATE",
            tenant = spec.tenant_column(),
            arrays = arrays.join(", "),
        );
        let mut query = sqlx::query(sqlx::AssertSqlSafe(sql)).bind(org);
        for i in 0..spec.key.len() {
            query = query.bind(keys.iter().map(|key| key[i]).collect::<Vec<Uuid>>());
        }
        for row in query.fetch_all(&mut **tx).await? {
            let key: Vec<Uuid> = (0..spec.key.len()).map(|i| row.get::<Uuid, _>(i)).collect();
            let stored = Stored { clocks: row.get("field_hlc"), fields: stored_fields(row.get("stored")) };
            rows.insert((*table, key), stored);
        }
    }
    Ok(rows)
}

/// Referenced rows: (those that exist in the organization, deleted or not; those of
/// them that are locked copies of a marketplace listing).
type Referenced = (HashSet<(&'static str, Uuid)>, HashSet<(&'static str, Uuid)>);

/// Which of the referenced ids exist in the organization (deleted or not), and which of
/// those are locked copies.
async fn existing_rows(
    tx: &mut Tx<'_>,
    org: Uuid,
    referenced: &BTreeMap<&'static str, Vec<Uuid>>,
) -> Result<Referenced, sqlx::Error> {
    let (mut found, mut locked) = (HashSet::new(), HashSet::new());
    for (table, ids) in referenced {
        let copied = REGISTRY.iter().any(|spec| spec.table == *table && spec.column("source_state").is_some());
        let locked_column = if copied {
            format!("source_state IS NOT DISTINCT FROM '{}'", CopyState::Following.as_str())
        } else {
            "false".to_owned()
        };
        let sql = format!("SELECT id, {locked_column} FROM {table} WHERE organization_id = $1 AND id = ANY($2)");
        let rows = sqlx::query_as::<_, (Uuid, bool)>(sqlx::AssertSqlSafe(sql))
            .bind(org)
            .bind(ids)
            .fetch_all(&mut **tx)
            .await?;
        for (id, is_locked) in rows {
            found.insert((*table, id));
            if is_locked {
                locked.insert((*table, id));
            }
        }
    }
    Ok((found, locked))
}

/// Rows a delete reached by the seed's ON DELETE rules, besides its own.
pub(crate) type Deleted = Vec<(EntityKind, Uuid)>;

/// Does the plan's writes. Returns the rows its deletes reached through the seed's rules,
/// or the refusal of such a delete (a row a live row still uses under RESTRICT).
pub(crate) async fn write(tx: &mut Tx<'_>, org: Uuid, writes: Writes) -> Result<Result<Deleted, Outcome>, sqlx::Error> {
    let Writes { log, lost, inserts, later } = writes;
    // The audit trail first: it takes no version, so the organization's version counter
    // is locked (by the first write below) for as short a time as can be.
    if !log.is_empty() {
        sqlx::query(
            "INSERT INTO change_log (organization_id, change_id, device_id, device_seq, user_id, entity, row_key, op, fields, hlc)
             SELECT $1, x.change_id, x.device_id, x.device_seq, x.user_id, x.entity, x.row_key, x.op, x.fields, x.hlc
             FROM jsonb_to_recordset($2) AS x(change_id uuid, device_id uuid, device_seq bigint, user_id uuid, entity text, row_key text, op text, fields jsonb, hlc text)",
        )
        .bind(org)
        .bind(Value::Array(log))
        .execute(&mut **tx)
        .await?;
    }
    record_conflicts(tx, org, lost).await?;
    // Parents before children (the registry's order), so references hold at once.
    for ((position, columns), rows) in inserts {
        let table = REGISTRY[position].table;
        let sql = format!(
            "INSERT INTO {table} ({list}) SELECT {list} FROM jsonb_populate_recordset(NULL::{table}, $1)",
            list = columns.join(", "),
        );
        sqlx::query(sqlx::AssertSqlSafe(sql)).bind(Value::Array(rows)).execute(&mut **tx).await?;
    }
    let mut reached = Deleted::new();
    for write in later {
        match write {
            Write::Update { spec, key, winners, hlc, revive } => {
                write_winners(tx, spec, org, &key, winners, hlc, revive).await?
            }
            Write::Delete { spec, key, hlc, follow: false } => {
                // The plan saw the row, which is locked: it is there to delete.
                let _ = delete(tx, spec, org, &key, hlc).await?;
            }
            Write::Delete { spec, key, hlc, follow: true } => {
                match delete_following_the_seed(tx, spec, org, &key, hlc).await? {
                    Ok(deleted) => reached.extend(deleted),
                    Err(refused) => return Ok(Err(refused)),
                }
            }
        }
    }
    Ok(Ok(reached))
}

/// Keeps the conflicts (made by `push_rules::conflict_row`) in one statement. A stored value that lost
/// belongs to the device of the change that wrote it, found in the audit trail by its
/// stamp; one the audit trail does not hold (rows older than it) has no one to tell.
pub(crate) async fn record_conflicts(tx: &mut Tx<'_>, org: Uuid, rows: Vec<Value>) -> Result<(), sqlx::Error> {
    if rows.is_empty() {
        return Ok(());
    }
    sqlx::query(
        "INSERT INTO conflicts (organization_id, entity, row_key, field, kept, lost, kept_hlc, lost_hlc, lost_device_id, change_id)
         SELECT $1, x.entity, x.row_key, x.field, x.kept, x.lost, x.kept_hlc, x.lost_hlc, d.device_id, x.change_id
         FROM jsonb_to_recordset($2) AS x(entity text, row_key text, field text, kept jsonb, lost jsonb,
                                          kept_hlc text, lost_hlc text, lost_device_id uuid, change_id uuid)
         CROSS JOIN LATERAL (
           SELECT coalesce(x.lost_device_id, (
             SELECT c.device_id FROM change_log c
             WHERE c.organization_id = $1 AND c.entity = x.entity AND c.row_key = x.row_key AND c.hlc = x.lost_hlc
             ORDER BY c.id DESC LIMIT 1)) AS device_id
         ) d
         WHERE d.device_id IS NOT NULL",
    )
    .bind(org)
    .bind(Value::Array(rows))
    .execute(&mut **tx)
    .await?;
    Ok(())
}

/// Sets the fields that won their clock comparison, and their clocks; `revive` brings a
/// tombstone back (the key, organization and creation time stay as they were).
async fn write_winners(
    tx: &mut Tx<'_>,
    spec: &EntitySpec,
    org: Uuid,
    key: &[Uuid],
    mut winners: Fields,
    hlc: Hlc,
    revive: bool,
) -> Result<(), sqlx::Error> {
    let stamp = Value::String(hlc.to_string());
    let tenant = spec.tenant_column();
    winners.retain(|name, _| !spec.key.contains(&name.as_str()) && name != tenant && name != "created_at");
    let mut assignments: Vec<String> = winners.keys().map(|name| format!("{name} = r.{name}")).collect();
    if revive {
        assignments.push("deleted_at = NULL".into());
    }
    if assignments.is_empty() {
        return Ok(());
    }
    let won_clocks: Fields = winners.keys().map(|name| (name.clone(), stamp.clone())).collect();
    let sql = format!(
        "UPDATE {table} t SET {assignments}, field_hlc = t.field_hlc || $1
         FROM jsonb_populate_record(NULL::{table}, $2) r
         WHERE t.{tenant} = $3 AND {key}",
        table = spec.table,
        assignments = assignments.join(", "),
        key = key_condition(spec, 4),
    );
    let mut query =
        sqlx::query(sqlx::AssertSqlSafe(sql)).bind(Value::Object(won_clocks)).bind(Value::Object(winners)).bind(org);
    for part in key {
        query = query.bind(*part);
    }
    query.execute(&mut **tx).await?;
    Ok(())
}

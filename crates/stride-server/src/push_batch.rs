//! The fast path of a push: the whole batch in a handful of statements instead of a
//! few per change. The rows the batch touches are read (and locked) with one query per
//! table, the rows it refers to with one query per referenced table; every change is
//! then decided in memory, in order, by the same rules as one at a time; new rows go in
//! with one INSERT per table, edits and deletes follow in order, and the audit trail in
//! one INSERT. The organization's version counter stays locked only for those writes.
//!
//! If the database refuses any of it (a constraint the checks did not foresee), the
//! batch is rolled back and the caller takes it change by change, so that only the
//! offending change is refused.

use crate::auth::AuthenticatedDevice;
use crate::deletes::{delete, reaches_others};
use crate::enrollments::LiveEnrollments;
use crate::push::{enrollment_after, write_winners, Limits};
use crate::push_rules::{
    check, conflicts, judge, reject, revives, stored_fields, winners, with_clocks, Checked, FieldConflict,
};
use serde_json::{json, Map, Value};
use sqlx::{Postgres, Row, Transaction};
use std::collections::{BTreeMap, HashMap, HashSet};
use stride_domain::api::{Outcome, PushedChange, RejectionCode};
use stride_domain::registry::REGISTRY;
use stride_domain::{ChangeOp, EntityKind, EntitySpec, Hlc};
use uuid::Uuid;

type Fields = Map<String, Value>;
/// A row by its table and key.
type RowId = (&'static str, Vec<Uuid>);

/// A row the batch touches as it stands so far: its field clocks and its fields.
struct Stored {
    clocks: Value,
    fields: Fields,
}

impl Stored {
    /// What a delete in this batch leaves: a tombstone stamped by it.
    fn deleted(&mut self, hlc: Hlc) {
        if self.fields.get("deleted_at").is_none_or(Value::is_null) {
            self.fields.insert("deleted_at".into(), Value::String(stride_domain::Timestamp::now().to_string()));
        }
        if let Value::Object(clocks) = &mut self.clocks {
            let stamp = hlc.to_string();
            let latest =
                clocks.get(crate::push_rules::DELETE_CLOCK).and_then(Value::as_str).filter(|s| *s > stamp.as_str());
            if latest.is_none() {
                clocks.insert(crate::push_rules::DELETE_CLOCK.into(), Value::String(stamp));
            }
        }
    }
}

/// A write decided in memory, done after the batch's inserts.
enum Write {
    Update { spec: &'static EntitySpec, key: Vec<Uuid>, winners: Fields, hlc: Hlc, revive: bool },
    Delete { spec: &'static EntitySpec, key: Vec<Uuid>, hlc: Hlc },
}

/// Applies `fresh` (changes not applied before, in order). Returns one outcome per
/// change, or None when the database refused the batch and nothing of it was written.
pub(crate) async fn apply(
    tx: &mut Transaction<'static, Postgres>,
    device: &AuthenticatedDevice,
    fresh: &[&PushedChange],
    now_ms: i64,
    limits: &mut Limits,
) -> Result<Option<Vec<Outcome>>, sqlx::Error> {
    let org = device.organization_id.as_uuid();
    let checked: Vec<Result<Checked<'_>, Outcome>> = fresh.iter().map(|pushed| check(device, pushed, now_ms)).collect();
    // A delete that reaches other rows (`deletes.rs`) is taken change by change.
    if checked.iter().flatten().any(|c| c.change.op == ChangeOp::Delete && reaches_others(c.spec)) {
        return Ok(None);
    }

    let mut touched: BTreeMap<&'static str, (&'static EntitySpec, Vec<Vec<Uuid>>)> = BTreeMap::new();
    let mut referenced: BTreeMap<&'static str, Vec<Uuid>> = BTreeMap::new();
    for c in checked.iter().flatten() {
        touched.entry(c.spec.table).or_insert((c.spec, Vec::new())).1.push(c.key.clone());
        for (name, value) in &c.change.fields {
            if let (Some(fk), Some(id)) = (c.spec.column(name).and_then(|col| col.references), value.as_str()) {
                if fk.table != "organizations" {
                    referenced.entry(fk.table).or_default().extend(Uuid::parse_str(id).ok());
                }
            }
        }
    }
    let mut rows = lock_rows(tx, org, &touched).await?;
    let existing = existing_rows(tx, org, &referenced).await?;
    let enrollments = checked.iter().flatten().filter(|c| c.spec.kind == EntityKind::WorkerAssignments);
    let after = enrollments.map(|c| {
        enrollment_after(rows.get(&(c.spec.table, c.key.clone())).map(|s| &s.fields), &c.change.fields, false)
    });
    limits.enrollments.learn(tx, org, after.collect::<Vec<_>>().into_iter()).await?;

    let mut inserts: BTreeMap<(usize, Vec<String>), Vec<Value>> = BTreeMap::new();
    let mut later = Vec::new();
    let mut log = Vec::new();
    let mut lost = Vec::new();
    let mut outcomes = Vec::with_capacity(fresh.len());
    for (pushed, checked) in fresh.iter().zip(checked) {
        let c = match checked {
            Ok(c) => c,
            Err(refused) => {
                outcomes.push(refused);
                continue;
            }
        };
        let id: RowId = (c.spec.table, c.key.clone());
        let mut applied_fields = c.change.fields.clone();
        let outcome = match c.change.op {
            ChangeOp::Delete if rows.contains_key(&id) => {
                if let Some(stored) = rows.get_mut(&id) {
                    stored.deleted(c.hlc);
                }
                if c.spec.kind == EntityKind::WorkerAssignments {
                    limits.enrollments.deleted(c.key[0]);
                }
                later.push(Write::Delete { spec: c.spec, key: c.key.clone(), hlc: c.hlc });
                Outcome::Applied
            }
            ChangeOp::Delete => reject(RejectionCode::NotFound, format!("{} has no such row", c.spec.table)),
            ChangeOp::Upsert => match missing_reference(&c, &existing, &rows, &limits.enrollments) {
                Some(refused) => refused,
                None => match decide(&c, org, rows.get_mut(&id), limits) {
                    Err(refused) => refused,
                    Ok((judged, decided, found)) => {
                        lost.extend(found.iter().map(|f| {
                            crate::conflicts::row(
                                c.spec.kind,
                                &c.change.row_key,
                                c.change.change_id,
                                device.device_id.as_uuid(),
                                f,
                            )
                        }));
                        match decided {
                            Decided::Insert(row) => {
                                let columns: Vec<String> = row.keys().cloned().collect();
                                let position =
                                    REGISTRY.iter().position(|s| s.table == c.spec.table).unwrap_or(usize::MAX);
                                let clocks = row.get("field_hlc").cloned().unwrap_or(Value::Null);
                                rows.insert(id, Stored { clocks, fields: row.clone() });
                                inserts.entry((position, columns)).or_default().push(Value::Object(row));
                            }
                            Decided::Update { winners, revive } if revive || !winners.is_empty() => later
                                .push(Write::Update { spec: c.spec, key: c.key.clone(), winners, hlc: c.hlc, revive }),
                            Decided::Update { .. } => {}
                        }
                        applied_fields = judged;
                        Outcome::Applied
                    }
                },
            },
        };
        if outcome == Outcome::Applied {
            log.push(json!({
                "change_id": c.change.change_id, "device_seq": pushed.seq, "entity": c.spec.table,
                "row_key": c.change.row_key.as_str(), "op": c.change.op.as_str(),
                "fields": Value::Object(applied_fields), "hlc": c.hlc.to_string(),
            }));
        }
        outcomes.push(outcome);
    }

    let mut savepoint = sqlx::Connection::begin(&mut **tx).await?;
    match write(&mut savepoint, device, inserts, later, log, lost).await {
        Ok(()) => {
            savepoint.commit().await?;
            Ok(Some(outcomes))
        }
        Err(sqlx::Error::Database(db)) if matches!(db.code().as_deref().map(|c| &c[..2]), Some("22" | "23")) => {
            savepoint.rollback().await?;
            tracing::info!(problem = %db.message(), "a push batch was refused whole; taking it change by change");
            Ok(None)
        }
        Err(other) => Err(other),
    }
}

/// What an upsert does to its row, decided in memory.
enum Decided {
    /// A new row, with its field clocks.
    Insert(Fields),
    /// The fields of an edit that won their clock comparison (all of them when the row
    /// is made again after a delete: `revive`).
    Update { winners: Fields, revive: bool },
}

/// Judges an upsert against the row as the batch has left it so far, takes its place in
/// the tier, and keeps the row's fields and clocks up to date for the changes after it.
/// Returns the change's fields as applied (canonical), the write, and the conflicts it meets.
fn decide(
    c: &Checked<'_>,
    org: Uuid,
    stored: Option<&mut Stored>,
    limits: &mut Limits,
) -> Result<(Fields, Decided, Vec<FieldConflict>), Outcome> {
    let judged = judge(c.spec, org, &c.key, stored.as_ref().map(|s| &s.fields), &c.change.fields)?;
    let revive = stored.as_ref().is_some_and(|s| revives(c.spec, &s.fields, &s.clocks, &c.change.fields, c.hlc));
    if c.spec.kind == EntityKind::WorkerAssignments {
        let before = stored.as_ref().map(|s| &s.fields);
        limits.enrollments.admit(c.key[0], before, &enrollment_after(before, &judged, revive))?;
    }
    let quota = &mut limits.quota;
    let Some(stored) = stored else {
        quota.admit(c.spec, &judged)?;
        let row = with_clocks(judged.clone(), &c.change.fields, c.hlc);
        return Ok((judged, Decided::Insert(row), Vec::new()));
    };
    let won = if revive { judged.clone() } else { winners(c.spec, &judged, &stored.clocks, c.hlc) };
    let found = if revive {
        quota.admit(c.spec, &judged)?;
        stored.fields.insert("deleted_at".into(), Value::Null);
        Vec::new()
    } else {
        quota.admit_edit(c.spec, &stored.fields, &won)?;
        conflicts(c, org, &stored.fields, &stored.clocks, &judged, &won)
    };
    if let Value::Object(clocks) = &mut stored.clocks {
        for name in won.keys() {
            clocks.insert(name.clone(), Value::String(c.hlc.to_string()));
        }
    }
    stored.fields.extend(won.iter().map(|(name, value)| (name.clone(), value.clone())));
    Ok((judged, Decided::Update { winners: won, revive }, found))
}

/// A reference of `c` to a row that is neither in the organization nor new in this batch.
fn missing_reference(
    c: &Checked<'_>,
    existing: &HashSet<(&str, Uuid)>,
    batch: &HashMap<RowId, Stored>,
    enrollments: &LiveEnrollments,
) -> Option<Outcome> {
    c.change.fields.iter().find_map(|(name, value)| {
        let fk = c.spec.column(name)?.references?;
        if fk.table == "organizations" {
            return None;
        }
        let id = Uuid::parse_str(value.as_str()?).unwrap_or_default();
        let found = existing.contains(&(fk.table, id)) || batch.contains_key(&(fk.table, vec![id]));
        (!found).then(|| {
            enrollments.refused_reference(fk.table, id).unwrap_or_else(|| {
                reject(
                    RejectionCode::MissingReference,
                    format!("{name} refers to a row of {} that does not exist", fk.table),
                )
            })
        })
    })
}

/// The rows the batch touches, with their field clocks, locked until commit in one
/// order (by table, then key) so that two pushes never wait for each other in a circle.
/// NO KEY UPDATE: the foreign-key checks of other pushes' inserts (KEY SHARE) pass it.
async fn lock_rows(
    tx: &mut Transaction<'static, Postgres>,
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

/// Which of the referenced ids exist in the organization (deleted or not).
async fn existing_rows(
    tx: &mut Transaction<'static, Postgres>,
    org: Uuid,
    referenced: &BTreeMap<&'static str, Vec<Uuid>>,
) -> Result<HashSet<(&'static str, Uuid)>, sqlx::Error> {
    let mut found = HashSet::new();
    for (table, ids) in referenced {
        let sql = format!("SELECT id FROM {table} WHERE organization_id = $1 AND id = ANY($2)");
        let rows =
            sqlx::query_scalar::<_, Uuid>(sqlx::AssertSqlSafe(sql)).bind(org).bind(ids).fetch_all(&mut **tx).await?;
        found.extend(rows.into_iter().map(|id| (*table, id)));
    }
    Ok(found)
}

async fn write(
    tx: &mut Transaction<'_, Postgres>,
    device: &AuthenticatedDevice,
    inserts: BTreeMap<(usize, Vec<String>), Vec<Value>>,
    later: Vec<Write>,
    log: Vec<Value>,
    lost: Vec<Value>,
) -> Result<(), sqlx::Error> {
    let org = device.organization_id.as_uuid();
    // The audit trail first: it takes no version, so the organization's version counter
    // is locked (by the first write below) for as short a time as can be.
    if !log.is_empty() {
        sqlx::query(
            "INSERT INTO change_log (organization_id, change_id, device_id, device_seq, user_id, entity, row_key, op, fields, hlc)
             SELECT $1, x.change_id, $2, x.device_seq, $3, x.entity, x.row_key, x.op, x.fields, x.hlc
             FROM jsonb_to_recordset($4) AS x(change_id uuid, device_seq bigint, entity text, row_key text, op text, fields jsonb, hlc text)",
        )
        .bind(org)
        .bind(device.device_id.as_uuid())
        .bind(device.user_id.as_uuid())
        .bind(Value::Array(log))
        .execute(&mut **tx)
        .await?;
    }
    crate::conflicts::record(tx, org, lost).await?;
    // Parents before children (the registry's order), so references hold at once.
    for ((position, columns), rows) in inserts {
        let table = REGISTRY[position].table;
        let sql = format!(
            "INSERT INTO {table} ({list}) SELECT {list} FROM jsonb_populate_recordset(NULL::{table}, $1)",
            list = columns.join(", "),
        );
        sqlx::query(sqlx::AssertSqlSafe(sql)).bind(Value::Array(rows)).execute(&mut **tx).await?;
    }
    for write in later {
        match write {
            Write::Update { spec, key, winners, hlc, revive } => {
                write_winners(tx, spec, org, &key, winners, hlc, revive).await?
            }
            Write::Delete { spec, key, hlc } => {
                let _ = delete(tx, spec, org, &key, hlc).await?;
            }
        }
    }
    Ok(())
}

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
use crate::push::{check, delete, new_row, reject, winners, write_winners, Checked};
use crate::quota::Quota;
use serde_json::{json, Map, Value};
use sqlx::{Postgres, Row, Transaction};
use std::collections::{BTreeMap, HashMap, HashSet};
use stride_domain::api::{Outcome, PushedChange, RejectionCode};
use stride_domain::registry::REGISTRY;
use stride_domain::{ChangeOp, EntitySpec, Hlc};
use uuid::Uuid;

type Fields = Map<String, Value>;
/// A row by its table and key.
type RowId = (&'static str, Vec<Uuid>);

/// A write decided in memory, done after the batch's inserts.
enum Write {
    Update { spec: &'static EntitySpec, key: Vec<Uuid>, winners: Fields, hlc: Hlc },
    Delete { spec: &'static EntitySpec, key: Vec<Uuid> },
}

/// Applies `fresh` (changes not applied before, in order). Returns one outcome per
/// change, or None when the database refused the batch and nothing of it was written.
pub(crate) async fn apply(
    tx: &mut Transaction<'static, Postgres>,
    device: &AuthenticatedDevice,
    fresh: &[&PushedChange],
    now_ms: i64,
    quota: &mut Quota,
) -> Result<Option<Vec<Outcome>>, sqlx::Error> {
    let org = device.organization_id.as_uuid();
    let checked: Vec<Result<Checked<'_>, Outcome>> = fresh.iter().map(|pushed| check(device, pushed, now_ms)).collect();

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
    let mut clocks = lock_rows(tx, org, &touched).await?;
    let existing = existing_rows(tx, org, &referenced).await?;

    let mut inserts: BTreeMap<(usize, Vec<String>), Vec<Value>> = BTreeMap::new();
    let mut later = Vec::new();
    let mut log = Vec::new();
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
        let outcome = match c.change.op {
            ChangeOp::Delete if clocks.contains_key(&id) => {
                later.push(Write::Delete { spec: c.spec, key: c.key.clone() });
                Outcome::Applied
            }
            ChangeOp::Delete => reject(RejectionCode::NotFound, format!("{} has no such row", c.spec.table)),
            ChangeOp::Upsert => match missing_reference(&c, &existing, &clocks) {
                Some(refused) => refused,
                None => match clocks.get_mut(&id) {
                    None => match new_row(c.spec, org, &c.key, &c.change.fields, c.hlc)
                        .and_then(|row| quota.admit(c.spec, &row).map(|()| row))
                    {
                        Ok(row) => {
                            let columns: Vec<String> = row.keys().cloned().collect();
                            let position = REGISTRY.iter().position(|s| s.table == c.spec.table).unwrap_or(usize::MAX);
                            clocks.insert(id, row.get("field_hlc").cloned().unwrap_or(Value::Null));
                            inserts.entry((position, columns)).or_default().push(Value::Object(row));
                            Outcome::Applied
                        }
                        Err(refused) => refused,
                    },
                    Some(stored) => {
                        let won = winners(c.spec, &c.change.fields, stored, c.hlc);
                        if !won.is_empty() {
                            if let Value::Object(stored) = stored {
                                for name in won.keys() {
                                    stored.insert(name.clone(), Value::String(c.hlc.to_string()));
                                }
                            }
                            later.push(Write::Update { spec: c.spec, key: c.key.clone(), winners: won, hlc: c.hlc });
                        }
                        Outcome::Applied
                    }
                },
            },
        };
        if outcome == Outcome::Applied {
            log.push(json!({
                "change_id": c.change.change_id, "device_seq": pushed.seq, "entity": c.spec.table,
                "row_key": c.change.row_key.as_str(), "op": c.change.op.as_str(),
                "fields": Value::Object(c.change.fields.clone()), "hlc": c.hlc.to_string(),
            }));
        }
        outcomes.push(outcome);
    }

    let mut savepoint = sqlx::Connection::begin(&mut **tx).await?;
    match write(&mut savepoint, device, inserts, later, log).await {
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

/// A reference of `c` to a row that is neither in the organization nor new in this batch.
fn missing_reference(
    c: &Checked<'_>,
    existing: &HashSet<(&str, Uuid)>,
    batch: &HashMap<RowId, Value>,
) -> Option<Outcome> {
    c.change.fields.iter().find_map(|(name, value)| {
        let fk = c.spec.column(name)?.references?;
        if fk.table == "organizations" {
            return None;
        }
        let id = Uuid::parse_str(value.as_str()?).unwrap_or_default();
        let found = existing.contains(&(fk.table, id)) || batch.contains_key(&(fk.table, vec![id]));
        (!found).then(|| {
            reject(
                RejectionCode::MissingReference,
                format!("{name} refers to a row of {} that does not exist", fk.table),
            )
        })
    })
}

/// The stored field clocks of the rows the batch touches, locked until commit.
async fn lock_rows(
    tx: &mut Transaction<'static, Postgres>,
    org: Uuid,
    touched: &BTreeMap<&'static str, (&'static EntitySpec, Vec<Vec<Uuid>>)>,
) -> Result<HashMap<RowId, Value>, sqlx::Error> {
    let mut clocks = HashMap::new();
    for (table, (spec, keys)) in touched {
        let arrays: Vec<String> = (0..spec.key.len()).map(|i| format!("${}::uuid[]", i + 2)).collect();
        let sql = format!(
            "SELECT {key}, t.field_hlc FROM {table} t
             WHERE t.{tenant} = $1 AND ({key}) IN (SELECT * FROM unnest({arrays}))
             FOR UPDATE",
            key = spec.key.iter().map(|k| format!("t.{k}")).collect::<Vec<_>>().join(", "),
            tenant = spec.tenant_column(),
            arrays = arrays.join(", "),
        );
        let mut query = sqlx::query(sqlx::AssertSqlSafe(sql)).bind(org);
        for i in 0..spec.key.len() {
            query = query.bind(keys.iter().map(|key| key[i]).collect::<Vec<Uuid>>());
        }
        for row in query.fetch_all(&mut **tx).await? {
            let key: Vec<Uuid> = (0..spec.key.len()).map(|i| row.get::<Uuid, _>(i)).collect();
            clocks.insert((*table, key), row.get::<Value, _>("field_hlc"));
        }
    }
    Ok(clocks)
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
            Write::Update { spec, key, winners, hlc } => write_winners(tx, spec, org, &key, winners, hlc).await?,
            Write::Delete { spec, key } => {
                delete(tx, spec, org, &key).await?;
            }
        }
    }
    Ok(())
}

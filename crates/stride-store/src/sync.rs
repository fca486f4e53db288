//! The store's side of sync: what a push answered, and applying pulled pages (and with
//! them a change of the device's sync scope, `scope.rs`).
//!
//! A pulled page is applied in one transaction together with the new cursor, so a crash
//! leaves either all of it or none. Fields with pending local changes are not
//! overwritten (the local change is still on its way up and will come back merged).
//! Foreign keys are not checked while a page is applied: the server guarantees them
//! within the organization, and a parent edited after its child arrives in a later page
//! (its version is newer), which a per-page check would wrongly refuse.

use crate::codec;
use crate::error::{Result, StoreError};
use crate::repository::{key_condition, key_values};
use crate::scope::{backfilled, hold_whole_organization, Arrivals, ScopeChange};
use crate::store::{Mode, Store};
use rusqlite::types::Value;
use rusqlite::{params, params_from_iter, OptionalExtension};
use serde_json::Value as Json;
use std::collections::BTreeSet;
use std::sync::OnceLock;
use stride_domain::api::{ChangeResult, Outcome, PullResponse, PulledRow};
use stride_domain::registry::REGISTRY;
use stride_domain::scope::PulledScope;
use stride_domain::{EntitySpec, Hlc, RowKey, Timestamp};

/// What applying a pulled page did.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub struct Applied {
    pub rows: usize,
    /// Fields left as they are because a local change to them is still pending.
    pub kept_local_fields: usize,
    /// The page said the device holds the whole organization again: its cursor went
    /// back to the start, and the pull goes on from there.
    pub pull_again: bool,
}

impl Store {
    /// Takes in a push's answer: applied (or already applied) changes leave the outbox;
    /// refused ones stay, marked rejected with their reason, for a person to look at.
    pub fn record_push_results(&self, results: &[ChangeResult]) -> Result<()> {
        self.transaction(Mode::Write, |t| {
            let tx = &t.tx;
            for result in results {
                match &result.outcome {
                    Outcome::Applied | Outcome::AlreadyApplied => {
                        tx.prepare_cached("DELETE FROM outbox WHERE seq = ?1")?.execute([result.seq])?;
                    }
                    Outcome::Rejected { code, reason } => {
                        tx.prepare_cached(
                            "UPDATE outbox SET status = 'rejected', rejection_code = ?2, rejection_reason = ?3 WHERE seq = ?1",
                        )?
                        .execute(params![result.seq, code.as_str(), reason])?;
                    }
                }
            }
            Ok(())
        })
    }

    /// Applies one pulled page and moves the pull cursor to the page's, atomically. The
    /// device's clock takes in the server's time, so later local stamps order after it.
    /// During the first sync it also keeps the head the first page reported, and the
    /// first page that is up to date marks the first sync complete.
    pub fn apply_pulled(&self, page: &PullResponse) -> Result<Applied> {
        self.transaction(Mode::WriteWithoutForeignKeys, |t| {
            let server_time = Hlc { wall_ms: page.server_time_ms, counter: 0, node: t.device.device_id };
            t.observe(server_time);
            let (tx, now) = (&t.tx, t.now);
            let scope_change = match &page.scope {
                Some(scope) => ScopeChange::before_rows(tx, scope)?,
                None => None,
            };
            let mut applied = apply_rows(tx, &page.rows, now)?;
            // The head is kept while the first sync runs and forgotten once it is done.
            tx.execute(
                "UPDATE sync_state SET pull_cursor = ?1, last_sync_at = ?2,
                   first_sync_completed_at = CASE WHEN ?4 THEN coalesce(first_sync_completed_at, ?2)
                                                  ELSE first_sync_completed_at END,
                   first_sync_head = CASE WHEN first_sync_completed_at IS NULL AND NOT ?4
                                          THEN coalesce(first_sync_head, ?3) END
                 WHERE id = 1",
                params![page.cursor, now.to_string(), page.head, page.up_to_date],
            )?;
            let (first_sync_head, first_sync_done) = tx.query_row(
                "SELECT first_sync_head, first_sync_completed_at IS NOT NULL FROM sync_state WHERE id = 1",
                [],
                |r| Ok((r.get(0)?, r.get(1)?)),
            )?;
            match (&page.scope, scope_change) {
                (Some(scope), Some(change)) => change.after_rows(tx, scope, t.device.pull_cursor)?,
                (Some(PulledScope::Organization), _) => {
                    hold_whole_organization(tx)?;
                    applied.pull_again = true;
                }
                _ => {}
            }
            t.device.pull_cursor = if applied.pull_again { 0 } else { page.cursor };
            t.device.first_sync_head = first_sync_head;
            t.device.first_sync_done = first_sync_done;
            Ok(applied)
        })
    }

    /// Applies a page of `arrivals`' older rows, and notes how far they have come (all
    /// the way, when the page is the last).
    pub fn apply_backfill(&self, arrivals: &Arrivals, page: &PullResponse) -> Result<Applied> {
        self.transaction(Mode::WriteWithoutForeignKeys, |t| {
            let applied = apply_rows(&t.tx, &page.rows, t.now)?;
            backfilled(&t.tx, arrivals, page)?;
            Ok(applied)
        })
    }
}

/// Applies pulled rows (a pull's page, or a backfill's): a row no local change waits on
/// is written as the server has it, the others keep the fields those changes touched.
pub(crate) fn apply_rows(tx: &rusqlite::Transaction<'_>, rows: &[PulledRow], now: Timestamp) -> Result<Applied> {
    // Most pages meet an empty outbox (always on a first sync): then no row can have
    // pending fields and each is one upsert.
    let outbox_has_pending: bool =
        tx.query_row("SELECT EXISTS (SELECT 1 FROM outbox WHERE status = 'pending')", [], |r| r.get(0))?;
    let mut applied = Applied::default();
    for row in rows {
        let pending = if outbox_has_pending { pending_fields(tx, row)? } else { Pending::default() };
        applied.kept_local_fields +=
            if pending.is_empty() { upsert_row(tx, row, now)? } else { merge_row(tx, row, &pending, now)? };
        applied.rows += 1;
    }
    Ok(applied)
}

/// The fields of a row that local changes still waiting in the outbox have touched.
#[derive(Default)]
struct Pending {
    fields: BTreeSet<String>,
    delete: bool,
}

impl Pending {
    fn is_empty(&self) -> bool {
        self.fields.is_empty() && !self.delete
    }
}

/// The pending changes of one row, by the row's index: left to itself, SQLite reads every
/// pending change by the status index for each pulled row (a 5,000-row page against
/// 50,000 waiting changes took minutes).
const PENDING_OF_ROW: &str =
    "SELECT op, fields FROM outbox INDEXED BY idx_outbox_row WHERE entity = ?1 AND row_key = ?2 AND status = 'pending'";

fn pending_fields(tx: &rusqlite::Transaction<'_>, row: &PulledRow) -> Result<Pending> {
    let spec = row.entity.spec();
    let mut pending = Pending::default();
    let mut statement = tx.prepare_cached(PENDING_OF_ROW)?;
    let mut entries = statement.query(params![spec.table, key_text(spec, row)?])?;
    while let Some(entry) = entries.next()? {
        let op: String = entry.get(0)?;
        pending.delete |= op == "delete";
        if let Ok(Json::Object(fields)) = serde_json::from_str::<Json>(&entry.get::<_, String>(1)?) {
            pending.fields.extend(fields.keys().cloned());
        }
    }
    Ok(pending)
}

/// `INSERT … ON CONFLICT (key) DO UPDATE` of every column of `spec`, built once per
/// entity. A tombstone from the server wins; a row comes back only if the server kept it.
fn upsert_sql(spec: &EntitySpec) -> &'static str {
    static SQL: OnceLock<Vec<String>> = OnceLock::new();
    let all = SQL.get_or_init(|| {
        REGISTRY
            .iter()
            .map(|spec| {
                let columns: Vec<&str> = spec.columns.iter().map(|c| c.name).collect();
                let placeholders = (1..=columns.len() + 2).map(|i| format!("?{i}")).collect::<Vec<_>>().join(", ");
                let updates: Vec<String> =
                    columns.iter().filter(|c| !spec.key.contains(c)).map(|c| format!("{c} = excluded.{c}")).collect();
                format!(
                    "INSERT INTO {table} ({list}, server_version, deleted_at) VALUES ({placeholders})
                     ON CONFLICT ({key}) DO UPDATE SET {updates}, server_version = excluded.server_version,
                       deleted_at = CASE WHEN excluded.deleted_at IS NULL THEN NULL
                                         ELSE coalesce({table}.deleted_at, excluded.deleted_at) END",
                    table = spec.table,
                    list = columns.join(", "),
                    key = spec.key.join(", "),
                    updates = updates.join(", "),
                )
            })
            .collect()
    });
    let index = REGISTRY
        .iter()
        .position(|s| s.kind == spec.kind)
        .unwrap_or_else(|| unreachable!("every entity is in the registry"));
    &all[index]
}

fn deleted_at(row: &PulledRow, pending: &Pending, now: Timestamp) -> Value {
    if row.deleted || pending.delete {
        Value::Text(now.to_string())
    } else {
        Value::Null
    }
}

/// Writes a row no local change is waiting on: every column as the server has it.
fn upsert_row(tx: &rusqlite::Transaction<'_>, row: &PulledRow, now: Timestamp) -> Result<usize> {
    let spec = row.entity.spec();
    let mut values = Vec::with_capacity(spec.columns.len() + 2);
    for column in spec.columns {
        values.push(codec::to_sql(column, row.row.get(column.name).unwrap_or(&Json::Null))?);
    }
    values.push(Value::Integer(row.version));
    values.push(deleted_at(row, &Pending::default(), now));
    tx.prepare_cached(upsert_sql(spec))?.execute(params_from_iter(values))?;
    Ok(0)
}

fn key_text(spec: &EntitySpec, row: &PulledRow) -> Result<String> {
    spec.key
        .iter()
        .map(|column| row.row.get(*column).and_then(Json::as_str).map(str::to_owned))
        .collect::<Option<Vec<_>>>()
        .map(|parts| parts.join("/"))
        .ok_or_else(|| StoreError::CorruptRecord {
            what: format!("a pulled {} row", spec.table),
            problem: "its key is missing".into(),
        })
}

/// Writes a row that local changes are waiting on: the fields they touched stay as they
/// are. Returns how many fields were kept.
fn merge_row(tx: &rusqlite::Transaction<'_>, row: &PulledRow, pending: &Pending, now: Timestamp) -> Result<usize> {
    let spec = row.entity.spec();
    let key = key_text(spec, row)?;
    let key_condition = key_condition(spec);
    let key_values = key_values(&RowKey::from_text(key.clone()));
    let exists = tx
        .prepare_cached(&format!("SELECT 1 FROM {} WHERE {key_condition}", spec.table))?
        .query_row(params_from_iter(key_values.iter()), |r| r.get::<_, i64>(0))
        .optional()?
        .is_some();
    let deleted_at = deleted_at(row, pending, now);

    // The columns to write: all of them for a new row, else those without pending changes.
    let columns: Vec<&'static str> =
        spec.columns.iter().map(|c| c.name).filter(|name| !exists || !pending.fields.contains(*name)).collect();
    let kept = if exists { spec.columns.len() - columns.len() } else { 0 };
    let mut values = Vec::with_capacity(columns.len() + 2);
    for name in &columns {
        let column = spec.column(name).unwrap_or_else(|| unreachable!("{name} is a column of {}", spec.table));
        values.push(codec::to_sql(column, row.row.get(*name).unwrap_or(&Json::Null))?);
    }
    values.push(Value::Integer(row.version));
    if exists {
        let first = key_values.len() + 1;
        let mut assignments: Vec<String> =
            columns.iter().enumerate().map(|(i, c)| format!("{c} = ?{}", first + i)).collect();
        assignments.push(format!("server_version = ?{}", first + columns.len()));
        // A tombstone from the server wins; a local row comes back only if the server kept it.
        assignments.push(format!(
            "deleted_at = CASE WHEN ?{n} IS NULL THEN NULL ELSE coalesce(deleted_at, ?{n}) END",
            n = first + columns.len() + 1
        ));
        values.push(deleted_at);
        let mut all = key_values;
        all.extend(values);
        tx.prepare_cached(&format!("UPDATE {} SET {} WHERE {key_condition}", spec.table, assignments.join(", ")))?
            .execute(params_from_iter(all))?;
    } else {
        values.push(deleted_at);
        let placeholders = (1..=values.len()).map(|i| format!("?{i}")).collect::<Vec<_>>().join(", ");
        tx.prepare_cached(&format!(
            "INSERT INTO {} ({}, server_version, deleted_at) VALUES ({placeholders})",
            spec.table,
            columns.join(", ")
        ))?
        .execute(params_from_iter(values))?;
    }
    Ok(kept)
}

#[cfg(test)]
mod tests {
    #[test]
    fn a_rows_pending_changes_are_found_by_its_index() {
        let dir = tempfile::tempdir().unwrap();
        let store =
            crate::Store::open(dir.path().join("plan.sqlite3"), std::sync::Arc::new(crate::KeptInMemory::new()))
                .unwrap();
        let plan: Vec<String> = store
            .with_conn(|conn| {
                let mut statement = conn.prepare(&format!("EXPLAIN QUERY PLAN {}", super::PENDING_OF_ROW))?;
                let rows = statement.query_map(["workers", "x"], |row| row.get::<_, String>(3))?;
                Ok(rows.collect::<Result<Vec<_>, _>>()?)
            })
            .unwrap();
        assert_eq!(plan, ["SEARCH outbox USING INDEX idx_outbox_row (entity=? AND row_key=?)"]);
    }
}

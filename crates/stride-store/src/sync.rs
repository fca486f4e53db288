//! The store's side of sync: what a push answered, and applying pulled pages.
//!
//! A pulled page is applied in one transaction together with the new cursor, so a crash
//! leaves either all of it or none. Fields with pending local changes are not
//! overwritten (the local change is still on its way up and will come back merged).
//! Foreign keys are not checked while a page is applied: the server guarantees them
//! within the organization, and a parent edited after its child arrives in a later page
//! (its version is newer), which a per-page check would wrongly refuse.

use crate::codec;
use crate::repository::{key_condition, key_values};
use crate::{Result, Store, StoreError};
use rusqlite::types::Value;
use rusqlite::{params, params_from_iter, OptionalExtension, TransactionBehavior};
use serde_json::Value as Json;
use std::collections::BTreeSet;
use stride_domain::api::{ChangeResult, Outcome, PulledRow};
use stride_domain::{EntitySpec, RowKey, Timestamp};

/// What applying a pulled page did.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub struct Applied {
    pub rows: usize,
    /// Fields left as they are because a local change to them is still pending.
    pub kept_local_fields: usize,
}

impl Store {
    /// Takes in a push's answer: applied (or already applied) changes leave the outbox;
    /// refused ones stay, marked rejected with their reason, for a person to look at.
    pub fn record_push_results(&self, results: &[ChangeResult]) -> Result<()> {
        self.with_conn(|conn| {
            let tx = rusqlite::Transaction::new_unchecked(conn, TransactionBehavior::Immediate)?;
            for result in results {
                match &result.outcome {
                    Outcome::Applied | Outcome::AlreadyApplied => {
                        tx.prepare_cached("DELETE FROM outbox WHERE seq = ?1")?.execute([result.seq])?;
                    }
                    Outcome::Rejected { code, reason } => {
                        let code = serde_json::to_value(code).ok().and_then(|v| v.as_str().map(str::to_owned));
                        tx.prepare_cached(
                            "UPDATE outbox SET status = 'rejected', rejection_code = ?2, rejection_reason = ?3 WHERE seq = ?1",
                        )?
                        .execute(params![result.seq, code, reason])?;
                    }
                }
            }
            tx.commit()?;
            Ok(())
        })
    }

    /// Applies one pulled page and moves the pull cursor to `cursor`, atomically.
    /// `up_to_date` marks the first full sync as complete the first time it is true.
    pub fn apply_pulled(&self, rows: &[PulledRow], cursor: i64, up_to_date: bool) -> Result<Applied> {
        let mut inner = self.lock();
        let result = Store::without_foreign_keys(&mut inner.conn, |conn| {
            let tx = conn.transaction_with_behavior(TransactionBehavior::Immediate)?;
            let mut applied = Applied::default();
            for row in rows {
                applied.kept_local_fields += apply_row(&tx, row)?;
                applied.rows += 1;
            }
            tx.execute(
                "UPDATE sync_state SET pull_cursor = ?1, last_sync_at = ?2 WHERE id = 1",
                params![cursor, Timestamp::now().to_string()],
            )?;
            if up_to_date {
                tx.execute(
                    "UPDATE sync_state SET first_sync_completed_at = coalesce(first_sync_completed_at, ?1) WHERE id = 1",
                    [Timestamp::now().to_string()],
                )?;
            }
            tx.commit()?;
            Ok(applied)
        });
        if result.is_ok() {
            inner.device.pull_cursor = cursor;
        }
        result
    }
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

/// Applies one row; returns how many of its fields were kept for pending local changes.
fn apply_row(tx: &rusqlite::Transaction<'_>, row: &PulledRow) -> Result<usize> {
    let spec = row.entity.spec();
    let key = key_text(spec, row)?;
    let mut pending = BTreeSet::new();
    let mut pending_delete = false;
    {
        let mut statement = tx.prepare_cached(
            "SELECT op, fields FROM outbox WHERE status = 'pending' AND entity = ?1 AND row_key = ?2",
        )?;
        let mut entries = statement.query(params![spec.table, key])?;
        while let Some(entry) = entries.next()? {
            let op: String = entry.get(0)?;
            pending_delete |= op == "delete";
            if let Ok(Json::Object(fields)) = serde_json::from_str::<Json>(&entry.get::<_, String>(1)?) {
                pending.extend(fields.keys().cloned());
            }
        }
    }
    let key_condition = key_condition(spec);
    let key_values = key_values(&RowKey::from_text(key.clone()));
    let exists = tx
        .prepare_cached(&format!("SELECT 1 FROM {} WHERE {key_condition}", spec.table))?
        .query_row(params_from_iter(key_values.iter()), |r| r.get::<_, i64>(0))
        .optional()?
        .is_some();
    let deleted_at =
        if row.deleted || pending_delete { Value::Text(Timestamp::now().to_string()) } else { Value::Null };

    // The columns to write: all of them for a new row, else those without pending changes.
    let columns: Vec<&'static str> =
        spec.columns.iter().map(|c| c.name).filter(|name| !exists || !pending.contains(*name)).collect();
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

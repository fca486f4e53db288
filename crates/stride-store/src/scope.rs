//! The device's side of sync scopes (`stride_domain::scope`). A pull whose page says the
//! scope changed is taken in with it, in its transaction: the workers that left are
//! dropped with every row of theirs (deleted outright, not kept as tombstones: the
//! laptop must not hold them), unless a change of this device's is still waiting in the
//! outbox (then they stay until a later sync, which the server is made to say again);
//! those that came are noted as arrivals, whose older rows the backfill brings
//! (`Store::apply_backfill`, beside the pull's pages in `sync.rs`).

use crate::error::{Result, StoreError};
use crate::store::Store;
use rusqlite::{params, OptionalExtension, Transaction};
use std::collections::BTreeSet;
use stride_domain::api::PullResponse;
use stride_domain::scope::{owned_by_sql, worker_owned, PulledScope};
use stride_domain::WorkerId;

/// Workers whose rows up to `through` are still to come, from `cursor` on.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Arrivals {
    pub through: i64,
    pub cursor: i64,
    pub workers: Vec<WorkerId>,
}

/// The most workers one backfill asks for (the server takes up to 1,000).
const ARRIVALS_AT_ONCE: usize = 500;

impl Store {
    /// The scope this device holds, as it tells the server: None, the whole
    /// organization; else the hash the server gave (empty: part of it, not a named set).
    pub fn held_scope(&self) -> Result<Option<String>> {
        self.with_conn(|conn| Ok(conn.query_row("SELECT scope_hash FROM sync_state WHERE id = 1", [], |r| r.get(0))?))
    }

    /// The next workers whose older rows are still to come (those of one `through`).
    pub fn next_arrivals(&self) -> Result<Option<Arrivals>> {
        self.with_conn(|conn| {
            let first: Option<(i64, i64)> = conn
                .query_row("SELECT through, cursor FROM scope_arrivals ORDER BY through, cursor LIMIT 1", [], |r| {
                    Ok((r.get(0)?, r.get(1)?))
                })
                .optional()?;
            let Some((through, cursor)) = first else { return Ok(None) };
            let mut statement = conn.prepare_cached(
                "SELECT worker_id FROM scope_arrivals WHERE through = ?1 AND cursor = ?2 ORDER BY worker_id LIMIT ?3",
            )?;
            let ids =
                statement.query_map(params![through, cursor, ARRIVALS_AT_ONCE as i64], |r| r.get::<_, String>(0))?;
            let mut workers = Vec::new();
            for id in ids {
                let id = id?;
                workers.push(id.parse().map_err(|e: uuid::Error| StoreError::CorruptRecord {
                    what: "scope_arrivals.worker_id".into(),
                    problem: e.to_string(),
                })?);
            }
            Ok(Some(Arrivals { through, cursor, workers }))
        })
    }
}

/// What a page's scope does, read before its rows are applied: the workers the device
/// has now, to tell those that come from those it had.
pub(crate) struct ScopeChange {
    before: BTreeSet<String>,
}

impl ScopeChange {
    pub(crate) fn before_rows(tx: &Transaction<'_>, scope: &PulledScope) -> Result<Option<Self>> {
        if !matches!(scope, PulledScope::Workers { .. }) {
            return Ok(None);
        }
        let mut statement = tx.prepare_cached("SELECT id FROM workers")?;
        let before = statement.query_map([], |r| r.get::<_, String>(0))?.collect::<rusqlite::Result<_>>()?;
        Ok(Some(Self { before }))
    }

    /// After the page's rows: drops the workers that left (unless a change of theirs is
    /// waiting), notes the ones that came, and keeps the scope the device now holds.
    /// `pulled_from` is the cursor the page was asked from.
    pub(crate) fn after_rows(self, tx: &Transaction<'_>, scope: &PulledScope, pulled_from: i64) -> Result<()> {
        let PulledScope::Workers { hash, workers } = scope else { return Ok(()) };
        let now: BTreeSet<String> = workers.iter().map(ToString::to_string).collect();
        let left: Vec<&String> = self.before.difference(&now).collect();
        let kept = evict(tx, &left)?;
        tx.execute("DELETE FROM scope_arrivals WHERE worker_id IN (SELECT id FROM temp.scope_leaving)", [])?;
        if pulled_from > 0 {
            let mut arrive = tx.prepare_cached(
                "INSERT INTO scope_arrivals (worker_id, through, cursor) VALUES (?1, ?2, 0)
                 ON CONFLICT (worker_id) DO UPDATE SET through = max(through, excluded.through), cursor = 0",
            )?;
            for worker in now.difference(&self.before) {
                arrive.execute(params![worker, pulled_from])?;
            }
        }
        // Workers kept for their waiting changes are not the set the server named: an
        // empty hash makes it say the set again at the next pull.
        let held = if kept { "" } else { hash.as_str() };
        tx.execute("UPDATE sync_state SET scope_hash = ?1 WHERE id = 1", [held])?;
        Ok(())
    }
}

/// Notes how far a page of a backfill brought `arrivals` (all the way, when it is the last).
pub(crate) fn backfilled(tx: &Transaction<'_>, arrivals: &Arrivals, page: &PullResponse) -> Result<()> {
    let mut statement = if page.up_to_date {
        tx.prepare_cached("DELETE FROM scope_arrivals WHERE worker_id = ?1 AND through = ?2")?
    } else {
        tx.prepare_cached("UPDATE scope_arrivals SET cursor = ?3 WHERE worker_id = ?1 AND through = ?2")?
    };
    for worker in &arrivals.workers {
        if page.up_to_date {
            statement.execute(params![worker.to_string(), arrivals.through])?;
        } else {
            statement.execute(params![worker.to_string(), arrivals.through, page.cursor])?;
        }
    }
    Ok(())
}

/// The device pulls the whole organization again: from the start, holding no scope.
pub(crate) fn hold_whole_organization(tx: &Transaction<'_>) -> Result<()> {
    tx.execute("DELETE FROM scope_arrivals", [])?;
    tx.execute("UPDATE sync_state SET scope_hash = NULL, pull_cursor = 0 WHERE id = 1", [])?;
    Ok(())
}

/// Deletes every row of these workers, and what the device noted of them (lost edits),
/// unless a change of one of their rows is waiting in the outbox: then none is deleted,
/// and true says they were kept.
fn evict(tx: &Transaction<'_>, workers: &[&String]) -> Result<bool> {
    tx.execute_batch(
        "CREATE TEMP TABLE IF NOT EXISTS scope_leaving (id TEXT PRIMARY KEY NOT NULL); DELETE FROM temp.scope_leaving;",
    )?;
    let mut insert = tx.prepare_cached("INSERT OR IGNORE INTO temp.scope_leaving (id) VALUES (?1)")?;
    for worker in workers {
        insert.execute([worker])?;
    }
    if workers.is_empty() {
        return Ok(false);
    }
    let in_set = |column: &str| format!("{column} IN (SELECT id FROM temp.scope_leaving)");
    // Each worker table with its condition and its key as the outbox writes it.
    let tables: Vec<_> = worker_owned()
        .map(|spec| {
            let owned = owned_by_sql(spec, "t", None, &in_set).unwrap_or_else(|| unreachable!("a worker's table"));
            let key = spec.key.iter().map(|c| format!("t.{c}")).collect::<Vec<_>>().join(" || '/' || ");
            (spec.table, owned, key)
        })
        .collect();
    for (table, owned, key) in &tables {
        let waiting: bool = tx.query_row(
            &format!(
                "SELECT EXISTS (SELECT 1 FROM outbox o JOIN {table} t ON {key} = o.row_key
                                WHERE o.status = 'pending' AND o.entity = '{table}' AND {owned})"
            ),
            [],
            |r| r.get(0),
        )?;
        if waiting {
            tx.execute("DELETE FROM temp.scope_leaving", [])?;
            return Ok(true);
        }
    }
    // Children first: a row found through its parent is deleted before the parent.
    for (table, owned, key) in tables.iter().rev() {
        tx.execute(
            &format!(
                "DELETE FROM conflicts WHERE entity = '{table}'
                   AND row_key IN (SELECT {key} FROM {table} t WHERE {owned})"
            ),
            [],
        )?;
        tx.execute(&format!("DELETE FROM {table} AS t WHERE {owned}"), [])?;
    }
    Ok(false)
}

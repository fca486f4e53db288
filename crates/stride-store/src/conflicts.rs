//! This device's edits that lost a field to a concurrent edit made elsewhere, as the
//! server tells them after a sync (`stride_domain::api::Conflict`), kept until a person
//! has read them on the record.

use crate::store::Mode;
use crate::{Result, Store, StoreError};
use rusqlite::{params, Row};
use serde::Serialize;
use stride_domain::api::Conflict;
use stride_domain::{EntityKind, RowKey, Timestamp};
use ts_rs::TS;

/// One field of a record where this device's value lost.
#[derive(Debug, Clone, PartialEq, Serialize, TS)]
pub struct LostEdit {
    pub id: i64,
    pub entity: EntityKind,
    pub row_key: RowKey,
    pub field: String,
    /// The value this device wrote.
    #[ts(type = "unknown")]
    pub mine: serde_json::Value,
    /// The value the record holds now.
    #[ts(type = "unknown")]
    pub kept: serde_json::Value,
    pub noticed_at: Timestamp,
}

const COLUMNS: &str = "id, entity, row_key, field, mine, kept, noticed_at";

fn read(row: &Row<'_>) -> Result<LostEdit> {
    let id: i64 = row.get(0)?;
    let corrupt = |problem: String| StoreError::CorruptRecord { what: format!("conflict {id}"), problem };
    let json = |index: usize| -> Result<serde_json::Value> {
        serde_json::from_str(&row.get::<_, String>(index)?).map_err(|e| corrupt(e.to_string()))
    };
    let entity: String = row.get(1)?;
    Ok(LostEdit {
        id,
        entity: EntityKind::from_table(&entity).ok_or_else(|| corrupt(format!("unknown entity {entity}")))?,
        row_key: RowKey::from_text(row.get::<_, String>(2)?),
        field: row.get(3)?,
        mine: json(4)?,
        kept: json(5)?,
        noticed_at: Timestamp::parse(&row.get::<_, String>(6)?).map_err(|e| corrupt(e.to_string()))?,
    })
}

impl Store {
    /// The id of the last conflict the server has told this device of.
    pub fn conflict_cursor(&self) -> Result<i64> {
        self.with_conn(|conn| {
            Ok(conn.query_row("SELECT conflict_cursor FROM sync_state WHERE id = 1", [], |r| r.get(0))?)
        })
    }

    /// Keeps what the server told, and moves the cursor past it, in one transaction.
    /// Returns how many were new.
    pub fn record_conflicts(&self, conflicts: &[Conflict]) -> Result<u64> {
        let Some(last) = conflicts.iter().map(|c| c.id).max() else {
            return Ok(0);
        };
        self.transaction(Mode::Write, |t| {
            let tx = &t.tx;
            let mut added = 0;
            for c in conflicts {
                added += tx
                    .prepare_cached(
                        "INSERT OR IGNORE INTO conflicts (id, entity, row_key, field, mine, kept, noticed_at)
                         VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7)",
                    )?
                    .execute(params![
                        c.id,
                        c.entity.table(),
                        c.row_key.as_str(),
                        c.field,
                        c.mine.to_string(),
                        c.kept.to_string(),
                        c.noticed_at.to_string()
                    ])? as u64;
            }
            tx.execute("UPDATE sync_state SET conflict_cursor = max(conflict_cursor, ?1) WHERE id = 1", [last])?;
            Ok(added)
        })
    }

    /// The lost edits of one record, oldest first.
    pub fn lost_edits_of(&self, entity: EntityKind, key: &RowKey) -> Result<Vec<LostEdit>> {
        self.with_conn(|conn| {
            let mut statement = conn.prepare_cached(&format!(
                "SELECT {COLUMNS} FROM conflicts WHERE entity = ?1 AND row_key = ?2 ORDER BY id"
            ))?;
            let mut rows = statement.query(params![entity.table(), key.as_str()])?;
            let mut found = Vec::new();
            while let Some(row) = rows.next()? {
                found.push(read(row)?);
            }
            Ok(found)
        })
    }

    /// Every lost edit not yet dismissed, newest first, at most `limit`.
    pub fn lost_edits(&self, limit: u32) -> Result<Vec<LostEdit>> {
        self.with_conn(|conn| {
            let mut statement =
                conn.prepare_cached(&format!("SELECT {COLUMNS} FROM conflicts ORDER BY id DESC LIMIT ?1"))?;
            let mut rows = statement.query([limit])?;
            let mut found = Vec::new();
            while let Some(row) = rows.next()? {
                found.push(read(row)?);
            }
            Ok(found)
        })
    }

    /// A person has read it: it leaves the record.
    pub fn dismiss_lost_edit(&self, id: i64) -> Result<()> {
        self.transaction(Mode::Write, |t| {
            t.tx.execute("DELETE FROM conflicts WHERE id = ?1", [id])?;
            Ok(())
        })
    }
}

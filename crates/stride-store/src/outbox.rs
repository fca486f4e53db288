//! The outbox: every local change, in device sequence order, until the server has it.

use crate::error::{Result, StoreError};
use crate::repository::Writer;
use crate::store::Store;
use rusqlite::{params, Connection, OptionalExtension, Row};
use serde::Serialize;
use serde_json::{Map, Value as Json};
use stride_domain::{Change, ChangeId, ChangeOp, EntityKind, ErrorCode, RowKey, Timestamp, UserId};

#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
#[serde(rename_all = "snake_case")]
pub enum OutboxStatus {
    /// Waiting to be pushed.
    Pending,
    /// The server refused it; it waits for a person, with its reason.
    Rejected,
}

/// One outbox entry: a change and its place in the device's sequence.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct OutboxEntry {
    /// The device sequence number: increases by one per change, never reused.
    pub seq: i64,
    pub change: Change,
    pub created_at: Timestamp,
    pub status: OutboxStatus,
    pub rejection_code: Option<ErrorCode>,
    pub rejection_reason: Option<String>,
    /// Who made it: the person working on the device then (None: made before authors
    /// were kept, or on a device set up without a server).
    pub author: Option<UserId>,
}

impl Writer<'_, '_> {
    /// Appends a change to the outbox, stamped by the device's clock: the last step of
    /// every write. `base` holds what this copy held before, for an edit.
    pub(crate) fn record(
        &mut self,
        entity: EntityKind,
        key: &RowKey,
        op: ChangeOp,
        fields: Map<String, Json>,
        base: Map<String, Json>,
    ) -> Result<()> {
        let author = self.t.author()?;
        self.record_by(author, entity, key, op, fields, base)
    }

    /// [`Writer::record`], by `author` (a change sent again stays its first author's).
    fn record_by(
        &mut self,
        author: Option<UserId>,
        entity: EntityKind,
        key: &RowKey,
        op: ChangeOp,
        fields: Map<String, Json>,
        base: Map<String, Json>,
    ) -> Result<()> {
        let hlc = self.t.tick();
        let change = Change { change_id: ChangeId::new(), entity, row_key: key.clone(), op, fields, hlc, base };
        append(&self.t.tx, &change, self.t.now, author)
    }
}

/// Appends `change` by `author` at the end of the outbox.
fn append(conn: &Connection, change: &Change, now: Timestamp, author: Option<UserId>) -> Result<()> {
    conn.prepare_cached(
        "INSERT INTO outbox (change_id, entity, row_key, op, fields, hlc, created_at, base, author)
         VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9)",
    )?
    .execute(params![
        change.change_id.to_string(),
        change.entity.table(),
        change.row_key.as_str(),
        change.op.as_str(),
        Json::Object(change.fields.clone()).to_string(),
        change.hlc.to_string(),
        now.to_string(),
        Json::Object(change.base.clone()).to_string(),
        author.map(|id| id.to_string()),
    ])?;
    Ok(())
}

fn read_entry(row: &Row<'_>) -> Result<OutboxEntry> {
    let seq: i64 = row.get(0)?;
    let corrupt = |problem: String| StoreError::CorruptRecord { what: format!("outbox entry {seq}"), problem };
    let text = |index: usize| -> Result<String> { Ok(row.get::<_, String>(index)?) };
    let entity_name = text(2)?;
    let object = |index: usize, what: &str| match serde_json::from_str(&text(index)?) {
        Ok(Json::Object(fields)) => Ok(fields),
        _ => Err(corrupt(format!("{what} are not a JSON object"))),
    };
    let fields = object(5, "fields")?;
    Ok(OutboxEntry {
        seq,
        change: Change {
            change_id: text(1)?.parse().map_err(|e: uuid::Error| corrupt(e.to_string()))?,
            entity: EntityKind::from_table(&entity_name)
                .ok_or_else(|| corrupt(format!("unknown entity {entity_name}")))?,
            row_key: RowKey::from_text(text(3)?),
            op: ChangeOp::parse(&text(4)?).ok_or_else(|| corrupt("unknown op".into()))?,
            fields,
            hlc: text(6)?.parse().map_err(|e: stride_domain::hlc::InvalidHlc| corrupt(e.to_string()))?,
            base: object(11, "base values")?,
        },
        created_at: Timestamp::parse(&text(7)?).map_err(|e| corrupt(e.to_string()))?,
        status: match text(8)?.as_str() {
            "pending" => OutboxStatus::Pending,
            _ => OutboxStatus::Rejected,
        },
        rejection_code: crate::codec::error_code_column(row, 9)?,
        rejection_reason: row.get(10)?,
        author: row
            .get::<_, Option<String>>(12)?
            .map(|id| id.parse().map_err(|e: uuid::Error| corrupt(format!("author: {e}"))))
            .transpose()?,
    })
}

const ENTRY_COLUMNS: &str =
    "seq, change_id, entity, row_key, op, fields, hlc, created_at, status, rejection_code, rejection_reason, base, author";

impl Store {
    /// Pending changes in sequence order, after `after_seq`, at most `limit`.
    pub fn pending_changes(&self, after_seq: i64, limit: u32) -> Result<Vec<OutboxEntry>> {
        self.with_conn(|conn| {
            let mut statement = conn.prepare_cached(&format!(
                "SELECT {ENTRY_COLUMNS} FROM outbox WHERE status = 'pending' AND seq > ?1 ORDER BY seq LIMIT ?2"
            ))?;
            let mut rows = statement.query(params![after_seq, limit])?;
            let mut entries = Vec::new();
            while let Some(row) = rows.next()? {
                entries.push(read_entry(row)?);
            }
            Ok(entries)
        })
    }

    /// Every outbox entry about one row, oldest first.
    pub fn changes_of_row(&self, entity: EntityKind, key: &RowKey) -> Result<Vec<OutboxEntry>> {
        self.with_conn(|conn| {
            let mut statement = conn.prepare_cached(&format!(
                "SELECT {ENTRY_COLUMNS} FROM outbox WHERE entity = ?1 AND row_key = ?2 ORDER BY seq"
            ))?;
            let mut rows = statement.query(params![entity.table(), key.as_str()])?;
            let mut entries = Vec::new();
            while let Some(row) = rows.next()? {
                entries.push(read_entry(row)?);
            }
            Ok(entries)
        })
    }

    /// How many changes wait to be pushed.
    pub fn pending_count(&self) -> Result<u64> {
        self.with_conn(|conn| {
            let count: i64 =
                conn.query_row("SELECT count(*) FROM outbox WHERE status = 'pending'", [], |row| row.get(0))?;
            Ok(count as u64)
        })
    }

    /// Changes the server refused, oldest first, with its code and reason.
    pub fn rejected_changes(&self, limit: u32) -> Result<Vec<OutboxEntry>> {
        self.with_conn(|conn| {
            let mut statement = conn.prepare_cached(&format!(
                "SELECT {ENTRY_COLUMNS} FROM outbox WHERE status = 'rejected' ORDER BY seq LIMIT ?1"
            ))?;
            let mut rows = statement.query([limit])?;
            let mut entries = Vec::new();
            while let Some(row) = rows.next()? {
                entries.push(read_entry(row)?);
            }
            Ok(entries)
        })
    }

    /// How many changes wait to be pushed, per entity.
    pub fn pending_by_entity(&self) -> Result<Vec<(EntityKind, u64)>> {
        self.with_conn(|conn| {
            let mut statement = conn.prepare_cached(
                "SELECT entity, count(*) FROM outbox WHERE status = 'pending' GROUP BY entity ORDER BY entity",
            )?;
            let mut rows = statement.query([])?;
            let mut counts = Vec::new();
            while let Some(row) = rows.next()? {
                let name: String = row.get(0)?;
                let kind = EntityKind::from_table(&name).ok_or_else(|| StoreError::CorruptRecord {
                    what: "outbox entity".into(),
                    problem: format!("unknown entity {name}"),
                })?;
                counts.push((kind, row.get::<_, i64>(1)? as u64));
            }
            Ok(counts)
        })
    }

    /// Sends a refused change again, after a person has seen why (say, once their role
    /// allows it). The server has taken its sequence number, so it goes back as a new
    /// change at the end of the outbox, stamped now; the refused entry leaves.
    pub fn retry_rejected(&self, seq: i64) -> Result<()> {
        self.write(|w| {
            let entry = w
                .conn()
                .query_row(
                    &format!("SELECT {ENTRY_COLUMNS} FROM outbox WHERE seq = ?1 AND status = 'rejected'"),
                    [seq],
                    |row| Ok(read_entry(row)),
                )
                .optional()?
                .transpose()?
                .ok_or(StoreError::NotRejected { seq })?;
            w.conn().execute("DELETE FROM outbox WHERE seq = ?1", [seq])?;
            let Change { entity, row_key, op, fields, base, .. } = entry.change;
            w.record_by(entry.author, entity, &row_key, op, fields, base)
        })
    }
}

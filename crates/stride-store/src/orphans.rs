//! Rows left under a deleted one. A delete on this device takes its dependents with it
//! (`deletes.rs`), but a row made on a device that was offline during the delete
//! arrives later, under a parent that is gone; the server keeps it, and so does every
//! device. They are listed here for a person to resolve: bring the parent back
//! ([`Writer::restore`]) or discard them (`Writer::delete_kind`). Nothing is dropped
//! by itself.

use crate::repository::select_fields;
use crate::{Result, Store, StoreError, Writer};
use serde::Serialize;
use serde_json::{Map, Value as Json};
use stride_domain::registry::REGISTRY;
use stride_domain::{ChangeOp, EntityKind, RowKey};
use ts_rs::TS;

/// A live row whose reference points at a deleted row.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, TS)]
pub struct Orphan {
    pub entity: EntityKind,
    pub key: RowKey,
    /// The column that holds the deleted row.
    pub column: String,
    pub parent: EntityKind,
    pub parent_key: RowKey,
}

impl Store {
    /// Live rows under deleted ones, at most `limit`, in the registry's order.
    pub fn orphans(&self, limit: u32) -> Result<Vec<Orphan>> {
        self.with_conn(|conn| {
            let mut found = Vec::new();
            for spec in REGISTRY.iter() {
                for column in spec.columns {
                    let Some(reference) = column.references else { continue };
                    let Some(parent) = EntityKind::from_table(reference.table) else { continue };
                    if found.len() >= limit as usize || parent == EntityKind::Organizations {
                        continue;
                    }
                    let sql = format!(
                        "SELECT {keys}, c.{column} FROM {table} c JOIN {parent} p ON p.id = c.{column}
                         WHERE c.deleted_at IS NULL AND p.deleted_at IS NOT NULL ORDER BY 1 LIMIT ?1",
                        keys = spec.key.iter().map(|k| format!("c.{k}")).collect::<Vec<_>>().join(", "),
                        table = spec.table,
                        parent = reference.table,
                        column = column.name,
                    );
                    let mut statement = conn.prepare_cached(&sql)?;
                    let mut rows = statement.query([limit as usize - found.len()])?;
                    while let Some(row) = rows.next()? {
                        let parts = (0..spec.key.len())
                            .map(|i| row.get::<_, String>(i))
                            .collect::<rusqlite::Result<Vec<_>>>()?;
                        found.push(Orphan {
                            entity: spec.kind,
                            key: RowKey::from_text(parts.join("/")),
                            column: column.name.to_owned(),
                            parent,
                            parent_key: RowKey::from_text(row.get::<_, String>(spec.key.len())?),
                        });
                    }
                }
            }
            Ok(found)
        })
    }
}

impl Writer<'_, '_> {
    /// Brings a deleted row back as it was, and first the deleted rows it refers to
    /// (so it is not left under a deleted one itself). It goes out as the whole row, so
    /// the server brings it back too (`push_rules::revives`). The rows deleted with it
    /// stay deleted: each is restored by itself, or its own orphans are listed.
    pub fn restore(&mut self, kind: EntityKind, key: &RowKey) -> Result<()> {
        let spec = kind.spec();
        let Some((mut fields, deleted)) = select_fields(self.conn(), spec, key)? else {
            return Err(StoreError::NotFound { entity: kind, key: key.clone() });
        };
        if !deleted {
            return Ok(());
        }
        for column in spec.columns {
            let (Some(reference), Some(Json::String(id))) = (column.references, fields.get(column.name)) else {
                continue;
            };
            if let Some(parent) = EntityKind::from_table(reference.table).filter(|p| *p != EntityKind::Organizations) {
                let parent_key = RowKey::from_text(id.clone());
                if select_fields(self.conn(), parent.spec(), &parent_key)?.is_some_and(|(_, deleted)| deleted) {
                    self.restore(parent, &parent_key)?;
                }
            }
        }
        if spec.has_column("updated_at") {
            fields.insert("updated_at".into(), Json::String(self.t.now.to_string()));
        }
        let columns: Vec<&'static str> = spec.columns.iter().map(|c| c.name).collect();
        self.update_columns(spec, key, &fields, &columns, true)?;
        self.record(kind, key, ChangeOp::Upsert, fields, Map::new())
    }
}

//! Deleting a row as the seed's ON DELETE rules say, on the device as on the server
//! (`stride_domain::dependents`): a row that a live row still uses under RESTRICT is not
//! deleted (`StoreError::Restricted`, naming what uses it); rows that hold it under
//! CASCADE are deleted with it, and so on down; fields that hold it under SET NULL are
//! cleared. Every row deleted and field cleared is a change of its own in the outbox, in
//! the same transaction. `Store::delete_plan` runs the same delete and rolls it back, so
//! a person sees what goes with a row before they confirm.

use crate::repository::{key_condition, key_values, select_fields};
use crate::store::Mode;
use crate::{Result, Store, StoreError, Writer};
use rusqlite::params_from_iter;
use rusqlite::types::Value;
use serde::Serialize;
use serde_json::{Map, Value as Json};
use std::collections::BTreeMap;
use stride_domain::{dependents, ChangeOp, Entity, EntityKind, EntitySpec, OnDelete, RowKey};
use ts_rs::TS;

/// What a delete takes with it.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, TS)]
pub struct DeletePlan {
    /// Rows deleted, per entity (the row asked for among them).
    pub deleted: BTreeMap<EntityKind, u64>,
    /// Fields cleared, per entity and column (rows that no longer point at a deleted one).
    pub cleared: Vec<ClearedField>,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, TS)]
pub struct ClearedField {
    pub entity: EntityKind,
    pub column: String,
    pub rows: u64,
}

impl DeletePlan {
    fn count_cleared(&mut self, entity: EntityKind, column: &str) {
        match self.cleared.iter_mut().find(|c| c.entity == entity && c.column == column) {
            Some(cleared) => cleared.rows += 1,
            None => self.cleared.push(ClearedField { entity, column: column.to_owned(), rows: 1 }),
        }
    }
}

impl Writer<'_, '_> {
    /// Deletes the row, and what the seed's rules say goes with it. Rows stay as
    /// tombstones so each deletion can sync.
    pub fn delete<E: Entity>(&mut self, key: &RowKey) -> Result<()> {
        self.delete_kind(E::KIND, key)
    }

    /// [`Writer::delete`] of a row named by its entity and key.
    pub fn delete_kind(&mut self, kind: EntityKind, key: &RowKey) -> Result<()> {
        self.delete_row(kind.spec(), key, &mut DeletePlan::default())
    }

    /// Deletes the row and what goes with it, counting each in `plan`.
    fn delete_row(&mut self, spec: &'static EntitySpec, key: &RowKey, plan: &mut DeletePlan) -> Result<()> {
        match select_fields(self.conn(), spec, key)? {
            Some((_, false)) => {}
            _ => return Err(StoreError::NotFound { entity: spec.kind, key: key.clone() }),
        }
        for dependent in dependents(spec.kind).filter(|d| d.on_delete == OnDelete::Restrict) {
            let holders = self.live_holders(dependent.spec, dependent.column, key)?;
            if !holders.is_empty() {
                return Err(StoreError::Restricted {
                    entity: spec.kind,
                    key: key.clone(),
                    used_by: dependent.spec.kind,
                    count: holders.len() as u64,
                });
            }
        }
        let mut values = key_values(key);
        values.push(Value::Text(self.t.now.to_string()));
        let sql = format!("UPDATE {} SET deleted_at = ?{} WHERE {}", spec.table, values.len(), key_condition(spec));
        self.t.tx.prepare_cached(&sql)?.execute(params_from_iter(values))?;
        self.record(spec.kind, key, ChangeOp::Delete, Map::new(), Map::new())?;
        *plan.deleted.entry(spec.kind).or_default() += 1;

        for dependent in dependents(spec.kind) {
            let holders = self.live_holders(dependent.spec, dependent.column, key)?;
            for holder in holders {
                match dependent.on_delete {
                    OnDelete::Cascade => self.delete_row(dependent.spec, &holder, plan)?,
                    OnDelete::SetNull => {
                        self.clear(dependent.spec, &holder, dependent.column)?;
                        plan.count_cleared(dependent.spec.kind, dependent.column);
                    }
                    OnDelete::Restrict => {}
                }
            }
        }
        Ok(())
    }

    /// The keys of live rows of `spec` whose `column` holds `key`.
    fn live_holders(&self, spec: &EntitySpec, column: &str, key: &RowKey) -> Result<Vec<RowKey>> {
        let sql = format!(
            "SELECT {} FROM {} WHERE {column} = ?1 AND deleted_at IS NULL ORDER BY 1",
            spec.key.join(", "),
            spec.table
        );
        let mut statement = self.t.tx.prepare_cached(&sql)?;
        let mut rows = statement.query([key.as_str()])?;
        let mut keys = Vec::new();
        while let Some(row) = rows.next()? {
            let parts = (0..spec.key.len()).map(|i| row.get::<_, String>(i)).collect::<rusqlite::Result<Vec<_>>>()?;
            keys.push(RowKey::from_text(parts.join("/")));
        }
        Ok(keys)
    }

    /// Clears `column` of a row whose reference was deleted: an edit like any other.
    fn clear(&mut self, spec: &'static EntitySpec, key: &RowKey, column: &'static str) -> Result<()> {
        let mut fields = Map::new();
        let mut columns = vec![column];
        fields.insert(column.to_owned(), Json::Null);
        if spec.has_column("updated_at") {
            fields.insert("updated_at".into(), Json::String(self.t.now.to_string()));
            columns.push("updated_at");
        }
        self.update_columns(spec, key, &fields, &columns, false)?;
        self.record(spec.kind, key, ChangeOp::Upsert, fields, Map::new())
    }
}

impl Store {
    /// What deleting the row would take with it, without deleting anything; a
    /// RESTRICT rule's refusal comes back as the delete's would.
    pub fn delete_plan(&self, kind: EntityKind, key: &RowKey) -> Result<DeletePlan> {
        self.transaction(Mode::DryRun, |t| {
            let organization_id = t.device.organization_id.ok_or(StoreError::NoOrganization)?;
            let mut plan = DeletePlan::default();
            Writer::new(t, organization_id).delete_row(kind.spec(), key, &mut plan)?;
            Ok(plan)
        })
    }
}

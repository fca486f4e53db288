//! One generic repository over every entity of the registry: create, update (changed
//! fields only), get, list with filters and paging, and delete as a tombstone. Column
//! names in SQL come from the registry only, never from input.

use crate::codec;
use crate::error::{Result, StoreError};
use crate::store::{Mode, Store, Tx};
use rusqlite::types::Value;
use rusqlite::{params_from_iter, Connection, OptionalExtension, Row};
use serde_json::{Map, Value as Json};
use stride_domain::{
    ChangeOp, Entity, EntityKind, EntitySpec, OrganizationId, Page, RowKey, Timestamp, ValidationError,
};

type Fields = Map<String, Json>;

/// The most rows one page may hold.
pub const MAX_PAGE: u32 = 500;

/// An equality filter on one column (`null` matches NULL).
#[derive(Debug, Clone, PartialEq)]
pub struct Filter {
    pub column: String,
    pub value: Json,
}

impl Filter {
    pub fn new(column: &str, value: impl Into<Json>) -> Self {
        Self { column: column.to_owned(), value: value.into() }
    }
}

#[derive(Debug, Clone, PartialEq)]
pub struct ListQuery {
    pub filters: Vec<Filter>,
    pub offset: u64,
    /// At most [`MAX_PAGE`].
    pub limit: u32,
    pub include_deleted: bool,
}

impl Default for ListQuery {
    fn default() -> Self {
        Self { filters: Vec::new(), offset: 0, limit: 100, include_deleted: false }
    }
}

fn to_fields<E: Entity>(entity: &E) -> Result<Fields> {
    match serde_json::to_value(entity) {
        Ok(Json::Object(fields)) => Ok(fields),
        Ok(other) => unreachable!("entities serialize as objects, got {other}"),
        Err(source) => Err(StoreError::Corrupt { entity: E::KIND, key: entity.row_key().to_string(), source }),
    }
}

fn from_fields<E: Entity>(fields: Fields, key: &str) -> Result<E> {
    serde_json::from_value(Json::Object(fields)).map_err(|source| StoreError::Corrupt {
        entity: E::KIND,
        key: key.to_owned(),
        source,
    })
}

pub(crate) fn key_condition(spec: &EntitySpec) -> String {
    spec.key.iter().enumerate().map(|(i, column)| format!("{column} = ?{}", i + 1)).collect::<Vec<_>>().join(" AND ")
}

pub(crate) fn key_values(key: &RowKey) -> Vec<Value> {
    key.parts().map(|part| Value::Text(part.to_owned())).collect()
}

fn select_list(spec: &EntitySpec) -> String {
    spec.columns.iter().map(|c| c.name).collect::<Vec<_>>().join(", ")
}

fn read_fields(spec: &EntitySpec, row: &Row<'_>) -> Result<Fields> {
    let mut fields = Fields::new();
    for (index, column) in spec.columns.iter().enumerate() {
        let value = codec::from_sql(column, row.get_ref(index)?).map_err(|problem| StoreError::Corrupt {
            entity: spec.kind,
            key: format!("{}.{}", spec.table, column.name),
            source: serde::de::Error::custom(problem),
        })?;
        fields.insert(column.name.to_owned(), value);
    }
    Ok(fields)
}

/// The stored fields of a row and whether it is a tombstone.
pub(crate) fn select_fields(conn: &Connection, spec: &EntitySpec, key: &RowKey) -> Result<Option<(Fields, bool)>> {
    let sql = format!(
        "SELECT {}, deleted_at IS NOT NULL FROM {} WHERE {}",
        select_list(spec),
        spec.table,
        key_condition(spec)
    );
    let mut statement = conn.prepare_cached(&sql)?;
    let mut rows = statement.query(params_from_iter(key_values(key)))?;
    match rows.next()? {
        Some(row) => Ok(Some((read_fields(spec, row)?, row.get(spec.columns.len())?))),
        None => Ok(None),
    }
}

pub(crate) fn select_one<E: Entity>(
    conn: &Connection,
    kind: &EntityKind,
    key: &RowKey,
    include_deleted: bool,
) -> Result<Option<E>> {
    match select_fields(conn, kind.spec(), key)? {
        Some((fields, deleted)) if include_deleted || !deleted => from_fields(fields, key.as_str()).map(Some),
        _ => Ok(None),
    }
}

fn sql_values(spec: &EntitySpec, fields: &Fields, columns: &[&'static str]) -> Result<Vec<Value>> {
    columns
        .iter()
        .map(|name| {
            let column = spec
                .column(name)
                .ok_or_else(|| StoreError::UnknownColumn { entity: spec.kind, column: (*name).to_owned() })?;
            Ok(codec::to_sql(column, fields.get(*name).unwrap_or(&Json::Null))?)
        })
        .collect()
}

fn all_columns(spec: &EntitySpec) -> Vec<&'static str> {
    spec.columns.iter().map(|c| c.name).collect()
}

/// Inserts a row as it is, without an outbox entry (for rows that come from elsewhere).
pub(crate) fn insert_row<E: Entity>(conn: &Connection, entity: &E) -> Result<()> {
    stride_domain::validate::entity(entity)?;
    insert_fields(conn, E::KIND.spec(), &to_fields(entity)?)
}

/// Inserts a new row with every column of `spec` taken from `fields`.
fn insert_fields(conn: &Connection, spec: &EntitySpec, fields: &Fields) -> Result<()> {
    let columns = all_columns(spec);
    let values = sql_values(spec, fields, &columns)?;
    let placeholders = (1..=columns.len()).map(|i| format!("?{i}")).collect::<Vec<_>>().join(", ");
    let sql = format!("INSERT INTO {} ({}) VALUES ({placeholders})", spec.table, columns.join(", "));
    conn.prepare_cached(&sql)?.execute(params_from_iter(values))?;
    Ok(())
}

/// Refuses a reference to a row that does not exist, naming the field (the database's
/// own check runs at commit, where it can no longer say which field it was).
fn check_references(conn: &Connection, spec: &EntitySpec, fields: &Fields, columns: &[&'static str]) -> Result<()> {
    for name in columns {
        let Some(column) = spec.column(name) else {
            continue;
        };
        let (Some(reference), Some(Json::String(id))) = (column.references, fields.get(*name)) else {
            continue;
        };
        let sql = format!("SELECT 1 FROM {} WHERE id = ?1", reference.table);
        let found: Option<i64> = conn.prepare_cached(&sql)?.query_row([id], |row| row.get(0)).optional()?;
        if found.is_none() {
            return Err(ValidationError::new(
                *name,
                stride_domain::InvalidValue::MissingReference { table: reference.table.to_owned() },
            )
            .into());
        }
    }
    Ok(())
}

/// Writes inside one transaction of [`Store::write`]. Every write appends its outbox
/// entry (`outbox.rs`), stamped by the device's clock, in the same transaction.
pub struct Writer<'a, 'c> {
    pub(crate) t: &'a mut Tx<'c>,
    organization_id: OrganizationId,
}

impl<'a, 'c> Writer<'a, 'c> {
    pub(crate) fn new(t: &'a mut Tx<'c>, organization_id: OrganizationId) -> Self {
        Self { t, organization_id }
    }

    /// The transaction, for the store's reads that must see what it wrote.
    pub(crate) fn conn(&self) -> &Connection {
        &self.t.tx
    }

    /// The organization this device works for.
    pub fn organization(&self) -> OrganizationId {
        self.organization_id
    }

    /// The time this transaction writes as "now".
    pub fn now(&self) -> Timestamp {
        self.t.now
    }

    fn ensure_own<E: Entity>(&self, entity: &E) -> Result<()> {
        if entity.organization_id() == self.organization_id {
            Ok(())
        } else {
            Err(StoreError::WrongOrganization { entity: E::KIND, key: entity.row_key() })
        }
    }

    /// Creates a row (or brings back a deleted one with these fields).
    pub fn create<E: Entity>(&mut self, entity: &E) -> Result<()> {
        stride_domain::validate::entity(entity)?;
        self.ensure_own(entity)?;
        let spec = E::KIND.spec();
        let key = entity.row_key();
        let fields = to_fields(entity)?;
        let columns = all_columns(spec);
        match select_fields(self.conn(), spec, &key)? {
            Some((_, false)) => return Err(StoreError::AlreadyExists { entity: E::KIND, key }),
            Some((_, true)) => {
                self.update_columns(spec, &key, &fields, &columns, true)?;
            }
            None => insert_fields(self.conn(), spec, &fields)?,
        }
        check_references(self.conn(), spec, &fields, &columns)?;
        self.record(E::KIND, &key, ChangeOp::Upsert, fields, Fields::new())
    }

    /// Stores `entity`'s new field values. Only the fields that differ from the stored row
    /// are written and recorded; `updated_at` moves to now when anything else changed. Returns
    /// the changed columns (none: nothing was written).
    pub fn update<E: Entity>(&mut self, entity: &E) -> Result<Vec<&'static str>> {
        stride_domain::validate::entity(entity)?;
        self.ensure_own(entity)?;
        let spec = E::KIND.spec();
        let key = entity.row_key();
        let current = match select_fields(self.conn(), spec, &key)? {
            Some((fields, false)) => fields,
            _ => return Err(StoreError::NotFound { entity: E::KIND, key }),
        };
        let mut fields = to_fields(entity)?;
        // updated_at belongs to the store: it moves when something else changed.
        let mut changed: Vec<&'static str> = spec
            .columns
            .iter()
            .map(|c| c.name)
            .filter(|name| *name != "updated_at" && fields.get(*name) != current.get(*name))
            .collect();
        if let Some(column) =
            changed.iter().find(|name| spec.key.contains(name) || ["organization_id", "created_at"].contains(name))
        {
            return Err(StoreError::Immutable { entity: E::KIND, key, column });
        }
        if changed.is_empty() {
            return Ok(changed);
        }
        if spec.has_column("updated_at") {
            fields.insert("updated_at".into(), Json::String(self.t.now.to_string()));
            changed.push("updated_at");
        }
        self.update_columns(spec, &key, &fields, &changed, false)?;
        check_references(self.conn(), spec, &fields, &changed)?;
        let recorded: Fields = changed.iter().map(|name| ((*name).to_owned(), fields[*name].clone())).collect();
        // What this copy held before: the server tells an edit made without seeing
        // another device's by it (updated_at is the store's own, never a conflict).
        let base: Fields = changed
            .iter()
            .filter(|name| **name != "updated_at")
            .map(|name| ((*name).to_owned(), current.get(*name).cloned().unwrap_or(Json::Null)))
            .collect();
        self.record(E::KIND, &key, ChangeOp::Upsert, recorded, base)?;
        Ok(changed)
    }

    pub(crate) fn update_columns(
        &self,
        spec: &EntitySpec,
        key: &RowKey,
        fields: &Fields,
        columns: &[&'static str],
        revive: bool,
    ) -> Result<()> {
        let mut values = key_values(key);
        let first = values.len() + 1;
        values.extend(sql_values(spec, fields, columns)?);
        let mut assignments: Vec<String> =
            columns.iter().enumerate().map(|(i, c)| format!("{c} = ?{}", first + i)).collect();
        if revive {
            assignments.push("deleted_at = NULL".into());
        }
        let sql = format!("UPDATE {} SET {} WHERE {}", spec.table, assignments.join(", "), key_condition(spec));
        self.t.tx.prepare_cached(&sql)?.execute(params_from_iter(values))?;
        Ok(())
    }

    /// Reads a live row inside this transaction.
    pub fn get<E: Entity>(&self, key: &RowKey) -> Result<Option<E>> {
        select_one(self.conn(), &E::KIND, key, false)
    }

    /// Whether the row exists, live or deleted.
    pub(crate) fn exists<E: Entity>(&self, key: &RowKey) -> Result<bool> {
        Ok(select_fields(self.conn(), E::KIND.spec(), key)?.is_some())
    }
}

impl Store {
    /// Runs `work` in one write transaction of the protocol: every row it writes and
    /// every outbox entry they produce commit together, or none of them do.
    pub fn write<T>(&self, work: impl FnOnce(&mut Writer<'_, '_>) -> Result<T>) -> Result<T> {
        self.transaction(Mode::Write, |t| {
            let organization_id = t.device.organization_id.ok_or(StoreError::NoOrganization)?;
            work(&mut Writer::new(t, organization_id))
        })
    }

    pub fn create<E: Entity>(&self, entity: &E) -> Result<()> {
        self.write(|w| w.create(entity))
    }

    pub fn update<E: Entity>(&self, entity: &E) -> Result<Vec<&'static str>> {
        self.write(|w| w.update(entity))
    }

    pub fn delete<E: Entity>(&self, key: &RowKey) -> Result<()> {
        self.write(|w| w.delete::<E>(key))
    }

    /// A live row by its key.
    pub fn get<E: Entity>(&self, key: &RowKey) -> Result<Option<E>> {
        self.with_conn(|conn| select_one(conn, &E::KIND, key, false))
    }

    /// A row by its key, live or a tombstone (what a kept record still names: a
    /// touchpoint a marketplace update removed, whose sessions stay).
    pub fn get_even_deleted<E: Entity>(&self, key: &RowKey) -> Result<Option<E>> {
        self.with_conn(|conn| select_one(conn, &E::KIND, key, true))
    }

    /// A page of rows matching every filter, in key order (creation order for UUIDv7).
    pub fn list<E: Entity>(&self, query: &ListQuery) -> Result<Page<E>> {
        let spec = E::KIND.spec();
        let (condition, values) = where_clause(E::KIND, &query.filters, query.include_deleted)?;
        let limit = query.limit.min(MAX_PAGE);
        self.with_conn(|conn| {
            let total: i64 = conn
                .prepare_cached(&format!("SELECT count(*) FROM {} WHERE {condition}", spec.table))?
                .query_row(params_from_iter(values.iter()), |row| row.get(0))?;
            let sql = format!(
                "SELECT {} FROM {} WHERE {condition} ORDER BY {} LIMIT {limit} OFFSET {}",
                select_list(spec),
                spec.table,
                spec.key.join(", "),
                query.offset
            );
            let items = select_rows(conn, spec, &sql, &values)?;
            Ok(Page { items, total: total as u64, offset: query.offset })
        })
    }

    /// Every live row matching every filter, in key order, in one query: for the few
    /// rows that belong to one parent (a worker's enrollments, a phase's touchpoints).
    pub fn list_all<E: Entity>(&self, filters: &[Filter]) -> Result<Vec<E>> {
        let spec = E::KIND.spec();
        let (condition, values) = where_clause(E::KIND, filters, false)?;
        let sql = format!(
            "SELECT {} FROM {} WHERE {condition} ORDER BY {}",
            select_list(spec),
            spec.table,
            spec.key.join(", ")
        );
        self.with_conn(|conn| select_rows(conn, spec, &sql, &values))
    }
}

/// The WHERE condition of `filters` (and of live rows only, unless `include_deleted`),
/// with its values in placeholder order.
fn where_clause(kind: EntityKind, filters: &[Filter], include_deleted: bool) -> Result<(String, Vec<Value>)> {
    let spec = kind.spec();
    let mut conditions = Vec::new();
    let mut values = Vec::new();
    if !include_deleted {
        conditions.push("deleted_at IS NULL".to_owned());
    }
    for filter in filters {
        let column = spec
            .column(&filter.column)
            .ok_or_else(|| StoreError::UnknownColumn { entity: kind, column: filter.column.clone() })?;
        if filter.value.is_null() {
            conditions.push(format!("{} IS NULL", column.name));
        } else {
            values.push(codec::to_sql(column, &filter.value)?);
            conditions.push(format!("{} = ?{}", column.name, values.len()));
        }
    }
    let condition = if conditions.is_empty() { "1".to_owned() } else { conditions.join(" AND ") };
    Ok((condition, values))
}

pub(crate) fn select_rows<E: Entity>(
    conn: &Connection,
    spec: &EntitySpec,
    sql: &str,
    values: &[Value],
) -> Result<Vec<E>> {
    let mut statement = conn.prepare_cached(sql)?;
    let mut rows = statement.query(params_from_iter(values.iter()))?;
    let mut items = Vec::new();
    while let Some(row) = rows.next()? {
        items.push(from_fields(read_fields(spec, row)?, spec.table)?);
    }
    Ok(items)
}

/// Reads a worker from a row whose columns are the registry's, in order.
pub(crate) fn worker_from_row(row: &Row<'_>) -> Result<stride_domain::Worker> {
    let spec = stride_domain::EntityKind::Workers.spec();
    from_fields(read_fields(spec, row)?, spec.table)
}

impl Store {
    /// One row's stored fields, live or a tombstone (the flag), by its entity and key.
    pub fn row_fields(&self, kind: EntityKind, key: &RowKey) -> Result<Option<(Fields, bool)>> {
        self.with_conn(|conn| select_fields(conn, kind.spec(), key))
    }

    /// Every row of one entity, deleted or not, in key order, as JSON fields with a
    /// tombstone flag: for comparing this device with the server.
    pub fn rows_of(&self, kind: EntityKind) -> Result<Vec<(Fields, bool)>> {
        let spec = kind.spec();
        self.with_conn(|conn| {
            let sql = format!(
                "SELECT {}, deleted_at IS NOT NULL FROM {} ORDER BY {}",
                select_list(spec),
                spec.table,
                spec.key.join(", ")
            );
            let mut statement = conn.prepare(&sql)?;
            let mut rows = statement.query([])?;
            let mut all = Vec::new();
            while let Some(row) = rows.next()? {
                all.push((read_fields(spec, row)?, row.get(spec.columns.len())?));
            }
            Ok(all)
        })
    }
}

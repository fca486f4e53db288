//! Moves column values between the domain's JSON form and SQLite, by the column's type
//! in the registry: UUIDs, text, enums, timestamps and dates as text; JSON documents as
//! their text; numbers as numbers.

use rusqlite::types::{Value, ValueRef};
use serde_json::Value as Json;
use stride_domain::{ColumnSpec, ColumnType, ValidationError};

pub(crate) fn to_sql(column: &ColumnSpec, value: &Json) -> Result<Value, ValidationError> {
    // The one column check, the server's too (stride_domain::validate).
    column.check_value(value).map_err(|problem| problem.in_field(column.name))?;
    Ok(match (column.ty, value) {
        (_, Json::Null) => Value::Null,
        (ColumnType::Json, json) => Value::Text(json.to_string()),
        (ColumnType::Integer, Json::Number(n)) => Value::Integer(n.as_i64().unwrap_or_default()),
        (ColumnType::Real, Json::Number(n)) => Value::Real(n.as_f64().unwrap_or_default()),
        // Timestamps are stored in one form (UTC, milliseconds, "Z"), whatever form they
        // came in (PostgreSQL writes "+00:00"), so they compare and sort as text.
        (ColumnType::Timestamp, Json::String(s)) => Value::Text(
            stride_domain::Timestamp::parse(s).map_err(|problem| problem.in_field(column.name))?.to_string(),
        ),
        (_, Json::String(s)) => Value::Text(s.clone()),
        (_, other) => {
            let problem =
                stride_domain::InvalidValue::WrongType { value: other.to_string(), expected: "text".to_owned() };
            return Err(problem.in_field(column.name));
        }
    })
}

pub(crate) fn from_sql(column: &ColumnSpec, value: ValueRef<'_>) -> Result<Json, String> {
    Ok(match (column.ty, value) {
        (_, ValueRef::Null) => Json::Null,
        (ColumnType::Json, ValueRef::Text(text)) => serde_json::from_slice(text).map_err(|e| e.to_string())?,
        (ColumnType::Real, ValueRef::Real(x)) => {
            serde_json::Number::from_f64(x).map(Json::Number).ok_or("not a finite number")?
        }
        (ColumnType::Real, ValueRef::Integer(i)) => {
            serde_json::Number::from_f64(i as f64).map(Json::Number).ok_or("not a finite number")?
        }
        (ColumnType::Integer, ValueRef::Integer(i)) => Json::from(i),
        (_, ValueRef::Text(text)) => Json::String(String::from_utf8(text.to_vec()).map_err(|e| e.to_string())?),
        (_, other) => return Err(format!("unexpected {:?} value", other.data_type())),
    })
}

/// Column `index` of `row`, the id of a `what`; a value
/// that does not parse is a corrupt record, named.
pub(crate) fn id_column<T: std::str::FromStr>(row: &rusqlite::Row<'_>, index: usize, what: &str) -> crate::Result<T> {
    let text: String = row.get(index)?;
    text.parse()
        .map_err(|_| crate::StoreError::CorruptRecord { what: format!("{what} id"), problem: format!("{text:?}") })
}

/// Column `index` of `row`, a time of a `what`; a value that does not parse is a
/// corrupt record, named.
pub(crate) fn timestamp_column(
    row: &rusqlite::Row<'_>,
    index: usize,
    what: &str,
) -> crate::Result<stride_domain::Timestamp> {
    let text: String = row.get(index)?;
    stride_domain::Timestamp::parse(&text).map_err(|problem| crate::StoreError::CorruptRecord {
        what: format!("{what} time"),
        problem: problem.to_string(),
    })
}

/// An error code stored by its name (a name this version does not know reads as `unknown`).
pub(crate) fn error_code_column(
    row: &rusqlite::Row<'_>,
    index: usize,
) -> crate::Result<Option<stride_domain::ErrorCode>> {
    Ok(row.get::<_, Option<String>>(index)?.map(|name| stride_domain::ErrorCode::from_name(&name)))
}

//! A change to one row, the unit that the device's outbox records and sync carries.

use crate::entities::RowKey;
use crate::hlc::Hlc;
use crate::ids::ChangeId;
use crate::registry::EntityKind;
use serde::{Deserialize, Serialize};
use ts_rs::TS;

#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize, TS)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[serde(rename_all = "snake_case")]
pub enum ChangeOp {
    /// Create the row, or set the given fields of it.
    Upsert,
    /// Mark the row deleted (a tombstone: the row stays, so the deletion can travel).
    Delete,
}

impl ChangeOp {
    pub const fn as_str(self) -> &'static str {
        match self {
            ChangeOp::Upsert => "upsert",
            ChangeOp::Delete => "delete",
        }
    }
    pub fn parse(text: &str) -> Option<Self> {
        match text {
            "upsert" => Some(ChangeOp::Upsert),
            "delete" => Some(ChangeOp::Delete),
            _ => None,
        }
    }
}

/// One captured change: for an upsert, `fields` holds only the columns it set (all of
/// them when the row was created), as JSON values keyed by column name.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, TS)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct Change {
    pub change_id: ChangeId,
    pub entity: EntityKind,
    pub row_key: RowKey,
    pub op: ChangeOp,
    #[cfg_attr(feature = "openapi", schema(value_type = Object))]
    #[ts(type = "Record<string, unknown>")]
    pub fields: serde_json::Map<String, serde_json::Value>,
    pub hlc: Hlc,
    /// For an edit of a row the device already had: the values its copy held for those
    /// fields when the edit was made. A stored value other than that one came from an
    /// edit this device had not seen, so the server records whichever value loses as a
    /// conflict. Empty for a new row and a delete (and from devices before it was sent).
    #[serde(default, skip_serializing_if = "serde_json::Map::is_empty")]
    #[cfg_attr(feature = "openapi", schema(value_type = Object))]
    #[ts(type = "Record<string, unknown>")]
    pub base: serde_json::Map<String, serde_json::Value>,
}

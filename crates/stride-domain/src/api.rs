//! The sync server's HTTP API: the bodies that the server and the device's sync client
//! both speak, so the two cannot disagree.

use crate::change::Change;
use crate::entities::Organization;
use crate::enums::Role;
use crate::error_code::ErrorCode;
use crate::ids::{ChangeId, DeviceId, UserId};
use crate::registry::EntityKind;
use crate::values::{Email, Name};
use serde::{Deserialize, Serialize};
use std::fmt;

/// Every error the server answers with: a stable code to branch on, and a sentence.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct ErrorBody {
    pub code: ErrorCode,
    pub message: String,
}

#[derive(Clone, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct LoginRequest {
    pub email: String,
    pub password: String,
    pub device_name: String,
    /// The installation signing in: the id the laptop's own database holds, the same for
    /// every person who signs in on it (so the changes they make there are theirs).
    #[serde(default)]
    pub installation_id: Option<DeviceId>,
}

impl fmt::Debug for LoginRequest {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("LoginRequest")
            .field("email", &self.email)
            .field("device_name", &self.device_name)
            .finish_non_exhaustive()
    }
}

/// The header a signed-in device sends its installation's id in (as `LoginRequest::
/// installation_id`): a sign-in made before the server kept installations is bound to the
/// first one its token comes from.
pub const INSTALLATION_HEADER: &str = "stride-installation";

/// A device's bearer token. Its Debug form is redacted, so it cannot reach a log.
#[derive(Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[serde(transparent)]
pub struct DeviceToken(pub String);

impl fmt::Debug for DeviceToken {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str("DeviceToken(…)")
    }
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct LoginResponse {
    pub token: DeviceToken,
    pub me: Me,
}

/// Who a device is signed in as.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct Me {
    pub user_id: UserId,
    pub email: Email,
    pub role: Role,
    pub display_name: Option<Name>,
    pub device_id: DeviceId,
    pub organization: Organization,
}

/// One outbox entry on the wire: its device sequence number, the change, and who made it.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct PushedChange {
    pub seq: i64,
    #[serde(flatten)]
    pub change: Change,
    /// The user who made it on the device, when not the one whose token pushes it (a
    /// laptop shared by several people): one who has signed in on this same installation.
    /// The change is judged by their role and kept as theirs. None: the pusher's.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub author: Option<UserId>,
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct PushRequest {
    /// In increasing `seq` order.
    pub changes: Vec<PushedChange>,
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[serde(tag = "status", rename_all = "snake_case")]
pub enum Outcome {
    Applied,
    /// This change (by its id) was applied before: a retried push.
    AlreadyApplied,
    Rejected {
        /// Why the server refused it: the change is never applied; the device keeps it for a person.
        code: ErrorCode,
        reason: String,
    },
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct ChangeResult {
    pub seq: i64,
    pub change_id: ChangeId,
    #[serde(flatten)]
    pub outcome: Outcome,
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct PushResponse {
    pub results: Vec<ChangeResult>,
    /// The highest device sequence number the server has now taken (applied or refused).
    pub last_seq: i64,
}

/// One row as the server has it now (a tombstone when `deleted`).
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct PulledRow {
    pub entity: EntityKind,
    pub version: i64,
    pub deleted: bool,
    /// The entity's columns (and organization_id), as JSON.
    #[cfg_attr(feature = "openapi", schema(value_type = Object))]
    pub row: serde_json::Map<String, serde_json::Value>,
}

/// How a pull's page writes its rows (`layout=`): one object per row (what devices of
/// earlier releases read), or one [`PulledTable`] per entity, column by column, which
/// puts like values side by side and goes over the wire in under half the bytes.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[serde(rename_all = "snake_case")]
pub enum PageLayout {
    #[default]
    Rows,
    Columns,
}

/// One entity's rows of a page in [`PageLayout::Columns`]: the n-th version, deleted
/// flag and value of each column belong to the page's n-th row of this entity.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct PulledTable {
    pub entity: EntityKind,
    /// The entity's columns (and organization_id), in the order of `values`.
    pub columns: Vec<String>,
    pub versions: Vec<i64>,
    pub deleted: Vec<bool>,
    /// One list per column, a value per row (any JSON value: a column's own).
    pub values: Vec<Vec<serde_json::Value>>,
}

/// A page whose tables do not line up: the deleted flags or a column with another count
/// of rows than the versions, or another count of value lists than of columns.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[error("the page's {entity} table has {got} entries in {field} where {expected} were expected")]
pub struct MisalignedTable {
    pub entity: &'static str,
    pub field: String,
    pub expected: usize,
    pub got: usize,
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct PullResponse {
    /// In increasing version order ([`PageLayout::Rows`]; in the other layout the device
    /// unfolds `tables` into it, [`PullResponse::unfold_tables`]).
    #[serde(default)]
    pub rows: Vec<PulledRow>,
    /// The page's rows in [`PageLayout::Columns`], one table per entity.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub tables: Vec<PulledTable>,
    /// The cursor to pull from next: the version of the last row here (a scoped page
    /// that is up to date says the head, past the rows of workers outside the scope).
    pub cursor: i64,
    /// True when nothing newer than `cursor` exists yet.
    pub up_to_date: bool,
    /// The organization's latest version when this page was read: `head - cursor`
    /// bounds how many rows are still to come.
    pub head: i64,
    /// The server's clock (ms since 1970) when it made this answer (an answer many
    /// devices ask for is made once and kept for seconds: a lower bound on the clock
    /// now). A device's hybrid clock takes it in, so changes made after a sync order
    /// after what the sync brought, however far behind the device's own clock is.
    pub server_time_ms: i64,
    /// The scope the page was read for, when it is not the one the device said it holds
    /// (absent otherwise, and always in a backfill's answer).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub scope: Option<crate::scope::PulledScope>,
}

impl PullResponse {
    /// Moves the rows of `tables` into `rows`, in increasing version order, as a page
    /// in [`PageLayout::Rows`] has them.
    pub fn unfold_tables(&mut self) -> Result<(), MisalignedTable> {
        if self.tables.is_empty() {
            return Ok(());
        }
        for table in std::mem::take(&mut self.tables) {
            let PulledTable { entity, columns, versions, deleted, values } = table;
            let misaligned = |field: &str, expected: usize, got: usize| MisalignedTable {
                entity: entity.table(),
                field: field.to_owned(),
                expected,
                got,
            };
            if deleted.len() != versions.len() {
                return Err(misaligned("deleted", versions.len(), deleted.len()));
            }
            if values.len() != columns.len() {
                return Err(misaligned("values (a list per column)", columns.len(), values.len()));
            }
            if let Some((name, column)) = columns.iter().zip(&values).find(|(_, column)| column.len() != versions.len())
            {
                return Err(misaligned(name, versions.len(), column.len()));
            }
            let mut rows: Vec<PulledRow> = versions
                .iter()
                .zip(&deleted)
                .map(|(&version, &deleted)| PulledRow {
                    entity,
                    version,
                    deleted,
                    row: serde_json::Map::with_capacity(columns.len()),
                })
                .collect();
            for (name, column) in columns.iter().zip(values) {
                for (row, value) in rows.iter_mut().zip(column) {
                    row.row.insert(name.clone(), value);
                }
            }
            self.rows.append(&mut rows);
        }
        self.rows.sort_by_key(|row| row.version);
        Ok(())
    }
}

/// POST /v1/sync/backfill: the rows, up to version `through`, of workers that just came
/// into the device's scope (their later rows come in its pulls). Answered as a pull is,
/// one page at a time from `cursor`; workers not in the scope now are left out.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[serde(deny_unknown_fields)]
pub struct BackfillRequest {
    /// At most 1,000.
    pub workers: Vec<crate::ids::WorkerId>,
    pub through: i64,
    #[serde(default)]
    pub cursor: i64,
    pub limit: i64,
    /// How the answer writes its rows.
    #[serde(default)]
    pub layout: PageLayout,
}

/// An edit of the asking device's that lost a field to a concurrent edit (one made
/// without seeing the other): GET /v1/sync/conflicts.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct Conflict {
    /// Increasing: the cursor to ask from next.
    pub id: i64,
    pub entity: EntityKind,
    pub row_key: crate::entities::RowKey,
    pub field: String,
    /// The value this device wrote, which the record no longer holds.
    pub mine: serde_json::Value,
    /// The value the record holds.
    pub kept: serde_json::Value,
    pub noticed_at: crate::values::Timestamp,
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct ConflictsResponse {
    /// In increasing id order, at most a page of them.
    pub conflicts: Vec<Conflict>,
}

/// Who made a change: the user and the device it came from.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, ts_rs::TS)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct ChangeAuthor {
    pub email: Option<String>,
    pub display_name: Option<String>,
    pub device_name: Option<String>,
}

/// One applied change of a record, as the audit trail keeps it.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, ts_rs::TS)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct HistoryEntry {
    /// When the server received it.
    pub received_at: crate::values::Timestamp,
    pub op: crate::change::ChangeOp,
    /// The fields it set, as applied (those that lost to a later edit included).
    #[cfg_attr(feature = "openapi", schema(value_type = Object))]
    #[ts(type = "Record<string, unknown>")]
    pub fields: serde_json::Map<String, serde_json::Value>,
    pub by: ChangeAuthor,
}

/// A value of a record that lost to a concurrent edit, and whose it was.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, ts_rs::TS)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct HistoryConflict {
    pub noticed_at: crate::values::Timestamp,
    pub field: String,
    #[ts(type = "unknown")]
    pub lost: serde_json::Value,
    #[ts(type = "unknown")]
    pub kept: serde_json::Value,
    /// The device (and its user) whose value lost.
    pub lost_by: ChangeAuthor,
}

/// A record's history (GET /v1/history/{entity}/{key}, organization administrators
/// only): its changes, newest first, and the values that lost.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, ts_rs::TS)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct RecordHistory {
    pub entries: Vec<HistoryEntry>,
    pub conflicts: Vec<HistoryConflict>,
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    fn page(tables: serde_json::Value) -> PullResponse {
        serde_json::from_value(
            json!({"tables": tables, "cursor": 9, "up_to_date": true, "head": 9, "server_time_ms": 0}),
        )
        .unwrap()
    }

    #[test]
    fn tables_unfold_into_rows_in_version_order_and_a_table_that_does_not_line_up_is_refused() {
        let mut two = page(json!([
            {"entity": "workers", "columns": ["id", "full_name"], "versions": [4, 9], "deleted": [false, true],
             "values": [["a", "b"], ["Amina", null]]},
            {"entity": "segments", "columns": ["id"], "versions": [6], "deleted": [false], "values": [["s"]]},
        ]));
        two.unfold_tables().unwrap();
        assert!(two.tables.is_empty());
        let unfolded: Vec<_> = two.rows.iter().map(|r| (r.entity, r.version, r.deleted, r.row["id"].clone())).collect();
        assert_eq!(
            unfolded,
            [
                (EntityKind::Workers, 4, false, json!("a")),
                (EntityKind::Segments, 6, false, json!("s")),
                (EntityKind::Workers, 9, true, json!("b")),
            ]
        );
        assert_eq!(two.rows[2].row["full_name"], json!(null));

        let short_column = json!([{"entity": "workers", "columns": ["id", "full_name"], "versions": [4, 9],
                                   "deleted": [false, false], "values": [["a", "b"], ["Amina"]]}]);
        let error = page(short_column).unfold_tables().unwrap_err();
        assert_eq!((error.field.as_str(), error.expected, error.got), ("full_name", 2, 1));
        let no_flags =
            json!([{"entity": "workers", "columns": ["id"], "versions": [4], "deleted": [], "values": [["a"]]}]);
        assert_eq!(page(no_flags).unfold_tables().unwrap_err().field, "deleted");
        let a_list_short = json!([{"entity": "workers", "columns": ["id", "full_name"], "versions": [4],
                                   "deleted": [false], "values": [["a"]]}]);
        let error = page(a_list_short).unfold_tables().unwrap_err();
        assert_eq!((error.field.as_str(), error.expected, error.got), ("values (a list per column)", 2, 1));
    }
}

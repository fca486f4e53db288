//! The device's sync state (one row of `sync_state`): its id, which is the node of its
//! clock, the organization it works for, the pull cursor and the latest clock stamp.

use crate::error::{Result, StoreError};
use rusqlite::Connection;
use serde::Serialize;
use stride_domain::{DeviceId, Hlc, OrganizationId};

/// What the device knows about itself.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct DeviceInfo {
    pub device_id: DeviceId,
    pub organization_id: Option<OrganizationId>,
    pub pull_cursor: i64,
    /// The organization's head when the first sync began (kept until it completes).
    pub first_sync_head: Option<i64>,
    /// The first sync has pulled everything once.
    pub first_sync_done: bool,
    /// The latest clock stamp the device issued.
    pub hlc_last: Option<Hlc>,
}

pub(crate) fn load_or_create(conn: &Connection) -> Result<DeviceInfo> {
    conn.execute("INSERT OR IGNORE INTO sync_state (id, device_id) VALUES (1, ?1)", [DeviceId::new().to_string()])?;
    let (device_id, organization_id, pull_cursor, hlc_last, first_sync_head, first_sync_done): (
        String,
        Option<String>,
        i64,
        Option<String>,
        Option<i64>,
        bool,
    ) = conn.query_row(
        "SELECT device_id, organization_id, pull_cursor, hlc_last, first_sync_head, first_sync_completed_at IS NOT NULL
         FROM sync_state WHERE id = 1",
        [],
        |row| Ok((row.get(0)?, row.get(1)?, row.get(2)?, row.get(3)?, row.get(4)?, row.get(5)?)),
    )?;
    let corrupt =
        |what: &str, problem: String| StoreError::CorruptRecord { what: format!("sync_state.{what}"), problem };
    Ok(DeviceInfo {
        device_id: device_id.parse().map_err(|e: uuid::Error| corrupt("device_id", e.to_string()))?,
        organization_id: organization_id
            .map(|id| id.parse().map_err(|e: uuid::Error| corrupt("organization_id", e.to_string())))
            .transpose()?,
        pull_cursor,
        first_sync_head,
        first_sync_done,
        hlc_last: hlc_last
            .map(|h| h.parse().map_err(|e: stride_domain::hlc::InvalidHlc| corrupt("hlc_last", e.to_string())))
            .transpose()?,
    })
}

pub(crate) fn save_clock(conn: &Connection, stamp: Hlc) -> Result<()> {
    conn.execute("UPDATE sync_state SET hlc_last = ?1 WHERE id = 1", [stamp.to_string()])?;
    Ok(())
}

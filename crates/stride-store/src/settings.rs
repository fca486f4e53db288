//! The device's own settings, a key-value table (`device_settings`), read here inside any
//! transaction: the keys, and who is signed in (whom the changes written now are by).

use crate::error::Result;
use rusqlite::{Connection, OptionalExtension};
use stride_domain::UserId;

pub(crate) const DEFAULT_CALLING_CODE: &str = "default_calling_code";
pub(crate) const SERVER_URL: &str = "server_url";
pub(crate) const SERVER_CA: &str = "server_ca_pem";
pub(crate) const WIPED_AT: &str = "wiped_at";
pub(crate) const ACCOUNT_USER: &str = "account_user_id";
pub(crate) const ACCOUNT_ROLE: &str = "account_role";
pub(crate) const MARKETPLACE_CATALOG: &str = "marketplace_catalog";

pub(crate) fn setting_in(conn: &Connection, key: &str) -> Result<Option<String>> {
    Ok(conn.query_row("SELECT value FROM device_settings WHERE key = ?1", [key], |row| row.get(0)).optional()?)
}

/// The user signed in on the device, read in `conn`.
pub(crate) fn account_user(conn: &Connection) -> Result<Option<UserId>> {
    Ok(setting_in(conn, ACCOUNT_USER)?.and_then(|id| id.parse().ok()))
}

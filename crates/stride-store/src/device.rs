//! This installation: its device id (the node of its clock), the organization it works
//! for, and its local settings.

use crate::error::{Result, StoreError};
use crate::store::{Mode, Store};
use crate::sync_state::load_or_create;
use rusqlite::params;
use stride_domain::{CallingCode, DeviceId, Entity, Organization, Timestamp};

use crate::settings::{setting_in, ACCOUNT_ROLE, ACCOUNT_USER, DEFAULT_CALLING_CODE, SERVER_CA, SERVER_URL, WIPED_AT};

impl Store {
    /// Sets the device up for `organization`: stores the organization's row and makes it
    /// the owner of every row written from now on. Organizations are administered on the
    /// server, so this writes no outbox entry.
    pub fn set_up_organization(&self, organization: &Organization) -> Result<()> {
        self.transaction(Mode::Write, |t| {
            if t.device.organization_id.is_some() {
                return Err(StoreError::OrganizationAlreadySet);
            }
            crate::repository::insert_row(&t.tx, organization)?;
            t.tx.execute("UPDATE sync_state SET organization_id = ?1 WHERE id = 1", [organization.id.to_string()])?;
            t.device.organization_id = Some(organization.id);
            Ok(())
        })
    }

    /// The organization this device works for, if it is set up.
    pub fn organization(&self) -> Result<Option<Organization>> {
        let Some(id) = self.device().organization_id else {
            return Ok(None);
        };
        self.with_conn(|conn| {
            crate::repository::select_one(conn, &<Organization as Entity>::KIND, &stride_domain::RowKey::of(id), false)
        })
    }

    /// The country calling code that completes phone numbers typed in national form.
    pub fn default_calling_code(&self) -> Result<Option<CallingCode>> {
        Ok(self.setting(DEFAULT_CALLING_CODE)?.and_then(|raw| CallingCode::parse(&raw).ok()))
    }

    pub fn set_default_calling_code(&self, code: Option<&CallingCode>) -> Result<()> {
        self.set_setting(DEFAULT_CALLING_CODE, code.map(CallingCode::as_str))
    }

    /// The sync server this device signed in to.
    pub fn server_url(&self) -> Result<Option<String>> {
        self.setting(SERVER_URL)
    }

    pub fn set_server_url(&self, url: Option<&str>) -> Result<()> {
        self.set_setting(SERVER_URL, url)
    }

    /// The organization's own CA (PEM) given at sign-in, for a self-hosted server.
    pub fn server_ca(&self) -> Result<Option<String>> {
        self.setting(SERVER_CA)
    }

    pub fn set_server_ca(&self, pem: Option<&str>) -> Result<()> {
        self.set_setting(SERVER_CA, pem)
    }

    /// The account this device last signed in as, and its role then (the `users` row,
    /// once pulled, has the current role).
    pub fn account(&self) -> Result<Option<(stride_domain::UserId, stride_domain::Role)>> {
        let user = self.with_conn(crate::settings::account_user)?;
        let role = self.setting(ACCOUNT_ROLE)?.and_then(|role| role.parse().ok());
        Ok(user.zip(role))
    }

    pub fn set_account(&self, user: stride_domain::UserId, role: stride_domain::Role) -> Result<()> {
        self.set_setting(ACCOUNT_USER, Some(&user.to_string()))?;
        self.set_setting(ACCOUNT_ROLE, Some(role.as_str()))
    }

    /// When the last pull finished.
    pub fn last_sync_at(&self) -> Result<Option<Timestamp>> {
        self.sync_state_time("last_sync_at")
    }

    /// When an administrator's revocation last wiped this device, if one did.
    pub fn wiped_at(&self) -> Result<Option<Timestamp>> {
        Ok(self.setting(WIPED_AT)?.and_then(|at| Timestamp::parse(&at).ok()))
    }

    /// Forgets the last wipe, once a person has signed in again.
    pub fn clear_wiped_at(&self) -> Result<()> {
        self.set_setting(WIPED_AT, None)
    }

    /// When the first full pull finished, if it has.
    pub fn first_sync_completed_at(&self) -> Result<Option<Timestamp>> {
        self.sync_state_time("first_sync_completed_at")
    }

    /// A timestamp column of the sync state (`column` is one of this module's names).
    fn sync_state_time(&self, column: &'static str) -> Result<Option<Timestamp>> {
        self.with_conn(|conn| {
            let sql = format!("SELECT {column} FROM sync_state WHERE id = 1");
            let at: Option<String> = conn.query_row(&sql, [], |r| r.get(0))?;
            at.map(|at| {
                Timestamp::parse(&at)
                    .map_err(|e| StoreError::CorruptRecord { what: column.into(), problem: e.to_string() })
            })
            .transpose()
        })
    }

    /// Changes the server refused, waiting for a person.
    pub fn rejected_count(&self) -> Result<u64> {
        self.with_conn(|conn| {
            let count: i64 =
                conn.query_row("SELECT count(*) FROM outbox WHERE status = 'rejected'", [], |r| r.get(0))?;
            Ok(count as u64)
        })
    }

    pub(crate) fn setting(&self, key: &str) -> Result<Option<String>> {
        self.with_conn(|conn| setting_in(conn, key))
    }

    pub(crate) fn set_setting(&self, key: &str, value: Option<&str>) -> Result<()> {
        self.transaction(Mode::Write, |t| {
            match value {
                Some(value) => t.tx.execute(
                    "INSERT INTO device_settings (key, value) VALUES (?1, ?2)
                     ON CONFLICT (key) DO UPDATE SET value = excluded.value",
                    params![key, value],
                )?,
                None => t.tx.execute("DELETE FROM device_settings WHERE key = ?1", [key])?,
            };
            Ok(())
        })
    }
}

impl Store {
    /// Erases everything this device holds: every row, the outbox, the settings and the
    /// sync state, and gives it a new device id. For a device an administrator revoked
    /// (lost or stolen): what it had not synced is gone, by design. Only the time of the
    /// wipe stays, so the window can say why the device is empty.
    ///
    /// An encrypted database's key is replaced first, so what it held cannot be read even
    /// if the file survived; its files are then removed and a new database started.
    pub fn wipe(&self) -> Result<()> {
        if self.start_afresh_under_new_key()?.is_some() {
            self.remove_media_files();
            self.transaction(Mode::Write, |t| {
                t.tx.execute(
                    "INSERT INTO device_settings (key, value) VALUES (?1, ?2)",
                    [WIPED_AT, &t.now.to_string()],
                )?;
                Ok(())
            })?;
            tracing::warn!("the device's data was wiped, and its key replaced");
            return Ok(());
        }
        self.transaction(Mode::WriteWithoutForeignKeys, |t| {
            for spec in stride_domain::registry::REGISTRY.iter().rev() {
                t.tx.execute(&format!("DELETE FROM {}", spec.table), [])?;
            }
            t.tx.execute_batch(
                "DELETE FROM outbox;
                 DELETE FROM media_downloads;
                 DELETE FROM sync_runs;
                 DELETE FROM conflicts;
                 DELETE FROM reminder_snoozes;
                 DELETE FROM device_people;
                 DELETE FROM device_settings;
                 DELETE FROM sync_state;",
            )?;
            t.tx.execute("INSERT INTO sync_state (id, device_id) VALUES (1, ?1)", [DeviceId::new().to_string()])?;
            t.tx.execute("INSERT INTO device_settings (key, value) VALUES (?1, ?2)", [WIPED_AT, &t.now.to_string()])?;
            t.become_new_device(load_or_create(&t.tx)?);
            Ok(())
        })?;
        self.remove_media_files();
        // Reclaim the space, so the erased rows are not left in free pages.
        self.vacuum()?;
        tracing::warn!("the device's data was wiped");
        Ok(())
    }
}

//! The device's own reminder settings: how many days overdue a worker must be before
//! home and the desktop remind of them, and the reminders snoozed, until when. Kept on
//! this device only (`device_settings`, `reminder_snoozes`); nothing of them syncs.

use crate::codec::timestamp_column;
use crate::store::Mode;
use crate::{Result, Store};
use std::collections::BTreeMap;
use stride_domain::Timestamp;

const OVERDUE_DAYS: &str = "reminder_overdue_days";

impl Store {
    /// Days overdue past which a worker is reminded of (None: never set).
    pub fn reminder_overdue_days(&self) -> Result<Option<u32>> {
        Ok(self.setting(OVERDUE_DAYS)?.and_then(|value| value.parse().ok()))
    }

    pub fn set_reminder_overdue_days(&self, days: u32) -> Result<()> {
        self.set_setting(OVERDUE_DAYS, Some(&days.to_string()))
    }

    /// The reminders snoozed past `now`, with until when (those that woke are forgotten).
    pub fn snoozed_reminders(&self, now: Timestamp) -> Result<BTreeMap<String, Timestamp>> {
        self.with_conn(|conn| {
            let mut statement =
                conn.prepare_cached("SELECT reminder, snoozed_until FROM reminder_snoozes WHERE snoozed_until > ?1")?;
            let mut rows = statement.query([now.to_string()])?;
            let mut snoozed = BTreeMap::new();
            while let Some(row) = rows.next()? {
                snoozed.insert(row.get(0)?, timestamp_column(row, 1, "snooze")?);
            }
            Ok(snoozed)
        })
    }

    /// Snoozes a reminder until `until` (a reminder snoozed again takes the new time).
    pub fn snooze_reminder(&self, reminder: &str, until: Timestamp) -> Result<()> {
        self.transaction(Mode::Write, |t| {
            t.tx.execute("DELETE FROM reminder_snoozes WHERE snoozed_until <= ?1", [t.now.to_string()])?;
            t.tx.execute(
                "INSERT INTO reminder_snoozes (reminder, snoozed_until) VALUES (?1, ?2)
                 ON CONFLICT (reminder) DO UPDATE SET snoozed_until = excluded.snoozed_until",
                [reminder, &until.to_string()],
            )?;
            Ok(())
        })
    }
}

//! Reminders, worked out with home from what is due: the sessions due today (each
//! touchpoint some of a program's workers are due or overdue for) and the workers
//! overdue by more than a number of days this device sets. A reminder can be snoozed
//! for an hour or until tomorrow, on this device only; the desktop notification
//! (`notify.rs` in the shell) says how many there are, never who.

use super::calendar::{local_date, local_midnight};
use super::Service;
use crate::error::AppError;
use chrono::Days;
use serde::{Deserialize, Serialize};
use std::fmt;
use std::str::FromStr;
use std::time::Duration;
use stride_domain::journey::Day;
use stride_domain::*;
use ts_rs::TS;

/// Until the person at the window sets their own.
pub const DEFAULT_OVERDUE_DAYS: u32 = 3;
/// The longest wait a person may set.
const MOST_OVERDUE_DAYS: u32 = 365;
/// How many overdue workers home lists (most overdue first); the rest are counted.
const WORKERS_LISTED: usize = 8;

/// What a reminder is about, as its snooze remembers it: "session:<program>:<touchpoint>"
/// or "worker:<worker>".
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize, Deserialize, TS)]
#[serde(try_from = "String", into = "String")]
#[ts(type = "string")]
pub enum ReminderKey {
    Session { program: ProgramId, touchpoint: TouchpointId },
    Worker(WorkerId),
}

impl fmt::Display for ReminderKey {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            ReminderKey::Session { program, touchpoint } => write!(f, "session:{program}:{touchpoint}"),
            ReminderKey::Worker(worker) => write!(f, "worker:{worker}"),
        }
    }
}

impl FromStr for ReminderKey {
    type Err = InvalidValue;
    fn from_str(text: &str) -> Result<Self, Self::Err> {
        let unreadable = || InvalidValue::rule(format!("{text:?} is not a reminder"));
        let parts: Vec<&str> = text.split(':').collect();
        match parts.as_slice() {
            ["session", program, touchpoint] => Ok(ReminderKey::Session {
                program: program.parse().map_err(|_| unreadable())?,
                touchpoint: touchpoint.parse().map_err(|_| unreadable())?,
            }),
            ["worker", worker] => Ok(ReminderKey::Worker(worker.parse().map_err(|_| unreadable())?)),
            _ => Err(unreadable()),
        }
    }
}

impl TryFrom<String> for ReminderKey {
    type Error = InvalidValue;
    fn try_from(text: String) -> Result<Self, Self::Error> {
        text.parse()
    }
}

impl From<ReminderKey> for String {
    fn from(key: ReminderKey) -> String {
        key.to_string()
    }
}

/// A session due today: a touchpoint of a program some workers are due or overdue for.
#[derive(Debug, Clone, PartialEq, Serialize, TS)]
pub struct SessionReminder {
    pub key: ReminderKey,
    pub program_id: ProgramId,
    pub program: String,
    pub touchpoint_id: TouchpointId,
    pub title: Option<String>,
    /// Workers it is due for (overdue included).
    pub workers: u32,
}

/// A worker overdue for longer than the device's number of days.
#[derive(Debug, Clone, PartialEq, Serialize, TS)]
pub struct WorkerReminder {
    pub key: ReminderKey,
    pub worker_id: WorkerId,
    pub name: String,
    /// Days since the first touchpoint they are overdue for was due.
    pub days_overdue: u32,
    /// Touchpoints they are overdue for.
    pub touchpoints: u32,
}

#[derive(Debug, Clone, PartialEq, Serialize, TS)]
pub struct Reminders {
    /// A worker is reminded of once overdue by more than this many days.
    pub overdue_days: u32,
    pub sessions: Vec<SessionReminder>,
    /// The most overdue first, the first 8.
    pub workers: Vec<WorkerReminder>,
    /// Every overdue worker reminded of, listed or not.
    pub workers_total: u32,
    /// Reminders snoozed now.
    pub snoozed: u32,
}

impl Reminders {
    /// Every reminder shown, for telling new ones from those already notified.
    pub fn keys(&self) -> impl Iterator<Item = ReminderKey> + '_ {
        self.sessions.iter().map(|s| s.key).chain(self.workers.iter().map(|w| w.key))
    }
}

/// How long a snooze lasts.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Deserialize, TS)]
#[serde(rename_all = "snake_case")]
pub enum SnoozeFor {
    Hour,
    /// Until the start of tomorrow on this device's calendar.
    Tomorrow,
}

/// A touchpoint due today for some of a program's workers, as home counted it.
pub(super) struct DueSession {
    pub program_id: ProgramId,
    pub program: String,
    pub touchpoint_id: TouchpointId,
    pub title: Option<String>,
    pub workers: u32,
}

/// What one pass over the due items found of one worker's overdue touchpoints.
#[derive(Debug, Clone, Copy)]
pub(super) struct Overdue {
    pub first_due_at: Timestamp,
    pub touchpoints: u32,
}

impl Service {
    /// The reminders of `day`, from home's due touchpoints (in its order) and each
    /// worker's overdue ones.
    pub(super) fn reminders(
        &self,
        day: Day,
        due: Vec<DueSession>,
        overdue: IdMap<WorkerId, Overdue>,
    ) -> Result<Reminders, AppError> {
        let overdue_days = self.store.reminder_overdue_days()?.unwrap_or(DEFAULT_OVERDUE_DAYS);
        let snoozes = self.store.snoozed_reminders(self.store.now())?;
        let awake = |key: &ReminderKey| !snoozes.contains_key(&key.to_string());
        let sessions = due
            .into_iter()
            .map(|d| SessionReminder {
                key: ReminderKey::Session { program: d.program_id, touchpoint: d.touchpoint_id },
                program_id: d.program_id,
                program: d.program,
                touchpoint_id: d.touchpoint_id,
                title: d.title,
                workers: d.workers,
            })
            .filter(|session| awake(&session.key))
            .collect();
        let today = local_date(day.starts);
        let mut late: Vec<(u32, WorkerId, Overdue)> = overdue
            .into_iter()
            .filter(|(worker, _)| awake(&ReminderKey::Worker(*worker)))
            .filter_map(|(worker, found)| {
                let days = (today - local_date(found.first_due_at)).num_days();
                let days = u32::try_from(days).ok().filter(|d| *d > overdue_days)?;
                Some((days, worker, found))
            })
            .collect();
        late.sort_by(|a, b| b.0.cmp(&a.0).then(a.1.cmp(&b.1)));
        let workers_total = late.len() as u32;
        let mut workers = Vec::new();
        for (days_overdue, worker_id, found) in late.into_iter().take(WORKERS_LISTED) {
            let Some(worker) = self.store.get::<Worker>(&RowKey::of(worker_id))? else { continue };
            workers.push(WorkerReminder {
                key: ReminderKey::Worker(worker_id),
                worker_id,
                name: worker.full_name.to_string(),
                days_overdue,
                touchpoints: found.touchpoints,
            });
        }
        Ok(Reminders { overdue_days, sessions, workers, workers_total, snoozed: snoozes.len() as u32 })
    }

    /// Snoozes a reminder on this device.
    pub fn snooze_reminder(&self, key: ReminderKey, snooze: SnoozeFor) -> Result<(), AppError> {
        let now = self.store.now();
        let until = match snooze {
            SnoozeFor::Hour => Timestamp::from_millis(now.millis() + 60 * 60 * 1000).unwrap_or(now),
            SnoozeFor::Tomorrow => {
                let today = local_date(now);
                local_midnight(today.checked_add_days(Days::new(1)).unwrap_or(today))
            }
        };
        Ok(self.store.snooze_reminder(&key.to_string(), until)?)
    }

    /// Sets after how many days overdue a worker is reminded of (1–365, as typed).
    pub fn set_reminder_overdue_days(&self, days: String) -> Result<(), AppError> {
        let parsed = days.trim().parse::<u32>().ok().filter(|d| (1..=MOST_OVERDUE_DAYS).contains(d));
        let Some(days) = parsed else {
            let problem = InvalidValue::OutOfRange { min: 1, max: i64::from(MOST_OVERDUE_DAYS) };
            return Err(AppError::invalid(vec![ValidationError::new("overdue_days", problem)]));
        };
        Ok(self.store.set_reminder_overdue_days(days)?)
    }

    /// While the app runs: at start, after every sync, and every `every`, works out the
    /// reminders of today and hands `notify` the reminders when some were not told of
    /// yet today (a snoozed one that wakes is told again). Nothing is told on a device
    /// that is not set up.
    pub async fn keep_reminding(self: &std::sync::Arc<Self>, every: Duration, mut notify: impl FnMut(&Reminders)) {
        let mut told: std::collections::BTreeSet<ReminderKey> = Default::default();
        let mut told_on = None;
        loop {
            let day = super::today();
            if told_on != Some(day.starts) {
                told.clear();
                told_on = Some(day.starts);
            }
            match self.blocking(move |service| service.reminders_of(day)).await {
                Ok(reminders) => {
                    // Forgetting what is no longer shown (snoozed, or done) tells it again
                    // when it comes back.
                    let shown: std::collections::BTreeSet<ReminderKey> = reminders.keys().collect();
                    told.retain(|key| shown.contains(key));
                    let fresh: Vec<ReminderKey> = shown.into_iter().filter(|key| !told.contains(key)).collect();
                    if !fresh.is_empty() {
                        notify(&reminders);
                        told.extend(fresh);
                    }
                }
                Err(error) => {
                    tracing::debug!(code = ?error.code, message = %error.message, "no reminders: the device cannot say what is due")
                }
            }
            tokio::select! {
                () = tokio::time::sleep(every) => {}
                () = self.reminders_may_change.notified() => {}
            }
        }
    }
}

#[cfg(test)]
mod tests {
    use super::super::tests::{form, service, set_up_input};
    use super::*;
    use crate::service::{today, EnrollTarget};

    #[test]
    fn reminders_name_todays_sessions_and_long_overdue_workers_and_a_snooze_hides_one_until_it_wakes() {
        let (_dir, service) = service();
        service.set_up(set_up_input("Lakeside Farms", "254")).unwrap();
        let first = TouchpointId::new();
        let program = stride_store::fixtures::sample_program(&service.store, &[(first, 1, None)]).unwrap();
        let mut workers = Vec::new();
        for (name, days_ago) in [("Amina Wanjiru", 10), ("Baraka Otieno", 1), ("Chebet Kosgei", 0)] {
            let worker = service.enroll_worker(form(name, "")).unwrap();
            service.enroll_in_program(program, EnrollTarget::Worker(worker.id)).unwrap();
            let mut enrollment = service
                .store
                .list_all::<WorkerAssignment>(&[stride_store::Filter::new("worker_id", worker.id.to_string())])
                .unwrap()
                .remove(0);
            let now = service.store.now();
            enrollment.enrollment_date = Timestamp::from_millis(now.millis() - days_ago * 24 * 60 * 60 * 1000).unwrap();
            service.store.update(&enrollment).unwrap();
            workers.push(worker);
        }

        let reminders = service.home(today()).unwrap().reminders;
        assert_eq!(reminders.overdue_days, DEFAULT_OVERDUE_DAYS);
        let sessions: Vec<(ReminderKey, u32)> = reminders.sessions.iter().map(|s| (s.key, s.workers)).collect();
        assert_eq!(sessions, [(ReminderKey::Session { program, touchpoint: first }, 3)]);
        let late: Vec<(&str, u32, u32)> =
            reminders.workers.iter().map(|w| (w.name.as_str(), w.days_overdue, w.touchpoints)).collect();
        assert_eq!(late, [("Amina Wanjiru", 10, 1)], "only more than 3 days overdue");

        // Each problem by its field; with one day, Baraka (one day overdue) is not more than one.
        let err = service.set_reminder_overdue_days("0".into()).unwrap_err();
        assert_eq!(err.fields[0].field, "overdue_days");
        assert!(service.set_reminder_overdue_days("a week".into()).is_err());
        service.set_reminder_overdue_days(" 1 ".into()).unwrap();
        assert_eq!(service.reminders_of(today()).unwrap().workers.len(), 1);

        service.snooze_reminder(ReminderKey::Worker(workers[0].id), SnoozeFor::Tomorrow).unwrap();
        service.snooze_reminder(ReminderKey::Session { program, touchpoint: first }, SnoozeFor::Hour).unwrap();
        let reminders = service.home(today()).unwrap().reminders;
        assert!(reminders.workers.is_empty() && reminders.sessions.is_empty());
        assert_eq!(reminders.snoozed, 2);
        // Home still lists the work itself: a snooze quiets the reminder only.
        assert_eq!(service.home(today()).unwrap().programs[0].touchpoints[0].overdue, 2);
        let woken = service
            .store
            .snoozed_reminders(Timestamp::from_millis(service.store.now().millis() + 2 * 86_400_000).unwrap());
        assert!(woken.unwrap().is_empty(), "both wake by the day after tomorrow");
    }

    #[test]
    fn a_reminder_key_reads_back_what_it_wrote_and_nothing_else() {
        let keys = [
            ReminderKey::Session { program: ProgramId::new(), touchpoint: TouchpointId::new() },
            ReminderKey::Worker(WorkerId::new()),
        ];
        for key in keys {
            assert_eq!(key.to_string().parse::<ReminderKey>().unwrap(), key);
        }
        for bad in ["", "worker:", "worker:1", "session:x:y", "visit:0193a000-0000-7000-8000-000000000001"] {
            assert!(bad.parse::<ReminderKey>().is_err(), "{bad}");
        }
    }
}

//! The device's calendar: its days as the OS time zone draws them, for what is due
//! today and for the days a person types (a challenge's window, a snooze until tomorrow).

use chrono::{Days, Local, NaiveDate, NaiveTime, TimeDelta, TimeZone};
use stride_domain::journey::Day;
use stride_domain::Timestamp;

/// Today, as the device's time zone draws it from the OS clock (the calendar of the
/// person at the window).
#[allow(clippy::disallowed_methods)] // the wall clock
pub fn today() -> Day {
    let date = Local::now().date_naive();
    Day { starts: local_midnight(date), ends: local_midnight(date.checked_add_days(Days::new(1)).unwrap_or(date)) }
}

/// When a day of the device's calendar begins (where the time zone skips midnight, its
/// first hour that exists).
pub fn local_midnight(date: NaiveDate) -> Timestamp {
    (0..3)
        .find_map(|hour| Local.from_local_datetime(&date.and_time(NaiveTime::MIN + TimeDelta::hours(hour))).earliest())
        .map_or_else(
            || Timestamp::from_datetime(date.and_time(NaiveTime::MIN).and_utc()),
            |at| Timestamp::from_datetime(at.to_utc()),
        )
}

/// The day of the device's calendar an instant falls on.
pub fn local_date(at: Timestamp) -> NaiveDate {
    at.as_datetime().with_timezone(&Local).date_naive()
}

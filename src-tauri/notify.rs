//! Desktop notifications of the day's reminders (freedesktop notifications over D-Bus,
//! which every Linux desktop's notification daemon serves). A notification says how
//! many sessions are due and how many workers are overdue, never who: it can show on a
//! locked screen and stays in the desktop's history. The names are on home.

use crate::service::Reminders;

/// How often, besides at start and after each sync, the app looks for new reminders.
pub const REMIND_EVERY: std::time::Duration = std::time::Duration::from_secs(10 * 60);

/// The notification's title and text.
pub fn reminder_text(reminders: &Reminders) -> (String, String) {
    let count = |n: usize, one: &str, many: &str| format!("{n} {}", if n == 1 { one } else { many });
    let mut lines = Vec::new();
    if !reminders.sessions.is_empty() {
        lines.push(format!("{} due today.", count(reminders.sessions.len(), "session is", "sessions are")));
    }
    if reminders.workers_total > 0 {
        lines.push(format!(
            "{} overdue by more than {}.",
            count(reminders.workers_total as usize, "worker is", "workers are"),
            count(reminders.overdue_days as usize, "day", "days")
        ));
    }
    lines.push("Open Stride to see them.".to_owned());
    ("Stride: today's reminders".to_owned(), lines.join(" "))
}

/// Shows the reminders as a desktop notification, off the async threads (D-Bus is a
/// blocking call); a desktop without a notification daemon is written to the log.
pub fn show(reminders: &Reminders) {
    let (summary, body) = reminder_text(reminders);
    tauri::async_runtime::spawn_blocking(move || {
        let shown = notify_rust::Notification::new().appname("Stride").summary(&summary).body(&body).show();
        match shown {
            Ok(_) => tracing::info!(%body, "reminders notified"),
            Err(error) => tracing::info!(error = %error, "no desktop notification: {body}"),
        }
    });
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::service::Reminders;

    #[test]
    fn a_notification_counts_the_reminders_and_names_nobody() {
        let mut reminders =
            Reminders { overdue_days: 3, sessions: Vec::new(), workers: Vec::new(), workers_total: 4, snoozed: 0 };
        let (summary, body) = reminder_text(&reminders);
        assert_eq!(summary, "Stride: today's reminders");
        assert_eq!(body, "4 workers are overdue by more than 3 days. Open Stride to see them.");
        reminders.workers_total = 1;
        reminders.overdue_days = 1;
        assert_eq!(reminder_text(&reminders).1, "1 worker is overdue by more than 1 day. Open Stride to see them.");
    }
}

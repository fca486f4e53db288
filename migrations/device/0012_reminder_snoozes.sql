-- Stride device database, version 12: snoozed reminders. A reminder (a session due
-- today, a worker long overdue) snoozed on this device stays out of home's reminders and
-- the desktop notifications until the time given. Kept on the device only: reminders
-- are the person at this window's, and nothing about them leaves it.
CREATE TABLE reminder_snoozes (
  reminder     TEXT PRIMARY KEY NOT NULL,
  snoozed_until TEXT NOT NULL
);

-- Stride device database, version 3: the history of recent syncs, for the sync panel.
-- One row per sync, however it was started; only the latest hundred are kept.
CREATE TABLE sync_runs (
  id           INTEGER PRIMARY KEY AUTOINCREMENT,
  started_at   TEXT NOT NULL,
  finished_at  TEXT NOT NULL,
  started_by   TEXT NOT NULL CHECK (started_by IN ('sign_in', 'button', 'background')),
  pushed       INTEGER NOT NULL CHECK (pushed >= 0),
  rejected     INTEGER NOT NULL CHECK (rejected >= 0),
  pulled       INTEGER NOT NULL CHECK (pulled >= 0),
  retries      INTEGER NOT NULL CHECK (retries >= 0),
  -- The error's code when the sync failed (as the window shows errors: by code).
  error_code   TEXT
);

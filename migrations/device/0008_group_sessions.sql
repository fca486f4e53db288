-- Stride device database, version 8: a group session records each worker.
--
-- A session is one touchpoint run for a program's workers, from its start to its end.
-- Its attendance holds every worker on the roster, present or absent, with the
-- reflection a present worker gave; a present worker's score and feedback are their
-- worker_progress row, whose id follows from the session and the enrollment, so a
-- correction edits it instead of adding another.
CREATE TABLE group_sessions (
  id              TEXT PRIMARY KEY NOT NULL,
  organization_id TEXT NOT NULL REFERENCES organizations (id) ON DELETE CASCADE DEFERRABLE INITIALLY DEFERRED,
  program_id      TEXT NOT NULL REFERENCES programs (id) ON DELETE CASCADE DEFERRABLE INITIALLY DEFERRED,
  touchpoint_id   TEXT NOT NULL REFERENCES touchpoints (id) ON DELETE CASCADE DEFERRABLE INITIALLY DEFERRED,
  started_at      TEXT NOT NULL,
  completed_at    TEXT NOT NULL,
  recorded_by     TEXT REFERENCES users (id) ON DELETE SET NULL DEFERRABLE INITIALLY DEFERRED,
  created_at      TEXT NOT NULL,
  updated_at      TEXT NOT NULL,
  server_version  INTEGER,
  deleted_at      TEXT,
  CHECK (completed_at >= started_at)
);
CREATE INDEX idx_group_session_program ON group_sessions (program_id, started_at);
CREATE INDEX idx_group_session_touchpoint ON group_sessions (touchpoint_id);

CREATE TABLE session_attendance (
  group_session_id     TEXT NOT NULL REFERENCES group_sessions (id) ON DELETE CASCADE DEFERRABLE INITIALLY DEFERRED,
  worker_assignment_id TEXT NOT NULL REFERENCES worker_assignments (id) ON DELETE CASCADE DEFERRABLE INITIALLY DEFERRED,
  organization_id      TEXT NOT NULL REFERENCES organizations (id) ON DELETE CASCADE DEFERRABLE INITIALLY DEFERRED,
  status               TEXT NOT NULL CHECK (status IN ('present', 'absent')),
  reflection_text      TEXT,
  created_at           TEXT NOT NULL,
  updated_at           TEXT NOT NULL,
  server_version       INTEGER,
  deleted_at           TEXT,
  PRIMARY KEY (group_session_id, worker_assignment_id)
);
CREATE INDEX idx_attendance_assignment ON session_attendance (worker_assignment_id);

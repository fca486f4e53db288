-- Stride device database, version 10: well-being checks.
--
-- The questions an organization asks (each on a 0–10 or a 1–5 scale, in its order) and
-- each check of a worker: the answers by question, their score (well_being.rs: the mean
-- of each answer placed on 0–100 along its scale), and when it was taken. The worker's
-- well_being_score is the score of their latest check.
CREATE TABLE well_being_questions (
  id              TEXT PRIMARY KEY NOT NULL,
  organization_id TEXT NOT NULL REFERENCES organizations (id) ON DELETE CASCADE DEFERRABLE INITIALLY DEFERRED,
  prompt          TEXT NOT NULL CHECK (length(prompt) BETWEEN 1 AND 255),
  scale           TEXT NOT NULL CHECK (scale IN ('zero_to_ten', 'one_to_five')),
  position        INTEGER NOT NULL,
  created_at      TEXT NOT NULL,
  updated_at      TEXT NOT NULL,
  server_version  INTEGER,
  deleted_at      TEXT
);

CREATE TABLE well_being_checks (
  id              TEXT PRIMARY KEY NOT NULL,
  worker_id       TEXT NOT NULL REFERENCES workers (id) ON DELETE CASCADE DEFERRABLE INITIALLY DEFERRED,
  organization_id TEXT NOT NULL REFERENCES organizations (id) ON DELETE CASCADE DEFERRABLE INITIALLY DEFERRED,
  answers         TEXT NOT NULL CHECK (json_valid(answers)),
  score           REAL NOT NULL CHECK (score BETWEEN 0 AND 100),
  checked_at      TEXT NOT NULL,
  recorded_by     TEXT REFERENCES users (id) ON DELETE SET NULL DEFERRABLE INITIALLY DEFERRED,
  created_at      TEXT NOT NULL,
  updated_at      TEXT NOT NULL,
  server_version  INTEGER,
  deleted_at      TEXT
);
CREATE INDEX idx_well_being_check_worker ON well_being_checks (worker_id, checked_at);

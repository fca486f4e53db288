-- Stride device database, version 9: quizzes that can be taken.
--
-- A quiz content item's questions and pass mark are kept as versions (quiz.rs), never
-- edited once written: the latest is the quiz, and each attempt names the version it
-- answered, so a quiz changed after workers took it keeps their answers readable.
-- An attempt holds a worker's answers and the points they scored, behind the progress
-- record whose score is their percentage.
CREATE TABLE quiz_versions (
  id              TEXT PRIMARY KEY NOT NULL,
  content_id      TEXT NOT NULL REFERENCES content (id) ON DELETE CASCADE DEFERRABLE INITIALLY DEFERRED,
  organization_id TEXT NOT NULL REFERENCES organizations (id) ON DELETE CASCADE DEFERRABLE INITIALLY DEFERRED,
  version_number  INTEGER NOT NULL CHECK (version_number >= 1),
  definition      TEXT NOT NULL CHECK (json_valid(definition)),
  created_by      TEXT REFERENCES users (id) ON DELETE SET NULL DEFERRABLE INITIALLY DEFERRED,
  created_at      TEXT NOT NULL,
  server_version  INTEGER,
  deleted_at      TEXT
);
CREATE INDEX idx_quiz_version_content ON quiz_versions (content_id, version_number);

CREATE TABLE quiz_attempts (
  id                 TEXT PRIMARY KEY NOT NULL,
  worker_progress_id TEXT NOT NULL REFERENCES worker_progress (id) ON DELETE CASCADE DEFERRABLE INITIALLY DEFERRED,
  quiz_version_id    TEXT NOT NULL REFERENCES quiz_versions (id) ON DELETE CASCADE DEFERRABLE INITIALLY DEFERRED,
  organization_id    TEXT NOT NULL REFERENCES organizations (id) ON DELETE CASCADE DEFERRABLE INITIALLY DEFERRED,
  answers            TEXT NOT NULL CHECK (json_valid(answers)),
  points             INTEGER NOT NULL CHECK (points >= 0),
  total              INTEGER NOT NULL CHECK (total >= points),
  taken_by           TEXT NOT NULL CHECK (taken_by IN ('worker', 'coordinator')),
  created_at         TEXT NOT NULL,
  updated_at         TEXT NOT NULL,
  server_version     INTEGER,
  deleted_at         TEXT
);
CREATE INDEX idx_quiz_attempt_progress ON quiz_attempts (worker_progress_id);
CREATE INDEX idx_quiz_attempt_version ON quiz_attempts (quiz_version_id);

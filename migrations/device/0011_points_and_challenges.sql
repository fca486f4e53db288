-- Stride device database, version 11: points and challenges.
--
-- What an organization gives for a completed touchpoint and for a badge (one row per
-- organization, its id derived from the organization's), and its challenges: a goal of
-- touchpoints or points within a window of two instants, for one program's workers or
-- one segment's members, gone with its audience. Points, progress and leaderboards are
-- derived from progress and badges (points.rs), never stored.
CREATE TABLE point_values (
  id              TEXT PRIMARY KEY NOT NULL,
  organization_id TEXT NOT NULL REFERENCES organizations (id) ON DELETE CASCADE DEFERRABLE INITIALLY DEFERRED,
  per_touchpoint  INTEGER NOT NULL CHECK (per_touchpoint BETWEEN 0 AND 1000),
  per_badge       INTEGER NOT NULL CHECK (per_badge BETWEEN 0 AND 1000),
  created_at      TEXT NOT NULL,
  updated_at      TEXT NOT NULL,
  server_version  INTEGER,
  deleted_at      TEXT
);

CREATE TABLE challenges (
  id              TEXT PRIMARY KEY NOT NULL,
  organization_id TEXT NOT NULL REFERENCES organizations (id) ON DELETE CASCADE DEFERRABLE INITIALLY DEFERRED,
  title           TEXT NOT NULL CHECK (length(title) BETWEEN 1 AND 255),
  description     TEXT,
  goal_kind       TEXT NOT NULL CHECK (goal_kind IN ('touchpoints', 'points')),
  goal            INTEGER NOT NULL CHECK (goal BETWEEN 1 AND 100000),
  starts_at       TEXT NOT NULL,
  ends_at         TEXT NOT NULL CHECK (ends_at > starts_at),
  program_id      TEXT REFERENCES programs (id) ON DELETE CASCADE DEFERRABLE INITIALLY DEFERRED,
  segment_id      TEXT REFERENCES segments (id) ON DELETE CASCADE DEFERRABLE INITIALLY DEFERRED,
  created_by      TEXT REFERENCES users (id) ON DELETE SET NULL DEFERRABLE INITIALLY DEFERRED,
  created_at      TEXT NOT NULL,
  updated_at      TEXT NOT NULL,
  server_version  INTEGER,
  deleted_at      TEXT,
  CHECK ((program_id IS NULL) <> (segment_id IS NULL))
);
CREATE INDEX idx_challenge_program ON challenges (program_id);

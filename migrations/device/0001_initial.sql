-- Stride device database, version 1: every table of the seed schema plus what sync needs.
--
-- The device holds one organization, so keys are the plain UUIDs of the seed (stored as
-- text). Every synced table carries organization_id and two sync columns:
--   server_version  the server's row version this copy reflects (NULL: never seen there)
--   deleted_at      tombstone; a deleted row stays so it can sync and be listed
-- Foreign keys keep the seed's ON DELETE behaviour and are checked at commit, so a pulled
-- page can be applied in any order inside one transaction.
-- Timestamps are RFC 3339 UTC text with milliseconds ("2026-11-22T03:39:00.000Z"), dates
-- are "YYYY-MM-DD": both sort as text.

CREATE TABLE organizations (
  id                TEXT PRIMARY KEY NOT NULL,
  name              TEXT NOT NULL CHECK (length(name) BETWEEN 1 AND 255),
  type              TEXT NOT NULL CHECK (type IN ('client', 'expert')),
  subscription_tier TEXT NOT NULL CHECK (subscription_tier IN ('basic', 'standard', 'premium')),
  created_at        TEXT NOT NULL,
  updated_at        TEXT NOT NULL,
  server_version    INTEGER,
  deleted_at        TEXT
);
CREATE INDEX idx_org_name ON organizations (name);

CREATE TABLE users (
  id              TEXT PRIMARY KEY NOT NULL,
  organization_id TEXT NOT NULL REFERENCES organizations (id) ON DELETE CASCADE DEFERRABLE INITIALLY DEFERRED,
  email           TEXT NOT NULL UNIQUE,
  role            TEXT NOT NULL CHECK (role IN ('org_admin', 'training_manager', 'program_manager', 'content_specialist', 'coordinator')),
  display_name    TEXT,
  created_at      TEXT NOT NULL,
  updated_at      TEXT NOT NULL,
  server_version  INTEGER,
  deleted_at      TEXT
);
CREATE INDEX idx_users_org ON users (organization_id);

CREATE TABLE workers (
  id                 TEXT PRIMARY KEY NOT NULL,
  organization_id    TEXT NOT NULL REFERENCES organizations (id) ON DELETE CASCADE DEFERRABLE INITIALLY DEFERRED,
  full_name          TEXT NOT NULL CHECK (length(full_name) BETWEEN 1 AND 255),
  phone_number       TEXT,
  well_being_score   REAL CHECK (well_being_score BETWEEN 0 AND 100),
  performance_metric REAL CHECK (performance_metric BETWEEN 0 AND 100),
  custom_attributes  TEXT NOT NULL DEFAULT '{}' CHECK (json_valid(custom_attributes) AND json_type(custom_attributes) = 'object'),
  created_at         TEXT NOT NULL,
  updated_at         TEXT NOT NULL,
  server_version     INTEGER,
  deleted_at         TEXT
);
CREATE INDEX idx_workers_org ON workers (organization_id);
CREATE INDEX idx_workers_name ON workers (full_name COLLATE NOCASE);
CREATE INDEX idx_workers_phone ON workers (phone_number);

-- Search as you type over name and phone: trigram FTS matches any 3+ character
-- substring ("712" finds "+254712345678", "ali" finds "Khalid"), kept in step by triggers.
CREATE VIRTUAL TABLE workers_search USING fts5 (
  full_name, phone_number,
  content = 'workers', content_rowid = 'rowid', tokenize = 'trigram'
);
CREATE TRIGGER workers_search_insert AFTER INSERT ON workers BEGIN
  INSERT INTO workers_search (rowid, full_name, phone_number)
  VALUES (new.rowid, new.full_name, new.phone_number);
END;
CREATE TRIGGER workers_search_delete AFTER DELETE ON workers BEGIN
  INSERT INTO workers_search (workers_search, rowid, full_name, phone_number)
  VALUES ('delete', old.rowid, old.full_name, old.phone_number);
END;
CREATE TRIGGER workers_search_update AFTER UPDATE OF full_name, phone_number ON workers BEGIN
  INSERT INTO workers_search (workers_search, rowid, full_name, phone_number)
  VALUES ('delete', old.rowid, old.full_name, old.phone_number);
  INSERT INTO workers_search (rowid, full_name, phone_number)
  VALUES (new.rowid, new.full_name, new.phone_number);
END;

CREATE TABLE segments (
  id              TEXT PRIMARY KEY NOT NULL,
  organization_id TEXT NOT NULL REFERENCES organizations (id) ON DELETE CASCADE DEFERRABLE INITIALLY DEFERRED,
  name            TEXT NOT NULL CHECK (length(name) BETWEEN 1 AND 255),
  rule_definition TEXT CHECK (rule_definition IS NULL OR json_valid(rule_definition)),
  created_at      TEXT NOT NULL,
  updated_at      TEXT NOT NULL,
  server_version  INTEGER,
  deleted_at      TEXT
);
CREATE INDEX idx_segment_name ON segments (name);

CREATE TABLE worker_segment (
  worker_id       TEXT NOT NULL REFERENCES workers (id) ON DELETE CASCADE DEFERRABLE INITIALLY DEFERRED,
  segment_id      TEXT NOT NULL REFERENCES segments (id) ON DELETE CASCADE DEFERRABLE INITIALLY DEFERRED,
  organization_id TEXT NOT NULL REFERENCES organizations (id) ON DELETE CASCADE DEFERRABLE INITIALLY DEFERRED,
  assigned_at     TEXT NOT NULL,
  server_version  INTEGER,
  deleted_at      TEXT,
  PRIMARY KEY (worker_id, segment_id)
);
CREATE INDEX idx_ws_worker ON worker_segment (worker_id);
CREATE INDEX idx_ws_segment ON worker_segment (segment_id);

CREATE TABLE content (
  id              TEXT PRIMARY KEY NOT NULL,
  organization_id TEXT NOT NULL REFERENCES organizations (id) ON DELETE CASCADE DEFERRABLE INITIALLY DEFERRED,
  type            TEXT NOT NULL CHECK (type IN ('video', 'text', 'audio', 'quiz')),
  title           TEXT CHECK (title IS NULL OR length(title) BETWEEN 1 AND 255),
  description     TEXT,
  media_url       TEXT,
  license_type    TEXT,
  created_at      TEXT NOT NULL,
  updated_at      TEXT NOT NULL,
  server_version  INTEGER,
  deleted_at      TEXT
);
CREATE INDEX idx_content_org ON content (organization_id);
CREATE INDEX idx_content_type ON content (type);

CREATE TABLE journey_blueprints (
  id              TEXT PRIMARY KEY NOT NULL,
  organization_id TEXT NOT NULL REFERENCES organizations (id) ON DELETE CASCADE DEFERRABLE INITIALLY DEFERRED,
  title           TEXT NOT NULL CHECK (length(title) BETWEEN 1 AND 255),
  purpose         TEXT,
  created_by      TEXT REFERENCES users (id) ON DELETE SET NULL DEFERRABLE INITIALLY DEFERRED,
  updated_by      TEXT REFERENCES users (id) ON DELETE SET NULL DEFERRABLE INITIALLY DEFERRED,
  created_at      TEXT NOT NULL,
  updated_at      TEXT NOT NULL,
  server_version  INTEGER,
  deleted_at      TEXT
);

CREATE TABLE phases (
  id                   TEXT PRIMARY KEY NOT NULL,
  journey_blueprint_id TEXT NOT NULL REFERENCES journey_blueprints (id) ON DELETE CASCADE DEFERRABLE INITIALLY DEFERRED,
  organization_id      TEXT NOT NULL REFERENCES organizations (id) ON DELETE CASCADE DEFERRABLE INITIALLY DEFERRED,
  name                 TEXT NOT NULL CHECK (length(name) BETWEEN 1 AND 255),
  sequence_order       INTEGER NOT NULL,
  server_version       INTEGER,
  deleted_at           TEXT
);
CREATE INDEX idx_phase_sequence ON phases (journey_blueprint_id, sequence_order);

CREATE TABLE touchpoints (
  id              TEXT PRIMARY KEY NOT NULL,
  phase_id        TEXT NOT NULL REFERENCES phases (id) ON DELETE CASCADE DEFERRABLE INITIALLY DEFERRED,
  content_id      TEXT NOT NULL REFERENCES content (id) ON DELETE RESTRICT DEFERRABLE INITIALLY DEFERRED,
  organization_id TEXT NOT NULL REFERENCES organizations (id) ON DELETE CASCADE DEFERRABLE INITIALLY DEFERRED,
  rule_logic      TEXT CHECK (rule_logic IS NULL OR json_valid(rule_logic)),
  created_at      TEXT NOT NULL,
  updated_at      TEXT NOT NULL,
  server_version  INTEGER,
  deleted_at      TEXT
);
CREATE INDEX idx_touchpoint_phase ON touchpoints (phase_id);

CREATE TABLE programs (
  id              TEXT PRIMARY KEY NOT NULL,
  organization_id TEXT NOT NULL REFERENCES organizations (id) ON DELETE CASCADE DEFERRABLE INITIALLY DEFERRED,
  name            TEXT NOT NULL CHECK (length(name) BETWEEN 1 AND 255),
  start_date      TEXT,
  end_date        TEXT,
  created_by      TEXT REFERENCES users (id) ON DELETE SET NULL DEFERRABLE INITIALLY DEFERRED,
  updated_by      TEXT REFERENCES users (id) ON DELETE SET NULL DEFERRABLE INITIALLY DEFERRED,
  created_at      TEXT NOT NULL,
  updated_at      TEXT NOT NULL,
  server_version  INTEGER,
  deleted_at      TEXT,
  CHECK (start_date IS NULL OR end_date IS NULL OR end_date >= start_date)
);
CREATE INDEX idx_program_org ON programs (organization_id);

CREATE TABLE program_blueprints (
  id                   TEXT PRIMARY KEY NOT NULL,
  program_id           TEXT NOT NULL REFERENCES programs (id) ON DELETE CASCADE DEFERRABLE INITIALLY DEFERRED,
  journey_blueprint_id TEXT NOT NULL REFERENCES journey_blueprints (id) ON DELETE RESTRICT DEFERRABLE INITIALLY DEFERRED,
  organization_id      TEXT NOT NULL REFERENCES organizations (id) ON DELETE CASCADE DEFERRABLE INITIALLY DEFERRED,
  order_in_program     INTEGER NOT NULL,
  server_version       INTEGER,
  deleted_at           TEXT
);
CREATE INDEX idx_pb_program ON program_blueprints (program_id);

CREATE TABLE worker_assignments (
  id              TEXT PRIMARY KEY NOT NULL,
  program_id      TEXT NOT NULL REFERENCES programs (id) ON DELETE CASCADE DEFERRABLE INITIALLY DEFERRED,
  worker_id       TEXT NOT NULL REFERENCES workers (id) ON DELETE CASCADE DEFERRABLE INITIALLY DEFERRED,
  organization_id TEXT NOT NULL REFERENCES organizations (id) ON DELETE CASCADE DEFERRABLE INITIALLY DEFERRED,
  enrollment_date TEXT NOT NULL,
  status          TEXT NOT NULL DEFAULT 'active' CHECK (status IN ('active', 'completed', 'dropped')),
  created_at      TEXT NOT NULL,
  updated_at      TEXT NOT NULL,
  server_version  INTEGER,
  deleted_at      TEXT
);
CREATE INDEX idx_wa_program_worker ON worker_assignments (program_id, worker_id);
CREATE INDEX idx_wa_worker ON worker_assignments (worker_id);

CREATE TABLE worker_progress (
  id                   TEXT PRIMARY KEY NOT NULL,
  worker_assignment_id TEXT NOT NULL REFERENCES worker_assignments (id) ON DELETE CASCADE DEFERRABLE INITIALLY DEFERRED,
  touchpoint_id        TEXT NOT NULL REFERENCES touchpoints (id) ON DELETE CASCADE DEFERRABLE INITIALLY DEFERRED,
  organization_id      TEXT NOT NULL REFERENCES organizations (id) ON DELETE CASCADE DEFERRABLE INITIALLY DEFERRED,
  started_at           TEXT,
  completed_at         TEXT,
  score                REAL CHECK (score BETWEEN 0 AND 100),
  feedback_text        TEXT,
  created_at           TEXT NOT NULL,
  updated_at           TEXT NOT NULL,
  server_version       INTEGER,
  deleted_at           TEXT
);
CREATE INDEX idx_wp_wa_tp ON worker_progress (worker_assignment_id, touchpoint_id);

CREATE TABLE experiments (
  id              TEXT PRIMARY KEY NOT NULL,
  organization_id TEXT NOT NULL REFERENCES organizations (id) ON DELETE CASCADE DEFERRABLE INITIALLY DEFERRED,
  experiment_type TEXT NOT NULL CHECK (experiment_type IN ('journey_level', 'program_level')),
  name            TEXT NOT NULL CHECK (length(name) BETWEEN 1 AND 255),
  status          TEXT NOT NULL DEFAULT 'active' CHECK (status IN ('draft', 'active', 'completed')),
  start_date      TEXT,
  end_date        TEXT,
  created_by      TEXT REFERENCES users (id) ON DELETE SET NULL DEFERRABLE INITIALLY DEFERRED,
  updated_by      TEXT REFERENCES users (id) ON DELETE SET NULL DEFERRABLE INITIALLY DEFERRED,
  created_at      TEXT NOT NULL,
  updated_at      TEXT NOT NULL,
  server_version  INTEGER,
  deleted_at      TEXT,
  CHECK (start_date IS NULL OR end_date IS NULL OR end_date >= start_date)
);
CREATE INDEX idx_expt_org ON experiments (organization_id);

CREATE TABLE experiment_variants (
  id              TEXT PRIMARY KEY NOT NULL,
  experiment_id   TEXT NOT NULL REFERENCES experiments (id) ON DELETE CASCADE DEFERRABLE INITIALLY DEFERRED,
  organization_id TEXT NOT NULL REFERENCES organizations (id) ON DELETE CASCADE DEFERRABLE INITIALLY DEFERRED,
  variant_name    TEXT NOT NULL CHECK (length(variant_name) BETWEEN 1 AND 255),
  variant_details TEXT CHECK (variant_details IS NULL OR json_valid(variant_details)),
  created_at      TEXT NOT NULL,
  updated_at      TEXT NOT NULL,
  server_version  INTEGER,
  deleted_at      TEXT
);
CREATE INDEX idx_variant_expt ON experiment_variants (experiment_id);

CREATE TABLE experiment_assignments (
  id                    TEXT PRIMARY KEY NOT NULL,
  experiment_variant_id TEXT NOT NULL REFERENCES experiment_variants (id) ON DELETE CASCADE DEFERRABLE INITIALLY DEFERRED,
  worker_id             TEXT REFERENCES workers (id) ON DELETE CASCADE DEFERRABLE INITIALLY DEFERRED,
  organization_id       TEXT NOT NULL REFERENCES organizations (id) ON DELETE CASCADE DEFERRABLE INITIALLY DEFERRED,
  assigned_at           TEXT NOT NULL,
  server_version        INTEGER,
  deleted_at            TEXT
);
CREATE INDEX idx_ea_variant ON experiment_assignments (experiment_variant_id);
CREATE INDEX idx_ea_worker ON experiment_assignments (worker_id);

CREATE TABLE badges (
  id              TEXT PRIMARY KEY NOT NULL,
  organization_id TEXT NOT NULL REFERENCES organizations (id) ON DELETE CASCADE DEFERRABLE INITIALLY DEFERRED,
  name            TEXT NOT NULL CHECK (length(name) BETWEEN 1 AND 100),
  description     TEXT,
  icon_url        TEXT,
  created_at      TEXT NOT NULL,
  updated_at      TEXT NOT NULL,
  server_version  INTEGER,
  deleted_at      TEXT
);

CREATE TABLE worker_badges (
  worker_id       TEXT NOT NULL REFERENCES workers (id) ON DELETE CASCADE DEFERRABLE INITIALLY DEFERRED,
  badge_id        TEXT NOT NULL REFERENCES badges (id) ON DELETE CASCADE DEFERRABLE INITIALLY DEFERRED,
  organization_id TEXT NOT NULL REFERENCES organizations (id) ON DELETE CASCADE DEFERRABLE INITIALLY DEFERRED,
  awarded_at      TEXT NOT NULL,
  server_version  INTEGER,
  deleted_at      TEXT,
  PRIMARY KEY (worker_id, badge_id)
);

-- Change capture. Every domain write appends one entry here in the same transaction.
-- seq is the device sequence number the server deduplicates on; fields holds only the
-- changed columns (JSON object); hlc is the hybrid logical clock stamp of the change.
-- A change the server refuses stays here as 'rejected' with its reason: never dropped.
CREATE TABLE outbox (
  seq              INTEGER PRIMARY KEY AUTOINCREMENT,
  change_id        TEXT NOT NULL UNIQUE,
  entity           TEXT NOT NULL,
  row_key          TEXT NOT NULL,
  op               TEXT NOT NULL CHECK (op IN ('upsert', 'delete')),
  fields           TEXT NOT NULL CHECK (json_valid(fields) AND json_type(fields) = 'object'),
  hlc              TEXT NOT NULL,
  created_at       TEXT NOT NULL,
  status           TEXT NOT NULL DEFAULT 'pending' CHECK (status IN ('pending', 'rejected')),
  rejection_code   TEXT,
  rejection_reason TEXT
);
CREATE INDEX idx_outbox_row ON outbox (entity, row_key);
CREATE INDEX idx_outbox_status ON outbox (status, seq);

-- The device's own sync state: exactly one row, created when the database is.
CREATE TABLE sync_state (
  id                       INTEGER PRIMARY KEY CHECK (id = 1),
  device_id                TEXT NOT NULL,
  organization_id          TEXT REFERENCES organizations (id) DEFERRABLE INITIALLY DEFERRED,
  pull_cursor              INTEGER NOT NULL DEFAULT 0,
  first_sync_completed_at  TEXT,
  last_sync_at             TEXT,
  hlc_last                 TEXT
);

-- Settings of this installation that are not synced (e.g. default_calling_code).
CREATE TABLE device_settings (
  key   TEXT PRIMARY KEY NOT NULL,
  value TEXT NOT NULL
);

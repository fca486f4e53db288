-- Stride central database, version 1: every table of the seed schema, organization-scoped.
--
-- Keys: every organization-scoped table's primary key is (organization_id, id) and every
-- foreign key between them carries organization_id, so the database itself refuses a row
-- of one organization pointing at another's, and the schema can be distributed by
-- organization_id (Citus needs it in every primary, unique and foreign key).
-- ON DELETE SET NULL names its column, so organization_id is never nulled with it.
--
-- Sync columns on every synced table:
--   version    taken from the organization's counter by a trigger in the writing
--              transaction; the counter row stays locked until commit, so versions become
--              visible in order and a puller can never skip one
--   field_hlc  per column, the hybrid logical clock stamp of the write that set it
--              (last writer wins per field)
--   deleted_at tombstone
--
-- Row-level security: every organization-scoped table is filtered on the setting
-- stride.organization_id, which the server sets for each transaction. FORCE makes the
-- table owner subject to it too; only superusers and BYPASSRLS roles are not.

-- The role the server takes for each request (SET LOCAL ROLE stride_app), so row-level
-- security applies even when it connects as the owner.
DO $$
BEGIN
  CREATE ROLE stride_app NOLOGIN;
EXCEPTION WHEN duplicate_object OR unique_violation THEN
  NULL;
END
$$;

CREATE FUNCTION stride_current_organization() RETURNS uuid
  LANGUAGE sql STABLE
  AS $$ SELECT nullif(current_setting('stride.organization_id', true), '')::uuid $$;

-- One counter per organization: the version of its latest write.
CREATE TABLE organization_versions (
  organization_id UUID PRIMARY KEY,
  last_version    BIGINT NOT NULL
);

CREATE FUNCTION stride_next_version(org uuid) RETURNS bigint
  LANGUAGE sql SECURITY DEFINER SET search_path = public
  AS $$
    INSERT INTO organization_versions AS v (organization_id, last_version) VALUES (org, 1)
    ON CONFLICT (organization_id) DO UPDATE SET last_version = v.last_version + 1
    RETURNING last_version
  $$;

CREATE FUNCTION stride_stamp_version() RETURNS trigger
  LANGUAGE plpgsql
  AS $$
  BEGIN
    NEW.version := stride_next_version(NEW.organization_id);
    RETURN NEW;
  END
  $$;

CREATE FUNCTION stride_stamp_organization_version() RETURNS trigger
  LANGUAGE plpgsql
  AS $$
  BEGIN
    NEW.version := stride_next_version(NEW.id);
    RETURN NEW;
  END
  $$;

CREATE TABLE organizations (
  id                UUID PRIMARY KEY,
  name              VARCHAR(255) NOT NULL CHECK (length(name) >= 1),
  type              VARCHAR(50) NOT NULL CHECK (type IN ('client', 'expert')),
  subscription_tier VARCHAR(50) NOT NULL CHECK (subscription_tier IN ('basic', 'standard', 'premium')),
  created_at        TIMESTAMPTZ NOT NULL DEFAULT CURRENT_TIMESTAMP,
  updated_at        TIMESTAMPTZ NOT NULL DEFAULT CURRENT_TIMESTAMP,
  version           BIGINT NOT NULL DEFAULT 0,
  field_hlc         JSONB NOT NULL DEFAULT '{}'::jsonb,
  deleted_at        TIMESTAMPTZ
);
CREATE INDEX idx_org_name ON organizations (name);
CREATE TRIGGER stamp_version BEFORE INSERT OR UPDATE ON organizations
  FOR EACH ROW EXECUTE FUNCTION stride_stamp_organization_version();
ALTER TABLE organizations ENABLE ROW LEVEL SECURITY;
ALTER TABLE organizations FORCE ROW LEVEL SECURITY;
CREATE POLICY tenant_isolation ON organizations
  USING (id = stride_current_organization())
  WITH CHECK (id = stride_current_organization());

CREATE TABLE users (
  id                 UUID NOT NULL,
  organization_id    UUID NOT NULL,
  email              VARCHAR(255) NOT NULL,
  role               VARCHAR(50) NOT NULL CHECK (role IN ('org_admin', 'training_manager', 'program_manager', 'content_specialist', 'coordinator')),
  display_name       VARCHAR(100),
  created_at         TIMESTAMPTZ NOT NULL DEFAULT CURRENT_TIMESTAMP,
  updated_at         TIMESTAMPTZ NOT NULL DEFAULT CURRENT_TIMESTAMP,
  version           BIGINT NOT NULL DEFAULT 0,
  field_hlc         JSONB NOT NULL DEFAULT '{}'::jsonb,
  deleted_at        TIMESTAMPTZ,
  PRIMARY KEY (organization_id, id),
  CONSTRAINT fk_users_org FOREIGN KEY (organization_id) REFERENCES organizations (id) ON DELETE CASCADE,
  CONSTRAINT uq_users_email UNIQUE (organization_id, id, email)
);
CREATE INDEX idx_users_email ON users (email);
CREATE INDEX idx_users_version ON users (organization_id, version);
CREATE TRIGGER stamp_version BEFORE INSERT OR UPDATE ON users
  FOR EACH ROW EXECUTE FUNCTION stride_stamp_version();
ALTER TABLE users ENABLE ROW LEVEL SECURITY;
ALTER TABLE users FORCE ROW LEVEL SECURITY;
CREATE POLICY tenant_isolation ON users
  USING (organization_id = stride_current_organization())
  WITH CHECK (organization_id = stride_current_organization());

-- A sign-in email is unique across organizations, so it lives in a table of its own,
-- read before the organization of a request is known (no row-level security here).
-- It follows users.email through the foreign key.
CREATE TABLE user_emails (
  email           VARCHAR(255) PRIMARY KEY CHECK (email = lower(email)),
  organization_id UUID NOT NULL,
  user_id         UUID NOT NULL UNIQUE,
  CONSTRAINT fk_user_emails_user FOREIGN KEY (organization_id, user_id, email)
    REFERENCES users (organization_id, id, email) ON DELETE CASCADE ON UPDATE CASCADE
);

CREATE TABLE workers (
  id                  UUID NOT NULL,
  organization_id     UUID NOT NULL,
  full_name           VARCHAR(255) NOT NULL CHECK (length(full_name) >= 1),
  phone_number        VARCHAR(50),
  well_being_score    DOUBLE PRECISION CHECK (well_being_score BETWEEN 0 AND 100),
  performance_metric  DOUBLE PRECISION CHECK (performance_metric BETWEEN 0 AND 100),
  custom_attributes   JSONB NOT NULL DEFAULT '{}'::jsonb CHECK (jsonb_typeof(custom_attributes) = 'object'),
  created_at          TIMESTAMPTZ NOT NULL DEFAULT CURRENT_TIMESTAMP,
  updated_at          TIMESTAMPTZ NOT NULL DEFAULT CURRENT_TIMESTAMP,
  version           BIGINT NOT NULL DEFAULT 0,
  field_hlc         JSONB NOT NULL DEFAULT '{}'::jsonb,
  deleted_at        TIMESTAMPTZ,
  PRIMARY KEY (organization_id, id),
  CONSTRAINT fk_workers_org FOREIGN KEY (organization_id) REFERENCES organizations (id) ON DELETE CASCADE
);
CREATE INDEX idx_workers_name ON workers (organization_id, full_name);
CREATE INDEX idx_workers_phone ON workers (organization_id, phone_number);
CREATE INDEX idx_workers_version ON workers (organization_id, version);
CREATE TRIGGER stamp_version BEFORE INSERT OR UPDATE ON workers
  FOR EACH ROW EXECUTE FUNCTION stride_stamp_version();
ALTER TABLE workers ENABLE ROW LEVEL SECURITY;
ALTER TABLE workers FORCE ROW LEVEL SECURITY;
CREATE POLICY tenant_isolation ON workers
  USING (organization_id = stride_current_organization())
  WITH CHECK (organization_id = stride_current_organization());

CREATE TABLE segments (
  id                UUID NOT NULL,
  organization_id   UUID NOT NULL,
  name              VARCHAR(255) NOT NULL CHECK (length(name) >= 1),
  rule_definition   JSONB,
  created_at        TIMESTAMPTZ NOT NULL DEFAULT CURRENT_TIMESTAMP,
  updated_at        TIMESTAMPTZ NOT NULL DEFAULT CURRENT_TIMESTAMP,
  version           BIGINT NOT NULL DEFAULT 0,
  field_hlc         JSONB NOT NULL DEFAULT '{}'::jsonb,
  deleted_at        TIMESTAMPTZ,
  PRIMARY KEY (organization_id, id),
  CONSTRAINT fk_segments_org FOREIGN KEY (organization_id) REFERENCES organizations (id) ON DELETE CASCADE
);
CREATE INDEX idx_segment_name ON segments (organization_id, name);
CREATE INDEX idx_segments_version ON segments (organization_id, version);
CREATE TRIGGER stamp_version BEFORE INSERT OR UPDATE ON segments
  FOR EACH ROW EXECUTE FUNCTION stride_stamp_version();
ALTER TABLE segments ENABLE ROW LEVEL SECURITY;
ALTER TABLE segments FORCE ROW LEVEL SECURITY;
CREATE POLICY tenant_isolation ON segments
  USING (organization_id = stride_current_organization())
  WITH CHECK (organization_id = stride_current_organization());

CREATE TABLE worker_segment (
  worker_id        UUID NOT NULL,
  segment_id       UUID NOT NULL,
  organization_id  UUID NOT NULL,
  assigned_at      TIMESTAMPTZ NOT NULL DEFAULT CURRENT_TIMESTAMP,
  version           BIGINT NOT NULL DEFAULT 0,
  field_hlc         JSONB NOT NULL DEFAULT '{}'::jsonb,
  deleted_at        TIMESTAMPTZ,
  PRIMARY KEY (organization_id, worker_id, segment_id),
  CONSTRAINT fk_worker_segment_org FOREIGN KEY (organization_id) REFERENCES organizations (id) ON DELETE CASCADE,
  CONSTRAINT fk_ws_worker FOREIGN KEY (organization_id, worker_id) REFERENCES workers (organization_id, id) ON DELETE CASCADE,
  CONSTRAINT fk_ws_segment FOREIGN KEY (organization_id, segment_id) REFERENCES segments (organization_id, id) ON DELETE CASCADE
);
CREATE INDEX idx_ws_segment ON worker_segment (organization_id, segment_id);
CREATE INDEX idx_worker_segment_version ON worker_segment (organization_id, version);
CREATE TRIGGER stamp_version BEFORE INSERT OR UPDATE ON worker_segment
  FOR EACH ROW EXECUTE FUNCTION stride_stamp_version();
ALTER TABLE worker_segment ENABLE ROW LEVEL SECURITY;
ALTER TABLE worker_segment FORCE ROW LEVEL SECURITY;
CREATE POLICY tenant_isolation ON worker_segment
  USING (organization_id = stride_current_organization())
  WITH CHECK (organization_id = stride_current_organization());

CREATE TABLE content (
  id                  UUID NOT NULL,
  organization_id     UUID NOT NULL,
  type                VARCHAR(50) NOT NULL CHECK (type IN ('video', 'text', 'audio', 'quiz')),
  title               VARCHAR(255) CHECK (length(title) >= 1),
  description         TEXT,
  media_url           TEXT,
  license_type        VARCHAR(50),
  created_at          TIMESTAMPTZ NOT NULL DEFAULT CURRENT_TIMESTAMP,
  updated_at          TIMESTAMPTZ NOT NULL DEFAULT CURRENT_TIMESTAMP,
  version           BIGINT NOT NULL DEFAULT 0,
  field_hlc         JSONB NOT NULL DEFAULT '{}'::jsonb,
  deleted_at        TIMESTAMPTZ,
  PRIMARY KEY (organization_id, id),
  CONSTRAINT fk_content_org FOREIGN KEY (organization_id) REFERENCES organizations (id) ON DELETE CASCADE
);
CREATE INDEX idx_content_type ON content (organization_id, type);
CREATE INDEX idx_content_version ON content (organization_id, version);
CREATE TRIGGER stamp_version BEFORE INSERT OR UPDATE ON content
  FOR EACH ROW EXECUTE FUNCTION stride_stamp_version();
ALTER TABLE content ENABLE ROW LEVEL SECURITY;
ALTER TABLE content FORCE ROW LEVEL SECURITY;
CREATE POLICY tenant_isolation ON content
  USING (organization_id = stride_current_organization())
  WITH CHECK (organization_id = stride_current_organization());

CREATE TABLE journey_blueprints (
  id                UUID NOT NULL,
  organization_id   UUID NOT NULL,
  title             VARCHAR(255) NOT NULL CHECK (length(title) >= 1),
  purpose           TEXT,
  created_by        UUID,
  updated_by        UUID,
  created_at        TIMESTAMPTZ NOT NULL DEFAULT CURRENT_TIMESTAMP,
  updated_at        TIMESTAMPTZ NOT NULL DEFAULT CURRENT_TIMESTAMP,
  version           BIGINT NOT NULL DEFAULT 0,
  field_hlc         JSONB NOT NULL DEFAULT '{}'::jsonb,
  deleted_at        TIMESTAMPTZ,
  PRIMARY KEY (organization_id, id),
  CONSTRAINT fk_journey_blueprints_org FOREIGN KEY (organization_id) REFERENCES organizations (id) ON DELETE CASCADE,
  CONSTRAINT fk_jb_created_by FOREIGN KEY (organization_id, created_by) REFERENCES users (organization_id, id) ON DELETE SET NULL (created_by),
  CONSTRAINT fk_jb_updated_by FOREIGN KEY (organization_id, updated_by) REFERENCES users (organization_id, id) ON DELETE SET NULL (updated_by)
);
CREATE INDEX idx_journey_blueprints_version ON journey_blueprints (organization_id, version);
CREATE TRIGGER stamp_version BEFORE INSERT OR UPDATE ON journey_blueprints
  FOR EACH ROW EXECUTE FUNCTION stride_stamp_version();
ALTER TABLE journey_blueprints ENABLE ROW LEVEL SECURITY;
ALTER TABLE journey_blueprints FORCE ROW LEVEL SECURITY;
CREATE POLICY tenant_isolation ON journey_blueprints
  USING (organization_id = stride_current_organization())
  WITH CHECK (organization_id = stride_current_organization());

CREATE TABLE phases (
  id                   UUID NOT NULL,
  journey_blueprint_id UUID NOT NULL,
  organization_id      UUID NOT NULL,
  name                 VARCHAR(255) NOT NULL CHECK (length(name) >= 1),
  sequence_order       INT NOT NULL,
  version           BIGINT NOT NULL DEFAULT 0,
  field_hlc         JSONB NOT NULL DEFAULT '{}'::jsonb,
  deleted_at        TIMESTAMPTZ,
  PRIMARY KEY (organization_id, id),
  CONSTRAINT fk_phases_org FOREIGN KEY (organization_id) REFERENCES organizations (id) ON DELETE CASCADE,
  CONSTRAINT fk_phase_jb FOREIGN KEY (organization_id, journey_blueprint_id) REFERENCES journey_blueprints (organization_id, id) ON DELETE CASCADE
);
CREATE INDEX idx_phase_sequence ON phases (organization_id, journey_blueprint_id, sequence_order);
CREATE INDEX idx_phases_version ON phases (organization_id, version);
CREATE TRIGGER stamp_version BEFORE INSERT OR UPDATE ON phases
  FOR EACH ROW EXECUTE FUNCTION stride_stamp_version();
ALTER TABLE phases ENABLE ROW LEVEL SECURITY;
ALTER TABLE phases FORCE ROW LEVEL SECURITY;
CREATE POLICY tenant_isolation ON phases
  USING (organization_id = stride_current_organization())
  WITH CHECK (organization_id = stride_current_organization());

CREATE TABLE touchpoints (
  id              UUID NOT NULL,
  phase_id        UUID NOT NULL,
  content_id      UUID NOT NULL,
  organization_id UUID NOT NULL,
  rule_logic      JSONB,
  created_at      TIMESTAMPTZ NOT NULL DEFAULT CURRENT_TIMESTAMP,
  updated_at      TIMESTAMPTZ NOT NULL DEFAULT CURRENT_TIMESTAMP,
  version           BIGINT NOT NULL DEFAULT 0,
  field_hlc         JSONB NOT NULL DEFAULT '{}'::jsonb,
  deleted_at        TIMESTAMPTZ,
  PRIMARY KEY (organization_id, id),
  CONSTRAINT fk_touchpoints_org FOREIGN KEY (organization_id) REFERENCES organizations (id) ON DELETE CASCADE,
  CONSTRAINT fk_tp_phase FOREIGN KEY (organization_id, phase_id) REFERENCES phases (organization_id, id) ON DELETE CASCADE,
  CONSTRAINT fk_tp_content FOREIGN KEY (organization_id, content_id) REFERENCES content (organization_id, id) ON DELETE RESTRICT
);
CREATE INDEX idx_touchpoint_phase ON touchpoints (organization_id, phase_id);
CREATE INDEX idx_touchpoint_content ON touchpoints (organization_id, content_id);
CREATE INDEX idx_touchpoints_version ON touchpoints (organization_id, version);
CREATE TRIGGER stamp_version BEFORE INSERT OR UPDATE ON touchpoints
  FOR EACH ROW EXECUTE FUNCTION stride_stamp_version();
ALTER TABLE touchpoints ENABLE ROW LEVEL SECURITY;
ALTER TABLE touchpoints FORCE ROW LEVEL SECURITY;
CREATE POLICY tenant_isolation ON touchpoints
  USING (organization_id = stride_current_organization())
  WITH CHECK (organization_id = stride_current_organization());

CREATE TABLE programs (
  id                UUID NOT NULL,
  organization_id   UUID NOT NULL,
  name              VARCHAR(255) NOT NULL CHECK (length(name) >= 1),
  start_date        DATE,
  end_date          DATE,
  created_by        UUID,
  updated_by        UUID,
  created_at        TIMESTAMPTZ NOT NULL DEFAULT CURRENT_TIMESTAMP,
  updated_at        TIMESTAMPTZ NOT NULL DEFAULT CURRENT_TIMESTAMP,
  version           BIGINT NOT NULL DEFAULT 0,
  field_hlc         JSONB NOT NULL DEFAULT '{}'::jsonb,
  deleted_at        TIMESTAMPTZ,
  PRIMARY KEY (organization_id, id),
  CONSTRAINT fk_programs_org FOREIGN KEY (organization_id) REFERENCES organizations (id) ON DELETE CASCADE,
  CONSTRAINT fk_program_created_by FOREIGN KEY (organization_id, created_by) REFERENCES users (organization_id, id) ON DELETE SET NULL (created_by),
  CONSTRAINT fk_program_updated_by FOREIGN KEY (organization_id, updated_by) REFERENCES users (organization_id, id) ON DELETE SET NULL (updated_by),
  CONSTRAINT ck_program_dates CHECK (end_date >= start_date)
);
CREATE INDEX idx_programs_version ON programs (organization_id, version);
CREATE TRIGGER stamp_version BEFORE INSERT OR UPDATE ON programs
  FOR EACH ROW EXECUTE FUNCTION stride_stamp_version();
ALTER TABLE programs ENABLE ROW LEVEL SECURITY;
ALTER TABLE programs FORCE ROW LEVEL SECURITY;
CREATE POLICY tenant_isolation ON programs
  USING (organization_id = stride_current_organization())
  WITH CHECK (organization_id = stride_current_organization());

CREATE TABLE program_blueprints (
  id                   UUID NOT NULL,
  program_id           UUID NOT NULL,
  journey_blueprint_id UUID NOT NULL,
  organization_id      UUID NOT NULL,
  order_in_program     INT NOT NULL,
  version           BIGINT NOT NULL DEFAULT 0,
  field_hlc         JSONB NOT NULL DEFAULT '{}'::jsonb,
  deleted_at        TIMESTAMPTZ,
  PRIMARY KEY (organization_id, id),
  CONSTRAINT fk_program_blueprints_org FOREIGN KEY (organization_id) REFERENCES organizations (id) ON DELETE CASCADE,
  CONSTRAINT fk_pb_program FOREIGN KEY (organization_id, program_id) REFERENCES programs (organization_id, id) ON DELETE CASCADE,
  CONSTRAINT fk_pb_jb FOREIGN KEY (organization_id, journey_blueprint_id) REFERENCES journey_blueprints (organization_id, id) ON DELETE RESTRICT
);
CREATE INDEX idx_pb_program ON program_blueprints (organization_id, program_id);
CREATE INDEX idx_program_blueprints_version ON program_blueprints (organization_id, version);
CREATE TRIGGER stamp_version BEFORE INSERT OR UPDATE ON program_blueprints
  FOR EACH ROW EXECUTE FUNCTION stride_stamp_version();
ALTER TABLE program_blueprints ENABLE ROW LEVEL SECURITY;
ALTER TABLE program_blueprints FORCE ROW LEVEL SECURITY;
CREATE POLICY tenant_isolation ON program_blueprints
  USING (organization_id = stride_current_organization())
  WITH CHECK (organization_id = stride_current_organization());

CREATE TABLE worker_assignments (
  id              UUID NOT NULL,
  program_id      UUID NOT NULL,
  worker_id       UUID NOT NULL,
  organization_id UUID NOT NULL,
  enrollment_date TIMESTAMPTZ NOT NULL DEFAULT CURRENT_TIMESTAMP,
  status          VARCHAR(50) NOT NULL DEFAULT 'active' CHECK (status IN ('active', 'completed', 'dropped')),
  created_at      TIMESTAMPTZ NOT NULL DEFAULT CURRENT_TIMESTAMP,
  updated_at      TIMESTAMPTZ NOT NULL DEFAULT CURRENT_TIMESTAMP,
  version           BIGINT NOT NULL DEFAULT 0,
  field_hlc         JSONB NOT NULL DEFAULT '{}'::jsonb,
  deleted_at        TIMESTAMPTZ,
  PRIMARY KEY (organization_id, id),
  CONSTRAINT fk_worker_assignments_org FOREIGN KEY (organization_id) REFERENCES organizations (id) ON DELETE CASCADE,
  CONSTRAINT fk_wa_program FOREIGN KEY (organization_id, program_id) REFERENCES programs (organization_id, id) ON DELETE CASCADE,
  CONSTRAINT fk_wa_worker FOREIGN KEY (organization_id, worker_id) REFERENCES workers (organization_id, id) ON DELETE CASCADE
);
CREATE INDEX idx_wa_program_worker ON worker_assignments (organization_id, program_id, worker_id);
CREATE INDEX idx_wa_worker ON worker_assignments (organization_id, worker_id);
CREATE INDEX idx_worker_assignments_version ON worker_assignments (organization_id, version);
CREATE TRIGGER stamp_version BEFORE INSERT OR UPDATE ON worker_assignments
  FOR EACH ROW EXECUTE FUNCTION stride_stamp_version();
ALTER TABLE worker_assignments ENABLE ROW LEVEL SECURITY;
ALTER TABLE worker_assignments FORCE ROW LEVEL SECURITY;
CREATE POLICY tenant_isolation ON worker_assignments
  USING (organization_id = stride_current_organization())
  WITH CHECK (organization_id = stride_current_organization());

CREATE TABLE worker_progress (
  id                   UUID NOT NULL,
  worker_assignment_id UUID NOT NULL,
  touchpoint_id        UUID NOT NULL,
  organization_id      UUID NOT NULL,
  started_at           TIMESTAMPTZ,
  completed_at         TIMESTAMPTZ,
  score                DECIMAL(5,2) CHECK (score BETWEEN 0 AND 100),
  feedback_text        TEXT,
  created_at           TIMESTAMPTZ NOT NULL DEFAULT CURRENT_TIMESTAMP,
  updated_at           TIMESTAMPTZ NOT NULL DEFAULT CURRENT_TIMESTAMP,
  version           BIGINT NOT NULL DEFAULT 0,
  field_hlc         JSONB NOT NULL DEFAULT '{}'::jsonb,
  deleted_at        TIMESTAMPTZ,
  PRIMARY KEY (organization_id, id),
  CONSTRAINT fk_worker_progress_org FOREIGN KEY (organization_id) REFERENCES organizations (id) ON DELETE CASCADE,
  CONSTRAINT fk_wp_wa FOREIGN KEY (organization_id, worker_assignment_id) REFERENCES worker_assignments (organization_id, id) ON DELETE CASCADE,
  CONSTRAINT fk_wp_tp FOREIGN KEY (organization_id, touchpoint_id) REFERENCES touchpoints (organization_id, id) ON DELETE CASCADE
);
CREATE INDEX idx_wp_wa_tp ON worker_progress (organization_id, worker_assignment_id, touchpoint_id);
CREATE INDEX idx_wp_tp ON worker_progress (organization_id, touchpoint_id);
CREATE INDEX idx_worker_progress_version ON worker_progress (organization_id, version);
CREATE TRIGGER stamp_version BEFORE INSERT OR UPDATE ON worker_progress
  FOR EACH ROW EXECUTE FUNCTION stride_stamp_version();
ALTER TABLE worker_progress ENABLE ROW LEVEL SECURITY;
ALTER TABLE worker_progress FORCE ROW LEVEL SECURITY;
CREATE POLICY tenant_isolation ON worker_progress
  USING (organization_id = stride_current_organization())
  WITH CHECK (organization_id = stride_current_organization());

CREATE TABLE experiments (
  id                UUID NOT NULL,
  organization_id   UUID NOT NULL,
  experiment_type   VARCHAR(50) NOT NULL CHECK (experiment_type IN ('journey_level', 'program_level')),
  name              VARCHAR(255) NOT NULL CHECK (length(name) >= 1),
  status            VARCHAR(50) NOT NULL DEFAULT 'active' CHECK (status IN ('draft', 'active', 'completed')),
  start_date        TIMESTAMPTZ,
  end_date          TIMESTAMPTZ,
  created_by        UUID,
  updated_by        UUID,
  created_at        TIMESTAMPTZ NOT NULL DEFAULT CURRENT_TIMESTAMP,
  updated_at        TIMESTAMPTZ NOT NULL DEFAULT CURRENT_TIMESTAMP,
  version           BIGINT NOT NULL DEFAULT 0,
  field_hlc         JSONB NOT NULL DEFAULT '{}'::jsonb,
  deleted_at        TIMESTAMPTZ,
  PRIMARY KEY (organization_id, id),
  CONSTRAINT fk_experiments_org FOREIGN KEY (organization_id) REFERENCES organizations (id) ON DELETE CASCADE,
  CONSTRAINT fk_expt_created_by FOREIGN KEY (organization_id, created_by) REFERENCES users (organization_id, id) ON DELETE SET NULL (created_by),
  CONSTRAINT fk_expt_updated_by FOREIGN KEY (organization_id, updated_by) REFERENCES users (organization_id, id) ON DELETE SET NULL (updated_by),
  CONSTRAINT ck_experiment_dates CHECK (end_date >= start_date)
);
CREATE INDEX idx_experiments_version ON experiments (organization_id, version);
CREATE TRIGGER stamp_version BEFORE INSERT OR UPDATE ON experiments
  FOR EACH ROW EXECUTE FUNCTION stride_stamp_version();
ALTER TABLE experiments ENABLE ROW LEVEL SECURITY;
ALTER TABLE experiments FORCE ROW LEVEL SECURITY;
CREATE POLICY tenant_isolation ON experiments
  USING (organization_id = stride_current_organization())
  WITH CHECK (organization_id = stride_current_organization());

CREATE TABLE experiment_variants (
  id                UUID NOT NULL,
  experiment_id     UUID NOT NULL,
  organization_id   UUID NOT NULL,
  variant_name      VARCHAR(255) NOT NULL CHECK (length(variant_name) >= 1),
  variant_details   JSONB,
  created_at        TIMESTAMPTZ NOT NULL DEFAULT CURRENT_TIMESTAMP,
  updated_at        TIMESTAMPTZ NOT NULL DEFAULT CURRENT_TIMESTAMP,
  version           BIGINT NOT NULL DEFAULT 0,
  field_hlc         JSONB NOT NULL DEFAULT '{}'::jsonb,
  deleted_at        TIMESTAMPTZ,
  PRIMARY KEY (organization_id, id),
  CONSTRAINT fk_experiment_variants_org FOREIGN KEY (organization_id) REFERENCES organizations (id) ON DELETE CASCADE,
  CONSTRAINT fk_var_expt FOREIGN KEY (organization_id, experiment_id) REFERENCES experiments (organization_id, id) ON DELETE CASCADE
);
CREATE INDEX idx_variant_expt ON experiment_variants (organization_id, experiment_id);
CREATE INDEX idx_experiment_variants_version ON experiment_variants (organization_id, version);
CREATE TRIGGER stamp_version BEFORE INSERT OR UPDATE ON experiment_variants
  FOR EACH ROW EXECUTE FUNCTION stride_stamp_version();
ALTER TABLE experiment_variants ENABLE ROW LEVEL SECURITY;
ALTER TABLE experiment_variants FORCE ROW LEVEL SECURITY;
CREATE POLICY tenant_isolation ON experiment_variants
  USING (organization_id = stride_current_organization())
  WITH CHECK (organization_id = stride_current_organization());

CREATE TABLE experiment_assignments (
  id                    UUID NOT NULL,
  experiment_variant_id UUID NOT NULL,
  worker_id             UUID,
  organization_id       UUID NOT NULL,
  assigned_at           TIMESTAMPTZ NOT NULL DEFAULT CURRENT_TIMESTAMP,
  version           BIGINT NOT NULL DEFAULT 0,
  field_hlc         JSONB NOT NULL DEFAULT '{}'::jsonb,
  deleted_at        TIMESTAMPTZ,
  PRIMARY KEY (organization_id, id),
  CONSTRAINT fk_experiment_assignments_org FOREIGN KEY (organization_id) REFERENCES organizations (id) ON DELETE CASCADE,
  CONSTRAINT fk_ea_variant FOREIGN KEY (organization_id, experiment_variant_id) REFERENCES experiment_variants (organization_id, id) ON DELETE CASCADE,
  CONSTRAINT fk_ea_worker FOREIGN KEY (organization_id, worker_id) REFERENCES workers (organization_id, id) ON DELETE CASCADE
);
CREATE INDEX idx_ea_variant ON experiment_assignments (organization_id, experiment_variant_id);
CREATE INDEX idx_ea_worker ON experiment_assignments (organization_id, worker_id);
CREATE INDEX idx_experiment_assignments_version ON experiment_assignments (organization_id, version);
CREATE TRIGGER stamp_version BEFORE INSERT OR UPDATE ON experiment_assignments
  FOR EACH ROW EXECUTE FUNCTION stride_stamp_version();
ALTER TABLE experiment_assignments ENABLE ROW LEVEL SECURITY;
ALTER TABLE experiment_assignments FORCE ROW LEVEL SECURITY;
CREATE POLICY tenant_isolation ON experiment_assignments
  USING (organization_id = stride_current_organization())
  WITH CHECK (organization_id = stride_current_organization());

CREATE TABLE badges (
  id               UUID NOT NULL,
  organization_id  UUID NOT NULL,
  name             VARCHAR(100) NOT NULL CHECK (length(name) >= 1),
  description      TEXT,
  icon_url         TEXT,
  created_at       TIMESTAMPTZ NOT NULL DEFAULT CURRENT_TIMESTAMP,
  updated_at       TIMESTAMPTZ NOT NULL DEFAULT CURRENT_TIMESTAMP,
  version           BIGINT NOT NULL DEFAULT 0,
  field_hlc         JSONB NOT NULL DEFAULT '{}'::jsonb,
  deleted_at        TIMESTAMPTZ,
  PRIMARY KEY (organization_id, id),
  CONSTRAINT fk_badges_org FOREIGN KEY (organization_id) REFERENCES organizations (id) ON DELETE CASCADE
);
CREATE INDEX idx_badges_version ON badges (organization_id, version);
CREATE TRIGGER stamp_version BEFORE INSERT OR UPDATE ON badges
  FOR EACH ROW EXECUTE FUNCTION stride_stamp_version();
ALTER TABLE badges ENABLE ROW LEVEL SECURITY;
ALTER TABLE badges FORCE ROW LEVEL SECURITY;
CREATE POLICY tenant_isolation ON badges
  USING (organization_id = stride_current_organization())
  WITH CHECK (organization_id = stride_current_organization());

CREATE TABLE worker_badges (
  worker_id        UUID NOT NULL,
  badge_id         UUID NOT NULL,
  organization_id  UUID NOT NULL,
  awarded_at       TIMESTAMPTZ NOT NULL DEFAULT CURRENT_TIMESTAMP,
  version           BIGINT NOT NULL DEFAULT 0,
  field_hlc         JSONB NOT NULL DEFAULT '{}'::jsonb,
  deleted_at        TIMESTAMPTZ,
  PRIMARY KEY (organization_id, worker_id, badge_id),
  CONSTRAINT fk_worker_badges_org FOREIGN KEY (organization_id) REFERENCES organizations (id) ON DELETE CASCADE,
  CONSTRAINT fk_worker_badge_worker FOREIGN KEY (organization_id, worker_id) REFERENCES workers (organization_id, id) ON DELETE CASCADE,
  CONSTRAINT fk_worker_badge_badge FOREIGN KEY (organization_id, badge_id) REFERENCES badges (organization_id, id) ON DELETE CASCADE
);
CREATE INDEX idx_worker_badges_badge ON worker_badges (organization_id, badge_id);
CREATE INDEX idx_worker_badges_version ON worker_badges (organization_id, version);
CREATE TRIGGER stamp_version BEFORE INSERT OR UPDATE ON worker_badges
  FOR EACH ROW EXECUTE FUNCTION stride_stamp_version();
ALTER TABLE worker_badges ENABLE ROW LEVEL SECURITY;
ALTER TABLE worker_badges FORCE ROW LEVEL SECURITY;
CREATE POLICY tenant_isolation ON worker_badges
  USING (organization_id = stride_current_organization())
  WITH CHECK (organization_id = stride_current_organization());

-- What the server's request role may touch. organization_versions is reached only through
-- stride_next_version (SECURITY DEFINER); user_emails only by the sign-in path.
GRANT SELECT, INSERT, UPDATE, DELETE ON organizations, users, workers, segments, worker_segment, content, journey_blueprints, phases, touchpoints, programs, program_blueprints, worker_assignments, worker_progress, experiments, experiment_variants, experiment_assignments, badges, worker_badges TO stride_app;
GRANT SELECT ON user_emails TO stride_app;

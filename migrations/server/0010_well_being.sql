-- Stride central database, version 10: well-being checks.
--
-- The questions an organization asks (each on a 0–10 or a 1–5 scale, in its order) and
-- each check of a worker: the answers by question (checked in their language at push),
-- their score (well_being.rs: the mean of each answer placed on 0–100 along its scale),
-- and when it was taken. The worker's well_being_score is the score of their latest
-- check. Synced like the seed's tables, with row-level security per organization.
CREATE TABLE well_being_questions (
  id               UUID NOT NULL,
  organization_id  UUID NOT NULL,
  prompt           VARCHAR(255) NOT NULL CHECK (length(prompt) >= 1),
  scale            VARCHAR(20) NOT NULL CHECK (scale IN ('zero_to_ten', 'one_to_five')),
  position         INTEGER NOT NULL,
  created_at       TIMESTAMPTZ NOT NULL DEFAULT CURRENT_TIMESTAMP,
  updated_at       TIMESTAMPTZ NOT NULL DEFAULT CURRENT_TIMESTAMP,
  version          BIGINT NOT NULL DEFAULT 0,
  field_hlc        JSONB NOT NULL DEFAULT '{}'::jsonb,
  deleted_at       TIMESTAMPTZ,
  PRIMARY KEY (organization_id, id),
  CONSTRAINT fk_well_being_questions_org FOREIGN KEY (organization_id) REFERENCES organizations (id) ON DELETE CASCADE
);
CREATE INDEX idx_well_being_questions_version ON well_being_questions (organization_id, version);
CREATE TRIGGER stamp_version BEFORE INSERT OR UPDATE ON well_being_questions
  FOR EACH ROW EXECUTE FUNCTION stride_stamp_version();
ALTER TABLE well_being_questions ENABLE ROW LEVEL SECURITY;
ALTER TABLE well_being_questions FORCE ROW LEVEL SECURITY;
CREATE POLICY tenant_isolation ON well_being_questions
  USING (organization_id = stride_current_organization())
  WITH CHECK (organization_id = stride_current_organization());

CREATE TABLE well_being_checks (
  id               UUID NOT NULL,
  worker_id        UUID NOT NULL,
  organization_id  UUID NOT NULL,
  answers          JSONB NOT NULL,
  score            DOUBLE PRECISION NOT NULL CHECK (score BETWEEN 0 AND 100),
  checked_at       TIMESTAMPTZ NOT NULL,
  recorded_by      UUID,
  created_at       TIMESTAMPTZ NOT NULL DEFAULT CURRENT_TIMESTAMP,
  updated_at       TIMESTAMPTZ NOT NULL DEFAULT CURRENT_TIMESTAMP,
  version          BIGINT NOT NULL DEFAULT 0,
  field_hlc        JSONB NOT NULL DEFAULT '{}'::jsonb,
  deleted_at       TIMESTAMPTZ,
  PRIMARY KEY (organization_id, id),
  CONSTRAINT fk_well_being_checks_org FOREIGN KEY (organization_id) REFERENCES organizations (id) ON DELETE CASCADE,
  CONSTRAINT fk_check_worker FOREIGN KEY (organization_id, worker_id) REFERENCES workers (organization_id, id) ON DELETE CASCADE,
  CONSTRAINT fk_check_recorded_by FOREIGN KEY (organization_id, recorded_by) REFERENCES users (organization_id, id) ON DELETE SET NULL (recorded_by)
);
CREATE INDEX idx_well_being_check_worker ON well_being_checks (organization_id, worker_id, checked_at);
CREATE INDEX idx_well_being_checks_version ON well_being_checks (organization_id, version);
CREATE TRIGGER stamp_version BEFORE INSERT OR UPDATE ON well_being_checks
  FOR EACH ROW EXECUTE FUNCTION stride_stamp_version();
ALTER TABLE well_being_checks ENABLE ROW LEVEL SECURITY;
ALTER TABLE well_being_checks FORCE ROW LEVEL SECURITY;
CREATE POLICY tenant_isolation ON well_being_checks
  USING (organization_id = stride_current_organization())
  WITH CHECK (organization_id = stride_current_organization());

GRANT SELECT, INSERT, UPDATE, DELETE ON well_being_questions, well_being_checks TO stride_app;

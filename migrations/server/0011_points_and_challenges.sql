-- Stride central database, version 11: points and challenges.
--
-- What an organization gives for a completed touchpoint and for a badge (one row per
-- organization, its id derived from the organization's), and its challenges: a goal of
-- touchpoints or points within a window of two instants, for one program's workers or
-- one segment's members, gone with its audience. Points, progress and leaderboards are
-- derived on the devices from progress and badges (points.rs), never stored. Synced like
-- the seed's tables, with row-level security per organization.
CREATE TABLE point_values (
  id               UUID NOT NULL,
  organization_id  UUID NOT NULL,
  per_touchpoint   INTEGER NOT NULL CHECK (per_touchpoint BETWEEN 0 AND 1000),
  per_badge        INTEGER NOT NULL CHECK (per_badge BETWEEN 0 AND 1000),
  created_at       TIMESTAMPTZ NOT NULL DEFAULT CURRENT_TIMESTAMP,
  updated_at       TIMESTAMPTZ NOT NULL DEFAULT CURRENT_TIMESTAMP,
  version          BIGINT NOT NULL DEFAULT 0,
  field_hlc        JSONB NOT NULL DEFAULT '{}'::jsonb,
  deleted_at       TIMESTAMPTZ,
  PRIMARY KEY (organization_id, id),
  CONSTRAINT fk_point_values_org FOREIGN KEY (organization_id) REFERENCES organizations (id) ON DELETE CASCADE
);
CREATE INDEX idx_point_values_version ON point_values (organization_id, version);
CREATE TRIGGER stamp_version BEFORE INSERT OR UPDATE ON point_values
  FOR EACH ROW EXECUTE FUNCTION stride_stamp_version();
ALTER TABLE point_values ENABLE ROW LEVEL SECURITY;
ALTER TABLE point_values FORCE ROW LEVEL SECURITY;
CREATE POLICY tenant_isolation ON point_values
  USING (organization_id = stride_current_organization())
  WITH CHECK (organization_id = stride_current_organization());

CREATE TABLE challenges (
  id               UUID NOT NULL,
  organization_id  UUID NOT NULL,
  title            VARCHAR(255) NOT NULL CHECK (length(title) >= 1),
  description      TEXT,
  goal_kind        VARCHAR(20) NOT NULL CHECK (goal_kind IN ('touchpoints', 'points')),
  goal             INTEGER NOT NULL CHECK (goal BETWEEN 1 AND 100000),
  starts_at        TIMESTAMPTZ NOT NULL,
  ends_at          TIMESTAMPTZ NOT NULL,
  program_id       UUID,
  segment_id       UUID,
  created_by       UUID,
  created_at       TIMESTAMPTZ NOT NULL DEFAULT CURRENT_TIMESTAMP,
  updated_at       TIMESTAMPTZ NOT NULL DEFAULT CURRENT_TIMESTAMP,
  version          BIGINT NOT NULL DEFAULT 0,
  field_hlc        JSONB NOT NULL DEFAULT '{}'::jsonb,
  deleted_at       TIMESTAMPTZ,
  PRIMARY KEY (organization_id, id),
  CONSTRAINT fk_challenges_org FOREIGN KEY (organization_id) REFERENCES organizations (id) ON DELETE CASCADE,
  CONSTRAINT fk_challenge_program FOREIGN KEY (organization_id, program_id) REFERENCES programs (organization_id, id) ON DELETE CASCADE,
  CONSTRAINT fk_challenge_segment FOREIGN KEY (organization_id, segment_id) REFERENCES segments (organization_id, id) ON DELETE CASCADE,
  CONSTRAINT fk_challenge_created_by FOREIGN KEY (organization_id, created_by) REFERENCES users (organization_id, id) ON DELETE SET NULL (created_by),
  CONSTRAINT ck_challenge_window CHECK (ends_at > starts_at),
  CONSTRAINT ck_challenge_audience CHECK ((program_id IS NULL) <> (segment_id IS NULL))
);
CREATE INDEX idx_challenge_program ON challenges (organization_id, program_id);
CREATE INDEX idx_challenges_version ON challenges (organization_id, version);
CREATE TRIGGER stamp_version BEFORE INSERT OR UPDATE ON challenges
  FOR EACH ROW EXECUTE FUNCTION stride_stamp_version();
ALTER TABLE challenges ENABLE ROW LEVEL SECURITY;
ALTER TABLE challenges FORCE ROW LEVEL SECURITY;
CREATE POLICY tenant_isolation ON challenges
  USING (organization_id = stride_current_organization())
  WITH CHECK (organization_id = stride_current_organization());

GRANT SELECT, INSERT, UPDATE, DELETE ON point_values, challenges TO stride_app;

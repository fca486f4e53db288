-- Stride central database, version 8: a group session records each worker.
--
-- A session is one touchpoint run for a program's workers, from its start to its end.
-- Its attendance holds every worker on the roster, present or absent, with the
-- reflection a present worker gave; a present worker's score and feedback are their
-- worker_progress row (its id follows from the session and the enrollment, so a
-- correction edits it). Both tables are synced like the seed's: versioned, per-field
-- clocks, tombstones, and row-level security per organization.
CREATE TABLE group_sessions (
  id               UUID NOT NULL,
  organization_id  UUID NOT NULL,
  program_id       UUID NOT NULL,
  touchpoint_id    UUID NOT NULL,
  started_at       TIMESTAMPTZ NOT NULL,
  completed_at     TIMESTAMPTZ NOT NULL,
  recorded_by      UUID,
  created_at       TIMESTAMPTZ NOT NULL DEFAULT CURRENT_TIMESTAMP,
  updated_at       TIMESTAMPTZ NOT NULL DEFAULT CURRENT_TIMESTAMP,
  version          BIGINT NOT NULL DEFAULT 0,
  field_hlc        JSONB NOT NULL DEFAULT '{}'::jsonb,
  deleted_at       TIMESTAMPTZ,
  PRIMARY KEY (organization_id, id),
  CHECK (completed_at >= started_at),
  CONSTRAINT fk_group_sessions_org FOREIGN KEY (organization_id) REFERENCES organizations (id) ON DELETE CASCADE,
  CONSTRAINT fk_group_session_program FOREIGN KEY (organization_id, program_id) REFERENCES programs (organization_id, id) ON DELETE CASCADE,
  CONSTRAINT fk_group_session_touchpoint FOREIGN KEY (organization_id, touchpoint_id) REFERENCES touchpoints (organization_id, id) ON DELETE CASCADE,
  CONSTRAINT fk_group_session_recorded_by FOREIGN KEY (organization_id, recorded_by) REFERENCES users (organization_id, id) ON DELETE SET NULL (recorded_by)
);
CREATE INDEX idx_group_session_program ON group_sessions (organization_id, program_id, started_at);
CREATE INDEX idx_group_session_touchpoint ON group_sessions (organization_id, touchpoint_id);
CREATE INDEX idx_group_sessions_version ON group_sessions (organization_id, version);
CREATE TRIGGER stamp_version BEFORE INSERT OR UPDATE ON group_sessions
  FOR EACH ROW EXECUTE FUNCTION stride_stamp_version();
ALTER TABLE group_sessions ENABLE ROW LEVEL SECURITY;
ALTER TABLE group_sessions FORCE ROW LEVEL SECURITY;
CREATE POLICY tenant_isolation ON group_sessions
  USING (organization_id = stride_current_organization())
  WITH CHECK (organization_id = stride_current_organization());

CREATE TABLE session_attendance (
  group_session_id     UUID NOT NULL,
  worker_assignment_id UUID NOT NULL,
  organization_id      UUID NOT NULL,
  status               VARCHAR(20) NOT NULL CHECK (status IN ('present', 'absent')),
  reflection_text      TEXT,
  created_at           TIMESTAMPTZ NOT NULL DEFAULT CURRENT_TIMESTAMP,
  updated_at           TIMESTAMPTZ NOT NULL DEFAULT CURRENT_TIMESTAMP,
  version              BIGINT NOT NULL DEFAULT 0,
  field_hlc            JSONB NOT NULL DEFAULT '{}'::jsonb,
  deleted_at           TIMESTAMPTZ,
  PRIMARY KEY (organization_id, group_session_id, worker_assignment_id),
  CONSTRAINT fk_session_attendance_org FOREIGN KEY (organization_id) REFERENCES organizations (id) ON DELETE CASCADE,
  CONSTRAINT fk_attendance_session FOREIGN KEY (organization_id, group_session_id) REFERENCES group_sessions (organization_id, id) ON DELETE CASCADE,
  CONSTRAINT fk_attendance_assignment FOREIGN KEY (organization_id, worker_assignment_id) REFERENCES worker_assignments (organization_id, id) ON DELETE CASCADE
);
CREATE INDEX idx_attendance_assignment ON session_attendance (organization_id, worker_assignment_id);
CREATE INDEX idx_session_attendance_version ON session_attendance (organization_id, version);
CREATE TRIGGER stamp_version BEFORE INSERT OR UPDATE ON session_attendance
  FOR EACH ROW EXECUTE FUNCTION stride_stamp_version();
ALTER TABLE session_attendance ENABLE ROW LEVEL SECURITY;
ALTER TABLE session_attendance FORCE ROW LEVEL SECURITY;
CREATE POLICY tenant_isolation ON session_attendance
  USING (organization_id = stride_current_organization())
  WITH CHECK (organization_id = stride_current_organization());

GRANT SELECT, INSERT, UPDATE, DELETE ON group_sessions, session_attendance TO stride_app;

-- Stride central database, version 9: quizzes that can be taken.
--
-- A quiz content item's questions and pass mark are kept as versions, never edited once
-- written: the latest is the quiz, and each attempt names the version it answered, so a
-- quiz changed after workers took it keeps their answers readable. An attempt holds a
-- worker's answers and the points they scored, behind the progress record whose score
-- is their percentage. The definition and the answers are checked in their language
-- (quiz.rs) at push, like every JSON column.
CREATE TABLE quiz_versions (
  id               UUID NOT NULL,
  content_id       UUID NOT NULL,
  organization_id  UUID NOT NULL,
  version_number   INTEGER NOT NULL CHECK (version_number >= 1),
  definition       JSONB NOT NULL,
  created_by       UUID,
  created_at       TIMESTAMPTZ NOT NULL DEFAULT CURRENT_TIMESTAMP,
  version          BIGINT NOT NULL DEFAULT 0,
  field_hlc        JSONB NOT NULL DEFAULT '{}'::jsonb,
  deleted_at       TIMESTAMPTZ,
  PRIMARY KEY (organization_id, id),
  CONSTRAINT fk_quiz_versions_org FOREIGN KEY (organization_id) REFERENCES organizations (id) ON DELETE CASCADE,
  CONSTRAINT fk_quiz_version_content FOREIGN KEY (organization_id, content_id) REFERENCES content (organization_id, id) ON DELETE CASCADE,
  CONSTRAINT fk_quiz_version_created_by FOREIGN KEY (organization_id, created_by) REFERENCES users (organization_id, id) ON DELETE SET NULL (created_by)
);
CREATE INDEX idx_quiz_version_content ON quiz_versions (organization_id, content_id, version_number);
CREATE INDEX idx_quiz_versions_version ON quiz_versions (organization_id, version);
CREATE TRIGGER stamp_version BEFORE INSERT OR UPDATE ON quiz_versions
  FOR EACH ROW EXECUTE FUNCTION stride_stamp_version();
ALTER TABLE quiz_versions ENABLE ROW LEVEL SECURITY;
ALTER TABLE quiz_versions FORCE ROW LEVEL SECURITY;
CREATE POLICY tenant_isolation ON quiz_versions
  USING (organization_id = stride_current_organization())
  WITH CHECK (organization_id = stride_current_organization());

CREATE TABLE quiz_attempts (
  id                 UUID NOT NULL,
  worker_progress_id UUID NOT NULL,
  quiz_version_id    UUID NOT NULL,
  organization_id    UUID NOT NULL,
  answers            JSONB NOT NULL,
  points             INTEGER NOT NULL CHECK (points >= 0),
  total              INTEGER NOT NULL CHECK (total >= points),
  taken_by           VARCHAR(20) NOT NULL CHECK (taken_by IN ('worker', 'coordinator')),
  created_at         TIMESTAMPTZ NOT NULL DEFAULT CURRENT_TIMESTAMP,
  updated_at         TIMESTAMPTZ NOT NULL DEFAULT CURRENT_TIMESTAMP,
  version            BIGINT NOT NULL DEFAULT 0,
  field_hlc          JSONB NOT NULL DEFAULT '{}'::jsonb,
  deleted_at         TIMESTAMPTZ,
  PRIMARY KEY (organization_id, id),
  CONSTRAINT fk_quiz_attempts_org FOREIGN KEY (organization_id) REFERENCES organizations (id) ON DELETE CASCADE,
  CONSTRAINT fk_attempt_progress FOREIGN KEY (organization_id, worker_progress_id) REFERENCES worker_progress (organization_id, id) ON DELETE CASCADE,
  CONSTRAINT fk_attempt_version FOREIGN KEY (organization_id, quiz_version_id) REFERENCES quiz_versions (organization_id, id) ON DELETE CASCADE
);
CREATE INDEX idx_quiz_attempt_progress ON quiz_attempts (organization_id, worker_progress_id);
CREATE INDEX idx_quiz_attempt_version ON quiz_attempts (organization_id, quiz_version_id);
CREATE INDEX idx_quiz_attempts_version ON quiz_attempts (organization_id, version);
CREATE TRIGGER stamp_version BEFORE INSERT OR UPDATE ON quiz_attempts
  FOR EACH ROW EXECUTE FUNCTION stride_stamp_version();
ALTER TABLE quiz_attempts ENABLE ROW LEVEL SECURITY;
ALTER TABLE quiz_attempts FORCE ROW LEVEL SECURITY;
CREATE POLICY tenant_isolation ON quiz_attempts
  USING (organization_id = stride_current_organization())
  WITH CHECK (organization_id = stride_current_organization());

GRANT SELECT, INSERT, UPDATE, DELETE ON quiz_versions, quiz_attempts TO stride_app;

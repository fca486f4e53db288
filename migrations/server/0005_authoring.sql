-- Stride central database, version 5: what authoring needs beyond the seed's columns.
-- A badge's award rule (a JSON rule, checked at push and evaluated on devices as
-- progress is recorded), and an experiment's audience: the program or segment whose
-- workers it assigns. Both references stay inside the organization.
ALTER TABLE badges ADD COLUMN award_rule JSONB;
ALTER TABLE experiments ADD COLUMN program_id UUID;
ALTER TABLE experiments ADD COLUMN segment_id UUID;
ALTER TABLE experiments ADD CONSTRAINT fk_expt_program FOREIGN KEY (organization_id, program_id)
  REFERENCES programs (organization_id, id) ON DELETE SET NULL (program_id);
ALTER TABLE experiments ADD CONSTRAINT fk_expt_segment FOREIGN KEY (organization_id, segment_id)
  REFERENCES segments (organization_id, id) ON DELETE SET NULL (segment_id);

-- Media files the server serves to its organization's devices (GET /v1/media/{name});
-- content points at one with a media_url of "/v1/media/{name}". Put in by an
-- administrator (`stride-server media add`). Kept in PostgreSQL, beside everything else
-- the organization owns, so one backup holds it all; files are bounded by the upload.
CREATE TABLE media_files (
  organization_id UUID NOT NULL,
  name            TEXT NOT NULL CHECK (name ~ '^[A-Za-z0-9][A-Za-z0-9._-]{0,199}$'),
  content_type    TEXT NOT NULL,
  bytes           BYTEA NOT NULL,
  added_at        TIMESTAMPTZ NOT NULL DEFAULT CURRENT_TIMESTAMP,
  PRIMARY KEY (organization_id, name),
  CONSTRAINT fk_media_org FOREIGN KEY (organization_id) REFERENCES organizations (id) ON DELETE CASCADE
);
ALTER TABLE media_files ENABLE ROW LEVEL SECURITY;
ALTER TABLE media_files FORCE ROW LEVEL SECURITY;
CREATE POLICY tenant_isolation ON media_files
  USING (organization_id = stride_current_organization())
  WITH CHECK (organization_id = stride_current_organization());
GRANT SELECT ON media_files TO stride_app;

-- Stride central database, version 7: edits that lost to a concurrent one are kept.
--
-- Two devices that change the same field without having seen each other's edit both
-- reach the server; the later clock wins the field, and the other value is recorded
-- here with who lost it, so that device can say so on the record (GET /v1/sync/conflicts)
-- and an administrator can read it in the record's history (GET /v1/history/…). A device
-- tells the server what it saw before its edit (the change's `base`): a stored value
-- other than that one came from an edit it had not seen.
CREATE TABLE conflicts (
  id              BIGINT GENERATED ALWAYS AS IDENTITY,
  organization_id UUID NOT NULL,
  entity          TEXT NOT NULL,
  row_key         TEXT NOT NULL,
  field           TEXT NOT NULL,
  kept            JSONB NOT NULL,
  lost            JSONB NOT NULL,
  kept_hlc        TEXT,
  lost_hlc        TEXT NOT NULL,
  -- The device whose value lost (its clock stamp names it), and the change that decided.
  lost_device_id  UUID NOT NULL,
  change_id       UUID NOT NULL,
  noticed_at      TIMESTAMPTZ NOT NULL DEFAULT CURRENT_TIMESTAMP,
  PRIMARY KEY (organization_id, id),
  CONSTRAINT fk_conflicts_org FOREIGN KEY (organization_id) REFERENCES organizations (id) ON DELETE CASCADE
);
CREATE INDEX idx_conflicts_device ON conflicts (organization_id, lost_device_id, id);
CREATE INDEX idx_conflicts_row ON conflicts (organization_id, entity, row_key);
ALTER TABLE conflicts ENABLE ROW LEVEL SECURITY;
ALTER TABLE conflicts FORCE ROW LEVEL SECURITY;
CREATE POLICY tenant_isolation ON conflicts
  USING (organization_id = stride_current_organization())
  WITH CHECK (organization_id = stride_current_organization());
GRANT SELECT, INSERT ON conflicts TO stride_app;

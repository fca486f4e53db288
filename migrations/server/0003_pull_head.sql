-- Stride central database, version 3: a device may read its organization's head.
--
-- A pull answers with the organization's latest version (its head), so a device can
-- show how much is left to pull and can tell, on its first sync, which tombstones it
-- can skip. The request role reads only its own organization's counter. Row-level
-- security is enabled but not forced: stride_next_version (SECURITY DEFINER, the owner)
-- still writes every organization's counter.
ALTER TABLE organization_versions ENABLE ROW LEVEL SECURITY;
CREATE POLICY tenant_isolation ON organization_versions
  USING (organization_id = stride_current_organization());
GRANT SELECT ON organization_versions TO stride_app;

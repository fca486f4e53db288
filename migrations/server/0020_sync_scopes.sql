-- Stride central database, version 20: sync scopes.
--
-- A coordinator's laptop holds only the workers in their scope (sites, segments,
-- programs; crates/stride-server/src/scope.rs). None kept for a member, or an empty one,
-- is the whole organization, as managers and administrators always have. Like devices,
-- both tables are read by their owner before a request's organization is set (a pull's
-- first statement), so row-level security binds the request role only.
CREATE TABLE user_scopes (
  organization_id UUID NOT NULL,
  user_id         UUID NOT NULL,
  sites           TEXT[] NOT NULL DEFAULT '{}',
  segment_ids     UUID[] NOT NULL DEFAULT '{}',
  program_ids     UUID[] NOT NULL DEFAULT '{}',
  updated_at      TIMESTAMPTZ NOT NULL DEFAULT CURRENT_TIMESTAMP,
  PRIMARY KEY (organization_id, user_id),
  CONSTRAINT fk_user_scopes_user FOREIGN KEY (organization_id, user_id) REFERENCES users (organization_id, id) ON DELETE CASCADE
);
ALTER TABLE user_scopes ENABLE ROW LEVEL SECURITY;
CREATE POLICY tenant_isolation ON user_scopes
  USING (organization_id = stride_current_organization())
  WITH CHECK (organization_id = stride_current_organization());
GRANT SELECT, INSERT, UPDATE, DELETE ON user_scopes TO stride_app;

-- The workers the server last told each device it holds (none: the whole organization),
-- and the set it told before that one. A change a device pushes of a worker that has
-- since left its scope is still taken: it was made while the worker was on the device,
-- which learns of the move only at the pull after that push (or, for a change made while
-- that pull was applied, keeps the worker until the next).
CREATE TABLE device_scopes (
  organization_id UUID NOT NULL,
  device_id       UUID NOT NULL,
  workers         UUID[] NOT NULL,
  previous        UUID[] NOT NULL DEFAULT '{}',
  sent_at         TIMESTAMPTZ NOT NULL DEFAULT CURRENT_TIMESTAMP,
  PRIMARY KEY (organization_id, device_id),
  CONSTRAINT fk_device_scopes_device FOREIGN KEY (organization_id, device_id) REFERENCES devices (organization_id, id) ON DELETE CASCADE
);
ALTER TABLE device_scopes ENABLE ROW LEVEL SECURITY;
CREATE POLICY tenant_isolation ON device_scopes
  USING (organization_id = stride_current_organization())
  WITH CHECK (organization_id = stride_current_organization());
GRANT SELECT, INSERT, UPDATE, DELETE ON device_scopes TO stride_app;

-- The workers of a site, found without reading every worker's attributes (a worker's
-- other rows are found by the indexes on their worker and enrollment).
CREATE INDEX idx_workers_site ON workers (organization_id, lower(btrim(custom_attributes ->> 'site')));

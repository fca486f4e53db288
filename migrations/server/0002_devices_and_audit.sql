-- Stride central database, version 2: sign-in, devices and the audit trail.

-- The password (argon2id, PHC string) sits beside the sign-in email, read before the
-- organization of a request is known.
ALTER TABLE user_emails ADD COLUMN password_hash TEXT;

-- A device is one installation signed in as one user. Its token is random and only its
-- SHA-256 is kept; last_seq is the highest device sequence number already applied, so a
-- retried push applies exactly once. Row-level security is enabled but not forced: the
-- sign-in path (the owner) finds a device by its token before it knows the organization,
-- while the request role sees only its own organization's devices.
CREATE TABLE devices (
  id              UUID NOT NULL,
  organization_id UUID NOT NULL,
  user_id         UUID NOT NULL,
  name            VARCHAR(255) NOT NULL CHECK (length(name) >= 1),
  token_hash      CHAR(64) NOT NULL UNIQUE,
  last_seq        BIGINT NOT NULL DEFAULT 0,
  created_at      TIMESTAMPTZ NOT NULL DEFAULT CURRENT_TIMESTAMP,
  last_seen_at    TIMESTAMPTZ,
  revoked_at      TIMESTAMPTZ,
  PRIMARY KEY (organization_id, id),
  CONSTRAINT fk_devices_org FOREIGN KEY (organization_id) REFERENCES organizations (id) ON DELETE CASCADE,
  CONSTRAINT fk_devices_user FOREIGN KEY (organization_id, user_id) REFERENCES users (organization_id, id) ON DELETE CASCADE
);
ALTER TABLE devices ENABLE ROW LEVEL SECURITY;
CREATE POLICY tenant_isolation ON devices
  USING (organization_id = stride_current_organization())
  WITH CHECK (organization_id = stride_current_organization());

-- Every accepted change: who, from which device, when, what, and which fields.
CREATE TABLE change_log (
  id              BIGINT GENERATED ALWAYS AS IDENTITY,
  organization_id UUID NOT NULL,
  change_id       UUID NOT NULL,
  device_id       UUID NOT NULL,
  device_seq      BIGINT NOT NULL,
  user_id         UUID NOT NULL,
  entity          TEXT NOT NULL,
  row_key         TEXT NOT NULL,
  op              TEXT NOT NULL CHECK (op IN ('upsert', 'delete')),
  fields          JSONB NOT NULL,
  hlc             TEXT NOT NULL,
  received_at     TIMESTAMPTZ NOT NULL DEFAULT CURRENT_TIMESTAMP,
  PRIMARY KEY (organization_id, id),
  CONSTRAINT fk_change_log_org FOREIGN KEY (organization_id) REFERENCES organizations (id) ON DELETE CASCADE
);
CREATE INDEX idx_change_log_row ON change_log (organization_id, entity, row_key);
ALTER TABLE change_log ENABLE ROW LEVEL SECURITY;
ALTER TABLE change_log FORCE ROW LEVEL SECURITY;
CREATE POLICY tenant_isolation ON change_log
  USING (organization_id = stride_current_organization())
  WITH CHECK (organization_id = stride_current_organization());

GRANT SELECT, UPDATE ON devices TO stride_app;
GRANT SELECT, INSERT ON change_log TO stride_app;

-- The server takes the request role for each transaction (SET LOCAL ROLE stride_app),
-- which needs membership when it does not connect as a superuser.
DO $$
BEGIN
  EXECUTE format('GRANT stride_app TO %I', current_user);
EXCEPTION WHEN insufficient_privilege THEN
  RAISE NOTICE 'could not grant stride_app to %: grant it by hand', current_user;
END
$$;

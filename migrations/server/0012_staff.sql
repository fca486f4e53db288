-- Stride central database, version 12: staff managed by the organization's administrators.
--
-- A user may be deactivated (someone who left): their tokens stop working at once on
-- every device, what they pushed stays, and they may be reactivated. Devices pull the
-- column with the rest of the users row.
--
-- A new member has no password until they sign in the first time with the set-up code
-- their administrator passed on; only the code's SHA-256 is kept, with when it stops
-- working. The request role may now write sign-in rows, and row-level security (not
-- forced: sign-in, the owner, finds a row by email before it knows the organization)
-- keeps it to its own organization's.
ALTER TABLE users ADD COLUMN deactivated_at TIMESTAMPTZ;

ALTER TABLE user_emails
  ADD COLUMN set_up_code_hash CHAR(64),
  ADD COLUMN set_up_code_expires_at TIMESTAMPTZ,
  ADD CONSTRAINT set_up_code_expires CHECK ((set_up_code_hash IS NULL) = (set_up_code_expires_at IS NULL));
ALTER TABLE user_emails ENABLE ROW LEVEL SECURITY;
CREATE POLICY tenant_isolation ON user_emails
  USING (organization_id = stride_current_organization())
  WITH CHECK (organization_id = stride_current_organization());
GRANT INSERT, UPDATE (password_hash, set_up_code_hash, set_up_code_expires_at) ON user_emails TO stride_app;

-- Stride central database, version 19: wrong passwords are counted in the database.
--
-- They were counted in each server's memory, so behind a load balancer every server gave
-- an account and address its own free attempts, and a restart forgot them all. Timed by
-- the database's clock, the one clock every server shares. Not organization-scoped: an
-- attempt names an email, before any organization is known (under Citus, a table
-- distributed by email; docs/ARCHITECTURE.md).
CREATE TABLE sign_in_failures (
  email          VARCHAR(255) NOT NULL,
  address        TEXT NOT NULL,
  failures       INTEGER NOT NULL CHECK (failures >= 1),
  last_failed_at TIMESTAMPTZ NOT NULL,
  PRIMARY KEY (email, address)
);
-- Counts forgotten after a quiet while are deleted by age.
CREATE INDEX idx_sign_in_failures_last ON sign_in_failures (last_failed_at);

-- Stride device database, version 20: sync scopes. A coordinator's laptop holds only the
-- workers in their scope; the server names that set of workers with a hash, which the
-- device sends back on every pull (NULL: it holds the whole organization; empty: part of
-- it, but not a set the server named, so the server says which again).
ALTER TABLE sync_state ADD COLUMN scope_hash TEXT;

-- Workers that came into scope whose rows up to `through` (the cursor the page that
-- brought them was pulled from) are still to come, and how far their backfill has got.
CREATE TABLE scope_arrivals (
  worker_id TEXT PRIMARY KEY NOT NULL,
  through   INTEGER NOT NULL,
  cursor    INTEGER NOT NULL DEFAULT 0
);

-- Stride device database, version 7: edits that lost to a concurrent one.
--
-- An edit remembers what the device held for its fields before it (`base`), so the
-- server can tell an edit made without seeing another from one made after it. The
-- server's word on this device's edits that lost (GET /v1/sync/conflicts) is kept
-- here until a person has read it; `conflict_cursor` is the last one fetched.
ALTER TABLE outbox ADD COLUMN base TEXT NOT NULL DEFAULT '{}'
  CHECK (json_valid(base) AND json_type(base) = 'object');
ALTER TABLE sync_state ADD COLUMN conflict_cursor INTEGER NOT NULL DEFAULT 0;

CREATE TABLE conflicts (
  id          INTEGER PRIMARY KEY,  -- the server's id of the conflict
  entity      TEXT NOT NULL,
  row_key     TEXT NOT NULL,
  field       TEXT NOT NULL,
  mine        TEXT NOT NULL CHECK (json_valid(mine)),  -- this device's value, which lost
  kept        TEXT NOT NULL CHECK (json_valid(kept)),  -- the value the record holds
  noticed_at  TEXT NOT NULL
);
CREATE INDEX idx_conflicts_row ON conflicts (entity, row_key);

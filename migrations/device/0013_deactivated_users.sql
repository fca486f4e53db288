-- Stride device database, version 13: a user deactivated by an administrator, as pulled
-- from the server (NULL while they may work).
ALTER TABLE users ADD COLUMN deactivated_at TEXT;

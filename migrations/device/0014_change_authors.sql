-- Stride device database, version 14: who made each change. A laptop may be shared by
-- several people (signed in one after another, or switched between), so each outbox
-- entry keeps the user who was working when it was made, and the push sends it with its
-- author. NULL for changes made before this version, or on a device set up without a
-- server: the server counts those as whoever pushes them.
ALTER TABLE outbox ADD COLUMN author TEXT;

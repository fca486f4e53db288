-- Stride central database, version 13: the installation each device row signed in from.
--
-- A device row is one person's sign-in; several people may sign in on one laptop (its
-- installation, the id its own database holds). A push then carries each change with
-- its author, and the server takes a change as its author's only when that author has
-- signed in on the same installation. NULL for sign-ins from before this version.
ALTER TABLE devices ADD COLUMN installation_id UUID;
CREATE INDEX idx_devices_installation ON devices (organization_id, installation_id);

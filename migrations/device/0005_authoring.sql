-- Stride device database, version 5: what authoring needs beyond the seed's columns.
-- A badge's award rule (badge.rs: evaluated on the device as progress is recorded), and
-- an experiment's audience: the program or segment whose workers it assigns.
ALTER TABLE badges ADD COLUMN award_rule TEXT CHECK (award_rule IS NULL OR json_valid(award_rule));
ALTER TABLE experiments ADD COLUMN program_id TEXT REFERENCES programs (id) ON DELETE SET NULL DEFERRABLE INITIALLY DEFERRED;
ALTER TABLE experiments ADD COLUMN segment_id TEXT REFERENCES segments (id) ON DELETE SET NULL DEFERRABLE INITIALLY DEFERRED;

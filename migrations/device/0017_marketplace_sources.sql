-- Stride device database, version 17: content, journeys, phases and touchpoints copied
-- from a marketplace listing keep the listing and version they came from, and whether
-- the copy follows the listing (locked: the server updates it) or was forked (the
-- organization's to edit). Written by the server only; pulled like every other column.
ALTER TABLE content ADD COLUMN source_listing_id TEXT;
ALTER TABLE content ADD COLUMN source_version INTEGER CHECK (source_version >= 1);
ALTER TABLE content ADD COLUMN source_state TEXT CHECK (source_state IN ('following', 'forked'));
ALTER TABLE journey_blueprints ADD COLUMN source_listing_id TEXT;
ALTER TABLE journey_blueprints ADD COLUMN source_version INTEGER CHECK (source_version >= 1);
ALTER TABLE journey_blueprints ADD COLUMN source_state TEXT CHECK (source_state IN ('following', 'forked'));
ALTER TABLE phases ADD COLUMN source_listing_id TEXT;
ALTER TABLE phases ADD COLUMN source_version INTEGER CHECK (source_version >= 1);
ALTER TABLE phases ADD COLUMN source_state TEXT CHECK (source_state IN ('following', 'forked'));
ALTER TABLE touchpoints ADD COLUMN source_listing_id TEXT;
ALTER TABLE touchpoints ADD COLUMN source_version INTEGER CHECK (source_version >= 1);
ALTER TABLE touchpoints ADD COLUMN source_state TEXT CHECK (source_state IN ('following', 'forked'));

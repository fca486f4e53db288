-- Stride device database, version 18: a journey copied from a marketplace listing keeps
-- the last day its license is in force (NULL: no end), so workers are not newly enrolled
-- in it past that day, offline too. Written by the server only; pulled like every other
-- column.
ALTER TABLE journey_blueprints ADD COLUMN licensed_until TEXT;

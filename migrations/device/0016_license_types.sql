-- Stride device database, version 16: a content item's license_type is one of the
-- seed's three (free, paid, subscription), as on the server (its version 14, which
-- corrects the server's rows the same way).
--
-- What was typed before is kept: a known name in another case or with spaces becomes
-- that name, and anything else is moved into the description ("License: …"). A change
-- waiting to be pushed is corrected the same way, its description made from its own or
-- else the row's (as the row's is corrected below), so the server takes it rather than
-- refusing it and keeps the same description the device shows.
UPDATE outbox SET fields = CASE
    WHEN lower(trim(json_extract(fields, '$.license_type'))) IN ('free', 'paid', 'subscription')
      THEN json_set(fields, '$.license_type', lower(trim(json_extract(fields, '$.license_type'))))
    ELSE json_set(fields,
      '$.license_type', json('null'),
      '$.description', coalesce(
          json_extract(fields, '$.description') || char(10, 10),
          (SELECT c.description || char(10, 10) FROM content c WHERE c.id = outbox.row_key),
          '')
        || 'License: ' || json_extract(fields, '$.license_type'))
  END
WHERE entity = 'content'
  AND json_type(fields, '$.license_type') = 'text'
  AND json_extract(fields, '$.license_type') NOT IN ('free', 'paid', 'subscription');

UPDATE content SET
  description = CASE
    WHEN lower(trim(license_type)) IN ('free', 'paid', 'subscription') THEN description
    ELSE coalesce(description || char(10, 10), '') || 'License: ' || license_type
  END,
  license_type = CASE
    WHEN lower(trim(license_type)) IN ('free', 'paid', 'subscription') THEN lower(trim(license_type))
  END
WHERE license_type IS NOT NULL AND license_type NOT IN ('free', 'paid', 'subscription');

CREATE TRIGGER content_license_type_insert BEFORE INSERT ON content
  WHEN NEW.license_type IS NOT NULL AND NEW.license_type NOT IN ('free', 'paid', 'subscription')
  BEGIN SELECT RAISE(ABORT, 'CHECK constraint failed: license_type'); END;
CREATE TRIGGER content_license_type_update BEFORE UPDATE OF license_type ON content
  WHEN NEW.license_type IS NOT NULL AND NEW.license_type NOT IN ('free', 'paid', 'subscription')
  BEGIN SELECT RAISE(ABORT, 'CHECK constraint failed: license_type'); END;

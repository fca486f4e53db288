-- Stride central database, version 15: the marketplace, the one place where data crosses
-- organizations.
--
-- An expert organization publishes a journey blueprint (its phases, touchpoints, content
-- and media) or a single content item as a listing. Each publish is a numbered version: a
-- snapshot (JSON, with its media files beside it) that is never changed or removed, so
-- what a client licensed never changes under it. A client organization licenses a
-- listing (a free one at once; a paid or subscription one by a request its publisher
-- grants or declines) and copies a version into its own organization (`marketplace_copies`,
-- and the `source_listing_id`/`source_version` of every copied row).
--
-- Isolation is held here, not only by the server's routes:
--   * only an expert organization can publish and only a client organization can
--     license: each table names the organization's type beside its id, checked by a
--     foreign key to organizations (id, type);
--   * the catalog is readable by every organization for published listings; a listing's
--     publisher sees it always, and a licensee keeps seeing one it holds after it is
--     withdrawn; its versions and media follow the listing;
--   * a license (or a request) is readable by exactly its two parties; what a license
--     may become is checked by a trigger (a licensee cannot grant itself a paid one, a
--     withdrawn listing takes no new license);
--   * a copy is the licensee's alone, like every other row it owns.
-- Names of the other party are kept beside the row (publisher_name, licensee_name), so
-- no organization ever reads another's organizations row.

ALTER TABLE organizations ADD CONSTRAINT uq_organizations_id_type UNIQUE (id, type);

CREATE TABLE marketplace_listings (
  id                        UUID PRIMARY KEY,
  publisher_organization_id UUID NOT NULL,
  publisher_type            VARCHAR(50) NOT NULL DEFAULT 'expert' CHECK (publisher_type = 'expert'),
  publisher_name            VARCHAR(255) NOT NULL CHECK (length(publisher_name) >= 1),
  kind                      VARCHAR(50) NOT NULL CHECK (kind IN ('journey', 'content')),
  source_id                 UUID NOT NULL,
  title                     VARCHAR(255) NOT NULL CHECK (length(title) >= 1),
  description               TEXT,
  language                  VARCHAR(35) NOT NULL CHECK (language ~ '^[a-z]{2,3}(-[A-Za-z0-9]{2,8})*$'),
  license_type              VARCHAR(50) NOT NULL CHECK (license_type IN ('free', 'paid', 'subscription')),
  terms                     TEXT,
  copies                    VARCHAR(50) NOT NULL CHECK (copies IN ('locked', 'forkable')),
  status                    VARCHAR(50) NOT NULL DEFAULT 'published' CHECK (status IN ('published', 'withdrawn')),
  latest_version            INTEGER NOT NULL DEFAULT 0 CHECK (latest_version >= 0),
  created_by                UUID,
  created_at                TIMESTAMPTZ NOT NULL DEFAULT CURRENT_TIMESTAMP,
  updated_at                TIMESTAMPTZ NOT NULL DEFAULT CURRENT_TIMESTAMP,
  withdrawn_at              TIMESTAMPTZ,
  CONSTRAINT fk_listing_publisher FOREIGN KEY (publisher_organization_id, publisher_type)
    REFERENCES organizations (id, type) ON DELETE CASCADE,
  CONSTRAINT uq_listing_source UNIQUE (publisher_organization_id, kind, source_id),
  CONSTRAINT uq_listing_publisher UNIQUE (publisher_organization_id, id)
);
CREATE INDEX idx_listings_status ON marketplace_listings (status, updated_at DESC);

CREATE TABLE listing_versions (
  listing_id                UUID NOT NULL,
  number                    INTEGER NOT NULL CHECK (number >= 1),
  publisher_organization_id UUID NOT NULL,
  snapshot                  JSONB NOT NULL CHECK (jsonb_typeof(snapshot) = 'object'),
  notes                     TEXT,
  published_by              UUID,
  published_at              TIMESTAMPTZ NOT NULL DEFAULT CURRENT_TIMESTAMP,
  PRIMARY KEY (listing_id, number),
  CONSTRAINT fk_version_listing FOREIGN KEY (publisher_organization_id, listing_id)
    REFERENCES marketplace_listings (publisher_organization_id, id) ON DELETE CASCADE
);

-- A version's media files, by their SHA-256, so versions that share a file keep it once.
CREATE TABLE listing_media (
  listing_id                UUID NOT NULL,
  sha256                    TEXT NOT NULL CHECK (sha256 ~ '^[0-9a-f]{64}$'),
  publisher_organization_id UUID NOT NULL,
  content_type              TEXT NOT NULL,
  bytes                     BYTEA NOT NULL,
  PRIMARY KEY (listing_id, sha256),
  CONSTRAINT fk_media_listing FOREIGN KEY (publisher_organization_id, listing_id)
    REFERENCES marketplace_listings (publisher_organization_id, id) ON DELETE CASCADE
);

CREATE TABLE marketplace_licenses (
  id                        UUID PRIMARY KEY,
  listing_id                UUID NOT NULL,
  publisher_organization_id UUID NOT NULL,
  licensee_organization_id  UUID NOT NULL,
  licensee_type             VARCHAR(50) NOT NULL DEFAULT 'client' CHECK (licensee_type = 'client'),
  licensee_name             VARCHAR(255) NOT NULL CHECK (length(licensee_name) >= 1),
  status                    VARCHAR(50) NOT NULL CHECK (status IN ('requested', 'active', 'declined')),
  seats                     INTEGER CHECK (seats >= 1),
  ends_on                   DATE,
  terms                     TEXT,
  message                   TEXT,
  requested_by              UUID,
  requested_at              TIMESTAMPTZ NOT NULL DEFAULT CURRENT_TIMESTAMP,
  decided_by                UUID,
  decided_at                TIMESTAMPTZ,
  CONSTRAINT fk_license_listing FOREIGN KEY (publisher_organization_id, listing_id)
    REFERENCES marketplace_listings (publisher_organization_id, id) ON DELETE CASCADE,
  CONSTRAINT fk_license_licensee FOREIGN KEY (licensee_organization_id, licensee_type)
    REFERENCES organizations (id, type) ON DELETE CASCADE,
  CONSTRAINT uq_license UNIQUE (listing_id, licensee_organization_id),
  CONSTRAINT uq_license_licensee UNIQUE (licensee_organization_id, id)
);
CREATE INDEX idx_licenses_publisher ON marketplace_licenses (publisher_organization_id, requested_at DESC);

-- What a license may become, whoever asks: a new license is a request, or active at
-- once only for a free listing, and only for a listing still published; only the
-- publisher grants, declines or changes terms; the licensee may only ask again after a
-- decline.
CREATE FUNCTION stride_license_rules() RETURNS trigger
  LANGUAGE plpgsql
  AS $$
  DECLARE
    listing marketplace_listings%ROWTYPE;
    actor uuid := stride_current_organization();
  BEGIN
    SELECT * INTO listing FROM marketplace_listings WHERE id = NEW.listing_id;
    IF TG_OP = 'INSERT' THEN
      IF listing.status IS DISTINCT FROM 'published' THEN
        RAISE EXCEPTION 'listing % is not published', NEW.listing_id USING ERRCODE = 'check_violation';
      END IF;
      IF NEW.status = 'active' AND listing.license_type <> 'free' THEN
        RAISE EXCEPTION 'a % listing is licensed by its publisher''s grant', listing.license_type
          USING ERRCODE = 'check_violation';
      END IF;
      IF NEW.status = 'declined' THEN
        RAISE EXCEPTION 'a new license cannot be declined' USING ERRCODE = 'check_violation';
      END IF;
      RETURN NEW;
    END IF;
    IF NEW.listing_id <> OLD.listing_id OR NEW.licensee_organization_id <> OLD.licensee_organization_id
       OR NEW.publisher_organization_id <> OLD.publisher_organization_id THEN
      RAISE EXCEPTION 'a license keeps its listing and its parties' USING ERRCODE = 'check_violation';
    END IF;
    IF actor = OLD.publisher_organization_id THEN
      RETURN NEW;
    END IF;
    -- The licensee: only asking again after a decline, with a new message.
    IF OLD.status = 'declined' AND NEW.status = 'requested' AND listing.status = 'published'
       AND NEW.seats IS NOT DISTINCT FROM OLD.seats AND NEW.ends_on IS NOT DISTINCT FROM OLD.ends_on
       AND NEW.terms IS NOT DISTINCT FROM OLD.terms THEN
      RETURN NEW;
    END IF;
    RAISE EXCEPTION 'only the publisher decides a license' USING ERRCODE = 'insufficient_privilege';
  END
  $$;
CREATE TRIGGER license_rules BEFORE INSERT OR UPDATE ON marketplace_licenses
  FOR EACH ROW EXECUTE FUNCTION stride_license_rules();

-- A licensed version copied into the licensee's organization: the root row made (a
-- journey blueprint or a content item), and which copied row stands for which row of the
-- snapshot (for updates). Whether the copy still follows the listing (locked, taking its
-- updates) or was forked (the licensee's to edit, no longer updated) is each copied
-- row's source_state, which devices pull with the row.
CREATE TABLE marketplace_copies (
  id                UUID NOT NULL,
  organization_id   UUID NOT NULL,
  license_id        UUID NOT NULL,
  listing_id        UUID NOT NULL,
  version           INTEGER NOT NULL CHECK (version >= 1),
  kind              VARCHAR(50) NOT NULL CHECK (kind IN ('journey', 'content')),
  root_id           UUID NOT NULL,
  copied_ids        JSONB NOT NULL CHECK (jsonb_typeof(copied_ids) = 'object'),
  copied_by         UUID,
  copied_at         TIMESTAMPTZ NOT NULL DEFAULT CURRENT_TIMESTAMP,
  updated_at        TIMESTAMPTZ NOT NULL DEFAULT CURRENT_TIMESTAMP,
  PRIMARY KEY (organization_id, id),
  CONSTRAINT fk_copy_license FOREIGN KEY (organization_id, license_id)
    REFERENCES marketplace_licenses (licensee_organization_id, id) ON DELETE RESTRICT,
  CONSTRAINT uq_copy_license UNIQUE (organization_id, license_id)
);

-- Every copied row keeps the listing and version it came from, and whether its copy
-- follows the listing (`following`: locked, updated by the server) or was forked. Only
-- the server writes these (a push that sets them is refused).
ALTER TABLE content
  ADD COLUMN source_listing_id UUID,
  ADD COLUMN source_version INTEGER CHECK (source_version >= 1),
  ADD COLUMN source_state VARCHAR(50) CHECK (source_state IN ('following', 'forked')),
  ADD CONSTRAINT ck_content_source CHECK (
    (source_listing_id IS NULL) = (source_version IS NULL) AND (source_listing_id IS NULL) = (source_state IS NULL));
ALTER TABLE journey_blueprints
  ADD COLUMN source_listing_id UUID,
  ADD COLUMN source_version INTEGER CHECK (source_version >= 1),
  ADD COLUMN source_state VARCHAR(50) CHECK (source_state IN ('following', 'forked')),
  ADD CONSTRAINT ck_journey_blueprints_source CHECK (
    (source_listing_id IS NULL) = (source_version IS NULL) AND (source_listing_id IS NULL) = (source_state IS NULL));
ALTER TABLE phases
  ADD COLUMN source_listing_id UUID,
  ADD COLUMN source_version INTEGER CHECK (source_version >= 1),
  ADD COLUMN source_state VARCHAR(50) CHECK (source_state IN ('following', 'forked')),
  ADD CONSTRAINT ck_phases_source CHECK (
    (source_listing_id IS NULL) = (source_version IS NULL) AND (source_listing_id IS NULL) = (source_state IS NULL));
ALTER TABLE touchpoints
  ADD COLUMN source_listing_id UUID,
  ADD COLUMN source_version INTEGER CHECK (source_version >= 1),
  ADD COLUMN source_state VARCHAR(50) CHECK (source_state IN ('following', 'forked')),
  ADD CONSTRAINT ck_touchpoints_source CHECK (
    (source_listing_id IS NULL) = (source_version IS NULL) AND (source_listing_id IS NULL) = (source_state IS NULL));

ALTER TABLE marketplace_listings ENABLE ROW LEVEL SECURITY;
ALTER TABLE marketplace_listings FORCE ROW LEVEL SECURITY;
CREATE POLICY catalog ON marketplace_listings FOR SELECT
  USING (status = 'published'
         OR publisher_organization_id = stride_current_organization()
         OR EXISTS (SELECT 1 FROM marketplace_licenses l
                    WHERE l.listing_id = marketplace_listings.id
                      AND l.licensee_organization_id = stride_current_organization()));
CREATE POLICY publisher_writes ON marketplace_listings FOR INSERT
  WITH CHECK (publisher_organization_id = stride_current_organization());
CREATE POLICY publisher_updates ON marketplace_listings FOR UPDATE
  USING (publisher_organization_id = stride_current_organization())
  WITH CHECK (publisher_organization_id = stride_current_organization());

ALTER TABLE listing_versions ENABLE ROW LEVEL SECURITY;
ALTER TABLE listing_versions FORCE ROW LEVEL SECURITY;
CREATE POLICY follows_listing ON listing_versions FOR SELECT
  USING (EXISTS (SELECT 1 FROM marketplace_listings m WHERE m.id = listing_versions.listing_id));
CREATE POLICY publisher_writes ON listing_versions FOR INSERT
  WITH CHECK (publisher_organization_id = stride_current_organization());

ALTER TABLE listing_media ENABLE ROW LEVEL SECURITY;
ALTER TABLE listing_media FORCE ROW LEVEL SECURITY;
CREATE POLICY follows_listing ON listing_media FOR SELECT
  USING (EXISTS (SELECT 1 FROM marketplace_listings m WHERE m.id = listing_media.listing_id));
CREATE POLICY publisher_writes ON listing_media FOR INSERT
  WITH CHECK (publisher_organization_id = stride_current_organization());

ALTER TABLE marketplace_licenses ENABLE ROW LEVEL SECURITY;
ALTER TABLE marketplace_licenses FORCE ROW LEVEL SECURITY;
CREATE POLICY both_parties ON marketplace_licenses FOR SELECT
  USING (licensee_organization_id = stride_current_organization()
         OR publisher_organization_id = stride_current_organization());
CREATE POLICY licensee_asks ON marketplace_licenses FOR INSERT
  WITH CHECK (licensee_organization_id = stride_current_organization());
CREATE POLICY both_parties_update ON marketplace_licenses FOR UPDATE
  USING (licensee_organization_id = stride_current_organization()
         OR publisher_organization_id = stride_current_organization());

ALTER TABLE marketplace_copies ENABLE ROW LEVEL SECURITY;
ALTER TABLE marketplace_copies FORCE ROW LEVEL SECURITY;
CREATE POLICY tenant_isolation ON marketplace_copies
  USING (organization_id = stride_current_organization())
  WITH CHECK (organization_id = stride_current_organization());

-- Versions and media are never changed or removed by a request: only inserted.
GRANT SELECT, INSERT, UPDATE ON marketplace_listings TO stride_app;
GRANT SELECT, INSERT ON listing_versions, listing_media TO stride_app;
GRANT SELECT, INSERT, UPDATE ON marketplace_licenses TO stride_app;
GRANT SELECT, INSERT, UPDATE ON marketplace_copies TO stride_app;
-- A copy's media files become files of the licensee's server.
GRANT INSERT ON media_files TO stride_app;

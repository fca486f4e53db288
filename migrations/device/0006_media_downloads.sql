-- Stride device database, version 6: media downloaded for offline use. The file lives
-- in the media folder beside the database; this row says which address it came from,
-- so a content item whose address changed is known to need downloading again.
CREATE TABLE media_downloads (
  content_id    TEXT PRIMARY KEY NOT NULL,
  media_url     TEXT NOT NULL,
  file_name     TEXT NOT NULL,
  bytes         INTEGER NOT NULL CHECK (bytes >= 0),
  downloaded_at TEXT NOT NULL
);

//! Media downloaded for offline use: the files live in `media/` beside the database,
//! one per content item, and `media_downloads` says where each came from. A download is
//! written to a temporary file and renamed into place only when complete, so a cut
//! connection never leaves half a file that looks whole.

use crate::store::Mode;
use crate::{Result, Store};
use rusqlite::OptionalExtension;
use serde::Serialize;
use std::path::PathBuf;
use stride_domain::{ContentId, Timestamp};
use ts_rs::TS;

/// A media file on this device.
#[derive(Debug, Clone, PartialEq, Serialize, TS)]
pub struct MediaDownload {
    pub content_id: ContentId,
    /// The address it was downloaded from (the content's, unless that changed since).
    pub media_url: String,
    #[serde(skip)]
    pub file_name: String,
    #[ts(type = "number")]
    pub bytes: u64,
    pub downloaded_at: Timestamp,
}

impl Store {
    /// The folder media files are kept in (made when first needed).
    pub fn media_dir(&self) -> PathBuf {
        self.path().parent().map_or_else(|| PathBuf::from("media"), |dir| dir.join("media"))
    }

    /// Where a content item's file is, once downloaded.
    pub fn media_file(&self, download: &MediaDownload) -> PathBuf {
        self.media_dir().join(&download.file_name)
    }

    /// Records a finished download whose file is already in place.
    pub fn record_download(&self, content: ContentId, media_url: &str, file_name: &str, bytes: u64) -> Result<()> {
        self.transaction(Mode::Write, |t| {
            t.tx.execute(
                "INSERT INTO media_downloads (content_id, media_url, file_name, bytes, downloaded_at)
                 VALUES (?1, ?2, ?3, ?4, ?5)
                 ON CONFLICT (content_id) DO UPDATE SET media_url = excluded.media_url,
                   file_name = excluded.file_name, bytes = excluded.bytes, downloaded_at = excluded.downloaded_at",
                rusqlite::params![content.to_string(), media_url, file_name, bytes as i64, t.now.to_string()],
            )?;
            Ok(())
        })
    }

    pub fn download_of(&self, content: ContentId) -> Result<Option<MediaDownload>> {
        self.with_conn(|conn| {
            Ok(conn
                .query_row(
                    "SELECT media_url, file_name, bytes, downloaded_at FROM media_downloads WHERE content_id = ?1",
                    [content.to_string()],
                    |row| {
                        Ok((
                            row.get::<_, String>(0)?,
                            row.get::<_, String>(1)?,
                            row.get::<_, i64>(2)?,
                            row.get::<_, String>(3)?,
                        ))
                    },
                )
                .optional()?
                .and_then(|(media_url, file_name, bytes, at)| {
                    Some(MediaDownload {
                        content_id: content,
                        media_url,
                        file_name,
                        bytes: bytes as u64,
                        downloaded_at: Timestamp::parse(&at).ok()?,
                    })
                }))
        })
    }

    /// Removes every downloaded file (a wipe).
    pub(crate) fn remove_media_files(&self) {
        let dir = self.media_dir();
        if dir.exists() {
            if let Err(error) = std::fs::remove_dir_all(&dir) {
                tracing::warn!(error = %error, folder = %dir.display(), "could not remove the downloaded media");
            }
        }
    }
}

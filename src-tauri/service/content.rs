//! The content library, offline: content of each type with its title, description,
//! media address and license, and its media downloaded from the sync server (or
//! elsewhere) for offline use, with progress, then opened with no network.

use super::{optional_text, Service};
use crate::error::{AppError, ErrorCode};
use serde::{Deserialize, Serialize};
use std::io::Write;
use std::sync::Arc;
use stride_domain::media::{self, MEDIA_PATH};
use stride_domain::*;
use stride_sync::ClientError;
use ts_rs::TS;

/// Whether a content item's media can be opened without a network.
#[derive(Debug, Clone, PartialEq, Serialize, TS)]
#[serde(tag = "state", rename_all = "snake_case")]
pub enum Offline {
    NoMedia,
    NotDownloaded,
    Downloaded {
        #[ts(type = "number")]
        bytes: u64,
        downloaded_at: Timestamp,
    },
    /// Downloaded from an address the content no longer has.
    Outdated {
        #[ts(type = "number")]
        bytes: u64,
        downloaded_at: Timestamp,
    },
}

#[derive(Debug, Clone, PartialEq, Serialize, TS)]
pub struct ContentItem {
    pub content: Content,
    pub offline: Offline,
}

/// How far a download has come (the `media-progress` event).
#[derive(Debug, Clone, Copy, PartialEq, Serialize, TS)]
pub struct MediaProgress {
    pub content_id: ContentId,
    #[ts(type = "number")]
    pub received: u64,
    /// None when the server did not say.
    #[ts(type = "number | null")]
    pub total: Option<u64>,
}

/// Downloaded media, as the window opens it.
#[derive(Debug, Clone, PartialEq, Serialize, TS)]
#[serde(tag = "kind", rename_all = "snake_case")]
pub enum OpenedMedia {
    /// Text and quizzes, shown as they are.
    Text { text: String },
    /// Audio and video: the window asks for the file's bytes (`media_bytes`) and plays
    /// them from a blob. WebKitGTK hands a custom scheme's address straight to GStreamer,
    /// which cannot read it, so an app-served address does not play on Linux.
    File { content_type: String },
}

/// A content item as the form sends it: raw text where a person types.
#[derive(Debug, Clone, Deserialize, TS)]
pub struct ContentInput {
    /// None for new content.
    pub id: Option<ContentId>,
    pub content_type: ContentType,
    pub title: String,
    pub description: String,
    pub media_url: String,
    /// None: no license named.
    pub license_type: Option<LicenseType>,
}

/// A media address must be one the app can fetch: a file this organization's server
/// serves (`/v1/media/NAME`), or an http or https address.
fn media_url(raw: &str) -> Result<Option<String>, InvalidValue> {
    let Some(url) = optional_text(raw) else { return Ok(None) };
    if let Some(name) = url.strip_prefix(MEDIA_PATH) {
        return if media::valid_name(name) {
            Ok(Some(url))
        } else {
            Err(InvalidValue::NotServerFile { value: url.to_owned(), media_path: MEDIA_PATH.to_owned() })
        };
    }
    let rest = url
        .strip_prefix("https://")
        .or_else(|| url.strip_prefix("http://"))
        .ok_or_else(|| InvalidValue::NotMediaAddress { media_path: MEDIA_PATH.to_owned() })?;
    let host = rest.split(['/', '?', '#']).next().unwrap_or_default();
    if host.is_empty() || url.chars().any(char::is_whitespace) {
        return Err(InvalidValue::NotWebAddress { value: url.to_owned() });
    }
    Ok(Some(url))
}

impl Service {
    /// The content library, by title, with whether each item's media is on this device.
    pub fn content_library(&self) -> Result<Vec<ContentItem>, AppError> {
        let mut items = self.store.list_all::<Content>(&[])?;
        items.sort_by_cached_key(|c| c.title.as_ref().map(|t| t.as_str().to_lowercase()));
        items.into_iter().map(|content| self.content_item(content)).collect()
    }

    fn content_item(&self, content: Content) -> Result<ContentItem, AppError> {
        let offline = match (&content.media_url, self.store.download_of(content.id)?) {
            (None, _) => Offline::NoMedia,
            (Some(_), None) => Offline::NotDownloaded,
            (Some(url), Some(download)) => {
                let (bytes, downloaded_at) = (download.bytes, download.downloaded_at);
                if *url == download.media_url && self.store.media_file(&download).exists() {
                    Offline::Downloaded { bytes, downloaded_at }
                } else {
                    Offline::Outdated { bytes, downloaded_at }
                }
            }
        };
        Ok(ContentItem { content, offline })
    }

    pub fn save_content(&self, input: ContentInput) -> Result<ContentId, AppError> {
        self.require_write(EntityKind::Content)?;
        let mut problems = Vec::new();
        let title = Name::parse(&input.title).map_err(|e| problems.push(e.in_field("title"))).ok();
        let url = media_url(&input.media_url).map_err(|e| problems.push(e.in_field("media_url"))).ok().flatten();
        let Some(title) = title.filter(|_| problems.is_empty()) else { return Err(AppError::invalid(problems)) };
        let organization_id = self.organization_id()?;
        let now = self.store.now();
        let mut content = Content {
            id: input.id.unwrap_or_default(),
            organization_id,
            content_type: input.content_type,
            title: Some(title),
            description: optional_text(&input.description),
            media_url: url,
            license_type: input.license_type,
            created_at: now,
            updated_at: now,
            source: Source::default(),
        };
        match input.id {
            None => self.store.create(&content)?,
            Some(id) => {
                let stored = self.editable::<Content>(RowKey::of(id))?;
                content.created_at = stored.created_at;
                content.source = stored.source;
                self.store.update(&content)?;
            }
        }
        Ok(content.id)
    }

    /// Downloads a content item's media into the media folder: to a temporary file
    /// first, renamed when complete, so a cut download never passes for a whole one.
    pub async fn download_media(
        self: &Arc<Self>,
        id: ContentId,
        mut progress: impl FnMut(MediaProgress),
    ) -> Result<ContentItem, AppError> {
        let (url, folder, client) = self
            .blocking(move |service| {
                let content = service.existing::<Content>(RowKey::of(id))?;
                let url = content
                    .media_url
                    .clone()
                    .ok_or_else(|| AppError::invalid(vec![ValidationError::new("media_url", InvalidValue::NoMedia)]))?;
                Ok((url, service.store.media_dir(), service.signed_in_client()?))
            })
            .await?;
        let extension =
            url.rsplit('/').next().and_then(|name| name.rsplit_once('.')).map(|(_, ext)| ext).unwrap_or("bin");
        let extension: String = extension.chars().filter(char::is_ascii_alphanumeric).take(8).collect();
        let file_name = format!("{id}.{extension}");
        let partial = folder.join(format!("{file_name}.part"));
        // The file is written on the blocking pool as the chunks arrive.
        let (chunks, arriving) = std::sync::mpsc::channel::<Vec<u8>>();
        let writer = tokio::task::spawn_blocking({
            let (folder, partial) = (folder.clone(), partial.clone());
            move || write_download(&folder, &partial, arriving)
        });
        let downloaded = client
            .download(
                &url,
                |chunk| chunks.send(chunk.to_vec()).map_err(|_| std::io::Error::other("the file writer stopped")),
                |received, total| progress(MediaProgress { content_id: id, received, total }),
            )
            .await;
        drop(chunks);
        let written = writer.await?;
        let bytes = match (downloaded, written) {
            (Ok(bytes), Ok(())) => bytes,
            (downloaded, written) => {
                let _ = tokio::task::spawn_blocking(move || std::fs::remove_file(&partial)).await;
                return Err(match (downloaded, written) {
                    // The writer's own failure says more than the "writer stopped" it caused.
                    (_, Err(failed)) => failed,
                    (Err(ClientError::Server { status: 404, .. }), _) => {
                        AppError::new(ErrorCode::DownloadFailed, format!("the server has no file at {url}"))
                    }
                    (Err(ClientError::Write(e)), _) => AppError::new(ErrorCode::DownloadFailed, e.to_string()),
                    (Err(other), _) => other.into(),
                    (Ok(_), Ok(())) => unreachable!("a complete download is taken above"),
                });
            }
        };
        self.blocking(move |service| {
            std::fs::rename(&partial, folder.join(&file_name))
                .map_err(|e| AppError::new(ErrorCode::DownloadFailed, format!("{}: {e}", partial.display())))?;
            service.store.record_download(id, &url, &file_name, bytes)?;
            service.content_item(service.existing::<Content>(RowKey::of(id))?)
        })
        .await
    }

    /// Opens downloaded media: text and quizzes as their text, the rest by the address
    /// the app serves the file at. Needs no network.
    pub fn open_media(&self, id: ContentId) -> Result<OpenedMedia, AppError> {
        let content = self.existing::<Content>(RowKey::of(id))?;
        let (path, _) = self.media_path(id)?;
        match content.content_type {
            ContentType::Text | ContentType::Quiz => {
                let bytes = std::fs::read(&path)
                    .map_err(|e| AppError::new(ErrorCode::NotFound, format!("{}: {e}", path.display())))?;
                Ok(OpenedMedia::Text { text: String::from_utf8_lossy(&bytes).into_owned() })
            }
            ContentType::Video | ContentType::Audio => {
                let (_, content_type) = self.media_path(id)?;
                Ok(OpenedMedia::File { content_type: content_type.to_owned() })
            }
        }
    }

    /// The bytes of a content item's downloaded media, read from this device.
    pub fn media_bytes(&self, id: ContentId) -> Result<Vec<u8>, AppError> {
        let (path, _) = self.media_path(id)?;
        std::fs::read(&path).map_err(|e| AppError::new(ErrorCode::NotFound, format!("{}: {e}", path.display())))
    }

    /// The file of a content item's downloaded media and its type.
    pub fn media_path(&self, id: ContentId) -> Result<(std::path::PathBuf, &'static str), AppError> {
        let download = self
            .store
            .download_of(id)?
            .ok_or_else(|| AppError::new(ErrorCode::NotFound, "this media is not downloaded on this device"))?;
        let path = self.store.media_file(&download);
        let kind = media::content_type_of(&download.file_name);
        Ok((path, kind))
    }
}

/// Writes the chunks of a download to `partial`, in `folder`, until the sender goes, and
/// makes them durable.
fn write_download(
    folder: &std::path::Path,
    partial: &std::path::Path,
    chunks: std::sync::mpsc::Receiver<Vec<u8>>,
) -> Result<(), AppError> {
    let failed = |e: std::io::Error, path: &std::path::Path| {
        AppError::new(ErrorCode::DownloadFailed, format!("{}: {e}", path.display()))
    };
    std::fs::create_dir_all(folder).map_err(|e| failed(e, folder))?;
    let mut file = std::fs::File::create(partial).map_err(|e| failed(e, partial))?;
    for chunk in chunks {
        file.write_all(&chunk).map_err(|e| failed(e, partial))?;
    }
    file.sync_all().map_err(|e| failed(e, partial))
}

//! Recently served pull pages, so devices that ask for the same page get it without
//! another query, and their compressed answers, so it is compressed once. When an organization publishes a lot at once, all its devices pull
//! the same pages from the same cursors.
//!
//! A page is named by what decides its content: organization, cursor, limit, which
//! tombstones are left out, the organization's head when the request began, and its
//! layout. Every committed write moves the head (versions come from the counter in the
//! writing transaction), so a newer head names other pages and nothing needs invalidating.
//! Two requests that saw the same head may still have read their pages a moment apart,
//! one seeing a write committed in between; either page is a correct answer (versions
//! become visible in order, so neither has a gap), and the older one ends at a cursor
//! below every row it lacks, which the device's next pull brings.

use axum::body::Bytes;
use std::future::Future;
use std::io::Write as _;
use std::sync::Arc;
use std::time::Duration;
use stride_domain::api::PageLayout;
use uuid::Uuid;

/// The bytes of page JSON kept: a page is at most a few hundred kB, so this is about a
/// hundred pages of the largest kind, or thousands of small ones.
const CAPACITY_BYTES: u64 = 64 * 1024 * 1024;

#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub struct PageKey {
    pub organization: Uuid,
    pub cursor: i64,
    pub limit: i64,
    pub skip_tombstones_through: i64,
    pub head: i64,
    pub layout: PageLayout,
}

/// A page's rows as JSON text, how many, and the last one's version.
#[derive(Debug)]
pub struct CachedPage {
    pub rows: String,
    pub count: i64,
    pub last_version: i64,
}

/// How long a page's answer, compressed, is kept: it carries the server's time when it
/// was made, which a device only takes as a lower bound on the server's clock.
const BODY_TTL: Duration = Duration::from_secs(10);

/// How a page's answer goes over the wire: compressed as the rest of the API's answers
/// are (tower-http's defaults: zstd at level 3, gzip at level 6), or not at all.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum Encoding {
    Zstd,
    Gzip,
    Identity,
}

impl Encoding {
    /// The best one an `Accept-Encoding` header takes: zstd, then gzip, then none.
    pub fn accepted(header: Option<&str>) -> Self {
        let takes = |wanted: &str| {
            header.unwrap_or_default().split(',').any(|offer| {
                let mut parts = offer.split(';').map(str::trim);
                let named = parts.next().is_some_and(|name| name.eq_ignore_ascii_case(wanted));
                let refused = parts.any(|param| {
                    param.strip_prefix("q=").and_then(|q| q.trim().parse::<f32>().ok()).is_some_and(|q| q <= 0.0)
                });
                named && !refused
            })
        };
        if takes("zstd") {
            Encoding::Zstd
        } else if takes("gzip") {
            Encoding::Gzip
        } else {
            Encoding::Identity
        }
    }

    /// Its `Content-Encoding`, none for the body as it is.
    pub fn header_value(self) -> Option<&'static str> {
        match self {
            Encoding::Zstd => Some("zstd"),
            Encoding::Gzip => Some("gzip"),
            Encoding::Identity => None,
        }
    }

    fn encode(self, body: String) -> std::io::Result<Bytes> {
        match self {
            Encoding::Zstd => zstd::bulk::compress(body.as_bytes(), zstd::DEFAULT_COMPRESSION_LEVEL).map(Bytes::from),
            Encoding::Gzip => {
                let mut encoder = flate2::write::GzEncoder::new(Vec::new(), flate2::Compression::default());
                encoder.write_all(body.as_bytes())?;
                encoder.finish().map(Bytes::from)
            }
            Encoding::Identity => Ok(Bytes::from(body)),
        }
    }
}

/// The pages, bounded by their bytes (moka: evicts what is least likely to be asked
/// again, and runs one read for every request that misses the same page at once), and
/// their answers as they went out, compressed once for all the devices that ask for
/// the same page in the same encoding within [`BODY_TTL`]: at a thousand devices
/// catching up together, compressing each answer again was most of a pull's work.
pub struct PageCache {
    pages: moka::future::Cache<PageKey, Arc<CachedPage>>,
    bodies: moka::future::Cache<(PageKey, Encoding), Bytes>,
}

impl Default for PageCache {
    fn default() -> Self {
        Self::holding(CAPACITY_BYTES)
    }
}

impl PageCache {
    /// A cache of at most `bytes` of page JSON.
    pub fn holding(bytes: u64) -> Self {
        let pages = moka::future::Cache::builder()
            .max_capacity(bytes)
            .weigher(|_, page: &Arc<CachedPage>| u32::try_from(page.rows.len()).unwrap_or(u32::MAX))
            .build();
        let bodies = moka::future::Cache::builder()
            .max_capacity(bytes)
            .time_to_live(BODY_TTL)
            .weigher(|_, body: &Bytes| u32::try_from(body.len()).unwrap_or(u32::MAX))
            .build();
        Self { pages, bodies }
    }

    /// The answer for the page named `key` in `encoding`: kept, or `body` made and
    /// compressed (on the blocking pool), once however many requests ask for it at once.
    pub async fn answer(
        &self,
        key: PageKey,
        encoding: Encoding,
        body: impl FnOnce() -> String,
    ) -> Result<Bytes, Arc<std::io::Error>> {
        self.bodies
            .try_get_with((key, encoding), async move {
                let body = body();
                tokio::task::spawn_blocking(move || encoding.encode(body)).await.map_err(std::io::Error::other)?
            })
            .await
    }

    /// The page named `key`: kept, or read by `read` (once, however many requests ask
    /// for it while it is read; a failed read is not kept, and every waiter gets its
    /// error).
    pub async fn get_or_read<E: Send + Sync + 'static>(
        &self,
        key: PageKey,
        read: impl Future<Output = Result<CachedPage, E>>,
    ) -> Result<Arc<CachedPage>, Arc<E>> {
        self.pages.try_get_with(key, async { read.await.map(Arc::new) }).await
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use std::sync::atomic::{AtomicUsize, Ordering};

    fn key(cursor: i64) -> PageKey {
        PageKey {
            organization: Uuid::nil(),
            cursor,
            limit: 10,
            skip_tombstones_through: -1,
            head: 7,
            layout: PageLayout::Rows,
        }
    }

    fn page(bytes: usize, last_version: i64) -> CachedPage {
        CachedPage { rows: "x".repeat(bytes), count: 1, last_version }
    }

    #[tokio::test]
    async fn many_requests_for_one_page_read_it_once() {
        let cache = Arc::new(PageCache::default());
        let reads = Arc::new(AtomicUsize::new(0));
        let requests: Vec<_> = (0..20)
            .map(|_| {
                let (cache, reads) = (cache.clone(), reads.clone());
                tokio::spawn(async move {
                    let read = async {
                        reads.fetch_add(1, Ordering::SeqCst);
                        // The others ask while this read is under way.
                        tokio::task::yield_now().await;
                        Ok::<_, std::convert::Infallible>(page(10, 5))
                    };
                    cache.get_or_read(key(5), read).await.map(|page| page.last_version)
                })
            })
            .collect();
        for request in requests {
            assert_eq!(request.await.unwrap().ok(), Some(5));
        }
        assert_eq!(reads.load(Ordering::SeqCst), 1);
        let another_head = PageKey { head: 8, ..key(5) };
        let read = async { Ok::<_, std::convert::Infallible>(page(10, 6)) };
        assert_eq!(
            cache.get_or_read(another_head, read).await.unwrap().last_version,
            6,
            "another head is another page"
        );
    }

    #[test]
    fn an_answer_is_compressed_as_the_device_takes_best() {
        assert_eq!(Encoding::accepted(Some("gzip, zstd")), Encoding::Zstd);
        assert_eq!(Encoding::accepted(Some("gzip, deflate, br")), Encoding::Gzip);
        assert_eq!(Encoding::accepted(Some("zstd;q=0, GZIP;q=0.5")), Encoding::Gzip);
        assert_eq!(Encoding::accepted(Some("zstd; q=0.0, gzip;q=0")), Encoding::Identity);
        assert_eq!(Encoding::accepted(Some("identity")), Encoding::Identity);
        assert_eq!(Encoding::accepted(None), Encoding::Identity);
    }

    #[tokio::test]
    async fn one_answer_is_made_for_every_request_of_a_page_in_an_encoding() {
        let cache = PageCache::default();
        let made = AtomicUsize::new(0);
        let body = || {
            made.fetch_add(1, Ordering::SeqCst);
            r#"{"rows":[]}"#.repeat(100)
        };
        let first = cache.answer(key(3), Encoding::Zstd, body).await.unwrap();
        let again = cache.answer(key(3), Encoding::Zstd, body).await.unwrap();
        assert_eq!(first, again);
        assert_eq!(zstd::bulk::decompress(&first, 1 << 20).unwrap(), r#"{"rows":[]}"#.repeat(100).into_bytes());
        let plain = cache.answer(key(3), Encoding::Identity, body).await.unwrap();
        assert_eq!(plain, r#"{"rows":[]}"#.repeat(100).as_bytes());
        assert_eq!(made.load(Ordering::SeqCst), 2, "once per encoding");
    }

    #[tokio::test]
    async fn a_failed_read_is_not_kept() {
        let cache = PageCache::default();
        let failed = cache.get_or_read(key(1), async { Err::<CachedPage, _>("database gone") }).await;
        assert_eq!(failed.unwrap_err().as_ref(), &"database gone");
        let read = cache.get_or_read(key(1), async { Ok::<_, &str>(page(1, 1)) }).await;
        assert_eq!(read.unwrap().last_version, 1);
    }

    #[tokio::test]
    async fn keeps_no_more_bytes_than_its_bound() {
        let cache = PageCache::holding(1_000);
        for cursor in 0..10 {
            cache.get_or_read(key(cursor), async { Ok::<_, ()>(page(400, cursor)) }).await.unwrap();
        }
        cache.pages.run_pending_tasks().await;
        assert!(cache.pages.weighted_size() <= 1_000, "{} bytes kept", cache.pages.weighted_size());
        assert!(cache.pages.entry_count() >= 1, "the bound still keeps what fits");
    }
}

//! Recently served pull pages, so devices that ask for the same page get it without
//! another query. When an organization publishes a lot at once, all its devices pull
//! the same pages from the same cursors.
//!
//! A page is named by what decides its content: organization, cursor, limit, which
//! tombstones are left out, and the organization's head when the request began. Every
//! committed write moves the head (versions come from the counter in the writing
//! transaction), so a newer head names other pages and nothing needs invalidating.
//! Two requests that saw the same head may still have read their pages a moment apart,
//! one seeing a write committed in between; either page is a correct answer (versions
//! become visible in order, so neither has a gap), and the older one ends at a cursor
//! below every row it lacks, which the device's next pull brings.

use std::future::Future;
use std::sync::Arc;
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
}

/// A page's rows as JSON text, how many, and the last one's version.
#[derive(Debug)]
pub struct CachedPage {
    pub rows: String,
    pub count: i64,
    pub last_version: i64,
}

/// The pages, bounded by their bytes (moka: evicts what is least likely to be asked
/// again, and runs one read for every request that misses the same page at once).
pub struct PageCache {
    pages: moka::future::Cache<PageKey, Arc<CachedPage>>,
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
        Self { pages }
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
        PageKey { organization: Uuid::nil(), cursor, limit: 10, skip_tombstones_through: -1, head: 7 }
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

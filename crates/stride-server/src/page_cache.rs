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

use std::collections::VecDeque;
use std::sync::{Arc, Mutex};
use uuid::Uuid;

/// Pages kept: a page is at most a few hundred kB of JSON.
const CAPACITY: usize = 64;

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
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

#[derive(Default)]
pub struct PageCache {
    pages: Mutex<VecDeque<(PageKey, Arc<CachedPage>)>>,
}

impl PageCache {
    pub fn get(&self, key: &PageKey) -> Option<Arc<CachedPage>> {
        let pages = self.pages.lock().unwrap_or_else(|poisoned| poisoned.into_inner());
        pages.iter().find(|(k, _)| k == key).map(|(_, page)| page.clone())
    }

    pub fn put(&self, key: PageKey, page: Arc<CachedPage>) {
        let mut pages = self.pages.lock().unwrap_or_else(|poisoned| poisoned.into_inner());
        if pages.iter().any(|(k, _)| *k == key) {
            return;
        }
        if pages.len() == CAPACITY {
            pages.pop_front();
        }
        pages.push_back((key, page));
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn keeps_the_latest_pages_by_their_full_name() {
        let cache = PageCache::default();
        let key =
            |cursor| PageKey { organization: Uuid::nil(), cursor, limit: 10, skip_tombstones_through: -1, head: 7 };
        for cursor in 0..=CAPACITY as i64 {
            cache.put(key(cursor), Arc::new(CachedPage { rows: String::new(), count: 0, last_version: cursor }));
        }
        assert!(cache.get(&key(0)).is_none(), "the oldest page made room");
        assert_eq!(cache.get(&key(5)).map(|page| page.last_version), Some(5));
        assert!(cache.get(&PageKey { head: 8, ..key(5) }).is_none(), "another head is another page");
    }
}

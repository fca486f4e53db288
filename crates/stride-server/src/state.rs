//! What every request handler shares.

use crate::metrics::Metrics;
use crate::page_cache::PageCache;
use crate::push_group::PushGroups;
use sqlx::PgPool;
use std::sync::Arc;

#[derive(Clone)]
pub struct AppState {
    /// The primary: every write, and every read but pulls.
    pub pool: PgPool,
    /// Where pulls read their pages: a streaming replica of the primary when the server
    /// is given one, else the primary itself. A replica behind the primary only delays
    /// rows (a page never ends below the cursor it was asked from).
    pub reads: PgPool,
    pub pages: Arc<PageCache>,
    pub metrics: Arc<Metrics>,
    /// Each organization's pushes, written in groups (`push_group.rs`).
    pub push_groups: Arc<PushGroups>,
}

impl AppState {
    pub fn new(pool: PgPool) -> Self {
        let metrics = Arc::new(Metrics::default());
        Self {
            reads: pool.clone(),
            pool,
            pages: Arc::new(PageCache::default()),
            push_groups: Arc::new(PushGroups::new(metrics.clone())),
            metrics,
        }
    }

    /// Pulls read from `replica` (a hot standby of the primary).
    pub fn reading_pulls_from(mut self, replica: PgPool) -> Self {
        self.reads = replica;
        self
    }
}

//! What every request handler shares.

use crate::limiter::LoginLimiter;
use crate::metrics::Metrics;
use crate::page_cache::PageCache;
use crate::push_group::PushGroups;
use sqlx::PgPool;
use std::sync::Arc;

#[derive(Clone)]
pub struct AppState {
    pub pool: PgPool,
    pub login_limiter: Arc<LoginLimiter>,
    pub pages: Arc<PageCache>,
    pub metrics: Arc<Metrics>,
    /// Each organization's pushes, written in groups (`push_group.rs`).
    pub push_groups: Arc<PushGroups>,
}

impl AppState {
    pub fn new(pool: PgPool) -> Self {
        let metrics = Arc::new(Metrics::default());
        Self {
            pool,
            login_limiter: Arc::new(LoginLimiter::default()),
            pages: Arc::new(PageCache::default()),
            push_groups: Arc::new(PushGroups::new(metrics.clone())),
            metrics,
        }
    }
}

//! What every request handler shares.

use crate::limiter::LoginLimiter;
use crate::metrics::Metrics;
use crate::page_cache::PageCache;
use sqlx::PgPool;
use std::sync::Arc;

#[derive(Clone)]
pub struct AppState {
    pub pool: PgPool,
    pub login_limiter: Arc<LoginLimiter>,
    pub pages: Arc<PageCache>,
    pub metrics: Arc<Metrics>,
}

impl AppState {
    pub fn new(pool: PgPool) -> Self {
        Self {
            pool,
            login_limiter: Arc::new(LoginLimiter::default()),
            pages: Arc::new(PageCache::default()),
            metrics: Arc::new(Metrics::default()),
        }
    }
}

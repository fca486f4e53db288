//! What every request handler shares.

use crate::limiter::LoginLimiter;
use sqlx::PgPool;
use std::sync::Arc;

#[derive(Clone)]
pub struct AppState {
    pub pool: PgPool,
    pub login_limiter: Arc<LoginLimiter>,
}

impl AppState {
    pub fn new(pool: PgPool) -> Self {
        Self { pool, login_limiter: Arc::new(LoginLimiter::default()) }
    }
}

//! The app's managed state: the service, or why it could not start. Store work runs on
//! the blocking pool, never on the async runtime's workers.

use crate::error::AppError;
use crate::service::Service;
use std::sync::Arc;

pub struct AppState {
    service: Result<Arc<Service>, AppError>,
}

impl AppState {
    pub fn new(service: Result<Service, AppError>) -> Self {
        Self { service: service.map(Arc::new) }
    }

    /// Runs `work` against the service on the blocking pool.
    pub async fn run<T: Send + 'static>(
        &self,
        work: impl FnOnce(&Service) -> Result<T, AppError> + Send + 'static,
    ) -> Result<T, AppError> {
        self.service.clone()?.blocking(work).await
    }

    /// The service, for work that talks to the network (sign-in, sync).
    pub fn service(&self) -> Result<Arc<Service>, AppError> {
        self.service.clone()
    }
}

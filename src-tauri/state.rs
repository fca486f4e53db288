//! The app's managed state: the service, or why it could not start, and what opening it
//! takes, so that a person can start over when the device's data cannot be read (its key
//! is missing or wrong). Store work runs on the blocking pool, never on the async
//! runtime's workers.

use crate::error::{AppError, ErrorCode};
use crate::service::{AutomaticSignIn, DeviceStatus, Service};
use std::path::PathBuf;
use std::sync::{Arc, RwLock};
use stride_store::Store;
use stride_sync::Credentials;

/// What opening the service takes.
#[derive(Clone)]
pub struct Launch {
    pub database: PathBuf,
    pub credentials: Credentials,
    pub suggested_server_url: Option<String>,
    pub automatic_sign_in: Option<AutomaticSignIn>,
    /// How long the app stays unlocked without use.
    pub lock_after: std::time::Duration,
}

impl Launch {
    /// Opens the device's encrypted database, its key from the OS keyring.
    pub fn open(&self) -> Result<Service, AppError> {
        tracing::info!(database.path = %self.database.display(), "opening the device database");
        let keys = self.credentials.database_keys(&self.database)?;
        self.service(Store::open(&self.database, Arc::new(keys))?)
    }

    /// Sets the unreadable database aside (kept beside it) and opens a new empty one.
    fn start_over(&self) -> Result<Service, AppError> {
        let keys = self.credentials.database_keys(&self.database)?;
        let (store, aside) = Store::start_over(&self.database, Arc::new(keys))?;
        tracing::warn!(aside = %aside.display(), "started over with a new device database");
        self.service(store)
    }

    fn service(&self, store: Store) -> Result<Service, AppError> {
        Service::new(
            store,
            self.credentials.clone(),
            self.suggested_server_url.clone(),
            self.automatic_sign_in.clone(),
            self.lock_after,
        )
    }
}

/// Starts a service's background work (sync checks, reminders) once it opens.
type OnOpen = Box<dyn Fn(&Arc<Service>) + Send + Sync>;

pub struct AppState {
    launch: Launch,
    service: RwLock<Result<Arc<Service>, AppError>>,
    on_open: OnOpen,
}

impl AppState {
    pub fn new(launch: Launch, on_open: impl Fn(&Arc<Service>) + Send + Sync + 'static) -> Self {
        // A database that cannot open is shown in the window, not a crash.
        let service = launch.open().map(Arc::new);
        if let Ok(service) = &service {
            on_open(service);
        }
        Self { launch, service: RwLock::new(service), on_open: Box::new(on_open) }
    }

    /// Runs `work` against the service on the blocking pool.
    pub async fn run<T: Send + 'static>(
        &self,
        work: impl FnOnce(&Service) -> Result<T, AppError> + Send + 'static,
    ) -> Result<T, AppError> {
        self.service()?.blocking(work).await
    }

    /// The service, for work that talks to the network (sign-in, sync).
    pub fn service(&self) -> Result<Arc<Service>, AppError> {
        self.service.read().unwrap_or_else(std::sync::PoisonError::into_inner).clone()
    }

    /// A person's choice when the device's data cannot be read for want of its key: the
    /// old database is set aside, a new one opens, and the window offers sign-in to fetch
    /// the organization's data anew. Refused while the data opens: nothing readable is
    /// ever set aside.
    pub async fn start_over(&self) -> Result<DeviceStatus, AppError> {
        match self.service() {
            Err(error) if matches!(error.code, ErrorCode::DatabaseKeyMissing | ErrorCode::DatabaseKeyWrong) => {}
            _ => {
                return Err(AppError::new(
                    ErrorCode::InvalidRequest,
                    "the device's data opens with its key; only unreadable data is set aside",
                ))
            }
        }
        let launch = self.launch.clone();
        let service = Arc::new(tokio::task::spawn_blocking(move || launch.start_over()).await??);
        *self.service.write().unwrap_or_else(std::sync::PoisonError::into_inner) = Ok(Arc::clone(&service));
        (self.on_open)(&service);
        service.blocking(Service::status).await
    }
}

//! The device's sync client. It owns the conversation with the organization's server:
//! signing in (which binds the device's store to the user's organization), pushing the
//! store's outbox in device-sequence batches, and pulling the organization's changes
//! page by page until up to date, each page applied with its cursor in one transaction.
//! It depends on the domain and the store, never on Tauri.
//!
//! The device token and the database's key are kept in the OS keyring (`Credentials`); a device the server
//! calls revoked wipes its data. A failure that may pass (the network) is retried after
//! growing pauses, resuming where it stopped (`RetryPolicy`).

mod client;
mod credentials;
mod engine;
mod retry;
mod tls;

pub use client::{Client, ClientError};
pub use credentials::{CredentialError, Credentials, KeyringKeys};
pub use engine::{
    sign_in, signed_in_client, sync, sync_with_retries, Progress, Secret, SyncError, SyncReport, FIRST_SYNC_PAGE,
    PULL_PAGE, PUSH_BATCH,
};
pub use retry::RetryPolicy;
pub use tls::{use_ring_by_default, CertificateProblem, NotCertificates, Trust};

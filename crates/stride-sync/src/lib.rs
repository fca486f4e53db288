//! The device's sync client. It will own sign-in to the organization's server, the
//! device token in the OS keyring (never in SQLite, a file or a log), and the sync
//! engine: pushing the store's outbox in device-sequence batches, pulling the
//! organization's changes page by page until up to date, retries with backoff, and
//! progress events. It depends on the domain only; the app shell wires it to the store.
//!
//! Empty until issue #4: the foundation (issue #2) fixes its place in the workspace.

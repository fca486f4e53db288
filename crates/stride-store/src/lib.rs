//! The device's SQLite store. It owns the local copy of the organization's data: it
//! opens (or creates) the database, encrypted at rest (SQLCipher, its key kept by a
//! [`KeyKeeper`]: the OS keyring for the app), with WAL and foreign keys on, applies pending
//! migrations, and offers one generic repository over every entity of the registry.
//! Every write goes through one protocol (`store.rs`): its rows and their outbox entries
//! commit in one transaction, stamped with the device's hybrid logical clock; a write
//! that fails leaves neither. The window's reads use a second, read-only connection. It also answers
//! the questions the window asks of many rows at once: worker search with filters, what
//! is due today, recent activity, who is in a segment, the badges progress earns, what
//! points, challenges and leaderboards are derived from (`points.rs`), experiment assignment and the outcomes per variant, group
//! sessions written and read back whole (`sessions.rs`), a worker's well-being
//! history (`well_being.rs`), and the device's own reminder settings and snoozes
//! (`reminders.rs`).

mod activity;
mod badges;
mod codec;
mod conflicts;
mod deletes;
mod device;
mod due;
mod due_index;
mod due_judge;
mod encryption;
mod enrollments;
mod error;
mod experiments;
#[cfg(feature = "fixtures")]
pub mod fixtures;
mod marketplace;
mod media;
mod migrate;
mod orphans;
mod outbox;
mod people;
mod points;
mod reminders;
mod reports;
mod repository;
mod roster;
mod scope;
mod segments;
mod sessions;
mod settings;
mod store;
mod sync;
mod sync_runs;
mod sync_state;
mod well_being;
mod workers;

pub use activity::{Activity, ActivityKind, Counts, TouchpointLabel};
pub use badges::Awarded;
pub use conflicts::LostEdit;
pub use deletes::{ClearedField, DeletePlan};
pub use due::WorkerRecord;
pub use due_judge::{DueItem, DueList, DueQuery};
pub use encryption::{unlock, DatabaseKey, KeptInMemory, KeyKeeper};
pub use error::{KeyKeeperError, Result, StoreError};
pub use experiments::VariantOutcomes;
pub use media::MediaDownload;
pub use migrate::{apply_migrations, schema_version, DEVICE_MIGRATIONS};
pub use orphans::Orphan;
pub use outbox::{OutboxEntry, OutboxStatus};
pub use people::{PersonOnDevice, Unlock, UNLOCK_TRIES};
pub use points::ChallengeLine;
pub use reports::{ProgramFigures, TouchpointFigures};
pub use repository::{Filter, ListQuery, Writer, MAX_PAGE};
pub use roster::RosterEntry;
pub use scope::Arrivals;
pub use sessions::{SessionAttempt, SessionLine, SessionSummary};
pub use store::Store;
pub use stride_domain::Page;
pub use sync::Applied;
pub use sync_runs::{SyncRun, SyncStartedBy};
pub use sync_state::DeviceInfo;
pub use well_being::WellBeingPoint;
pub use workers::{EnrollmentFilter, WorkerSearch};

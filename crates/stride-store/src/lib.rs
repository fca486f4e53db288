//! The device's SQLite store. It owns the local copy of the organization's data: it
//! opens (or creates) the database with WAL and foreign keys on, applies pending
//! migrations, and offers one generic repository over every entity of the registry.
//! Every write and its outbox entry commit in one transaction, stamped with the
//! device's hybrid logical clock; a write that fails leaves neither. It also answers
//! the questions the window asks of many rows at once: worker search with filters, what
//! is due today, recent activity, who is in a segment, the badges progress earns and
//! each program's leaderboard, experiment assignment and the outcomes per variant.

mod activity;
mod badges;
mod codec;
mod conflicts;
mod deletes;
mod device;
mod due;
mod enrollments;
mod error;
mod experiments;
#[cfg(feature = "fixtures")]
pub mod fixtures;
mod media;
mod migrate;
mod orphans;
mod outbox;
mod repository;
mod roster;
mod segments;
mod sync;
mod sync_runs;
mod workers;

pub use activity::{Activity, ActivityKind, Counts};
pub use badges::{Awarded, LeaderboardEntry};
pub use conflicts::LostEdit;
pub use deletes::{ClearedField, DeletePlan};
pub use device::DeviceInfo;
pub use due::{DueItem, DueList, DueQuery, WorkerRecord};
pub use error::StoreError;
pub use experiments::VariantOutcomes;
pub use media::MediaDownload;
pub use migrate::{apply_migrations, schema_version, DEVICE_MIGRATIONS};
pub use orphans::Orphan;
pub use outbox::{OutboxEntry, OutboxStatus};
pub use repository::{Filter, ListQuery, Writer, MAX_PAGE};
pub use roster::RosterEntry;
pub use stride_domain::Page;
pub use sync::Applied;
pub use sync_runs::{SyncRun, SyncStartedBy};
pub use workers::{EnrollmentFilter, WorkerSearch};

use rusqlite::{Connection, OpenFlags, TransactionBehavior};
use std::path::{Path, PathBuf};
use std::sync::{Mutex, MutexGuard};
use stride_domain::{HlcClock, Timestamp};

pub type Result<T, E = StoreError> = std::result::Result<T, E>;

/// The open device database. One connection behind a lock: SQLite takes one writer at
/// a time anyway, and the lock also keeps the clock's stamps in commit order.
pub struct Store {
    path: PathBuf,
    inner: Mutex<Inner>,
}

struct Inner {
    conn: Connection,
    clock: HlcClock,
    device: DeviceInfo,
    /// How far this device's wall clock is off (zero but in simulations of bad clocks).
    clock_offset_ms: i64,
    /// Which rule segment's members `temp.segment_members` holds (`segments.rs`).
    segment_cache: Option<segments::SegmentCache>,
}

impl Inner {
    /// The time by this device's wall clock.
    fn now(&self) -> Timestamp {
        let now = Timestamp::now();
        Timestamp::from_millis(now.millis() + self.clock_offset_ms).unwrap_or(now)
    }
}

impl Store {
    /// Opens the database at `path`, creating it and its folder if needed, and brings its
    /// schema up to date.
    pub fn open(path: impl AsRef<Path>) -> Result<Self> {
        Self::open_with_clock_offset(path, 0)
    }

    /// Opens the database of a device whose wall clock runs `offset_ms` ahead (or behind,
    /// when negative): how tests and simulations model a device with a wrong clock.
    pub fn open_with_clock_offset(path: impl AsRef<Path>, offset_ms: i64) -> Result<Self> {
        let path = path.as_ref().to_path_buf();
        if let Some(folder) = path.parent() {
            std::fs::create_dir_all(folder)
                .map_err(|source| StoreError::Folder { path: folder.to_path_buf(), source })?;
        }
        let open_error = |source| StoreError::Open { path: path.clone(), source };
        let mut conn = Connection::open_with_flags(
            &path,
            OpenFlags::SQLITE_OPEN_READ_WRITE | OpenFlags::SQLITE_OPEN_CREATE | OpenFlags::SQLITE_OPEN_NO_MUTEX,
        )
        .map_err(open_error)?;
        conn.execute_batch(
            "PRAGMA journal_mode = WAL;
             PRAGMA synchronous = NORMAL;
             PRAGMA foreign_keys = ON;
             PRAGMA busy_timeout = 5000;",
        )
        .map_err(open_error)?;
        // Room for a pull's upsert per entity beside the repository's own statements.
        conn.set_prepared_statement_cache_capacity(64);
        migrate::apply_pending(&mut conn)?;
        let device = device::load_or_create(&conn)?;
        let clock = HlcClock::new(device.device_id, device.hlc_last);
        Ok(Self {
            path,
            inner: Mutex::new(Inner { conn, clock, device, clock_offset_ms: offset_ms, segment_cache: None }),
        })
    }

    pub fn path(&self) -> &Path {
        &self.path
    }

    fn lock(&self) -> MutexGuard<'_, Inner> {
        // A panic while holding the lock cannot leave a half-written transaction behind
        // (it rolls back on drop), so the connection is still sound.
        self.inner.lock().unwrap_or_else(|poisoned| poisoned.into_inner())
    }

    /// Runs `work` in one write transaction: every row it writes and every outbox entry
    /// they produce commit together, or none of them do.
    pub fn write<T>(&self, work: impl FnOnce(&mut Writer<'_>) -> Result<T>) -> Result<T> {
        let mut inner = self.lock();
        let now = inner.now();
        let Inner { conn, clock, device, .. } = &mut *inner;
        let organization_id = device.organization_id.ok_or(StoreError::NoOrganization)?;
        let tx = conn.transaction_with_behavior(TransactionBehavior::Immediate)?;
        let mut writer = Writer::new(&tx, clock, organization_id, now);
        let value = work(&mut writer)?;
        let last_stamp = writer.last_stamp();
        if let Some(stamp) = last_stamp {
            device::save_clock(&tx, stamp)?;
        }
        tx.commit().map_err(error::from_commit)?;
        if let Some(stamp) = last_stamp {
            device.hlc_last = Some(stamp);
        }
        Ok(value)
    }

    /// Runs `work` with foreign-key checks off (they cannot change inside a transaction),
    /// and turns them back on whatever `work` did.
    fn without_foreign_keys<T>(conn: &mut Connection, work: impl FnOnce(&mut Connection) -> Result<T>) -> Result<T> {
        conn.execute_batch("PRAGMA foreign_keys = OFF")?;
        let result = work(conn);
        conn.execute_batch("PRAGMA foreign_keys = ON")?;
        result
    }

    /// Runs `work` on the connection, outside any write transaction of the outbox.
    fn with_conn<T>(&self, work: impl FnOnce(&Connection) -> Result<T>) -> Result<T> {
        let inner = self.lock();
        work(&inner.conn)
    }
}

impl Store {
    /// The highest migration applied to this database.
    pub fn schema_version(&self) -> Result<i64> {
        self.with_conn(migrate::schema_version)
    }
}

//! The open device database and its one write protocol. Two connections: the writer,
//! behind a lock (SQLite takes one writer at a time, and the lock keeps the clock's stamps
//! in commit order), and a read-only reader for the window's questions. WAL lets the
//! reader see the last commit while a write is under way, so a search typed while a
//! 5,000-row page is applied does not wait for it.
//!
//! Every write runs through [`Store::transaction`]: lock, one IMMEDIATE transaction, the
//! device's time for "now", clock stamps taken through [`Tx`], the latest stamp saved with
//! the data, commit, and only then the device's state in memory moves. A write that fails
//! leaves nothing, on disk or in memory.
//!
//! The file is SQLCipher-encrypted under a random key that a [`KeyKeeper`] holds (the OS
//! keyring, for the app; `encryption.rs`).

use crate::due_index::{DueChanges, DueIndex};
use crate::encryption::{DatabaseKey, KeyKeeper};
use crate::error::{from_commit, Result, StoreError};
use crate::sync_state::{self, DeviceInfo};
use rusqlite::{Connection, OpenFlags, Transaction, TransactionBehavior};
use std::path::{Path, PathBuf};
use std::sync::{Arc, Mutex, MutexGuard};
use stride_domain::{Hlc, HlcClock, SegmentId, Timestamp, UserId};

pub struct Store {
    path: PathBuf,
    /// How far this device's wall clock is off (zero but in simulations of bad clocks).
    clock_offset_ms: i64,
    // The reader is closed before the writer (fields drop in this order): the last
    // connection to close folds the WAL into the database file, and only the writer can.
    reader: Mutex<Reader>,
    writer: Mutex<WriterConnection>,
    /// What the device knows about itself, as of the last commit: read without waiting
    /// for a write under way.
    device: Mutex<DeviceInfo>,
    /// Locked only by a wipe, which replaces the key and both connections.
    encryption: Mutex<Encryption>,
    /// What is due for every active enrollment, as it stands (`due_index.rs`). Locked
    /// before the reader, never while the writer is held.
    due_index: Mutex<DueIndex>,
    /// What commits changed of what is due since it was judged: moved here after each
    /// commit, under the writer's lock; held only for that and by an ask taking it.
    due_changes: Mutex<DueChanges>,
}

struct WriterConnection {
    conn: Connection,
    clock: HlcClock,
    /// Whether the triggers that mark changes to what is due are set (`due_index.rs`).
    watching_due: bool,
}

/// The read-only connection, with what it keeps between reads.
pub(crate) struct Reader {
    pub conn: Connection,
    /// Which rule segment's members this connection's `temp.segment_members` holds
    /// (`segments.rs`).
    pub segment_cache: Option<SegmentCache>,
}

/// One rule segment's members, judged when the database was at `data_version` (which
/// any commit by the writer moves): while nothing is written, a search that filters by
/// the segment, keystroke after keystroke, reads the table as it is.
#[derive(Debug, Clone, PartialEq, Eq)]
pub(crate) struct SegmentCache {
    pub segment: SegmentId,
    pub rule: String,
    pub data_version: i64,
}

/// How a transaction of the protocol runs.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum Mode {
    Write,
    /// With foreign-key checks off (they cannot change inside a transaction): a pulled
    /// page, whose parents may arrive after their children, and the wipe.
    WriteWithoutForeignKeys,
    /// Everything a write would do, rolled back: what a delete would take with it.
    DryRun,
}

/// One transaction of the protocol: the SQL transaction, the time it writes as "now",
/// the device's clock, and the device's state as it will be after commit.
pub(crate) struct Tx<'c> {
    pub tx: Transaction<'c>,
    pub now: Timestamp,
    /// Kept once the transaction commits, as `device` is.
    clock: HlcClock,
    latest: Option<Hlc>,
    /// Kept in memory once the transaction commits.
    pub device: DeviceInfo,
    /// The person working, read once the transaction first records a change.
    author: Option<Option<UserId>>,
}

impl Tx<'_> {
    /// The stamp for a local change now.
    pub fn tick(&mut self) -> Hlc {
        let stamp = self.clock.tick(self.now.millis());
        self.latest = Some(stamp);
        stamp
    }

    /// The person working on the device (the account signed in), whom the changes this
    /// transaction records are by; None on a device set up without a server.
    pub fn author(&mut self) -> Result<Option<UserId>> {
        if let Some(author) = self.author {
            return Ok(author);
        }
        let author = crate::settings::account_user(&self.tx)?;
        self.author = Some(author);
        Ok(author)
    }

    /// Takes in a stamp seen from elsewhere (the server's time), so later stamps order after it.
    pub fn observe(&mut self, seen: Hlc) -> Hlc {
        let stamp = self.clock.observe(seen, self.now.millis());
        self.latest = Some(stamp);
        stamp
    }

    /// After a wipe: the device has a new id, so a new clock, with nothing stamped yet.
    pub fn become_new_device(&mut self, device: DeviceInfo) {
        self.clock = HlcClock::new(device.device_id, None);
        self.latest = None;
        self.device = device;
    }
}

impl Store {
    /// Opens the encrypted database at `path`, creating it and its folder if needed (a new
    /// key kept by `keys` first), encrypting a plain one from before encryption in place,
    /// and brings its schema up to date. A file whose key `keys` lacks, or does not match,
    /// is refused with [`StoreError::KeyMissing`] or [`StoreError::KeyRejected`]: never
    /// replaced by a new empty database.
    pub fn open(path: impl AsRef<Path>, keys: Arc<dyn KeyKeeper>) -> Result<Self> {
        Self::open_with_clock_offset(path, keys, 0)
    }

    /// Opens the database of a device whose wall clock runs `offset_ms` ahead (or behind,
    /// when negative): how tests and simulations model a device with a wrong clock.
    pub fn open_with_clock_offset(path: impl AsRef<Path>, keys: Arc<dyn KeyKeeper>, offset_ms: i64) -> Result<Self> {
        let path = create_folder(path.as_ref())?;
        let key = crate::encryption::key_for(&path, keys.as_ref())?;
        let keyed = || Encryption::Keyed { keys: Arc::clone(&keys), key: key.clone() };
        match Self::connect(path.clone(), keyed(), offset_ms) {
            Err(StoreError::KeyRejected { .. }) if crate::encryption::rewrite_if_earlier_format(&path, &key)? => {
                Self::connect(path, keyed(), offset_ms)
            }
            opened => opened,
        }
    }

    /// Opens a database without encryption: what devices kept before it, made by the
    /// upgrade's tests and measured beside the encrypted one by the benchmarks. The app
    /// never opens one this way.
    pub fn open_plain(path: impl AsRef<Path>) -> Result<Self> {
        let path = create_folder(path.as_ref())?;
        Self::connect(path, Encryption::Plain, 0)
    }

    /// Moves the database at `path`, which no key opens, aside (kept, never deleted),
    /// forgets its key, and opens a new empty one in its place: a person's choice, once the
    /// window said what was lost. Answers the new store and where the old file went.
    pub fn start_over(path: impl AsRef<Path>, keys: Arc<dyn KeyKeeper>) -> Result<(Self, PathBuf)> {
        let path = create_folder(path.as_ref())?;
        #[allow(clippy::disallowed_methods)] // no store is open to ask; it only names the file set aside
        let now = Timestamp::now();
        let aside = crate::encryption::set_aside(&path, &now.to_string())?;
        keys.forget().map_err(StoreError::KeyKeeper)?;
        Ok((Self::open(&path, keys)?, aside))
    }

    fn connect(path: PathBuf, encryption: Encryption, offset_ms: i64) -> Result<Self> {
        let (conn, reader, device) = connections(&path, encryption.key())?;
        let clock = HlcClock::new(device.device_id, device.hlc_last);
        Ok(Self {
            path,
            clock_offset_ms: offset_ms,
            encryption: Mutex::new(encryption),
            reader: Mutex::new(Reader { conn: reader, segment_cache: None }),
            writer: Mutex::new(WriterConnection { conn, clock, watching_due: false }),
            device: Mutex::new(device),
            due_index: Mutex::default(),
            due_changes: Mutex::default(),
        })
    }

    /// For a wipe: keeps a new key in place of the database's (so what was written under
    /// the old one is unreadable from here on), removes the files, and opens a new empty
    /// database under the new key. None for a plain database, or when the key cannot be
    /// replaced: the wipe then erases the rows in place.
    pub(crate) fn start_afresh_under_new_key(&self) -> Result<Option<DeviceInfo>> {
        let mut encryption = lock(&self.encryption);
        let Encryption::Keyed { keys, key } = &mut *encryption else { return Ok(None) };
        let next = DatabaseKey::generate()?;
        if let Err(error) = keys.keep(&next) {
            tracing::warn!(error = %error, "the database's key could not be replaced; erasing its rows in place");
            return Ok(None);
        }
        *key = next.clone();
        let mut writer = lock(&self.writer);
        let mut reader = lock(&self.reader);
        // Both connections close (the writer last, as on drop) before the files go.
        reader.conn = Connection::open_in_memory()?;
        reader.segment_cache = None;
        writer.conn = Connection::open_in_memory()?;
        crate::encryption::remove_database_files(&self.path)?;
        let (conn, reader_conn, device) = connections(&self.path, Some(&next))?;
        writer.conn = conn;
        writer.clock = HlcClock::new(device.device_id, None);
        writer.watching_due = false;
        reader.conn = reader_conn;
        lock(&self.due_changes).forget();
        *lock(&self.device) = device.clone();
        Ok(Some(device))
    }

    pub fn path(&self) -> &Path {
        &self.path
    }

    /// What the device knows about itself.
    pub fn device(&self) -> DeviceInfo {
        lock(&self.device).clone()
    }

    /// The time by this device's wall clock: the store's one reading of the clock, which
    /// its writes and its questions about today use.
    pub fn now(&self) -> Timestamp {
        #[allow(clippy::disallowed_methods)] // the reading every other one goes through
        let now = Timestamp::now();
        Timestamp::from_millis(now.millis() + self.clock_offset_ms).unwrap_or(now)
    }

    /// Runs `work` in one transaction of the protocol: what it writes commits together
    /// with the latest clock stamp it took, or nothing does.
    pub(crate) fn transaction<T>(&self, mode: Mode, work: impl FnOnce(&mut Tx<'_>) -> Result<T>) -> Result<T> {
        let mut writer = lock(&self.writer);
        let now = self.now();
        let device = self.device();
        let WriterConnection { conn, clock, watching_due } = &mut *writer;
        let foreign_keys_off = mode == Mode::WriteWithoutForeignKeys;
        if foreign_keys_off {
            conn.execute_batch("PRAGMA foreign_keys = OFF")?;
        }
        let outcome = run(conn, clock.clone(), now, device, mode, work);
        if foreign_keys_off {
            conn.execute_batch("PRAGMA foreign_keys = ON")?;
        }
        let (value, committed) = outcome?;
        if let Some((device, moved)) = committed {
            *clock = moved;
            *lock(&self.device) = device;
            if *watching_due {
                let mut changes = lock(&self.due_changes);
                changes.take_from(conn);
                if !changes.counting() {
                    match crate::due_index::stop_watching_changes(conn) {
                        Ok(()) => *watching_due = false,
                        Err(error) => tracing::warn!(error = %error, "the triggers of what is due stay set"),
                    }
                }
            }
        }
        Ok(value)
    }

    /// Gives back the writer's page cache (SQLite's `shrink_memory`): after a first sync
    /// it holds up to `CACHE_KIB` of pages that were written once and will rarely be
    /// written again. The reader's cache, which the window's searches use, stays.
    pub fn release_write_cache(&self) -> Result<()> {
        lock(&self.writer).conn.execute_batch("PRAGMA shrink_memory")?;
        Ok(())
    }

    /// Rewrites the database file without its free pages (outside any transaction).
    pub(crate) fn vacuum(&self) -> Result<()> {
        lock(&self.writer).conn.execute_batch("VACUUM")?;
        Ok(())
    }

    /// Runs `work` on the read-only connection: it sees the last commit, never waits
    /// for a write under way.
    pub(crate) fn with_conn<T>(&self, work: impl FnOnce(&Connection) -> Result<T>) -> Result<T> {
        work(&lock(&self.reader).conn)
    }

    /// Sets the triggers that mark changes to what is due, and counts them from now on.
    /// Waits for a write under way. Never called with the writer held.
    pub(crate) fn start_counting_due_changes(&self) -> Result<()> {
        let mut writer = lock(&self.writer);
        if !writer.watching_due {
            crate::due_index::watch_changes(&writer.conn)?;
            writer.watching_due = true;
        }
        lock(&self.due_changes).start();
        Ok(())
    }

    /// What is due as it stands, locked for an ask.
    pub(crate) fn due_index(&self) -> MutexGuard<'_, DueIndex> {
        lock(&self.due_index)
    }

    /// What commits changed of what is due.
    pub(crate) fn due_changes(&self) -> MutexGuard<'_, DueChanges> {
        lock(&self.due_changes)
    }

    /// The read-only connection with what it keeps between reads.
    pub(crate) fn reader(&self) -> MutexGuard<'_, Reader> {
        lock(&self.reader)
    }

    /// Whether the database on disk is encrypted.
    pub fn is_encrypted(&self) -> bool {
        matches!(*lock(&self.encryption), Encryption::Keyed { .. })
    }

    /// The highest migration applied to this database.
    pub fn schema_version(&self) -> Result<i64> {
        self.with_conn(crate::migrate::schema_version)
    }
}

/// How the database is kept on disk.
enum Encryption {
    /// SQLCipher, under `key`, which `keys` keeps between runs.
    Keyed {
        keys: Arc<dyn KeyKeeper>,
        key: DatabaseKey,
    },
    Plain,
}

impl Encryption {
    fn key(&self) -> Option<&DatabaseKey> {
        match self {
            Encryption::Keyed { key, .. } => Some(key),
            Encryption::Plain => None,
        }
    }
}

fn create_folder(path: &Path) -> Result<PathBuf> {
    if let Some(folder) = path.parent() {
        std::fs::create_dir_all(folder).map_err(|source| StoreError::Folder { path: folder.to_path_buf(), source })?;
    }
    Ok(path.to_path_buf())
}

/// How much of the database each connection keeps decrypted in memory, in KiB. With
/// SQLite's default 2 MiB, `make bench`'s searches of 50,000 workers took 1.1 to 5 times
/// as long encrypted as plain (every page read again was decrypted again); with 32 MiB
/// they take the same (and the plain ones are faster too).
const CACHE_KIB: u32 = 32 * 1024;

/// The writer (schema brought up to date), the reader and the device's state, of the
/// database at `path`, unlocked by `key` when it is encrypted.
fn connections(path: &Path, key: Option<&DatabaseKey>) -> Result<(Connection, Connection, DeviceInfo)> {
    let open_error = |source: rusqlite::Error| match (key, source.sqlite_error_code()) {
        (Some(_), Some(rusqlite::ErrorCode::NotADatabase)) => StoreError::KeyRejected { path: path.to_path_buf() },
        _ => StoreError::Open { path: path.to_path_buf(), source },
    };
    let open = |flags| -> Result<Connection> {
        let conn = Connection::open_with_flags(path, flags | OpenFlags::SQLITE_OPEN_NO_MUTEX).map_err(open_error)?;
        if let Some(key) = key {
            crate::encryption::unlock(&conn, key).map_err(open_error)?;
        }
        // Room for a pull's upsert per entity beside the repository's own statements.
        conn.set_prepared_statement_cache_capacity(64);
        // An encrypted page is decrypted and checked each time it is read into SQLite's
        // cache (the OS caches only the ciphertext), so the cache holds more than
        // SQLite's default (`CACHE_KIB`).
        conn.execute_batch(&format!("PRAGMA cache_size = -{CACHE_KIB};")).map_err(open_error)?;
        Ok(conn)
    };
    let mut conn = open(OpenFlags::SQLITE_OPEN_READ_WRITE | OpenFlags::SQLITE_OPEN_CREATE)?;
    conn.execute_batch(
        "PRAGMA journal_mode = WAL;
         PRAGMA synchronous = NORMAL;
         PRAGMA foreign_keys = ON;
         PRAGMA busy_timeout = 5000;",
    )
    .map_err(open_error)?;
    crate::migrate::apply_pending(&mut conn)?;
    let device = sync_state::load_or_create(&conn)?;
    let reader = open(OpenFlags::SQLITE_OPEN_READ_ONLY)?;
    reader.execute_batch("PRAGMA busy_timeout = 5000;").map_err(open_error)?;
    Ok((conn, reader, device))
}

/// What `work` returned, and the device's state and clock after commit (none after a dry run).
type Committed<T> = (T, Option<(DeviceInfo, HlcClock)>);

fn run<T>(
    conn: &mut Connection,
    clock: HlcClock,
    now: Timestamp,
    device: DeviceInfo,
    mode: Mode,
    work: impl FnOnce(&mut Tx<'_>) -> Result<T>,
) -> Result<Committed<T>> {
    let behavior = if mode == Mode::DryRun { TransactionBehavior::Deferred } else { TransactionBehavior::Immediate };
    #[allow(clippy::disallowed_methods)] // the protocol itself
    let tx = conn.transaction_with_behavior(behavior)?;
    let mut t = Tx { tx, now, clock, latest: None, device, author: None };
    let value = work(&mut t)?;
    let Tx { tx, latest, mut device, clock, .. } = t;
    if mode == Mode::DryRun {
        tx.rollback()?;
        return Ok((value, None));
    }
    if let Some(stamp) = latest {
        sync_state::save_clock(&tx, stamp)?;
        device.hlc_last = Some(stamp);
    }
    tx.commit().map_err(from_commit)?;
    Ok((value, Some((device, clock))))
}

/// A panic while a lock is held cannot leave a half-written transaction behind (it
/// rolls back on drop), so what the lock guards is still sound.
fn lock<T>(mutex: &Mutex<T>) -> MutexGuard<'_, T> {
    mutex.lock().unwrap_or_else(|poisoned| poisoned.into_inner())
}

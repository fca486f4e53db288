//! The device database encrypted at rest (SQLCipher): the database's key, the keeper
//! that holds it between runs, what a file on disk is (absent, plain SQLite from before
//! encryption, or encrypted), the upgrade of a plain file in place, and setting aside a
//! file no key opens.

use crate::error::{KeyKeeperError, Result, StoreError};
use rusqlite::Connection;
use std::fmt;
use std::io::Read;
use std::path::{Path, PathBuf};
use std::sync::Mutex;

/// `N` bytes from the operating system's randomness (keys, salts).
pub(crate) fn random_bytes<const N: usize>() -> Result<[u8; N]> {
    let mut bytes = [0u8; N];
    getrandom::fill(&mut bytes).map_err(|error| StoreError::NoRandomness(error.to_string()))?;
    Ok(bytes)
}

/// A database's 256-bit key, random, given to SQLCipher as raw bytes: it is never typed by
/// a person, so no passphrase derivation is needed (and opening costs no PBKDF2 rounds).
#[derive(Clone, PartialEq, Eq)]
pub struct DatabaseKey([u8; 32]);

impl DatabaseKey {
    /// A new key from the operating system's randomness.
    pub fn generate() -> Result<Self> {
        Ok(Self(random_bytes()?))
    }

    /// The key as 64 hexadecimal digits (how a keyring keeps it).
    pub fn to_hex(&self) -> String {
        self.0.iter().map(|byte| format!("{byte:02x}")).collect()
    }

    /// A key written by [`DatabaseKey::to_hex`]; None for anything else.
    pub fn from_hex(text: &str) -> Option<Self> {
        let text = text.trim();
        if text.len() != 64 || !text.is_ascii() {
            return None;
        }
        let mut bytes = [0u8; 32];
        for (index, byte) in bytes.iter_mut().enumerate() {
            *byte = u8::from_str_radix(&text[index * 2..index * 2 + 2], 16).ok()?;
        }
        Some(Self(bytes))
    }

    /// SQLCipher's raw-key literal: `x'…'`, which skips the key derivation.
    fn literal(&self) -> String {
        format!("x'{}'", self.to_hex())
    }
}

/// Never printed: a key in a log line would undo the encryption.
impl fmt::Debug for DatabaseKey {
    fn fmt(&self, formatter: &mut fmt::Formatter<'_>) -> fmt::Result {
        formatter.write_str("DatabaseKey(…)")
    }
}

/// Where a database's key is kept between runs: the OS keyring, for the app
/// (`stride_sync::Credentials::database_keys`). The store asks for the key at open, keeps a
/// new one when it creates or upgrades a database, and replaces it when a revoked
/// device's wipe starts over, so what was written under the old key cannot be read again.
pub trait KeyKeeper: Send + Sync {
    /// The key kept for this database, if any.
    fn load(&self) -> std::result::Result<Option<DatabaseKey>, KeyKeeperError>;
    /// Keeps `key`, in place of any key kept before (which is then gone).
    fn keep(&self, key: &DatabaseKey) -> std::result::Result<(), KeyKeeperError>;
    /// Forgets the key; forgetting one that is not there is fine.
    fn forget(&self) -> std::result::Result<(), KeyKeeperError>;
}

/// A key kept in this process's memory by whoever opens the store: tests, benchmarks,
/// and tools that hold the key themselves. It is gone when the process ends.
#[derive(Debug, Default)]
pub struct KeptInMemory(Mutex<Option<DatabaseKey>>);

impl KeptInMemory {
    pub fn new() -> Self {
        Self::default()
    }

    /// The key kept now (to open the same file again, or a copy of it).
    pub fn key(&self) -> Option<DatabaseKey> {
        self.0.lock().unwrap_or_else(std::sync::PoisonError::into_inner).clone()
    }
}

impl KeyKeeper for KeptInMemory {
    fn load(&self) -> std::result::Result<Option<DatabaseKey>, KeyKeeperError> {
        Ok(self.key())
    }
    fn keep(&self, key: &DatabaseKey) -> std::result::Result<(), KeyKeeperError> {
        *self.0.lock().unwrap_or_else(std::sync::PoisonError::into_inner) = Some(key.clone());
        Ok(())
    }
    fn forget(&self) -> std::result::Result<(), KeyKeeperError> {
        *self.0.lock().unwrap_or_else(std::sync::PoisonError::into_inner) = None;
        Ok(())
    }
}

/// How a database's pages are encrypted and authenticated. Every page is AES-256-CBC
/// with an HMAC; `Current` takes HMAC-SHA256 in place of SQLCipher 4's default SHA-512:
/// the same strength of tag, and on processors with SHA instructions (AMD since Zen, Intel
/// since Ice Lake) three times as fast, which is most of what encryption cost a first
/// sync (`make bench`). `Sqlcipher4Defaults` is how databases were written before; one
/// is rewritten in the current format when its key is refused at open
/// (`rewrite_if_earlier_format`).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum PageFormat {
    Current,
    Sqlcipher4Defaults,
}

impl PageFormat {
    /// The settings to give a connection (or an attached schema) after its key.
    fn settings(self, schema: &str) -> String {
        match self {
            PageFormat::Current => format!("PRAGMA {schema}.cipher_hmac_algorithm = HMAC_SHA256;"),
            PageFormat::Sqlcipher4Defaults => String::new(),
        }
    }
}

/// Gives a connection its database's key and page format: the first statements on it,
/// before anything reads a page. A wrong key shows at the first read, as SQLite's "not a
/// database".
pub fn unlock(conn: &Connection, key: &DatabaseKey) -> rusqlite::Result<()> {
    unlock_as(conn, key, PageFormat::Current)
}

fn unlock_as(conn: &Connection, key: &DatabaseKey, format: PageFormat) -> rusqlite::Result<()> {
    conn.pragma_update(None, "key", key.literal())?;
    conn.execute_batch(&format.settings("main"))
}

/// For a database `key` did not open: when the key opens it in the earlier page format,
/// rewrites it in the current one under the same key and answers true; false when the
/// key opens it in neither (a wrong key, which the store refuses as `KeyRejected`).
pub(crate) fn rewrite_if_earlier_format(path: &Path, key: &DatabaseKey) -> Result<bool> {
    let earlier = PageFormat::Sqlcipher4Defaults;
    if !opens_as(path, key, earlier)? {
        return Ok(false);
    }
    encrypt_in_place(path, Before::Encrypted(key, earlier), key)?;
    Ok(true)
}

/// Whether `key` reads the encrypted database at `path` written in `format` (opened for
/// writing, as a WAL database without its shared-memory file cannot be read otherwise;
/// nothing is written).
fn opens_as(path: &Path, key: &DatabaseKey, format: PageFormat) -> Result<bool> {
    let conn = Connection::open_with_flags(path, rusqlite::OpenFlags::SQLITE_OPEN_READ_WRITE)
        .map_err(|source| StoreError::Open { path: path.to_path_buf(), source })?;
    unlock_as(&conn, key, format).map_err(|source| StoreError::Open { path: path.to_path_buf(), source })?;
    match conn.query_row("SELECT count(*) FROM sqlite_master", [], |_| Ok(())) {
        Ok(()) => Ok(true),
        Err(error) if error.sqlite_error_code() == Some(rusqlite::ErrorCode::NotADatabase) => Ok(false),
        Err(source) => Err(StoreError::Open { path: path.to_path_buf(), source }),
    }
}

/// What a database file on disk is, judged from its first 16 bytes: plain SQLite files
/// start with a fixed header, SQLCipher's with random salt.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum OnDisk {
    Absent,
    Plain,
    Encrypted,
}

const PLAIN_HEADER: &[u8; 16] = b"SQLite format 3\0";

pub(crate) fn probe(path: &Path) -> Result<OnDisk> {
    let io_error = |source| StoreError::File { path: path.to_path_buf(), source };
    let mut file = match std::fs::File::open(path) {
        Ok(file) => file,
        Err(error) if error.kind() == std::io::ErrorKind::NotFound => return Ok(OnDisk::Absent),
        Err(error) => return Err(io_error(error)),
    };
    let mut header = Vec::with_capacity(16);
    file.by_ref().take(16).read_to_end(&mut header).map_err(io_error)?;
    Ok(match header.as_slice() {
        [] => OnDisk::Absent,
        bytes if bytes == PLAIN_HEADER => OnDisk::Plain,
        _ => OnDisk::Encrypted,
    })
}

/// The key for the database at `path`, creating or upgrading what is there: a new
/// database gets a new key, kept before anything is written under it; a plain database
/// from before encryption is encrypted in place, outbox and all; an encrypted one needs
/// the key it was written under.
pub(crate) fn key_for(path: &Path, keys: &dyn KeyKeeper) -> Result<DatabaseKey> {
    let kept = keys.load().map_err(StoreError::KeyKeeper)?;
    let new_key = || -> Result<DatabaseKey> {
        let key = DatabaseKey::generate()?;
        keys.keep(&key).map_err(StoreError::KeyKeeper)?;
        Ok(key)
    };
    match (probe(path)?, kept) {
        // A key kept for a file since removed serves the new one as well.
        (OnDisk::Absent, Some(key)) => Ok(key),
        (OnDisk::Absent, None) => new_key(),
        // Kept first, so a stop halfway leaves a plain file and its key: the next open
        // encrypts again.
        (OnDisk::Plain, kept) => {
            let key = match kept {
                Some(key) => key,
                None => new_key()?,
            };
            encrypt_in_place(path, Before::Plain, &key)?;
            Ok(key)
        }
        // One the key does not open may be in the earlier page format: the store asks
        // (`rewrite_if_earlier_format`) only then, so a usual open reads nothing twice.
        (OnDisk::Encrypted, Some(key)) => Ok(key),
        (OnDisk::Encrypted, None) => Err(StoreError::KeyMissing { path: path.to_path_buf() }),
    }
}

/// What a database was before [`encrypt_in_place`] rewrites it.
#[derive(Debug, Clone, Copy)]
pub(crate) enum Before<'a> {
    /// Plain SQLite, from before encryption.
    Plain,
    /// Encrypted under this key, in this (earlier) page format.
    Encrypted(&'a DatabaseKey, PageFormat),
}

/// Rewrites a database as one encrypted under `key` in the current page format:
/// everything is copied (`sqlcipher_export`) into a new file beside it, which then takes
/// the old one's place in one rename, so a stop at any point leaves either the old file or
/// the new one, whole.
pub(crate) fn encrypt_in_place(path: &Path, before: Before<'_>, key: &DatabaseKey) -> Result<()> {
    let upgrade_error = |source| StoreError::Encrypt { path: path.to_path_buf(), source };
    let file_error = |source| StoreError::File { path: path.to_path_buf(), source };
    let encrypting = sibling(path, ".encrypting");
    remove_if_present(&encrypting).map_err(file_error)?;
    {
        let old = Connection::open(path).map_err(upgrade_error)?;
        if let Before::Encrypted(old_key, format) = before {
            unlock_as(&old, old_key, format).map_err(upgrade_error)?;
        }
        // Everything the WAL holds goes into the main file first, so the copy has it.
        old.execute_batch("PRAGMA wal_checkpoint(TRUNCATE);").map_err(upgrade_error)?;
        old.execute("ATTACH DATABASE ?1 AS encrypted KEY ?2", (encrypting.to_string_lossy(), key.literal()))
            .map_err(upgrade_error)?;
        old.execute_batch(&PageFormat::Current.settings("encrypted")).map_err(upgrade_error)?;
        old.query_row("SELECT sqlcipher_export('encrypted')", [], |_| Ok(())).map_err(upgrade_error)?;
        let version: i64 = old.query_row("PRAGMA user_version", [], |row| row.get(0)).map_err(upgrade_error)?;
        old.pragma_update(Some("encrypted"), "user_version", version).map_err(upgrade_error)?;
        old.execute_batch("DETACH DATABASE encrypted;").map_err(upgrade_error)?;
        old.close().map_err(|(_, error)| upgrade_error(error))?;
    }
    std::fs::File::open(&encrypting).and_then(|file| file.sync_all()).map_err(file_error)?;
    for suffix in ["-wal", "-shm"] {
        remove_if_present(&sibling(path, suffix)).map_err(file_error)?;
    }
    std::fs::rename(&encrypting, path).map_err(file_error)?;
    if let Some(folder) = path.parent() {
        std::fs::File::open(folder).and_then(|folder| folder.sync_all()).map_err(file_error)?;
    }
    tracing::info!(database.path = %path.display(), before = ?before, "the device database was rewritten encrypted in the current format");
    Ok(())
}

/// Moves a database no key opens out of the way, beside where it was, with its WAL: it is
/// kept (the key may yet be found), never deleted. Answers where the database went.
pub(crate) fn set_aside(path: &Path, now: &str) -> Result<PathBuf> {
    let file_error = |source| StoreError::File { path: path.to_path_buf(), source };
    // A time in the name (":" is refused by some file systems).
    let suffix = format!(".unreadable-{}", now.replace(':', ""));
    let aside = sibling(path, &suffix);
    for extra in ["", "-wal", "-shm"] {
        let from = sibling(path, extra);
        if from.exists() {
            std::fs::rename(&from, sibling(&aside, extra)).map_err(file_error)?;
        }
    }
    tracing::warn!(database.path = %path.display(), aside = %aside.display(), "an unreadable device database was set aside");
    Ok(aside)
}

/// Removes the database's files (the wipe of an encrypted database, once its key is gone).
pub(crate) fn remove_database_files(path: &Path) -> Result<()> {
    for extra in ["", "-wal", "-shm"] {
        remove_if_present(&sibling(path, extra))
            .map_err(|source| StoreError::File { path: path.to_path_buf(), source })?;
    }
    Ok(())
}

/// `path` with `suffix` added to its file name (SQLite names its WAL this way).
fn sibling(path: &Path, suffix: &str) -> PathBuf {
    let mut name = path.as_os_str().to_owned();
    name.push(suffix);
    PathBuf::from(name)
}

fn remove_if_present(path: &Path) -> std::io::Result<()> {
    match std::fs::remove_file(path) {
        Err(error) if error.kind() != std::io::ErrorKind::NotFound => Err(error),
        _ => Ok(()),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_key_reads_back_from_its_hex_and_never_prints() {
        let key = DatabaseKey::generate().unwrap();
        assert_eq!(DatabaseKey::from_hex(&key.to_hex()), Some(key.clone()));
        assert_ne!(DatabaseKey::generate().unwrap(), key);
        assert_eq!(format!("{key:?}"), "DatabaseKey(…)");
        assert_eq!(DatabaseKey::from_hex("abc"), None);
        assert_eq!(DatabaseKey::from_hex(&"zz".repeat(32)), None);
        assert_eq!(DatabaseKey::from_hex(&"é".repeat(32)), None);
    }

    #[test]
    fn a_file_is_told_apart_by_its_header() {
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join("probe.sqlite3");
        assert_eq!(probe(&path).unwrap(), OnDisk::Absent);
        std::fs::write(&path, b"").unwrap();
        assert_eq!(probe(&path).unwrap(), OnDisk::Absent);
        let plain = Connection::open(&path).unwrap();
        plain.execute_batch("CREATE TABLE t (x)").unwrap();
        drop(plain);
        assert_eq!(probe(&path).unwrap(), OnDisk::Plain);
        let key = DatabaseKey::generate().unwrap();
        encrypt_in_place(&path, Before::Plain, &key).unwrap();
        assert_eq!(probe(&path).unwrap(), OnDisk::Encrypted);
        let conn = Connection::open(&path).unwrap();
        unlock(&conn, &key).unwrap();
        conn.query_row("SELECT count(*) FROM t", [], |row| row.get::<_, i64>(0)).unwrap();
    }
}

//! The device database at rest: encrypted under a kept key, unreadable without it, a
//! plain database from before encryption (or one encrypted in the earlier page format)
//! upgraded in place with all it held, and a wipe that leaves nothing the old key could
//! open.

#![allow(clippy::unwrap_used)] // a failed unwrap is a failed test
#![allow(clippy::disallowed_methods)] // test rows are stamped by the wall clock

mod common;

use common::{organization, worker};
use std::path::Path;
use std::sync::Arc;
use stride_domain::*;
use stride_store::{KeptInMemory, KeyKeeper, ListQuery, Store, StoreError};

const NAME: &str = "Zawadi Nyambura-Otieno";
const PHONE: &str = "+254733905118";

/// Whether any file in `folder` (the database, its WAL, anything beside them) holds `text`.
fn any_file_holds(folder: &Path, text: &str) -> bool {
    std::fs::read_dir(folder).unwrap().any(|file| {
        let bytes = std::fs::read(file.unwrap().path()).unwrap();
        bytes.windows(text.len()).any(|window| window == text.as_bytes())
    })
}

/// A set-up store holding one worker with a name and phone, and that worker.
fn store_with_worker(path: &Path, keys: Arc<KeptInMemory>) -> (Store, Worker) {
    let store = Store::open(path, keys).unwrap();
    let org = organization();
    store.set_up_organization(&org).unwrap();
    let zawadi = worker(org.id, NAME, Some(PHONE));
    store.create(&zawadi).unwrap();
    (store, zawadi)
}

#[test]
fn no_file_of_the_database_holds_a_workers_name_or_phone_open_or_closed() {
    let dir = tempfile::tempdir().unwrap();
    let (store, zawadi) = store_with_worker(&dir.path().join("stride.sqlite3"), Arc::new(KeptInMemory::new()));
    assert!(store.is_encrypted());
    assert_eq!(store.get::<Worker>(&zawadi.row_key()).unwrap().unwrap().full_name.as_str(), NAME);
    // Open: the change sits in the WAL, which is encrypted page by page too.
    assert!(dir.path().join("stride.sqlite3-wal").exists());
    for text in [NAME, PHONE, "Lakeside Farms"] {
        assert!(!any_file_holds(dir.path(), text), "{text} readable while open");
    }
    drop(store);
    for text in [NAME, PHONE, "Lakeside Farms"] {
        assert!(!any_file_holds(dir.path(), text), "{text} readable once closed");
    }
    // The same rows, written plain, are there to read: the check above can fail.
    let plain = tempfile::tempdir().unwrap();
    drop(store_with_worker_plain(&plain.path().join("stride.sqlite3")));
    assert!(any_file_holds(plain.path(), NAME) && any_file_holds(plain.path(), PHONE));
}

fn store_with_worker_plain(path: &Path) -> Store {
    let store = Store::open_plain(path).unwrap();
    let org = organization();
    store.set_up_organization(&org).unwrap();
    store.create(&worker(org.id, NAME, Some(PHONE))).unwrap();
    store
}

/// A plain database of 41 workers, each a change waiting to be pushed: its workers,
/// outbox and device state, to compare after an upgrade.
fn plain_with_waiting_changes(path: &Path) -> (Vec<Worker>, Vec<stride_store::OutboxEntry>, stride_store::DeviceInfo) {
    let store = store_with_worker_plain(path);
    let org = store.organization().unwrap().unwrap();
    for n in 0..40 {
        store.create(&worker(org.id, &format!("Waiting Worker {n}"), None)).unwrap();
    }
    let rows = store.list::<Worker>(&ListQuery { limit: 100, ..Default::default() }).unwrap().items;
    (rows, store.pending_changes(0, 1000).unwrap(), store.device())
}

#[test]
fn without_its_key_or_with_another_the_database_is_refused_by_name_and_left_as_it_was() {
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("stride.sqlite3");
    let keys = Arc::new(KeptInMemory::new());
    drop(store_with_worker(&path, keys.clone()));
    let before = std::fs::read(&path).unwrap();

    // The keyring was reset: no key.
    let error = Store::open(&path, Arc::new(KeptInMemory::new())).err().unwrap();
    assert!(matches!(error, StoreError::KeyMissing { .. }), "{error:?}");
    assert_eq!(error.code(), ErrorCode::DatabaseKeyMissing);
    // Another computer's key.
    let other = Arc::new(KeptInMemory::new());
    other.keep(&stride_store::DatabaseKey::generate().unwrap()).unwrap();
    let error = Store::open(&path, other).err().unwrap();
    assert!(matches!(error, StoreError::KeyRejected { .. }), "{error:?}");
    assert_eq!(error.code(), ErrorCode::DatabaseKeyWrong);

    // Nothing was replaced by a new empty database: with its key, everything is there.
    assert_eq!(std::fs::read(&path).unwrap(), before);
    let store = Store::open(&path, keys).unwrap();
    assert_eq!(store.list::<Worker>(&ListQuery::default()).unwrap().items[0].full_name.as_str(), NAME);
}

#[test]
fn a_plain_database_is_encrypted_in_place_with_every_row_and_every_waiting_change() {
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("stride.sqlite3");
    let (rows, outbox, device) = plain_with_waiting_changes(&path);
    assert_eq!((rows.len(), outbox.len()), (41, 41), "41 workers, each a change waiting");
    assert!(std::fs::read(&path).unwrap().starts_with(b"SQLite format 3\0"));

    let keys = Arc::new(KeptInMemory::new());
    let store = Store::open(&path, keys.clone()).unwrap();
    assert!(store.is_encrypted() && keys.key().is_some(), "a key was made and kept");
    assert_eq!(store.list::<Worker>(&ListQuery { limit: 100, ..Default::default() }).unwrap().items, rows);
    assert_eq!(store.pending_changes(0, 1000).unwrap(), outbox, "every waiting change, in order");
    assert_eq!(store.device(), device, "the same device, clock and cursors");
    drop(store);
    assert!(!any_file_holds(dir.path(), NAME) && !any_file_holds(dir.path(), "Waiting Worker"));
    assert_eq!(std::fs::read_dir(dir.path()).unwrap().count(), 1, "nothing left beside it");

    // Opened again, it is simply encrypted.
    let store = Store::open(&path, keys).unwrap();
    assert_eq!(store.pending_count().unwrap(), 41);
}

/// Rewrites the plain database at `path` as the app wrote encrypted ones before the
/// current page format: SQLCipher 4's defaults (HMAC-SHA512), under `key`.
fn encrypt_in_sqlcipher4_defaults(path: &Path, key: &stride_store::DatabaseKey) {
    let copy = path.with_extension("old-format");
    {
        let plain = rusqlite::Connection::open(path).unwrap();
        plain.execute_batch("PRAGMA wal_checkpoint(TRUNCATE);").unwrap();
        plain
            .execute("ATTACH DATABASE ?1 AS old KEY ?2", (copy.to_str().unwrap(), format!("x'{}'", key.to_hex())))
            .unwrap();
        plain.query_row("SELECT sqlcipher_export('old')", [], |_| Ok(())).unwrap();
        let version: i64 = plain.query_row("PRAGMA user_version", [], |row| row.get(0)).unwrap();
        plain.pragma_update(Some("old"), "user_version", version).unwrap();
    }
    for suffix in ["-wal", "-shm"] {
        let _ = std::fs::remove_file(format!("{}{suffix}", path.display()));
    }
    std::fs::rename(copy, path).unwrap();
}

/// Whether the encrypted database at `path` reads under `key` with these settings.
fn reads_with(path: &Path, key: &stride_store::DatabaseKey, settings: &str) -> bool {
    let conn = rusqlite::Connection::open(path).unwrap();
    conn.pragma_update(None, "key", format!("x'{}'", key.to_hex())).unwrap();
    conn.execute_batch(settings).unwrap();
    conn.query_row("SELECT count(*) FROM sqlite_master", [], |_| Ok(())).is_ok()
}

#[test]
fn a_database_encrypted_in_the_earlier_page_format_is_rewritten_with_every_row_and_waiting_change() {
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("stride.sqlite3");
    let (rows, outbox, device) = plain_with_waiting_changes(&path);
    let key = stride_store::DatabaseKey::generate().unwrap();
    encrypt_in_sqlcipher4_defaults(&path, &key);
    const SHA256: &str = "PRAGMA cipher_hmac_algorithm = HMAC_SHA256;";
    assert!(reads_with(&path, &key, "") && !reads_with(&path, &key, SHA256), "written in the earlier format");

    let keys = Arc::new(KeptInMemory::new());
    keys.keep(&key).unwrap();
    let store = Store::open(&path, keys.clone()).unwrap();
    assert_eq!(keys.key(), Some(key.clone()), "under the same key");
    assert_eq!(store.list::<Worker>(&ListQuery { limit: 100, ..Default::default() }).unwrap().items, rows);
    assert_eq!(store.pending_changes(0, 1000).unwrap(), outbox, "every waiting change, in order");
    assert_eq!(store.device(), device, "the same device, clock and cursors");
    drop(store);
    assert!(reads_with(&path, &key, SHA256) && !reads_with(&path, &key, ""), "now in the current format");
    assert!(!any_file_holds(dir.path(), NAME) && !any_file_holds(dir.path(), "Waiting Worker"));
    assert_eq!(Store::open(&path, keys).unwrap().pending_count().unwrap(), 41);
}

#[test]
fn a_key_kept_before_the_upgrade_stopped_halfway_encrypts_on_the_next_open() {
    // The key is kept before the plain file is rewritten: a stop between the two leaves
    // the plain file and its key, and the next open finishes the upgrade with that key.
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("stride.sqlite3");
    drop(store_with_worker_plain(&path));
    let keys = Arc::new(KeptInMemory::new());
    let kept = stride_store::DatabaseKey::generate().unwrap();
    keys.keep(&kept).unwrap();
    let store = Store::open(&path, keys.clone()).unwrap();
    assert_eq!(keys.key(), Some(kept));
    assert_eq!(store.list::<Worker>(&ListQuery::default()).unwrap().items[0].full_name.as_str(), NAME);
}

#[test]
fn starting_over_sets_the_unreadable_database_aside_and_opens_an_empty_one() {
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("stride.sqlite3");
    drop(store_with_worker(&path, Arc::new(KeptInMemory::new())));
    let before = std::fs::read(&path).unwrap();
    let keys = Arc::new(KeptInMemory::new());
    assert!(Store::open(&path, keys.clone()).is_err());

    let (store, aside) = Store::start_over(&path, keys.clone()).unwrap();
    assert_eq!(store.organization().unwrap(), None, "an empty device, to sign in to");
    assert!(keys.key().is_some());
    assert_eq!(std::fs::read(&aside).unwrap(), before, "the old data is kept, as it was");
    assert!(aside.file_name().unwrap().to_string_lossy().starts_with("stride.sqlite3.unreadable-"));
}

#[test]
fn a_wipe_replaces_the_key_so_a_copy_of_the_old_file_stays_unreadable() {
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("stride.sqlite3");
    let keys = Arc::new(KeptInMemory::new());
    let (store, _) = store_with_worker(&path, keys.clone());
    let old_key = keys.key().unwrap();
    let old_device = store.device().device_id;
    // A copy taken before the wipe (a file the wipe cannot reach).
    drop(store);
    let survivor = tempfile::tempdir().unwrap();
    std::fs::copy(&path, survivor.path().join("stride.sqlite3")).unwrap();
    let store = Store::open(&path, keys.clone()).unwrap();

    store.wipe().unwrap();
    assert_ne!(keys.key().unwrap(), old_key, "the old key is gone from where it was kept");
    assert!(store.list::<Worker>(&ListQuery::default()).unwrap().items.is_empty());
    assert_eq!(store.organization().unwrap(), None);
    assert_ne!(store.device().device_id, old_device);
    assert!(store.wiped_at().unwrap().is_some());
    // The store works on, under its new key, and opens again with it.
    let org = organization();
    store.set_up_organization(&org).unwrap();
    store.create(&worker(org.id, "After The Wipe", None)).unwrap();
    drop(store);
    assert!(Store::open(&path, keys.clone()).unwrap().wiped_at().unwrap().is_some());
    // What the kept key now opens is not the surviving copy.
    let error = Store::open(survivor.path().join("stride.sqlite3"), keys).err().unwrap();
    assert_eq!(error.code(), ErrorCode::DatabaseKeyWrong);
    assert!(!any_file_holds(survivor.path(), NAME));
}

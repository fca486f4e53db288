//! Devices for the sync tests: a store in a temp folder signed in to a test server, and
//! snapshots of a device and of the server in one comparable form.

use serde_json::{Map, Value};
use std::collections::BTreeMap;
use stride_domain::registry::REGISTRY;
use stride_domain::*;
use stride_server::demo;
use stride_store::{KeptInMemory, ListQuery, Store};
use stride_sync::{sign_in, sync, Client};

pub struct Device {
    pub dir: tempfile::TempDir,
    pub store: std::sync::Arc<Store>,
    pub client: Client,
    /// The database's key, to open the same file again.
    pub keys: std::sync::Arc<KeptInMemory>,
}

pub async fn device(base: &str, email: &str) -> Device {
    let dir = tempfile::tempdir().unwrap();
    let keys = std::sync::Arc::new(KeptInMemory::new());
    let store = std::sync::Arc::new(Store::open(dir.path().join("stride.sqlite3"), keys.clone()).unwrap());
    let (client, me) =
        sign_in(&store, base, None, email, stride_sync::Secret::Password(demo::DEMO_PASSWORD), "Field laptop")
            .await
            .unwrap();
    assert_eq!(store.device().organization_id, Some(me.organization.id));
    sync(&store, &client, |_| {}).await.unwrap();
    assert!(store.first_sync_completed_at().unwrap().is_some());
    Device { dir, store, client, keys }
}

/// A row in a form both sides write alike: timestamps as instants, numbers as floats.
pub fn normalized(kind: EntityKind, row: &Map<String, Value>) -> BTreeMap<String, String> {
    kind.spec()
        .columns
        .iter()
        .map(|column| {
            let value = row.get(column.name).cloned().unwrap_or(Value::Null);
            let text = match (column.ty, &value) {
                (ColumnType::Timestamp, Value::String(s)) => Timestamp::parse(s).unwrap().to_string(),
                (ColumnType::Real | ColumnType::Integer, Value::Number(n)) => {
                    format!("{:.2}", n.as_f64().unwrap())
                }
                _ => value.to_string(),
            };
            (column.name.to_owned(), text)
        })
        .collect()
}

pub type Snapshot = BTreeMap<(EntityKind, String), (BTreeMap<String, String>, bool)>;

pub fn key(kind: EntityKind, row: &Map<String, Value>) -> String {
    kind.spec().key.iter().map(|k| row[*k].as_str().unwrap().to_owned()).collect::<Vec<_>>().join("/")
}

pub fn device_snapshot(store: &Store) -> Snapshot {
    let mut snapshot = Snapshot::new();
    for spec in REGISTRY {
        for (row, deleted) in store.rows_of(spec.kind).unwrap() {
            snapshot.insert((spec.kind, key(spec.kind, &row)), (normalized(spec.kind, &row), deleted));
        }
    }
    snapshot
}

pub async fn server_snapshot(client: &Client) -> Snapshot {
    let (mut cursor, mut snapshot) = (0, Snapshot::new());
    loop {
        let page = client.pull(cursor, 1000).await.unwrap();
        for row in page.rows {
            snapshot.insert((row.entity, key(row.entity, &row.row)), (normalized(row.entity, &row.row), row.deleted));
        }
        cursor = page.cursor;
        if page.up_to_date {
            return snapshot;
        }
    }
}

/// What a coordinator does offline: enroll a worker into the program and record their
/// first touchpoint, and edit one field of a shared worker.
pub fn offline_work(store: &Store, name: &str, shared: &Worker, edit: impl FnOnce(&mut Worker)) -> Worker {
    let org = store.device().organization_id.unwrap();
    let program = store.list::<Program>(&ListQuery::default()).unwrap().items.remove(0);
    let touchpoint = store.list::<Touchpoint>(&ListQuery::default()).unwrap().items.remove(0);
    let now = Timestamp::now();
    let worker = Worker {
        id: WorkerId::new(),
        organization_id: org,
        full_name: Name::parse(name).unwrap(),
        phone_number: None,
        well_being_score: Some(Score::new(64.0).unwrap()),
        performance_metric: None,
        custom_attributes: CustomAttributes::default(),
        created_at: now,
        updated_at: now,
    };
    let progress = WorkerProgress {
        id: WorkerProgressId::new(),
        worker_assignment_id: WorkerAssignmentId::of(program.id, worker.id),
        touchpoint_id: touchpoint.id,
        organization_id: org,
        started_at: Some(now),
        completed_at: Some(now),
        score: Some(Score::new(91.5).unwrap()),
        feedback_text: Some(format!("{name} did well")),
        created_at: now,
        updated_at: now,
    };
    let mut edited = store.get::<Worker>(&shared.row_key()).unwrap().unwrap();
    edit(&mut edited);
    store
        .write(|w| {
            w.create(&worker)?;
            w.enroll(program.id, worker.id)?;
            w.create(&progress)?;
            w.update(&edited)?;
            Ok(())
        })
        .unwrap();
    worker
}

/// A device signed in as `email` with `password`, whose clock is `clock_offset_ms` off,
/// after its first sync.
pub async fn device_with(base: &str, email: &str, password: &str, clock_offset_ms: i64) -> Device {
    let dir = tempfile::tempdir().unwrap();
    let keys = std::sync::Arc::new(KeptInMemory::new());
    let store = std::sync::Arc::new(
        Store::open_with_clock_offset(dir.path().join("stride.sqlite3"), keys.clone(), clock_offset_ms).unwrap(),
    );
    let (client, _) =
        sign_in(&store, base, None, email, stride_sync::Secret::Password(password), "Field laptop").await.unwrap();
    sync(&store, &client, |_| {}).await.unwrap();
    Device { dir, store, client, keys }
}

/// The rows that are not deleted. A device's first sync leaves out tombstones of rows
/// deleted before it, so live rows are what every replica must agree on.
pub fn live(snapshot: &Snapshot) -> Snapshot {
    snapshot.iter().filter(|(_, (_, deleted))| !deleted).map(|(k, v)| (k.clone(), v.clone())).collect()
}

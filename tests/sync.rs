//! Devices and the server together: real stores in temp folders, a real server on a
//! free port, real PostgreSQL. Two coordinators work offline, then sync in either
//! order, and every device ends identical to the server, row for row, field for field.

use crate::support::devices::{device, device_snapshot, offline_work, server_snapshot, Snapshot};
use crate::support::{spawn_server, TestDatabase};
use stride_domain::*;
use stride_server::demo;
use stride_store::ListQuery;
use stride_sync::sync;

async fn two_coordinators_offline_then_sync(a_first: bool) {
    let db = TestDatabase::migrated().await;
    demo::seed(&db.pool).await.unwrap();
    let base = spawn_server(&db.pool).await;
    let a = device(&base, "coordinator@lakeside.example").await;
    let b = device(&base, "coordinator2@lakeside.example").await;
    assert_eq!(device_snapshot(&a.store), device_snapshot(&b.store), "both start from the same first sync");

    let shared = a.store.list::<Worker>(&ListQuery::default()).unwrap().items.remove(0);
    let from_a = offline_work(&a.store, "Nia Offline-A", &shared, |w| {
        w.phone_number = Some(PhoneNumber::parse("+254711000001").unwrap())
    });
    let from_b =
        offline_work(&b.store, "Bahati Offline-B", &shared, |w| w.full_name = Name::parse("Renamed by B").unwrap());
    // A worker, their enrollment and its experiment assignment, progress, an edit.
    assert_eq!(a.store.pending_count().unwrap(), 5);

    let (first, second) = if a_first { (&a, &b) } else { (&b, &a) };
    sync(&first.store, &first.client, |_| {}).await.unwrap();
    let report = sync(&second.store, &second.client, |_| {}).await.unwrap();
    assert_eq!((report.pushed, report.rejected), (5, 0));
    sync(&first.store, &first.client, |_| {}).await.unwrap();

    let server = server_snapshot(&a.client).await;
    let tables: std::collections::BTreeSet<EntityKind> = server.keys().map(|(kind, _)| *kind).collect();
    assert_eq!(
        (tables.len(), server.len() > 700),
        (26, true),
        "the comparison covers every table ({} rows)",
        server.len()
    );
    assert_eq!(device_snapshot(&a.store), server, "device A equals the server");
    assert_eq!(device_snapshot(&b.store), server, "device B equals the server");
    for device in [&a, &b] {
        assert_eq!(device.store.pending_count().unwrap(), 0);
        for worker in [&from_a, &from_b] {
            assert!(device.store.get::<Worker>(&worker.row_key()).unwrap().is_some());
        }
        let merged = device.store.get::<Worker>(&shared.row_key()).unwrap().unwrap();
        assert_eq!(merged.full_name.as_str(), "Renamed by B", "each edit of its own field survives");
        assert_eq!(merged.phone_number.unwrap().as_str(), "+254711000001");
    }
    db.drop().await;
}

#[tokio::test]
async fn two_coordinators_offline_converge_when_a_syncs_first() {
    two_coordinators_offline_then_sync(true).await;
}

#[tokio::test]
async fn two_coordinators_offline_converge_when_b_syncs_first() {
    two_coordinators_offline_then_sync(false).await;
}

#[tokio::test]
async fn a_refused_change_waits_for_a_person_and_does_not_block_the_rest() {
    let db = TestDatabase::migrated().await;
    demo::seed(&db.pool).await.unwrap();
    let base = spawn_server(&db.pool).await;
    let coordinator = device(&base, "coordinator@lakeside.example").await;
    let org = coordinator.store.device().organization_id.unwrap();
    let now = Timestamp::now();
    // Coordinators may not write badges: the server refuses, the worker goes through.
    let badge = Badge {
        id: BadgeId::new(),
        organization_id: org,
        name: Name::parse("Homemade").unwrap(),
        description: None,
        icon_url: None,
        created_at: now,
        updated_at: now,
        award_rule: None,
    };
    coordinator.store.create(&badge).unwrap();
    let worker = offline_work(
        &coordinator.store,
        "After the badge",
        &coordinator.store.list::<Worker>(&ListQuery::default()).unwrap().items[0],
        |_| {},
    );
    let report = sync(&coordinator.store, &coordinator.client, |_| {}).await.unwrap();
    assert_eq!(report.rejected, 1);
    let waiting = coordinator.store.changes_of_row(EntityKind::Badges, &badge.row_key()).unwrap();
    assert_eq!(waiting.len(), 1);
    assert_eq!(waiting[0].rejection_code, Some(stride_domain::ErrorCode::NotPermitted));
    assert!(waiting[0].rejection_reason.as_deref().unwrap().contains("coordinator"));
    assert_eq!(coordinator.store.pending_count().unwrap(), 0, "nothing else is stuck behind it");
    assert!(server_snapshot(&coordinator.client).await.contains_key(&(EntityKind::Workers, worker.id.to_string())));
    db.drop().await;
}

#[tokio::test]
async fn a_revoked_device_wipes_everything_it_holds_at_its_next_sync() {
    let db = TestDatabase::migrated().await;
    demo::seed(&db.pool).await.unwrap();
    let base = spawn_server(&db.pool).await;
    let lost = device(&base, "coordinator@lakeside.example").await;
    let before = lost.store.device();
    let shared = lost.store.list::<Worker>(&ListQuery::default()).unwrap().items.remove(0);
    offline_work(&lost.store, "Never Synced", &shared, |w| w.well_being_score = None);
    assert!(lost.store.pending_count().unwrap() > 0);

    let devices = stride_server::admin::list_devices(&db.pool, before.organization_id.unwrap()).await.unwrap();
    let revoked = devices.iter().find(|d| d.user_email == "coordinator@lakeside.example").unwrap();
    assert!(stride_server::admin::revoke_device(&db.pool, revoked.id).await.unwrap());

    let err = sync(&lost.store, &lost.client, |_| {}).await.unwrap_err();
    assert!(matches!(err, stride_sync::SyncError::Client(stride_sync::ClientError::Revoked)), "{err}");
    assert_eq!(device_snapshot(&lost.store), Snapshot::new(), "no row of any table is left");
    assert_eq!(lost.store.pending_count().unwrap(), 0);
    let after = lost.store.device();
    assert_eq!((after.organization_id, after.pull_cursor), (None, 0));
    assert_ne!(after.device_id, before.device_id, "it starts over as a new device");
    assert_eq!(lost.store.server_url().unwrap(), None);
    db.drop().await;
}

#[tokio::test]
async fn two_devices_enrolling_one_worker_offline_make_one_enrollment_with_all_progress() {
    let db = TestDatabase::migrated().await;
    demo::seed(&db.pool).await.unwrap();
    let base = spawn_server(&db.pool).await;
    let a = device(&base, "coordinator@lakeside.example").await;
    let b = device(&base, "coordinator2@lakeside.example").await;
    let mut newcomer = a.store.list::<Worker>(&ListQuery::default()).unwrap().items.remove(0);
    newcomer.id = WorkerId::new();
    newcomer.full_name = Name::parse("Enrolled Twice").unwrap();
    a.store.create(&newcomer).unwrap();
    sync(&a.store, &a.client, |_| {}).await.unwrap();
    sync(&b.store, &b.client, |_| {}).await.unwrap();

    // Both devices, offline, enroll the newcomer in the program and record progress.
    let program = &a.store.list::<Program>(&ListQuery::default()).unwrap().items[0];
    let touchpoint = a.store.list::<Touchpoint>(&ListQuery::default()).unwrap().items.remove(0);
    for (device, note) in [(&a, "seen by A"), (&b, "seen by B")] {
        device
            .store
            .write(|w| {
                let (enrollment, _) = w.enroll(program.id, newcomer.id)?;
                let now = w.now();
                w.create(&WorkerProgress {
                    id: WorkerProgressId::new(),
                    worker_assignment_id: enrollment.id,
                    touchpoint_id: touchpoint.id,
                    organization_id: enrollment.organization_id,
                    started_at: Some(now),
                    completed_at: Some(now),
                    score: None,
                    feedback_text: Some(note.to_owned()),
                    created_at: now,
                    updated_at: now,
                })
            })
            .unwrap();
    }
    for device in [&a, &b, &a] {
        let report = sync(&device.store, &device.client, |_| {}).await.unwrap();
        assert_eq!(report.rejected, 0);
    }
    let enrollments: Vec<(uuid::Uuid, i64)> = sqlx::query_as(
        "SELECT a.id, (SELECT count(*) FROM worker_progress p WHERE p.worker_assignment_id = a.id)
         FROM worker_assignments a WHERE a.program_id = $1 AND a.worker_id = $2 AND a.deleted_at IS NULL",
    )
    .bind(program.id.as_uuid())
    .bind(newcomer.id.as_uuid())
    .fetch_all(&db.pool)
    .await
    .unwrap();
    assert_eq!(enrollments.len(), 1, "one enrollment of the worker in the program");
    assert_eq!(enrollments[0].1, 2, "both devices' progress is on it");
    assert_eq!(device_snapshot(&a.store), device_snapshot(&b.store));
    db.drop().await;
}

#[tokio::test]
async fn a_device_restored_from_a_backup_loses_none_of_its_new_work() {
    let db = TestDatabase::migrated().await;
    demo::seed(&db.pool).await.unwrap();
    let base = spawn_server(&db.pool).await;
    let crate::support::devices::Device { dir, store, client, keys } =
        device(&base, "coordinator@lakeside.example").await;
    let path = dir.path().join("stride.sqlite3");
    let shared = store.list::<Worker>(&ListQuery::default()).unwrap().items.remove(0);
    drop(store);
    let backup = tempfile::tempdir().unwrap();
    std::fs::copy(&path, backup.path().join("stride.sqlite3")).unwrap();

    let store = std::sync::Arc::new(stride_store::Store::open(&path, keys.clone()).unwrap());
    let before_loss = offline_work(&store, "Synced Before The Loss", &shared, |_| {});
    sync(&store, &client, |_| {}).await.unwrap();
    drop(store);

    // The laptop's disk is lost; the backup comes back, and the coordinator works on.
    for leftover in ["stride.sqlite3-wal", "stride.sqlite3-shm"] {
        let _ = std::fs::remove_file(dir.path().join(leftover));
    }
    std::fs::copy(backup.path().join("stride.sqlite3"), &path).unwrap();
    let store = std::sync::Arc::new(stride_store::Store::open(&path, keys.clone()).unwrap());
    let after_restore = offline_work(&store, "Recorded After The Restore", &shared, |_| {});
    let report = sync(&store, &client, |_| {}).await.unwrap();
    // The worker, the enrollment and its experiment assignment, the progress.
    assert_eq!((report.pushed, report.rejected), (4, 0));
    let server = server_snapshot(&client).await;
    for worker in [&before_loss, &after_restore] {
        assert!(server.contains_key(&(EntityKind::Workers, worker.id.to_string())), "{}", worker.full_name);
    }
    assert_eq!(crate::support::devices::live(&device_snapshot(&store)), crate::support::devices::live(&server));
    db.drop().await;
}

/// The device schema of the last release (its migrations 1 to 6): a database it made is
/// what this build must open and sync. Written with the last release's tables as they
/// are, in SQL, since this build's store would make a database of its own schema.
const LAST_RELEASE_MIGRATIONS: usize = 6;

#[tokio::test]
async fn a_database_of_the_last_release_with_work_waiting_syncs_all_of_it_exactly_once() {
    let db = TestDatabase::migrated().await;
    let seeded = demo::seed(&db.pool).await.unwrap();
    let base = spawn_server(&db.pool).await;
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("stride.sqlite3");
    let org = seeded.organization_id.to_string();
    let node = DeviceId::new();
    let workers: Vec<WorkerId> = (0..4).map(|_| WorkerId::new()).collect();
    {
        let mut conn = rusqlite::Connection::open(&path).unwrap();
        stride_store::apply_migrations(&mut conn, &stride_store::DEVICE_MIGRATIONS[..LAST_RELEASE_MIGRATIONS]).unwrap();
        let now = Timestamp::now().to_string();
        conn.execute(
            "INSERT INTO organizations (id, name, type, subscription_tier, created_at, updated_at)
             VALUES (?1, 'Lakeside Farms', 'client', 'standard', ?2, ?2)",
            rusqlite::params![org, now],
        )
        .unwrap();
        let last = Hlc { wall_ms: Timestamp::now().millis(), counter: workers.len() as u16, node };
        conn.execute(
            "INSERT INTO sync_state (id, device_id, organization_id, hlc_last) VALUES (1, ?1, ?2, ?3)",
            rusqlite::params![node.to_string(), org, last.to_string()],
        )
        .unwrap();
        // Four workers enrolled offline: three wait, and the fourth came back refused.
        for (i, id) in workers.iter().enumerate() {
            let fields = serde_json::json!({"id": id, "organization_id": org, "full_name": format!("Waiting since the last release {i}"), "phone_number": null, "well_being_score": 55.0, "performance_metric": null, "custom_attributes": {"site": "Kisumu"}, "created_at": now, "updated_at": now});
            conn.execute(
                "INSERT INTO workers (id, organization_id, full_name, well_being_score, custom_attributes, created_at, updated_at)
                 VALUES (?1, ?2, ?3, 55.0, '{\"site\":\"Kisumu\"}', ?4, ?4)",
                rusqlite::params![id.to_string(), org, fields["full_name"].as_str().unwrap(), now],
            )
            .unwrap();
            let refused = i == 3;
            conn.execute(
                "INSERT INTO outbox (change_id, entity, row_key, op, fields, hlc, created_at, status, rejection_code, rejection_reason)
                 VALUES (?1, 'workers', ?2, 'upsert', ?3, ?4, ?5, ?6, ?7, ?8)",
                rusqlite::params![
                    ChangeId::new().to_string(),
                    id.to_string(),
                    fields.to_string(),
                    Hlc { wall_ms: Timestamp::now().millis(), counter: i as u16, node }.to_string(),
                    now,
                    if refused { "rejected" } else { "pending" },
                    refused.then_some("tier_limit"),
                    refused.then_some("the tier was full then"),
                ],
            )
            .unwrap();
        }
    }

    let store = std::sync::Arc::new(
        stride_store::Store::open(&path, std::sync::Arc::new(stride_store::KeptInMemory::new())).unwrap(),
    );
    assert_eq!((store.pending_count().unwrap(), store.rejected_count().unwrap()), (3, 1), "nothing waiting is lost");
    // The plain file was encrypted in place: no waiting worker's name is readable on disk.
    assert!(store.is_encrypted());
    for file in std::fs::read_dir(dir.path()).unwrap() {
        let bytes = std::fs::read(file.unwrap().path()).unwrap();
        assert!(!bytes.starts_with(b"SQLite format 3"));
        assert!(!bytes.windows(29).any(|window| window == b"Waiting since the last release"[..29].as_ref()));
    }
    let (client, _) = stride_sync::sign_in(
        &store,
        &base,
        None,
        "coordinator@lakeside.example",
        stride_sync::Secret::Password(demo::DEMO_PASSWORD),
        "Upgraded laptop",
    )
    .await
    .unwrap();
    let report = sync(&store, &client, |_| {}).await.unwrap();
    assert_eq!((report.pushed, report.rejected), (3, 0));
    let refused = store.rejected_changes(10).unwrap();
    assert_eq!(refused.len(), 1, "the refused change waits for a person");
    store.retry_rejected(refused[0].seq).unwrap();
    assert_eq!(sync(&store, &client, |_| {}).await.unwrap().pushed, 1);
    assert_eq!(sync(&store, &client, |_| {}).await.unwrap().pushed, 0);

    let keys: Vec<String> = workers.iter().map(ToString::to_string).collect();
    let applied: i64 =
        sqlx::query_scalar("SELECT count(*) FROM change_log WHERE entity = 'workers' AND row_key = ANY($1)")
            .bind(&keys)
            .fetch_one(&db.pool)
            .await
            .unwrap();
    assert_eq!(applied, 4, "each change applied exactly once");
    let server = server_snapshot(&client).await;
    for key in &keys {
        assert!(server.contains_key(&(EntityKind::Workers, key.clone())), "{key} reached the server");
    }
    assert_eq!(crate::support::devices::live(&device_snapshot(&store)), crate::support::devices::live(&server));
    db.drop().await;
}

/// Two devices change one worker's phone number offline; the later edit wins. The
/// device whose edit lost is told, with both values, whichever pushes first; the server
/// keeps the lost value; and an edit made after seeing the other is no conflict.
async fn concurrent_phone_edits(earlier_pushes_first: bool) {
    let db = TestDatabase::migrated().await;
    demo::seed(&db.pool).await.unwrap();
    let base = spawn_server(&db.pool).await;
    let a = device(&base, "coordinator@lakeside.example").await;
    let b = device(&base, "coordinator2@lakeside.example").await;
    let shared = a.store.list::<Worker>(&ListQuery::default()).unwrap().items.remove(0);
    let key = RowKey::of(shared.id);
    let phone = |number: &str| Some(PhoneNumber::parse(number).unwrap());

    // A edits first, B a moment later; neither has seen the other's edit.
    let mut on_a = shared.clone();
    on_a.phone_number = phone("+254700000001");
    a.store.update(&on_a).unwrap();
    tokio::time::sleep(std::time::Duration::from_millis(5)).await;
    let mut on_b = shared.clone();
    on_b.phone_number = phone("+254700000002");
    b.store.update(&on_b).unwrap();
    let order = if earlier_pushes_first { [&a, &b, &a, &b] } else { [&b, &a, &b, &a] };
    for device in order {
        sync(&device.store, &device.client, |_| {}).await.unwrap();
    }

    let lost = a.store.lost_edits_of(EntityKind::Workers, &key).unwrap();
    assert_eq!(lost.len(), 1, "A is told its edit lost: {lost:?}");
    assert_eq!(
        (lost[0].field.as_str(), lost[0].mine.as_str(), lost[0].kept.as_str()),
        ("phone_number", Some("+254700000001"), Some("+254700000002"))
    );
    assert!(b.store.lost_edits(10).unwrap().is_empty(), "B's edit won");
    let on_both = [&a, &b].map(|d| d.store.get::<Worker>(&key).unwrap().unwrap().phone_number);
    assert_eq!(on_both, [phone("+254700000002"), phone("+254700000002")]);
    let kept: Vec<(serde_json::Value, serde_json::Value)> =
        sqlx::query_as("SELECT lost, kept FROM conflicts WHERE row_key = $1")
            .bind(key.as_str())
            .fetch_all(&db.pool)
            .await
            .unwrap();
    assert_eq!(
        kept,
        [(serde_json::json!("+254700000001"), serde_json::json!("+254700000002"))],
        "the server keeps the loser"
    );

    // B corrects the number after seeing it: a later edit, not a conflict.
    let mut seen = b.store.get::<Worker>(&key).unwrap().unwrap();
    seen.phone_number = phone("+254700000003");
    b.store.update(&seen).unwrap();
    for device in [&b, &a] {
        sync(&device.store, &device.client, |_| {}).await.unwrap();
    }
    assert_eq!(a.store.lost_edits(10).unwrap().len(), 1, "nothing new for A");
    assert!(b.store.lost_edits(10).unwrap().is_empty());
    a.store.dismiss_lost_edit(lost[0].id).unwrap();
    sync(&a.store, &a.client, |_| {}).await.unwrap();
    assert!(a.store.lost_edits(10).unwrap().is_empty(), "a dismissed conflict does not come back");
    db.drop().await;
}

#[tokio::test]
async fn a_lost_edit_is_told_to_its_device_when_it_pushed_first() {
    concurrent_phone_edits(true).await;
}

#[tokio::test]
async fn a_lost_edit_is_told_to_its_device_when_it_pushed_last() {
    concurrent_phone_edits(false).await;
}

/// A deletes a worker (their enrollments go with them) while B, offline, records
/// progress on one of those enrollments. The server keeps B's progress; both devices
/// list it under its deleted enrollment; restoring brings the enrollment and the worker
/// back everywhere.
#[tokio::test]
async fn progress_recorded_under_a_deleted_enrollment_is_kept_listed_and_can_be_restored() {
    let db = TestDatabase::migrated().await;
    demo::seed(&db.pool).await.unwrap();
    let base = spawn_server(&db.pool).await;
    let a = device(&base, "programs@lakeside.example").await;
    let b = device(&base, "coordinator@lakeside.example").await;
    let enrollment = b.store.list::<WorkerAssignment>(&ListQuery::default()).unwrap().items.remove(0);
    let touchpoint = b.store.list::<Touchpoint>(&ListQuery::default()).unwrap().items.remove(0);
    let worker_key = RowKey::of(enrollment.worker_id);

    a.store.delete::<Worker>(&worker_key).unwrap();
    sync(&a.store, &a.client, |_| {}).await.unwrap();
    let progress = b
        .store
        .write(|w| {
            let now = w.now();
            let progress = WorkerProgress {
                id: WorkerProgressId::new(),
                worker_assignment_id: enrollment.id,
                touchpoint_id: touchpoint.id,
                organization_id: enrollment.organization_id,
                started_at: Some(now),
                completed_at: Some(now),
                score: None,
                feedback_text: Some("recorded offline".into()),
                created_at: now,
                updated_at: now,
            };
            w.create(&progress)?;
            Ok(progress)
        })
        .unwrap();
    let report = sync(&b.store, &b.client, |_| {}).await.unwrap();
    assert_eq!(report.rejected, 0, "the server keeps what arrives under a deleted row");
    sync(&a.store, &a.client, |_| {}).await.unwrap();
    for device in [&a, &b] {
        let orphans = device.store.orphans(10).unwrap();
        assert_eq!(orphans.len(), 1, "{orphans:?}");
        assert_eq!((orphans[0].entity, &orphans[0].key), (EntityKind::WorkerProgress, &RowKey::of(progress.id)));
        assert_eq!(
            (orphans[0].parent, &orphans[0].parent_key),
            (EntityKind::WorkerAssignments, &RowKey::of(enrollment.id))
        );
    }

    a.store.write(|w| w.restore(EntityKind::WorkerAssignments, &RowKey::of(enrollment.id))).unwrap();
    for device in [&a, &b] {
        let report = sync(&device.store, &device.client, |_| {}).await.unwrap();
        assert_eq!(report.rejected, 0);
        assert!(device.store.orphans(10).unwrap().is_empty());
        assert!(device.store.get::<Worker>(&worker_key).unwrap().is_some(), "the worker is back");
        assert!(device.store.get::<WorkerAssignment>(&RowKey::of(enrollment.id)).unwrap().is_some());
    }
    let live: bool = sqlx::query_scalar("SELECT deleted_at IS NULL FROM worker_assignments WHERE id = $1")
        .bind(enrollment.id.as_uuid())
        .fetch_one(&db.pool)
        .await
        .unwrap();
    assert!(live, "the server has the enrollment back");
    assert_eq!(device_snapshot(&a.store), device_snapshot(&b.store));
    db.drop().await;
}

//! Sync scopes end to end: an administrator gives a coordinator a scope of sites over
//! HTTP, and the coordinator's device, synced through the real client against the real
//! server and PostgreSQL, then holds exactly the authoring rows and the rows of the
//! workers in its scope: no row of any other worker. Workers moving in arrive with
//! their older rows, workers moving out leave without losing the device's waiting
//! edits, a push of an out-of-scope worker is refused, and a property test drives
//! random scope changes, moves and offline edits to the same end.

use crate::support::devices::{device, device_snapshot, live, server_snapshot, Device, Snapshot};
use crate::support::{http, spawn_server, TestDatabase};
use proptest::prelude::*;
use serde_json::json;
use std::collections::BTreeSet;
use stride_domain::api::{BackfillRequest, Outcome, PageLayout, PushRequest, PushedChange};
use stride_domain::scope::{owner, Owner, SyncScope};
use stride_domain::staff::StaffUpdate;
use stride_domain::*;
use stride_server::demo;
use stride_sync::sync;

const SITES: [&str; 4] = ["Kisumu", "Kericho", "Naivasha", "Eldoret"];

/// A column of a snapshot row, as text (None when null).
fn column(row: &std::collections::BTreeMap<String, String>, name: &str) -> Option<String> {
    let value: serde_json::Value = serde_json::from_str(row.get(name)?).ok()?;
    match value {
        serde_json::Value::String(text) => Some(text),
        serde_json::Value::Null => None,
        other => Some(other.to_string()),
    }
}

/// The live workers at one of `sites` on the server.
fn workers_at(server: &Snapshot, sites: &[&str]) -> BTreeSet<String> {
    let sites: BTreeSet<String> = sites.iter().map(|site| site.to_lowercase()).collect();
    server
        .iter()
        .filter(|((kind, _), (row, _))| {
            *kind == EntityKind::Workers
                && column(row, "custom_attributes")
                    .and_then(|attributes| serde_json::from_str::<serde_json::Value>(&attributes).ok())
                    .and_then(|attributes| attributes["site"].as_str().map(|site| site.trim().to_lowercase()))
                    .is_some_and(|site| sites.contains(&site))
        })
        .map(|((_, key), _)| key.clone())
        .collect()
}

/// The worker a row belongs to, followed through its parents.
fn worker_of(server: &Snapshot, kind: EntityKind, row: &std::collections::BTreeMap<String, String>) -> Option<String> {
    match owner(kind)? {
        Owner::Itself => column(row, "id"),
        Owner::Through { column: name, parent, .. } => {
            let id = column(row, name)?;
            if parent == EntityKind::Workers {
                return Some(id);
            }
            let (parent_row, _) = server.get(&(parent, id))?;
            worker_of(server, parent, parent_row)
        }
    }
}

/// What a device holding `workers` must hold of the server's live rows: every row that
/// is no worker's, and the rows of those workers.
fn expected(server: &Snapshot, workers: &BTreeSet<String>) -> Snapshot {
    server
        .iter()
        .filter(|((kind, _), (row, _))| match owner(*kind) {
            None => true,
            Some(_) => match (kind, worker_of(server, *kind, row)) {
                (_, Some(worker)) => workers.contains(&worker),
                // A row of no worker (an experiment assignment of nobody's) is everyone's.
                (EntityKind::ExperimentAssignments, None) => true,
                _ => false,
            },
        })
        .map(|(key, value)| (key.clone(), value.clone()))
        .collect()
}

/// Where the two differ, a few keys of it.
fn differences(expected: &Snapshot, held: &Snapshot) -> Vec<(EntityKind, String)> {
    expected
        .iter()
        .filter(|(key, row)| held.get(*key) != Some(*row))
        .map(|(key, _)| key.clone())
        .chain(held.keys().filter(|key| !expected.contains_key(*key)).cloned())
        .take(6)
        .collect()
}

async fn set_scope(admin: &Device, email: &str, sites: &[&str]) {
    let staff = admin.client.staff().await.unwrap();
    let member = staff.members.iter().find(|m| m.email.as_str() == email).unwrap();
    let scope = SyncScope { sites: sites.iter().map(|s| s.to_string()).collect(), ..Default::default() };
    let update = StaffUpdate { scope: Some(scope), ..Default::default() };
    let after = admin.client.update_staff(member.user_id, &update).await.unwrap();
    assert_eq!(after.scope.sites.len(), sites.len());
}

/// The coordinator's device against what a scope of `sites` holds on the server (as
/// the administrator, who holds everything, pulls it).
async fn assert_holds_its_scope(admin: &Device, coordinator: &Device, sites: &[&str], context: &str) {
    let server = live(&server_snapshot(&admin.client).await);
    let workers = (!sites.is_empty()).then(|| workers_at(&server, sites));
    assert_holds(&server, coordinator, workers.as_ref(), context);
}

/// The device against the server's rows for `workers` (None: the whole organization).
fn assert_holds(server: &Snapshot, coordinator: &Device, workers: Option<&BTreeSet<String>>, context: &str) {
    let want = workers.map_or_else(|| server.clone(), |workers| expected(server, workers));
    let held = live(&device_snapshot(&coordinator.store));
    let differing = differences(&want, &held);
    assert!(differing.is_empty(), "{context}: the device differs from its scope at {differing:?}");
    // Not even a tombstone of a worker outside the scope.
    if let Some(workers) = workers {
        let all = device_snapshot(&coordinator.store);
        let strays: Vec<_> = all
            .iter()
            .filter(|((kind, _), (row, _))| worker_of(&all, *kind, row).is_some_and(|w| !workers.contains(&w)))
            .map(|(key, _)| key.clone())
            .take(5)
            .collect();
        assert!(strays.is_empty(), "{context}: rows of workers outside the scope, tombstones too: {strays:?}");
    }
}

fn site_of(worker: &Worker) -> Option<&str> {
    match worker.custom_attributes.get("site") {
        Some(AttributeValue::Text(site)) => Some(site),
        _ => None,
    }
}

fn worker_at(admin: &Device, site: &str, skip: usize) -> Worker {
    admin.store.list_all::<Worker>(&[]).unwrap().into_iter().filter(|w| site_of(w) == Some(site)).nth(skip).unwrap()
}

fn move_to(admin: &Device, worker: &Worker, site: &str) {
    let mut moved = admin.store.get::<Worker>(&worker.row_key()).unwrap().unwrap();
    let mut attributes: std::collections::BTreeMap<String, AttributeValue> = moved.custom_attributes.clone().into();
    attributes.insert("site".into(), AttributeValue::Text(site.into()));
    moved.custom_attributes = CustomAttributes::try_from(attributes).unwrap();
    admin.store.update(&moved).unwrap();
}

/// The demo organization on a server of its own, and its administrator's device.
async fn demo_organization() -> (TestDatabase, String, Device) {
    let db = TestDatabase::migrated().await;
    demo::seed(&db.pool).await.unwrap();
    let base = spawn_server(&db.pool).await;
    let admin = device(&base, "admin@lakeside.example").await;
    (db, base, admin)
}

/// A token of a fresh sign-in, for requests made by hand.
async fn login_token(base: &str, email: &str) -> String {
    let body = json!({"email": email, "password": demo::DEMO_PASSWORD, "device_name": "Laptop"});
    let response = http().build().unwrap().post(format!("{base}/v1/auth/login")).json(&body).send().await.unwrap();
    let answer: serde_json::Value = response.json().await.unwrap();
    answer["token"].as_str().unwrap().to_owned()
}

#[tokio::test]
async fn a_coordinators_laptop_holds_the_workers_of_its_scope_and_no_other() {
    let (db, base, admin) = demo_organization().await;
    let coordinator = device(&base, "coordinator@lakeside.example").await;
    let everyone = coordinator.store.list_all::<Worker>(&[]).unwrap().len();
    assert_eq!(everyone, 200, "without a scope, the whole organization");

    // Given a scope (typed in another case), the device drops every other worker.
    set_scope(&admin, "coordinator@lakeside.example", &["kisumu"]).await;
    let report = sync(&coordinator.store, &coordinator.client, |_| {}).await.unwrap();
    assert_eq!(report.rejected, 0);
    assert_holds_its_scope(&admin, &coordinator, &["Kisumu"], "after the scope is set").await;
    assert_eq!(coordinator.store.list_all::<Worker>(&[]).unwrap().len(), 50);
    let held = coordinator.store.held_scope().unwrap().unwrap();
    assert!(held.split_once('.').is_some_and(|(hash, _)| hash.len() == 32), "{held}");
    // At the head, holding that set, a pull reads nothing and says nothing new; the
    // cursor it gives is the head, past the rows of other sites' workers.
    let cursor = coordinator.store.device().pull_cursor;
    let page = coordinator.client.pull_holding(cursor, 1000, None, Some(&held)).await.unwrap();
    assert!(page.rows.is_empty() && page.up_to_date && page.scope.is_none(), "{page:?}");
    assert_eq!(page.cursor, page.head);
    // The same set, but of a scope edited since: named again.
    set_scope(&admin, "coordinator@lakeside.example", &["Kisumu"]).await;
    let page = coordinator.client.pull_holding(cursor, 1000, None, Some(&held)).await.unwrap();
    assert!(matches!(page.scope, Some(stride_domain::scope::PulledScope::Workers { .. })), "{page:?}");
    sync(&coordinator.store, &coordinator.client, |_| {}).await.unwrap();

    // A worker moved into the scope arrives with the rows it had before (its
    // enrollments and progress, older than the device's cursor).
    let arriving = worker_at(&admin, "Kericho", 0);
    assert!(
        admin.store.list_all::<WorkerAssignment>(&[]).unwrap().iter().any(|a| a.worker_id == arriving.id),
        "the demo enrolled this worker"
    );
    move_to(&admin, &arriving, "Kisumu");
    sync(&admin.store, &admin.client, |_| {}).await.unwrap();
    sync(&coordinator.store, &coordinator.client, |_| {}).await.unwrap();
    assert_holds_its_scope(&admin, &coordinator, &["Kisumu"], "after a worker moved in").await;
    assert!(coordinator.store.get::<Worker>(&arriving.row_key()).unwrap().is_some());

    // A worker moved out while the coordinator edited them offline: the edit reaches
    // the server, and then the worker leaves the laptop.
    let leaving = worker_at(&admin, "Kisumu", 3);
    let mut edited = coordinator.store.get::<Worker>(&leaving.row_key()).unwrap().unwrap();
    edited.full_name = Name::parse("Edited Offline").unwrap();
    coordinator.store.update(&edited).unwrap();
    move_to(&admin, &leaving, "Eldoret");
    sync(&admin.store, &admin.client, |_| {}).await.unwrap();
    let report = sync(&coordinator.store, &coordinator.client, |_| {}).await.unwrap();
    assert_eq!((report.pushed, report.rejected), (1, 0), "the waiting edit is taken");
    assert!(coordinator.store.get::<Worker>(&leaving.row_key()).unwrap().is_none(), "and the worker left");
    sync(&admin.store, &admin.client, |_| {}).await.unwrap();
    let on_server = admin.store.get::<Worker>(&leaving.row_key()).unwrap().unwrap();
    assert_eq!(on_server.full_name.as_str(), "Edited Offline");
    assert_eq!(site_of(&on_server), Some("Eldoret"));
    assert_holds_its_scope(&admin, &coordinator, &["Kisumu"], "after a worker moved out").await;

    // A change made while the pull that drops its worker is applied (here: the pull
    // alone, with the change already waiting): the worker stays until the next sync,
    // whose push takes the change up, and then leaves.
    let late = worker_at(&admin, "Kisumu", 4);
    move_to(&admin, &late, "Kericho");
    sync(&admin.store, &admin.client, |_| {}).await.unwrap();
    let mut edited = coordinator.store.get::<Worker>(&late.row_key()).unwrap().unwrap();
    edited.full_name = Name::parse("Edited While Pulling").unwrap();
    coordinator.store.update(&edited).unwrap();
    let held = coordinator.store.held_scope().unwrap();
    let device = coordinator.store.device();
    let page = coordinator.client.pull_holding(device.pull_cursor, 1000, None, held.as_deref()).await.unwrap();
    assert!(matches!(page.scope, Some(stride_domain::scope::PulledScope::Workers { .. })));
    coordinator.store.apply_pulled(&page).unwrap();
    assert!(coordinator.store.get::<Worker>(&late.row_key()).unwrap().is_some(), "kept for its waiting change");
    assert_eq!(coordinator.store.held_scope().unwrap().as_deref(), Some(""), "and the set asked for again");
    let report = sync(&coordinator.store, &coordinator.client, |_| {}).await.unwrap();
    assert_eq!((report.pushed, report.rejected), (1, 0), "the waiting edit is taken");
    assert!(coordinator.store.get::<Worker>(&late.row_key()).unwrap().is_none(), "and the worker left");
    sync(&admin.store, &admin.client, |_| {}).await.unwrap();
    assert_eq!(admin.store.get::<Worker>(&late.row_key()).unwrap().unwrap().full_name.as_str(), "Edited While Pulling");
    assert_holds_its_scope(&admin, &coordinator, &["Kisumu"], "after a change made during a pull").await;

    // The server holds a push to the scope: a change of a worker the device was never
    // given is refused, a worker it adds is taken.
    let outside = worker_at(&admin, "Naivasha", 0);
    let hlc = Hlc { wall_ms: Timestamp::now().millis(), counter: 0, node: coordinator.store.device().device_id };
    let change = |key: String, fields: serde_json::Value| Change {
        change_id: ChangeId::new(),
        entity: EntityKind::Workers,
        row_key: RowKey::from_text(key),
        op: ChangeOp::Upsert,
        fields: fields.as_object().unwrap().clone(),
        hlc,
        base: Default::default(),
    };
    let added = WorkerId::new();
    let now = Timestamp::now().to_string();
    let org = coordinator.store.device().organization_id.unwrap();
    let request = PushRequest {
        changes: vec![
            PushedChange {
                seq: 1000,
                change: change(outside.id.to_string(), json!({"full_name": "Not Yours"})),
                author: None,
            },
            PushedChange {
                seq: 1001,
                change: change(
                    added.to_string(),
                    json!({"id": added, "organization_id": org, "full_name": "New At Kisumu",
                           "custom_attributes": {"site": "Kisumu"}, "created_at": now, "updated_at": now}),
                ),
                author: None,
            },
        ],
    };
    let response = coordinator.client.push(&request).await.unwrap();
    assert!(
        matches!(&response.results[0].outcome, Outcome::Rejected { code: ErrorCode::OutOfScope, .. }),
        "{:?}",
        response.results
    );
    assert_eq!(response.results[1].outcome, Outcome::Applied);
    // Nor through the rows that belong to such a worker: their progress (found through
    // its enrollment), or a new enrollment of theirs.
    let enrollment =
        admin.store.list_all::<WorkerAssignment>(&[]).unwrap().into_iter().find(|a| a.worker_id == outside.id).unwrap();
    let progress = admin
        .store
        .list_all::<WorkerProgress>(&[])
        .unwrap()
        .into_iter()
        .find(|p| p.worker_assignment_id == enrollment.id)
        .unwrap();
    let program = admin.store.list_all::<Program>(&[]).unwrap().into_iter().find(|p| p.id != enrollment.program_id);
    let mut changes = vec![Change {
        entity: EntityKind::WorkerProgress,
        ..change(progress.id.to_string(), json!({"feedback_text": "seen"}))
    }];
    if let Some(program) = program {
        let id = WorkerAssignmentId::of(program.id, outside.id);
        changes.push(Change {
            entity: EntityKind::WorkerAssignments,
            ..change(
                id.to_string(),
                json!({"id": id, "organization_id": org, "worker_id": outside.id, "program_id": program.id,
                       "status": "active", "enrollment_date": now, "created_at": now, "updated_at": now}),
            )
        });
    }
    let request = PushRequest {
        changes: changes
            .into_iter()
            .enumerate()
            .map(|(i, change)| PushedChange { seq: 1002 + i as i64, change, author: None })
            .collect(),
    };
    let response = coordinator.client.push(&request).await.unwrap();
    for result in &response.results {
        assert!(matches!(&result.outcome, Outcome::Rejected { code: ErrorCode::OutOfScope, .. }), "{result:?}");
    }
    sync(&admin.store, &admin.client, |_| {}).await.unwrap();
    assert_eq!(admin.store.get::<Worker>(&outside.row_key()).unwrap().unwrap().full_name, outside.full_name);

    // Nor can it read a worker outside its scope by naming it in a backfill.
    let backfill = BackfillRequest {
        workers: vec![outside.id, added],
        through: i64::MAX,
        cursor: 0,
        limit: 100,
        layout: PageLayout::Rows,
    };
    let page = coordinator.client.backfill(&backfill).await.unwrap();
    assert!(page.rows.iter().all(|row| row.row.get("id").and_then(|v| v.as_str()) != Some(&outside.id.to_string())));
    assert!(page.rows.iter().any(|row| row.entity == EntityKind::Workers), "its own new worker is there");

    // The scope taken away: the device pulls the whole organization again.
    set_scope(&admin, "coordinator@lakeside.example", &[]).await;
    sync(&coordinator.store, &coordinator.client, |_| {}).await.unwrap();
    assert_holds_its_scope(&admin, &coordinator, &[], "after the scope is taken away").await;
    assert_eq!(coordinator.store.held_scope().unwrap(), None);
    db.drop().await;
}

#[tokio::test]
async fn a_scope_of_a_program_and_a_listed_segment_follows_enrollments_and_memberships() {
    let (db, base, admin) = demo_organization().await;
    let coordinator = device(&base, "coordinator2@lakeside.example").await;
    let org = admin.store.device().organization_id.unwrap();
    let program = admin.store.list_all::<Program>(&[]).unwrap().remove(0);
    let enrolled = |store: &stride_store::Store| -> BTreeSet<WorkerId> {
        store.list_all::<WorkerAssignment>(&[]).unwrap().into_iter().map(|a| a.worker_id).collect()
    };
    let outside: Vec<Worker> = admin
        .store
        .list_all::<Worker>(&[])
        .unwrap()
        .into_iter()
        .filter(|w| !enrolled(&admin.store).contains(&w.id))
        .collect();
    assert!(outside.len() >= 3, "the demo leaves some workers out of its program");
    // A segment whose members are listed by hand: two of the workers not enrolled.
    let now = Timestamp::now();
    let night = Segment {
        id: SegmentId::new(),
        organization_id: org,
        name: Name::parse("Night shift").unwrap(),
        rule_definition: None,
        created_at: now,
        updated_at: now,
    };
    admin
        .store
        .write(|w| {
            w.create(&night)?;
            for worker in &outside[..2] {
                w.create(&WorkerSegment {
                    worker_id: worker.id,
                    segment_id: night.id,
                    organization_id: org,
                    assigned_at: now,
                })?;
            }
            Ok(())
        })
        .unwrap();
    sync(&admin.store, &admin.client, |_| {}).await.unwrap();
    let staff = admin.client.staff().await.unwrap();
    let cyrus = staff.members.iter().find(|m| m.email.as_str() == "coordinator2@lakeside.example").unwrap();
    let scope = SyncScope { programs: vec![program.id], segments: vec![night.id], ..Default::default() };
    admin.client.update_staff(cyrus.user_id, &StaffUpdate { scope: Some(scope), ..Default::default() }).await.unwrap();

    let held = |server: &Snapshot| -> BTreeSet<String> {
        let mut workers: BTreeSet<String> = server
            .iter()
            .filter(|((kind, _), _)| *kind == EntityKind::WorkerAssignments)
            .filter(|(_, (row, _))| column(row, "program_id") == Some(program.id.to_string()))
            .filter_map(|(_, (row, _))| column(row, "worker_id"))
            .collect();
        workers.extend(
            server
                .iter()
                .filter(|((kind, _), (row, _))| {
                    *kind == EntityKind::WorkerSegment && column(row, "segment_id") == Some(night.id.to_string())
                })
                .filter_map(|(_, (row, _))| column(row, "worker_id")),
        );
        workers
    };
    sync(&coordinator.store, &coordinator.client, |_| {}).await.unwrap();
    let server = live(&server_snapshot(&admin.client).await);
    let workers = held(&server);
    assert_eq!(workers.len(), enrolled(&admin.store).len() + 2);
    assert_holds(&server, &coordinator, Some(&workers), "a program and a segment");

    // Enrolled in the program: the worker arrives. Out of the segment: they leave.
    admin.store.write(|w| w.enroll(program.id, outside[2].id).map(|_| ())).unwrap();
    admin.store.delete::<WorkerSegment>(&RowKey::pair(outside[0].id, night.id)).unwrap();
    sync(&admin.store, &admin.client, |_| {}).await.unwrap();
    sync(&coordinator.store, &coordinator.client, |_| {}).await.unwrap();
    let server = live(&server_snapshot(&admin.client).await);
    let workers = held(&server);
    assert!(workers.contains(&outside[2].id.to_string()) && !workers.contains(&outside[0].id.to_string()));
    assert_holds(&server, &coordinator, Some(&workers), "after an enrollment and a membership ended");
    assert!(coordinator.store.get::<Worker>(&outside[0].row_key()).unwrap().is_none());
    db.drop().await;
}

#[tokio::test]
async fn a_scope_names_sites_listed_segments_and_the_organizations_programs_and_only_administrators_set_it() {
    let (db, base, admin) = demo_organization().await;
    let staff = admin.client.staff().await.unwrap();
    let coordinator = staff.members.iter().find(|m| m.email.as_str() == "coordinator@lakeside.example").unwrap();
    let segment = admin.store.list_all::<Segment>(&[]).unwrap().remove(0);
    assert!(segment.rule_definition.is_some(), "the demo's segments are given by rules");
    let token = login_token(&base, "admin@lakeside.example").await;
    let patch = |body: serde_json::Value| {
        http()
            .build()
            .unwrap()
            .patch(format!("{base}/v1/staff/{}", coordinator.user_id))
            .bearer_auth(token.clone())
            .json(&body)
            .send()
    };
    for (body, status, problem) in [
        (json!({"scope": {"sites": ["  "]}}), 400, "scope.sites[0]"),
        (json!({"scope": {"segments": [segment.id]}}), 400, "is defined by a rule"),
        (json!({"scope": {"programs": [ProgramId::new()]}}), 400, "is not in this organization"),
        (json!({"scope": {"sites": ["Kisumu"], "regions": []}}), 422, "regions"),
    ] {
        let response = patch(body.clone()).await.unwrap();
        assert_eq!(response.status(), status, "{body}");
        let text = response.text().await.unwrap();
        assert!(text.contains(problem), "{body}: {text}");
    }
    let program = admin.store.list_all::<Program>(&[]).unwrap().remove(0);
    let response = patch(json!({"scope": {"sites": ["Kisumu", "kisumu "], "programs": [program.id]}})).await.unwrap();
    assert_eq!(response.status(), 200);
    let member: stride_domain::staff::StaffMember = response.json().await.unwrap();
    assert_eq!(member.scope.sites, ["Kisumu"], "each site once, tidied");
    assert_eq!(member.scope.programs, [program.id]);

    // A coordinator may not set their own (nor anyone's).
    let theirs = login_token(&base, "coordinator@lakeside.example").await;
    let response = http()
        .build()
        .unwrap()
        .patch(format!("{base}/v1/staff/{}", coordinator.user_id))
        .bearer_auth(theirs)
        .json(&json!({"scope": {}}))
        .send()
        .await
        .unwrap();
    assert_eq!(response.status(), 403);
    db.drop().await;
}

/// One step of the property: who does what, with which numbers.
#[derive(Debug, Clone)]
enum Step {
    /// The administrator gives a coordinator the sites of these bits (none: all).
    Scope {
        coordinator: usize,
        bits: u8,
    },
    /// The administrator moves a worker to a site.
    Move {
        worker: usize,
        site: usize,
    },
    /// A coordinator renames a worker it holds, offline.
    Edit {
        coordinator: usize,
        worker: usize,
    },
    AdminSyncs,
    CoordinatorSyncs(usize),
}

fn step() -> impl Strategy<Value = Step> {
    prop_oneof![
        (0..2usize, 0u8..16).prop_map(|(coordinator, bits)| Step::Scope { coordinator, bits }),
        (any::<usize>(), 0..4usize).prop_map(|(worker, site)| Step::Move { worker, site }),
        (0..2usize, any::<usize>()).prop_map(|(coordinator, worker)| Step::Edit { coordinator, worker }),
        Just(Step::AdminSyncs),
        (0..2usize).prop_map(Step::CoordinatorSyncs),
    ]
}

fn sites_of(bits: u8) -> Vec<&'static str> {
    SITES.iter().enumerate().filter(|(i, _)| bits & (1 << i) != 0).map(|(_, site)| *site).collect()
}

const COORDINATORS: [&str; 2] = ["coordinator@lakeside.example", "coordinator2@lakeside.example"];

async fn run_case(steps: Vec<Step>) {
    let (db, base, admin) = demo_organization().await;
    let coordinators = [device(&base, COORDINATORS[0]).await, device(&base, COORDINATORS[1]).await];
    let mut scopes: [Vec<&str>; 2] = [Vec::new(), Vec::new()];
    for (index, step) in steps.iter().enumerate() {
        match step {
            Step::Scope { coordinator, bits } => {
                scopes[*coordinator] = sites_of(*bits);
                set_scope(&admin, COORDINATORS[*coordinator], &scopes[*coordinator]).await;
            }
            Step::Move { worker, site } => {
                let workers = admin.store.list_all::<Worker>(&[]).unwrap();
                move_to(&admin, &workers[worker % workers.len()], SITES[*site]);
            }
            Step::Edit { coordinator, worker } => {
                let store = &coordinators[*coordinator].store;
                let workers = store.list_all::<Worker>(&[]).unwrap();
                if let Some(held) = workers.get(worker % workers.len().max(1)) {
                    let mut edited = held.clone();
                    edited.full_name = Name::parse(&format!("Edited {index}")).unwrap();
                    store.update(&edited).unwrap();
                }
            }
            Step::AdminSyncs => {
                sync(&admin.store, &admin.client, |_| {}).await.unwrap();
            }
            Step::CoordinatorSyncs(coordinator) => {
                let device = &coordinators[*coordinator];
                sync(&device.store, &device.client, |_| {}).await.unwrap();
            }
        }
    }
    for _ in 0..2 {
        sync(&admin.store, &admin.client, |_| {}).await.unwrap();
        for device in &coordinators {
            sync(&device.store, &device.client, |_| {}).await.unwrap();
        }
    }
    for (device, sites) in coordinators.iter().zip(&scopes) {
        let context = format!("scope {sites:?} after {steps:?}");
        assert_holds_its_scope(&admin, device, sites, &context).await;
        assert_eq!(device.store.pending_count().unwrap(), 0, "{context}");
        assert_eq!(device.store.rejected_count().unwrap(), 0, "nothing is refused: {context}");
    }
    db.drop().await;
}

#[test]
fn random_scope_changes_moves_and_offline_edits_leave_each_laptop_holding_exactly_its_scope() {
    let runtime = tokio::runtime::Builder::new_multi_thread().worker_threads(2).enable_all().build().unwrap();
    // Each case runs a server and three devices (seconds), so few cases.
    let config = ProptestConfig { cases: 5, max_shrink_iters: 32, ..ProptestConfig::default() };
    proptest!(config, |(case in prop::collection::vec(step(), 24..=36))| {
        runtime.block_on(run_case(case));
    });
}

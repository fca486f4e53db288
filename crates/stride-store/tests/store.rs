//! The device store against a real SQLite file: every entity's writes and their outbox
//! entries, failed writes that leave nothing, tombstones, paging and worker search.

#![allow(clippy::unwrap_used)] // a failed unwrap is a failed test
#![allow(clippy::disallowed_methods)] // test rows are stamped by the wall clock

mod common;

use common::{device, name, organization, worker, Device};
use serde_json::{json, Value};
use stride_domain::*;
use stride_store::{Filter, ListQuery, OutboxEntry, Store, StoreError, WorkerSearch};

fn last_change(store: &Store, entity: EntityKind, key: &RowKey) -> OutboxEntry {
    store.changes_of_row(entity, key).unwrap().pop().expect("an outbox entry")
}

fn field_names(entry: &OutboxEntry) -> Vec<&str> {
    entry.change.fields.keys().map(String::as_str).collect()
}

/// Creates `entity`, edits it with `edit`, and checks the outbox after each step: the
/// create records every column, the edit only what changed (plus updated_at).
fn create_and_edit<E: Entity>(store: &Store, entity: &E, edit: impl FnOnce(&mut E), edited: &[&str]) {
    let key = entity.row_key();
    let before = store.pending_count().unwrap();
    store.create(entity).unwrap();
    assert_eq!(store.get::<E>(&key).unwrap().as_ref(), Some(entity), "{:?} reads back as written", E::KIND);
    let created = last_change(store, E::KIND, &key);
    assert_eq!(created.change.op, ChangeOp::Upsert);
    let all: Vec<&str> = E::KIND.spec().columns.iter().map(|c| c.name).collect();
    let mut recorded = field_names(&created);
    recorded.sort_unstable();
    let mut expected = all.clone();
    expected.sort_unstable();
    assert_eq!(recorded, expected, "{:?}: a create records every column", E::KIND);

    let mut changed = entity.clone();
    edit(&mut changed);
    let columns = store.update(&changed).unwrap();
    let mut expected: Vec<&str> = edited.to_vec();
    if E::KIND.spec().has_column("updated_at") {
        expected.push("updated_at");
    }
    assert_eq!(columns, expected, "{:?}: changed columns", E::KIND);
    let updated = last_change(store, E::KIND, &key);
    assert_eq!(field_names(&updated).len(), expected.len());
    for column in &expected {
        assert!(updated.change.fields.contains_key(*column), "{:?}: {column} recorded", E::KIND);
    }
    assert!(updated.seq > created.seq && updated.change.hlc > created.change.hlc);
    assert_eq!(store.pending_count().unwrap(), before + 2);
    assert_eq!(store.update(&changed).unwrap(), Vec::<&str>::new(), "an update that changes nothing writes nothing");
    assert_eq!(store.pending_count().unwrap(), before + 2);
}

fn delete<E: Entity>(store: &Store, key: &RowKey) {
    store.delete::<E>(key).unwrap();
    assert_eq!(store.get::<E>(key).unwrap(), None, "{:?}: a deleted row is not read", E::KIND);
    let entry = last_change(store, E::KIND, key);
    assert_eq!(entry.change.op, ChangeOp::Delete);
    let tombstones = store.list::<E>(&ListQuery { include_deleted: true, ..Default::default() }).unwrap();
    assert!(tombstones.items.iter().any(|row| &row.row_key() == key), "{:?}: the tombstone stays", E::KIND);
}

#[test]
fn every_entity_is_created_edited_and_deleted_with_an_outbox_entry_for_each_write() {
    let Device { store, org, .. } = &device();
    let org_id = org.id;
    let now = Timestamp::now();
    let json_object = |value: Value| JsonObject::try_from(value).unwrap();

    let user = User {
        id: UserId::new(),
        organization_id: org_id,
        email: Email::parse("trainer@lakeside.example").unwrap(),
        role: Role::TrainingManager,
        display_name: Some(name("Grace")),
        created_at: now,
        updated_at: now,
        deactivated_at: None,
    };
    create_and_edit(store, &user, |u| u.role = Role::ProgramManager, &["role"]);

    let amina = worker(org_id, "Amina Wanjiru", Some("+254712345678"));
    create_and_edit(store, &amina, |w| w.phone_number = None, &["phone_number"]);

    let segment = Segment {
        id: SegmentId::new(),
        organization_id: org_id,
        name: name("Night shift"),
        rule_definition: Some(json_object(json!({"all": [{"field": "site", "op": "eq", "value": "Kisumu"}]}))),
        created_at: now,
        updated_at: now,
    };
    create_and_edit(store, &segment, |s| s.name = name("Night shift, Kisumu"), &["name"]);

    let link = WorkerSegment { worker_id: amina.id, segment_id: segment.id, organization_id: org_id, assigned_at: now };
    create_and_edit(
        store,
        &link,
        |l| l.assigned_at = Timestamp::from_millis(now.millis() + 1000).unwrap(),
        &["assigned_at"],
    );

    let content = Content {
        id: ContentId::new(),
        organization_id: org_id,
        content_type: ContentType::Video,
        title: Some(name("Lifting safely")),
        description: None,
        media_url: Some("https://media.example/lifting.mp4".into()),
        license_type: Some(LicenseType::Free),
        created_at: now,
        updated_at: now,
        source: Source::default(),
    };
    create_and_edit(store, &content, |c| c.content_type = ContentType::Quiz, &["type"]);

    let journey = JourneyBlueprint {
        id: JourneyBlueprintId::new(),
        organization_id: org_id,
        title: name("Safety basics"),
        purpose: Some("Fewer injuries".into()),
        created_by: Some(user.id),
        updated_by: Some(user.id),
        created_at: now,
        updated_at: now,
        source: Source::default(),
        licensed_until: None,
    };
    create_and_edit(store, &journey, |j| j.purpose = None, &["purpose"]);

    let phase = Phase {
        id: PhaseId::new(),
        journey_blueprint_id: journey.id,
        organization_id: org_id,
        name: name("Week 1"),
        sequence_order: 1,
        source: Source::default(),
    };
    create_and_edit(store, &phase, |p| p.sequence_order = 2, &["sequence_order"]);

    let touchpoint = Touchpoint {
        id: TouchpointId::new(),
        phase_id: phase.id,
        content_id: content.id,
        organization_id: org_id,
        rule_logic: None,
        created_at: now,
        updated_at: now,
        source: Source::default(),
    };
    create_and_edit(
        store,
        &touchpoint,
        |t| t.rule_logic = Some(json_object(json!({"after_days": 3}))),
        &["rule_logic"],
    );

    let program = Program {
        id: ProgramId::new(),
        organization_id: org_id,
        name: name("Harvest 2026"),
        start_date: Some(parse_date("2026-11-01").unwrap()),
        end_date: Some(parse_date("2026-12-31").unwrap()),
        created_by: Some(user.id),
        updated_by: None,
        created_at: now,
        updated_at: now,
    };
    create_and_edit(store, &program, |p| p.updated_by = Some(user.id), &["updated_by"]);

    let program_journey = ProgramBlueprint {
        id: ProgramBlueprintId::new(),
        program_id: program.id,
        journey_blueprint_id: journey.id,
        organization_id: org_id,
        order_in_program: 1,
    };
    create_and_edit(store, &program_journey, |p| p.order_in_program = 3, &["order_in_program"]);

    let assignment = WorkerAssignment {
        id: WorkerAssignmentId::new(),
        program_id: program.id,
        worker_id: amina.id,
        organization_id: org_id,
        enrollment_date: now,
        status: AssignmentStatus::Active,
        created_at: now,
        updated_at: now,
    };
    create_and_edit(store, &assignment, |a| a.status = AssignmentStatus::Completed, &["status"]);

    let progress = WorkerProgress {
        id: WorkerProgressId::new(),
        worker_assignment_id: assignment.id,
        touchpoint_id: touchpoint.id,
        organization_id: org_id,
        started_at: Some(now),
        completed_at: None,
        score: None,
        feedback_text: None,
        created_at: now,
        updated_at: now,
    };
    create_and_edit(
        store,
        &progress,
        |p| {
            p.completed_at = Some(now);
            p.score = Some(Score::new(88.25).unwrap());
        },
        &["completed_at", "score"],
    );

    let experiment = Experiment {
        id: ExperimentId::new(),
        organization_id: org_id,
        experiment_type: ExperimentType::JourneyLevel,
        name: name("Video or text"),
        status: ExperimentStatus::Draft,
        start_date: None,
        end_date: None,
        created_by: None,
        updated_by: None,
        created_at: now,
        updated_at: now,
        program_id: None,
        segment_id: None,
    };
    create_and_edit(store, &experiment, |e| e.status = ExperimentStatus::Active, &["status"]);

    let variant = ExperimentVariant {
        id: ExperimentVariantId::new(),
        experiment_id: experiment.id,
        organization_id: org_id,
        variant_name: name("A"),
        variant_details: Some(json_object(json!({"weight": 50}))),
        created_at: now,
        updated_at: now,
    };
    create_and_edit(
        store,
        &variant,
        |v| v.variant_details = Some(json_object(json!({"weight": 70}))),
        &["variant_details"],
    );

    let experiment_assignment = ExperimentAssignment {
        id: ExperimentAssignmentId::new(),
        experiment_variant_id: variant.id,
        worker_id: Some(amina.id),
        organization_id: org_id,
        assigned_at: now,
    };
    create_and_edit(store, &experiment_assignment, |a| a.worker_id = None, &["worker_id"]);

    let badge = Badge {
        id: BadgeId::new(),
        organization_id: org_id,
        name: name("First week"),
        description: None,
        icon_url: None,
        created_at: now,
        updated_at: now,
        award_rule: None,
    };
    create_and_edit(store, &badge, |b| b.description = Some("Finished week one".into()), &["description"]);

    let award = WorkerBadge { worker_id: amina.id, badge_id: badge.id, organization_id: org_id, awarded_at: now };
    create_and_edit(
        store,
        &award,
        |a| a.awarded_at = Timestamp::from_millis(now.millis() + 5).unwrap(),
        &["awarded_at"],
    );

    // Deleting leaves tombstones, children and parents alike.
    delete::<WorkerBadge>(store, &award.row_key());
    delete::<Badge>(store, &badge.row_key());
    delete::<ExperimentAssignment>(store, &experiment_assignment.row_key());
    delete::<ExperimentVariant>(store, &variant.row_key());
    delete::<Experiment>(store, &experiment.row_key());
    delete::<WorkerProgress>(store, &progress.row_key());
    delete::<WorkerAssignment>(store, &assignment.row_key());
    delete::<ProgramBlueprint>(store, &program_journey.row_key());
    delete::<Program>(store, &program.row_key());
    delete::<Touchpoint>(store, &touchpoint.row_key());
    delete::<Phase>(store, &phase.row_key());
    delete::<JourneyBlueprint>(store, &journey.row_key());
    delete::<Content>(store, &content.row_key());
    delete::<WorkerSegment>(store, &link.row_key());
    delete::<Segment>(store, &segment.row_key());
    delete::<Worker>(store, &amina.row_key());
    delete::<User>(store, &user.row_key());

    // 17 entities, 3 writes each, in one gap-free sequence.
    let entries = store.pending_changes(0, 1000).unwrap();
    assert_eq!(entries.len(), 17 * 3);
    assert!(entries.windows(2).all(|pair| pair[1].seq == pair[0].seq + 1 && pair[1].change.hlc > pair[0].change.hlc));

    // A link row comes back to life when created again.
    store.create(&link).unwrap();
    assert_eq!(store.get::<WorkerSegment>(&link.row_key()).unwrap(), Some(link));
}

#[test]
fn a_failed_write_leaves_neither_the_row_nor_an_outbox_entry() {
    let Device { store, org, .. } = &device();
    let amina = worker(org.id, "Amina Wanjiru", None);
    store.create(&amina).unwrap();
    let before = store.pending_count().unwrap();

    // A reference to a row that does not exist is refused, naming the field.
    let now = Timestamp::now();
    let orphan = WorkerAssignment {
        id: WorkerAssignmentId::new(),
        program_id: ProgramId::new(),
        worker_id: amina.id,
        organization_id: org.id,
        enrollment_date: now,
        status: AssignmentStatus::Active,
        created_at: now,
        updated_at: now,
    };
    let err = store.create(&orphan).unwrap_err();
    assert_eq!((err.code(), err.field()), (ErrorCode::InvalidInput, Some("program_id")), "{err}");
    assert_eq!(store.get::<WorkerAssignment>(&orphan.row_key()).unwrap(), None);

    // A rule across fields: a program may not end before it starts.
    let backwards = Program {
        id: ProgramId::new(),
        organization_id: org.id,
        name: name("Backwards"),
        start_date: Some(parse_date("2026-12-01").unwrap()),
        end_date: Some(parse_date("2026-11-01").unwrap()),
        created_by: None,
        updated_by: None,
        created_at: now,
        updated_at: now,
    };
    assert_eq!(store.create(&backwards).unwrap_err().field(), Some("end_date"));

    // A row of another organization.
    let stranger = worker(OrganizationId::new(), "Somebody Else", None);
    assert_eq!(store.create(&stranger).unwrap_err().code(), ErrorCode::WrongOrganization);

    // The same key twice; an update of a row that is not there; a changed creation time.
    assert_eq!(store.create(&amina).unwrap_err().code(), ErrorCode::AlreadyExists);
    assert_eq!(store.update(&worker(org.id, "Nobody", None)).unwrap_err().code(), ErrorCode::NotFound);
    let mut rewritten = amina.clone();
    rewritten.created_at = Timestamp::from_millis(0).unwrap();
    let immutable = store.update(&rewritten).unwrap_err();
    assert_eq!((immutable.code(), immutable.field()), (ErrorCode::InvalidInput, Some("created_at")));

    // A transaction whose second write fails takes its first write back with it.
    let zawadi = worker(org.id, "Zawadi Otieno", None);
    let err = store
        .write(|w| {
            w.create(&zawadi)?;
            w.create(&orphan)
        })
        .unwrap_err();
    assert_eq!(err.code(), ErrorCode::InvalidInput);
    assert_eq!(store.get::<Worker>(&zawadi.row_key()).unwrap(), None);

    assert_eq!(store.pending_count().unwrap(), before, "no failed write left an outbox entry");
    assert_eq!(store.get::<Worker>(&amina.row_key()).unwrap(), Some(amina));
}

#[test]
fn lists_page_and_filter_and_refuse_unknown_columns() {
    let Device { store, org, .. } = &device();
    let workers: Vec<Worker> = (0..25).map(|i| worker(org.id, &format!("Worker {i:02}"), None)).collect();
    store.write(|w| workers.iter().try_for_each(|worker| w.create(worker))).unwrap();
    store.delete::<Worker>(&workers[3].row_key()).unwrap();

    let first = store.list::<Worker>(&ListQuery { limit: 10, ..Default::default() }).unwrap();
    assert_eq!((first.items.len(), first.total, first.next_offset()), (10, 24, Some(10)));
    let last = store.list::<Worker>(&ListQuery { limit: 10, offset: 20, ..Default::default() }).unwrap();
    assert_eq!((last.items.len(), last.next_offset()), (4, None));

    let filtered = store
        .list::<Worker>(&ListQuery { filters: vec![Filter::new("full_name", "Worker 07")], ..Default::default() })
        .unwrap();
    assert_eq!(filtered.items, vec![workers[7].clone()]);

    // All of them at once, in key order, without the deleted one.
    let everyone = store.list_all::<Worker>(&[]).unwrap();
    assert_eq!(everyone.len(), 24);
    assert!(everyone.iter().all(|w| w.id != workers[3].id) && everyone.windows(2).all(|p| p[0].id < p[1].id));
    assert_eq!(store.list_all::<Worker>(&[Filter::new("full_name", "Worker 07")]).unwrap(), vec![workers[7].clone()]);
    assert!(matches!(
        store.list_all::<Worker>(&[Filter::new("shoe_size", 42)]).unwrap_err(),
        StoreError::UnknownColumn { .. }
    ));

    let err = store
        .list::<Worker>(&ListQuery {
            filters: vec![Filter::new("1=1; DROP TABLE workers; --", 1)],
            ..Default::default()
        })
        .unwrap_err();
    assert!(matches!(err, StoreError::UnknownColumn { .. }));
}

#[test]
fn workers_are_found_by_any_part_of_name_or_phone_as_typed() {
    let Device { store, org, .. } = &device();
    let amina = worker(org.id, "Amina Wanjiru", Some("+254712345678"));
    let khalid = worker(org.id, "Khalid Ali", Some("+254733000111"));
    let zawadi = worker(org.id, "Zawadi Otieno", None);
    store.write(|w| [&amina, &khalid, &zawadi].into_iter().try_for_each(|worker| w.create(worker))).unwrap();

    let names = |text: &str| -> Vec<String> {
        let page =
            store.search_workers(&WorkerSearch { text: text.into(), limit: 50, ..WorkerSearch::default() }).unwrap();
        assert_eq!(page.total as usize, page.items.len());
        page.items.into_iter().map(|w| w.full_name.to_string()).collect()
    };
    assert_eq!(names(""), ["Amina Wanjiru", "Khalid Ali", "Zawadi Otieno"]);
    assert_eq!(names("ali"), ["Khalid Ali"], "a substring, in any case");
    assert_eq!(names("wanj"), ["Amina Wanjiru"]);
    assert_eq!(names("0712 345"), ["Amina Wanjiru"], "a national number as typed");
    assert_eq!(names("+254 733"), ["Khalid Ali"]);
    assert_eq!(names("za"), ["Zawadi Otieno"], "short text matches the start of a name");
    assert_eq!(names("\"); DROP"), Vec::<String>::new(), "query syntax is only text");

    // The index follows edits and deletions.
    let mut renamed = zawadi.clone();
    renamed.full_name = name("Zawadi Achieng");
    store.update(&renamed).unwrap();
    assert_eq!(names("achieng"), ["Zawadi Achieng"]);
    assert_eq!(names("otieno"), Vec::<String>::new());
    store.delete::<Worker>(&khalid.row_key()).unwrap();
    assert_eq!(names("ali"), Vec::<String>::new());

    // Matches counted in their page, and past it: the same total either way.
    let neemas = [worker(org.id, "Neema Wambui", None), worker(org.id, "Neema Wanjala", None)];
    store.write(|w| neemas.iter().try_for_each(|worker| w.create(worker))).unwrap();
    let page = |text: &str, offset: u64| {
        store.search_workers(&WorkerSearch { text: text.into(), limit: 1, offset, ..WorkerSearch::default() }).unwrap()
    };
    for text in ["neema wa", "ne"] {
        assert_eq!((page(text, 0).items.len(), page(text, 0).total), (1, 2), "{text}");
        assert_eq!((page(text, 1).items.len(), page(text, 1).total), (1, 2), "{text}");
        assert_eq!((page(text, 5).items.len(), page(text, 5).total), (0, 2), "{text}: past the last match");
    }
}

#[test]
fn the_device_keeps_its_identity_clock_and_settings_across_restarts() {
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("nested/folder/stride.sqlite3");
    let org = organization();
    let keys = std::sync::Arc::new(stride_store::KeptInMemory::new());
    let (device_id, stamp) = {
        let store = Store::open(&path, keys.clone()).unwrap();
        assert_eq!(store.create(&worker(org.id, "Too Early", None)).unwrap_err().code(), ErrorCode::DeviceNotSetUp);
        store.set_up_organization(&org).unwrap();
        assert_eq!(store.set_up_organization(&organization()).unwrap_err().code(), ErrorCode::DeviceAlreadySetUp);
        store.set_default_calling_code(Some(&CallingCode::parse("254").unwrap())).unwrap();
        store.create(&worker(org.id, "Amina Wanjiru", None)).unwrap();
        let device = store.device();
        (device.device_id, device.hlc_last.unwrap())
    };
    let store = Store::open(&path, keys).unwrap();
    assert_eq!(store.device().device_id, device_id);
    assert_eq!(store.organization().unwrap(), Some(org.clone()));
    assert_eq!(store.default_calling_code().unwrap().unwrap().as_str(), "254");
    store.create(&worker(org.id, "Khalid Ali", None)).unwrap();
    assert!(store.device().hlc_last.unwrap() > stamp, "the clock continues after a restart");
}

#[test]
fn a_database_made_by_the_first_migration_is_upgraded_at_open_with_its_rows_intact() {
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("v1.sqlite3");
    let org = organization();
    {
        // What the first release wrote: its schema and rows, by plain SQL.
        let mut conn = rusqlite::Connection::open(&path).unwrap();
        stride_store::apply_migrations(&mut conn, &stride_store::DEVICE_MIGRATIONS[..1]).unwrap();
        common::insert_organization_row(&conn, &org);
        conn.execute(
            "INSERT INTO workers (id, organization_id, full_name, phone_number, custom_attributes, created_at, updated_at)
             VALUES ('0193a000-0000-7000-8000-000000000001', ?1, 'Amina Wanjiru', '+254712345678', '{\"site\":\"Kisumu\"}', ?2, ?2)",
            rusqlite::params![org.id.to_string(), org.created_at.to_string()],
        )
        .unwrap();
    }
    let store = Store::open(&path, std::sync::Arc::new(stride_store::KeptInMemory::new())).unwrap();
    assert_eq!(stride_store::DEVICE_MIGRATIONS.last().unwrap().version, store.schema_version().unwrap());
    let amina =
        store.get::<Worker>(&RowKey::from_text("0193a000-0000-7000-8000-000000000001".into())).unwrap().unwrap();
    assert_eq!(amina.full_name.as_str(), "Amina Wanjiru");
    assert_eq!(
        store
            .search_workers(&WorkerSearch { text: "712 345".into(), limit: 10, ..WorkerSearch::default() })
            .unwrap()
            .items,
        vec![amina]
    );
}

#[test]
fn a_pulled_row_never_overwrites_a_field_with_a_pending_local_change() {
    use stride_domain::api::{ChangeResult, Outcome, PullResponse, PulledRow};
    let Device { store, org, .. } = &device();
    let amina = worker(org.id, "Amina Wanjiru", Some("+254712345678"));
    store.create(&amina).unwrap();
    let mut renamed = amina.clone();
    renamed.full_name = name("Amina W. Otieno");
    store.update(&renamed).unwrap();

    // The server's copy differs in name (pending here) and in phone (not pending).
    let mut server_row = serde_json::to_value(&amina).unwrap();
    server_row["full_name"] = json!("Server Name");
    server_row["performance_metric"] = json!(55.0);
    let pulled = |row: Value, version: i64, deleted: bool| PulledRow {
        entity: EntityKind::Workers,
        version,
        deleted,
        row: row.as_object().unwrap().clone(),
    };
    // A page that ends at `cursor`, the organization's head then being 20.
    let page = |row: PulledRow, up_to_date: bool| PullResponse {
        cursor: row.version,
        rows: vec![row],
        tables: Vec::new(),
        up_to_date,
        head: 20,
        server_time_ms: 0,
        scope: None,
    };
    assert!(store.first_sync_completed_at().unwrap().is_none());
    let applied = store.apply_pulled(&page(pulled(server_row.clone(), 7, false), false)).unwrap();
    assert!(applied.kept_local_fields > 0);
    let local = store.get::<Worker>(&amina.row_key()).unwrap().unwrap();
    assert_eq!(local.full_name.as_str(), "Amina W. Otieno", "the pending name stays");
    assert_eq!(store.device().pull_cursor, 7);
    assert_eq!(store.device().first_sync_head, Some(20), "the head the first sync began at is kept");
    assert!(store.first_sync_completed_at().unwrap().is_none(), "not up to date yet");

    // Once the server has taken the changes, its copy is the truth.
    let taken: Vec<ChangeResult> = store
        .pending_changes(0, 10)
        .unwrap()
        .into_iter()
        .map(|e| ChangeResult { seq: e.seq, change_id: e.change.change_id, outcome: Outcome::Applied })
        .collect();
    store.record_push_results(&taken).unwrap();
    assert_eq!(store.pending_count().unwrap(), 0);
    store.apply_pulled(&page(pulled(server_row.clone(), 9, false), true)).unwrap();
    let local = store.get::<Worker>(&amina.row_key()).unwrap().unwrap();
    assert_eq!((local.full_name.as_str(), local.performance_metric.map(Score::value)), ("Server Name", Some(55.0)));
    assert!(store.first_sync_completed_at().unwrap().is_some());
    assert!(store.device().first_sync_done && store.device().first_sync_head.is_none(), "forgotten once done");

    // A tombstone from the server deletes the row here; a brand-new row arrives whole.
    store.apply_pulled(&page(pulled(server_row, 10, true), true)).unwrap();
    assert_eq!(store.get::<Worker>(&amina.row_key()).unwrap(), None);
    let newcomer = worker(org.id, "From Elsewhere", None);
    store.apply_pulled(&page(pulled(serde_json::to_value(&newcomer).unwrap(), 11, false), true)).unwrap();
    assert_eq!(store.get::<Worker>(&newcomer.row_key()).unwrap(), Some(newcomer));
    assert_eq!(store.pending_count().unwrap(), 0, "pulled rows are not changes to push");
}

#[test]
fn enrolling_someone_already_here_finds_them_by_phone_or_close_name() {
    use stride_domain::duplicates::DuplicateReason::{SamePhone, SimilarName};
    let Device { store, org, .. } = &device();
    let amina = worker(org.id, "Amina Wanjiru", Some("+254712345678"));
    let khalid = worker(org.id, "Khalid Ali", Some("+254733000111"));
    let gone = worker(org.id, "Amina Wanjiru", Some("+254700000000"));
    store.write(|w| [&amina, &khalid, &gone].into_iter().try_for_each(|worker| w.create(worker))).unwrap();
    store.delete::<Worker>(&gone.row_key()).unwrap();

    let found = |name_text: &str, phone: Option<&str>, except: Option<WorkerId>| {
        let phone = phone.map(|p| PhoneNumber::parse(p).unwrap());
        store
            .duplicate_candidates(&name(name_text), phone.as_ref(), except)
            .unwrap()
            .into_iter()
            .map(|c| (c.worker.full_name.to_string(), c.reasons))
            .collect::<Vec<_>>()
    };
    assert_eq!(
        found("Aminah Wanjru", None, None),
        [("Amina Wanjiru".to_owned(), vec![SimilarName])],
        "typos; not the deleted one"
    );
    assert_eq!(found("Somebody New", Some("+254733000111"), None), [("Khalid Ali".to_owned(), vec![SamePhone])]);
    assert_eq!(
        found("Wanjiru Amina", Some("+254712345678"), None),
        [("Amina Wanjiru".to_owned(), vec![SamePhone, SimilarName])]
    );
    assert!(found("Zawadi Otieno", Some("+254799999999"), None).is_empty());
    assert!(
        found("Amina Wanjiru", Some("+254712345678"), Some(amina.id)).is_empty(),
        "editing Amina does not flag Amina"
    );
}

#[test]
fn a_refused_change_goes_again_as_a_new_change_and_the_last_hundred_syncs_are_remembered() {
    use stride_domain::api::{ChangeResult, Outcome};
    use stride_store::{SyncRun, SyncStartedBy};
    let Device { store, org, .. } = &device();
    let amina = worker(org.id, "Amina Wanjiru", None);
    store.create(&amina).unwrap();
    let refused = store.pending_changes(0, 10).unwrap().remove(0);
    let outcome = Outcome::Rejected { code: ErrorCode::NotPermitted, reason: "a coordinator may not".into() };
    store
        .record_push_results(&[ChangeResult { seq: refused.seq, change_id: refused.change.change_id, outcome }])
        .unwrap();
    let waiting = store.rejected_changes(10).unwrap();
    assert_eq!(waiting.len(), 1);
    assert_eq!(waiting[0].rejection_code, Some(ErrorCode::NotPermitted));
    assert_eq!((store.pending_count().unwrap(), store.pending_by_entity().unwrap()), (0, vec![]));

    // The server took its sequence number: it goes again as a new change, stamped now.
    store.retry_rejected(refused.seq).unwrap();
    assert!(store.rejected_changes(10).unwrap().is_empty());
    let again = store.pending_changes(0, 10).unwrap();
    assert_eq!(again.len(), 1);
    assert!(again[0].seq > refused.seq && again[0].change.hlc > refused.change.hlc);
    assert_ne!(again[0].change.change_id, refused.change.change_id);
    assert_eq!((&again[0].change.fields, again[0].change.op), (&refused.change.fields, refused.change.op));
    assert_eq!(store.pending_by_entity().unwrap(), vec![(EntityKind::Workers, 1)]);
    assert_eq!(store.retry_rejected(refused.seq).unwrap_err().code(), ErrorCode::NotFound, "only a refused change");

    let now = Timestamp::now();
    for pushed in 0..105 {
        let error_code = (pushed % 2 == 1).then_some(ErrorCode::ServerUnreachable);
        let run = SyncRun {
            started_at: now,
            finished_at: now,
            started_by: SyncStartedBy::Background,
            pushed,
            rejected: 0,
            pulled: 7,
            retries: 1,
            error_code,
        };
        store.record_sync_run(&run).unwrap();
    }
    let runs = store.recent_sync_runs(500).unwrap();
    assert_eq!(runs.len(), 100, "the latest hundred");
    assert_eq!((runs[0].pushed, runs[0].error_code), (104, None));
    assert_eq!((runs[1].pushed, runs[1].error_code), (103, Some(ErrorCode::ServerUnreachable)));
    store.wipe().unwrap();
    assert!(store.recent_sync_runs(10).unwrap().is_empty(), "a wipe forgets the history too");
}

#[test]
fn deletes_follow_the_seeds_rules_and_the_plan_says_what_goes_first() {
    let Device { store, org, .. } = &device();
    let touchpoint = TouchpointId::new();
    let program = stride_store::fixtures::sample_program(store, &[(touchpoint, 1, None)]).unwrap();
    let amina = worker(org.id, "Amina Wanjiru", None);
    let now = Timestamp::now();
    let segment = Segment {
        id: SegmentId::new(),
        organization_id: org.id,
        name: name("Kisumu"),
        rule_definition: None,
        created_at: now,
        updated_at: now,
    };
    let experiment = Experiment {
        id: ExperimentId::new(),
        organization_id: org.id,
        experiment_type: ExperimentType::ProgramLevel,
        name: name("Reminders"),
        status: ExperimentStatus::Draft,
        start_date: None,
        end_date: None,
        created_by: None,
        updated_by: None,
        created_at: now,
        updated_at: now,
        program_id: Some(program),
        segment_id: None,
    };
    let enrollment = store
        .write(|w| {
            w.create(&amina)?;
            w.create(&segment)?;
            w.create(&WorkerSegment {
                worker_id: amina.id,
                segment_id: segment.id,
                organization_id: org.id,
                assigned_at: now,
            })?;
            w.create(&experiment)?;
            let (enrollment, _) = w.enroll(program, amina.id)?;
            w.create(&WorkerProgress {
                id: WorkerProgressId::new(),
                worker_assignment_id: enrollment.id,
                touchpoint_id: touchpoint,
                organization_id: org.id,
                started_at: Some(now),
                completed_at: Some(now),
                score: None,
                feedback_text: None,
                created_at: now,
                updated_at: now,
            })?;
            Ok(enrollment)
        })
        .unwrap();

    // RESTRICT: content a touchpoint shows stays, and says what holds it.
    let content = store.get::<Touchpoint>(&RowKey::of(touchpoint)).unwrap().unwrap().content_id;
    let refused = store.delete::<Content>(&RowKey::of(content)).unwrap_err();
    assert!(matches!(refused, StoreError::Restricted { used_by: EntityKind::Touchpoints, count: 1, .. }), "{refused}");
    assert_eq!(store.delete_plan(EntityKind::Content, &RowKey::of(content)).unwrap_err().code(), ErrorCode::Restricted);

    // CASCADE and SET NULL, seen first, then done: the plan deletes nothing.
    let pending = store.pending_count().unwrap();
    let plan = store.delete_plan(EntityKind::Programs, &RowKey::of(program)).unwrap();
    assert_eq!(
        plan.deleted.into_iter().collect::<Vec<_>>(),
        [
            (EntityKind::Programs, 1),
            (EntityKind::ProgramBlueprints, 1),
            (EntityKind::WorkerAssignments, 1),
            (EntityKind::WorkerProgress, 1)
        ]
    );
    assert_eq!(
        plan.cleared,
        [stride_store::ClearedField { entity: EntityKind::Experiments, column: "program_id".into(), rows: 1 }]
    );
    assert_eq!(store.pending_count().unwrap(), pending, "the plan wrote nothing");
    assert!(store.get::<WorkerAssignment>(&enrollment.row_key()).unwrap().is_some());

    store.delete::<Program>(&RowKey::of(program)).unwrap();
    assert!(store.get::<WorkerAssignment>(&enrollment.row_key()).unwrap().is_none(), "the enrollment went with it");
    assert!(store.list_all::<WorkerProgress>(&[]).unwrap().is_empty(), "and its progress");
    assert_eq!(
        store.get::<Experiment>(&experiment.row_key()).unwrap().unwrap().program_id,
        None,
        "the audience is cleared"
    );
    assert_eq!(
        store.pending_count().unwrap(),
        pending + 5,
        "each row deleted and field cleared syncs as its own change"
    );

    // A worker takes their segment links with them; the segment stays.
    store.delete::<Worker>(&amina.row_key()).unwrap();
    assert!(store.list_all::<WorkerSegment>(&[]).unwrap().is_empty());
    assert!(store.get::<Segment>(&segment.row_key()).unwrap().is_some());
}

#[test]
fn a_closed_store_leaves_everything_in_its_database_file() {
    // A person who copies the database file of a closed app (a backup) has all of it:
    // the connection that closes last folds the write-ahead log into the file.
    let Device { _dir, store, org, keys } = device();
    let amina = worker(org.id, "Amina Wanjiru", None);
    store.create(&amina).unwrap();
    assert_eq!(store.get::<Worker>(&amina.row_key()).unwrap().map(|w| w.id), Some(amina.id), "read by the reader");
    let path = store.path().to_path_buf();
    drop(store);
    let copy = tempfile::tempdir().unwrap();
    std::fs::copy(&path, copy.path().join("stride.sqlite3")).unwrap();
    let copied = Store::open(copy.path().join("stride.sqlite3"), keys).unwrap();
    assert_eq!(copied.device().organization_id, Some(org.id));
    assert_eq!(copied.get::<Worker>(&amina.row_key()).unwrap().map(|w| w.id), Some(amina.id));
}

#[test]
fn every_change_keeps_the_person_who_made_it_even_when_sent_again_by_another() {
    use stride_domain::api::{ChangeResult, Outcome};
    let Device { store, org, .. } = &device();
    // Set up without a server: nobody is signed in, so changes have no author.
    let first = worker(org.id, "Amina Wanjiru", None);
    store.create(&first).unwrap();
    assert_eq!(last_change(store, EntityKind::Workers, &first.row_key()).author, None);

    // Cora signs in and records; then Nia takes the laptop and records too.
    let (cora, nia) = (UserId::new(), UserId::new());
    store.set_account(cora, Role::Coordinator).unwrap();
    let hers = worker(org.id, "Baraka Otieno", None);
    store.create(&hers).unwrap();
    store.set_account(nia, Role::Coordinator).unwrap();
    let mut edited = hers.clone();
    edited.full_name = name("Baraka Otieno Ouma");
    store.update(&edited).unwrap();
    let theirs = store.changes_of_row(EntityKind::Workers, &hers.row_key()).unwrap();
    assert_eq!(theirs.iter().map(|e| e.author).collect::<Vec<_>>(), [Some(cora), Some(nia)]);
    // The same in one write of several rows.
    store
        .write(|w| {
            w.create(&worker(org.id, "Chiku Mwangi", None))?;
            w.create(&worker(org.id, "Daudi Kamau", None))
        })
        .unwrap();
    let pending = store.pending_changes(0, 100).unwrap();
    assert!(pending.iter().rev().take(2).all(|e| e.author == Some(nia)));

    // Cora's change, refused and sent again while Nia works, stays Cora's.
    let refused = &theirs[0];
    let outcome = Outcome::Rejected { code: ErrorCode::NotPermitted, reason: "not now".into() };
    store
        .record_push_results(&[ChangeResult { seq: refused.seq, change_id: refused.change.change_id, outcome }])
        .unwrap();
    store.retry_rejected(refused.seq).unwrap();
    let again = store.pending_changes(0, 100).unwrap().pop().unwrap();
    assert_eq!((again.change.row_key.clone(), again.author), (hers.row_key(), Some(cora)));
}

#[test]
fn license_types_typed_before_they_were_an_enumeration_are_kept_readable_rows_and_waiting_changes_alike() {
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("v15.sqlite3");
    let org = organization();
    let (known, other) = (ContentId::new(), ContentId::new());
    {
        let mut conn = rusqlite::Connection::open(&path).unwrap();
        let before = &stride_store::DEVICE_MIGRATIONS[..15];
        assert_eq!(before.last().unwrap().version, 15);
        stride_store::apply_migrations(&mut conn, before).unwrap();
        common::insert_organization_row(&conn, &org);
        for (id, license, description) in [(known, " Free", None), (other, "CC-BY 4.0", Some("Lifting"))] {
            conn.execute(
                "INSERT INTO content (id, organization_id, type, title, description, license_type, created_at, updated_at)
                 VALUES (?1, ?2, 'video', 'A video', ?3, ?4, ?5, ?5)",
                rusqlite::params![id.to_string(), org.id.to_string(), description, license, org.created_at.to_string()],
            )
            .unwrap();
        }
        // A change typed before the upgrade, still waiting to be pushed.
        let fields = json!({"license_type": "CC-BY 4.0", "title": "A video"}).to_string();
        conn.execute(
            "INSERT INTO outbox (change_id, entity, row_key, op, fields, hlc, created_at)
             VALUES (?1, 'content', ?2, 'upsert', ?3, ?4, ?5)",
            rusqlite::params![
                ChangeId::new().to_string(),
                other.to_string(),
                fields,
                Hlc { wall_ms: 1, counter: 0, node: DeviceId::new() }.to_string(),
                org.created_at.to_string()
            ],
        )
        .unwrap();
    }
    let keys = std::sync::Arc::new(stride_store::KeptInMemory::new());
    let store = Store::open(&path, keys.clone()).unwrap();
    let read = |id: ContentId| store.get::<Content>(&RowKey::of(id)).unwrap().unwrap();
    assert_eq!(read(known).license_type, Some(LicenseType::Free));
    assert_eq!(read(known).description, None);
    let moved = read(other);
    assert_eq!(moved.license_type, None);
    assert_eq!(moved.description.as_deref(), Some("Lifting\n\nLicense: CC-BY 4.0"), "what was typed is kept");
    let waiting = store.pending_changes(0, 10).unwrap();
    assert_eq!(waiting.len(), 1);
    assert_eq!(waiting[0].change.fields.get("license_type"), Some(&Value::Null));
    assert_eq!(
        waiting[0].change.fields.get("description"),
        Some(&json!("Lifting\n\nLicense: CC-BY 4.0")),
        "as the row says"
    );
    drop(store);
    // The database refuses a license type outside the three, whatever writes it.
    let conn = rusqlite::Connection::open(&path).unwrap();
    stride_store::unlock(&conn, &keys.key().unwrap()).unwrap();
    let refused =
        conn.execute(&format!("UPDATE content SET license_type = 'cc' WHERE id = '{known}'"), []).unwrap_err();
    assert!(refused.to_string().contains("license_type"), "{refused}");
}

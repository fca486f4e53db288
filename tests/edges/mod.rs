//! The edges of the data path, tried as an outsider would, with a plain HTTP client:
//! random values for every column of every entity (the server accepts exactly what the
//! domain's parsers accept, and every row it keeps decodes), devices pushing crossing
//! edits at once (no push fails), a tier limit reached by an edit, and changes known by
//! their id (a device that numbers its changes again loses none).

use super::*;
use std::collections::HashMap;
use stride_domain::validate;

/// Values of every kind a hostile or buggy client might send for a column of `ty`.
fn pool(ty: ColumnType, references: &[String]) -> Vec<Value> {
    let mut values = match ty {
        ColumnType::Text => vec![
            json!("Amina"),
            json!("  spaced   out  "),
            json!("   "),
            json!(""),
            json!("call me maybe"),
            json!("+254712345678"),
            json!("+254 712 345 678"),
            json!("0712345678"),
            json!("a\u{0}b"),
            json!("bell\u{7}"),
            json!("x".repeat(255)),
            json!("x".repeat(256)),
            json!("é".repeat(100)),
            json!("é".repeat(101)),
            json!("a".repeat(51)),
            json!("https://media.example/x.mp4"),
            json!(7),
            json!(true),
        ],
        ColumnType::Uuid => {
            let mut ids: Vec<Value> = references.iter().map(|id| json!(id)).collect();
            ids.extend([json!(Uuid::now_v7().to_string()), json!("not-a-uuid"), json!(1)]);
            ids
        }
        ColumnType::Integer => {
            vec![json!(0), json!(1), json!(-5), json!(2_147_483_647), json!(2_147_483_648_i64), json!(1.5), json!("3")]
        }
        ColumnType::Real => {
            vec![json!(0), json!(50.5), json!(100), json!(100.01), json!(-1), json!(87.456), json!(1e10), json!("50")]
        }
        ColumnType::Timestamp => vec![
            json!(Timestamp::now().to_string()),
            json!("2026-11-22T05:39:00.123456+02:00"),
            json!(" 2026-11-23T08:00:00Z "),
            json!("yesterday"),
            json!("0000-01-01T00:00:00Z"),
            json!("0001-01-01T00:00:00Z"),
            json!("9999-12-31T23:59:59Z"),
            json!("2026-13-01T00:00:00Z"),
            json!("2026-11-22"),
        ],
        ColumnType::Date => vec![
            json!("2026-11-01"),
            json!("2025-01-01"),
            json!("2027-06-30"),
            json!("2026-02-30"),
            json!("0000-01-01"),
            json!("0001-01-01"),
            json!("9999-12-31"),
            json!("2026-1-1"),
            json!("2026-11-01T00:00:00Z"),
        ],
        ColumnType::Json => vec![
            json!({}),
            json!({"site": "Kisumu", "shift": 2, "lead": true}),
            json!({"Site": 1}),
            json!({"site": null}),
            json!({"site": "a\u{0}"}),
            json!({"all": []}),
            json!({"alll": []}),
            json!({"field": "site", "op": "eq", "value": "Kisumu"}),
            json!({"weight": 0}),
            json!({"weight": 5}),
            json!({"after_days": 2}),
            json!({"after_days": -1}),
            json!({"min_score": 90}),
            json!({"completed_touchpoints": 3}),
            json!([1]),
            json!("{}"),
        ],
        ColumnType::Enum(allowed) => {
            let mut values: Vec<Value> = allowed.iter().map(|v| json!(v)).collect();
            values.extend([json!("paused"), json!(""), json!(allowed[0].to_uppercase())]);
            values
        }
    };
    values.push(Value::Null);
    values
}

/// What the server must answer for one edit of `column`, judged by the domain alone.
fn expected(
    kind: EntityKind,
    model: &Map<String, Value>,
    column: &ColumnSpec,
    value: &Value,
    live: &[String],
) -> Option<ErrorCode> {
    if column.check_value(value).is_err() {
        return Some(ErrorCode::InvalidValue);
    }
    // Where a row came from is the server's to write (a marketplace copy).
    if column.server_written && model.get(column.name).unwrap_or(&Value::Null) != value {
        return Some(ErrorCode::NotPermitted);
    }
    if column.references.is_some() && value.as_str().is_some_and(|id| !live.iter().any(|known| known == id)) {
        return Some(ErrorCode::MissingReference);
    }
    let mut merged = model.clone();
    merged.insert(column.name.to_owned(), value.clone());
    validate::row(kind, &merged).err().map(|_| ErrorCode::InvalidValue)
}

#[tokio::test]
async fn the_server_accepts_a_pushed_value_exactly_when_the_domain_parser_does() {
    let db = TestDatabase::migrated().await;
    let mut device = holding_one_of_everything(&db).await;
    // The rows as the server holds them, in canonical form: the model each edit lands on.
    let mut model: BTreeMap<(EntityKind, String), Map<String, Value>> = BTreeMap::new();
    for row in device.pull_all().await {
        model.insert((row.entity, key_of(&row)), validate::row(row.entity, &row.row).unwrap());
    }
    let mut ids: HashMap<&str, Vec<String>> = HashMap::new();
    for (kind, key) in model.keys() {
        ids.entry(kind.table()).or_default().push(key.clone());
    }
    ids.entry("users").or_default().push(device.me.user_id.to_string());

    let (mut accepted, mut refused) = (0, 0);
    // Enough rounds for every column to meet every value of its pool (the longest has 18).
    for round in 0..20 {
        let mut changes = Vec::new();
        let mut expectations = Vec::new();
        for ((kind, key), row) in model.iter_mut() {
            let spec = kind.spec();
            if spec.writers.is_empty() {
                continue;
            }
            for (position, column) in spec.columns.iter().enumerate() {
                if spec.key.contains(&column.name) || column.name == spec.tenant_column() {
                    continue;
                }
                let live = column.references.and_then(|fk| ids.get(fk.table)).cloned().unwrap_or_default();
                let values = pool(column.ty, &live);
                // Round by round, each column takes each value of its pool in turn, the
                // columns of a row starting at different values so they meet in many pairs.
                let value = values[(round + position) % values.len()].clone();
                let expect = expected(*kind, row, column, &value, &live);
                if expect.is_none() && column.name != "created_at" {
                    let mut merged = row.clone();
                    merged.insert(column.name.to_owned(), value.clone());
                    *row = validate::row(*kind, &merged).unwrap();
                }
                expectations.push((*kind, column.name, value.clone(), expect));
                changes.push(device.upsert(*kind, key, json!({ column.name: value })));
            }
        }
        let response = device.push(changes).await;
        for ((kind, column, value, expect), result) in expectations.iter().zip(&response.results) {
            let got = rejection(result);
            assert_eq!(got, *expect, "round {round}: {}.{column} = {value}: {:?}", kind.table(), result.outcome);
            if got.is_some() {
                refused += 1;
            } else {
                accepted += 1;
            }
        }
    }
    assert!(accepted > 300 && refused > 300, "both sides are tried: {accepted} accepted, {refused} refused");

    // Every row the server keeps is one the domain reads, equal to the model.
    for row in device.pull_all().await {
        let decoded = validate::row(row.entity, &row.row).unwrap_or_else(|problem| {
            panic!("{} {}: no device could read it: {problem}", row.entity.table(), key_of(&row))
        });
        assert_eq!(Some(&decoded), model.get(&(row.entity, key_of(&row))), "{}", row.entity.table());
    }
    db.drop().await;
}

/// A program with one touchpoint, `workers` workers and an enrollment of each, pushed by
/// the organization's admin; returns (touchpoint, enrollments).
async fn enrolled_workers(admin: &mut Device, workers: usize) -> (String, Vec<String>) {
    let org = admin.org();
    let now = Timestamp::now().to_string();
    let id = || Uuid::now_v7().to_string();
    let (content, journey, phase, touchpoint, program) = (id(), id(), id(), id(), id());
    let mut changes = vec![
        admin.upsert(EntityKind::Content, &content, json!({"id": content, "organization_id": org, "type": "text", "created_at": now, "updated_at": now})),
        admin.upsert(EntityKind::JourneyBlueprints, &journey, json!({"id": journey, "organization_id": org, "title": "Safety", "created_at": now, "updated_at": now})),
        admin.upsert(EntityKind::Phases, &phase, json!({"id": phase, "journey_blueprint_id": journey, "organization_id": org, "name": "Week 1", "sequence_order": 1})),
        admin.upsert(EntityKind::Touchpoints, &touchpoint, json!({"id": touchpoint, "phase_id": phase, "content_id": content, "organization_id": org, "created_at": now, "updated_at": now})),
        admin.upsert(EntityKind::Programs, &program, json!({"id": program, "organization_id": org, "name": "Harvest", "created_at": now, "updated_at": now})),
    ];
    let mut enrollments = Vec::new();
    for n in 0..workers {
        let (worker, enrollment) = (id(), id());
        changes.push(admin.upsert(EntityKind::Workers, &worker, json!({"id": worker, "organization_id": org, "full_name": format!("Worker {n}"), "custom_attributes": {}, "created_at": now, "updated_at": now})));
        changes.push(admin.upsert(EntityKind::WorkerAssignments, &enrollment, json!({"id": enrollment, "program_id": program, "worker_id": worker, "organization_id": org, "enrollment_date": now, "status": "active", "created_at": now, "updated_at": now})));
        enrollments.push(enrollment);
    }
    assert!(applied(&admin.push(changes).await));
    (touchpoint, enrollments)
}

#[tokio::test]
async fn devices_pushing_crossing_edits_and_progress_at_once_never_fail() {
    let db = TestDatabase::migrated().await;
    let base = spawn_server(&db.pool).await;
    organization(&db, "Alpha").await;
    let mut admin = Device::sign_in(&base, "org_admin@alpha.example").await;
    const DEVICES: usize = 4;
    const ROUNDS: usize = 25;
    let (touchpoint, enrollments) = enrolled_workers(&mut admin, DEVICES).await;
    let mut devices = Vec::new();
    for _ in 0..DEVICES {
        devices.push(Device::sign_in(&base, "coordinator@alpha.example").await);
    }
    for round in 0..ROUNDS {
        // Each device edits two enrollments and records progress on two others: every
        // enrollment is edited by one push while another adds progress to it.
        let pushes: Vec<_> = devices
            .into_iter()
            .enumerate()
            .map(|(d, mut device)| {
                let (touchpoint, enrollments) = (touchpoint.clone(), enrollments.clone());
                tokio::spawn(async move {
                    let org = device.org();
                    let now = Timestamp::now().to_string();
                    let mut changes = Vec::new();
                    for edited in [d, (d + 1) % DEVICES] {
                        changes.push(device.upsert(
                            EntityKind::WorkerAssignments,
                            &enrollments[edited],
                            json!({"updated_at": now, "status": if round % 2 == 0 { "active" } else { "completed" }}),
                        ));
                    }
                    for recorded in [(d + 2) % DEVICES, (d + 3) % DEVICES] {
                        let progress = Uuid::now_v7().to_string();
                        changes.push(device.upsert(EntityKind::WorkerProgress, &progress, json!({"id": progress, "worker_assignment_id": enrollments[recorded], "touchpoint_id": touchpoint, "organization_id": org, "completed_at": now, "score": 80, "created_at": now, "updated_at": now})));
                    }
                    let response = device.push(changes).await;
                    assert!(applied(&response), "round {round}: {:?}", response.results);
                    device
                })
            })
            .collect();
        devices = Vec::new();
        for push in pushes {
            devices.push(push.await.unwrap_or_else(|panic| panic!("a push failed: {panic}")));
        }
    }
    let progress: i64 = sqlx::query_scalar("SELECT count(*) FROM worker_progress").fetch_one(&db.pool).await.unwrap();
    assert_eq!(progress, (DEVICES * ROUNDS * 2) as i64, "every progress record once");
    let logged: i64 = sqlx::query_scalar(
        "SELECT count(*) FROM change_log WHERE entity IN ('worker_progress', 'worker_assignments') AND device_id <> $1",
    )
    .bind(admin.me.device_id.as_uuid())
    .fetch_one(&db.pool)
    .await
    .unwrap();
    assert_eq!(logged, (DEVICES * ROUNDS * 4) as i64, "every change applied once");
    db.drop().await;
}

#[tokio::test]
async fn an_edit_that_moves_a_variant_into_a_full_experiment_is_held_to_the_tier() {
    let db = TestDatabase::migrated().await;
    let base = spawn_server(&db.pool).await;
    organization(&db, "Alpha").await;
    let mut admin = Device::sign_in(&base, "org_admin@alpha.example").await;
    let org = admin.org();
    let now = Timestamp::now().to_string();
    let id = || Uuid::now_v7().to_string();
    let (first, second) = (id(), id());
    let (a, b, c) = (id(), id(), id());
    let experiment = |device: &mut Device, key: &str| {
        device.upsert(EntityKind::Experiments, key, json!({"id": key, "organization_id": org, "experiment_type": "journey_level", "name": "A/B", "status": "draft", "created_at": now, "updated_at": now}))
    };
    let variant = |device: &mut Device, key: &str, experiment: &str| {
        device.upsert(EntityKind::ExperimentVariants, key, json!({"id": key, "experiment_id": experiment, "organization_id": org, "variant_name": "V", "created_at": now, "updated_at": now}))
    };
    let changes = vec![
        experiment(&mut admin, &first),
        experiment(&mut admin, &second),
        variant(&mut admin, &a, &first),
        variant(&mut admin, &b, &first),
        variant(&mut admin, &c, &second),
    ];
    assert!(applied(&admin.push(changes).await));

    // The standard tier allows 2 variants per experiment: the first is full.
    let moves = vec![
        admin.upsert(EntityKind::ExperimentVariants, &c, json!({"experiment_id": first})),
        admin.upsert(EntityKind::ExperimentVariants, &b, json!({"experiment_id": second})),
        admin.upsert(EntityKind::ExperimentVariants, &c, json!({"experiment_id": first})),
    ];
    let response = admin.push(moves).await;
    let codes: Vec<Option<ErrorCode>> = response.results.iter().map(rejection).collect();
    assert_eq!(codes, [Some(ErrorCode::TierLimit), None, None], "a place freed by a move is taken by the next");
    let per_experiment: Vec<(Uuid, i64)> = sqlx::query_as(
        "SELECT experiment_id, count(*) FROM experiment_variants WHERE deleted_at IS NULL GROUP BY experiment_id ORDER BY 1",
    )
    .fetch_all(&db.pool)
    .await
    .unwrap();
    assert!(per_experiment.iter().all(|(_, n)| *n <= 2), "{per_experiment:?}");
    db.drop().await;
}

#[tokio::test]
async fn a_change_is_known_by_its_id_so_a_device_that_numbers_again_loses_nothing() {
    let db = TestDatabase::migrated().await;
    let base = spawn_server(&db.pool).await;
    organization(&db, "Alpha").await;
    let mut device = Device::sign_in(&base, "coordinator@alpha.example").await;
    let org = device.org();
    let now = Timestamp::now().to_string();
    let worker = |device: &mut Device, name: &str| {
        let id = Uuid::now_v7().to_string();
        device.upsert(EntityKind::Workers, &id, json!({"id": id, "organization_id": org, "full_name": name, "custom_attributes": {}, "created_at": now, "updated_at": now}))
    };
    let sent: Vec<Change> = ["One", "Two", "Three"].iter().map(|name| worker(&mut device, name)).collect();
    assert!(applied(&device.push(sent.clone()).await));

    // Restored from a backup taken after the first change: its new changes take the
    // numbers 2 and 3 again, and the server has never seen them.
    device.seq = 1;
    let after_restore = vec![worker(&mut device, "Four"), worker(&mut device, "Five")];
    let response = device.push(after_restore).await;
    assert!(applied(&response), "new changes are applied whatever their number: {:?}", response.results);
    assert_eq!(response.last_seq, 3);

    // The first changes sent again: applied before, by their id.
    let again = device
        .push_request(&PushRequest { changes: vec![PushedChange { seq: 1, change: sent[0].clone(), author: None }] })
        .await;
    assert_eq!(again.results[0].outcome, Outcome::AlreadyApplied);
    // An id the server knows, naming another row: refused, not claimed applied.
    let mut reused = worker(&mut device, "Six");
    reused.change_id = sent[1].change_id;
    let refused = device
        .push_request(&PushRequest { changes: vec![PushedChange { seq: 9, change: reused, author: None }] })
        .await;
    assert_eq!(rejection(&refused.results[0]), Some(ErrorCode::InconsistentChange));

    let names: BTreeSet<String> = device
        .pull_all()
        .await
        .iter()
        .filter(|r| r.entity == EntityKind::Workers)
        .map(|r| r.row["full_name"].as_str().unwrap().to_owned())
        .collect();
    assert_eq!(names, ["Five", "Four", "One", "Three", "Two"].map(str::to_owned).into_iter().collect());
    let audited: i64 = sqlx::query_scalar("SELECT count(*) FROM change_log").fetch_one(&db.pool).await.unwrap();
    assert_eq!(audited, 5, "each applied once");
    db.drop().await;
}

#[tokio::test]
async fn every_error_answer_is_json_with_a_code() {
    let db = TestDatabase::migrated().await;
    let base = spawn_server(&db.pool).await;
    organization(&db, "Alpha").await;
    let device = Device::sign_in(&base, "coordinator@alpha.example").await;
    let http = crate::support::http().no_gzip().no_zstd().build().unwrap();
    let push = || http.post(format!("{base}/v1/sync/push")).bearer_auth(&device.token);
    let cases: Vec<(&str, reqwest::RequestBuilder, StatusCode, &str)> = vec![
        ("bad JSON", push().header("content-type", "application/json").body("{"), StatusCode::BAD_REQUEST, "invalid_request"),
        ("wrong types", push().json(&json!({"changes": "all of them"})), StatusCode::UNPROCESSABLE_ENTITY, "invalid_request"),
        ("an unknown entity", push().json(&json!({"changes": [{"seq": 1, "change_id": Uuid::now_v7(), "entity": "salaries", "row_key": "x", "op": "upsert", "fields": {}, "hlc": "0000000000001-0000-00000000000000000000000000000000"}]})), StatusCode::UNPROCESSABLE_ENTITY, "invalid_request"),
        ("a wrong content type", push().header("content-type", "text/plain").body("{}"), StatusCode::UNSUPPORTED_MEDIA_TYPE, "unsupported_media_type"),
        ("a body over the limit", push().header("content-type", "application/json").body(vec![b' '; stride_server::routes::MAX_BODY_BYTES + 1]), StatusCode::PAYLOAD_TOO_LARGE, "too_large"),
        ("an unknown encoding", push().header("content-type", "application/json").header("content-encoding", "br").body("{}"), StatusCode::UNSUPPORTED_MEDIA_TYPE, "unsupported_media_type"),
        ("a gzip body that is not gzip", push().header("content-type", "application/json").header("content-encoding", "gzip").body("{}"), StatusCode::BAD_REQUEST, "invalid_request"),
        ("bad query parameters", http.get(format!("{base}/v1/sync/pull?cursor=yesterday")).bearer_auth(&device.token), StatusCode::BAD_REQUEST, "invalid_request"),
        ("a wrong method", http.delete(format!("{base}/v1/sync/push")).bearer_auth(&device.token), StatusCode::METHOD_NOT_ALLOWED, "method_not_allowed"),
        ("an unknown route", http.get(format!("{base}/v2/everything")), StatusCode::NOT_FOUND, "not_found"),
        ("no token", http.post(format!("{base}/v1/sync/push")).json(&json!({"changes": []})), StatusCode::UNAUTHORIZED, "unauthenticated"),
    ];
    for (what, request, status, code) in cases {
        let response = request.send().await.unwrap();
        assert_eq!(response.status(), status, "{what}");
        let content_type = response.headers().get("content-type").map(|v| v.to_str().unwrap().to_owned());
        assert_eq!(content_type.as_deref(), Some("application/json"), "{what}");
        let body: ErrorBody = response.json().await.unwrap_or_else(|e| panic!("{what}: not an error body: {e}"));
        assert_eq!(body.code.as_str(), code, "{what}: {}", body.message);
        assert!(!body.message.is_empty(), "{what}");
    }
    db.drop().await;
}

#[tokio::test]
async fn a_second_live_enrollment_of_a_worker_in_a_program_is_refused_with_its_progress() {
    let db = TestDatabase::migrated().await;
    let base = spawn_server(&db.pool).await;
    organization(&db, "Alpha").await;
    let mut admin = Device::sign_in(&base, "org_admin@alpha.example").await;
    let (touchpoint, enrollments) = enrolled_workers(&mut admin, 1).await;
    let first: Value =
        sqlx::query_scalar("SELECT to_jsonb(a) FROM worker_assignments a").fetch_one(&db.pool).await.unwrap();
    let org = admin.org();
    let now = Timestamp::now().to_string();
    let (second, progress, third) =
        (Uuid::now_v7().to_string(), Uuid::now_v7().to_string(), Uuid::now_v7().to_string());
    let enrollment = |device: &mut Device, id: &str| {
        device.upsert(EntityKind::WorkerAssignments, id, json!({"id": id, "program_id": first["program_id"], "worker_id": first["worker_id"], "organization_id": org, "enrollment_date": now, "status": "active", "created_at": now, "updated_at": now}))
    };
    let changes = vec![
        enrollment(&mut admin, &second),
        admin.upsert(EntityKind::WorkerProgress, &progress, json!({"id": progress, "worker_assignment_id": second, "touchpoint_id": touchpoint, "organization_id": org, "completed_at": now, "created_at": now, "updated_at": now})),
        // Once the first enrollment is deleted, the pair is free again.
        admin.change(EntityKind::WorkerAssignments, &enrollments[0], ChangeOp::Delete, json!({})),
        enrollment(&mut admin, &third),
    ];
    let response = admin.push(changes).await;
    let codes: Vec<Option<ErrorCode>> = response.results.iter().map(rejection).collect();
    use ErrorCode::DuplicateEnrollment;
    assert_eq!(codes, [Some(DuplicateEnrollment), Some(DuplicateEnrollment), None, None], "{:?}", response.results);
    let live: Vec<Uuid> = sqlx::query_scalar("SELECT id FROM worker_assignments WHERE deleted_at IS NULL")
        .fetch_all(&db.pool)
        .await
        .unwrap();
    assert_eq!(live, [third.parse::<Uuid>().unwrap()], "one live enrollment of the pair, never two");
    db.drop().await;
}

#[tokio::test]
async fn a_link_removed_and_made_again_comes_back_and_a_late_edit_does_not() {
    let db = TestDatabase::migrated().await;
    let base = spawn_server(&db.pool).await;
    organization(&db, "Alpha").await;
    let mut device = Device::sign_in(&base, "org_admin@alpha.example").await;
    let (changes, keys) = one_of_everything(&mut device);
    assert!(applied(&device.push(changes).await));
    let link = keys.iter().find(|(kind, _)| *kind == EntityKind::WorkerSegment).unwrap().1.clone();
    let (worker, segment) = link.split_once('/').unwrap();
    let org = device.org();
    let now = Timestamp::now().to_string();
    let removed = device.change(EntityKind::WorkerSegment, &link, ChangeOp::Delete, json!({}));
    let edited = device.upsert(EntityKind::WorkerSegment, &link, json!({"assigned_at": now}));
    assert!(applied(&device.push(vec![removed, edited]).await));
    let state =
        |rows: Vec<PulledRow>| rows.into_iter().find(|r| r.entity == EntityKind::WorkerSegment).unwrap().deleted;
    assert!(state(device.pull_all().await), "an edit does not undo a delete");
    let again = device.upsert(
        EntityKind::WorkerSegment,
        &link,
        json!({"worker_id": worker, "segment_id": segment, "organization_id": org, "assigned_at": now}),
    );
    assert!(applied(&device.push(vec![again]).await));
    assert!(!state(device.pull_all().await), "made again after the delete, it is back");
    db.drop().await;
}

#[tokio::test]
async fn a_pushed_delete_follows_the_seeds_rules_for_any_client() {
    let db = TestDatabase::migrated().await;
    let base = spawn_server(&db.pool).await;
    organization(&db, "Alpha").await;
    let mut admin = Device::sign_in(&base, "org_admin@alpha.example").await;
    let (changes, keys) = one_of_everything(&mut admin);
    assert!(applied(&admin.push(changes).await));
    let key = |kind: EntityKind| keys.iter().find(|(k, _)| *k == kind).unwrap().1.clone();
    let program = key(EntityKind::Programs);
    let experiment = key(EntityKind::Experiments);
    let audience = admin.upsert(EntityKind::Experiments, &experiment, json!({"program_id": program}));
    assert!(applied(&admin.push(vec![audience]).await));

    // Only the parent's delete comes, as a hand-made client sends it.
    let changes = vec![
        admin.change(EntityKind::Content, &key(EntityKind::Content), ChangeOp::Delete, json!({})),
        admin.change(EntityKind::Programs, &program, ChangeOp::Delete, json!({})),
        admin.change(EntityKind::Workers, &key(EntityKind::Workers), ChangeOp::Delete, json!({})),
    ];
    let response = admin.push(changes).await;
    let codes: Vec<Option<ErrorCode>> = response.results.iter().map(rejection).collect();
    assert_eq!(codes, [Some(ErrorCode::Restricted), None, None], "{:?}", response.results);

    let rows = admin.pull_all().await;
    let deleted =
        |kind: EntityKind| rows.iter().find(|r| r.entity == kind).unwrap_or_else(|| panic!("{kind:?}")).deleted;
    assert!(!deleted(EntityKind::Content) && !deleted(EntityKind::Touchpoints), "content a touchpoint shows stays");
    for kind in [
        EntityKind::Programs,
        EntityKind::ProgramBlueprints,
        EntityKind::WorkerAssignments,
        EntityKind::WorkerProgress,
        EntityKind::Workers,
        EntityKind::WorkerSegment,
        EntityKind::ExperimentAssignments,
        EntityKind::WorkerBadges,
        EntityKind::GroupSessions,
        EntityKind::SessionAttendance,
        EntityKind::QuizAttempts,
        EntityKind::WellBeingChecks,
        EntityKind::Challenges,
    ] {
        assert!(deleted(kind), "{kind:?} goes with its parent");
    }
    let experiment_row = rows.iter().find(|r| r.entity == EntityKind::Experiments).unwrap();
    assert!(
        !experiment_row.deleted && experiment_row.row["program_id"].is_null(),
        "the audience is cleared, the experiment stays"
    );
    db.drop().await;
}

#[tokio::test]
async fn edits_that_meet_are_kept_told_to_the_loser_and_read_in_the_history_by_admins_only() {
    let db = TestDatabase::migrated().await;
    let base = spawn_server(&db.pool).await;
    organization(&db, "Alpha").await;
    organization(&db, "Beta").await;
    let mut admin = Device::sign_in(&base, "org_admin@alpha.example").await;
    let mut coordinator = Device::sign_in(&base, "coordinator@alpha.example").await;
    let (changes, keys) = one_of_everything(&mut admin);
    assert!(applied(&admin.push(changes).await));
    let worker = keys.iter().find(|(kind, _)| *kind == EntityKind::Workers).unwrap().1.clone();
    let stored: String = sqlx::query_scalar("SELECT full_name FROM workers WHERE id = $1::uuid")
        .bind(&worker)
        .fetch_one(&db.pool)
        .await
        .unwrap();

    // The coordinator renames the worker from what it saw; then a stale edit of the
    // admin's (stamped before it) arrives: it loses, and the admin's device is told.
    let pause = || tokio::time::sleep(std::time::Duration::from_millis(3));
    let earlier = admin.upsert(EntityKind::Workers, &worker, json!({"full_name": "Stale Name"}));
    pause().await;
    let mut renamed = coordinator.upsert(EntityKind::Workers, &worker, json!({"full_name": "Fresh Name"}));
    renamed.base = json!({"full_name": stored}).as_object().unwrap().clone();
    assert!(applied(&coordinator.push(vec![renamed]).await));
    assert!(applied(&admin.push(vec![earlier]).await));
    pause().await;
    // An edit from a device that had not seen "Fresh Name" wins by its clock; the
    // coordinator's value is the one lost.
    let mut unseen = admin.upsert(EntityKind::Workers, &worker, json!({"full_name": "Late Name"}));
    unseen.base = json!({"full_name": stored}).as_object().unwrap().clone();
    assert!(applied(&admin.push(vec![unseen]).await));
    pause().await;
    // And one made after seeing it is no conflict at all.
    let mut seen = coordinator.upsert(EntityKind::Workers, &worker, json!({"full_name": "Final Name"}));
    seen.base = json!({"full_name": "Late Name"}).as_object().unwrap().clone();
    assert!(applied(&coordinator.push(vec![seen]).await));

    let conflicts = |device: &Device| {
        let request = device.get("/v1/sync/conflicts?after=0");
        async move { request.send().await.unwrap().json::<ConflictsResponse>().await.unwrap().conflicts }
    };
    let told = |list: Vec<Conflict>| list.into_iter().map(|c| (c.mine, c.kept)).collect::<Vec<_>>();
    assert_eq!(told(conflicts(&admin).await), [(json!("Stale Name"), json!("Fresh Name"))]);
    assert_eq!(told(conflicts(&coordinator).await), [(json!("Fresh Name"), json!("Late Name"))]);
    let after = conflicts(&admin).await[0].id;
    let later = admin.get(&format!("/v1/sync/conflicts?after={after}")).send().await.unwrap();
    assert!(later.json::<ConflictsResponse>().await.unwrap().conflicts.is_empty());

    let history = |device: &Device, entity: &str, key: &str| {
        device.get("/v1/history").query(&[("entity", entity), ("key", key)]).send()
    };
    let (status, code) = error_code(history(&coordinator, "workers", &worker).await.unwrap()).await;
    assert_eq!((status, code.as_str()), (StatusCode::FORBIDDEN, "forbidden"));
    let response = history(&admin, "workers", &worker).await.unwrap();
    assert_eq!(response.status(), StatusCode::OK);
    let record: RecordHistory = response.json().await.unwrap();
    assert_eq!(record.entries.len(), 5, "the creation and four edits, newest first");
    assert_eq!(record.entries[0].fields.get("full_name"), Some(&json!("Final Name")));
    assert_eq!(record.entries[0].by.email.as_deref(), Some("coordinator@alpha.example"));
    assert_eq!(record.entries[0].by.device_name.as_deref(), Some("Test laptop"));
    assert_eq!(record.conflicts.len(), 2);
    assert_eq!(record.conflicts[1].lost_by.email.as_deref(), Some("org_admin@alpha.example"));
    for (entity, key) in [
        ("wizards", worker.as_str()),
        ("workers", "not-a-key"),
        ("workers", "a\u{0}b"),
        ("worker_segment", worker.as_str()),
    ] {
        let (status, code) = error_code(history(&admin, entity, key).await.unwrap()).await;
        assert_eq!((status, code.as_str()), (StatusCode::BAD_REQUEST, "invalid_request"), "{entity} {key:?}");
    }

    // Another organization's administrator sees none of it.
    let beta = Device::sign_in(&base, "org_admin@beta.example").await;
    let record: RecordHistory = history(&beta, "workers", &worker).await.unwrap().json().await.unwrap();
    assert!(record.entries.is_empty() && record.conflicts.is_empty());
    assert!(conflicts(&beta).await.is_empty());
    db.drop().await;
}

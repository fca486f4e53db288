//! The sync server over HTTP: a real server on a free port against a fresh PostgreSQL
//! database per test. Sign-in (right, wrong, revoked, rate-limited), push applied
//! exactly once, every rejection reason, per-field last-writer-wins and tombstones,
//! isolation between organizations for every entity, and concurrent pushes while
//! another device pulls.

#[path = "edges/mod.rs"]
mod edges;
#[path = "fuzz/mod.rs"]
mod fuzz;
#[path = "groups/mod.rs"]
mod groups;
#[path = "pages/mod.rs"]
mod pages;

use crate::support::{spawn_server, TestDatabase};
use reqwest::StatusCode;
use serde_json::{json, Map, Value};
use std::collections::{BTreeMap, BTreeSet};
use stride_domain::api::*;
use stride_domain::*;
use stride_server::{admin, demo};
use uuid::Uuid;

const PASSWORD: &str = "correct horse battery";

struct Device {
    http: reqwest::Client,
    base: String,
    token: String,
    me: Me,
    clock: HlcClock,
    seq: i64,
}

async fn login(base: &str, email: &str, password: &str) -> reqwest::Response {
    crate::support::http()
        .build()
        .unwrap()
        .post(format!("{base}/v1/auth/login"))
        .json(&json!({"email": email, "password": password, "device_name": "Test laptop"}))
        .send()
        .await
        .unwrap()
}

async fn error_code(response: reqwest::Response) -> (StatusCode, String) {
    let status = response.status();
    let body: ErrorBody = response.json().await.unwrap();
    (status, body.code.as_str().to_owned())
}

impl Device {
    async fn sign_in(base: &str, email: &str) -> Device {
        Self::sign_in_with(base, email, PASSWORD).await
    }

    async fn sign_in_with(base: &str, email: &str, password: &str) -> Device {
        let response = login(base, email, password).await;
        assert_eq!(response.status(), StatusCode::OK, "sign in as {email}");
        let body: LoginResponse = response.json().await.unwrap();
        Device {
            http: crate::support::http().build().unwrap(),
            base: base.to_owned(),
            token: body.token.0,
            clock: HlcClock::new(body.me.device_id, None),
            me: body.me,
            seq: 0,
        }
    }

    fn org(&self) -> String {
        self.me.organization.id.to_string()
    }

    fn get(&self, path: &str) -> reqwest::RequestBuilder {
        self.http.get(format!("{}{path}", self.base)).bearer_auth(&self.token)
    }

    fn change(&mut self, entity: EntityKind, key: &str, op: ChangeOp, fields: Value) -> Change {
        let Value::Object(fields) = fields else { panic!("fields are an object") };
        Change {
            change_id: ChangeId::new(),
            entity,
            row_key: RowKey::from_text(key.to_owned()),
            op,
            fields,
            hlc: self.clock.tick(Timestamp::now().millis()),
            base: Default::default(),
        }
    }

    fn upsert(&mut self, entity: EntityKind, key: &str, fields: Value) -> Change {
        self.change(entity, key, ChangeOp::Upsert, fields)
    }

    /// The changes as the next entries of this device's sequence.
    fn request(&mut self, changes: Vec<Change>) -> PushRequest {
        PushRequest {
            changes: changes
                .into_iter()
                .map(|change| {
                    self.seq += 1;
                    PushedChange { seq: self.seq, change, author: None }
                })
                .collect(),
        }
    }

    /// Pushes the changes as the next entries of this device's sequence.
    async fn push(&mut self, changes: Vec<Change>) -> PushResponse {
        let request = self.request(changes);
        self.push_request(&request).await
    }

    async fn push_request(&self, request: &PushRequest) -> PushResponse {
        let response = self
            .http
            .post(format!("{}/v1/sync/push", self.base))
            .bearer_auth(&self.token)
            .json(request)
            .send()
            .await
            .unwrap();
        assert_eq!(response.status(), StatusCode::OK);
        response.json().await.unwrap()
    }

    async fn pull_page(&self, cursor: i64, limit: i64) -> PullResponse {
        self.pull_page_in("rows", cursor, limit).await
    }

    async fn pull_page_in(&self, layout: &str, cursor: i64, limit: i64) -> PullResponse {
        let query = [("cursor", cursor.to_string()), ("limit", limit.to_string()), ("layout", layout.to_owned())];
        let response = self.get("/v1/sync/pull").query(&query).send().await.unwrap();
        assert_eq!(response.status(), StatusCode::OK);
        response.json().await.unwrap()
    }

    /// Every row of the organization, as the server has it now.
    async fn pull_all(&self) -> Vec<PulledRow> {
        let (mut cursor, mut rows) = (0, Vec::new());
        loop {
            let page = self.pull_page(cursor, 200).await;
            rows.extend(page.rows);
            cursor = page.cursor;
            if page.up_to_date {
                return rows;
            }
        }
    }
}

fn applied(response: &PushResponse) -> bool {
    response.results.iter().all(|r| r.outcome == Outcome::Applied)
}

fn rejection(result: &ChangeResult) -> Option<ErrorCode> {
    match &result.outcome {
        Outcome::Rejected { code, .. } => Some(*code),
        _ => None,
    }
}

fn key_of(row: &PulledRow) -> String {
    row.entity.spec().key.iter().map(|k| row.row[*k].as_str().unwrap().to_owned()).collect::<Vec<_>>().join("/")
}

/// A server on `db` with the organization Alpha, and its administrator's device, which
/// has pushed one row of every entity (`one_of_everything`).
async fn holding_one_of_everything(db: &TestDatabase) -> Device {
    let base = spawn_server(&db.pool).await;
    organization(db, "Alpha").await;
    let mut device = Device::sign_in(&base, "org_admin@alpha.example").await;
    let (changes, _) = one_of_everything(&mut device);
    assert!(applied(&device.push(changes).await));
    device
}

/// A new organization with an admin and a coordinator, both with `PASSWORD`.
async fn organization(db: &TestDatabase, label: &str) -> OrganizationId {
    let org = admin::create_organization(
        &db.pool,
        &Name::parse(label).unwrap(),
        OrganizationType::Client,
        SubscriptionTier::Standard,
    )
    .await
    .unwrap();
    for role in [Role::OrgAdmin, Role::Coordinator] {
        let email = Email::parse(&format!("{role}@{}.example", label.to_lowercase())).unwrap();
        admin::create_user(&db.pool, org, &email, role, None, PASSWORD).await.unwrap();
    }
    org
}

/// One row of every entity a device may write, consistent with each other; returns the
/// changes and each row's (entity, key).
fn one_of_everything(device: &mut Device) -> (Vec<Change>, Vec<(EntityKind, String)>) {
    let org = device.org();
    let user = device.me.user_id.to_string();
    let id = || Uuid::now_v7().to_string();
    let (worker, segment, content, journey, phase, touchpoint) = (id(), id(), id(), id(), id(), id());
    let (program, program_journey, assignment, progress) = (id(), id(), id(), id());
    let (experiment, variant, experiment_assignment, badge, session) = (id(), id(), id(), id(), id());
    let (quiz, attempt, question, check, challenge) = (id(), id(), id(), id(), id());
    let points = stride_domain::PointValuesId::of_organization(org.parse().unwrap()).to_string();
    let now = Timestamp::now().to_string();
    use EntityKind as E;
    let rows: Vec<(EntityKind, String, Value)> = vec![
        (
            E::Workers,
            worker.clone(),
            json!({"id": worker, "organization_id": org, "full_name": "Amina Wanjiru", "phone_number": "+254712345678", "well_being_score": 70.0, "performance_metric": null, "custom_attributes": {"site": "Kisumu"}, "created_at": now, "updated_at": now}),
        ),
        (
            E::Segments,
            segment.clone(),
            json!({"id": segment, "organization_id": org, "name": "Kisumu", "rule_definition": {"all": []}, "created_at": now, "updated_at": now}),
        ),
        (
            E::WorkerSegment,
            format!("{worker}/{segment}"),
            json!({"worker_id": worker, "segment_id": segment, "organization_id": org, "assigned_at": now}),
        ),
        (
            E::Content,
            content.clone(),
            json!({"id": content, "organization_id": org, "type": "video", "title": "Lifting", "description": null, "media_url": "https://media.example/l.mp4", "license_type": "free", "created_at": now, "updated_at": now}),
        ),
        (
            E::JourneyBlueprints,
            journey.clone(),
            json!({"id": journey, "organization_id": org, "title": "Safety", "purpose": null, "created_by": user, "updated_by": user, "created_at": now, "updated_at": now}),
        ),
        (
            E::Phases,
            phase.clone(),
            json!({"id": phase, "journey_blueprint_id": journey, "organization_id": org, "name": "Week 1", "sequence_order": 1}),
        ),
        (
            E::Touchpoints,
            touchpoint.clone(),
            json!({"id": touchpoint, "phase_id": phase, "content_id": content, "organization_id": org, "rule_logic": {"after_days": 0}, "created_at": now, "updated_at": now}),
        ),
        (
            E::Programs,
            program.clone(),
            json!({"id": program, "organization_id": org, "name": "Harvest", "start_date": "2026-11-01", "end_date": "2026-12-31", "created_by": user, "updated_by": null, "created_at": now, "updated_at": now}),
        ),
        (
            E::ProgramBlueprints,
            program_journey.clone(),
            json!({"id": program_journey, "program_id": program, "journey_blueprint_id": journey, "organization_id": org, "order_in_program": 1}),
        ),
        (
            E::WorkerAssignments,
            assignment.clone(),
            json!({"id": assignment, "program_id": program, "worker_id": worker, "organization_id": org, "enrollment_date": now, "status": "active", "created_at": now, "updated_at": now}),
        ),
        (
            E::WorkerProgress,
            progress.clone(),
            json!({"id": progress, "worker_assignment_id": assignment, "touchpoint_id": touchpoint, "organization_id": org, "started_at": now, "completed_at": now, "score": 88.5, "feedback_text": "good", "created_at": now, "updated_at": now}),
        ),
        (
            E::Experiments,
            experiment.clone(),
            json!({"id": experiment, "organization_id": org, "experiment_type": "journey_level", "name": "A/B", "status": "draft", "start_date": null, "end_date": null, "created_by": user, "updated_by": user, "created_at": now, "updated_at": now}),
        ),
        (
            E::ExperimentVariants,
            variant.clone(),
            json!({"id": variant, "experiment_id": experiment, "organization_id": org, "variant_name": "A", "variant_details": {"weight": 50}, "created_at": now, "updated_at": now}),
        ),
        (
            E::ExperimentAssignments,
            experiment_assignment.clone(),
            json!({"id": experiment_assignment, "experiment_variant_id": variant, "worker_id": worker, "organization_id": org, "assigned_at": now}),
        ),
        (
            E::Badges,
            badge.clone(),
            json!({"id": badge, "organization_id": org, "name": "First step", "description": null, "icon_url": null, "created_at": now, "updated_at": now}),
        ),
        (
            E::WorkerBadges,
            format!("{worker}/{badge}"),
            json!({"worker_id": worker, "badge_id": badge, "organization_id": org, "awarded_at": now}),
        ),
        (
            E::GroupSessions,
            session.clone(),
            json!({"id": session, "organization_id": org, "program_id": program, "touchpoint_id": touchpoint, "started_at": now, "completed_at": now, "recorded_by": user, "created_at": now, "updated_at": now}),
        ),
        (
            E::SessionAttendance,
            format!("{session}/{assignment}"),
            json!({"group_session_id": session, "worker_assignment_id": assignment, "organization_id": org, "status": "present", "reflection_text": "I will lift with my legs", "created_at": now, "updated_at": now}),
        ),
        (
            E::QuizVersions,
            quiz.clone(),
            json!({"id": quiz, "content_id": content, "organization_id": org, "version_number": 1, "definition": {"pass_mark": 50, "questions": [{"id": "q1", "prompt": "Bend your knees to lift.", "points": 2, "kind": "true_false", "correct": true}]}, "created_by": user, "created_at": now}),
        ),
        (
            E::QuizAttempts,
            attempt.clone(),
            json!({"id": attempt, "worker_progress_id": progress, "quiz_version_id": quiz, "organization_id": org, "answers": {"q1": {"kind": "true_false", "value": true}}, "points": 2, "total": 2, "taken_by": "worker", "created_at": now, "updated_at": now}),
        ),
        (
            E::WellBeingQuestions,
            question.clone(),
            json!({"id": question, "organization_id": org, "prompt": "How well did you sleep?", "scale": "zero_to_ten", "position": 1, "created_at": now, "updated_at": now}),
        ),
        (
            E::WellBeingChecks,
            check.clone(),
            json!({"id": check, "worker_id": worker, "organization_id": org, "answers": serde_json::Map::from_iter([(question.clone(), json!(7))]), "score": 70.0, "checked_at": now, "recorded_by": user, "created_at": now, "updated_at": now}),
        ),
        (
            E::PointValues,
            points.clone(),
            json!({"id": points, "organization_id": org, "per_touchpoint": 15, "per_badge": 40, "created_at": now, "updated_at": now}),
        ),
        (
            E::Challenges,
            challenge.clone(),
            json!({"id": challenge, "organization_id": org, "title": "Five by June", "description": null, "goal_kind": "touchpoints", "goal": 5, "starts_at": now, "ends_at": "2099-06-30T21:00:00.000Z", "program_id": program, "segment_id": null, "created_by": user, "created_at": now, "updated_at": now}),
        ),
    ];
    let keys = rows.iter().map(|(entity, key, _)| (*entity, key.clone())).collect();
    let changes = rows.into_iter().map(|(entity, key, fields)| device.upsert(entity, &key, fields)).collect();
    (changes, keys)
}

#[tokio::test]
async fn signing_in_right_wrong_and_revoked() {
    let db = TestDatabase::migrated().await;
    let base = spawn_server(&db.pool).await;
    organization(&db, "Alpha").await;

    let (status, code) = error_code(login(&base, "coordinator@alpha.example", "wrong password").await).await;
    assert_eq!((status, code.as_str()), (StatusCode::UNAUTHORIZED, "invalid_credentials"));
    let (_, code) = error_code(login(&base, "nobody@alpha.example", PASSWORD).await).await;
    assert_eq!(code, "invalid_credentials", "an unknown account looks the same as a wrong password");

    let device = Device::sign_in(&base, "COORDINATOR@alpha.example").await;
    assert_eq!((device.me.role, device.me.organization.name.as_str()), (Role::Coordinator, "Alpha"));
    let me: Me = device.get("/v1/me").send().await.unwrap().json().await.unwrap();
    assert_eq!(me, device.me);

    let anonymous = crate::support::http().build().unwrap().get(format!("{base}/v1/me")).send().await.unwrap();
    assert_eq!(error_code(anonymous).await, (StatusCode::UNAUTHORIZED, "unauthenticated".to_owned()));
    let forged = crate::support::http()
        .build()
        .unwrap()
        .get(format!("{base}/v1/me"))
        .bearer_auth("0".repeat(64))
        .send()
        .await
        .unwrap();
    assert_eq!(error_code(forged).await.1, "unauthenticated");

    assert!(admin::revoke_device(&db.pool, device.me.device_id).await.unwrap());
    let revoked = device.get("/v1/me").send().await.unwrap();
    assert_eq!(error_code(revoked).await, (StatusCode::UNAUTHORIZED, "device_revoked".to_owned()));
    let revoked_pull = device.get("/v1/sync/pull").send().await.unwrap();
    assert_eq!(error_code(revoked_pull).await.1, "device_revoked");
    let devices = admin::list_devices(&db.pool, device.me.organization.id).await.unwrap();
    assert_eq!((devices.len(), devices[0].revoked), (1, true));
    db.drop().await;
}

#[tokio::test]
async fn a_devices_last_seen_time_is_written_once_a_minute_not_on_every_request() {
    let db = TestDatabase::migrated().await;
    let base = spawn_server(&db.pool).await;
    organization(&db, "Alpha").await;
    let device = Device::sign_in(&base, "coordinator@alpha.example").await;
    // A row's xmin changes with every write of it.
    let row = || {
        let pool = db.pool.clone();
        let id = device.me.device_id;
        async move {
            sqlx::query_as::<_, (String, Option<chrono::DateTime<chrono::Utc>>)>(
                "SELECT xmin::text, last_seen_at FROM devices WHERE id = $1",
            )
            .bind(id.as_uuid())
            .fetch_one(&pool)
            .await
            .unwrap()
        }
    };
    assert_eq!(device.get("/v1/me").send().await.unwrap().status(), StatusCode::OK);
    let (written, seen) = row().await;
    assert!(seen.is_some(), "the first request is seen");
    for _ in 0..3 {
        assert_eq!(device.get("/v1/sync/pull").send().await.unwrap().status(), StatusCode::OK);
    }
    assert_eq!(row().await, (written.clone(), seen), "no write for requests within the minute");

    let stale = stride_server::auth::LAST_SEEN_EVERY_SECS + 1;
    sqlx::query("UPDATE devices SET last_seen_at = now() - make_interval(secs => $2) WHERE id = $1")
        .bind(device.me.device_id.as_uuid())
        .bind(f64::from(stale))
        .execute(&db.pool)
        .await
        .unwrap();
    let (aged, before) = row().await;
    assert_eq!(device.get("/v1/me").send().await.unwrap().status(), StatusCode::OK);
    let (rewritten, after) = row().await;
    assert!(rewritten != aged && after > before, "written again once a minute old");
    db.drop().await;
}

/// Signs in from `address` (a loopback address of this machine).
async fn login_from(base: &str, address: [u8; 4], email: &str, password: &str) -> reqwest::Response {
    crate::support::http()
        .local_address(std::net::IpAddr::from(address))
        .build()
        .unwrap()
        .post(format!("{base}/v1/auth/login"))
        .json(&json!({"email": email, "password": password, "device_name": "Test laptop"}))
        .send()
        .await
        .unwrap()
}

#[tokio::test]
async fn wrong_passwords_slow_down_their_own_address_and_lock_nobody_out() {
    let db = TestDatabase::migrated().await;
    let base = spawn_server(&db.pool).await;
    organization(&db, "Alpha").await;
    let (admin, coordinator) = ("org_admin@alpha.example", "coordinator@alpha.example");
    let stranger = [127, 0, 0, 3];
    for attempt in 0..=stride_server::limiter::FREE_FAILURES {
        let (_, code) = error_code(login_from(&base, stranger, admin, "guess").await).await;
        assert_eq!(code, "invalid_credentials", "attempt {attempt}");
    }
    // From there, the next attempt waits, even with the right password.
    let slowed = login_from(&base, stranger, admin, PASSWORD).await;
    assert!(slowed.headers().contains_key("retry-after"));
    assert_eq!(error_code(slowed).await, (StatusCode::TOO_MANY_REQUESTS, "rate_limited".to_owned()));
    for _ in 0..20 {
        login_from(&base, stranger, admin, "guess").await;
    }
    // The account's owner elsewhere, and a colleague behind the stranger's router, sign in.
    assert_eq!(login_from(&base, [127, 0, 0, 2], admin, PASSWORD).await.status(), StatusCode::OK);
    assert_eq!(login_from(&base, stranger, coordinator, PASSWORD).await.status(), StatusCode::OK);
    db.drop().await;
}

#[tokio::test]
async fn a_push_applies_exactly_once_and_every_row_comes_back_on_pull() {
    let db = TestDatabase::migrated().await;
    let base = spawn_server(&db.pool).await;
    organization(&db, "Alpha").await;
    let mut device = Device::sign_in(&base, "org_admin@alpha.example").await;
    let (changes, keys) = one_of_everything(&mut device);
    let request = PushRequest {
        changes: changes
            .into_iter()
            .enumerate()
            .map(|(i, change)| PushedChange { seq: i as i64 + 1, change, author: None })
            .collect(),
    };
    let first = device.push_request(&request).await;
    assert!(applied(&first), "{:?}", first.results);
    assert_eq!(first.last_seq, keys.len() as i64);

    let before = device.pull_all().await;
    // The same batch again (a retry after a lost response): nothing is applied twice.
    let again = device.push_request(&request).await;
    assert!(again.results.iter().all(|r| r.outcome == Outcome::AlreadyApplied));
    assert_eq!(device.pull_all().await, before, "no row changed, not even its version");
    let audited: i64 = sqlx::query_scalar("SELECT count(*) FROM change_log").fetch_one(&db.pool).await.unwrap();
    assert_eq!(audited, keys.len() as i64, "one audit entry per applied change");

    let pulled: BTreeSet<(EntityKind, String)> =
        before.iter().filter(|r| !r.entity.spec().writers.is_empty()).map(|r| (r.entity, key_of(r))).collect();
    assert_eq!(pulled, keys.into_iter().collect(), "every pushed row is pulled");
    let versions: Vec<i64> = before.iter().map(|r| r.version).collect();
    assert!(versions.windows(2).all(|w| w[0] < w[1]), "in version order, no duplicates");
    let worker = before.iter().find(|r| r.entity == EntityKind::Workers).unwrap();
    let worker: Worker = serde_json::from_value(Value::Object(worker.row.clone())).unwrap();
    assert_eq!(worker.phone_number.unwrap().as_str(), "+254712345678");
    db.drop().await;
}

#[tokio::test]
async fn a_page_in_columns_unfolds_to_the_same_rows_as_a_page_in_rows() {
    let db = TestDatabase::migrated().await;
    let mut device = holding_one_of_everything(&db).await;
    // A second worker, further on, and then a tombstone.
    let (another, gone) = (Uuid::now_v7().to_string(), Uuid::now_v7().to_string());
    let now = Timestamp::now().to_string();
    let worker = |id: &str, name: &str| json!({"id": id, "organization_id": device.org(), "full_name": name, "phone_number": null, "custom_attributes": {}, "created_at": now, "updated_at": now});
    let (baraka, chebet) = (worker(&another, "Baraka Otieno"), worker(&gone, "Chebet Kosgei"));
    let written =
        vec![device.upsert(EntityKind::Workers, &another, baraka), device.upsert(EntityKind::Workers, &gone, chebet)];
    let answer = device.push(written).await;
    assert!(applied(&answer), "{:?}", answer.results);
    let delete = device.change(EntityKind::Workers, &gone, ChangeOp::Delete, json!({}));
    assert!(applied(&device.push(vec![delete]).await));

    // Pages of 7 rows hold several entities each; every page is compared.
    let mut cursor = 0;
    loop {
        let rows = device.pull_page_in("rows", cursor, 7).await;
        let mut columns = device.pull_page_in("columns", cursor, 7).await;
        assert!(columns.rows.is_empty(), "columns come as tables");
        let entities: BTreeSet<EntityKind> = rows.rows.iter().map(|row| row.entity).collect();
        assert_eq!(columns.tables.len(), entities.len(), "one table per entity of the page");
        columns.unfold_tables().unwrap();
        assert_eq!(columns.rows, rows.rows, "the same rows, in version order");
        assert_eq!((columns.cursor, columns.up_to_date, columns.head), (rows.cursor, rows.up_to_date, rows.head));
        cursor = rows.cursor;
        if rows.up_to_date {
            break;
        }
    }
    let all = device.pull_all().await;
    assert!(all.iter().any(|row| row.deleted) && all.iter().any(|row| row.row.values().any(Value::is_null)));
    db.drop().await;
}

#[tokio::test]
async fn every_rejection_comes_back_with_its_reason_and_blocks_nothing_after_it() {
    let db = TestDatabase::migrated().await;
    let base = spawn_server(&db.pool).await;
    organization(&db, "Alpha").await;
    let other = organization(&db, "Beta").await;
    let mut coordinator = Device::sign_in(&base, "coordinator@alpha.example").await;
    let org = coordinator.org();
    let now = Timestamp::now().to_string();
    let worker = Uuid::now_v7().to_string();
    let good = |device: &mut Device, name: &str| {
        let id = Uuid::now_v7().to_string();
        device.upsert(EntityKind::Workers, &id, json!({"id": id, "organization_id": device.org(), "full_name": name, "custom_attributes": {}, "created_at": now, "updated_at": now}))
    };
    let content = Uuid::now_v7().to_string();
    let assignment = Uuid::now_v7().to_string();
    let changes = vec![
        good(&mut coordinator, "First"),
        coordinator.upsert(EntityKind::Content, &content, json!({"id": content, "organization_id": org, "type": "video", "created_at": now, "updated_at": now})),
        coordinator.upsert(EntityKind::Workers, &worker, json!({"id": worker, "shoe_size": 42})),
        coordinator.upsert(EntityKind::Workers, &worker, json!({"id": worker, "organization_id": org, "full_name": "Bad Score", "well_being_score": "high", "custom_attributes": {}, "created_at": now, "updated_at": now})),
        coordinator.upsert(EntityKind::Workers, &worker, json!({"id": worker, "organization_id": org, "full_name": "Out of range", "well_being_score": 150, "custom_attributes": {}, "created_at": now, "updated_at": now})),
        coordinator.upsert(EntityKind::Workers, &worker, json!({"id": worker, "organization_id": org, "custom_attributes": {}, "created_at": now, "updated_at": now})),
        coordinator.upsert(EntityKind::WorkerAssignments, &assignment, json!({"id": assignment, "program_id": Uuid::now_v7(), "worker_id": worker, "organization_id": org, "enrollment_date": now, "status": "active", "created_at": now, "updated_at": now})),
        coordinator.upsert(EntityKind::Workers, &worker, json!({"id": worker, "organization_id": other.to_string(), "full_name": "Elsewhere", "custom_attributes": {}, "created_at": now, "updated_at": now})),
        coordinator.change(EntityKind::Workers, &Uuid::now_v7().to_string(), ChangeOp::Delete, json!({})),
        coordinator.upsert(EntityKind::Workers, "not-a-uuid", json!({})),
        coordinator.upsert(EntityKind::WorkerAssignments, &assignment, json!({"id": assignment, "status": "paused"})),
        good(&mut coordinator, "Last"),
    ];
    let response = coordinator.push(changes).await;
    let codes: Vec<Option<ErrorCode>> = response.results.iter().map(rejection).collect();
    use ErrorCode::*;
    assert_eq!(
        codes,
        [
            None,
            Some(NotPermitted),
            Some(UnknownField),
            Some(InvalidValue),
            Some(InvalidValue),
            Some(MissingField),
            Some(MissingReference),
            Some(WrongOrganization),
            Some(NotFound),
            Some(InvalidKey),
            Some(InvalidValue),
            None
        ]
    );
    for result in &response.results {
        if let Outcome::Rejected { reason, .. } = &result.outcome {
            assert!(!reason.is_empty());
        }
    }
    assert_eq!(response.last_seq, 12, "refused changes are taken too, so they are not sent again");
    let names: BTreeSet<String> = coordinator
        .pull_all()
        .await
        .iter()
        .filter(|r| r.entity == EntityKind::Workers)
        .map(|r| r.row["full_name"].as_str().unwrap().to_owned())
        .collect();
    assert_eq!(names, BTreeSet::from(["First".to_owned(), "Last".to_owned()]));
    db.drop().await;
}

#[tokio::test]
async fn fields_merge_by_latest_stamp_far_future_stamps_are_clamped_and_deletes_win() {
    let db = TestDatabase::migrated().await;
    let base = spawn_server(&db.pool).await;
    organization(&db, "Alpha").await;
    let mut first = Device::sign_in(&base, "coordinator@alpha.example").await;
    let mut second = Device::sign_in(&base, "org_admin@alpha.example").await;
    let org = first.org();
    let now = Timestamp::now().to_string();
    let id = Uuid::now_v7().to_string();
    let created = first.upsert(EntityKind::Workers, &id, json!({"id": id, "organization_id": org, "full_name": "Amina", "custom_attributes": {}, "created_at": now, "updated_at": now}));
    assert!(applied(&first.push(vec![created]).await));

    // Both edit offline: the second device's name is stamped later, the first's phone is its own field.
    let older_name = first.upsert(EntityKind::Workers, &id, json!({"full_name": "Amina W."}));
    let phone = first.upsert(EntityKind::Workers, &id, json!({"phone_number": "+254700000001"}));
    second.clock.observe(phone.hlc, Timestamp::now().millis());
    let newer_name = second.upsert(EntityKind::Workers, &id, json!({"full_name": "Amina Wanjiru"}));
    assert!(applied(&second.push(vec![newer_name]).await));
    assert!(applied(&first.push(vec![older_name, phone]).await), "an older stamp is accepted, and loses");
    let row = |rows: Vec<PulledRow>| rows.into_iter().find(|r| r.entity == EntityKind::Workers).unwrap();
    let merged = row(first.pull_all().await);
    assert_eq!(
        (merged.row["full_name"].as_str(), merged.row["phone_number"].as_str()),
        (Some("Amina Wanjiru"), Some("+254700000001"))
    );

    // A device whose clock is a day ahead is clamped to the server's clock, so it cannot
    // win every future edit.
    let day_ms = 24 * 3600 * 1000;
    let mut ahead = first.upsert(EntityKind::Workers, &id, json!({"full_name": "From the future"}));
    ahead.hlc = Hlc { wall_ms: ahead.hlc.wall_ms + day_ms, ..ahead.hlc };
    assert!(applied(&first.push(vec![ahead]).await));
    let stored: String =
        sqlx::query_scalar("SELECT field_hlc->>'full_name' FROM workers").fetch_one(&db.pool).await.unwrap();
    let stored: Hlc = stored.parse().unwrap();
    assert!(stored.wall_ms <= Timestamp::now().millis() + stride_server::push::MAX_CLOCK_AHEAD_MS);

    // A delete wins over a concurrent (even later) edit: the row stays a tombstone.
    let delete = second.change(EntityKind::Workers, &id, ChangeOp::Delete, json!({}));
    assert!(applied(&second.push(vec![delete]).await));
    let late_edit = first.upsert(EntityKind::Workers, &id, json!({"full_name": "Edited after delete"}));
    first.clock.observe(Hlc { wall_ms: stored.wall_ms + 1, ..stored }, Timestamp::now().millis());
    assert!(applied(&first.push(vec![late_edit]).await));
    assert!(row(second.pull_all().await).deleted, "still deleted");
    db.drop().await;
}

#[tokio::test]
async fn an_organization_can_neither_read_nor_write_another_organizations_rows() {
    let db = TestDatabase::migrated().await;
    let base = spawn_server(&db.pool).await;
    let seeded = demo::seed(&db.pool).await.unwrap();
    organization(&db, "Beta").await;
    let mut beta = Device::sign_in(&base, "org_admin@beta.example").await;
    let (changes, beta_rows) = one_of_everything(&mut beta);
    assert!(applied(&beta.push(changes).await));
    let beta_before = beta.pull_all().await;

    // Lakeside's admin sees only Lakeside, for every table.
    let mut lakeside = Device::sign_in_with(&base, "admin@lakeside.example", demo::DEMO_PASSWORD).await;
    assert_eq!(lakeside.me.organization.id, seeded.organization_id);
    let rows = lakeside.pull_all().await;
    let tables: BTreeSet<EntityKind> = rows.iter().map(|r| r.entity).collect();
    assert_eq!(tables.len(), 26, "the demo fills every table");
    let lakeside_id = lakeside.org();
    for row in &rows {
        let tenant = row.row[row.entity.spec().tenant_column()].as_str().unwrap();
        assert_eq!(tenant, lakeside_id, "{:?} of another organization pulled", row.entity);
    }
    let beta_keys: BTreeSet<&String> = beta_rows.iter().map(|(_, key)| key).collect();
    assert!(rows.iter().all(|r| !beta_keys.contains(&key_of(r))));

    // By id: deleting Beta's rows finds nothing; writing to their keys touches only Lakeside.
    let deletes: Vec<Change> =
        beta_rows.iter().map(|(entity, key)| lakeside.change(*entity, key, ChangeOp::Delete, json!({}))).collect();
    let response = lakeside.push(deletes).await;
    assert!(response.results.iter().all(|r| rejection(r) == Some(ErrorCode::NotFound)), "{:?}", response.results);
    let (_, beta_worker) = &beta_rows[0];
    let edit = lakeside.upsert(EntityKind::Workers, beta_worker, json!({"full_name": "Hijacked"}));
    assert_eq!(
        rejection(&lakeside.push(vec![edit]).await.results[0]),
        Some(ErrorCode::MissingField),
        "no such row here, and not a full new one"
    );

    // By reference: no row of Lakeside may point at a row of Beta, for any foreign key.
    let mut refused = 0;
    for spec in stride_domain::registry::REGISTRY.iter().filter(|s| s.may_write(Role::OrgAdmin)) {
        for column in spec.columns.iter().filter(|c| c.references.is_some_and(|fk| fk.table != "organizations")) {
            let parent = column.references.unwrap().table;
            let beta_parent = match parent {
                "users" => beta.me.user_id.to_string(),
                _ => beta_rows.iter().find(|(entity, _)| entity.table() == parent).unwrap().1.clone(),
            };
            let beta_parent = &beta_parent;
            // In a link table the key is made of the references themselves.
            let key = spec
                .key
                .iter()
                .map(|k| if *k == column.name { beta_parent.clone() } else { Uuid::now_v7().to_string() })
                .collect::<Vec<_>>()
                .join("/");
            let mut fields = Map::new();
            fields.insert(column.name.to_owned(), json!(beta_parent));
            let change = lakeside.upsert(spec.kind, &key, Value::Object(fields));
            let response = lakeside.push(vec![change]).await;
            assert_eq!(
                rejection(&response.results[0]),
                Some(ErrorCode::MissingReference),
                "{}.{}",
                spec.table,
                column.name
            );
            refused += 1;
        }
    }
    assert!(refused >= 20, "every foreign key was tried ({refused})");
    assert_eq!(beta.pull_all().await, beta_before, "Beta's rows are untouched");
    db.drop().await;
}

#[tokio::test]
async fn eight_devices_push_at_once_while_another_pulls_and_it_ends_with_every_row_once() {
    let db = TestDatabase::migrated().await;
    let base = spawn_server(&db.pool).await;
    organization(&db, "Alpha").await;
    let mut pushers = Vec::new();
    for _ in 0..8 {
        pushers.push(Device::sign_in(&base, "coordinator@alpha.example").await);
    }
    let puller = Device::sign_in(&base, "org_admin@alpha.example").await;
    let done = std::sync::Arc::new(std::sync::atomic::AtomicBool::new(false));

    let pulling = {
        let done = done.clone();
        tokio::spawn(async move {
            let (mut cursor, mut seen) = (0, BTreeMap::new());
            loop {
                let finished = done.load(std::sync::atomic::Ordering::SeqCst);
                let page = puller.pull_page(cursor, 7).await;
                for row in page.rows {
                    assert!(row.version > cursor, "versions only go up");
                    assert!(seen.insert(key_of(&row), row.version).is_none(), "a row pulled twice");
                    cursor = row.version;
                }
                if finished && page.up_to_date {
                    return seen;
                }
            }
        })
    };
    let mut pushing = Vec::new();
    for (index, mut device) in pushers.into_iter().enumerate() {
        pushing.push(tokio::spawn(async move {
            let mut ids = Vec::new();
            for batch in 0..10 {
                let now = Timestamp::now().to_string();
                let org = device.org();
                let changes = (0..5)
                    .map(|n| {
                        let id = Uuid::now_v7().to_string();
                        ids.push(id.clone());
                        device.upsert(EntityKind::Workers, &id, json!({"id": id, "organization_id": org, "full_name": format!("Device {index} batch {batch} worker {n}"), "custom_attributes": {}, "created_at": now, "updated_at": now}))
                    })
                    .collect();
                assert!(applied(&device.push(changes).await));
            }
            ids
        }));
    }
    let mut pushed = BTreeSet::new();
    for task in pushing {
        pushed.extend(task.await.unwrap());
    }
    done.store(true, std::sync::atomic::Ordering::SeqCst);
    let seen = pulling.await.unwrap();
    let pulled_workers: BTreeSet<String> = seen.keys().filter(|key| pushed.contains(*key)).cloned().collect();
    assert_eq!(pulled_workers.len(), 400);
    assert_eq!(pulled_workers, pushed, "the puller holds every row, with no gaps");
    db.drop().await;
}

#[tokio::test]
async fn the_api_describes_itself_answers_errors_as_json_and_compresses() {
    let db = TestDatabase::migrated().await;
    let base = spawn_server(&db.pool).await;
    let served = crate::support::http()
        .build()
        .unwrap()
        .get(format!("{base}/v1/openapi.json"))
        .send()
        .await
        .unwrap()
        .text()
        .await
        .unwrap();
    assert_eq!(served, stride_server::routes::document(), "the document generated from the handlers");
    let document: Value = serde_json::from_str(&served).unwrap();
    let routes = [
        "/v1/auth/login",
        "/v1/me",
        "/v1/sync/push",
        "/v1/sync/pull",
        "/v1/sync/conflicts",
        "/v1/history",
        "/v1/media/{name}",
        "/v1/openapi.json",
    ];
    for path in routes {
        assert!(document["paths"].get(path).is_some(), "{path} is documented");
    }
    let missing = crate::support::http().build().unwrap().get(format!("{base}/v1/nothing")).send().await.unwrap();
    assert_eq!(error_code(missing).await, (StatusCode::NOT_FOUND, "not_found".to_owned()));
    let garbled = crate::support::http()
        .build()
        .unwrap()
        .post(format!("{base}/v1/auth/login"))
        .header("content-type", "application/json")
        .body("{")
        .send()
        .await
        .unwrap();
    assert!(garbled.status().is_client_error());

    let raw = crate::support::http().no_gzip().no_zstd().build().unwrap();
    let compressed = raw.get(format!("{base}/v1/openapi.json")).header("accept-encoding", "zstd").send().await.unwrap();
    assert_eq!(compressed.headers()["content-encoding"], "zstd");
    assert!(compressed.bytes().await.unwrap().len() < served.len() / 2);

    organization(&db, "Alpha").await;
    // A gzip-compressed request body is accepted as it is.
    let mut gzip = flate2::write::GzEncoder::new(Vec::new(), flate2::Compression::default());
    std::io::Write::write_all(
        &mut gzip,
        json!({"email": "coordinator@alpha.example", "password": PASSWORD, "device_name": "Zipped"})
            .to_string()
            .as_bytes(),
    )
    .unwrap();
    let zipped = crate::support::http()
        .build()
        .unwrap()
        .post(format!("{base}/v1/auth/login"))
        .header("content-type", "application/json")
        .header("content-encoding", "gzip")
        .body(gzip.finish().unwrap())
        .send()
        .await
        .unwrap();
    assert_eq!(zipped.status(), StatusCode::OK);

    let device = Device::sign_in(&base, "coordinator@alpha.example").await;
    let huge = json!({"changes": [], "padding": "x".repeat(stride_server::routes::MAX_BODY_BYTES)});
    let response =
        device.http.post(format!("{base}/v1/sync/push")).bearer_auth(&device.token).json(&huge).send().await.unwrap();
    assert_eq!(response.status(), StatusCode::PAYLOAD_TOO_LARGE);
    db.drop().await;
}

#[tokio::test]
async fn the_server_works_when_it_connects_as_an_ordinary_owner_and_row_security_still_holds() {
    let db = TestDatabase::owned_by_ordinary_role().await;
    stride_server::db::migrate(&db.pool).await.unwrap();
    organization(&db, "Alpha").await;
    let base = spawn_server(&db.pool).await;
    let mut device = Device::sign_in(&base, "org_admin@alpha.example").await;
    let (changes, keys) = one_of_everything(&mut device);
    assert!(applied(&device.push(changes).await));
    let pulled = device.pull_all().await;
    assert_eq!(pulled.iter().filter(|r| !r.entity.spec().writers.is_empty()).count(), keys.len());
    let me: Me = device.get("/v1/me").send().await.unwrap().json().await.unwrap();
    assert_eq!(me.organization.name.as_str(), "Alpha");

    // Forced row-level security binds the owner too: with no organization set it sees nothing.
    let visible: i64 = sqlx::query_scalar("SELECT count(*) FROM workers").fetch_one(&db.pool).await.unwrap();
    assert_eq!(visible, 0);
    db.drop().await;
}

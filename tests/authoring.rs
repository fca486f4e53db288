//! The server is the authority on authoring: rules in JSON columns must read in their
//! language, roles may write only their entities, and tiers cap what an organization
//! holds. Real devices (stores signed in over HTTP) against a real PostgreSQL.

use crate::support::devices::{device_with, Device};
use crate::support::{spawn_server, TestDatabase};
use serde_json::json;
use stride_domain::ErrorCode;
use stride_domain::*;
use stride_server::admin;
use stride_sync::sync;

const PASSWORD: &str = "correct horse battery";

async fn organization(db: &TestDatabase, label: &str, tier: SubscriptionTier) -> OrganizationId {
    let org = admin::create_organization(&db.pool, &Name::parse(label).unwrap(), OrganizationType::Client, tier)
        .await
        .unwrap();
    for role in Role::ALL {
        let email = Email::parse(&format!("{role}@{}.example", label.to_lowercase())).unwrap();
        admin::create_user(&db.pool, org, &email, *role, None, PASSWORD).await.unwrap();
    }
    org
}

/// The refusal of each change still in the outbox, oldest first.
fn refusals(device: &Device) -> Vec<(EntityKind, Option<ErrorCode>, String)> {
    device
        .store
        .rejected_changes(100)
        .unwrap()
        .into_iter()
        .map(|e| (e.change.entity, e.rejection_code, e.rejection_reason.unwrap_or_default()))
        .collect()
}

fn json_object(value: serde_json::Value) -> Option<JsonObject> {
    Some(JsonObject::try_from(value).unwrap())
}

fn content(org: OrganizationId, title: &str) -> Content {
    let now = Timestamp::now();
    Content {
        id: ContentId::new(),
        organization_id: org,
        content_type: ContentType::Text,
        title: Some(Name::parse(title).unwrap()),
        description: None,
        media_url: None,
        license_type: None,
        created_at: now,
        updated_at: now,
        source: Source::default(),
    }
}

fn program(org: OrganizationId, name: &str) -> Program {
    let now = Timestamp::now();
    Program {
        id: ProgramId::new(),
        organization_id: org,
        name: Name::parse(name).unwrap(),
        start_date: None,
        end_date: None,
        created_by: None,
        updated_by: None,
        created_at: now,
        updated_at: now,
    }
}

#[tokio::test]
async fn rules_that_no_device_could_read_are_refused_at_push() {
    let db = TestDatabase::migrated().await;
    let base = spawn_server(&db.pool).await;
    let org = organization(&db, "Alpha", SubscriptionTier::Premium).await;
    let admin = device_with(&base, "org_admin@alpha.example", PASSWORD, 0).await;
    let now = Timestamp::now();
    let content = content(org, "Hydration");
    let journey = JourneyBlueprint {
        id: JourneyBlueprintId::new(),
        organization_id: org,
        title: Name::parse("Safety").unwrap(),
        purpose: None,
        created_by: None,
        updated_by: None,
        created_at: now,
        updated_at: now,
        source: Source::default(),
        licensed_until: None,
    };
    let phase = Phase {
        id: PhaseId::new(),
        journey_blueprint_id: journey.id,
        organization_id: org,
        name: Name::parse("Week 1").unwrap(),
        sequence_order: 1,
        source: Source::default(),
    };
    let touchpoint = |rule| Touchpoint {
        id: TouchpointId::new(),
        phase_id: phase.id,
        content_id: content.id,
        organization_id: org,
        rule_logic: rule,
        created_at: now,
        updated_at: now,
        source: Source::default(),
    };
    let good = touchpoint(json_object(json!({"after_days": 2})));
    let misspelt = touchpoint(json_object(json!({"after_dayz": 2})));
    let segment = |rule| Segment {
        id: SegmentId::new(),
        organization_id: org,
        name: Name::parse("Kisumu").unwrap(),
        rule_definition: rule,
        created_at: now,
        updated_at: now,
    };
    let badge = |rule| Badge {
        id: BadgeId::new(),
        organization_id: org,
        name: Name::parse("Finisher").unwrap(),
        description: None,
        icon_url: None,
        created_at: now,
        updated_at: now,
        award_rule: rule,
    };
    let misspelt_segment = segment(json_object(json!({"all": [{"field": "site", "op": "like", "value": "K"}]})));
    let program_alone = badge(json_object(json!({"program": ProgramId::new()})));
    admin
        .store
        .write(|w| {
            w.create(&content)?;
            w.create(&journey)?;
            w.create(&phase)?;
            w.create(&good)?;
            w.create(&segment(json_object(json!({"all": [{"field": "site", "op": "eq", "value": "Kisumu"}]}))))?;
            w.create(&badge(json_object(json!({"completed_touchpoints": 3}))))
        })
        .unwrap();
    // The device itself refuses to write a rule no device could read, naming the column.
    let refused_here = |result: stride_store::Result<()>| match result {
        Err(stride_store::StoreError::Invalid(problem)) => problem.field,
        other => panic!("written: {other:?}"),
    };
    assert_eq!(refused_here(admin.store.create(&misspelt)), "rule_logic");
    assert_eq!(refused_here(admin.store.create(&misspelt_segment)), "rule_definition");
    assert_eq!(refused_here(admin.store.create(&program_alone)), "award_rule");
    sync(&admin.store, &admin.client, |_| {}).await.unwrap();

    // An older or hand-made client sends them anyway: the server refuses each, saying why.
    let node = admin.store.device().device_id;
    let fields = |row: serde_json::Value| row.as_object().cloned().unwrap();
    let rows = [
        (EntityKind::Touchpoints, misspelt.row_key(), fields(serde_json::to_value(&misspelt).unwrap())),
        (EntityKind::Segments, misspelt_segment.row_key(), fields(serde_json::to_value(&misspelt_segment).unwrap())),
        (EntityKind::Badges, program_alone.row_key(), fields(serde_json::to_value(&program_alone).unwrap())),
    ];
    let request = stride_domain::api::PushRequest {
        changes: rows
            .into_iter()
            .enumerate()
            .map(|(i, (entity, row_key, fields))| stride_domain::api::PushedChange {
                seq: 1000 + i as i64,
                change: Change {
                    change_id: ChangeId::new(),
                    entity,
                    row_key,
                    op: ChangeOp::Upsert,
                    fields,
                    hlc: Hlc { wall_ms: Timestamp::now().millis(), counter: 0, node },
                    base: Default::default(),
                },
                author: None,
            })
            .collect(),
    };
    let response = admin.client.push(&request).await.unwrap();
    let refused: Vec<(ErrorCode, String)> = response
        .results
        .into_iter()
        .map(|result| match result.outcome {
            stride_domain::api::Outcome::Rejected { code, reason } => (code, reason),
            other => panic!("accepted: {other:?}"),
        })
        .collect();
    assert!(refused.iter().all(|(code, _)| *code == ErrorCode::InvalidValue), "{refused:?}");
    assert!(refused[0].1.contains("rule_logic") && refused[0].1.contains("after_dayz"), "{}", refused[0].1);
    assert!(refused[1].1.contains("\"like\" is not a comparison"), "{}", refused[1].1);
    assert!(refused[2].1.contains("program alone"), "{}", refused[2].1);
    let count = |table: &str| {
        let sql = format!("SELECT count(*) FROM {table} WHERE organization_id = $1");
        let pool = db.pool.clone();
        async move {
            sqlx::query_scalar::<_, i64>(sqlx::AssertSqlSafe(sql)).bind(org.as_uuid()).fetch_one(&pool).await.unwrap()
        }
    };
    assert_eq!((count("touchpoints").await, count("segments").await, count("badges").await), (1, 1, 1));
    db.drop().await;
}

#[tokio::test]
async fn each_role_writes_only_its_own_entities_and_the_server_says_so() {
    let db = TestDatabase::migrated().await;
    let base = spawn_server(&db.pool).await;
    let org = organization(&db, "Beta", SubscriptionTier::Premium).await;
    let mut outcomes = Vec::new();
    for role in Role::ALL {
        let device = device_with(&base, &format!("{role}@beta.example"), PASSWORD, 0).await;
        device
            .store
            .write(|w| {
                w.create(&content(org, &format!("Quiz by {role}")))?;
                w.create(&program(org, &format!("Program by {role}")))
            })
            .unwrap();
        sync(&device.store, &device.client, |_| {}).await.unwrap();
        let refused: Vec<EntityKind> = refusals(&device)
            .into_iter()
            .map(|(entity, code, _)| {
                assert_eq!(code, Some(ErrorCode::NotPermitted));
                entity
            })
            .collect();
        outcomes.push((*role, refused));
    }
    assert_eq!(
        outcomes,
        [
            (Role::OrgAdmin, vec![]),
            (Role::TrainingManager, vec![]),
            (Role::ProgramManager, vec![EntityKind::Content]),
            (Role::ContentSpecialist, vec![EntityKind::Programs]),
            (Role::Coordinator, vec![EntityKind::Content, EntityKind::Programs]),
        ]
    );
    db.drop().await;
}

#[tokio::test]
async fn a_tier_caps_programs_experiments_and_variants_even_across_devices() {
    let db = TestDatabase::migrated().await;
    let base = spawn_server(&db.pool).await;
    let basic = organization(&db, "Small", SubscriptionTier::Basic).await;
    let standard = organization(&db, "Middle", SubscriptionTier::Standard).await;
    let now = Timestamp::now();
    let experiment = |org| Experiment {
        id: ExperimentId::new(),
        organization_id: org,
        experiment_type: ExperimentType::ProgramLevel,
        name: Name::parse("Morning or evening").unwrap(),
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

    // Basic: 3 programs, made on two devices offline, so neither saw the other's.
    let first = device_with(&base, "org_admin@small.example", PASSWORD, 0).await;
    let second = device_with(&base, "program_manager@small.example", PASSWORD, 0).await;
    first.store.write(|w| (0..2).try_for_each(|i| w.create(&program(basic, &format!("A{i}"))))).unwrap();
    second
        .store
        .write(|w| {
            (0..2).try_for_each(|i| w.create(&program(basic, &format!("B{i}"))))?;
            w.create(&experiment(basic))
        })
        .unwrap();
    sync(&first.store, &first.client, |_| {}).await.unwrap();
    sync(&second.store, &second.client, |_| {}).await.unwrap();
    assert!(refusals(&first).is_empty());
    let refused = refusals(&second);
    let codes: Vec<(EntityKind, Option<ErrorCode>)> = refused.iter().map(|(e, c, _)| (*e, *c)).collect();
    assert_eq!(
        codes,
        [(EntityKind::Programs, Some(ErrorCode::TierLimit)), (EntityKind::Experiments, Some(ErrorCode::TierLimit))]
    );
    assert_eq!(refused[0].2, "the basic tier allows 3 programs");
    assert_eq!(refused[1].2, "the basic tier has no experiments");

    // A deleted program frees its place.
    let gone = first.store.list_all::<Program>(&[]).unwrap().into_iter().find(|p| p.name.as_str() == "A0").unwrap();
    first.store.delete::<Program>(&RowKey::of(gone.id)).unwrap();
    sync(&first.store, &first.client, |_| {}).await.unwrap();
    let waiting = second.store.rejected_changes(100).unwrap();
    let refused_program = waiting.iter().find(|e| e.change.entity == EntityKind::Programs).unwrap();
    second.store.retry_rejected(refused_program.seq).unwrap();
    sync(&second.store, &second.client, |_| {}).await.unwrap();
    assert_eq!(refusals(&second).len(), 1, "the program went through; the experiment still cannot");

    // Standard: experiments are A/B, two variants each.
    let manager = device_with(&base, "training_manager@middle.example", PASSWORD, 0).await;
    let test = experiment(standard);
    manager
        .store
        .write(|w| {
            w.create(&test)?;
            for name in ["A", "B", "C"] {
                w.create(&ExperimentVariant {
                    id: ExperimentVariantId::new(),
                    experiment_id: test.id,
                    organization_id: standard,
                    variant_name: Name::parse(name).unwrap(),
                    variant_details: json_object(json!({"weight": 1})),
                    created_at: now,
                    updated_at: now,
                })?;
            }
            Ok(())
        })
        .unwrap();
    sync(&manager.store, &manager.client, |_| {}).await.unwrap();
    let refused = refusals(&manager);
    assert_eq!(refused.len(), 1);
    assert_eq!(refused[0].0, EntityKind::ExperimentVariants);
    assert_eq!(refused[0].2, "the standard tier allows 2 variants per experiment");
    db.drop().await;
}

#[tokio::test]
async fn media_is_served_to_the_organizations_devices_only_with_its_length() {
    let db = TestDatabase::migrated().await;
    let base = spawn_server(&db.pool).await;
    stride_server::demo::seed(&db.pool).await.unwrap();
    let lakeside = crate::support::devices::device(&base, "coordinator@lakeside.example").await;
    let mut file = Vec::new();
    let mut reports = Vec::new();
    let bytes = lakeside
        .client
        .download(
            "/v1/media/breathing.wav",
            |chunk| {
                file.extend_from_slice(chunk);
                Ok(())
            },
            |received, total| reports.push((received, total)),
        )
        .await
        .unwrap();
    assert_eq!(bytes as usize, file.len());
    assert_eq!(&file[..4], b"RIFF", "a real WAV file");
    assert_eq!(reports.first(), Some(&(0, Some(bytes))), "the length is known before the first byte");
    assert_eq!(reports.last(), Some(&(bytes, Some(bytes))));

    // The demo's content points at it, relative to whatever address the server has.
    let content = lakeside.store.list_all::<Content>(&[]).unwrap();
    let served: Vec<&str> =
        content.iter().filter_map(|c| c.media_url.as_deref()).filter(|u| u.starts_with("/v1/media/")).collect();
    assert_eq!(served.len(), 3);

    let missing = lakeside.client.download("/v1/media/nothing.mp4", |_| Ok(()), |_, _| {}).await.unwrap_err();
    assert!(matches!(missing, stride_sync::ClientError::Server { status: 404, .. }), "{missing:?}");
    let hilltop = crate::support::devices::device(&base, "coordinator@hilltop.example").await;
    let elsewhere = hilltop.client.download("/v1/media/hydration.md", |_| Ok(()), |_, _| {}).await.unwrap_err();
    assert!(
        matches!(elsewhere, stride_sync::ClientError::Server { status: 404, .. }),
        "another organization's file does not exist for it"
    );
    let anonymous = stride_sync::Client::new(&base).unwrap();
    let refused = anonymous.download("/v1/media/hydration.md", |_| Ok(()), |_, _| {}).await.unwrap_err();
    assert!(matches!(refused, stride_sync::ClientError::Unauthenticated), "{refused:?}");
    db.drop().await;
}

#[tokio::test]
async fn pushes_at_once_cannot_all_take_the_last_places_of_a_tier() {
    let db = TestDatabase::migrated().await;
    let base = spawn_server(&db.pool).await;
    let org = organization(&db, "Crowded", SubscriptionTier::Basic).await;
    // Five devices, each with one new program made offline; the tier allows three.
    let mut devices = Vec::new();
    for role in Role::ALL {
        let device = device_with(&base, &format!("{role}@crowded.example"), PASSWORD, 0).await;
        if role.may_write(EntityKind::Programs) {
            device.store.create(&program(org, &format!("Program of the {role}"))).unwrap();
            devices.push(device);
        }
    }
    let extra = device_with(&base, "org_admin@crowded.example", PASSWORD, 0).await;
    extra.store.create(&program(org, "A second one of the admin's")).unwrap();
    extra.store.create(&program(org, "A third one of the admin's")).unwrap();
    devices.push(extra);
    let syncs = devices.iter().map(|d| sync(&d.store, &d.client, |_| {}));
    for result in futures_util::future::join_all(syncs).await {
        result.unwrap();
    }
    let on_server: i64 = sqlx::query_scalar("SELECT count(*) FROM programs WHERE organization_id = $1")
        .bind(org.as_uuid())
        .fetch_one(&db.pool)
        .await
        .unwrap();
    let refused: usize = devices.iter().map(|d| refusals(d).len()).sum();
    assert_eq!((on_server, refused), (3, 2), "five programs pushed at once, three places");
    db.drop().await;
}

//! A marketplace copy's later life against the real server and PostgreSQL: the
//! publisher's new version shown to the licensee as what it changes and applied with
//! every worker's progress kept (on touchpoints that continue and on removed ones), a
//! forkable copy forked into the licensee's own, and a subscription's end stopping
//! updates and new enrollments while enrolled workers go on.

use crate::marketplace::{code, expert_journey, new_listing, organizations, signed_in};
use crate::support::devices::Device;
use crate::support::{spawn_server, TestDatabase};
use stride_domain::marketplace::*;
use stride_domain::*;
use stride_store::Filter;
use stride_sync::sync;

/// A worker of the device's organization, enrolled in a program of the copied journey,
/// with a completed session on each of `touchpoints`; pushed.
pub(crate) async fn enrolled_with_progress(
    device: &Device,
    journey: JourneyBlueprintId,
    touchpoints: &[TouchpointId],
) -> (WorkerId, WorkerAssignmentId) {
    let org = device.store.device().organization_id.unwrap();
    let now = device.store.now();
    let worker = new_worker(org, "Amina Odhiambo", now);
    let enrollment = device
        .store
        .write(|w| {
            w.create(&worker)?;
            let program = program_with(w, journey, "Harvest crews")?;
            let (enrollment, _) = w.enroll(program, worker.id)?;
            for touchpoint in touchpoints {
                w.create(&progress(enrollment.id, *touchpoint, org, now))?;
            }
            Ok(enrollment.id)
        })
        .unwrap();
    let report = sync(&device.store, &device.client, |_| {}).await.unwrap();
    assert_eq!(report.rejected, 0);
    (worker.id, enrollment)
}

/// A new worker of `org`, named `name`.
pub(crate) fn new_worker(org: OrganizationId, name: &str, now: Timestamp) -> Worker {
    Worker {
        id: WorkerId::new(),
        organization_id: org,
        full_name: Name::parse(name).unwrap(),
        phone_number: None,
        well_being_score: None,
        performance_metric: None,
        custom_attributes: CustomAttributes::default(),
        created_at: now,
        updated_at: now,
    }
}

/// A new program named `name` holding the journey.
pub(crate) fn program_with(
    w: &mut stride_store::Writer<'_, '_>,
    journey: JourneyBlueprintId,
    name: &str,
) -> stride_store::Result<ProgramId> {
    let (org, now) = (w.organization(), w.now());
    let program = Program {
        id: ProgramId::new(),
        organization_id: org,
        name: Name::parse(name).unwrap(),
        start_date: None,
        end_date: None,
        created_by: None,
        updated_by: None,
        created_at: now,
        updated_at: now,
    };
    w.create(&program)?;
    w.create(&ProgramBlueprint {
        id: ProgramBlueprintId::new(),
        program_id: program.id,
        journey_blueprint_id: journey,
        organization_id: org,
        order_in_program: 1,
    })?;
    Ok(program.id)
}

fn progress(
    enrollment: WorkerAssignmentId,
    touchpoint: TouchpointId,
    org: OrganizationId,
    now: Timestamp,
) -> WorkerProgress {
    WorkerProgress {
        id: WorkerProgressId::new(),
        worker_assignment_id: enrollment,
        touchpoint_id: touchpoint,
        organization_id: org,
        started_at: Some(now),
        completed_at: Some(now),
        score: None,
        feedback_text: Some("Lifted with a straight back".into()),
        created_at: now,
        updated_at: now,
    }
}

/// The copy's live touchpoints on a device, by the copied touchpoint each came from.
fn copied_touchpoints(device: &Device) -> Vec<Touchpoint> {
    let mut touchpoints = device.store.list_all::<Touchpoint>(&[]).unwrap();
    touchpoints.sort_by_key(|t| t.id);
    touchpoints
}

#[tokio::test]
async fn a_new_version_is_shown_then_applied_and_every_workers_progress_is_kept() {
    let db = TestDatabase::migrated().await;
    let orgs = organizations(&db).await;
    let base = spawn_server(&db.pool).await;
    let expert = signed_in(&base, Role::OrgAdmin, "safework").await;
    let (journey, [first, second]) = expert_journey(&db, &expert, orgs.expert).await;
    let listing = new_listing(ListingKind::Journey, journey.as_uuid(), "Safe lifting", LicenseType::Subscription);
    let id = expert.client.publish_listing(&listing).await.unwrap().listing.id;
    let lakeside = signed_in(&base, Role::OrgAdmin, "lakeside").await;
    let license = lakeside.client.request_license(id, &LicenseRequest::default()).await.unwrap();
    let grant = LicenseDecision { grant: true, seats: Some(40), ends_on: None, terms: "A season".into() };
    expert.client.decide_license(license.id, &grant).await.unwrap();
    let copy = lakeside.client.copy_listing(license.id).await.unwrap();
    let copied_journey = JourneyBlueprintId::from_uuid(copy.root_id);
    sync(&lakeside.store, &lakeside.client, |_| {}).await.unwrap();
    let before = copied_touchpoints(&lakeside);
    let (copied_first, copied_second) = (before[0].id, before[1].id);
    let (_, enrollment) = enrolled_with_progress(&lakeside, copied_journey, &[copied_first, copied_second]).await;

    // Up to date: nothing to apply.
    let current = lakeside.client.copy_update(license.id).await.unwrap();
    assert_eq!((current.from_version, current.to_version, current.changes.len()), (1, 1, 0));
    assert!(!lakeside.client.licenses().await.unwrap().held[0].update_available);

    // The publisher's second version: week 1 renamed, the second touchpoint removed, a new
    // one with new content, the video retitled.
    let now = expert.store.now();
    let mut week1 = expert.store.list_all::<Phase>(&[Filter::new("sequence_order", 1)]).unwrap().remove(0);
    week1.name = Name::parse("First week").unwrap();
    expert.store.update(&week1).unwrap();
    expert.store.delete::<Touchpoint>(&RowKey::of(second)).unwrap();
    let mut video = expert.store.list_all::<Content>(&[]).unwrap().remove(0);
    video.title = Some(Name::parse("Lifting safely, second cut").unwrap());
    expert.store.update(&video).unwrap();
    let checklist = Content {
        id: ContentId::new(),
        organization_id: orgs.expert,
        content_type: ContentType::Text,
        title: Some(Name::parse("Carrying checklist").unwrap()),
        description: Some("Five checks before a carry".into()),
        media_url: None,
        license_type: Some(LicenseType::Free),
        created_at: now,
        updated_at: now,
        source: Source::default(),
    };
    let third = TouchpointId::new();
    expert
        .store
        .write(|w| {
            w.create(&checklist)?;
            w.create(&Touchpoint {
                id: third,
                phase_id: week1.id,
                content_id: checklist.id,
                organization_id: orgs.expert,
                rule_logic: Some(JsonObject::parse(&format!(r#"{{"after_touchpoint": "{first}"}}"#)).unwrap()),
                created_at: now,
                updated_at: now,
                source: Source::default(),
            })
        })
        .unwrap();
    sync(&expert.store, &expert.client, |_| {}).await.unwrap();
    expert.client.publish_version(id, &NewVersion { notes: "A carrying checklist".into() }).await.unwrap();

    let held = lakeside.client.licenses().await.unwrap().held.remove(0);
    assert!(held.update_available, "{held:?}");
    let update = lakeside.client.copy_update(license.id).await.unwrap();
    assert_eq!((update.from_version, update.to_version), (1, 2));
    assert_eq!(
        update.versions.iter().map(|v| (v.number, v.notes.as_deref())).collect::<Vec<_>>(),
        [(2, Some("A carrying checklist"))]
    );
    let changes: Vec<_> =
        update.changes.iter().map(|c| (c.part, c.change, c.name.as_str(), c.fields.clone(), c.progress_kept)).collect();
    {
        use PartChange::*;
        use SnapshotPart::*;
        assert_eq!(
            changes,
            [
                (Phase, Changed, "First week", vec![PartField::Name], None),
                (Touchpoint, Added, "Carrying checklist", vec![], None),
                (Touchpoint, Removed, "Lifting safely, second cut", vec![], Some(1)),
                (Content, Changed, "Lifting safely, second cut", vec![PartField::Title], None),
                (Content, Added, "Carrying checklist", vec![], None),
            ]
        );
    }

    // Only the licensee's administrators apply it, the version they saw, once.
    let coordinator = signed_in(&base, Role::Coordinator, "lakeside").await;
    assert_eq!(code(coordinator.client.copy_update(license.id).await), (403, ErrorCode::Forbidden));
    assert_eq!(
        code(expert.client.copy_update(license.id).await),
        (404, ErrorCode::NotFound),
        "the publisher's is none"
    );
    assert_eq!(
        code(lakeside.client.apply_update(license.id, &ApplyUpdate { version: 3 }).await),
        (404, ErrorCode::NotFound)
    );
    assert_eq!(
        code(lakeside.client.apply_update(license.id, &ApplyUpdate { version: 1 }).await),
        (409, ErrorCode::AlreadyExists)
    );
    let applied = lakeside.client.apply_update(license.id, &ApplyUpdate { version: 2 }).await.unwrap();
    assert_eq!((applied.id, applied.version), (copy.id, 2));
    assert_eq!(
        code(lakeside.client.apply_update(license.id, &ApplyUpdate { version: 2 }).await),
        (409, ErrorCode::AlreadyExists)
    );

    // The coordinator's laptop pulls it: the touchpoint that continues is the same row
    // (its rule-holder now waits on it), the removed one is gone from the journey, and
    // every session recorded stays, the one on the removed touchpoint too.
    sync(&coordinator.store, &coordinator.client, |_| {}).await.unwrap();
    let after = copied_touchpoints(&coordinator);
    assert_eq!(after.len(), 2);
    assert_eq!(after[0].id, copied_first);
    assert!(after.iter().all(|t| t.source.source_version == Some(2) && t.id != copied_second));
    let added = &after[1];
    let rule = stride_domain::journey::TouchpointRule::parse(added.rule_logic.as_ref()).unwrap();
    assert_eq!(rule.after_touchpoint, Some(copied_first), "its rule names the copy's touchpoint");
    let sessions = coordinator.store.list_all::<WorkerProgress>(&[]).unwrap();
    let mut on: Vec<_> = sessions.iter().map(|p| (p.worker_assignment_id, p.touchpoint_id)).collect();
    on.sort();
    let mut expected = vec![(enrollment, copied_first), (enrollment, copied_second)];
    expected.sort();
    assert_eq!(on, expected, "nothing recorded is lost");
    let removed = coordinator.store.get_even_deleted::<Touchpoint>(&RowKey::of(copied_second)).unwrap();
    assert!(removed.is_some(), "the removed touchpoint still names the sessions kept on it");
    let phases = coordinator.store.list_all::<Phase>(&[]).unwrap();
    assert!(phases.iter().any(|p| p.name.as_str() == "First week"), "the phase renamed");
    let titles: Vec<_> =
        coordinator.store.list_all::<Content>(&[]).unwrap().into_iter().filter_map(|c| c.title).collect();
    assert!(titles.iter().any(|t| t.as_str() == "Lifting safely, second cut"), "{titles:?}");
    assert!(titles.iter().any(|t| t.as_str() == "Carrying checklist"), "{titles:?}");
    let live_progress: i64 =
        sqlx::query_scalar("SELECT count(*) FROM worker_progress WHERE organization_id = $1 AND deleted_at IS NULL")
            .bind(orgs.lakeside.as_uuid())
            .fetch_one(&db.pool)
            .await
            .unwrap();
    assert_eq!(live_progress, 2, "the server keeps both sessions");
    // A session recorded offline on the removed touchpoint, before the update reached
    // that laptop, is still taken.
    lakeside.store.create(&progress(enrollment, copied_second, orgs.lakeside, lakeside.store.now())).unwrap();
    assert_eq!(sync(&lakeside.store, &lakeside.client, |_| {}).await.unwrap().rejected, 0);
    // The copy is locked, so it is not forked.
    assert_eq!(code(lakeside.client.fork_copy(license.id).await), (409, ErrorCode::CopyLocked));

    // A worker enrolled and dropped before the license ends.
    let program = lakeside.store.list_all::<Program>(&[]).unwrap().remove(0);
    let dropped = new_worker(orgs.lakeside, "Dropped Early", lakeside.store.now());
    lakeside
        .store
        .write(|w| {
            w.create(&dropped)?;
            let (mut enrollment, _) = w.enroll(program.id, dropped.id)?;
            enrollment.status = AssignmentStatus::Dropped;
            w.update(&enrollment).map(|_| ())
        })
        .unwrap();
    assert_eq!(sync(&lakeside.store, &lakeside.client, |_| {}).await.unwrap().rejected, 0);

    // A subscription's end stops updates and new enrollments; enrolled workers go on.
    let yesterday = chrono::Utc::now().date_naive().pred_opt().unwrap();
    let ended = LicenseDecision { ends_on: Some(yesterday), ..grant };
    expert.client.decide_license(license.id, &ended).await.unwrap();
    expert.client.publish_version(id, &NewVersion { notes: "Third".into() }).await.unwrap();
    let held = lakeside.client.licenses().await.unwrap().held.remove(0);
    assert!(!held.in_force && !held.update_available);
    assert_eq!(
        code(lakeside.client.apply_update(license.id, &ApplyUpdate { version: 3 }).await),
        (409, ErrorCode::LicenseNotInForce)
    );
    sync(&coordinator.store, &coordinator.client, |_| {}).await.unwrap();
    let journey_there = coordinator.store.get::<JourneyBlueprint>(&RowKey::of(copied_journey)).unwrap().unwrap();
    assert_eq!(journey_there.licensed_until, Some(yesterday), "the device knows the last day");
    let program = coordinator.store.list_all::<Program>(&[]).unwrap().remove(0);
    let newcomer = new_worker(orgs.lakeside, "Late Comer", coordinator.store.now());
    coordinator
        .store
        .write(|w| {
            w.create(&newcomer)?;
            let (late, _) = w.enroll(program.id, newcomer.id)?;
            w.create(&progress(late.id, copied_first, orgs.lakeside, w.now()))?;
            w.create(&progress(enrollment, copied_first, orgs.lakeside, w.now()))?;
            // Enrolled again after the end: as new an enrollment as the late comer's.
            w.enroll(program.id, dropped.id).map(|_| ())
        })
        .unwrap();
    let report = sync(&coordinator.store, &coordinator.client, |_| {}).await.unwrap();
    let refused: Vec<_> = coordinator
        .store
        .rejected_changes(10)
        .unwrap()
        .into_iter()
        .map(|r| (r.change.entity, r.rejection_code))
        .collect();
    assert_eq!(
        refused,
        [
            (EntityKind::WorkerAssignments, Some(ErrorCode::LicenseNotInForce)),
            (EntityKind::WorkerProgress, Some(ErrorCode::LicenseNotInForce)),
            (EntityKind::WorkerAssignments, Some(ErrorCode::LicenseNotInForce)),
        ],
        "the late enrollment, its session and the enrollment made active again are kept on the laptop, with why"
    );
    assert_eq!(report.rejected, 3, "the enrolled worker's new session is taken");
}

#[tokio::test]
async fn a_forkable_copy_is_forked_into_the_licensees_own_and_takes_no_more_updates() {
    let db = TestDatabase::migrated().await;
    let orgs = organizations(&db).await;
    let base = spawn_server(&db.pool).await;
    let expert = signed_in(&base, Role::OrgAdmin, "safework").await;
    let (journey, _) = expert_journey(&db, &expert, orgs.expert).await;
    let listing = NewListing {
        copies: CopyPolicy::Forkable,
        ..new_listing(ListingKind::Journey, journey.as_uuid(), "Safe lifting", LicenseType::Free)
    };
    let id = expert.client.publish_listing(&listing).await.unwrap().listing.id;
    let lakeside = signed_in(&base, Role::OrgAdmin, "lakeside").await;
    let license = lakeside.client.request_license(id, &LicenseRequest::default()).await.unwrap();
    assert_eq!(code(lakeside.client.fork_copy(license.id).await), (404, ErrorCode::NotFound), "nothing copied yet");
    lakeside.client.copy_listing(license.id).await.unwrap();
    let coordinator = signed_in(&base, Role::Coordinator, "lakeside").await;
    assert_eq!(code(coordinator.client.fork_copy(license.id).await), (403, ErrorCode::Forbidden));
    let forked = lakeside.client.fork_copy(license.id).await.unwrap();
    assert!(forked.forked);
    assert_eq!(code(lakeside.client.fork_copy(license.id).await), (409, ErrorCode::CopyForked));

    // Every copied row is the licensee's own now: an edit is taken.
    sync(&lakeside.store, &lakeside.client, |_| {}).await.unwrap();
    let rows = lakeside.store.list_all::<Touchpoint>(&[]).unwrap();
    assert!(rows.iter().all(|t| t.source.source_state == Some(CopyState::Forked)));
    let mut video = lakeside.store.list_all::<Content>(&[]).unwrap().remove(0);
    assert_eq!(video.source.source_state, Some(CopyState::Forked));
    video.title = Some(Name::parse("Our lifting video").unwrap());
    lakeside.store.update(&video).unwrap();
    assert_eq!(sync(&lakeside.store, &lakeside.client, |_| {}).await.unwrap().rejected, 0);

    // The publisher's next version is not offered, nor applied.
    expert.client.publish_version(id, &NewVersion::default()).await.unwrap();
    let held = lakeside.client.licenses().await.unwrap().held.remove(0);
    assert!(held.copy.as_ref().unwrap().forked && !held.update_available);
    let update = lakeside.client.copy_update(license.id).await.unwrap();
    assert!(update.changes.is_empty() && update.to_version == update.from_version);
    assert_eq!(
        code(lakeside.client.apply_update(license.id, &ApplyUpdate { version: 2 }).await),
        (409, ErrorCode::CopyForked)
    );
}

//! How a listing is used, against the real server and PostgreSQL: two client
//! organizations' workers take the expert's journey (a session, a score, a quiz), and the
//! publisher reads the figures across them, each drawn from five workers or more; each
//! licensee reads its own beside everyone's, never a figure that would leave the other's
//! few workers to subtract; no worker's name or id ever reaches the publisher.

use crate::marketplace::{code, expert_journey, new_listing, organizations, signed_in};
use crate::marketplace_updates::{new_worker, program_with};
use crate::support::devices::Device;
use crate::support::{spawn_server, TestDatabase};
use stride_domain::marketplace::*;
use stride_domain::*;
use stride_sync::sync;

const QUESTIONS: &str = r#"{"pass_mark": 50, "questions": [
    {"id": "q1", "prompt": "Bend the knees, not the back.", "points": 1, "kind": "true_false", "correct": true},
    {"id": "q2", "prompt": "A load is carried at arm's length.", "points": 1, "kind": "true_false", "correct": false}]}"#;

/// `workers` new workers of the device's organization, enrolled in a new program of the
/// copied journey: every one completes the first touchpoint (scored 60, 70, …) and the
/// first `quizzed` answer the quiz (q1 right; q2 right for the even ones); pushed.
/// Returns the workers' names.
async fn take_the_journey(
    device: &Device,
    journey: JourneyBlueprintId,
    workers: usize,
    quizzed: usize,
    prefix: &str,
) -> Vec<String> {
    let org = device.store.device().organization_id.unwrap();
    let now = device.store.now();
    let touchpoints = {
        let mut all = device.store.list_all::<Touchpoint>(&[]).unwrap();
        all.sort_by_key(|t| t.id);
        all
    };
    let quiz_version = device.store.list_all::<QuizVersion>(&[]).unwrap().remove(0);
    let quiz_touchpoint = touchpoints.iter().find(|t| t.content_id == quiz_version.content_id).unwrap().id;
    let first = touchpoints.iter().find(|t| t.id != quiz_touchpoint).unwrap().id;
    let names: Vec<String> = (0..workers).map(|i| format!("{prefix} Worker {i}")).collect();
    device
        .store
        .write(|w| {
            let program = program_with(w, journey, &format!("{prefix} crews"))?;
            for (i, name) in names.iter().enumerate() {
                let worker = new_worker(org, name, now);
                w.create(&worker)?;
                let (enrollment, _) = w.enroll(program, worker.id)?;
                let session = |touchpoint, score| WorkerProgress {
                    id: WorkerProgressId::new(),
                    worker_assignment_id: enrollment.id,
                    touchpoint_id: touchpoint,
                    organization_id: org,
                    started_at: Some(now),
                    completed_at: Some(now),
                    score: Some(Score::new(score).unwrap()),
                    feedback_text: None,
                    created_at: now,
                    updated_at: now,
                };
                w.create(&session(first, 60.0 + 10.0 * (i % 3) as f64))?;
                if i < quizzed {
                    let progress = session(quiz_touchpoint, 100.0);
                    w.create(&progress)?;
                    let answers = JsonObject::parse(&format!(
                        r#"{{"q1": {{"kind": "true_false", "value": true}}, "q2": {{"kind": "true_false", "value": {}}}}}"#,
                        i % 2 == 1
                    ))
                    .unwrap();
                    w.create(&QuizAttempt {
                        id: QuizAttemptId::new(),
                        worker_progress_id: progress.id,
                        quiz_version_id: quiz_version.id,
                        organization_id: org,
                        answers,
                        points: 1 + i32::from(i % 2 == 0),
                        total: 2,
                        taken_by: QuizTaker::Worker,
                        created_at: now,
                        updated_at: now,
                    })?;
                }
            }
            Ok(())
        })
        .unwrap();
    assert_eq!(sync(&device.store, &device.client, |_| {}).await.unwrap().rejected, 0);
    names
}

#[tokio::test]
async fn the_publisher_reads_figures_from_five_workers_or_more_and_each_licensee_its_own_beside_them() {
    let db = TestDatabase::migrated().await;
    let orgs = organizations(&db).await;
    let base = spawn_server(&db.pool).await;
    let expert = signed_in(&base, Role::OrgAdmin, "safework").await;
    let (journey, _) = expert_journey(&db, &expert, orgs.expert).await;
    // A quiz in week 2.
    let now = expert.store.now();
    let quiz = Content {
        id: ContentId::new(),
        organization_id: orgs.expert,
        content_type: ContentType::Quiz,
        title: Some(Name::parse("Lifting check").unwrap()),
        description: None,
        media_url: None,
        license_type: Some(LicenseType::Free),
        created_at: now,
        updated_at: now,
        source: Source::default(),
    };
    let week2 = expert.store.list_all::<Phase>(&[stride_store::Filter::new("sequence_order", 2)]).unwrap().remove(0);
    expert
        .store
        .write(|w| {
            w.create(&quiz)?;
            w.create(&QuizVersion {
                id: QuizVersionId::new(),
                content_id: quiz.id,
                organization_id: orgs.expert,
                version_number: 1,
                definition: JsonObject::parse(QUESTIONS).unwrap(),
                created_by: None,
                created_at: now,
            })?;
            w.create(&Touchpoint {
                id: TouchpointId::new(),
                phase_id: week2.id,
                content_id: quiz.id,
                organization_id: orgs.expert,
                rule_logic: None,
                created_at: now,
                updated_at: now,
                source: Source::default(),
            })
        })
        .unwrap();
    sync(&expert.store, &expert.client, |_| {}).await.unwrap();
    let id = expert
        .client
        .publish_listing(&new_listing(ListingKind::Journey, journey.as_uuid(), "Safe lifting", LicenseType::Free))
        .await
        .unwrap()
        .listing
        .id;

    // Lakeside: 6 workers, 5 of them quizzed; Hilltop: 2 workers.
    let mut names = Vec::new();
    for (slug, workers, quizzed) in [("lakeside", 6, 5), ("hilltop", 2, 2)] {
        let admin = signed_in(&base, Role::OrgAdmin, slug).await;
        let license = admin.client.request_license(id, &LicenseRequest::default()).await.unwrap();
        let copy = admin.client.copy_listing(license.id).await.unwrap();
        sync(&admin.store, &admin.client, |_| {}).await.unwrap();
        let journey = JourneyBlueprintId::from_uuid(copy.root_id);
        names.extend(take_the_journey(&admin, journey, workers, quizzed, slug).await);
    }

    // The publisher: across both, Hilltop's 2 workers not shown on their own.
    let usage = expert.client.listing_usage(id).await.unwrap();
    assert_eq!(usage.all.workers, Some(8));
    assert_eq!(
        usage.licensees.iter().map(|l| (l.name.as_str(), l.version, l.workers)).collect::<Vec<_>>(),
        [("Hilltop Co-op", Some(1), None), ("Lakeside Farms", Some(1), Some(6))]
    );
    assert_eq!(usage.versions, [VersionUsage { number: 1, copies: 2 }]);
    let figures: Vec<_> =
        usage.all.touchpoints.iter().map(|t| (t.name.as_str(), t.completed_percent, t.mean_score)).collect();
    // The first touchpoint: all 8 completed; scores 60, 70, 80, 60, 70, 80 and 60, 70.
    let mean = (60.0 + 70.0 + 80.0 + 60.0 + 70.0 + 80.0 + 60.0 + 70.0) / 8.0;
    assert_eq!(figures[0], ("Lifting safely", Some(100.0), Some(mean)));
    let quiz_figures = usage.all.touchpoints.iter().find(|t| t.name == "Lifting check").unwrap();
    assert_eq!((quiz_figures.completed_percent, quiz_figures.mean_score), (Some(7.0 * 100.0 / 8.0), Some(100.0)));
    let questions: Vec<_> = usage.all.questions.iter().map(|q| (q.question_id.as_str(), q.correct_percent)).collect();
    // q1 right for all 7 who answered; q2 (false) for workers 0, 2, 4 (Lakeside) and 0 (Hilltop).
    assert_eq!(questions, [("q1", Some(100.0)), ("q2", Some(4.0 * 100.0 / 7.0))]);
    assert_eq!(usage.own, None);
    let answer = serde_json::to_string(&usage).unwrap();
    assert!(!names.iter().any(|name| answer.contains(name.as_str())), "no worker's name reaches the publisher");
    let worker_ids: Vec<uuid::Uuid> = sqlx::query_scalar("SELECT id FROM workers").fetch_all(&db.pool).await.unwrap();
    assert!(!worker_ids.iter().any(|w| answer.contains(&w.to_string())), "nor any worker's id");

    // Lakeside sees its own, and not everyone's workers: less its own 6, 2 are Hilltop's.
    let lakeside = signed_in(&base, Role::OrgAdmin, "lakeside").await;
    let theirs = lakeside.client.listing_usage(id).await.unwrap();
    assert_eq!(theirs.own.as_ref().unwrap().workers, Some(6));
    assert_eq!(theirs.all.workers, None);
    assert_eq!(theirs.all.touchpoints[0].completed_percent, None);
    assert!(theirs.licensees.is_empty(), "other licensees are the publisher's to see");
    // Hilltop, with 2 of its own, reads everyone's: 6 are the others'.
    let hilltop = signed_in(&base, Role::OrgAdmin, "hilltop").await;
    let theirs = hilltop.client.listing_usage(id).await.unwrap();
    assert_eq!((theirs.own.as_ref().unwrap().workers, theirs.all.workers), (Some(2), Some(8)));
    assert_eq!(theirs.all.questions[0].correct_percent, Some(100.0));

    // Nobody else reads it.
    let coordinator = signed_in(&base, Role::Coordinator, "safework").await;
    assert_eq!(code(coordinator.client.listing_usage(id).await), (403, ErrorCode::Forbidden));
    let riverside = stride_server::admin::create_organization(
        &db.pool,
        &Name::parse("Riverside Estates").unwrap(),
        OrganizationType::Client,
        SubscriptionTier::Premium,
    )
    .await
    .unwrap();
    let email = Email::parse("admin@riverside.example").unwrap();
    stride_server::admin::create_user(&db.pool, riverside, &email, Role::OrgAdmin, None, crate::marketplace::PASSWORD)
        .await
        .unwrap();
    let outsider =
        crate::support::devices::device_with(&base, "admin@riverside.example", crate::marketplace::PASSWORD, 0).await;
    assert_eq!(code(outsider.client.listing_usage(id).await), (404, ErrorCode::NotFound), "not a licensee");
    assert_eq!(code(expert.client.listing_usage(ListingId::new()).await), (404, ErrorCode::NotFound));
}

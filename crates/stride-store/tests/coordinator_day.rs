//! What a coordinator's day reads from the store: the touchpoints due (judged by their
//! rules against each enrollment's completions), the worker list's filters, and home's
//! recent activity and counts.

#![allow(clippy::unwrap_used)] // a failed unwrap is a failed test
#![allow(clippy::disallowed_methods)] // test rows are stamped by the wall clock

mod common;

use common::{device, name, worker};
use serde_json::json;
use stride_domain::journey::{Day, Urgency};
use stride_domain::*;
use stride_store::fixtures::{sample_program, sample_variant};
use stride_store::{ActivityKind, DueQuery, EnrollmentFilter, Store, WorkerSearch};

const DAY_MS: i64 = 24 * 60 * 60 * 1000;

fn days_from(at: Timestamp, days: f64) -> Timestamp {
    Timestamp::from_millis(at.millis() + (days * DAY_MS as f64) as i64).unwrap()
}

fn rule(value: serde_json::Value) -> Option<JsonObject> {
    Some(JsonObject::try_from(value).unwrap())
}

/// A program of one journey: phase 1 has `first` (due at enrollment) and `second` (two
/// days after `first`); phase 2 has `scored` (needs 70 on `second`), `variant_only`
/// (for variant A's workers) and `unreadable` (a rule from a newer app).
struct Program {
    id: ProgramId,
    org: OrganizationId,
    first: TouchpointId,
    second: TouchpointId,
    scored: TouchpointId,
    variant_only: TouchpointId,
    unreadable: TouchpointId,
    variant: ExperimentVariantId,
}

fn program(store: &Store, org: OrganizationId) -> Program {
    let variant = sample_variant(store).unwrap();
    let ids: Vec<TouchpointId> = (0..5).map(|_| TouchpointId::new()).collect();
    let touchpoints = [
        (ids[0], 1, None),
        (ids[1], 1, rule(json!({"after_touchpoint": ids[0], "after_days": 2}))),
        (ids[2], 2, rule(json!({"min_score": {"touchpoint": ids[1], "score": 70}}))),
        (ids[3], 2, rule(json!({"variant": variant}))),
        (ids[4], 2, rule(json!({"after_weeks": 1}))),
    ];
    Program {
        id: sample_program(store, &touchpoints).unwrap(),
        org,
        first: ids[0],
        second: ids[1],
        scored: ids[2],
        variant_only: ids[3],
        unreadable: ids[4],
        variant,
    }
}

fn enroll(
    store: &Store,
    program: &Program,
    worker: WorkerId,
    at: Timestamp,
    status: AssignmentStatus,
) -> WorkerAssignmentId {
    let assignment = WorkerAssignment {
        id: WorkerAssignmentId::new(),
        program_id: program.id,
        worker_id: worker,
        organization_id: program.org,
        enrollment_date: at,
        status,
        created_at: at,
        updated_at: at,
    };
    store.create(&assignment).unwrap();
    assignment.id
}

fn complete(
    store: &Store,
    program: &Program,
    assignment: WorkerAssignmentId,
    touchpoint: TouchpointId,
    at: Timestamp,
    score: Option<f64>,
) {
    store
        .create(&WorkerProgress {
            id: WorkerProgressId::new(),
            worker_assignment_id: assignment,
            touchpoint_id: touchpoint,
            organization_id: program.org,
            started_at: Some(at),
            completed_at: Some(at),
            score: score.map(|s| Score::new(s).unwrap()),
            feedback_text: None,
            created_at: at,
            updated_at: at,
        })
        .unwrap();
}

#[test]
fn touchpoints_fall_due_by_their_rules_for_each_active_enrollment() {
    let device = device();
    let store = &device.store;
    let program = program(store, device.org.id);
    let now = Timestamp::now();
    let today = Day { starts: days_from(now, -0.25), ends: days_from(now, 0.75) };

    // Amina, enrolled ten days ago: `first` done with 60 then again with 80, `second` done.
    let amina = worker(device.org.id, "Amina Wanjiru", None);
    // Baraka, enrolled today: nothing done. Chiku dropped out; Daudi's record was deleted.
    let baraka = worker(device.org.id, "Baraka Otieno", None);
    let chiku = worker(device.org.id, "Chiku Mutua", None);
    let daudi = worker(device.org.id, "Daudi Kamau", None);
    store.write(|w| [&amina, &baraka, &chiku, &daudi].into_iter().try_for_each(|x| w.create(x))).unwrap();
    let amina_enrolled = days_from(now, -10.0);
    let amina_in = enroll(store, &program, amina.id, amina_enrolled, AssignmentStatus::Active);
    let baraka_in = enroll(store, &program, baraka.id, now, AssignmentStatus::Active);
    enroll(store, &program, chiku.id, amina_enrolled, AssignmentStatus::Dropped);
    enroll(store, &program, daudi.id, amina_enrolled, AssignmentStatus::Active);
    store.delete::<Worker>(&daudi.row_key()).unwrap();
    complete(store, &program, amina_in, program.first, days_from(now, -6.0), Some(60.0));
    complete(store, &program, amina_in, program.first, days_from(now, -5.0), Some(80.0));
    complete(store, &program, amina_in, program.second, days_from(now, -1.0), Some(75.0));

    let due = |worker: Option<WorkerId>, until: Option<Timestamp>| {
        store.due(&DueQuery { day: today, until, program: None, worker }).unwrap()
    };
    let list = due(None, Some(today.ends));
    let items: Vec<_> = list.items.iter().map(|i| (i.worker_id, i.touchpoint_id, i.urgency)).collect();
    assert_eq!(
        items,
        vec![
            // Amina's `scored` counts from her enrollment (its rule has no wait), so it is overdue.
            (amina.id, program.scored, Urgency::Overdue),
            (baraka.id, program.first, Urgency::Today),
        ],
        "Amina has done first and second; Baraka waits on first for second and scored; Chiku dropped; Daudi is gone"
    );
    assert_eq!(list.items[0].due_at, amina_enrolled);
    assert_eq!(list.items[1].assignment_id, baraka_in);
    assert_eq!(list.unreadable_rules, vec![program.unreadable], "a rule it cannot read is named, not guessed at");

    // Baraka completes `first` today: `second` falls due in two days, after today.
    complete(store, &program, baraka_in, program.first, now, Some(50.0));
    assert!(due(Some(baraka.id), Some(today.ends)).items.is_empty());
    let later = due(Some(baraka.id), None);
    assert_eq!(later.items.len(), 1);
    assert_eq!((later.items[0].touchpoint_id, later.items[0].urgency), (program.second, Urgency::Later));
    assert_eq!(later.items[0].due_at, days_from(now, 2.0));

    // Assigned to variant A, Amina gets the touchpoint only its workers get.
    store
        .create(&ExperimentAssignment {
            id: ExperimentAssignmentId::new(),
            experiment_variant_id: program.variant,
            worker_id: Some(amina.id),
            organization_id: device.org.id,
            assigned_at: now,
        })
        .unwrap();
    let amina_due: Vec<_> = due(Some(amina.id), None).items.iter().map(|i| i.touchpoint_id).collect();
    assert_eq!(amina_due, vec![program.scored, program.variant_only]);

    // Filtering by program: another program's enrollments are not in it.
    let other =
        store.due(&DueQuery { day: today, until: None, program: Some(ProgramId::new()), worker: None }).unwrap();
    assert!(other.items.is_empty() && other.unreadable_rules.is_empty());
}

#[test]
fn the_worker_list_filters_by_segment_program_and_enrollment_state() {
    let device = device();
    let store = &device.store;
    let program = program(store, device.org.id);
    let now = Timestamp::now();
    let names = ["Amina Wanjiru", "Baraka Otieno", "Chiku Mutua", "Daudi Kamau", "Esther Achieng"];
    let workers: Vec<Worker> = names.iter().map(|n| worker(device.org.id, n, None)).collect();
    store.write(|w| workers.iter().try_for_each(|x| w.create(x))).unwrap();
    let segment = Segment {
        id: SegmentId::new(),
        organization_id: device.org.id,
        name: name("Kisumu site"),
        rule_definition: None,
        created_at: now,
        updated_at: now,
    };
    store.create(&segment).unwrap();
    for member in [&workers[0], &workers[2], &workers[4]] {
        store
            .create(&WorkerSegment {
                worker_id: member.id,
                segment_id: segment.id,
                organization_id: device.org.id,
                assigned_at: now,
            })
            .unwrap();
    }
    enroll(store, &program, workers[0].id, now, AssignmentStatus::Active);
    enroll(store, &program, workers[1].id, now, AssignmentStatus::Completed);
    enroll(store, &program, workers[2].id, now, AssignmentStatus::Dropped);

    let found = |search: WorkerSearch| -> Vec<String> {
        let page = store.search_workers(&WorkerSearch { limit: 50, ..search }).unwrap();
        assert_eq!(page.total as usize, page.items.len(), "the total counts the same filters");
        page.items.into_iter().map(|w| w.full_name.to_string()).collect()
    };
    let with = |segment: Option<SegmentId>, program: Option<ProgramId>, enrollment: Option<EnrollmentFilter>| {
        WorkerSearch { segment, program, enrollment, ..WorkerSearch::default() }
    };
    assert_eq!(found(with(Some(segment.id), None, None)), ["Amina Wanjiru", "Chiku Mutua", "Esther Achieng"]);
    assert_eq!(found(with(None, Some(program.id), None)), ["Amina Wanjiru", "Baraka Otieno", "Chiku Mutua"]);
    assert_eq!(found(with(None, Some(program.id), Some(EnrollmentFilter::Active))), ["Amina Wanjiru"]);
    assert_eq!(found(with(None, None, Some(EnrollmentFilter::Completed))), ["Baraka Otieno"]);
    assert_eq!(found(with(None, None, Some(EnrollmentFilter::NotEnrolled))), ["Daudi Kamau", "Esther Achieng"]);
    assert_eq!(found(with(None, Some(ProgramId::new()), Some(EnrollmentFilter::NotEnrolled))).len(), 5);
    assert_eq!(found(with(Some(segment.id), None, Some(EnrollmentFilter::NotEnrolled))), ["Esther Achieng"]);
    assert_eq!(found(with(Some(segment.id), Some(program.id), Some(EnrollmentFilter::Dropped))), ["Chiku Mutua"]);
    // With text too: the full-text search, then a name prefix, each with the filters.
    assert_eq!(
        found(WorkerSearch { text: "achieng".into(), ..with(Some(segment.id), None, None) }),
        ["Esther Achieng"]
    );
    assert_eq!(found(WorkerSearch { text: "ch".into(), ..with(Some(segment.id), None, None) }), ["Chiku Mutua"]);
    assert!(found(WorkerSearch { text: "ba".into(), ..with(Some(segment.id), None, None) }).is_empty());

    // The program's roster: active enrollments only, by name; and its count.
    let roster: Vec<_> = store.roster(program.id).unwrap().into_iter().map(|entry| entry.name).collect();
    assert_eq!(roster, ["Amina Wanjiru"]);
    enroll(store, &program, workers[4].id, now, AssignmentStatus::Active);
    enroll(store, &program, workers[3].id, now, AssignmentStatus::Active);
    let roster: Vec<_> = store.roster(program.id).unwrap().into_iter().map(|entry| entry.name).collect();
    assert_eq!(roster, ["Amina Wanjiru", "Daudi Kamau", "Esther Achieng"]);
    assert_eq!(store.active_enrollment_counts().unwrap().get(&program.id), Some(&3));

    // A membership or enrollment deleted no longer counts; nor does a deleted worker.
    store.delete::<WorkerSegment>(&RowKey::pair(workers[4].id, segment.id)).unwrap();
    store.delete::<Worker>(&workers[0].row_key()).unwrap();
    assert_eq!(found(with(Some(segment.id), None, None)), ["Chiku Mutua"]);
    let roster: Vec<_> = store.roster(program.id).unwrap().into_iter().map(|entry| entry.name).collect();
    assert_eq!(roster, ["Daudi Kamau", "Esther Achieng"]);
    assert_eq!(store.active_enrollment_counts().unwrap().get(&program.id), Some(&2));
}

#[test]
fn home_lists_the_latest_activity_and_counts_what_is_on_the_device() {
    let device = device();
    let store = &device.store;
    let program = program(store, device.org.id);
    let now = Timestamp::now();
    let mut amina = worker(device.org.id, "Amina Wanjiru", None);
    amina.created_at = days_from(now, -30.0);
    let mut baraka = worker(device.org.id, "Baraka Otieno", None);
    baraka.created_at = days_from(now, -2.0);
    store.write(|w| [&amina, &baraka].into_iter().try_for_each(|x| w.create(x))).unwrap();
    let enrolled = enroll(store, &program, amina.id, days_from(now, -20.0), AssignmentStatus::Active);
    complete(store, &program, enrolled, program.first, days_from(now, -10.0), Some(90.0));
    complete(store, &program, enrolled, program.second, days_from(now, -1.0), None);

    let activity = store.recent_activity(3).unwrap();
    let seen: Vec<_> = activity.iter().map(|a| (a.kind, a.worker_name.as_str())).collect();
    assert_eq!(
        seen,
        vec![
            (ActivityKind::Progress, "Amina Wanjiru"),
            (ActivityKind::NewWorker, "Baraka Otieno"),
            (ActivityKind::Progress, "Amina Wanjiru"),
        ],
        "newest first, three kinds mixed, cut at the limit"
    );
    assert_eq!(activity[0].touchpoint.as_deref(), Some("Lifting safely"));
    assert_eq!(activity[0].program.as_deref(), Some("Harvest season"));
    assert!(activity[0].completed && activity[0].score.is_none());
    assert_eq!(activity[2].score, Some(90.0));
    let all = store.recent_activity(50).unwrap();
    assert_eq!(all.len(), 5, "two progress records, one enrollment, two workers");
    assert_eq!(all[3].kind, ActivityKind::Enrollment);
    assert_eq!(all[3].at, days_from(now, -20.0), "dated by the enrollment, not by when it was typed in");

    let counts = store.counts(days_from(now, -7.0)).unwrap();
    assert_eq!((counts.workers, counts.programs, counts.active_enrollments, counts.recorded_since), (2, 1, 1, 1));
    store.delete::<Worker>(&amina.row_key()).unwrap();
    let counts = store.counts(days_from(now, -7.0)).unwrap();
    assert_eq!((counts.workers, counts.active_enrollments), (1, 0), "a deleted worker's enrollment is not counted");
    assert!(store.recent_activity(50).unwrap().iter().all(|a| a.worker_name == "Baraka Otieno"));
}

//! Authoring and program design through the service, on a real store: forms parsed at
//! the edge, every problem named by its field, roles and tiers refused before anything
//! is written, and what the window then reads back.

use super::tests::{form, service};
use super::*;
use crate::error::ErrorCode;
use std::collections::BTreeMap;
use stride_domain::experiment::assignment_id;

fn set_up(service: &Service, tier: SubscriptionTier) {
    service
        .set_up(SetUpInput {
            organization_name: "Lakeside Farms".into(),
            organization_type: OrganizationType::Client,
            subscription_tier: tier,
            default_calling_code: "254".into(),
        })
        .unwrap();
}

fn fields(error: &AppError) -> Vec<&str> {
    error.fields.iter().map(|f| f.field.as_str()).collect()
}

fn content(service: &Service, title: &str) -> ContentId {
    service
        .save_content(ContentInput {
            id: None,
            content_type: ContentType::Text,
            title: title.into(),
            description: String::new(),
            media_url: String::new(),
            license_type: None,
        })
        .unwrap()
}

fn worker(service: &Service, name: &str, site: &str, language: &str) -> Worker {
    let mut input = form(name, "");
    input.custom_attributes = BTreeMap::from([("site".into(), site.into()), ("language".into(), language.into())]);
    service.enroll_worker(input).unwrap()
}

fn rule() -> RuleForm {
    RuleForm::default()
}

/// A program "Harvest" of one journey of one phase of one touchpoint, due from enrollment.
fn program_of_one_touchpoint(service: &Service) -> (ProgramId, TouchpointId) {
    let video = content(service, "Lifting safely");
    let journey =
        service.save_journey(JourneyInput { id: None, title: "Safety".into(), purpose: String::new() }).unwrap();
    let phase = service.save_phase(PhaseInput { id: None, journey_id: journey, name: "Week 1".into() }).unwrap();
    let touchpoint = service
        .save_touchpoint(TouchpointInput { id: None, phase_id: phase, content_id: video, rule: rule() })
        .unwrap();
    let program = service
        .save_program(ProgramInput {
            id: None,
            name: "Harvest".into(),
            start_date: String::new(),
            end_date: String::new(),
            journeys: vec![journey],
        })
        .unwrap();
    (program, touchpoint)
}

#[test]
fn a_journey_is_authored_through_forms_that_name_each_problem_and_previews_for_a_worker() {
    let (_dir, service) = service();
    set_up(&service, SubscriptionTier::Standard);
    let bad = service
        .save_content(ContentInput {
            id: None,
            content_type: ContentType::Video,
            title: " ".into(),
            description: String::new(),
            media_url: "ftp://media.example/lifting.mp4".into(),
            license_type: None,
        })
        .unwrap_err();
    assert_eq!((bad.code, fields(&bad)), (ErrorCode::InvalidInput, vec!["title", "media_url"]));
    let video = content(&service, "Lifting safely");
    let quiz = content(&service, "Safety quiz");

    let journey =
        service.save_journey(JourneyInput { id: None, title: "Safety basics".into(), purpose: String::new() }).unwrap();
    let week =
        |name: &str| service.save_phase(PhaseInput { id: None, journey_id: journey, name: name.into() }).unwrap();
    let (second, first) = (week("Week 2"), week("Week 1"));
    service.move_phase(first, true).unwrap();
    let drafts = service.journeys().unwrap();
    let names: Vec<&str> = drafts[0].phases.iter().map(|p| p.name.as_str()).collect();
    assert_eq!(names, ["Week 1", "Week 2"], "moved up");

    let watch = service
        .save_touchpoint(TouchpointInput { id: None, phase_id: first, content_id: video, rule: rule() })
        .unwrap();
    let elsewhere = {
        let other =
            service.save_journey(JourneyInput { id: None, title: "Other".into(), purpose: String::new() }).unwrap();
        let phase = service.save_phase(PhaseInput { id: None, journey_id: other, name: "Only".into() }).unwrap();
        service.save_touchpoint(TouchpointInput { id: None, phase_id: phase, content_id: video, rule: rule() }).unwrap()
    };
    let err = service
        .save_touchpoint(TouchpointInput {
            id: None,
            phase_id: second,
            content_id: quiz,
            rule: RuleForm {
                after_touchpoint: Some(elsewhere),
                after_days: "two".into(),
                min_score_touchpoint: None,
                min_score: "70".into(),
                variant: Some(ExperimentVariantId::new()),
            },
        })
        .unwrap_err();
    assert_eq!(fields(&err), ["after_days", "after_touchpoint", "min_score_touchpoint", "variant"]);
    let pending = service.status().unwrap().pending_changes;

    let test = service
        .save_touchpoint(TouchpointInput {
            id: None,
            phase_id: second,
            content_id: quiz,
            rule: RuleForm { after_touchpoint: Some(watch), after_days: "2".into(), ..rule() },
        })
        .unwrap();
    assert_eq!(service.status().unwrap().pending_changes, pending + 1);
    let stored = service.store.get::<Touchpoint>(&RowKey::of(test)).unwrap().unwrap();
    assert_eq!(
        serde_json::Value::from(stored.rule_logic.unwrap()),
        serde_json::json!({"after_touchpoint": watch, "after_days": 2})
    );
    let draft = &service.journeys().unwrap().into_iter().find(|j| j.id == journey).unwrap();
    assert_eq!(draft.phases[1].touchpoints[0].rule.as_ref().unwrap().after_days, "2", "the form reads back");

    // A worker in a program of this journey: the first is due, the second waits on it.
    let program = service
        .save_program(ProgramInput {
            id: None,
            name: "Harvest".into(),
            start_date: "2026-11-01".into(),
            end_date: "2026-10-01".into(),
            journeys: vec![journey],
        })
        .unwrap_err();
    assert_eq!((program.code, fields(&program)), (ErrorCode::InvalidInput, vec!["end_date"]));
    let program = service
        .save_program(ProgramInput {
            id: None,
            name: "Harvest".into(),
            start_date: "2026-11-01".into(),
            end_date: String::new(),
            journeys: vec![journey],
        })
        .unwrap();
    let amina = worker(&service, "Amina Otieno", "Kisumu", "sw");
    service.enroll_in_program(program, EnrollTarget::Worker(amina.id)).unwrap();
    let preview = service.preview_journey(journey, amina.id).unwrap();
    assert!(matches!(preview[0].state, PreviewState::Due { .. }));
    assert_eq!(preview[1].state, PreviewState::WaitingFor { title: Some("Lifting safely".into()) });
    let due = service.due_enrollments(program, watch, today()).unwrap();
    assert_eq!(due.len(), 1, "what was authored is due on this device at once");

    // A touchpoint another one waits on is not deleted from under it.
    let delete = |entity: EntityKind, id: String| service.delete_record(entity, id);
    let err = delete(EntityKind::Touchpoints, watch.to_string()).unwrap_err();
    assert_eq!(fields(&err), ["touchpoint"]);
    assert_eq!(delete(EntityKind::Phases, first.to_string()).unwrap_err().code, ErrorCode::InvalidInput);
    assert_eq!(delete(EntityKind::JourneyBlueprints, journey.to_string()).unwrap_err().code, ErrorCode::Restricted);
    delete(EntityKind::Touchpoints, test.to_string()).unwrap();
    delete(EntityKind::Phases, first.to_string()).unwrap();
    let names: Vec<String> = service
        .journeys()
        .unwrap()
        .into_iter()
        .find(|j| j.id == journey)
        .unwrap()
        .phases
        .into_iter()
        .map(|p| p.name)
        .collect();
    assert_eq!(names, ["Week 2"]);
}

#[test]
fn a_segment_form_selects_live_and_membership_follows_every_edit() {
    let (_dir, service) = service();
    set_up(&service, SubscriptionTier::Standard);
    let amina = worker(&service, "Amina Otieno", "Kisumu", "sw");
    worker(&service, "Brian Kiptoo", "Kisumu", "en");
    worker(&service, "Carol Njeri", "Eldoret", "sw");
    let condition = |negate, field: &str, op: &str, value: &str| ConditionForm {
        negate,
        field: field.into(),
        op: op.into(),
        value: value.into(),
    };
    let kisumu_not_swahili = SegmentForm {
        combine: Combine::All,
        conditions: vec![condition(false, "site", "eq", "kisumu"), condition(true, "language", "eq", "sw")],
    };
    let preview = service.preview_segment(kisumu_not_swahili.clone()).unwrap();
    assert_eq!((preview.count, preview.first[0].name.as_str()), (1, "Brian Kiptoo"));
    let either = SegmentForm {
        combine: Combine::Any,
        conditions: vec![
            condition(false, "site", "in", "Eldoret, Nairobi"),
            condition(false, "full_name", "contains", "amina"),
        ],
    };
    assert_eq!(service.preview_segment(either).unwrap().count, 2);

    let err = service
        .preview_segment(SegmentForm {
            combine: Combine::All,
            conditions: vec![condition(false, "Site", "eq", "x"), condition(false, "well_being_score", "gt", "high")],
        })
        .unwrap_err();
    assert_eq!(fields(&err), ["conditions.0.field", "conditions.1.value"]);

    let segment = service
        .save_segment(SegmentInput { id: None, name: "Kisumu, not Swahili".into(), form: kisumu_not_swahili })
        .unwrap();
    let query = |segment| WorkerQuery {
        text: String::new(),
        segment: Some(segment),
        program: None,
        enrollment: None,
        offset: 0,
        limit: 20,
    };
    assert_eq!(service.search_workers(query(segment)).unwrap().total, 1);

    // Amina speaks English now: she is in the segment at once, offline.
    let mut edit = form("Amina Otieno", "");
    edit.custom_attributes = BTreeMap::from([("site".into(), "Kisumu".into()), ("language".into(), "en".into())]);
    service.update_worker(amina.id, edit).unwrap();
    assert_eq!(service.search_workers(query(segment)).unwrap().total, 2);
    assert_eq!(service.worker_page(amina.id, today()).unwrap().segments, ["Kisumu, not Swahili"]);
    // A worker enrolled since the last search is judged too (members are kept between
    // searches only while nothing changes).
    worker(&service, "Daudi Omondi", "kisumu", "luo");
    assert_eq!(service.search_workers(query(segment)).unwrap().total, 3);
    assert_eq!(service.search_workers(WorkerQuery { text: "dau".into(), ..query(segment) }).unwrap().total, 1);
    let draft = service.segment_drafts().unwrap().remove(0);
    assert_eq!((draft.members, draft.form.unwrap().conditions.len()), (3, 2));
}

#[test]
fn experiments_assign_by_the_pure_function_and_report_per_variant() {
    let (_dir, service) = service();
    set_up(&service, SubscriptionTier::Premium);
    let (program, touchpoint) = program_of_one_touchpoint(&service);
    let workers: Vec<Worker> = (0..40).map(|i| worker(&service, &format!("Worker {i:02}"), "Kisumu", "sw")).collect();
    for w in &workers[..30] {
        service.enroll_in_program(program, EnrollTarget::Worker(w.id)).unwrap();
    }
    let variant = |name: &str, weight: &str, details: &str| VariantInput {
        id: None,
        name: name.into(),
        weight: weight.into(),
        details: details.into(),
    };
    let input = |variants| ExperimentInput {
        id: None,
        name: "Video or text first".into(),
        experiment_type: ExperimentType::JourneyLevel,
        status: ExperimentStatus::Active,
        program_id: Some(program),
        segment_id: None,
        variants,
    };
    let err = service.save_experiment(input(vec![variant("A", "0", "{"), variant("", "1", "")])).unwrap_err();
    assert_eq!(fields(&err), ["variants.0.weight", "variants.0.details", "variants.1.name"]);
    let experiment = service
        .save_experiment(input(vec![variant("A: video", "1", r#"{"first": "video"}"#), variant("B: text", "1", "")]))
        .unwrap();
    let drafts = service.experiment_drafts().unwrap();
    assert_eq!(drafts[0].variants[0].details, r#"{"first":"video"}"#, "the weight is its own field");

    assert_eq!(service.assign_experiment(experiment).unwrap(), 30);
    assert_eq!(service.assign_experiment(experiment).unwrap(), 0, "assigned once");
    for w in &workers[..30] {
        let row = service.store.get::<ExperimentAssignment>(&RowKey::of(assignment_id(experiment, w.id))).unwrap();
        assert!(row.is_some(), "every device would write this very row");
    }
    // Joining the program later joins the experiment.
    service.enroll_in_program(program, EnrollTarget::Worker(workers[35].id)).unwrap();
    assert!(service
        .store
        .get::<ExperimentAssignment>(&RowKey::of(assignment_id(experiment, workers[35].id)))
        .unwrap()
        .is_some());

    let roster = service.roster(program).unwrap();
    let half: Vec<WorkerAssignmentId> = roster.iter().take(10).map(|e| e.assignment_id).collect();
    service.record_group_session(GroupSessionInput::present(program, touchpoint, &half, "80"), today()).unwrap();
    for id in &half[..5] {
        service.set_enrollment_status(*id, AssignmentStatus::Completed).unwrap();
    }
    let results = service.experiment_results(experiment).unwrap();
    let total: u64 = results.variants.iter().map(|v| v.assigned).sum();
    assert_eq!((total, results.unassigned), (31, 0));
    assert_eq!(results.variants.iter().map(|v| v.completed).sum::<u64>(), 5);
    assert_eq!(results.variants.iter().map(|v| v.scored).sum::<u64>(), 10);
    for v in &results.variants {
        if v.assigned > 0 {
            let i = v.completion_interval.unwrap();
            assert!(i.low <= v.completion_rate.unwrap() && v.completion_rate.unwrap() <= i.high);
        }
    }
    assert!(!results.sample_ratio.unwrap().mismatch, "31 split by a fair hash is no mismatch");
}

#[test]
fn badges_are_awarded_by_their_rule_as_a_session_is_recorded_and_rank_the_leaderboard() {
    let (_dir, service) = service();
    set_up(&service, SubscriptionTier::Standard);
    let (program, touchpoint) = program_of_one_touchpoint(&service);
    let badge = |name: &str, rule: AwardForm| {
        service.save_badge(BadgeInput {
            id: None,
            name: name.into(),
            description: String::new(),
            icon_url: String::new(),
            rule,
        })
    };
    let err = badge("Everyone", AwardForm { program: Some(program), ..Default::default() }).unwrap_err();
    assert_eq!(fields(&err), ["rule"]);
    let err =
        badge("Bad", AwardForm { completed_touchpoints: "many".into(), min_score: "120".into(), ..Default::default() })
            .unwrap_err();
    assert_eq!(fields(&err), ["completed_touchpoints", "min_score"]);
    let first_step =
        badge("First step", AwardForm { completed_touchpoints: "1".into(), ..Default::default() }).unwrap();
    let top = badge("Top scorer", AwardForm { min_score: "90".into(), ..Default::default() }).unwrap();
    let by_hand = badge("Helper", AwardForm::default()).unwrap();

    let (amina, brian, carol) = (
        worker(&service, "Amina", "Kisumu", "sw"),
        worker(&service, "Brian", "Kisumu", "en"),
        worker(&service, "Carol", "Eldoret", "sw"),
    );
    for w in [&amina, &brian, &carol] {
        service.enroll_in_program(program, EnrollTarget::Worker(w.id)).unwrap();
    }
    let enrollment =
        |w: &Worker| service.roster(program).unwrap().into_iter().find(|e| e.worker_id == w.id).unwrap().assignment_id;
    let session = |who: Vec<WorkerAssignmentId>, score: &str| {
        service.record_group_session(GroupSessionInput::present(program, touchpoint, &who, score), today()).unwrap()
    };
    session(vec![enrollment(&amina)], "95");
    session(vec![enrollment(&brian)], "70");
    let badges_of =
        |w: &Worker| service.worker_page(w.id, today()).unwrap().badges.into_iter().map(|b| b.name).collect::<Vec<_>>();
    assert_eq!(badges_of(&amina), ["First step", "Top scorer"]);
    assert_eq!(badges_of(&brian), ["First step"]);
    assert!(badges_of(&carol).is_empty());
    session(vec![enrollment(&amina)], "99");
    assert_eq!(badges_of(&amina).len(), 2, "a badge is awarded once");

    service.award_badge(by_hand, carol.id).unwrap();
    service.award_badge(by_hand, carol.id).unwrap();
    assert_eq!(badges_of(&carol), ["Helper"]);
    let drafts = service.badge_drafts().unwrap();
    let holders: Vec<(String, u32)> = drafts.iter().map(|d| (d.badge.name.to_string(), d.holders)).collect();
    assert_eq!(holders, [("First step".into(), 2), ("Helper".into(), 1), ("Top scorer".into(), 1)]);
    let _ = (first_step, top);

    // By points: 10 a touchpoint and 25 a badge until the organization sets its own.
    let board = service.leaderboard(program).unwrap();
    let ranks: Vec<(u32, &str, u32, Option<f64>, u64)> = board
        .iter()
        .map(|e| (e.rank, e.name.as_str(), e.tally.touchpoints, e.tally.mean_score, e.tally.points))
        .collect();
    assert_eq!(ranks, [(1, "Amina", 1, Some(99.0), 60), (2, "Brian", 1, Some(70.0), 35), (3, "Carol", 0, None, 25)]);
}

#[test]
fn roles_and_tiers_refuse_before_anything_is_written() {
    let (_dir, service) = service();
    set_up(&service, SubscriptionTier::Basic);
    let programs = |n: usize| {
        (0..n)
            .map(|i| {
                service.save_program(ProgramInput {
                    id: None,
                    name: format!("Program {i}"),
                    start_date: String::new(),
                    end_date: String::new(),
                    journeys: vec![],
                })
            })
            .collect::<Vec<_>>()
    };
    let made = programs(4);
    assert!(made[..3].iter().all(Result::is_ok));
    let err = made[3].as_ref().unwrap_err();
    assert_eq!((err.code, err.message.as_str()), (ErrorCode::TierLimit, "the basic tier allows 3 programs"));
    let err = service
        .save_experiment(ExperimentInput {
            id: None,
            name: "A or B".into(),
            experiment_type: ExperimentType::ProgramLevel,
            status: ExperimentStatus::Draft,
            program_id: None,
            segment_id: None,
            variants: vec![],
        })
        .unwrap_err();
    assert_eq!(err.code, ErrorCode::TierLimit, "{err:?}");
    let overview = service.organization_overview().unwrap();
    assert_eq!((overview.usage.programs, overview.limits.programs), (3, Some(3)));

    // Signed in as a coordinator: authoring is refused, field work is not.
    service.store.set_account(UserId::new(), Role::Coordinator).unwrap();
    let pending = service.status().unwrap().pending_changes;
    let err =
        service.save_journey(JourneyInput { id: None, title: "Mine".into(), purpose: String::new() }).unwrap_err();
    assert_eq!(
        (err.code, err.message.as_str()),
        (ErrorCode::NotPermitted, "a coordinator may not change journey_blueprints")
    );
    assert_eq!(service.status().unwrap().pending_changes, pending);
    service.enroll_worker(form("Amina", "")).unwrap();
    let account = service.account().unwrap();
    assert!(!account.permissions.screens.contains(&stride_domain::access::Screen::Experiments));
    assert_eq!(account.roles.len(), 5);
}

#[test]
fn a_locked_copy_of_a_marketplace_listing_is_not_changed_here_and_a_forked_one_keeps_where_it_came_from() {
    let (_dir, service) = service();
    set_up(&service, SubscriptionTier::Premium);
    let video = content(&service, "Lifting safely");
    let journey =
        service.save_journey(JourneyInput { id: None, title: "Safety".into(), purpose: String::new() }).unwrap();
    let phase = service.save_phase(PhaseInput { id: None, journey_id: journey, name: "Week 1".into() }).unwrap();
    // As the server's copy of a listing arrives by the pull.
    let from = |state| Source {
        source_listing_id: Some(ListingId::new()),
        source_version: Some(2),
        source_state: Some(state),
    };
    let mut copied = service.existing::<JourneyBlueprint>(RowKey::of(journey)).unwrap();
    copied.source = from(CopyState::Following);
    service.store.update(&copied).unwrap();

    fn locked<T: std::fmt::Debug>(result: Result<T, AppError>) -> ErrorCode {
        result.unwrap_err().code
    }
    let rename = JourneyInput { id: Some(journey), title: "Our safety".into(), purpose: String::new() };
    assert_eq!(locked(service.save_journey(rename.clone())), ErrorCode::CopyLocked);
    let another = PhaseInput { id: None, journey_id: journey, name: "Week 2".into() };
    assert_eq!(locked(service.save_phase(another)), ErrorCode::CopyLocked, "nothing is added to it either");
    assert_eq!(
        locked(service.delete_record(EntityKind::JourneyBlueprints, journey.to_string())),
        ErrorCode::CopyLocked
    );
    let mut phase_row = service.existing::<Phase>(RowKey::of(phase)).unwrap();
    phase_row.source = from(CopyState::Following);
    service.store.update(&phase_row).unwrap();
    let touchpoint = TouchpointInput { id: None, phase_id: phase, content_id: video, rule: rule() };
    assert_eq!(locked(service.save_touchpoint(touchpoint)), ErrorCode::CopyLocked);
    assert_eq!(service.existing::<JourneyBlueprint>(RowKey::of(journey)).unwrap().title.as_str(), "Safety");

    // Forked: the organization's own to edit, still saying where it came from.
    copied.source = from(CopyState::Forked);
    service.store.update(&copied).unwrap();
    service.save_journey(rename).unwrap();
    let edited = service.existing::<JourneyBlueprint>(RowKey::of(journey)).unwrap();
    assert_eq!((edited.title.as_str(), edited.source), ("Our safety", copied.source));
}

#[test]
fn a_program_holding_a_copy_whose_license_ended_takes_no_new_enrollment_and_keeps_those_it_has() {
    let (_dir, service) = service();
    set_up(&service, SubscriptionTier::Premium);
    let journey =
        service.save_journey(JourneyInput { id: None, title: "Safe lifting".into(), purpose: String::new() }).unwrap();
    let program = service
        .save_program(ProgramInput {
            id: None,
            name: "Harvest".into(),
            start_date: String::new(),
            end_date: String::new(),
            journeys: vec![journey],
        })
        .unwrap();
    let amina = worker(&service, "Amina Otieno", "Kisumu", "sw");
    let baraka = worker(&service, "Baraka Mwangi", "Kisumu", "sw");
    // As the server's copy arrives by the pull, its license's last day with it.
    let today = service.store.now().date();
    let mut copied = service.existing::<JourneyBlueprint>(RowKey::of(journey)).unwrap();
    copied.source = Source {
        source_listing_id: Some(ListingId::new()),
        source_version: Some(1),
        source_state: Some(CopyState::Following),
    };
    copied.licensed_until = Some(today);
    service.store.update(&copied).unwrap();
    assert_eq!(service.enroll_in_program(program, EnrollTarget::Worker(amina.id)).unwrap(), 1, "its last day");

    copied.licensed_until = today.pred_opt();
    service.store.update(&copied).unwrap();
    let pending = service.status().unwrap().pending_changes;
    let err = service.enroll_in_program(program, EnrollTarget::Worker(baraka.id)).unwrap_err();
    assert_eq!((err.code, fields(&err)), (ErrorCode::InvalidInput, vec!["program_id"]));
    assert!(err.message.contains("Safe lifting"), "{}", err.message);
    assert_eq!(service.status().unwrap().pending_changes, pending, "nothing written");
    let enrolled = service.store.list_all::<WorkerAssignment>(&[]).unwrap();
    assert_eq!(
        enrolled.iter().map(|a| (a.worker_id, a.status)).collect::<Vec<_>>(),
        [(amina.id, AssignmentStatus::Active)],
        "the worker enrolled before goes on"
    );
}

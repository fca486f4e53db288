//! What is due, kept as rows change (`due_index.rs`), against what is due judged now
//! from the rows alone: after any sequence of local writes, pulled rows, status
//! changes, deletions, variant assignments and rule edits, both give the same items in
//! the same order and the same unreadable rules.

#![allow(clippy::unwrap_used)] // a failed unwrap is a failed test
#![allow(clippy::disallowed_methods)] // test rows are stamped by the wall clock

mod common;

use common::{device, worker};
use proptest::prelude::*;
use serde_json::json;
use stride_domain::api::{PullResponse, PulledRow};
use stride_domain::journey::Day;
use stride_domain::*;
use stride_store::fixtures::{sample_program, sample_variant};
use stride_store::{DueItem, DueQuery, Store};

const DAY_MS: i64 = 24 * 60 * 60 * 1000;
const WORKERS: usize = 5;
const TOUCHPOINTS: usize = 5;

fn days_before(at: Timestamp, days: u8) -> Timestamp {
    Timestamp::from_millis(at.millis() - i64::from(days) * DAY_MS).unwrap()
}

#[derive(Debug, Clone)]
enum Op {
    Enroll {
        worker: usize,
        program: usize,
        days_ago: u8,
    },
    Complete {
        worker: usize,
        touchpoint: usize,
        days_ago: u8,
        score: u8,
    },
    /// The same, arriving from the server in a pulled page.
    PullCompletion {
        worker: usize,
        touchpoint: usize,
        days_ago: u8,
        score: u8,
    },
    /// Deletes the worker's latest progress record.
    Undo {
        worker: usize,
    },
    SetStatus {
        worker: usize,
        active: bool,
    },
    DeleteWorker {
        worker: usize,
    },
    AssignVariant {
        worker: usize,
    },
    Unassign {
        worker: usize,
    },
    /// Gives a touchpoint of the first program one of a few rules.
    ChangeRule {
        touchpoint: usize,
        rule: usize,
    },
    Ask,
}

fn op() -> impl Strategy<Value = Op> {
    let worker = 0..WORKERS;
    let touchpoint = 0..TOUCHPOINTS;
    prop_oneof![
        3 => (worker.clone(), 0..2usize, 0..20u8).prop_map(|(worker, program, days_ago)| Op::Enroll { worker, program, days_ago }),
        4 => (worker.clone(), touchpoint.clone(), 0..20u8, 0..=100u8)
            .prop_map(|(worker, touchpoint, days_ago, score)| Op::Complete { worker, touchpoint, days_ago, score }),
        2 => (worker.clone(), touchpoint.clone(), 0..20u8, 0..=100u8)
            .prop_map(|(worker, touchpoint, days_ago, score)| Op::PullCompletion { worker, touchpoint, days_ago, score }),
        1 => worker.clone().prop_map(|worker| Op::Undo { worker }),
        1 => (worker.clone(), any::<bool>()).prop_map(|(worker, active)| Op::SetStatus { worker, active }),
        1 => worker.clone().prop_map(|worker| Op::DeleteWorker { worker }),
        1 => worker.clone().prop_map(|worker| Op::AssignVariant { worker }),
        1 => worker.prop_map(|worker| Op::Unassign { worker }),
        1 => (touchpoint, 0..4usize).prop_map(|(touchpoint, rule)| Op::ChangeRule { touchpoint, rule }),
        3 => Just(Op::Ask),
    ]
}

/// The organization's rows the test writes against, and what it wrote.
struct World {
    store: Store,
    org: OrganizationId,
    now: Timestamp,
    programs: [ProgramId; 2],
    touchpoints: [Vec<TouchpointId>; 2],
    variant: ExperimentVariantId,
    workers: Vec<WorkerId>,
    /// Each worker's enrollments (program index, id), latest last.
    enrollments: Vec<Vec<(usize, WorkerAssignmentId)>>,
    progress: Vec<Vec<WorkerProgressId>>,
    variant_assignments: Vec<Vec<ExperimentAssignmentId>>,
    pulled_version: i64,
}

fn rules(touchpoints: &[TouchpointId], variant: ExperimentVariantId) -> [Option<JsonObject>; 4] {
    let rule = |value: serde_json::Value| Some(JsonObject::try_from(value).unwrap());
    [
        None,
        rule(json!({"after_touchpoint": touchpoints[0], "after_days": 2})),
        rule(json!({"min_score": {"touchpoint": touchpoints[1], "score": 70}})),
        rule(json!({"variant": variant})),
    ]
}

fn world(store: Store, org: OrganizationId) -> World {
    let now = Timestamp::now();
    let variant = sample_variant(&store).unwrap();
    let mut programs = Vec::new();
    let mut touchpoints = Vec::new();
    for _ in 0..2 {
        let ids: Vec<TouchpointId> = (0..TOUCHPOINTS).map(|_| TouchpointId::new()).collect();
        let [none, after_first, scored, variant_only] = rules(&ids, variant);
        let unreadable = Some(JsonObject::try_from(json!({"after_weeks": 1})).unwrap());
        let plan = [
            (ids[0], 1, none),
            (ids[1], 1, after_first),
            (ids[2], 2, scored),
            (ids[3], 2, variant_only),
            (ids[4], 2, unreadable),
        ];
        programs.push(sample_program(&store, &plan).unwrap());
        touchpoints.push(ids);
    }
    let workers: Vec<Worker> = (0..WORKERS).map(|i| worker(org, &format!("Worker {i}"), None)).collect();
    store.write(|w| workers.iter().try_for_each(|x| w.create(x))).unwrap();
    World {
        store,
        org,
        now,
        programs: [programs[0], programs[1]],
        touchpoints: [touchpoints[0].clone(), touchpoints[1].clone()],
        variant,
        workers: workers.iter().map(|w| w.id).collect(),
        enrollments: vec![Vec::new(); WORKERS],
        progress: vec![Vec::new(); WORKERS],
        variant_assignments: vec![Vec::new(); WORKERS],
        pulled_version: 0,
    }
}

impl World {
    fn progress(&self, worker: usize, touchpoint: usize, days_ago: u8, score: u8) -> Option<WorkerProgress> {
        let &(program, assignment) = self.enrollments[worker].last()?;
        let at = days_before(self.now, days_ago);
        Some(WorkerProgress {
            id: WorkerProgressId::new(),
            worker_assignment_id: assignment,
            touchpoint_id: self.touchpoints[program][touchpoint],
            organization_id: self.org,
            started_at: Some(at),
            completed_at: Some(at),
            score: Some(Score::new(f64::from(score)).unwrap()),
            feedback_text: None,
            created_at: at,
            updated_at: at,
        })
    }

    /// Writes one step. A step the store refuses (a deleted worker's enrollment, say)
    /// leaves nothing, which is what both answers must then agree on.
    fn apply(&mut self, op: &Op) {
        let store = &self.store;
        match *op {
            Op::Enroll { worker, program, days_ago } => {
                let at = days_before(self.now, days_ago);
                let assignment = WorkerAssignment {
                    id: WorkerAssignmentId::new(),
                    program_id: self.programs[program],
                    worker_id: self.workers[worker],
                    organization_id: self.org,
                    enrollment_date: at,
                    status: AssignmentStatus::Active,
                    created_at: at,
                    updated_at: at,
                };
                if store.create(&assignment).is_ok() {
                    self.enrollments[worker].push((program, assignment.id));
                }
            }
            Op::Complete { worker, touchpoint, days_ago, score } => {
                if let Some(progress) = self.progress(worker, touchpoint, days_ago, score) {
                    if store.create(&progress).is_ok() {
                        self.progress[worker].push(progress.id);
                    }
                }
            }
            Op::PullCompletion { worker, touchpoint, days_ago, score } => {
                if let Some(progress) = self.progress(worker, touchpoint, days_ago, score) {
                    self.pulled_version += 1;
                    let row = PulledRow {
                        entity: EntityKind::WorkerProgress,
                        version: self.pulled_version,
                        deleted: false,
                        row: serde_json::to_value(&progress).unwrap().as_object().unwrap().clone(),
                    };
                    let page = PullResponse {
                        cursor: self.pulled_version,
                        rows: vec![row],
                        tables: Vec::new(),
                        up_to_date: true,
                        head: self.pulled_version,
                        server_time_ms: 0,
                        scope: None,
                    };
                    store.apply_pulled(&page).unwrap();
                    self.progress[worker].push(progress.id);
                }
            }
            Op::Undo { worker } => {
                if let Some(id) = self.progress[worker].pop() {
                    store.delete::<WorkerProgress>(&RowKey::of(id)).ok();
                }
            }
            Op::SetStatus { worker, active } => {
                if let Some(&(_, id)) = self.enrollments[worker].last() {
                    if let Some(mut assignment) = store.get::<WorkerAssignment>(&RowKey::of(id)).unwrap() {
                        assignment.status = if active { AssignmentStatus::Active } else { AssignmentStatus::Dropped };
                        store.update(&assignment).ok();
                    }
                }
            }
            Op::DeleteWorker { worker } => {
                store.delete::<Worker>(&RowKey::of(self.workers[worker])).ok();
            }
            Op::AssignVariant { worker } => {
                let assignment = ExperimentAssignment {
                    id: ExperimentAssignmentId::new(),
                    experiment_variant_id: self.variant,
                    worker_id: Some(self.workers[worker]),
                    organization_id: self.org,
                    assigned_at: self.now,
                };
                if store.create(&assignment).is_ok() {
                    self.variant_assignments[worker].push(assignment.id);
                }
            }
            Op::Unassign { worker } => {
                if let Some(id) = self.variant_assignments[worker].pop() {
                    store.delete::<ExperimentAssignment>(&RowKey::of(id)).ok();
                }
            }
            Op::ChangeRule { touchpoint, rule } => {
                let id = self.touchpoints[0][touchpoint];
                if let Some(mut row) = store.get::<Touchpoint>(&RowKey::of(id)).unwrap() {
                    row.rule_logic = rules(&self.touchpoints[0], self.variant)[rule].clone();
                    store.update(&row).unwrap();
                }
            }
            Op::Ask => {}
        }
    }

    /// Asks both ways, as home, a group session and the full list ask.
    fn both_answers_agree(&self) -> Result<(), TestCaseError> {
        let today = Day { starts: days_before(self.now, 1), ends: self.now };
        let queries = [
            DueQuery { day: today, until: Some(today.ends), program: None, worker: None },
            DueQuery { day: today, until: None, program: None, worker: None },
            DueQuery { day: today, until: None, program: Some(self.programs[1]), worker: None },
        ];
        for query in &queries {
            let (mut kept, mut judged) = (Vec::<DueItem>::new(), Vec::<DueItem>::new());
            let kept_unreadable = self.store.for_each_due(query, |item| kept.push(*item)).unwrap();
            let judged_unreadable = self.store.for_each_due_judged_now(query, |item| judged.push(*item)).unwrap();
            prop_assert_eq!(&kept, &judged, "the items of {:?}", query);
            prop_assert_eq!(&kept_unreadable, &judged_unreadable);
        }
        let active = self
            .store
            .list_all::<WorkerAssignment>(&[])
            .unwrap()
            .into_iter()
            .filter(|a| a.status == AssignmentStatus::Active)
            .filter(|a| self.store.get::<Worker>(&RowKey::of(a.worker_id)).unwrap().is_some())
            .count();
        prop_assert_eq!(self.store.counts(self.now).unwrap().active_enrollments, active as u64);
        Ok(())
    }
}

proptest! {
    #![proptest_config(ProptestConfig::with_cases(48))]

    #[test]
    fn what_is_kept_due_is_what_judging_now_gives(ops in proptest::collection::vec(op(), 1..40)) {
        let device = device();
        let common::Device { _dir, store, org, .. } = device;
        let mut world = world(store, org.id);
        // Asked once first, so every later step is kept rather than judged afresh.
        world.both_answers_agree()?;
        for op in &ops {
            world.apply(op);
            if matches!(op, Op::Ask) {
                world.both_answers_agree()?;
            }
        }
        world.both_answers_agree()?;
    }
}

#[test]
fn a_completion_recorded_after_the_first_ask_is_seen_by_the_next() {
    let device = device();
    let common::Device { _dir, store, org, .. } = device;
    let mut world = world(store, org.id);
    world.apply(&Op::Enroll { worker: 0, program: 0, days_ago: 3 });
    let today = Day { starts: days_before(world.now, 1), ends: world.now };
    let query = DueQuery { day: today, until: Some(today.ends), program: None, worker: None };
    let due = |world: &World| {
        let mut items = Vec::new();
        world.store.for_each_due(&query, |item| items.push(item.touchpoint_id)).unwrap();
        items
    };
    let [first, second, ..] = world.touchpoints[0][..] else { unreachable!() };
    assert_eq!(due(&world), vec![first]);
    world.apply(&Op::Complete { worker: 0, touchpoint: 0, days_ago: 3, score: 90 });
    assert_eq!(due(&world), vec![second], "second falls due two days after first, which was three days ago");
    world.apply(&Op::SetStatus { worker: 0, active: false });
    assert!(due(&world).is_empty(), "a dropped enrollment has nothing due");
}

#[test]
fn rows_pulled_before_what_they_refer_to_are_judged_once_it_arrives() {
    let device = device();
    let common::Device { _dir, store, org, .. } = device;
    let world = world(store, org.id);
    let today = Day { starts: days_before(world.now, 1), ends: world.now };
    let query = DueQuery { day: today, until: Some(today.ends), program: None, worker: None };
    let due = |world: &World| {
        let mut items = Vec::new();
        world.store.for_each_due(&query, |item| items.push((item.worker_id, item.touchpoint_id))).unwrap();
        items
    };
    assert!(due(&world).is_empty());
    let newcomer = worker(org.id, "Pulled Later", None);
    let at = days_before(world.now, 2);
    let enrollment = WorkerAssignment {
        id: WorkerAssignmentId::new(),
        program_id: world.programs[0],
        worker_id: newcomer.id,
        organization_id: org.id,
        enrollment_date: at,
        status: AssignmentStatus::Active,
        created_at: at,
        updated_at: at,
    };
    let page = |entity: EntityKind, version: i64, row: serde_json::Value| PullResponse {
        rows: vec![PulledRow { entity, version, deleted: false, row: row.as_object().unwrap().clone() }],
        tables: Vec::new(),
        cursor: version,
        up_to_date: false,
        head: 2,
        server_time_ms: 0,
        scope: None,
    };
    // The enrollment first: its worker is not on the device yet.
    world
        .store
        .apply_pulled(&page(EntityKind::WorkerAssignments, 1, serde_json::to_value(&enrollment).unwrap()))
        .unwrap();
    assert!(due(&world).is_empty());
    world.store.apply_pulled(&page(EntityKind::Workers, 2, serde_json::to_value(&newcomer).unwrap())).unwrap();
    assert_eq!(due(&world), vec![(newcomer.id, world.touchpoints[0][0])], "due once the worker arrives");
}

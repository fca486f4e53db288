//! The convergence property: three devices make random creates, edits and deletes of
//! workers, assignments and progress, go offline and online at random, and sync in
//! random orders. After everyone syncs at the end, every device equals the server, row
//! for row and field for field, and no change was refused or left behind.
//!
//! The cases are drawn by proptest: each is a list of steps, each step a device, an
//! action and the numbers its choices take. A failing case shrinks (fewer steps, smaller
//! numbers, so simpler choices) and is kept in proptest-regressions/ to be run first
//! next time; `PROPTEST_CASES=<n>` runs more cases.

use crate::support::devices::{device, device_snapshot, live, server_snapshot, Device};
use crate::support::{spawn_server, TestDatabase};
use proptest::prelude::*;
use stride_domain::*;
use stride_server::demo;
use stride_store::Store;
use stride_sync::sync;

/// One step of a case: which device, what kind of action, and the numbers its choices
/// take in turn (zero once they run out, the simplest choice).
#[derive(Debug, Clone)]
struct Step {
    device: usize,
    action: usize,
    draws: Vec<u64>,
}

fn steps() -> impl Strategy<Value = Step> {
    (0..3usize, 0..10usize, prop::collection::vec(any::<u64>(), 6)).prop_map(|(device, action, draws)| Step {
        device,
        action,
        draws,
    })
}

/// A step's choices, drawn from its numbers.
struct Rng<'a>(std::slice::Iter<'a, u64>);

impl Rng<'_> {
    fn next(&mut self) -> u64 {
        self.0.next().copied().unwrap_or(0)
    }
    fn below(&mut self, n: usize) -> usize {
        (self.next() % n as u64) as usize
    }
    fn chance(&mut self, percent: u64) -> bool {
        self.next() % 100 < percent
    }
    fn pick<T: Clone>(&mut self, items: &[T]) -> Option<T> {
        (!items.is_empty()).then(|| items[self.below(items.len())].clone())
    }
}

fn all<E: Entity>(store: &Store) -> Vec<E> {
    store.list_all::<E>(&[]).unwrap()
}

/// One random step on `device`; returns what it did, for the failure message.
fn random_change(rng: &mut Rng<'_>, device: &Device, step: usize) -> String {
    let store = &device.store;
    let org = store.device().organization_id.unwrap();
    let now = Timestamp::now();
    let score = |rng: &mut Rng<'_>| Some(Score::new(rng.below(101) as f64).unwrap());
    match rng.below(9) {
        0 | 1 => {
            let worker = Worker {
                id: WorkerId::new(),
                organization_id: org,
                full_name: Name::parse(&format!("Worker {step}")).unwrap(),
                phone_number: rng.chance(50).then(|| PhoneNumber::parse(&format!("+2547{:08}", step)).unwrap()),
                well_being_score: score(rng),
                performance_metric: None,
                custom_attributes: CustomAttributes::default(),
                created_at: now,
                updated_at: now,
            };
            store.create(&worker).unwrap();
            format!("create worker {}", worker.id)
        }
        2 => {
            let Some(mut worker) = rng.pick(&all::<Worker>(store)) else { return "nothing".into() };
            match rng.below(3) {
                0 => worker.full_name = Name::parse(&format!("Renamed at {step}")).unwrap(),
                1 => worker.well_being_score = score(rng),
                _ => worker.performance_metric = score(rng),
            }
            store.update(&worker).unwrap();
            format!("edit worker {}", worker.id)
        }
        3 => {
            let Some(worker) = rng.pick(&all::<Worker>(store)) else { return "nothing".into() };
            store.delete::<Worker>(&worker.row_key()).unwrap();
            format!("delete worker {}", worker.id)
        }
        4 => {
            let (Some(worker), Some(program)) = (rng.pick(&all::<Worker>(store)), rng.pick(&all::<Program>(store)))
            else {
                return "nothing".into();
            };
            let (assignment, _) = store.write(|w| w.enroll(program.id, worker.id)).unwrap();
            format!("assign worker {} as {}", worker.id, assignment.id)
        }
        5 => {
            let Some(mut assignment) = rng.pick(&all::<WorkerAssignment>(store)) else { return "nothing".into() };
            if rng.chance(70) {
                assignment.status =
                    [AssignmentStatus::Active, AssignmentStatus::Completed, AssignmentStatus::Dropped][rng.below(3)];
                store.update(&assignment).unwrap();
                format!("edit assignment {}", assignment.id)
            } else {
                store.delete::<WorkerAssignment>(&assignment.row_key()).unwrap();
                format!("delete assignment {}", assignment.id)
            }
        }
        6 | 7 => {
            let (Some(assignment), Some(touchpoint)) =
                (rng.pick(&all::<WorkerAssignment>(store)), rng.pick(&all::<Touchpoint>(store)))
            else {
                return "nothing".into();
            };
            let progress = WorkerProgress {
                id: WorkerProgressId::new(),
                worker_assignment_id: assignment.id,
                touchpoint_id: touchpoint.id,
                organization_id: org,
                started_at: Some(now),
                completed_at: rng.chance(70).then_some(now),
                score: score(rng),
                feedback_text: rng.chance(30).then(|| format!("note {step}")),
                created_at: now,
                updated_at: now,
            };
            store.create(&progress).unwrap();
            format!("record progress {}", progress.id)
        }
        _ => {
            let Some(mut progress) = rng.pick(&all::<WorkerProgress>(store)) else { return "nothing".into() };
            if rng.chance(60) {
                progress.score = score(rng);
                store.update(&progress).unwrap();
                format!("edit progress {}", progress.id)
            } else {
                store.delete::<WorkerProgress>(&progress.row_key()).unwrap();
                format!("delete progress {}", progress.id)
            }
        }
    }
}

async fn run_case(steps: Vec<Step>, last_orders: [usize; 2]) {
    let db = TestDatabase::migrated().await;
    demo::seed(&db.pool).await.unwrap();
    let base = spawn_server(&db.pool).await;
    let devices = [
        device(&base, "coordinator@lakeside.example").await,
        device(&base, "coordinator2@lakeside.example").await,
        device(&base, "programs@lakeside.example").await,
    ];
    let mut online = [true; 3];
    let mut history = Vec::new();
    for (index, step) in steps.iter().enumerate() {
        let d = step.device;
        let action = match step.action {
            0 => {
                online[d] = !online[d];
                format!("device {d} goes {}", if online[d] { "online" } else { "offline" })
            }
            1 | 2 if online[d] => {
                sync(&devices[d].store, &devices[d].client, |_| {}).await.unwrap();
                format!("device {d} syncs")
            }
            _ => format!("device {d}: {}", random_change(&mut Rng(step.draws.iter()), &devices[d], index)),
        };
        history.push(action);
    }
    // Everyone comes online and syncs, in a random order, twice round.
    for first in last_orders {
        for d in [first, (first + 1) % 3, (first + 2) % 3] {
            sync(&devices[d].store, &devices[d].client, |_| {}).await.unwrap();
        }
    }
    let server = live(&server_snapshot(&devices[0].client).await);
    let context = || format!("the last steps: {:?}", &history[history.len().saturating_sub(12)..]);
    for (d, device) in devices.iter().enumerate() {
        let local = live(&device_snapshot(&device.store));
        let differing: Vec<_> = server
            .iter()
            .filter(|(key, row)| local.get(*key) != Some(*row))
            .map(|(key, _)| key)
            .chain(local.keys().filter(|key| !server.contains_key(*key)))
            .take(5)
            .collect();
        assert!(differing.is_empty(), "device {d} differs from the server at {differing:?}; {}", context());
        assert_eq!(device.store.pending_count().unwrap(), 0, "device {d}; {}", context());
        assert_eq!(device.store.rejected_count().unwrap(), 0, "device {d}: nothing is refused; {}", context());
    }
    db.drop().await;
}

#[test]
fn three_devices_with_random_work_offline_and_random_sync_orders_converge() {
    let runtime = tokio::runtime::Builder::new_multi_thread().worker_threads(2).enable_all().build().unwrap();
    // Each case runs a server and three devices (seconds), so few cases, and a bounded
    // shrink of a failing one.
    let config = ProptestConfig { cases: 6, max_shrink_iters: 64, ..ProptestConfig::default() };
    proptest!(config, |(case in prop::collection::vec(steps(), 120..=150), last_orders in [0..3usize, 0..3usize])| {
        runtime.block_on(run_case(case, last_orders));
    });
}

//! `make bench`: worker search as you type at 50,000 workers, with and without the
//! list's filters. Loads a deterministic organization into a fresh device database (a
//! quarter of the workers in a segment by hand, another segment by rule over their site,
//! half enrolled in a program, a fifth of those dropped), then times the searches a
//! coordinator makes and a segment form's live count, and prints a table (median and
//! 99th percentile over many runs). Last, the same search while pulled pages of 5,000
//! rows are applied on another thread: the window's reads have a connection of their
//! own, so they do not wait for a page to commit.

#![allow(clippy::unwrap_used)] // a failed unwrap is a failed test
#![allow(clippy::disallowed_methods)] // the bench's rows are stamped by the wall clock

use std::time::{Duration, Instant};
use stride_domain::*;
use stride_store::{EnrollmentFilter, Store, WorkerSearch};

const WORKERS: usize = 50_000;
const RUNS: usize = 200;

const FIRST: &[&str] = &[
    "Amina", "Baraka", "Chiku", "Daudi", "Esther", "Faraji", "Grace", "Hassan", "Imani", "Juma", "Kamau", "Lulu",
    "Mwangi", "Neema", "Otieno", "Pendo", "Rehema", "Salim", "Tumaini", "Wanjiru",
];
const LAST: &[&str] = &[
    "Achieng",
    "Barasa",
    "Cheruiyot",
    "Kariuki",
    "Kiplagat",
    "Macharia",
    "Mutua",
    "Njoroge",
    "Odhiambo",
    "Omondi",
    "Wafula",
    "Wekesa",
];

const SITES: &[&str] = &["Kisumu", "Kericho", "Naivasha", "Eldoret"];
const LANGUAGES: &[&str] = &["sw", "en", "luo"];

/// A small deterministic generator (xorshift), so every run measures the same data.
struct Rng(u64);
impl Rng {
    fn next(&mut self) -> u64 {
        self.0 ^= self.0 << 13;
        self.0 ^= self.0 >> 7;
        self.0 ^= self.0 << 17;
        self.0
    }
    fn pick<'a>(&mut self, items: &[&'a str]) -> &'a str {
        items[(self.next() % items.len() as u64) as usize]
    }
}

fn percentile(samples: &mut [Duration], p: f64) -> Duration {
    samples.sort_unstable();
    samples[((samples.len() as f64 - 1.0) * p).round() as usize]
}

fn main() {
    // The app's encrypted database, then a plain one beside it: what encryption costs.
    for encrypted in [true, false] {
        let dir = tempfile::tempdir().expect("temp dir");
        let path = dir.path().join("bench.sqlite3");
        let store = if encrypted {
            println!("Encrypted (SQLCipher), as the app keeps it");
            Store::open(&path, std::sync::Arc::new(stride_store::KeptInMemory::new()))
        } else {
            println!("\nPlain SQLite, for comparison");
            Store::open_plain(&path)
        }
        .expect("open");
        measure(&store);
    }
}

fn measure(store: &Store) {
    let now = Timestamp::now();
    let org = Organization {
        id: OrganizationId::new(),
        name: Name::parse("Benchmark Org").unwrap(),
        organization_type: OrganizationType::Client,
        subscription_tier: SubscriptionTier::Premium,
        created_at: now,
        updated_at: now,
    };
    store.set_up_organization(&org).unwrap();

    let mut rng = Rng(0x5eed);
    let workers: Vec<Worker> = (0..WORKERS)
        .map(|i| Worker {
            id: WorkerId::new(),
            organization_id: org.id,
            full_name: Name::parse(&format!("{} {} {}", rng.pick(FIRST), rng.pick(FIRST), rng.pick(LAST))).unwrap(),
            phone_number: Some(
                PhoneNumber::parse(&format!("+2547{:08}", (rng.next() % 100_000_000) + i as u64 % 7)).unwrap(),
            ),
            well_being_score: None,
            performance_metric: None,
            custom_attributes: serde_json::from_value(serde_json::json!({
                "site": SITES[i % SITES.len()],
                "language": LANGUAGES[i % LANGUAGES.len()],
            }))
            .unwrap(),
            created_at: now,
            updated_at: now,
        })
        .collect();
    let started = Instant::now();
    for chunk in workers.chunks(5_000) {
        store.write(|w| chunk.iter().try_for_each(|worker| w.create(worker))).unwrap();
    }
    let load = started.elapsed();

    let segment = Segment {
        id: SegmentId::new(),
        organization_id: org.id,
        name: Name::parse("Kisumu site").unwrap(),
        rule_definition: None,
        created_at: now,
        updated_at: now,
    };
    store.create(&segment).unwrap();
    let rule = serde_json::json!({"all": [{"field": "site", "op": "eq", "value": "Kisumu"},
        {"not": {"field": "language", "op": "eq", "value": "en"}}]});
    let by_rule = Segment {
        id: SegmentId::new(),
        name: Name::parse("Kisumu, not English").unwrap(),
        rule_definition: Some(JsonObject::try_from(rule).unwrap()),
        ..segment.clone()
    };
    store.create(&by_rule).unwrap();
    let program = stride_store::fixtures::sample_program(store, &[]).unwrap();
    for (chunk_index, chunk) in workers.chunks(5_000).enumerate() {
        store
            .write(|w| {
                for (offset, worker) in chunk.iter().enumerate() {
                    let i = chunk_index * 5_000 + offset;
                    if i % 4 == 0 {
                        w.create(&WorkerSegment {
                            worker_id: worker.id,
                            segment_id: segment.id,
                            organization_id: org.id,
                            assigned_at: now,
                        })?;
                    }
                    if i % 2 == 0 {
                        let status = if i % 10 == 0 { AssignmentStatus::Dropped } else { AssignmentStatus::Active };
                        w.create(&WorkerAssignment {
                            id: WorkerAssignmentId::new(),
                            program_id: program,
                            worker_id: worker.id,
                            organization_id: org.id,
                            enrollment_date: now,
                            status,
                            created_at: now,
                            updated_at: now,
                        })?;
                    }
                }
                Ok(())
            })
            .unwrap();
    }

    let probe_phone = workers[WORKERS / 2].phone_number.as_ref().unwrap().digits()[4..10].to_owned();
    let plain = |text: &str| WorkerSearch { text: text.into(), limit: 50, ..WorkerSearch::default() };
    let queries: Vec<(&str, WorkerSearch)> = vec![
        ("everyone (first page)", plain("")),
        ("2 letters, name prefix", plain("Ju")),
        ("3 letters, substring", plain("wan")),
        ("full name fragment", plain("Imani Odh")),
        ("phone digits", plain(&probe_phone)),
        ("no match", plain("zzzz")),
        ("segment", WorkerSearch { segment: Some(segment.id), ..plain("") }),
        (
            "program, active",
            WorkerSearch { program: Some(program), enrollment: Some(EnrollmentFilter::Active), ..plain("") },
        ),
        ("not enrolled", WorkerSearch { enrollment: Some(EnrollmentFilter::NotEnrolled), ..plain("") }),
        ("segment + 3 letters", WorkerSearch { segment: Some(segment.id), ..plain("wan") }),
        ("segment by rule", WorkerSearch { segment: Some(by_rule.id), ..plain("") }),
        ("rule segment + 3 letters", WorkerSearch { segment: Some(by_rule.id), ..plain("wan") }),
        (
            "all filters + 3 letters",
            WorkerSearch {
                segment: Some(segment.id),
                program: Some(program),
                enrollment: Some(EnrollmentFilter::Dropped),
                ..plain("wan")
            },
        ),
    ];
    println!("Worker search, {WORKERS} workers, {RUNS} runs each (page of 50)");
    println!(
        "loading: {:.1} s ({:.0} workers/s, each with its outbox entry)",
        load.as_secs_f64(),
        WORKERS as f64 / load.as_secs_f64()
    );
    println!("{:<26} {:>8} {:>10} {:>10}", "query", "matches", "median ms", "p99 ms");
    for (label, search) in queries {
        let mut samples = Vec::with_capacity(RUNS);
        let mut total = 0;
        for _ in 0..RUNS {
            let started = Instant::now();
            total = store.search_workers(&search).unwrap().total;
            samples.push(started.elapsed());
        }
        let median = percentile(&mut samples, 0.5);
        let p99 = percentile(&mut samples, 0.99);
        println!("{label:<26} {total:>8} {:>10.2} {:>10.2}", median.as_secs_f64() * 1e3, p99.as_secs_f64() * 1e3);
    }

    // A segment form's live count: the rule judged against every worker on the device.
    let rule = stride_domain::segment::SegmentRule::parse(by_rule.rule_definition.as_ref()).unwrap().unwrap();
    let mut samples = Vec::with_capacity(RUNS / 4);
    let mut matched = 0;
    for _ in 0..RUNS / 4 {
        let started = Instant::now();
        matched = store.workers_matching(&rule).unwrap().len();
        samples.push(started.elapsed());
    }
    let median = percentile(&mut samples, 0.5);
    let p99 = percentile(&mut samples, 0.99);
    println!(
        "{:<26} {matched:>8} {:>10.2} {:>10.2}",
        "segment form's live count",
        median.as_secs_f64() * 1e3,
        p99.as_secs_f64() * 1e3
    );

    // The segment list's counts (both segments), as the worker filters and programs show them.
    let mut samples = Vec::with_capacity(RUNS / 4);
    let mut segments = 0;
    for _ in 0..RUNS / 4 {
        let started = Instant::now();
        segments = store.segment_sizes().unwrap().len();
        samples.push(started.elapsed());
    }
    let median = percentile(&mut samples, 0.5);
    let p99 = percentile(&mut samples, 0.99);
    println!(
        "{:<26} {segments:>8} {:>10.2} {:>10.2}",
        "every segment's size",
        median.as_secs_f64() * 1e3,
        p99.as_secs_f64() * 1e3
    );

    search_while_pages_apply(store, org.id, &plain("wan"));
}

/// Rows per pulled page, as a first sync's.
const PAGE_ROWS: usize = 5_000;
const PAGES: usize = 6;

/// Times a search while pages of new workers are applied, one after another, on another
/// thread, against the time one page takes to apply (what a search sharing the writer's
/// connection would wait for).
fn search_while_pages_apply(store: &Store, org: OrganizationId, search: &WorkerSearch) {
    use stride_domain::api::{PullResponse, PulledRow};
    let now = Timestamp::now();
    let mut version = 1_000_000;
    let pages: Vec<PullResponse> = (0..PAGES)
        .map(|page| {
            let rows = (0..PAGE_ROWS)
                .map(|i| {
                    version += 1;
                    let worker = Worker {
                        id: WorkerId::new(),
                        organization_id: org,
                        full_name: Name::parse(&format!("Pulled Worker {page} {i}")).unwrap(),
                        phone_number: None,
                        well_being_score: None,
                        performance_metric: None,
                        custom_attributes: CustomAttributes::default(),
                        created_at: now,
                        updated_at: now,
                    };
                    let serde_json::Value::Object(row) = serde_json::to_value(&worker).unwrap() else { unreachable!() };
                    PulledRow { entity: EntityKind::Workers, version, deleted: false, row }
                })
                .collect();
            PullResponse {
                rows,
                tables: Vec::new(),
                cursor: version,
                up_to_date: false,
                head: version,
                server_time_ms: now.millis(),
                scope: None,
            }
        })
        .collect();
    let applying = std::sync::atomic::AtomicBool::new(true);
    let (page_times, searches) = std::thread::scope(|scope| {
        let applier = scope.spawn(|| {
            let times: Vec<Duration> = pages
                .iter()
                .map(|page| {
                    let started = Instant::now();
                    store.apply_pulled(page).unwrap();
                    started.elapsed()
                })
                .collect();
            applying.store(false, std::sync::atomic::Ordering::Release);
            times
        });
        let mut searches = Vec::new();
        while applying.load(std::sync::atomic::Ordering::Acquire) {
            let started = Instant::now();
            store.search_workers(search).unwrap();
            searches.push(started.elapsed());
        }
        (applier.join().unwrap(), searches)
    });
    let mut page_times = page_times;
    let mut searches = searches;
    let page_median = percentile(&mut page_times, 0.5);
    println!();
    println!(
        "search \"wan\" while {PAGES} pulled pages of {PAGE_ROWS} rows apply (one page: median {:.0} ms)",
        page_median.as_secs_f64() * 1e3
    );
    println!(
        "{:<26} {:>8} {:>10.2} {:>10.2}",
        "search during the pages",
        searches.len(),
        percentile(&mut searches, 0.5).as_secs_f64() * 1e3,
        percentile(&mut searches, 0.99).as_secs_f64() * 1e3
    );
}

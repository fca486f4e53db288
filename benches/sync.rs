//! `make bench`: sync at the scale of a large organization, measured in one run.
//!
//! A deterministic generator loads 50,000 workers, 2,000 touchpoints, 1,000,000
//! progress rows and the rest in proportion (STRIDE_BENCH_SCALE scales it) into a fresh
//! database, a real server serves it on a local port, and then:
//! - the floor: PostgreSQL's COPY of those rows to CSV plus a bulk insert of them into an
//!   empty SQLite file with the device's schema;
//! - (a) the first sync of a fresh device: seconds, rows/s, bytes on the wire per row
//!   (counted by a proxy between device and server) beside the CSV's bytes per row;
//!   and of a coordinator scoped to one site, with a pull that finds nothing new;
//! - (b) 1,000 local changes pushed, and 1,000 remote changes pulled;
//! - (c) 1,000 devices at once, each pushing 10 changes and then pulling to up to date;
//! - (d) home on the synced device: what is due today for every active enrollment
//!   (judged by the touchpoints' rules against a million progress rows), the recent
//!   activity and the counts, the worker list filtered by program and state, and a
//!   program's roster;
//! - (e) the app's window (release build, over WebDriver as in the end-to-end tests):
//!   launch to the first screen, its first sync of the organization, and its memory then.
//!
//! (a) and the worker search bench (`crates/stride-store/benches`) also measure a plain,
//! unencrypted database beside the app's encrypted one: what encryption costs (in (a),
//! after the first, cold, run: alternating warm runs of each, their medians compared).
//!
//! Needs STRIDE_TEST_DATABASE_URL (a PostgreSQL server to create the database on), a
//! display and a Secret Service (the app's keyring): `make bench` finds or starts
//! PostgreSQL and runs it in the tests' session (scripts/test-session.sh).

#![allow(clippy::unwrap_used, clippy::print_stdout)] // a benchmark: failing loudly is right
#![allow(clippy::disallowed_methods)] // the bench's rows are stamped by the wall clock

#[path = "../tests/support/proxy.rs"]
#[allow(dead_code)] // the fault switches serve the tests
mod proxy;
#[path = "../tests/window/mod.rs"]
mod window;

#[path = "sync/app.rs"]
mod app;

use futures_util::StreamExt;
use rusqlite::types::Value;
use sqlx::postgres::{PgConnectOptions, PgPoolOptions};
use sqlx::{ConnectOptions, Connection, PgConnection, PgPool};
use std::str::FromStr;
use std::time::{Duration, Instant};
use stride_domain::api::{DeviceToken, PushRequest, PushedChange};
use stride_domain::registry::REGISTRY;
use stride_domain::*;
use stride_server::generate::{self, Generated, Scale};
use stride_store::{ListQuery, Store};
use stride_sync::{sign_in, sync, Client, Progress};

const PASSWORD: &str = "benchmark-password";
/// Warm first syncs into a plain and an encrypted database, in turn, for encryption's cost.
const ENCRYPTION_ROUNDS: usize = 5;

fn median(values: &mut [f64]) -> f64 {
    values.sort_by(f64::total_cmp);
    values[values.len() / 2]
}

fn main() {
    let runtime = tokio::runtime::Builder::new_multi_thread().enable_all().build().unwrap();
    runtime.block_on(run());
}

async fn run() {
    let url = std::env::var("STRIDE_TEST_DATABASE_URL").expect("STRIDE_TEST_DATABASE_URL names a PostgreSQL server");
    let scale: f64 = std::env::var("STRIDE_BENCH_SCALE").ok().and_then(|s| s.parse().ok()).unwrap_or(1.0);
    let admin = PgConnectOptions::from_str(&url).unwrap().disable_statement_logging();
    let name = format!("stride_bench_{}", uuid::Uuid::now_v7().simple());
    let mut conn = PgConnection::connect_with(&admin).await.unwrap();
    sqlx::raw_sql(sqlx::AssertSqlSafe(format!("CREATE DATABASE {name}"))).execute(&mut conn).await.unwrap();
    let options = admin.clone().database(&name).log_slow_statements(log::LevelFilter::Off, Duration::ZERO);
    // The server's own default (`stride-server serve` uses it too).
    let connections = stride_server::db::default_pool_size();
    let pool = PgPoolOptions::new().max_connections(connections).connect_with(options).await.unwrap();
    stride_server::db::migrate(&pool).await.unwrap();

    let started = Instant::now();
    let generated = generate::generate(&pool, "bench", Scale::times(scale), PASSWORD).await.unwrap();
    let rows: i64 = generated.rows.iter().map(|(_, n)| n).sum();
    println!("generated {rows} rows in {:.1} s (scale {scale})", started.elapsed().as_secs_f64());

    let listener = tokio::net::TcpListener::bind("127.0.0.1:0").await.unwrap();
    let server = format!("http://{}", listener.local_addr().unwrap());
    let serving = pool.clone();
    // The operator's metrics page beside it: (c) reads how its pushes were grouped.
    let metrics_listener = tokio::net::TcpListener::bind("127.0.0.1:0").await.unwrap();
    let metrics = format!("http://{}/metrics", metrics_listener.local_addr().unwrap());
    tokio::spawn(async move {
        let api = stride_server::ApiListener::Plain(listener);
        stride_server::serve_all(
            api,
            Some(metrics_listener),
            stride_server::AppState::new(serving),
            std::future::pending(),
        )
        .await
    });
    let work = tempfile::tempdir().unwrap();

    let floor = floor(&pool, &generated, work.path()).await;
    let first = first_sync(&server, &generated, true).await;
    // Encryption's cost, warm against warm: the first run above also warms the server's
    // page cache and PostgreSQL's buffers, which a plain run after it would be spared.
    // Alternating rounds, and their medians: one pair of runs differed by 10% to 44%
    // from one run of the bench to the next.
    let (mut plain, mut encrypted) = (Vec::new(), Vec::new());
    for _round in 0..ENCRYPTION_ROUNDS {
        plain.push(first_sync(&server, &generated, false).await.secs);
        encrypted.push(first_sync(&server, &generated, true).await.secs);
    }
    let (plain_first, encrypted_again) = (median(&mut plain), median(&mut encrypted));
    let day = coordinator_day(&first.store);
    let (push_ms, pull_ms) = thousand_changes(&server, &generated, &first.store).await;
    // What is due again once those 2,000 progress rows (on 501 enrollments) are in.
    let ((due_after_changes_ms, _), _) = timed(1, || due_today(&first.store));
    let crowd = thousand_devices(&server, &metrics, &pool, &generated, &first.store).await;
    let scoped = scoped_first_sync(&server, &generated, &first.store).await;
    drop(first.store);

    let floor_secs = floor.copy_secs + floor.insert_secs;
    println!();
    println!("| measure | result | floor or target |");
    println!("| --- | ---: | ---: |");
    println!(
        "| (a) first sync of {} rows | {:.1} s ({:.0} rows/s) | floor {:.1} s (COPY {:.1} s + SQLite insert {:.1} s); {:.1}× the floor |",
        first.rows,
        first.secs,
        first.rows as f64 / first.secs,
        floor_secs,
        floor.copy_secs,
        floor.insert_secs,
        first.secs / floor_secs
    );
    println!(
        "| (a) the same first sync again, warm (medians of {ENCRYPTION_ROUNDS} alternating runs each): encrypted; into a plain (unencrypted) database | {:.2} s; {:.2} s | encryption costs {:+.0}% |",
        encrypted_again,
        plain_first,
        100.0 * (encrypted_again / plain_first - 1.0)
    );
    println!(
        "| (a) bytes on the wire per row | {:.1} B | CSV {:.1} B per row ({:.0}% of it) |",
        first.wire_bytes as f64 / first.rows as f64,
        floor.csv_bytes as f64 / floor.rows as f64,
        100.0 * (first.wire_bytes as f64 / first.rows as f64) / (floor.csv_bytes as f64 / floor.rows as f64)
    );
    println!(
        "| (a) first sync of a coordinator scoped to one site ({} of {} workers) | {} rows in {:.1} s; {:.1} B per row | |",
        scoped.workers, scoped.all_workers, scoped.sync.rows, scoped.sync.secs,
        scoped.sync.wire_bytes as f64 / scoped.sync.rows.max(1) as f64
    );
    println!(
        "| (a) a pull that finds nothing new: scoped to one site; the whole organization | median {:.1} ms; {:.1} ms | |",
        scoped.up_to_date_ms, scoped.whole_up_to_date_ms
    );
    println!("| (b) 1,000 local changes pushed | {push_ms:.0} ms | under 250 ms |");
    println!("| (b) 1,000 remote changes pulled | {pull_ms:.0} ms | under 250 ms |");
    println!(
        "| (c) {CROWD} devices × {CROWD_CHANGES} changes, then pull to up to date ({} rows pulled in all) | {:.0} changes/s; p99 {:.0} ms (pushes {:.0} ms, pulls {:.0} ms), max {:.0} ms; {} errors | no errors, p99 under 1 s |",
        crowd.pulled_rows, crowd.changes_per_sec, crowd.p99_ms, crowd.push_p99_ms, crowd.pull_p99_ms, crowd.max_ms, crowd.errors
    );
    println!(
        "| (c) its pushes, as the server wrote them (with (b)'s before them) | {:.0} pushes in {:.0} groups, {:.2} s writing them | |",
        crowd.grouped_pushes, crowd.push_groups, crowd.group_secs
    );

    println!(
        "| (d) home: due today for {} active enrollments ({} due), as kept | median {:.1} ms, p99 {:.1} ms | |",
        day.enrollments, day.due, day.due_ms.0, day.due_ms.1
    );
    println!(
        "| (d) the same: judged in full (the first ask after opening); judged now, as before it was kept (median); after (b)'s changes | {:.0} ms; {:.0} ms; {:.1} ms | |",
        day.due_first_ms, day.due_judged_now_ms, due_after_changes_ms
    );
    println!("| (d) home: recent activity; counts | {:.1} ms; {:.1} ms (medians) | |", day.recent_ms, day.counts_ms);
    println!(
        "| (d) home: a visit's reads (what is due tallied in {} lines, their names, recent activity, counts) | median {:.1} ms, p99 {:.1} ms | under 100 ms |",
        day.home_lines, day.home_ms.0, day.home_ms.1
    );
    println!(
        "| (d) workers in a program and active, first page of {} | median {:.1} ms, p99 {:.1} ms | as the unfiltered list |",
        day.filtered, day.filter_ms.0, day.filter_ms.1
    );

    println!(
        "| (d) a group session's roster: {} workers of a program | median {:.1} ms, p99 {:.1} ms | |",
        day.roster, day.roster_ms.0, day.roster_ms.1
    );

    // Last, after the rest is printed: the window is the part most likely to fail.
    let app = app::measure(&server, generated.coordinator_email.as_str(), PASSWORD).await;
    println!(
        "| (e) the app, launch to its first screen | first {:.0} ms, median {:.0} ms of {} | under 1 s |",
        app.first_screen_ms.0, app.first_screen_ms.1, 5
    );
    println!("| (e) the app's first sync of the organization, in the window | {:.1} s | as (a) |", app.first_sync_secs);
    println!(
        "| (e) memory after it: the app's process; WebKit's web process | {:.0} MB; {:.0} MB resident, {:.0} MB; {:.0} MB proportional (PSS), {:.0} MB; {:.0} MB their own | under 150 MB |",
        app.app_rss_mb, app.web_rss_mb, app.app_pss_mb, app.web_pss_mb, app.app_own_mb, app.web_own_mb
    );

    pool.close().await;
    sqlx::raw_sql(sqlx::AssertSqlSafe(format!("DROP DATABASE {name} WITH (FORCE)"))).execute(&mut conn).await.unwrap();
}

struct ScopedSync {
    sync: FirstSync,
    workers: usize,
    all_workers: usize,
    /// A pull when up to date, median: the scoped device's, and the whole organization's.
    up_to_date_ms: f64,
    whole_up_to_date_ms: f64,
}

/// The coordinator given a scope of one site (by the administrator, over the API), a
/// fresh device's first sync, and pulls that find nothing new; then the scope taken away.
async fn scoped_first_sync(server: &str, generated: &Generated, whole: &std::sync::Arc<Store>) -> ScopedSync {
    let admin = signed_in(server, generated.admin_email.as_str()).await;
    let scope = |sites: &[&str]| stride_domain::staff::StaffUpdate {
        scope: Some(stride_domain::scope::SyncScope {
            sites: sites.iter().map(|site| site.to_string()).collect(),
            ..Default::default()
        }),
        ..Default::default()
    };
    admin.update_staff(generated.coordinator_id, &scope(&["Kisumu"])).await.unwrap();
    let sync = first_sync(server, generated, true).await;
    let up_to_date = |store: std::sync::Arc<Store>| async move {
        let client = signed_in(server, generated.coordinator_email.as_str()).await;
        let held = store.held_scope().unwrap();
        let mut cursor = store.device().pull_cursor;
        // Past what the crowd of (c) pushed since this device synced, untimed.
        loop {
            let page = client.pull_holding(cursor, 5000, None, held.as_deref()).await.unwrap();
            cursor = page.cursor;
            if page.up_to_date {
                break;
            }
        }
        let mut times = Vec::new();
        for _ in 0..20 {
            let started = Instant::now();
            let page = client.pull_holding(cursor, 1000, None, held.as_deref()).await.unwrap();
            times.push(started.elapsed().as_secs_f64() * 1000.0);
            assert!(page.up_to_date && page.scope.is_none());
        }
        median(&mut times)
    };
    let up_to_date_ms = up_to_date(std::sync::Arc::clone(&sync.store)).await;
    admin.update_staff(generated.coordinator_id, &scope(&[])).await.unwrap();
    let whole_up_to_date_ms = up_to_date(std::sync::Arc::clone(whole)).await;
    ScopedSync {
        workers: sync.store.list_all::<Worker>(&[]).unwrap().len(),
        all_workers: whole.list_all::<Worker>(&[]).unwrap().len(),
        sync,
        up_to_date_ms,
        whole_up_to_date_ms,
    }
}

struct Floor {
    rows: u64,
    csv_bytes: u64,
    copy_secs: f64,
    insert_secs: f64,
}

/// PostgreSQL's COPY of the organization's rows to CSV, then a bulk insert of them into
/// an empty SQLite file with the device's schema: what no sync can beat.
async fn floor(pool: &PgPool, generated: &Generated, folder: &std::path::Path) -> Floor {
    let org = generated.organization_id;
    let started = Instant::now();
    let mut tables = Vec::new();
    let mut conn = pool.acquire().await.unwrap();
    for spec in REGISTRY {
        let columns: Vec<&str> = spec.columns.iter().map(|c| c.name).collect();
        let sql = format!(
            "COPY (SELECT {}, version FROM {} WHERE {} = '{org}') TO STDOUT (FORMAT csv)",
            columns.join(", "),
            spec.table,
            spec.tenant_column()
        );
        let mut csv = Vec::new();
        let mut stream = conn.copy_out_raw(&sql).await.unwrap();
        while let Some(chunk) = stream.next().await {
            csv.extend_from_slice(&chunk.unwrap());
        }
        tables.push((spec, csv));
    }
    let copy_secs = started.elapsed().as_secs_f64();

    let path = folder.join("floor.sqlite3");
    drop(Store::open_plain(&path).unwrap()); // the device's schema, empty, without encryption
    let started = Instant::now();
    let mut db = rusqlite::Connection::open(&path).unwrap();
    db.execute_batch("PRAGMA journal_mode = WAL; PRAGMA synchronous = NORMAL; PRAGMA foreign_keys = OFF;").unwrap();
    let tx = db.transaction().unwrap();
    let (mut rows, mut csv_bytes) = (0, 0);
    for (spec, csv) in &tables {
        csv_bytes += csv.len() as u64;
        let columns: Vec<&str> = spec.columns.iter().map(|c| c.name).collect();
        let placeholders = vec!["?"; columns.len() + 1].join(", ");
        let mut insert = tx
            .prepare(&format!(
                "INSERT INTO {} ({}, server_version) VALUES ({placeholders})",
                spec.table,
                columns.join(", ")
            ))
            .unwrap();
        for record in csv_records(csv) {
            insert.execute(rusqlite::params_from_iter(record)).unwrap();
            rows += 1;
        }
    }
    tx.commit().unwrap();
    Floor { rows, csv_bytes, copy_secs, insert_secs: started.elapsed().as_secs_f64() }
}

/// PostgreSQL's CSV: fields split by commas, quoted when they hold commas, quotes or
/// line breaks, and an unquoted empty field for NULL.
fn csv_records(csv: &[u8]) -> impl Iterator<Item = Vec<Value>> + '_ {
    let mut at = 0;
    std::iter::from_fn(move || {
        if at >= csv.len() {
            return None;
        }
        let mut record = Vec::new();
        loop {
            let (value, next) = if csv[at] == b'"' {
                let mut text = Vec::new();
                let mut i = at + 1;
                loop {
                    if csv[i] == b'"' && csv.get(i + 1) == Some(&b'"') {
                        text.push(b'"');
                        i += 2;
                    } else if csv[i] == b'"' {
                        break (Value::Text(String::from_utf8(text).unwrap()), i + 1);
                    } else {
                        text.push(csv[i]);
                        i += 1;
                    }
                }
            } else {
                let end = csv[at..].iter().position(|b| *b == b',' || *b == b'\n').map_or(csv.len(), |p| at + p);
                let text = std::str::from_utf8(&csv[at..end]).unwrap();
                (if text.is_empty() { Value::Null } else { Value::Text(text.to_owned()) }, end)
            };
            record.push(value);
            at = next + 1;
            if next >= csv.len() || csv[next] == b'\n' {
                return Some(record);
            }
        }
    })
}

struct FirstSync {
    store: std::sync::Arc<Store>,
    rows: u64,
    secs: f64,
    wire_bytes: u64,
    _folder: tempfile::TempDir,
}

/// A fresh device's first sync, into the app's encrypted database (or, for comparison,
/// a plain one).
async fn first_sync(server: &str, generated: &Generated, encrypted: bool) -> FirstSync {
    let folder = tempfile::tempdir().unwrap();
    let proxy = proxy::Proxy::start(server).await;
    let path = folder.path().join("stride.sqlite3");
    let store = if encrypted {
        Store::open(&path, std::sync::Arc::new(stride_store::KeptInMemory::new()))
    } else {
        Store::open_plain(&path)
    };
    let store = std::sync::Arc::new(store.unwrap());
    let (client, _) = sign_in(
        &store,
        &proxy.url,
        None,
        generated.coordinator_email.as_str(),
        stride_sync::Secret::Password(PASSWORD),
        "Bench",
    )
    .await
    .unwrap();
    let before = proxy.bytes_down() + proxy.bytes_up();
    let started = Instant::now();
    let report = sync(&store, &client, |_| {}).await.unwrap();
    let secs = started.elapsed().as_secs_f64();
    FirstSync {
        store,
        rows: report.pulled,
        secs,
        wire_bytes: proxy.bytes_down() + proxy.bytes_up() - before,
        _folder: folder,
    }
}

struct CoordinatorDay {
    enrollments: u64,
    due: usize,
    /// Median and 99th percentile, as kept.
    due_ms: (f64, f64),
    /// The first ask, which judges everything.
    due_first_ms: f64,
    /// Everything judged at each ask (what home did before what is due was kept): median.
    due_judged_now_ms: f64,
    /// The store's part of a visit of home (`home_reads`): median and 99th percentile.
    home_ms: (f64, f64),
    home_lines: usize,
    recent_ms: f64,
    counts_ms: f64,
    filtered: u64,
    filter_ms: (f64, f64),
    roster: usize,
    roster_ms: (f64, f64),
}

/// Times `work` `runs` times: the median and the 99th percentile, in milliseconds.
fn timed<T>(runs: usize, mut work: impl FnMut() -> T) -> ((f64, f64), T) {
    let mut samples = Vec::with_capacity(runs);
    let mut last = None;
    for _ in 0..runs {
        let started = Instant::now();
        last = Some(work());
        samples.push(started.elapsed());
    }
    samples.sort_unstable();
    let at = |p: f64| samples[((samples.len() as f64 - 1.0) * p).round() as usize].as_secs_f64() * 1e3;
    ((at(0.5), at(0.99)), last.unwrap())
}

/// Today, midnight to midnight (UTC).
fn today() -> stride_domain::journey::Day {
    let now = Timestamp::now();
    let midnight = now.millis() - now.millis().rem_euclid(86_400_000);
    stride_domain::journey::Day {
        starts: Timestamp::from_millis(midnight).unwrap(),
        ends: Timestamp::from_millis(midnight + 86_400_000).unwrap(),
    }
}

/// What home asks: every (enrollment, touchpoint) due by the end of today, counted.
fn due_today(store: &Store) -> usize {
    let day = today();
    let query = stride_store::DueQuery { day, until: Some(day.ends), program: None, worker: None };
    let mut due = 0;
    store.for_each_due(&query, |_| due += 1).unwrap();
    due
}

/// The store's part of a visit of home, as the app's home asks it: what is due today
/// tallied by (program, touchpoint) with its first three workers, those lines' labels
/// and names, the recent activity and the counts. Answers the number of lines.
fn home_reads(store: &Store) -> usize {
    let day = today();
    let query = stride_store::DueQuery { day, until: Some(day.ends), program: None, worker: None };
    let mut lines: IdMap<(ProgramId, TouchpointId), Vec<WorkerId>> = IdMap::default();
    store
        .for_each_due(&query, |item| {
            let workers = lines.entry((item.program_id, item.touchpoint_id)).or_default();
            if workers.len() < 3 {
                workers.push(item.worker_id);
            }
        })
        .unwrap();
    let touchpoints: Vec<TouchpointId> = lines.keys().map(|(_, touchpoint)| *touchpoint).collect();
    let workers: Vec<WorkerId> = lines.values().flatten().copied().collect();
    assert_eq!(store.touchpoint_labels(&touchpoints).unwrap().len(), touchpoints.len());
    assert!(!store.worker_names(&workers).unwrap().is_empty());
    store.recent_activity(12).unwrap();
    store.counts(Timestamp::from_millis(day.starts.millis() - 6 * 86_400_000).unwrap()).unwrap();
    lines.len()
}

/// (d): home and the filtered list on the device that holds the whole organization.
fn coordinator_day(store: &Store) -> CoordinatorDay {
    let today = today();
    // As home asks: every due (enrollment, touchpoint) counted.
    let ((due_first_ms, _), _) = timed(1, || due_today(store));
    let (due_ms, due) = timed(20, || due_today(store));
    let query = stride_store::DueQuery { day: today, until: Some(today.ends), program: None, worker: None };
    let ((due_judged_now_ms, _), judged) = timed(5, || {
        let mut due = 0;
        store.for_each_due_judged_now(&query, |_| due += 1).unwrap();
        due
    });
    assert_eq!(judged, due, "what is kept due is what judging now gives");
    let (home_ms, home_lines) = timed(20, || home_reads(store));
    let ((recent_ms, _), _) = timed(20, || store.recent_activity(12).unwrap());
    let ((counts_ms, _), counts) = timed(10, || store.counts(today.starts).unwrap());
    let program = store.list::<Program>(&ListQuery { limit: 1, ..Default::default() }).unwrap().items[0].id;
    let search = stride_store::WorkerSearch {
        program: Some(program),
        enrollment: Some(stride_store::EnrollmentFilter::Active),
        limit: 100,
        ..Default::default()
    };
    let (filter_ms, page) = timed(50, || store.search_workers(&search).unwrap());
    let (roster_ms, roster) = timed(20, || store.roster(program).unwrap());
    CoordinatorDay {
        enrollments: counts.active_enrollments,
        due,
        due_ms,
        due_first_ms,
        due_judged_now_ms,
        home_ms,
        home_lines,
        recent_ms,
        counts_ms,
        filtered: page.total,
        filter_ms,
        roster: roster.len(),
        roster_ms,
    }
}

/// `count` new progress rows, as a device's outbox would carry them.
fn progress_changes(store: &Store, count: usize, first_seq: i64, node: DeviceId) -> Vec<PushedChange> {
    let org = store.device().organization_id.unwrap();
    let assignments = store.list::<WorkerAssignment>(&ListQuery { limit: 500, ..Default::default() }).unwrap().items;
    let touchpoints = store.list::<Touchpoint>(&ListQuery { limit: 500, ..Default::default() }).unwrap().items;
    let now = Timestamp::now();
    (0..count)
        .map(|i| {
            let progress = WorkerProgress {
                id: WorkerProgressId::new(),
                worker_assignment_id: assignments[i % assignments.len()].id,
                touchpoint_id: touchpoints[i % touchpoints.len()].id,
                organization_id: org,
                started_at: Some(now),
                completed_at: Some(now),
                score: Some(Score::new((i % 101) as f64).unwrap()),
                feedback_text: None,
                created_at: now,
                updated_at: now,
            };
            let serde_json::Value::Object(fields) = serde_json::to_value(&progress).unwrap() else { unreachable!() };
            PushedChange {
                seq: first_seq + i as i64,
                change: Change {
                    change_id: ChangeId::new(),
                    entity: EntityKind::WorkerProgress,
                    row_key: progress.row_key(),
                    op: ChangeOp::Upsert,
                    fields,
                    hlc: Hlc { wall_ms: now.millis(), counter: i as u16, node },
                    base: Default::default(),
                },
                author: None,
            }
        })
        .collect()
}

async fn signed_in(server: &str, email: &str) -> Client {
    let client = Client::new(server).unwrap();
    let login = client.login(email, PASSWORD, "Bench device", stride_domain::DeviceId::new()).await.unwrap();
    client.with_token(login.token)
}

/// (b): the synced device pushes 1,000 changes of its own; then another device pushes
/// 1,000 and the first pulls them. Milliseconds each.
async fn thousand_changes(server: &str, generated: &Generated, store: &std::sync::Arc<Store>) -> (f64, f64) {
    let client = signed_in(server, generated.coordinator_email.as_str()).await;
    // The device's own changes go through its outbox, as the app's would.
    let org = store.device().organization_id.unwrap();
    let assignment = store.list::<WorkerAssignment>(&ListQuery::default()).unwrap().items.remove(0);
    let touchpoint = store.list::<Touchpoint>(&ListQuery::default()).unwrap().items.remove(0);
    store
        .write(|w| {
            for i in 0..1000 {
                let now = w.now();
                w.create(&WorkerProgress {
                    id: WorkerProgressId::new(),
                    worker_assignment_id: assignment.id,
                    touchpoint_id: touchpoint.id,
                    organization_id: org,
                    started_at: Some(now),
                    completed_at: Some(now),
                    score: Some(Score::new((i % 101) as f64).unwrap()),
                    feedback_text: None,
                    created_at: now,
                    updated_at: now,
                })?;
            }
            Ok(())
        })
        .unwrap();
    let started = Instant::now();
    let mut pushed_at = None;
    sync(store, &client, |progress| {
        if let Progress::Pushing { done: 1000, .. } = progress {
            pushed_at.get_or_insert_with(|| started.elapsed());
        }
    })
    .await
    .unwrap();
    let push_ms = pushed_at.unwrap().as_secs_f64() * 1000.0;
    // Pull back what the push wrote, so only the other device's changes are new.
    sync(store, &client, |_| {}).await.unwrap();

    let other = signed_in(server, generated.admin_email.as_str()).await;
    for batch in progress_changes(store, 1000, 1, DeviceId::new()).chunks(500) {
        other.push(&PushRequest { changes: batch.to_vec() }).await.unwrap();
    }
    let started = Instant::now();
    let report = sync(store, &client, |_| {}).await.unwrap();
    assert_eq!(report.pulled, 1000);
    (push_ms, started.elapsed().as_secs_f64() * 1000.0)
}

struct Crowd {
    changes_per_sec: f64,
    /// Every request's latency, pushes and pulls alike.
    p99_ms: f64,
    max_ms: f64,
    push_p99_ms: f64,
    pull_p99_ms: f64,
    pulled_rows: u64,
    errors: usize,
    /// The server's groups of pushes so far, the pushes in them, and the seconds spent
    /// writing them (`stride_sync_push_group_*`).
    push_groups: f64,
    grouped_pushes: f64,
    group_secs: f64,
}

fn p99(latencies: &mut [Duration]) -> f64 {
    latencies.sort();
    latencies[(latencies.len() * 99 / 100).min(latencies.len() - 1)].as_secs_f64() * 1000.0
}

/// What a simulated device reads of a pulled page: how many rows, and where to go on.
/// The simulated devices share this machine's two cores with the server, so they skip the
/// work a real device does on its own CPU (building each row), which (a) and (b) measure.
#[derive(serde::Deserialize)]
struct PageEnd {
    rows: Vec<serde::de::IgnoredAny>,
    cursor: i64,
    up_to_date: bool,
}

async fn pull_page_end(
    http: &reqwest::Client,
    server: &str,
    token: &str,
    cursor: i64,
) -> Result<PageEnd, reqwest::Error> {
    http.get(format!("{server}/v1/sync/pull"))
        .query(&[("cursor", cursor), ("limit", stride_sync::PULL_PAGE)])
        .bearer_auth(token)
        .send()
        .await?
        .error_for_status()?
        .json()
        .await
}

/// How many devices (c) runs at once, and how many changes each pushes.
const CROWD: usize = 1000;
const CROWD_CHANGES: usize = 10;

/// (c): [`CROWD`] devices at once, each pushing [`CROWD_CHANGES`] changes in one request
/// and then pulling everything new since they started, page by page (of the app's size,
/// 1,000 rows). Latency of every request. One device signs in; the others are device
/// rows of the same coordinator made here with tokens of their own (a thousand argon2
/// sign-ins would measure the sign-in, which is not what (c) is about).
async fn thousand_devices(server: &str, metrics: &str, pool: &PgPool, generated: &Generated, store: &Store) -> Crowd {
    let first = signed_in(server, generated.coordinator_email.as_str()).await;
    let first_token = first.token().unwrap().clone();
    let (org, user): (uuid::Uuid, uuid::Uuid) =
        sqlx::query_as("SELECT organization_id, user_id FROM devices WHERE token_hash = $1")
            .bind(stride_server::auth::token_hash(&first_token))
            .fetch_one(pool)
            .await
            .unwrap();
    let tokens: Vec<DeviceToken> = std::iter::once(first_token)
        .chain(
            (1..CROWD)
                .map(|_| DeviceToken(format!("{}{}", uuid::Uuid::new_v4().simple(), uuid::Uuid::new_v4().simple()))),
        )
        .collect();
    let made: Vec<uuid::Uuid> = (1..CROWD).map(|_| uuid::Uuid::new_v4()).collect();
    let hashes: Vec<String> = tokens[1..].iter().map(stride_server::auth::token_hash).collect();
    sqlx::query(
        "INSERT INTO devices (id, organization_id, user_id, name, token_hash)
         SELECT id, $1, $2, 'Bench device', token_hash FROM unnest($3::uuid[], $4::text[]) AS t (id, token_hash)",
    )
    .bind(org)
    .bind(user)
    .bind(&made)
    .bind(&hashes)
    .execute(pool)
    .await
    .unwrap();
    let devices: Vec<Client> = tokens.into_iter().map(|token| Client::new(server).unwrap().with_token(token)).collect();
    let head = devices[0].pull(0, 1).await.unwrap().head;
    let batches: Vec<Vec<PushedChange>> =
        (0..CROWD).map(|_| progress_changes(store, CROWD_CHANGES, 1, DeviceId::new())).collect();
    stride_sync::use_ring_by_default();
    let http = reqwest::Client::new();
    let started = Instant::now();
    let runs = devices.into_iter().zip(batches).map(|(client, changes)| {
        let (http, server) = (http.clone(), server.to_owned());
        tokio::spawn(async move {
            let token = client.token().unwrap().0.clone();
            let (mut pushes, mut pulls, mut rows, mut errors) = (Vec::new(), Vec::new(), 0, 0);
            let at = Instant::now();
            match client.push(&PushRequest { changes }).await {
                Ok(_) => pushes.push(at.elapsed()),
                Err(_) => errors += 1,
            }
            let mut cursor = head;
            loop {
                let at = Instant::now();
                match pull_page_end(&http, &server, &token, cursor).await {
                    Ok(page) => {
                        pulls.push(at.elapsed());
                        rows += page.rows.len() as u64;
                        cursor = page.cursor;
                        if page.up_to_date {
                            break;
                        }
                    }
                    Err(_) => {
                        errors += 1;
                        break;
                    }
                }
            }
            (pushes, pulls, rows, errors)
        })
    });
    let (mut pushes, mut pulls, mut pulled_rows, mut errors) = (Vec::new(), Vec::new(), 0, 0);
    for run in runs.collect::<Vec<_>>() {
        let (mut pushed, mut pulled, rows, failed) = run.await.unwrap();
        pushes.append(&mut pushed);
        pulls.append(&mut pulled);
        pulled_rows += rows;
        errors += failed;
    }
    let secs = started.elapsed().as_secs_f64();
    let page = reqwest::get(metrics).await.unwrap().text().await.unwrap();
    let metric = |name: &str| -> f64 {
        page.lines()
            .find_map(|line| line.strip_prefix(name)?.strip_prefix(' ')?.trim().parse().ok())
            .unwrap_or_else(|| panic!("{name} on the metrics page"))
    };
    let mut all: Vec<Duration> = pushes.iter().chain(&pulls).copied().collect();
    Crowd {
        changes_per_sec: (CROWD * CROWD_CHANGES) as f64 / secs,
        p99_ms: p99(&mut all),
        max_ms: all.last().unwrap().as_secs_f64() * 1000.0,
        push_p99_ms: p99(&mut pushes),
        pull_p99_ms: p99(&mut pulls),
        pulled_rows,
        errors,
        // Since the server started: (b)'s pushes are groups of one each.
        push_groups: metric("stride_sync_push_group_size_count"),
        grouped_pushes: metric("stride_sync_push_group_size_sum"),
        group_secs: metric("stride_sync_push_group_seconds_sum"),
    }
}

//! Sync when things go wrong: a network that drops connections mid-request, a sync
//! process killed outright, and device clocks a day off. Real server, real PostgreSQL,
//! real stores; the network faults come from a TCP proxy between device and server.

use crate::support::devices::{device, device_snapshot, device_with, live, offline_work, server_snapshot};
use crate::support::proxy::Proxy;
use crate::support::{spawn_server, TestDatabase};
use sqlx::Row;
use std::collections::BTreeMap;
use std::io::{BufRead, BufReader, Write};
use std::process::{Command, Stdio};
use std::time::Duration;
use stride_domain::*;
use stride_server::demo;
use stride_server::generate::{self, Scale};
use stride_store::{ListQuery, Store};
use stride_sync::{sync, sync_with_retries, Client, Credentials, Progress, RetryPolicy};

/// Retries quickly and for long: the faults, not the pauses, are under test.
pub(crate) fn patient() -> RetryPolicy {
    RetryPolicy { attempts: 500, first_delay: Duration::from_millis(5), max_delay: Duration::from_millis(20) }
}

/// Checks the audit trail: no (device, seq) was applied twice, and each user in `made`
/// (each signed in on one device) has exactly that many changes applied.
pub(crate) async fn assert_each_change_applied_once(db: &TestDatabase, made: &BTreeMap<UserId, u64>) {
    let repeated: i64 = sqlx::query_scalar(
        "SELECT count(*) FROM (SELECT 1 FROM change_log GROUP BY device_id, device_seq HAVING count(*) > 1) r",
    )
    .fetch_one(&db.pool)
    .await
    .unwrap();
    assert_eq!(repeated, 0, "no change is applied twice");
    for (user, count) in made {
        let applied: i64 = sqlx::query_scalar("SELECT count(*) FROM change_log WHERE user_id = $1")
            .bind(user.as_uuid())
            .fetch_one(&db.pool)
            .await
            .unwrap();
        assert_eq!(applied as u64, *count, "every change made by {user} is applied");
    }
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_network_that_drops_connections_loses_no_change_and_applies_none_twice() {
    let db = TestDatabase::migrated().await;
    demo::seed(&db.pool).await.unwrap();
    let server = spawn_server(&db.pool).await;
    let proxy = Proxy::start(&server).await;
    let a = device(&proxy.url, "coordinator@lakeside.example").await;
    let b = device(&proxy.url, "coordinator2@lakeside.example").await;
    let shared = a.store.list::<Worker>(&ListQuery::default()).unwrap().items.remove(0);
    let mut made = BTreeMap::new();
    let (mut cut_while_pushing, mut cut_while_pulling) = (0, 0);

    // Each round, one device sends its changes and then the other receives them, both
    // through a network that drops connections after a random number of bytes.
    for round in 0..4u64 {
        let (sender, receiver, letter) = if round % 2 == 0 { (&a, &b, "A") } else { (&b, &a, "B") };
        for i in 0..100 {
            offline_work(&sender.store, &format!("Round {round} {letter} {i}"), &shared, |w| {
                w.performance_metric = Some(Score::new(i as f64).unwrap())
            });
        }
        // Each: a worker, their enrollment, its experiment assignment, progress, an edit.
        *made.entry(sender.client.me().await.unwrap().user_id).or_insert(0) += 500;
        // A push of 500 changes is ~250 kB; a pull of them ~11 kB, compressed.
        for (device, pushes, max_bytes) in [(sender, 500, 40_000), (receiver, 0, 8_000)] {
            proxy.cut_connections(15, max_bytes, round * 2 + pushes + 1);
            // A new client: a connection pooled before the faults began would dodge them.
            let client = Client::new(&proxy.url).unwrap().with_token(device.client.token().cloned().unwrap());
            let mut phase = "pushing";
            let report = sync_with_retries(&device.store, &client, &patient(), |progress| match progress {
                // Once everything is pushed, the next request is a pull.
                Progress::Pushing { done, total } => phase = if done < total { "pushing" } else { "pulling" },
                Progress::Pulling { .. } => phase = "pulling",
                Progress::Retrying { .. } if phase == "pushing" => cut_while_pushing += 1,
                Progress::Retrying { .. } => cut_while_pulling += 1,
            })
            .await
            .unwrap();
            assert_eq!((report.pushed, report.rejected), (pushes, 0), "round {round}");
            // 100 workers, enrollments, experiment assignments and progress rows, and the
            // shared worker once.
            assert!(pushes > 0 || report.pulled >= 401, "round {round}: the receiver pulled {}", report.pulled);
        }
    }
    assert!(proxy.cuts() >= 50, "the network dropped {} connections", proxy.cuts());
    assert!(
        cut_while_pushing > 0 && cut_while_pulling > 0,
        "{cut_while_pushing} cut pushing, {cut_while_pulling} pulling"
    );

    proxy.cut_connections(0, 0, 0);
    for device in [&a, &b, &a] {
        sync(&device.store, &device.client, |_| {}).await.unwrap();
    }
    let server_rows = server_snapshot(&a.client).await;
    assert_eq!(live(&device_snapshot(&a.store)), live(&server_rows), "device A equals the server");
    assert_eq!(live(&device_snapshot(&b.store)), live(&server_rows), "device B equals the server");
    for device in [&a, &b] {
        assert_eq!((device.store.pending_count().unwrap(), device.store.rejected_count().unwrap()), (0, 0));
    }
    assert_each_change_applied_once(&db, &made).await;
    db.drop().await;
}

const GENERATED_PASSWORD: &str = "generated-org-password";

/// `stride-sync` (the device's command-line sync), built beside this test.
fn stride_sync_command(data_dir: &std::path::Path, keyring_service: &str) -> Command {
    let mut folder = std::env::current_exe().unwrap();
    folder.pop();
    if folder.ends_with("deps") {
        folder.pop();
    }
    let program = folder.join("stride-sync");
    assert!(program.exists(), "{} is built by `cargo test --workspace`", program.display());
    let mut command = Command::new(program);
    command.arg("--data-dir").arg(data_dir).arg("--keyring-service").arg(keyring_service);
    command.stdout(Stdio::piped()).stderr(Stdio::inherit());
    command
}

/// Starts `command`, reads its progress lines until one starts with `phase` and shows
/// more than `after` records done, then kills it with SIGKILL. Returns the line.
fn kill_when(mut command: Command, phase: &str, after: u64) -> String {
    let mut child = command.stdin(Stdio::piped()).spawn().unwrap();
    child.stdin.take().unwrap().write_all(GENERATED_PASSWORD.as_bytes()).unwrap();
    let mut lines = BufReader::new(child.stdout.take().unwrap()).lines();
    let seen = loop {
        let line = lines.next().unwrap_or_else(|| panic!("stride-sync ended before {phase}")).unwrap();
        let done = line.strip_prefix(phase).and_then(|rest| rest.trim().split('/').next()?.parse::<u64>().ok());
        if done.is_some_and(|done| done > after) {
            break line;
        }
    };
    child.kill().unwrap(); // SIGKILL on Unix: no destructor, no rollback handler runs
    let status = child.wait().unwrap();
    assert!(!status.success(), "killed, not finished");
    seen
}

fn run_to_end(mut command: Command) -> String {
    let output = command.output().unwrap();
    let stdout = String::from_utf8_lossy(&output.stdout).into_owned();
    assert!(output.status.success(), "stride-sync failed: {stdout}{}", String::from_utf8_lossy(&output.stderr));
    stdout
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_sync_killed_mid_pull_or_mid_push_resumes_and_loses_or_repeats_nothing() {
    let db = TestDatabase::migrated().await;
    let generated = generate::generate(&db.pool, "kill", Scale::times(0.02), GENERATED_PASSWORD).await.unwrap();
    let total_rows: i64 = generated.rows.iter().map(|(_, rows)| rows).sum();
    let server = spawn_server(&db.pool).await;
    let dir = tempfile::tempdir().unwrap();
    let keyring = "org.stride.test.killed-sync";
    // The database the command-line sync writes, under the key it keeps in the keyring.
    let database = dir.path().join("stride.sqlite3");
    let keys = std::sync::Arc::new(Credentials::new(keyring).database_keys(&database).unwrap());
    let open = || Store::open(&database, keys.clone()).unwrap();

    // Killed during the first sync's pull (pages of 5,000 of ~46,000 rows).
    let mut sign_in = stride_sync_command(dir.path(), keyring);
    sign_in.args(["sign-in", "--server", &server, "--email", generated.coordinator_email.as_str()]);
    let seen = kill_when(sign_in, "pulling", 0);
    {
        let store = std::sync::Arc::new(open());
        let device = store.device();
        assert!(!device.first_sync_done && device.pull_cursor > 0, "killed mid-pull ({seen}): {device:?}");
    }
    let mut resume = stride_sync_command(dir.path(), keyring);
    resume.arg("sync");
    let finished = run_to_end(resume);
    assert!(finished.contains("synced:"), "{finished}");

    let store = std::sync::Arc::new(open());
    let (user, _) = store.account().unwrap().unwrap();
    let token = Credentials::new(keyring).load(store.device().device_id, user).unwrap().unwrap();
    let client = Client::new(&server).unwrap().with_token(token);
    let device_rows = device_snapshot(&store);
    assert!(store.device().first_sync_done);
    assert!(device_rows.len() as i64 > total_rows, "{} rows, all {total_rows} generated and more", device_rows.len());
    assert_eq!(live(&device_rows), live(&server_snapshot(&client).await), "the device equals the server");

    // Killed while pushing 3,000 changes (6 batches).
    let org = store.device().organization_id.unwrap();
    let assignments = store.list::<WorkerAssignment>(&ListQuery { limit: 100, ..Default::default() }).unwrap().items;
    let touchpoint = store.list::<Touchpoint>(&ListQuery::default()).unwrap().items.remove(0);
    store
        .write(|w| {
            for i in 0..3000 {
                let now = w.now();
                w.create(&WorkerProgress {
                    id: WorkerProgressId::new(),
                    worker_assignment_id: assignments[i % assignments.len()].id,
                    touchpoint_id: touchpoint.id,
                    organization_id: org,
                    started_at: Some(now),
                    completed_at: Some(now),
                    score: Some(Score::new((i % 100) as f64).unwrap()),
                    feedback_text: Some(format!("group session {i}")),
                    created_at: now,
                    updated_at: now,
                })?;
            }
            Ok(())
        })
        .unwrap();
    drop(store);
    let mut push = stride_sync_command(dir.path(), keyring);
    push.arg("sync");
    let seen = kill_when(push, "pushing", 0);
    let pending = open().pending_count().unwrap();
    assert!(pending > 0 && pending < 3000, "killed mid-push ({seen}): {pending} still pending");
    let mut resume = stride_sync_command(dir.path(), keyring);
    resume.arg("sync");
    run_to_end(resume);

    let store = std::sync::Arc::new(open());
    assert_eq!(store.pending_count().unwrap(), 0);
    assert_each_change_applied_once(&db, &BTreeMap::from([(generated.coordinator_id, 3000)])).await;
    assert_eq!(live(&device_snapshot(&store)), live(&server_snapshot(&client).await), "the device equals the server");
    Credentials::new(keyring).delete(store.device().device_id, user).unwrap();
    stride_store::KeyKeeper::forget(keys.as_ref()).unwrap();
    db.drop().await;
}

/// The server's stamp for one field of one worker.
async fn field_stamp(db: &TestDatabase, worker: WorkerId, field: &str) -> Hlc {
    let row = sqlx::query("SELECT field_hlc ->> $2 AS stamp FROM workers WHERE id = $1")
        .bind(worker.as_uuid())
        .bind(field)
        .fetch_one(&db.pool)
        .await
        .unwrap();
    row.get::<String, _>("stamp").parse().unwrap()
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn devices_a_day_ahead_or_behind_converge_as_the_rules_say() {
    const DAY_MS: i64 = 24 * 60 * 60 * 1000;
    let db = TestDatabase::migrated().await;
    demo::seed(&db.pool).await.unwrap();
    let base = spawn_server(&db.pool).await;
    let password = demo::DEMO_PASSWORD;
    let ahead = device_with(&base, "coordinator@lakeside.example", password, DAY_MS).await;
    let behind = device_with(&base, "coordinator2@lakeside.example", password, -DAY_MS).await;
    let on_time = device_with(&base, "programs@lakeside.example", password, 0).await;
    let worker = on_time.store.list::<Worker>(&ListQuery::default()).unwrap().items.remove(0);
    let edit = |device: &crate::support::devices::Device, change: &dyn Fn(&mut Worker)| {
        let mut current = device.store.get::<Worker>(&worker.row_key()).unwrap().unwrap();
        change(&mut current);
        device.store.update(&current).unwrap();
    };

    // The device a day ahead: its stamp is clamped to at most a minute past the
    // server's clock, so it cannot win for a day.
    edit(&ahead, &|w| w.full_name = Name::parse("Named Ahead").unwrap());
    let before_push = Timestamp::now().millis();
    sync(&ahead.store, &ahead.client, |_| {}).await.unwrap();
    let clamped = field_stamp(&db, worker.id, "full_name").await;
    assert!(clamped.wall_ms <= Timestamp::now().millis() + stride_server::push::MAX_CLOCK_AHEAD_MS);
    assert!(clamped.wall_ms >= before_push, "still ahead of the on-time device, within the minute");

    // Within that minute, an on-time edit of the same field loses to it: the rule.
    edit(&on_time, &|w| w.full_name = Name::parse("Named On Time").unwrap());
    sync(&on_time.store, &on_time.client, |_| {}).await.unwrap();

    // The device a day behind took in the server's time at its last sync, so an edit it
    // makes after syncing orders after what it saw: it wins over the on-time edit of
    // another field made before it synced.
    edit(&on_time, &|w| w.performance_metric = Some(Score::new(10.0).unwrap()));
    sync(&on_time.store, &on_time.client, |_| {}).await.unwrap();
    sync(&behind.store, &behind.client, |_| {}).await.unwrap();
    edit(&behind, &|w| w.performance_metric = Some(Score::new(90.0).unwrap()));
    let behind_stamp = behind.store.pending_changes(0, 10).unwrap()[0].change.hlc;
    assert!(behind_stamp.wall_ms > Timestamp::now().millis() - DAY_MS / 2, "its stamps follow the server's time");
    sync(&behind.store, &behind.client, |_| {}).await.unwrap();

    for device in [&ahead, &behind, &on_time, &ahead, &behind] {
        sync(&device.store, &device.client, |_| {}).await.unwrap();
    }
    let server_rows = server_snapshot(&on_time.client).await;
    for device in [&ahead, &behind, &on_time] {
        assert_eq!(live(&device_snapshot(&device.store)), live(&server_rows), "every device equals the server");
        let merged = device.store.get::<Worker>(&worker.row_key()).unwrap().unwrap();
        assert_eq!(merged.full_name.as_str(), "Named Ahead", "the clamped stamp still leads within its minute");
        assert_eq!(merged.performance_metric.map(Score::value), Some(90.0), "the behind device's later edit wins");
    }
    db.drop().await;
}

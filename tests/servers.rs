//! More than one server on one PostgreSQL: devices that reach either one (through a
//! balancer sending each new connection to the next server, over a network that drops
//! connections) get the same answers and converge, and what a request needs is in the
//! database, not in one server's memory (wrong sign-ins counted once across them all).

use crate::support::devices::{device, device_snapshot, live, offline_work, server_snapshot};
use crate::support::proxy::Proxy;
use crate::support::{http, spawn_server, TestDatabase};
use crate::sync_faults::{assert_each_change_applied_once, patient};
use std::collections::BTreeMap;
use stride_domain::*;
use stride_server::demo;
use stride_store::ListQuery;
use stride_sync::{sync, sync_with_retries, Client};

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn devices_alternating_between_two_servers_converge_through_dropped_connections() {
    let db = TestDatabase::migrated().await;
    demo::seed(&db.pool).await.unwrap();
    let (first, second) = (spawn_server(&db.pool).await, spawn_server(&db.pool).await);
    let balancer = Proxy::balancing(&[&first, &second]).await;
    let a = device(&balancer.url, "coordinator@lakeside.example").await;
    let b = device(&balancer.url, "coordinator2@lakeside.example").await;
    let shared = a.store.list::<Worker>(&ListQuery::default()).unwrap().items.remove(0);
    let mut made = BTreeMap::new();

    // Each round one device sends its changes and the other receives them; every cut
    // connection's retry reaches the other server.
    for round in 0..4u64 {
        let (sender, receiver, letter) = if round % 2 == 0 { (&a, &b, "A") } else { (&b, &a, "B") };
        for i in 0..50 {
            offline_work(&sender.store, &format!("Round {round} {letter} {i}"), &shared, |w| {
                w.performance_metric = Some(Score::new(i as f64).unwrap())
            });
        }
        *made.entry(sender.client.me().await.unwrap().user_id).or_insert(0) += 250;
        for (device, pushes, max_bytes) in [(sender, 250, 30_000), (receiver, 0, 6_000)] {
            balancer.cut_connections(8, max_bytes, round * 2 + pushes + 1);
            let client = Client::new(&balancer.url).unwrap().with_token(device.client.token().cloned().unwrap());
            let mut cursors = vec![device.store.device().pull_cursor];
            let report = sync_with_retries(&device.store, &client, &patient(), |_| {
                cursors.push(device.store.device().pull_cursor)
            })
            .await
            .unwrap();
            cursors.push(device.store.device().pull_cursor);
            assert!(
                cursors.windows(2).all(|w| w[0] <= w[1]),
                "round {round}: the cursor never moves back: {cursors:?}"
            );
            assert_eq!((report.pushed, report.rejected), (pushes, 0), "round {round}");
            assert!(pushes > 0 || report.pulled >= 201, "round {round}: the receiver pulled {}", report.pulled);
        }
    }
    let connections = balancer.connections();
    assert!(connections.iter().all(|&n| n >= 10), "both servers were reached: {connections:?}");
    assert!(balancer.cuts() >= 20, "the network dropped {} connections", balancer.cuts());

    balancer.cut_connections(0, 0, 0);
    for device in [&a, &b, &a] {
        sync(&device.store, &device.client, |_| {}).await.unwrap();
    }
    let device_rows = live(&device_snapshot(&a.store));
    assert_eq!(live(&device_snapshot(&b.store)), device_rows, "both devices hold the same rows");
    for server in [&first, &second] {
        let client = Client::new(server).unwrap().with_token(a.client.token().cloned().unwrap());
        assert_eq!(live(&server_snapshot(&client).await), device_rows, "{server} answers as the devices hold");
    }
    for device in [&a, &b] {
        assert_eq!((device.store.pending_count().unwrap(), device.store.rejected_count().unwrap()), (0, 0));
    }
    assert_each_change_applied_once(&db, &made).await;
    db.drop().await;
}

#[tokio::test]
async fn wrong_passwords_are_counted_once_across_the_servers() {
    let db = TestDatabase::migrated().await;
    demo::seed(&db.pool).await.unwrap();
    let servers = [spawn_server(&db.pool).await, spawn_server(&db.pool).await];
    let login = |server: &str, password: &str| {
        let request = http().build().unwrap().post(format!("{server}/v1/auth/login")).json(&serde_json::json!({
            "email": "admin@lakeside.example", "password": password, "device_name": "Guessing laptop"
        }));
        async move { request.send().await.unwrap() }
    };
    // The free failures, taken in turn from each server.
    for attempt in 0..=stride_server::limiter::FREE_FAILURES {
        let refused = login(&servers[attempt as usize % 2], "guess").await;
        assert_eq!(refused.status(), reqwest::StatusCode::UNAUTHORIZED, "attempt {attempt}");
    }
    for server in &servers {
        let slowed = login(server, demo::DEMO_PASSWORD).await;
        assert_eq!(slowed.status(), reqwest::StatusCode::TOO_MANY_REQUESTS, "{server} waits too");
        assert!(slowed.headers().contains_key("retry-after"));
    }
    // A server started later knows them as well.
    let third = spawn_server(&db.pool).await;
    assert_eq!(login(&third, demo::DEMO_PASSWORD).await.status(), reqwest::StatusCode::TOO_MANY_REQUESTS);
    db.drop().await;
}

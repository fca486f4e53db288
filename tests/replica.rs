//! Pulls read from a streaming replica: a real hot standby made with pg_basebackup on
//! this machine. Its pages are the primary's; while it lags, devices only get their rows
//! later, and a device that has read further elsewhere never moves backwards.

use crate::support::devices::{device, device_snapshot, live, offline_work, server_snapshot};
use crate::support::replica::Replicated;
use crate::support::{spawn_server, spawn_server_with};
use sqlx::PgPool;
use stride_domain::*;
use stride_server::{demo, AppState};
use stride_store::ListQuery;
use stride_sync::{sync, Client};

/// Every page from `cursor` on, as two servers answer it, side by side.
async fn pages_agree(on_primary: &Client, on_replica: &Client) -> usize {
    let (mut cursor, mut pages) = (0, 0);
    loop {
        let (primary, replica) =
            (on_primary.pull(cursor, 200).await.unwrap(), on_replica.pull(cursor, 200).await.unwrap());
        let json = |page: &stride_domain::api::PullResponse| serde_json::to_value(&page.rows).unwrap();
        assert_eq!(json(&replica), json(&primary), "the page from {cursor}");
        assert_eq!(
            (replica.cursor, replica.up_to_date, replica.head),
            (primary.cursor, primary.up_to_date, primary.head),
            "the page from {cursor}"
        );
        pages += 1;
        if primary.up_to_date {
            return pages;
        }
        cursor = primary.cursor;
    }
}

async fn replay(standby: &PgPool, paused: bool) {
    let call = if paused { "SELECT pg_wal_replay_pause()::text" } else { "SELECT pg_wal_replay_resume()::text" };
    sqlx::query_scalar::<_, String>(call).fetch_one(standby).await.unwrap();
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn pulls_from_a_hot_standby_are_the_primarys_pages_and_a_lagging_one_only_delays_them() {
    let pair = Replicated::start();
    let primary = PgPool::connect(&pair.primary).await.unwrap();
    stride_server::db::migrate(&primary).await.unwrap();
    demo::seed(&primary).await.unwrap();
    let standby = PgPool::connect(&pair.standby).await.unwrap();
    pair.caught_up(&primary, &standby).await;
    let on_primary = spawn_server(&primary).await;
    let on_replica = spawn_server_with(AppState::new(primary.clone()).reading_pulls_from(standby.clone())).await;

    // A first sync from the replica, and every page the same as the primary's.
    let a = device(&on_replica, "coordinator@lakeside.example").await;
    let token = a.client.token().cloned().unwrap();
    let via = |server: &str| Client::new(server).unwrap().with_token(token.clone());
    assert!(pages_agree(&via(&on_primary), &via(&on_replica)).await >= 2, "more than one page compared");

    // The replica stops replaying; another device's changes reach the primary.
    replay(&standby, true).await;
    let b = device(&on_primary, "coordinator2@lakeside.example").await;
    let shared = b.store.list::<Worker>(&ListQuery::default()).unwrap().items.remove(0);
    for i in 0..20 {
        offline_work(&b.store, &format!("Enrolled while the replica lags {i}"), &shared, |w| {
            w.performance_metric = Some(Score::new(i as f64).unwrap())
        });
    }
    assert_eq!(sync(&b.store, &b.client, |_| {}).await.unwrap().pushed, 100);

    // Pulling from the lagging replica: nothing yet, and no error.
    let cursor = a.store.device().pull_cursor;
    let report = sync(&a.store, &a.client, |_| {}).await.unwrap();
    assert_eq!((report.pulled, a.store.device().pull_cursor), (0, cursor), "the lagging replica has nothing new");
    // A device that has read past the replica's head on the primary stays where it is.
    let c = device(&on_primary, "programs@lakeside.example").await;
    let ahead = c.store.device().pull_cursor;
    assert!(ahead > cursor, "the primary is ahead of the replica");
    let client = Client::new(&on_replica).unwrap().with_token(c.client.token().cloned().unwrap());
    let report = sync(&c.store, &client, |_| {}).await.unwrap();
    assert_eq!((report.pulled, c.store.device().pull_cursor), (0, ahead), "the device never moves backwards");

    // Caught up again: the rows arrive.
    replay(&standby, false).await;
    pair.caught_up(&primary, &standby).await;
    let report = sync(&a.store, &a.client, |_| {}).await.unwrap();
    assert!(report.pulled >= 81, "the changes arrive from the replica: {}", report.pulled);
    let rows = live(&server_snapshot(&via(&on_primary)).await);
    assert_eq!(live(&device_snapshot(&a.store)), rows, "the device holds what the primary does");
    assert_eq!(live(&device_snapshot(&c.store)), rows);
    pages_agree(&via(&on_primary), &via(&on_replica)).await;
    primary.close().await;
    standby.close().await;
}

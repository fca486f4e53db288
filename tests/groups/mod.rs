//! Group commit: the pushes of one organization that arrive while one of its pushes is
//! being written are written together, in one transaction, and each is answered as it
//! would be alone (a refused change its own, a retry racing its original applied once).

use super::*;

/// The operator's metrics page of a server serving `pool` (and its API's address).
async fn spawn_server_with_metrics(pool: &sqlx::PgPool) -> (String, String) {
    let api = tokio::net::TcpListener::bind("127.0.0.1:0").await.unwrap();
    let metrics = tokio::net::TcpListener::bind("127.0.0.1:0").await.unwrap();
    let (api_address, metrics_address) = (api.local_addr().unwrap(), metrics.local_addr().unwrap());
    let pool = pool.clone();
    tokio::spawn(async move {
        let (api, state) = (stride_server::ApiListener::Plain(api), stride_server::AppState::new(pool));
        stride_server::serve_all(api, Some(metrics), state, std::future::pending()).await
    });
    (format!("http://{api_address}"), format!("http://{metrics_address}/metrics"))
}

/// A number the metrics page shows.
async fn metric(page: &str, name: &str) -> f64 {
    let text = crate::support::http().build().unwrap().get(page).send().await.unwrap().text().await.unwrap();
    text.lines()
        .find_map(|line| line.strip_prefix(name).and_then(|rest| rest.strip_prefix(' ')))
        .and_then(|value| value.trim().parse().ok())
        .unwrap_or_else(|| panic!("{name} in\n{text}"))
}

fn new_worker(device: &mut Device, name: &str) -> Change {
    let (id, org, now) = (Uuid::now_v7().to_string(), device.org(), Timestamp::now().to_string());
    device.upsert(
        EntityKind::Workers,
        &id,
        json!({"id": id, "organization_id": org, "full_name": name, "custom_attributes": {}, "created_at": now, "updated_at": now}),
    )
}

#[tokio::test]
async fn pushes_that_arrive_while_one_is_written_are_written_together_and_each_answered_as_alone() {
    let db = TestDatabase::migrated().await;
    let (base, metrics) = spawn_server_with_metrics(&db.pool).await;
    let org = organization(&db, "Alpha").await;
    let mut first = Device::sign_in(&base, "coordinator@alpha.example").await;
    let mut others = Vec::new();
    for _ in 0..12 {
        others.push(Device::sign_in(&base, "coordinator@alpha.example").await);
    }

    // Hold the organization's version counter, as a long push would: the first push
    // waits on it inside its group, and the others arrive meanwhile.
    let mut holder = db.pool.begin().await.unwrap();
    sqlx::query("SELECT last_version FROM organization_versions WHERE organization_id = $1 FOR UPDATE")
        .bind(org.as_uuid())
        .execute(&mut *holder)
        .await
        .unwrap();
    let first_change = new_worker(&mut first, "First of all");
    let first_push = tokio::spawn(async move { first.push(vec![first_change]).await });
    let deadline = std::time::Instant::now() + std::time::Duration::from_secs(30);
    let waiting_on_a_lock =
        "SELECT count(*) FROM pg_stat_activity WHERE datname = current_database() AND wait_event_type = 'Lock'";
    while sqlx::query_scalar::<_, i64>(waiting_on_a_lock).fetch_one(&db.pool).await.unwrap() == 0 {
        assert!(std::time::Instant::now() < deadline, "the first push did not reach the counter");
        tokio::time::sleep(std::time::Duration::from_millis(20)).await;
    }

    let mut pushes = Vec::new();
    let mut expected = Vec::new();
    for (index, device) in others.iter_mut().enumerate() {
        let mut changes = vec![new_worker(device, &format!("Worker {index}"))];
        let mut outcomes = vec![Outcome::Applied];
        if index == 0 {
            // A change the server refuses: the rest of its push, and of the group, goes on.
            let (id, now) = (Uuid::now_v7().to_string(), Timestamp::now().to_string());
            let elsewhere = Uuid::now_v7().to_string();
            changes.push(device.upsert(EntityKind::Workers, &id, json!({"id": id, "organization_id": elsewhere, "full_name": "Not ours", "custom_attributes": {}, "created_at": now, "updated_at": now})));
            outcomes.push(Outcome::Rejected { code: ErrorCode::WrongOrganization, reason: String::new() });
        }
        expected.push(outcomes);
        pushes.push(device.request(changes));
    }
    // One device's push sent twice at once (a retry racing the original): the second to
    // be written finds the first's change applied.
    let twice = pushes[1].clone();
    let mut sending = Vec::new();
    for (device, request) in others.iter().zip(pushes) {
        let (http, base, token) = (device.http.clone(), device.base.clone(), device.token.clone());
        sending.push(tokio::spawn(async move { push_as(&http, &base, &token, &request).await }));
    }
    let retry = {
        let (http, base, token) = (others[1].http.clone(), others[1].base.clone(), others[1].token.clone());
        tokio::spawn(async move { push_as(&http, &base, &token, &twice).await })
    };
    while metric(&metrics, "stride_sync_pushes_waiting").await < 13.0 {
        assert!(std::time::Instant::now() < deadline, "the pushes did not arrive");
        tokio::time::sleep(std::time::Duration::from_millis(20)).await;
    }
    holder.commit().await.unwrap();

    assert!(applied(&first_push.await.unwrap()));
    let mut responses = Vec::new();
    for task in sending {
        responses.push(task.await.unwrap());
    }
    let retried = retry.await.unwrap();
    // (Device 1's two are judged together below: either may have come first.)
    for (response, outcomes) in
        responses.iter().zip(&expected).enumerate().filter(|(i, _)| *i != 1).map(|(_, pair)| pair)
    {
        let got: Vec<Outcome> = response
            .results
            .iter()
            .map(|result| match &result.outcome {
                Outcome::Rejected { code, .. } => Outcome::Rejected { code: *code, reason: String::new() },
                other => other.clone(),
            })
            .collect();
        assert_eq!(&got, outcomes);
    }
    let mut both = vec![responses[1].results[0].outcome.clone(), retried.results[0].outcome.clone()];
    both.sort_by_key(|outcome| format!("{outcome:?}"));
    assert_eq!(both, vec![Outcome::AlreadyApplied, Outcome::Applied], "applied once, the other answered so");

    // The thirteen that waited were two groups, not thirteen: one device's two pushes
    // are never in one group, so the queue splits at the second. Each group is one
    // transaction, and its audit rows share its start time (the group of the retry may
    // write none: its change was applied).
    let transactions: Vec<String> = sqlx::query_scalar(
        "SELECT DISTINCT received_at::text FROM change_log WHERE organization_id = $1 AND entity = 'workers'",
    )
    .bind(org.as_uuid())
    .fetch_all(&db.pool)
    .await
    .unwrap();
    assert!((2..=3).contains(&transactions.len()), "the first push alone, then two groups: {transactions:?}");
    assert_eq!(metric(&metrics, "stride_sync_push_group_size_count").await, 3.0);
    assert_eq!(metric(&metrics, "stride_sync_push_group_size_sum").await, 14.0);
    assert_eq!(metric(&metrics, "stride_sync_pushes_waiting").await, 0.0);

    // Every row once, versions without a gap or a repeat.
    let rows = others[2].pull_all().await;
    let workers: BTreeSet<String> = rows.iter().filter(|row| row.entity == EntityKind::Workers).map(key_of).collect();
    assert_eq!(workers.len(), 13, "each new worker once, and not the refused one");
    let versions: BTreeSet<i64> = rows.iter().map(|row| row.version).collect();
    assert_eq!(versions.len(), rows.len(), "no version twice");
    db.drop().await;
}

async fn push_as(http: &reqwest::Client, base: &str, token: &str, request: &PushRequest) -> PushResponse {
    let response = http.post(format!("{base}/v1/sync/push")).bearer_auth(token).json(request).send().await.unwrap();
    assert_eq!(response.status(), StatusCode::OK);
    response.json().await.unwrap()
}

//! End to end, the rest of the platform: a training manager, in the real window, authors
//! a journey (a phase, a touchpoint with its rule, a preview for a worker), puts it in a
//! program, downloads media and opens it offline, defines a segment with a live count,
//! assigns an experiment's audience and reads its results, and syncs; then, on a
//! coordinator's device signed in afresh, the new touchpoint is due on home, and the
//! coordinator's role shows neither experiments nor the journey editor. And an
//! administrator's day with records: an edit that lost to another device's is shown on
//! the worker with both values, the record's history is read from the server, a worker
//! is deleted after the window says what goes with them, and progress another device
//! recorded under the deleted enrollment is listed and brought back. Saves screenshots
//! to docs/screenshots/.

use crate::window::*;
use fantoccini::Locator;

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_manager_authors_a_journey_that_after_sync_is_due_on_a_coordinators_device() {
    let _window = ONE_WINDOW.lock().await;
    let db = crate::support::TestDatabase::migrated().await;
    stride_server::demo::seed(&db.pool).await.unwrap();
    let server = crate::support::spawn_server(&db.pool).await;
    let manager_home = tempfile::tempdir().unwrap();
    let account = [
        ("STRIDE_SERVER_URL", server.as_str()),
        ("STRIDE_SIGN_IN_EMAIL", "training@lakeside.example"),
        ("STRIDE_SIGN_IN_PASSWORD", stride_server::demo::DEMO_PASSWORD),
    ];
    let (driver, client) = launch_with(manager_home.path(), &account).await;
    text_of(&client, "[data-testid=last-sync]", |t| t.starts_with("Last sync")).await;

    // A new journey: its title, a phase, and a touchpoint due from enrollment.
    find(&client, "[data-testid=journeys-open]").await.click().await.unwrap();
    choose(&client, "[data-testid=journey-choice]", "New journey…").await;
    fill(
        &client,
        &[
            ("[data-testid=journey-form] input[name=title]", "Night shift safety"),
            ("input[name=purpose]", "Safe nights"),
        ],
    )
    .await;
    find(&client, "[data-testid=journey-form] button[type=submit]").await.click().await.unwrap();
    text_of(&client, "[data-testid=journeys] .notice", |t| t == "Night shift safety is saved on this device.").await;
    fill(&client, &[("input[name=phase]", "Week 1")]).await;
    click(&client, ".add-phase button[type=submit]").await;
    text_of(&client, "[data-testid=phase]", |t| t.contains("Week 1")).await;
    click(&client, "[data-testid=touchpoint-add]").await;
    // A wrong rule is named by its field and writes nothing.
    choose(&client, "[data-testid=touchpoint-form] select[name=content]", "Heat and hydration").await;
    fill(&client, &[("input[name=after_days]", "soon")]).await;
    click(&client, "[data-testid=touchpoint-form] button[type=submit]").await;
    text_of(&client, "[data-testid=touchpoint-form] .field-error", |t| t.contains("whole number")).await;
    fill(&client, &[("input[name=after_days]", "0")]).await;
    click(&client, "[data-testid=touchpoint-form] button[type=submit]").await;
    text_of(&client, "[data-testid=touchpoint]", |t| {
        t.contains("Heat and hydration") && t.contains("Due from enrollment")
    })
    .await;
    // What a worker enrolled in the program would see of it.
    fill(&client, &[("input[name=preview-worker]", "Amina")]).await;
    click(&client, "[data-testid=journey-preview] .matches button").await;
    text_of(&client, "[data-testid=preview-step]", |t| t.starts_with("Heat and hydration: due")).await;
    screenshot(&client, "journey-editor").await;
    // Deleting the phase would take its touchpoint: the window says so and waits.
    let delete_phase = client
        .find(Locator::XPath("//*[@data-testid='phase']//header//button[normalize-space()='Delete phase']"))
        .await
        .unwrap();
    click_centered(&client, &delete_phase).await;
    text_of(&client, "[data-testid=delete-confirmation]", |t| t.contains("Also deletes 1 touchpoint.")).await;
    screenshot(&client, "delete-confirmation").await;
    click(&client, "[data-testid=delete-confirmation] button.link").await;
    assert!(client.find(Locator::Css("[data-testid=delete-confirmation]")).await.is_err(), "kept");
    text_of(&client, "[data-testid=touchpoint]", |t| t.contains("Heat and hydration")).await;

    // Into the program, after its two journeys.
    find(&client, "[data-testid=programs-open]").await.click().await.unwrap();
    click(&client, "[data-testid=program-edit]").await;
    choose(&client, "select[name=add-journey]", "Night shift safety").await;
    click(&client, "[data-testid=program-form] .toolbar button").await;
    text_of(&client, "[data-testid=program-form] ol.ordered", |t| t.contains("Night shift safety")).await;
    screenshot(&client, "program-editor").await;
    click(&client, "[data-testid=program-form] button[type=submit]").await;
    text_of(&client, "[data-testid=programs] .notice", |t| t == "Harvest season 2026 is saved on this device.").await;
    text_of(&client, "[data-testid=program]", |t| t.contains("Night shift safety")).await;

    // Media served by the sync server, downloaded with progress, opened with no network.
    find(&client, "[data-testid=content-open]").await.click().await.unwrap();
    let hydration = "//li[@data-testid='content-item'][contains(., 'Heat and hydration')]";
    client.wait().for_element(Locator::XPath(hydration)).await.unwrap();
    let item = client.find(Locator::XPath(hydration)).await.unwrap();
    item.find(Locator::Css("button.secondary")).await.unwrap().click().await.unwrap();
    text_of(&client, "[data-testid=content-library] .notice", |t| t.contains("opens without a network")).await;
    let item = client.find(Locator::XPath(hydration)).await.unwrap();
    assert!(item.text().await.unwrap().contains("On this device ("));
    item.find(Locator::Css("button.secondary")).await.unwrap().click().await.unwrap();
    text_of(&client, "[data-testid=opened-media]", |t| t.contains("Drink a cup of water")).await;
    screenshot(&client, "content-library").await;
    // Audio plays from the downloaded file, offline: two seconds of it.
    let breathing = "//li[@data-testid='content-item'][contains(., 'Breathing for stress')]";
    let item = client.find(Locator::XPath(breathing)).await.unwrap();
    item.find(Locator::Css("button.secondary")).await.unwrap().click().await.unwrap();
    text_of(&client, "[data-testid=content-library] .notice", |t| {
        t.starts_with("Breathing for stress is on this device")
    })
    .await;
    let item = client.find(Locator::XPath(breathing)).await.unwrap();
    item.find(Locator::Css("button.secondary")).await.unwrap().click().await.unwrap();
    find(&client, "[data-testid=opened-media] audio").await;
    let duration = client
        .execute_async(
            "const done = arguments[arguments.length - 1];
             const audio = document.querySelector('[data-testid=opened-media] audio');
             if (audio.readyState >= 1) { done(audio.duration); return }
             audio.addEventListener('loadedmetadata', () => done(audio.duration));
             audio.addEventListener('error', () => done('error ' + (audio.error && audio.error.code)));",
            vec![],
        )
        .await
        .unwrap();
    assert_eq!(duration.as_f64().map(|d| (d * 10.0).round() / 10.0), Some(2.0), "the audio's length: {duration}");

    // A segment by rule, counted live as it is written: 50 of the 200 work at Eldoret.
    find(&client, "[data-testid=segments-open]").await.click().await.unwrap();
    find(&client, "[data-testid=segment-new]").await.click().await.unwrap();
    fill(
        &client,
        &[
            ("[data-testid=segment-form] input[name=name]", "Eldoret site"),
            ("[data-testid=condition] input[name=value]", "Eldoret"),
        ],
    )
    .await;
    text_of(&client, "[data-testid=segment-count]", |t| t == "50 workers on this device match.").await;
    screenshot(&client, "segment-editor").await;
    click(&client, "[data-testid=segment-form] .actions button[type=submit]").await;
    text_of(&client, "[data-testid=segments]", |t| t.contains("Eldoret site") && t.contains("Site equal to Eldoret"))
        .await;

    // The experiment: its audience assigned (the demo's 120 keep the variant they had),
    // then its results per variant, with intervals, the split checked, and a chart.
    find(&client, "[data-testid=experiments-open]").await.click().await.unwrap();
    click(&client, "[data-testid=experiment-assign]").await;
    text_of(&client, "[data-testid=experiments] .notice", |t| t.contains("was assigned already")).await;
    click(&client, "[data-testid=experiment-results]").await;
    text_of(&client, "[data-testid=results-table]", |t| t.contains("A: video first") && t.contains("95% CI")).await;
    text_of(&client, "[data-testid=srm]", |t| t.starts_with("The split fits the weights")).await;
    find(&client, "[data-testid=results-chart] svg").await;
    screenshot(&client, "experiment-results").await;

    // Badges: one awarded by hand, and the program's leaderboard.
    find(&client, "[data-testid=badges-open]").await.click().await.unwrap();
    text_of(&client, "[data-testid=leaderboard]", |t| t.contains("Amina")).await;
    choose(&client, "select[name=award-badge]", "Top scorer").await;
    fill(&client, &[("input[name=award-worker]", "Zawadi")]).await;
    fill(&client, &[("input[name=award-worker]", "Esther Achieng")]).await;
    click(&client, "[data-testid=badges] .matches button").await;
    text_of(&client, "[data-testid=badges] .notice", |t| t.ends_with("has the badge Top scorer now.")).await;
    screenshot(&client, "badges").await;

    // The organization, its tier and the roles.
    find(&client, "[data-testid=organization-open]").await.click().await.unwrap();
    text_of(&client, "[data-testid=organization-summary]", |t| t.contains("on the standard tier")).await;
    text_of(&client, "[data-testid=account-role]", |t| t.contains("training@lakeside.example, training manager")).await;
    screenshot(&client, "organization").await;

    find(&client, "[data-testid=sync]").await.click().await.unwrap();
    text_of(&client, "[data-testid=pending]", |t| t.starts_with("0 changes")).await;
    let refused = client.find_all(Locator::Css("[data-testid=rejected]")).await.unwrap();
    assert!(refused.is_empty(), "the server took every change");
    client.close().await.unwrap();
    drop(driver);

    // A coordinator's device, signed in afresh: after its first sync, the new
    // touchpoint is due today for the program's 114 active workers.
    let coordinator_home = tempfile::tempdir().unwrap();
    let account = [
        ("STRIDE_SERVER_URL", server.as_str()),
        ("STRIDE_SIGN_IN_EMAIL", "coordinator@lakeside.example"),
        ("STRIDE_SIGN_IN_PASSWORD", stride_server::demo::DEMO_PASSWORD),
    ];
    let (_driver, client) = launch_with(coordinator_home.path(), &account).await;
    text_of(&client, "[data-testid=last-sync]", |t| t.starts_with("Last sync")).await;
    text_of(&client, "[data-testid=due]", |t| {
        t.contains("Heat and hydration · Night shift safety, Week 1") && t.contains("114 workers due today")
    })
    .await;
    screenshot(&client, "coordinator-home").await;
    // A coordinator sees no experiments and no journey editor, and may not author content.
    assert!(client.find_all(Locator::Css("[data-testid=experiments-open]")).await.unwrap().is_empty());
    assert!(client.find_all(Locator::Css("[data-testid=journeys-open]")).await.unwrap().is_empty());
    find(&client, "[data-testid=content-open]").await.click().await.unwrap();
    text_of(&client, "[data-testid=content-library]", |t| t.contains("editing it is for authors")).await;
    assert!(client.find_all(Locator::Css("[data-testid=content-new]")).await.unwrap().is_empty());
    client.close().await.unwrap();
    db.drop().await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn an_admin_sees_a_lost_edit_reads_the_history_deletes_a_worker_and_restores_what_came_after() {
    use stride_domain::*;
    let _window = ONE_WINDOW.lock().await;
    let db = crate::support::TestDatabase::migrated().await;
    stride_server::demo::seed(&db.pool).await.unwrap();
    let server = crate::support::spawn_server(&db.pool).await;
    // A coordinator's device, synced before the administrator does anything.
    let other = crate::support::devices::device(&server, "coordinator@lakeside.example").await;
    let enrollments = other.store.list::<WorkerAssignment>(&stride_store::ListQuery::default()).unwrap().items;
    let worker_of = |i: usize| other.store.get::<Worker>(&RowKey::of(enrollments[i].worker_id)).unwrap().unwrap();
    let (edited, deleted) = (worker_of(0), worker_of(1));
    let home = tempfile::tempdir().unwrap();
    let account = [
        ("STRIDE_SERVER_URL", server.as_str()),
        ("STRIDE_SIGN_IN_EMAIL", "admin@lakeside.example"),
        ("STRIDE_SIGN_IN_PASSWORD", stride_server::demo::DEMO_PASSWORD),
    ];
    let (_driver, client) = launch_with(home.path(), &account).await;
    text_of(&client, "[data-testid=last-sync]", |t| t.starts_with("Last sync")).await;
    // Workers are found by phone number (the demo has namesakes).
    let phone_of = |worker: &Worker| worker.phone_number.as_ref().unwrap().to_string();
    let open_worker = |phone: String, name: String| {
        let client = client.clone();
        async move {
            find(&client, "[data-testid=workers-open]").await.click().await.unwrap();
            if let Ok(back) = client.find(Locator::Css("[data-testid=worker-page] header button.secondary")).await {
                back.click().await.unwrap();
            }
            fill(&client, &[("input[name=search]", &phone)]).await;
            text_of(&client, "[data-testid=worker-count]", |t| t == "1 worker").await;
            find(&client, "[aria-rowindex='2'] button.name").await.click().await.unwrap();
            text_of(&client, "[data-testid=worker-page] h1", |t| t == name).await;
        }
    };

    // The administrator changes a phone number and syncs; the coordinator, who had not
    // seen it, changes it too, a moment later, and syncs: the later edit wins.
    open_worker(phone_of(&edited), edited.full_name.to_string()).await;
    find(&client, "[data-testid=worker-page] button[aria-keyshortcuts=E]").await.click().await.unwrap();
    // The name too: the form's autofocus can take keys typed for the phone number, and
    // `fill` checks every field it is given.
    let edited_name = edited.full_name.to_string();
    fill(&client, &[("input[name=full_name]", &edited_name), ("input[name=phone_number]", "+254 711 000 001")]).await;
    find(&client, "form button[type=submit]").await.click().await.unwrap();
    text_of(&client, "[data-testid=worker-page]", |t| t.contains("Phone: +254711000001")).await;
    find(&client, "[data-testid=sync]").await.click().await.unwrap();
    text_of(&client, "[data-testid=pending]", |t| t.starts_with("0 changes")).await;
    let mut theirs = edited.clone();
    theirs.phone_number = Some(PhoneNumber::parse("+254722000002").unwrap());
    other.store.update(&theirs).unwrap();
    stride_sync::sync(&other.store, &other.client, |_| {}).await.unwrap();
    find(&client, "[data-testid=sync]").await.click().await.unwrap();
    text_of(&client, "[data-testid=sync-result]", |t| t.starts_with("Synced: ")).await;
    open_worker(phone_of(&theirs), edited.full_name.to_string()).await;
    text_of(&client, "[data-testid=lost-edit]", |t| {
        t.contains("Your phone number “+254711000001” was replaced") && t.contains("now “+254722000002”")
    })
    .await;
    // Its history, from the server: who changed what, from which device.
    find(&client, "[data-testid=history-open]").await.click().await.unwrap();
    text_of(&client, "[data-testid=history-entries]", |t| {
        t.contains("Cora Coordinator on Field laptop set phone number to “+254722000002”") && t.contains("Ruth Admin")
    })
    .await;
    text_of(&client, "[data-testid=history-conflicts]", |t| t.contains("replaced by the concurrent “+254722000002”"))
        .await;
    screenshot(&client, "record-history").await;
    find(&client, "[data-testid=lost-edit] button").await.click().await.unwrap();
    until_gone(&client, "[data-testid=lost-edit]").await;

    // A worker deleted: the window says what goes with them first.
    open_worker(phone_of(&deleted), deleted.full_name.to_string()).await;
    find(&client, "[data-testid=worker-page] header [data-testid=delete-workers]").await.click().await.unwrap();
    text_of(&client, "[data-testid=delete-confirmation]", |t| {
        t.starts_with(&format!("Delete “{}”?", deleted.full_name))
            && t.contains("Also deletes")
            && t.contains("enrollment")
    })
    .await;
    screenshot(&client, "delete-worker").await;
    find(&client, "[data-testid=confirm-delete]").await.click().await.unwrap();
    text_of(&client, "[data-testid=worker-count]", |t| t == "No workers").await;
    find(&client, "[data-testid=sync]").await.click().await.unwrap();
    text_of(&client, "[data-testid=pending]", |t| t.starts_with("0 changes")).await;

    // The coordinator, offline meanwhile, recorded progress on their enrollment.
    let touchpoint = other.store.list::<Touchpoint>(&stride_store::ListQuery::default()).unwrap().items.remove(0);
    other
        .store
        .write(|w| {
            let now = w.now();
            w.create(&WorkerProgress {
                id: WorkerProgressId::new(),
                worker_assignment_id: enrollments[1].id,
                touchpoint_id: touchpoint.id,
                organization_id: enrollments[1].organization_id,
                started_at: Some(now),
                completed_at: Some(now),
                score: None,
                feedback_text: Some("recorded offline".into()),
                created_at: now,
                updated_at: now,
            })
        })
        .unwrap();
    stride_sync::sync(&other.store, &other.client, |_| {}).await.unwrap();
    find(&client, "[data-testid=sync]").await.click().await.unwrap();
    text_of(&client, "[data-testid=sync-result]", |t| t.starts_with("Synced: ")).await;
    find(&client, "[data-testid=sync-details]").await.click().await.unwrap();
    text_of(&client, "[data-testid=orphan]", |t| {
        t.contains(&format!(
            "A progress record of “{0}” arrived from a device that had not seen its enrollment of “{0}” deleted.",
            deleted.full_name
        ))
    })
    .await;
    screenshot(&client, "orphans").await;
    click(&client, "[data-testid=orphan] button[data-nav-item]").await;
    text_of(&client, "[data-testid=sync-panel] .notice", |t| t == "The enrollment is back.").await;
    until_gone(&client, "[data-testid=orphan]").await;
    find(&client, "[data-testid=sync]").await.click().await.unwrap();
    text_of(&client, "[data-testid=pending]", |t| t.starts_with("0 changes")).await;
    let back: bool = sqlx::query_scalar("SELECT deleted_at IS NULL FROM workers WHERE id = $1")
        .bind(deleted.id.as_uuid())
        .fetch_one(&db.pool)
        .await
        .unwrap();
    assert!(back, "the worker is back on the server with their enrollment");
    client.close().await.unwrap();
    db.drop().await;
}

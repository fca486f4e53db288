//! End to end, the rest of the platform: a training manager, in the real window, authors
//! a journey (a phase, a touchpoint with its rule, a preview for a worker), puts it in a
//! program, downloads media and opens it offline, defines a segment with a live count,
//! assigns an experiment's audience and reads its results, and syncs; then, on a
//! coordinator's device signed in afresh, the new touchpoint is due on home, and the
//! coordinator's role shows neither experiments nor the journey editor. Saves
//! screenshots to docs/screenshots/.

#![allow(clippy::unwrap_used)] // a failed unwrap is a failed test

mod support;
mod window;

use fantoccini::Locator;
use window::*;

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_manager_authors_a_journey_that_after_sync_is_due_on_a_coordinators_device() {
    let _window = ONE_WINDOW.lock().await;
    let db = support::TestDatabase::migrated().await;
    stride_server::demo::seed(&db.pool).await.unwrap();
    let server = support::spawn_server(&db.pool).await;
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
    click_centered(&client, &find(&client, ".add-phase button[type=submit]").await).await;
    text_of(&client, "[data-testid=phase]", |t| t.contains("Week 1")).await;
    click_centered(&client, &find(&client, "[data-testid=touchpoint-add]").await).await;
    // A wrong rule is named by its field and writes nothing.
    choose(&client, "[data-testid=touchpoint-form] select[name=content]", "Heat and hydration").await;
    fill(&client, &[("input[name=after_days]", "soon")]).await;
    click_centered(&client, &find(&client, "[data-testid=touchpoint-form] button[type=submit]").await).await;
    text_of(&client, "[data-testid=touchpoint-form] .field-error", |t| t.contains("whole number")).await;
    fill(&client, &[("input[name=after_days]", "0")]).await;
    click_centered(&client, &find(&client, "[data-testid=touchpoint-form] button[type=submit]").await).await;
    text_of(&client, "[data-testid=touchpoint]", |t| {
        t.contains("Heat and hydration") && t.contains("Due from enrollment")
    })
    .await;
    // What a worker enrolled in the program would see of it.
    fill(&client, &[("input[name=preview-worker]", "Amina")]).await;
    click_centered(&client, &find(&client, "[data-testid=journey-preview] .matches button").await).await;
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
    click_centered(&client, &find(&client, "[data-testid=delete-confirmation] button.link").await).await;
    assert!(client.find(Locator::Css("[data-testid=delete-confirmation]")).await.is_err(), "kept");
    text_of(&client, "[data-testid=touchpoint]", |t| t.contains("Heat and hydration")).await;

    // Into the program, after its two journeys.
    find(&client, "[data-testid=programs-open]").await.click().await.unwrap();
    click_centered(&client, &find(&client, "[data-testid=program] header button").await).await;
    choose(&client, "select[name=add-journey]", "Night shift safety").await;
    click_centered(&client, &find(&client, "[data-testid=program-form] .toolbar button").await).await;
    text_of(&client, "[data-testid=program-form] ol.ordered", |t| t.contains("Night shift safety")).await;
    screenshot(&client, "program-editor").await;
    click_centered(&client, &find(&client, "[data-testid=program-form] button[type=submit]").await).await;
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
    click_centered(&client, &find(&client, "[data-testid=segment-form] .actions button[type=submit]").await).await;
    text_of(&client, "[data-testid=segments]", |t| t.contains("Eldoret site") && t.contains("Site equal to Eldoret"))
        .await;

    // The experiment: its audience assigned (the demo's 120 keep the variant they had),
    // then its results per variant, with intervals, the split checked, and a chart.
    find(&client, "[data-testid=experiments-open]").await.click().await.unwrap();
    click_centered(&client, &find(&client, "[data-testid=experiment-assign]").await).await;
    text_of(&client, "[data-testid=experiments] .notice", |t| t.contains("was assigned already")).await;
    click_centered(&client, &find(&client, "[data-testid=experiment-results]").await).await;
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
    click_centered(&client, &find(&client, "[data-testid=badges] .matches button").await).await;
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

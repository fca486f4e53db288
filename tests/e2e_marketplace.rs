//! End to end, the marketplace: an expert organization's content specialist publishes a
//! journey in the window; a client organization's administrator, in another window,
//! finds it in the catalog, previews it, licenses it and copies it in; the copy is on
//! that laptop at once, locked, and the server keeps it under the client alone. The
//! publisher's second version removes a touchpoint a worker has a session on: the
//! administrator sees what it changes, with the session kept, and applies it. Lakeside's
//! coordinator's laptop pulls the update and records sessions on it, and the expert's
//! window shows the new enrollments in its figures once five workers are there.
//! Saves docs/screenshots/marketplace-publish.png, marketplace-listing.png,
//! marketplace-catalog.png, marketplace-update.png and marketplace-usage.png.

use crate::support::devices::device_with;
use crate::window::*;
use stride_domain::marketplace::{CatalogQuery, NewVersion};
use stride_domain::*;
use stride_server::admin;
use stride_server::demo::DEMO_PASSWORD;
use stride_store::fixtures::sample_program;
use stride_store::Filter;

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn an_expert_publishes_a_journey_and_a_client_licenses_it_and_copies_it_in() {
    let _window = ONE_WINDOW.lock().await;
    let db = crate::support::TestDatabase::migrated().await;
    stride_server::demo::seed(&db.pool).await.unwrap();
    let name = |text: &str| Name::parse(text).unwrap();
    let expert = admin::create_organization(
        &db.pool,
        &name("Safework Institute"),
        OrganizationType::Expert,
        SubscriptionTier::Premium,
    )
    .await
    .unwrap();
    for (email, role, display) in [
        ("admin@safework.example", Role::OrgAdmin, "Sam Safework"),
        ("specialist@safework.example", Role::ContentSpecialist, "Esther Specialist"),
    ] {
        admin::create_user(&db.pool, expert, &Email::parse(email).unwrap(), role, Some(&name(display)), DEMO_PASSWORD)
            .await
            .unwrap();
    }
    let server = crate::support::spawn_server(&db.pool).await;

    // The expert's journey, written on its administrator's laptop and synced.
    let authoring = device_with(&server, "admin@safework.example", DEMO_PASSWORD, 0).await;
    let resting = TouchpointId::new();
    sample_program(&authoring.store, &[(TouchpointId::new(), 1, None), (resting, 2, None)]).unwrap();
    let mut journey = authoring.store.list_all::<JourneyBlueprint>(&[]).unwrap().pop().unwrap();
    journey.title = name("Harvest lifting");
    authoring.store.update(&journey).unwrap();
    stride_sync::sync(&authoring.store, &authoring.client, |_| {}).await.unwrap();

    // The content specialist publishes it.
    {
        let home = tempfile::tempdir().unwrap();
        let (_driver, client) = launch_signed_in(home.path(), &server, "specialist@safework.example").await;
        find(&client, "[data-testid=marketplace-open]").await.click().await.unwrap();
        click(&client, "[data-testid=marketplace] header button").await;
        choose(&client, "select[name=source]", "Harvest lifting").await;
        fill(
            &client,
            &[
                ("[data-testid=publish-form] input[name=title]", "Safe lifting for harvest crews"),
                ("textarea[name=description]", "Four weeks on lifting, carrying and resting, for seasonal crews."),
                ("textarea[name=terms]", "For use within your organization."),
                ("input[name=notes]", "First edition"),
            ],
        )
        .await;
        screenshot(&client, "marketplace-publish").await;
        click(&client, "[data-testid=publish-form] button[type=submit]").await;
        text_of(&client, "[data-testid=marketplace-notice]", |t| t.contains("is published as version 1")).await;
        text_of(&client, "[data-testid=listing-preview]", |t| t.contains("Week 1") && t.contains("Lifting safely"))
            .await;
    }

    // Lakeside's administrator finds it, licenses it (free) and copies it in.
    let home = tempfile::tempdir().unwrap();
    let (_driver, client) = launch_signed_in(home.path(), &server, "admin@lakeside.example").await;
    find(&client, "[data-testid=marketplace-open]").await.click().await.unwrap();
    text_of(&client, "[data-testid=listing]", |t| t.contains("Safe lifting for harvest crews")).await;
    type_into(&client, "input[name=search]", "welding").await;
    click(&client, "form.filters button[type=submit]").await;
    until_gone(&client, "[data-testid=listing]").await;
    type_into(&client, "input[name=search]", "harvest LIFTING").await;
    click(&client, "form.filters button[type=submit]").await;
    click(&client, "[data-testid=listing] button").await;
    text_of(&client, "[data-testid=listing-preview]", |t| t.contains("Week 2") && t.contains("Lifting safely")).await;
    screenshot(&client, "marketplace-listing").await;
    click(&client, "[data-testid=license-listing]").await;
    text_of(&client, "[data-testid=marketplace-notice]", |t| t.contains("is licensed")).await;
    click(&client, "[data-testid=copy-listing]").await;
    text_of(&client, "[data-testid=marketplace-notice]", |t| t.contains("copied into your organization")).await;
    text_of(&client, "[data-testid=copied]", |t| t.contains("version 1")).await;
    text_of(&client, "[data-testid=listing]", |t| t.contains("licensed")).await;
    screenshot(&client, "marketplace-catalog").await;

    // On this laptop at once (the copy synced), among Lakeside's journeys.
    find(&client, "[data-testid=journeys-open]").await.click().await.unwrap();
    text_of(&client, "[data-testid=journeys]", |t| t.contains("Harvest lifting")).await;

    // The server keeps the copy under Lakeside, from the listing; the expert has none of it.
    let copies: Vec<(String, String)> = sqlx::query_as(
        "SELECT o.name, j.source_state FROM journey_blueprints j JOIN organizations o ON o.id = j.organization_id
         WHERE j.source_listing_id IS NOT NULL",
    )
    .fetch_all(&db.pool)
    .await
    .unwrap();
    assert_eq!(copies, [("Lakeside Farms".to_owned(), "following".to_owned())]);
    stride_sync::sync(&authoring.store, &authoring.client, |_| {}).await.unwrap();
    let theirs = authoring.store.list_all::<JourneyBlueprint>(&[]).unwrap();
    assert_eq!(theirs.iter().map(|j| j.title.as_str()).collect::<Vec<_>>(), ["Harvest lifting"], "only its own");

    // A worker at Lakeside has a session on the copy's second touchpoint; the publisher's
    // second version takes that touchpoint out and renames the first week.
    let lakeside = device_with(&server, "admin@lakeside.example", DEMO_PASSWORD, 0).await;
    let copied = lakeside.store.list_all::<JourneyBlueprint>(&[]).unwrap();
    let copied = copied.iter().find(|j| j.source.source_listing_id.is_some()).unwrap();
    let phases =
        lakeside.store.list_all::<Phase>(&[Filter::new("journey_blueprint_id", copied.id.to_string())]).unwrap();
    let week2 = phases.iter().find(|p| p.sequence_order == 2).unwrap();
    let on_week2 = lakeside.store.list_all::<Touchpoint>(&[Filter::new("phase_id", week2.id.to_string())]).unwrap();
    crate::marketplace_updates::enrolled_with_progress(&lakeside, copied.id, &[on_week2[0].id]).await;
    authoring.store.delete::<Touchpoint>(&RowKey::of(resting)).unwrap();
    let mut week1 = authoring.store.list_all::<Phase>(&[Filter::new("sequence_order", 1)]).unwrap().remove(0);
    week1.name = name("Week 1: lifting and resting");
    authoring.store.update(&week1).unwrap();
    stride_sync::sync(&authoring.store, &authoring.client, |_| {}).await.unwrap();
    let mine = CatalogQuery { mine: Some(true), ..Default::default() };
    let listing = authoring.client.catalog(&mine).await.unwrap().listings.remove(0);
    let notes = NewVersion { notes: "Resting folded into week 1".into() };
    authoring.client.publish_version(listing.id, &notes).await.unwrap();

    find(&client, "[data-testid=marketplace-open]").await.click().await.unwrap();
    click(&client, "[data-testid=see-update]").await;
    text_of(&client, "[data-testid=copy-update]", |t| {
        t.contains("Resting folded into week 1")
            && t.contains("Phase Week 1: lifting and resting: name changed")
            && t.contains("Removed touchpoint: Lifting safely — the sessions of 1 worker on it are kept")
    })
    .await;
    screenshot(&client, "marketplace-update").await;
    click(&client, "[data-testid=apply-update]").await;
    text_of(&client, "[data-testid=marketplace-notice]", |t| t.contains("is updated to version 2")).await;
    let (version, sessions): (i32, i64) = sqlx::query_as(
        "SELECT c.version, (SELECT count(*) FROM worker_progress p
                            JOIN touchpoints t ON t.organization_id = p.organization_id AND t.id = p.touchpoint_id
                            WHERE p.organization_id = c.organization_id AND p.deleted_at IS NULL
                              AND t.source_listing_id = c.listing_id)
         FROM marketplace_copies c",
    )
    .fetch_one(&db.pool)
    .await
    .unwrap();
    assert_eq!((version, sessions), (2, 1), "updated, the session kept");
    drop(client);
    drop(_driver);

    // The expert's administrator reads how it is used: one worker so far, not shown.
    let home = tempfile::tempdir().unwrap();
    let (_driver, client) = launch_signed_in(home.path(), &server, "admin@safework.example").await;
    find(&client, "[data-testid=marketplace-open]").await.click().await.unwrap();
    click(&client, "[data-testid=listing] button").await;
    text_of(&client, "[data-testid=usage-workers]", |t| t.starts_with("Fewer than 5 workers")).await;
    text_of(&client, "[data-testid=usage-licensees]", |t| t.contains("Lakeside Farms") && t.contains("fewer than 5"))
        .await;

    // Lakeside's coordinator's laptop pulls the copy as updated and records the first
    // session of four more workers on it.
    let coordinator = device_with(&server, "coordinator@lakeside.example", DEMO_PASSWORD, 0).await;
    let program = coordinator.store.list_all::<Program>(&[Filter::new("name", "Harvest crews")]).unwrap().remove(0);
    let first = coordinator
        .store
        .list_all::<Touchpoint>(&[])
        .unwrap()
        .into_iter()
        .find(|t| t.source.source_version == Some(2))
        .unwrap();
    let newcomers: Vec<Worker> = coordinator.store.list_all::<Worker>(&[]).unwrap().into_iter().take(4).collect();
    coordinator
        .store
        .write(|w| {
            for worker in &newcomers {
                let (enrollment, _) = w.enroll(program.id, worker.id)?;
                let now = w.now();
                w.create(&WorkerProgress {
                    id: WorkerProgressId::new(),
                    worker_assignment_id: enrollment.id,
                    touchpoint_id: first.id,
                    organization_id: enrollment.organization_id,
                    started_at: Some(now),
                    completed_at: Some(now),
                    score: Some(Score::new(85.0).unwrap()),
                    feedback_text: None,
                    created_at: now,
                    updated_at: now,
                })?;
            }
            Ok(())
        })
        .unwrap();
    assert_eq!(stride_sync::sync(&coordinator.store, &coordinator.client, |_| {}).await.unwrap().rejected, 0);

    // Five workers: the expert's figures show them, and still no one by name.
    click(&client, "[data-testid=listing] button").await;
    text_of(&client, "[data-testid=usage-workers]", |t| {
        t.starts_with("5 workers enrolled across 1 licensed organization")
    })
    .await;
    // 4 of the 5 completed the first touchpoint; its scores are only the 4 newcomers', so
    // their mean is not shown; the removed touchpoint's one session is counted too.
    text_of(&client, "[data-testid=usage-touchpoints]", |t| {
        t.contains("80% completed") && !t.contains("mean score") && t.contains("20% completed")
    })
    .await;
    let page = text_of(&client, "[data-testid=listing-usage]", |t| t.contains("80% completed")).await;
    assert!(!newcomers.iter().any(|w| page.contains(w.full_name.as_str())), "{page}");
    client
        .execute("document.querySelector('[data-testid=listing-usage]').scrollIntoView({block: 'start'})", vec![])
        .await
        .unwrap();
    screenshot(&client, "marketplace-usage").await;
}

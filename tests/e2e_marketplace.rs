//! End to end, the marketplace: an expert organization's content specialist publishes a
//! journey in the window; a client organization's administrator, in another window,
//! finds it in the catalog, previews it, licenses it and copies it in; the copy is on
//! that laptop at once, locked, and the server keeps it under the client alone.
//! Saves docs/screenshots/marketplace-publish.png, marketplace-listing.png and
//! marketplace-catalog.png.

use crate::support::devices::device_with;
use crate::window::*;
use stride_domain::*;
use stride_server::admin;
use stride_server::demo::DEMO_PASSWORD;
use stride_store::fixtures::sample_program;

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
    sample_program(&authoring.store, &[(TouchpointId::new(), 1, None), (TouchpointId::new(), 2, None)]).unwrap();
    let mut journey = authoring.store.list_all::<JourneyBlueprint>(&[]).unwrap().pop().unwrap();
    journey.title = name("Harvest lifting");
    authoring.store.update(&journey).unwrap();
    stride_sync::sync(&authoring.store, &authoring.client, |_| {}).await.unwrap();

    // The content specialist publishes it.
    {
        let home = tempfile::tempdir().unwrap();
        let (_driver, client) = launch_signed_in(home.path(), &server, "specialist@safework.example").await;
        find(&client, "[data-testid=marketplace-open]").await.click().await.unwrap();
        click_centered(&client, &find(&client, "[data-testid=marketplace] header button").await).await;
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
        click_centered(&client, &find(&client, "[data-testid=publish-form] button[type=submit]").await).await;
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
    click_centered(&client, &find(&client, "form.filters button[type=submit]").await).await;
    until_gone(&client, "[data-testid=listing]").await;
    type_into(&client, "input[name=search]", "harvest LIFTING").await;
    click_centered(&client, &find(&client, "form.filters button[type=submit]").await).await;
    click_centered(&client, &find(&client, "[data-testid=listing] button").await).await;
    text_of(&client, "[data-testid=listing-preview]", |t| t.contains("Week 2") && t.contains("Lifting safely")).await;
    screenshot(&client, "marketplace-listing").await;
    click_centered(&client, &find(&client, "[data-testid=license-listing]").await).await;
    text_of(&client, "[data-testid=marketplace-notice]", |t| t.contains("is licensed")).await;
    click_centered(&client, &find(&client, "[data-testid=copy-listing]").await).await;
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
}

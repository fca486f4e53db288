//! The marketplace against the real server and PostgreSQL: an expert organization
//! publishes a journey (with its content, media and rules) and a content item, client
//! organizations browse, license and copy them in, and their devices pull the copies;
//! and the isolation the database holds: who may publish and license, what each party
//! sees of a license, a locked copy refused at push, a withdrawn listing or a license not
//! in force never newly copied, and a device of either never pulling the other's rows.

use crate::support::devices::{device_with, Device};
use crate::support::{spawn_server, TestDatabase};
use stride_domain::marketplace::*;
use stride_domain::*;
use stride_server::{admin, media};
use stride_store::fixtures::sample_program;
use stride_sync::{sync, ClientError};

pub(crate) const PASSWORD: &str = "correct horse battery";
const VIDEO: &[u8] = b"\x00\x00\x00\x18ftypmp42 the lifting video";

pub(crate) struct Organizations {
    pub expert: OrganizationId,
    pub lakeside: OrganizationId,
    pub hilltop: OrganizationId,
}

/// An expert organization (an administrator, a content specialist, a coordinator) and two
/// client organizations (an administrator and a coordinator each), every one signing in
/// with `PASSWORD`.
pub(crate) async fn organizations(db: &TestDatabase) -> Organizations {
    let organization = |name: &'static str, kind| async move {
        let org = admin::create_organization(&db.pool, &Name::parse(name).unwrap(), kind, SubscriptionTier::Premium)
            .await
            .unwrap();
        let slug = name.split_whitespace().next().unwrap().to_lowercase();
        for role in [Role::OrgAdmin, Role::ContentSpecialist, Role::Coordinator] {
            let email = Email::parse(&format!("{role}@{slug}.example")).unwrap();
            admin::create_user(&db.pool, org, &email, role, None, PASSWORD).await.unwrap();
        }
        org
    };
    Organizations {
        expert: organization("Safework Institute", OrganizationType::Expert).await,
        lakeside: organization("Lakeside Farms", OrganizationType::Client).await,
        hilltop: organization("Hilltop Co-op", OrganizationType::Client).await,
    }
}

pub(crate) async fn signed_in(base: &str, role: Role, slug: &str) -> Device {
    device_with(base, &format!("{role}@{slug}.example"), PASSWORD, 0).await
}

/// The code of a refused call.
pub(crate) fn code<T: std::fmt::Debug>(result: Result<T, ClientError>) -> (u16, ErrorCode) {
    match result {
        Err(ClientError::Server { status, code, .. }) => (status, code),
        other => panic!("expected a refusal, got {other:?}"),
    }
}

/// The expert's journey: two touchpoints, the second due two days after the first and
/// only for a variant of the expert's experiments; its video a file of the expert's server.
pub(crate) async fn expert_journey(
    db: &TestDatabase,
    expert: &Device,
    org: OrganizationId,
) -> (JourneyBlueprintId, [TouchpointId; 2]) {
    let (first, second) = (TouchpointId::new(), TouchpointId::new());
    let rule = JsonObject::parse(&format!(
        r#"{{"after_touchpoint": "{first}", "after_days": 2, "variant": "{}"}}"#,
        ExperimentVariantId::new()
    ))
    .unwrap();
    sample_program(&expert.store, &[(first, 1, None), (second, 2, Some(rule))]).unwrap();
    media::add(&db.pool, org, "lifting.mp4", VIDEO).await.unwrap();
    let mut video = expert.store.list_all::<Content>(&[]).unwrap().pop().unwrap();
    video.media_url = Some("/v1/media/lifting.mp4".into());
    video.license_type = Some(LicenseType::Free);
    expert.store.update(&video).unwrap();
    sync(&expert.store, &expert.client, |_| {}).await.unwrap();
    let journey = expert.store.list_all::<JourneyBlueprint>(&[]).unwrap().pop().unwrap();
    (journey.id, [first, second])
}

pub(crate) fn new_listing(kind: ListingKind, source: uuid::Uuid, title: &str, license_type: LicenseType) -> NewListing {
    NewListing {
        kind,
        source_id: source,
        title: title.into(),
        description: "Lifting, carrying and resting, for harvest crews".into(),
        language: "en".into(),
        license_type,
        terms: "Use within your organization".into(),
        copies: CopyPolicy::Locked,
        notes: "First edition".into(),
    }
}

#[tokio::test]
async fn a_client_licenses_a_free_journey_copies_it_in_and_its_devices_pull_the_copy() {
    let db = TestDatabase::migrated().await;
    let orgs = organizations(&db).await;
    let base = spawn_server(&db.pool).await;
    let expert = signed_in(&base, Role::OrgAdmin, "safework").await;
    let (journey, [first, second]) = expert_journey(&db, &expert, orgs.expert).await;
    let listing = new_listing(ListingKind::Journey, journey.as_uuid(), "Safe lifting", LicenseType::Free);

    // Only an expert organization's authors publish.
    let expert_coordinator = signed_in(&base, Role::Coordinator, "safework").await;
    assert_eq!(code(expert_coordinator.client.publish_listing(&listing).await), (403, ErrorCode::Forbidden));
    let lakeside = signed_in(&base, Role::OrgAdmin, "lakeside").await;
    assert_eq!(
        code(lakeside.client.publish_listing(&listing).await),
        (403, ErrorCode::Forbidden),
        "a client does not publish"
    );
    let bad = NewListing { language: "English".into(), title: " ".into(), ..listing.clone() };
    assert_eq!(code(expert.client.publish_listing(&bad).await), (400, ErrorCode::InvalidRequest));
    let lakeside_journey = NewListing { source_id: uuid::Uuid::new_v4(), ..listing.clone() };
    assert_eq!(code(expert.client.publish_listing(&lakeside_journey).await), (404, ErrorCode::NotFound));

    let author = signed_in(&base, Role::ContentSpecialist, "safework").await;
    let published = author.client.publish_listing(&listing).await.unwrap();
    assert_eq!(published.listing.latest_version, 1);
    assert_eq!(published.listing.publisher_name, "Safework Institute");
    assert_eq!(published.versions[0].counts, SnapshotCounts { phases: 2, touchpoints: 2, content: 1, media_files: 1 });
    let preview = published.preview.journey.as_ref().unwrap();
    assert_eq!(preview.title, "Safety basics");
    let rule = TouchpointRuleView::of(&preview.phases[1].touchpoints[0]);
    assert_eq!((rule.after, rule.days, rule.has_variant), (Some(first), 2, false), "the variant is the expert's own");
    assert_eq!(preview.phases[1].touchpoints[0].key, second);
    assert_eq!(code(author.client.publish_listing(&listing).await), (409, ErrorCode::AlreadyExists));
    let id = published.listing.id;

    // The catalog, searched and filtered, from a client.
    let found = |query: CatalogQuery| {
        let client = &lakeside.client;
        async move { client.catalog(&query).await.unwrap().listings.iter().map(|l| l.id).collect::<Vec<_>>() }
    };
    assert_eq!(found(CatalogQuery::default()).await, [id]);
    assert_eq!(found(CatalogQuery { search: Some("harvest LIFTING".into()), ..Default::default() }).await, [id]);
    assert!(found(CatalogQuery { search: Some("lifting welding".into()), ..Default::default() }).await.is_empty());
    assert!(found(CatalogQuery { search: Some("%".into()), ..Default::default() }).await.is_empty(), "% is a letter");
    assert!(found(CatalogQuery { language: Some("sw".into()), ..Default::default() }).await.is_empty());
    assert!(found(CatalogQuery { license_type: Some(LicenseType::Paid), ..Default::default() }).await.is_empty());
    assert_eq!(found(CatalogQuery { publisher: Some(orgs.expert), ..Default::default() }).await, [id]);
    assert!(found(CatalogQuery { mine: Some(true), ..Default::default() }).await.is_empty(), "not Lakeside's own");

    // Licensing is the administrators'; a free listing's is active at once.
    let lakeside_coordinator = signed_in(&base, Role::Coordinator, "lakeside").await;
    assert_eq!(
        code(lakeside_coordinator.client.request_license(id, &LicenseRequest::default()).await).1,
        ErrorCode::Forbidden
    );
    let license =
        lakeside.client.request_license(id, &LicenseRequest { message: "For the harvest crews".into() }).await.unwrap();
    assert_eq!(
        (license.status, license.in_force, license.licensee_name.as_str()),
        (LicenseStatus::Active, true, "Lakeside Farms")
    );
    assert_eq!(
        code(lakeside.client.request_license(id, &LicenseRequest::default()).await),
        (409, ErrorCode::AlreadyExists)
    );
    assert_eq!(
        code(expert.client.copy_listing(license.id).await),
        (404, ErrorCode::NotFound),
        "the publisher copies nothing"
    );
    let copy = lakeside.client.copy_listing(license.id).await.unwrap();
    assert_eq!((copy.version, copy.kind, copy.listing_id), (1, ListingKind::Journey, id));
    assert_eq!(code(lakeside.client.copy_listing(license.id).await), (409, ErrorCode::AlreadyExists));

    // Lakeside's coordinator's laptop pulls the copy: new ids, its origin kept, its rule
    // naming the copy's touchpoint, its video a file of Lakeside's server.
    sync(&lakeside_coordinator.store, &lakeside_coordinator.client, |_| {}).await.unwrap();
    let copied = lakeside_coordinator.store.list_all::<JourneyBlueprint>(&[]).unwrap();
    assert_eq!(copied.len(), 1);
    assert_eq!(copied[0].id.as_uuid(), copy.root_id);
    assert_ne!(copied[0].id, journey);
    let source =
        Source { source_listing_id: Some(id), source_version: Some(1), source_state: Some(CopyState::Following) };
    assert_eq!(copied[0].source, source);
    let touchpoints = lakeside_coordinator.store.list_all::<Touchpoint>(&[]).unwrap();
    assert_eq!(touchpoints.len(), 2);
    assert!(touchpoints.iter().all(|t| t.source == source && t.id != first && t.id != second));
    let later = touchpoints.iter().find(|t| t.rule_logic.is_some()).unwrap();
    let rule = stride_domain::journey::TouchpointRule::parse(later.rule_logic.as_ref()).unwrap();
    let earlier = touchpoints.iter().find(|t| t.rule_logic.is_none()).unwrap();
    assert_eq!((rule.after_touchpoint, rule.after_days, rule.variant), (Some(earlier.id), 2, None));
    let video = lakeside_coordinator.store.list_all::<Content>(&[]).unwrap().pop().unwrap();
    let url = video.media_url.clone().unwrap();
    assert!(url.starts_with("/v1/media/") && url.ends_with("-lifting.mp4"), "{url}");
    let mut bytes = Vec::new();
    let keep = |chunk: &[u8]| {
        bytes.extend_from_slice(chunk);
        Ok(())
    };
    lakeside_coordinator.client.download(&url, keep, |_, _| {}).await.unwrap();
    assert_eq!(bytes, VIDEO);

    // The copy is locked: an edit pushed by a device is refused and kept for a person.
    sync(&lakeside.store, &lakeside.client, |_| {}).await.unwrap();
    let mut edited = video.clone();
    edited.title = Some(Name::parse("Our lifting video").unwrap());
    lakeside.store.update(&edited).unwrap();
    // Nor is a part added to it (a phase of the copied journey).
    let extra = Phase {
        id: PhaseId::new(),
        journey_blueprint_id: copied[0].id,
        organization_id: orgs.lakeside,
        name: Name::parse("Our extra week").unwrap(),
        sequence_order: 3,
        source: Source::default(),
    };
    lakeside.store.create(&extra).unwrap();
    sync(&lakeside.store, &lakeside.client, |_| {}).await.unwrap();
    let refused = lakeside.store.rejected_changes(10).unwrap();
    let codes: Vec<_> = refused.iter().map(|r| r.rejection_code).collect();
    assert_eq!(codes, [Some(ErrorCode::CopyLocked), Some(ErrorCode::CopyLocked)]);

    // Nothing crosses the other way, nor to another client.
    sync(&expert.store, &expert.client, |_| {}).await.unwrap();
    let expert_journeys = expert.store.list_all::<JourneyBlueprint>(&[]).unwrap();
    assert_eq!(
        expert_journeys.iter().map(|j| j.id).collect::<Vec<_>>(),
        [journey],
        "the expert pulls none of Lakeside's rows"
    );
    let hilltop = signed_in(&base, Role::OrgAdmin, "hilltop").await;
    assert!(hilltop.store.list_all::<JourneyBlueprint>(&[]).unwrap().is_empty());
    assert!(hilltop.client.licenses().await.unwrap().held.is_empty());
    assert_eq!(hilltop.client.listing(id).await.unwrap().license, None, "Lakeside's license is not Hilltop's to see");
    assert_eq!(code(hilltop.client.copy_listing(license.id).await), (404, ErrorCode::NotFound));
    let decision = LicenseDecision { grant: false, seats: None, ends_on: None, terms: String::new() };
    assert_eq!(
        code(hilltop.client.decide_license(license.id, &decision).await),
        (404, ErrorCode::NotFound),
        "not a party"
    );
    // The publisher sees who licensed, by name; never their rows.
    let granted = expert.client.licenses().await.unwrap().granted;
    assert_eq!(
        granted.iter().map(|l| (l.licensee_name.as_str(), l.copy.is_some())).collect::<Vec<_>>(),
        [("Lakeside Farms", false)]
    );
}

/// What a snapshot's touchpoint rule says, read back.
struct TouchpointRuleView {
    after: Option<TouchpointId>,
    days: u32,
    has_variant: bool,
}

impl TouchpointRuleView {
    fn of(touchpoint: &TouchpointSnapshot) -> Self {
        let rule = stride_domain::journey::TouchpointRule::parse(touchpoint.rule_logic.as_ref()).unwrap();
        Self { after: rule.after_touchpoint, days: rule.after_days, has_variant: rule.variant.is_some() }
    }
}

#[tokio::test]
async fn a_paid_listing_waits_for_its_publisher_versions_never_change_and_a_withdrawn_one_takes_no_new_license() {
    let db = TestDatabase::migrated().await;
    let orgs = organizations(&db).await;
    let base = spawn_server(&db.pool).await;
    let expert = signed_in(&base, Role::OrgAdmin, "safework").await;
    expert_journey(&db, &expert, orgs.expert).await;
    let mut video = expert.store.list_all::<Content>(&[]).unwrap().pop().unwrap();
    let listing = new_listing(ListingKind::Content, video.id.as_uuid(), "Lifting video", LicenseType::Paid);
    let id = expert.client.publish_listing(&listing).await.unwrap().listing.id;

    let lakeside = signed_in(&base, Role::OrgAdmin, "lakeside").await;
    let request =
        lakeside.client.request_license(id, &LicenseRequest { message: "40 seats please".into() }).await.unwrap();
    assert_eq!((request.status, request.in_force), (LicenseStatus::Requested, false));
    assert_eq!(code(lakeside.client.copy_listing(request.id).await), (409, ErrorCode::LicenseNotInForce));
    let grant = LicenseDecision { grant: true, seats: Some(40), ends_on: None, terms: "One season".into() };
    assert_eq!(
        code(lakeside.client.decide_license(request.id, &grant).await),
        (403, ErrorCode::Forbidden),
        "not its own"
    );
    let decline = LicenseDecision { grant: false, ..grant.clone() };
    assert_eq!(expert.client.decide_license(request.id, &decline).await.unwrap().status, LicenseStatus::Declined);
    let again = lakeside.client.request_license(id, &LicenseRequest { message: "30 seats then".into() }).await.unwrap();
    assert_eq!(
        (again.id, again.status, again.message.as_deref()),
        (request.id, LicenseStatus::Requested, Some("30 seats then"))
    );
    let yesterday = chrono::Utc::now().date_naive().pred_opt().unwrap();
    let lapsed = LicenseDecision { ends_on: Some(yesterday), ..grant.clone() };
    let license = expert.client.decide_license(request.id, &lapsed).await.unwrap();
    assert_eq!((license.status, license.in_force, license.seats), (LicenseStatus::Active, false, Some(40)));
    assert_eq!(
        code(lakeside.client.copy_listing(request.id).await),
        (409, ErrorCode::LicenseNotInForce),
        "past its end"
    );
    let zero = LicenseDecision { seats: Some(0), ..grant.clone() };
    assert_eq!(code(expert.client.decide_license(request.id, &zero).await), (400, ErrorCode::InvalidRequest));
    assert!(expert.client.decide_license(request.id, &grant).await.unwrap().in_force);

    // A new version is a new snapshot; the first stays as it was.
    video.title = Some(Name::parse("Lifting safely, second cut").unwrap());
    expert.store.update(&video).unwrap();
    sync(&expert.store, &expert.client, |_| {}).await.unwrap();
    let detail = expert.client.publish_version(id, &NewVersion { notes: "A new cut".into() }).await.unwrap();
    assert_eq!(detail.versions.iter().map(|v| v.number).collect::<Vec<_>>(), [2, 1]);
    assert_eq!(detail.preview.content[0].title.as_deref(), Some("Lifting safely, second cut"));
    let first: serde_json::Value =
        sqlx::query_scalar("SELECT snapshot FROM listing_versions WHERE listing_id = $1 AND number = 1")
            .bind(id.as_uuid())
            .fetch_one(&db.pool)
            .await
            .unwrap();
    assert_eq!(first["content"][0]["title"], "Lifting safely");
    let copy = lakeside.client.copy_listing(request.id).await.unwrap();
    assert_eq!(copy.version, 2, "the latest version is copied");

    // Withdrawn: no new license, gone from the catalog; the licensee keeps its page.
    let withdraw = ListingUpdate { status: Some(ListingStatus::Withdrawn), ..Default::default() };
    assert_eq!(code(lakeside.client.update_listing(id, &withdraw).await).1, ErrorCode::Forbidden);
    assert_eq!(expert.client.update_listing(id, &withdraw).await.unwrap().listing.status, ListingStatus::Withdrawn);
    let hilltop = signed_in(&base, Role::OrgAdmin, "hilltop").await;
    assert!(hilltop.client.catalog(&CatalogQuery::default()).await.unwrap().listings.is_empty());
    assert_eq!(code(hilltop.client.request_license(id, &LicenseRequest::default()).await), (404, ErrorCode::NotFound));
    assert_eq!(lakeside.client.listing(id).await.unwrap().license.map(|l| l.id), Some(request.id));
    let mine = expert.client.catalog(&CatalogQuery { mine: Some(true), ..Default::default() }).await.unwrap();
    assert_eq!(mine.listings.iter().map(|l| l.status).collect::<Vec<_>>(), [ListingStatus::Withdrawn]);
}

#[tokio::test]
async fn the_database_holds_the_marketplace_apart_whatever_a_request_asks() {
    let db = TestDatabase::migrated().await;
    let orgs = organizations(&db).await;
    let base = spawn_server(&db.pool).await;
    let expert = signed_in(&base, Role::OrgAdmin, "safework").await;
    let (journey, _) = expert_journey(&db, &expert, orgs.expert).await;
    let free = expert
        .client
        .publish_listing(&new_listing(ListingKind::Journey, journey.as_uuid(), "Safe lifting", LicenseType::Free))
        .await
        .unwrap();
    let video = expert.store.list_all::<Content>(&[]).unwrap().pop().unwrap();
    let paid = expert
        .client
        .publish_listing(&new_listing(ListingKind::Content, video.id.as_uuid(), "Video", LicenseType::Paid))
        .await
        .unwrap();
    let lakeside = signed_in(&base, Role::OrgAdmin, "lakeside").await;
    let license = lakeside.client.request_license(free.listing.id, &LicenseRequest::default()).await.unwrap();
    lakeside.client.copy_listing(license.id).await.unwrap();
    let request = lakeside.client.request_license(paid.listing.id, &LicenseRequest::default()).await.unwrap();

    // Counts of rows as each organization's requests see them.
    let count = |org: OrganizationId, sql: &'static str| {
        let pool = db.pool.clone();
        async move {
            let mut tx = stride_server::tenant::begin(&pool, org).await.unwrap();
            let n: i64 = sqlx::query_scalar(sql).fetch_one(&mut *tx).await.unwrap();
            n
        }
    };
    let refused = |org: OrganizationId, sql: String| {
        let pool = db.pool.clone();
        async move {
            let mut tx = stride_server::tenant::begin(&pool, org).await.unwrap();
            sqlx::query(sqlx::AssertSqlSafe(sql))
                .execute(&mut *tx)
                .await
                .err()
                .map(|e| e.to_string())
                .unwrap_or_default()
        }
    };
    for (org, licenses, copies) in [(orgs.lakeside, 2, 1), (orgs.hilltop, 0, 0), (orgs.expert, 2, 0)] {
        assert_eq!(count(org, "SELECT count(*) FROM marketplace_licenses").await, licenses);
        assert_eq!(count(org, "SELECT count(*) FROM marketplace_copies").await, copies);
    }
    assert_eq!(count(orgs.expert, "SELECT count(*) FROM journey_blueprints").await, 1, "the copy is not the expert's");
    assert_eq!(count(orgs.lakeside, "SELECT count(*) FROM journey_blueprints").await, 1);
    assert_eq!(count(orgs.hilltop, "SELECT count(*) FROM listing_versions").await, 2, "published versions are for all");
    assert_eq!(count(orgs.hilltop, "SELECT count(*) FROM listing_media").await, 2, "the one file, with each listing");

    // A client cannot publish, even by hand; a licensee cannot grant itself a paid
    // license; nobody changes a version; a withdrawn listing takes no license.
    let lakeside_id = orgs.lakeside;
    let publish = format!(
        "INSERT INTO marketplace_listings (id, publisher_organization_id, publisher_name, kind, source_id, title, language, license_type, copies)
         VALUES ('{}', '{lakeside_id}', 'Lakeside', 'journey', '{}', 'Ours', 'en', 'free', 'locked')",
        uuid::Uuid::new_v4(),
        uuid::Uuid::new_v4()
    );
    assert!(refused(orgs.lakeside, publish).await.contains("fk_listing_publisher"));
    let grant = format!("UPDATE marketplace_licenses SET status = 'active' WHERE id = '{}'", request.id);
    assert!(refused(orgs.lakeside, grant).await.contains("only the publisher decides"));
    let rewrite = format!("UPDATE listing_versions SET notes = 'changed' WHERE listing_id = '{}'", free.listing.id);
    assert!(refused(orgs.expert, rewrite).await.contains("permission denied"));
    let expert_license = format!(
        "INSERT INTO marketplace_licenses (id, listing_id, publisher_organization_id, licensee_organization_id, licensee_name, status)
         VALUES ('{}', '{}', '{}', '{}', 'Safework', 'active')",
        uuid::Uuid::new_v4(),
        free.listing.id,
        orgs.expert,
        orgs.expert
    );
    assert!(refused(orgs.expert, expert_license).await.contains("fk_license_licensee"), "an expert does not license");
    // Declined, then withdrawn: asking again is refused by name.
    let decline = LicenseDecision { grant: false, seats: None, ends_on: None, terms: String::new() };
    expert.client.decide_license(request.id, &decline).await.unwrap();
    expert
        .client
        .update_listing(
            paid.listing.id,
            &ListingUpdate { status: Some(ListingStatus::Withdrawn), ..Default::default() },
        )
        .await
        .unwrap();
    let asked = lakeside.client.request_license(paid.listing.id, &LicenseRequest::default()).await;
    assert_eq!(code(asked), (409, ErrorCode::ListingWithdrawn));
    let hilltop = orgs.hilltop;
    let late = format!(
        "INSERT INTO marketplace_licenses (id, listing_id, publisher_organization_id, licensee_organization_id, licensee_name, status)
         VALUES ('{}', '{}', '{}', '{hilltop}', 'Hilltop', 'requested')",
        uuid::Uuid::new_v4(),
        paid.listing.id,
        orgs.expert
    );
    assert!(refused(orgs.hilltop, late).await.contains("not published"));
}

#[tokio::test]
async fn a_quiz_is_copied_in_with_its_latest_questions_as_the_licensees_first_version() {
    let db = TestDatabase::migrated().await;
    let orgs = organizations(&db).await;
    let base = spawn_server(&db.pool).await;
    let expert = signed_in(&base, Role::OrgAdmin, "safework").await;
    let now = expert.store.now();
    let quiz = Content {
        id: ContentId::new(),
        organization_id: orgs.expert,
        content_type: ContentType::Quiz,
        title: Some(Name::parse("Heat check").unwrap()),
        description: None,
        media_url: None,
        license_type: Some(LicenseType::Free),
        created_at: now,
        updated_at: now,
        source: Source::default(),
    };
    expert.store.create(&quiz).unwrap();
    let questions = |prompt: &str| {
        JsonObject::parse(&format!(
            r#"{{"pass_mark": 50, "questions": [{{"id": "q1", "prompt": "{prompt}", "points": 1, "kind": "true_false", "correct": true}}]}}"#
        ))
        .unwrap()
    };
    for (number, prompt) in [(1, "Shade helps."), (2, "Shade slows dehydration.")] {
        let version = QuizVersion {
            id: QuizVersionId::new(),
            content_id: quiz.id,
            organization_id: orgs.expert,
            version_number: number,
            definition: questions(prompt),
            created_by: None,
            created_at: now,
        };
        expert.store.create(&version).unwrap();
    }
    sync(&expert.store, &expert.client, |_| {}).await.unwrap();
    let listing = new_listing(ListingKind::Content, quiz.id.as_uuid(), "Heat check", LicenseType::Free);
    let id = expert.client.publish_listing(&listing).await.unwrap().listing.id;

    let lakeside = signed_in(&base, Role::OrgAdmin, "lakeside").await;
    let license = lakeside.client.request_license(id, &LicenseRequest::default()).await.unwrap();
    let copy = lakeside.client.copy_listing(license.id).await.unwrap();
    sync(&lakeside.store, &lakeside.client, |_| {}).await.unwrap();
    let versions = lakeside.store.list_all::<QuizVersion>(&[]).unwrap();
    assert_eq!(versions.len(), 1, "the latest questions only");
    let copied = &versions[0];
    assert_eq!((copied.content_id.as_uuid(), copied.version_number), (copy.root_id, 1));
    assert_eq!(copied.definition, questions("Shade slows dehydration."));
    assert_eq!(copied.organization_id, orgs.lakeside);
}

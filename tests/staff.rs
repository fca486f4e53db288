//! Staff over HTTP, as a plain client meets the server: an administrator adds a member,
//! who signs in once with the set-up code and a password of their own; roles change,
//! members are deactivated (their tokens stop at once, what they pushed stays) and
//! reactivated; the organization keeps an administrator and the tier's limit of active
//! staff, even against two requests at once; each person changes their own password; and
//! every route refuses whoever is not the organization's administrator.

use crate::support::{spawn_server, TestDatabase};
use reqwest::{Method, StatusCode};
use serde_json::{json, Value};
use stride_domain::api::*;
use stride_domain::staff::*;
use stride_domain::*;
use stride_server::admin;

const PASSWORD: &str = "correct horse battery";

/// Someone signed in over HTTP.
struct Session {
    base: String,
    token: String,
    me: Me,
}

impl Session {
    async fn sign_in(base: &str, email: &str, password: &str) -> Session {
        Self::sign_in_on(base, email, password, DeviceId::new()).await
    }

    /// Signs in from `installation`: a laptop several people sign in on shares one.
    async fn sign_in_on(base: &str, email: &str, password: &str, installation: DeviceId) -> Session {
        let body =
            json!({"email": email, "password": password, "device_name": "Laptop", "installation_id": installation});
        let response = post(base, "/v1/auth/login", None, body).await;
        assert_eq!(response.status(), StatusCode::OK, "{email} signs in");
        let body: LoginResponse = response.json().await.unwrap();
        Session { base: base.to_owned(), token: body.token.0, me: body.me }
    }

    async fn call(&self, method: Method, path: &str, body: Option<Value>) -> reqwest::Response {
        send(&self.base, method, path, Some(&self.token), body).await
    }

    async fn staff(&self) -> Staff {
        let response = self.call(Method::GET, "/v1/staff", None).await;
        assert_eq!(response.status(), StatusCode::OK);
        response.json().await.unwrap()
    }

    async fn add(&self, email: &str, role: Role) -> reqwest::Response {
        let body = json!({"email": email, "display_name": format!("Member {email}"), "role": role});
        self.call(Method::POST, "/v1/staff", Some(body)).await
    }

    async fn added(&self, email: &str, role: Role) -> IssuedSetUpCode {
        let response = self.add(email, role).await;
        assert_eq!(response.status(), StatusCode::CREATED, "{email} is added");
        response.json().await.unwrap()
    }

    async fn update(&self, user: UserId, change: Value) -> reqwest::Response {
        self.call(Method::PATCH, &format!("/v1/staff/{user}"), Some(change)).await
    }
}

async fn send(base: &str, method: Method, path: &str, token: Option<&str>, body: Option<Value>) -> reqwest::Response {
    let mut request = crate::support::http().build().unwrap().request(method, format!("{base}{path}"));
    if let Some(token) = token {
        request = request.bearer_auth(token);
    }
    if let Some(body) = body {
        request = request.json(&body);
    }
    request.send().await.unwrap()
}

async fn post(base: &str, path: &str, token: Option<&str>, body: Value) -> reqwest::Response {
    send(base, Method::POST, path, token, Some(body)).await
}

async fn code_of(response: reqwest::Response) -> (StatusCode, ErrorCode) {
    let status = response.status();
    let body: ErrorBody = response.json().await.unwrap();
    (status, body.code)
}

async fn login(base: &str, email: &str, password: &str) -> reqwest::Response {
    post(base, "/v1/auth/login", None, json!({"email": email, "password": password, "device_name": "Laptop"})).await
}

async fn set_up(base: &str, email: &str, code: &str, new_password: &str) -> reqwest::Response {
    let body = json!({"email": email, "code": code, "new_password": new_password, "device_name": "New laptop"});
    post(base, "/v1/auth/set-up", None, body).await
}

/// An organization with an administrator and a coordinator, both with `PASSWORD`.
async fn organization(db: &TestDatabase, slug: &str, tier: SubscriptionTier) -> OrganizationId {
    let org = admin::create_organization(&db.pool, &Name::parse(slug).unwrap(), OrganizationType::Client, tier)
        .await
        .unwrap();
    for role in [Role::OrgAdmin, Role::Coordinator] {
        let email = Email::parse(&format!("{role}@{slug}.example")).unwrap();
        admin::create_user(&db.pool, org, &email, role, None, PASSWORD).await.unwrap();
    }
    org
}

fn member<'a>(staff: &'a Staff, email: &str) -> &'a StaffMember {
    staff.members.iter().find(|m| m.email.as_str() == email).unwrap_or_else(|| panic!("{email} is listed"))
}

#[tokio::test]
async fn a_new_member_signs_in_once_with_the_set_up_code_and_a_password_of_their_own() {
    let db = TestDatabase::migrated().await;
    organization(&db, "lakeside", SubscriptionTier::Standard).await;
    organization(&db, "hilltop", SubscriptionTier::Standard).await;
    let base = spawn_server(&db.pool).await;
    let admin = Session::sign_in(&base, "org_admin@lakeside.example", PASSWORD).await;

    let issued = admin.added("  Ama@Lakeside.Example ", Role::Coordinator).await;
    assert_eq!(issued.member.email.as_str(), "ama@lakeside.example");
    assert_eq!(issued.member.role, Role::Coordinator);
    assert!(issued.member.set_up_pending);
    assert!(SetUpCode::parse(&issued.code).is_ok(), "{} reads as a code", issued.code);
    let week = issued.expires_at.millis() - Timestamp::now().millis();
    assert!((6 * 86_400_000..=7 * 86_400_000).contains(&week), "the code works for a week");

    // No password until the code is used: no password signs them in.
    for password in ["", PASSWORD, &issued.code] {
        assert_eq!(
            code_of(login(&base, "ama@lakeside.example", password).await).await.1,
            ErrorCode::InvalidCredentials
        );
    }
    let wrong = SetUpCode::from_positions([1; 12]).to_string();
    let (status, code) = code_of(set_up(&base, "ama@lakeside.example", &wrong, "a good password").await).await;
    assert_eq!((status, code), (StatusCode::UNAUTHORIZED, ErrorCode::InvalidCredentials));
    let (status, code) = code_of(set_up(&base, "ama@lakeside.example", &issued.code, "short").await).await;
    assert_eq!((status, code), (StatusCode::BAD_REQUEST, ErrorCode::InvalidRequest));
    // Typed in lower case, without its dashes: the same code.
    let typed = issued.code.to_lowercase().replace('-', " ");
    let first = set_up(&base, "ama@lakeside.example", &typed, "Ama's own password").await;
    assert_eq!(first.status(), StatusCode::OK);
    let first: LoginResponse = first.json().await.unwrap();
    assert_eq!(first.me.email.as_str(), "ama@lakeside.example");
    assert_eq!(first.me.role, Role::Coordinator);
    // Once only.
    let again = set_up(&base, "ama@lakeside.example", &issued.code, "another password").await;
    assert_eq!(code_of(again).await.1, ErrorCode::InvalidCredentials);
    Session::sign_in(&base, "ama@lakeside.example", "Ama's own password").await;

    let staff = admin.staff().await;
    let ama = member(&staff, "ama@lakeside.example");
    assert!(!ama.set_up_pending);
    assert_eq!(ama.devices.len(), 2, "the set-up's device and the sign-in's");
    assert!(ama.last_seen_at.is_some());
    assert_eq!((staff.active, staff.limit), (3, Some(100)));
    assert_eq!(staff.members.len(), 3, "the other organization's staff are not listed");

    // An email already someone's, in this organization or another, is refused.
    for taken in ["ama@lakeside.example", "coordinator@hilltop.example"] {
        let (status, code) = code_of(admin.add(taken, Role::Coordinator).await).await;
        assert_eq!((status, code), (StatusCode::CONFLICT, ErrorCode::AlreadyExists), "{taken}");
    }
    let body = json!({"email": "not an email", "display_name": " ", "role": "coordinator"});
    let (status, code) = code_of(admin.call(Method::POST, "/v1/staff", Some(body)).await).await;
    assert_eq!((status, code), (StatusCode::BAD_REQUEST, ErrorCode::InvalidRequest));
    let body = json!({"email": "x@lakeside.example", "display_name": "X", "role": "owner"});
    assert_eq!(admin.call(Method::POST, "/v1/staff", Some(body)).await.status(), StatusCode::UNPROCESSABLE_ENTITY);
    assert_eq!(admin.staff().await.members.len(), 3, "nothing refused was added");

    // A new code for someone who forgot their password: the old one works until it is used.
    let coordinator = member(&staff, "coordinator@lakeside.example").user_id;
    let response = admin.call(Method::POST, &format!("/v1/staff/{coordinator}/set-up-code"), None).await;
    assert_eq!(response.status(), StatusCode::OK);
    let reissued: IssuedSetUpCode = response.json().await.unwrap();
    Session::sign_in(&base, "coordinator@lakeside.example", PASSWORD).await;
    assert_eq!(
        set_up(&base, "coordinator@lakeside.example", &reissued.code, "a fresh password").await.status(),
        StatusCode::OK
    );
    assert_eq!(
        code_of(login(&base, "coordinator@lakeside.example", PASSWORD).await).await.1,
        ErrorCode::InvalidCredentials
    );
    Session::sign_in(&base, "coordinator@lakeside.example", "a fresh password").await;
    db.drop().await;
}

#[tokio::test]
async fn only_the_organizations_administrators_manage_its_staff_and_settings() {
    let db = TestDatabase::migrated().await;
    organization(&db, "lakeside", SubscriptionTier::Standard).await;
    organization(&db, "hilltop", SubscriptionTier::Standard).await;
    let base = spawn_server(&db.pool).await;
    let admin = Session::sign_in(&base, "org_admin@lakeside.example", PASSWORD).await;
    let coordinator = Session::sign_in(&base, "coordinator@lakeside.example", PASSWORD).await;
    let other_admin = Session::sign_in(&base, "org_admin@hilltop.example", PASSWORD).await;
    let target = coordinator.me.user_id;

    let refused = [
        (Method::GET, "/v1/staff".to_owned(), None),
        (
            Method::POST,
            "/v1/staff".to_owned(),
            Some(json!({"email": "x@lakeside.example", "display_name": "X", "role": "org_admin"})),
        ),
        (Method::PATCH, format!("/v1/staff/{target}"), Some(json!({"role": "org_admin"}))),
        (Method::POST, format!("/v1/staff/{target}/set-up-code"), None),
        (Method::PATCH, "/v1/organization".to_owned(), Some(json!({"name": "Taken over"}))),
    ];
    for (method, path, body) in &refused {
        // A coordinator may not, not even to make themselves an administrator.
        let (status, code) = code_of(coordinator.call(method.clone(), path, body.clone()).await).await;
        assert_eq!((status, code), (StatusCode::FORBIDDEN, ErrorCode::Forbidden), "{method} {path}");
        // Nobody signed in may not.
        let (status, code) = code_of(send(&base, method.clone(), path, None, body.clone()).await).await;
        assert_eq!((status, code), (StatusCode::UNAUTHORIZED, ErrorCode::Unauthenticated), "{method} {path}");
    }
    // Another organization's administrator finds no such member.
    for (method, path, body) in &refused[2..4] {
        let (status, code) = code_of(other_admin.call(method.clone(), path, body.clone()).await).await;
        assert_eq!((status, code), (StatusCode::NOT_FOUND, ErrorCode::NotFound), "{method} {path}");
    }
    assert!(other_admin.staff().await.members.iter().all(|m| m.email.as_str().ends_with("@hilltop.example")));
    // Not a member's id at all.
    let (status, _) = code_of(admin.update(UserId::new(), json!({"role": "coordinator"})).await).await;
    assert_eq!(status, StatusCode::NOT_FOUND);
    let response = admin.call(Method::PATCH, "/v1/staff/not-a-uuid", Some(json!({}))).await;
    assert_eq!(code_of(response).await.1, ErrorCode::InvalidRequest);
    // Nothing changed.
    let me: Me = coordinator.call(Method::GET, "/v1/me", None).await.json().await.unwrap();
    assert_eq!(me.role, Role::Coordinator);
    assert_eq!(me.organization.name.as_str(), "lakeside");
    db.drop().await;
}

#[tokio::test]
async fn a_deactivated_members_tokens_stop_at_once_everywhere_and_what_they_pushed_stays() {
    let db = TestDatabase::migrated().await;
    organization(&db, "lakeside", SubscriptionTier::Standard).await;
    let base = spawn_server(&db.pool).await;
    let admin = Session::sign_in(&base, "org_admin@lakeside.example", PASSWORD).await;
    let laptop = Session::sign_in(&base, "coordinator@lakeside.example", PASSWORD).await;
    let tablet = Session::sign_in(&base, "coordinator@lakeside.example", PASSWORD).await;
    let coordinator = laptop.me.user_id;

    // The coordinator enrolls a worker before leaving.
    let change = new_worker(&laptop, "Amina Wanjiru", Timestamp::now());
    let worker = change.row_key.as_str().to_owned();
    let push = json!(PushRequest { changes: vec![PushedChange { seq: 1, change, author: None }] });
    let response = laptop.call(Method::POST, "/v1/sync/push", Some(push.clone())).await;
    let pushed: PushResponse = response.json().await.unwrap();
    assert_eq!(pushed.results[0].outcome, Outcome::Applied);

    let response = admin.update(coordinator, json!({"active": false})).await;
    assert_eq!(response.status(), StatusCode::OK);
    let deactivated: StaffMember = response.json().await.unwrap();
    assert!(deactivated.deactivated_at.is_some());

    for device in [&laptop, &tablet] {
        for (method, path, body) in [
            (Method::GET, "/v1/me", None),
            (Method::GET, "/v1/sync/pull", None),
            (Method::POST, "/v1/sync/push", Some(push.clone())),
        ] {
            let (status, code) = code_of(device.call(method, path, body).await).await;
            assert_eq!((status, code), (StatusCode::UNAUTHORIZED, ErrorCode::UserDeactivated), "{path}");
        }
    }
    // The right password says why; a wrong one says nothing more.
    let (status, code) = code_of(login(&base, "coordinator@lakeside.example", PASSWORD).await).await;
    assert_eq!((status, code), (StatusCode::UNAUTHORIZED, ErrorCode::UserDeactivated));
    let (_, code) = code_of(login(&base, "coordinator@lakeside.example", "a guess at it").await).await;
    assert_eq!(code, ErrorCode::InvalidCredentials);
    // No new code for them until they are back.
    let response = admin.call(Method::POST, &format!("/v1/staff/{coordinator}/set-up-code"), None).await;
    assert_eq!(code_of(response).await, (StatusCode::CONFLICT, ErrorCode::UserDeactivated));

    // What they pushed stays, theirs; devices learn they were deactivated; the audit says who did it.
    let pulled: PullResponse = admin.call(Method::GET, "/v1/sync/pull?limit=5000", None).await.json().await.unwrap();
    assert!(pulled.rows.iter().any(|row| row.entity == EntityKind::Workers && row.row["id"] == json!(worker)));
    let user_row = pulled
        .rows
        .iter()
        .find(|row| row.entity == EntityKind::Users && row.row["id"] == json!(coordinator))
        .expect("the users row is pulled");
    assert!(user_row.row["deactivated_at"].is_string());
    let history = |entity: &'static str, key: String| {
        let path = format!("/v1/history?entity={entity}&key={key}");
        let admin = &admin;
        async move { admin.call(Method::GET, &path, None).await }
    };
    let worker_history: RecordHistory = history("workers", worker.to_string()).await.json().await.unwrap();
    assert_eq!(worker_history.entries[0].by.email.as_deref(), Some("coordinator@lakeside.example"));
    let user_history: RecordHistory = history("users", coordinator.to_string()).await.json().await.unwrap();
    assert_eq!(user_history.entries[0].by.email.as_deref(), Some("org_admin@lakeside.example"));
    assert!(user_history.entries[0].fields["deactivated_at"].is_string());

    // Reactivated, they sign in again.
    let response = admin.update(coordinator, json!({"active": true})).await;
    let back: StaffMember = response.json().await.unwrap();
    assert!(back.deactivated_at.is_none());
    Session::sign_in(&base, "coordinator@lakeside.example", PASSWORD).await;
    let staff = admin.staff().await;
    assert_eq!(member(&staff, "coordinator@lakeside.example").devices.len(), 3);
    db.drop().await;
}

#[tokio::test]
async fn the_organization_always_keeps_an_active_administrator() {
    let db = TestDatabase::migrated().await;
    organization(&db, "lakeside", SubscriptionTier::Standard).await;
    let base = spawn_server(&db.pool).await;
    let admin = Session::sign_in(&base, "org_admin@lakeside.example", PASSWORD).await;
    let me = admin.me.user_id;
    for change in [json!({"role": "coordinator"}), json!({"active": false})] {
        let (status, code) = code_of(admin.update(me, change).await).await;
        assert_eq!((status, code), (StatusCode::CONFLICT, ErrorCode::LastAdministrator));
    }
    // A second administrator, then the first may step down; the second may not then.
    let coordinator = member(&admin.staff().await, "coordinator@lakeside.example").user_id;
    let response = admin.update(coordinator, json!({"role": "org_admin", "display_name": "  Cora   Lead "})).await;
    let promoted: StaffMember = response.json().await.unwrap();
    assert_eq!((promoted.role, promoted.display_name.unwrap().as_str()), (Role::OrgAdmin, "Cora Lead"));
    assert_eq!(admin.update(me, json!({"role": "training_manager"})).await.status(), StatusCode::OK);
    let cora = Session::sign_in(&base, "coordinator@lakeside.example", PASSWORD).await;
    assert_eq!(cora.me.role, Role::OrgAdmin, "the new role holds at once");
    let (status, code) = code_of(cora.update(coordinator, json!({"active": false})).await).await;
    assert_eq!((status, code), (StatusCode::CONFLICT, ErrorCode::LastAdministrator));
    // A role the former administrator's own token now carries.
    let (status, _) = code_of(admin.call(Method::GET, "/v1/staff", None).await).await;
    assert_eq!(status, StatusCode::FORBIDDEN);
    let (status, _) = code_of(cora.update(coordinator, json!({"display_name": ""})).await).await;
    assert_eq!(status, StatusCode::BAD_REQUEST);
    db.drop().await;
}

#[tokio::test]
async fn the_tier_limits_active_staff_even_against_two_additions_at_once() {
    let db = TestDatabase::migrated().await;
    organization(&db, "hilltop", SubscriptionTier::Basic).await;
    let base = spawn_server(&db.pool).await;
    let admin = Session::sign_in(&base, "org_admin@hilltop.example", PASSWORD).await;
    let limit = SubscriptionTier::Basic.limits().users.unwrap();
    for n in 2..limit - 1 {
        admin.added(&format!("member{n}@hilltop.example"), Role::Coordinator).await;
    }
    // One place left, two administrators' requests at once: exactly one takes it.
    let (first, second) = tokio::join!(
        admin.add("one@hilltop.example", Role::Coordinator),
        admin.add("two@hilltop.example", Role::Coordinator)
    );
    let mut statuses = [first.status(), second.status()];
    statuses.sort();
    assert_eq!(statuses, [StatusCode::CREATED, StatusCode::CONFLICT]);
    let refused = if first.status() == StatusCode::CONFLICT { first } else { second };
    assert_eq!(code_of(refused).await.1, ErrorCode::TierLimit);
    let staff = admin.staff().await;
    assert_eq!((staff.active, staff.limit), (limit, Some(limit)));

    // A deactivated member frees a place; reactivating them needs one again.
    let leaving = member(&staff, "member2@hilltop.example").user_id;
    admin.update(leaving, json!({"active": false})).await;
    admin.added("replacement@hilltop.example", Role::Coordinator).await;
    let (status, code) = code_of(admin.update(leaving, json!({"active": true})).await).await;
    assert_eq!((status, code), (StatusCode::CONFLICT, ErrorCode::TierLimit));

    // The operator moves the organization up a tier: the limit follows.
    admin::set_tier(&db.pool, admin.me.organization.id, SubscriptionTier::Standard).await.unwrap();
    assert_eq!(admin.update(leaving, json!({"active": true})).await.status(), StatusCode::OK);
    assert_eq!(admin.staff().await.limit, Some(100));
    db.drop().await;
}

#[tokio::test]
async fn a_person_changes_their_own_password_knowing_the_current_one() {
    let db = TestDatabase::migrated().await;
    organization(&db, "lakeside", SubscriptionTier::Standard).await;
    let base = spawn_server(&db.pool).await;
    let coordinator = Session::sign_in(&base, "coordinator@lakeside.example", PASSWORD).await;
    let change = |current: &str, new: &str| json!({"current_password": current, "new_password": new});
    let wrong =
        coordinator.call(Method::POST, "/v1/me/password", Some(change("not it at all", "a new password"))).await;
    assert_eq!(code_of(wrong).await, (StatusCode::FORBIDDEN, ErrorCode::WrongPassword));
    let short = coordinator.call(Method::POST, "/v1/me/password", Some(change(PASSWORD, "short"))).await;
    assert_eq!(code_of(short).await, (StatusCode::BAD_REQUEST, ErrorCode::InvalidRequest));
    let changed = coordinator.call(Method::POST, "/v1/me/password", Some(change(PASSWORD, "a new password"))).await;
    assert_eq!(changed.status(), StatusCode::NO_CONTENT);
    assert_eq!(
        code_of(login(&base, "coordinator@lakeside.example", PASSWORD).await).await.1,
        ErrorCode::InvalidCredentials
    );
    Session::sign_in(&base, "coordinator@lakeside.example", "a new password").await;
    // The device that changed it stays signed in.
    assert_eq!(coordinator.call(Method::GET, "/v1/me", None).await.status(), StatusCode::OK);
    // Guessing the current password is slowed down like a sign-in.
    let mut last = StatusCode::OK;
    for _ in 0..12 {
        last =
            coordinator.call(Method::POST, "/v1/me/password", Some(change("guess", "a new password"))).await.status();
    }
    assert_eq!(last, StatusCode::TOO_MANY_REQUESTS);
    db.drop().await;
}

#[tokio::test]
async fn an_administrator_renames_the_organization_and_every_device_pulls_it() {
    let db = TestDatabase::migrated().await;
    organization(&db, "lakeside", SubscriptionTier::Standard).await;
    let base = spawn_server(&db.pool).await;
    let admin = Session::sign_in(&base, "org_admin@lakeside.example", PASSWORD).await;
    let coordinator = Session::sign_in(&base, "coordinator@lakeside.example", PASSWORD).await;
    let before: PullResponse =
        coordinator.call(Method::GET, "/v1/sync/pull?limit=5000", None).await.json().await.unwrap();

    let response = admin.call(Method::PATCH, "/v1/organization", Some(json!({"name": "  Lakeside   Farms "}))).await;
    assert_eq!(response.status(), StatusCode::OK);
    let renamed: Organization = response.json().await.unwrap();
    assert_eq!(renamed.name.as_str(), "Lakeside Farms");
    assert_eq!(renamed.subscription_tier, SubscriptionTier::Standard, "the tier is not the administrator's");
    let bad = admin.call(Method::PATCH, "/v1/organization", Some(json!({"name": "   "}))).await;
    assert_eq!(code_of(bad).await, (StatusCode::BAD_REQUEST, ErrorCode::InvalidRequest));
    let tier =
        admin.call(Method::PATCH, "/v1/organization", Some(json!({"name": "X", "subscription_tier": "premium"}))).await;
    assert_eq!(tier.status(), StatusCode::UNPROCESSABLE_ENTITY, "only the name may be given");

    let after: PullResponse = coordinator
        .call(Method::GET, &format!("/v1/sync/pull?cursor={}", before.cursor), None)
        .await
        .json()
        .await
        .unwrap();
    let organization = after.rows.iter().find(|row| row.entity == EntityKind::Organizations).expect("pulled again");
    assert_eq!(organization.row["name"], json!("Lakeside Farms"));
    let history: RecordHistory = admin
        .call(Method::GET, &format!("/v1/history?entity=organizations&key={}", renamed.id), None)
        .await
        .json()
        .await
        .unwrap();
    assert_eq!(history.entries[0].fields["name"], json!("Lakeside Farms"));
    db.drop().await;
}

/// A new row of `entity` with `fields`, as a change made at `at` on `session`'s clock.
fn upsert(session: &Session, entity: EntityKind, row_key: RowKey, fields: serde_json::Value, at: Timestamp) -> Change {
    Change {
        change_id: ChangeId::new(),
        entity,
        row_key,
        op: ChangeOp::Upsert,
        fields: fields.as_object().unwrap().clone(),
        hlc: HlcClock::new(session.me.device_id, None).tick(at.millis()),
        base: Default::default(),
    }
}

/// A new worker, as a change made at `at` on `session`'s clock.
fn new_worker(session: &Session, full_name: &str, at: Timestamp) -> Change {
    let worker = WorkerId::new();
    let org = session.me.organization.id;
    let fields = json!({"id": worker, "organization_id": org, "full_name": full_name, "custom_attributes": {},
        "created_at": at, "updated_at": at});
    upsert(session, EntityKind::Workers, RowKey::of(worker), fields, at)
}

#[tokio::test]
async fn on_a_shared_laptop_each_change_is_its_authors_judged_by_their_role() {
    let db = TestDatabase::migrated().await;
    let org = organization(&db, "lakeside", SubscriptionTier::Standard).await;
    let manager = Email::parse("training@lakeside.example").unwrap();
    admin::create_user(&db.pool, org, &manager, Role::TrainingManager, None, PASSWORD).await.unwrap();
    let programs = Email::parse("programs@lakeside.example").unwrap();
    admin::create_user(&db.pool, org, &programs, Role::ProgramManager, None, PASSWORD).await.unwrap();
    let elsewhere = Email::parse("elsewhere@lakeside.example").unwrap();
    admin::create_user(&db.pool, org, &elsewhere, Role::Coordinator, None, PASSWORD).await.unwrap();
    let base = spawn_server(&db.pool).await;
    let laptop = DeviceId::new();
    let cora = Session::sign_in_on(&base, "coordinator@lakeside.example", PASSWORD, laptop).await;
    let tom = Session::sign_in_on(&base, "training@lakeside.example", PASSWORD, laptop).await;
    let other = Session::sign_in_on(&base, "elsewhere@lakeside.example", PASSWORD, DeviceId::new()).await;
    let admin = Session::sign_in(&base, "org_admin@lakeside.example", PASSWORD).await;
    let now = Timestamp::now();

    // Tom syncs the laptop: Cora's worker is hers; an experiment made under her name is
    // judged by her role (a coordinator's may not), not his (a training manager's may).
    let experiment = ExperimentId::new();
    let experiment_fields = json!({"id": experiment, "organization_id": org, "name": "Reminders", "status": "draft", "experiment_type": "program_level",
        "created_at": now, "updated_at": now});
    let experiment_change = upsert(&tom, EntityKind::Experiments, RowKey::of(experiment), experiment_fields, now);
    let changes = [
        (new_worker(&cora, "Amina by Cora", now), Some(cora.me.user_id)),
        (experiment_change.clone(), Some(cora.me.user_id)),
        (new_worker(&tom, "Baraka by Tom", now), None),
        // Someone who never signed in on this laptop.
        (new_worker(&other, "Chiku by a stranger", now), Some(other.me.user_id)),
        (new_worker(&cora, "Daudi by nobody known", now), Some(UserId::new())),
    ];
    let request = PushRequest {
        changes: changes
            .iter()
            .enumerate()
            .map(|(i, (change, author))| PushedChange { seq: i as i64 + 1, change: change.clone(), author: *author })
            .collect(),
    };
    let response: PushResponse =
        tom.call(Method::POST, "/v1/sync/push", Some(json!(request))).await.json().await.unwrap();
    let outcomes: Vec<_> = response
        .results
        .iter()
        .map(|r| match &r.outcome {
            Outcome::Rejected { code, .. } => Some(*code),
            _ => None,
        })
        .collect();
    assert_eq!(
        outcomes,
        [None, Some(ErrorCode::NotPermitted), None, Some(ErrorCode::NotPermitted), Some(ErrorCode::NotPermitted)]
    );
    // The same experiment as Tom's own goes in.
    let own = PushRequest {
        changes: vec![PushedChange {
            seq: 10,
            change: Change { change_id: ChangeId::new(), ..experiment_change },
            author: None,
        }],
    };
    let response: PushResponse = tom.call(Method::POST, "/v1/sync/push", Some(json!(own))).await.json().await.unwrap();
    assert_eq!(response.results[0].outcome, Outcome::Applied);

    let authors: Vec<(String, String)> = sqlx::query_as(
        "SELECT c.fields->>'full_name', u.email FROM change_log c JOIN users u ON u.organization_id = c.organization_id AND u.id = c.user_id
         WHERE c.entity = 'workers' ORDER BY c.id",
    )
    .fetch_all(&db.pool)
    .await
    .unwrap();
    let expected = [("Amina by Cora", "coordinator@lakeside.example"), ("Baraka by Tom", "training@lakeside.example")];
    assert_eq!(authors.iter().map(|(n, e)| (n.as_str(), e.as_str())).collect::<Vec<_>>(), expected);

    // Paula signed in on the laptop with an app from before installations were sent: her
    // first request that names the laptop binds her sign-in to it.
    let login = json!({"email": "programs@lakeside.example", "password": PASSWORD, "device_name": "Laptop"});
    let paula: LoginResponse = post(&base, "/v1/auth/login", None, login).await.json().await.unwrap();
    let by_paula = |seq| PushRequest {
        changes: vec![PushedChange {
            seq,
            change: new_worker(&tom, "Grace by Paula", now),
            author: Some(paula.me.user_id),
        }],
    };
    let response: PushResponse =
        tom.call(Method::POST, "/v1/sync/push", Some(json!(by_paula(30)))).await.json().await.unwrap();
    assert!(matches!(response.results[0].outcome, Outcome::Rejected { code: ErrorCode::NotPermitted, .. }));
    let bound = crate::support::http()
        .build()
        .unwrap()
        .get(format!("{base}/v1/me"))
        .bearer_auth(&paula.token.0)
        .header(INSTALLATION_HEADER, laptop.to_string())
        .send()
        .await
        .unwrap();
    assert_eq!(bound.status(), StatusCode::OK);
    let response: PushResponse =
        tom.call(Method::POST, "/v1/sync/push", Some(json!(by_paula(31)))).await.json().await.unwrap();
    assert_eq!(response.results[0].outcome, Outcome::Applied);

    // Cora leaves: what she made before stays hers, what bears a later stamp is refused.
    let cora_id = cora.me.user_id;
    assert_eq!(admin.update(cora_id, json!({"active": false})).await.status(), StatusCode::OK);
    let before = new_worker(&cora, "Esther before she left", now);
    let after =
        new_worker(&cora, "Faraji after she left", Timestamp::from_millis(Timestamp::now().millis() + 5_000).unwrap());
    let request = PushRequest {
        changes: vec![
            PushedChange { seq: 20, change: before, author: Some(cora_id) },
            PushedChange { seq: 21, change: after, author: Some(cora_id) },
        ],
    };
    let response: PushResponse =
        tom.call(Method::POST, "/v1/sync/push", Some(json!(request))).await.json().await.unwrap();
    assert_eq!(response.results[0].outcome, Outcome::Applied);
    assert!(matches!(response.results[1].outcome, Outcome::Rejected { code: ErrorCode::UserDeactivated, .. }));

    // The laptop is lost: revoking one person's sign-in on it revokes everyone's there.
    let lost: uuid::Uuid = sqlx::query_scalar("SELECT id FROM devices WHERE installation_id = $1 LIMIT 1")
        .bind(laptop.as_uuid())
        .fetch_one(&db.pool)
        .await
        .unwrap();
    assert!(admin::revoke_device(&db.pool, DeviceId::from_uuid(lost)).await.unwrap());
    let (_, code) = code_of(tom.call(Method::GET, "/v1/me", None).await).await;
    assert_eq!(code, ErrorCode::DeviceRevoked);
    assert_eq!(other.call(Method::GET, "/v1/me", None).await.status(), StatusCode::OK, "other laptops go on");
    db.drop().await;
}

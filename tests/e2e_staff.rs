//! End to end, staff: an administrator, in the window, adds a member (the set-up code is
//! shown once), changes a role, deactivates someone who left and renames the
//! organization, each made on the server; a coordinator whose account is deactivated
//! while they work keeps everything they recorded, and the window asks for another
//! person, who signs in the first time with their set-up code and syncs what waited,
//! which the server keeps as the coordinator's. An administrator gives a coordinator a
//! sync scope of one site in the window, and the coordinator's laptop then holds only
//! that site's workers.
//! Saves docs/screenshots/staff.png, docs/screenshots/deactivated.png and
//! docs/screenshots/scope.png.

use crate::window::*;
use fantoccini::Locator;
use serde_json::json;
use stride_domain::api::LoginResponse;
use stride_domain::staff::{IssuedSetUpCode, SetUpCode, Staff};
use stride_domain::Role;
use stride_server::demo::DEMO_PASSWORD;

/// The demo's administrator, signed in over HTTP beside the window.
async fn administrator(server: &str) -> (reqwest::Client, String) {
    let http = crate::support::http().build().unwrap();
    let login: LoginResponse = http
        .post(format!("{server}/v1/auth/login"))
        .json(&json!({"email": "admin@lakeside.example", "password": DEMO_PASSWORD, "device_name": "Office"}))
        .send()
        .await
        .unwrap()
        .json()
        .await
        .unwrap();
    (http, login.token.0)
}

async fn staff_on_server(server: &str) -> Staff {
    let (http, token) = administrator(server).await;
    http.get(format!("{server}/v1/staff")).bearer_auth(token).send().await.unwrap().json().await.unwrap()
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn an_administrator_adds_a_member_changes_a_role_deactivates_someone_and_renames_the_organization() {
    let _window = ONE_WINDOW.lock().await;
    let db = crate::support::TestDatabase::migrated().await;
    stride_server::demo::seed(&db.pool).await.unwrap();
    let server = crate::support::spawn_server(&db.pool).await;
    let home = tempfile::tempdir().unwrap();
    let (_driver, client) = launch_signed_in(home.path(), &server, "admin@lakeside.example").await;

    find(&client, "[data-testid=organization-open]").await.click().await.unwrap();
    text_of(&client, "[data-testid=staff-table]", |t| t.contains("Cyrus Coordinator") && t.contains("Ruth Admin"))
        .await;
    text_of(&client, "[data-testid=staff-count]", |t| t.contains("6 of the 100")).await;

    // A form gone wrong says where; then a new member and their code, shown once.
    fill(&client, &[("input[name=staff_email]", "nia@"), ("input[name=staff_display_name]", "Nia Newcomer")]).await;
    click(&client, "[data-testid=add-staff] button[type=submit]").await;
    text_of(&client, "[data-testid=add-staff] .field-error", |t| t.contains("not an email address")).await;
    type_into(&client, "input[name=staff_email]", "nia@lakeside.example").await;
    choose(&client, "select[name=staff_role]", "coordinator").await;
    click(&client, "[data-testid=add-staff] button[type=submit]").await;
    let code = text_of(&client, "[data-testid=set-up-code]", |t| SetUpCode::parse(t).is_ok()).await;
    text_of(&client, "[data-testid=staff-table]", |t| {
        t.contains("Nia Newcomer") && t.contains("not used their set-up code")
    })
    .await;

    // Cyrus moves to program manager; then he leaves.
    let cyrus = "[data-testid=staff-row][data-email='coordinator2@lakeside.example']";
    choose(&client, &format!("{cyrus} select[name=role]"), "program manager").await;
    until_role(&server, "coordinator2@lakeside.example", Role::ProgramManager).await;
    click(&client, &format!("{cyrus} [data-testid=deactivate]")).await;
    text_of(&client, &format!("{cyrus} [data-testid=deactivated-since]"), |t| t.starts_with("Deactivated on")).await;
    find(&client, &format!("{cyrus} [data-testid=reactivate]")).await;
    // The last administrator cannot step down: the server says so, and nothing changes.
    let ruth = "[data-testid=staff-row][data-email='admin@lakeside.example']";
    choose(&client, &format!("{ruth} select[name=role]"), "coordinator").await;
    let alert = find(&client, "[data-testid=staff] [role=alert]").await;
    assert_eq!(alert.attr("data-code").await.unwrap().as_deref(), Some("last_administrator"));
    let staff = serde_json::to_value(find(&client, "[data-testid=staff]").await).unwrap();
    client.execute("arguments[0].scrollIntoView({block: 'start'})", vec![staff]).await.unwrap();
    screenshot(&client, "staff").await;

    // Renamed on the server; this device shows it after the sync that follows.
    type_into(&client, "input[name=organization_name]", "Lakeside Farms Cooperative").await;
    click(&client, "[data-testid=rename-organization] button[type=submit]").await;
    text_of(&client, ".status-bar", |t| t.contains("Lakeside Farms Cooperative")).await;

    let staff = staff_on_server(&server).await;
    let by_email = |email: &str| staff.members.iter().find(|m| m.email.as_str() == email).unwrap();
    assert_eq!(by_email("coordinator2@lakeside.example").role, Role::ProgramManager);
    assert!(by_email("coordinator2@lakeside.example").deactivated_at.is_some());
    assert_eq!(by_email("admin@lakeside.example").role, Role::OrgAdmin);
    let nia = by_email("nia@lakeside.example");
    assert!(nia.set_up_pending && nia.display_name.as_ref().unwrap().as_str() == "Nia Newcomer");
    let name: String = sqlx::query_scalar("SELECT name FROM organizations WHERE name LIKE 'Lakeside%'")
        .fetch_one(&db.pool)
        .await
        .unwrap();
    assert_eq!(name, "Lakeside Farms Cooperative");
    // The code shown in the window is the one that works.
    let set_up = crate::support::http()
        .build()
        .unwrap()
        .post(format!("{server}/v1/auth/set-up"))
        .json(&json!({"email": "nia@lakeside.example", "code": code, "new_password": "Nia's password", "device_name": "Tablet"}))
        .send()
        .await
        .unwrap();
    assert_eq!(set_up.status(), reqwest::StatusCode::OK);
    client.close().await.unwrap();
    db.drop().await;
}

/// Waits until the server holds the member in `role` (the window's change is a request).
async fn until_role(server: &str, email: &str, role: Role) {
    for _ in 0..100 {
        if staff_on_server(server).await.members.iter().any(|m| m.email.as_str() == email && m.role == role) {
            return;
        }
        tokio::time::sleep(std::time::Duration::from_millis(100)).await;
    }
    panic!("{email} never became a {role}");
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_deactivated_coordinators_laptop_keeps_their_work_and_a_new_member_signs_in_with_a_code() {
    let _window = ONE_WINDOW.lock().await;
    let db = crate::support::TestDatabase::migrated().await;
    stride_server::demo::seed(&db.pool).await.unwrap();
    let server = crate::support::spawn_server(&db.pool).await;
    let home = tempfile::tempdir().unwrap();
    // The app syncs only when asked here, so what Cora records waits until then.
    let account = [
        ("STRIDE_SERVER_URL", server.as_str()),
        ("STRIDE_SIGN_IN_EMAIL", "coordinator@lakeside.example"),
        ("STRIDE_SIGN_IN_PASSWORD", DEMO_PASSWORD),
        ("STRIDE_SYNC_CHECK_SECONDS", "3600"),
    ];
    let (_driver, client) = launch_with(home.path(), &account).await;
    text_of(&client, "[data-testid=last-sync]", |t| t.starts_with("Last sync")).await;
    text_of(&client, "[data-testid=counts]", |t| t.contains("200 workers")).await;

    // Cora's last enrollment waits on the laptop.
    find(&client, "[data-testid=workers-open]").await.click().await.unwrap();
    find(&client, "[data-testid=enroll]").await.click().await.unwrap();
    fill(&client, &[("input[name=full_name]", "Neema Waiting"), ("input[name=phone_number]", "+254 799 000 222")])
        .await;
    find(&client, "form button[type=submit]").await.click().await.unwrap();
    text_of(&client, "[data-testid=pending]", |t| t.starts_with("1 change ")).await;

    // The administrator deactivates Cora, and adds Nia in her place.
    let (http, token) = administrator(&server).await;
    let staff: Staff =
        http.get(format!("{server}/v1/staff")).bearer_auth(&token).send().await.unwrap().json().await.unwrap();
    let cora = staff.members.iter().find(|m| m.email.as_str() == "coordinator@lakeside.example").unwrap().user_id;
    let deactivated = http
        .patch(format!("{server}/v1/staff/{cora}"))
        .bearer_auth(&token)
        .json(&json!({"active": false}))
        .send()
        .await
        .unwrap();
    assert_eq!(deactivated.status(), reqwest::StatusCode::OK);
    let issued: IssuedSetUpCode = http
        .post(format!("{server}/v1/staff"))
        .bearer_auth(&token)
        .json(&json!({"email": "nia@lakeside.example", "display_name": "Nia Newcomer", "role": "coordinator"}))
        .send()
        .await
        .unwrap()
        .json()
        .await
        .unwrap();

    // The sync is refused, and the window asks for another person, saying why and what waits.
    find(&client, "[data-testid=sync]").await.click().await.unwrap();
    text_of(&client, "[data-testid=deactivated]", |t| t.contains("deactivated by an administrator")).await;
    text_of(&client, "[data-testid=sign-in]", |t| t.contains("1 change waits to sync")).await;
    let offered = find(&client, "input[name=server_url]").await.prop("value").await.unwrap();
    assert_eq!(offered.as_deref(), Some(server.as_str()));

    // Work goes on offline without anyone signed in, and the sign-in is offered again.
    find(&client, "[data-testid=work-offline]").await.click().await.unwrap();
    text_of(&client, "[data-testid=pending]", |t| t.starts_with("1 change ")).await;
    find(&client, "[data-testid=sign-in-again]").await.click().await.unwrap();

    // Nia's first sign-in, with the code she was given and a password of her own.
    tick(&client, &find(&client, "input[name=first_time]").await).await;
    fill(
        &client,
        &[
            ("input[name=email]", "nia@lakeside.example"),
            ("input[name=set_up_code]", &issued.code.to_lowercase()),
            ("input[name=password]", "Nia's password"),
            ("input[name=password_again]", "Nia's password"),
        ],
    )
    .await;
    screenshot(&client, "deactivated").await;
    find(&client, "[data-testid=sign-in] button[type=submit]").await.click().await.unwrap();
    text_of(&client, "[data-testid=pending]", |t| t.starts_with("0 changes")).await;
    let on_server: i64 = sqlx::query_scalar("SELECT count(*) FROM workers WHERE full_name = 'Neema Waiting'")
        .fetch_one(&db.pool)
        .await
        .unwrap();
    assert_eq!(on_server, 1, "what waited on the laptop reached the server");
    let author: String = sqlx::query_scalar(
        "SELECT u.email FROM change_log c JOIN users u ON u.organization_id = c.organization_id AND u.id = c.user_id
         WHERE c.entity = 'workers' AND c.fields->>'full_name' = 'Neema Waiting'",
    )
    .fetch_one(&db.pool)
    .await
    .unwrap();
    assert_eq!(author, "coordinator@lakeside.example", "Nia synced it, and it is still Cora's");
    find(&client, "[data-testid=organization-open]").await.click().await.unwrap();
    text_of(&client, "[data-testid=account-role]", |t| t.contains("nia@lakeside.example")).await;
    assert!(
        client.find(fantoccini::Locator::Css("[data-testid=staff]")).await.is_err(),
        "a coordinator manages no staff"
    );
    client.close().await.unwrap();
    db.drop().await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn an_administrator_gives_a_coordinator_a_sync_scope_and_their_laptop_holds_only_its_workers() {
    let _window = ONE_WINDOW.lock().await;
    let db = crate::support::TestDatabase::migrated().await;
    stride_server::demo::seed(&db.pool).await.unwrap();
    let server = crate::support::spawn_server(&db.pool).await;
    let home = tempfile::tempdir().unwrap();
    let (_driver, client) = launch_signed_in(home.path(), &server, "admin@lakeside.example").await;
    find(&client, "[data-testid=organization-open]").await.click().await.unwrap();
    let cora = "[data-testid=staff-row][data-email='coordinator@lakeside.example']";
    text_of(&client, &format!("{cora} [data-testid=scope-summary]"), |t| t == "Whole organization").await;
    // The form opens on the click. Once, in a full run on a loaded machine, it did not
    // (the cause is not known): a click that opened nothing is made again.
    let form = format!("{cora} [data-testid=scope-form] input[name=scope_sites]");
    for attempt in 0.. {
        click(&client, &format!("{cora} [data-testid=edit-scope]")).await;
        let opened = client.wait().at_most(std::time::Duration::from_secs(5)).for_element(Locator::Css(&form)).await;
        if opened.is_ok() {
            break;
        }
        assert!(attempt < 5, "the scope form never opened");
    }
    type_into(&client, &form, "Kisumu").await;
    let form = serde_json::to_value(find(&client, "[data-testid=scope-form]").await).unwrap();
    client.execute("arguments[0].scrollIntoView({block: 'center'})", vec![form]).await.unwrap();
    screenshot(&client, "scope").await;
    click(&client, &format!("{cora} [data-testid=save-scope]")).await;
    text_of(&client, &format!("{cora} [data-testid=scope-summary]"), |t| t == "Sites: Kisumu").await;
    let staff = staff_on_server(&server).await;
    let scope = &staff.members.iter().find(|m| m.email.as_str() == "coordinator@lakeside.example").unwrap().scope;
    assert_eq!(scope.sites, ["Kisumu"]);
    client.close().await.unwrap();
    drop(_driver);

    // Cora's laptop: the authoring rows and Kisumu's 50 workers, no one else.
    let home = tempfile::tempdir().unwrap();
    let (_driver, client) = launch_signed_in(home.path(), &server, "coordinator@lakeside.example").await;
    text_of(&client, "[data-testid=counts]", |t| t.contains("50 workers")).await;
    client.close().await.unwrap();
    db.drop().await;
}

//! End to end: the real app binary in a real window (WebKitGTK under Xvfb), driven over
//! WebDriver (tauri-driver → WebKitWebDriver) the way a coordinator uses it: set the
//! device up, get a form wrong, enroll a worker, find them by name and by number, and
//! find them again after the app restarts; sign in and sync; see what is due today on
//! home, walk the worker list with the keyboard, filter it, enroll a worker from their
//! page; lose the network, record a group session from home, and see the app sync by
//! itself when it returns. Saves screenshots to docs/screenshots/.
//!
//! Needs a display: `make test` runs the Rust tests under `xvfb-run`.

use crate::window::*;
use fantoccini::{key::Key, Locator};

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_coordinator_sets_up_the_device_and_enrolls_a_worker_who_is_still_there_after_a_restart() {
    let _window = ONE_WINDOW.lock().await;
    let home = tempfile::tempdir().unwrap();
    let (driver, client) = launch(home.path()).await;

    // First start, without a server: the device is set up for an organization by hand.
    find(&client, "form button.secondary").await.click().await.unwrap();
    fill(&client, &[("input[name=organization_name]", "Lakeside Farms"), ("input[name=default_calling_code]", "254")])
        .await;
    screenshot(&client, "set-up").await;
    find(&client, "form button[type=submit]").await.click().await.unwrap();
    text_of(&client, ".status-bar", |t| t.contains("Lakeside Farms")).await;
    text_of(&client, "[data-testid=due]", |t| t.contains("Nothing is due today")).await;
    find(&client, "[data-testid=workers-open]").await.click().await.unwrap();
    text_of(&client, ".empty", |t| t.contains("No workers yet")).await;

    // A form with problems is refused field by field, and nothing is saved.
    find(&client, "[data-testid=enroll]").await.click().await.unwrap();
    type_into(&client, "input[name=phone_number]", "12").await;
    find(&client, "form button[type=submit]").await.click().await.unwrap();
    text_of(&client, "[data-field=full_name]", |t| t.contains("must not be empty")).await;
    text_of(&client, "[data-field=phone_number]", |t| t.contains("phone number")).await;
    text_of(&client, "[data-testid=pending]", |t| t.starts_with("0 changes")).await;

    // Corrected, it is saved on the device and listed with its number in full.
    fill(
        &client,
        &[
            ("input[name=full_name]", "Amina Wanjiru"),
            ("input[name=phone_number]", "0712 345 678"),
            ("input[name=site]", "Kisumu"),
        ],
    )
    .await;
    find(&client, "form button[type=submit]").await.click().await.unwrap();
    text_of(&client, ".notice", |t| t.contains("Amina Wanjiru is saved")).await;
    text_of(&client, "[data-worker-id]", |t| t.contains("+254712345678")).await;
    text_of(&client, "[data-testid=pending]", |t| t.starts_with("1 change ")).await;

    // The same person again, with a typo: the form says who it may be before saving.
    find(&client, "[data-testid=enroll]").await.click().await.unwrap();
    fill(&client, &[("input[name=full_name]", "Amina Wanjru"), ("input[name=phone_number]", "0712 345 678")]).await;
    find(&client, "form button[type=submit]").await.click().await.unwrap();
    text_of(&client, "[data-testid=duplicates]", |t| t.contains("Amina Wanjiru") && t.contains("same phone number"))
        .await;
    screenshot(&client, "duplicate-warning").await;
    find(&client, "form .actions button.secondary").await.click().await.unwrap();
    text_of(&client, "[data-testid=pending]", |t| t.starts_with("1 change ")).await;

    find(&client, "[data-testid=enroll]").await.click().await.unwrap();
    type_into(&client, "input[name=full_name]", "Khalid Ali").await;
    find(&client, "form button[type=submit]").await.click().await.unwrap();
    text_of(&client, "[data-testid=worker-count]", |t| t == "2 workers").await;
    screenshot(&client, "workers").await;

    // Search as you type, by part of the number as dialled, or part of a name.
    type_into(&client, "input[name=search]", "0712 345").await;
    listed(&client, &["Amina Wanjiru"]).await;
    type_into(&client, "input[name=search]", "ali").await;
    listed(&client, &["Khalid Ali"]).await;
    type_into(&client, "input[name=search]", "zzz").await;
    text_of(&client, ".empty", |t| t.contains("No worker matches")).await;

    client.close().await.unwrap();
    drop(driver);

    // The app opens again on the same database: set up, both workers there.
    let (_driver, client) = launch(home.path()).await;
    text_of(&client, "[data-testid=counts]", |t| t.contains("2 workers")).await;
    find(&client, "[data-testid=workers-open]").await.click().await.unwrap();
    listed(&client, &["Amina Wanjiru", "Khalid Ali"]).await;
    text_of(&client, "[data-testid=pending]", |t| t.starts_with("2 changes")).await;
    client.close().await.unwrap();
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_coordinator_signs_in_enrolls_a_worker_and_syncs_it_to_the_server() {
    let _window = ONE_WINDOW.lock().await;
    let db = crate::support::TestDatabase::migrated().await;
    stride_server::demo::seed(&db.pool).await.unwrap();
    let server = crate::support::spawn_server(&db.pool).await;
    let home = tempfile::tempdir().unwrap();
    let (_driver, client) = launch_with(home.path(), &[("STRIDE_SERVER_URL", server.as_str())]).await;

    // Sign in: the server address is offered; a wrong password is refused by its code.
    let offered = find(&client, "input[name=server_url]").await.prop("value").await.unwrap();
    assert_eq!(offered.as_deref(), Some(server.as_str()));
    fill(
        &client,
        &[("input[name=email]", "coordinator@lakeside.example"), ("input[name=password]", "not the password")],
    )
    .await;
    screenshot(&client, "sign-in").await;
    find(&client, "form button[type=submit]").await.click().await.unwrap();
    let alert = find(&client, "[role=alert]").await;
    assert_eq!(
        alert.attr("data-code").await.unwrap().as_deref(),
        Some("invalid_credentials"),
        "{:?}",
        alert.text().await
    );
    type_into(&client, "input[name=password]", stride_server::demo::DEMO_PASSWORD).await;
    find(&client, "form button[type=submit]").await.click().await.unwrap();

    // The first sync brings the organization's 200 workers.
    text_of(&client, ".status-bar", |t| t.contains("Lakeside Farms")).await;
    text_of(&client, "[data-testid=counts]", |t| t.contains("200 workers")).await;
    find(&client, "[data-testid=workers-open]").await.click().await.unwrap();
    text_of(&client, "[data-testid=worker-count]", |t| t == "200 workers").await;
    text_of(&client, "[data-testid=last-sync]", |t| t.starts_with("Last sync")).await;

    // Enrolled on the device, then sent to the server with the sync button.
    find(&client, "[data-testid=enroll]").await.click().await.unwrap();
    fill(&client, &[("input[name=full_name]", "Neema Synced"), ("input[name=phone_number]", "+254 799 000 111")]).await;
    find(&client, "form button[type=submit]").await.click().await.unwrap();
    text_of(&client, "[data-testid=pending]", |t| t.starts_with("1 change ")).await;
    find(&client, "[data-testid=sync]").await.click().await.unwrap();
    text_of(&client, "[data-testid=pending]", |t| t.starts_with("0 changes")).await;
    text_of(&client, "[data-testid=sync-result]", |t| t.contains("1 sent")).await;
    screenshot(&client, "synced").await;

    // The sync panel: nothing refused, nothing waiting, and the syncs so far.
    find(&client, "[data-testid=sync-details]").await.click().await.unwrap();
    text_of(&client, "[data-testid=sync-panel]", |t| t.contains("The server has refused nothing.")).await;
    text_of(&client, "[data-testid=past-sync]", |t| t.contains("by hand") && t.contains("1 sent")).await;
    text_of(&client, "[data-testid=sync-panel]", |t| t.contains("at sign-in")).await;
    screenshot(&client, "sync-panel").await;
    find(&client, "[data-testid=sync-panel] header button").await.click().await.unwrap();
    text_of(&client, "[data-testid=worker-count]", |t| t == "201 workers").await;

    let on_server: (String, String) =
        sqlx::query_as("SELECT full_name, phone_number FROM workers WHERE full_name = 'Neema Synced'")
            .fetch_one(&db.pool)
            .await
            .unwrap();
    assert_eq!(on_server.1, "+254799000111");
    let audited: i64 = sqlx::query_scalar("SELECT count(*) FROM change_log WHERE entity = 'workers' AND op = 'upsert'")
        .fetch_one(&db.pool)
        .await
        .unwrap();
    assert_eq!(audited, 1);
    client.close().await.unwrap();
    db.drop().await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn launched_with_an_account_the_app_opens_signed_in_and_synced_as_make_run_does() {
    let _window = ONE_WINDOW.lock().await;
    let db = crate::support::TestDatabase::migrated().await;
    stride_server::demo::seed(&db.pool).await.unwrap();
    let server = crate::support::spawn_server(&db.pool).await;
    let home = tempfile::tempdir().unwrap();
    let account = [
        ("STRIDE_SERVER_URL", server.as_str()),
        ("STRIDE_SIGN_IN_EMAIL", "programs@lakeside.example"),
        ("STRIDE_SIGN_IN_PASSWORD", stride_server::demo::DEMO_PASSWORD),
    ];
    let (driver, client) = launch_with(home.path(), &account).await;
    text_of(&client, "[data-testid=last-sync]", |t| t.starts_with("Last sync")).await;

    // Home, computed on the device from the touchpoints' rules: the demo's 60 workers who
    // completed the first touchpoint weeks ago are overdue for the second; the 54 other
    // active ones, enrolled today, are due for the first.
    text_of(&client, "[data-testid=due]", |t| {
        t.contains("Harvest season 2026")
            && t.contains("Heat and hydration · Safety basics, Week 1")
            && t.contains("60 workers overdue")
            && t.contains("54 workers due today")
    })
    .await;
    text_of(&client, "[data-testid=counts]", |t| t.contains("200 workers") && t.contains("114 active enrollments"))
        .await;
    text_of(&client, "[data-testid=recent]", |t| {
        [" completed ", " joined", " was enrolled in "].iter().any(|kind| t.contains(kind))
    })
    .await;
    screenshot(&client, "home").await;

    // The keyboard: Alt+2 opens the list, Down goes from the search box into it, Enter
    // opens the worker in focus, Escape comes back to the same row.
    press(&client, &format!("{}2{}", Key::Alt, Key::Null)).await;
    text_of(&client, "[data-testid=worker-count]", |t| t == "200 workers").await;
    find(&client, "input[name=search]").await.click().await.unwrap();
    press(&client, &Key::Down.to_string()).await;
    let first = focused(&client, |id| id.parse::<uuid::Uuid>().is_ok()).await;
    press(&client, &Key::Down.to_string()).await;
    let second = focused(&client, |id| id.parse::<uuid::Uuid>().is_ok() && id != first).await;
    press(&client, &Key::Enter.to_string()).await;
    find(&client, &format!("[data-testid=worker-page][data-worker-id='{second}']")).await;
    press(&client, &Key::Escape.to_string()).await;
    focused(&client, |t| t == second).await;
    press(&client, &Key::Up.to_string()).await;
    focused(&client, |t| t == first).await;

    // A worker's page: programs, the progress timeline, segments and badges, offline.
    find(&client, "[aria-rowindex='2'] button.name").await.click().await.unwrap();
    text_of(&client, "[data-testid=enrollments]", |t| t.contains("Harvest season 2026: active")).await;
    text_of(&client, "[data-testid=timeline]", |t| t.contains("Lifting safely (Harvest season 2026): completed")).await;
    text_of(&client, "[data-testid=segments]", |t| t.contains("Kisumu site") && t.contains("Swahili speakers")).await;
    text_of(&client, "[data-testid=badges]", |t| t.contains("First step")).await;
    screenshot(&client, "worker-page").await;
    find(&client, "body").await.send_keys(&Key::Escape.to_string()).await.unwrap();
    text_of(&client, "[data-testid=worker-count]", |t| t == "200 workers").await;

    // Filters: the 80 workers not in the program, the 20 of them at the Kisumu site.
    choose(&client, "select[name=program]", "Harvest season 2026").await;
    choose(&client, "select[name=enrollment]", "Not enrolled").await;
    text_of(&client, "[data-testid=worker-count]", |t| t == "80 workers").await;
    choose(&client, "select[name=segment]", "Kisumu site").await;
    text_of(&client, "[data-testid=worker-count]", |t| t == "20 workers").await;
    screenshot(&client, "worker-filters").await;

    // One of them enrolled from their page: the first touchpoint is due today at once.
    let newcomer = find(&client, "[aria-rowindex='2']").await.attr("data-worker-id").await.unwrap().unwrap();
    find(&client, "[aria-rowindex='2'] button.name").await.click().await.unwrap();
    text_of(&client, "[data-testid=worker-page]", |t| t.contains("Not enrolled in a program.")).await;
    find(&client, "[data-testid=enroll-in-program] button[type=submit]").await.click().await.unwrap();
    text_of(&client, "[data-testid=worker-page] .notice", |t| t == "Enrolled in Harvest season 2026 on this device.")
        .await;
    text_of(&client, "[data-testid=enrollments]", |t| {
        t.contains("Harvest season 2026: active") && t.contains("Waiting to sync")
    })
    .await;
    text_of(&client, "[data-testid=next]", |t| t.contains("Lifting safely (Harvest season 2026): due today")).await;
    screenshot(&client, "worker-enrolled").await;
    // Then marked dropped: nothing is due for them any more.
    choose(&client, "select[name=status]", "dropped").await;
    text_of(&client, "[data-testid=worker-page] .notice", |t| t == "Now dropped in Harvest season 2026.").await;
    text_of(&client, "[data-testid=worker-page]", |t| t.contains("Nothing is due for this worker.")).await;
    press(&client, &Key::Escape.to_string()).await;
    text_of(&client, "[data-testid=worker-count]", |t| t == "19 workers").await;
    let still_listed = client.find_all(Locator::Css(&format!("[data-worker-id='{newcomer}']"))).await.unwrap();
    assert!(still_listed.is_empty(), "enrolled, then dropped: no longer among those not enrolled");

    // Programs: the structure, and a whole segment enrolled in one go (the 30 of the 50
    // Kisumu workers already active in it stay as they are; the one dropped comes back).
    // Each newcomer also joins the program's experiment: 20 enrollments and 19
    // assignments (the one back keeps the variant it had), after the 3 changes above.
    find(&client, "[data-testid=programs-open]").await.click().await.unwrap();
    text_of(&client, "[data-testid=program]", |t| {
        t.contains("Harvest season 2026")
            && t.contains("Safety basics")
            && t.contains("Week 1")
            && t.contains("Lifting safely")
    })
    .await;
    let enroll = find(&client, "[data-testid=program] form button[type=submit]").await;
    click_centered(&client, &enroll).await;
    text_of(&client, "[data-testid=programs] .notice", |t| t == "Enrolled 20 workers in Harvest season 2026.").await;
    text_of(&client, "[data-testid=pending]", |t| t.starts_with("42 changes")).await;
    screenshot(&client, "programs").await;
    click_centered(&client, &enroll).await;
    text_of(&client, "[data-testid=programs] .notice", |t| t.contains("already in Harvest season 2026")).await;
    find(&client, "[data-testid=programs] header button").await.click().await.unwrap();
    text_of(&client, "[data-worker-id]", |t| t.contains("+2547")).await;

    // The list draws only the rows in view; scrolled to the end, it fetches and shows
    // the last worker (row 201, after the heading).
    assert!(client.find_all(Locator::Css("[data-worker-id]")).await.unwrap().len() < 60, "not all 200 rows drawn");
    client
        .execute("const rows = document.querySelector('.worker-rows'); rows.scrollTop = rows.scrollHeight", vec![])
        .await
        .unwrap();
    text_of(&client, "[aria-rowindex='201']", |t| t.contains("+2547")).await;
    client.close().await.unwrap();
    drop(driver);

    // Started again without the account, it opens locked: Paula unlocks it with her
    // password, checked on the laptop, and is still signed in (her token is in the keyring).
    let (_driver, client) = launch_with(home.path(), &[]).await;
    let chosen = find(&client, "[data-testid=unlock] [data-testid=person][aria-selected=true]").await;
    assert_eq!(chosen.attr("data-email").await.unwrap().as_deref(), Some("programs@lakeside.example"));
    fill(&client, &[("input[name=secret]", stride_server::demo::DEMO_PASSWORD)]).await;
    find(&client, "[data-testid=unlock] button[type=submit]").await.click().await.unwrap();
    text_of(&client, "[data-testid=last-sync]", |t| t.starts_with("Last sync")).await;
    find(&client, "[data-testid=sync]").await.click().await.unwrap();
    // (The 42 changes go up with this sync, or with the background's if it came first.)
    text_of(&client, "[data-testid=sync-result]", |t| t.starts_with("Synced: ")).await;
    text_of(&client, "[data-testid=pending]", |t| t.starts_with("0 changes")).await;
    client.close().await.unwrap();
    db.drop().await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn work_done_offline_syncs_by_itself_when_the_server_answers_again_and_a_revoked_device_says_why_it_is_empty() {
    let _window = ONE_WINDOW.lock().await;
    let db = crate::support::TestDatabase::migrated().await;
    let seeded = stride_server::demo::seed(&db.pool).await.unwrap();
    let server = crate::support::spawn_server(&db.pool).await;
    let network = crate::support::proxy::Proxy::start(&server).await;
    let home = tempfile::tempdir().unwrap();
    let account = [
        ("STRIDE_SERVER_URL", network.url.as_str()),
        ("STRIDE_SIGN_IN_EMAIL", "coordinator2@lakeside.example"),
        ("STRIDE_SIGN_IN_PASSWORD", stride_server::demo::DEMO_PASSWORD),
        ("STRIDE_SYNC_CHECK_SECONDS", "1"),
    ];
    let (_driver, client) = launch_with(home.path(), &account).await;
    text_of(&client, "[data-testid=counts]", |t| t.contains("200 workers")).await;
    text_of(&client, "[data-testid=connection]", |t| t == "Online").await;

    // The network goes; the window says so, and work goes on.
    network.set_offline(true);
    text_of(&client, "[data-testid=connection]", |t| t.starts_with("Offline")).await;
    find(&client, "[data-testid=workers-open]").await.click().await.unwrap();
    find(&client, "[data-testid=enroll]").await.click().await.unwrap();
    fill(&client, &[("input[name=full_name]", "Zawadi Offline")]).await;
    find(&client, "form button[type=submit]").await.click().await.unwrap();
    text_of(&client, "[data-testid=pending]", |t| t.starts_with("1 change ")).await;
    screenshot(&client, "offline").await;
    find(&client, "[data-testid=sync-details]").await.click().await.unwrap();
    text_of(&client, "[data-testid=waiting-records]", |t| t.contains("Saving worker “Zawadi Offline”")).await;
    screenshot(&client, "sync-waiting").await;
    find(&client, "[data-testid=sync-panel] header button").await.click().await.unwrap();

    // Still offline, from home: the touchpoint 60 workers are overdue for, recorded in
    // one group session. Its roster is every active enrollment, the 60 due ticked.
    find(&client, "[data-testid=home-open]").await.click().await.unwrap();
    let due = find(&client, "[data-testid=due-touchpoint]").await;
    assert!(due.text().await.unwrap().contains("Heat and hydration · Safety basics, Week 1"));
    due.find(Locator::Css("button")).await.unwrap().click().await.unwrap();
    let submit = find(&client, "form[data-testid=group-session] button[type=submit]").await;
    text_of(&client, "form[data-testid=group-session] button[type=submit]", |t| t == "Record: 60 came, 54 absent")
        .await;
    text_of(&client, "form[data-testid=group-session] .notice", |t| t.contains("Ticked the 60 workers")).await;
    let lines = client.find_all(Locator::Css("[data-testid=session-line]")).await.unwrap();
    assert_eq!(lines.len(), 114, "the program's active enrollments are listed");
    // Nobody ticked is refused by name of the field; "Tick those due today" ticks them again.
    let everyone = find(&client, "input[name=everyone]").await;
    click_centered(&client, &everyone).await;
    text_of(&client, "form[data-testid=group-session] button[type=submit]", |t| t == "Record for 114 workers").await;
    click_centered(&client, &everyone).await;
    click_centered(&client, &submit).await;
    text_of(&client, "[data-field=present]", |t| t.contains("at least one")).await;
    click(&client, "[data-testid=tick-due]").await;
    text_of(&client, "form[data-testid=group-session] button[type=submit]", |t| t == "Record: 60 came, 54 absent")
        .await;
    // Each one present gets their own score, typed down the column: Enter moves to the
    // next present worker's score, past the absent.
    let first_score = find(&client, "[data-testid=session-line] input[name=score]:not(:disabled)").await;
    click_centered(&client, &first_score).await;
    for score in ["80", "75", "90"] {
        press(&client, &format!("{score}{}", Key::Enter)).await;
    }
    press(&client, "150").await;
    let first_feedback = find(&client, "[data-testid=session-line] input[name=feedback]:not(:disabled)").await;
    first_feedback.send_keys("Group session at the Kisumu site").await.unwrap();
    let first_reflection = find(&client, "[data-testid=session-line] input[name=reflection]:not(:disabled)").await;
    first_reflection.send_keys("I will drink before I am thirsty").await.unwrap();
    screenshot(&client, "group-session").await;
    // 150 is no score: refused on that worker's line, nothing saved.
    click_centered(&client, &submit).await;
    text_of(&client, "[data-field=score]", |t| t.contains("0")).await;
    text_of(&client, "[data-testid=pending]", |t| t.starts_with("1 change ")).await;
    let scores =
        client.find_all(Locator::Css("[data-testid=session-line] input[name=score]:not(:disabled)")).await.unwrap();
    scores[3].clear().await.unwrap();
    scores[3].send_keys("85").await.unwrap();
    click_centered(&client, &submit).await;
    text_of(&client, "form[data-testid=group-session] .notice", |t| t.contains("60 came, 54 absent")).await;
    // The session, 114 attendance rows and 60 results (and any badge they earned),
    // beside the worker.
    let waiting = |t: &str| t.split(' ').next().and_then(|n| n.replace(',', "").parse::<u32>().ok()).unwrap_or(0);
    let recorded = waiting(&text_of(&client, "[data-testid=pending]", |t| waiting(t) >= 176).await);

    // Corrected the same day: the second worker's score was 70, not 75. An edit.
    text_of(&client, "[data-testid=sessions-today]", |t| t.contains("60 came, 54 absent")).await;
    click(&client, "[data-testid=correct-session]").await;
    text_of(&client, "form[data-testid=group-session] button[type=submit]", |t| t == "Save the correction").await;
    let scores =
        client.find_all(Locator::Css("[data-testid=session-line] input[name=score]:not(:disabled)")).await.unwrap();
    assert_eq!(scores[1].prop("value").await.unwrap().as_deref(), Some("75"));
    scores[1].clear().await.unwrap();
    scores[1].send_keys("70").await.unwrap();
    click(&client, "form[data-testid=group-session] button[type=submit]").await;
    text_of(&client, "form[data-testid=group-session] .notice", |t| t.starts_with("Corrected: 60 came")).await;
    text_of(&client, "[data-testid=pending]", |t| waiting(t) == recorded + 1).await;
    find(&client, "form[data-testid=group-session] header button").await.click().await.unwrap();
    // Back home, nobody is overdue any more.
    text_of(&client, "[data-testid=due]", |t| t.contains("54 workers due today") && !t.contains("overdue")).await;

    // It comes back: the app syncs by itself, no button pressed.
    network.set_offline(false);
    text_of(&client, "[data-testid=pending]", |t| t.starts_with("0 changes")).await;
    text_of(&client, "[data-testid=connection]", |t| t == "Online").await;
    let on_server: i64 = sqlx::query_scalar("SELECT count(*) FROM workers WHERE full_name = 'Zawadi Offline'")
        .fetch_one(&db.pool)
        .await
        .unwrap();
    assert_eq!(on_server, 1);
    let session: (i64, i64, i64) = sqlx::query_as(
        "SELECT count(*) FILTER (WHERE a.status = 'present'), count(*) FILTER (WHERE a.status = 'absent'),
                count(DISTINCT s.id)
         FROM group_sessions s JOIN session_attendance a ON a.group_session_id = s.id
         WHERE s.started_at > now() - interval '1 day'",
    )
    .fetch_one(&db.pool)
    .await
    .unwrap();
    assert_eq!(session, (60, 54, 1), "the session reached the server with everyone on its roster");
    let results: Vec<(Option<f64>, Option<String>, Option<String>)> = sqlx::query_as(
        "SELECT p.score::float8, p.feedback_text, a.reflection_text
         FROM group_sessions s
         JOIN session_attendance a ON a.group_session_id = s.id AND a.status = 'present'
         JOIN worker_progress p ON p.worker_assignment_id = a.worker_assignment_id
           AND p.touchpoint_id = s.touchpoint_id AND p.completed_at = s.completed_at
         WHERE s.started_at > now() - interval '1 day' AND p.score IS NOT NULL
         ORDER BY p.score",
    )
    .fetch_all(&db.pool)
    .await
    .unwrap();
    let scores: Vec<f64> = results.iter().filter_map(|r| r.0).collect();
    assert_eq!(scores, [70.0, 80.0, 85.0, 90.0], "each worker's own score, the correction included");
    let first = results.iter().find(|r| r.0 == Some(80.0)).unwrap();
    assert_eq!(
        (first.1.as_deref(), first.2.as_deref()),
        (Some("Group session at the Kisumu site"), Some("I will drink before I am thirsty"))
    );
    let progress: i64 = sqlx::query_scalar(
        "SELECT count(*) FROM worker_progress p JOIN group_sessions s ON p.completed_at = s.completed_at
         WHERE s.started_at > now() - interval '1 day'",
    )
    .fetch_one(&db.pool)
    .await
    .unwrap();
    assert_eq!(progress, 60, "one result per worker present, the correction an edit");

    // An administrator revokes the device (lost, say): at its next contact it erases
    // its data, and the window says why instead of signing in again by itself.
    let devices = stride_server::admin::list_devices(&db.pool, seeded.organization_id).await.unwrap();
    let device = devices.iter().find(|d| d.user_email == "coordinator2@lakeside.example").unwrap();
    assert!(stride_server::admin::revoke_device(&db.pool, device.id).await.unwrap());
    text_of(&client, "[data-testid=wiped]", |t| t.contains("erased")).await;
    screenshot(&client, "revoked").await;
    client.close().await.unwrap();
    db.drop().await;
}

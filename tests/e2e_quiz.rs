//! End to end, the training itself: a content specialist changes the demo quiz in its
//! editor, sees the worker's view beside it and how each question was answered, and
//! syncs; a coordinator gives the quiz in a group session, hands the laptop to one worker
//! full screen (nothing else shows, Escape does not leave, only the coordinator's key
//! brings the session back), enters another worker's answers, and syncs; the server
//! holds both sets of answers, scored on the device against the new version. Then a
//! worker's well-being check on their page: the trend of the checks so far, a new one
//! scored on the device, refused off its scale, and the worker's score on the server.
//! Then the program's report on the coordinator's device (saved as CSV too), and the
//! same report, figure for figure, on a program manager's device signed in afresh; last,
//! the manager sets the points and a challenge, whose board counts today's quiz, and
//! both reach the server.
//! Saves screenshots to docs/screenshots/.

use crate::window::*;
use fantoccini::{key::Key, Locator};

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_quiz_is_authored_then_taken_in_a_session_by_a_worker_full_screen_and_by_the_coordinator_for_another() {
    let _window = ONE_WINDOW.lock().await;
    let db = crate::support::TestDatabase::migrated().await;
    stride_server::demo::seed(&db.pool).await.unwrap();
    let server = crate::support::spawn_server(&db.pool).await;

    // The content specialist: the quiz's questions, with the worker's view and the answers so far.
    let specialist_home = tempfile::tempdir().unwrap();
    let (driver, client) = launch_signed_in(specialist_home.path(), &server, "content@lakeside.example").await;
    find(&client, "[data-testid=content-open]").await.click().await.unwrap();
    click(&client, "[data-testid=quiz-questions]").await;
    text_of(&client, "[data-testid=quiz-editor]", |t| t.contains("Version 1 · taken 6 times, 0 passed")).await;
    let analysis = text_of(&client, "[data-testid=quiz-analysis]", |t| t.contains("Which are signs")).await;
    assert!(analysis.contains("6 (100%)") && analysis.contains("0 (0%)"), "{analysis}");
    text_of(&client, "[data-testid=quiz-preview]", |t| t.contains("How many litres of water a day in the heat?")).await;
    // A fifth question, true or false: a blank prompt is refused by its place.
    click(&client, "[data-testid=quiz-add-question]").await;
    let forms = client.find_all(Locator::Css("[data-testid=quiz-question-form]")).await.unwrap();
    assert_eq!(forms.len(), 5);
    choose_in(&client, &forms[4].find(Locator::Css("select[name=kind]")).await.unwrap(), "True or false").await;
    // The question is drawn anew for its kind before it is saved (in a fresh-clone run
    // the save was clicked while it was, and the window said nothing).
    let started = std::time::Instant::now();
    while !forms[4].text().await.unwrap_or_default().contains("The statement is true") {
        assert!(started.elapsed() < std::time::Duration::from_secs(20), "the question never became true or false");
        tokio::time::sleep(std::time::Duration::from_millis(50)).await;
    }
    click(&client, "[data-testid=quiz-form] button[type=submit]").await;
    text_of(&client, "[data-testid=quiz-form] [data-field=prompt]", |t| t.contains("empty")).await;
    let prompt = forms[4].find(Locator::Css("input[name=prompt]")).await.unwrap();
    prompt.send_keys("Dark urine is a sign to drink more.").await.unwrap();
    text_of(&client, "[data-testid=quiz-preview]", |t| t.contains("Dark urine is a sign to drink more.")).await;
    screenshot(&client, "quiz-editor").await;
    click(&client, "[data-testid=quiz-form] button[type=submit]").await;
    text_of(&client, "[data-testid=quiz-editor] .notice", |t| t.contains("Saved as version 2")).await;
    find(&client, "[data-testid=sync]").await.click().await.unwrap();
    text_of(&client, "[data-testid=sync-result]", |t| t.starts_with("Synced: ")).await;
    text_of(&client, "[data-testid=pending]", |t| t.starts_with("0 changes")).await;
    client.close().await.unwrap();
    drop(driver);

    // The coordinator gives it in a session: Amina and the next worker came.
    let coordinator_home = tempfile::tempdir().unwrap();
    let (_driver, client) = launch_signed_in(coordinator_home.path(), &server, "coordinator@lakeside.example").await;
    find(&client, "[data-testid=group-session-open]").await.click().await.unwrap();
    choose(&client, "select[name=touchpoint]", "Week 2: Safety check quiz").await;
    let enter = find(&client, "[data-testid=quiz-enter]").await;
    assert!(!enter.is_enabled().await.unwrap(), "nobody ticked, nobody takes it");
    let came = client.find_all(Locator::Css("[data-testid=session-line] input[data-cell=present]")).await.unwrap();
    tick(&client, &came[0]).await;
    tick(&client, &came[1]).await;
    text_of(&client, "form[data-testid=group-session] button[type=submit]", |t| t == "Record: 2 came, 112 absent")
        .await;

    // Handed to the first worker: the quiz fills the window, behind a key the coordinator chose.
    click(&client, "[data-testid=quiz-hand-over]").await;
    fill(&client, &[("input[name=handover_key]", "4711")]).await;
    click(&client, "[data-testid=handover-key] button[type=submit]").await;
    let handover = find(&client, "[data-testid=handover]").await;
    let covers: bool = client
        .execute(
            "const r = document.querySelector('[data-testid=handover]').getBoundingClientRect();
             const at = (x, y) => document.elementFromPoint(x, y)?.closest('[data-testid=handover]') !== null;
             return r.left <= 0 && r.top <= 0 && r.right >= innerWidth && r.bottom >= innerHeight
               && at(5, 5) && at(innerWidth - 5, innerHeight - 5);",
            vec![],
        )
        .await
        .unwrap()
        .as_bool()
        .unwrap();
    assert!(covers, "nothing but the quiz shows");
    let questions = handover.find_all(Locator::Css("[data-testid=quiz-question]")).await.unwrap();
    assert_eq!(questions.len(), 5);
    let option = |question: usize, label: &str| {
        format!("(//*[@data-testid='handover']//*[@data-testid='quiz-question'])[{}]//label[normalize-space()='{label}']/input", question + 1)
    };
    for (question, label) in
        [(0, "Every 20 minutes"), (1, "Dizziness"), (1, "Heavy sweating"), (2, "True"), (4, "True")]
    {
        let input = client.find(Locator::XPath(&option(question, label))).await.unwrap();
        click_centered(&client, &input).await;
    }
    fill(&client, &[("[data-testid=handover] input[name=answer-q4]", "4")]).await;
    // Escape and the screen shortcuts do not leave the worker's hands.
    press(&client, &Key::Escape.to_string()).await;
    press(&client, &format!("{}1{}", Key::Alt, Key::Null)).await;
    find(&client, "[data-testid=handover]").await;
    screenshot(&client, "quiz-handover").await;
    click(&client, "[data-testid=handover-finish]").await;
    fill(&client, &[("input[name=give_back_key]", "1234")]).await;
    click(&client, "[data-testid=handover-return] button[type=submit]").await;
    text_of(&client, "[data-field=give_back_key]", |t| t.contains("not the key")).await;
    fill(&client, &[("input[name=give_back_key]", "4711")]).await;
    click(&client, "[data-testid=handover-return] button[type=submit]").await;
    until_gone(&client, "[data-testid=handover]").await;
    text_of(&client, "[data-testid=quiz-result]", |t| t == "11 of 11 points").await;

    // The second worker's answers, entered by the coordinator: only the first is right.
    let enter = client.find_all(Locator::Css("[data-testid=quiz-enter]")).await.unwrap();
    click_centered(&client, &enter[1]).await;
    let taking = find(&client, "[data-testid=quiz-taking]").await;
    let first = taking.find(Locator::XPath(".//label[normalize-space()='Every 20 minutes']/input")).await.unwrap();
    click_centered(&client, &first).await;
    click(&client, "[data-testid=quiz-done]").await;
    let results = client.find_all(Locator::Css("[data-testid=quiz-result]")).await.unwrap();
    text_of(&client, "[data-testid=session-line]:nth-child(2) [data-testid=quiz-result]", |t| t == "2 of 11 points")
        .await;
    assert_eq!(results.len(), 114);
    screenshot(&client, "quiz-session").await;
    click(&client, "form[data-testid=group-session] button[type=submit]").await;
    text_of(&client, "form[data-testid=group-session] .notice", |t| t.contains("2 came, 112 absent")).await;
    find(&client, "[data-testid=sync]").await.click().await.unwrap();
    text_of(&client, "[data-testid=sync-result]", |t| t.starts_with("Synced: ")).await;
    text_of(&client, "[data-testid=pending]", |t| t.starts_with("0 changes")).await;

    // On the server: both sets of answers, against version 2, and the scores they gave.
    let attempts: Vec<(String, i32, i32, i32, f64)> = sqlx::query_as(
        "SELECT a.taken_by, a.points, a.total, v.version_number, p.score::float8
         FROM quiz_attempts a
         JOIN quiz_versions v ON v.id = a.quiz_version_id
         JOIN worker_progress p ON p.id = a.worker_progress_id
         WHERE v.version_number = 2 ORDER BY a.points DESC",
    )
    .fetch_all(&db.pool)
    .await
    .unwrap();
    assert_eq!(
        attempts,
        [("worker".to_owned(), 11, 11, 2, 100.0), ("coordinator".to_owned(), 2, 11, 2, 18.18)],
        "scored on the device against the version they were given"
    );

    // Amina's well-being: two checks so far, a trend, and a third recorded offline-first.
    find(&client, "[data-testid=workers-open]").await.click().await.unwrap();
    type_into(&client, "input[name=search]", "254710000000").await;
    text_of(&client, "[data-testid=worker-count]", |t| t == "1 worker").await;
    find(&client, "[aria-rowindex='2'] button.name").await.click().await.unwrap();
    text_of(&client, "[data-testid=well-being-latest]", |t| {
        t == "Latest 10, down 22.5 since the check before (2 checks)."
    })
    .await;
    let dots = client.find_all(Locator::Css("[data-testid=well-being-trend] circle")).await.unwrap();
    assert_eq!(dots.len(), 2);
    click(&client, "[data-testid=well-being-check]").await;
    fill(&client, &[("input[name=well-being-1]", "11"), ("input[name=well-being-2]", "5")]).await;
    click(&client, "[data-testid=well-being-form] button[type=submit]").await;
    text_of(&client, "[data-testid=well-being-form] [data-field=answer]", |t| t.contains("0 to 10")).await;
    fill(&client, &[("input[name=well-being-1]", "8")]).await;
    click(&client, "[data-testid=well-being-form] button[type=submit]").await;
    text_of(&client, "[data-testid=well-being-latest]", |t| t == "Latest 90, up 80 since the check before (3 checks).")
        .await;
    screenshot(&client, "well-being").await;
    find(&client, "[data-testid=sync]").await.click().await.unwrap();
    // "Synced" may be a background sync's that began before the check: wait for nothing left.
    text_of(&client, "[data-testid=sync-result]", |t| t.starts_with("Synced: ")).await;
    text_of(&client, "[data-testid=pending]", |t| t.starts_with("0 changes")).await;
    let (checks, latest): (i64, f64) = sqlx::query_as(
        "SELECT count(*), max(w.well_being_score)::float8 FROM well_being_checks c JOIN workers w ON w.id = c.worker_id
         WHERE w.phone_number = '+254710000000'",
    )
    .fetch_one(&db.pool)
    .await
    .unwrap();
    assert_eq!((checks, latest), (3, 90.0), "the check and the worker's score reached the server");

    // The program's report on the coordinator's device: the demo's session and this one.
    find(&client, "[data-testid=programs-open]").await.click().await.unwrap();
    click(&client, "[data-testid=program-report-open]").await;
    let attendance = "2 group sessions: 62 came, 166 absent (attendance 27.2%).";
    text_of(&client, "[data-testid=report-attendance]", |t| t == attendance).await;
    let quiz =
        text_of(&client, "[data-testid=report-touchpoints]", |t| t.contains("Quiz: 8 attempts, 1 passed.")).await;
    let on_coordinators = find(&client, "[data-testid=program-report]").await.text().await.unwrap();
    assert!(quiz.contains("Dark urine is a sign to drink more.: 1 of 1 right"), "{quiz}");
    click(&client, "[data-testid=report-csv]").await;
    text_of(&client, "[data-testid=program-report] .notice", |t| t.contains(".csv")).await;
    client.close().await.unwrap();

    // A program manager's device, signed in afresh, shows the same report.
    let manager_home = tempfile::tempdir().unwrap();
    let (_manager_driver, client) = launch_signed_in(manager_home.path(), &server, "programs@lakeside.example").await;
    find(&client, "[data-testid=programs-open]").await.click().await.unwrap();
    click(&client, "[data-testid=program-report-open]").await;
    text_of(&client, "[data-testid=report-attendance]", |t| t == attendance).await;
    let on_managers = find(&client, "[data-testid=program-report]").await.text().await.unwrap();
    assert_eq!(on_managers, on_coordinators, "the same data, the same figures on every device");
    screenshot(&client, "program-report").await;

    // The manager sets the points and a challenge; its board counts today's quiz.
    find(&client, "[data-testid=badges-open]").await.click().await.unwrap();
    click(&client, "[data-testid=points-edit]").await;
    fill(&client, &[("input[name=per_touchpoint]", "2000")]).await;
    click(&client, "[data-testid=points-form] button[type=submit]").await;
    text_of(&client, "[data-testid=points-form] .field-error", |t| t.contains("0 to 1000")).await;
    fill(&client, &[("input[name=per_touchpoint]", "20"), ("input[name=per_badge]", "0")]).await;
    click(&client, "[data-testid=points-form] button[type=submit]").await;
    text_of(&client, "[data-testid=points]", |t| {
        t.starts_with("20 points for each completed touchpoint, 0 for each badge.")
    })
    .await;
    click(&client, "[data-testid=challenge-new]").await;
    fill(&client, &[("[data-testid=challenge-form] input[name=title]", "Two this month"), ("input[name=goal]", "2")])
        .await;
    click(&client, "[data-testid=challenge-form] button[type=submit]").await;
    text_of(&client, "[data-testid=challenge-form] [data-field=audience]", |t| t == "choose a program or a segment")
        .await;
    choose(&client, "select[name=audience]", "Harvest season 2026").await;
    click(&client, "[data-testid=challenge-form] button[type=submit]").await;
    text_of(&client, "[data-testid=challenge-board] h3", |t| t == "Two this month: the board").await;
    let lines = client.find_all(Locator::Css("[data-testid=challenge-line]")).await.unwrap();
    let mut shown = Vec::new();
    for line in lines.iter().take(3) {
        let mut cells = Vec::new();
        for cell in line.find_all(Locator::Css("td")).await.unwrap() {
            cells.push(cell.text().await.unwrap().trim().to_owned());
        }
        shown.push(cells);
    }
    // The two who took the quiz today share the first place; the demo's session was before the window.
    let line = |rank: &str, name: &str, points: &str, progress: &str| [rank, name, points, progress].map(String::from);
    assert_eq!(shown[0], line("1", "Amina Achieng", "20", "1 of 2"));
    assert_eq!(shown[1], line("1", "Amina Achieng", "20", "1 of 2"));
    assert_eq!(shown[2], line("3", "Amina Kiplagat", "0", "0 of 2"));
    let board = find(&client, "[data-testid=challenge-board]").await;
    client
        .execute("arguments[0].scrollIntoView({block: 'start'})", vec![serde_json::to_value(&board).unwrap()])
        .await
        .unwrap();
    screenshot(&client, "challenge").await;
    // The program's leaderboard counts the new points at once: 20 a touchpoint, none a badge.
    let cell = |n: usize| format!("[data-testid=leaderboard] tbody tr:first-child td:nth-child({n})");
    let completed: u32 = find(&client, &cell(4)).await.text().await.unwrap().parse().unwrap();
    text_of(&client, &cell(3), |points| points == (20 * completed).to_string()).await;
    find(&client, "[data-testid=sync]").await.click().await.unwrap();
    text_of(&client, "[data-testid=sync-result]", |t| t.starts_with("Synced: ")).await;
    text_of(&client, "[data-testid=pending]", |t| t.starts_with("0 changes")).await;
    let (per_touchpoint, goal): (i32, i32) = sqlx::query_as(
        "SELECT (SELECT per_touchpoint FROM point_values), (SELECT goal FROM challenges WHERE title = 'Two this month')",
    )
    .fetch_one(&db.pool)
    .await
    .unwrap();
    assert_eq!((per_touchpoint, goal), (20, 2), "the points and the challenge reached the server");
    client.close().await.unwrap();
    db.drop().await;
}

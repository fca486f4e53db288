//! `stride-server demo seed`: a realistic demo organization (a user of every role, 200
//! workers with site and language, segments, content of every type, two journeys of
//! phases and touchpoints, a program with enrollments and progress, an A/B experiment,
//! badges, points and a challenge) and a second, smaller organization, so tenant
//! isolation can be seen.
//! Seeding twice changes nothing.

use crate::admin;
use crate::error::ApiError;
use serde_json::{json, Value};
use sqlx::{PgPool, Postgres, Transaction};
use stride_domain::well_being::{self, CheckAnswers};
use stride_domain::{
    Email, Name, OrganizationId, OrganizationType, Role, SubscriptionTier, WellBeingCheckId, WellBeingQuestionId,
    WellBeingScale,
};
use uuid::Uuid;

/// Every demo user's password.
pub const DEMO_PASSWORD: &str = "stride-demo-2026";

pub const DEMO_USERS: &[(&str, Role, &str)] = &[
    ("admin@lakeside.example", Role::OrgAdmin, "Ruth Admin"),
    ("training@lakeside.example", Role::TrainingManager, "Tom Training"),
    ("programs@lakeside.example", Role::ProgramManager, "Paula Programs"),
    ("content@lakeside.example", Role::ContentSpecialist, "Chris Content"),
    ("coordinator@lakeside.example", Role::Coordinator, "Cora Coordinator"),
    ("coordinator2@lakeside.example", Role::Coordinator, "Cyrus Coordinator"),
];

const FIRST: &[&str] = &[
    "Amina", "Baraka", "Chiku", "Daudi", "Esther", "Faraji", "Grace", "Hassan", "Imani", "Juma", "Kamau", "Lulu",
    "Mwangi", "Neema", "Otieno", "Pendo", "Rehema", "Salim", "Tumaini", "Wanjiru",
];
const LAST: &[&str] = &[
    "Achieng",
    "Barasa",
    "Cheruiyot",
    "Kariuki",
    "Kiplagat",
    "Macharia",
    "Mutua",
    "Njoroge",
    "Odhiambo",
    "Omondi",
    "Wafula",
    "Wekesa",
];
const HYDRATION: &str = "# Heat and hydration\n\nDrink a cup of water every 20 minutes when it is hot, before you feel thirsty.\nRest in the shade at midday. Tell your supervisor at once if you feel dizzy or sick.\n";
/// The demo quiz's questions (`stride_domain::quiz`): one of each kind, 10 points.
const QUIZ_DEFINITION: &str = r#"{"pass_mark": 60, "questions": [
  {"id": "q1", "prompt": "How often should you drink when it is hot?", "points": 2, "kind": "single_choice",
   "options": ["Every 20 minutes", "When thirsty", "At lunch"], "correct": 0},
  {"id": "q2", "prompt": "Which are signs of heat exhaustion?", "points": 3, "kind": "multiple_choice",
   "options": ["Dizziness", "Heavy sweating", "Feeling cold"], "correct": [0, 1]},
  {"id": "q3", "prompt": "Resting in the shade slows dehydration.", "points": 1, "kind": "true_false", "correct": true},
  {"id": "q4", "prompt": "How many litres of water a day in the heat?", "points": 4, "kind": "number",
   "correct": 4, "tolerance": 0.5}
]}"#;
const QUIZ: &str = r#"{"questions": [{"q": "How often should you drink when it is hot?", "choices": ["Every 20 minutes", "When thirsty", "At lunch"], "answer": 0}]}"#;

/// Two seconds of a calm 220 Hz tone, as 8 kHz 8-bit mono WAV (16 kB): a real audio
/// file the demo's audio content can be downloaded and played from.
fn breathing_tone() -> Vec<u8> {
    const RATE: u32 = 8_000;
    let samples: Vec<u8> = (0..2 * RATE)
        .map(|i| {
            let t = f64::from(i) / f64::from(RATE);
            (128.0 + 60.0 * (2.0 * std::f64::consts::PI * 220.0 * t).sin()) as u8
        })
        .collect();
    let mut wav = Vec::with_capacity(44 + samples.len());
    let data_len = samples.len() as u32;
    wav.extend_from_slice(b"RIFF");
    wav.extend_from_slice(&(36 + data_len).to_le_bytes());
    wav.extend_from_slice(b"WAVEfmt ");
    wav.extend_from_slice(&16u32.to_le_bytes());
    wav.extend_from_slice(&1u16.to_le_bytes()); // PCM
    wav.extend_from_slice(&1u16.to_le_bytes()); // mono
    wav.extend_from_slice(&RATE.to_le_bytes());
    wav.extend_from_slice(&RATE.to_le_bytes()); // bytes per second
    wav.extend_from_slice(&1u16.to_le_bytes()); // block align
    wav.extend_from_slice(&8u16.to_le_bytes()); // bits per sample
    wav.extend_from_slice(b"data");
    wav.extend_from_slice(&data_len.to_le_bytes());
    wav.extend_from_slice(&samples);
    wav
}

const SITES: &[&str] = &["Kisumu", "Kericho", "Naivasha", "Eldoret"];
const LANGUAGES: &[&str] = &["sw", "en", "luo"];

fn name(text: &str) -> Name {
    Name::parse(text).unwrap_or_else(|e| unreachable!("demo name {text:?}: {e}"))
}

fn email(text: &str) -> Email {
    Email::parse(text).unwrap_or_else(|e| unreachable!("demo email {text:?}: {e}"))
}

pub struct Seeded {
    pub organization_id: OrganizationId,
    pub second_organization_id: OrganizationId,
}

/// Seeds the demo, or finds it seeded already.
pub async fn seed(pool: &PgPool) -> Result<Seeded, ApiError> {
    let existing: Option<(Uuid,)> = sqlx::query_as("SELECT organization_id FROM user_emails WHERE email = $1")
        .bind(DEMO_USERS[0].0)
        .fetch_optional(pool)
        .await?;
    if let Some((organization_id,)) = existing {
        let second: (Uuid,) =
            sqlx::query_as("SELECT organization_id FROM user_emails WHERE email = 'admin@hilltop.example'")
                .fetch_one(pool)
                .await?;
        return Ok(Seeded {
            organization_id: OrganizationId::from_uuid(organization_id),
            second_organization_id: OrganizationId::from_uuid(second.0),
        });
    }

    let lakeside =
        admin::create_organization(pool, &name("Lakeside Farms"), OrganizationType::Client, SubscriptionTier::Standard)
            .await?;
    let mut users = Vec::new();
    for (address, role, display) in DEMO_USERS {
        users.push(
            admin::create_user(pool, lakeside, &email(address), *role, Some(&name(display)), DEMO_PASSWORD).await?,
        );
    }
    let author = users[1].as_uuid();

    let mut tx = pool.begin().await?;
    sqlx::query("SELECT set_config('stride.organization_id', $1, true)")
        .bind(lakeside.to_string())
        .execute(&mut *tx)
        .await?;
    let org = lakeside.as_uuid();

    // The well-being questions, and for the first 20 workers two checks, a week apart:
    // their well_being_score is the latest check's, by the formula every device uses.
    let sleep = WellBeingQuestionId::new();
    let safe = WellBeingQuestionId::new();
    for (position, (id, prompt, scale)) in [
        (sleep, "How well did you sleep this week?", WellBeingScale::ZeroToTen),
        (safe, "How safe do you feel at work?", WellBeingScale::OneToFive),
    ]
    .into_iter()
    .enumerate()
    {
        insert(
            &mut tx,
            "well_being_questions",
            json!({"id": id, "organization_id": org, "prompt": prompt,
            "scale": scale, "position": position + 1}),
        )
        .await?;
    }
    let questions = [(sleep, WellBeingScale::ZeroToTen), (safe, WellBeingScale::OneToFive)];
    let checks_of = |i: usize| -> Vec<(&'static str, CheckAnswers)> {
        let first = CheckAnswers::from([(sleep, 4 + (i % 5) as i64), (safe, 2 + (i % 3) as i64)]);
        let second = CheckAnswers::from([(sleep, (2 + (i * 3) % 9) as i64), (safe, 1 + (i % 5) as i64)]);
        vec![("2026-11-03T08:00:00.000Z", first), ("2026-11-10T08:00:00.000Z", second)]
    };
    let scored = |answers: &CheckAnswers| well_being::score(&questions, answers).map_or(50.0, |score| score.value());

    // Workers, with their site and language.
    let mut workers = Vec::new();
    for i in 0..200usize {
        let id = Uuid::now_v7();
        let checks = if i < 20 { checks_of(i) } else { Vec::new() };
        let well_being_score =
            checks.last().map_or(f64::from((40 + (i * 13) % 56) as u32), |(_, answers)| scored(answers));
        let full_name = format!("{} {}", FIRST[i % FIRST.len()], LAST[(i * 7) % LAST.len()]);
        let attributes = json!({"site": SITES[i % SITES.len()], "language": LANGUAGES[i % LANGUAGES.len()]});
        insert(
            &mut tx,
            "workers",
            json!({
                "id": id, "organization_id": org, "full_name": full_name,
                "phone_number": format!("+2547{:08}", 10_000_000 + i * 7919),
                "well_being_score": well_being_score, "performance_metric": 50 + (i * 7) % 50,
                "custom_attributes": attributes,
            }),
        )
        .await?;
        for (at, answers) in &checks {
            insert(
                &mut tx,
                "well_being_checks",
                json!({"id": WellBeingCheckId::new(), "worker_id": id,
                "organization_id": org, "answers": well_being::answers_object(answers), "score": scored(answers),
                "checked_at": at, "recorded_by": users[4].as_uuid()}),
            )
            .await?;
        }
        workers.push((id, SITES[i % SITES.len()], LANGUAGES[i % LANGUAGES.len()]));
    }

    // Segments, with their members.
    let kisumu = Uuid::now_v7();
    let swahili = Uuid::now_v7();
    insert(
        &mut tx,
        "segments",
        json!({"id": kisumu, "organization_id": org, "name": "Kisumu site",
        "rule_definition": {"all": [{"field": "site", "op": "eq", "value": "Kisumu"}]}}),
    )
    .await?;
    insert(
        &mut tx,
        "segments",
        json!({"id": swahili, "organization_id": org, "name": "Swahili speakers",
        "rule_definition": {"all": [{"field": "language", "op": "eq", "value": "sw"}]}}),
    )
    .await?;
    for (worker, site, language) in &workers {
        if *site == "Kisumu" {
            insert(
                &mut tx,
                "worker_segment",
                json!({"worker_id": worker, "segment_id": kisumu, "organization_id": org}),
            )
            .await?;
        }
        if *language == "sw" {
            insert(
                &mut tx,
                "worker_segment",
                json!({"worker_id": worker, "segment_id": swahili, "organization_id": org}),
            )
            .await?;
        }
    }

    // Content of every type.
    let mut content = Vec::new();
    for (kind, title, url) in [
        ("video", "Lifting safely", "https://media.stride.example/lifting.mp4"),
        ("text", "Heat and hydration", "/v1/media/hydration.md"),
        ("audio", "Breathing for stress", "/v1/media/breathing.wav"),
        ("quiz", "Safety check quiz", "/v1/media/safety-quiz.json"),
    ] {
        let id = Uuid::now_v7();
        insert(
            &mut tx,
            "content",
            json!({"id": id, "organization_id": org, "type": kind, "title": title,
            "description": format!("{title}, for field teams"), "media_url": url, "license_type": "free"}),
        )
        .await?;
        content.push(id);
    }

    // The quiz's questions, its first version.
    let quiz_version = Uuid::now_v7();
    let quiz: Value = serde_json::from_str(QUIZ_DEFINITION).unwrap_or_else(|_| unreachable!("the demo quiz reads"));
    insert(
        &mut tx,
        "quiz_versions",
        json!({"id": quiz_version, "content_id": content[3], "organization_id": org,
        "version_number": 1, "definition": quiz, "created_by": author}),
    )
    .await?;

    // Two journeys, each of two phases of two touchpoints.
    let mut journeys = Vec::new();
    let mut first_touchpoint = None;
    let mut quiz_touchpoint = None;
    for (j, (title, purpose)) in
        [("Safety basics", "Fewer injuries in the first month"), ("Well-being at work", "Less stress, better sleep")]
            .iter()
            .enumerate()
    {
        let journey = Uuid::now_v7();
        insert(
            &mut tx,
            "journey_blueprints",
            json!({"id": journey, "organization_id": org, "title": title, "purpose": purpose,
            "created_by": author, "updated_by": author}),
        )
        .await?;
        let mut previous: Option<Uuid> = None;
        for p in 0..2 {
            let phase = Uuid::now_v7();
            insert(
                &mut tx,
                "phases",
                json!({"id": phase, "journey_blueprint_id": journey, "organization_id": org,
                "name": format!("Week {}", p + 1), "sequence_order": p + 1}),
            )
            .await?;
            for t in 0..2 {
                let touchpoint = Uuid::now_v7();
                let rule = match previous {
                    None => json!({"after_days": 0}),
                    Some(before) => json!({"after_touchpoint": before, "after_days": 2}),
                };
                insert(
                    &mut tx,
                    "touchpoints",
                    json!({"id": touchpoint, "phase_id": phase, "organization_id": org,
                    "content_id": content[(j + p * 2 + t) % content.len()], "rule_logic": rule}),
                )
                .await?;
                first_touchpoint.get_or_insert(touchpoint);
                if (j + p * 2 + t) % content.len() == 3 {
                    quiz_touchpoint.get_or_insert(touchpoint);
                }
                previous = Some(touchpoint);
            }
        }
        journeys.push(journey);
    }

    // A program of both journeys, with enrollments and some progress.
    let program = Uuid::now_v7();
    insert(&mut tx, "programs", json!({"id": program, "organization_id": org, "name": "Harvest season 2026",
        "start_date": "2026-11-01", "end_date": "2027-02-28", "created_by": users[2].as_uuid(), "updated_by": users[2].as_uuid()})).await?;
    for (order, journey) in journeys.iter().enumerate() {
        insert(
            &mut tx,
            "program_blueprints",
            json!({"id": Uuid::now_v7(), "program_id": program,
            "journey_blueprint_id": journey, "organization_id": org, "order_in_program": order + 1}),
        )
        .await?;
    }

    // An A/B experiment on the first journey, and two badges.
    let experiment = Uuid::now_v7();
    insert(
        &mut tx,
        "experiments",
        json!({"id": experiment, "organization_id": org, "experiment_type": "journey_level",
        "name": "Video or text first", "status": "active", "start_date": "2026-11-01T00:00:00.000Z",
        "created_by": author, "updated_by": author, "program_id": program}),
    )
    .await?;
    let variants = [Uuid::now_v7(), Uuid::now_v7()];
    for (variant, (label, first)) in variants.iter().zip([("A: video first", "video"), ("B: text first", "text")]) {
        insert(
            &mut tx,
            "experiment_variants",
            json!({"id": variant, "experiment_id": experiment, "organization_id": org,
            "variant_name": label, "variant_details": {"weight": 50, "first_content": first}}),
        )
        .await?;
    }
    let finisher = Uuid::now_v7();
    insert(
        &mut tx,
        "badges",
        json!({"id": finisher, "organization_id": org, "name": "First step",
        "description": "Completed a first touchpoint", "icon_url": "https://media.stride.example/badges/first-step.svg",
        "award_rule": {"completed_touchpoints": 1}}),
    )
    .await?;
    let top_scorer = Uuid::now_v7();
    insert(&mut tx, "badges", json!({"id": top_scorer, "organization_id": org, "name": "Top scorer",
        "description": "Scored 90 or more on a touchpoint", "icon_url": "https://media.stride.example/badges/top-scorer.svg",
        "award_rule": {"min_score": 90}})).await?;

    // The organization's points, and a challenge for the program's workers this season.
    insert(
        &mut tx,
        "point_values",
        json!({"id": stride_domain::PointValuesId::of_organization(lakeside),
        "organization_id": org, "per_touchpoint": 10, "per_badge": 25}),
    )
    .await?;
    insert(
        &mut tx,
        "challenges",
        json!({"id": Uuid::now_v7(), "organization_id": org,
        "title": "Three touchpoints by New Year", "description": "Any three touchpoints of the program",
        "goal_kind": "touchpoints", "goal": 3, "starts_at": "2026-11-01T00:00:00.000Z",
        "ends_at": "2027-01-01T00:00:00.000Z", "program_id": program, "created_by": author}),
    )
    .await?;

    let touchpoint = first_touchpoint.unwrap_or_else(|| unreachable!("the journeys have touchpoints"));
    // The progress was one group session, held by the first coordinator; every active
    // enrollment was on its roster, and every other worker came.
    let session = stride_domain::GroupSessionId::new();
    insert(&mut tx, "group_sessions", json!({"id": session, "organization_id": org, "program_id": program,
        "touchpoint_id": touchpoint, "started_at": "2026-11-03T08:00:00.000Z", "completed_at": "2026-11-03T08:20:00.000Z",
        "recorded_by": users[4].as_uuid()})).await?;
    for (i, (worker, _, _)) in workers.iter().take(120).enumerate() {
        let assignment = Uuid::now_v7();
        insert(
            &mut tx,
            "worker_assignments",
            json!({"id": assignment, "program_id": program, "worker_id": worker,
            "organization_id": org, "status": if i % 20 == 19 { "dropped" } else { "active" }}),
        )
        .await?;
        insert(
            &mut tx,
            "experiment_assignments",
            // Alternating pairs, so each variant has workers with progress and without.
            json!({"id": Uuid::now_v7(), "experiment_variant_id": variants[(i / 2) % 2],
            "worker_id": worker, "organization_id": org}),
        )
        .await?;
        let assignment_id = stride_domain::WorkerAssignmentId::from_uuid(assignment);
        if i % 20 != 19 {
            let (status, reflection) =
                if i % 2 == 0 { ("present", Some("I will drink water every hour")) } else { ("absent", None) };
            insert(
                &mut tx,
                "session_attendance",
                json!({"group_session_id": session, "worker_assignment_id": assignment,
                "organization_id": org, "status": status, "reflection_text": reflection}),
            )
            .await?;
        }
        if i % 2 == 0 {
            let progress = stride_domain::WorkerProgressId::of_session(session, assignment_id);
            insert(&mut tx, "worker_progress", json!({"id": progress, "worker_assignment_id": assignment,
                "touchpoint_id": touchpoint, "organization_id": org, "started_at": "2026-11-03T08:00:00.000Z",
                "completed_at": "2026-11-03T08:20:00.000Z", "score": 60 + (i % 40), "feedback_text": "Clear and useful"})).await?;
            insert(
                &mut tx,
                "worker_badges",
                json!({"worker_id": worker, "badge_id": finisher, "organization_id": org}),
            )
            .await?;
            // A few took the quiz a week later, answering the first two questions right.
            if i < 12 {
                let quiz_progress = Uuid::now_v7();
                insert(
                    &mut tx,
                    "worker_progress",
                    json!({"id": quiz_progress, "worker_assignment_id": assignment,
                    "touchpoint_id": quiz_touchpoint, "organization_id": org, "started_at": "2026-11-10T08:00:00.000Z",
                    "completed_at": "2026-11-10T08:15:00.000Z", "score": 50}),
                )
                .await?;
                insert(
                    &mut tx,
                    "quiz_attempts",
                    json!({"id": stride_domain::QuizAttemptId::of_progress(
                    stride_domain::WorkerProgressId::from_uuid(quiz_progress)), "worker_progress_id": quiz_progress,
                    "quiz_version_id": quiz_version, "organization_id": org, "points": 5, "total": 10,
                    "taken_by": if i % 4 == 0 { "worker" } else { "coordinator" },
                    "answers": {"q1": {"kind": "choice", "value": 0}, "q2": {"kind": "choices", "value": [0, 1]},
                        "q3": {"kind": "true_false", "value": false}, "q4": {"kind": "number", "value": 2}}}),
                )
                .await?;
            }
            // The badges' rules hold for the demo's own data, as a device would have awarded them.
            if 60 + (i % 40) >= 90 {
                insert(
                    &mut tx,
                    "worker_badges",
                    json!({"worker_id": worker, "badge_id": top_scorer, "organization_id": org}),
                )
                .await?;
            }
        }
    }
    tx.commit().await?;

    // The media this server serves for the demo's content (the video stays elsewhere).
    crate::media::add(pool, lakeside, "hydration.md", HYDRATION.as_bytes()).await?;
    crate::media::add(pool, lakeside, "safety-quiz.json", QUIZ.as_bytes()).await?;
    crate::media::add(pool, lakeside, "breathing.wav", &breathing_tone()).await?;

    // A second organization, so isolation can be seen.
    let hilltop =
        admin::create_organization(pool, &name("Hilltop Clinics"), OrganizationType::Client, SubscriptionTier::Basic)
            .await?;
    admin::create_user(
        pool,
        hilltop,
        &email("admin@hilltop.example"),
        Role::OrgAdmin,
        Some(&name("Hana Hilltop")),
        DEMO_PASSWORD,
    )
    .await?;
    admin::create_user(
        pool,
        hilltop,
        &email("coordinator@hilltop.example"),
        Role::Coordinator,
        Some(&name("Hugo Hilltop")),
        DEMO_PASSWORD,
    )
    .await?;
    let mut tx = pool.begin().await?;
    sqlx::query("SELECT set_config('stride.organization_id', $1, true)")
        .bind(hilltop.to_string())
        .execute(&mut *tx)
        .await?;
    for i in 0..20 {
        insert(
            &mut tx,
            "workers",
            json!({"id": Uuid::now_v7(), "organization_id": hilltop.as_uuid(),
            "full_name": format!("{} {}", FIRST[(i * 3) % FIRST.len()], LAST[i % LAST.len()]),
            "custom_attributes": {"site": "Hilltop"}}),
        )
        .await?;
    }
    tx.commit().await?;
    Ok(Seeded { organization_id: lakeside, second_organization_id: hilltop })
}

/// Inserts one row given as JSON (missing columns take their defaults).
async fn insert(
    tx: &mut Transaction<'_, Postgres>,
    table: &'static str,
    row: serde_json::Value,
) -> Result<(), sqlx::Error> {
    let columns: Vec<String> = row.as_object().map(|o| o.keys().cloned().collect()).unwrap_or_default();
    let sql = format!(
        "INSERT INTO {table} ({list}) SELECT {list} FROM jsonb_populate_record(NULL::{table}, $1)",
        list = columns.join(", ")
    );
    sqlx::query(sqlx::AssertSqlSafe(sql)).bind(row).execute(&mut **tx).await?;
    Ok(())
}

//! `stride-server demo generate`: a large organization for benchmarks and load tests,
//! made by PostgreSQL itself (generate_series), the same rows every time.
//!
//! At scale 1: 50,000 workers, 2,000 touchpoints, 1,000,000 progress rows and the other
//! tables in proportion. Ids are UUIDv7 as the app makes them (time-ordered), but with
//! a time and random bits derived from the row's kind and number, so two runs agree.
//! Loading turns the version trigger off per table and numbers the rows itself, in one
//! transaction: a million trigger calls would each bump the counter row. Tables are
//! locked while it runs; it is a loader, not something to run beside live devices.

use crate::admin;
use crate::error::ApiError;
use sqlx::PgPool;
use stride_domain::{Email, Name, OrganizationId, OrganizationType, Role, SubscriptionTier, UserId};

/// How big the generated organization is.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Scale {
    pub workers: i64,
    pub journeys: i64,
    pub programs: i64,
    pub content: i64,
    /// Progress rows per worker (each worker has one program assignment).
    pub progress_per_worker: i64,
}

impl Scale {
    /// The issue's large organization, times `factor` (1.0: 50,000 workers, 40 journeys
    /// of 5 phases of 10 touchpoints = 2,000 touchpoints, 1,000,000 progress rows).
    pub fn times(factor: f64) -> Self {
        let at_least = |n: f64, min: i64| ((n * factor).round() as i64).max(min);
        Self {
            workers: at_least(50_000.0, 10),
            journeys: at_least(40.0, 1),
            programs: at_least(10.0, 1),
            content: at_least(500.0, 4),
            progress_per_worker: 20,
        }
    }
}

/// What was made: the organization, its users (all with the given password) and rows.
#[derive(Debug, Clone)]
pub struct Generated {
    pub organization_id: OrganizationId,
    pub admin_email: Email,
    pub coordinator_email: Email,
    pub coordinator_id: UserId,
    /// Rows per table, in load order.
    pub rows: Vec<(&'static str, i64)>,
}

/// A deterministic UUIDv7: 48 bits of milliseconds (2026-01-01 plus the row number),
/// the version and variant, and bits of md5(kind:number). Lives for the session only.
const ID_FUNCTION: &str = r#"
CREATE FUNCTION pg_temp.gen_id(kind text, k bigint) RETURNS uuid LANGUAGE sql IMMUTABLE AS $$
  SELECT (lpad(to_hex(1767225600000 + k), 12, '0') || '7' || substr(h, 1, 3)
          || substr('89ab', 1 + get_byte(decode(substr(h, 4, 2), 'hex'), 0) % 4, 1)
          || substr(h, 6, 15))::uuid
  FROM (SELECT md5(kind || ':' || k) AS h) s
$$"#;

/// One table's rows: its name, how many, and a SELECT over `g` (1..=count) giving the
/// columns in `columns` order. `$1` is the organization, `$2` a user (authors).
struct TableLoad {
    table: &'static str,
    count: i64,
    columns: &'static str,
    select: String,
}

fn loads(s: &Scale) -> Vec<TableLoad> {
    let phases = s.journeys * 5;
    let touchpoints = phases * 10;
    let segments = 20;
    let experiments = 5;
    let badges = 20;
    let at = |seconds: &str| format!("timestamptz '2026-01-01 06:00:00+00' + ({seconds}) * interval '1 second'");
    vec![
        TableLoad {
            table: "workers",
            count: s.workers,
            columns: "id, organization_id, full_name, phone_number, well_being_score, performance_metric, custom_attributes, created_at, updated_at",
            select: format!(
                "pg_temp.gen_id('worker', g), $1,
                 (ARRAY['Amina','Baraka','Chiku','Daudi','Esther','Faraji','Grace','Hassan','Imani','Juma','Kamau','Lulu','Mwangi','Neema','Otieno','Pendo','Rehema','Salim','Tumaini','Wanjiru'])[1 + g % 20]
                   || ' ' || (ARRAY['Achieng','Barasa','Cheruiyot','Kariuki','Kiplagat','Macharia','Mutua','Njoroge','Odhiambo','Omondi','Wafula','Wekesa'])[1 + (g / 20) % 12]
                   || ' ' || (g / 240),
                 CASE WHEN g % 5 <> 0 THEN '+2547' || lpad((10000000 + g * 37 % 89999999)::text, 8, '0') END,
                 (g * 13) % 101, CASE WHEN g % 3 = 0 THEN (g * 7) % 101 END,
                 jsonb_build_object('site', (ARRAY['Kisumu','Kericho','Naivasha','Eldoret'])[1 + g % 4],
                                    'language', (ARRAY['sw','en','luo'])[1 + g % 3]),
                 {t}, {t}",
                t = at("g")
            ),
        },
        TableLoad {
            table: "segments",
            count: segments,
            columns: "id, organization_id, name, rule_definition, created_at, updated_at",
            select: format!(
                "pg_temp.gen_id('segment', g), $1, 'Segment ' || g,
                 jsonb_build_object('all', jsonb_build_array(jsonb_build_object('field', 'site', 'op', 'eq', 'value', 'Site ' || g))),
                 {t}, {t}",
                t = at("g")
            ),
        },
        TableLoad {
            table: "worker_segment",
            count: s.workers,
            columns: "worker_id, segment_id, organization_id, assigned_at",
            select: format!(
                "pg_temp.gen_id('worker', g), pg_temp.gen_id('segment', 1 + g % {segments}), $1, {}",
                at("g")
            ),
        },
        TableLoad {
            table: "content",
            count: s.content,
            columns: "id, organization_id, type, title, description, media_url, license_type, created_at, updated_at",
            select: format!(
                "pg_temp.gen_id('content', g), $1, (ARRAY['video','text','audio','quiz'])[1 + g % 4], 'Lesson ' || g,
                 'A short lesson for field teams, number ' || g, 'https://media.stride.example/lessons/' || g, 'free',
                 {t}, {t}",
                t = at("g")
            ),
        },
        TableLoad {
            table: "journey_blueprints",
            count: s.journeys,
            columns: "id, organization_id, title, purpose, created_by, updated_by, created_at, updated_at",
            select: format!(
                "pg_temp.gen_id('journey', g), $1, 'Journey ' || g, 'Better days at work, step ' || g, $2, $2, {t}, {t}",
                t = at("g")
            ),
        },
        TableLoad {
            table: "phases",
            count: phases,
            columns: "id, journey_blueprint_id, organization_id, name, sequence_order",
            select: "pg_temp.gen_id('phase', g), pg_temp.gen_id('journey', 1 + (g - 1) / 5), $1,
                     'Week ' || (1 + (g - 1) % 5), 1 + (g - 1) % 5"
                .into(),
        },
        TableLoad {
            table: "touchpoints",
            count: touchpoints,
            columns: "id, phase_id, content_id, organization_id, rule_logic, created_at, updated_at",
            select: format!(
                "pg_temp.gen_id('touchpoint', g), pg_temp.gen_id('phase', 1 + (g - 1) / 10),
                 pg_temp.gen_id('content', 1 + g % {content}), $1,
                 CASE WHEN (g - 1) % 10 = 0 THEN jsonb_build_object('after_days', 0)
                      ELSE jsonb_build_object('after_touchpoint', pg_temp.gen_id('touchpoint', g - 1), 'after_days', 2) END,
                 {t}, {t}",
                content = s.content,
                t = at("g")
            ),
        },
        TableLoad {
            table: "programs",
            count: s.programs,
            columns: "id, organization_id, name, start_date, end_date, created_by, updated_by, created_at, updated_at",
            select: format!(
                "pg_temp.gen_id('program', g), $1, 'Program ' || g, date '2026-01-05', date '2026-12-18', $2, $2, {t}, {t}",
                t = at("g")
            ),
        },
        TableLoad {
            table: "program_blueprints",
            count: s.journeys,
            columns: "id, program_id, journey_blueprint_id, organization_id, order_in_program",
            select: format!(
                "pg_temp.gen_id('program_blueprint', g), pg_temp.gen_id('program', 1 + g % {programs}),
                 pg_temp.gen_id('journey', g), $1, 1 + g / {programs}",
                programs = s.programs
            ),
        },
        TableLoad {
            table: "worker_assignments",
            count: s.workers,
            columns: "id, program_id, worker_id, organization_id, enrollment_date, status, created_at, updated_at",
            select: format!(
                "pg_temp.gen_id('assignment', g), pg_temp.gen_id('program', 1 + g % {programs}), pg_temp.gen_id('worker', g), $1,
                 {t}, (ARRAY['active','active','active','completed','dropped'])[1 + g % 5], {t}, {t}",
                programs = s.programs,
                t = at("g")
            ),
        },
        TableLoad {
            table: "worker_progress",
            count: s.workers * s.progress_per_worker,
            columns: "id, worker_assignment_id, touchpoint_id, organization_id, started_at, completed_at, score, feedback_text, created_at, updated_at",
            select: format!(
                "pg_temp.gen_id('progress', g), pg_temp.gen_id('assignment', 1 + (g - 1) / {per}),
                 pg_temp.gen_id('touchpoint', 1 + ((g - 1) / {per} * 7 + (g - 1) % {per}) % {touchpoints}), $1,
                 {started}, CASE WHEN g % 4 <> 0 THEN {done} END, CASE WHEN g % 4 <> 0 THEN 40 + (g * 17) % 61 END,
                 CASE WHEN g % 10 = 0 THEN 'Clear and useful' END, {started}, {started}",
                per = s.progress_per_worker,
                started = at("g * 3"),
                done = at("g * 3 + 1200"),
            ),
        },
        TableLoad {
            table: "experiments",
            count: experiments,
            columns: "id, organization_id, experiment_type, name, status, start_date, created_by, updated_by, created_at, updated_at",
            select: format!(
                "pg_temp.gen_id('experiment', g), $1, 'journey_level', 'Experiment ' || g, 'active', {t}, $2, $2, {t}, {t}",
                t = at("g")
            ),
        },
        TableLoad {
            table: "experiment_variants",
            count: experiments * 2,
            columns: "id, experiment_id, organization_id, variant_name, variant_details, created_at, updated_at",
            select: format!(
                "pg_temp.gen_id('variant', g), pg_temp.gen_id('experiment', 1 + (g - 1) / 2), $1,
                 CASE WHEN g % 2 = 1 THEN 'A' ELSE 'B' END, jsonb_build_object('weight', 50), {t}, {t}",
                t = at("g")
            ),
        },
        TableLoad {
            table: "experiment_assignments",
            count: s.workers / 5,
            columns: "id, experiment_variant_id, worker_id, organization_id, assigned_at",
            select: format!(
                "pg_temp.gen_id('experiment_assignment', g), pg_temp.gen_id('variant', 1 + g % {variants}),
                 pg_temp.gen_id('worker', g * 5), $1, {t}",
                variants = experiments * 2,
                t = at("g")
            ),
        },
        TableLoad {
            table: "badges",
            count: badges,
            columns: "id, organization_id, name, description, icon_url, created_at, updated_at",
            select: format!(
                "pg_temp.gen_id('badge', g), $1, 'Badge ' || g, 'Earned by steady work', 'https://media.stride.example/badges/' || g || '.svg', {t}, {t}",
                t = at("g")
            ),
        },
        TableLoad {
            table: "worker_badges",
            count: s.workers / 2,
            columns: "worker_id, badge_id, organization_id, awarded_at",
            select: format!(
                "pg_temp.gen_id('worker', g * 2), pg_temp.gen_id('badge', 1 + g % {badges}), $1, {t}",
                t = at("g")
            ),
        },
    ]
}

/// Makes an organization named `name` with an org admin and a coordinator (emails
/// admin@`slug`.example and coordinator@`slug`.example, both with `password`), then
/// loads its rows at `scale`.
pub async fn generate(pool: &PgPool, slug: &str, scale: Scale, password: &str) -> Result<Generated, ApiError> {
    let bad = |what: &str, e: String| ApiError::BadRequest(format!("{what}: {e}"));
    let name = Name::parse(&format!("Generated {slug}")).map_err(|e| bad("name", e.to_string()))?;
    let admin_email = Email::parse(&format!("admin@{slug}.example")).map_err(|e| bad("slug", e.to_string()))?;
    let coordinator_email =
        Email::parse(&format!("coordinator@{slug}.example")).map_err(|e| bad("slug", e.to_string()))?;
    let organization_id =
        admin::create_organization(pool, &name, OrganizationType::Client, SubscriptionTier::Premium).await?;
    let author = admin::create_user(pool, organization_id, &admin_email, Role::OrgAdmin, None, password).await?;
    let coordinator_id =
        admin::create_user(pool, organization_id, &coordinator_email, Role::Coordinator, None, password).await?;

    let mut tx = pool.begin().await?;
    sqlx::query("SELECT set_config('stride.organization_id', $1, true)")
        .bind(organization_id.to_string())
        .execute(&mut *tx)
        .await?;
    sqlx::raw_sql(ID_FUNCTION).execute(&mut *tx).await?;
    let mut version: i64 =
        sqlx::query_scalar("SELECT last_version FROM organization_versions WHERE organization_id = $1 FOR UPDATE")
            .bind(organization_id.as_uuid())
            .fetch_one(&mut *tx)
            .await?;
    let mut rows = Vec::new();
    for load in loads(&scale) {
        let table = load.table;
        sqlx::raw_sql(sqlx::AssertSqlSafe(format!("ALTER TABLE {table} DISABLE TRIGGER stamp_version")))
            .execute(&mut *tx)
            .await?;
        let sql = format!(
            "INSERT INTO {table} ({columns}, version) SELECT {select}, $3 + g FROM generate_series(1, $4::bigint) g",
            columns = load.columns,
            select = load.select,
        );
        sqlx::query(sqlx::AssertSqlSafe(sql))
            .bind(organization_id.as_uuid())
            .bind(author.as_uuid())
            .bind(version)
            .bind(load.count)
            .execute(&mut *tx)
            .await?;
        sqlx::raw_sql(sqlx::AssertSqlSafe(format!("ALTER TABLE {table} ENABLE TRIGGER stamp_version")))
            .execute(&mut *tx)
            .await?;
        version += load.count;
        rows.push((table, load.count));
    }
    sqlx::query("UPDATE organization_versions SET last_version = $2 WHERE organization_id = $1")
        .bind(organization_id.as_uuid())
        .bind(version)
        .execute(&mut *tx)
        .await?;
    tx.commit().await?;
    for (table, _) in &rows {
        sqlx::raw_sql(sqlx::AssertSqlSafe(format!("ANALYZE {table}"))).execute(pool).await?;
    }
    Ok(Generated { organization_id, admin_email, coordinator_email, coordinator_id, rows })
}

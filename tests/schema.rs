//! The entity registry held against both real schemas (SQLite from the device
//! migrations, PostgreSQL from the server migrations): every table, column, type,
//! nullability, key and foreign key. Then what the PostgreSQL schema itself promises:
//! row-level security per organization, foreign keys that cannot cross organizations,
//! per-organization versions, and migrations that upgrade a database in place.

use crate::support::TestDatabase;
use sqlx::Row;
use std::collections::BTreeSet;
use stride_domain::registry::REGISTRY;
use stride_domain::{ColumnType, EntitySpec, OnDelete};

const DEVICE_SYNC_COLUMNS: &[&str] = &["server_version", "deleted_at"];
const SERVER_SYNC_COLUMNS: &[&str] = &["version", "field_hlc", "deleted_at"];

fn sqlite_type(ty: ColumnType) -> &'static str {
    match ty {
        ColumnType::Integer => "INTEGER",
        ColumnType::Real => "REAL",
        _ => "TEXT",
    }
}

fn postgres_types(ty: ColumnType) -> &'static [&'static str] {
    match ty {
        ColumnType::Uuid => &["uuid"],
        ColumnType::Text => &["character varying", "text"],
        ColumnType::Enum(_) => &["character varying"],
        ColumnType::Integer => &["integer"],
        ColumnType::Real => &["double precision", "numeric"],
        ColumnType::Timestamp => &["timestamp with time zone"],
        ColumnType::Date => &["date"],
        ColumnType::Json => &["jsonb"],
    }
}

fn expected_columns(spec: &EntitySpec, sync: &[&str]) -> BTreeSet<String> {
    spec.columns.iter().map(|c| c.name).chain(sync.iter().copied()).map(str::to_owned).collect()
}

#[test]
fn the_registry_matches_the_device_schema() {
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("device.sqlite3");
    let keys = std::sync::Arc::new(stride_store::KeptInMemory::new());
    drop(stride_store::Store::open(&path, keys.clone()).unwrap());
    let conn = rusqlite::Connection::open(&path).unwrap();
    stride_store::unlock(&conn, &keys.key().unwrap()).unwrap();
    assert_eq!(REGISTRY.len(), 26);
    for spec in REGISTRY {
        let table = spec.table;
        let mut statement = conn.prepare("SELECT name, type, \"notnull\", pk FROM pragma_table_info(?1)").unwrap();
        let columns: Vec<(String, String, bool, i64)> = statement
            .query_map([table], |row| Ok((row.get(0)?, row.get(1)?, row.get(2)?, row.get(3)?)))
            .unwrap()
            .map(Result::unwrap)
            .collect();
        let actual: BTreeSet<String> = columns.iter().map(|c| c.0.clone()).collect();
        assert_eq!(actual, expected_columns(spec, DEVICE_SYNC_COLUMNS), "{table}: columns");
        for column in spec.columns {
            let (_, ty, not_null, _) = columns.iter().find(|c| c.0 == column.name).unwrap();
            assert_eq!(ty, sqlite_type(column.ty), "{table}.{}: type", column.name);
            assert_eq!(*not_null, !column.nullable, "{table}.{}: NOT NULL", column.name);
        }
        let mut key: Vec<&(String, String, bool, i64)> = columns.iter().filter(|c| c.3 > 0).collect();
        key.sort_by_key(|c| c.3);
        assert_eq!(key.iter().map(|c| c.0.as_str()).collect::<Vec<_>>(), spec.key, "{table}: primary key");

        let mut statement =
            conn.prepare("SELECT \"from\", \"table\", \"to\", on_delete FROM pragma_foreign_key_list(?1)").unwrap();
        let actual: BTreeSet<(String, String, String, String)> = statement
            .query_map([table], |row| Ok((row.get(0)?, row.get(1)?, row.get(2)?, row.get(3)?)))
            .unwrap()
            .map(Result::unwrap)
            .collect();
        let expected: BTreeSet<(String, String, String, String)> = spec
            .columns
            .iter()
            .filter_map(|c| {
                c.references
                    .map(|fk| (c.name.to_owned(), fk.table.to_owned(), "id".to_owned(), fk.on_delete.sql().to_owned()))
            })
            .collect();
        assert_eq!(actual, expected, "{table}: foreign keys");
    }
}

/// A foreign key as PostgreSQL keeps it.
pub(crate) struct ForeignKey {
    pub columns: Vec<String>,
    pub parent: String,
    pub parent_columns: Vec<String>,
    /// `confdeltype`: c (cascade), r (restrict), n (set null), a (no action).
    pub on_delete: String,
}

/// Every foreign key of a table.
pub(crate) async fn foreign_keys(db: &TestDatabase, table: &str) -> Vec<ForeignKey> {
    sqlx::query(
        "SELECT array(SELECT a.attname::text FROM unnest(c.conkey) WITH ORDINALITY k(n, i)
                      JOIN pg_attribute a ON a.attrelid = c.conrelid AND a.attnum = k.n ORDER BY k.i) AS columns,
                c.confrelid::regclass::text AS parent,
                array(SELECT a.attname::text FROM unnest(c.confkey) WITH ORDINALITY k(n, i)
                      JOIN pg_attribute a ON a.attrelid = c.confrelid AND a.attnum = k.n ORDER BY k.i) AS parent_columns,
                c.confdeltype::text AS on_delete
         FROM pg_constraint c WHERE c.conrelid = $1::regclass AND c.contype = 'f'",
    )
    .bind(table)
    .fetch_all(&db.pool)
    .await
    .unwrap()
    .into_iter()
    .map(|row| ForeignKey {
        columns: row.get("columns"),
        parent: row.get("parent"),
        parent_columns: row.get("parent_columns"),
        on_delete: row.get("on_delete"),
    })
    .collect()
}

/// Foreign keys of a table as (local columns, referenced table, ON DELETE).
async fn postgres_foreign_keys(db: &TestDatabase, table: &str) -> BTreeSet<(Vec<String>, String, String)> {
    foreign_keys(db, table).await.into_iter().map(|key| (key.columns, key.parent, key.on_delete)).collect()
}

#[tokio::test]
async fn the_registry_matches_the_server_schema() {
    let db = TestDatabase::migrated().await;
    for spec in REGISTRY {
        let table = spec.table;
        let rows = sqlx::query(
            "SELECT column_name::text AS name, data_type::text AS ty, is_nullable::text = 'YES' AS nullable
             FROM information_schema.columns WHERE table_schema = 'public' AND table_name = $1",
        )
        .bind(table)
        .fetch_all(&db.pool)
        .await
        .unwrap();
        let actual: BTreeSet<String> = rows.iter().map(|r| r.get::<String, _>("name")).collect();
        assert_eq!(actual, expected_columns(spec, SERVER_SYNC_COLUMNS), "{table}: columns");
        for column in spec.columns {
            let row = rows.iter().find(|r| r.get::<String, _>("name") == column.name).unwrap();
            let ty: String = row.get("ty");
            assert!(postgres_types(column.ty).contains(&ty.as_str()), "{table}.{}: type {ty}", column.name);
            assert_eq!(row.get::<bool, _>("nullable"), column.nullable, "{table}.{}: NOT NULL", column.name);
        }

        let key: Vec<String> = sqlx::query_scalar(
            "SELECT array(SELECT a.attname::text FROM unnest(i.indkey) WITH ORDINALITY k(n, o)
                          JOIN pg_attribute a ON a.attrelid = i.indrelid AND a.attnum = k.n ORDER BY k.o)
             FROM pg_index i WHERE i.indrelid = $1::regclass AND i.indisprimary",
        )
        .bind(table)
        .fetch_one(&db.pool)
        .await
        .unwrap();
        let mut expected_key: Vec<&str> = spec.key.to_vec();
        if spec.tenant_column() == "organization_id" {
            expected_key.insert(0, "organization_id");
        }
        assert_eq!(key, expected_key, "{table}: primary key (organization_id first)");

        let on_delete = |rule: OnDelete| match rule {
            OnDelete::Cascade => "c",
            OnDelete::Restrict => "r",
            OnDelete::SetNull => "n",
        };
        let expected: BTreeSet<(Vec<String>, String, String)> = spec
            .columns
            .iter()
            .filter_map(|c| {
                let fk = c.references?;
                let columns = if c.name == "organization_id" {
                    vec![c.name.to_owned()]
                } else {
                    vec!["organization_id".to_owned(), c.name.to_owned()]
                };
                Some((columns, fk.table.to_owned(), on_delete(fk.on_delete).to_owned()))
            })
            .collect();
        assert_eq!(postgres_foreign_keys(&db, table).await, expected, "{table}: foreign keys carry organization_id");

        let (enabled, forced, policies): (bool, bool, i64) = sqlx::query_as(
            "SELECT c.relrowsecurity, c.relforcerowsecurity, (SELECT count(*) FROM pg_policies p WHERE p.tablename = c.relname)
             FROM pg_class c WHERE c.oid = $1::regclass",
        )
        .bind(table)
        .fetch_one(&db.pool)
        .await
        .unwrap();
        assert!(enabled && forced && policies == 1, "{table}: row-level security");
    }
    db.drop().await;
}

const ORG_A: &str = "0193a000-0000-7000-8000-00000000000a";
const ORG_B: &str = "0193a000-0000-7000-8000-00000000000b";

async fn seed_two_organizations(db: &TestDatabase) {
    sqlx::raw_sql(sqlx::AssertSqlSafe(format!(
        "INSERT INTO organizations (id, name, type, subscription_tier) VALUES
           ('{ORG_A}', 'A', 'client', 'basic'), ('{ORG_B}', 'B', 'expert', 'premium');
         INSERT INTO workers (id, organization_id, full_name) VALUES
           (gen_random_uuid(), '{ORG_A}', 'Ann'), (gen_random_uuid(), '{ORG_B}', 'Bo');
         INSERT INTO programs (id, organization_id, name) VALUES
           ('0193a000-0000-7000-8000-0000000000b1', '{ORG_B}', 'B''s program');"
    )))
    .execute(&db.pool)
    .await
    .unwrap();
}

#[tokio::test]
async fn row_level_security_shows_a_request_only_its_own_organization() {
    let db = TestDatabase::migrated().await;
    seed_two_organizations(&db).await;
    let mut tx = db.pool.begin().await.unwrap();
    sqlx::raw_sql(sqlx::AssertSqlSafe(format!(
        "SET LOCAL ROLE stride_app; SET LOCAL stride.organization_id = '{ORG_A}'"
    )))
    .execute(&mut *tx)
    .await
    .unwrap();
    let names: Vec<String> = sqlx::query_scalar("SELECT full_name FROM workers").fetch_all(&mut *tx).await.unwrap();
    assert_eq!(names, ["Ann"], "a query without any WHERE still sees one organization");
    let orgs: Vec<String> = sqlx::query_scalar("SELECT name FROM organizations").fetch_all(&mut *tx).await.unwrap();
    assert_eq!(orgs, ["A"]);
    let programs: i64 = sqlx::query_scalar("SELECT count(*) FROM programs").fetch_one(&mut *tx).await.unwrap();
    assert_eq!(programs, 0);
    let write_into_b = sqlx::raw_sql(sqlx::AssertSqlSafe(format!(
        "INSERT INTO workers (id, organization_id, full_name) VALUES (gen_random_uuid(), '{ORG_B}', 'Intruder')"
    )))
    .execute(&mut *tx)
    .await;
    assert!(
        write_into_b.unwrap_err().to_string().contains("row-level security"),
        "writing another organization's row is refused"
    );
    tx.rollback().await.unwrap();

    // With no organization set, nothing is visible at all.
    let mut tx = db.pool.begin().await.unwrap();
    sqlx::raw_sql("SET LOCAL ROLE stride_app").execute(&mut *tx).await.unwrap();
    let count: i64 = sqlx::query_scalar("SELECT count(*) FROM workers").fetch_one(&mut *tx).await.unwrap();
    assert_eq!(count, 0);
    tx.rollback().await.unwrap();
    db.drop().await;
}

#[tokio::test]
async fn a_row_cannot_point_at_another_organizations_row() {
    let db = TestDatabase::migrated().await;
    seed_two_organizations(&db).await;
    let crossing = sqlx::raw_sql(sqlx::AssertSqlSafe(format!(
        "INSERT INTO worker_assignments (id, program_id, worker_id, organization_id)
         SELECT gen_random_uuid(), '0193a000-0000-7000-8000-0000000000b1', id, '{ORG_A}' FROM workers WHERE organization_id = '{ORG_A}'"
    )))
    .execute(&db.pool)
    .await;
    assert!(crossing.unwrap_err().to_string().contains("fk_wa_program"), "even the owner cannot cross organizations");
    db.drop().await;
}

/// The versions of an organization's rows in the seeded tables, in order.
async fn versions_of(db: &TestDatabase, org: &str) -> Vec<i64> {
    sqlx::query_scalar::<_, i64>(
        "SELECT version FROM organizations WHERE id = $1::uuid
         UNION ALL SELECT version FROM workers WHERE organization_id = $1::uuid
         UNION ALL SELECT version FROM programs WHERE organization_id = $1::uuid ORDER BY 1",
    )
    .bind(org)
    .fetch_all(&db.pool)
    .await
    .unwrap()
}

#[tokio::test]
async fn versions_count_up_per_organization_across_tables() {
    let db = TestDatabase::migrated().await;
    seed_two_organizations(&db).await;
    assert_eq!(versions_of(&db, ORG_A).await, [1, 2]);
    assert_eq!(versions_of(&db, ORG_B).await, [1, 2, 3]);
    sqlx::raw_sql(sqlx::AssertSqlSafe(format!(
        "UPDATE workers SET full_name = 'Ann M.' WHERE organization_id = '{ORG_A}'"
    )))
    .execute(&db.pool)
    .await
    .unwrap();
    assert_eq!(versions_of(&db, ORG_A).await, [1, 3], "an update takes the next version");
    db.drop().await;
}

#[tokio::test]
async fn versions_taken_by_one_transaction_follow_its_savepoints_and_reach_the_counter_at_commit() {
    let db = TestDatabase::migrated().await;
    seed_two_organizations(&db).await;
    let counter = |org: &'static str| {
        let pool = db.pool.clone();
        async move {
            sqlx::query_scalar::<_, i64>(
                "SELECT last_version FROM organization_versions WHERE organization_id = $1::uuid",
            )
            .bind(org)
            .fetch_one(&pool)
            .await
            .unwrap()
        }
    };
    let add = |org: &str, count: i64| {
        format!(
            "INSERT INTO workers (id, organization_id, full_name)
             SELECT gen_random_uuid(), '{org}', 'Worker ' || g FROM generate_series(1, {count}) g"
        )
    };
    let mut tx = db.pool.begin().await.unwrap();
    for statement in [
        add(ORG_A, 3000),
        "SAVEPOINT first_try".into(),
        add(ORG_A, 10),
        "ROLLBACK TO SAVEPOINT first_try".into(),
        add(ORG_A, 5),
        "SAVEPOINT more".into(),
        add(ORG_A, 7),
        "RELEASE SAVEPOINT more".into(),
        // Another organization in the same transaction, and back.
        add(ORG_B, 2),
        add(ORG_A, 1),
    ] {
        sqlx::raw_sql(sqlx::AssertSqlSafe(statement)).execute(&mut *tx).await.unwrap();
    }
    // Until the commit, other transactions see the counter as it was.
    assert_eq!(counter(ORG_A).await, 2);
    tx.commit().await.unwrap();

    let a = versions_of(&db, ORG_A).await;
    assert_eq!(a, (1..=2 + 3000 + 5 + 7 + 1).collect::<Vec<i64>>(), "one version each, none twice, no gap");
    assert_eq!(counter(ORG_A).await, *a.last().unwrap(), "the counter holds the last version taken");
    let b = versions_of(&db, ORG_B).await;
    assert_eq!(b, (1..=5).collect::<Vec<i64>>());
    assert_eq!(counter(ORG_B).await, 5);
    sqlx::raw_sql(sqlx::AssertSqlSafe(add(ORG_A, 1))).execute(&db.pool).await.unwrap();
    assert_eq!(
        versions_of(&db, ORG_A).await.last(),
        Some(&(a.len() as i64 + 1)),
        "the next transaction goes on from it"
    );
    db.drop().await;
}

/// sqlx's migrator over some of the shipped migrations, or with one a release would add.
fn migrator_of(migrations: Vec<sqlx::migrate::Migration>) -> sqlx::migrate::Migrator {
    sqlx::migrate::Migrator::with_migrations(migrations)
}

fn future_migration(sql: &'static str) -> sqlx::migrate::Migration {
    use sqlx::SqlSafeStr;
    let version = stride_server::db::MIGRATOR.iter().last().unwrap().version + 1;
    sqlx::migrate::Migration::new(
        version,
        "worker_nickname".into(),
        sqlx::migrate::MigrationType::Simple,
        sql.into_sql_str(),
        false,
    )
}

#[tokio::test]
async fn server_migrations_upgrade_a_database_of_the_first_version_in_place() {
    use stride_server::db::{apply, MigrateError, MIGRATOR};
    let db = TestDatabase::empty().await;
    let first = migrator_of(MIGRATOR.iter().take(1).cloned().collect());
    apply(&db.pool, &first).await.unwrap();
    seed_two_organizations(&db).await;

    // Every shipped migration, and one more as a future release would add it.
    let next = future_migration("ALTER TABLE workers ADD COLUMN nickname TEXT;");
    let next_version = next.version;
    let upgraded = migrator_of(MIGRATOR.iter().cloned().chain([next]).collect());
    // Two servers starting at once: the advisory lock lets one migrate, the other waits.
    let (a, b) = tokio::join!(apply(&db.pool, &upgraded), apply(&db.pool, &upgraded));
    a.unwrap();
    b.unwrap();
    let workers: i64 =
        sqlx::query_scalar("SELECT count(*) FROM workers WHERE nickname IS NULL").fetch_one(&db.pool).await.unwrap();
    assert_eq!(workers, 2, "the rows written at version 1 are still there");

    let edited = migrator_of(
        MIGRATOR.iter().cloned().chain([future_migration("ALTER TABLE workers ADD COLUMN nick TEXT;")]).collect(),
    );
    let err = apply(&db.pool, &edited).await.unwrap_err();
    assert!(matches!(err, MigrateError::Edited { version } if version == next_version), "{err}");
    // The refusal above left no lock behind (sqlx's migrator returns without releasing
    // it), so this one is answered rather than waiting forever.
    let err = tokio::time::timeout(std::time::Duration::from_secs(30), apply(&db.pool, &first))
        .await
        .expect("a refused migration left its lock behind")
        .unwrap_err();
    assert!(matches!(err, MigrateError::TooNew { found, known: 1 } if found > 1), "{err}");
    db.drop().await;
}

/// What a server before sqlx left: every shipped migration applied, recorded in its own
/// `schema_migrations` table with each file's fingerprint.
async fn migrate_as_before_sqlx(db: &TestDatabase, edit_of: Option<i64>) {
    use stride_domain::migration::fingerprint;
    sqlx::raw_sql(
        "CREATE TABLE schema_migrations (
           version BIGINT PRIMARY KEY, name TEXT NOT NULL, fingerprint TEXT NOT NULL,
           applied_at TIMESTAMPTZ NOT NULL DEFAULT now())",
    )
    .execute(&db.pool)
    .await
    .unwrap();
    for migration in stride_server::db::MIGRATOR.iter() {
        sqlx::raw_sql(sqlx::AssertSqlSafe(migration.sql.as_str().to_owned())).execute(&db.pool).await.unwrap();
        let sql = if edit_of == Some(migration.version) { "-- edited" } else { migration.sql.as_str() };
        sqlx::query("INSERT INTO schema_migrations (version, name, fingerprint) VALUES ($1, $2, $3)")
            .bind(migration.version)
            .bind(migration.description.as_ref())
            .bind(fingerprint(sql))
            .execute(&db.pool)
            .await
            .unwrap();
    }
}

#[tokio::test]
async fn a_database_migrated_before_sqlx_is_carried_over_once_and_keeps_its_rows() {
    use stride_server::db::{migrate, MIGRATOR};
    let db = TestDatabase::empty().await;
    migrate_as_before_sqlx(&db, None).await;
    seed_two_organizations(&db).await;

    let (a, b) = tokio::join!(migrate(&db.pool), migrate(&db.pool));
    a.unwrap();
    b.unwrap();
    let recorded: Vec<i64> = sqlx::query_scalar("SELECT version FROM _sqlx_migrations WHERE success ORDER BY version")
        .fetch_all(&db.pool)
        .await
        .unwrap();
    assert_eq!(recorded, MIGRATOR.iter().map(|m| m.version).collect::<Vec<_>>(), "every version, none applied twice");
    let old: Option<String> =
        sqlx::query_scalar("SELECT to_regclass('schema_migrations')::text").fetch_one(&db.pool).await.unwrap();
    assert_eq!(old, None, "the old table is gone");
    let workers: i64 = sqlx::query_scalar("SELECT count(*) FROM workers").fetch_one(&db.pool).await.unwrap();
    assert_eq!(workers, 2);
    migrate(&db.pool).await.expect("a second start finds nothing to do");
    db.drop().await;
}

#[tokio::test]
async fn a_database_migrated_before_sqlx_with_an_edited_migration_is_refused() {
    use stride_server::db::{migrate, MigrateError};
    let db = TestDatabase::empty().await;
    migrate_as_before_sqlx(&db, Some(3)).await;
    let err = migrate(&db.pool).await.unwrap_err();
    assert!(matches!(err, MigrateError::Edited { version: 3 }), "{err}");
    let old: Option<String> =
        sqlx::query_scalar("SELECT to_regclass('schema_migrations')::text").fetch_one(&db.pool).await.unwrap();
    assert!(old.is_some(), "nothing is carried over from a history that does not match");
    db.drop().await;
}

#[tokio::test]
async fn license_types_typed_before_they_were_an_enumeration_are_kept_when_the_server_upgrades() {
    use stride_server::db::{apply, MIGRATOR};
    let db = TestDatabase::empty().await;
    let before = migrator_of(MIGRATOR.iter().take_while(|m| m.version < 14).cloned().collect());
    apply(&db.pool, &before).await.unwrap();
    seed_two_organizations(&db).await;
    sqlx::raw_sql(sqlx::AssertSqlSafe(format!(
        "INSERT INTO content (id, organization_id, type, title, description, license_type) VALUES
           ('0193a000-0000-7000-8000-0000000000c1', '{ORG_A}', 'video', 'One', NULL, ' Paid'),
           ('0193a000-0000-7000-8000-0000000000c2', '{ORG_A}', 'video', 'Two', 'Lifting', 'CC-BY 4.0'),
           ('0193a000-0000-7000-8000-0000000000c3', '{ORG_A}', 'video', 'Three', NULL, NULL);"
    )))
    .execute(&db.pool)
    .await
    .unwrap();
    apply(&db.pool, &MIGRATOR).await.unwrap();
    let rows: Vec<(String, Option<String>, Option<String>)> =
        sqlx::query_as("SELECT title, description, license_type FROM content ORDER BY id")
            .fetch_all(&db.pool)
            .await
            .unwrap();
    assert_eq!(
        rows,
        [
            ("One".into(), None, Some("paid".into())),
            ("Two".into(), Some("Lifting\n\nLicense: CC-BY 4.0".into()), None),
            ("Three".into(), None, None),
        ]
    );
    let refused = sqlx::raw_sql(sqlx::AssertSqlSafe(format!(
        "UPDATE content SET license_type = 'cc' WHERE organization_id = '{ORG_A}'"
    )))
    .execute(&db.pool)
    .await
    .unwrap_err();
    assert!(refused.to_string().contains("ck_content_license_type"), "{refused}");
    db.drop().await;
}

//! The central database's migrations: the files of migrations/server, embedded in the
//! binary by `sqlx::migrate!` and applied by sqlx's migrator (each in its own transaction,
//! under an advisory lock, refusing a shipped migration that was later edited and a
//! database that has a migration this server does not know). Servers before sqlx kept
//! their own `schema_migrations` table; `bridge` carries it over once.

use sqlx::migrate::{MigrateError as SqlxMigrateError, Migrator};
use sqlx::{PgPool, Row};
use stride_domain::migration::fingerprint;

/// Every server migration, in order. Append only: never edit or remove a shipped one.
pub static MIGRATOR: Migrator = sqlx::migrate!("../../migrations/server");

/// How many connections the server keeps to PostgreSQL by default: twice the cores.
/// Measured with `make bench` on 2 cores, 100 devices syncing at once: 16 connections
/// gave a p99 of 2.1 s and 2,500 changes a second, 4 gave 0.8 s and 4,400. With more
/// statements running than cores, a transaction holding its organization's version
/// lock is preempted, and every other writer of that organization waits for it.
pub fn default_pool_size() -> u32 {
    std::thread::available_parallelism().map_or(4, |cores| 2 * cores.get() as u32)
}

/// An arbitrary constant naming the bridge's lock among advisory locks (the one the
/// servers before sqlx took to migrate).
const BRIDGE_LOCK: i64 = 0x5354_5249_4445;

#[derive(Debug, thiserror::Error)]
pub enum MigrateError {
    #[error("database migration {version} failed")]
    Failed { version: i64, source: sqlx::Error },
    #[error("database migration {version} was changed after it was applied; shipped migrations must not be edited")]
    Edited { version: i64 },
    #[error("the database has migration {found}, which this server does not know (it knows up to {known})")]
    TooNew { found: i64, known: i64 },
    #[error("could not migrate the database")]
    Migrator(#[source] SqlxMigrateError),
    #[error("could not read the database's migrations")]
    Database(#[from] sqlx::Error),
}

impl MigrateError {
    fn from_migrator(error: SqlxMigrateError, migrator: &Migrator) -> Self {
        match error {
            SqlxMigrateError::VersionMismatch(version) => Self::Edited { version },
            SqlxMigrateError::VersionMissing(found) => Self::TooNew { found, known: last_version(migrator) },
            SqlxMigrateError::ExecuteMigration(source, version) => Self::Failed { version, source },
            SqlxMigrateError::Execute(source) => Self::Database(source),
            other => Self::Migrator(other),
        }
    }
}

fn last_version(migrator: &Migrator) -> i64 {
    migrator.iter().map(|migration| migration.version).max().unwrap_or(0)
}

/// Applies the server migrations the database does not have yet.
pub async fn migrate(pool: &PgPool) -> Result<(), MigrateError> {
    apply(pool, &MIGRATOR).await
}

/// Applies `migrator`'s migrations the database does not have yet (tests give a prefix,
/// or a release to come).
pub async fn apply(pool: &PgPool, migrator: &Migrator) -> Result<(), MigrateError> {
    bridge(pool, migrator).await?;
    let mut conn = pool.acquire().await?;
    let result = migrator.run(&mut *conn).await;
    if result.is_err() {
        // sqlx returns early from a refused history (an edited or unknown migration)
        // without releasing its advisory lock, which belongs to the session: release it
        // before the connection goes back to the pool, or the next migration waits forever.
        sqlx::query("SELECT pg_advisory_unlock_all()").execute(&mut *conn).await?;
    }
    result.map_err(|error| MigrateError::from_migrator(error, migrator))
}

/// Carries a database migrated by a server before sqlx over to sqlx's table, once: each
/// version in `schema_migrations` is checked against the file this server has (the same
/// fingerprint as before) and recorded as applied with sqlx's checksum; then the old
/// table goes. A database without it is left alone.
async fn bridge(pool: &PgPool, migrator: &Migrator) -> Result<(), MigrateError> {
    let mut conn = pool.acquire().await?;
    sqlx::query("SELECT pg_advisory_lock($1)").bind(BRIDGE_LOCK).execute(&mut *conn).await?;
    let result = bridge_locked(&mut conn, migrator).await;
    sqlx::query("SELECT pg_advisory_unlock($1)").bind(BRIDGE_LOCK).execute(&mut *conn).await?;
    result
}

async fn bridge_locked(conn: &mut sqlx::PgConnection, migrator: &Migrator) -> Result<(), MigrateError> {
    let mut tx = sqlx::Connection::begin(&mut *conn).await?;
    let old_table: Option<String> =
        sqlx::query_scalar("SELECT to_regclass('schema_migrations')::text").fetch_one(&mut *tx).await?;
    if old_table.is_none() {
        return Ok(());
    }
    // The same table sqlx creates, so its migrator finds it ready.
    sqlx::raw_sql(
        "CREATE TABLE IF NOT EXISTS _sqlx_migrations (
           version        BIGINT PRIMARY KEY,
           description    TEXT NOT NULL,
           installed_on   TIMESTAMPTZ NOT NULL DEFAULT now(),
           success        BOOLEAN NOT NULL,
           checksum       BYTEA NOT NULL,
           execution_time BIGINT NOT NULL
         )",
    )
    .execute(&mut *tx)
    .await?;
    let applied = sqlx::query("SELECT version, fingerprint, applied_at FROM schema_migrations ORDER BY version")
        .fetch_all(&mut *tx)
        .await?;
    for row in applied {
        let version: i64 = row.get("version");
        let known = migrator.iter().find(|migration| migration.version == version);
        let Some(migration) = known else {
            return Err(MigrateError::TooNew { found: version, known: last_version(migrator) });
        };
        if row.get::<String, _>("fingerprint") != fingerprint(migration.sql.as_str()) {
            return Err(MigrateError::Edited { version });
        }
        sqlx::query(
            "INSERT INTO _sqlx_migrations (version, description, installed_on, success, checksum, execution_time)
             VALUES ($1, $2, $3, TRUE, $4, 0)
             ON CONFLICT (version) DO NOTHING",
        )
        .bind(version)
        .bind(migration.description.as_ref())
        .bind(row.get::<chrono::DateTime<chrono::Utc>, _>("applied_at"))
        .bind(migration.checksum.as_ref())
        .execute(&mut *tx)
        .await?;
    }
    sqlx::raw_sql("DROP TABLE schema_migrations").execute(&mut *tx).await?;
    tx.commit().await?;
    tracing::info!("carried the server's migration history over to sqlx's table");
    Ok(())
}

/// The database's schema against this server's: the last migration applied, and the
/// last one this server has (equal when the schema is current).
pub async fn schema_versions(pool: &PgPool) -> Result<(i64, i64), sqlx::Error> {
    let applied: i64 = sqlx::query_scalar("SELECT coalesce(max(version), 0) FROM _sqlx_migrations WHERE success")
        .fetch_one(pool)
        .await?;
    Ok((applied, last_version(&MIGRATOR)))
}

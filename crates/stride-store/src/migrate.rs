//! The device schema's migrations, embedded in the app and applied at open, each in its
//! own transaction. Applied migrations are remembered with a fingerprint of their SQL,
//! so an edited shipped migration is refused rather than silently skipped.

use crate::{Result, StoreError};
use rusqlite::{params, Connection, OptionalExtension};
use stride_domain::migration::{fingerprint, Migration};

/// Every device migration, in order. Append only: never edit or remove a shipped one.
pub const DEVICE_MIGRATIONS: &[Migration] = &[
    Migration { version: 1, name: "initial", sql: include_str!("../../../migrations/device/0001_initial.sql") },
    Migration {
        version: 2,
        name: "first_sync_head",
        sql: include_str!("../../../migrations/device/0002_first_sync_head.sql"),
    },
    Migration { version: 3, name: "sync_runs", sql: include_str!("../../../migrations/device/0003_sync_runs.sql") },
    Migration {
        version: 4,
        name: "recent_activity",
        sql: include_str!("../../../migrations/device/0004_recent_activity.sql"),
    },
    Migration { version: 5, name: "authoring", sql: include_str!("../../../migrations/device/0005_authoring.sql") },
    Migration {
        version: 6,
        name: "media_downloads",
        sql: include_str!("../../../migrations/device/0006_media_downloads.sql"),
    },
    Migration { version: 7, name: "conflicts", sql: include_str!("../../../migrations/device/0007_conflicts.sql") },
    Migration {
        version: 8,
        name: "group_sessions",
        sql: include_str!("../../../migrations/device/0008_group_sessions.sql"),
    },
    Migration { version: 9, name: "quizzes", sql: include_str!("../../../migrations/device/0009_quizzes.sql") },
    Migration { version: 10, name: "well_being", sql: include_str!("../../../migrations/device/0010_well_being.sql") },
    Migration {
        version: 11,
        name: "points_and_challenges",
        sql: include_str!("../../../migrations/device/0011_points_and_challenges.sql"),
    },
    Migration {
        version: 12,
        name: "reminder_snoozes",
        sql: include_str!("../../../migrations/device/0012_reminder_snoozes.sql"),
    },
    Migration {
        version: 13,
        name: "deactivated_users",
        sql: include_str!("../../../migrations/device/0013_deactivated_users.sql"),
    },
    Migration {
        version: 14,
        name: "change_authors",
        sql: include_str!("../../../migrations/device/0014_change_authors.sql"),
    },
    Migration { version: 15, name: "people", sql: include_str!("../../../migrations/device/0015_people.sql") },
    Migration {
        version: 16,
        name: "license_types",
        sql: include_str!("../../../migrations/device/0016_license_types.sql"),
    },
    Migration {
        version: 17,
        name: "marketplace_sources",
        sql: include_str!("../../../migrations/device/0017_marketplace_sources.sql"),
    },
    Migration {
        version: 18,
        name: "licensed_until",
        sql: include_str!("../../../migrations/device/0018_licensed_until.sql"),
    },
    Migration {
        version: 19,
        name: "recent_enrollments_and_workers",
        sql: include_str!("../../../migrations/device/0019_recent_enrollments_and_workers.sql"),
    },
    Migration {
        version: 20,
        name: "sync_scopes",
        sql: include_str!("../../../migrations/device/0020_sync_scopes.sql"),
    },
];

pub(crate) fn apply_pending(conn: &mut Connection) -> Result<()> {
    apply_migrations(conn, DEVICE_MIGRATIONS)
}

/// Applies `migrations` that the database does not have yet (the app applies
/// [`DEVICE_MIGRATIONS`] at open; tests apply a prefix to make an older database).
pub fn apply_migrations(conn: &mut Connection, migrations: &[Migration]) -> Result<()> {
    conn.execute_batch(
        "CREATE TABLE IF NOT EXISTS schema_migrations (
           version     INTEGER PRIMARY KEY,
           name        TEXT NOT NULL,
           fingerprint TEXT NOT NULL,
           applied_at  TEXT NOT NULL
         )",
    )?;
    let known = migrations.last().map_or(0, |m| m.version);
    let found = schema_version(conn)?;
    if found > known {
        return Err(StoreError::SchemaTooNew { found, known });
    }
    for migration in migrations {
        let applied: Option<(String, String)> = conn
            .query_row(
                "SELECT name, fingerprint FROM schema_migrations WHERE version = ?1",
                [migration.version],
                |row| Ok((row.get(0)?, row.get(1)?)),
            )
            .optional()?;
        match applied {
            Some((name, stored)) if stored != fingerprint(migration.sql) => {
                return Err(StoreError::MigrationEdited { version: migration.version, name });
            }
            Some(_) => continue,
            None => {}
        }
        let failed = |source| StoreError::Migration { version: migration.version, name: migration.name, source };
        let tx = conn.transaction().map_err(failed)?;
        tx.execute_batch(migration.sql).map_err(failed)?;
        tx.execute(
            "INSERT INTO schema_migrations (version, name, fingerprint, applied_at)
             VALUES (?1, ?2, ?3, strftime('%Y-%m-%dT%H:%M:%fZ', 'now'))",
            params![migration.version, migration.name, fingerprint(migration.sql)],
        )
        .map_err(failed)?;
        tx.commit().map_err(failed)?;
        tracing::info!(
            migration.version = migration.version,
            migration.name = migration.name,
            "applied device migration"
        );
    }
    Ok(())
}

/// The highest migration applied to the database (0 for a new one).
pub fn schema_version(conn: &Connection) -> Result<i64> {
    Ok(conn.query_row("SELECT coalesce(max(version), 0) FROM schema_migrations", [], |row| row.get(0))?)
}

#[cfg(test)]
mod tests {
    use super::*;

    const ADD_NICKNAME: Migration =
        Migration { version: 2, name: "nickname", sql: "ALTER TABLE workers ADD COLUMN nickname TEXT;" };

    fn columns_of_workers(conn: &Connection) -> Vec<String> {
        let mut statement = conn.prepare("SELECT name FROM pragma_table_info('workers')").unwrap();
        statement.query_map([], |row| row.get(0)).unwrap().map(|name| name.unwrap()).collect()
    }

    #[test]
    fn a_database_of_an_older_version_is_upgraded_and_reopening_changes_nothing() {
        let mut conn = Connection::open_in_memory().unwrap();
        apply_migrations(&mut conn, &DEVICE_MIGRATIONS[..1]).unwrap();
        assert_eq!(schema_version(&conn).unwrap(), 1);
        let upgraded = [DEVICE_MIGRATIONS[0], ADD_NICKNAME];
        apply_migrations(&mut conn, &upgraded).unwrap();
        assert_eq!(schema_version(&conn).unwrap(), 2);
        assert!(columns_of_workers(&conn).contains(&"nickname".to_owned()));
        apply_migrations(&mut conn, &upgraded).unwrap();
    }

    #[test]
    fn an_edited_shipped_migration_is_refused() {
        let mut conn = Connection::open_in_memory().unwrap();
        apply_migrations(&mut conn, &[DEVICE_MIGRATIONS[0], ADD_NICKNAME]).unwrap();
        let edited = Migration { sql: "ALTER TABLE workers ADD COLUMN nick TEXT;", ..ADD_NICKNAME };
        let err = apply_migrations(&mut conn, &[DEVICE_MIGRATIONS[0], edited]).unwrap_err();
        assert!(matches!(err, StoreError::MigrationEdited { version: 2, .. }), "{err}");
    }

    #[test]
    fn a_database_from_a_newer_app_is_refused_untouched() {
        let mut conn = Connection::open_in_memory().unwrap();
        apply_migrations(&mut conn, &[DEVICE_MIGRATIONS[0], ADD_NICKNAME]).unwrap();
        let err = apply_migrations(&mut conn, &DEVICE_MIGRATIONS[..1]).unwrap_err();
        assert!(matches!(err, StoreError::SchemaTooNew { found: 2, known: 1 }), "{err}");
    }

    #[test]
    fn a_failing_migration_leaves_the_database_as_it_was() {
        let mut conn = Connection::open_in_memory().unwrap();
        apply_migrations(&mut conn, &DEVICE_MIGRATIONS[..1]).unwrap();
        let broken = Migration {
            version: 2,
            name: "broken",
            sql: "ALTER TABLE workers ADD COLUMN a TEXT; SELECT * FROM nowhere;",
        };
        let err = apply_migrations(&mut conn, &[DEVICE_MIGRATIONS[0], broken]).unwrap_err();
        assert!(matches!(err, StoreError::Migration { version: 2, .. }), "{err}");
        assert_eq!(schema_version(&conn).unwrap(), 1);
        assert!(!columns_of_workers(&conn).contains(&"a".to_owned()));
    }
}

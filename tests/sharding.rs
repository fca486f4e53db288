//! The server schema held to its plan for Citus (docs/ARCHITECTURE.md, "Past one
//! PostgreSQL for writes"): every table is distributed by its organization, except the
//! marketplace's reference tables; a distributed table's every primary, unique and
//! foreign key carries its organization, and a foreign key between distributed tables
//! maps organization onto organization (co-located: checked on one shard). The few keys
//! that cannot are named here, each with what replaces it. A new table or key that would
//! not shard fails here.

use crate::schema::foreign_keys;
use crate::support::TestDatabase;

/// Tables copied whole to every node: the marketplace, which every organization reads
/// across publishers and which joins two organizations in a license; small, rarely written.
const REFERENCE_TABLES: &[&str] =
    &["marketplace_listings", "listing_versions", "listing_media", "marketplace_licenses"];

/// Unique keys looked up before the organization is known (a sign-in's email, a device's
/// token): under Citus they move to routing tables of their own.
const ROUTING_KEYS: &[(&str, &[&str])] =
    &[("user_emails", &["email"]), ("user_emails", &["user_id"]), ("devices", &["token_hash"])];

/// Tables of what is known before any organization, distributed by a key of their own
/// and never joined with an organization's rows: wrong sign-ins, by email.
const ROUTING_TABLES: &[(&str, &str)] = &[("sign_in_failures", "email")];

/// Foreign keys from a reference table to a distributed one, which Citus refuses: the
/// organization's type, which the server reads in the same transaction when it publishes
/// or takes a license.
const CHECKED_BY_THE_SERVER: &[(&str, &str)] =
    &[("marketplace_listings", "organizations"), ("marketplace_licenses", "organizations")];

/// The column a distributed table is distributed by: its organization, or a routing
/// table's own key.
fn distribution_column(table: &str) -> &'static str {
    match ROUTING_TABLES.iter().find(|(routing, _)| *routing == table) {
        Some((_, column)) => column,
        None if table == "organizations" => "id",
        None => "organization_id",
    }
}

const ARCHITECTURE: &str = include_str!("../docs/ARCHITECTURE.md");

async fn tables(db: &TestDatabase) -> Vec<String> {
    sqlx::query_scalar(
        "SELECT tablename::text FROM pg_tables WHERE schemaname = 'public' AND tablename NOT LIKE '\\_sqlx%' ORDER BY 1",
    )
    .fetch_all(&db.pool)
    .await
    .unwrap()
}

/// Each unique index of a table (primary keys and unique constraints among them), as its
/// columns in order.
async fn unique_keys(db: &TestDatabase, table: &str) -> Vec<Vec<String>> {
    sqlx::query_scalar(
        "SELECT array(SELECT a.attname::text FROM unnest(i.indkey) WITH ORDINALITY k(n, o)
                      JOIN pg_attribute a ON a.attrelid = i.indrelid AND a.attnum = k.n ORDER BY k.o)
         FROM pg_index i WHERE i.indrelid = $1::regclass AND i.indisunique",
    )
    .bind(table)
    .fetch_all(&db.pool)
    .await
    .unwrap()
}

async fn is_required(db: &TestDatabase, table: &str, column: &str) -> bool {
    sqlx::query_scalar::<_, bool>(
        "SELECT EXISTS (SELECT 1 FROM information_schema.columns WHERE table_schema = 'public'
           AND table_name = $1 AND column_name = $2 AND is_nullable = 'NO')",
    )
    .bind(table)
    .bind(column)
    .fetch_one(&db.pool)
    .await
    .unwrap()
}

/// What keeps `table` from being distributed by its organization, or copied whole when it
/// is a reference table; empty when nothing does.
async fn unshardable(db: &TestDatabase, table: &str) -> Vec<String> {
    let mut problems = Vec::new();
    let reference = |name: &str| REFERENCE_TABLES.contains(&name);
    if reference(table) {
        for key in foreign_keys(db, table).await {
            if !reference(&key.parent) && !CHECKED_BY_THE_SERVER.contains(&(table, key.parent.as_str())) {
                problems.push(format!("a reference table refers to the distributed table {}", key.parent));
            }
        }
        return problems;
    }
    let column = distribution_column(table);
    if !is_required(db, table, column).await {
        problems.push(format!("no NOT NULL {column}"));
    }
    for key in unique_keys(db, table).await {
        let routed = ROUTING_KEYS.iter().any(|(t, columns)| *t == table && key == *columns);
        if !routed && !key.iter().any(|c| c == column) {
            problems.push(format!("unique key {key:?} without {column}"));
        }
    }
    let routing = ROUTING_TABLES.iter().any(|(routing, _)| *routing == table);
    for key in foreign_keys(db, table).await {
        if routing {
            problems.push(format!("a routing table refers to {}", key.parent));
        }
        if reference(&key.parent) {
            continue;
        }
        let parent_column = distribution_column(&key.parent);
        let co_located = key.columns.iter().zip(&key.parent_columns).any(|(c, p)| c == column && p == parent_column);
        if !co_located {
            problems.push(format!(
                "foreign key {:?} → {}{:?} does not map {column} onto {parent_column}",
                key.columns, key.parent, key.parent_columns
            ));
        }
    }
    problems
}

#[tokio::test]
async fn every_table_shards_by_organization_or_is_named_a_reference_table() {
    let db = TestDatabase::migrated().await;
    let tables = tables(&db).await;
    assert!(tables.len() > 30, "the schema's tables are read: {tables:?}");
    let named = REFERENCE_TABLES.iter().chain(ROUTING_KEYS.iter().map(|(table, _)| table));
    let named = named.chain(ROUTING_TABLES.iter().map(|(table, _)| table));
    for named in named.chain(CHECKED_BY_THE_SERVER.iter().map(|(table, _)| table)) {
        assert!(tables.iter().any(|t| t == named), "{named} is a table");
        assert!(ARCHITECTURE.contains(&format!("`{named}`")), "ARCHITECTURE's plan for Citus names `{named}`");
    }
    for table in &tables {
        let problems = unshardable(&db, table).await;
        assert!(problems.is_empty(), "{table} cannot be sharded by organization: {problems:?}");
    }

    // The check finds what it is for: a key without organization_id, a foreign key that
    // reaches a row of another organization's shard, a reference table pointing into one.
    sqlx::raw_sql(
        "CREATE TABLE notes (organization_id UUID NOT NULL, id UUID PRIMARY KEY, worker_id UUID,
           FOREIGN KEY (organization_id) REFERENCES organizations (id));
         CREATE TABLE worker_notes (organization_id UUID NOT NULL, id UUID, PRIMARY KEY (organization_id, id),
           worker_organization_id UUID, worker_id UUID,
           FOREIGN KEY (worker_organization_id, worker_id) REFERENCES workers (organization_id, id));
         ALTER TABLE marketplace_listings ADD COLUMN reviewer UUID, ADD COLUMN reviewer_organization UUID,
           ADD FOREIGN KEY (reviewer_organization, reviewer) REFERENCES users (organization_id, id);",
    )
    .execute(&db.pool)
    .await
    .unwrap();
    assert_eq!(unshardable(&db, "notes").await, vec!["unique key [\"id\"] without organization_id"]);
    assert_eq!(
        unshardable(&db, "worker_notes").await,
        vec!["foreign key [\"worker_organization_id\", \"worker_id\"] → workers[\"organization_id\", \"id\"] does not map organization_id onto organization_id"]
    );
    assert_eq!(
        unshardable(&db, "marketplace_listings").await,
        vec!["a reference table refers to the distributed table users"]
    );
    db.drop().await;
}

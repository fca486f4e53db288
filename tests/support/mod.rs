//! What the integration tests share: a fresh PostgreSQL database per test.
//!
//! `STRIDE_TEST_DATABASE_URL` names a server and a database to connect to for creating
//! and dropping test databases; `make test` sets it (to the local server, or to a
//! throwaway cluster it starts when none runs).

#![allow(clippy::unwrap_used)] // a failed unwrap is a failed test
#![allow(dead_code)]

pub mod devices;
pub mod proxy;
pub mod replica;

use sqlx::postgres::{PgConnectOptions, PgPoolOptions};
use sqlx::{ConnectOptions, Connection, PgConnection, PgPool};
use std::str::FromStr;

pub struct TestDatabase {
    pub pool: PgPool,
    pub name: String,
    admin: PgConnectOptions,
    /// A login role of its own that owns the database, when not the admin's.
    owner: Option<String>,
    /// Whether [`TestDatabase::drop`] has run; if not, dropping the value drops the
    /// database (a test that fails leaves nothing behind).
    dropped: bool,
}

fn admin_options() -> PgConnectOptions {
    let url = std::env::var("STRIDE_TEST_DATABASE_URL").unwrap_or_else(|_| {
        panic!("STRIDE_TEST_DATABASE_URL is not set: run the tests with `make test`, which starts PostgreSQL if needed")
    });
    PgConnectOptions::from_str(&url).expect("STRIDE_TEST_DATABASE_URL is a PostgreSQL URL").disable_statement_logging()
}

impl TestDatabase {
    /// A new, empty database of its own.
    pub async fn empty() -> Self {
        Self::create(false).await
    }

    /// A new, empty database owned by a new role that is no superuser (it may only
    /// create roles), connected as that role: how a managed PostgreSQL is deployed.
    pub async fn owned_by_ordinary_role() -> Self {
        Self::create(true).await
    }

    async fn create(with_own_owner: bool) -> Self {
        let admin = admin_options();
        let name = format!("stride_test_{}", uuid::Uuid::now_v7().simple());
        let owner = with_own_owner.then(|| format!("{name}_owner"));
        let mut statements = Vec::new();
        if let Some(owner) = &owner {
            statements.push(format!("CREATE ROLE {owner} LOGIN CREATEROLE"));
            statements.push(format!("CREATE DATABASE {name} OWNER {owner}"));
        } else {
            statements.push(format!("CREATE DATABASE {name}"));
        }
        let mut conn = PgConnection::connect_with(&admin).await.expect("connect to the test PostgreSQL server");
        for statement in statements {
            sqlx::raw_sql(sqlx::AssertSqlSafe(statement)).execute(&mut conn).await.expect("create a test database");
        }
        conn.close().await.ok();
        let mut options = admin.clone().database(&name);
        if let Some(owner) = &owner {
            options = options.username(owner);
        }
        let pool =
            PgPoolOptions::new().max_connections(8).connect_with(options).await.expect("connect to the test database");
        Self { pool, name, admin, owner, dropped: false }
    }

    /// A new database with the server's schema.
    pub async fn migrated() -> Self {
        let db = Self::empty().await;
        stride_server::db::migrate(&db.pool).await.expect("server migrations apply");
        db
    }

    /// Drops the database, at the end of a test that passed.
    pub async fn drop(mut self) {
        self.pool.close().await;
        drop_database(&self.admin, &self.name, self.owner.as_deref()).await;
        self.dropped = true;
    }
}

impl Drop for TestDatabase {
    /// A test that failed (or forgot) drops its database here, on a thread of its own:
    /// the test's runtime may be unwinding. FORCE ends the pool's connections.
    fn drop(&mut self) {
        if self.dropped {
            return;
        }
        let (admin, name, owner) = (self.admin.clone(), self.name.clone(), self.owner.clone());
        let dropping = std::thread::spawn(move || {
            let runtime = tokio::runtime::Builder::new_current_thread().enable_all().build().unwrap();
            runtime.block_on(drop_database(&admin, &name, owner.as_deref()));
        });
        if dropping.join().is_err() {
            eprintln!("the test database {} could not be dropped", self.name);
        }
    }
}

async fn drop_database(admin: &PgConnectOptions, name: &str, owner: Option<&str>) {
    let mut conn = PgConnection::connect_with(admin).await.expect("connect to drop");
    sqlx::raw_sql(sqlx::AssertSqlSafe(format!("DROP DATABASE IF EXISTS {name} WITH (FORCE)")))
        .execute(&mut conn)
        .await
        .expect("drop");
    if let Some(owner) = owner {
        sqlx::raw_sql(sqlx::AssertSqlSafe(format!("DROP ROLE IF EXISTS {owner}")))
            .execute(&mut conn)
            .await
            .expect("drop the owner");
    }
}

/// A plain HTTP client for the tests that speak to the server by hand (rustls, which
/// reqwest carries, needs its cryptography chosen once a process).
pub fn http() -> reqwest::ClientBuilder {
    stride_sync::use_ring_by_default();
    reqwest::Client::builder()
}

/// A sync server on a free local port, against `pool`, for the rest of the test.
pub async fn spawn_server(pool: &PgPool) -> String {
    spawn_server_with(stride_server::AppState::new(pool.clone())).await
}

/// A sync server on a free local port, with `state`, for the rest of the test.
pub async fn spawn_server_with(state: stride_server::AppState) -> String {
    let listener = tokio::net::TcpListener::bind("127.0.0.1:0").await.unwrap();
    let address = listener.local_addr().unwrap();
    let api = stride_server::ApiListener::Plain(listener);
    tokio::spawn(async move { stride_server::serve_all(api, None, state, std::future::pending()).await });
    format!("http://{address}")
}

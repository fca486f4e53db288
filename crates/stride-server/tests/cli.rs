//! The `stride-server` command against a fresh PostgreSQL database: migrate, create an
//! organization and a user (password on standard input), seed the demo twice, list and
//! revoke devices, and refuse bad input with a message and a failing exit code.

#![allow(clippy::unwrap_used)] // a failed unwrap is a failed test
#![allow(clippy::disallowed_methods)] // test rows are stamped by the wall clock

use sqlx::{Connection, PgConnection};
use std::io::Write;
use std::process::{Command, Output, Stdio};

struct Database {
    admin_url: String,
    name: String,
}

impl Database {
    async fn create() -> Self {
        let admin_url =
            std::env::var("STRIDE_TEST_DATABASE_URL").expect("STRIDE_TEST_DATABASE_URL is set (make test sets it)");
        let name = format!("stride_test_{}", uuid::Uuid::now_v7().simple());
        let mut conn = PgConnection::connect(&admin_url).await.unwrap();
        sqlx::raw_sql(sqlx::AssertSqlSafe(format!("CREATE DATABASE {name}"))).execute(&mut conn).await.unwrap();
        Self { admin_url, name }
    }

    fn url(&self) -> String {
        let (server, _) = self.admin_url.rsplit_once('/').unwrap();
        format!("{server}/{}", self.name)
    }

    async fn drop(self) {
        let mut conn = PgConnection::connect(&self.admin_url).await.unwrap();
        sqlx::raw_sql(sqlx::AssertSqlSafe(format!("DROP DATABASE {} WITH (FORCE)", self.name)))
            .execute(&mut conn)
            .await
            .unwrap();
    }
}

fn stride_server(db: &Database, args: &[&str], stdin: &str) -> Output {
    let mut child = Command::new(env!("CARGO_BIN_EXE_stride-server"))
        .args(args)
        .env("DATABASE_URL", db.url())
        .env("STRIDE_LOG", "warn")
        .stdin(Stdio::piped())
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .spawn()
        .unwrap();
    child.stdin.take().unwrap().write_all(stdin.as_bytes()).unwrap();
    child.wait_with_output().unwrap()
}

fn stdout(output: &Output) -> String {
    assert!(output.status.success(), "failed: {}", String::from_utf8_lossy(&output.stderr));
    String::from_utf8(output.stdout.clone()).unwrap()
}

#[tokio::test]
async fn administering_organizations_users_and_devices_from_the_command_line() {
    let db = Database::create().await;
    stdout(&stride_server(&db, &["migrate"], ""));
    let org = stdout(&stride_server(
        &db,
        &["org", "create", "--name", "Lakeside Farms", "--type", "client", "--tier", "premium"],
        "",
    ));
    let org = org.trim();
    assert!(uuid::Uuid::parse_str(org).is_ok(), "{org}");

    let user = stride_server(
        &db,
        &["user", "create", "--org", org, "--email", "Ruth@Lakeside.example", "--role", "org_admin"],
        "a long password\n",
    );
    assert!(uuid::Uuid::parse_str(stdout(&user).trim()).is_ok());
    let again = stride_server(
        &db,
        &["user", "create", "--org", org, "--email", "ruth@lakeside.example", "--role", "coordinator"],
        "another password\n",
    );
    assert!(!again.status.success());
    assert!(String::from_utf8_lossy(&again.stderr).contains("already a user"));
    let bad_role = stride_server(
        &db,
        &["user", "create", "--org", org, "--email", "x@lakeside.example", "--role", "admin"],
        "a long password\n",
    );
    assert!(String::from_utf8_lossy(&bad_role.stderr).contains("org_admin"), "the error lists the roles");
    let short = stride_server(
        &db,
        &["user", "create", "--org", org, "--email", "y@lakeside.example", "--role", "coordinator"],
        "short\n",
    );
    assert!(!short.status.success());

    let seeded = stdout(&stride_server(&db, &["demo", "seed"], ""));
    assert!(seeded.contains("coordinator@lakeside.example") && seeded.contains("password:"));
    let reseeded = stdout(&stride_server(&db, &["demo", "seed"], ""));
    assert_eq!(seeded, reseeded, "seeding twice changes nothing");

    // A device signs in through the API; the command line lists and revokes it.
    let pool = sqlx::PgPool::connect(&db.url()).await.unwrap();
    let listener = tokio::net::TcpListener::bind("127.0.0.1:0").await.unwrap();
    let address = listener.local_addr().unwrap();
    tokio::spawn(stride_server::serve(listener, pool.clone(), std::future::pending()));
    let login = reqwest::Client::new()
        .post(format!("http://{address}/v1/auth/login"))
        .json(&serde_json::json!({"email": "ruth@lakeside.example", "password": "a long password", "device_name": "Ruth's laptop"}))
        .send()
        .await
        .unwrap();
    assert_eq!(login.status(), 200);
    let listed = stdout(&stride_server(&db, &["device", "list", "--org", org], ""));
    assert!(listed.contains("Ruth's laptop") && listed.contains("active"), "{listed}");
    let device = listed.split('\t').next().unwrap();
    stdout(&stride_server(&db, &["device", "revoke", device], ""));
    assert!(stdout(&stride_server(&db, &["device", "list", "--org", org], "")).contains("revoked"));
    assert!(!stride_server(&db, &["device", "revoke", &uuid::Uuid::now_v7().to_string()], "").status.success());
    pool.close().await;
    db.drop().await;
}

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

/// An HTTP client (rustls needs its cryptography chosen once a process).
fn http() -> reqwest::Client {
    let _ = rustls::crypto::ring::default_provider().install_default();
    reqwest::Client::new()
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
    let login = http()
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

/// `stride-server serve` started as an administrator's unit would: its JSON log lines
/// as they come (every one must be JSON), read on a thread.
struct Serving {
    child: std::process::Child,
    lines: std::sync::mpsc::Receiver<serde_json::Value>,
    api: String,
    metrics: String,
}

impl Serving {
    fn start(db: &Database) -> Self {
        use std::io::BufRead;
        let mut child = Command::new(env!("CARGO_BIN_EXE_stride-server"))
            .args(["serve", "--listen", "127.0.0.1:0", "--metrics-listen", "127.0.0.1:0", "--log-format", "json"])
            .env("DATABASE_URL", db.url())
            .env("STRIDE_LOG", "info")
            .stdout(Stdio::piped())
            .stderr(Stdio::inherit())
            .spawn()
            .unwrap();
        let (send, lines) = std::sync::mpsc::channel();
        let stdout = child.stdout.take().unwrap();
        std::thread::spawn(move || {
            for line in std::io::BufReader::new(stdout).lines() {
                let line = line.unwrap();
                let parsed = serde_json::from_str::<serde_json::Value>(&line)
                    .unwrap_or_else(|e| panic!("a log line that is not JSON ({e}): {line}"));
                if send.send(parsed).is_err() {
                    break;
                }
            }
        });
        let serving = Self::wait_for_in(&lines, "serving");
        let address = |field: &str| format!("http://{}", serving["fields"][field].as_str().unwrap());
        let (api, metrics) = (address("server.address"), address("metrics.address"));
        Self { child, lines, api, metrics }
    }

    fn wait_for_in(lines: &std::sync::mpsc::Receiver<serde_json::Value>, message: &str) -> serde_json::Value {
        loop {
            let line = lines.recv_timeout(std::time::Duration::from_secs(60)).expect("the server logs on");
            if line["fields"]["message"] == message {
                return line;
            }
        }
    }
}

#[tokio::test]
async fn serve_answers_health_readiness_and_metrics_logs_json_lines_and_stops_after_the_request_in_flight() {
    use std::io::{Read as _, Write as _};
    let db = Database::create().await;
    let mut server = Serving::start(&db);
    let http = http();
    let get = |url: String| {
        let http = http.clone();
        async move {
            let response = http.get(url).send().await.unwrap();
            (response.status().as_u16(), response.text().await.unwrap())
        }
    };

    assert_eq!(get(format!("{}/v1/health", server.api)).await, (200, r#"{"status":"up"}"#.into()));
    let (status, body) = get(format!("{}/v1/ready", server.api)).await;
    assert_eq!(status, 200, "{body}");
    assert!(body.starts_with(r#"{"status":"ready","schema_version":"#), "{body}");

    // A newer server migrated the database: this one is not ready for it.
    let mut conn = PgConnection::connect(&db.url()).await.unwrap();
    sqlx::query(
        "INSERT INTO _sqlx_migrations (version, description, success, checksum, execution_time)
         VALUES (9999, 'from a newer server', true, '\\x00', 0)",
    )
    .execute(&mut conn)
    .await
    .unwrap();
    let (status, body) = get(format!("{}/v1/ready", server.api)).await;
    assert_eq!(status, 503);
    let refusal: serde_json::Value = serde_json::from_str(&body).unwrap();
    assert_eq!(refusal["code"], "not_ready");
    assert!(refusal["message"].as_str().unwrap().contains("migration 9999"), "{body}");
    sqlx::query("DELETE FROM _sqlx_migrations WHERE version = 9999").execute(&mut conn).await.unwrap();
    assert_eq!(get(format!("{}/v1/ready", server.api)).await.0, 200);

    // The metrics: on their own listener, by route pattern, never by the path sent.
    assert_eq!(get(format!("{}/v1/nowhere/42", server.api)).await.0, 404);
    assert_eq!(get(format!("{}/metrics", server.api)).await.0, 404, "not beside the API");
    let (status, metrics) = get(format!("{}/metrics", server.metrics)).await;
    assert_eq!(status, 200);
    for line in [
        r#"stride_http_requests_total{route="/v1/health",method="GET",status="200"} 1"#,
        r#"stride_http_requests_total{route="/v1/ready",method="GET",status="503"} 1"#,
        r#"stride_http_requests_total{route="/v1/ready",method="GET",status="200"} 2"#,
        r#"stride_http_requests_total{route="unmatched",method="GET",status="404"} 2"#,
        "stride_devices_active 0",
        "stride_sync_rows_pulled_total 0",
        "# TYPE stride_sync_push_seconds histogram",
    ] {
        assert!(metrics.contains(line), "{line} in\n{metrics}");
    }
    assert!(!metrics.contains("nowhere"));

    // SIGTERM while a sign-in's body is still arriving: no new connections, and the
    // request in flight is answered before the process ends.
    let address = server.api.trim_start_matches("http://").to_owned();
    let body = r#"{"email":"nobody@example.org","password":"not-the-password","device_name":"Laptop"}"#;
    let mut request = std::net::TcpStream::connect(&address).unwrap();
    write!(
        request,
        "POST /v1/auth/login HTTP/1.1\r\nHost: {address}\r\nContent-Type: application/json\r\nConnection: close\r\nContent-Length: {}\r\n\r\n{}",
        body.len(),
        &body[..20]
    )
    .unwrap();
    tokio::time::sleep(std::time::Duration::from_millis(300)).await;
    assert!(Command::new("kill").args(["-TERM", &server.child.id().to_string()]).status().unwrap().success());
    Serving::wait_for_in(&server.lines, "stopping: no new connections; finishing the requests in flight");
    tokio::time::sleep(std::time::Duration::from_millis(300)).await;
    assert!(std::net::TcpStream::connect(&address).is_err(), "a new connection is refused once stopping");
    request.write_all(&body.as_bytes()[20..]).unwrap();
    let mut answer = String::new();
    request.read_to_string(&mut answer).unwrap();
    assert!(answer.starts_with("HTTP/1.1 401"), "{answer}");
    assert!(answer.contains(r#""code":"invalid_credentials""#), "{answer}");
    Serving::wait_for_in(&server.lines, "stopped: every request in flight was answered");
    assert!(server.child.wait().unwrap().success(), "a stop by SIGTERM is a clean exit");
    db.drop().await;
}

#[tokio::test]
async fn serve_refuses_plain_http_where_other_computers_reach_it_and_half_a_tls_setup() {
    let db = Database::create().await;
    let output = stride_server(&db, &["serve", "--listen", "0.0.0.0:0"], "");
    assert!(!output.status.success());
    let said = String::from_utf8_lossy(&output.stderr);
    assert!(said.contains("give --tls-cert and --tls-key"), "{said}");
    let output = stride_server(&db, &["serve", "--listen", "0.0.0.0:0", "--tls-cert", "/etc/ssl/server.crt"], "");
    assert!(!output.status.success());
    assert!(String::from_utf8_lossy(&output.stderr).contains("--tls-key"));
    let output = stride_server(
        &db,
        &["serve", "--listen", "0.0.0.0:0", "--tls-cert", "/nowhere/server.crt", "--tls-key", "/nowhere/server.key"],
        "",
    );
    assert!(String::from_utf8_lossy(&output.stderr).contains("/nowhere/server.crt"));
    db.drop().await;
}

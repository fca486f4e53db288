//! A PostgreSQL primary and a hot standby streaming from it, made on this machine for one
//! test with the system's PostgreSQL (initdb, pg_basebackup, pg_ctl; as the postgres user
//! when the tests run as root, which PostgreSQL refuses). Both stop when it is dropped.

use sqlx::PgPool;
use std::path::{Path, PathBuf};
use std::process::Command;
use std::time::{Duration, Instant};

pub struct Replicated {
    /// Connection URLs, as the superuser postgres.
    pub primary: String,
    pub standby: String,
    dir: tempfile::TempDir,
    bindir: PathBuf,
}

/// Where the system's PostgreSQL programs are: pg_config's answer, else the newest
/// version Debian installed.
fn bindir() -> PathBuf {
    let configured = Command::new("pg_config").arg("--bindir").output().ok().filter(|o| o.status.success());
    if let Some(output) = configured {
        let dir = PathBuf::from(String::from_utf8_lossy(&output.stdout).trim());
        if dir.join("initdb").exists() {
            return dir;
        }
    }
    let mut versions: Vec<PathBuf> = std::fs::read_dir("/usr/lib/postgresql")
        .expect("PostgreSQL's server programs (scripts/install-deps.sh test installs them)")
        .filter_map(|entry| Some(entry.ok()?.path().join("bin")))
        .filter(|bin| bin.join("initdb").exists())
        .collect();
    versions.sort_by_key(|bin| bin.parent().and_then(|v| v.file_name()?.to_str()?.parse::<u32>().ok()));
    versions.pop().expect("initdb under /usr/lib/postgresql")
}

fn free_port() -> u16 {
    std::net::TcpListener::bind("127.0.0.1:0").unwrap().local_addr().unwrap().port()
}

fn is_root() -> bool {
    // The owner of /proc/self is the process's user.
    std::fs::metadata("/proc/self").map(|m| std::os::unix::fs::MetadataExt::uid(&m) == 0).unwrap_or(false)
}

impl Replicated {
    pub fn start() -> Self {
        let dir = tempfile::Builder::new().prefix("stride-replica-").tempdir().unwrap();
        if is_root() {
            let chowned = Command::new("chown").arg("postgres").arg(dir.path()).status().unwrap();
            assert!(chowned.success(), "the folder is given to the postgres user");
        }
        // Made first, so that a step failing below stops what was started.
        let mut pair = Self { primary: String::new(), standby: String::new(), dir, bindir: bindir() };
        let (primary_port, standby_port) = (free_port(), free_port());
        let primary = pair.dir.path().join("primary");
        pair.run("initdb", &[&"-D", &primary, &"-U", &"postgres", &"--auth=trust", &"--encoding=UTF8"]);
        pair.start_server(&primary, primary_port);
        let standby = pair.dir.path().join("standby");
        let port = primary_port.to_string();
        pair.run(
            "pg_basebackup",
            &[&"-h", &"127.0.0.1", &"-p", &port, &"-U", &"postgres", &"-D", &standby, &"-R", &"-X", &"stream"],
        );
        pair.start_server(&standby, standby_port);
        let url = |port: u16| format!("postgres://postgres@127.0.0.1:{port}/postgres");
        (pair.primary, pair.standby) = (url(primary_port), url(standby_port));
        pair
    }

    fn start_server(&self, data: &Path, port: u16) {
        let log = data.with_extension("log");
        let options = format!("-p {port} -k {} -c listen_addresses=127.0.0.1 -c fsync=off", self.dir.path().display());
        self.run("pg_ctl", &[&"-D", &data, &"-l", &log, &"-w", &"-o", &options, &"start"]);
    }

    /// One of PostgreSQL's programs, to be run as its user.
    fn command(&self, program: &str) -> Command {
        let path = self.bindir.join(program);
        if is_root() {
            let mut command = Command::new("runuser");
            command.args(["-u", "postgres", "--"]).arg(path);
            command
        } else {
            Command::new(path)
        }
    }

    fn run(&self, program: &str, args: &[&dyn AsRef<std::ffi::OsStr>]) {
        let mut command = self.command(program);
        command.args(args.iter().map(|a| a.as_ref()));
        let output = command.output().unwrap();
        assert!(
            output.status.success(),
            "{program}: {}{}",
            String::from_utf8_lossy(&output.stdout),
            String::from_utf8_lossy(&output.stderr)
        );
    }

    /// Waits until the standby has replayed everything the primary has written so far.
    pub async fn caught_up(&self, primary: &PgPool, standby: &PgPool) {
        let written: String = sqlx::query_scalar("SELECT pg_current_wal_lsn()::text").fetch_one(primary).await.unwrap();
        let started = Instant::now();
        loop {
            let replayed: bool = sqlx::query_scalar("SELECT pg_last_wal_replay_lsn() >= $1::pg_lsn")
                .bind(&written)
                .fetch_one(standby)
                .await
                .unwrap();
            if replayed {
                return;
            }
            assert!(started.elapsed() < Duration::from_secs(60), "the standby replays the primary's writes");
            tokio::time::sleep(Duration::from_millis(20)).await;
        }
    }
}

impl Drop for Replicated {
    fn drop(&mut self) {
        for server in ["standby", "primary"] {
            let data = self.dir.path().join(server);
            let _ = self.command("pg_ctl").arg("-D").arg(&data).args(["-m", "immediate", "stop"]).output();
        }
    }
}

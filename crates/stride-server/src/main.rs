//! `stride-server`: serve the sync API, migrate the database, and administer
//! organizations, users and devices.

use clap::{Parser, Subcommand};
use sqlx::postgres::PgPoolOptions;
use std::io::Read;
use std::process::ExitCode;
use stride_domain::{DeviceId, Email, Name, OrganizationId, OrganizationType, Role, SubscriptionTier};
use stride_server::{admin, db, demo, generate};

#[derive(Parser)]
#[command(name = "stride-server", about = "Stride's central sync server", version)]
struct Cli {
    /// PostgreSQL connection URL.
    #[arg(long, env = "DATABASE_URL", global = true, hide_env_values = true)]
    database_url: Option<String>,
    /// Connections to PostgreSQL (default: twice the CPU cores).
    #[arg(long, env = "STRIDE_DB_CONNECTIONS", global = true)]
    db_connections: Option<u32>,
    /// Log filter (error, warn, info, debug, or a tracing filter).
    #[arg(long, env = "STRIDE_LOG", default_value = "info", global = true)]
    log_level: String,
    /// Logs as text for a person, or as JSON lines for a log collector.
    #[arg(long, env = "STRIDE_LOG_FORMAT", value_enum, default_value_t = LogFormat::Text, global = true)]
    log_format: LogFormat,
    #[command(subcommand)]
    command: Command,
}

#[derive(Subcommand)]
enum Command {
    /// Migrate, then serve the API.
    Serve {
        /// Address to listen on.
        #[arg(long, env = "STRIDE_LISTEN", default_value = "127.0.0.1:8080")]
        listen: String,
        /// Address to serve the Prometheus metrics page on (/metrics); none: not served.
        /// Keep it off the public network: it counts every organization's devices.
        #[arg(long, env = "STRIDE_METRICS_LISTEN")]
        metrics_listen: Option<String>,
        /// The server's certificate chain (PEM): serves HTTPS. Without it, plain HTTP is
        /// served on a loopback address only (for development, or a proxy on this machine).
        #[arg(long, env = "STRIDE_TLS_CERT", requires = "tls_key")]
        tls_cert: Option<std::path::PathBuf>,
        /// The certificate's private key (PEM).
        #[arg(long, env = "STRIDE_TLS_KEY", requires = "tls_cert")]
        tls_key: Option<std::path::PathBuf>,
        /// A streaming replica (hot standby) of the database for pulls to read from; every
        /// write and every other read stays on DATABASE_URL.
        #[arg(long, env = "STRIDE_READ_DATABASE_URL", hide_env_values = true)]
        read_database_url: Option<String>,
    },
    /// Apply pending database migrations.
    Migrate,
    #[command(subcommand)]
    Org(OrgCommand),
    #[command(subcommand)]
    User(UserCommand),
    #[command(subcommand)]
    Device(DeviceCommand),
    #[command(subcommand)]
    Demo(DemoCommand),
    #[command(subcommand)]
    Media(MediaCommand),
}

#[derive(Subcommand)]
enum MediaCommand {
    /// Keep a file for an organization's devices to download; content refers to it with
    /// the media URL /v1/media/NAME.
    Add {
        #[arg(long)]
        org: String,
        /// The file to keep.
        #[arg(long)]
        file: std::path::PathBuf,
        /// The name it is served under (default: the file's name).
        #[arg(long)]
        name: Option<String>,
    },
}

#[derive(Subcommand)]
enum OrgCommand {
    /// Create an organization; prints its id.
    Create {
        #[arg(long)]
        name: String,
        #[arg(long = "type", value_enum, default_value = "client")]
        organization_type: OrganizationType,
        #[arg(long, value_enum, default_value = "basic")]
        tier: SubscriptionTier,
    },
    /// Change an organization's subscription tier; its devices see the new limits after
    /// their next sync.
    SetTier {
        #[arg(long)]
        org: String,
        #[arg(long, value_enum)]
        tier: SubscriptionTier,
    },
}

#[derive(Subcommand)]
enum UserCommand {
    /// Create a user; the password is read from standard input.
    Create {
        #[arg(long)]
        org: String,
        #[arg(long)]
        email: String,
        #[arg(long, value_enum)]
        role: Role,
        #[arg(long)]
        display_name: Option<String>,
    },
}

#[derive(Subcommand)]
enum DeviceCommand {
    /// List an organization's devices.
    List {
        #[arg(long)]
        org: String,
    },
    /// Revoke a device: its token stops working and the device wipes its data.
    Revoke { device: String },
}

#[derive(Subcommand)]
enum DemoCommand {
    /// Seed the demo organizations (does nothing when they exist).
    Seed,
    /// Generate a large organization for benchmarks (scale 1: 50,000 workers, 2,000
    /// touchpoints, 1,000,000 progress rows); its users' password is read from stdin.
    Generate {
        /// Names the organization and its users' emails (admin@SLUG.example, …).
        #[arg(long)]
        slug: String,
        #[arg(long, default_value_t = 1.0)]
        scale: f64,
    },
}

fn parse<T, E: std::fmt::Display>(what: &str, result: Result<T, E>) -> Result<T, String> {
    result.map_err(|e| format!("{what}: {e}"))
}

async fn run(cli: Cli) -> Result<(), String> {
    let url = cli.database_url.ok_or("set DATABASE_URL or --database-url")?;
    let connections = cli.db_connections.unwrap_or_else(db::default_pool_size).max(2);
    let connect = |url: String| async move {
        PgPoolOptions::new()
            .max_connections(connections)
            .connect(&url)
            .await
            .map_err(|e| format!("connecting to PostgreSQL: {e}"))
    };
    let pool = connect(url).await?;
    let fail = |e: stride_server::error::ApiError| e.to_string();
    match cli.command {
        Command::Migrate => db::migrate(&pool).await.map_err(|e| e.to_string())?,
        Command::Serve { listen, metrics_listen, tls_cert, tls_key, read_database_url } => {
            let tls = match (tls_cert, tls_key) {
                (Some(cert), Some(key)) => {
                    Some(stride_server::tls::server_config(&cert, &key).map_err(|e| e.to_string())?)
                }
                _ => None,
            };
            db::migrate(&pool).await.map_err(|e| e.to_string())?;
            let bind = |address: String| async move {
                tokio::net::TcpListener::bind(&address).await.map_err(|e| format!("listening on {address}: {e}"))
            };
            let listener = bind(listen).await?;
            let api_address = listener.local_addr().map_err(|e| e.to_string())?;
            let api = match tls {
                Some(config) => stride_server::ApiListener::Tls(
                    stride_server::tls::TlsListener::new(listener, config).map_err(|e| e.to_string())?,
                ),
                None if api_address.ip().is_loopback() => stride_server::ApiListener::Plain(listener),
                None => {
                    return Err(format!(
                        "{api_address} is reached from other computers: give --tls-cert and --tls-key to serve \
                         HTTPS there (plain HTTP is served on a loopback address only, such as 127.0.0.1, \
                         for development or a TLS proxy on this machine)"
                    ))
                }
            };
            let metrics = match metrics_listen {
                Some(address) => Some(bind(address).await?),
                None => None,
            };
            let address = |listener: &tokio::net::TcpListener| listener.local_addr().map_err(|e| e.to_string());
            tracing::info!(
                server.address = %api_address,
                server.tls = matches!(api, stride_server::ApiListener::Tls(_)),
                metrics.address = metrics.as_ref().map(address).transpose()?.map(|a| a.to_string()),
                "serving"
            );
            let state = stride_server::AppState::new(pool);
            let state = match read_database_url {
                Some(url) => state.reading_pulls_from(connect(url).await?),
                None => state,
            };
            stride_server::serve_all(api, metrics, state, stop_signal()).await.map_err(|e| e.to_string())?;
            tracing::info!("stopped: every request in flight was answered");
        }
        Command::Org(OrgCommand::Create { name, organization_type, tier }) => {
            let id = admin::create_organization(&pool, &parse("name", Name::parse(&name))?, organization_type, tier)
                .await
                .map_err(fail)?;
            println!("{id}");
        }
        Command::Org(OrgCommand::SetTier { org, tier }) => {
            let id = parse("org", org.parse::<OrganizationId>())?;
            if !admin::set_tier(&pool, id, tier).await.map_err(fail)? {
                return Err(format!("no organization {org}"));
            }
            println!("{id} is now on the {tier} tier");
        }
        Command::User(UserCommand::Create { org, email, role, display_name }) => {
            let mut password = String::new();
            std::io::stdin().read_to_string(&mut password).map_err(|e| format!("reading the password: {e}"))?;
            let display_name = display_name.map(|n| parse("display name", Name::parse(&n))).transpose()?;
            let id = admin::create_user(
                &pool,
                parse("org", org.parse::<OrganizationId>())?,
                &parse("email", Email::parse(&email))?,
                role,
                display_name.as_ref(),
                password.trim_end_matches(['\r', '\n']),
            )
            .await
            .map_err(fail)?;
            println!("{id}");
        }
        Command::Device(DeviceCommand::List { org }) => {
            for device in
                admin::list_devices(&pool, parse("org", org.parse::<OrganizationId>())?).await.map_err(fail)?
            {
                let state = if device.revoked { "revoked" } else { "active" };
                let seen = device.last_seen_at.map_or("never".to_owned(), |t| t.to_rfc3339());
                println!(
                    "{}\t{}\t{}\t{state}\tlast seq {}\tlast seen {seen}",
                    device.id, device.name, device.user_email, device.last_seq
                );
            }
        }
        Command::Device(DeviceCommand::Revoke { device }) => {
            if !admin::revoke_device(&pool, parse("device", device.parse::<DeviceId>())?).await.map_err(fail)? {
                return Err(format!("no device {device}"));
            }
            println!("revoked {device}");
        }
        Command::Demo(DemoCommand::Seed) => {
            db::migrate(&pool).await.map_err(|e| e.to_string())?;
            let seeded = demo::seed(&pool).await.map_err(fail)?;
            println!(
                "demo organization {} (and {}); sign in as any of:",
                seeded.organization_id, seeded.second_organization_id
            );
            for (email, role, _) in demo::DEMO_USERS {
                println!("  {email}  ({role})");
            }
            println!("  admin@hilltop.example, coordinator@hilltop.example  (the second organization)");
            println!("password: {}", demo::DEMO_PASSWORD);
        }
        Command::Media(MediaCommand::Add { org, file, name }) => {
            let name = match name {
                Some(name) => name,
                None => file.file_name().map(|n| n.to_string_lossy().into_owned()).unwrap_or_default(),
            };
            let bytes = std::fs::read(&file).map_err(|e| format!("reading {}: {e}", file.display()))?;
            stride_server::media::add(&pool, parse("org", org.parse::<OrganizationId>())?, &name, &bytes)
                .await
                .map_err(fail)?;
            println!("{}{name} ({} bytes)", stride_domain::media::MEDIA_PATH, bytes.len());
        }
        Command::Demo(DemoCommand::Generate { slug, scale }) => {
            if !(scale > 0.0 && scale <= 20.0) {
                return Err("--scale must be above 0 and at most 20".into());
            }
            let mut password = String::new();
            std::io::stdin().read_to_string(&mut password).map_err(|e| format!("reading the password: {e}"))?;
            db::migrate(&pool).await.map_err(|e| e.to_string())?;
            let generated = generate::generate(
                &pool,
                &slug,
                generate::Scale::times(scale),
                password.trim_end_matches(['\r', '\n']),
            )
            .await
            .map_err(fail)?;
            println!("organization {}", generated.organization_id);
            for (table, rows) in &generated.rows {
                println!("  {table}: {rows} rows");
            }
            println!("sign in as {} or {}", generated.admin_email, generated.coordinator_email);
        }
    }
    Ok(())
}

#[derive(Clone, Copy, PartialEq, Eq, clap::ValueEnum)]
enum LogFormat {
    Text,
    Json,
}

/// Resolves at Ctrl+C or SIGTERM (how systemd stops a service).
async fn stop_signal() {
    let terminate = async {
        match tokio::signal::unix::signal(tokio::signal::unix::SignalKind::terminate()) {
            Ok(mut signal) => {
                signal.recv().await;
            }
            Err(_) => std::future::pending().await,
        }
    };
    tokio::select! {
        _ = tokio::signal::ctrl_c() => {}
        () = terminate => {}
    }
    tracing::info!("stopping: no new connections; finishing the requests in flight");
}

#[tokio::main]
async fn main() -> ExitCode {
    let cli = Cli::parse();
    let filter = tracing_subscriber::EnvFilter::new(&cli.log_level);
    match cli.log_format {
        LogFormat::Text => tracing_subscriber::fmt().with_env_filter(filter).init(),
        LogFormat::Json => tracing_subscriber::fmt().json().with_env_filter(filter).init(),
    }
    match run(cli).await {
        Ok(()) => ExitCode::SUCCESS,
        Err(message) => {
            eprintln!("stride-server: {message}");
            ExitCode::FAILURE
        }
    }
}

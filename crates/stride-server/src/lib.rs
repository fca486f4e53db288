//! Stride's central server on PostgreSQL. It owns the central database (schema and
//! migrations), sign-in and devices, push and pull of organization-scoped changes under
//! row-level security (a push is checked against the writer's role, the rule languages
//! of JSON columns and the organization's tier), the audit trail, the media files it
//! serves to devices, and the admin operations behind the `stride-server` command. It
//! never depends on a GUI library.

pub mod admin;
pub mod auth;
mod clock;
mod conflicts;
pub mod db;
mod deletes;
pub mod demo;
mod enrollments;
pub mod error;
mod extract;
pub mod generate;
mod history;
pub mod limiter;
pub mod media;
mod page_cache;
pub mod pull;
pub mod push;
mod push_plan;
mod push_rules;
mod push_sql;
mod quota;
pub mod routes;
pub mod state;
pub mod tenant;

pub use routes::router;
pub use state::AppState;

/// Serves the API on `listener` until `shutdown` resolves.
pub async fn serve(
    listener: tokio::net::TcpListener,
    pool: sqlx::PgPool,
    shutdown: impl std::future::Future<Output = ()> + Send + 'static,
) -> std::io::Result<()> {
    let app = router(AppState::new(pool)).into_make_service_with_connect_info::<std::net::SocketAddr>();
    axum::serve(listener, app).with_graceful_shutdown(shutdown).await
}

//! Stride's central server on PostgreSQL. It owns the central database (schema and
//! migrations), sign-in and devices, the organization's staff as its administrators
//! manage them, push and pull of organization-scoped changes under
//! row-level security (a push is checked against the writer's role, the rule languages
//! of JSON columns and the organization's tier), the audit trail, the media files it
//! serves to devices, and the admin operations behind the `stride-server` command. It
//! never depends on a GUI library.

pub mod admin;
mod audit;
pub mod auth;
mod authors;
mod backfill;
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
mod marketplace;
pub mod media;
pub mod metrics;
pub mod ops;
mod page_cache;
pub mod pull;
pub mod push;
mod push_batch;
mod push_group;
mod push_plan;
mod push_rules;
mod push_scope;
mod push_sql;
mod quota;
pub mod routes;
mod scope;
mod sign_in;
pub mod staff;
pub mod state;
pub mod tenant;
pub mod tls;

pub use routes::{metrics_router, router};
pub use state::AppState;

/// Where the API is served: plain HTTP (for this computer, or a proxy on it), or HTTPS.
pub enum ApiListener {
    Plain(tokio::net::TcpListener),
    Tls(tls::TlsListener),
}

/// Serves the API over plain HTTP on `listener` until `shutdown` resolves.
pub async fn serve(
    listener: tokio::net::TcpListener,
    pool: sqlx::PgPool,
    shutdown: impl std::future::Future<Output = ()> + Send + 'static,
) -> std::io::Result<()> {
    serve_all(ApiListener::Plain(listener), None, AppState::new(pool), shutdown).await
}

/// Serves the API on `api`, and the metrics page on `metrics` when given, until
/// `shutdown` resolves; then stops taking connections and returns once the requests in
/// flight are answered.
pub async fn serve_all(
    api: ApiListener,
    metrics: Option<tokio::net::TcpListener>,
    state: AppState,
    shutdown: impl std::future::Future<Output = ()> + Send + 'static,
) -> std::io::Result<()> {
    use axum::serve::ListenerExt;
    use std::future::IntoFuture;
    let (stop, stopping) = tokio::sync::watch::channel(false);
    let stopped = |mut stopping: tokio::sync::watch::Receiver<bool>| async move {
        let _ = stopping.wait_for(|stop| *stop).await;
    };
    tokio::spawn(async move {
        shutdown.await;
        let _ = stop.send(true);
    });
    let app = router(state.clone()).into_make_service_with_connect_info::<std::net::SocketAddr>();
    let api_stopped = stopped(stopping.clone());
    let api = async move {
        match api {
            ApiListener::Plain(listener) => axum::serve(listener, app).with_graceful_shutdown(api_stopped).await,
            // Tapped (doing nothing) so axum hands handlers the client's address as it
            // does for a plain listener.
            ApiListener::Tls(listener) => {
                let listener = listener.tap_io(|_| {});
                axum::serve(listener, app).with_graceful_shutdown(api_stopped).await
            }
        }
    };
    match metrics {
        None => api.await,
        Some(listener) => {
            let metrics =
                axum::serve(listener, metrics_router(state)).with_graceful_shutdown(stopped(stopping)).into_future();
            let (api, metrics) = tokio::join!(api, metrics);
            api.and(metrics)
        }
    }
}

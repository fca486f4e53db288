//! What keeps the server running as a service: `/v1/health` (the process answers),
//! `/v1/ready` (its database answers and has this server's schema), and the metrics
//! page an operator's Prometheus scrapes (`metrics.rs`).

use crate::error::ApiError;
use crate::state::AppState;
use axum::extract::State;
use axum::http::header;
use axum::response::IntoResponse;
use axum::Json;
use serde::Serialize;
use std::time::Duration;
use utoipa::ToSchema;

/// How long readiness waits for the database before saying it is not ready.
const READY_WITHIN: Duration = Duration::from_secs(3);

#[derive(Debug, Serialize, ToSchema)]
pub struct Health {
    /// "up".
    pub status: &'static str,
}

#[derive(Debug, Serialize, ToSchema)]
pub struct Readiness {
    /// "ready".
    pub status: &'static str,
    /// The last migration applied, which is this server's last.
    pub schema_version: i64,
}

/// The process is up (nothing else is checked: a load balancer's liveness probe).
#[utoipa::path(get, path = "/v1/health", responses((status = 200, body = Health)))]
pub async fn health() -> Json<Health> {
    Json(Health { status: "up" })
}

/// The server can serve: PostgreSQL answers within 3 s and has every migration this
/// server knows (503 `not_ready` otherwise, saying which).
#[utoipa::path(get, path = "/v1/ready", responses(
    (status = 200, body = Readiness),
    (status = 503, description = "not_ready: the database is unreachable or its schema is not this server's", body = stride_domain::api::ErrorBody),
))]
pub async fn ready(State(state): State<AppState>) -> Result<Json<Readiness>, ApiError> {
    let versions = tokio::time::timeout(READY_WITHIN, crate::db::schema_versions(&state.pool))
        .await
        .map_err(|_| ApiError::NotReady(format!("the database did not answer within {} s", READY_WITHIN.as_secs())))?
        .map_err(|e| ApiError::NotReady(format!("the database cannot be read: {e}")))?;
    match versions {
        (applied, known) if applied == known => Ok(Json(Readiness { status: "ready", schema_version: applied })),
        (applied, known) => Err(ApiError::NotReady(format!(
            "the database has migration {applied}, this server's schema is at {known}: run `stride-server migrate`"
        ))),
    }
}

/// The metrics page, in Prometheus' text format.
pub async fn metrics(State(state): State<AppState>) -> impl IntoResponse {
    // A database that does not answer leaves the devices active at -1, so the rest is
    // still scraped and the gap shows.
    let devices = tokio::time::timeout(READY_WITHIN, crate::metrics::devices_active(&state.pool))
        .await
        .ok()
        .and_then(Result::ok)
        .unwrap_or(-1);
    ([(header::CONTENT_TYPE, "text/plain; version=0.0.4; charset=utf-8")], state.metrics.render(devices))
}

//! What an operator watches (Prometheus text format): requests by route, method and
//! status; push and pull latency; pushes waiting for their organization's writer and
//! the size of the groups written; rows pulled; devices active. Served on a listener of
//! its own (`serve --metrics-listen`), not beside the API: the count of devices spans
//! every organization, which no device should read.

use axum::extract::{MatchedPath, Request, State};
use axum::middleware::Next;
use axum::response::Response;
use prometheus_client::encoding::EncodeLabelSet;
use prometheus_client::metrics::counter::Counter;
use prometheus_client::metrics::family::Family;
use prometheus_client::metrics::gauge::Gauge;
use prometheus_client::metrics::histogram::{exponential_buckets, Histogram};
use prometheus_client::registry::Registry;
use std::sync::Arc;
use std::time::Instant;

#[derive(Clone, Debug, Hash, PartialEq, Eq, EncodeLabelSet)]
struct RequestLabels {
    /// The route's pattern (`/v1/media/{name}`), never the path a client sent.
    route: String,
    method: String,
    status: u16,
}

/// The server's metrics, shared by every request.
pub struct Metrics {
    registry: Registry,
    requests: Family<RequestLabels, Counter>,
    push_seconds: Histogram,
    pull_seconds: Histogram,
    rows_pulled: Counter,
    devices_active: Gauge,
    pushes_waiting: Gauge,
    push_group_size: Histogram,
    push_group_seconds: Histogram,
}

impl Default for Metrics {
    fn default() -> Self {
        let mut registry = Registry::with_prefix("stride");
        let requests = Family::<RequestLabels, Counter>::default();
        registry.register("http_requests", "Requests answered, by route, method and status", requests.clone());
        // 5 ms to about 20 s.
        let latency = || Histogram::new(exponential_buckets(0.005, 2.0, 13));
        let (push_seconds, pull_seconds) = (latency(), latency());
        registry.register("sync_push_seconds", "Time to answer a push", push_seconds.clone());
        registry.register("sync_pull_seconds", "Time to answer a pull page", pull_seconds.clone());
        let rows_pulled = Counter::default();
        registry.register("sync_rows_pulled", "Rows sent in pull pages", rows_pulled.clone());
        let devices_active = Gauge::default();
        registry.register(
            "devices_active",
            "Devices not revoked that reached the server in the last 24 hours",
            devices_active.clone(),
        );
        let pushes_waiting = Gauge::default();
        registry.register(
            "sync_pushes_waiting",
            "Pushes waiting for their organization's writer (push_group.rs)",
            pushes_waiting.clone(),
        );
        // 1 to 1,024 pushes.
        let push_group_size = Histogram::new(exponential_buckets(1.0, 2.0, 11));
        registry.register("sync_push_group_size", "Pushes written in one transaction", push_group_size.clone());
        let push_group_seconds = latency();
        registry.register("sync_push_group_seconds", "Time to write a group of pushes", push_group_seconds.clone());
        Self {
            registry,
            requests,
            push_seconds,
            pull_seconds,
            rows_pulled,
            devices_active,
            pushes_waiting,
            push_group_size,
            push_group_seconds,
        }
    }
}

impl Metrics {
    pub fn pulled(&self, rows: u64) {
        self.rows_pulled.inc_by(rows);
    }

    /// A push now waits for its organization's writer.
    pub fn push_waits(&self) {
        self.pushes_waiting.inc();
    }

    /// A group of `pushes` that waited is taken to be written.
    pub fn push_group_taken(&self, pushes: usize) {
        self.pushes_stop_waiting(pushes);
        self.push_group_size.observe(pushes as f64);
    }

    /// A group of pushes was written (or failed) in `seconds`.
    pub fn push_group_written(&self, seconds: f64) {
        self.push_group_seconds.observe(seconds);
    }

    /// `pushes` wait no longer (taken, or failed with their writer).
    pub fn pushes_stop_waiting(&self, pushes: usize) {
        self.pushes_waiting.dec_by(i64::try_from(pushes).unwrap_or(i64::MAX));
    }

    /// The text Prometheus scrapes, with the devices active as counted now.
    pub fn render(&self, devices_active: i64) -> String {
        self.devices_active.set(devices_active);
        let mut text = String::new();
        // Writing to a String cannot fail.
        let _ = prometheus_client::encoding::text::encode(&mut text, &self.registry);
        text
    }
}

/// Counts every answered request, and times pushes and pulls.
pub async fn record(State(metrics): State<Arc<Metrics>>, request: Request, next: Next) -> Response {
    let route = request.extensions().get::<MatchedPath>().map_or("unmatched", MatchedPath::as_str).to_owned();
    let method = request.method().to_string();
    let started = Instant::now();
    let response = next.run(request).await;
    let seconds = started.elapsed().as_secs_f64();
    match route.as_str() {
        "/v1/sync/push" => metrics.push_seconds.observe(seconds),
        "/v1/sync/pull" => metrics.pull_seconds.observe(seconds),
        _ => {}
    }
    metrics.requests.get_or_create(&RequestLabels { route, method, status: response.status().as_u16() }).inc();
    response
}

/// Devices not revoked seen in the last day (read as the tables' owner, across
/// organizations: this is for the operator).
pub async fn devices_active(pool: &sqlx::PgPool) -> Result<i64, sqlx::Error> {
    sqlx::query_scalar(
        "SELECT count(*) FROM devices WHERE revoked_at IS NULL AND last_seen_at > now() - interval '24 hours'",
    )
    .fetch_one(pool)
    .await
}

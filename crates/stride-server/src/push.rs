//! POST /v1/sync/push: a batch of one device's outbox entries, each applied exactly once.
//! This file is the handler: it checks the request's shape, hands it to its
//! organization's writer (`push_group.rs`, which writes the pushes waiting together, by
//! `push_batch.rs`) and runs it again when PostgreSQL aborted it for a deadlock or a
//! serialization failure.

use crate::auth::AuthenticatedDevice;
use crate::error::ApiError;
use crate::extract::Body;
use crate::push_group::Written;
use crate::state::AppState;
use axum::extract::State;
use axum::Json;
use std::sync::Arc;
use std::time::Duration;
use stride_domain::api::{PushRequest, PushResponse};

pub use crate::push_rules::MAX_CLOCK_AHEAD_MS;

/// The most changes one push may carry.
pub const MAX_BATCH: usize = 1000;

/// How often a push that PostgreSQL aborted for a deadlock or a serialization failure is
/// tried again before the device is told to come back later.
const MAX_ATTEMPTS: u32 = 8;

/// Apply a batch of this device's changes, each exactly once: a change is known by its
/// change_id, whatever its seq.
#[utoipa::path(post, path = "/v1/sync/push", security(("device" = [])), request_body = PushRequest, responses(
        (status = 200, description = "one result per change", body = PushResponse),
        (status = 401, description = "unauthenticated or device_revoked", body = stride_domain::api::ErrorBody),
        crate::extract::BodyRefusals,
        crate::error::AnyOtherError,
))]
pub async fn push(
    State(state): State<AppState>,
    device: AuthenticatedDevice,
    Body(request): Body<PushRequest>,
) -> Result<Json<PushResponse>, ApiError> {
    if request.changes.len() > MAX_BATCH {
        return Err(ApiError::BadRequest(format!("at most {MAX_BATCH} changes per push")));
    }
    if request.changes.windows(2).any(|pair| pair[1].seq <= pair[0].seq) {
        return Err(ApiError::BadRequest("changes must be in increasing seq order".into()));
    }
    let request = Arc::new(request);
    let mut attempt = 1;
    loop {
        match state.push_groups.push(&state.pool, &device, &request).await {
            Written::Again if attempt < MAX_ATTEMPTS => {
                tracing::info!(device.id = %device.device_id, attempt, "push aborted by the database; running it again");
                tokio::time::sleep(pause_before(attempt)).await;
                attempt += 1;
            }
            Written::Again => {
                return Err(ApiError::Internal("the database aborted this push again and again; push it later".into()))
            }
            Written::Done(response) => return Ok(Json(response)),
            Written::Failed(error) => return Err(error),
        }
    }
}

/// A short pause that grows with the attempt and is spread at random, so two pushes that
/// collided do not collide again.
fn pause_before(attempt: u32) -> Duration {
    use rand_core::RngCore;
    let ceiling_ms = 10u64 << attempt.min(6);
    Duration::from_millis(ceiling_ms / 2 + rand_core::OsRng.next_u64() % (ceiling_ms / 2 + 1))
}

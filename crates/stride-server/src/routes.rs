//! The HTTP surface: routes, request size limit, compression both ways, request logs,
//! and the API's OpenAPI document, generated from the handlers' declarations
//! (`#[utoipa::path]` beside each) and the domain's types, so it cannot drift from what
//! the server does. It is served at GET /v1/openapi.json and committed as
//! crates/stride-server/openapi.json for readers; a test keeps that copy current.

use crate::auth::{self, AuthenticatedDevice};
use crate::error::ApiError;
use crate::extract::Body;
use crate::state::AppState;
use crate::{conflicts, extract, history, media, pull, push};
use axum::extract::{ConnectInfo, DefaultBodyLimit, State};
use axum::http::{header, StatusCode};
use axum::response::IntoResponse;
use axum::routing::{get, post};
use axum::{Json, Router};
use sqlx::{PgPool, Row};
use std::net::SocketAddr;
use std::sync::Arc;
use std::time::Instant;
use stride_domain::api::{LoginRequest, LoginResponse, Me};
use stride_domain::{DeviceId, Email, Name, Organization, OrganizationId, UserId};
use tower_http::compression::CompressionLayer;
use tower_http::decompression::RequestDecompressionLayer;
use tower_http::trace::TraceLayer;
use utoipa::openapi::security::{HttpAuthScheme, HttpBuilder, SecurityScheme};
use utoipa::{Modify, OpenApi};

/// The largest request body accepted (after decompression): a full push batch fits.
pub const MAX_BODY_BYTES: usize = 8 * 1024 * 1024;

pub fn router(state: AppState) -> Router {
    Router::new()
        .route("/v1/auth/login", post(login))
        .route("/v1/me", get(me))
        .route("/v1/sync/push", post(push::push))
        .route("/v1/sync/pull", get(pull::pull))
        .route("/v1/sync/conflicts", get(conflicts::mine))
        .route("/v1/history", get(history::record_history))
        .route("/v1/openapi.json", get(openapi))
        .route("/v1/health", get(crate::ops::health))
        .route("/v1/ready", get(crate::ops::ready))
        .fallback(|| async { ApiError::NotFound })
        .method_not_allowed_fallback(|| async {
            ApiError::Rejected {
                status: StatusCode::METHOD_NOT_ALLOWED,
                message: "this route does not take that method".into(),
            }
        })
        .layer(DefaultBodyLimit::max(MAX_BODY_BYTES))
        .layer(RequestDecompressionLayer::new().gzip(true).zstd(true))
        .layer(CompressionLayer::new().gzip(true).zstd(true))
        // Media go out as they are (mostly compressed already), with their length, so a
        // device can show how far a download has come.
        .route("/v1/media/{name}", get(media::get))
        .layer(axum::middleware::map_response(extract::json_errors))
        .layer(axum::middleware::from_fn_with_state(Arc::clone(&state.metrics), crate::metrics::record))
        .layer(TraceLayer::new_for_http())
        .with_state(state)
}

/// The operator's metrics page (`GET /metrics`), served on a listener of its own.
pub fn metrics_router(state: AppState) -> Router {
    Router::new().route("/metrics", get(crate::ops::metrics)).with_state(state)
}

/// This document.
#[utoipa::path(get, path = "/v1/openapi.json", responses(
        (status = 200, description = "OpenAPI 3.1", content_type = "application/json"),
        crate::error::AnyOtherError,
))]
pub(crate) async fn openapi() -> impl IntoResponse {
    static DOCUMENT: std::sync::OnceLock<String> = std::sync::OnceLock::new();
    ([(header::CONTENT_TYPE, "application/json")], DOCUMENT.get_or_init(document).as_str())
}

/// Sign a device in; returns its token. Wrong passwords slow down their own account and
/// address (`limiter.rs`).
#[utoipa::path(post, path = "/v1/auth/login", request_body = LoginRequest, responses(
        (status = 200, description = "signed in", body = LoginResponse),
        (status = 401, description = "invalid_credentials", body = stride_domain::api::ErrorBody),
        (status = 429, description = "rate_limited, with Retry-After in seconds", body = stride_domain::api::ErrorBody),
        crate::extract::BodyRefusals,
        crate::error::AnyOtherError,
))]
pub(crate) async fn login(
    State(state): State<AppState>,
    ConnectInfo(peer): ConnectInfo<SocketAddr>,
    Body(request): Body<LoginRequest>,
) -> Result<Json<LoginResponse>, ApiError> {
    let email = Email::parse(&request.email).map_err(|_| ApiError::InvalidCredentials)?;
    let device_name =
        Name::parse(&request.device_name).map_err(|e| ApiError::BadRequest(format!("device_name {e}")))?;
    let address = peer.ip().to_string();
    let now = Instant::now();
    if let Some(wait) = state.login_limiter.wait_needed(email.as_str(), &address, now) {
        return Err(ApiError::RateLimited { retry_after_secs: wait.as_secs().max(1) });
    }
    let account = sqlx::query("SELECT organization_id, user_id, password_hash FROM user_emails WHERE email = $1")
        .bind(email.as_str())
        .fetch_optional(&state.pool)
        .await?;
    // The same work whether the account exists or not, so timing does not tell.
    let stored = account.as_ref().and_then(|row| row.get::<Option<String>, _>("password_hash"));
    let verified = match &stored {
        Some(hash) => auth::verify_password(request.password.clone(), hash.clone()).await?,
        None => {
            let _ = auth::hash_password(request.password.clone()).await;
            false
        }
    };
    let account = match account.filter(|_| verified) {
        Some(account) => {
            let organization_id = OrganizationId::from_uuid(account.get("organization_id"));
            let user_id = UserId::from_uuid(account.get("user_id"));
            // A deleted user signs in no more.
            auth::live_user_role(&state.pool, organization_id, user_id).await?.map(|_| (organization_id, user_id))
        }
        None => None,
    };
    let Some((organization_id, user_id)) = account else {
        state.login_limiter.record_failure(email.as_str(), &address, now);
        tracing::info!(login.email = %email, login.address = %peer.ip(), "sign-in refused");
        return Err(ApiError::InvalidCredentials);
    };
    state.login_limiter.clear(email.as_str(), &address);
    let token = auth::new_token();
    let device_id = DeviceId::new();
    sqlx::query("INSERT INTO devices (id, organization_id, user_id, name, token_hash) VALUES ($1, $2, $3, $4, $5)")
        .bind(device_id.as_uuid())
        .bind(organization_id.as_uuid())
        .bind(user_id.as_uuid())
        .bind(device_name.as_str())
        .bind(auth::token_hash(&token))
        .execute(&state.pool)
        .await?;
    tracing::info!(device.id = %device_id, login.email = %email, "device signed in");
    let device = auth::device_for_token(&state.pool, &token).await?;
    Ok(Json(LoginResponse { token, me: load_me(&state.pool, &device).await? }))
}

/// Who this device is signed in as.
#[utoipa::path(get, path = "/v1/me", security(("device" = [])), responses(
        (status = 200, description = "the user, device and organization", body = Me),
        (status = 401, description = "unauthenticated or device_revoked", body = stride_domain::api::ErrorBody),
        crate::error::AnyOtherError,
))]
pub(crate) async fn me(State(state): State<AppState>, device: AuthenticatedDevice) -> Result<Json<Me>, ApiError> {
    Ok(Json(load_me(&state.pool, &device).await?))
}

async fn load_me(pool: &PgPool, device: &AuthenticatedDevice) -> Result<Me, ApiError> {
    let mut tx = crate::tenant::begin(pool, device.organization_id).await?;
    let user = sqlx::query("SELECT email, role, display_name FROM users WHERE organization_id = $1 AND id = $2")
        .bind(device.organization_id.as_uuid())
        .bind(device.user_id.as_uuid())
        .fetch_one(&mut *tx)
        .await?;
    let organization: serde_json::Value = sqlx::query_scalar(
        "SELECT to_jsonb(o) - 'field_hlc' - 'version' - 'deleted_at' FROM organizations o WHERE o.id = $1",
    )
    .bind(device.organization_id.as_uuid())
    .fetch_one(&mut *tx)
    .await?;
    tx.commit().await?;
    let organization: Organization =
        serde_json::from_value(organization).map_err(|e| ApiError::Internal(format!("organization row: {e}")))?;
    let bad = |what: &str, e: String| ApiError::Internal(format!("stored {what}: {e}"));
    Ok(Me {
        user_id: device.user_id,
        email: Email::parse(&user.get::<String, _>("email")).map_err(|e| bad("email", e.to_string()))?,
        role: device.role,
        display_name: user
            .get::<Option<String>, _>("display_name")
            .map(|n| Name::parse(&n))
            .transpose()
            .map_err(|e| bad("name", e.to_string()))?,
        device_id: device.device_id,
        organization,
    })
}

#[derive(OpenApi)]
#[openapi(
    info(
        title = "Stride sync server",
        version = "1",
        description = "Sign-in and organization-scoped sync for Stride devices. Every error is JSON {code, message} \
            (codes: invalid_request, unauthenticated, invalid_credentials, device_revoked, rate_limited, forbidden, \
            not_found, method_not_allowed, too_large, unsupported_media_type, internal). Request and response bodies \
            may be compressed (gzip or zstd); requests are limited to 8 MiB after decompression. Every route except \
            sign-in and this document needs `Authorization: Bearer <device token>`; a revoked device gets 401 with \
            code device_revoked."
    ),
    paths(
        login,
        me,
        crate::push::push,
        crate::pull::pull,
        crate::conflicts::mine,
        crate::history::record_history,
        crate::media::get,
        crate::ops::health,
        crate::ops::ready,
        openapi,
    ),
    modifiers(&DeviceToken)
)]
struct ApiDoc;

/// The bearer token a device gets at sign-in; and no tags (utoipa tags each route by
/// its Rust module, which says nothing to a client).
struct DeviceToken;

impl Modify for DeviceToken {
    fn modify(&self, openapi: &mut utoipa::openapi::OpenApi) {
        for item in openapi.paths.paths.values_mut() {
            for operation in [&mut item.get, &mut item.post].into_iter().flatten() {
                operation.tags = None;
            }
        }
        let components = openapi.components.get_or_insert_with(Default::default);
        components.add_security_scheme(
            "device",
            SecurityScheme::Http(HttpBuilder::new().scheme(HttpAuthScheme::Bearer).build()),
        );
    }
}

/// The document, as served and committed.
pub fn document() -> String {
    ApiDoc::openapi().to_pretty_json().unwrap_or_else(|error| format!("{{\"error\": \"{error}\"}}"))
}

#[cfg(test)]
mod openapi_document {
    #[test]
    fn the_committed_document_is_the_generated_one() {
        let path = std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("openapi.json");
        let generated = super::document() + "\n";
        if std::env::var_os("UPDATE_OPENAPI").is_some() {
            std::fs::write(&path, &generated).expect("write the document");
            return;
        }
        let committed = std::fs::read_to_string(&path).unwrap_or_default();
        assert!(committed == generated, "openapi.json is stale: run `make openapi` and commit the result");
    }
}

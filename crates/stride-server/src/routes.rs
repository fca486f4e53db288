//! The HTTP surface: routes, request size limit, compression both ways, request logs,
//! and the API's OpenAPI document, generated from the handlers' declarations
//! (`#[utoipa::path]` beside each) and the domain's types, so it cannot drift from what
//! the server does. It is served at GET /v1/openapi.json and committed as
//! crates/stride-server/openapi.json for readers; a test keeps that copy current.

use crate::error::ApiError;
use crate::state::AppState;
use crate::{backfill, conflicts, extract, history, marketplace, media, pull, push, sign_in, staff};
use axum::extract::DefaultBodyLimit;
use axum::http::{header, StatusCode};
use axum::response::IntoResponse;
use axum::routing::{get, patch, post};
use axum::Router;
use std::sync::Arc;
use tower_http::compression::CompressionLayer;
use tower_http::decompression::RequestDecompressionLayer;
use tower_http::trace::TraceLayer;
use utoipa::openapi::security::{HttpAuthScheme, HttpBuilder, SecurityScheme};
use utoipa::{Modify, OpenApi};

/// The largest request body accepted (after decompression): a full push batch fits.
pub const MAX_BODY_BYTES: usize = 8 * 1024 * 1024;

pub fn router(state: AppState) -> Router {
    Router::new()
        .route("/v1/auth/login", post(sign_in::login))
        .route("/v1/auth/set-up", post(sign_in::set_up))
        .route("/v1/me", get(sign_in::me))
        .route("/v1/me/password", post(sign_in::change_password))
        .route("/v1/staff", get(staff::list).post(staff::add))
        .route("/v1/staff/{user_id}", patch(staff::update))
        .route("/v1/staff/{user_id}/set-up-code", post(staff::issue_set_up_code))
        .route("/v1/organization", patch(staff::update_organization))
        .route("/v1/sync/push", post(push::push))
        .route("/v1/sync/pull", get(pull::pull))
        .route("/v1/sync/backfill", post(backfill::backfill))
        .route("/v1/sync/conflicts", get(conflicts::mine))
        .route("/v1/history", get(history::record_history))
        .route("/v1/marketplace/listings", get(marketplace::catalog).post(marketplace::publish))
        .route("/v1/marketplace/listings/{listing_id}", get(marketplace::listing).patch(marketplace::update))
        .route("/v1/marketplace/listings/{listing_id}/versions", post(marketplace::new_version))
        .route("/v1/marketplace/listings/{listing_id}/license", post(marketplace::request_license))
        .route("/v1/marketplace/listings/{listing_id}/usage", get(marketplace::usage::usage))
        .route("/v1/marketplace/licenses", get(marketplace::licenses))
        .route("/v1/marketplace/licenses/{license_id}", patch(marketplace::decide))
        .route("/v1/marketplace/licenses/{license_id}/copy", post(marketplace::copy))
        .route(
            "/v1/marketplace/licenses/{license_id}/update",
            get(marketplace::update::preview).post(marketplace::update::apply),
        )
        .route("/v1/marketplace/licenses/{license_id}/fork", post(marketplace::update::fork))
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

#[derive(OpenApi)]
#[openapi(
    info(
        title = "Stride sync server",
        version = "1",
        description = "Sign-in, organization-scoped sync, staff management, and the marketplace (expert organizations publish, client \
            organizations license and copy in) for Stride devices. Every error is JSON {code, message} \
            (codes: invalid_request, unauthenticated, invalid_credentials, device_revoked, user_deactivated, \
            wrong_password, rate_limited, forbidden, not_found, already_exists, tier_limit, last_administrator, \
            listing_withdrawn, license_not_in_force, method_not_allowed, too_large, unsupported_media_type, internal). Request and response bodies \
            may be compressed (gzip or zstd); requests are limited to 8 MiB after decompression. Every route except \
            sign-in and this document needs `Authorization: Bearer <device token>`; a revoked device gets 401 with \
            code device_revoked, and a device of a deactivated user 401 with code user_deactivated. A signed-in \
            request may name its installation (the laptop's own id) in the `stride-installation` header, which \
            binds a sign-in that has none to it."
    ),
    paths(
        crate::sign_in::login,
        crate::sign_in::set_up,
        crate::sign_in::me,
        crate::sign_in::change_password,
        crate::staff::list,
        crate::staff::add,
        crate::staff::update,
        crate::staff::issue_set_up_code,
        crate::staff::update_organization,
        crate::push::push,
        crate::pull::pull,
        crate::backfill::backfill,
        crate::conflicts::mine,
        crate::history::record_history,
        crate::marketplace::catalog,
        crate::marketplace::publish,
        crate::marketplace::listing,
        crate::marketplace::update,
        crate::marketplace::new_version,
        crate::marketplace::licenses::request_license,
        crate::marketplace::licenses::licenses,
        crate::marketplace::licenses::decide,
        crate::marketplace::copy::copy,
        crate::marketplace::update::preview,
        crate::marketplace::update::apply,
        crate::marketplace::update::fork,
        crate::marketplace::usage::usage,
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
            for operation in [&mut item.get, &mut item.post, &mut item.patch].into_iter().flatten() {
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

//! The request parts a handler reads (a JSON body, query parameters, a path segment),
//! each refused as the API's own error: `{code, message}` with axum's status and its
//! explanation. The last layer (`json_errors`) gives the same form to any error answer
//! that is not JSON yet (an unknown method, an unknown content encoding, a body past
//! the limit, a failure inside a layer).

use crate::auth::AuthenticatedDevice;
use crate::error::ApiError;
use crate::state::AppState;
use axum::extract::rejection::{JsonRejection, PathRejection, QueryRejection};
use axum::extract::{FromRequest, FromRequestParts, Request};
use axum::http::header::CONTENT_TYPE;
use axum::http::request::Parts;
use axum::response::{IntoResponse, Response};
use serde::de::DeserializeOwned;
use stride_domain::api::ErrorBody;

/// A JSON request body.
pub struct Body<T>(pub T);

/// What a route that reads a [`Body`] may answer besides its own answers, for the
/// OpenAPI document: the body's refusals.
#[derive(utoipa::IntoResponses)]
#[allow(dead_code)] // describes answers; never built
pub enum BodyRefusals {
    #[response(
        status = 400,
        description = "invalid_request: the body is not JSON, or not gzip/zstd as its encoding says"
    )]
    NotJson(ErrorBody),
    #[response(status = 413, description = "too_large: the body is past 8 MiB")]
    TooLarge(ErrorBody),
    #[response(
        status = 415,
        description = "unsupported_media_type: not application/json, or an encoding other than gzip and zstd"
    )]
    UnsupportedMediaType(ErrorBody),
    #[response(status = 422, description = "invalid_request: JSON of the wrong shape or types")]
    WrongShape(ErrorBody),
}

impl<S: Send + Sync, T: DeserializeOwned> FromRequest<S> for Body<T> {
    type Rejection = ApiError;

    async fn from_request(request: Request, state: &S) -> Result<Self, Self::Rejection> {
        axum::Json::<T>::from_request(request, state).await.map(|axum::Json(body)| Body(body)).map_err(
            |rejection: JsonRejection| ApiError::Rejected {
                status: rejection.status(),
                message: rejection.body_text(),
            },
        )
    }
}

/// Query parameters.
pub struct Params<T>(pub T);

impl<S: Send + Sync, T: DeserializeOwned> FromRequestParts<S> for Params<T> {
    type Rejection = ApiError;

    async fn from_request_parts(parts: &mut Parts, state: &S) -> Result<Self, Self::Rejection> {
        axum::extract::Query::<T>::from_request_parts(parts, state)
            .await
            .map(|axum::extract::Query(params)| Params(params))
            .map_err(|rejection: QueryRejection| ApiError::Rejected {
                status: rejection.status(),
                message: rejection.body_text(),
            })
    }
}

/// Path parameters.
pub struct Segment<T>(pub T);

impl<S: Send + Sync, T: DeserializeOwned + Send> FromRequestParts<S> for Segment<T> {
    type Rejection = ApiError;

    async fn from_request_parts(parts: &mut Parts, state: &S) -> Result<Self, Self::Rejection> {
        axum::extract::Path::<T>::from_request_parts(parts, state)
            .await
            .map(|axum::extract::Path(segment)| Segment(segment))
            .map_err(|rejection: PathRejection| ApiError::Rejected {
                status: rejection.status(),
                message: rejection.body_text(),
            })
    }
}

/// Gives an error answer that is not JSON the API's form, keeping its status.
pub async fn json_errors(response: Response) -> Response {
    let status = response.status();
    let is_json = response
        .headers()
        .get(CONTENT_TYPE)
        .and_then(|value| value.to_str().ok())
        .is_some_and(|value| value.starts_with("application/json"));
    if !(status.is_client_error() || status.is_server_error()) || is_json {
        return response;
    }
    let (parts, _) = response.into_parts();
    let message = match status.canonical_reason() {
        Some(reason) => format!("{reason} ({})", status.as_u16()),
        None => format!("the request failed ({})", status.as_u16()),
    };
    let mut rewritten = ApiError::Rejected { status, message }.into_response();
    // Headers that explain the status (Allow, Accept-Encoding, Retry-After) stay.
    for (name, value) in parts.headers.iter() {
        if name != CONTENT_TYPE && name != axum::http::header::CONTENT_LENGTH {
            rewritten.headers_mut().insert(name.clone(), value.clone());
        }
    }
    rewritten
}

/// The device a request comes from, by its bearer token (`auth.rs`).
impl FromRequestParts<AppState> for AuthenticatedDevice {
    type Rejection = ApiError;

    async fn from_request_parts(parts: &mut Parts, state: &AppState) -> Result<Self, Self::Rejection> {
        let header = parts.headers.get(axum::http::header::AUTHORIZATION).and_then(|v| v.to_str().ok());
        let token = header.and_then(|h| h.strip_prefix("Bearer ")).ok_or(ApiError::Unauthenticated)?;
        let installation = parts
            .headers
            .get(stride_domain::api::INSTALLATION_HEADER)
            .and_then(|v| v.to_str().ok())
            .and_then(|v| uuid::Uuid::parse_str(v.trim()).ok());
        crate::auth::device_for_token(
            &state.pool,
            &stride_domain::api::DeviceToken(token.trim().to_owned()),
            installation,
        )
        .await
    }
}

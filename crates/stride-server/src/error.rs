//! The server's one error type: every failure answers as JSON `{code, message}` with a
//! fitting status, and database detail never leaves the server (it is logged, once).

use axum::http::StatusCode;
use axum::response::{IntoResponse, Response};
use axum::Json;
use stride_domain::api::ErrorBody;
use stride_domain::ErrorCode;

/// What any route may answer besides its own answers, for the OpenAPI document.
#[derive(utoipa::IntoResponses)]
#[response(status = "default", description = "any other error (405 method_not_allowed, 500 internal, …)")]
#[allow(dead_code)] // describes an answer; never built
pub struct AnyOtherError(ErrorBody);

#[derive(Debug, thiserror::Error)]
pub enum ApiError {
    #[error("the request is not valid: {0}")]
    BadRequest(String),
    #[error("sign in first: this request needs a device token")]
    Unauthenticated,
    #[error("the email or the password is wrong")]
    InvalidCredentials,
    #[error("this device was signed out by an administrator")]
    DeviceRevoked,
    #[error("this account was deactivated by an administrator")]
    UserDeactivated,
    #[error("the current password is wrong")]
    WrongPassword,
    /// The request is sound but the organization's state refuses it (an email already
    /// taken, the tier's limit, its last administrator), with the code that says which.
    #[error("{message}")]
    Conflict { code: ErrorCode, message: String },
    #[error("too many sign-in attempts; wait {retry_after_secs} seconds")]
    RateLimited { retry_after_secs: u64 },
    #[error("no such route")]
    NotFound,
    /// No such record in the organization (or one row-level security hides).
    #[error("{0}")]
    Missing(String),
    /// The role of the device's user may not do this.
    #[error("{0}")]
    Forbidden(String),
    #[error("the server could not complete the request")]
    Database(#[from] sqlx::Error),
    #[error("the server could not complete the request: {0}")]
    Internal(String),
    /// The server is up but cannot serve: its database does not answer or is not at
    /// its schema (`/v1/ready`).
    #[error("not ready: {0}")]
    NotReady(String),
    /// A request the HTTP layer refused (its body, parameters, method or encoding), with
    /// that layer's status and explanation.
    #[error("{message}")]
    Rejected { status: StatusCode, message: String },
}

impl ApiError {
    pub fn code(&self) -> ErrorCode {
        match self {
            ApiError::BadRequest(_) => ErrorCode::InvalidRequest,
            ApiError::Unauthenticated => ErrorCode::Unauthenticated,
            ApiError::InvalidCredentials => ErrorCode::InvalidCredentials,
            ApiError::DeviceRevoked => ErrorCode::DeviceRevoked,
            ApiError::UserDeactivated => ErrorCode::UserDeactivated,
            ApiError::WrongPassword => ErrorCode::WrongPassword,
            ApiError::Conflict { code, .. } => *code,
            ApiError::RateLimited { .. } => ErrorCode::RateLimited,
            ApiError::NotFound | ApiError::Missing(_) => ErrorCode::NotFound,
            ApiError::Forbidden(_) => ErrorCode::Forbidden,
            ApiError::Database(_) | ApiError::Internal(_) => ErrorCode::Internal,
            ApiError::NotReady(_) => ErrorCode::NotReady,
            ApiError::Rejected { status, .. } => match *status {
                StatusCode::NOT_FOUND => ErrorCode::NotFound,
                StatusCode::METHOD_NOT_ALLOWED => ErrorCode::MethodNotAllowed,
                StatusCode::PAYLOAD_TOO_LARGE => ErrorCode::TooLarge,
                StatusCode::UNSUPPORTED_MEDIA_TYPE => ErrorCode::UnsupportedMediaType,
                StatusCode::UNAUTHORIZED => ErrorCode::Unauthenticated,
                StatusCode::FORBIDDEN => ErrorCode::Forbidden,
                StatusCode::TOO_MANY_REQUESTS => ErrorCode::RateLimited,
                status if status.is_server_error() => ErrorCode::Internal,
                _ => ErrorCode::InvalidRequest,
            },
        }
    }

    fn status(&self) -> StatusCode {
        match self {
            ApiError::BadRequest(_) => StatusCode::BAD_REQUEST,
            ApiError::Unauthenticated
            | ApiError::InvalidCredentials
            | ApiError::DeviceRevoked
            | ApiError::UserDeactivated => StatusCode::UNAUTHORIZED,
            ApiError::WrongPassword => StatusCode::FORBIDDEN,
            ApiError::Conflict { .. } => StatusCode::CONFLICT,
            ApiError::RateLimited { .. } => StatusCode::TOO_MANY_REQUESTS,
            ApiError::NotFound | ApiError::Missing(_) => StatusCode::NOT_FOUND,
            ApiError::NotReady(_) => StatusCode::SERVICE_UNAVAILABLE,
            ApiError::Forbidden(_) => StatusCode::FORBIDDEN,
            ApiError::Database(_) | ApiError::Internal(_) => StatusCode::INTERNAL_SERVER_ERROR,
            ApiError::Rejected { status, .. } => *status,
        }
    }
}

impl IntoResponse for ApiError {
    fn into_response(self) -> Response {
        if let ApiError::Database(source) = &self {
            tracing::error!(error.code = %self.code(), error.source = %source, "request failed in the database");
        }
        let body = ErrorBody { code: self.code(), message: self.to_string() };
        let mut response = (self.status(), Json(body)).into_response();
        if let ApiError::RateLimited { retry_after_secs } = self {
            response.headers_mut().insert(axum::http::header::RETRY_AFTER, retry_after_secs.into());
        }
        response
    }
}

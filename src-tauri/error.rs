//! The one error type that crosses IPC: `{code, message, fields}`. The UI branches on
//! `code` (the domain's `ErrorCode`, generated into TypeScript) and shows its own
//! sentence for it; `message` is the detail for logs and a "details" fold.

use serde::Serialize;
pub use stride_domain::ErrorCode;
use stride_domain::{InvalidValue, ValidationError};
use stride_store::StoreError;
use ts_rs::TS;

#[derive(Debug, Clone, PartialEq, Serialize, TS)]
pub struct AppError {
    pub code: ErrorCode,
    pub message: String,
    /// For `invalid_input`: each field's problem.
    pub fields: Vec<ValidationError>,
}

impl AppError {
    pub fn invalid(fields: Vec<ValidationError>) -> Self {
        let message = fields.iter().map(ToString::to_string).collect::<Vec<_>>().join("; ");
        Self { code: ErrorCode::InvalidInput, message, fields }
    }

    pub fn not_permitted(message: impl Into<String>) -> Self {
        Self::new(ErrorCode::NotPermitted, message)
    }

    pub fn tier_limit(message: impl Into<String>) -> Self {
        Self::new(ErrorCode::TierLimit, message)
    }

    pub(crate) fn new(code: ErrorCode, message: impl Into<String>) -> Self {
        Self { code, message: message.into(), fields: Vec::new() }
    }
}

/// The error and its causes, outermost first.
fn with_causes(error: &dyn std::error::Error) -> String {
    let mut text = error.to_string();
    let mut source = error.source();
    while let Some(cause) = source {
        text.push_str(": ");
        text.push_str(&cause.to_string());
        source = cause.source();
    }
    text
}

impl From<StoreError> for AppError {
    fn from(error: StoreError) -> Self {
        match &error {
            StoreError::Invalid(invalid) => return Self::invalid(vec![invalid.clone()]),
            StoreError::Immutable { column, .. } => {
                return Self::invalid(vec![ValidationError::new(*column, InvalidValue::Unchangeable)]);
            }
            _ => {}
        }
        let code = error.code();
        let message = with_causes(&error);
        // Logged once, here, where it becomes the UI's error; expected outcomes
        // (not found, already set up) are not failures worth a log line.
        if matches!(
            code,
            ErrorCode::Internal
                | ErrorCode::DatabaseUnavailable
                | ErrorCode::DatabaseTooNew
                | ErrorCode::DatabaseKeyMissing
                | ErrorCode::DatabaseKeyWrong
        ) {
            tracing::error!(error.code = %code, error.message = %message, "store operation failed");
        }
        Self::new(code, message)
    }
}

impl From<stride_sync::ClientError> for AppError {
    fn from(error: stride_sync::ClientError) -> Self {
        use stride_sync::ClientError as E;
        if let E::BadCaFile = error {
            return Self::invalid(vec![ValidationError::new("ca_file", InvalidValue::NotCertificates)]);
        }
        let code = match &error {
            E::BadAddress { .. } => ErrorCode::BadServerAddress,
            E::PlainHttp { .. } => ErrorCode::InsecureServerAddress,
            E::Certificate { problem, .. } => match problem {
                stride_sync::CertificateProblem::Expired => ErrorCode::CertificateExpired,
                stride_sync::CertificateProblem::WrongHost => ErrorCode::CertificateWrongHost,
                stride_sync::CertificateProblem::UnknownIssuer => ErrorCode::CertificateUntrusted,
                stride_sync::CertificateProblem::Other => ErrorCode::CertificateInvalid,
            },
            E::BadCaFile => ErrorCode::InvalidInput,
            E::Unreachable(_) => ErrorCode::ServerUnreachable,
            E::InvalidCredentials => ErrorCode::InvalidCredentials,
            E::Unauthenticated => ErrorCode::NotSignedIn,
            E::Revoked => ErrorCode::DeviceRevoked,
            E::Deactivated => ErrorCode::UserDeactivated,
            E::RateLimited => ErrorCode::RateLimited,
            // Refusals a person can act on (a role that may not, an email already taken,
            // the tier's limit, the last administrator, a wrong current password, a
            // member gone): the window says which.
            E::Server {
                code:
                    code @ (ErrorCode::Forbidden
                    | ErrorCode::NotFound
                    | ErrorCode::AlreadyExists
                    | ErrorCode::TierLimit
                    | ErrorCode::LastAdministrator
                    | ErrorCode::WrongPassword
                    | ErrorCode::UserDeactivated
                    | ErrorCode::ListingWithdrawn
                    | ErrorCode::LicenseNotInForce),
                ..
            } => *code,
            E::Server { .. } | E::Decode(_) | E::BadPage(_) => ErrorCode::ServerError,
            E::Write(_) => ErrorCode::DownloadFailed,
        };
        if code == ErrorCode::ServerError {
            tracing::warn!(error.message = %with_causes(&error), "the sync server refused a request");
        }
        Self::new(code, with_causes(&error))
    }
}

impl From<stride_sync::SyncError> for AppError {
    fn from(error: stride_sync::SyncError) -> Self {
        match error {
            stride_sync::SyncError::Client(client) => client.into(),
            stride_sync::SyncError::Store(store) => store.into(),
            other @ stride_sync::SyncError::OtherOrganization => {
                Self::new(ErrorCode::OtherOrganization, other.to_string())
            }
            other @ stride_sync::SyncError::Stopped(_) => Self::new(ErrorCode::Internal, with_causes(&other)),
        }
    }
}

impl From<stride_sync::CredentialError> for AppError {
    fn from(error: stride_sync::CredentialError) -> Self {
        let message = with_causes(&error);
        tracing::error!(error.message = %message, "the OS keyring failed");
        Self::new(ErrorCode::KeyringUnavailable, message)
    }
}

impl From<tokio::task::JoinError> for AppError {
    /// Work on the blocking pool that panicked or was stopped with the runtime.
    fn from(error: tokio::task::JoinError) -> Self {
        tracing::error!(error.message = %error, "work on the blocking pool failed");
        Self::new(ErrorCode::Internal, with_causes(&error))
    }
}

impl From<tauri::Error> for AppError {
    fn from(error: tauri::Error) -> Self {
        Self::new(ErrorCode::Internal, with_causes(&error))
    }
}

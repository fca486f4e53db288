//! The one error type that crosses IPC: `{code, message, fields}`. The UI branches on
//! `code` (a closed set, generated into TypeScript) and never on `message`.

use serde::Serialize;
use stride_domain::ValidationError;
use stride_store::StoreError;
use ts_rs::TS;

#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, TS)]
#[serde(rename_all = "snake_case")]
pub enum ErrorCode {
    /// One or more fields are invalid; `fields` says which and why.
    InvalidInput,
    NotFound,
    AlreadyExists,
    DeviceNotSetUp,
    DeviceAlreadySetUp,
    /// The database could not be opened or upgraded, or is from a newer app.
    DatabaseUnavailable,
    DatabaseTooNew,
    /// The server address is not one (http://host:port).
    BadServerAddress,
    /// No answer from the server: offline, or the address is wrong.
    ServerUnreachable,
    InvalidCredentials,
    /// Too many sign-in attempts for now.
    RateLimited,
    /// This device is not signed in to a server.
    NotSignedIn,
    /// An administrator signed this device out.
    DeviceRevoked,
    /// The account belongs to another organization than the one this device works for.
    OtherOrganization,
    /// The OS keyring is locked or missing, so the sign-in cannot be kept.
    KeyringUnavailable,
    /// The server refused a request for a reason of its own.
    ServerError,
    /// The account's role may not make this change.
    NotPermitted,
    /// The organization's subscription tier allows no more of these.
    TierLimit,
    /// Live records still use this one where the seed says RESTRICT: remove them first.
    Restricted,
    /// Media could not be downloaded: the server has no such file, or it could not be written here.
    DownloadFailed,

    /// Anything else: a bug or a broken disk. The message says what, the log says more.
    Internal,
}

impl ErrorCode {
    /// The code's name, as the window receives it (its serde name).
    pub fn name(self) -> String {
        serde_json::to_value(self).ok().and_then(|name| name.as_str().map(str::to_owned)).unwrap_or_default()
    }
}

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
        let code = match &error {
            StoreError::Invalid(invalid) => return Self::invalid(vec![invalid.clone()]),
            StoreError::Immutable { column, .. } => {
                return Self::invalid(vec![ValidationError::new(*column, "cannot be changed")]);
            }
            StoreError::NotFound { .. } | StoreError::NotRejected { .. } => ErrorCode::NotFound,
            StoreError::AlreadyExists { .. } => ErrorCode::AlreadyExists,
            StoreError::Restricted { .. } => ErrorCode::Restricted,
            StoreError::NoOrganization => ErrorCode::DeviceNotSetUp,
            StoreError::OrganizationAlreadySet => ErrorCode::DeviceAlreadySetUp,
            StoreError::SchemaTooNew { .. } => ErrorCode::DatabaseTooNew,
            StoreError::Folder { .. }
            | StoreError::Open { .. }
            | StoreError::Migration { .. }
            | StoreError::MigrationEdited { .. } => ErrorCode::DatabaseUnavailable,
            _ => ErrorCode::Internal,
        };
        let message = with_causes(&error);
        // Logged once, here, where it becomes the UI's error; expected outcomes
        // (not found, already set up) are not failures worth a log line.
        if matches!(code, ErrorCode::Internal | ErrorCode::DatabaseUnavailable | ErrorCode::DatabaseTooNew) {
            tracing::error!(error.code = error.code(), error.message = %message, "store operation failed");
        }
        Self::new(code, message)
    }
}

impl From<stride_sync::ClientError> for AppError {
    fn from(error: stride_sync::ClientError) -> Self {
        use stride_sync::ClientError as E;
        let code = match &error {
            E::BadAddress { .. } => ErrorCode::BadServerAddress,
            E::Unreachable(_) => ErrorCode::ServerUnreachable,
            E::InvalidCredentials => ErrorCode::InvalidCredentials,
            E::Unauthenticated => ErrorCode::NotSignedIn,
            E::Revoked => ErrorCode::DeviceRevoked,
            E::RateLimited => ErrorCode::RateLimited,
            E::Server { .. } | E::Decode(_) => ErrorCode::ServerError,
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

impl From<tauri::Error> for AppError {
    fn from(error: tauri::Error) -> Self {
        Self::new(ErrorCode::Internal, with_causes(&error))
    }
}

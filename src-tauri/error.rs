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
    /// Anything else: a bug or a broken disk. The message says what, the log says more.
    Internal,
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
        let message = fields
            .iter()
            .map(ToString::to_string)
            .collect::<Vec<_>>()
            .join("; ");
        Self {
            code: ErrorCode::InvalidInput,
            message,
            fields,
        }
    }

    fn new(code: ErrorCode, message: impl Into<String>) -> Self {
        Self {
            code,
            message: message.into(),
            fields: Vec::new(),
        }
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
            StoreError::NotFound { .. } => ErrorCode::NotFound,
            StoreError::AlreadyExists { .. } => ErrorCode::AlreadyExists,
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
        if matches!(
            code,
            ErrorCode::Internal | ErrorCode::DatabaseUnavailable | ErrorCode::DatabaseTooNew
        ) {
            tracing::error!(error.code = error.code(), error.message = %message, "store operation failed");
        }
        Self::new(code, message)
    }
}

impl From<tauri::Error> for AppError {
    fn from(error: tauri::Error) -> Self {
        Self::new(ErrorCode::Internal, with_causes(&error))
    }
}

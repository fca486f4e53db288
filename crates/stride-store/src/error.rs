use std::path::PathBuf;
use stride_domain::{EntityKind, ErrorCode, RowKey, ValidationError};

pub type Result<T, E = StoreError> = std::result::Result<T, E>;

/// Why the keeper of a database's key (`encryption::KeyKeeper`: the OS keyring, for the
/// app) failed.
pub type KeyKeeperError = Box<dyn std::error::Error + Send + Sync>;

/// Everything that can go wrong in the device store. `code()` is what the app and the
/// window branch on.
#[derive(Debug, thiserror::Error)]
pub enum StoreError {
    #[error("could not create the folder {path}")]
    Folder { path: PathBuf, source: std::io::Error },
    #[error("could not open the database at {path}")]
    Open { path: PathBuf, source: rusqlite::Error },
    #[error("could not read or move the database file {path}")]
    File { path: PathBuf, source: std::io::Error },
    #[error("could not rewrite the database at {path} encrypted in the current format")]
    Encrypt { path: PathBuf, source: rusqlite::Error },
    #[error("the key of the encrypted database at {path} is not in this computer's keyring (it was reset, or the database came from another computer)")]
    KeyMissing { path: PathBuf },
    #[error("the key in this computer's keyring does not open the database at {path}")]
    KeyRejected { path: PathBuf },
    #[error("the database's key could not be read or kept")]
    KeyKeeper(#[source] KeyKeeperError),
    #[error("the operating system gave no randomness for a key: {0}")]
    NoRandomness(String),
    #[error("database migration {version} ({name}) failed")]
    Migration { version: i64, name: &'static str, source: rusqlite::Error },
    #[error(
        "database migration {version} ({name}) was changed after it was applied; shipped migrations must not be edited"
    )]
    MigrationEdited { version: i64, name: String },
    #[error("this database has schema version {found}, newer than this app knows ({known}); update Stride")]
    SchemaTooNew { found: i64, known: i64 },
    #[error(transparent)]
    Invalid(#[from] ValidationError),
    #[error("{entity:?} {key} was not found")]
    NotFound { entity: EntityKind, key: RowKey },
    #[error("{entity:?} {key} already exists")]
    AlreadyExists { entity: EntityKind, key: RowKey },
    #[error("{column} cannot be changed on {entity:?} {key}")]
    Immutable { entity: EntityKind, key: RowKey, column: &'static str },
    #[error("{column} is not a column of {entity:?}")]
    UnknownColumn { entity: EntityKind, column: String },
    #[error("{entity:?} {key} is still used by {count} {used_by:?} row(s)")]
    Restricted { entity: EntityKind, key: RowKey, used_by: EntityKind, count: u64 },
    #[error("no refused change {seq} waits here")]
    NotRejected { seq: i64 },
    #[error("this device is not set up for an organization yet")]
    NoOrganization,
    #[error("that person is not signed in on this laptop")]
    NotOnDevice,
    #[error("this device is already set up for another organization")]
    OrganizationAlreadySet,
    #[error("{entity:?} {key} belongs to another organization")]
    WrongOrganization { entity: EntityKind, key: RowKey },
    #[error("a stored {entity:?} row ({key}) could not be read")]
    Corrupt { entity: EntityKind, key: String, source: serde_json::Error },
    #[error("the device's {what} could not be read: {problem}")]
    CorruptRecord { what: String, problem: String },
    #[error("the change breaks a rule of the database")]
    Constraint { source: rusqlite::Error },
    #[error("database error")]
    Sqlite(#[from] rusqlite::Error),
}

impl StoreError {
    /// What kind of error it is, for the app and the window to branch on.
    pub fn code(&self) -> ErrorCode {
        match self {
            StoreError::Folder { .. }
            | StoreError::Open { .. }
            | StoreError::File { .. }
            | StoreError::Encrypt { .. }
            | StoreError::Migration { .. }
            | StoreError::MigrationEdited { .. } => ErrorCode::DatabaseUnavailable,
            StoreError::SchemaTooNew { .. } => ErrorCode::DatabaseTooNew,
            StoreError::KeyMissing { .. } => ErrorCode::DatabaseKeyMissing,
            StoreError::KeyRejected { .. } => ErrorCode::DatabaseKeyWrong,
            StoreError::KeyKeeper(_) => ErrorCode::KeyringUnavailable,
            StoreError::Invalid(_) | StoreError::Immutable { .. } => ErrorCode::InvalidInput,
            StoreError::NotFound { .. } | StoreError::NotRejected { .. } => ErrorCode::NotFound,
            StoreError::AlreadyExists { .. } => ErrorCode::AlreadyExists,
            StoreError::Restricted { .. } => ErrorCode::Restricted,
            StoreError::NoOrganization => ErrorCode::DeviceNotSetUp,
            StoreError::NotOnDevice => ErrorCode::NotOnDevice,
            StoreError::OrganizationAlreadySet => ErrorCode::DeviceAlreadySetUp,
            StoreError::WrongOrganization { .. } => ErrorCode::WrongOrganization,
            StoreError::UnknownColumn { .. }
            | StoreError::Corrupt { .. }
            | StoreError::CorruptRecord { .. }
            | StoreError::Constraint { .. }
            | StoreError::NoRandomness(_)
            | StoreError::Sqlite(_) => ErrorCode::Internal,
        }
    }

    /// The field an `invalid_input` error is about.
    pub fn field(&self) -> Option<&str> {
        match self {
            StoreError::Invalid(e) => Some(&e.field),
            StoreError::Immutable { column, .. } => Some(column),
            _ => None,
        }
    }
}

/// A failed commit is a deferred constraint (a foreign key) more often than not.
pub(crate) fn from_commit(error: rusqlite::Error) -> StoreError {
    match error.sqlite_error_code() {
        Some(rusqlite::ErrorCode::ConstraintViolation) => StoreError::Constraint { source: error },
        _ => StoreError::Sqlite(error),
    }
}

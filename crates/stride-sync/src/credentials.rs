//! The device token and the device database's key in the OS keyring (the Secret Service
//! on Linux, cached in the kernel keyring), never in SQLite, a file or a log. One entry
//! per device id for the token, one per database file for its key.

use std::path::Path;
use stride_domain::api::DeviceToken;
use stride_domain::DeviceId;
use stride_store::{DatabaseKey, KeyKeeper, KeyKeeperError};

#[derive(Debug, thiserror::Error)]
pub enum CredentialError {
    #[error("the system keyring is locked or missing, so the sign-in cannot be kept")]
    Unavailable(#[source] keyring::Error),
    #[error("the database key in the system keyring is not one this app wrote")]
    UnreadableKey,
}

/// The keyring entries of one app.
#[derive(Debug, Clone)]
pub struct Credentials {
    service: String,
}

impl Credentials {
    /// `service` names the app in the keyring (e.g. "org.stride.desktop").
    pub fn new(service: impl Into<String>) -> Self {
        Self { service: service.into() }
    }

    pub fn service(&self) -> &str {
        &self.service
    }

    fn entry(&self, device: DeviceId) -> Result<keyring::Entry, CredentialError> {
        keyring::Entry::new(&self.service, &device.to_string()).map_err(CredentialError::Unavailable)
    }

    pub fn save(&self, device: DeviceId, token: &DeviceToken) -> Result<(), CredentialError> {
        self.entry(device)?.set_password(&token.0).map_err(CredentialError::Unavailable)
    }

    /// The device's token, if it is signed in.
    pub fn load(&self, device: DeviceId) -> Result<Option<DeviceToken>, CredentialError> {
        match self.entry(device)?.get_password() {
            Ok(token) => Ok(Some(DeviceToken(token))),
            Err(keyring::Error::NoEntry) => Ok(None),
            Err(other) => Err(CredentialError::Unavailable(other)),
        }
    }

    /// Forgets the token (signing out). Forgetting one that is not there is fine.
    pub fn delete(&self, device: DeviceId) -> Result<(), CredentialError> {
        match self.entry(device)?.delete_credential() {
            Ok(()) | Err(keyring::Error::NoEntry) => Ok(()),
            Err(other) => Err(CredentialError::Unavailable(other)),
        }
    }

    /// Where the key of the database at `database` is kept: an entry of its own, named by
    /// the file's absolute path, so a database copied to another folder or computer finds
    /// no key there.
    pub fn database_keys(&self, database: &Path) -> Result<KeyringKeys, CredentialError> {
        let absolute = std::path::absolute(database).unwrap_or_else(|_| database.to_path_buf());
        let account = format!("database-key:{}", absolute.display());
        let entry = keyring::Entry::new(&self.service, &account).map_err(CredentialError::Unavailable)?;
        Ok(KeyringKeys { entry })
    }
}

/// One database's key in the OS keyring (see [`Credentials::database_keys`]).
pub struct KeyringKeys {
    entry: keyring::Entry,
}

impl KeyKeeper for KeyringKeys {
    fn load(&self) -> Result<Option<DatabaseKey>, KeyKeeperError> {
        match self.entry.get_password() {
            Ok(hex) => Ok(Some(DatabaseKey::from_hex(&hex).ok_or(CredentialError::UnreadableKey)?)),
            Err(keyring::Error::NoEntry) => Ok(None),
            Err(other) => Err(CredentialError::Unavailable(other).into()),
        }
    }

    fn keep(&self, key: &DatabaseKey) -> Result<(), KeyKeeperError> {
        Ok(self.entry.set_password(&key.to_hex()).map_err(CredentialError::Unavailable)?)
    }

    fn forget(&self) -> Result<(), KeyKeeperError> {
        match self.entry.delete_credential() {
            Ok(()) | Err(keyring::Error::NoEntry) => Ok(()),
            Err(other) => Err(CredentialError::Unavailable(other).into()),
        }
    }
}

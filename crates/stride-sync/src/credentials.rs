//! The tokens of the people signed in on a device and the device database's key in the
//! OS keyring (the Secret Service on Linux, cached in the kernel keyring), never in
//! SQLite, a file or a log. One entry per person on each device for their token, one
//! per database file for its key.

use std::path::Path;
use stride_domain::api::DeviceToken;
use stride_domain::{DeviceId, UserId};
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

    /// This app's keyring entry named `account`.
    fn named(&self, account: &str) -> Result<keyring::Entry, CredentialError> {
        keyring::Entry::new(&self.service, account).map_err(CredentialError::Unavailable)
    }

    /// The token entry of `user` on `device`.
    fn entry(&self, device: DeviceId, user: UserId) -> Result<keyring::Entry, CredentialError> {
        self.named(&format!("{device}:{user}"))
    }

    pub fn save(&self, device: DeviceId, user: UserId, token: &DeviceToken) -> Result<(), CredentialError> {
        self.entry(device, user)?.set_password(&token.0).map_err(CredentialError::Unavailable)
    }

    /// The person's token on the device, if they are signed in there.
    pub fn load(&self, device: DeviceId, user: UserId) -> Result<Option<DeviceToken>, CredentialError> {
        read(&self.entry(device, user)?)
    }

    /// Forgets the person's token (signing them out). Forgetting one that is not there
    /// is fine.
    pub fn delete(&self, device: DeviceId, user: UserId) -> Result<(), CredentialError> {
        forget(&self.entry(device, user)?)
    }

    /// A device signed in before a laptop kept several people kept one token, named by
    /// the device alone: it becomes `user`'s, who was the one signed in.
    pub fn adopt_device_token(&self, device: DeviceId, user: UserId) -> Result<(), CredentialError> {
        let device_entry = self.named(&device.to_string())?;
        if let Some(token) = read(&device_entry)? {
            self.save(device, user, &token)?;
            forget(&device_entry)?;
        }
        Ok(())
    }

    /// Where the key of the database at `database` is kept: an entry of its own, named by
    /// the file's absolute path, so a database copied to another folder or computer finds
    /// no key there.
    pub fn database_keys(&self, database: &Path) -> Result<KeyringKeys, CredentialError> {
        let absolute = std::path::absolute(database).unwrap_or_else(|_| database.to_path_buf());
        let account = format!("database-key:{}", absolute.display());
        Ok(KeyringKeys { entry: self.named(&account)? })
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

fn read(entry: &keyring::Entry) -> Result<Option<DeviceToken>, CredentialError> {
    match entry.get_password() {
        Ok(token) => Ok(Some(DeviceToken(token))),
        Err(keyring::Error::NoEntry) => Ok(None),
        Err(other) => Err(CredentialError::Unavailable(other)),
    }
}

fn forget(entry: &keyring::Entry) -> Result<(), CredentialError> {
    match entry.delete_credential() {
        Ok(()) | Err(keyring::Error::NoEntry) => Ok(()),
        Err(other) => Err(CredentialError::Unavailable(other)),
    }
}

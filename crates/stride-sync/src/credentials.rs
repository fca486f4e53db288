//! The device token in the OS keyring (the Secret Service on Linux, cached in the
//! kernel keyring), never in SQLite, a file or a log. One entry per device id.

use stride_domain::api::DeviceToken;
use stride_domain::DeviceId;

#[derive(Debug, thiserror::Error)]
pub enum CredentialError {
    #[error("the system keyring is locked or missing, so the sign-in cannot be kept")]
    Unavailable(#[source] keyring::Error),
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
}

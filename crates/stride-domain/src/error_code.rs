//! The one vocabulary of error codes, from the domain to the window. The store's errors,
//! the server's answers (`{code, message}`), the reasons a pushed change is refused and
//! the app's errors over IPC all carry an [`ErrorCode`]; it is generated into
//! TypeScript, where the window turns each code into the sentence a person reads. No
//! layer matches an error's text, and none keeps a code as free text.

use serde::{Deserialize, Serialize};
use std::fmt;
use std::str::FromStr;

macro_rules! error_codes {
    ($($(#[$doc:meta])* $variant:ident = $name:literal,)+) => {
        /// What went wrong, for a program to branch on (the message is for people and logs).
        #[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize, ts_rs::TS)]
        pub enum ErrorCode {
            $($(#[$doc])* #[serde(rename = $name)] $variant,)+
            /// A code this version does not know, from a newer server: read as "something
            /// went wrong there".
            #[serde(rename = "unknown", other)]
            Unknown,
        }

        impl ErrorCode {
            pub const NAMES: &'static [&'static str] = &[$($name,)+ "unknown"];

            /// The code's name, as it travels and is stored.
            pub const fn as_str(self) -> &'static str {
                match self {
                    $(ErrorCode::$variant => $name,)+
                    ErrorCode::Unknown => "unknown",
                }
            }
        }

        impl ErrorCode {
            /// The code of a name; one this version does not know is [`ErrorCode::Unknown`].
            pub fn from_name(name: &str) -> Self {
                match name {
                    $($name => ErrorCode::$variant,)+
                    _ => ErrorCode::Unknown,
                }
            }
        }

        impl FromStr for ErrorCode {
            type Err = std::convert::Infallible;
            /// Never fails: see [`ErrorCode::from_name`].
            fn from_str(name: &str) -> Result<Self, Self::Err> {
                Ok(Self::from_name(name))
            }
        }
    };
}

error_codes! {
    // The device and the app.
    /// One or more fields are invalid; the error's fields say which.
    InvalidInput = "invalid_input",
    /// No such record (on this device, or on the server).
    NotFound = "not_found",
    AlreadyExists = "already_exists",
    DeviceNotSetUp = "device_not_set_up",
    DeviceAlreadySetUp = "device_already_set_up",
    /// The database could not be opened or upgraded.
    DatabaseUnavailable = "database_unavailable",
    /// The database is from a newer Stride.
    DatabaseTooNew = "database_too_new",
    /// The encrypted database's key is not in this computer's keyring (reset, or the disk
    /// came from another computer): the data can be fetched anew by signing in again.
    DatabaseKeyMissing = "database_key_missing",
    /// The key in the keyring does not open the encrypted database.
    DatabaseKeyWrong = "database_key_wrong",
    /// The server address is not one (https://host, or http://localhost:port).
    BadServerAddress = "bad_server_address",
    /// Plain http:// to another computer than this one: refused, the data would travel readable.
    InsecureServerAddress = "insecure_server_address",
    /// The server's certificate has expired.
    CertificateExpired = "certificate_expired",
    /// The server's certificate is for another host name than the address given.
    CertificateWrongHost = "certificate_wrong_host",
    /// The server's certificate is not signed by a CA this device trusts.
    CertificateUntrusted = "certificate_untrusted",
    /// The server's certificate was refused for another reason.
    CertificateInvalid = "certificate_invalid",
    /// No answer from the server: offline, or the address is wrong.
    ServerUnreachable = "server_unreachable",
    /// This device is not signed in to a server.
    NotSignedIn = "not_signed_in",
    /// The account belongs to another organization than the one this device works for.
    OtherOrganization = "other_organization",
    /// The OS keyring is locked or missing, so the sign-in cannot be kept.
    KeyringUnavailable = "keyring_unavailable",
    /// The app is locked (idle, or just started): a person signed in here unlocks it.
    Locked = "locked",
    /// Not the person's password or PIN, at an offline unlock (the tries left are said).
    WrongUnlock = "wrong_unlock",
    /// Too many wrong tries, or nothing kept to check against: the person signs in online
    /// with their password to unlock.
    UnlockNeedsSignIn = "unlock_needs_sign_in",
    /// The person is not signed in on this laptop.
    NotOnDevice = "not_on_device",
    /// The server answered with an error of its own, or with something unreadable.
    ServerError = "server_error",
    /// Media could not be downloaded: the server has no such file, or it could not be written here.
    DownloadFailed = "download_failed",
    /// A report could not be written to a file here.
    ExportFailed = "export_failed",

    // The server's answers.
    /// The request itself is malformed (its JSON, parameters or sequence).
    InvalidRequest = "invalid_request",
    /// The request needs a device token.
    Unauthenticated = "unauthenticated",
    InvalidCredentials = "invalid_credentials",
    /// An administrator signed this device out.
    DeviceRevoked = "device_revoked",
    /// The person signed in was deactivated by an administrator: their token works no
    /// more, anywhere; the device keeps its data and asks for another person.
    UserDeactivated = "user_deactivated",
    /// The current password given to change it is not the person's.
    WrongPassword = "wrong_password",
    /// The change would leave the organization without an active administrator.
    LastAdministrator = "last_administrator",
    /// Too many sign-in attempts for now.
    RateLimited = "rate_limited",
    /// The account's role may not read this.
    Forbidden = "forbidden",
    MethodNotAllowed = "method_not_allowed",
    /// The body is larger than the server takes.
    TooLarge = "too_large",
    /// Not JSON, or an encoding other than gzip and zstd.
    UnsupportedMediaType = "unsupported_media_type",
    /// The server is up but cannot serve yet: its database is unreachable or its schema
    /// is behind (`/v1/ready`).
    NotReady = "not_ready",
    /// The marketplace listing was withdrawn by its publisher: it takes no new license.
    ListingWithdrawn = "listing_withdrawn",
    /// The license is not (or no longer) in force: requested, declined, or past its end.
    LicenseNotInForce = "license_not_in_force",
    /// The row is a locked copy of a marketplace listing: it follows the listing's
    /// updates and is not edited here.
    CopyLocked = "copy_locked",
    /// The marketplace copy was forked: it is the organization's own and takes no updates.
    CopyForked = "copy_forked",

    // Why the server refused a pushed change (the device keeps it for a person).
    /// The account's role may not make this change.
    NotPermitted = "not_permitted",
    /// A field that the entity does not have.
    UnknownField = "unknown_field",
    /// A value of the wrong type, out of range, or not one of an enumeration's values.
    InvalidValue = "invalid_value",
    /// A new row without one of its required fields.
    MissingField = "missing_field",
    /// A reference to a row that does not exist in the organization.
    MissingReference = "missing_reference",
    /// A row of another organization.
    WrongOrganization = "wrong_organization",
    /// A row key that does not fit the entity's key.
    InvalidKey = "invalid_key",
    /// Past what the organization's subscription tier allows (`tier.rs`).
    TierLimit = "tier_limit",
    /// A change id the server applied before as a change of another row or kind.
    InconsistentChange = "inconsistent_change",
    /// A second live enrollment of a worker in a program (or progress recorded on one).
    DuplicateEnrollment = "duplicate_enrollment",
    /// The change is of a worker outside the sync scope of the person who made it.
    OutOfScope = "out_of_scope",
    /// Live records still use this one where the seed says RESTRICT (content a
    /// touchpoint shows, a journey a program holds): remove them first.
    Restricted = "restricted",

    /// Anything else: a bug or a broken disk. The message says what, the log says more.
    Internal = "internal",
}

impl fmt::Display for ErrorCode {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.as_str())
    }
}

#[cfg(feature = "openapi")]
crate::openapi::string_schema!(ErrorCode, None, Some(ErrorCode::NAMES), "ErrorCode");

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn every_code_travels_by_its_name_and_an_unknown_one_is_read_as_unknown() {
        for name in ErrorCode::NAMES {
            let code: ErrorCode = name.parse().unwrap();
            assert_eq!(code.as_str(), *name);
            assert_eq!(serde_json::to_value(code).unwrap(), serde_json::json!(name));
            assert_eq!(serde_json::from_value::<ErrorCode>(serde_json::json!(name)).unwrap(), code);
        }
        let newer: ErrorCode = serde_json::from_value(serde_json::json!("a_code_of_next_year")).unwrap();
        assert_eq!(newer, ErrorCode::Unknown);
        assert_eq!("a_code_of_next_year".parse::<ErrorCode>(), Ok(ErrorCode::Unknown));
    }
}

//! An organization's staff as its administrators manage them: the bodies of the staff
//! routes, and the rules both sides apply to what a person types (a new member, a
//! password, a set-up code), so the window says what is wrong before anything is sent
//! and the server, the authority, refuses the same things.
//!
//! A new member gets no password: the server gives their administrator a set-up code to
//! pass on (by voice, on paper), and the member signs in the first time with it and a
//! password of their own. A code works once, for [`SET_UP_CODE_DAYS`] days.

use crate::enums::Role;
use crate::ids::{DeviceId, UserId};
use crate::problem::{InvalidValue, ValidationError};
use crate::values::{Email, Name, Timestamp};
use serde::{Deserialize, Serialize};
use std::fmt;
use ts_rs::TS;

/// How long a set-up code works.
pub const SET_UP_CODE_DAYS: i64 = 7;

/// A password a person chose: 8 to 128 characters, not all white space. Its Debug form
/// is redacted, so it cannot reach a log.
#[derive(Clone, PartialEq, Eq)]
pub struct Password(String);

impl Password {
    pub const MIN_CHARS: usize = 8;
    pub const MAX_CHARS: usize = 128;

    pub fn parse(raw: &str) -> Result<Self, InvalidValue> {
        let chars = raw.chars().count();
        if raw.trim().is_empty() {
            return Err(InvalidValue::Empty);
        }
        if chars < Self::MIN_CHARS {
            return Err(InvalidValue::TooShort { chars, min: Self::MIN_CHARS });
        }
        if chars > Self::MAX_CHARS {
            return Err(InvalidValue::TooLong { chars, max: Self::MAX_CHARS });
        }
        if raw.chars().any(char::is_control) {
            return Err(InvalidValue::ControlCharacters);
        }
        Ok(Self(raw.to_owned()))
    }

    pub fn as_str(&self) -> &str {
        &self.0
    }
}

impl fmt::Debug for Password {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str("Password(…)")
    }
}

/// A PIN a person sets for unlocking this laptop offline: 4 to 12 digits, neither one
/// digit repeated (`1111`) nor digits in a row (`1234`, `9876`). A few wrong tries lock
/// it, so its few thousand guesses are enough. Redacted in Debug, as a password.
#[derive(Clone, PartialEq, Eq)]
pub struct Pin(String);

impl Pin {
    pub const MIN_DIGITS: usize = 4;
    pub const MAX_DIGITS: usize = 12;

    pub fn parse(raw: &str) -> Result<Self, InvalidValue> {
        let pin = raw.trim();
        let digits: Vec<i16> = pin.bytes().map(|b| i16::from(b) - i16::from(b'0')).collect();
        let shaped =
            (Self::MIN_DIGITS..=Self::MAX_DIGITS).contains(&digits.len()) && digits.iter().all(|d| (0..=9).contains(d));
        if !shaped {
            return Err(InvalidValue::NotPin);
        }
        let steps: Vec<i16> = digits.windows(2).map(|pair| pair[1] - pair[0]).collect();
        if steps.iter().all(|step| *step == steps[0] && step.abs() <= 1) {
            return Err(InvalidValue::PinTooEasy);
        }
        Ok(Self(pin.to_owned()))
    }

    pub fn as_str(&self) -> &str {
        &self.0
    }
}

impl fmt::Debug for Pin {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str("Pin(…)")
    }
}

/// A set-up code: twelve letters and digits from an alphabet without look-alikes (no
/// 0/O, 1/I/L), about 59 bits, shown in three groups of four (`ABCD-EFGH-JKMN`). Typed
/// in any case, with or without the dashes and spaces.
#[derive(Clone, PartialEq, Eq)]
pub struct SetUpCode(String);

impl SetUpCode {
    pub const ALPHABET: &'static [u8] = b"ABCDEFGHJKMNPQRSTUVWXYZ23456789";
    pub const LENGTH: usize = 12;

    /// A code of the alphabet's letters at these positions (each below the alphabet's
    /// length; the server draws them at random).
    pub fn from_positions(positions: [u8; Self::LENGTH]) -> Self {
        Self(positions.iter().map(|p| char::from(Self::ALPHABET[usize::from(*p) % Self::ALPHABET.len()])).collect())
    }

    pub fn parse(raw: &str) -> Result<Self, InvalidValue> {
        let code: String =
            raw.chars().filter(|c| !c.is_whitespace() && *c != '-').map(|c| c.to_ascii_uppercase()).collect();
        let readable = code.len() == Self::LENGTH && code.bytes().all(|b| Self::ALPHABET.contains(&b));
        if !readable {
            return Err(InvalidValue::NotSetUpCode);
        }
        Ok(Self(code))
    }

    /// The twelve characters, without dashes (what the server hashes).
    pub fn as_str(&self) -> &str {
        &self.0
    }
}

impl fmt::Display for SetUpCode {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{}-{}-{}", &self.0[..4], &self.0[4..8], &self.0[8..])
    }
}

impl fmt::Debug for SetUpCode {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str("SetUpCode(…)")
    }
}

/// A device a member signed in on.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, TS)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct StaffDevice {
    pub device_id: DeviceId,
    pub name: String,
    pub last_seen_at: Option<Timestamp>,
    pub revoked: bool,
}

/// A member of the organization's staff, as its administrators see them.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, TS)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct StaffMember {
    pub user_id: UserId,
    pub email: Email,
    pub display_name: Option<Name>,
    pub role: Role,
    /// When they were deactivated; None while they may work.
    pub deactivated_at: Option<Timestamp>,
    /// Their last request from any device.
    pub last_seen_at: Option<Timestamp>,
    pub devices: Vec<StaffDevice>,
    /// Whether a set-up code given to them has not been used yet.
    pub set_up_pending: bool,
    /// Which workers their laptop holds, when they are a coordinator (empty: all).
    pub scope: crate::scope::SyncScope,
}

/// The organization's staff, and how many may be active under its tier.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, TS)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct Staff {
    pub members: Vec<StaffMember>,
    /// Members not deactivated.
    #[ts(type = "number")]
    pub active: u64,
    /// The most active members the tier allows; None is no limit.
    #[ts(type = "number | null")]
    pub limit: Option<u64>,
}

/// A new member, as typed.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, TS)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[serde(deny_unknown_fields)]
pub struct NewStaffMember {
    pub email: String,
    pub display_name: String,
    pub role: Role,
}

/// A new member, checked: every field's problem at once.
pub struct ValidStaffMember {
    pub email: Email,
    pub display_name: Name,
    pub role: Role,
}

impl NewStaffMember {
    pub fn validate(&self) -> Result<ValidStaffMember, Vec<ValidationError>> {
        let email = Email::parse(&self.email).map_err(|e| e.in_field("email"));
        let display_name = Name::parse(&self.display_name).map_err(|e| e.in_field("display_name"));
        match (email, display_name) {
            (Ok(email), Ok(display_name)) => Ok(ValidStaffMember { email, display_name, role: self.role }),
            (email, display_name) => Err([email.err(), display_name.err()].into_iter().flatten().collect()),
        }
    }
}

/// What an administrator changes of a member: each field given is set, the others are
/// left as they are.
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize, TS)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[serde(deny_unknown_fields)]
pub struct StaffUpdate {
    #[serde(default)]
    pub role: Option<Role>,
    #[serde(default)]
    pub display_name: Option<String>,
    /// false deactivates (their tokens stop working at once, on every device); true
    /// reactivates.
    #[serde(default)]
    pub active: Option<bool>,
    /// Their sync scope, replaced whole (empty: the whole organization).
    #[serde(default)]
    pub scope: Option<crate::scope::SyncScope>,
}

/// A set-up code just made, shown once to the administrator who asked for it.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, TS)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct IssuedSetUpCode {
    pub member: StaffMember,
    /// As shown: `ABCD-EFGH-JKMN`.
    pub code: String,
    pub expires_at: Timestamp,
}

/// The first sign-in of a member: their set-up code and the password they choose.
#[derive(Clone, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct SetUpRequest {
    pub email: String,
    pub code: String,
    pub new_password: String,
    pub device_name: String,
    /// As at sign-in (`LoginRequest::installation_id`).
    #[serde(default)]
    pub installation_id: Option<DeviceId>,
}

impl fmt::Debug for SetUpRequest {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("SetUpRequest")
            .field("email", &self.email)
            .field("device_name", &self.device_name)
            .finish_non_exhaustive()
    }
}

/// A person changes their own password.
#[derive(Clone, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct PasswordChange {
    pub current_password: String,
    pub new_password: String,
}

impl fmt::Debug for PasswordChange {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str("PasswordChange(…)")
    }
}

/// What an administrator changes of the organization (its type and tier are the
/// server operator's: `stride-server org set-tier`).
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, TS)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[serde(deny_unknown_fields)]
pub struct OrganizationUpdate {
    pub name: String,
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_password_is_eight_to_128_characters_and_never_shows_in_debug() {
        assert_eq!(Password::parse("short"), Err(InvalidValue::TooShort { chars: 5, min: 8 }));
        assert_eq!(Password::parse("        "), Err(InvalidValue::Empty));
        assert!(Password::parse(&"x".repeat(129)).is_err());
        assert!(Password::parse("tab\there ok").is_err());
        let password = Password::parse("correct horse").unwrap();
        assert_eq!(password.as_str(), "correct horse");
        assert!(!format!("{password:?}").contains("horse"));
    }

    #[test]
    fn a_pin_is_4_to_12_digits_not_too_easy_to_guess_and_never_shows_in_debug() {
        assert_eq!(Pin::parse(" 2580 ").unwrap().as_str(), "2580");
        assert!(Pin::parse("135792468024").is_ok());
        for wrong in ["258", "1357924680246", "25a0", "", "25 80", "２５８０"] {
            assert_eq!(Pin::parse(wrong), Err(InvalidValue::NotPin), "{wrong}");
        }
        for easy in ["0000", "1234", "6543", "89", "0123456789"] {
            let expected = if easy.len() < 4 { InvalidValue::NotPin } else { InvalidValue::PinTooEasy };
            assert_eq!(Pin::parse(easy), Err(expected), "{easy}");
        }
        assert!(!format!("{:?}", Pin::parse("2580").unwrap()).contains("2580"));
    }

    #[test]
    fn a_set_up_code_reads_in_any_case_with_or_without_dashes() {
        let code = SetUpCode::from_positions([0, 1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 30]);
        assert_eq!(code.to_string(), "ABCD-EFGH-JKM9");
        for typed in ["ABCD-EFGH-JKM9", "abcd efgh jkm9", " abcdefghjkm9 "] {
            assert_eq!(SetUpCode::parse(typed).unwrap(), code);
        }
        for wrong in ["ABCD-EFGH-JKM", "ABCD-EFGH-JKM90", "ABCD-EFGH-JKO9", "0BCD-EFGH-JKM9", ""] {
            assert_eq!(SetUpCode::parse(wrong), Err(InvalidValue::NotSetUpCode), "{wrong}");
        }
        assert!(!format!("{code:?}").contains("ABCD"));
    }

    #[test]
    fn a_new_member_is_told_every_problem_at_once() {
        let typed = NewStaffMember { email: "not an email".into(), display_name: " ".into(), role: Role::Coordinator };
        let problems = typed.validate().err().unwrap();
        let fields: Vec<_> = problems.iter().map(|p| p.field.as_str()).collect();
        assert_eq!(fields, ["email", "display_name"]);
        let typed = NewStaffMember {
            email: " Ama@Example.org ".into(),
            display_name: "Ama  Owusu".into(),
            role: Role::OrgAdmin,
        };
        let valid = typed.validate().ok().unwrap();
        assert_eq!((valid.email.as_str(), valid.display_name.as_str()), ("ama@example.org", "Ama Owusu"));
    }
}

//! Validated values. Each is made by parsing raw input and cannot hold an invalid value,
//! so an entity made of them is valid by construction; deserializing goes through the
//! same parser, so a bad value cannot come in through JSON or a database row either.

use chrono::{DateTime, Datelike, NaiveDate, SecondsFormat, SubsecRound, Utc};
use serde::{Deserialize, Serialize};
use std::collections::BTreeMap;
use std::fmt;
use ts_rs::TS;

pub use crate::problem::{InvalidValue, ValidationError};

/// A point in time, UTC, to the millisecond: the precision both databases keep, so a
/// value read back compares equal to the one written. Serialized as
/// "2026-11-22T03:39:00.000Z", which sorts as text.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize, Deserialize, TS)]
#[serde(try_from = "String", into = "String")]
#[ts(type = "string")]
pub struct Timestamp(DateTime<Utc>);

#[cfg(feature = "openapi")]
crate::openapi::string_schema!(Timestamp, Some(utoipa::openapi::KnownFormat::DateTime), None, "an instant, RFC 3339");

impl Timestamp {
    pub fn now() -> Self {
        Self::from_datetime(Utc::now())
    }
    pub fn from_datetime(at: DateTime<Utc>) -> Self {
        Self(at.trunc_subsecs(3))
    }
    pub fn from_millis(ms: i64) -> Option<Self> {
        DateTime::from_timestamp_millis(ms).map(Self)
    }
    pub fn as_datetime(&self) -> DateTime<Utc> {
        self.0
    }
    pub fn millis(&self) -> i64 {
        self.0.timestamp_millis()
    }
    pub fn date(&self) -> NaiveDate {
        self.0.date_naive()
    }
    /// Parses RFC 3339 text of a time in the years 1 to 9999 (UTC): what both databases
    /// store, in text that sorts.
    pub fn parse(raw: &str) -> Result<Self, InvalidValue> {
        let at = DateTime::parse_from_rfc3339(raw.trim())
            .map(|at| Self::from_datetime(at.with_timezone(&Utc)))
            .map_err(|_| InvalidValue::NotTimestamp { value: raw.to_owned() })?;
        if !YEARS.contains(&at.0.year()) {
            return Err(InvalidValue::YearOutOfRange { value: raw.to_owned() });
        }
        Ok(at)
    }
}

impl fmt::Display for Timestamp {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.0.to_rfc3339_opts(SecondsFormat::Millis, true))
    }
}

impl TryFrom<String> for Timestamp {
    type Error = InvalidValue;
    fn try_from(raw: String) -> Result<Self, Self::Error> {
        Self::parse(&raw)
    }
}

impl From<Timestamp> for String {
    fn from(at: Timestamp) -> String {
        at.to_string()
    }
}

/// The years a date or time may fall in: PostgreSQL has no year 0, and four digits keep
/// the text form sorting.
const YEARS: std::ops::RangeInclusive<i32> = 1..=9999;

/// Parses a calendar date written "YYYY-MM-DD", in the years 1 to 9999.
pub fn parse_date(raw: &str) -> Result<NaiveDate, InvalidValue> {
    let trimmed = raw.trim();
    let well_formed = trimmed.len() == 10 && trimmed.as_bytes()[4] == b'-' && trimmed.as_bytes()[7] == b'-';
    NaiveDate::parse_from_str(trimmed, "%Y-%m-%d")
        .ok()
        .filter(|date| well_formed && YEARS.contains(&date.year()))
        .ok_or_else(|| InvalidValue::NotDate { value: raw.to_owned() })
}

/// Reads an optional calendar date through [`parse_date`], so a date field of an entity
/// takes exactly what the column check does (`#[serde(deserialize_with = …)]`).
pub fn optional_date<'de, D: serde::Deserializer<'de>>(deserializer: D) -> Result<Option<NaiveDate>, D::Error> {
    let raw: Option<String> = Option::deserialize(deserializer)?;
    raw.map(|raw| parse_date(&raw).map_err(serde::de::Error::custom)).transpose()
}

macro_rules! string_value {
    ($(#[$doc:meta])* $name:ident) => {
        $(#[$doc])*
        #[derive(Debug, Clone, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize, Deserialize, TS)]
        #[serde(try_from = "String", into = "String")]
        #[ts(type = "string")]
        pub struct $name(String);

        impl $name {
            pub fn as_str(&self) -> &str {
                &self.0
            }
        }

        #[cfg(feature = "openapi")]
        $crate::openapi::string_schema!($name, None, None, stringify!($name));

        impl fmt::Display for $name {
            fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
                f.write_str(&self.0)
            }
        }

        impl TryFrom<String> for $name {
            type Error = InvalidValue;
            fn try_from(raw: String) -> Result<Self, Self::Error> {
                Self::parse(&raw)
            }
        }

        impl From<$name> for String {
            fn from(value: $name) -> String {
                value.0
            }
        }
    };
}

string_value! {
    /// A name or title: trimmed, inner runs of white space folded to one space,
    /// 1 to 255 characters.
    Name
}

impl Name {
    pub const MAX_CHARS: usize = 255;

    pub fn parse(raw: &str) -> Result<Self, InvalidValue> {
        let folded = raw.split_whitespace().collect::<Vec<_>>().join(" ");
        if folded.is_empty() {
            return Err(InvalidValue::Empty);
        }
        let chars = folded.chars().count();
        if chars > Self::MAX_CHARS {
            return Err(InvalidValue::TooLong { chars, max: Self::MAX_CHARS });
        }
        if folded.chars().any(char::is_control) {
            return Err(InvalidValue::ControlCharacters);
        }
        Ok(Self(folded))
    }
}

string_value! {
    /// An email address, trimmed and lower-cased.
    Email
}

impl Email {
    pub fn parse(raw: &str) -> Result<Self, InvalidValue> {
        let email = raw.trim().to_lowercase();
        let bad = || InvalidValue::NotEmail { value: raw.trim().to_owned() };
        if email.len() > 255 || email.chars().any(|c| c.is_whitespace() || c.is_control()) {
            return Err(bad());
        }
        let (local, domain) = email.split_once('@').ok_or_else(bad)?;
        let domain_ok = !domain.contains('@')
            && domain.contains('.')
            && domain.split('.').all(|label| !label.is_empty() && !label.starts_with('-') && !label.ends_with('-'));
        if local.is_empty() || !domain_ok {
            return Err(bad());
        }
        Ok(Self(email))
    }
}

string_value! {
    /// A phone number in international form: "+" then the country calling code and the
    /// subscriber number, digits only ("+254712345678"), 8 to 15 digits (E.164).
    PhoneNumber
}

/// A country calling code (1 to 3 digits, e.g. "254"), used to complete numbers typed
/// in their national form ("0712 345 678").
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, TS)]
#[serde(try_from = "String", into = "String")]
#[ts(type = "string")]
pub struct CallingCode(String);

impl CallingCode {
    pub fn parse(raw: &str) -> Result<Self, InvalidValue> {
        let digits = raw.trim().trim_start_matches('+');
        if (1..=3).contains(&digits.len()) && digits.bytes().all(|b| b.is_ascii_digit()) && !digits.starts_with('0') {
            Ok(Self(digits.to_owned()))
        } else {
            Err(InvalidValue::NotCallingCode { value: raw.to_owned() })
        }
    }
    pub fn as_str(&self) -> &str {
        &self.0
    }
}

impl TryFrom<String> for CallingCode {
    type Error = InvalidValue;
    fn try_from(raw: String) -> Result<Self, Self::Error> {
        Self::parse(&raw)
    }
}

impl From<CallingCode> for String {
    fn from(code: CallingCode) -> String {
        code.0
    }
}

impl PhoneNumber {
    /// Parses a number already in international form ("+…" or "00…").
    pub fn parse(raw: &str) -> Result<Self, InvalidValue> {
        Self::parse_with_default(raw, None)
    }

    /// Parses a number as typed: spaces, dashes, dots and brackets are ignored; "00"
    /// is read as "+"; a national number ("0…") takes `default_code` in place of its 0.
    pub fn parse_with_default(raw: &str, default_code: Option<&CallingCode>) -> Result<Self, InvalidValue> {
        let compact: String = raw.chars().filter(|c| !matches!(c, ' ' | '-' | '.' | '(' | ')' | '\u{a0}')).collect();
        let digits = if let Some(rest) = compact.strip_prefix('+') {
            rest.to_owned()
        } else if let Some(rest) = compact.strip_prefix("00") {
            rest.to_owned()
        } else if let Some(code) = default_code {
            format!("{}{}", code.as_str(), compact.strip_prefix('0').unwrap_or(&compact))
        } else {
            return Err(InvalidValue::PhoneNeedsCountryCode { value: raw.trim().to_owned() });
        };
        if digits.is_empty() || !digits.bytes().all(|b| b.is_ascii_digit()) {
            return Err(InvalidValue::PhoneDigitsOnly { value: raw.trim().to_owned() });
        }
        if !(8..=15).contains(&digits.len()) || digits.starts_with('0') {
            return Err(InvalidValue::PhoneLength { value: raw.trim().to_owned() });
        }
        Ok(Self(format!("+{digits}")))
    }

    /// The digits without the "+", for search.
    pub fn digits(&self) -> &str {
        &self.0[1..]
    }
}

/// A score from 0 to 100, kept to two decimal places (the seed's DECIMAL(5,2)).
#[derive(Debug, Clone, Copy, PartialEq, PartialOrd, Serialize, Deserialize, TS)]
#[serde(try_from = "f64", into = "f64")]
#[ts(type = "number")]
pub struct Score(f64);

impl Score {
    pub const MIN: f64 = 0.0;
    pub const MAX: f64 = 100.0;

    pub fn new(value: f64) -> Result<Self, InvalidValue> {
        if !value.is_finite() || !(Self::MIN..=Self::MAX).contains(&value) {
            return Err(InvalidValue::ScoreOutOfRange { value, min: Self::MIN, max: Self::MAX });
        }
        Ok(Self((value * 100.0).round() / 100.0))
    }

    pub fn parse(raw: &str) -> Result<Self, InvalidValue> {
        let value: f64 = raw.trim().parse().map_err(|_| InvalidValue::NotNumber { value: raw.trim().to_owned() })?;
        Self::new(value)
    }

    pub fn value(self) -> f64 {
        self.0
    }
}

impl TryFrom<f64> for Score {
    type Error = InvalidValue;
    fn try_from(value: f64) -> Result<Self, Self::Error> {
        Self::new(value)
    }
}

impl From<Score> for f64 {
    fn from(score: Score) -> f64 {
        score.0
    }
}

/// A JSON object: the form of the rule and configuration columns (segment
/// rule_definition, touchpoint rule_logic, variant_details). What their keys mean is
/// the business of the rule languages; here it is checked to be a well-formed object.
#[derive(Debug, Clone, PartialEq, Default, Serialize, Deserialize, TS)]
#[serde(try_from = "serde_json::Value", into = "serde_json::Value")]
#[ts(type = "Record<string, unknown>")]
pub struct JsonObject(serde_json::Map<String, serde_json::Value>);

impl JsonObject {
    pub fn parse(raw: &str) -> Result<Self, InvalidValue> {
        let value: serde_json::Value =
            serde_json::from_str(raw).map_err(|e| InvalidValue::NotJson { detail: e.to_string() })?;
        Self::try_from(value)
    }
    pub fn as_map(&self) -> &serde_json::Map<String, serde_json::Value> {
        &self.0
    }
}

impl TryFrom<serde_json::Value> for JsonObject {
    type Error = InvalidValue;
    fn try_from(value: serde_json::Value) -> Result<Self, Self::Error> {
        match value {
            serde_json::Value::Object(map) => Ok(Self(map)),
            other => Err(InvalidValue::NotJsonObject { found: other.to_string() }),
        }
    }
}

impl From<JsonObject> for serde_json::Value {
    fn from(object: JsonObject) -> Self {
        serde_json::Value::Object(object.0)
    }
}

/// One custom attribute's value on a worker.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, TS)]
#[serde(untagged)]
pub enum AttributeValue {
    Text(String),
    Number(f64),
    Flag(bool),
}

/// A worker's custom attributes, such as site or language: keys are 1 to 64 lower-case
/// letters, digits or underscores; values are text, numbers or true/false.
#[derive(Debug, Clone, PartialEq, Default, Serialize, Deserialize, TS)]
#[serde(try_from = "BTreeMap<String, AttributeValue>", into = "BTreeMap<String, AttributeValue>")]
#[ts(type = "Record<string, string | number | boolean>")]
pub struct CustomAttributes(BTreeMap<String, AttributeValue>);

impl CustomAttributes {
    pub fn get(&self, key: &str) -> Option<&AttributeValue> {
        self.0.get(key)
    }
    pub fn iter(&self) -> impl Iterator<Item = (&String, &AttributeValue)> {
        self.0.iter()
    }
}

impl TryFrom<BTreeMap<String, AttributeValue>> for CustomAttributes {
    type Error = InvalidValue;
    fn try_from(map: BTreeMap<String, AttributeValue>) -> Result<Self, Self::Error> {
        for key in map.keys() {
            let ok = (1..=64).contains(&key.len())
                && key.bytes().all(|b| b.is_ascii_lowercase() || b.is_ascii_digit() || b == b'_');
            if !ok {
                return Err(InvalidValue::AttributeName { name: key.clone() });
            }
        }
        Ok(Self(map))
    }
}

impl From<CustomAttributes> for BTreeMap<String, AttributeValue> {
    fn from(attributes: CustomAttributes) -> Self {
        attributes.0
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn phone_numbers_are_normalised_to_digits_with_country_code() {
        let ke = CallingCode::parse("254").unwrap();
        for raw in ["+254 712 345 678", "00254712345678", "+254-712-345-678", "(+254) 712.345.678"] {
            assert_eq!(PhoneNumber::parse(raw).unwrap().as_str(), "+254712345678", "{raw}");
        }
        assert_eq!(PhoneNumber::parse_with_default("0712 345 678", Some(&ke)).unwrap().as_str(), "+254712345678");
        assert!(matches!(PhoneNumber::parse("0712345678"), Err(InvalidValue::PhoneNeedsCountryCode { .. })));
        assert!(PhoneNumber::parse("+25471234567890123").is_err(), "too long");
        assert!(PhoneNumber::parse("+2547").is_err(), "too short");
        assert!(PhoneNumber::parse("+2547x2345678").is_err(), "letters");
    }

    #[test]
    fn names_are_trimmed_folded_and_bounded() {
        assert_eq!(Name::parse("  Amina   Wanjiru ").unwrap().as_str(), "Amina Wanjiru");
        assert!(Name::parse(" \t ").is_err());
        assert!(Name::parse(&"x".repeat(256)).is_err());
        assert!(Name::parse(&"é".repeat(255)).is_ok(), "characters, not bytes, are counted");
    }

    #[test]
    fn emails_are_lower_cased_and_checked() {
        assert_eq!(Email::parse(" Ann@Example.ORG ").unwrap().as_str(), "ann@example.org");
        for bad in ["ann", "ann@", "@example.org", "ann@example", "a b@example.org", "a@b@c.org", "a@-x.org"] {
            assert!(Email::parse(bad).is_err(), "{bad}");
        }
    }

    #[test]
    fn scores_are_in_range_and_kept_to_two_decimals() {
        assert_eq!(Score::new(87.456).unwrap().value(), 87.46);
        assert!(Score::new(-0.01).is_err());
        assert!(Score::new(100.01).is_err());
        assert!(Score::new(f64::NAN).is_err());
        assert!(serde_json::from_str::<Score>("101").is_err(), "deserializing validates too");
    }

    #[test]
    fn timestamps_keep_milliseconds_and_sort_as_text() {
        let at = Timestamp::parse("2026-11-22T05:39:00.123456+02:00").unwrap();
        assert_eq!(at.to_string(), "2026-11-22T03:39:00.123Z");
        let later = Timestamp::parse("2026-11-22T03:39:01Z").unwrap();
        assert!(at.to_string() < later.to_string());
        assert!(Timestamp::parse("yesterday").is_err());
    }

    #[test]
    fn json_columns_must_be_well_formed_objects() {
        assert!(JsonObject::parse(r#"{"all": []}"#).is_ok());
        assert!(matches!(JsonObject::parse("[1]"), Err(InvalidValue::NotJsonObject { .. })));
        assert!(matches!(JsonObject::parse("{"), Err(InvalidValue::NotJson { .. })));
        let bad_key: Result<CustomAttributes, _> = serde_json::from_str(r#"{"Site": "x"}"#);
        assert!(bad_key.is_err());
    }
}

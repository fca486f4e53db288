//! What is wrong with a value, as a kind and its particulars, never as a sentence: the
//! window words each kind (ui/src/lib/messages.ts, `problems`), and the English here
//! (`Display`) is for logs, the server's refusal reasons and the command line.

use serde::Serialize;
use ts_rs::TS;

/// The problem with a value, before it is known which field it came from.
#[derive(Debug, Clone, PartialEq, thiserror::Error, Serialize, TS)]
#[serde(tag = "problem", rename_all = "snake_case")]
pub enum InvalidValue {
    #[error("is required")]
    Required,
    #[error("must not be empty")]
    Empty,
    #[error("is {chars} characters long; at most {max} are allowed")]
    TooLong { chars: usize, max: usize },
    #[error("is {chars} characters long; at least {min} are needed")]
    TooShort { chars: usize, min: usize },
    #[error("must not contain control characters")]
    ControlCharacters,
    #[error("must not contain the NUL character")]
    NulCharacter,
    #[error("{value:?} is not a date and time (RFC 3339)")]
    NotTimestamp { value: String },
    #[error("{value:?} is not between the years 1 and 9999")]
    YearOutOfRange { value: String },
    #[error("{value:?} is not a date (YYYY-MM-DD, the years 1 to 9999)")]
    NotDate { value: String },
    #[error("{value:?} is not an email address")]
    NotEmail { value: String },
    #[error("{value:?} is not a country calling code (1 to 3 digits, e.g. 254)")]
    NotCallingCode { value: String },
    #[error("{value:?} needs its country code (start with + and the code, e.g. +254…)")]
    PhoneNeedsCountryCode { value: String },
    #[error("{value:?} is not a phone number: use digits only")]
    PhoneDigitsOnly { value: String },
    #[error("{value:?} is not a phone number: with its country code it has 8 to 15 digits")]
    PhoneLength { value: String },
    #[error("{value} is not a score from {min} to {max}")]
    ScoreOutOfRange { value: f64, min: f64, max: f64 },
    #[error("{value:?} is not a number")]
    NotNumber { value: String },
    #[error("must be a whole number")]
    NotWholeNumber,
    #[error("must be a whole number from {min} to {max}")]
    OutOfRange { min: i64, max: i64 },
    #[error("is not well-formed JSON: {detail}")]
    NotJson { detail: String },
    #[error("must be a JSON object, not {found}")]
    NotJsonObject { found: String },
    #[error("attribute name {name:?} must be 1 to 64 lower-case letters, digits or underscores")]
    AttributeName { name: String },
    #[error("{value:?} is not one of: {}", allowed.join(", "))]
    NotOneOf { value: String, allowed: Vec<String> },
    #[error("{value} is not a valid {expected} value")]
    WrongType { value: String, expected: String },
    /// A value that does not read as its field (`detail`: the reader's words, technical).
    #[error("does not read: {detail}")]
    Unreadable { detail: String },
    /// A JSON rule (segment, touchpoint, badge, variant weight) in none of its language's
    /// forms (`detail`: what the reader found, technical).
    #[error("{detail}")]
    UnreadableRule { detail: String },
    #[error("refers to a row of {table} that does not exist")]
    MissingReference { table: String },
    #[error("cannot be changed")]
    Unchangeable,
    #[error("names a listing, its version and its state together, or none of them")]
    IncompleteSource,
    #[error("has no touchpoints yet: there is nothing to publish")]
    NothingToPublish,
    #[error("is a copy of another organization's listing: it is not this organization's to publish")]
    CopiedFromListing,
    /// A program holding a marketplace copy whose license ended takes no new enrollment.
    #[error("uses {journey:?}, whose license ended on {last_day}: no new enrollments")]
    LicenseEnded { journey: String, last_day: chrono::NaiveDate },
    #[error("{value:?} is not a language tag (two or three letters, then any subtags: en, sw, pt-BR)")]
    NotLanguage { value: String },
    #[error("must not be before the start date")]
    EndsBeforeStart,
    #[error("must not be before the start")]
    CompletedBeforeStart,
    #[error("{value:?} is not a web address")]
    NotWebAddress { value: String },
    #[error("must start with http://, https:// or {media_path}")]
    NotMediaAddress { media_path: String },
    #[error("{value:?} is not a file of the server: {media_path}NAME")]
    NotServerFile { value: String, media_path: String },
    #[error("this content has no media to download")]
    NoMedia,
    #[error("give a value")]
    NoValue,
    #[error("give a number")]
    NoNumber,
    #[error("give one or more values, separated by commas")]
    NoValues,
    #[error("give the text to look for")]
    NoText,
    #[error("{op:?} is not a comparison")]
    NotComparison { op: String },
    #[error("tick at least one worker who was there")]
    NobodyPresent,
    #[error("choose a touchpoint of the program")]
    NotProgramTouchpoint,
    #[error("choose a program on this device")]
    NotProgramOnDevice,
    #[error("choose a segment on this device")]
    NotSegmentOnDevice,
    #[error("must be the id that follows from the organization's")]
    NotDerivedId,
    #[error("could not be read: {detail}")]
    FileUnreadable { detail: String },
    #[error("holds no PEM certificate (-----BEGIN CERTIFICATE-----)")]
    NotCertificates,
    #[error("choose a touchpoint of this journey")]
    NotJourneyTouchpoint,
    #[error("choose the touchpoint the score is on")]
    NoScoreTouchpoint,
    #[error("give the score needed, 0–100")]
    NoScore,
    #[error("choose a variant of an experiment")]
    NotVariant,
    #[error("choose content from the library")]
    NotLibraryContent,
    #[error("a touchpoint cannot wait on itself")]
    WaitsOnItself,
    #[error("another touchpoint's rule waits on it: change that rule first")]
    WaitedOn,
    #[error("choose a program or a segment, not both")]
    AudienceOfBoth,
    #[error("choose a program or a segment")]
    NoAudience,
    #[error("an experiment compares two variants or more")]
    TooFewVariants,
    #[error("only an active experiment assigns workers")]
    ExperimentNotActive,
    #[error("a journey is in the program once")]
    JourneyTwice,
    #[error("choose journeys on this device")]
    NotJourneyOnDevice,
    #[error("an absent worker has no score, feedback or reflection")]
    ResultForAbsent,
    #[error("is not actively enrolled in the session's program")]
    NotOnRoster,
    #[error("a worker is listed once")]
    WorkerTwice,
    #[error("must not be in the future")]
    InFuture,
    #[error("a session can be corrected on the day it was held only")]
    SessionClosed,
    #[error("is not a session on this device")]
    NotSessionOnDevice,
    #[error("a quiz has one question or more")]
    NoQuestions,
    #[error("has {count}; at most {max} are allowed")]
    TooMany { count: usize, max: usize },
    #[error("each question needs its own id")]
    QuestionId,
    #[error("give two options or more")]
    TooFewOptions,
    #[error("mark the right option (or options) among those given")]
    NoCorrectOption,
    #[error("is not a quiz on this device")]
    NotQuizOnDevice,
    #[error("answer at least one question")]
    NoAnswers,
    #[error("is not one of the organization's well-being questions")]
    NotWellBeingQuestion,
    #[error("is not a set-up code: twelve letters and digits, as ABCD-EFGH-JKMN")]
    NotSetUpCode,
    #[error("is not a PIN: 4 to 12 digits")]
    NotPin,
    #[error("is too easy to guess: not one digit repeated, nor digits in a row")]
    PinTooEasy,
}

impl InvalidValue {
    pub fn in_field(self, field: &str) -> ValidationError {
        ValidationError::new(field, self)
    }

    /// A rule that does not read, with what was found.
    pub fn rule(detail: impl Into<String>) -> Self {
        Self::UnreadableRule { detail: detail.into() }
    }
}

/// A value that failed validation, with the field it belongs to.
#[derive(Debug, Clone, PartialEq, thiserror::Error, Serialize, TS)]
#[error("{field}: {problem}")]
pub struct ValidationError {
    pub field: String,
    #[serde(flatten)]
    #[ts(flatten)]
    pub problem: InvalidValue,
}

impl ValidationError {
    pub fn new(field: impl Into<String>, problem: InvalidValue) -> Self {
        Self { field: field.into(), problem }
    }
}

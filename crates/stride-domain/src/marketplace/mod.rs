//! The marketplace, the one place where data crosses organizations: an expert
//! organization publishes a journey blueprint (its phases, touchpoints, content and media)
//! or one content item as a listing of numbered, immutable versions; a client
//! organization licenses one (a free listing at once, a paid or subscription one by a
//! request its publisher grants or declines) and copies a licensed version into its own
//! organization, where it is used like its own journeys.
//!
//! Here: who may publish and license, the bodies of the listing and catalog routes and
//! the rules both sides apply to what a person types; the snapshot a version holds
//! (`snapshot.rs`); licenses and copies (`license.rs`); what an update of a copy
//! changes (`update.rs`); how a listing is used, for its publisher and licensees
//! (`usage.rs`).

mod license;
mod snapshot;
mod update;
mod usage;

pub use license::*;
pub use snapshot::*;
pub use update::*;
pub use usage::*;

use crate::enums::{CopyPolicy, LicenseStatus, LicenseType, ListingKind, ListingStatus};
use crate::ids::{ListingId, OrganizationId};
use crate::problem::{InvalidValue, ValidationError};
use crate::values::{Name, Timestamp};
use crate::{EntityKind, Role};
use serde::{Deserialize, Serialize};
use ts_rs::TS;

/// The references that make a row a part of another: a phase of its journey, a
/// touchpoint of its phase, a quiz's version of its content item. A new part under a
/// locked copy is refused, as an edit of the copy is (using a copied content item in the
/// organization's own journey, or a copied journey in a program, is not a part of it).
pub const PARTS: &[(EntityKind, &str)] = &[
    (EntityKind::Phases, "journey_blueprint_id"),
    (EntityKind::Touchpoints, "phase_id"),
    (EntityKind::QuizVersions, "content_id"),
];

/// Whether `column` of `kind` names the row it is a part of ([`PARTS`]).
pub fn is_part_of(kind: EntityKind, column: &str) -> bool {
    PARTS.iter().any(|(part, reference)| *part == kind && *reference == column)
}

/// The longest description or terms a listing takes, in characters.
pub const MAX_TEXT_CHARS: usize = 10_000;

impl Role {
    /// Whether the role may publish to the marketplace (in an expert organization): the
    /// roles that author journeys and content.
    pub fn publishes(self) -> bool {
        self.may_write(EntityKind::JourneyBlueprints) && self.may_write(EntityKind::Content)
    }

    /// Whether the role may license listings and copy them in, or decide its
    /// organization's licenses: its administrators, who agree to terms for it.
    pub fn licenses(self) -> bool {
        self.administers()
    }
}

/// A language tag (BCP 47's shape): two or three letters, then subtags of two to eight
/// letters or digits (`en`, `sw`, `pt-BR`). The first is kept lower-case.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, TS)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[serde(try_from = "String", into = "String")]
#[ts(type = "string")]
pub struct Language(String);

impl Language {
    pub fn parse(raw: &str) -> Result<Self, InvalidValue> {
        let tag = raw.trim();
        let not = || InvalidValue::NotLanguage { value: raw.to_owned() };
        let mut parts = tag.split('-');
        let primary = parts.next().filter(|p| (2..=3).contains(&p.len()) && p.chars().all(|c| c.is_ascii_alphabetic()));
        let primary = primary.ok_or_else(not)?.to_ascii_lowercase();
        let mut folded = primary;
        for part in parts {
            if !(2..=8).contains(&part.len()) || !part.chars().all(|c| c.is_ascii_alphanumeric()) {
                return Err(not());
            }
            folded.push('-');
            folded.push_str(part);
        }
        if folded.len() > 35 {
            return Err(not());
        }
        Ok(Self(folded))
    }

    pub fn as_str(&self) -> &str {
        &self.0
    }
}

impl TryFrom<String> for Language {
    type Error = InvalidValue;
    fn try_from(raw: String) -> Result<Self, Self::Error> {
        Self::parse(&raw)
    }
}

impl From<Language> for String {
    fn from(language: Language) -> Self {
        language.0
    }
}

/// Optional text of at most [`MAX_TEXT_CHARS`], trimmed; None when blank.
pub(crate) fn optional_text(field: &str, raw: &str) -> Result<Option<String>, ValidationError> {
    let text = raw.trim();
    let chars = text.chars().count();
    if chars > MAX_TEXT_CHARS {
        return Err(ValidationError::new(field, InvalidValue::TooLong { chars, max: MAX_TEXT_CHARS }));
    }
    if text.contains('\0') {
        return Err(ValidationError::new(field, InvalidValue::NulCharacter));
    }
    Ok((!text.is_empty()).then(|| text.to_owned()))
}

/// A listing's first publish, as typed.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, TS)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[serde(deny_unknown_fields)]
pub struct NewListing {
    pub kind: ListingKind,
    /// The journey blueprint or content item published (the publisher's own).
    pub source_id: uuid::Uuid,
    pub title: String,
    #[serde(default)]
    pub description: String,
    pub language: String,
    pub license_type: LicenseType,
    /// What a licensee agrees to (free text; no payment is processed).
    #[serde(default)]
    pub terms: String,
    pub copies: CopyPolicy,
    /// What version 1 is, for the catalog.
    #[serde(default)]
    pub notes: String,
}

/// A listing's fields, checked.
#[derive(Debug, Clone, PartialEq)]
pub struct ListingFields {
    pub title: Name,
    pub description: Option<String>,
    pub language: Language,
    pub license_type: LicenseType,
    pub terms: Option<String>,
    pub copies: CopyPolicy,
}

impl NewListing {
    pub fn validate(&self) -> Result<(ListingFields, Option<String>), Vec<ValidationError>> {
        let mut problems = Vec::new();
        let title = Name::parse(&self.title).map_err(|e| problems.push(e.in_field("title"))).ok();
        let language = Language::parse(&self.language).map_err(|e| problems.push(e.in_field("language"))).ok();
        let mut text = |field: &str, raw: &str| optional_text(field, raw).map_err(|e| problems.push(e)).ok();
        let (description, terms, notes) =
            (text("description", &self.description), text("terms", &self.terms), text("notes", &self.notes));
        match (title, language, description, terms, notes) {
            (Some(title), Some(language), Some(description), Some(terms), Some(notes)) if problems.is_empty() => {
                let fields = ListingFields {
                    title,
                    description,
                    language,
                    license_type: self.license_type,
                    terms,
                    copies: self.copies,
                };
                Ok((fields, notes))
            }
            _ => Err(problems),
        }
    }
}

/// What a publisher changes of a listing: each field given is set, the others are left
/// as they are. Withdrawing (`status: withdrawn`) stops new licenses; licensees keep
/// what they have. Publishing again reopens it.
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize, TS)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[serde(deny_unknown_fields)]
pub struct ListingUpdate {
    #[serde(default)]
    pub title: Option<String>,
    #[serde(default)]
    pub description: Option<String>,
    #[serde(default)]
    pub language: Option<String>,
    #[serde(default)]
    pub license_type: Option<LicenseType>,
    #[serde(default)]
    pub terms: Option<String>,
    #[serde(default)]
    pub status: Option<ListingStatus>,
}

impl ListingUpdate {
    /// The update laid over `fields`, checked.
    pub fn apply(&self, mut fields: ListingFields) -> Result<ListingFields, Vec<ValidationError>> {
        let mut problems = Vec::new();
        if let Some(title) = &self.title {
            match Name::parse(title) {
                Ok(title) => fields.title = title,
                Err(e) => problems.push(e.in_field("title")),
            }
        }
        if let Some(language) = &self.language {
            match Language::parse(language) {
                Ok(language) => fields.language = language,
                Err(e) => problems.push(e.in_field("language")),
            }
        }
        if let Some(description) = &self.description {
            match optional_text("description", description) {
                Ok(description) => fields.description = description,
                Err(e) => problems.push(e),
            }
        }
        if let Some(terms) = &self.terms {
            match optional_text("terms", terms) {
                Ok(terms) => fields.terms = terms,
                Err(e) => problems.push(e),
            }
        }
        if let Some(license_type) = self.license_type {
            fields.license_type = license_type;
        }
        if problems.is_empty() {
            Ok(fields)
        } else {
            Err(problems)
        }
    }
}

/// A new version of a listing, published from its journey or content as they are now.
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize, TS)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[serde(deny_unknown_fields)]
pub struct NewVersion {
    /// What changed, for licensees deciding whether to update.
    #[serde(default)]
    pub notes: String,
}

impl NewVersion {
    pub fn validate(&self) -> Result<Option<String>, Vec<ValidationError>> {
        optional_text("notes", &self.notes).map_err(|e| vec![e])
    }
}

/// A listing as the catalog shows it.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, TS)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct Listing {
    pub id: ListingId,
    pub publisher_organization_id: OrganizationId,
    pub publisher_name: String,
    pub kind: ListingKind,
    /// The journey blueprint or content item published (the publisher's).
    pub source_id: uuid::Uuid,
    pub title: String,
    pub description: Option<String>,
    pub language: Language,
    pub license_type: LicenseType,
    pub copies: CopyPolicy,
    pub status: ListingStatus,
    pub latest_version: u32,
    pub updated_at: Timestamp,
    /// The asking organization's license to it, if it has asked for one.
    pub license_status: Option<LicenseStatus>,
}

/// The listings an organization may see, newest first.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, TS)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct Catalog {
    pub listings: Vec<Listing>,
}

/// What the catalog is filtered by (query parameters; each one given must hold).
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize, TS)]
#[cfg_attr(feature = "openapi", derive(utoipa::IntoParams))]
#[serde(deny_unknown_fields)]
pub struct CatalogQuery {
    /// Words in the title or description (each word must appear).
    #[serde(default)]
    pub search: Option<String>,
    #[serde(default)]
    pub language: Option<String>,
    #[serde(default)]
    pub license_type: Option<LicenseType>,
    #[serde(default)]
    pub publisher: Option<OrganizationId>,
    /// Only the asking organization's own listings (withdrawn ones included).
    #[serde(default)]
    pub mine: Option<bool>,
}

impl CatalogQuery {
    /// The most words a search looks for.
    pub const MAX_WORDS: usize = 8;

    /// The language asked for, read (None: any).
    pub fn language(&self) -> Result<Option<Language>, InvalidValue> {
        self.language.as_deref().filter(|l| !l.trim().is_empty()).map(Language::parse).transpose()
    }

    /// Whether `listing` is one the query asks for (`language` as read by
    /// [`CatalogQuery::language`]): every word of the search in its title or description,
    /// in any case, and each filter given. The server filters the catalog by it, and the
    /// app the catalog it kept when offline.
    pub fn matches(&self, listing: &Listing, language: Option<&Language>) -> bool {
        let text = format!("{} {}", listing.title, listing.description.as_deref().unwrap_or_default()).to_lowercase();
        let words = self.search.as_deref().unwrap_or_default().split_whitespace().take(Self::MAX_WORDS);
        words.map(str::to_lowercase).all(|word| text.contains(&word))
            && language.is_none_or(|l| *l == listing.language)
            && self.license_type.is_none_or(|t| t == listing.license_type)
            && self.publisher.is_none_or(|p| p == listing.publisher_organization_id)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_language_is_a_tag_of_two_or_three_letters_and_subtags() {
        assert_eq!(Language::parse(" EN ").unwrap().as_str(), "en");
        assert_eq!(Language::parse("pt-BR").unwrap().as_str(), "pt-BR");
        assert_eq!(Language::parse("swa").unwrap().as_str(), "swa");
        for bad in ["", "e", "english", "en_GB", "en-", "en-x", "12", "en-KE-", "e1"] {
            assert!(Language::parse(bad).is_err(), "{bad:?}");
        }
    }
    #[test]
    fn a_new_listing_names_every_problem_at_once() {
        let listing = NewListing {
            kind: ListingKind::Journey,
            source_id: uuid::Uuid::nil(),
            title: "  ".into(),
            description: "x".repeat(MAX_TEXT_CHARS + 1),
            language: "english".into(),
            license_type: LicenseType::Free,
            terms: String::new(),
            copies: CopyPolicy::Locked,
            notes: String::new(),
        };
        let fields: Vec<String> = listing.validate().unwrap_err().iter().map(|p| p.field.clone()).collect();
        assert_eq!(fields, ["title", "language", "description"]);
        let good =
            NewListing { title: " Safe  lifting ".into(), description: " ".into(), language: "sw".into(), ..listing };
        let (fields, notes) = good.validate().unwrap();
        assert_eq!(
            (fields.title.as_str(), fields.description, fields.language.as_str(), notes),
            ("Safe lifting", None, "sw", None)
        );
    }
}

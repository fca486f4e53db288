//! Licenses: asked for, decided by the publisher, held, in force until their last day;
//! and the copy a licensee makes of a licensed version.

use super::optional_text;
use crate::enums::{CopyPolicy, LicenseStatus, LicenseType, ListingKind};
use crate::ids::{LicenseId, ListingId, MarketplaceCopyId, OrganizationId};
use crate::problem::{InvalidValue, ValidationError};
use crate::values::Timestamp;
use chrono::NaiveDate;
use serde::{Deserialize, Serialize};
use ts_rs::TS;

/// A client organization asks for a license (granted at once for a free listing).
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize, TS)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[serde(deny_unknown_fields)]
pub struct LicenseRequest {
    /// A note to the publisher (seats wanted, the program it is for).
    #[serde(default)]
    pub message: String,
}

impl LicenseRequest {
    pub fn validate(&self) -> Result<Option<String>, Vec<ValidationError>> {
        optional_text("message", &self.message).map_err(|e| vec![e])
    }
}

/// A publisher's answer to a request, or new terms for a license it granted.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, TS)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[serde(deny_unknown_fields)]
pub struct LicenseDecision {
    pub grant: bool,
    /// How many workers may be enrolled on it; None is no limit.
    #[serde(default)]
    pub seats: Option<u32>,
    /// The last day it is in force (a subscription's end); None is no end.
    #[serde(default)]
    #[cfg_attr(feature = "openapi", schema(value_type = Option<String>, format = Date))]
    pub ends_on: Option<NaiveDate>,
    #[serde(default)]
    pub terms: String,
}

impl LicenseDecision {
    /// The seats and terms, checked.
    pub fn validate(&self) -> Result<Option<String>, Vec<ValidationError>> {
        let mut problems = Vec::new();
        if self.seats == Some(0) || self.seats.is_some_and(|s| s > i32::MAX as u32) {
            problems.push(ValidationError::new("seats", InvalidValue::OutOfRange { min: 1, max: i32::MAX.into() }));
        }
        let terms = optional_text("terms", &self.terms).map_err(|e| problems.push(e)).ok().flatten();
        if problems.is_empty() {
            Ok(terms)
        } else {
            Err(problems)
        }
    }
}

/// A license, as either of its two parties sees it.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, TS)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct License {
    pub id: LicenseId,
    pub listing_id: ListingId,
    pub listing_title: String,
    pub license_type: LicenseType,
    pub publisher_organization_id: OrganizationId,
    pub publisher_name: String,
    pub licensee_organization_id: OrganizationId,
    pub licensee_name: String,
    pub status: LicenseStatus,
    pub seats: Option<u32>,
    #[cfg_attr(feature = "openapi", schema(value_type = Option<String>, format = Date))]
    pub ends_on: Option<NaiveDate>,
    pub terms: Option<String>,
    pub message: Option<String>,
    pub requested_at: Timestamp,
    pub decided_at: Option<Timestamp>,
    /// Active and not past its end: a version may be copied in and updated.
    pub in_force: bool,
    /// The listing's newest version (a copy of an older one may be updated to it).
    pub latest_version: u32,
    /// Whether the licensee's copy may be forked into its own (the listing's policy).
    pub copies: CopyPolicy,
    /// The licensee's copy holds an older version and may take the newest now
    /// ([`update_available`]).
    pub update_available: bool,
    /// The licensee's copy, once made (shown to the licensee only).
    pub copy: Option<MarketplaceCopy>,
}

/// An organization's licenses: those it holds, and (for a publisher) those of its listings.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, TS)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct Licenses {
    pub held: Vec<License>,
    pub granted: Vec<License>,
}

/// A licensed version copied into the licensee's organization.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, TS)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct MarketplaceCopy {
    pub id: MarketplaceCopyId,
    pub license_id: LicenseId,
    pub listing_id: ListingId,
    pub version: u32,
    pub kind: ListingKind,
    /// The journey blueprint or content item made in the licensee's organization.
    pub root_id: uuid::Uuid,
    pub copied_at: Timestamp,
    /// Made the licensee's own: edited freely, taking no more updates.
    pub forked: bool,
}

/// Whether a copy may be updated to the listing's newest version now: the license is in
/// force, and the copy follows the listing and holds an older version.
pub fn update_available(in_force: bool, copy: Option<&MarketplaceCopy>, latest_version: u32) -> bool {
    in_force && copy.is_some_and(|c| !c.forked && c.version < latest_version)
}

/// Whether a license is in force on `today`: active, and not past its last day.
pub fn in_force(status: LicenseStatus, ends_on: Option<NaiveDate>, today: NaiveDate) -> bool {
    status == LicenseStatus::Active && within(ends_on, today)
}

/// Whether `day` is on or before `last_day` (None: no end). A copied journey takes new
/// enrollments while its `licensed_until` holds, on the device and at the server alike.
pub fn within(last_day: Option<NaiveDate>, day: NaiveDate) -> bool {
    last_day.is_none_or(|last| day <= last)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_license_is_in_force_while_active_up_to_its_last_day() {
        let day = |d| NaiveDate::from_ymd_opt(2026, 12, d).unwrap();
        assert!(in_force(LicenseStatus::Active, None, day(3)));
        assert!(in_force(LicenseStatus::Active, Some(day(3)), day(3)));
        assert!(!in_force(LicenseStatus::Active, Some(day(2)), day(3)));
        assert!(!in_force(LicenseStatus::Requested, None, day(3)));
        assert!(!in_force(LicenseStatus::Declined, None, day(3)));
    }
}

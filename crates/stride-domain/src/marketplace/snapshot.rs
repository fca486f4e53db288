//! A version's snapshot: what a licensee previews and copies, the listing's versions and
//! page, and how a snapshot's rules are carried over to a copy's new ids.

use super::{License, Listing};
use crate::enums::{ContentType, ListingKind};
use crate::ids::{ContentId, PhaseId, TouchpointId};
use crate::journey::{MinScore, TouchpointRule};
use crate::problem::InvalidValue;
use crate::values::{JsonObject, Timestamp};
use serde::{Deserialize, Serialize};
use std::collections::HashMap;
use ts_rs::TS;

/// What a version holds, counted.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq, Serialize, Deserialize, TS)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct SnapshotCounts {
    pub phases: u32,
    pub touchpoints: u32,
    pub content: u32,
    pub media_files: u32,
}

/// One published version.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, TS)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct ListingVersion {
    pub number: u32,
    pub notes: Option<String>,
    pub published_at: Timestamp,
    pub counts: SnapshotCounts,
}

/// A listing's page: its terms, every version, a read-only preview of the latest, and
/// the asking organization's license.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, TS)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct ListingDetail {
    pub listing: Listing,
    pub terms: Option<String>,
    /// Newest first.
    pub versions: Vec<ListingVersion>,
    pub preview: Snapshot,
    pub license: Option<License>,
}

/// A version's content: what a licensee previews and copies. Every row is named by its
/// publisher's id (`key`), which stays the same across versions, so an update knows
/// which touchpoint continues.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, TS)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct Snapshot {
    pub kind: ListingKind,
    /// The journey, for a journey listing.
    pub journey: Option<JourneySnapshot>,
    /// Every content item the journey's touchpoints use, or the one item listed.
    pub content: Vec<ContentSnapshot>,
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, TS)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct JourneySnapshot {
    pub title: String,
    pub purpose: Option<String>,
    /// In their order.
    pub phases: Vec<PhaseSnapshot>,
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, TS)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct PhaseSnapshot {
    pub key: PhaseId,
    pub name: String,
    pub sequence_order: i32,
    pub touchpoints: Vec<TouchpointSnapshot>,
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, TS)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct TouchpointSnapshot {
    pub key: TouchpointId,
    pub content_key: ContentId,
    /// The rule, naming other touchpoints by their keys; a condition on one of the
    /// publisher's experiment variants is left out (experiments are each organization's
    /// own).
    #[cfg_attr(feature = "openapi", schema(value_type = Option<Object>))]
    pub rule_logic: Option<JsonObject>,
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, TS)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct ContentSnapshot {
    pub key: ContentId,
    #[serde(rename = "type")]
    pub content_type: ContentType,
    pub title: Option<String>,
    pub description: Option<String>,
    /// An outside address kept as it is; a file of the publisher's server is in `media`.
    pub media_url: Option<String>,
    pub media: Option<SnapshotMedia>,
    /// A quiz's latest questions (`quiz.rs`'s definition).
    #[cfg_attr(feature = "openapi", schema(value_type = Option<Object>))]
    #[ts(type = "unknown")]
    pub quiz: Option<serde_json::Value>,
}

/// A media file a version carries, kept with the version by its SHA-256.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, TS)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct SnapshotMedia {
    /// Its name on the publisher's server.
    pub name: String,
    pub sha256: String,
    #[ts(type = "number")]
    pub bytes: u64,
}

impl Snapshot {
    pub fn counts(&self) -> SnapshotCounts {
        let phases = self.journey.as_ref().map_or(&[][..], |j| j.phases.as_slice());
        SnapshotCounts {
            phases: phases.len() as u32,
            touchpoints: phases.iter().map(|p| p.touchpoints.len() as u32).sum(),
            content: self.content.len() as u32,
            media_files: self.content.iter().filter(|c| c.media.is_some()).count() as u32,
        }
    }
}

/// A touchpoint's rule as a copy takes it: every touchpoint it names renamed by
/// `renamed` (the copy's ids for the snapshot's keys), and a condition on an experiment
/// variant left out. A touchpoint the map lacks drops its condition rather than point
/// outside the copy.
pub fn carry_rule(
    rule: Option<&JsonObject>,
    renamed: &HashMap<TouchpointId, TouchpointId>,
) -> Result<Option<JsonObject>, InvalidValue> {
    let rule = TouchpointRule::parse(rule)?;
    let carried = TouchpointRule {
        after_touchpoint: rule.after_touchpoint.and_then(|t| renamed.get(&t).copied()),
        after_days: rule.after_days,
        min_score: rule
            .min_score
            .and_then(|m| renamed.get(&m.touchpoint).map(|&touchpoint| MinScore { touchpoint, score: m.score })),
        variant: None,
    };
    let json = carried.to_json();
    Ok((!json.as_map().is_empty()).then_some(json))
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::journey::TouchpointRule;
    use crate::values::JsonObject;
    #[test]
    fn a_copied_rule_names_the_copys_touchpoints_and_leaves_variants_out() {
        let (first, second, copy_first) = (TouchpointId::new(), TouchpointId::new(), TouchpointId::new());
        let rule = JsonObject::parse(&format!(
            r#"{{"after_touchpoint": "{first}", "after_days": 3, "min_score": {{"touchpoint": "{second}", "score": 70}}, "variant": "{}"}}"#,
            crate::ExperimentVariantId::new()
        ))
        .unwrap();
        let renamed = HashMap::from([(first, copy_first)]);
        let carried = carry_rule(Some(&rule), &renamed).unwrap().unwrap();
        let parsed = TouchpointRule::parse(Some(&carried)).unwrap();
        assert_eq!(parsed.after_touchpoint, Some(copy_first));
        assert_eq!(parsed.after_days, 3);
        assert_eq!(parsed.min_score, None, "its touchpoint is not in the copy");
        assert_eq!(parsed.variant, None);
        assert_eq!(carry_rule(None, &renamed).unwrap(), None);
        let only_variant =
            JsonObject::parse(&format!(r#"{{"variant": "{}"}}"#, crate::ExperimentVariantId::new())).unwrap();
        assert_eq!(carry_rule(Some(&only_variant), &renamed).unwrap(), None);
    }
}

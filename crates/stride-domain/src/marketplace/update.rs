//! Updating a marketplace copy: what a newer version changed against the one copied,
//! compared by the snapshot's keys (the publisher's ids, the same in every version), so
//! a touchpoint that continues is known as the same touchpoint and keeps its workers'
//! progress; and the bodies of the update's routes.

use super::{ContentSnapshot, ListingVersion, Snapshot};
use crate::enums::{PartChange, PartField, SnapshotPart};
use crate::ids::{LicenseId, PhaseId};
use serde::{Deserialize, Serialize};
use std::collections::HashMap;
use ts_rs::TS;

/// One part a newer version added, changed or removed.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, TS)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct SnapshotChange {
    pub part: SnapshotPart,
    /// The part's key in the snapshots (the publisher's id); None for the journey itself.
    pub key: Option<uuid::Uuid>,
    pub change: PartChange,
    /// The part's name: the journey's title, a phase's name, a content item's title (a
    /// touchpoint is named by its content's).
    pub name: String,
    /// What changed, for a changed part.
    pub fields: Vec<PartField>,
    /// For a removed touchpoint: how many of the licensee's workers have progress
    /// recorded on it. It is kept; the touchpoint is no longer scheduled.
    pub progress_kept: Option<u32>,
}

/// What applying a newer version to a copy would do, shown before it is applied.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, TS)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct CopyUpdate {
    pub license_id: LicenseId,
    /// The version the copy holds.
    pub from_version: u32,
    /// The newest version, the one the update brings (equal to `from_version` when the
    /// copy is up to date).
    pub to_version: u32,
    /// The versions published since the copy's, newest first, with their notes.
    pub versions: Vec<ListingVersion>,
    /// Every part added, changed or removed, journey first, then phases, touchpoints and
    /// content, each in the newer version's order (removed ones after).
    pub changes: Vec<SnapshotChange>,
}

/// Apply a newer version to the copy: the one the licensee looked at, so an update
/// published meanwhile is not applied unseen.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, TS)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[serde(deny_unknown_fields)]
pub struct ApplyUpdate {
    pub version: u32,
}

fn change(
    part: SnapshotPart,
    key: Option<uuid::Uuid>,
    change: PartChange,
    name: String,
    fields: Vec<PartField>,
) -> SnapshotChange {
    SnapshotChange { part, key, change, name, fields, progress_kept: None }
}

/// A content item's name as a person reads it.
pub fn content_name(item: &ContentSnapshot) -> String {
    item.title.clone().unwrap_or_else(|| format!("Untitled {}", item.content_type))
}

/// What `after` adds, changes and removes against `before`, part by part.
pub fn compare(before: &Snapshot, after: &Snapshot) -> Vec<SnapshotChange> {
    let mut changes = Vec::new();
    let content_before: HashMap<_, _> = before.content.iter().map(|c| (c.key, c)).collect();
    let content_after: HashMap<_, _> = after.content.iter().map(|c| (c.key, c)).collect();
    let named = |key| {
        content_after
            .get(&key)
            .or_else(|| content_before.get(&key))
            .map_or_else(|| "Untitled".to_owned(), |c| content_name(c))
    };
    if let (Some(was), Some(now)) = (&before.journey, &after.journey) {
        let mut fields = Vec::new();
        if was.title != now.title {
            fields.push(PartField::Title);
        }
        if was.purpose != now.purpose {
            fields.push(PartField::Purpose);
        }
        if !fields.is_empty() {
            changes.push(change(SnapshotPart::Journey, None, PartChange::Changed, now.title.clone(), fields));
        }
    }
    let phases = |snapshot: &Snapshot| snapshot.journey.iter().flat_map(|j| &j.phases).cloned().collect::<Vec<_>>();
    let (phases_before, phases_after) = (phases(before), phases(after));
    for phase in &phases_after {
        match phases_before.iter().find(|p| p.key == phase.key) {
            None => changes.push(change(
                SnapshotPart::Phase,
                Some(phase.key.as_uuid()),
                PartChange::Added,
                phase.name.clone(),
                Vec::new(),
            )),
            Some(was) => {
                let mut fields = Vec::new();
                if was.name != phase.name {
                    fields.push(PartField::Name);
                }
                if was.sequence_order != phase.sequence_order {
                    fields.push(PartField::Order);
                }
                if !fields.is_empty() {
                    changes.push(change(
                        SnapshotPart::Phase,
                        Some(phase.key.as_uuid()),
                        PartChange::Changed,
                        phase.name.clone(),
                        fields,
                    ));
                }
            }
        }
    }
    for phase in phases_before.iter().filter(|p| !phases_after.iter().any(|a| a.key == p.key)) {
        changes.push(change(
            SnapshotPart::Phase,
            Some(phase.key.as_uuid()),
            PartChange::Removed,
            phase.name.clone(),
            Vec::new(),
        ));
    }
    let touchpoints = |phases: &[super::PhaseSnapshot]| -> Vec<(PhaseId, super::TouchpointSnapshot)> {
        phases.iter().flat_map(|p| p.touchpoints.iter().map(|t| (p.key, t.clone()))).collect()
    };
    let (touchpoints_before, touchpoints_after) = (touchpoints(&phases_before), touchpoints(&phases_after));
    for (phase, touchpoint) in &touchpoints_after {
        let name = named(touchpoint.content_key);
        match touchpoints_before.iter().find(|(_, t)| t.key == touchpoint.key) {
            None => changes.push(change(
                SnapshotPart::Touchpoint,
                Some(touchpoint.key.as_uuid()),
                PartChange::Added,
                name,
                Vec::new(),
            )),
            Some((was_in, was)) => {
                let mut fields = Vec::new();
                if was_in != phase {
                    fields.push(PartField::Phase);
                }
                if was.content_key != touchpoint.content_key {
                    fields.push(PartField::Content);
                }
                if was.rule_logic != touchpoint.rule_logic {
                    fields.push(PartField::Rule);
                }
                if !fields.is_empty() {
                    changes.push(change(
                        SnapshotPart::Touchpoint,
                        Some(touchpoint.key.as_uuid()),
                        PartChange::Changed,
                        name,
                        fields,
                    ));
                }
            }
        }
    }
    for (_, touchpoint) in
        touchpoints_before.iter().filter(|(_, t)| !touchpoints_after.iter().any(|(_, a)| a.key == t.key))
    {
        changes.push(change(
            SnapshotPart::Touchpoint,
            Some(touchpoint.key.as_uuid()),
            PartChange::Removed,
            named(touchpoint.content_key),
            Vec::new(),
        ));
    }
    for item in &after.content {
        match content_before.get(&item.key) {
            None => changes.push(change(
                SnapshotPart::Content,
                Some(item.key.as_uuid()),
                PartChange::Added,
                content_name(item),
                Vec::new(),
            )),
            Some(was) => {
                let mut fields = Vec::new();
                if was.content_type != item.content_type {
                    fields.push(PartField::Type);
                }
                if was.title != item.title {
                    fields.push(PartField::Title);
                }
                if was.description != item.description {
                    fields.push(PartField::Description);
                }
                if was.media_url != item.media_url
                    || was.media.as_ref().map(|m| &m.sha256) != item.media.as_ref().map(|m| &m.sha256)
                {
                    fields.push(PartField::Media);
                }
                if was.quiz != item.quiz {
                    fields.push(PartField::Questions);
                }
                if !fields.is_empty() {
                    changes.push(change(
                        SnapshotPart::Content,
                        Some(item.key.as_uuid()),
                        PartChange::Changed,
                        content_name(item),
                        fields,
                    ));
                }
            }
        }
    }
    for item in before.content.iter().filter(|c| !content_after.contains_key(&c.key)) {
        changes.push(change(
            SnapshotPart::Content,
            Some(item.key.as_uuid()),
            PartChange::Removed,
            content_name(item),
            Vec::new(),
        ));
    }
    changes
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::enums::{ContentType, ListingKind};
    use crate::ids::{ContentId, TouchpointId};
    use crate::marketplace::{JourneySnapshot, PhaseSnapshot, TouchpointSnapshot};

    fn item(key: ContentId, title: &str) -> ContentSnapshot {
        ContentSnapshot {
            key,
            content_type: ContentType::Text,
            title: Some(title.into()),
            description: None,
            media_url: None,
            media: None,
            quiz: None,
        }
    }

    fn journey(phases: Vec<PhaseSnapshot>, content: Vec<ContentSnapshot>) -> Snapshot {
        Snapshot {
            kind: ListingKind::Journey,
            journey: Some(JourneySnapshot { title: "Ladders".into(), purpose: None, phases }),
            content,
        }
    }

    #[test]
    fn a_newer_version_is_compared_part_by_part_by_its_keys() {
        let (week1, week2) = (PhaseId::new(), PhaseId::new());
        let (stays, goes, comes) = (TouchpointId::new(), TouchpointId::new(), TouchpointId::new());
        let (basics, old, new) = (ContentId::new(), ContentId::new(), ContentId::new());
        let touchpoint = |key, content_key| TouchpointSnapshot { key, content_key, rule_logic: None };
        let before = journey(
            vec![
                PhaseSnapshot {
                    key: week1,
                    name: "Week 1".into(),
                    sequence_order: 1,
                    touchpoints: vec![touchpoint(stays, basics)],
                },
                PhaseSnapshot {
                    key: week2,
                    name: "Week 2".into(),
                    sequence_order: 2,
                    touchpoints: vec![touchpoint(goes, old)],
                },
            ],
            vec![item(basics, "Basics"), item(old, "Old check")],
        );
        let after = journey(
            vec![PhaseSnapshot {
                key: week1,
                name: "First week".into(),
                sequence_order: 1,
                touchpoints: vec![touchpoint(stays, basics), touchpoint(comes, new)],
            }],
            vec![item(basics, "Basics, again"), item(new, "New check")],
        );
        let changes = compare(&before, &after);
        let summary: Vec<_> = changes.iter().map(|c| (c.part, c.change, c.name.as_str(), c.fields.clone())).collect();
        use PartChange::*;
        use SnapshotPart::*;
        assert_eq!(
            summary,
            [
                (Phase, Changed, "First week", vec![PartField::Name]),
                (Phase, Removed, "Week 2", vec![]),
                (Touchpoint, Added, "New check", vec![]),
                (Touchpoint, Removed, "Old check", vec![]),
                (Content, Changed, "Basics, again", vec![PartField::Title]),
                (Content, Added, "New check", vec![]),
                (Content, Removed, "Old check", vec![]),
            ]
        );
        assert!(compare(&after, &after).is_empty(), "a version against itself changes nothing");
    }
}

//! Deleting any record a person made, what goes with it (`Store::delete_plan`: the
//! seed's ON DELETE rules, judged without deleting, for the window to show before a
//! person confirms), and the records left under a deleted one, which a person resolves
//! by bringing the parent back or discarding them.

use super::Service;
use crate::error::AppError;
use serde::Serialize;
use stride_domain::{
    Content, EntityKind, JourneyBlueprint, JourneyBlueprintId, Phase, RowKey, Touchpoint, TouchpointId,
};
use stride_store::{DeletePlan, Filter, Orphan};
use ts_rs::TS;

/// How many orphans the sync panel lists.
const ORPHANS_LISTED: u32 = 200;

/// A record under a deleted one, named for a person.
#[derive(Debug, Clone, PartialEq, Serialize, TS)]
pub struct OrphanRecord {
    pub orphan: Orphan,
    pub label: Option<String>,
    /// The deleted record's name or title.
    pub parent_label: Option<String>,
}

impl Service {
    pub fn delete_plan(&self, entity: EntityKind, key: String) -> Result<DeletePlan, AppError> {
        self.require_write(entity)?;
        Ok(self.store.delete_plan(entity, &RowKey::from_text(key))?)
    }

    /// Deletes the record and what the seed says goes with it, in one transaction.
    pub fn delete_record(&self, entity: EntityKind, key: String) -> Result<(), AppError> {
        self.require_write(entity)?;
        let key = RowKey::from_text(key);
        match entity {
            EntityKind::Content => self.editable::<Content>(key.clone()).map(|_| ())?,
            EntityKind::JourneyBlueprints => self.editable::<JourneyBlueprint>(key.clone()).map(|_| ())?,
            EntityKind::Phases => self.editable::<Phase>(key.clone()).map(|_| ())?,
            EntityKind::Touchpoints => self.editable::<Touchpoint>(key.clone()).map(|_| ())?,
            _ => {}
        }
        let going = self.touchpoints_going(entity, &key)?;
        if !going.is_empty() {
            self.refuse_if_waited_on(&going)?;
        }
        self.store.write(|w| w.delete_kind(entity, &key))?;
        Ok(())
    }

    /// Brings a deleted record back (and the deleted records it belongs to).
    pub fn restore_record(&self, entity: EntityKind, key: String) -> Result<(), AppError> {
        self.require_write(entity)?;
        self.store.write(|w| w.restore(entity, &RowKey::from_text(key)))?;
        Ok(())
    }

    /// Records under deleted ones, for a person to resolve.
    pub fn orphans(&self) -> Result<Vec<OrphanRecord>, AppError> {
        let mut listed = Vec::new();
        for orphan in self.store.orphans(ORPHANS_LISTED)? {
            listed.push(OrphanRecord {
                label: self.label_of_record(orphan.entity, &orphan.key, None)?,
                parent_label: self.label_of_record(orphan.parent, &orphan.parent_key, None)?,
                orphan,
            });
        }
        Ok(listed)
    }

    /// The touchpoints a delete takes with it: a rule that waits on one would wait for
    /// ever, so such a delete is refused until that rule changes.
    fn touchpoints_going(&self, entity: EntityKind, key: &RowKey) -> Result<Vec<TouchpointId>, AppError> {
        let of_phase = |phase: &str| -> Result<Vec<TouchpointId>, AppError> {
            let touchpoints = self.store.list_all::<Touchpoint>(&[Filter::new("phase_id", phase)])?;
            Ok(touchpoints.iter().map(|t| t.id).collect())
        };
        Ok(match entity {
            EntityKind::Touchpoints => key.as_str().parse().into_iter().collect(),
            EntityKind::Phases => of_phase(key.as_str())?,
            EntityKind::JourneyBlueprints => {
                let journey: Option<JourneyBlueprintId> = key.as_str().parse().ok();
                let phases = match journey {
                    Some(id) => self.store.list_all::<Phase>(&[Filter::new("journey_blueprint_id", id.to_string())])?,
                    None => Vec::new(),
                };
                let mut going = Vec::new();
                for phase in phases {
                    going.extend(of_phase(&phase.id.to_string())?);
                }
                going
            }
            _ => Vec::new(),
        })
    }
}

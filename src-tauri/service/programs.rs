//! Programs as a coordinator runs them: their structure (journeys, phases, touchpoints
//! named by their content), how many are enrolled and who (one program's roster at a
//! time); a group session's recording is in `sessions.rs`.

use super::Service;
use crate::error::AppError;
use serde::{Deserialize, Serialize};
use stride_domain::*;
use stride_store::{Filter, RosterEntry, Store};
use ts_rs::TS;

#[derive(Debug, Clone, PartialEq, Serialize, TS)]
pub struct TouchpointOutline {
    pub id: TouchpointId,
    /// The content's title (None when it has none).
    pub title: Option<String>,
    pub content_type: Option<ContentType>,
}

#[derive(Debug, Clone, PartialEq, Serialize, TS)]
pub struct PhaseOutline {
    pub name: String,
    pub touchpoints: Vec<TouchpointOutline>,
}

#[derive(Debug, Clone, PartialEq, Serialize, TS)]
pub struct JourneyOutline {
    pub title: String,
    pub phases: Vec<PhaseOutline>,
}

/// A program with its journeys in order, and how many are actively enrolled.
#[derive(Debug, Clone, PartialEq, Serialize, TS)]
pub struct ProgramOutline {
    pub id: ProgramId,
    pub name: String,
    pub journeys: Vec<JourneyOutline>,
    pub active_enrollments: u32,
}

fn outline(store: &Store, program: Program, active_enrollments: u32) -> Result<ProgramOutline, AppError> {
    let mut links = store.list_all::<ProgramBlueprint>(&[Filter::new("program_id", program.id.to_string())])?;
    links.sort_by_key(|link| link.order_in_program);
    let mut journeys = Vec::new();
    for link in links {
        let Some(journey) = store.get::<JourneyBlueprint>(&RowKey::of(link.journey_blueprint_id))? else { continue };
        let mut phases = store.list_all::<Phase>(&[Filter::new("journey_blueprint_id", journey.id.to_string())])?;
        phases.sort_by_key(|phase| phase.sequence_order);
        let mut outlined = Vec::new();
        for phase in phases {
            // Touchpoints have no order column; their ids are time-ordered (UUIDv7).
            let mut touchpoints = store.list_all::<Touchpoint>(&[Filter::new("phase_id", phase.id.to_string())])?;
            touchpoints.sort_by_key(|touchpoint| touchpoint.id);
            let mut items = Vec::new();
            for touchpoint in touchpoints {
                let content = store.get::<Content>(&RowKey::of(touchpoint.content_id))?;
                items.push(TouchpointOutline {
                    id: touchpoint.id,
                    title: content.as_ref().and_then(|c| c.title.as_ref()).map(ToString::to_string),
                    content_type: content.map(|c| c.content_type),
                });
            }
            outlined.push(PhaseOutline { name: phase.name.to_string(), touchpoints: items });
        }
        journeys.push(JourneyOutline { title: journey.title.to_string(), phases: outlined });
    }
    Ok(ProgramOutline { id: program.id, name: program.name.to_string(), journeys, active_enrollments })
}

impl Service {
    /// Every program on the device, with its structure and how many are enrolled.
    pub fn programs(&self) -> Result<Vec<ProgramOutline>, AppError> {
        let mut programs = self.store.list_all::<Program>(&[])?;
        programs.sort_by(|a, b| a.name.as_str().cmp(b.name.as_str()));
        let counts = self.store.active_enrollment_counts()?;
        programs
            .into_iter()
            .map(|program| {
                let enrolled = counts.get(&program.id).copied().unwrap_or(0);
                outline(&self.store, program, enrolled)
            })
            .collect()
    }

    /// Who is actively enrolled in a program, by name: whom a group session lists.
    pub fn roster(&self, program_id: ProgramId) -> Result<Vec<RosterEntry>, AppError> {
        Ok(self.store.roster(program_id)?)
    }

    /// A program's structure: journeys in order, phases, touchpoints named by content.
    pub(super) fn program_outline(&self, program: &Program) -> Result<ProgramOutline, AppError> {
        outline(&self.store, program.clone(), 0)
    }

    /// The touchpoints of a program, in delivery order.
    pub(super) fn program_touchpoints(&self, program_id: ProgramId) -> Result<Vec<TouchpointId>, AppError> {
        let Some(program) = self.store.get::<Program>(&RowKey::of(program_id))? else { return Ok(Vec::new()) };
        let outline = outline(&self.store, program, 0)?;
        Ok(outline
            .journeys
            .iter()
            .flat_map(|journey| &journey.phases)
            .flat_map(|phase| &phase.touchpoints)
            .map(|touchpoint| touchpoint.id)
            .collect())
    }
}

/// A program, for choosing one (to enroll in, to filter by).
#[derive(Debug, Clone, PartialEq, Serialize, TS)]
pub struct ProgramChoice {
    pub id: ProgramId,
    pub name: String,
}

/// A segment, for choosing whom to enroll.
#[derive(Debug, Clone, PartialEq, Serialize, TS)]
pub struct SegmentChoice {
    pub id: SegmentId,
    pub name: String,
    pub members: u32,
}

/// A segment, for choosing one to filter by or aim at: no count, so nothing is judged.
#[derive(Debug, Clone, PartialEq, Serialize, TS)]
pub struct SegmentName {
    pub id: SegmentId,
    pub name: String,
    /// Its members are listed by hand, not chosen by a rule (a sync scope takes these).
    pub listed: bool,
}

impl Service {
    /// The programs on the device, by name, without their structure.
    pub fn program_choices(&self) -> Result<Vec<ProgramChoice>, AppError> {
        let mut choices: Vec<ProgramChoice> = self
            .store
            .list_all::<Program>(&[])?
            .into_iter()
            .map(|program| ProgramChoice { id: program.id, name: program.name.to_string() })
            .collect();
        choices.sort_by(|a, b| a.name.cmp(&b.name));
        Ok(choices)
    }

    /// Marks an enrollment active, completed or dropped (an edit that syncs like any other).
    pub fn set_enrollment_status(&self, id: WorkerAssignmentId, status: AssignmentStatus) -> Result<(), AppError> {
        self.require_write(EntityKind::WorkerAssignments)?;
        let key = RowKey::of(id);
        let mut assignment = self
            .store
            .get::<WorkerAssignment>(&key)?
            .ok_or(stride_store::StoreError::NotFound { entity: EntityKind::WorkerAssignments, key })?;
        assignment.status = status;
        self.store.update(&assignment)?;
        Ok(())
    }

    /// Segments on the device, by name.
    pub fn segment_names(&self) -> Result<Vec<SegmentName>, AppError> {
        let mut names: Vec<SegmentName> = self
            .store
            .list_all::<Segment>(&[])?
            .into_iter()
            .map(|segment| SegmentName {
                id: segment.id,
                name: segment.name.to_string(),
                listed: segment.rule_definition.is_none(),
            })
            .collect();
        names.sort_by(|a, b| a.name.cmp(&b.name));
        Ok(names)
    }

    /// Segments on the device with how many workers each holds.
    pub fn segments(&self) -> Result<Vec<SegmentChoice>, AppError> {
        let sizes = self.store.segment_sizes()?;
        let mut choices = Vec::new();
        for segment in self.store.list_all::<Segment>(&[])? {
            choices.push(SegmentChoice {
                id: segment.id,
                name: segment.name.to_string(),
                members: sizes.get(&segment.id).copied().unwrap_or(0),
            });
        }
        choices.sort_by(|a, b| a.name.cmp(&b.name));
        Ok(choices)
    }

    /// Enrolls the workers (one, or a segment's members) in a program, all in one
    /// commit; a worker already actively enrolled in it is left as they are. Returns
    /// how many were enrolled.
    pub fn enroll_in_program(&self, program_id: ProgramId, whom: EnrollTarget) -> Result<u32, AppError> {
        self.require_write(EntityKind::WorkerAssignments)?;
        let store = &self.store;
        if store.get::<Program>(&RowKey::of(program_id))?.is_none() {
            return Err(AppError::invalid(vec![ValidationError::new("program_id", InvalidValue::NotProgramOnDevice)]));
        }
        self.require_licensed(program_id, store.now().date())?;
        let workers: Vec<WorkerId> = match whom {
            EnrollTarget::Worker(id) => vec![self.get_worker(id)?.id],
            EnrollTarget::Segment(id) => store.segment_members(id)?,
        };
        let enrolled = store.write(|w| {
            let mut enrolled = 0;
            for worker_id in workers {
                enrolled += u32::from(w.enroll(program_id, worker_id)?.1);
            }
            Ok(enrolled)
        })?;
        Ok(enrolled)
    }

    /// A program holding a marketplace copy whose license ended before `day` takes no
    /// new enrollment (the server holds the same line, `marketplace::within`); those
    /// enrolled before keep going.
    fn require_licensed(&self, program: ProgramId, day: chrono::NaiveDate) -> Result<(), AppError> {
        let placed = self.store.list_all::<ProgramBlueprint>(&[Filter::new("program_id", program.to_string())])?;
        for place in placed {
            let Some(journey) = self.store.get::<JourneyBlueprint>(&RowKey::of(place.journey_blueprint_id))? else {
                continue;
            };
            if let Some(last_day) = journey.licensed_until.filter(|_| !marketplace::within(journey.licensed_until, day))
            {
                let ended = InvalidValue::LicenseEnded { journey: journey.title.to_string(), last_day };
                return Err(AppError::invalid(vec![ValidationError::new("program_id", ended)]));
            }
        }
        Ok(())
    }
}

/// Whom to enroll in a program.
#[derive(Debug, Clone, Copy, Deserialize, TS)]
#[serde(tag = "kind", content = "id", rename_all = "snake_case")]
pub enum EnrollTarget {
    Worker(WorkerId),
    Segment(SegmentId),
}

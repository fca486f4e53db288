//! Program design, offline: programs with their dates and their journeys in order
//! (`program_blueprints`). Enrolling a segment's members is `programs.rs`.

use super::Service;
use crate::error::AppError;
use serde::{Deserialize, Serialize};
use stride_domain::*;
use stride_store::Filter;
use ts_rs::TS;

fn optional_date(raw: &str, field: &str, problems: &mut Vec<ValidationError>) -> Option<chrono::NaiveDate> {
    let raw = raw.trim();
    if raw.is_empty() {
        return None;
    }
    parse_date(raw).map_err(|e| problems.push(e.in_field(field))).ok()
}

#[derive(Debug, Clone, Deserialize, TS)]
pub struct ProgramInput {
    pub id: Option<ProgramId>,
    pub name: String,
    /// YYYY-MM-DD or empty.
    pub start_date: String,
    pub end_date: String,
    /// The journeys, in the order the program delivers them.
    pub journeys: Vec<JourneyBlueprintId>,
}

/// A program as its editor shows it.
#[derive(Debug, Clone, PartialEq, Serialize, TS)]
pub struct ProgramDraft {
    pub id: ProgramId,
    pub name: String,
    pub start_date: Option<chrono::NaiveDate>,
    pub end_date: Option<chrono::NaiveDate>,
    pub journeys: Vec<JourneyBlueprintId>,
}

impl Service {
    /// Every program with its dates and journeys in order, by name.
    pub fn program_drafts(&self) -> Result<Vec<ProgramDraft>, AppError> {
        let mut programs = self.store.list_all::<Program>(&[])?;
        programs.sort_by_cached_key(|p| p.name.as_str().to_lowercase());
        programs
            .into_iter()
            .map(|program| {
                let mut links =
                    self.store.list_all::<ProgramBlueprint>(&[Filter::new("program_id", program.id.to_string())])?;
                links.sort_by_key(|l| (l.order_in_program, l.id));
                Ok(ProgramDraft {
                    id: program.id,
                    name: program.name.to_string(),
                    start_date: program.start_date,
                    end_date: program.end_date,
                    journeys: links.into_iter().map(|l| l.journey_blueprint_id).collect(),
                })
            })
            .collect()
    }

    /// Creates or edits a program and sets its journeys in order, in one commit: links
    /// no longer wanted are deleted, new ones made, and the rest renumbered.
    pub fn save_program(&self, input: ProgramInput) -> Result<ProgramId, AppError> {
        self.require_write(EntityKind::Programs)?;
        let mut problems = Vec::new();
        let name = Name::parse(&input.name).map_err(|e| problems.push(e.in_field("name"))).ok();
        let start_date = optional_date(&input.start_date, "start_date", &mut problems);
        let end_date = optional_date(&input.end_date, "end_date", &mut problems);
        let mut seen = IdSet::default();
        for journey in &input.journeys {
            if !seen.insert(*journey) {
                problems.push(ValidationError::new("journeys", InvalidValue::JourneyTwice));
            } else if self.store.get::<JourneyBlueprint>(&RowKey::of(*journey))?.is_none() {
                problems.push(ValidationError::new("journeys", InvalidValue::NotJourneyOnDevice));
            }
        }
        let Some(name) = name.filter(|_| problems.is_empty()) else { return Err(AppError::invalid(problems)) };
        if input.id.is_none() {
            self.require_room(EntityKind::Programs)?;
        }
        let organization_id = self.organization_id()?;
        let user = self.user_id()?;
        let now = self.store.now();
        let mut program = Program {
            id: input.id.unwrap_or_default(),
            organization_id,
            name,
            start_date,
            end_date,
            created_by: user,
            updated_by: user,
            created_at: now,
            updated_at: now,
        };
        if let Some(id) = input.id {
            let stored = self.existing::<Program>(RowKey::of(id))?;
            program.created_by = stored.created_by;
            program.created_at = stored.created_at;
        }
        let links = self.store.list_all::<ProgramBlueprint>(&[Filter::new("program_id", program.id.to_string())])?;
        self.store.write(|w| {
            if input.id.is_some() {
                w.update(&program)?;
            } else {
                w.create(&program)?;
            }
            for link in &links {
                if !input.journeys.contains(&link.journey_blueprint_id) {
                    w.delete::<ProgramBlueprint>(&RowKey::of(link.id))?;
                }
            }
            for (i, journey) in input.journeys.iter().enumerate() {
                let order = i as i32 + 1;
                match links.iter().find(|l| l.journey_blueprint_id == *journey) {
                    Some(link) if link.order_in_program == order => {}
                    Some(link) => {
                        w.update(&ProgramBlueprint { order_in_program: order, ..link.clone() })?;
                    }
                    None => w.create(&ProgramBlueprint {
                        id: ProgramBlueprintId::new(),
                        program_id: program.id,
                        journey_blueprint_id: *journey,
                        organization_id,
                        order_in_program: order,
                    })?,
                }
            }
            Ok(())
        })?;
        Ok(program.id)
    }
}

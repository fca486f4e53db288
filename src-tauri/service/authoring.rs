//! Journeys, offline: blueprints, their ordered phases, and touchpoints (content plus
//! the rule that makes each due, edited as a form), with a preview of what a chosen
//! worker would see next. Every write syncs like any other.

use super::{optional_text, Service};
use crate::error::AppError;
use serde::{Deserialize, Serialize};
use stride_domain::journey::{Due, MinScore, TouchpointRule, MAX_DAYS};
use stride_domain::*;
use stride_store::Filter;
use ts_rs::TS;

/// A journey's title and purpose as the form sends them.
#[derive(Debug, Clone, Deserialize, TS)]
pub struct JourneyInput {
    pub id: Option<JourneyBlueprintId>,
    pub title: String,
    pub purpose: String,
}

#[derive(Debug, Clone, Deserialize, TS)]
pub struct PhaseInput {
    pub id: Option<PhaseId>,
    pub journey_id: JourneyBlueprintId,
    pub name: String,
}

/// A touchpoint rule as a form holds it (`journey.rs` is the language).
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize, TS)]
pub struct RuleForm {
    pub after_touchpoint: Option<TouchpointId>,
    /// Whole days, as typed; empty is 0.
    pub after_days: String,
    pub min_score_touchpoint: Option<TouchpointId>,
    /// 0–100, as typed; needed with `min_score_touchpoint`.
    pub min_score: String,
    pub variant: Option<ExperimentVariantId>,
}

impl RuleForm {
    fn of(rule: &TouchpointRule) -> Self {
        Self {
            after_touchpoint: rule.after_touchpoint,
            after_days: if rule.after_days == 0 { String::new() } else { rule.after_days.to_string() },
            min_score_touchpoint: rule.min_score.map(|m| m.touchpoint),
            min_score: rule.min_score.map(|m| m.score.value().to_string()).unwrap_or_default(),
            variant: rule.variant,
        }
    }
}

#[derive(Debug, Clone, Deserialize, TS)]
pub struct TouchpointInput {
    pub id: Option<TouchpointId>,
    pub phase_id: PhaseId,
    pub content_id: ContentId,
    pub rule: RuleForm,
}

#[derive(Debug, Clone, PartialEq, Serialize, TS)]
pub struct TouchpointDraft {
    pub id: TouchpointId,
    pub content_id: ContentId,
    pub title: Option<String>,
    pub content_type: Option<ContentType>,
    /// None when the stored rule cannot be read by this version (`rule_problem` says why).
    pub rule: Option<RuleForm>,
    pub rule_problem: Option<InvalidValue>,
}

#[derive(Debug, Clone, PartialEq, Serialize, TS)]
pub struct PhaseDraft {
    pub id: PhaseId,
    pub name: String,
    pub sequence_order: i32,
    pub touchpoints: Vec<TouchpointDraft>,
}

/// A journey with its phases in order and their touchpoints (in creation order).
#[derive(Debug, Clone, PartialEq, Serialize, TS)]
pub struct JourneyDraft {
    pub id: JourneyBlueprintId,
    pub title: String,
    pub purpose: Option<String>,
    pub phases: Vec<PhaseDraft>,
}

/// What a worker would see of one touchpoint of a journey.
#[derive(Debug, Clone, PartialEq, Serialize, TS)]
#[serde(tag = "state", rename_all = "snake_case")]
pub enum PreviewState {
    Done,
    Due { at: Timestamp },
    WaitingFor { title: Option<String> },
    ScoreTooLow { title: Option<String>, needed: f64 },
    OtherVariant,
}

#[derive(Debug, Clone, PartialEq, Serialize, TS)]
pub struct PreviewStep {
    pub touchpoint_id: TouchpointId,
    pub title: Option<String>,
    #[serde(flatten)]
    pub state: PreviewState,
}

impl Service {
    /// Every journey with its phases and touchpoints, by title.
    pub fn journeys(&self) -> Result<Vec<JourneyDraft>, AppError> {
        let mut journeys = self.store.list_all::<JourneyBlueprint>(&[])?;
        journeys.sort_by_cached_key(|j| j.title.as_str().to_lowercase());
        let library = self.library()?;
        journeys.into_iter().map(|journey| self.draft_of(journey, &library)).collect()
    }

    /// The content library by id, for naming touchpoints.
    fn library(&self) -> Result<IdMap<ContentId, Content>, AppError> {
        Ok(self.store.list_all::<Content>(&[])?.into_iter().map(|c| (c.id, c)).collect())
    }

    /// One journey with its phases in order and their touchpoints.
    fn draft_of(
        &self,
        journey: JourneyBlueprint,
        library: &IdMap<ContentId, Content>,
    ) -> Result<JourneyDraft, AppError> {
        let store = &self.store;
        let mut phases = store.list_all::<Phase>(&[Filter::new("journey_blueprint_id", journey.id.to_string())])?;
        phases.sort_by_key(|p| (p.sequence_order, p.id));
        let mut phase_drafts = Vec::new();
        for phase in phases {
            let mut touchpoints = store.list_all::<Touchpoint>(&[Filter::new("phase_id", phase.id.to_string())])?;
            touchpoints.sort_by_key(|t| t.id);
            let touchpoints = touchpoints
                .into_iter()
                .map(|t| {
                    let content = library.get(&t.content_id);
                    let (rule, rule_problem) = match TouchpointRule::parse(t.rule_logic.as_ref()) {
                        Ok(rule) => (Some(RuleForm::of(&rule)), None),
                        Err(problem) => (None, Some(problem)),
                    };
                    TouchpointDraft {
                        id: t.id,
                        content_id: t.content_id,
                        title: content.and_then(|c| c.title.as_ref()).map(ToString::to_string),
                        content_type: content.map(|c| c.content_type),
                        rule,
                        rule_problem,
                    }
                })
                .collect();
            phase_drafts.push(PhaseDraft {
                id: phase.id,
                name: phase.name.to_string(),
                sequence_order: phase.sequence_order,
                touchpoints,
            });
        }
        Ok(JourneyDraft {
            id: journey.id,
            title: journey.title.to_string(),
            purpose: journey.purpose,
            phases: phase_drafts,
        })
    }

    pub fn save_journey(&self, input: JourneyInput) -> Result<JourneyBlueprintId, AppError> {
        self.require_write(EntityKind::JourneyBlueprints)?;
        let title = Name::parse(&input.title).map_err(|e| AppError::invalid(vec![e.in_field("title")]))?;
        let now = self.store.now();
        let user = self.user_id()?;
        let mut journey = JourneyBlueprint {
            id: input.id.unwrap_or_default(),
            organization_id: self.organization_id()?,
            title,
            purpose: optional_text(&input.purpose),
            created_by: user,
            updated_by: user,
            created_at: now,
            updated_at: now,
            source: Source::default(),
            licensed_until: None,
        };
        match input.id {
            None => self.store.create(&journey)?,
            Some(id) => {
                let stored = self.editable::<JourneyBlueprint>(RowKey::of(id))?;
                journey.created_by = stored.created_by;
                journey.created_at = stored.created_at;
                journey.source = stored.source;
                self.store.update(&journey)?;
            }
        }
        Ok(journey.id)
    }

    /// Adds a phase at the end of its journey, or renames one.
    pub fn save_phase(&self, input: PhaseInput) -> Result<PhaseId, AppError> {
        self.require_write(EntityKind::Phases)?;
        let name = Name::parse(&input.name).map_err(|e| AppError::invalid(vec![e.in_field("name")]))?;
        self.editable::<JourneyBlueprint>(RowKey::of(input.journey_id))?;
        let siblings =
            self.store.list_all::<Phase>(&[Filter::new("journey_blueprint_id", input.journey_id.to_string())])?;
        match input.id {
            Some(id) => {
                let mut phase = self.editable::<Phase>(RowKey::of(id))?;
                phase.name = name;
                self.store.update(&phase)?;
                Ok(id)
            }
            None => {
                let phase = Phase {
                    id: PhaseId::new(),
                    journey_blueprint_id: input.journey_id,
                    organization_id: self.organization_id()?,
                    name,
                    sequence_order: siblings.iter().map(|p| p.sequence_order).max().unwrap_or(0) + 1,
                    source: Source::default(),
                };
                self.store.create(&phase)?;
                Ok(phase.id)
            }
        }
    }

    /// Moves a phase one place earlier (`earlier`) or later in its journey; the journey's
    /// phases are renumbered 1…n in their new order, in one commit.
    pub fn move_phase(&self, id: PhaseId, earlier: bool) -> Result<(), AppError> {
        self.require_write(EntityKind::Phases)?;
        let phase = self.editable::<Phase>(RowKey::of(id))?;
        let mut siblings = self
            .store
            .list_all::<Phase>(&[Filter::new("journey_blueprint_id", phase.journey_blueprint_id.to_string())])?;
        siblings.sort_by_key(|p| (p.sequence_order, p.id));
        let at = siblings.iter().position(|p| p.id == id).unwrap_or_default();
        let other = if earlier { at.checked_sub(1) } else { Some(at + 1).filter(|i| *i < siblings.len()) };
        let Some(other) = other else { return Ok(()) };
        // Renumbered 1…n in the new order, so equal sequence numbers cannot stick.
        siblings.swap(at, other);
        self.store.write(|w| {
            for (i, phase) in siblings.iter_mut().enumerate() {
                let order = i as i32 + 1;
                if phase.sequence_order != order {
                    phase.sequence_order = order;
                    w.update(phase)?;
                }
            }
            Ok(())
        })?;
        Ok(())
    }

    /// The rule of a touchpoint form, checked against the journey: the touchpoints it
    /// waits on belong to the same journey, the variant exists.
    fn parse_rule(&self, form: &RuleForm, journey: JourneyBlueprintId) -> Result<TouchpointRule, AppError> {
        let mut problems = Vec::new();
        let in_journey = self.touchpoints_of(journey)?;
        let after_days = match form.after_days.trim() {
            "" => 0,
            raw => raw.parse::<u32>().ok().filter(|d| *d <= MAX_DAYS).unwrap_or_else(|| {
                problems.push(ValidationError::new(
                    "after_days",
                    InvalidValue::OutOfRange { min: 0, max: i64::from(MAX_DAYS) },
                ));
                0
            }),
        };
        for (field, touchpoint) in
            [("after_touchpoint", form.after_touchpoint), ("min_score_touchpoint", form.min_score_touchpoint)]
        {
            if touchpoint.is_some_and(|t| !in_journey.contains(&t)) {
                problems.push(ValidationError::new(field, InvalidValue::NotJourneyTouchpoint));
            }
        }
        let min_score = match (form.min_score_touchpoint, form.min_score.trim()) {
            (None, "") => None,
            (None, _) => {
                problems.push(ValidationError::new("min_score_touchpoint", InvalidValue::NoScoreTouchpoint));
                None
            }
            (Some(_), "") => {
                problems.push(ValidationError::new("min_score", InvalidValue::NoScore));
                None
            }
            (Some(touchpoint), raw) => match Score::parse(raw) {
                Ok(score) => Some(MinScore { touchpoint, score }),
                Err(e) => {
                    problems.push(e.in_field("min_score"));
                    None
                }
            },
        };
        if let Some(variant) = form.variant {
            if self.store.get::<ExperimentVariant>(&RowKey::of(variant))?.is_none() {
                problems.push(ValidationError::new("variant", InvalidValue::NotVariant));
            }
        }
        if !problems.is_empty() {
            return Err(AppError::invalid(problems));
        }
        Ok(TouchpointRule { after_touchpoint: form.after_touchpoint, after_days, min_score, variant: form.variant })
    }

    fn touchpoints_of(&self, journey: JourneyBlueprintId) -> Result<Vec<TouchpointId>, AppError> {
        let mut ids = Vec::new();
        for phase in self.store.list_all::<Phase>(&[Filter::new("journey_blueprint_id", journey.to_string())])? {
            ids.extend(
                self.store
                    .list_all::<Touchpoint>(&[Filter::new("phase_id", phase.id.to_string())])?
                    .iter()
                    .map(|t| t.id),
            );
        }
        Ok(ids)
    }

    pub fn save_touchpoint(&self, input: TouchpointInput) -> Result<TouchpointId, AppError> {
        self.require_write(EntityKind::Touchpoints)?;
        let phase = self.editable::<Phase>(RowKey::of(input.phase_id))?;
        if self.store.get::<Content>(&RowKey::of(input.content_id))?.is_none() {
            return Err(AppError::invalid(vec![ValidationError::new("content_id", InvalidValue::NotLibraryContent)]));
        }
        let rule = self.parse_rule(&input.rule, phase.journey_blueprint_id)?;
        if input.id.is_some() && (rule.after_touchpoint == input.id || rule.min_score.map(|m| m.touchpoint) == input.id)
        {
            return Err(AppError::invalid(vec![ValidationError::new("after_touchpoint", InvalidValue::WaitsOnItself)]));
        }
        let rule_logic = Some(rule.to_json()).filter(|json| !json.as_map().is_empty());
        let now = self.store.now();
        let mut touchpoint = Touchpoint {
            id: input.id.unwrap_or_default(),
            phase_id: input.phase_id,
            content_id: input.content_id,
            organization_id: self.organization_id()?,
            rule_logic,
            created_at: now,
            updated_at: now,
            source: Source::default(),
        };
        match input.id {
            None => self.store.create(&touchpoint)?,
            Some(id) => {
                let stored = self.editable::<Touchpoint>(RowKey::of(id))?;
                touchpoint.created_at = stored.created_at;
                touchpoint.source = stored.source;
                self.store.update(&touchpoint)?;
            }
        }
        Ok(touchpoint.id)
    }

    /// Refuses to delete touchpoints that another touchpoint's rule waits on (it would
    /// wait for ever): that rule is to be changed first.
    pub(super) fn refuse_if_waited_on(&self, going: &[TouchpointId]) -> Result<(), AppError> {
        let waiting = self.store.list_all::<Touchpoint>(&[])?.into_iter().filter(|t| !going.contains(&t.id)).any(|t| {
            TouchpointRule::parse(t.rule_logic.as_ref()).is_ok_and(|rule| {
                rule.after_touchpoint.is_some_and(|on| going.contains(&on))
                    || rule.min_score.is_some_and(|m| going.contains(&m.touchpoint))
            })
        });
        if waiting {
            return Err(AppError::invalid(vec![ValidationError::new("touchpoint", InvalidValue::WaitedOn)]));
        }
        Ok(())
    }

    /// What `worker` would see of each touchpoint of the journey, judged by the rules
    /// against everything they have done in their active enrollments (from their
    /// earliest enrollment; from now when they have none).
    pub fn preview_journey(&self, journey: JourneyBlueprintId, worker: WorkerId) -> Result<Vec<PreviewStep>, AppError> {
        self.get_worker(worker)?;
        let record = self.store.worker_record(worker)?;
        let history = journey::WorkerHistory {
            enrolled_at: record.enrolled_at.unwrap_or_else(|| self.store.now()),
            completed: &record.completed,
            variants: &record.variants,
        };
        let blueprint = self.existing::<JourneyBlueprint>(RowKey::of(journey))?;
        let draft = self.draft_of(blueprint, &self.library()?)?;
        let touchpoints: Vec<&TouchpointDraft> = draft.phases.iter().flat_map(|p| &p.touchpoints).collect();
        // Rules wait only on touchpoints of their own journey (`parse_rule`).
        let title_of = |id: TouchpointId| touchpoints.iter().find(|t| t.id == id).and_then(|t| t.title.clone());
        let mut steps = Vec::new();
        for draft in &touchpoints {
            let stored = self.existing::<Touchpoint>(RowKey::of(draft.id))?;
            let Ok(rule) = TouchpointRule::parse(stored.rule_logic.as_ref()) else { continue };
            let state = match rule.due(draft.id, &history) {
                Due::Completed => PreviewState::Done,
                Due::At(at) => PreviewState::Due { at },
                Due::Waiting { on } => PreviewState::WaitingFor { title: title_of(on) },
                Due::ScoreTooLow { on, needed } => {
                    PreviewState::ScoreTooLow { title: title_of(on), needed: needed.value() }
                }
                Due::NotForWorker => PreviewState::OtherVariant,
            };
            steps.push(PreviewStep { touchpoint_id: draft.id, title: draft.title.clone(), state });
        }
        Ok(steps)
    }

    /// A row that must exist, or `not_found`.
    pub(crate) fn existing<E: Entity>(&self, key: RowKey) -> Result<E, AppError> {
        Ok(self.store.get::<E>(&key)?.ok_or(stride_store::StoreError::NotFound { entity: E::KIND, key })?)
    }

    /// A stored row this organization may change: not a locked copy of a marketplace
    /// listing (the server refuses a change to one too, with the same code).
    pub(crate) fn editable<E: Copied>(&self, key: RowKey) -> Result<E, AppError> {
        let row = self.existing::<E>(key)?;
        if row.source().is_locked() {
            return Err(AppError::new(
                ErrorCode::CopyLocked,
                "this is a locked copy of a marketplace listing: it follows its publisher's updates",
            ));
        }
        Ok(row)
    }

    pub(crate) fn organization_id(&self) -> Result<OrganizationId, AppError> {
        Ok(self.store.device().organization_id.ok_or(stride_store::StoreError::NoOrganization)?)
    }
}

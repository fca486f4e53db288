//! Badges, offline: badges with an award rule (`stride_domain::badge`, awarded by the
//! store as progress is recorded) and awards by hand.

use super::{optional_text, Service};
use crate::error::AppError;
use serde::{Deserialize, Serialize};
use stride_domain::badge::AwardRule;
use stride_domain::*;
use stride_store::Filter;
use ts_rs::TS;

/// A badge's award rule as a form holds it; all empty: awarded by hand only.
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize, TS)]
pub struct AwardForm {
    /// Whole number, as typed.
    pub completed_touchpoints: String,
    pub touchpoint: Option<TouchpointId>,
    /// 0–100, as typed.
    pub min_score: String,
    pub program: Option<ProgramId>,
}

#[derive(Debug, Clone, Deserialize, TS)]
pub struct BadgeInput {
    pub id: Option<BadgeId>,
    pub name: String,
    pub description: String,
    pub icon_url: String,
    pub rule: AwardForm,
}

#[derive(Debug, Clone, PartialEq, Serialize, TS)]
pub struct BadgeDraft {
    pub badge: Badge,
    /// None when the stored rule cannot be read by this version.
    pub rule: Option<AwardForm>,
    pub holders: u32,
}

impl Service {
    pub fn badge_drafts(&self) -> Result<Vec<BadgeDraft>, AppError> {
        let mut badges = self.store.list_all::<Badge>(&[])?;
        badges.sort_by_cached_key(|b| b.name.as_str().to_lowercase());
        badges
            .into_iter()
            .map(|badge| {
                let rule = match AwardRule::parse(badge.award_rule.as_ref()) {
                    Ok(None) => Some(AwardForm::default()),
                    Ok(Some(rule)) => Some(AwardForm {
                        completed_touchpoints: rule.completed_touchpoints.map(|n| n.to_string()).unwrap_or_default(),
                        touchpoint: rule.touchpoint,
                        min_score: rule.min_score.map(|s| s.value().to_string()).unwrap_or_default(),
                        program: rule.program,
                    }),
                    Err(_) => None,
                };
                let holders =
                    self.store.list_all::<WorkerBadge>(&[Filter::new("badge_id", badge.id.to_string())])?.len() as u32;
                Ok(BadgeDraft { badge, rule, holders })
            })
            .collect()
    }

    pub fn save_badge(&self, input: BadgeInput) -> Result<BadgeId, AppError> {
        self.require_write(EntityKind::Badges)?;
        let mut problems = Vec::new();
        let name = Name::parse(&input.name).map_err(|e| problems.push(e.in_field("name"))).ok();
        let mut rule = serde_json::Map::new();
        match input.rule.completed_touchpoints.trim() {
            "" => {}
            raw => match raw.parse::<u32>() {
                Ok(n) => {
                    rule.insert("completed_touchpoints".into(), n.into());
                }
                Err(_) => problems.push(ValidationError::new("completed_touchpoints", InvalidValue::NotWholeNumber)),
            },
        }
        if let Some(touchpoint) = input.rule.touchpoint {
            rule.insert("touchpoint".into(), touchpoint.to_string().into());
        }
        match input.rule.min_score.trim() {
            "" => {}
            raw => match Score::parse(raw) {
                Ok(score) => {
                    rule.insert("min_score".into(), score.value().into());
                }
                Err(e) => problems.push(e.in_field("min_score")),
            },
        }
        if let Some(program) = input.rule.program {
            rule.insert("program".into(), program.to_string().into());
        }
        let award_rule = JsonObject::try_from(serde_json::Value::Object(rule)).unwrap_or_default();
        if problems.is_empty() {
            if let Err(e) = AwardRule::parse(Some(&award_rule)) {
                problems.push(e.in_field("rule"));
            }
        }
        let Some(name) = name.filter(|_| problems.is_empty()) else { return Err(AppError::invalid(problems)) };
        let now = self.store.now();
        let mut badge = Badge {
            id: input.id.unwrap_or_default(),
            organization_id: self.organization_id()?,
            name,
            description: optional_text(&input.description),
            icon_url: optional_text(&input.icon_url),
            created_at: now,
            updated_at: now,
            award_rule: Some(award_rule).filter(|r| !r.as_map().is_empty()),
        };
        match input.id {
            None => self.store.create(&badge)?,
            Some(id) => {
                badge.created_at = self.existing::<Badge>(RowKey::of(id))?.created_at;
                self.store.update(&badge)?;
            }
        }
        Ok(badge.id)
    }

    /// Awards a badge by hand (already held: nothing changes).
    pub fn award_badge(&self, badge: BadgeId, worker: WorkerId) -> Result<(), AppError> {
        self.require_write(EntityKind::WorkerBadges)?;
        let badge = self.existing::<Badge>(RowKey::of(badge))?;
        self.get_worker(worker)?;
        if self.store.get::<WorkerBadge>(&RowKey::pair(worker, badge.id))?.is_some() {
            return Ok(());
        }
        let now = self.store.now();
        self.store.create(&WorkerBadge {
            worker_id: worker,
            badge_id: badge.id,
            organization_id: badge.organization_id,
            awarded_at: now,
        })?;
        Ok(())
    }
}

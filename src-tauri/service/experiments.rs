//! Experiments, offline: A/B or multivariate, variants with weights and details, an
//! audience (a program's workers or a segment's), assignment by the pure function of
//! `stride_domain::experiment`, and results per variant with their intervals and the
//! sample-ratio-mismatch test.

use super::Service;
use crate::error::AppError;
use serde::{Deserialize, Serialize};
use stride_domain::experiment::{weight_of, MAX_WEIGHT};
use stride_domain::stats::{mean_interval, sample_ratio_test, summarize, wilson_interval, Interval, SampleRatio};
use stride_domain::tier::over_variant_limit;
use stride_domain::*;
use ts_rs::TS;

#[derive(Debug, Clone, Deserialize, TS)]
pub struct VariantInput {
    pub id: Option<ExperimentVariantId>,
    pub name: String,
    /// A whole number, as typed.
    pub weight: String,
    /// Anything else that describes the variant, as a JSON object (may be empty).
    pub details: String,
}

#[derive(Debug, Clone, Deserialize, TS)]
pub struct ExperimentInput {
    pub id: Option<ExperimentId>,
    pub name: String,
    pub experiment_type: ExperimentType,
    pub status: ExperimentStatus,
    pub program_id: Option<ProgramId>,
    pub segment_id: Option<SegmentId>,
    pub variants: Vec<VariantInput>,
}

#[derive(Debug, Clone, PartialEq, Serialize, TS)]
pub struct VariantDraft {
    pub id: ExperimentVariantId,
    pub name: String,
    #[ts(type = "number")]
    pub weight: u64,
    /// The other details, as JSON text.
    pub details: String,
}

#[derive(Debug, Clone, PartialEq, Serialize, TS)]
pub struct ExperimentDraft {
    pub experiment: Experiment,
    pub variants: Vec<VariantDraft>,
}

/// One variant's results.
#[derive(Debug, Clone, PartialEq, Serialize, TS)]
pub struct VariantResult {
    pub id: ExperimentVariantId,
    pub name: String,
    #[ts(type = "number")]
    pub weight: u64,
    #[ts(type = "number")]
    pub assigned: u64,
    #[ts(type = "number")]
    pub completed: u64,
    pub completion_rate: Option<f64>,
    pub completion_interval: Option<Interval>,
    /// Over the workers with scores: each worker's mean score.
    #[ts(type = "number")]
    pub scored: u64,
    pub mean_score: Option<f64>,
    pub mean_interval: Option<Interval>,
}

#[derive(Debug, Clone, PartialEq, Serialize, TS)]
pub struct ExperimentResults {
    pub variants: Vec<VariantResult>,
    /// None with fewer than two variants or nobody assigned.
    pub sample_ratio: Option<SampleRatio>,
    /// Workers of the audience not assigned yet.
    pub unassigned: u32,
}

impl Service {
    pub fn experiment_drafts(&self) -> Result<Vec<ExperimentDraft>, AppError> {
        let mut experiments = self.store.list_all::<Experiment>(&[])?;
        experiments.sort_by_cached_key(|e| e.name.as_str().to_lowercase());
        experiments
            .into_iter()
            .map(|experiment| {
                let variants = self
                    .store
                    .variants_of(experiment.id)?
                    .into_iter()
                    .map(|v| {
                        let mut details = v.variant_details.clone().map(serde_json::Value::from).unwrap_or_default();
                        if let Some(map) = details.as_object_mut() {
                            map.remove("weight");
                        }
                        VariantDraft {
                            id: v.id,
                            name: v.variant_name.to_string(),
                            weight: weight_of(v.variant_details.as_ref()).unwrap_or(0),
                            details: if details.as_object().is_some_and(|m| !m.is_empty()) {
                                details.to_string()
                            } else {
                                String::new()
                            },
                        }
                    })
                    .collect();
                Ok(ExperimentDraft { experiment, variants })
            })
            .collect()
    }

    /// Creates or edits an experiment and its variants in one commit (variants left out
    /// of the form are deleted).
    pub fn save_experiment(&self, input: ExperimentInput) -> Result<ExperimentId, AppError> {
        self.require_write(EntityKind::Experiments)?;
        let organization = self.store.organization()?.ok_or(stride_store::StoreError::NoOrganization)?;
        let limits = organization.subscription_tier.limits();
        if input.id.is_none() {
            // A tier without experiments says so before anything about the form.
            self.require_room(EntityKind::Experiments)?;
        }
        let mut problems = Vec::new();
        let name = Name::parse(&input.name).map_err(|e| problems.push(e.in_field("name"))).ok();
        if input.program_id.is_some() && input.segment_id.is_some() {
            problems.push(ValidationError::new("audience", InvalidValue::AudienceOfBoth));
        }
        if input.variants.len() < 2 {
            problems.push(ValidationError::new("variants", InvalidValue::TooFewVariants));
        }
        if input.variants.len() as u64 > limits.variants_per_experiment {
            return Err(AppError::tier_limit(over_variant_limit(organization.subscription_tier)));
        }
        let mut variants = Vec::new();
        for (i, v) in input.variants.iter().enumerate() {
            let variant_name =
                Name::parse(&v.name).map_err(|e| problems.push(e.in_field(&format!("variants.{i}.name")))).ok();
            let weight = v.weight.trim().parse::<u64>().ok().filter(|w| (1..=MAX_WEIGHT).contains(w));
            if weight.is_none() {
                let problem = InvalidValue::OutOfRange { min: 1, max: MAX_WEIGHT as i64 };
                problems.push(ValidationError::new(format!("variants.{i}.weight"), problem));
            }
            let details = match v.details.trim() {
                "" => Ok(JsonObject::default()),
                raw => JsonObject::parse(raw),
            }
            .map_err(|e| problems.push(e.in_field(&format!("variants.{i}.details"))))
            .ok();
            if let (Some(variant_name), Some(weight), Some(details)) = (variant_name, weight, details) {
                let mut map: serde_json::Map<String, serde_json::Value> = details.as_map().clone();
                map.insert("weight".into(), weight.into());
                variants.push((
                    v.id,
                    variant_name,
                    JsonObject::try_from(serde_json::Value::Object(map)).unwrap_or_default(),
                ));
            }
        }
        let Some(name) = name.filter(|_| problems.is_empty()) else { return Err(AppError::invalid(problems)) };
        let user = self.user_id()?;
        let now = self.store.now();
        let mut experiment = Experiment {
            id: input.id.unwrap_or_default(),
            organization_id: organization.id,
            experiment_type: input.experiment_type,
            name,
            status: input.status,
            start_date: None,
            end_date: None,
            created_by: user,
            updated_by: user,
            created_at: now,
            updated_at: now,
            program_id: input.program_id,
            segment_id: input.segment_id,
        };
        if let Some(id) = input.id {
            let stored = self.existing::<Experiment>(RowKey::of(id))?;
            experiment.created_by = stored.created_by;
            experiment.created_at = stored.created_at;
            experiment.start_date = stored.start_date;
            experiment.end_date = stored.end_date;
        }
        if experiment.status == ExperimentStatus::Active && experiment.start_date.is_none() {
            experiment.start_date = Some(now);
        }
        if experiment.status == ExperimentStatus::Completed && experiment.end_date.is_none() {
            experiment.end_date = Some(now);
        }
        let existing = self.store.variants_of(experiment.id)?;
        self.store.write(|w| {
            if input.id.is_some() {
                w.update(&experiment)?;
            } else {
                w.create(&experiment)?;
            }
            for old in &existing {
                if !variants.iter().any(|(id, _, _)| *id == Some(old.id)) {
                    w.delete::<ExperimentVariant>(&RowKey::of(old.id))?;
                }
            }
            for (id, variant_name, details) in &variants {
                let variant = ExperimentVariant {
                    id: id.unwrap_or_default(),
                    experiment_id: experiment.id,
                    organization_id: experiment.organization_id,
                    variant_name: variant_name.clone(),
                    variant_details: Some(details.clone()),
                    created_at: now,
                    updated_at: now,
                };
                match existing.iter().find(|old| Some(old.id) == *id) {
                    Some(old) => {
                        w.update(&ExperimentVariant { created_at: old.created_at, ..variant })?;
                    }
                    None => w.create(&variant)?,
                }
            }
            Ok(())
        })?;
        Ok(experiment.id)
    }

    /// Assigns every worker of the experiment's audience not assigned yet; returns how many.
    pub fn assign_experiment(&self, id: ExperimentId) -> Result<u32, AppError> {
        self.require_write(EntityKind::ExperimentAssignments)?;
        let experiment = self.existing::<Experiment>(RowKey::of(id))?;
        if experiment.status != ExperimentStatus::Active {
            return Err(AppError::invalid(vec![ValidationError::new("status", InvalidValue::ExperimentNotActive)]));
        }
        let audience = self.store.audience(&experiment)?;
        Ok(self.store.write(|w| w.assign_to_experiment(&experiment, &audience))?)
    }

    pub fn experiment_results(&self, id: ExperimentId) -> Result<ExperimentResults, AppError> {
        let experiment = self.existing::<Experiment>(RowKey::of(id))?;
        let outcomes = self.store.experiment_outcomes(&experiment)?;
        let mut variants = Vec::new();
        for outcome in outcomes {
            let Some(variant) = outcome.variant else { continue };
            let summary = summarize(outcome.mean_scores.iter().copied());
            variants.push(VariantResult {
                id: variant.id,
                name: variant.variant_name.to_string(),
                weight: weight_of(variant.variant_details.as_ref()).unwrap_or(0),
                assigned: outcome.assigned,
                completed: outcome.completed,
                completion_rate: (outcome.assigned > 0).then(|| outcome.completed as f64 / outcome.assigned as f64),
                completion_interval: wilson_interval(outcome.completed, outcome.assigned),
                scored: summary.map_or(0, |s| s.count),
                mean_score: summary.map(|s| s.mean),
                mean_interval: summary.as_ref().and_then(mean_interval),
            });
        }
        let observed: Vec<u64> = variants.iter().map(|v| v.assigned).collect();
        let weights: Vec<f64> = variants.iter().map(|v| v.weight as f64).collect();
        let assigned = self.store.assigned_workers(experiment.id)?;
        let unassigned = self.store.audience(&experiment)?.iter().filter(|w| !assigned.contains(w)).count();
        Ok(ExperimentResults {
            sample_ratio: sample_ratio_test(&observed, &weights),
            unassigned: unassigned as u32,
            variants,
        })
    }
}

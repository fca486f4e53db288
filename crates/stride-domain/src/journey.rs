//! When a touchpoint is due for a worker: the rule language of `touchpoints.rule_logic`
//! and its evaluation. Pure, so every device computes the same due list offline.
//!
//! A rule is a JSON object. Every key is optional; all that are given must hold:
//!
//! | key | meaning |
//! | --- | --- |
//! | `"after_touchpoint": "<touchpoint id>"` | due only once the worker has completed that touchpoint |
//! | `"after_days": N` | N whole days (0 to 3650) after the moment it counts from: the completion of `after_touchpoint` when given, else the worker's enrollment; 0 when left out |
//! | `"min_score": {"touchpoint": "<id>", "score": S}` | only when the worker's best score on that touchpoint is at least S (0–100) |
//! | `"variant": "<experiment variant id>"` | only for workers assigned to that experiment variant |
//!
//! A missing or empty rule is due from enrollment. Any other key is refused, so a
//! misspelt condition is never silently ignored.

use crate::{ExperimentVariantId, IdMap, IdSet, InvalidValue, JsonObject, Score, Timestamp, TouchpointId};
use serde::Serialize;
use ts_rs::TS;

/// The longest wait a rule may ask for, in days (ten years).
pub const MAX_DAYS: u32 = 3650;

const DAY_MS: i64 = 24 * 60 * 60 * 1000;

/// A touchpoint's `rule_logic`, parsed.
#[derive(Debug, Clone, Default, PartialEq, Serialize)]
pub struct TouchpointRule {
    #[serde(skip_serializing_if = "Option::is_none")]
    pub after_touchpoint: Option<TouchpointId>,
    #[serde(skip_serializing_if = "is_zero")]
    pub after_days: u32,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub min_score: Option<MinScore>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub variant: Option<ExperimentVariantId>,
}

fn is_zero(days: &u32) -> bool {
    *days == 0
}

/// An id held by a rule, named by its key when it is not one.
fn id_in<T: std::str::FromStr>(key: &str, value: &serde_json::Value) -> Result<T, InvalidValue> {
    value
        .as_str()
        .and_then(|text| text.parse().ok())
        .ok_or_else(|| InvalidValue::rule(format!("{key} must be an id, not {value}")))
}

/// The score a worker must have reached on a prior touchpoint.
#[derive(Debug, Clone, Copy, PartialEq, Serialize)]
pub struct MinScore {
    pub touchpoint: TouchpointId,
    pub score: Score,
}

impl TouchpointRule {
    /// The rule of a touchpoint's `rule_logic` column (None: due from enrollment). Each
    /// problem is named by its key, so an editor can say which condition is wrong.
    pub fn parse(rule_logic: Option<&JsonObject>) -> Result<Self, InvalidValue> {
        let mut rule = Self::default();
        let Some(object) = rule_logic else { return Ok(rule) };
        for (key, value) in object.as_map() {
            match key.as_str() {
                "after_touchpoint" => rule.after_touchpoint = Some(id_in(key, value)?),
                "after_days" => {
                    rule.after_days = value
                        .as_u64()
                        .and_then(|days| u32::try_from(days).ok())
                        .filter(|days| *days <= MAX_DAYS)
                        .ok_or_else(|| {
                            InvalidValue::rule(format!(
                                "after_days must be a whole number from 0 to {MAX_DAYS}, not {value}"
                            ))
                        })?;
                }
                "min_score" => {
                    let fields = value.as_object().filter(|fields| fields.len() == 2);
                    let (touchpoint, score) = fields
                        .and_then(|fields| Some((fields.get("touchpoint")?, fields.get("score")?)))
                        .ok_or_else(|| {
                            InvalidValue::rule(format!(
                                "min_score must be {{\"touchpoint\": id, \"score\": 0–100}}, not {value}"
                            ))
                        })?;
                    let score = score
                        .as_f64()
                        .ok_or_else(|| InvalidValue::rule(format!("min_score's score must be a number, not {score}")))
                        .and_then(|score| {
                            Score::new(score).map_err(|e| InvalidValue::rule(format!("min_score's score: {e}")))
                        })?;
                    rule.min_score = Some(MinScore { touchpoint: id_in("min_score's touchpoint", touchpoint)?, score });
                }
                "variant" => rule.variant = Some(id_in(key, value)?),
                other => {
                    return Err(InvalidValue::rule(format!(
                        "{other:?} is not a condition of a touchpoint rule (after_touchpoint, after_days, min_score, variant)"
                    )));
                }
            }
        }
        Ok(rule)
    }

    /// The rule as the JSON object stored in `rule_logic`.
    pub fn to_json(&self) -> JsonObject {
        let value = serde_json::to_value(self).unwrap_or_default();
        JsonObject::try_from(value).unwrap_or_default()
    }

    /// When, if ever, the touchpoint is due for a worker with this history.
    pub fn due(&self, touchpoint: TouchpointId, worker: &WorkerHistory<'_>) -> Due {
        if worker.completed.contains_key(&touchpoint) {
            return Due::Completed;
        }
        if let Some(variant) = self.variant {
            if !worker.variants.contains(&variant) {
                return Due::NotForWorker;
            }
        }
        let mut from = worker.enrolled_at;
        if let Some(before) = self.after_touchpoint {
            match worker.completed.get(&before) {
                Some(completion) => from = completion.at,
                None => return Due::Waiting { on: before },
            }
        }
        if let Some(MinScore { touchpoint: on, score: needed }) = self.min_score {
            match worker.completed.get(&on) {
                None => return Due::Waiting { on },
                Some(completion) if completion.best_score.is_none_or(|best| best < needed) => {
                    return Due::ScoreTooLow { on, needed };
                }
                Some(_) => {}
            }
        }
        let at = Timestamp::from_millis(from.millis() + i64::from(self.after_days) * DAY_MS).unwrap_or(from);
        Due::At(at)
    }
}

/// What a worker has done in one enrollment, as the rules read it.
#[derive(Debug, Clone, Copy)]
pub struct WorkerHistory<'a> {
    pub enrolled_at: Timestamp,
    /// Touchpoints completed in this enrollment.
    pub completed: &'a IdMap<TouchpointId, Completion>,
    /// The experiment variants the worker is assigned to.
    pub variants: &'a IdSet<ExperimentVariantId>,
}

/// A touchpoint a worker completed: first when, and their best score on it.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct Completion {
    pub at: Timestamp,
    pub best_score: Option<Score>,
}

/// The state of one touchpoint for one worker.
#[derive(Debug, Clone, Copy, PartialEq)]
pub enum Due {
    /// Restricted to another experiment variant's workers.
    NotForWorker,
    Completed,
    /// Waits for the worker to complete another touchpoint.
    Waiting {
        on: TouchpointId,
    },
    /// The worker did not reach the score needed on a prior touchpoint.
    ScoreTooLow {
        on: TouchpointId,
        needed: Score,
    },
    /// Due from this moment on.
    At(Timestamp),
}

/// One calendar day, as the device's time zone draws it.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Day {
    pub starts: Timestamp,
    pub ends: Timestamp,
}

/// How a due moment stands against a day.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize, TS)]
#[serde(rename_all = "snake_case")]
pub enum Urgency {
    /// Due before the day began.
    Overdue,
    /// Due during the day.
    Today,
    Later,
}

impl Day {
    pub fn urgency(&self, due_at: Timestamp) -> Urgency {
        if due_at < self.starts {
            Urgency::Overdue
        } else if due_at < self.ends {
            Urgency::Today
        } else {
            Urgency::Later
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    fn at(text: &str) -> Timestamp {
        Timestamp::parse(text).unwrap()
    }

    fn rule(value: serde_json::Value) -> Result<TouchpointRule, InvalidValue> {
        TouchpointRule::parse(Some(&JsonObject::try_from(value).unwrap()))
    }

    fn done(when: &str, score: Option<f64>) -> Completion {
        Completion { at: at(when), best_score: score.map(|s| Score::new(s).unwrap()) }
    }

    #[test]
    fn rules_parse_strictly_and_round_trip() {
        let first = TouchpointId::new();
        let variant = ExperimentVariantId::new();
        let full = json!({
            "after_touchpoint": first, "after_days": 2,
            "min_score": {"touchpoint": first, "score": 70.5}, "variant": variant,
        });
        let parsed = rule(full.clone()).unwrap();
        assert_eq!(parsed.after_days, 2);
        assert_eq!(serde_json::Value::from(parsed.to_json()), full);
        assert_eq!(TouchpointRule::parse(None).unwrap(), TouchpointRule::default());
        assert_eq!(rule(json!({})).unwrap(), TouchpointRule::default());
        assert!(TouchpointRule::default().to_json().as_map().is_empty());

        for (bad, says) in [
            (json!({"after_dayz": 2}), "\"after_dayz\" is not a condition"),
            (json!({"after_days": 1.5}), "after_days"),
            (json!({"variant": 7}), "variant must be an id"),
            (json!({"min_score": {"touchpoint": first, "score": "high"}}), "score must be a number"),
            (json!({"min_score": {"touchpoint": first, "score": 70, "extra": 1}}), "min_score must be"),
            (json!({"after_days": -1}), "after_days"),
            (json!({"after_days": 3651}), "from 0 to 3650"),
            (json!({"after_touchpoint": "not an id"}), "after_touchpoint"),
            (json!({"min_score": {"touchpoint": first, "score": 101}}), "min_score's score"),
            (json!({"min_score": 70}), "min_score"),
        ] {
            let err = rule(bad.clone()).unwrap_err();
            assert!(err.to_string().contains(says), "{bad}: {err}");
        }
    }

    #[test]
    fn a_touchpoint_is_due_after_its_prerequisites_days_score_and_variant() {
        let (first, second, this) = (TouchpointId::new(), TouchpointId::new(), TouchpointId::new());
        let (mine, theirs) = (ExperimentVariantId::new(), ExperimentVariantId::new());
        let variants: IdSet<_> = [mine].into_iter().collect();
        let mut completed = IdMap::default();
        let enrolled_at = at("2026-11-01T09:00:00Z");
        fn history<'a>(
            completed: &'a IdMap<TouchpointId, Completion>,
            variants: &'a IdSet<ExperimentVariantId>,
        ) -> WorkerHistory<'a> {
            WorkerHistory { enrolled_at: Timestamp::parse("2026-11-01T09:00:00Z").unwrap(), completed, variants }
        }

        assert_eq!(rule(json!({})).unwrap().due(this, &history(&completed, &variants)), Due::At(enrolled_at));
        let later = rule(json!({"after_days": 3})).unwrap();
        assert_eq!(later.due(this, &history(&completed, &variants)), Due::At(at("2026-11-04T09:00:00Z")));

        let after = rule(json!({"after_touchpoint": first, "after_days": 2})).unwrap();
        assert_eq!(after.due(this, &history(&completed, &variants)), Due::Waiting { on: first });
        completed.insert(first, done("2026-11-03T08:20:00Z", Some(60.0)));
        assert_eq!(after.due(this, &history(&completed, &variants)), Due::At(at("2026-11-05T08:20:00Z")));

        let scored = rule(json!({"min_score": {"touchpoint": first, "score": 70}})).unwrap();
        let needed = Score::new(70.0).unwrap();
        assert_eq!(scored.due(this, &history(&completed, &variants)), Due::ScoreTooLow { on: first, needed });
        completed.insert(first, done("2026-11-03T08:20:00Z", Some(70.0)));
        assert_eq!(scored.due(this, &history(&completed, &variants)), Due::At(enrolled_at));
        let on_second = rule(json!({"min_score": {"touchpoint": second, "score": 50}})).unwrap();
        assert_eq!(on_second.due(this, &history(&completed, &variants)), Due::Waiting { on: second });
        completed.insert(second, done("2026-11-04T08:00:00Z", None));
        assert_eq!(
            on_second.due(this, &history(&completed, &variants)),
            Due::ScoreTooLow { on: second, needed: Score::new(50.0).unwrap() }
        );

        assert_eq!(
            rule(json!({"variant": mine})).unwrap().due(this, &history(&completed, &variants)),
            Due::At(enrolled_at)
        );
        assert_eq!(
            rule(json!({"variant": theirs})).unwrap().due(this, &history(&completed, &variants)),
            Due::NotForWorker
        );

        completed.insert(this, done("2026-11-06T08:00:00Z", None));
        assert_eq!(later.due(this, &history(&completed, &variants)), Due::Completed);
    }

    proptest::proptest! {
        #![proptest_config(proptest::prelude::ProptestConfig::with_cases(5_000))]

        /// Rules and completions by index into three touchpoints and two variants, so the
        /// cases meet (and a failure shrinks to small indices and days).
        #[test]
        fn generated_rules_round_trip_and_later_completions_never_make_a_touchpoint_due_sooner(
            after_touchpoint in proptest::option::of(0..3usize),
            after_days in proptest::sample::select(vec![0, 1, 7, MAX_DAYS]),
            min_score in proptest::option::weighted(0.33, (0..3usize, 0..=100u8)),
            variant in proptest::option::weighted(0.33, 0..2usize),
            my_variant in 0..2usize,
            completions in proptest::collection::vec(proptest::option::of((1..=20i64, proptest::option::of(0..=100u8))), 3),
        ) {
            let touchpoints = [TouchpointId::new(), TouchpointId::new(), TouchpointId::new()];
            let variants = [ExperimentVariantId::new(), ExperimentVariantId::new()];
            let this = TouchpointId::new();
            let enrolled_at = at("2026-11-01T09:00:00Z");
            let rule = TouchpointRule {
                after_touchpoint: after_touchpoint.map(|t| touchpoints[t]),
                after_days,
                min_score: min_score.map(|(t, score)| MinScore {
                    touchpoint: touchpoints[t],
                    score: Score::new(f64::from(score)).unwrap(),
                }),
                variant: variant.map(|v| variants[v]),
            };
            assert_eq!(TouchpointRule::parse(Some(&rule.to_json())).unwrap(), rule, "parse(to_json(rule)) is the rule");

            let mine: IdSet<ExperimentVariantId> = [variants[my_variant]].into_iter().collect();
            let mut completed = IdMap::default();
            let history = |completed| WorkerHistory { enrolled_at, completed, variants: &mine };
            let mut earlier = IdMap::default();
            for (t, completion) in touchpoints.into_iter().zip(completions) {
                let Some((day, score)) = completion else { continue };
                let best_score = score.map(|s| Score::new(f64::from(s)).unwrap());
                let when = Timestamp::from_millis(enrolled_at.millis() + day * DAY_MS).unwrap();
                completed.insert(t, Completion { at: when, best_score });
                let sooner = Timestamp::from_millis(when.millis() - DAY_MS).unwrap();
                earlier.insert(t, Completion { at: sooner, best_score });
            }
            match (rule.due(this, &history(&earlier)), rule.due(this, &history(&completed))) {
                (Due::At(sooner), Due::At(later)) => {
                    assert!(sooner <= later, "completing a day earlier never makes it due later");
                    assert!(sooner >= enrolled_at, "never due before enrollment");
                }
                (a, b) => assert_eq!(std::mem::discriminant(&a), std::mem::discriminant(&b), "{rule:?}"),
            }
        }
    }

    #[test]
    fn a_day_tells_overdue_from_today_from_later() {
        let day = Day { starts: at("2026-11-23T00:00:00+03:00"), ends: at("2026-11-24T00:00:00+03:00") };
        assert_eq!(day.urgency(at("2026-11-22T20:59:59.999Z")), Urgency::Overdue);
        assert_eq!(day.urgency(at("2026-11-22T21:00:00Z")), Urgency::Today);
        assert_eq!(day.urgency(at("2026-11-23T20:59:59.999Z")), Urgency::Today);
        assert_eq!(day.urgency(at("2026-11-23T21:00:00Z")), Urgency::Later);
    }
}

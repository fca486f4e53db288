//! When a worker earns a badge: the rule language of `badges.award_rule` and its
//! evaluation. Pure, so a device awards badges offline as progress is recorded, and every
//! device awards the same ones.
//!
//! A rule is a JSON object; every key given must hold, and at least one of the first three
//! must be given (a rule of nothing would award everyone):
//!
//! | key | meaning |
//! | --- | --- |
//! | `"completed_touchpoints": N` | the worker has completed at least N (1–10,000) different touchpoints |
//! | `"touchpoint": "<id>"` | the worker has completed that touchpoint |
//! | `"min_score": S` | a score of at least S (0–100): on `touchpoint` when given, else on any touchpoint |
//! | `"program": "<id>"` | only completions in that program count |
//!
//! A badge without a rule is awarded by hand only.

use crate::{IdMap, InvalidValue, JsonObject, ProgramId, Score, TouchpointId};
use serde::Serialize;

/// The most touchpoints a rule may ask for.
pub const MAX_COMPLETIONS: u32 = 10_000;

/// A badge's `award_rule`, parsed.
#[derive(Debug, Clone, Default, PartialEq, Serialize)]
pub struct AwardRule {
    #[serde(skip_serializing_if = "Option::is_none")]
    pub completed_touchpoints: Option<u32>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub touchpoint: Option<TouchpointId>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub min_score: Option<Score>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub program: Option<ProgramId>,
}

/// One touchpoint a worker completed in one program, with their best score on it.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct Achievement {
    pub program: ProgramId,
    pub touchpoint: TouchpointId,
    pub best_score: Option<Score>,
}

fn id_in<T: std::str::FromStr>(key: &str, value: &serde_json::Value) -> Result<T, InvalidValue> {
    value
        .as_str()
        .and_then(|text| text.parse().ok())
        .ok_or_else(|| InvalidValue::rule(format!("{key} must be an id, not {value}")))
}

impl AwardRule {
    /// The rule of a badge's `award_rule` column; None: awarded by hand only.
    pub fn parse(award_rule: Option<&JsonObject>) -> Result<Option<Self>, InvalidValue> {
        let Some(object) = award_rule.filter(|o| !o.as_map().is_empty()) else { return Ok(None) };
        let mut rule = Self::default();
        for (key, value) in object.as_map() {
            match key.as_str() {
                "completed_touchpoints" => {
                    rule.completed_touchpoints = Some(
                        value
                            .as_u64()
                            .and_then(|n| u32::try_from(n).ok())
                            .filter(|n| (1..=MAX_COMPLETIONS).contains(n))
                            .ok_or_else(|| {
                                InvalidValue::rule(format!(
                                    "completed_touchpoints must be a whole number from 1 to {MAX_COMPLETIONS}, not {value}"
                                ))
                            })?,
                    );
                }
                "touchpoint" => rule.touchpoint = Some(id_in(key, value)?),
                "program" => rule.program = Some(id_in(key, value)?),
                "min_score" => {
                    let score = value
                        .as_f64()
                        .ok_or_else(|| InvalidValue::rule(format!("min_score must be a number, not {value}")))?;
                    rule.min_score = Some(Score::new(score).map_err(|e| InvalidValue::rule(format!("min_score: {e}")))?);
                }
                other => {
                    return Err(InvalidValue::rule(format!(
                        "{other:?} is not a condition of an award rule (completed_touchpoints, touchpoint, min_score, program)"
                    )))
                }
            }
        }
        if rule.completed_touchpoints.is_none() && rule.touchpoint.is_none() && rule.min_score.is_none() {
            return Err(InvalidValue::rule(
                "an award rule needs completed_touchpoints, touchpoint or min_score; program alone would award everyone in it"
                    .to_owned(),
            ));
        }
        Ok(Some(rule))
    }

    pub fn to_json(&self) -> JsonObject {
        JsonObject::try_from(serde_json::to_value(self).unwrap_or_default()).unwrap_or_default()
    }

    /// Whether a worker with these achievements (across all their enrollments) has earned
    /// the badge.
    pub fn earned(&self, achievements: &[Achievement]) -> bool {
        let counted = || achievements.iter().filter(|a| self.program.is_none_or(|p| a.program == p));
        if let Some(needed) = self.completed_touchpoints {
            let mut distinct: IdMap<TouchpointId, ()> = IdMap::default();
            for a in counted() {
                distinct.insert(a.touchpoint, ());
            }
            if distinct.len() < needed as usize {
                return false;
            }
        }
        if let Some(touchpoint) = self.touchpoint {
            if !counted().any(|a| a.touchpoint == touchpoint) {
                return false;
            }
        }
        if let Some(needed) = self.min_score {
            let on_target = |a: &&Achievement| self.touchpoint.is_none_or(|t| a.touchpoint == t);
            if !counted().filter(on_target).any(|a| a.best_score.is_some_and(|s| s >= needed)) {
                return false;
            }
        }
        true
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use proptest::prelude::*;
    use serde_json::json;

    fn rule(value: serde_json::Value) -> Result<Option<AwardRule>, InvalidValue> {
        AwardRule::parse(Some(&JsonObject::try_from(value).unwrap()))
    }

    fn done(program: ProgramId, touchpoint: TouchpointId, score: Option<f64>) -> Achievement {
        Achievement { program, touchpoint, best_score: score.map(|s| Score::new(s).unwrap()) }
    }

    #[test]
    fn badges_are_earned_by_completions_touchpoints_and_scores() {
        let (harvest, other) = (ProgramId::new(), ProgramId::new());
        let (quiz, video, text) = (TouchpointId::new(), TouchpointId::new(), TouchpointId::new());
        let mine = [done(harvest, video, None), done(harvest, quiz, Some(85.0)), done(other, text, Some(95.0))];
        let earned = |value| rule(value).unwrap().unwrap().earned(&mine);
        assert!(earned(json!({"completed_touchpoints": 3})));
        assert!(!earned(json!({"completed_touchpoints": 3, "program": harvest})));
        assert!(earned(json!({"completed_touchpoints": 2, "program": harvest})));
        assert!(earned(json!({"touchpoint": quiz})));
        assert!(!earned(json!({"touchpoint": quiz, "min_score": 90})));
        assert!(earned(json!({"min_score": 90})), "any touchpoint");
        assert!(!earned(json!({"min_score": 90, "program": harvest})));
        assert!(!rule(json!({"completed_touchpoints": 1})).unwrap().unwrap().earned(&[]));
        let twice = [done(harvest, video, None), done(other, video, None)];
        assert!(!rule(json!({"completed_touchpoints": 2})).unwrap().unwrap().earned(&twice), "distinct touchpoints");
        assert_eq!(AwardRule::parse(None).unwrap(), None);
        assert_eq!(rule(json!({})).unwrap(), None);
    }

    #[test]
    fn malformed_award_rules_are_refused() {
        for (bad, says) in [
            (json!({"program": ProgramId::new()}), "program alone"),
            (json!({"completed_touchpoints": 0}), "from 1 to 10000"),
            (json!({"completed": 1}), "\"completed\" is not a condition"),
            (json!({"touchpoint": 5}), "touchpoint must be an id"),
            (json!({"min_score": 120}), "min_score"),
            (json!({"min_score": "high"}), "must be a number"),
        ] {
            assert!(rule(bad.clone()).unwrap_err().to_string().contains(says), "{bad}");
        }
    }

    proptest! {
        #![proptest_config(ProptestConfig::with_cases(3_000))]

        /// Rules and progress by index into two programs and four touchpoints, so the
        /// cases meet (and a failure shrinks to small indices).
        #[test]
        fn generated_rules_round_trip_and_more_achievements_never_lose_a_badge(
            completed in prop::option::of(1..=4u32),
            touchpoint in prop::option::of(0..4usize),
            min_score in prop::option::of(0..=100u8),
            program in prop::option::of(0..2usize),
            progress in prop::collection::vec((0..2usize, 0..4usize, prop::option::of(0..=100u8)), 6),
        ) {
            let programs = [ProgramId::new(), ProgramId::new()];
            let touchpoints = [TouchpointId::new(), TouchpointId::new(), TouchpointId::new(), TouchpointId::new()];
            let mut r = AwardRule {
                completed_touchpoints: completed,
                touchpoint: touchpoint.map(|t| touchpoints[t]),
                min_score: min_score.map(|s| Score::new(f64::from(s)).unwrap()),
                program: program.map(|p| programs[p]),
            };
            if r.completed_touchpoints.is_none() && r.touchpoint.is_none() {
                r.min_score.get_or_insert(Score::new(50.0).unwrap());
            }
            assert_eq!(AwardRule::parse(Some(&r.to_json())).unwrap(), Some(r.clone()));
            let mut achievements: Vec<Achievement> = Vec::new();
            let mut had = r.earned(&achievements);
            for (program, touchpoint, score) in progress {
                achievements.push(done(programs[program], touchpoints[touchpoint], score.map(f64::from)));
                let has = r.earned(&achievements);
                assert!(has || !had, "earning is monotone: more progress never takes a badge away");
                had = has;
            }
        }
    }
}

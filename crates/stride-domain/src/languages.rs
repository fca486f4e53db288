//! The JSON columns that hold a little language, and the check of each: the server runs
//! it on every pushed change and the app before it writes, so a rule that no device
//! could read never reaches the organization.

use crate::badge::AwardRule;
use crate::experiment::weight_of;
use crate::journey::TouchpointRule;
use crate::quiz::{parse_answers, QuizDefinition};
use crate::segment::SegmentRule;
use crate::{EntityKind, InvalidValue, JsonObject};
use serde_json::Value;

/// Checks a value written to `column` of `kind`; columns without a language pass.
pub fn check_column(kind: EntityKind, column: &str, value: &Value) -> Result<(), InvalidValue> {
    let object = || match value {
        Value::Null => Ok(None),
        other => JsonObject::try_from(other.clone()).map(Some),
    };
    match (kind, column) {
        (EntityKind::Touchpoints, "rule_logic") => TouchpointRule::parse(object()?.as_ref()).map(drop),
        (EntityKind::Segments, "rule_definition") => SegmentRule::parse(object()?.as_ref()).map(drop),
        (EntityKind::Badges, "award_rule") => AwardRule::parse(object()?.as_ref()).map(drop),
        (EntityKind::ExperimentVariants, "variant_details") => weight_of(object()?.as_ref()).map(drop),
        (EntityKind::QuizVersions, "definition") => match object()? {
            Some(object) => QuizDefinition::parse(&object).map(drop).map_err(|e| InvalidValue::rule(e.to_string())),
            None => Err(InvalidValue::Required),
        },
        (EntityKind::QuizAttempts, "answers") => match object()? {
            Some(object) => parse_answers(&object).map(drop),
            None => Err(InvalidValue::Required),
        },
        (EntityKind::WellBeingChecks, "answers") => match object()? {
            Some(object) => crate::well_being::parse_answers(&object).map(drop),
            None => Err(InvalidValue::Required),
        },
        _ => Ok(()),
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    #[test]
    fn each_language_column_is_checked_and_others_pass() {
        assert!(check_column(EntityKind::Touchpoints, "rule_logic", &json!({"after_days": 2})).is_ok());
        assert!(check_column(EntityKind::Touchpoints, "rule_logic", &json!({"after_dayz": 2})).is_err());
        assert!(check_column(EntityKind::Touchpoints, "rule_logic", &Value::Null).is_ok());
        assert!(check_column(EntityKind::Segments, "rule_definition", &json!({"all": 1})).is_err());
        assert!(check_column(EntityKind::Badges, "award_rule", &json!({"min_score": 90})).is_ok());
        assert!(check_column(EntityKind::Badges, "award_rule", &json!({"min_score": 900})).is_err());
        assert!(check_column(EntityKind::ExperimentVariants, "variant_details", &json!({"weight": 0})).is_err());
        let quiz = json!({"pass_mark": 50, "questions": [{"id": "q1", "prompt": "Shade helps.", "points": 1, "kind": "true_false", "correct": true}]});
        assert!(check_column(EntityKind::QuizVersions, "definition", &quiz).is_ok());
        assert!(
            check_column(EntityKind::QuizVersions, "definition", &json!({"pass_mark": 50, "questions": []})).is_err()
        );
        assert!(check_column(
            EntityKind::QuizAttempts,
            "answers",
            &json!({"q1": {"kind": "true_false", "value": true}})
        )
        .is_ok());
        assert!(check_column(EntityKind::QuizAttempts, "answers", &json!({"q1": {"kind": "guess"}})).is_err());
        assert!(check_column(EntityKind::Workers, "custom_attributes", &json!({"Site": 1})).is_ok(), "not a language");
    }
}

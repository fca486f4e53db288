//! Well-being checks: the questions an organization asks (each on a 0–10 or a 1–5
//! scale), a worker's answers, and the score of a check, pure so every device gives the
//! same answers the same score.
//!
//! The score of a check is the mean, over the questions answered, of each answer placed
//! on 0–100 along its scale: `(answer − lowest) / (highest − lowest) × 100`, to two
//! decimals. So 7 on 0–10 is 70, 4 on 1–5 is 75, and a check of both is 72.5.
//! `workers.well_being_score` is the score of the worker's latest check; a segment rule
//! reads it as `well_being_score` and its change since the check before as
//! `well_being_change`.

use crate::{InvalidValue, JsonObject, Score, ValidationError, WellBeingQuestionId, WellBeingScale};
use std::collections::BTreeMap;

/// A worker's answers, by question.
pub type CheckAnswers = BTreeMap<WellBeingQuestionId, i64>;

impl WellBeingScale {
    /// The lowest and highest answer.
    pub const fn range(self) -> (i64, i64) {
        match self {
            WellBeingScale::ZeroToTen => (0, 10),
            WellBeingScale::OneToFive => (1, 5),
        }
    }
}

/// How far a worker's score moved from one check to the next, to two decimals (what a
/// segment rule reads as `well_being_change`).
pub fn change(before: f64, latest: f64) -> f64 {
    ((latest - before) * 100.0).round() / 100.0
}

/// Reads stored or pushed answers: question ids to whole numbers from 0 to 10.
pub fn parse_answers(object: &JsonObject) -> Result<CheckAnswers, InvalidValue> {
    let mut answers = CheckAnswers::new();
    for (key, value) in object.as_map() {
        let question: WellBeingQuestionId =
            key.parse().map_err(|_| InvalidValue::rule(format!("{key:?} is not a question's id")))?;
        let answer = value
            .as_i64()
            .filter(|n| (0..=10).contains(n))
            .ok_or_else(|| InvalidValue::rule(format!("the answer to {key} must be a whole number 0–10")))?;
        answers.insert(question, answer);
    }
    Ok(answers)
}

/// Answers as the JSON object they are stored as.
pub fn answers_object(answers: &CheckAnswers) -> JsonObject {
    let map = answers.iter().map(|(id, answer)| (id.to_string(), serde_json::Value::from(*answer))).collect();
    JsonObject::try_from(serde_json::Value::Object(map)).unwrap_or_else(|_| unreachable!("a map is an object"))
}

/// The score of a check, by the formula above; every answer must be on its question's
/// scale (problems are named `answers.<question id>`), and one at least given.
pub fn score(
    questions: &[(WellBeingQuestionId, WellBeingScale)],
    answers: &CheckAnswers,
) -> Result<Score, Vec<ValidationError>> {
    let mut problems = Vec::new();
    let mut placed = Vec::with_capacity(answers.len());
    for (question, answer) in answers {
        let field = format!("answers.{question}");
        match questions.iter().find(|(id, _)| id == question) {
            None => problems.push(ValidationError::new(field, InvalidValue::NotWellBeingQuestion)),
            Some((_, scale)) => {
                let (low, high) = scale.range();
                if (low..=high).contains(answer) {
                    placed.push((answer - low) as f64 * 100.0 / (high - low) as f64);
                } else {
                    problems.push(ValidationError::new(field, InvalidValue::OutOfRange { min: low, max: high }));
                }
            }
        }
    }
    if answers.is_empty() {
        problems.push(ValidationError::new("answers", InvalidValue::NoAnswers));
    }
    if !problems.is_empty() {
        return Err(problems);
    }
    let mean = placed.iter().sum::<f64>() / placed.len() as f64;
    Score::new(mean.clamp(Score::MIN, Score::MAX)).map_err(|problem| vec![problem.in_field("answers")])
}

#[cfg(test)]
mod tests {
    use super::*;
    use proptest::prelude::*;
    use uuid::Uuid;

    fn questions() -> Vec<(WellBeingQuestionId, WellBeingScale)> {
        vec![
            (WellBeingQuestionId::from_uuid(Uuid::from_u128(1)), WellBeingScale::ZeroToTen),
            (WellBeingQuestionId::from_uuid(Uuid::from_u128(2)), WellBeingScale::OneToFive),
        ]
    }

    #[test]
    fn the_score_is_the_mean_of_each_answer_placed_on_its_scale() {
        let q = questions();
        let answers = CheckAnswers::from([(q[0].0, 7), (q[1].0, 4)]);
        assert_eq!(score(&q, &answers).unwrap().value(), 72.5);
        assert_eq!(score(&q, &CheckAnswers::from([(q[1].0, 1)])).unwrap().value(), 0.0);
        assert_eq!(score(&q, &CheckAnswers::from([(q[0].0, 10), (q[1].0, 5)])).unwrap().value(), 100.0);
        assert_eq!(score(&q, &CheckAnswers::from([(q[0].0, 3), (q[1].0, 2)])).unwrap().value(), 27.5);
        let wrong = score(&q, &CheckAnswers::from([(q[1].0, 0), (WellBeingQuestionId::new(), 3)])).unwrap_err();
        assert_eq!(wrong.len(), 2);
        assert_eq!(wrong[0].problem, InvalidValue::OutOfRange { min: 1, max: 5 });
        assert_eq!(score(&q, &CheckAnswers::new()).unwrap_err()[0].field, "answers");
        let stored = answers_object(&answers);
        assert_eq!(parse_answers(&stored), Ok(answers));
        let bad = JsonObject::try_from(serde_json::json!({"not-an-id": 3})).unwrap();
        assert!(parse_answers(&bad).is_err());
    }

    proptest! {
        /// A score is within 0–100, and a higher answer never lowers it.
        #[test]
        fn a_score_stays_within_0_to_100_and_rises_with_each_answer(a in 0i64..=10, b in 1i64..=5, up in 0usize..2) {
            let q = questions();
            let before = score(&q, &CheckAnswers::from([(q[0].0, a), (q[1].0, b)])).unwrap().value();
            prop_assert!((0.0..=100.0).contains(&before));
            let raised = if up == 0 { [(q[0].0, (a + 1).min(10)), (q[1].0, b)] } else { [(q[0].0, a), (q[1].0, (b + 1).min(5))] };
            let after = score(&q, &CheckAnswers::from(raised)).unwrap().value();
            prop_assert!(after >= before);
        }
    }
}

//! Quizzes: the questions of a quiz content item (single choice, multiple choice,
//! true/false, a number), each with its points, and the pass mark; the answers a worker
//! gave; and scoring, pure and deterministic, so every device gives the same answers the
//! same score. A quiz is kept as versions (`quiz_versions`): an answer is scored against
//! the version it was given to, so a quiz changed later keeps old answers readable.

use crate::{InvalidValue, JsonObject, Score, ValidationError};
use serde::{Deserialize, Serialize};
use std::collections::{BTreeMap, BTreeSet};
use ts_rs::TS;

pub const MAX_QUESTIONS: usize = 100;
pub const MAX_OPTIONS: usize = 10;
pub const MAX_POINTS: u32 = 100;
const MAX_TEXT: usize = 1000;

/// A quiz as its author wrote it.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, TS)]
#[serde(deny_unknown_fields)]
pub struct QuizDefinition {
    /// The share of the points needed to pass, in percent (0–100).
    pub pass_mark: u32,
    pub questions: Vec<Question>,
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, TS)]
pub struct Question {
    /// Stable across the quiz's versions, so an answer names its question.
    pub id: String,
    pub prompt: String,
    pub points: u32,
    #[serde(flatten)]
    pub kind: QuestionKind,
}

/// What a question asks for, with its correct answer.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, TS)]
#[serde(tag = "kind", rename_all = "snake_case")]
pub enum QuestionKind {
    /// One option is right (`correct`: its index).
    SingleChoice {
        options: Vec<String>,
        correct: u32,
    },
    /// The options ticked must be exactly the right ones.
    MultipleChoice {
        options: Vec<String>,
        correct: Vec<u32>,
    },
    TrueFalse {
        correct: bool,
    },
    /// A number within `tolerance` of `correct` is right.
    Number {
        correct: f64,
        tolerance: f64,
    },
}

/// One answer, of the kind its question asks for.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, TS)]
#[serde(tag = "kind", content = "value", rename_all = "snake_case")]
pub enum Answer {
    Choice(u32),
    Choices(Vec<u32>),
    TrueFalse(bool),
    Number(f64),
}

/// A worker's answers, by question id (a question left unanswered is absent).
pub type Answers = BTreeMap<String, Answer>;

/// The score of a set of answers.
#[derive(Debug, Clone, PartialEq, Serialize, TS)]
pub struct QuizScore {
    pub points: u32,
    pub total: u32,
    /// points / total, in percent: what worker_progress.score holds.
    pub percent: Score,
    pub passed: bool,
    /// Per question, in the quiz's order: whether it was answered right.
    pub correct: Vec<bool>,
}

impl QuizDefinition {
    /// Reads a stored or pushed definition, checking every rule of one.
    pub fn parse(object: &JsonObject) -> Result<Self, ValidationError> {
        let quiz: QuizDefinition = serde_json::from_value(serde_json::Value::Object(object.as_map().clone()))
            .map_err(|error| ValidationError::new("questions", InvalidValue::rule(error.to_string())))?;
        quiz.check()?;
        Ok(quiz)
    }

    /// The rules of a quiz, each problem named by its place (`questions.2.options`).
    pub fn check(&self) -> Result<(), ValidationError> {
        let at = |index: usize, field: &str| format!("questions.{index}.{field}");
        if self.pass_mark > 100 {
            return Err(ValidationError::new("pass_mark", InvalidValue::OutOfRange { min: 0, max: 100 }));
        }
        if self.questions.is_empty() {
            return Err(ValidationError::new("questions", InvalidValue::NoQuestions));
        }
        if self.questions.len() > MAX_QUESTIONS {
            return Err(ValidationError::new(
                "questions",
                InvalidValue::TooMany { count: self.questions.len(), max: MAX_QUESTIONS },
            ));
        }
        let mut ids = BTreeSet::new();
        for (index, question) in self.questions.iter().enumerate() {
            if question.id.trim().is_empty() || question.id.chars().count() > 64 || !ids.insert(question.id.as_str()) {
                return Err(ValidationError::new(at(index, "id"), InvalidValue::QuestionId));
            }
            text(&question.prompt).map_err(|problem| problem.in_field(&at(index, "prompt")))?;
            if !(1..=MAX_POINTS).contains(&question.points) {
                return Err(ValidationError::new(
                    at(index, "points"),
                    InvalidValue::OutOfRange { min: 1, max: i64::from(MAX_POINTS) },
                ));
            }
            match &question.kind {
                QuestionKind::SingleChoice { options, correct } => {
                    check_options(options).map_err(|problem| problem.in_field(&at(index, "options")))?;
                    if *correct as usize >= options.len() {
                        return Err(ValidationError::new(at(index, "correct"), InvalidValue::NoCorrectOption));
                    }
                }
                QuestionKind::MultipleChoice { options, correct } => {
                    check_options(options).map_err(|problem| problem.in_field(&at(index, "options")))?;
                    let distinct: BTreeSet<&u32> = correct.iter().collect();
                    if correct.is_empty()
                        || distinct.len() != correct.len()
                        || correct.iter().any(|c| *c as usize >= options.len())
                    {
                        return Err(ValidationError::new(at(index, "correct"), InvalidValue::NoCorrectOption));
                    }
                }
                QuestionKind::TrueFalse { .. } => {}
                QuestionKind::Number { correct, tolerance } => {
                    if !correct.is_finite() {
                        return Err(ValidationError::new(at(index, "correct"), InvalidValue::NoNumber));
                    }
                    if !tolerance.is_finite() || *tolerance < 0.0 {
                        return Err(ValidationError::new(at(index, "tolerance"), InvalidValue::NoNumber));
                    }
                }
            }
        }
        Ok(())
    }

    /// The points of every question.
    pub fn total(&self) -> u32 {
        self.questions.iter().map(|q| q.points).sum()
    }

    /// Scores `answers`: a question's points for a right answer, none otherwise (an
    /// answer to a question the quiz does not have counts for nothing).
    pub fn score(&self, answers: &Answers) -> QuizScore {
        let correct: Vec<bool> =
            self.questions.iter().map(|q| answers.get(&q.id).is_some_and(|answer| q.kind.is_right(answer))).collect();
        let points: u32 = self.questions.iter().zip(&correct).filter(|(_, right)| **right).map(|(q, _)| q.points).sum();
        let total = self.total();
        let percent = if total == 0 { 0.0 } else { f64::from(points) * 100.0 / f64::from(total) };
        QuizScore {
            points,
            total,
            // Within 0–100 by construction.
            percent: Score::new(percent.clamp(Score::MIN, Score::MAX)).unwrap_or_else(|_| unreachable!("0–100")),
            // In whole numbers, so every device draws the line in the same place.
            passed: u64::from(points) * 100 >= u64::from(self.pass_mark) * u64::from(total),
            correct,
        }
    }

    /// The question of `id`.
    pub fn question(&self, id: &str) -> Option<&Question> {
        self.questions.iter().find(|q| q.id == id)
    }
}

impl QuestionKind {
    /// Whether `answer` is this question's right answer.
    pub fn is_right(&self, answer: &Answer) -> bool {
        match (self, answer) {
            (QuestionKind::SingleChoice { correct, .. }, Answer::Choice(choice)) => choice == correct,
            (QuestionKind::MultipleChoice { correct, .. }, Answer::Choices(chosen)) => {
                chosen.iter().collect::<BTreeSet<_>>() == correct.iter().collect::<BTreeSet<_>>()
            }
            (QuestionKind::TrueFalse { correct }, Answer::TrueFalse(said)) => said == correct,
            (QuestionKind::Number { correct, tolerance }, Answer::Number(given)) => {
                given.is_finite() && (given - correct).abs() <= *tolerance
            }
            _ => false,
        }
    }
}

fn text(value: &str) -> Result<(), InvalidValue> {
    let chars = value.trim().chars().count();
    if chars == 0 {
        return Err(InvalidValue::Empty);
    }
    if chars > MAX_TEXT {
        return Err(InvalidValue::TooLong { chars, max: MAX_TEXT });
    }
    Ok(())
}

fn check_options(options: &[String]) -> Result<(), InvalidValue> {
    if options.len() < 2 {
        return Err(InvalidValue::TooFewOptions);
    }
    if options.len() > MAX_OPTIONS {
        return Err(InvalidValue::TooMany { count: options.len(), max: MAX_OPTIONS });
    }
    options.iter().try_for_each(|option| text(option))
}

/// Reads stored or pushed answers.
pub fn parse_answers(object: &JsonObject) -> Result<Answers, InvalidValue> {
    serde_json::from_value(serde_json::Value::Object(object.as_map().clone()))
        .map_err(|error| InvalidValue::rule(error.to_string()))
}

/// Answers as the JSON object they are stored as.
pub fn answers_object(answers: &Answers) -> JsonObject {
    let value = serde_json::to_value(answers).unwrap_or_else(|_| unreachable!("answers serialize"));
    JsonObject::try_from(value).unwrap_or_else(|_| unreachable!("a map is an object"))
}

/// A definition as the JSON object it is stored as.
pub fn definition_object(quiz: &QuizDefinition) -> JsonObject {
    let value = serde_json::to_value(quiz).unwrap_or_else(|_| unreachable!("a quiz serializes"));
    JsonObject::try_from(value).unwrap_or_else(|_| unreachable!("a struct is an object"))
}

#[cfg(test)]
mod tests {
    use super::*;
    use proptest::prelude::*;

    pub(crate) fn sample() -> QuizDefinition {
        QuizDefinition {
            pass_mark: 60,
            questions: vec![
                Question {
                    id: "q1".into(),
                    prompt: "How often should you drink when it is hot?".into(),
                    points: 2,
                    kind: QuestionKind::SingleChoice {
                        options: vec!["Every 20 minutes".into(), "When thirsty".into(), "At lunch".into()],
                        correct: 0,
                    },
                },
                Question {
                    id: "q2".into(),
                    prompt: "Which are signs of heat exhaustion?".into(),
                    points: 3,
                    kind: QuestionKind::MultipleChoice {
                        options: vec!["Dizziness".into(), "Heavy sweating".into(), "Feeling cold".into()],
                        correct: vec![0, 1],
                    },
                },
                Question {
                    id: "q3".into(),
                    prompt: "Shade slows dehydration.".into(),
                    points: 1,
                    kind: QuestionKind::TrueFalse { correct: true },
                },
                Question {
                    id: "q4".into(),
                    prompt: "How many litres a day in the heat?".into(),
                    points: 4,
                    kind: QuestionKind::Number { correct: 4.0, tolerance: 0.5 },
                },
            ],
        }
    }

    fn all_right() -> Answers {
        Answers::from([
            ("q1".into(), Answer::Choice(0)),
            ("q2".into(), Answer::Choices(vec![1, 0])),
            ("q3".into(), Answer::TrueFalse(true)),
            ("q4".into(), Answer::Number(4.4)),
        ])
    }

    #[test]
    fn each_kind_of_question_is_scored_by_its_points_and_the_pass_mark_is_a_share_of_the_total() {
        let quiz = sample();
        let full = quiz.score(&all_right());
        assert_eq!((full.points, full.total, full.percent.value(), full.passed), (10, 10, 100.0, true));
        let mut answers = all_right();
        answers.insert("q2".into(), Answer::Choices(vec![0]));
        answers.insert("q4".into(), Answer::Number(5.0));
        let partial = quiz.score(&answers);
        assert_eq!(partial.correct, [true, false, true, false]);
        assert_eq!((partial.points, partial.percent.value(), partial.passed), (3, 30.0, false));
        answers.insert("q4".into(), Answer::Number(3.5));
        let at_the_mark = quiz.score(&answers);
        assert_eq!((at_the_mark.points, at_the_mark.passed), (7, true), "60% of 10 is 6");
        // An answer of the wrong kind, or to no question, counts for nothing.
        let odd = Answers::from([("q1".into(), Answer::TrueFalse(true)), ("q9".into(), Answer::Choice(0))]);
        assert_eq!(quiz.score(&odd).points, 0);
        assert_eq!(quiz.score(&Answers::new()).correct, [false; 4]);
    }

    #[test]
    fn a_definition_round_trips_through_json_and_its_problems_are_named_by_place() {
        let quiz = sample();
        assert_eq!(QuizDefinition::parse(&definition_object(&quiz)), Ok(quiz.clone()));
        let field = |change: &dyn Fn(&mut QuizDefinition)| {
            let mut broken = quiz.clone();
            change(&mut broken);
            QuizDefinition::parse(&definition_object(&broken)).unwrap_err().field
        };
        assert_eq!(field(&|q| q.questions.clear()), "questions");
        assert_eq!(field(&|q| q.pass_mark = 101), "pass_mark");
        assert_eq!(field(&|q| q.questions[1].id = "q1".into()), "questions.1.id");
        assert_eq!(field(&|q| q.questions[2].prompt = " ".into()), "questions.2.prompt");
        assert_eq!(field(&|q| q.questions[0].points = 0), "questions.0.points");
        assert_eq!(
            field(&|q| q.questions[0].kind = QuestionKind::SingleChoice { options: vec!["Only".into()], correct: 0 }),
            "questions.0.options"
        );
        assert_eq!(
            field(&|q| q.questions[1].kind =
                QuestionKind::MultipleChoice { options: vec!["A".into(), "B".into()], correct: vec![] }),
            "questions.1.correct"
        );
        assert_eq!(
            field(&|q| q.questions[3].kind = QuestionKind::Number { correct: 1.0, tolerance: -1.0 }),
            "questions.3.tolerance"
        );
        let stray = JsonObject::try_from(serde_json::json!({"pass_mark": 50, "questions": [], "extra": 1})).unwrap();
        assert!(QuizDefinition::parse(&stray).is_err());
        assert_eq!(parse_answers(&answers_object(&all_right())), Ok(all_right()));
    }

    fn answer_for(kind: &QuestionKind, right: bool, noise: u32) -> Answer {
        match kind {
            QuestionKind::SingleChoice { options, correct } => Answer::Choice(if right {
                *correct
            } else {
                (correct + 1 + noise % (options.len() as u32 - 1)) % options.len() as u32
            }),
            QuestionKind::MultipleChoice { options, correct } => {
                if right {
                    Answer::Choices(correct.clone())
                } else {
                    let missing = (0..options.len() as u32).find(|o| !correct.contains(o));
                    Answer::Choices(missing.map_or_else(Vec::new, |o| vec![o]))
                }
            }
            QuestionKind::TrueFalse { correct } => Answer::TrueFalse(if right { *correct } else { !correct }),
            QuestionKind::Number { correct, tolerance } => {
                Answer::Number(if right { *correct } else { correct + tolerance + 1.0 + f64::from(noise) })
            }
        }
    }

    proptest! {
        /// A score never exceeds the total, and answering one more question right never
        /// lowers it, whatever the quiz's points and the answers.
        #[test]
        fn a_score_is_at_most_the_total_and_more_right_answers_never_lower_it(
            points in prop::collection::vec(1u32..=MAX_POINTS, 4),
            right in prop::collection::vec(any::<bool>(), 4),
            flip in 0usize..4,
            noise in 0u32..5,
            pass_mark in 0u32..=100,
        ) {
            let mut quiz = sample();
            quiz.pass_mark = pass_mark;
            for (question, points) in quiz.questions.iter_mut().zip(&points) {
                question.points = *points;
            }
            let answers = |right: &[bool]| -> Answers {
                quiz.questions.iter().zip(right).map(|(q, r)| (q.id.clone(), answer_for(&q.kind, *r, noise))).collect()
            };
            let before = quiz.score(&answers(&right));
            prop_assert!(before.points <= before.total);
            prop_assert!(before.percent.value() <= 100.0);
            prop_assert_eq!(before.correct.clone(), right.clone());
            let mut better = right.clone();
            better[flip] = true;
            let after = quiz.score(&answers(&better));
            prop_assert!(after.points >= before.points);
            prop_assert!(after.percent.value() >= before.percent.value());
            prop_assert!(after.passed || !before.passed, "passing is never lost by a right answer");
            prop_assert_eq!(quiz.score(&answers(&better)), after, "the same answers, the same score");
        }
    }
}

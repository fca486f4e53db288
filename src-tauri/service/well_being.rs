//! Well-being checks: the questions an organization sets (each on a 0–10 or a 1–5
//! scale), a worker's check recorded offline and scored on the device
//! (`stride_domain::well_being`), their history, and `workers.well_being_score` kept as
//! the latest check's score in the same commit.

use super::Service;
use crate::error::AppError;
use serde::{Deserialize, Serialize};
use stride_domain::well_being::{self, CheckAnswers};
use stride_domain::*;
use stride_store::WellBeingPoint;
use ts_rs::TS;

/// A question as its form sends it.
#[derive(Debug, Clone, Deserialize, TS)]
pub struct WellBeingQuestionInput {
    /// None for a new question (it comes last).
    pub id: Option<WellBeingQuestionId>,
    pub prompt: String,
    pub scale: WellBeingScale,
}

/// One answer as the check's form sends it: raw text, empty when not answered.
#[derive(Debug, Clone, Deserialize, TS)]
pub struct WellBeingAnswerInput {
    pub question_id: WellBeingQuestionId,
    pub answer: String,
}

#[derive(Debug, Clone, Deserialize, TS)]
pub struct WellBeingCheckInput {
    pub worker_id: WorkerId,
    pub answers: Vec<WellBeingAnswerInput>,
}

/// A worker's well-being: the questions to ask, every check so far (the oldest first),
/// the latest score and its change since the check before.
#[derive(Debug, Clone, PartialEq, Serialize, TS)]
pub struct WellBeingView {
    pub questions: Vec<WellBeingQuestion>,
    pub history: Vec<WellBeingPoint>,
    pub latest: Option<Score>,
    pub change: Option<f64>,
}

impl Service {
    /// The organization's questions, in the order they are asked.
    pub fn well_being_questions(&self) -> Result<Vec<WellBeingQuestion>, AppError> {
        let mut questions = self.store.list_all::<WellBeingQuestion>(&[])?;
        questions.sort_by_key(|q| (q.position, q.id));
        Ok(questions)
    }

    /// Adds or edits a question; answers the questions as they now stand.
    pub fn save_well_being_question(&self, input: WellBeingQuestionInput) -> Result<Vec<WellBeingQuestion>, AppError> {
        self.require_write(EntityKind::WellBeingQuestions)?;
        let prompt =
            Name::parse(&input.prompt).map_err(|problem| AppError::invalid(vec![problem.in_field("prompt")]))?;
        let now = self.store.now();
        match input.id {
            Some(id) => {
                let key = RowKey::of(id);
                let mut question = self
                    .store
                    .get::<WellBeingQuestion>(&key)?
                    .ok_or(stride_store::StoreError::NotFound { entity: EntityKind::WellBeingQuestions, key })?;
                question.prompt = prompt;
                question.scale = input.scale;
                self.store.update(&question)?;
            }
            None => {
                let organization_id =
                    self.store.device().organization_id.ok_or(stride_store::StoreError::NoOrganization)?;
                let position = self.well_being_questions()?.last().map_or(1, |q| q.position.saturating_add(1));
                self.store.create(&WellBeingQuestion {
                    id: WellBeingQuestionId::new(),
                    organization_id,
                    prompt,
                    scale: input.scale,
                    position,
                    created_at: now,
                    updated_at: now,
                })?;
            }
        }
        self.well_being_questions()
    }

    /// A worker's well-being, for their page.
    pub fn well_being(&self, worker_id: WorkerId) -> Result<WellBeingView, AppError> {
        let worker = self.get_worker(worker_id)?;
        let history = self.store.well_being_history(worker.id)?;
        Ok(WellBeingView {
            questions: self.well_being_questions()?,
            latest: history.last().map(|point| point.score),
            change: WellBeingPoint::change_of(&history),
            history,
        })
    }

    /// Records a check, scored on the device, and makes its score the worker's
    /// well_being_score, in one commit.
    pub fn record_well_being_check(&self, input: WellBeingCheckInput) -> Result<WellBeingView, AppError> {
        self.require_write(EntityKind::WellBeingChecks)?;
        let mut worker = self.get_worker(input.worker_id)?;
        let questions: Vec<(WellBeingQuestionId, WellBeingScale)> =
            self.well_being_questions()?.into_iter().map(|q| (q.id, q.scale)).collect();
        let mut problems = Vec::new();
        let mut answers = CheckAnswers::new();
        for given in &input.answers {
            match given.answer.trim() {
                "" => {}
                text => match text.parse::<i64>() {
                    Ok(answer) => {
                        answers.insert(given.question_id, answer);
                    }
                    Err(_) => problems.push(ValidationError::new(
                        format!("answers.{}", given.question_id),
                        InvalidValue::NotWholeNumber,
                    )),
                },
            }
        }
        let score = match well_being::score(&questions, &answers) {
            Ok(score) if problems.is_empty() => score,
            Ok(_) => return Err(AppError::invalid(problems)),
            Err(more) => {
                // "Answer at least one" only when nothing at all was typed.
                let typed_something = !problems.is_empty();
                problems.extend(more.into_iter().filter(|p| !(typed_something && p.field == "answers")));
                return Err(AppError::invalid(problems));
            }
        };
        let organization_id = self.store.device().organization_id.ok_or(stride_store::StoreError::NoOrganization)?;
        let recorded_by = self.user_id()?;
        self.store.write(|w| {
            let now = w.now();
            w.create(&WellBeingCheck {
                id: WellBeingCheckId::new(),
                worker_id: worker.id,
                organization_id,
                answers: well_being::answers_object(&answers),
                score,
                checked_at: now,
                recorded_by,
                created_at: now,
                updated_at: now,
            })?;
            // The worker's score is their latest check's.
            worker.well_being_score = Some(score);
            w.update(&worker)?;
            Ok(())
        })?;
        self.well_being(input.worker_id)
    }
}

#[cfg(test)]
mod tests {
    use super::super::tests::{form, service, set_up_input};
    use super::*;
    use crate::error::ErrorCode;

    #[test]
    fn a_check_is_scored_on_its_scales_kept_as_history_and_becomes_the_workers_score_and_change() {
        let (_dir, service) = service();
        service.set_up(set_up_input("Lakeside Farms", "254")).unwrap();
        let question = |prompt: &str, scale| {
            service.save_well_being_question(WellBeingQuestionInput { id: None, prompt: prompt.into(), scale }).unwrap()
        };
        question("How well did you sleep?", WellBeingScale::ZeroToTen);
        let questions = question("How safe do you feel at work?", WellBeingScale::OneToFive);
        assert_eq!(questions.iter().map(|q| q.position).collect::<Vec<_>>(), [1, 2]);
        let err = service
            .save_well_being_question(WellBeingQuestionInput {
                id: None,
                prompt: " ".into(),
                scale: WellBeingScale::OneToFive,
            })
            .unwrap_err();
        assert_eq!(err.fields[0].field, "prompt");

        let amina = service.enroll_worker(form("Amina Wanjiru", "")).unwrap();
        let check = |sleep: &str, safe: &str| WellBeingCheckInput {
            worker_id: amina.id,
            answers: vec![
                WellBeingAnswerInput { question_id: questions[0].id, answer: sleep.into() },
                WellBeingAnswerInput { question_id: questions[1].id, answer: safe.into() },
            ],
        };
        // Off the scale, not a number, or nothing at all: refused by answer, nothing written.
        let err = service.record_well_being_check(check("11", "x")).unwrap_err();
        assert_eq!(err.code, ErrorCode::InvalidInput);
        let mut fields: Vec<_> = err.fields.iter().map(|f| f.field.clone()).collect();
        fields.sort();
        let mut expected = vec![format!("answers.{}", questions[0].id), format!("answers.{}", questions[1].id)];
        expected.sort();
        assert_eq!(fields, expected);
        assert_eq!(service.record_well_being_check(check("", "")).unwrap_err().fields[0].field, "answers");
        assert!(service.store.list_all::<WellBeingCheck>(&[]).unwrap().is_empty(), "nothing was written");

        let first = service.record_well_being_check(check("7", "4")).unwrap();
        assert_eq!((first.latest.map(Score::value), first.change), (Some(72.5), None));
        let second = service.record_well_being_check(check("3", "")).unwrap();
        assert_eq!(second.history.len(), 2);
        assert_eq!((second.latest.map(Score::value), second.change), (Some(30.0), Some(-42.5)));
        assert_eq!(service.get_worker(amina.id).unwrap().well_being_score.map(Score::value), Some(30.0));

        // A segment rule reads the latest score and its change.
        let dropped = JsonObject::try_from(serde_json::json!({"all": [
            {"field": "well_being_score", "op": "lt", "value": 50},
            {"field": "well_being_change", "op": "lte", "value": -10}
        ]}))
        .unwrap();
        let now = service.store.now();
        let organization_id = service.store.device().organization_id.unwrap();
        let segment = Segment {
            id: SegmentId::new(),
            organization_id,
            name: Name::parse("Struggling").unwrap(),
            rule_definition: Some(dropped),
            created_at: now,
            updated_at: now,
        };
        service.store.create(&segment).unwrap();
        let baraka = service.enroll_worker(form("Baraka Otieno", "")).unwrap();
        assert_eq!(service.store.segment_members(segment.id).unwrap(), [amina.id]);
        let names: Vec<_> = service
            .store
            .segments_of(&service.get_worker(amina.id).unwrap())
            .unwrap()
            .into_iter()
            .map(|s| s.name.to_string())
            .collect();
        assert_eq!(names, ["Struggling"], "one worker's page judges as the whole list does");
        assert!(service.store.segments_of(&baraka).unwrap().is_empty());
    }
}

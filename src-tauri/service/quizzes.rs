//! Quizzes as content specialists author them and coordinators give them: a quiz
//! content item's questions, saved as a new version whenever they change; the latest
//! version to take in a session; scoring on the device (`stride_domain::quiz`); and per
//! question how many answered right (item analysis), each attempt judged against the
//! version it answered.

use super::{optional_text, Service};
use crate::error::AppError;
use serde::{Deserialize, Serialize};
use stride_domain::quiz::{self, Answers, Question, QuestionKind, QuizDefinition, QuizScore};
use stride_domain::*;
use stride_store::Filter;
use ts_rs::TS;

/// A question as the editor sends it: raw text where a person types.
#[derive(Debug, Clone, Deserialize, TS)]
pub struct QuestionInput {
    /// Kept across versions; empty for a new question (one is given).
    pub id: String,
    pub prompt: String,
    pub points: String,
    pub kind: QuestionKindName,
    /// Choice questions: the options, and which are right (by index).
    pub options: Vec<String>,
    pub correct_options: Vec<u32>,
    /// A true/false question's right answer.
    pub correct_true: bool,
    /// A number question's right answer, and how far from it still counts.
    pub correct_number: String,
    pub tolerance: String,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize, TS)]
#[serde(rename_all = "snake_case")]
pub enum QuestionKindName {
    SingleChoice,
    MultipleChoice,
    TrueFalse,
    Number,
}

#[derive(Debug, Clone, Deserialize, TS)]
pub struct QuizInput {
    pub content_id: ContentId,
    /// Percent of the points needed to pass.
    pub pass_mark: String,
    pub questions: Vec<QuestionInput>,
}

/// The latest version of a quiz, to take or to edit.
#[derive(Debug, Clone, PartialEq, Serialize, TS)]
pub struct QuizVersionView {
    pub id: QuizVersionId,
    pub version_number: i32,
    pub definition: QuizDefinition,
}

impl QuizVersionView {
    fn of((version, definition): (QuizVersion, QuizDefinition)) -> Self {
        Self { id: version.id, version_number: version.version_number, definition }
    }
}

/// How one question of the latest version was answered, over every attempt that had it.
#[derive(Debug, Clone, PartialEq, Serialize, TS)]
pub struct QuestionAnalysis {
    pub question_id: String,
    pub prompt: String,
    pub answered: u32,
    pub correct: u32,
}

/// A quiz for its editor: the latest version and how its questions were answered.
#[derive(Debug, Clone, PartialEq, Serialize, TS)]
pub struct QuizOverview {
    pub content_id: ContentId,
    pub latest: Option<QuizVersionView>,
    pub attempts: u32,
    pub passed: u32,
    pub analysis: Vec<QuestionAnalysis>,
}

impl Service {
    /// A quiz content item's latest version, attempts and item analysis.
    pub fn quiz(&self, content_id: ContentId) -> Result<QuizOverview, AppError> {
        self.quiz_content(content_id)?;
        let versions = self.quiz_versions(content_id)?;
        let latest = versions.last().cloned().map(QuizVersionView::of);
        let mut given = Vec::new();
        for (version, _) in &versions {
            for attempt in
                self.store.list_all::<QuizAttempt>(&[Filter::new("quiz_version_id", version.id.to_string())])?
            {
                // Answers this version cannot read are left out rather than guessed at.
                if let Ok(answers) = quiz::parse_answers(&attempt.answers) {
                    given.push((version.id, answers));
                }
            }
        }
        let (attempts, passed, analysis) = analyse(&versions, &given);
        Ok(QuizOverview { content_id, latest, attempts, passed, analysis })
    }

    /// Saves a quiz's questions: a new version when they changed (the versions workers
    /// answered stay as they were), nothing when they did not.
    pub fn save_quiz(&self, input: QuizInput) -> Result<QuizOverview, AppError> {
        self.require_write(EntityKind::QuizVersions)?;
        self.quiz_content(input.content_id)?;
        self.editable::<Content>(RowKey::of(input.content_id))?;
        let definition = parse_quiz(&input)?;
        let versions = self.quiz_versions(input.content_id)?;
        if versions.last().is_some_and(|(_, latest)| *latest == definition) {
            return self.quiz(input.content_id);
        }
        let organization_id = self.store.device().organization_id.ok_or(stride_store::StoreError::NoOrganization)?;
        let number = versions.last().map_or(0, |(version, _)| version.version_number) + 1;
        let created_by = self.user_id()?;
        let now = self.store.now();
        self.store.create(&QuizVersion {
            id: QuizVersionId::new(),
            content_id: input.content_id,
            organization_id,
            version_number: number,
            definition: quiz::definition_object(&definition),
            created_by,
            created_at: now,
        })?;
        self.quiz(input.content_id)
    }

    /// The quiz a touchpoint gives, in its latest version (None: its content is no quiz,
    /// or has no questions yet).
    pub fn touchpoint_quiz(&self, touchpoint_id: TouchpointId) -> Result<Option<QuizVersionView>, AppError> {
        let Some(touchpoint) = self.store.get::<Touchpoint>(&RowKey::of(touchpoint_id))? else { return Ok(None) };
        Ok(self.quiz_versions(touchpoint.content_id)?.pop().map(QuizVersionView::of))
    }

    /// Scores answers against a version, as the session records them.
    pub fn score_quiz(&self, version_id: QuizVersionId, answers: &Answers) -> Result<QuizScore, AppError> {
        Ok(self.quiz_version(version_id)?.1.score(answers))
    }

    pub(super) fn quiz_version(&self, id: QuizVersionId) -> Result<(QuizVersion, QuizDefinition), AppError> {
        let version = self
            .store
            .get::<QuizVersion>(&RowKey::of(id))?
            .ok_or_else(|| AppError::invalid(vec![ValidationError::new("quiz", InvalidValue::NotQuizOnDevice)]))?;
        let definition = QuizDefinition::parse(&version.definition).map_err(|e| AppError::invalid(vec![e]))?;
        Ok((version, definition))
    }

    /// A content item that is a quiz, or the refusal to treat it as one.
    fn quiz_content(&self, id: ContentId) -> Result<Content, AppError> {
        match self.store.get::<Content>(&RowKey::of(id))? {
            Some(content) if content.content_type == ContentType::Quiz => Ok(content),
            _ => Err(AppError::invalid(vec![ValidationError::new("content_id", InvalidValue::NotQuizOnDevice)])),
        }
    }

    /// A quiz's versions that read, oldest first.
    pub(super) fn quiz_versions(&self, content_id: ContentId) -> Result<Vec<(QuizVersion, QuizDefinition)>, AppError> {
        let mut versions: Vec<(QuizVersion, QuizDefinition)> = self
            .store
            .list_all::<QuizVersion>(&[Filter::new("content_id", content_id.to_string())])?
            .into_iter()
            .filter_map(|version| {
                let definition = QuizDefinition::parse(&version.definition).ok()?;
                Some((version, definition))
            })
            .collect();
        // Two devices may both write the next number offline: the later id is the later.
        versions.sort_by_key(|(version, _)| (version.version_number, version.id));
        Ok(versions)
    }
}

/// How each question of the latest version was answered over `given` (answers with
/// the version each answered, judged against that version), with how many attempts
/// there were and how many passed.
pub(super) fn analyse(
    versions: &[(QuizVersion, QuizDefinition)],
    given: &[(QuizVersionId, Answers)],
) -> (u32, u32, Vec<QuestionAnalysis>) {
    let mut analysis: Vec<QuestionAnalysis> = versions
        .last()
        .iter()
        .flat_map(|(_, definition)| &definition.questions)
        .map(|q| QuestionAnalysis { question_id: q.id.clone(), prompt: q.prompt.clone(), answered: 0, correct: 0 })
        .collect();
    let (mut attempts, mut passed) = (0, 0);
    for (version_id, answers) in given {
        let Some((_, definition)) = versions.iter().find(|(version, _)| version.id == *version_id) else { continue };
        let score = definition.score(answers);
        attempts += 1;
        passed += u32::from(score.passed);
        for row in &mut analysis {
            let Some(index) = definition.questions.iter().position(|q| q.id == row.question_id) else { continue };
            row.answered += u32::from(answers.contains_key(&row.question_id));
            row.correct += u32::from(score.correct[index]);
        }
    }
    (attempts, passed, analysis)
}

/// The editor's form parsed into a quiz, every problem named by its place.
fn parse_quiz(input: &QuizInput) -> Result<QuizDefinition, AppError> {
    let mut problems = Vec::new();
    let whole = |raw: &str, field: String, min: i64, max: i64, problems: &mut Vec<ValidationError>| -> u32 {
        match raw.trim().parse::<i64>() {
            Ok(n) if (min..=max).contains(&n) => n as u32,
            Ok(_) => {
                problems.push(ValidationError::new(field, InvalidValue::OutOfRange { min, max }));
                0
            }
            Err(_) => {
                problems.push(ValidationError::new(field, InvalidValue::NotWholeNumber));
                0
            }
        }
    };
    let number = |raw: &str, field: String, problems: &mut Vec<ValidationError>| -> f64 {
        match raw.trim().parse::<f64>() {
            Ok(n) if n.is_finite() => n,
            _ => {
                problems.push(ValidationError::new(field, InvalidValue::NotNumber { value: raw.trim().to_owned() }));
                0.0
            }
        }
    };
    let pass_mark = whole(&input.pass_mark, "pass_mark".into(), 0, 100, &mut problems);
    let mut questions = Vec::with_capacity(input.questions.len());
    for (index, raw) in input.questions.iter().enumerate() {
        let at = |field: &str| format!("questions.{index}.{field}");
        let points = whole(&raw.points, at("points"), 1, i64::from(quiz::MAX_POINTS), &mut problems);
        let options: Vec<String> = raw.options.iter().filter_map(|o| optional_text(o)).collect();
        let kind = match raw.kind {
            QuestionKindName::SingleChoice => QuestionKind::SingleChoice {
                correct: raw.correct_options.first().copied().unwrap_or(u32::MAX),
                options,
            },
            QuestionKindName::MultipleChoice => {
                QuestionKind::MultipleChoice { correct: raw.correct_options.clone(), options }
            }
            QuestionKindName::TrueFalse => QuestionKind::TrueFalse { correct: raw.correct_true },
            QuestionKindName::Number => QuestionKind::Number {
                correct: number(&raw.correct_number, at("correct"), &mut problems),
                tolerance: match raw.tolerance.trim() {
                    "" => 0.0,
                    text => number(text, at("tolerance"), &mut problems),
                },
            },
        };
        // A new question takes the first free "q<n>", so ids stay short and never collide.
        let id = optional_text(&raw.id).unwrap_or_else(|| {
            let taken = |id: &str| {
                input.questions.iter().any(|q| q.id.trim() == id) || questions.iter().any(|q: &Question| q.id == id)
            };
            (1..).map(|n| format!("q{n}")).find(|id| !taken(id)).unwrap_or_default()
        });
        questions.push(Question { id, prompt: raw.prompt.trim().to_owned(), points, kind });
    }
    if !problems.is_empty() {
        return Err(AppError::invalid(problems));
    }
    let definition = QuizDefinition { pass_mark, questions };
    // The rules of a quiz, shared with the server (`QuizDefinition::check`).
    definition.check().map_err(|problem| AppError::invalid(vec![problem]))?;
    Ok(definition)
}

#[cfg(test)]
mod tests {
    use super::super::tests::{form, service, set_up_input};
    use super::*;
    use crate::service::sessions::QuizAnswersInput;
    use crate::service::{today, ContentInput, EnrollTarget, GroupSessionInput};
    use stride_domain::journey::Urgency;
    use stride_domain::quiz::Answer;

    fn question(prompt: &str, kind: QuestionKindName, points: &str) -> QuestionInput {
        QuestionInput {
            id: String::new(),
            prompt: prompt.into(),
            points: points.into(),
            kind,
            options: vec!["Every 20 minutes".into(), "When thirsty".into(), "  ".into()],
            correct_options: vec![0],
            correct_true: true,
            correct_number: "4".into(),
            tolerance: "0.5".into(),
        }
    }

    fn fields(error: &AppError) -> Vec<&str> {
        error.fields.iter().map(|f| f.field.as_str()).collect()
    }

    /// A device with a program whose first touchpoint gives a quiz and whose second is
    /// due only at 60 or more on it; two workers enrolled. Answers the quiz's content,
    /// the program, both touchpoints and the enrollments.
    fn quiz_program(
    ) -> (tempfile::TempDir, Service, ContentId, ProgramId, TouchpointId, TouchpointId, Vec<WorkerAssignmentId>) {
        let (dir, service) = service();
        service.set_up(set_up_input("Lakeside Farms", "254")).unwrap();
        let (first, second) = (TouchpointId::new(), TouchpointId::new());
        let needs_60 = JsonObject::try_from(serde_json::json!({"min_score": {"touchpoint": first, "score": 60}})).ok();
        let program =
            stride_store::fixtures::sample_program(&service.store, &[(first, 1, None), (second, 1, needs_60)]).unwrap();
        let content = service
            .save_content(ContentInput {
                id: None,
                content_type: ContentType::Quiz,
                title: "Safety check".into(),
                description: String::new(),
                media_url: String::new(),
                license_type: None,
            })
            .unwrap();
        let mut touchpoint = service.store.get::<Touchpoint>(&RowKey::of(first)).unwrap().unwrap();
        touchpoint.content_id = content;
        service.store.update(&touchpoint).unwrap();
        for name in ["Amina Wanjiru", "Baraka Otieno"] {
            let worker = service.enroll_worker(form(name, "")).unwrap();
            service.enroll_in_program(program, EnrollTarget::Worker(worker.id)).unwrap();
        }
        let roster = service.roster(program).unwrap().into_iter().map(|e| e.assignment_id).collect();
        (dir, service, content, program, first, second, roster)
    }

    #[test]
    fn a_quiz_is_authored_with_every_problem_named_by_place_and_each_change_is_a_new_version() {
        let (_dir, service, content, ..) = quiz_program();
        assert!(service.quiz(content).unwrap().latest.is_none());
        let mut bad = question("", QuestionKindName::SingleChoice, "0");
        bad.correct_options = vec![];
        let err = service
            .save_quiz(QuizInput { content_id: content, pass_mark: "120".into(), questions: vec![bad] })
            .unwrap_err();
        assert_eq!(fields(&err), ["pass_mark", "questions.0.points"]);
        let err = service
            .save_quiz(QuizInput {
                content_id: content,
                pass_mark: "60".into(),
                questions: vec![question("", QuestionKindName::SingleChoice, "1")],
            })
            .unwrap_err();
        assert_eq!(fields(&err), ["questions.0.prompt"]);
        let not_a_quiz = service.save_quiz(QuizInput {
            content_id: ContentId::new(),
            pass_mark: "60".into(),
            questions: vec![question("Drink how often?", QuestionKindName::SingleChoice, "1")],
        });
        assert_eq!(fields(&not_a_quiz.unwrap_err()), ["content_id"]);
        assert!(service.quiz(content).unwrap().latest.is_none(), "nothing was written");

        let input = QuizInput {
            content_id: content,
            pass_mark: "60".into(),
            questions: vec![
                question("How often should you drink when it is hot?", QuestionKindName::SingleChoice, "2"),
                question("Shade slows dehydration.", QuestionKindName::TrueFalse, "1"),
                question("Litres a day in the heat?", QuestionKindName::Number, "2"),
            ],
        };
        let saved = service.save_quiz(input).unwrap();
        let latest = saved.latest.unwrap();
        assert_eq!(latest.version_number, 1);
        let ids: Vec<_> = latest.definition.questions.iter().map(|q| q.id.as_str()).collect();
        assert_eq!(ids, ["q1", "q2", "q3"]);
        let QuestionKind::SingleChoice { options, .. } = &latest.definition.questions[0].kind else { panic!() };
        assert_eq!(options.len(), 2, "blank options are dropped");
        assert_eq!(latest.definition.total(), 5);

        // Saved again unchanged: no new version. Changed: version 2, q1 keeps its id.
        let again = |questions: &[Question], pass_mark: &str| QuizInput {
            content_id: content,
            pass_mark: pass_mark.into(),
            questions: questions
                .iter()
                .map(|q| {
                    let mut input = question(&q.prompt, QuestionKindName::TrueFalse, &q.points.to_string());
                    input.id = q.id.clone();
                    match &q.kind {
                        QuestionKind::SingleChoice { options, correct } => {
                            input.kind = QuestionKindName::SingleChoice;
                            input.options = options.clone();
                            input.correct_options = vec![*correct];
                        }
                        QuestionKind::TrueFalse { correct } => input.correct_true = *correct,
                        QuestionKind::Number { correct, tolerance } => {
                            input.kind = QuestionKindName::Number;
                            input.correct_number = correct.to_string();
                            input.tolerance = tolerance.to_string();
                        }
                        QuestionKind::MultipleChoice { .. } => unreachable!(),
                    }
                    input
                })
                .collect(),
        };
        let same = service.save_quiz(again(&latest.definition.questions, "60")).unwrap();
        assert_eq!(same.latest.unwrap().version_number, 1);
        let changed = service.save_quiz(again(&latest.definition.questions, "80")).unwrap().latest.unwrap();
        assert_eq!((changed.version_number, changed.definition.pass_mark), (2, 80));
        assert_eq!(service.store.list_all::<QuizVersion>(&[]).unwrap().len(), 2);
    }

    #[test]
    fn answers_given_in_a_session_are_scored_on_the_device_kept_and_analysed_per_question_against_their_version() {
        let (_dir, service, content, program, first, second, roster) = quiz_program();
        let version = |pass_mark: &str, number_right: &str| {
            let mut number = question("Litres a day in the heat?", QuestionKindName::Number, "3");
            number.id = "q2".into();
            number.correct_number = number_right.into();
            let mut choice = question("How often should you drink?", QuestionKindName::SingleChoice, "2");
            choice.id = "q1".into();
            service
                .save_quiz(QuizInput {
                    content_id: content,
                    pass_mark: pass_mark.into(),
                    questions: vec![choice, number],
                })
                .unwrap()
                .latest
                .unwrap()
        };
        let v1 = version("60", "4");
        assert_eq!(service.touchpoint_quiz(first).unwrap().unwrap().id, v1.id);
        assert!(service.touchpoint_quiz(second).unwrap().is_none(), "a video gives no quiz");
        let answers = |choice: u32, litres: f64| {
            Answers::from([("q1".to_owned(), Answer::Choice(choice)), ("q2".to_owned(), Answer::Number(litres))])
        };
        assert_eq!(service.score_quiz(v1.id, &answers(0, 3.6)).unwrap().points, 5);

        // Amina takes it herself and gets both right; Baraka's answers are entered: one right.
        let mut session = GroupSessionInput::present(program, first, &roster, "");
        session.lines[0].quiz =
            Some(QuizAnswersInput { version_id: v1.id, answers: answers(0, 4.2), taken_by: QuizTaker::Worker });
        session.lines[1].quiz =
            Some(QuizAnswersInput { version_id: v1.id, answers: answers(0, 9.0), taken_by: QuizTaker::Coordinator });
        session.lines[1].score = "99".into();
        let recorded = service.record_group_session(session, today()).unwrap();
        let lines = service.group_session(recorded.id, today()).unwrap().lines;
        assert_eq!(lines[0].line.score.map(Score::value), Some(100.0), "the score is the quiz's percentage");
        assert_eq!(lines[1].line.score.map(Score::value), Some(40.0), "the quiz's score, not the one typed");
        let attempt = lines[0].line.attempt.as_ref().unwrap();
        assert_eq!((attempt.points, attempt.total, attempt.taken_by), (5, 5, QuizTaker::Worker));
        assert_eq!(attempt.answers, answers(0, 4.2));

        // The min_score rule reads the quiz's score: the next touchpoint is due for Amina only.
        let next = |who: usize| {
            let worker = service.store.get::<WorkerAssignment>(&RowKey::of(roster[who])).unwrap().unwrap().worker_id;
            service.worker_page(worker, today()).unwrap().next
        };
        assert_eq!(next(0).first().map(|n| (n.touchpoint_id, n.urgency)), Some((second, Urgency::Today)));
        assert!(next(1).iter().all(|n| n.touchpoint_id != second));

        // The quiz changes (the right number is now 9): earlier answers keep their version.
        let v2 = version("60", "9");
        assert_eq!(v2.version_number, 2);
        let overview = service.quiz(content).unwrap();
        assert_eq!((overview.attempts, overview.passed), (2, 1));
        let analysis: Vec<_> =
            overview.analysis.iter().map(|a| (a.question_id.as_str(), a.answered, a.correct)).collect();
        assert_eq!(analysis, [("q1", 2, 2), ("q2", 2, 1)], "Baraka's 9 was wrong in the version he took");

        // Answers of a quiz the touchpoint does not give are refused by line.
        let mut stray = GroupSessionInput::present(program, second, &roster[..1], "");
        stray.lines[0].quiz =
            Some(QuizAnswersInput { version_id: v1.id, answers: answers(0, 4.0), taken_by: QuizTaker::Worker });
        let err = service.record_group_session(stray, today()).unwrap_err();
        assert_eq!(fields(&err), [format!("quiz.{}", roster[0]).as_str()]);
    }
}

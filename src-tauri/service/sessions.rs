//! A group session as a coordinator records it: every worker on the program's roster,
//! present or absent, and for each one present their own score, feedback and
//! reflection, from the session's start to its end, in one commit. The same day it can
//! be corrected: the correction is an edit of the same rows, synced like any other.

use super::{optional_text, Service};
use crate::error::AppError;
use serde::{Deserialize, Serialize};
use std::collections::HashSet;
use stride_domain::journey::Day;
use stride_domain::quiz::{Answers, QuizDefinition};
use stride_domain::*;
use stride_store::{Filter, SessionAttempt, SessionLine, SessionSummary};
use ts_rs::TS;

/// A session may start this far ahead of the device's clock (another device's, say).
const CLOCK_SLACK_MS: i64 = 5 * 60 * 1000;

/// What the session form sends: raw text where a person types.
#[derive(Debug, Clone, Deserialize, TS)]
pub struct GroupSessionInput {
    /// None for a new session; a session of today to correct it.
    pub session_id: Option<GroupSessionId>,
    pub program_id: ProgramId,
    pub touchpoint_id: TouchpointId,
    /// When the session began (the form opened); it ends when it is recorded.
    pub started_at: Timestamp,
    /// One line per worker on the roster.
    pub lines: Vec<SessionLineInput>,
}

#[derive(Debug, Clone, Deserialize, TS)]
pub struct SessionLineInput {
    pub assignment_id: WorkerAssignmentId,
    pub present: bool,
    /// 0–100, or empty for none.
    pub score: String,
    pub feedback: String,
    pub reflection: String,
    /// On a quiz's touchpoint: the worker's answers, which give the score.
    #[serde(default)]
    pub quiz: Option<QuizAnswersInput>,
}

#[derive(Debug, Clone, Deserialize, TS)]
pub struct QuizAnswersInput {
    /// The version the worker was given.
    pub version_id: QuizVersionId,
    pub answers: Answers,
    pub taken_by: QuizTaker,
}

/// A recorded session, with its workers by name: what the form shows to correct it.
#[derive(Debug, Clone, PartialEq, Serialize, TS)]
pub struct SessionRecord {
    pub summary: SessionSummary,
    /// Whether it may still be corrected (it was held today).
    pub correctable: bool,
    pub lines: Vec<NamedSessionLine>,
}

#[derive(Debug, Clone, PartialEq, Serialize, TS)]
pub struct NamedSessionLine {
    pub name: String,
    pub phone: Option<String>,
    pub line: SessionLine,
}

/// A session of today, named for the list that offers to correct it.
#[derive(Debug, Clone, PartialEq, Serialize, TS)]
pub struct SessionOfToday {
    pub summary: SessionSummary,
    pub program: String,
    pub touchpoint: Option<String>,
}

impl GroupSessionInput {
    /// A new session starting now, with `present` there and everyone else unlisted.
    #[cfg(test)]
    #[allow(clippy::disallowed_methods)] // a test's session starts by the wall clock
    pub fn present(
        program_id: ProgramId,
        touchpoint_id: TouchpointId,
        present: &[WorkerAssignmentId],
        score: &str,
    ) -> Self {
        let line = |assignment_id| SessionLineInput {
            assignment_id,
            present: true,
            score: score.into(),
            feedback: String::new(),
            reflection: String::new(),
            quiz: None,
        };
        Self {
            session_id: None,
            program_id,
            touchpoint_id,
            started_at: Timestamp::now(),
            lines: present.iter().copied().map(line).collect(),
        }
    }
}

impl Service {
    /// Records a session (or corrects one of today) in one commit: the session, every
    /// line's attendance, and each present worker's progress. Answers the session.
    pub fn record_group_session(&self, input: GroupSessionInput, day: Day) -> Result<SessionSummary, AppError> {
        self.require_write(EntityKind::GroupSessions)?;
        let store = &self.store;
        let now = store.now();
        let mut problems = Vec::new();
        let stored = match input.session_id {
            None => None,
            Some(id) => match store.get::<GroupSession>(&RowKey::of(id))? {
                None => {
                    problems.push(ValidationError::new("session_id", InvalidValue::NotSessionOnDevice));
                    None
                }
                Some(session) if session.started_at < day.starts => {
                    return Err(AppError::invalid(vec![ValidationError::new(
                        "session_id",
                        InvalidValue::SessionClosed,
                    )]));
                }
                Some(session) => Some(session),
            },
        };
        if let Some(session) = &stored {
            if session.program_id != input.program_id {
                problems.push(ValidationError::new("program_id", InvalidValue::Unchangeable));
            }
            if session.touchpoint_id != input.touchpoint_id {
                problems.push(ValidationError::new("touchpoint_id", InvalidValue::Unchangeable));
            }
        }
        if store.get::<Program>(&RowKey::of(input.program_id))?.is_none() {
            problems.push(ValidationError::new("program_id", InvalidValue::NotProgramOnDevice));
        } else if !self.program_touchpoints(input.program_id)?.contains(&input.touchpoint_id) {
            problems.push(ValidationError::new("touchpoint_id", InvalidValue::NotProgramTouchpoint));
        }
        if stored.is_none() && input.started_at.millis() > now.millis() + CLOCK_SLACK_MS {
            problems.push(ValidationError::new("started_at", InvalidValue::InFuture));
        }
        let enrolled: HashSet<WorkerAssignmentId> = store
            .list_all::<WorkerAssignment>(&[Filter::new("program_id", input.program_id.to_string())])?
            .into_iter()
            .map(|enrollment| enrollment.id)
            .collect();
        // The quiz versions the touchpoint gives, to score answers against.
        let quiz_of = |id: QuizVersionId| -> Result<Option<QuizDefinition>, AppError> {
            let touchpoint = store.get::<Touchpoint>(&RowKey::of(input.touchpoint_id))?;
            match self.quiz_version(id) {
                Ok((version, definition)) if touchpoint.is_some_and(|t| t.content_id == version.content_id) => {
                    Ok(Some(definition))
                }
                Ok(_) | Err(AppError { code: crate::error::ErrorCode::InvalidInput, .. }) => Ok(None),
                Err(other) => Err(other),
            }
        };
        let mut quizzes = Vec::new();
        for line in &input.lines {
            if let Some(answers) = &line.quiz {
                if !quizzes.iter().any(|(id, _)| *id == answers.version_id) {
                    quizzes.push((answers.version_id, quiz_of(answers.version_id)?));
                }
            }
        }
        let lines = parse_lines(&input.lines, &enrolled, &quizzes, &mut problems);
        if !lines.iter().any(|line| line.status == AttendanceStatus::Present) {
            problems.push(ValidationError::new("present", InvalidValue::NobodyPresent));
        }
        if !problems.is_empty() {
            return Err(AppError::invalid(problems));
        }
        let organization_id = store.device().organization_id.ok_or(stride_store::StoreError::NoOrganization)?;
        let recorded_by = self.user_id()?;
        let session = match stored {
            // A correction keeps when the session was held and who held it.
            Some(session) => session,
            None => GroupSession {
                id: GroupSessionId::new(),
                organization_id,
                program_id: input.program_id,
                touchpoint_id: input.touchpoint_id,
                started_at: input.started_at.min(now),
                completed_at: now,
                recorded_by,
                created_at: now,
                updated_at: now,
            },
        };
        store.write(|w| {
            let present = w.record_session(&session, &lines)?;
            // Badges earned by this session are awarded with it, offline.
            w.award_earned_badges(&present)?;
            Ok(())
        })?;
        let summary = self.session_summary(&session)?;
        Ok(summary)
    }

    /// A recorded session with its workers' lines, by name.
    pub fn group_session(&self, id: GroupSessionId, day: Day) -> Result<SessionRecord, AppError> {
        let key = RowKey::of(id);
        let session = self
            .store
            .get::<GroupSession>(&key)?
            .ok_or(stride_store::StoreError::NotFound { entity: EntityKind::GroupSessions, key })?;
        let mut lines = Vec::new();
        for line in self.store.session_lines(id)? {
            let enrollment = self.store.get::<WorkerAssignment>(&RowKey::of(line.assignment_id))?;
            let worker = match enrollment {
                Some(enrollment) => self.store.get::<Worker>(&RowKey::of(enrollment.worker_id))?,
                None => None,
            };
            lines.push(NamedSessionLine {
                name: worker.as_ref().map(|w| w.full_name.to_string()).unwrap_or_default(),
                phone: worker.and_then(|w| w.phone_number).map(|p| p.to_string()),
                line,
            });
        }
        Ok(SessionRecord {
            correctable: session.started_at >= day.starts,
            summary: self.session_summary(&session)?,
            lines,
        })
    }

    /// The sessions held today, the latest first, named by program and touchpoint.
    pub fn sessions_of_today(&self, day: Day) -> Result<Vec<SessionOfToday>, AppError> {
        let mut sessions = Vec::new();
        for summary in self.store.sessions_between(day.starts, day.ends)? {
            let program = self.store.get::<Program>(&RowKey::of(summary.program_id))?;
            let touchpoint = self.store.get::<Touchpoint>(&RowKey::of(summary.touchpoint_id))?;
            let content = match touchpoint {
                Some(touchpoint) => self.store.get::<Content>(&RowKey::of(touchpoint.content_id))?,
                None => None,
            };
            sessions.push(SessionOfToday {
                program: program.map(|p| p.name.to_string()).unwrap_or_default(),
                touchpoint: content.and_then(|c| c.title).map(|t| t.to_string()),
                summary,
            });
        }
        Ok(sessions)
    }

    fn session_summary(&self, session: &GroupSession) -> Result<SessionSummary, AppError> {
        let key = RowKey::of(session.id);
        Ok(self
            .store
            .session_summary(session.id)?
            .ok_or(stride_store::StoreError::NotFound { entity: EntityKind::GroupSessions, key })?)
    }
}

/// Each line parsed into a session line; problems are named `field.assignment`.
fn parse_lines(
    raw: &[SessionLineInput],
    enrolled: &HashSet<WorkerAssignmentId>,
    quizzes: &[(QuizVersionId, Option<QuizDefinition>)],
    problems: &mut Vec<ValidationError>,
) -> Vec<SessionLine> {
    let mut seen = HashSet::new();
    let mut lines = Vec::with_capacity(raw.len());
    for line in raw {
        let field = |name: &str| format!("{name}.{}", line.assignment_id);
        if !seen.insert(line.assignment_id) {
            problems.push(ValidationError::new(field("line"), InvalidValue::WorkerTwice));
            continue;
        }
        if !enrolled.contains(&line.assignment_id) {
            problems.push(ValidationError::new(field("line"), InvalidValue::NotOnRoster));
            continue;
        }
        let mut score = match line.score.trim() {
            "" => None,
            text => Score::parse(text).map_err(|problem| problems.push(problem.in_field(&field("score")))).ok(),
        };
        // Answers give the score, scored here on the device against their version.
        let attempt = line.quiz.as_ref().and_then(|given| {
            let found = quizzes.iter().find(|(id, _)| *id == given.version_id).and_then(|(_, quiz)| quiz.as_ref());
            let Some(quiz) = found else {
                problems.push(ValidationError::new(field("quiz"), InvalidValue::NotQuizOnDevice));
                return None;
            };
            let scored = quiz.score(&given.answers);
            score = Some(scored.percent);
            Some(SessionAttempt {
                quiz_version_id: given.version_id,
                answers: given.answers.clone(),
                points: scored.points,
                total: scored.total,
                taken_by: given.taken_by,
            })
        });
        let (feedback, reflection) = (optional_text(&line.feedback), optional_text(&line.reflection));
        let status = if line.present { AttendanceStatus::Present } else { AttendanceStatus::Absent };
        if !line.present && (score.is_some() || feedback.is_some() || reflection.is_some()) {
            problems.push(ValidationError::new(field("score"), InvalidValue::ResultForAbsent));
        }
        lines.push(SessionLine { assignment_id: line.assignment_id, status, score, feedback, reflection, attempt });
    }
    lines
}

#[cfg(test)]
mod tests {
    use super::super::tests::{form, service, set_up_input};
    use super::*;
    use crate::error::ErrorCode;
    use crate::service::{today, EnrollTarget};

    /// A set-up device with a program of one touchpoint and three workers enrolled in
    /// it; answers the program, the touchpoint and the enrollments by name.
    fn session_ready() -> (tempfile::TempDir, Service, ProgramId, TouchpointId, Vec<WorkerAssignmentId>) {
        let (dir, service) = service();
        service.set_up(set_up_input("Lakeside Farms", "254")).unwrap();
        let touchpoint = TouchpointId::new();
        let program = stride_store::fixtures::sample_program(&service.store, &[(touchpoint, 1, None)]).unwrap();
        for name in ["Amina Wanjiru", "Baraka Otieno", "Chebet Kosgei"] {
            let worker = service.enroll_worker(form(name, "")).unwrap();
            service.enroll_in_program(program, EnrollTarget::Worker(worker.id)).unwrap();
        }
        let roster = service.roster(program).unwrap().into_iter().map(|entry| entry.assignment_id).collect();
        (dir, service, program, touchpoint, roster)
    }

    fn line(
        assignment_id: WorkerAssignmentId,
        present: bool,
        score: &str,
        feedback: &str,
        reflection: &str,
    ) -> SessionLineInput {
        SessionLineInput {
            assignment_id,
            present,
            score: score.into(),
            feedback: feedback.into(),
            reflection: reflection.into(),
            quiz: None,
        }
    }

    fn fields(error: &AppError) -> Vec<String> {
        error.fields.iter().map(|f| f.field.clone()).collect()
    }

    #[test]
    fn a_session_records_each_worker_present_with_their_own_result_and_the_absent_as_absent() {
        let (_dir, service, program, touchpoint, roster) = session_ready();
        // Forty minutes ago, but today: just after midnight, forty minutes ago is
        // yesterday, whose sessions are no longer correctable.
        let forty_minutes_ago = service.store.now().millis() - 40 * 60 * 1000;
        let started_at = Timestamp::from_millis(forty_minutes_ago.max(today().starts.millis())).unwrap();
        let input = GroupSessionInput {
            session_id: None,
            program_id: program,
            touchpoint_id: touchpoint,
            started_at,
            lines: vec![
                line(roster[0], true, "90", "Led the drill", "I will bend my knees"),
                line(roster[1], true, "", "", ""),
                line(roster[2], false, "", "", ""),
            ],
        };
        let before = service.status().unwrap().pending_changes;
        let summary = service.record_group_session(input, today()).unwrap();
        assert_eq!((summary.present, summary.absent), (2, 1));
        assert_eq!(summary.started_at, started_at, "the session's real start");
        assert!(summary.completed_at > started_at);
        // The session, three attendance rows, two progress rows.
        assert_eq!(service.status().unwrap().pending_changes - before, 6);

        let record = service.group_session(summary.id, today()).unwrap();
        assert!(record.correctable);
        let names: Vec<_> = record.lines.iter().map(|l| l.name.as_str()).collect();
        assert_eq!(names, ["Amina Wanjiru", "Baraka Otieno", "Chebet Kosgei"]);
        let amina = &record.lines[0].line;
        assert_eq!(amina.score.map(Score::value), Some(90.0));
        assert_eq!(
            (amina.feedback.as_deref(), amina.reflection.as_deref()),
            (Some("Led the drill"), Some("I will bend my knees"))
        );
        assert_eq!(record.lines[1].line.score, None);
        assert_eq!(record.lines[2].line.status, AttendanceStatus::Absent);
        let progress = service
            .store
            .get::<WorkerProgress>(&RowKey::of(WorkerProgressId::of_session(summary.id, roster[0])))
            .unwrap()
            .unwrap();
        assert_eq!((progress.started_at, progress.completed_at), (Some(started_at), Some(summary.completed_at)));
        assert!(service
            .store
            .get::<WorkerProgress>(&RowKey::of(WorkerProgressId::of_session(summary.id, roster[2])))
            .unwrap()
            .is_none());
        // The sync panel names each waiting row: attendance by its worker, the session by its program.
        let labels: Vec<_> =
            service.sync_details().unwrap().waiting_records.into_iter().filter_map(|record| record.label).collect();
        assert_eq!(labels.iter().filter(|l| *l == "Chebet Kosgei").count(), 3, "worker, enrollment, attendance");
        assert_eq!(labels.iter().filter(|l| *l == "Harvest season").count(), 2, "program, session");
        let today_list = service.sessions_of_today(today()).unwrap();
        assert_eq!(today_list.len(), 1);
        assert_eq!(
            (today_list[0].program.as_str(), today_list[0].touchpoint.as_deref()),
            ("Harvest season", Some("Lifting safely"))
        );
    }

    #[test]
    fn a_correction_the_same_day_edits_the_rows_it_wrote_and_a_worker_marked_absent_loses_the_result() {
        let (_dir, service, program, touchpoint, roster) = session_ready();
        let mut input = GroupSessionInput::present(program, touchpoint, &roster, "70");
        let first = service.record_group_session(input.clone(), today()).unwrap();
        let progress_rows = || service.store.list_all::<WorkerProgress>(&[]).unwrap().len();
        assert_eq!(progress_rows(), 3);

        input.session_id = Some(first.id);
        input.lines[0].score = "75".into();
        input.lines[2] = line(roster[2], false, "", "", "");
        let before = service.status().unwrap().pending_changes;
        let corrected = service.record_group_session(input, today()).unwrap();
        assert_eq!(corrected.id, first.id, "a correction is the same session");
        assert_eq!((corrected.started_at, corrected.completed_at), (first.started_at, first.completed_at));
        assert_eq!((corrected.present, corrected.absent), (2, 1));
        assert_eq!(progress_rows(), 2, "no second row; the absent worker's result is gone");
        assert_eq!(service.store.list_all::<GroupSession>(&[]).unwrap().len(), 1);
        // One score edit, one attendance edit, one progress delete: edits that sync.
        assert_eq!(service.status().unwrap().pending_changes - before, 3);
        let lines = service.group_session(first.id, today()).unwrap().lines;
        assert_eq!(lines[0].line.score.map(Score::value), Some(75.0));

        // Another day, it is closed: the window of correction is the day it was held.
        let tomorrow = Day {
            starts: Timestamp::from_millis(today().ends.millis()).unwrap(),
            ends: Timestamp::from_millis(today().ends.millis() + 86_400_000).unwrap(),
        };
        let mut late = GroupSessionInput::present(program, touchpoint, &roster, "99");
        late.session_id = Some(first.id);
        let err = service.record_group_session(late, tomorrow).unwrap_err();
        assert_eq!((err.code, fields(&err)), (ErrorCode::InvalidInput, vec!["session_id".to_owned()]));
        assert!(!service.group_session(first.id, tomorrow).unwrap().correctable);
    }

    #[test]
    fn every_problem_of_the_form_is_named_by_its_line_and_nothing_is_written_until_all_are_right() {
        let (_dir, service, program, touchpoint, roster) = session_ready();
        let stranger = WorkerAssignmentId::new();
        let input = GroupSessionInput {
            session_id: None,
            program_id: program,
            touchpoint_id: TouchpointId::new(),
            started_at: Timestamp::from_millis(service.store.now().millis() + 3_600_000).unwrap(),
            lines: vec![
                line(roster[0], true, "150", "", ""),
                line(roster[0], true, "", "", ""),
                line(roster[1], false, "60", "", ""),
                line(stranger, true, "", "", ""),
            ],
        };
        let before = service.status().unwrap().pending_changes;
        let err = service.record_group_session(input, today()).unwrap_err();
        assert_eq!(err.code, ErrorCode::InvalidInput);
        assert_eq!(
            fields(&err),
            [
                "touchpoint_id".to_owned(),
                "started_at".to_owned(),
                format!("score.{}", roster[0]),
                format!("line.{}", roster[0]),
                format!("score.{}", roster[1]),
                format!("line.{stranger}"),
            ]
        );
        assert_eq!(service.status().unwrap().pending_changes, before);

        let nobody = GroupSessionInput {
            lines: vec![line(roster[0], false, "", "", "")],
            ..GroupSessionInput::present(program, touchpoint, &[], "")
        };
        let err = service.record_group_session(nobody, today()).unwrap_err();
        assert_eq!(fields(&err), ["present"]);
        let unknown = GroupSessionInput {
            session_id: Some(GroupSessionId::new()),
            ..GroupSessionInput::present(program, touchpoint, &roster, "")
        };
        assert_eq!(fields(&service.record_group_session(unknown, today()).unwrap_err()), ["session_id"]);
        assert_eq!(service.status().unwrap().pending_changes, before);
    }
}

//! Group sessions, the one way they are written and read back: the session row, one
//! attendance row for every worker on its roster, and each present worker's progress
//! (`WorkerProgressId::of_session`), all in the caller's transaction. Recording the same
//! session again is a correction: rows that changed are edits, a worker now absent loses
//! the progress the session gave them, and nothing is written twice.

use crate::codec::{id_column, timestamp_column};
use crate::{Result, Store, Writer};
use serde::Serialize;
use stride_domain::quiz::{answers_object, parse_answers, Answers};
use stride_domain::{
    AttendanceStatus, GroupSession, GroupSessionId, ProgramId, QuizAttempt, QuizAttemptId, QuizTaker, QuizVersionId,
    RowKey, Score, SessionAttendance, Timestamp, TouchpointId, WorkerAssignmentId, WorkerId, WorkerProgress,
    WorkerProgressId,
};
use ts_rs::TS;

/// One worker's line of a session.
#[derive(Debug, Clone, PartialEq, Serialize, TS)]
pub struct SessionLine {
    pub assignment_id: WorkerAssignmentId,
    pub status: AttendanceStatus,
    pub score: Option<Score>,
    pub feedback: Option<String>,
    pub reflection: Option<String>,
    /// On a quiz's touchpoint, the answers behind the score.
    pub attempt: Option<SessionAttempt>,
}

/// A worker's answers to a session's quiz, scored against the version they were given.
#[derive(Debug, Clone, PartialEq, Serialize, TS)]
pub struct SessionAttempt {
    pub quiz_version_id: QuizVersionId,
    pub answers: Answers,
    pub points: u32,
    pub total: u32,
    pub taken_by: QuizTaker,
}

/// A session as a list shows it.
#[derive(Debug, Clone, PartialEq, Serialize, TS)]
pub struct SessionSummary {
    pub id: GroupSessionId,
    pub program_id: ProgramId,
    pub touchpoint_id: TouchpointId,
    pub started_at: Timestamp,
    pub completed_at: Timestamp,
    pub present: u32,
    pub absent: u32,
}

impl Writer<'_, '_> {
    /// Writes `session` and its lines in this transaction; returns the workers present
    /// (whose badges may have changed). A line of the session not in `lines` is left as
    /// it is.
    pub fn record_session(&mut self, session: &GroupSession, lines: &[SessionLine]) -> Result<Vec<WorkerId>> {
        let now = self.now();
        let key = RowKey::of(session.id);
        match self.get::<GroupSession>(&key)? {
            Some(stored) => {
                self.update(&GroupSession { created_at: stored.created_at, ..session.clone() })?;
            }
            None => self.create(session)?,
        }
        let mut present = Vec::new();
        for line in lines {
            let attendance_key = RowKey::pair(session.id, line.assignment_id);
            let attendance = SessionAttendance {
                group_session_id: session.id,
                worker_assignment_id: line.assignment_id,
                organization_id: session.organization_id,
                status: line.status,
                reflection_text: line.reflection.clone(),
                created_at: now,
                updated_at: now,
            };
            match self.get::<SessionAttendance>(&attendance_key)? {
                Some(stored) => {
                    self.update(&SessionAttendance { created_at: stored.created_at, ..attendance })?;
                }
                None => self.create(&attendance)?,
            }
            let progress_key = RowKey::of(WorkerProgressId::of_session(session.id, line.assignment_id));
            let stored = self.get::<WorkerProgress>(&progress_key)?;
            match (line.status, stored) {
                (AttendanceStatus::Present, stored) => {
                    let progress = WorkerProgress {
                        id: WorkerProgressId::of_session(session.id, line.assignment_id),
                        worker_assignment_id: line.assignment_id,
                        touchpoint_id: session.touchpoint_id,
                        organization_id: session.organization_id,
                        started_at: Some(session.started_at),
                        completed_at: Some(session.completed_at),
                        score: line.score,
                        feedback_text: line.feedback.clone(),
                        created_at: stored.as_ref().map_or(now, |p| p.created_at),
                        updated_at: now,
                    };
                    if stored.is_some() {
                        self.update(&progress)?;
                    } else {
                        self.create(&progress)?;
                    }
                    self.record_attempt(&progress, line.attempt.as_ref())?;
                    if let Some(enrollment) =
                        self.get::<stride_domain::WorkerAssignment>(&RowKey::of(line.assignment_id))?
                    {
                        present.push(enrollment.worker_id);
                    }
                }
                (AttendanceStatus::Absent, Some(_)) => self.delete::<WorkerProgress>(&progress_key)?,
                (AttendanceStatus::Absent, None) => {}
            }
        }
        Ok(present)
    }
}

impl Writer<'_, '_> {
    /// Writes (or clears) the answers behind a progress record.
    fn record_attempt(&mut self, progress: &WorkerProgress, attempt: Option<&SessionAttempt>) -> Result<()> {
        let key = RowKey::of(QuizAttemptId::of_progress(progress.id));
        let stored = self.get::<QuizAttempt>(&key)?;
        let Some(attempt) = attempt else {
            if stored.is_some() {
                self.delete::<QuizAttempt>(&key)?;
            }
            return Ok(());
        };
        let count = |n: u32| i32::try_from(n).unwrap_or(i32::MAX);
        let row = QuizAttempt {
            id: QuizAttemptId::of_progress(progress.id),
            worker_progress_id: progress.id,
            quiz_version_id: attempt.quiz_version_id,
            organization_id: progress.organization_id,
            answers: answers_object(&attempt.answers),
            points: count(attempt.points),
            total: count(attempt.total),
            taken_by: attempt.taken_by,
            created_at: stored.as_ref().map_or(self.now(), |a| a.created_at),
            updated_at: self.now(),
        };
        if stored.is_some() {
            self.update(&row)?;
        } else {
            self.create(&row)?;
        }
        Ok(())
    }
}

impl Store {
    /// The lines of a session, in the order of its workers' names.
    pub fn session_lines(&self, session: GroupSessionId) -> Result<Vec<SessionLine>> {
        // The progress row's id follows from the pair, so it is read by key.
        let attendance = self.with_conn(|conn| {
            let mut statement = conn.prepare_cached(
                "SELECT a.worker_assignment_id, a.status, a.reflection_text
                 FROM session_attendance a
                 JOIN worker_assignments e ON e.id = a.worker_assignment_id
                 JOIN workers w ON w.id = e.worker_id
                 WHERE a.group_session_id = ?1 AND a.deleted_at IS NULL
                 ORDER BY w.full_name COLLATE NOCASE, w.id",
            )?;
            let mut rows = statement.query([session.to_string()])?;
            let mut found = Vec::new();
            while let Some(row) = rows.next()? {
                let assignment: WorkerAssignmentId = id_column(row, 0, "enrollment")?;
                let status: String = row.get(1)?;
                let reflection: Option<String> = row.get(2)?;
                found.push((assignment, status, reflection));
            }
            Ok(found)
        })?;
        let mut lines = Vec::with_capacity(attendance.len());
        for (assignment_id, status, reflection) in attendance {
            let status = status.parse().map_err(|_| crate::StoreError::CorruptRecord {
                what: "attendance".into(),
                problem: format!("status {status:?}"),
            })?;
            let progress_id = WorkerProgressId::of_session(session, assignment_id);
            let progress = self.get::<WorkerProgress>(&RowKey::of(progress_id))?;
            let attempt = match &progress {
                Some(_) => self.get::<QuizAttempt>(&RowKey::of(QuizAttemptId::of_progress(progress_id)))?,
                None => None,
            };
            lines.push(SessionLine {
                assignment_id,
                status,
                score: progress.as_ref().and_then(|p| p.score),
                feedback: progress.and_then(|p| p.feedback_text),
                reflection,
                attempt: attempt.and_then(|a| {
                    Some(SessionAttempt {
                        quiz_version_id: a.quiz_version_id,
                        // Answers this version cannot read are not shown as if none were given.
                        answers: parse_answers(&a.answers).ok()?,
                        points: u32::try_from(a.points).ok()?,
                        total: u32::try_from(a.total).ok()?,
                        taken_by: a.taken_by,
                    })
                }),
            });
        }
        Ok(lines)
    }

    /// The sessions that started in `[from, to)`, the latest first, with how many came.
    pub fn sessions_between(&self, from: Timestamp, to: Timestamp) -> Result<Vec<SessionSummary>> {
        self.summaries("s.started_at >= ?1 AND s.started_at < ?2", &[from.to_string(), to.to_string()])
    }

    /// One live session, with how many came.
    pub fn session_summary(&self, session: GroupSessionId) -> Result<Option<SessionSummary>> {
        Ok(self.summaries("s.id = ?1", &[session.to_string()])?.pop())
    }

    /// The live sessions `condition` selects, the latest first, counted in one query.
    fn summaries(&self, condition: &str, params: &[String]) -> Result<Vec<SessionSummary>> {
        self.with_conn(|conn| {
            let sql = format!(
                "SELECT s.id, s.program_id, s.touchpoint_id, s.started_at, s.completed_at,
                        count(a.status) FILTER (WHERE a.status = 'present'),
                        count(a.status) FILTER (WHERE a.status = 'absent')
                 FROM group_sessions s
                 LEFT JOIN session_attendance a ON a.group_session_id = s.id AND a.deleted_at IS NULL
                 WHERE s.deleted_at IS NULL AND {condition}
                 GROUP BY s.id
                 ORDER BY s.started_at DESC, s.id"
            );
            let mut statement = conn.prepare_cached(&sql)?;
            let mut rows = statement.query(rusqlite::params_from_iter(params))?;
            let mut sessions = Vec::new();
            while let Some(row) = rows.next()? {
                sessions.push(SessionSummary {
                    id: id_column(row, 0, "session")?,
                    program_id: id_column(row, 1, "program")?,
                    touchpoint_id: id_column(row, 2, "touchpoint")?,
                    started_at: timestamp_column(row, 3, "session")?,
                    completed_at: timestamp_column(row, 4, "session")?,
                    present: row.get(5)?,
                    absent: row.get(6)?,
                });
            }
            Ok(sessions)
        })
    }
}

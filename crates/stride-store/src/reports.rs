//! The figures of a program's report, read from the device in a few aggregate queries:
//! enrollments by state, sessions and attendance, completions and scores per
//! touchpoint, who completed what (for phases), badges held by the program's workers,
//! and the answers given to a quiz touchpoint. Every list is in a fixed order, so the
//! same data gives the same report on every device.

use crate::codec::id_column;
use crate::{Result, Store};
use stride_domain::quiz::{parse_answers, Answers};
use stride_domain::{AssignmentStatus, IdMap, IdSet, ProgramId, QuizVersionId, TouchpointId, WorkerAssignmentId};

/// One touchpoint's figures in a program.
#[derive(Debug, Clone, Copy, PartialEq, Default)]
pub struct TouchpointFigures {
    /// Enrollments with a completed record of it.
    pub completed: u32,
    /// Scores recorded on it, and their sum.
    pub scored: u32,
    pub score_sum: f64,
}

/// A program's figures as stored.
#[derive(Debug, Clone, PartialEq, Default)]
pub struct ProgramFigures {
    pub enrollments: Vec<(AssignmentStatus, u32)>,
    pub sessions: u32,
    pub present: u32,
    pub absent: u32,
    pub touchpoints: IdMap<TouchpointId, TouchpointFigures>,
    /// Per enrollment, the touchpoints it completed.
    pub completions: IdMap<WorkerAssignmentId, IdSet<TouchpointId>>,
    /// Badges held by the program's enrolled workers: name and holders, by name.
    pub badges: Vec<(String, u32)>,
}

impl Store {
    /// The figures of `program`'s report (its live enrollments of live workers).
    pub fn program_figures(&self, program: ProgramId) -> Result<ProgramFigures> {
        let id = program.to_string();
        self.with_conn(|conn| {
            let mut figures = ProgramFigures::default();
            let mut statement = conn.prepare_cached(
                "SELECT a.status, count(*) FROM worker_assignments a
                 JOIN workers w ON w.id = a.worker_id AND w.deleted_at IS NULL
                 WHERE a.program_id = ?1 AND a.deleted_at IS NULL GROUP BY a.status ORDER BY a.status",
            )?;
            let mut rows = statement.query([&id])?;
            while let Some(row) = rows.next()? {
                let status: String = row.get(0)?;
                if let Ok(status) = status.parse() {
                    figures.enrollments.push((status, row.get(1)?));
                }
            }
            (figures.sessions, figures.present, figures.absent) = conn.query_row(
                "SELECT count(DISTINCT s.id),
                        count(a.status) FILTER (WHERE a.status = 'present'),
                        count(a.status) FILTER (WHERE a.status = 'absent')
                 FROM group_sessions s
                 LEFT JOIN session_attendance a ON a.group_session_id = s.id AND a.deleted_at IS NULL
                 WHERE s.program_id = ?1 AND s.deleted_at IS NULL",
                [&id],
                |row| Ok((row.get(0)?, row.get(1)?, row.get(2)?)),
            )?;
            let mut statement = conn.prepare_cached(
                "SELECT p.worker_assignment_id, p.touchpoint_id, p.completed_at IS NOT NULL, p.score
                 FROM worker_progress p
                 JOIN worker_assignments a ON a.id = p.worker_assignment_id AND a.deleted_at IS NULL
                 JOIN workers w ON w.id = a.worker_id AND w.deleted_at IS NULL
                 WHERE a.program_id = ?1 AND p.deleted_at IS NULL",
            )?;
            let mut rows = statement.query([&id])?;
            while let Some(row) = rows.next()? {
                let assignment: WorkerAssignmentId = id_column(row, 0, "enrollment")?;
                let touchpoint: TouchpointId = id_column(row, 1, "touchpoint")?;
                let completed: bool = row.get(2)?;
                let score: Option<f64> = row.get(3)?;
                let entry = figures.touchpoints.entry(touchpoint).or_default();
                if let Some(score) = score {
                    entry.scored += 1;
                    entry.score_sum += score;
                }
                if completed && figures.completions.entry(assignment).or_default().insert(touchpoint) {
                    entry.completed += 1;
                }
            }
            let mut statement = conn.prepare_cached(
                "SELECT b.name, count(DISTINCT wb.worker_id) FROM badges b
                 JOIN worker_badges wb ON wb.badge_id = b.id AND wb.deleted_at IS NULL
                 JOIN worker_assignments a ON a.worker_id = wb.worker_id AND a.program_id = ?1 AND a.deleted_at IS NULL
                 JOIN workers w ON w.id = wb.worker_id AND w.deleted_at IS NULL
                 WHERE b.deleted_at IS NULL GROUP BY b.id ORDER BY b.name, b.id",
            )?;
            let mut rows = statement.query([&id])?;
            while let Some(row) = rows.next()? {
                figures.badges.push((row.get(0)?, row.get(1)?));
            }
            Ok(figures)
        })
    }

    /// The answers given to `touchpoint`'s quiz by `program`'s workers, with the
    /// version each answered, in a fixed order (answers that do not read are left out).
    pub fn program_quiz_answers(
        &self,
        program: ProgramId,
        touchpoint: TouchpointId,
    ) -> Result<Vec<(QuizVersionId, Answers)>> {
        self.with_conn(|conn| {
            let mut statement = conn.prepare_cached(
                "SELECT q.quiz_version_id, q.answers FROM quiz_attempts q
                 JOIN worker_progress p ON p.id = q.worker_progress_id AND p.deleted_at IS NULL
                 JOIN worker_assignments a ON a.id = p.worker_assignment_id AND a.deleted_at IS NULL
                 WHERE q.deleted_at IS NULL AND a.program_id = ?1 AND p.touchpoint_id = ?2
                 ORDER BY q.id",
            )?;
            let mut rows = statement.query([program.to_string(), touchpoint.to_string()])?;
            let mut found = Vec::new();
            while let Some(row) = rows.next()? {
                let version: QuizVersionId = id_column(row, 0, "quiz version")?;
                let text: String = row.get(1)?;
                let parsed = stride_domain::JsonObject::parse(&text).ok().and_then(|o| parse_answers(&o).ok());
                if let Some(answers) = parsed {
                    found.push((version, answers));
                }
            }
            Ok(found)
        })
    }
}

//! What points, challenges and leaderboards are derived from (`stride_domain::points`
//! says how): the organization's point values, every completed progress record, the
//! badges held, and who a board is for. Nothing derived is stored.

use crate::codec::{id_column, timestamp_column};
use crate::{Result, Store};
use serde::Serialize;
use stride_domain::points::{self, Award, ChallengeProgress, Completion, Points, Scope, Standing};
use stride_domain::{Challenge, IdMap, PointValues, ProgramId, Score, WorkerId};
use ts_rs::TS;

/// A worker's line on a challenge's board: their standing and how far they are.
#[derive(Debug, Clone, PartialEq, Serialize, TS)]
pub struct ChallengeLine {
    pub standing: Standing,
    pub progress: ChallengeProgress,
}

impl Store {
    /// The organization's point values, or the defaults until it sets its own.
    pub fn point_values(&self) -> Result<Points> {
        Ok(self.list_all::<PointValues>(&[])?.first().map(Points::from).unwrap_or_default())
    }

    /// Every completed progress record of live enrollments, in one program or all.
    pub fn completions(&self, program: Option<ProgramId>) -> Result<Vec<Completion>> {
        self.with_conn(|conn| {
            let mut statement = conn.prepare_cached(
                "SELECT a.worker_id, a.program_id, p.touchpoint_id, p.completed_at, p.score
                 FROM worker_progress p
                 JOIN worker_assignments a ON a.id = p.worker_assignment_id AND a.deleted_at IS NULL
                 WHERE p.completed_at IS NOT NULL AND p.deleted_at IS NULL AND (?1 IS NULL OR a.program_id = ?1)",
            )?;
            let mut rows = statement.query([program.map(|p| p.to_string())])?;
            let mut completions = Vec::new();
            while let Some(row) = rows.next()? {
                let score: Option<f64> = row.get(4)?;
                completions.push(Completion {
                    worker: id_column(row, 0, "worker")?,
                    program: id_column(row, 1, "program")?,
                    touchpoint: id_column(row, 2, "touchpoint")?,
                    completed_at: timestamp_column(row, 3, "completion")?,
                    score: score.and_then(|s| Score::new(s).ok()),
                });
            }
            Ok(completions)
        })
    }

    /// Every badge held, with when it was awarded.
    pub fn badge_awards(&self) -> Result<Vec<Award>> {
        self.with_conn(|conn| {
            let mut statement = conn.prepare_cached(
                "SELECT wb.worker_id, wb.awarded_at FROM worker_badges wb
                 JOIN badges b ON b.id = wb.badge_id AND b.deleted_at IS NULL
                 WHERE wb.deleted_at IS NULL",
            )?;
            let mut rows = statement.query([])?;
            let mut awards = Vec::new();
            while let Some(row) = rows.next()? {
                awards.push(Award {
                    worker: id_column(row, 0, "worker")?,
                    awarded_at: timestamp_column(row, 1, "award")?,
                });
            }
            Ok(awards)
        })
    }

    /// The program's enrolled workers (active or completed, not dropped), id and name.
    pub fn enrolled_workers(&self, program: ProgramId) -> Result<Vec<(WorkerId, String)>> {
        self.with_conn(|conn| {
            let mut statement = conn.prepare_cached(
                "SELECT DISTINCT w.id, w.full_name FROM worker_assignments a
                 JOIN workers w ON w.id = a.worker_id AND w.deleted_at IS NULL
                 WHERE a.program_id = ?1 AND a.deleted_at IS NULL AND a.status <> 'dropped'",
            )?;
            let mut rows = statement.query([program.to_string()])?;
            let mut workers = Vec::new();
            while let Some(row) = rows.next()? {
                workers.push((id_column(row, 0, "worker")?, row.get(1)?));
            }
            Ok(workers)
        })
    }

    /// Who a challenge is for: its program's enrolled workers or its segment's members.
    pub fn challenge_audience(&self, challenge: &Challenge) -> Result<Vec<(WorkerId, String)>> {
        if let Some(program) = challenge.program_id {
            return self.enrolled_workers(program);
        }
        let Some(segment) = challenge.segment_id else { return Ok(Vec::new()) };
        let members = self.segment_members(segment)?;
        let names: IdMap<WorkerId, String> = self.with_conn(|conn| {
            let mut statement = conn.prepare_cached("SELECT id, full_name FROM workers WHERE deleted_at IS NULL")?;
            let mut rows = statement.query([])?;
            let mut names = IdMap::default();
            while let Some(row) = rows.next()? {
                names.insert(id_column(row, 0, "worker")?, row.get(1)?);
            }
            Ok(names)
        })?;
        Ok(members.into_iter().filter_map(|id| names.get(&id).map(|name| (id, name.clone()))).collect())
    }

    /// The program's leaderboard by points: its enrolled workers, the first `limit`.
    pub fn leaderboard(&self, program: ProgramId, limit: usize) -> Result<Vec<Standing>> {
        let tallies = points::tallies(
            self.point_values()?,
            &Scope::program(program),
            &self.completions(Some(program))?,
            &self.badge_awards()?,
        );
        let mut board = points::leaderboard(&self.enrolled_workers(program)?, &tallies);
        board.truncate(limit);
        Ok(board)
    }

    /// Each challenge's board: everyone it is for, ranked by the points earned within
    /// it, each with their progress toward its goal. The point values, completions and
    /// badges are read once for all of them (only one program's completions when every
    /// challenge is of that program).
    pub fn challenge_boards(&self, challenges: &[Challenge]) -> Result<Vec<Vec<ChallengeLine>>> {
        if challenges.is_empty() {
            return Ok(Vec::new());
        }
        let first = challenges[0].program_id;
        let program = first.filter(|_| challenges.iter().all(|c| c.program_id == first));
        let (values, completions, awards) = (self.point_values()?, self.completions(program)?, self.badge_awards()?);
        challenges
            .iter()
            .map(|challenge| {
                let tallies = points::tallies(values, &challenge.scope(), &completions, &awards);
                Ok(points::leaderboard(&self.challenge_audience(challenge)?, &tallies)
                    .into_iter()
                    .map(|standing| ChallengeLine { progress: challenge.progress(&standing.tally), standing })
                    .collect())
            })
            .collect()
    }
}

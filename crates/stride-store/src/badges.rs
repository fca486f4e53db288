//! Badges earned by rule, awarded in the transaction that records the progress that
//! earns them (so offline, and never a badge without its progress), and each program's
//! leaderboard.

use crate::codec::id_column;
use crate::{Result, Store, Writer};
use serde::Serialize;
use stride_domain::badge::{Achievement, AwardRule};
use stride_domain::{Badge, BadgeId, Entity, IdSet, Score, WorkerBadge, WorkerId};
use ts_rs::TS;

/// A badge a worker was just awarded.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Awarded {
    pub worker: WorkerId,
    pub badge: BadgeId,
}

impl Writer<'_, '_> {
    /// Awards every badge whose rule these workers now meet and that they do not hold.
    pub fn award_earned_badges(&mut self, workers: &[WorkerId]) -> Result<Vec<Awarded>> {
        let rules: Vec<(Badge, AwardRule)> = {
            let columns = Badge::KIND.spec().columns.iter().map(|c| c.name).collect::<Vec<_>>().join(", ");
            let sql = format!("SELECT {columns} FROM badges WHERE deleted_at IS NULL AND award_rule IS NOT NULL");
            crate::repository::select_rows::<Badge>(self.conn(), Badge::KIND.spec(), &sql, &[])?
                .into_iter()
                // A rule this version cannot read awards nothing rather than guessing.
                .filter_map(|badge| {
                    let rule = AwardRule::parse(badge.award_rule.as_ref()).ok()??;
                    Some((badge, rule))
                })
                .collect()
        };
        if rules.is_empty() {
            return Ok(Vec::new());
        }
        let mut awarded = Vec::new();
        for worker in workers.iter().copied().collect::<IdSet<_>>() {
            let held = self.held_badges(worker)?;
            let achievements = self.achievements(worker)?;
            for (badge, rule) in &rules {
                if !held.contains(&badge.id) && rule.earned(&achievements) {
                    let award = WorkerBadge {
                        worker_id: worker,
                        badge_id: badge.id,
                        organization_id: badge.organization_id,
                        awarded_at: self.now(),
                    };
                    self.create(&award)?;
                    awarded.push(Awarded { worker, badge: badge.id });
                }
            }
        }
        Ok(awarded)
    }

    fn held_badges(&self, worker: WorkerId) -> Result<IdSet<BadgeId>> {
        let mut statement = self
            .conn()
            .prepare_cached("SELECT badge_id FROM worker_badges WHERE worker_id = ?1 AND deleted_at IS NULL")?;
        let mut rows = statement.query([worker.to_string()])?;
        let mut held = IdSet::default();
        while let Some(row) = rows.next()? {
            held.insert(id_column(row, 0, "badge")?);
        }
        Ok(held)
    }

    /// The touchpoints the worker completed, per program, with their best scores.
    fn achievements(&self, worker: WorkerId) -> Result<Vec<Achievement>> {
        let mut statement = self.conn().prepare_cached(
            "SELECT a.program_id, p.touchpoint_id, max(p.score)
             FROM worker_assignments a
             JOIN worker_progress p ON p.worker_assignment_id = a.id
               AND p.completed_at IS NOT NULL AND p.deleted_at IS NULL
             WHERE a.worker_id = ?1 AND a.deleted_at IS NULL
             GROUP BY a.program_id, p.touchpoint_id",
        )?;
        let mut rows = statement.query([worker.to_string()])?;
        let mut achievements = Vec::new();
        while let Some(row) = rows.next()? {
            let best: Option<f64> = row.get(2)?;
            achievements.push(Achievement {
                program: id_column(row, 0, "program")?,
                touchpoint: id_column(row, 1, "touchpoint")?,
                best_score: best.and_then(|s| Score::new(s).ok()),
            });
        }
        Ok(achievements)
    }
}

/// One worker's standing in a program.
#[derive(Debug, Clone, PartialEq, Serialize, TS)]
pub struct LeaderboardEntry {
    /// 1 for the first; workers who tie share a rank.
    pub rank: u32,
    pub worker_id: WorkerId,
    pub name: String,
    /// Different touchpoints of the program completed.
    pub completed: u32,
    /// Mean of their best scores on the program's touchpoints, when they have scores.
    pub mean_score: Option<f64>,
    /// Badges they hold (any program).
    pub badges: u32,
}

impl Store {
    /// The program's enrolled workers (active or completed), most touchpoints completed
    /// first, then by mean score; the first `limit`.
    pub fn leaderboard(&self, program: stride_domain::ProgramId, limit: u32) -> Result<Vec<LeaderboardEntry>> {
        self.with_conn(|conn| {
            let mut statement = conn.prepare_cached(
                "WITH best AS (
                   SELECT a.worker_id, p.touchpoint_id, max(p.score) AS score
                   FROM worker_assignments a
                   JOIN worker_progress p ON p.worker_assignment_id = a.id
                     AND p.completed_at IS NOT NULL AND p.deleted_at IS NULL
                   WHERE a.program_id = ?1 AND a.deleted_at IS NULL
                   GROUP BY a.worker_id, p.touchpoint_id
                 ), enrolled AS (
                   SELECT DISTINCT a.worker_id FROM worker_assignments a
                   WHERE a.program_id = ?1 AND a.deleted_at IS NULL AND a.status <> 'dropped'
                 )
                 SELECT w.id, w.full_name, count(b.touchpoint_id), avg(b.score),
                   (SELECT count(*) FROM worker_badges wb WHERE wb.worker_id = w.id AND wb.deleted_at IS NULL)
                 FROM enrolled e
                 JOIN workers w ON w.id = e.worker_id AND w.deleted_at IS NULL
                 LEFT JOIN best b ON b.worker_id = e.worker_id
                 GROUP BY w.id
                 ORDER BY count(b.touchpoint_id) DESC, coalesce(avg(b.score), -1) DESC, w.full_name COLLATE NOCASE, w.id
                 LIMIT ?2",
            )?;
            let mut rows = statement.query(rusqlite::params![program.to_string(), limit])?;
            let mut board: Vec<LeaderboardEntry> = Vec::new();
            while let Some(row) = rows.next()? {
                let completed: u32 = row.get(2)?;
                let mean_score: Option<f64> = row.get(3)?;
                let rank = match board.last() {
                    Some(last) if last.completed == completed && last.mean_score == mean_score => last.rank,
                    _ => board.len() as u32 + 1,
                };
                board.push(LeaderboardEntry {
                    rank,
                    worker_id: id_column(row, 0, "worker")?,
                    name: row.get(1)?,
                    completed,
                    mean_score: mean_score.map(|m| (m * 100.0).round() / 100.0),
                    badges: row.get(4)?,
                });
            }
            Ok(board)
        })
    }
}

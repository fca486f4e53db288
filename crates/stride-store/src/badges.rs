//! Badges earned by rule, awarded in the transaction that records the progress that
//! earns them (so offline, and never a badge without its progress).

use crate::codec::id_column;
use crate::{Result, Writer};
use stride_domain::badge::{Achievement, AwardRule};
use stride_domain::{Badge, BadgeId, Entity, IdSet, Score, WorkerBadge, WorkerId};

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

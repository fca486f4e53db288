//! A worker's well-being checks as the window and segment rules read them: the history
//! in order, and each worker's latest score with its change since the check before.

use crate::codec::{id_column, timestamp_column};
use crate::{Result, Store};
use serde::Serialize;
use stride_domain::well_being;
use stride_domain::{IdMap, Score, Timestamp, WellBeingCheckId, WorkerId};
use ts_rs::TS;

/// One check in a worker's history.
#[derive(Debug, Clone, PartialEq, Serialize, TS)]
pub struct WellBeingPoint {
    pub id: WellBeingCheckId,
    pub checked_at: Timestamp,
    pub score: Score,
}

impl WellBeingPoint {
    /// The change of the latest check of `history` (oldest first) from the one before.
    pub fn change_of(history: &[WellBeingPoint]) -> Option<f64> {
        match history {
            [.., before, last] => Some(well_being::change(before.score.value(), last.score.value())),
            _ => None,
        }
    }
}

/// The checks' order: by when they were taken, then by id (two devices may record
/// checks at the same millisecond).
const LATEST_FIRST: &str = "checked_at DESC, id DESC";

impl Store {
    /// The worker's live checks, the oldest first.
    pub fn well_being_history(&self, worker: WorkerId) -> Result<Vec<WellBeingPoint>> {
        self.with_conn(|conn| {
            let mut statement = conn.prepare_cached(
                "SELECT id, checked_at, score FROM well_being_checks
                 WHERE worker_id = ?1 AND deleted_at IS NULL ORDER BY checked_at, id",
            )?;
            let mut rows = statement.query([worker.to_string()])?;
            let mut history = Vec::new();
            while let Some(row) = rows.next()? {
                let score: f64 = row.get(2)?;
                history.push(WellBeingPoint {
                    id: id_column(row, 0, "well-being check")?,
                    checked_at: timestamp_column(row, 1, "well-being check")?,
                    score: Score::new(score).map_err(|problem| crate::StoreError::CorruptRecord {
                        what: "well-being score".into(),
                        problem: problem.to_string(),
                    })?,
                });
            }
            Ok(history)
        })
    }

    /// Each worker's latest check's score less the one before, for those with two.
    pub fn well_being_changes(&self) -> Result<IdMap<WorkerId, f64>> {
        self.with_conn(|conn| {
            let sql = format!(
                "SELECT worker_id, score, row_number() OVER (PARTITION BY worker_id ORDER BY {LATEST_FIRST})
                 FROM well_being_checks WHERE deleted_at IS NULL"
            );
            let mut statement = conn.prepare_cached(&sql)?;
            let mut rows = statement.query([])?;
            let mut latest: IdMap<WorkerId, (f64, Option<f64>)> = IdMap::default();
            while let Some(row) = rows.next()? {
                let rank: i64 = row.get(2)?;
                if rank > 2 {
                    continue;
                }
                let worker: WorkerId = id_column(row, 0, "worker")?;
                let score: f64 = row.get(1)?;
                let entry = latest.entry(worker).or_insert((score, None));
                if rank == 1 {
                    entry.0 = score;
                } else {
                    entry.1 = Some(score);
                }
            }
            Ok(latest
                .into_iter()
                .filter_map(|(worker, (last, before))| Some((worker, well_being::change(before?, last))))
                .collect())
        })
    }
}

//! Who is actively enrolled in a program, read in one query: a group session's list of
//! workers to tick, and each program's count.

use crate::codec::id_column;
use crate::{Result, Store};
use serde::Serialize;
use stride_domain::{IdMap, ProgramId, WorkerAssignmentId, WorkerId};
use ts_rs::TS;

/// A live worker actively enrolled in a program.
#[derive(Debug, Clone, PartialEq, Serialize, TS)]
pub struct RosterEntry {
    pub assignment_id: WorkerAssignmentId,
    pub worker_id: WorkerId,
    pub name: String,
    /// Tells apart workers of the same name.
    pub phone: Option<String>,
}

impl Store {
    /// The program's active enrollments of live workers, by name.
    pub fn roster(&self, program: ProgramId) -> Result<Vec<RosterEntry>> {
        self.with_conn(|conn| {
            let mut statement = conn.prepare_cached(
                "SELECT a.id, w.id, w.full_name, w.phone_number
                 FROM worker_assignments a
                 JOIN workers w ON w.id = a.worker_id AND w.deleted_at IS NULL
                 WHERE a.program_id = ?1 AND a.status = 'active' AND a.deleted_at IS NULL
                 ORDER BY w.full_name COLLATE NOCASE, w.id",
            )?;
            let mut rows = statement.query([program.to_string()])?;
            let mut roster = Vec::new();
            while let Some(row) = rows.next()? {
                roster.push(RosterEntry {
                    assignment_id: id_column(row, 0, "enrollment")?,
                    worker_id: id_column(row, 1, "worker")?,
                    name: row.get(2)?,
                    phone: row.get(3)?,
                });
            }
            Ok(roster)
        })
    }

    /// How many live workers each program has actively enrolled (programs with none are
    /// left out).
    pub fn active_enrollment_counts(&self) -> Result<IdMap<ProgramId, u32>> {
        self.with_conn(|conn| {
            let mut statement = conn.prepare_cached(
                "SELECT a.program_id, count(*)
                 FROM worker_assignments a
                 JOIN workers w ON w.id = a.worker_id AND w.deleted_at IS NULL
                 WHERE a.status = 'active' AND a.deleted_at IS NULL
                 GROUP BY a.program_id",
            )?;
            let mut rows = statement.query([])?;
            let mut counts = IdMap::default();
            while let Some(row) = rows.next()? {
                counts.insert(id_column(row, 0, "program")?, row.get(1)?);
            }
            Ok(counts)
        })
    }
}

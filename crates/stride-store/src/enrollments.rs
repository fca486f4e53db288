//! Enrolling a worker in a program, the one way it is done: a worker has one enrollment
//! per program. Its id follows from the two (`WorkerAssignmentId::of`), so two devices
//! that enroll the same worker offline write the same row; a worker who left the program
//! (dropped, completed, or deleted) gets that row back active, with their progress.

use crate::{Result, Writer};
use stride_domain::{AssignmentStatus, ProgramId, RowKey, WorkerAssignment, WorkerAssignmentId, WorkerId};

impl Writer<'_, '_> {
    /// Enrolls `worker` in `program` and puts them in the program's active experiments,
    /// in this transaction. Returns the enrollment, and whether anything was written
    /// (not when they were enrolled and active already).
    pub fn enroll(&mut self, program: ProgramId, worker: WorkerId) -> Result<(WorkerAssignment, bool)> {
        let now = self.now();
        // A live enrollment of the pair under another id (made before ids were derived)
        // is the worker's one enrollment too.
        let existing = match self.live_enrollment_of(program, worker)? {
            Some(id) => self.get::<WorkerAssignment>(&RowKey::of(id))?,
            None => None,
        };
        let enrollment = match existing {
            Some(current) if current.status == AssignmentStatus::Active => return Ok((current, false)),
            Some(mut current) => {
                current.status = AssignmentStatus::Active;
                current.enrollment_date = now;
                self.update(&current)?;
                current
            }
            None => {
                let enrollment = WorkerAssignment {
                    id: WorkerAssignmentId::of(program, worker),
                    program_id: program,
                    worker_id: worker,
                    organization_id: self.organization(),
                    enrollment_date: now,
                    status: AssignmentStatus::Active,
                    created_at: now,
                    updated_at: now,
                };
                // Brings back a deleted enrollment of the pair, as the server does.
                self.create(&enrollment)?;
                enrollment
            }
        };
        // Joining a program puts the worker in its experiments, as every device would.
        self.assign_in_program_experiments(program, worker)?;
        Ok((enrollment, true))
    }

    /// The oldest live enrollment of `worker` in `program`.
    fn live_enrollment_of(&self, program: ProgramId, worker: WorkerId) -> Result<Option<WorkerAssignmentId>> {
        let mut statement = self.conn().prepare_cached(
            "SELECT id FROM worker_assignments
             WHERE program_id = ?1 AND worker_id = ?2 AND deleted_at IS NULL ORDER BY created_at, id LIMIT 1",
        )?;
        let mut rows = statement.query([program.to_string(), worker.to_string()])?;
        match rows.next()? {
            Some(row) => Ok(Some(crate::codec::id_column(row, 0, "enrollment")?)),
            None => Ok(None),
        }
    }
}

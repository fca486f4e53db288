//! What is due for every active enrollment, kept as rows change: home asks it at each
//! visit, and judging 30,000 enrollments against a million progress rows took about
//! 350 ms each time. The index is judged in full at its first ask; after that, each
//! commit's triggers (temporary, on the writer's connection) name the enrollments and
//! workers whose rows it wrote, and the next ask judges those again alone, by the same
//! functions as `due_judge.rs`. A change to the programs' plans (their journeys, phases or
//! touchpoints), or more changes than are worth keeping apart, judges everything again.
//!
//! The marks are moved out of SQLite after each commit, under the writer's lock, into
//! [`DueChanges`]; an ask takes them before it reads, so a commit that lands while it
//! reads leaves its marks for the next ask. The index keeps every active enrollment of a
//! live worker (home counts them from here too), in enrollment order, with a (place in
//! the plan, due moment) pair per touchpoint due.

use crate::due_judge::{
    active_enrollments, judge, program_plans, unreadable_of, variants_by_worker, DueItem, DueQuery, Plans, Selection,
};
use crate::Result;
use rusqlite::Connection;
use std::collections::BTreeMap;
use stride_domain::{IdMap, IdSet, ProgramId, Timestamp, TouchpointId, WorkerAssignmentId, WorkerId};

/// The temporary table the triggers mark into, on the writer's connection. Marks are
/// appended (a row written twice is marked twice, set apart when read): a trigger's own
/// conflict clause would give way to the one of the statement that fired it.
const CHANGES_TABLE: &str = "CREATE TEMP TABLE IF NOT EXISTS due_changes (kind TEXT NOT NULL, id TEXT NOT NULL);";

/// The triggers that mark what each transaction wrote of what due is judged from.
/// Rolled back with the transaction that wrote them, like its rows. They are set only
/// while something is judged and kept: a first sync writes a million rows with none.
/// Inserts count everywhere: a pulled page may bring a row before the one it refers to
/// (a worker after their enrollment), and the join that found nothing then must be
/// judged again.
const CHANGE_TRIGGERS: &str = "
CREATE TEMP TRIGGER IF NOT EXISTS due_progress_inserted AFTER INSERT ON main.worker_progress BEGIN
    INSERT INTO due_changes VALUES ('enrollment', NEW.worker_assignment_id);
END;
CREATE TEMP TRIGGER IF NOT EXISTS due_progress_updated AFTER UPDATE ON main.worker_progress BEGIN
    INSERT INTO due_changes VALUES ('enrollment', NEW.worker_assignment_id),
        ('enrollment', OLD.worker_assignment_id);
END;
CREATE TEMP TRIGGER IF NOT EXISTS due_progress_deleted AFTER DELETE ON main.worker_progress BEGIN
    INSERT INTO due_changes VALUES ('enrollment', OLD.worker_assignment_id);
END;
CREATE TEMP TRIGGER IF NOT EXISTS due_enrollment_inserted AFTER INSERT ON main.worker_assignments BEGIN
    INSERT INTO due_changes VALUES ('enrollment', NEW.id);
END;
CREATE TEMP TRIGGER IF NOT EXISTS due_enrollment_updated AFTER UPDATE ON main.worker_assignments BEGIN
    INSERT INTO due_changes VALUES ('enrollment', NEW.id), ('enrollment', OLD.id);
END;
CREATE TEMP TRIGGER IF NOT EXISTS due_enrollment_deleted AFTER DELETE ON main.worker_assignments BEGIN
    INSERT INTO due_changes VALUES ('enrollment', OLD.id);
END;
CREATE TEMP TRIGGER IF NOT EXISTS due_worker_inserted AFTER INSERT ON main.workers BEGIN
    INSERT INTO due_changes VALUES ('worker', NEW.id);
END;
CREATE TEMP TRIGGER IF NOT EXISTS due_worker_updated AFTER UPDATE OF id, deleted_at ON main.workers BEGIN
    INSERT INTO due_changes VALUES ('worker', NEW.id), ('worker', OLD.id);
END;
CREATE TEMP TRIGGER IF NOT EXISTS due_worker_deleted AFTER DELETE ON main.workers BEGIN
    INSERT INTO due_changes VALUES ('worker', OLD.id);
END;
CREATE TEMP TRIGGER IF NOT EXISTS due_variant_inserted AFTER INSERT ON main.experiment_assignments
WHEN NEW.worker_id IS NOT NULL BEGIN
    INSERT INTO due_changes VALUES ('worker', NEW.worker_id);
END;
CREATE TEMP TRIGGER IF NOT EXISTS due_variant_updated AFTER UPDATE ON main.experiment_assignments BEGIN
    INSERT INTO due_changes SELECT 'worker', NEW.worker_id WHERE NEW.worker_id IS NOT NULL
        UNION ALL SELECT 'worker', OLD.worker_id WHERE OLD.worker_id IS NOT NULL;
END;
CREATE TEMP TRIGGER IF NOT EXISTS due_variant_deleted AFTER DELETE ON main.experiment_assignments
WHEN OLD.worker_id IS NOT NULL BEGIN
    INSERT INTO due_changes VALUES ('worker', OLD.worker_id);
END;
CREATE TEMP TRIGGER IF NOT EXISTS due_blueprint_inserted AFTER INSERT ON main.program_blueprints BEGIN
    INSERT INTO due_changes VALUES ('plans', '');
END;
CREATE TEMP TRIGGER IF NOT EXISTS due_blueprint_updated AFTER UPDATE ON main.program_blueprints BEGIN
    INSERT INTO due_changes VALUES ('plans', '');
END;
CREATE TEMP TRIGGER IF NOT EXISTS due_blueprint_deleted AFTER DELETE ON main.program_blueprints BEGIN
    INSERT INTO due_changes VALUES ('plans', '');
END;
CREATE TEMP TRIGGER IF NOT EXISTS due_journey_inserted AFTER INSERT ON main.journey_blueprints BEGIN
    INSERT INTO due_changes VALUES ('plans', '');
END;
CREATE TEMP TRIGGER IF NOT EXISTS due_journey_updated AFTER UPDATE OF id, deleted_at ON main.journey_blueprints BEGIN
    INSERT INTO due_changes VALUES ('plans', '');
END;
CREATE TEMP TRIGGER IF NOT EXISTS due_journey_deleted AFTER DELETE ON main.journey_blueprints BEGIN
    INSERT INTO due_changes VALUES ('plans', '');
END;
CREATE TEMP TRIGGER IF NOT EXISTS due_phase_inserted AFTER INSERT ON main.phases BEGIN
    INSERT INTO due_changes VALUES ('plans', '');
END;
CREATE TEMP TRIGGER IF NOT EXISTS due_phase_updated AFTER UPDATE ON main.phases BEGIN
    INSERT INTO due_changes VALUES ('plans', '');
END;
CREATE TEMP TRIGGER IF NOT EXISTS due_phase_deleted AFTER DELETE ON main.phases BEGIN
    INSERT INTO due_changes VALUES ('plans', '');
END;
CREATE TEMP TRIGGER IF NOT EXISTS due_touchpoint_inserted AFTER INSERT ON main.touchpoints BEGIN
    INSERT INTO due_changes VALUES ('plans', '');
END;
CREATE TEMP TRIGGER IF NOT EXISTS due_touchpoint_updated AFTER UPDATE ON main.touchpoints BEGIN
    INSERT INTO due_changes VALUES ('plans', '');
END;
CREATE TEMP TRIGGER IF NOT EXISTS due_touchpoint_deleted AFTER DELETE ON main.touchpoints BEGIN
    INSERT INTO due_changes VALUES ('plans', '');
END;
";

/// Sets the change triggers on the writer's connection.
pub(crate) fn watch_changes(conn: &Connection) -> Result<()> {
    conn.execute_batch(CHANGES_TABLE)?;
    conn.execute_batch(CHANGE_TRIGGERS)?;
    Ok(())
}

/// Takes the change triggers away again (and any mark left).
pub(crate) fn stop_watching_changes(conn: &Connection) -> Result<()> {
    let names: Vec<String> = conn
        .prepare("SELECT name FROM sqlite_temp_master WHERE type = 'trigger' AND name LIKE 'due\\_%' ESCAPE '\\'")?
        .query_map([], |row| row.get(0))?
        .collect::<rusqlite::Result<_>>()?;
    for name in names {
        conn.execute_batch(&format!("DROP TRIGGER temp.\"{name}\""))?;
    }
    conn.execute_batch("DELETE FROM temp.due_changes")?;
    Ok(())
}

/// Beyond this many marks, judging everything again costs about what judging them does.
const MARKS_KEPT: usize = 20_000;

/// What commits changed since the index was judged.
#[derive(Debug, Default)]
pub(crate) struct DueChanges {
    /// None: nothing was judged yet, or too much changed to keep apart; the next ask
    /// judges everything.
    since_judged: Option<Marks>,
}

#[derive(Debug, Default)]
pub(crate) struct Marks {
    enrollments: IdSet<WorkerAssignmentId>,
    workers: IdSet<WorkerId>,
}

impl Marks {
    fn len(&self) -> usize {
        self.enrollments.len() + self.workers.len()
    }
}

impl DueChanges {
    /// After a commit, on the writer's connection: moves what its triggers marked here.
    /// A mark that cannot be read makes the next ask judge everything.
    pub(crate) fn take_from(&mut self, conn: &Connection) {
        if let Err(error) = self.read_marks(conn) {
            tracing::warn!(error = %error, "what a commit changed could not be read; what is due is judged again");
            self.since_judged = None;
        }
    }

    fn read_marks(&mut self, conn: &Connection) -> Result<()> {
        let mut statement = conn.prepare_cached("DELETE FROM temp.due_changes RETURNING kind, id")?;
        let mut rows = statement.query([])?;
        while let Some(row) = rows.next()? {
            let Some(marks) = self.since_judged.as_mut() else { continue };
            let id = row.get_ref(1)?.as_str().map_err(rusqlite::Error::from)?;
            let plans_changed = match row.get_ref(0)?.as_str().map_err(rusqlite::Error::from)? {
                "enrollment" => {
                    marks.enrollments.insert(parse_id(id)?);
                    false
                }
                "worker" => {
                    marks.workers.insert(parse_id(id)?);
                    false
                }
                _ => true,
            };
            if plans_changed || marks.len() > MARKS_KEPT {
                self.since_judged = None;
            }
        }
        Ok(())
    }

    /// The marks so far, and from now on a fresh count; None (and no count) while
    /// nothing is kept.
    pub(crate) fn take(&mut self) -> Option<Marks> {
        self.since_judged.as_mut().map(std::mem::take)
    }

    /// Counts from now on (the triggers being set).
    pub(crate) fn start(&mut self) {
        self.since_judged = Some(Marks::default());
    }

    /// Whether changes are counted: when not, the triggers can go.
    pub(crate) fn counting(&self) -> bool {
        self.since_judged.is_some()
    }

    /// The next ask judges everything (the database was replaced).
    pub(crate) fn forget(&mut self) {
        self.since_judged = None;
    }
}

fn parse_id<T: std::str::FromStr>(text: &str) -> Result<T>
where
    T::Err: std::fmt::Display,
{
    text.parse().map_err(|e: T::Err| crate::StoreError::CorruptRecord { what: "an id".into(), problem: e.to_string() })
}

/// What is due as it stands.
#[derive(Default)]
pub(crate) struct DueIndex {
    judged: Option<Judged>,
}

struct Judged {
    plans: Plans,
    /// Every active enrollment of a live worker, in id order (the order asks are
    /// answered in).
    enrollments: BTreeMap<WorkerAssignmentId, JudgedEnrollment>,
}

struct JudgedEnrollment {
    worker_id: WorkerId,
    program_id: ProgramId,
    /// Each due touchpoint's place in its program's plan, and its due moment, in
    /// delivery order.
    due: Box<[(u32, Timestamp)]>,
}

impl DueIndex {
    /// Whether what is due was judged and is kept.
    pub(crate) fn is_judged(&self) -> bool {
        self.judged.is_some()
    }

    /// Drops what is kept: the next ask judges everything.
    pub(crate) fn forget(&mut self) {
        self.judged = None;
    }

    pub(crate) fn judge_all(&mut self, conn: &Connection) -> Result<()> {
        self.judged = Some(Judged::judge_all(conn)?);
        Ok(())
    }

    /// Judges again what `marks` name (nothing when nothing is kept).
    pub(crate) fn judge_again(&mut self, conn: &Connection, marks: Marks) -> Result<()> {
        match self.judged.as_mut() {
            Some(judged) => judged.judge_again(conn, marks),
            None => Ok(()),
        }
    }

    /// Calls `visit` with each item of `query` (which names no worker), as
    /// [`crate::Store::for_each_due_judged_now`] would; returns the unreadable rules.
    pub(crate) fn for_each(&self, query: &DueQuery, mut visit: impl FnMut(&DueItem)) -> Vec<TouchpointId> {
        let Some(judged) = &self.judged else { return Vec::new() };
        for (assignment_id, enrollment) in &judged.enrollments {
            if query.program.is_some_and(|program| program != enrollment.program_id) {
                continue;
            }
            let Some(plan) = judged.plans.by_program.get(&enrollment.program_id) else { continue };
            for &(place, due_at) in &enrollment.due {
                if query.until.is_some_and(|until| due_at >= until) {
                    continue;
                }
                visit(&DueItem {
                    program_id: enrollment.program_id,
                    touchpoint_id: plan[place as usize].0,
                    assignment_id: *assignment_id,
                    worker_id: enrollment.worker_id,
                    due_at,
                    urgency: query.day.urgency(due_at),
                });
            }
        }
        unreadable_of(&judged.plans.unreadable, query.program)
    }

    /// How many active enrollments of live workers are kept.
    pub(crate) fn active_enrollments(&self) -> u64 {
        self.judged.as_ref().map_or(0, |judged| judged.enrollments.len() as u64)
    }
}

impl Judged {
    fn judge_all(conn: &Connection) -> Result<Self> {
        let plans = program_plans(conn, None)?;
        let mut judged = Judged { plans, enrollments: BTreeMap::new() };
        judged.judge(conn, Selection::Matching { program: None, worker: None })?;
        Ok(judged)
    }

    /// Judges the marked enrollments again, and every enrollment of a marked worker.
    fn judge_again(&mut self, conn: &Connection, marks: Marks) -> Result<()> {
        if marks.enrollments.is_empty() && marks.workers.is_empty() {
            return Ok(());
        }
        let mut enrollments = marks.enrollments;
        if !marks.workers.is_empty() {
            let workers = json_ids(&marks.workers);
            let mut statement = conn.prepare_cached(
                "SELECT id FROM worker_assignments WHERE worker_id IN (SELECT value FROM json_each(?1))",
            )?;
            let mut rows = statement.query([&workers])?;
            while let Some(row) = rows.next()? {
                enrollments.insert(crate::codec::id_column(row, 0, "enrollment")?);
            }
        }
        for enrollment in &enrollments {
            self.enrollments.remove(enrollment);
        }
        self.judge(conn, Selection::Ids(&json_ids(&enrollments)))
    }

    /// Judges the selected enrollments and keeps those with something due.
    fn judge(&mut self, conn: &Connection, selection: Selection<'_>) -> Result<()> {
        let enrollments = active_enrollments(conn, selection)?;
        let variants = match (self.plans.any_variant, selection) {
            (false, _) => IdMap::default(),
            (true, Selection::Matching { .. }) => variants_by_worker(conn, None)?,
            (true, Selection::Ids(_)) => {
                let of: IdSet<WorkerId> = enrollments.iter().map(|e| e.worker_id).collect();
                variants_by_worker(conn, Some(&json_ids(&of)))?
            }
        };
        let no_variants = IdSet::default();
        let mut completed = IdMap::default();
        let mut due = Vec::new();
        for enrollment in &enrollments {
            let plan = self.plans.by_program.get(&enrollment.program_id).map_or(&[][..], Vec::as_slice);
            let variants = variants.get(&enrollment.worker_id).unwrap_or(&no_variants);
            due.clear();
            judge(enrollment, plan, variants, &mut completed, |place, due_at| due.push((place as u32, due_at)));
            self.enrollments.insert(
                enrollment.assignment_id,
                JudgedEnrollment {
                    worker_id: enrollment.worker_id,
                    program_id: enrollment.program_id,
                    due: due.as_slice().into(),
                },
            );
        }
        Ok(())
    }
}

fn json_ids<T: serde::Serialize>(ids: &IdSet<T>) -> String {
    serde_json::to_string(ids).unwrap_or_else(|_| "[]".to_owned())
}

#[cfg(test)]
mod tests {
    use super::*;

    fn triggers(conn: &Connection) -> Vec<String> {
        let mut statement = conn.prepare("SELECT name FROM sqlite_temp_master WHERE type = 'trigger'").unwrap();
        statement.query_map([], |row| row.get(0)).unwrap().collect::<rusqlite::Result<_>>().unwrap()
    }

    #[test]
    fn the_triggers_mark_what_due_is_judged_from_until_they_are_taken_away() {
        let mut conn = Connection::open_in_memory().unwrap();
        crate::migrate::apply_pending(&mut conn).unwrap();
        conn.execute_batch("PRAGMA foreign_keys = OFF").unwrap();
        watch_changes(&conn).unwrap();
        assert_eq!(triggers(&conn).len(), 24);
        let mut changes = DueChanges::default();
        changes.start();
        let enrollment = WorkerAssignmentId::new();
        conn.execute(
            "INSERT INTO worker_assignments (id, program_id, worker_id, organization_id, enrollment_date, status,
               created_at, updated_at) VALUES (?1, 'p', 'w', 'o', 'x', 'active', 'x', 'x')",
            [enrollment.to_string()],
        )
        .unwrap();
        conn.execute_batch("UPDATE worker_assignments SET status = 'dropped'").unwrap();
        changes.take_from(&conn);
        let marked = changes.take().unwrap();
        assert_eq!(marked.enrollments.into_iter().collect::<Vec<_>>(), vec![enrollment], "marked twice, kept once");
        assert!(marked.workers.is_empty());

        // A change to a plan: everything is judged again, and nothing is counted until then.
        conn.execute_batch("DELETE FROM touchpoints; INSERT INTO phases (id, journey_blueprint_id, organization_id, name, sequence_order) VALUES ('ph', 'j', 'o', 'Week 1', 1)").unwrap();
        changes.take_from(&conn);
        assert!(!changes.counting() && changes.take().is_none());

        stop_watching_changes(&conn).unwrap();
        assert!(triggers(&conn).is_empty());
        conn.execute_batch("UPDATE worker_assignments SET status = 'active'").unwrap();
        let marks: i64 = conn.query_row("SELECT count(*) FROM temp.due_changes", [], |row| row.get(0)).unwrap();
        assert_eq!(marks, 0, "no trigger is left");
    }
}

//! What is due, read from the device alone: every active enrollment's touchpoints,
//! judged by the rule language of `stride_domain::journey` against what the worker has
//! completed in that enrollment. Two reads (the programs' touchpoints in order, and the
//! enrollments with their completions), then pure evaluation, hashed with `IdHasher`:
//! a large organization asks for millions of (enrollment, touchpoint) judgements.

use crate::codec::id_column;
use crate::{Result, Store, StoreError};
use rusqlite::{params, Connection};
use stride_domain::journey::{Completion, Day, Due, TouchpointRule, Urgency, WorkerHistory};
use stride_domain::{
    ExperimentVariantId, IdMap, IdSet, JsonObject, ProgramId, Score, Timestamp, TouchpointId, WorkerAssignmentId,
    WorkerId,
};

/// Which due touchpoints to list.
#[derive(Debug, Clone, Copy)]
pub struct DueQuery {
    /// The day that tells overdue from due today from later.
    pub day: Day,
    /// Only what is due before this moment (None: everything a worker could do now or
    /// later, once its time comes).
    pub until: Option<Timestamp>,
    pub program: Option<ProgramId>,
    pub worker: Option<WorkerId>,
}

/// One touchpoint due for one worker in one enrollment.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct DueItem {
    pub program_id: ProgramId,
    pub touchpoint_id: TouchpointId,
    pub assignment_id: WorkerAssignmentId,
    pub worker_id: WorkerId,
    pub due_at: Timestamp,
    pub urgency: Urgency,
}

#[derive(Debug, Clone, Default, PartialEq)]
pub struct DueList {
    /// By program, then due moment, then touchpoint and enrollment.
    pub items: Vec<DueItem>,
    /// Touchpoints whose rule this app cannot read (written by a newer version, say):
    /// they are left out of the list rather than guessed at.
    pub unreadable_rules: Vec<TouchpointId>,
}

fn timestamp(text: &str) -> Result<Timestamp> {
    Timestamp::parse(text).map_err(|e| StoreError::CorruptRecord { what: "a time".into(), problem: e.to_string() })
}

/// Each program's touchpoints in delivery order (journeys by their place in the
/// program, phases by sequence, touchpoints by id: UUIDv7, so by creation), with their
/// rules parsed; and the touchpoints whose rule cannot be read.
type Plans = (IdMap<ProgramId, Vec<(TouchpointId, TouchpointRule)>>, Vec<TouchpointId>);

fn program_plans(conn: &Connection, program: Option<ProgramId>) -> Result<Plans> {
    let mut statement = conn.prepare_cached(
        "SELECT pb.program_id, t.id, t.rule_logic
         FROM program_blueprints pb
         JOIN journey_blueprints j ON j.id = pb.journey_blueprint_id AND j.deleted_at IS NULL
         JOIN phases ph ON ph.journey_blueprint_id = j.id AND ph.deleted_at IS NULL
         JOIN touchpoints t ON t.phase_id = ph.id AND t.deleted_at IS NULL
         WHERE pb.deleted_at IS NULL AND (?1 IS NULL OR pb.program_id = ?1)
         ORDER BY pb.program_id, pb.order_in_program, ph.sequence_order, t.id",
    )?;
    let mut rows = statement.query([program.map(|id| id.to_string())])?;
    let mut plans: IdMap<ProgramId, Vec<(TouchpointId, TouchpointRule)>> = IdMap::default();
    let mut unreadable = Vec::new();
    while let Some(row) = rows.next()? {
        let touchpoint: TouchpointId = id_column(row, 1, "touchpoint")?;
        let rule_logic: Option<String> = row.get(2)?;
        let parsed = match rule_logic {
            None => Ok(TouchpointRule::default()),
            Some(text) => JsonObject::parse(&text).and_then(|object| TouchpointRule::parse(Some(&object))),
        };
        let plan = plans.entry(id_column(row, 0, "program")?).or_default();
        match parsed {
            // A journey placed in a program twice is delivered once.
            Ok(rule) if !plan.iter().any(|(seen, _)| *seen == touchpoint) => plan.push((touchpoint, rule)),
            Ok(_) => {}
            Err(problem) if !unreadable.contains(&touchpoint) => {
                tracing::warn!(touchpoint.id = %touchpoint, problem = %problem, "a touchpoint rule cannot be read");
                unreadable.push(touchpoint);
            }
            Err(_) => {}
        }
    }
    Ok((plans, unreadable))
}

/// An active enrollment of a live worker, with each touchpoint it completed (first
/// completion, best score).
struct Enrollment {
    assignment_id: WorkerAssignmentId,
    worker_id: WorkerId,
    program_id: ProgramId,
    enrolled_at: Timestamp,
    completed: Vec<(TouchpointId, Completion)>,
}

fn active_enrollments(conn: &Connection, query: &DueQuery) -> Result<Vec<Enrollment>> {
    // One row per completed progress record (or one with NULLs for an enrollment with
    // none), in enrollment order: the primary key's index gives the order, and folding
    // the rows here is cheaper than SQLite's GROUP BY over a temporary B-tree.
    let mut statement = conn.prepare_cached(
        "SELECT a.id, a.worker_id, a.program_id, a.enrollment_date, p.touchpoint_id, p.completed_at, p.score
         FROM worker_assignments a
         JOIN workers w ON w.id = a.worker_id AND w.deleted_at IS NULL
         LEFT JOIN worker_progress p
           ON p.worker_assignment_id = a.id AND p.completed_at IS NOT NULL AND p.deleted_at IS NULL
         WHERE a.status = 'active' AND a.deleted_at IS NULL
           AND (?1 IS NULL OR a.program_id = ?1) AND (?2 IS NULL OR a.worker_id = ?2)
         ORDER BY a.id",
    )?;
    let mut rows =
        statement.query(params![query.program.map(|id| id.to_string()), query.worker.map(|id| id.to_string())])?;
    let mut enrollments: Vec<Enrollment> = Vec::new();
    let mut current = String::new();
    while let Some(row) = rows.next()? {
        let assignment = row.get_ref(0)?.as_str().map_err(rusqlite::Error::from)?;
        if enrollments.is_empty() || assignment != current {
            current = assignment.to_owned();
            enrollments.push(Enrollment {
                assignment_id: id_column(row, 0, "enrollment")?,
                worker_id: id_column(row, 1, "worker")?,
                program_id: id_column(row, 2, "program")?,
                enrolled_at: timestamp(&row.get::<_, String>(3)?)?,
                completed: Vec::new(),
            });
        }
        if row.get_ref(4)? == rusqlite::types::ValueRef::Null {
            continue;
        }
        let touchpoint: TouchpointId = id_column(row, 4, "touchpoint")?;
        let at = timestamp(&row.get::<_, String>(5)?)?;
        let best_score = row.get::<_, Option<f64>>(6)?.and_then(|score| Score::new(score).ok());
        if let Some(enrollment) = enrollments.last_mut() {
            enrollment.completed.push((touchpoint, Completion { at, best_score }));
        }
    }
    Ok(enrollments)
}

fn variants_by_worker(conn: &Connection) -> Result<IdMap<WorkerId, IdSet<ExperimentVariantId>>> {
    let mut statement = conn.prepare_cached(
        "SELECT worker_id, experiment_variant_id FROM experiment_assignments
         WHERE deleted_at IS NULL AND worker_id IS NOT NULL",
    )?;
    let mut rows = statement.query([])?;
    let mut variants: IdMap<WorkerId, IdSet<ExperimentVariantId>> = IdMap::default();
    while let Some(row) = rows.next()? {
        variants.entry(id_column(row, 0, "worker")?).or_default().insert(id_column(row, 1, "variant")?);
    }
    Ok(variants)
}

impl Store {
    /// Calls `visit` with each touchpoint due for an active enrollment, as the query
    /// asks, enrollment by enrollment and in delivery order within each; returns the
    /// touchpoints whose rule cannot be read (left out). The device is read first and
    /// released, so `visit` may use the store.
    pub fn for_each_due(&self, query: &DueQuery, mut visit: impl FnMut(&DueItem)) -> Result<Vec<TouchpointId>> {
        let (plans, enrollments, variants) = self.with_conn(|conn| {
            let (plans, unreadable) = program_plans(conn, query.program)?;
            let enrollments = active_enrollments(conn, query)?;
            let any_variant = plans.values().flatten().any(|(_, rule)| rule.variant.is_some());
            let variants = if any_variant { variants_by_worker(conn)? } else { IdMap::default() };
            Ok(((plans, unreadable), enrollments, variants))
        })?;
        let (plans, unreadable) = plans;
        let no_variants = IdSet::default();
        let mut completed: IdMap<TouchpointId, Completion> = IdMap::default();
        for enrollment in &enrollments {
            let Some(plan) = plans.get(&enrollment.program_id) else { continue };
            completed.clear();
            for (touchpoint, completion) in &enrollment.completed {
                completed
                    .entry(*touchpoint)
                    .and_modify(|seen| {
                        seen.at = seen.at.min(completion.at);
                        seen.best_score = match (seen.best_score, completion.best_score) {
                            (Some(best), Some(score)) if score > best => Some(score),
                            (best, score) => best.or(score),
                        };
                    })
                    .or_insert(*completion);
            }
            let history = WorkerHistory {
                enrolled_at: enrollment.enrolled_at,
                completed: &completed,
                variants: variants.get(&enrollment.worker_id).unwrap_or(&no_variants),
            };
            for (touchpoint, rule) in plan {
                let Due::At(due_at) = rule.due(*touchpoint, &history) else { continue };
                if query.until.is_some_and(|until| due_at >= until) {
                    continue;
                }
                visit(&DueItem {
                    program_id: enrollment.program_id,
                    touchpoint_id: *touchpoint,
                    assignment_id: enrollment.assignment_id,
                    worker_id: enrollment.worker_id,
                    due_at,
                    urgency: query.day.urgency(due_at),
                });
            }
        }
        Ok(unreadable)
    }

    /// The touchpoints due for active enrollments, as the query asks, in order.
    pub fn due(&self, query: &DueQuery) -> Result<DueList> {
        let mut items = Vec::new();
        let unreadable_rules = self.for_each_due(query, |item| items.push(*item))?;
        items.sort_by_key(|item| (item.program_id, item.due_at, item.touchpoint_id, item.assignment_id));
        Ok(DueList { items, unreadable_rules })
    }
}

/// What a worker has done across their active enrollments, for previewing a journey
/// that may not be in any of their programs yet.
#[derive(Debug, Clone, Default, PartialEq)]
pub struct WorkerRecord {
    /// Their earliest active enrollment.
    pub enrolled_at: Option<Timestamp>,
    pub completed: IdMap<TouchpointId, Completion>,
    pub variants: IdSet<ExperimentVariantId>,
}

impl Store {
    pub fn worker_record(&self, worker: WorkerId) -> Result<WorkerRecord> {
        self.with_conn(|conn| {
            let query = DueQuery {
                day: Day { starts: self.now(), ends: self.now() },
                until: None,
                program: None,
                worker: Some(worker),
            };
            let mut record = WorkerRecord::default();
            for enrollment in active_enrollments(conn, &query)? {
                record.enrolled_at =
                    Some(record.enrolled_at.map_or(enrollment.enrolled_at, |at| at.min(enrollment.enrolled_at)));
                for (touchpoint, completion) in enrollment.completed {
                    record
                        .completed
                        .entry(touchpoint)
                        .and_modify(|seen| {
                            seen.at = seen.at.min(completion.at);
                            seen.best_score = match (seen.best_score, completion.best_score) {
                                (Some(best), Some(score)) if score > best => Some(score),
                                (best, score) => best.or(score),
                            };
                        })
                        .or_insert(completion);
                }
            }
            record.variants = variants_by_worker(conn)?.remove(&worker).unwrap_or_default();
            Ok(record)
        })
    }
}

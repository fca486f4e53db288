//! How what is due is judged, on a connection: every active enrollment's touchpoints,
//! judged by the rule language of `stride_domain::journey` against what the worker has
//! completed in that enrollment. Two reads (the programs' touchpoints in order, and the
//! enrollments with their completions), then pure evaluation, hashed with `IdHasher`:
//! a large organization asks for millions of (enrollment, touchpoint) judgements. The
//! store's asks (`due.rs`) judge with these functions, now or as rows change
//! (`due_index.rs`).
use crate::codec::id_column;
use crate::{Result, StoreError};
use rusqlite::Connection;
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
/// rules parsed; and the touchpoints whose rule cannot be read, by program.
pub(crate) struct Plans {
    pub by_program: IdMap<ProgramId, Vec<(TouchpointId, TouchpointRule)>>,
    pub unreadable: Vec<(ProgramId, TouchpointId)>,
    /// Whether any rule depends on a worker's experiment variants.
    pub any_variant: bool,
}

pub(crate) fn program_plans(conn: &Connection, program: Option<ProgramId>) -> Result<Plans> {
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
    let mut by_program: IdMap<ProgramId, Vec<(TouchpointId, TouchpointRule)>> = IdMap::default();
    let mut unreadable = Vec::new();
    while let Some(row) = rows.next()? {
        let program: ProgramId = id_column(row, 0, "program")?;
        let touchpoint: TouchpointId = id_column(row, 1, "touchpoint")?;
        let rule_logic: Option<String> = row.get(2)?;
        let parsed = match rule_logic {
            None => Ok(TouchpointRule::default()),
            Some(text) => JsonObject::parse(&text).and_then(|object| TouchpointRule::parse(Some(&object))),
        };
        let plan = by_program.entry(program).or_default();
        match parsed {
            // A journey placed in a program twice is delivered once.
            Ok(rule) if !plan.iter().any(|(seen, _)| *seen == touchpoint) => plan.push((touchpoint, rule)),
            Ok(_) => {}
            Err(problem) if !unreadable.contains(&(program, touchpoint)) => {
                tracing::warn!(touchpoint.id = %touchpoint, problem = %problem, "a touchpoint rule cannot be read");
                unreadable.push((program, touchpoint));
            }
            Err(_) => {}
        }
    }
    let any_variant = by_program.values().flatten().any(|(_, rule)| rule.variant.is_some());
    Ok(Plans { by_program, unreadable, any_variant })
}

/// An active enrollment of a live worker, with each touchpoint it completed (first
/// completion, best score).
pub(crate) struct Enrollment {
    pub assignment_id: WorkerAssignmentId,
    pub worker_id: WorkerId,
    pub program_id: ProgramId,
    pub enrolled_at: Timestamp,
    pub completed: Vec<(TouchpointId, Completion)>,
}

/// Which active enrollments to read.
#[derive(Debug, Clone, Copy)]
pub(crate) enum Selection<'a> {
    /// Every one, or one program's, or one worker's.
    Matching { program: Option<ProgramId>, worker: Option<WorkerId> },
    /// Those of these ids (a JSON array) that are active.
    Ids(&'a str),
}

impl Selection<'_> {
    pub(crate) fn of(query: &DueQuery) -> Selection<'static> {
        Selection::Matching { program: query.program, worker: query.worker }
    }
}

/// One row per completed progress record (or one with NULLs for an enrollment with
/// none), in enrollment order: the primary key's index gives the order, and folding the
/// rows here is cheaper than SQLite's GROUP BY over a temporary B-tree.
const ENROLLMENT_ROWS: &str =
    "SELECT a.id, a.worker_id, a.program_id, a.enrollment_date, p.touchpoint_id, p.completed_at, p.score
     FROM worker_assignments a
     JOIN workers w ON w.id = a.worker_id AND w.deleted_at IS NULL
     LEFT JOIN worker_progress p
       ON p.worker_assignment_id = a.id AND p.completed_at IS NOT NULL AND p.deleted_at IS NULL
     WHERE a.status = 'active' AND a.deleted_at IS NULL";

pub(crate) fn active_enrollments(conn: &Connection, selection: Selection<'_>) -> Result<Vec<Enrollment>> {
    let (mut statement, values) = match selection {
        Selection::Matching { program, worker } => (
            conn.prepare_cached(&format!(
                "{ENROLLMENT_ROWS} AND (?1 IS NULL OR a.program_id = ?1) AND (?2 IS NULL OR a.worker_id = ?2)
                 ORDER BY a.id"
            ))?,
            vec![program.map(|id| id.to_string()), worker.map(|id| id.to_string())],
        ),
        Selection::Ids(ids) => (
            conn.prepare_cached(&format!(
                "{ENROLLMENT_ROWS} AND a.id IN (SELECT value FROM json_each(?1)) ORDER BY a.id"
            ))?,
            vec![Some(ids.to_owned())],
        ),
    };
    let mut rows = statement.query(rusqlite::params_from_iter(values))?;
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

/// The experiment variants of every worker, or of the workers of `only` (a JSON array).
pub(crate) fn variants_by_worker(
    conn: &Connection,
    only: Option<&str>,
) -> Result<IdMap<WorkerId, IdSet<ExperimentVariantId>>> {
    let mut statement = conn.prepare_cached(
        "SELECT worker_id, experiment_variant_id FROM experiment_assignments
         WHERE deleted_at IS NULL AND worker_id IS NOT NULL
           AND (?1 IS NULL OR worker_id IN (SELECT value FROM json_each(?1)))",
    )?;
    let mut rows = statement.query([only])?;
    let mut variants: IdMap<WorkerId, IdSet<ExperimentVariantId>> = IdMap::default();
    while let Some(row) = rows.next()? {
        variants.entry(id_column(row, 0, "worker")?).or_default().insert(id_column(row, 1, "variant")?);
    }
    Ok(variants)
}

/// Adds completions to what `completed` holds of each touchpoint: its first completion
/// and best score.
pub(crate) fn fold_completions<'a>(
    completed: &mut IdMap<TouchpointId, Completion>,
    completions: impl IntoIterator<Item = &'a (TouchpointId, Completion)>,
) {
    for (touchpoint, completion) in completions {
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
}

/// Judges each touchpoint of `plan` for `enrollment` and calls `due` with the place in
/// the plan and the due moment of each that has one, in delivery order. `completed` is
/// scratch space, kept between calls so it is allocated once.
pub(crate) fn judge(
    enrollment: &Enrollment,
    plan: &[(TouchpointId, TouchpointRule)],
    variants: &IdSet<ExperimentVariantId>,
    completed: &mut IdMap<TouchpointId, Completion>,
    mut due: impl FnMut(usize, Timestamp),
) {
    completed.clear();
    fold_completions(completed, &enrollment.completed);
    let history = WorkerHistory { enrolled_at: enrollment.enrolled_at, completed, variants };
    for (place, (touchpoint, rule)) in plan.iter().enumerate() {
        if let Due::At(due_at) = rule.due(*touchpoint, &history) {
            due(place, due_at);
        }
    }
}

/// The touchpoints a query's program (or every program) lists as unreadable, each once.
pub(crate) fn unreadable_of(unreadable: &[(ProgramId, TouchpointId)], program: Option<ProgramId>) -> Vec<TouchpointId> {
    let mut touchpoints = Vec::new();
    for (of, touchpoint) in unreadable {
        if program.is_none_or(|program| program == *of) && !touchpoints.contains(touchpoint) {
            touchpoints.push(*touchpoint);
        }
    }
    touchpoints
}

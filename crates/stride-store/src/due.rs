//! What is due, as the store answers it: a query of every worker from what is kept as
//! rows change (`due_index.rs`, judged in full only at the first ask), one worker's
//! judged now; both by the functions of `due_judge.rs`.

use crate::due_index::DueIndex;
use crate::due_judge::{
    active_enrollments, fold_completions, judge, program_plans, unreadable_of, variants_by_worker, Selection,
};
use crate::{DueItem, DueList, DueQuery, Result, Store};
use std::sync::MutexGuard;
use stride_domain::journey::Completion;
use stride_domain::{ExperimentVariantId, IdMap, IdSet, Timestamp, TouchpointId, WorkerId};

impl Store {
    /// Calls `visit` with each touchpoint due for an active enrollment, as the query
    /// asks, enrollment by enrollment (in the order of their ids) and in delivery order
    /// within each; returns the touchpoints whose rule cannot be read (left out). A query
    /// of every worker is answered from what is due as it stands (`due_index.rs`: kept up
    /// to date as rows change, judged in full only at the first ask); one worker's is
    /// judged now. `visit` may use the store, but not ask what is due.
    pub fn for_each_due(&self, query: &DueQuery, visit: impl FnMut(&DueItem)) -> Result<Vec<TouchpointId>> {
        match query.worker {
            Some(_) => self.for_each_due_judged_now(query, visit),
            None => Ok(self.due_up_to_date()?.for_each(query, visit)),
        }
    }

    /// How many active enrollments of live workers the device holds, from what is due
    /// as it stands.
    pub(crate) fn active_enrollments_kept(&self) -> Result<u64> {
        Ok(self.due_up_to_date()?.active_enrollments())
    }

    /// What is due as it stands, brought up to date with the commits since it was last
    /// asked: those alone judged again, or everything when nothing is kept.
    fn due_up_to_date(&self) -> Result<MutexGuard<'_, DueIndex>> {
        let mut index = self.due_index();
        let marks = self.due_changes().take();
        let judged = match marks {
            Some(marks) if index.is_judged() => self.with_conn(|conn| index.judge_again(conn, marks)),
            _ => {
                // Changes are counted from before the rows are read: a commit in
                // between is judged again at the next ask.
                index.forget();
                self.start_counting_due_changes().and_then(|()| self.with_conn(|conn| index.judge_all(conn)))
            }
        };
        if let Err(error) = judged {
            index.forget();
            return Err(error);
        }
        Ok(index)
    }

    /// What [`Store::for_each_due`] answers, judged now from the rows alone: what a
    /// worker's page asks, and what the kept answer is held to by the tests.
    pub fn for_each_due_judged_now(
        &self,
        query: &DueQuery,
        mut visit: impl FnMut(&DueItem),
    ) -> Result<Vec<TouchpointId>> {
        let (plans, enrollments, variants) = self.with_conn(|conn| {
            let plans = program_plans(conn, query.program)?;
            let enrollments = active_enrollments(conn, Selection::of(query))?;
            let variants = if plans.any_variant { variants_by_worker(conn, None)? } else { IdMap::default() };
            Ok((plans, enrollments, variants))
        })?;
        let no_variants = IdSet::default();
        let mut completed = IdMap::default();
        for enrollment in &enrollments {
            let Some(plan) = plans.by_program.get(&enrollment.program_id) else { continue };
            let variants = variants.get(&enrollment.worker_id).unwrap_or(&no_variants);
            judge(enrollment, plan, variants, &mut completed, |place, due_at| {
                if query.until.is_some_and(|until| due_at >= until) {
                    return;
                }
                visit(&DueItem {
                    program_id: enrollment.program_id,
                    touchpoint_id: plan[place].0,
                    assignment_id: enrollment.assignment_id,
                    worker_id: enrollment.worker_id,
                    due_at,
                    urgency: query.day.urgency(due_at),
                });
            });
        }
        Ok(unreadable_of(&plans.unreadable, None))
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
            let mut record = WorkerRecord::default();
            let selection = Selection::Matching { program: None, worker: Some(worker) };
            for enrollment in active_enrollments(conn, selection)? {
                record.enrolled_at =
                    Some(record.enrolled_at.map_or(enrollment.enrolled_at, |at| at.min(enrollment.enrolled_at)));
                fold_completions(&mut record.completed, &enrollment.completed);
            }
            let only = serde_json::json!([worker]).to_string();
            record.variants = variants_by_worker(conn, Some(&only))?.remove(&worker).unwrap_or_default();
            Ok(record)
        })
    }
}

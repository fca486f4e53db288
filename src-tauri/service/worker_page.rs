//! The worker page: a worker with their enrollments, what is due next for them, a
//! timeline of their progress, their segments and badges, and whether their record has
//! reached the server, all read from the device.

use super::sync::RecordSyncState;
use super::Service;
use crate::error::AppError;
use serde::Serialize;
use stride_domain::journey::{Day, Urgency};
use stride_domain::*;
use stride_store::{DueQuery, Filter};
use ts_rs::TS;

/// How many upcoming touchpoints the page lists.
const NEXT_SHOWN: usize = 5;

#[derive(Debug, Clone, PartialEq, Serialize, TS)]
pub struct Enrollment {
    pub id: WorkerAssignmentId,
    pub program_id: ProgramId,
    pub program: String,
    pub status: AssignmentStatus,
    pub enrolled_at: Timestamp,
    pub sync: RecordSyncState,
}

/// A touchpoint due for the worker, now or later.
#[derive(Debug, Clone, PartialEq, Serialize, TS)]
pub struct NextTouchpoint {
    pub touchpoint_id: TouchpointId,
    pub program: String,
    pub title: Option<String>,
    pub due_at: Timestamp,
    pub urgency: Urgency,
}

/// One progress record, named by its touchpoint's content.
#[derive(Debug, Clone, PartialEq, Serialize, TS)]
pub struct ProgressEntry {
    pub id: WorkerProgressId,
    pub program: String,
    /// The touchpoint's content title (None when it has none).
    pub title: Option<String>,
    pub content_type: Option<ContentType>,
    pub started_at: Option<Timestamp>,
    pub completed_at: Option<Timestamp>,
    pub score: Option<Score>,
    pub feedback: Option<String>,
    pub sync: RecordSyncState,
}

#[derive(Debug, Clone, PartialEq, Serialize, TS)]
pub struct BadgeAward {
    /// The award's row key, for deleting it.
    pub key: RowKey,
    pub name: String,
    pub awarded_at: Timestamp,
}

#[derive(Debug, Clone, PartialEq, Serialize, TS)]
pub struct WorkerPage {
    pub worker: Worker,
    /// Whether the worker's own record has reached the server.
    pub sync: RecordSyncState,
    pub enrollments: Vec<Enrollment>,
    /// Due now or next, soonest first (active enrollments only).
    pub next: Vec<NextTouchpoint>,
    /// Newest first.
    pub timeline: Vec<ProgressEntry>,
    pub segments: Vec<String>,
    pub badges: Vec<BadgeAward>,
    /// This device's edits of the worker, their enrollments and progress that lost to
    /// a concurrent edit elsewhere: both values, until a person dismisses them.
    pub lost_edits: Vec<stride_store::LostEdit>,
}

impl Service {
    /// The worker's page, with what is due judged against `day`.
    pub fn worker_page(&self, id: WorkerId, day: Day) -> Result<WorkerPage, AppError> {
        let store = &self.store;
        let worker = self.get_worker(id)?;
        let by_worker = [Filter::new("worker_id", id.to_string())];
        let program_name = |id: ProgramId| -> Result<String, AppError> {
            Ok(store.get::<Program>(&RowKey::of(id))?.map_or_else(String::new, |p| p.name.to_string()))
        };
        let mut enrollments = Vec::new();
        let mut timeline = Vec::new();
        for assignment in store.list_all::<WorkerAssignment>(&by_worker)? {
            let program = program_name(assignment.program_id)?;
            for progress in
                store.list_all::<WorkerProgress>(&[Filter::new("worker_assignment_id", assignment.id.to_string())])?
            {
                let content = self.touchpoint_content(progress.touchpoint_id)?;
                timeline.push(ProgressEntry {
                    id: progress.id,
                    program: program.clone(),
                    title: content.as_ref().and_then(|c| c.title.as_ref()).map(ToString::to_string),
                    content_type: content.map(|c| c.content_type),
                    started_at: progress.started_at,
                    completed_at: progress.completed_at,
                    score: progress.score,
                    feedback: progress.feedback_text,
                    sync: self.record_sync_state(EntityKind::WorkerProgress, &RowKey::of(progress.id))?,
                });
            }
            enrollments.push(Enrollment {
                id: assignment.id,
                program_id: assignment.program_id,
                program,
                status: assignment.status,
                enrolled_at: assignment.enrollment_date,
                sync: self.record_sync_state(EntityKind::WorkerAssignments, &RowKey::of(assignment.id))?,
            });
        }
        // Enrollment ids are derived from program and worker, so they carry no order.
        enrollments.sort_by_key(|enrollment| enrollment.enrolled_at);
        let when = |entry: &ProgressEntry| entry.completed_at.or(entry.started_at);
        timeline.sort_by_key(|entry| std::cmp::Reverse(when(entry)));
        let segments = store.segments_of(&worker)?.into_iter().map(|s| s.name.to_string()).collect();
        let mut badges = Vec::new();
        for award in store.list_all::<WorkerBadge>(&by_worker)? {
            if let Some(badge) = store.get::<Badge>(&RowKey::of(award.badge_id))? {
                badges.push(BadgeAward {
                    key: award.row_key(),
                    name: badge.name.to_string(),
                    awarded_at: award.awarded_at,
                });
            }
        }
        let mut due = store.due(&DueQuery { day, until: None, program: None, worker: Some(id) })?.items;
        due.sort_by_key(|item| item.due_at);
        due.truncate(NEXT_SHOWN);
        let mut next = Vec::new();
        for item in due {
            let title = self.touchpoint_content(item.touchpoint_id)?.and_then(|content| content.title);
            next.push(NextTouchpoint {
                touchpoint_id: item.touchpoint_id,
                program: program_name(item.program_id)?,
                title: title.map(|title| title.to_string()),
                due_at: item.due_at,
                urgency: item.urgency,
            });
        }
        let sync = self.record_sync_state(EntityKind::Workers, &RowKey::of(id))?;
        let records: Vec<(EntityKind, RowKey)> = std::iter::once((EntityKind::Workers, RowKey::of(id)))
            .chain(enrollments.iter().map(|e| (EntityKind::WorkerAssignments, RowKey::of(e.id))))
            .chain(timeline.iter().map(|p| (EntityKind::WorkerProgress, RowKey::of(p.id))))
            .collect();
        let lost_edits = self.lost_edits_of(&records)?;
        Ok(WorkerPage { worker, sync, enrollments, next, timeline, segments, badges, lost_edits })
    }

    /// The content a touchpoint shows, if both are on the device (a touchpoint a
    /// marketplace update removed, and its content, still name the sessions kept on it).
    fn touchpoint_content(&self, id: TouchpointId) -> Result<Option<Content>, AppError> {
        Ok(match self.store.get_even_deleted::<Touchpoint>(&RowKey::of(id))? {
            Some(touchpoint) => self.store.get_even_deleted::<Content>(&RowKey::of(touchpoint.content_id))?,
            None => None,
        })
    }
}

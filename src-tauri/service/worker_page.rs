//! The worker page: a worker with their enrollments, a timeline of their progress,
//! their segments and badges, all read from the device.

use super::Service;
use crate::error::AppError;
use serde::Serialize;
use stride_domain::*;
use stride_store::Filter;
use ts_rs::TS;

#[derive(Debug, Clone, PartialEq, Serialize, TS)]
pub struct Enrollment {
    pub id: WorkerAssignmentId,
    pub program: String,
    pub status: AssignmentStatus,
    pub enrolled_at: Timestamp,
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
}

#[derive(Debug, Clone, PartialEq, Serialize, TS)]
pub struct BadgeAward {
    pub name: String,
    pub awarded_at: Timestamp,
}

#[derive(Debug, Clone, PartialEq, Serialize, TS)]
pub struct WorkerPage {
    pub worker: Worker,
    pub enrollments: Vec<Enrollment>,
    /// Newest first.
    pub timeline: Vec<ProgressEntry>,
    pub segments: Vec<String>,
    pub badges: Vec<BadgeAward>,
}

impl Service {
    pub fn worker_page(&self, id: WorkerId) -> Result<WorkerPage, AppError> {
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
                let content = match store.get::<Touchpoint>(&RowKey::of(progress.touchpoint_id))? {
                    Some(touchpoint) => store.get::<Content>(&RowKey::of(touchpoint.content_id))?,
                    None => None,
                };
                timeline.push(ProgressEntry {
                    id: progress.id,
                    program: program.clone(),
                    title: content.as_ref().and_then(|c| c.title.as_ref()).map(ToString::to_string),
                    content_type: content.map(|c| c.content_type),
                    started_at: progress.started_at,
                    completed_at: progress.completed_at,
                    score: progress.score,
                    feedback: progress.feedback_text,
                });
            }
            enrollments.push(Enrollment {
                id: assignment.id,
                program,
                status: assignment.status,
                enrolled_at: assignment.enrollment_date,
            });
        }
        let when = |entry: &ProgressEntry| entry.completed_at.or(entry.started_at);
        timeline.sort_by_key(|entry| std::cmp::Reverse(when(entry)));
        let mut segments = Vec::new();
        for membership in store.list_all::<WorkerSegment>(&by_worker)? {
            if let Some(segment) = store.get::<Segment>(&RowKey::of(membership.segment_id))? {
                segments.push(segment.name.to_string());
            }
        }
        segments.sort();
        let mut badges = Vec::new();
        for award in store.list_all::<WorkerBadge>(&by_worker)? {
            if let Some(badge) = store.get::<Badge>(&RowKey::of(award.badge_id))? {
                badges.push(BadgeAward { name: badge.name.to_string(), awarded_at: award.awarded_at });
            }
        }
        Ok(WorkerPage { worker, enrollments, timeline, segments, badges })
    }
}

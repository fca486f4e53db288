//! Home's overview: what happened lately on the organization's data (progress
//! recorded, enrollments, new workers), a few counts, and the names of the touchpoints
//! and workers its lines show.

use crate::codec::{id_column, timestamp_column};
use crate::{Result, Store, StoreError};
use rusqlite::{params, Row};
use serde::Serialize;
use std::str::FromStr;
use stride_domain::{ContentType, IdMap, Timestamp, TouchpointId, WorkerId};
use ts_rs::TS;

#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, TS)]
#[serde(rename_all = "snake_case")]
pub enum ActivityKind {
    /// A touchpoint completed (or, without a completion time, started).
    Progress,
    Enrollment,
    NewWorker,
}

/// One thing that happened, named for a person to read.
#[derive(Debug, Clone, PartialEq, Serialize, TS)]
pub struct Activity {
    pub kind: ActivityKind,
    /// When it happened: the completion (or start), the enrollment, the joining.
    pub at: Timestamp,
    pub worker_id: WorkerId,
    pub worker_name: String,
    /// The program, for progress and enrollments.
    pub program: Option<String>,
    /// The touchpoint's content title, for progress.
    pub touchpoint: Option<String>,
    pub completed: bool,
    pub score: Option<f64>,
}

/// How much there is on the device.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, TS)]
pub struct Counts {
    #[ts(type = "number")]
    pub workers: u64,
    #[ts(type = "number")]
    pub programs: u64,
    /// Active enrollments of live workers.
    #[ts(type = "number")]
    pub active_enrollments: u64,
    /// Progress records made since the given moment.
    #[ts(type = "number")]
    pub recorded_since: u64,
}

fn activity_from_row(row: &Row<'_>) -> Result<Activity> {
    let kind = match row.get::<_, String>(0)?.as_str() {
        "progress" => ActivityKind::Progress,
        "enrollment" => ActivityKind::Enrollment,
        _ => ActivityKind::NewWorker,
    };
    Ok(Activity {
        kind,
        at: timestamp_column(row, 1, "recent activity")?,
        worker_id: id_column(row, 2, "worker")?,
        worker_name: row.get(3)?,
        program: row.get(4)?,
        touchpoint: row.get(5)?,
        completed: row.get::<_, Option<bool>>(6)?.unwrap_or(false),
        score: row.get(7)?,
    })
}

impl Store {
    /// The latest `limit` things recorded on the device's data, the most recently
    /// recorded first (a session entered today about last week comes first, dated last
    /// week): progress, enrollments and new workers.
    pub fn recent_activity(&self, limit: u32) -> Result<Vec<Activity>> {
        self.with_conn(|conn| {
            // Each branch reads only its newest rows (progress through its created_at index).
            let mut statement = conn.prepare_cached(
                "SELECT * FROM (
                   SELECT 'progress', coalesce(p.completed_at, p.started_at, p.created_at), w.id, w.full_name,
                          pr.name, c.title, p.completed_at IS NOT NULL, p.score, p.created_at AS recorded
                   FROM worker_progress p
                   JOIN worker_assignments a ON a.id = p.worker_assignment_id
                   JOIN workers w ON w.id = a.worker_id AND w.deleted_at IS NULL
                   LEFT JOIN programs pr ON pr.id = a.program_id
                   LEFT JOIN touchpoints t ON t.id = p.touchpoint_id
                   LEFT JOIN content c ON c.id = t.content_id
                   WHERE p.deleted_at IS NULL
                   ORDER BY p.created_at DESC LIMIT ?1)
                 UNION ALL
                 SELECT * FROM (
                   SELECT 'enrollment', a.enrollment_date, w.id, w.full_name, pr.name, NULL, NULL, NULL,
                          a.created_at AS recorded
                   FROM worker_assignments a
                   JOIN workers w ON w.id = a.worker_id AND w.deleted_at IS NULL
                   LEFT JOIN programs pr ON pr.id = a.program_id
                   WHERE a.deleted_at IS NULL
                   ORDER BY a.created_at DESC LIMIT ?1)
                 UNION ALL
                 SELECT * FROM (
                   SELECT 'new_worker', w.created_at, w.id, w.full_name, NULL, NULL, NULL, NULL,
                          w.created_at AS recorded
                   FROM workers w WHERE w.deleted_at IS NULL
                   ORDER BY w.created_at DESC LIMIT ?1)
                 ORDER BY recorded DESC LIMIT ?1",
            )?;
            let mut rows = statement.query([limit])?;
            let mut activity = Vec::new();
            while let Some(row) = rows.next()? {
                activity.push(activity_from_row(row)?);
            }
            Ok(activity)
        })
    }

    /// Workers, programs and active enrollments on the device, and the progress records
    /// made since `since`. The active enrollments are those what is due keeps
    /// (`due_index.rs`): counting them here read 50,000 rows at each visit of home.
    pub fn counts(&self, since: Timestamp) -> Result<Counts> {
        let active_enrollments = self.active_enrollments_kept()?;
        self.with_conn(|conn| {
            let counts = conn
                .prepare_cached(
                    "SELECT (SELECT count(*) FROM workers WHERE deleted_at IS NULL),
                        (SELECT count(*) FROM programs WHERE deleted_at IS NULL),
                        (SELECT count(*) FROM worker_progress WHERE created_at >= ?1 AND deleted_at IS NULL)",
                )?
                .query_row(params![since.to_string()], |row| {
                    Ok(Counts {
                        workers: row.get::<_, i64>(0)? as u64,
                        programs: row.get::<_, i64>(1)? as u64,
                        active_enrollments,
                        recorded_since: row.get::<_, i64>(2)? as u64,
                    })
                })?;
            Ok(counts)
        })
    }
}

impl Store {
    /// How many live rows of an entity the device holds.
    pub fn live_count(&self, kind: stride_domain::EntityKind) -> Result<u32> {
        self.with_conn(|conn| {
            let sql = format!("SELECT count(*) FROM {} WHERE deleted_at IS NULL", kind.table());
            Ok(conn.prepare_cached(&sql)?.query_row([], |row| row.get(0))?)
        })
    }
}

/// How home names a touchpoint: its content, and the phase and journey it is in.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct TouchpointLabel {
    /// The content's title (None when it has none, or the content is gone).
    pub title: Option<String>,
    pub content_type: Option<ContentType>,
    /// Empty when the phase is gone; the journey's likewise.
    pub phase: String,
    pub journey: String,
}

impl Store {
    /// The labels of the live touchpoints among `ids`, in one read (home names hundreds).
    pub fn touchpoint_labels(&self, ids: &[TouchpointId]) -> Result<IdMap<TouchpointId, TouchpointLabel>> {
        let ids = serde_json::to_string(ids).unwrap_or_else(|_| "[]".to_owned());
        self.with_conn(|conn| {
            let mut statement = conn.prepare_cached(
                "SELECT t.id, c.title, c.type, ph.name, j.title
                 FROM touchpoints t
                 LEFT JOIN content c ON c.id = t.content_id AND c.deleted_at IS NULL
                 LEFT JOIN phases ph ON ph.id = t.phase_id AND ph.deleted_at IS NULL
                 LEFT JOIN journey_blueprints j ON j.id = ph.journey_blueprint_id AND j.deleted_at IS NULL
                 WHERE t.id IN (SELECT value FROM json_each(?1)) AND t.deleted_at IS NULL",
            )?;
            let mut rows = statement.query([ids])?;
            let mut labels = IdMap::default();
            while let Some(row) = rows.next()? {
                let content_type = match row.get::<_, Option<String>>(2)? {
                    Some(text) => Some(ContentType::from_str(&text).map_err(|problem| StoreError::CorruptRecord {
                        what: "a content type".into(),
                        problem: problem.to_string(),
                    })?),
                    None => None,
                };
                labels.insert(
                    id_column(row, 0, "touchpoint")?,
                    TouchpointLabel {
                        title: row.get(1)?,
                        content_type,
                        phase: row.get::<_, Option<String>>(3)?.unwrap_or_default(),
                        journey: row.get::<_, Option<String>>(4)?.unwrap_or_default(),
                    },
                );
            }
            Ok(labels)
        })
    }

    /// The names of the live workers among `ids`, in one read.
    pub fn worker_names(&self, ids: &[WorkerId]) -> Result<IdMap<WorkerId, String>> {
        let ids = serde_json::to_string(ids).unwrap_or_else(|_| "[]".to_owned());
        self.with_conn(|conn| {
            let mut statement = conn.prepare_cached(
                "SELECT id, full_name FROM workers WHERE id IN (SELECT value FROM json_each(?1)) AND deleted_at IS NULL",
            )?;
            let mut rows = statement.query([ids])?;
            let mut names = IdMap::default();
            while let Some(row) = rows.next()? {
                names.insert(id_column(row, 0, "worker")?, row.get(1)?);
            }
            Ok(names)
        })
    }
}

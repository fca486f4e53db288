//! Who is in a segment, worked out on the device. A segment with a rule
//! (`stride_domain::segment`) has as members every live worker the rule matches, judged
//! when asked, so membership follows every edit and every pulled worker at once, offline;
//! a segment without one has the members added by hand (`worker_segment`).

use crate::codec::id_column;
use crate::repository::worker_from_row;
use crate::{Result, Store};
use stride_domain::segment::SegmentRule;
use stride_domain::{Entity, RowKey, Segment, SegmentId, Worker, WorkerId};

impl Store {
    /// Every live worker the rule matches, by name.
    pub fn workers_matching(&self, rule: &SegmentRule) -> Result<Vec<Worker>> {
        let mut matching = Vec::new();
        self.for_each_worker(|worker| {
            if rule.matches(&worker) {
                matching.push(worker);
            }
        })?;
        Ok(matching)
    }

    /// The segment's members (none when it does not exist or its rule cannot be read).
    pub fn segment_members(&self, segment: SegmentId) -> Result<Vec<WorkerId>> {
        let Some(segment) = self.get::<Segment>(&RowKey::of(segment))? else { return Ok(Vec::new()) };
        match SegmentRule::parse(segment.rule_definition.as_ref()) {
            Ok(Some(rule)) => Ok(self.workers_matching(&rule)?.into_iter().map(|w| w.id).collect()),
            Ok(None) => self.with_conn(|conn| {
                let mut statement = conn.prepare_cached(
                    "SELECT ws.worker_id FROM worker_segment ws
                     JOIN workers w ON w.id = ws.worker_id AND w.deleted_at IS NULL
                     WHERE ws.segment_id = ?1 AND ws.deleted_at IS NULL
                     ORDER BY w.full_name COLLATE NOCASE, w.id",
                )?;
                let mut rows = statement.query([segment.id.to_string()])?;
                let mut members = Vec::new();
                while let Some(row) = rows.next()? {
                    members.push(id_column(row, 0, "worker")?);
                }
                Ok(members)
            }),
            Err(_) => Ok(Vec::new()),
        }
    }

    /// The live segments the worker belongs to, by name.
    pub fn segments_of(&self, worker: &Worker) -> Result<Vec<Segment>> {
        let by_hand: Vec<String> = self.with_conn(|conn| {
            let mut statement = conn
                .prepare_cached("SELECT segment_id FROM worker_segment WHERE worker_id = ?1 AND deleted_at IS NULL")?;
            let ids = statement.query_map([worker.id.to_string()], |row| row.get(0))?;
            Ok(ids.collect::<rusqlite::Result<Vec<String>>>()?)
        })?;
        let mut segments: Vec<Segment> = self
            .list_all::<Segment>(&[])?
            .into_iter()
            .filter(|segment| match SegmentRule::parse(segment.rule_definition.as_ref()) {
                Ok(Some(rule)) => rule.matches(worker),
                Ok(None) => by_hand.contains(&segment.id.to_string()),
                Err(_) => false,
            })
            .collect();
        segments.sort_by(|a, b| a.name.as_str().cmp(b.name.as_str()));
        Ok(segments)
    }

    /// Hands every live worker to `visit`, by name.
    fn for_each_worker(&self, mut visit: impl FnMut(Worker)) -> Result<()> {
        let columns = Worker::KIND.spec().columns.iter().map(|c| c.name).collect::<Vec<_>>().join(", ");
        self.with_conn(|conn| {
            let mut statement = conn.prepare_cached(&format!(
                "SELECT {columns} FROM workers WHERE deleted_at IS NULL ORDER BY full_name COLLATE NOCASE, id"
            ))?;
            let mut rows = statement.query([])?;
            while let Some(row) = rows.next()? {
                visit(worker_from_row(row)?);
            }
            Ok(())
        })
    }
}

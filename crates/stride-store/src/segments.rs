//! Who is in a segment, worked out on the device. A segment with a rule
//! (`stride_domain::segment`) has as members every live worker the rule matches, judged
//! when asked, so membership follows every edit and every pulled worker at once, offline;
//! a segment without one has the members added by hand (`worker_segment`).

use crate::codec::id_column;
use crate::store::SegmentCache;
use crate::WellBeingPoint;
use crate::{Result, Store, StoreError};
use rusqlite::types::Value;
use stride_domain::segment::{Field, SegmentRule, WorkerFacts};
use stride_domain::{RowKey, Segment, SegmentId, Worker, WorkerId};

impl Store {
    /// Every live worker the rule matches (id and name), by name.
    pub fn workers_matching(&self, rule: &SegmentRule) -> Result<Vec<(WorkerId, String)>> {
        let mut matching = Vec::new();
        self.for_each_worker(rule.reads(&Field::WellBeingChange), |id, facts| {
            if rule.matches(&facts) {
                matching.push((id, facts.full_name));
            }
        })?;
        // Sorting the matches costs less than reading every worker in name order (as
        // SQLite's NOCASE compares: ASCII letters without case).
        matching.sort_by_cached_key(|(id, name)| (name.to_ascii_lowercase(), *id));
        Ok(matching)
    }

    /// The segment's members (none when it does not exist or its rule cannot be read).
    pub fn segment_members(&self, segment: SegmentId) -> Result<Vec<WorkerId>> {
        let Some(segment) = self.get::<Segment>(&RowKey::of(segment))? else { return Ok(Vec::new()) };
        match SegmentRule::parse(segment.rule_definition.as_ref()) {
            Ok(Some(rule)) => Ok(self.workers_matching(&rule)?.into_iter().map(|(id, _)| id).collect()),
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

    /// The condition (and its arguments) that keeps a worker search to a segment's
    /// members: the hand-made memberships in SQL, or a rule's members, judged in Rust and
    /// kept in a temporary table while nothing changes.
    pub(crate) fn segment_condition(&self, id: SegmentId) -> Result<(String, Vec<Value>)> {
        let by_hand = || {
            (
                "w.id IN (SELECT ws.worker_id FROM worker_segment ws WHERE ws.segment_id = ? AND ws.deleted_at IS NULL)"
                    .to_owned(),
                vec![Value::Text(id.to_string())],
            )
        };
        let from_table = || ("w.id IN (SELECT worker_id FROM temp.segment_members)".to_owned(), Vec::new());
        let Some(segment) = self.get::<Segment>(&RowKey::of(id))? else { return Ok(by_hand()) };
        let rule = match SegmentRule::parse(segment.rule_definition.as_ref()) {
            Ok(Some(rule)) => rule,
            Ok(None) => return Ok(by_hand()),
            // A rule this version cannot read selects no one.
            Err(_) => return Ok(("0".to_owned(), Vec::new())),
        };
        let rule_text = serde_json::Value::from(rule.to_json()).to_string();
        let wanted = |data_version| SegmentCache { segment: id, rule: rule_text.clone(), data_version };
        let before = {
            let reader = self.reader();
            let version = data_version(&reader.conn)?;
            if reader.segment_cache.as_ref() == Some(&wanted(version)) {
                return Ok(from_table());
            }
            version
        };
        let members = self.workers_matching(&rule)?;
        let mut reader = self.reader();
        // The connection is read-only; its temporary tables are its own to write.
        {
            let tx = reader.conn.transaction()?;
            tx.execute_batch(
                "CREATE TEMP TABLE IF NOT EXISTS segment_members (worker_id TEXT PRIMARY KEY NOT NULL);
                 DELETE FROM temp.segment_members;",
            )?;
            {
                let mut insert = tx.prepare_cached("INSERT INTO temp.segment_members (worker_id) VALUES (?1)")?;
                for (worker, _) in &members {
                    insert.execute([worker.to_string()])?;
                }
            }
            tx.commit()?;
        }
        // Kept only when nothing was written while the members were judged.
        let unchanged = data_version(&reader.conn)? == before;
        reader.segment_cache = unchanged.then(|| wanted(before));
        Ok(from_table())
    }

    /// How many members each live segment has: the rule segments judged together in one
    /// pass over the workers, the others counted from their rows.
    pub fn segment_sizes(&self) -> Result<stride_domain::IdMap<SegmentId, u32>> {
        let mut sizes = stride_domain::IdMap::default();
        let mut rules = Vec::new();
        for segment in self.list_all::<Segment>(&[])? {
            sizes.insert(segment.id, 0);
            // A rule this version cannot read selects no one.
            match SegmentRule::parse(segment.rule_definition.as_ref()) {
                Ok(Some(rule)) => rules.push((segment.id, rule)),
                Ok(None) => {
                    let by_hand: u32 = self.with_conn(|conn| {
                        Ok(conn
                            .prepare_cached(
                                "SELECT count(*) FROM worker_segment ws
                                 JOIN workers w ON w.id = ws.worker_id AND w.deleted_at IS NULL
                                 WHERE ws.segment_id = ?1 AND ws.deleted_at IS NULL",
                            )?
                            .query_row([segment.id.to_string()], |row| row.get(0))?)
                    })?;
                    sizes.insert(segment.id, by_hand);
                }
                Err(_) => {}
            }
        }
        if !rules.is_empty() {
            let with_changes = rules.iter().any(|(_, rule)| rule.reads(&Field::WellBeingChange));
            self.for_each_worker(with_changes, |_, facts| {
                for (id, rule) in &rules {
                    if rule.matches(&facts) {
                        *sizes.entry(*id).or_default() += 1;
                    }
                }
            })?;
        }
        Ok(sizes)
    }

    /// The live segments the worker belongs to, by name.
    pub fn segments_of(&self, worker: &Worker) -> Result<Vec<Segment>> {
        let by_hand: Vec<String> = self.with_conn(|conn| {
            let mut statement = conn
                .prepare_cached("SELECT segment_id FROM worker_segment WHERE worker_id = ?1 AND deleted_at IS NULL")?;
            let ids = statement.query_map([worker.id.to_string()], |row| row.get(0))?;
            Ok(ids.collect::<rusqlite::Result<Vec<String>>>()?)
        })?;
        let segments = self.list_all::<Segment>(&[])?;
        let rules: Vec<_> = segments.iter().map(|s| SegmentRule::parse(s.rule_definition.as_ref())).collect();
        // Judged on the same facts as every worker at once (`for_each_worker`); the
        // checks are read only when a rule looks at their change.
        let change = if rules.iter().flatten().flatten().any(|rule| rule.reads(&Field::WellBeingChange)) {
            WellBeingPoint::change_of(&self.well_being_history(worker.id)?)
        } else {
            None
        };
        let facts = WorkerFacts::of(worker, change);
        let mut segments: Vec<Segment> = segments
            .into_iter()
            .zip(rules)
            .filter(|(segment, rule)| match rule {
                Ok(Some(rule)) => rule.matches(&facts),
                Ok(None) => by_hand.contains(&segment.id.to_string()),
                Err(_) => false,
            })
            .map(|(segment, _)| segment)
            .collect();
        segments.sort_by(|a, b| a.name.as_str().cmp(b.name.as_str()));
        Ok(segments)
    }

    /// Hands every live worker's id and the columns rules read to `visit`, in no order:
    /// only those columns are read and decoded (a whole `Worker` costs twice as much, and
    /// reading in name order twice again). The change of each worker's well-being is
    /// read only `with_changes` (a rule looks at it): it costs a pass over every check.
    fn for_each_worker(&self, with_changes: bool, mut visit: impl FnMut(WorkerId, WorkerFacts)) -> Result<()> {
        let changes = if with_changes { self.well_being_changes()? } else { Default::default() };
        self.with_conn(|conn| {
            let mut statement = conn.prepare_cached(
                "SELECT id, full_name, phone_number, well_being_score, performance_metric, custom_attributes
                 FROM workers WHERE deleted_at IS NULL",
            )?;
            let mut rows = statement.query([])?;
            while let Some(row) = rows.next()? {
                let id: WorkerId = id_column(row, 0, "worker")?;
                let attributes = row.get_ref(5)?.as_str().map_err(rusqlite::Error::from)?;
                let custom_attributes = serde_json::from_str(attributes).map_err(|source| StoreError::Corrupt {
                    entity: stride_domain::EntityKind::Workers,
                    key: id.to_string(),
                    source,
                })?;
                visit(
                    id,
                    WorkerFacts {
                        full_name: row.get(1)?,
                        phone_number: row.get(2)?,
                        well_being_score: row.get(3)?,
                        well_being_change: changes.get(&id).copied(),
                        performance_metric: row.get(4)?,
                        custom_attributes,
                    },
                );
            }
            Ok(())
        })
    }
}

/// A number that moves whenever another connection (the writer) commits.
fn data_version(conn: &rusqlite::Connection) -> Result<i64> {
    Ok(conn.query_row("PRAGMA data_version", [], |row| row.get(0))?)
}

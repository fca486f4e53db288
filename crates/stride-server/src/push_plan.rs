//! The plan of one batch of a push, decided in memory with no database: given the rows
//! the batch touches as they stand (read and locked by `push_sql::load`) and which rows
//! it refers to, every change is decided in order by the rules of `push_rules.rs`, the
//! tier's limits (`quota.rs`) and one enrollment per worker and program
//! (`enrollments.rs`). The plan holds each change's outcome and the writes that carry
//! out the applied ones, which `push_sql::write` then does. A batch of one change is a
//! plan like any other: that is how a batch the database refused is taken change by change.

use crate::auth::AuthenticatedDevice;
use crate::deletes::reaches_others;
use crate::enrollments::LiveEnrollments;
use crate::push_rules::{
    conflicts, copy_rules, follows_listing, judge, reject, revives, with_clocks, Checked, FieldConflict, Fields,
    DELETE_CLOCK,
};
use crate::quota::Quota;
use serde_json::{json, Value};
use std::collections::{BTreeMap, HashMap, HashSet};
use stride_domain::api::{Outcome, PushedChange};
use stride_domain::registry::REGISTRY;
use stride_domain::ErrorCode;
use stride_domain::{ChangeOp, EntityKind, EntitySpec, Hlc};
use uuid::Uuid;

/// A row by its table and key.
pub(crate) type RowId = (&'static str, Vec<Uuid>);

/// A change of a group not applied before: which push it came in, and from whom.
#[derive(Clone, Copy)]
pub(crate) struct Incoming<'a> {
    pub push: usize,
    pub device: &'a AuthenticatedDevice,
    pub pushed: &'a PushedChange,
}

/// What a push holds its changes to beyond each row: the tier's limits and one
/// enrollment per worker and program, kept as the changes are decided.
#[derive(Debug, Clone)]
pub(crate) struct Limits {
    pub quota: Quota,
    pub enrollments: LiveEnrollments,
}

impl Limits {
    /// Back to `before`, when a change is rolled back.
    pub(crate) fn roll_back_to(&mut self, before: Limits) {
        self.quota = before.quota;
        self.enrollments.roll_back_to(before.enrollments);
    }
}

/// A row the batch touches as it stands so far: its field clocks and its fields.
pub(crate) struct Stored {
    pub clocks: Value,
    pub fields: Fields,
}

impl Stored {
    /// What a delete in this batch leaves: a tombstone stamped by it.
    fn deleted(&mut self, hlc: Hlc) {
        if self.fields.get("deleted_at").is_none_or(Value::is_null) {
            self.fields.insert("deleted_at".into(), Value::String(crate::clock::now().to_string()));
        }
        if let Value::Object(clocks) = &mut self.clocks {
            let stamp = hlc.to_string();
            let latest = clocks.get(DELETE_CLOCK).and_then(Value::as_str).filter(|s| *s > stamp.as_str());
            if latest.is_none() {
                clocks.insert(DELETE_CLOCK.into(), Value::String(stamp));
            }
        }
    }
}

/// What the database holds of the rows a batch touches and refers to.
pub(crate) struct Loaded {
    /// The touched rows that exist (live or tombstones), locked until commit.
    pub rows: HashMap<RowId, Stored>,
    /// The referenced rows that exist in the organization, deleted or not.
    pub existing: HashSet<(&'static str, Uuid)>,
    /// Those of them that are locked copies of a marketplace listing.
    pub locked: HashSet<(&'static str, Uuid)>,
}

/// The rows a batch must load: those it touches, by table, and the ids it refers to.
pub(crate) struct Wanted {
    pub touched: BTreeMap<&'static str, (&'static EntitySpec, Vec<Vec<Uuid>>)>,
    pub referenced: BTreeMap<&'static str, Vec<Uuid>>,
}

impl Wanted {
    pub(crate) fn of(checked: &[Result<Checked<'_>, Outcome>]) -> Self {
        let mut wanted = Wanted { touched: BTreeMap::new(), referenced: BTreeMap::new() };
        for c in checked.iter().flatten() {
            wanted.touched.entry(c.spec.table).or_insert((c.spec, Vec::new())).1.push(c.key.clone());
            for (name, value) in &c.change.fields {
                if let (Some(fk), Some(id)) = (c.spec.column(name).and_then(|col| col.references), value.as_str()) {
                    if fk.table != "organizations" {
                        wanted.referenced.entry(fk.table).or_default().extend(Uuid::parse_str(id).ok());
                    }
                }
            }
        }
        wanted
    }
}

/// Whether a batch of several must be taken change by change: a delete that reaches
/// other rows (`deletes.rs`) is decided against them in the database, so it goes in a
/// batch of one.
pub(crate) fn needs_one_by_one(checked: &[Result<Checked<'_>, Outcome>]) -> bool {
    checked.len() > 1 && checked.iter().flatten().any(|c| c.change.op == ChangeOp::Delete && reaches_others(c.spec))
}

/// The enrollments the batch writes, each as its change would leave it, so that the
/// live enrollments of their (program, worker) pairs are learned first.
pub(crate) fn enrollments_written<'a>(
    checked: &'a [Result<Checked<'_>, Outcome>],
    rows: &'a HashMap<RowId, Stored>,
) -> impl Iterator<Item = Fields> + 'a {
    checked
        .iter()
        .flatten()
        .filter(|c| c.spec.kind == EntityKind::WorkerAssignments)
        .map(|c| enrollment_after(rows.get(&(c.spec.table, c.key.clone())).map(|s| &s.fields), &c.change.fields, false))
}

/// A write the plan decided, done after the batch's inserts, in order.
pub(crate) enum Write {
    Update {
        spec: &'static EntitySpec,
        key: Vec<Uuid>,
        winners: Fields,
        hlc: Hlc,
        revive: bool,
    },
    /// A tombstone; `follow` takes the seed's ON DELETE rules to the rows that hold it.
    Delete {
        spec: &'static EntitySpec,
        key: Vec<Uuid>,
        hlc: Hlc,
        follow: bool,
    },
}

/// What the plan writes, in order: the audit trail and the values lost to concurrent
/// edits, new rows by table (parents first), then edits and deletes.
#[derive(Default)]
pub(crate) struct Writes {
    pub log: Vec<Value>,
    pub lost: Vec<Value>,
    /// New rows by their table's place in the registry and their columns.
    pub inserts: BTreeMap<(usize, Vec<String>), Vec<Value>>,
    pub later: Vec<Write>,
}

/// The outcome of each change of the batch, in order, and the writes of those applied.
pub(crate) struct Plan {
    pub outcomes: Vec<Outcome>,
    pub writes: Writes,
}

/// Decides every change of the batch in order (`checked[i]` is `fresh[i]` checked).
pub(crate) fn plan(
    org: Uuid,
    fresh: &[Incoming<'_>],
    checked: Vec<Result<Checked<'_>, Outcome>>,
    loaded: Loaded,
    limits: &mut Limits,
) -> Plan {
    let Loaded { mut rows, existing, locked } = loaded;
    let mut writes = Writes::default();
    let mut outcomes = Vec::with_capacity(fresh.len());
    for (incoming, checked) in fresh.iter().zip(checked) {
        let pushed = incoming.pushed;
        let c = match checked {
            Ok(c) => c,
            Err(refused) => {
                outcomes.push(refused);
                continue;
            }
        };
        let id: RowId = (c.spec.table, c.key.clone());
        let decided = match c.change.op {
            ChangeOp::Delete => match rows.get_mut(&id) {
                Some(stored) => copy_rules(c.spec, Some(&stored.fields), &Fields::new()).map(|()| {
                    stored.deleted(c.hlc);
                    if c.spec.kind == EntityKind::WorkerAssignments {
                        limits.enrollments.deleted(c.key[0]);
                    }
                    let follow = reaches_others(c.spec);
                    writes.later.push(Write::Delete { spec: c.spec, key: c.key.clone(), hlc: c.hlc, follow });
                    Fields::new()
                }),
                None => Err(reject(ErrorCode::NotFound, format!("{} has no such row", c.spec.table))),
            },
            ChangeOp::Upsert => match missing_reference(&c, &existing, &rows, &limits.enrollments)
                .or_else(|| part_of_locked_copy(&c, &locked, &rows))
            {
                Some(refused) => Err(refused),
                None => decide(&c, org, rows.get_mut(&id), limits).map(|(judged, decided, found)| {
                    let pusher = incoming.device.device_id.as_uuid();
                    writes.lost.extend(found.iter().map(|f| {
                        crate::push_rules::conflict_row(c.spec.kind, &c.change.row_key, c.change.change_id, pusher, f)
                    }));
                    match decided {
                        Decided::Insert(row) => {
                            let columns: Vec<String> = row.keys().cloned().collect();
                            let position = REGISTRY.iter().position(|s| s.table == c.spec.table).unwrap_or(usize::MAX);
                            let clocks = row.get("field_hlc").cloned().unwrap_or(Value::Null);
                            rows.insert(id, Stored { clocks, fields: row.clone() });
                            writes.inserts.entry((position, columns)).or_default().push(Value::Object(row));
                        }
                        Decided::Update { winners, revive } if revive || !winners.is_empty() => writes
                            .later
                            .push(Write::Update { spec: c.spec, key: c.key.clone(), winners, hlc: c.hlc, revive }),
                        Decided::Update { .. } => {}
                    }
                    judged
                }),
            },
        };
        outcomes.push(match decided {
            Ok(applied_fields) => {
                writes.log.push(json!({
                    "change_id": c.change.change_id, "device_id": incoming.device.device_id, "device_seq": pushed.seq, "user_id": c.author, "entity": c.spec.table,
                    "row_key": c.change.row_key.as_str(), "op": c.change.op.as_str(),
                    "fields": Value::Object(applied_fields), "hlc": c.hlc.to_string(),
                }));
                Outcome::Applied
            }
            Err(refused) => refused,
        });
    }
    Plan { outcomes, writes }
}

/// What an upsert does to its row, decided in memory.
enum Decided {
    /// A new row, with its field clocks.
    Insert(Fields),
    /// The fields of an edit that won their clock comparison (all of them when the row
    /// is made again after a delete: `revive`).
    Update { winners: Fields, revive: bool },
}

/// Judges an upsert against the row as the batch has left it so far, takes its place in
/// the tier, and keeps the row's fields and clocks up to date for the changes after it.
/// Returns the change's fields as applied (canonical), the write, and the conflicts it meets.
fn decide(
    c: &Checked<'_>,
    org: Uuid,
    stored: Option<&mut Stored>,
    limits: &mut Limits,
) -> Result<(Fields, Decided, Vec<FieldConflict>), Outcome> {
    copy_rules(c.spec, stored.as_ref().map(|s| &s.fields), &c.change.fields)?;
    let judged = judge(c.spec, org, &c.key, stored.as_ref().map(|s| &s.fields), &c.change.fields)?;
    let revive = stored.as_ref().is_some_and(|s| revives(c.spec, &s.fields, &s.clocks, &c.change.fields, c.hlc));
    if c.spec.kind == EntityKind::WorkerAssignments {
        let before = stored.as_ref().map(|s| &s.fields);
        limits.enrollments.admit(c.key[0], before, &enrollment_after(before, &judged, revive))?;
    }
    let quota = &mut limits.quota;
    let Some(stored) = stored else {
        quota.admit(c.spec, &judged)?;
        let row = with_clocks(judged.clone(), &c.change.fields, c.hlc);
        return Ok((judged, Decided::Insert(row), Vec::new()));
    };
    let won = if revive { judged.clone() } else { crate::push_rules::winners(c.spec, &judged, &stored.clocks, c.hlc) };
    let found = if revive {
        quota.admit(c.spec, &judged)?;
        stored.fields.insert("deleted_at".into(), Value::Null);
        Vec::new()
    } else {
        quota.admit_edit(c.spec, &stored.fields, &won)?;
        conflicts(c, org, &stored.fields, &stored.clocks, &judged, &won)
    };
    if let Value::Object(clocks) = &mut stored.clocks {
        for name in won.keys() {
            clocks.insert(name.clone(), Value::String(c.hlc.to_string()));
        }
    }
    stored.fields.extend(won.iter().map(|(name, value)| (name.clone(), value.clone())));
    Ok((judged, Decided::Update { winners: won, revive }, found))
}

/// An enrollment as a change leaves it: the stored row with the change's fields over it.
fn enrollment_after(stored: Option<&Fields>, judged: &Fields, revive: bool) -> Fields {
    let mut after = stored.cloned().unwrap_or_default();
    after.extend(judged.iter().map(|(name, value)| (name.clone(), value.clone())));
    if revive {
        after.insert("deleted_at".into(), Value::Null);
    }
    after
}

/// A new part (a phase, a touchpoint, a quiz version) of a locked copy of a marketplace
/// listing: refused, as a change of the copy itself is (`copy_rules`).
fn part_of_locked_copy(
    c: &Checked<'_>,
    locked: &HashSet<(&str, Uuid)>,
    batch: &HashMap<RowId, Stored>,
) -> Option<Outcome> {
    c.change.fields.iter().find_map(|(name, value)| {
        if !stride_domain::marketplace::is_part_of(c.spec.kind, name) {
            return None;
        }
        let fk = c.spec.column(name)?.references?;
        let id = Uuid::parse_str(value.as_str()?).ok()?;
        let in_batch = batch.get(&(fk.table, vec![id])).is_some_and(|row| follows_listing(&row.fields));
        (in_batch || locked.contains(&(fk.table, id))).then(|| {
            reject(
                ErrorCode::CopyLocked,
                format!("{name} is a locked copy of a marketplace listing: nothing is added to it"),
            )
        })
    })
}

/// A reference of `c` to a row that is neither in the organization nor new in this batch.
/// References must point at rows of this organization: row-level security hides every
/// other organization's rows, so they "do not exist" here.
fn missing_reference(
    c: &Checked<'_>,
    existing: &HashSet<(&str, Uuid)>,
    batch: &HashMap<RowId, Stored>,
    enrollments: &LiveEnrollments,
) -> Option<Outcome> {
    c.change.fields.iter().find_map(|(name, value)| {
        let fk = c.spec.column(name)?.references?;
        if fk.table == "organizations" {
            return None;
        }
        let id = Uuid::parse_str(value.as_str()?).unwrap_or_default();
        let found = existing.contains(&(fk.table, id)) || batch.contains_key(&(fk.table, vec![id]));
        (!found).then(|| {
            enrollments.refused_reference(fk.table, id).unwrap_or_else(|| {
                reject(
                    ErrorCode::MissingReference,
                    format!("{name} refers to a row of {} that does not exist", fk.table),
                )
            })
        })
    })
}

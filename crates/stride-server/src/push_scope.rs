//! A push held to its device's sync scope (`scope.rs`): a coordinator with a scope may
//! change the rows of a worker in it, of a worker the server last told that device it
//! holds, or the time before (a change made offline before the worker left the scope is
//! still taken), and
//! of a worker the server does not have yet (one they are adding). Any other change of
//! a worker's row is refused `out_of_scope`, and the ones after it go on.
//!
//! The worker a change belongs to is found by the registry's foreign keys
//! (`stride_domain::scope::owner`): from the change's own fields or key, from a row the
//! same push creates, or from the database.

use crate::push_plan::Incoming;
use crate::push_rules::{reject, Checked};
use sqlx::Row;
use std::collections::{HashMap, HashSet};
use stride_domain::api::Outcome;
use stride_domain::scope::{owner, Owner, SyncScope};
use stride_domain::{EntityKind, ErrorCode, OrganizationId, Role};
use uuid::Uuid;

type Tx<'t> = sqlx::Transaction<'t, sqlx::Postgres>;

/// What a change's row belongs to, as far as the change itself says.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
enum Reach {
    Worker(Uuid),
    /// A row whose worker is to be found.
    Row(EntityKind, Uuid),
}

/// The changes of scoped devices that reach workers outside their scope, by their index
/// in `fresh` (`checked[i]` is `fresh[i]` checked), each with its refusal.
pub(crate) async fn out_of_scope(
    tx: &mut Tx<'_>,
    organization: OrganizationId,
    fresh: &[Incoming<'_>],
    checked: &[Result<Checked<'_>, Outcome>],
) -> Result<HashMap<usize, Outcome>, sqlx::Error> {
    let coordinators: Vec<Uuid> = fresh
        .iter()
        .filter(|incoming| incoming.device.role == Role::Coordinator)
        .map(|incoming| incoming.device.user_id.as_uuid())
        .collect::<HashSet<_>>()
        .into_iter()
        .collect();
    if coordinators.is_empty() {
        return Ok(HashMap::new());
    }
    let scopes = crate::scope::scopes_of(&mut **tx, organization, &coordinators).await?;
    let scope_of = |incoming: &Incoming<'_>| {
        scopes.get(&incoming.device.user_id.as_uuid()).filter(|scope| scope.limits(incoming.device.role))
    };
    // What each scoped change reaches, by the change's index.
    let mut reaches: HashMap<usize, Reach> = HashMap::new();
    for (index, (incoming, change)) in fresh.iter().zip(checked).enumerate() {
        if let (Some(_), Ok(change)) = (scope_of(incoming), change) {
            reaches.extend(reach_of(change).map(|reach| (index, reach)));
        }
    }
    if reaches.is_empty() {
        return Ok(HashMap::new());
    }
    let workers = workers_reached(tx, organization, checked, reaches.values().copied().collect()).await?;
    // By device: the workers its changes reach, and which of them it may not change.
    let mut by_device: HashMap<Uuid, (&SyncScope, HashSet<Uuid>)> = HashMap::new();
    for (index, reach) in &reaches {
        if let (Some(worker), Some(scope)) = (workers.get(reach).copied().flatten(), scope_of(&fresh[*index])) {
            by_device
                .entry(fresh[*index].device.device_id.as_uuid())
                .or_insert((scope, HashSet::new()))
                .1
                .insert(worker);
        }
    }
    let mut refused: HashMap<Uuid, HashSet<Uuid>> = HashMap::new();
    for (device, (scope, candidates)) in by_device {
        let outside = outside_scope(tx, organization, device, scope, candidates.into_iter().collect()).await?;
        refused.insert(device, outside);
    }
    let mut refusals = HashMap::new();
    for (index, reach) in reaches {
        let device = fresh[index].device.device_id.as_uuid();
        let Some(worker) = workers.get(&reach).copied().flatten() else { continue };
        if refused.get(&device).is_some_and(|outside| outside.contains(&worker)) {
            let reason = format!("worker {worker} is not in the sync scope of this device's person");
            refusals.insert(index, reject(ErrorCode::OutOfScope, reason));
        }
    }
    Ok(refusals)
}

/// The worker, or the row, a change reaches by its own key and fields (None: its row
/// is no worker's, or refers to none).
fn reach_of(change: &Checked<'_>) -> Option<Reach> {
    match owner(change.spec.kind)? {
        Owner::Itself => change.key.first().copied().map(Reach::Worker),
        Owner::Through { column, parent, .. } => {
            let named = match change.spec.key.iter().position(|key| *key == column) {
                Some(at) => change.key.get(at).copied(),
                None => match change.change.fields.get(column) {
                    Some(value) => Some(Uuid::parse_str(value.as_str()?).ok()?),
                    // An edit that leaves the column as it is: the row's stored value.
                    None => return change.key.first().map(|id| Reach::Row(change.spec.kind, *id)),
                },
            }?;
            Some(if parent == EntityKind::Workers { Reach::Worker(named) } else { Reach::Row(parent, named) })
        }
    }
}

/// The worker each reach leads to (None where it leads nowhere known): rows the batch
/// creates are followed in the batch, the others in the database, one query per table
/// and step.
async fn workers_reached(
    tx: &mut Tx<'_>,
    organization: OrganizationId,
    checked: &[Result<Checked<'_>, Outcome>],
    reaches: Vec<Reach>,
) -> Result<HashMap<Reach, Option<Uuid>>, sqlx::Error> {
    // The rows the batch writes with their owner's column, by (entity, id).
    let written: HashMap<(EntityKind, Uuid), Reach> = checked
        .iter()
        .flatten()
        .filter(|change| change.spec.key == ["id"] && change.spec.kind != EntityKind::Workers)
        .filter_map(|change| {
            let reach = reach_of(change)?;
            let id = *change.key.first()?;
            (reach != Reach::Row(change.spec.kind, id)).then_some(((change.spec.kind, id), reach))
        })
        .collect();
    let mut found: HashMap<Reach, Option<Uuid>> = HashMap::new();
    // Each reach as it is followed: where it started, and where it is now.
    let mut following: Vec<(Reach, Reach)> = reaches.into_iter().map(|reach| (reach, reach)).collect();
    for _step in 0..4 {
        let mut asked: HashMap<EntityKind, Vec<Uuid>> = HashMap::new();
        let mut looked_up = Vec::new();
        let mut next_step = Vec::new();
        for (start, now) in following {
            match now {
                Reach::Worker(worker) => {
                    found.insert(start, Some(worker));
                }
                Reach::Row(kind, id) => match written.get(&(kind, id)) {
                    Some(next) => next_step.push((start, *next)),
                    None => {
                        asked.entry(kind).or_default().push(id);
                        looked_up.push((start, kind, id));
                    }
                },
            }
        }
        let mut stored: HashMap<(EntityKind, Uuid), Reach> = HashMap::new();
        for (kind, ids) in asked {
            let Some(Owner::Through { column, parent, .. }) = owner(kind) else { continue };
            let rows = sqlx::query(sqlx::AssertSqlSafe(format!(
                "SELECT id, {column} AS owner FROM {table} WHERE organization_id = $1 AND id = ANY($2)",
                table = kind.table()
            )))
            .bind(organization.as_uuid())
            .bind(ids)
            .fetch_all(&mut **tx)
            .await?;
            for row in rows {
                if let Some(owner_id) = row.get::<Option<Uuid>, _>("owner") {
                    let next = if parent == EntityKind::Workers {
                        Reach::Worker(owner_id)
                    } else {
                        Reach::Row(parent, owner_id)
                    };
                    stored.insert((kind, row.get("id")), next);
                }
            }
        }
        for (start, kind, id) in looked_up {
            match stored.get(&(kind, id)) {
                Some(next) => next_step.push((start, *next)),
                // On neither side: the row's reference is refused later, not here.
                None => {
                    found.insert(start, None);
                }
            }
        }
        following = next_step;
        if following.is_empty() {
            break;
        }
    }
    for (start, now) in following {
        found.insert(start, if let Reach::Worker(worker) = now { Some(worker) } else { None });
    }
    Ok(found)
}

/// Which of `candidates` the device may not change: workers the server has, outside
/// the scope now, and not among those it last told the device it holds (nor in the set
/// before that: a change made while that pull was applied keeps its worker on the
/// device until the next sync, whose push comes first). A device never
/// told a scope holds the whole organization (its person was given one since its last
/// pull): its changes were made on workers it held, and are taken.
async fn outside_scope(
    tx: &mut Tx<'_>,
    organization: OrganizationId,
    device: Uuid,
    scope: &SyncScope,
    candidates: Vec<Uuid>,
) -> Result<HashSet<Uuid>, sqlx::Error> {
    let (sites, segments, programs) = crate::scope::parameters(scope);
    let rows = sqlx::query(sqlx::AssertSqlSafe(format!(
        "SELECT c.id FROM unnest($2::uuid[]) c(id)
         WHERE EXISTS (SELECT 1 FROM workers w WHERE w.organization_id = $1 AND w.id = c.id)
           AND EXISTS (SELECT 1 FROM device_scopes WHERE organization_id = $1 AND device_id = $6)
           AND c.id NOT IN ({scope})
           AND NOT EXISTS (SELECT 1 FROM device_scopes d WHERE d.organization_id = $1 AND d.device_id = $6
                             AND (c.id = ANY(d.workers) OR c.id = ANY(d.previous)))",
        scope = crate::scope::workers_sql(3)
    )))
    .bind(organization.as_uuid())
    .bind(candidates)
    .bind(sites)
    .bind(segments)
    .bind(programs)
    .bind(device)
    .fetch_all(&mut **tx)
    .await?;
    Ok(rows.iter().map(|row| row.get("id")).collect())
}

//! Group commit of pushes: the pushes of one organization that arrive while one of its
//! groups is being written wait, and are then written together: their changes one batch
//! (`push_batch::write`), in one transaction with one commit.
//!
//! Why: every written row takes the next version of its organization's counter, whose
//! row stays locked until commit so that versions become visible in order (`pull.rs`).
//! Pushes of one organization therefore commit one after the other, each holding the
//! counter while its commit reaches the disk; at a thousand devices pushing at once the
//! last waited seconds for all the others. Written together, a group waits for the disk
//! once, takes the counter once, and reads and writes its rows in a handful of
//! statements, however many pushes it holds.
//!
//! Each push in a group is answered as it would be alone: its changes are judged in
//! arrival order, a later push's against the rows as the earlier ones leave them, each
//! refusal its own. A group holds one push per device (a device's second push waits for
//! the next group). One writer per organization at a time, on a task of its own, so a
//! device that hangs up mid-push does not stop the group its push is in.

use crate::auth::AuthenticatedDevice;
use crate::error::ApiError;
use crate::metrics::Metrics;
use crate::push_batch::Push;
use crate::tenant;
use sqlx::PgPool;
use std::collections::hash_map::Entry;
use std::collections::{HashMap, HashSet};
use std::sync::{Arc, Mutex, MutexGuard};
use stride_domain::api::{PushRequest, PushResponse};
use stride_domain::OrganizationId;
use tokio::sync::oneshot;

/// The most changes one group takes (a push of more is a group of its own): the
/// group's transaction holds the counter, and the rows it locks, until it commits.
const GROUP_CHANGES: usize = 5_000;

/// What became of a push handed to its organization's writer.
#[derive(Debug)]
pub enum Written {
    Done(PushResponse),
    /// PostgreSQL aborted it (a deadlock, a serialization failure): nothing of it was
    /// written, and the same push sent again can pass.
    Again,
    Failed(ApiError),
}

/// Each organization's pushes waiting for its writer; an organization is in the map
/// exactly while its writer runs.
pub struct PushGroups {
    waiting: Mutex<HashMap<OrganizationId, Vec<Waiting>>>,
    metrics: Arc<Metrics>,
}

struct Waiting {
    device: AuthenticatedDevice,
    request: Arc<PushRequest>,
    reply: oneshot::Sender<Written>,
}

impl PushGroups {
    pub fn new(metrics: Arc<Metrics>) -> Self {
        Self { waiting: Mutex::default(), metrics }
    }

    /// Writes `request` in the next group of its organization, and says how it went.
    pub async fn push(
        self: &Arc<Self>,
        pool: &PgPool,
        device: &AuthenticatedDevice,
        request: &Arc<PushRequest>,
    ) -> Written {
        let (reply, answer) = oneshot::channel();
        let waiting = Waiting { device: device.clone(), request: request.clone(), reply };
        let organization = device.organization_id;
        self.metrics.push_waits();
        let start_writer = match self.lock().entry(organization) {
            Entry::Occupied(mut queue) => {
                queue.get_mut().push(waiting);
                false
            }
            Entry::Vacant(queue) => {
                queue.insert(vec![waiting]);
                true
            }
        };
        if start_writer {
            tokio::spawn(write_groups(self.clone(), pool.clone(), organization));
        }
        answer.await.unwrap_or_else(|_| Written::Failed(ApiError::Internal("the push's writer stopped".into())))
    }

    fn lock(&self) -> MutexGuard<'_, HashMap<OrganizationId, Vec<Waiting>>> {
        self.waiting.lock().unwrap_or_else(std::sync::PoisonError::into_inner)
    }

    /// The next group of `organization`'s waiting pushes, oldest first; none (and the
    /// writer's place given up, in the same lock) when nothing waits.
    fn next_group(&self, organization: OrganizationId) -> Option<Vec<Waiting>> {
        let mut waiting = self.lock();
        let queue = waiting.get_mut(&organization)?;
        if queue.is_empty() {
            waiting.remove(&organization);
            return None;
        }
        // A device's second push waits for the next group: a group's changes are judged
        // as one batch, against what was applied before it.
        let (mut changes, mut devices) = (0, HashSet::new());
        let taken = queue
            .iter()
            .position(|push| {
                changes += push.request.changes.len();
                changes > GROUP_CHANGES || !devices.insert(push.device.device_id)
            })
            .unwrap_or(queue.len())
            .max(1);
        self.metrics.push_group_taken(taken);
        Some(queue.drain(..taken).collect())
    }
}

/// The writer of one organization: groups until nothing waits.
async fn write_groups(groups: Arc<PushGroups>, pool: PgPool, organization: OrganizationId) {
    // Should the writer stop without giving its place up (a panic), the next push
    // starts another; the pushes it held are answered by their dropped replies.
    let leave = LeaveOnUnwind { groups: &groups, organization };
    while let Some(group) = groups.next_group(organization) {
        write_group(&pool, &groups.metrics, organization, group).await;
    }
    std::mem::forget(leave);
}

struct LeaveOnUnwind<'g> {
    groups: &'g PushGroups,
    organization: OrganizationId,
}

impl Drop for LeaveOnUnwind<'_> {
    fn drop(&mut self) {
        let dropped = self.groups.lock().remove(&self.organization).map_or(0, |queue| queue.len());
        self.groups.metrics.pushes_stop_waiting(dropped);
    }
}

/// One group: one transaction, its changes one batch (`push_batch::write`), one commit; every
/// push is answered after it.
async fn write_group(pool: &PgPool, metrics: &Metrics, organization: OrganizationId, group: Vec<Waiting>) {
    let pushes: Vec<Push<'_>> =
        group.iter().map(|waiting| Push { device: &waiting.device, request: &waiting.request }).collect();
    let written = async {
        let mut tx = tenant::begin(pool, organization).await?;
        let responses = crate::push_batch::write(&mut tx, organization, &pushes).await?;
        tx.commit().await?;
        Ok::<_, ApiError>(responses)
    };
    let started = std::time::Instant::now();
    let written = written.await;
    metrics.push_group_written(started.elapsed().as_secs_f64());
    tracing::debug!(organization.id = %organization, pushes = pushes.len(), seconds = started.elapsed().as_secs_f64(), "a group of pushes was written");
    match written {
        Ok(responses) => {
            for (waiting, response) in group.into_iter().zip(responses) {
                let _ = waiting.reply.send(response.map_or_else(Written::Failed, Written::Done));
            }
        }
        Err(error) => fail_all(group.into_iter().map(|waiting| waiting.reply), error),
    }
}

/// Every push of a group whose transaction failed: run it again after a deadlock or a
/// serialization failure; else the error for the first (a database error is logged
/// once, as every one is) and the same answer for the others.
fn fail_all(replies: impl Iterator<Item = oneshot::Sender<Written>>, error: ApiError) {
    let again = matches!(&error, ApiError::Database(error) if must_run_again(error));
    let mut error = Some(error);
    for reply in replies {
        let written = match (again, error.take()) {
            (true, _) => Written::Again,
            (false, Some(error)) => Written::Failed(error),
            (false, None) => Written::Failed(ApiError::Internal("the push's group could not be written".into())),
        };
        let _ = reply.send(written);
    }
}

/// A deadlock or a serialization failure: PostgreSQL rolled the transaction back, and
/// the same transaction run again can pass.
pub(crate) fn must_run_again(error: &sqlx::Error) -> bool {
    matches!(error, sqlx::Error::Database(db) if matches!(db.code().as_deref(), Some("40P01" | "40001")))
}

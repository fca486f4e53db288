//! The work of a group of pushes (`push_group.rs`), each change applied exactly once.
//! The rules that need no database are in `push_rules.rs`, the plan of a batch in
//! `push_plan.rs`, its SQL in `push_sql.rs` and the tier's limits in `quota.rs`.
//! A change is known by its id: one the server has applied before is answered
//! `already_applied` (or refused, when the same id now names another change), and every
//! other change is judged and applied, whatever its sequence number, so a device
//! restored from a backup loses nothing. Every change is checked (`push_rules.rs`: the
//! role, the fields, the row as the domain judges it; here and in `push_plan.rs`:
//! references inside the organization, the tier's limits in `quota.rs`; who made it, in
//! `authors.rs`: on a shared laptop, each change's author, by their role; in
//! `push_scope.rs`: a scoped device's changes stay within its workers); a refused
//! change comes back with its reason and never blocks the ones after it. Editable fields
//! merge one by one: the later hybrid-clock stamp wins. A delete is a tombstone, and it
//! wins over edits. Every applied change goes to the audit trail.
//!
//! The batch is planned and written whole; if the database refuses any of it (a
//! constraint the checks did not foresee), it is rolled back and taken change by change,
//! each a batch of one in a savepoint, so that only the offending change is refused.
//! Locks are taken in one order (`push_sql.rs`).

use crate::auth::AuthenticatedDevice;
use crate::authors::Authors;
use crate::error::ApiError;
use crate::push_plan::{needs_one_by_one, plan, Incoming, Limits};
use crate::push_rules::{check, reject, Checked};
use crate::push_sql::Deleted;
use crate::quota::Quota;
use stride_domain::api::{ChangeResult, Outcome, PushRequest, PushResponse, PushedChange};
use stride_domain::ErrorCode;
use stride_domain::{EntityKind, OrganizationId};

/// One push of a group (`push_group.rs`): the device it came from, and what it sent.
#[derive(Clone, Copy)]
pub(crate) struct Push<'a> {
    pub device: &'a AuthenticatedDevice,
    pub request: &'a PushRequest,
}

impl<'a> Incoming<'a> {
    /// The checks that need no database (`push_rules::check`), by its push's authors.
    fn check(&self, authors: &[Authors], now_ms: i64) -> Result<Checked<'a>, Outcome> {
        check(self.device, &authors[self.push], self.pushed, now_ms)
    }
}

/// The whole work of a group of pushes of one organization, each from another device, in
/// `tx`, which the group then commits: one answer per push, in order. The group's
/// changes are one batch, in the order the pushes arrived: read, locked, planned and
/// written in a handful of statements, whatever the number of pushes, exactly as one
/// push's would be (a push alone is a group of one).
/// A push whose device row is gone (signed out for good since its request came in) is
/// answered `device_revoked`, and the others go on.
pub(crate) async fn write(
    tx: &mut sqlx::Transaction<'_, sqlx::Postgres>,
    organization: OrganizationId,
    group: &[Push<'_>],
) -> Result<Vec<Result<PushResponse, ApiError>>, ApiError> {
    let all_devices: Vec<&AuthenticatedDevice> = group.iter().map(|push| push.device).collect();
    let found = crate::push_sql::lock_devices(tx, organization, &all_devices).await?;
    let seq_of = |push: &Push<'_>| found.get(&push.device.device_id.as_uuid()).copied();
    let pushes: Vec<Push<'_>> = group.iter().copied().filter(|push| seq_of(push).is_some()).collect();
    let devices: Vec<&AuthenticatedDevice> = pushes.iter().map(|push| push.device).collect();
    let last_seqs: Vec<i64> = pushes.iter().filter_map(seq_of).collect();
    let sent: Vec<&PushedChange> = pushes.iter().flat_map(|push| &push.request.changes).collect();
    let known = crate::push_sql::applied_before(tx, organization, &sent).await?;
    let now_ms = crate::clock::now().millis();
    let fresh: Vec<Incoming<'_>> = pushes
        .iter()
        .enumerate()
        .flat_map(|(index, push)| {
            push.request.changes.iter().map(move |pushed| Incoming { push: index, device: push.device, pushed })
        })
        .filter(|incoming| !known.contains_key(&incoming.pushed.change.change_id.as_uuid()))
        .collect();
    let taken_through: Vec<i64> = pushes
        .iter()
        .zip(&last_seqs)
        .map(|(push, last_seq)| push.request.changes.last().map_or(*last_seq, |pushed| pushed.seq.max(*last_seq)))
        .collect();
    // Done before the writes that take versions: the organization's version counter
    // stays locked from the first of those until commit, so they come last.
    crate::push_sql::set_last_seqs(tx, organization, &devices, &taken_through).await?;
    let fresh_changes: Vec<&PushedChange> = fresh.iter().map(|incoming| incoming.pushed).collect();
    let mut limits =
        Limits { quota: Quota::load(tx, organization, &fresh_changes).await?, enrollments: Default::default() };
    let mut authors = Vec::with_capacity(pushes.len());
    for (index, push) in pushes.iter().enumerate() {
        let own: Vec<&PushedChange> = fresh.iter().filter(|i| i.push == index).map(|i| i.pushed).collect();
        authors.push(Authors::load(tx, push.device, &own).await?);
    }
    let checked: Vec<_> = fresh.iter().map(|incoming| incoming.check(&authors, now_ms)).collect();
    // A scoped device's changes of workers outside its scope (`push_scope.rs`).
    let out_of_scope = crate::push_scope::out_of_scope(tx, organization, &fresh, &checked).await?;
    let check = |index: usize| match out_of_scope.get(&index) {
        Some(refused) => Err(refused.clone()),
        None => fresh[index].check(&authors, now_ms),
    };
    let checked: Vec<_> = (0..fresh.len()).map(check).collect();
    // A delete that reaches other rows is decided against them in the database, alone.
    let whole = if needs_one_by_one(&checked) {
        None
    } else {
        Some(apply(tx, organization, &fresh, checked, &mut limits.clone()).await?)
    };
    let outcomes = match whole {
        Some(Ok(outcomes)) => outcomes,
        refused => {
            let problem = refused.map_or_else(|| "a delete that reaches other rows".to_owned(), |r| format!("{r:?}"));
            tracing::info!(organization.id = %organization, pushes = pushes.len(), %problem, "a push batch is taken change by change");
            let mut outcomes = Vec::with_capacity(fresh.len());
            for (index, incoming) in fresh.iter().enumerate() {
                let before = limits.clone();
                let one = std::slice::from_ref(incoming);
                let outcome = match apply(tx, organization, one, vec![check(index)], &mut limits).await? {
                    Ok(mut one) => one.pop().unwrap_or_else(|| unreachable!("one outcome per change")),
                    Err(refused) => refused.into_outcome(),
                };
                if outcome != Outcome::Applied {
                    limits.roll_back_to(before);
                }
                outcomes.push(outcome);
            }
            outcomes
        }
    };
    let mut outcomes = outcomes.into_iter();
    let mut responses = Vec::with_capacity(pushes.len());
    for (push, taken_through) in pushes.iter().zip(taken_through) {
        let mut results = Vec::with_capacity(push.request.changes.len());
        for pushed in &push.request.changes {
            let outcome = match known.get(&pushed.change.change_id.as_uuid()) {
                Some(logged) if logged.names(pushed) => Outcome::AlreadyApplied,
                Some(_) => reject(
                    ErrorCode::InconsistentChange,
                    "this change id was applied before as a change of another row; the change is not applied again",
                ),
                None => outcomes.next().unwrap_or_else(|| unreachable!("one outcome per fresh change")),
            };
            if let Outcome::Rejected { code, reason } = &outcome {
                tracing::info!(device.id = %push.device.device_id, change.seq = pushed.seq, change.entity = ?pushed.change.entity, rejection.code = ?code, rejection.reason = %reason, "change refused");
            }
            results.push(ChangeResult { seq: pushed.seq, change_id: pushed.change.change_id, outcome });
        }
        responses.push(PushResponse { results, last_seq: taken_through });
    }
    let mut responses = responses.into_iter();
    Ok(group
        .iter()
        .map(|push| match seq_of(push) {
            Some(_) => Ok(responses.next().unwrap_or_else(|| unreachable!("one answer per push with a device"))),
            None => Err(ApiError::DeviceRevoked),
        })
        .collect())
}

/// Why a batch was written not at all.
#[derive(Debug)]
enum Refused {
    /// The database refused a write (a check or unique constraint, a value out of range).
    ByDatabase(String),
    /// A delete met a row a live row still uses under RESTRICT.
    ByRule(Outcome),
}

impl Refused {
    /// The outcome of a batch of one refused so.
    fn into_outcome(self) -> Outcome {
        match self {
            Refused::ByRule(outcome) => outcome,
            Refused::ByDatabase(rule) => reject(ErrorCode::InvalidValue, format!("the database refused it ({rule})")),
        }
    }
}

/// Plans `fresh` (changes not applied before, in order; `checked[i]` is `fresh[i]`
/// checked) and writes the plan in a savepoint: one outcome per change, or why nothing
/// of it was written.
async fn apply(
    tx: &mut sqlx::Transaction<'_, sqlx::Postgres>,
    organization: OrganizationId,
    fresh: &[Incoming<'_>],
    checked: Vec<Result<Checked<'_>, Outcome>>,
    limits: &mut Limits,
) -> Result<Result<Vec<Outcome>, Refused>, sqlx::Error> {
    let org = organization.as_uuid();
    let loaded = crate::push_sql::load(tx, org, &checked, &mut limits.enrollments).await?;
    let planned = plan(org, fresh, checked, loaded, limits);
    let mut savepoint = sqlx::Connection::begin(&mut **tx).await?;
    match crate::push_sql::write(&mut savepoint, org, planned.writes).await {
        Ok(Ok(reached)) => {
            savepoint.commit().await?;
            release_enrollments(limits, &reached);
            Ok(Ok(planned.outcomes))
        }
        Ok(Err(refused)) => {
            savepoint.rollback().await?;
            Ok(Err(Refused::ByRule(refused)))
        }
        Err(sqlx::Error::Database(db)) if matches!(db.code().as_deref().map(|c| &c[..2]), Some("22" | "23")) => {
            savepoint.rollback().await?;
            let rule = db.constraint().map(str::to_owned).unwrap_or_else(|| db.message().to_owned());
            Ok(Err(Refused::ByDatabase(rule)))
        }
        Err(other) => Err(other),
    }
}

/// Frees the pairs of the enrollments a delete reached (a worker's, deleted with them).
fn release_enrollments(limits: &mut Limits, reached: &Deleted) {
    for (_, id) in reached.iter().filter(|(kind, _)| *kind == EntityKind::WorkerAssignments) {
        limits.enrollments.deleted(*id);
    }
}

//! One worker, one enrollment per program, held at push for any client: a live
//! enrollment whose (program, worker) another live enrollment already holds is refused
//! with `duplicate_enrollment`, and so is the progress recorded on it, so the device
//! knows why. Devices write the one row by its derived id (`WorkerAssignmentId::of`);
//! this catches older clients and hand-made requests. Loaded once per push for the pairs
//! the push touches, then kept in memory as the batch is decided.
//!
//! A new enrollment in a program that holds a marketplace copy whose license ended
//! before the enrollment's date is refused too (`license_not_in_force`), and so is one
//! made active again, as the device refuses both offline (`marketplace::within`);
//! enrollments active before go on.

use crate::push_rules::{reject, Fields};
use serde_json::Value;
use sqlx::{Postgres, Transaction};
use std::collections::HashMap;
use stride_domain::api::Outcome;
use stride_domain::EntityKind;
use stride_domain::{AssignmentStatus, ErrorCode, Timestamp};
use uuid::Uuid;

type Pair = (Uuid, Uuid);

#[derive(Debug, Clone, Default)]
pub(crate) struct LiveEnrollments {
    /// The live enrollment of each (program, worker) the push touches.
    by_pair: HashMap<Pair, Uuid>,
    /// Enrollments this push refused (as duplicates, or past a license), with why.
    refused: HashMap<Uuid, (ErrorCode, &'static str)>,
    /// For each program the push enrolls in that holds a marketplace copy with a last
    /// licensed day: the earliest such day, and that journey's title.
    licensed_until: HashMap<Uuid, (chrono::NaiveDate, String)>,
}

fn pair_of(row: &Fields) -> Option<Pair> {
    let id = |name: &str| row.get(name).and_then(Value::as_str).and_then(|id| id.parse().ok());
    Some((id("program_id")?, id("worker_id")?))
}

impl LiveEnrollments {
    /// Learns the live enrollments of the (program, worker) pairs that these rows (each
    /// an enrollment as a change would leave it) name, keeping what this push decided.
    pub(crate) async fn learn(
        &mut self,
        tx: &mut Transaction<'_, Postgres>,
        org: Uuid,
        rows: impl Iterator<Item = Fields>,
    ) -> Result<(), sqlx::Error> {
        let (programs, workers): (Vec<Uuid>, Vec<Uuid>) = rows.filter_map(|row| pair_of(&row)).unzip();
        if programs.is_empty() {
            return Ok(());
        }
        let found: Vec<(Uuid, Uuid, Uuid)> = sqlx::query_as(
            "SELECT id, program_id, worker_id FROM worker_assignments
             WHERE organization_id = $1 AND deleted_at IS NULL
               AND (program_id, worker_id) IN (SELECT * FROM unnest($2::uuid[], $3::uuid[]))",
        )
        .bind(org)
        .bind(&programs)
        .bind(&workers)
        .fetch_all(&mut **tx)
        .await?;
        for (id, program, worker) in found {
            // Pairs stored twice before this rule keep their first enrollment.
            self.by_pair.entry((program, worker)).or_insert(id);
        }
        let ends: Vec<(Uuid, chrono::NaiveDate, String)> = sqlx::query_as(
            "SELECT DISTINCT ON (pb.program_id) pb.program_id, j.licensed_until, j.title
             FROM program_blueprints pb
             JOIN journey_blueprints j ON j.organization_id = pb.organization_id AND j.id = pb.journey_blueprint_id
             WHERE pb.organization_id = $1 AND pb.program_id = ANY($2) AND pb.deleted_at IS NULL
               AND j.deleted_at IS NULL AND j.licensed_until IS NOT NULL
             ORDER BY pb.program_id, j.licensed_until",
        )
        .bind(org)
        .bind(&programs)
        .fetch_all(&mut **tx)
        .await?;
        self.licensed_until.extend(ends.into_iter().map(|(program, day, title)| (program, (day, title))));
        Ok(())
    }

    /// A new enrollment dated after the last licensed day of a copy its program holds.
    fn past_license(&self, program: Uuid, after: &Fields) -> Option<Outcome> {
        let (last_day, journey) = self.licensed_until.get(&program)?;
        let enrolled = after.get("enrollment_date").and_then(Value::as_str).and_then(|at| Timestamp::parse(at).ok())?;
        (!stride_domain::marketplace::within(Some(*last_day), enrolled.date())).then(|| {
            reject(
                ErrorCode::LicenseNotInForce,
                format!("the program uses {journey:?}, whose license ended on {last_day}: it takes no new enrollments"),
            )
        })
    }

    /// Admits enrollment `id` as the row `after` (live, unless it is a tombstone), moving
    /// it from the pair it held `before`; refuses it when another live enrollment holds
    /// its pair.
    pub(crate) fn admit(&mut self, id: Uuid, before: Option<&Fields>, after: &Fields) -> Result<(), Outcome> {
        let live = after.get("deleted_at").is_none_or(Value::is_null);
        let Some(pair) = pair_of(after).filter(|_| live) else {
            return Ok(());
        };
        let unchanged =
            before.is_some_and(|b| b.get("deleted_at").is_none_or(Value::is_null) && pair_of(b) == Some(pair));
        // A dropped or completed enrollment made active again is enrolling anew, for a license.
        let active =
            |row: &Fields| row.get("status").and_then(Value::as_str) == Some(AssignmentStatus::Active.as_str());
        let made_active = before.is_some_and(|b| !active(b)) && active(after);
        if !unchanged || made_active {
            if let Some(refused) = self.past_license(pair.0, after) {
                self.refused
                    .insert(id, (ErrorCode::LicenseNotInForce, "the license of a journey in its program had ended"));
                return Err(refused);
            }
        }
        if unchanged {
            // An edit of an enrollment that keeps its pair (even one stored twice before).
            return Ok(());
        }
        if let Some(holder) = self.by_pair.get(&pair).filter(|holder| **holder != id) {
            self.refused.insert(id, (ErrorCode::DuplicateEnrollment, "the worker is already enrolled in this program"));
            return Err(reject(
                ErrorCode::DuplicateEnrollment,
                format!("the worker is already enrolled in this program (enrollment {holder}); progress belongs there"),
            ));
        }
        if let Some(old) = before.and_then(pair_of).filter(|old| *old != pair) {
            self.release(id, old);
        }
        self.by_pair.insert(pair, id);
        Ok(())
    }

    /// Goes back to `before` when a change is rolled back, still knowing which
    /// enrollments were refused (their progress is told why).
    pub(crate) fn roll_back_to(&mut self, before: Self) {
        let refused = std::mem::take(&mut self.refused);
        *self = before;
        self.refused.extend(refused);
    }

    /// Frees the pair of an enrollment deleted by this push.
    pub(crate) fn deleted(&mut self, id: Uuid) {
        self.by_pair.retain(|_, holder| *holder != id);
    }

    fn release(&mut self, id: Uuid, pair: Pair) {
        if self.by_pair.get(&pair) == Some(&id) {
            self.by_pair.remove(&pair);
        }
    }

    /// Why a reference to a missing row fails, when that row is an enrollment this push
    /// refused.
    pub(crate) fn refused_reference(&self, table: &str, id: Uuid) -> Option<Outcome> {
        let (code, why) = self.refused.get(&id).filter(|_| table == EntityKind::WorkerAssignments.table())?;
        Some(reject(*code, format!("it was recorded on an enrollment the server refused: {why}")))
    }
}

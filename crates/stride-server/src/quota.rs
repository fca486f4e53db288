//! The subscription tier's limits at push (`stride_domain::tier`): a new row of a
//! limited entity is refused with `tier_limit` once the organization holds as many live
//! rows as its tier allows. Counted once per group of pushes (`push_group.rs`), for the
//! entities it creates, under a lock of the organization's row, then kept in memory as
//! the batch is decided.
//! An edit that moves a row into a limited parent (a variant given another experiment)
//! takes a place there as a new row would.

use crate::push_rules::reject;
use serde_json::{Map, Value};
use sqlx::{Postgres, Transaction};
use std::collections::HashMap;
use stride_domain::api::{Outcome, PushedChange};
use stride_domain::tier::{over_limit, over_variant_limit, LIMITED};
use stride_domain::ErrorCode;
use stride_domain::{ChangeOp, EntityKind, EntitySpec, OrganizationId, SubscriptionTier};
use uuid::Uuid;

#[derive(Debug, Clone)]
pub(crate) struct Quota {
    tier: SubscriptionTier,
    /// Live rows per limited entity, for those this push may create.
    used: HashMap<EntityKind, u64>,
    /// Live variants per experiment, for the experiments this push adds variants to.
    variants: HashMap<Uuid, u64>,
}

impl Quota {
    pub(crate) async fn load(
        tx: &mut Transaction<'_, Postgres>,
        organization: OrganizationId,
        fresh: &[&PushedChange],
    ) -> Result<Self, sqlx::Error> {
        let org = organization.as_uuid();
        let tier: String = sqlx::query_scalar("SELECT subscription_tier FROM organizations WHERE id = $1")
            .bind(org)
            .fetch_one(&mut **tx)
            .await?;
        let tier = tier.parse().unwrap_or(SubscriptionTier::Basic);
        let upserts = || fresh.iter().filter(|p| p.change.op == ChangeOp::Upsert);
        // Variants are limited per experiment on every tier.
        let limited = |kind: EntityKind| tier.limits().of(kind).is_some() || kind == EntityKind::ExperimentVariants;
        if upserts().any(|p| limited(p.change.entity)) {
            // Counted under the organization row's lock, held to commit: two pushes at once
            // cannot both take the last place.
            // NO KEY UPDATE: other pushes' inserts check their organization_id reference with
            // a KEY SHARE lock of this row, which this lock does not block.
            sqlx::query("SELECT 1 FROM organizations WHERE id = $1 FOR NO KEY UPDATE")
                .bind(org)
                .execute(&mut **tx)
                .await?;
        }
        let mut used = HashMap::new();
        for kind in LIMITED {
            if tier.limits().of(*kind).is_some() && upserts().any(|p| p.change.entity == *kind) {
                let sql =
                    format!("SELECT count(*) FROM {} WHERE organization_id = $1 AND deleted_at IS NULL", kind.table());
                let count: i64 = sqlx::query_scalar(sqlx::AssertSqlSafe(sql)).bind(org).fetch_one(&mut **tx).await?;
                used.insert(*kind, count as u64);
            }
        }
        let experiments: Vec<Uuid> = upserts()
            .filter(|p| p.change.entity == EntityKind::ExperimentVariants)
            .filter_map(|p| p.change.fields.get("experiment_id")?.as_str()?.parse().ok())
            .collect();
        let mut variants = HashMap::new();
        if !experiments.is_empty() {
            let counts: Vec<(Uuid, i64)> = sqlx::query_as(
                "SELECT experiment_id, count(*) FROM experiment_variants
                 WHERE organization_id = $1 AND experiment_id = ANY($2) AND deleted_at IS NULL GROUP BY experiment_id",
            )
            .bind(org)
            .bind(&experiments)
            .fetch_all(&mut **tx)
            .await?;
            variants.extend(counts.into_iter().map(|(id, n)| (id, n as u64)));
        }
        Ok(Self { tier, used, variants })
    }

    /// Takes a place for a new row, or says why there is none.
    pub(crate) fn admit(&mut self, spec: &EntitySpec, row: &Map<String, Value>) -> Result<(), Outcome> {
        let limits = self.tier.limits();
        if let Some(limit) = limits.of(spec.kind) {
            let used = self.used.entry(spec.kind).or_default();
            if *used >= limit {
                return Err(reject(ErrorCode::TierLimit, over_limit(self.tier, spec.kind, limit)));
            }
            *used += 1;
        }
        if spec.kind == EntityKind::ExperimentVariants {
            let experiment = row.get("experiment_id").and_then(Value::as_str).and_then(|id| id.parse().ok());
            if let Some(experiment) = experiment {
                self.take_variant_place(experiment)?;
            }
        }
        Ok(())
    }

    /// Takes a place for an edit that moves a live row into another limited parent (its
    /// `winners` set `experiment_id`), and gives back the one it leaves.
    pub(crate) fn admit_edit(
        &mut self,
        spec: &EntitySpec,
        stored: &Map<String, Value>,
        winners: &Map<String, Value>,
    ) -> Result<(), Outcome> {
        if spec.kind != EntityKind::ExperimentVariants || !stored.get("deleted_at").is_none_or(Value::is_null) {
            return Ok(());
        }
        let parent = |row: &Map<String, Value>| row.get("experiment_id").and_then(Value::as_str)?.parse::<Uuid>().ok();
        let (Some(to), from) = (parent(winners), parent(stored)) else {
            return Ok(());
        };
        if Some(to) == from {
            return Ok(());
        }
        self.take_variant_place(to)?;
        if let Some(used) = from.and_then(|from| self.variants.get_mut(&from)) {
            *used = used.saturating_sub(1);
        }
        Ok(())
    }

    fn take_variant_place(&mut self, experiment: Uuid) -> Result<(), Outcome> {
        let used = self.variants.entry(experiment).or_default();
        if *used >= self.tier.limits().variants_per_experiment {
            return Err(reject(ErrorCode::TierLimit, over_variant_limit(self.tier)));
        }
        *used += 1;
        Ok(())
    }
}

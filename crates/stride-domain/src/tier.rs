//! What each subscription tier allows. The server refuses a change that would go past
//! its organization's limits (it is the authority); the app checks first, so a person
//! hears why before anything waits in the outbox.
//!
//! | | basic | standard | premium |
//! | --- | ---: | ---: | ---: |
//! | workers | 500 | 10,000 | no limit |
//! | programs | 3 | 50 | no limit |
//! | segments | 5 | 100 | no limit |
//! | experiments | none | 5 | no limit |
//! | variants per experiment | – | 2 (A/B) | 10 (multivariate) |
//! | active staff (users) | 10 | 100 | no limit |
//!
//! Rows deleted (tombstoned) do not count, nor do deactivated users. Staff are added on
//! the server only (its staff routes), so only the server counts them.

use crate::{EntityKind, SubscriptionTier};
use serde::Serialize;
use ts_rs::TS;

/// One tier's limits; None is no limit.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, TS)]
pub struct TierLimits {
    #[ts(type = "number | null")]
    pub workers: Option<u64>,
    #[ts(type = "number | null")]
    pub programs: Option<u64>,
    #[ts(type = "number | null")]
    pub segments: Option<u64>,
    #[ts(type = "number | null")]
    pub experiments: Option<u64>,
    #[ts(type = "number")]
    pub variants_per_experiment: u64,
    /// Users not deactivated.
    #[ts(type = "number | null")]
    pub users: Option<u64>,
}

impl SubscriptionTier {
    pub const fn limits(self) -> TierLimits {
        match self {
            SubscriptionTier::Basic => TierLimits {
                workers: Some(500),
                programs: Some(3),
                segments: Some(5),
                experiments: Some(0),
                variants_per_experiment: 0,
                users: Some(10),
            },
            SubscriptionTier::Standard => TierLimits {
                workers: Some(10_000),
                programs: Some(50),
                segments: Some(100),
                experiments: Some(5),
                variants_per_experiment: 2,
                users: Some(100),
            },
            SubscriptionTier::Premium => TierLimits {
                workers: None,
                programs: None,
                segments: None,
                experiments: None,
                variants_per_experiment: 10,
                users: None,
            },
        }
    }
}

impl TierLimits {
    /// The most live rows of an entity an organization may hold (variants are limited
    /// per experiment instead: `variants_per_experiment`).
    pub fn of(&self, kind: EntityKind) -> Option<u64> {
        match kind {
            EntityKind::Workers => self.workers,
            EntityKind::Programs => self.programs,
            EntityKind::Segments => self.segments,
            EntityKind::Experiments => self.experiments,
            _ => None,
        }
    }
}

/// The entities whose count a tier limits, across the organization.
pub const LIMITED: &[EntityKind] =
    &[EntityKind::Workers, EntityKind::Programs, EntityKind::Segments, EntityKind::Experiments];

/// Why a new row does not fit the tier, as a sentence.
pub fn over_limit(tier: SubscriptionTier, kind: EntityKind, limit: u64) -> String {
    let what = kind.table().replace('_', " ");
    if limit == 0 {
        format!("the {tier} tier has no {what}")
    } else {
        format!("the {tier} tier allows {limit} {what}")
    }
}

/// Why another member of staff cannot be active, as a sentence.
pub fn over_user_limit(tier: SubscriptionTier, limit: u64) -> String {
    format!("the {tier} tier allows {limit} active staff; deactivate someone first, or ask for another tier")
}

/// Why an experiment cannot have another variant, as a sentence.
pub fn over_variant_limit(tier: SubscriptionTier) -> String {
    format!("the {tier} tier allows {} variants per experiment", tier.limits().variants_per_experiment)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn higher_tiers_allow_at_least_as_much() {
        let at_least = |low: Option<u64>, high: Option<u64>| match (low, high) {
            (_, None) => true,
            (None, Some(_)) => false,
            (Some(l), Some(h)) => h >= l,
        };
        for pair in SubscriptionTier::ALL.windows(2) {
            let (low, high) = (pair[0].limits(), pair[1].limits());
            for kind in LIMITED {
                assert!(at_least(low.of(*kind), high.of(*kind)), "{kind:?}");
            }
            assert!(high.variants_per_experiment >= low.variants_per_experiment);
            assert!(at_least(low.users, high.users));
        }
        assert_eq!(
            over_limit(SubscriptionTier::Basic, EntityKind::Experiments, 0),
            "the basic tier has no experiments"
        );
        assert_eq!(
            over_limit(SubscriptionTier::Standard, EntityKind::Programs, 50),
            "the standard tier allows 50 programs"
        );
    }
}

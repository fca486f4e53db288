//! Which variant of an experiment a worker gets: a pure function of the experiment's id,
//! the worker's id and the variants' weights, so every device assigns a worker the same
//! variant offline, without asking anyone.
//!
//! `experiment_variants.variant_details` is a JSON object; its `"weight"` (a whole number
//! from 1 to 1,000,000; 1 when left out) is the variant's share, and every other key is
//! the variant's own description (which content comes first, …), kept as written.
//!
//! The assignment (`assign`): the 32 bytes of the experiment's UUID then the worker's are
//! hashed with 64-bit FNV-1a, then mixed with the SplitMix64 finalizer; the hash `h`
//! picks bucket `(h × total weight) >> 64`, and the variants, ordered by id, own
//! consecutive ranges of buckets as wide as their weights. Integers only, so every
//! platform agrees to the bit. The row recording it has an id made from the same two
//! ids (`assignment_id`), so two devices that assign the same worker write the same row.

use crate::{ExperimentAssignmentId, ExperimentId, ExperimentVariantId, InvalidValue, JsonObject, WorkerId};

/// The largest weight a variant may have.
pub const MAX_WEIGHT: u64 = 1_000_000;

/// A variant and its share of the workers.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct WeightedVariant {
    pub id: ExperimentVariantId,
    pub weight: u64,
}

/// The weight written in a variant's details (1 when there is none).
pub fn weight_of(details: Option<&JsonObject>) -> Result<u64, InvalidValue> {
    let Some(value) = details.and_then(|d| d.as_map().get("weight")) else { return Ok(1) };
    value
        .as_u64()
        .filter(|w| (1..=MAX_WEIGHT).contains(w))
        .ok_or_else(|| InvalidValue::rule(format!("weight must be a whole number from 1 to {MAX_WEIGHT}, not {value}")))
}

const FNV_OFFSET: u64 = 0xcbf2_9ce4_8422_2325;
const FNV_PRIME: u64 = 0x0000_0100_0000_01b3;

fn mix(mut z: u64) -> u64 {
    z = (z ^ (z >> 30)).wrapping_mul(0xbf58_476d_1ce4_e5b9);
    z = (z ^ (z >> 27)).wrapping_mul(0x94d0_49bb_1331_11eb);
    z ^ (z >> 31)
}

fn hash(seed: u64, experiment: ExperimentId, worker: WorkerId) -> u64 {
    let (experiment, worker) = (experiment.as_uuid(), worker.as_uuid());
    let bytes = experiment.as_bytes().iter().chain(worker.as_bytes());
    mix(bytes.fold(FNV_OFFSET ^ seed, |h, b| (h ^ u64::from(*b)).wrapping_mul(FNV_PRIME)))
}

/// The variant the worker is in; None when the experiment has no variants.
pub fn assign(experiment: ExperimentId, worker: WorkerId, variants: &[WeightedVariant]) -> Option<ExperimentVariantId> {
    let mut ordered: Vec<WeightedVariant> = variants.to_vec();
    ordered.sort_by_key(|v| v.id);
    let total: u64 = ordered.iter().map(|v| v.weight).sum();
    if total == 0 {
        return None;
    }
    let bucket = ((u128::from(hash(0, experiment, worker)) * u128::from(total)) >> 64) as u64;
    let mut end = 0;
    ordered
        .into_iter()
        .find(|v| {
            end += v.weight;
            bucket < end
        })
        .map(|v| v.id)
}

/// The id of the row that records a worker's assignment in an experiment.
pub fn assignment_id(experiment: ExperimentId, worker: WorkerId) -> ExperimentAssignmentId {
    let high = hash(1, experiment, worker).to_be_bytes();
    let low = hash(2, experiment, worker).to_be_bytes();
    let mut bytes = [0u8; 16];
    bytes[..8].copy_from_slice(&high);
    bytes[8..].copy_from_slice(&low);
    ExperimentAssignmentId::from_uuid(uuid::Builder::from_custom_bytes(bytes).into_uuid())
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    fn id<T: std::str::FromStr>(text: &str) -> T
    where
        T::Err: std::fmt::Debug,
    {
        text.parse().unwrap()
    }

    #[test]
    fn the_same_ids_give_the_same_answer_on_every_device() {
        // Fixed ids and their expected variant: a device built elsewhere must agree.
        let experiment: ExperimentId = id("019ab000-0000-7000-8000-000000000001");
        let a: ExperimentVariantId = id("019ab000-0000-7000-8000-0000000000a1");
        let b: ExperimentVariantId = id("019ab000-0000-7000-8000-0000000000b2");
        let variants = [WeightedVariant { id: b, weight: 1 }, WeightedVariant { id: a, weight: 1 }];
        let worker: WorkerId = id("019ab000-0000-7000-8000-00000000c0de");
        let chosen = assign(experiment, worker, &variants).unwrap();
        let reversed = [variants[1], variants[0]];
        assert_eq!(assign(experiment, worker, &reversed), Some(chosen), "the order given does not matter");
        let expected: Vec<_> = (0..8u128)
            .map(|n| {
                let worker = WorkerId::from_uuid(uuid::Uuid::from_u128(0x019ab000_0000_7000_8000_000000000000 + n));
                assign(experiment, worker, &variants) == Some(a)
            })
            .collect();
        assert_eq!(expected, GOLDEN, "the assignment function changed: every device would disagree");
        assert_eq!(hash(0, experiment, worker), PINNED_HASH, "the hash changed: every device would disagree");
        assert_eq!(assignment_id(experiment, worker), assignment_id(experiment, worker));
        assert_ne!(
            assignment_id(experiment, worker),
            assignment_id(id("019ab000-0000-7000-8000-000000000002"), worker)
        );
        assert_eq!(assignment_id(experiment, worker).as_uuid().get_version_num(), 8);
        assert_eq!(assign(experiment, worker, &[]), None);
    }

    // Computed once by this function; any change to it moves workers between variants.
    const PINNED_HASH: u64 = 9_953_531_485_945_277_020;
    const GOLDEN: [bool; 8] = [false, false, false, false, true, false, false, false];

    #[test]
    fn the_split_follows_the_weights_over_100_000_workers() {
        // Fixed ids, so the test judges one draw every run rather than a new one each time
        // (four standard deviations, over 20 counts, fail about once in 800 random draws).
        let fixed = |n: u128| uuid::Uuid::from_u128(0x019b_0000_0000_7000_8000_0000_0000_0000 + n);
        let all = [vec![50, 50], vec![1, 3], vec![20, 30, 50], vec![10, 10, 10, 70], vec![1, 1, 1, 1, 1]];
        for (e, weights) in all.into_iter().enumerate() {
            let experiment = ExperimentId::from_uuid(fixed(100 * e as u128));
            let variants: Vec<WeightedVariant> = (1..)
                .zip(&weights)
                .map(|(v, w)| WeightedVariant {
                    id: ExperimentVariantId::from_uuid(fixed(100 * e as u128 + v)),
                    weight: *w,
                })
                .collect();
            let total: u64 = weights.iter().sum();
            let n = 100_000u128;
            let mut counts = vec![0u64; variants.len()];
            for k in 0..n {
                let worker = WorkerId::from_uuid(uuid::Uuid::from_u128(0x019a_0000_0000_7000_8000_0000_0000_0000 + k));
                let chosen = assign(experiment, worker, &variants).unwrap();
                counts[variants.iter().position(|v| v.id == chosen).unwrap()] += 1;
            }
            for (count, weight) in counts.iter().zip(&weights) {
                let expected = 100_000.0 * *weight as f64 / total as f64;
                let sd = (expected * (1.0 - *weight as f64 / total as f64)).sqrt();
                // Within four standard deviations (about 0.8 percentage points at 50%).
                assert!((*count as f64 - expected).abs() < 4.0 * sd, "{weights:?}: {counts:?}");
            }
        }
    }

    #[test]
    fn weights_are_read_from_the_details() {
        let details = |v: serde_json::Value| JsonObject::try_from(v).unwrap();
        assert_eq!(weight_of(None), Ok(1));
        assert_eq!(weight_of(Some(&details(json!({"first_content": "video"})))), Ok(1));
        assert_eq!(weight_of(Some(&details(json!({"weight": 50})))), Ok(50));
        for bad in [json!({"weight": 0}), json!({"weight": 2.5}), json!({"weight": "50"}), json!({"weight": 1_000_001})]
        {
            assert!(
                weight_of(Some(&details(bad.clone()))).unwrap_err().to_string().contains("weight must be"),
                "{bad}"
            );
        }
    }
}

//! How long to wait before trying a failed sync again: pauses that double up to a
//! ceiling, each shortened by a random part of up to a quarter, so devices that lost the
//! server together do not all come back in the same instant.

use std::time::{Duration, SystemTime, UNIX_EPOCH};

#[derive(Debug, Clone, PartialEq, Eq)]
pub struct RetryPolicy {
    /// Attempts in all, the first one included.
    pub attempts: u32,
    /// The pause before the second attempt.
    pub first_delay: Duration,
    /// No pause is longer than this.
    pub max_delay: Duration,
}

impl RetryPolicy {
    /// One attempt, no retries.
    pub fn none() -> Self {
        Self { attempts: 1, first_delay: Duration::ZERO, max_delay: Duration::ZERO }
    }

    /// What a person waiting on the Sync button can bear: 5 attempts within about 15 s.
    pub fn interactive() -> Self {
        Self { attempts: 5, first_delay: Duration::from_secs(1), max_delay: Duration::from_secs(8) }
    }

    /// The pause before attempt number `attempt` (2 for the first retry).
    pub fn delay_before(&self, attempt: u32) -> Duration {
        let doublings = attempt.saturating_sub(2).min(20);
        let full = self.first_delay.saturating_mul(1 << doublings).min(self.max_delay);
        full - full.mul_f64(jitter() * 0.25)
    }
}

/// A number in [0, 1) that differs between devices and between calls.
fn jitter() -> f64 {
    let nanos = SystemTime::now().duration_since(UNIX_EPOCH).map_or(0, |d| d.subsec_nanos());
    // SplitMix64's finaliser spreads the clock's low bits over the whole word.
    let mut z = u64::from(nanos).wrapping_add(0x9E37_79B9_7F4A_7C15);
    z = (z ^ (z >> 30)).wrapping_mul(0xBF58_476D_1CE4_E5B9);
    z = (z ^ (z >> 27)).wrapping_mul(0x94D0_49BB_1331_11EB);
    (z ^ (z >> 31)) as f64 / u64::MAX as f64 / (1.0 + f64::EPSILON)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn pauses_double_up_to_the_ceiling_less_at_most_a_quarter() {
        let policy =
            RetryPolicy { attempts: 8, first_delay: Duration::from_millis(400), max_delay: Duration::from_secs(2) };
        for (attempt, full_ms) in [(2, 400), (3, 800), (4, 1600), (5, 2000), (8, 2000)] {
            let delay = policy.delay_before(attempt).as_millis() as u64;
            assert!(delay <= full_ms && delay >= full_ms * 3 / 4, "attempt {attempt}: {delay} ms");
        }
        assert_eq!(RetryPolicy::none().delay_before(2), Duration::ZERO);
    }
}

//! Repeated wrong passwords are slowed down per account and client address together:
//! the first `FREE_FAILURES` cost nothing, then each further attempt from that address
//! for that account waits twice as long as the one before (1 s, 2 s, 4 s … at most
//! `MAX_DELAY`), and the count is forgotten after `FORGET` without a failure or at a
//! successful sign-in. Nobody elsewhere can make an account wait (there is no lock per
//! account), and one address guessing one account does not hold up the other people
//! who sign in from it (a site behind one router).

use std::collections::HashMap;
use std::sync::Mutex;
use std::time::{Duration, Instant};

pub const FREE_FAILURES: u32 = 5;
pub const MAX_DELAY: Duration = Duration::from_secs(5 * 60);
pub const FORGET: Duration = Duration::from_secs(15 * 60);
/// Past this many pairs kept, the ones not failing lately are dropped.
const MAX_TRACKED: usize = 100_000;

#[derive(Debug, Clone, Copy)]
struct Failures {
    count: u32,
    last: Instant,
}

impl Failures {
    /// When the next attempt is allowed.
    fn next_allowed(&self) -> Instant {
        let over = self.count.saturating_sub(FREE_FAILURES);
        if over == 0 {
            return self.last;
        }
        let delay = Duration::from_secs(1u64 << (over - 1).min(16)).min(MAX_DELAY);
        self.last + delay
    }
}

#[derive(Default)]
pub struct LoginLimiter {
    failures: Mutex<HashMap<(String, String), Failures>>,
}

impl LoginLimiter {
    fn lock(&self) -> std::sync::MutexGuard<'_, HashMap<(String, String), Failures>> {
        self.failures.lock().unwrap_or_else(|poisoned| poisoned.into_inner())
    }

    /// How long `address` must wait before trying `account` again, if at all.
    pub fn wait_needed(&self, account: &str, address: &str, now: Instant) -> Option<Duration> {
        let failures = *self.lock().get(&(account.to_owned(), address.to_owned()))?;
        if now.duration_since(failures.last) >= FORGET {
            return None;
        }
        let next = failures.next_allowed();
        (next > now).then(|| next - now)
    }

    pub fn record_failure(&self, account: &str, address: &str, now: Instant) {
        let mut failures = self.lock();
        if failures.len() >= MAX_TRACKED {
            failures.retain(|_, f| now.duration_since(f.last) < FORGET);
        }
        let entry =
            failures.entry((account.to_owned(), address.to_owned())).or_insert(Failures { count: 0, last: now });
        if now.duration_since(entry.last) >= FORGET {
            entry.count = 0;
        }
        entry.count += 1;
        entry.last = now;
    }

    pub fn clear(&self, account: &str, address: &str) {
        self.lock().remove(&(account.to_owned(), address.to_owned()));
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn failures_slow_down_one_pair_only_and_are_forgotten() {
        let limiter = LoginLimiter::default();
        let (account, address) = ("a@b.org", "10.0.0.1");
        let start = Instant::now();
        for i in 0..FREE_FAILURES {
            assert_eq!(limiter.wait_needed(account, address, start), None, "attempt {i}");
            limiter.record_failure(account, address, start);
        }
        assert_eq!(limiter.wait_needed(account, address, start), None, "the last free failure costs nothing yet");
        limiter.record_failure(account, address, start);
        assert_eq!(limiter.wait_needed(account, address, start), Some(Duration::from_secs(1)));
        let later = start + Duration::from_secs(1);
        assert_eq!(limiter.wait_needed(account, address, later), None);
        limiter.record_failure(account, address, later);
        assert_eq!(limiter.wait_needed(account, address, later), Some(Duration::from_secs(2)), "each wait doubles");
        for _ in 0..40 {
            limiter.record_failure(account, address, later);
        }
        assert_eq!(limiter.wait_needed(account, address, later), Some(MAX_DELAY), "up to a ceiling");

        assert_eq!(limiter.wait_needed(account, "10.0.0.2", later), None, "the person elsewhere is not held up");
        assert_eq!(limiter.wait_needed("c@b.org", address, later), None, "nor their colleague at the same site");
        assert_eq!(limiter.wait_needed(account, address, later + FORGET), None, "forgotten after a quiet while");
        limiter.record_failure(account, address, later + FORGET);
        assert_eq!(limiter.wait_needed(account, address, later + FORGET), None, "counted from one again");
        limiter.clear(account, address);
        assert_eq!(limiter.wait_needed(account, address, later), None);
    }
}

//! Sign-in attempts are limited per account and per client address: at most
//! `MAX_FAILURES` failed attempts in a sliding `WINDOW`, after which that account or
//! address must wait. A successful sign-in clears the account's count.

use std::collections::{HashMap, VecDeque};
use std::sync::Mutex;
use std::time::{Duration, Instant};

pub const MAX_FAILURES: usize = 10;
pub const WINDOW: Duration = Duration::from_secs(15 * 60);

#[derive(Default)]
pub struct LoginLimiter {
    failures: Mutex<HashMap<String, VecDeque<Instant>>>,
}

impl LoginLimiter {
    /// How long the caller must wait before another attempt with these keys, if at all.
    pub fn wait_needed(&self, keys: &[String], now: Instant) -> Option<Duration> {
        let mut failures = self.failures.lock().unwrap_or_else(|p| p.into_inner());
        keys.iter()
            .filter_map(|key| {
                let times = failures.get_mut(key)?;
                while times.front().is_some_and(|t| now.duration_since(*t) >= WINDOW) {
                    times.pop_front();
                }
                (times.len() >= MAX_FAILURES).then(|| WINDOW - now.duration_since(times[0]))
            })
            .max()
    }

    pub fn record_failure(&self, keys: &[String], now: Instant) {
        let mut failures = self.failures.lock().unwrap_or_else(|p| p.into_inner());
        for key in keys {
            failures.entry(key.clone()).or_default().push_back(now);
        }
    }

    pub fn clear(&self, key: &str) {
        self.failures.lock().unwrap_or_else(|p| p.into_inner()).remove(key);
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_eleventh_failure_in_the_window_waits_and_the_window_slides() {
        let limiter = LoginLimiter::default();
        let keys = vec!["account:a@b.org".to_owned(), "address:127.0.0.1".to_owned()];
        let start = Instant::now();
        for i in 0..MAX_FAILURES {
            assert_eq!(limiter.wait_needed(&keys, start), None, "attempt {i}");
            limiter.record_failure(&keys, start);
        }
        assert!(limiter.wait_needed(&keys, start).is_some());
        assert!(limiter.wait_needed(&["account:other@b.org".to_owned()], start).is_none());
        assert_eq!(limiter.wait_needed(&keys, start + WINDOW), None, "old failures age out");
        limiter.record_failure(&keys, start + WINDOW);
        limiter.clear("account:a@b.org");
        assert_eq!(limiter.wait_needed(&keys[..1], start + WINDOW), None);
    }
}

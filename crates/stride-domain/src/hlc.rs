//! Hybrid logical clock (Kulkarni et al.): wall-clock milliseconds plus a counter,
//! tie-broken by the device id. Stamps only move forward on a device even when its clock
//! steps back, and merging by "larger stamp wins" is deterministic in every order.
//! The text form is fixed-width, so stamps compare the same as text (in SQL) as here.

use crate::ids::DeviceId;
use serde::{Deserialize, Serialize};
use std::fmt;
use std::str::FromStr;
use ts_rs::TS;

#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize, Deserialize, TS)]
#[serde(try_from = "String", into = "String")]
#[ts(type = "string")]
pub struct Hlc {
    pub wall_ms: i64,
    pub counter: u16,
    pub node: DeviceId,
}

#[cfg(feature = "openapi")]
crate::openapi::string_schema!(
    Hlc,
    None,
    None,
    "a hybrid logical clock stamp: wall milliseconds, counter and device, which sorts as text"
);

#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[error("{0:?} is not a clock stamp (wall-counter-device)")]
pub struct InvalidHlc(String);

impl Hlc {
    /// Wall time the text form has room for (13 digits: until the year 2286).
    pub const MAX_WALL_MS: i64 = 9_999_999_999_999;

    /// The same stamp with its wall time no later than `max_wall_ms`: how the server
    /// tames a device whose clock runs far ahead.
    pub fn clamped(self, max_wall_ms: i64) -> Self {
        if self.wall_ms > max_wall_ms {
            Self { wall_ms: max_wall_ms, ..self }
        } else {
            self
        }
    }
}

impl fmt::Display for Hlc {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{:013}-{:05}-{}", self.wall_ms, self.counter, self.node)
    }
}

impl FromStr for Hlc {
    type Err = InvalidHlc;
    fn from_str(s: &str) -> Result<Self, Self::Err> {
        let bad = || InvalidHlc(s.to_owned());
        let (wall, rest) = s.split_once('-').ok_or_else(bad)?;
        let (counter, node) = rest.split_once('-').ok_or_else(bad)?;
        if wall.len() != 13 || counter.len() != 5 {
            return Err(bad());
        }
        Ok(Self {
            wall_ms: wall.parse().map_err(|_| bad())?,
            counter: counter.parse().map_err(|_| bad())?,
            node: node.parse().map_err(|_| bad())?,
        })
    }
}

impl TryFrom<String> for Hlc {
    type Error = InvalidHlc;
    fn try_from(s: String) -> Result<Self, Self::Error> {
        s.parse()
    }
}

impl From<Hlc> for String {
    fn from(hlc: Hlc) -> String {
        hlc.to_string()
    }
}

/// One device's clock. Not thread-safe by itself: the store keeps it behind its lock.
#[derive(Debug, Clone)]
pub struct HlcClock {
    node: DeviceId,
    last_wall_ms: i64,
    last_counter: u16,
}

impl HlcClock {
    /// A clock that continues after `last` (the latest stamp this device issued or saw).
    pub fn new(node: DeviceId, last: Option<Hlc>) -> Self {
        let (last_wall_ms, last_counter) = last.map_or((0, 0), |h| (h.wall_ms, h.counter));
        Self { node, last_wall_ms, last_counter }
    }

    /// The stamp for a local change at wall time `now_ms`.
    pub fn tick(&mut self, now_ms: i64) -> Hlc {
        if now_ms > self.last_wall_ms {
            self.last_wall_ms = now_ms.min(Hlc::MAX_WALL_MS);
            self.last_counter = 0;
        } else {
            self.advance_counter();
        }
        self.current()
    }

    /// Takes in a stamp seen from elsewhere, so later local stamps order after it.
    pub fn observe(&mut self, seen: Hlc, now_ms: i64) -> Hlc {
        let wall = now_ms.max(self.last_wall_ms).max(seen.wall_ms).min(Hlc::MAX_WALL_MS);
        if wall == self.last_wall_ms && wall == seen.wall_ms {
            self.last_counter = self.last_counter.max(seen.counter);
            self.advance_counter();
        } else if wall == self.last_wall_ms {
            self.advance_counter();
        } else if wall == seen.wall_ms {
            self.last_wall_ms = wall;
            self.last_counter = seen.counter;
            self.advance_counter();
        } else {
            self.last_wall_ms = wall;
            self.last_counter = 0;
        }
        self.current()
    }

    fn advance_counter(&mut self) {
        match self.last_counter.checked_add(1) {
            Some(next) => self.last_counter = next,
            // 65,536 stamps in one millisecond: borrow the next millisecond.
            None => {
                self.last_wall_ms += 1;
                self.last_counter = 0;
            }
        }
    }

    fn current(&self) -> Hlc {
        Hlc { wall_ms: self.last_wall_ms, counter: self.last_counter, node: self.node }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn stamps_move_forward_even_when_the_wall_clock_steps_back() {
        let mut clock = HlcClock::new(DeviceId::new(), None);
        let a = clock.tick(1_000);
        let b = clock.tick(999);
        let c = clock.tick(1_000);
        let d = clock.tick(1_001);
        assert!(a < b && b < c && c < d, "{a} {b} {c} {d}");
        assert!(a.to_string() < b.to_string() && c.to_string() < d.to_string(), "text order matches");
    }

    #[test]
    fn observing_a_remote_stamp_orders_later_local_stamps_after_it() {
        let mut ours = HlcClock::new(DeviceId::new(), None);
        let mut theirs = HlcClock::new(DeviceId::new(), None);
        let remote = theirs.tick(50_000); // their clock is ahead
        ours.observe(remote, 10_000);
        assert!(ours.tick(10_001) > remote);
    }

    #[test]
    fn text_form_round_trips_and_rejects_garbage() {
        let stamp = HlcClock::new(DeviceId::new(), None).tick(1_763_782_740_000);
        assert_eq!(stamp.to_string().parse::<Hlc>(), Ok(stamp));
        assert!("12-3-x".parse::<Hlc>().is_err());
        let clamped = stamp.clamped(5);
        assert_eq!((clamped.wall_ms, clamped.node), (5, stamp.node));
    }
}

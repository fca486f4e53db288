//! Repeated wrong passwords are slowed down per account and client address together:
//! the first `FREE_FAILURES` cost nothing, then each further attempt from that address
//! for that account waits twice as long as the one before (1 s, 2 s, 4 s … at most
//! `MAX_DELAY`), and the count is forgotten after `FORGET` without a failure or at a
//! successful sign-in. Nobody elsewhere can make an account wait (there is no lock per
//! account), and one address guessing one account does not hold up the other people
//! who sign in from it (a site behind one router).
//!
//! The failures are counted in PostgreSQL (`sign_in_failures`, server migration 19) and
//! timed by its clock, so every server on the database counts the same ones and a
//! restart forgets none.

use sqlx::PgPool;
use std::time::Duration;

pub const FREE_FAILURES: u32 = 5;
pub const MAX_DELAY: Duration = Duration::from_secs(5 * 60);
pub const FORGET: Duration = Duration::from_secs(15 * 60);

/// How long after the last of `failures` wrong attempts the next one may come.
fn delay_after(failures: u32) -> Duration {
    let over = failures.saturating_sub(FREE_FAILURES);
    if over == 0 {
        return Duration::ZERO;
    }
    Duration::from_secs(1u64 << (over - 1).min(16)).min(MAX_DELAY)
}

/// How long to wait after `failures` failures, the last `since` ago, if at all.
fn wait_after(failures: u32, since: Duration) -> Option<Duration> {
    if since >= FORGET {
        return None;
    }
    let delay = delay_after(failures);
    (delay > since).then(|| delay - since)
}

/// How long `address` must wait before trying `account` again, if at all.
pub async fn wait_needed(pool: &PgPool, account: &str, address: &str) -> Result<Option<Duration>, sqlx::Error> {
    let counted: Option<(i32, f64)> = sqlx::query_as(
        "SELECT failures, greatest(extract(epoch FROM now() - last_failed_at), 0)::float8
         FROM sign_in_failures WHERE email = $1 AND address = $2",
    )
    .bind(account)
    .bind(address)
    .fetch_optional(pool)
    .await?;
    Ok(counted
        .and_then(|(failures, since)| wait_after(u32::try_from(failures).unwrap_or(0), Duration::from_secs_f64(since))))
}

/// Counts a wrong attempt (from one again after a quiet while), and deletes the counts
/// forgotten by now.
pub async fn record_failure(pool: &PgPool, account: &str, address: &str) -> Result<(), sqlx::Error> {
    let forget = FORGET.as_secs_f64();
    sqlx::query(
        "WITH forgotten AS (DELETE FROM sign_in_failures WHERE last_failed_at < now() - make_interval(secs => $3)
                              AND NOT (email = $1 AND address = $2))
         INSERT INTO sign_in_failures AS f (email, address, failures, last_failed_at) VALUES ($1, $2, 1, now())
         ON CONFLICT (email, address) DO UPDATE SET last_failed_at = now(),
           failures = CASE WHEN f.last_failed_at < now() - make_interval(secs => $3) THEN 1 ELSE f.failures + 1 END",
    )
    .bind(account)
    .bind(address)
    .bind(forget)
    .execute(pool)
    .await?;
    Ok(())
}

/// Forgets the pair's failures (the secret was right).
pub async fn clear(pool: &PgPool, account: &str, address: &str) -> Result<(), sqlx::Error> {
    sqlx::query("DELETE FROM sign_in_failures WHERE email = $1 AND address = $2")
        .bind(account)
        .bind(address)
        .execute(pool)
        .await?;
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn failures_past_the_free_ones_wait_twice_as_long_each_up_to_a_ceiling_and_are_forgotten() {
        let now = Duration::ZERO;
        for failures in 0..=FREE_FAILURES {
            assert_eq!(wait_after(failures, now), None, "{failures} failures cost nothing yet");
        }
        assert_eq!(wait_after(FREE_FAILURES + 1, now), Some(Duration::from_secs(1)));
        assert_eq!(wait_after(FREE_FAILURES + 1, Duration::from_secs(1)), None, "waited out");
        assert_eq!(wait_after(FREE_FAILURES + 2, Duration::from_millis(500)), Some(Duration::from_millis(1500)));
        assert_eq!(wait_after(FREE_FAILURES + 3, now), Some(Duration::from_secs(4)), "each wait doubles");
        assert_eq!(wait_after(FREE_FAILURES + 40, now), Some(MAX_DELAY), "up to a ceiling");
        assert_eq!(wait_after(u32::MAX, now), Some(MAX_DELAY));
        assert_eq!(wait_after(FREE_FAILURES + 40, FORGET), None, "forgotten after a quiet while");
    }
}

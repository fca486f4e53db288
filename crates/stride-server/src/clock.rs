//! The server's clock: its one reading of the time (devices read theirs through the store).

use stride_domain::Timestamp;

/// The time now by the server's clock.
pub(crate) fn now() -> Timestamp {
    #[allow(clippy::disallowed_methods)] // the one reading on the server
    Timestamp::now()
}

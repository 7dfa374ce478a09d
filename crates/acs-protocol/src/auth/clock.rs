use std::sync::atomic::{AtomicI64, Ordering};

use time::OffsetDateTime;

/// The verifier's source of "now": the timestamp window and nonce expiry are judged against it.
pub trait Clock: Send + Sync {
    /// The current time.
    fn now(&self) -> OffsetDateTime;
}

/// The system's UTC clock.
#[derive(Debug, Clone, Copy, Default)]
pub struct SystemClock;

impl Clock for SystemClock {
    fn now(&self) -> OffsetDateTime {
        OffsetDateTime::now_utc()
    }
}

/// A clock that says what it is told (whole seconds), for tests and replays of recorded traffic.
#[derive(Debug)]
pub struct ManualClock {
    unix_seconds: AtomicI64,
}

impl ManualClock {
    /// Starts at `at`.
    pub fn new(at: OffsetDateTime) -> Self {
        Self {
            unix_seconds: AtomicI64::new(at.unix_timestamp()),
        }
    }

    /// Moves to `at`.
    pub fn set(&self, at: OffsetDateTime) {
        self.unix_seconds
            .store(at.unix_timestamp(), Ordering::SeqCst);
    }

    /// Moves by `seconds` (negative goes back).
    pub fn advance(&self, seconds: i64) {
        self.unix_seconds.fetch_add(seconds, Ordering::SeqCst);
    }
}

impl Clock for ManualClock {
    fn now(&self) -> OffsetDateTime {
        OffsetDateTime::from_unix_timestamp(self.unix_seconds.load(Ordering::SeqCst))
            .unwrap_or(OffsetDateTime::UNIX_EPOCH)
    }
}

impl<C: Clock + ?Sized> Clock for std::sync::Arc<C> {
    fn now(&self) -> OffsetDateTime {
        (**self).now()
    }
}

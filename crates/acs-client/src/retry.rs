//! When a failed attempt is tried again, and after how long.
//!
//! Retried: connection failures, timeouts and dropped connections, 5xx answers, and `Throttling*`
//! codes (honouring `x-acs-retry-after`, in milliseconds as Alibaba's SDKs read it). Operations
//! the spec marks non-idempotent (`x-acs-idempotent: false`, e.g. Create) are retried only when the
//! request cannot have reached the server (a connect failure), so a retry never creates twice.
//! Every attempt is signed again with a fresh nonce and timestamp. Attempts and total time are
//! bounded.

use std::time::Duration;

use rand::Rng;

/// How failed attempts are retried. The default: at most 3 attempts within 30 s, backoff from
/// 200 ms doubling up to 5 s, with jitter.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct RetryPolicy {
    max_attempts: u32,
    initial_backoff: Duration,
    max_backoff: Duration,
    max_elapsed: Duration,
}

impl Default for RetryPolicy {
    fn default() -> Self {
        Self {
            max_attempts: 3,
            initial_backoff: Duration::from_millis(200),
            max_backoff: Duration::from_secs(5),
            max_elapsed: Duration::from_secs(30),
        }
    }
}

impl RetryPolicy {
    /// The default policy.
    pub fn new() -> Self {
        Self::default()
    }

    /// One attempt, never retried.
    pub fn none() -> Self {
        Self::default().max_attempts(1)
    }

    /// At most `attempts` attempts in all (the first included); at least 1.
    #[must_use]
    pub fn max_attempts(mut self, attempts: u32) -> Self {
        self.max_attempts = attempts.max(1);
        self
    }

    /// The backoff before the first retry; it doubles with every further retry.
    #[must_use]
    pub fn initial_backoff(mut self, backoff: Duration) -> Self {
        self.initial_backoff = backoff;
        self
    }

    /// The largest backoff between two attempts.
    #[must_use]
    pub fn max_backoff(mut self, backoff: Duration) -> Self {
        self.max_backoff = backoff;
        self
    }

    /// No retry starts later than this after the first attempt began.
    #[must_use]
    pub fn max_elapsed(mut self, elapsed: Duration) -> Self {
        self.max_elapsed = elapsed;
        self
    }

    /// The attempt limit.
    pub fn attempts(&self) -> u32 {
        self.max_attempts
    }

    /// The total time limit.
    pub fn elapsed_limit(&self) -> Duration {
        self.max_elapsed
    }

    /// The pause before retry number `retry` (1 = the first retry): the capped exponential step
    /// `min(max_backoff, initial_backoff * 2^(retry-1))`, half of it fixed and half random
    /// ("equal jitter"), so that clients failing together do not retry together.
    pub fn backoff(&self, retry: u32) -> Duration {
        let factor = 1u32 << retry.saturating_sub(1).min(20);
        let step = self
            .initial_backoff
            .saturating_mul(factor)
            .min(self.max_backoff);
        let half = step / 2;
        let jitter =
            rand::thread_rng().gen_range(0..=half.as_micros().min(u64::MAX as u128) as u64);
        half + Duration::from_micros(jitter)
    }
}

/// How an attempt failed, as far as retrying is concerned.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum Failure {
    /// The request cannot have reached the server.
    NotSent,
    /// The request may have reached the server, and no answer came back.
    NoAnswer,
    /// A 5xx answer.
    ServerError,
    /// A `Throttling*` code; the server asked to wait this long, if it said.
    Throttled(Option<Duration>),
    /// An answer that retrying will not change (4xx codes, unreadable success bodies).
    Final,
}

impl Failure {
    /// Whether another attempt may be made for an operation of this idempotency.
    pub(crate) fn retryable(self, idempotent: bool) -> bool {
        match self {
            Failure::NotSent => true,
            Failure::NoAnswer | Failure::ServerError | Failure::Throttled(_) => idempotent,
            Failure::Final => false,
        }
    }

    /// The wait the server asked for, if any.
    pub(crate) fn retry_after(self) -> Option<Duration> {
        match self {
            Failure::Throttled(after) => after,
            _ => None,
        }
    }
}

/// `x-acs-retry-after`: milliseconds to wait (Alibaba's SDKs read it so); absent, zero or
/// unparsable is no hint.
pub(crate) fn retry_after(headers: &http::HeaderMap) -> Option<Duration> {
    let millis: u64 = headers
        .get("x-acs-retry-after")?
        .to_str()
        .ok()?
        .trim()
        .parse()
        .ok()?;
    (millis > 0).then(|| Duration::from_millis(millis))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn backoff_grows_exponentially_within_its_cap_and_jitters() {
        let policy = RetryPolicy::new()
            .initial_backoff(Duration::from_millis(100))
            .max_backoff(Duration::from_millis(350));
        for _ in 0..50 {
            let first = policy.backoff(1);
            assert!(first >= Duration::from_millis(50) && first <= Duration::from_millis(100));
            let second = policy.backoff(2);
            assert!(second >= Duration::from_millis(100) && second <= Duration::from_millis(200));
            let capped = policy.backoff(30);
            assert!(capped >= Duration::from_millis(175) && capped <= Duration::from_millis(350));
        }
    }

    #[test]
    fn non_idempotent_operations_retry_only_what_was_not_sent() {
        assert!(Failure::NotSent.retryable(false));
        for failure in [
            Failure::NoAnswer,
            Failure::ServerError,
            Failure::Throttled(None),
        ] {
            assert!(failure.retryable(true));
            assert!(!failure.retryable(false));
        }
        assert!(!Failure::Final.retryable(true));
    }

    #[test]
    fn retry_after_is_read_in_milliseconds() {
        let mut headers = http::HeaderMap::new();
        assert_eq!(retry_after(&headers), None);
        headers.insert("x-acs-retry-after", http::HeaderValue::from_static(" 250 "));
        assert_eq!(retry_after(&headers), Some(Duration::from_millis(250)));
        headers.insert("x-acs-retry-after", http::HeaderValue::from_static("0"));
        assert_eq!(retry_after(&headers), None);
        headers.insert("x-acs-retry-after", http::HeaderValue::from_static("soon"));
        assert_eq!(retry_after(&headers), None);
    }

    #[test]
    fn at_least_one_attempt() {
        assert_eq!(RetryPolicy::new().max_attempts(0).attempts(), 1);
        assert_eq!(RetryPolicy::none().attempts(), 1);
    }
}

//! Which failures are worth another attempt, how often and how patiently ([`Retry`]), and the
//! loop that repeats a call.

use std::fmt;
use std::time::{Duration, Instant};

use serde_json::Value;
use tracing::Instrument as _;
use tracing::field::Empty;

use crate::error::Error;
use crate::schema::{Gateway, Operation};

use super::Engine;
use super::auto::uuid_v4;

/// How often and how patiently a call is repeated after a retryable failure: an HTTP status in
/// the gateway's `retry_http_status` or a result code the operation marks retryable.
#[derive(Debug, Clone)]
pub struct RetryPolicy {
    /// Attempts in all, the first included; 0 counts as 1.
    pub max_attempts: u32,
    /// Wait before the second attempt; it doubles for each further attempt.
    pub initial_backoff: Duration,
    /// The longest wait, so that doubling does not outlast the customer's patience.
    pub max_backoff: Duration,
}

/// Decides, after a retryable failure, whether to try again and how long to wait first.
///
/// The engine decides which failures are retryable (an HTTP status the gateway lists, a result
/// code the operation marks); a policy decides only how many attempts and how patiently, so
/// jitter, a deadline of the caller's own or a circuit breaker shared between engines fit here
/// without touching what is safe to repeat. [`RetryPolicy`] is the default.
pub trait Retry: fmt::Debug + Send + Sync {
    /// The wait before the next attempt, or `None` to give up and return `error` to the caller.
    /// `failed_attempt` counts the attempt that just failed, the first being 1.
    fn delay_before_retry(&self, failed_attempt: u32, error: &Error) -> Option<Duration>;
}

impl Retry for RetryPolicy {
    fn delay_before_retry(&self, failed_attempt: u32, _error: &Error) -> Option<Duration> {
        if failed_attempt >= self.max_attempts.max(1) {
            return None;
        }
        let mut wait = self.initial_backoff;
        for _ in 1..failed_attempt {
            let doubled = wait.saturating_mul(2).min(self.max_backoff);
            // From here on every wait is the same; no need to count up to a large attempt.
            if doubled == wait {
                break;
            }
            wait = doubled;
        }
        Some(wait)
    }
}

impl Default for RetryPolicy {
    fn default() -> Self {
        RetryPolicy {
            max_attempts: 3,
            initial_backoff: Duration::from_secs(1),
            max_backoff: Duration::from_secs(8),
        }
    }
}

/// Why an attempt did not produce a trusted, successful answer.
pub(super) enum Failure {
    /// Another attempt may succeed (the gateway said so through the status or result code).
    Retryable(Error),
    Final(Error),
}

impl Failure {
    /// An HTTP error is worth another attempt when the gateway lists its status as retryable.
    pub(super) fn of_http_status(gateway: &Gateway, status: u16, error: Error) -> Failure {
        if gateway.retry_http_status.contains(&status) {
            Failure::Retryable(error)
        } else {
            Failure::Final(error)
        }
    }

    /// A rejection is worth another attempt when the operation marks its result code retryable.
    pub(super) fn of_rejection(op: &'static Operation, code: i64, error: Error) -> Failure {
        if op.retryable_result_codes.contains(&code) {
            Failure::Retryable(error)
        } else {
            Failure::Final(error)
        }
    }
}

impl Engine {
    pub(super) async fn call_json(
        &self,
        op: &'static Operation,
        request: &Value,
    ) -> Result<Value, Error> {
        let mut attempt: u32 = 1;
        // One idempotency key per call, sent again on every retry of it.
        let idempotency_key = uuid_v4()?;
        loop {
            // Prepared afresh for every attempt: the gateway refuses a stale dttm, and the
            // signature covers it.
            let prepared = self.prepare_value(op, request)?;
            let headers = self.headers(op, &idempotency_key)?;
            let span = tracing::info_span!(
                "oneclick.call",
                gateway = self.gateway.name,
                operation = op.id,
                attempt,
                result_code = Empty,
                http_status = Empty,
                duration_ms = Empty,
            );
            let started = Instant::now();
            let outcome = self
                .exchange(op, prepared, headers, &span)
                .instrument(span.clone())
                .await;
            let elapsed_ms = u64::try_from(started.elapsed().as_millis()).unwrap_or(u64::MAX);
            span.record("duration_ms", elapsed_ms);
            match outcome {
                Ok(response) => return Ok(response),
                Err(Failure::Final(error)) => return Err(error),
                Err(Failure::Retryable(error)) => {
                    let Some(backoff) = self.retry.delay_before_retry(attempt, &error) else {
                        return Err(error);
                    };
                    let backoff_ms = u64::try_from(backoff.as_millis()).unwrap_or(u64::MAX);
                    tracing::debug!(parent: &span, backoff_ms, "retryable answer, trying again");
                    tokio::time::sleep(backoff).await;
                    attempt = attempt.saturating_add(1);
                }
            }
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn waits(policy: &RetryPolicy, failed_attempts: u32) -> Vec<Option<Duration>> {
        let error = Error::Config("unused by RetryPolicy".into());
        (1..=failed_attempts)
            .map(|attempt| policy.delay_before_retry(attempt, &error))
            .collect()
    }

    #[test]
    fn default_policy_tries_three_times_waiting_one_then_two_seconds() {
        assert_eq!(
            waits(&RetryPolicy::default(), 3),
            [
                Some(Duration::from_secs(1)),
                Some(Duration::from_secs(2)),
                None
            ]
        );
    }

    #[test]
    fn backoff_doubles_up_to_its_cap() {
        let policy = RetryPolicy {
            max_attempts: 6,
            initial_backoff: Duration::from_millis(1),
            max_backoff: Duration::from_millis(4),
        };
        let ms = |n| Some(Duration::from_millis(n));
        assert_eq!(waits(&policy, 6), [ms(1), ms(2), ms(4), ms(4), ms(4), None]);
    }

    #[test]
    fn zero_attempts_means_one() {
        let policy = RetryPolicy {
            max_attempts: 0,
            ..RetryPolicy::default()
        };
        assert_eq!(waits(&policy, 1), [None]);
    }

    #[test]
    fn late_attempts_wait_the_cap() {
        let policy = RetryPolicy {
            max_attempts: u32::MAX,
            initial_backoff: Duration::from_nanos(1),
            max_backoff: Duration::from_secs(3600),
        };
        let error = Error::Config("unused by RetryPolicy".into());
        assert_eq!(
            policy.delay_before_retry(u32::MAX - 1, &error),
            Some(Duration::from_secs(3600))
        );
    }
}

//! Which failures are worth another attempt, how often and how patiently, and the loop that
//! repeats a call.

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
    pub max_backoff: Duration,
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
        let attempts = self.retry.max_attempts.max(1);
        let mut backoff = self.retry.initial_backoff;
        let mut attempt = 1;
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
                Err(Failure::Retryable(_)) if attempt < attempts => {
                    let backoff_ms = u64::try_from(backoff.as_millis()).unwrap_or(u64::MAX);
                    tracing::debug!(parent: &span, backoff_ms, "retryable answer, trying again");
                    tokio::time::sleep(backoff).await;
                    backoff = backoff.saturating_mul(2).min(self.retry.max_backoff);
                    attempt += 1;
                }
                Err(Failure::Retryable(error) | Failure::Final(error)) => return Err(error),
            }
        }
    }
}

//! Which failures are worth another attempt, how often and how patiently ([`Retry`]), and the
//! loop that repeats a call.
//!
//! What may be repeated depends on the operation's [`Repeat`]: a read or an idempotent call is
//! repeated after any failure another attempt may cure, an unsafe one only after an answer that
//! proves the gateway did nothing. A call that fails in a way that leaves open whether the
//! gateway acted, and that the caller could not safely make again, ends as
//! [`Error::OutcomeUnknown`], never as a plain failure the caller might answer by paying again.

use std::fmt;
use std::time::{Duration, Instant};

use serde_json::{Map, Value};
use tracing::Instrument as _;
use tracing::field::Empty;

use crate::error::Error;
use crate::schema::{Gateway, HeaderValue, Operation, Repeat};

use super::Engine;
use super::auto::uuid_v4;

/// How often and how patiently a call is repeated after a retryable failure (see [`Retry`] for
/// which failures are).
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
/// The engine decides which failures are retryable (by the operation's `repeat`: an HTTP
/// status the gateway lists, a result code the operation marks, a transport failure of a safe
/// call); a policy decides only how many attempts and how patiently, so
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

/// Why an attempt did not produce a trusted, successful answer, and what it tells about the
/// gateway having acted.
pub(super) enum Failure {
    /// The gateway proved it did nothing: any operation may try again.
    NothingDone(Error),
    /// The gateway may have acted, and another attempt may succeed: only a safe operation tries
    /// again.
    MaybeActed(Error),
    /// The gateway may have acted, and another attempt would not help.
    Unknown(Error),
    /// A definite answer.
    Final(Error),
}

impl Failure {
    /// A status the gateway gives before acting proves nothing was done; another listed status
    /// may come after the gateway acted (ČSOB can create a payment and answer 503), and so may
    /// any 5xx.
    pub(super) fn of_http_status(gateway: &Gateway, status: u16, error: Error) -> Failure {
        if gateway.unprocessed_http_status.contains(&status) {
            Failure::NothingDone(error)
        } else if gateway.retry_http_status.contains(&status) {
            Failure::MaybeActed(error)
        } else if status >= 500 {
            Failure::Unknown(error)
        } else {
            Failure::Final(error)
        }
    }

    /// A retryable result code in a verified answer is the gateway saying it did nothing; in an
    /// unsigned answer it is only a hint.
    pub(super) fn of_rejection(op: &'static Operation, retryable: bool, error: Error) -> Failure {
        match (retryable, !op.response_recipes.is_empty()) {
            (false, _) => Failure::Final(error),
            (true, true) => Failure::NothingDone(error),
            (true, false) => Failure::MaybeActed(error),
        }
    }

    /// A connection that never opened carried nothing; any later failure may come after the
    /// request reached the gateway.
    pub(super) fn of_transport(connected: bool, error: Error) -> Failure {
        if connected {
            Failure::MaybeActed(error)
        } else {
            Failure::NothingDone(error)
        }
    }

    /// An answer that does not verify or decode says nothing trustworthy about what was done.
    pub(super) fn of_answer(error: Error) -> Failure {
        Failure::Unknown(error)
    }
}

/// What the loop does after a failed attempt.
enum Next {
    /// Worth another attempt if the caller's [`Retry`] policy grants one; if it does not, the
    /// error is reported as it is or, with `unknown_when_exhausted`, as an unknown outcome.
    TryAgain {
        error: Error,
        unknown_when_exhausted: bool,
    },
    Fail(Error),
    OutcomeUnknown(Error),
}

/// `reports_unknown`: whether a failure after which the gateway may have acted must be told
/// apart from a plain one (see [`reports_unknown`]).
fn next(repeat: Repeat, reports_unknown: bool, failure: Failure) -> Next {
    match failure {
        Failure::NothingDone(error) => Next::TryAgain {
            error,
            unknown_when_exhausted: false,
        },
        Failure::MaybeActed(error) if repeat.is_safe() => Next::TryAgain {
            error,
            unknown_when_exhausted: reports_unknown,
        },
        Failure::MaybeActed(error) | Failure::Unknown(error) if reports_unknown => {
            Next::OutcomeUnknown(error)
        }
        Failure::MaybeActed(error) | Failure::Unknown(error) | Failure::Final(error) => {
            Next::Fail(error)
        }
    }
}

fn outcome_unknown(
    op: &'static Operation,
    reconcile: Option<Vec<(String, String)>>,
    cause: Error,
    span: &tracing::Span,
) -> Error {
    tracing::warn!(parent: span, "outcome unknown: the gateway may have acted");
    Error::OutcomeUnknown {
        operation: op.id,
        reconcile: reconcile.unwrap_or_default(),
        cause: Box::new(cause),
    }
}

/// An unsafe call may have acted; so may an idempotent one whose key the client made for this
/// call only, because the caller cannot send that key again and a new call would act anew.
/// A read, or a call the caller identifies itself (Monetix's payment_id), can simply be made
/// again.
fn reports_unknown(gateway: &Gateway, op: &'static Operation) -> bool {
    match op.repeat {
        Repeat::Unsafe => true,
        Repeat::Read => false,
        Repeat::Idempotent => gateway
            .headers
            .iter()
            .chain(op.headers)
            .any(|h| h.value == HeaderValue::IdempotencyKey),
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
        let reports_unknown = reports_unknown(self.gateway, op);
        loop {
            // Prepared afresh for every attempt: the gateway refuses a stale dttm, and the
            // signature covers it.
            let prepared = self.prepare_value(op, request)?;
            let headers = self.headers(op, &idempotency_key)?;
            let reconcile = reports_unknown
                .then(|| self.reconcile(op, request, prepared.body.as_ref(), &idempotency_key));
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
                .exchange(op, request, prepared, headers, &span)
                .instrument(span.clone())
                .await;
            let elapsed_ms = u64::try_from(started.elapsed().as_millis()).unwrap_or(u64::MAX);
            span.record("duration_ms", elapsed_ms);
            let failure = match outcome {
                Ok(response) => return Ok(response),
                Err(failure) => failure,
            };
            let (error, unknown_when_exhausted) = match next(op.repeat, reports_unknown, failure) {
                Next::TryAgain {
                    error,
                    unknown_when_exhausted,
                } => (error, unknown_when_exhausted),
                Next::Fail(error) => return Err(error),
                Next::OutcomeUnknown(cause) => {
                    return Err(outcome_unknown(op, reconcile, cause, &span));
                }
            };
            let Some(backoff) = self.retry.delay_before_retry(attempt, &error) else {
                return Err(if unknown_when_exhausted {
                    outcome_unknown(op, reconcile, error, &span)
                } else {
                    error
                });
            };
            let backoff_ms = u64::try_from(backoff.as_millis()).unwrap_or(u64::MAX);
            tracing::debug!(parent: &span, backoff_ms, "retryable failure, trying again");
            tokio::time::sleep(backoff).await;
            attempt = attempt.saturating_add(1);
        }
    }

    /// The values that identify an attempt at the gateway, as sent: the operation's reconcile
    /// fields (from the body, or from the caller's request for fields that travel in the path)
    /// and the idempotency key when the operation sends one.
    fn reconcile(
        &self,
        op: &'static Operation,
        request: &Value,
        sent_body: Option<&Value>,
        idempotency_key: &str,
    ) -> Vec<(String, String)> {
        let mut pairs: Vec<(String, String)> = op
            .reconcile
            .iter()
            .filter_map(|path| {
                let value = sent_body
                    .and_then(|body| at_path(body, path))
                    .or_else(|| at_path(request, path))?;
                let text = match value {
                    Value::String(s) => s.clone(),
                    other => other.to_string(),
                };
                Some(((*path).to_owned(), text))
            })
            .collect();
        let idempotency_header = self
            .gateway
            .headers
            .iter()
            .chain(op.headers)
            .find(|h| h.value == HeaderValue::IdempotencyKey);
        if let Some(header) = idempotency_header {
            pairs.push((header.name.to_owned(), idempotency_key.to_owned()));
        }
        pairs
    }
}

/// The non-null value at a dotted path of objects (`general.payment_id`).
fn at_path<'v>(value: &'v Value, path: &str) -> Option<&'v Value> {
    path.split('.')
        .try_fold(value, |current, key| {
            current
                .as_object()
                .and_then(|map: &Map<String, Value>| map.get(key))
        })
        .filter(|v| !v.is_null())
}

#[cfg(test)]
mod tests {
    use super::*;

    fn decide(repeat: Repeat, reports_unknown: bool) -> [&'static str; 4] {
        let failures = [
            Failure::NothingDone,
            Failure::MaybeActed,
            Failure::Unknown,
            Failure::Final,
        ];
        failures.map(|failure| {
            let error = Error::Config("x".into());
            match next(repeat, reports_unknown, failure(error)) {
                Next::TryAgain {
                    unknown_when_exhausted: false,
                    ..
                } => "again, then fail",
                Next::TryAgain {
                    unknown_when_exhausted: true,
                    ..
                } => "again, then unknown",
                Next::Fail(_) => "fail",
                Next::OutcomeUnknown(_) => "unknown",
            }
        })
    }

    #[test]
    fn only_proof_that_nothing_was_done_repeats_an_unsafe_call() {
        // Columns: nothing done, maybe acted, unknown, final.
        assert_eq!(
            decide(Repeat::Unsafe, true),
            ["again, then fail", "unknown", "unknown", "fail"]
        );
        assert_eq!(
            decide(Repeat::Read, false),
            ["again, then fail", "again, then fail", "fail", "fail"]
        );
        assert_eq!(
            decide(Repeat::Idempotent, false),
            ["again, then fail", "again, then fail", "fail", "fail"]
        );
        assert_eq!(
            decide(Repeat::Idempotent, true),
            ["again, then fail", "again, then unknown", "unknown", "fail"]
        );
    }
}

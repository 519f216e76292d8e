//! Outcomes on demand: the next answers of a gateway can be made to fail in a chosen way, by
//! an admin call (`POST /admin/outcomes {"gateway": "csob", "outcome": "http_503", "count": 1}`)
//! or [`crate::Simulator::queue_outcome`].

use std::collections::{BTreeMap, VecDeque};
use std::time::Duration;

use serde_json::Value;

use crate::http::Reply;

/// What the next answer of a gateway does instead of (or besides) its normal behaviour.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Outcome {
    /// HTTP 429 Too Many Requests.
    Http429,
    /// HTTP 503 Service Unavailable.
    Http503,
    /// The normal answer, two seconds late.
    Slow,
    /// A 200 answer that is not JSON.
    Malformed,
    /// The normal answer with its signature broken.
    BadSignature,
    /// The connection closes without an answer.
    Drop,
    /// ČSOB: result code 900 (a retryable error of init and process).
    Result900,
    /// ČSOB: process asks for a browser challenge (3-D Secure).
    Challenge,
    /// Monetix: the sale, refund, capture or cancel is declined by the provider (acknowledged,
    /// then a callback with `operation.status` decline; the payment is left as it was). ČSOB:
    /// the customer's card is declined on the payment page.
    Decline,
    /// Monetix: the sale is held for capture (`payment.status` awaiting capture).
    Hold,
    /// ČSOB: the customer cancels on the payment page.
    Cancel,
    /// XPay: the HPP or Pay-by-Link order this answer creates is paid at once (its
    /// AUTHORIZATION and notification follow).
    Paid,
}

impl Outcome {
    pub fn parse(name: &str) -> Option<Outcome> {
        Some(match name {
            "http_429" => Outcome::Http429,
            "http_503" => Outcome::Http503,
            "slow" => Outcome::Slow,
            "malformed" => Outcome::Malformed,
            "bad_signature" => Outcome::BadSignature,
            "drop" => Outcome::Drop,
            "result_900" => Outcome::Result900,
            "challenge" => Outcome::Challenge,
            "decline" => Outcome::Decline,
            "cancel" => Outcome::Cancel,
            "paid" => Outcome::Paid,
            "hold" => Outcome::Hold,
            _ => return None,
        })
    }
}

/// Outcomes waiting, per gateway prefix (`csob`, `monetix`, …), as runs of one outcome and how
/// many answers it still applies to: an admin call asking for a huge count costs nothing.
#[derive(Debug, Default)]
pub(crate) struct Queue(BTreeMap<String, VecDeque<(Outcome, usize)>>);

impl Queue {
    pub fn push(&mut self, gateway: &str, outcome: Outcome, count: usize) {
        if count > 0 {
            let queue = self.0.entry(gateway.to_owned()).or_default();
            queue.push_back((outcome, count));
        }
    }

    pub fn next(&mut self, gateway: &str) -> Option<Outcome> {
        let queue = self.0.get_mut(gateway)?;
        let (outcome, left) = queue.front_mut()?;
        let outcome = *outcome;
        *left -= 1;
        if *left == 0 {
            queue.pop_front();
        }
        Some(outcome)
    }
}

/// The answer for outcomes that replace the gateway's behaviour; `None` when the gateway must
/// run (its own outcomes, or ones applied to its answer by [`after`]).
pub(crate) fn instead(outcome: Outcome) -> Option<Reply> {
    match outcome {
        Outcome::Http429 => Some(Reply::Status(429, String::new())),
        Outcome::Http503 => Some(Reply::Status(503, String::new())),
        Outcome::Malformed => Some(Reply::Status(200, "{\"truncated\": ".into())),
        Outcome::Drop => Some(Reply::Drop),
        _ => None,
    }
}

/// Applies an outcome to the gateway's own answer.
pub(crate) fn after(outcome: Outcome, reply: Reply) -> Reply {
    match (outcome, reply) {
        (Outcome::Slow, reply) => Reply::Delayed(Duration::from_secs(2), Box::new(reply)),
        (Outcome::BadSignature, Reply::Status(status, body)) => {
            let mut json: Value = serde_json::from_str(&body).unwrap_or(Value::Null);
            let pointer = if json.pointer("/general/signature").is_some() {
                "/general/signature"
            } else {
                "/signature"
            };
            match json.pointer_mut(pointer) {
                Some(signature) => *signature = Value::String("AAAA".into()),
                None => {
                    if let Some(map) = json.as_object_mut() {
                        map.insert("signature".into(), Value::String("AAAA".into()));
                    }
                }
            }
            Reply::Status(status, json.to_string())
        }
        (_, reply) => reply,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn runs_are_served_in_order_and_a_huge_count_costs_nothing() {
        let mut queue = Queue::default();
        queue.push("csob", Outcome::Http503, 2);
        queue.push("csob", Outcome::Drop, 0);
        queue.push("csob", Outcome::Slow, usize::MAX);
        let served: Vec<Option<Outcome>> = (0..4).map(|_| queue.next("csob")).collect();
        assert_eq!(
            served,
            [
                Some(Outcome::Http503),
                Some(Outcome::Http503),
                Some(Outcome::Slow),
                Some(Outcome::Slow)
            ]
        );
        assert_eq!(queue.next("xpay"), None);
    }
}

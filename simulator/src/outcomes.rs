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
    /// Monetix: the sale is declined.
    Decline,
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
            _ => return None,
        })
    }
}

/// Outcomes waiting, per gateway prefix (`csob`, `monetix`, …).
#[derive(Debug, Default)]
pub(crate) struct Queue(BTreeMap<String, VecDeque<Outcome>>);

impl Queue {
    pub fn push(&mut self, gateway: &str, outcome: Outcome, count: usize) {
        let queue = self.0.entry(gateway.to_owned()).or_default();
        queue.extend(std::iter::repeat_n(outcome, count));
    }

    pub fn next(&mut self, gateway: &str) -> Option<Outcome> {
        self.0.get_mut(gateway).and_then(VecDeque::pop_front)
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

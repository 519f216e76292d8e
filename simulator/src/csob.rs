//! The ČSOB payment gateway, OneClick operations: templates that can be seeded, payments that
//! move from created (1) through in progress (2) to confirmed (4). Requests are checked with
//! the generated schema and signature orders; answers are signed with the gateway key.

use std::collections::BTreeSet;
use std::time::{Duration, Instant, SystemTime};

use oneclick_gateways::csob::schema;
use oneclick_runtime::clock::format_dttm;
use oneclick_runtime::schema::{Operation, TimeZone};
use oneclick_runtime::signature::{pipe, sign_rsa_sha256, verify_rsa_sha256};
use oneclick_runtime::validate::validate_request;
use oneclick_runtime::{KeyError, RsaPrivateKey, RsaPublicKey, Secret};
use serde_json::{Value, json};

use crate::bounded::BoundedMap;
use crate::http::{Received, Reply};
use crate::outcomes::Outcome;

/// What the simulated ČSOB gateway trusts and how it behaves.
#[derive(Debug, Clone)]
pub struct Settings {
    /// The merchant key requests must be signed with (PEM, public).
    pub merchant_key: String,
    /// The key answers are signed with (PEM, private).
    pub gateway_key: Secret<String>,
    /// How long a processed payment stays in progress (paymentStatus 2) before it is
    /// confirmed (4).
    pub settle_after: Duration,
}

impl Default for Settings {
    /// The repository's test keys (`vectors/`), the ones the tests configure the client with.
    fn default() -> Self {
        Settings {
            merchant_key: include_str!("../../vectors/merchant-test.pub").to_owned(),
            gateway_key: Secret::new(include_str!("../../vectors/gateway-test.key").to_owned()),
            settle_after: Duration::from_millis(50),
        }
    }
}

/// The keys of [`Settings`], parsed once at start.
pub(crate) struct Keys {
    pub merchant: RsaPublicKey,
    pub gateway: RsaPrivateKey,
}

impl Settings {
    pub(crate) fn keys(&self) -> Result<Keys, KeyError> {
        Ok(Keys {
            merchant: RsaPublicKey::from_pem(&self.merchant_key)?,
            gateway: RsaPrivateKey::from_pem(self.gateway_key.expose())?,
        })
    }
}

#[derive(Debug)]
pub(crate) struct State {
    pub templates: BTreeSet<String>,
    pub payments: BoundedMap<String, Payment>,
    next_id: u64,
}

impl State {
    pub fn new(records: usize) -> Self {
        State {
            templates: BTreeSet::new(),
            payments: BoundedMap::new(records),
            next_id: 0,
        }
    }
}

#[derive(Debug)]
pub(crate) struct Payment {
    pub status: i64,
    processed_at: Option<Instant>,
}

pub(crate) fn handle(
    state: &mut State,
    keys: &Keys,
    settle_after: Duration,
    outcome: Option<Outcome>,
    method: &str,
    path: &str,
    request: &Received,
) -> Reply {
    let (op, body) = match (method, path) {
        ("POST", "/oneclick/echo") => (&schema::ONECLICK_ECHO, request.json()),
        ("POST", "/oneclick/init") => (&schema::ONECLICK_INIT, request.json()),
        ("POST", "/oneclick/process") => (&schema::ONECLICK_PROCESS, request.json()),
        ("GET", path) if path.starts_with("/payment/status/") => {
            (&schema::PAYMENT_STATUS, status_request(path))
        }
        _ => return Reply::Status(404, String::new()),
    };
    // The gateway refuses a request whose signature does not verify with HTTP 401 (eAPI 1.9).
    let signature = body
        .get("signature")
        .and_then(Value::as_str)
        .unwrap_or_default();
    let text = pipe::text_to_sign(op.request_signature, &body);
    if verify_rsa_sha256(&keys.merchant, &text, signature).is_err() {
        return Reply::Status(401, String::new());
    }
    let violations = validate_request(op.request, &body);
    if let Some(first) = violations.first() {
        let message = format!("Invalid parameter {}", first.path.trim_start_matches('/'));
        return answer(
            keys,
            op,
            json!({"resultCode": 110, "resultMessage": message}),
        );
    }
    let text = |key: &str| {
        body.get(key)
            .and_then(Value::as_str)
            .unwrap_or_default()
            .to_owned()
    };
    if outcome == Some(Outcome::Result900) && matches!(op.id, "oneclick_init" | "oneclick_process")
    {
        let message = format!("Unable to load card for {}", op.id.replace('_', "/"));
        return answer(
            keys,
            op,
            json!({"resultCode": 900, "resultMessage": message}),
        );
    }
    match op.id {
        "oneclick_echo" => {
            let id = text("origPayId");
            let (code, message) = if state.templates.contains(&id) {
                (0, "OK")
            } else {
                (700, "Oneclick template not found")
            };
            answer(
                keys,
                op,
                json!({"origPayId": id, "resultCode": code, "resultMessage": message}),
            )
        }
        "oneclick_init" => {
            if !state.templates.contains(&text("origPayId")) {
                return answer(
                    keys,
                    op,
                    json!({"resultCode": 700, "resultMessage": "Oneclick template not found"}),
                );
            }
            state.next_id += 1;
            let pay_id = format!("{:012x}@SM", state.next_id);
            state.payments.insert(
                pay_id.clone(),
                Payment {
                    status: 1,
                    processed_at: None,
                },
            );
            let mut body = json!({"payId": pay_id, "resultCode": 0, "resultMessage": "OK", "paymentStatus": 1});
            // An order number ending in 7 asks for a browser fingerprint first.
            if text("orderNo").ends_with('7') {
                let url = format!("https://csob.simulator/fingerprint/{pay_id}");
                body["actions"] = json!({"fingerprint": {"browserInit": {"url": url}}});
            }
            answer(keys, op, body)
        }
        _ => {
            let pay_id = text("payId");
            let Some(payment) = state.payments.get_mut(&pay_id) else {
                return answer(
                    keys,
                    op,
                    json!({"payId": pay_id, "resultCode": 140, "resultMessage": "Payment not found"}),
                );
            };
            if op.id == "oneclick_process" {
                payment.status = 2;
                payment.processed_at = Some(Instant::now());
                if outcome == Some(Outcome::Challenge) {
                    let url = format!("https://csob.simulator/challenge/{pay_id}");
                    let actions = json!({"authenticate": {"browserChallenge": {"url": url}}});
                    let body = json!({"payId": pay_id, "resultCode": 0, "resultMessage": "OK", "paymentStatus": 2, "actions": actions});
                    return answer(keys, op, body);
                }
            } else if payment.status == 2
                && payment
                    .processed_at
                    .is_some_and(|t| t.elapsed() >= settle_after)
            {
                payment.status = 4;
            }
            let status = payment.status;
            answer(
                keys,
                op,
                json!({"payId": pay_id, "resultCode": 0, "resultMessage": "OK", "paymentStatus": status}),
            )
        }
    }
}

/// The status request's fields, from the percent-decoded path segments.
fn status_request(path: &str) -> Value {
    let segments: Vec<String> = path
        .trim_start_matches("/payment/status/")
        .split('/')
        .map(crate::http::percent_decode)
        .collect();
    match segments.as_slice() {
        [merchant_id, pay_id, dttm, signature] => {
            json!({"merchantId": merchant_id, "payId": pay_id, "dttm": dttm, "signature": signature})
        }
        _ => json!({}),
    }
}

/// An answer with the gateway's time stamp and signature over the operation's response order.
fn answer(keys: &Keys, op: &'static Operation, mut body: Value) -> Reply {
    body["dttm"] = Value::String(format_dttm(SystemTime::now(), TimeZone::EuropePrague));
    let text = pipe::text_to_sign(op.response_signature, &body);
    match sign_rsa_sha256(&keys.gateway, &text) {
        Ok(signature) => {
            body["signature"] = Value::String(signature);
            Reply::json(body.to_string())
        }
        Err(_) => Reply::Status(500, String::new()),
    }
}

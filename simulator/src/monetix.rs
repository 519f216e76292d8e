//! Monetix Gate: a sale is acknowledged, remembered by payment_id (a repeated payment_id
//! creates no second payment), and its result is POSTed as a signed callback to the merchant's
//! callback URL; its status can be read by payment_id.

use oneclick_gateways::monetix::schema;
use oneclick_runtime::Secret;
use oneclick_runtime::signature::{flat, sign_hmac_sha512, verify_hmac_sha512};
use oneclick_runtime::validate::validate_request;
use serde_json::{Value, json};

use crate::bounded::BoundedMap;
use crate::http::{Received, Reply};
use crate::outcomes::Outcome;

#[derive(Debug)]
pub(crate) struct State {
    /// Payments by payment_id: the status the callback reported.
    pub payments: BoundedMap<String, String>,
}

impl State {
    pub fn new(records: usize) -> Self {
        State {
            payments: BoundedMap::new(records),
        }
    }
}

/// What the simulated Monetix gateway trusts and where it sends results.
#[derive(Debug, Clone)]
pub struct Settings {
    /// The project secret requests are signed with and callbacks are signed with.
    pub secret: Secret<String>,
    /// Where results are POSTed (plain http on loopback); `None` sends no callbacks.
    pub callback_url: Option<String>,
}

impl Default for Settings {
    /// The secret the tests configure the client with.
    fn default() -> Self {
        Settings {
            secret: Secret::new("s3cr3t".to_owned()),
            callback_url: None,
        }
    }
}

pub(crate) fn handle(
    state: &mut State,
    settings: &Settings,
    outcome: Option<Outcome>,
    method: &str,
    path: &str,
    request: &Received,
) -> Reply {
    let op = match (method, path) {
        ("POST", "/v2/payment/card/sale") => &schema::CARD_SALE,
        ("POST", "/v2/payment/status") => &schema::PAYMENT_STATUS,
        _ => return Reply::Status(404, String::new()),
    };
    let body = request.json();
    let signature = body["general"]["signature"].as_str().unwrap_or_default();
    if verify_hmac_sha512(
        &settings.secret,
        &flat::text_to_sign(&body, "signature"),
        signature,
    )
    .is_err()
    {
        return Reply::Status(
            400,
            json!({"status": "error", "message": "Invalid signature"}).to_string(),
        );
    }
    if let Some(first) = validate_request(op.request, &body).first() {
        let message = format!("Invalid parameter {}", first.path.trim_start_matches('/'));
        return Reply::Status(
            400,
            json!({"status": "error", "message": message}).to_string(),
        );
    }
    let payment_id = body["general"]["payment_id"]
        .as_str()
        .unwrap_or_default()
        .to_owned();
    let project_id = body["general"]["project_id"].clone();
    if op.id == "payment_status" {
        return match state.payments.get(&payment_id) {
            Some(status) => Reply::json(
                json!({"project_id": project_id, "payment": {"id": payment_id, "status": status}})
                    .to_string(),
            ),
            None => Reply::Status(
                404,
                json!({"status": "error", "message": "Payment not found"}).to_string(),
            ),
        };
    }
    if !state.payments.contains_key(&payment_id) {
        // An amount ending in 13 is declined: the simulator's documented decline trigger.
        let declined = outcome == Some(Outcome::Decline)
            || body["payment"]["amount"]
                .as_i64()
                .is_some_and(|a| a % 100 == 13);
        // An amount ending in 42 needs a redirect of the customer to the payment system.
        let redirect = !declined
            && body["payment"]["amount"]
                .as_i64()
                .is_some_and(|a| a % 100 == 42);
        let status = match (declined, redirect) {
            (true, _) => "decline",
            (false, true) => "awaiting redirect result",
            (false, false) => "success",
        };
        state.payments.insert(payment_id.clone(), status.to_owned());
        if let Some(url) = &settings.callback_url {
            let mut callback = json!({
                "project_id": project_id,
                "payment": {"id": payment_id, "status": status, "sum": body["payment"].clone(), "type": "purchase"},
                "operation": {"type": "sale", "status": status, "code": if declined { "20105" } else { "0" }},
            });
            if redirect {
                callback["redirect_data"] = json!({"body": [], "method": "POST", "url": format!("https://monetix.simulator/redirect/{payment_id}")});
            }
            let text = flat::text_to_sign(&callback, "signature");
            callback["signature"] = Value::String(sign_hmac_sha512(&settings.secret, &text));
            tokio::spawn(crate::http::post_json(url.clone(), callback.to_string()));
        }
    }
    Reply::json(json!({"status": "success", "request_id": format!("sim-{payment_id}"), "project_id": project_id, "payment_id": payment_id}).to_string())
}

//! Monetix Gate: a sale is acknowledged, remembered by payment_id (a repeated payment_id
//! creates no second payment), and its result is POSTed as a signed callback; its status can be
//! read by payment_id. After the sale, refunds (whole or partial, never beyond what was paid),
//! and capture or cancel of a sale held for capture, each acknowledged and then reported by a
//! signed callback whose `operation.type` names it.
//!
//! Callbacks go to the request's `general.merchant_callback_url`, else to
//! [`Settings::callback_url`]. A refund is one refund per payment_id and `merchant_refund_id`
//! (or per payment_id alone when it has none): repeated, it is acknowledged again and refunds
//! nothing more. A request the payment's state refuses (a refund beyond what is left, a capture
//! of a payment not held) is answered HTTP 200 with `{"status": "error", "code", "message"}`.
//! A callback's `payment.sum` is what the payment still holds: the amount paid less refunds.

use oneclick_gateways::monetix::schema;
use oneclick_runtime::Secret;
use oneclick_runtime::signature::{flat, sign_hmac_sha512, verify_hmac_sha512};
use oneclick_runtime::validate::validate_request;
use serde_json::{Value, json};

use crate::bounded::BoundedMap;
use crate::http::{Received, Reply};
use crate::outcomes::Outcome;

/// A refund is known by its payment and its `merchant_refund_id`.
type RefundKey = (String, Option<String>);

#[derive(Debug)]
pub(crate) struct State {
    /// Payments by payment_id.
    pub payments: BoundedMap<String, Payment>,
    /// Refunds, with the `payment` object they were asked with and their request_id.
    refunds: BoundedMap<RefundKey, (Value, String)>,
}

impl State {
    pub fn new(records: usize) -> Self {
        State {
            payments: BoundedMap::new(records),
            refunds: BoundedMap::new(records),
        }
    }
}

/// A payment as the simulated platform keeps it.
#[derive(Debug)]
pub(crate) struct Payment {
    /// The `payment.status` its last callback reported.
    pub status: String,
    currency: String,
    /// Minor units taken from the card, or held while the payment awaits capture.
    amount: i64,
    /// Minor units given back so far.
    refunded: i64,
    /// Refunds so far, declined ones too: each gets its own request_id.
    refunds: u32,
}

impl Payment {
    fn left(&self) -> i64 {
        self.amount - self.refunded
    }
}

/// What the simulated Monetix gateway trusts and where it sends results.
#[derive(Debug, Clone)]
pub struct Settings {
    /// The project secret requests are signed with and callbacks are signed with.
    pub secret: Secret<String>,
    /// Where results are POSTed (plain http on loopback) when a request names no
    /// `merchant_callback_url`; `None` sends no callbacks for them.
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

/// A request that passed the signature and schema checks.
struct Checked<'a> {
    body: Value,
    payment_id: String,
    settings: &'a Settings,
    outcome: Option<Outcome>,
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
        ("POST", "/v2/payment/card/refund") => &schema::CARD_REFUND,
        ("POST", "/v2/payment/card/capture") => &schema::CARD_CAPTURE,
        ("POST", "/v2/payment/card/cancel") => &schema::CARD_CANCEL,
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
    let request = Checked {
        payment_id: body["general"]["payment_id"]
            .as_str()
            .unwrap_or_default()
            .to_owned(),
        body,
        settings,
        outcome,
    };
    match op.id {
        "payment_status" => status(state, &request),
        "card_sale" => sale(state, &request),
        "card_refund" => refund(state, &request),
        "card_capture" => capture(state, &request),
        _ => cancel(state, &request),
    }
}

fn status(state: &State, request: &Checked<'_>) -> Reply {
    match state.payments.get(&request.payment_id) {
        Some(payment) => Reply::json(
            json!({
                "project_id": request.body["general"]["project_id"],
                "payment": {
                    "id": request.payment_id,
                    "status": payment.status,
                    "sum": {"amount": payment.left(), "currency": payment.currency},
                },
            })
            .to_string(),
        ),
        None => not_found(),
    }
}

fn sale(state: &mut State, request: &Checked<'_>) -> Reply {
    let payment_id = &request.payment_id;
    let request_id = format!("sim-{payment_id}");
    if state.payments.contains_key(payment_id) {
        return acknowledged(request, &request_id);
    }
    let amount = request.body["payment"]["amount"]
        .as_i64()
        .unwrap_or_default();
    // An amount ending in 13 is declined: the simulator's documented decline trigger.
    let declined = request.outcome == Some(Outcome::Decline) || amount % 100 == 13;
    // An amount ending in 42 needs a redirect of the customer to the payment system.
    let redirect = !declined && amount % 100 == 42;
    let held = !declined && !redirect && request.outcome == Some(Outcome::Hold);
    let status = match (declined, redirect, held) {
        (true, _, _) => "decline",
        (false, true, _) => "awaiting redirect result",
        (false, false, true) => "awaiting capture",
        (false, false, false) => "success",
    };
    let payment = Payment {
        status: status.to_owned(),
        currency: request.body["payment"]["currency"]
            .as_str()
            .unwrap_or_default()
            .to_owned(),
        amount,
        refunded: 0,
        refunds: 0,
    };
    // A held sale's operation succeeded: the payment, not the operation, awaits capture.
    let result = if held { "success" } else { status };
    let operation = operation("sale", result, &request_id, &request.body["payment"]);
    let mut callback = callback_body(request, &payment, operation);
    callback["payment"]["type"] = json!("purchase");
    if redirect {
        callback["redirect_data"] = json!({"body": [], "method": "POST", "url": format!("https://monetix.simulator/redirect/{payment_id}")});
    }
    state.payments.insert(payment_id.clone(), payment);
    call_back(request, callback);
    acknowledged(request, &request_id)
}

fn refund(state: &mut State, request: &Checked<'_>) -> Reply {
    let asked = &request.body["payment"];
    let key = (
        request.payment_id.clone(),
        asked["merchant_refund_id"].as_str().map(str::to_owned),
    );
    if let Some((first, request_id)) = state.refunds.get(&key) {
        return if first == asked {
            acknowledged(request, request_id)
        } else {
            refused(
                "merchant_refund_id_used",
                "This refund was already asked for with other details",
            )
        };
    }
    let Some(payment) = state.payments.get_mut(&request.payment_id) else {
        return not_found();
    };
    if !matches!(payment.status.as_str(), "success" | "partially refunded") {
        return refused(
            "not_refundable",
            &format!("A payment in status {} cannot be refunded", payment.status),
        );
    }
    if asked["currency"].as_str() != Some(payment.currency.as_str()) {
        return refused("currency_mismatch", "The currency is not the payment's");
    }
    let amount = asked["amount"].as_i64().unwrap_or(payment.left());
    if amount > payment.left() {
        return refused(
            "amount_exceeded",
            "The refund exceeds what is left of the payment",
        );
    }
    payment.refunds += 1;
    let request_id = format!("sim-{}-refund-{}", request.payment_id, payment.refunds);
    let sum = json!({"amount": amount, "currency": payment.currency});
    let result = if request.outcome == Some(Outcome::Decline) {
        "decline"
    } else {
        payment.refunded += amount;
        payment.status = if payment.left() == 0 {
            "refunded"
        } else {
            "partially refunded"
        }
        .to_owned();
        "success"
    };
    let callback = callback_body(
        request,
        payment,
        operation("refund", result, &request_id, &sum),
    );
    state
        .refunds
        .insert(key, (asked.clone(), request_id.clone()));
    call_back(request, callback);
    acknowledged(request, &request_id)
}

fn capture(state: &mut State, request: &Checked<'_>) -> Reply {
    let Some(payment) = held(state, request) else {
        return refused("not_held", "The payment is not awaiting capture");
    };
    let asked = &request.body["payment"];
    if asked["currency"].as_str() != Some(payment.currency.as_str()) {
        return refused("currency_mismatch", "The currency is not the payment's");
    }
    let amount = asked["amount"].as_i64().unwrap_or_default();
    if amount > payment.amount {
        return refused("amount_exceeded", "The capture exceeds the amount held");
    }
    let request_id = format!("sim-{}-capture", request.payment_id);
    let result = if request.outcome == Some(Outcome::Decline) {
        "decline"
    } else {
        payment.amount = amount;
        payment.status = "success".to_owned();
        "success"
    };
    let callback = callback_body(
        request,
        payment,
        operation("capture", result, &request_id, asked),
    );
    call_back(request, callback);
    acknowledged(request, &request_id)
}

fn cancel(state: &mut State, request: &Checked<'_>) -> Reply {
    let Some(payment) = held(state, request) else {
        return refused("not_held", "The payment is not awaiting capture");
    };
    let asked = &request.body["payment"];
    if asked["currency"].as_str() != Some(payment.currency.as_str())
        || asked["amount"].as_i64() != Some(payment.amount)
    {
        return refused("amount_mismatch", "The amount is not the amount held");
    }
    let request_id = format!("sim-{}-cancel", request.payment_id);
    let result = if request.outcome == Some(Outcome::Decline) {
        "decline"
    } else {
        payment.amount = 0;
        payment.status = "canceled".to_owned();
        "success"
    };
    let callback = callback_body(
        request,
        payment,
        operation("cancel", result, &request_id, asked),
    );
    call_back(request, callback);
    acknowledged(request, &request_id)
}

/// The payment of a capture or cancel, when it awaits capture.
fn held<'a>(state: &'a mut State, request: &Checked<'_>) -> Option<&'a mut Payment> {
    state
        .payments
        .get_mut(&request.payment_id)
        .filter(|payment| payment.status == "awaiting capture")
}

/// A callback's `operation`: its type and result, and the amount it was asked for.
fn operation(kind: &str, result: &str, request_id: &str, sum: &Value) -> Value {
    let sum = json!({"amount": sum["amount"], "currency": sum["currency"]});
    let (code, message) = match result {
        "decline" => ("20105", "Declined by the provider"),
        _ => ("0", "Success"),
    };
    json!({
        "type": kind,
        "status": result,
        "request_id": request_id,
        "sum_initial": sum,
        "sum_converted": sum,
        "provider": {"id": 1, "payment_id": format!("prov-{request_id}"), "auth_code": ""},
        "code": code,
        "message": message,
    })
}

fn callback_body(request: &Checked<'_>, payment: &Payment, operation: Value) -> Value {
    json!({
        "project_id": request.body["general"]["project_id"],
        "payment": {
            "id": request.payment_id,
            "status": payment.status,
            "sum": {"amount": payment.left(), "currency": payment.currency},
        },
        "operation": operation,
    })
}

/// Signs the callback and POSTs it to the request's `merchant_callback_url`, else to the
/// configured URL, in the background: the acknowledgement does not wait for the merchant.
fn call_back(request: &Checked<'_>, mut callback: Value) {
    let url = request.body["general"]["merchant_callback_url"]
        .as_str()
        .map(str::to_owned)
        .or_else(|| request.settings.callback_url.clone());
    if let Some(url) = url {
        let text = flat::text_to_sign(&callback, "signature");
        callback["signature"] = Value::String(sign_hmac_sha512(&request.settings.secret, &text));
        tokio::spawn(crate::http::post_json(url, callback.to_string()));
    }
}

fn acknowledged(request: &Checked<'_>, request_id: &str) -> Reply {
    Reply::json(
        json!({
            "status": "success",
            "request_id": request_id,
            "project_id": request.body["general"]["project_id"],
            "payment_id": request.payment_id,
        })
        .to_string(),
    )
}

/// A request the payment's state refuses: the platform answers 200 with an error status.
fn refused(code: &str, message: &str) -> Reply {
    Reply::json(json!({"status": "error", "code": code, "message": message}).to_string())
}

fn not_found() -> Reply {
    Reply::Status(
        404,
        json!({"status": "error", "message": "Payment not found"}).to_string(),
    )
}

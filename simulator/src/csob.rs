//! The ČSOB payment gateway: templates that can be seeded or made by a paid first payment,
//! OneClick payments that move from created (1) through in progress (2) to confirmed (4),
//! payment-page payments whose customer the simulator plays, and their close, reverse and
//! refund. Requests are checked with the generated schema and signature orders; answers are
//! signed with the gateway key.

use std::collections::BTreeSet;
use std::time::{Duration, Instant, SystemTime};

use oneclick_gateways::csob::schema;
use oneclick_runtime::clock::format_dttm;
use oneclick_runtime::schema::recipe::Field;
use oneclick_runtime::schema::{Operation, TimeZone};
use oneclick_runtime::signature::{pipe, sign_rsa_sha256, verify_rsa_sha256};
use oneclick_runtime::validate::validate_request;
use oneclick_runtime::{KeyError, RsaPrivateKey, RsaPublicKey, Secret};
use serde_json::{Value, json};

use crate::bounded::BoundedMap;
use crate::http::{Received, Reply, form_encode};
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
    /// Customers named by payment/init (customerId), and whether a card is saved for them.
    customers: BoundedMap<String, bool>,
    next_id: u64,
}

impl State {
    pub fn new(records: usize) -> Self {
        State {
            templates: BTreeSet::new(),
            payments: BoundedMap::new(records),
            customers: BoundedMap::new(records),
            next_id: 0,
        }
    }

    fn new_pay_id(&mut self) -> String {
        self.next_id += 1;
        format!("{:012x}@SM", self.next_id)
    }
}

#[derive(Debug)]
pub(crate) struct Payment {
    pub status: i64,
    /// When the status last began a timed move: processing (2 → 4) or a refund (9 → 10).
    moved_at: Option<Instant>,
    /// What was authorised, in hundredths; `None` for a payment on a seeded template whose
    /// amount the simulator never saw.
    authorised: Option<i64>,
    /// What was closed for settlement.
    closed: i64,
    refunded: i64,
    /// Set for a payment made by payment/init: how its customer comes back.
    page: Option<PagePayment>,
}

/// What payment/init said about the customer's visit to the payment page.
#[derive(Debug)]
struct PagePayment {
    return_url: String,
    return_by_get: bool,
    merchant_data: Option<String>,
    close_payment: bool,
    stores_card: bool,
    customer_id: Option<String>,
}

/// The signed return to the e-shop, in the order the gateway signs it (GATEWAYS.md, "The
/// customer comes back"). Written out here rather than taken from the client's spec: the
/// simulator stands for the gateway, so it checks the spec instead of repeating it.
static RETURN_SIGNATURE: &[Field] = &[
    Field::value("payId"),
    Field::value("dttm"),
    Field::value("resultCode"),
    Field::value("resultMessage"),
    Field::value("paymentStatus"),
    Field::value("authCode"),
    Field::value("merchantData"),
    Field::value("statusDetail"),
];

pub(crate) fn handle(
    state: &mut State,
    keys: &Keys,
    settle_after: Duration,
    outcome: Option<Outcome>,
    method: &str,
    path: &str,
    request: &Received,
) -> Reply {
    let (op, mut body) = match (method, path) {
        ("POST", "/oneclick/echo") => (&schema::ONECLICK_ECHO, request.json()),
        ("POST", "/oneclick/init") => (&schema::ONECLICK_INIT, request.json()),
        ("POST", "/oneclick/process") => (&schema::ONECLICK_PROCESS, request.json()),
        ("POST", "/payment/init") => (&schema::PAYMENT_INIT, request.json()),
        ("PUT", "/payment/close") => (&schema::PAYMENT_CLOSE, request.json()),
        ("PUT", "/payment/reverse") => (&schema::PAYMENT_REVERSE, request.json()),
        ("PUT", "/payment/refund") => (&schema::PAYMENT_REFUND, request.json()),
        ("POST", "/echo") => (&schema::ECHO, request.json()),
        ("POST", "/echo/customer") => (&schema::ECHO_CUSTOMER, request.json()),
        ("GET", path) if path.starts_with("/payment/status/") => (
            &schema::PAYMENT_STATUS,
            path_request(path, "/payment/status/"),
        ),
        ("GET", path) if path.starts_with("/payment/process/") => (
            &schema::PAYMENT_PROCESS,
            path_request(path, "/payment/process/"),
        ),
        _ => return Reply::Status(404, String::new()),
    };
    // The gateway refuses a request whose signature does not verify with HTTP 401 (eAPI 1.9).
    // Taken out before the fields are checked: a GET carries it in its path, beside them.
    let signature = match body.as_object_mut().map(|b| b.shift_remove("signature")) {
        Some(Some(Value::String(signature))) => signature,
        _ => String::new(),
    };
    let text = pipe::text_to_sign(op.request_signature, &body);
    if verify_rsa_sha256(&keys.merchant, &text, &signature).is_err() {
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
        "payment_init" => payment_init(state, keys, &body),
        "payment_process" => customer_pays(state, keys, outcome, &text("payId")),
        "payment_close" | "payment_reverse" | "payment_refund" => {
            settle(state, keys, settle_after, op, &body)
        }
        "echo" => answer(keys, op, json!({"resultCode": 0, "resultMessage": "OK"})),
        "echo_customer" => {
            let id = text("customerId");
            let (code, message) = match state.customers.get(&id) {
                None => (800, "Customer not found"),
                Some(false) => (810, "Customer found, no saved cards"),
                Some(true) => (820, "Customer found, saved cards found"),
            };
            answer(
                keys,
                op,
                json!({"customerId": id, "resultCode": code, "resultMessage": message}),
            )
        }
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
            let pay_id = state.new_pay_id();
            let template = state.payments.get(&text("origPayId"));
            let authorised = body
                .get("totalAmount")
                .and_then(Value::as_i64)
                .or_else(|| template.and_then(|t| t.authorised));
            state.payments.insert(
                pay_id.clone(),
                Payment {
                    status: 1,
                    moved_at: None,
                    authorised,
                    closed: 0,
                    refunded: 0,
                    page: None,
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
                payment.moved_at = Some(Instant::now());
                if outcome == Some(Outcome::Challenge) {
                    let url = format!("https://csob.simulator/challenge/{pay_id}");
                    let actions = json!({"authenticate": {"browserChallenge": {"url": url}}});
                    let body = json!({"payId": pay_id, "resultCode": 0, "resultMessage": "OK", "paymentStatus": 2, "actions": actions});
                    return answer(keys, op, body);
                }
            } else {
                payment.move_on(settle_after);
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

impl Payment {
    /// The moves the gateway makes on its own: an authorisation in progress ends (2 → 4) and a
    /// refund is done (9 → 10), each `after` it began.
    fn move_on(&mut self, after: Duration) {
        let due = self.moved_at.is_some_and(|t| t.elapsed() >= after);
        self.status = match self.status {
            2 if due => 4,
            9 if due => 10,
            status => status,
        };
    }
}

/// payment/init: a payment waiting for its customer on the payment page.
fn payment_init(state: &mut State, keys: &Keys, body: &Value) -> Reply {
    let op = &schema::PAYMENT_INIT;
    let total = body["totalAmount"].as_i64().unwrap_or_default();
    let cart_total: i64 = body["cart"]
        .as_array()
        .map(|items| items.iter().filter_map(|i| i["amount"].as_i64()).sum())
        .unwrap_or_default();
    if cart_total != total {
        let message = "Invalid parameter cart: the amounts do not add up to totalAmount";
        return answer(
            keys,
            op,
            json!({"resultCode": 110, "resultMessage": message}),
        );
    }
    let customer_id = body["customerId"].as_str().map(str::to_owned);
    if let Some(id) = &customer_id {
        if !state.customers.contains_key(id) {
            state.customers.insert(id.clone(), false);
        }
    }
    let pay_id = state.new_pay_id();
    let page = PagePayment {
        return_url: body["returnUrl"].as_str().unwrap_or_default().to_owned(),
        return_by_get: body["returnMethod"] == "GET",
        merchant_data: body["merchantData"].as_str().map(str::to_owned),
        close_payment: body["closePayment"].as_bool().unwrap_or(true),
        stores_card: body["payOperation"] == "oneclickPayment",
        customer_id,
    };
    state.payments.insert(
        pay_id.clone(),
        Payment {
            status: 1,
            moved_at: None,
            authorised: Some(total),
            closed: 0,
            refunded: 0,
            page: Some(page),
        },
    );
    answer(
        keys,
        op,
        json!({"payId": pay_id, "resultCode": 0, "resultMessage": "OK", "paymentStatus": 1}),
    )
}

/// The customer's visit to the payment page, played by the simulator: approved unless an
/// outcome says the card is declined or the customer cancels; then back to returnUrl with the
/// signed result.
fn customer_pays(state: &mut State, keys: &Keys, outcome: Option<Outcome>, pay_id: &str) -> Reply {
    let Some(payment) = state.payments.get_mut(pay_id) else {
        return Reply::Status(404, json!({"error": "no such payment"}).to_string());
    };
    let Some(page) = payment.page.as_ref().filter(|_| payment.status == 1) else {
        let error = "the payment is not waiting for its customer";
        return Reply::Status(409, json!({ "error": error }).to_string());
    };
    let mut result = json!({"payId": pay_id, "resultCode": 0, "resultMessage": "OK"});
    match outcome {
        Some(Outcome::Decline) => {
            payment.status = 6;
            result["statusDetail"] = json!("DECLINED");
        }
        Some(Outcome::Cancel) => {
            payment.status = 3;
            result["statusDetail"] = json!("CANCELED");
        }
        _ => {
            let authorised = payment.authorised.unwrap_or_default();
            payment.status = if page.close_payment { 7 } else { 4 };
            payment.closed = if page.close_payment { authorised } else { 0 };
            result["authCode"] = json!(format!("{:06}", state.next_id % 1_000_000));
        }
    }
    result["paymentStatus"] = json!(payment.status);
    if let Some(data) = &page.merchant_data {
        result["merchantData"] = json!(data);
    }
    let paid = matches!(payment.status, 4 | 7);
    let return_url = page.return_url.clone();
    let return_by_get = page.return_by_get;
    if paid && page.stores_card {
        if let Some(customer) = page.customer_id.clone() {
            state.customers.insert(customer, true);
        }
        state.templates.insert(pay_id.to_owned());
    }
    let Some(fields) = signed_return(keys, result) else {
        return Reply::Status(500, String::new());
    };
    if return_by_get {
        let separator = if return_url.contains('?') { '&' } else { '?' };
        Reply::SeeOther(format!("{return_url}{separator}{}", form_encode(&fields)))
    } else {
        Reply::Html(auto_submitting_form(&return_url, &fields))
    }
}

/// The return's fields with the gateway's dttm and signature, in the order they are sent.
fn signed_return(keys: &Keys, mut result: Value) -> Option<Vec<(String, String)>> {
    result["dttm"] = Value::String(format_dttm(SystemTime::now(), TimeZone::EuropePrague));
    let text = pipe::text_to_sign(RETURN_SIGNATURE, &result);
    let signature = sign_rsa_sha256(&keys.gateway, &text).ok()?;
    let mut fields: Vec<(String, String)> = RETURN_SIGNATURE
        .iter()
        .filter_map(|item| {
            let value = result.get(item.name)?;
            let text = value
                .as_str()
                .map_or_else(|| value.to_string(), str::to_owned);
            Some((item.name.to_owned(), text))
        })
        .collect();
    fields.push(("signature".to_owned(), signature));
    Some(fields)
}

/// The page a browser submits at once: a POST of `fields` to `action`.
fn auto_submitting_form(action: &str, fields: &[(String, String)]) -> String {
    let inputs: String = fields
        .iter()
        .map(|(name, value)| {
            format!(
                "<input type=\"hidden\" name=\"{}\" value=\"{}\">",
                html_escape(name),
                html_escape(value)
            )
        })
        .collect();
    format!(
        "<!DOCTYPE html><html><body onload=\"document.forms[0].submit()\">\
         <form method=\"post\" action=\"{}\">{inputs}\
         <noscript><button type=\"submit\">Continue</button></noscript></form></body></html>",
        html_escape(action)
    )
}

fn html_escape(text: &str) -> String {
    text.replace('&', "&amp;")
        .replace('"', "&quot;")
        .replace('<', "&lt;")
        .replace('>', "&gt;")
}

/// Close, reverse and refund, from the states the gateway allows them in (150 otherwise), never
/// closing more than was authorised nor refunding more than was paid (110).
fn settle(
    state: &mut State,
    keys: &Keys,
    settle_after: Duration,
    op: &'static Operation,
    body: &Value,
) -> Reply {
    let pay_id = body["payId"].as_str().unwrap_or_default();
    let Some(payment) = state.payments.get_mut(pay_id) else {
        return answer(
            keys,
            op,
            json!({"payId": pay_id, "resultCode": 140, "resultMessage": "Payment not found"}),
        );
    };
    payment.move_on(settle_after);
    let refundable = payment
        .authorised
        .map(|_| payment.closed - payment.refunded);
    let allowed = match op.id {
        "payment_close" => payment.status == 4,
        "payment_reverse" => matches!(payment.status, 4 | 7),
        _ => matches!(payment.status, 7..=10) && refundable != Some(0),
    };
    if !allowed {
        return answer(
            keys,
            op,
            json!({"payId": pay_id, "resultCode": 150, "resultMessage": "Payment not in valid state", "paymentStatus": payment.status}),
        );
    }
    let too_much = |amount: Option<i64>, limit: Option<i64>| matches!((amount, limit), (Some(amount), Some(limit)) if amount > limit);
    match op.id {
        "payment_close" => {
            let amount = body["totalAmount"].as_i64();
            if too_much(amount, payment.authorised) {
                let message = "Invalid parameter totalAmount: above the authorised amount";
                return answer(
                    keys,
                    op,
                    json!({"payId": pay_id, "resultCode": 110, "resultMessage": message}),
                );
            }
            payment.closed = amount.or(payment.authorised).unwrap_or_default();
            payment.status = 7;
        }
        "payment_reverse" => payment.status = 5,
        _ => {
            let amount = body["amount"].as_i64();
            if too_much(amount, refundable) {
                let message = "Invalid parameter amount: above what is left to refund";
                return answer(
                    keys,
                    op,
                    json!({"payId": pay_id, "resultCode": 110, "resultMessage": message}),
                );
            }
            payment.refunded += amount.or(refundable).unwrap_or_default();
            payment.status = 9;
            payment.moved_at = Some(Instant::now());
        }
    }
    let status = payment.status;
    answer(
        keys,
        op,
        json!({"payId": pay_id, "resultCode": 0, "resultMessage": "OK", "paymentStatus": status}),
    )
}

/// The fields of a GET whose fields travel in the path below `prefix`, percent-decoded, and
/// the signature that follows them.
fn path_request(path: &str, prefix: &str) -> Value {
    let segments: Vec<String> = path
        .trim_start_matches(prefix)
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

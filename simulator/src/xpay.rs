//! Nexi XPay: orders through the Hosted Payment Page or Pay-by-Link; CONTRACT_CREATION
//! registers a contract for the customer, SUBSEQUENT_PAYMENT and merchant-initiated orders
//! (`/orders/mit`) need an active one of that customer; contracts can be listed and
//! deactivated. An HPP or Pay-by-Link order is paid by an admin call (`POST
//! /admin/xpay/payments {"orderId"}`) or by the outcome `paid`: it gets an AUTHORIZATION
//! operation, and a notification with its securityToken is POSTed to its notificationUrl.
//! Captures and refunds create operations and move the authorised and captured amounts within
//! their limits; a refund before any capture voids. A repeated Idempotency-Key on the same path
//! gets the first answer again.
//!
//! The contract is registered when its first order is created, not when that order is paid:
//! a test can then run a OneClick subsequent payment without paying the first one.

use std::time::SystemTime;

use oneclick_gateways::xpay::schema;
use oneclick_runtime::Secret;
use oneclick_runtime::clock::format_dttm;
use oneclick_runtime::schema::TimeZone;
use oneclick_runtime::validate::validate_request;
use serde_json::{Value, json};

use crate::bounded::BoundedMap;
use crate::http::{Received, Reply};
use crate::outcomes::Outcome;

/// What the simulated XPay gateway trusts.
#[derive(Debug, Clone)]
pub struct Settings {
    /// The API key calls must carry.
    pub api_key: Secret<String>,
}

impl Default for Settings {
    /// The API key the tests configure the client with.
    fn default() -> Self {
        Settings {
            api_key: Secret::new("xpay-test-api-key".to_owned()),
        }
    }
}

/// A stored contract.
#[derive(Debug, Clone)]
pub(crate) struct Contract {
    pub customer_id: String,
    pub contract_type: String,
    pub active: bool,
}

/// An order and the money it moved, in minor units.
#[derive(Debug)]
pub(crate) struct Order {
    /// The `order` object as the merchant sent it.
    order: Value,
    /// PAY or VERIFY, for orders paid on a page; `None` for merchant-initiated ones.
    action: Option<String>,
    security_token: Option<String>,
    notification_url: Option<String>,
    payment_link: Option<Value>,
    authorized: u64,
    captured: u64,
    refunded: u64,
    operations: Vec<Value>,
}

impl Order {
    fn amount(&self) -> u64 {
        minor_units(&self.order["amount"]).unwrap_or(0)
    }

    fn currency(&self) -> &str {
        self.order["currency"].as_str().unwrap_or_default()
    }

    fn paid(&self) -> bool {
        !self.operations.is_empty()
    }

    /// `GET /orders/{orderId}`: operations beside `orderStatus`, where the documentation puts
    /// them.
    fn answer(&self) -> Value {
        let mut status = json!({
            "order": self.order,
            "authorizedAmount": self.authorized.to_string(),
            "capturedAmount": (self.captured - self.refunded).to_string(),
        });
        if let Some(last) = self.operations.last() {
            status["lastOperationType"] = last["operationType"].clone();
            status["lastOperationTime"] = last["operationTime"].clone();
        }
        let mut answer = json!({"orderStatus": status, "operations": self.operations});
        if let Some(link) = &self.payment_link {
            answer["paymentLink"] = link.clone();
        }
        answer
    }
}

#[derive(Debug)]
pub(crate) struct State {
    pub contracts: BoundedMap<String, Contract>,
    pub orders: BoundedMap<String, Order>,
    /// The order of each operation, by operationId.
    operations: BoundedMap<String, String>,
    /// First answers by path and Idempotency-Key.
    answers: BoundedMap<String, Reply>,
    tokens: u64,
    operation_ids: u64,
    event_ids: u64,
}

impl State {
    pub fn new(records: usize) -> Self {
        State {
            contracts: BoundedMap::new(records),
            orders: BoundedMap::new(records),
            operations: BoundedMap::new(records),
            answers: BoundedMap::new(records),
            tokens: 0,
            operation_ids: 0,
            event_ids: 0,
        }
    }

    fn next_operation_id(&mut self) -> String {
        self.operation_ids += 1;
        format!("{}", 3_470_000 + self.operation_ids)
    }

    /// Pays an HPP or Pay-by-Link order as its customer would on the page: an AUTHORIZATION
    /// (a CARD_VERIFICATION for VERIFY), and the notification to the order's notificationUrl.
    pub fn pay(&mut self, order_id: &str) -> Result<Value, &'static str> {
        let operation_id = self.next_operation_id();
        let order = self.orders.get_mut(order_id).ok_or("no such order")?;
        let action = order
            .action
            .clone()
            .ok_or("a merchant-initiated order is not paid on a page")?;
        if order.paid() {
            return Err("the order is paid already");
        }
        let (kind, amount) = match action.as_str() {
            "VERIFY" => ("CARD_VERIFICATION", 0),
            _ => ("AUTHORIZATION", order.amount()),
        };
        let operation = operation_json(order, &operation_id, kind, "AUTHORIZED", amount, None);
        order.authorized = amount;
        order.operations.push(operation.clone());
        let delivery = order
            .notification_url
            .clone()
            .zip(order.security_token.clone());
        self.operations.insert(operation_id, order_id.to_owned());
        if let Some((url, token)) = delivery {
            self.event_ids += 1;
            let event = json!({
                "eventId": format!("evt-{}", self.event_ids),
                "eventTime": now_iso(),
                "securityToken": token,
                "operation": operation,
            });
            if on_loopback(&url) {
                tokio::spawn(crate::http::post_json(url, event.to_string()));
            }
        }
        Ok(operation)
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
    if request.header("x-api-key") != Some(settings.api_key.expose().as_str()) {
        return Reply::Status(401, String::new());
    }
    let segments: Vec<&str> = path.trim_matches('/').split('/').collect();
    if method == "POST" {
        if let Some(key) = request.header("idempotency-key") {
            let key = format!("{path} {key}");
            if let Some(first) = state.answers.get(&key) {
                return first.clone();
            }
            let reply = change(state, outcome, &segments, request);
            state.answers.insert(key, reply.clone());
            return reply;
        }
    }
    match (method, segments.as_slice()) {
        ("POST", _) => change(state, outcome, &segments, request),
        ("GET", ["contracts", "customers", customer]) => {
            let contracts: Vec<Value> = state
                .contracts
                .iter()
                .filter(|(_, c)| c.customer_id == *customer)
                .map(|(id, c)| json!({"contractId": id, "contractType": c.contract_type, "paymentMethod": "CARDS", "paymentCircuit": "VISA", "paymentInstrumentInfo": "***0006", "status": if c.active { "ACTIVE" } else { "INACTIVE" }}))
                .collect();
            Reply::json(json!({"customerId": customer, "contracts": contracts}).to_string())
        }
        ("GET", ["orders", order]) => match state.orders.get(*order) {
            Some(found) => Reply::json(found.answer().to_string()),
            None => Reply::Status(404, String::new()),
        },
        ("GET", ["operations", operation]) => match find_operation(state, operation) {
            Some(found) => Reply::json(found.to_string()),
            None => Reply::Status(404, String::new()),
        },
        _ => Reply::Status(404, String::new()),
    }
}

/// The calls that change something: each answered once per Idempotency-Key when they carry one.
fn change(
    state: &mut State,
    outcome: Option<Outcome>,
    segments: &[&str],
    request: &Received,
) -> Reply {
    let body = request.json();
    match segments {
        ["orders", mode @ ("hpp" | "paybylink")] => {
            let reply = create_order(state, mode, &body);
            if outcome == Some(Outcome::Paid) {
                if let Some(order_id) = body["order"]["orderId"].as_str() {
                    // Paid at once, as if the customer had been quick: the answer stays the
                    // creation's.
                    let _ = state.pay(order_id);
                }
            }
            reply
        }
        ["orders", "mit"] => create_mit_order(state, &body),
        ["contracts", contract, "deactivation"] => match state.contracts.get_mut(*contract) {
            Some(entry) => {
                entry.active = false;
                Reply::Status(200, String::new())
            }
            None => Reply::Status(404, String::new()),
        },
        ["operations", operation, kind @ ("captures" | "refunds")] => {
            move_money(state, operation, kind, body)
        }
        _ => Reply::Status(404, String::new()),
    }
}

fn errors(code: &str, description: &str) -> Reply {
    Reply::Status(
        400,
        json!({"errors": [{"code": code, "description": description}]}).to_string(),
    )
}

/// The first violation of the request as XPay's PS0001, naming the field but never its value.
fn invalid(op: &'static oneclick_runtime::schema::Operation, body: &Value) -> Option<Reply> {
    let first = validate_request(op.request, body).into_iter().next()?;
    Some(errors(
        "PS0001",
        &format!("Invalid parameter {}", first.path.trim_start_matches('/')),
    ))
}

fn create_order(state: &mut State, mode: &str, body: &Value) -> Reply {
    let op = if mode == "hpp" {
        &schema::CREATE_HPP_ORDER
    } else {
        &schema::CREATE_PAY_BY_LINK
    };
    if let Some(reply) = invalid(op, body) {
        return reply;
    }
    let order_id = text(&body["order"]["orderId"]);
    if state.orders.contains_key(&order_id) {
        return errors("PS0016", "Order already exists");
    }
    let customer = text(&body["order"]["customerId"]);
    let session = &body["paymentSession"];
    let recurrence = &session["recurrence"];
    let contract = text(&recurrence["contractId"]);
    match recurrence["action"].as_str() {
        Some("CONTRACT_CREATION") => {
            if state.contracts.contains_key(&contract) {
                return errors("PS0014", "Contract already exists");
            }
            let contract_type = recurrence["contractType"]
                .as_str()
                .unwrap_or("CIT")
                .to_owned();
            state.contracts.insert(
                contract,
                Contract {
                    customer_id: customer,
                    contract_type,
                    active: true,
                },
            );
        }
        Some("SUBSEQUENT_PAYMENT") if !usable_contract(state, &contract, &customer) => {
            return errors("PS0015", "Contract not found or not active");
        }
        _ => {}
    }
    state.tokens += 1;
    let token = format!("{:032x}", state.tokens.wrapping_mul(0x9e37_79b9_7f4a_7c15));
    let payment_link = (mode == "paybylink").then(|| {
        json!({"linkId": format!("L-{order_id}"), "link": format!("https://xpay.simulator/link/{order_id}"), "status": "ACTIVE"})
    });
    let answer = match &payment_link {
        Some(link) => json!({"paymentLink": link, "securityToken": token}),
        None => {
            json!({"hostedPage": format!("https://xpay.simulator/hpp/{order_id}"), "securityToken": token})
        }
    };
    state.orders.insert(
        order_id,
        Order {
            order: body["order"].clone(),
            action: session["actionType"].as_str().map(str::to_owned),
            security_token: Some(token),
            notification_url: session["notificationUrl"].as_str().map(str::to_owned),
            payment_link,
            authorized: 0,
            captured: 0,
            refunded: 0,
            operations: Vec::new(),
        },
    );
    Reply::json(answer.to_string())
}

fn usable_contract(state: &State, contract: &str, customer: &str) -> bool {
    state
        .contracts
        .get(contract)
        .is_some_and(|c| c.active && c.customer_id == customer)
}

/// `/orders/mit`: an active contract of the order's customer is charged; IMPLICIT (the
/// default) captures at once, EXPLICIT only authorises.
fn create_mit_order(state: &mut State, body: &Value) -> Reply {
    if let Some(reply) = invalid(&schema::CREATE_MIT_ORDER, body) {
        return reply;
    }
    let order_id = text(&body["order"]["orderId"]);
    if state.orders.contains_key(&order_id) {
        return errors("PS0016", "Order already exists");
    }
    let customer = text(&body["order"]["customerId"]);
    if !usable_contract(state, &text(&body["contractId"]), &customer) {
        return errors("PS0015", "Contract not found or not active");
    }
    let operation_id = state.next_operation_id();
    let mut order = Order {
        order: body["order"].clone(),
        action: None,
        security_token: None,
        notification_url: None,
        payment_link: None,
        authorized: 0,
        captured: 0,
        refunded: 0,
        operations: Vec::new(),
    };
    let amount = order.amount();
    let explicit = body["captureType"].as_str() == Some("EXPLICIT");
    let result = if explicit { "AUTHORIZED" } else { "EXECUTED" };
    let operation = operation_json(&order, &operation_id, "AUTHORIZATION", result, amount, None);
    order.authorized = amount;
    if !explicit {
        order.captured = amount;
    }
    order.operations.push(operation.clone());
    state.orders.insert(order_id.clone(), order);
    state.operations.insert(operation_id, order_id);
    Reply::json(json!({ "operation": operation }).to_string())
}

/// A capture takes at most what is authorised and not captured yet; a refund at most what is
/// captured and not refunded yet, and before any capture it voids the authorisation instead.
fn move_money(state: &mut State, operation_id: &str, kind: &str, mut body: Value) -> Reply {
    let op = if kind == "captures" {
        &schema::CAPTURE_OPERATION
    } else {
        &schema::REFUND_OPERATION
    };
    // The path's operationId is a field of the request in the spec.
    body["operationId"] = Value::String(operation_id.to_owned());
    if let Some(reply) = invalid(op, &body) {
        return reply;
    }
    let Some(order_id) = state.operations.get(operation_id).cloned() else {
        return errors("PS0017", "Operation not found");
    };
    let new_id = state.next_operation_id();
    let Some(order) = state.orders.get_mut(&order_id) else {
        return errors("PS0017", "Operation not found");
    };
    let amount = minor_units(&body["amount"]).unwrap_or(0);
    if body["currency"].as_str() != Some(order.currency()) {
        return errors("PS0001", "Invalid parameter currency");
    }
    let (operation_type, result) = if kind == "captures" {
        if amount == 0 || order.captured + amount > order.authorized {
            return errors("PS0018", "Amount exceeds the authorised amount");
        }
        order.captured += amount;
        ("CAPTURE", "EXECUTED")
    } else if order.captured == 0 {
        if amount == 0 || amount > order.authorized {
            return errors("PS0018", "Amount exceeds the authorised amount");
        }
        order.authorized -= amount;
        ("VOID", "VOIDED")
    } else {
        if amount == 0 || order.refunded + amount > order.captured {
            return errors("PS0019", "Amount exceeds the captured amount");
        }
        order.refunded += amount;
        ("REFUND", "REFUNDED")
    };
    let operation = operation_json(
        order,
        &new_id,
        operation_type,
        result,
        amount,
        Some(operation_id),
    );
    let time = operation["operationTime"].clone();
    order.operations.push(operation);
    state.operations.insert(new_id.clone(), order_id);
    Reply::json(json!({"operationId": new_id, "operationTime": time}).to_string())
}

fn find_operation<'s>(state: &'s State, operation_id: &str) -> Option<&'s Value> {
    let order = state.orders.get(state.operations.get(operation_id)?)?;
    order
        .operations
        .iter()
        .find(|o| o["operationId"] == operation_id)
}

fn operation_json(
    order: &Order,
    operation_id: &str,
    operation_type: &str,
    result: &str,
    amount: u64,
    acts_on: Option<&str>,
) -> Value {
    let mut operation = json!({
        "orderId": order.order["orderId"],
        "operationId": operation_id,
        "channel": "ECOMMERCE",
        "operationType": operation_type,
        "operationResult": result,
        "operationTime": now_iso(),
        "paymentMethod": "CARDS",
        "paymentCircuit": "VISA",
        "paymentInstrumentInfo": "***0006",
        "operationAmount": amount.to_string(),
        "operationCurrency": order.currency(),
        "additionalData": {"maskedPan": "453997******0006", "cardId": "sim-card-1", "cardExpiryDate": "2030-12"},
    });
    if let Some(acts_on) = acts_on {
        operation["cancelledOperationId"] = Value::String(acts_on.to_owned());
    }
    operation
}

fn text(value: &Value) -> String {
    value.as_str().unwrap_or_default().to_owned()
}

fn minor_units(value: &Value) -> Option<u64> {
    value.as_str()?.parse().ok()
}

/// ISO 8601 UTC, as XPay writes its times.
fn now_iso() -> String {
    let dttm = format_dttm(SystemTime::now(), TimeZone::Utc);
    format!(
        "{}-{}-{}T{}:{}:{}.000Z",
        &dttm[0..4],
        &dttm[4..6],
        &dttm[6..8],
        &dttm[8..10],
        &dttm[10..12],
        &dttm[12..14]
    )
}

/// The simulator only ever calls back to this machine: a notificationUrl is whatever a
/// request said, and a stand-in must not be turned into a way to reach other hosts.
fn on_loopback(url: &str) -> bool {
    let Some(rest) = url.strip_prefix("http://") else {
        return false;
    };
    let host = rest.split(['/', '?', '#']).next().unwrap_or_default();
    let host = host.rsplit_once('@').map_or(host, |(_, h)| h);
    let name = match host.strip_prefix('[') {
        Some(v6) => v6.split(']').next().unwrap_or_default(),
        None => host.split(':').next().unwrap_or_default(),
    };
    name == "localhost"
        || name
            .parse::<std::net::IpAddr>()
            .is_ok_and(|ip| ip.is_loopback())
}

#[cfg(test)]
mod tests {
    use super::on_loopback;

    #[test]
    fn notifications_go_to_this_machine_only() {
        for url in [
            "http://127.0.0.1:8080/notify",
            "http://localhost/n",
            "http://[::1]:9/n",
        ] {
            assert!(on_loopback(url), "{url}");
        }
        for url in [
            "https://127.0.0.1/n",
            "http://shop.example/n",
            "http://127.0.0.1.evil.example/n",
            "http://127.0.0.1@evil.example/n",
            "http://10.0.0.1/n",
        ] {
            assert!(!on_loopback(url), "{url}");
        }
    }
}

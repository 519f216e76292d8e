//! Nexi XPay: orders through the Hosted Payment Page or Pay-by-Link; CONTRACT_CREATION
//! registers a contract for the customer, SUBSEQUENT_PAYMENT needs an active one; contracts can
//! be listed and deactivated; a repeated Idempotency-Key gets the first answer again.

use oneclick_gateways::xpay::schema;
use oneclick_runtime::Secret;
use oneclick_runtime::validate::validate_request;
use serde_json::{Value, json};

use crate::bounded::BoundedMap;
use crate::http::{Received, Reply};

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

#[derive(Debug)]
pub(crate) struct State {
    /// Contracts by contractId: (customerId, contractType, active).
    pub contracts: BoundedMap<String, (String, String, bool)>,
    pub orders: BoundedMap<String, Value>,
    /// First answers by Idempotency-Key.
    answers: BoundedMap<String, Reply>,
    tokens: u64,
}

impl State {
    pub fn new(records: usize) -> Self {
        State {
            contracts: BoundedMap::new(records),
            orders: BoundedMap::new(records),
            answers: BoundedMap::new(records),
            tokens: 0,
        }
    }
}

pub(crate) fn handle(
    state: &mut State,
    settings: &Settings,
    method: &str,
    path: &str,
    request: &Received,
) -> Reply {
    if request.header("x-api-key") != Some(settings.api_key.expose().as_str()) {
        return Reply::Status(401, String::new());
    }
    let segments: Vec<&str> = path.trim_matches('/').split('/').collect();
    match (method, segments.as_slice()) {
        ("POST", ["orders", mode @ ("hpp" | "paybylink")]) => {
            let key = request.header("idempotency-key").map(str::to_owned);
            if let Some(first) = key.as_ref().and_then(|k| state.answers.get(k)) {
                return first.clone();
            }
            let op = if *mode == "hpp" {
                &schema::CREATE_HPP_ORDER
            } else {
                &schema::CREATE_PAY_BY_LINK
            };
            let reply = create_order(state, op, mode, &request.json());
            if let Some(key) = key {
                state.answers.insert(key, reply.clone());
            }
            reply
        }
        ("GET", ["contracts", "customers", customer]) => {
            let contracts: Vec<Value> = state
                .contracts
                .iter()
                .filter(|(_, (owner, _, _))| owner == customer)
                .map(|(id, (_, kind, active))| json!({"contractId": id, "contractType": kind, "status": if *active { "ACTIVE" } else { "INACTIVE" }}))
                .collect();
            Reply::json(json!({"customerId": customer, "contracts": contracts}).to_string())
        }
        ("POST", ["contracts", contract, "deactivation"]) => {
            match state.contracts.get_mut(*contract) {
                Some(entry) => {
                    entry.2 = false;
                    Reply::Status(200, String::new())
                }
                None => Reply::Status(404, String::new()),
            }
        }
        ("GET", ["orders", order]) => match state.orders.get(*order) {
            Some(found) => Reply::json(found.to_string()),
            None => Reply::Status(404, String::new()),
        },
        _ => Reply::Status(404, String::new()),
    }
}

fn errors(code: &str, description: &str) -> Reply {
    Reply::Status(
        400,
        json!({"errors": [{"code": code, "description": description}]}).to_string(),
    )
}

fn create_order(
    state: &mut State,
    op: &'static oneclick_runtime::schema::Operation,
    mode: &str,
    body: &Value,
) -> Reply {
    if let Some(first) = validate_request(op.request, body).first() {
        return errors(
            "PS0001",
            &format!("Invalid parameter {}", first.path.trim_start_matches('/')),
        );
    }
    let order_id = body["order"]["orderId"]
        .as_str()
        .unwrap_or_default()
        .to_owned();
    let customer = body["order"]["customerId"]
        .as_str()
        .unwrap_or_default()
        .to_owned();
    let recurrence = &body["paymentSession"]["recurrence"];
    let contract = recurrence["contractId"]
        .as_str()
        .unwrap_or_default()
        .to_owned();
    match recurrence["action"].as_str() {
        Some("CONTRACT_CREATION") => {
            if state.contracts.contains_key(&contract) {
                return errors("PS0014", "Contract already exists");
            }
            let kind = recurrence["contractType"]
                .as_str()
                .unwrap_or("CIT")
                .to_owned();
            state.contracts.insert(contract, (customer, kind, true));
        }
        Some("SUBSEQUENT_PAYMENT") => {
            let usable = state
                .contracts
                .get(&contract)
                .is_some_and(|(owner, _, active)| *active && *owner == customer);
            if !usable {
                return errors("PS0015", "Contract not found or not active");
            }
        }
        _ => {}
    }
    state.tokens += 1;
    let token = format!("{:032x}", state.tokens.wrapping_mul(0x9e37_79b9_7f4a_7c15));
    state.orders.insert(order_id.clone(), json!({"orderStatus": {"order": body["order"].clone(), "lastOperationType": "AUTHORIZATION"}}));
    let answer = if mode == "hpp" {
        json!({"hostedPage": format!("https://xpay.simulator/hpp/{order_id}"), "securityToken": token})
    } else {
        json!({"paymentLink": {"linkId": format!("L-{order_id}"), "link": format!("https://xpay.simulator/link/{order_id}"), "status": "ACTIVE"}, "securityToken": token})
    };
    Reply::json(answer.to_string())
}

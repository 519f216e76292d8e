//! IPS Assist One Click: stored cards per customer, listed, removed and paid with; errors in
//! the documented `{"fault": …}` shape.

use std::collections::BTreeMap;

use oneclick_gateways::assist::schema;
use oneclick_runtime::Secret;
use oneclick_runtime::validate::validate_request;
use serde_json::{Value, json};

use crate::bounded::Ring;
use crate::http::{Received, Reply, form_fields};

#[derive(Debug)]
pub(crate) struct State {
    /// Stored cards by customer number.
    pub cards: BTreeMap<String, Vec<Value>>,
    pub paid_orders: Ring<String>,
}

impl State {
    pub fn new(records: usize) -> Self {
        State {
            cards: BTreeMap::new(),
            paid_orders: Ring::new(records),
        }
    }
}

/// The web-service credentials the simulated Assist gateway accepts.
#[derive(Debug, Clone)]
pub struct Settings {
    pub merchant_id: String,
    pub login: String,
    pub password: Secret<String>,
}

impl Default for Settings {
    /// The credentials the tests configure the client with.
    fn default() -> Self {
        Settings {
            merchant_id: "452739".to_owned(),
            login: "LOGIN".to_owned(),
            password: Secret::new("PASSWORD".to_owned()),
        }
    }
}

fn fault(code: &str, message: &str, detail: &str) -> Reply {
    Reply::json(
        json!({"fault": {"detail": detail, "faultcode": code, "faultstring": message}}).to_string(),
    )
}

pub(crate) fn handle(
    state: &mut State,
    settings: &Settings,
    method: &str,
    path: &str,
    request: &Received,
) -> Reply {
    if method != "POST" {
        return Reply::Status(404, String::new());
    }
    match path {
        "/pay/oneclick/v1/token.cfm" | "/pay/oneclick/v1/rem_token.cfm" => {
            let body = request.json();
            let merchant = &body["merchant"];
            if !authorised(
                settings,
                &merchant["merchant_id"],
                &merchant["login"],
                &merchant["password"],
            ) {
                return fault("5", "Authorization error", "wrong merchant credentials");
            }
            let op = if path.ends_with("/token.cfm") {
                &schema::LIST_CARDS
            } else {
                &schema::REMOVE_CARD
            };
            if let Some(first) = validate_request(op.request, &body).first() {
                return fault("1", "Invalid parameter", first.path.trim_start_matches('/'));
            }
            let customer = body["customernumber"].as_str().unwrap_or_default();
            let cards = state.cards.entry(customer.to_owned()).or_default();
            if op.id == "list_cards" {
                return Reply::json(Value::Array(cards.clone()).to_string());
            }
            let token = body["token"].as_str().unwrap_or_default();
            let before = cards.len();
            cards.retain(|card| {
                !card["token"]
                    .as_str()
                    .is_some_and(|t| t.eq_ignore_ascii_case(token))
            });
            if cards.len() == before {
                return fault("2", "Token not found", token);
            }
            Reply::json(json!({"message": format!("Token {token} is removed")}).to_string())
        }
        "/pay/tokenpay.cfm" => {
            let fields: BTreeMap<String, String> = form_fields(&request.body).into_iter().collect();
            let field = |name: &str| Value::String(fields.get(name).cloned().unwrap_or_default());
            if !authorised(
                settings,
                &field("Merchant_ID"),
                &field("Login"),
                &field("Password"),
            ) {
                return fault("5", "Authorization error", "wrong merchant credentials");
            }
            let payment_token: Value = fields
                .get("PaymentToken")
                .and_then(|t| serde_json::from_str(t).ok())
                .unwrap_or(Value::Null);
            let customer = payment_token["CustomerNumber"].as_str().unwrap_or_default();
            let token = payment_token["Token"].as_str().unwrap_or_default();
            let stored = state.cards.get(customer).is_some_and(|cards| {
                cards.iter().any(|c| {
                    c["token"]
                        .as_str()
                        .is_some_and(|t| t.eq_ignore_ascii_case(token))
                })
            });
            if !stored {
                return fault(
                    "2",
                    "Token not found",
                    "no such stored card for the customer",
                );
            }
            let order = fields.get("OrderNumber").cloned().unwrap_or_default();
            state.paid_orders.push(order.clone());
            Reply::json(
                json!({"ordernumber": order, "orderstate": "Approved", "responsecode": "AS000"})
                    .to_string(),
            )
        }
        _ => Reply::Status(404, String::new()),
    }
}

fn authorised(settings: &Settings, merchant_id: &Value, login: &Value, password: &Value) -> bool {
    merchant_id.as_str() == Some(&settings.merchant_id)
        && login.as_str() == Some(&settings.login)
        && password.as_str() == Some(settings.password.expose())
}

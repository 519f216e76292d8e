//! IPS Assist One Click: stored cards per customer, listed, removed and paid with; payment-page
//! orders paid on demand (`POST /admin/assist/pay`), reported by `orderresult` and in a signed
//! form notification to the merchant, cancelled in full or in part, and charged again within
//! their recurring limits; errors in the documented `{"fault": …}` shape.

use std::collections::BTreeMap;
use std::time::SystemTime;

use oneclick_gateways::assist::schema;
use oneclick_runtime::Secret;
use oneclick_runtime::clock::format_dttm;
use oneclick_runtime::engine::form_encode;
use oneclick_runtime::recipe::{Interpret, Message, SigningKey};
use oneclick_runtime::schema::TimeZone;
use oneclick_runtime::validate::validate_request;
use serde_json::{Value, json};

use crate::bounded::{BoundedMap, Ring};
use crate::http::{Received, Reply, form_fields};

#[derive(Debug)]
pub(crate) struct State {
    /// Stored cards by customer number.
    pub cards: BTreeMap<String, Vec<Value>>,
    pub paid_orders: Ring<String>,
    /// Paid payment-page orders and recurrent payments by billnumber.
    pub orders: BoundedMap<String, Order>,
    bills_made: u64,
}

impl State {
    pub fn new(records: usize) -> Self {
        State {
            cards: BTreeMap::new(),
            paid_orders: Ring::new(records),
            orders: BoundedMap::new(records),
            bills_made: 0,
        }
    }

    fn next_billnumber(&mut self) -> String {
        self.bills_made += 1;
        format!("59602200{:08}", self.bills_made)
    }
}

/// An order Assist knows, with what it allows afterwards.
#[derive(Debug, Clone)]
pub(crate) struct Order {
    ordernumber: String,
    /// As the order sent it (`4.00`): check values cover the text.
    amount: String,
    currency: String,
    state: String,
    /// Cents cancelled so far.
    cancelled: u64,
    recurring: Option<Recurring>,
}

/// The limits a first payment set with RecurringIndicator=1.
#[derive(Debug, Clone)]
struct Recurring {
    min_cents: u64,
    max_cents: u64,
    /// `YYYYMMDD` of RecurringMaxDate.
    until: String,
}

/// The web-service credentials the simulated Assist gateway accepts.
#[derive(Debug, Clone)]
pub struct Settings {
    pub merchant_id: String,
    pub login: String,
    pub password: Secret<String>,
    /// The merchant's salt: check values of answers and notifications are made with it, and an
    /// order's Checkvalue, when it carries one, must match it.
    pub salt: Secret<String>,
    /// Where payment-result notifications are POSTed (plain http on loopback); `None` sends
    /// none.
    pub notification_url: Option<String>,
}

impl Default for Settings {
    /// The credentials the tests configure the client with.
    fn default() -> Self {
        Settings {
            merchant_id: "452739".to_owned(),
            login: "LOGIN".to_owned(),
            password: Secret::new("PASSWORD".to_owned()),
            salt: Secret::new("s4lt".to_owned()),
            notification_url: None,
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
        "/orderresult/orderresult.cfm" | "/cancel/wscancel.cfm" | "/recurrent/rp.cfm" => {
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
            match path {
                "/orderresult/orderresult.cfm" => order_result(state, settings, &fields),
                "/cancel/wscancel.cfm" => cancel(state, &fields),
                _ => recurrent_payment(state, settings, &fields),
            }
        }
        _ => Reply::Status(404, String::new()),
    }
}

/// Pays a payment-page order as the customer would, from the form the merchant's client built:
/// the order is then known to `orderresult` and its notification is sent. Answers its
/// billnumber.
pub(crate) fn pay(state: &mut State, settings: &Settings, form: &str, orderstate: &str) -> Reply {
    let fields: BTreeMap<String, String> = form_fields(form.as_bytes()).into_iter().collect();
    let get = |name: &str| fields.get(name).cloned().unwrap_or_default();
    if get("Merchant_ID") != settings.merchant_id {
        return fault("5", "Authorization error", "unknown Merchant_ID");
    }
    if let Some(sent) = fields.get("Checkvalue") {
        if *sent != order_check_value(settings, &fields) {
            return fault(
                "7",
                "Checkvalue error",
                "the order's Checkvalue does not match",
            );
        }
    }
    let recurring = if get("RecurringIndicator") == "1" {
        let limits = (
            cents(&get("RecurringMinAmount")),
            cents(&get("RecurringMaxAmount")),
            yyyymmdd(&get("RecurringMaxDate")),
        );
        let (Some(min_cents), Some(max_cents), Some(until)) = limits else {
            return fault("1", "Invalid parameter", "recurring parameters");
        };
        Some(Recurring {
            min_cents,
            max_cents,
            until,
        })
    } else {
        None
    };
    let currency = fields
        .get("OrderCurrency")
        .cloned()
        .unwrap_or_else(|| "RUB".to_owned());
    let order = Order {
        ordernumber: get("OrderNumber"),
        amount: get("OrderAmount"),
        currency,
        state: orderstate.to_owned(),
        cancelled: 0,
        recurring,
    };
    let billnumber = state.next_billnumber();
    notify(settings, &billnumber, &order);
    state.orders.insert(billnumber.clone(), order);
    Reply::json(json!({ "billnumber": billnumber }).to_string())
}

/// POSTs the payment-result notification of `order` to the merchant, as a form.
fn notify(settings: &Settings, billnumber: &str, order: &Order) {
    let Some(url) = &settings.notification_url else {
        return;
    };
    let checkvalue = result_check_value(settings, order);
    let fields: Vec<(String, String)> = [
        ("merchant_id", settings.merchant_id.as_str()),
        ("ordernumber", &order.ordernumber),
        ("billnumber", billnumber),
        ("testmode", "1"),
        ("orderamount", &order.amount),
        ("ordercurrency", &order.currency),
        ("amount", &order.amount),
        ("currency", &order.currency),
        ("orderstate", &order.state),
        ("responsecode", response_code(&order.state)),
        ("meannumber", "411111****1111"),
        ("cardholder", "IVAN IVANOV"),
        ("operationtype", "100"),
        ("packetdate", &now()[..8]),
        ("checkvalue", &checkvalue),
    ]
    .into_iter()
    .map(|(k, v)| (k.to_owned(), v.to_owned()))
    .collect();
    tokio::spawn(crate::http::post_form(url.clone(), form_encode(&fields)));
}

fn response_code(orderstate: &str) -> &'static str {
    if orderstate == "Declined" {
        "AS100"
    } else {
        "AS000"
    }
}

fn order_result(state: &State, settings: &Settings, fields: &BTreeMap<String, String>) -> Reply {
    let wanted = |bill: &String, order: &Order| match (
        fields.get("Billnumber"),
        fields.get("Ordernumber"),
    ) {
        (Some(b), _) => b == bill,
        (None, Some(n)) => *n == order.ordernumber,
        (None, None) => false,
    };
    let orders: Vec<Value> = state
        .orders
        .iter()
        .filter(|(bill, order)| wanted(bill, order))
        .map(|(bill, order)| {
            json!({
                "billnumber": bill,
                "ordernumber": order.ordernumber,
                "testmode": "1",
                "orderamount": order.amount,
                "ordercurrency": order.currency,
                "orderstate": order.state,
                "checkdata": {"packetdate": now(), "checkvalue": result_check_value(settings, order)},
                "operations": [{
                    "operationtype": "100",
                    "amount": order.amount,
                    "currency": order.currency,
                    "responsecode": response_code(&order.state),
                    "meannumber": "411111****1111",
                    "cardholder": "IVAN IVANOV",
                }],
            })
        })
        .collect();
    Reply::json(json!({"orderresult": {"orders": orders}}).to_string())
}

fn cancel(state: &mut State, fields: &BTreeMap<String, String>) -> Reply {
    let bill = fields.get("Billnumber").cloned().unwrap_or_default();
    let Some(order) = state.orders.get_mut(&bill) else {
        return fault("2", "Order not found", &bill);
    };
    let total = cents(&order.amount).unwrap_or(0);
    let left = total.saturating_sub(order.cancelled);
    let asked = match fields.get("Amount") {
        Some(amount) => match cents(amount) {
            Some(asked) => asked,
            None => return fault("1", "Invalid parameter", "Amount"),
        },
        None => left,
    };
    if left == 0 || asked == 0 || asked > left {
        return fault(
            "3",
            "Cancel refused",
            "the amount exceeds what is left of the order",
        );
    }
    order.cancelled += asked;
    order.state = if order.cancelled == total {
        "Canceled"
    } else {
        "PartialCanceled"
    }
    .to_owned();
    Reply::json(
        json!({"wscancel": {"billnumber": bill, "orderstate": order.state, "responsecode": "AS000"}})
            .to_string(),
    )
}

fn recurrent_payment(
    state: &mut State,
    settings: &Settings,
    fields: &BTreeMap<String, String>,
) -> Reply {
    let first = fields.get("BillNumber").cloned().unwrap_or_default();
    let Some(recurring) = state.orders.get(&first).and_then(|o| o.recurring.clone()) else {
        return fault(
            "4",
            "Recurring payment refused",
            "the first payment carried no recurring parameters",
        );
    };
    let amount = fields.get("Amount").cloned().unwrap_or_default();
    let Some(asked) = cents(&amount) else {
        return fault("1", "Invalid parameter", "Amount");
    };
    if asked < recurring.min_cents || asked > recurring.max_cents {
        return fault(
            "4",
            "Recurring payment refused",
            "the amount is outside RecurringMinAmount..RecurringMaxAmount",
        );
    }
    if now()[..8] > *recurring.until {
        return fault(
            "4",
            "Recurring payment refused",
            "RecurringMaxDate has passed",
        );
    }
    let first_order = state.orders.get(&first).cloned();
    let order = Order {
        ordernumber: first_order.map(|o| o.ordernumber).unwrap_or_default(),
        amount,
        currency: fields.get("Currency").cloned().unwrap_or_default(),
        state: "Approved".to_owned(),
        cancelled: 0,
        recurring: None,
    };
    let billnumber = state.next_billnumber();
    notify(settings, &billnumber, &order);
    state.orders.insert(billnumber.clone(), order);
    Reply::json(
        json!({"rp": {"billnumber": billnumber, "responsecode": "AS000", "approvalcode": "654321", "orderstate": "Approved"}})
            .to_string(),
    )
}

/// The check value of a result: the spec's own recipe, with the simulator's merchant and salt.
fn result_check_value(settings: &Settings, order: &Order) -> String {
    let body = json!({
        "ordernumber": order.ordernumber,
        "orderamount": order.amount,
        "ordercurrency": order.currency,
        "orderstate": order.state,
    });
    let inputs = [
        ("salt", settings.salt.clone()),
        ("merchant_id", Secret::new(settings.merchant_id.clone())),
    ];
    let message = Message {
        body: &body,
        raw_body: "",
        order: &[],
        inputs: &inputs,
    };
    schema::RECIPE_ORDER_RESULT_CHECK_VALUE
        .recipe
        .sign(&message, SigningKey::None)
        .unwrap_or_default()
}

/// The check value of a payment-page order's fields, by the spec's order recipe.
fn order_check_value(settings: &Settings, fields: &BTreeMap<String, String>) -> String {
    let body: serde_json::Map<String, Value> = fields
        .iter()
        .map(|(name, value)| (name.clone(), Value::String(value.clone())))
        .collect();
    let body = Value::Object(body);
    let inputs = [("salt", settings.salt.clone())];
    let message = Message {
        body: &body,
        raw_body: "",
        order: &[],
        inputs: &inputs,
    };
    schema::RECIPE_ORDER_CHECK_VALUE
        .recipe
        .sign(&message, SigningKey::None)
        .unwrap_or_default()
}

/// An amount (`10`, `10.5`, `10.50`) in cents.
fn cents(amount: &str) -> Option<u64> {
    let (whole, fraction) = amount.split_once('.').unwrap_or((amount, ""));
    if whole.is_empty() || fraction.len() > 2 {
        return None;
    }
    let whole: u64 = whole.parse().ok()?;
    let fraction: u64 = format!("{fraction:0<2}").parse().ok()?;
    whole.checked_mul(100)?.checked_add(fraction)
}

/// `DD.MM.YYYY` as `YYYYMMDD`, comparable as text.
fn yyyymmdd(date: &str) -> Option<String> {
    let mut parts = date.split('.');
    let (d, m, y) = (parts.next()?, parts.next()?, parts.next()?);
    (d.len() == 2 && m.len() == 2 && y.len() == 4).then(|| format!("{y}{m}{d}"))
}

fn now() -> String {
    format_dttm(SystemTime::now(), TimeZone::Utc)
}

fn authorised(settings: &Settings, merchant_id: &Value, login: &Value, password: &Value) -> bool {
    merchant_id.as_str() == Some(&settings.merchant_id)
        && login.as_str() == Some(&settings.login)
        && password.as_str() == Some(settings.password.expose())
}

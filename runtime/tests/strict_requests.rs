//! A request carries only what the spec describes: a field it does not know, at any depth, is a
//! violation with its path, and nothing is sent. Automatic fields the caller also gave are not
//! unknown: the client replaces them.

mod common;

use oneclick_runtime::schema::{
    Answer, Auto, Delivery, Encoding, Field, Gateway, Kind, Method, NO_RESPONSE, Object, Operation,
    Repeat, TimeZone,
};
use oneclick_runtime::{Credentials, Engine, Error, RuleKind, Secret};
use serde_json::{Value, json};

use common::Server;

static ITEM: Object = Object {
    name: "Item",
    fields: &[
        Field::new("sku", Kind::String).required(),
        Field::new("pan", Kind::String).sensitive(),
    ],
    rules: &[],
    items: None,
};

static CUSTOMER: Object = Object {
    name: "Customer",
    fields: &[
        Field::new("name", Kind::String),
        Field::new("account", Kind::String).auto(Auto::Credential("account")),
    ],
    rules: &[],
    items: None,
};

static REQUEST: Object = Object {
    name: "order request",
    fields: &[
        Field::new("orderId", Kind::String).required(),
        Field::new("customer", Kind::Object(&CUSTOMER)),
        Field::new("items", Kind::List(&Kind::Object(&ITEM))),
        Field::new("meta", Kind::Any),
    ],
    rules: &[],
    items: None,
};

static ORDER: Operation = Operation {
    id: "create_order",
    summary: "",
    method: Method::Post,
    path: "/orders",
    request: &REQUEST,
    response: &NO_RESPONSE,
    request_recipes: &[],
    response_recipes: &[],
    request_signature: &[],
    response_signature: &[],
    retryable_result_codes: &[],
    encoding: Encoding::Json,
    answer: Answer::JSON,
    delivery: Delivery::Call,
    headers: &[],
    repeat: Repeat::Unsafe,
    reconcile: &[],
    result: None,
    answer_matches: &[],
};

static GATEWAY: Gateway = Gateway {
    name: "shop",
    recipes: &[],
    dttm_zone: TimeZone::Utc,
    result: None,
    errors: &[],
    headers: &[],
    environments: &[],
    credentials: &[],
    operations: &[&ORDER],
    callbacks: &[],
    retry_http_status: &[],
    unprocessed_http_status: &[],
};

fn engine(server: &Server) -> Engine {
    let credentials = Credentials {
        values: vec![("account", Secret::new("acc-1".into()))],
        keys: vec![],
    };
    Engine::new(&GATEWAY, &server.base_url, credentials).unwrap()
}

fn order() -> Value {
    json!({
        "orderId": "o1",
        "customer": {"name": "Jan"},
        "items": [{"sku": "a"}, {"sku": "b", "pan": "4111111111111111"}],
        "meta": {"free": ["form", {"x": 1}]},
    })
}

#[tokio::test]
async fn unknown_fields_at_every_depth_are_named_and_nothing_is_sent() {
    let server = Server::start(vec![(200, "{}".into())]).await;
    let engine = engine(&server);
    let mut request = order();
    request["closePayement"] = json!(false);
    request["customer"]["card_number"] = json!("4111111111111111");
    request["items"][1]["cvv"] = json!("737");
    let error = engine.call_value(&ORDER, request).await.unwrap_err();
    let Error::Invalid(violations) = &error else {
        panic!("{error:?}");
    };
    let found: Vec<(&str, RuleKind)> = violations
        .iter()
        .map(|v| (v.path.as_str(), v.rule))
        .collect();
    assert_eq!(
        found,
        [
            ("/customer/card_number", RuleKind::UnknownField),
            ("/items/1/cvv", RuleKind::UnknownField),
            ("/closePayement", RuleKind::UnknownField),
        ]
    );
    let shown = format!("{error} {error:?}");
    assert!(!shown.contains("4111") && !shown.contains("737"), "{shown}");
    assert!(server.received().is_empty(), "nothing was sent");
}

#[tokio::test]
async fn known_fields_free_form_values_and_given_automatic_fields_are_sent() {
    let server = Server::start(vec![(200, "{}".into())]).await;
    let engine = engine(&server);
    let mut request = order();
    request["customer"]["account"] = json!("from-the-caller");
    engine.call_value(&ORDER, request).await.unwrap();
    let received = server.received();
    assert_eq!(
        (received[0].method.as_str(), received[0].path.as_str()),
        ("POST", "/api/v1.9/orders")
    );
    assert_eq!(received[0].header("content-type"), Some("application/json"));
    let sent = received[0].json();
    assert_eq!(
        sent["customer"]["account"], "acc-1",
        "the client's own value"
    );
    assert_eq!(sent["meta"], json!({"free": ["form", {"x": 1}]}));
    assert_eq!(sent["items"][1]["pan"], "4111111111111111");
}

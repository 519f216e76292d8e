//! Every constraint of `spec/xpay.yaml` at its boundary, with the JSON-pointer path and rule.

use oneclick_runtime::validate::validate_value;
use oneclick_tests::with;
use oneclick_xpay::schema;
use serde_json::{Value, json};

fn base() -> Value {
    json!({
        "order": {"orderId": "btid2384983", "amount": "3545", "currency": "EUR", "customerId": "mcid97295873"},
        "paymentSession": {"actionType": "PAY", "amount": "3545",
            "resultUrl": "https://shop.example/result", "cancelUrl": "https://shop.example/cancel", "notificationUrl": "https://shop.example/notify",
            "recurrence": {"action": "CONTRACT_CREATION", "contractId": "C2834987", "contractType": "CIT"}}
    })
}

fn violations(json: &Value) -> Vec<String> {
    validate_value(&schema::CREATE_HPP_ORDER_REQUEST, json)
        .iter()
        .map(|v| format!("{} {}", v.path, v.rule.as_str()))
        .collect()
}

#[test]
fn every_constraint_at_its_boundary() {
    let cases: Vec<(&str, Vec<Value>, Value, &str)> = vec![
        (
            "/order/orderId",
            vec![json!("1"), json!("a".repeat(18))],
            json!("a".repeat(19)),
            "max_length",
        ),
        ("/order/orderId", vec![], json!(""), "min_length"),
        (
            "/order/amount",
            vec![json!("0"), json!("1".repeat(18))],
            json!("35.45"),
            "pattern",
        ),
        (
            "/order/currency",
            vec![json!("USD")],
            json!("eur"),
            "format",
        ),
        (
            "/paymentSession/actionType",
            vec![json!("VERIFY")],
            json!("REFUND"),
            "enum",
        ),
        (
            "/paymentSession/amount",
            vec![json!("1")],
            json!("1,00"),
            "pattern",
        ),
        (
            "/paymentSession/resultUrl",
            vec![json!("http://localhost:8080/r")],
            json!("shop.example/result"),
            "format",
        ),
        (
            "/paymentSession/cancelUrl",
            vec![],
            json!("javascript:alert(1)"),
            "format",
        ),
        (
            "/paymentSession/notificationUrl",
            vec![],
            json!("ftp://shop.example/n"),
            "format",
        ),
        (
            "/paymentSession/recurrence/action",
            vec![json!("SUBSEQUENT_PAYMENT")],
            json!("CANCEL"),
            "enum",
        ),
        (
            "/paymentSession/recurrence/contractType",
            vec![json!("MIT_SCHEDULED"), json!("MIT_UNSCHEDULED")],
            json!("MIT"),
            "enum",
        ),
    ];
    oneclick_tests::check_boundaries(&schema::CREATE_HPP_ORDER_REQUEST, &base(), cases);
}

#[test]
fn contract_id_is_required_whenever_action_is_not_no_recurring() {
    for action in ["CONTRACT_CREATION", "SUBSEQUENT_PAYMENT"] {
        let json = with(
            with(base(), "/paymentSession/recurrence/action", json!(action)),
            "/paymentSession/recurrence/contractId",
            Value::Null,
        );
        assert_eq!(
            violations(&json),
            ["/paymentSession/recurrence/contractId required_unless"],
            "{action}"
        );
    }
    let one_off = with(
        with(
            base(),
            "/paymentSession/recurrence/action",
            json!("NO_RECURRING"),
        ),
        "/paymentSession/recurrence/contractId",
        Value::Null,
    );
    assert!(violations(&one_off).is_empty());
}

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

#[test]
fn an_order_id_keeps_to_the_documented_alphabet() {
    let cases: Vec<(&str, Vec<Value>, Value, &str)> = vec![
        (
            "/order/orderId",
            vec![json!("#*+-.:;=?[]_{|}"), json!("Order-2026.11_1")],
            json!("order 1"),
            "pattern",
        ),
        ("/order/orderId", vec![], json!("order/1"), "pattern"),
        ("/order/orderId", vec![], json!("ordèr"), "pattern"),
    ];
    oneclick_tests::check_boundaries(&schema::CREATE_HPP_ORDER_REQUEST, &base(), cases);
}

/// Captures and refunds take the same fields: every constraint of each at its boundary.
#[test]
fn captures_and_refunds_at_their_boundaries() {
    let base = json!({"operationId": "3470744", "amount": "2000", "currency": "EUR", "description": "First shipment"});
    for request in [
        &schema::CAPTURE_OPERATION_REQUEST,
        &schema::REFUND_OPERATION_REQUEST,
    ] {
        let cases: Vec<(&str, Vec<Value>, Value, &str)> = vec![
            ("/operationId", vec![json!("1")], json!(""), "min_length"),
            (
                "/amount",
                vec![json!("0"), json!("1"), json!("9".repeat(18))],
                json!("9".repeat(19)),
                "pattern",
            ),
            ("/amount", vec![], json!("20.00"), "pattern"),
            ("/amount", vec![], json!("-1"), "pattern"),
            ("/amount", vec![], json!(""), "pattern"),
            ("/currency", vec![json!("USD")], json!("eur"), "format"),
            ("/currency", vec![], json!("EURO"), "format"),
        ];
        oneclick_tests::check_boundaries(request, &base, cases);
        let without = |field: &str| {
            let mut json = base.clone();
            json.as_object_mut().unwrap().remove(field);
            validate_value(request, &json)
                .iter()
                .map(|v| format!("{} {}", v.path, v.rule.as_str()))
                .collect::<Vec<_>>()
        };
        for field in ["operationId", "amount", "currency"] {
            assert_eq!(without(field), [format!("/{field} required")]);
        }
        assert!(without("description").is_empty());
    }
}

#[test]
fn a_merchant_initiated_payment_at_its_boundaries() {
    let base = json!({"order": {"orderId": "btid2384990", "amount": "1500", "currency": "EUR", "customerId": "mcid97295873"},
        "contractId": "C2834987", "captureType": "EXPLICIT"});
    let cases: Vec<(&str, Vec<Value>, Value, &str)> = vec![
        ("/contractId", vec![json!("C")], json!(""), "min_length"),
        (
            "/captureType",
            vec![json!("IMPLICIT")],
            json!("LATER"),
            "enum",
        ),
        (
            "/order/orderId",
            vec![json!("1".repeat(18))],
            json!("1".repeat(19)),
            "max_length",
        ),
        ("/order/amount", vec![], json!("15.00"), "pattern"),
        ("/order/currency", vec![], json!("eur"), "format"),
    ];
    oneclick_tests::check_boundaries(&schema::CREATE_MIT_ORDER_REQUEST, &base, cases);
}

#[test]
fn lookups_name_a_valid_order_or_operation() {
    let cases: Vec<(&str, Vec<Value>, Value, &str)> = vec![
        ("/orderId", vec![json!("o")], json!(""), "min_length"),
        (
            "/orderId",
            vec![json!("1".repeat(18))],
            json!("1".repeat(19)),
            "max_length",
        ),
        ("/orderId", vec![], json!("o 1"), "pattern"),
    ];
    oneclick_tests::check_boundaries(
        &schema::GET_ORDER_REQUEST,
        &json!({"orderId": "btid2384983"}),
        cases,
    );
    let cases: Vec<(&str, Vec<Value>, Value, &str)> =
        vec![("/operationId", vec![json!("1")], json!(""), "min_length")];
    oneclick_tests::check_boundaries(
        &schema::GET_OPERATION_REQUEST,
        &json!({"operationId": "3470744"}),
        cases,
    );
}

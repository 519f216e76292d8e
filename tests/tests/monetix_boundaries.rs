//! Every constraint of `spec/monetix.yaml` at its boundary, with the JSON-pointer path and rule
//! of the rejection, and the rules that keep a sale to exactly one payment mode.

use oneclick_monetix::schema;
use oneclick_runtime::validate::validate_value;
use oneclick_tests::with;
use serde_json::{Value, json};

fn base() -> Value {
    json!({
        "general": {"payment_id": "456789"},
        "customer": {"id": "customer_12", "ip_address": "248.121.176.220", "email": "a@example.com"},
        "payment": {"amount": 1, "currency": "USD"},
        "return_url": {"success": "https://shop.example/ok", "decline": "https://shop.example/no", "return": "https://shop.example/back"},
        "card": {"pan": "4242424242424242", "year": 2030, "month": 8, "card_holder": "JOHN SMITH", "cvv": "123"}
    })
}

fn violations(json: &Value) -> Vec<String> {
    validate_value(&schema::CARD_SALE_REQUEST, json)
        .iter()
        .map(|v| format!("{} {}", v.path, v.rule.as_str()))
        .collect()
}

#[test]
fn every_constraint_at_its_boundary() {
    let cases: Vec<(&str, Vec<Value>, Value, &str)> = vec![
        (
            "/general/payment_id",
            vec![json!("1")],
            json!(""),
            "min_length",
        ),
        (
            "/customer/ip_address",
            vec![json!("2001:db8::1"), json!("10.0.0.1")],
            json!("10.0.0.256"),
            "format",
        ),
        (
            "/customer/email",
            vec![json!("a@b.cz")],
            json!("a@b"),
            "format",
        ),
        ("/payment/amount", vec![json!(1)], json!(0), "min"),
        (
            "/payment/currency",
            vec![json!("EUR")],
            json!("usd"),
            "format",
        ),
        (
            "/return_url/success",
            vec![json!("http://x.example")],
            json!("ftp://x.example"),
            "format",
        ),
        ("/return_url/decline", vec![], json!("/relative"), "format"),
        ("/return_url/return", vec![], json!("example.com"), "format"),
        (
            "/card/pan",
            vec![json!("4222222222222"), json!("4242424242424242")],
            json!("4242424242424243"),
            "format",
        ),
        ("/card/pan", vec![], json!("424242424242"), "pattern"),
        (
            "/card/year",
            vec![json!(2000), json!(2099)],
            json!(1999),
            "min",
        ),
        ("/card/year", vec![], json!(2100), "max"),
        ("/card/month", vec![json!(1), json!(12)], json!(0), "min"),
        ("/card/month", vec![], json!(13), "max"),
        (
            "/card/card_holder",
            vec![json!("J")],
            json!(""),
            "min_length",
        ),
        (
            "/card/cvv",
            vec![json!("123"), json!("1234")],
            json!("12"),
            "pattern",
        ),
    ];
    oneclick_tests::check_boundaries(&schema::CARD_SALE_REQUEST, &base(), cases);
}

#[test]
fn exactly_one_payment_mode() {
    let no_card = with(base(), "/card", Value::Null);
    assert_eq!(violations(&no_card), [" one_of"], "no mode at all");
    let saved = with(no_card.clone(), "/saved_account_id", json!(1));
    assert!(violations(&saved).is_empty());
    assert_eq!(
        violations(&with(no_card.clone(), "/saved_account_id", json!(0))),
        ["/saved_account_id min"]
    );
    let token = with(
        with(no_card.clone(), "/token", json!("t")),
        "/cvv",
        json!("123"),
    );
    assert!(violations(&token).is_empty());
    assert_eq!(
        violations(&with(no_card.clone(), "/token", json!(""))),
        ["/token min_length"]
    );
    assert_eq!(
        violations(&with(base(), "/token", json!("t"))),
        [" one_of"],
        "card and token"
    );
    // A top-level cvv belongs to the saved-account and token modes, not to full card details.
    assert_eq!(
        violations(&with(base(), "/cvv", json!("123"))),
        [" exclusive"]
    );
}

#[test]
fn required_parts_of_a_sale() {
    for part in ["/general", "/customer", "/payment", "/return_url"] {
        assert_eq!(
            violations(&with(base(), part, Value::Null)),
            [format!("{part} required")]
        );
    }
    for field in [
        "/customer/id",
        "/customer/ip_address",
        "/payment/amount",
        "/payment/currency",
        "/card/pan",
        "/card/card_holder",
    ] {
        assert_eq!(
            violations(&with(base(), field, Value::Null)),
            [format!("{field} required")]
        );
    }
}

fn refund() -> Value {
    json!({
        "general": {"payment_id": "456789", "merchant_callback_url": "https://shop.example/cb"},
        "payment": {"amount": 1, "currency": "USD", "description": "Partial refund", "merchant_refund_id": "refund-1"}
    })
}

fn held() -> Value {
    json!({
        "general": {"payment_id": "456789", "merchant_callback_url": "http://127.0.0.1:8080/cb"},
        "payment": {"amount": 1, "currency": "EUR"}
    })
}

#[test]
fn every_constraint_of_the_operations_after_the_sale() {
    let common = |prefix: &str| -> Vec<(String, Vec<Value>, Value, &'static str)> {
        vec![
            (
                "/general/payment_id".into(),
                vec![json!("1")],
                json!(""),
                "min_length",
            ),
            (
                "/general/merchant_callback_url".into(),
                vec![json!("http://x.example"), json!("https://x.example/a?b=c")],
                json!("x.example/cb"),
                "format",
            ),
            (
                format!("{prefix}/amount"),
                vec![json!(1), json!(i64::MAX)],
                json!(0),
                "min",
            ),
            (
                format!("{prefix}/currency"),
                vec![json!("CZK")],
                json!("US"),
                "format",
            ),
        ]
    };
    for (object, base) in [
        (&schema::CARD_REFUND_REQUEST, refund()),
        (&schema::CARD_CAPTURE_REQUEST, held()),
        (&schema::CARD_CANCEL_REQUEST, held()),
    ] {
        let cases = common("/payment");
        let cases = cases
            .iter()
            .map(|(p, ok, bad, rule)| (p.as_str(), ok.clone(), bad.clone(), *rule))
            .collect();
        oneclick_tests::check_boundaries(object, &base, cases);
    }
    // The sale takes the callback URL too.
    oneclick_tests::check_boundaries(
        &schema::CARD_SALE_REQUEST,
        &base(),
        vec![(
            "/general/merchant_callback_url",
            vec![json!("https://shop.example/cb")],
            json!("ftp://shop.example/cb"),
            "format",
        )],
    );
}

#[test]
fn what_a_refund_capture_and_cancel_need() {
    let lines = |object, json: &Value| -> Vec<String> {
        oneclick_runtime::validate::validate_request(object, json)
            .iter()
            .map(|v| format!("{} {}", v.path, v.rule.as_str()))
            .collect()
    };
    // Without an amount the whole payment is refunded; without a merchant_refund_id the
    // refund is still a refund.
    let whole = with(
        with(refund(), "/payment/amount", Value::Null),
        "/payment/merchant_refund_id",
        Value::Null,
    );
    assert!(lines(&schema::CARD_REFUND_REQUEST, &whole).is_empty());
    for field in [
        "/general",
        "/payment",
        "/payment/currency",
        "/payment/description",
    ] {
        assert_eq!(
            lines(
                &schema::CARD_REFUND_REQUEST,
                &with(refund(), field, Value::Null)
            ),
            [format!("{field} required")]
        );
    }
    for object in [&schema::CARD_CAPTURE_REQUEST, &schema::CARD_CANCEL_REQUEST] {
        for field in [
            "/payment/amount",
            "/payment/currency",
            "/general/payment_id",
        ] {
            assert_eq!(
                lines(object, &with(held(), field, Value::Null)),
                [format!("{field} required")]
            );
        }
        assert_eq!(
            lines(object, &with(held(), "/payment/description", json!("x"))),
            ["/payment/description unknown_field"],
            "a capture or cancel carries no description"
        );
    }
    // A status request starts nothing that calls back.
    assert_eq!(
        lines(
            &schema::PAYMENT_STATUS_REQUEST,
            &json!({"general": {"payment_id": "1", "merchant_callback_url": "https://shop.example/cb"}}),
        ),
        ["/general/merchant_callback_url unknown_field"]
    );
}

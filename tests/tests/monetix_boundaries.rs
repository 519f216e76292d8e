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

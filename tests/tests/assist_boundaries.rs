//! Every constraint of `spec/assist.yaml` at its boundary, with the JSON-pointer path and rule of
//! the rejection, including the CustomerNumber/Recurring exclusion and real calendar dates.

use oneclick_assist::schema;
use oneclick_runtime::schema::Object;
use oneclick_runtime::validate::validate_value;
use oneclick_tests::{check_boundaries as check, with};
use serde_json::{Value, json};

fn violations(object: &'static Object, json: &Value) -> Vec<String> {
    validate_value(object, json)
        .iter()
        .map(|v| format!("{} {}", v.path, v.rule.as_str()))
        .collect()
}

fn s(n: usize) -> Value {
    Value::String("1".repeat(n))
}

#[test]
fn stored_card_requests() {
    let merchant = json!({"merchant_id": "452739", "login": "LOGIN", "password": "PASSWORD"});
    let list = json!({"merchant": merchant, "customernumber": "1234", "language": "RU"});
    check(
        &schema::LIST_CARDS_REQUEST,
        &list,
        vec![
            ("/customernumber", vec![s(1), s(32)], s(33), "max_length"),
            ("/customernumber", vec![], s(0), "min_length"),
            ("/language", vec![json!("EN")], json!("DE"), "enum"),
            ("/merchant/login", vec![s(20)], s(21), "max_length"),
            ("/merchant/password", vec![s(30)], s(31), "max_length"),
        ],
    );
    let remove = json!({"merchant": merchant, "token": "54F5A3DE-4B47-4B40-03B5-7FF992D6B401", "customernumber": "1234"});
    check(
        &schema::REMOVE_CARD_REQUEST,
        &remove,
        vec![
            (
                "/token",
                vec![json!("91720736-cf93-469c-63a0-e5859815d6ba")],
                json!("54F5A3DE-4B47-4B40-03B5-7FF992D6B40"),
                "format",
            ),
            (
                "/token",
                vec![],
                json!("54F5A3DE4B474B4003B57FF992D6B401"),
                "format",
            ),
        ],
    );
}

#[test]
fn token_payment() {
    let base = json!({
        "Merchant_ID": "452739", "Login": "LOGIN", "Password": "PASSWORD",
        "OrderNumber": "1001", "OrderAmount": "100.50", "OrderCurrency": "RUB", "TokenType": 5,
        "ClientIP": "192.0.2.1",
        "PaymentToken": {"Token": "54F5A3DE-4B47-4B40-03B5-7FF992D6B401", "CustomerNumber": "1234"}
    });
    check(
        &schema::TOKEN_PAY_REQUEST,
        &base,
        vec![
            ("/OrderNumber", vec![s(128)], s(129), "max_length"),
            (
                "/OrderAmount",
                vec![json!("1"), json!("999999999999999.99")],
                json!("1.505"),
                "pattern",
            ),
            ("/OrderAmount", vec![], json!("1234567890123456"), "pattern"),
            ("/OrderCurrency", vec![json!("USD")], json!("rub"), "format"),
            (
                "/ClientIP",
                vec![json!("2001:db8::1")],
                json!("300.1.1.1"),
                "format",
            ),
            ("/TokenType", vec![], json!(4), "enum"),
            (
                "/PaymentToken/CustomerNumber",
                vec![s(32)],
                s(33),
                "max_length",
            ),
            ("/PaymentToken/Token", vec![], json!("not-a-uuid"), "format"),
        ],
    );
}

#[test]
fn payment_page_order_recurring_rules() {
    let object = &schema::PAYMENT_PAGE_ORDER_REQUEST;
    let recurring = json!({
        "Merchant_ID": "452739", "OrderNumber": "1002", "OrderAmount": "100", "RecurringIndicator": 1,
        "RecurringMinAmount": "10.00", "RecurringMaxAmount": "500.00", "RecurringPeriod": 30, "RecurringMaxDate": "31.12.2027"
    });
    check(
        object,
        &recurring,
        vec![
            (
                "/RecurringPeriod",
                vec![json!(1), json!(999)],
                json!(1000),
                "max",
            ),
            ("/RecurringPeriod", vec![], json!(0), "min"),
            (
                "/RecurringMaxDate",
                vec![json!("29.02.2028"), json!("01.01.2030")],
                json!("29.02.2027"),
                "format",
            ),
            ("/RecurringMaxDate", vec![], json!("2027-12-31"), "format"),
            ("/RecurringIndicator", vec![json!(0)], json!(2), "enum"),
        ],
    );
    // min ≤ max: equal is fine, and a breach is reported at the maximum.
    assert!(
        violations(
            object,
            &with(recurring.clone(), "/RecurringMinAmount", json!("500.00"))
        )
        .is_empty()
    );
    assert_eq!(
        violations(
            object,
            &with(recurring.clone(), "/RecurringMinAmount", json!("500.01"))
        ),
        ["/RecurringMaxAmount not_greater"]
    );
    assert_eq!(
        violations(
            object,
            &with(recurring.clone(), "/RecurringMaxAmount", json!("9.99"))
        ),
        ["/RecurringMaxAmount not_greater"]
    );
    for field in [
        "RecurringMinAmount",
        "RecurringMaxAmount",
        "RecurringPeriod",
        "RecurringMaxDate",
    ] {
        let pointer = format!("/{field}");
        assert_eq!(
            violations(object, &with(recurring.clone(), &pointer, Value::Null)),
            [format!("{pointer} required_if")]
        );
    }
    let not_recurring = json!({"Merchant_ID": "452739", "OrderNumber": "1002", "OrderAmount": "100", "RecurringIndicator": 0});
    assert!(
        violations(object, &not_recurring).is_empty(),
        "indicator 0 needs no recurring parameters"
    );

    let saved_card = json!({"Merchant_ID": "452739", "OrderNumber": "1001", "OrderAmount": "1", "CustomerNumber": "1234"});
    assert!(violations(object, &saved_card).is_empty());
    for field in [
        "RecurringIndicator",
        "RecurringMinAmount",
        "RecurringMaxAmount",
        "RecurringPeriod",
        "RecurringMaxDate",
    ] {
        let value = if field == "RecurringIndicator" || field == "RecurringPeriod" {
            json!(1)
        } else if field == "RecurringMaxDate" {
            json!("31.12.2027")
        } else {
            json!("1")
        };
        let found = violations(
            object,
            &with(saved_card.clone(), &format!("/{field}"), value),
        );
        assert!(
            found.contains(&" exclusive".to_string()),
            "CustomerNumber with {field}: {found:?}"
        );
    }
}

//! IPS Assist after the payment page, over loopback HTTP: the payment-page order's check value
//! when a salt is configured, `order_result` with each order's check value verified, cancel and
//! recurrent payments as form posts. Check values are those of `vectors/assist-checkvalue.json`,
//! byte for byte.

use oneclick_assist::{
    Amount, BillNumber, CancelOrderRequest, Client, Credentials, Currency, Environment, Error,
    OrderNumber, OrderResultRequest, OrderState, PaymentPageOrderRequest, RecurrentPaymentRequest,
};
use oneclick_runtime::SignatureError;
use oneclick_tests::{Reply, TestServer};
use serde_json::{Value, json};

fn vectors(usage: &str) -> Vec<Value> {
    let path = concat!(
        env!("CARGO_MANIFEST_DIR"),
        "/../vectors/assist-checkvalue.json"
    );
    let text = std::fs::read_to_string(path).unwrap();
    let all: Vec<Value> = serde_json::from_str(&text).unwrap();
    all.into_iter().filter(|v| v["use"] == usage).collect()
}

fn text(vector: &Value, key: &str) -> String {
    vector[key].as_str().unwrap().to_owned()
}

/// The vector's value of `field`.
fn value(vector: &Value, field: &str) -> String {
    let at = vector["fields"]
        .as_array()
        .unwrap()
        .iter()
        .position(|f| f.as_str().unwrap().eq_ignore_ascii_case(field))
        .unwrap();
    vector["values"][at].as_str().unwrap().to_owned()
}

fn client(url: &str, merchant_id: &str, salt: Option<&str>) -> Client {
    let credentials = Credentials::new(merchant_id, "LOGIN", "s3cret-pass");
    let credentials = match salt {
        Some(salt) => credentials.with_salt(salt),
        None => credentials,
    };
    Client::new(Environment::Custom(url.to_owned()), credentials).unwrap()
}

/// An orderresult answer holding one order made of a result vector's values.
fn order_result_answer(vector: &Value, checkvalue: &str) -> String {
    json!({"orderresult": {"orders": [{
        "billnumber": "5960220000000001",
        "ordernumber": value(vector, "ordernumber"),
        "orderamount": value(vector, "orderamount"),
        "ordercurrency": value(vector, "ordercurrency"),
        "orderstate": value(vector, "orderstate"),
        "checkdata": {"packetdate": "01.06.2026 10:05:00", "checkvalue": checkvalue},
        "operations": [{"operationtype": "100", "amount": value(vector, "orderamount"), "responsecode": "AS000", "meannumber": "411111****1111", "cardholder": "IVAN IVANOV"}],
    }]}})
    .to_string()
}

fn by_billnumber() -> OrderResultRequest {
    OrderResultRequest::new().billnumber(BillNumber::try_from("5960220000000001").unwrap())
}

#[test]
fn the_payment_page_order_carries_the_vector_check_value_only_with_a_salt() {
    let vector = &vectors("order")[0];
    let order = PaymentPageOrderRequest::new(
        OrderNumber::try_from(value(vector, "OrderNumber")).unwrap(),
        Amount::try_from(value(vector, "OrderAmount")).unwrap(),
    )
    .order_currency(Currency::try_from(value(vector, "OrderCurrency")).unwrap());
    let merchant = value(vector, "Merchant_ID");

    let salted = client(
        "https://payments.example",
        &merchant,
        Some(&text(vector, "salt")),
    );
    let form = salted.payment_page_order(&order).unwrap();
    let checkvalue = form.fields.iter().find(|(k, _)| k == "Checkvalue");
    assert_eq!(
        checkvalue.map(|(_, v)| v.as_str()),
        Some(text(vector, "checkvalue").as_str())
    );
    assert!(
        !format!("{form:?} {salted:?}").contains(&text(vector, "salt")),
        "the salt is in no Debug"
    );

    let unsalted = client("https://payments.example", &merchant, None);
    let form = unsalted.payment_page_order(&order).unwrap();
    assert_eq!(
        form.to_form_body(),
        "Merchant_ID=452739&OrderNumber=A-1001&OrderAmount=10.00&OrderCurrency=EUR",
        "without a salt the order is what it always was"
    );
}

#[tokio::test]
async fn order_result_is_a_form_post_and_each_vector_order_verifies() {
    for vector in vectors("result") {
        let answer = order_result_answer(&vector, &text(&vector, "checkvalue"));
        let server = TestServer::start(move |_| Reply::json(answer.clone())).await;
        let merchant = value(&vector, "merchant_id");
        let client = client(&server.url(""), &merchant, Some(&text(&vector, "salt")));
        let result = client.order_result(&by_billnumber()).await.unwrap();
        let order = &result.orderresult.orders[0];
        assert_eq!(order.orderamount, value(&vector, "orderamount"));
        assert_eq!(
            order.orderstate,
            serde_json::from_value::<OrderState>(json!(value(&vector, "orderstate"))).unwrap()
        );
        let operation = &order.operations.as_ref().unwrap()[0];
        assert!(
            !format!("{operation:?}").contains("IVAN"),
            "no cardholder in Debug"
        );

        let received = &server.received()[0];
        assert_eq!(received.target, "/orderresult/orderresult.cfm");
        assert_eq!(
            String::from_utf8(received.body.clone()).unwrap(),
            format!(
                "Merchant_ID={merchant}&Login=LOGIN&Password=s3cret-pass&Format=5&Billnumber=5960220000000001"
            )
        );
    }
}

async fn refused(vector: &Value, answer: String, merchant: &str, salt: &str) -> SignatureError {
    let server = TestServer::start(move |_| Reply::json(answer.clone())).await;
    let client = client(&server.url(""), merchant, Some(salt));
    match client.order_result(&by_billnumber()).await {
        Err(Error::Signature { source, .. }) => source,
        other => panic!("{vector}: expected a refused check value, got {other:?}"),
    }
}

#[tokio::test]
async fn an_order_changed_in_any_checked_field_or_salted_otherwise_is_refused() {
    let vector = &vectors("result")[1];
    let (merchant, salt) = (value(vector, "merchant_id"), text(vector, "salt"));
    let good: Value =
        serde_json::from_str(&order_result_answer(vector, &text(vector, "checkvalue"))).unwrap();
    for (field, changed) in [
        ("ordernumber", "A-1002"),
        ("orderamount", "10"),
        ("ordercurrency", "RUB"),
        ("orderstate", "Canceled"),
    ] {
        let mut answer = good.clone();
        answer["orderresult"]["orders"][0][field] = json!(changed);
        let found = refused(vector, answer.to_string(), &merchant, &salt).await;
        assert!(
            matches!(found, SignatureError::Mismatch),
            "{field}: {found:?}"
        );
    }
    let found = refused(vector, good.to_string(), "452740", &salt).await;
    assert!(
        matches!(found, SignatureError::Mismatch),
        "another merchant"
    );
    let found = refused(vector, good.to_string(), &merchant, "other salt").await;
    assert!(matches!(found, SignatureError::Mismatch), "another salt");

    let mut unsigned = good.clone();
    unsigned["orderresult"]["orders"][0]["checkdata"] = json!({"packetdate": "01.06.2026"});
    let found = refused(vector, unsigned.to_string(), &merchant, &salt).await;
    assert!(matches!(found, SignatureError::Missing), "{found:?}");
}

#[tokio::test]
async fn without_a_salt_orders_are_read_unchecked_and_unknown_states_kept() {
    let vector = &vectors("result")[1];
    let mut answer: Value = serde_json::from_str(&order_result_answer(vector, "")).unwrap();
    answer["orderresult"]["orders"][0]["orderstate"] = json!("Refunding");
    let answer = answer.to_string();
    let server = TestServer::start(move |_| Reply::json(answer.clone())).await;
    let result = client(&server.url(""), "452739", None)
        .order_result(&by_billnumber())
        .await
        .unwrap();
    assert_eq!(
        result.orderresult.orders[0].orderstate,
        OrderState::Unknown("Refunding".to_owned())
    );
}

#[tokio::test]
async fn cancel_and_recurrent_payment_are_form_posts_with_amounts_as_given() {
    let server = TestServer::start(|received| match received.target.as_str() {
        "/cancel/wscancel.cfm" => Reply::json(r#"{"wscancel": {"billnumber": "5960220000000001", "orderstate": "PartialCanceled"}}"#),
        _ => Reply::json(r#"{"rp": {"billnumber": "5960220000000002", "responsecode": "AS000", "approvalcode": "654321", "orderstate": "Approved"}}"#),
    })
    .await;
    let client = client(&server.url(""), "452739", None);
    let bill = || BillNumber::try_from("5960220000000001").unwrap();
    let amount = || Amount::try_from("4.00").unwrap();
    let rub = || Currency::try_from("RUB").unwrap();

    let cancelled = client
        .cancel_order(
            &CancelOrderRequest::new(bill())
                .amount(amount())
                .currency(rub()),
        )
        .await
        .unwrap();
    assert_eq!(cancelled.wscancel["orderstate"], "PartialCanceled");
    let paid = client
        .recurrent_payment(&RecurrentPaymentRequest::new(bill(), amount(), rub()))
        .await
        .unwrap();
    assert_eq!(paid.rp.orderstate, Some(OrderState::Approved));

    let bodies: Vec<String> = server
        .received()
        .iter()
        .map(|r| String::from_utf8(r.body.clone()).unwrap())
        .collect();
    let credentials = "Merchant_ID=452739&Login=LOGIN&Password=s3cret-pass&Format=5";
    assert_eq!(
        bodies,
        [
            format!("{credentials}&Billnumber=5960220000000001&Amount=4.00&Currency=RUB"),
            format!("{credentials}&BillNumber=5960220000000001&Amount=4.00&Currency=RUB"),
        ]
    );

    let partial_without_currency = CancelOrderRequest::new(bill()).amount(amount());
    let err = client
        .cancel_order(&partial_without_currency)
        .await
        .unwrap_err();
    assert!(err.violations().is_some(), "{err:?}");
    assert_eq!(
        server.received().len(),
        2,
        "an invalid cancel is never sent"
    );
}

/// Each result vector as the form body of a notification: verified with its salt, refused with
/// another one or with any checked field changed.
#[test]
fn notifications_verify_byte_for_byte_and_a_changed_field_is_refused() {
    for vector in vectors("result") {
        let fields: Vec<(String, String)> = vector["fields"]
            .as_array()
            .unwrap()
            .iter()
            .zip(vector["values"].as_array().unwrap())
            .map(|(f, v)| {
                (
                    f.as_str().unwrap().to_owned(),
                    v.as_str().unwrap().to_owned(),
                )
            })
            .chain([
                ("billnumber".to_owned(), "5960220000000001".to_owned()),
                ("packetdate".to_owned(), "20260601".to_owned()),
                ("checkvalue".to_owned(), text(&vector, "checkvalue")),
            ])
            .collect();
        let body = oneclick_runtime::engine::form_encode(&fields);
        let merchant = value(&vector, "merchant_id");
        let salted = client(
            "http://127.0.0.1:9",
            &merchant,
            Some(&text(&vector, "salt")),
        );
        let notification = salted.verify_payment_notification(body.as_bytes()).unwrap();
        assert_eq!(notification.orderamount, value(&vector, "orderamount"));

        let other = client("http://127.0.0.1:9", &merchant, Some("another salt"));
        assert!(matches!(
            other.verify_payment_notification(body.as_bytes()),
            Err(Error::Signature {
                source: SignatureError::Mismatch,
                ..
            })
        ));
        for changed in 0..5 {
            let mut tampered = fields.clone();
            tampered[changed].1.push('0');
            let tampered = oneclick_runtime::engine::form_encode(&tampered);
            assert!(
                matches!(
                    salted.verify_payment_notification(tampered.as_bytes()),
                    Err(Error::Signature {
                        source: SignatureError::Mismatch,
                        ..
                    })
                ),
                "{} changed",
                fields[changed].0
            );
        }
    }
}

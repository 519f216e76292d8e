//! Constants, rules over nested paths and other fields' values, counts, map limits, numeric
//! currency codes and app URLs, over loopback HTTP: a request that breaks one is a typed error
//! naming the field and the rule, and the server sees nothing; a good one goes out as declared.

use oneclick_constraints2::schema::{PAYMENT_INIT_REQUEST, PAYMENT_INIT_RESPONSE};
use oneclick_constraints2::{
    Amount, CartItem, Client, Credentials, Currency, CurrencyCode, Customer, Environment, Error,
    Name, PaymentInitRequest, ReturnUrl,
};
use oneclick_runtime::{CommaList, Digits, OrderedMap, validate};
use oneclick_tests::{Reply, TestServer, violation_lines};
use serde_json::json;

fn client(server: &TestServer) -> Client {
    Client::new(Environment::Custom(server.url("")), Credentials::new()).unwrap()
}

fn item(name: &str, amount: i64) -> CartItem {
    CartItem::new(
        Name::try_from(name.to_owned()).unwrap(),
        Amount::try_from(amount).unwrap(),
    )
}

/// 150 CZK in two lines that add up.
fn payment() -> PaymentInitRequest {
    PaymentInitRequest::new(
        "51966".into(),
        15000,
        Currency::Czk,
        vec![item("Book", 10000), item("Bag", 5000)],
    )
}

async fn accepting() -> TestServer {
    TestServer::start(|_| {
        Reply::json(json!({"payId": "p1", "payOperation": "payment"}).to_string())
    })
    .await
}

/// Sends `request`, expects it refused before sending, and returns the violations' lines.
async fn refused(request: PaymentInitRequest) -> Vec<String> {
    let server = accepting().await;
    let err = client(&server).payment_init(&request).await.unwrap_err();
    assert!(server.received().is_empty(), "nothing is sent: {err:?}");
    match err {
        Error::Invalid(violations) => violation_lines(&violations),
        other => panic!("expected Error::Invalid, got {other:?}"),
    }
}

#[tokio::test]
async fn a_good_payment_goes_out_with_its_constant() {
    let server = accepting().await;
    let mut data = OrderedMap::new();
    data.insert("basket", "b-17".to_owned());
    let request = payment()
        .currency_code(CurrencyCode::try_from("203".to_owned()).unwrap())
        .customer(Customer::new("Jan".into()).country("CZ".into()))
        .language("cs".into())
        .return_url(ReturnUrl::try_from("myapp://return".to_owned()).unwrap())
        .merchant_data(data);
    let answer = client(&server).payment_init(&request).await.unwrap();
    assert_eq!(answer.pay_id, "p1");
    assert_eq!(answer.pay_operation.as_deref(), Some("payment"));
    assert_eq!(
        server.received()[0].json(),
        json!({
            "payOperation": "payment",
            "orderNo": "51966",
            "totalAmount": 15000,
            "currency": "CZK",
            "currencyCode": "203",
            "cart": [{"name": "Book", "amount": 10000}, {"name": "Bag", "amount": 5000}],
            "customer": {"name": "Jan", "country": "CZ"},
            "language": "cs",
            "returnUrl": "myapp://return",
            "merchantData": {"basket": "b-17"},
        })
    );
}

#[tokio::test]
async fn cart_amounts_that_miss_the_total_are_refused() {
    let request = PaymentInitRequest::new(
        "51966".into(),
        15001,
        Currency::Czk,
        vec![item("Book", 10000), item("Bag", 5000)],
    );
    assert_eq!(refused(request).await, ["/totalAmount sum"]);
}

#[tokio::test]
async fn a_cart_holds_one_or_two_items() {
    let three = PaymentInitRequest::new(
        "1".into(),
        3,
        Currency::Czk,
        vec![item("A", 1), item("B", 1), item("C", 1)],
    );
    assert_eq!(refused(three).await, ["/cart max_items"]);
    let none = PaymentInitRequest::new("1".into(), 0, Currency::Czk, vec![]);
    assert_eq!(refused(none).await, ["/cart min_items"]);
}

#[tokio::test]
async fn the_minimum_amount_depends_on_the_currency() {
    let euros = PaymentInitRequest::new("1".into(), 99, Currency::Eur, vec![item("A", 99)]);
    let server = accepting().await;
    let err = client(&server).payment_init(&euros).await.unwrap_err();
    assert!(server.received().is_empty());
    let Error::Invalid(violations) = err else {
        panic!("expected Error::Invalid");
    };
    assert_eq!(violation_lines(&violations), ["/totalAmount min"]);
    assert_eq!(
        violations.to_string(),
        "/totalAmount: min 100 when currency = EUR"
    );
    // 99 hellers are fine: the rule is about euros.
    let crowns = PaymentInitRequest::new("1".into(), 99, Currency::Czk, vec![item("A", 99)]);
    client(&server).payment_init(&crowns).await.unwrap();
    assert_eq!(server.received().len(), 1);
}

#[tokio::test]
async fn allowed_values_depend_on_a_nested_field() {
    let german = |country: &str| {
        payment()
            .customer(Customer::new("Jan".into()).country(country.into()))
            .language("de".into())
    };
    assert_eq!(refused(german("CZ")).await, ["/language values"]);
    let server = accepting().await;
    client(&server).payment_init(&german("AT")).await.unwrap();
    assert_eq!(server.received().len(), 1);
}

#[tokio::test]
async fn map_entries_keys_and_values_are_bounded() {
    let map = |entries: &[(&str, &str)]| {
        let mut map = OrderedMap::new();
        for (key, value) in entries {
            map.insert(*key, (*value).to_owned());
        }
        payment().merchant_data(map)
    };
    assert_eq!(
        refused(map(&[("a", "1"), ("b", "2"), ("c", "3"), ("d", "4")])).await,
        ["/merchantData max_items"]
    );
    assert_eq!(
        refused(map(&[("k".repeat(11).as_str(), "1")])).await,
        ["/merchantData/kkkkkkkkkkk max_key_length"]
    );
    assert_eq!(
        refused(map(&[("note", "v".repeat(21).as_str())])).await,
        ["/merchantData/note max_length"]
    );
}

#[test]
fn numeric_currencies_and_app_urls_are_checked_when_built() {
    assert!(CurrencyCode::try_from("978".to_owned()).is_ok());
    for bad in ["999", "EUR", "97"] {
        let err = CurrencyCode::try_from(bad.to_owned()).unwrap_err();
        assert_eq!(violation_lines(&err), [" format"], "{bad}");
    }
    for good in ["myapp://return", "https://shop.example/back"] {
        assert!(ReturnUrl::try_from(good.to_owned()).is_ok(), "{good}");
    }
    for bad in ["myapp:return", "myapp://", "my app://x"] {
        assert!(ReturnUrl::try_from(bad.to_owned()).is_err(), "{bad}");
    }
}

#[test]
fn a_constant_is_the_clients_alone() {
    // The request type has no field for it, and `validate` sees it as it will be sent.
    assert_eq!(payment().validate(), Ok(()));
    let forged = json!({
        "payOperation": "refund",
        "orderNo": "1",
        "totalAmount": 1,
        "currency": "CZK",
        "cart": [{"name": "A", "amount": 1}],
    });
    let violations = validate::validate_request(&PAYMENT_INIT_REQUEST, &forged);
    assert_eq!(violations.len(), 1);
    assert_eq!(
        (
            violations[0].path.as_str(),
            violations[0].rule.as_str(),
            violations[0].limit.as_str()
        ),
        ("/payOperation", "const", "payment")
    );
}

#[tokio::test]
async fn an_answer_with_another_constant_is_kept_and_reported() {
    let server = TestServer::start(|_| {
        Reply::json(json!({"payId": "p1", "payOperation": "refund"}).to_string())
    })
    .await;
    let answer = client(&server).payment_init(&payment()).await.unwrap();
    assert_eq!(answer.pay_operation.as_deref(), Some("refund"));
    let raw = json!({"payId": "p1", "payOperation": "refund"});
    let violations = validate::validate_value(&PAYMENT_INIT_RESPONSE, &raw);
    assert_eq!(violations.len(), 1);
    assert_eq!(violations[0].path, "/payOperation");
    assert_eq!(violations[0].rule.as_str(), "const");
}

#[tokio::test]
async fn comma_lists_and_wide_integers_travel_as_text() {
    let server = TestServer::start(|_| {
        Reply::json(
            json!({"payId": "p1", "settlementId": "123456789012345678901234567890"}).to_string(),
        )
    })
    .await;
    let methods = CommaList::new(vec!["card".to_owned(), "bank_transfer".to_owned()]).unwrap();
    let request = payment()
        .methods(methods)
        .line_ids(CommaList::new(vec![7, 12]).unwrap())
        .account_no(Digits::try_from("1234567890123456789012345").unwrap());
    let answer = client(&server).payment_init(&request).await.unwrap();
    assert_eq!(
        answer
            .settlement_id
            .as_ref()
            .and_then(|id| id.valid())
            .map(Digits::as_str),
        Some("123456789012345678901234567890")
    );
    let sent = &server.received()[0];
    assert_eq!(sent.target, "/payment/init?methods=card%2Cbank_transfer");
    assert_eq!(sent.json()["lineIds"], "7,12");
    assert_eq!(sent.json()["accountNo"], "1234567890123456789012345");
}

#[test]
fn a_list_item_with_a_comma_cannot_be_built_and_bad_digits_are_refused() {
    let err = CommaList::new(vec!["card,bank".to_owned()]).unwrap_err();
    assert_eq!(violation_lines(&err), ["/0 format"]);
    assert_eq!(
        violation_lines(&Digits::try_from("12.5").unwrap_err()),
        [" format"]
    );
    // A JSON request (a CLI's) with a broken digit string is refused by the schema too.
    let mut raw = serde_json::to_value(payment()).unwrap();
    raw["accountNo"] = json!("12a");
    let violations = validate::validate_value(&PAYMENT_INIT_REQUEST, &raw);
    assert_eq!(violations.len(), 1);
    assert_eq!(
        (violations[0].path.as_str(), violations[0].limit.as_str()),
        ("/accountNo", "digits")
    );
}

#[tokio::test]
async fn an_answer_with_a_settlement_id_that_is_no_digits_still_decodes() {
    let server = TestServer::start(|_| {
        Reply::json(json!({"payId": "p1", "settlementId": "S-17"}).to_string())
    })
    .await;
    let answer = client(&server).payment_init(&payment()).await.unwrap();
    let id = answer.settlement_id.unwrap();
    assert!(!id.is_valid());
    assert_eq!(id.as_str(), "S-17");
}

#[tokio::test]
async fn a_field_is_required_by_a_nested_fields_value() {
    let without_language = payment().customer(Customer::new("Jan".into()).country("SK".into()));
    assert_eq!(refused(without_language).await, ["/language required_if"]);
    let server = accepting().await;
    let no_country = payment().customer(Customer::new("Jan".into()));
    client(&server).payment_init(&no_country).await.unwrap();
    assert_eq!(server.received().len(), 1);
}

//! The generated IPS Assist client over real HTTP against a stand-in on loopback: stored cards
//! listed and removed with the merchant's credentials in the body, faults, a form-encoded token
//! payment, and the payment-page order built for the customer's browser.

use oneclick_assist::{
    Amount, CardToken, Client, Credentials, Currency, CustomerNumber, Environment, Error, Language,
    ListCardsRequest, Merchant, OrderNumber, PaymentPageOrderRequest, PaymentToken,
    RecurringIndicator, RemoveCardRequest, TokenPayRequest, TokenType,
};
use oneclick_tests::{Reply, TestServer};
use serde_json::json;

fn client(server: &TestServer) -> Client {
    Client::new(
        Environment::Custom(server.url("")),
        Credentials::new("452739", "LOGIN", "s3cret-pass"),
    )
    .unwrap()
}

fn customer() -> CustomerNumber {
    CustomerNumber::try_from("1234").unwrap()
}

fn token() -> CardToken {
    CardToken::try_from("54F5A3DE-4B47-4B40-03B5-7FF992D6B401").unwrap()
}

#[tokio::test]
async fn list_cards_sends_the_credentials_and_survives_an_odd_element() {
    let server = TestServer::start(|received| {
        assert_eq!(received.target, "/pay/oneclick/v1/token.cfm");
        Reply::json(r#"[{"":"4724"},{"expire":"12.2025","token":"91720736-CF93-469C-63A0-E5859815D6BA","bank":"Bank USA","brand":"MasterCard","bin":546792,"active":true,"needCVC":false,"post":"4128","assets":[]}]"#)
    })
    .await;
    let cards = client(&server)
        .list_cards(&ListCardsRequest::new(Merchant::new(), customer()).language(Language::English))
        .await
        .unwrap();
    assert_eq!(cards.items.len(), 1);
    let card = &cards.items[0];
    assert_eq!(card.post.as_deref(), Some("4128"));
    let expiry = card.expire.unwrap();
    assert_eq!((expiry.month, expiry.year), (12, 2025));
    assert_eq!(cards.unrecognized, [json!({"": "4724"})]);
    assert_eq!(
        server.received()[0].json(),
        json!({"merchant": {"merchant_id": "452739", "login": "LOGIN", "password": "s3cret-pass"}, "customernumber": "1234", "language": "EN"})
    );
}

#[tokio::test]
async fn remove_card_answers_its_message_and_faults_are_typed() {
    let server = TestServer::start(|_| {
        Reply::json(r#"{"message":"Token 54F5A3DE-4B47-4B40-03B5-7FF992D6B401 is removed"}"#)
    })
    .await;
    let removed = client(&server)
        .remove_card(&RemoveCardRequest::new(
            Merchant::new(),
            token(),
            customer(),
        ))
        .await
        .unwrap();
    assert!(removed.message.ends_with("is removed"));

    for status in [200, 400, 500] {
        let server = TestServer::start(move |_| {
            Reply::Status(
                status,
                r#"{"fault":{"detail":"token not found","faultcode":"1","faultstring":"2"}}"#
                    .into(),
            )
        })
        .await;
        let err = client(&server)
            .remove_card(&RemoveCardRequest::new(
                Merchant::new(),
                token(),
                customer(),
            ))
            .await
            .unwrap_err();
        match err {
            Error::Fault {
                code,
                message,
                detail,
                ..
            } => assert_eq!(
                (code, message, detail),
                ("1".into(), "2".into(), "token not found".into())
            ),
            other => panic!("HTTP {status}: expected a fault, got {other:?}"),
        }
    }
}

#[tokio::test]
async fn token_pay_is_form_encoded_with_the_token_as_json() {
    let server =
        TestServer::start(|_| Reply::json(r#"{"ordernumber":"1001","orderstate":"Approved"}"#))
            .await;
    let request = TokenPayRequest::new(
        OrderNumber::try_from("1001").unwrap(),
        Amount::try_from("100.50").unwrap(),
        Currency::try_from("RUB").unwrap(),
        TokenType::StoredCard,
        PaymentToken::new(token(), customer()),
    );
    let answer = client(&server).token_pay(&request).await.unwrap();
    assert_eq!(
        answer.other.get("orderstate"),
        Some(&json!("Approved")),
        "the undocumented answer is kept"
    );
    let received = &server.received()[0];
    assert_eq!(
        received.header("content-type"),
        Some("application/x-www-form-urlencoded")
    );
    let body = String::from_utf8(received.body.clone()).unwrap();
    assert!(body.starts_with("Merchant_ID=452739&Login=LOGIN&Password=s3cret-pass&OrderNumber=1001&OrderAmount=100.50&OrderCurrency=RUB&TokenType=5&PaymentToken="), "{body}");
    assert!(body.ends_with("%7B%22Token%22%3A%2254F5A3DE-4B47-4B40-03B5-7FF992D6B401%22%2C%22CustomerNumber%22%3A%221234%22%7D"), "{body}");
}

#[tokio::test]
async fn credentials_breaking_their_limits_are_never_sent() {
    let server = TestServer::start(|_| Reply::json("[]")).await;
    let client = Client::new(
        Environment::Custom(server.url("")),
        Credentials::new("452739", "a-login-longer-than-20", "p"),
    )
    .unwrap();
    let err = client
        .list_cards(&ListCardsRequest::new(Merchant::new(), customer()))
        .await
        .unwrap_err();
    let found = oneclick_tests::violation_lines(err.violations().unwrap());
    assert_eq!(found, ["/merchant/login max_length"]);
    assert!(server.received().is_empty());
}

#[test]
fn the_payment_page_order_is_built_not_sent() {
    let client = Client::new(
        Environment::Custom("https://payments.example".into()),
        Credentials::new("452739", "LOGIN", "s3cret-pass"),
    )
    .unwrap();
    let order = PaymentPageOrderRequest::new(
        OrderNumber::try_from("1001").unwrap(),
        Amount::try_from("100.50").unwrap(),
    )
    .customer_number(customer());
    let form = client.payment_page_order(&order).unwrap();
    assert_eq!(form.url, "https://payments.example/pay/order.cfm");
    assert_eq!(
        form.fields,
        [
            ("Merchant_ID", "452739"),
            ("OrderNumber", "1001"),
            ("OrderAmount", "100.50"),
            ("CustomerNumber", "1234")
        ]
        .map(|(k, v)| (k.to_string(), v.to_string()))
    );
    assert_eq!(
        form.to_url(),
        "https://payments.example/pay/order.cfm?Merchant_ID=452739&OrderNumber=1001&OrderAmount=100.50&CustomerNumber=1234"
    );
    assert!(
        !format!("{form:?} {client:?}").contains("s3cret-pass"),
        "no password in a browser form or a Debug"
    );

    let both = order.recurring_indicator(RecurringIndicator::Recurring);
    let err = client.payment_page_order(&both).unwrap_err();
    let found = oneclick_tests::violation_lines(err.violations().unwrap());
    assert_eq!(
        found,
        [
            " exclusive",
            "/RecurringMinAmount required_if",
            "/RecurringMaxAmount required_if",
            "/RecurringPeriod required_if",
            "/RecurringMaxDate required_if",
        ]
    );
}

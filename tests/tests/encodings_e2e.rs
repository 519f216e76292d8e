//! Encodings both ways over loopback HTTP (`tests/specs/encodings.yaml`): a form request with a
//! form answer, a GET whose fields travel in the query string, a literal answer, an empty
//! answer, a JSON answer in windows-1250, and received messages read from their raw bytes.

use oneclick_encodings::{
    Amount, CancelOrderRequest, Channel, Client, CreateOrderRequest, Credentials, Customer,
    Environment, Error, FindOrderRequest, ForgetCardRequest, HolderRequest, Lang, OrderNo,
    OrderState, Pan, Pin, Token,
};
use oneclick_runtime::Configure;
use oneclick_tests::{Reply, TestServer};
use serde_json::json;

fn client(server: &TestServer) -> Client {
    Client::new(Environment::Custom(server.url("")), Credentials::new()).unwrap()
}

fn order_no() -> OrderNo {
    OrderNo::try_from("17").unwrap()
}

fn create_order() -> CreateOrderRequest {
    CreateOrderRequest::new(order_no(), Amount::try_from(1250).unwrap())
        .pan(Pan::try_from("4111111111111111").unwrap())
}

#[tokio::test]
async fn a_form_request_gets_a_form_answer_read_into_its_types() {
    let server = TestServer::start(|_| {
        Reply::json("code=0&message=Order+created%21&orderId=9001&state=paid&channel=2&test=false")
    })
    .await;
    let answer = client(&server)
        .create_order(
            &create_order()
                .description(oneclick_encodings::Description::try_from("5 € & more").unwrap()),
        )
        .await
        .unwrap();
    assert_eq!(answer.code, 0);
    assert_eq!(answer.message.as_deref(), Some("Order created!"));
    assert_eq!(answer.order_id, 9001);
    assert_eq!(answer.state, Some(OrderState::Paid));
    assert_eq!(answer.channel, Some(Channel::App));
    assert_eq!(answer.test, Some(false));

    let sent = &server.received()[0];
    assert_eq!(sent.method, "POST");
    assert_eq!(sent.target, "/orders");
    assert_eq!(
        sent.header("content-type"),
        Some("application/x-www-form-urlencoded")
    );
    assert_eq!(
        sent.header("accept"),
        Some("application/x-www-form-urlencoded")
    );
    assert_eq!(
        String::from_utf8(sent.body.clone()).unwrap(),
        "orderNo=17&amount=1250&description=5%20%E2%82%AC%20%26%20more&pan=4111111111111111"
    );
}

#[tokio::test]
async fn a_form_answer_that_says_failure_is_rejected() {
    let server =
        TestServer::start(|_| Reply::json("code=51&message=Not+enough+money&orderId=9001")).await;
    match client(&server).create_order(&create_order()).await {
        Err(Error::Rejected { code, message, .. }) => {
            assert_eq!(code, 51);
            assert_eq!(message.as_deref(), Some("Not enough money"));
        }
        other => panic!("expected a rejection, got {other:?}"),
    }
}

#[tokio::test]
async fn a_form_answer_that_lacks_what_the_flow_needs_is_never_a_success() {
    // Without the order id, and with a code that is no integer: the payment may exist, so the
    // unsafe call reports an unknown outcome rather than a success or a plain failure.
    for body in [
        "code=0&message=OK",
        "code=zero&orderId=9001",
        "code=0&code=0&orderId=1",
    ] {
        let server = TestServer::start(move |_| Reply::json(body)).await;
        let err = client(&server)
            .create_order(&create_order())
            .await
            .unwrap_err();
        assert!(
            matches!(err, Error::OutcomeUnknown { .. }),
            "{body}: {err:?}"
        );
        assert!(!format!("{err:?}{err}").contains("4111111111111111"));
    }
}

#[tokio::test]
async fn a_query_request_sends_every_field_in_the_url_and_no_body() {
    let server =
        TestServer::start(|_| Reply::json(json!({"code": 0, "state": "cancelled"}).to_string()))
            .await;
    let client = client(&server);
    let request = FindOrderRequest::new(order_no())
        .lang(Lang::try_from("cs").unwrap())
        .customer(Customer::try_from("Jan Novák").unwrap());
    let answer = client.find_order(&request).await.unwrap();
    assert_eq!(answer.state, OrderState::Cancelled);

    let sent = &server.received()[0];
    assert_eq!(sent.method, "GET");
    assert_eq!(
        sent.target,
        "/orders?lang=cs&orderNo=17&customer=Jan%20Nov%C3%A1k"
    );
    assert!(sent.body.is_empty());
    assert_eq!(sent.header("content-type"), None);

    let shown = client
        .engine()
        .dry_run(
            &oneclick_encodings::schema::FIND_ORDER,
            &serde_json::to_value(&request).unwrap(),
        )
        .unwrap()
        .url;
    assert!(
        shown.ends_with("/orders?lang=cs&orderNo=17&customer=***"),
        "{shown}"
    );
}

#[tokio::test]
async fn a_literal_answer_is_accepted_only_as_declared() {
    let server = TestServer::start(|_| Reply::json("[accepted]\n")).await;
    let request = CancelOrderRequest::new(order_no());
    client(&server).cancel_order(&request).await.unwrap();
    let sent = &server.received()[0];
    assert_eq!(sent.target, "/orders/17/cancel");
    assert_eq!(sent.header("accept"), Some("*/*"));

    // The gateway echoes the PIN: what the error shows of the body is scrubbed.
    let server = TestServer::start(|_| Reply::json("[refused] bad pin 80417723")).await;
    let request = request.pin(Pin::try_from("80417723").unwrap());
    let err = client(&server).cancel_order(&request).await.unwrap_err();
    let Error::Decode { message, .. } = &err else {
        panic!("expected a decode error, got {err:?}");
    };
    assert!(message.contains("[refused] bad pin"), "{message}");
    assert!(!format!("{err}{err:?}").contains("80417723"), "{err:?}");
}

#[tokio::test]
async fn an_empty_answer_is_accepted_and_a_body_is_not() {
    let token = || ForgetCardRequest::new(Token::try_from("t1").unwrap());
    let server = TestServer::start(|_| Reply::Status(204, String::new())).await;
    client(&server).forget_card(&token()).await.unwrap();
    let sent = &server.received()[0];
    assert_eq!(
        (sent.method.as_str(), sent.target.as_str()),
        ("DELETE", "/cards/t1")
    );

    let server = TestServer::start(|_| Reply::json("{\"error\": \"no such card\"}")).await;
    let err = client(&server).forget_card(&token()).await.unwrap_err();
    let Error::Decode { message, .. } = &err else {
        panic!("expected a decode error, got {err:?}");
    };
    assert!(message.contains("no such card"), "{message}");
}

#[tokio::test]
async fn a_windows_1250_answer_is_read_as_declared() {
    let mut body = br#"{"code": 0, "name": "P"#.to_vec();
    // "Příliš žluťoučký kůň" in windows-1250.
    body.extend_from_slice(b"\xf8\xedli\x9a \x9elu\x9dou\xe8k\xfd k\xf9\xf2\"}");
    let server = TestServer::start(move |_| Reply::Bytes(200, body.clone())).await;
    let answer = client(&server)
        .holder(&HolderRequest::new(order_no()))
        .await
        .unwrap();
    assert_eq!(answer.name, "Příliš žluťoučký kůň");
    assert_eq!(server.received()[0].target, "/holder?orderNo=17");

    // 0x81 is no windows-1250 character: never replaced, always refused.
    let server =
        TestServer::start(|_| Reply::Bytes(200, b"{\"code\": 0, \"name\": \"\x81\"}".to_vec()))
            .await;
    let err = client(&server)
        .holder(&HolderRequest::new(order_no()))
        .await
        .unwrap_err();
    assert!(matches!(err, Error::Decode { .. }), "{err:?}");
}

#[test]
fn a_form_notification_is_decoded_from_its_raw_body_and_typed() {
    let client = Client::new(Environment::Local, Credentials::new()).unwrap();
    let notice = client
        .decode_payment_notice(b"orderNo=17&amount=1250&paid=true&state=paid&channel=1")
        .unwrap();
    assert_eq!(notice.order_no.raw(), "17");
    assert_eq!(notice.amount, 1250);
    assert!(notice.paid);
    assert_eq!(notice.state, Some(OrderState::Paid));
    assert_eq!(notice.channel, Some(Channel::Web));

    for forged in [
        &b"orderNo=17&amount=1250&paid=true&amount=1"[..],
        b"orderNo=17&amount=12.50&paid=true",
        b"orderNo=17&amount=1250&paid=yes",
        b"orderNo=17&paid=true",
    ] {
        let err = client.decode_payment_notice(forged).unwrap_err();
        assert!(matches!(err, Error::Decode { .. }), "{err:?}");
    }
}

#[test]
fn a_query_string_return_is_decoded_with_or_without_its_question_mark() {
    let client = Client::new(Environment::Local, Credentials::new()).unwrap();
    // As a framework hands it: `+` a space, `%XX` windows-1250 bytes ("Jiří Dvořák").
    let query = "orderNo=17&code=0&name=Ji%F8%ED+Dvo%F8%E1k";
    for given in [query.to_owned(), format!("?{query}")] {
        let back = client.decode_customer_return(&given).unwrap();
        assert_eq!(back.order_no.raw(), "17");
        assert_eq!(back.code, 0);
        assert_eq!(back.name.as_deref(), Some("Jiří Dvořák"));
    }
    assert!(client.decode_customer_return(query.as_bytes()).is_ok());
    let err = client
        .decode_customer_return("orderNo=17&code=0&code=1")
        .unwrap_err();
    assert!(err.to_string().contains("`code` appears twice"), "{err}");
}

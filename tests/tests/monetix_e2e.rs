//! The generated Monetix client over real HTTP against a Gate stand-in on loopback that verifies
//! every request's HMAC signature, and callbacks verified (and tampered copies rejected).

use std::sync::{Arc, Mutex};
use std::time::Duration;

use oneclick_monetix::{
    Amount, CardSaleRequest, Client, Configure, Credentials, Currency, Customer, Environment,
    Error, General, IpAddress, Payment, PaymentId, PaymentInstrument, PaymentState,
    PaymentStatusRequest, RetryPolicy, ReturnUrl, StatusGeneral, schema,
};
use oneclick_runtime::signature::{flat, sign_hmac_sha512, verify_hmac_sha512};
use oneclick_runtime::{Code, Secret};
use oneclick_tests::{Received, Reply, TestServer};
use serde_json::{Value, json};

const SECRET: &str = "s3cr3t";

fn client(server: &TestServer) -> Client {
    Client::new(
        Environment::Custom(server.url("")),
        Credentials::new(42, SECRET),
    )
    .unwrap()
    .with_retry(RetryPolicy {
        max_attempts: 3,
        initial_backoff: Duration::from_millis(5),
        max_backoff: Duration::from_millis(20),
    })
}

/// What Gate checks on every request: the project and a signature over everything else.
fn assert_signed(received: &Received) -> Value {
    let body = received.json();
    assert_eq!(
        body["general"]["project_id"],
        json!(42),
        "an integer project id"
    );
    let signature = body["general"]["signature"].as_str().expect("signed");
    let text = flat::text_to_sign(&body, "signature");
    verify_hmac_sha512(&Secret::new(SECRET.into()), &text, signature)
        .expect("the signature verifies");
    body
}

fn sale(instrument: PaymentInstrument) -> CardSaleRequest {
    CardSaleRequest::new(
        General::new(PaymentId::try_from("456789").unwrap()),
        Customer::new(
            "customer_12".into(),
            IpAddress::try_from("248.121.176.220").unwrap(),
        ),
        Payment::new(
            Amount::try_from(400_000).unwrap(),
            Currency::try_from("USD").unwrap(),
        ),
        ReturnUrl::new(),
        instrument,
    )
}

fn token() -> PaymentInstrument {
    PaymentInstrument::Token {
        token: oneclick_monetix::Token::try_from(
            "f365bb1729f9b72fd9c09703a751c979f3becc679f29c3e35c91d18070d15654",
        )
        .unwrap(),
        cvv: Some(oneclick_monetix::Cvv::try_from("123").unwrap()),
    }
}

fn accepted() -> Reply {
    Reply::json(
        json!({"status": "success", "request_id": "r-1", "project_id": 42, "payment_id": "456789"})
            .to_string(),
    )
}

#[tokio::test]
async fn each_payment_mode_is_sent_signed() {
    let server = TestServer::start(|received| {
        assert_signed(received);
        accepted()
    })
    .await;
    let client = client(&server);
    let card = oneclick_monetix::Card::new(
        oneclick_monetix::Pan::try_from("4242424242424242").unwrap(),
        oneclick_monetix::Year::try_from(2030).unwrap(),
        oneclick_monetix::Month::try_from(8).unwrap(),
        oneclick_monetix::CardHolder::try_from("JOHN SMITH").unwrap(),
    );
    for instrument in [
        PaymentInstrument::FullCard { card },
        PaymentInstrument::SavedAccount {
            saved_account_id: oneclick_monetix::SavedAccountId::try_from(2_345_678).unwrap(),
            cvv: None,
        },
        token(),
    ] {
        let answer = client.card_sale(&sale(instrument)).await.unwrap();
        assert_eq!(answer.status, "success");
    }
    let bodies: Vec<Value> = server.received().iter().map(Received::json).collect();
    assert_eq!(bodies[0]["card"]["pan"], "4242424242424242");
    assert!(bodies[0].get("token").is_none() && bodies[0].get("saved_account_id").is_none());
    assert_eq!(bodies[1]["saved_account_id"], 2_345_678);
    assert_eq!(
        bodies[2]["token"],
        "f365bb1729f9b72fd9c09703a751c979f3becc679f29c3e35c91d18070d15654"
    );
    assert_eq!(bodies[2]["cvv"], "123");
    assert_eq!(server.received()[0].target, "/v2/payment/card/sale");
}

#[tokio::test]
async fn a_retry_resends_the_same_payment_id() {
    let attempts = Arc::new(Mutex::new(0));
    let seen = Arc::clone(&attempts);
    let server = TestServer::start(move |received| {
        assert_signed(received);
        let mut seen = seen.lock().unwrap();
        *seen += 1;
        if *seen == 1 {
            Reply::Status(500, "{}".into())
        } else {
            accepted()
        }
    })
    .await;
    client(&server).card_sale(&sale(token())).await.unwrap();
    let ids: Vec<Value> = server
        .received()
        .iter()
        .map(|r| r.json()["general"]["payment_id"].clone())
        .collect();
    assert_eq!(
        ids,
        [json!("456789"), json!("456789")],
        "payment_id is the idempotency key"
    );
}

#[tokio::test]
async fn gateway_errors_are_typed_with_their_body() {
    for status in [400, 403, 422] {
        let server = TestServer::start(move |_| {
            Reply::Status(
                status,
                json!({"status": "error", "code": "3", "message": "Invalid signature"}).to_string(),
            )
        })
        .await;
        let err = client(&server).card_sale(&sale(token())).await.unwrap_err();
        match &err {
            Error::Http {
                status: got, body, ..
            } => {
                assert_eq!(*got, status);
                assert!(body.contains("Invalid signature"));
            }
            other => panic!("{status}: expected an HTTP error, got {other:?}"),
        }
        assert_eq!(server.received().len(), 1, "{status} is not retried");
    }
}

#[tokio::test]
async fn json_input_with_two_modes_is_rejected_and_never_sent() {
    let server = TestServer::start(|_| accepted()).await;
    let request = json!({
        "general": {"payment_id": "456789"},
        "customer": {"id": "c", "ip_address": "10.0.0.1"},
        "payment": {"amount": 0, "currency": "usd"},
        "return_url": {},
        "token": "t",
        "saved_account_id": 5
    });
    let err = client(&server)
        .engine()
        .call_value(&schema::CARD_SALE, request)
        .await
        .unwrap_err();
    let found = oneclick_tests::violation_lines(err.violations().unwrap());
    assert_eq!(
        found,
        ["/payment/amount min", "/payment/currency format", " one_of"]
    );
    assert!(server.received().is_empty());
}

#[tokio::test]
async fn payment_status_reads_the_payment() {
    let server = TestServer::start(|received| {
        let body = assert_signed(received);
        assert_eq!(body["general"]["payment_id"], "456789");
        Reply::json(
            json!({"project_id": 42, "payment": {"id": "456789", "status": "awaiting capture"}})
                .to_string(),
        )
    })
    .await;
    let status = client(&server)
        .payment_status(&PaymentStatusRequest::new(StatusGeneral::new(
            PaymentId::try_from("456789").unwrap(),
        )))
        .await
        .unwrap();
    assert_eq!(status.payment.status, Some(PaymentState::AwaitingCapture));
    assert_eq!(server.received()[0].target, "/v2/payment/status");
}

fn signed_callback(mut callback: Value, secret: &str) -> Vec<u8> {
    let text = flat::text_to_sign(&callback, "signature");
    callback["signature"] = Value::String(sign_hmac_sha512(&Secret::new(secret.into()), &text));
    callback.to_string().into_bytes()
}

fn figure_4() -> Value {
    json!({
        "account": {"number": "424242******4243", "token": "f365bb", "type": "visa", "card_holder": "JOHN SMITH", "id": 45678, "expiry_month": "08", "expiry_year": "2025"},
        "customer": {"id": "customer_12", "phone": "44991234567"},
        "payment": {"date": "2019-01-11T13:02:42+0000", "id": "456789", "method": "card", "status": "success", "sum": {"amount": 400000, "currency": "USD"}, "type": "purchase", "description": ""},
        "project_id": 42,
        "operation": {"id": 969000002636_i64, "type": "sale", "status": "success", "provider": {"id": 408, "payment_id": "330157196", "auth_code": "", "endpoint_id": "612266625"}, "code": "0", "message": "Success", "eci": "07"},
        "redirect_data": {"body": [], "method": "POST", "url": "https://example.com/redirect/absd1234"}
    })
}

#[test]
fn a_signed_callback_is_verified_and_typed() {
    let client = Client::new(
        Environment::Custom("http://127.0.0.1:9".into()),
        Credentials::new(42, SECRET),
    )
    .unwrap();
    let callback = client
        .verify_callback(&signed_callback(figure_4(), SECRET))
        .unwrap();
    assert_eq!(
        callback.payment.as_ref().unwrap().status,
        Some(PaymentState::Success)
    );
    assert_eq!(callback.account.as_ref().unwrap().id, Some(45678));
    assert_eq!(
        callback.redirect_data.unwrap().body,
        Some(Default::default()),
        "`[]` is an empty body"
    );

    let mut unknown = figure_4();
    unknown["payment"]["status"] = json!("settled later");
    let callback = client
        .verify_callback(&signed_callback(unknown, SECRET))
        .unwrap();
    assert_eq!(
        callback.payment.unwrap().status,
        Some(PaymentState::Unknown("settled later".into()))
    );
}

#[test]
fn a_tampered_callback_is_rejected() {
    let client = Client::new(
        Environment::Custom("http://127.0.0.1:9".into()),
        Credentials::new(42, SECRET),
    )
    .unwrap();
    let genuine: Value = serde_json::from_slice(&signed_callback(figure_4(), SECRET)).unwrap();
    for pointer in oneclick_tests::leaves(&genuine)
        .iter()
        .filter(|p| *p != "/signature")
    {
        let mut copy = genuine.clone();
        let value = copy.pointer_mut(pointer).unwrap();
        *value = match value.take() {
            Value::String(s) => Value::String(format!("{s}x")),
            Value::Number(n) => json!(n.as_i64().unwrap_or(0) + 1),
            other => other,
        };
        let err = client
            .verify_callback(copy.to_string().as_bytes())
            .unwrap_err();
        assert!(matches!(err, Error::Signature { .. }), "{pointer}: {err:?}");
    }
    let mut unsigned = genuine.clone();
    unsigned.as_object_mut().unwrap().remove("signature");
    assert!(matches!(
        client.verify_callback(unsigned.to_string().as_bytes()),
        Err(Error::Signature { .. })
    ));
    let foreign = signed_callback(figure_4(), "another project's secret");
    assert!(matches!(
        client.verify_callback(&foreign),
        Err(Error::Signature { .. })
    ));
    assert!(matches!(
        client.verify_callback(b"not json"),
        Err(Error::Decode { .. })
    ));
}

#[test]
fn card_data_never_prints() {
    let card = oneclick_monetix::Card::new(
        oneclick_monetix::Pan::try_from("4242424242424242").unwrap(),
        oneclick_monetix::Year::try_from(2030).unwrap(),
        oneclick_monetix::Month::try_from(8).unwrap(),
        oneclick_monetix::CardHolder::try_from("JOHN SMITH").unwrap(),
    )
    .cvv(oneclick_monetix::Cvv::try_from("987").unwrap());
    let printed = format!(
        "{:?} {:?}",
        sale(PaymentInstrument::FullCard { card }),
        Credentials::new(42, SECRET)
    );
    for secret in ["4242424242424242", "987", SECRET] {
        assert!(!printed.contains(secret), "{secret} leaked: {printed}");
    }
    let rejected = oneclick_monetix::Pan::try_from("4242424242424243")
        .unwrap_err()
        .to_string();
    assert!(!rejected.contains("4242424242424243"), "{rejected}");
}

#[tokio::test]
async fn an_answer_whose_status_says_failure_is_an_error() {
    let server = TestServer::start(|_| {
        Reply::json(json!({"status": "error", "request_id": "r1", "project_id": 42}).to_string())
    })
    .await;
    let err = client(&server).card_sale(&sale(token())).await.unwrap_err();
    let Error::Rejected {
        operation,
        field,
        code,
        ..
    } = &err
    else {
        panic!("{err:?}");
    };
    assert_eq!(
        (*operation, *field, code),
        ("card_sale", "status", &Code::Text("error".into()))
    );
    assert_eq!(
        server.received().len(),
        1,
        "a definite answer is not repeated"
    );
}

/// The platform's refusal on HTTP 200 carries no `request_id`: the declared result says what
/// it is before the answer is checked for what a success needs.
#[tokio::test]
async fn a_refusal_on_http_200_carries_its_scrubbed_message() {
    let server = TestServer::start(|_| {
        Reply::json(json!({"status": "error", "message": "cvv 123 refused"}).to_string())
    })
    .await;
    let err = client(&server).card_sale(&sale(token())).await.unwrap_err();
    let Error::Rejected {
        code,
        name,
        message,
        ..
    } = &err
    else {
        panic!("{err:?}");
    };
    assert_eq!((code, *name), (&Code::Text("error".into()), Some("error")));
    let message = message.as_deref().unwrap();
    assert!(message.contains("refused"), "{message}");
    assert!(!message.contains("123"), "{message}");
    assert!(!err.to_string().contains("123"), "{err}");
    assert!(!format!("{err:?}").contains("123"), "{err:?}");
    assert_eq!(err.result_code(), None, "a text code is no integer code");
    assert_eq!(err.gateway_code(), Some(&Code::Text("error".into())));
    assert_eq!(
        server.received().len(),
        1,
        "a definite refusal is not repeated"
    );
}

#[tokio::test]
async fn answers_that_say_nothing_are_decode_errors_naming_the_field() {
    for (answer, expected) in [
        ("{}", "/status: required; /request_id: required"),
        (
            r#"{"status":null,"request_id":null}"#,
            "/status: required; /request_id: required",
        ),
        (r#"{"status":"success"}"#, "/request_id: required"),
        (
            r#"{"status":"success","request_id":7}"#,
            "/request_id: type string",
        ),
    ] {
        let server = TestServer::start(move |_| Reply::json(answer)).await;
        let err = client(&server).card_sale(&sale(token())).await.unwrap_err();
        let Error::Decode { message, .. } = &err else {
            panic!("{answer}: {err:?}");
        };
        assert_eq!(
            message,
            &format!("the body does not fit card_sale response: {expected}"),
            "{answer}"
        );
    }
}

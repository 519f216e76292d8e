//! `vectors/csob-lifecycle.json` through the generated client over loopback HTTP: with the clock
//! at each vector's dttm, every request the client sends is the vector's body with the vector's
//! signature byte for byte, every response vector is accepted as the answer, and an answer about
//! another payment is refused even though its signature verifies.

use std::sync::Arc;

use oneclick_csob::{
    Amount, CartItem, CartItemDescription, CartItemName, Client, Configure, Credentials, Currency,
    CustomerId, EchoCustomerRequest, EchoRequest, Environment, Error, HttpMethod, Language,
    LineAmount, MerchantData, OrderNo, PayId, PaymentCloseRequest, PaymentInitRequest,
    PaymentProcessRequest, PaymentRefundRequest, PaymentReverseRequest, PaymentStatus, Quantity,
    ReturnUrl, RsaPrivateKey, RsaPublicKey, TtlSec, schema,
};
use oneclick_runtime::FixedClock;
use oneclick_runtime::signature::{pipe, sign_rsa_sha256};
use oneclick_tests::{Received, Reply, TestServer};
use serde_json::{Value, json};

/// 2022-01-25 13:15:59 in Prague, the dttm of the init and echo vectors.
const NOW: u64 = 1_643_112_959;
const PAY_ID: &str = "d165e3c4b624fBD";

fn vectors_file(name: &str) -> String {
    std::fs::read_to_string(format!("{}/../vectors/{name}", env!("CARGO_MANIFEST_DIR"))).unwrap()
}

fn vector(message: &str) -> Value {
    let all: Value = serde_json::from_str(&vectors_file("csob-lifecycle.json")).unwrap();
    all.as_array()
        .unwrap()
        .iter()
        .find(|v| v["message"] == message)
        .unwrap_or_else(|| panic!("no vector {message}"))
        .clone()
}

/// The vector's body with its signature, as it travels.
fn signed_body(message: &str) -> Value {
    let vector = vector(message);
    let mut body = vector["body"].clone();
    body["signature"] = vector["signature"].clone();
    body
}

/// A client whose clock reads `seconds` after [`NOW`].
fn client(server: &TestServer, seconds: u64) -> Client {
    let credentials = Credentials::new(
        "M1MIPS0000",
        RsaPrivateKey::from_pem(&vectors_file("merchant-test.key")).unwrap(),
        RsaPublicKey::from_pem(&vectors_file("gateway-test.pub")).unwrap(),
    );
    Client::new(Environment::Custom(server.url("")), credentials)
        .unwrap()
        .with_clock(Arc::new(FixedClock::from_unix(NOW + seconds)))
}

/// A server that answers every request with `reply` and keeps what it received.
async fn answering(reply: Value) -> TestServer {
    TestServer::start(move |_: &Received| Reply::json(reply.to_string())).await
}

fn sent(server: &TestServer) -> Value {
    let received = server.received();
    assert_eq!(received.len(), 1, "one request");
    received[0].json()
}

fn pay_id() -> PayId {
    PayId::try_from(PAY_ID).unwrap()
}

fn vector_init() -> PaymentInitRequest {
    let item = CartItem::new(
        CartItemName::try_from("Wireless headphones").unwrap(),
        Quantity::try_from(1).unwrap(),
        LineAmount::try_from(1_789_600).unwrap(),
    )
    .description(CartItemDescription::try_from("Noise cancelling").unwrap());
    PaymentInitRequest::oneclick_first_payment(
        OrderNo::try_from("5547").unwrap(),
        Amount::try_from(1_789_600).unwrap(),
        Currency::Czk,
        vec![item],
        ReturnUrl::try_from("https://shop.example.com/return").unwrap(),
        HttpMethod::Post,
        Language::Cs,
    )
    .pay_method(oneclick_csob::PayMethod::Card)
    .close_payment(true)
    .merchant_data(MerchantData::try_from("c29tZS1iYXNlNjQtZW5jb2RlZC1tZXJjaGFudC1kYXRh").unwrap())
    .customer_id(CustomerId::try_from("cust-0042").unwrap())
    .ttl_sec(TtlSec::try_from(1800).unwrap())
}

#[tokio::test]
async fn payment_init_is_the_vector_and_its_answer_verifies() {
    let server = answering(signed_body("payment/init response")).await;
    let answer = client(&server, 0)
        .payment_init(&vector_init())
        .await
        .unwrap();
    assert_eq!(sent(&server), signed_body("payment/init request"));
    assert_eq!(answer.pay_id.unwrap().as_str(), PAY_ID);
    assert_eq!(answer.payment_status, Some(PaymentStatus::Created));
}

#[tokio::test]
async fn the_process_url_carries_the_vector_signature() {
    let server = answering(json!({})).await;
    let url = client(&server, 3)
        .payment_process_url(&PaymentProcessRequest::new(pay_id()))
        .unwrap();
    let vector = vector("payment/process request");
    let signature: String = vector["signature"]
        .as_str()
        .unwrap()
        .replace('+', "%2B")
        .replace('/', "%2F")
        .replace('=', "%3D");
    assert_eq!(
        url,
        server.url(&format!(
            "/payment/process/M1MIPS0000/{PAY_ID}/20220125131602/{signature}"
        ))
    );
    assert!(server.received().is_empty(), "a redirect is never sent");
}

#[tokio::test]
async fn close_is_the_vector_and_its_answer_verifies() {
    let server = answering(signed_body("payment/close response")).await;
    let request =
        PaymentCloseRequest::new(pay_id()).total_amount(Amount::try_from(1_500_000).unwrap());
    let answer = client(&server, 2641).payment_close(&request).await.unwrap();
    assert_eq!(sent(&server), signed_body("payment/close request"));
    assert_eq!(
        answer.payment_status,
        Some(PaymentStatus::WaitingForSettlement)
    );
    assert_eq!(answer.auth_code.as_deref(), Some("637413"));
}

#[tokio::test]
async fn reverse_is_the_vector() {
    let gateway = RsaPrivateKey::from_pem(&vectors_file("gateway-test.key")).unwrap();
    let mut reply = json!({"payId": PAY_ID, "dttm": "20220125140101", "resultCode": 0, "resultMessage": "OK", "paymentStatus": 5});
    let text = pipe::text_to_sign(schema::PAYMENT_REVERSE.response_signature, &reply);
    reply["signature"] = json!(sign_rsa_sha256(&gateway, &text).unwrap());
    let server = answering(reply).await;
    let answer = client(&server, 2701)
        .payment_reverse(&PaymentReverseRequest::new(pay_id()))
        .await
        .unwrap();
    assert_eq!(sent(&server), signed_body("payment/reverse request"));
    assert_eq!(answer.payment_status, Some(PaymentStatus::Reversed));
}

#[tokio::test]
async fn a_partial_refund_is_the_vector_and_its_answer_verifies() {
    let server = answering(signed_body("payment/refund response")).await;
    let request = PaymentRefundRequest::new(pay_id()).amount(Amount::try_from(50_000).unwrap());
    // 2022-01-26 09:00:00 in Prague.
    let answer = client(&server, 71_041)
        .payment_refund(&request)
        .await
        .unwrap();
    assert_eq!(sent(&server), signed_body("payment/refund request"));
    assert_eq!(answer.payment_status, Some(PaymentStatus::RefundProcessing));
}

#[tokio::test]
async fn echo_is_the_vector_and_its_answer_verifies() {
    let server = answering(signed_body("echo response")).await;
    let answer = client(&server, 0).echo(&EchoRequest::new()).await.unwrap();
    assert_eq!(sent(&server), signed_body("echo request"));
    assert_eq!(answer.result_code, 0);
}

#[tokio::test]
async fn echo_customer_is_the_vector() {
    let server = answering(signed_body("echo/customer response")).await;
    let request = EchoCustomerRequest::new(CustomerId::try_from("cust-0042").unwrap());
    let result = client(&server, 0).echo_customer(&request).await;
    assert_eq!(sent(&server), signed_body("echo/customer request"));
    // 820 is the answer to the question, not a refusal of it.
    let answer = result.unwrap_or_else(|err| panic!("{err}"));
    assert_eq!(answer.result_code, 820);
}

#[tokio::test]
async fn a_verified_answer_about_another_payment_is_refused() {
    // The refund vector's answer is correctly signed, for payment d165e3c4b624fBD.
    let server = answering(signed_body("payment/refund response")).await;
    let other = PayId::try_from("0e92dd54b133@HA").unwrap();
    let err = client(&server, 71_041)
        .payment_refund(&PaymentRefundRequest::new(other.clone()))
        .await
        .unwrap_err();
    let Error::OutcomeUnknown { cause, .. } = err else {
        panic!("a refund may have been made: expected OutcomeUnknown, got {err:?}");
    };
    assert!(
        matches!(
            *cause,
            Error::ForeignAnswer {
                operation: "payment_refund",
                field: "payId"
            }
        ),
        "{cause:?}"
    );

    // A status read is refused the same way, without an unknown outcome: it moved nothing.
    let server = answering(signed_body("payment/close response")).await;
    let err = client(&server, 0)
        .payment_status(&oneclick_csob::PaymentStatusRequest::new(other))
        .await
        .unwrap_err();
    assert!(
        matches!(err, Error::ForeignAnswer { field: "payId", .. }),
        "{err:?}"
    );
}

//! The generated ČSOB client over real HTTP against a gateway stand-in on loopback that checks
//! every request's signature with the merchant's public key and signs its answers with the
//! gateway test key, both through the spec's own signature orders.

use std::sync::{Arc, Mutex};
use std::time::Duration;

use oneclick_csob::{
    Checked, Client, Configure, Credentials, Environment, Error, OneclickEchoRequest,
    OneclickInitRequest, OneclickProcessRequest, OrderNo, PayId, PaymentStatus,
    PaymentStatusRequest, PollOptions, ResultCode, RetryPolicy, RsaPrivateKey, RsaPublicKey,
    schema,
};
use oneclick_runtime::signature::{pipe, sign_rsa_sha256, verify_rsa_sha256};
use oneclick_runtime::{FixedClock, SignatureError};
use oneclick_tests::{Received, Reply, TestServer};
use serde_json::{Value, json};

/// 2022-01-25 12:15:59 UTC, 13:15:59 in Prague.
const NOW: u64 = 1_643_112_959;
const DTTM: &str = "20220125131559";

fn vector_key(name: &str) -> String {
    let path = concat!(env!("CARGO_MANIFEST_DIR"), "/../vectors/");
    std::fs::read_to_string(format!("{path}{name}")).expect("test key")
}

fn client(server: &TestServer) -> Client {
    let credentials = Credentials::new(
        "M1MIPS0000",
        RsaPrivateKey::from_pem(&vector_key("merchant-test.key")).unwrap(),
        RsaPublicKey::from_pem(&vector_key("gateway-test.pub")).unwrap(),
    );
    Client::new(Environment::Custom(server.url("")), credentials)
        .unwrap()
        .with_clock(Arc::new(FixedClock::from_unix(NOW)))
        .with_retry(RetryPolicy {
            max_attempts: 3,
            initial_backoff: Duration::from_millis(5),
            max_backoff: Duration::from_millis(20),
        })
}

/// The operation a request is for, from its path.
fn operation(received: &Received) -> &'static oneclick_runtime::schema::Operation {
    match received.target.as_str() {
        "/oneclick/echo" => &schema::ONECLICK_ECHO,
        "/oneclick/init" => &schema::ONECLICK_INIT,
        "/oneclick/process" => &schema::ONECLICK_PROCESS,
        target if target.starts_with("/payment/status/") => &schema::PAYMENT_STATUS,
        target => panic!("unexpected request to {target}"),
    }
}

/// The request as JSON: the body, or for the status GET the percent-decoded path segments.
fn request_json(received: &Received) -> Value {
    if received.method == "GET" {
        let segments: Vec<String> = received
            .target
            .trim_start_matches("/payment/status/")
            .split('/')
            .map(percent_decode)
            .collect();
        let [merchant_id, pay_id, dttm, signature] = segments.as_slice() else {
            panic!("bad status path {}", received.target)
        };
        json!({"merchantId": merchant_id, "payId": pay_id, "dttm": dttm, "signature": signature})
    } else {
        received.json()
    }
}

fn percent_decode(segment: &str) -> String {
    let bytes = segment.as_bytes();
    let mut out = Vec::new();
    let mut i = 0;
    while i < bytes.len() {
        if bytes[i] == b'%' && i + 2 < bytes.len() + 1 {
            let hex = std::str::from_utf8(&bytes[i + 1..i + 3]).unwrap();
            out.push(u8::from_str_radix(hex, 16).unwrap());
            i += 3;
        } else {
            out.push(bytes[i]);
            i += 1;
        }
    }
    String::from_utf8(out).unwrap()
}

/// Asserts what the gateway checks: merchant id, time stamp and a signature that verifies with
/// the merchant's public key over the spec's request order.
fn assert_signed_by_merchant(received: &Received) {
    let json = request_json(received);
    assert_eq!(json["merchantId"], "M1MIPS0000");
    assert_eq!(json["dttm"], DTTM, "Prague time of the fixed clock");
    let text = pipe::text_to_sign(operation(received).request_signature, &json);
    let signature = json["signature"].as_str().expect("signed");
    let merchant = RsaPublicKey::from_pem(&vector_key("merchant-test.pub")).unwrap();
    verify_rsa_sha256(&merchant, &text, signature).expect("the request signature verifies");
}

/// A response body signed the way the gateway signs it.
fn signed(op: &'static oneclick_runtime::schema::Operation, mut body: Value) -> Reply {
    let gateway = RsaPrivateKey::from_pem(&vector_key("gateway-test.key")).unwrap();
    let text = pipe::text_to_sign(op.response_signature, &body);
    body["signature"] = Value::String(sign_rsa_sha256(&gateway, &text).unwrap());
    Reply::json(body.to_string())
}

fn answer(op: &'static oneclick_runtime::schema::Operation, code: i64, extra: Value) -> Reply {
    let mut body = json!({"payId": "7624c5e60252@HA", "dttm": DTTM, "resultCode": code, "resultMessage": if code == 0 { "OK" } else { "failed" }});
    if op.id == "oneclick_echo" {
        body = json!({"origPayId": "0e92dd54b133@HA", "dttm": DTTM, "resultCode": code, "resultMessage": if code == 0 { "OK" } else { "Oneclick template not found" }});
    }
    if let (Some(body), Some(extra)) = (body.as_object_mut(), extra.as_object()) {
        body.extend(extra.clone());
    }
    signed(op, body)
}

fn init_request() -> OneclickInitRequest {
    OneclickInitRequest::new(
        PayId::try_from("0e92dd54b133@HA").unwrap(),
        OrderNo::try_from("51966").unwrap(),
    )
    .client_ip(oneclick_csob::ClientIp::try_from("192.0.2.2").unwrap())
}

fn echo_request() -> OneclickEchoRequest {
    OneclickEchoRequest::new(PayId::try_from("0e92dd54b133@HA").unwrap())
}

/// The failure behind an unknown outcome of init, after checking that it names the order and
/// the time stamp actually sent.
fn unknown_outcome_of_init(err: Error) -> Error {
    let Error::OutcomeUnknown {
        operation,
        reconcile,
        cause,
    } = err
    else {
        panic!("init may have created a payment: expected OutcomeUnknown, got {err:?}");
    };
    assert_eq!(operation, "oneclick_init");
    assert_eq!(
        reconcile,
        [
            ("orderNo".to_owned(), "51966".to_owned()),
            ("dttm".to_owned(), DTTM.to_owned())
        ]
    );
    *cause
}

fn pay_id() -> PayId {
    PayId::try_from("7624c5e60252@HA").unwrap()
}

#[tokio::test]
async fn echo_init_process_and_status_polling() {
    let status_calls = Arc::new(Mutex::new(0));
    let calls = Arc::clone(&status_calls);
    let server = TestServer::start(move |received| {
        assert_signed_by_merchant(received);
        let op = operation(received);
        match op.id {
            "oneclick_echo" => answer(op, 0, json!({})),
            "oneclick_init" => answer(
                op,
                0,
                json!({"paymentStatus": 1, "actions": {"fingerprint": {"browserInit": {"url": "https://example.com/3ds"}}}}),
            ),
            "oneclick_process" => answer(op, 0, json!({"paymentStatus": 2})),
            _ => {
                let mut calls = calls.lock().unwrap();
                *calls += 1;
                let status = if *calls < 3 { 2 } else { 4 };
                answer(op, 0, json!({"paymentStatus": status, "authCode": "042760"}))
            }
        }
    })
    .await;
    let client = client(&server);

    let echo = client
        .oneclick_echo(&OneclickEchoRequest::new(
            PayId::try_from("0e92dd54b133@HA").unwrap(),
        ))
        .await
        .unwrap();
    assert_eq!(echo.result_code, 0);

    let init = client.oneclick_init(&init_request()).await.unwrap();
    assert_eq!(
        init.pay_id.as_ref().map(Checked::as_str),
        Some("7624c5e60252@HA")
    );
    assert_eq!(init.payment_status, Some(PaymentStatus::Created));
    let browser_init = init
        .actions
        .unwrap()
        .fingerprint
        .unwrap()
        .browser_init
        .unwrap();
    assert_eq!(browser_init.url, "https://example.com/3ds");

    let process = client
        .oneclick_process(&OneclickProcessRequest::new(pay_id()))
        .await
        .unwrap();
    assert_eq!(process.payment_status, Some(PaymentStatus::InProgress));

    let options = PollOptions {
        first_delay: Duration::from_millis(1),
        interval: Duration::from_millis(1),
        deadline: Duration::from_secs(5),
    };
    let status = client
        .poll_payment_status(&PaymentStatusRequest::new(pay_id()), options)
        .await
        .unwrap();
    assert_eq!(status.payment_status, Some(PaymentStatus::Confirmed));
    assert_eq!(status.auth_code.as_deref(), Some("042760"));
    assert_eq!(
        *status_calls.lock().unwrap(),
        3,
        "polled while the status was 2"
    );

    let received = server.received();
    let paths: Vec<&str> = received.iter().map(|r| r.target.as_str()).collect();
    assert_eq!(
        &paths[..3],
        ["/oneclick/echo", "/oneclick/init", "/oneclick/process"]
    );
    let status_get = &received[3];
    assert_eq!(status_get.method, "GET");
    assert!(
        status_get
            .target
            .starts_with("/payment/status/M1MIPS0000/7624c5e60252%40HA/20220125131559/")
    );
    let signature_segment = status_get.target.rsplit('/').next().unwrap();
    assert!(
        !signature_segment.contains(['+', '/', '=']),
        "Base64 is percent-encoded in the path"
    );
}

#[tokio::test]
async fn template_not_found_is_a_typed_rejection() {
    let server = TestServer::start(|received| answer(operation(received), 700, json!({}))).await;
    let err = client(&server)
        .oneclick_echo(&OneclickEchoRequest::new(
            PayId::try_from("0e92dd54b133@HA").unwrap(),
        ))
        .await
        .unwrap_err();
    match &err {
        Error::Rejected {
            code,
            name,
            message,
            ..
        } => {
            assert_eq!(*code, 700);
            assert_eq!(*name, Some("template_not_found"));
            assert_eq!(message.as_deref(), Some("Oneclick template not found"));
        }
        other => panic!("expected a rejection, got {other:?}"),
    }
    assert_eq!(
        ResultCode::from(err.result_code().unwrap()),
        ResultCode::TemplateNotFound
    );
    assert_eq!(server.received().len(), 1, "700 is not retried");
}

#[tokio::test]
async fn result_900_is_retried_with_a_fresh_signature() {
    let attempts = Arc::new(Mutex::new(0));
    let seen = Arc::clone(&attempts);
    let server = TestServer::start(move |received| {
        assert_signed_by_merchant(received);
        let mut seen = seen.lock().unwrap();
        *seen += 1;
        let code = if *seen == 1 { 900 } else { 0 };
        answer(operation(received), code, json!({"paymentStatus": 1}))
    })
    .await;
    let init = client(&server)
        .oneclick_init(&init_request())
        .await
        .unwrap();
    assert_eq!(init.result_code, 0);
    assert_eq!(*attempts.lock().unwrap(), 2);
}

#[tokio::test]
async fn a_response_that_does_not_verify_is_never_a_success() {
    let tampered = |received: &Received| {
        let op = operation(received);
        let Reply::Status(_, body) = answer(op, 0, json!({"paymentStatus": 1})) else {
            unreachable!()
        };
        let mut body: Value = serde_json::from_str(&body).unwrap();
        body["paymentStatus"] = json!(4);
        Reply::json(body.to_string())
    };
    let signed_by_merchant = |received: &Received| {
        let op = operation(received);
        let merchant = RsaPrivateKey::from_pem(&vector_key("merchant-test.key")).unwrap();
        let mut body = json!({"payId": "7624c5e60252@HA", "dttm": DTTM, "resultCode": 0, "resultMessage": "OK"});
        let text = pipe::text_to_sign(op.response_signature, &body);
        body["signature"] = Value::String(sign_rsa_sha256(&merchant, &text).unwrap());
        Reply::json(body.to_string())
    };
    let unsigned = |_: &Received| {
        Reply::json(json!({"payId": "7624c5e60252@HA", "dttm": DTTM, "resultCode": 0, "resultMessage": "OK"}).to_string())
    };
    for (case, handler, expected) in [
        (
            "field changed after signing",
            Box::new(tampered) as Box<dyn Fn(&Received) -> Reply + Send + Sync>,
            "mismatch",
        ),
        (
            "signed with another key",
            Box::new(signed_by_merchant),
            "mismatch",
        ),
        ("no signature", Box::new(unsigned), "missing"),
    ] {
        let server = TestServer::start(handler).await;
        let err = client(&server)
            .oneclick_init(&init_request())
            .await
            .unwrap_err();
        match unknown_outcome_of_init(err) {
            Error::Signature { source, .. } => {
                let found = match source {
                    SignatureError::Missing => "missing",
                    SignatureError::Mismatch | SignatureError::Malformed => "mismatch",
                    SignatureError::Unsigned { .. } => "unsigned",
                    other => panic!("{case}: unexpected {other:?}"),
                };
                assert_eq!(found, expected, "{case}");
            }
            other => panic!("{case}: expected a signature error, got {other:?}"),
        }
    }
}

#[tokio::test]
async fn http_503_is_retried_and_then_reported() {
    // Echo changes nothing: a 503 is retried.
    let server = TestServer::start(|_| Reply::Status(503, "{}".into())).await;
    let err = client(&server)
        .oneclick_echo(&echo_request())
        .await
        .unwrap_err();
    assert!(matches!(err, Error::Http { status: 503, .. }), "{err:?}");
    assert_eq!(server.received().len(), 3, "max_attempts requests");

    // Init may have created the payment before the 503: it is sent once, and the outcome is
    // unknown.
    let server = TestServer::start(|_| Reply::Status(503, "{}".into())).await;
    let err = client(&server)
        .oneclick_init(&init_request())
        .await
        .unwrap_err();
    let cause = unknown_outcome_of_init(err);
    assert!(
        matches!(cause, Error::Http { status: 503, .. }),
        "{cause:?}"
    );
    assert_eq!(server.received().len(), 1, "never sent twice");

    let answered = Arc::new(Mutex::new(false));
    let flag = Arc::clone(&answered);
    let server = TestServer::start(move |received| {
        let mut flag = flag.lock().unwrap();
        if *flag {
            answer(operation(received), 0, json!({"paymentStatus": 1}))
        } else {
            *flag = true;
            Reply::Status(503, String::new())
        }
    })
    .await;
    assert!(client(&server).oneclick_echo(&echo_request()).await.is_ok());
    assert!(*answered.lock().unwrap());
}

#[tokio::test]
async fn http_429_proves_nothing_was_done_and_init_is_retried() {
    let refused = Arc::new(Mutex::new(false));
    let flag = Arc::clone(&refused);
    let server = TestServer::start(move |received| {
        let mut flag = flag.lock().unwrap();
        if *flag {
            answer(operation(received), 0, json!({"paymentStatus": 1}))
        } else {
            *flag = true;
            Reply::Status(429, String::new())
        }
    })
    .await;
    assert!(client(&server).oneclick_init(&init_request()).await.is_ok());
    assert_eq!(server.received().len(), 2);
}

#[tokio::test]
async fn an_invalid_request_is_never_sent() {
    let server = TestServer::start(|received| answer(operation(received), 0, json!({}))).await;
    let request = OneclickInitRequest::new(
        PayId::try_from("0e92dd54b133@HA").unwrap(),
        OrderNo::try_from("51966").unwrap(),
    )
    .total_amount(oneclick_csob::Amount::try_from(100).unwrap());
    let err = client(&server).oneclick_init(&request).await.unwrap_err();
    let violations = err.violations().expect("a validation error");
    let found = oneclick_tests::violation_lines(violations);
    assert_eq!(found, ["/currency together", "/clientIp required_if"]);
    assert!(server.received().is_empty(), "nothing reached the gateway");
}

#[tokio::test]
async fn a_dropped_connection_is_a_transport_error() {
    let server = TestServer::start(|_| Reply::Drop).await;
    let err = client(&server)
        .oneclick_init(&init_request())
        .await
        .unwrap_err();
    let cause = unknown_outcome_of_init(err);
    assert!(matches!(cause, Error::Transport { .. }), "{cause:?}");
    assert_eq!(server.received().len(), 1, "never sent twice");
}

#[test]
fn keys_and_secrets_never_print() {
    let pem = vector_key("merchant-test.key");
    let credentials = Credentials::new(
        "M1MIPS0000",
        RsaPrivateKey::from_pem(&pem).unwrap(),
        RsaPublicKey::from_pem(&vector_key("gateway-test.pub")).unwrap(),
    );
    let printed = format!("{credentials:?}");
    let key_body: String = pem.lines().nth(1).unwrap().chars().take(24).collect();
    assert!(!printed.contains(&key_body), "{printed}");
    assert!(printed.contains("***"), "{printed}");
}

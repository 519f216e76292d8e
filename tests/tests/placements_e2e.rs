//! Signatures placed outside a body field, declared in `tests/specs/recipes.yaml` and run
//! through the generated client over loopback HTTP: a path placeholder, a query parameter (sent,
//! and read from a return that arrives as a query string), each item of a request's list, and a
//! request header `t=<time of sending>,v1=<HMAC of {timestamp}.{body}>` re-signed on a retry.
//! Then a flattened text over 12 list items, where the two sorts Monetix's SDKs disagree on
//! differ, signed and verified in the declared one only. Expected signatures are computed here
//! with ring, not with the runtime's interpreter.

use std::sync::Arc;
use std::sync::atomic::{AtomicU64, Ordering};
use std::time::{Duration, SystemTime, UNIX_EPOCH};

use base64::Engine as _;
use oneclick_recipes::{
    Client, Credentials, Environment, Error, FindOrderRequest, Line, ReadOrderRequest,
    SortedSaleRequest, SubmitLinesRequest, TimedOrderRequest, schema,
};
use oneclick_runtime::clock::{Clock, FixedClock};
use oneclick_runtime::recipe::Sha1RsaPrivateKey;
use oneclick_runtime::{Configure, RetryPolicy, SignatureError};
use oneclick_tests::{Reply, TestServer};
use ring::hmac;
use serde_json::{Value, json};

fn family(index: usize) -> Value {
    let path = format!(
        "{}/../vectors/signature-families.json",
        env!("CARGO_MANIFEST_DIR")
    );
    let text = std::fs::read_to_string(&path).unwrap_or_else(|e| panic!("{path}: {e}"));
    serde_json::from_str::<Value>(&text).unwrap()[index].clone()
}

/// The webhook family's secret, which the fixture's HMAC recipes sign with.
fn secret() -> String {
    family(4)["secret"].as_str().unwrap().to_owned()
}

fn client(base_url: &str) -> Client {
    let pem = std::fs::read_to_string(format!(
        "{}/../vectors/merchant-test.key",
        env!("CARGO_MANIFEST_DIR")
    ))
    .unwrap();
    let credentials = Credentials::new(
        "00",
        Sha1RsaPrivateKey::from_pem(&pem).unwrap(),
        "11111111",
        secret(),
        "s4lt",
    );
    Client::new(Environment::Custom(base_url.to_owned()), credentials)
        .unwrap()
        .with_retry(RetryPolicy {
            max_attempts: 2,
            initial_backoff: Duration::from_millis(5),
            max_backoff: Duration::from_millis(5),
        })
}

fn hmac_sha256(text: &str) -> Vec<u8> {
    let key = hmac::Key::new(hmac::HMAC_SHA256, secret().as_bytes());
    hmac::sign(&key, text.as_bytes()).as_ref().to_vec()
}

fn base64(bytes: &[u8]) -> String {
    base64::engine::general_purpose::STANDARD.encode(bytes)
}

fn hex(bytes: &[u8]) -> String {
    bytes.iter().map(|b| format!("{b:02x}")).collect()
}

/// RFC 3986 percent-encoding of everything but the unreserved characters.
fn percent_encoded(text: &str) -> String {
    text.bytes()
        .map(|b| {
            if b.is_ascii_alphanumeric() || b"-._~".contains(&b) {
                char::from(b).to_string()
            } else {
                format!("%{b:02X}")
            }
        })
        .collect()
}

fn refused(result: Result<impl std::fmt::Debug, Error>) -> SignatureError {
    match result {
        Err(Error::Signature { source, .. }) => source,
        other => panic!("expected a refused signature, got {other:?}"),
    }
}

#[tokio::test]
async fn a_signature_fills_its_path_placeholder_percent_encoded() {
    let server = TestServer::start(|_| Reply::json(json!({"state": "paid"}).to_string())).await;
    // Chosen so that the Base64 signature holds a `/` or a `+`, which must not split the path.
    let id = (0..)
        .map(|i| format!("A{i}"))
        .find(|id| base64(&hmac_sha256(id)).contains(['/', '+']))
        .unwrap();
    let order = client(&server.url(""))
        .read_order(&ReadOrderRequest::new(id.clone()))
        .await
        .unwrap();
    assert_eq!(order.state, "paid");
    let received = &server.received()[0];
    assert_eq!(received.method, "GET");
    assert!(received.body.is_empty());
    let signature = base64(&hmac_sha256(&id));
    assert_eq!(
        received.target,
        format!("/orders/{id}/{}", percent_encoded(&signature))
    );
}

#[tokio::test]
async fn a_signature_travels_in_its_query_parameter_after_the_fields() {
    let server = TestServer::start(|_| Reply::json(json!({"state": "paid"}).to_string())).await;
    let id = "A 1&x=2";
    client(&server.url(""))
        .find_order(&FindOrderRequest::new(id.into()))
        .await
        .unwrap();
    let signature = base64(&hmac_sha256(id));
    assert_eq!(
        server.received()[0].target,
        format!(
            "/orders?id={}&sig={}",
            percent_encoded(id),
            percent_encoded(&signature)
        )
    );
}

#[test]
fn a_return_signed_in_its_query_string_verifies_and_a_changed_one_does_not() {
    let client = client("http://127.0.0.1:9");
    let signature = percent_encoded(&base64(&hmac_sha256("A1|paid")));
    let back = client
        .verify_signed_return(format!("?id=A1&state=paid&sig={signature}"))
        .unwrap();
    assert_eq!((back.id.as_str(), back.state.as_str()), ("A1", "paid"));

    assert!(matches!(
        refused(client.verify_signed_return(format!("id=A1&state=refunded&sig={signature}"))),
        SignatureError::Mismatch
    ));
    assert!(matches!(
        refused(client.verify_signed_return("id=A1&state=paid")),
        SignatureError::Missing
    ));
}

#[tokio::test]
async fn each_line_carries_its_own_signature_over_its_fields() {
    let server = TestServer::start(|_| Reply::json(json!({"ok": true}).to_string())).await;
    let lines = vec![Line::new("L1".into(), 100), Line::new("L2".into(), 250)];
    client(&server.url(""))
        .submit_lines(&SubmitLinesRequest::new("B1".into(), lines))
        .await
        .unwrap();
    let sent = server.received()[0].json();
    assert_eq!(
        sent,
        json!({"batch": "B1", "lines": [
            {"id": "L1", "amount": 100, "check": hex(&hmac_sha256("L1;100"))},
            {"id": "L2", "amount": 250, "check": hex(&hmac_sha256("L2;250"))},
        ]})
    );
}

#[tokio::test]
async fn a_request_header_signs_the_time_of_sending_and_the_body_as_sent() {
    let vector = family(4);
    let server = TestServer::start(|_| Reply::json(json!({"ok": true}).to_string())).await;
    let timestamp: u64 = vector["timestamp"].as_str().unwrap().parse().unwrap();
    client(&server.url(""))
        .with_clock(Arc::new(FixedClock::from_unix(timestamp)))
        .timed_order(&TimedOrderRequest::new(
            "evt_1".into(),
            "payment.succeeded".into(),
            1000,
        ))
        .await
        .unwrap();
    let received = &server.received()[0];
    assert_eq!(
        String::from_utf8(received.body.clone()).unwrap(),
        vector["raw_body"].as_str().unwrap()
    );
    assert_eq!(
        received.header("webhook-signature"),
        vector["header"].as_str()
    );
}

/// A clock one second later at each reading, from 1_700_000_000.
#[derive(Debug, Default)]
struct Ticking(AtomicU64);

impl Clock for Ticking {
    fn now(&self) -> SystemTime {
        UNIX_EPOCH + Duration::from_secs(1_700_000_000 + self.0.fetch_add(1, Ordering::SeqCst))
    }
}

#[tokio::test]
async fn a_retried_attempt_is_signed_at_its_own_time() {
    let server = TestServer::start(|received| {
        if received
            .header("webhook-signature")
            .unwrap()
            .starts_with("t=1700000000,")
        {
            Reply::Status(503, "{}".to_owned())
        } else {
            Reply::json(json!({"ok": true}).to_string())
        }
    })
    .await;
    client(&server.url(""))
        .with_clock(Arc::new(Ticking::default()))
        .timed_order(&TimedOrderRequest::new("evt_2".into(), "sale".into(), 5))
        .await
        .unwrap();
    let received = server.received();
    assert_eq!(received.len(), 2);
    let body = r#"{"id":"evt_2","type":"sale","amount":5}"#;
    for (attempt, timestamp) in received.iter().zip(["1700000000", "1700000001"]) {
        let text = format!("{timestamp}.{body}");
        assert_eq!(
            attempt.header("webhook-signature").unwrap(),
            format!("t={timestamp},v1={}", hex(&hmac_sha256(&text)))
        );
    }
}

/// The flattened `lines:<index>:<value>` pairs of 12 lines, in the given index order.
fn flat_text(payment_id: &str, order: &[usize]) -> String {
    let mut pairs: Vec<String> = order.iter().map(|i| format!("lines:{i}:l{i}")).collect();
    pairs.push(format!("payment_id:{payment_id}"));
    pairs.join(";")
}

const PATH_BYTES: [usize; 12] = [0, 1, 10, 11, 2, 3, 4, 5, 6, 7, 8, 9];
const NATURAL: [usize; 12] = [0, 1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11];

fn hmac_sha512_base64(text: &str) -> String {
    let key = hmac::Key::new(hmac::HMAC_SHA512, secret().as_bytes());
    base64(hmac::sign(&key, text.as_bytes()).as_ref())
}

#[tokio::test]
async fn twelve_lines_are_signed_in_the_declared_path_bytes_order() {
    let server = TestServer::start(|_| Reply::json(json!({"ok": true}).to_string())).await;
    let lines: Vec<String> = (0..12).map(|i| format!("l{i}")).collect();
    client(&server.url(""))
        .sorted_sale(&SortedSaleRequest::new("p1".into()).lines(lines))
        .await
        .unwrap();
    let signature = server.received()[0].json()["signature"].clone();
    assert_eq!(
        signature,
        json!(hmac_sha512_base64(&flat_text("p1", &PATH_BYTES)))
    );
    assert_ne!(
        signature,
        json!(hmac_sha512_base64(&flat_text("p1", &NATURAL))),
        "the two orders differ on 12 items"
    );
}

#[test]
fn a_callback_of_twelve_lines_verifies_in_the_declared_order_only() {
    let client = client("http://127.0.0.1:9");
    let lines: Vec<String> = (0..12).map(|i| format!("l{i}")).collect();
    let signed_in = |order: &[usize]| {
        let mut pairs: Vec<String> = order.iter().map(|i| format!("lines:{i}:l{i}")).collect();
        pairs.push("status:success".to_owned());
        json!({"status": "success", "lines": lines, "signature": hmac_sha512_base64(&pairs.join(";"))})
            .to_string()
    };
    let result = client
        .verify_sorted_result(signed_in(&PATH_BYTES).as_bytes())
        .unwrap();
    assert_eq!(result.lines.unwrap().len(), 12);
    assert!(matches!(
        refused(client.verify_sorted_result(signed_in(&NATURAL).as_bytes())),
        SignatureError::Mismatch
    ));
}

#[test]
fn a_dry_run_shows_each_signed_text_and_where_each_signature_goes() {
    let client =
        client("http://127.0.0.1:9").with_clock(Arc::new(FixedClock::from_unix(1_700_000_000)));
    let engine = client.engine();

    let timed = engine
        .dry_run(
            &schema::TIMED_ORDER,
            &json!({"id": "evt_1", "type": "payment.succeeded", "amount": 1000}),
        )
        .unwrap();
    let vector = family(4);
    assert_eq!(
        timed.text_to_sign.as_deref(),
        vector["text_to_sign"].as_str()
    );
    assert!(
        timed
            .headers
            .iter()
            .any(|(name, value)| *name == "Webhook-Signature"
                && Some(value.as_str()) == vector["header"].as_str())
    );

    let lines = engine
        .dry_run(
            &schema::SUBMIT_LINES,
            &json!({"batch": "B1", "lines": [{"id": "L1", "amount": 100}, {"id": "L2", "amount": 250}]}),
        )
        .unwrap();
    assert_eq!(lines.text_to_sign.as_deref(), Some("L1;100\nL2;250"));

    let read = engine
        .dry_run(&schema::READ_ORDER, &json!({"id": "A1"}))
        .unwrap();
    assert_eq!(
        read.url,
        format!(
            "http://127.0.0.1:9/orders/A1/{}",
            percent_encoded(&base64(&hmac_sha256("A1")))
        )
    );
    assert_eq!(read.text_to_sign.as_deref(), Some("A1"));
}

//! What callers plug into the engine: their own HTTP client and their own retry policy.

mod common;

use std::sync::{Arc, Mutex};
use std::time::Duration;

use oneclick_runtime::schema::{
    Answer, Delivery, Encoding, Field, Gateway, Kind, Location, Method, Object, Operation, Repeat,
    TimeZone,
};
use oneclick_runtime::{Credentials, Engine, Error, Retry};
use serde_json::json;

use common::Server;

static GATEWAY: Gateway = Gateway {
    name: "plain",
    recipes: &[],
    dttm_zone: TimeZone::EuropePrague,
    result: None,
    errors: &[],
    headers: &[],
    environments: &[],
    credentials: &[],
    operations: &[],
    callbacks: &[],
    retry_http_status: &[503],
    unprocessed_http_status: &[],
};

static PING_REQUEST: Object = Object {
    name: "ping request",
    items: None,
    fields: &[Field {
        wire: "orderId",
        kind: Kind::String,
        required: true,
        location: Location::Body,
        auto: None,
        sensitive: false,
        default: None,
        constraints: &[],
    }],
    rules: &[],
};
static PING_RESPONSE: Object = Object {
    name: "ping response",
    items: None,
    fields: &[],
    rules: &[],
};
static PING: Operation = Operation {
    id: "ping",
    summary: "",
    method: Method::Post,
    path: "/ping",
    request: &PING_REQUEST,
    response: &PING_RESPONSE,
    request_recipes: &[],
    response_recipes: &[],
    request_signature: &[],
    response_signature: &[],
    retryable_result_codes: &[],
    repeat: Repeat::Read,
    reconcile: &[],
    result: None,
    answer_matches: &[],
    encoding: Encoding::Json,
    answer: Answer::JSON,
    delivery: Delivery::Call,
    headers: &[],
};

fn engine(base_url: &str) -> Engine {
    let credentials = Credentials {
        values: Vec::new(),
        keys: vec![],
    };
    Engine::new(&GATEWAY, base_url, credentials).unwrap()
}

/// A client as a caller would configure it, here marked by a header it adds to every request.
fn caller_client() -> reqwest::Client {
    let tls = rustls::ClientConfig::builder_with_provider(Arc::new(
        rustls::crypto::ring::default_provider(),
    ))
    .with_safe_default_protocol_versions()
    .unwrap()
    .with_root_certificates(rustls::RootCertStore::empty())
    .with_no_client_auth();
    let mut headers = reqwest::header::HeaderMap::new();
    headers.insert(
        "x-tenant",
        reqwest::header::HeaderValue::from_static("shop-42"),
    );
    reqwest::Client::builder()
        .tls_backend_preconfigured(tls)
        .default_headers(headers)
        .redirect(reqwest::redirect::Policy::none())
        .no_proxy()
        .build()
        .unwrap()
}

#[tokio::test]
async fn a_caller_client_sends_the_requests() {
    let server = Server::start(vec![(200, "{}".to_owned())]).await;
    let engine = engine(&server.base_url).with_http_client(caller_client());
    engine
        .call_value(&PING, json!({"orderId": "A1"}))
        .await
        .unwrap();
    let received = server.received();
    assert_eq!(received.len(), 1);
    assert_eq!(
        (received[0].method.as_str(), received[0].path.as_str()),
        ("POST", "/api/v1.9/ping")
    );
    assert_eq!(received[0].header("x-tenant"), Some("shop-42"));
    assert_eq!(received[0].json(), json!({"orderId": "A1"}));
    let user_agent = received[0].header("user-agent").unwrap_or_default();
    assert!(!user_agent.starts_with("oneclick-runtime/"), "{user_agent}");
}

#[test]
fn timeouts_do_not_replace_a_caller_client() {
    let error = engine("http://127.0.0.1:1")
        .with_http_client(caller_client())
        .with_timeouts(Duration::from_secs(1), Duration::from_secs(2))
        .unwrap_err();
    assert!(matches!(error, Error::Config(_)), "{error:?}");
}

fn http_status(error: &Error) -> Option<u16> {
    match error {
        Error::Http { status, .. } => Some(*status),
        _ => None,
    }
}

/// Retries at once while attempts are below `give_up_after`, noting what it was asked.
#[derive(Debug)]
struct Recording {
    give_up_after: u32,
    asked: Mutex<Vec<(u32, Option<u16>)>>,
}

impl Recording {
    fn new(give_up_after: u32) -> Arc<Recording> {
        Arc::new(Recording {
            give_up_after,
            asked: Mutex::new(Vec::new()),
        })
    }

    fn asked(&self) -> Vec<(u32, Option<u16>)> {
        self.asked.lock().unwrap().clone()
    }
}

impl Retry for Recording {
    fn delay_before_retry(&self, failed_attempt: u32, error: &Error) -> Option<Duration> {
        self.asked
            .lock()
            .unwrap()
            .push((failed_attempt, http_status(error)));
        (failed_attempt < self.give_up_after).then_some(Duration::ZERO)
    }
}

#[tokio::test]
async fn a_custom_retry_policy_is_asked_after_each_retryable_failure() {
    let server = Server::start(vec![
        (503, String::new()),
        (503, String::new()),
        (200, "{}".to_owned()),
    ])
    .await;
    let policy = Recording::new(5);
    let engine = engine(&server.base_url).with_custom_retry(policy.clone());
    engine
        .call_value(&PING, json!({"orderId": "A1"}))
        .await
        .unwrap();
    assert_eq!(policy.asked(), [(1, Some(503)), (2, Some(503))]);
    assert_eq!(server.received().len(), 3);
}

#[tokio::test]
async fn a_custom_retry_policy_decides_when_to_give_up() {
    let server = Server::start(vec![(503, String::new()), (503, String::new())]).await;
    let policy = Recording::new(1);
    let engine = engine(&server.base_url).with_custom_retry(policy.clone());
    let error = engine
        .call_value(&PING, json!({"orderId": "A1"}))
        .await
        .unwrap_err();
    assert_eq!(http_status(&error), Some(503));
    assert_eq!(policy.asked(), [(1, Some(503))]);
    assert_eq!(server.received().len(), 1);
}

#[tokio::test]
async fn a_custom_retry_policy_is_not_asked_about_final_failures() {
    let server = Server::start(vec![(400, String::new())]).await;
    let policy = Recording::new(5);
    let engine = engine(&server.base_url).with_custom_retry(policy.clone());
    let error = engine
        .call_value(&PING, json!({"orderId": "A1"}))
        .await
        .unwrap_err();
    assert_eq!(http_status(&error), Some(400));
    assert!(policy.asked().is_empty());
    assert_eq!(server.received().len(), 1);
}

//! The engine over real HTTP against small servers started on 127.0.0.1 by each test.

mod common;

use std::sync::Arc;
use std::time::Duration;

use oneclick_runtime::recipe::{
    Absent, Algorithm, Booleans, Field as SignedField, NamedRecipe, OrderFormat, Output, Piece,
    Placement, Recipe, RsaHash,
};
use oneclick_runtime::schema::{
    Answer, Auto, Constraint, Delivery, Encoding, Field, Format, Gateway, Kind, LengthUnit,
    Literal, Location, Meaning, Method, Object, Operation, Polling, Repeat, ResultCodeInfo,
    ResultSpec, TimeZone,
};
use oneclick_runtime::signature::{pipe, sign_rsa_sha256, verify_rsa_sha256};
use oneclick_runtime::{
    Credentials, Engine, Error, FixedClock, Key, PollOptions, RetryPolicy, RsaPrivateKey,
    RsaPublicKey, RuleKind, Secret, SignatureError,
};
use serde_json::{Value, json};
use tokio::net::TcpListener;

use common::Server;

// --- A ČSOB-like gateway, written out by hand -------------------------------------------------

const fn field(wire: &'static str, kind: Kind) -> Field {
    Field {
        wire,
        kind,
        required: true,
        location: Location::Body,
        auto: None,
        sensitive: false,
        default: None,
        constraints: &[],
    }
}

const fn v(wire: &'static str) -> SignedField {
    SignedField::value(wire)
}

/// ČSOB's signature: the message's order joined with `|`, RSA SHA-256, Base64 in `signature`.
static PIPE: NamedRecipe = NamedRecipe {
    name: "pipe",
    recipe: Recipe {
        text: &[Piece::Order(OrderFormat {
            separator: "|",
            absent: Absent::Skip,
            booleans: Booleans::Words,
        })],
        algorithm: Algorithm::RsaPkcs1(RsaHash::Sha256),
        output: Output::Base64,
        placement: Placement::Field(&["signature"]),
    },
    sign_key: Some("private_key"),
    verify_key: Some("gateway_public_key"),
    optional_credentials: &[],
    max_age: None,
};

fn rsa_keys() -> Vec<(&'static str, Key)> {
    vec![
        (
            "private_key",
            Key::RsaPrivate(RsaPrivateKey::from_pem(MERCHANT_KEY).unwrap()),
        ),
        (
            "gateway_public_key",
            Key::RsaPublic(RsaPublicKey::from_pem(GATEWAY_PUB).unwrap()),
        ),
    ]
}

static RESULT: ResultSpec = ResultSpec {
    code_field: "resultCode",
    message_field: Some("resultMessage"),
    codes: &[
        ResultCodeInfo {
            code: Literal::Int(0),
            name: "ok",
            meaning: Meaning::Success,
        },
        ResultCodeInfo {
            code: Literal::Int(700),
            name: "template_not_found",
            meaning: Meaning::Failure,
        },
        ResultCodeInfo {
            code: Literal::Int(900),
            name: "internal_error",
            meaning: Meaning::Failure,
        },
    ],
    secondary: None,
};

static GATEWAY: Gateway = Gateway {
    name: "csob",
    recipes: &[&PIPE],
    dttm_zone: TimeZone::EuropePrague,
    result: Some(&RESULT),
    errors: &[],
    headers: &[],
    environments: &[],
    credentials: &[],
    operations: &[],
    callbacks: &[],
    retry_http_status: &[429, 503],
    unprocessed_http_status: &[],
};

const MERCHANT_ID: Field = Field {
    auto: Some(Auto::Credential("merchant_id")),
    constraints: &[Constraint::MaxLength(10, LengthUnit::Chars)],
    ..field("merchantId", Kind::String)
};
const DTTM: Field = Field {
    auto: Some(Auto::Dttm),
    constraints: &[Constraint::Format(Format::Dttm)],
    ..field("dttm", Kind::String)
};
const SIGNATURE: Field = Field {
    auto: Some(Auto::Signature),
    ..field("signature", Kind::String)
};
const PAY_ID: Field = Field {
    constraints: &[
        Constraint::MinLength(15, LengthUnit::Chars),
        Constraint::MaxLength(15, LengthUnit::Chars),
    ],
    ..field("payId", Kind::String)
};

static ECHO_REQUEST: Object = Object {
    name: "oneclick_echo request",
    items: None,
    fields: &[
        MERCHANT_ID,
        Field {
            constraints: &[Constraint::MaxLength(15, LengthUnit::Chars)],
            ..field("origPayId", Kind::String)
        },
        DTTM,
        SIGNATURE,
    ],
    rules: &[],
};
static ECHO_RESPONSE: Object = Object {
    name: "oneclick_echo response",
    items: None,
    fields: &[
        field("origPayId", Kind::String),
        field("dttm", Kind::String),
        field("resultCode", Kind::Integer),
        Field {
            required: false,
            ..field("resultMessage", Kind::String)
        },
        field("signature", Kind::String),
    ],
    rules: &[],
};
static ECHO: Operation = Operation {
    id: "oneclick_echo",
    summary: "",
    method: Method::Post,
    path: "/oneclick/echo",
    request: &ECHO_REQUEST,
    response: &ECHO_RESPONSE,
    request_recipes: &[&PIPE],
    response_recipes: &[&PIPE],
    request_signature: &[v("merchantId"), v("origPayId"), v("dttm")],
    response_signature: &[
        v("origPayId"),
        v("dttm"),
        v("resultCode"),
        v("resultMessage"),
    ],
    retryable_result_codes: &[Literal::Int(900)],
    repeat: Repeat::Read,
    reconcile: &[],
    result: None,
    answer_matches: &[],
    encoding: Encoding::Json,
    answer: Answer::JSON,
    delivery: Delivery::Call,
    headers: &[],
};

const fn in_path(f: Field) -> Field {
    Field {
        location: Location::Path,
        ..f
    }
}

static STATUS_REQUEST: Object = Object {
    name: "payment_status request",
    items: None,
    fields: &[
        in_path(MERCHANT_ID),
        in_path(PAY_ID),
        in_path(DTTM),
        in_path(SIGNATURE),
    ],
    rules: &[],
};
static STATUS_RESPONSE: Object = Object {
    name: "payment_status response",
    items: None,
    fields: &[
        field("payId", Kind::String),
        field("dttm", Kind::String),
        field("resultCode", Kind::Integer),
        field("resultMessage", Kind::String),
        Field {
            required: false,
            ..field("paymentStatus", Kind::Integer)
        },
        field("signature", Kind::String),
    ],
    rules: &[],
};
static STATUS_ORDER: [SignedField; 5] = [
    v("payId"),
    v("dttm"),
    v("resultCode"),
    v("resultMessage"),
    v("paymentStatus"),
];
static STATUS: Operation = Operation {
    id: "payment_status",
    summary: "",
    method: Method::Get,
    path: "/payment/status/{merchantId}/{payId}/{dttm}/{signature}",
    request: &STATUS_REQUEST,
    response: &STATUS_RESPONSE,
    request_recipes: &[&PIPE],
    response_recipes: &[&PIPE],
    request_signature: &[v("merchantId"), v("payId"), v("dttm")],
    response_signature: &STATUS_ORDER,
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
static POLL_STATUS: Polling = Polling {
    operation: &STATUS,
    status_field: "paymentStatus",
    pending: &[1, 2],
    first_delay_ms: 1,
    interval_ms: 1,
    deadline_ms: 1000,
};

static CARD_REQUEST: Object = Object {
    name: "card request",
    items: None,
    fields: &[
        MERCHANT_ID,
        Field {
            sensitive: true,
            ..field("cardNumber", Kind::String)
        },
        Field {
            required: false,
            ..field("note", Kind::String)
        },
        DTTM,
        SIGNATURE,
    ],
    rules: &[],
};
static CARD: Operation = Operation {
    id: "card",
    summary: "",
    method: Method::Post,
    path: "/card",
    request: &CARD_REQUEST,
    response: &ECHO_RESPONSE,
    request_recipes: &[&PIPE],
    response_recipes: &[],
    request_signature: &[v("merchantId"), v("cardNumber"), v("dttm")],
    response_signature: &[],
    retryable_result_codes: &[],
    repeat: Repeat::Idempotent,
    reconcile: &[],
    result: None,
    answer_matches: &[],
    encoding: Encoding::Json,
    answer: Answer::JSON,
    delivery: Delivery::Call,
    headers: &[],
};

// --- Fixtures ----------------------------------------------------------------------------------

const MERCHANT_KEY: &str = include_str!("../../vectors/merchant-test.key");
const MERCHANT_PUB: &str = include_str!("../../vectors/merchant-test.pub");
const GATEWAY_KEY: &str = include_str!("../../vectors/gateway-test.key");
const GATEWAY_PUB: &str = include_str!("../../vectors/gateway-test.pub");
const VECTORS: &str = include_str!("../../vectors/csob.json");

/// 2022-01-25 13:15:59 in Prague, the instant of the ČSOB echo vector.
const ECHO_INSTANT: u64 = 1_643_112_959;
/// 2022-01-25 13:16:18 in Prague, the instant of the status vector.
const STATUS_INSTANT: u64 = 1_643_112_978;

fn vector(message: &str) -> Value {
    let all: Value = serde_json::from_str(VECTORS).unwrap();
    all.as_array()
        .unwrap()
        .iter()
        .find(|v| v["message"] == message)
        .unwrap()
        .clone()
}

fn engine(base_url: &str, instant: u64) -> Engine {
    let credentials = Credentials {
        values: vec![("merchant_id", Secret::new("M1MIPS0000".to_owned()))],
        keys: rsa_keys(),
    };
    Engine::new(&GATEWAY, base_url, credentials)
        .unwrap()
        .with_clock(Arc::new(FixedClock::from_unix(instant)))
        .with_retry(RetryPolicy {
            max_attempts: 3,
            initial_backoff: Duration::from_millis(1),
            max_backoff: Duration::from_millis(4),
        })
}

/// A response body signed the way the gateway signs, with the test gateway key.
fn signed(order: &[SignedField], mut body: Value) -> String {
    let key = RsaPrivateKey::from_pem(GATEWAY_KEY).unwrap();
    let signature = sign_rsa_sha256(&key, &pipe::text_to_sign(order, &body)).unwrap();
    body["signature"] = Value::String(signature);
    body.to_string()
}

fn echo_ok() -> String {
    signed(
        ECHO.response_signature,
        json!({"origPayId": "0e92dd54b133@HA", "dttm": "20220125131601", "resultCode": 0, "resultMessage": "OK"}),
    )
}

fn status_body(code: i64, payment_status: i64) -> String {
    signed(
        &STATUS_ORDER,
        json!({"payId": "7624c5e60252@HA", "dttm": "20220125131620", "resultCode": code,
               "resultMessage": "OK", "paymentStatus": payment_status}),
    )
}

fn percent_decode(s: &str) -> String {
    let bytes = s.as_bytes();
    let mut out = Vec::new();
    let mut i = 0;
    while i < bytes.len() {
        if bytes[i] == b'%' {
            out.push(u8::from_str_radix(&s[i + 1..i + 3], 16).unwrap());
            i += 3;
        } else {
            out.push(bytes[i]);
            i += 1;
        }
    }
    String::from_utf8(out).unwrap()
}

// --- Tests -------------------------------------------------------------------------------------

#[derive(serde::Serialize)]
#[serde(rename_all = "camelCase")]
struct EchoRequest {
    orig_pay_id: String,
}

#[derive(serde::Deserialize, Debug, PartialEq)]
#[serde(rename_all = "camelCase")]
struct EchoResponse {
    orig_pay_id: String,
    dttm: String,
    result_code: i64,
    result_message: Option<String>,
}

#[tokio::test]
async fn signed_post_round_trip_reproduces_the_vector() {
    let server = Server::start(vec![(200, echo_ok())]).await;
    let engine = engine(&server.base_url, ECHO_INSTANT);
    let response: EchoResponse = engine
        .call(
            &ECHO,
            &EchoRequest {
                orig_pay_id: "0e92dd54b133@HA".to_owned(),
            },
        )
        .await
        .unwrap();
    assert_eq!(
        response,
        EchoResponse {
            orig_pay_id: "0e92dd54b133@HA".to_owned(),
            dttm: "20220125131601".to_owned(),
            result_code: 0,
            result_message: Some("OK".to_owned()),
        }
    );

    let received = server.received();
    assert_eq!(received.len(), 1);
    let request = &received[0];
    assert_eq!(request.method, "POST");
    assert_eq!(request.path, "/api/v1.9/oneclick/echo");
    assert_eq!(request.header("content-type"), Some("application/json"));
    let body = request.json();
    assert_eq!(body["merchantId"], "M1MIPS0000");
    assert_eq!(body["dttm"], "20220125131559");
    // The signature the merchant's key gives, checked with its public key, and equal to the
    // vector made outside the project.
    let text = "M1MIPS0000|0e92dd54b133@HA|20220125131559";
    let merchant = RsaPublicKey::from_pem(MERCHANT_PUB).unwrap();
    verify_rsa_sha256(&merchant, text, body["signature"].as_str().unwrap()).unwrap();
    let expected = vector("oneclick/echo request");
    assert_eq!(body["signature"], expected["signature"]);
    let mut without_signature = body.clone();
    without_signature
        .as_object_mut()
        .unwrap()
        .remove("signature");
    assert_eq!(without_signature, expected["body"]);
    // Field order on the wire follows the schema.
    let keys: Vec<&String> = body.as_object().unwrap().keys().collect();
    assert_eq!(keys, ["merchantId", "origPayId", "dttm", "signature"]);
}

#[tokio::test]
async fn get_with_percent_encoded_path_parameters() {
    let server = Server::start(vec![(200, status_body(0, 4))]).await;
    let engine = engine(&server.base_url, STATUS_INSTANT);
    let response = engine
        .call_value(&STATUS, json!({"payId": "7624c5e60252@HA"}))
        .await
        .unwrap();
    assert_eq!(response["paymentStatus"], 4);

    let received = server.received();
    let request = &received[0];
    assert_eq!(request.method, "GET");
    assert!(request.body.is_empty());
    let segments: Vec<&str> = request.path.split('/').collect();
    assert_eq!(
        segments[..7],
        [
            "",
            "api",
            "v1.9",
            "payment",
            "status",
            "M1MIPS0000",
            "7624c5e60252%40HA"
        ]
    );
    assert_eq!(segments[7], "20220125131618");
    assert_eq!(segments.len(), 9);
    let signature = segments[8];
    assert!(!signature.contains(['+', '/', '=']), "{signature}");
    let signature = percent_decode(signature);
    assert_eq!(signature, vector("payment/status request")["signature"]);
    let merchant = RsaPublicKey::from_pem(MERCHANT_PUB).unwrap();
    verify_rsa_sha256(
        &merchant,
        "M1MIPS0000|7624c5e60252@HA|20220125131618",
        &signature,
    )
    .unwrap();
}

#[tokio::test]
async fn bad_or_missing_response_signature_is_not_trusted() {
    let mut forged: Value = serde_json::from_str(&echo_ok()).unwrap();
    forged["resultMessage"] = json!("OK, trust me");
    let mut unsigned: Value = serde_json::from_str(&echo_ok()).unwrap();
    unsigned.as_object_mut().unwrap().remove("signature");
    // Signed with the merchant's key instead of the gateway's.
    let mut wrong_key: Value = serde_json::from_str(&echo_ok()).unwrap();
    wrong_key["signature"] = json!(vector("oneclick/echo request")["signature"]);
    let mut garbage: Value = serde_json::from_str(&echo_ok()).unwrap();
    garbage["signature"] = json!("%%%");
    let server = Server::start(vec![
        (200, forged.to_string()),
        (200, unsigned.to_string()),
        (200, wrong_key.to_string()),
        (200, garbage.to_string()),
    ])
    .await;
    let engine = engine(&server.base_url, ECHO_INSTANT);
    let request = json!({"origPayId": "0e92dd54b133@HA"});
    let outcomes = [
        engine.call_value(&ECHO, request.clone()).await,
        engine.call_value(&ECHO, request.clone()).await,
        engine.call_value(&ECHO, request.clone()).await,
        engine.call_value(&ECHO, request.clone()).await,
    ];
    assert!(matches!(
        outcomes[0],
        Err(Error::Signature {
            operation: "oneclick_echo",
            source: SignatureError::Mismatch
        })
    ));
    assert!(matches!(
        outcomes[1],
        Err(Error::Signature {
            source: SignatureError::Missing,
            ..
        })
    ));
    assert!(matches!(
        outcomes[2],
        Err(Error::Signature {
            source: SignatureError::Mismatch,
            ..
        })
    ));
    assert!(matches!(
        outcomes[3],
        Err(Error::Signature {
            source: SignatureError::Malformed,
            ..
        })
    ));
    // Not retried: an untrusted answer is final.
    assert_eq!(server.received().len(), 4);
}

#[tokio::test]
async fn rejection_from_the_vector_response_is_typed() {
    let vector = vector("oneclick/echo response");
    let mut body = vector["body"].clone();
    body["signature"] = vector["signature"].clone();
    let server = Server::start(vec![(200, body.to_string())]).await;
    let engine = engine(&server.base_url, ECHO_INSTANT);
    let error = engine
        .call_value(&ECHO, json!({"origPayId": "0e92dd54b133@HA"}))
        .await
        .unwrap_err();
    assert_eq!(error.result_code(), Some(700));
    let Error::Rejected {
        operation,
        name,
        message,
        body: kept,
        ..
    } = &error
    else {
        panic!("{error:?}");
    };
    assert_eq!(*operation, "oneclick_echo");
    assert_eq!(*name, Some("template_not_found"));
    assert_eq!(message.as_deref(), Some("Oneclick template not found"));
    assert_eq!(kept["origPayId"], "0e92dd54b133@HA");
    assert_eq!(error.body_json().as_ref(), Some(&body));
    assert_eq!(
        error.to_string(),
        "oneclick_echo: the gateway rejected the call with result code 700 (template_not_found): Oneclick template not found"
    );
    assert!(!format!("{error:?}").contains("0e92dd54b133@HA"));
    assert_eq!(server.received().len(), 1);
}

#[tokio::test]
async fn retryable_result_code_is_retried_then_succeeds() {
    let retry = signed(
        ECHO.response_signature,
        json!({"origPayId": "0e92dd54b133@HA", "dttm": "20220125131601", "resultCode": 900, "resultMessage": "Unable to load card"}),
    );
    let server = Server::start(vec![(200, retry), (200, echo_ok())]).await;
    let engine = engine(&server.base_url, ECHO_INSTANT);
    let response = engine
        .call_value(&ECHO, json!({"origPayId": "0e92dd54b133@HA"}))
        .await
        .unwrap();
    assert_eq!(response["resultCode"], 0);
    let received = server.received();
    assert_eq!(received.len(), 2);
    // Each attempt is signed afresh.
    assert!(received[1].json()["signature"].is_string());
}

#[tokio::test]
async fn http_503_is_retried_until_attempts_run_out() {
    let busy = (503, "{\"error\":\"temporarily unavailable\"}".to_owned());
    let server = Server::start(vec![busy.clone(), busy.clone(), busy]).await;
    let engine = engine(&server.base_url, ECHO_INSTANT);
    let error = engine
        .call_value(&ECHO, json!({"origPayId": "0e92dd54b133@HA"}))
        .await
        .unwrap_err();
    let Error::Http { status, body, .. } = &error else {
        panic!("{error:?}");
    };
    assert_eq!(*status, 503);
    assert_eq!(body, "{\"error\":\"temporarily unavailable\"}");
    assert_eq!(server.received().len(), 3);
    assert!(!format!("{error:?}").contains("temporarily"));
}

#[tokio::test]
async fn other_http_errors_are_final_and_bodies_truncated() {
    let server = Server::start(vec![(400, "x".repeat(5000)), (200, echo_ok())]).await;
    let engine = engine(&server.base_url, ECHO_INSTANT);
    let error = engine
        .call_value(&ECHO, json!({"origPayId": "0e92dd54b133@HA"}))
        .await
        .unwrap_err();
    let Error::Http {
        status: 400, body, ..
    } = &error
    else {
        panic!("{error:?}");
    };
    assert_eq!(body.len(), 2048);
    assert_eq!(error.body_json(), None, "the body is not JSON");
    assert_eq!(server.received().len(), 1);
}

#[tokio::test]
async fn invalid_request_sends_nothing() {
    let server = Server::start(vec![(200, echo_ok())]).await;
    let engine = engine(&server.base_url, ECHO_INSTANT);
    let card = "4111111111111111";
    let error = engine
        .call_value(&ECHO, json!({"origPayId": card}))
        .await
        .unwrap_err();
    let violations = error.violations().expect("Invalid");
    assert_eq!(violations.0.len(), 1);
    assert_eq!(violations.0[0].path, "/origPayId");
    assert_eq!(violations.0[0].rule, RuleKind::MaxLength);
    assert_eq!(violations.0[0].limit, "15 chars");
    assert!(!error.to_string().contains(card));
    assert!(!format!("{error:?}").contains(card));

    let error = engine.call_value(&ECHO, json!({})).await.unwrap_err();
    assert_eq!(
        error.violations().unwrap().to_string(),
        "/origPayId: required"
    );
    let error = engine.call_value(&ECHO, json!([1])).await.unwrap_err();
    assert_eq!(error.violations().unwrap().to_string(), "/: type object");
    let error = engine
        .call_value(&STATUS, json!({"payId": ".."}))
        .await
        .unwrap_err();
    assert!(error.violations().is_some());

    // Give a stray connection time to show up before checking that none came.
    tokio::time::sleep(Duration::from_millis(20)).await;
    assert_eq!(server.received().len(), 0);
}

#[tokio::test]
async fn configuration_errors() {
    let keys = rsa_keys;
    let no_keys = Credentials {
        values: vec![],
        keys: vec![],
    };
    assert!(matches!(
        Engine::new(&GATEWAY, "http://127.0.0.1:1", no_keys),
        Err(Error::Config(_))
    ));
    let plain_remote = Credentials {
        values: vec![],
        keys: keys(),
    };
    assert!(matches!(
        Engine::new(&GATEWAY, "http://192.0.2.1/api", plain_remote),
        Err(Error::Config(_))
    ));
    // Keys of the other scheme: ČSOB signs with RSA, not with a shared secret.
    let hmac_keys = Credentials {
        values: vec![("private_key", Secret::new("s3cr3t".to_owned()))],
        keys: vec![],
    };
    let error = Engine::new(&GATEWAY, "http://127.0.0.1:1", hmac_keys).unwrap_err();
    assert!(matches!(error, Error::Config(_)), "{error:?}");
    assert!(!format!("{error} {error:?}").contains("s3cr3t"));

    // A missing credential is found before anything is sent.
    let server = Server::start(vec![(200, echo_ok())]).await;
    let engine = Engine::new(
        &GATEWAY,
        &server.base_url,
        Credentials {
            values: vec![],
            keys: keys(),
        },
    )
    .unwrap();
    let error = engine
        .call_value(&ECHO, json!({"origPayId": "0e92dd54b133@HA"}))
        .await
        .unwrap_err();
    assert_eq!(
        error.to_string(),
        "client configuration: missing credential merchant_id"
    );
    assert_eq!(server.received().len(), 0);
}

#[tokio::test]
async fn connection_failure_is_a_transport_error_without_the_url() {
    let listener = TcpListener::bind("127.0.0.1:0").await.unwrap();
    let addr = listener.local_addr().unwrap();
    drop(listener);
    let engine = engine(&format!("http://{addr}"), STATUS_INSTANT);
    let error = engine
        .call_value(&STATUS, json!({"payId": "7624c5e60252@HA"}))
        .await
        .unwrap_err();
    let Error::Transport { operation, message } = &error else {
        panic!("{error:?}");
    };
    assert_eq!(*operation, "payment_status");
    assert!(message.starts_with("could not connect"), "{message}");
    let shown = format!("{error} {error:?}");
    assert!(!shown.contains("7624c5e60252"), "{shown}");
    assert!(!shown.contains("M1MIPS0000"), "{shown}");
}

#[tokio::test]
async fn timeout_is_a_transport_error() {
    // Accepts and never answers.
    let listener = TcpListener::bind("127.0.0.1:0").await.unwrap();
    let addr = listener.local_addr().unwrap();
    let hold = tokio::spawn(async move {
        let (stream, _) = listener.accept().await.unwrap();
        tokio::time::sleep(Duration::from_secs(5)).await;
        drop(stream);
    });
    let engine = engine(&format!("http://{addr}"), ECHO_INSTANT)
        .with_timeouts(Duration::from_millis(500), Duration::from_millis(100))
        .unwrap();
    let error = engine
        .call_value(&ECHO, json!({"origPayId": "0e92dd54b133@HA"}))
        .await
        .unwrap_err();
    assert!(
        matches!(&error, Error::Transport { message, .. } if message.starts_with("timed out")),
        "{error:?}"
    );
    hold.abort();
}

#[tokio::test]
async fn non_json_and_mistyped_responses_are_decode_errors() {
    let mistyped = signed(
        ECHO.response_signature,
        json!({"origPayId": "0e92dd54b133@HA", "dttm": "20220125131601", "resultCode": 0, "resultMessage": 4111111111111111u64}),
    );
    let server = Server::start(vec![
        (200, "<html>".to_owned()),
        (200, "[]".to_owned()),
        (200, mistyped),
    ])
    .await;
    let engine = engine(&server.base_url, ECHO_INSTANT);
    let request = EchoRequest {
        orig_pay_id: "0e92dd54b133@HA".to_owned(),
    };
    for _ in 0..2 {
        let error = engine
            .call::<_, EchoResponse>(&ECHO, &request)
            .await
            .unwrap_err();
        assert!(matches!(error, Error::Decode { .. }), "{error:?}");
    }
    let error = engine
        .call::<_, EchoResponse>(&ECHO, &request)
        .await
        .unwrap_err();
    let Error::Decode { message, .. } = &error else {
        panic!("{error:?}");
    };
    assert_eq!(
        message,
        "the body does not fit oneclick_echo response: /resultMessage: type string"
    );
    assert!(!format!("{error} {error:?}").contains("4111"));
}

#[tokio::test]
async fn polling_waits_out_pending_states() {
    let server = Server::start(vec![
        (200, status_body(0, 1)),
        (200, status_body(0, 2)),
        (200, status_body(0, 4)),
    ])
    .await;
    let engine = engine(&server.base_url, STATUS_INSTANT);
    let last = engine
        .poll_value(
            &POLL_STATUS,
            json!({"payId": "7624c5e60252@HA"}),
            PollOptions::from_spec(&POLL_STATUS),
        )
        .await
        .unwrap();
    assert_eq!(last["paymentStatus"], 4);
    assert_eq!(server.received().len(), 3);
}

#[tokio::test]
async fn polling_stops_at_the_deadline() {
    let pending: Vec<(u16, String)> = (0..50).map(|_| (200, status_body(0, 2))).collect();
    let server = Server::start(pending).await;
    let engine = engine(&server.base_url, STATUS_INSTANT);
    let options = PollOptions {
        first_delay: Duration::from_millis(1),
        interval: Duration::from_millis(10),
        deadline: Duration::from_millis(40),
    };
    #[derive(serde::Serialize)]
    #[serde(rename_all = "camelCase")]
    struct StatusRequest {
        pay_id: String,
    }
    let error = engine
        .poll::<_, Value>(
            &POLL_STATUS,
            &StatusRequest {
                pay_id: "7624c5e60252@HA".to_owned(),
            },
            options,
        )
        .await
        .unwrap_err();
    let Error::PollDeadline { operation, last } = &error else {
        panic!("{error:?}");
    };
    assert_eq!(*operation, "payment_status");
    assert_eq!(last["paymentStatus"], 2);
    let calls = server.received().len();
    assert!((1..=10).contains(&calls), "{calls}");
}

#[test]
fn prepared_request_and_engine_debug_mask_secrets() {
    let engine = engine("http://127.0.0.1:1", ECHO_INSTANT);
    let card = "4111111111111111";
    let prepared = engine
        .prepare(&CARD, &json!({"cardNumber": card, "note": "hello"}))
        .unwrap();
    let body = prepared.body.as_ref().unwrap();
    assert_eq!(body["cardNumber"], card);
    assert_eq!(
        prepared.text_to_sign.as_deref(),
        Some("M1MIPS0000|4111111111111111|20220125131559")
    );
    for shown in [format!("{prepared:?}"), prepared.to_string()] {
        assert!(!shown.contains(card), "{shown}");
        assert!(shown.contains("hello"), "{shown}");
    }
    assert!(format!("{prepared:?}").contains("M1MIPS0000|***|20220125131559"));

    let shown = format!("{engine:?}");
    assert!(!shown.contains("M1MIPS0000"), "{shown}");
    assert!(!shown.contains("BEGIN"), "{shown}");
    let credentials = Credentials {
        values: vec![("merchant_id", Secret::new("M1MIPS0000".to_owned()))],
        keys: rsa_keys(),
    };
    let shown = format!("{credentials:?}");
    assert!(!shown.contains("M1MIPS0000"), "{shown}");
    assert!(shown.contains("RsaPrivateKey(***)"), "{shown}");
}

#[test]
fn prepare_replaces_caller_values_of_automatic_fields() {
    let engine = engine("http://127.0.0.1:1", ECHO_INSTANT);
    let prepared = engine
        .prepare(
            &ECHO,
            &json!({"origPayId": "0e92dd54b133@HA", "merchantId": "EVIL", "dttm": "1", "signature": "x", "extra": null}),
        )
        .unwrap();
    assert_eq!(prepared.url, "http://127.0.0.1:1/oneclick/echo");
    let mut body = vector("oneclick/echo request")["body"].clone();
    body["signature"] = vector("oneclick/echo request")["signature"].clone();
    assert_eq!(prepared.body.unwrap(), body);
}

#[tokio::test]
async fn operations_marked_signed_never_pass_unsigned() {
    // A gateway without a scheme whose schema still marks messages signed (a generator or
    // hand-written schema bug): the engine refuses rather than sending or trusting them unsigned.
    static UNSIGNED_GATEWAY: Gateway = Gateway {
        name: "unsigned",
        recipes: &[],
        result: None,
        retry_http_status: &[],
        unprocessed_http_status: &[],
        ..GATEWAY
    };
    static SIGNED_REQUEST: Operation = Operation {
        response_recipes: &[],
        ..CARD
    };
    static SIGNED_RESPONSE: Operation = Operation {
        request_recipes: &[],
        ..ECHO
    };
    let server = Server::start(vec![(200, echo_ok())]).await;
    let no_keys = Credentials {
        values: vec![("merchant_id", Secret::new("M1MIPS0000".to_owned()))],
        keys: vec![],
    };
    let unsigned = Engine::new(&UNSIGNED_GATEWAY, &server.base_url, no_keys).unwrap();
    let error = unsigned
        .call_value(&SIGNED_REQUEST, json!({"cardNumber": "4111111111111111"}))
        .await
        .unwrap_err();
    assert!(matches!(error, Error::Config(_)), "{error:?}");
    assert_eq!(server.received().len(), 0);
    let error = unsigned
        .call_value(&SIGNED_RESPONSE, json!({"origPayId": "0e92dd54b133@HA"}))
        .await
        .unwrap_err();
    assert!(matches!(error, Error::Config(_)), "{error:?}");
    assert_eq!(server.received().len(), 1);
}

/// Every span field and event field recorded on a thread that is capturing, as `name=value`
/// lines. It is the global subscriber, installed once: a scoped one (`set_default`) races with
/// the other tests of this binary over tracing's per-callsite interest cache, so an event first
/// reached on another thread could go unrecorded here now and then.
struct Capture;

thread_local! {
    static CAPTURED: std::cell::RefCell<Option<Vec<String>>> = const { std::cell::RefCell::new(None) };
}

fn capture_line(line: impl FnOnce() -> String) {
    CAPTURED.with(|captured| {
        if let Some(lines) = captured.borrow_mut().as_mut() {
            lines.push(line());
        }
    });
}

/// Runs `body` with this thread's spans and events captured. The test runtime is
/// current-thread, so the client's tasks (hyper's connection included) run here too.
async fn captured<F: std::future::Future<Output = ()>>(body: F) -> Vec<String> {
    static INSTALLED: std::sync::Once = std::sync::Once::new();
    INSTALLED.call_once(|| tracing::subscriber::set_global_default(Capture).unwrap());
    CAPTURED.with(|captured| *captured.borrow_mut() = Some(Vec::new()));
    body.await;
    CAPTURED.with(|captured| captured.borrow_mut().take().unwrap_or_default())
}

struct Lines<'a>(&'a mut Vec<String>, &'a str);

impl tracing::field::Visit for Lines<'_> {
    fn record_debug(&mut self, field: &tracing::field::Field, value: &dyn std::fmt::Debug) {
        self.0
            .push(format!("{} {}={value:?}", self.1, field.name()));
    }
}

fn visited(prefix: &str, record: impl FnOnce(&mut Lines<'_>)) {
    let mut lines = Vec::new();
    record(&mut Lines(&mut lines, prefix));
    for line in lines {
        capture_line(|| line);
    }
}

impl tracing::Subscriber for Capture {
    fn enabled(&self, _: &tracing::Metadata<'_>) -> bool {
        true
    }

    fn new_span(&self, span: &tracing::span::Attributes<'_>) -> tracing::span::Id {
        visited(span.metadata().name(), |lines| span.record(lines));
        static NEXT: std::sync::atomic::AtomicU64 = std::sync::atomic::AtomicU64::new(1);
        tracing::span::Id::from_u64(NEXT.fetch_add(1, std::sync::atomic::Ordering::Relaxed))
    }

    fn record(&self, _: &tracing::span::Id, values: &tracing::span::Record<'_>) {
        visited("record", |lines| values.record(lines));
    }

    fn record_follows_from(&self, _: &tracing::span::Id, _: &tracing::span::Id) {}

    fn event(&self, event: &tracing::Event<'_>) {
        visited("event", |lines| event.record(lines));
    }

    fn enter(&self, _: &tracing::span::Id) {}

    fn exit(&self, _: &tracing::span::Id) {}
}

#[tokio::test]
async fn tracing_records_outcomes_but_no_message_data() {
    let retry = signed(
        ECHO.response_signature,
        json!({"origPayId": "0e92dd54b133@HA", "dttm": "20220125131601", "resultCode": 900, "resultMessage": "x"}),
    );
    let server = Server::start(vec![(200, retry), (200, echo_ok())]).await;
    let engine = engine(&server.base_url, ECHO_INSTANT);
    let lines = captured(async {
        engine
            .call_value(&ECHO, json!({"origPayId": "0e92dd54b133@HA"}))
            .await
            .unwrap();
    })
    .await;

    for expected in [
        "oneclick.call gateway=\"csob\"",
        "oneclick.call operation=\"oneclick_echo\"",
        "oneclick.call attempt=1",
        "oneclick.call attempt=2",
        "record http_status=200",
        "record result_code=900",
        "record result_code=0",
        "event backoff_ms=1",
    ] {
        assert!(
            lines.iter().any(|l| l == expected),
            "{expected} not in {lines:#?}"
        );
    }
    assert_eq!(
        lines
            .iter()
            .filter(|l| l.starts_with("record duration_ms="))
            .count(),
        2
    );
    let signature = vector("oneclick/echo request")["signature"]
        .as_str()
        .unwrap()
        .to_owned();
    for line in lines.iter() {
        for secret in [
            "M1MIPS0000",
            "0e92dd54b133",
            "/oneclick/echo",
            &signature[..20],
        ] {
            assert!(!line.contains(secret), "{line}");
        }
    }
}

#[test]
fn https_engine_builds_on_ring_and_the_platform_roots() {
    // Construction only, nothing is sent: proves reqwest accepts the preconfigured rustls
    // config (a rustls version mismatch would make it an unknown TLS backend) and that the
    // platform verifier finds the system's trust roots.
    let engine = Engine::new(
        &GATEWAY,
        "https://iapi.iplatebnibrana.csob.cz/api/v1.9",
        Credentials {
            values: vec![],
            keys: rsa_keys(),
        },
    )
    .unwrap();
    engine
        .with_timeouts(Duration::from_secs(1), Duration::from_secs(2))
        .unwrap();
}

static ITEM_REQUEST: Object = Object {
    name: "item request",
    items: None,
    fields: &[
        in_path(field("id", Kind::String)),
        in_path(Field {
            sensitive: true,
            ..field("token", Kind::String)
        }),
    ],
    rules: &[],
};
static ITEM: Operation = Operation {
    id: "item",
    summary: "",
    method: Method::Get,
    path: "/items/{id}/{token}",
    request: &ITEM_REQUEST,
    response: &ECHO_RESPONSE,
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

#[test]
fn path_segments_are_encoded_and_cannot_escape() {
    let engine = engine("http://127.0.0.1:1/base", ECHO_INSTANT);
    let prepared = engine
        .prepare(&ITEM, &json!({"id": "a/b+c=d é", "token": "4111 1111"}))
        .unwrap();
    assert_eq!(
        prepared.url,
        "http://127.0.0.1:1/base/items/a%2Fb%2Bc%3Dd%20%C3%A9/4111%201111"
    );
    assert_eq!(prepared.body, None);
    assert_eq!(prepared.text_to_sign, None);
    let shown = format!("{prepared:?} {prepared}");
    assert!(
        shown.contains("/items/a%2Fb%2Bc%3Dd%20%C3%A9/***"),
        "{shown}"
    );
    assert!(!shown.contains("4111"), "{shown}");

    for bad in ["..", ".", ""] {
        let error = engine
            .prepare(&ITEM, &json!({"id": bad, "token": "t"}))
            .unwrap_err();
        assert_eq!(
            error.violations().unwrap().to_string(),
            "/id: format path segment"
        );
    }
    let error = engine.prepare(&ITEM, &json!({"id": "x"})).unwrap_err();
    assert_eq!(error.violations().unwrap().to_string(), "/token: required");
}

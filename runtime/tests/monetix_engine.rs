//! The engine under the flat HMAC-SHA512 scheme (Monetix), over real HTTP against small servers
//! on 127.0.0.1: automatic fields filled at any depth, the signature placed in
//! `general.signature` and reproducing `vectors/monetix.json`, signed answers and callbacks
//! verified, tampering rejected.

mod common;
mod flat_text;

use std::collections::BTreeMap;
use std::sync::Arc;
use std::time::Duration;

use oneclick_runtime::recipe::{
    Algorithm, HmacHash, KeyEncoding, NamedRecipe, Output, Placement, Recipe,
};

use flat_text::FLAT;
use oneclick_runtime::schema::{
    Answer, Auto, Callback, Charset, Constraint, CredentialKind, CredentialSpec, Delivery,
    Encoding, Field, Format, Gateway, Kind, LengthUnit, MessageEncoding, Method, Object, Operation,
    Pattern, Repeat, TimeZone,
};
use oneclick_runtime::signature::{flat, sign_hmac_sha512, verify_hmac_sha512};
use oneclick_runtime::{
    Credentials, Engine, Error, FixedClock, Key, RetryPolicy, RsaPrivateKey, RsaPublicKey,
    RuleKind, Secret, SignatureError,
};
use serde_json::{Value, json};

use common::Server;

// --- A Monetix-like gateway, written out by hand ----------------------------------------------

/// Requests carry the signature in `general.signature`.
static REQUEST: NamedRecipe = NamedRecipe {
    name: "request",
    recipe: Recipe {
        text: FLAT,
        algorithm: Algorithm::Hmac(HmacHash::Sha512, KeyEncoding::Text),
        output: Output::Base64,
        placement: Placement::Field(&["general", "signature"]),
    },
    sign_key: Some("secret_key"),
    verify_key: None,
    optional_credentials: &[],
    max_age: None,
};

/// What the platform sends carries it at the top.
static ANSWER: NamedRecipe = NamedRecipe {
    name: "answer",
    recipe: Recipe {
        placement: Placement::Field(&["signature"]),
        ..REQUEST.recipe
    },
    sign_key: None,
    verify_key: Some("secret_key"),
    optional_credentials: &[],
    max_age: None,
};

static SIGNED_BY_CLIENT: &[&NamedRecipe] = &[&REQUEST];
static SIGNED_BY_PLATFORM: &[&NamedRecipe] = &[&ANSWER];

static MONETIX: Gateway = Gateway {
    name: "monetix",
    recipes: &[&REQUEST, &ANSWER],
    dttm_zone: TimeZone::Utc,
    result: None,
    errors: &[],
    headers: &[],
    environments: &[],
    credentials: &[
        CredentialSpec {
            name: "project_id",
            kind: CredentialKind::Text,
            sensitive: false,
            integer: true,
            optional: false,
        },
        CredentialSpec {
            name: "secret_key",
            kind: CredentialKind::Secret,
            sensitive: false,
            integer: false,
            optional: false,
        },
    ],
    operations: &[],
    callbacks: &[],
    retry_http_status: &[500],
    unprocessed_http_status: &[],
};

const PROJECT_ID: Field = Field::new("project_id", Kind::Integer)
    .required()
    .auto(Auto::Credential("project_id"))
    .constraints(&[Constraint::Min(1)]);
const SIGNATURE: Field = Field::new("signature", Kind::String)
    .required()
    .auto(Auto::Signature);

static GENERAL: Object = Object {
    name: "General",
    fields: &[
        PROJECT_ID,
        Field::new("payment_id", Kind::String)
            .required()
            .constraints(&[Constraint::MinLength(1, LengthUnit::Chars)]),
        SIGNATURE,
    ],
    rules: &[],
    items: None,
};
/// A `general` object made of automatic fields only: the client builds it when the caller does not.
static AUTH: Object = Object {
    name: "Auth",
    fields: &[PROJECT_ID, SIGNATURE],
    rules: &[],
    items: None,
};
static CUSTOMER: Object = Object {
    name: "Customer",
    fields: &[
        Field::new("id", Kind::String).required(),
        Field::new("ip_address", Kind::String)
            .required()
            .constraints(&[Constraint::Format(Format::Ip)]),
    ],
    rules: &[],
    items: None,
};
static PAYMENT: Object = Object {
    name: "Payment",
    fields: &[
        Field::new("amount", Kind::Integer)
            .required()
            .constraints(&[Constraint::Min(1)]),
        Field::new("currency", Kind::String)
            .required()
            .constraints(&[Constraint::Format(Format::Currency)]),
    ],
    rules: &[],
    items: None,
};
static RETURN_URL: Object = Object {
    name: "ReturnUrl",
    fields: &[
        Field::new("success", Kind::String).constraints(&[Constraint::Format(Format::Url)]),
        Field::new("decline", Kind::String).constraints(&[Constraint::Format(Format::Url)]),
    ],
    rules: &[],
    items: None,
};
static PAN: Pattern = Pattern::new("^[0-9]{13,19}$");
static CARD: Object = Object {
    name: "Card",
    fields: &[
        Field::new("pan", Kind::String)
            .required()
            .sensitive()
            .constraints(&[Constraint::Pattern(&PAN), Constraint::Format(Format::Luhn)]),
        Field::new("year", Kind::Integer).required(),
        Field::new("month", Kind::Integer).required(),
    ],
    rules: &[],
    items: None,
};
static SALE_REQUEST: Object = Object {
    name: "card_sale request",
    fields: &[
        Field::new("general", Kind::Object(&GENERAL)).required(),
        Field::new("customer", Kind::Object(&CUSTOMER)).required(),
        Field::new("payment", Kind::Object(&PAYMENT)).required(),
        Field::new("return_url", Kind::Object(&RETURN_URL)),
        Field::new("card", Kind::Object(&CARD)),
        Field::new("token", Kind::String),
        Field::new("cvv", Kind::String).sensitive(),
    ],
    rules: &[],
    items: None,
};
static REDIRECT_DATA: Object = Object {
    name: "RedirectData",
    fields: &[Field::new("body", Kind::Map(&Kind::String))],
    rules: &[],
    items: None,
};
static SALE_RESPONSE: Object = Object {
    name: "card_sale response",
    fields: &[
        Field::new("status", Kind::String).required(),
        Field::new("request_id", Kind::String),
        Field::new("project_id", Kind::Integer),
        Field::new("payment_id", Kind::String),
        Field::new("redirect_data", Kind::Object(&REDIRECT_DATA)),
        Field::new("errors", Kind::List(&Kind::Any)),
    ],
    rules: &[],
    items: None,
};
const fn operation(id: &'static str, request: &'static Object, response_signed: bool) -> Operation {
    Operation {
        id,
        summary: "",
        method: Method::Post,
        path: "/v2/payment/card/sale",
        request,
        response: &SALE_RESPONSE,
        request_recipes: SIGNED_BY_CLIENT,
        response_recipes: if response_signed {
            SIGNED_BY_PLATFORM
        } else {
            &[]
        },
        request_signature: &[],
        response_signature: &[],
        retryable_result_codes: &[],
        repeat: Repeat::Idempotent,
        reconcile: &["general.payment_id"],
        result: None,
        answer_matches: &[],
        encoding: Encoding::Json,
        answer: Answer::JSON,
        delivery: Delivery::Call,
        headers: &[],
    }
}
static SALE: Operation = operation("card_sale", &SALE_REQUEST, false);
/// The same sale, with an answer the gateway signs.
static SIGNED_SALE: Operation = operation("signed_sale", &SALE_REQUEST, true);
static PING_REQUEST: Object = Object {
    name: "ping request",
    fields: &[
        Field::new("general", Kind::Object(&AUTH)).required(),
        Field::new("note", Kind::String),
    ],
    rules: &[],
    items: None,
};
static PING: Operation = operation("ping", &PING_REQUEST, false);

static CALLBACK_MESSAGE: Object = Object {
    name: "Callback",
    fields: &[
        Field::new("payment", Kind::Any),
        Field::new("signature", Kind::String),
    ],
    rules: &[],
    items: None,
};
static CALLBACK: Callback = Callback {
    id: "payment_callback",
    summary: "",
    message: &CALLBACK_MESSAGE,
    recipes: &[&ANSWER],
    signature: &[],
    token_field: None,
    only_signed: None,
    delivery: MessageEncoding::Json,
    charset: Charset::Utf8,
    result: None,
    reply: None,
};
static UNSIGNED_CALLBACK: Callback = Callback {
    recipes: &[],
    signature: &[],
    id: "unsigned_callback",
    summary: "",
    message: &CALLBACK_MESSAGE,
    token_field: None,
    only_signed: None,
    delivery: MessageEncoding::Json,
    charset: Charset::Utf8,
    result: None,
    reply: None,
};

// --- Fixtures ----------------------------------------------------------------------------------

const VECTORS: &str = include_str!("../../vectors/monetix.json");

fn vectors() -> Vec<Value> {
    serde_json::from_str::<Value>(VECTORS)
        .unwrap()
        .as_array()
        .unwrap()
        .clone()
}

/// The vector whose body is a card sale request (project 42, secret `s3cr3t`).
fn sale_vector() -> Value {
    vectors()
        .into_iter()
        .find(|v| v["body"].get("general").is_some())
        .unwrap()
}

/// The vector shaped like a callback (secret `qwerty`).
fn callback_vector() -> Value {
    vectors()
        .into_iter()
        .find(|v| v["body"].get("some_bool_param").is_some())
        .unwrap()
}

fn engine_with(base_url: &str, project_id: &str, secret: &str) -> Engine {
    let credentials = Credentials {
        values: vec![
            ("project_id", Secret::new(project_id.to_owned())),
            ("secret_key", Secret::new(secret.to_owned())),
        ],
        keys: vec![],
    };
    Engine::new(&MONETIX, base_url, credentials)
        .unwrap()
        // No automatic field here reads the clock; a fixed one keeps that visible if it changes.
        .with_clock(Arc::new(FixedClock::from_unix(1_547_215_893)))
        .with_retry(RetryPolicy {
            max_attempts: 2,
            initial_backoff: Duration::from_millis(1),
            max_backoff: Duration::from_millis(1),
        })
}

/// The engine of the sale vector's project.
fn engine(base_url: &str) -> Engine {
    engine_with(base_url, "42", "s3cr3t")
}

/// The sale vector's body as a caller builds it: no project id, no signature.
fn sale_request() -> Value {
    let mut body = sale_vector()["body"].clone();
    let general = body["general"].as_object_mut().unwrap();
    general.remove("project_id");
    general.remove("signature");
    body
}

fn accepted() -> String {
    json!({"status": "success", "request_id": "r-1", "project_id": 42, "payment_id": "456789",
           "redirect_data": {"body": []}})
    .to_string()
}

/// `body` signed the way the platform signs what it sends: top-level `signature`.
fn platform_signed(secret: &str, mut body: Value) -> Value {
    let text = flat::text_to_sign(&body, "signature");
    body["signature"] = json!(sign_hmac_sha512(&Secret::new(secret.to_owned()), &text));
    body
}

/// The gateway's side of a request: the flat text of what arrived must verify against the
/// signature in `general.signature`.
fn gateway_verifies(secret: &str, body: &Value) -> Result<(), SignatureError> {
    let signature = body["general"]["signature"].as_str().unwrap();
    let text = flat::text_to_sign(body, "signature");
    verify_hmac_sha512(&Secret::new(secret.to_owned()), &text, signature)
}

// --- Requests ----------------------------------------------------------------------------------

#[derive(serde::Serialize)]
struct SaleRequest {
    general: GeneralIn,
    customer: CustomerIn,
    payment: PaymentIn,
}

/// Only what the caller knows: the project id and the signature are the client's to fill.
#[derive(serde::Serialize)]
struct GeneralIn {
    payment_id: String,
}

#[derive(serde::Serialize)]
struct CustomerIn {
    id: String,
    ip_address: String,
}

#[derive(serde::Serialize)]
struct PaymentIn {
    amount: i64,
    currency: String,
}

#[derive(serde::Deserialize, Debug, PartialEq)]
struct SaleResponse {
    status: String,
    request_id: Option<String>,
    redirect_data: Option<RedirectData>,
}

#[derive(Debug, PartialEq)]
struct RedirectData {
    body: Option<BTreeMap<String, String>>,
}

impl<'de> serde::Deserialize<'de> for RedirectData {
    fn deserialize<D: serde::Deserializer<'de>>(deserializer: D) -> Result<Self, D::Error> {
        let mut object = oneclick_runtime::wire::Reader::new(deserializer, "struct RedirectData")?;
        Ok(Self {
            body: object.optional_map("body")?,
        })
    }
}

#[tokio::test]
async fn sale_fills_nested_auto_fields_and_reproduces_the_vector_signature() {
    let vector = sale_vector();
    let server = Server::start(vec![(200, accepted())]).await;
    let answer = engine(&server.base_url)
        .call_value(&SALE, sale_request())
        .await
        .unwrap();
    assert_eq!(answer["status"], "success");

    let received = server.received();
    let request = &received[0];
    assert_eq!(request.method, "POST");
    assert_eq!(request.path, "/api/v1.9/v2/payment/card/sale");
    assert_eq!(request.header("content-type"), Some("application/json"));
    let body = request.json();
    // The integer credential travels as a JSON number, inside the nested object.
    assert_eq!(body["general"]["project_id"], json!(42));
    assert!(body["general"]["project_id"].is_i64());
    // The signature sits in `general.signature` and is the one computed outside the project.
    assert_eq!(body["general"]["signature"], vector["signature"]);
    assert_eq!(body.get("signature"), None);
    assert_eq!(
        flat::text_to_sign(&body, "signature"),
        vector["text_to_sign"].as_str().unwrap()
    );
    gateway_verifies("s3cr3t", &body).unwrap();
    // Apart from the signature, exactly the vector's message went on the wire.
    let without_signature = |mut value: Value| {
        value["general"]
            .as_object_mut()
            .unwrap()
            .remove("signature");
        value
    };
    assert_eq!(
        without_signature(body.clone()),
        without_signature(vector["body"].clone())
    );
}

#[tokio::test]
async fn typed_call_creates_missing_parents_and_reads_empty_list_maps() {
    let server = Server::start(vec![(200, accepted()), (200, accepted())]).await;
    let engine = engine(&server.base_url);
    let request = SaleRequest {
        general: GeneralIn {
            payment_id: "p-1".to_owned(),
        },
        customer: CustomerIn {
            id: "c-1".to_owned(),
            ip_address: "192.0.2.7".to_owned(),
        },
        payment: PaymentIn {
            amount: 1000,
            currency: "EUR".to_owned(),
        },
    };
    let response: SaleResponse = engine.call(&SALE, &request).await.unwrap();
    assert_eq!(
        response,
        SaleResponse {
            status: "success".to_owned(),
            request_id: Some("r-1".to_owned()),
            redirect_data: Some(RedirectData {
                body: Some(BTreeMap::new())
            }),
        }
    );

    // `general` holds only automatic fields here; the caller builds none and the client
    // creates it.
    engine
        .call_value(&PING, json!({"note": "hello"}))
        .await
        .unwrap();
    let received = server.received();
    let sale = received[0].json();
    assert_eq!(sale["general"]["project_id"], json!(42));
    gateway_verifies("s3cr3t", &sale).unwrap();
    let ping = received[1].json();
    assert_eq!(
        ping["general"]
            .as_object()
            .unwrap()
            .keys()
            .collect::<Vec<_>>(),
        ["project_id", "signature"]
    );
    assert_eq!(ping["general"]["project_id"], json!(42));
    assert_eq!(
        flat::text_to_sign(&ping, "signature"),
        "general:project_id:42;note:hello"
    );
    gateway_verifies("s3cr3t", &ping).unwrap();
    assert!(gateway_verifies("another secret", &ping).is_err());
}

#[test]
fn caller_values_for_automatic_fields_are_replaced() {
    let engine = engine("http://127.0.0.1:1");
    let mut request = sale_request();
    request["general"]["project_id"] = json!(7);
    request["general"]["signature"] = json!("forged");
    request["signature"] = json!("forged too");
    let prepared = engine.prepare(&SALE, &request).unwrap();
    let body = prepared.body.as_ref().unwrap();
    assert_eq!(body["general"]["project_id"], json!(42));
    assert_eq!(body["general"]["signature"], sale_vector()["signature"]);
    assert_eq!(body.get("signature"), None);
    assert_eq!(
        prepared.text_to_sign.as_deref(),
        sale_vector()["text_to_sign"].as_str()
    );
}

#[test]
fn secrets_and_card_data_stay_out_of_debug_and_dry_runs() {
    let engine = engine("http://127.0.0.1:1");
    let mut request = sale_request();
    request["card"] = json!({"pan": "4242424242424242", "year": 2030, "month": 8});
    let prepared = engine.prepare(&SALE, &request).unwrap();
    // The real values are signed and sent.
    assert!(
        prepared
            .text_to_sign
            .as_deref()
            .unwrap()
            .contains("card:pan:4242424242424242;")
    );
    let dry_run = engine.dry_run(&SALE, &request).unwrap();
    let shown = format!(
        "{prepared:?} {prepared} {dry_run:?} {engine:?} {:?}",
        dry_run.text_to_sign
    );
    for secret in ["4242424242424242", "s3cr3t", "cvv:123"] {
        assert!(!shown.contains(secret), "{secret} in {shown}");
    }
    assert!(
        dry_run
            .text_to_sign
            .unwrap()
            .contains("card:pan:***;card:year:2030")
    );
}

#[tokio::test]
async fn validation_runs_first_and_sends_nothing() {
    let server = Server::start(vec![(200, accepted())]).await;
    let engine = engine(&server.base_url);
    let mut request = sale_request();
    request["customer"]["ip_address"] = json!("not an ip");
    request["payment"]["amount"] = json!(0);
    request["card"] = json!({"pan": "4242424242424243", "year": 2030, "month": 8});
    let error = engine.call_value(&SALE, request).await.unwrap_err();
    let found: Vec<(&str, RuleKind)> = error
        .violations()
        .unwrap()
        .iter()
        .map(|v| (v.path.as_str(), v.rule))
        .collect();
    assert_eq!(
        found,
        [
            ("/customer/ip_address", RuleKind::Format),
            ("/payment/amount", RuleKind::Min),
            ("/card/pan", RuleKind::Format),
        ]
    );
    assert!(!format!("{error} {error:?}").contains("4242424242424243"));

    // Without `general` the client still creates it for its automatic fields, and the caller's
    // part of it is reported missing.
    let mut request = sale_request();
    request.as_object_mut().unwrap().remove("general");
    let error = engine.call_value(&SALE, request).await.unwrap_err();
    let found: Vec<(&str, RuleKind)> = error
        .violations()
        .unwrap()
        .iter()
        .map(|v| (v.path.as_str(), v.rule))
        .collect();
    assert_eq!(found, [("/general/payment_id", RuleKind::Required)]);
    assert_eq!(server.received().len(), 0);
}

#[tokio::test]
async fn non_numeric_integer_credential_is_named_never_shown() {
    let server = Server::start(vec![(200, accepted())]).await;
    let engine = engine_with(&server.base_url, "42-confidential", "s3cr3t");
    let error = engine.call_value(&SALE, sale_request()).await.unwrap_err();
    assert!(matches!(error, Error::Config(_)), "{error:?}");
    let shown = format!("{error} {error:?}");
    assert!(shown.contains("project_id"), "{shown}");
    assert!(!shown.contains("42-confidential"), "{shown}");
    assert_eq!(server.received().len(), 0);
}

#[test]
fn keys_must_match_the_scheme() {
    let rsa = vec![
        (
            "secret_key",
            Key::RsaPrivate(
                RsaPrivateKey::from_pem(include_str!("../../vectors/merchant-test.key")).unwrap(),
            ),
        ),
        (
            "gateway_public_key",
            Key::RsaPublic(
                RsaPublicKey::from_pem(include_str!("../../vectors/gateway-test.pub")).unwrap(),
            ),
        ),
    ];
    for keys in [rsa, vec![]] {
        let credentials = Credentials {
            values: vec![("project_id", Secret::new("42".to_owned()))],
            keys,
        };
        let error = Engine::new(&MONETIX, "http://127.0.0.1:1", credentials).unwrap_err();
        assert!(matches!(error, Error::Config(_)), "{error:?}");
    }
}

#[test]
fn a_signed_request_without_a_signature_field_is_refused() {
    // The flat scheme puts the signature where the schema says; a schema that names no place
    // must not yield a request that goes out unsigned.
    static NO_SLOT_REQUEST: Object = Object {
        name: "no slot request",
        fields: &[Field::new("note", Kind::String)],
        rules: &[],
        items: None,
    };
    static NO_SLOT: Operation = operation("no_slot", &NO_SLOT_REQUEST, false);
    let error = engine("http://127.0.0.1:1")
        .prepare(&NO_SLOT, &json!({"note": "x"}))
        .unwrap_err();
    assert!(matches!(error, Error::Config(_)), "{error:?}");
}

#[tokio::test]
async fn signed_answers_are_verified_before_they_are_trusted() {
    let answer: Value = serde_json::from_str(&accepted()).unwrap();
    let good = platform_signed("s3cr3t", answer.clone());
    let mut tampered = good.clone();
    tampered["payment_id"] = json!("999999");
    let foreign = platform_signed("another secret", answer.clone());
    let server = Server::start(vec![
        (200, tampered.to_string()),
        (200, answer.to_string()),
        (200, foreign.to_string()),
        (200, good.to_string()),
    ])
    .await;
    let engine = engine(&server.base_url);
    let mut outcomes = Vec::new();
    for _ in 0..3 {
        match engine.call_value(&SIGNED_SALE, sale_request()).await {
            Err(Error::Signature { operation, source }) => outcomes.push((operation, source)),
            other => panic!("{other:?}"),
        }
    }
    assert!(matches!(
        outcomes.as_slice(),
        [
            ("signed_sale", SignatureError::Mismatch),
            ("signed_sale", SignatureError::Missing),
            ("signed_sale", SignatureError::Mismatch),
        ]
    ));
    let verified = engine
        .call_value(&SIGNED_SALE, sale_request())
        .await
        .unwrap();
    assert_eq!(verified, good);
    // A signature failure is final: every call above went out once.
    assert_eq!(server.received().len(), 4);
}

#[tokio::test]
async fn http_errors_keep_their_json_body_and_500_is_retried() {
    let refusal = json!({"status": "error", "code": "1003", "message": "Invalid signature"});
    let server = Server::start(vec![
        (400, refusal.to_string()),
        (500, "{}".to_owned()),
        (200, accepted()),
    ])
    .await;
    let engine = engine(&server.base_url);
    let error = engine.call_value(&SALE, sale_request()).await.unwrap_err();
    assert!(
        matches!(error, Error::Http { status: 400, .. }),
        "{error:?}"
    );
    assert_eq!(error.body_json(), Some(refusal));
    assert!(!format!("{error:?}").contains("Invalid signature"));

    // A 500 is retryable for this gateway; the retry carries the same payment and signature.
    engine.call_value(&SALE, sale_request()).await.unwrap();
    let received = server.received();
    assert_eq!(received.len(), 3);
    assert_eq!(received[1].json(), received[2].json());
}

// --- Callbacks ---------------------------------------------------------------------------------

fn callback_engine() -> Engine {
    engine_with("http://127.0.0.1:1", "42", "qwerty")
}

/// The callback vector as the platform sends it: body and top-level signature.
fn callback_raw() -> Value {
    let vector = callback_vector();
    let mut raw = vector["body"].clone();
    raw["signature"] = vector["signature"].clone();
    raw
}

#[derive(serde::Deserialize, Debug, PartialEq)]
struct CallbackIn {
    payment: PaymentState,
    some_bool_param: bool,
}

#[derive(serde::Deserialize, Debug, PartialEq)]
struct PaymentState {
    id: String,
    status: String,
}

#[test]
fn callback_of_the_vector_verifies() {
    let engine = callback_engine();
    let raw = callback_raw().to_string();
    let message = engine.verify_callback(&CALLBACK, raw.as_bytes()).unwrap();
    assert_eq!(message, callback_raw());
    let typed: CallbackIn = engine
        .verify_callback_as(&CALLBACK, raw.as_bytes())
        .unwrap();
    assert_eq!(
        typed,
        CallbackIn {
            payment: PaymentState {
                id: "test-payment".to_owned(),
                status: "success".to_owned()
            },
            some_bool_param: true,
        }
    );
    // Whitespace and key order are not part of the signed text.
    let pretty = serde_json::to_string_pretty(&callback_raw()).unwrap();
    engine
        .verify_callback(&CALLBACK, pretty.as_bytes())
        .unwrap();
}

#[test]
fn tampered_callbacks_are_rejected() {
    let engine = callback_engine();
    let rejected = |message: &Value| -> SignatureError {
        match engine.verify_callback(&CALLBACK, message.to_string().as_bytes()) {
            Err(Error::Signature { operation, source }) => {
                assert_eq!(operation, "payment_callback");
                source
            }
            other => panic!("{message}: {other:?}"),
        }
    };
    let mut changes: Vec<Value> = Vec::new();
    for (pointer, value) in [
        ("/payment/id", json!("other-payment")),
        ("/payment/status", json!("decline")),
        ("/payment/status", json!("success ")),
        ("/some_bool_param", json!(false)),
    ] {
        let mut message = callback_raw();
        *message.pointer_mut(pointer).unwrap() = value;
        changes.push(message);
    }
    let mut added = callback_raw();
    added["payment"]["amount"] = json!(100);
    changes.push(added);
    let mut removed = callback_raw();
    removed.as_object_mut().unwrap().remove("some_bool_param");
    changes.push(removed);
    changes.push(platform_signed(
        "another secret",
        callback_vector()["body"].clone(),
    ));
    for message in &changes {
        assert!(
            matches!(rejected(message), SignatureError::Mismatch),
            "{message}"
        );
    }

    let signature = callback_vector()["signature"].clone();
    let mut without = callback_raw();
    without.as_object_mut().unwrap().remove("signature");
    let mut blank = callback_raw();
    blank["signature"] = json!("");
    let mut not_text = callback_raw();
    not_text["signature"] = json!(12345);
    // Only the top-level signature counts; one hidden deeper is dropped from the text, not used.
    let mut nested = without.clone();
    nested["payment"]["signature"] = signature;
    for message in [without, blank, not_text, nested] {
        assert!(
            matches!(rejected(&message), SignatureError::Missing),
            "{message}"
        );
    }
    let mut broken = callback_raw();
    broken["signature"] = json!("not base64!");
    assert!(matches!(rejected(&broken), SignatureError::Malformed));
}

#[test]
fn type_changes_the_flat_text_cannot_see_fail_typed_decoding() {
    // The flat text writes `true` and `1` alike, so the platform's signature cannot tell them
    // apart; the typed callback can, and refuses the message.
    let engine = callback_engine();
    let mut changed = callback_raw();
    changed["some_bool_param"] = json!(1);
    let raw = changed.to_string();
    engine.verify_callback(&CALLBACK, raw.as_bytes()).unwrap();
    let error = engine
        .verify_callback_as::<CallbackIn>(&CALLBACK, raw.as_bytes())
        .unwrap_err();
    assert!(matches!(error, Error::Decode { .. }), "{error:?}");
}

#[test]
fn callback_errors_name_the_callback_and_hide_the_secret() {
    let engine = callback_engine();
    let error = engine
        .verify_callback(&CALLBACK, b"{\"payment\": ")
        .unwrap_err();
    assert!(
        matches!(
            error,
            Error::Decode {
                operation: "payment_callback",
                ..
            }
        ),
        "{error:?}"
    );
    let mut other = callback_raw();
    other["payment"]["id"] = json!("x");
    let error = engine
        .verify_callback(&CALLBACK, other.to_string().as_bytes())
        .unwrap_err();
    assert_eq!(
        error.to_string(),
        "payment_callback: response not trusted: the signature does not match the message"
    );
    assert!(!format!("{error:?} {engine:?}").contains("qwerty"));

    // Verified, but not of the requested type.
    let raw = callback_raw().to_string();
    let error = engine
        .verify_callback_as::<Vec<String>>(&CALLBACK, raw.as_bytes())
        .unwrap_err();
    assert!(
        matches!(
            error,
            Error::Decode {
                operation: "payment_callback",
                ..
            }
        ),
        "{error:?}"
    );
}

#[test]
fn unsigned_callbacks_are_only_parsed() {
    let engine = callback_engine();
    let message = json!({"payment": {"id": "p"}});
    assert_eq!(
        engine
            .verify_callback(&UNSIGNED_CALLBACK, message.to_string().as_bytes())
            .unwrap(),
        message
    );
}

#[test]
fn decoding_never_skips_a_signature() {
    let engine = callback_engine();
    let raw = callback_raw().to_string();
    let decoded: Value = engine
        .decode_callback_as(&UNSIGNED_CALLBACK, raw.as_bytes())
        .unwrap();
    assert_eq!(decoded, callback_raw());
    match engine.decode_callback_as::<Value>(&CALLBACK, raw.as_bytes()) {
        Err(Error::Config(message)) => assert!(message.contains("verify_payment_callback")),
        other => panic!("a signed callback was decoded unverified: {other:?}"),
    }
}

#[test]
fn signed_callbacks_under_pipe_rsa_are_a_configuration_error() {
    static CSOB: Gateway = Gateway {
        name: "csob",
        recipes: &[],
        dttm_zone: TimeZone::EuropePrague,
        result: None,
        errors: &[],
        headers: &[],
        environments: &[],
        credentials: &[],
        operations: &[],
        callbacks: &[],
        retry_http_status: &[],
        unprocessed_http_status: &[],
    };
    let credentials = Credentials {
        values: vec![],
        keys: vec![
            (
                "private_key",
                Key::RsaPrivate(
                    RsaPrivateKey::from_pem(include_str!("../../vectors/merchant-test.key"))
                        .unwrap(),
                ),
            ),
            (
                "gateway_public_key",
                Key::RsaPublic(
                    RsaPublicKey::from_pem(include_str!("../../vectors/gateway-test.pub")).unwrap(),
                ),
            ),
        ],
    };
    let engine = Engine::new(&CSOB, "http://127.0.0.1:1", credentials).unwrap();
    let raw = callback_raw().to_string();
    let error = engine
        .verify_callback(&CALLBACK, raw.as_bytes())
        .unwrap_err();
    assert!(matches!(error, Error::Config(_)), "{error:?}");
}

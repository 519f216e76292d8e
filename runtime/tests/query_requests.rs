//! `encoding: query` on a signed GET, over real HTTP: the automatic fields and the signature
//! travel in the query string with the caller's fields, nothing in a body, and the signature
//! is the one a JSON body would have carried.

mod common;
mod flat_text;

use oneclick_runtime::recipe::{
    Algorithm, HmacHash, KeyEncoding, NamedRecipe, Output, Placement, Recipe,
};

use flat_text::FLAT;
use oneclick_runtime::schema::{
    Answer, Auto, CredentialKind, CredentialSpec, Delivery, Encoding, Field, Gateway, Kind, Method,
    Object, Operation, Repeat, TimeZone,
};
use oneclick_runtime::{Credentials, Engine, Secret};
use serde_json::json;

use common::Server;

const SECRET: &str = "get-secret";

/// Every field but `signature`, flattened and sorted by path bytes, HMAC-SHA512 in Base64.
static SIGNED: NamedRecipe = NamedRecipe {
    name: "signed",
    recipe: Recipe {
        text: FLAT,
        algorithm: Algorithm::Hmac(HmacHash::Sha512, KeyEncoding::Text),
        output: Output::Base64,
        placement: Placement::Field(&["signature"]),
    },
    sign_key: Some("secret_key"),
    verify_key: None,
    optional_credentials: &[],
    max_age: None,
};

static GATEWAY: Gateway = Gateway {
    name: "signed_gets",
    recipes: &[&SIGNED],
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
            sensitive: true,
            integer: false,
            optional: false,
        },
    ],
    operations: &[&STATUS],
    callbacks: &[],
    retry_http_status: &[],
    unprocessed_http_status: &[],
};

static STATUS_REQUEST: Object = Object {
    name: "status request",
    fields: &[
        Field::new("project_id", Kind::Integer)
            .required()
            .auto(Auto::Credential("project_id")),
        Field::new("order", Kind::String).required(),
        Field::new("card", Kind::String).sensitive(),
        Field::new("signature", Kind::String)
            .required()
            .auto(Auto::Signature),
    ],
    rules: &[],
    items: None,
};

static STATUS_RESPONSE: Object = Object {
    name: "status response",
    fields: &[Field::new("status", Kind::String).required()],
    rules: &[],
    items: None,
};

static STATUS: Operation = Operation {
    id: "status",
    summary: "",
    method: Method::Get,
    path: "/status",
    request: &STATUS_REQUEST,
    response: &STATUS_RESPONSE,
    request_recipes: &[&SIGNED],
    response_recipes: &[],
    request_signature: &[],
    response_signature: &[],
    retryable_result_codes: &[],
    repeat: Repeat::Read,
    reconcile: &[],
    result: None,
    answer_matches: &[],
    encoding: Encoding::Query,
    answer: Answer::JSON,
    delivery: Delivery::Call,
    headers: &[],
};

/// The same request as a JSON POST: what the query string must carry, signature included.
static STATUS_AS_JSON: Operation = Operation {
    method: Method::Post,
    encoding: Encoding::Json,
    ..STATUS
};

fn engine(base_url: &str) -> Engine {
    let credentials = Credentials {
        values: vec![
            ("project_id", Secret::new("7".to_owned())),
            ("secret_key", Secret::new(SECRET.to_owned())),
        ],
        keys: vec![],
    };
    Engine::new(&GATEWAY, base_url, credentials).unwrap()
}

fn percent(text: &str) -> String {
    text.replace('+', "%2B")
        .replace('/', "%2F")
        .replace('=', "%3D")
}

#[tokio::test]
async fn a_signed_get_carries_every_field_and_its_signature_in_the_query() {
    let answer = json!({"status": "paid"}).to_string();
    let server = Server::start(vec![(200, answer.clone()), (200, answer)]).await;
    let engine = engine(&server.base_url);
    let request = json!({"order": "A 1", "card": "4111111111111111"});
    let paid = engine.call_value(&STATUS, request.clone()).await.unwrap();
    assert_eq!(paid, json!({"status": "paid"}));
    engine
        .call_value(&STATUS_AS_JSON, request.clone())
        .await
        .unwrap();

    let received = server.received();
    let (query, as_json) = (&received[0], &received[1]);
    let body = as_json.json();
    let signature = body["signature"].as_str().unwrap();
    assert_eq!(
        body,
        json!({"project_id": 7, "order": "A 1", "card": "4111111111111111", "signature": signature})
    );
    assert_eq!(query.method, "GET");
    assert_eq!(
        query.path,
        format!(
            "/api/v1.9/status?project_id=7&order=A%201&card=4111111111111111&signature={}",
            percent(signature)
        )
    );
    assert!(query.body.is_empty());
    assert_eq!(query.header("content-type"), None);

    let shown = engine.dry_run(&STATUS, &request).unwrap().url;
    assert!(shown.contains("&card=***&signature="), "{shown}");
    assert!(!shown.contains("4111111111111111"), "{shown}");
}

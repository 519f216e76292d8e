//! Received messages verified from their raw bytes: a form-encoded callback and a query-string
//! return signed with HMAC-SHA512 over the values as sent, then read into their types; a
//! repeated field never wins, whichever copy the signature covers.

mod flat_text;

use oneclick_runtime::recipe::{
    Algorithm, HmacHash, KeyEncoding, NamedRecipe, Output, Placement, Recipe,
};

use flat_text::FLAT;
use oneclick_runtime::schema::{
    Callback, Charset, CredentialKind, CredentialSpec, Field, Gateway, Kind, MessageEncoding,
    Object, TimeZone,
};
use oneclick_runtime::signature::{flat, sign_hmac_sha512};
use oneclick_runtime::{Credentials, Engine, Error, Secret};
use serde_json::{Map, Value, json};

/// Every field but `signature`, flattened and sorted by path bytes, HMAC-SHA512 in Base64.
static SIGNED: NamedRecipe = NamedRecipe {
    name: "signed",
    recipe: Recipe {
        text: FLAT,
        algorithm: Algorithm::Hmac(HmacHash::Sha512, KeyEncoding::Text),
        output: Output::Base64,
        placement: Placement::Field(&["signature"]),
    },
    sign_key: None,
    verify_key: Some("secret_key"),
    optional_credentials: &[],
    max_age: None,
};

static GATEWAY: Gateway = Gateway {
    name: "forms",
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
    operations: &[],
    callbacks: &[&NOTICE, &RETURN],
    retry_http_status: &[],
    unprocessed_http_status: &[],
};

static MESSAGE: Object = Object {
    name: "Notice",
    fields: &[
        Field::new("order", Kind::String).required(),
        Field::new("amount", Kind::Integer).required(),
        Field::new("paid", Kind::Boolean).required(),
        Field::new("signature", Kind::String).required(),
    ],
    rules: &[],
    items: None,
};

static NOTICE: Callback = Callback {
    id: "notice",
    summary: "",
    message: &MESSAGE,
    recipes: &[&SIGNED],
    signature: &[],
    token_field: None,
    only_signed: None,
    delivery: MessageEncoding::Form,
    charset: Charset::Utf8,
    result: None,
    reply: None,
};

static RETURN: Callback = Callback {
    id: "customer_return",
    summary: "",
    message: &MESSAGE,
    recipes: &[&SIGNED],
    signature: &[],
    token_field: None,
    only_signed: None,
    delivery: MessageEncoding::Query,
    charset: Charset::Windows1250,
    result: None,
    reply: None,
};

const SECRET: &str = "form-secret";

fn engine() -> Engine {
    let credentials = Credentials {
        values: vec![
            ("project_id", Secret::new("7".to_owned())),
            ("secret_key", Secret::new(SECRET.to_owned())),
        ],
        keys: vec![],
    };
    Engine::new(&GATEWAY, "http://127.0.0.1:9", credentials).unwrap()
}

/// `fields` (text values, as a form carries them) with their signature, form-encoded.
fn signed_form(fields: &[(&str, &str)]) -> String {
    let text: Map<String, Value> = fields
        .iter()
        .map(|(k, v)| ((*k).to_owned(), Value::String((*v).to_owned())))
        .collect();
    let text = flat::text_to_sign(&Value::Object(text), "signature");
    let signature = sign_hmac_sha512(&Secret::new(SECRET.to_owned()), &text);
    let mut form: Vec<String> = fields.iter().map(|(k, v)| format!("{k}={v}")).collect();
    form.push(format!("signature={}", percent(&signature)));
    form.join("&")
}

fn percent(text: &str) -> String {
    text.replace('+', "%2B")
        .replace('/', "%2F")
        .replace('=', "%3D")
}

#[test]
fn a_signed_form_callback_verifies_on_its_text_and_then_takes_its_types() {
    let raw = signed_form(&[("order", "17"), ("amount", "1250"), ("paid", "true")]);
    let message = engine().verify_callback(&NOTICE, raw.as_bytes()).unwrap();
    assert_eq!(message["order"], json!("17"));
    assert_eq!(message["amount"], json!(1250));
    assert_eq!(message["paid"], json!(true));
}

#[test]
fn a_changed_amount_does_not_verify() {
    let raw = signed_form(&[("order", "17"), ("amount", "1250"), ("paid", "true")])
        .replace("amount=1250", "amount=1");
    assert!(matches!(
        engine().verify_callback(&NOTICE, raw.as_bytes()),
        Err(Error::Signature { .. })
    ));
}

#[test]
fn a_second_copy_of_a_signed_field_is_refused() {
    let signed = signed_form(&[("order", "17"), ("amount", "1"), ("paid", "true")]);
    for raw in [
        format!("{signed}&amount=100000"),
        format!("amount=100000&{signed}"),
    ] {
        match engine().verify_callback(&NOTICE, raw.as_bytes()) {
            Err(Error::Decode { message, .. }) => {
                assert_eq!(message, "field `amount` appears twice");
            }
            other => panic!("{raw}: expected a decode error, got {other:?}"),
        }
    }
}

#[test]
fn a_signed_query_string_return_verifies_with_or_without_its_question_mark() {
    // "Dvořák" in windows-1250 is signed as the text it reads as.
    let fields = [("order", "Dvořák"), ("amount", "5"), ("paid", "false")];
    let signed = signed_form(&fields).replace("Dvořák", "Dvo%F8%E1k");
    let engine = engine();
    for raw in [signed.clone(), format!("?{signed}")] {
        let message = engine.verify_callback(&RETURN, raw.as_bytes()).unwrap();
        assert_eq!(message["order"], json!("Dvořák"));
        assert_eq!(message["paid"], json!(false));
    }
    // The same bytes read as UTF-8 would be no text at all: refused, never replaced.
    let as_utf8 = Callback {
        charset: Charset::Utf8,
        ..RETURN
    };
    let as_utf8: &'static Callback = Box::leak(Box::new(as_utf8));
    assert!(matches!(
        engine.verify_callback(as_utf8, signed.as_bytes()),
        Err(Error::Decode { .. })
    ));
}

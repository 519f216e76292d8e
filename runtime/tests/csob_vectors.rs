//! The ČSOB known-answer vectors (vectors/csob.json), reproduced byte for byte.
//!
//! The signature orders below are written out by hand from GATEWAYS.md, independently of the
//! spec and the generator, so these tests check the runtime alone.

use oneclick_runtime::recipe::{Field, Shape};
use oneclick_runtime::signature::{pipe, sign_rsa_sha256, verify_rsa_sha256};
use oneclick_runtime::{RsaPrivateKey, RsaPublicKey, SignatureError};
use serde_json::Value;

const fn v(wire: &'static str) -> Field {
    Field {
        name: wire,
        shape: Shape::Value,
    }
}

const fn obj(wire: &'static str, items: &'static [Field]) -> Field {
    Field {
        name: wire,
        shape: Shape::Object(items),
    }
}

const fn map_values(wire: &'static str) -> Field {
    Field {
        name: wire,
        shape: Shape::MapValues,
    }
}

static ECHO_REQUEST: [Field; 3] = [v("merchantId"), v("origPayId"), v("dttm")];

static ADDRESS: [Field; 7] = [
    v("address1"),
    v("address2"),
    v("address3"),
    v("city"),
    v("zip"),
    v("state"),
    v("country"),
];
static CUSTOMER: [Field; 7] = [
    v("name"),
    v("email"),
    v("homePhone"),
    v("workPhone"),
    v("mobilePhone"),
    obj(
        "account",
        &[
            v("createdAt"),
            v("changedAt"),
            v("changedPwdAt"),
            v("orderHistory"),
            v("paymentsDay"),
            v("paymentsYear"),
            v("oneclickAdds"),
            v("suspicious"),
        ],
    ),
    obj("login", &[v("auth"), v("authAt"), v("authData")]),
];
static ORDER: [Field; 12] = [
    v("type"),
    v("availability"),
    v("delivery"),
    v("deliveryMode"),
    v("deliveryEmail"),
    v("nameMatch"),
    v("addressMatch"),
    obj("billing", &ADDRESS),
    obj("shipping", &ADDRESS),
    v("shippingAddedAt"),
    v("reorder"),
    obj(
        "giftcards",
        &[v("totalAmount"), v("currency"), v("quantity")],
    ),
];
static INIT_REQUEST: [Field; 18] = [
    v("merchantId"),
    v("origPayId"),
    v("orderNo"),
    v("dttm"),
    v("payMethod"),
    v("clientIp"),
    v("totalAmount"),
    v("currency"),
    v("closePayment"),
    v("returnUrl"),
    v("returnMethod"),
    obj("customer", &CUSTOMER),
    obj("order", &ORDER),
    v("clientInitiated"),
    v("sdkUsed"),
    v("merchantData"),
    v("language"),
    v("ttlSec"),
];
static PROCESS_REQUEST: [Field; 4] = [
    v("merchantId"),
    v("payId"),
    v("dttm"),
    obj(
        "fingerprint",
        &[
            obj(
                "browser",
                &[
                    v("userAgent"),
                    v("acceptHeader"),
                    v("language"),
                    v("javascriptEnabled"),
                    v("colorDepth"),
                    v("screenHeight"),
                    v("screenWidth"),
                    v("timezone"),
                    v("javaEnabled"),
                    v("challengeWindowSize"),
                ],
            ),
            obj(
                "sdk",
                &[
                    v("appID"),
                    v("encData"),
                    v("ephemPubKey"),
                    v("maxTimeout"),
                    v("referenceNumber"),
                    v("transID"),
                ],
            ),
        ],
    ),
];
static STATUS_REQUEST: [Field; 3] = [v("merchantId"), v("payId"), v("dttm")];

static ECHO_RESPONSE: [Field; 4] = [
    v("origPayId"),
    v("dttm"),
    v("resultCode"),
    v("resultMessage"),
];
static ACTIONS: [Field; 2] = [
    obj(
        "fingerprint",
        &[
            obj("browserInit", &[v("url"), v("method"), map_values("vars")]),
            obj(
                "sdkInit",
                &[v("directoryServerID"), v("schemeId"), v("messageVersion")],
            ),
        ],
    ),
    obj(
        "authenticate",
        &[
            obj(
                "browserChallenge",
                &[v("url"), v("method"), map_values("vars")],
            ),
            obj(
                "sdkChallenge",
                &[
                    v("threeDSServerTransID"),
                    v("acsReferenceNumber"),
                    v("acsTransID"),
                    v("acsSignedContent"),
                ],
            ),
        ],
    ),
];
static INIT_RESPONSE: [Field; 7] = [
    v("payId"),
    v("dttm"),
    v("resultCode"),
    v("resultMessage"),
    v("paymentStatus"),
    v("statusDetail"),
    obj("actions", &ACTIONS),
];
static PROCESS_RESPONSE: [Field; 8] = [
    v("payId"),
    v("dttm"),
    v("resultCode"),
    v("resultMessage"),
    v("paymentStatus"),
    v("authCode"),
    v("statusDetail"),
    obj("actions", &ACTIONS),
];

fn order_of(message: &str) -> &'static [Field] {
    match message {
        "oneclick/echo request" => &ECHO_REQUEST,
        "oneclick/init request" => &INIT_REQUEST,
        "oneclick/process request" => &PROCESS_REQUEST,
        "payment/status request" => &STATUS_REQUEST,
        "oneclick/echo response" => &ECHO_RESPONSE,
        "oneclick/init response" => &INIT_RESPONSE,
        "oneclick/process response" | "payment/status response" => &PROCESS_RESPONSE,
        other => panic!("no order for vector {other}"),
    }
}

const VECTORS: &str = include_str!("../../vectors/csob.json");
const MERCHANT_PKCS8: &str = include_str!("../../vectors/merchant-test.key");
const MERCHANT_PKCS1: &str = include_str!("../../vectors/merchant-test-pkcs1.key");
const MERCHANT_PUB: &str = include_str!("../../vectors/merchant-test.pub");
const GATEWAY_PUB: &str = include_str!("../../vectors/gateway-test.pub");

struct Vector {
    message: String,
    body: Value,
    text_to_sign: String,
    signature: String,
    signed_with: String,
}

fn vectors() -> Vec<Vector> {
    let all: Value = serde_json::from_str(VECTORS).unwrap();
    let vectors: Vec<Vector> = all
        .as_array()
        .unwrap()
        .iter()
        .map(|v| Vector {
            message: v["message"].as_str().unwrap().to_owned(),
            body: v["body"].clone(),
            text_to_sign: v["text_to_sign"].as_str().unwrap().to_owned(),
            signature: v["signature"].as_str().unwrap().to_owned(),
            signed_with: v["signed_with"].as_str().unwrap().to_owned(),
        })
        .collect();
    assert_eq!(
        vectors.len(),
        7,
        "vectors/csob.json changed: review these tests"
    );
    vectors
}

#[test]
fn text_to_sign_matches_every_vector() {
    for vector in vectors() {
        assert_eq!(
            pipe::text_to_sign(order_of(&vector.message), &vector.body),
            vector.text_to_sign,
            "{}",
            vector.message
        );
    }
}

#[test]
fn requests_sign_byte_for_byte_with_pkcs8_and_pkcs1_keys() {
    let keys = [
        RsaPrivateKey::from_pem(MERCHANT_PKCS8).unwrap(),
        RsaPrivateKey::from_pem(MERCHANT_PKCS1).unwrap(),
    ];
    let merchant_pub = RsaPublicKey::from_pem(MERCHANT_PUB).unwrap();
    let mut signed = 0;
    for vector in vectors()
        .iter()
        .filter(|v| v.signed_with == "merchant-test.key")
    {
        let text = pipe::text_to_sign(order_of(&vector.message), &vector.body);
        for key in &keys {
            assert_eq!(
                sign_rsa_sha256(key, &text).unwrap(),
                vector.signature,
                "{}",
                vector.message
            );
        }
        verify_rsa_sha256(&merchant_pub, &text, &vector.signature).unwrap();
        signed += 1;
    }
    assert_eq!(signed, 4);
}

#[test]
fn responses_verify_with_the_gateway_key() {
    let gateway = RsaPublicKey::from_pem(GATEWAY_PUB).unwrap();
    let merchant = RsaPublicKey::from_pem(MERCHANT_PUB).unwrap();
    let mut verified = 0;
    for vector in vectors()
        .iter()
        .filter(|v| v.signed_with == "gateway-test.key")
    {
        let text = pipe::text_to_sign(order_of(&vector.message), &vector.body);
        verify_rsa_sha256(&gateway, &text, &vector.signature).unwrap();
        // Signed by the gateway, so the merchant's key must not accept it.
        assert!(matches!(
            verify_rsa_sha256(&merchant, &text, &vector.signature),
            Err(SignatureError::Mismatch)
        ));
        verified += 1;
    }
    assert_eq!(verified, 3);
}

/// Every scalar of a message with its JSON pointer, in message order.
fn scalar_pointers(value: &Value, pointer: String, out: &mut Vec<String>) {
    match value {
        Value::Object(map) => {
            for (k, v) in map {
                scalar_pointers(v, format!("{pointer}/{k}"), out);
            }
        }
        Value::Array(items) => {
            for (i, v) in items.iter().enumerate() {
                scalar_pointers(v, format!("{pointer}/{i}"), out);
            }
        }
        _ => out.push(pointer),
    }
}

fn tampered(value: &Value) -> Value {
    match value {
        Value::String(s) => Value::String(format!("{s}x")),
        Value::Number(n) => Value::from(n.as_i64().unwrap() + 1),
        Value::Bool(b) => Value::Bool(!b),
        other => panic!("not a scalar: {other}"),
    }
}

#[test]
fn any_tampered_signed_field_or_signature_is_rejected() {
    let gateway = RsaPublicKey::from_pem(GATEWAY_PUB).unwrap();
    let merchant = RsaPublicKey::from_pem(MERCHANT_PUB).unwrap();
    let mut checked = 0;
    for vector in vectors() {
        let key = if vector.signed_with == "gateway-test.key" {
            &gateway
        } else {
            &merchant
        };
        let order = order_of(&vector.message);
        let mut pointers = Vec::new();
        scalar_pointers(&vector.body, String::new(), &mut pointers);
        for pointer in pointers {
            let mut body = vector.body.clone();
            let field = body.pointer_mut(&pointer).unwrap();
            *field = tampered(field);
            let text = pipe::text_to_sign(order, &body);
            assert!(
                matches!(
                    verify_rsa_sha256(key, &text, &vector.signature),
                    Err(SignatureError::Mismatch)
                ),
                "{} with {pointer} changed",
                vector.message
            );
            checked += 1;
        }

        let text = pipe::text_to_sign(order, &vector.body);
        // One changed Base64 character.
        let mut signature = vector.signature.clone().into_bytes();
        signature[10] = if signature[10] == b'A' { b'B' } else { b'A' };
        let signature = String::from_utf8(signature).unwrap();
        assert!(matches!(
            verify_rsa_sha256(key, &text, &signature),
            Err(SignatureError::Mismatch)
        ));
        for malformed in ["", "not base64!", "AAAA", &vector.signature[4..]] {
            assert!(matches!(
                verify_rsa_sha256(key, &text, malformed),
                Err(SignatureError::Malformed)
            ));
        }
    }
    assert!(checked > 30);
}

#[test]
fn pipe_rules_beyond_the_vectors() {
    use serde_json::json;
    static ORDER: [Field; 6] = [
        v("a"),
        v("b"),
        obj("o", &[v("x"), v("y")]),
        Field {
            name: "list",
            shape: Shape::Each(&Shape::Object(&[v("k")])),
        },
        map_values("vars"),
        v("z"),
    ];
    let text = |m: Value| pipe::text_to_sign(&ORDER, &m);
    // Absent and null are skipped; "" keeps its slot.
    assert_eq!(text(json!({"a": "1", "b": null, "z": "2"})), "1|2");
    assert_eq!(text(json!({"a": "", "z": ""})), "|");
    assert_eq!(text(json!({"a": "1", "b": "", "z": "2"})), "1||2");
    // Booleans and numbers as JSON prints them; strings raw, not escaped.
    assert_eq!(
        text(json!({"a": true, "b": 12.5, "z": "ž|\"q\""})),
        "true|12.5|ž|\"q\""
    );
    // Nested objects in their own order, whatever the message order; empty ones add nothing.
    assert_eq!(text(json!({"o": {"y": 2, "x": 1}, "a": 0})), "0|1|2");
    assert_eq!(text(json!({"a": 0, "o": {}, "z": 9})), "0|9");
    // Lists element by element; maps by value in message order.
    assert_eq!(
        text(json!({"list": [{"k": 1}, {"k": 2, "j": 0}], "vars": {"q": "b", "p": "a"}})),
        "1|2|b|a"
    );
    // A value of the wrong type still contributes everything under it.
    assert_eq!(
        text(json!({"a": {"p": 1, "q": [2, 3]}, "o": "s"})),
        "1|2|3|s"
    );
    assert_eq!(text(json!([1, 2])), "");
}

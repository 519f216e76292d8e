//! Signature recipes against the known-answer vectors in `vectors/`, read as they are: every
//! signature family a spec must be able to declare, Assist's nested MD5 check value, and the
//! ČSOB and Monetix vectors through recipes that express today's two schemes, compared with
//! today's code on the vectors and on tampered copies of them.

use oneclick_runtime::recipe::{
    Absent, Algorithm, Booleans, DigestAlgorithm, Field, FieldList, Flat, FlatSort, HeaderItem,
    HeaderItemValue, HeaderValue, HmacHash, Interpret, JsonObject, KeyEncoding, KeyEscape, Message,
    Output, Pairs, Piece, Placement, Recipe, RecipeError, RenderHeader, RsaHash, Sha1RsaPrivateKey,
    Shape, SigningKey, VerifyingKey,
};
use oneclick_runtime::signature::{flat, pipe};
use oneclick_runtime::{RsaPrivateKey, RsaPublicKey, Secret, SignatureError};
use serde_json::{Value, json};

fn read_vectors(name: &str) -> Vec<Value> {
    let path = format!("{}/../vectors/{name}", env!("CARGO_MANIFEST_DIR"));
    let text = std::fs::read_to_string(&path).unwrap_or_else(|e| panic!("{path}: {e}"));
    serde_json::from_str::<Value>(&text)
        .unwrap()
        .as_array()
        .unwrap()
        .clone()
}

fn read_key(name: &str) -> String {
    let path = format!("{}/../vectors/{name}", env!("CARGO_MANIFEST_DIR"));
    std::fs::read_to_string(&path).unwrap_or_else(|e| panic!("{path}: {e}"))
}

fn str_of<'v>(vector: &'v Value, key: &str) -> &'v str {
    vector[key]
        .as_str()
        .unwrap_or_else(|| panic!("vector without `{key}`"))
}

fn secret(text: &str) -> Secret<String> {
    Secret::new(text.to_owned())
}

fn message_with<'a>(body: &'a Value, inputs: &'a [(&'a str, Secret<String>)]) -> Message<'a> {
    Message {
        body,
        raw_body: "",
        order: &[],
        inputs,
    }
}

/// Every scalar of a message with its JSON pointer.
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

/// The body with one scalar changed, for each of its scalars.
fn tampered_bodies(body: &Value) -> Vec<(String, Value)> {
    let mut pointers = Vec::new();
    scalar_pointers(body, String::new(), &mut pointers);
    pointers
        .into_iter()
        .map(|pointer| {
            let mut copy = body.clone();
            let field = copy.pointer_mut(&pointer).unwrap();
            *field = tampered(field);
            (pointer, copy)
        })
        .collect()
}

fn assert_mismatch(result: Result<(), RecipeError>, what: &str) {
    assert!(
        matches!(
            result,
            Err(RecipeError::Signature(SignatureError::Mismatch))
        ),
        "{what}: {result:?}"
    );
}

fn assert_malformed(result: Result<(), RecipeError>, what: &str) {
    assert!(
        matches!(
            result,
            Err(RecipeError::Signature(SignatureError::Malformed))
        ),
        "{what}: {result:?}"
    );
}

/// The signature with one character replaced by another of the same alphabet.
fn one_char_changed(signature: &str) -> String {
    let mut bytes = signature.as_bytes().to_vec();
    bytes[10] = if bytes[10] == b'A' || bytes[10] == b'a' {
        b'B'
    } else if bytes[10].is_ascii_lowercase() {
        b'a'
    } else {
        b'A'
    };
    String::from_utf8(bytes).unwrap()
}

// ---- signature-families.json --------------------------------------------------------------

fn family(index: usize, expected: &str) -> Value {
    let families = read_vectors("signature-families.json");
    assert_eq!(
        families.len(),
        5,
        "vectors/signature-families.json changed: review these tests"
    );
    let vector = families[index].clone();
    assert!(
        str_of(&vector, "family").starts_with(expected),
        "family {index} is {}",
        vector["family"]
    );
    vector
}

/// A notification whose values are joined with `:`, the absent `originalReference` keeping its
/// empty slot, the amount nested.
static HMAC_HEX_KEY: Recipe = Recipe {
    text: &[Piece::Fields(FieldList {
        fields: &[
            Field::value("pspReference"),
            Field::value("originalReference"),
            Field::value("merchantAccountCode"),
            Field::value("merchantReference"),
            Field::object("amount", &[Field::value("value"), Field::value("currency")]),
            Field::value("eventCode"),
            Field::value("success"),
        ],
        separator: ":",
        absent: Absent::Empty,
        booleans: Booleans::Words,
    })],
    algorithm: Algorithm::Hmac(HmacHash::Sha256, KeyEncoding::Hex),
    output: Output::Base64,
    placement: Placement::Field(&["additionalData", "hmacSignature"]),
};

#[test]
fn hmac_sha256_with_a_hex_key_over_colon_joined_values() {
    let vector = family(0, "hmac_sha256, hex key");
    let body = json!({
        "eventCode": "AUTHORISATION",
        "pspReference": "7914073381342284",
        "merchantAccountCode": "TestMerchant",
        "merchantReference": "TestPayment-1407325143704",
        "amount": {"currency": "EUR", "value": 1130},
        "success": true,
    });
    let key = secret(str_of(&vector, "key_hex"));
    let signature = str_of(&vector, "signature");
    let message = message_with(&body, &[]);
    assert_eq!(
        HMAC_HEX_KEY.text(&message).unwrap(),
        str_of(&vector, "text_to_sign")
    );
    assert_eq!(
        HMAC_HEX_KEY
            .sign(&message, SigningKey::Secret(&key))
            .unwrap(),
        signature
    );
    HMAC_HEX_KEY
        .verify(&message, VerifyingKey::Secret(&key), signature)
        .unwrap();
    // The key is the hex's bytes, not its text.
    let as_text = Recipe {
        algorithm: Algorithm::Hmac(HmacHash::Sha256, KeyEncoding::Text),
        ..HMAC_HEX_KEY
    };
    assert_mismatch(
        as_text.verify(&message, VerifyingKey::Secret(&key), signature),
        "key read as text",
    );
    for (pointer, body) in tampered_bodies(&body) {
        assert_mismatch(
            HMAC_HEX_KEY.verify(
                &Message {
                    body: &body,
                    raw_body: "",
                    order: &[],
                    inputs: &[],
                },
                VerifyingKey::Secret(&key),
                signature,
            ),
            &pointer,
        );
    }
    assert_mismatch(
        HMAC_HEX_KEY.verify(
            &message,
            VerifyingKey::Secret(&key),
            &one_char_changed(signature),
        ),
        "changed signature",
    );
    assert!(matches!(
        HMAC_HEX_KEY.sign(&message, SigningKey::Secret(&secret("not hex"))),
        Err(RecipeError::MalformedSecret(KeyEncoding::Hex))
    ));
}

const SHA1_ORDER: FieldList = FieldList {
    fields: &[
        Field::value("merchant"),
        Field::value("operation"),
        Field::value("orderId"),
        Field::value("amount"),
        Field::value("currency"),
        Field::value("language"),
        Field::value("returnUrl"),
    ],
    separator: "|",
    absent: Absent::Skip,
    booleans: Booleans::Words,
};

static RSA_SHA1: Recipe = Recipe {
    text: &[Piece::Fields(SHA1_ORDER)],
    algorithm: Algorithm::RsaPkcs1(RsaHash::Sha1),
    output: Output::Base64,
    placement: Placement::Query("signature"),
};

/// The same text with `|` and the merchant number, a configured value, appended.
static RSA_SHA1_MERCHANT_APPENDED: Recipe = Recipe {
    text: &[
        Piece::Fields(SHA1_ORDER),
        Piece::Literal("|"),
        Piece::Input("merchant_number"),
    ],
    ..RSA_SHA1
};

fn sha1_order_body() -> Value {
    json!({
        "merchant": "11111111",
        "operation": "CREATE_ORDER",
        "orderId": "123456",
        "amount": 10000,
        "currency": "203",
        "language": 1,
        "returnUrl": "https://shop.example.com/result",
    })
}

#[test]
fn rsa_pkcs1_sha1_with_and_without_a_configured_value_appended() {
    let keys = [
        Sha1RsaPrivateKey::from_pem(&read_key("merchant-test.key")).unwrap(),
        Sha1RsaPrivateKey::from_pem(&read_key("merchant-test-pkcs1.key")).unwrap(),
    ];
    let merchant = RsaPublicKey::from_pem(&read_key("merchant-test.pub")).unwrap();
    let gateway = RsaPublicKey::from_pem(&read_key("gateway-test.pub")).unwrap();
    let body = sha1_order_body();
    let inputs = [("merchant_number", secret("11111111"))];
    for (index, recipe) in [(1, &RSA_SHA1), (2, &RSA_SHA1_MERCHANT_APPENDED)] {
        let vector = family(index, "rsa_pkcs1_sha1");
        assert_eq!(str_of(&vector, "key"), "merchant-test.key");
        let signature = str_of(&vector, "signature");
        let message = message_with(&body, &inputs);
        assert_eq!(
            recipe.text(&message).unwrap(),
            str_of(&vector, "text_to_sign")
        );
        for key in &keys {
            assert_eq!(
                recipe.sign(&message, SigningKey::RsaSha1(key)).unwrap(),
                signature,
                "{}",
                vector["family"]
            );
        }
        recipe
            .verify(&message, VerifyingKey::Rsa(&merchant), signature)
            .unwrap();
        assert_mismatch(
            recipe.verify(&message, VerifyingKey::Rsa(&gateway), signature),
            "another key",
        );
        assert_mismatch(
            recipe.verify(
                &message,
                VerifyingKey::Rsa(&merchant),
                &one_char_changed(signature),
            ),
            "changed signature",
        );
        assert_malformed(
            recipe.verify(&message, VerifyingKey::Rsa(&merchant), &signature[4..]),
            "truncated signature",
        );
        for (pointer, body) in tampered_bodies(&body) {
            assert_mismatch(
                recipe.verify(
                    &Message {
                        body: &body,
                        raw_body: "",
                        order: &[],
                        inputs: &inputs,
                    },
                    VerifyingKey::Rsa(&merchant),
                    signature,
                ),
                &pointer,
            );
        }
    }
    // The appended value is signed too, and must be given.
    let other_merchant = [("merchant_number", secret("11111112"))];
    let vector = family(2, "rsa_pkcs1_sha1");
    assert_mismatch(
        RSA_SHA1_MERCHANT_APPENDED.verify(
            &message_with(&body, &other_merchant),
            VerifyingKey::Rsa(&merchant),
            str_of(&vector, "signature"),
        ),
        "another merchant number",
    );
    assert!(matches!(
        RSA_SHA1_MERCHANT_APPENDED.text(&message_with(&body, &[])),
        Err(RecipeError::MissingInput("merchant_number"))
    ));
    // ring will not sign SHA-1: an RSA key of the ring kind is refused, not misused.
    let ring_key = RsaPrivateKey::from_pem(&read_key("merchant-test.key")).unwrap();
    assert!(matches!(
        RSA_SHA1.sign(&message_with(&body, &[]), SigningKey::Rsa(&ring_key)),
        Err(RecipeError::WrongKey { .. })
    ));
}

static SHA384_JSON: Recipe = Recipe {
    text: &[Piece::Json(JsonObject {
        fields: &["sessionId", "merchantId", "amount", "currency", "crc"],
    })],
    algorithm: Algorithm::Digest(DigestAlgorithm::Sha384),
    output: Output::HexLower,
    placement: Placement::Field(&["sign"]),
};

#[test]
fn sha384_over_a_compact_json_object_of_chosen_fields_in_a_fixed_order() {
    let vector = family(3, "sha384 hex");
    let expected_text = str_of(&vector, "text_to_sign");
    // The message holds the fields in another order, with others besides; the salt-like `crc`
    // is one of them.
    let chosen: serde_json::Map<String, Value> = serde_json::from_str(expected_text).unwrap();
    let mut body = serde_json::Map::new();
    body.insert("description".into(), json!("Order 1001"));
    for (key, value) in chosen.into_iter().rev() {
        body.insert(key, value);
    }
    body.insert("email".into(), json!("jan@example.com"));
    let body = Value::Object(body);
    let message = message_with(&body, &[]);
    let signature = str_of(&vector, "signature");
    assert_eq!(SHA384_JSON.text(&message).unwrap(), expected_text);
    assert_eq!(
        SHA384_JSON.sign(&message, SigningKey::None).unwrap(),
        signature
    );
    SHA384_JSON
        .verify(&message, VerifyingKey::None, signature)
        .unwrap();
    SHA384_JSON
        .verify(&message, VerifyingKey::None, &signature.to_uppercase())
        .unwrap();
    for (pointer, body) in tampered_bodies(&body) {
        let result = SHA384_JSON.verify(
            &Message {
                body: &body,
                raw_body: "",
                order: &[],
                inputs: &[],
            },
            VerifyingKey::None,
            signature,
        );
        if pointer == "/description" || pointer == "/email" {
            result.unwrap();
        } else {
            assert_mismatch(result, &pointer);
        }
    }
    assert_mismatch(
        SHA384_JSON.verify(&message, VerifyingKey::None, &one_char_changed(signature)),
        "changed signature",
    );
    assert_malformed(
        SHA384_JSON.verify(&message, VerifyingKey::None, &signature[2..]),
        "short digest",
    );
    assert_malformed(
        SHA384_JSON.verify(&message, VerifyingKey::None, "zz"),
        "not hex",
    );
    // Absent fields are left out; nested values are written as compact JSON.
    let partial = json!({"crc": "c", "amount": {"value": 1050, "exponent": 2}, "sessionId": "s"});
    assert_eq!(
        SHA384_JSON.text(&message_with(&partial, &[])).unwrap(),
        r#"{"sessionId":"s","amount":{"value":1050,"exponent":2},"crc":"c"}"#
    );
}

static WEBHOOK_HEADER: HeaderValue = HeaderValue {
    name: "Signature",
    items: &[
        HeaderItem {
            name: "t",
            value: HeaderItemValue::Input("timestamp"),
        },
        HeaderItem {
            name: "v1",
            value: HeaderItemValue::Signature,
        },
    ],
    separator: ",",
    assign: "=",
};

static WEBHOOK: Recipe = Recipe {
    text: &[
        Piece::Input("timestamp"),
        Piece::Literal("."),
        Piece::RawBody,
    ],
    algorithm: Algorithm::Hmac(HmacHash::Sha256, KeyEncoding::Text),
    output: Output::HexLower,
    placement: Placement::Header(WEBHOOK_HEADER),
};

#[test]
fn hmac_sha256_over_timestamp_and_raw_body_carried_in_a_structured_header() {
    let vector = family(4, "hmac_sha256 hex over '{timestamp}.{raw body}'");
    let key = secret(str_of(&vector, "secret"));
    let raw_body = str_of(&vector, "raw_body");
    let body: Value = serde_json::from_str(raw_body).unwrap();
    let header = str_of(&vector, "header");
    let Placement::Header(placement) = WEBHOOK.placement else {
        panic!("the webhook's signature travels in a header");
    };

    // Sending: sign, then write the header.
    let inputs = [("timestamp", secret(str_of(&vector, "timestamp")))];
    let sent = Message {
        body: &body,
        raw_body,
        order: &[],
        inputs: &inputs,
    };
    assert_eq!(
        WEBHOOK.text(&sent).unwrap(),
        str_of(&vector, "text_to_sign")
    );
    let signature = WEBHOOK.sign(&sent, SigningKey::Secret(&key)).unwrap();
    assert_eq!(placement.render(&signature, &sent).unwrap(), header);

    // Receiving: read the header, which gives the timestamp to sign with, then verify.
    let parsed = placement.parse(header).unwrap();
    assert_eq!(parsed.inputs, [("timestamp", "1700000000")]);
    let inputs: Vec<(&str, Secret<String>)> = parsed
        .inputs
        .iter()
        .map(|(name, value)| (*name, secret(value)))
        .collect();
    let received = Message {
        body: &body,
        raw_body,
        order: &[],
        inputs: &inputs,
    };
    WEBHOOK
        .verify(&received, VerifyingKey::Secret(&key), parsed.signature)
        .unwrap();

    // A later timestamp, a changed byte of the body, another secret: each rejected.
    let replayed = [("timestamp", secret("1700000001"))];
    assert_mismatch(
        WEBHOOK.verify(
            &Message {
                inputs: &replayed,
                ..received
            },
            VerifyingKey::Secret(&key),
            parsed.signature,
        ),
        "another timestamp",
    );
    let changed_body = raw_body.replace("1000", "1001");
    assert_mismatch(
        WEBHOOK.verify(
            &Message {
                raw_body: &changed_body,
                ..received
            },
            VerifyingKey::Secret(&key),
            parsed.signature,
        ),
        "changed body",
    );
    assert_mismatch(
        WEBHOOK.verify(
            &received,
            VerifyingKey::Secret(&secret("whsec_other")),
            parsed.signature,
        ),
        "another secret",
    );

    // Items in another order and unknown versions are read; a missing or doubled item is not.
    let reordered = placement
        .parse("v0=abc, v1=ac34ae177bff731524c8418c26086fd57b2710c8e4ea0acf537e332f04ece378,t=1700000000")
        .unwrap();
    assert_eq!(reordered, parsed);
    assert_eq!(placement.parse("t=1700000000"), None);
    assert_eq!(placement.parse("t=1,t=2,v1=ab"), None);
    assert_eq!(placement.parse("t=1,garbage,v1=ab"), None);
}

// ---- assist-checkvalue.json ---------------------------------------------------------------

/// `UPPER(MD5(UPPER(MD5(salt) + MD5(values joined with separator))))`, MD5 as lower-case hex.
macro_rules! assist_checkvalue {
    ($fields:expr, $separator:expr $(,)?) => {
        Recipe {
            text: &[Piece::Upper(&[
                Piece::Digest {
                    algorithm: DigestAlgorithm::Md5,
                    of: &[Piece::Input("salt")],
                    output: Output::HexLower,
                },
                Piece::Digest {
                    algorithm: DigestAlgorithm::Md5,
                    of: &[Piece::Fields(FieldList {
                        fields: $fields,
                        separator: $separator,
                        absent: Absent::Empty,
                        booleans: Booleans::Words,
                    })],
                    output: Output::HexLower,
                },
            ])],
            algorithm: Algorithm::Digest(DigestAlgorithm::Md5),
            output: Output::HexUpper,
            placement: Placement::Field(&["checkvalue"]),
        }
    };
}

static ASSIST_RESULT: Recipe = assist_checkvalue!(
    &[
        Field::value("merchant_id"),
        Field::value("ordernumber"),
        Field::value("orderamount"),
        Field::value("ordercurrency"),
        Field::value("orderstate"),
    ],
    "",
);

static ASSIST_ORDER: Recipe = assist_checkvalue!(
    &[
        Field::value("Merchant_ID"),
        Field::value("OrderNumber"),
        Field::value("OrderAmount"),
        Field::value("OrderCurrency"),
    ],
    ";",
);

fn field_names(recipe: &Recipe) -> Vec<&'static str> {
    let [Piece::Upper([_, Piece::Digest { of, .. }])] = recipe.text else {
        panic!("not the check value's shape");
    };
    let [Piece::Fields(list)] = of else {
        panic!("not a field list");
    };
    list.fields.iter().map(|field| field.name).collect()
}

#[test]
fn assist_checkvalue_is_a_nested_md5_recipe() {
    let vectors = read_vectors("assist-checkvalue.json");
    assert_eq!(vectors.len(), 3, "vectors/assist-checkvalue.json changed");
    for vector in vectors {
        let recipe = match str_of(&vector, "use") {
            "result" => &ASSIST_RESULT,
            "order" => &ASSIST_ORDER,
            other => panic!("unknown use {other}"),
        };
        let fields: Vec<&str> = vector["fields"]
            .as_array()
            .unwrap()
            .iter()
            .map(|f| f.as_str().unwrap())
            .collect();
        assert_eq!(field_names(recipe), fields);
        let Piece::Upper([_, Piece::Digest { of, .. }]) = recipe.text[0] else {
            unreachable!("checked by field_names");
        };
        let [Piece::Fields(list)] = of else {
            unreachable!("checked by field_names");
        };
        assert_eq!(list.separator, str_of(&vector, "separator"));

        let mut body = serde_json::Map::new();
        for (field, value) in fields.iter().zip(vector["values"].as_array().unwrap()) {
            body.insert((*field).to_owned(), value.clone());
        }
        let body = Value::Object(body);
        let inputs = [("salt", secret(str_of(&vector, "salt")))];
        let message = message_with(&body, &inputs);
        let checkvalue = str_of(&vector, "checkvalue");
        assert_eq!(recipe.sign(&message, SigningKey::None).unwrap(), checkvalue);
        recipe
            .verify(&message, VerifyingKey::None, checkvalue)
            .unwrap();
        assert_mismatch(
            recipe.verify(
                &message_with(&body, &[("salt", secret("another salt"))]),
                VerifyingKey::None,
                checkvalue,
            ),
            "another salt",
        );
        for (pointer, body) in tampered_bodies(&body) {
            assert_mismatch(
                recipe.verify(
                    &Message {
                        body: &body,
                        ..message
                    },
                    VerifyingKey::None,
                    checkvalue,
                ),
                &pointer,
            );
        }
        assert!(matches!(
            recipe.sign(&message, SigningKey::Secret(&secret("x"))),
            Err(RecipeError::WrongKey { .. })
        ));
    }
}

// ---- csob.json: today's pipe scheme as a recipe -------------------------------------------

const fn v(name: &'static str) -> Field {
    Field::value(name)
}

const fn obj(name: &'static str, fields: &'static [Field]) -> Field {
    Field::object(name, fields)
}

macro_rules! pipe_rsa_sha256 {
    ($($field:expr),* $(,)?) => {
    Recipe {
        text: &[Piece::Fields(FieldList {
            fields: &[$($field),*],
            separator: "|",
            absent: Absent::Skip,
            booleans: Booleans::Words,
        })],
        algorithm: Algorithm::RsaPkcs1(RsaHash::Sha256),
        output: Output::Base64,
        placement: Placement::Field(&["signature"]),
    }
    };
}

static ECHO_REQUEST: Recipe = pipe_rsa_sha256!(v("merchantId"), v("origPayId"), v("dttm"));

static ADDRESS: [Field; 7] = [
    v("address1"),
    v("address2"),
    v("address3"),
    v("city"),
    v("zip"),
    v("state"),
    v("country"),
];

static INIT_REQUEST: Recipe = pipe_rsa_sha256!(
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
    obj(
        "customer",
        &[
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
        ],
    ),
    obj(
        "order",
        &[
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
        ],
    ),
    v("clientInitiated"),
    v("sdkUsed"),
    v("merchantData"),
    v("language"),
    v("ttlSec"),
    // Not in the vectors' messages: a cart, element by element, proves list expansion.
    Field::each(
        "cart",
        &Shape::Object(&[v("name"), v("quantity"), v("amount"), v("description")]),
    ),
);

static PROCESS_REQUEST: Recipe = pipe_rsa_sha256!(
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
);

static STATUS_REQUEST: Recipe = pipe_rsa_sha256!(v("merchantId"), v("payId"), v("dttm"));

static ECHO_RESPONSE: Recipe = pipe_rsa_sha256!(
    v("origPayId"),
    v("dttm"),
    v("resultCode"),
    v("resultMessage"),
);

static ACTIONS: [Field; 2] = [
    obj(
        "fingerprint",
        &[
            obj(
                "browserInit",
                &[v("url"), v("method"), Field::map_values("vars")],
            ),
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
                &[v("url"), v("method"), Field::map_values("vars")],
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

static INIT_RESPONSE: Recipe = pipe_rsa_sha256!(
    v("payId"),
    v("dttm"),
    v("resultCode"),
    v("resultMessage"),
    v("paymentStatus"),
    v("statusDetail"),
    obj("actions", &ACTIONS),
);

static PROCESS_RESPONSE: Recipe = pipe_rsa_sha256!(
    v("payId"),
    v("dttm"),
    v("resultCode"),
    v("resultMessage"),
    v("paymentStatus"),
    v("authCode"),
    v("statusDetail"),
    obj("actions", &ACTIONS),
);

fn csob_recipe(message: &str) -> &'static Recipe {
    match message {
        "oneclick/echo request" => &ECHO_REQUEST,
        "oneclick/init request" => &INIT_REQUEST,
        "oneclick/process request" => &PROCESS_REQUEST,
        "payment/status request" => &STATUS_REQUEST,
        "oneclick/echo response" => &ECHO_RESPONSE,
        "oneclick/init response" => &INIT_RESPONSE,
        "oneclick/process response" => &PROCESS_RESPONSE,
        other => panic!("no recipe for vector {other}"),
    }
}

fn pipe_fields(recipe: &'static Recipe) -> &'static [Field] {
    match recipe.text {
        [Piece::Fields(list)] => list.fields,
        _ => panic!("not a pipe recipe"),
    }
}

#[test]
fn csob_vectors_through_the_pipe_recipe() {
    let merchant_keys = [
        RsaPrivateKey::from_pem(&read_key("merchant-test.key")).unwrap(),
        RsaPrivateKey::from_pem(&read_key("merchant-test-pkcs1.key")).unwrap(),
    ];
    let merchant = RsaPublicKey::from_pem(&read_key("merchant-test.pub")).unwrap();
    let gateway = RsaPublicKey::from_pem(&read_key("gateway-test.pub")).unwrap();
    let vectors = read_vectors("csob.json");
    assert_eq!(vectors.len(), 7, "vectors/csob.json changed");
    let mut tampered_checked = 0;
    for vector in &vectors {
        let name = str_of(vector, "message");
        let recipe = csob_recipe(name);
        let old_order = pipe_fields(recipe);
        let body = &vector["body"];
        let message = message_with(body, &[]);
        let text = recipe.text(&message).unwrap();
        assert_eq!(text, str_of(vector, "text_to_sign"), "{name}");
        assert_eq!(text, pipe::text_to_sign(old_order, body), "{name}");
        let signature = str_of(vector, "signature");
        let key = match str_of(vector, "signed_with") {
            "merchant-test.key" => {
                for private in &merchant_keys {
                    assert_eq!(
                        recipe.sign(&message, SigningKey::Rsa(private)).unwrap(),
                        signature,
                        "{name}"
                    );
                }
                &merchant
            }
            "gateway-test.key" => &gateway,
            other => panic!("unknown key {other}"),
        };
        recipe
            .verify(&message, VerifyingKey::Rsa(key), signature)
            .unwrap();
        let other_key = if std::ptr::eq(key, &merchant) {
            &gateway
        } else {
            &merchant
        };
        assert_mismatch(
            recipe.verify(&message, VerifyingKey::Rsa(other_key), signature),
            name,
        );
        for (pointer, body) in tampered_bodies(body) {
            let tampered = Message {
                body: &body,
                ..message
            };
            assert_eq!(
                recipe.text(&tampered).unwrap(),
                pipe::text_to_sign(old_order, &body),
                "{name} {pointer}"
            );
            assert_mismatch(
                recipe.verify(&tampered, VerifyingKey::Rsa(key), signature),
                &format!("{name} {pointer}"),
            );
            tampered_checked += 1;
        }
        for malformed in ["", "not base64!", "AAAA", &signature[4..]] {
            assert_malformed(
                recipe.verify(&message, VerifyingKey::Rsa(key), malformed),
                name,
            );
        }
    }
    assert!(tampered_checked > 30);
}

#[test]
fn pipe_recipe_equals_todays_pipe_beyond_the_vectors() {
    let order = pipe_fields(&INIT_REQUEST);
    let bodies = [
        json!({"merchantId": "M", "orderNo": "", "dttm": null, "closePayment": true, "totalAmount": 12.5}),
        json!({"merchantId": "M", "cart": [
            {"name": "Shoes", "quantity": 1, "amount": 1000},
            null,
            {"description": "Shipping", "amount": 100, "name": "Post"}
        ]}),
        json!({"customer": {"account": {}, "name": "Jan"}, "order": {"billing": {"zip": "110 00", "city": "Praha"}}}),
        json!({"customer": "not an object", "cart": {"x": [1, {"y": 2}]}, "merchantData": [true, null]}),
        json!({"language": "cs", "ttlSec": 600, "merchantId": "ž|\"q\""}),
    ];
    for body in &bodies {
        assert_eq!(
            INIT_REQUEST.text(&message_with(body, &[])).unwrap(),
            pipe::text_to_sign(order, body),
            "{body}"
        );
    }
    assert_eq!(
        INIT_REQUEST.text(&message_with(&bodies[1], &[])).unwrap(),
        "M|Shoes|1|1000|Post|100|Shipping"
    );
    let actions = pipe_fields(&INIT_RESPONSE);
    let with_vars = json!({"payId": "p", "actions": {"fingerprint": {"browserInit": {
        "url": "https://acs.example/m", "method": "POST", "vars": {"b": "2", "a": "1"}}}}});
    assert_eq!(
        INIT_RESPONSE.text(&message_with(&with_vars, &[])).unwrap(),
        pipe::text_to_sign(actions, &with_vars)
    );
}

#[test]
fn absent_fields_keep_empty_slots_when_declared() {
    static POSITIONAL: FieldList = FieldList {
        fields: &[
            v("a"),
            obj("o", &[v("x"), v("y")]),
            Field::each("list", &Shape::Value),
            v("z"),
        ],
        separator: ";",
        absent: Absent::Empty,
        booleans: Booleans::Digits,
    };
    static RECIPE: Recipe = Recipe {
        text: &[Piece::Fields(POSITIONAL)],
        algorithm: Algorithm::Digest(DigestAlgorithm::Sha256),
        output: Output::HexLower,
        placement: Placement::EachItem {
            list: &["items"],
            field: &["sign"],
        },
    };
    let text = |body: Value| RECIPE.text(&message_with(&body, &[])).unwrap();
    assert_eq!(text(json!({"z": false})), ";;;0");
    assert_eq!(text(json!({"a": null, "o": {"y": 2}, "z": true})), ";;2;1");
    assert_eq!(
        text(json!({"a": 1, "list": [1, null, 3], "z": ""})),
        "1;;;1;;3;"
    );
}

// ---- monetix.json: today's flat scheme as a recipe ----------------------------------------

const fn flat_text(sort: FlatSort) -> Flat {
    Flat {
        exclude: &["signature"],
        nesting: ":",
        assign: ":",
        separator: ";",
        sort,
        escape: KeyEscape::Double,
        booleans: Booleans::Digits,
    }
}

static FLAT_HMAC_SHA512: Recipe = Recipe {
    text: &[Piece::Flat(flat_text(FlatSort::PathBytes))],
    algorithm: Algorithm::Hmac(HmacHash::Sha512, KeyEncoding::Text),
    output: Output::Base64,
    placement: Placement::Field(&["general", "signature"]),
};

#[test]
fn monetix_vectors_through_the_flat_recipe() {
    let vectors = read_vectors("monetix.json");
    assert_eq!(vectors.len(), 3, "vectors/monetix.json changed");
    for vector in &vectors {
        let key = secret(str_of(vector, "secret"));
        let body = &vector["body"];
        let message = message_with(body, &[]);
        let text = FLAT_HMAC_SHA512.text(&message).unwrap();
        assert_eq!(text, str_of(vector, "text_to_sign"));
        assert_eq!(text, flat::text_to_sign(body, "signature"));
        let signature = str_of(vector, "signature");
        assert_eq!(
            FLAT_HMAC_SHA512
                .sign(&message, SigningKey::Secret(&key))
                .unwrap(),
            signature
        );
        FLAT_HMAC_SHA512
            .verify(&message, VerifyingKey::Secret(&key), signature)
            .unwrap();
        assert_mismatch(
            FLAT_HMAC_SHA512.verify(
                &message,
                VerifyingKey::Secret(&secret("another secret")),
                signature,
            ),
            "another secret",
        );
        for (pointer, body) in tampered_bodies(body) {
            let tampered = Message {
                body: &body,
                ..message
            };
            let result = FLAT_HMAC_SHA512.verify(&tampered, VerifyingKey::Secret(&key), signature);
            if pointer.ends_with("/signature") {
                result.unwrap();
            } else {
                assert_mismatch(result, &pointer);
            }
        }
        assert_malformed(
            FLAT_HMAC_SHA512.verify(&message, VerifyingKey::Secret(&key), "not base64!"),
            "not Base64",
        );
    }
}

#[test]
fn flat_recipe_equals_todays_flat_at_the_edges() {
    let bodies = [
        json!({"signature": "a", "general": {"signature": "b", "id": 1}, "list": [{"signature": "c", "x": true}]}),
        json!({"a": null, "b": {}, "c": [], "d": false, "e": {"f": []}, "g": ""}),
        json!({"a:b": {"c": "x:y"}, "a": {"b:c": 1}}),
        json!({"id": "1", "id2": "2", "n": [1.5, -3, 10000000000u64]}),
    ];
    for body in &bodies {
        assert_eq!(
            FLAT_HMAC_SHA512.text(&message_with(body, &[])).unwrap(),
            flat::text_to_sign(body, "signature"),
            "{body}"
        );
    }
}

/// Twelve list items and the keys `id` and `id2`: the three orders all differ.
#[test]
fn the_three_flat_sort_orders_on_twelve_items() {
    let items: Vec<String> = ('a'..='l').map(String::from).collect();
    let body = json!({"items": items, "id2": "2", "id": "1"});
    let text = |sort| {
        let recipe = Recipe {
            text: Box::leak(Box::new([Piece::Flat(flat_text(sort))])),
            ..FLAT_HMAC_SHA512
        };
        recipe.text(&message_with(&body, &[])).unwrap()
    };
    assert_eq!(
        text(FlatSort::PathBytes),
        "id:1;id2:2;items:0:a;items:1:b;items:10:k;items:11:l;items:2:c;items:3:d;\
         items:4:e;items:5:f;items:6:g;items:7:h;items:8:i;items:9:j"
    );
    assert_eq!(
        text(FlatSort::Natural),
        "id:1;id2:2;items:0:a;items:1:b;items:2:c;items:3:d;items:4:e;items:5:f;\
         items:6:g;items:7:h;items:8:i;items:9:j;items:10:k;items:11:l"
    );
    assert_eq!(
        text(FlatSort::Lines),
        "id2:2;id:1;items:0:a;items:10:k;items:11:l;items:1:b;items:2:c;items:3:d;\
         items:4:e;items:5:f;items:6:g;items:7:h;items:8:i;items:9:j"
    );
}

// ---- the rest of the language -------------------------------------------------------------

#[test]
fn key_value_pairs_with_a_salt_in_front() {
    static PAIRS: Recipe = Recipe {
        text: &[
            Piece::Input("salt"),
            Piece::Pairs(Pairs {
                fields: &["amount", "currency", "missing", "paid", "nothing", "meta"],
                assign: "=",
                separator: "&",
                booleans: Booleans::Digits,
            }),
        ],
        algorithm: Algorithm::Digest(DigestAlgorithm::Sha256),
        output: Output::Base64,
        placement: Placement::Path("signature"),
    };
    let body = json!({"meta": {"k": [1, "v"]}, "currency": "CZK", "nothing": null, "paid": true, "amount": 100});
    let inputs = [("salt", secret("pepper:"))];
    let message = message_with(&body, &inputs);
    assert_eq!(
        PAIRS.text(&message).unwrap(),
        "pepper:amount=100&currency=CZK&paid=1&meta={\"k\":[1,\"v\"]}"
    );
    let signature = PAIRS.sign(&message, SigningKey::None).unwrap();
    PAIRS
        .verify(&message, VerifyingKey::None, &signature)
        .unwrap();
}

#[test]
fn rsa_sha512_signs_with_ring_and_is_not_taken_for_sha256() {
    static SHA512: Recipe = Recipe {
        algorithm: Algorithm::RsaPkcs1(RsaHash::Sha512),
        ..ECHO_REQUEST
    };
    let private = RsaPrivateKey::from_pem(&read_key("merchant-test.key")).unwrap();
    let public = RsaPublicKey::from_pem(&read_key("merchant-test.pub")).unwrap();
    let body = json!({"merchantId": "M1MIPS0000", "origPayId": "0e92dd54b133@HA", "dttm": "20220125131559"});
    let message = message_with(&body, &[]);
    let signature = SHA512.sign(&message, SigningKey::Rsa(&private)).unwrap();
    // PKCS#1 v1.5 is deterministic.
    assert_eq!(
        SHA512.sign(&message, SigningKey::Rsa(&private)).unwrap(),
        signature
    );
    SHA512
        .verify(&message, VerifyingKey::Rsa(&public), &signature)
        .unwrap();
    assert_mismatch(
        ECHO_REQUEST.verify(&message, VerifyingKey::Rsa(&public), &signature),
        "SHA-512 signature read as SHA-256",
    );
    assert!(matches!(
        SHA512.sign(&message, SigningKey::Secret(&secret("x"))),
        Err(RecipeError::WrongKey { .. })
    ));
}

/// A message may carry several signatures, each its own recipe and placement.
#[test]
fn several_signatures_on_one_message() {
    static SIGNATURES: [Recipe; 2] = [
        RSA_SHA1,
        Recipe {
            text: &[Piece::Flat(flat_text(FlatSort::Natural))],
            algorithm: Algorithm::Hmac(HmacHash::Sha512, KeyEncoding::Base64),
            output: Output::HexUpper,
            placement: Placement::Header(HeaderValue {
                name: "X-Signature",
                items: &[],
                separator: "",
                assign: "",
            }),
        },
    ];
    let rsa_key = Sha1RsaPrivateKey::from_pem(&read_key("merchant-test.key")).unwrap();
    let rsa_public = RsaPublicKey::from_pem(&read_key("merchant-test.pub")).unwrap();
    let hmac_key = secret("c2VjcmV0IGtleSBieXRlcw==");
    let body = sha1_order_body();
    let message = message_with(&body, &[]);
    let keys = [
        (
            SigningKey::RsaSha1(&rsa_key),
            VerifyingKey::Rsa(&rsa_public),
        ),
        (
            SigningKey::Secret(&hmac_key),
            VerifyingKey::Secret(&hmac_key),
        ),
    ];
    let mut signatures = Vec::new();
    for (recipe, (signing, verifying)) in SIGNATURES.iter().zip(keys) {
        let signature = recipe.sign(&message, signing).unwrap();
        recipe.verify(&message, verifying, &signature).unwrap();
        signatures.push(signature);
    }
    assert_eq!(
        signatures[0],
        str_of(&family(1, "rsa_pkcs1_sha1"), "signature")
    );
    assert_eq!(signatures[1].len(), 128);
    assert_eq!(signatures[1], signatures[1].to_uppercase());
    let Placement::Header(header) = SIGNATURES[1].placement else {
        panic!("the second signature travels in a header");
    };
    assert_eq!(
        header.render(&signatures[1], &message).unwrap(),
        signatures[1]
    );
    assert_eq!(
        header.parse(&signatures[1]).unwrap().signature,
        signatures[1]
    );
    assert!(matches!(
        SIGNATURES[1].sign(&message, SigningKey::Secret(&secret("not base64!"))),
        Err(RecipeError::MalformedSecret(KeyEncoding::Base64))
    ));
}

#[test]
fn secrets_and_message_content_stay_out_of_debug_and_errors() {
    let body = json!({"card": {"pan": "4242424242424242", "cvv": "123"}});
    let inputs = [("salt", secret("s4lt-value"))];
    let message = message_with(&body, &inputs);
    let shown = format!("{message:?}");
    assert!(shown.contains("salt"), "{shown}");
    for hidden in ["4242424242424242", "123", "s4lt-value"] {
        assert!(!shown.contains(hidden), "{shown}");
    }
    let key = Sha1RsaPrivateKey::from_pem(&read_key("merchant-test.key")).unwrap();
    assert_eq!(format!("{key:?}"), "Sha1RsaPrivateKey(***)");
    let error = ASSIST_RESULT
        .sign(&message_with(&body, &[]), SigningKey::None)
        .unwrap_err();
    assert_eq!(error.to_string(), "the message lacks the input `salt`");
    assert!(matches!(
        Sha1RsaPrivateKey::from_pem(&read_key("merchant-test.pub")),
        Err(oneclick_runtime::KeyError::WrongKind { .. })
    ));
    assert!(matches!(
        Sha1RsaPrivateKey::from_pem("no key here"),
        Err(oneclick_runtime::KeyError::NoPem)
    ));
    assert!(matches!(
        Sha1RsaPrivateKey::from_pem(
            "-----BEGIN ENCRYPTED PRIVATE KEY-----\nMAA=\n-----END ENCRYPTED PRIVATE KEY-----\n"
        ),
        Err(oneclick_runtime::KeyError::Encrypted)
    ));
}

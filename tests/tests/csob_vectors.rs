//! `vectors/csob.json` and `vectors/csob-lifecycle.json`, computed outside the project,
//! reproduced through the signature orders of `spec/csob.yaml` (not hand-written ones): the
//! signed text and the RSA signature byte for byte, the responses verified with the gateway key,
//! and every tampered copy rejected.

use oneclick_csob::{RsaPrivateKey, RsaPublicKey, schema};
use oneclick_runtime::recipe::Field;
use oneclick_runtime::signature::{pipe, sign_rsa_sha256, verify_rsa_sha256};
use serde_json::Value;

fn vectors_file(name: &str) -> String {
    let path = concat!(env!("CARGO_MANIFEST_DIR"), "/../vectors/");
    std::fs::read_to_string(format!("{path}{name}")).expect("vector file")
}

fn order(message: &str) -> &'static [Field] {
    match message {
        "oneclick/echo request" => schema::ONECLICK_ECHO.request_signature,
        "oneclick/init request" => schema::ONECLICK_INIT.request_signature,
        "oneclick/process request" => schema::ONECLICK_PROCESS.request_signature,
        "payment/status request" => schema::PAYMENT_STATUS.request_signature,
        "oneclick/echo response" => schema::ONECLICK_ECHO.response_signature,
        "oneclick/init response" => schema::ONECLICK_INIT.response_signature,
        "oneclick/process response" => schema::ONECLICK_PROCESS.response_signature,
        "payment/init request" => schema::PAYMENT_INIT.request_signature,
        "payment/init response" => schema::PAYMENT_INIT.response_signature,
        "payment/process request" => schema::PAYMENT_PROCESS.request_signature,
        "payment/close request" => schema::PAYMENT_CLOSE.request_signature,
        "payment/close response" => schema::PAYMENT_CLOSE.response_signature,
        "payment/reverse request" => schema::PAYMENT_REVERSE.request_signature,
        "payment/refund request" => schema::PAYMENT_REFUND.request_signature,
        "payment/refund response" => schema::PAYMENT_REFUND.response_signature,
        "echo request" => schema::ECHO.request_signature,
        "echo response" => schema::ECHO.response_signature,
        "echo/customer request" => schema::ECHO_CUSTOMER.request_signature,
        "echo/customer response" => schema::ECHO_CUSTOMER.response_signature,
        other => panic!("a vector for an unknown message: {other}"),
    }
}

fn vectors(file: &str) -> Vec<Value> {
    serde_json::from_str::<Value>(&vectors_file(file))
        .unwrap()
        .as_array()
        .unwrap()
        .clone()
}

fn tamper(value: &mut Value) {
    *value = match value.take() {
        Value::String(s) => Value::String(format!("{s}x")),
        Value::Number(n) => Value::from(n.as_i64().unwrap_or(0) + 1),
        Value::Bool(b) => Value::Bool(!b),
        other => other,
    };
}

#[test]
fn spec_orders_reproduce_every_vector() {
    let all = vectors("csob.json");
    assert_eq!(all.len(), 7);
    reproduce(all);
}

#[test]
fn spec_orders_reproduce_every_lifecycle_vector_but_the_customer_s_return() {
    let all = vectors("csob-lifecycle.json");
    assert_eq!(all.len(), 13);
    let (returns, calls): (Vec<Value>, Vec<Value>) = all
        .into_iter()
        .partition(|v| v["message"] == "payment/response message");
    assert_eq!(returns.len(), 1);
    reproduce(calls);
}

fn reproduce(all: Vec<Value>) {
    let merchant_pkcs8 = RsaPrivateKey::from_pem(&vectors_file("merchant-test.key")).unwrap();
    let merchant_pkcs1 = RsaPrivateKey::from_pem(&vectors_file("merchant-test-pkcs1.key")).unwrap();
    let merchant_public = RsaPublicKey::from_pem(&vectors_file("merchant-test.pub")).unwrap();
    let gateway_public = RsaPublicKey::from_pem(&vectors_file("gateway-test.pub")).unwrap();
    for vector in all {
        let message = vector["message"].as_str().unwrap();
        let body = &vector["body"];
        let expected_text = vector["text_to_sign"].as_str().unwrap();
        let signature = vector["signature"].as_str().unwrap();
        let order = order(message);
        assert_eq!(pipe::text_to_sign(order, body), expected_text, "{message}");

        let verifier = match vector["signed_with"].as_str().unwrap() {
            "merchant-test.key" => {
                assert_eq!(
                    sign_rsa_sha256(&merchant_pkcs8, expected_text).unwrap(),
                    signature,
                    "{message}"
                );
                assert_eq!(
                    sign_rsa_sha256(&merchant_pkcs1, expected_text).unwrap(),
                    signature,
                    "{message}"
                );
                &merchant_public
            }
            "gateway-test.key" => &gateway_public,
            other => panic!("unknown key {other}"),
        };
        verify_rsa_sha256(verifier, expected_text, signature)
            .unwrap_or_else(|e| panic!("{message}: {e}"));

        for pointer in oneclick_tests::leaves(body) {
            let mut copy = body.clone();
            tamper(copy.pointer_mut(&pointer).unwrap());
            let text = pipe::text_to_sign(order, &copy);
            assert!(
                verify_rsa_sha256(verifier, &text, signature).is_err(),
                "{message}: changing {pointer} must break the signature"
            );
        }
        let mut forged = signature.as_bytes().to_vec();
        forged[10] = if forged[10] == b'A' { b'B' } else { b'A' };
        let forged = String::from_utf8(forged).unwrap();
        assert!(
            verify_rsa_sha256(verifier, expected_text, &forged).is_err(),
            "{message}"
        );
    }
}

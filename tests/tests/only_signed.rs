//! `only_signed` with the signing fixture's `order_return`: a return that carries only its
//! signed fields, its signature and the declared unsigned `lang` verifies; any other field is
//! refused by name, even though the signature over the signed fields is sound.

use oneclick_runtime::SignatureError;
use oneclick_runtime::signature::sign_rsa_sha256;
use oneclick_signing::{Client, Credentials, Environment, Error, RsaPrivateKey, RsaPublicKey};
use oneclick_simulator::http::form_encode;

fn key(name: &str) -> String {
    std::fs::read_to_string(format!("{}/../vectors/{name}", env!("CARGO_MANIFEST_DIR"))).unwrap()
}

fn client() -> Client {
    let credentials = Credentials::new(
        "M1",
        RsaPrivateKey::from_pem(&key("merchant-test.key")).unwrap(),
        RsaPublicKey::from_pem(&key("gateway-test.pub")).unwrap(),
    );
    Client::new(Environment::Sandbox, credentials).unwrap()
}

/// The return as the gateway sends it: orderId, state and note signed in that order, then
/// `extra` fields that the signature does not cover.
fn signed_return(extra: &[(&str, &str)]) -> String {
    let gateway = RsaPrivateKey::from_pem(&key("gateway-test.key")).unwrap();
    let signature = sign_rsa_sha256(&gateway, "17|4|gift wrap").unwrap();
    let mut fields: Vec<(String, String)> =
        [("orderId", "17"), ("state", "4"), ("note", "gift wrap")]
            .iter()
            .chain(extra)
            .map(|(k, v)| ((*k).to_owned(), (*v).to_owned()))
            .collect();
    fields.push(("signature".to_owned(), signature));
    form_encode(&fields)
}

fn unsigned_field(query: &str) -> String {
    match client().verify_order_return(query).unwrap_err() {
        Error::Signature {
            source: SignatureError::Unsigned { field },
            ..
        } => field,
        other => panic!("not refused as unsigned: {other:?}"),
    }
}

#[test]
fn a_return_of_signed_fields_and_the_declared_unsigned_one_verifies() {
    let plain = client().verify_order_return(signed_return(&[])).unwrap();
    assert_eq!(plain.order_id, "17");
    assert_eq!(plain.lang, None);
    let with_lang = client()
        .verify_order_return(signed_return(&[("lang", "cs")]))
        .unwrap();
    assert_eq!(with_lang.lang.as_deref(), Some("cs"));
}

#[test]
fn a_field_the_signature_does_not_cover_is_refused_by_name() {
    assert_eq!(unsigned_field(&signed_return(&[("amount", "1")])), "amount");
    let err = client()
        .verify_order_return(signed_return(&[("lang", "cs"), ("paid", "true")]))
        .unwrap_err();
    assert_eq!(
        err.to_string(),
        Error::Signature {
            operation: "order_return",
            source: SignatureError::unsigned("paid"),
        }
        .to_string()
    );
    assert!(err.to_string().contains("`paid`"), "{err}");
}

#[test]
fn a_field_name_that_could_be_card_data_is_not_repeated() {
    let pan = "4111111111111111";
    let field = unsigned_field(&signed_return(&[(pan, "")]));
    assert!(!field.contains("4111"), "{field}");
    let long = "x".repeat(65);
    let field = unsigned_field(&signed_return(&[(long.as_str(), "1")]));
    assert_eq!(field, "<a field name of 65 bytes>");
}

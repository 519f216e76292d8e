//! `vectors/monetix.json`, computed outside the project (the first two are the published
//! vectors of the platform's own SDKs), reproduced byte for byte, and the flat text's rules at
//! their edges.

use oneclick_runtime::Secret;
use oneclick_runtime::signature::{flat, sign_hmac_sha512, verify_hmac_sha512};
use serde_json::{Value, json};

fn vectors() -> Vec<Value> {
    let path = concat!(env!("CARGO_MANIFEST_DIR"), "/../vectors/monetix.json");
    let text = std::fs::read_to_string(path).expect("vectors/monetix.json");
    serde_json::from_str::<Value>(&text)
        .unwrap()
        .as_array()
        .unwrap()
        .clone()
}

#[test]
fn every_vector_is_reproduced_byte_for_byte() {
    for vector in vectors() {
        let secret = Secret::new(vector["secret"].as_str().unwrap().to_string());
        let text = flat::text_to_sign(&vector["body"], "signature");
        assert_eq!(text, vector["text_to_sign"].as_str().unwrap());
        let signature = sign_hmac_sha512(&secret, &text);
        assert_eq!(signature, vector["signature"].as_str().unwrap());
        verify_hmac_sha512(&secret, &text, &signature).unwrap();
        let other = Secret::new("another secret".to_string());
        assert!(verify_hmac_sha512(&other, &text, &signature).is_err());
        let mut tampered = vector["body"].clone();
        tampered["extra"] = json!("x");
        assert!(
            verify_hmac_sha512(
                &secret,
                &flat::text_to_sign(&tampered, "signature"),
                &signature
            )
            .is_err()
        );
    }
}

#[test]
fn signature_keys_are_dropped_at_every_depth() {
    let message = json!({"signature": "a", "general": {"signature": "b", "id": 1}, "list": [{"signature": "c", "x": true}]});
    assert_eq!(
        flat::text_to_sign(&message, "signature"),
        "general:id:1;list:0:x:1"
    );
}

#[test]
fn nulls_empty_containers_and_booleans() {
    let message = json!({"a": null, "b": {}, "c": [], "d": false, "e": {"f": []}, "g": ""});
    assert_eq!(flat::text_to_sign(&message, "signature"), "a:;d:0;g:");
}

#[test]
fn colons_inside_keys_are_doubled() {
    let message = json!({"a:b": {"c": "x:y"}});
    assert_eq!(flat::text_to_sign(&message, "signature"), "a::b:c:x:y");
}

#[test]
fn lists_of_ten_or_more_sort_by_their_full_path() {
    let items: Vec<Value> = (0..12).map(|i| json!(i)).collect();
    let text = flat::text_to_sign(&json!({"l": items}), "signature");
    // Byte order of the path: `l:10` and `l:11` come between `l:1` and `l:2`.
    assert_eq!(
        text,
        "l:0:0;l:1:1;l:10:10;l:11:11;l:2:2;l:3:3;l:4:4;l:5:5;l:6:6;l:7:7;l:8:8;l:9:9"
    );
}

#[test]
fn malformed_signatures_are_rejected_without_panicking() {
    let secret = Secret::new("s".to_string());
    for bad in ["", "not base64!", "AAAA"] {
        assert!(verify_hmac_sha512(&secret, "text", bad).is_err(), "{bad:?}");
    }
}

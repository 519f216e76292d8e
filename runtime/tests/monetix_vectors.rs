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
fn lists_of_objects_sort_by_path_bytes_as_well() {
    // Inside an object, `l:10:n` sorts before `l:1:n` (`0` is below `:`), so items 10 and 11
    // come before item 1 here, while scalar items put `l:1` first (a prefix sorts first).
    let items: Vec<Value> = (0..12).map(|i| json!({"n": i})).collect();
    let text = flat::text_to_sign(&json!({"l": items}), "signature");
    assert_eq!(
        text,
        "l:0:n:0;l:10:n:10;l:11:n:11;l:1:n:1;l:2:n:2;l:3:n:3;l:4:n:4;l:5:n:5;l:6:n:6;l:7:n:7;l:8:n:8;l:9:n:9"
    );
}

#[test]
fn the_sort_key_is_the_path_not_the_whole_line() {
    // Sorting whole `path:value` lines would put `id2:y` first (`2` is below `:`) and
    // `a-b:z` before `a:x`.
    let message = json!({"id2": "y", "id": "x", "a-b": "z", "a": "x"});
    assert_eq!(
        flat::text_to_sign(&message, "signature"),
        "a:x;a-b:z;id:x;id2:y"
    );
}

#[test]
fn nested_lists_numbers_and_non_ascii_keys() {
    let message = json!({
        "m": [[1, 2], [], [{"k": null}]],
        "n": {"neg": -1, "big": u64::MAX, "frac": 1.5},
        "ž": "é",
        "Z": "upper case sorts first",
    });
    assert_eq!(
        flat::text_to_sign(&message, "signature"),
        "Z:upper case sorts first;m:0:0:1;m:0:1:2;m:2:0:k:;n:big:18446744073709551615;n:frac:1.5;n:neg:-1;ž:é"
    );
}

#[test]
fn malformed_signatures_are_rejected_without_panicking() {
    let secret = Secret::new("s".to_string());
    for bad in ["", "not base64!", "AAAA"] {
        assert!(verify_hmac_sha512(&secret, "text", bad).is_err(), "{bad:?}");
    }
}

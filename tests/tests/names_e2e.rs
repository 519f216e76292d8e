//! Wire names Rust cannot use as they are (`self`, `crate`, `super`, `type`, `3ds`, prelude type
//! names) travel under their own names through the renamed Rust fields, over HTTP; a callback
//! nothing verifies is only decoded, by a method named so.

use oneclick_names::{Client, Credentials, Environment, LookupRequest, PaymentRef, Scheme};
use oneclick_tests::{Reply, TestServer};
use serde_json::json;

fn client(base_url: String) -> Client {
    Client::new(Environment::Custom(base_url), Credentials::new()).unwrap()
}

#[tokio::test]
async fn renamed_fields_travel_under_their_wire_names() {
    let server = TestServer::start(|_| {
        Reply::json(json!({"self": "p1", "3ds": false, "type": "Option"}).to_string())
    })
    .await;
    let request = LookupRequest::new(PaymentRef::try_from("p1").unwrap())
        .crate_("c".into())
        .super_(3)
        .r#type(Scheme::ThreeDs)
        .f_3ds(true)
        .result("r".into());
    let answer = client(server.url("")).lookup(&request).await.unwrap();
    assert_eq!(
        server.received()[0].json(),
        json!({"self": "p1", "crate": "c", "super": 3, "type": "3ds", "3ds": true, "Result": "r"})
    );
    assert_eq!(answer.self_, "p1");
    assert_eq!(answer.f_3ds, Some(false));
    assert_eq!(answer.r#type, Some(Scheme::Option));
}

#[test]
fn an_unverified_callback_is_decoded_and_a_malformed_one_refused() {
    let client = client("http://127.0.0.1:9".into());
    let status = client
        .decode_status(br#"{"self": "p1", "type": "Box"}"#)
        .unwrap();
    assert_eq!(status.self_, "p1");
    assert_eq!(status.r#type, Some(Scheme::Box));
    assert!(client.decode_status(b"not json").is_err());
    assert!(client.decode_status(br#"{"type": "3ds"}"#).is_err());
}

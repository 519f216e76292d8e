//! Signature recipes declared in `tests/specs/recipes.yaml`, run through the generated client:
//! every case of `vectors/signature-families.json` and `vectors/assist-checkvalue.json`, the
//! requests signed over loopback HTTP byte for byte, the received messages verified, and a
//! changed or forged message refused.

use oneclick_recipes::{
    AssistOrderRequest, Client, CreateOrderRequest, Credentials, Environment, Error,
    ListOrdersRequest, RegisterRequest,
};
use std::sync::Arc;

use oneclick_runtime::recipe::Sha1RsaPrivateKey;
use oneclick_runtime::{Configure, FixedClock, SignatureError};
use oneclick_tests::{Reply, TestServer};
use serde_json::{Value, json};

fn vectors(name: &str) -> Vec<Value> {
    let path = format!("{}/../vectors/{name}", env!("CARGO_MANIFEST_DIR"));
    let text = std::fs::read_to_string(&path).unwrap_or_else(|e| panic!("{path}: {e}"));
    serde_json::from_str::<Value>(&text)
        .unwrap()
        .as_array()
        .unwrap()
        .clone()
}

fn family(index: usize) -> Value {
    let families = vectors("signature-families.json");
    assert_eq!(families.len(), 5, "vectors/signature-families.json changed");
    families[index].clone()
}

fn text(vector: &Value, key: &str) -> String {
    vector[key]
        .as_str()
        .unwrap_or_else(|| panic!("no {key}"))
        .to_owned()
}

fn credentials(salt: &str) -> Credentials {
    let pem = std::fs::read_to_string(format!(
        "{}/../vectors/merchant-test.key",
        env!("CARGO_MANIFEST_DIR")
    ))
    .unwrap();
    Credentials::new(
        text(&family(0), "key_hex"),
        Sha1RsaPrivateKey::from_pem(&pem).unwrap(),
        "11111111",
        text(&family(4), "secret"),
        salt,
    )
}

fn client(base_url: &str, salt: &str) -> Client {
    Client::new(Environment::Custom(base_url.to_owned()), credentials(salt)).unwrap()
}

fn client_with_list_salt(base_url: &str, list_salt: &str) -> Client {
    Client::new(
        Environment::Custom(base_url.to_owned()),
        credentials("s4lt").with_list_salt(list_salt),
    )
    .unwrap()
}

fn offline() -> Client {
    client("http://127.0.0.1:9", "s4lt")
}

fn refused(result: Result<impl std::fmt::Debug, Error>) -> SignatureError {
    match result {
        Err(Error::Signature { source, .. }) => source,
        other => panic!("expected a refused signature, got {other:?}"),
    }
}

#[tokio::test]
async fn an_order_carries_both_sha1_signatures() {
    let server = TestServer::start(|_| Reply::json(json!({"ok": true}).to_string())).await;
    let request = CreateOrderRequest::new(
        "11111111".into(),
        "CREATE_ORDER".into(),
        "123456".into(),
        10000,
        "203".into(),
        1,
        "https://shop.example.com/result".into(),
    );
    client(&server.url(""), "s4lt")
        .create_order(&request)
        .await
        .unwrap();
    let sent = server.received()[0].json();
    assert_eq!(sent["signature"], json!(text(&family(1), "signature")));
    assert_eq!(sent["signature2"], json!(text(&family(2), "signature")));
}

#[tokio::test]
async fn a_registration_carries_its_sha384_check_sum() {
    let server = TestServer::start(|_| Reply::json(json!({"token": "t"}).to_string())).await;
    let vector = family(3);
    let chosen: Value = serde_json::from_str(&text(&vector, "text_to_sign")).unwrap();
    let mut request = RegisterRequest::new(
        chosen["sessionId"].as_str().unwrap().into(),
        chosen["merchantId"].as_i64().unwrap(),
        chosen["amount"].as_i64().unwrap(),
        chosen["currency"].as_str().unwrap().into(),
        chosen["crc"].as_str().unwrap().into(),
    );
    // A field outside the chosen ones is sent but not covered.
    request.description = Some("Order 1001".to_owned());
    client(&server.url(""), "s4lt")
        .register(&request)
        .await
        .unwrap();
    assert_eq!(
        server.received()[0].json()["sign"],
        json!(text(&vector, "signature"))
    );
}

#[tokio::test]
async fn an_assist_order_carries_its_check_value() {
    let vector = vectors("assist-checkvalue.json")
        .into_iter()
        .find(|v| v["use"] == "order")
        .unwrap();
    let server = TestServer::start(|_| Reply::json(json!({"ok": true}).to_string())).await;
    let values: Vec<String> = vector["values"]
        .as_array()
        .unwrap()
        .iter()
        .map(|v| v.as_str().unwrap().to_owned())
        .collect();
    let request = AssistOrderRequest::new(
        values[0].clone(),
        values[1].clone(),
        values[2].clone(),
        values[3].clone(),
    );
    client(&server.url(""), &text(&vector, "salt"))
        .assist_order(&request)
        .await
        .unwrap();
    assert_eq!(
        server.received()[0].json()["checkvalue"],
        json!(text(&vector, "checkvalue"))
    );
}

#[test]
fn a_notification_verifies_with_its_hex_key_and_a_changed_one_does_not() {
    let vector = family(0);
    let mut message = json!({
        "eventCode": "AUTHORISATION",
        "pspReference": "7914073381342284",
        "merchantAccountCode": "TestMerchant",
        "merchantReference": "TestPayment-1407325143704",
        "amount": {"currency": "EUR", "value": 1130},
        "success": true,
        "additionalData": {"hmacSignature": text(&vector, "signature")},
    });
    let client = offline();
    let verified = client
        .verify_notification(message.to_string().as_bytes())
        .unwrap();
    assert_eq!(verified.amount.value, 1130);

    message["amount"]["value"] = json!(113000);
    assert!(matches!(
        refused(client.verify_notification(message.to_string().as_bytes())),
        SignatureError::Mismatch
    ));
    message["additionalData"] = json!({});
    assert!(matches!(
        refused(client.verify_notification(message.to_string().as_bytes())),
        SignatureError::Missing
    ));
}

/// The webhook vector's client, its clock `seconds_after` the vector's signed timestamp.
fn webhook_client(seconds_after: i64) -> Client {
    let signed = std::time::UNIX_EPOCH + std::time::Duration::from_secs(1_700_000_000);
    let now = if seconds_after >= 0 {
        signed + std::time::Duration::from_secs(seconds_after.unsigned_abs())
    } else {
        signed - std::time::Duration::from_secs(seconds_after.unsigned_abs())
    };
    offline().with_clock(Arc::new(FixedClock(now)))
}

#[test]
fn a_webhook_verifies_from_its_raw_body_and_header() {
    let vector = family(4);
    let raw = text(&vector, "raw_body");
    let header = text(&vector, "header");
    let client = webhook_client(0);
    let event = client
        .verify_webhook(raw.as_bytes(), &[("webhook-signature", header.as_str())])
        .unwrap();
    assert_eq!(event.amount, 1000);

    // The same JSON written otherwise is another raw body.
    let respaced = raw.replace(",", ", ");
    assert!(matches!(
        refused(client.verify_webhook(
            respaced.as_bytes(),
            &[("Webhook-Signature", header.as_str())]
        )),
        SignatureError::Mismatch
    ));
    let replayed = header.replace("t=1700000000", "t=1700000001");
    assert!(matches!(
        refused(client.verify_webhook(raw.as_bytes(), &[("Webhook-Signature", replayed.as_str())])),
        SignatureError::Mismatch
    ));
    assert!(matches!(
        refused(client.verify_webhook(raw.as_bytes(), &[])),
        SignatureError::Missing
    ));
}

/// `max_age: 300` in the spec: a webhook whose signature verifies is still refused once its
/// signed timestamp is more than 300 seconds from the clock, either way, so a captured event
/// cannot be replayed later.
#[test]
fn a_webhook_is_refused_outside_its_freshness_window() {
    let vector = family(4);
    let raw = text(&vector, "raw_body");
    let header = text(&vector, "header");
    let verify = |seconds_after: i64| {
        webhook_client(seconds_after)
            .verify_webhook(raw.as_bytes(), &[("Webhook-Signature", header.as_str())])
    };
    for within in [-300, -1, 1, 299, 300] {
        assert_eq!(verify(within).unwrap().amount, 1000, "{within} s");
    }
    for (outside, age) in [(301, 301), (86_400, 86_400), (-301, -301)] {
        match refused(verify(outside)) {
            SignatureError::Stale {
                age_seconds,
                max_age,
            } => assert_eq!((age_seconds, max_age), (age, 300)),
            other => panic!("{outside} s: expected a stale message, got {other:?}"),
        }
    }
    // A forged signature is refused as such, whatever its age: the window is checked only
    // on a message whose signature verifies.
    let forged = header.replace("v1=", "v1=00");
    assert!(matches!(
        refused(
            webhook_client(86_400)
                .verify_webhook(raw.as_bytes(), &[("Webhook-Signature", forged.as_str())])
        ),
        SignatureError::Malformed | SignatureError::Mismatch
    ));
}

#[test]
fn assist_results_verify_with_their_salt_and_a_changed_state_does_not() {
    let results: Vec<Value> = vectors("assist-checkvalue.json")
        .into_iter()
        .filter(|v| v["use"] == "result")
        .collect();
    assert_eq!(results.len(), 2);
    for vector in results {
        let mut message = serde_json::Map::new();
        for (field, value) in vector["fields"]
            .as_array()
            .unwrap()
            .iter()
            .zip(vector["values"].as_array().unwrap())
        {
            message.insert(field.as_str().unwrap().to_owned(), value.clone());
        }
        message.insert("checkvalue".to_owned(), vector["checkvalue"].clone());
        let mut message = Value::Object(message);
        let client = client("http://127.0.0.1:9", &text(&vector, "salt"));
        client
            .verify_assist_result(message.to_string().as_bytes())
            .unwrap();
        message["orderstate"] = json!("Approved!");
        assert!(matches!(
            refused(client.verify_assist_result(message.to_string().as_bytes())),
            SignatureError::Mismatch
        ));
    }
}

/// Each listed order verifies with the salt over its own fields, as Assist's orderresult orders
/// do: the vectors' second result, whose text is merchant, order, amount, currency and state
/// run together, is split here into `id` and `state`.
#[tokio::test]
async fn each_listed_order_verifies_only_when_the_optional_salt_is_configured() {
    let vector = vectors("assist-checkvalue.json")
        .into_iter()
        .filter(|v| v["use"] == "result")
        .nth(1)
        .unwrap();
    let values: Vec<&str> = vector["values"]
        .as_array()
        .unwrap()
        .iter()
        .map(|v| v.as_str().unwrap())
        .collect();
    let id = values[..4].concat();
    let order = |state: &str, check: Value| json!({"id": id, "state": state, "check": check});
    let good = json!({"page": {"orders": [
        order(values[4], json!({"sum": vector["checkvalue"]})),
        order(values[4], json!({"made": "today", "sum": vector["checkvalue"]})),
    ]}});
    let list = |answer: Value, salt: Option<String>| async move {
        let server = TestServer::start(move |_| Reply::json(answer.to_string())).await;
        let client = match salt {
            Some(salt) => client_with_list_salt(&server.url(""), &salt),
            None => client(&server.url(""), "s4lt"),
        };
        client
            .list_orders(&ListOrdersRequest::new("c1".into()))
            .await
    };
    let salt = text(&vector, "salt");
    let listed = list(good.clone(), Some(salt.clone())).await.unwrap();
    assert_eq!(listed.page.orders.len(), 2);

    let mut changed = good.clone();
    changed["page"]["orders"][1]["state"] = json!("Canceled");
    assert!(matches!(
        refused(list(changed.clone(), Some(salt.clone())).await),
        SignatureError::Mismatch
    ));
    assert!(matches!(
        refused(list(good.clone(), Some("another salt".to_owned())).await),
        SignatureError::Mismatch
    ));
    let mut unsigned = good.clone();
    unsigned["page"]["orders"][0]["check"] = json!({"made": "today"});
    assert!(matches!(
        refused(list(unsigned, Some(salt.clone())).await),
        SignatureError::Missing
    ));
    let unchecked = list(changed, None).await.unwrap();
    assert_eq!(unchecked.page.orders[1].state, "Canceled");
}

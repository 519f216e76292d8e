//! Typed answers that lose nothing, over HTTP: open named types keep the fields they do not
//! name, a field sent in either of two places (`also_at`) is read from whichever was used, and
//! a token-checked notification is decoded only when its token matches.

use oneclick_answers::{Client, Credentials, Environment, Error, GetOrderRequest, OrderRef};
use oneclick_tests::{Reply, TestServer};
use serde_json::json;

fn client(server: &TestServer) -> Client {
    Client::new(Environment::Custom(server.url("")), Credentials::new()).unwrap()
}

async fn order_answering(body: serde_json::Value) -> oneclick_answers::GetOrderResponse {
    let server = TestServer::start(move |_| Reply::json(body.to_string())).await;
    client(&server)
        .get_order(&GetOrderRequest::new(OrderRef::try_from("o1").unwrap()))
        .await
        .unwrap()
}

fn event_ids(answer: &oneclick_answers::GetOrderResponse) -> Option<Vec<&str>> {
    answer
        .events_wherever_sent()
        .map(|events| events.iter().map(|e| e.id.as_str()).collect())
}

#[tokio::test]
async fn a_field_is_read_from_either_place_the_documented_one_first() {
    let documented =
        order_answering(json!({"status": {"state": "PAID"}, "events": [{"id": "top"}]})).await;
    assert_eq!(event_ids(&documented), Some(vec!["top"]));

    let nested = order_answering(
        json!({"status": {"state": "PAID", "detail": {"events": [{"id": "inner"}]}}}),
    )
    .await;
    assert_eq!(nested.events, None);
    assert_eq!(event_ids(&nested), Some(vec!["inner"]));

    let both = order_answering(json!({"status": {"state": "PAID", "detail": {"events": [{"id": "inner"}]}}, "events": [{"id": "top"}]})).await;
    assert_eq!(event_ids(&both), Some(vec!["top"]));

    let neither = order_answering(json!({"status": {"state": "PAID", "detail": {}}})).await;
    assert_eq!(event_ids(&neither), None);
}

#[tokio::test]
async fn open_types_keep_and_give_back_what_they_do_not_name() {
    let sent = json!({"status": {"state": "PAID", "since": "2026-11-30", "detail": {"events": [{"id": "e1", "kind": "NEW"}], "source": "api"}}, "extra": [1]});
    let answer = order_answering(sent.clone()).await;
    assert_eq!(answer.status.other["since"], "2026-11-30");
    let detail = answer.status.detail.as_ref().unwrap();
    assert_eq!(detail.other["source"], "api");
    assert_eq!(detail.events.as_ref().unwrap()[0].other["kind"], "NEW");
    assert_eq!(answer.other["extra"], json!([1]));
    assert_eq!(
        serde_json::to_value(&answer).unwrap(),
        sent,
        "nothing is lost"
    );
}

#[tokio::test]
async fn a_sensitive_field_of_an_open_type_stays_hidden_beside_the_kept_fields() {
    let answer = order_answering(json!({"status": {"state": "PAID"}, "events": [{"id": "e1", "secret": "4111111111111111", "kind": "NEW"}]})).await;
    let printed = format!("{answer:?}");
    assert!(!printed.contains("4111111111111111"), "{printed}");
    assert!(
        printed.contains("NEW"),
        "the kept fields still print: {printed}"
    );
}

#[test]
fn a_notification_is_decoded_only_with_its_token() {
    let client = Client::new(Environment::Local, Credentials::new()).unwrap();
    let raw = br#"{"orderToken": "t-123", "event": {"id": "e1"}}"#;
    let notification = client.verify_notification(raw, "t-123").unwrap();
    assert_eq!(notification.event.id, "e1");
    for (raw, expected) in [
        (&raw[..], "t-124"),
        (&raw[..], "t-12"),
        (br#"{"event": {"id": "e1"}}"#, "t-123"),
        (br#"{"orderToken": null, "event": {"id": "e1"}}"#, "t-123"),
    ] {
        let err = client.verify_notification(raw, expected).unwrap_err();
        assert!(
            matches!(err, Error::Signature { .. }),
            "{expected}: {err:?}"
        );
    }
}

#[test]
fn a_notification_matching_its_token_but_lacking_what_it_reports_is_an_error() {
    let client = Client::new(Environment::Local, Credentials::new()).unwrap();
    for raw in [
        &br#"{"orderToken": "t-123"}"#[..],
        br#"{"orderToken": "t-123", "event": {}}"#,
        br#"{"orderToken": "t-123", "event": null}"#,
    ] {
        let err = client.verify_notification(raw, "t-123").unwrap_err();
        assert!(matches!(err, Error::Decode { .. }), "{err:?}");
    }
}

#[test]
fn an_empty_expected_token_matches_nothing() {
    let client = Client::new(Environment::Local, Credentials::new()).unwrap();
    let raw = br#"{"orderToken": "", "event": {"id": "e1"}}"#;
    let err = client.verify_notification(raw, "").unwrap_err();
    assert!(matches!(err, Error::Config(_)), "{err:?}");
}

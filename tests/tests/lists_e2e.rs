//! `items` answers (a JSON array decoded element by element) and `fault` errors, over HTTP.

use oneclick_lists::{Client, Credentials, CustomerNumber, Environment, Error, ListCardsRequest};
use oneclick_tests::{Reply, TestServer};
use serde_json::json;

fn client(server: &TestServer) -> Client {
    Client::new(Environment::Custom(server.url("")), Credentials::new()).unwrap()
}

fn request() -> ListCardsRequest {
    ListCardsRequest::new(CustomerNumber::try_from("1234").unwrap())
}

#[tokio::test]
async fn an_odd_element_does_not_fail_the_list() {
    let server = TestServer::start(|_| {
        Reply::json(
            json!([{"": "4724"}, {"token": "t1", "post": "0028", "active": true}, {"token": "t2"}])
                .to_string(),
        )
    })
    .await;
    let cards = client(&server).list_cards(&request()).await.unwrap();
    let tokens: Vec<&str> = cards.items.iter().map(|c| c.token.as_str()).collect();
    assert_eq!(tokens, ["t1", "t2"]);
    assert_eq!(cards.unrecognized, [json!({"": "4724"})]);
    assert_eq!(server.received()[0].json(), json!({"customer": "1234"}));
}

#[tokio::test]
async fn a_fault_is_a_typed_error_on_any_status() {
    for status in [200, 500] {
        let server = TestServer::start(move |_| {
            Reply::Status(status, json!({"fault": {"detail": "no such customer", "faultcode": 6, "faultstring": "SOAP-ENV:Client"}}).to_string())
        })
        .await;
        match client(&server).list_cards(&request()).await.unwrap_err() {
            Error::Fault {
                code,
                message,
                detail,
                http_status,
                ..
            } => {
                assert_eq!(
                    (code.as_str(), message.as_str(), detail.as_str()),
                    ("6", "SOAP-ENV:Client", "no such customer")
                );
                assert_eq!(http_status, status);
            }
            other => panic!("HTTP {status}: expected a fault, got {other:?}"),
        }
    }
}

#[tokio::test]
async fn an_object_where_a_list_belongs_is_a_decode_error() {
    let server = TestServer::start(|_| Reply::json(json!({"token": "t1"}).to_string())).await;
    let err = client(&server).list_cards(&request()).await.unwrap_err();
    assert!(matches!(err, Error::Decode { .. }), "{err:?}");
}

//! The generated Nexi XPay client over real HTTP against a stand-in on loopback that checks the
//! headers (API key, a fresh Correlation-Id, an Idempotency-Key stable across a retry) and the
//! body, plus typed errors, bodiless requests and answers, and notification tokens.

use std::sync::{Arc, Mutex};
use std::time::Duration;

use oneclick_tests::{Received, Reply, TestServer};
use oneclick_xpay::{
    ActionType, Amount, CancelUrl, Client, Configure, ContractId, CreateHppOrderRequest,
    CreatePayByLinkRequest, Credentials, Currency, DeactivateContractRequest, Environment, Error,
    ListCustomerContractsRequest, OperationResult, Order, OrderId, PathContractId, PathCustomerId,
    PaymentSession, Recurrence, ResultUrl, RetryPolicy, SessionAmount,
};
use serde_json::json;

const API_KEY: &str = "xpay-test-api-key";

fn client(server: &TestServer) -> Client {
    Client::new(
        Environment::Custom(server.url("")),
        Credentials::new(API_KEY),
    )
    .unwrap()
    .with_retry(RetryPolicy {
        max_attempts: 3,
        initial_backoff: Duration::from_millis(5),
        max_backoff: Duration::from_millis(20),
    })
}

fn is_uuid_v4(text: &str) -> bool {
    let parts: Vec<&str> = text.split('-').collect();
    parts.iter().map(|p| p.len()).eq([8, 4, 4, 4, 12])
        && text.chars().all(|c| c == '-' || c.is_ascii_hexdigit())
        && parts[2].starts_with('4')
        && matches!(parts[3].chars().next(), Some('8' | '9' | 'a' | 'b'))
}

fn order(recurrence: Recurrence) -> (Order, PaymentSession) {
    let order = Order::new(
        OrderId::try_from("btid2384983").unwrap(),
        Amount::try_from("3545").unwrap(),
        Currency::try_from("EUR").unwrap(),
    )
    .customer_id(oneclick_xpay::CustomerId::try_from("mcid97295873").unwrap());
    let session = PaymentSession::new(
        ActionType::Pay,
        SessionAmount::try_from("3545").unwrap(),
        ResultUrl::try_from("https://shop.example/result").unwrap(),
        CancelUrl::try_from("https://shop.example/cancel").unwrap(),
    )
    .recurrence(recurrence);
    (order, session)
}

fn headers(received: &Received) -> (String, String, Option<String>) {
    (
        received.header("x-api-key").unwrap_or_default().to_string(),
        received
            .header("correlation-id")
            .unwrap_or_default()
            .to_string(),
        received.header("idempotency-key").map(str::to_string),
    )
}

#[tokio::test]
async fn the_oneclick_phases_in_both_modes_carry_the_headers() {
    let server = TestServer::start(|received| {
        if received.target == "/orders/hpp" {
            Reply::json(r#"{"hostedPage":"https://xpay.example/page/1","securityToken":"2f0ea505"}"#)
        } else {
            Reply::json(r#"{"paymentLink":{"linkId":"L1","link":"https://xpay.example/l/1","status":"ACTIVE"},"securityToken":"9a1b"}"#)
        }
    })
    .await;
    let client = client(&server);
    let contract = ContractId::try_from("C2834987").unwrap();
    let (o, s) = order(Recurrence::first_payment(contract.clone()));
    let created = client
        .create_hpp_order(&CreateHppOrderRequest::new(o, s))
        .await
        .unwrap();
    assert_eq!(created.security_token, "2f0ea505");
    let (o, s) = order(Recurrence::subsequent_payment(contract));
    let link = client
        .create_pay_by_link(&CreatePayByLinkRequest::new(o, s))
        .await
        .unwrap();
    assert_eq!(
        link.payment_link.status,
        Some(oneclick_xpay::LinkStatus::Active)
    );

    let received = server.received();
    let recurrences: Vec<_> = received
        .iter()
        .map(|r| r.json()["paymentSession"]["recurrence"].clone())
        .collect();
    assert_eq!(
        recurrences,
        [
            json!({"action": "CONTRACT_CREATION", "contractId": "C2834987", "contractType": "CIT"}),
            json!({"action": "SUBSEQUENT_PAYMENT", "contractId": "C2834987", "contractType": "CIT"}),
        ]
    );
    let (key_1, correlation_1, idempotency_1) = headers(&received[0]);
    let (key_2, correlation_2, idempotency_2) = headers(&received[1]);
    assert_eq!((key_1.as_str(), key_2.as_str()), (API_KEY, API_KEY));
    assert!(
        is_uuid_v4(&correlation_1) && is_uuid_v4(&correlation_2),
        "{correlation_1} {correlation_2}"
    );
    assert_ne!(
        correlation_1, correlation_2,
        "a fresh Correlation-Id per call"
    );
    let (idempotency_1, idempotency_2) = (idempotency_1.unwrap(), idempotency_2.unwrap());
    assert!(is_uuid_v4(&idempotency_1));
    assert_ne!(
        idempotency_1, idempotency_2,
        "each order creation has its own key"
    );
}

#[tokio::test]
async fn a_retry_sends_the_same_idempotency_key_and_a_new_correlation_id() {
    let attempts = Arc::new(Mutex::new(0));
    let seen = Arc::clone(&attempts);
    let server = TestServer::start(move |_| {
        let mut seen = seen.lock().unwrap();
        *seen += 1;
        if *seen == 1 {
            Reply::Status(503, String::new())
        } else {
            Reply::json(r#"{"hostedPage":"p","securityToken":"t"}"#)
        }
    })
    .await;
    let (o, s) = order(Recurrence::first_payment(
        ContractId::try_from("C1").unwrap(),
    ));
    client(&server)
        .create_hpp_order(&CreateHppOrderRequest::new(o, s))
        .await
        .unwrap();
    let received = server.received();
    assert_eq!(received.len(), 2);
    let (_, correlation_1, idempotency_1) = headers(&received[0]);
    let (_, correlation_2, idempotency_2) = headers(&received[1]);
    assert_eq!(
        idempotency_1, idempotency_2,
        "the Idempotency-Key is stable across a retry"
    );
    assert_ne!(correlation_1, correlation_2);
    assert_eq!(received[0].body, received[1].body);
}

#[tokio::test]
async fn errors_and_empty_error_answers_are_typed() {
    let server = TestServer::start(|_| Reply::Status(400, r#"{"errors":[{"code":"PS0001","description":"Invalid contractId"},{"code":"PS0002","description":"Invalid amount"}]}"#.into())).await;
    let (o, s) = order(Recurrence::subsequent_payment(
        ContractId::try_from("C1").unwrap(),
    ));
    match client(&server)
        .create_hpp_order(&CreateHppOrderRequest::new(o, s))
        .await
        .unwrap_err()
    {
        Error::Errors {
            errors,
            http_status,
            ..
        } => {
            assert_eq!(http_status, 400);
            assert_eq!(
                errors,
                [
                    ("PS0001".into(), "Invalid contractId".into()),
                    ("PS0002".into(), "Invalid amount".into())
                ]
            );
        }
        other => panic!("expected the errors list, got {other:?}"),
    }
    for status in [401, 404] {
        let server = TestServer::start(move |_| Reply::Status(status, String::new())).await;
        let err = client(&server)
            .list_customer_contracts(&ListCustomerContractsRequest::new(
                PathCustomerId::try_from("mcid1").unwrap(),
            ))
            .await
            .unwrap_err();
        assert!(
            matches!(err, Error::Http { status: got, .. } if got == status),
            "{err:?}"
        );
    }
}

#[tokio::test]
async fn contracts_are_listed_and_deactivated_without_a_body() {
    let server = TestServer::start(|received| match received.method.as_str() {
        "GET" => Reply::json(r#"{"customerId":"mcid1","contracts":[{"contractId":"C1","contractType":"CIT","status":"ACTIVE"}]}"#),
        _ => Reply::Status(200, String::new()),
    })
    .await;
    let client = client(&server);
    let contracts = client
        .list_customer_contracts(&ListCustomerContractsRequest::new(
            PathCustomerId::try_from("mcid 1/x").unwrap(),
        ))
        .await
        .unwrap();
    assert_eq!(contracts.contracts[0].contract_id, "C1");
    assert_eq!(contracts.customer_id.as_deref(), Some("mcid1"));
    assert_eq!(
        contracts.contracts[0].other.get("status"),
        Some(&json!("ACTIVE")),
        "undescribed fields are kept"
    );
    client
        .deactivate_contract(&DeactivateContractRequest::new(
            PathContractId::try_from("C1").unwrap(),
        ))
        .await
        .unwrap();
    let received = server.received();
    assert_eq!(received[0].target, "/contracts/customers/mcid%201%2Fx");
    assert_eq!(
        (received[1].method.as_str(), received[1].target.as_str()),
        ("POST", "/contracts/C1/deactivation")
    );
    assert!(
        received[1].body.is_empty(),
        "a request whose fields are all in the path has no body"
    );
    assert!(
        received[1].header("idempotency-key").is_none(),
        "only order creation is idempotent by key"
    );
}

#[test]
fn notifications_are_checked_against_the_order_token() {
    let client = Client::new(Environment::Sandbox, Credentials::new(API_KEY)).unwrap();
    let body = br#"{"securityToken":"2f0ea505","eventId":"e1","operation":{"operationId":"op1","operationResult":"AUTHORIZED"}}"#;
    let notification = client.verify_notification(body, "2f0ea505").unwrap();
    assert_eq!(
        notification.operation.operation_result,
        Some(OperationResult::Authorized)
    );
    for (expected, raw) in [
        ("2f0ea506", &body[..]),
        ("2f0ea50", &body[..]),
        ("2f0ea505", br#"{"eventId":"e1"}"#),
    ] {
        assert!(
            matches!(
                client.verify_notification(raw, expected),
                Err(Error::Signature { .. })
            ),
            "{expected}"
        );
    }
    assert!(!format!("{client:?}").contains(API_KEY));
}

#[tokio::test]
async fn contract_id_is_required_unless_no_recurring() {
    let server = TestServer::start(|_| Reply::json("{}")).await;
    let (o, s) = order(Recurrence::new(
        oneclick_xpay::RecurrenceAction::ContractCreation,
    ));
    let err = client(&server)
        .create_hpp_order(&CreateHppOrderRequest::new(o, s))
        .await
        .unwrap_err();
    let found = oneclick_tests::violation_lines(err.violations().unwrap());
    assert_eq!(
        found,
        ["/paymentSession/recurrence/contractId required_unless"]
    );
    assert!(server.received().is_empty());
    let (o, s) = order(Recurrence::new(
        oneclick_xpay::RecurrenceAction::NoRecurring,
    ));
    assert!(CreateHppOrderRequest::new(o, s).validate().is_ok());
}

#[tokio::test]
async fn a_generated_client_sends_through_the_callers_http_client() {
    let server = TestServer::start(|_| Reply::Status(200, String::new())).await;
    let mut headers = reqwest::header::HeaderMap::new();
    headers.insert("x-merchant-proxy", "edge-7".parse().unwrap());
    let own = oneclick_runtime::http_client_builder()
        .unwrap()
        .default_headers(headers)
        .no_proxy()
        .build()
        .unwrap();
    let client = client(&server).with_http_client(own);
    client
        .deactivate_contract(&DeactivateContractRequest::new(
            PathContractId::try_from("C1").unwrap(),
        ))
        .await
        .unwrap();
    let received = server.received();
    assert_eq!(received[0].header("x-merchant-proxy"), Some("edge-7"));
    assert_eq!(
        received[0].header("x-api-key"),
        Some(API_KEY),
        "the client's own headers still travel"
    );
}

//! The generated Nexi XPay client over real HTTP against a stand-in on loopback that checks the
//! headers (API key, a fresh Correlation-Id, an Idempotency-Key stable across a retry) and the
//! body, plus typed errors, bodiless requests and answers, and notification tokens.

use std::sync::{Arc, Mutex};
use std::time::Duration;

use oneclick_tests::{Received, Reply, TestServer};
use oneclick_xpay::{
    ActionType, Amount, CancelUrl, CaptureOperationRequest, CaptureType, Client, Configure,
    ContractId, CreateHppOrderRequest, CreateMitOrderRequest, CreatePayByLinkRequest, Credentials,
    Currency, DeactivateContractRequest, Environment, Error, GetOperationRequest, GetOrderRequest,
    ListCustomerContractsRequest, OperationId, OperationResult, OperationType, Order, OrderId,
    PathContractId, PathCustomerId, PaymentSession, Recurrence, RefundOperationRequest, ResultUrl,
    RetryPolicy, SessionAmount,
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

fn capture(operation: &str, amount: &str) -> CaptureOperationRequest {
    CaptureOperationRequest::new(
        OperationId::try_from(operation).unwrap(),
        Amount::try_from(amount).unwrap(),
        Currency::try_from("EUR").unwrap(),
    )
}

fn refund(operation: &str, amount: &str) -> RefundOperationRequest {
    RefundOperationRequest::new(
        OperationId::try_from(operation).unwrap(),
        Amount::try_from(amount).unwrap(),
        Currency::try_from("EUR").unwrap(),
    )
}

/// A stand-in that answers 503 first, then `answer`.
async fn busy_once(answer: &'static str) -> TestServer {
    let attempts = Arc::new(Mutex::new(0));
    TestServer::start(move |_| {
        let mut seen = attempts.lock().unwrap();
        *seen += 1;
        if *seen == 1 {
            Reply::Status(503, String::new())
        } else {
            Reply::json(answer)
        }
    })
    .await
}

#[tokio::test]
async fn captures_and_refunds_send_the_amount_as_digits_and_reuse_their_key_on_a_retry() {
    let answer = r#"{"operationId":"3470745","operationTime":"2026-11-30T08:05:00.000Z"}"#;
    let server = busy_once(answer).await;
    let client = client(&server);
    let captured = client
        .capture_operation(&capture("3470744", "2000").description("First shipment".to_owned()))
        .await
        .unwrap();
    assert_eq!(captured.operation_id, "3470745");
    client
        .refund_operation(&refund("3470744", "500"))
        .await
        .unwrap();
    let received = server.received();
    assert_eq!(received.len(), 3, "one retry of the capture after the 503");
    assert_eq!(received[0].target, "/operations/3470744/captures");
    assert_eq!(
        received[0].json(),
        json!({"amount": "2000", "currency": "EUR", "description": "First shipment"}),
        "the path's operationId is not repeated in the body"
    );
    assert_eq!(received[0].body, received[1].body);
    let (_, correlation_1, key_1) = headers(&received[0]);
    let (_, correlation_2, key_2) = headers(&received[1]);
    let (_, _, refund_key) = headers(&received[2]);
    assert!(is_uuid_v4(key_1.as_deref().unwrap()));
    assert_eq!(key_1, key_2, "the retry reuses the capture's key");
    assert_ne!(correlation_1, correlation_2);
    assert_eq!(received[2].target, "/operations/3470744/refunds");
    assert_eq!(
        received[2].json(),
        json!({"amount": "500", "currency": "EUR"})
    );
    assert_ne!(refund_key, key_1, "each money movement has its own key");
}

#[tokio::test]
async fn a_capture_whose_outcome_is_unknown_says_so_with_its_key() {
    let server = TestServer::start(|_| Reply::Status(503, String::new())).await;
    let err = client(&server)
        .capture_operation(&capture("3470744", "2000"))
        .await
        .unwrap_err();
    let sent_key = server.received()[0]
        .header("idempotency-key")
        .unwrap()
        .to_owned();
    match err {
        Error::OutcomeUnknown { reconcile, .. } => {
            assert!(
                reconcile.contains(&("operationId".to_owned(), "3470744".to_owned())),
                "{reconcile:?}"
            );
            assert!(
                reconcile.iter().any(|(_, value)| *value == sent_key),
                "{reconcile:?}"
            );
        }
        other => panic!("a capture that may have happened is no plain error: {other:?}"),
    }
}

#[tokio::test]
async fn an_order_creation_answer_without_its_security_token_is_no_success() {
    for answer in [
        r#"{"hostedPage":"https://xpay.example/page/1"}"#,
        r#"{"hostedPage":"https://xpay.example/page/1","securityToken":null}"#,
        "{}",
    ] {
        let server = TestServer::start(move |_| Reply::json(answer)).await;
        let (o, s) = order(Recurrence::first_payment(
            ContractId::try_from("C1").unwrap(),
        ));
        let err = client(&server)
            .create_hpp_order(&CreateHppOrderRequest::new(o, s))
            .await
            .unwrap_err();
        let cause = match &err {
            Error::OutcomeUnknown { cause, .. } => cause.as_ref(),
            other => other,
        };
        assert!(matches!(cause, Error::Decode { .. }), "{answer}: {err:?}");
        assert!(
            cause.to_string().contains("securityToken"),
            "{answer}: {cause}"
        );
    }
}

#[tokio::test]
async fn an_order_is_read_with_its_operations_at_either_place() {
    let operation = json!({"operationId": "3470744", "operationType": "AUTHORIZATION", "operationResult": "AUTHORIZED", "operationAmount": "3545", "customerInfo": {"cardHolderName": "JAN NOVAK"}, "additionalData": {"maskedPan": "453997******0006", "cardExpiryDate": "2030-12"}});
    let status = json!({"order": {"orderId": "btid2384983", "amount": "3545", "currency": "EUR"}, "authorizedAmount": "3545", "capturedAmount": "0", "lastOperationType": "AUTHORIZATION"});
    let mut nested = status.clone();
    nested["operations"] = json!([operation]);
    for answer in [
        json!({"orderStatus": status, "operations": [operation]}),
        json!({"orderStatus": nested}),
    ] {
        let body = answer.to_string();
        let server = TestServer::start(move |_| Reply::json(body.clone())).await;
        let order = client(&server)
            .get_order(&GetOrderRequest::new(
                OrderId::try_from("btid2384983").unwrap(),
            ))
            .await
            .unwrap();
        let operations = order.operations_wherever_sent().expect("operations");
        assert_eq!(operations[0].operation_id, "3470744");
        assert_eq!(
            operations[0].operation_type,
            Some(OperationType::Authorization)
        );
        assert_eq!(order.order_status.order.order_id, "btid2384983");
        assert_eq!(
            serde_json::to_value(&order).unwrap(),
            answer,
            "nothing is lost"
        );
        assert!(
            !format!("{order:?}").contains("2030-12") && !format!("{order:?}").contains("NOVAK"),
            "the expiry and the cardholder are hidden"
        );
    }
}

#[tokio::test]
async fn new_operation_results_and_fields_are_kept() {
    let server = TestServer::start(|_| Reply::json(r#"{"operationId":"1","operationType":"PREAUTH_TOPUP","operationResult":"PARTIALLY_EXECUTED","newField":{"a":1}}"#)).await;
    let operation = client(&server)
        .get_operation(&GetOperationRequest::new(
            OperationId::try_from("1").unwrap(),
        ))
        .await
        .unwrap();
    assert_eq!(
        operation.operation_type,
        Some(OperationType::Unknown("PREAUTH_TOPUP".into()))
    );
    assert_eq!(
        operation.operation_result,
        Some(OperationResult::Unknown("PARTIALLY_EXECUTED".into()))
    );
    assert_eq!(operation.other["newField"], json!({"a": 1}));
    assert_eq!(server.received()[0].target, "/operations/1");
}

#[tokio::test]
async fn a_merchant_initiated_payment_carries_its_contract_and_key() {
    let server = TestServer::start(|_| Reply::json(r#"{"operation":{"operationId":"3470790","operationType":"AUTHORIZATION","operationResult":"AUTHORIZED"}}"#)).await;
    let (o, _) = order(Recurrence::new(
        oneclick_xpay::RecurrenceAction::NoRecurring,
    ));
    let charged = client(&server)
        .create_mit_order(
            &CreateMitOrderRequest::new(o, ContractId::try_from("C2834987").unwrap())
                .capture_type(CaptureType::Explicit),
        )
        .await
        .unwrap();
    assert_eq!(
        charged.operation.operation_result,
        Some(OperationResult::Authorized)
    );
    let received = &server.received()[0];
    assert_eq!(received.target, "/orders/mit");
    assert_eq!(
        received.json(),
        json!({"order": {"orderId": "btid2384983", "amount": "3545", "currency": "EUR", "customerId": "mcid97295873"}, "contractId": "C2834987", "captureType": "EXPLICIT"})
    );
    assert!(is_uuid_v4(received.header("idempotency-key").unwrap()));

    let empty = TestServer::start(|_| Reply::json(r#"{"operation":{}}"#)).await;
    let (o, _) = order(Recurrence::new(
        oneclick_xpay::RecurrenceAction::NoRecurring,
    ));
    let err = client(&empty)
        .create_mit_order(&CreateMitOrderRequest::new(
            o,
            ContractId::try_from("C1").unwrap(),
        ))
        .await
        .unwrap_err();
    assert!(err.to_string().contains("operationId"), "{err}");
}

//! The XPay card-on-file lifecycle against the simulator, as a merchant runs it: a first payment
//! creates a contract, its notification is verified, the payment is captured and partly
//! refunded, the contract is charged without the customer, deactivated, and then refused.

use std::time::{Duration, Instant};

use oneclick_simulator::{Config, Simulator, outcomes::Outcome};
use oneclick_tests::{Received, Reply, TestServer};
use oneclick_xpay::{
    ActionType, Amount, CancelUrl, CaptureOperationRequest, CaptureType, Client, ContractId,
    CreateHppOrderRequest, CreateMitOrderRequest, CreatePayByLinkRequest, Credentials, Currency,
    CustomerId, DeactivateContractRequest, Environment, Error, GetOperationRequest,
    GetOrderRequest, GetOrderResponse, ListCustomerContractsRequest, NotificationUrl, OperationId,
    OperationResult, OperationType, Order, OrderId, PathContractId, PathCustomerId, PaymentSession,
    Recurrence, RefundOperationRequest, ResultUrl, SessionAmount,
};

const CUSTOMER: &str = "mcid-life";

fn client(simulator: &Simulator) -> Client {
    Client::new(
        Environment::Custom(simulator.url("/xpay")),
        Credentials::new("xpay-test-api-key"),
    )
    .unwrap()
}

fn order(id: &str, amount: &str) -> Order {
    Order::new(
        OrderId::try_from(id).unwrap(),
        Amount::try_from(amount).unwrap(),
        Currency::try_from("EUR").unwrap(),
    )
    .customer_id(CustomerId::try_from(CUSTOMER).unwrap())
}

fn session(amount: &str, recurrence: Recurrence, merchant: &TestServer) -> PaymentSession {
    PaymentSession::new(
        ActionType::Pay,
        SessionAmount::try_from(amount).unwrap(),
        ResultUrl::try_from("https://shop.example/result").unwrap(),
        CancelUrl::try_from("https://shop.example/cancel").unwrap(),
    )
    .notification_url(NotificationUrl::try_from(merchant.url("/notify")).unwrap())
    .recurrence(recurrence)
}

fn money(amount: &str) -> (Amount, Currency) {
    (
        Amount::try_from(amount).unwrap(),
        Currency::try_from("EUR").unwrap(),
    )
}

fn operation_id(id: &str) -> OperationId {
    OperationId::try_from(id).unwrap()
}

async fn notification(merchant: &TestServer) -> Received {
    let deadline = Instant::now() + Duration::from_secs(5);
    loop {
        if let Some(first) = merchant.received().into_iter().next() {
            return first;
        }
        assert!(Instant::now() < deadline, "no notification arrived");
        tokio::time::sleep(Duration::from_millis(10)).await;
    }
}

async fn order_status(client: &Client, id: &str) -> GetOrderResponse {
    client
        .get_order(&GetOrderRequest::new(OrderId::try_from(id).unwrap()))
        .await
        .unwrap()
}

fn amounts(order: &GetOrderResponse) -> (Option<&str>, Option<&str>) {
    (
        order.order_status.authorized_amount.as_deref(),
        order.order_status.captured_amount.as_deref(),
    )
}

fn error_code(err: Error) -> String {
    match err {
        Error::Errors { errors, .. } => errors[0].0.clone(),
        other => panic!("expected XPay's errors, got {other:?}"),
    }
}

#[tokio::test]
async fn first_payment_to_refused_merchant_initiated_payment() {
    let simulator = Simulator::start(Config::default()).await.unwrap();
    let merchant = TestServer::start(|_| Reply::json("{}")).await;
    let client = client(&simulator);
    let contract = ContractId::try_from("C-life").unwrap();

    // The first payment creates the contract; the customer pays on the hosted page.
    let created = client
        .create_hpp_order(&CreateHppOrderRequest::new(
            order("life-1", "5000"),
            session(
                "5000",
                Recurrence::first_payment(contract.clone()),
                &merchant,
            ),
        ))
        .await
        .unwrap();
    assert!(simulator.pay_xpay_order("life-1").await.is_ok());

    // The notification is believed with the order's token only.
    let received = notification(&merchant).await;
    assert_eq!(received.target, "/notify");
    let event = client
        .verify_notification(&received.body, &created.security_token)
        .unwrap();
    assert_eq!(event.security_token, created.security_token);
    let authorization = event.operation;
    assert_eq!(
        authorization.operation_type,
        Some(OperationType::Authorization)
    );
    assert_eq!(
        authorization.operation_result,
        Some(OperationResult::Authorized)
    );
    assert_eq!(authorization.operation_amount.as_deref(), Some("5000"));
    assert!(
        !format!("{authorization:?}").contains("2030-12"),
        "the card's expiry date is hidden"
    );
    let other_token = format!("{}0", &created.security_token[1..]);
    assert!(matches!(
        client.verify_notification(&received.body, &other_token),
        Err(Error::Signature { .. })
    ));

    let paid = order_status(&client, "life-1").await;
    assert_eq!(amounts(&paid), (Some("5000"), Some("0")));
    assert_eq!(
        paid.order_status.last_operation_type,
        Some(OperationType::Authorization)
    );
    let operations = paid.operations_wherever_sent().unwrap();
    assert_eq!(operations[0].operation_id, authorization.operation_id);

    // Capture in full, then refund part of it.
    let (amount, currency) = money("5000");
    let authorized = operation_id(&authorization.operation_id);
    let capture = client
        .capture_operation(&CaptureOperationRequest::new(
            authorized.clone(),
            amount,
            currency,
        ))
        .await
        .unwrap();
    let (amount, currency) = money("1500");
    let refund = client
        .refund_operation(
            &RefundOperationRequest::new(authorized.clone(), amount, currency)
                .description("One item returned".to_owned()),
        )
        .await
        .unwrap();
    assert_ne!(capture.operation_id, refund.operation_id);
    let refunded = client
        .get_operation(&GetOperationRequest::new(operation_id(
            &refund.operation_id,
        )))
        .await
        .unwrap();
    assert_eq!(refunded.operation_type, Some(OperationType::Refund));
    assert_eq!(refunded.operation_result, Some(OperationResult::Refunded));
    assert_eq!(refunded.operation_amount.as_deref(), Some("1500"));
    assert_eq!(
        refunded.cancelled_operation_id.as_deref(),
        Some(authorization.operation_id.as_str())
    );
    let after_refund = order_status(&client, "life-1").await;
    assert_eq!(amounts(&after_refund), (Some("5000"), Some("3500")));
    let kinds: Vec<_> = after_refund
        .operations_wherever_sent()
        .unwrap()
        .iter()
        .map(|o| o.operation_type.clone())
        .collect();
    assert_eq!(
        kinds,
        [
            Some(OperationType::Authorization),
            Some(OperationType::Capture),
            Some(OperationType::Refund)
        ]
    );

    // The contract is listed; the merchant charges it without the customer.
    let listed = client
        .list_customer_contracts(&ListCustomerContractsRequest::new(
            PathCustomerId::try_from(CUSTOMER).unwrap(),
        ))
        .await
        .unwrap();
    assert_eq!(listed.contracts[0].contract_id, "C-life");
    let charged = client
        .create_mit_order(
            &CreateMitOrderRequest::new(order("life-2", "990"), contract.clone())
                .capture_type(CaptureType::Implicit),
        )
        .await
        .unwrap();
    assert_eq!(
        charged.operation.operation_result,
        Some(OperationResult::Executed)
    );
    assert_eq!(
        amounts(&order_status(&client, "life-2").await),
        (Some("990"), Some("990"))
    );

    // Once deactivated, the contract charges nothing more.
    client
        .deactivate_contract(&DeactivateContractRequest::new(
            PathContractId::try_from("C-life").unwrap(),
        ))
        .await
        .unwrap();
    let refused = client
        .create_mit_order(&CreateMitOrderRequest::new(
            order("life-3", "990"),
            contract,
        ))
        .await
        .unwrap_err();
    assert_eq!(error_code(refused), "PS0015");
}

#[tokio::test]
async fn captures_and_refunds_stay_within_what_was_authorised_and_captured() {
    let simulator = Simulator::start(Config::default()).await.unwrap();
    simulator
        .pay_xpay_order("unknown")
        .await
        .expect_err("an unknown order cannot be paid");
    let client = client(&simulator);
    let contract = ContractId::try_from("C-limits").unwrap();
    let merchant = TestServer::start(|_| Reply::json("{}")).await;
    client
        .create_hpp_order(&CreateHppOrderRequest::new(
            order("lim-1", "1000"),
            session(
                "1000",
                Recurrence::first_payment(contract.clone()),
                &merchant,
            ),
        ))
        .await
        .unwrap();
    let authorization = simulator.pay_xpay_order("lim-1").await.unwrap();
    assert!(
        simulator.pay_xpay_order("lim-1").await.is_err(),
        "paid once"
    );
    let authorized = operation_id(authorization["operationId"].as_str().unwrap());
    let capture = |amount: &str| {
        let (amount, currency) = money(amount);
        CaptureOperationRequest::new(authorized.clone(), amount, currency)
    };
    let refund = |amount: &str| {
        let (amount, currency) = money(amount);
        RefundOperationRequest::new(authorized.clone(), amount, currency)
    };

    let too_much = client
        .capture_operation(&capture("1001"))
        .await
        .unwrap_err();
    assert_eq!(error_code(too_much), "PS0018");
    client.capture_operation(&capture("600")).await.unwrap();
    let beyond = client.capture_operation(&capture("401")).await.unwrap_err();
    assert_eq!(error_code(beyond), "PS0018");
    client.capture_operation(&capture("400")).await.unwrap();
    assert_eq!(
        amounts(&order_status(&client, "lim-1").await),
        (Some("1000"), Some("1000"))
    );
    client.refund_operation(&refund("1000")).await.unwrap();
    let over = client.refund_operation(&refund("1")).await.unwrap_err();
    assert_eq!(error_code(over), "PS0019");
    let unknown = client
        .capture_operation(&CaptureOperationRequest::new(
            operation_id("999"),
            Amount::try_from("1").unwrap(),
            Currency::try_from("EUR").unwrap(),
        ))
        .await
        .unwrap_err();
    assert_eq!(error_code(unknown), "PS0017");
    let other_currency = client
        .capture_operation(&CaptureOperationRequest::new(
            authorized.clone(),
            Amount::try_from("1").unwrap(),
            Currency::try_from("USD").unwrap(),
        ))
        .await
        .unwrap_err();
    assert_eq!(error_code(other_currency), "PS0001");

    // A merchant-initiated authorisation refunded before any capture is voided.
    let explicit = client
        .create_mit_order(
            &CreateMitOrderRequest::new(order("lim-2", "700"), contract)
                .capture_type(CaptureType::Explicit),
        )
        .await
        .unwrap();
    assert_eq!(
        explicit.operation.operation_result,
        Some(OperationResult::Authorized)
    );
    let mit = operation_id(&explicit.operation.operation_id);
    let (amount, currency) = money("700");
    let void = client
        .refund_operation(&RefundOperationRequest::new(mit.clone(), amount, currency))
        .await
        .unwrap();
    let voided = client
        .get_operation(&GetOperationRequest::new(operation_id(&void.operation_id)))
        .await
        .unwrap();
    assert_eq!(voided.operation_type, Some(OperationType::Void));
    assert_eq!(voided.operation_result, Some(OperationResult::Voided));
    assert_eq!(
        amounts(&order_status(&client, "lim-2").await),
        (Some("0"), Some("0"))
    );
    let (amount, currency) = money("1");
    let after_void = client
        .capture_operation(&CaptureOperationRequest::new(mit, amount, currency))
        .await
        .unwrap_err();
    assert_eq!(error_code(after_void), "PS0018");
}

#[tokio::test]
async fn a_merchant_initiated_payment_needs_an_active_contract_of_that_customer() {
    let simulator = Simulator::start(Config::default()).await.unwrap();
    let client = client(&simulator);
    let merchant = TestServer::start(|_| Reply::json("{}")).await;
    client
        .create_hpp_order(&CreateHppOrderRequest::new(
            order("own-1", "100"),
            session(
                "100",
                Recurrence::first_payment(ContractId::try_from("C-own").unwrap()),
                &merchant,
            ),
        ))
        .await
        .unwrap();
    let stranger = Order::new(
        OrderId::try_from("own-2").unwrap(),
        Amount::try_from("100").unwrap(),
        Currency::try_from("EUR").unwrap(),
    )
    .customer_id(CustomerId::try_from("someone-else").unwrap());
    for (order, contract) in [(stranger, "C-own"), (order("own-3", "100"), "C-none")] {
        let err = client
            .create_mit_order(&CreateMitOrderRequest::new(
                order,
                ContractId::try_from(contract).unwrap(),
            ))
            .await
            .unwrap_err();
        assert_eq!(error_code(err), "PS0015", "{contract}");
    }
}

#[tokio::test]
async fn the_paid_outcome_pays_a_pay_by_link_order_and_notifies_it() {
    let simulator = Simulator::start(Config::default()).await.unwrap();
    let merchant = TestServer::start(|_| Reply::json("{}")).await;
    simulator.queue_outcome("xpay", Outcome::Paid, 1);
    let client = client(&simulator);
    let link = client
        .create_pay_by_link(&CreatePayByLinkRequest::new(
            order("link-1", "2500"),
            session(
                "2500",
                Recurrence::first_payment(ContractId::try_from("C-link").unwrap()),
                &merchant,
            ),
        ))
        .await
        .unwrap();
    let received = notification(&merchant).await;
    let event = client
        .verify_notification(&received.body, &link.security_token)
        .unwrap();
    assert_eq!(event.operation.order_id.as_deref(), Some("link-1"));
    let order = order_status(&client, "link-1").await;
    assert_eq!(amounts(&order), (Some("2500"), Some("0")));
    assert_eq!(
        order.payment_link.map(|l| l.link),
        Some(link.payment_link.link)
    );
}

#[tokio::test]
async fn a_repeated_idempotency_key_captures_once_and_gets_the_first_answer() {
    let simulator = Simulator::start(Config::default()).await.unwrap();
    let merchant = TestServer::start(|_| Reply::json("{}")).await;
    let client = client(&simulator);
    client
        .create_hpp_order(&CreateHppOrderRequest::new(
            order("idem-1", "1000"),
            session(
                "1000",
                Recurrence::first_payment(ContractId::try_from("C-idem").unwrap()),
                &merchant,
            ),
        ))
        .await
        .unwrap();
    let authorization = simulator.pay_xpay_order("idem-1").await.unwrap();
    let url = simulator.url(&format!(
        "/xpay/operations/{}/captures",
        authorization["operationId"].as_str().unwrap()
    ));
    let http = oneclick_runtime::http_client_builder()
        .unwrap()
        .build()
        .unwrap();
    let capture = |key: &'static str| {
        http.post(&url)
            .header("x-api-key", "xpay-test-api-key")
            .header("idempotency-key", key)
            .header("content-type", "application/json")
            .body(r#"{"amount":"400","currency":"EUR"}"#)
            .send()
    };
    let first = capture("key-1").await.unwrap().text().await.unwrap();
    let again = capture("key-1").await.unwrap().text().await.unwrap();
    assert!(first.contains("operationId"), "{first}");
    assert_eq!(first, again);
    assert_eq!(
        amounts(&order_status(&client, "idem-1").await),
        (Some("1000"), Some("400")),
        "captured once"
    );
    let other = capture("key-2").await.unwrap().text().await.unwrap();
    assert_ne!(first, other, "another key is another capture");
    assert_eq!(
        amounts(&order_status(&client, "idem-1").await),
        (Some("1000"), Some("800"))
    );
}

#[tokio::test]
async fn a_notification_with_a_wrong_or_missing_token_is_refused() {
    let simulator = Simulator::start(Config::default()).await.unwrap();
    let merchant = TestServer::start(|_| Reply::json("{}")).await;
    let client = client(&simulator);
    let created = client
        .create_hpp_order(&CreateHppOrderRequest::new(
            order("tok-1", "100"),
            session(
                "100",
                Recurrence::new(oneclick_xpay::RecurrenceAction::NoRecurring),
                &merchant,
            ),
        ))
        .await
        .unwrap();
    simulator.pay_xpay_order("tok-1").await.unwrap();
    let received = notification(&merchant).await;
    let mut forged: serde_json::Value = serde_json::from_slice(&received.body).unwrap();
    let token = created.security_token.clone();
    let mut wrong = token.clone();
    wrong.replace_range(..1, if token.starts_with('0') { "1" } else { "0" });
    for expected in [wrong.as_str(), &token[1..], ""] {
        assert!(
            client
                .verify_notification(&received.body, expected)
                .is_err(),
            "{expected:?}"
        );
    }
    forged.as_object_mut().unwrap().remove("securityToken");
    let missing = serde_json::to_vec(&forged).unwrap();
    assert!(matches!(
        client.verify_notification(&missing, &token),
        Err(Error::Signature { .. })
    ));
    forged["securityToken"] = serde_json::Value::String(wrong);
    let forged = serde_json::to_vec(&forged).unwrap();
    assert!(matches!(
        client.verify_notification(&forged, &token),
        Err(Error::Signature { .. })
    ));
    assert!(client.verify_notification(&received.body, &token).is_ok());
}

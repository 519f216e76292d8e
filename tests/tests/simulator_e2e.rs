//! The generated ČSOB client against the in-process simulator: the whole OneClick flow, an
//! unknown template, a request signed with a key the gateway does not trust, and the admin API.

use std::sync::Arc;
use std::time::Duration;

use oneclick_csob::{
    Client, ClientIp, Credentials, Environment, Error, OneclickEchoRequest, OneclickInitRequest,
    OneclickProcessRequest, OrderNo, PayId, PaymentStatus, PaymentStatusRequest, PollOptions,
    RsaPrivateKey, RsaPublicKey,
};
use oneclick_simulator::{Config, Simulator};
use tokio::io::{AsyncReadExt, AsyncWriteExt};

const TEMPLATE: &str = "0e92dd54b133@HA";

fn key(name: &str) -> String {
    std::fs::read_to_string(format!("{}/../vectors/{name}", env!("CARGO_MANIFEST_DIR"))).unwrap()
}

fn client(simulator: &Simulator, merchant_key: &str) -> Client {
    let credentials = Credentials::new(
        "M1MIPS0000",
        RsaPrivateKey::from_pem(&key(merchant_key)).unwrap(),
        RsaPublicKey::from_pem(&key("gateway-test.pub")).unwrap(),
    );
    Client::new(Environment::Custom(simulator.url("/csob")), credentials).unwrap()
}

#[tokio::test]
async fn csob_oneclick_flow_end_to_end() {
    let simulator = Simulator::start(Config::default()).await.unwrap();
    simulator.seed_csob_template(TEMPLATE);
    let client = client(&simulator, "merchant-test.key");

    let echo = client
        .oneclick_echo(&OneclickEchoRequest::new(
            PayId::try_from(TEMPLATE).unwrap(),
        ))
        .await
        .unwrap();
    assert_eq!(echo.result_code, 0);
    let init = OneclickInitRequest::new(
        PayId::try_from(TEMPLATE).unwrap(),
        OrderNo::try_from("1001").unwrap(),
    )
    .client_ip(ClientIp::try_from("192.0.2.2").unwrap());
    let payment = client.oneclick_init(&init).await.unwrap();
    assert_eq!(payment.payment_status, Some(PaymentStatus::Created));
    let pay_id = payment.pay_id.unwrap().into_valid().unwrap();
    let processed = client
        .oneclick_process(&OneclickProcessRequest::new(pay_id.clone()))
        .await
        .unwrap();
    assert_eq!(processed.payment_status, Some(PaymentStatus::InProgress));
    let options = PollOptions {
        first_delay: Duration::from_millis(10),
        interval: Duration::from_millis(20),
        deadline: Duration::from_secs(5),
    };
    let status = client
        .poll_payment_status(&PaymentStatusRequest::new(pay_id.clone()), options)
        .await
        .unwrap();
    assert_eq!(status.payment_status, Some(PaymentStatus::Confirmed));
    assert_eq!(simulator.csob_payments(), [(pay_id.as_str().to_owned(), 4)]);
}

#[tokio::test]
async fn unknown_templates_and_untrusted_keys_are_refused() {
    let simulator = Simulator::start(Config::default()).await.unwrap();
    let client_with_the_right_key = client(&simulator, "merchant-test.key");
    let err = client_with_the_right_key
        .oneclick_echo(&OneclickEchoRequest::new(
            PayId::try_from(TEMPLATE).unwrap(),
        ))
        .await
        .unwrap_err();
    assert_eq!(err.result_code(), Some(700));

    // Signed with the gateway's own key instead of the merchant's: the simulator answers 401.
    let impostor = client(&simulator, "gateway-test.key");
    let err = impostor
        .oneclick_echo(&OneclickEchoRequest::new(
            PayId::try_from(TEMPLATE).unwrap(),
        ))
        .await
        .unwrap_err();
    assert!(matches!(err, Error::Http { status: 401, .. }), "{err:?}");
    assert!(simulator.csob_payments().is_empty());
}

async fn raw(simulator: &Simulator, request: &str) -> String {
    let mut stream = tokio::net::TcpStream::connect(simulator.addr())
        .await
        .unwrap();
    stream.write_all(request.as_bytes()).await.unwrap();
    let mut answer = vec![0u8; 65536];
    let n = stream.read(&mut answer).await.unwrap();
    String::from_utf8_lossy(&answer[..n]).into_owned()
}

#[tokio::test]
async fn the_admin_api_seeds_lists_and_resets() {
    let simulator = Arc::new(Simulator::start(Config::default()).await.unwrap());
    let body = format!(r#"{{"origPayId":"{TEMPLATE}"}}"#);
    let seeded = raw(
        &simulator,
        &format!(
            "POST /admin/csob/templates HTTP/1.1\r\ncontent-length: {}\r\n\r\n{body}",
            body.len()
        ),
    )
    .await;
    assert!(seeded.starts_with("HTTP/1.1 200"), "{seeded}");
    let echo = client(&simulator, "merchant-test.key")
        .oneclick_echo(&OneclickEchoRequest::new(
            PayId::try_from(TEMPLATE).unwrap(),
        ))
        .await
        .unwrap();
    assert_eq!(echo.result_code, 0, "the seeded template is known");
    let requests = raw(
        &simulator,
        "GET /admin/requests HTTP/1.1\r\ncontent-length: 0\r\n\r\n",
    )
    .await;
    assert!(
        requests.contains(r#""target":"/csob/oneclick/echo""#),
        "{requests}"
    );
    let reset = raw(
        &simulator,
        "POST /admin/reset HTTP/1.1\r\ncontent-length: 0\r\n\r\n",
    )
    .await;
    assert!(reset.starts_with("HTTP/1.1 200"));
    let err = client(&simulator, "merchant-test.key")
        .oneclick_echo(&OneclickEchoRequest::new(
            PayId::try_from(TEMPLATE).unwrap(),
        ))
        .await
        .unwrap_err();
    assert_eq!(
        err.result_code(),
        Some(700),
        "the reset forgot the template"
    );
}

mod monetix {
    use std::time::Duration;

    use oneclick_monetix::{
        Amount, CardSaleRequest, Client, Credentials, Currency, Customer, Environment, General,
        IpAddress, Payment, PaymentId, PaymentInstrument, PaymentState, PaymentStatusRequest,
        ReturnUrl, StatusGeneral, Token,
    };
    use oneclick_simulator::{Config, Simulator};
    use oneclick_tests::{Reply, TestServer};

    fn sale(payment_id: &str, amount: i64) -> CardSaleRequest {
        CardSaleRequest::new(
            General::new(PaymentId::try_from(payment_id).unwrap()),
            Customer::new(
                "customer_12".into(),
                IpAddress::try_from("10.0.0.1").unwrap(),
            ),
            Payment::new(
                Amount::try_from(amount).unwrap(),
                Currency::try_from("USD").unwrap(),
            ),
            ReturnUrl::new(),
            PaymentInstrument::Token {
                token: Token::try_from("f365bb").unwrap(),
                cvv: None,
            },
        )
    }

    async fn callbacks(merchant: &TestServer, count: usize) -> Vec<Vec<u8>> {
        for _ in 0..200 {
            let received = merchant.received();
            if received.len() >= count {
                return received.into_iter().map(|r| r.body).collect();
            }
            tokio::time::sleep(Duration::from_millis(10)).await;
        }
        panic!("the simulator did not call back");
    }

    #[tokio::test]
    async fn sale_callback_and_status() {
        let merchant = TestServer::start(|_| Reply::json("{}")).await;
        let mut config = Config::default();
        config.monetix.callback_url = Some(merchant.url("/callback"));
        let simulator = Simulator::start(config).await.unwrap();
        let client = Client::new(
            Environment::Custom(simulator.url("/monetix")),
            Credentials::new(42, "s3cr3t"),
        )
        .unwrap();

        let ack = client.card_sale(&sale("order-1", 400_000)).await.unwrap();
        assert_eq!(ack.status, "success");
        let again = client.card_sale(&sale("order-1", 400_000)).await.unwrap();
        assert_eq!(again.payment_id.as_deref(), Some("order-1"));
        client.card_sale(&sale("order-2", 400_013)).await.unwrap();

        let bodies = callbacks(&merchant, 2).await;
        let results: Vec<(String, PaymentState)> = bodies
            .iter()
            .map(|raw| client.verify_callback(raw).expect("the callback verifies"))
            .map(|c| {
                let payment = c.payment.unwrap();
                (payment.id.unwrap(), payment.status.unwrap())
            })
            .collect();
        assert!(
            results.contains(&("order-1".into(), PaymentState::Success)),
            "{results:?}"
        );
        assert!(
            results.contains(&("order-2".into(), PaymentState::Decline)),
            "amounts ending in 13 are declined"
        );
        assert_eq!(
            simulator.monetix_payments().len(),
            2,
            "a repeated payment_id creates no second payment"
        );

        let status = client
            .payment_status(&PaymentStatusRequest::new(StatusGeneral::new(
                PaymentId::try_from("order-2").unwrap(),
            )))
            .await
            .unwrap();
        assert_eq!(status.payment.status, Some(PaymentState::Decline));

        let wrong_secret = Client::new(
            Environment::Custom(simulator.url("/monetix")),
            Credentials::new(42, "another"),
        )
        .unwrap();
        let err = wrong_secret
            .card_sale(&sale("order-3", 100))
            .await
            .unwrap_err();
        assert!(
            matches!(err, oneclick_monetix::Error::Http { status: 400, .. }),
            "{err:?}"
        );
    }
}

mod xpay {
    use oneclick_simulator::{Config, Simulator};
    use oneclick_xpay::{
        ActionType, Amount, CancelUrl, Client, ContractId, CreateHppOrderRequest,
        CreatePayByLinkRequest, Credentials, Currency, CustomerId, DeactivateContractRequest,
        Environment, Error, ListCustomerContractsRequest, Order, OrderId, PathContractId,
        PathCustomerId, PaymentSession, Recurrence, ResultUrl, SessionAmount,
    };
    use tokio::io::{AsyncReadExt, AsyncWriteExt};

    fn order(id: &str, recurrence: Recurrence) -> (Order, PaymentSession) {
        let order = Order::new(
            OrderId::try_from(id).unwrap(),
            Amount::try_from("3545").unwrap(),
            Currency::try_from("EUR").unwrap(),
        )
        .customer_id(CustomerId::try_from("mcid1").unwrap());
        let session = PaymentSession::new(
            ActionType::Pay,
            SessionAmount::try_from("3545").unwrap(),
            ResultUrl::try_from("https://shop.example/r").unwrap(),
            CancelUrl::try_from("https://shop.example/c").unwrap(),
        )
        .recurrence(recurrence);
        (order, session)
    }

    #[tokio::test]
    async fn oneclick_contract_lifecycle() {
        let simulator = Simulator::start(Config::default()).await.unwrap();
        let client = Client::new(
            Environment::Custom(simulator.url("/xpay")),
            Credentials::new("xpay-test-api-key"),
        )
        .unwrap();
        let contract = ContractId::try_from("C1").unwrap();

        let (o, s) = order("o1", Recurrence::first_payment(contract.clone()));
        let first = client
            .create_hpp_order(&CreateHppOrderRequest::new(o, s))
            .await
            .unwrap();
        assert!(!first.security_token.is_empty());
        let (o, s) = order("o2", Recurrence::subsequent_payment(contract.clone()));
        let link = client
            .create_pay_by_link(&CreatePayByLinkRequest::new(o, s))
            .await
            .unwrap();
        assert!(!link.payment_link.link.is_empty());

        let listed = client
            .list_customer_contracts(&ListCustomerContractsRequest::new(
                PathCustomerId::try_from("mcid1").unwrap(),
            ))
            .await
            .unwrap();
        assert_eq!(listed.contracts[0].contract_id, "C1");

        client
            .deactivate_contract(&DeactivateContractRequest::new(
                PathContractId::try_from("C1").unwrap(),
            ))
            .await
            .unwrap();
        let (o, s) = order("o3", Recurrence::subsequent_payment(contract));
        match client
            .create_hpp_order(&CreateHppOrderRequest::new(o, s))
            .await
            .unwrap_err()
        {
            Error::Errors { errors, .. } => assert_eq!(errors[0].0, "PS0015"),
            other => panic!("a deactivated contract must fail, got {other:?}"),
        }
        let stranger = Client::new(
            Environment::Custom(simulator.url("/xpay")),
            Credentials::new("wrong"),
        )
        .unwrap();
        let err = stranger
            .list_customer_contracts(&ListCustomerContractsRequest::new(
                PathCustomerId::try_from("mcid1").unwrap(),
            ))
            .await
            .unwrap_err();
        assert!(matches!(err, Error::Http { status: 401, .. }), "{err:?}");
    }

    #[tokio::test]
    async fn a_repeated_idempotency_key_gets_the_first_answer() {
        let simulator = Simulator::start(Config::default()).await.unwrap();
        let body = r#"{"order":{"orderId":"o9","amount":"100","currency":"EUR"},"paymentSession":{"actionType":"PAY","amount":"100","resultUrl":"https://s/r","cancelUrl":"https://s/c"}}"#;
        let mut answers = Vec::new();
        for _ in 0..2 {
            let mut stream = tokio::net::TcpStream::connect(simulator.addr())
                .await
                .unwrap();
            let request = format!(
                "POST /xpay/orders/hpp HTTP/1.1\r\nx-api-key: xpay-test-api-key\r\nidempotency-key: 0b6f5e2a-1f4c-4d7e-9a0b-3c2d1e0f9a8b\r\ncontent-length: {}\r\n\r\n{body}",
                body.len()
            );
            stream.write_all(request.as_bytes()).await.unwrap();
            let mut answer = vec![0u8; 4096];
            let n = stream.read(&mut answer).await.unwrap();
            answers.push(String::from_utf8_lossy(&answer[..n]).into_owned());
        }
        assert!(answers[0].contains("securityToken"), "{}", answers[0]);
        assert_eq!(answers[0], answers[1]);
    }
}

mod assist {
    use oneclick_assist::{
        Amount, CardToken, Client, Credentials, Currency, CustomerNumber, Environment, Error,
        ListCardsRequest, Merchant, OrderNumber, PaymentToken, RemoveCardRequest, TokenPayRequest,
        TokenType,
    };
    use oneclick_simulator::{Config, Simulator};
    use serde_json::json;

    const TOKEN: &str = "91720736-CF93-469C-63A0-E5859815D6BA";

    #[tokio::test]
    async fn stored_card_list_pay_remove() {
        let simulator = Simulator::start(Config::default()).await.unwrap();
        simulator.seed_assist_card("1234", json!({"token": TOKEN, "post": "4128", "brand": "MasterCard", "expire": "12.2025", "active": true}));
        let client = Client::new(
            Environment::Custom(simulator.url("/assist")),
            Credentials::new("452739", "LOGIN", "PASSWORD"),
        )
        .unwrap();
        let customer = CustomerNumber::try_from("1234").unwrap();
        let token = CardToken::try_from(TOKEN).unwrap();

        let cards = client
            .list_cards(&ListCardsRequest::new(Merchant::new(), customer.clone()))
            .await
            .unwrap();
        assert_eq!(cards.items.len(), 1);
        assert_eq!(cards.items[0].post.as_deref(), Some("4128"));

        let paid = client
            .token_pay(&TokenPayRequest::new(
                OrderNumber::try_from("1001").unwrap(),
                Amount::try_from("100.50").unwrap(),
                Currency::try_from("RUB").unwrap(),
                TokenType::StoredCard,
                PaymentToken::new(token.clone(), customer.clone()),
            ))
            .await
            .unwrap();
        assert_eq!(paid.other["orderstate"], "Approved");

        let removed = client
            .remove_card(&RemoveCardRequest::new(
                Merchant::new(),
                token.clone(),
                customer.clone(),
            ))
            .await
            .unwrap();
        assert!(removed.message.ends_with("is removed"));
        assert!(
            client
                .list_cards(&ListCardsRequest::new(Merchant::new(), customer.clone()))
                .await
                .unwrap()
                .items
                .is_empty()
        );
        let err = client
            .remove_card(&RemoveCardRequest::new(
                Merchant::new(),
                token,
                customer.clone(),
            ))
            .await
            .unwrap_err();
        assert!(
            matches!(err, Error::Fault { ref code, .. } if code == "2"),
            "{err:?}"
        );

        let intruder = Client::new(
            Environment::Custom(simulator.url("/assist")),
            Credentials::new("452739", "LOGIN", "guess"),
        )
        .unwrap();
        let err = intruder
            .list_cards(&ListCardsRequest::new(Merchant::new(), customer))
            .await
            .unwrap_err();
        assert!(
            matches!(err, Error::Fault { ref code, .. } if code == "5"),
            "{err:?}"
        );
    }
}

mod outcomes {
    use std::sync::Arc;
    use std::time::{Duration, Instant};

    use oneclick_csob::{
        Client, ClientIp, Configure, Credentials, Environment, Error, OneclickEchoRequest,
        OneclickInitRequest, OneclickProcessRequest, OrderNo, PayId, RetryPolicy, RsaPrivateKey,
        RsaPublicKey,
    };
    use oneclick_simulator::outcomes::Outcome;
    use oneclick_simulator::{Config, Simulator};

    const TEMPLATE: &str = "0e92dd54b133@HA";

    fn key(name: &str) -> String {
        std::fs::read_to_string(format!("{}/../vectors/{name}", env!("CARGO_MANIFEST_DIR")))
            .unwrap()
    }

    async fn setup() -> (Simulator, Client) {
        let simulator = Simulator::start(Config::default()).await.unwrap();
        simulator.seed_csob_template(TEMPLATE);
        let credentials = Credentials::new(
            "M1MIPS0000",
            RsaPrivateKey::from_pem(&key("merchant-test.key")).unwrap(),
            RsaPublicKey::from_pem(&key("gateway-test.pub")).unwrap(),
        );
        let client = Client::new(Environment::Custom(simulator.url("/csob")), credentials)
            .unwrap()
            .with_retry(RetryPolicy {
                max_attempts: 3,
                initial_backoff: Duration::from_millis(5),
                max_backoff: Duration::from_millis(20),
            })
            .with_timeouts(Duration::from_secs(1), Duration::from_millis(500))
            .unwrap();
        (simulator, client)
    }

    fn init() -> OneclickInitRequest {
        OneclickInitRequest::new(
            PayId::try_from(TEMPLATE).unwrap(),
            OrderNo::try_from("1").unwrap(),
        )
        .client_ip(ClientIp::try_from("192.0.2.2").unwrap())
    }

    /// The failure behind an unknown outcome: init may have created a payment.
    fn cause_of_unknown(answer: Result<impl std::fmt::Debug, Error>) -> Error {
        match answer {
            Err(Error::OutcomeUnknown { cause, .. }) => *cause,
            other => panic!("expected an unknown outcome, got {other:?}"),
        }
    }

    #[tokio::test]
    async fn retryable_outcomes_are_retried() {
        // Proof that nothing was done: a signed 900, a 429 from the rate limiter.
        for outcome in [Outcome::Result900, Outcome::Http429] {
            let (simulator, client) = setup().await;
            simulator.queue_outcome("csob", outcome, 1);
            let payment = client.oneclick_init(&init()).await;
            assert!(payment.is_ok(), "{outcome:?}: {payment:?}");
            assert_eq!(
                simulator.csob_payments().len(),
                1,
                "{outcome:?}: one payment after the retry"
            );
        }
        // A 503 may follow a created payment: init is not repeated after it, echo is.
        let (simulator, client) = setup().await;
        simulator.queue_outcome("csob", Outcome::Http503, 1);
        let cause = cause_of_unknown(client.oneclick_init(&init()).await);
        assert!(
            matches!(cause, Error::Http { status: 503, .. }),
            "{cause:?}"
        );
        assert!(
            simulator.csob_payments().is_empty(),
            "sent once, refused once"
        );
        let echo = OneclickEchoRequest::new(PayId::try_from(TEMPLATE).unwrap());
        simulator.queue_outcome("csob", Outcome::Http503, 1);
        assert!(client.oneclick_echo(&echo).await.is_ok());
        simulator.queue_outcome("csob", Outcome::Http503, 3);
        let err = client.oneclick_echo(&echo).await.unwrap_err();
        assert!(matches!(err, Error::Http { status: 503, .. }), "{err:?}");
    }

    #[tokio::test]
    async fn failing_outcomes_surface_as_typed_errors() {
        let (simulator, client) = setup().await;
        simulator.queue_outcome("csob", Outcome::BadSignature, 1);
        assert!(matches!(
            cause_of_unknown(client.oneclick_init(&init()).await),
            Error::Signature { .. }
        ));
        simulator.queue_outcome("csob", Outcome::Malformed, 1);
        assert!(matches!(
            cause_of_unknown(client.oneclick_init(&init()).await),
            Error::Decode { .. }
        ));
        simulator.queue_outcome("csob", Outcome::Drop, 1);
        assert!(matches!(
            cause_of_unknown(client.oneclick_init(&init()).await),
            Error::Transport { .. }
        ));
        simulator.queue_outcome("csob", Outcome::Slow, 1);
        assert!(
            matches!(
                cause_of_unknown(client.oneclick_init(&init()).await),
                Error::Transport { .. }
            ),
            "slower than the client's timeout"
        );
    }

    #[tokio::test]
    async fn a_challenge_asks_the_browser_to_confirm() {
        let (simulator, client) = setup().await;
        let payment = client.oneclick_init(&init()).await.unwrap();
        simulator.queue_outcome("csob", Outcome::Challenge, 1);
        let pay_id = payment.pay_id.unwrap().into_valid().unwrap();
        let processed = client
            .oneclick_process(&OneclickProcessRequest::new(pay_id))
            .await
            .unwrap();
        let challenge = processed
            .actions
            .unwrap()
            .authenticate
            .unwrap()
            .browser_challenge
            .unwrap();
        assert!(challenge.url.contains("/challenge/"), "{}", challenge.url);
    }

    /// 1,000 payments started with 64 in flight: no errors, and exactly 1,000 payments exist.
    /// Prints the throughput and the 99th percentile of the calls' latency (`--nocapture`);
    /// each call signs its request and verifies the answer with RSA on both sides.
    #[tokio::test(flavor = "multi_thread", worker_threads = 2)]
    async fn load_1000_requests_64_in_flight() {
        let (simulator, client) = setup().await;
        let client = client
            .with_timeouts(Duration::from_secs(5), Duration::from_secs(30))
            .unwrap();
        let permits = Arc::new(tokio::sync::Semaphore::new(64));
        let mut calls = tokio::task::JoinSet::new();
        let started = Instant::now();
        for _ in 0..1000 {
            let permit = Arc::clone(&permits).acquire_owned().await.unwrap();
            let client = client.clone();
            calls.spawn(async move {
                let sent = Instant::now();
                let answer = client.oneclick_init(&init()).await;
                drop(permit);
                (answer, sent.elapsed())
            });
        }
        let mut errors = 0;
        let mut latencies = Vec::with_capacity(1000);
        while let Some(call) = calls.join_next().await {
            let (answer, latency) = call.unwrap();
            if answer.is_err() {
                errors += 1;
            }
            latencies.push(latency);
        }
        let elapsed = started.elapsed();
        latencies.sort();
        println!(
            "load: 1000 requests, 64 in flight: {:.0} requests/s, p99 {:.1?}",
            1000.0 / elapsed.as_secs_f64(),
            latencies[latencies.len() * 99 / 100 - 1]
        );
        assert_eq!(errors, 0);
        assert_eq!(simulator.csob_payments().len(), 1000);
    }
}

mod triggers {
    use oneclick_simulator::{Config, Simulator};
    use oneclick_xpay::Configure;
    use tokio::io::{AsyncReadExt, AsyncWriteExt};

    #[tokio::test]
    async fn contracts_and_outcomes_can_be_seeded_over_http() {
        let simulator = Simulator::start(Config::default()).await.unwrap();
        for (path, body) in [
            (
                "/admin/xpay/contracts",
                r#"{"contractId":"C7","customerId":"mcid7"}"#,
            ),
            (
                "/admin/outcomes",
                r#"{"gateway":"xpay","outcome":"http_503","count":1}"#,
            ),
        ] {
            let mut stream = tokio::net::TcpStream::connect(simulator.addr())
                .await
                .unwrap();
            let request = format!(
                "POST {path} HTTP/1.1\r\ncontent-length: {}\r\n\r\n{body}",
                body.len()
            );
            stream.write_all(request.as_bytes()).await.unwrap();
            let mut answer = vec![0u8; 1024];
            let n = stream.read(&mut answer).await.unwrap();
            assert!(
                String::from_utf8_lossy(&answer[..n]).starts_with("HTTP/1.1 200"),
                "{path}"
            );
        }
        let client = oneclick_xpay::Client::new(
            oneclick_xpay::Environment::Custom(simulator.url("/xpay")),
            oneclick_xpay::Credentials::new("xpay-test-api-key"),
        )
        .unwrap()
        .with_retry(oneclick_xpay::RetryPolicy {
            max_attempts: 2,
            initial_backoff: std::time::Duration::from_millis(5),
            max_backoff: std::time::Duration::from_millis(5),
        });
        let listed = client
            .list_customer_contracts(&oneclick_xpay::ListCustomerContractsRequest::new(
                oneclick_xpay::PathCustomerId::try_from("mcid7").unwrap(),
            ))
            .await
            .expect("the 503 is retried, then the seeded contract is listed");
        assert_eq!(listed.contracts[0].contract_id, "C7");
    }
}

mod request_value_triggers {
    use std::time::Duration;

    use oneclick_simulator::{Config, Simulator};
    use oneclick_tests::{Reply, TestServer};

    #[tokio::test]
    async fn csob_order_number_ending_in_7_asks_for_a_fingerprint() {
        use oneclick_csob::*;
        let simulator = Simulator::start(Config::default()).await.unwrap();
        simulator.seed_csob_template("0e92dd54b133@HA");
        let key = |name: &str| {
            std::fs::read_to_string(format!("{}/../vectors/{name}", env!("CARGO_MANIFEST_DIR")))
                .unwrap()
        };
        let credentials = Credentials::new(
            "M1MIPS0000",
            RsaPrivateKey::from_pem(&key("merchant-test.key")).unwrap(),
            RsaPublicKey::from_pem(&key("gateway-test.pub")).unwrap(),
        );
        let client = Client::new(Environment::Custom(simulator.url("/csob")), credentials).unwrap();
        let init = OneclickInitRequest::new(
            PayId::try_from("0e92dd54b133@HA").unwrap(),
            OrderNo::try_from("1007").unwrap(),
        )
        .client_ip(ClientIp::try_from("192.0.2.2").unwrap());
        let payment = client.oneclick_init(&init).await.unwrap();
        assert!(
            payment
                .actions
                .unwrap()
                .fingerprint
                .unwrap()
                .browser_init
                .is_some()
        );
    }

    #[tokio::test]
    async fn monetix_amount_ending_in_42_redirects_the_customer() {
        use oneclick_monetix::*;
        let merchant = TestServer::start(|_| Reply::json("{}")).await;
        let mut config = Config::default();
        config.monetix.callback_url = Some(merchant.url("/cb"));
        let simulator = Simulator::start(config).await.unwrap();
        let client = Client::new(
            Environment::Custom(simulator.url("/monetix")),
            Credentials::new(42, "s3cr3t"),
        )
        .unwrap();
        let sale = CardSaleRequest::new(
            General::new(PaymentId::try_from("r-1").unwrap()),
            Customer::new("c".into(), IpAddress::try_from("10.0.0.1").unwrap()),
            Payment::new(
                Amount::try_from(1042).unwrap(),
                Currency::try_from("EUR").unwrap(),
            ),
            ReturnUrl::new(),
            PaymentInstrument::Token {
                token: Token::try_from("t").unwrap(),
                cvv: None,
            },
        );
        client.card_sale(&sale).await.unwrap();
        for _ in 0..200 {
            if let Some(callback) = merchant.received().first() {
                let callback = client.verify_callback(&callback.body).unwrap();
                assert_eq!(
                    callback.payment.unwrap().status,
                    Some(PaymentState::AwaitingRedirectResult)
                );
                assert!(callback.redirect_data.unwrap().url.is_some());
                return;
            }
            tokio::time::sleep(Duration::from_millis(10)).await;
        }
        panic!("no callback");
    }
}

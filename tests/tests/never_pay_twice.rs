//! The faults that made one call two payments: the gateway acts on a request, and then the
//! client hears a 503, nothing before its timeout, or a closed connection. A proxy between the
//! client and the simulator forwards the request, lets the simulator act, and then fails the
//! answer. For every payment-creating operation, afterwards exactly one payment exists (the
//! client repeated an idempotent call, which the gateway deduplicated) or the client never sent
//! the request again and reported `OutcomeUnknown` with the values to look it up by.

use std::net::SocketAddr;
use std::sync::{Arc, Mutex};
use std::time::Duration;

use http_body_util::{BodyExt, Full};
use hyper::body::{Bytes, Incoming};
use hyper::header::CONNECTION;
use hyper::server::conn::http1;
use hyper::service::service_fn;
use hyper::{Request, Response, StatusCode};
use hyper_util::rt::TokioIo;
use oneclick_runtime::Configure;
use oneclick_simulator::{Config, Simulator};
use serde_json::{Value, json};
use tokio::net::{TcpListener, TcpStream};

/// The client's whole-call timeout; the proxy's slow answer comes after it.
const CLIENT_TIMEOUT: Duration = Duration::from_millis(500);

/// What the client hears after the gateway acted.
#[derive(Debug, Clone, Copy, PartialEq)]
enum AfterActing {
    Status(u16),
    Timeout,
    Drop,
}

/// A request as the proxy forwarded it.
#[derive(Debug, Clone)]
struct Forwarded {
    target: String,
    idempotency_key: Option<String>,
    body: Vec<u8>,
}

/// Forwards everything to the simulator; the first `times` requests to `failing_path` reach
/// it, and then their answers are replaced by `fault`.
struct ActingProxy {
    addr: SocketAddr,
    forwarded: Arc<Mutex<Vec<Forwarded>>>,
    task: tokio::task::JoinHandle<()>,
}

impl ActingProxy {
    async fn start(
        upstream: SocketAddr,
        failing_path: &'static str,
        fault: AfterActing,
        times: usize,
    ) -> Self {
        let listener = TcpListener::bind("127.0.0.1:0").await.unwrap();
        let addr = listener.local_addr().unwrap();
        let forwarded = Arc::new(Mutex::new(Vec::new()));
        let failures_left = Arc::new(Mutex::new(times));
        let log = Arc::clone(&forwarded);
        let task = tokio::spawn(async move {
            while let Ok((stream, _)) = listener.accept().await {
                let relay = Arc::new(Relay {
                    upstream,
                    failing_path,
                    fault,
                    log: Arc::clone(&log),
                    failures_left: Arc::clone(&failures_left),
                });
                let service = service_fn(move |request| {
                    let relay = Arc::clone(&relay);
                    async move { relay.forward(request).await }
                });
                tokio::spawn(http1::Builder::new().serve_connection(TokioIo::new(stream), service));
            }
        });
        ActingProxy {
            addr,
            forwarded,
            task,
        }
    }

    fn url(&self, prefix: &str) -> String {
        format!("http://{}{prefix}", self.addr)
    }

    /// The requests to `path` that reached the gateway.
    fn forwarded_to(&self, path: &str) -> Vec<Forwarded> {
        self.forwarded
            .lock()
            .unwrap()
            .iter()
            .filter(|f| f.target.ends_with(path))
            .cloned()
            .collect()
    }
}

impl Drop for ActingProxy {
    fn drop(&mut self) {
        self.task.abort();
    }
}

/// One proxied connection: what it forwards where, and how it fails.
struct Relay {
    upstream: SocketAddr,
    failing_path: &'static str,
    fault: AfterActing,
    log: Arc<Mutex<Vec<Forwarded>>>,
    failures_left: Arc<Mutex<usize>>,
}

/// Makes hyper close the client's connection without an answer.
#[derive(Debug)]
struct Dropped;

impl std::fmt::Display for Dropped {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str("the proxy dropped the connection")
    }
}

impl std::error::Error for Dropped {}

impl Relay {
    async fn forward(&self, request: Request<Incoming>) -> Result<Response<Full<Bytes>>, Dropped> {
        let (head, body) = request.into_parts();
        let body = body.collect().await.map_err(|_| Dropped)?.to_bytes();
        let target = head.uri.path_and_query().unwrap().as_str().to_owned();
        let idempotency_key = head
            .headers
            .get("idempotency-key")
            .map(|value| value.to_str().unwrap().to_owned());
        self.log.lock().unwrap().push(Forwarded {
            target: target.clone(),
            idempotency_key,
            body: body.to_vec(),
        });
        let answer = self
            .gateway(Request::from_parts(head, Full::new(body)))
            .await
            .ok_or(Dropped)?;
        let fail_now = target.ends_with(self.failing_path) && {
            let mut left = self.failures_left.lock().unwrap();
            let fail = *left > 0;
            *left = left.saturating_sub(1);
            fail
        };
        if !fail_now {
            return Ok(answer);
        }
        match self.fault {
            AfterActing::Status(status) => {
                let mut failed = Response::new(Full::new(Bytes::new()));
                *failed.status_mut() = StatusCode::from_u16(status).unwrap();
                failed
                    .headers_mut()
                    .insert(CONNECTION, "close".parse().unwrap());
                Ok(failed)
            }
            AfterActing::Timeout => {
                tokio::time::sleep(CLIENT_TIMEOUT * 3).await;
                Err(Dropped)
            }
            AfterActing::Drop => Err(Dropped),
        }
    }

    /// The simulator's answer to `request`, over a connection of its own.
    async fn gateway(&self, request: Request<Full<Bytes>>) -> Option<Response<Full<Bytes>>> {
        let stream = TcpStream::connect(self.upstream).await.ok()?;
        let (mut sender, connection) = hyper::client::conn::http1::handshake(TokioIo::new(stream))
            .await
            .ok()?;
        tokio::spawn(connection);
        let (head, body) = sender.send_request(request).await.ok()?.into_parts();
        let body = body.collect().await.ok()?.to_bytes();
        Some(Response::from_parts(head, Full::new(body)))
    }
}

const FAULTS: [AfterActing; 3] = [
    AfterActing::Status(503),
    AfterActing::Timeout,
    AfterActing::Drop,
];

fn fast_retries() -> oneclick_runtime::RetryPolicy {
    oneclick_runtime::RetryPolicy {
        max_attempts: 3,
        initial_backoff: Duration::from_millis(5),
        max_backoff: Duration::from_millis(20),
    }
}

mod csob {
    use super::*;
    use oneclick_csob::{
        Client, ClientIp, Credentials, Environment, Error, OneclickInitRequest,
        OneclickProcessRequest, OrderNo, PayId, RsaPrivateKey, RsaPublicKey,
    };

    const TEMPLATE: &str = "0e92dd54b133@HA";

    fn key(name: &str) -> String {
        std::fs::read_to_string(format!("{}/../vectors/{name}", env!("CARGO_MANIFEST_DIR")))
            .unwrap()
    }

    fn client(proxy: &ActingProxy) -> Client {
        let credentials = Credentials::new(
            "M1MIPS0000",
            RsaPrivateKey::from_pem(&key("merchant-test.key")).unwrap(),
            RsaPublicKey::from_pem(&key("gateway-test.pub")).unwrap(),
        );
        Client::new(Environment::Custom(proxy.url("/csob")), credentials)
            .unwrap()
            .with_retry(fast_retries())
            .with_timeouts(Duration::from_secs(1), CLIENT_TIMEOUT)
            .unwrap()
    }

    fn init() -> OneclickInitRequest {
        OneclickInitRequest::new(
            PayId::try_from(TEMPLATE).unwrap(),
            OrderNo::try_from("4711").unwrap(),
        )
        .client_ip(ClientIp::try_from("192.0.2.2").unwrap())
    }

    /// The reconcile pairs of an unknown outcome; anything else fails the test.
    fn reconcile_of(answer: Result<impl std::fmt::Debug, Error>) -> Vec<(String, String)> {
        match answer {
            Err(Error::OutcomeUnknown { reconcile, .. }) => reconcile,
            other => panic!("expected an unknown outcome, got {other:?}"),
        }
    }

    #[tokio::test]
    async fn init_is_sent_once_and_reported_unknown() {
        for fault in FAULTS {
            let simulator = Simulator::start(Config::default()).await.unwrap();
            simulator.seed_csob_template(TEMPLATE);
            let proxy = ActingProxy::start(simulator.addr(), "/oneclick/init", fault, 1).await;
            let reconcile = reconcile_of(client(&proxy).oneclick_init(&init()).await);
            let sent = proxy.forwarded_to("/oneclick/init");
            assert_eq!(sent.len(), 1, "{fault:?}: init is never repeated");
            assert_eq!(
                simulator.csob_payments().len(),
                1,
                "{fault:?}: exactly one payment"
            );
            let body: Value = serde_json::from_slice(&sent[0].body).unwrap();
            assert_eq!(
                reconcile,
                [
                    ("orderNo".to_owned(), "4711".to_owned()),
                    ("dttm".to_owned(), body["dttm"].as_str().unwrap().to_owned()),
                ],
                "{fault:?}: the orderNo and dttm actually sent"
            );
        }
    }

    #[tokio::test]
    async fn process_is_sent_once_and_reported_unknown() {
        for fault in FAULTS {
            let simulator = Simulator::start(Config::default()).await.unwrap();
            simulator.seed_csob_template(TEMPLATE);
            let proxy = ActingProxy::start(simulator.addr(), "/oneclick/process", fault, 1).await;
            let client = client(&proxy);
            let payment = client.oneclick_init(&init()).await.unwrap();
            let pay_id: PayId = payment.pay_id.unwrap().into_valid().unwrap();
            let reconcile = reconcile_of(
                client
                    .oneclick_process(&OneclickProcessRequest::new(pay_id.clone()))
                    .await,
            );
            assert_eq!(
                proxy.forwarded_to("/oneclick/process").len(),
                1,
                "{fault:?}"
            );
            assert_eq!(simulator.csob_payments().len(), 1, "{fault:?}");
            assert_eq!(
                reconcile[0],
                ("payId".to_owned(), pay_id.into_inner()),
                "{fault:?}"
            );
        }
    }
}

mod monetix {
    use super::*;
    use oneclick_monetix::{
        Amount, CardSaleRequest, Client, Credentials, Currency, Customer, Environment, General,
        IpAddress, Payment, PaymentId, PaymentInstrument, ReturnUrl, Token,
    };

    #[tokio::test]
    async fn a_repeated_sale_keeps_its_payment_id_and_pays_once() {
        // 500 is the status Monetix documents for a failure on its side.
        for fault in [
            AfterActing::Status(500),
            AfterActing::Timeout,
            AfterActing::Drop,
        ] {
            let simulator = Simulator::start(Config::default()).await.unwrap();
            let proxy =
                ActingProxy::start(simulator.addr(), "/v2/payment/card/sale", fault, 1).await;
            let client = Client::new(
                Environment::Custom(proxy.url("/monetix")),
                Credentials::new(42, "s3cr3t"),
            )
            .unwrap()
            .with_retry(fast_retries())
            .with_timeouts(Duration::from_secs(1), CLIENT_TIMEOUT)
            .unwrap();
            let sale = CardSaleRequest::new(
                General::new(PaymentId::try_from("order-77").unwrap()),
                Customer::new("c1".into(), IpAddress::try_from("10.0.0.1").unwrap()),
                Payment::new(
                    Amount::try_from(1000).unwrap(),
                    Currency::try_from("USD").unwrap(),
                ),
                ReturnUrl::new(),
                PaymentInstrument::Token {
                    token: Token::try_from("f365bb").unwrap(),
                    cvv: None,
                },
            );
            let answer = client.card_sale(&sale).await;
            assert!(
                answer.is_ok(),
                "{fault:?}: repeated and acknowledged: {answer:?}"
            );
            let sent = proxy.forwarded_to("/v2/payment/card/sale");
            assert_eq!(sent.len(), 2, "{fault:?}");
            let ids: Vec<Value> = sent
                .iter()
                .map(|f| {
                    serde_json::from_slice::<Value>(&f.body).unwrap()["general"]["payment_id"]
                        .clone()
                })
                .collect();
            assert_eq!(ids, [json!("order-77"), json!("order-77")], "{fault:?}");
            assert_eq!(
                simulator.monetix_payments().len(),
                1,
                "{fault:?}: exactly one payment"
            );
        }
    }
}

mod xpay {
    use super::*;
    use oneclick_xpay::{
        ActionType, Amount, CancelUrl, Client, ContractId, CreateHppOrderRequest,
        CreatePayByLinkRequest, Credentials, Currency, CustomerId, Environment, Order, OrderId,
        PaymentSession, Recurrence, ResultUrl, SessionAmount,
    };

    fn order(id: &str, contract: &str) -> (Order, PaymentSession) {
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
        .recurrence(Recurrence::first_payment(
            ContractId::try_from(contract).unwrap(),
        ));
        (order, session)
    }

    #[tokio::test]
    async fn order_creation_is_repeated_with_its_idempotency_key() {
        for (path, fault) in ["/orders/hpp", "/orders/paybylink"]
            .into_iter()
            .flat_map(|path| FAULTS.map(|fault| (path, fault)))
        {
            let simulator = Simulator::start(Config::default()).await.unwrap();
            let proxy = ActingProxy::start(simulator.addr(), path, fault, 1).await;
            let client = Client::new(
                Environment::Custom(proxy.url("/xpay")),
                Credentials::new("xpay-test-api-key"),
            )
            .unwrap()
            .with_retry(fast_retries())
            .with_timeouts(Duration::from_secs(1), CLIENT_TIMEOUT)
            .unwrap();
            let (o, s) = order("o-1", "C-1");
            // A second CONTRACT_CREATION of the same contract would be refused: the answer
            // comes from the replayed first order.
            let created = if path == "/orders/hpp" {
                client
                    .create_hpp_order(&CreateHppOrderRequest::new(o, s))
                    .await
                    .map(|r| r.security_token)
            } else {
                client
                    .create_pay_by_link(&CreatePayByLinkRequest::new(o, s))
                    .await
                    .map(|r| r.security_token)
            };
            assert!(created.is_ok(), "{path} {fault:?}: {created:?}");
            let sent = proxy.forwarded_to(path);
            assert_eq!(sent.len(), 2, "{path} {fault:?}");
            assert!(sent[0].idempotency_key.is_some());
            assert_eq!(
                sent[0].idempotency_key, sent[1].idempotency_key,
                "{path} {fault:?}: the gateway replays the first order"
            );
        }
    }

    /// The Idempotency-Key lives only in the call: once its attempts run out, a new call would
    /// create a new order, so the caller learns that one may exist and how to find it.
    #[tokio::test]
    async fn order_creation_that_never_hears_back_is_reported_unknown() {
        for fault in FAULTS {
            let simulator = Simulator::start(Config::default()).await.unwrap();
            let proxy = ActingProxy::start(simulator.addr(), "/orders/hpp", fault, 3).await;
            let client = Client::new(
                Environment::Custom(proxy.url("/xpay")),
                Credentials::new("xpay-test-api-key"),
            )
            .unwrap()
            .with_retry(fast_retries())
            .with_timeouts(Duration::from_secs(1), CLIENT_TIMEOUT)
            .unwrap();
            let (o, s) = order("o-2", "C-2");
            let answer = client
                .create_hpp_order(&CreateHppOrderRequest::new(o, s))
                .await;
            let Err(oneclick_xpay::Error::OutcomeUnknown { reconcile, .. }) = &answer else {
                panic!("{fault:?}: expected an unknown outcome, got {answer:?}");
            };
            let sent = proxy.forwarded_to("/orders/hpp");
            assert_eq!(sent.len(), 3, "{fault:?}: every attempt with the same key");
            assert!(
                sent.iter()
                    .all(|f| f.idempotency_key == sent[0].idempotency_key)
            );
            assert_eq!(
                reconcile,
                &[
                    ("order.orderId".to_owned(), "o-2".to_owned()),
                    (
                        "Idempotency-Key".to_owned(),
                        sent[0].idempotency_key.clone().unwrap()
                    ),
                ],
                "{fault:?}"
            );
        }
    }
}

mod assist {
    use super::*;
    use oneclick_assist::{
        Amount, CardToken, Client, Credentials, Currency, CustomerNumber, Environment, Error,
        OrderNumber, PaymentToken, TokenPayRequest, TokenType,
    };

    const TOKEN: &str = "91720736-CF93-469C-63A0-E5859815D6BA";

    #[tokio::test]
    async fn token_payment_is_sent_once_and_reported_unknown() {
        for fault in FAULTS {
            let simulator = Simulator::start(Config::default()).await.unwrap();
            simulator.seed_assist_card(
                "1234",
                json!({"token": TOKEN, "post": "4128", "brand": "MasterCard", "expire": "12.2025", "active": true}),
            );
            let proxy = ActingProxy::start(simulator.addr(), "/pay/tokenpay.cfm", fault, 1).await;
            let client = Client::new(
                Environment::Custom(proxy.url("/assist")),
                Credentials::new("452739", "LOGIN", "PASSWORD"),
            )
            .unwrap()
            .with_retry(fast_retries())
            .with_timeouts(Duration::from_secs(1), CLIENT_TIMEOUT)
            .unwrap();
            let answer = client
                .token_pay(&TokenPayRequest::new(
                    OrderNumber::try_from("1001").unwrap(),
                    Amount::try_from("100.50").unwrap(),
                    Currency::try_from("RUB").unwrap(),
                    TokenType::StoredCard,
                    PaymentToken::new(
                        CardToken::try_from(TOKEN).unwrap(),
                        CustomerNumber::try_from("1234").unwrap(),
                    ),
                ))
                .await;
            let Err(Error::OutcomeUnknown { reconcile, .. }) = &answer else {
                panic!("{fault:?}: expected an unknown outcome, got {answer:?}");
            };
            assert_eq!(
                reconcile,
                &[("OrderNumber".to_owned(), "1001".to_owned())],
                "{fault:?}"
            );
            assert_eq!(
                proxy.forwarded_to("/pay/tokenpay.cfm").len(),
                1,
                "{fault:?}: the card is charged at most once"
            );
            let message = answer.unwrap_err().to_string();
            assert!(!message.contains("PASSWORD"), "{message}");
        }
    }
}

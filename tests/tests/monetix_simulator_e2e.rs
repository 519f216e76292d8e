//! A Monetix merchant's life after the sale, against the simulator as a new user would drive it:
//! the generated client sends, the simulator acknowledges and calls back, and the merchant's
//! callback endpoint (a loopback server) verifies every callback before trusting it.

use std::time::Duration;

use oneclick_monetix::{
    Amount, Callback, CardCancelRequest, CardCaptureRequest, CardRefundRequest, CardSaleRequest,
    Client, Credentials, Currency, Customer, Environment, Error, General, HeldPayment, IpAddress,
    MerchantCallbackUrl, OperationType, Payment, PaymentId, PaymentInstrument, PaymentState,
    PaymentStatusRequest, RefundPayment, ReturnUrl, StatusGeneral, Token,
};
use oneclick_simulator::outcomes::Outcome;
use oneclick_simulator::{Config, Simulator};
use oneclick_tests::{Reply, TestServer};

/// The simulator, the merchant's callback endpoint it calls by default, and a client of it.
struct Shop {
    simulator: Simulator,
    merchant: TestServer,
    client: Client,
}

impl Shop {
    async fn open() -> Shop {
        let merchant = TestServer::start(|_| Reply::json("{}")).await;
        let mut config = Config::default();
        config.monetix.callback_url = Some(merchant.url("/callback"));
        let simulator = Simulator::start(config).await.unwrap();
        let client = Client::new(
            Environment::Custom(simulator.url("/monetix")),
            Credentials::new(42, "s3cr3t"),
        )
        .unwrap();
        Shop {
            simulator,
            merchant,
            client,
        }
    }

    /// Waits for the `count`-th callback at `server` and verifies it.
    async fn callback(&self, server: &TestServer, count: usize) -> Callback {
        for _ in 0..300 {
            if let Some(received) = server.received().get(count - 1) {
                return self
                    .client
                    .verify_callback(&received.body)
                    .expect("a callback the merchant can trust");
            }
            tokio::time::sleep(Duration::from_millis(10)).await;
        }
        panic!("no callback number {count}");
    }

    async fn status(&self, payment_id: &str) -> (PaymentState, Option<i64>) {
        let answer = self
            .client
            .payment_status(&PaymentStatusRequest::new(StatusGeneral::new(
                PaymentId::try_from(payment_id).unwrap(),
            )))
            .await
            .unwrap();
        let payment = answer.payment;
        (
            payment.status.unwrap(),
            payment.sum.and_then(|sum| sum.amount),
        )
    }
}

fn general(payment_id: &str) -> General {
    General::new(PaymentId::try_from(payment_id).unwrap())
}

fn usd() -> Currency {
    Currency::try_from("USD").unwrap()
}

fn sale(payment_id: &str, amount: i64) -> CardSaleRequest {
    CardSaleRequest::new(
        general(payment_id),
        Customer::new(
            "customer_12".into(),
            IpAddress::try_from("10.0.0.1").unwrap(),
        ),
        Payment::new(Amount::try_from(amount).unwrap(), usd()),
        ReturnUrl::new(),
        PaymentInstrument::Token {
            token: Token::try_from("f365bb").unwrap(),
            cvv: None,
        },
    )
}

fn refund(payment_id: &str, amount: Option<i64>, merchant_refund_id: &str) -> CardRefundRequest {
    let mut payment = RefundPayment::new(usd(), "Returned goods".into())
        .merchant_refund_id(merchant_refund_id.into());
    if let Some(amount) = amount {
        payment = payment.amount(Amount::try_from(amount).unwrap());
    }
    CardRefundRequest::new(general(payment_id), payment)
}

fn held(amount: i64) -> HeldPayment {
    HeldPayment::new(Amount::try_from(amount).unwrap(), usd())
}

/// What a callback says: the operation, its result, the payment's status and what it holds.
fn said(callback: &Callback) -> (OperationType, PaymentState, PaymentState, Option<i64>) {
    let operation = callback.operation.as_ref().unwrap();
    let payment = callback.payment.as_ref().unwrap();
    (
        operation.operation_type.clone().unwrap(),
        operation.status.clone().unwrap(),
        payment.status.clone().unwrap(),
        payment.sum.as_ref().and_then(|sum| sum.amount),
    )
}

/// The simulator refused the request with an HTTP 200 `{"status": "error"}`.
fn refused_with(err: &Error, why: &str) {
    assert!(
        matches!(
            err,
            Error::Rejected {
                field: "status",
                ..
            }
        ),
        "{why}: {err:?}"
    );
}

#[tokio::test]
async fn sale_refund_refund_the_rest_then_nothing_is_left() {
    let shop = Shop::open().await;
    let ack = shop
        .client
        .card_sale(&sale("order-1", 10_000))
        .await
        .unwrap();
    assert_eq!(ack.status, "success");
    let sold = shop.callback(&shop.merchant, 1).await;
    assert_eq!(
        said(&sold),
        (
            OperationType::Sale,
            PaymentState::Success,
            PaymentState::Success,
            Some(10_000)
        )
    );

    let ack = shop
        .client
        .card_refund(&refund("order-1", Some(3_000), "refund-1"))
        .await
        .unwrap();
    assert_eq!(ack.payment_id.as_deref(), Some("order-1"));
    let refunded = shop.callback(&shop.merchant, 2).await;
    assert_eq!(
        said(&refunded),
        (
            OperationType::Refund,
            PaymentState::Success,
            PaymentState::PartiallyRefunded,
            Some(7_000)
        )
    );
    let operation = refunded.operation.as_ref().unwrap();
    assert_eq!(
        operation.request_id.as_deref(),
        Some(ack.request_id.as_str())
    );
    assert_eq!(operation.sum_initial.as_ref().unwrap().amount, Some(3_000));

    // Without an amount, the rest of the payment.
    shop.client
        .card_refund(&refund("order-1", None, "refund-2"))
        .await
        .unwrap();
    let rest = shop.callback(&shop.merchant, 3).await;
    assert_eq!(
        said(&rest),
        (
            OperationType::Refund,
            PaymentState::Success,
            PaymentState::Refunded,
            Some(0)
        )
    );
    assert_eq!(
        rest.operation.unwrap().sum_initial.unwrap().amount,
        Some(7_000)
    );

    let err = shop
        .client
        .card_refund(&refund("order-1", Some(1), "refund-3"))
        .await
        .unwrap_err();
    refused_with(&err, "nothing is left to refund");
    assert_eq!(
        shop.status("order-1").await,
        (PaymentState::Refunded, Some(0))
    );
    tokio::time::sleep(Duration::from_millis(50)).await;
    assert_eq!(
        shop.merchant.received().len(),
        3,
        "a refused refund calls nobody back"
    );
}

#[tokio::test]
async fn refunds_never_go_beyond_what_was_paid() {
    let shop = Shop::open().await;
    shop.client
        .card_sale(&sale("order-2", 5_000))
        .await
        .unwrap();
    shop.callback(&shop.merchant, 1).await;
    let err = shop
        .client
        .card_refund(&refund("order-2", Some(5_001), "too-much"))
        .await
        .unwrap_err();
    refused_with(&err, "beyond the payment");
    shop.client
        .card_refund(&refund("order-2", Some(5_000), "all-of-it"))
        .await
        .unwrap();
    assert_eq!(
        said(&shop.callback(&shop.merchant, 2).await).2,
        PaymentState::Refunded
    );

    // A declined sale and an unknown payment are not refunded either.
    shop.client
        .card_sale(&sale("order-3", 5_013))
        .await
        .unwrap();
    shop.callback(&shop.merchant, 3).await;
    let err = shop
        .client
        .card_refund(&refund("order-3", None, "r"))
        .await
        .unwrap_err();
    refused_with(&err, "a declined sale");
    let err = shop
        .client
        .card_refund(&refund("nobody", None, "r"))
        .await
        .unwrap_err();
    assert!(matches!(err, Error::Http { status: 404, .. }), "{err:?}");
}

#[tokio::test]
async fn a_repeated_refund_is_one_refund() {
    let shop = Shop::open().await;
    shop.client
        .card_sale(&sale("order-4", 10_000))
        .await
        .unwrap();
    shop.callback(&shop.merchant, 1).await;
    let first = shop
        .client
        .card_refund(&refund("order-4", Some(4_000), "refund-1"))
        .await
        .unwrap();
    let again = shop
        .client
        .card_refund(&refund("order-4", Some(4_000), "refund-1"))
        .await
        .unwrap();
    assert_eq!(again.request_id, first.request_id, "the same refund");
    shop.callback(&shop.merchant, 2).await;
    assert_eq!(
        shop.status("order-4").await,
        (PaymentState::PartiallyRefunded, Some(6_000)),
        "refunded once"
    );
    let err = shop
        .client
        .card_refund(&refund("order-4", Some(5_000), "refund-1"))
        .await
        .unwrap_err();
    refused_with(&err, "the same merchant_refund_id with another amount");
}

#[tokio::test]
async fn a_declined_refund_leaves_the_payment_as_it_was() {
    let shop = Shop::open().await;
    shop.client
        .card_sale(&sale("order-5", 10_000))
        .await
        .unwrap();
    shop.callback(&shop.merchant, 1).await;
    shop.simulator.queue_outcome("monetix", Outcome::Decline, 1);
    let ack = shop
        .client
        .card_refund(&refund("order-5", Some(2_500), "refund-1"))
        .await
        .unwrap();
    assert_eq!(ack.status, "success", "acknowledged all the same");
    let declined = shop.callback(&shop.merchant, 2).await;
    assert_eq!(
        said(&declined),
        (
            OperationType::Refund,
            PaymentState::Decline,
            PaymentState::Success,
            Some(10_000)
        )
    );
    assert_eq!(declined.operation.unwrap().code.as_deref(), Some("20105"));
    assert_eq!(
        shop.status("order-5").await,
        (PaymentState::Success, Some(10_000))
    );
}

#[tokio::test]
async fn a_held_sale_is_captured_or_cancelled_once() {
    let shop = Shop::open().await;
    shop.simulator.queue_outcome("monetix", Outcome::Hold, 2);
    shop.client.card_sale(&sale("held-1", 8_000)).await.unwrap();
    shop.client.card_sale(&sale("held-2", 8_000)).await.unwrap();
    shop.callback(&shop.merchant, 2).await;
    assert_eq!(shop.status("held-1").await.0, PaymentState::AwaitingCapture);
    let err = shop
        .client
        .card_refund(&refund("held-1", None, "r"))
        .await
        .unwrap_err();
    refused_with(&err, "a held payment is cancelled, not refunded");

    let err = shop
        .client
        .card_capture(&CardCaptureRequest::new(general("held-1"), held(8_001)))
        .await
        .unwrap_err();
    refused_with(&err, "more than held");
    shop.client
        .card_capture(&CardCaptureRequest::new(general("held-1"), held(6_000)))
        .await
        .unwrap();
    let captured = shop.callback(&shop.merchant, 3).await;
    assert_eq!(
        said(&captured),
        (
            OperationType::Capture,
            PaymentState::Success,
            PaymentState::Success,
            Some(6_000)
        )
    );

    shop.client
        .card_cancel(&CardCancelRequest::new(general("held-2"), held(8_000)))
        .await
        .unwrap();
    let cancelled = shop.callback(&shop.merchant, 4).await;
    assert_eq!(
        said(&cancelled),
        (
            OperationType::Cancel,
            PaymentState::Success,
            PaymentState::Canceled,
            Some(0)
        )
    );

    for (payment_id, why) in [
        ("held-1", "captured already"),
        ("held-2", "cancelled already"),
    ] {
        let err = shop
            .client
            .card_cancel(&CardCancelRequest::new(general(payment_id), held(8_000)))
            .await
            .unwrap_err();
        refused_with(&err, why);
        let err = shop
            .client
            .card_capture(&CardCaptureRequest::new(general(payment_id), held(1_000)))
            .await
            .unwrap_err();
        refused_with(&err, why);
    }
    // The captured part is refundable, and only that.
    let err = shop
        .client
        .card_refund(&refund("held-1", Some(6_001), "r"))
        .await
        .unwrap_err();
    refused_with(&err, "only what was captured");
}

#[tokio::test]
async fn the_callback_goes_where_the_request_says() {
    let shop = Shop::open().await;
    let own = TestServer::start(|_| Reply::json("{}")).await;
    let url = MerchantCallbackUrl::try_from(own.url("/refunds").as_str()).unwrap();
    shop.client
        .card_sale(&sale("order-6", 1_000))
        .await
        .unwrap();
    shop.callback(&shop.merchant, 1).await;
    let request = CardRefundRequest::new(
        general("order-6").merchant_callback_url(url),
        RefundPayment::new(usd(), "Returned goods".into()),
    );
    shop.client.card_refund(&request).await.unwrap();
    let refunded = shop.callback(&own, 1).await;
    assert_eq!(said(&refunded).0, OperationType::Refund);
    assert_eq!(own.received()[0].target, "/refunds");
    assert_eq!(
        shop.merchant.received().len(),
        1,
        "not to the project's URL"
    );
}

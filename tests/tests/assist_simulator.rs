//! The generated IPS Assist client against the in-process simulator, as a merchant with a salt
//! uses it: a payment-page order with recurring parameters is paid, its signed notification
//! reaches the merchant, `order_result` reports it (check value verified), a recurrent payment
//! inside the limits is charged, one outside them refused, one the issuer declines is
//! `Error::Rejected` with Assist's code and message, and the order is cancelled in
//! part and then in full. An order paid with a saved card allows no recurrent payment. A
//! merchant answering a notification with its `reply()` gets it once; one answering anything
//! else gets it again. The customer's browser posting the order to the simulator's payment
//! page pays it, or has the card declined on demand. Over the admin API, an order is paid in the state asked for, and a
//! recurrent payment below RecurringMinAmount or after RecurringMaxDate is refused.

use std::time::Duration;

use oneclick_assist::{
    Amount, BillNumber, CancelOrderRequest, Client, Credentials, Currency, CustomerNumber,
    Environment, Error, OrderNumber, OrderResultRequest, OrderState, PaymentPageOrderRequest,
    RecurrentPaymentRequest, RecurringIndicator, RecurringMaxDate, RecurringPeriod, ResultOrder,
};
use oneclick_runtime::Code;
use oneclick_simulator::outcomes::Outcome;
use oneclick_simulator::{Config, Simulator};
use oneclick_tests::{Reply, TestServer};

const SALT: &str = "s4lt";

fn client(simulator: &Simulator) -> Client {
    Client::new(
        Environment::Custom(simulator.url("/assist")),
        Credentials::new("452739", "LOGIN", "PASSWORD").with_salt(SALT),
    )
    .unwrap()
}

fn amount(text: &str) -> Amount {
    Amount::try_from(text).unwrap()
}

fn rub() -> Currency {
    Currency::try_from("RUB").unwrap()
}

async fn result_of(client: &Client, bill: &str) -> ResultOrder {
    let request = OrderResultRequest::new().billnumber(BillNumber::try_from(bill).unwrap());
    let mut result = client.order_result(&request).await.unwrap();
    assert_eq!(result.orderresult.orders.len(), 1);
    result.orderresult.orders.remove(0)
}

fn paid(simulator: &Simulator, order: &PaymentPageOrderRequest, client: &Client) -> String {
    let form = client.payment_page_order(order).unwrap();
    assert!(
        form.fields.iter().any(|(k, _)| k == "Checkvalue"),
        "a merchant with a salt sends the order's check value"
    );
    let answer = simulator.pay_assist_order(&form.to_form_body(), "Approved");
    answer["billnumber"].as_str().unwrap().to_owned()
}

#[tokio::test]
async fn a_recurring_order_from_payment_page_to_cancel() {
    let merchant = TestServer::start(|_| Reply::json("")).await;
    let mut config = Config::default();
    config.assist.notification_url = Some(merchant.url("/assist/result"));
    let simulator = Simulator::start(config).await.unwrap();
    let client = client(&simulator);

    let order = PaymentPageOrderRequest::new(OrderNumber::try_from("R-1").unwrap(), amount("4.00"))
        .order_currency(rub())
        .recurring_indicator(RecurringIndicator::Recurring)
        .recurring_min_amount(amount("1.00"))
        .recurring_max_amount(amount("10.00"))
        .recurring_period(RecurringPeriod::try_from(30).unwrap())
        .recurring_max_date(RecurringMaxDate::try_from("31.12.2099").unwrap());
    let bill = paid(&simulator, &order, &client);

    let mut notifications = merchant.received();
    for _ in 0..100 {
        if !notifications.is_empty() {
            break;
        }
        tokio::time::sleep(Duration::from_millis(20)).await;
        notifications = merchant.received();
    }
    let notification = oneclick_simulator::http::form_fields(&notifications[0].body);
    let field = |name: &str| {
        notification
            .iter()
            .find(|(k, _)| k == name)
            .map(|(_, v)| v.clone())
            .unwrap()
    };
    assert_eq!(field("billnumber"), bill);
    assert_eq!(field("orderamount"), "4.00");
    assert_eq!(field("orderstate"), "Approved");

    let raw = &notifications[0].body;
    let verified = client.verify_payment_notification(raw).unwrap();
    assert_eq!(verified.billnumber, bill);
    assert_eq!(verified.orderstate, OrderState::Approved);
    assert!(
        !format!("{verified:?}").contains("IVAN"),
        "no cardholder in Debug"
    );
    for changed in [
        "merchant_id",
        "ordernumber",
        "orderamount",
        "ordercurrency",
        "orderstate",
    ] {
        let tampered: Vec<(String, String)> = notification
            .iter()
            .map(|(k, v)| {
                let v = if k == changed {
                    format!("{v}0")
                } else {
                    v.clone()
                };
                (k.clone(), v)
            })
            .collect();
        let tampered = oneclick_runtime::engine::form_encode(&tampered);
        let refused = client.verify_payment_notification(tampered.as_bytes());
        assert!(
            matches!(refused, Err(Error::Signature { .. })),
            "{changed} changed: {refused:?}"
        );
    }
    let other_salt = Client::new(
        Environment::Custom(simulator.url("/assist")),
        Credentials::new("452739", "LOGIN", "PASSWORD").with_salt("another salt"),
    )
    .unwrap();
    assert!(matches!(
        other_salt.verify_payment_notification(raw),
        Err(Error::Signature { .. })
    ));
    let unsalted = Client::new(
        Environment::Custom(simulator.url("/assist")),
        Credentials::new("452739", "LOGIN", "PASSWORD"),
    )
    .unwrap();
    assert!(
        matches!(
            unsalted.verify_payment_notification(raw),
            Err(Error::Config(_))
        ),
        "without a salt a notification is refused, never taken unchecked"
    );

    let first = result_of(&client, &bill).await;
    assert_eq!(first.orderstate, OrderState::Approved);
    assert_eq!(first.orderamount, "4.00");

    let inside = RecurrentPaymentRequest::new(
        BillNumber::try_from(bill.as_str()).unwrap(),
        amount("9.99"),
        rub(),
    );
    let charged = client.recurrent_payment(&inside).await.unwrap();
    assert_eq!(charged.rp.responsecode, "AS000");
    let charged_bill = charged.rp.billnumber.unwrap();
    assert_eq!(
        result_of(&client, &charged_bill).await.orderstate,
        OrderState::Approved
    );

    let outside = RecurrentPaymentRequest::new(
        BillNumber::try_from(bill.as_str()).unwrap(),
        amount("10.01"),
        rub(),
    );
    let refused = client.recurrent_payment(&outside).await.unwrap_err();
    assert!(
        matches!(&refused, Error::Fault { message, .. } if message == "Recurring payment refused"),
        "{refused:?}"
    );

    // Only the next answer declines: a repeated charge would come back approved.
    simulator.queue_outcome("assist", Outcome::Decline, 1);
    let declined = client.recurrent_payment(&inside).await.unwrap_err();
    let Error::Rejected {
        field,
        code,
        name,
        message,
        ..
    } = &declined
    else {
        panic!("a declined charge is a refusal: {declined:?}");
    };
    assert_eq!(
        (*field, code, *name, message.as_deref()),
        (
            "rp.responsecode",
            &Code::Text("AS100".into()),
            None,
            Some("Declined by the issuer")
        )
    );

    let cancel = |amount: Option<Amount>| {
        let request = CancelOrderRequest::new(BillNumber::try_from(bill.as_str()).unwrap());
        match amount {
            Some(amount) => request.amount(amount).currency(rub()),
            None => request,
        }
    };
    client
        .cancel_order(&cancel(Some(amount("1.50"))))
        .await
        .unwrap();
    assert_eq!(
        result_of(&client, &bill).await.orderstate,
        OrderState::PartialCanceled
    );
    client.cancel_order(&cancel(None)).await.unwrap();
    assert_eq!(
        result_of(&client, &bill).await.orderstate,
        OrderState::Canceled
    );
    let again = client.cancel_order(&cancel(None)).await.unwrap_err();
    assert!(matches!(again, Error::Fault { .. }), "{again:?}");
}

#[tokio::test]
async fn an_order_paid_with_a_saved_card_allows_no_recurrent_payment() {
    let simulator = Simulator::start(Config::default()).await.unwrap();
    let client = client(&simulator);
    let order = PaymentPageOrderRequest::new(OrderNumber::try_from("S-1").unwrap(), amount("4.00"))
        .order_currency(rub())
        .customer_number(CustomerNumber::try_from("1234").unwrap());
    let bill = paid(&simulator, &order, &client);
    let request = RecurrentPaymentRequest::new(
        BillNumber::try_from(bill.as_str()).unwrap(),
        amount("4.00"),
        rub(),
    );
    let refused = client.recurrent_payment(&request).await.unwrap_err();
    assert!(matches!(refused, Error::Fault { .. }), "{refused:?}");
}

#[tokio::test]
async fn an_order_whose_check_value_another_salt_made_is_not_paid() {
    let simulator = Simulator::start(Config::default()).await.unwrap();
    let other = Client::new(
        Environment::Custom(simulator.url("/assist")),
        Credentials::new("452739", "LOGIN", "PASSWORD").with_salt("another salt"),
    )
    .unwrap();
    let order = PaymentPageOrderRequest::new(OrderNumber::try_from("X-1").unwrap(), amount("4.00"))
        .order_currency(rub());
    let form = other.payment_page_order(&order).unwrap();
    let answer = simulator.pay_assist_order(&form.to_form_body(), "Approved");
    assert_eq!(answer["fault"]["faultstring"], "Checkvalue error");
}

/// The notifications `merchant` received once the simulator stopped sending (it pauses 50 ms
/// between attempts).
async fn notifications_after_delivery(merchant: &TestServer) -> Vec<oneclick_tests::Received> {
    tokio::time::sleep(Duration::from_millis(400)).await;
    merchant.received()
}

#[tokio::test]
async fn a_notification_answered_with_its_reply_is_not_sent_again() {
    let acknowledging = TestServer::start(|received| {
        let client = Client::new(
            Environment::Custom("http://127.0.0.1:9".to_owned()),
            Credentials::new("452739", "LOGIN", "PASSWORD").with_salt(SALT),
        )
        .unwrap();
        match client
            .verify_payment_notification(&received.body)
            .and_then(|n| n.reply())
        {
            Ok(reply) => {
                assert_eq!(reply.content_type, "application/xml; charset=utf-8");
                Reply::Status(200, reply.body)
            }
            Err(_) => Reply::Status(400, String::new()),
        }
    })
    .await;
    let silent = TestServer::start(|_| Reply::Status(200, "OK".to_owned())).await;
    for (merchant, expected) in [(&acknowledging, 1), (&silent, 3)] {
        let mut config = Config::default();
        config.assist.notification_url = Some(merchant.url("/assist/result"));
        let simulator = Simulator::start(config).await.unwrap();
        let client = client(&simulator);
        let order =
            PaymentPageOrderRequest::new(OrderNumber::try_from("N-1").unwrap(), amount("4.00"))
                .order_currency(rub());
        let bill = paid(&simulator, &order, &client);
        let received = notifications_after_delivery(merchant).await;
        assert_eq!(received.len(), expected, "{}", merchant.url(""));
        let notification = client
            .verify_payment_notification(&received[0].body)
            .unwrap();
        assert_eq!(notification.billnumber, bill);
        let reply = notification.reply().unwrap();
        assert_eq!(
            reply.body,
            format!(
                "<pushpaymentresult firstcode=\"0\" secondcode=\"0\"><order><billnumber>{bill}</billnumber><packetdate>{}</packetdate></order></pushpaymentresult>",
                notification.packetdate
            )
        );
    }
}

/// POSTs `body` to the simulator's admin `path` and answers the HTTP answer's body.
async fn admin(simulator: &Simulator, path: &str, body: &str) -> serde_json::Value {
    use tokio::io::{AsyncReadExt, AsyncWriteExt};
    let mut stream = tokio::net::TcpStream::connect(simulator.addr())
        .await
        .unwrap();
    let request = format!(
        "POST {path} HTTP/1.1\r\nconnection: close\r\ncontent-length: {}\r\n\r\n{body}",
        body.len()
    );
    stream.write_all(request.as_bytes()).await.unwrap();
    let mut answer = Vec::new();
    stream.read_to_end(&mut answer).await.unwrap();
    let answer = String::from_utf8(answer).unwrap();
    assert!(answer.starts_with("HTTP/1.1 200"), "{path}: {answer}");
    let (_, json) = answer.split_once("\r\n\r\n").unwrap();
    serde_json::from_str(json).unwrap()
}

#[tokio::test]
async fn over_the_admin_api_orders_are_paid_as_asked_and_recurring_limits_hold() {
    let simulator = Simulator::start(Config::default()).await.unwrap();
    let client = client(&simulator);
    let recurring = |number: &str, max_date: &str| {
        PaymentPageOrderRequest::new(OrderNumber::try_from(number).unwrap(), amount("4.00"))
            .order_currency(rub())
            .recurring_indicator(RecurringIndicator::Recurring)
            .recurring_min_amount(amount("2.00"))
            .recurring_max_amount(amount("10.00"))
            .recurring_period(RecurringPeriod::try_from(30).unwrap())
            .recurring_max_date(RecurringMaxDate::try_from(max_date).unwrap())
    };
    let pay = |order: PaymentPageOrderRequest, state: &'static str| {
        let form = client.payment_page_order(&order).unwrap().to_form_body();
        serde_json::json!({ "form": form, "orderstate": state }).to_string()
    };

    let declined = admin(
        &simulator,
        "/admin/assist/pay",
        &pay(recurring("A-1", "31.12.2099"), "Declined"),
    )
    .await;
    let declined = declined["billnumber"].as_str().unwrap();
    assert_eq!(
        result_of(&client, declined).await.orderstate,
        OrderState::Declined
    );

    let current = admin(
        &simulator,
        "/admin/assist/pay",
        &pay(recurring("A-2", "31.12.2099"), "Approved"),
    )
    .await;
    let current = current["billnumber"].as_str().unwrap();
    let below_min = RecurrentPaymentRequest::new(
        BillNumber::try_from(current).unwrap(),
        amount("1.99"),
        rub(),
    );
    let refused = client.recurrent_payment(&below_min).await.unwrap_err();
    assert!(matches!(refused, Error::Fault { .. }), "{refused:?}");

    let expired = admin(
        &simulator,
        "/admin/assist/pay",
        &pay(recurring("A-3", "01.01.2020"), "Approved"),
    )
    .await;
    let expired = expired["billnumber"].as_str().unwrap();
    let after_max_date = RecurrentPaymentRequest::new(
        BillNumber::try_from(expired).unwrap(),
        amount("4.00"),
        rub(),
    );
    let refused = client.recurrent_payment(&after_max_date).await.unwrap_err();
    assert!(
        matches!(&refused, Error::Fault { detail, .. } if detail == "RecurringMaxDate has passed"),
        "{refused:?}"
    );

    admin(
        &simulator,
        "/admin/outcomes",
        r#"{"gateway":"assist","outcome":"decline","count":1}"#,
    )
    .await;
    let inside = RecurrentPaymentRequest::new(
        BillNumber::try_from(current).unwrap(),
        amount("2.00"),
        rub(),
    );
    let refused = client.recurrent_payment(&inside).await.unwrap_err();
    assert!(matches!(refused, Error::Rejected { .. }), "{refused:?}");
    let charged = client.recurrent_payment(&inside).await.unwrap();
    assert_eq!(charged.rp.responsecode, "AS000");
}

#[tokio::test]
async fn the_customer_pays_on_the_payment_page_or_is_declined_on_demand() {
    let simulator = Simulator::start(Config::default()).await.unwrap();
    let client = client(&simulator);
    let browser = oneclick_runtime::http_client_builder()
        .unwrap()
        .build()
        .unwrap();
    for (number, declined, state) in [
        ("P-1", false, OrderState::Approved),
        ("P-2", true, OrderState::Declined),
    ] {
        if declined {
            simulator.queue_outcome("assist", Outcome::Decline, 1);
        }
        let order =
            PaymentPageOrderRequest::new(OrderNumber::try_from(number).unwrap(), amount("4.00"))
                .order_currency(rub());
        let form = client.payment_page_order(&order).unwrap();
        let page = browser
            .post(&form.url)
            .header("content-type", "application/x-www-form-urlencoded")
            .body(form.to_form_body())
            .send()
            .await
            .unwrap();
        assert_eq!(page.status(), 200);
        let page = page.text().await.unwrap();
        let bill = page
            .split_once("<span id=\"billnumber\">")
            .and_then(|(_, rest)| rest.split_once("</span>"))
            .map(|(bill, _)| bill.to_owned())
            .unwrap_or_else(|| panic!("{page}"));
        assert_eq!(result_of(&client, &bill).await.orderstate, state);
    }
}

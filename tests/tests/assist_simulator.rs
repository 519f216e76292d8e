//! The generated IPS Assist client against the in-process simulator, as a merchant with a salt
//! uses it: a payment-page order with recurring parameters is paid, its signed notification
//! reaches the merchant, `order_result` reports it (check value verified), a recurrent payment
//! inside the limits is charged and one outside them refused, and the order is cancelled in
//! part and then in full. An order paid with a saved card allows no recurrent payment.

use std::time::Duration;

use oneclick_assist::{
    Amount, BillNumber, CancelOrderRequest, Client, Credentials, Currency, CustomerNumber,
    Environment, Error, OrderNumber, OrderResultRequest, OrderState, PaymentPageOrderRequest,
    RecurrentPaymentRequest, RecurringIndicator, RecurringMaxDate, RecurringPeriod, ResultOrder,
};
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

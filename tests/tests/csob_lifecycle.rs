//! The whole OneClick life of a card on ČSOB, with the generated client against the in-process
//! simulator: the first payment that stores the card, the customer's signed return, the
//! template it makes, a later OneClick payment, close, reverse and refund, and the refusals the
//! gateway answers with.

use std::time::Duration;

use oneclick_csob::{
    Amount, CartItem, CartItemName, Client, ClientIp, Credentials, Currency, EchoCustomerRequest,
    EchoRequest, Environment, Error, HttpMethod, Language, LineAmount, OneclickEchoRequest,
    OneclickInitRequest, OneclickProcessRequest, OrderNo, PayId, PaymentCloseRequest,
    PaymentInitRequest, PaymentProcessRequest, PaymentRefundRequest, PaymentReverseRequest,
    PaymentStatus, PaymentStatusRequest, PollOptions, Quantity, ReturnUrl, RsaPrivateKey,
    RsaPublicKey,
};
use oneclick_simulator::outcomes::Outcome;
use oneclick_simulator::{Config, Simulator};

const CUSTOMER: &str = "cust-0042";

fn key(name: &str) -> String {
    std::fs::read_to_string(format!("{}/../vectors/{name}", env!("CARGO_MANIFEST_DIR"))).unwrap()
}

fn client(simulator: &Simulator) -> Client {
    let credentials = Credentials::new(
        "M1MIPS0000",
        RsaPrivateKey::from_pem(&key("merchant-test.key")).unwrap(),
        RsaPublicKey::from_pem(&key("gateway-test.pub")).unwrap(),
    );
    Client::new(Environment::Custom(simulator.url("/csob")), credentials).unwrap()
}

fn amount(hundredths: i64) -> Amount {
    Amount::try_from(hundredths).unwrap()
}

/// A first payment of one cart line that stores the customer's card.
fn first_payment(total: i64, return_method: HttpMethod) -> PaymentInitRequest {
    let item = CartItem::new(
        CartItemName::try_from("Wireless headphones").unwrap(),
        Quantity::try_from(1).unwrap(),
        LineAmount::try_from(total).unwrap(),
    );
    PaymentInitRequest::oneclick_first_payment(
        OrderNo::try_from("5547").unwrap(),
        amount(total),
        Currency::Czk,
        vec![item],
        ReturnUrl::try_from("https://shop.example.com/return").unwrap(),
        return_method,
        Language::Cs,
    )
    .customer_id(CUSTOMER.try_into().unwrap())
}

/// Follows the process URL as the customer's browser does, without following the gateway's
/// redirect: the status and the `Location` or page the browser is sent on with.
async fn follow(url: &str) -> (u16, String) {
    let browser = oneclick_runtime::http_client_builder()
        .unwrap()
        .redirect(reqwest::redirect::Policy::none())
        .build()
        .unwrap();
    let response = browser.get(url).send().await.unwrap();
    let status = response.status().as_u16();
    let location = response
        .headers()
        .get("location")
        .map(|v| v.to_str().unwrap().to_owned());
    let page = response.text().await.unwrap();
    (status, location.unwrap_or(page))
}

/// The query of the return URL the customer is sent back to.
fn returned_query(location: &str) -> &str {
    location
        .strip_prefix("https://shop.example.com/return?")
        .unwrap_or_else(|| panic!("not back at returnUrl: {location}"))
}

async fn status(client: &Client, pay_id: &PayId) -> Option<PaymentStatus> {
    client
        .payment_status(&PaymentStatusRequest::new(pay_id.clone()))
        .await
        .unwrap()
        .payment_status
}

fn quick() -> PollOptions {
    PollOptions {
        first_delay: Duration::from_millis(10),
        interval: Duration::from_millis(20),
        deadline: Duration::from_secs(5),
    }
}

/// Starts a paid first payment (approved, authorised, not closed) and returns its payId.
async fn paid_first_payment(simulator: &Simulator, client: &Client, total: i64) -> PayId {
    let init = client
        .payment_init(&first_payment(total, HttpMethod::Get).close_payment(false))
        .await
        .unwrap();
    let pay_id = init.pay_id.unwrap().into_valid().unwrap();
    let url = client
        .payment_process_url(&PaymentProcessRequest::new(pay_id.clone()))
        .unwrap();
    let (code, _) = follow(&url).await;
    assert_eq!(code, 303);
    assert_eq!(
        simulator
            .csob_payments()
            .iter()
            .find(|(id, _)| id == pay_id.as_str())
            .map(|(_, status)| *status),
        Some(4)
    );
    pay_id
}

#[tokio::test]
async fn the_first_payment_stores_the_card_for_later_oneclick_payments() {
    let simulator = Simulator::start(Config::default()).await.unwrap();
    let client = client(&simulator);
    assert_eq!(
        client.echo(&EchoRequest::new()).await.unwrap().result_code,
        0
    );

    let init = client
        .payment_init(&first_payment(1_789_600, HttpMethod::Get).close_payment(false))
        .await
        .unwrap();
    assert_eq!(init.payment_status, Some(PaymentStatus::Created));
    let pay_id = init.pay_id.unwrap().into_valid().unwrap();
    let url = client
        .payment_process_url(&PaymentProcessRequest::new(pay_id.clone()))
        .unwrap();
    assert!(
        url.starts_with(&simulator.url(&format!(
            "/csob/payment/process/M1MIPS0000/{}/",
            pay_id.as_str().replace('@', "%40")
        ))),
        "{url}"
    );
    assert!(
        simulator
            .csob_payments()
            .iter()
            .all(|(_, status)| *status == 1),
        "building the URL sends nothing"
    );

    let (code, location) = follow(&url).await;
    assert_eq!(code, 303);
    let query = returned_query(&location);
    assert!(query.starts_with(&format!("payId={}", pay_id.as_str().replace('@', "%40"))));
    assert!(query.contains("&paymentStatus=4&"), "{query}");
    assert!(query.contains("&signature="), "{query}");

    assert_eq!(
        status(&client, &pay_id).await,
        Some(PaymentStatus::Confirmed)
    );

    // The payId of the first payment is the template: the same PayId value, no conversion.
    let echo = client
        .oneclick_echo(&OneclickEchoRequest::new(pay_id.clone()))
        .await
        .unwrap();
    assert_eq!(echo.result_code, 0);
    let later = client
        .oneclick_init(
            &OneclickInitRequest::new(pay_id.clone(), OrderNo::try_from("5548").unwrap())
                .client_ip(ClientIp::try_from("192.0.2.2").unwrap())
                .total_amount(amount(49_900))
                .currency(Currency::Czk),
        )
        .await
        .unwrap();
    let oneclick = later.pay_id.unwrap().into_valid().unwrap();
    client
        .oneclick_process(&OneclickProcessRequest::new(oneclick.clone()))
        .await
        .unwrap();
    let confirmed = client
        .poll_payment_status(&PaymentStatusRequest::new(oneclick.clone()), quick())
        .await
        .unwrap();
    assert_eq!(confirmed.payment_status, Some(PaymentStatus::Confirmed));

    let closed = client
        .payment_close(&PaymentCloseRequest::new(oneclick.clone()))
        .await
        .unwrap();
    assert_eq!(
        closed.payment_status,
        Some(PaymentStatus::WaitingForSettlement)
    );
    let refunded = client
        .payment_refund(&PaymentRefundRequest::new(oneclick.clone()))
        .await
        .unwrap();
    assert_eq!(
        refunded.payment_status,
        Some(PaymentStatus::RefundProcessing)
    );
    tokio::time::sleep(Duration::from_millis(80)).await;
    assert_eq!(
        status(&client, &oneclick).await,
        Some(PaymentStatus::Refunded)
    );
}

#[tokio::test]
async fn refunds_never_add_up_to_more_than_was_paid() {
    let simulator = Simulator::start(Config::default()).await.unwrap();
    let client = client(&simulator);
    let pay_id = paid_first_payment(&simulator, &client, 100_000).await;

    let closed = client
        .payment_close(&PaymentCloseRequest::new(pay_id.clone()).total_amount(amount(80_000)))
        .await
        .unwrap();
    assert_eq!(
        closed.payment_status,
        Some(PaymentStatus::WaitingForSettlement)
    );
    let partial = client
        .payment_refund(&PaymentRefundRequest::new(pay_id.clone()).amount(amount(50_000)))
        .await
        .unwrap();
    assert_eq!(
        partial.payment_status,
        Some(PaymentStatus::RefundProcessing)
    );

    // 30,000 of the 80,000 closed are left: 30,001 is refused and nothing moves.
    let err = client
        .payment_refund(&PaymentRefundRequest::new(pay_id.clone()).amount(amount(30_001)))
        .await
        .unwrap_err();
    assert_eq!(err.result_code(), Some(110), "{err}");
    let rest = client
        .payment_refund(&PaymentRefundRequest::new(pay_id.clone()))
        .await
        .unwrap();
    assert_eq!(rest.payment_status, Some(PaymentStatus::RefundProcessing));
    let err = client
        .payment_refund(&PaymentRefundRequest::new(pay_id.clone()).amount(amount(1)))
        .await
        .unwrap_err();
    assert_eq!(err.result_code(), Some(150), "nothing is left: {err}");
}

#[tokio::test]
async fn close_reverse_and_refund_only_from_the_states_the_gateway_allows() {
    let simulator = Simulator::start(Config::default()).await.unwrap();
    let client = client(&simulator);
    let pay_id = paid_first_payment(&simulator, &client, 100_000).await;

    let refund_before_close = client
        .payment_refund(&PaymentRefundRequest::new(pay_id.clone()))
        .await
        .unwrap_err();
    assert_eq!(refund_before_close.result_code(), Some(150));
    let close_too_much = client
        .payment_close(&PaymentCloseRequest::new(pay_id.clone()).total_amount(amount(100_001)))
        .await
        .unwrap_err();
    assert_eq!(close_too_much.result_code(), Some(110));
    client
        .payment_close(&PaymentCloseRequest::new(pay_id.clone()))
        .await
        .unwrap();
    let close_twice = client
        .payment_close(&PaymentCloseRequest::new(pay_id.clone()))
        .await
        .unwrap_err();
    assert_eq!(close_twice.result_code(), Some(150));
    let reversed = client
        .payment_reverse(&PaymentReverseRequest::new(pay_id.clone()))
        .await
        .unwrap();
    assert_eq!(reversed.payment_status, Some(PaymentStatus::Reversed));
    let refund_reversed = client
        .payment_refund(&PaymentRefundRequest::new(pay_id.clone()))
        .await
        .unwrap_err();
    assert_eq!(refund_reversed.result_code(), Some(150));
}

#[tokio::test]
async fn a_declined_or_cancelled_first_payment_stores_no_card() {
    let simulator = Simulator::start(Config::default()).await.unwrap();
    let client = client(&simulator);
    for (outcome, status) in [(Outcome::Decline, "6"), (Outcome::Cancel, "3")] {
        let init = client
            .payment_init(&first_payment(100_000, HttpMethod::Get))
            .await
            .unwrap();
        let pay_id = init.pay_id.unwrap().into_valid().unwrap();
        let url = client
            .payment_process_url(&PaymentProcessRequest::new(pay_id.clone()))
            .unwrap();
        simulator.queue_outcome("csob", outcome, 1);
        let (code, location) = follow(&url).await;
        assert_eq!(code, 303);
        let query = returned_query(&location);
        assert!(
            query.contains(&format!("&paymentStatus={status}&")),
            "{query}"
        );
        let echo = client
            .oneclick_echo(&OneclickEchoRequest::new(pay_id.clone()))
            .await
            .unwrap_err();
        assert_eq!(echo.result_code(), Some(700), "no template: {outcome:?}");
    }
}

#[tokio::test]
async fn a_post_return_is_a_form_the_browser_submits_to_return_url() {
    let simulator = Simulator::start(Config::default()).await.unwrap();
    let client = client(&simulator);
    let init = client
        .payment_init(&first_payment(100_000, HttpMethod::Post))
        .await
        .unwrap();
    let pay_id = init.pay_id.unwrap().into_valid().unwrap();
    let url = client
        .payment_process_url(&PaymentProcessRequest::new(pay_id.clone()))
        .unwrap();
    let (code, page) = follow(&url).await;
    assert_eq!(code, 200);
    assert!(
        page.contains(r#"<form method="post" action="https://shop.example.com/return">"#),
        "{page}"
    );
    assert!(page.contains(r#"name="paymentStatus" value="7""#), "{page}");
    assert!(page.contains(r#"name="signature""#), "{page}");
    let (again, _) = follow(&url).await;
    assert_eq!(again, 409, "a paid payment is not paid twice");
}

#[tokio::test]
async fn echo_customer_knows_whose_cards_are_saved() {
    let simulator = Simulator::start(Config::default()).await.unwrap();
    let client = client(&simulator);
    let ask = || EchoCustomerRequest::new(CUSTOMER.try_into().unwrap());
    // Each of 800, 810 and 820 is an answer (Ok), never an error.
    let code = |result: Result<oneclick_csob::EchoCustomerResponse, Error>| {
        result.unwrap_or_else(|err| panic!("{err}")).result_code
    };
    assert_eq!(code(client.echo_customer(&ask()).await), 800);
    client
        .payment_init(&first_payment(100_000, HttpMethod::Get))
        .await
        .unwrap();
    assert_eq!(code(client.echo_customer(&ask()).await), 810);
    paid_first_payment(&simulator, &client, 100_000).await;
    assert_eq!(code(client.echo_customer(&ask()).await), 820);
}

#[tokio::test]
async fn a_custom_payment_needs_its_expiry() {
    let simulator = Simulator::start(Config::default()).await.unwrap();
    let client = client(&simulator);
    let custom = first_payment(100_000, HttpMethod::Get)
        .pay_operation(oneclick_csob::PayOperation::CustomPayment);
    let err = client.payment_init(&custom).await.unwrap_err();
    let violations = err.violations().expect("refused before sending");
    assert_eq!(
        oneclick_tests::violation_lines(violations),
        ["/customExpiry required_if"]
    );
    let with_expiry = custom.custom_expiry("20220201000000".try_into().unwrap());
    let created = client.payment_init(&with_expiry).await.unwrap();
    assert_eq!(created.payment_status, Some(PaymentStatus::Created));
}
#[tokio::test]
async fn a_cart_of_no_items_or_three_is_refused_before_sending() {
    let simulator = Simulator::start(Config::default()).await.unwrap();
    let client = client(&simulator);
    let line = || {
        CartItem::new(
            CartItemName::try_from("Cable").unwrap(),
            Quantity::try_from(1).unwrap(),
            LineAmount::try_from(100).unwrap(),
        )
    };
    let empty: Vec<CartItem> = Vec::new();
    for (cart, rules) in [
        (empty, vec!["/cart min_items", "/totalAmount sum"]),
        (vec![line(), line(), line()], vec!["/cart max_items"]),
    ] {
        let mut request = first_payment(300, HttpMethod::Get);
        request.cart = cart;
        let err = client.payment_init(&request).await.unwrap_err();
        let violations = err.violations().expect("refused before sending");
        assert_eq!(oneclick_tests::violation_lines(violations), rules);
    }
    assert!(simulator.csob_payments().is_empty(), "nothing was sent");
}

#[tokio::test]
async fn a_cart_that_does_not_add_up_to_the_total_is_refused_before_sending() {
    let simulator = Simulator::start(Config::default()).await.unwrap();
    let client = client(&simulator);
    let mut request = first_payment(100_000, HttpMethod::Get);
    request.cart.push(CartItem::new(
        CartItemName::try_from("Shipping").unwrap(),
        Quantity::try_from(1).unwrap(),
        LineAmount::try_from(9_900).unwrap(),
    ));
    let err = client.payment_init(&request).await.unwrap_err();
    let violations = err.violations().expect("refused before sending");
    assert_eq!(
        oneclick_tests::violation_lines(violations),
        ["/totalAmount sum"]
    );
    request.total_amount = amount(109_900);
    let created = client.payment_init(&request).await.unwrap();
    assert_eq!(created.payment_status, Some(PaymentStatus::Created));
}

/// The fields of the auto-submitting form, as the browser POSTs them: a form body.
fn submitted_form(page: &str) -> String {
    let mut fields = Vec::new();
    for input in page.split("<input ").skip(1) {
        let attribute = |name: &str| {
            let start = input.find(&format!("{name}=\"")).unwrap() + name.len() + 2;
            let end = start + input[start..].find('"').unwrap();
            input[start..end]
                .replace("&quot;", "\"")
                .replace("&lt;", "<")
                .replace("&gt;", ">")
                .replace("&amp;", "&")
        };
        fields.push((attribute("name"), attribute("value")));
    }
    oneclick_simulator::http::form_encode(&fields)
}

#[tokio::test]
async fn the_customer_s_return_verifies_as_a_query_string_or_a_form_body() {
    let simulator = Simulator::start(Config::default()).await.unwrap();
    let client = client(&simulator);
    for method in [HttpMethod::Get, HttpMethod::Post] {
        let init = client
            .payment_init(&first_payment(100_000, method.clone()).close_payment(false))
            .await
            .unwrap();
        let pay_id = init.pay_id.unwrap().into_valid().unwrap();
        let url = client
            .payment_process_url(&PaymentProcessRequest::new(pay_id.clone()))
            .unwrap();
        let (_, back) = follow(&url).await;
        let raw = match method {
            HttpMethod::Get => returned_query(&back).to_owned(),
            _ => submitted_form(&back),
        };
        let returned = client.verify_payment_response(raw.as_bytes()).unwrap();
        assert_eq!(returned.pay_id.as_str(), pay_id.as_str());
        assert_eq!(returned.payment_status, PaymentStatus::Confirmed);
    }
}

#[tokio::test]
async fn a_tampered_return_is_refused() {
    let simulator = Simulator::start(Config::default()).await.unwrap();
    let client = client(&simulator);
    let init = client
        .payment_init(&first_payment(100_000, HttpMethod::Get))
        .await
        .unwrap();
    let pay_id = init.pay_id.unwrap().into_valid().unwrap();
    let url = client
        .payment_process_url(&PaymentProcessRequest::new(pay_id))
        .unwrap();
    let (_, back) = follow(&url).await;
    let query = returned_query(&back).to_owned();
    assert!(client.verify_payment_response(query.as_bytes()).is_ok());
    let pairs: Vec<(String, String)> = query
        .split('&')
        .map(|pair| {
            let (key, value) = pair.split_once('=').unwrap();
            (key.to_owned(), value.to_owned())
        })
        .collect();
    let join = |pairs: &[(String, String)]| {
        pairs
            .iter()
            .map(|(k, v)| format!("{k}={v}"))
            .collect::<Vec<_>>()
            .join("&")
    };
    for (i, (key, _)) in pairs
        .iter()
        .enumerate()
        .filter(|(_, (k, _))| k != "signature")
    {
        let mut changed = pairs.clone();
        changed[i].1 = if key == "paymentStatus" {
            "8".into()
        } else {
            format!("{}1", changed[i].1)
        };
        let err = client
            .verify_payment_response(join(&changed).as_bytes())
            .unwrap_err();
        assert!(
            matches!(err, Error::Signature { .. }),
            "{key} changed: {err:?}"
        );
    }
    let unsigned: Vec<_> = pairs
        .iter()
        .filter(|(k, _)| k != "signature")
        .cloned()
        .collect();
    let err = client
        .verify_payment_response(join(&unsigned).as_bytes())
        .unwrap_err();
    assert!(
        matches!(err, Error::Signature { .. }),
        "no signature: {err:?}"
    );
}

//! Gateways that echo the request in their errors, one for every error shape: nothing the
//! client sent in confidence (card number, CVV, authentication data, password, API key, signing
//! secret) comes back out through an error's `Display`, `Debug` or scrubbed body. The unscrubbed
//! answer does hold it, which shows that the gateway did echo it.

use oneclick_runtime::schema::Operation;
use oneclick_runtime::signature::{pipe, sign_rsa_sha256};
use oneclick_runtime::{Credentials, Engine, Error, RetryPolicy, RsaPrivateKey, RsaPublicKey};
use oneclick_runtime::{Key, Secret};
use oneclick_tests::{Received, Reply, TestServer};
use serde_json::{Value, json};

const PAN: &str = "4111111111111111";
const CVV: &str = "737";
const AUTH_DATA: &str = "login-proof-7f3a9c";
const ASSIST_PASSWORD: &str = "p@ss w/rd+1";
const XPAY_API_KEY: &str = "xpay-live-key-0d41f2";
const MONETIX_SECRET: &str = "monetix-hmac-secret-5e7b";

fn key(name: &str) -> String {
    std::fs::read_to_string(format!("{}/../vectors/{name}", env!("CARGO_MANIFEST_DIR"))).unwrap()
}

/// The request as the gateway received it, as text.
fn raw(request: &Received) -> String {
    String::from_utf8_lossy(&request.body).into_owned()
}

fn engine(gateway: &'static oneclick_runtime::schema::Gateway, server: &TestServer) -> Engine {
    let values: Vec<(&'static str, Secret<String>)> = match gateway.name {
        "csob" => vec![("merchant_id", Secret::new("M1MIPS0000".into()))],
        "monetix" => vec![
            ("project_id", Secret::new("42".into())),
            ("secret_key", Secret::new(MONETIX_SECRET.into())),
        ],
        "assist" => vec![
            ("merchant_id", Secret::new("452739".into())),
            ("login", Secret::new("LOGIN".into())),
            ("password", Secret::new(ASSIST_PASSWORD.into())),
        ],
        _ => vec![("api_key", Secret::new(XPAY_API_KEY.into()))],
    };
    let keys = match gateway.name {
        "csob" => vec![
            (
                "private_key",
                Key::RsaPrivate(RsaPrivateKey::from_pem(&key("merchant-test.key")).unwrap()),
            ),
            (
                "gateway_public_key",
                Key::RsaPublic(RsaPublicKey::from_pem(&key("gateway-test.pub")).unwrap()),
            ),
        ],
        _ => vec![],
    };
    Engine::new(gateway, &server.url(""), Credentials { values, keys })
        .unwrap()
        .with_retry(RetryPolicy {
            max_attempts: 1,
            ..RetryPolicy::default()
        })
}

/// Calls `op` against a gateway that answers with `echo`, and checks that no secret shows.
async fn check(
    op: &'static Operation,
    gateway: &'static oneclick_runtime::schema::Gateway,
    request: Value,
    echo: impl Fn(&Received) -> Reply + Send + Sync + 'static,
    secrets: &[&str],
) -> Error {
    let server = TestServer::start(echo).await;
    let error = engine(gateway, &server)
        .call_value(op, request)
        .await
        .unwrap_err();
    let echoed = error
        .echoed_body()
        .unwrap_or_else(|| panic!("{}: the error keeps the answer: {error:?}", op.id));
    let shown = [
        error.to_string(),
        format!("{error:?}"),
        format!("{:?}", error.body_json()),
        format!("{:#}", error.body_json().unwrap_or_default()),
    ];
    for secret in secrets {
        for text in &shown {
            assert!(
                !text.contains(secret),
                "{}: {secret} shows in {text}",
                op.id
            );
        }
    }
    assert!(
        secrets.iter().any(|s| echoed.contains(s)),
        "{}: the gateway echoed the request: {echoed}",
        op.id
    );
    error
}

#[tokio::test]
async fn csob_result_message_echoing_authentication_data() {
    let op = &oneclick_csob::schema::ONECLICK_INIT;
    let gateway_key = RsaPrivateKey::from_pem(&key("gateway-test.key")).unwrap();
    let echo = move |request: &Received| {
        let mut body = json!({
            "payId": "0e92dd54b133@HA",
            "dttm": "20220125131601",
            "resultCode": 110,
            "resultMessage": format!("Invalid request {}", raw(request)),
            "echo": request.json(),
        });
        let text = pipe::text_to_sign(op.response_signature, &body);
        body["signature"] = Value::String(sign_rsa_sha256(&gateway_key, &text).unwrap());
        Reply::json(body.to_string())
    };
    let request = json!({
        "origPayId": "0e92dd54b133@HA",
        "orderNo": "5547",
        "clientIp": "192.0.2.2",
        "customer": {"login": {"auth": "account", "authData": AUTH_DATA}},
    });
    let error = check(
        op,
        &oneclick_csob::schema::GATEWAY,
        request,
        echo,
        &[AUTH_DATA],
    )
    .await;
    let Error::Rejected { message, body, .. } = &error else {
        panic!("{error:?}");
    };
    assert!(message.as_deref().unwrap().contains(r#""authData":"***""#));
    assert_eq!(body["echo"]["customer"]["login"]["authData"], "***");
    assert_eq!(body["echo"]["orderNo"], "5547", "the rest stays readable");
}

#[tokio::test]
async fn assist_fault_echoing_the_password() {
    let echo = |request: &Received| {
        let fault = json!({
            "faultcode": "1",
            "faultstring": format!("Invalid parameter in {}", raw(request)),
            "detail": format!("password={}", "p%40ss+w%2Frd%2B1"),
        });
        Reply::Status(500, json!({"fault": fault}).to_string())
    };
    let error = check(
        &oneclick_assist::schema::LIST_CARDS,
        &oneclick_assist::schema::GATEWAY,
        json!({"customernumber": "1234"}),
        echo,
        &[ASSIST_PASSWORD, "p%40ss+w%2Frd%2B1", r"p@ss w\/rd+1"],
    )
    .await;
    let Error::Fault {
        message, detail, ..
    } = &error
    else {
        panic!("{error:?}");
    };
    assert!(message.contains(r#""password":"***""#), "{message}");
    assert_eq!(detail, "password=***");
}

#[tokio::test]
async fn assist_form_encoded_payment_echoed_in_a_fault() {
    let echo = |request: &Received| {
        let fault = json!({"faultcode": "1", "faultstring": raw(request), "detail": ""});
        Reply::json(json!({"fault": fault}).to_string())
    };
    let request = json!({
        "OrderNumber": "1",
        "OrderAmount": "10",
        "OrderCurrency": "RUB",
        "TokenType": 5,
        "PaymentToken": {"Token": "91720736-CF93-469C-63A0-E5859815D6BA", "CustomerNumber": "7"},
    });
    let error = check(
        &oneclick_assist::schema::TOKEN_PAY,
        &oneclick_assist::schema::GATEWAY,
        request,
        echo,
        &[ASSIST_PASSWORD, "p%40ss%20w%2Frd%2B1"],
    )
    .await;
    assert!(error.to_string().contains("Password=***"), "{error}");
}

#[tokio::test]
async fn xpay_errors_list_echoing_the_api_key() {
    let echo = |request: &Received| {
        let key = request.header("x-api-key").unwrap_or_default().to_owned();
        Reply::Status(
            401,
            json!({"errors": [
                {"code": "GW0001", "description": format!("API key {key} is not enabled")},
                {"code": key, "description": "unknown key"},
            ]})
            .to_string(),
        )
    };
    let error = check(
        &oneclick_xpay::schema::GET_ORDER,
        &oneclick_xpay::schema::GATEWAY,
        json!({"orderId": "o1"}),
        echo,
        &[XPAY_API_KEY],
    )
    .await;
    let Error::Errors { errors, .. } = &error else {
        panic!("{error:?}");
    };
    assert_eq!(
        errors,
        &[
            ("GW0001".to_owned(), "API key *** is not enabled".to_owned()),
            ("***".to_owned(), "unknown key".to_owned()),
        ]
    );
}

fn monetix_sale() -> Value {
    json!({
        "general": {"payment_id": "456789"},
        "customer": {"id": "c1", "ip_address": "1.2.3.4"},
        "payment": {"amount": 1000, "currency": "EUR"},
        "return_url": {},
        "card": {"pan": PAN, "year": 2030, "month": 12, "card_holder": "JAN NOVAK", "cvv": CVV},
    })
}

#[tokio::test]
async fn monetix_error_body_echoing_card_data_and_the_secret() {
    let echo = |request: &Received| {
        let message = format!("bad request {} (key {MONETIX_SECRET})", raw(request));
        Reply::Status(
            400,
            json!({"status": "error", "message": message, "request": request.json()}).to_string(),
        )
    };
    let error = check(
        &oneclick_monetix::schema::CARD_SALE,
        &oneclick_monetix::schema::GATEWAY,
        monetix_sale(),
        echo,
        &[PAN, MONETIX_SECRET],
    )
    .await;
    let body = error.body_json().unwrap();
    assert_eq!(body["request"]["card"]["pan"], "***");
    assert_eq!(body["request"]["card"]["cvv"], "***");
    assert_eq!(body["request"]["card"]["card_holder"], "JAN NOVAK");
    assert!(!body.to_string().contains(&format!("\"{CVV}\"")), "{body}");
}

#[tokio::test]
async fn plain_http_error_body_echoing_card_data_percent_encoded() {
    let echo = |_: &Received| {
        Reply::Status(
            502,
            format!("upstream refused card={PAN}&cvv={CVV}&holder=JAN%20NOVAK"),
        )
    };
    let error = check(
        &oneclick_monetix::schema::CARD_SALE,
        &oneclick_monetix::schema::GATEWAY,
        monetix_sale(),
        echo,
        &[PAN, "cvv=737"],
    )
    .await;
    let Error::Http { body, .. } = &error else {
        panic!("{error:?}");
    };
    assert_eq!(body, "upstream refused card=***&cvv=***&holder=JAN%20NOVAK");
}

#[tokio::test]
async fn unknown_fields_are_refused_and_nothing_is_sent() {
    let server = TestServer::start(|_| Reply::json("{}")).await;
    let engine = engine(&oneclick_monetix::schema::GATEWAY, &server);
    let sale = &oneclick_monetix::schema::CARD_SALE;
    let mut top = monetix_sale();
    top["closePayement"] = json!(false);
    let mut nested = monetix_sale();
    nested["customer"]["card_number"] = json!(PAN);
    for (request, path) in [(top, "/closePayement"), (nested, "/customer/card_number")] {
        for error in [
            engine.call_value(sale, request.clone()).await.unwrap_err(),
            engine.dry_run(sale, &request).unwrap_err(),
        ] {
            let shown = error.to_string();
            assert!(shown.contains(&format!("{path}: unknown_field")), "{shown}");
            assert!(!shown.contains(PAN), "{shown}");
        }
    }
    assert!(server.received().is_empty(), "nothing was sent");
}

#[tokio::test]
async fn a_successful_answer_echoing_card_data_is_shown_scrubbed() {
    let server = TestServer::start(|request: &Received| {
        let echoed = request.json();
        Reply::json(json!({"status": "success", "request_id": "r1", "echo": echoed}).to_string())
    })
    .await;
    let engine = engine(&oneclick_monetix::schema::GATEWAY, &server);
    let sale = &oneclick_monetix::schema::CARD_SALE;
    let request = monetix_sale();
    let answer = engine.call_value(sale, request.clone()).await.unwrap();
    assert_eq!(
        answer["echo"]["card"]["pan"], PAN,
        "the answer itself is what the gateway sent"
    );
    let shown = engine.shown_answer(sale, &request, &answer).to_string();
    for secret in [PAN, &format!("\"{CVV}\""), MONETIX_SECRET] {
        assert!(!shown.contains(secret), "{secret} in {shown}");
    }
    assert!(
        shown.contains("JAN NOVAK"),
        "what is not secret stays: {shown}"
    );
}

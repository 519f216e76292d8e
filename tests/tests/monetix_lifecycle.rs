//! The Monetix operations after the sale over real HTTP against a loopback Gate stand-in:
//! `vectors/monetix-lifecycle.json` byte for byte, acknowledgements whose `status` says failure,
//! refunds that are never repeated blindly, and callbacks of every operation verified and typed
//! (a refund callback tampered every way is rejected), and the signature's sort order, which
//! the sources leave open, tried in each of its three forms on a list of 12 items.

use std::time::Duration;

use oneclick_monetix::schema;
use oneclick_monetix::{
    Amount, CardCancelRequest, CardCaptureRequest, CardRefundRequest, Client, Configure,
    Credentials, Currency, Environment, Error, General, HeldPayment, MerchantCallbackUrl,
    OperationType, PaymentId, PaymentState, RefundPayment, RetryPolicy,
};
use oneclick_runtime::recipe::{
    Flat, FlatSort, Interpret, Message, NamedRecipe, Piece, Recipe, SigningKey,
};
use oneclick_runtime::signature::{flat, sign_hmac_sha512};
use oneclick_runtime::{Code, Secret};
use oneclick_tests::{Received, Reply, TestServer};
use serde_json::{Value, json};

const SECRET: &str = "s3cr3t";

fn lifecycle_vectors() -> Vec<Value> {
    let path = concat!(
        env!("CARGO_MANIFEST_DIR"),
        "/../vectors/monetix-lifecycle.json"
    );
    let text = std::fs::read_to_string(path).expect("vectors/monetix-lifecycle.json");
    let vectors: Vec<Value> = serde_json::from_str(&text).unwrap();
    assert_eq!(vectors.len(), 2, "vectors/monetix-lifecycle.json changed");
    vectors
}

fn client_with(url: String, secret: &str) -> Client {
    Client::new(Environment::Custom(url), Credentials::new(42, secret))
        .unwrap()
        .with_retry(RetryPolicy {
            max_attempts: 3,
            initial_backoff: Duration::from_millis(5),
            max_backoff: Duration::from_millis(20),
        })
}

fn client(server: &TestServer) -> Client {
    client_with(server.url(""), SECRET)
}

fn offline_client(secret: &str) -> Client {
    client_with("http://127.0.0.1:9".into(), secret)
}

fn general() -> General {
    General::new(PaymentId::try_from("456789").unwrap())
}

/// The refund of `vectors/monetix-lifecycle.json`.
fn partial_refund() -> CardRefundRequest {
    CardRefundRequest::new(
        general(),
        RefundPayment::new(Currency::try_from("USD").unwrap(), "Partial refund".into())
            .amount(Amount::try_from(10_000).unwrap())
            .merchant_refund_id("refund-1".into()),
    )
}

fn held() -> HeldPayment {
    HeldPayment::new(
        Amount::try_from(400_000).unwrap(),
        Currency::try_from("USD").unwrap(),
    )
}

fn accepted() -> Reply {
    Reply::json(
        json!({"status": "success", "request_id": "r-1", "project_id": 42, "payment_id": "456789"})
            .to_string(),
    )
}

#[tokio::test]
async fn the_refund_vector_goes_out_byte_for_byte() {
    let vector = &lifecycle_vectors()[0];
    assert_eq!(vector["secret"], SECRET, "the tests' project secret");
    let server = TestServer::start(|_| accepted()).await;
    let answer = client(&server)
        .card_refund(&partial_refund())
        .await
        .unwrap();
    assert_eq!(
        (answer.status.as_str(), answer.request_id.as_str()),
        ("success", "r-1")
    );

    let received = server.received();
    assert_eq!(received[0].target, "/v2/payment/card/refund");
    let mut sent = received[0].json();
    assert_eq!(
        flat::text_to_sign(&sent, "signature"),
        vector["text_to_sign"].as_str().unwrap()
    );
    assert_eq!(sent["general"]["signature"], vector["signature"]);
    sent["general"]["signature"] = json!("");
    assert_eq!(sent, vector["body"], "nothing more, nothing less");
}

#[test]
fn the_php_sdk_callback_vector_verifies() {
    let vector = &lifecycle_vectors()[1];
    let mut raw = vector["body"].clone();
    raw["signature"] = vector["signature"].clone();
    let client = offline_client(vector["secret"].as_str().unwrap());
    let callback = client.verify_callback(raw.to_string().as_bytes()).unwrap();
    let payment = callback.payment.unwrap();
    assert_eq!(payment.id.as_deref(), Some("000049"));
    assert_eq!(payment.status, Some(PaymentState::Success));
    assert!(matches!(
        offline_client(SECRET).verify_callback(raw.to_string().as_bytes()),
        Err(Error::Signature { .. })
    ));
}

#[tokio::test]
async fn the_callback_url_is_sent_and_signed_on_every_operation() {
    let server = TestServer::start(|_| accepted()).await;
    let client = client(&server);
    let url = MerchantCallbackUrl::try_from("https://shop.example/monetix/cb").unwrap();
    let general = general().merchant_callback_url(url);
    client
        .card_refund(&CardRefundRequest::new(
            general.clone(),
            RefundPayment::new(Currency::try_from("USD").unwrap(), "Whole".into()),
        ))
        .await
        .unwrap();
    client
        .card_capture(&CardCaptureRequest::new(general.clone(), held()))
        .await
        .unwrap();
    client
        .card_cancel(&CardCancelRequest::new(general, held()))
        .await
        .unwrap();
    let received = server.received();
    let targets: Vec<&str> = received.iter().map(|r| r.target.as_str()).collect();
    assert_eq!(
        targets,
        [
            "/v2/payment/card/refund",
            "/v2/payment/card/capture",
            "/v2/payment/card/cancel"
        ]
    );
    for request in &received {
        let body = request.json();
        let text = flat::text_to_sign(&body, "signature");
        assert!(
            text.contains("general:merchant_callback_url:https://shop.example/monetix/cb;"),
            "{text}"
        );
        assert_eq!(
            body["general"]["signature"],
            sign_hmac_sha512(&Secret::new(SECRET.into()), &text)
        );
    }
    assert!(
        received[0].json()["payment"].get("amount").is_none(),
        "a refund without an amount refunds the whole payment"
    );
}

/// HTTP 200 whose `status` is not success is an error on every operation, carrying the
/// platform's message, and a definite answer is not repeated.
#[tokio::test]
async fn a_200_answer_whose_status_says_error_is_an_error() {
    let refused = json!({"status": "error", "code": "amount_exceeded", "message": "The refund exceeds what is left of the payment", "request_id": "r-2"});
    refused_on_every_operation(refused).await;
}

/// A refusal without `request_id` is read by its declared result before the answer is checked
/// for what an acknowledgement needs: a definite error with the message, not an unknown outcome.
#[tokio::test]
async fn a_200_refusal_without_request_id_is_an_error_with_its_message() {
    let refused =
        json!({"status": "error", "message": "The refund exceeds what is left of the payment"});
    refused_on_every_operation(refused).await;
}

/// Every operation after the sale answered with `refused`: each is `Error::Rejected` on
/// `status` with the code `error` and the platform's message, each sent once.
async fn refused_on_every_operation(refused: Value) {
    let server = TestServer::start(move |_| Reply::json(refused.to_string())).await;
    let client = client(&server);
    let results = [
        (
            "card_refund",
            client.card_refund(&partial_refund()).await.map(|_| ()),
        ),
        (
            "card_capture",
            client
                .card_capture(&CardCaptureRequest::new(general(), held()))
                .await
                .map(|_| ()),
        ),
        (
            "card_cancel",
            client
                .card_cancel(&CardCancelRequest::new(general(), held()))
                .await
                .map(|_| ()),
        ),
    ];
    for (id, result) in results {
        let err = result.unwrap_err();
        let Error::Rejected {
            operation,
            field,
            code,
            name,
            message,
            ..
        } = &err
        else {
            panic!("{id}: {err:?}");
        };
        assert_eq!(
            (*operation, *field, code, *name),
            (id, "status", &Code::Text("error".into()), Some("error"))
        );
        assert_eq!(
            message.as_deref(),
            Some("The refund exceeds what is left of the payment"),
            "{id}: the platform's message"
        );
    }
    assert_eq!(server.received().len(), 3, "each sent once");
}

#[tokio::test]
async fn a_refund_whose_answer_is_lost_is_not_sent_again() {
    let server = TestServer::start(|_| Reply::Status(500, "{}".into())).await;
    let err = client(&server)
        .card_refund(&partial_refund())
        .await
        .unwrap_err();
    let Error::OutcomeUnknown {
        operation,
        reconcile,
        ..
    } = &err
    else {
        panic!("{err:?}");
    };
    assert_eq!(*operation, "card_refund");
    assert_eq!(
        reconcile,
        &[
            ("general.payment_id".to_owned(), "456789".to_owned()),
            (
                "payment.merchant_refund_id".to_owned(),
                "refund-1".to_owned()
            )
        ]
    );
    assert!(err.to_string().contains("456789"), "{err}");
    assert_eq!(server.received().len(), 1, "a refund may have moved money");
}

#[tokio::test]
async fn invalid_operations_are_never_sent() {
    let server = TestServer::start(|_| accepted()).await;
    let client = client(&server);
    let refund = json!({
        "general": {"payment_id": "456789", "merchant_callback_url": "shop.example/cb"},
        "payment": {"amount": 0, "currency": "usd", "description": "x"}
    });
    let err = client
        .engine()
        .call_value(&schema::CARD_REFUND, refund)
        .await
        .unwrap_err();
    assert_eq!(
        oneclick_tests::violation_lines(err.violations().unwrap()),
        [
            "/general/merchant_callback_url format",
            "/payment/amount min",
            "/payment/currency format"
        ]
    );
    assert!(server.received().is_empty());
}

fn signed(mut callback: Value, secret: &str) -> Vec<u8> {
    let text = flat::text_to_sign(&callback, "signature");
    callback["signature"] = Value::String(sign_hmac_sha512(&Secret::new(secret.into()), &text));
    callback.to_string().into_bytes()
}

fn refund_callback(operation_type: &str, payment_status: &str) -> Value {
    json!({
        "project_id": 42,
        "payment": {"id": "456789", "type": "purchase", "status": payment_status, "date": "2026-11-30T07:00:00+0000", "method": "card", "sum": {"amount": 390000, "currency": "USD"}, "description": ""},
        "account": {"number": "424242******4242", "type": "visa", "card_holder": "JOHN SMITH"},
        "operation": {
            "id": 969000002640_i64, "type": operation_type, "status": "success",
            "date": "2026-11-30T07:00:00+0000", "created_date": "2026-11-30T06:59:58+0000",
            "request_id": "r-1",
            "sum_initial": {"amount": 10000, "currency": "USD"},
            "sum_converted": {"amount": 10000, "currency": "USD"},
            "provider": {"id": 408, "payment_id": "330157199", "auth_code": "", "endpoint_id": 12, "date": "2026-11-30T07:00:00+0000"},
            "code": "0", "message": "Success"
        },
        "errors": [{"code": "none"}, true, null]
    })
}

#[test]
fn callbacks_of_every_operation_are_typed() {
    let client = offline_client(SECRET);
    for (wire, operation_type, status, payment_state) in [
        (
            "refund",
            OperationType::Refund,
            "partially refunded",
            PaymentState::PartiallyRefunded,
        ),
        (
            "refund",
            OperationType::Refund,
            "refunded",
            PaymentState::Refunded,
        ),
        (
            "reversal",
            OperationType::Reversal,
            "reversed",
            PaymentState::Reversed,
        ),
        (
            "reversal",
            OperationType::Reversal,
            "partially reversed",
            PaymentState::PartiallyReversed,
        ),
        (
            "capture",
            OperationType::Capture,
            "success",
            PaymentState::Success,
        ),
        (
            "cancel",
            OperationType::Cancel,
            "canceled",
            PaymentState::Canceled,
        ),
        (
            "sale",
            OperationType::Sale,
            "success",
            PaymentState::Success,
        ),
        (
            "chargeback",
            OperationType::Unknown("chargeback".into()),
            "chargeback in progress",
            PaymentState::Unknown("chargeback in progress".into()),
        ),
    ] {
        let callback = client
            .verify_callback(&signed(refund_callback(wire, status), SECRET))
            .unwrap();
        let operation = callback.operation.unwrap();
        assert_eq!(operation.operation_type, Some(operation_type));
        assert_eq!(callback.payment.unwrap().status, Some(payment_state));
        let initial = operation.sum_initial.unwrap();
        assert_eq!(
            (initial.amount, initial.currency.as_deref()),
            (Some(10_000), Some("USD"))
        );
        assert_eq!(operation.sum_converted.unwrap().amount, Some(10_000));
        let provider = operation.provider.unwrap();
        assert_eq!(provider.payment_id.as_deref(), Some("330157199"));
        assert_eq!(provider.endpoint_id, Some(json!(12)));
    }
}

#[test]
fn a_refund_callback_tampered_every_way_is_rejected() {
    let client = offline_client(SECRET);
    let genuine: Value = serde_json::from_slice(&signed(
        refund_callback("refund", "partially refunded"),
        SECRET,
    ))
    .unwrap();
    client
        .verify_callback(genuine.to_string().as_bytes())
        .unwrap();
    let rejected = |copy: &Value, what: &str| {
        let err = client
            .verify_callback(copy.to_string().as_bytes())
            .unwrap_err();
        assert!(matches!(err, Error::Signature { .. }), "{what}: {err:?}");
    };
    for pointer in oneclick_tests::leaves(&genuine)
        .iter()
        .filter(|p| *p != "/signature")
    {
        let mut changed = genuine.clone();
        let value = changed.pointer_mut(pointer).unwrap();
        *value = match value.take() {
            Value::String(s) => Value::String(format!("{s}x")),
            Value::Number(n) => json!(n.as_i64().unwrap() + 1),
            Value::Bool(b) => json!(!b),
            Value::Null => json!("x"),
            other => panic!("not a scalar: {other}"),
        };
        rejected(&changed, &format!("{pointer} changed"));
        let mut removed = genuine.clone();
        let (parent, key) = pointer.rsplit_once('/').unwrap();
        match removed.pointer_mut(parent).unwrap() {
            Value::Object(map) => {
                map.remove(key);
            }
            Value::Array(items) => {
                items.remove(key.parse::<usize>().unwrap());
            }
            other => panic!("{other}"),
        }
        rejected(&removed, &format!("{pointer} removed"));
    }
    let mut added = genuine.clone();
    added["operation"]["type_note"] = json!("refund");
    rejected(&added, "a field added");
    let mut turned = genuine.clone();
    turned["operation"]["type"] = json!("sale");
    turned["payment"]["status"] = json!("success");
    rejected(&turned, "a refund turned into a sale");
    let mut moved = genuine.clone();
    let signature = moved.as_object_mut().unwrap().remove("signature").unwrap();
    rejected(&moved, "unsigned");
    moved["operation"]["signature"] = signature.clone();
    rejected(&moved, "the signature moved inside");
    let mut garbled = genuine.clone();
    garbled["signature"] = json!("not base64!");
    rejected(&garbled, "a signature that is not Base64");
    let mut truncated = genuine.clone();
    truncated["signature"] = json!(&signature.as_str().unwrap()[..40]);
    rejected(&truncated, "a truncated signature");
    rejected(
        &serde_json::from_slice(&signed(
            refund_callback("refund", "partially refunded"),
            "another project's secret",
        ))
        .unwrap(),
        "signed with another secret",
    );
}

#[tokio::test]
async fn an_acknowledgement_is_only_an_acknowledgement() {
    let server = TestServer::start(|received: &Received| {
        let body = received.json();
        Reply::json(
            json!({"status": "success", "request_id": "r-9", "payment_id": body["general"]["payment_id"], "project_id": 42})
                .to_string(),
        )
    })
    .await;
    let answer = client(&server)
        .card_capture(&CardCaptureRequest::new(general(), held()))
        .await
        .unwrap();
    assert_eq!(answer.payment_id.as_deref(), Some("456789"));
    assert_eq!(
        answer.request_id, "r-9",
        "the callback's operation.request_id"
    );
    // An answer that acknowledges nothing leaves open whether the gateway acted.
    for answer in ["{}", r#"{"status":"success"}"#, r#"{"request_id":"r"}"#] {
        let server = TestServer::start(move |_| Reply::json(answer)).await;
        let err = client(&server)
            .card_cancel(&CardCancelRequest::new(general(), held()))
            .await
            .unwrap_err();
        let Error::OutcomeUnknown { cause, .. } = &err else {
            panic!("{answer}: {err:?}");
        };
        assert!(matches!(**cause, Error::Decode { .. }), "{answer}: {err:?}");
    }
}

/// The recipe `named` as the spec declares it, but sorting its flattened text in `sort`.
fn sorted_by(named: &'static NamedRecipe, sort: FlatSort) -> Recipe {
    let Piece::Flat(flat) = named.recipe.text[0] else {
        panic!("Monetix signs a flattened text");
    };
    let text: &'static [Piece] = Box::leak(Box::new([Piece::Flat(Flat { sort, ..flat })]));
    Recipe {
        text,
        ..named.recipe
    }
}

fn message(body: &Value) -> Message<'_> {
    Message {
        body,
        raw_body: "",
        order: &[],
        inputs: &[],
    }
}

const ORDERS: [FlatSort; 3] = [FlatSort::PathBytes, FlatSort::Natural, FlatSort::Lines];

/// The sources disagree on the sort (GATEWAYS.md) and the vectors cannot tell the orders apart:
/// each order reproduces both lifecycle vectors, the refund through the declared request recipe
/// and the PHP SDK's callback through the declared answer recipe.
#[test]
fn every_sort_order_reproduces_the_lifecycle_vectors() {
    let vectors = lifecycle_vectors();
    for (vector, named) in vectors
        .iter()
        .zip([&schema::RECIPE_REQUEST, &schema::RECIPE_ANSWER])
    {
        let key = Secret::new(vector["secret"].as_str().unwrap().to_owned());
        for sort in ORDERS {
            let recipe = sorted_by(named, sort);
            let body = message(&vector["body"]);
            assert_eq!(
                recipe.text(&body).unwrap(),
                vector["text_to_sign"].as_str().unwrap(),
                "{sort:?}"
            );
            assert_eq!(
                recipe.sign(&body, SigningKey::Secret(&key)).unwrap(),
                vector["signature"].as_str().unwrap(),
                "{sort:?}"
            );
        }
    }
}

/// A refund callback whose `errors` list has 12 items: the three orders the SDKs use write
/// three texts, and the client verifies only the one signed in the order the spec declares.
#[test]
fn twelve_items_tell_the_orders_apart_and_only_the_declared_one_verifies() {
    let Piece::Flat(declared) = schema::RECIPE_ANSWER.recipe.text[0] else {
        panic!("Monetix signs a flattened text");
    };
    assert_eq!(declared.sort, FlatSort::PathBytes, "today's order is kept");
    let Piece::Flat(request) = schema::RECIPE_REQUEST.recipe.text[0] else {
        panic!("Monetix signs a flattened text");
    };
    assert_eq!(
        request.sort, declared.sort,
        "requests and callbacks are sorted alike: a switch changes both recipes' `sort`"
    );
    let mut callback = refund_callback("refund", "partially refunded");
    callback["errors"] = json!(('a'..='l').map(String::from).collect::<Vec<_>>());
    let key = Secret::new(SECRET.to_owned());
    let client = offline_client(SECRET);
    let mut texts = Vec::new();
    for sort in ORDERS {
        let recipe = sorted_by(&schema::RECIPE_ANSWER, sort);
        let body = message(&callback);
        texts.push(recipe.text(&body).unwrap());
        let mut signed = callback.clone();
        signed["signature"] = json!(recipe.sign(&body, SigningKey::Secret(&key)).unwrap());
        let verified = client.verify_callback(signed.to_string().as_bytes());
        if sort == declared.sort {
            let errors = verified.unwrap().errors.unwrap();
            assert_eq!(errors.len(), 12);
        } else {
            assert!(
                matches!(verified, Err(Error::Signature { .. })),
                "{sort:?}: {verified:?}"
            );
        }
    }
    let errors_part = |text: &String| -> Vec<String> {
        text.split(';')
            .filter(|pair| pair.starts_with("errors:"))
            .map(str::to_owned)
            .collect()
    };
    let expected = |order: &[usize]| -> Vec<String> {
        order
            .iter()
            .map(|&i| format!("errors:{i}:{}", (b'a' + i as u8) as char))
            .collect()
    };
    assert_eq!(
        errors_part(&texts[0]),
        expected(&[0, 1, 10, 11, 2, 3, 4, 5, 6, 7, 8, 9]),
        "path bytes: a path sorts before the paths it is a prefix of"
    );
    assert_eq!(
        errors_part(&texts[1]),
        expected(&[0, 1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11]),
        "natural order"
    );
    assert_eq!(
        errors_part(&texts[2]),
        expected(&[0, 10, 11, 1, 2, 3, 4, 5, 6, 7, 8, 9]),
        "whole lines: `0` sorts before `:`"
    );
}

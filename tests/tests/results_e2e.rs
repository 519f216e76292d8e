//! Result codes and error bodies of `tests/specs/results.yaml`, over loopback HTTP: string
//! codes, a second code field, an operation's and a callback's own declarations, and error
//! bodies of every shape with the statuses they come with.

use oneclick_results::{
    Client, Credentials, Environment, Error, Order, Pan, PayRequest, Payment, RefundRequest, schema,
};
use oneclick_runtime::Code;
use oneclick_runtime::schema::Meaning;
use oneclick_tests::{Reply, TestServer};
use serde_json::json;

fn client(server: &TestServer) -> Client {
    Client::new(Environment::Custom(server.url("")), Credentials::new()).unwrap()
}

fn pay() -> PayRequest {
    let mut request = PayRequest::new(Order::try_from("o-1").unwrap());
    request.pan = Some(Pan::try_from("4242424242424242").unwrap());
    request
}

fn refund() -> RefundRequest {
    RefundRequest::new(Payment::try_from("p-1").unwrap())
}

async fn pay_answered(status: u16, body: serde_json::Value) -> (Result<(), Error>, usize) {
    let server = TestServer::start(move |_| Reply::Status(status, body.to_string())).await;
    let result = client(&server).pay(&pay()).await.map(|_| ());
    (result, server.received().len())
}

#[tokio::test]
async fn a_success_code_is_the_answer() {
    let (result, _) = pay_answered(200, json!({"status": "APPROVED", "payment": "p-1"})).await;
    result.unwrap();
}

#[tokio::test]
async fn a_pending_code_is_the_answer_too() {
    let (result, _) = pay_answered(200, json!({"status": "PENDING", "payment": "p-1"})).await;
    result.unwrap();
}

#[tokio::test]
async fn a_string_failure_code_on_http_200_is_an_error_with_its_scrubbed_message() {
    let body = json!({"status": "DECLINED", "message": "card 4242424242424242 declined"});
    let (result, sent) = pay_answered(200, body).await;
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
        panic!("{err:?}");
    };
    assert_eq!(
        (*operation, *field, *name),
        ("pay", "status", Some("declined"))
    );
    assert_eq!(code, &Code::Text("DECLINED".into()));
    assert_eq!(message.as_deref(), Some("card *** declined"));
    assert!(!err.to_string().contains("4242424242424242"), "{err}");
    assert_eq!(sent, 1);
}

#[tokio::test]
async fn an_unknown_code_is_a_failure_that_keeps_the_code() {
    let (result, _) = pay_answered(200, json!({"status": "APPROVED_MAYBE"})).await;
    let err = result.unwrap_err();
    let Error::Rejected { code, name, .. } = &err else {
        panic!("{err:?}");
    };
    assert_eq!((code, *name), (&Code::Text("APPROVED_MAYBE".into()), None));
}

#[tokio::test]
async fn a_listed_second_code_turns_a_success_into_a_failure() {
    let (result, _) = pay_answered(200, json!({"status": "APPROVED", "code": 51})).await;
    let err = result.unwrap_err();
    let Error::Rejected {
        code, secondary, ..
    } = &err
    else {
        panic!("{err:?}");
    };
    assert_eq!(code, &Code::Text("APPROVED".into()));
    let secondary = secondary.as_ref().unwrap();
    assert_eq!(
        (&secondary.code, secondary.name()),
        (&Code::Int(51), Some("insufficient_funds"))
    );
    assert!(
        err.to_string().contains("code 51 (insufficient_funds)"),
        "{err}"
    );
}

#[tokio::test]
async fn an_unlisted_second_code_changes_nothing() {
    let (result, _) = pay_answered(200, json!({"status": "APPROVED", "code": 12})).await;
    result.unwrap();
}

#[tokio::test]
async fn a_retryable_code_in_an_unsigned_answer_of_an_unsafe_call_is_not_repeated() {
    let (result, sent) = pay_answered(200, json!({"status": "RETRY"})).await;
    let err = result.unwrap_err();
    let Error::OutcomeUnknown {
        reconcile, cause, ..
    } = &err
    else {
        panic!("{err:?}");
    };
    assert_eq!(reconcile, &[("order".to_owned(), "o-1".to_owned())]);
    assert_eq!(cause.gateway_code(), Some(&Code::Text("RETRY".into())));
    assert_eq!(
        sent, 1,
        "an unsigned answer proves nothing: the call is not repeated"
    );
}

#[tokio::test]
async fn an_operation_follows_its_own_integer_result() {
    let server = TestServer::start(|_| {
        Reply::json(json!({"resultCode": 7, "resultText": "already refunded"}).to_string())
    })
    .await;
    let err = client(&server).refund(&refund()).await.unwrap_err();
    assert_eq!(err.result_code(), Some(7));
    let Error::Rejected {
        field,
        name,
        message,
        ..
    } = &err
    else {
        panic!("{err:?}");
    };
    assert_eq!(
        (*field, *name, message.as_deref()),
        (
            "resultCode",
            Some("already_refunded"),
            Some("already refunded")
        )
    );
    let server = TestServer::start(|_| Reply::json(json!({"resultCode": 0}).to_string())).await;
    let refunded = client(&server).refund(&refund()).await.unwrap();
    assert_eq!(refunded.result_code, 0);
}

#[tokio::test]
async fn an_answer_without_its_code_is_a_decode_error() {
    let server = TestServer::start(|_| Reply::json(json!({"resultText": "hm"}).to_string())).await;
    let err = client(&server).refund(&refund()).await.unwrap_err();
    assert!(matches!(err, Error::Decode { .. }), "{err:?}");
}

#[test]
fn a_callback_reads_the_gateways_codes_with_both_fields() {
    let client = Client::new(Environment::Local, Credentials::new()).unwrap();
    let message = client
        .decode_payment_result(br#"{"status": "APPROVED", "code": 0, "payment": "p-1"}"#)
        .unwrap();
    let outcome = message.outcome().unwrap();
    assert!(outcome.is_success());
    assert_eq!(outcome.primary.name(), Some("approved"));
    let message = client
        .decode_payment_result(br#"{"status": "APPROVED", "code": 51}"#)
        .unwrap();
    assert_eq!(message.outcome().unwrap().meaning, Meaning::Failure);
    let message = client
        .decode_payment_result(br#"{"status": "SETTLED"}"#)
        .unwrap();
    let outcome = message.outcome().unwrap();
    assert_eq!(
        (outcome.meaning, outcome.primary.info),
        (Meaning::Failure, None)
    );
    assert_eq!(outcome.primary.code, Code::Text("SETTLED".into()));
}

#[test]
fn a_callback_follows_its_own_declaration() {
    let client = Client::new(Environment::Local, Credentials::new()).unwrap();
    let waiting = client
        .decode_refund_result(br#"{"state": "waiting"}"#)
        .unwrap();
    assert_eq!(waiting.outcome().unwrap().meaning, Meaning::Pending);
    let done = client
        .decode_refund_result(br#"{"state": "done"}"#)
        .unwrap();
    assert!(done.outcome().unwrap().is_success());
    assert_eq!(
        schema::DECODE_REFUND_RESULT.result.unwrap().code_field,
        "state"
    );
    assert!(std::ptr::eq(
        schema::DECODE_PAYMENT_RESULT.result.unwrap(),
        &schema::RESULT
    ));
}

#[tokio::test]
async fn a_wrapped_error_comes_with_its_statuses() {
    for status in [400, 422] {
        let body = json!({"error": {"code": "E_PAN", "message": "bad pan 4242424242424242", "detail": "luhn"}});
        let (result, sent) = pay_answered(status, body).await;
        match result.unwrap_err() {
            Error::Fault {
                code,
                message,
                detail,
                http_status,
                ..
            } => {
                assert_eq!(
                    (
                        code.as_str(),
                        message.as_str(),
                        detail.as_str(),
                        http_status
                    ),
                    ("E_PAN", "bad pan ***", "luhn", status)
                );
            }
            other => panic!("HTTP {status}: {other:?}"),
        }
        assert_eq!(sent, 1);
    }
    // On a status it is not declared with, the same body is only an HTTP error.
    let body = json!({"error": {"code": "E_PAN", "message": "bad pan"}});
    let (result, _) = pay_answered(404, body).await;
    assert!(matches!(
        result.unwrap_err(),
        Error::Http { status: 404, .. }
    ));
}

#[tokio::test]
async fn an_error_list_under_a_member_comes_on_any_status_even_200() {
    for status in [200, 400, 500] {
        let body = json!({"errors": [{"code": "A1", "message": "first"}, {"code": 2, "message": "second"}]});
        let (result, _) = pay_answered(status, body).await;
        match result.unwrap_err() {
            Error::Errors {
                errors,
                http_status,
                ..
            } => {
                assert_eq!(http_status, status);
                assert_eq!(
                    errors,
                    [
                        ("A1".to_owned(), "first".to_owned()),
                        ("2".to_owned(), "second".to_owned())
                    ]
                );
            }
            other => panic!("HTTP {status}: {other:?}"),
        }
    }
}

#[tokio::test]
async fn a_whole_body_error_list_comes_with_its_status() {
    let body = json!([{"code": "DUP", "message": "order o-1 exists"}]);
    let (result, _) = pay_answered(409, body).await;
    match result.unwrap_err() {
        Error::Errors {
            errors,
            http_status,
            ..
        } => {
            assert_eq!(http_status, 409);
            assert_eq!(errors, [("DUP".to_owned(), "order o-1 exists".to_owned())]);
        }
        other => panic!("{other:?}"),
    }
}

#[tokio::test]
async fn a_flat_error_comes_with_its_statuses() {
    for status in [401, 403] {
        let body = json!({"error_code": 40, "error_message": "key revoked"});
        let (result, _) = pay_answered(status, body).await;
        match result.unwrap_err() {
            Error::Fault {
                code,
                message,
                detail,
                http_status,
                ..
            } => {
                assert_eq!(
                    (
                        code.as_str(),
                        message.as_str(),
                        detail.as_str(),
                        http_status
                    ),
                    ("40", "key revoked", "", status)
                );
            }
            other => panic!("HTTP {status}: {other:?}"),
        }
    }
}

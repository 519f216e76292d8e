//! Answers decode constrained values to their types without failing on a value the spec rules
//! out: the value is kept and reported as not valid.

use oneclick_csob::{OneclickInitResponse, PayId, PaymentStatus, PaymentStatusResponse};
use serde_json::json;

#[test]
fn a_pay_id_that_keeps_its_constraints_is_typed() {
    let answer: OneclickInitResponse = serde_json::from_value(json!({
        "payId": "0e92dd54b133@HA",
        "dttm": "20220125131601",
        "resultCode": 0,
        "resultMessage": "OK",
    }))
    .unwrap();
    let pay_id = answer.pay_id.expect("the answer carries a payId");
    assert!(pay_id.is_valid());
    assert_eq!(
        pay_id.valid(),
        Some(&PayId::try_from("0e92dd54b133@HA").unwrap())
    );
    assert_eq!(pay_id.into_valid().unwrap().as_str(), "0e92dd54b133@HA");
}

#[test]
fn a_pay_id_longer_than_the_spec_allows_is_kept_and_not_valid() {
    let answer: OneclickInitResponse = serde_json::from_value(json!({
        "payId": "0e92dd54b133@HA-v2",
        "dttm": "20220125131601",
        "resultCode": 0,
        "resultMessage": "OK",
    }))
    .expect("one odd value does not fail the answer");
    let pay_id = answer.pay_id.expect("the answer carries a payId");
    assert!(!pay_id.is_valid());
    assert_eq!(pay_id.valid(), None);
    assert_eq!(pay_id.raw(), "0e92dd54b133@HA-v2");
    assert_eq!(format!("{pay_id:?}"), r#"Invalid("0e92dd54b133@HA-v2")"#);
    let violations = pay_id.into_valid().unwrap_err();
    assert_eq!(violations.0[0].rule, oneclick_csob::RuleKind::MaxLength);
}

#[test]
fn the_answer_serialises_back_to_what_the_gateway_sent() {
    let sent = json!({
        "payId": "not-a-pay-id",
        "dttm": "20220125131601",
        "resultCode": 0,
        "resultMessage": "OK",
        "paymentStatus": 99,
    });
    let answer: PaymentStatusResponse = serde_json::from_value(sent.clone()).unwrap();
    assert_eq!(answer.payment_status, Some(PaymentStatus::Unknown(99)));
    assert_eq!(serde_json::to_value(&answer).unwrap(), sent);
}

#[test]
fn endpoint_vars_keep_the_order_the_gateway_sent() {
    let answer: OneclickInitResponse = serde_json::from_value(json!({
        "payId": "0e92dd54b133@HA",
        "dttm": "20220125131601",
        "resultCode": 0,
        "resultMessage": "OK",
        "actions": {"authenticate": {"browserChallenge": {
            "url": "https://example.com/challenge",
            "method": "POST",
            "vars": {"threeDSSessionData": "z", "creq": "a", "acsTransID": "m"},
        }}},
    }))
    .unwrap();
    let challenge = answer
        .actions
        .unwrap()
        .authenticate
        .unwrap()
        .browser_challenge
        .unwrap();
    let vars = challenge.vars.expect("the challenge carries vars");
    assert_eq!(
        vars.keys().collect::<Vec<_>>(),
        ["threeDSSessionData", "creq", "acsTransID"]
    );
}

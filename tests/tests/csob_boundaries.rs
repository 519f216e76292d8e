//! Every constraint of `spec/csob.yaml` at its boundary: the value just inside is accepted, the
//! one just outside is rejected with the right JSON-pointer path and rule, and nothing else is.

use oneclick_csob::schema;
use oneclick_runtime::schema::Object;
use oneclick_runtime::validate::validate_value;
use oneclick_tests::with;
use serde_json::{Value, json};

/// A valid request of each operation, caller fields only (the client fills the rest).
fn base(object: &Object) -> Value {
    match object.name {
        "oneclick_init request" => json!({
            "origPayId": "0e92dd54b133@HA",
            "orderNo": "51966",
            "clientIp": "192.0.2.2",
            "totalAmount": 100,
            "currency": "CZK",
            "customer": {"name": "Jan", "email": "jan@example.com", "account": {"orderHistory": 0}, "login": {"auth": "guest"}},
            "order": {
                "type": "purchase",
                "availability": "now",
                "deliveryMode": "0",
                "billing": {"address1": "Street 1", "city": "Praha", "zip": "11000", "country": "CZE"},
                "giftcards": {"totalAmount": 1, "currency": "CZK", "quantity": 1}
            }
        }),
        "oneclick_process request" => json!({
            "payId": "7624c5e60252@HA",
            "fingerprint": {"browser": {"userAgent": "UA", "acceptHeader": "*/*", "language": "en", "javascriptEnabled": false}}
        }),
        "oneclick_echo request" => json!({"origPayId": "0e92dd54b133@HA"}),
        other => panic!("no base for {other}"),
    }
}

fn violations(object: &'static Object, json: &Value) -> Vec<String> {
    validate_value(object, json)
        .iter()
        .map(|v| format!("{} {}", v.path, v.rule.as_str()))
        .collect()
}

/// (pointer, accepted values, rejected value, rule)
type Case = (&'static str, Vec<Value>, Value, &'static str);

fn check(object: &'static Object, cases: Vec<Case>) {
    oneclick_tests::check_boundaries(object, &base(object), cases);
}

fn chars(n: usize) -> Value {
    Value::String("a".repeat(n))
}

#[test]
fn init_request_boundaries() {
    let url = |n: usize| Value::String(format!("https://shop.example.com/{}", "a".repeat(n - 25)));
    let languages = [
        "cs", "en", "de", "fr", "hu", "it", "ja", "pl", "pt", "ro", "ru", "sk", "es", "tr", "vi",
        "hr", "sl", "sv",
    ];
    check(
        &schema::ONECLICK_INIT_REQUEST,
        vec![
            ("/ttlSec", vec![json!(300), json!(1800)], json!(299), "min"),
            ("/ttlSec", vec![], json!(1801), "max"),
            (
                "/orderNo",
                vec![json!("1"), json!("1234567890")],
                json!("12345678901"),
                "pattern",
            ),
            ("/orderNo", vec![], json!(""), "pattern"),
            ("/orderNo", vec![], json!("12a"), "pattern"),
            ("/returnUrl", vec![url(300)], url(301), "max_length"),
            ("/returnUrl", vec![], json!("not a url"), "format"),
            // Base64 comes in blocks of four: 252 characters is the longest value within 255.
            (
                "/merchantData",
                vec![Value::String("QUJD".repeat(63))],
                Value::String("QUJD".repeat(64)),
                "max_length",
            ),
            ("/merchantData", vec![], json!("not base64!"), "format"),
            (
                "/origPayId",
                vec![json!("123456789012345")],
                json!("12345678901234"),
                "min_length",
            ),
            (
                "/origPayId",
                vec![],
                json!("1234567890123456"),
                "max_length",
            ),
            ("/totalAmount", vec![json!(1)], json!(0), "min"),
            (
                "/currency",
                [
                    "CZK", "EUR", "USD", "GBP", "HUF", "PLN", "RON", "NOK", "SEK",
                ]
                .map(|c| json!(c))
                .to_vec(),
                json!("XYZ"),
                "enum",
            ),
            (
                "/clientIp",
                vec![json!("2001:db8::1")],
                json!("999.1.1.1"),
                "format",
            ),
            (
                "/payMethod",
                vec![json!("card"), json!("card#LVP")],
                json!("cash"),
                "enum",
            ),
            (
                "/returnMethod",
                vec![json!("POST"), json!("GET")],
                json!("PUT"),
                "enum",
            ),
            (
                "/language",
                languages.map(|l| json!(l)).to_vec(),
                json!("xx"),
                "enum",
            ),
            ("/customer/name", vec![chars(45)], chars(46), "max_length"),
            (
                "/customer/email",
                vec![Value::String(format!("{}@example.com", "a".repeat(88)))],
                Value::String(format!("{}@example.com", "a".repeat(89))),
                "max_length",
            ),
            (
                "/customer/email",
                vec![],
                json!("jan.example.com"),
                "format",
            ),
            (
                "/customer/mobilePhone",
                vec![json!("+420.800300300")],
                json!("800300300"),
                "pattern",
            ),
            (
                "/customer/account/orderHistory",
                vec![json!(0)],
                json!(-1),
                "min",
            ),
            (
                "/customer/account/createdAt",
                vec![json!("2022-01-25T13:15:59+01:00")],
                json!("25.01.2022"),
                "pattern",
            ),
            (
                "/customer/login/auth",
                [
                    "guest",
                    "account",
                    "federated",
                    "issuer",
                    "thirdparty",
                    "fido",
                    "fido_signed",
                    "api",
                ]
                .map(|a| json!(a))
                .to_vec(),
                json!("magic"),
                "enum",
            ),
            (
                "/order/type",
                ["purchase", "balance", "prepaid", "cash", "check"]
                    .map(|t| json!(t))
                    .to_vec(),
                json!("gift"),
                "enum",
            ),
            (
                "/order/delivery",
                [
                    "shipping",
                    "shipping_verified",
                    "instore",
                    "digital",
                    "ticket",
                    "other",
                ]
                .map(|d| json!(d))
                .to_vec(),
                json!("drone"),
                "enum",
            ),
            (
                "/order/deliveryMode",
                ["0", "1", "2", "3"].map(|d| json!(d)).to_vec(),
                json!("4"),
                "enum",
            ),
            (
                "/order/availability",
                vec![json!("now"), json!("preorder"), json!("2022-02-01")],
                json!("later"),
                "pattern",
            ),
            (
                "/order/billing/address1",
                vec![chars(50)],
                chars(51),
                "max_length",
            ),
            (
                "/order/billing/city",
                vec![chars(50)],
                chars(51),
                "max_length",
            ),
            (
                "/order/billing/zip",
                vec![chars(16)],
                chars(17),
                "max_length",
            ),
            (
                "/order/billing/country",
                vec![json!("SVK")],
                json!("CZ"),
                "pattern",
            ),
        ],
    );
}

#[test]
fn init_request_rules() {
    let object = &schema::ONECLICK_INIT_REQUEST;
    let without_currency = with(base(object), "/currency", Value::Null);
    assert_eq!(
        violations(object, &without_currency),
        ["/currency together"]
    );
    let without_amount = with(base(object), "/totalAmount", Value::Null);
    assert_eq!(
        violations(object, &without_amount),
        ["/totalAmount together"]
    );
    let neither = with(without_amount.clone(), "/currency", Value::Null);
    assert!(
        violations(object, &neither).is_empty(),
        "both absent is fine"
    );

    let no_ip = with(base(object), "/clientIp", Value::Null);
    assert_eq!(
        violations(object, &no_ip),
        ["/clientIp required_if"],
        "clientInitiated defaults to true"
    );
    assert!(
        violations(
            object,
            &with(no_ip.clone(), "/clientInitiated", json!(false))
        )
        .is_empty()
    );
    assert_eq!(
        violations(object, &with(no_ip, "/clientInitiated", json!(true))),
        ["/clientIp required_if"]
    );

    let giftcards = with(base(object), "/order/giftcards/currency", Value::Null);
    assert_eq!(
        violations(object, &giftcards),
        ["/order/giftcards/currency together"]
    );
}

#[test]
fn process_request_boundaries() {
    check(
        &schema::ONECLICK_PROCESS_REQUEST,
        vec![
            (
                "/fingerprint/browser/userAgent",
                vec![chars(2048)],
                chars(2049),
                "max_length",
            ),
            (
                "/fingerprint/browser/acceptHeader",
                vec![chars(2048)],
                chars(2049),
                "max_length",
            ),
            (
                "/fingerprint/browser/language",
                vec![chars(1), chars(8)],
                chars(9),
                "max_length",
            ),
            (
                "/fingerprint/browser/language",
                vec![],
                chars(0),
                "min_length",
            ),
            (
                "/fingerprint/browser/colorDepth",
                [1, 4, 8, 15, 16, 24, 32, 48].map(|d| json!(d)).to_vec(),
                json!(2),
                "enum",
            ),
            (
                "/fingerprint/browser/challengeWindowSize",
                ["01", "02", "03", "04", "05"].map(|w| json!(w)).to_vec(),
                json!("06"),
                "enum",
            ),
            (
                "/payId",
                vec![json!("7624c5e60252@HA")],
                json!("7624c5e60252@H"),
                "min_length",
            ),
        ],
    );
}

#[test]
fn process_request_rules() {
    let object = &schema::ONECLICK_PROCESS_REQUEST;
    let scripted = with(
        base(object),
        "/fingerprint/browser/javascriptEnabled",
        json!(true),
    );
    assert_eq!(
        violations(object, &scripted),
        [
            "/fingerprint/browser/colorDepth required_if",
            "/fingerprint/browser/screenHeight required_if",
            "/fingerprint/browser/screenWidth required_if",
            "/fingerprint/browser/javaEnabled required_if",
        ]
    );
    let complete = ["colorDepth", "screenHeight", "screenWidth", "javaEnabled"]
        .iter()
        .zip([json!(24), json!(1080), json!(1920), json!(false)])
        .fold(scripted, |json, (field, value)| {
            with(json, &format!("/fingerprint/browser/{field}"), value)
        });
    assert!(violations(object, &complete).is_empty());

    let sdk = json!({"appID": "a", "encData": "e", "ephemPubKey": "k", "maxTimeout": 5, "referenceNumber": "r", "transID": "t"});
    let both = with(base(object), "/fingerprint/sdk", sdk.clone());
    assert_eq!(violations(object, &both), ["/fingerprint exclusive"]);
    let app = with(
        with(base(object), "/fingerprint/browser", Value::Null),
        "/fingerprint/sdk",
        sdk,
    );
    assert!(violations(object, &app).is_empty());
    for (pointer, inside, outside, rule) in [
        ("/fingerprint/sdk/maxTimeout", json!(5), json!(4), "min"),
        (
            "/fingerprint/sdk/referenceNumber",
            chars(32),
            chars(33),
            "max_length",
        ),
        (
            "/fingerprint/sdk/transID",
            chars(36),
            chars(37),
            "max_length",
        ),
    ] {
        assert!(
            violations(object, &with(app.clone(), pointer, inside)).is_empty(),
            "{pointer}"
        );
        assert_eq!(
            violations(object, &with(app.clone(), pointer, outside)),
            [format!("{pointer} {rule}")]
        );
    }
}

#[test]
fn typed_values_check_their_constraints_where_they_are_made() {
    use oneclick_csob::{OrderNo, RuleKind, TtlSec};
    assert!(OrderNo::try_from("1234567890").is_ok());
    assert_eq!(
        OrderNo::try_from("12345678901").unwrap_err().0[0].rule,
        RuleKind::Pattern
    );
    assert!(TtlSec::try_from(1800).is_ok());
    assert_eq!(TtlSec::try_from(1801).unwrap_err().0[0].rule, RuleKind::Max);
    let error = OrderNo::try_from("12345678901").unwrap_err().to_string();
    assert!(
        !error.contains("12345678901"),
        "errors never repeat the value: {error}"
    );
}

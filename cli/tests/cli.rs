//! The `oneclick` binary run as a user runs it, against servers on loopback.

use std::process::{Command, Output};

use oneclick_runtime::signature::{flat, pipe, sign_hmac_sha512, sign_rsa_sha256};
use oneclick_runtime::{RsaPrivateKey, Secret};
use oneclick_tests::{Reply, TestServer};
use serde_json::{Value, json};

fn vectors(name: &str) -> String {
    format!("{}/../vectors/{name}", env!("CARGO_MANIFEST_DIR"))
}

/// Runs `oneclick` with the gateways' credentials in the environment and `stdin` as input.
async fn oneclick(args: &[&str], stdin: &str) -> Output {
    oneclick_with_rust_log(args, stdin, None).await
}

/// [`oneclick`] with `RUST_LOG` set to `rust_log`, or removed: the caller's own must not leak
/// log lines into what a test reads.
async fn oneclick_with_rust_log(args: &[&str], stdin: &str, rust_log: Option<&str>) -> Output {
    oneclick_with_env(args, stdin, rust_log, &[]).await
}

/// [`oneclick_with_rust_log`] with `more` environment variables, such as an optional credential.
async fn oneclick_with_env(
    args: &[&str],
    stdin: &str,
    rust_log: Option<&str>,
    more: &[(&str, &str)],
) -> Output {
    let args: Vec<String> = args.iter().map(|a| a.to_string()).collect();
    let stdin = stdin.to_string();
    let rust_log = rust_log.map(str::to_owned);
    let more: Vec<(String, String)> = more
        .iter()
        .map(|(k, v)| (k.to_string(), v.to_string()))
        .collect();
    tokio::task::spawn_blocking(move || {
        let mut command = Command::new(env!("CARGO_BIN_EXE_oneclick"));
        match rust_log {
            Some(filter) => command.env("RUST_LOG", filter),
            None => command.env_remove("RUST_LOG"),
        };
        command.envs(more);
        let mut child = command
            .args(&args)
            .env("CSOB_MERCHANT_ID", "M1MIPS0000")
            .env("CSOB_PRIVATE_KEY", vectors("merchant-test.key"))
            .env("CSOB_GATEWAY_PUBLIC_KEY", vectors("gateway-test.pub"))
            .env("MONETIX_PROJECT_ID", "42")
            .env("MONETIX_SECRET_KEY", "s3cr3t")
            .env("ASSIST_MERCHANT_ID", "452739")
            .env("ASSIST_LOGIN", "LOGIN")
            .env("ASSIST_PASSWORD", "assist-pass")
            .env("XPAY_API_KEY", "xpay-key")
            .stdin(std::process::Stdio::piped())
            .stdout(std::process::Stdio::piped())
            .stderr(std::process::Stdio::piped())
            .spawn()
            .expect("the oneclick binary runs");
        use std::io::Write;
        child
            .stdin
            .take()
            .unwrap()
            .write_all(stdin.as_bytes())
            .unwrap();
        child.wait_with_output().unwrap()
    })
    .await
    .unwrap()
}

fn text(bytes: &[u8]) -> String {
    String::from_utf8_lossy(bytes).into_owned()
}

fn csob_answer(op: &'static oneclick_runtime::schema::Operation, mut body: Value) -> Reply {
    let key =
        RsaPrivateKey::from_pem(&std::fs::read_to_string(vectors("gateway-test.key")).unwrap())
            .unwrap();
    let text = pipe::text_to_sign(op.response_signature, &body);
    body["signature"] = Value::String(sign_rsa_sha256(&key, &text).unwrap());
    Reply::json(body.to_string())
}

#[tokio::test]
async fn help_lists_gateways_operations_and_fields() {
    let overview = oneclick(&["--help"], "").await;
    let gateway = oneclick(&["csob", "--help"], "").await;
    let operation = oneclick(&["csob", "oneclick-init", "--help"], "").await;
    assert!(overview.status.success() && gateway.status.success() && operation.status.success());
    insta::assert_snapshot!("help_overview", text(&overview.stdout));
    insta::assert_snapshot!("help_csob", text(&gateway.stdout));
    insta::assert_snapshot!("help_csob_oneclick_init", text(&operation.stdout));
    for gateway in ["monetix", "assist", "xpay"] {
        let help = text(&oneclick(&[gateway, "--help"], "").await.stdout);
        assert!(help.contains("operations:"), "{gateway}: {help}");
    }
}

#[tokio::test]
async fn csob_echo_over_http_and_its_errors() {
    let server = TestServer::start(|_| {
        csob_answer(&oneclick_gateways::csob::schema::ONECLICK_ECHO, json!({"origPayId": "0e92dd54b133@HA", "dttm": "20220125131601", "resultCode": 0, "resultMessage": "OK"}))
    })
    .await;
    let request = r#"{"origPayId":"0e92dd54b133@HA"}"#;
    let ok = oneclick(
        &[
            "csob",
            "oneclick-echo",
            "--request",
            "-",
            "--base-url",
            &server.url(""),
        ],
        request,
    )
    .await;
    assert_eq!(ok.status.code(), Some(0), "{}", text(&ok.stderr));
    let answer: Value = serde_json::from_slice(&ok.stdout).unwrap();
    assert_eq!(answer["resultCode"], 0);

    let rejected = TestServer::start(|_| {
        csob_answer(&oneclick_gateways::csob::schema::ONECLICK_ECHO, json!({"origPayId": "0e92dd54b133@HA", "dttm": "20220125131601", "resultCode": 700, "resultMessage": "Oneclick template not found"}))
    })
    .await;
    let out = oneclick(
        &[
            "csob",
            "oneclick-echo",
            "--request",
            "-",
            "--base-url",
            &rejected.url(""),
        ],
        request,
    )
    .await;
    assert_eq!(out.status.code(), Some(3));
    assert!(
        text(&out.stderr).contains("\"resultCode\": 700"),
        "the answer is printed"
    );

    let forged = TestServer::start(|_| Reply::json(r#"{"origPayId":"0e92dd54b133@HA","dttm":"20220125131601","resultCode":0,"resultMessage":"OK","signature":"AAAA"}"#)).await;
    let out = oneclick(
        &[
            "csob",
            "oneclick-echo",
            "--request",
            "-",
            "--base-url",
            &forged.url(""),
        ],
        request,
    )
    .await;
    assert_eq!(
        out.status.code(),
        Some(4),
        "a signature that does not verify is never exit 0"
    );
}

#[tokio::test]
async fn invalid_input_sends_nothing_on_any_gateway() {
    let server = TestServer::start(|_| Reply::json("{}")).await;
    let url = server.url("");
    for (gateway, operation, request, expected) in [
        (
            "csob",
            "oneclick-init",
            r#"{"origPayId":"0e92dd54b133@HA","orderNo":"12345678901"}"#,
            "/orderNo: pattern",
        ),
        (
            "monetix",
            "card-sale",
            r#"{"general":{"payment_id":"p"},"customer":{"id":"c","ip_address":"1.2.3.4"},"payment":{"amount":0,"currency":"USD"},"return_url":{},"token":"t"}"#,
            "/payment/amount: min",
        ),
        (
            "assist",
            "list-cards",
            r#"{"customernumber":"123456789012345678901234567890123"}"#,
            "/customernumber: max_length",
        ),
        (
            "xpay",
            "get-order",
            r#"{"orderId":"1234567890123456789"}"#,
            "/orderId: max_length",
        ),
    ] {
        let out = oneclick(
            &[gateway, operation, "--request", "-", "--base-url", &url],
            request,
        )
        .await;
        assert_eq!(
            out.status.code(),
            Some(2),
            "{gateway}: {}",
            text(&out.stderr)
        );
        assert!(
            text(&out.stderr).contains(expected),
            "{gateway}: {}",
            text(&out.stderr)
        );
    }
    let out = oneclick(
        &[
            "csob",
            "oneclick-echo",
            "--request",
            "-",
            "--base-url",
            &url,
        ],
        "not json",
    )
    .await;
    assert_eq!(out.status.code(), Some(2));
    assert!(server.received().is_empty(), "nothing was sent");
}

#[tokio::test]
async fn gateway_errors_exit_3() {
    let xpay = TestServer::start(|_| {
        Reply::Status(
            400,
            r#"{"errors":[{"code":"PS0001","description":"Invalid orderId"}]}"#.into(),
        )
    })
    .await;
    let out = oneclick(
        &[
            "xpay",
            "get-order",
            "--request",
            "-",
            "--base-url",
            &xpay.url(""),
        ],
        r#"{"orderId":"o1"}"#,
    )
    .await;
    assert_eq!(out.status.code(), Some(3));
    assert!(text(&out.stderr).contains("PS0001: Invalid orderId"));
    assert_eq!(xpay.received()[0].header("x-api-key"), Some("xpay-key"));

    let assist = TestServer::start(|_| {
        Reply::json(r#"{"fault":{"detail":"no customer","faultcode":"1","faultstring":"2"}}"#)
    })
    .await;
    let out = oneclick(
        &[
            "assist",
            "list-cards",
            "--request",
            "-",
            "--base-url",
            &assist.url(""),
        ],
        r#"{"customernumber":"1"}"#,
    )
    .await;
    assert_eq!(out.status.code(), Some(3));
    assert!(
        text(&out.stderr).contains("detail: no customer"),
        "the fault's detail is part of the answer shown: {}",
        text(&out.stderr)
    );
}

#[tokio::test]
async fn dry_run_shows_the_signed_text_and_masks_secrets() {
    let request = r#"{"general":{"payment_id":"456789"},"customer":{"id":"customer_12","ip_address":"248.121.176.220"},"payment":{"amount":400000,"currency":"USD"},"return_url":{},"token":"f365bb","cvv":"987"}"#;
    let out = oneclick(
        &[
            "monetix",
            "card-sale",
            "--request",
            "-",
            "--base-url",
            "http://127.0.0.1:9",
            "--dry-run",
        ],
        request,
    )
    .await;
    assert_eq!(out.status.code(), Some(0), "{}", text(&out.stderr));
    let printed = text(&out.stdout);
    assert!(
        printed.starts_with("POST http://127.0.0.1:9/v2/payment/card/sale\n"),
        "{printed}"
    );
    assert!(printed.contains("signed text:\ncustomer:id:customer_12;customer:ip_address:248.121.176.220;cvv:***;general:payment_id:456789;general:project_id:42"), "{printed}");
    assert!(
        !printed.contains("987") && !printed.contains("s3cr3t"),
        "{printed}"
    );

    let out = oneclick(
        &["xpay", "get-order", "--request", "-", "--dry-run"],
        r#"{"orderId":"o1"}"#,
    )
    .await;
    let printed = text(&out.stdout);
    assert!(
        printed.contains("X-Api-Key: ***") && !printed.contains("xpay-key"),
        "{printed}"
    );

    let out = oneclick(
        &[
            "assist",
            "payment-page-order",
            "--request",
            "-",
            "--base-url",
            "https://pay.example",
        ],
        r#"{"OrderNumber":"1","OrderAmount":"10","CustomerNumber":"7"}"#,
    )
    .await;
    assert_eq!(out.status.code(), Some(0), "{}", text(&out.stderr));
    assert!(
        text(&out.stdout).starts_with("POST https://pay.example/pay/order.cfm"),
        "a redirect is printed, never sent"
    );
}

#[tokio::test]
async fn callbacks_and_notifications_are_verified() {
    let mut callback = json!({"project_id": 42, "payment": {"id": "456789", "status": "success"}});
    let signed_text = flat::text_to_sign(&callback, "signature");
    callback["signature"] = Value::String(sign_hmac_sha512(
        &Secret::new("s3cr3t".into()),
        &signed_text,
    ));
    let ok = oneclick(
        &["monetix", "verify-callback", "--request", "-"],
        &callback.to_string(),
    )
    .await;
    assert_eq!(ok.status.code(), Some(0), "{}", text(&ok.stderr));
    callback["payment"]["status"] = json!("decline");
    let tampered = oneclick(
        &["monetix", "verify-callback", "--request", "-"],
        &callback.to_string(),
    )
    .await;
    assert_eq!(tampered.status.code(), Some(4));

    // A complete event: one without the operation it reports is refused whatever its token.
    let notification =
        r#"{"securityToken":"2f0ea505","eventId":"e1","operation":{"operationId":"3470744"}}"#;
    let ok = oneclick(
        &[
            "xpay",
            "verify-notification",
            "--request",
            "-",
            "--token",
            "2f0ea505",
        ],
        notification,
    )
    .await;
    assert_eq!(ok.status.code(), Some(0), "{}", text(&ok.stderr));
    let wrong = oneclick(
        &[
            "xpay",
            "verify-notification",
            "--request",
            "-",
            "--token",
            "2f0ea506",
        ],
        notification,
    )
    .await;
    assert_eq!(wrong.status.code(), Some(4));
}

#[tokio::test]
async fn a_missing_credential_is_named() {
    let output = tokio::task::spawn_blocking(|| {
        Command::new(env!("CARGO_BIN_EXE_oneclick"))
            .args(["xpay", "get-order", "--request", "-", "--dry-run"])
            .env_remove("XPAY_API_KEY")
            .stdin(std::process::Stdio::null())
            .output()
            .unwrap()
    })
    .await
    .unwrap();
    assert_eq!(output.status.code(), Some(1));
    assert!(text(&output.stderr).contains("XPAY_API_KEY"));
}

#[tokio::test]
async fn each_gateway_happy_path() {
    for (gateway, operation, request, answer) in [
        (
            "monetix",
            "card-sale",
            r#"{"general":{"payment_id":"456789"},"customer":{"id":"c","ip_address":"1.2.3.4"},"payment":{"amount":100,"currency":"USD"},"return_url":{},"token":"t"}"#,
            r#"{"status":"success","request_id":"r1"}"#,
        ),
        (
            "assist",
            "list-cards",
            r#"{"customernumber":"1234"}"#,
            r#"[{"token":"91720736-CF93-469C-63A0-E5859815D6BA","expire":"12.2025"}]"#,
        ),
        (
            "xpay",
            "list-customer-contracts",
            r#"{"customerId":"mcid1"}"#,
            r#"{"contracts":[{"contractId":"C1"}]}"#,
        ),
    ] {
        let server = TestServer::start(move |_| Reply::json(answer)).await;
        let out = oneclick(
            &[
                gateway,
                operation,
                "--request",
                "-",
                "--base-url",
                &server.url(""),
            ],
            request,
        )
        .await;
        assert_eq!(
            out.status.code(),
            Some(0),
            "{gateway}: {}",
            text(&out.stderr)
        );
        let printed: Value = serde_json::from_slice(&out.stdout).unwrap();
        assert_eq!(
            printed,
            serde_json::from_str::<Value>(answer).unwrap(),
            "{gateway}"
        );
        assert_eq!(server.received().len(), 1, "{gateway}");
    }
}

const PAN: &str = "4111111111111111";

fn monetix_card_sale(card: Value) -> Value {
    json!({
        "general": {"payment_id": "456789"},
        "customer": {"id": "c", "ip_address": "1.2.3.4"},
        "payment": {"amount": 100, "currency": "USD"},
        "return_url": {},
        "card": card,
    })
}

/// Gateways that echo the request (and the API key) in each of their error shapes: the CLI
/// reports the error, exit 3, without a card number, CVV, password, API key or signing secret.
#[tokio::test]
async fn echoed_secrets_never_reach_the_terminal() {
    let card =
        json!({"pan": PAN, "year": 2030, "month": 12, "card_holder": "JAN NOVAK", "cvv": "737"});
    let monetix_sale = monetix_card_sale(card).to_string();
    let echo_body =
        |request: &oneclick_tests::Received| String::from_utf8_lossy(&request.body).into_owned();
    let cases: Vec<(&str, &str, String, TestServer)> = vec![
        (
            "assist",
            "list-cards",
            r#"{"customernumber":"1234"}"#.into(),
            TestServer::start(move |request| {
                let fault = json!({"faultcode": "1", "faultstring": echo_body(request), "detail": "password=assist-pass"});
                Reply::json(json!({"fault": fault}).to_string())
            })
            .await,
        ),
        (
            "xpay",
            "get-order",
            r#"{"orderId":"o1"}"#.into(),
            TestServer::start(|request| {
                let key = request.header("x-api-key").unwrap_or_default();
                let errors = json!({"errors": [{"code": "GW01", "description": format!("key {key} refused")}]});
                Reply::Status(401, errors.to_string())
            })
            .await,
        ),
        (
            "monetix",
            "card-sale",
            monetix_sale.clone(),
            TestServer::start(move |request| {
                let body = json!({"status": "error", "message": format!("{} s3cr3t", echo_body(request)), "request": request.json()});
                Reply::Status(400, body.to_string())
            })
            .await,
        ),
        (
            "monetix",
            "card-sale",
            monetix_sale,
            TestServer::start(|_| Reply::Status(502, format!("upstream refused pan={PAN}&cvv=737"))).await,
        ),
    ];
    for (gateway, operation, request, server) in cases {
        let out = oneclick(
            &[
                gateway,
                operation,
                "--request",
                "-",
                "--base-url",
                &server.url(""),
            ],
            &request,
        )
        .await;
        let printed = format!("{}{}", text(&out.stdout), text(&out.stderr));
        assert_eq!(out.status.code(), Some(3), "{gateway}: {printed}");
        assert!(
            printed.contains("***"),
            "{gateway}: the echo is shown, scrubbed: {printed}"
        );
        for secret in [PAN, "737", "assist-pass", "xpay-key", "s3cr3t"] {
            assert!(
                !printed.contains(secret),
                "{gateway}: {secret} in {printed}"
            );
        }
    }
}

/// A gateway may echo the request in a successful answer too: exit 0 prints it scrubbed.
#[tokio::test]
async fn a_successful_answer_echoing_the_card_is_printed_scrubbed() {
    let card =
        json!({"pan": PAN, "year": 2030, "month": 12, "card_holder": "JAN NOVAK", "cvv": "737"});
    let server = TestServer::start(|request| {
        let body = json!({"status": "success", "request_id": "r1", "echo": request.json()});
        Reply::json(body.to_string())
    })
    .await;
    let out = oneclick(
        &[
            "monetix",
            "card-sale",
            "--request",
            "-",
            "--base-url",
            &server.url(""),
        ],
        &monetix_card_sale(card).to_string(),
    )
    .await;
    let printed = format!("{}{}", text(&out.stdout), text(&out.stderr));
    assert_eq!(out.status.code(), Some(0), "{printed}");
    assert!(printed.contains("JAN NOVAK"), "{printed}");
    for secret in [PAN, "\"737\"", "s3cr3t"] {
        assert!(!printed.contains(secret), "{secret} in {printed}");
    }
}

#[tokio::test]
async fn unknown_fields_are_refused_at_every_depth_even_in_a_dry_run() {
    let server = TestServer::start(|_| Reply::json("{}")).await;
    let card = json!({"pan": PAN, "year": 2030, "month": 12, "card_holder": "JAN NOVAK"});
    let mut top = monetix_card_sale(card.clone());
    top["closePayement"] = json!(false);
    let mut nested = monetix_card_sale(card.clone());
    nested["customer"]["card_number"] = json!(PAN);
    let mut in_card = monetix_card_sale(card);
    in_card["card"]["track2"] = json!(format!("{PAN}=2512"));
    for (request, path) in [
        (top, "/closePayement"),
        (nested, "/customer/card_number"),
        (in_card, "/card/track2"),
    ] {
        for dry_run in [false, true] {
            let mut args = vec!["monetix", "card-sale", "--request", "-"];
            let url = server.url("");
            args.extend(["--base-url", &url]);
            if dry_run {
                args.push("--dry-run");
            }
            let out = oneclick(&args, &request.to_string()).await;
            let printed = format!("{}{}", text(&out.stdout), text(&out.stderr));
            assert_eq!(out.status.code(), Some(2), "{path}: {printed}");
            assert!(
                printed.contains(&format!("{path}: unknown_field")),
                "{printed}"
            );
            assert!(!printed.contains(PAN), "{printed}");
        }
    }
    assert!(server.received().is_empty(), "nothing was sent");
}

#[tokio::test]
async fn an_unknown_outcome_exits_4_and_says_the_payment_may_exist() {
    let server = TestServer::start(|_| Reply::Status(503, String::new())).await;
    let out = oneclick(
        &[
            "csob",
            "oneclick-init",
            "--request",
            "-",
            "--base-url",
            &server.url(""),
        ],
        r#"{"origPayId":"0e92dd54b133@HA","orderNo":"4711","clientIp":"192.0.2.2"}"#,
    )
    .await;
    let stderr = text(&out.stderr);
    assert_eq!(out.status.code(), Some(4), "{stderr}");
    assert!(out.stdout.is_empty());
    assert!(
        stderr.contains("outcome unknown, the payment may exist at the gateway"),
        "{stderr}"
    );
    let dttm = server.received()[0].json()["dttm"]
        .as_str()
        .unwrap()
        .to_owned();
    assert!(
        stderr.contains(&format!("orderNo=4711, dttm={dttm}")),
        "the values sent, to look the payment up by: {stderr}"
    );
    assert_eq!(
        server.received().len(),
        1,
        "init is never repeated after a 503"
    );
}

#[tokio::test]
async fn fields_a_signature_does_not_cover_are_marked_unsigned() {
    let server = TestServer::start(|_| {
        let Reply::Status(status, body) = csob_answer(
            &oneclick_gateways::csob::schema::ONECLICK_ECHO,
            json!({"origPayId": "0e92dd54b133@HA", "dttm": "20220125131601", "resultCode": 0, "resultMessage": "OK"}),
        ) else {
            unreachable!()
        };
        let mut body: Value = serde_json::from_str(&body).unwrap();
        body["note"] = json!("added on the way");
        Reply::Status(status, body.to_string())
    })
    .await;
    let out = oneclick(
        &[
            "csob",
            "oneclick-echo",
            "--request",
            "-",
            "--base-url",
            &server.url(""),
        ],
        r#"{"origPayId":"0e92dd54b133@HA"}"#,
    )
    .await;
    assert_eq!(out.status.code(), Some(0), "{}", text(&out.stderr));
    let printed: Value = serde_json::from_slice(&out.stdout).unwrap();
    assert_eq!(printed["unsigned"], json!({"note": "added on the way"}));
    assert!(printed.get("note").is_none());
    assert_eq!(printed["resultCode"], 0);
    assert!(printed["signature"].is_string());
}

#[tokio::test]
async fn answers_that_say_nothing_are_errors_on_every_gateway() {
    for (gateway, operation, request, answers) in [
        (
            "monetix",
            "card-sale",
            r#"{"general":{"payment_id":"456789"},"customer":{"id":"c","ip_address":"1.2.3.4"},"payment":{"amount":100,"currency":"USD"},"return_url":{},"token":"t"}"#,
            vec![
                "{}",
                "null",
                r#"{"status":null,"request_id":null}"#,
                r#"{"status":7,"request_id":"r1"}"#,
            ],
        ),
        (
            "xpay",
            "create-hpp-order",
            r#"{"order":{"orderId":"o1","amount":"100","currency":"EUR"},"paymentSession":{"actionType":"PAY","amount":"100","resultUrl":"https://shop.example/r","cancelUrl":"https://shop.example/c"}}"#,
            vec![
                "{}",
                "null",
                r#"{"hostedPage":"https://x.example/p"}"#,
                r#"{"hostedPage":"https://x.example/p","securityToken":5}"#,
            ],
        ),
        (
            "assist",
            "remove-card",
            r#"{"token":"91720736-CF93-469C-63A0-E5859815D6BA","customernumber":"1234"}"#,
            vec![
                "{}",
                "null",
                r#"{"message":null}"#,
                r#"{"message":["removed"]}"#,
            ],
        ),
    ] {
        for answer in answers {
            let server = TestServer::start(move |_| Reply::json(answer)).await;
            let out = oneclick(
                &[
                    gateway,
                    operation,
                    "--request",
                    "-",
                    "--base-url",
                    &server.url(""),
                ],
                request,
            )
            .await;
            assert_ne!(out.status.code(), Some(0), "{gateway} {answer}");
            assert!(out.stdout.is_empty(), "{gateway} {answer}");
            let stderr = text(&out.stderr);
            assert!(
                stderr.contains("unexpected response"),
                "{gateway} {answer}: {stderr}"
            );
        }
    }
}

#[tokio::test]
async fn version_and_usage_errors() {
    let version = oneclick(&["--version"], "").await;
    assert_eq!(version.status.code(), Some(0));
    assert_eq!(
        text(&version.stdout),
        format!("oneclick {}\n", env!("CARGO_PKG_VERSION"))
    );
    for args in [
        &["paypal"][..],
        &["csob", "oneclick-ini"],
        &["csob", "oneclick-echo", "--no-such-flag"],
        &["csob", "oneclick-echo", "--env", "staging"],
    ] {
        let out = oneclick(args, "").await;
        assert_eq!(
            out.status.code(),
            Some(1),
            "a usage error is exit 1, never the 2 of an invalid request: {args:?}"
        );
        assert!(out.stdout.is_empty(), "{args:?}");
    }
    let typo = oneclick(&["csob", "oneclick-ini"], "").await;
    assert!(
        text(&typo.stderr).contains("oneclick-init"),
        "{}",
        text(&typo.stderr)
    );
    let bare = oneclick(&["csob"], "").await;
    assert_eq!(bare.status.code(), Some(0));
    assert!(text(&bare.stdout).contains("operations:"));
}

#[tokio::test]
async fn completions_for_every_shell() {
    let bash = oneclick(&["completions", "bash"], "").await;
    assert_eq!(bash.status.code(), Some(0), "{}", text(&bash.stderr));
    insta::assert_snapshot!("completions_bash", text(&bash.stdout));
    for shell in ["zsh", "fish", "powershell"] {
        let out = oneclick(&["completions", shell], "").await;
        assert_eq!(out.status.code(), Some(0), "{shell}");
        let script = text(&out.stdout);
        assert!(
            script.contains("oneclick-init") && script.contains("verify-notification"),
            "{shell}: every operation is completed"
        );
    }
    let unknown = oneclick(&["completions", "cmd.exe"], "").await;
    assert_eq!(unknown.status.code(), Some(1));
}

fn csob_echo_server() -> impl Fn(&oneclick_tests::Received) -> Reply + Send + Sync + 'static {
    |_| {
        csob_answer(
            &oneclick_gateways::csob::schema::ONECLICK_ECHO,
            json!({"origPayId": "0e92dd54b133@HA", "dttm": "20220125131601", "resultCode": 0, "resultMessage": "OK"}),
        )
    }
}

#[tokio::test]
async fn verbose_shows_each_call_span_on_stderr_and_nothing_by_default() {
    let server = TestServer::start(csob_echo_server()).await;
    let url = server.url("");
    let args = [
        "csob",
        "oneclick-echo",
        "--request",
        "-",
        "--base-url",
        &url,
    ];
    let request = r#"{"origPayId":"0e92dd54b133@HA"}"#;

    let quiet = oneclick(&args, request).await;
    assert_eq!(quiet.status.code(), Some(0), "{}", text(&quiet.stderr));
    assert!(quiet.stderr.is_empty(), "{}", text(&quiet.stderr));

    let verbose = oneclick(&[&["-v"][..], &args].concat(), request).await;
    assert_eq!(verbose.status.code(), Some(0), "{}", text(&verbose.stderr));
    let stderr = text(&verbose.stderr);
    let span = stderr
        .lines()
        .find(|line| line.contains("oneclick.call"))
        .unwrap_or_else(|| panic!("no span line in {stderr}"));
    for field in [
        "gateway=\"csob\"",
        "operation=\"oneclick_echo\"",
        "attempt=1",
        "result_code=0",
        "http_status=200",
    ] {
        assert!(span.contains(field), "{field} in {span}");
    }
    let answer: Value = serde_json::from_slice(&verbose.stdout).unwrap();
    assert_eq!(answer["resultCode"], 0, "stdout stays the answer");

    let from_env = oneclick_with_rust_log(&args, request, Some("oneclick_runtime=info")).await;
    assert!(
        text(&from_env.stderr).contains("operation=\"oneclick_echo\""),
        "RUST_LOG alone turns the spans on: {}",
        text(&from_env.stderr)
    );
}

/// At the most verbose level, with every dependency's events on, a card payment and an API-key
/// call log nothing of the card, the keys or the secrets.
#[tokio::test]
async fn the_most_verbose_log_holds_no_secret() {
    let card =
        json!({"pan": PAN, "year": 2030, "month": 12, "card_holder": "JAN NOVAK", "cvv": "737"});
    let monetix =
        TestServer::start(|_| Reply::json(r#"{"status":"success","request_id":"r1"}"#)).await;
    let xpay = TestServer::start(|_| Reply::json(r#"{"contracts":[{"contractId":"C1"}]}"#)).await;
    for (gateway, operation, request, url, operation_id) in [
        (
            "monetix",
            "card-sale",
            monetix_card_sale(card.clone()).to_string(),
            monetix.url(""),
            "card_sale",
        ),
        (
            "xpay",
            "list-customer-contracts",
            r#"{"customerId":"mcid1"}"#.to_owned(),
            xpay.url(""),
            "list_customer_contracts",
        ),
    ] {
        let out = oneclick(
            &[
                "-vvv",
                gateway,
                operation,
                "--request",
                "-",
                "--base-url",
                &url,
            ],
            &request,
        )
        .await;
        let stderr = text(&out.stderr);
        assert_eq!(out.status.code(), Some(0), "{gateway}: {stderr}");
        assert!(
            stderr.contains(&format!("operation=\"{operation_id}\"")),
            "{gateway}: {stderr}"
        );
        for secret in [PAN, "\"737\"", "JAN NOVAK", "s3cr3t", "xpay-key"] {
            assert!(!stderr.contains(secret), "{gateway}: {secret} in {stderr}");
        }
        // A bare `737` turns up in the log's timestamps and ports by chance; a CVV that leaked
        // would come with its field name, in a body, a form or a message.
        assert!(
            !stderr.to_lowercase().contains("cvv"),
            "{gateway}: the CVV field in {stderr}"
        );
    }
}

#[tokio::test]
async fn output_json_is_one_line_everywhere_json_is_printed() {
    let server = TestServer::start(csob_echo_server()).await;
    let url = server.url("");
    let request = r#"{"origPayId":"0e92dd54b133@HA"}"#;
    for extra in [&[][..], &["--dry-run"]] {
        let args = [
            &[
                "csob",
                "oneclick-echo",
                "--output",
                "json",
                "--request",
                "-",
                "--base-url",
                &url,
            ][..],
            extra,
        ]
        .concat();
        let out = oneclick(&args, request).await;
        assert_eq!(out.status.code(), Some(0), "{}", text(&out.stderr));
        let printed = text(&out.stdout);
        assert_eq!(printed.lines().count(), 1, "{printed}");
        let value: Value = serde_json::from_str(&printed).unwrap();
        assert!(value.is_object(), "{printed}");
    }

    let rejected = TestServer::start(|_| {
        csob_answer(&oneclick_gateways::csob::schema::ONECLICK_ECHO, json!({"origPayId": "0e92dd54b133@HA", "dttm": "20220125131601", "resultCode": 700, "resultMessage": "Oneclick template not found"}))
    })
    .await;
    let out = oneclick(
        &[
            "--output",
            "json",
            "csob",
            "oneclick-echo",
            "--request",
            "-",
            "--base-url",
            &rejected.url(""),
        ],
        request,
    )
    .await;
    assert_eq!(out.status.code(), Some(3));
    let stderr = text(&out.stderr);
    let answer: Value = serde_json::from_str(stderr.lines().nth(1).unwrap_or_default())
        .unwrap_or_else(|e| panic!("{e}: {stderr}"));
    assert_eq!(answer["resultCode"], 700);
}

#[tokio::test]
async fn a_first_payment_from_the_command_line_against_the_simulator() {
    let simulator = oneclick_simulator::Simulator::start(Default::default())
        .await
        .unwrap();
    let base_url = simulator.url("/csob");
    let init = json!({
        "orderNo": "5547", "payOperation": "oneclickPayment", "totalAmount": 1789600,
        "currency": "CZK", "closePayment": false, "returnUrl": "https://shop.example.com/return",
        "returnMethod": "GET", "language": "cs", "customerId": "cust-0042",
        "cart": [{"name": "Wireless headphones", "quantity": 1, "amount": 1789600}]
    });
    let created = oneclick(
        &[
            "--output",
            "json",
            "csob",
            "payment-init",
            "--base-url",
            &base_url,
            "--request",
            "-",
        ],
        &init.to_string(),
    )
    .await;
    assert_eq!(created.status.code(), Some(0), "{}", text(&created.stderr));
    let answer: Value = serde_json::from_slice(&created.stdout).unwrap();
    let pay_id = answer["payId"].as_str().unwrap().to_owned();

    let process = oneclick(
        &[
            "csob",
            "payment-process",
            "--base-url",
            &base_url,
            "--request",
            "-",
        ],
        &json!({ "payId": pay_id }).to_string(),
    )
    .await;
    assert_eq!(process.status.code(), Some(0), "{}", text(&process.stderr));
    let url = text(&process.stdout);
    let prefix = format!(
        "{base_url}/payment/process/M1MIPS0000/{}/",
        pay_id.replace('@', "%40")
    );
    assert!(url.starts_with(&prefix) && url.ends_with('\n'), "{url}");
    assert_eq!(url.lines().count(), 1, "the URL alone: {url}");
    assert_eq!(
        simulator.csob_payments(),
        [(pay_id.clone(), 1)],
        "payment-process sends nothing"
    );

    let close = oneclick(
        &[
            "csob",
            "payment-close",
            "--base-url",
            &base_url,
            "--request",
            "-",
        ],
        &json!({ "payId": pay_id }).to_string(),
    )
    .await;
    assert_eq!(close.status.code(), Some(3), "not paid yet: 150");
    assert!(
        text(&close.stderr).contains("150"),
        "{}",
        text(&close.stderr)
    );
    let echo = oneclick(&["csob", "echo", "--base-url", &base_url], "").await;
    assert_eq!(echo.status.code(), Some(0), "{}", text(&echo.stderr));
}

/// Assist's orderresult with `ASSIST_SALT` set: an order whose check value is the vector's is
/// printed, one with a changed state is refused and exits non-zero; without the salt nothing
/// is checked.
#[tokio::test]
async fn assist_order_result_checks_each_order_with_the_salt_from_the_environment() {
    let answer = |state: &str| {
        json!({"orderresult": {"orders": [{"billnumber": "5960220000000001", "ordernumber": "A-1001", "orderamount": "10.00", "ordercurrency": "EUR", "orderstate": state, "checkdata": {"checkvalue": "4FEFB41721CAA3FEABC2A694822F6897"}}]}}).to_string()
    };
    let request = r#"{"Billnumber":"5960220000000001"}"#;
    for (state, salt, exit) in [
        ("Approved", Some("s4lt"), 0),
        ("Canceled", Some("s4lt"), 4),
        ("Canceled", None, 0),
    ] {
        let body = answer(state);
        let server = TestServer::start(move |_| Reply::json(body.clone())).await;
        let url = server.url("");
        let args = [
            "assist",
            "order-result",
            "--request",
            "-",
            "--base-url",
            &url,
        ];
        let env: Vec<(&str, &str)> = salt.map(|s| ("ASSIST_SALT", s)).into_iter().collect();
        let out = oneclick_with_env(&args, request, None, &env).await;
        assert_eq!(
            out.status.code(),
            Some(exit),
            "{state} {salt:?}: {}",
            text(&out.stderr)
        );
        assert!(
            !text(&out.stderr).contains("s4lt"),
            "the salt is never printed"
        );
    }
}

/// `oneclick assist verify-payment-notification` reads the raw form body: exit 0 only when its
/// check value verifies with `ASSIST_SALT` (the vectors' second result).
#[tokio::test]
async fn assist_payment_notification_exits_0_only_when_its_check_value_verifies() {
    let body = |state: &str| {
        format!(
            "merchant_id=452739&ordernumber=A-1001&billnumber=5960220000000001&orderamount=10.00&ordercurrency=EUR&orderstate={state}&packetdate=20260601&checkvalue=4FEFB41721CAA3FEABC2A694822F6897"
        )
    };
    let args = ["assist", "verify-payment-notification", "--request", "-"];
    for (state, salt, exit) in [
        ("Approved", Some("s4lt"), 0),
        ("Canceled", Some("s4lt"), 4),
        ("Approved", Some("another salt"), 4),
        ("Approved", None, 1),
    ] {
        let env: Vec<(&str, &str)> = salt.map(|s| ("ASSIST_SALT", s)).into_iter().collect();
        let out = oneclick_with_env(&args, &body(state), None, &env).await;
        assert_eq!(
            out.status.code(),
            Some(exit),
            "{state} {salt:?}: {}",
            text(&out.stderr)
        );
        assert!(
            !text(&out.stderr).contains("s4lt"),
            "the salt is never printed"
        );
    }
}

/// The XPay card-on-file lifecycle from the command line, against the simulator: order,
/// payment, the notification checked against its token, capture, refund, the operation read
/// back, a merchant-initiated payment.
#[tokio::test]
async fn xpay_lifecycle_from_the_command_line() {
    use oneclick_simulator::{Config, Simulator, xpay};
    let config = Config {
        xpay: xpay::Settings {
            api_key: Secret::new("xpay-key".to_owned()),
        },
        ..Config::default()
    };
    let simulator = Simulator::start(config).await.unwrap();
    let merchant = TestServer::start(|_| Reply::json("{}")).await;
    let base_url = simulator.url("/xpay");
    let run = |operation: &'static str, request: String| {
        let base_url = base_url.clone();
        async move {
            let out = oneclick(
                &[
                    "xpay",
                    operation,
                    "--request",
                    "-",
                    "--base-url",
                    &base_url,
                    "--output",
                    "json",
                ],
                &request,
            )
            .await;
            assert_eq!(
                out.status.code(),
                Some(0),
                "{operation}: {}",
                text(&out.stderr)
            );
            serde_json::from_slice::<Value>(&out.stdout).unwrap()
        }
    };
    let created = run(
        "create-hpp-order",
        json!({"order": {"orderId": "cli-1", "amount": "3000", "currency": "EUR", "customerId": "mcid-cli"},
            "paymentSession": {"actionType": "PAY", "amount": "3000", "resultUrl": "https://shop.example/r", "cancelUrl": "https://shop.example/c",
                "notificationUrl": merchant.url("/notify"),
                "recurrence": {"action": "CONTRACT_CREATION", "contractId": "C-cli", "contractType": "CIT"}}})
        .to_string(),
    )
    .await;
    let token = created["securityToken"].as_str().unwrap().to_owned();
    simulator.pay_xpay_order("cli-1").await.unwrap();
    let deadline = std::time::Instant::now() + std::time::Duration::from_secs(5);
    let notification = loop {
        if let Some(first) = merchant.received().into_iter().next() {
            break text(&first.body);
        }
        assert!(std::time::Instant::now() < deadline, "no notification");
        tokio::time::sleep(std::time::Duration::from_millis(10)).await;
    };

    let verify = |token: String| {
        let notification = notification.clone();
        async move {
            oneclick(
                &[
                    "xpay",
                    "verify-notification",
                    "--request",
                    "-",
                    "--token",
                    &token,
                    "--output",
                    "json",
                ],
                &notification,
            )
            .await
        }
    };
    let verified = verify(token.clone()).await;
    assert_eq!(
        verified.status.code(),
        Some(0),
        "{}",
        text(&verified.stderr)
    );
    let event: Value = serde_json::from_slice(&verified.stdout).unwrap();
    assert_eq!(event["operation"]["operationType"], "AUTHORIZATION");
    assert_eq!(
        event["operation"]["additionalData"]["cardExpiryDate"], "***",
        "card data is hidden"
    );
    let refused = verify(format!("x{}", &token[1..])).await;
    assert_eq!(refused.status.code(), Some(4), "{}", text(&refused.stderr));
    assert!(refused.stdout.is_empty());

    let authorization = event["operation"]["operationId"]
        .as_str()
        .unwrap()
        .to_owned();
    let money = |amount: &str| {
        json!({"operationId": authorization, "amount": amount, "currency": "EUR"}).to_string()
    };
    let captured = run("capture-operation", money("3000")).await;
    assert!(captured["operationId"].is_string(), "{captured}");
    let refunded = run("refund-operation", money("1000")).await;
    let operation = run(
        "get-operation",
        json!({"operationId": refunded["operationId"]}).to_string(),
    )
    .await;
    assert_eq!(operation["operationType"], "REFUND");
    assert_eq!(operation["operationAmount"], "1000");
    let charged = run(
        "create-mit-order",
        json!({"order": {"orderId": "cli-2", "amount": "500", "currency": "EUR", "customerId": "mcid-cli"}, "contractId": "C-cli"})
            .to_string(),
    )
    .await;
    assert_eq!(charged["operation"]["operationResult"], "EXECUTED");

    let invalid = oneclick(
        &[
            "xpay",
            "capture-operation",
            "--request",
            "-",
            "--base-url",
            &base_url,
        ],
        &money("30.00"),
    )
    .await;
    assert_eq!(invalid.status.code(), Some(2), "nothing is sent");
    assert!(
        text(&invalid.stderr).contains("/amount"),
        "{}",
        text(&invalid.stderr)
    );
}

/// A Monetix merchant's refund, capture and cancel from the command line against the
/// simulator, each callback checked with `verify-callback`, which shows what operation it
/// reports on.
#[tokio::test]
async fn monetix_after_the_sale_from_the_command_line() {
    use oneclick_simulator::outcomes::Outcome;
    let merchant = TestServer::start(|_| Reply::json("{}")).await;
    let mut config = oneclick_simulator::Config::default();
    config.monetix.callback_url = Some(merchant.url("/callback"));
    let simulator = oneclick_simulator::Simulator::start(config).await.unwrap();
    let base_url = simulator.url("/monetix");
    let run = |operation: &'static str, request: Value| {
        let base_url = base_url.clone();
        async move {
            oneclick(
                &[
                    "monetix",
                    operation,
                    "--request",
                    "-",
                    "--base-url",
                    &base_url,
                    "--output",
                    "json",
                ],
                &request.to_string(),
            )
            .await
        }
    };
    let callback = |count: usize| {
        let merchant = &merchant;
        async move {
            for _ in 0..300 {
                if let Some(received) = merchant.received().get(count - 1) {
                    return text(&received.body);
                }
                tokio::time::sleep(std::time::Duration::from_millis(10)).await;
            }
            panic!("no callback number {count}");
        }
    };
    let verified_operation = |raw: String| async move {
        let out = oneclick(
            &[
                "monetix",
                "verify-callback",
                "--request",
                "-",
                "--output",
                "json",
            ],
            &raw,
        )
        .await;
        assert_eq!(out.status.code(), Some(0), "{}", text(&out.stderr));
        let shown: Value = serde_json::from_slice(&out.stdout).unwrap();
        (
            shown["operation"]["type"].as_str().unwrap().to_owned(),
            shown["payment"]["status"].as_str().unwrap().to_owned(),
        )
    };
    let sale = |payment_id: &str| {
        json!({"general": {"payment_id": payment_id}, "customer": {"id": "c", "ip_address": "10.0.0.1"},
               "payment": {"amount": 1000, "currency": "EUR"}, "return_url": {}, "token": "t"})
    };

    assert_eq!(run("card-sale", sale("cli-1")).await.status.code(), Some(0));
    verified_operation(callback(1).await).await;
    let refund = |amount: i64, id: &str| {
        json!({"general": {"payment_id": "cli-1"},
               "payment": {"amount": amount, "currency": "EUR", "description": "Returned", "merchant_refund_id": id}})
    };
    let out = run("card-refund", refund(400, "r1")).await;
    assert_eq!(out.status.code(), Some(0), "{}", text(&out.stderr));
    let ack: Value = serde_json::from_slice(&out.stdout).unwrap();
    assert_eq!(ack["status"], "success");
    assert_eq!(
        verified_operation(callback(2).await).await,
        ("refund".to_owned(), "partially refunded".to_owned())
    );
    let out = run("card-refund", refund(601, "r2")).await;
    assert_eq!(out.status.code(), Some(3), "refused: {}", text(&out.stderr));
    assert!(out.stdout.is_empty());

    simulator.queue_outcome("monetix", Outcome::Hold, 2);
    run("card-sale", sale("cli-2")).await;
    run("card-sale", sale("cli-3")).await;
    callback(4).await;
    let held = |payment_id: &str| json!({"general": {"payment_id": payment_id}, "payment": {"amount": 1000, "currency": "EUR"}});
    assert_eq!(
        run("card-capture", held("cli-2")).await.status.code(),
        Some(0)
    );
    assert_eq!(
        verified_operation(callback(5).await).await,
        ("capture".to_owned(), "success".to_owned())
    );
    assert_eq!(
        run("card-cancel", held("cli-3")).await.status.code(),
        Some(0)
    );
    assert_eq!(
        verified_operation(callback(6).await).await,
        ("cancel".to_owned(), "canceled".to_owned())
    );

    let invalid = oneclick(
        &[
            "monetix",
            "card-refund",
            "--request",
            "-",
            "--base-url",
            &base_url,
        ],
        &json!({"general": {"payment_id": "cli-1", "merchant_callback_url": "nowhere"},
                "payment": {"amount": 0, "currency": "EUR", "description": "x"}})
        .to_string(),
    )
    .await;
    assert_eq!(invalid.status.code(), Some(2));
    let complaint = text(&invalid.stderr);
    assert!(complaint.contains("/payment/amount"), "{complaint}");
    assert!(
        complaint.contains("/general/merchant_callback_url"),
        "{complaint}"
    );
}

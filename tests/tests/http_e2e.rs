//! The HTTP surface beside the body, over loopback HTTP: each method, query fields
//! percent-encoded in spec order, header fields as request headers, no body for a GET or a
//! DELETE, headers built from credentials (HTTP Basic, a bearer token, a prefixed login, a
//! constant), environments with per-merchant URL variables; and dry runs and `PreparedRequest`
//! that mask sensitive query and header values.

use oneclick_http::schema::{DELETE_PLAN, FIND_PLANS, GATEWAY};
use oneclick_http::{
    Client, Credentials, DeletePlanRequest, Environment, FindPlansRequest, IfMatch,
    OpenCheckoutRequest, OpenReceiptRequest, Plan, PlanId, PlanName, RenamePlanRequest,
    ReplacePlanRequest, XApprovalCode,
};
use oneclick_runtime::{Engine, Secret};
use oneclick_tests::{Received, Reply, TestServer};
use serde_json::json;

const API_KEY: &str = "live-key-9c1e";
const APPROVAL_CODE: &str = "otp-553201";
const CUSTOMER_TOKEN: &str = "cust tok/7+=";
const LOGIN: &str = "shop-17";
const PASSWORD: &str = "pa:ss wörd";
const TOKEN: &str = "eyJhbGciOi.access-4411";

fn client(server: &TestServer) -> Client {
    Client::new(
        Environment::Custom(server.url("")),
        Credentials::new(API_KEY, LOGIN, PASSWORD, TOKEN),
    )
    .unwrap()
}

fn engine(server: &TestServer) -> Engine {
    let credentials = oneclick_runtime::Credentials {
        values: vec![
            ("api_key", Secret::new(API_KEY.into())),
            ("login", Secret::new(LOGIN.into())),
            ("password", Secret::new(PASSWORD.into())),
            ("token", Secret::new(TOKEN.into())),
        ],
        keys: vec![],
    };
    Engine::new(&GATEWAY, &server.url(""), credentials).unwrap()
}

fn plan_id() -> PlanId {
    PlanId::try_from("p/1 x").unwrap()
}

fn only(server: &TestServer) -> Received {
    let received = server.received();
    assert_eq!(received.len(), 1);
    received.into_iter().next().unwrap()
}

#[tokio::test]
async fn a_get_sends_its_query_in_spec_order_and_no_body() {
    let server = TestServer::start(|_| Reply::json(json!({"count": 2}).to_string())).await;
    let mut request = FindPlansRequest::new("gold & silver".try_into().unwrap());
    request.customer_token = Some(CUSTOMER_TOKEN.try_into().unwrap());
    assert_eq!(client(&server).find_plans(&request).await.unwrap().count, 2);
    let sent = only(&server);
    assert_eq!(sent.method, "GET");
    // `page` is absent and left out; `customer_token` keeps its place after it.
    assert_eq!(
        sent.target,
        "/plans?query=gold%20%26%20silver&customer_token=cust%20tok%2F7%2B%3D"
    );
    assert!(sent.body.is_empty());
    assert_eq!(sent.header("X-Api-Key"), Some(API_KEY));
    assert_eq!(sent.header("X-Api-Version"), Some("2024-06-01"));
    // RFC 7617: Base64 of "shop-17:pa:ss wörd", the password's UTF-8 bytes as they are.
    assert_eq!(
        sent.header("Authorization"),
        Some("Basic c2hvcC0xNzpwYTpzcyB3w7ZyZA==")
    );
}

#[tokio::test]
async fn a_put_sends_header_fields_as_headers_and_the_rest_as_its_body() {
    let server = TestServer::start(|_| Reply::json(json!({"version": "v2"}).to_string())).await;
    let plan = Plan::new(
        PlanName::try_from("Gold").unwrap(),
        1990.try_into().unwrap(),
    );
    let request = ReplacePlanRequest::new(plan_id(), IfMatch::try_from("\"v1\"").unwrap(), plan);
    let answer = client(&server).replace_plan(&request).await.unwrap();
    assert_eq!(answer.version, "v2");
    let sent = only(&server);
    assert_eq!(sent.method, "PUT");
    assert_eq!(sent.target, "/plans/p%2F1%20x");
    assert_eq!(sent.header("If-Match"), Some("\"v1\""));
    assert_eq!(
        sent.header("Authorization"),
        Some("Bearer eyJhbGciOi.access-4411")
    );
    assert_eq!(
        sent.json(),
        json!({"plan": {"name": "Gold", "amount": 1990}})
    );
}

#[tokio::test]
async fn a_patch_sends_a_boolean_query_field() {
    let server = TestServer::start(|_| Reply::json(json!({"version": "v3"}).to_string())).await;
    let mut request = RenamePlanRequest::new(plan_id(), PlanName::try_from("Platinum").unwrap());
    request.notify = Some(false);
    client(&server).rename_plan(&request).await.unwrap();
    let sent = only(&server);
    assert_eq!(sent.method, "PATCH");
    assert_eq!(sent.target, "/plans/p%2F1%20x?notify=false");
    assert_eq!(sent.json(), json!({"name": "Platinum"}));
}

#[tokio::test]
async fn an_answer_about_another_plan_is_not_this_call_s_answer() {
    let rename = || RenamePlanRequest::new(plan_id(), PlanName::try_from("Platinum").unwrap());
    let server = TestServer::start(|_| {
        Reply::json(json!({"plan_id": "p/1 x", "version": "v3"}).to_string())
    })
    .await;
    let renamed = client(&server).rename_plan(&rename()).await.unwrap();
    assert_eq!(renamed.plan_id.as_deref(), Some("p/1 x"));

    let server =
        TestServer::start(|_| Reply::json(json!({"plan_id": "p2", "version": "v3"}).to_string()))
            .await;
    let err = client(&server).rename_plan(&rename()).await.unwrap_err();
    assert!(
        matches!(
            err,
            oneclick_http::Error::ForeignAnswer {
                operation: "rename_plan",
                field: "plan_id"
            }
        ),
        "{err:?}"
    );
    assert!(!err.to_string().contains("p2"), "{err}");
}

#[tokio::test]
async fn a_delete_sends_no_body() {
    let server = TestServer::start(|_| Reply::json(json!({"deleted": true}).to_string())).await;
    let mut request =
        DeletePlanRequest::new(plan_id(), XApprovalCode::try_from(APPROVAL_CODE).unwrap());
    request.reason = Some("customer asked".try_into().unwrap());
    assert!(client(&server).delete_plan(&request).await.unwrap().deleted);
    let sent = only(&server);
    assert_eq!(sent.method, "DELETE");
    assert_eq!(sent.target, "/plans/p%2F1%20x?reason=customer%20asked");
    assert_eq!(sent.header("X-Approval-Code"), Some(APPROVAL_CODE));
    assert_eq!(sent.header("X-Merchant"), Some("Login shop-17"));
    assert!(sent.body.is_empty());
    assert_eq!(sent.header("Content-Type"), None);
}

#[tokio::test]
async fn a_header_value_with_a_line_break_is_refused_and_nothing_is_sent() {
    let server = TestServer::start(|_| Reply::json(json!({"deleted": true}).to_string())).await;
    let request = json!({"plan_id": "p1", "X-Approval-Code": "1\r\nX-Admin: 1"});
    let error = engine(&server)
        .call_value(&DELETE_PLAN, request)
        .await
        .unwrap_err();
    assert!(error.to_string().contains("/X-Approval-Code"), "{error}");
    assert!(server.received().is_empty(), "nothing was sent");
}

#[tokio::test]
async fn dry_runs_and_prepared_requests_mask_sensitive_query_and_header_values() {
    let server = TestServer::start(|_| Reply::json("{}")).await;
    let engine = engine(&server);

    let find = json!({"query": "gold", "customer_token": CUSTOMER_TOKEN});
    let dry = engine.dry_run(&FIND_PLANS, &find).unwrap();
    assert_eq!(
        dry.url,
        format!("{}/plans?query=gold&customer_token=***", server.url(""))
    );
    let prepared = engine.prepare(&FIND_PLANS, &find).unwrap();
    assert!(
        prepared
            .url
            .ends_with("customer_token=cust%20tok%2F7%2B%3D")
    );
    for shown in [
        format!("{prepared}"),
        format!("{prepared:?}"),
        format!("{dry:?}"),
    ] {
        assert!(!shown.contains("cust%20tok"), "{shown}");
        assert!(!shown.contains(CUSTOMER_TOKEN), "{shown}");
        assert!(!shown.contains(API_KEY), "{shown}");
    }

    let delete = json!({"plan_id": "p1", "X-Approval-Code": APPROVAL_CODE, "reason": "fraud"});
    let dry = engine.dry_run(&DELETE_PLAN, &delete).unwrap();
    assert_eq!(
        dry.headers,
        [
            ("X-Api-Key", "***".to_owned()),
            ("X-Api-Version", "2024-06-01".to_owned()),
            ("X-Merchant", "Login shop-17".to_owned()),
            ("X-Approval-Code", "***".to_owned())
        ]
    );
    assert_eq!(dry.body, None);
    let prepared = engine.prepare(&DELETE_PLAN, &delete).unwrap();
    assert_eq!(
        prepared.headers,
        [("X-Approval-Code", APPROVAL_CODE.to_owned())]
    );
    assert_eq!(
        format!("{prepared}"),
        format!(
            "DELETE {}/plans/p1?reason=fraud\nX-Approval-Code: ***",
            server.url("")
        )
    );
    assert!(!format!("{prepared:?}").contains(APPROVAL_CODE));
    assert!(server.received().is_empty(), "nothing was sent");
}

#[tokio::test]
async fn a_gateway_that_echoes_the_authorization_header_has_it_scrubbed() {
    let server = TestServer::start(|request| {
        let echoed = format!(
            "refused {} {}",
            request.header("Authorization").unwrap_or_default(),
            request.header("X-Api-Key").unwrap_or_default()
        );
        Reply::Status(401, echoed)
    })
    .await;
    let request = FindPlansRequest::new("gold".try_into().unwrap());
    let error = client(&server).find_plans(&request).await.unwrap_err();
    let oneclick_http::Error::Http { body, .. } = &error else {
        panic!("{error:?}");
    };
    assert_eq!(body, "refused *** ***");
}

#[tokio::test]
async fn an_environment_url_is_built_from_the_merchant_s_values() {
    let server = TestServer::start(|_| Reply::json(json!({"count": 0}).to_string())).await;
    let base = server.url("");
    let port = base.rsplit(':').next().unwrap().to_owned();
    let environment = Environment::Loopback {
        port,
        tenant: "cz".to_owned(),
    };
    let client = Client::new(
        environment,
        Credentials::new(API_KEY, LOGIN, PASSWORD, TOKEN),
    )
    .unwrap();
    let request = FindPlansRequest::new("gold".try_into().unwrap());
    client.find_plans(&request).await.unwrap();
    assert_eq!(only(&server).target, "/cz/plans?query=gold");

    let production = Environment::Production {
        merchant_host: "shop-7".to_owned(),
    };
    assert_eq!(
        production.base_url().unwrap(),
        "https://shop-7.gateway.example/api"
    );
}

#[test]
fn a_url_variable_that_would_change_host_or_path_is_refused() {
    for host in [
        "",
        "evil.example/",
        "evil.example?",
        "evil.example#",
        "me@evil.example",
        "a b",
    ] {
        let environment = Environment::Production {
            merchant_host: host.to_owned(),
        };
        let credentials = Credentials::new(API_KEY, LOGIN, PASSWORD, TOKEN);
        let error = Client::new(environment, credentials).unwrap_err();
        assert!(
            matches!(error, oneclick_http::Error::Config(_)),
            "{host}: {error:?}"
        );
    }
}

#[test]
fn a_redirect_keeps_its_query_fields_in_the_url_and_masks_the_sensitive_one() {
    let client = Client::new(
        Environment::Custom("https://pay.example".to_owned()),
        Credentials::new(API_KEY, LOGIN, PASSWORD, TOKEN),
    )
    .unwrap();
    let session = "sess-8f2a/71";
    let mut request = OpenCheckoutRequest::new(session.try_into().unwrap(), plan_id());
    request.lang = Some("cs".try_into().unwrap());
    let form = client.open_checkout(&request).unwrap();
    assert_eq!(
        form.url,
        "https://pay.example/checkout?lang=cs&session=sess-8f2a%2F71"
    );
    assert_eq!(
        form.to_url(),
        "https://pay.example/checkout?lang=cs&session=sess-8f2a%2F71&plan_id=p%2F1%20x"
    );
    let shown = format!("{form:?}");
    assert!(
        shown.contains("https://pay.example/checkout?lang=cs&session=***"),
        "{shown}"
    );
    assert!(!shown.contains("sess-8f2a"), "{shown}");
}

#[test]
fn a_get_redirect_is_its_url_and_a_request_preset_fills_its_values() {
    let client = Client::new(
        Environment::Custom("https://pay.example".to_owned()),
        Credentials::new(API_KEY, LOGIN, PASSWORD, TOKEN),
    )
    .unwrap();
    let printable = OpenReceiptRequest::printable(PlanId::try_from("p/1").unwrap());
    assert_eq!(printable.print, Some(true));
    assert_eq!(
        client.open_receipt_url(&printable).unwrap(),
        "https://pay.example/receipts/p%2F1?print=true"
    );
    let plain = OpenReceiptRequest::new(PlanId::try_from("p2").unwrap());
    assert_eq!(
        client.open_receipt_url(&plain).unwrap(),
        client.open_receipt(&plain).unwrap().to_url()
    );
    assert_eq!(
        client.open_receipt_url(&plain).unwrap(),
        "https://pay.example/receipts/p2"
    );
}

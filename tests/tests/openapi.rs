//! The OpenAPI documents (`openapi/*.json`): each is a valid OpenAPI 3.1 document under the
//! official schema (vendored in `tests/openapi-schema/`), every schema in it is valid JSON
//! Schema 2020-12, and every example of the spec is exported and fits its schema.

use std::path::{Path, PathBuf};

use oneclick_codegen::workspace;
use serde_json::{Value, json};

fn root() -> PathBuf {
    let here = std::env::current_dir().unwrap();
    workspace::find_root(&here).unwrap_or_else(|| panic!("no checkout around {}", here.display()))
}

fn read_json(path: &Path) -> Value {
    let text = std::fs::read_to_string(path).unwrap_or_else(|e| panic!("{}: {e}", path.display()));
    serde_json::from_str(&text).unwrap_or_else(|e| panic!("{}: {e}", path.display()))
}

/// Every gateway, with its document.
fn documents() -> Vec<(oneclick_codegen::ir::Gateway, Value)> {
    let root = root();
    workspace::targets(&root)
        .into_iter()
        .filter(workspace::Target::is_gateway)
        .map(|target| {
            let gateway =
                oneclick_codegen::load(&root.join(&target.spec), &target.spec.to_string_lossy())
                    .unwrap_or_else(|d| panic!("{d}"));
            let document = read_json(&root.join(oneclick_codegen::openapi::file_name(&gateway)));
            (gateway, document)
        })
        .collect()
}

#[test]
fn every_gateway_has_a_valid_openapi_3_1_document() {
    let schema = read_json(&root().join("tests/openapi-schema/schema.json"));
    let validator = jsonschema::draft202012::new(&schema).unwrap();
    let documents = documents();
    assert_eq!(documents.len(), 4);
    for (gateway, document) in documents {
        let errors: Vec<String> = validator
            .iter_errors(&document)
            .map(|e| format!("{}: {e}", e.instance_path()))
            .collect();
        assert!(errors.is_empty(), "{}: {errors:#?}", gateway.name);
        assert_eq!(document["openapi"], "3.1.0");
    }
}

#[test]
fn every_component_schema_is_valid_json_schema() {
    for (gateway, document) in documents() {
        let schemas = document["components"]["schemas"].as_object().unwrap();
        assert!(!schemas.is_empty(), "{}", gateway.name);
        for (name, schema) in schemas {
            assert!(
                jsonschema::draft202012::meta::is_valid(schema),
                "{}: {name}",
                gateway.name
            );
        }
    }
}

/// An example of the document: where it is, its value, and the schema it must fit.
struct Exported {
    /// A signing vector: the message before the client adds its signature.
    unsigned: bool,
    place: String,
    name: String,
    value: Value,
    schema: Value,
}

fn exported_examples(document: &Value) -> Vec<Exported> {
    let mut found = Vec::new();
    let items = ["paths", "webhooks"]
        .iter()
        .filter_map(|key| document[key].as_object())
        .flat_map(|items| items.iter());
    for (path, item) in items {
        for (method, operation) in item.as_object().unwrap() {
            let place = format!("{method} {path}");
            for parameter in operation["parameters"].as_array().into_iter().flatten() {
                // A parameter holding JSON text describes it under `content`.
                let described = parameter["content"]
                    .as_object()
                    .and_then(|content| content.values().next())
                    .unwrap_or(parameter);
                for (name, example) in described["examples"].as_object().into_iter().flatten() {
                    found.push(Exported {
                        unsigned: false,
                        place: format!("{place} parameter {}", parameter["name"]),
                        name: name.clone(),
                        value: example["value"].clone(),
                        schema: described["schema"].clone(),
                    });
                }
            }
            let bodies = std::iter::once(&operation["requestBody"])
                .chain(operation["responses"].as_object().unwrap().values());
            for body in bodies {
                for media in body["content"]
                    .as_object()
                    .into_iter()
                    .flatten()
                    .map(|(_, m)| m)
                {
                    for (name, example) in media["examples"].as_object().into_iter().flatten() {
                        found.push(Exported {
                            unsigned: example["x-oneclick-unsigned"] == true,
                            place: place.clone(),
                            name: name.clone(),
                            value: example["value"].clone(),
                            schema: media["schema"].clone(),
                        });
                    }
                }
            }
        }
    }
    found
}

#[test]
fn every_spec_example_is_exported_and_fits_its_schema() {
    for (gateway, document) in documents() {
        let exported = exported_examples(&document);
        let spec_examples = gateway
            .operations
            .iter()
            .flat_map(|o| &o.examples)
            .chain(gateway.callbacks.iter().flat_map(|c| &c.examples));
        for example in spec_examples {
            assert!(
                exported.iter().any(|e| e.name == example.name),
                "{}: example {} is not in the document",
                gateway.name,
                example.name
            );
        }
        for example in exported {
            let errors = misfits(&gateway, &document, &example);
            assert!(
                errors.is_empty(),
                "{}: {} {}: {errors:#?}",
                gateway.name,
                example.place,
                example.name
            );
        }
    }
}

/// Where an example does not fit its schema. A signing vector may lack only the signatures.
fn misfits(
    gateway: &oneclick_codegen::ir::Gateway,
    document: &Value,
    example: &Exported,
) -> Vec<String> {
    let mut schema = example.schema.clone();
    schema["components"] = document["components"].clone();
    let validator = jsonschema::draft202012::new(&schema).unwrap();
    validator
        .iter_errors(&example.value)
        .map(|e| format!("{}: {e}", e.instance_path()))
        .filter(|error| {
            let missing_signature = error
                .strip_prefix(": \"")
                .and_then(|rest| rest.strip_suffix("\" is a required property"))
                .is_some_and(|field| gateway.is_signature_field(field));
            !(example.unsigned && missing_signature)
        })
        .collect()
}

/// The document of every focused test spec: valid like the gateways', so each corner of the
/// spec language (recipes, encodings, rules, every constraint) is exported validly.
fn focused_documents() -> Vec<(oneclick_codegen::ir::Gateway, Value)> {
    let root = root();
    workspace::targets(&root)
        .into_iter()
        .filter(|t| !t.is_gateway())
        .map(|target| {
            let gateway =
                oneclick_codegen::load(&root.join(&target.spec), &target.spec.to_string_lossy())
                    .unwrap_or_else(|d| panic!("{d}"));
            let document = oneclick_codegen::openapi::document(&gateway);
            (gateway, document)
        })
        .collect()
}

#[test]
fn every_focused_spec_exports_a_valid_document() {
    let schema = read_json(&root().join("tests/openapi-schema/schema.json"));
    let validator = jsonschema::draft202012::new(&schema).unwrap();
    let documents = focused_documents();
    assert!(documents.len() >= 10);
    for (gateway, document) in documents {
        let name = &gateway.name;
        let errors: Vec<String> = validator
            .iter_errors(&document)
            .map(|e| format!("{}: {e}", e.instance_path()))
            .collect();
        assert!(errors.is_empty(), "{name}: {errors:#?}");
        for (type_name, schema) in document["components"]["schemas"].as_object().unwrap() {
            assert!(
                jsonschema::draft202012::meta::is_valid(schema),
                "{name}: {type_name}"
            );
        }
        for example in exported_examples(&document) {
            let errors = misfits(&gateway, &document, &example);
            assert!(
                errors.is_empty(),
                "{name}: {} {}: {errors:#?}",
                example.place,
                example.name
            );
        }
    }
}

/// The `payment_init` request of `tests/specs/constraints2.yaml` and its document's components.
fn constraints2_request() -> (Value, Value) {
    let (_, document) = focused_documents()
        .into_iter()
        .find(|(gateway, _)| gateway.name == "constraints2")
        .unwrap();
    let mut schema = json!({ "$ref": "#/components/schemas/PaymentInitRequest" });
    schema["components"] = document["components"].clone();
    let request = document["components"]["schemas"]["PaymentInitRequest"].clone();
    (schema, request)
}

#[test]
fn list_and_map_limits_become_json_schema_keywords() {
    let (_, request) = constraints2_request();
    let properties = &request["properties"];
    assert_eq!(properties["cart"]["minItems"], 1);
    assert_eq!(properties["cart"]["maxItems"], 2);
    let data = &properties["merchantData"];
    assert_eq!(data["maxProperties"], 3);
    assert_eq!(data["propertyNames"]["maxLength"], 10);
    assert_eq!(data["additionalProperties"]["maxLength"], 20);
    assert_eq!(properties["accountNo"]["pattern"], "^-?[0-9]+$");
    assert_eq!(properties["lineIds"]["type"], "string");
    assert_eq!(
        properties["lineIds"]["x-oneclick-comma-list"]["type"],
        "integer"
    );
    assert!(
        request["x-oneclick-rules"]
            .as_array()
            .unwrap()
            .iter()
            .any(|rule| rule.get("sum").is_some())
    );
}

#[test]
fn a_value_past_a_limit_fails_the_exported_schema() {
    let (schema, request) = constraints2_request();
    let validator = jsonschema::draft202012::new(&schema).unwrap();
    let required: Vec<&str> = request["required"]
        .as_array()
        .unwrap()
        .iter()
        .filter_map(Value::as_str)
        .collect();
    assert!(required.contains(&"cart"));
    let too_many = json!({ "a": "1", "b": "2", "c": "3", "d": "4" });
    let long_key = json!({ "a_much_longer_key": "1" });
    for bad in [too_many, long_key] {
        let errors: Vec<String> = validator
            .iter_errors(&json!({ "merchantData": bad }))
            .map(|e| e.instance_path().to_string())
            .collect();
        assert!(
            errors.iter().any(|path| path.starts_with("/merchantData")),
            "{errors:?}"
        );
    }
}

/// The operation `id` of a document, wherever it is.
fn operation<'d>(document: &'d Value, id: &str) -> &'d Value {
    ["paths", "webhooks"]
        .iter()
        .filter_map(|key| document[key].as_object())
        .flat_map(|items| items.values())
        .flat_map(|item| item.as_object().unwrap().values())
        .find(|operation| operation["operationId"] == id)
        .unwrap_or_else(|| panic!("no operation {id}"))
}

#[test]
fn encodings_choose_media_types_parameters_and_methods() {
    let (_, document) = focused_documents()
        .into_iter()
        .find(|(gateway, _)| gateway.name == "encodings")
        .unwrap();
    let find_order = operation(&document, "find_order");
    assert!(find_order.get("requestBody").is_none());
    assert!(
        find_order["parameters"]
            .as_array()
            .unwrap()
            .iter()
            .all(|p| p["in"] == "query" || p["in"] == "header")
    );
    let cancel = operation(&document, "cancel_order");
    assert!(cancel["requestBody"]["content"]["application/x-www-form-urlencoded"].is_object());
    assert_eq!(
        cancel["responses"]["200"]["content"]["text/plain"]["schema"]["const"],
        "[accepted]"
    );
    assert!(
        operation(&document, "forget_card")["responses"]["200"]
            .get("content")
            .is_none()
    );
    let holder = &operation(&document, "holder")["responses"]["200"]["content"];
    assert!(holder["application/json; charset=windows-1250"].is_object());
    assert!(
        operation(&document, "payment_notice")["requestBody"]["content"]
            ["application/x-www-form-urlencoded"]
            .is_object()
    );
    assert!(document["webhooks"]["customer_return"]["get"]["parameters"].is_array());
}

/// The document of the focused spec `name`.
fn focused_document(name: &str) -> Value {
    focused_documents()
        .into_iter()
        .find(|(gateway, _)| gateway.name == name)
        .map(|(_, document)| document)
        .unwrap_or_else(|| panic!("no focused spec {name}"))
}

/// The meaning the document gives a code of a result declaration.
fn meaning_of(result: &Value, code: Value) -> &Value {
    &result["codes"]
        .as_array()
        .unwrap()
        .iter()
        .find(|c| c["code"] == code)
        .unwrap_or_else(|| panic!("no code {code}"))["means"]
}

#[test]
fn result_codes_say_what_they_mean_for_the_gateway_each_operation_and_each_callback() {
    let document = focused_document("results");
    let gateway = &document["x-oneclick-result"];
    assert_eq!(gateway["code_field"], "status");
    assert_eq!(meaning_of(gateway, json!("APPROVED")), "success");
    assert_eq!(meaning_of(gateway, json!("PENDING")), "pending");
    assert_eq!(meaning_of(gateway, json!("DECLINED")), "failure");
    assert_eq!(gateway["secondary"]["field"], "code");
    assert_eq!(meaning_of(&gateway["secondary"], json!(51)), "failure");

    let pay = operation(&document, "pay");
    assert!(
        pay.get("x-oneclick-result").is_none(),
        "the gateway's applies"
    );
    assert_eq!(pay["x-oneclick-retryable-result-codes"], json!(["RETRY"]));
    let answer = pay["responses"]["200"]["description"].as_str().unwrap();
    assert!(answer.contains("success with \"APPROVED\""), "{answer}");
    assert!(
        answer.contains("pending (decided later) with \"PENDING\""),
        "{answer}"
    );
    assert!(answer.contains("any other code is a failure"), "{answer}");

    let refund = operation(&document, "refund");
    assert_eq!(refund["x-oneclick-result"]["code_field"], "resultCode");
    assert_eq!(
        meaning_of(&refund["x-oneclick-result"], json!(7)),
        "failure"
    );
    let answer = refund["responses"]["200"]["description"].as_str().unwrap();
    assert!(
        answer.contains("`resultCode` says the outcome: success with 0;"),
        "{answer}"
    );

    let payment_result = operation(&document, "payment_result");
    assert_eq!(payment_result["x-oneclick-result"], *gateway);
    let refund_result = operation(&document, "refund_result");
    assert_eq!(refund_result["x-oneclick-result"]["code_field"], "state");
    assert_eq!(
        meaning_of(&refund_result["x-oneclick-result"], json!("waiting")),
        "pending"
    );
    let described = refund_result["description"].as_str().unwrap();
    assert!(
        described.contains("`state` says the outcome"),
        "{described}"
    );
}

#[test]
fn error_bodies_are_the_responses_of_their_statuses_and_fit_only_their_shape() {
    let document = focused_document("results");
    let responses = &operation(&document, "pay")["responses"];
    let fits = |status: &str, body: &Value| {
        let mut schema = responses[status]["content"]["application/json"]["schema"].clone();
        assert!(schema.is_object(), "no error body at {status}");
        schema["components"] = document["components"].clone();
        jsonschema::draft202012::new(&schema)
            .unwrap()
            .is_valid(body)
    };
    let wrapped = json!({ "error": { "code": "E1", "message": "Bad order.", "detail": "order" } });
    let listed = json!({ "errors": [{ "code": 4, "message": "No." }] });
    let whole_list = json!([{ "code": "E2", "message": "Busy." }]);
    let flat = json!({ "error_code": 5, "error_message": "Denied." });
    let answer = json!({ "status": "APPROVED" });
    for status in ["400", "422"] {
        assert!(fits(status, &wrapped), "{status}");
        assert!(!fits(status, &json!({ "error": "text" })), "{status}");
    }
    assert!(fits("409", &whole_list));
    assert!(!fits("409", &json!([])), "an empty list is an answer");
    assert!(
        !fits("409", &json!([{ "message": "x" }])),
        "items need a code"
    );
    for status in ["401", "403"] {
        assert!(fits(status, &flat), "{status}");
        assert!(!fits(status, &answer), "{status}");
    }
    // A body declared without statuses comes with any status, the answer's own included.
    assert!(fits("default", &listed));
    assert!(
        fits("default", &json!({ "errors": ["Busy."] })),
        "any item is read"
    );
    assert!(!fits("default", &json!({ "errors": "Busy." })));
    assert!(fits("400", &listed));
    assert_eq!(responses["200"]["x-oneclick-errors"], json!([1]));
    let declared = &document["x-oneclick-errors"];
    assert_eq!(declared[0]["shape"], "wrapped");
    assert_eq!(declared[0]["detail"], "detail");
    assert_eq!(declared[2]["http_status"], json!([409]));
    assert!(declared[2].get("field").is_none());
    assert!(
        responses["401"]["content"]["application/json"]["schema"]["anyOf"]
            .as_array()
            .unwrap()
            .contains(&json!({ "$ref": "#/components/schemas/Error.3" }))
    );
}

#[test]
fn also_at_answer_matches_and_result_by_are_extensions() {
    let answers = focused_document("answers");
    let schemas = answers["components"]["schemas"].as_object().unwrap();
    assert!(
        schemas
            .values()
            // An optional answer field may also be null.
            .any(
                |s| s["properties"]["events"]["anyOf"][0]["x-oneclick-also-at"]
                    == "status.detail.events"
            ),
        "no also_at"
    );
    let documents = documents();
    let document = |name: &str| {
        &documents
            .iter()
            .find(|(gateway, _)| gateway.name == name)
            .unwrap()
            .1
    };
    let csob = document("csob");
    assert_eq!(
        operation(csob, "payment_refund")["x-oneclick-answer-matches"],
        json!(["payId"])
    );
    let monetix = document("monetix");
    let by_callback: Vec<&Value> = ["paths"]
        .iter()
        .flat_map(|key| monetix[key].as_object().unwrap().values())
        .flat_map(|item| item.as_object().unwrap().values())
        .filter(|operation| operation["x-oneclick-result-by"] == "callback")
        .collect();
    assert!(!by_callback.is_empty());
    assert!(monetix["webhooks"]["callback"].is_object());
}

/// A validator of the component schema `name` of `document`.
fn component_validator(document: &Value, name: &str) -> jsonschema::Validator {
    let mut schema = json!({ "$ref": format!("#/components/schemas/{name}") });
    schema["components"] = document["components"].clone();
    jsonschema::draft202012::new(&schema).unwrap()
}

/// Whether the exported schema and the client's own check agree on each request; both must
/// accept some and refuse some, or the comparison proves nothing.
fn assert_agree(
    validator: &jsonschema::Validator,
    object: &'static oneclick_runtime::schema::Object,
    requests: &[Value],
) {
    let mut accepted = 0;
    for request in requests {
        let client = oneclick_runtime::validate::validate_request(object, request);
        let exported = validator.is_valid(request);
        assert_eq!(
            client.is_empty(),
            exported,
            "{request}: the client says {client:?}"
        );
        accepted += usize::from(exported);
    }
    assert!(accepted > 0 && accepted < requests.len(), "{accepted}");
}

/// Every subset of `optional` members added to `base`.
fn with_subsets(base: &Value, optional: &[(&str, Value)]) -> Vec<Value> {
    (0..1u32 << optional.len())
        .map(|mask| {
            let mut request = base.clone();
            for (bit, (wire, value)) in optional.iter().enumerate() {
                if mask & (1 << bit) != 0 {
                    request[*wire] = value.clone();
                }
            }
            request
        })
        .collect()
}

#[test]
fn exported_rules_accept_exactly_the_requests_the_client_accepts() {
    let document = focused_document("rules");
    let validator = component_validator(&document, "PayRequest");
    let optional = [
        ("amount", json!(100)),
        ("currency", json!("CZK")),
        ("card", json!("c")),
        ("token", json!("t")),
        ("customerNumber", json!("n")),
        ("recurring", json!(true)),
        ("clientIp", json!("192.0.2.1")),
        ("note", json!("x")),
        ("noteAuthor", json!("a")),
    ];
    let initiated = [None, Some(json!(true)), Some(json!(false))];
    let browsers = [
        None,
        Some(json!({ "javascriptEnabled": false })),
        Some(json!({ "javascriptEnabled": true })),
        Some(json!({ "javascriptEnabled": true, "colorDepth": 24, "screenWidth": 1920 })),
    ];
    let mut requests = Vec::new();
    for client_initiated in &initiated {
        for browser in &browsers {
            let mut base = json!({});
            if let Some(value) = client_initiated {
                base["clientInitiated"] = value.clone();
            }
            if let Some(value) = browser {
                base["browser"] = value.clone();
            }
            requests.extend(with_subsets(&base, &optional));
        }
    }
    assert_agree(&validator, &oneclick_rules::schema::PAY_REQUEST, &requests);
}

#[test]
fn exported_when_rules_over_paths_accept_exactly_the_requests_the_client_accepts() {
    let document = focused_document("constraints2");
    let validator = component_validator(&document, "PaymentInitRequest");
    let customers = [
        None,
        Some(json!({ "name": "Jan" })),
        Some(json!({ "name": "Jan", "country": "CZ" })),
        Some(json!({ "name": "Jan", "country": "SK" })),
    ];
    let mut requests = Vec::new();
    for currency in ["CZK", "EUR"] {
        for total in [50, 150] {
            for customer in &customers {
                for language in [None, Some("cs"), Some("de")] {
                    let mut request = json!({
                        "payOperation": "payment",
                        "orderNo": "o1",
                        "totalAmount": total,
                        "currency": currency,
                        "cart": [{ "name": "Tea", "amount": total }],
                    });
                    if let Some(customer) = customer {
                        request["customer"] = customer.clone();
                    }
                    if let Some(language) = language {
                        request["language"] = json!(language);
                    }
                    requests.push(request);
                }
            }
        }
    }
    assert_agree(
        &validator,
        &oneclick_constraints2::schema::PAYMENT_INIT_REQUEST,
        &requests,
    );
}

#[test]
fn comma_lists_and_recipes_are_exported_as_the_spec_writes_them() {
    let document = focused_document("constraints2");
    let request = &document["components"]["schemas"]["PaymentInitRequest"]["properties"];
    let line_ids = jsonschema::draft202012::new(&request["lineIds"]).unwrap();
    for good in ["", "7", "7,12", "-1,2"] {
        assert!(line_ids.is_valid(&json!(good)), "{good}");
    }
    for bad in ["7,", ",7", "7,,12", "a"] {
        assert!(!line_ids.is_valid(&json!(bad)), "{bad}");
    }
    let recipes = focused_document("recipes");
    let listed = &recipes["x-oneclick-recipes"]["listed_order"];
    let salted = &listed["text"][0]["upper"];
    assert_eq!(
        salted[0]["digest"]["of"],
        json!([{ "credential": "list_salt" }])
    );
    assert_eq!(
        salted[1]["digest"]["of"][0]["fields"]["names"],
        json!(["id", "state"])
    );
    assert_eq!(
        listed["placement"],
        json!({ "each": "page.orders", "field": "check.sum" })
    );
    assert!(
        listed["optional_credentials"]
            .as_array()
            .is_some_and(|c| !c.is_empty())
    );
    let credentials = &recipes["x-oneclick-credentials"];
    assert!(
        credentials
            .as_object()
            .unwrap()
            .values()
            .any(|c| c["optional"] == true && c["sensitive"] == true)
    );
}

/// Values near the edge of each format, good and bad.
const FORMAT_SAMPLES: &[&str] = &[
    "",
    "20220125131559",
    "2022012513155",
    "20221325131559",
    "c29tZQ==",
    "c29tZQ=",
    "c29tZ",
    "192.0.2.1",
    "2001:db8::1",
    "192.0.2.256",
    "someone@example.com",
    "someone@",
    "@example.com",
    "CZK",
    "czk",
    "CZKK",
    "203",
    "978",
    "000",
    "97",
    "0978",
    "123e4567-e89b-12d3-a456-426614174000",
    "123e4567e89b12d3a456426614174000",
    "25.01.2022",
    "31.02.2022",
    "2022-01-25",
    "2022-02-30",
    "https://shop.example/return",
    "http://shop.example",
    "ftp://shop.example",
    "https://",
    "myapp://return",
    "myapp:///callback",
    "myapp://",
    "1app://return",
    "my app://return",
    "4242424242424242",
    "4242424242424241",
    "4242 4242 4242 4242",
    "01.2025",
    "13.2025",
    "1.2025",
    "1234567890123456789012345",
    "-42",
    "4.2",
    "-",
];

#[test]
fn each_format_exported_accepts_every_value_the_client_accepts() {
    for &format in oneclick_runtime::schema::Format::ALL {
        let schema = oneclick_codegen::openapi::format_schema(format, "string");
        assert_eq!(schema["x-oneclick-format"], format.as_str());
        // With formats asserted, as a strict validator does: the document must not refuse a
        // value the client sends.
        let validator = jsonschema::draft202012::options()
            .should_validate_formats(true)
            .build(&schema)
            .unwrap();
        let mut refused = 0;
        for sample in FORMAT_SAMPLES {
            let value = json!(sample);
            let exported = validator.is_valid(&value);
            if oneclick_runtime::format::check(format, sample) {
                assert!(exported, "{}: {sample:?}", format.as_str());
            }
            refused += usize::from(!exported);
        }
        assert!(refused > 0, "{} refuses nothing", format.as_str());
    }
}

#[test]
fn every_recipe_and_error_body_an_operation_names_is_declared_at_the_root() {
    let all = documents().into_iter().chain(focused_documents());
    let mut named = 0;
    for (gateway, document) in all {
        let operations = ["paths", "webhooks"]
            .iter()
            .filter_map(|key| document[key].as_object())
            .flat_map(|items| items.values())
            .flat_map(|item| item.as_object().unwrap().values());
        for operation in operations {
            let signature = operation["x-oneclick-signature"].as_object();
            for names in signature.into_iter().flat_map(|s| s.values()) {
                for name in names.as_array().into_iter().flatten() {
                    let name = name.as_str().unwrap();
                    assert!(
                        document["x-oneclick-recipes"][name].is_object(),
                        "{}: {name}",
                        gateway.name
                    );
                    named += 1;
                }
            }
            let errors = &operation["responses"]["200"]["x-oneclick-errors"];
            for index in errors.as_array().into_iter().flatten() {
                let index = index.as_u64().unwrap() as usize;
                assert!(
                    document["x-oneclick-errors"][index].is_object(),
                    "{}: error {index}",
                    gateway.name
                );
                let schema = format!("Error.{index}");
                assert!(document["components"]["schemas"][&schema].is_object());
            }
        }
    }
    assert!(named > 0);
}

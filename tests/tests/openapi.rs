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

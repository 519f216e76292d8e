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
                for (name, example) in parameter["examples"].as_object().into_iter().flatten() {
                    found.push(Exported {
                        place: format!("{place} parameter {}", parameter["name"]),
                        name: name.clone(),
                        value: example["value"].clone(),
                        schema: parameter["schema"].clone(),
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

/// Spec examples that show a gateway's quirk rather than its documented shape, and why the
/// client still takes them; each is named by gateway and example.
const QUIRKS: &[(&str, &str, &str)] = &[
    (
        "csob",
        "vector_request",
        "a signing vector: the message before its signature is added",
    ),
    (
        "assist",
        "odd_element",
        "the list's element `{\"\":\"4724\"}` the gateway sends is skipped",
    ),
    (
        "monetix",
        "redirect_empty_body",
        "PHP writes an empty object as `[]`",
    ),
];

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
        let mut misfits: Vec<(String, String)> = Vec::new();
        for example in exported {
            let mut schema = example.schema.clone();
            schema["components"] = document["components"].clone();
            let validator = jsonschema::draft202012::new(&schema).unwrap();
            for error in validator.iter_errors(&example.value) {
                misfits.push((
                    example.name.clone(),
                    format!(
                        "{} {}: {}: {error}",
                        example.place,
                        example.name,
                        error.instance_path()
                    ),
                ));
            }
        }
        let quirks: Vec<&str> = QUIRKS
            .iter()
            .filter(|(g, _, _)| *g == gateway.name)
            .map(|(_, name, _)| *name)
            .collect();
        let unexpected: Vec<&String> = misfits
            .iter()
            .filter(|(name, _)| !quirks.contains(&name.as_str()))
            .map(|(_, text)| text)
            .collect();
        assert!(unexpected.is_empty(), "{}: {unexpected:#?}", gateway.name);
        for quirk in quirks {
            assert!(
                misfits.iter().any(|(name, _)| name == quirk),
                "{}: {quirk} fits its schema now; take it off the quirks",
                gateway.name
            );
        }
    }
}

#[test]
fn a_constraint_reaches_the_schema_and_rejects_a_bad_value() {
    let (_, document) = documents()
        .into_iter()
        .find(|(g, _)| g.name == "xpay")
        .unwrap();
    let mut schema = json!({ "$ref": "#/components/schemas/CreateHppOrderRequest" });
    schema["components"] = document["components"].clone();
    let validator = jsonschema::draft202012::new(&schema).unwrap();
    assert!(!validator.is_valid(&json!({})));
}

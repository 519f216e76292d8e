//! OpenAPI 3.1 documents of the gateway specs, for tools that do not read the spec language:
//! docs portals, mock servers, client generators in other languages. Each is generated from
//! the IR, like the Rust crates, and drift-checked with them; the YAML spec stays the source
//! of truth. What OpenAPI has no words for travels as `x-oneclick-` extensions
//! (`spec/README.md`, "OpenAPI documents").

mod extensions;
mod paths;
mod schemas;
mod security;

use serde_json::{Map, Value, json};

use crate::ir::{Environment, Gateway, UrlPart, url_parts};

/// Where the documents go, relative to the repository root.
pub const DIR: &str = "openapi";

/// The gateway's document, relative to the repository root: `openapi/csob.json`.
pub fn file_name(gateway: &Gateway) -> String {
    format!("{DIR}/{}.json", gateway.name)
}

/// The gateway's document as written to disk: pretty JSON ending with a newline.
pub fn render(gateway: &Gateway) -> String {
    let mut text = serde_json::to_string_pretty(&document(gateway)).unwrap_or_default();
    text.push('\n');
    text
}

/// The gateway's OpenAPI 3.1 document.
pub fn document(gateway: &Gateway) -> Value {
    let mut document = Map::new();
    document.insert("openapi".into(), json!("3.1.0"));
    document.insert("info".into(), info(gateway));
    document.insert(
        "servers".into(),
        gateway.environments.iter().map(server).collect(),
    );
    document.insert("paths".into(), Value::Object(paths::paths(gateway)));
    let webhooks = paths::webhooks(gateway);
    if !webhooks.is_empty() {
        document.insert("webhooks".into(), Value::Object(webhooks));
    }
    document.insert("components".into(), components(gateway));
    if !gateway.recipes.is_empty() {
        document.insert(
            "x-oneclick-recipes".into(),
            Value::Object(extensions::recipes(gateway)),
        );
    }
    if let Some(result) = &gateway.result {
        document.insert("x-oneclick-result".into(), extensions::result(result));
    }
    Value::Object(document)
}

fn info(gateway: &Gateway) -> Value {
    json!({
        "title": gateway.title,
        "version": gateway.version.to_string(),
        "description": gateway.doc,
        "x-oneclick-spec": gateway.spec_path,
        "x-oneclick-crate": gateway.crate_name,
    })
}

/// An environment as a server; the values a merchant is given for its URL are variables, whose
/// default OpenAPI requires: the variable's own name stands for the merchant's value.
fn server(environment: &Environment) -> Value {
    let mut server = Map::new();
    server.insert("url".into(), json!(environment.url));
    server.insert("description".into(), json!(environment.doc));
    let variables: Map<String, Value> = url_parts(&environment.url)
        .into_iter()
        .filter_map(|part| match part {
            UrlPart::Variable(name) => Some(name),
            UrlPart::Fixed(_) | UrlPart::Malformed(_) => None,
        })
        .map(|name| {
            let doc = environment
                .variables
                .iter()
                .find(|(variable, _)| variable == name)
                .map_or("", |(_, doc)| doc.as_str());
            (
                name.to_owned(),
                json!({ "default": name, "description": doc }),
            )
        })
        .collect();
    if !variables.is_empty() {
        server.insert("variables".into(), Value::Object(variables));
    }
    Value::Object(server)
}

fn components(gateway: &Gateway) -> Value {
    let mut components = Map::new();
    components.insert(
        "schemas".into(),
        Value::Object(schemas::components(gateway)),
    );
    let schemes = security::schemes(gateway);
    if !schemes.is_empty() {
        components.insert("securitySchemes".into(), Value::Object(schemes));
    }
    Value::Object(components)
}

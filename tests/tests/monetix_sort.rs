//! Monetix's sort order is one declared word of its recipe (GATEWAYS.md: the platform's SDKs
//! disagree from 11 list items on). The spec keeps the path-bytes order; over 12 items the
//! natural order the PHP SDK uses writes another text, so switching is a one-word spec change
//! with a visible effect. The answer recipe is `like: request`, so that word switches what the
//! client signs and what it verifies at once: proved on `spec/monetix.yaml` itself, with the
//! line switched, and on a callback of 12 items that the generated client verifies.

use oneclick_codegen::ir;
use oneclick_monetix::{Client, Credentials, Environment, Error, schema};
use oneclick_runtime::recipe::{FlatSort, Interpret, Message, Piece, Recipe, SigningKey};
use oneclick_runtime::{SignatureError, secret::Secret};
use serde_json::{Value, json};

fn text_under(sort: FlatSort, body: &Value) -> String {
    let Piece::Flat(flat) = schema::RECIPE_REQUEST.recipe.text[0] else {
        panic!("Monetix signs a flattened text");
    };
    let text: &'static [Piece] =
        Box::leak(Box::new([Piece::Flat(oneclick_runtime::recipe::Flat {
            sort,
            ..flat
        })]));
    let recipe = Recipe {
        text,
        ..schema::RECIPE_REQUEST.recipe
    };
    let message = Message {
        body,
        raw_body: "",
        order: &[],
        inputs: &[],
    };
    recipe.text(&message).unwrap()
}

#[test]
fn the_declared_order_is_path_bytes_and_differs_from_natural_order_on_twelve_items() {
    let Piece::Flat(declared) = schema::RECIPE_REQUEST.recipe.text[0] else {
        panic!("Monetix signs a flattened text");
    };
    assert_eq!(declared.sort, FlatSort::PathBytes);

    let items: Vec<Value> = (0..12).map(|i| json!(i)).collect();
    let body = json!({"general": {"signature": "ignored"}, "items": items});
    let by_path: Vec<String> = [0, 1, 10, 11, 2, 3, 4, 5, 6, 7, 8, 9]
        .iter()
        .map(|i| format!("items:{i}:{i}"))
        .collect();
    let natural: Vec<String> = (0..12).map(|i| format!("items:{i}:{i}")).collect();
    assert_eq!(text_under(FlatSort::PathBytes, &body), by_path.join(";"));
    assert_eq!(text_under(FlatSort::Natural, &body), natural.join(";"));
    assert_eq!(
        text_under(declared.sort, &body),
        text_under(FlatSort::PathBytes, &body)
    );
}

const DECLARED_SORT: &str = "sort: path_bytes";

fn twelve_items() -> Value {
    json!({"general": {"signature": "ignored"}, "items": (0..12).collect::<Vec<i32>>()})
}

fn items_in_order(order: &[i32]) -> String {
    let pairs: Vec<String> = order.iter().map(|i| format!("items:{i}:{i}")).collect();
    pairs.join(";")
}

const PATH_BYTES_ORDER: [i32; 12] = [0, 1, 10, 11, 2, 3, 4, 5, 6, 7, 8, 9];
const NATURAL_ORDER: [i32; 12] = [0, 1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11];

/// The text an IR recipe of the spec signs over `body`, run by the runtime's interpreter.
fn ir_text(recipe: &ir::Recipe, body: &Value) -> String {
    let [ir::Piece::Flat(flat)] = recipe.text.as_slice() else {
        panic!("recipe `{}` signs one flattened text", recipe.name);
    };
    let leak = |text: &str| -> &'static str { Box::leak(text.to_owned().into_boxed_str()) };
    let exclude: Vec<&'static str> = flat.exclude.iter().map(|e| leak(e)).collect();
    let piece = Piece::Flat(oneclick_runtime::recipe::Flat {
        exclude: Box::leak(exclude.into_boxed_slice()),
        nesting: leak(&flat.nesting),
        assign: leak(&flat.assign),
        separator: leak(&flat.separator),
        sort: flat.sort,
        escape: flat.escape,
        booleans: flat.booleans,
    });
    let recipe = Recipe {
        text: Box::leak(Box::new([piece])),
        ..schema::RECIPE_REQUEST.recipe
    };
    recipe
        .text(&Message {
            body,
            raw_body: "",
            order: &[],
            inputs: &[],
        })
        .unwrap()
}

fn monetix_spec() -> String {
    let path = format!("{}/../spec/monetix.yaml", env!("CARGO_MANIFEST_DIR"));
    std::fs::read_to_string(&path).unwrap_or_else(|e| panic!("{path}: {e}"))
}

/// The request and answer recipes of a Monetix spec text.
fn request_and_answer(source: &str) -> Vec<ir::Recipe> {
    let gateway = oneclick_codegen::load_str(source, "spec/monetix.yaml")
        .unwrap_or_else(|d| panic!("the spec loads: {d:?}"));
    let recipes: Vec<ir::Recipe> = gateway.recipes;
    assert_eq!(
        recipes.iter().map(|r| r.name.as_str()).collect::<Vec<_>>(),
        ["request", "answer"]
    );
    recipes
}

#[test]
fn one_line_of_spec_monetix_switches_the_order_of_requests_and_callbacks() {
    let source = monetix_spec();
    let sort_lines: Vec<&str> = source
        .lines()
        .filter(|line| line.contains("sort:"))
        .collect();
    assert_eq!(sort_lines.len(), 1, "the order is declared once");
    assert!(sort_lines[0].contains(DECLARED_SORT));
    let body = twelve_items();

    for recipe in request_and_answer(&source) {
        assert_eq!(
            ir_text(&recipe, &body),
            items_in_order(&PATH_BYTES_ORDER),
            "recipe `{}` as the spec stands",
            recipe.name
        );
    }
    let switched = source.replacen(DECLARED_SORT, "sort: natural", 1);
    assert_eq!(
        source
            .lines()
            .zip(switched.lines())
            .filter(|(a, b)| a != b)
            .count(),
        1
    );
    for recipe in request_and_answer(&switched) {
        assert_eq!(
            ir_text(&recipe, &body),
            items_in_order(&NATURAL_ORDER),
            "recipe `{}` with the line switched",
            recipe.name
        );
    }
}

/// A Monetix callback with a list of 12 items, signed over the text written in `sort`.
fn callback_signed_in(sort: FlatSort) -> Vec<u8> {
    let mut callback = json!({
        "project_id": 42,
        "payment": {"id": "456789", "status": "success", "sum": {"amount": 400000, "currency": "USD"}},
        "operation": {"id": 1, "type": "sale", "status": "success"},
        "items": (0..12).collect::<Vec<i32>>()
    });
    let Piece::Flat(flat) = schema::RECIPE_ANSWER.recipe.text[0] else {
        panic!("Monetix signs a flattened text");
    };
    let recipe = Recipe {
        text: Box::leak(Box::new([Piece::Flat(oneclick_runtime::recipe::Flat {
            sort,
            ..flat
        })])),
        ..schema::RECIPE_ANSWER.recipe
    };
    let secret = Secret::new("s3cr3t".to_owned());
    let message = Message {
        body: &callback,
        raw_body: "",
        order: &[],
        inputs: &[],
    };
    let signature = recipe.sign(&message, SigningKey::Secret(&secret)).unwrap();
    callback["signature"] = Value::String(signature);
    callback.to_string().into_bytes()
}

#[test]
fn a_callback_of_twelve_items_verifies_only_in_the_declared_order() {
    let client = Client::new(
        Environment::Custom("http://127.0.0.1:9".into()),
        Credentials::new(42, "s3cr3t"),
    )
    .unwrap();
    client
        .verify_callback(&callback_signed_in(FlatSort::PathBytes))
        .expect("signed in the declared order");
    match client.verify_callback(&callback_signed_in(FlatSort::Natural)) {
        Err(Error::Signature {
            source: SignatureError::Mismatch,
            ..
        }) => {}
        other => panic!("signed in the other order must be refused, got {other:?}"),
    }
}

//! Monetix's sort order is one declared word of its recipe (GATEWAYS.md: the platform's SDKs
//! disagree from 11 list items on). The spec keeps the path-bytes order; over 12 items the
//! natural order the PHP SDK uses writes another text, so switching is a one-word spec change
//! with a visible effect.

use oneclick_monetix::schema;
use oneclick_runtime::recipe::{FlatSort, Interpret, Message, Piece, Recipe};
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

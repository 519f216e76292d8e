//! `src/tests.rs`: tests generated from the spec. Examples round-trip, signed texts match,
//! pattern samples are accepted or rejected, every numeric and length bound holds at its edge,
//! and every enum value travels as the spec writes it.

use crate::case::ToSnakeCase;
use proc_macro2::TokenStream;
use quote::{format_ident, quote};

use super::{ident, int};
use crate::ir::{
    Callback, Constraint, Direction, EnumRepr, Example, Gateway, LengthUnit, Literal, Operation,
    ScalarBase, ScalarType, TypeRef,
};

pub(super) fn example_tests(gateway: &Gateway) -> TokenStream {
    let examples = gateway.operations.iter().flat_map(|op| {
        op.examples
            .iter()
            .map(move |ex| example_test(gateway, op, ex))
    });
    let callback_examples = gateway.callbacks.iter().flat_map(|c| {
        c.examples
            .iter()
            .map(move |ex| callback_example_test(gateway, c, ex))
    });
    let scalars = gateway.scalars.iter().map(scalar_test);
    let enums = enum_test(gateway);
    let needs_violation_helper = gateway.scalars.iter().any(|s| !boundaries(s).is_empty());
    let helper = needs_violation_helper.then(|| {
        quote! {
            /// The rule of the single violation in `result`.
            fn rule<T: std::fmt::Debug>(result: Result<T, rt::Violations>) -> rt::RuleKind {
                let violations = result.expect_err("the value must be rejected");
                assert_eq!(violations.0.len(), 1, "{violations}");
                violations.0[0].rule
            }
        }
    });
    let has_requests = gateway.operations.iter().any(|op| {
        op.examples
            .iter()
            .any(|e| e.direction == Direction::Request)
    });
    let request_helpers = has_requests.then(request_example_helpers);
    let has_answers = gateway.operations.iter().any(|op| {
        op.response.is_some()
            && op
                .examples
                .iter()
                .any(|e| e.direction == Direction::Response)
    }) || gateway.callbacks.iter().any(|c| !c.examples.is_empty());
    let parses = has_answers.then(|| {
        quote! {
            /// Checks that an answer or message example decodes as `T`.
            fn parses<T: serde::de::DeserializeOwned>(json: &serde_json::Value) {
                let parsed: Result<T, _> = serde_json::from_value(json.clone());
                parsed.expect("the example parses");
            }
        }
    });
    let signs = gateway
        .operations
        .iter()
        .flat_map(|op| &op.examples)
        .chain(gateway.callbacks.iter().flat_map(|c| &c.examples))
        .any(|e| e.text_to_sign.is_some());
    let signs_as = signs.then(|| {
        quote! {
            /// Checks that `json`, in the signature order `order`, is signed as `text` by `recipe`.
            fn signs_as(json: &serde_json::Value, order: &[rt::schema::recipe::Field], recipe: &rt::schema::recipe::Recipe, text: &str) {
                let message = rt::recipe::Message { body: json, raw_body: "", order, inputs: &[] };
                assert_eq!(rt::recipe::Interpret::text(recipe, &message).unwrap(), text);
            }
        }
    });
    let any_example = has_requests || has_answers;
    let example = any_example.then(|| {
        quote! {
            /// An example of the spec as JSON.
            fn example(text: &str) -> serde_json::Value {
                serde_json::from_str(text).unwrap()
            }
        }
    });
    let rt_import = (needs_violation_helper || signs || has_requests)
        .then(|| quote! { use oneclick_runtime as rt; });
    quote! {
        #rt_import

        use crate::*;

        #helper
        #example
        #request_helpers
        #parses
        #signs_as
        #(#examples)*
        #(#callback_examples)*
        #(#scalars)*
        #enums
    }
}

/// `without` and `round_trips`, for the request examples.
fn request_example_helpers() -> TokenStream {
    quote! {
        /// The example without the fields the client fills in itself (JSON pointers).
        fn without(json: &serde_json::Value, automatic: &[&str]) -> serde_json::Value {
            let mut json = json.clone();
            for pointer in automatic {
                let (parent, key) = pointer.rsplit_once('/').unwrap_or_default();
                if let Some(object) = json.pointer_mut(parent).and_then(|p| p.as_object_mut()) {
                    object.remove(key);
                }
            }
            json
        }

        /// Checks that a request example, without the fields the client fills in itself (JSON
        /// pointers), builds a request that `validate` accepts and that serialises back to it.
        fn round_trips<T: serde::Serialize + serde::de::DeserializeOwned>(
            json: &serde_json::Value,
            automatic: &[&str],
            validate: fn(&T) -> Result<(), rt::Violations>,
        ) {
            let expected = without(json, automatic);
            let request: T = serde_json::from_value(expected.clone()).expect("the example builds");
            validate(&request).expect("the example is valid");
            assert_eq!(serde_json::to_value(&request).unwrap(), expected);
        }
    }
}

fn example_test(gateway: &Gateway, op: &Operation, example: &Example) -> TokenStream {
    let name = format_ident!("{}_example_{}", op.id, example.name);
    let json = raw_json(&example.json);
    let schema = ident(&op.schema_const);
    let doc = format!(" {}", example.doc.trim().replace('\n', " "));
    match example.direction {
        Direction::Request => {
            let request = ident(&gateway.objects[op.request].name);
            let mut automatic = Vec::new();
            automatic_pointers(gateway, op.request, "", Some(&example.json), &mut automatic);
            let signed = example.text_to_sign.as_ref().map(|text| {
                signed_text_check(
                    gateway,
                    op.request,
                    quote! { schema::#schema.request_signature },
                    text,
                )
            });
            quote! {
                #[doc = #doc]
                #[test]
                fn #name() {
                    let json = example(#json);
                    round_trips(&json, &[#(#automatic),*], #request::validate);
                    #signed
                }
            }
        }
        Direction::Response => {
            let Some(response_index) = op.response else {
                return quote! {};
            };
            let response = ident(&gateway.objects[response_index].name);
            let signed = example.text_to_sign.as_ref().map(|text| {
                signed_text_check(
                    gateway,
                    response_index,
                    quote! { schema::#schema.response_signature },
                    text,
                )
            });
            quote! {
                #[doc = #doc]
                #[test]
                fn #name() {
                    let json = example(#json);
                    parses::<#response>(&json);
                    #signed
                }
            }
        }
    }
}

/// The example as a raw string literal, pretty-printed, with enough `#` that no `"#` inside it
/// can close the literal early.
fn raw_json(json: &serde_json::Value) -> proc_macro2::Literal {
    let text = serde_json::to_string_pretty(json).unwrap_or_else(|_| json.to_string());
    let longest_run = text
        .split('"')
        .skip(1)
        .map(|after_quote| after_quote.chars().take_while(|c| *c == '#').count())
        .max()
        .unwrap_or(0);
    let hashes = "#".repeat(longest_run + 1);
    format!("r{hashes}\"{text}\"{hashes}")
        .parse()
        .unwrap_or_else(|_| proc_macro2::Literal::string(&text))
}

/// JSON pointers of the automatic fields of object `index`, in nested objects too and, as far
/// as the example `json` has elements, in objects inside its lists.
fn automatic_pointers(
    gateway: &Gateway,
    index: usize,
    prefix: &str,
    json: Option<&serde_json::Value>,
    out: &mut Vec<String>,
) {
    for field in &gateway.objects[index].fields {
        let pointer = format!("{prefix}/{}", field.wire);
        if field.auto.is_some() {
            out.push(pointer);
        } else {
            let value = json.and_then(|j| j.get(&field.wire));
            value_pointers(gateway, &field.ty, &pointer, value, out);
        }
    }
}

fn value_pointers(
    gateway: &Gateway,
    ty: &TypeRef,
    pointer: &str,
    json: Option<&serde_json::Value>,
    out: &mut Vec<String>,
) {
    match ty {
        TypeRef::Object(child) => automatic_pointers(gateway, *child, pointer, json, out),
        TypeRef::List(inner) => {
            let items = json.and_then(|j| j.as_array()).into_iter().flatten();
            for (i, item) in items.enumerate() {
                value_pointers(gateway, inner, &format!("{pointer}/{i}"), Some(item), out);
            }
        }
        _ => {}
    }
}

/// The assertion that `json` signs as `text` under the first recipe of message `object`.
fn signed_text_check(
    gateway: &Gateway,
    object: usize,
    order: TokenStream,
    text: &str,
) -> TokenStream {
    let Some(first) = gateway.objects[object].recipes.first() else {
        return quote! {};
    };
    let recipe = ident(&gateway.recipes[*first].const_name);
    quote! {
        signs_as(&json, #order, &schema::#recipe.recipe, #text);
    }
}

fn callback_example_test(gateway: &Gateway, callback: &Callback, example: &Example) -> TokenStream {
    let name = format_ident!("{}_example_{}", callback.id, example.name);
    let json = raw_json(&example.json);
    let message = ident(&gateway.objects[callback.message].name);
    let doc = format!(" {}", example.doc.trim().replace('\n', " "));
    let signed = example.text_to_sign.as_ref().map(|text| {
        let schema = ident(&callback.schema_const);
        signed_text_check(
            gateway,
            callback.message,
            quote! { schema::#schema.signature },
            text,
        )
    });
    quote! {
        #[doc = #doc]
        #[test]
        fn #name() {
            let json = example(#json);
            parses::<#message>(&json);
            #signed
        }
    }
}

/// Values at and just past each bound, with the rule that rejects the outside one. Lengths are
/// only probed when no pattern or format would reject the probe for another reason.
fn boundaries(scalar: &ScalarType) -> Vec<(Literal, Literal, &'static str)> {
    let shaped = scalar
        .constraints
        .iter()
        .any(|c| matches!(c, Constraint::Pattern(_) | Constraint::Format(_)));
    let min_length = scalar.constraints.iter().find_map(|c| match c {
        Constraint::MinLength(n, _) => Some(*n),
        _ => None,
    });
    let max_length = scalar.constraints.iter().find_map(|c| match c {
        Constraint::MaxLength(n, _) => Some(*n),
        _ => None,
    });
    let min = scalar.constraints.iter().find_map(|c| match c {
        Constraint::Min(v) => Some(*v),
        _ => None,
    });
    let max = scalar.constraints.iter().find_map(|c| match c {
        Constraint::Max(v) => Some(*v),
        _ => None,
    });
    let mut out = Vec::new();
    for constraint in &scalar.constraints {
        match (constraint, scalar.base) {
            (Constraint::Min(v), ScalarBase::Integer) if max.is_none_or(|m| *v <= m) => {
                if let Some(below) = v.checked_sub(1) {
                    out.push((Literal::Int(*v), Literal::Int(below), "Min"));
                }
            }
            (Constraint::Max(v), ScalarBase::Integer) if min.is_none_or(|m| m <= *v) => {
                if let Some(above) = v.checked_add(1) {
                    out.push((Literal::Int(*v), Literal::Int(above), "Max"));
                }
            }
            (Constraint::MinLength(n, _), ScalarBase::String)
                if !shaped && *n > 0 && max_length.is_none_or(|m| *n <= m) =>
            {
                out.push((
                    Literal::Str("a".repeat(*n)),
                    Literal::Str("a".repeat(n - 1)),
                    "MinLength",
                ));
            }
            (Constraint::MaxLength(n, unit), ScalarBase::String)
                if !shaped && min_length.is_none_or(|m| m <= *n) =>
            {
                // In bytes, `é` (two bytes) shows that bytes are counted, not characters.
                let outside = match unit {
                    LengthUnit::Chars => "a".repeat(n + 1),
                    LengthUnit::Bytes => "é".repeat(n / 2 + 1),
                };
                out.push((
                    Literal::Str("a".repeat(*n)),
                    Literal::Str(outside),
                    "MaxLength",
                ));
            }
            _ => {}
        }
    }
    out
}

fn scalar_test(scalar: &ScalarType) -> TokenStream {
    let ty = ident(&scalar.name);
    let value = |v: &Literal| match v {
        Literal::Str(s) => quote! { #s },
        Literal::Int(i) => {
            let i = int(*i);
            quote! { #i }
        }
        Literal::Bool(b) => quote! { #b },
    };
    let samples =
        (!scalar.valid_samples.is_empty() || !scalar.invalid_samples.is_empty()).then(|| {
            let name = format_ident!("{}_samples", scalar.name.to_snake_case());
            let valid = scalar.valid_samples.iter().map(value);
            let invalid = scalar.invalid_samples.iter().map(value);
            quote! {
                #[test]
                fn #name() {
                    let valid = [#(#valid),*];
                    let invalid = [#(#invalid),*];
                    for value in valid {
                        assert!(#ty::try_from(value).is_ok(), "{value:?} must be accepted");
                    }
                    for value in invalid {
                        assert!(#ty::try_from(value).is_err(), "{value:?} must be rejected");
                    }
                }
            }
        });
    let bounds = boundaries(scalar);
    let boundary_test = (!bounds.is_empty()).then(|| {
        let name = format_ident!("{}_boundaries", scalar.name.to_snake_case());
        let checks = bounds.iter().map(|(inside, outside, rule)| {
            let inside = value(inside);
            let outside = value(outside);
            let rule = format_ident!("{}", rule);
            quote! {
                assert!(#ty::try_from(#inside).is_ok());
                assert_eq!(rule(#ty::try_from(#outside)), rt::RuleKind::#rule);
            }
        });
        quote! {
            #[test]
            fn #name() {
                #(#checks)*
            }
        }
    });
    quote! { #samples #boundary_test }
}

fn enum_test(gateway: &Gateway) -> TokenStream {
    let checks = gateway.enums.iter().map(|e| {
        let ty = ident(&e.name);
        let pairs = e.values.iter().map(|v| {
            let variant = ident(&v.variant);
            match &v.wire {
                Literal::Int(i) => {
                    let i = int(*i);
                    quote! { (#ty::#variant, serde_json::json!(#i)) }
                }
                Literal::Str(s) => quote! { (#ty::#variant, serde_json::json!(#s)) },
                Literal::Bool(b) => quote! { (#ty::#variant, serde_json::json!(#b)) },
            }
        });
        let unknown = match e.repr {
            EnumRepr::Str => quote! { (#ty::Unknown("not-in-the-spec".to_string()), serde_json::json!("not-in-the-spec")) },
            EnumRepr::Int => quote! { (#ty::Unknown(-999), serde_json::json!(-999)) },
        };
        quote! {
            for (value, wire) in [#(#pairs,)* #unknown] {
                assert_eq!(serde_json::json!(value), wire);
                assert_eq!(serde_json::from_value::<#ty>(wire).unwrap(), value);
            }
        }
    });
    if gateway.enums.is_empty() {
        return quote! {};
    }
    quote! {
        /// Every enum value travels as the spec writes it; unknown ones survive a round trip.
        #[test]
        fn enums_use_the_wire_values() {
            #(#checks)*
        }
    }
}

//! The serde impls of object types: one `rt::wire_object!` or `rt::wire_cases!` invocation per
//! type, listing each field's Rust name, how it travels and its wire name. The runtime's macros
//! expand them to field-by-field impls over `rt::wire`, so a client's program never builds
//! `serde_derive` (see `runtime/src/wire.rs` for why), and the generator neither emits nor
//! formats the same impl bodies for every type. The invocations are laid out here, a field a
//! line, and printed as they are (see `docs::verbatim_macro`).

use proc_macro2::TokenStream;
use quote::quote;

use super::{docs, ident, pretty};
use crate::ir::{Case, Direction, Field, ObjectType, TypeRef, Variants};

/// `rt::wire_object!` for a struct: its own fields in order, then each flattened variant
/// enum, then (for an open object) the fields the spec does not name.
pub(super) fn struct_impls(object: &ObjectType, fields: &[&Field]) -> TokenStream {
    let mut text = format!("rt::wire_object!({} {{\n", object.name);
    for field in fields {
        field_line(&mut text, "    ", field, field.required, object.direction);
    }
    for variants in &object.variants {
        text.push_str(&format!("    {}: flatten,\n", ident(&variants.rust_field)));
    }
    if object.open {
        text.push_str("    other: rest,\n");
    }
    text.push_str("});");
    docs::verbatim_macro("wire_object", text)
}

/// `rt::wire_cases!` for an enum of alternative field groups, the cases in the spec's order,
/// which is the order they are tried in when reading.
pub(super) fn variants_impls(
    object: &ObjectType,
    variants: &Variants,
    case_fields: impl Fn(&Case) -> Vec<(Field, bool)>,
) -> TokenStream {
    let mut text = format!("rt::wire_cases!({} {{\n", variants.name);
    for case in &variants.cases {
        text.push_str(&format!("    {} {{\n", case.variant));
        for (field, required) in case_fields(case) {
            field_line(&mut text, "        ", &field, required, object.direction);
        }
        text.push_str("    },\n");
    }
    text.push_str("});");
    docs::verbatim_macro("wire_cases", text)
}

/// `Serialize` for a message that is a JSON array: its decoded elements and the ones kept
/// aside.
pub(super) fn list_message_serialize(object: &ObjectType) -> TokenStream {
    let name = ident(&object.name);
    quote! {
        impl Serialize for #name {
            fn serialize<S: serde::Serializer>(&self, serializer: S) -> Result<S::Ok, S::Error> {
                rt::wire::Writer::new()
                    .field("items", &self.items)
                    .field("unrecognized", &self.unrecognized)
                    .finish(serializer)
            }
        }
    }
}

/// `rust_name: mode "wire",`, one field of a `wire_object!` or `wire_cases!` list.
fn field_line(
    text: &mut String,
    indent: &str,
    field: &Field,
    required: bool,
    direction: Direction,
) {
    let mode = if required {
        "required"
    } else if direction == Direction::Response && matches!(field.ty, TypeRef::Map(_)) {
        // Some platforms serialise an empty object as `[]`; answers decode it as an empty map.
        "optional_map"
    } else {
        "optional"
    };
    text.push_str(indent);
    text.push_str(&ident(&field.rust_name).to_string());
    text.push_str(": ");
    text.push_str(mode);
    text.push(' ');
    pretty::string_literal_into(&field.wire, text);
    text.push_str(",\n");
}

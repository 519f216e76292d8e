//! The serde impls of object types, written out field by field over `rt::wire` instead of
//! derived: a client's program then never builds `serde_derive`, and each impl is a short
//! chain a reader can follow (see `runtime/src/wire.rs` for why).

use proc_macro2::TokenStream;
use quote::quote;

use super::ident;
use crate::ir::{Direction, Field, ObjectType, TypeRef, Variants};

/// `Serialize` and `Deserialize` for a struct: its own fields in order, then the fields of
/// each flattened variant enum, then (for an open object) the fields the spec does not name.
pub(super) fn struct_impls(object: &ObjectType, fields: &[&Field]) -> TokenStream {
    let name = ident(&object.name);
    let expected = format!("struct {}", object.name);
    let writes = fields.iter().map(|f| {
        let rust = ident(&f.rust_name);
        write_field(f, f.required, quote! { &self.#rust })
    });
    let flattened_writes = object.variants.iter().map(|v| {
        let field = ident(&v.rust_field);
        quote! { .flatten(&self.#field) }
    });
    let other_write = object.open.then(|| quote! { .other(&self.other) });
    let reads: Vec<TokenStream> = fields
        .iter()
        .map(|f| {
            let rust = ident(&f.rust_name);
            let read = read_field(f, f.required, object.direction, quote! { object });
            quote! { #rust: #read, }
        })
        .chain(object.variants.iter().map(|v| {
            let field = ident(&v.rust_field);
            quote! { #field: object.flatten()?, }
        }))
        .collect();
    let other_read = object.open.then(|| quote! { other: object.rest(), });
    let body = if reads.is_empty() && !object.open {
        quote! {
            rt::wire::Reader::new(deserializer, #expected)?;
            Ok(Self {})
        }
    } else {
        let binding = if fields.is_empty() {
            quote! { let object }
        } else {
            quote! { let mut object }
        };
        quote! {
            #binding = rt::wire::Reader::new(deserializer, #expected)?;
            Ok(Self {
                #(#reads)*
                #other_read
            })
        }
    };
    quote! {
        impl Serialize for #name {
            fn serialize<S: serde::Serializer>(&self, serializer: S) -> Result<S::Ok, S::Error> {
                rt::wire::Writer::new()
                    #(#writes)*
                    #(#flattened_writes)*
                    #other_write
                    .finish(serializer)
            }
        }

        impl<'de> Deserialize<'de> for #name {
            fn deserialize<D: serde::Deserializer<'de>>(deserializer: D) -> Result<Self, D::Error> {
                #body
            }
        }
    }
}

/// `Serialize` and `Deserialize` for an enum of alternative field groups: a value writes its
/// case's fields; reading takes the first case, in the spec's order, whose fields read.
pub(super) fn variants_impls(
    object: &ObjectType,
    variants: &Variants,
    case_fields: impl Fn(&crate::ir::Case) -> Vec<(Field, bool)>,
) -> TokenStream {
    let name = ident(&variants.name);
    let expected = format!("enum {}", variants.name);
    let label = &variants.name;
    let mut writes = Vec::new();
    let mut reads = Vec::new();
    for case in &variants.cases {
        let variant = ident(&case.variant);
        let fields = case_fields(case);
        let bindings: Vec<_> = fields.iter().map(|(f, _)| ident(&f.rust_name)).collect();
        let field_writes = fields.iter().map(|(f, required)| {
            let binding = ident(&f.rust_name);
            write_field(f, *required, quote! { #binding })
        });
        writes.push(quote! {
            Self::#variant { #(#bindings),* } => rt::wire::Writer::new()
                #(#field_writes)*
                .finish(serializer),
        });
        let field_reads = fields.iter().map(|(f, required)| {
            let rust = ident(&f.rust_name);
            let read = read_field(f, *required, object.direction, quote! { case });
            quote! { #rust: #read, }
        });
        reads.push(quote! {
            |case| Ok(Self::#variant { #(#field_reads)* }),
        });
    }
    quote! {
        impl Serialize for #name {
            fn serialize<S: serde::Serializer>(&self, serializer: S) -> Result<S::Ok, S::Error> {
                match self {
                    #(#writes)*
                }
            }
        }

        impl<'de> Deserialize<'de> for #name {
            fn deserialize<D: serde::Deserializer<'de>>(deserializer: D) -> Result<Self, D::Error> {
                rt::wire::Reader::new(deserializer, #expected)?.first_case(
                    &[#(#reads)*],
                    #label,
                )
            }
        }
    }
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

/// One step of a `Writer` chain; `value` is a reference to the field's value.
fn write_field(field: &Field, required: bool, value: TokenStream) -> TokenStream {
    let wire = &field.wire;
    if required {
        quote! { .field(#wire, #value) }
    } else {
        quote! { .optional(#wire, #value) }
    }
}

/// How one field is read from `reader`.
fn read_field(
    field: &Field,
    required: bool,
    direction: Direction,
    reader: TokenStream,
) -> TokenStream {
    let wire = &field.wire;
    if required {
        quote! { #reader.required(#wire)? }
    } else if direction == Direction::Response && matches!(field.ty, TypeRef::Map(_)) {
        // Some platforms serialise an empty object as `[]`; answers decode it as an empty map.
        quote! { #reader.optional_map(#wire)? }
    } else {
        quote! { #reader.optional(#wire)? }
    }
}

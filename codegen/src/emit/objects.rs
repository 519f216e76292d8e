//! Object types: requests and their parts (required fields in the constructor, a setter per
//! optional field, `validate()`), and responses (data decoded leniently: constrained values as
//! `rt::Checked`, enums with their `Unknown` variant).

use std::collections::BTreeSet;

use super::{doc, ident, rust_type, wire_doc, wire_impls};
use crate::ir::{
    Auto, Case, Direction, Field, Gateway, Literal, ObjectType, Preset, TypeRef, Variants,
};
use proc_macro2::TokenStream;
use quote::{format_ident, quote};

pub(super) fn objects(gateway: &Gateway) -> TokenStream {
    let items: Vec<TokenStream> = gateway.objects.iter().map(|o| object(gateway, o)).collect();
    let used_types = used_types(gateway);
    let types_import = (!used_types.is_empty()).then(|| {
        let names = used_types.iter().map(|n| ident(n));
        quote! { use crate::types::{#(#names),*}; }
    });
    let needs_fmt = gateway
        .objects
        .iter()
        .any(|o| has_sensitive_field(gateway, o));
    let fmt_import = needs_fmt.then(|| quote! { use std::fmt; });
    // Only list messages spell out serde impls; every other type's come from `rt::wire_*!`.
    let serde_import = gateway
        .objects
        .iter()
        .any(|o| o.items.is_some())
        .then(|| quote! { use serde::{Deserialize, Serialize}; });
    let rt_import = (!gateway.objects.is_empty()).then(|| quote! { use oneclick_runtime as rt; });
    quote! {
        #fmt_import

        #rt_import
        #serde_import

        #types_import

        #(#items)*
    }
}

/// Enum and scalar type names the object structs mention.
fn used_types(gateway: &Gateway) -> BTreeSet<String> {
    fn visit(gateway: &Gateway, ty: &TypeRef, out: &mut BTreeSet<String>) {
        match ty {
            TypeRef::Enum(i) => {
                out.insert(gateway.enums[*i].name.clone());
            }
            TypeRef::Scalar(i) => {
                out.insert(gateway.scalars[*i].name.clone());
            }
            TypeRef::List(inner) | TypeRef::Map(inner) => visit(gateway, inner, out),
            _ => {}
        }
    }
    let mut out = BTreeSet::new();
    for object in &gateway.objects {
        for field in struct_fields(gateway, object) {
            visit(gateway, &field.ty, &mut out);
        }
        for field in object
            .fields
            .iter()
            .filter(|f| object.variants.iter().any(|v| v.contains(&f.wire)))
        {
            visit(gateway, &field.ty, &mut out);
        }
    }
    out
}

/// Whether the struct itself holds a sensitive field; variant enums hold only fields whose
/// types redact themselves (lowering checks that).
fn has_sensitive_field(gateway: &Gateway, object: &ObjectType) -> bool {
    struct_fields(gateway, object).any(|f| f.sensitive)
}

/// The fields that become struct fields: the client fills a request's automatic ones (`const`
/// included), and a response's signature has been verified before the struct is built. An
/// answer's `const` field is a struct field: what the gateway said stays visible.
fn struct_fields<'g>(
    gateway: &'g Gateway,
    object: &'g ObjectType,
) -> impl Iterator<Item = &'g Field> {
    object.fields.iter().filter(move |f| {
        (f.auto.is_none() || object.direction == Direction::Response)
            && !(object.direction == Direction::Response && gateway.is_signature_field(&f.wire))
            && !object.variants.iter().any(|v| v.contains(&f.wire))
    })
}

/// The fields of one case of `variants`, in the object's field order.
fn case_fields<'g>(object: &'g ObjectType, case: &'g Case) -> impl Iterator<Item = &'g Field> {
    object
        .fields
        .iter()
        .filter(move |f| case.required.contains(&f.wire) || case.optional.contains(&f.wire))
}

/// A message that is a JSON array: the elements that decode, and the ones that do not, kept
/// aside so that one odd element cannot make the whole answer fail.
fn list_message(gateway: &Gateway, object: &ObjectType, element: usize) -> TokenStream {
    let name = ident(&object.name);
    let docs = doc(&object.doc);
    let element = ident(&gateway.objects[element].name);
    let serialize = wire_impls::list_message_serialize(object);
    quote! {
        #docs
        #[derive(Debug, Clone, PartialEq)]
        #[non_exhaustive]
        pub struct #name {
            /// The elements, in the order the gateway sent them.
            pub items: Vec<#element>,
            /// Elements that are not what the spec describes, kept as they came.
            pub unrecognized: Vec<serde_json::Value>,
        }

        impl<'de> Deserialize<'de> for #name {
            fn deserialize<D: serde::Deserializer<'de>>(deserializer: D) -> Result<Self, D::Error> {
                let mut items = Vec::new();
                let mut unrecognized = Vec::new();
                for value in Vec::<serde_json::Value>::deserialize(deserializer)? {
                    match #element::deserialize(&value) {
                        Ok(item) => items.push(item),
                        Err(_) => unrecognized.push(value),
                    }
                }
                Ok(Self { items, unrecognized })
            }
        }

        #serialize
    }
}

fn object(gateway: &Gateway, object: &ObjectType) -> TokenStream {
    if let Some(element) = object.items {
        return list_message(gateway, object, element);
    }
    let name = ident(&object.name);
    let sent_by = gateway
        .operations
        .iter()
        .find(|op| gateway.objects[op.request].name == object.name);
    let acknowledgement = gateway
        .operations
        .iter()
        .filter(|op| {
            op.response
                .is_some_and(|r| gateway.objects[r].name == object.name)
        })
        .find_map(|op| super::acknowledgement(gateway, op));
    let docs = match (sent_by, acknowledgement) {
        (Some(op), _) => doc(&format!(
            "{}\n\n{}",
            object.doc.trim(),
            wire_doc::on_the_wire(gateway, op, object)
        )),
        (None, Some(note)) => doc(&format!("{}\n\n{note}", object.doc.trim())),
        (None, None) => doc(&object.doc),
    };
    let fields: Vec<&Field> = struct_fields(gateway, object).collect();
    let declarations = fields
        .iter()
        .map(|f| field_declaration(gateway, object.direction, f, quote! { pub }));
    let flattened = object.variants.iter().map(|v| {
        let field = ident(&v.rust_field);
        let ty = ident(&v.name);
        let docs = doc(&v.doc);
        quote! { #docs pub #field: #ty, }
    });
    let enums = object
        .variants
        .iter()
        .map(|v| variants_enum(gateway, object, v));
    let other = object.open.then(|| {
        quote! {
            /// Fields the spec does not name, kept as the gateway sent them.
            pub other: std::collections::BTreeMap<String, serde_json::Value>,
        }
    });
    let sensitive = has_sensitive_field(gateway, object);
    let derive_debug = (!sensitive).then(|| quote! { Debug, });
    let all_optional = fields.iter().all(|f| !f.required) && object.variants.is_empty();
    let derive_default =
        (object.direction == Direction::Request && all_optional).then(|| quote! { Default, });
    let debug_impl = sensitive.then(|| redacted_debug(object, &fields));
    let builder =
        (object.direction == Direction::Request).then(|| request_impl(gateway, object, &fields));
    let wherever_sent = wherever_sent_impl(gateway, object, &fields);
    let serde_impls = wire_impls::struct_impls(object, &fields);
    quote! {
        #docs
        #[derive(#derive_debug #derive_default Clone, PartialEq)]
        #[non_exhaustive]
        pub struct #name {
            #(#declarations)*
            #(#flattened)*
            #other
        }

        #serde_impls
        #builder
        #wherever_sent
        #debug_impl
        #(#enums)*
    }
}

/// For the fields an answer may carry in another place (`also_at`), one accessor each that
/// reads whichever place the gateway used, this one first.
fn wherever_sent_impl(
    gateway: &Gateway,
    object: &ObjectType,
    fields: &[&Field],
) -> Option<TokenStream> {
    let accessors: Vec<TokenStream> = fields
        .iter()
        .filter(|f| !f.also_at.is_empty())
        .map(|f| wherever_sent(gateway, object.direction, f))
        .collect();
    if accessors.is_empty() {
        return None;
    }
    let name = ident(&object.name);
    Some(quote! {
        impl #name {
            #(#accessors)*
        }
    })
}

fn wherever_sent(gateway: &Gateway, direction: Direction, field: &Field) -> TokenStream {
    let own = ident(&field.rust_name);
    let method = format_ident!("{}_wherever_sent", field.rust_name);
    let ty = rust_type(gateway, &field.ty, direction);
    let path: Vec<&str> = field.also_at.iter().map(|s| s.wire.as_str()).collect();
    let docs = doc(&format!(
        "`{}`, wherever the gateway sent it: here, or else at `{}`.",
        field.wire,
        path.join(".")
    ));
    // Required steps are plain values and optional ones `Option`s: the chain stays a place
    // until the first optional step, and an `Option` after it.
    let mut other = quote! { self };
    let mut optional = false;
    for step in &field.also_at {
        let name = ident(&step.rust_name);
        other = match (optional, step.required) {
            (false, true) => quote! { #other.#name },
            (false, false) => quote! { #other.#name.as_ref() },
            (true, true) => quote! { #other.map(|v| &v.#name) },
            (true, false) => quote! { #other.and_then(|v| v.#name.as_ref()) },
        };
        optional |= !step.required;
    }
    if !optional {
        other = quote! { Some(&#other) };
    }
    quote! {
        #docs
        pub fn #method(&self) -> Option<&#ty> {
            self.#own.as_ref().or(#other)
        }
    }
}

/// A struct or enum-variant field; `visibility` is `pub` in structs and empty in variants.
fn field_declaration(
    gateway: &Gateway,
    direction: Direction,
    field: &Field,
    visibility: TokenStream,
) -> TokenStream {
    let name = ident(&field.rust_name);
    let text = match &field.auto {
        // Only a `const` reaches an answer's struct: the value as sent, never replaced.
        Some(Auto::Const(constant)) => format!(
            "{}\n\nThe spec fixes this value to `{constant}`; an answer with another keeps it \
             as sent here, and `validate_value` reports it (rule `const`).",
            field.doc.trim_end()
        ),
        _ => field.doc.clone(),
    };
    let in_variant = visibility.is_empty();
    let docs = if in_variant {
        super::docs::variant_field_doc(&text)
    } else {
        doc(&text)
    };
    let ty = rust_type(gateway, &field.ty, direction);
    if field.required {
        quote! { #docs #visibility #name: #ty, }
    } else {
        quote! { #docs #visibility #name: Option<#ty>, }
    }
}

/// A Rust enum for `variants`: one variant per case, its fields flattened into the parent.
fn variants_enum(gateway: &Gateway, object: &ObjectType, variants: &Variants) -> TokenStream {
    let name = ident(&variants.name);
    let docs = doc(&variants.doc);
    let cases = variants.cases.iter().map(|case| {
        let variant = ident(&case.variant);
        let docs = doc(&case.doc);
        let fields = case_fields(object, case).map(|f| {
            let required = Field {
                required: case.required.contains(&f.wire),
                ..f.clone()
            };
            field_declaration(gateway, object.direction, &required, quote! {})
        });
        quote! { #docs #variant { #(#fields)* }, }
    });
    let serde_impls = wire_impls::variants_impls(object, variants, |case| {
        case_fields(object, case)
            .map(|f| (f.clone(), case.required.contains(&f.wire)))
            .collect()
    });
    quote! {
        #docs
        #[derive(Debug, Clone, PartialEq)]
        #[non_exhaustive]
        pub enum #name {
            #(#cases)*
        }

        #serde_impls
    }
}

fn request_impl(gateway: &Gateway, object: &ObjectType, fields: &[&Field]) -> TokenStream {
    let name = ident(&object.name);
    let schema = ident(&object.schema_const);
    let required: Vec<&&Field> = fields.iter().filter(|f| f.required).collect();
    let params = required
        .iter()
        .map(|f| {
            let name = ident(&f.rust_name);
            let ty = rust_type(gateway, &f.ty, Direction::Request);
            quote! { #name: #ty }
        })
        .chain(object.variants.iter().map(|v| {
            let name = ident(&v.rust_field);
            let ty = ident(&v.name);
            quote! { #name: #ty }
        }));
    let inits = fields
        .iter()
        .map(|f| {
            let name = ident(&f.rust_name);
            if f.required {
                quote! { #name }
            } else {
                quote! { #name: None }
            }
        })
        .chain(object.variants.iter().map(|v| {
            let name = ident(&v.rust_field);
            quote! { #name }
        }));
    let setters = fields.iter().filter(|f| !f.required).map(|f| {
        let name = ident(&f.rust_name);
        let ty = rust_type(gateway, &f.ty, Direction::Request);
        let docs = doc(&f.doc);
        quote! {
            #docs
            pub fn #name(mut self, value: #ty) -> Self {
                self.#name = Some(value);
                self
            }
        }
    });
    let presets = object
        .presets
        .iter()
        .map(|p| preset(gateway, object, fields, p));
    let constructor_doc = if required.is_empty() && object.variants.is_empty() {
        " An empty value; set fields with the setters."
    } else {
        " A value with the required fields; set optional ones with the setters."
    };
    // Constructors mirror the spec's required fields; some documents simply require many.
    let many = (required.len() + object.variants.len() > 7)
        .then(|| quote! { #[allow(clippy::too_many_arguments)] });
    quote! {
        impl #name {
            #[doc = #constructor_doc]
            #many
            pub fn new(#(#params),*) -> Self {
                Self { #(#inits),* }
            }

            #(#presets)*

            #(#setters)*

            /// Checks every constraint and rule of the spec and returns all violations, each with
            /// its JSON-pointer path. Client calls do this before anything is sent.
            pub fn validate(&self) -> Result<(), rt::Violations> {
                rt::validate::validate(&crate::schema::#schema, self)
            }
        }
    }
}

fn redacted_debug(object: &ObjectType, fields: &[&Field]) -> TokenStream {
    let name = ident(&object.name);
    let label = &object.name;
    let entries = fields
        .iter()
        .map(|f| {
            let field = ident(&f.rust_name);
            let key = &f.rust_name;
            if f.sensitive {
                quote! { .field(#key, &"***") }
            } else {
                quote! { .field(#key, &self.#field) }
            }
        })
        .chain(object.variants.iter().map(|v| {
            let field = ident(&v.rust_field);
            let key = &v.rust_field;
            quote! { .field(#key, &self.#field) }
        }))
        .chain(object.open.then(|| quote! { .field("other", &self.other) }));
    quote! {
        /// Card data and secrets print as `***`.
        impl fmt::Debug for #name {
            fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
                f.debug_struct(#label) #(#entries)* .finish()
            }
        }
    }
}

/// A named constructor: the preset's values in place, its arguments as parameters.
fn preset(
    gateway: &Gateway,
    object: &ObjectType,
    fields: &[&Field],
    preset: &Preset,
) -> TokenStream {
    let name = ident(&preset.name);
    let docs = doc(&preset.doc);
    let params = preset.args.iter().filter_map(|wire| {
        let field = fields.iter().find(|f| f.wire == *wire)?;
        let name = ident(&field.rust_name);
        let ty = rust_type(gateway, &field.ty, object.direction);
        Some(quote! { #name: #ty })
    });
    let inits = fields.iter().map(|field| {
        let name = ident(&field.rust_name);
        let value = if let Some((_, literal)) = preset.set.iter().find(|(w, _)| *w == field.wire) {
            match (&field.ty, literal) {
                (TypeRef::Enum(e), literal) => {
                    let enum_type = &gateway.enums[*e];
                    let variant = enum_type
                        .values
                        .iter()
                        .find(|v| v.wire == *literal)
                        .map(|v| ident(&v.variant));
                    let ty = ident(&enum_type.name);
                    Some(quote! { #ty::#variant })
                }
                (_, Literal::Bool(b)) => Some(quote! { #b }),
                _ => None,
            }
        } else if preset.args.contains(&field.wire) {
            if field.required {
                return quote! { #name };
            }
            Some(quote! { #name })
        } else {
            None
        };
        match (value, field.required) {
            (Some(value), true) => quote! { #name: #value },
            (Some(value), false) => quote! { #name: Some(#value) },
            (None, _) => quote! { #name: None },
        }
    });
    quote! {
        #docs
        pub fn #name(#(#params),*) -> Self {
            Self { #(#inits),* }
        }
    }
}

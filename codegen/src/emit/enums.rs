//! Enums: one Rust enum per spec enum, with an `Unknown` variant so that responses carrying a
//! value newer than the spec still decode; request validation rejects `Unknown`. The mapping to
//! and from the wire is the enum's own; `Display` and serde, the same for every enum, come from
//! one runtime macro per enum.

use proc_macro2::TokenStream;
use quote::quote;

use super::{doc, ident};
use crate::ir::{EnumRepr, EnumType, Gateway, Literal};

pub(super) fn enums(gateway: &Gateway) -> TokenStream {
    let items = gateway.enums.iter().map(enum_type);
    quote! { #(#items)* }
}

fn enum_type(e: &EnumType) -> TokenStream {
    let name = ident(&e.name);
    let docs = doc(&e.doc);
    let variants = e.values.iter().map(|v| {
        let variant = ident(&v.variant);
        let wire = match &v.wire {
            Literal::Str(s) => format!("`{s}`"),
            Literal::Int(i) => format!("`{i}`"),
            Literal::Bool(b) => format!("`{b}`"),
        };
        let text = if v.doc.is_empty() {
            wire
        } else {
            format!("{wire}: {}", v.doc)
        };
        let docs = doc(&text);
        quote! { #docs #variant, }
    });
    let unknown_doc = doc(
        "A value this version of the spec does not know: responses keep it, requests reject it.",
    );
    match e.repr {
        EnumRepr::Str => string_enum(e, &name, docs, variants.collect(), unknown_doc),
        EnumRepr::Int => integer_enum(e, &name, docs, variants.collect(), unknown_doc),
    }
}

fn string_enum(
    e: &EnumType,
    name: &proc_macro2::Ident,
    docs: TokenStream,
    variants: Vec<TokenStream>,
    unknown_doc: TokenStream,
) -> TokenStream {
    let to_wire = e.values.iter().map(|v| {
        let variant = ident(&v.variant);
        let wire = wire_str(&v.wire);
        quote! { Self::#variant => #wire, }
    });
    let from_wire = e.values.iter().map(|v| {
        let variant = ident(&v.variant);
        let wire = wire_str(&v.wire);
        quote! { #wire => Self::#variant, }
    });
    quote! {
        #docs
        #[derive(Debug, Clone, PartialEq, Eq, Hash)]
        #[non_exhaustive]
        pub enum #name {
            #(#variants)*
            #unknown_doc
            Unknown(String),
        }

        impl #name {
            /// The value as it travels on the wire.
            pub fn as_str(&self) -> &str {
                match self {
                    #(#to_wire)*
                    Self::Unknown(value) => value,
                }
            }
        }

        impl From<&str> for #name {
            fn from(value: &str) -> Self {
                match value {
                    #(#from_wire)*
                    other => Self::Unknown(other.to_string()),
                }
            }
        }

        rt::string_enum_impls!(#name);
    }
}

fn integer_enum(
    e: &EnumType,
    name: &proc_macro2::Ident,
    docs: TokenStream,
    variants: Vec<TokenStream>,
    unknown_doc: TokenStream,
) -> TokenStream {
    let to_wire = e.values.iter().map(|v| {
        let variant = ident(&v.variant);
        let wire = wire_int(&v.wire);
        quote! { Self::#variant => #wire, }
    });
    let from_wire = e.values.iter().map(|v| {
        let variant = ident(&v.variant);
        let wire = wire_int(&v.wire);
        quote! { #wire => Self::#variant, }
    });
    quote! {
        #docs
        #[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
        #[non_exhaustive]
        pub enum #name {
            #(#variants)*
            #unknown_doc
            Unknown(i64),
        }

        impl #name {
            /// The value as it travels on the wire.
            pub fn code(self) -> i64 {
                match self {
                    #(#to_wire)*
                    Self::Unknown(value) => value,
                }
            }
        }

        impl From<i64> for #name {
            fn from(value: i64) -> Self {
                match value {
                    #(#from_wire)*
                    other => Self::Unknown(other),
                }
            }
        }

        rt::integer_enum_impls!(#name);
    }
}

fn wire_str(value: &Literal) -> String {
    match value {
        Literal::Str(s) => s.clone(),
        Literal::Int(i) => i.to_string(),
        Literal::Bool(b) => b.to_string(),
    }
}

fn wire_int(value: &Literal) -> i64 {
    match value {
        Literal::Int(i) => *i,
        _ => 0,
    }
}

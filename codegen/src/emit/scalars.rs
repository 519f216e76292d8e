//! Constrained scalars: a newtype per scalar with a private inner value, so a value that broke
//! the spec's constraints cannot exist; `TryFrom` and `Deserialize` check them. Answers hold
//! the newtype through `rt::Checked`, which keeps a value that breaks them instead. The impls,
//! the same for every scalar but for its constraints, come from one runtime macro per scalar.

use crate::case::ToShoutySnakeCase;
use proc_macro2::TokenStream;
use quote::quote;

use super::{doc, ident};
use crate::ir::{Gateway, ScalarBase, ScalarType};

pub(super) fn scalars(gateway: &Gateway) -> TokenStream {
    let items = gateway.scalars.iter().map(scalar);
    quote! { #(#items)* }
}

/// Name of the `schema` static holding a scalar's constraints.
pub(super) fn constraints_const(scalar: &ScalarType) -> proc_macro2::Ident {
    ident(&format!(
        "{}_CONSTRAINTS",
        scalar.name.to_shouty_snake_case()
    ))
}

fn scalar(s: &ScalarType) -> TokenStream {
    let name = ident(&s.name);
    let docs = doc(&s.doc);
    let constraints = constraints_const(s);
    let (inner, impls, copy) = match s.base {
        ScalarBase::String => (quote! { String }, quote! { string_scalar }, None),
        ScalarBase::Integer => (
            quote! { i64 },
            quote! { integer_scalar },
            Some(quote! { Copy, }),
        ),
    };
    // A sensitive value's `Debug` comes from the macro, which never prints it.
    let (derive_debug, sensitive) = if s.sensitive {
        (None, Some(quote! { , sensitive }))
    } else {
        (Some(quote! { Debug, }), None)
    };
    quote! {
        #docs
        #[derive(#derive_debug Clone, #copy PartialEq, Eq, Hash)]
        pub struct #name(#inner);

        rt::#impls!(#name, schema::#constraints #sensitive);
    }
}

//! Constrained scalars: a newtype per scalar with a private inner value, so a value that broke
//! the spec's constraints cannot exist; `TryFrom` and `Deserialize` check them. Answers hold
//! the newtype through `rt::Checked`, which keeps a value that breaks them instead.

use heck::ToShoutySnakeCase;
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
    let (inner, check, accessors, extra) = match s.base {
        ScalarBase::String => (
            quote! { String },
            quote! { rt::validate::check_str(crate::schema::#constraints, &value)?; },
            quote! {
                /// The value as a string slice.
                pub fn as_str(&self) -> &str {
                    &self.0
                }

                /// The value, giving up the type's guarantee.
                pub fn into_inner(self) -> String {
                    self.0
                }
            },
            quote! {
                impl TryFrom<&str> for #name {
                    type Error = rt::Violations;

                    fn try_from(value: &str) -> Result<Self, Self::Error> {
                        Self::try_from(value.to_string())
                    }
                }

                impl AsRef<str> for #name {
                    fn as_ref(&self) -> &str {
                        &self.0
                    }
                }

                impl Serialize for #name {
                    fn serialize<S: Serializer>(&self, serializer: S) -> Result<S::Ok, S::Error> {
                        serializer.serialize_str(&self.0)
                    }
                }
            },
        ),
        ScalarBase::Integer => (
            quote! { i64 },
            quote! { rt::validate::check_int(crate::schema::#constraints, value)?; },
            quote! {
                /// The value.
                pub fn get(self) -> i64 {
                    self.0
                }
            },
            quote! {
                impl Serialize for #name {
                    fn serialize<S: Serializer>(&self, serializer: S) -> Result<S::Ok, S::Error> {
                        serializer.serialize_i64(self.0)
                    }
                }
            },
        ),
    };
    let sensitive = s.sensitive;
    let copy = (s.base == ScalarBase::Integer).then(|| quote! { Copy, });
    let (derive_debug, debug_impl, display_impl) = if s.sensitive {
        let label = format!("{}(***)", s.name);
        (
            quote! {},
            quote! {
                /// Card data or a secret: never printed.
                impl fmt::Debug for #name {
                    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
                        f.write_str(#label)
                    }
                }
            },
            quote! {},
        )
    } else {
        (
            quote! { Debug, },
            quote! {},
            quote! {
                impl fmt::Display for #name {
                    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
                        fmt::Display::fmt(&self.0, f)
                    }
                }
            },
        )
    };
    quote! {
        #docs
        #[derive(#derive_debug Clone, #copy PartialEq, Eq, Hash)]
        pub struct #name(#inner);

        impl #name {
            #accessors
        }

        impl TryFrom<#inner> for #name {
            type Error = rt::Violations;

            fn try_from(value: #inner) -> Result<Self, Self::Error> {
                #check
                Ok(Self(value))
            }
        }

        impl rt::Constrained for #name {
            type Raw = #inner;
            const SENSITIVE: bool = #sensitive;

            fn check(raw: #inner) -> Result<Self, rt::Violations> {
                Self::try_from(raw)
            }

            fn raw(&self) -> &#inner {
                &self.0
            }
        }

        #extra
        #debug_impl
        #display_impl

        impl<'de> Deserialize<'de> for #name {
            fn deserialize<D: Deserializer<'de>>(deserializer: D) -> Result<Self, D::Error> {
                let value = #inner::deserialize(deserializer)?;
                Self::try_from(value).map_err(serde::de::Error::custom)
            }
        }
    }
}

//! The recipe statics of `src/schema.rs`: each recipe of the spec as data the runtime
//! interprets, and the signature orders its `order` pieces read.

use oneclick_schema::ClosedSet;
use oneclick_schema::recipe::{Algorithm, HmacHash, KeyEncoding, RsaHash};
use proc_macro2::TokenStream;
use quote::{format_ident, quote};

use super::{doc, ident};
use crate::ir::{FlatSpec, Gateway, Piece, Placement, Recipe, SignedField, ValuesFormat};

/// One `pub static RECIPE_<NAME>: recipe::NamedRecipe` per recipe.
pub(super) fn recipe_statics(gateway: &Gateway) -> TokenStream {
    let statics = gateway.recipes.iter().map(recipe_static);
    quote! { #(#statics)* }
}

fn recipe_static(recipe: &Recipe) -> TokenStream {
    let name = ident(&recipe.const_name);
    let spec_name = &recipe.name;
    let text = pieces(&recipe.text);
    let algorithm = algorithm(recipe.algorithm);
    let output = word(recipe.output);
    let placement = placement(&recipe.placement);
    let sign_key = option(recipe.sign_key.as_deref());
    let verify_key = option(recipe.verify_key.as_deref());
    let optional_credentials = &recipe.optional_credentials;
    let max_age = match recipe.max_age {
        Some(seconds) => {
            let seconds = proc_macro2::Literal::u32_unsuffixed(seconds);
            quote! { Some(#seconds) }
        }
        None => quote! { None },
    };
    let docs = doc(&format!("The signature recipe `{}`.", recipe.name));
    quote! {
        #docs
        pub static #name: recipe::NamedRecipe = recipe::NamedRecipe {
            name: #spec_name,
            recipe: recipe::Recipe {
                text: #text,
                algorithm: #algorithm,
                output: #output,
                placement: #placement,
            },
            sign_key: #sign_key,
            verify_key: #verify_key,
            optional_credentials: &[#(#optional_credentials),*],
            max_age: #max_age,
        };
    }
}

/// `&[&RECIPE_A, &RECIPE_B]` for recipe indexes.
pub(super) fn recipe_refs(gateway: &Gateway, indexes: &[usize]) -> TokenStream {
    let refs = indexes.iter().map(|i| {
        let name = ident(&gateway.recipes[*i].const_name);
        quote! { &#name }
    });
    quote! { &[#(#refs),*] }
}

fn option(value: Option<&str>) -> TokenStream {
    match value {
        Some(value) => quote! { Some(#value) },
        None => quote! { None },
    }
}

/// A closed-set word of the recipe module: `recipe::Output::Base64`.
fn word<T: ClosedSet>(value: T) -> TokenStream {
    let ty = format_ident!("{}", T::TYPE_NAME);
    let variant = format_ident!("{}", value.variant_name());
    quote! { recipe::#ty::#variant }
}

fn algorithm(algorithm: Algorithm) -> TokenStream {
    match algorithm {
        Algorithm::RsaPkcs1(hash) => {
            let hash = format_ident!(
                "{}",
                match hash {
                    RsaHash::Sha1 => "Sha1",
                    RsaHash::Sha256 => "Sha256",
                    RsaHash::Sha512 => "Sha512",
                }
            );
            quote! { recipe::Algorithm::RsaPkcs1(recipe::RsaHash::#hash) }
        }
        Algorithm::Hmac(hash, key) => {
            let hash = format_ident!(
                "{}",
                match hash {
                    HmacHash::Sha256 => "Sha256",
                    HmacHash::Sha512 => "Sha512",
                }
            );
            let key = word::<KeyEncoding>(key);
            quote! { recipe::Algorithm::Hmac(recipe::HmacHash::#hash, #key) }
        }
        Algorithm::Digest(digest) => {
            let digest = word(digest);
            quote! { recipe::Algorithm::Digest(#digest) }
        }
    }
}

fn pieces(pieces: &[Piece]) -> TokenStream {
    let pieces = pieces.iter().map(piece);
    quote! { &[#(#pieces),*] }
}

fn piece(piece: &Piece) -> TokenStream {
    match piece {
        Piece::Literal(text) => quote! { recipe::Piece::Literal(#text) },
        Piece::Input(name) => quote! { recipe::Piece::Input(#name) },
        Piece::RawBody => quote! { recipe::Piece::RawBody },
        Piece::Order(format) => {
            let format = order_format(format);
            quote! { recipe::Piece::Order(#format) }
        }
        Piece::Fields(fields, format) => {
            let fields = signed_fields(fields);
            let ValuesFormat {
                separator,
                absent,
                booleans,
            } = format;
            let (absent, booleans) = (word(*absent), word(*booleans));
            quote! {
                recipe::Piece::Fields(recipe::FieldList {
                    fields: #fields,
                    separator: #separator,
                    absent: #absent,
                    booleans: #booleans,
                })
            }
        }
        Piece::Flat(flat) => flat_piece(flat),
        Piece::Pairs {
            fields,
            assign,
            separator,
            booleans,
        } => {
            let booleans = word(*booleans);
            quote! {
                recipe::Piece::Pairs(recipe::Pairs {
                    fields: &[#(#fields),*],
                    assign: #assign,
                    separator: #separator,
                    booleans: #booleans,
                })
            }
        }
        Piece::Json(fields) => {
            quote! { recipe::Piece::Json(recipe::JsonObject { fields: &[#(#fields),*] }) }
        }
        Piece::Digest {
            algorithm,
            output,
            of,
        } => {
            let (algorithm, output, of) = (word(*algorithm), word(*output), pieces(of));
            quote! { recipe::Piece::Digest { algorithm: #algorithm, of: #of, output: #output } }
        }
        Piece::Upper(of) => {
            let of = pieces(of);
            quote! { recipe::Piece::Upper(#of) }
        }
    }
}

fn order_format(format: &ValuesFormat) -> TokenStream {
    let separator = &format.separator;
    let (absent, booleans) = (word(format.absent), word(format.booleans));
    quote! {
        recipe::OrderFormat { separator: #separator, absent: #absent, booleans: #booleans }
    }
}

fn flat_piece(flat: &FlatSpec) -> TokenStream {
    let FlatSpec {
        exclude,
        nesting,
        assign,
        separator,
        sort,
        escape,
        booleans,
    } = flat;
    let (sort, escape, booleans) = (word(*sort), word(*escape), word(*booleans));
    quote! {
        recipe::Piece::Flat(recipe::Flat {
            exclude: &[#(#exclude),*],
            nesting: #nesting,
            assign: #assign,
            separator: #separator,
            sort: #sort,
            escape: #escape,
            booleans: #booleans,
        })
    }
}

fn signed_fields(fields: &[SignedField]) -> TokenStream {
    let fields = fields.iter().map(|field| match field {
        SignedField::Value(name) => quote! { recipe::Field::value(#name) },
        SignedField::Object(name, children) => {
            let children = signed_fields(children);
            quote! { recipe::Field::object(#name, #children) }
        }
    });
    quote! { &[#(#fields),*] }
}

fn placement(placement: &Placement) -> TokenStream {
    match placement {
        Placement::Field(path) => quote! { recipe::Placement::Field(&[#(#path),*]) },
        Placement::Path(name) => quote! { recipe::Placement::Path(#name) },
        Placement::Query(name) => quote! { recipe::Placement::Query(#name) },
        Placement::EachItem { list, field } => quote! {
            recipe::Placement::EachItem { list: &[#(#list),*], field: &[#(#field),*] }
        },
        Placement::Header {
            name,
            items,
            separator,
            assign,
        } => {
            let items = items.iter().map(|(item, input)| {
                let value = match input {
                    Some(input) => quote! { recipe::HeaderItemValue::Input(#input) },
                    None => quote! { recipe::HeaderItemValue::Signature },
                };
                quote! { recipe::HeaderItem { name: #item, value: #value } }
            });
            quote! {
                recipe::Placement::Header(recipe::HeaderValue {
                    name: #name,
                    items: &[#(#items),*],
                    separator: #separator,
                    assign: #assign,
                })
            }
        }
    }
}

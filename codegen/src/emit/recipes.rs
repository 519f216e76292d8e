//! The recipe statics of `src/schema.rs`: each recipe of the spec as data the runtime
//! interprets, and the signature orders its `order` pieces read.

use oneclick_schema::ClosedSet;
use oneclick_schema::recipe::{Algorithm, HmacHash, KeyEncoding, RsaHash};

use super::pretty::{Static, Value};
use super::schema::name;
use crate::ir::{FlatSpec, Gateway, Piece, Placement, Recipe, SignedField, ValuesFormat};

/// One `pub static RECIPE_<NAME>: recipe::NamedRecipe` per recipe.
pub(super) fn recipe_statics(gateway: &Gateway) -> impl Iterator<Item = Static> + '_ {
    gateway.recipes.iter().map(recipe_static)
}

fn recipe_static(recipe: &Recipe) -> Static {
    Static {
        docs: format!("The signature recipe `{}`.", recipe.name),
        public: true,
        name: name(&recipe.const_name),
        ty: "recipe::NamedRecipe".into(),
        value: Value::fields(
            "recipe::NamedRecipe",
            [
                ("name", Value::str(&recipe.name)),
                (
                    "recipe",
                    Value::fields(
                        "recipe::Recipe",
                        [
                            ("text", pieces(&recipe.text)),
                            ("algorithm", algorithm(recipe.algorithm)),
                            ("output", word(recipe.output)),
                            ("placement", placement(&recipe.placement)),
                        ],
                    ),
                ),
                ("sign_key", option(recipe.sign_key.as_deref())),
                ("verify_key", option(recipe.verify_key.as_deref())),
                (
                    "optional_credentials",
                    Value::strs(&recipe.optional_credentials),
                ),
                ("max_age", Value::option(recipe.max_age.map(Value::int))),
            ],
        ),
    }
}

/// `&[&RECIPE_A, &RECIPE_B]` for recipe indexes.
pub(super) fn recipe_refs(gateway: &Gateway, indexes: &[usize]) -> Value {
    Value::slice(
        indexes
            .iter()
            .map(|i| Value::reference(Value::path(name(&gateway.recipes[*i].const_name)))),
    )
}

fn option(value: Option<&str>) -> Value {
    Value::option(value.map(Value::str))
}

/// A closed-set word of the recipe module: `recipe::Output::Base64`.
fn word<T: ClosedSet>(value: T) -> Value {
    Value::path(format!(
        "recipe::{}::{}",
        T::TYPE_NAME,
        value.variant_name()
    ))
}

fn algorithm(algorithm: Algorithm) -> Value {
    match algorithm {
        Algorithm::RsaPkcs1(hash) => {
            let hash = match hash {
                RsaHash::Sha1 => "Sha1",
                RsaHash::Sha256 => "Sha256",
                RsaHash::Sha512 => "Sha512",
            };
            Value::call(
                "recipe::Algorithm::RsaPkcs1",
                [Value::path(format!("recipe::RsaHash::{hash}"))],
            )
        }
        Algorithm::Hmac(hash, key) => {
            let hash = match hash {
                HmacHash::Sha256 => "Sha256",
                HmacHash::Sha512 => "Sha512",
            };
            Value::call(
                "recipe::Algorithm::Hmac",
                [
                    Value::path(format!("recipe::HmacHash::{hash}")),
                    word::<KeyEncoding>(key),
                ],
            )
        }
        Algorithm::Digest(digest) => Value::call("recipe::Algorithm::Digest", [word(digest)]),
    }
}

fn pieces(pieces: &[Piece]) -> Value {
    Value::slice(pieces.iter().map(piece))
}

fn piece(piece: &Piece) -> Value {
    match piece {
        Piece::Literal(text) => Value::call("recipe::Piece::Literal", [Value::str(text)]),
        Piece::Input(name) => Value::call("recipe::Piece::Input", [Value::str(name)]),
        Piece::RawBody => Value::path("recipe::Piece::RawBody"),
        Piece::Order(format) => Value::call("recipe::Piece::Order", [order_format(format)]),
        Piece::Fields(fields, format) => {
            let ValuesFormat {
                separator,
                absent,
                booleans,
            } = format;
            Value::call(
                "recipe::Piece::Fields",
                [Value::fields(
                    "recipe::FieldList",
                    [
                        ("fields", signed_fields(fields)),
                        ("separator", Value::str(separator)),
                        ("absent", word(*absent)),
                        ("booleans", word(*booleans)),
                    ],
                )],
            )
        }
        Piece::Flat(flat) => flat_piece(flat),
        Piece::Pairs {
            fields,
            assign,
            separator,
            booleans,
        } => Value::call(
            "recipe::Piece::Pairs",
            [Value::fields(
                "recipe::Pairs",
                [
                    ("fields", Value::strs(fields)),
                    ("assign", Value::str(assign)),
                    ("separator", Value::str(separator)),
                    ("booleans", word(*booleans)),
                ],
            )],
        ),
        Piece::Json(fields) => Value::call(
            "recipe::Piece::Json",
            [Value::fields(
                "recipe::JsonObject",
                [("fields", Value::strs(fields))],
            )],
        ),
        Piece::Digest {
            algorithm,
            output,
            of,
        } => Value::fields(
            "recipe::Piece::Digest",
            [
                ("algorithm", word(*algorithm)),
                ("of", pieces(of)),
                ("output", word(*output)),
            ],
        ),
        Piece::Upper(of) => Value::call("recipe::Piece::Upper", [pieces(of)]),
    }
}

fn order_format(format: &ValuesFormat) -> Value {
    Value::fields(
        "recipe::OrderFormat",
        [
            ("separator", Value::str(&format.separator)),
            ("absent", word(format.absent)),
            ("booleans", word(format.booleans)),
        ],
    )
}

fn flat_piece(flat: &FlatSpec) -> Value {
    let FlatSpec {
        exclude,
        nesting,
        assign,
        separator,
        sort,
        escape,
        booleans,
    } = flat;
    Value::call(
        "recipe::Piece::Flat",
        [Value::fields(
            "recipe::Flat",
            [
                ("exclude", Value::strs(exclude)),
                ("nesting", Value::str(nesting)),
                ("assign", Value::str(assign)),
                ("separator", Value::str(separator)),
                ("sort", word(*sort)),
                ("escape", word(*escape)),
                ("booleans", word(*booleans)),
            ],
        )],
    )
}

fn signed_fields(fields: &[SignedField]) -> Value {
    Value::slice(fields.iter().map(|field| match field {
        SignedField::Value(name) => Value::call("recipe::Field::value", [Value::str(name)]),
        SignedField::Object(name, children) => Value::call(
            "recipe::Field::object",
            [Value::str(name), signed_fields(children)],
        ),
    }))
}

fn placement(placement: &Placement) -> Value {
    match placement {
        Placement::Field(path) => Value::call("recipe::Placement::Field", [Value::strs(path)]),
        Placement::Path(name) => Value::call("recipe::Placement::Path", [Value::str(name)]),
        Placement::Query(name) => Value::call("recipe::Placement::Query", [Value::str(name)]),
        Placement::EachItem { list, field } => Value::fields(
            "recipe::Placement::EachItem",
            [("list", Value::strs(list)), ("field", Value::strs(field))],
        ),
        Placement::Header {
            name,
            items,
            separator,
            assign,
        } => {
            let items = items.iter().map(|(item, input)| {
                let value = match input {
                    Some(input) => {
                        Value::call("recipe::HeaderItemValue::Input", [Value::str(input)])
                    }
                    None => Value::path("recipe::HeaderItemValue::Signature"),
                };
                Value::fields(
                    "recipe::HeaderItem",
                    [("name", Value::str(item)), ("value", value)],
                )
            });
            Value::call(
                "recipe::Placement::Header",
                [Value::fields(
                    "recipe::HeaderValue",
                    [
                        ("name", Value::str(name)),
                        ("items", Value::slice(items)),
                        ("separator", Value::str(separator)),
                        ("assign", Value::str(assign)),
                    ],
                )],
            )
        }
    }
}

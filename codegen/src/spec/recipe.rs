//! Reading `signature:`: the gateway's named recipes and which of them sign requests and
//! verify answers by default.

use oneclick_schema::recipe::{
    Absent, AlgorithmName, Booleans, DigestAlgorithm, FlatSort, KeyEncoding, KeyEscape, Output,
};

use super::{Keys, Pos, Reader, Spanned, Text, must_be};
use crate::yaml::{Node, Value};

#[derive(Debug, Clone)]
pub struct SignatureSpec {
    /// Recipes that sign every request that names none of its own.
    pub sign: Vec<Text>,
    /// Recipes every signed response and callback verifies with unless it names its own.
    pub verify: Vec<Text>,
    pub recipes: Vec<RecipeSpec>,
}

#[derive(Debug, Clone)]
pub struct RecipeSpec {
    pub name: Text,
    pub text: Vec<PieceSpec>,
    pub algorithm: Spanned<AlgorithmName>,
    pub key_encoding: Option<Spanned<KeyEncoding>>,
    pub sign_key: Option<Text>,
    pub verify_key: Option<Text>,
    pub output: Spanned<Output>,
    pub placement: PlacementSpec,
    /// How far, in seconds, a verified message's `timestamp` may be from the clock.
    pub max_age: Option<Spanned<i64>>,
}

/// A recipe as written, before `like` fills in what it leaves out.
struct RecipeDraft {
    like: Option<Text>,
    recipe: PartialRecipe,
}

#[derive(Clone)]
struct PartialRecipe {
    name: Text,
    text: Option<Vec<PieceSpec>>,
    algorithm: Option<Spanned<AlgorithmName>>,
    key_encoding: Option<Spanned<KeyEncoding>>,
    sign_key: Option<Text>,
    verify_key: Option<Text>,
    output: Option<Spanned<Output>>,
    placement: Option<PlacementSpec>,
    max_age: Option<Spanned<i64>>,
}

impl PartialRecipe {
    /// Takes from `base` every key this recipe does not give, but the keys and `max_age`:
    /// which credential signs or verifies, and how old a verified message may be, is each
    /// recipe's own word, so copying a request's text never makes a verifying recipe sign.
    fn inherit(&mut self, base: &PartialRecipe) {
        fn or<T: Clone>(own: &mut Option<T>, base: &Option<T>) {
            if own.is_none() {
                own.clone_from(base);
            }
        }
        or(&mut self.text, &base.text);
        or(&mut self.algorithm, &base.algorithm);
        or(&mut self.key_encoding, &base.key_encoding);
        or(&mut self.output, &base.output);
        or(&mut self.placement, &base.placement);
    }

    /// The recipe, when every required key was read (a missing one is already reported).
    fn complete(self) -> Option<RecipeSpec> {
        Some(RecipeSpec {
            name: self.name,
            text: self.text?,
            algorithm: self.algorithm?,
            key_encoding: self.key_encoding,
            sign_key: self.sign_key,
            verify_key: self.verify_key,
            output: self.output?,
            placement: self.placement?,
            max_age: self.max_age,
        })
    }
}

#[derive(Debug, Clone)]
pub enum PieceSpec {
    Literal(Text),
    /// A credential's value, by name.
    Credential(Text),
    /// A value the message brings beside its body (an item of a structured header).
    Input(Text),
    RawBody(Pos),
    /// The message's own signature order.
    Order(Pos, ValuesFormat),
    /// Declared fields, dotted paths for nested ones.
    Fields(Vec<Text>, ValuesFormat),
    Flat(FlatSpec),
    Pairs {
        fields: Vec<Text>,
        assign: String,
        separator: String,
        booleans: Booleans,
    },
    Json(Vec<Text>),
    Digest {
        algorithm: Spanned<DigestAlgorithm>,
        output: Output,
        of: Vec<PieceSpec>,
    },
    Upper(Vec<PieceSpec>),
}

#[derive(Debug, Clone)]
pub struct ValuesFormat {
    pub separator: String,
    pub absent: Absent,
    pub booleans: Booleans,
}

#[derive(Debug, Clone)]
pub struct FlatSpec {
    pub exclude: Vec<String>,
    pub nesting: String,
    pub assign: String,
    pub separator: String,
    pub sort: FlatSort,
    pub escape: KeyEscape,
    pub booleans: Booleans,
}

#[derive(Debug, Clone)]
pub enum PlacementSpec {
    /// A body field, dotted for a nested one.
    Field(Text),
    /// `{each: orders, field: checkdata.checkvalue}`: a signature in each item of a list,
    /// over that item's fields.
    EachItem { list: Text, field: Text },
    /// `{path: signature}`: the `{signature}` placeholder of the request's path.
    Path(Text),
    /// `{query: sig}`: a query parameter.
    Query(Text),
    Header {
        name: Text,
        /// `name=value` items in order: `signature`, or the name of an input.
        items: Vec<(Text, Text)>,
        separator: String,
        assign: String,
    },
}

impl Reader<'_> {
    pub(super) fn signature(&mut self, node: &Node) -> Option<SignatureSpec> {
        let mut keys = self.map(node, "`signature`")?;
        if let Some(scheme) = keys.take("scheme") {
            keys.r.sink.error(
                scheme.pos,
                "named schemes are gone: declare the signature as a recipe under `recipes` (spec/README.md, Signature recipes)",
            );
        }
        let sign = keys
            .optional("sign")
            .map(|n| keys.r.texts(n))
            .unwrap_or_default();
        let verify = keys
            .optional("verify")
            .map(|n| keys.r.texts(n))
            .unwrap_or_default();
        let drafts = keys
            .required("recipes")
            .map(|n| keys.r.entries(n, "`recipes`", Self::recipe))
            .unwrap_or_default();
        keys.finish();
        let recipes = self.resolve_likes(drafts);
        Some(SignatureSpec {
            sign,
            verify,
            recipes,
        })
    }

    /// One recipe as written: with `like`, every key it leaves out but `sign_key` and
    /// `verify_key` comes from the recipe named there, once all recipes are read.
    fn recipe(&mut self, name: Text, node: &Node) -> Option<RecipeDraft> {
        let mut keys = self.map(node, "a recipe")?;
        let like = keys.optional("like").and_then(|n| keys.r.text(n));
        let inherits = like.is_some();
        let text = needed(&mut keys, "text", inherits).map(|n| keys.r.pieces(n));
        let algorithm = needed(&mut keys, "algorithm", inherits)
            .and_then(|n| keys.r.word(n, |unknown| must_be("`algorithm`", unknown)));
        let key_encoding = keys
            .optional("key_encoding")
            .and_then(|n| keys.r.word(n, |unknown| must_be("`key_encoding`", unknown)));
        let sign_key = keys.optional("sign_key").and_then(|n| keys.r.text(n));
        let verify_key = keys.optional("verify_key").and_then(|n| keys.r.text(n));
        let output = needed(&mut keys, "output", inherits)
            .and_then(|n| keys.r.word(n, |unknown| must_be("`output`", unknown)));
        let placement = needed(&mut keys, "placement", inherits).and_then(|n| keys.r.placement(n));
        let max_age = keys.optional("max_age").and_then(|n| keys.r.int(n));
        keys.finish();
        Some(RecipeDraft {
            like,
            recipe: PartialRecipe {
                name,
                text,
                algorithm,
                key_encoding,
                sign_key,
                verify_key,
                output,
                placement,
                max_age,
            },
        })
    }

    /// The recipes with what each `like` inherits filled in. A recipe copies one that copies
    /// nothing, so what a recipe signs with is found by reading at most two of them.
    fn resolve_likes(&mut self, drafts: Vec<RecipeDraft>) -> Vec<RecipeSpec> {
        let mut recipes = Vec::new();
        for draft in &drafts {
            let mut recipe = draft.recipe.clone();
            if let Some(like) = &draft.like {
                match drafts.iter().find(|d| d.recipe.name.value == like.value) {
                    None => {
                        let message = format!(
                            "recipe `{}` is `like: {}`, which is not a recipe of `signature.recipes`",
                            recipe.name.value, like.value
                        );
                        self.sink.error(like.pos, message);
                        continue;
                    }
                    Some(base) if base.like.is_some() => {
                        let message = format!(
                            "recipe `{}` is `like: {}`, which is itself `like` another recipe: copy a recipe that spells out its keys",
                            recipe.name.value, like.value
                        );
                        self.sink.error(like.pos, message);
                        continue;
                    }
                    Some(base) => recipe.inherit(&base.recipe),
                }
            }
            if let Some(recipe) = recipe.complete() {
                recipes.push(recipe);
            }
        }
        recipes
    }

    fn pieces(&mut self, node: &Node) -> Vec<PieceSpec> {
        self.list(node, Self::piece)
    }

    fn piece(&mut self, node: &Node) -> Option<PieceSpec> {
        if matches!(&node.value, Value::Str { text, .. } if text == "raw_body") {
            return Some(PieceSpec::RawBody(node.pos));
        }
        let mut keys = self.map(node, "a text piece")?;
        let found: Vec<&str> = keys.entries.iter().map(|(k, _, _)| *k).collect();
        let piece = match found.as_slice() {
            ["literal"] => keys
                .take("literal")
                .and_then(|n| keys.r.text(n))
                .map(PieceSpec::Literal),
            ["credential"] => keys
                .take("credential")
                .and_then(|n| keys.r.text(n))
                .map(PieceSpec::Credential),
            ["input"] => keys
                .take("input")
                .and_then(|n| keys.r.text(n))
                .map(PieceSpec::Input),
            ["order"] => keys.take("order").and_then(|n| {
                let format = keys.r.values_format(n, "`order`", None)?;
                Some(PieceSpec::Order(n.pos, format))
            }),
            ["fields"] => keys.take("fields").and_then(|n| {
                let mut fields = Vec::new();
                let format = keys.r.values_format(n, "`fields`", Some(&mut fields))?;
                Some(PieceSpec::Fields(fields, format))
            }),
            ["flat"] => keys.take("flat").and_then(|n| keys.r.flat(n)),
            ["pairs"] => keys.take("pairs").and_then(|n| keys.r.pairs(n)),
            ["json"] => keys.take("json").map(|n| PieceSpec::Json(keys.r.texts(n))),
            ["digest"] => keys.take("digest").and_then(|n| keys.r.digest(n)),
            ["upper"] => keys
                .take("upper")
                .map(|n| PieceSpec::Upper(keys.r.pieces(n))),
            _ => {
                keys.r.sink.error(
                    node.pos,
                    "a text piece is `raw_body` or a mapping with one of `literal`, `credential`, `input`, `order`, `fields`, `flat`, `pairs`, `json`, `digest` or `upper`",
                );
                return None;
            }
        };
        keys.finish();
        piece
    }

    /// `separator`, `absent` and `booleans`, and with `fields` the field list too.
    fn values_format(
        &mut self,
        node: &Node,
        what: &'static str,
        fields: Option<&mut Vec<Text>>,
    ) -> Option<ValuesFormat> {
        let mut keys = self.map(node, what)?;
        if let Some(fields) = fields {
            *fields = keys
                .required("names")
                .map(|n| keys.r.texts(n))
                .unwrap_or_default();
        }
        let separator = keys.required("separator").and_then(|n| keys.r.text(n));
        let absent = words(&mut keys, "absent");
        let booleans = words(&mut keys, "booleans");
        keys.finish();
        Some(ValuesFormat {
            separator: separator?.value,
            absent: absent.unwrap_or(Absent::Skip),
            booleans: booleans.unwrap_or(Booleans::Words),
        })
    }

    fn flat(&mut self, node: &Node) -> Option<PieceSpec> {
        let mut keys = self.map(node, "`flat`")?;
        let exclude = keys
            .optional("exclude")
            .map(|n| keys.r.texts(n))
            .unwrap_or_default();
        let nesting = keys.required("nesting").and_then(|n| keys.r.text(n));
        let assign = keys.required("assign").and_then(|n| keys.r.text(n));
        let separator = keys.required("separator").and_then(|n| keys.r.text(n));
        let sort = keys
            .required("sort")
            .and_then(|n| keys.r.word(n, |unknown| must_be("`sort`", unknown)));
        let escape = words(&mut keys, "escape");
        let booleans = words(&mut keys, "booleans");
        keys.finish();
        Some(PieceSpec::Flat(FlatSpec {
            exclude: exclude.into_iter().map(|t| t.value).collect(),
            nesting: nesting?.value,
            assign: assign?.value,
            separator: separator?.value,
            sort: sort?.value,
            escape: escape.unwrap_or(KeyEscape::None),
            booleans: booleans.unwrap_or(Booleans::Words),
        }))
    }

    fn pairs(&mut self, node: &Node) -> Option<PieceSpec> {
        let mut keys = self.map(node, "`pairs`")?;
        let fields = keys
            .required("names")
            .map(|n| keys.r.texts(n))
            .unwrap_or_default();
        let assign = keys.required("assign").and_then(|n| keys.r.text(n));
        let separator = keys.required("separator").and_then(|n| keys.r.text(n));
        let booleans = words(&mut keys, "booleans");
        keys.finish();
        Some(PieceSpec::Pairs {
            fields,
            assign: assign?.value,
            separator: separator?.value,
            booleans: booleans.unwrap_or(Booleans::Words),
        })
    }

    fn digest(&mut self, node: &Node) -> Option<PieceSpec> {
        let mut keys = self.map(node, "`digest`")?;
        let algorithm = keys.required("algorithm").and_then(|n| {
            keys.r
                .word(n, |unknown| must_be("a digest's `algorithm`", unknown))
        });
        let output = keys
            .required("output")
            .and_then(|n| keys.r.word(n, |unknown| must_be("`output`", unknown)));
        let of = keys
            .required("of")
            .map(|n| keys.r.pieces(n))
            .unwrap_or_default();
        keys.finish();
        Some(PieceSpec::Digest {
            algorithm: algorithm?,
            output: output?.value,
            of,
        })
    }

    fn placement(&mut self, node: &Node) -> Option<PlacementSpec> {
        let mut keys = self.map(node, "`placement`")?;
        let each = keys.take("each");
        let placement = if let Some(field) = keys.take("field") {
            let field = keys.r.text(field);
            match each {
                Some(list) => keys
                    .r
                    .text(list)
                    .zip(field)
                    .map(|(list, field)| PlacementSpec::EachItem { list, field }),
                None => field.map(PlacementSpec::Field),
            }
        } else if let Some(each) = each {
            keys.r.sink.error(
                each.pos,
                "`each` names the list whose items carry the signature: add the `field` inside an item",
            );
            None
        } else if let Some(name) = keys.take("path") {
            keys.r.text(name).map(PlacementSpec::Path)
        } else if let Some(name) = keys.take("query") {
            keys.r.text(name).map(PlacementSpec::Query)
        } else if let Some(header) = keys.take("header") {
            let name = keys.r.text(header);
            let items = keys
                .optional("items")
                .map(|n| {
                    keys.r
                        .entries(n, "`items`", |r, item, value| Some((item, r.text(value)?)))
                })
                .unwrap_or_default();
            let separator = keys.optional("separator").and_then(|n| keys.r.text(n));
            let assign = keys.optional("assign").and_then(|n| keys.r.text(n));
            name.map(|name| PlacementSpec::Header {
                name,
                items,
                separator: separator.map_or_else(|| ",".to_owned(), |t| t.value),
                assign: assign.map_or_else(|| "=".to_owned(), |t| t.value),
            })
        } else {
            keys.r.sink.error(
                node.pos,
                "`placement` needs `field` (a body field, dotted when nested), `each` with `field`, `path`, `query` or `header`",
            );
            None
        };
        keys.finish();
        placement
    }
}

/// A key every recipe has: required unless the recipe inherits it with `like`.
fn needed<'n>(keys: &mut Keys<'n, '_, '_>, key: &str, inherits: bool) -> Option<&'n Node> {
    if inherits {
        keys.optional(key)
    } else {
        keys.required(key)
    }
}

/// An optional word of a closed set under `key`.
fn words<T: std::str::FromStr<Err = oneclick_schema::UnknownName>>(
    keys: &mut Keys<'_, '_, '_>,
    key: &'static str,
) -> Option<T> {
    let node = keys.take(key)?;
    keys.r
        .word(node, |unknown| must_be(&format!("`{key}`"), unknown))
        .map(|word| word.value)
}

//! Signature recipes: lowered from the spec, checked against the credentials they name, and
//! given to each signed message with the checks that it can be signed or verified as declared.

use crate::case::ToShoutySnakeCase;
use oneclick_schema::CredentialKind;
use oneclick_schema::recipe::{Algorithm, KeyEncoding};

use super::Lowering;
use crate::ir::{self, TIMESTAMP_INPUT};
use crate::spec::{ObjectSpec, PieceSpec, PlacementSpec, RecipeSpec, Text};
use crate::yaml::Pos;

/// What a message does with its recipes.
#[derive(Clone, Copy, PartialEq, Eq)]
pub(super) enum Side {
    Request,
    Response,
    Callback,
}

impl Side {
    fn word(self) -> &'static str {
        match self {
            Side::Request => "request",
            Side::Response => "response",
            Side::Callback => "callback",
        }
    }
}

/// What a message travels with beside its body, for signatures placed outside it.
#[derive(Clone, Copy)]
pub(super) struct Envelope<'s> {
    /// A request's path template.
    pub(super) path: Option<&'s str>,
    /// The wire names of a request's fields that travel in the path or the query string.
    pub(super) outside_body: &'s [String],
    /// Whether a received message arrives as a query string.
    pub(super) query: bool,
    /// Whether a request is a redirect the customer's browser carries, without the client's
    /// headers.
    pub(super) redirect: bool,
}

impl Lowering<'_, '_> {
    /// Lowers every recipe of the spec, reporting those that cannot work with the credentials
    /// they name.
    pub(super) fn recipes(&mut self) {
        let Some(signature) = &self.spec.signature else {
            return;
        };
        for recipe in &signature.recipes {
            self.check_keys(recipe);
            let text = self.pieces(&recipe.text);
            let max_age = self.max_age(recipe, &text);
            let lowered = ir::Recipe {
                name: recipe.name.value.clone(),
                const_name: format!("RECIPE_{}", recipe.name.value.to_shouty_snake_case()),
                text,
                algorithm: recipe.algorithm.value.algorithm(
                    recipe
                        .key_encoding
                        .as_ref()
                        .map_or(KeyEncoding::Text, |e| e.value),
                ),
                output: recipe.output.value,
                placement: placement(&recipe.placement),
                sign_key: recipe.sign_key.as_ref().map(|k| k.value.clone()),
                verify_key: recipe.verify_key.as_ref().map(|k| k.value.clone()),
                optional_credentials: self.optional_credentials(recipe),
                max_age,
            };
            self.gateway.recipes.push(lowered);
        }
        for name in signature.sign.iter().chain(&signature.verify) {
            self.recipe_index(name);
        }
    }

    /// The freshness window of `recipe`, when it can work: a positive number of seconds, on a
    /// recipe that signs the `timestamp` a received message carries in its signature header.
    fn max_age(&mut self, recipe: &RecipeSpec, text: &[ir::Piece]) -> Option<u32> {
        let max_age = recipe.max_age.as_ref()?;
        let name = &recipe.name.value;
        let seconds = match u32::try_from(max_age.value) {
            Ok(seconds) if seconds >= 1 => seconds,
            _ => {
                let message = format!(
                    "recipe `{name}`: `max_age` is a number of seconds from 1 to {}",
                    u32::MAX
                );
                self.sink.error(max_age.pos, message);
                return None;
            }
        };
        let digest = matches!(
            recipe.algorithm.value.algorithm(KeyEncoding::Text),
            Algorithm::Digest(_)
        );
        if recipe.verify_key.is_none() && !digest {
            let message = format!(
                "recipe `{name}`: `max_age` applies to the messages a recipe verifies, but it has no `verify_key`"
            );
            self.sink.error(max_age.pos, message);
            return None;
        }
        let header_timestamp = matches!(
            &recipe.placement,
            PlacementSpec::Header { items, .. } if items.iter().any(|(_, value)| value.value == TIMESTAMP_INPUT)
        );
        if !header_timestamp {
            let message = format!(
                "recipe `{name}`: `max_age` checks the timestamp a received message carries beside its signature, but the placement has none: add a header item `<name>: timestamp`"
            );
            self.sink.error(max_age.pos, message);
            return None;
        }
        let mut inputs = Vec::new();
        input_pieces(text, &mut inputs);
        if !inputs.contains(&TIMESTAMP_INPUT) {
            let message = format!(
                "recipe `{name}`: `max_age` checks the message's timestamp, but the text does not sign it: put `{{input: timestamp}}` into `text`, as an unsigned timestamp proves nothing"
            );
            self.sink.error(max_age.pos, message);
            return None;
        }
        Some(seconds)
    }

    /// The optional credentials `recipe` reads, as keys or text pieces, each once.
    fn optional_credentials(&self, recipe: &RecipeSpec) -> Vec<String> {
        let mut names: Vec<&str> = Vec::new();
        credential_pieces(&recipe.text, &mut names);
        names.extend(recipe.sign_key.iter().map(|k| k.value.as_str()));
        names.extend(recipe.verify_key.iter().map(|k| k.value.as_str()));
        let mut optional: Vec<String> = Vec::new();
        for name in names {
            let is_optional = self
                .spec
                .credentials
                .iter()
                .any(|c| c.name.value == name && c.optional.is_some());
            if is_optional && !optional.iter().any(|o| o == name) {
                optional.push(name.to_owned());
            }
        }
        optional
    }

    fn check_keys(&mut self, recipe: &RecipeSpec) {
        let algorithm = recipe.algorithm.value.algorithm(KeyEncoding::Text);
        let (sign_kind, verify_kind) = match algorithm {
            Algorithm::RsaPkcs1(_) => (
                Some(CredentialKind::RsaPrivateKey),
                Some(CredentialKind::RsaPublicKey),
            ),
            Algorithm::Hmac(..) => (Some(CredentialKind::Secret), Some(CredentialKind::Secret)),
            Algorithm::Digest(_) => (None, None),
        };
        if recipe.key_encoding.is_some() && !matches!(algorithm, Algorithm::Hmac(..)) {
            let at = recipe
                .key_encoding
                .as_ref()
                .map_or(recipe.name.pos, |k| k.pos);
            self.sink.error(
                at,
                format!(
                    "recipe `{}`: `key_encoding` is for HMAC keys only",
                    recipe.name.value
                ),
            );
        }
        for (key, kind, role) in [
            (&recipe.sign_key, sign_kind, "sign_key"),
            (&recipe.verify_key, verify_kind, "verify_key"),
        ] {
            let Some(key) = key else { continue };
            let Some(kind) = kind else {
                let message = format!(
                    "recipe `{}`: a plain digest takes no `{role}`; put a secret into its text with `credential`",
                    recipe.name.value
                );
                self.sink.error(key.pos, message);
                continue;
            };
            match self
                .spec
                .credentials
                .iter()
                .find(|c| c.name.value == key.value)
            {
                None => {
                    let message = format!(
                        "recipe `{}`: `{role}` names `{}`, which is not a credential",
                        recipe.name.value, key.value
                    );
                    self.sink.error(key.pos, message);
                }
                Some(credential) if credential.kind() != kind => {
                    let message = format!(
                        "recipe `{}`: `{role}` of `{}` must be a credential of kind `{}`, and `{}` is `{}`",
                        recipe.name.value,
                        recipe.algorithm.value,
                        kind,
                        key.value,
                        credential.kind()
                    );
                    self.sink.error(key.pos, message);
                }
                Some(_) => {}
            }
        }
        if sign_kind.is_some() && recipe.sign_key.is_none() && recipe.verify_key.is_none() {
            let message = format!(
                "recipe `{}`: `{}` needs a key: name the credential in `sign_key` or `verify_key`",
                recipe.name.value, recipe.algorithm.value
            );
            self.sink.error(recipe.name.pos, message);
        }
    }

    fn pieces(&mut self, pieces: &[PieceSpec]) -> Vec<ir::Piece> {
        pieces.iter().map(|piece| self.piece(piece)).collect()
    }

    fn piece(&mut self, piece: &PieceSpec) -> ir::Piece {
        match piece {
            PieceSpec::Literal(text) => ir::Piece::Literal(text.value.clone()),
            PieceSpec::Credential(name) => {
                match self
                    .spec
                    .credentials
                    .iter()
                    .find(|c| c.name.value == name.value)
                {
                    Some(c)
                        if matches!(c.kind(), CredentialKind::Text | CredentialKind::Secret) => {}
                    Some(_) => {
                        let message = format!(
                            "`credential: {}` writes a key into the text: only `text` and `secret` credentials can be",
                            name.value
                        );
                        self.sink.error(name.pos, message);
                    }
                    None => {
                        let message = format!("`{}` is not a credential", name.value);
                        self.sink.error(name.pos, message);
                    }
                }
                ir::Piece::Input(name.value.clone())
            }
            PieceSpec::Input(name) => ir::Piece::Input(name.value.clone()),
            PieceSpec::RawBody(_) => ir::Piece::RawBody,
            PieceSpec::Order(_, format) => ir::Piece::Order(format.clone()),
            PieceSpec::Fields(names, format) => {
                ir::Piece::Fields(field_tree(names), format.clone())
            }
            PieceSpec::Flat(flat) => ir::Piece::Flat(flat.clone()),
            PieceSpec::Pairs {
                fields,
                assign,
                separator,
                booleans,
            } => ir::Piece::Pairs {
                fields: fields.iter().map(|f| f.value.clone()).collect(),
                assign: assign.clone(),
                separator: separator.clone(),
                booleans: *booleans,
            },
            PieceSpec::Json(fields) => {
                ir::Piece::Json(fields.iter().map(|f| f.value.clone()).collect())
            }
            PieceSpec::Digest {
                algorithm,
                output,
                of,
            } => ir::Piece::Digest {
                algorithm: algorithm.value,
                output: *output,
                of: self.pieces(of),
            },
            PieceSpec::Upper(of) => ir::Piece::Upper(self.pieces(of)),
        }
    }

    /// The index of the recipe `name`, reported when there is none.
    fn recipe_index(&mut self, name: &Text) -> Option<usize> {
        let found = self
            .gateway
            .recipes
            .iter()
            .position(|r| r.name == name.value);
        if found.is_none() {
            let message = format!("`{}` is not a recipe of `signature.recipes`", name.value);
            self.sink.error(name.pos, message);
        }
        found
    }

    /// The recipes of one message: its own, or the gateway's defaults for its side, each
    /// checked against what the message holds and where it travels.
    pub(super) fn message_recipes(
        &mut self,
        index: usize,
        body: &ObjectSpec,
        side: Side,
        id: &Text,
        envelope: Envelope<'_>,
    ) -> Vec<usize> {
        let signed = body.signature.is_some() || body.signs_all;
        let at = body.signature_pos.unwrap_or(body.pos);
        let defaults = self.spec.signature.as_ref().map(|s| match side {
            Side::Request => &s.sign,
            Side::Response | Side::Callback => &s.verify,
        });
        let names: Vec<Text> = match (&body.recipes, defaults) {
            (Some(own), _) => own.clone(),
            (None, Some(defaults)) => defaults.clone(),
            (None, None) => Vec::new(),
        };
        if !signed {
            if let Some(own) = &body.recipes {
                let at = own.first().map_or(body.pos, |n| n.pos);
                let message = format!(
                    "the {} of `{}` names recipes but declares no `signature`",
                    side.word(),
                    id.value
                );
                self.sink.error(at, message);
            } else if !names.is_empty() && side != Side::Callback {
                let message = format!(
                    "the gateway signs every {}, so the {} of `{}` needs a `signature` (an order, or `all`)",
                    side.word(),
                    side.word(),
                    id.value
                );
                self.sink.error(body.pos, message);
            }
            return Vec::new();
        }
        if names.is_empty() {
            let message = if self.spec.signature.is_none() {
                "a `signature` needs a gateway-level `signature` with its recipes".to_owned()
            } else {
                format!(
                    "the {} of `{}` is signed, but no recipe signs it: name them in `recipes`, or as the gateway's `{}`",
                    side.word(),
                    id.value,
                    if side == Side::Request {
                        "sign"
                    } else {
                        "verify"
                    }
                )
            };
            self.sink.error(at, message);
            return Vec::new();
        }
        let mut indexes = Vec::new();
        for name in &names {
            let Some(i) = self.recipe_index(name) else {
                continue;
            };
            self.check_use(i, index, body, (side, envelope), id, at);
            indexes.push(i);
        }
        if side == Side::Request {
            let placed = indexes
                .iter()
                .filter(|i| {
                    matches!(
                        self.gateway.recipes[**i].placement,
                        ir::Placement::Field(_) | ir::Placement::EachItem { .. }
                    )
                })
                .count();
            let found = self.auto_signature_fields(index, &mut Vec::new());
            if found != placed {
                let message = format!(
                    "the request of `{}` needs exactly {placed} field(s) with `auto: signature`, one for each signature its recipes put in a field or in each item of a list (found {found})",
                    id.value
                );
                self.sink.error(body.pos, message);
            }
        }
        let writes_order = indexes
            .iter()
            .any(|i| self.gateway.recipes[*i].writes_order());
        if body.signature.is_some() && !indexes.is_empty() && !writes_order {
            let message = format!(
                "no recipe of the {} of `{}` writes a signature order: write `signature: all`",
                side.word(),
                id.value
            );
            self.sink.error(at, message);
        }
        indexes
    }

    /// Whether recipe `i` can sign or verify message `index`: the key its side needs, the
    /// order it writes, a place for the signature.
    fn check_use(
        &mut self,
        i: usize,
        index: usize,
        body: &ObjectSpec,
        (side, envelope): (Side, Envelope<'_>),
        id: &Text,
        at: Pos,
    ) {
        let recipe = self.gateway.recipes[i].clone();
        let what = format!("the {} of `{}`", side.word(), id.value);
        let keyed = !matches!(recipe.algorithm, Algorithm::Digest(_));
        match side {
            Side::Request if keyed && recipe.sign_key.is_none() => self.sink.error(
                at,
                format!(
                    "recipe `{}` signs {what}, but has no `sign_key`",
                    recipe.name
                ),
            ),
            Side::Response | Side::Callback if keyed && recipe.verify_key.is_none() => {
                self.sink.error(
                    at,
                    format!(
                        "recipe `{}` verifies {what}, but has no `verify_key`",
                        recipe.name
                    ),
                )
            }
            _ => {}
        }
        if recipe.writes_order() && body.signature.is_none() {
            let message = format!(
                "recipe `{}` writes the message's signature order, but {what} has `signature: all`: list the fields",
                recipe.name
            );
            self.sink.error(at, message);
        }
        if side == Side::Request
            && uses_raw_body(&recipe.text)
            && !matches!(recipe.placement, ir::Placement::Header { .. })
        {
            let message = format!(
                "recipe `{}` signs the raw body of {what}, which is final only once the signature is outside it: place the signature in a header",
                recipe.name
            );
            self.sink.error(at, message);
        }
        if side == Side::Request {
            let mut inputs = Vec::new();
            input_pieces(&recipe.text, &mut inputs);
            for input in inputs {
                let credential = self.spec.credentials.iter().any(|c| c.name.value == input);
                if !credential && input != TIMESTAMP_INPUT {
                    let message = format!(
                        "recipe `{}` reads the input `{input}`, which {what} has no value for: a request's recipe reads credentials and `{TIMESTAMP_INPUT}`, the time of sending",
                        recipe.name
                    );
                    self.sink.error(at, message);
                }
            }
        }
        match &recipe.placement {
            ir::Placement::Field(path) => {
                if !self.has_field(index, path, side == Side::Request) {
                    let message = if side == Side::Request {
                        format!(
                            "recipe `{}` puts the signature into `{}`, which is no field with `auto: signature` of {what}",
                            recipe.name,
                            path.join(".")
                        )
                    } else {
                        format!(
                            "recipe `{}` reads the signature from `{}`, which is not a field of {what}",
                            recipe.name,
                            path.join(".")
                        )
                    };
                    self.sink.error(at, message);
                }
            }
            ir::Placement::EachItem { .. } if side == Side::Request && recipe.writes_order() => {
                let message = format!(
                    "recipe `{}` signs each item of a list over the message's signature order, which names the message's fields, not an item's: list the item's fields with `fields`",
                    recipe.name
                );
                self.sink.error(at, message);
            }
            ir::Placement::EachItem { list, field } => {
                let request = side == Side::Request;
                let item = self.list_item_object(index, list);
                if !item.is_some_and(|item| self.has_field(item, field, request)) {
                    let message = format!(
                        "recipe `{}` {} `{}` in each item of `{}`, which is no list of objects with that field{} in {what}",
                        recipe.name,
                        if request {
                            "puts a signature into"
                        } else {
                            "reads a signature from"
                        },
                        field.join("."),
                        list.join("."),
                        if request { " (`auto: signature`)" } else { "" }
                    );
                    self.sink.error(at, message);
                }
            }
            ir::Placement::Path(name) => match envelope.path {
                None => {
                    let message = format!(
                        "recipe `{}` puts the signature into the path, which only requests have; {what} arrives without one",
                        recipe.name
                    );
                    self.sink.error(at, message);
                }
                Some(path) if !path.contains(&format!("{{{name}}}")) => {
                    let message = format!(
                        "recipe `{}` puts the signature into `{{{name}}}`, which the path `{path}` of `{}` does not have",
                        recipe.name, id.value
                    );
                    self.sink.error(at, message);
                }
                Some(_) => self.outside_body_clash(&recipe.name, name, envelope, &what, at),
            },
            ir::Placement::Query(name) => match side {
                Side::Request => self.outside_body_clash(&recipe.name, name, envelope, &what, at),
                Side::Response => {
                    let message = format!(
                        "recipe `{}` reads the signature from a query parameter, but responses arrive as a body",
                        recipe.name
                    );
                    self.sink.error(at, message);
                }
                Side::Callback if !envelope.query => {
                    let message = format!(
                        "recipe `{}` reads the signature from a query parameter, but {what} arrives as a body: declare `delivery: query`",
                        recipe.name
                    );
                    self.sink.error(at, message);
                }
                Side::Callback => {}
            },
            ir::Placement::Header { .. } if side == Side::Response => {
                let message = format!(
                    "recipe `{}` reads the signature from a header, but the client verifies responses from their body",
                    recipe.name
                );
                self.sink.error(at, message);
            }
            ir::Placement::Header { .. } if envelope.redirect => {
                let message = format!(
                    "recipe `{}` puts the signature into a header, but {what} is a redirect the customer's browser carries without it",
                    recipe.name
                );
                self.sink.error(at, message);
            }
            ir::Placement::Header { items, .. } if side == Side::Request => {
                let carried = items.iter().filter_map(|(_, input)| input.as_deref());
                for input in carried.filter(|input| *input != TIMESTAMP_INPUT) {
                    let message = format!(
                        "recipe `{}`: a request's signature header carries the signature and `{TIMESTAMP_INPUT}`, not `{input}`",
                        recipe.name
                    );
                    self.sink.error(at, message);
                }
            }
            ir::Placement::Header { .. } => {}
        }
    }

    /// Reports a signature placed in the path or the query string under the name of a request
    /// field that travels there too: the two would overwrite each other.
    fn outside_body_clash(
        &mut self,
        recipe: &str,
        name: &str,
        envelope: Envelope<'_>,
        what: &str,
        at: Pos,
    ) {
        if envelope.outside_body.iter().any(|wire| wire == name) {
            let message = format!(
                "recipe `{recipe}` puts the signature where the field `{name}` of {what} travels: drop the field, the recipe fills it"
            );
            self.sink.error(at, message);
        }
    }

    /// How many fields with `auto: signature` object `index` holds, nested objects and the
    /// item type of a list of objects included.
    fn auto_signature_fields(&self, index: usize, visiting: &mut Vec<usize>) -> usize {
        if visiting.contains(&index) {
            return 0;
        }
        visiting.push(index);
        let count = self.gateway.objects[index]
            .fields
            .iter()
            .map(|f| match &f.ty {
                _ if f.auto == Some(ir::Auto::Signature) => 1,
                ir::TypeRef::Object(child) => self.auto_signature_fields(*child, visiting),
                ir::TypeRef::List(item) => match item.as_ref() {
                    ir::TypeRef::Object(child) => self.auto_signature_fields(*child, visiting),
                    _ => 0,
                },
                _ => 0,
            })
            .sum();
        visiting.pop();
        count
    }

    /// The element object of the `list<Object>` field at `path` of object `index`.
    fn list_item_object(&self, index: usize, path: &[String]) -> Option<usize> {
        let (last, parents) = path.split_last()?;
        let mut object = index;
        for key in parents {
            match self.gateway.objects[object]
                .fields
                .iter()
                .find(|f| f.wire == *key)
            {
                Some(ir::Field {
                    ty: ir::TypeRef::Object(child),
                    ..
                }) => object = *child,
                _ => return None,
            }
        }
        match &self.gateway.objects[object]
            .fields
            .iter()
            .find(|f| f.wire == *last)?
            .ty
        {
            ir::TypeRef::List(item) => match item.as_ref() {
                ir::TypeRef::Object(child) => Some(*child),
                _ => None,
            },
            _ => None,
        }
    }

    /// Whether object `index` has a field at `path`, the last one `auto: signature` when
    /// `auto` says so.
    fn has_field(&self, index: usize, path: &[String], auto: bool) -> bool {
        let Some((last, parents)) = path.split_last() else {
            return false;
        };
        let mut object = index;
        for key in parents {
            match self.gateway.objects[object]
                .fields
                .iter()
                .find(|f| f.wire == *key)
            {
                Some(ir::Field {
                    ty: ir::TypeRef::Object(child),
                    ..
                }) => object = *child,
                _ => return false,
            }
        }
        self.gateway.objects[object]
            .fields
            .iter()
            .any(|f| f.wire == *last && (!auto || f.auto == Some(ir::Auto::Signature)))
    }
}

/// The credentials that `credential` pieces write, nested ones included.
fn credential_pieces<'s>(pieces: &'s [PieceSpec], names: &mut Vec<&'s str>) {
    for piece in pieces {
        match piece {
            PieceSpec::Credential(name) => names.push(&name.value),
            PieceSpec::Digest { of, .. } | PieceSpec::Upper(of) => credential_pieces(of, names),
            _ => {}
        }
    }
}

/// The names of the `input` and `credential` pieces, nested ones included.
fn input_pieces<'p>(pieces: &'p [ir::Piece], names: &mut Vec<&'p str>) {
    for piece in pieces {
        match piece {
            ir::Piece::Input(name) => names.push(name),
            ir::Piece::Digest { of, .. } | ir::Piece::Upper(of) => input_pieces(of, names),
            _ => {}
        }
    }
}

fn uses_raw_body(pieces: &[ir::Piece]) -> bool {
    pieces.iter().any(|piece| match piece {
        ir::Piece::RawBody => true,
        ir::Piece::Digest { of, .. } | ir::Piece::Upper(of) => uses_raw_body(of),
        _ => false,
    })
}

fn dotted(path: &Text) -> Vec<String> {
    path.value.split('.').map(str::to_owned).collect()
}

fn placement(spec: &PlacementSpec) -> ir::Placement {
    match spec {
        PlacementSpec::Field(path) => ir::Placement::Field(dotted(path)),
        PlacementSpec::EachItem { list, field } => ir::Placement::EachItem {
            list: dotted(list),
            field: dotted(field),
        },
        PlacementSpec::Path(name) => ir::Placement::Path(name.value.clone()),
        PlacementSpec::Query(name) => ir::Placement::Query(name.value.clone()),
        PlacementSpec::Header {
            name,
            items,
            separator,
            assign,
        } => ir::Placement::Header {
            name: name.value.clone(),
            items: items
                .iter()
                .map(|(item, value)| {
                    let input = (value.value != "signature").then(|| value.value.clone());
                    (item.value.clone(), input)
                })
                .collect(),
            separator: separator.clone(),
            assign: assign.clone(),
        },
    }
}

/// Dotted names as a tree: `amount.value`, `amount.currency` become the object `amount` with
/// two values, in the order they first appear.
fn field_tree(names: &[Text]) -> Vec<ir::SignedField> {
    let mut tree = Vec::new();
    for name in names {
        insert_path(&mut tree, &name.value.split('.').collect::<Vec<_>>());
    }
    tree
}

fn insert_path(tree: &mut Vec<ir::SignedField>, path: &[&str]) {
    match path {
        [] => {}
        [last] => tree.push(ir::SignedField::Value((*last).to_owned())),
        [first, rest @ ..] => {
            let existing = tree.iter_mut().rev().find_map(|f| match f {
                ir::SignedField::Object(name, children) if name == first => Some(children),
                _ => None,
            });
            match existing {
                Some(children) => insert_path(children, rest),
                None => {
                    let mut children = Vec::new();
                    insert_path(&mut children, rest);
                    tree.push(ir::SignedField::Object((*first).to_owned(), children));
                }
            }
        }
    }
}

//! Signs a validated request with each of its recipes and puts every signature in its place.

use serde_json::Value;

use crate::error::Error;
use crate::recipe::{
    Interpret, Message, NamedRecipe, Piece, Placement, RecipeError, RenderHeader, SigningKey,
};
use crate::schema::{Encoding, Operation};
use crate::secret::Secret;

use super::Engine;
use super::redact::{Redacted, masked};
use super::redirect::{form_encode, form_fields};

/// The one input a request's recipe reads besides credentials: the time of sending in Unix
/// seconds, taken once per attempt so that a retried attempt is signed afresh.
pub(super) const TIMESTAMP_INPUT: &str = "timestamp";

/// What signing a request put outside its body: the text of its first recipe (what a dry run
/// shows), and the signatures that travel in headers, path placeholders and query parameters.
#[derive(Default)]
pub(super) struct Signed {
    pub text: Option<String>,
    pub headers: Vec<(&'static str, String)>,
    pub path: Vec<(&'static str, String)>,
    pub query: Vec<(&'static str, String)>,
}

/// Which recipes a signing pass covers. A recipe over the raw body signs the body exactly as it
/// is sent, so it waits until the path, query and header fields have left the body.
#[derive(Clone, Copy)]
pub(super) enum Stage<'a> {
    /// Recipes over the body's fields, signed before the fields are laid out.
    Fields,
    /// Recipes over the raw body, with the body as sent and as shown in a dry run.
    Sent { raw: &'a str, shown: &'a str },
}

impl Engine {
    /// Signs a validated body with the operation's recipes of `stage`, in order, and puts each
    /// signature in place; a later recipe signs the body with the earlier signatures in it.
    ///
    /// An operation marked signed is never sent unsigned: a missing key or no place for the
    /// signature is a configuration error, not a silently unsigned payment order. The one
    /// exception is declared in the spec: a recipe over an optional credential (Assist's salt)
    /// that the merchant has not configured puts no signature on the request.
    pub(super) fn sign_request(
        &self,
        op: &'static Operation,
        body: &mut Value,
        inputs: &[(&'static str, Secret<String>)],
        stage: Stage<'_>,
        signed: &mut Signed,
        redacted: &mut Redacted,
    ) -> Result<(), Error> {
        let raw_body = match stage {
            Stage::Fields => "",
            Stage::Sent { raw, .. } => raw,
        };
        let configured = op
            .request_recipes
            .iter()
            .filter(|named| self.credentials.missing_optional(named).is_none());
        for (i, named) in configured.enumerate() {
            if signs_raw_body(named) != matches!(stage, Stage::Sent { .. }) {
                continue;
            }
            let failed = |why: &dyn std::fmt::Display| {
                Error::Config(format!("operation {}: recipe {}: {why}", op.id, named.name))
            };
            let key = self
                .credentials
                .signing_key(named)?
                .unwrap_or(SigningKey::None);
            if i == 0 {
                let shown_raw = match stage {
                    Stage::Fields => "",
                    Stage::Sent { shown, .. } => shown,
                };
                let shown_inputs = masked_inputs(inputs);
                redacted.text_to_sign = masked(op.request, body)
                    .map(|shown| shown_text(named, &shown, shown_raw, op, &shown_inputs))
                    .transpose()
                    .map_err(|e| failed(&e))?;
            }
            let whole = |body: &Value| -> Result<(String, String), Error> {
                let signature = named
                    .recipe
                    .sign(&message_of(op, body, raw_body, inputs), key)
                    .map_err(|e| failed(&e))?;
                let text = named
                    .recipe
                    .text(&message_of(op, body, raw_body, inputs))
                    .map_err(|e| failed(&e))?;
                Ok((signature, text))
            };
            let text = match named.recipe.placement {
                Placement::EachItem { list, field } => {
                    let mut texts = Vec::new();
                    for item in items_at(body, list) {
                        let (signature, text) = whole(item)?;
                        texts.push(text);
                        if !place_at(item, field, Value::String(signature)) {
                            return Err(failed(&format_args!(
                                "an item of `{}` has no object to hold `{}`",
                                list.join("."),
                                field.join(".")
                            )));
                        }
                    }
                    // One text per item, one a line.
                    texts.join("\n")
                }
                Placement::Field(path) => {
                    let (signature, text) = whole(body)?;
                    if !place_at(body, path, Value::String(signature)) {
                        return Err(failed(&format_args!(
                            "the request has no object to hold `{}`",
                            path.join(".")
                        )));
                    }
                    text
                }
                Placement::Header(header) => {
                    let (signature, text) = whole(body)?;
                    let value = header
                        .render(&signature, &message_of(op, body, raw_body, inputs))
                        .map_err(|e| failed(&e))?;
                    signed.headers.push((header.name, value));
                    text
                }
                Placement::Path(name) => {
                    let (signature, text) = whole(body)?;
                    signed.path.push((name, signature));
                    text
                }
                Placement::Query(name) => {
                    let (signature, text) = whole(body)?;
                    signed.query.push((name, signature));
                    text
                }
            };
            if i == 0 {
                signed.text = Some(text);
            }
        }
        Ok(())
    }

    /// The values a recipe's `Input` pieces name in a received message, before its header
    /// adds its own: the client's text and secret credentials.
    pub(super) fn recipe_inputs(&self) -> Vec<(&'static str, Secret<String>)> {
        self.credentials.values.clone()
    }

    /// The values a request recipe's `Input` pieces name: the credentials, and the time of
    /// sending, read once for the attempt.
    pub(super) fn request_inputs(&self) -> Vec<(&'static str, Secret<String>)> {
        // A clock before 1970 signs 0 rather than a negative time no gateway reads.
        let seconds = self.unix_seconds().max(0);
        let mut inputs = self.recipe_inputs();
        inputs.push((TIMESTAMP_INPUT, Secret::new(seconds.to_string())));
        inputs
    }

    /// The clock's time in Unix seconds, negative before 1970.
    pub(super) fn unix_seconds(&self) -> i64 {
        match self.clock.now().duration_since(std::time::UNIX_EPOCH) {
            Ok(since) => i64::try_from(since.as_secs()).unwrap_or(i64::MAX),
            Err(before) => -i64::try_from(before.duration().as_secs()).unwrap_or(i64::MAX),
        }
    }
}

fn message_of<'m>(
    op: &'static Operation,
    body: &'m Value,
    raw_body: &'m str,
    inputs: &'m [(&'static str, Secret<String>)],
) -> Message<'m> {
    Message {
        body,
        raw_body,
        order: op.request_signature,
        inputs,
    }
}

/// Whether `named` signs the raw body, at any depth of its text.
pub(super) fn signs_raw_body(named: &&NamedRecipe) -> bool {
    fn raw(pieces: &[Piece]) -> bool {
        pieces.iter().any(|piece| match piece {
            Piece::RawBody => true,
            Piece::Digest { of, .. } | Piece::Upper(of) => raw(of),
            _ => false,
        })
    }
    raw(named.recipe.text)
}

/// The body as it goes on the wire: what a recipe over the raw body signs.
pub(super) fn sent_body(op: &Operation, body: Option<&Value>) -> String {
    match (body, op.encoding) {
        (Some(body), Encoding::Json) => body.to_string(),
        (Some(body), Encoding::Form) => form_encode(&form_fields(body)),
        (None, _) | (_, Encoding::Query) => String::new(),
    }
}

/// `inputs` with every credential's value `***`, so that a shown text never holds a salt or a
/// merchant secret; the time of sending is shown as it is.
fn masked_inputs(inputs: &[(&'static str, Secret<String>)]) -> Vec<(&'static str, Secret<String>)> {
    inputs
        .iter()
        .map(|(name, value)| {
            let shown = if *name == TIMESTAMP_INPUT {
                value.expose().clone()
            } else {
                "***".to_owned()
            };
            (*name, Secret::new(shown))
        })
        .collect()
}

/// The signed text of the masked body, for dry runs and logs.
fn shown_text(
    named: &NamedRecipe,
    shown: &Value,
    shown_raw: &str,
    op: &'static Operation,
    inputs: &[(&'static str, Secret<String>)],
) -> Result<String, RecipeError> {
    let message = Message {
        body: shown,
        raw_body: shown_raw,
        order: op.request_signature,
        inputs,
    };
    named.recipe.text(&message)
}

/// The items of the list at `path`; none when the list is absent.
fn items_at<'v>(body: &'v mut Value, path: &[&str]) -> impl Iterator<Item = &'v mut Value> {
    path.iter()
        .try_fold(body, |value, key| value.get_mut(*key))
        .and_then(Value::as_array_mut)
        .into_iter()
        .flatten()
}

/// Puts `value` at `path`, the objects above it already in the body (the schema has them).
fn place_at(body: &mut Value, path: &[&str], value: Value) -> bool {
    let Some((last, parents)) = path.split_last() else {
        return false;
    };
    let mut object = body;
    for key in parents {
        match object.get_mut(*key) {
            Some(inner) => object = inner,
            None => return false,
        }
    }
    match object {
        Value::Object(map) => {
            map.insert((*last).to_owned(), value);
            true
        }
        _ => false,
    }
}

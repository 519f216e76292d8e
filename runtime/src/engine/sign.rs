//! Signs a validated request with each of its recipes and puts every signature in its place.

use serde_json::Value;

use crate::error::Error;
use crate::recipe::{Interpret, Message, NamedRecipe, Placement, RenderHeader, SigningKey};
use crate::schema::Operation;
use crate::secret::Secret;

use super::Engine;
use super::redact::{Redacted, masked};

/// A request signed: the text of its first recipe (what a dry run shows) and the headers that
/// carry signatures.
pub(super) struct Signed {
    pub text: String,
    pub headers: Vec<(&'static str, String)>,
}

impl Engine {
    /// Signs a validated body with the operation's recipes, in order, and puts each signature
    /// in place; a later recipe signs the body with the earlier signatures in it.
    ///
    /// An operation marked signed is never sent unsigned: a missing key or no place for the
    /// signature is a configuration error, not a silently unsigned payment order. The one
    /// exception is declared in the spec: a recipe over an optional credential (Assist's salt)
    /// that the merchant has not configured puts no signature on the request.
    pub(super) fn sign_request(
        &self,
        op: &'static Operation,
        body: &mut Value,
        redacted: &mut Redacted,
    ) -> Result<Signed, Error> {
        let inputs = self.recipe_inputs();
        let mut signed = Signed {
            text: String::new(),
            headers: Vec::new(),
        };
        let configured = op
            .request_recipes
            .iter()
            .filter(|named| self.credentials.missing_optional(named).is_none());
        for (i, named) in configured.enumerate() {
            let failed = |why: String| Error::Config(format!("operation {}: {why}", op.id));
            let key = self
                .credentials
                .signing_key(named)?
                .unwrap_or(SigningKey::None);
            let message = Message {
                body,
                raw_body: "",
                order: op.request_signature,
                inputs: &inputs,
            };
            let signature = named
                .recipe
                .sign(&message, key)
                .map_err(|e| failed(format!("recipe {}: {e}", named.name)))?;
            if i == 0 {
                signed.text = named
                    .recipe
                    .text(&message)
                    .map_err(|e| failed(e.to_string()))?;
                redacted.text_to_sign = masked(op.request, body)
                    .map(|shown| shown_text(named, &shown, op, &self.masked_inputs()))
                    .transpose()?;
            }
            match named.recipe.placement {
                Placement::Field(path) => {
                    if !place_at(body, path, Value::String(signature)) {
                        return Err(failed(format!(
                            "recipe {}: the request has no object to hold `{}`",
                            named.name,
                            path.join(".")
                        )));
                    }
                }
                Placement::Header(header) => {
                    let value = header
                        .render(&signature, &message)
                        .map_err(|e| failed(format!("recipe {}: {e}", named.name)))?;
                    signed.headers.push((header.name, value));
                }
                Placement::EachItem { .. } | Placement::PathSegment(_) | Placement::Query(_) => {
                    return Err(failed(format!(
                        "recipe {}: requests carry signatures in a body field or a header",
                        named.name
                    )));
                }
            }
        }
        Ok(signed)
    }

    /// The values a recipe's `Input` pieces name: the client's text and secret credentials.
    pub(super) fn recipe_inputs(&self) -> Vec<(&'static str, Secret<String>)> {
        self.credentials.values.clone()
    }

    /// [`Engine::recipe_inputs`] with every value `***`, so that a shown text never holds a
    /// salt or a merchant secret.
    fn masked_inputs(&self) -> Vec<(&'static str, Secret<String>)> {
        self.credentials
            .values
            .iter()
            .map(|(name, _)| (*name, Secret::new("***".to_owned())))
            .collect()
    }
}

/// The signed text of the masked body, for dry runs and logs.
fn shown_text(
    named: &NamedRecipe,
    shown: &Value,
    op: &'static Operation,
    inputs: &[(&'static str, Secret<String>)],
) -> Result<String, Error> {
    let message = Message {
        body: shown,
        raw_body: "",
        order: op.request_signature,
        inputs,
    };
    named
        .recipe
        .text(&message)
        .map_err(|e| Error::Config(format!("operation {}: {e}", op.id)))
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

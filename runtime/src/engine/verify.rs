//! Trust in what the gateway sends: signatures on responses and callbacks, tokens on
//! notifications. Nothing is decoded into types before it passes.

use serde::de::DeserializeOwned;
use serde_json::Value;

use crate::error::{Error, SignatureError};
use crate::recipe::{
    Field, Interpret, Message, NamedRecipe, Placement, RecipeError, Shape, VerifyingKey,
};
use crate::schema::{self, Operation};
use crate::secret::Secret;

use super::Engine;
use super::decode::message_says_something;
use super::received::{parse_message, typed_message};
use super::sign::{TIMESTAMP_INPUT, signs_raw_body};

/// A message as the gateway sent it: parsed, its raw bytes for [`Piece::RawBody`], and the
/// headers it came with for header placements.
struct Received<'a> {
    body: &'a Value,
    raw: &'a [u8],
    headers: &'a [(&'a str, &'a str)],
}

/// What a recipe over an optional credential the merchant has not configured means.
#[derive(Clone, Copy)]
enum Optional {
    /// An answer to the client's own call: the merchant chose not to check it.
    SkipUnconfigured,
    /// A message anyone may send to the merchant: it is never accepted unverified.
    Required,
}

/// The non-empty text at `path`.
fn field_at<'v>(body: &'v Value, path: &[&str]) -> Option<&'v str> {
    path.iter()
        .try_fold(body, |value, key| value.get(*key))
        .and_then(Value::as_str)
        .filter(|s| !s.is_empty())
}

impl Engine {
    pub(super) fn verify_response(
        &self,
        op: &'static Operation,
        response: &Value,
        raw: &[u8],
    ) -> Result<(), Error> {
        let received = Received {
            body: response,
            raw,
            headers: &[],
        };
        self.verify_message(
            op.id,
            op.response_recipes,
            Optional::SkipUnconfigured,
            op.response_signature,
            &received,
        )
    }

    /// Verifies every signature `recipes` put on a message; `operation` names it in errors.
    ///
    /// A message that must be signed is never accepted unverified: a missing key or a
    /// signature the engine cannot find is an error, never a pass.
    fn verify_message(
        &self,
        operation: &'static str,
        recipes: &'static [&'static NamedRecipe],
        optional: Optional,
        order: &'static [Field],
        received: &Received<'_>,
    ) -> Result<(), Error> {
        let config = |why: String| Error::Config(format!("{operation}: {why}"));
        let refused = |source| Error::Signature { operation, source };
        let raw_text = std::str::from_utf8(received.raw).ok();
        for named in recipes {
            if let Some(missing) = self.credentials.missing_optional(named) {
                match optional {
                    Optional::SkipUnconfigured => continue,
                    Optional::Required => {
                        return Err(config(format!(
                            "recipe {} needs the credential {missing}, which is not configured",
                            named.name
                        )));
                    }
                }
            }
            let mut inputs = self.recipe_inputs();
            // Each signed part of the message: the whole body, or each item of a list, which
            // is signed over its own fields.
            let signed: Vec<(&Value, String)> = match named.recipe.placement {
                Placement::Field(path) => {
                    let signature = field_at(received.body, path)
                        .ok_or(refused(SignatureError::Missing))?
                        .to_owned();
                    vec![(received.body, signature)]
                }
                Placement::EachItem { list, field } => {
                    let items = list
                        .iter()
                        .try_fold(received.body, |value, key| value.get(*key))
                        .and_then(Value::as_array)
                        .ok_or(refused(SignatureError::Missing))?;
                    items
                        .iter()
                        .map(|item| {
                            field_at(item, field)
                                .map(|signature| (item, signature.to_owned()))
                                .ok_or(refused(SignatureError::Missing))
                        })
                        .collect::<Result<_, _>>()?
                }
                Placement::Header(header) => {
                    let value = received
                        .headers
                        .iter()
                        .find(|(name, _)| name.eq_ignore_ascii_case(header.name))
                        .map(|(_, value)| *value)
                        .ok_or(refused(SignatureError::Missing))?;
                    let parsed = header
                        .parse(value)
                        .ok_or(refused(SignatureError::Malformed))?;
                    for (name, value) in parsed.inputs {
                        inputs.push((name, Secret::new(value.to_owned())));
                    }
                    vec![(received.body, parsed.signature.to_owned())]
                }
                // A message that arrives as a query string is read into the body's fields.
                Placement::Query(name) => {
                    let signature = field_at(received.body, &[name])
                        .ok_or(refused(SignatureError::Missing))?
                        .to_owned();
                    vec![(received.body, signature)]
                }
                Placement::Path(_) => {
                    return Err(config(format!(
                        "recipe {}: a received message has no path the client sees",
                        named.name
                    )));
                }
            };
            let key = self
                .credentials
                .verifying_key(named)?
                .unwrap_or(VerifyingKey::None);
            // A digest of the raw body reads it too.
            let raw_body = match (signs_raw_body(named), raw_text) {
                (false, _) => "",
                (true, Some(text)) => text,
                // A raw body is signed as text; one that is not UTF-8 matches no text.
                (true, None) => return Err(refused(SignatureError::Mismatch)),
            };
            for (body, signature) in signed {
                let message = Message {
                    body,
                    raw_body,
                    order,
                    inputs: &inputs,
                };
                named
                    .recipe
                    .verify(&message, key, &signature)
                    .map_err(|e| match e {
                        RecipeError::Signature(source) => refused(source),
                        other => config(format!("recipe {}: {other}", named.name)),
                    })?;
            }
            if let Some(max_age) = named.max_age {
                self.check_fresh(&inputs, max_age).map_err(refused)?;
            }
        }
        Ok(())
    }

    /// Refuses a verified message whose signed `timestamp` (Unix seconds) is more than
    /// `max_age` seconds from the clock: without the window, a message captured once could be
    /// replayed for ever, its signature still valid.
    fn check_fresh(
        &self,
        inputs: &[(&'static str, Secret<String>)],
        max_age: u32,
    ) -> Result<(), SignatureError> {
        // The message's own items come after the credentials.
        let sent: i64 = inputs
            .iter()
            .rev()
            .find(|(name, _)| *name == TIMESTAMP_INPUT)
            .ok_or(SignatureError::Missing)?
            .1
            .expose()
            .trim()
            .parse()
            .map_err(|_| SignatureError::Malformed)?;
        let age_seconds = self.unix_seconds().saturating_sub(sent);
        if age_seconds.unsigned_abs() > u64::from(max_age) {
            return Err(SignatureError::Stale {
                age_seconds,
                max_age,
            });
        }
        Ok(())
    }

    /// Verifies a received message from its raw bytes exactly as they arrived (the body of a
    /// JSON or form callback, the query string of a return, with or without its `?`) and
    /// returns it as JSON. A message that does not verify is an error, never a value;
    /// verification runs on the values as sent, before anything is decoded into types.
    pub fn verify_callback(
        &self,
        callback: &'static schema::Callback,
        raw: &[u8],
    ) -> Result<Value, Error> {
        self.verify_callback_with_headers(callback, raw, &[])
    }

    /// [`Engine::verify_callback`] for a message whose signature travels in a header: `headers`
    /// are the request's headers as received (names in any case).
    pub fn verify_callback_with_headers(
        &self,
        callback: &'static schema::Callback,
        raw: &[u8],
        headers: &[(&str, &str)],
    ) -> Result<Value, Error> {
        let message = parse_message(callback, raw)?;
        let received = Received {
            body: &message,
            raw,
            headers,
        };
        self.verify_message(
            callback.id,
            callback.recipes,
            Optional::Required,
            callback.signature,
            &received,
        )?;
        only_signed_fields(callback, &message)?;
        let message = typed_message(callback, message);
        message_says_something(callback.id, callback.message, &message)?;
        Ok(message)
    }

    /// [`Engine::verify_callback_with_headers`], decoded into the callback's type.
    pub fn verify_callback_with_headers_as<T: DeserializeOwned>(
        &self,
        callback: &'static schema::Callback,
        raw: &[u8],
        headers: &[(&str, &str)],
    ) -> Result<T, Error> {
        let message = self.verify_callback_with_headers(callback, raw, headers)?;
        serde_json::from_value(message).map_err(|_| Error::Decode {
            operation: callback.id,
            message: format!("the callback does not match {}", callback.message.name),
        })
    }

    /// [`Engine::verify_callback`], decoded into the callback's type.
    pub fn verify_callback_as<T: DeserializeOwned>(
        &self,
        callback: &'static schema::Callback,
        raw: &[u8],
    ) -> Result<T, Error> {
        let message = self.verify_callback(callback, raw)?;
        serde_json::from_value(message).map_err(|_| Error::Decode {
            operation: callback.id,
            message: format!("the callback does not match {}", callback.message.name),
        })
    }

    /// Decodes a callback that nothing verifies (neither signed nor token-checked), for the
    /// generated `decode_<id>`. A callback that can be verified is refused here, so the decode
    /// path never skips a check the spec asks for.
    pub fn decode_callback_as<T: DeserializeOwned>(
        &self,
        callback: &'static schema::Callback,
        raw: &[u8],
    ) -> Result<T, Error> {
        if callback.verb() != "decode" {
            return Err(Error::Config(format!(
                "callback {} is verified: read it with verify_{}",
                callback.id, callback.id
            )));
        }
        self.verify_callback_as(callback, raw)
    }

    /// Checks a notification against the token the merchant got when the order was created
    /// (compared in constant time) and decodes it; one that does not match is an error.
    pub fn verify_notification_as<T: DeserializeOwned>(
        &self,
        callback: &'static schema::Callback,
        raw: &[u8],
        expected_token: &str,
    ) -> Result<T, Error> {
        let message = parse_message(callback, raw)?;
        let field = callback.token_field.ok_or_else(|| {
            Error::Config(format!("callback {} names no token field", callback.id))
        })?;
        // An order whose token was never stored must not match a notification carrying none.
        if expected_token.is_empty() {
            return Err(Error::Config(format!(
                "callback {}: the expected {field} is empty",
                callback.id
            )));
        }
        let received = message
            .get(field)
            .and_then(Value::as_str)
            .ok_or(Error::Signature {
                operation: callback.id,
                source: SignatureError::Missing,
            })?;
        if !same_secret(received.as_bytes(), expected_token.as_bytes()) {
            return Err(Error::Signature {
                operation: callback.id,
                source: SignatureError::Mismatch,
            });
        }
        only_signed_fields(callback, &message)?;
        let message = typed_message(callback, message);
        message_says_something(callback.id, callback.message, &message)?;
        serde_json::from_value(message).map_err(|_| Error::Decode {
            operation: callback.id,
            message: format!("the notification does not match {}", callback.message.name),
        })
    }
}

/// A message that declares it carries only signed fields: every top-level field is in its
/// signature order, holds a signature its recipes read, or is one of the declared unsigned
/// ones, and every key inside a signed object (of a list's items too) is one its order
/// writes. A value no signature covers is one anybody on the way could have added, and a
/// handler that reads it would act on it as if the gateway had said it.
fn only_signed_fields(callback: &'static schema::Callback, message: &Value) -> Result<(), Error> {
    let (Some(unsigned), Some(fields)) = (callback.only_signed, message.as_object()) else {
        return Ok(());
    };
    let signature_field = |name: &str| {
        callback.recipes.iter().any(|named| {
            matches!(named.recipe.placement, Placement::Field(path) if path.first() == Some(&name))
        })
    };
    let refused = |path: &str| Error::Signature {
        operation: callback.id,
        source: SignatureError::unsigned(path),
    };
    for (name, value) in fields {
        match callback.signature.iter().find(|f| f.name == name.as_str()) {
            Some(signed) => unsigned_inside(name, &signed.shape, value).map_err(|p| refused(&p))?,
            None if unsigned.contains(&name.as_str()) || signature_field(name) => {}
            None => return Err(refused(name)),
        }
    }
    Ok(())
}

/// The dotted path of the first key inside `value` that `shape` does not write, if any.
fn unsigned_inside(path: &str, shape: &Shape, value: &Value) -> Result<(), String> {
    match (shape, value) {
        (Shape::Object(fields), Value::Object(keys)) => {
            for (key, inner) in keys {
                let inner_path = format!("{path}.{key}");
                match fields.iter().find(|f| f.name == key.as_str()) {
                    Some(field) => unsigned_inside(&inner_path, &field.shape, inner)?,
                    None => return Err(inner_path),
                }
            }
            Ok(())
        }
        (Shape::Each(element), Value::Array(items)) => items
            .iter()
            .try_for_each(|item| unsigned_inside(path, element, item)),
        _ => Ok(()),
    }
}

/// Compares two secrets without an early exit, so the time taken does not tell how much of a
/// guess was right. Their SHA-256 digests are compared rather than the tokens: digests all have
/// one length, so the time does not tell the token's length either.
fn same_secret(a: &[u8], b: &[u8]) -> bool {
    let (a, b) = (
        ring::digest::digest(&ring::digest::SHA256, a),
        ring::digest::digest(&ring::digest::SHA256, b),
    );
    let difference = a
        .as_ref()
        .iter()
        .zip(b.as_ref())
        .fold(0u8, |acc, (x, y)| acc | (x ^ y));
    std::hint::black_box(difference) == 0
}

#[cfg(test)]
mod tests {
    use super::{Shape, same_secret, unsigned_inside};
    use crate::recipe::Field;

    #[test]
    fn keys_inside_signed_objects_and_list_items_must_be_signed_too() {
        static ITEM: &[Field] = &[Field::value("name"), Field::value("amount")];
        static CART: Shape = Shape::Object(ITEM);
        let cart = Shape::Each(&CART);
        let signed = serde_json::json!([{"name": "Headphones", "amount": 100}, {"name": "Case"}]);
        assert_eq!(unsigned_inside("cart", &cart, &signed), Ok(()));
        let added = serde_json::json!([{"name": "Headphones"}, {"name": "Case", "discount": 5}]);
        assert_eq!(
            unsigned_inside("cart", &cart, &added),
            Err("cart.discount".to_owned())
        );
        // A map's values are signed whatever their keys; a scalar has nothing inside.
        let map = serde_json::json!({"any": "value"});
        assert_eq!(unsigned_inside("vars", &Shape::MapValues, &map), Ok(()));
        assert_eq!(unsigned_inside("note", &Shape::Value, &map), Ok(()));
    }

    #[test]
    fn secrets_match_only_byte_for_byte() {
        assert!(same_secret(b"2f0ea505", b"2f0ea505"));
        assert!(!same_secret(b"2f0ea505", b"2f0ea506"));
        assert!(!same_secret(b"2f0ea505", b"2f0ea50"));
        assert!(!same_secret(b"2f0ea505", b"2f0ea5050"));
        assert!(!same_secret(b"2f0ea505", b""));
    }
}

//! Trust in what the gateway sends: signatures on responses and callbacks, tokens on
//! notifications. Nothing is decoded into types before it passes.

use serde::de::DeserializeOwned;
use serde_json::Value;

use crate::error::{Error, SignatureError};
use crate::schema::{self, Operation, SignItem};
use crate::signature::{flat, pipe, verify_hmac_sha512, verify_rsa_sha256};

use super::Engine;
use super::SigningKeys;
use super::decode::message_says_something;

impl Engine {
    pub(super) fn verify_response(
        &self,
        op: &'static Operation,
        response: &Value,
    ) -> Result<(), Error> {
        if !op.response_signed {
            return Ok(());
        }
        self.verify_message(op.id, Some(op.response_signature), response)
    }

    /// Verifies a message the gateway signed: under `pipe_rsa_sha256` over `order`, under
    /// `flat_hmac_sha512` over the whole message but its top-level signature field. `operation`
    /// names the message in errors.
    ///
    /// A message that must be signed is never accepted unverified: missing keys, a missing
    /// signature field or a missing order are configuration errors, never a pass.
    fn verify_message(
        &self,
        operation: &'static str,
        order: Option<&[SignItem]>,
        message: &Value,
    ) -> Result<(), Error> {
        let config = |why: &str| Error::Config(format!("{operation}: {why}"));
        let Some(field) = self.gateway.signature_field else {
            return Err(config("signed, but the gateway names no signature field"));
        };
        let signature = message
            .get(field)
            .and_then(Value::as_str)
            .filter(|s| !s.is_empty())
            .ok_or(SignatureError::Missing);
        let verified = match &self.credentials.keys {
            SigningKeys::None => {
                return Err(config("signed, but the client has no keys to verify with"));
            }
            SigningKeys::PipeRsaSha256 { gateway_key, .. } => {
                let Some(order) = order else {
                    return Err(config(
                        "pipe_rsa_sha256 callbacks have no documented order to verify",
                    ));
                };
                signature.and_then(|signature| {
                    verify_rsa_sha256(gateway_key, &pipe::text_to_sign(order, message), signature)
                })
            }
            SigningKeys::FlatHmacSha512 { secret } => signature.and_then(|signature| {
                verify_hmac_sha512(secret, &flat::text_to_sign(message, field), signature)
            }),
        };
        verified.map_err(|source| Error::Signature { operation, source })
    }

    /// Verifies a callback's raw body and returns it as JSON. A callback that does not verify
    /// is an error, never a value; verification runs before anything is decoded into types.
    pub fn verify_callback(
        &self,
        callback: &'static schema::Callback,
        raw: &[u8],
    ) -> Result<Value, Error> {
        let message: Value = serde_json::from_slice(raw).map_err(|_| Error::Decode {
            operation: callback.id,
            message: "the callback is not JSON".into(),
        })?;
        if callback.signed {
            self.verify_message(callback.id, None, &message)?;
        }
        message_says_something(callback.id, callback.message, &message)?;
        Ok(message)
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
        let message: Value = serde_json::from_slice(raw).map_err(|_| Error::Decode {
            operation: callback.id,
            message: "the notification is not JSON".into(),
        })?;
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
        message_says_something(callback.id, callback.message, &message)?;
        serde_json::from_value(message).map_err(|_| Error::Decode {
            operation: callback.id,
            message: format!("the notification does not match {}", callback.message.name),
        })
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
    use super::same_secret;

    #[test]
    fn secrets_match_only_byte_for_byte() {
        assert!(same_secret(b"2f0ea505", b"2f0ea505"));
        assert!(!same_secret(b"2f0ea505", b"2f0ea506"));
        assert!(!same_secret(b"2f0ea505", b"2f0ea50"));
        assert!(!same_secret(b"2f0ea505", b"2f0ea5050"));
        assert!(!same_secret(b"2f0ea505", b""));
    }
}

//! Signs a validated request under the gateway's scheme and puts the signature in its field.

use serde_json::Value;

use crate::error::Error;
use crate::schema::{Auto, Kind, Object, Operation};
use crate::signature::{flat, pipe, sign_hmac_sha512, sign_rsa_sha256};

use super::Engine;
use super::SigningKeys;
use super::auto::has_auto;
use super::redact::{Redacted, masked};

impl Engine {
    /// Signs a validated body under the gateway's scheme, puts the signature in place and
    /// returns the signed text.
    ///
    /// An operation marked signed is never sent unsigned: missing keys or no field to carry the
    /// signature are configuration errors, not a silently unsigned payment order.
    pub(super) fn sign_request(
        &self,
        op: &'static Operation,
        body: &mut Value,
        redacted: &mut Redacted,
    ) -> Result<String, Error> {
        let unsignable = |why: &str| Error::Config(format!("operation {}: {why}", op.id));
        let Some(signature_field) = self.gateway.signature_field else {
            return Err(unsignable(
                "signed, but the gateway names no signature field",
            ));
        };
        match &self.credentials.keys {
            SigningKeys::None => Err(unsignable("signed, but the client has no signing keys")),
            SigningKeys::FlatHmacSha512 { secret } => {
                let text = flat::text_to_sign(body, signature_field);
                redacted.text_to_sign =
                    masked(op.request, body).map(|m| flat::text_to_sign(&m, signature_field));
                let signature = Value::String(sign_hmac_sha512(secret, &text));
                // The flat scheme signs the whole body, so the signature may sit in any object
                // (Monetix: `general.signature`); the schema marks where.
                if !place_signature(op.request, body, signature) {
                    return Err(unsignable("no request field takes the signature"));
                }
                Ok(text)
            }
            SigningKeys::PipeRsaSha256 { private_key, .. } => {
                let text = pipe::text_to_sign(op.request_signature, body);
                redacted.text_to_sign =
                    masked(op.request, body).map(|m| pipe::text_to_sign(op.request_signature, &m));
                let signature = sign_rsa_sha256(private_key, &text)
                    .map_err(|e| Error::Config(e.to_string()))?;
                let Value::Object(map) = body else {
                    return Err(unsignable("the request is not an object"));
                };
                map.insert(signature_field.to_owned(), Value::String(signature));
                Ok(text)
            }
        }
    }
}

/// Puts the signature into the field marked `Auto::Signature`, wherever it sits.
fn place_signature(object: &'static Object, value: &mut Value, signature: Value) -> bool {
    let Value::Object(map) = value else {
        return false;
    };
    for field in object.fields {
        if field.auto == Some(Auto::Signature) {
            map.insert(field.wire.to_owned(), signature);
            return true;
        }
    }
    for field in object.fields {
        if let (Kind::Object(child), Some(inner)) = (field.kind, map.get_mut(field.wire)) {
            if has_auto(child) && place_signature(child, inner, signature.clone()) {
                return true;
            }
        }
    }
    false
}

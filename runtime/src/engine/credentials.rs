//! What the client holds to fill credential fields and to sign, and the check that it fits the
//! gateway's signature scheme.

use crate::error::Error;
use crate::keys::{RsaPrivateKey, RsaPublicKey};
use crate::schema::{Gateway, HeaderValue, Scheme, TextPart, text_parts};
use crate::secret::Secret;

use super::Engine;

/// Keys of the gateway's signature scheme.
#[derive(Debug, Clone)]
pub enum SigningKeys {
    /// For a gateway that signs nothing; refused for one that does.
    None,
    /// ČSOB's scheme: the merchant signs with RSA, the gateway answers signed with its own key.
    PipeRsaSha256 {
        /// Signs requests.
        private_key: RsaPrivateKey,
        /// Verifies responses.
        gateway_key: RsaPublicKey,
    },
    /// Monetix's scheme: one shared secret signs both directions.
    FlatHmacSha512 {
        /// Signs requests and verifies what the gateway sends.
        secret: Secret<String>,
    },
}

/// What the client fills into `auto` fields and signs with.
#[derive(Debug, Clone)]
pub struct Credentials {
    /// Credential values by their spec name (`merchant_id`).
    pub values: Vec<(&'static str, Secret<String>)>,
    /// Keys of the gateway's signature scheme; checked against it when the engine is built.
    pub keys: SigningKeys,
}

/// Refuses keys that do not fit the gateway's scheme, so a misconfigured client fails when it is
/// built rather than on its first payment.
pub(super) fn check_keys(gateway: &Gateway, keys: &SigningKeys) -> Result<(), Error> {
    match (gateway.scheme, keys) {
        (Scheme::PipeRsaSha256, SigningKeys::PipeRsaSha256 { .. })
        | (Scheme::FlatHmacSha512, SigningKeys::FlatHmacSha512 { .. }) => {
            if gateway.signature_field.is_none() {
                return Err(Error::Config(format!(
                    "gateway {} signs messages but names no signature field",
                    gateway.name
                )));
            }
        }
        (Scheme::None, SigningKeys::None) => {}
        (_, SigningKeys::None) => {
            return Err(Error::Config(format!(
                "gateway {} signs its messages: signing keys are required",
                gateway.name
            )));
        }
        (Scheme::None, _) => {
            return Err(Error::Config(format!(
                "gateway {} does not sign messages, but signing keys were given",
                gateway.name
            )));
        }
        (_, _) => {
            return Err(Error::Config(format!(
                "gateway {} signs with another scheme than these keys",
                gateway.name
            )));
        }
    }
    Ok(())
}

impl Credentials {
    pub(super) fn value(&self, name: &str) -> Result<&Secret<String>, Error> {
        self.values
            .iter()
            .find(|(n, _)| *n == name)
            .map(|(_, v)| v)
            .ok_or_else(|| Error::Config(format!("missing credential {name}")))
    }

    /// The value of a header made of credentials and fixed text; a fresh UUID or an
    /// idempotency key is made per request and call, not from credentials.
    pub(super) fn header_value(&self, value: &HeaderValue) -> Result<String, Error> {
        match *value {
            HeaderValue::Credential(name) => Ok(self.value(name)?.expose().clone()),
            HeaderValue::Basic(user, password) => {
                use base64::Engine as _;
                let pair = format!(
                    "{}:{}",
                    self.value(user)?.expose(),
                    self.value(password)?.expose()
                );
                Ok(format!(
                    "Basic {}",
                    base64::engine::general_purpose::STANDARD.encode(pair)
                ))
            }
            HeaderValue::Text(text) => {
                let mut out = String::new();
                for part in text_parts(text) {
                    match part {
                        TextPart::Credential(name) => out.push_str(self.value(name)?.expose()),
                        // The generator refuses malformed placeholders; hand-written statics
                        // get their text as written.
                        TextPart::Fixed(fixed) | TextPart::Malformed(fixed) => out.push_str(fixed),
                    }
                }
                Ok(out)
            }
            HeaderValue::Uuid | HeaderValue::IdempotencyKey => Err(Error::Config(
                "a UUID header is made per request, not from credentials".to_owned(),
            )),
        }
    }
}

impl Engine {
    pub(super) fn credential(&self, name: &str) -> Result<&Secret<String>, Error> {
        self.credentials.value(name)
    }
}

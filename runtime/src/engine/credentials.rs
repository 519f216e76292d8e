//! What the client holds to fill credential fields and to sign, and the check that it fits the
//! gateway's signature scheme.

use crate::error::Error;
use crate::keys::{RsaPrivateKey, RsaPublicKey};
use crate::schema::{Gateway, Scheme};
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

impl Engine {
    pub(super) fn credential(&self, name: &str) -> Result<&Secret<String>, Error> {
        self.credentials
            .values
            .iter()
            .find(|(n, _)| *n == name)
            .map(|(_, v)| v)
            .ok_or_else(|| Error::Config(format!("missing credential {name}")))
    }
}

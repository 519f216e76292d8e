//! What the client holds to fill credential fields, sign and verify, and the check that it
//! fits every recipe of the gateway.

use crate::error::Error;
use crate::keys::{RsaPrivateKey, RsaPublicKey};
#[cfg(feature = "rsa-sha1")]
use crate::recipe::Sha1RsaPrivateKey;
use crate::recipe::{Algorithm, NamedRecipe, RsaHash, SigningKey, VerifyingKey};
use crate::schema::{Gateway, HeaderValue, TextPart, text_parts};
use crate::secret::Secret;

use super::Engine;

/// A key credential, named in a recipe's `key`.
#[derive(Debug, Clone)]
pub enum Key {
    /// The merchant's RSA private key, for SHA-256 and SHA-512 signatures.
    RsaPrivate(RsaPrivateKey),
    /// The merchant's RSA private key, for SHA-1 signatures.
    #[cfg(feature = "rsa-sha1")]
    Sha1RsaPrivate(Sha1RsaPrivateKey),
    /// The gateway's RSA public key.
    RsaPublic(RsaPublicKey),
}

/// What the client fills into `auto` fields, signs and verifies with.
#[derive(Debug, Clone)]
pub struct Credentials {
    /// Text and secret credential values by their spec name (`merchant_id`, `secret_key`).
    pub values: Vec<(&'static str, Secret<String>)>,
    /// Key credentials by their spec name (`private_key`); checked against the recipes when
    /// the engine is built.
    pub keys: Vec<(&'static str, Key)>,
}

/// Refuses credentials that do not fit the gateway's recipes, so a misconfigured client fails
/// when it is built rather than on its first payment.
pub(super) fn check_keys(gateway: &Gateway, credentials: &Credentials) -> Result<(), Error> {
    for recipe in gateway.recipes {
        credentials.signing_key(recipe)?;
        credentials.verifying_key(recipe)?;
    }
    Ok(())
}

impl Credentials {
    /// The first optional credential `recipe` reads that the merchant has not configured.
    pub(super) fn missing_optional(&self, recipe: &NamedRecipe) -> Option<&'static str> {
        recipe
            .optional_credentials
            .iter()
            .copied()
            .find(|name| !self.values.iter().any(|(n, _)| n == name))
    }

    fn key(&self, name: &str) -> Option<&Key> {
        self.keys.iter().find(|(n, _)| *n == name).map(|(_, k)| k)
    }

    /// The key `recipe` signs with; `None` when it names none (a plain digest).
    pub(super) fn signing_key(
        &self,
        recipe: &NamedRecipe,
    ) -> Result<Option<SigningKey<'_>>, Error> {
        let Some(name) = recipe.sign_key else {
            return Ok(None);
        };
        let wrong = |expected: &str| {
            Error::Config(format!(
                "recipe {}: credential {name} must be {expected}",
                recipe.name
            ))
        };
        Ok(Some(match recipe.recipe.algorithm {
            #[cfg(feature = "rsa-sha1")]
            Algorithm::RsaPkcs1(RsaHash::Sha1) => match self.key(name) {
                Some(Key::Sha1RsaPrivate(key)) => SigningKey::RsaSha1(key),
                _ => return Err(wrong("an RSA private key for SHA-1 (Sha1RsaPrivateKey)")),
            },
            #[cfg(not(feature = "rsa-sha1"))]
            Algorithm::RsaPkcs1(RsaHash::Sha1) => {
                return Err(Error::Config(format!(
                    "recipe {}: RSA SHA-1 signing needs the runtime's `rsa-sha1` feature",
                    recipe.name
                )));
            }
            Algorithm::RsaPkcs1(_) => match self.key(name) {
                Some(Key::RsaPrivate(key)) => SigningKey::Rsa(key),
                _ => return Err(wrong("an RSA private key")),
            },
            Algorithm::Hmac(..) => SigningKey::Secret(self.value(name)?),
            Algorithm::Digest(_) => return Err(wrong("left out: a digest's secret is a piece")),
        }))
    }

    /// The key `recipe` verifies with; `None` when it names none (a plain digest).
    pub(super) fn verifying_key(
        &self,
        recipe: &NamedRecipe,
    ) -> Result<Option<VerifyingKey<'_>>, Error> {
        let Some(name) = recipe.verify_key else {
            return Ok(None);
        };
        Ok(Some(match recipe.recipe.algorithm {
            Algorithm::RsaPkcs1(_) => match self.key(name) {
                Some(Key::RsaPublic(key)) => VerifyingKey::Rsa(key),
                _ => {
                    return Err(Error::Config(format!(
                        "recipe {}: credential {name} must be an RSA public key",
                        recipe.name
                    )));
                }
            },
            Algorithm::Hmac(..) => VerifyingKey::Secret(self.value(name)?),
            Algorithm::Digest(_) => {
                return Err(Error::Config(format!(
                    "recipe {}: a digest's secret is a piece, not a key",
                    recipe.name
                )));
            }
        }))
    }

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

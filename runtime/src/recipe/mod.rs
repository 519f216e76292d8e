//! Signature recipes: a gateway's signature described as data (which text is signed, with
//! which algorithm, encoded how, carried where) and the interpreter that follows it.
//!
//! The data types live in [`oneclick_schema::recipe`], so that a generated client declares its
//! recipes as statics; they are re-exported here beside the interpreter. ČSOB's and Monetix's
//! signatures are two such recipes, declared in their specs; the tests prove them on the
//! known-answer vectors.
//!
//! The signed text is a list of [`Piece`]s written one after the other, so a template such as
//! `{timestamp}.{body}`, a salt put in front or a merchant number appended is a list of pieces,
//! and a piece may itself be a digest of pieces, which expresses nested schemes such as
//! `UPPER(MD5(UPPER(MD5(salt) + MD5(text))))`.
//!
//! ring does all it can: RSA PKCS#1 v1.5 SHA-256/512 signing, RSA verification over SHA-1,
//! SHA-256/512 and HMAC, the SHA-2 digests. What it lacks sits behind features that a
//! generated client switches on only when its spec needs them: `md5` (RustCrypto's `md-5`)
//! and `rsa-sha1` (the `rsa` crate for the private-key operation alone).

mod algorithm;
mod canonical;
#[cfg(feature = "rsa-sha1")]
mod legacy_rsa;
mod output;
mod placement;

use std::fmt;

use serde_json::Value;

use crate::error::SignatureError;
use crate::keys::{KeyError, RsaPrivateKey, RsaPublicKey};
use crate::secret::Secret;

#[cfg(feature = "rsa-sha1")]
pub use legacy_rsa::Sha1RsaPrivateKey;
pub use oneclick_schema::recipe::*;
pub use placement::RenderHeader;

/// What a recipe reads from one message.
pub struct Message<'a> {
    /// The parsed body.
    pub body: &'a Value,
    /// The body exactly as it travels, for [`Piece::RawBody`].
    pub raw_body: &'a str,
    /// The message's own signature order, for [`Piece::Order`].
    pub order: &'a [Field],
    /// Values of the recipe's [`Piece::Input`]s by name. Kept secret because a salt or a
    /// merchant number is among them.
    pub inputs: &'a [(&'a str, Secret<String>)],
}

impl fmt::Debug for Message<'_> {
    /// The body may hold card data and the inputs a salt: only the input names are shown.
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let names: Vec<&str> = self.inputs.iter().map(|(name, _)| *name).collect();
        f.debug_struct("Message")
            .field("inputs", &names)
            .finish_non_exhaustive()
    }
}

/// The key a recipe signs with.
#[derive(Debug, Clone, Copy)]
pub enum SigningKey<'a> {
    /// An RSA private key, for SHA-256 and SHA-512.
    Rsa(&'a RsaPrivateKey),
    /// An RSA private key for SHA-1 signatures.
    #[cfg(feature = "rsa-sha1")]
    RsaSha1(&'a Sha1RsaPrivateKey),
    /// An HMAC secret, in the recipe's [`KeyEncoding`].
    Secret(&'a Secret<String>),
    /// No key: plain digests.
    None,
}

/// The key a recipe verifies with.
#[derive(Debug, Clone, Copy)]
pub enum VerifyingKey<'a> {
    /// An RSA public key.
    Rsa(&'a RsaPublicKey),
    /// An HMAC secret, in the recipe's [`KeyEncoding`].
    Secret(&'a Secret<String>),
    /// No key: plain digests.
    None,
}

/// Why a recipe could not sign or verify. Never carries message content or key material.
#[derive(Debug)]
#[non_exhaustive]
pub enum RecipeError {
    /// The message lacks an input the recipe names.
    MissingInput(&'static str),
    /// The key given does not fit the recipe's algorithm.
    WrongKey {
        /// The kind of key the algorithm needs.
        expected: &'static str,
    },
    /// The HMAC secret is not valid in its declared encoding.
    MalformedSecret(KeyEncoding),
    /// The key could not be used.
    Key(KeyError),
    /// The recipe needs an algorithm this build of the runtime leaves out: the feature named
    /// turns it on (a generated client's manifest does so when its spec needs it).
    Unavailable(&'static str),
    /// The signature was not accepted.
    Signature(SignatureError),
}

impl fmt::Display for RecipeError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            RecipeError::MissingInput(name) => write!(f, "the message lacks the input `{name}`"),
            RecipeError::WrongKey { expected } => {
                write!(f, "the recipe needs {expected}")
            }
            RecipeError::MalformedSecret(encoding) => f.write_str(match encoding {
                KeyEncoding::Text => "the secret is not valid text",
                KeyEncoding::Hex => "the secret is not valid hexadecimal",
                KeyEncoding::Base64 => "the secret is not valid Base64",
            }),
            RecipeError::Key(e) => e.fmt(f),
            RecipeError::Unavailable(feature) => {
                write!(f, "the runtime was built without its `{feature}` feature")
            }
            RecipeError::Signature(e) => e.fmt(f),
        }
    }
}

impl std::error::Error for RecipeError {
    fn source(&self) -> Option<&(dyn std::error::Error + 'static)> {
        match self {
            RecipeError::Key(e) => Some(e),
            RecipeError::Signature(e) => Some(e),
            _ => None,
        }
    }
}

impl From<KeyError> for RecipeError {
    fn from(e: KeyError) -> Self {
        RecipeError::Key(e)
    }
}

impl From<SignatureError> for RecipeError {
    fn from(e: SignatureError) -> Self {
        RecipeError::Signature(e)
    }
}

/// The interpreter of a [`Recipe`]; a trait because the recipe is a schema type.
pub trait Interpret {
    /// The signed text of `message`. It may hold card data and secrets: sign it, never log it.
    fn text(&self, message: &Message<'_>) -> Result<String, RecipeError>;

    /// The signature of `message`, encoded as the recipe says.
    fn sign(&self, message: &Message<'_>, key: SigningKey<'_>) -> Result<String, RecipeError>;

    /// Checks `signature` against `message`. Secrets and digests are compared in constant
    /// time. A signature that does not decode in the recipe's output encoding, or has the wrong
    /// length, is `Malformed` rather than a mismatch.
    fn verify(
        &self,
        message: &Message<'_>,
        key: VerifyingKey<'_>,
        signature: &str,
    ) -> Result<(), RecipeError>;
}

impl Interpret for Recipe {
    fn text(&self, message: &Message<'_>) -> Result<String, RecipeError> {
        canonical::write_pieces(self.text, message)
    }

    fn sign(&self, message: &Message<'_>, key: SigningKey<'_>) -> Result<String, RecipeError> {
        let text = self.text(message)?;
        let bytes = algorithm::sign(self.algorithm, text.as_bytes(), key)?;
        Ok(output::encode(self.output, &bytes))
    }

    fn verify(
        &self,
        message: &Message<'_>,
        key: VerifyingKey<'_>,
        signature: &str,
    ) -> Result<(), RecipeError> {
        let received = output::decode(self.output, signature).ok_or(SignatureError::Malformed)?;
        let text = self.text(message)?;
        algorithm::verify(self.algorithm, text.as_bytes(), key, &received)
    }
}

//! Signature recipes: a gateway's signature described as data (which text is signed, with
//! which algorithm, encoded how, carried where) and the interpreter that follows it.
//!
//! Every type here is built from `&'static` slices, `&'static str` and `Copy` enums, so that a
//! generated client can declare its recipes as statics. The two schemes the engine still uses
//! (`pipe_rsa_sha256`, `flat_hmac_sha512`) are two such recipes; the tests prove it on the
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
pub use placement::ParsedHeader;

/// One signature of a message: what is signed, how, and where the result goes.
#[derive(Debug, Clone, Copy)]
pub struct Recipe {
    /// The signed text, the pieces written one after the other.
    pub text: &'static [Piece],
    /// What turns the text into signature bytes.
    pub algorithm: Algorithm,
    /// How the signature bytes are written as text.
    pub output: Output,
    /// Where the signature travels.
    pub placement: Placement,
}

/// One piece of a signed text.
#[derive(Debug, Clone, Copy)]
pub enum Piece {
    /// Fixed text: a separator between other pieces, a constant.
    Literal(&'static str),
    /// A value supplied with the message rather than taken from it: a timestamp, a salt, the
    /// merchant number. Named so that errors can say which one is missing.
    Input(&'static str),
    /// The message body exactly as it travels.
    RawBody,
    /// Values of declared fields in a declared order.
    Fields(FieldList),
    /// Every field of the message as sorted `path:value` pairs.
    Flat(Flat),
    /// `key=value` pairs of declared top-level fields.
    Pairs(Pairs),
    /// A compact JSON object of declared top-level fields, in the declared order.
    Json(JsonObject),
    /// The digest of the inner pieces' text, written as text in its own right.
    Digest {
        /// The digest algorithm.
        algorithm: DigestAlgorithm,
        /// The pieces digested.
        of: &'static [Piece],
        /// How the digest is written into the outer text.
        output: Output,
    },
    /// The inner pieces' text in upper case (ASCII only, as the schemes that use it define).
    Upper(&'static [Piece]),
}

/// Values of declared fields joined with a separator.
#[derive(Debug, Clone, Copy)]
pub struct FieldList {
    /// The fields, in the order their values are written.
    pub fields: &'static [Field],
    /// Written between two values.
    pub separator: &'static str,
    /// What an absent or null field contributes.
    pub absent: Absent,
    /// How booleans are written.
    pub booleans: Booleans,
}

/// One field of an ordered list.
#[derive(Debug, Clone, Copy)]
pub struct Field {
    /// Its name in the message.
    pub name: &'static str,
    /// What the field holds.
    pub shape: Shape,
}

impl Field {
    /// A scalar field.
    pub const fn value(name: &'static str) -> Self {
        Field {
            name,
            shape: Shape::Value,
        }
    }

    /// A nested object written in place, in its own order.
    pub const fn object(name: &'static str, fields: &'static [Field]) -> Self {
        Field {
            name,
            shape: Shape::Object(fields),
        }
    }

    /// A list whose elements are written one after the other.
    pub const fn each(name: &'static str, element: &'static Shape) -> Self {
        Field {
            name,
            shape: Shape::Each(element),
        }
    }

    /// A map whose values are written in message order.
    pub const fn map_values(name: &'static str) -> Self {
        Field {
            name,
            shape: Shape::MapValues,
        }
    }
}

/// What a field of an ordered list holds.
#[derive(Debug, Clone, Copy)]
pub enum Shape {
    /// A scalar.
    Value,
    /// An object, its fields written in place in the given order.
    Object(&'static [Field]),
    /// A list, its elements in message order, each of the given shape.
    Each(&'static Shape),
    /// A map, its values in message order.
    MapValues,
}

/// What an absent or null field contributes to an ordered list.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Absent {
    /// Nothing: no value and no separator.
    Skip,
    /// An empty slot for each scalar the field declares, so that the values after it keep
    /// their positions. A list or a map declares no fixed number of scalars and leaves none.
    Empty,
}

/// How booleans are written.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Booleans {
    /// `true` / `false`.
    Words,
    /// `1` / `0`.
    Digits,
}

/// Every field of the message flattened to `path` + `assign` + `value` pairs, sorted, joined
/// with `separator`. Nested keys join with `nesting`, list items by their 0-based index; null is
/// an empty value; empty objects and lists contribute nothing.
#[derive(Debug, Clone, Copy)]
pub struct Flat {
    /// Keys left out at any depth, with everything under them (the signature itself).
    pub exclude: &'static [&'static str],
    /// Joins the keys of a path.
    pub nesting: &'static str,
    /// Between a path and its value.
    pub assign: &'static str,
    /// Between two pairs.
    pub separator: &'static str,
    /// How the pairs are ordered.
    pub sort: FlatSort,
    /// How a key that contains `nesting` is written.
    pub escape: KeyEscape,
    /// How booleans are written.
    pub booleans: Booleans,
}

/// Orders of flattened pairs. They differ when one path continues another with a byte below
/// the separator (`id` and `id2`) and on list indexes from 10 on.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum FlatSort {
    /// By the path's bytes.
    PathBytes,
    /// By the path, runs of digits compared as numbers (`a:2` before `a:10`).
    Natural,
    /// By the whole `path:value` line's bytes.
    Lines,
}

/// How a key that contains the nesting separator is written into a path.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum KeyEscape {
    /// As it is.
    None,
    /// The separator doubled (`a:b` → `a::b`).
    Double,
}

/// `name` + `assign` + `value` for declared top-level fields, joined with `separator`; absent
/// and null fields are left out. An object or list value is written as compact JSON.
#[derive(Debug, Clone, Copy)]
pub struct Pairs {
    /// The fields, in order.
    pub fields: &'static [&'static str],
    /// Between a name and its value.
    pub assign: &'static str,
    /// Between two pairs.
    pub separator: &'static str,
    /// How booleans are written.
    pub booleans: Booleans,
}

/// A compact JSON object of declared top-level fields in the declared order, whatever their
/// order in the message; absent fields are left out. Values are written as JSON, so numbers
/// appear as the message carries them.
#[derive(Debug, Clone, Copy)]
pub struct JsonObject {
    /// The fields, in order.
    pub fields: &'static [&'static str],
}

/// What turns the signed text into signature bytes.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Algorithm {
    /// RSA PKCS#1 v1.5 with the merchant's or the gateway's key.
    RsaPkcs1(RsaHash),
    /// HMAC with a shared secret.
    Hmac(HmacHash, KeyEncoding),
    /// A plain digest; a secret, if any, is one of the text's pieces.
    Digest(DigestAlgorithm),
}

/// The hash inside an RSA PKCS#1 v1.5 signature.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum RsaHash {
    /// SHA-1. Verifying needs nothing more; signing needs the runtime's `rsa-sha1` feature
    /// and its `Sha1RsaPrivateKey`.
    Sha1,
    /// SHA-256.
    Sha256,
    /// SHA-512.
    Sha512,
}

/// The hash inside an HMAC.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum HmacHash {
    /// HMAC-SHA256.
    Sha256,
    /// HMAC-SHA512.
    Sha512,
}

/// How the HMAC secret is given.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum KeyEncoding {
    /// The secret's UTF-8 bytes are the key.
    Text,
    /// The secret is the key in hexadecimal (either case).
    Hex,
    /// The secret is the key in standard Base64.
    Base64,
}

/// Plain digests.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum DigestAlgorithm {
    /// SHA-256.
    Sha256,
    /// SHA-384.
    Sha384,
    /// SHA-512.
    Sha512,
    /// MD5, for gateways that still define their check value with it; needs the runtime's
    /// `md5` feature.
    #[cfg(feature = "md5")]
    Md5,
}

/// How bytes are written as text.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Output {
    /// Standard Base64 with padding.
    Base64,
    /// Lower-case hexadecimal.
    HexLower,
    /// Upper-case hexadecimal.
    HexUpper,
}

/// Where a signature travels. Data only for now: the engine still places today's schemes
/// itself.
#[derive(Debug, Clone, Copy)]
pub enum Placement {
    /// A body field at the given path (keys from the top).
    Field(&'static [&'static str]),
    /// A field of each item of a list: the list's path, then the field's path inside an item.
    EachItem {
        /// Path of the list.
        list: &'static [&'static str],
        /// Path of the signature inside one item.
        field: &'static [&'static str],
    },
    /// A header.
    Header(HeaderValue),
    /// A segment of the URL path, by its 0-based position.
    PathSegment(usize),
    /// A query parameter.
    Query(&'static str),
}

/// A header carrying the signature, bare or among other `name=value` items (`t=…,v1=…`).
#[derive(Debug, Clone, Copy)]
pub struct HeaderValue {
    /// The header's name.
    pub name: &'static str,
    /// The items in order; empty for a header that is the bare signature.
    pub items: &'static [HeaderItem],
    /// Between two items.
    pub separator: &'static str,
    /// Between an item's name and its value.
    pub assign: &'static str,
}

/// One `name=value` item of a structured header.
#[derive(Debug, Clone, Copy)]
pub struct HeaderItem {
    /// The item's name.
    pub name: &'static str,
    /// What the item carries.
    pub value: HeaderItemValue,
}

/// What an item of a structured header carries.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum HeaderItemValue {
    /// The signature.
    Signature,
    /// One of the recipe's inputs, e.g. the timestamp that is also signed.
    Input(&'static str),
}

/// What a recipe reads from one message.
pub struct Message<'a> {
    /// The parsed body.
    pub body: &'a Value,
    /// The body exactly as it travels, for [`Piece::RawBody`].
    pub raw_body: &'a str,
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

impl Recipe {
    /// The signed text of `message`. It may hold card data and secrets: sign it, never log it.
    pub fn text(&self, message: &Message<'_>) -> Result<String, RecipeError> {
        canonical::write_pieces(self.text, message)
    }

    /// The signature of `message`, encoded as the recipe says.
    pub fn sign(&self, message: &Message<'_>, key: SigningKey<'_>) -> Result<String, RecipeError> {
        let text = self.text(message)?;
        let bytes = algorithm::sign(self.algorithm, text.as_bytes(), key)?;
        Ok(output::encode(self.output, &bytes))
    }

    /// Checks `signature` against `message`. Secrets and digests are compared in constant
    /// time. A signature that does not decode in the recipe's output encoding, or has the wrong
    /// length, is `Malformed` rather than a mismatch.
    pub fn verify(
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

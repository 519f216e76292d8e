//! Signature recipes as data: which text is signed, with which algorithm, encoded how, carried
//! where, and with which of the client's credentials. Generated clients declare their recipes as
//! statics of these types; the runtime's `recipe` module interprets them.
//!
//! The simple choices are closed sets, so the spec reader parses their words once and the
//! generator prints their variants from the same table.

use crate::names::closed_set;

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
    /// Values of the fields of the message's own signature order (the spec's per-message and
    /// per-type `signature: [..]`), so that one recipe serves messages of different fields.
    Order(OrderFormat),
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

impl FieldList {
    /// How the values are written, apart from which.
    pub const fn format(&self) -> OrderFormat {
        OrderFormat {
            separator: self.separator,
            absent: self.absent,
            booleans: self.booleans,
        }
    }
}

/// How the message's own signature order is written: [`FieldList`] without the fields.
#[derive(Debug, Clone, Copy)]
pub struct OrderFormat {
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

closed_set! {
    /// What an absent or null field contributes to an ordered list.
    pub enum Absent {
        /// Nothing: no value and no separator.
        Skip => "skip",
        /// An empty slot for each scalar the field declares, so that the values after it keep
        /// their positions. A list or a map declares no fixed number of scalars and leaves none.
        Empty => "empty",
    }
}

closed_set! {
    /// How booleans are written.
    pub enum Booleans {
        /// `true` / `false`.
        Words => "words",
        /// `1` / `0`.
        Digits => "digits",
    }
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

closed_set! {
    /// Orders of flattened pairs. They differ when one path continues another with a byte below
    /// the separator (`id` and `id2`) and on list indexes from 10 on.
    pub enum FlatSort {
        /// By the path's bytes.
        PathBytes => "path_bytes",
        /// By the path, runs of digits compared as numbers (`a:2` before `a:10`).
        Natural => "natural",
        /// By the whole `path:value` line's bytes.
        Lines => "lines",
    }
}

closed_set! {
    /// How a key that contains the nesting separator is written into a path.
    pub enum KeyEscape {
        /// As it is.
        None => "none",
        /// The separator doubled (`a:b` → `a::b`).
        Double => "double",
    }
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

closed_set! {
    /// The spec's words for [`Algorithm`]; an HMAC's key encoding is a key of its own.
    pub enum AlgorithmName {
        /// RSA PKCS#1 v1.5 over SHA-1.
        RsaPkcs1Sha1 => "rsa_pkcs1_sha1",
        /// RSA PKCS#1 v1.5 over SHA-256.
        RsaPkcs1Sha256 => "rsa_pkcs1_sha256",
        /// RSA PKCS#1 v1.5 over SHA-512.
        RsaPkcs1Sha512 => "rsa_pkcs1_sha512",
        /// HMAC-SHA256.
        HmacSha256 => "hmac_sha256",
        /// HMAC-SHA512.
        HmacSha512 => "hmac_sha512",
        /// A plain SHA-256 digest.
        Sha256 => "sha256",
        /// A plain SHA-384 digest.
        Sha384 => "sha384",
        /// A plain SHA-512 digest.
        Sha512 => "sha512",
        /// A plain MD5 digest.
        Md5 => "md5",
    }
}

impl AlgorithmName {
    /// The algorithm this word names; `key` is how an HMAC secret is given.
    pub const fn algorithm(self, key: KeyEncoding) -> Algorithm {
        match self {
            AlgorithmName::RsaPkcs1Sha1 => Algorithm::RsaPkcs1(RsaHash::Sha1),
            AlgorithmName::RsaPkcs1Sha256 => Algorithm::RsaPkcs1(RsaHash::Sha256),
            AlgorithmName::RsaPkcs1Sha512 => Algorithm::RsaPkcs1(RsaHash::Sha512),
            AlgorithmName::HmacSha256 => Algorithm::Hmac(HmacHash::Sha256, key),
            AlgorithmName::HmacSha512 => Algorithm::Hmac(HmacHash::Sha512, key),
            AlgorithmName::Sha256 => Algorithm::Digest(DigestAlgorithm::Sha256),
            AlgorithmName::Sha384 => Algorithm::Digest(DigestAlgorithm::Sha384),
            AlgorithmName::Sha512 => Algorithm::Digest(DigestAlgorithm::Sha512),
            AlgorithmName::Md5 => Algorithm::Digest(DigestAlgorithm::Md5),
        }
    }
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

closed_set! {
    /// How the HMAC secret is given.
    pub enum KeyEncoding {
        /// The secret's UTF-8 bytes are the key.
        Text => "text",
        /// The secret is the key in hexadecimal (either case).
        Hex => "hex",
        /// The secret is the key in standard Base64.
        Base64 => "base64",
    }
}

closed_set! {
    /// Plain digests.
    pub enum DigestAlgorithm {
        /// SHA-256.
        Sha256 => "sha256",
        /// SHA-384.
        Sha384 => "sha384",
        /// SHA-512.
        Sha512 => "sha512",
        /// MD5, for gateways that still define their check value with it; needs the runtime's
        /// `md5` feature.
        Md5 => "md5",
    }
}

closed_set! {
    /// How bytes are written as text.
    pub enum Output {
        /// Standard Base64 with padding.
        Base64 => "base64",
        /// Lower-case hexadecimal.
        HexLower => "hex_lower",
        /// Upper-case hexadecimal.
        HexUpper => "hex_upper",
    }
}

/// Where a signature travels.
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
    /// The `{name}` placeholder of the request's path template, filled after the path fields
    /// and percent-encoded like them.
    Path(&'static str),
    /// A query parameter: appended to a request's query string; read from a received message
    /// that arrives as a query string.
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

/// A recipe of a gateway's spec with the credentials it uses.
#[derive(Debug)]
pub struct NamedRecipe {
    /// The recipe's name in the spec, for errors.
    pub name: &'static str,
    /// What is signed and how.
    pub recipe: Recipe,
    /// The credential that signs: an RSA private key or an HMAC secret; `None` for a plain
    /// digest, whose secret (a salt) is one of the text's pieces.
    pub sign_key: Option<&'static str>,
    /// The credential that verifies: the gateway's RSA public key or the HMAC secret.
    pub verify_key: Option<&'static str>,
    /// The optional credentials it reads (a salt only some merchants have). Until all are
    /// configured it leaves requests unsigned and answers unverified; a received message that
    /// names it is refused without them.
    pub optional_credentials: &'static [&'static str],
    /// How far, in seconds, the `timestamp` input of a message this recipe verifies may be
    /// from the clock, either way: an older message is a replay, a newer one a forgery.
    /// `None` when the spec declares no window.
    pub max_age: Option<u32>,
}

/// What a received structured header carries, borrowed from it.
#[derive(Debug, PartialEq, Eq)]
pub struct ParsedHeader<'h> {
    /// The signature item's value.
    pub signature: &'h str,
    /// The input items' values by input name, to be signed along with the message.
    pub inputs: Vec<(&'static str, &'h str)>,
}

impl HeaderValue {
    /// Reads a received header's value. Items of other names are passed over (a gateway may
    /// add `v0=` or a later version); every declared item must be present exactly once and
    /// every item must have the `name=value` form, or the header is `None`.
    pub fn parse<'h>(&self, header: &'h str) -> Option<ParsedHeader<'h>> {
        if self.items.is_empty() {
            return Some(ParsedHeader {
                signature: header.trim(),
                inputs: Vec::new(),
            });
        }
        let mut found: Vec<Option<&'h str>> = vec![None; self.items.len()];
        for part in header.split(self.separator) {
            let (name, value) = part.trim().split_once(self.assign)?;
            if let Some(index) = self.items.iter().position(|item| item.name == name) {
                if found[index].replace(value).is_some() {
                    return None;
                }
            }
        }
        let mut signature = None;
        let mut inputs = Vec::new();
        for (item, value) in self.items.iter().zip(found) {
            match item.value {
                HeaderItemValue::Signature => signature = Some(value?),
                HeaderItemValue::Input(name) => inputs.push((name, value?)),
            }
        }
        Some(ParsedHeader {
            signature: signature?,
            inputs,
        })
    }
}

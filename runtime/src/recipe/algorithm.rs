//! The algorithms: RSA PKCS#1 v1.5, HMAC and plain digests, over ring where ring has them.

use base64::Engine as _;
use ring::{digest, hmac, signature};

use super::{
    Algorithm, DigestAlgorithm, HmacHash, KeyEncoding, RecipeError, RsaHash, SigningKey,
    VerifyingKey, output,
};
use crate::error::SignatureError;
use crate::secret::Secret;

pub(super) fn sign(
    algorithm: Algorithm,
    text: &[u8],
    key: SigningKey<'_>,
) -> Result<Vec<u8>, RecipeError> {
    match (algorithm, key) {
        (Algorithm::RsaPkcs1(RsaHash::Sha256), SigningKey::Rsa(key)) => {
            Ok(key.sign_with(&signature::RSA_PKCS1_SHA256, text)?)
        }
        (Algorithm::RsaPkcs1(RsaHash::Sha512), SigningKey::Rsa(key)) => {
            Ok(key.sign_with(&signature::RSA_PKCS1_SHA512, text)?)
        }
        #[cfg(feature = "rsa-sha1")]
        (Algorithm::RsaPkcs1(RsaHash::Sha1), SigningKey::RsaSha1(key)) => Ok(key.sign(text)?),
        #[cfg(not(feature = "rsa-sha1"))]
        (Algorithm::RsaPkcs1(RsaHash::Sha1), _) => Err(RecipeError::Unavailable("rsa-sha1")),
        #[cfg(feature = "rsa-sha1")]
        (Algorithm::RsaPkcs1(RsaHash::Sha1), _) => Err(RecipeError::WrongKey {
            expected: "an RSA key for SHA-1 signing",
        }),
        (Algorithm::RsaPkcs1(_), _) => Err(RecipeError::WrongKey {
            expected: "an RSA private key",
        }),
        (Algorithm::Hmac(hash, encoding), SigningKey::Secret(secret)) => {
            let key = hmac_key(hash, encoding, secret)?;
            Ok(hmac::sign(&key, text).as_ref().to_vec())
        }
        (Algorithm::Hmac(..), _) => Err(RecipeError::WrongKey {
            expected: "an HMAC secret",
        }),
        (Algorithm::Digest(algorithm), SigningKey::None) => self::digest(algorithm, text),
        (Algorithm::Digest(_), _) => Err(RecipeError::WrongKey {
            expected: "no key: a plain digest",
        }),
    }
}

pub(super) fn verify(
    algorithm: Algorithm,
    text: &[u8],
    key: VerifyingKey<'_>,
    received: &[u8],
) -> Result<(), RecipeError> {
    match (algorithm, key) {
        (Algorithm::RsaPkcs1(hash), VerifyingKey::Rsa(key)) => {
            if received.len() != key.signature_len() {
                return Err(SignatureError::Malformed.into());
            }
            let parameters = match hash {
                // ring verifies SHA-1 signatures, though it will not make them.
                RsaHash::Sha1 => &signature::RSA_PKCS1_2048_8192_SHA1_FOR_LEGACY_USE_ONLY,
                RsaHash::Sha256 => &signature::RSA_PKCS1_2048_8192_SHA256,
                RsaHash::Sha512 => &signature::RSA_PKCS1_2048_8192_SHA512,
            };
            if key.verify_with(parameters, text, received) {
                Ok(())
            } else {
                Err(SignatureError::Mismatch.into())
            }
        }
        (Algorithm::RsaPkcs1(_), _) => Err(RecipeError::WrongKey {
            expected: "an RSA public key",
        }),
        (Algorithm::Hmac(hash, encoding), VerifyingKey::Secret(secret)) => {
            let key = hmac_key(hash, encoding, secret)?;
            hmac::verify(&key, text, received).map_err(|_| SignatureError::Mismatch.into())
        }
        (Algorithm::Hmac(..), _) => Err(RecipeError::WrongKey {
            expected: "an HMAC secret",
        }),
        (Algorithm::Digest(algorithm), VerifyingKey::None) => {
            let expected = self::digest(algorithm, text)?;
            if received.len() != expected.len() {
                return Err(SignatureError::Malformed.into());
            }
            if constant_time_eq(&expected, received) {
                Ok(())
            } else {
                Err(SignatureError::Mismatch.into())
            }
        }
        (Algorithm::Digest(_), _) => Err(RecipeError::WrongKey {
            expected: "no key: a plain digest",
        }),
    }
}

pub(super) fn digest(algorithm: DigestAlgorithm, bytes: &[u8]) -> Result<Vec<u8>, RecipeError> {
    let ring_algorithm = match algorithm {
        DigestAlgorithm::Sha256 => &digest::SHA256,
        DigestAlgorithm::Sha384 => &digest::SHA384,
        DigestAlgorithm::Sha512 => &digest::SHA512,
        DigestAlgorithm::Md5 => return md5(bytes),
    };
    Ok(digest::digest(ring_algorithm, bytes).as_ref().to_vec())
}

#[cfg(feature = "md5")]
fn md5(bytes: &[u8]) -> Result<Vec<u8>, RecipeError> {
    use md5::Digest as _;
    Ok(md5::Md5::digest(bytes).to_vec())
}

#[cfg(not(feature = "md5"))]
fn md5(_: &[u8]) -> Result<Vec<u8>, RecipeError> {
    Err(RecipeError::Unavailable("md5"))
}

fn hmac_key(
    hash: HmacHash,
    encoding: KeyEncoding,
    secret: &Secret<String>,
) -> Result<hmac::Key, RecipeError> {
    let algorithm = match hash {
        HmacHash::Sha256 => hmac::HMAC_SHA256,
        HmacHash::Sha512 => hmac::HMAC_SHA512,
    };
    let text = secret.expose();
    let decoded = match encoding {
        KeyEncoding::Text => return Ok(hmac::Key::new(algorithm, text.as_bytes())),
        KeyEncoding::Hex => output::decode_hex(text),
        KeyEncoding::Base64 => base64::engine::general_purpose::STANDARD.decode(text).ok(),
    };
    let mut bytes = decoded.ok_or(RecipeError::MalformedSecret(encoding))?;
    let key = hmac::Key::new(algorithm, &bytes);
    // ring keeps its own copy; the decoded one should not linger in freed memory.
    bytes.fill(0);
    std::hint::black_box(&bytes);
    Ok(key)
}

/// Equality whose time depends on the length only, so that a forger learns nothing from how
/// long a rejection took.
fn constant_time_eq(a: &[u8], b: &[u8]) -> bool {
    let difference = a
        .iter()
        .zip(b)
        .fold(0u8, |acc, (x, y)| acc | std::hint::black_box(x ^ y));
    a.len() == b.len() && difference == 0
}

#[cfg(test)]
mod tests {
    use super::constant_time_eq;

    #[test]
    fn constant_time_eq_needs_every_byte_and_the_length() {
        assert!(constant_time_eq(b"abc", b"abc"));
        assert!(!constant_time_eq(b"abc", b"abd"));
        assert!(!constant_time_eq(b"abc", b"ab"));
        assert!(constant_time_eq(b"", b""));
    }
}

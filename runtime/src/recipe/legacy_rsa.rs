//! RSA PKCS#1 v1.5 signing over SHA-1, which ring verifies but will not make.
//!
//! The `rsa` crate does the private-key operation, blinded with the system random generator;
//! ring computes the SHA-1 digest, and the DigestInfo prefix is the fixed one of RFC 8017
//! §9.2, so no further hash crate is needed. Every signature is checked with ring before it
//! leaves, so a fault in the private operation (or in the `rsa` crate) cannot send out a
//! signature that leaks the key or that the gateway would reject.

use std::fmt;
use std::sync::Arc;

use ring::digest::{SHA1_FOR_LEGACY_USE_ONLY, digest};
use ring::signature::{RSA_PKCS1_2048_8192_SHA1_FOR_LEGACY_USE_ONLY, RsaPublicKeyComponents};
use rsa::pkcs1::DecodeRsaPrivateKey;
use rsa::pkcs8::DecodePrivateKey;
use rsa::traits::PublicKeyParts;
use rsa::{Pkcs1v15Sign, RsaPrivateKey};

use crate::keys::KeyError;

/// DER of `DigestInfo { AlgorithmIdentifier { id-sha1, NULL }, OCTET STRING (20 bytes) }`
/// up to the digest itself (RFC 8017, §9.2, note 1).
const SHA1_DIGEST_INFO_PREFIX: [u8; 15] = [
    0x30, 0x21, 0x30, 0x09, 0x06, 0x05, 0x2b, 0x0e, 0x03, 0x02, 0x1a, 0x05, 0x00, 0x04, 0x14,
];
const SHA1_LEN: usize = 20;

/// An RSA private key for gateways that still want SHA-1 signatures. Cheap to clone; `Debug`
/// never shows it; the `rsa` crate wipes the key when the last clone is dropped.
#[derive(Clone)]
pub struct Sha1RsaPrivateKey(Arc<RsaPrivateKey>);

impl Sha1RsaPrivateKey {
    /// Reads a PKCS#8 (`PRIVATE KEY`) or PKCS#1 (`RSA PRIVATE KEY`) PEM key, as
    /// [`RsaPrivateKey::from_pem`](crate::RsaPrivateKey::from_pem) does.
    pub fn from_pem(pem: &str) -> Result<Self, KeyError> {
        // Encrypted PKCS#8 has its own label; legacy encrypted PKCS#1 says so in a header.
        if pem_block(pem, "ENCRYPTED PRIVATE KEY").is_some() || pem.contains("4,ENCRYPTED") {
            return Err(KeyError::Encrypted);
        }
        let key = if let Some(block) = pem_block(pem, "PRIVATE KEY") {
            RsaPrivateKey::from_pkcs8_pem(block).map_err(|e| match e {
                rsa::pkcs8::Error::KeyMalformed | rsa::pkcs8::Error::Asn1(_) => {
                    KeyError::MalformedDer
                }
                // What the key's algorithm identifier names is not RSA.
                rsa::pkcs8::Error::PublicKey(_) => KeyError::NotRsa,
                _ => KeyError::Rejected("invalid or inconsistent key components"),
            })?
        } else if let Some(block) = pem_block(pem, "RSA PRIVATE KEY") {
            RsaPrivateKey::from_pkcs1_pem(block).map_err(|e| match e {
                rsa::pkcs1::Error::Asn1(_) => KeyError::MalformedDer,
                _ => KeyError::Rejected("invalid or inconsistent key components"),
            })?
        } else if pem.contains("-----BEGIN ") {
            return Err(KeyError::WrongKind {
                expected: "PRIVATE KEY or RSA PRIVATE KEY",
            });
        } else {
            return Err(KeyError::NoPem);
        };
        // The same bounds as ring sets for the keys it signs with.
        if !(2048..=8192).contains(&key.n().bits()) {
            return Err(KeyError::Rejected("modulus must have 2048 to 8192 bits"));
        }
        Ok(Sha1RsaPrivateKey(Arc::new(key)))
    }

    /// RSA PKCS#1 v1.5 SHA-1 signature of `message`, checked before it is returned.
    pub(super) fn sign(&self, message: &[u8]) -> Result<Vec<u8>, KeyError> {
        let hashed = digest(&SHA1_FOR_LEGACY_USE_ONLY, message);
        let padding = Pkcs1v15Sign {
            hash_len: Some(SHA1_LEN),
            prefix: Box::new(SHA1_DIGEST_INFO_PREFIX),
        };
        let signature = self
            .0
            .sign_with_rng(&mut rsa::rand_core::OsRng, padding, hashed.as_ref())
            .map_err(|_| KeyError::Signing)?;
        let public = RsaPublicKeyComponents {
            n: self.0.n().to_bytes_be(),
            e: self.0.e().to_bytes_be(),
        };
        public
            .verify(
                &RSA_PKCS1_2048_8192_SHA1_FOR_LEGACY_USE_ONLY,
                message,
                &signature,
            )
            .map_err(|_| KeyError::Signing)?;
        Ok(signature)
    }
}

impl fmt::Debug for Sha1RsaPrivateKey {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str("Sha1RsaPrivateKey(***)")
    }
}

/// The first PEM block labelled exactly `label`, armor included: the `rsa` crate wants one
/// block alone, and a key file may carry a certificate beside it.
fn pem_block<'a>(text: &'a str, label: &str) -> Option<&'a str> {
    let begin = format!("-----BEGIN {label}-----");
    let end = format!("-----END {label}-----");
    let start = text.find(&begin)?;
    let stop = start + text[start..].find(&end)? + end.len();
    Some(&text[start..stop])
}

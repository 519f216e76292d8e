//! RSA keys read from PEM, with ring as the only cryptography.
//!
//! Private keys come as PKCS#8 (`BEGIN PRIVATE KEY`) or PKCS#1 (`BEGIN RSA PRIVATE KEY`); public
//! keys as SubjectPublicKeyInfo (`BEGIN PUBLIC KEY`) or PKCS#1 (`BEGIN RSA PUBLIC KEY`). ring
//! parses private keys itself; public keys pass through a small DER reader because ring verifies
//! from the bare modulus and exponent.

use std::fmt;
use std::sync::Arc;

use base64::Engine as _;
use ring::rand::SystemRandom;
use ring::signature::{
    RSA_PKCS1_2048_8192_SHA256, RSA_PKCS1_SHA256, RsaEncoding, RsaKeyPair, RsaParameters,
    RsaPublicKeyComponents,
};

/// Why a key could not be used. Never carries key material.
#[derive(Debug, Clone, PartialEq, Eq)]
#[non_exhaustive]
pub enum KeyError {
    /// The text holds no PEM block.
    NoPem,
    /// PEM blocks were found, but none of the expected kind.
    WrongKind {
        /// The PEM labels that were looked for.
        expected: &'static str,
    },
    /// The key is encrypted; the client needs it decrypted.
    Encrypted,
    /// The PEM armor or its Base64 body is broken.
    MalformedPem,
    /// The DER structure inside the PEM is broken.
    MalformedDer,
    /// The key is not an RSA key.
    NotRsa,
    /// The key parsed but cannot be used (size, inconsistent components).
    Rejected(&'static str),
    /// Signing failed: the system random generator, used for RSA blinding, is unavailable.
    Signing,
}

impl fmt::Display for KeyError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            KeyError::NoPem => f.write_str("no PEM block found"),
            KeyError::WrongKind { expected } => {
                write!(f, "no PEM block of the expected kind ({expected})")
            }
            KeyError::Encrypted => f.write_str("the key is encrypted; supply it decrypted"),
            KeyError::MalformedPem => f.write_str("malformed PEM"),
            KeyError::MalformedDer => f.write_str("malformed DER inside the PEM block"),
            KeyError::NotRsa => f.write_str("not an RSA key"),
            KeyError::Rejected(reason) => write!(f, "unusable RSA key: {reason}"),
            KeyError::Signing => f.write_str("signing failed: no system random generator"),
        }
    }
}

impl std::error::Error for KeyError {}

/// The merchant's RSA private key. Cheap to clone; `Debug` never shows it.
#[derive(Clone)]
pub struct RsaPrivateKey(Arc<RsaKeyPair>);

impl RsaPrivateKey {
    /// Reads the key from PEM text, so a key file can be passed as the gateway handed it out.
    pub fn from_pem(pem: &str) -> Result<Self, KeyError> {
        const LABELS: [&str; 2] = ["PRIVATE KEY", "RSA PRIVATE KEY"];
        let (label, der) = read_pem(pem, &LABELS, "PRIVATE KEY or RSA PRIVATE KEY")?;
        let pair = if label == 0 {
            RsaKeyPair::from_pkcs8(&der.0)
        } else {
            RsaKeyPair::from_der(&der.0)
        };
        pair.map(|p| RsaPrivateKey(Arc::new(p))).map_err(|e| {
            // ring names the problem with a fixed word ("WrongAlgorithm", "TooSmall", ...), never
            // with key bytes.
            match e.to_string().as_str() {
                "WrongAlgorithm" => KeyError::NotRsa,
                "InvalidEncoding" => KeyError::MalformedDer,
                "TooSmall" => KeyError::Rejected("modulus too small"),
                "TooLarge" => KeyError::Rejected("modulus too large"),
                "PrivateModulusLenNotMultipleOf512Bits" => {
                    KeyError::Rejected("modulus length not a multiple of 512 bits")
                }
                "VersionNotSupported" => KeyError::Rejected("unsupported key version"),
                _ => KeyError::Rejected("invalid or inconsistent key components"),
            }
        })
    }

    /// RSA PKCS#1 v1.5 SHA-256 signature of `message`.
    pub(crate) fn sign(&self, message: &[u8]) -> Result<Vec<u8>, KeyError> {
        self.sign_with(&RSA_PKCS1_SHA256, message)
    }

    /// RSA signature of `message` with the given padding and hash.
    pub(crate) fn sign_with(
        &self,
        encoding: &'static dyn RsaEncoding,
        message: &[u8],
    ) -> Result<Vec<u8>, KeyError> {
        let mut signature = vec![0; self.0.public().modulus_len()];
        self.0
            .sign(encoding, &SystemRandom::new(), message, &mut signature)
            .map_err(|_| KeyError::Signing)?;
        Ok(signature)
    }
}

impl fmt::Debug for RsaPrivateKey {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str("RsaPrivateKey(***)")
    }
}

/// An RSA public key, e.g. the gateway's. Cheap to clone.
#[derive(Clone)]
pub struct RsaPublicKey(Arc<PublicParts>);

struct PublicParts {
    /// Big-endian, without leading zeros, as ring wants them.
    n: Vec<u8>,
    e: Vec<u8>,
}

impl RsaPublicKey {
    /// Reads the gateway's key from PEM text, as the gateway publishes it.
    pub fn from_pem(pem: &str) -> Result<Self, KeyError> {
        const LABELS: [&str; 2] = ["PUBLIC KEY", "RSA PUBLIC KEY"];
        let (label, der) = read_pem(pem, &LABELS, "PUBLIC KEY or RSA PUBLIC KEY")?;
        let pkcs1 = if label == 0 {
            unwrap_spki(&der.0)?
        } else {
            &der.0[..]
        };
        let (n, e) = parse_pkcs1_public(pkcs1)?;
        let key = PublicParts {
            n: n.to_vec(),
            e: e.to_vec(),
        };
        if !(2048..=8192).contains(&key.modulus_bits()) {
            return Err(KeyError::Rejected("modulus must have 2048 to 8192 bits"));
        }
        // ring's bounds for a verification exponent: odd, at least 3, below 2^33.
        let exponent = key.e.iter().fold(0u64, |acc, &b| acc << 8 | u64::from(b));
        if key.e.len() > 5 || exponent < 3 || exponent % 2 == 0 || exponent >= 1 << 33 {
            return Err(KeyError::Rejected("unsupported public exponent"));
        }
        Ok(RsaPublicKey(Arc::new(key)))
    }

    /// Whether `signature` is this key's RSA PKCS#1 v1.5 SHA-256 signature of `message`.
    pub(crate) fn verify(&self, message: &[u8], signature: &[u8]) -> bool {
        self.verify_with(&RSA_PKCS1_2048_8192_SHA256, message, signature)
    }

    /// Whether `signature` is this key's signature of `message` under `parameters`.
    pub(crate) fn verify_with(
        &self,
        parameters: &'static RsaParameters,
        message: &[u8],
        signature: &[u8],
    ) -> bool {
        RsaPublicKeyComponents {
            n: &self.0.n,
            e: &self.0.e,
        }
        .verify(parameters, message, signature)
        .is_ok()
    }

    /// Length in bytes of this key's signatures.
    pub(crate) fn signature_len(&self) -> usize {
        self.0.n.len()
    }
}

impl PublicParts {
    fn modulus_bits(&self) -> usize {
        match self.n.first() {
            Some(top) => self.n.len() * 8 - top.leading_zeros() as usize,
            None => 0,
        }
    }
}

impl fmt::Debug for RsaPublicKey {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "RsaPublicKey({} bits)", self.0.modulus_bits())
    }
}

/// A buffer that held key material, overwritten when dropped: ring keeps its own copy of the key,
/// and the loader's transient copies should not linger in freed memory.
struct Wiped(Vec<u8>);

impl Drop for Wiped {
    fn drop(&mut self) {
        self.0.fill(0);
        // Keeps the compiler from dropping the writes as dead stores.
        std::hint::black_box(&self.0);
    }
}

/// The DER body of the first PEM block whose label is in `labels`, with the label's index.
fn read_pem(
    text: &str,
    labels: &[&str],
    expected: &'static str,
) -> Result<(usize, Wiped), KeyError> {
    let mut lines = text.lines().map(str::trim);
    let mut saw_block = false;
    while let Some(line) = lines.next() {
        let Some(label) = line
            .strip_prefix("-----BEGIN ")
            .and_then(|rest| rest.strip_suffix("-----"))
        else {
            continue;
        };
        saw_block = true;
        if label == "ENCRYPTED PRIVATE KEY" {
            return Err(KeyError::Encrypted);
        }
        // Blocks of other kinds (a certificate next to the key) are passed over.
        let Some(index) = labels.iter().position(|l| *l == label) else {
            continue;
        };
        // Sized up front so that pushing never reallocates and leaves a copy behind.
        let mut body = Wiped(Vec::with_capacity(text.len()));
        loop {
            let line = lines.next().ok_or(KeyError::MalformedPem)?;
            if let Some(end) = line.strip_prefix("-----END ") {
                if end.strip_suffix("-----") != Some(label) {
                    return Err(KeyError::MalformedPem);
                }
                break;
            }
            if line.contains(':') {
                // RFC 1421 headers only appear in OpenSSL's legacy encrypted keys.
                return Err(if line.contains("ENCRYPTED") {
                    KeyError::Encrypted
                } else {
                    KeyError::MalformedPem
                });
            }
            body.0.extend_from_slice(line.as_bytes());
        }
        let mut der = Wiped(Vec::with_capacity(body.0.len() / 4 * 3 + 3));
        base64::engine::general_purpose::STANDARD
            .decode_vec(&body.0, &mut der.0)
            .map_err(|_| KeyError::MalformedPem)?;
        return Ok((index, der));
    }
    Err(if saw_block {
        KeyError::WrongKind { expected }
    } else {
        KeyError::NoPem
    })
}

/// A cursor over DER; every read is bounds-checked and only definite, minimal lengths are
/// accepted.
struct Der<'a>(&'a [u8]);

impl<'a> Der<'a> {
    fn read(&mut self, tag: u8) -> Result<&'a [u8], KeyError> {
        let bad = KeyError::MalformedDer;
        let (&actual, rest) = self.0.split_first().ok_or(bad.clone())?;
        let (&first, mut rest) = rest.split_first().ok_or(bad.clone())?;
        if actual != tag {
            return Err(bad);
        }
        let len = if first < 0x80 {
            usize::from(first)
        } else {
            let count = usize::from(first & 0x7f);
            // 0 is BER's indefinite length; four bytes already allow 4 GiB.
            if count == 0 || count > 4 {
                return Err(bad);
            }
            let (bytes, after) = rest.split_at_checked(count).ok_or(bad.clone())?;
            rest = after;
            let len = bytes
                .iter()
                .fold(0usize, |acc, &b| acc << 8 | usize::from(b));
            if bytes.first() == Some(&0) || len < 0x80 {
                return Err(bad);
            }
            len
        };
        let (content, after) = rest.split_at_checked(len).ok_or(bad)?;
        self.0 = after;
        Ok(content)
    }

    fn is_empty(&self) -> bool {
        self.0.is_empty()
    }

    fn finish(&self) -> Result<(), KeyError> {
        if self.is_empty() {
            Ok(())
        } else {
            Err(KeyError::MalformedDer)
        }
    }
}

/// The DER of rsaEncryption, 1.2.840.113549.1.1.1.
const RSA_ENCRYPTION_OID: &[u8] = &[0x2a, 0x86, 0x48, 0x86, 0xf7, 0x0d, 0x01, 0x01, 0x01];

/// The PKCS#1 `RSAPublicKey` inside a SubjectPublicKeyInfo.
fn unwrap_spki(der: &[u8]) -> Result<&[u8], KeyError> {
    let mut outer = Der(der);
    let mut spki = Der(outer.read(0x30)?);
    outer.finish()?;
    let mut algorithm = Der(spki.read(0x30)?);
    let bits = spki.read(0x03)?;
    spki.finish()?;
    if algorithm.read(0x06)? != RSA_ENCRYPTION_OID {
        return Err(KeyError::NotRsa);
    }
    // The parameters must be NULL; some encoders leave them out.
    if !algorithm.is_empty() && !algorithm.read(0x05)?.is_empty() {
        return Err(KeyError::MalformedDer);
    }
    algorithm.finish()?;
    match bits.split_first() {
        Some((0, key)) => Ok(key),
        _ => Err(KeyError::MalformedDer),
    }
}

/// Modulus and exponent of a PKCS#1 `RSAPublicKey`, without leading zeros.
fn parse_pkcs1_public(der: &[u8]) -> Result<(&[u8], &[u8]), KeyError> {
    let mut outer = Der(der);
    let mut key = Der(outer.read(0x30)?);
    outer.finish()?;
    let n = positive_integer(key.read(0x02)?)?;
    let e = positive_integer(key.read(0x02)?)?;
    key.finish()?;
    Ok((n, e))
}

fn positive_integer(bytes: &[u8]) -> Result<&[u8], KeyError> {
    match bytes {
        [] => Err(KeyError::MalformedDer),
        [first, ..] if first & 0x80 != 0 => Err(KeyError::MalformedDer),
        // A leading zero is only allowed, and needed, before a byte with its top bit set.
        [0, next, ..] if next & 0x80 != 0 => Ok(&bytes[1..]),
        [0, ..] => Err(KeyError::MalformedDer),
        _ => Ok(bytes),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    const MERCHANT_PKCS8: &str = include_str!("../../vectors/merchant-test.key");
    const MERCHANT_PKCS1: &str = include_str!("../../vectors/merchant-test-pkcs1.key");
    const MERCHANT_PUB: &str = include_str!("../../vectors/merchant-test.pub");
    const GATEWAY_KEY: &str = include_str!("../../vectors/gateway-test.key");
    const GATEWAY_PUB: &str = include_str!("../../vectors/gateway-test.pub");

    fn pem(label: &str, der: &[u8]) -> String {
        let b64 = base64::engine::general_purpose::STANDARD.encode(der);
        let lines: Vec<&str> = b64
            .as_bytes()
            .chunks(64)
            .map(|c| std::str::from_utf8(c).unwrap())
            .collect();
        format!(
            "-----BEGIN {label}-----\n{}\n-----END {label}-----\n",
            lines.join("\n")
        )
    }

    fn body(pem_text: &str) -> Vec<u8> {
        let b64: String = pem_text
            .lines()
            .filter(|l| !l.starts_with("-----"))
            .collect();
        base64::engine::general_purpose::STANDARD
            .decode(b64)
            .unwrap()
    }

    /// The PKCS#1 key inside an RSA-2048 SPKI, cut at the fixed offset that this encoding has,
    /// independently of the parser under test.
    fn pkcs1_of(spki_pem: &str) -> Vec<u8> {
        let der = body(spki_pem);
        let header = [
            0x30, 0x82, 0x01, 0x22, 0x30, 0x0d, 0x06, 0x09, 0x2a, 0x86, 0x48, 0x86, 0xf7, 0x0d,
            0x01, 0x01, 0x01, 0x05, 0x00, 0x03, 0x82, 0x01, 0x0f, 0x00,
        ];
        assert_eq!(der[..24], header);
        der[24..].to_vec()
    }

    #[test]
    fn loads_the_vector_keys() {
        for text in [MERCHANT_PKCS8, MERCHANT_PKCS1, GATEWAY_KEY] {
            RsaPrivateKey::from_pem(text).unwrap();
        }
        for text in [MERCHANT_PUB, GATEWAY_PUB] {
            assert_eq!(RsaPublicKey::from_pem(text).unwrap().signature_len(), 256);
        }
        let crlf = MERCHANT_PKCS1.replace('\n', "\r\n");
        RsaPrivateKey::from_pem(&crlf).unwrap();
        let surrounded = format!(
            "comment\n{}\n-----BEGIN CERTIFICATE-----\nAAAA\n-----END CERTIFICATE-----\n",
            MERCHANT_PUB
        );
        RsaPublicKey::from_pem(&surrounded).unwrap();
    }

    #[test]
    fn rsa_public_key_form_equals_spki_form() {
        let pkcs1 = pem("RSA PUBLIC KEY", &pkcs1_of(MERCHANT_PUB));
        let a = RsaPublicKey::from_pem(&pkcs1).unwrap();
        let b = RsaPublicKey::from_pem(MERCHANT_PUB).unwrap();
        assert_eq!(a.0.n, b.0.n);
        assert_eq!(a.0.e, b.0.e);
        assert_eq!(b.0.e, [1, 0, 1]);
        let key = RsaPrivateKey::from_pem(MERCHANT_PKCS8).unwrap();
        let sig = key.sign(b"text").unwrap();
        assert!(a.verify(b"text", &sig));
        assert!(!a.verify(b"texT", &sig));
    }

    #[test]
    fn debug_never_shows_key_material() {
        let private = RsaPrivateKey::from_pem(MERCHANT_PKCS8).unwrap();
        assert_eq!(format!("{private:?}"), "RsaPrivateKey(***)");
        assert_eq!(format!("{:?}", private.clone()), "RsaPrivateKey(***)");
        let public = RsaPublicKey::from_pem(GATEWAY_PUB).unwrap();
        assert_eq!(format!("{public:?}"), "RsaPublicKey(2048 bits)");
    }

    #[test]
    fn wrong_kinds_and_broken_armor() {
        use KeyError::*;
        let private = |t: &str| RsaPrivateKey::from_pem(t).unwrap_err();
        let public = |t: &str| RsaPublicKey::from_pem(t).unwrap_err();
        assert_eq!(private(""), NoPem);
        assert_eq!(private("not a key"), NoPem);
        assert_eq!(
            private(MERCHANT_PUB),
            WrongKind {
                expected: "PRIVATE KEY or RSA PRIVATE KEY"
            }
        );
        assert_eq!(
            public(MERCHANT_PKCS8),
            WrongKind {
                expected: "PUBLIC KEY or RSA PUBLIC KEY"
            }
        );
        assert_eq!(
            private(
                "-----BEGIN ENCRYPTED PRIVATE KEY-----\nAAAA\n-----END ENCRYPTED PRIVATE KEY-----"
            ),
            Encrypted
        );
        assert_eq!(
            private(
                "-----BEGIN RSA PRIVATE KEY-----\nProc-Type: 4,ENCRYPTED\nDEK-Info: AES-128-CBC,00\n\nAAAA\n-----END RSA PRIVATE KEY-----"
            ),
            Encrypted
        );
        let no_end: String = MERCHANT_PKCS8
            .lines()
            .filter(|l| !l.starts_with("-----END"))
            .collect::<Vec<_>>()
            .join("\n");
        assert_eq!(private(&no_end), MalformedPem);
        let wrong_end = MERCHANT_PKCS8.replace("END PRIVATE KEY", "END RSA PRIVATE KEY");
        assert_eq!(private(&wrong_end), MalformedPem);
        let bad_b64 = MERCHANT_PKCS8.replacen('M', "*", 1);
        assert_eq!(private(&bad_b64), MalformedPem);
        assert_eq!(
            private(&pem("PRIVATE KEY", b"\x30\x03\x02\x01\x00")),
            MalformedDer
        );
        assert_eq!(public(&pem("PUBLIC KEY", b"\x30\x00")), MalformedDer);
        // An SPKI for another algorithm (id-ecPublicKey).
        let ec = [
            0x30, 0x13, 0x30, 0x09, 0x06, 0x07, 0x2a, 0x86, 0x48, 0xce, 0x3d, 0x02, 0x01, 0x03,
            0x02, 0x00, 0x00, 0x04, 0x00,
        ];
        assert_eq!(public(&pem("PUBLIC KEY", &ec[..17])), MalformedDer);
        assert_eq!(
            public(&pem(
                "PUBLIC KEY",
                &[&[0x30, 0x11][..], &ec[2..17], &[0x03, 0x00][..]].concat()
            )),
            MalformedDer
        );
        let ec_spki = [
            &[
                0x30, 0x12, 0x30, 0x09, 0x06, 0x07, 0x2a, 0x86, 0x48, 0xce, 0x3d, 0x02, 0x01,
            ][..],
            &[0x03, 0x05, 0x00, 0x04, 0x01, 0x02, 0x03][..],
        ]
        .concat();
        assert_eq!(public(&pem("PUBLIC KEY", &ec_spki)), NotRsa);
        // A 1024-bit-sized modulus and an even exponent.
        let small = [
            &[0x30, 0x81, 0x87, 0x02, 0x81, 0x81, 0x00, 0x80][..],
            &[0u8; 127],
            &[0x02, 0x01, 0x03],
        ]
        .concat();
        assert_eq!(
            public(&pem("RSA PUBLIC KEY", &small)),
            Rejected("modulus must have 2048 to 8192 bits")
        );
        let mut even = pkcs1_of(GATEWAY_PUB);
        let last = even.len() - 1;
        even[last] = 0x00;
        assert_eq!(
            public(&pem("RSA PUBLIC KEY", &even)),
            Rejected("unsupported public exponent")
        );
    }

    #[test]
    fn no_panic_on_truncated_or_corrupted_der() {
        for source in [MERCHANT_PKCS8, MERCHANT_PKCS1] {
            let der = body(source);
            let label = source
                .lines()
                .next()
                .unwrap()
                .trim_start_matches("-----BEGIN ")
                .trim_end_matches("-----")
                .to_owned();
            for len in (0..der.len()).step_by(7) {
                assert!(RsaPrivateKey::from_pem(&pem(&label, &der[..len])).is_err());
            }
        }
        let spki = body(MERCHANT_PUB);
        for len in 0..spki.len() {
            assert!(RsaPublicKey::from_pem(&pem("PUBLIC KEY", &spki[..len])).is_err());
        }
        let pkcs1 = pkcs1_of(MERCHANT_PUB);
        for len in 0..pkcs1.len() {
            assert!(RsaPublicKey::from_pem(&pem("RSA PUBLIC KEY", &pkcs1[..len])).is_err());
        }
        // Every single-byte change of the header region either fails cleanly or still loads.
        for i in 0..40 {
            for flip in [0x01u8, 0x80, 0xff] {
                let mut der = spki.clone();
                der[i] ^= flip;
                let _ = RsaPublicKey::from_pem(&pem("PUBLIC KEY", &der));
                let mut der = body(MERCHANT_PKCS1);
                der[i] ^= flip;
                let _ = RsaPrivateKey::from_pem(&pem("RSA PRIVATE KEY", &der));
            }
        }
        // Long-form lengths: non-minimal, indefinite and oversize forms are refused.
        for bad in [
            &[0x30, 0x81, 0x05, 0x02, 0x01, 0x01, 0x02, 0x01][..],
            &[0x30, 0x80, 0x00, 0x00],
            &[0x30, 0x85, 0xff, 0xff, 0xff, 0xff, 0xff],
            &[0x30, 0x84, 0xff, 0xff, 0xff, 0xff],
            &[0x30, 0x82, 0x00, 0x05, 0x02, 0x01, 0x01, 0x02, 0x01, 0x03],
        ] {
            assert_eq!(
                RsaPublicKey::from_pem(&pem("RSA PUBLIC KEY", bad)).unwrap_err(),
                KeyError::MalformedDer
            );
        }
    }

    #[test]
    fn integers_must_be_minimal_and_positive() {
        assert_eq!(positive_integer(&[0x01]), Ok(&[0x01][..]));
        assert_eq!(positive_integer(&[0x00, 0x80]), Ok(&[0x80][..]));
        assert_eq!(positive_integer(&[0x00, 0x7f]), Err(KeyError::MalformedDer));
        assert_eq!(positive_integer(&[0x00]), Err(KeyError::MalformedDer));
        assert_eq!(positive_integer(&[0x80]), Err(KeyError::MalformedDer));
        assert_eq!(positive_integer(&[]), Err(KeyError::MalformedDer));
    }
}

//! Message signatures: the signed text and RSA PKCS#1 v1.5 SHA-256 over it.

use base64::Engine as _;

use crate::error::SignatureError;
use crate::keys::{KeyError, RsaPrivateKey, RsaPublicKey};

pub mod pipe {
    //! The "pipe" signed text: field values joined with `|` in the spec's order.

    use serde_json::Value;

    use crate::schema::{SignItem, SignShape};

    /// Values of the order's fields joined with '|': absent/null skipped; "" kept (→ "||");
    /// bools true/false; numbers as serde_json prints them; strings raw; nested objects
    /// flattened in their own order; empty/absent objects contribute nothing; lists element by
    /// element in message order; MapValues: the map's values in message order.
    ///
    /// A value whose JSON type differs from its shape (possible only in a message that breaks
    /// its schema) contributes all of its scalars in message order, so that nothing under a
    /// signed field can change without changing the text.
    pub fn text_to_sign(order: &[SignItem], message: &Value) -> String {
        let mut parts = Vec::new();
        push_items(order, message, &mut parts);
        let mut text = String::new();
        for (i, part) in parts.iter().enumerate() {
            if i > 0 {
                text.push('|');
            }
            part.write(&mut text);
        }
        text
    }

    /// One slot of the text, borrowed from the message.
    enum Part<'a> {
        Str(&'a str),
        Other(&'a Value),
    }

    impl Part<'_> {
        fn write(&self, text: &mut String) {
            match self {
                Part::Str(s) => text.push_str(s),
                // Numbers and booleans print as their JSON text.
                Part::Other(v) => text.push_str(&v.to_string()),
            }
        }
    }

    fn push_items<'a>(items: &[SignItem], object: &'a Value, parts: &mut Vec<Part<'a>>) {
        for item in items {
            if let Some(value) = object.get(item.wire) {
                push_shape(&item.shape, value, parts);
            }
        }
    }

    fn push_shape<'a>(shape: &SignShape, value: &'a Value, parts: &mut Vec<Part<'a>>) {
        match (shape, value) {
            (SignShape::Object(items), Value::Object(_)) => push_items(items, value, parts),
            (SignShape::Each(inner), Value::Array(elements)) => {
                for element in elements {
                    push_shape(inner, element, parts);
                }
            }
            _ => push_all(value, parts),
        }
    }

    /// Every scalar under `value`, in message order.
    fn push_all<'a>(value: &'a Value, parts: &mut Vec<Part<'a>>) {
        match value {
            Value::Null => {}
            Value::String(s) => parts.push(Part::Str(s)),
            Value::Bool(_) | Value::Number(_) => parts.push(Part::Other(value)),
            Value::Array(elements) => elements.iter().for_each(|e| push_all(e, parts)),
            Value::Object(map) => map.values().for_each(|v| push_all(v, parts)),
        }
    }
}

/// Base64 (standard alphabet) of the RSA PKCS#1 v1.5 SHA-256 signature of `text`.
///
/// Fails only when the operating system's random generator, which ring uses to blind the RSA
/// operation, is unavailable.
pub fn sign_rsa_sha256(key: &RsaPrivateKey, text: &str) -> Result<String, KeyError> {
    let signature = key.sign(text.as_bytes())?;
    Ok(base64::engine::general_purpose::STANDARD.encode(signature))
}

pub fn verify_rsa_sha256(
    key: &RsaPublicKey,
    text: &str,
    signature_b64: &str,
) -> Result<(), SignatureError> {
    let signature = base64::engine::general_purpose::STANDARD
        .decode(signature_b64)
        .map_err(|_| SignatureError::Malformed)?;
    if signature.len() != key.signature_len() {
        return Err(SignatureError::Malformed);
    }
    if key.verify(text.as_bytes(), &signature) {
        Ok(())
    } else {
        Err(SignatureError::Mismatch)
    }
}

//! Automatic values the client fills in itself: credentials, the gateway's timestamp, request
//! UUIDs and the headers carrying them. The caller never supplies these.

use serde_json::{Map, Value};

use crate::clock::format_dttm;
use crate::error::Error;
use crate::schema::{Auto, Field, HeaderValue, Kind, Object, Operation};
use crate::validate::literal_value;

use super::Engine;

impl Engine {
    /// The value of an automatic field; `None` for the signature, added once the text is signed.
    pub(super) fn auto_value(
        &self,
        field: &'static Field,
        auto: Auto,
    ) -> Result<Option<Value>, Error> {
        Ok(match auto {
            Auto::Credential(name) => {
                let value = self.credential(name)?.expose();
                Some(match field.kind {
                    // Integer credentials (a project id) travel as JSON numbers.
                    Kind::Integer => Value::from(value.parse::<i64>().map_err(|_| {
                        Error::Config(format!("credential {name} must be an integer"))
                    })?),
                    _ => Value::String(value.clone()),
                })
            }
            Auto::Dttm => Some(Value::String(format_dttm(
                self.clock.now(),
                self.gateway.dttm_zone,
            ))),
            Auto::Signature => None,
            Auto::Const(constant) => Some(literal_value(&constant)),
        })
    }

    /// Fills the automatic fields of nested objects (e.g. `general.project_id`), creating a
    /// parent the caller left out; a caller's value for such a field is replaced.
    pub(super) fn fill_nested(
        &self,
        object: &'static Object,
        map: &mut Map<String, Value>,
    ) -> Result<(), Error> {
        for field in object.fields {
            let Kind::Object(child) = field.kind else {
                continue;
            };
            if !has_auto(child) {
                continue;
            }
            let entry = map
                .entry(field.wire.to_owned())
                .or_insert_with(|| Value::Object(Map::new()));
            if let Value::Object(inner) = entry {
                for nested in child.fields {
                    if let Some(auto) = nested.auto.filter(|auto| fills_parent(*auto)) {
                        match self.auto_value(nested, auto)? {
                            Some(value) => inner.insert(nested.wire.to_owned(), value),
                            None => inner.remove(nested.wire),
                        };
                    }
                }
                self.fill_nested(child, inner)?;
            }
        }
        Ok(())
    }

    /// The headers of one attempt: the gateway's and the operation's, values filled in.
    pub(super) fn headers(
        &self,
        op: &'static Operation,
        idempotency_key: &str,
    ) -> Result<Vec<(&'static str, String)>, Error> {
        self.gateway
            .headers
            .iter()
            .chain(op.headers)
            .map(|header| {
                let value = match header.value {
                    HeaderValue::Uuid => uuid_v4()?,
                    HeaderValue::IdempotencyKey => idempotency_key.to_owned(),
                    HeaderValue::Credential(_) | HeaderValue::Basic(..) | HeaderValue::Text(_) => {
                        self.credentials.header_value(&header.value)?
                    }
                };
                Ok((header.name, value))
            })
            .collect()
    }
}

/// Whether `object` or an object inside it has automatic fields that make the client create it.
pub(super) fn has_auto(object: &'static Object) -> bool {
    object.fields.iter().any(|f| {
        f.auto.is_some_and(fills_parent) || matches!(f.kind, Kind::Object(child) if has_auto(child))
    })
}

/// Whether the client creates an absent parent object to hold the value. A `const` goes only
/// where the caller's message has its parent: an optional object the caller left out stays out,
/// as it would without the constant.
fn fills_parent(auto: Auto) -> bool {
    !matches!(auto, Auto::Const(_))
}

/// A random UUID version 4, from the system's secure random source.
pub(super) fn uuid_v4() -> Result<String, Error> {
    use ring::rand::SecureRandom;
    let mut bytes = [0u8; 16];
    ring::rand::SystemRandom::new()
        .fill(&mut bytes)
        .map_err(|_| Error::Config("the system has no secure random source".into()))?;
    bytes[6] = (bytes[6] & 0x0f) | 0x40;
    bytes[8] = (bytes[8] & 0x3f) | 0x80;
    let hex: String = bytes.iter().map(|b| format!("{b:02x}")).collect();
    Ok(format!(
        "{}-{}-{}-{}-{}",
        &hex[0..8],
        &hex[8..12],
        &hex[12..16],
        &hex[16..20],
        &hex[20..32]
    ))
}

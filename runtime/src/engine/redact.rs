//! What may be shown of a request: the schema's `sensitive` values (card data, passwords) and
//! sensitive headers become `***` in `Debug`, `Display` and dry runs.

use std::fmt;

use serde_json::Value;

use crate::schema::{Gateway, Kind, Method, Object, Operation};

use super::PreparedRequest;

/// The masked copies of a prepared request; `None` where nothing needed masking.
#[derive(Clone, Default)]
pub(super) struct Redacted {
    pub(super) url: Option<String>,
    pub(super) body: Option<Value>,
    pub(super) text_to_sign: Option<String>,
}

impl PreparedRequest {
    pub(super) fn shown_url(&self) -> &str {
        self.redacted.url.as_deref().unwrap_or(&self.url)
    }

    pub(super) fn shown_body(&self) -> Option<&Value> {
        self.redacted.body.as_ref().or(self.body.as_ref())
    }

    pub(super) fn shown_text(&self) -> Option<&str> {
        self.redacted
            .text_to_sign
            .as_deref()
            .or(self.text_to_sign.as_deref())
    }
}

impl fmt::Debug for PreparedRequest {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("PreparedRequest")
            .field("method", &self.method)
            .field("url", &self.shown_url())
            .field("body", &self.shown_body())
            .field("text_to_sign", &self.shown_text())
            .finish()
    }
}

impl fmt::Display for PreparedRequest {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{} {}", self.method.as_str(), self.shown_url())?;
        if let Some(body) = self.shown_body() {
            write!(f, "\n{body}")?;
        }
        Ok(())
    }
}

/// A request as a dry run shows it: secrets and card data already masked.
#[derive(Debug, Clone)]
pub struct DryRun {
    /// The HTTP method of the operation.
    pub method: Method,
    /// The full URL, sensitive path fields masked.
    pub url: String,
    /// The gateway's and the operation's headers, sensitive values (API keys) masked.
    pub headers: Vec<(&'static str, String)>,
    /// The body, sensitive fields masked; `None` when nothing travels in a body.
    pub body: Option<Value>,
    /// The signed text, sensitive values masked; `None` when the request is not signed.
    pub text_to_sign: Option<String>,
}

/// The headers with the values of the gateway's and the operation's sensitive headers masked.
pub(super) fn masked_headers(
    gateway: &Gateway,
    op: &'static Operation,
    headers: Vec<(&'static str, String)>,
) -> Vec<(&'static str, String)> {
    headers
        .into_iter()
        .map(|(name, value)| {
            let sensitive = gateway
                .headers
                .iter()
                .chain(op.headers)
                .any(|h| h.name == name && h.sensitive);
            (name, if sensitive { "***".to_owned() } else { value })
        })
        .collect()
}

/// A copy of `value` with the schema's sensitive fields as `***`, or `None` when none is
/// present.
pub(super) fn masked(object: &'static Object, value: &Value) -> Option<Value> {
    let mut copy = value.clone();
    mask_object(object, &mut copy).then_some(copy)
}

fn mask_object(object: &'static Object, value: &mut Value) -> bool {
    let Value::Object(map) = value else {
        return false;
    };
    let mut changed = false;
    for field in object.fields {
        let Some(v) = map.get_mut(field.wire).filter(|v| !v.is_null()) else {
            continue;
        };
        if field.sensitive {
            *v = Value::String("***".to_owned());
            changed = true;
        } else {
            changed |= mask_kind(&field.kind, v);
        }
    }
    changed
}

fn mask_kind(kind: &Kind, value: &mut Value) -> bool {
    match (kind, value) {
        (Kind::Object(object), value) => mask_object(object, value),
        (Kind::List(inner), Value::Array(items)) => items
            .iter_mut()
            .fold(false, |changed, item| mask_kind(inner, item) | changed),
        (Kind::Map(inner), Value::Object(map)) => map
            .values_mut()
            .fold(false, |changed, item| mask_kind(inner, item) | changed),
        _ => false,
    }
}

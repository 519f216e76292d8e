//! What may be shown of a request: the schema's `sensitive` values (card data, passwords) and
//! sensitive headers become `***` in `Debug`, `Display` and dry runs; and what may be shown of an
//! answer: the [`Scrubber`] that takes those values and the client's secrets back out of
//! whatever the gateway echoes.

use std::fmt;

use serde_json::Value;

use crate::schema::{self, CredentialKind, Gateway, HeaderValue, Kind, Method, Object, Operation};
use crate::scrub::Scrubber;

use super::credentials::Credentials;
use super::{Engine, PreparedRequest};

/// The masked copies of a prepared request; `None` where nothing needed masking.
#[derive(Clone, Default)]
pub(super) struct Redacted {
    pub(super) url: Option<String>,
    /// The header fields, sensitive values masked; always set, as it is short.
    pub(super) headers: Vec<(&'static str, String)>,
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
            .field("headers", &self.redacted.headers)
            .field("body", &self.shown_body())
            .field("text_to_sign", &self.shown_text())
            .finish()
    }
}

impl fmt::Display for PreparedRequest {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{} {}", self.method.as_str(), self.shown_url())?;
        for (name, value) in &self.redacted.headers {
            write!(f, "\n{name}: {value}")?;
        }
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
    /// The gateway's and the operation's headers, then the request's header fields; sensitive
    /// values (API keys, sensitive fields) masked.
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

/// A scrubber of the client's secrets: sensitive credentials, credentials sent in sensitive
/// headers (API keys) and those headers' whole values (a Basic pair in Base64, a bearer token
/// with its prefix), and the secrets that sign (an HMAC key, a salt). Built once per engine; each request adds its own
/// sensitive values to a copy.
pub(super) fn secrets_scrubber(gateway: &Gateway, credentials: &Credentials) -> Scrubber {
    let mut scrubber = Scrubber::new();
    let sensitive_headers = || {
        gateway
            .headers
            .iter()
            .chain(gateway.operations.iter().flat_map(|op| op.headers))
            .filter(|h| h.sensitive)
    };
    for (name, value) in &credentials.values {
        let sensitive = gateway
            .credentials
            .iter()
            .any(|c| c.name == *name && (c.sensitive || c.kind == CredentialKind::Secret));
        if sensitive || sensitive_headers().any(|h| h.value.credentials().contains(name)) {
            scrubber.add(value.expose());
        }
    }
    for header in sensitive_headers() {
        if matches!(header.value, HeaderValue::Basic(..) | HeaderValue::Text(_)) {
            if let Ok(value) = credentials.header_value(&header.value) {
                scrubber.add(&value);
            }
        }
    }
    scrubber
}

impl Engine {
    /// The scrubber for the answer to `body`: the client's secrets and the request's sensitive
    /// values.
    pub(super) fn scrubber_for(&self, op: &'static Operation, body: &Value) -> Scrubber {
        let mut scrubber = (*self.secrets).clone();
        scrubber.add_sensitive(op.request, body);
        scrubber
    }

    /// What may be printed or logged of `answer`, the gateway's reply to `request`: the
    /// answer's own sensitive fields as `***`, and whatever the request sent in confidence (card
    /// data, passwords) and the client's secrets taken out of every text, since a gateway may
    /// echo them in a successful answer too. For showing only: act on `answer` itself.
    pub fn shown_answer(&self, op: &'static Operation, request: &Value, answer: &Value) -> Value {
        let mut shown = masked(op.response, answer).unwrap_or_else(|| answer.clone());
        self.scrubber_for(op, request).scrub_json(&mut shown);
        shown
    }

    /// What may be printed or logged of a message the gateway sent the merchant (a callback, a
    /// notification): its sensitive fields as `***` and the client's secrets taken out of every
    /// text. For showing only: act on `message` itself.
    pub fn shown_message(&self, callback: &'static schema::Callback, message: &Value) -> Value {
        let mut shown = masked(callback.message, message).unwrap_or_else(|| message.clone());
        self.secrets.scrub_json(&mut shown);
        shown
    }
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

//! Requests the customer's browser carries to the gateway, and the form encoding they (and
//! form-encoded calls) use.

use std::fmt;

use serde_json::Value;

use crate::schema::Method;

use super::url::push_percent_encoded;

/// A request for the customer's browser: where to go, how, and with which form fields.
#[derive(Clone)]
pub struct RedirectForm {
    /// Whether the browser GETs the page with the fields in the query or POSTs them as a form.
    pub method: Method,
    /// The gateway page (path and query fields already in place).
    pub url: String,
    /// The URL with sensitive path and query values masked, when there are any.
    pub(super) shown_url: Option<String>,
    /// The fields to post (or to put in the query string), in the spec's order.
    pub fields: Vec<(String, String)>,
    /// The fields with sensitive values masked, when there are any.
    pub(super) shown: Option<Vec<(String, String)>>,
}

impl RedirectForm {
    /// The page URL with the fields as its query string, for a GET redirect.
    pub fn to_url(&self) -> String {
        if self.fields.is_empty() {
            return self.url.clone();
        }
        let separator = if self.url.contains('?') { '&' } else { '?' };
        format!("{}{separator}{}", self.url, form_encode(&self.fields))
    }

    /// The fields as an `application/x-www-form-urlencoded` body, for a POSTed form.
    pub fn to_form_body(&self) -> String {
        form_encode(&self.fields)
    }
}

/// Passwords and card data in the URL and the fields print as `***`.
impl fmt::Debug for RedirectForm {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("RedirectForm")
            .field("method", &self.method)
            .field("url", self.shown_url.as_ref().unwrap_or(&self.url))
            .field("fields", self.shown.as_ref().unwrap_or(&self.fields))
            .finish()
    }
}

/// The top-level fields of a body as form fields: text as it is, numbers and booleans as JSON
/// writes them, objects and lists as JSON text; null fields are left out.
pub(super) fn form_fields(body: &Value) -> Vec<(String, String)> {
    let Value::Object(map) = body else {
        return Vec::new();
    };
    map.iter()
        .filter(|(_, v)| !v.is_null())
        .map(|(k, v)| {
            let text = match v {
                Value::String(s) => s.clone(),
                other => other.to_string(),
            };
            (k.clone(), text)
        })
        .collect()
}

/// `fields` as an `application/x-www-form-urlencoded` text, in their order.
pub fn form_encode(fields: &[(String, String)]) -> String {
    let mut out = String::new();
    for (i, (key, value)) in fields.iter().enumerate() {
        if i > 0 {
            out.push('&');
        }
        push_percent_encoded(&mut out, key);
        out.push('=');
        push_percent_encoded(&mut out, value);
    }
    out
}

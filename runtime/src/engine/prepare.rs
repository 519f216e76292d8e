//! Turns the caller's request into the exact message of one attempt: known fields in the
//! schema's order, automatic fields filled, validated, signed, path, query and header fields
//! taken out of the body.

use serde::Serialize;
use serde_json::{Map, Value};

use crate::error::{Error, RuleKind, Violation, Violations};
use crate::recipe::Placement;
use crate::schema::{Encoding, Method, Operation};
use crate::scrub::Scrubber;
use crate::validate::{present, validate_request, with_constants};

use super::Engine;
use super::redact::{Redacted, masked};
use super::redirect::{form_encode, form_fields};
use super::sign::{Signed, Stage, sent_body, signs_raw_body};
use super::url::{push_percent_encoded, take_header_fields};

/// A request exactly as it goes on the wire: automatic fields filled, signed, path built.
///
/// `Debug` and `Display` show the schema's `sensitive` values as `***`; the public fields hold
/// the real ones.
#[derive(Clone)]
pub struct PreparedRequest {
    /// The HTTP method of the operation.
    pub method: Method,
    /// The full URL, path fields percent-encoded in place, query fields in its query string.
    pub url: String,
    /// The request's header fields, by wire name; the gateway's and the operation's declared
    /// headers are added when the request is sent.
    pub headers: Vec<(&'static str, String)>,
    /// The JSON body; `None` for a GET or DELETE, or when every field travels outside it.
    pub body: Option<Value>,
    /// The text the first recipe signed, when the request is signed; a recipe that signs each
    /// item of a list signed one text per item, written one a line.
    pub text_to_sign: Option<String>,
    /// The same with sensitive values masked; `None` where nothing needed masking.
    pub(super) redacted: Redacted,
    /// Hides this request's sensitive values and the client's secrets in what the gateway
    /// answers.
    pub(super) scrubber: Scrubber,
}

impl Engine {
    /// Validates, fills `auto` fields, signs and lays out one attempt of a request.
    pub(super) fn prepare_value(
        &self,
        op: &'static Operation,
        request: &Value,
    ) -> Result<PreparedRequest, Error> {
        let Some(given) = request.as_object() else {
            return Err(invalid("", RuleKind::Type, "object"));
        };
        let mut body = Map::new();
        for field in op.request.fields {
            let value = match field.auto {
                Some(auto) => self.auto_value(field, auto)?,
                None => present(given, field.wire).cloned(),
            };
            if let Some(mut value) = value {
                strip_nulls(&mut value);
                body.insert(field.wire.to_owned(), value);
            }
        }
        // Fields the schema does not know are kept only for validation to name them: such a
        // request is refused, never sent. The client never takes a value for an automatic field
        // from the caller.
        for (key, value) in given {
            let known = op.request.field(key).is_some() || signs_into(op, key);
            if !known && !value.is_null() {
                let mut value = value.clone();
                strip_nulls(&mut value);
                body.insert(key.clone(), value);
            }
        }
        self.fill_nested(op.request, &mut body)?;
        let mut body = Value::Object(body);
        with_constants(op.request, &mut body);
        let violations = validate_request(op.request, &body);
        if !violations.is_empty() {
            return Err(Error::Invalid(Violations(violations)));
        }
        // Taken before path fields leave the body, so that a sensitive path value is hidden too.
        let scrubber = self.scrubber_for(op, &body);

        let mut redacted = Redacted::default();
        let inputs = self.request_inputs();
        let mut signed = Signed::default();
        self.sign_request(
            op,
            &mut body,
            &inputs,
            Stage::Fields,
            &mut signed,
            &mut redacted,
        )?;

        let built = self.build_url(op, &mut body, &signed)?;
        redacted.url = built.masked;
        let header_fields = take_header_fields(op, &mut body)?;
        redacted.headers = header_fields
            .iter()
            .map(|(field, value)| {
                let shown = if field.sensitive { "***" } else { value };
                (field.wire, shown.to_owned())
            })
            .collect();
        let mut headers: Vec<(&'static str, String)> = header_fields
            .into_iter()
            .map(|(field, value)| (field.wire, value))
            .collect();
        let url = if op.encoding == Encoding::Query {
            body_into_query(op, built.url, &mut redacted, &mut body)
        } else {
            built.url
        };
        let body_is_empty = body.as_object().is_some_and(Map::is_empty);
        let body = if !op.method.has_body() {
            if !body_is_empty {
                return Err(Error::Config(format!(
                    "operation {}: a {} carries no body, but fields remain outside the path, query and headers",
                    op.id, op.method
                )));
            }
            None
        } else if body_is_empty {
            // An operation whose fields all travel outside the body sends no body at all.
            None
        } else {
            redacted.body = masked(op.request, &body);
            Some(body)
        };
        if op.request_recipes.iter().any(signs_raw_body) {
            self.sign_sent_body(op, body.as_ref(), &inputs, &mut signed, &mut redacted)?;
        }
        // A signature is no secret: the gateway checks it, and it proves nothing elsewhere.
        redacted.headers.extend(signed.headers.iter().cloned());
        headers.extend(signed.headers);
        let text_to_sign = signed.text;
        Ok(PreparedRequest {
            method: op.method,
            url,
            headers,
            body,
            text_to_sign,
            redacted,
            scrubber,
        })
    }
}

impl Engine {
    /// Signs with the recipes over the raw body, once the body is exactly what is sent. Their
    /// signatures travel in headers: a signature inside the body would change what it signs.
    fn sign_sent_body(
        &self,
        op: &'static Operation,
        body: Option<&Value>,
        inputs: &[(&'static str, crate::secret::Secret<String>)],
        signed: &mut Signed,
        redacted: &mut Redacted,
    ) -> Result<(), Error> {
        let raw = sent_body(op, body);
        let shown = sent_body(op, redacted.body.as_ref().or(body));
        let mut sent = body.cloned().unwrap_or_else(|| Value::Object(Map::new()));
        let before = sent.clone();
        let (paths, queries) = (signed.path.len(), signed.query.len());
        self.sign_request(
            op,
            &mut sent,
            inputs,
            Stage::Sent {
                raw: &raw,
                shown: &shown,
            },
            signed,
            redacted,
        )?;
        if sent != before || signed.path.len() != paths || signed.query.len() != queries {
            return Err(Error::Config(format!(
                "operation {}: a signature over the raw body travels in a header",
                op.id
            )));
        }
        Ok(())
    }
}

/// Moves what is left of the body into the query string, after the `in: query` fields, for
/// `encoding: query`: form-encoded like a form body, sensitive values `***` in the shown URL.
fn body_into_query(
    op: &'static Operation,
    mut url: String,
    redacted: &mut Redacted,
    body: &mut Value,
) -> String {
    let fields = form_fields(body);
    if fields.is_empty() {
        return url;
    }
    let separator = if url.contains('?') { '&' } else { '?' };
    let shown_fields = masked(op.request, body).map(|shown| form_fields(&shown));
    if shown_fields.is_some() || redacted.url.is_some() {
        let mut shown = redacted.url.take().unwrap_or_else(|| url.clone());
        shown.push(separator);
        for (i, ((key, value), (_, real))) in shown_fields
            .as_ref()
            .unwrap_or(&fields)
            .iter()
            .zip(&fields)
            .enumerate()
        {
            if i > 0 {
                shown.push('&');
            }
            push_percent_encoded(&mut shown, key);
            shown.push('=');
            if value == "***" && real != "***" {
                shown.push_str(value);
            } else {
                push_percent_encoded(&mut shown, value);
            }
        }
        redacted.url = Some(shown);
    }
    url.push(separator);
    url.push_str(&form_encode(&fields));
    *body = Value::Object(Map::new());
    url
}

/// Whether `key` names the field a request signature goes into: a caller's value for it is
/// dropped rather than refused, since the signature replaces it.
fn signs_into(op: &Operation, key: &str) -> bool {
    op.request_recipes.iter().any(|named| {
        matches!(named.recipe.placement, Placement::Field(path) if path.last() == Some(&key))
    })
}

pub(super) fn to_request_value<Req: Serialize>(request: &Req) -> Result<Value, Error> {
    serde_json::to_value(request).map_err(|_| invalid("", RuleKind::Type, "JSON object"))
}

pub(super) fn invalid(path: &str, rule: RuleKind, limit: &str) -> Error {
    Error::Invalid(Violations(vec![Violation {
        path: path.to_owned(),
        rule,
        limit: limit.to_owned(),
    }]))
}

/// JSON nulls mean "absent" to validation and signing; they are not sent either, so the gateway
/// sees the same message.
fn strip_nulls(value: &mut Value) {
    match value {
        Value::Object(map) => {
            map.retain(|_, v| !v.is_null());
            map.values_mut().for_each(strip_nulls);
        }
        Value::Array(items) => items.iter_mut().for_each(strip_nulls),
        _ => {}
    }
}

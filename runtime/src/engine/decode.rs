//! Reading the gateway's answer: its fault and error objects, the HTTP status, the JSON and its
//! shape, the result code, and finally the caller's response type.

use serde::de::DeserializeOwned;
use serde_json::Value;

use crate::error::{Echoed, Error, RuleKind, Violation, Violations};
use crate::schema::Operation;
use crate::scrub::Scrubber;
use crate::validate::{literal_matches, validate_value};

use super::Engine;
use super::received::{parse_answer, typed_answer};
use super::retry::Failure;
use super::transport::{MAX_RESPONSE_BYTES, RawAnswer};

/// How much of an HTTP error body [`Error::Http`] keeps.
const MAX_ERROR_BODY_BYTES: usize = 2048;
/// How much of a result field [`Error::Unsuccessful`] keeps: a status word, not a message.
const MAX_FAILURE_VALUE_BYTES: usize = 64;

impl Engine {
    /// Checks an attempt's answer: HTTP status, body in its declared encoding, signature, result
    /// code, in that order, so a result code is only believed from a verified message.
    ///
    /// Whatever of the answer goes into an error is scrubbed first: gateways echo requests, and
    /// an error's text reaches logs and terminals.
    pub(super) fn read_answer(
        &self,
        op: &'static Operation,
        answer: RawAnswer,
        scrubber: &Scrubber,
        span: &tracing::Span,
    ) -> Result<Value, Failure> {
        let RawAnswer {
            status,
            bytes,
            complete,
        } = answer;
        if let Some(fault) = self.fault(op, status, &bytes, scrubber) {
            return Err(Failure::Final(fault));
        }
        if let Some(errors) = self.errors(op, status, &bytes, scrubber) {
            return Err(Failure::Final(errors));
        }
        if !(200..300).contains(&status) {
            // Scrubbed before it is cut, so that a value cut in half cannot slip through.
            let mut body = scrubber.scrub(&String::from_utf8_lossy(&bytes));
            truncate_at_char(&mut body, MAX_ERROR_BODY_BYTES);
            let error = Error::Http {
                operation: op.id,
                status,
                body,
                echoed: Echoed::new(&bytes),
            };
            return Err(Failure::of_http_status(self.gateway, status, error));
        }
        let decode_error = |message: String| {
            Failure::of_answer(Error::Decode {
                operation: op.id,
                message: scrubber.scrub(&message),
            })
        };
        if !complete {
            return Err(decode_error(format!(
                "the body exceeds {MAX_RESPONSE_BYTES} bytes"
            )));
        }
        let response = parse_answer(&op.answer, &bytes).map_err(decode_error)?;
        let expected_shape = if op.response.items.is_some() {
            response.is_array()
        } else {
            response.is_object()
        };
        if !expected_shape {
            return Err(decode_error(
                "the body does not have the documented shape".to_owned(),
            ));
        }

        self.verify_response(op, &response, &bytes)
            .map_err(Failure::of_answer)?;
        let response = typed_answer(op, response);

        // A literal or empty answer has no field to carry a code: its shape is the outcome.
        let result = self
            .gateway
            .result
            .filter(|_| op.answer.encoding.carries_fields());
        if let Some(result) = result {
            let Some(code) = response.get(result.code_field).and_then(Value::as_i64) else {
                return Err(decode_error(format!("no integer {}", result.code_field)));
            };
            span.record("result_code", code);
            if !result.success.contains(&code) {
                let message = result
                    .message_field
                    .and_then(|f| response.get(f))
                    .and_then(Value::as_str)
                    .map(|m| scrubber.scrub(m));
                let mut body = response;
                scrubber.scrub_json(&mut body);
                let error = Error::Rejected {
                    operation: op.id,
                    code,
                    name: result.name_of(code),
                    message,
                    body: Box::new(body),
                    echoed: Echoed::new(&bytes),
                };
                return Err(Failure::of_rejection(op, code, error));
            }
        }
        says_something(op, &response).map_err(Failure::of_answer)?;
        if let Some(when) = &op.success_when {
            let value = response.get(when.field).unwrap_or(&Value::Null);
            if !when.values.iter().any(|l| literal_matches(l, value)) {
                let mut value = value.to_string();
                truncate_at_char(&mut value, MAX_FAILURE_VALUE_BYTES);
                return Err(Failure::Final(Error::Unsuccessful {
                    operation: op.id,
                    field: when.field,
                    value,
                }));
            }
        }
        Ok(response)
    }

    /// The gateway's documented list of errors, whatever the HTTP status it came with.
    fn errors(
        &self,
        op: &'static Operation,
        status: u16,
        bytes: &[u8],
        scrubber: &Scrubber,
    ) -> Option<Error> {
        let spec = self.gateway.errors?;
        let body: Value = serde_json::from_slice(bytes).ok()?;
        let items = body.get(spec.field)?.as_array()?;
        Some(Error::Errors {
            operation: op.id,
            http_status: status,
            errors: items
                .iter()
                .map(|item| {
                    (
                        scrubbed_text(item, spec.code, scrubber),
                        scrubbed_text(item, spec.message, scrubber),
                    )
                })
                .collect(),
            echoed: Echoed::new(bytes),
        })
    }

    /// The gateway's documented fault object, whatever the HTTP status it came with.
    fn fault(
        &self,
        op: &'static Operation,
        status: u16,
        bytes: &[u8],
        scrubber: &Scrubber,
    ) -> Option<Error> {
        let spec = self.gateway.fault?;
        let body: Value = serde_json::from_slice(bytes).ok()?;
        let fault = body.get(spec.field).filter(|f| f.is_object())?;
        Some(Error::Fault {
            operation: op.id,
            code: scrubbed_text(fault, spec.code, scrubber),
            message: scrubbed_text(fault, spec.message, scrubber),
            detail: scrubbed_text(fault, spec.detail, scrubber),
            http_status: status,
            echoed: Echoed::new(bytes),
        })
    }
}

/// A member of a gateway's error object as text (a number or an object as JSON), scrubbed.
fn scrubbed_text(object: &Value, key: &str, scrubber: &Scrubber) -> String {
    match object.get(key) {
        Some(Value::String(s)) => scrubber.scrub(s),
        Some(Value::Null) | None => String::new(),
        Some(other) => scrubber.scrub(&other.to_string()),
    }
}

/// A successful answer must carry what its spec requires, with the documented JSON types, and
/// must say something: `{}`, or an object of nulls, is no acknowledgement of anything. Checked on
/// the raw JSON, before any typed decoding, so that callers of JSON values get the same errors.
/// The elements of a list answer are checked one by one while decoding instead, where an odd
/// one is kept aside.
fn says_something(op: &'static Operation, response: &Value) -> Result<(), Error> {
    if op.response.items.is_some() {
        return Ok(());
    }
    let structural: Vec<Violation> = validate_value(op.response, response)
        .into_iter()
        .filter(|v| match v.rule {
            RuleKind::Required => true,
            // Some platforms send an empty map as `[]`; decoding accepts it.
            RuleKind::Type => !response
                .pointer(&v.path)
                .and_then(Value::as_array)
                .is_some_and(Vec::is_empty),
            _ => false,
        })
        .collect();
    if !structural.is_empty() {
        return Err(Error::Decode {
            operation: op.id,
            message: format!(
                "the body does not fit {}: {}",
                op.response.name,
                Violations(structural).to_string().replace('\n', "; ")
            ),
        });
    }
    let says_nothing = response
        .as_object()
        .is_some_and(|map| map.values().all(Value::is_null));
    // A response that declares no fields is an acknowledgement that may well be empty.
    if says_nothing && !op.response.fields.is_empty() {
        return Err(Error::Decode {
            operation: op.id,
            message: format!(
                "the body does not fit {}: every field is absent or null",
                op.response.name
            ),
        });
    }
    Ok(())
}

pub(super) fn decode<Resp: DeserializeOwned>(
    op: &'static Operation,
    response: &Value,
) -> Result<Resp, Error> {
    Resp::deserialize(response).map_err(|_| mismatch(op, response))
}

/// Describes why a response does not fit its type. serde's own message would quote the value,
/// so the response schema is asked instead: it names paths only.
fn mismatch(op: &'static Operation, response: &Value) -> Error {
    let structural: Vec<Violation> = validate_value(op.response, response)
        .into_iter()
        .filter(|v| matches!(v.rule, RuleKind::Type | RuleKind::Required))
        .collect();
    let mut message = format!("the body does not fit {}", op.response.name);
    if !structural.is_empty() {
        message.push_str(": ");
        message.push_str(&Violations(structural).to_string().replace('\n', "; "));
    }
    Error::Decode {
        operation: op.id,
        message,
    }
}

fn truncate_at_char(text: &mut String, max_bytes: usize) {
    if text.len() > max_bytes {
        let mut cut = max_bytes;
        while !text.is_char_boundary(cut) {
            cut -= 1;
        }
        text.truncate(cut);
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn truncation_respects_characters() {
        let mut s = "ab€".to_owned();
        truncate_at_char(&mut s, 3);
        assert_eq!(s, "ab");
        let mut s = "abc".to_owned();
        truncate_at_char(&mut s, 3);
        assert_eq!(s, "abc");
    }
}

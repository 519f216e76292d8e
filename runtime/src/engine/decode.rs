//! Reading the gateway's answer: its fault and error objects, the HTTP status, the JSON and its
//! shape, the result code, and finally the caller's response type.

use serde::de::DeserializeOwned;
use serde_json::Value;

use crate::error::{Echoed, Error, RuleKind, Violation, Violations};
use crate::outcome::{Code, CodeReading, read_result};
use crate::schema::{ErrorShape, Meaning, Object, Operation};
use crate::scrub::Scrubber;
use crate::validate::validate_value;

use super::Engine;
use super::received::{parse_answer, typed_answer};
use super::retry::Failure;
use super::transport::{MAX_RESPONSE_BYTES, RawAnswer};

/// How much of an HTTP error body [`Error::Http`] keeps.
const MAX_ERROR_BODY_BYTES: usize = 2048;

impl Engine {
    /// Checks an attempt's answer: HTTP status, body in its declared encoding, signature, result
    /// code, in that order, so a result code is only believed from a verified message. A code
    /// that means pending is no failure: the call was accepted and the answer says what is
    /// still open.
    ///
    /// Whatever of the answer goes into an error is scrubbed first: gateways echo requests, and
    /// an error's text reaches logs and terminals.
    pub(super) fn read_answer(
        &self,
        op: &'static Operation,
        request: &Value,
        answer: RawAnswer,
        scrubber: &Scrubber,
        span: &tracing::Span,
    ) -> Result<Value, Failure> {
        let RawAnswer {
            status,
            bytes,
            complete,
        } = answer;
        if let Some(error) = self.error_body(op, status, &bytes, scrubber) {
            return Err(Failure::Final(error));
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
        // Before the result code: a refusal about another payment says nothing about this one.
        answers_this_call(op, request, &response).map_err(Failure::of_answer)?;

        // A literal or empty answer has no field to carry a code: its shape is the outcome.
        let result = op
            .result
            .or(self.gateway.result)
            .filter(|_| op.answer.encoding.carries_fields());
        if let Some(result) = result {
            code_has_its_type(op, result.code_field, &response).map_err(Failure::of_answer)?;
            let reading = match read_result(result, &response) {
                Ok(reading) => reading,
                Err(missing) => {
                    // An answer lacking more than its code is described by all it lacks.
                    says_something(op, &response).map_err(Failure::of_answer)?;
                    return Err(decode_error(missing.to_string()));
                }
            };
            span.record(
                "result_code",
                tracing::field::display(&reading.primary.code),
            );
            if reading.meaning == Meaning::Failure {
                let message = result
                    .message_field
                    .and_then(|f| response.get(f))
                    .and_then(Value::as_str)
                    .map(|m| scrubber.scrub(m).into());
                let retryable = op
                    .retryable_result_codes
                    .iter()
                    .any(|c| reading.primary.code.is(c));
                let mut body = response;
                scrubber.scrub_json(&mut body);
                let error = Error::Rejected {
                    operation: op.id,
                    field: result.code_field,
                    name: reading.primary.name(),
                    code: scrubbed_code(reading.primary.code, scrubber),
                    secondary: reading.secondary.map(|s| {
                        Box::new(CodeReading {
                            code: scrubbed_code(s.code, scrubber),
                            info: s.info,
                        })
                    }),
                    message,
                    body: Box::new(body),
                    echoed: Echoed::new(&bytes),
                };
                return Err(Failure::of_rejection(op, retryable, error));
            }
        }
        says_something(op, &response).map_err(Failure::of_answer)?;
        Ok(response)
    }

    /// The first of the gateway's declared error bodies that the answer is, on one of the
    /// statuses it comes with.
    fn error_body(
        &self,
        op: &'static Operation,
        status: u16,
        bytes: &[u8],
        scrubber: &Scrubber,
    ) -> Option<Error> {
        let declared = self
            .gateway
            .errors
            .iter()
            .filter(|e| e.http_status.is_empty() || e.http_status.contains(&status));
        let mut declared = declared.peekable();
        declared.peek()?;
        let body: Value = serde_json::from_slice(bytes).ok()?;
        declared.find_map(|spec| {
            let fault = |error: &Value| Error::Fault {
                operation: op.id,
                code: scrubbed_text(error, spec.code, scrubber),
                message: scrubbed_text(error, spec.message, scrubber),
                detail: spec
                    .detail
                    .map(|d| scrubbed_text(error, d, scrubber))
                    .unwrap_or_default(),
                http_status: status,
                echoed: Echoed::new(bytes),
            };
            match spec.shape {
                ErrorShape::Wrapped => {
                    let object = body.get(spec.field?).filter(|f| f.is_object())?;
                    Some(fault(object))
                }
                ErrorShape::Flat => body.get(spec.code).map(|_| fault(&body)),
                ErrorShape::List => {
                    let items = match spec.field {
                        Some(field) => body.get(field)?.as_array()?,
                        // A whole-body list is only an error list when each item is an error:
                        // a list answer must not be taken for one.
                        None => body
                            .as_array()
                            .filter(|items| !items.is_empty())
                            .filter(|items| items.iter().all(|i| i.get(spec.code).is_some()))?,
                    };
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
            }
        })
    }
}

/// A text code may be whatever the gateway chose to put there, an echoed value included.
fn scrubbed_code(code: Code, scrubber: &Scrubber) -> Code {
    match code {
        Code::Text(text) => Code::Text(scrubber.scrub(&text).into()),
        int => int,
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

/// An answer that carries one of the operation's `answer_matches` fields carries the value the
/// request sent: a verified answer about another payment is no answer to this call. An answer
/// without the field (an early refusal) is left to the other checks.
fn answers_this_call(
    op: &'static Operation,
    request: &Value,
    response: &Value,
) -> Result<(), Error> {
    for &field in op.answer_matches {
        let sent = request.get(field).filter(|v| !v.is_null());
        let answered = response.get(field).filter(|v| !v.is_null());
        if let (Some(sent), Some(answered)) = (sent, answered) {
            if sent != answered {
                return Err(Error::ForeignAnswer {
                    operation: op.id,
                    field,
                });
            }
        }
    }
    Ok(())
}

/// A code of another JSON type than its field's (a number where the spec says string) is no
/// code of the spec's at all: the answer does not fit, and says nothing that can be believed.
fn code_has_its_type(op: &'static Operation, field: &str, response: &Value) -> Result<(), Error> {
    let pointer = format!("/{field}");
    let wrong: Vec<Violation> = validate_value(op.response, response)
        .into_iter()
        .filter(|v| v.rule == RuleKind::Type && v.path == pointer)
        .collect();
    if wrong.is_empty() {
        return Ok(());
    }
    Err(Error::Decode {
        operation: op.id,
        message: format!(
            "the body does not fit {}: {}",
            op.response.name,
            Violations(wrong).to_string().replace('\n', "; ")
        ),
    })
}

/// A successful answer must carry what its spec requires, with the documented JSON types, and
/// must say something: `{}`, or an object of nulls, is no acknowledgement of anything. Checked on
/// the raw JSON, before any typed decoding, so that callers of JSON values get the same errors.
/// The elements of a list answer are checked one by one while decoding instead, where an odd
/// one is kept aside.
/// Callback messages are held to the same rule once verified (`message_says_something`).
fn says_something(op: &'static Operation, response: &Value) -> Result<(), Error> {
    message_says_something(op.id, op.response, response)
}

pub(super) fn message_says_something(
    id: &'static str,
    object: &'static Object,
    response: &Value,
) -> Result<(), Error> {
    if object.items.is_some() {
        return Ok(());
    }
    let structural: Vec<Violation> = validate_value(object, response)
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
            operation: id,
            message: format!(
                "the body does not fit {}: {}",
                object.name,
                Violations(structural).to_string().replace('\n', "; ")
            ),
        });
    }
    let says_nothing = response
        .as_object()
        .is_some_and(|map| map.values().all(Value::is_null));
    // A response that declares no fields is an acknowledgement that may well be empty.
    if says_nothing && !object.fields.is_empty() {
        return Err(Error::Decode {
            operation: id,
            message: format!(
                "the body does not fit {}: every field is absent or null",
                object.name
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

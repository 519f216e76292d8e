//! What the gateway sends, read from its raw bytes: answers (JSON, form-encoded, a declared
//! literal, or nothing) and received messages (a JSON or form body, or a query string), in
//! their declared charset, into one JSON value. Signatures, result codes and typed decoding
//! then work the same whatever the wire looked like.
//!
//! Form-encoded text is kept as text until the message has been verified: a signature covers
//! the values as sent, so `typed` runs only afterwards and turns the declared integer, boolean
//! and nested fields into their JSON types.

use serde_json::{Map, Value};

use crate::charset;
use crate::error::Error;
use crate::schema::{Answer, AnswerEncoding, Callback, Charset, Kind, Literal, MessageEncoding};
use crate::schema::{Object, Operation};

/// How much of an unexpected body a decode error shows, after scrubbing.
const MAX_SHOWN_BODY_BYTES: usize = 256;

/// An answer's body as received, before verification: a JSON value, or for a form answer an
/// object of text values. A literal or empty answer that is what the spec declares reads as
/// `{}`. The error says what is wrong; the caller scrubs it.
pub(super) fn parse_answer(answer: &Answer, bytes: &[u8]) -> Result<Value, String> {
    let blank = bytes.iter().all(u8::is_ascii_whitespace);
    match answer.encoding {
        // An empty answer (a 204, an acknowledgement without content) is an empty object.
        AnswerEncoding::Json if blank => Ok(Value::Object(Map::new())),
        AnswerEncoding::Json => {
            let text = charset::decode(answer.charset, bytes).map_err(|e| e.to_string())?;
            // serde_json's syntax errors name a position, never the content.
            serde_json::from_str(&text).map_err(|e| format!("the body is not JSON: {e}"))
        }
        AnswerEncoding::Form => form(bytes, answer.charset).map(Value::Object),
        AnswerEncoding::Literal => {
            let expected = answer.literal.unwrap_or_default();
            let text = charset::decode(answer.charset, bytes.trim_ascii());
            // A trailing newline is how many servers end any body; it says nothing.
            if text.is_ok_and(|text| text == expected) {
                Ok(Value::Object(Map::new()))
            } else {
                Err(format!(
                    "the body is not the declared {expected:?}: {}",
                    shown(bytes)
                ))
            }
        }
        // A body where none belongs may be an error page or a message this spec does not
        // know; taking it as the acknowledgement could hide a refusal.
        AnswerEncoding::Empty if blank => Ok(Value::Object(Map::new())),
        AnswerEncoding::Empty => Err(format!(
            "the answer is declared empty, but has a body: {}",
            shown(bytes)
        )),
    }
}

/// A verified answer with its text fields in their declared types.
pub(super) fn typed_answer(op: &'static Operation, response: Value) -> Value {
    match op.answer.encoding {
        AnswerEncoding::Form => typed(op.response, response),
        AnswerEncoding::Json | AnswerEncoding::Literal | AnswerEncoding::Empty => response,
    }
}

/// A received message as it arrived, before verification: a JSON value, or for a form body or
/// a query string an object of text values.
pub(super) fn parse_message(callback: &'static Callback, raw: &[u8]) -> Result<Value, Error> {
    let decode_error = |message: String| Error::Decode {
        operation: callback.id,
        message,
    };
    match callback.delivery {
        MessageEncoding::Json => {
            let text = charset::decode(callback.charset, raw)
                .map_err(|e| decode_error(format!("the message is not text: {e}")))?;
            serde_json::from_str(&text)
                .map_err(|e| decode_error(format!("the message is not JSON: {e}")))
        }
        MessageEncoding::Form => form(raw, callback.charset)
            .map(Value::Object)
            .map_err(decode_error),
        // Frameworks hand the query string with or without its `?`.
        MessageEncoding::Query => form(raw.strip_prefix(b"?").unwrap_or(raw), callback.charset)
            .map(Value::Object)
            .map_err(decode_error),
    }
}

/// A verified received message with its text fields in their declared types.
pub(super) fn typed_message(callback: &'static Callback, message: Value) -> Value {
    match callback.delivery {
        MessageEncoding::Json => message,
        MessageEncoding::Form | MessageEncoding::Query => typed(callback.message, message),
    }
}

/// Parses `application/x-www-form-urlencoded` as the WHATWG URL standard does (pieces split on
/// `&`, empty ones skipped, the name up to the first `=`, `+` a space, `%XX` a byte, a `%`
/// without two hex digits kept as it is), then reads each name and value in `charset`.
///
/// A name that appears twice is an error: which of two values a signature or a handler
/// believes would depend on the parser, and a forged second value must not win.
fn form(bytes: &[u8], charset: Charset) -> Result<Map<String, Value>, String> {
    let mut fields = Map::new();
    for piece in bytes.split(|b| *b == b'&').filter(|p| !p.is_empty()) {
        let (name, value) = match piece.iter().position(|b| *b == b'=') {
            Some(at) => (&piece[..at], &piece[at + 1..]),
            None => (piece, &piece[piece.len()..]),
        };
        let name = form_text(name, charset).map_err(|e| format!("a field name: {e}"))?;
        let value = form_text(value, charset).map_err(|e| format!("field `{name}`: {e}"))?;
        if fields.contains_key(&name) {
            return Err(format!("field `{name}` appears twice"));
        }
        fields.insert(name, Value::String(value));
    }
    Ok(fields)
}

fn form_text(encoded: &[u8], charset: Charset) -> Result<String, charset::InvalidText> {
    let mut bytes = Vec::with_capacity(encoded.len());
    let mut i = 0;
    while i < encoded.len() {
        let byte = match encoded[i] {
            b'+' => b' ',
            b'%' => match (hex(encoded.get(i + 1)), hex(encoded.get(i + 2))) {
                (Some(high), Some(low)) => {
                    i += 2;
                    high << 4 | low
                }
                _ => b'%',
            },
            other => other,
        };
        bytes.push(byte);
        i += 1;
    }
    charset::decode(charset, &bytes).map(|text| text.into_owned())
}

fn hex(byte: Option<&u8>) -> Option<u8> {
    let digit = char::from(*byte?).to_digit(16)?;
    u8::try_from(digit).ok()
}

/// Turns the text values of an object's declared fields into their JSON types: integers,
/// booleans (`true`/`false`), integer enum values, and objects, lists and maps written as JSON
/// text. A value that does not read as its type stays text, so that validation names the field;
/// an empty value of a field that is not text counts as absent. Fields the spec does not
/// declare stay text.
fn typed(object: &'static Object, message: Value) -> Value {
    let Value::Object(mut fields) = message else {
        return message;
    };
    for field in object.fields {
        if let Some(value) = fields.get_mut(field.wire) {
            let Value::String(text) = &*value else {
                continue;
            };
            if let Some(typed) = from_text(&field.kind, text) {
                *value = typed;
            }
        }
    }
    Value::Object(fields)
}

fn from_text(kind: &Kind, text: &str) -> Option<Value> {
    let textual = match kind {
        Kind::String | Kind::Any => true,
        Kind::Enum(e) => !matches!(e.values.first(), Some(Literal::Int(_))),
        _ => false,
    };
    if textual {
        return None;
    }
    if text.is_empty() {
        return Some(Value::Null);
    }
    match kind {
        Kind::Integer | Kind::Enum(_) => text.parse::<i64>().ok().map(Value::from),
        Kind::Boolean => match text {
            "true" => Some(Value::Bool(true)),
            "false" => Some(Value::Bool(false)),
            _ => None,
        },
        Kind::Object(_) | Kind::List(_) | Kind::Map(_) => serde_json::from_str(text).ok(),
        Kind::String | Kind::Any => None,
    }
}

/// The start of a body for an error message, as text; the caller scrubs it.
fn shown(bytes: &[u8]) -> String {
    let text = String::from_utf8_lossy(bytes);
    let mut cut = text.len().min(MAX_SHOWN_BODY_BYTES);
    while !text.is_char_boundary(cut) {
        cut -= 1;
    }
    format!("{:?}", &text[..cut])
}

#[cfg(test)]
mod tests {
    use super::*;

    fn parsed(bytes: &[u8]) -> Result<Value, String> {
        form(bytes, Charset::Utf8).map(Value::Object)
    }

    #[test]
    fn form_text_follows_the_urlencoded_rules() {
        assert_eq!(
            parsed(b"a=1+2&b=%C5%BE%2B&&c&d=&e=x=y&f=%zz%4").unwrap(),
            serde_json::json!({"a": "1 2", "b": "ž+", "c": "", "d": "", "e": "x=y", "f": "%zz%4"})
        );
    }

    #[test]
    fn a_repeated_name_is_refused() {
        assert_eq!(
            parsed(b"amount=1&amount=1000").unwrap_err(),
            "field `amount` appears twice"
        );
    }

    #[test]
    fn bytes_are_read_in_the_declared_charset() {
        let fields = form(b"name=%9Eluv", Charset::Windows1250).unwrap();
        assert_eq!(fields["name"], "žluv");
        assert!(form(b"name=%9Eluv", Charset::Utf8).is_err());
        assert!(form(b"name=%81", Charset::Windows1250).is_err());
    }

    #[test]
    fn text_values_take_their_declared_types() {
        static CARD: Object = Object {
            name: "card",
            fields: &[],
            rules: &[],
            items: None,
        };
        static MESSAGE: Object = Object {
            name: "message",
            fields: &[
                crate::schema::Field::new("code", Kind::Integer),
                crate::schema::Field::new("paid", Kind::Boolean),
                crate::schema::Field::new("card", Kind::Object(&CARD)),
                crate::schema::Field::new("note", Kind::String),
                crate::schema::Field::new("count", Kind::Integer),
                crate::schema::Field::new("fee", Kind::Integer),
            ],
            rules: &[],
            items: None,
        };
        let message = serde_json::json!({"code": "0", "paid": "true", "card": "{\"last4\":\"4242\"}",
            "note": "12", "count": "", "fee": "1.5", "extra": "7"});
        assert_eq!(
            typed(&MESSAGE, message),
            serde_json::json!({"code": 0, "paid": true, "card": {"last4": "4242"},
                "note": "12", "count": null, "fee": "1.5", "extra": "7"})
        );
    }

    #[test]
    fn literal_and_empty_answers_show_what_came_instead() {
        let literal = Answer {
            encoding: AnswerEncoding::Literal,
            literal: Some("[accepted]"),
            charset: Charset::Utf8,
        };
        assert_eq!(
            parse_answer(&literal, b"[accepted]\r\n").unwrap(),
            serde_json::json!({})
        );
        assert_eq!(
            parse_answer(&literal, b"[refused]").unwrap_err(),
            "the body is not the declared \"[accepted]\": \"[refused]\""
        );
        let empty = Answer {
            encoding: AnswerEncoding::Empty,
            ..literal
        };
        assert_eq!(parse_answer(&empty, b" \n").unwrap(), serde_json::json!({}));
        let accepted_in_1250 = Answer {
            literal: Some("přijato"),
            charset: Charset::Windows1250,
            ..literal
        };
        assert!(parse_answer(&accepted_in_1250, b"p\xf8ijato").is_ok());
        assert!(parse_answer(&accepted_in_1250, "přijato".as_bytes()).is_err());
        assert!(parse_answer(&empty, b"error").is_err());
    }
}

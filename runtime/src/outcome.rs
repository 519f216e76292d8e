//! What a result code says: the spec's [`ResultSpec`] applied to an answer or a received
//! message.
//!
//! A code the spec does not list means failure. Treating it as pending would leave a merchant
//! waiting for a decision the gateway may already have made, and no unknown code may ever be
//! taken for a success; the code itself is kept so that the merchant can look it up.

use std::fmt;

use serde::Serialize;
use serde_json::Value;

use crate::schema::{Callback, Literal, Meaning, ResultCodeInfo, ResultSpec};

/// How much of a text code is kept: a status word, not a message the gateway may fill with
/// echoed request data.
const MAX_CODE_BYTES: usize = 64;

/// A result code as the gateway sent it: an integer or a string.
#[derive(Debug, Clone, PartialEq, Eq, Hash)]
pub enum Code {
    /// An integer code: ČSOB's `resultCode`.
    Int(i64),
    /// A text code: Monetix's `status`, at most 64 bytes.
    Text(Box<str>),
}

impl Code {
    /// The code of a JSON value; `None` for anything but an integer or a string.
    fn of(value: &Value) -> Option<Code> {
        match value {
            Value::Number(n) => n.as_i64().map(Code::Int),
            Value::String(s) => {
                let mut cut = s.len().min(MAX_CODE_BYTES);
                while !s.is_char_boundary(cut) {
                    cut -= 1;
                }
                Some(Code::Text(s[..cut].into()))
            }
            _ => None,
        }
    }

    /// Whether the spec's literal names this code.
    pub fn is(&self, literal: &Literal) -> bool {
        match (self, literal) {
            (Code::Int(code), Literal::Int(l)) => code == l,
            (Code::Text(code), Literal::Str(l)) => &**code == *l,
            _ => false,
        }
    }

    /// The integer code, for a gateway whose codes are integers.
    pub fn as_int(&self) -> Option<i64> {
        match self {
            Code::Int(code) => Some(*code),
            Code::Text(_) => None,
        }
    }
}

impl PartialEq<i64> for Code {
    fn eq(&self, other: &i64) -> bool {
        self.as_int() == Some(*other)
    }
}

impl PartialEq<&str> for Code {
    fn eq(&self, other: &&str) -> bool {
        matches!(self, Code::Text(code) if &**code == *other)
    }
}

impl fmt::Display for Code {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            Code::Int(code) => write!(f, "{code}"),
            Code::Text(code) => f.write_str(code),
        }
    }
}

/// A code read from a message together with what the spec says of it.
#[derive(Debug, Clone, PartialEq)]
pub struct CodeReading {
    /// The code as sent.
    pub code: Code,
    /// The spec's entry for it; `None` for a code the spec does not list.
    pub info: Option<&'static ResultCodeInfo>,
}

impl CodeReading {
    /// The spec name of the code, when the spec lists it.
    pub fn name(&self) -> Option<&'static str> {
        self.info.map(|i| i.name)
    }
}

/// What a message's result code fields say.
#[derive(Debug, Clone, PartialEq)]
pub struct ResultReading {
    /// The outcome: the primary code's meaning, made worse by a listed second code's. An
    /// unlisted primary code is a failure.
    pub meaning: Meaning,
    /// The primary code.
    pub primary: CodeReading,
    /// The second code, when the spec declares one and the message carries it.
    pub secondary: Option<CodeReading>,
}

impl ResultReading {
    /// Whether the code says success.
    pub fn is_success(&self) -> bool {
        self.meaning == Meaning::Success
    }
}

/// Why a message's result could not be read.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum NoResult {
    /// The message lacks its code field, or holds neither an integer nor a string in it.
    Missing {
        /// The code field the spec names.
        field: &'static str,
    },
    /// The spec declares no result for the message.
    Undeclared,
}

impl fmt::Display for NoResult {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            NoResult::Missing { field } => write!(f, "no integer or string {field}"),
            NoResult::Undeclared => f.write_str("the spec declares no result for the message"),
        }
    }
}

/// Applies `spec` to a message: its primary code must be there, an integer or a string.
pub fn read_result(spec: &'static ResultSpec, message: &Value) -> Result<ResultReading, NoResult> {
    let primary = message
        .get(spec.code_field)
        .and_then(Code::of)
        .ok_or(NoResult::Missing {
            field: spec.code_field,
        })?;
    let primary = reading(primary, spec.codes);
    let mut meaning = primary.info.map_or(Meaning::Failure, |i| i.meaning);
    let secondary = spec.secondary.as_ref().and_then(|second| {
        let code = message.get(second.field).and_then(Code::of)?;
        Some(reading(code, second.codes))
    });
    if let Some(info) = secondary.as_ref().and_then(|s| s.info) {
        meaning = meaning.worst(info.meaning);
    }
    Ok(ResultReading {
        meaning,
        primary,
        secondary,
    })
}

/// Applies a callback's result declaration to its decoded message, as the message serialises
/// back to what the gateway sent.
pub fn read_callback_result<T: Serialize>(
    callback: &'static Callback,
    message: &T,
) -> Result<ResultReading, NoResult> {
    let spec = callback.result.ok_or(NoResult::Undeclared)?;
    let value = serde_json::to_value(message).map_err(|_| NoResult::Missing {
        field: spec.code_field,
    })?;
    read_result(spec, &value)
}

fn reading(code: Code, codes: &'static [ResultCodeInfo]) -> CodeReading {
    let info = codes.iter().find(|c| code.is(&c.code));
    CodeReading { code, info }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::schema::SecondaryCode;
    use serde_json::json;

    static STATUS: ResultSpec = ResultSpec {
        code_field: "status",
        message_field: Some("message"),
        codes: &[
            ResultCodeInfo {
                code: Literal::Str("success"),
                name: "success",
                meaning: Meaning::Success,
            },
            ResultCodeInfo {
                code: Literal::Str("processing"),
                name: "processing",
                meaning: Meaning::Pending,
            },
        ],
        secondary: Some(SecondaryCode {
            field: "code",
            codes: &[ResultCodeInfo {
                code: Literal::Int(3061),
                name: "insufficient_funds",
                meaning: Meaning::Failure,
            }],
        }),
    };

    #[test]
    fn listed_codes_carry_their_meaning() {
        let read = read_result(&STATUS, &json!({"status": "processing"})).unwrap();
        assert_eq!(read.meaning, Meaning::Pending);
        assert_eq!(read.primary.name(), Some("processing"));
        assert!(read.secondary.is_none());
    }

    #[test]
    fn an_unknown_code_is_a_failure_that_keeps_the_code() {
        let read = read_result(&STATUS, &json!({"status": "APPROVED?"})).unwrap();
        assert_eq!(read.meaning, Meaning::Failure);
        assert_eq!(read.primary.code, "APPROVED?");
        assert_eq!(read.primary.info, None);
    }

    #[test]
    fn a_listed_second_code_can_only_make_the_outcome_worse() {
        let read = read_result(&STATUS, &json!({"status": "success", "code": 3061})).unwrap();
        assert_eq!(read.meaning, Meaning::Failure);
        assert_eq!(read.secondary.unwrap().name(), Some("insufficient_funds"));
        let read = read_result(&STATUS, &json!({"status": "success", "code": 1})).unwrap();
        assert!(read.is_success(), "an unlisted second code is a detail");
    }

    #[test]
    fn a_code_of_the_wrong_kind_never_matches() {
        let read = read_result(&STATUS, &json!({"status": "success", "code": "3061"})).unwrap();
        assert!(read.is_success());
        assert_eq!(
            read_result(&STATUS, &json!({"status": true})),
            Err(NoResult::Missing { field: "status" })
        );
    }

    #[test]
    fn a_long_text_code_is_cut() {
        let long = "é".repeat(40);
        let read = read_result(&STATUS, &json!({ "status": long })).unwrap();
        let Code::Text(kept) = read.primary.code else {
            panic!()
        };
        assert_eq!(kept.len(), 64);
    }
}

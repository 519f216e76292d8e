//! Errors of the runtime and the generated clients.
//!
//! Every message here may end up in a log line, so none of them carries a request field's value,
//! a key or a credential: a violation names the path, the rule and the limit, and bodies kept for
//! the caller's inspection are left out of `Debug` and `Display`.

use std::fmt;

/// The kind of constraint a value broke.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum RuleKind {
    Required,
    Type,
    Min,
    Max,
    MinLength,
    MaxLength,
    Pattern,
    Enum,
    Format,
    Together,
    OneOf,
    Exclusive,
    RequiredIf,
    NotGreater,
    RequiredUnless,
}

impl RuleKind {
    pub fn as_str(self) -> &'static str {
        match self {
            RuleKind::Required => "required",
            RuleKind::Type => "type",
            RuleKind::Min => "min",
            RuleKind::Max => "max",
            RuleKind::MinLength => "min_length",
            RuleKind::MaxLength => "max_length",
            RuleKind::Pattern => "pattern",
            RuleKind::Enum => "enum",
            RuleKind::Format => "format",
            RuleKind::Together => "together",
            RuleKind::OneOf => "one_of",
            RuleKind::Exclusive => "exclusive",
            RuleKind::RequiredIf => "required_if",
            RuleKind::NotGreater => "not_greater",
            RuleKind::RequiredUnless => "required_unless",
        }
    }
}

impl fmt::Display for RuleKind {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.as_str())
    }
}

/// One broken constraint.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Violation {
    /// JSON pointer to the offending value; `""` is the value itself.
    pub path: String,
    pub rule: RuleKind,
    /// What the rule demands, e.g. `300 chars`, `^[0-9]{1,10}$`, `CZK, EUR, USD`.
    pub limit: String,
}

impl fmt::Display for Violation {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let path = if self.path.is_empty() {
            "/"
        } else {
            &self.path
        };
        if self.limit.is_empty() {
            write!(f, "{path}: {}", self.rule)
        } else {
            write!(f, "{path}: {} {}", self.rule, self.limit)
        }
    }
}

/// Every constraint a value broke, in the order they were found.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Violations(pub Vec<Violation>);

impl Violations {
    pub fn iter(&self) -> impl Iterator<Item = &Violation> {
        self.0.iter()
    }

    /// Re-roots the paths below `pointer_prefix`, for a value checked on its own and then placed
    /// inside a larger message.
    pub fn prefixed(self, pointer_prefix: &str) -> Self {
        Violations(
            self.0
                .into_iter()
                .map(|v| Violation {
                    path: format!("{pointer_prefix}{}", v.path),
                    ..v
                })
                .collect(),
        )
    }
}

impl fmt::Display for Violations {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        for (i, v) in self.0.iter().enumerate() {
            if i > 0 {
                f.write_str("\n")?;
            }
            write!(f, "{v}")?;
        }
        Ok(())
    }
}

impl std::error::Error for Violations {}

/// Why a message signature was not accepted.
#[derive(Debug)]
pub enum SignatureError {
    /// The message carries no signature.
    Missing,
    /// The signature is not Base64 of the key's signature length.
    Malformed,
    /// The signature does not match the signed text.
    Mismatch,
}

impl fmt::Display for SignatureError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(match self {
            SignatureError::Missing => "the message carries no signature",
            SignatureError::Malformed => "the signature is not valid Base64 of the right length",
            SignatureError::Mismatch => "the signature does not match the message",
        })
    }
}

impl std::error::Error for SignatureError {}

#[non_exhaustive]
pub enum Error {
    /// The request broke the spec's constraints; nothing was sent.
    Invalid(Violations),
    /// Bad client configuration (unparsable key, bad base URL, missing credential).
    Config(String),
    /// The gateway answered with a result code other than success.
    Rejected {
        operation: &'static str,
        code: i64,
        name: Option<&'static str>,
        message: Option<String>,
        /// The whole answer; boxed so that `Result<_, Error>` stays small.
        body: Box<serde_json::Value>,
    },
    /// An answer without a result code said, in the field its spec names, that the call failed.
    Unsuccessful {
        operation: &'static str,
        field: &'static str,
        /// The field's value, as JSON text, at most 64 bytes.
        value: String,
    },
    /// The gateway answered with its documented fault object (on any HTTP status).
    Fault {
        operation: &'static str,
        code: String,
        message: String,
        detail: String,
        http_status: u16,
    },
    /// The gateway answered with its documented list of errors (on any HTTP status).
    Errors {
        operation: &'static str,
        http_status: u16,
        /// `(code, description)` pairs, in the gateway's order.
        errors: Vec<(String, String)>,
    },
    /// The gateway answered with a non-2xx HTTP status.
    Http {
        operation: &'static str,
        status: u16,
        body: String,
    },
    /// The response signature is missing or does not verify: the response must not be trusted.
    Signature {
        operation: &'static str,
        source: SignatureError,
    },
    /// The response body is not what the spec describes.
    Decode {
        operation: &'static str,
        message: String,
    },
    /// Connection failure or timeout.
    Transport {
        operation: &'static str,
        message: String,
    },
    /// Polling reached its deadline while the payment was still pending; carries the last status
    /// body.
    PollDeadline {
        operation: &'static str,
        last: Box<serde_json::Value>,
    },
    /// A request that moves money was sent, and no trustworthy answer says whether the gateway
    /// acted on it (a timeout, a lost connection, a 5xx, an answer that does not verify or
    /// decode). The payment may exist: look it up with `reconcile` before paying again.
    OutcomeUnknown {
        operation: &'static str,
        /// What identifies the call at the gateway, exactly as sent: `(name, value)` pairs of
        /// the spec's `reconcile` fields and the idempotency key. Never card data or secrets.
        reconcile: Vec<(String, String)>,
        /// The failure that left the outcome open.
        cause: Box<Error>,
    },
}

impl Error {
    /// The gateway's result code, for a rejected call.
    pub fn result_code(&self) -> Option<i64> {
        match self {
            Error::Rejected { code, .. } => Some(*code),
            _ => None,
        }
    }

    pub fn violations(&self) -> Option<&Violations> {
        match self {
            Error::Invalid(v) => Some(v),
            _ => None,
        }
    }

    /// The gateway's answer as JSON, for a rejected call or a non-2xx answer whose body is JSON
    /// (Monetix explains a 400 in a JSON object). `None` for other errors and for a body that is
    /// not JSON, or no longer is after [`Error::Http`] truncated it.
    pub fn body_json(&self) -> Option<serde_json::Value> {
        match self {
            Error::Rejected { body, .. } => Some((**body).clone()),
            Error::Http { body, .. } => serde_json::from_str(body).ok(),
            _ => None,
        }
    }
}

/// Bodies stay out of `Debug`: an error is routinely logged with `{:?}`, and a gateway's answer
/// may echo request data. Callers read them from the fields.
impl fmt::Debug for Error {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            Error::Invalid(v) => f.debug_tuple("Invalid").field(v).finish(),
            Error::Config(m) => f.debug_tuple("Config").field(m).finish(),
            Error::Rejected {
                operation,
                code,
                name,
                message,
                ..
            } => f
                .debug_struct("Rejected")
                .field("operation", operation)
                .field("code", code)
                .field("name", name)
                .field("message", message)
                .finish_non_exhaustive(),
            Error::Fault {
                operation,
                code,
                message,
                http_status,
                ..
            } => f
                .debug_struct("Fault")
                .field("operation", operation)
                .field("code", code)
                .field("message", message)
                .field("http_status", http_status)
                .finish_non_exhaustive(),
            Error::Unsuccessful {
                operation,
                field,
                value,
            } => f
                .debug_struct("Unsuccessful")
                .field("operation", operation)
                .field("field", field)
                .field("value", value)
                .finish(),
            Error::Errors {
                operation,
                http_status,
                errors,
            } => f
                .debug_struct("Errors")
                .field("operation", operation)
                .field("http_status", http_status)
                .field("errors", errors)
                .finish(),
            Error::Http {
                operation,
                status,
                body,
            } => f
                .debug_struct("Http")
                .field("operation", operation)
                .field("status", status)
                .field("body_len", &body.len())
                .finish_non_exhaustive(),
            Error::Signature { operation, source } => f
                .debug_struct("Signature")
                .field("operation", operation)
                .field("source", source)
                .finish(),
            Error::Decode { operation, message } => f
                .debug_struct("Decode")
                .field("operation", operation)
                .field("message", message)
                .finish(),
            Error::Transport { operation, message } => f
                .debug_struct("Transport")
                .field("operation", operation)
                .field("message", message)
                .finish(),
            Error::PollDeadline { operation, .. } => f
                .debug_struct("PollDeadline")
                .field("operation", operation)
                .finish_non_exhaustive(),
            Error::OutcomeUnknown {
                operation,
                reconcile,
                cause,
            } => f
                .debug_struct("OutcomeUnknown")
                .field("operation", operation)
                .field("reconcile", reconcile)
                .field("cause", cause)
                .finish(),
        }
    }
}

impl fmt::Display for Error {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            Error::Invalid(v) => write!(f, "the request breaks the spec, nothing was sent:\n{v}"),
            Error::Config(m) => write!(f, "client configuration: {m}"),
            Error::Rejected {
                operation,
                code,
                name,
                message,
                ..
            } => {
                write!(
                    f,
                    "{operation}: the gateway rejected the call with result code {code}"
                )?;
                if let Some(name) = name {
                    write!(f, " ({name})")?;
                }
                if let Some(message) = message {
                    write!(f, ": {message}")?;
                }
                Ok(())
            }
            Error::Unsuccessful {
                operation,
                field,
                value,
            } => write!(
                f,
                "{operation}: the gateway answered that the call failed: {field} is {value}"
            ),
            Error::Fault {
                operation,
                code,
                message,
                ..
            } => write!(
                f,
                "{operation}: the gateway reported fault {code}: {message}"
            ),
            Error::Errors {
                operation, errors, ..
            } => {
                write!(f, "{operation}: the gateway reported")?;
                for (i, (code, description)) in errors.iter().enumerate() {
                    write!(f, "{} {code}: {description}", if i == 0 { "" } else { ";" })?;
                }
                Ok(())
            }
            Error::Http {
                operation, status, ..
            } => write!(f, "{operation}: the gateway answered HTTP {status}"),
            Error::Signature { operation, source } => {
                write!(f, "{operation}: response not trusted: {source}")
            }
            Error::Decode { operation, message } => {
                write!(f, "{operation}: unexpected response: {message}")
            }
            Error::Transport { operation, message } => write!(f, "{operation}: {message}"),
            Error::PollDeadline { operation, .. } => {
                write!(
                    f,
                    "{operation}: still pending when the polling deadline passed"
                )
            }
            Error::OutcomeUnknown {
                operation,
                reconcile,
                cause,
            } => {
                write!(
                    f,
                    "{operation}: outcome unknown, the payment may exist at the gateway; \
                     look it up before paying again"
                )?;
                for (i, (name, value)) in reconcile.iter().enumerate() {
                    write!(f, "{} {name}={value}", if i == 0 { ":" } else { "," })?;
                }
                write!(f, " (cause: {cause})")
            }
        }
    }
}

impl std::error::Error for Error {
    fn source(&self) -> Option<&(dyn std::error::Error + 'static)> {
        match self {
            Error::Invalid(v) => Some(v),
            Error::Signature { source, .. } => Some(source),
            Error::OutcomeUnknown { cause, .. } => Some(cause.as_ref()),
            _ => None,
        }
    }
}

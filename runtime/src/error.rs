//! Errors of the runtime and the generated clients.
//!
//! Every message here may end up in a log line, so none of them carries a request field's value,
//! a key or a credential: a violation names the path, the rule and the limit; text from the
//! gateway is scrubbed of what the request sent in confidence (see [`crate::scrub`]) before it is
//! put in an error, and the answer exactly as received is reachable only through
//! [`Error::echoed_body`].

use std::fmt;

use crate::outcome::{Code, CodeReading};

/// The kind of constraint a value broke; callers match on it to tell a user which input to fix
/// without parsing messages.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum RuleKind {
    /// A required field is absent or null.
    Required,
    /// The value has the wrong JSON type.
    Type,
    /// A number is below its minimum.
    Min,
    /// A number is above its maximum.
    Max,
    /// A text is shorter than allowed, counted in the field's length unit.
    MinLength,
    /// A text is longer than allowed, counted in the field's length unit.
    MaxLength,
    /// A text does not match the field's regular expression.
    Pattern,
    /// A value is none of the enumeration's.
    Enum,
    /// A text is not in the field's format (card number, date, e-mail, …).
    Format,
    /// Of fields that go together, some are present and some absent.
    Together,
    /// Not exactly one of alternative fields is present.
    OneOf,
    /// More than one of mutually exclusive fields is present.
    Exclusive,
    /// A field is absent although another field's value requires it.
    RequiredIf,
    /// A lower bound is above its upper bound (a minimum amount above the maximum).
    NotGreater,
    /// A field is absent although another field has a value other than the one that waives it.
    RequiredUnless,
    /// A field the spec does not know: sending it would go unchecked (a typo such as
    /// `closePayement` silently leaves the real field at its default).
    UnknownField,
    /// A field the spec fixes (`const`) holds another value.
    Const,
    /// Values that must add up to a total (a cart's amounts, `totalAmount`) do not.
    Sum,
    /// A list or map has fewer items or entries than allowed.
    MinItems,
    /// A list or map has more items or entries than allowed.
    MaxItems,
    /// A map's key is longer than allowed, counted in the field's length unit.
    MaxKeyLength,
    /// A value is none of those another field's value allows (a `when` rule's `values`).
    Values,
}

impl RuleKind {
    /// The rule's name as the spec language writes it, so a message points at the spec.
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
            RuleKind::UnknownField => "unknown_field",
            RuleKind::Const => "const",
            RuleKind::Sum => "sum",
            RuleKind::MinItems => "min_items",
            RuleKind::MaxItems => "max_items",
            RuleKind::MaxKeyLength => "max_key_length",
            RuleKind::Values => "values",
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
    /// Which constraint it broke.
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
    /// The violations in the order they were found, without taking the list apart.
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

/// Why a message signature was not accepted. New reasons may come with new spec keys, so a
/// `match` needs a catch-all arm.
#[derive(Debug)]
#[non_exhaustive]
pub enum SignatureError {
    /// The message carries no signature.
    Missing,
    /// The signature is not Base64 of the key's signature length.
    Malformed,
    /// The signature does not match the signed text.
    Mismatch,
    /// The message declares that it carries only what its signature covers, and this field is
    /// not covered: the gateway did not vouch for its value.
    Unsigned {
        /// The field's name as received, or a description of it when the name could hold
        /// data rather than a name (see [`SignatureError::unsigned`]).
        field: String,
    },
    /// The signature verifies, but the timestamp it covers is further from the clock than the
    /// spec's `max_age`: a replay of an old message, or a clock far off.
    Stale {
        /// The clock's time minus the message's timestamp, in seconds (negative when the
        /// message is dated in the future).
        age_seconds: i64,
        /// The window the spec allows, in seconds.
        max_age: u32,
    },
}

/// The longest field name an unsigned-field error repeats.
const MAX_SHOWN_FIELD_NAME: usize = 64;

impl SignatureError {
    /// The error for an unsigned field named `name` as it arrived. Anyone can add a field to a
    /// message, so the name is repeated only when it looks like a name: short, of letters,
    /// digits, `_`, `-`, `.`, `[` and `]`, with no run of 7 digits that could be part of a
    /// card number.
    pub fn unsigned(name: &str) -> Self {
        let name_like = name.len() <= MAX_SHOWN_FIELD_NAME
            && name
                .chars()
                .all(|c| c.is_ascii_alphanumeric() || "_-.[]".contains(c))
            && name
                .split(|c: char| !c.is_ascii_digit())
                .all(|digits| digits.len() < 7);
        let field = if name_like {
            name.to_owned()
        } else {
            format!("<a field name of {} bytes>", name.len())
        };
        SignatureError::Unsigned { field }
    }
}

impl fmt::Display for SignatureError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            SignatureError::Missing => f.write_str("the message carries no signature"),
            SignatureError::Malformed => {
                f.write_str("the signature is not valid Base64 of the right length")
            }
            SignatureError::Mismatch => f.write_str("the signature does not match the message"),
            SignatureError::Unsigned { field } => write!(
                f,
                "field `{field}` is not covered by the signature, and the message carries only signed fields"
            ),
            SignatureError::Stale {
                age_seconds,
                max_age,
            } => write!(
                f,
                "the message's signed timestamp is {age_seconds} s from the clock, beyond the {max_age} s the spec allows"
            ),
        }
    }
}

impl std::error::Error for SignatureError {}

/// A gateway's answer exactly as received, kept with an error for the rare caller who must see
/// it (a support case, an audit).
///
/// It may contain whatever the gateway echoed of the request: card numbers, CVVs, passwords,
/// API keys. `Debug` shows its length only; read it through [`Error::echoed_body`], and never
/// log or display it.
#[derive(Clone, PartialEq, Eq)]
pub struct Echoed(Box<str>);

impl Echoed {
    pub(crate) fn new(raw: &[u8]) -> Self {
        Echoed(String::from_utf8_lossy(raw).into())
    }
}

impl fmt::Debug for Echoed {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "Echoed({} bytes)", self.0.len())
    }
}

/// Every way a call, a callback check or a client set-up can fail.
///
/// The variants tell apart what a payment flow must handle differently: nothing was sent
/// (`Invalid`, `Config`), the gateway said no (`Rejected`, `Fault`, `Errors`, `Http`), the
/// answer cannot be trusted or read (`Signature`, `Decode`), or the outcome is unknown
/// (`Transport`, `PollDeadline`) and must be asked again before paying twice. Non-exhaustive so
/// that a new failure does not break callers.
///
/// Text from the gateway (codes, messages, bodies) is scrubbed of every sensitive value and
/// credential the request carried before it is stored here; the unscrubbed answer is in the
/// `echoed` fields, which neither `Debug` nor `Display` shows.
#[non_exhaustive]
pub enum Error {
    /// The request broke the spec's constraints; nothing was sent.
    Invalid(Violations),
    /// Bad client configuration (unparsable key, bad base URL, missing credential).
    Config(String),
    /// The gateway answered with a result code that does not mean success or pending: one the
    /// spec says is a failure, or one it does not list.
    Rejected {
        /// The operation's spec id.
        operation: &'static str,
        /// The answer field holding the code: `resultCode`, `status`, or a dotted path to a
        /// nested one, `rp.responsecode`.
        field: &'static str,
        /// The gateway's result code.
        code: Code,
        /// The code's name in the spec, when the spec lists it.
        name: Option<&'static str>,
        /// The second code of a two-field result, when the spec declares one and the answer
        /// carries it; boxed so that `Result<_, Error>` stays small.
        secondary: Option<Box<CodeReading>>,
        /// The gateway's own explanation, when it sent one.
        message: Option<Box<str>>,
        /// The whole answer, scrubbed; boxed so that `Result<_, Error>` stays small.
        body: Box<serde_json::Value>,
        /// The answer as received, unscrubbed: see [`Error::echoed_body`].
        echoed: Echoed,
    },
    /// The gateway answered with one of its declared error objects, wrapped in a member
    /// (`{"fault": {…}}`) or flat at the top level, on a status it comes with.
    Fault {
        /// The operation's spec id.
        operation: &'static str,
        /// The fault's code, as text whatever type the gateway used.
        code: String,
        /// The fault's message.
        message: String,
        /// The fault's detail; kept out of `Debug` and `Display`, as it may echo request data.
        detail: String,
        /// The HTTP status the fault came with.
        http_status: u16,
        /// The answer as received, unscrubbed: see [`Error::echoed_body`].
        echoed: Echoed,
    },
    /// The gateway answered with one of its declared lists of errors, under a member or as
    /// the whole body, on a status it comes with.
    Errors {
        /// The operation's spec id.
        operation: &'static str,
        /// The HTTP status the errors came with.
        http_status: u16,
        /// `(code, description)` pairs, in the gateway's order, scrubbed.
        errors: Vec<(String, String)>,
        /// The answer as received, unscrubbed: see [`Error::echoed_body`].
        echoed: Echoed,
    },
    /// The gateway answered with a non-2xx HTTP status.
    Http {
        /// The operation's spec id.
        operation: &'static str,
        /// The HTTP status.
        status: u16,
        /// The start of the body, scrubbed, for the caller's inspection; kept out of `Debug`
        /// and `Display`.
        body: String,
        /// The answer as received, unscrubbed: see [`Error::echoed_body`].
        echoed: Echoed,
    },
    /// The response signature is missing or does not verify: the response must not be trusted.
    Signature {
        /// The operation's or callback's spec id.
        operation: &'static str,
        /// What is wrong with the signature.
        source: SignatureError,
    },
    /// The answer names another call's identifier (a signed answer about another payment):
    /// it is no answer to this call, whether or not its signature verifies.
    ForeignAnswer {
        /// The operation's spec id.
        operation: &'static str,
        /// The answer field (the spec's `answer_matches`) whose value is not the request's.
        field: &'static str,
    },
    /// The response body is not what the spec describes.
    Decode {
        /// The operation's or callback's spec id.
        operation: &'static str,
        /// What does not fit, naming paths, never values.
        message: String,
    },
    /// Connection failure or timeout.
    Transport {
        /// The operation's spec id.
        operation: &'static str,
        /// What failed, without the URL (its path may hold payment ids).
        message: String,
    },
    /// Polling reached its deadline while the payment was still pending; carries the last status
    /// body.
    PollDeadline {
        /// The polling operation's spec id.
        operation: &'static str,
        /// The last status answer; boxed so that `Result<_, Error>` stays small.
        last: Box<serde_json::Value>,
    },
    /// A request that moves money was sent, and no trustworthy answer says whether the gateway
    /// acted on it (a timeout, a lost connection, a 5xx, an answer that does not verify or
    /// decode). The payment may exist: look it up with `reconcile` before paying again.
    OutcomeUnknown {
        /// The operation's spec id.
        operation: &'static str,
        /// What identifies the call at the gateway, exactly as sent: `(name, value)` pairs of
        /// the spec's `reconcile` fields and the idempotency key. Never card data or secrets.
        reconcile: Vec<(String, String)>,
        /// The failure that left the outcome open.
        cause: Box<Error>,
    },
}

impl Error {
    /// The gateway's integer result code, for a call rejected with one.
    pub fn result_code(&self) -> Option<i64> {
        match self {
            Error::Rejected { code, .. } => code.as_int(),
            _ => None,
        }
    }

    /// The gateway's result code, integer or text, for a rejected call.
    pub fn gateway_code(&self) -> Option<&Code> {
        match self {
            Error::Rejected { code, .. } => Some(code),
            _ => None,
        }
    }

    /// The broken constraints, for a request refused before sending, so a form can mark its
    /// fields.
    pub fn violations(&self) -> Option<&Violations> {
        match self {
            Error::Invalid(v) => Some(v),
            _ => None,
        }
    }

    /// The gateway's answer as JSON, scrubbed of what the request sent in confidence, for a
    /// rejected call or a non-2xx answer whose body is JSON (Monetix explains a 400 in a JSON
    /// object). `None` for other errors and for a body that is not JSON, or no longer is after
    /// [`Error::Http`] truncated it.
    pub fn body_json(&self) -> Option<serde_json::Value> {
        match self {
            Error::Rejected { body, .. } => Some((**body).clone()),
            Error::Http { body, .. } => serde_json::from_str(body).ok(),
            _ => None,
        }
    }

    /// The gateway's answer exactly as it came, unscrubbed, for an error made from one.
    ///
    /// It may contain whatever the gateway echoed of the request: card numbers, CVVs,
    /// passwords, API keys. Never log it, print it or put it in a message; [`Error::body_json`]
    /// is the scrubbed answer.
    pub fn echoed_body(&self) -> Option<&str> {
        match self {
            Error::Rejected { echoed, .. }
            | Error::Fault { echoed, .. }
            | Error::Errors { echoed, .. }
            | Error::Http { echoed, .. } => Some(&echoed.0),
            _ => None,
        }
    }
}

/// Bodies stay out of `Debug`: an error is routinely logged with `{:?}`, and even scrubbed, a
/// gateway's answer may echo request data the spec does not mark sensitive (names, addresses).
/// Callers read them from the fields.
impl fmt::Debug for Error {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            Error::Invalid(v) => f.debug_tuple("Invalid").field(v).finish(),
            Error::Config(m) => f.debug_tuple("Config").field(m).finish(),
            Error::Rejected {
                operation,
                field,
                code,
                name,
                secondary,
                message,
                ..
            } => f
                .debug_struct("Rejected")
                .field("operation", operation)
                .field("field", field)
                .field("code", code)
                .field("name", name)
                .field("secondary", secondary)
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
            Error::Errors {
                operation,
                http_status,
                errors,
                ..
            } => f
                .debug_struct("Errors")
                .field("operation", operation)
                .field("http_status", http_status)
                .field("errors", errors)
                .finish_non_exhaustive(),
            Error::Http {
                operation,
                status,
                body,
                ..
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
            Error::ForeignAnswer { operation, field } => f
                .debug_struct("ForeignAnswer")
                .field("operation", operation)
                .field("field", field)
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
                secondary,
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
                if let Some(second) = secondary {
                    write!(f, ", code {}", second.code)?;
                    if let Some(name) = second.name() {
                        write!(f, " ({name})")?;
                    }
                }
                if let Some(message) = message {
                    write!(f, ": {message}")?;
                }
                Ok(())
            }
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
            Error::ForeignAnswer { operation, field } => write!(
                f,
                "{operation}: response not trusted: its {field} is not the one the request sent, \
                 so it answers another call"
            ),
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

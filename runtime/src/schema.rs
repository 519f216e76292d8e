//! Static descriptions of a gateway's messages, emitted by the generator from the spec.
//!
//! The generated crates hold `static` values of these types; the runtime interprets them to
//! validate, sign, verify and route requests. Keeping the behaviour here, in one place, and only
//! the data in generated code keeps generated crates small and every gateway consistent.

use std::sync::OnceLock;

/// Gateway-wide facts the client engine needs.
#[derive(Debug)]
pub struct Gateway {
    /// The spec's gateway name, e.g. `csob`.
    pub name: &'static str,
    pub scheme: Scheme,
    /// Wire name of the field that carries a message's signature.
    pub signature_field: Option<&'static str>,
    /// Time zone of `dttm` values the client fills in.
    pub dttm_zone: TimeZone,
    pub result: Option<&'static ResultSpec>,
    /// The error object the gateway may answer with, on any HTTP status.
    pub fault: Option<&'static FaultSpec>,
    /// The list of errors the gateway may answer with, on any HTTP status.
    pub errors: Option<&'static ErrorsSpec>,
    /// Headers on every request.
    pub headers: &'static [Header],
    /// Named base URLs: `("sandbox", "https://…")`.
    pub environments: &'static [(&'static str, &'static str)],
    /// The values a client is configured with, besides the scheme's keys.
    pub credentials: &'static [CredentialSpec],
    pub operations: &'static [&'static Operation],
    pub callbacks: &'static [&'static Callback],
    /// HTTP statuses after which a call may be repeated.
    pub retry_http_status: &'static [u16],
    /// The subset of `retry_http_status` the gateway answers before it acts on a request: only
    /// these are repeated for an [`Repeat::Unsafe`] operation.
    pub unprocessed_http_status: &'static [u16],
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Scheme {
    /// No message signature.
    None,
    /// Values of the signed fields joined with `|`, RSA PKCS#1 v1.5 SHA-256, Base64.
    PipeRsaSha256,
    /// Every field but the signature, flattened to sorted `path:value` pairs joined with `;`,
    /// HMAC-SHA512 with the project's secret, Base64.
    FlatHmacSha512,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum TimeZone {
    Utc,
    /// CET/CEST with the EU daylight-saving rules.
    EuropePrague,
}

/// A value a client is configured with.
#[derive(Debug)]
pub struct CredentialSpec {
    pub name: &'static str,
    pub sensitive: bool,
    /// Sent as a JSON number.
    pub integer: bool,
}

/// One operation of a gateway API.
#[derive(Debug)]
pub struct Operation {
    /// The spec's operation id, e.g. `oneclick_init`.
    pub id: &'static str,
    /// The first paragraph of the spec's doc text.
    pub summary: &'static str,
    pub method: Method,
    /// Path below the base URL with `{wireName}` placeholders for path fields.
    pub path: &'static str,
    pub request: &'static Object,
    pub response: &'static Object,
    /// Whether the client signs the request.
    pub request_signed: bool,
    /// Whether the response carries a signature the client must verify.
    pub response_signed: bool,
    /// Ordered fields of the request's signed text, for ordered schemes (`PipeRsaSha256`).
    pub request_signature: &'static [SignItem],
    /// Ordered fields of the response's signed text, for ordered schemes (`PipeRsaSha256`).
    pub response_signature: &'static [SignItem],
    /// Result codes after which the same call may be repeated. For an unsafe operation each
    /// must prove, in a verified answer, that the gateway did nothing.
    pub retryable_result_codes: &'static [i64],
    /// Whether sending the request twice may act twice.
    pub repeat: Repeat,
    /// Request fields (dotted paths, `general.payment_id`) that identify a call at the gateway,
    /// reported in [`crate::Error::OutcomeUnknown`] so the merchant can reconcile.
    pub reconcile: &'static [&'static str],
    /// For answers the gateway does not sign with a `result` code: the field that says whether
    /// the call succeeded, and the values that mean it did.
    pub success_when: Option<SuccessWhen>,
    /// How the request body travels.
    pub encoding: Encoding,
    /// Whether the client sends the request or hands it to the customer's browser.
    pub delivery: Delivery,
    /// Headers of this operation, besides the gateway's.
    pub headers: &'static [Header],
}

/// An answer field and the values of it that mean success; any other value is a failure.
#[derive(Debug, Clone, Copy)]
pub struct SuccessWhen {
    pub field: &'static str,
    pub values: &'static [Literal],
}

/// What sending a request again may do; it decides which failures are retried and which
/// leave the outcome unknown.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Repeat {
    /// Changes nothing at the gateway: every failure may be retried.
    Read,
    /// Carries an idempotency key or an id the gateway deduplicates on: a repeat acts at most
    /// once, so every failure may be retried.
    Idempotent,
    /// A second request may act a second time (a second payment): repeated only after an
    /// answer that proves the gateway did nothing.
    Unsafe,
}

impl Repeat {
    /// Whether any failure may be retried without acting twice.
    pub fn is_safe(self) -> bool {
        !matches!(self, Repeat::Unsafe)
    }
}

/// A header the client sets itself.
#[derive(Debug)]
pub struct Header {
    pub name: &'static str,
    pub value: HeaderValue,
    /// A secret (an API key): never printed or logged.
    pub sensitive: bool,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum HeaderValue {
    /// A credential given to the client, by its spec name.
    Credential(&'static str),
    /// A fresh UUID v4 for every request sent.
    Uuid,
    /// A UUID v4 made once per call and sent again on every retry of it.
    IdempotencyKey,
}

/// Where a gateway's list of errors keeps its parts: `{"errors": [{"code", "description"}]}`.
#[derive(Debug)]
pub struct ErrorsSpec {
    pub field: &'static str,
    pub code: &'static str,
    pub message: &'static str,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Encoding {
    Json,
    /// `application/x-www-form-urlencoded`: top-level fields, nested values as JSON text.
    Form,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Delivery {
    /// The client sends the request and reads the answer.
    Call,
    /// The request is a redirect of the customer's browser: the client builds it, never sends it.
    Redirect,
}

/// The answer of a redirect: there is none, the gateway answers the customer's browser.
pub static NO_RESPONSE: Object = Object {
    name: "no response",
    fields: &[],
    rules: &[],
    items: None,
};

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Method {
    Get,
    Post,
}

impl Method {
    pub fn as_str(self) -> &'static str {
        match self {
            Method::Get => "GET",
            Method::Post => "POST",
        }
    }
}

/// A JSON object: its fields in documentation order and its cross-field rules.
#[derive(Debug)]
pub struct Object {
    /// Spec name of the type (`Customer`) or of the message (`oneclick_init request`).
    pub name: &'static str,
    pub fields: &'static [Field],
    pub rules: &'static [Rule],
    /// Set when the message is a JSON array of these objects rather than an object.
    pub items: Option<&'static Object>,
}

/// Where a gateway's fault object keeps its parts: `{"fault": {"faultcode", "faultstring", "detail"}}`.
#[derive(Debug)]
pub struct FaultSpec {
    pub field: &'static str,
    pub code: &'static str,
    pub message: &'static str,
    pub detail: &'static str,
}

impl Object {
    pub fn field(&self, wire: &str) -> Option<&'static Field> {
        self.fields.iter().find(|f| f.wire == wire)
    }
}

#[derive(Debug)]
pub struct Field {
    /// Name on the wire, exactly as the gateway writes it.
    pub wire: &'static str,
    pub kind: Kind,
    pub required: bool,
    pub location: Location,
    /// Set when the client fills the value itself; such a field is never taken from the caller.
    pub auto: Option<Auto>,
    /// Card data or secrets: never printed, logged or put in an error.
    pub sensitive: bool,
    /// The value the gateway assumes when the field is absent; rules see it as the field's value.
    pub default: Option<Literal>,
    pub constraints: &'static [Constraint],
}

impl Field {
    /// An optional body field without constraints; the methods below add the rest. Generated
    /// schemas chain them so each field reads as one line.
    pub const fn new(wire: &'static str, kind: Kind) -> Self {
        Field {
            wire,
            kind,
            required: false,
            location: Location::Body,
            auto: None,
            sensitive: false,
            default: None,
            constraints: &[],
        }
    }

    pub const fn required(mut self) -> Self {
        self.required = true;
        self
    }

    pub const fn in_path(mut self) -> Self {
        self.location = Location::Path;
        self
    }

    pub const fn auto(mut self, auto: Auto) -> Self {
        self.auto = Some(auto);
        self
    }

    pub const fn sensitive(mut self) -> Self {
        self.sensitive = true;
        self
    }

    pub const fn default(mut self, value: Literal) -> Self {
        self.default = Some(value);
        self
    }

    pub const fn constraints(mut self, constraints: &'static [Constraint]) -> Self {
        self.constraints = constraints;
        self
    }
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Location {
    Body,
    Path,
}

/// Values the client fills in itself.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Auto {
    /// A credential given to the client, by its spec name (e.g. `merchant_id`).
    Credential(&'static str),
    /// The current time as `YYYYMMDDHHMMSS` in the gateway's time zone.
    Dttm,
    /// The request signature.
    Signature,
}

#[derive(Debug, Clone, Copy)]
pub enum Kind {
    String,
    Integer,
    Boolean,
    Object(&'static Object),
    Enum(&'static Enum),
    /// Any JSON value.
    Any,
    List(&'static Kind),
    /// A JSON object with arbitrary keys; values of the given kind, in message order.
    Map(&'static Kind),
}

#[derive(Debug)]
pub struct Enum {
    pub name: &'static str,
    pub values: &'static [Literal],
}

#[derive(Debug, Clone, Copy, PartialEq)]
pub enum Literal {
    Str(&'static str),
    Int(i64),
    Bool(bool),
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum LengthUnit {
    /// Unicode scalar values.
    Chars,
    /// UTF-8 bytes.
    Bytes,
}

#[derive(Debug)]
pub enum Constraint {
    Min(i64),
    Max(i64),
    MinLength(usize, LengthUnit),
    MaxLength(usize, LengthUnit),
    Pattern(&'static Pattern),
    Format(Format),
}

/// A regular expression, compiled on first use.
#[derive(Debug)]
pub struct Pattern {
    pub source: &'static str,
    compiled: OnceLock<Option<regex_lite::Regex>>,
}

impl Pattern {
    pub const fn new(source: &'static str) -> Self {
        Pattern {
            source,
            compiled: OnceLock::new(),
        }
    }

    /// Whether `value` matches. The generator only emits patterns it compiled; one that does
    /// not compile (a hand-written schema) fails closed and matches nothing.
    pub fn is_match(&self, value: &str) -> bool {
        self.compiled
            .get_or_init(|| regex_lite::Regex::new(self.source).ok())
            .as_ref()
            .is_some_and(|regex| regex.is_match(value))
    }
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Format {
    /// `YYYYMMDDHHMMSS`, a real calendar date and time.
    Dttm,
    /// Standard Base64 alphabet with padding.
    Base64,
    /// IPv4 or IPv6 address.
    Ip,
    Email,
    /// ISO 4217 alphabetic code: three upper-case ASCII letters.
    Currency,
    /// `8-4-4-4-12` hexadecimal digits.
    Uuid,
    /// `DD.MM.YYYY`, a real calendar date.
    Date,
    /// `YYYY-MM-DD`, a real calendar date.
    IsoDate,
    /// An absolute `http` or `https` URL.
    Url,
    /// Digits whose Luhn checksum is valid (card numbers).
    Luhn,
    /// `MM.YYYY`, a month from 01 to 12.
    MonthYear,
}

/// A rule over several fields of one object; field names are wire names.
#[derive(Debug)]
pub enum Rule {
    /// All present or all absent.
    Together(&'static [&'static str]),
    /// Exactly one present.
    OneOf(&'static [&'static str]),
    /// At most one present.
    Exclusive(&'static [&'static str]),
    /// `field` is required when `when` (or its default) has a value, or the given value.
    /// `field` is required when `when` has a value other than `value`.
    RequiredUnless {
        field: &'static str,
        when: &'static str,
        value: Literal,
    },
    /// `lower` is not greater than `upper` when both are present (decimal numbers).
    NotGreater {
        lower: &'static str,
        upper: &'static str,
    },
    RequiredIf {
        field: &'static str,
        when: &'static str,
        /// `None`: required whenever `when` has a value.
        equals: Option<Literal>,
    },
}

/// One element of a signature order.
#[derive(Debug)]
pub struct SignItem {
    pub wire: &'static str,
    pub shape: SignShape,
}

impl SignItem {
    pub const fn value(wire: &'static str) -> Self {
        SignItem {
            wire,
            shape: SignShape::Value,
        }
    }

    pub const fn object(wire: &'static str, items: &'static [SignItem]) -> Self {
        SignItem {
            wire,
            shape: SignShape::Object(items),
        }
    }

    pub const fn each(wire: &'static str, shape: &'static SignShape) -> Self {
        SignItem {
            wire,
            shape: SignShape::Each(shape),
        }
    }

    pub const fn map_values(wire: &'static str) -> Self {
        SignItem {
            wire,
            shape: SignShape::MapValues,
        }
    }
}

#[derive(Debug)]
pub enum SignShape {
    /// A scalar value.
    Value,
    /// A nested object, flattened in place in its own order.
    Object(&'static [SignItem]),
    /// A list: its elements in message order, each of the given shape.
    Each(&'static SignShape),
    /// A map: its values in message order.
    MapValues,
}

/// How a gateway reports the outcome of an operation inside a successful HTTP answer.
#[derive(Debug)]
pub struct ResultSpec {
    pub code_field: &'static str,
    pub message_field: Option<&'static str>,
    pub success: &'static [i64],
    pub codes: &'static [ResultCodeInfo],
}

#[derive(Debug)]
pub struct ResultCodeInfo {
    pub code: i64,
    pub name: &'static str,
}

impl ResultSpec {
    pub fn name_of(&self, code: i64) -> Option<&'static str> {
        self.codes.iter().find(|c| c.code == code).map(|c| c.name)
    }
}

/// A message the gateway sends to the merchant (a callback or notification), verified with the
/// gateway's scheme before it is trusted.
#[derive(Debug)]
pub struct Callback {
    /// The spec's callback id, e.g. `payment_callback`.
    pub id: &'static str,
    /// The first paragraph of the spec's doc text.
    pub summary: &'static str,
    pub message: &'static Object,
    /// Whether the message carries a signature that must verify.
    pub signed: bool,
    /// A field that must equal a token the merchant got earlier (compared in constant time).
    pub token_field: Option<&'static str>,
}

/// Polling of a status operation until the payment leaves its pending states.
#[derive(Debug)]
pub struct Polling {
    pub operation: &'static Operation,
    pub status_field: &'static str,
    pub pending: &'static [i64],
    pub first_delay_ms: u64,
    pub interval_ms: u64,
    pub deadline_ms: u64,
}

//! The vocabulary of OneClick gateway specs: the static data a generated client is made of,
//! and the closed sets of names the spec language uses.
//!
//! The generator parses a spec's words into these types and emits `static` values of them; the
//! runtime interprets those statics to validate, sign, verify and route requests. Both read the
//! same definitions, so a name (a format, a scheme, a method) exists in exactly one place: the
//! table of its set here. The crate holds data and names only; what a value *does* (checking a
//! format, signing under a scheme) belongs to the runtime.
//!
//! Types that carry names are generic over how they hold them: generated statics hold
//! `&'static str` (the default), the generator holds the `String`s it read from a spec.

#![deny(missing_docs)]

mod names;
pub mod recipe;

use std::fmt;
use std::str::FromStr;
use std::sync::OnceLock;

pub use names::{ClosedSet, UnknownName};
use names::{closed_set, keyword_or_credential};
use recipe::NamedRecipe;

/// Gateway-wide facts the client engine needs.
#[derive(Debug)]
pub struct Gateway {
    /// The spec's gateway name, e.g. `csob`.
    pub name: &'static str,
    /// Every signature recipe of the spec, so that a client's keys are checked against all of
    /// them when it is built.
    pub recipes: &'static [&'static NamedRecipe],
    /// Time zone of `dttm` values the client fills in.
    pub dttm_zone: TimeZone,
    /// Where answers carry their result code; `None` when the HTTP status says it all.
    pub result: Option<&'static ResultSpec>,
    /// The error bodies the gateway may answer with, tried in spec order.
    pub errors: &'static [ErrorBody],
    /// Headers on every request.
    pub headers: &'static [Header],
    /// Named base URLs: `("sandbox", "https://…")`.
    pub environments: &'static [(&'static str, &'static str)],
    /// The values a client is configured with, besides the scheme's keys.
    pub credentials: &'static [CredentialSpec],
    /// Every operation, in spec order.
    pub operations: &'static [&'static Operation],
    /// Every message the gateway sends to the merchant, in spec order.
    pub callbacks: &'static [&'static Callback],
    /// HTTP statuses after which a call may be repeated.
    pub retry_http_status: &'static [u16],
    /// The subset of `retry_http_status` the gateway answers before it acts on a request: only
    /// these are repeated for an [`Repeat::Unsafe`] operation.
    pub unprocessed_http_status: &'static [u16],
}

closed_set! {
    /// The time zone of `dttm` values the client fills in (the spec's `time_zone`).
    #[derive(Default)]
    pub enum TimeZone {
        /// Coordinated Universal Time, the default.
        #[default]
        Utc => "UTC",
        /// CET/CEST with the EU daylight-saving rules.
        EuropePrague => "Europe/Prague",
    }
}

closed_set! {
    /// What a named scalar type or a credential holds (their `type` in the spec).
    #[derive(Default)]
    pub enum ScalarBase {
        /// A string, the default for a credential.
        #[default]
        String => "string",
        /// An integer, sent as a JSON number.
        Integer => "integer",
    }
}

closed_set! {
    /// What a credential holds, which decides its Rust type and what a recipe may use it for.
    #[derive(Default)]
    pub enum CredentialKind {
        /// A plain value (`merchant_id`): text, or an integer with `type: integer`.
        #[default]
        Text => "text",
        /// A shared secret (an HMAC key, a salt): `Secret<String>`, never printed.
        Secret => "secret",
        /// The merchant's RSA private key, which signs.
        RsaPrivateKey => "rsa_private_key",
        /// The gateway's RSA public key, which verifies.
        RsaPublicKey => "rsa_public_key",
    }
}

/// A value a client is configured with.
#[derive(Debug)]
pub struct CredentialSpec {
    /// The spec name, also the field of the generated `Credentials`: `merchant_id`.
    pub name: &'static str,
    /// What it holds.
    pub kind: CredentialKind,
    /// A secret: never printed or logged.
    pub sensitive: bool,
    /// Sent as a JSON number.
    pub integer: bool,
    /// The merchant may leave it out.
    pub optional: bool,
}

/// One operation of a gateway API.
#[derive(Debug)]
pub struct Operation {
    /// The spec's operation id, e.g. `oneclick_init`.
    pub id: &'static str,
    /// The first paragraph of the spec's doc text.
    pub summary: &'static str,
    /// The HTTP method.
    pub method: Method,
    /// Path below the base URL with `{wireName}` placeholders for path fields.
    pub path: &'static str,
    /// What the client sends.
    pub request: &'static Object,
    /// What the gateway answers; [`NO_RESPONSE`] for a redirect.
    pub response: &'static Object,
    /// The signatures the client puts on the request; empty when it is not signed.
    pub request_recipes: &'static [&'static NamedRecipe],
    /// The signatures the response must carry, each verified; empty when it is not signed.
    pub response_recipes: &'static [&'static NamedRecipe],
    /// The request's signature order, for recipes that write it ([`recipe::Piece::Order`]).
    pub request_signature: &'static [recipe::Field],
    /// The response's signature order, for recipes that write it.
    pub response_signature: &'static [recipe::Field],
    /// Result codes after which the same call may be repeated. For an unsafe operation each
    /// must prove, in a verified answer, that the gateway did nothing.
    pub retryable_result_codes: &'static [Literal],
    /// Whether sending the request twice may act twice.
    pub repeat: Repeat,
    /// Request fields (dotted paths, `general.payment_id`) that identify a call at the gateway,
    /// reported when a call's outcome is unknown so the merchant can reconcile.
    pub reconcile: &'static [&'static str],
    /// The operation's own result declaration, which replaces the gateway's
    /// [`Gateway::result`] for its answers.
    pub result: Option<&'static ResultSpec>,
    /// Top-level fields that identify what the call is about (`payId`): an answer that carries
    /// one must carry the value the request sent, or it answers another call.
    pub answer_matches: &'static [&'static str],
    /// How the request body travels.
    pub encoding: Encoding,
    /// How the answer is read.
    pub answer: Answer,
    /// Whether the client sends the request or hands it to the customer's browser.
    pub delivery: Delivery,
    /// Headers of this operation, besides the gateway's.
    pub headers: &'static [Header],
}

closed_set! {
    /// What sending a request again may do (the spec's `repeat`); it decides which failures
    /// are retried and which leave the outcome unknown.
    pub enum Repeat {
        /// Changes nothing at the gateway: every failure may be retried.
        Read => "read",
        /// Carries an idempotency key or an id the gateway deduplicates on: a repeat acts at
        /// most once, so every failure may be retried.
        Idempotent => "idempotent",
        /// A second request may act a second time (a second payment): repeated only after an
        /// answer that proves the gateway did nothing.
        Unsafe => "unsafe",
    }
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
    /// The header name as sent: `Idempotency-Key`.
    pub name: &'static str,
    /// Where its value comes from.
    pub value: HeaderValue,
    /// A secret (an API key): never printed or logged.
    pub sensitive: bool,
}

/// Where a header's value comes from: `value: credential.<name>`, `value: uuid`,
/// `value: idempotency_key`, `basic: [<user>, <password>]` or `text: "Bearer {credential.<name>}"`.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum HeaderValue<Name = &'static str> {
    /// A credential given to the client, by its spec name.
    Credential(Name),
    /// A fresh UUID v4 for every request sent.
    Uuid,
    /// A UUID v4 made once per call and sent again on every retry of it.
    IdempotencyKey,
    /// HTTP Basic authentication: `Basic ` and the Base64 of `user:password`, from the
    /// credentials named user and password.
    Basic(Name, Name),
    /// Fixed text with `{credential.<name>}` placeholders, each replaced by that credential:
    /// `Bearer {credential.token}`; without placeholders, a constant.
    Text(Name),
}

impl<Name: AsRef<str>> HeaderValue<Name> {
    /// The credentials the value is made of, in the order they appear.
    pub fn credentials(&self) -> Vec<&str> {
        match self {
            HeaderValue::Credential(name) => vec![name.as_ref()],
            HeaderValue::Basic(user, password) => vec![user.as_ref(), password.as_ref()],
            HeaderValue::Text(text) => text_parts(text.as_ref())
                .filter_map(|part| match part {
                    TextPart::Credential(name) => Some(name),
                    TextPart::Fixed(_) | TextPart::Malformed(_) => None,
                })
                .collect(),
            HeaderValue::Uuid | HeaderValue::IdempotencyKey => Vec::new(),
        }
    }
}

/// A piece of a header's [`HeaderValue::Text`].
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum TextPart<'t> {
    /// Sent as written.
    Fixed(&'t str),
    /// The credential of this name, from `{credential.<name>}`.
    Credential(&'t str),
    /// A `{…}` that names no credential, or a lone `{` or `}`; the generator refuses these.
    Malformed(&'t str),
}

/// The pieces of a header text, in order.
pub fn text_parts(text: &str) -> impl Iterator<Item = TextPart<'_>> {
    let mut rest = text;
    std::iter::from_fn(move || {
        if rest.is_empty() {
            return None;
        }
        let Some(open) = rest.find(['{', '}']) else {
            return Some(TextPart::Fixed(std::mem::take(&mut rest)));
        };
        if open > 0 {
            let (fixed, after) = rest.split_at(open);
            rest = after;
            return Some(TextPart::Fixed(fixed));
        }
        let end = if rest.starts_with('{') {
            rest.find('}').map(|close| close + 1)
        } else {
            None
        };
        let Some(end) = end else {
            return Some(TextPart::Malformed(std::mem::take(&mut rest)));
        };
        let (placeholder, after) = rest.split_at(end);
        rest = after;
        let inner = &placeholder[1..placeholder.len() - 1];
        Some(
            match inner
                .strip_prefix(names::CREDENTIAL_PREFIX)
                .filter(|name| !name.is_empty() && !name.contains('{'))
            {
                Some(name) => TextPart::Credential(name),
                None => TextPart::Malformed(placeholder),
            },
        )
    })
}

impl<Name> HeaderValue<Name> {
    /// The values written as a single word.
    const fn keywords() -> [Self; 2] {
        [HeaderValue::Uuid, HeaderValue::IdempotencyKey]
    }

    /// The word a value is written as; `None` for the values written with names.
    const fn keyword(&self) -> Option<&'static str> {
        match self {
            HeaderValue::Credential(_) | HeaderValue::Basic(..) | HeaderValue::Text(_) => None,
            HeaderValue::Uuid => Some("uuid"),
            HeaderValue::IdempotencyKey => Some("idempotency_key"),
        }
    }
}

impl FromStr for HeaderValue<String> {
    type Err = UnknownName;

    /// The words of a header's `value`; [`HeaderValue::Basic`] and [`HeaderValue::Text`] have
    /// keys of their own.
    fn from_str(text: &str) -> Result<Self, UnknownName> {
        keyword_or_credential(
            text,
            Self::keywords(),
            Self::keyword,
            HeaderValue::Credential,
        )
    }
}

impl<Name: fmt::Display> fmt::Display for HeaderValue<Name> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let prefix = names::CREDENTIAL_PREFIX;
        match (self, self.keyword()) {
            (HeaderValue::Credential(name), _) => write!(f, "{prefix}{name}"),
            (HeaderValue::Basic(user, password), _) => write!(f, "basic: [{user}, {password}]"),
            (HeaderValue::Text(text), _) => write!(f, "text: {text}"),
            (_, keyword) => f.write_str(keyword.unwrap_or_default()),
        }
    }
}

/// An error body the gateway answers with, and where it keeps its parts.
#[derive(Debug)]
pub struct ErrorBody {
    /// How the body holds the error.
    pub shape: ErrorShape,
    /// The top-level member holding the error object (`wrapped`) or the list (`list`); `None`
    /// for a `flat` body and for a list that is the whole body.
    pub field: Option<&'static str>,
    /// The member of the error holding its code.
    pub code: &'static str,
    /// The member of the error holding its text.
    pub message: &'static str,
    /// The member of the error holding its details, if any.
    pub detail: Option<&'static str>,
    /// The HTTP statuses the body comes with; empty for any status.
    pub http_status: &'static [u16],
}

closed_set! {
    /// How an error body holds its error (the spec's `errors[].shape`).
    pub enum ErrorShape {
        /// An object under a top-level member: `{"fault": {"faultcode", "faultstring"}}`.
        Wrapped => "wrapped",
        /// A list of errors under a top-level member, `{"errors": [{…}]}`, or as the whole body.
        List => "list",
        /// The error's members at the top level: `{"code", "message"}`.
        Flat => "flat",
    }
}

closed_set! {
    /// How a request body travels (the spec's `encoding`).
    #[derive(Default)]
    pub enum Encoding {
        /// A JSON document, the default.
        #[default]
        Json => "json",
        /// `application/x-www-form-urlencoded`: top-level fields, nested values as JSON text.
        Form => "form",
        /// No body: every body field goes to the URL's query string, form-encoded like `Form`,
        /// after the `in: query` fields (GET-style APIs, signed GETs).
        Query => "query",
    }
}

/// How an operation's answer is read (the spec's `answer`, or the gateway's `answers`).
#[derive(Debug, Clone, Copy)]
pub struct Answer {
    /// The body's format.
    pub encoding: AnswerEncoding,
    /// The exact body of a [`AnswerEncoding::Literal`] answer; `None` for the others.
    pub literal: Option<&'static str>,
    /// How the body's bytes are text.
    pub charset: Charset,
}

impl Answer {
    /// A UTF-8 JSON answer, the language's default.
    pub const JSON: Answer = Answer {
        encoding: AnswerEncoding::Json,
        literal: None,
        charset: Charset::Utf8,
    };
}

closed_set! {
    /// The format of an operation's answer (the spec's `answer.encoding`).
    #[derive(Default)]
    pub enum AnswerEncoding {
        /// A JSON document, the default.
        #[default]
        Json => "json",
        /// `code=0&message=OK`: each field's text decoded into the declared type.
        Form => "form",
        /// One declared exact body (`[accepted]`); any other is an error.
        Literal => "literal",
        /// No body at all; one that holds more than whitespace is an error.
        Empty => "empty",
    }
}

impl AnswerEncoding {
    /// Whether the answer has fields (a result code, a success field) rather than a fixed shape.
    pub const fn carries_fields(self) -> bool {
        matches!(self, AnswerEncoding::Json | AnswerEncoding::Form)
    }
}

closed_set! {
    /// How a message the merchant receives arrives (a callback's `delivery`).
    #[derive(Default)]
    pub enum MessageEncoding {
        /// A JSON body, the default.
        #[default]
        Json => "json",
        /// An `application/x-www-form-urlencoded` body.
        Form => "form",
        /// A URL's query string (the customer's return to the merchant), form-encoded.
        Query => "query",
    }
}

closed_set! {
    /// How the merchant's reply to a received message is written (its `reply.format`): which
    /// content type it is sent as and how the message's values are escaped in it.
    pub enum ReplyFormat {
        /// XML: `&`, `<`, `>`, `"` and `'` in values become entities.
        Xml => "xml",
        /// Plain text: values as the message carried them.
        Text => "text",
    }
}

impl ReplyFormat {
    /// The `Content-Type` the reply is sent with.
    pub const fn content_type(self) -> &'static str {
        match self {
            ReplyFormat::Xml => "application/xml; charset=utf-8",
            ReplyFormat::Text => "text/plain; charset=utf-8",
        }
    }
}

/// The body a merchant answers a received message with, when the gateway waits for a
/// documented one (IPS Assist sends its notification again until it gets `pushpaymentresult`).
#[derive(Debug)]
pub struct CallbackReply {
    /// How the body is written and sent.
    pub format: ReplyFormat,
    /// The body, in order: fixed text and the message's fields.
    pub body: &'static [ReplyPart],
}

/// A piece of a reply body.
#[derive(Debug, PartialEq)]
pub enum ReplyPart {
    /// Text written as it is.
    Text(&'static str),
    /// The value of the message's field of this wire name, escaped for the reply's format.
    Field(&'static str),
}

closed_set! {
    /// The character set of an answer's or a received message's text (the spec's `charset`).
    #[derive(Default)]
    pub enum Charset {
        /// UTF-8, the default.
        #[default]
        Utf8 => "utf-8",
        /// Windows code page 1250, Central European.
        Windows1250 => "windows-1250",
        /// ISO 8859-2, Latin-2.
        Iso88592 => "iso-8859-2",
        /// Windows code page 1252, Western European.
        Windows1252 => "windows-1252",
    }
}

closed_set! {
    /// Who sends a request to the gateway (the spec's `delivery`).
    #[derive(Default)]
    pub enum Delivery {
        /// The client sends the request and reads the answer; the default.
        #[default]
        Call => "call",
        /// The request is a redirect of the customer's browser: the client builds it, never
        /// sends it.
        Redirect => "redirect",
    }
}

/// The answer of a redirect: there is none, the gateway answers the customer's browser.
pub static NO_RESPONSE: Object = Object {
    name: "no response",
    fields: &[],
    rules: &[],
    items: None,
};

closed_set! {
    /// The HTTP method of an operation (the spec's `method`).
    pub enum Method {
        /// `GET`: the request has no body; its fields travel in the path, query or headers.
        Get => "GET",
        /// `POST`: the request travels in the body.
        Post => "POST",
        /// `PUT`: the request travels in the body.
        Put => "PUT",
        /// `PATCH`: the request travels in the body.
        Patch => "PATCH",
        /// `DELETE`: the request has no body; its fields travel in the path, query or headers.
        Delete => "DELETE",
    }
}

impl Method {
    /// Whether the method carries a body: a GET or DELETE with a body is refused or dropped by
    /// many servers and proxies, so the spec language gives them none.
    pub const fn has_body(self) -> bool {
        matches!(self, Method::Post | Method::Put | Method::Patch)
    }
}

/// A JSON object: its fields in documentation order and its cross-field rules.
#[derive(Debug)]
pub struct Object {
    /// Spec name of the type (`Customer`) or of the message (`oneclick_init request`).
    pub name: &'static str,
    /// The fields, in documentation order.
    pub fields: &'static [Field],
    /// Rules relating several fields.
    pub rules: &'static [Rule],
    /// Set when the message is a JSON array of these objects rather than an object.
    pub items: Option<&'static Object>,
}

impl Object {
    /// The field with wire name `wire`.
    pub fn field(&self, wire: &str) -> Option<&'static Field> {
        self.fields.iter().find(|f| f.wire == wire)
    }
}

/// One field of an object.
#[derive(Debug)]
pub struct Field {
    /// Name on the wire, exactly as the gateway writes it.
    pub wire: &'static str,
    /// What values it holds.
    pub kind: Kind,
    /// Whether every message carries it.
    pub required: bool,
    /// Whether it travels in the body, the URL path or query, or a header.
    pub location: Location,
    /// Set when the client fills the value itself; such a field is never taken from the caller.
    pub auto: Option<Auto>,
    /// Card data or secrets: never printed, logged or put in an error.
    pub sensitive: bool,
    /// The value the gateway assumes when the field is absent; rules see it as the field's value.
    pub default: Option<Literal>,
    /// What a value must satisfy.
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

    /// The field is in every message.
    pub const fn required(mut self) -> Self {
        self.required = true;
        self
    }

    /// The field travels in the URL path.
    pub const fn in_path(mut self) -> Self {
        self.location = Location::Path;
        self
    }

    /// The field travels in the URL's query string.
    pub const fn in_query(mut self) -> Self {
        self.location = Location::Query;
        self
    }

    /// The field travels as a request header.
    pub const fn in_header(mut self) -> Self {
        self.location = Location::Header;
        self
    }

    /// The client fills the field itself.
    pub const fn auto(mut self, auto: Auto) -> Self {
        self.auto = Some(auto);
        self
    }

    /// The field holds card data or a secret.
    pub const fn sensitive(mut self) -> Self {
        self.sensitive = true;
        self
    }

    /// The gateway assumes `value` when the field is absent.
    pub const fn default(mut self, value: Literal) -> Self {
        self.default = Some(value);
        self
    }

    /// What a value of the field must satisfy.
    pub const fn constraints(mut self, constraints: &'static [Constraint]) -> Self {
        self.constraints = constraints;
        self
    }
}

closed_set! {
    /// Where a request field travels (the spec's `in`).
    #[derive(Default)]
    pub enum Location {
        /// In the body, the default.
        #[default]
        Body => "body",
        /// In the URL path, in place of its `{wireName}` placeholder.
        Path => "path",
        /// In the URL's query string, as `wireName=value`, percent-encoded, in spec order.
        Query => "query",
        /// As the request header named by the wire name.
        Header => "header",
    }
}

impl Location {
    /// Whether the field travels outside the body, which only a request's top-level fields can.
    pub const fn outside_body(self) -> bool {
        !matches!(self, Location::Body)
    }
}

/// Values the client fills in itself; written `auto: credential.<name>`, `auto: dttm`,
/// `auto: signature`, or `const: <value>`.
#[derive(Debug, Clone, Copy, PartialEq)]
pub enum Auto<Name = &'static str> {
    /// A credential given to the client, by its spec name (e.g. `merchant_id`).
    Credential(Name),
    /// The current time as `YYYYMMDDHHMMSS` in the gateway's time zone.
    Dttm,
    /// The request signature.
    Signature,
    /// A value the spec fixes (`const: oneclickPayment`): always sent, never the caller's.
    Const(Literal<Name>),
}

impl<Name> Auto<Name> {
    /// The values written as a single word.
    const fn keywords() -> [Self; 2] {
        [Auto::Dttm, Auto::Signature]
    }

    /// The word a value is written as; `None` for a credential, written with its name.
    const fn keyword(&self) -> Option<&'static str> {
        match self {
            Auto::Credential(_) | Auto::Const(_) => None,
            Auto::Dttm => Some("dttm"),
            Auto::Signature => Some("signature"),
        }
    }
}

impl FromStr for Auto<String> {
    type Err = UnknownName;

    fn from_str(text: &str) -> Result<Self, UnknownName> {
        keyword_or_credential(text, Self::keywords(), Self::keyword, Auto::Credential)
    }
}

impl<Name: fmt::Display> fmt::Display for Auto<Name> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match (self, self.keyword()) {
            (Auto::Credential(name), _) => write!(f, "{}{name}", names::CREDENTIAL_PREFIX),
            (Auto::Const(value), _) => write!(f, "const: {value}"),
            (_, keyword) => f.write_str(keyword.unwrap_or_default()),
        }
    }
}

/// What values a field holds.
#[derive(Debug, Clone, Copy)]
pub enum Kind {
    /// A JSON string.
    String,
    /// A JSON integer.
    Integer,
    /// `true` or `false`.
    Boolean,
    /// A nested object.
    Object(&'static Object),
    /// One of an enum's values.
    Enum(&'static Enum),
    /// Any JSON value.
    Any,
    /// A JSON array whose elements are of the given kind.
    List(&'static Kind),
    /// A JSON object with arbitrary keys; values of the given kind, in message order.
    Map(&'static Kind),
}

/// The values an enum field accepts.
#[derive(Debug)]
pub struct Enum {
    /// The spec name of the enum type.
    pub name: &'static str,
    /// Every accepted value.
    pub values: &'static [Literal],
}

/// A value written in a spec: a default, an enum value, a rule's comparison value.
#[derive(Debug, Clone, Copy, PartialEq)]
pub enum Literal<Text = &'static str> {
    /// A string.
    Str(Text),
    /// An integer.
    Int(i64),
    /// A boolean.
    Bool(bool),
}

impl<Text: fmt::Display> fmt::Display for Literal<Text> {
    /// The value as a spec writes it and a violation's limit quotes it: `EUR`, `100`, `true`.
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            Literal::Str(text) => text.fmt(f),
            Literal::Int(int) => int.fmt(f),
            Literal::Bool(boolean) => boolean.fmt(f),
        }
    }
}

closed_set! {
    /// What a length bound counts (the spec's `length_unit`).
    #[derive(Default)]
    pub enum LengthUnit {
        /// Unicode scalar values, the default.
        #[default]
        Chars => "chars",
        /// UTF-8 bytes.
        Bytes => "bytes",
    }
}

/// A condition on one value. `Regex` is how a pattern is held: a static [`Pattern`] in generated
/// code, its source text in the generator.
#[derive(Debug, Clone, PartialEq)]
pub enum Constraint<Regex = &'static Pattern> {
    /// An integer at least this.
    Min(i64),
    /// An integer at most this.
    Max(i64),
    /// A string at least this long.
    MinLength(usize, LengthUnit),
    /// A string at most this long.
    MaxLength(usize, LengthUnit),
    /// A string matching this regular expression.
    Pattern(Regex),
    /// A string in this format.
    Format(Format),
    /// A list or map with at least this many items or entries.
    MinItems(usize),
    /// A list or map with at most this many items or entries.
    MaxItems(usize),
    /// A map whose keys are at most this long.
    MaxKeyLength(usize, LengthUnit),
}

/// A regular expression, compiled on first use.
#[derive(Debug)]
pub struct Pattern {
    /// The expression as the spec writes it.
    pub source: &'static str,
    compiled: OnceLock<Option<regex_lite::Regex>>,
}

impl Pattern {
    /// A pattern not compiled yet.
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

closed_set! {
    /// A named string format (the spec's `format`).
    pub enum Format {
        /// `YYYYMMDDHHMMSS`, a real calendar date and time.
        Dttm => "dttm",
        /// Standard Base64 alphabet with padding.
        Base64 => "base64",
        /// IPv4 or IPv6 address.
        Ip => "ip",
        /// One `@`, a local part, a domain with a dot, no spaces.
        Email => "email",
        /// ISO 4217 alphabetic code: three upper-case ASCII letters.
        Currency => "currency",
        /// ISO 4217 numeric code of a currency in circulation: `978` for EUR, `203` for CZK.
        CurrencyNumeric => "currency_numeric",
        /// `8-4-4-4-12` hexadecimal digits.
        Uuid => "uuid",
        /// `DD.MM.YYYY`, a real calendar date.
        Date => "date",
        /// `YYYY-MM-DD`, a real calendar date.
        IsoDate => "iso_date",
        /// An absolute `http` or `https` URL.
        Url => "url",
        /// An absolute URL of any scheme, such as an app's own `myapp://return`: a scheme, `://`,
        /// and a host or path with no whitespace.
        AppUrl => "app_url",
        /// Digits whose Luhn checksum is valid (card numbers).
        Luhn => "luhn",
        /// `MM.YYYY`, a month from 01 to 12.
        MonthYear => "month_year",
        /// An integer of any width as decimal digits: an optional `-`, then ASCII digits.
        Digits => "digits",
    }
}

/// A rule over several fields of one object; field names are wire names. `Name` and `Names`
/// are how generated statics (`&'static str`, `&'static [&'static str]`) or the generator
/// (`String`, `Vec<String>`) hold them, `Checks` and `Values` the same for constraints and
/// literals.
///
/// [`Rule::Sum`], [`Rule::When`] and the `when` of [`Rule::RequiredIf`] and
/// [`Rule::RequiredUnless`] name fields by path: wire names joined with `.` into nested
/// objects, a list's name followed by `[]` for each of its items (`cart[].amount`).
#[derive(Debug, Clone)]
pub enum Rule<
    Name = &'static str,
    Names = &'static [&'static str],
    Checks = &'static [Constraint],
    Values = &'static [Literal],
> {
    /// All present or all absent.
    Together(Names),
    /// Exactly one present.
    OneOf(Names),
    /// At most one present.
    Exclusive(Names),
    /// `field` is required when `when` has a value other than `value`.
    RequiredUnless {
        /// The field that becomes required.
        field: Name,
        /// The path (see [`Rule`]) of the value that decides, through no list.
        when: Name,
        /// The one value of `when` that leaves `field` optional.
        value: Literal<Name>,
    },
    /// `lower` is not greater than `upper` when both are present (decimal numbers).
    NotGreater {
        /// The field holding the smaller value.
        lower: Name,
        /// The field holding the greater value.
        upper: Name,
    },
    /// `field` is required when `when` (or its default) has a value, or the given value.
    RequiredIf {
        /// The field that becomes required.
        field: Name,
        /// The path (see [`Rule`]) of the value that decides, through no list.
        when: Name,
        /// `None`: required whenever `when` has a value.
        equals: Option<Literal<Name>>,
    },
    /// The values at path `items` (decimal numbers) add up exactly to the value at path
    /// `total` when that is present.
    Sum {
        /// A path through a list: `cart[].amount`.
        items: Name,
        /// A path to one value: `totalAmount`.
        total: Name,
    },
    /// While the value at path `when` (or its default) is `equals`, every value at path `field`
    /// keeps `constraints` and, when `values` is not empty, is one of them.
    When {
        /// The path of the value that decides, through no list.
        when: Name,
        /// The value that applies the rule.
        equals: Literal<Name>,
        /// The path of the values the rule constrains.
        field: Name,
        /// What those values must keep.
        constraints: Checks,
        /// The values allowed; empty for any.
        values: Values,
    },
}

/// One step of a rule's path (`cart[].amount` is `cart` for each item, then `amount`).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct PathStep<'p> {
    /// The field's wire name.
    pub wire: &'p str,
    /// The field is a list and the path goes on in each of its items (written `wire[]`).
    pub each: bool,
}

/// The steps of a rule's path, in order; a wire name holding `.` cannot be reached by a path.
pub fn path_steps(path: &str) -> impl Iterator<Item = PathStep<'_>> {
    path.split('.').map(|step| match step.strip_suffix("[]") {
        Some(wire) => PathStep { wire, each: true },
        None => PathStep {
            wire: step,
            each: false,
        },
    })
}

/// How a gateway reports the outcome of an operation or message inside a successful HTTP
/// answer: a code field, an optional second code field refining it, and what each code means.
#[derive(Debug)]
pub struct ResultSpec {
    /// The field holding the primary code: a top-level wire name (`resultCode`, `status`) or
    /// dotted names down through nested objects (`rp.responsecode`).
    pub code_field: &'static str,
    /// The field holding the result text, if any, named like `code_field`.
    pub message_field: Option<&'static str>,
    /// Every primary code the spec names, with its meaning. A code not listed means failure.
    pub codes: &'static [ResultCodeInfo],
    /// A second code field (Monetix's `code` beside `status`) and its codes.
    pub secondary: Option<SecondaryCode>,
}

/// The second field of a two-field result code.
#[derive(Debug)]
pub struct SecondaryCode {
    /// The field holding the code, named like `ResultSpec::code_field`.
    pub field: &'static str,
    /// Every code the spec names, with its meaning.
    pub codes: &'static [ResultCodeInfo],
}

/// A result code, its name and what it means.
#[derive(Debug, PartialEq)]
pub struct ResultCodeInfo {
    /// The code as the gateway sends it: an integer or a string.
    pub code: Literal,
    /// The spec name: `template_not_found`.
    pub name: &'static str,
    /// What the code says about the call or message.
    pub meaning: Meaning,
}

closed_set! {
    /// What a result code says (the spec's `means`).
    #[derive(Default)]
    pub enum Meaning {
        /// The call or the payment failed; the default, so that no code is a success unless
        /// the spec says so.
        #[default]
        Failure => "failure",
        /// The call succeeded.
        Success => "success",
        /// The call was accepted and its outcome is not decided yet.
        Pending => "pending",
    }
}

impl ResultSpec {
    /// The spec name of the integer primary code `code`.
    pub fn name_of(&self, code: i64) -> Option<&'static str> {
        self.codes
            .iter()
            .find(|c| c.code == Literal::Int(code))
            .map(|c| c.name)
    }
}

impl Meaning {
    /// The less favourable of two meanings: a failure beats a pending outcome, which beats a
    /// success, so that a second code can never turn a failure into a success.
    pub fn worst(self, other: Meaning) -> Meaning {
        let rank = |m: Meaning| match m {
            Meaning::Success => 0,
            Meaning::Pending => 1,
            Meaning::Failure => 2,
        };
        if rank(other) > rank(self) {
            other
        } else {
            self
        }
    }
}

/// A message the gateway sends to the merchant (a callback or notification), verified with its
/// recipes before it is trusted.
#[derive(Debug)]
pub struct Callback {
    /// The spec's callback id, e.g. `payment_callback`.
    pub id: &'static str,
    /// The first paragraph of the spec's doc text.
    pub summary: &'static str,
    /// The message's fields and rules.
    pub message: &'static Object,
    /// The signatures the message must carry, each verified; empty when it is not signed.
    pub recipes: &'static [&'static NamedRecipe],
    /// The message's signature order, for recipes that write it.
    pub signature: &'static [recipe::Field],
    /// A field that must equal a token the merchant got earlier (compared in constant time).
    pub token_field: Option<&'static str>,
    /// `Some` when the message carries only what its signature covers: the fields listed here
    /// may also come unsigned, and any other field outside the signature order and the
    /// signature itself makes verification fail.
    pub only_signed: Option<&'static [&'static str]>,
    /// How the message arrives: a JSON or form body, or a query string.
    pub delivery: MessageEncoding,
    /// How the message's bytes are text.
    pub charset: Charset,
    /// What the message's result code means: the callback's own declaration, or the gateway's
    /// when the message carries its code field.
    pub result: Option<&'static ResultSpec>,
    /// The body the merchant answers the message with, when the spec declares one.
    pub reply: Option<&'static CallbackReply>,
}

impl Callback {
    /// What the client does with the message: `verify` when a signature or a token proves it
    /// came from the gateway, `decode` when nothing does, so no name promises a check that is
    /// not made. Client methods and CLI commands are named `<verb>_<id>`.
    pub fn verb(&self) -> &'static str {
        if !self.recipes.is_empty() || self.token_field.is_some() {
            "verify"
        } else {
            "decode"
        }
    }
}

/// Polling of a status operation until the payment leaves its pending states.
#[derive(Debug)]
pub struct Polling {
    /// The status operation.
    pub operation: &'static Operation,
    /// The integer field of its answer holding the status.
    pub status_field: &'static str,
    /// The statuses that mean "not decided yet".
    pub pending: &'static [i64],
    /// Wait before the first call.
    pub first_delay_ms: u64,
    /// Wait between calls.
    pub interval_ms: u64,
    /// Give up after this long.
    pub deadline_ms: u64,
}

#[cfg(test)]
mod tests {
    use super::*;

    fn round_trips<T: ClosedSet + FromStr<Err = UnknownName> + PartialEq + fmt::Debug>() {
        assert_eq!(T::ALL.len(), T::NAMES.len());
        for (value, name) in T::ALL.iter().zip(T::NAMES) {
            assert_eq!(value.as_str(), *name);
            assert_eq!(name.parse::<T>(), Ok(*value));
        }
        let unknown = "no such name".parse::<T>().unwrap_err();
        assert_eq!(unknown.allowed, T::NAMES);
    }

    static MESSAGE: Object = Object {
        name: "status",
        fields: &[],
        rules: &[],
        items: None,
    };

    static DIGEST: NamedRecipe = NamedRecipe {
        name: "digest",
        recipe: recipe::Recipe {
            text: &[recipe::Piece::RawBody],
            algorithm: recipe::Algorithm::Digest(recipe::DigestAlgorithm::Sha256),
            output: recipe::Output::HexLower,
            placement: recipe::Placement::Query("check"),
        },
        sign_key: None,
        verify_key: None,
        optional_credentials: &[],
        max_age: None,
    };

    static SIGNED: &[&NamedRecipe] = &[&DIGEST];

    fn callback(signed: bool, token_field: Option<&'static str>) -> Callback {
        Callback {
            id: "status",
            summary: "A status.",
            message: &MESSAGE,
            recipes: if signed { SIGNED } else { &[] },
            signature: &[],
            token_field,
            only_signed: None,
            delivery: MessageEncoding::Json,
            charset: Charset::Utf8,
            result: None,
            reply: None,
        }
    }

    #[test]
    fn only_a_signed_or_token_checked_callback_is_verified() {
        assert_eq!(callback(true, None).verb(), "verify");
        assert_eq!(callback(false, Some("securityToken")).verb(), "verify");
        assert_eq!(callback(false, None).verb(), "decode");
    }

    #[test]
    fn every_closed_set_parses_what_it_prints() {
        round_trips::<recipe::AlgorithmName>();
        round_trips::<recipe::Output>();
        round_trips::<recipe::FlatSort>();
        round_trips::<CredentialKind>();
        round_trips::<TimeZone>();
        round_trips::<Encoding>();
        round_trips::<AnswerEncoding>();
        round_trips::<MessageEncoding>();
        round_trips::<Charset>();
        round_trips::<ReplyFormat>();
        round_trips::<Delivery>();
        round_trips::<Method>();
        round_trips::<Location>();
        round_trips::<LengthUnit>();
        round_trips::<Format>();
        round_trips::<ScalarBase>();
        round_trips::<Meaning>();
        round_trips::<ErrorShape>();
    }

    #[test]
    fn a_second_code_never_makes_a_failure_better() {
        use Meaning::*;
        assert_eq!(Success.worst(Failure), Failure);
        assert_eq!(Failure.worst(Success), Failure);
        assert_eq!(Success.worst(Pending), Pending);
        assert_eq!(Pending.worst(Failure), Failure);
        assert_eq!(Success.worst(Success), Success);
    }

    #[test]
    fn variant_names_are_the_rust_names() {
        assert_eq!(Format::IsoDate.variant_name(), "IsoDate");
        assert_eq!(
            recipe::AlgorithmName::HmacSha512.variant_name(),
            "HmacSha512"
        );
        assert_eq!(<TimeZone as ClosedSet>::TYPE_NAME, "TimeZone");
    }

    #[test]
    fn paths_split_into_steps_through_lists() {
        let steps: Vec<PathStep> = path_steps("order.cart[].amount").collect();
        assert_eq!(
            steps,
            [
                PathStep {
                    wire: "order",
                    each: false
                },
                PathStep {
                    wire: "cart",
                    each: true
                },
                PathStep {
                    wire: "amount",
                    each: false
                },
            ]
        );
    }

    #[test]
    fn literals_print_as_the_spec_writes_them() {
        assert_eq!(Literal::Str("EUR").to_string(), "EUR");
        assert_eq!(Literal::<&str>::Int(-100).to_string(), "-100");
        assert_eq!(Literal::<&str>::Bool(true).to_string(), "true");
        assert_eq!(
            Auto::Const(Literal::Str("oneclickPayment")).to_string(),
            "const: oneclickPayment"
        );
    }

    #[test]
    fn names_are_case_sensitive() {
        assert!("get".parse::<Method>().is_err());
        assert!("utc".parse::<TimeZone>().is_err());
    }

    #[test]
    fn automatic_values_parse_what_they_print() {
        for text in ["dttm", "signature", "credential.merchant_id"] {
            let auto: Auto<String> = text.parse().unwrap();
            assert_eq!(auto.to_string(), text);
        }
        assert_eq!(
            "credential.merchant_id".parse(),
            Ok(Auto::Credential("merchant_id".to_owned()))
        );
        let unknown = "credential.".parse::<Auto<String>>().unwrap_err();
        assert_eq!(unknown.allowed, ["credential.<name>", "dttm", "signature"]);
    }

    #[test]
    fn header_texts_split_into_fixed_text_and_credentials() {
        let parts: Vec<TextPart> =
            text_parts("Bearer {credential.token}; v={credential.v}").collect();
        assert_eq!(
            parts,
            [
                TextPart::Fixed("Bearer "),
                TextPart::Credential("token"),
                TextPart::Fixed("; v="),
                TextPart::Credential("v"),
            ]
        );
        assert_eq!(
            text_parts("2024-06-01").collect::<Vec<_>>(),
            [TextPart::Fixed("2024-06-01")]
        );
        for malformed in ["{token}", "{credential.}", "a } b", "{credential.x"] {
            assert!(
                text_parts(malformed).any(|p| matches!(p, TextPart::Malformed(_))),
                "{malformed}"
            );
        }
        let value = HeaderValue::Text("Token {credential.api_key}");
        assert_eq!(value.credentials(), ["api_key"]);
        assert_eq!(
            HeaderValue::Basic("login", "password").credentials(),
            ["login", "password"]
        );
    }

    #[test]
    fn header_values_parse_what_they_print() {
        for text in ["uuid", "idempotency_key", "credential.api_key"] {
            let value: HeaderValue<String> = text.parse().unwrap();
            assert_eq!(value.to_string(), text);
        }
        let unknown = "UUID".parse::<HeaderValue<String>>().unwrap_err();
        assert_eq!(
            unknown.allowed,
            ["credential.<name>", "uuid", "idempotency_key"]
        );
    }
}

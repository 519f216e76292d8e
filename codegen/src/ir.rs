//! The intermediate model: a checked spec with every reference resolved.
//!
//! `lower` builds it only from a spec that passed `check`, so emitters can rely on it: every
//! type a field names exists, every signature order names real fields, every Rust name is a
//! valid, unique identifier, and pattern constraints compile.
//!
//! The spec language's closed sets (formats, methods, schemes, ...) and the shapes the
//! generated statics share with the runtime come from `oneclick_schema`; what is defined here
//! is the generator's own: resolved Rust names, docs, and types referred to by index.

pub use oneclick_schema::recipe::{Absent, Algorithm, Booleans, DigestAlgorithm, Output};
pub use oneclick_schema::{
    AnswerEncoding, Charset, CredentialKind, Delivery, Encoding, ErrorShape, Format, LengthUnit,
    Location, Meaning, MessageEncoding, Method, Repeat, ReplyFormat, ScalarBase, TimeZone,
};

pub use crate::spec::{FlatSpec, ValuesFormat};

/// A value written in the spec: a default, an enum value, a sample.
pub type Literal = oneclick_schema::Literal<String>;
/// A value the client fills in itself, naming its credential as the spec does.
pub type Auto = oneclick_schema::Auto<String>;
/// Where a header's value comes from, naming its credential as the spec does.
pub type HeaderValue = oneclick_schema::HeaderValue<String>;
/// A constraint on one value; a pattern is its source text, compiled by the runtime.
pub type Constraint = oneclick_schema::Constraint<String>;
/// A rule over several fields of one object, by wire name or path.
pub type Rule = oneclick_schema::Rule<String, Vec<String>, Vec<Constraint>, Vec<Literal>>;

/// A gateway, ready to emit.
#[derive(Debug, Clone)]
pub struct Gateway {
    /// Spec name, snake_case: `csob`.
    pub name: String,
    /// Cargo package name of the generated crate: `oneclick-csob`.
    pub crate_name: String,
    /// The generated crate's version.
    pub version: crate::version::Version,
    pub title: String,
    pub doc: String,
    /// The spec file, relative to the repository root: `spec/csob.yaml`.
    pub spec_path: String,
    pub sources: Vec<Source>,
    pub environments: Vec<Environment>,
    pub time_zone: TimeZone,
    pub credentials: Vec<Credential>,
    /// Every signature recipe, in spec order; messages refer to them by index.
    pub recipes: Vec<Recipe>,
    pub result: Option<ResultSpec>,
    pub errors: Vec<ErrorBody>,
    /// Headers on every request.
    pub headers: Vec<Header>,
    pub retry_http_status: Vec<u16>,
    /// The retry statuses that prove the gateway did not act: unsafe calls repeat after these.
    pub unprocessed_http_status: Vec<u16>,
    pub enums: Vec<EnumType>,
    /// Constrained scalar values: each becomes a newtype with `TryFrom`.
    pub scalars: Vec<ScalarType>,
    /// Named object types and the request/response message of every operation.
    pub objects: Vec<ObjectType>,
    pub operations: Vec<Operation>,
    pub callbacks: Vec<Callback>,
    pub polling: Vec<Polling>,
}

impl Gateway {
    /// Whether any recipe of the spec needs MD5 or RSA SHA-1 signing: the runtime features
    /// `md5` and `rsa-sha1`.
    pub fn needs_md5(&self) -> bool {
        self.recipes.iter().any(Recipe::uses_md5)
    }

    /// Whether `wire` is the name a recipe's signature field has, at any depth.
    pub fn is_signature_field(&self, wire: &str) -> bool {
        self.recipes.iter().any(|r| match &r.placement {
            Placement::Field(path) | Placement::EachItem { field: path, .. } => {
                path.last().is_some_and(|last| last == wire)
            }
            // A received query string is read as the message's fields.
            Placement::Query(name) => name == wire,
            Placement::Path(_) | Placement::Header { .. } => false,
        })
    }

    /// Whether a recipe signs with credential `key` over RSA SHA-1: its Rust type is then the
    /// runtime's SHA-1 key.
    pub fn signs_sha1_with(&self, key: &str) -> bool {
        self.recipes.iter().any(|r| {
            r.sign_key.as_deref() == Some(key)
                && r.algorithm == Algorithm::RsaPkcs1(oneclick_schema::recipe::RsaHash::Sha1)
        })
    }

    /// Whether a recipe signs with RSA over SHA-1, which ring cannot do.
    pub fn needs_rsa_sha1(&self) -> bool {
        self.recipes.iter().any(|r| {
            r.sign_key.is_some()
                && r.algorithm == Algorithm::RsaPkcs1(oneclick_schema::recipe::RsaHash::Sha1)
        })
    }
}

#[derive(Debug, Clone)]
pub struct Source {
    pub id: String,
    pub file: String,
    pub title: String,
    pub doc_check_exceptions: Vec<DocCheckException>,
}

/// A finding of `cargo xtask doc-check` on a source document that the spec accepts.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct DocCheckException {
    /// 1-based line of the document.
    pub line: usize,
    /// Text the finding's message contains.
    pub finding: String,
    pub reason: String,
}

#[derive(Debug, Clone)]
pub struct Environment {
    /// Spec name: `sandbox`; the Rust variant is its UpperCamelCase form.
    pub name: String,
    pub variant: String,
    /// The base URL; `{name}` placeholders stand for `variables`.
    pub url: String,
    /// The values a merchant gives for this environment, by snake_case name, with their docs.
    pub variables: Vec<(String, String)>,
    pub doc: String,
}

/// A piece of an environment URL.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum UrlPart<'u> {
    Fixed(&'u str),
    /// The name inside `{…}`.
    Variable(&'u str),
    /// A lone brace, or an empty `{}`.
    Malformed(&'u str),
}

/// The pieces of an environment URL, in order.
pub fn url_parts(url: &str) -> Vec<UrlPart<'_>> {
    let mut parts = Vec::new();
    let mut rest = url;
    while !rest.is_empty() {
        match rest.find(['{', '}']) {
            None => {
                parts.push(UrlPart::Fixed(rest));
                rest = "";
            }
            Some(0) => {
                let close = rest.find('}').filter(|_| rest.starts_with('{'));
                match close {
                    Some(close) if close > 1 && !rest[1..close].contains('{') => {
                        parts.push(UrlPart::Variable(&rest[1..close]));
                        rest = &rest[close + 1..];
                    }
                    _ => {
                        let end = close.map_or(1, |c| c + 1);
                        parts.push(UrlPart::Malformed(&rest[..end]));
                        rest = &rest[end..];
                    }
                }
            }
            Some(at) => {
                parts.push(UrlPart::Fixed(&rest[..at]));
                rest = &rest[at..];
            }
        }
    }
    parts
}

#[derive(Debug, Clone)]
pub struct Credential {
    /// Spec name, also the Rust field name: `merchant_id`.
    pub name: String,
    pub doc: String,
    pub sensitive: bool,
    /// Sent as a JSON number (`i64` in `Credentials`) rather than a string.
    pub integer: bool,
    pub kind: CredentialKind,
    /// The merchant may leave it out: `Option` in `Credentials`, set with `with_<name>`.
    pub optional: bool,
}

/// A signature recipe of the spec.
#[derive(Debug, Clone)]
pub struct Recipe {
    /// Spec name: `request`.
    pub name: String,
    /// Name of its static: `RECIPE_REQUEST`.
    pub const_name: String,
    pub text: Vec<Piece>,
    pub algorithm: Algorithm,
    pub output: Output,
    pub placement: Placement,
    pub sign_key: Option<String>,
    pub verify_key: Option<String>,
    /// The optional credentials it reads: without them it signs and verifies no request or
    /// response (a received message still needs them).
    pub optional_credentials: Vec<String>,
    /// How far, in seconds, the signed `timestamp` of a message it verifies may be from the
    /// clock.
    pub max_age: Option<u32>,
}

impl Recipe {
    fn uses_md5(&self) -> bool {
        self.algorithm == Algorithm::Digest(DigestAlgorithm::Md5) || pieces_use_md5(&self.text)
    }

    /// Whether the text writes the message's own signature order.
    pub fn writes_order(&self) -> bool {
        self.text.iter().any(|p| matches!(p, Piece::Order(_)))
    }
}

fn pieces_use_md5(pieces: &[Piece]) -> bool {
    pieces.iter().any(|piece| match piece {
        Piece::Digest { algorithm, of, .. } => {
            *algorithm == DigestAlgorithm::Md5 || pieces_use_md5(of)
        }
        Piece::Upper(of) => pieces_use_md5(of),
        _ => false,
    })
}

/// One piece of a recipe's text.
#[derive(Debug, Clone)]
pub enum Piece {
    Literal(String),
    /// A credential's value or an input the message brings, by name.
    Input(String),
    RawBody,
    Order(ValuesFormat),
    Fields(Vec<SignedField>, ValuesFormat),
    Flat(FlatSpec),
    Pairs {
        fields: Vec<String>,
        assign: String,
        separator: String,
        booleans: Booleans,
    },
    Json(Vec<String>),
    Digest {
        algorithm: DigestAlgorithm,
        output: Output,
        of: Vec<Piece>,
    },
    Upper(Vec<Piece>),
}

/// A field of a recipe's own field list: a value, or an object written in place.
#[derive(Debug, Clone)]
pub enum SignedField {
    Value(String),
    Object(String, Vec<SignedField>),
}

/// The one input a request's recipe reads besides credentials: the time of sending in Unix
/// seconds, which the runtime takes once per attempt.
pub const TIMESTAMP_INPUT: &str = "timestamp";

/// Where a recipe's signature travels.
#[derive(Debug, Clone)]
pub enum Placement {
    /// A body field by its path from the top.
    Field(Vec<String>),
    /// A field of each item of the list at `list`, each item signed over its own fields.
    EachItem {
        list: Vec<String>,
        field: Vec<String>,
    },
    /// The placeholder of a request's path template, by name.
    Path(String),
    /// A query parameter.
    Query(String),
    Header {
        name: String,
        /// Items in order: the item's name and `None` for the signature, or an input's name.
        items: Vec<(String, Option<String>)>,
        separator: String,
        assign: String,
    },
}

#[derive(Debug, Clone)]
pub struct ResultSpec {
    pub code_field: String,
    pub message_field: Option<String>,
    pub codes: Vec<ResultCode>,
    pub secondary: Option<SecondaryCode>,
}

/// The second field of a two-field result code.
#[derive(Debug, Clone)]
pub struct SecondaryCode {
    pub field: String,
    pub codes: Vec<ResultCode>,
}

/// Which result declaration a callback's message follows.
#[derive(Debug, Clone)]
pub enum ResultRef {
    /// The gateway's, because the message carries its code field.
    Gateway,
    /// The callback's own.
    Own(ResultSpec),
}

/// An error body the gateway answers with, and where it keeps its parts.
#[derive(Debug, Clone)]
pub struct ErrorBody {
    pub shape: ErrorShape,
    pub field: Option<String>,
    pub code: String,
    pub message: String,
    pub detail: Option<String>,
    pub http_status: Vec<u16>,
}

/// A header the client sets itself.
#[derive(Debug, Clone)]
pub struct Header {
    pub name: String,
    pub value: HeaderValue,
    pub sensitive: bool,
    pub doc: String,
}

/// A named constructor: fixed values for some fields, arguments for others.
#[derive(Debug, Clone)]
pub struct Preset {
    /// snake_case method name.
    pub name: String,
    pub doc: String,
    /// Wire names and the values they are set to.
    pub set: Vec<(String, Literal)>,
    /// Wire names of the fields passed as arguments, in order.
    pub args: Vec<String>,
}

#[derive(Debug, Clone)]
pub struct ResultCode {
    pub code: Literal,
    pub meaning: Meaning,
    /// Spec name, snake_case: `template_not_found`.
    pub name: String,
    /// UpperCamelCase variant of the generated `ResultCode` enum.
    pub variant: String,
    pub doc: String,
}

#[derive(Debug, Clone)]
pub struct EnumType {
    /// Spec name: `Currency`; also the Rust type name.
    pub name: String,
    pub doc: String,
    pub repr: EnumRepr,
    pub values: Vec<EnumValue>,
    /// SCREAMING_SNAKE name of the `schema::Enum` static.
    pub schema_const: String,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum EnumRepr {
    Str,
    Int,
}

#[derive(Debug, Clone)]
pub struct EnumValue {
    pub wire: Literal,
    /// UpperCamelCase Rust variant.
    pub variant: String,
    pub doc: String,
}

#[derive(Debug, Clone)]
pub struct ScalarType {
    /// Rust type name: `OrderNo`.
    pub name: String,
    pub doc: String,
    pub base: ScalarBase,
    pub constraints: Vec<Constraint>,
    /// Values the spec says must be accepted and rejected; become generated tests.
    pub valid_samples: Vec<Literal>,
    pub invalid_samples: Vec<Literal>,
    /// Card data or secrets: the newtype's `Debug` prints `***`.
    pub sensitive: bool,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Direction {
    /// Sent by the client: constrained fields use newtypes, enums reject unknown values.
    Request,
    /// Received from the gateway: decoded leniently, constraints not enforced.
    Response,
}

#[derive(Debug, Clone)]
pub struct ObjectType {
    /// Spec name: `Customer`, or `oneclick_init request` for a message.
    pub spec_name: String,
    /// Rust type name: `Customer`, `OneclickInitRequest`.
    pub name: String,
    pub doc: String,
    pub direction: Direction,
    pub fields: Vec<Field>,
    pub rules: Vec<Rule>,
    /// Signature order of this object; `None` when it has no order of its own.
    pub signature: Option<Vec<SignItem>>,
    /// Whether the message is signed (by an order, or whole under a flat scheme).
    pub signed: bool,
    /// The recipes that sign or verify it, indexes into `Gateway::recipes`.
    pub recipes: Vec<usize>,
    /// Alternatives among the fields, each a Rust enum; their fields are not struct fields.
    pub variants: Vec<Variants>,
    /// Index into `Gateway::objects` when the message is a JSON array of those objects.
    pub items: Option<usize>,
    /// Fields the spec does not name are kept in `other` rather than ignored.
    pub open: bool,
    pub presets: Vec<Preset>,
    /// SCREAMING_SNAKE name of the `schema::Object` static.
    pub schema_const: String,
    /// 1-based line of the spec where the type or message is declared.
    pub line: usize,
}

/// Fields of an object of which exactly one group is present, as one Rust enum.
#[derive(Debug, Clone)]
pub struct Variants {
    /// UpperCamelCase name of the enum.
    pub name: String,
    /// snake_case name of the struct field holding it.
    pub rust_field: String,
    pub doc: String,
    pub cases: Vec<Case>,
}

#[derive(Debug, Clone)]
pub struct Case {
    /// UpperCamelCase variant name.
    pub variant: String,
    pub doc: String,
    /// Wire names of the case's required fields; the first identifies the case.
    pub required: Vec<String>,
    pub optional: Vec<String>,
}

impl Variants {
    /// Whether `wire` belongs to one of the cases (and so not to the struct).
    pub fn contains(&self, wire: &str) -> bool {
        self.cases
            .iter()
            .any(|c| c.required.iter().chain(&c.optional).any(|f| f == wire))
    }
}

#[derive(Debug, Clone)]
pub struct Field {
    pub wire: String,
    /// snake_case Rust field name.
    pub rust_name: String,
    pub doc: String,
    pub ty: TypeRef,
    pub required: bool,
    pub location: Location,
    pub auto: Option<Auto>,
    pub sensitive: bool,
    pub default: Option<Literal>,
    /// Every constraint on the value, whether inline or from its scalar type.
    pub constraints: Vec<Constraint>,
    /// The other place an answer may carry this field (`also_at`), from the same object; empty
    /// when there is none.
    pub also_at: Vec<PathStep>,
}

/// One field on the way to an `also_at` place.
#[derive(Debug, Clone)]
pub struct PathStep {
    /// Wire name of the field.
    pub wire: String,
    pub rust_name: String,
    /// Required fields are plain values in the Rust struct, the others `Option`s.
    pub required: bool,
}

#[derive(Debug, Clone, PartialEq)]
pub enum TypeRef {
    String,
    Integer,
    Boolean,
    /// Any JSON value.
    Json,
    /// `MM.YYYY`, as `rt::MonthYear`.
    MonthYear,
    /// An integer of any width as a string of digits, as `rt::Digits`.
    Digits,
    /// Items of a string or integer type joined with `,` into one string, as `rt::CommaList`.
    CommaList(Box<TypeRef>),
    /// Index into `Gateway::scalars`.
    Scalar(usize),
    /// Index into `Gateway::enums`.
    Enum(usize),
    /// Index into `Gateway::objects`.
    Object(usize),
    List(Box<TypeRef>),
    /// JSON object with arbitrary string keys, values of this type, message order kept.
    Map(Box<TypeRef>),
}

#[derive(Debug, Clone)]
pub struct SignItem {
    pub wire: String,
    pub shape: SignShape,
}

#[derive(Debug, Clone)]
pub enum SignShape {
    Value,
    /// An object flattened in the signature order of `Gateway::objects[index]`.
    Object(usize),
    Each(Box<SignShape>),
    MapValues,
}

#[derive(Debug, Clone)]
pub struct Operation {
    /// Spec id, snake_case: `oneclick_init`; also the client method name.
    pub id: String,
    pub doc: String,
    pub source: OperationSource,
    pub method: Method,
    pub path: String,
    /// Index into `Gateway::objects`.
    pub request: usize,
    /// Index into `Gateway::objects`; `None` for a redirect, which the gateway answers in the
    /// customer's browser.
    pub response: Option<usize>,
    pub encoding: Encoding,
    /// How the answer is read; UTF-8 JSON for a redirect, which has none.
    pub answer: Answer,
    pub retryable_result_codes: Vec<Literal>,
    pub repeat: Repeat,
    /// Dotted request-field paths reported when the outcome is unknown.
    pub reconcile: Vec<String>,
    /// Index into `Gateway::callbacks`: the answer only acknowledges, this callback brings the
    /// result.
    pub result_by: Option<usize>,
    /// The operation's own result declaration; without one the gateway's applies.
    pub result: Option<ResultSpec>,
    /// Wire names of the top-level fields an answer must repeat as the request sent them.
    pub answer_matches: Vec<String>,
    pub headers: Vec<Header>,
    pub examples: Vec<Example>,
    /// SCREAMING_SNAKE name of the `schema::Operation` static.
    pub schema_const: String,
    /// 1-based line of the spec where the operation is declared.
    pub line: usize,
}

/// A message the gateway sends to the merchant: verified before it is trusted when the spec
/// gives a signature or a token, only decoded (and named so) when it gives neither.
#[derive(Debug, Clone)]
pub struct TokenField {
    /// Wire name of the field in the message.
    pub wire: String,
    /// The `verify_<id>` parameter holding the expected value: `expected_<rust field>`.
    pub parameter: String,
}

#[derive(Debug, Clone)]
pub struct Callback {
    /// Spec id, snake_case: `callback`; the client method is `verify_<id>`, or `decode_<id>`
    /// when nothing proves the message came from the gateway.
    pub id: String,
    pub doc: String,
    pub source: OperationSource,
    /// Index into `Gateway::objects`.
    pub message: usize,
    /// A field that must equal a token the merchant got earlier (`verify_<id>` takes it).
    pub token_field: Option<TokenField>,
    /// `Some(unsigned)` when the message carries only its signed fields, its signature and
    /// the `unsigned` ones.
    pub only_signed: Option<Vec<String>>,
    /// The result declaration the message follows, if any.
    pub result: Option<ResultRef>,
    /// A JSON or form body, or a query string.
    pub delivery: MessageEncoding,
    pub charset: Charset,
    pub examples: Vec<Example>,
    /// SCREAMING_SNAKE name of the `schema::Callback` static.
    pub schema_const: String,
    /// The body the merchant answers the message with, when the spec declares one.
    pub reply: Option<CallbackReply>,
}

/// A callback's `reply`: the documented body the merchant answers the message with.
#[derive(Debug, Clone)]
pub struct CallbackReply {
    pub doc: String,
    pub format: ReplyFormat,
    pub body: Vec<ReplyPart>,
}

impl CallbackReply {
    /// The body as the spec writes it, `{wire}` for each field.
    pub fn template(&self) -> String {
        self.body
            .iter()
            .map(|part| match part {
                ReplyPart::Text(text) => text.clone(),
                ReplyPart::Field(wire) => format!("{{{wire}}}"),
            })
            .collect()
    }
}

/// A piece of a reply body: fixed text or the value of a message field (its wire name).
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum ReplyPart {
    Text(String),
    Field(String),
}

/// How an operation's answer is read.
#[derive(Debug, Clone)]
pub struct Answer {
    pub encoding: AnswerEncoding,
    /// The exact body of a `literal` answer.
    pub literal: Option<String>,
    pub charset: Charset,
}

#[derive(Debug, Clone)]
pub struct OperationSource {
    /// Index into `Gateway::sources`.
    pub source: usize,
    pub section: String,
}

#[derive(Debug, Clone)]
pub struct Example {
    /// snake_case, unique within the operation.
    pub name: String,
    pub doc: String,
    pub direction: Direction,
    /// The message as the document shows it (the wire form, automatic fields included).
    pub json: serde_json::Value,
    /// Expected signed text of `json` under the message's signature order.
    pub text_to_sign: Option<String>,
}

#[derive(Debug, Clone)]
pub struct Polling {
    /// Index into `Gateway::operations`.
    pub operation: usize,
    /// Client method name: `poll_payment_status`.
    pub method: String,
    pub doc: String,
    pub status_field: String,
    pub pending: Vec<i64>,
    pub first_delay_ms: u64,
    pub interval_ms: u64,
    pub deadline_ms: u64,
    /// SCREAMING_SNAKE name of the `schema::Polling` static.
    pub schema_const: String,
}

//! The spec model: the YAML file read into types, one-to-one with its keys, every value with the
//! position it came from. Reading reports shape problems (a missing or unknown key, a value of
//! the wrong kind, a word outside its vocabulary); meaning is checked later by [`crate::check`].
//!
//! The language's words (methods, schemes, formats, `auto` values...) are parsed here, once,
//! into `oneclick_schema`'s types, and field types into [`TypeExpr`]; the checker and the
//! lowering only ever see parsed values. An optional word left out takes its set's `Default`,
//! which is the default the language reference documents.

use std::str::FromStr;

use crate::case::{ToSnakeCase, ToUpperCamelCase};
use oneclick_schema::{
    AnswerEncoding, Auto, Charset, CredentialKind, Delivery, Encoding, ErrorShape, Format,
    HeaderValue, LengthUnit, Location, Meaning, MessageEncoding, Method, Repeat, ScalarBase,
    TimeZone, UnknownName,
};

use crate::diagnostics::Sink;
use crate::version::Version;
use crate::yaml::{Node, Pos, Value};

mod recipe;

pub use recipe::{FlatSpec, PieceSpec, PlacementSpec, RecipeSpec, SignatureSpec, ValuesFormat};

/// A value and where it was written.
#[derive(Debug, Clone, PartialEq)]
pub struct Spanned<T> {
    pub pos: Pos,
    pub value: T,
}

pub type Text = Spanned<String>;

#[derive(Debug, Clone, PartialEq)]
pub enum Scalar {
    Str(String),
    Int(i64),
    Bool(bool),
}

#[derive(Debug, Clone)]
pub struct Spec {
    pub version: Spanned<i64>,
    /// The generated crate's version (`version: 0.3.1`); `None` when the spec names none.
    pub crate_version: Option<Spanned<Version>>,
    pub gateway: Text,
    pub title: Text,
    pub doc: Text,
    pub sources: Vec<SourceDoc>,
    pub environments: Vec<EnvironmentSpec>,
    pub time_zone: Option<Spanned<TimeZone>>,
    pub credentials: Vec<CredentialSpec>,
    pub signature: Option<SignatureSpec>,
    pub result: Option<ResultSpec>,
    pub errors: Vec<ErrorBodySpec>,
    pub headers: Vec<HeaderSpec>,
    /// How answers are read when an operation does not say (`answers:`).
    pub answers: Option<AnswerSpec>,
    pub retry_http_status: Vec<Spanned<i64>>,
    /// Statuses of `retry_http_status` the gateway gives before acting on a request.
    pub unprocessed_http_status: Vec<Spanned<i64>>,
    pub polling: Vec<PollingSpec>,
    pub types: Vec<TypeDef>,
    pub operations: Vec<OperationSpec>,
    pub callbacks: Vec<CallbackSpec>,
}

#[derive(Debug, Clone)]
pub struct SourceDoc {
    pub id: Text,
    pub file: Text,
    pub title: Text,
}

#[derive(Debug, Clone)]
pub struct EnvironmentSpec {
    pub name: Text,
    pub url: Text,
    /// The `{name}` placeholders of `url` a client fills per merchant, with their docs.
    pub variables: Vec<(Text, Text)>,
    pub doc: Text,
}

#[derive(Debug, Clone)]
pub struct CredentialSpec {
    pub name: Text,
    pub doc: Text,
    pub sensitive: bool,
    /// `optional: true`: the merchant may leave it out (a salt only some merchants have); at
    /// the key's position, for diagnostics.
    pub optional: Option<Pos>,
    pub kind: Option<Spanned<CredentialKind>>,
    pub ty: Option<Spanned<ScalarBase>>,
}

/// `result`: where a message carries its result code and what each code means; at the top
/// level for every answer, on an operation or a callback for its own.
#[derive(Debug, Clone)]
pub struct ResultSpec {
    pub pos: Pos,
    pub code_field: Text,
    pub message_field: Option<Text>,
    pub codes: Vec<ResultCodeSpec>,
    pub secondary: Option<SecondaryCodeSpec>,
}

/// `result.secondary`: a second code field refining the first.
#[derive(Debug, Clone)]
pub struct SecondaryCodeSpec {
    pub field: Text,
    pub codes: Vec<ResultCodeSpec>,
}

/// One of `errors`: an error body of a declared shape and the statuses it comes with.
#[derive(Debug, Clone)]
pub struct ErrorBodySpec {
    pub pos: Pos,
    pub shape: Spanned<ErrorShape>,
    pub field: Option<Text>,
    pub code: Text,
    pub message: Text,
    pub detail: Option<Text>,
    pub http_status: Vec<Spanned<i64>>,
}

/// How an answer is read: the gateway's `answers`, an operation's `answer`.
#[derive(Debug, Clone)]
pub struct AnswerSpec {
    pub pos: Pos,
    pub encoding: Option<Spanned<AnswerEncoding>>,
    /// The exact body of a `literal` answer.
    pub literal: Option<Text>,
    pub charset: Option<Spanned<Charset>>,
}

/// A header the client sets.
#[derive(Debug, Clone)]
pub struct HeaderSpec {
    pub name: Text,
    pub value: Spanned<HeaderValue<String>>,
    pub sensitive: bool,
    pub doc: Text,
}

/// A named constructor of an object type: fixed values for some fields, arguments for others.
#[derive(Debug, Clone)]
pub struct PresetSpec {
    pub name: Text,
    pub doc: Text,
    pub set: Vec<(Text, Spanned<Scalar>)>,
    pub args: Vec<Text>,
}

#[derive(Debug, Clone)]
pub struct ResultCodeSpec {
    pub code: Spanned<Scalar>,
    pub name: Text,
    pub meaning: Meaning,
    pub doc: Text,
}

#[derive(Debug, Clone)]
pub struct PollingSpec {
    pub pos: Pos,
    pub operation: Text,
    pub status_field: Text,
    pub pending: Vec<Spanned<i64>>,
    pub first_delay_ms: Spanned<i64>,
    pub interval_ms: Spanned<i64>,
    pub deadline_ms: Spanned<i64>,
    pub doc: Text,
}

#[derive(Debug, Clone)]
pub struct TypeDef {
    pub name: Text,
    pub doc: Text,
    pub body: TypeBody,
}

#[derive(Debug, Clone)]
pub enum TypeBody {
    Object(ObjectSpec),
    Enum(Vec<EnumValueSpec>),
    Scalar(ScalarSpec),
}

#[derive(Debug, Clone)]
pub struct ObjectSpec {
    pub pos: Pos,
    pub doc: Option<Text>,
    pub fields: Vec<FieldSpec>,
    pub rules: Vec<RuleSpec>,
    pub signature: Option<Vec<Text>>,
    /// Position of the `signature` key, for "missing order" messages.
    pub signature_pos: Option<Pos>,
    /// `signature: all`: the message is signed by recipes that need no order of its fields.
    pub signs_all: bool,
    /// `recipes: [..]` on a request, response or callback message: its own recipes instead
    /// of the gateway's defaults.
    pub recipes: Option<Vec<Text>>,
    /// `items: Type`: the message is a JSON array of `Type` objects instead of an object.
    pub items: Option<Text>,
    /// `open: true`: fields the spec does not name are kept, not ignored (an answer whose
    /// content the documents do not describe).
    pub open: bool,
    pub presets: Vec<PresetSpec>,
    pub variants: Vec<VariantsSpec>,
}

#[derive(Debug, Clone)]
pub struct VariantsSpec {
    pub pos: Pos,
    pub name: Text,
    pub rust_field: Option<Text>,
    pub doc: Text,
    pub cases: Vec<CaseSpec>,
}

#[derive(Debug, Clone)]
pub struct CaseSpec {
    pub name: Text,
    pub doc: Text,
    pub required: Vec<Text>,
    pub optional: Vec<Text>,
}

#[derive(Debug, Clone)]
pub struct EnumValueSpec {
    pub value: Spanned<Scalar>,
    pub name: Option<Text>,
    pub doc: Option<Text>,
}

#[derive(Debug, Clone, Default)]
pub struct Constraints {
    pub min: Option<Spanned<i64>>,
    pub max: Option<Spanned<i64>>,
    pub min_length: Option<Spanned<i64>>,
    pub max_length: Option<Spanned<i64>>,
    pub length_unit: Option<Spanned<LengthUnit>>,
    pub pattern: Option<Text>,
    pub format: Option<Spanned<Format>>,
    /// Bounds on the items of a list or the entries of a map.
    pub min_items: Option<Spanned<i64>>,
    pub max_items: Option<Spanned<i64>>,
    /// A bound on the length of a map's keys, in `length_unit`.
    pub max_key_length: Option<Spanned<i64>>,
}

impl Constraints {
    pub fn is_empty(&self) -> bool {
        self.min.is_none()
            && self.max.is_none()
            && self.min_length.is_none()
            && self.max_length.is_none()
            && self.pattern.is_none()
            && self.format.is_none()
            && !self.counts_a_container()
    }

    /// Whether a bound applies to a list or map as a whole rather than to its values.
    pub fn counts_a_container(&self) -> bool {
        self.min_items.is_some() || self.max_items.is_some() || self.max_key_length.is_some()
    }
}

#[derive(Debug, Clone, Default)]
pub struct Samples {
    pub valid: Vec<Spanned<Scalar>>,
    pub invalid: Vec<Spanned<Scalar>>,
}

#[derive(Debug, Clone)]
pub struct ScalarSpec {
    pub base: Spanned<ScalarBase>,
    pub constraints: Constraints,
    pub sensitive: bool,
    pub samples: Option<Samples>,
}

#[derive(Debug, Clone)]
pub struct FieldSpec {
    pub wire: Text,
    /// `None` when the text is not a type; the reader has reported it.
    pub ty: Spanned<Option<TypeExpr>>,
    pub required: bool,
    pub doc: Text,
    pub default: Option<Spanned<Scalar>>,
    /// `const: value`: the value always sent, which the caller never gives.
    pub constant: Option<Spanned<Scalar>>,
    pub sensitive: bool,
    pub location: Option<Spanned<Location>>,
    pub auto: Option<Spanned<Auto<String>>>,
    pub rust_name: Option<Text>,
    pub rust_type: Option<Text>,
    pub enum_values: Option<Vec<EnumValueSpec>>,
    pub constraints: Constraints,
    pub samples: Option<Samples>,
    /// `also_at: orderStatus.operations`: the other place, a dotted path of wire names from
    /// the same object, where some gateways send this field.
    pub also_at: Option<Text>,
}

#[derive(Debug, Clone)]
pub struct RuleSpec {
    pub pos: Pos,
    pub kind: RuleKindSpec,
    pub doc: Option<Text>,
}

#[derive(Debug, Clone)]
pub enum RuleKindSpec {
    Together(Vec<Text>),
    OneOf(Vec<Text>),
    Exclusive(Vec<Text>),
    NotGreater(Vec<Text>),
    RequiredIf {
        fields: Vec<Text>,
        when: Text,
        equals: Option<Spanned<Scalar>>,
        /// Required when `when` has a value other than this one.
        not_equals: Option<Spanned<Scalar>>,
    },
    /// `sum: {of: cart[].amount, equals: totalAmount}`: paths whose values add up.
    Sum {
        of: Text,
        equals: Text,
    },
    /// `when: {field, equals}` and `then: {field, <constraints>, values}`.
    When {
        when: Text,
        equals: Spanned<Scalar>,
        field: Text,
        /// Boxed: most rules carry no constraints, and the enum stays small.
        constraints: Box<Constraints>,
        values: Vec<Spanned<Scalar>>,
        /// Where `then` is written, for a `then` that demands nothing.
        then_pos: Pos,
    },
}

#[derive(Debug, Clone)]
pub struct OperationSpec {
    pub id: Text,
    pub doc: Text,
    pub source_document: Text,
    pub source_section: Text,
    pub method: Spanned<Method>,
    pub path: Text,
    pub request: ObjectSpec,
    /// Absent for a redirect: the gateway answers the customer's browser, not the client.
    pub response: Option<ObjectSpec>,
    pub retryable_result_codes: Vec<Spanned<Scalar>>,
    /// `read`, `idempotent` or `unsafe`; required on a call, refused on a redirect. The outer
    /// `Option` says whether the key is written, the inner one holds its value when it is a
    /// word of the set (a bad word has been reported where it was read).
    pub repeat: Option<Option<Spanned<Repeat>>>,
    /// Dotted request-field paths that identify the call for reconciliation.
    pub reconcile: Vec<Text>,
    /// The callback that brings the result when the answer only acknowledges the request.
    pub result_by: Option<Text>,
    /// The operation's own result declaration, instead of the gateway's.
    pub result: Option<ResultSpec>,
    /// Fields of both request and response whose values an answer must repeat.
    pub answer_matches: Vec<Text>,
    pub headers: Vec<HeaderSpec>,
    pub encoding: Option<Spanned<Encoding>>,
    pub answer: Option<AnswerSpec>,
    pub delivery: Option<Spanned<Delivery>>,
    pub examples: Vec<ExampleSpec>,
}

#[derive(Debug, Clone)]
pub struct CallbackSpec {
    pub id: Text,
    pub doc: Text,
    /// A field that must equal a token the merchant got earlier.
    pub token_field: Option<Text>,
    pub source_document: Text,
    pub source_section: Text,
    pub message: ObjectSpec,
    /// The message's own result declaration, instead of the gateway's.
    pub result: Option<ResultSpec>,
    /// `json`, `form` or `query`: how the message arrives.
    pub delivery: Option<Spanned<MessageEncoding>>,
    pub charset: Option<Spanned<Charset>>,
    pub examples: Vec<ExampleSpec>,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum ExampleKind {
    Request,
    Response,
}

#[derive(Debug, Clone)]
pub struct ExampleSpec {
    pub name: Text,
    pub doc: Text,
    pub kind: ExampleKind,
    pub json: Text,
    pub text_to_sign: Option<Text>,
}

/// Reads a parsed YAML tree into a [`Spec`]; `None` when its shape is too broken to go on.
pub(crate) fn read(root: &Node, sink: &mut Sink) -> Option<Spec> {
    let mut r = Reader { sink };
    let mut top = r.map(root, "the spec")?;
    let version = top.required("spec").and_then(|n| top.r.int(n));
    let crate_version = top.optional("version").and_then(|n| top.r.crate_version(n));
    let gateway = top.required("gateway").and_then(|n| top.r.text(n));
    let title = top.required("title").and_then(|n| top.r.text(n));
    let doc = top.required("doc").and_then(|n| top.r.text(n));
    let sources = top
        .required("sources")
        .map(|n| top.r.entries(n, "sources", Reader::source))
        .unwrap_or_default();
    let environments = top
        .optional("environments")
        .map(|n| top.r.entries(n, "environments", Reader::environment))
        .unwrap_or_default();
    let time_zone = top
        .optional("time_zone")
        .and_then(|n| top.r.word(n, |unknown| must_be("`time_zone`", unknown)));
    let credentials = top
        .optional("credentials")
        .map(|n| top.r.entries(n, "credentials", Reader::credential))
        .unwrap_or_default();
    let signature = top.optional("signature").and_then(|n| top.r.signature(n));
    let result = top.optional("result").and_then(|n| top.r.result(n));
    let errors = top
        .optional("errors")
        .map(|n| top.r.list(n, Reader::error_body))
        .unwrap_or_default();
    let headers = top
        .optional("headers")
        .map(|n| top.r.entries(n, "`headers`", Reader::header))
        .unwrap_or_default();
    let answers = top
        .optional("answers")
        .and_then(|n| top.r.answer(n, "`answers`"));
    let (retry_http_status, unprocessed_http_status) = match top.optional("retry") {
        Some(node) => top.r.retry(node),
        None => (Vec::new(), Vec::new()),
    };
    let polling = top
        .optional("polling")
        .map(|n| top.r.list(n, Reader::polling))
        .unwrap_or_default();
    let types = top
        .optional("types")
        .map(|n| top.r.entries(n, "types", Reader::type_def))
        .unwrap_or_default();
    let operations = top
        .required("operations")
        .map(|n| top.r.entries(n, "operations", Reader::operation))
        .unwrap_or_default();
    let callbacks = top
        .optional("callbacks")
        .map(|n| top.r.entries(n, "callbacks", Reader::callback))
        .unwrap_or_default();
    top.finish();
    Some(Spec {
        version: version?,
        crate_version,
        gateway: gateway?,
        title: title?,
        doc: doc?,
        sources,
        environments,
        time_zone,
        credentials,
        signature,
        result,
        errors,
        headers,
        answers,
        retry_http_status,
        unprocessed_http_status,
        polling,
        types,
        operations,
        callbacks,
    })
}

struct Reader<'s> {
    sink: &'s mut Sink,
}

/// The keys of one mapping, handed out one by one; what is left at the end is unknown.
struct Keys<'n, 'r, 's> {
    r: &'r mut Reader<'s>,
    pos: Pos,
    what: &'static str,
    entries: Vec<(&'n str, &'n Node, &'n Node)>,
}

impl<'n> Keys<'n, '_, '_> {
    fn take(&mut self, key: &str) -> Option<&'n Node> {
        let index = self.entries.iter().position(|(k, _, _)| *k == key)?;
        Some(self.entries.remove(index).2)
    }

    fn required(&mut self, key: &str) -> Option<&'n Node> {
        let found = self.take(key);
        if found.is_none() {
            let message = format!("{} is missing the required key `{key}`", self.what);
            self.r.sink.error(self.pos, message);
        }
        found
    }

    fn optional(&mut self, key: &str) -> Option<&'n Node> {
        self.take(key)
    }

    fn flag(&mut self, key: &str) -> bool {
        match self.take(key) {
            Some(node) => self.r.boolean(node).unwrap_or(false),
            None => false,
        }
    }

    fn finish(self) {
        for (key, key_node, _) in self.entries {
            let message = format!("unknown key `{key}` in {}", self.what);
            self.r.sink.error(key_node.pos, message);
        }
    }
}

impl<'s> Reader<'s> {
    fn map<'n, 'r>(&'r mut self, node: &'n Node, what: &'static str) -> Option<Keys<'n, 'r, 's>> {
        let Value::Map(entries) = &node.value else {
            let message = format!("{what} must be a mapping, found {}", node.kind());
            self.sink.error(node.pos, message);
            return None;
        };
        let mut seen: Vec<(&str, Pos)> = Vec::new();
        let mut keys = Vec::new();
        for (key, value) in entries {
            let name = key_text(key);
            if let Some((_, first)) = seen.iter().find(|(k, _)| *k == name) {
                let message = format!(
                    "duplicate key `{name}` in {what} (first at line {}, column {})",
                    first.line, first.col
                );
                self.sink.error(key.pos, message);
                continue;
            }
            seen.push((name, key.pos));
            keys.push((name, key, value));
        }
        Some(Keys {
            r: self,
            pos: node.pos,
            what,
            entries: keys,
        })
    }

    /// A mapping whose keys are names (types, operations, ...), read in order.
    fn entries<T>(
        &mut self,
        node: &Node,
        what: &'static str,
        mut read: impl FnMut(&mut Self, Text, &Node) -> Option<T>,
    ) -> Vec<T> {
        let Some(keys) = self.map(node, what) else {
            return Vec::new();
        };
        let entries = keys.entries;
        let mut out = Vec::new();
        for (name, key, value) in entries {
            let name = Spanned {
                pos: key.pos,
                value: name.to_string(),
            };
            if let Some(item) = read(self, name, value) {
                out.push(item);
            }
        }
        out
    }

    fn list<T>(
        &mut self,
        node: &Node,
        mut read: impl FnMut(&mut Self, &Node) -> Option<T>,
    ) -> Vec<T> {
        match &node.value {
            Value::Seq(items) => items.iter().filter_map(|item| read(self, item)).collect(),
            _ => {
                let message = format!("expected a sequence, found {}", node.kind());
                self.sink.error(node.pos, message);
                Vec::new()
            }
        }
    }

    fn text(&mut self, node: &Node) -> Option<Text> {
        match &node.value {
            Value::Str { text, .. } => Some(Spanned {
                pos: node.pos,
                value: text.clone(),
            }),
            _ => {
                let message = format!("expected a string, found {}", node.kind());
                self.sink.error(node.pos, message);
                None
            }
        }
    }

    fn crate_version(&mut self, node: &Node) -> Option<Spanned<Version>> {
        let text = self.text(node)?;
        match text.value.parse() {
            Ok(value) => Some(Spanned {
                pos: text.pos,
                value,
            }),
            Err(message) => {
                self.sink.error(text.pos, format!("`version`: {message}"));
                None
            }
        }
    }

    fn texts(&mut self, node: &Node) -> Vec<Text> {
        self.list(node, Self::text)
    }

    fn int(&mut self, node: &Node) -> Option<Spanned<i64>> {
        match node.value {
            Value::Int(value) => Some(Spanned {
                pos: node.pos,
                value,
            }),
            _ => {
                let message = format!("expected an integer, found {}", node.kind());
                self.sink.error(node.pos, message);
                None
            }
        }
    }

    fn ints(&mut self, node: &Node) -> Vec<Spanned<i64>> {
        self.list(node, Self::int)
    }

    fn boolean(&mut self, node: &Node) -> Option<bool> {
        match node.value {
            Value::Bool(value) => Some(value),
            _ => {
                let message = format!("expected true or false, found {}", node.kind());
                self.sink.error(node.pos, message);
                None
            }
        }
    }

    fn scalar(&mut self, node: &Node) -> Option<Spanned<Scalar>> {
        let value = match &node.value {
            Value::Str { text, .. } => Scalar::Str(text.clone()),
            Value::Int(int) => Scalar::Int(*int),
            Value::Bool(b) => Scalar::Bool(*b),
            _ => {
                let message = format!(
                    "expected a string, integer or boolean, found {}",
                    node.kind()
                );
                self.sink.error(node.pos, message);
                return None;
            }
        };
        Some(Spanned {
            pos: node.pos,
            value,
        })
    }

    /// A word of one of the language's vocabularies (a method, a format, `credential.<name>`);
    /// a word it does not know is reported with `describe`, which lists what is allowed.
    fn word<T: FromStr<Err = UnknownName>>(
        &mut self,
        node: &Node,
        describe: impl FnOnce(&UnknownName) -> String,
    ) -> Option<Spanned<T>> {
        let text = self.text(node)?;
        match text.value.parse() {
            Ok(value) => Some(Spanned {
                pos: text.pos,
                value,
            }),
            Err(unknown) => {
                self.sink.error(text.pos, describe(&unknown));
                None
            }
        }
    }

    fn type_expr(&mut self, node: &Node) -> Option<Spanned<Option<TypeExpr>>> {
        let text = self.text(node)?;
        let parsed = TypeExpr::parse(&text.value);
        if parsed.is_none() {
            let message = format!(
                "`{}` is not a type: use string, integer, boolean, a type name, list<T> or map<T>",
                text.value
            );
            self.sink.error(text.pos, message);
        }
        Some(Spanned {
            pos: text.pos,
            value: parsed,
        })
    }

    fn source(&mut self, id: Text, node: &Node) -> Option<SourceDoc> {
        let mut keys = self.map(node, "a source")?;
        let file = keys.required("file").and_then(|n| keys.r.text(n));
        let title = keys.required("title").and_then(|n| keys.r.text(n));
        keys.finish();
        Some(SourceDoc {
            id,
            file: file?,
            title: title?,
        })
    }

    fn environment(&mut self, name: Text, node: &Node) -> Option<EnvironmentSpec> {
        let mut keys = self.map(node, "an environment")?;
        let url = keys.required("url").and_then(|n| keys.r.text(n));
        let variables = keys
            .optional("variables")
            .map(|n| {
                keys.r.entries(n, "`variables`", |r, variable, value| {
                    let mut keys = r.map(value, "a URL variable")?;
                    let doc = keys.required("doc").and_then(|n| keys.r.text(n));
                    keys.finish();
                    Some((variable, doc?))
                })
            })
            .unwrap_or_default();
        let doc = keys.required("doc").and_then(|n| keys.r.text(n));
        keys.finish();
        Some(EnvironmentSpec {
            name,
            url: url?,
            variables,
            doc: doc?,
        })
    }

    fn credential(&mut self, name: Text, node: &Node) -> Option<CredentialSpec> {
        let mut keys = self.map(node, "a credential")?;
        let doc = keys.required("doc").and_then(|n| keys.r.text(n));
        let sensitive = keys.flag("sensitive");
        let optional = keys
            .optional("optional")
            .and_then(|n| keys.r.boolean(n).filter(|b| *b).map(|_| n.pos));
        let kind = keys.optional("kind").and_then(|n| {
            keys.r
                .word(n, |unknown| must_be("a credential's `kind`", unknown))
        });
        let ty = keys.optional("type").and_then(|n| {
            keys.r
                .word(n, |unknown| must_be("a credential's type", unknown))
        });
        keys.finish();
        Some(CredentialSpec {
            name,
            doc: doc?,
            sensitive,
            optional,
            kind,
            ty,
        })
    }

    fn result(&mut self, node: &Node) -> Option<ResultSpec> {
        let mut keys = self.map(node, "`result`")?;
        let code_field = keys.required("code_field").and_then(|n| keys.r.text(n));
        let message_field = keys.optional("message_field").and_then(|n| keys.r.text(n));
        let codes = keys
            .required("codes")
            .map(|n| keys.r.list(n, Self::result_code))
            .unwrap_or_default();
        let secondary = keys
            .optional("secondary")
            .and_then(|n| keys.r.secondary_code(n));
        keys.finish();
        Some(ResultSpec {
            pos: node.pos,
            code_field: code_field?,
            message_field,
            codes,
            secondary,
        })
    }

    fn secondary_code(&mut self, node: &Node) -> Option<SecondaryCodeSpec> {
        let mut keys = self.map(node, "`result.secondary`")?;
        let field = keys.required("field").and_then(|n| keys.r.text(n));
        let codes = keys
            .required("codes")
            .map(|n| keys.r.list(n, Self::result_code))
            .unwrap_or_default();
        keys.finish();
        Some(SecondaryCodeSpec {
            field: field?,
            codes,
        })
    }

    fn error_body(&mut self, node: &Node) -> Option<ErrorBodySpec> {
        let mut keys = self.map(node, "an error body")?;
        let shape = keys
            .required("shape")
            .and_then(|n| keys.r.word(n, |unknown| must_be("`shape`", unknown)));
        let field = keys.optional("field").and_then(|n| keys.r.text(n));
        let code = keys.required("code").and_then(|n| keys.r.text(n));
        let message = keys.required("message").and_then(|n| keys.r.text(n));
        let detail = keys.optional("detail").and_then(|n| keys.r.text(n));
        let http_status = keys
            .optional("http_status")
            .map(|n| keys.r.ints(n))
            .unwrap_or_default();
        keys.finish();
        Some(ErrorBodySpec {
            pos: node.pos,
            shape: shape?,
            field,
            code: code?,
            message: message?,
            detail,
            http_status,
        })
    }

    fn header(&mut self, name: Text, node: &Node) -> Option<HeaderSpec> {
        let mut keys = self.map(node, "a header")?;
        let word = keys.optional("value");
        let basic = keys.optional("basic");
        let text = keys.optional("text");
        let value = match (word, basic, text) {
            (Some(n), None, None) => keys
                .r
                .word(n, |unknown| must_be("a header's value", unknown)),
            (None, Some(n), None) => match <[Text; 2]>::try_from(keys.r.texts(n)) {
                Ok([user, password]) => Some(Spanned {
                    pos: n.pos,
                    value: HeaderValue::Basic(user.value, password.value),
                }),
                Err(_) => {
                    let message = "`basic` names two credentials: the user and the password";
                    keys.r.sink.error(n.pos, message);
                    None
                }
            },
            (None, None, Some(n)) => keys.r.text(n).map(|text| Spanned {
                pos: text.pos,
                value: HeaderValue::Text(text.value),
            }),
            _ => {
                let message =
                    "a header takes its value from exactly one of `value`, `basic` or `text`";
                keys.r.sink.error(keys.pos, message);
                None
            }
        };
        let sensitive = keys.flag("sensitive");
        let doc = keys.required("doc").and_then(|n| keys.r.text(n));
        keys.finish();
        Some(HeaderSpec {
            name,
            value: value?,
            sensitive,
            doc: doc?,
        })
    }

    fn preset(&mut self, name: Text, node: &Node) -> Option<PresetSpec> {
        let mut keys = self.map(node, "a preset")?;
        let doc = keys.required("doc").and_then(|n| keys.r.text(n));
        let set = keys
            .optional("set")
            .map(|n| {
                keys.r.entries(n, "`set`", |r, field, value| {
                    r.scalar(value).map(|v| (field, v))
                })
            })
            .unwrap_or_default();
        let args = keys
            .optional("args")
            .map(|n| keys.r.texts(n))
            .unwrap_or_default();
        keys.finish();
        Some(PresetSpec {
            name,
            doc: doc?,
            set,
            args,
        })
    }

    fn result_code(&mut self, node: &Node) -> Option<ResultCodeSpec> {
        let mut keys = self.map(node, "a result code")?;
        let code = keys.required("code").and_then(|n| keys.r.scalar(n));
        let name = keys.required("name").and_then(|n| keys.r.text(n));
        let meaning = keys
            .optional("means")
            .and_then(|n| keys.r.word(n, |unknown| must_be("`means`", unknown)));
        let doc = keys.required("doc").and_then(|n| keys.r.text(n));
        keys.finish();
        Some(ResultCodeSpec {
            code: code?,
            name: name?,
            meaning: word_or_default(meaning.as_ref()),
            doc: doc?,
        })
    }

    /// `retry`: the statuses after which a call is repeated, and those of them that prove the
    /// gateway did not act.
    fn retry(&mut self, node: &Node) -> (Vec<Spanned<i64>>, Vec<Spanned<i64>>) {
        let Some(mut keys) = self.map(node, "`retry`") else {
            return (Vec::new(), Vec::new());
        };
        let statuses = keys
            .required("http_status")
            .map(|n| keys.r.ints(n))
            .unwrap_or_default();
        let unprocessed = keys
            .optional("unprocessed_http_status")
            .map(|n| keys.r.ints(n))
            .unwrap_or_default();
        keys.finish();
        (statuses, unprocessed)
    }

    fn polling(&mut self, node: &Node) -> Option<PollingSpec> {
        let mut keys = self.map(node, "a polling entry")?;
        let operation = keys.required("operation").and_then(|n| keys.r.text(n));
        let status_field = keys.required("status_field").and_then(|n| keys.r.text(n));
        let pending = keys
            .required("pending")
            .map(|n| keys.r.ints(n))
            .unwrap_or_default();
        let first_delay_ms = keys.required("first_delay_ms").and_then(|n| keys.r.int(n));
        let interval_ms = keys.required("interval_ms").and_then(|n| keys.r.int(n));
        let deadline_ms = keys.required("deadline_ms").and_then(|n| keys.r.int(n));
        let doc = keys.required("doc").and_then(|n| keys.r.text(n));
        keys.finish();
        Some(PollingSpec {
            pos: node.pos,
            operation: operation?,
            status_field: status_field?,
            pending,
            first_delay_ms: first_delay_ms?,
            interval_ms: interval_ms?,
            deadline_ms: deadline_ms?,
            doc: doc?,
        })
    }

    fn type_def(&mut self, name: Text, node: &Node) -> Option<TypeDef> {
        let mut keys = self.map(node, "a type")?;
        let doc = keys.required("doc").and_then(|n| keys.r.text(n));
        let fields = keys.take("fields");
        let values = keys.take("enum");
        let base = keys.take("type");
        let body = match (fields, values, base) {
            (Some(fields), None, None) => {
                let parts = MessageParts {
                    rules: keys.optional("rules"),
                    signature: keys.optional("signature"),
                    variants: keys.optional("variants"),
                };
                let presets = keys
                    .optional("presets")
                    .map(|n| keys.r.entries(n, "`presets`", Self::preset))
                    .unwrap_or_default();
                let open = keys.flag("open");
                TypeBody::Object(ObjectSpec {
                    presets,
                    open,
                    ..keys.r.object_body(node.pos, None, fields, parts)
                })
            }
            (None, Some(values), None) => TypeBody::Enum(keys.r.list(values, Self::enum_value)),
            (None, None, Some(base)) => {
                let base = keys
                    .r
                    .word(base, |unknown| must_be("a scalar type", unknown));
                let mut nodes = keys_constraints(&mut keys);
                let constraints = keys.r.constraints(&mut nodes);
                let sensitive = keys.flag("sensitive");
                let samples = keys.optional("samples").and_then(|n| keys.r.samples(n));
                TypeBody::Scalar(ScalarSpec {
                    base: base?,
                    constraints,
                    sensitive,
                    samples,
                })
            }
            _ => {
                let message = format!(
                    "type `{}` needs exactly one of `fields` (object), `enum` or `type` (scalar)",
                    name.value
                );
                keys.r.sink.error(name.pos, message);
                keys.finish();
                return None;
            }
        };
        keys.finish();
        Some(TypeDef {
            name,
            doc: doc?,
            body,
        })
    }

    fn object_body(
        &mut self,
        pos: Pos,
        doc: Option<Text>,
        fields: &Node,
        parts: MessageParts<'_>,
    ) -> ObjectSpec {
        let fields = self.entries(fields, "`fields`", Self::field);
        let rules = parts
            .rules
            .map(|n| self.list(n, Self::rule))
            .unwrap_or_default();
        let signature_pos = parts.signature.map(|n| n.pos);
        let signs_all = parts
            .signature
            .is_some_and(|n| matches!(&n.value, Value::Str { text, .. } if text == "all"));
        let signature = match parts.signature {
            Some(node) if !signs_all => Some(self.texts(node)),
            _ => None,
        };
        let variants = parts
            .variants
            .map(|n| self.list(n, Self::variants))
            .unwrap_or_default();
        ObjectSpec {
            pos,
            doc,
            fields,
            rules,
            signature,
            signature_pos,
            signs_all,
            recipes: None,
            items: None,
            open: false,
            presets: Vec::new(),
            variants,
        }
    }

    fn variants(&mut self, node: &Node) -> Option<VariantsSpec> {
        let mut keys = self.map(node, "a `variants` entry")?;
        let name = keys.required("name").and_then(|n| keys.r.text(n));
        let rust_field = keys.optional("rust_field").and_then(|n| keys.r.text(n));
        let doc = keys.required("doc").and_then(|n| keys.r.text(n));
        let cases = keys
            .required("cases")
            .map(|n| keys.r.entries(n, "`cases`", Self::case))
            .unwrap_or_default();
        keys.finish();
        Some(VariantsSpec {
            pos: node.pos,
            name: name?,
            rust_field,
            doc: doc?,
            cases,
        })
    }

    fn case(&mut self, name: Text, node: &Node) -> Option<CaseSpec> {
        let mut keys = self.map(node, "a case")?;
        let doc = keys.required("doc").and_then(|n| keys.r.text(n));
        let required = keys
            .required("required")
            .map(|n| keys.r.texts(n))
            .unwrap_or_default();
        let optional = keys
            .optional("optional")
            .map(|n| keys.r.texts(n))
            .unwrap_or_default();
        keys.finish();
        Some(CaseSpec {
            name,
            doc: doc?,
            required,
            optional,
        })
    }

    fn callback(&mut self, id: Text, node: &Node) -> Option<CallbackSpec> {
        let mut keys = self.map(node, "a callback")?;
        let doc = keys.required("doc").and_then(|n| keys.r.text(n));
        let token_field = keys.optional("token_field").and_then(|n| keys.r.text(n));
        let source = keys
            .required("source")
            .and_then(|n| keys.r.operation_source(n));
        let message = keys
            .required("message")
            .and_then(|n| keys.r.message(n, "a callback message"));
        let result = keys.optional("result").and_then(|n| keys.r.result(n));
        let delivery = keys.optional("delivery").and_then(|n| {
            keys.r
                .word(n, |unknown| must_be("a callback's `delivery`", unknown))
        });
        let charset = keys
            .optional("charset")
            .and_then(|n| keys.r.word(n, |unknown| must_be("`charset`", unknown)));
        let examples = keys
            .optional("examples")
            .map(|n| keys.r.list(n, Self::example))
            .unwrap_or_default();
        keys.finish();
        let (source_document, source_section) = source?;
        Some(CallbackSpec {
            id,
            doc: doc?,
            token_field,
            source_document,
            source_section,
            message: message?,
            result,
            delivery,
            charset,
            examples,
        })
    }

    /// `{encoding, literal, charset}`, each optional.
    fn answer(&mut self, node: &Node, what: &'static str) -> Option<AnswerSpec> {
        let mut keys = self.map(node, what)?;
        let encoding = keys
            .optional("encoding")
            .and_then(|n| keys.r.word(n, |unknown| must_be("`encoding`", unknown)));
        let literal = keys.optional("literal").and_then(|n| keys.r.text(n));
        let charset = keys
            .optional("charset")
            .and_then(|n| keys.r.word(n, |unknown| must_be("`charset`", unknown)));
        keys.finish();
        Some(AnswerSpec {
            pos: node.pos,
            encoding,
            literal,
            charset,
        })
    }

    fn message(&mut self, node: &Node, what: &'static str) -> Option<ObjectSpec> {
        let mut keys = self.map(node, what)?;
        let doc = keys.required("doc").and_then(|n| keys.r.text(n));
        let fields = keys.take("fields");
        let items = keys.take("items");
        let open = keys.flag("open");
        let parts = MessageParts {
            rules: keys.optional("rules"),
            signature: keys.optional("signature"),
            variants: keys.optional("variants"),
        };
        // A request is built by the merchant, so it may have named constructors too; an answer
        // is only ever decoded.
        let presets = if what == "a request" {
            keys.optional("presets")
                .map(|n| keys.r.entries(n, "`presets`", Self::preset))
                .unwrap_or_default()
        } else {
            Vec::new()
        };
        let recipes = keys.optional("recipes").map(|n| keys.r.texts(n));
        let body = match (fields, items) {
            (Some(fields), None) => Some(ObjectSpec {
                open,
                presets,
                recipes,
                ..keys.r.object_body(node.pos, doc, fields, parts)
            }),
            (None, Some(items)) => keys.r.text(items).map(|items| ObjectSpec {
                pos: node.pos,
                doc,
                fields: Vec::new(),
                rules: Vec::new(),
                signature: None,
                signature_pos: None,
                signs_all: false,
                recipes: None,
                items: Some(items),
                open: false,
                presets: Vec::new(),
                variants: Vec::new(),
            }),
            _ => {
                let message = format!("{what} needs exactly one of `fields` or `items`");
                keys.r.sink.error(node.pos, message);
                None
            }
        };
        keys.finish();
        body
    }

    fn enum_value(&mut self, node: &Node) -> Option<EnumValueSpec> {
        if let Value::Map(_) = node.value {
            let mut keys = self.map(node, "an enum value")?;
            let value = keys.required("value").and_then(|n| keys.r.scalar(n));
            let name = keys.optional("name").and_then(|n| keys.r.text(n));
            let doc = keys.optional("doc").and_then(|n| keys.r.text(n));
            keys.finish();
            Some(EnumValueSpec {
                value: value?,
                name,
                doc,
            })
        } else {
            Some(EnumValueSpec {
                value: self.scalar(node)?,
                name: None,
                doc: None,
            })
        }
    }

    fn constraints(&mut self, found: &mut ConstraintNodes<'_>) -> Constraints {
        Constraints {
            min: found.min.and_then(|n| self.int(n)),
            max: found.max.and_then(|n| self.int(n)),
            min_length: found.min_length.and_then(|n| self.int(n)),
            max_length: found.max_length.and_then(|n| self.int(n)),
            length_unit: found
                .length_unit
                .and_then(|n| self.word(n, |unknown| must_be("`length_unit`", unknown))),
            pattern: found.pattern.and_then(|n| self.text(n)),
            format: found.format.and_then(|n| {
                self.word(n, |unknown: &UnknownName| {
                    format!(
                        "the generator cannot enforce format `{}`; known formats: {}",
                        unknown.found,
                        unknown.allowed.join(", ")
                    )
                })
            }),
            min_items: found.min_items.and_then(|n| self.int(n)),
            max_items: found.max_items.and_then(|n| self.int(n)),
            max_key_length: found.max_key_length.and_then(|n| self.int(n)),
        }
    }

    fn samples(&mut self, node: &Node) -> Option<Samples> {
        let mut keys = self.map(node, "`samples`")?;
        let valid = keys
            .optional("valid")
            .map(|n| keys.r.list(n, Self::scalar))
            .unwrap_or_default();
        let invalid = keys
            .optional("invalid")
            .map(|n| keys.r.list(n, Self::scalar))
            .unwrap_or_default();
        keys.finish();
        Some(Samples { valid, invalid })
    }

    fn field(&mut self, wire: Text, node: &Node) -> Option<FieldSpec> {
        let mut keys = self.map(node, "a field")?;
        let ty = keys.required("type").and_then(|n| keys.r.type_expr(n));
        let required = keys.flag("required");
        let doc = keys.required("doc").and_then(|n| keys.r.text(n));
        let default = keys.optional("default").and_then(|n| keys.r.scalar(n));
        let constant = keys.optional("const").and_then(|n| keys.r.scalar(n));
        let sensitive = keys.flag("sensitive");
        let location = keys
            .optional("in")
            .and_then(|n| keys.r.word(n, |unknown| must_be("`in`", unknown)));
        let auto = keys
            .optional("auto")
            .and_then(|n| keys.r.word(n, |unknown| must_be("`auto`", unknown)));
        let rust_name = keys.optional("rust_name").and_then(|n| keys.r.text(n));
        let rust_type = keys.optional("rust_type").and_then(|n| keys.r.text(n));
        let enum_values = keys
            .optional("enum")
            .map(|n| keys.r.list(n, Self::enum_value));
        let mut nodes = keys_constraints(&mut keys);
        let constraints = keys.r.constraints(&mut nodes);
        let samples = keys.optional("samples").and_then(|n| keys.r.samples(n));
        let also_at = keys.optional("also_at").and_then(|n| keys.r.text(n));
        keys.finish();
        Some(FieldSpec {
            wire,
            ty: ty?,
            required,
            doc: doc?,
            default,
            constant,
            sensitive,
            location,
            auto,
            rust_name,
            rust_type,
            enum_values,
            constraints,
            samples,
            also_at,
        })
    }

    fn rule(&mut self, node: &Node) -> Option<RuleSpec> {
        let mut keys = self.map(node, "a rule")?;
        let doc = keys.optional("doc").and_then(|n| keys.r.text(n));
        let together = keys.take("together");
        let one_of = keys.take("one_of");
        let exclusive = keys.take("exclusive");
        let required_if = keys.take("required_if");
        let not_greater = keys.take("not_greater");
        let sum = keys.take("sum");
        let when = keys.take("when");
        let then = keys.take("then");
        let given = [
            together,
            one_of,
            exclusive,
            required_if,
            not_greater,
            sum,
            when,
        ];
        let kind = match given {
            _ if given.iter().flatten().count() != 1 => {
                keys.r.sink.error(
                    node.pos,
                    "a rule needs exactly one of `together`, `one_of`, `exclusive`, `required_if`, `not_greater`, `sum`, `when`",
                );
                None
            }
            [Some(n), ..] => Some(RuleKindSpec::Together(keys.r.texts(n))),
            [_, Some(n), ..] => Some(RuleKindSpec::OneOf(keys.r.texts(n))),
            [_, _, Some(n), ..] => Some(RuleKindSpec::Exclusive(keys.r.texts(n))),
            [_, _, _, Some(n), ..] => keys.r.required_if(n),
            [_, _, _, _, Some(n), ..] => Some(RuleKindSpec::NotGreater(keys.r.texts(n))),
            [_, _, _, _, _, Some(n), _] => keys.r.sum(n),
            [.., Some(n)] => match then {
                Some(then) => keys.r.when(n, then),
                None => {
                    keys.r.sink.error(
                        node.pos,
                        "a `when` rule needs `then`: what the condition demands",
                    );
                    None
                }
            },
            _ => None,
        };
        if let (Some(then), None) = (then, when) {
            keys.r
                .sink
                .error(then.pos, "`then` belongs to a `when` rule");
        }
        keys.finish();
        Some(RuleSpec {
            pos: node.pos,
            kind: kind?,
            doc,
        })
    }

    fn required_if(&mut self, node: &Node) -> Option<RuleKindSpec> {
        let mut keys = self.map(node, "`required_if`")?;
        let fields = keys.required("fields").map(|n| keys.r.texts(n));
        let when = keys.required("when").and_then(|n| keys.r.text(n));
        let equals = keys.optional("equals").and_then(|n| keys.r.scalar(n));
        let not_equals = keys.optional("not_equals").and_then(|n| keys.r.scalar(n));
        keys.finish();
        Some(RuleKindSpec::RequiredIf {
            fields: fields?,
            when: when?,
            equals,
            not_equals,
        })
    }

    fn sum(&mut self, node: &Node) -> Option<RuleKindSpec> {
        let mut keys = self.map(node, "`sum`")?;
        let of = keys.required("of").and_then(|n| keys.r.text(n));
        let equals = keys.required("equals").and_then(|n| keys.r.text(n));
        keys.finish();
        Some(RuleKindSpec::Sum {
            of: of?,
            equals: equals?,
        })
    }

    fn when(&mut self, when: &Node, then: &Node) -> Option<RuleKindSpec> {
        let mut keys = self.map(when, "`when`")?;
        let decisive = keys.required("field").and_then(|n| keys.r.text(n));
        let equals = keys.required("equals").and_then(|n| keys.r.scalar(n));
        keys.finish();
        let mut keys = self.map(then, "`then`")?;
        let field = keys.required("field").and_then(|n| keys.r.text(n));
        let values = keys
            .optional("values")
            .map(|n| keys.r.list(n, Self::scalar))
            .unwrap_or_default();
        let mut nodes = keys_constraints(&mut keys);
        let constraints = keys.r.constraints(&mut nodes);
        keys.finish();
        Some(RuleKindSpec::When {
            when: decisive?,
            equals: equals?,
            field: field?,
            constraints: Box::new(constraints),
            values,
            then_pos: then.pos,
        })
    }

    fn operation(&mut self, id: Text, node: &Node) -> Option<OperationSpec> {
        let mut keys = self.map(node, "an operation")?;
        let doc = keys.required("doc").and_then(|n| keys.r.text(n));
        let source = keys
            .required("source")
            .and_then(|n| keys.r.operation_source(n));
        let method = keys
            .required("method")
            .and_then(|n| keys.r.word(n, |unknown| must_be("`method`", unknown)));
        let path = keys.required("path").and_then(|n| keys.r.text(n));
        let request = keys
            .required("request")
            .and_then(|n| keys.r.message(n, "a request"));
        let response = keys
            .optional("response")
            .and_then(|n| keys.r.message(n, "a response"));
        let encoding = keys
            .optional("encoding")
            .and_then(|n| keys.r.word(n, |unknown| must_be("`encoding`", unknown)));
        let answer = keys
            .optional("answer")
            .and_then(|n| keys.r.answer(n, "`answer`"));
        let headers = keys
            .optional("headers")
            .map(|n| keys.r.entries(n, "`headers`", Self::header))
            .unwrap_or_default();
        let delivery = keys
            .optional("delivery")
            .and_then(|n| keys.r.word(n, |unknown| must_be("`delivery`", unknown)));
        let retryable_result_codes = keys
            .optional("retryable_result_codes")
            .map(|n| keys.r.list(n, Self::scalar))
            .unwrap_or_default();
        let repeat = keys
            .optional("repeat")
            .map(|n| keys.r.word(n, |unknown| must_be("`repeat`", unknown)));
        let reconcile = keys
            .optional("reconcile")
            .map(|n| keys.r.texts(n))
            .unwrap_or_default();
        let result_by = keys.optional("result_by").and_then(|n| keys.r.text(n));
        let result = keys.optional("result").and_then(|n| keys.r.result(n));
        let answer_matches = keys
            .optional("answer_matches")
            .map(|n| keys.r.texts(n))
            .unwrap_or_default();
        let examples = keys
            .optional("examples")
            .map(|n| keys.r.list(n, Self::example))
            .unwrap_or_default();
        keys.finish();
        let (source_document, source_section) = source?;
        Some(OperationSpec {
            answer_matches,
            id,
            doc: doc?,
            source_document,
            source_section,
            method: method?,
            path: path?,
            request: request?,
            response,
            retryable_result_codes,
            repeat,
            reconcile,
            result_by,
            result,
            headers,
            encoding,
            answer,
            delivery,
            examples,
        })
    }

    fn operation_source(&mut self, node: &Node) -> Option<(Text, Text)> {
        let mut keys = self.map(node, "`source`")?;
        let document = keys.required("document").and_then(|n| keys.r.text(n));
        let section = keys.required("section").and_then(|n| keys.r.text(n));
        keys.finish();
        Some((document?, section?))
    }

    fn example(&mut self, node: &Node) -> Option<ExampleSpec> {
        let mut keys = self.map(node, "an example")?;
        let name = keys.required("name").and_then(|n| keys.r.text(n));
        let doc = keys.required("doc").and_then(|n| keys.r.text(n));
        let request = keys.take("request");
        let response = keys.take("response");
        let text_to_sign = keys.optional("text_to_sign").and_then(|n| keys.r.text(n));
        let (kind, json) = match (request, response) {
            (Some(n), None) => (ExampleKind::Request, keys.r.text(n)),
            (None, Some(n)) => (ExampleKind::Response, keys.r.text(n)),
            _ => {
                keys.r.sink.error(
                    node.pos,
                    "an example needs exactly one of `request` or `response`",
                );
                (ExampleKind::Request, None)
            }
        };
        keys.finish();
        Some(ExampleSpec {
            name: name?,
            doc: doc?,
            kind,
            json: json?,
            text_to_sign,
        })
    }
}

/// The optional parts of an object besides its fields.
struct MessageParts<'n> {
    rules: Option<&'n Node>,
    signature: Option<&'n Node>,
    variants: Option<&'n Node>,
}

/// The constraint keys of a field or scalar type, taken out of its mapping before it is read.
struct ConstraintNodes<'n> {
    min: Option<&'n Node>,
    max: Option<&'n Node>,
    min_length: Option<&'n Node>,
    max_length: Option<&'n Node>,
    length_unit: Option<&'n Node>,
    pattern: Option<&'n Node>,
    format: Option<&'n Node>,
    min_items: Option<&'n Node>,
    max_items: Option<&'n Node>,
    max_key_length: Option<&'n Node>,
}

fn keys_constraints<'n>(keys: &mut Keys<'n, '_, '_>) -> ConstraintNodes<'n> {
    ConstraintNodes {
        min: keys.take("min"),
        max: keys.take("max"),
        min_length: keys.take("min_length"),
        max_length: keys.take("max_length"),
        length_unit: keys.take("length_unit"),
        pattern: keys.take("pattern"),
        format: keys.take("format"),
        min_items: keys.take("min_items"),
        max_items: keys.take("max_items"),
        max_key_length: keys.take("max_key_length"),
    }
}

fn key_text(key: &Node) -> &str {
    match &key.value {
        Value::Str { text, .. } => text,
        // Integer keys (e.g. result codes written as keys) are not part of the language; the
        // reader rejects them as unknown keys under their spelled-out form.
        _ => "<non-string key>",
    }
}

impl Spec {
    /// The zone of automatic `dttm` values; UTC when the spec names none.
    pub fn time_zone(&self) -> TimeZone {
        word_or_default(self.time_zone.as_ref())
    }

    /// The fields a dotted path of wire names (`orderStatus.operations`) goes through from
    /// `object`, or why it goes nowhere.
    pub fn fields_along<'s>(
        &'s self,
        object: &'s ObjectSpec,
        path: &str,
    ) -> Result<Vec<&'s FieldSpec>, String> {
        let mut fields: Vec<&'s FieldSpec> = Vec::new();
        let mut current = object;
        for step in path.split('.') {
            if let Some(through) = fields.last() {
                let inner = match through.ty.value.as_ref() {
                    Some(TypeExpr::Named(name)) => self.types.iter().find_map(|t| match &t.body {
                        TypeBody::Object(body) if t.name.value == *name => Some(body),
                        _ => None,
                    }),
                    _ => None,
                };
                current = inner.ok_or_else(|| {
                    format!(
                        "`{}` is not of an object type, so the path cannot go through it",
                        through.wire.value
                    )
                })?;
            }
            let field = current
                .fields
                .iter()
                .find(|f| f.wire.value == step)
                .ok_or_else(|| format!("`{step}` is not a field there"))?;
            fields.push(field);
        }
        Ok(fields)
    }
}

impl Constraints {
    /// What the length bounds count; characters when the spec does not say.
    pub fn length_unit(&self) -> LengthUnit {
        word_or_default(self.length_unit.as_ref())
    }
}

impl CredentialSpec {
    /// What the credential holds; a string when the spec does not say.
    pub fn base(&self) -> ScalarBase {
        word_or_default(self.ty.as_ref())
    }

    pub fn kind(&self) -> CredentialKind {
        word_or_default(self.kind.as_ref())
    }
}

impl FieldSpec {
    /// Where the field travels; the body when the spec does not say.
    pub fn location(&self) -> Location {
        word_or_default(self.location.as_ref())
    }

    /// The Rust field name: `rust_name`, or the wire name in snake_case, renamed where Rust
    /// would refuse it (see `spec/README.md`, "Rust names"). The checker and the lowering both
    /// use it, so a rename that collides with another field is reported, never emitted.
    pub fn rust_name(&self) -> String {
        match &self.rust_name {
            Some(name) => name.value.clone(),
            None => usable_field_name(self.wire.value.to_snake_case()),
        }
    }
}

/// `3ds` becomes `f_3ds` (an identifier cannot start with a digit) and `self`, `Self`, `super`,
/// `crate` become `self_`, ...: those four cannot be raw identifiers. Other keywords (`type`)
/// are written raw (`r#type`) by the emitter.
fn usable_field_name(name: String) -> String {
    if name.starts_with(|c: char| c.is_ascii_digit()) {
        format!("f_{name}")
    } else if matches!(name.as_str(), "self" | "Self" | "super" | "crate") {
        format!("{name}_")
    } else {
        name
    }
}

impl OperationSpec {
    /// How the request body travels; JSON when the spec does not say.
    pub fn encoding(&self) -> Encoding {
        word_or_default(self.encoding.as_ref())
    }

    /// Who sends the request; the client (a call) when the spec does not say.
    pub fn delivery(&self) -> Delivery {
        word_or_default(self.delivery.as_ref())
    }

    /// How the answer is read: the operation's `answer`, else the gateway's `answers`, key by
    /// key, else UTF-8 JSON.
    pub fn answer_encoding(&self, gateway: Option<&AnswerSpec>) -> AnswerEncoding {
        let own = self.answer.as_ref().and_then(|a| a.encoding.as_ref());
        word_or_default(own.or(gateway.and_then(|a| a.encoding.as_ref())))
    }

    /// The answer's charset, chosen like [`OperationSpec::answer_encoding`].
    pub fn answer_charset(&self, gateway: Option<&AnswerSpec>) -> Charset {
        let own = self.answer.as_ref().and_then(|a| a.charset.as_ref());
        word_or_default(own.or(gateway.and_then(|a| a.charset.as_ref())))
    }
}

impl CallbackSpec {
    /// How the message arrives; a JSON body when the spec does not say.
    pub fn delivery(&self) -> MessageEncoding {
        word_or_default(self.delivery.as_ref())
    }

    /// The message's charset; UTF-8 when the spec does not say.
    pub fn charset(&self) -> Charset {
        word_or_default(self.charset.as_ref())
    }
}

/// The word written, or its set's default (the one the language reference documents) when the
/// key is left out.
fn word_or_default<T: Copy + Default>(word: Option<&Spanned<T>>) -> T {
    word.map_or_else(T::default, |word| word.value)
}

/// "`key` is `a`, `b` or `c`, not `found`": the message for a word outside its vocabulary.
fn must_be(key: &str, unknown: &UnknownName) -> String {
    format!(
        "{key} is {}, not `{}`",
        one_of(&unknown.allowed),
        unknown.found
    )
}

/// "`a`", "`a` or `b`", "`a`, `b` or `c`".
fn one_of(names: &[&str]) -> String {
    let quoted: Vec<String> = names.iter().map(|name| format!("`{name}`")).collect();
    match quoted.split_last() {
        Some((last, rest)) if !rest.is_empty() => format!("{} or {last}", rest.join(", ")),
        _ => quoted.concat(),
    }
}

/// A field's type as written: `string`, `Customer`, `list<Giftcard>`, `map<string>`.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum TypeExpr {
    String,
    Integer,
    Boolean,
    Json,
    MonthYear,
    /// An integer of any width as its digits, `rt::Digits`.
    Digits,
    /// Items joined with `,` into one string: `comma_list<string>`.
    CommaList(Box<TypeExpr>),
    Named(String),
    List(Box<TypeExpr>),
    Map(Box<TypeExpr>),
}

impl TypeExpr {
    /// The type `text` writes; `None` when it is not one.
    pub fn parse(text: &str) -> Option<TypeExpr> {
        let text = text.trim();
        let generic = |prefix: &str| {
            text.strip_prefix(prefix)
                .and_then(|rest| rest.strip_suffix('>'))
                .and_then(TypeExpr::parse)
                .map(Box::new)
        };
        Some(match text {
            "string" => TypeExpr::String,
            "integer" => TypeExpr::Integer,
            "boolean" => TypeExpr::Boolean,
            "json" => TypeExpr::Json,
            "month_year" => TypeExpr::MonthYear,
            "digits" => TypeExpr::Digits,
            _ if text.starts_with("comma_list<") => TypeExpr::CommaList(generic("comma_list<")?),
            _ if text.starts_with("list<") => TypeExpr::List(generic("list<")?),
            _ if text.starts_with("map<") => TypeExpr::Map(generic("map<")?),
            _ if is_type_name(text) => TypeExpr::Named(text.to_string()),
            _ => return None,
        })
    }

    /// The named type this refers to, looking through `list<…>` and `map<…>`.
    pub fn referenced(&self) -> Option<&str> {
        match self {
            TypeExpr::Named(name) => Some(name),
            TypeExpr::List(inner) | TypeExpr::Map(inner) | TypeExpr::CommaList(inner) => {
                inner.referenced()
            }
            _ => None,
        }
    }
}

fn is_type_name(text: &str) -> bool {
    let mut chars = text.chars();
    chars.next().is_some_and(|c| c.is_ascii_uppercase()) && chars.all(|c| c.is_ascii_alphanumeric())
}

impl EnumValueSpec {
    /// The Rust variant of the value: its `name`, or the value itself, in UpperCamelCase.
    pub fn variant(&self) -> String {
        match (&self.name, &self.value.value) {
            (Some(name), _) => name.value.to_upper_camel_case(),
            (None, Scalar::Str(text)) => text.to_upper_camel_case(),
            (None, Scalar::Int(int)) => format!("V{int}"),
            (None, Scalar::Bool(b)) => b.to_string().to_upper_camel_case(),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn type_expressions_nest() {
        assert_eq!(
            TypeExpr::parse(" map<list<Giftcard>> "),
            Some(TypeExpr::Map(Box::new(TypeExpr::List(Box::new(
                TypeExpr::Named("Giftcard".into())
            )))))
        );
        assert_eq!(TypeExpr::parse("month_year"), Some(TypeExpr::MonthYear));
        assert_eq!(TypeExpr::parse("digits"), Some(TypeExpr::Digits));
        assert_eq!(
            TypeExpr::parse("comma_list<integer>"),
            Some(TypeExpr::CommaList(Box::new(TypeExpr::Integer)))
        );
        for text in ["list<string", "list<>", "customer", "Map<string>", ""] {
            assert_eq!(TypeExpr::parse(text), None, "{text}");
        }
    }

    #[test]
    fn the_referenced_type_is_found_through_lists_and_maps() {
        let ty = TypeExpr::parse("list<map<Customer>>").unwrap();
        assert_eq!(ty.referenced(), Some("Customer"));
        assert_eq!(TypeExpr::parse("list<string>").unwrap().referenced(), None);
    }

    #[test]
    fn allowed_words_read_as_a_sentence() {
        assert_eq!(one_of(&["GET"]), "`GET`");
        assert_eq!(one_of(&["GET", "POST"]), "`GET` or `POST`");
        assert_eq!(one_of(&["a", "b", "c"]), "`a`, `b` or `c`");
    }
}

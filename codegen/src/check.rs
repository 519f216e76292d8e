//! Checks of a spec's meaning that need no name resolution: values in range, constraints that
//! fit their type and can be enforced, rules and paths that name real fields, names that make
//! valid Rust. Reference problems are found while lowering ([`crate::lower`]).

use std::collections::BTreeSet;

use crate::case::{ToSnakeCase, ToUpperCamelCase};

use oneclick_schema::{
    AnswerEncoding, Auto, CredentialKind, Delivery, Encoding, ErrorShape, Location, Meaning,
    PathStep, Repeat, ScalarBase, path_steps,
};

use crate::diagnostics::Sink;
use crate::ir::{UrlPart, url_parts};
use crate::spec::{
    CallbackSpec, Constraints, EnumValueSpec, ErrorBodySpec, FieldSpec, ObjectSpec, PlacementSpec,
    ReplyPiece, ReplySpec, ResultCodeSpec, ResultSpec, RuleKindSpec, Samples, Scalar, Spanned,
    Spec, Text, TypeBody, TypeExpr, reply_pieces,
};

/// A result code as a diagnostic names it: `700`, `"error"`.
fn code_text(code: &Scalar) -> String {
    match code {
        Scalar::Str(text) => format!("{text:?}"),
        Scalar::Int(int) => int.to_string(),
        Scalar::Bool(flag) => flag.to_string(),
    }
}

/// The largest `min_length`/`max_length`: card and payment fields are short, and a larger bound
/// is a typo that would make generated boundary tests build huge strings.
pub(crate) const MAX_LENGTH_BOUND: i64 = 65_536;

/// The longest `pattern`, in bytes: longer ones are not documented formats but accidents, and
/// regex compilation cost grows with them.
pub(crate) const MAX_PATTERN_BYTES: usize = 1_024;

/// Client methods the generator writes itself; operations must not take their names.
const RESERVED_METHODS: &[&str] = &["new", "engine", "with_clock", "with_retry", "with_timeouts"];

pub(crate) fn check(spec: &Spec, sink: &mut Sink) {
    let mut checker = Checker { spec, sink };
    checker.top_level();
    for def in &spec.types {
        checker.upper_camel(&def.name, "a type name");
        match &def.body {
            TypeBody::Object(body) => checker.object(body, Side::Named),
            TypeBody::Enum(values) => checker.enum_values(values, &def.name),
            TypeBody::Scalar(scalar) => {
                let base = match scalar.base.value {
                    ScalarBase::String => Base::String,
                    ScalarBase::Integer => Base::Integer,
                };
                if scalar.constraints.is_empty() {
                    checker
                        .sink
                        .error(def.name.pos, "a scalar type needs at least one constraint");
                }
                let (_, counts) = split_counts(&scalar.constraints);
                for bound in [&counts.min_items, &counts.max_items, &counts.max_key_length]
                    .into_iter()
                    .flatten()
                {
                    checker
                        .sink
                        .error(bound.pos, "counts and key lengths apply to lists and maps");
                }
                checker.constraints(
                    &scalar.constraints,
                    base,
                    scalar.samples.as_ref(),
                    &def.name,
                );
            }
        }
    }
    checker.cycles();
    for op in &spec.operations {
        checker.operation(op);
    }
    for callback in &spec.callbacks {
        checker.callback(callback);
    }
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Base {
    String,
    Integer,
    Boolean,
    Other,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Side {
    Named,
    Request,
    Response,
}

struct Checker<'a, 's> {
    spec: &'a Spec,
    sink: &'s mut Sink,
}

impl Checker<'_, '_> {
    fn top_level(&mut self) {
        let spec = self.spec;
        if spec.version.value != 2 {
            let message = format!(
                "unsupported spec version {}; this generator reads version 2 (see spec/README.md)",
                spec.version.value
            );
            self.sink.error(spec.version.pos, message);
        }
        self.snake(&spec.gateway, "the gateway name");
        if spec.sources.is_empty() {
            self.sink.error(
                spec.gateway.pos,
                "a spec lists at least one source document under `sources`",
            );
        }
        for source in &spec.sources {
            self.snake(&source.id, "a source id");
            self.doc_check_exceptions(source);
        }
        // A gateway whose hosts are per merchant lists none: clients pass `Environment::Custom`.
        for env in &spec.environments {
            self.snake(&env.name, "an environment name");
            let url = &env.url.value;
            let scheme_ok = url.starts_with("https://") || url.starts_with("http://");
            if !scheme_ok || url.ends_with('/') || url.contains(char::is_whitespace) {
                self.sink.error(
                    env.url.pos,
                    "an environment url is an absolute http(s) URL without a trailing `/`",
                );
            }
            self.url_variables(env);
        }
        for credential in &spec.credentials {
            self.snake(&credential.name, "a credential name");
            let text = matches!(
                credential.kind(),
                CredentialKind::Text | CredentialKind::Secret
            );
            if let (Some(at), false) = (credential.optional, text) {
                self.sink.error(
                    at,
                    "only a `text` or `secret` credential can be optional: a key signs or verifies every message of its recipes",
                );
            }
        }
        if let Some(answers) = &spec.answers {
            let fixed = answers
                .encoding
                .as_ref()
                .filter(|e| !e.value.carries_fields());
            if fixed.is_some() || answers.literal.is_some() {
                self.sink.error(
                    answers.pos,
                    "`answers` sets how every operation answers: a `literal` or `empty` answer \
                     belongs to one operation's `answer`",
                );
            }
        }
        if let Some(result) = &spec.result {
            self.result_declaration(result);
            let carries_code = |body: &ObjectSpec| {
                body.fields
                    .iter()
                    .any(|f| f.wire.value == result.code_root())
            };
            let applies = spec.operations.iter().any(|op| {
                op.result.is_none()
                    && op
                        .response
                        .as_ref()
                        .is_some_and(|r| r.items.is_some() || carries_code(r))
            }) || spec
                .callbacks
                .iter()
                .any(|c| c.result.is_none() && carries_code(&c.message));
            if !applies {
                let message = format!(
                    "`result` applies to nothing: no response or callback has `{}`",
                    result.code_field.value
                );
                self.sink.error(result.pos, message);
            }
        }
        for body in &spec.errors {
            self.error_body(body);
        }
        for status in &spec.retry_http_status {
            if !(400..=599).contains(&status.value) {
                self.sink
                    .error(status.pos, "a retryable HTTP status is between 400 and 599");
            }
        }
        for status in &spec.unprocessed_http_status {
            if !spec
                .retry_http_status
                .iter()
                .any(|s| s.value == status.value)
            {
                self.sink.error(
                    status.pos,
                    "an unprocessed HTTP status must also be listed in `retry.http_status`",
                );
            }
        }
        let mut seen = BTreeSet::new();
        for polling in &spec.polling {
            if !seen.insert(polling.operation.value.clone()) {
                self.sink.error(
                    polling.operation.pos,
                    "an operation is polled by one entry at most",
                );
            }
        }
    }

    fn operation(&mut self, op: &crate::spec::OperationSpec) {
        let spec = self.spec;
        self.snake(&op.id, "an operation id");
        if RESERVED_METHODS.contains(&op.id.value.as_str()) || op.id.value.starts_with("poll_") {
            let message = format!(
                "`{}` clashes with a method the generated client defines",
                op.id.value
            );
            self.sink.error(op.id.pos, message);
        }
        if !spec
            .sources
            .iter()
            .any(|s| s.id.value == op.source_document.value)
        {
            let message = format!(
                "`{}` is not a document listed under `sources`",
                op.source_document.value
            );
            self.sink.error(op.source_document.pos, message);
        }
        self.path(op);
        self.answer_matches(op);
        if let Some(items) = &op.request.items {
            self.sink.error(
                items.pos,
                "a request is a JSON object: `items` describes answers only",
            );
        }
        self.object(&op.request, Side::Request);
        self.delivery(op);
        self.repeat(op);
        self.result_by(op);
        // A literal or empty answer's response declares no fields: its shape is the whole
        // answer, so the rule that an object has a field does not apply.
        let fixed_shape = !op.answer_encoding(spec.answers.as_ref()).carries_fields();
        if let Some(response) = op
            .response
            .as_ref()
            .filter(|r| !(fixed_shape && r.fields.is_empty() && r.items.is_none()))
        {
            self.object(response, Side::Response);
        }
        let header_fields = op
            .request
            .fields
            .iter()
            .filter(|f| f.location() == Location::Header);
        for field in header_fields {
            let declared = spec
                .headers
                .iter()
                .chain(&op.headers)
                .any(|h| h.name.value.eq_ignore_ascii_case(&field.wire.value));
            if declared {
                let message = format!(
                    "`{}` is a header the client sets itself: a field of that name would send it twice",
                    field.wire.value
                );
                self.sink.error(field.wire.pos, message);
            }
        }
        self.encoding(op);
        self.answer(op);
        if !op.method.value.has_body() && op.encoding() != Encoding::Query {
            for field in &op.request.fields {
                if field.location() == Location::Body {
                    let message = format!(
                        "a {} request has no body: `{}` must be a path field (`in: path`)",
                        op.method.value, field.wire.value
                    );
                    self.sink.error(field.wire.pos, message);
                }
            }
        }
        if let Some(own) = &op.result {
            self.result_declaration(own);
            if op.response.is_none() {
                self.sink
                    .error(own.pos, "a redirect has no answer, so it has no `result`");
            }
        }
        match op.result.as_ref().or(spec.result.as_ref()) {
            Some(result) => {
                // A literal or empty answer has no field to carry a code: its shape is the
                // outcome.
                let carries_fields = op.answer_encoding(spec.answers.as_ref()).carries_fields();
                if let Some(response) = op
                    .response
                    .as_ref()
                    .filter(|r| carries_fields && r.items.is_none())
                {
                    let owner = format!("the response of `{}`", op.id.value);
                    self.result_fields(result, response, &owner);
                }
                for code in &op.retryable_result_codes {
                    match result.codes.iter().find(|c| c.code.value == code.value) {
                        None => {
                            let message = format!(
                                "retryable result code {} is not in `result.codes`",
                                code_text(&code.value)
                            );
                            self.sink.error(code.pos, message);
                        }
                        Some(listed) if listed.meaning == Meaning::Success => {
                            let message = format!(
                                "result code {} means success, so it is never retried",
                                code_text(&code.value)
                            );
                            self.sink.error(code.pos, message);
                        }
                        Some(_) => {}
                    }
                }
            }
            None => {
                if let Some(code) = op.retryable_result_codes.first() {
                    self.sink
                        .error(code.pos, "retryable result codes need a `result`");
                }
            }
        }
        let mut names = BTreeSet::new();
        for example in &op.examples {
            self.snake(&example.name, "an example name");
            if !names.insert(example.name.value.clone()) {
                let message = format!(
                    "example `{}` is defined twice in this operation",
                    example.name.value
                );
                self.sink.error(example.name.pos, message);
            }
        }
    }

    /// `result_by` names a callback of the spec, and an answer that acknowledges: a redirect's
    /// answer goes to the customer's browser, so there is none to describe.
    fn result_by(&mut self, op: &crate::spec::OperationSpec) {
        let Some(callback) = &op.result_by else {
            return;
        };
        if !self
            .spec
            .callbacks
            .iter()
            .any(|c| c.id.value == callback.value)
        {
            let message = format!(
                "`result_by` names `{}`, which is not a callback of this spec",
                callback.value
            );
            self.sink.error(callback.pos, message);
        }
        if op.delivery() == Delivery::Redirect {
            self.sink.error(
                callback.pos,
                "a redirect has no answer that acknowledges: `result_by` does not apply",
            );
        }
    }

    /// An error body names the members its shape needs, and a body that could be taken for a
    /// success (a flat object, a whole-body list) says with which statuses it comes.
    fn error_body(&mut self, body: &ErrorBodySpec) {
        let shape = body.shape.value;
        match (shape, &body.field) {
            (ErrorShape::Wrapped, None) => {
                self.sink.error(
                    body.pos,
                    "a wrapped error body names the `field` holding it",
                );
            }
            (ErrorShape::Flat, Some(field)) => {
                self.sink.error(
                    field.pos,
                    "a flat error body has no `field`: its members are at the top level",
                );
            }
            _ => {}
        }
        let whole_body =
            shape == ErrorShape::Flat || (shape == ErrorShape::List && body.field.is_none());
        if whole_body && body.http_status.is_empty() {
            let message = format!(
                "a {} error body needs `http_status`: without it any answer with `{}` would be an error",
                if shape == ErrorShape::Flat {
                    "flat"
                } else {
                    "whole-body list"
                },
                body.code.value
            );
            self.sink.error(body.pos, message);
        }
        if let (ErrorShape::List, Some(detail)) = (shape, &body.detail) {
            self.sink.error(
                detail.pos,
                "the items of an error list carry a code and a message; `detail` is for wrapped and flat bodies",
            );
        }
        for status in &body.http_status {
            if !(100..=599).contains(&status.value) {
                self.sink
                    .error(status.pos, "an HTTP status is between 100 and 599");
            }
        }
    }

    /// A result declaration on its own: its codes are unique integers or strings with unique
    /// snake_case names, and at least one of them means success.
    fn result_declaration(&mut self, result: &ResultSpec) {
        if result.codes.is_empty() {
            self.sink
                .error(result.pos, "`result.codes` lists at least one code");
        } else if !result.codes.iter().any(|c| c.meaning == Meaning::Success) {
            self.sink.error(
                result.pos,
                "no code of `result.codes` means success: every answer would be an error",
            );
        }
        self.code_list(&result.codes);
        if let Some(second) = &result.secondary {
            self.code_list(&second.codes);
            if second.field.value == result.code_field.value {
                let message = format!(
                    "`{}` is the code field already; the secondary code is another field",
                    second.field.value
                );
                self.sink.error(second.field.pos, message);
            }
        }
    }

    fn code_list(&mut self, codes: &[ResultCodeSpec]) {
        let mut seen = Vec::new();
        let mut names = BTreeSet::new();
        for code in codes {
            if matches!(code.code.value, Scalar::Bool(_)) {
                self.sink
                    .error(code.code.pos, "a result code is an integer or a string");
            } else if seen.contains(&&code.code.value) {
                let message = format!(
                    "result code {} is listed twice",
                    code_text(&code.code.value)
                );
                self.sink.error(code.code.pos, message);
            }
            seen.push(&code.code.value);
            self.snake(&code.name, "a result code name");
            if !names.insert(code.name.value.clone()) {
                let message = format!("result code name `{}` is used twice", code.name.value);
                self.sink.error(code.name.pos, message);
            }
        }
    }

    /// The fields a result declaration names are in `body`, and its codes are of their type.
    fn result_fields(&mut self, result: &ResultSpec, body: &ObjectSpec, owner: &str) {
        let secondary = result.secondary.as_ref();
        let coded = std::iter::once((&result.code_field, Some(&result.codes)))
            .chain(result.message_field.as_ref().map(|m| (m, None)))
            .chain(secondary.map(|s| (&s.field, Some(&s.codes))));
        for (field, codes) in coded {
            let Some(declared) = self.result_path_field(body, field, owner) else {
                continue;
            };
            let Some(codes) = codes else {
                continue;
            };
            let kind = match declared.ty.value.as_ref() {
                Some(TypeExpr::Integer) => "an integer",
                Some(TypeExpr::String) => "a string",
                _ => continue,
            };
            for code in codes {
                // A boolean code has its own diagnostic.
                let fits = matches!(
                    (&code.code.value, kind),
                    (Scalar::Int(_), "an integer")
                        | (Scalar::Str(_), "a string")
                        | (Scalar::Bool(_), _)
                );
                if !fits {
                    let message = format!(
                        "result code {} does not fit `{}`, {kind} field of {owner}",
                        code_text(&code.code.value),
                        field.value
                    );
                    self.sink.error(code.code.pos, message);
                }
            }
        }
    }

    /// The field a result's `path` (a wire name, or dotted names down through objects) ends
    /// at in `body`; `None` after saying why it names no field a code or message can be read
    /// from.
    fn result_path_field(
        &mut self,
        body: &ObjectSpec,
        path: &Text,
        owner: &str,
    ) -> Option<FieldSpec> {
        let steps: Vec<&str> = path.value.split('.').collect();
        let mut fields = body.fields.clone();
        for (i, step) in steps.iter().enumerate() {
            let Some(field) = fields.iter().find(|f| f.wire.value == *step).cloned() else {
                if i == 0 {
                    let message = format!("{owner} lacks `{step}`, which `result` names");
                    self.sink.error(body.pos, message);
                } else {
                    let message = format!(
                        "`{}` names `{step}`, which is not a field of `{}`",
                        path.value,
                        steps[..i].join(".")
                    );
                    self.sink.error(path.pos, message);
                }
                return None;
            };
            let ty = field.ty.value.as_ref();
            let object = match ty {
                Some(TypeExpr::Named(name)) => self.object_named(name).cloned(),
                _ => None,
            };
            let container = match ty {
                Some(TypeExpr::List(_) | TypeExpr::CommaList(_)) => Some("a list"),
                Some(TypeExpr::Map(_)) => Some("a map"),
                _ if object.is_some() => Some("an object"),
                _ => None,
            };
            if i + 1 == steps.len() {
                if let Some(container) = container {
                    let message = format!(
                        "`{}` is {container}: `result` reads a code or a message from an integer or string field",
                        path.value
                    );
                    self.sink.error(path.pos, message);
                    return None;
                }
                return Some(field);
            }
            let Some(object) = object else {
                let what = container.unwrap_or("no object");
                let message = format!(
                    "`{step}` is {what}, so `{}` cannot go on below it: a result path goes down through objects only",
                    path.value
                );
                self.sink.error(path.pos, message);
                return None;
            };
            fields = object.fields;
        }
        None
    }

    /// A reply repeats only what the message surely carries and may be shown: each `{wire}`
    /// is a required, non-sensitive message field holding one value, and no brace is stray.
    fn reply(&mut self, callback: &CallbackSpec, reply: &ReplySpec) {
        let pos = reply.body.pos;
        for piece in reply_pieces(&reply.body.value) {
            let wire = match piece {
                ReplyPiece::Text(_) => continue,
                ReplyPiece::Stray(brace) => {
                    let message = format!(
                        "a stray `{brace}` in the reply body: a message field is written `{{wire_name}}`"
                    );
                    self.sink.error(pos, message);
                    continue;
                }
                ReplyPiece::Field(wire) => wire,
            };
            let Some(field) = callback
                .message
                .fields
                .iter()
                .find(|f| f.wire.value == wire)
            else {
                let message = format!(
                    "the reply names `{{{wire}}}`, which is not a field of the message of `{}`",
                    callback.id.value
                );
                self.sink.error(pos, message);
                continue;
            };
            let named = match &field.ty.value {
                Some(TypeExpr::Named(name)) => {
                    self.spec.types.iter().find(|t| &t.name.value == name)
                }
                _ => None,
            };
            let sensitive_type =
                named.is_some_and(|t| matches!(&t.body, TypeBody::Scalar(s) if s.sensitive));
            let one_value = match &field.ty.value {
                Some(
                    TypeExpr::List(_) | TypeExpr::Map(_) | TypeExpr::CommaList(_) | TypeExpr::Json,
                ) => false,
                _ => !named.is_some_and(|t| matches!(t.body, TypeBody::Object(_))),
            };
            let problem = if field.sensitive || sensitive_type {
                Some("is sensitive: a reply never carries it")
            } else if !one_value {
                Some("holds no single value to write")
            } else if !field.required {
                Some("is optional: the reply would lack it whenever the message does")
            } else {
                None
            };
            if let Some(problem) = problem {
                let message = format!("the reply names `{{{wire}}}`, which {problem}");
                self.sink.error(pos, message);
            }
        }
    }

    /// Every call says whether sending it twice may act twice, because retries and the report of
    /// an unknown outcome depend on it; there is no default that could quietly pay twice.
    fn repeat(&mut self, op: &crate::spec::OperationSpec) {
        let redirect = op.delivery() == Delivery::Redirect;
        let Some(written) = &op.repeat else {
            if !redirect {
                let message = format!(
                    "operation `{}` is missing the required key `repeat`: `read`, `idempotent` \
                     or `unsafe` (may sending it twice act twice?)",
                    op.id.value
                );
                self.sink.error(op.id.pos, message);
            }
            return;
        };
        let Some(repeat) = written else {
            return;
        };
        if redirect {
            self.sink.error(
                repeat.pos,
                "a redirect is never sent by the client: `repeat` does not apply",
            );
            return;
        }
        match repeat.value {
            Repeat::Read => {
                if let Some(first) = op.reconcile.first() {
                    self.sink.error(
                        first.pos,
                        "a `read` operation changes nothing: `reconcile` does not apply",
                    );
                }
            }
            Repeat::Idempotent => {}
            Repeat::Unsafe => {
                if op.reconcile.is_empty() {
                    self.sink.error(
                        repeat.pos,
                        "an `unsafe` operation needs `reconcile`: the request fields that \
                         identify it at the gateway when its outcome is unknown",
                    );
                }
            }
        }
        for path in &op.reconcile {
            self.reconcile_path(&op.request, path);
        }
    }

    /// Each `answer_matches` name is a top-level field of both messages whose value the caller
    /// gives: the client compares the answer with what the caller asked about.
    fn answer_matches(&mut self, op: &crate::spec::OperationSpec) {
        let Some(first) = op.answer_matches.first() else {
            return;
        };
        let Some(response) = &op.response else {
            self.sink.error(
                first.pos,
                "`answer_matches` needs a response: a redirect is answered in the customer's browser",
            );
            return;
        };
        for name in &op.answer_matches {
            let in_request = op
                .request
                .fields
                .iter()
                .find(|f| f.wire.value == name.value);
            let problem = match in_request {
                None => Some("which is not a field of the request"),
                Some(field) if field.auto.is_some() => {
                    Some("which the client fills itself: name a value the caller gives")
                }
                Some(_) if !response.fields.iter().any(|f| f.wire.value == name.value) => {
                    Some("which is not a field of the response")
                }
                Some(_) => None,
            };
            if let Some(problem) = problem {
                let message = format!("`answer_matches` names `{}`, {problem}", name.value);
                self.sink.error(name.pos, message);
            }
        }
    }

    /// A reconcile path names a request field, through object types for dotted paths; what it
    /// names ends up in error messages, so it must not be sensitive.
    fn reconcile_path(&mut self, request: &ObjectSpec, path: &Text) {
        let spec = self.spec;
        let mut object = request;
        let mut segments = path.value.split('.').peekable();
        while let Some(segment) = segments.next() {
            let Some(field) = object.fields.iter().find(|f| f.wire.value == segment) else {
                let message = format!(
                    "`reconcile` names `{}`, which is not a request field",
                    path.value
                );
                self.sink.error(path.pos, message);
                return;
            };
            let named = match &field.ty.value {
                Some(TypeExpr::Named(name)) => spec.types.iter().find(|t| &t.name.value == name),
                _ => None,
            };
            let sensitive_type =
                named.is_some_and(|t| matches!(&t.body, TypeBody::Scalar(s) if s.sensitive));
            if field.sensitive || sensitive_type {
                let message = format!(
                    "`reconcile` names `{}`, which is sensitive and never printed",
                    path.value
                );
                self.sink.error(path.pos, message);
                return;
            }
            if segments.peek().is_some() {
                match named.map(|t| &t.body) {
                    Some(TypeBody::Object(inner)) => object = inner,
                    _ => {
                        let message = format!(
                            "`reconcile` names `{}`, but `{segment}` is not an object",
                            path.value
                        );
                        self.sink.error(path.pos, message);
                        return;
                    }
                }
            }
        }
    }

    /// A request encoding that has something to encode: a GET or DELETE sends no body, and a
    /// redirect's fields travel as its method says (a GET's query string, a POST's form).
    fn encoding(&mut self, op: &crate::spec::OperationSpec) {
        let Some(encoding) = &op.encoding else {
            return;
        };
        let redirect = op.delivery() == Delivery::Redirect;
        match encoding.value {
            Encoding::Query if redirect => self.sink.error(
                encoding.pos,
                "a redirect's fields travel as its method says (a GET's query string, a \
                 POST's form): `encoding: query` does not apply",
            ),
            Encoding::Json | Encoding::Form if !op.method.value.has_body() => {
                let message = format!(
                    "a {} request has no body: `encoding: {}` has nothing to encode; \
                     `encoding: query` sends its fields in the query string",
                    op.method.value,
                    encoding.value.as_str()
                );
                self.sink.error(encoding.pos, message);
            }
            Encoding::Json | Encoding::Form | Encoding::Query => {}
        }
    }

    /// An answer declaration the runtime can read: a literal with its text, fixed answers without
    /// fields to promise, a form answer that is one object, and no answer on a redirect.
    fn answer(&mut self, op: &crate::spec::OperationSpec) {
        let spec = self.spec;
        if let (Some(answer), None) = (&op.answer, &op.response) {
            self.sink.error(
                answer.pos,
                "a redirect has no answer: the gateway answers the customer's browser, so \
                 `answer` does not apply",
            );
            return;
        }
        let encoding = op.answer_encoding(spec.answers.as_ref());
        let literal = op.answer.as_ref().and_then(|a| a.literal.as_ref());
        match (encoding, literal) {
            // A literal inherited from `answers` is reported there, once.
            (AnswerEncoding::Literal, None) if op.answer.is_some() => {
                let pos = op.answer.as_ref().map_or(op.id.pos, |a| a.pos);
                self.sink.error(
                    pos,
                    "a `literal` answer needs `literal`: the exact body the gateway sends",
                );
            }
            (AnswerEncoding::Literal, Some(text)) if text.value.trim().is_empty() => {
                self.sink.error(
                    text.pos,
                    "a `literal` answer of nothing is `encoding: empty`",
                );
            }
            (AnswerEncoding::Json | AnswerEncoding::Form | AnswerEncoding::Empty, Some(text)) => {
                self.sink
                    .error(text.pos, "`literal` applies only to `encoding: literal`");
            }
            _ => {}
        }
        let Some(response) = &op.response else {
            return;
        };
        if !encoding.carries_fields() && (!response.fields.is_empty() || response.items.is_some()) {
            let article = if encoding == AnswerEncoding::Empty {
                "an"
            } else {
                "a"
            };
            let message = format!(
                "{article} `{}` answer has no fields: the response must declare none",
                encoding.as_str()
            );
            self.sink.error(response.pos, message);
        }
        if let (AnswerEncoding::Form, Some(items)) = (encoding, &response.items) {
            self.sink.error(
                items.pos,
                "a form-encoded answer is one object: `items` needs a JSON answer",
            );
        }
    }

    /// A call has an answer; a redirect (the customer's browser goes to the gateway) has none.
    fn delivery(&mut self, op: &crate::spec::OperationSpec) {
        let redirect = op.delivery() == Delivery::Redirect;
        match (&op.response, redirect) {
            (None, false) => {
                let message = format!(
                    "operation `{}` is missing the required key `response`",
                    op.id.value
                );
                self.sink.error(op.id.pos, message);
            }
            (Some(response), true) => self.sink.error(
                response.pos,
                "a redirect has no response: the gateway answers the customer's browser",
            ),
            _ => {}
        }
        if redirect {
            let in_header = op
                .request
                .fields
                .iter()
                .filter_map(|f| f.location.as_ref().filter(|l| l.value == Location::Header));
            for location in in_header {
                self.sink.error(
                    location.pos,
                    "a redirect is sent by the customer's browser, which sets no headers of ours: use `in: query` or the body",
                );
            }
        }
    }

    fn callback(&mut self, callback: &CallbackSpec) {
        let spec = self.spec;
        self.snake(&callback.id, "a callback id");
        if !spec
            .sources
            .iter()
            .any(|s| s.id.value == callback.source_document.value)
        {
            let message = format!(
                "`{}` is not a document listed under `sources`",
                callback.source_document.value
            );
            self.sink.error(callback.source_document.pos, message);
        }
        self.object(&callback.message, Side::Response);
        if let Some(token) = &callback.token_field {
            self.token_field(callback, token);
        }
        self.only_signed(callback);
        if let Some(own) = &callback.result {
            self.result_declaration(own);
        }
        if let Some(result) = &callback.result {
            let owner = format!("the message of `{}`", callback.id.value);
            self.result_fields(result, &callback.message, &owner);
        } else if let Some(result) = spec.result.as_ref().filter(|r| {
            callback
                .message
                .fields
                .iter()
                .any(|f| f.wire.value == r.code_root())
        }) {
            let owner = format!("the message of `{}`", callback.id.value);
            self.result_fields(result, &callback.message, &owner);
        }
        if let Some(reply) = &callback.reply {
            self.reply(callback, reply);
        }
        let mut names = BTreeSet::new();
        for example in &callback.examples {
            self.snake(&example.name, "an example name");
            if example.kind != crate::spec::ExampleKind::Response {
                self.sink.error(
                    example.name.pos,
                    "a callback example is what the gateway sends: use `response`",
                );
            }
            if !names.insert(example.name.value.clone()) {
                let message = format!(
                    "example `{}` is defined twice in this callback",
                    example.name.value
                );
                self.sink.error(example.name.pos, message);
            }
        }
    }

    /// The path placeholders that the request's recipes put their signatures into.
    fn path_signatures(&self, op: &crate::spec::OperationSpec) -> Vec<String> {
        let Some(signature) = &self.spec.signature else {
            return Vec::new();
        };
        let names = op.request.recipes.as_ref().unwrap_or(&signature.sign);
        signature
            .recipes
            .iter()
            .filter(|recipe| names.iter().any(|n| n.value == recipe.name.value))
            .filter_map(|recipe| match &recipe.placement {
                crate::spec::PlacementSpec::Path(name) => Some(name.value.clone()),
                _ => None,
            })
            .collect()
    }

    fn path(&mut self, op: &crate::spec::OperationSpec) {
        let path = &op.path.value;
        if !path.starts_with('/') {
            self.sink.error(op.path.pos, "a path starts with `/`");
        }
        let mut placeholders = Vec::new();
        let mut rest = path.as_str();
        while let Some(start) = rest.find('{') {
            let Some(end) = rest[start..].find('}') else {
                self.sink.error(op.path.pos, "unclosed `{` in the path");
                break;
            };
            placeholders.push(&rest[start + 1..start + end]);
            rest = &rest[start + end + 1..];
        }
        let signed_into = self.path_signatures(op);
        for name in &placeholders {
            let field = op.request.fields.iter().find(|f| f.wire.value == *name);
            let signature = signed_into.iter().any(|s| s == name);
            if !signature && field.is_none_or(|f| f.location() != Location::Path) {
                let message = format!(
                    "path parameter `{{{name}}}` needs a request field `{name}` with `in: path`"
                );
                self.sink.error(op.path.pos, message);
            }
        }
        for field in &op.request.fields {
            let in_path = field.location() == Location::Path;
            if in_path && !placeholders.contains(&field.wire.value.as_str()) {
                let message = format!(
                    "`{}` is a path field but the path has no `{{{}}}`",
                    field.wire.value, field.wire.value
                );
                self.sink.error(field.wire.pos, message);
            }
            if in_path && !field.required && field.auto.is_none() {
                let message = format!("path field `{}` must be required", field.wire.value);
                self.sink.error(field.wire.pos, message);
            }
        }
    }

    /// `only_signed` needs an order to tell signed fields from others, and every name of
    /// `unsigned` must be a field the order leaves out; a declared field that neither covers
    /// could never arrive in a message that verifies.
    fn only_signed(&mut self, callback: &CallbackSpec) {
        let message = &callback.message;
        let Some(at) = callback.only_signed else {
            if let Some(unsigned) = &callback.unsigned {
                self.sink
                    .error(unsigned.pos, "`unsigned` lists exceptions to `only_signed: true`, which this callback does not say");
            }
            return;
        };
        let Some(order) = &message.signature else {
            let problem = if message.signs_all {
                "`signature: all` covers whatever the message carries, so there is nothing to refuse"
            } else {
                "the message has no `signature` order, so nothing says which fields are signed"
            };
            self.sink.error(at, format!("`only_signed`: {problem}"));
            return;
        };
        let unsigned = callback.unsigned.as_ref().map_or(&[][..], |u| &u.value[..]);
        for name in unsigned {
            let problem = if !message.fields.iter().any(|f| f.wire.value == name.value) {
                "which is not a field of the message"
            } else if order.iter().any(|o| o.value == name.value) {
                "which the signature order covers"
            } else {
                continue;
            };
            let text = format!("`unsigned` names `{}`, {problem}", name.value);
            self.sink.error(name.pos, text);
        }
        let signature_fields = signature_fields(self.spec);
        let mut seen = BTreeSet::new();
        for field in message
            .fields
            .iter()
            .filter(|f| order.iter().any(|o| o.value == f.wire.value))
        {
            if let Some(ty) = &field.ty.value {
                self.only_signed_inside(ty, &mut seen);
            }
        }
        for field in &message.fields {
            let wire = &field.wire.value;
            let accepted = order.iter().any(|o| &o.value == wire)
                || unsigned.iter().any(|u| &u.value == wire)
                || signature_fields.contains(wire.as_str());
            if !accepted {
                let text = format!(
                    "`{wire}` is neither signed nor listed under `unsigned`, so with `only_signed` a message that carries it never verifies"
                );
                self.sink.error(field.wire.pos, text);
            }
        }
    }

    /// Inside a signed object every key must be one its type's order writes, so a declared
    /// field that order leaves out could never arrive in a message that verifies. Each named
    /// type is looked at once.
    fn only_signed_inside(&mut self, ty: &TypeExpr, seen: &mut BTreeSet<String>) {
        let spec = self.spec;
        let name = match ty {
            TypeExpr::Named(name) => name,
            TypeExpr::List(inner) => return self.only_signed_inside(inner, seen),
            _ => return,
        };
        if !seen.insert(name.clone()) {
            return;
        }
        let Some(TypeBody::Object(object)) = spec
            .types
            .iter()
            .find(|t| &t.name.value == name)
            .map(|t| &t.body)
        else {
            return;
        };
        let order = object.signature.as_deref().unwrap_or_default();
        for field in &object.fields {
            if !order.iter().any(|o| o.value == field.wire.value) {
                let text = format!(
                    "`{name}.{}` is not in `{name}`'s signature order, so with `only_signed` a message that carries it never verifies",
                    field.wire.value
                );
                self.sink.error(field.wire.pos, text);
            } else if let Some(inner) = &field.ty.value {
                self.only_signed_inside(inner, seen);
            }
        }
    }

    /// The token is compared as text and a message without it cannot be checked, so it must be
    /// a required string field of the message.
    fn token_field(&mut self, callback: &CallbackSpec, token: &Text) {
        let field = callback
            .message
            .fields
            .iter()
            .find(|f| f.wire.value == token.value);
        let spec = self.spec;
        let text = |ty: &TypeExpr| match ty {
            TypeExpr::String => true,
            TypeExpr::Named(name) => spec.types.iter().any(|t| {
                t.name.value == *name
                    && matches!(&t.body, TypeBody::Scalar(s) if s.base.value == ScalarBase::String)
            }),
            _ => false,
        };
        let usable = field.is_some_and(|f| f.required && f.ty.value.as_ref().is_some_and(text));
        if !usable {
            let message = format!(
                "`token_field` names `{}`, which is not a required string field of the message",
                token.value
            );
            self.sink.error(token.pos, message);
        }
    }

    /// The other place of a field must hold a value of the same type, and the field cannot be
    /// required where it may well be absent.
    fn also_at(&mut self, body: &ObjectSpec, field: &FieldSpec, path: &Text, side: Side) {
        if side != Side::Response {
            let message = "`also_at` is for the fields of a response or a callback message";
            self.sink.error(path.pos, message);
            return;
        }
        if field.required {
            let message = format!(
                "`{}` may be sent at `{}` instead, so it cannot be `required`",
                field.wire.value, path.value
            );
            self.sink.error(path.pos, message);
        }
        match self.spec.fields_along(body, &path.value) {
            Err(why) => {
                let message = format!("`also_at: {}` leads nowhere: {why}", path.value);
                self.sink.error(path.pos, message);
            }
            Ok(along) => {
                let other = along.last().map(|f| &f.ty.value);
                if other != Some(&field.ty.value) || path.value == field.wire.value {
                    let message = format!(
                        "`{}` must be another field of the same type as `{}`",
                        path.value, field.wire.value
                    );
                    self.sink.error(path.pos, message);
                }
            }
        }
    }

    fn object(&mut self, body: &ObjectSpec, side: Side) {
        // A named type's side is known once its uses are: lowering refuses one in a request.
        if body.open && side == Side::Request {
            self.sink.error(
                body.pos,
                "`open` is for answers: requests say every field they send",
            );
        }
        if body.fields.is_empty() && body.items.is_none() && !body.open {
            self.sink
                .error(body.pos, "an object has at least one field");
        }
        for field in &body.fields {
            if let Some(path) = &field.also_at {
                self.also_at(body, field, path, side);
            }
        }
        let mut rust_names = BTreeSet::new();
        for field in &body.fields {
            if field.wire.value.is_empty() {
                self.sink.error(field.wire.pos, "a wire name is not empty");
            }
            self.field(field, side);
            let rust_name = field.rust_name();
            let usable = syn::parse_str::<syn::Ident>(&rust_name).is_ok()
                || syn::parse_str::<syn::Ident>(&format!("r#{rust_name}")).is_ok();
            if !usable && !field.wire.value.is_empty() {
                let message = format!(
                    "`{}` gives no usable Rust field name (`{rust_name}`); set `rust_name`",
                    field.wire.value
                );
                self.sink.error(field.wire.pos, message);
            } else if !rust_names.insert(rust_name.clone()) {
                let message = format!(
                    "`{}` gives the Rust field name `{rust_name}` a second time; set `rust_name`",
                    field.wire.value
                );
                self.sink.error(field.wire.pos, message);
            }
        }
        for rule in &body.rules {
            self.rule(body, &rule.kind, rule.pos);
        }
    }

    /// A field in the path, the query or a header travels as one piece of text: a scalar or an
    /// enum, and a header's wire name must be an HTTP header name.
    fn travels_as_text(&mut self, field: &FieldSpec, location: &Spanned<Location>) {
        let scalar = match field.ty.value.as_ref() {
            Some(TypeExpr::String | TypeExpr::Integer | TypeExpr::Boolean) | None => true,
            Some(TypeExpr::Named(name)) => self.spec.types.iter().any(|t| {
                &t.name.value == name && matches!(t.body, TypeBody::Scalar(_) | TypeBody::Enum(_))
            }),
            Some(TypeExpr::Digits | TypeExpr::CommaList(_)) => true,
            Some(TypeExpr::Json | TypeExpr::MonthYear | TypeExpr::List(_) | TypeExpr::Map(_)) => {
                false
            }
        };
        if !scalar {
            let message = format!(
                "`{}` travels `in: {}` as text: give it a string, integer, boolean, scalar or enum type",
                field.wire.value, location.value
            );
            self.sink.error(field.ty.pos, message);
        }
        let token = |c: char| c.is_ascii_alphanumeric() || "!#$%&'*+-.^_`|~".contains(c);
        if location.value == Location::Header && !field.wire.value.chars().all(token) {
            let message = format!("`{}` is not an HTTP header name", field.wire.value);
            self.sink.error(field.wire.pos, message);
        }
    }

    fn field(&mut self, field: &FieldSpec, side: Side) {
        let ty = field.ty.value.as_ref();
        let base = base_of(ty);
        self.container_bounds(field);
        if let Some(TypeExpr::CommaList(item)) = ty {
            if !matches!(item.as_ref(), TypeExpr::String | TypeExpr::Integer) {
                self.sink.error(
                    field.ty.pos,
                    "a `comma_list` holds strings or integers: other values have no one text",
                );
            }
        }
        if let Some(constant) = &field.constant {
            self.constant(field, constant, base);
        }
        if let Some(name) = &field.rust_name {
            self.snake(name, "a rust_name");
        }
        if let Some(location) = &field.location {
            if location.value.outside_body() && side != Side::Request {
                let message = format!(
                    "only a request's own fields can travel `in: {}`; a nested object or an answer travels in the body",
                    location.value
                );
                self.sink.error(location.pos, message);
            }
            if location.value.outside_body() {
                self.travels_as_text(field, location);
            }
        }
        if let Some(auto) = &field.auto {
            if side == Side::Response {
                self.sink.error(
                    auto.pos,
                    "only request fields are filled by the client (`auto`)",
                );
            }
            let credential = match &auto.value {
                Auto::Credential(name) => {
                    let listed = self.spec.credentials.iter().find(|c| &c.name.value == name);
                    if listed.is_none() {
                        let message = format!("`{name}` is not listed under `credentials`");
                        self.sink.error(auto.pos, message);
                    }
                    if listed.is_some_and(|c| c.optional.is_some()) {
                        let message = format!(
                            "`{name}` is optional: `auto` fills a field from a credential that is always configured"
                        );
                        self.sink.error(auto.pos, message);
                    }
                    listed
                }
                Auto::Dttm | Auto::Signature | Auto::Const(_) => None,
            };
            let string_scalar =
                matches!(ty, Some(TypeExpr::Named(name)) if self.is_string_scalar(name));
            let integer_credential = credential.is_some_and(|c| c.base() == ScalarBase::Integer);
            let fits = if integer_credential {
                base == Base::Integer
            } else {
                base == Base::String || string_scalar
            };
            if !fits {
                self.sink.error(
                    auto.pos,
                    "an automatic value is a string, or an integer for an integer credential",
                );
            }
        }
        if let Some(values) = &field.enum_values {
            if !field.constraints.is_empty() {
                self.sink.error(
                    field.wire.pos,
                    "an inline `enum` lists the allowed values; other constraints do not apply",
                );
            }
            if base != Base::String && base != Base::Integer {
                self.sink.error(
                    field.ty.pos,
                    "an inline `enum` needs type string or integer",
                );
            }
            self.enum_values(values, &field.wire);
            let name = field.rust_type.as_ref().map(|t| t.value.clone());
            self.rust_type(field, name);
        } else if let Some(TypeExpr::List(values) | TypeExpr::Map(values)) = ty {
            if field.constraints.pattern.is_some() || field.samples.is_some() {
                self.sink.error(
                    field.wire.pos,
                    "a pattern on the values of a list or map belongs on a named scalar type (`list<OrderNo>`), where its samples are tested",
                );
            }
            let value_base = base_of(Some(values));
            let (values_constrained, counts) = split_counts(&field.constraints);
            let values_constrained = Constraints {
                pattern: None,
                ..values_constrained
            };
            if !values_constrained.is_empty() {
                if value_base == Base::String || value_base == Base::Integer {
                    self.constraints(&values_constrained, value_base, None, &field.wire);
                } else {
                    let message = format!(
                        "constraints on the values of `{}` need values of type string or integer",
                        field.wire.value
                    );
                    self.sink.error(field.wire.pos, message);
                }
            }
            if let Some(unit) = &counts.length_unit {
                if counts.max_key_length.is_none() && values_constrained.is_empty() {
                    self.sink.error(
                        unit.pos,
                        "`length_unit` needs `min_length`, `max_length` or `max_key_length`",
                    );
                }
            }
        } else if !split_counts(&field.constraints).0.is_empty() {
            if base == Base::Other || base == Base::Boolean {
                let message = format!(
                    "constraints on `{}` need type string or integer; put them on the named type instead",
                    field.wire.value
                );
                self.sink.error(field.wire.pos, message);
            } else {
                self.constraints(
                    &field.constraints,
                    base,
                    field.samples.as_ref(),
                    &field.wire,
                );
                self.rust_type(field, field.rust_type.as_ref().map(|t| t.value.clone()));
            }
        } else if let Some(rust_type) = &field.rust_type {
            self.sink.error(
                rust_type.pos,
                "`rust_type` names the newtype of a constrained field or inline enum",
            );
        }
        if field.samples.is_some() && field.constraints.is_empty() {
            self.sink.error(
                field.wire.pos,
                "`samples` belong to a field with constraints",
            );
        }
        if let Some(default) = &field.default {
            self.default(field, default, base);
        }
    }

    /// `min_items`, `max_items` count a list's items or a map's entries and `max_key_length`
    /// bounds a map's keys; on anything else they mean nothing, and an absurd bound is a typo.
    fn container_bounds(&mut self, field: &FieldSpec) {
        let c = &field.constraints;
        let ty = field.ty.value.as_ref();
        let container = matches!(ty, Some(TypeExpr::List(_) | TypeExpr::Map(_)));
        for (bound, key) in [(&c.min_items, "min_items"), (&c.max_items, "max_items")] {
            if let Some(bound) = bound {
                if !container {
                    let message = format!("`{key}` applies to lists and maps");
                    self.sink.error(bound.pos, message);
                }
            }
        }
        if let Some(bound) = &c.max_key_length {
            if !matches!(ty, Some(TypeExpr::Map(_))) {
                self.sink
                    .error(bound.pos, "`max_key_length` applies to maps");
            }
        }
        for bound in [&c.min_items, &c.max_items, &c.max_key_length]
            .into_iter()
            .flatten()
        {
            if bound.value < 0 {
                self.sink
                    .error(bound.pos, "a count or length is not negative");
            }
            if bound.value > MAX_LENGTH_BOUND {
                let message = format!(
                    "a count or length is at most {MAX_LENGTH_BOUND}: no gateway message is larger"
                );
                self.sink.error(bound.pos, message);
            }
        }
        if let (Some(min), Some(max)) = (&c.min_items, &c.max_items) {
            if min.value > max.value {
                self.sink.error(max.pos, "`max_items` is below `min_items`");
            }
        }
    }

    /// A `const` is a value the client sends itself: of the field's type, and neither filled
    /// another way (`auto`) nor assumed when absent (`default`).
    fn constant(&mut self, field: &FieldSpec, constant: &Spanned<Scalar>, base: Base) {
        if field.auto.is_some() {
            self.sink.error(
                constant.pos,
                "a field is `const` or `auto`, not both: the client fills it one way",
            );
        }
        if field.default.is_some() {
            self.sink.error(
                constant.pos,
                "a `const` field is always sent, so it has no `default`",
            );
        }
        if !self.literal_fits(field, &constant.value, base) {
            self.sink
                .error(constant.pos, "the constant does not fit the field's type");
        }
    }

    /// Whether `value` is a value of the field's type: its base type, or a value of its enum.
    fn literal_fits(&self, field: &FieldSpec, value: &Scalar, base: Base) -> bool {
        match (value, base) {
            (Scalar::Str(_), Base::String)
            | (Scalar::Int(_), Base::Integer)
            | (Scalar::Bool(_), Base::Boolean) => true,
            (value, Base::Other) => match &field.enum_values {
                Some(values) => values.iter().any(|v| &v.value.value == value),
                None => match &field.ty.value {
                    Some(TypeExpr::Named(ty)) => self.named_enum_contains(ty, value),
                    _ => false,
                },
            },
            _ => false,
        }
    }

    fn rust_type(&mut self, field: &FieldSpec, name: Option<String>) {
        if let (Some(name), Some(text)) = (name, &field.rust_type) {
            if name.to_upper_camel_case() != name {
                self.sink
                    .error(text.pos, "`rust_type` is an UpperCamelCase type name");
            }
        }
    }

    fn default(&mut self, field: &FieldSpec, default: &Spanned<Scalar>, base: Base) {
        if field.required {
            self.sink.error(
                default.pos,
                "a required field has no default: the caller always sends it",
            );
        }
        if !self.literal_fits(field, &default.value, base) {
            self.sink
                .error(default.pos, "the default does not fit the field's type");
        }
    }

    fn is_string_scalar(&self, name: &str) -> bool {
        self.spec.types.iter().any(|t| {
            t.name.value == name
                && matches!(&t.body, TypeBody::Scalar(s) if s.base.value == ScalarBase::String)
        })
    }

    /// Whether `ty` names an enum with `value`; other named types accept their base literal.
    fn named_enum_contains(&self, ty: &str, value: &Scalar) -> bool {
        match self
            .spec
            .types
            .iter()
            .find(|t| t.name.value == ty)
            .map(|t| &t.body)
        {
            Some(TypeBody::Enum(values)) => values.iter().any(|v| &v.value.value == value),
            Some(TypeBody::Scalar(scalar)) => matches!(
                (scalar.base.value, value),
                (ScalarBase::String, Scalar::Str(_)) | (ScalarBase::Integer, Scalar::Int(_))
            ),
            _ => false,
        }
    }

    fn constraints(
        &mut self,
        c: &Constraints,
        base: Base,
        samples: Option<&Samples>,
        owner: &Text,
    ) {
        let string_only = [(&c.min_length, "min_length"), (&c.max_length, "max_length")];
        let integer_only = [(&c.min, "min"), (&c.max, "max")];
        if base != Base::String {
            for (value, key) in string_only {
                if let Some(v) = value {
                    let message = format!("`{key}` applies to strings");
                    self.sink.error(v.pos, message);
                }
            }
            for (pos, key) in [
                (c.pattern.as_ref().map(|v| v.pos), "pattern"),
                (c.format.as_ref().map(|v| v.pos), "format"),
                (c.length_unit.as_ref().map(|v| v.pos), "length_unit"),
            ] {
                if let Some(pos) = pos {
                    let message = format!("`{key}` applies to strings");
                    self.sink.error(pos, message);
                }
            }
        }
        if base != Base::Integer {
            for (value, key) in integer_only {
                if let Some(v) = value {
                    let message = format!(
                        "`{key}` applies to integers; use min_length/max_length for strings"
                    );
                    self.sink.error(v.pos, message);
                }
            }
        }
        if let (Some(min), Some(max)) = (&c.min, &c.max) {
            if min.value > max.value {
                self.sink.error(max.pos, "`max` is below `min`");
            }
        }
        for length in [&c.min_length, &c.max_length].into_iter().flatten() {
            if length.value < 0 {
                self.sink.error(length.pos, "a length is not negative");
            }
            if length.value > MAX_LENGTH_BOUND {
                let message = format!(
                    "a length is at most {MAX_LENGTH_BOUND}: no gateway field is longer, and \
                     generated tests build values of this length"
                );
                self.sink.error(length.pos, message);
            }
        }
        if let (Some(min), Some(max)) = (&c.min_length, &c.max_length) {
            if min.value > max.value {
                self.sink
                    .error(max.pos, "`max_length` is below `min_length`");
            }
        }
        if let Some(unit) = &c.length_unit {
            if c.min_length.is_none() && c.max_length.is_none() {
                self.sink
                    .error(unit.pos, "`length_unit` needs `min_length` or `max_length`");
            }
        }
        if let Some(pattern) = &c.pattern {
            if pattern.value.len() > MAX_PATTERN_BYTES {
                let message = format!(
                    "a pattern is at most {MAX_PATTERN_BYTES} bytes: it is compiled into every \
                     generated client"
                );
                self.sink.error(pattern.pos, message);
            } else if let Err(err) = regex_lite::Regex::new(&pattern.value) {
                let message = format!("the generator cannot enforce this pattern: {err}");
                self.sink.error(pattern.pos, message);
            }
            let has_both = samples.is_some_and(|s| !s.valid.is_empty() && !s.invalid.is_empty());
            if !has_both {
                let message = format!(
                    "`{}` has a pattern: give `samples` with at least one `valid` and one `invalid` value, so the pattern is tested",
                    owner.value
                );
                self.sink.error(pattern.pos, message);
            }
        }
        if let Some(samples) = samples {
            for sample in samples.valid.iter().chain(&samples.invalid) {
                let fits = matches!(
                    (&sample.value, base),
                    (Scalar::Str(_), Base::String) | (Scalar::Int(_), Base::Integer)
                );
                if !fits {
                    self.sink.error(sample.pos, "a sample has the value's type");
                }
            }
        }
    }

    fn enum_values(&mut self, values: &[EnumValueSpec], owner: &Text) {
        if values.is_empty() {
            let message = format!("enum `{}` needs at least one value", owner.value);
            self.sink.error(owner.pos, message);
            return;
        }
        let integers = matches!(values[0].value.value, Scalar::Int(_));
        let mut seen_values = Vec::new();
        let mut seen_variants = BTreeSet::new();
        for value in values {
            match (&value.value.value, integers) {
                (Scalar::Str(_), false) | (Scalar::Int(_), true) => {}
                (Scalar::Bool(_), _) => {
                    self.sink
                        .error(value.value.pos, "enum values are strings or integers");
                }
                _ => self.sink.error(
                    value.value.pos,
                    "all values of an enum are strings or all are integers",
                ),
            }
            if integers && value.name.is_none() {
                self.sink
                    .error(value.value.pos, "an integer enum value needs a `name`");
            }
            if let Some(name) = &value.name {
                self.snake(name, "an enum value name");
            }
            if seen_values.contains(&&value.value.value) {
                self.sink
                    .error(value.value.pos, "this enum value is listed twice");
            }
            seen_values.push(&value.value.value);
            let variant = value.variant();
            let valid = variant
                .chars()
                .next()
                .is_some_and(|c| c.is_ascii_uppercase())
                && variant.chars().all(|c| c.is_ascii_alphanumeric())
                && variant != "Unknown"
                && variant != "Self";
            if !valid {
                let message = format!(
                    "enum value {:?} gives no usable Rust variant (`{variant}`); add `name`",
                    value.value.value
                );
                self.sink.error(value.value.pos, message);
            } else if !seen_variants.insert(variant.clone()) {
                let message = format!(
                    "two values of this enum give the Rust variant `{variant}`; add `name`"
                );
                self.sink.error(value.value.pos, message);
            }
        }
    }

    fn rule(&mut self, body: &ObjectSpec, kind: &RuleKindSpec, pos: crate::yaml::Pos) {
        let known = |sink: &mut Sink, name: &Text| {
            let found = body.fields.iter().find(|f| f.wire.value == name.value);
            if found.is_none() {
                let message = format!(
                    "the rule names `{}`, which is not a field of this object",
                    name.value
                );
                sink.error(name.pos, message);
            }
            found
        };
        match kind {
            RuleKindSpec::NotGreater(list) => {
                if list.len() != 2 {
                    self.sink.error(
                        pos,
                        "`not_greater` names two fields: the lower, then the upper",
                    );
                }
                for name in list {
                    known(self.sink, name);
                }
            }
            RuleKindSpec::Together(list)
            | RuleKindSpec::OneOf(list)
            | RuleKindSpec::Exclusive(list) => {
                if list.len() < 2 {
                    self.sink
                        .error(pos, "this rule relates at least two fields");
                }
                let mut seen = BTreeSet::new();
                for name in list {
                    if !seen.insert(name.value.as_str()) {
                        self.sink
                            .error(name.pos, "a field is named twice in this rule");
                    }
                    if let Some(field) = known(self.sink, name) {
                        if field.required {
                            let message = format!(
                                "`{}` is required, so this rule can never apply to it",
                                name.value
                            );
                            self.sink.error(name.pos, message);
                        }
                    }
                }
            }
            RuleKindSpec::RequiredIf {
                fields,
                when,
                equals,
                not_equals,
            } => {
                if let (Some(_), Some(other)) = (equals, not_equals) {
                    self.sink.error(
                        other.pos,
                        "`required_if` takes `equals` or `not_equals`, not both",
                    );
                }
                let equals = equals.as_ref().or(not_equals.as_ref());
                for name in fields {
                    if let Some(field) = known(self.sink, name) {
                        if field.required {
                            let message = format!("`{}` is already required", name.value);
                            self.sink.error(name.pos, message);
                        }
                    }
                    if name.value == when.value {
                        self.sink.error(name.pos, "a field cannot require itself");
                    }
                }
                let decisive = self.path_field(body, when);
                if let Some((_, true)) = decisive {
                    self.sink.error(
                        when.pos,
                        "a `when` field is one value: its path goes through no list (`[]`)",
                    );
                }
                if let (Some((field, _)), Some(equals)) = (decisive, equals) {
                    self.equals_fits(&field, equals, when);
                }
            }
            RuleKindSpec::Sum { of, equals } => self.sum_rule(body, of, equals),
            RuleKindSpec::When {
                when,
                equals,
                field,
                constraints,
                values,
                then_pos,
            } => {
                if let Some((decisive, through_list)) = self.path_field(body, when) {
                    if through_list {
                        self.sink.error(
                            when.pos,
                            "a `when` field is one value: its path goes through no list (`[]`)",
                        );
                    }
                    self.equals_fits(&decisive, equals, when);
                }
                if let Some((target, _)) = self.path_field(body, field) {
                    self.then_demands(&target, constraints, values, field);
                }
                if constraints.is_empty() && values.is_empty() {
                    self.sink.error(
                        *then_pos,
                        "`then` demands nothing: give constraints or `values`",
                    );
                }
            }
        }
    }

    fn equals_fits(&mut self, field: &FieldSpec, equals: &Spanned<Scalar>, when: &Text) {
        let fits = match (&equals.value, &field.ty.value) {
            (Scalar::Str(_), Some(TypeExpr::String))
            | (Scalar::Int(_), Some(TypeExpr::Integer))
            | (Scalar::Bool(_), Some(TypeExpr::Boolean)) => true,
            (value, Some(TypeExpr::Named(ty))) => self.named_enum_contains(ty, value),
            (value, _) => field
                .enum_values
                .as_ref()
                .is_some_and(|values| values.iter().any(|v| &v.value.value == value)),
        };
        if !fits {
            let message = format!("`equals` does not fit the type of `{}`", when.value);
            self.sink.error(equals.pos, message);
        }
    }

    /// `sum: {of, equals}` adds the numbers of a list's items up to one total.
    fn sum_rule(&mut self, body: &ObjectSpec, of: &Text, equals: &Text) {
        let spec = self.spec;
        let numeric = |field: &FieldSpec| {
            matches!(
                base_of(field.ty.value.as_ref()),
                Base::Integer | Base::String
            ) || matches!(&field.ty.value, Some(TypeExpr::Digits))
                || matches!(&field.ty.value, Some(TypeExpr::Named(name)) if is_scalar(spec, name))
        };
        if let Some((field, through_list)) = self.path_field(body, of) {
            if !through_list {
                self.sink.error(
                    of.pos,
                    "`sum` adds up the items of a list: `of` goes through one (`cart[].amount`)",
                );
            }
            if !numeric(&field) {
                self.sink
                    .error(of.pos, "`sum` adds numbers: integers or decimal strings");
            }
        }
        if let Some((field, through_list)) = self.path_field(body, equals) {
            if through_list {
                self.sink.error(
                    equals.pos,
                    "the total of a `sum` is one value: its path goes through no list",
                );
            }
            if !numeric(&field) {
                self.sink.error(
                    equals.pos,
                    "`sum` adds numbers: integers or decimal strings",
                );
            }
        }
    }

    /// What a `when` rule's `then` demands must fit the field it names.
    fn then_demands(
        &mut self,
        target: &FieldSpec,
        constraints: &Constraints,
        values: &[Spanned<Scalar>],
        path: &Text,
    ) {
        let ty = target.ty.value.as_ref();
        let base = match ty {
            Some(TypeExpr::Named(name)) if self.is_string_scalar(name) => Base::String,
            Some(TypeExpr::Named(name)) if self.is_scalar(name) => Base::Integer,
            _ => base_of(ty),
        };
        if let Some(pattern) = &constraints.pattern {
            self.sink.error(
                pattern.pos,
                "a rule's `then` takes no `pattern`: give the field a named scalar type, where samples test it",
            );
        }
        let (value_bounds, counts) = split_counts(constraints);
        let value_bounds = Constraints {
            pattern: None,
            ..value_bounds
        };
        if !value_bounds.is_empty() {
            self.constraints(&value_bounds, base, None, path);
        }
        let container = matches!(ty, Some(TypeExpr::List(_) | TypeExpr::Map(_)));
        for bound in [&counts.min_items, &counts.max_items, &counts.max_key_length]
            .into_iter()
            .flatten()
        {
            if !container {
                self.sink
                    .error(bound.pos, "counts and key lengths apply to lists and maps");
            }
        }
        for value in values {
            if !self.literal_fits(target, &value.value, base) {
                let message = format!("this value does not fit the type of `{}`", path.value);
                self.sink.error(value.pos, message);
            }
        }
    }

    /// The field a rule's path ends at, and whether the path goes through a list; `None` after
    /// saying why the path names nothing.
    fn path_field(&mut self, body: &ObjectSpec, path: &Text) -> Option<(FieldSpec, bool)> {
        let steps: Vec<PathStep> = path_steps(&path.value).collect();
        let mut fields: Vec<FieldSpec> = body.fields.clone();
        let mut through_list = false;
        for (i, step) in steps.iter().enumerate() {
            let Some(field) = fields.iter().find(|f| f.wire.value == step.wire) else {
                let message = format!(
                    "the rule names `{}`, which is not a field {}",
                    step.wire,
                    if i == 0 {
                        "of this object".to_owned()
                    } else {
                        format!("of `{}`", steps[i - 1].wire)
                    }
                );
                self.sink.error(path.pos, message);
                return None;
            };
            let ty = field.ty.value.as_ref();
            let is_list = matches!(ty, Some(TypeExpr::List(_)));
            let last = i + 1 == steps.len();
            // A path may end at a list itself (its count, its presence), not go on through one.
            if step.each != is_list && !(last && is_list) {
                let message = if is_list {
                    format!(
                        "`{}` is a list: write `{}[]` to reach each item",
                        step.wire, step.wire
                    )
                } else {
                    format!(
                        "`{}` is not a list, so `{}[]` names nothing",
                        step.wire, step.wire
                    )
                };
                self.sink.error(path.pos, message);
                return None;
            }
            through_list |= step.each;
            if i + 1 == steps.len() {
                return Some((field.clone(), through_list));
            }
            let named = match ty {
                Some(TypeExpr::Named(name)) => Some(name.as_str()),
                Some(TypeExpr::List(inner)) => inner
                    .referenced()
                    .filter(|_| matches!(inner.as_ref(), TypeExpr::Named(_))),
                _ => None,
            };
            let object = named.and_then(|name| self.object_named(name));
            let Some(object) = object else {
                let message = format!(
                    "`{}` is no object, so the path cannot go on below it",
                    step.wire
                );
                self.sink.error(path.pos, message);
                return None;
            };
            fields = object.fields.clone();
        }
        None
    }

    /// The object type of this name.
    fn object_named(&self, name: &str) -> Option<&ObjectSpec> {
        self.spec.types.iter().find_map(|t| match &t.body {
            TypeBody::Object(body) if t.name.value == name => Some(body),
            _ => None,
        })
    }

    fn is_scalar(&self, name: &str) -> bool {
        is_scalar(self.spec, name)
    }

    /// A type that contains itself, directly or through other types, has no finite Rust
    /// layout; such specs are refused, each cycle once, at the type where it is first entered.
    fn cycles(&mut self) {
        let spec = self.spec;
        let mut reported = BTreeSet::new();
        for def in &spec.types {
            let mut path = vec![def.name.value.as_str()];
            if let Some(cycle) = cycle_from(spec, &mut path) {
                let mut members: Vec<&str> = cycle[..cycle.len() - 1].to_vec();
                members.sort_unstable();
                if cycle[0] == def.name.value && reported.insert(members) {
                    let message = format!(
                        "type `{}` contains itself ({}); the generated crate cannot hold it",
                        def.name.value,
                        cycle.join(" -> ")
                    );
                    self.sink.error(def.name.pos, message);
                }
            }
        }
    }

    /// Every `{name}` in an environment's URL is a declared variable and every declared
    /// variable is used: a merchant is never asked for a value that goes nowhere.
    fn url_variables(&mut self, env: &crate::spec::EnvironmentSpec) {
        let mut used = Vec::new();
        for part in url_parts(&env.url.value) {
            match part {
                UrlPart::Variable(name) => {
                    if !env.variables.iter().any(|(v, _)| v.value == name) {
                        let message = format!(
                            "unknown URL variable `{{{name}}}`: declare it under `variables`"
                        );
                        self.sink.error(env.url.pos, message);
                    }
                    used.push(name);
                }
                UrlPart::Malformed(text) => {
                    let message = format!(
                        "`{text}` in an environment url: a variable is `{{snake_case_name}}`"
                    );
                    self.sink.error(env.url.pos, message);
                }
                UrlPart::Fixed(_) => {}
            }
        }
        for (variable, _) in &env.variables {
            self.snake(variable, "a URL variable");
            if !used.contains(&variable.value.as_str()) {
                let message = format!(
                    "URL variable `{}` does not appear in the url as `{{{}}}`",
                    variable.value, variable.value
                );
                self.sink.error(variable.pos, message);
            }
        }
    }

    /// An exception names a line of the document, part of the finding it accepts and why: an
    /// empty `finding` would accept every finding on its line.
    fn doc_check_exceptions(&mut self, source: &crate::spec::SourceDoc) {
        for exception in &source.doc_check_exceptions {
            if exception.line.value < 1 {
                self.sink.error(
                    exception.line.pos,
                    "a doc-check exception's `line` is a line of the document, 1 or more",
                );
            }
            if exception.finding.value.trim().is_empty() {
                self.sink.error(
                    exception.finding.pos,
                    "a doc-check exception's `finding` quotes part of the finding it accepts",
                );
            }
            if exception.reason.value.trim().is_empty() {
                self.sink.error(
                    exception.reason.pos,
                    "a doc-check exception's `reason` says why the spec differs from the document",
                );
            }
        }
    }

    fn snake(&mut self, name: &Text, what: &str) {
        let valid = name
            .value
            .chars()
            .next()
            .is_some_and(|c| c.is_ascii_lowercase())
            && name.value.to_snake_case() == name.value
            && syn::parse_str::<syn::Ident>(&name.value).is_ok();
        if !valid {
            let message = format!(
                "{what} is snake_case and not a Rust keyword: `{}`",
                name.value
            );
            self.sink.error(name.pos, message);
        }
    }

    fn upper_camel(&mut self, name: &Text, what: &str) {
        let starts_upper = name.value.starts_with(|c: char| c.is_ascii_uppercase());
        if !starts_upper || name.value.to_upper_camel_case() != name.value {
            let message = format!("{what} is UpperCamelCase: `{}`", name.value);
            self.sink.error(name.pos, message);
        }
    }
}

/// The named type a field's type refers to, inside lists and maps too.
/// Whether `name` is a named scalar type of `spec`.
fn is_scalar(spec: &Spec, name: &str) -> bool {
    spec.types
        .iter()
        .any(|t| t.name.value == name && matches!(t.body, TypeBody::Scalar(_)))
}

/// What a field's value is, as far as constraints care.
fn base_of(ty: Option<&TypeExpr>) -> Base {
    match ty {
        Some(TypeExpr::String) => Base::String,
        Some(TypeExpr::Integer) => Base::Integer,
        Some(TypeExpr::Boolean) => Base::Boolean,
        _ => Base::Other,
    }
}

/// A container's constraints split into those on its values and those on the container itself
/// (counts, key length, with the length unit they share).
fn split_counts(c: &Constraints) -> (Constraints, Constraints) {
    let values = Constraints {
        min_items: None,
        max_items: None,
        max_key_length: None,
        ..c.clone()
    };
    let counts = Constraints {
        min_items: c.min_items.clone(),
        max_items: c.max_items.clone(),
        max_key_length: c.max_key_length.clone(),
        length_unit: c.length_unit.clone(),
        ..Constraints::default()
    };
    (values, counts)
}

fn named_inside(ty: &TypeExpr) -> Option<&str> {
    match ty {
        TypeExpr::Named(name) => Some(name),
        TypeExpr::List(inner) | TypeExpr::Map(inner) => named_inside(inner),
        _ => None,
    }
}

/// The first path from the last type of `path` back to `path[0]`, through field types.
fn cycle_from<'a>(spec: &'a Spec, path: &mut Vec<&'a str>) -> Option<Vec<&'a str>> {
    let current = *path.last()?;
    let Some(TypeBody::Object(body)) = spec
        .types
        .iter()
        .find(|t| t.name.value == current)
        .map(|t| &t.body)
    else {
        return None;
    };
    for field in &body.fields {
        let Some(next) = field.ty.value.as_ref().and_then(named_inside) else {
            continue;
        };
        if next == path[0] {
            let mut cycle = path.clone();
            cycle.push(next);
            return Some(cycle);
        }
        if path.contains(&next) {
            continue;
        }
        path.push(next);
        let found = cycle_from(spec, path);
        path.pop();
        if found.is_some() {
            return found;
        }
    }
    None
}

/// The top-level fields recipes read a signature from.
fn signature_fields(spec: &Spec) -> BTreeSet<&str> {
    spec.signature
        .iter()
        .flat_map(|s| &s.recipes)
        .filter_map(|recipe| match &recipe.placement {
            PlacementSpec::Field(path) => path.value.split('.').next(),
            PlacementSpec::EachItem { .. }
            | PlacementSpec::Header { .. }
            | PlacementSpec::Path(_)
            | PlacementSpec::Query(_) => None,
        })
        .collect()
}

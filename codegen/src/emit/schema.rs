//! `src/schema.rs`: the spec as static data the runtime interprets to validate, sign, verify and
//! route. Public, so tools built on a generated crate (a CLI, a simulator) read the same facts.
//! Plain data, so printed straight to text ([`super::pretty`]) rather than through tokens.

use crate::case::ToShoutySnakeCase;
use oneclick_schema::ClosedSet;

use super::pretty::{Static, Value};
use super::recipes::{recipe_refs, recipe_statics};
use super::scalars::constraints_const;
use crate::ir::{
    AnswerEncoding, Auto, CallbackReply, Charset, Constraint, Delivery, ErrorBody, Gateway,
    Literal, Location, ObjectType, Operation, Polling, ReplyPart, ResultCode, ResultRef,
    ResultSpec, Rule, SignItem, SignShape, TypeRef,
};

/// The text of `src/schema.rs` after its header line.
pub(super) fn schema(gateway: &Gateway) -> String {
    let mut statics = gateway_statics(gateway);
    statics.extend(recipe_statics(gateway));
    statics.extend(gateway.enums.iter().map(|e| Static {
        docs: format!("Values of [`crate::{}`].", e.name),
        public: true,
        name: name(&e.schema_const),
        ty: "Enum".into(),
        value: Value::fields(
            "Enum",
            [
                ("name", Value::str(&e.name)),
                (
                    "values",
                    Value::slice(e.values.iter().map(|v| literal(&v.wire))),
                ),
            ],
        ),
    }));
    for scalar in &gateway.scalars {
        let (patterns, list) =
            constraint_list(&scalar.name.to_shouty_snake_case(), &scalar.constraints);
        statics.extend(patterns);
        statics.push(Static {
            docs: format!("Constraints of [`crate::{}`].", scalar.name),
            public: true,
            name: constraints_const(scalar).to_string(),
            ty: "&[Constraint]".into(),
            value: list,
        });
    }
    for object in &gateway.objects {
        statics.extend(object_statics(gateway, object));
    }
    statics.extend(
        gateway
            .operations
            .iter()
            .map(|op| operation_static(gateway, op)),
    );
    statics.extend(
        gateway
            .callbacks
            .iter()
            .map(|c| callback_static(gateway, c)),
    );
    statics.extend(gateway.polling.iter().map(|p| polling_static(gateway, p)));
    let mut out = String::with_capacity(64 * 1024);
    out.push_str("//! The spec as data: what the runtime validates, signs and sends.\n");
    out.push_str("use oneclick_runtime::schema::*;\n");
    for item in &statics {
        out.push('\n');
        item.print_into(&mut out);
    }
    out
}

/// A static's name as an identifier.
pub(super) fn name(text: &str) -> String {
    super::ident(text).to_string()
}

/// A `Literal` value: `Literal::Str("card")`.
fn literal(value: &Literal) -> Value {
    match value {
        Literal::Str(s) => Value::call("Literal::Str", [Value::str(s)]),
        Literal::Int(i) => Value::call("Literal::Int", [Value::int(i)]),
        Literal::Bool(b) => Value::call("Literal::Bool", [Value::bool(*b)]),
    }
}

/// `Some("…")` or `None`.
fn option_str(text: &Option<String>) -> Value {
    Value::option(text.as_deref().map(Value::str))
}

fn callback_static(gateway: &Gateway, c: &crate::ir::Callback) -> Static {
    let message = &gateway.objects[c.message];
    let signature = match message.signature {
        Some(_) => Value::path(signature_const(message)),
        None => Value::slice([]),
    };
    let result = match &c.result {
        Some(ResultRef::Own(result)) => Some(Value::reference(result_spec(result))),
        Some(ResultRef::Gateway) => Some(Value::reference(Value::path("RESULT"))),
        None => None,
    };
    let method = super::callback_method_name(gateway, c);
    let docs = if method.starts_with("verify_") {
        format!("The `{}` callback, verified by `Client::{method}`.", c.id)
    } else {
        format!(
            "The `{}` callback, decoded without any verification by `Client::{method}`.",
            c.id
        )
    };
    Static {
        docs,
        public: true,
        name: name(&c.schema_const),
        ty: "Callback".into(),
        value: Value::fields(
            "Callback",
            [
                ("id", Value::str(&c.id)),
                ("summary", Value::str(summary(&c.doc))),
                (
                    "message",
                    Value::reference(Value::path(name(&message.schema_const))),
                ),
                ("recipes", recipe_refs(gateway, &message.recipes)),
                ("signature", signature),
                (
                    "token_field",
                    Value::option(c.token_field.as_ref().map(|f| Value::str(&f.wire))),
                ),
                (
                    "only_signed",
                    Value::option(c.only_signed.as_deref().map(Value::strs)),
                ),
                ("delivery", closed(c.delivery)),
                ("charset", closed(c.charset)),
                ("result", Value::option(result)),
                (
                    "reply",
                    Value::option(
                        c.reply
                            .as_ref()
                            .map(|reply| Value::reference(callback_reply(reply))),
                    ),
                ),
            ],
        ),
    }
}

fn gateway_statics(gateway: &Gateway) -> Vec<Static> {
    let recipes = recipe_refs(gateway, &(0..gateway.recipes.len()).collect::<Vec<_>>());
    let statuses = |statuses: &[u16]| Value::slice(statuses.iter().map(Value::int));
    let environments = gateway
        .environments
        .iter()
        .map(|e| Value::Tuple(vec![Value::str(&e.name), Value::str(&e.url)]));
    let credentials = gateway.credentials.iter().map(|c| {
        Value::fields(
            "CredentialSpec",
            [
                ("name", Value::str(&c.name)),
                ("kind", closed(c.kind)),
                ("sensitive", Value::bool(c.sensitive)),
                ("integer", Value::bool(c.integer)),
                ("optional", Value::bool(c.optional)),
            ],
        )
    });
    let references = |names: Vec<&String>| {
        Value::slice(
            names
                .into_iter()
                .map(|n| Value::reference(Value::path(name(n)))),
        )
    };
    let result_ref = gateway
        .result
        .as_ref()
        .map(|_| Value::reference(Value::path("RESULT")));
    let mut statics = vec![Static {
        docs: "Gateway-wide facts: signature recipes, time zone, result codes, retryable statuses."
            .into(),
        public: true,
        name: "GATEWAY".into(),
        ty: "Gateway".into(),
        value: Value::fields(
            "Gateway",
            [
                ("name", Value::str(&gateway.name)),
                ("recipes", recipes),
                ("dttm_zone", closed(gateway.time_zone)),
                ("result", Value::option(result_ref)),
                (
                    "errors",
                    Value::slice(gateway.errors.iter().map(error_body)),
                ),
                ("headers", headers(&gateway.headers)),
                ("environments", Value::slice(environments)),
                ("credentials", Value::slice(credentials)),
                (
                    "operations",
                    references(gateway.operations.iter().map(|o| &o.schema_const).collect()),
                ),
                (
                    "callbacks",
                    references(gateway.callbacks.iter().map(|c| &c.schema_const).collect()),
                ),
                ("retry_http_status", statuses(&gateway.retry_http_status)),
                (
                    "unprocessed_http_status",
                    statuses(&gateway.unprocessed_http_status),
                ),
            ],
        ),
    }];
    if let Some(result) = &gateway.result {
        statics.push(Static {
            docs: "Where answers carry their result code, and what each code means.".into(),
            public: true,
            name: "RESULT".into(),
            ty: "ResultSpec".into(),
            value: result_spec(result),
        });
    }
    statics
}

/// An `ErrorBody` value.
fn error_body(body: &ErrorBody) -> Value {
    Value::fields(
        "ErrorBody",
        [
            ("shape", closed(body.shape)),
            ("field", option_str(&body.field)),
            ("code", Value::str(&body.code)),
            ("message", Value::str(&body.message)),
            ("detail", option_str(&body.detail)),
            (
                "http_status",
                Value::slice(body.http_status.iter().map(Value::int)),
            ),
        ],
    )
}

/// A `CallbackReply` value.
fn callback_reply(reply: &CallbackReply) -> Value {
    let parts = reply.body.iter().map(|part| match part {
        ReplyPart::Text(text) => Value::call("ReplyPart::Text", [Value::str(text)]),
        ReplyPart::Field(wire) => Value::call("ReplyPart::Field", [Value::str(wire)]),
    });
    Value::fields(
        "CallbackReply",
        [
            ("format", closed(reply.format)),
            ("body", Value::slice(parts)),
        ],
    )
}

/// A `ResultSpec` value.
fn result_spec(result: &ResultSpec) -> Value {
    let secondary = result.secondary.as_ref().map(|second| {
        Value::fields(
            "SecondaryCode",
            [
                ("field", Value::str(&second.field)),
                ("codes", result_code_infos(&second.codes)),
            ],
        )
    });
    Value::fields(
        "ResultSpec",
        [
            ("code_field", Value::str(&result.code_field)),
            ("message_field", option_str(&result.message_field)),
            ("codes", result_code_infos(&result.codes)),
            ("secondary", Value::option(secondary)),
        ],
    )
}

/// The `&[ResultCodeInfo]` value for a list of codes.
fn result_code_infos(codes: &[ResultCode]) -> Value {
    Value::slice(codes.iter().map(|c| {
        Value::fields(
            "ResultCodeInfo",
            [
                ("code", literal(&c.code)),
                ("name", Value::str(&c.name)),
                ("meaning", closed(c.meaning)),
            ],
        )
    }))
}

/// Pattern statics and the `&[Constraint]` value for a list of constraints.
fn constraint_list(prefix: &str, constraints: &[Constraint]) -> (Vec<Static>, Value) {
    let mut patterns = Vec::new();
    let length = |variant: &str, n: usize, unit: crate::ir::LengthUnit| {
        Value::call(variant, [Value::int(n), closed(unit)])
    };
    let items: Vec<Value> = constraints
        .iter()
        .map(|c| match c {
            Constraint::Min(v) => Value::call("Constraint::Min", [Value::int(v)]),
            Constraint::Max(v) => Value::call("Constraint::Max", [Value::int(v)]),
            Constraint::MinLength(n, unit) => length("Constraint::MinLength", *n, *unit),
            Constraint::MaxLength(n, unit) => length("Constraint::MaxLength", *n, *unit),
            Constraint::Pattern(source) => {
                let pattern = format!("{prefix}_PATTERN");
                patterns.push(Static {
                    docs: String::new(),
                    public: false,
                    name: pattern.clone(),
                    ty: "Pattern".into(),
                    value: Value::call("Pattern::new", [Value::str(source)]),
                });
                Value::call(
                    "Constraint::Pattern",
                    [Value::reference(Value::path(pattern))],
                )
            }
            Constraint::Format(format) => Value::call("Constraint::Format", [closed(*format)]),
            Constraint::MinItems(n) => Value::call("Constraint::MinItems", [Value::int(n)]),
            Constraint::MaxItems(n) => Value::call("Constraint::MaxItems", [Value::int(n)]),
            Constraint::MaxKeyLength(n, unit) => length("Constraint::MaxKeyLength", *n, *unit),
        })
        .collect();
    (patterns, Value::slice(items))
}

/// A value of a closed set as generated code spells it: `Format::IsoDate`.
fn closed<T: ClosedSet>(value: T) -> Value {
    Value::path(format!("{}::{}", T::TYPE_NAME, value.variant_name()))
}

fn kind(gateway: &Gateway, ty: &TypeRef) -> Value {
    match ty {
        TypeRef::String => Value::path("Kind::String"),
        TypeRef::Integer => Value::path("Kind::Integer"),
        TypeRef::Boolean => Value::path("Kind::Boolean"),
        TypeRef::Json => Value::path("Kind::Any"),
        // Both travel as one string; their Rust types keep the digits and the items.
        TypeRef::MonthYear | TypeRef::Digits | TypeRef::CommaList(_) => Value::path("Kind::String"),
        TypeRef::Scalar(i) => match gateway.scalars[*i].base {
            crate::ir::ScalarBase::String => Value::path("Kind::String"),
            crate::ir::ScalarBase::Integer => Value::path("Kind::Integer"),
        },
        TypeRef::Enum(i) => Value::call(
            "Kind::Enum",
            [Value::reference(Value::path(name(
                &gateway.enums[*i].schema_const,
            )))],
        ),
        TypeRef::Object(i) => Value::call(
            "Kind::Object",
            [Value::reference(Value::path(name(
                &gateway.objects[*i].schema_const,
            )))],
        ),
        TypeRef::List(inner) => Value::call("Kind::List", [Value::reference(kind(gateway, inner))]),
        TypeRef::Map(inner) => Value::call("Kind::Map", [Value::reference(kind(gateway, inner))]),
    }
}

/// A `Field` value: `Field::new(wire, kind)` and a builder call per fact beyond those.
fn field_value(
    gateway: &Gateway,
    object: &ObjectType,
    field: &crate::ir::Field,
    patterns: &mut Vec<Static>,
) -> Value {
    let mut value = Value::call(
        "Field::new",
        [Value::str(&field.wire), kind(gateway, &field.ty)],
    );
    if field.required {
        value = value.method("required", []);
    }
    match field.location {
        Location::Body => {}
        Location::Path => value = value.method("in_path", []),
        Location::Query => value = value.method("in_query", []),
        Location::Header => value = value.method("in_header", []),
    }
    if let Some(auto) = &field.auto {
        let auto = match auto {
            Auto::Dttm => Value::path("Auto::Dttm"),
            Auto::Signature => Value::path("Auto::Signature"),
            Auto::Credential(c) => Value::call("Auto::Credential", [Value::str(c)]),
            Auto::Const(value) => Value::call("Auto::Const", [literal(value)]),
        };
        value = value.method("auto", [auto]);
    }
    if field.sensitive {
        value = value.method("sensitive", []);
    }
    if let Some(default) = &field.default {
        value = value.method("default", [literal(default)]);
    }
    match &field.ty {
        TypeRef::Scalar(i) => {
            let constraints = constraints_const(&gateway.scalars[*i]).to_string();
            value = value.method("constraints", [Value::path(constraints)]);
        }
        _ if field.constraints.is_empty() => {}
        _ => {
            let prefix = format!(
                "{}_{}",
                object.schema_const,
                field.wire.to_shouty_snake_case()
            );
            let (statics, list) = constraint_list(&prefix, &field.constraints);
            patterns.extend(statics);
            value = value.method("constraints", [list]);
        }
    }
    value
}

fn rule_value(object: &ObjectType, index: usize, rule: &Rule, patterns: &mut Vec<Static>) -> Value {
    match rule {
        Rule::Together(names) => Value::call("Rule::Together", [Value::strs(names)]),
        Rule::OneOf(names) => Value::call("Rule::OneOf", [Value::strs(names)]),
        Rule::Exclusive(names) => Value::call("Rule::Exclusive", [Value::strs(names)]),
        Rule::RequiredUnless { field, when, value } => Value::fields(
            "Rule::RequiredUnless",
            [
                ("field", Value::str(field)),
                ("when", Value::str(when)),
                ("value", literal(value)),
            ],
        ),
        Rule::NotGreater { lower, upper } => Value::fields(
            "Rule::NotGreater",
            [("lower", Value::str(lower)), ("upper", Value::str(upper))],
        ),
        Rule::RequiredIf {
            field,
            when,
            equals,
        } => Value::fields(
            "Rule::RequiredIf",
            [
                ("field", Value::str(field)),
                ("when", Value::str(when)),
                ("equals", Value::option(equals.as_ref().map(literal))),
            ],
        ),
        Rule::Sum { items, total } => Value::fields(
            "Rule::Sum",
            [("items", Value::str(items)), ("total", Value::str(total))],
        ),
        Rule::When {
            when,
            equals,
            field,
            constraints,
            values,
        } => {
            let prefix = format!("{}_RULE_{index}", object.schema_const);
            let (statics, constraints) = constraint_list(&prefix, constraints);
            patterns.extend(statics);
            Value::fields(
                "Rule::When",
                [
                    ("when", Value::str(when)),
                    ("equals", literal(equals)),
                    ("field", Value::str(field)),
                    ("constraints", constraints),
                    ("values", Value::slice(values.iter().map(literal))),
                ],
            )
        }
    }
}

/// An object's signature order (if it is signed), the pattern statics of its constraints and
/// its `Object` static, in that order.
fn object_statics(gateway: &Gateway, object: &ObjectType) -> Vec<Static> {
    let mut statics = Vec::new();
    if let Some(items) = &object.signature {
        statics.push(Static {
            docs: format!(
                "The order in which the fields of `{}` are signed.",
                object.spec_name
            ),
            public: true,
            name: signature_const(object),
            ty: "&[recipe::Field]".into(),
            value: sign_items(gateway, items),
        });
    }
    let fields: Vec<Value> = object
        .fields
        .iter()
        .map(|f| field_value(gateway, object, f, &mut statics))
        .collect();
    let rules: Vec<Value> = object
        .rules
        .iter()
        .enumerate()
        .map(|(index, r)| rule_value(object, index, r, &mut statics))
        .collect();
    let items = object
        .items
        .map(|element| Value::reference(Value::path(name(&gateway.objects[element].schema_const))));
    statics.push(Static {
        docs: format!("Fields and rules of [`crate::{}`].", object.name),
        public: true,
        name: name(&object.schema_const),
        ty: "Object".into(),
        value: Value::fields(
            "Object",
            [
                ("name", Value::str(&object.spec_name)),
                ("fields", Value::slice(fields)),
                ("rules", Value::slice(rules)),
                ("items", Value::option(items)),
            ],
        ),
    });
    statics
}

/// Name of the static holding an object's signature order.
fn signature_const(object: &ObjectType) -> String {
    format!("{}_SIGNATURE", object.schema_const)
}

fn sign_items(gateway: &Gateway, items: &[SignItem]) -> Value {
    Value::slice(items.iter().map(|item| {
        let wire = Value::str(&item.wire);
        match &item.shape {
            SignShape::Value => Value::call("recipe::Field::value", [wire]),
            SignShape::Object(index) => {
                let order = signature_const(&gateway.objects[*index]);
                Value::call("recipe::Field::object", [wire, Value::path(order)])
            }
            SignShape::Each(shape) => Value::call(
                "recipe::Field::each",
                [wire, Value::reference(sign_shape(gateway, shape))],
            ),
            SignShape::MapValues => Value::call("recipe::Field::map_values", [wire]),
        }
    }))
}

fn sign_shape(gateway: &Gateway, shape: &SignShape) -> Value {
    match shape {
        SignShape::Value => Value::path("recipe::Shape::Value"),
        SignShape::Object(index) => Value::call(
            "recipe::Shape::Object",
            [Value::path(signature_const(&gateway.objects[*index]))],
        ),
        SignShape::Each(inner) => Value::call(
            "recipe::Shape::Each",
            [Value::reference(sign_shape(gateway, inner))],
        ),
        SignShape::MapValues => Value::path("recipe::Shape::MapValues"),
    }
}

fn operation_static(gateway: &Gateway, op: &Operation) -> Static {
    let response = match op.response {
        Some(index) => name(&gateway.objects[index].schema_const),
        None => "NO_RESPONSE".into(),
    };
    let order = |index: Option<usize>| {
        let object = index.map(|i| &gateway.objects[i]);
        match object.filter(|o| o.signature.is_some()) {
            Some(object) => Value::path(signature_const(object)),
            None => Value::slice([]),
        }
    };
    let response_recipes = op
        .response
        .map_or(&[][..], |i| &gateway.objects[i].recipes[..]);
    let delivery = closed(match op.response {
        Some(_) => Delivery::Call,
        None => Delivery::Redirect,
    });
    let result = op
        .result
        .as_ref()
        .map(|result| Value::reference(result_spec(result)));
    Static {
        docs: format!(
            "The `{}` operation: `{} {}`.",
            op.id,
            op.method.as_str(),
            op.path
        ),
        public: true,
        name: name(&op.schema_const),
        ty: "Operation".into(),
        value: Value::fields(
            "Operation",
            [
                ("id", Value::str(&op.id)),
                ("summary", Value::str(summary(&op.doc))),
                ("method", closed(op.method)),
                ("path", Value::str(&op.path)),
                (
                    "request",
                    Value::reference(Value::path(name(&gateway.objects[op.request].schema_const))),
                ),
                ("response", Value::reference(Value::path(response))),
                (
                    "request_recipes",
                    recipe_refs(gateway, &gateway.objects[op.request].recipes),
                ),
                ("response_recipes", recipe_refs(gateway, response_recipes)),
                ("request_signature", order(Some(op.request))),
                ("response_signature", order(op.response)),
                (
                    "retryable_result_codes",
                    Value::slice(op.retryable_result_codes.iter().map(literal)),
                ),
                ("repeat", closed(op.repeat)),
                ("reconcile", Value::strs(&op.reconcile)),
                ("result", Value::option(result)),
                ("answer_matches", Value::strs(&op.answer_matches)),
                ("encoding", closed(op.encoding)),
                ("answer", answer(&op.answer)),
                ("delivery", delivery),
                ("headers", headers(&op.headers)),
            ],
        ),
    }
}

/// `Answer::JSON` for the default, so that most operations read as they did; the full value
/// otherwise.
fn answer(answer: &crate::ir::Answer) -> Value {
    if answer.encoding == AnswerEncoding::Json && answer.charset == Charset::Utf8 {
        return Value::path("Answer::JSON");
    }
    Value::fields(
        "Answer",
        [
            ("encoding", closed(answer.encoding)),
            ("literal", option_str(&answer.literal)),
            ("charset", closed(answer.charset)),
        ],
    )
}

fn polling_static(gateway: &Gateway, polling: &Polling) -> Static {
    let operation = name(&gateway.operations[polling.operation].schema_const);
    Static {
        docs: polling.doc.clone(),
        public: true,
        name: name(&polling.schema_const),
        ty: "Polling".into(),
        value: Value::fields(
            "Polling",
            [
                ("operation", Value::reference(Value::path(operation))),
                ("status_field", Value::str(&polling.status_field)),
                (
                    "pending",
                    Value::slice(polling.pending.iter().map(Value::int)),
                ),
                ("first_delay_ms", Value::int(polling.first_delay_ms)),
                ("interval_ms", Value::int(polling.interval_ms)),
                ("deadline_ms", Value::int(polling.deadline_ms)),
            ],
        ),
    }
}

fn headers(headers: &[crate::ir::Header]) -> Value {
    Value::slice(headers.iter().map(|h| {
        let value = match &h.value {
            crate::ir::HeaderValue::Credential(c) => {
                Value::call("HeaderValue::Credential", [Value::str(c)])
            }
            crate::ir::HeaderValue::Uuid => Value::path("HeaderValue::Uuid"),
            crate::ir::HeaderValue::IdempotencyKey => Value::path("HeaderValue::IdempotencyKey"),
            crate::ir::HeaderValue::Basic(user, password) => Value::call(
                "HeaderValue::Basic",
                [Value::str(user), Value::str(password)],
            ),
            crate::ir::HeaderValue::Text(text) => {
                Value::call("HeaderValue::Text", [Value::str(text)])
            }
        };
        Value::fields(
            "Header",
            [
                ("name", Value::str(&h.name)),
                ("value", value),
                ("sensitive", Value::bool(h.sensitive)),
            ],
        )
    }))
}

/// The first paragraph of a doc text, on one line: what a command-line help shows.
fn summary(doc: &str) -> String {
    doc.trim()
        .split("\n\n")
        .next()
        .unwrap_or_default()
        .split_whitespace()
        .collect::<Vec<_>>()
        .join(" ")
}

//! A gateway's wire contract as a flat set of facts, so that two specs compare key by key.
//!
//! Facts are keyed by what a maintainer would name (`operation oneclick_init · request field
//! customer.email`), never by positions in the IR: adding a type must not make every later
//! type look changed. A fact may belong to a parent (a field's type belongs to the field);
//! when the parent comes or goes, that one change says it all and its children are not listed.

use std::collections::BTreeMap;

use crate::ir::{
    Auto, Constraint, Direction, Field, Gateway, Literal, Location, ObjectType, Placement, Recipe,
    ResultRef, ResultSpec, SignItem, SignShape, TypeRef,
};

/// What a fact is about, which decides how a change to it is classified.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Kind {
    /// Something a client calls or names: an operation, a received message, an environment,
    /// a preset, a polling helper. Removing it breaks callers; adding it breaks nobody.
    Surface,
    /// A field of a message, in the direction it travels.
    Field {
        direction: Direction,
        /// A request field the caller must give: required, not filled in by the client.
        caller_must_give: bool,
    },
    /// Whether a field is required.
    Required(Direction),
    /// A field's type.
    Type,
    /// One constraint on a field.
    Constraint(Direction, Limit),
    /// A rule over several fields of a request or an answer.
    Rule(Direction),
    /// A value of an enum.
    EnumValue,
    /// How messages are signed or what a signature covers.
    Signature,
    /// Credentials, authentication headers, per-merchant URL variables.
    Authentication,
    /// A result code or what decides success.
    ResultMeaning,
    /// A result code the gateway may send.
    ResultCode,
    /// How a message travels: method, path, encoding, field location, base URL, error shape.
    Wire,
    /// What the client does without changing the contract: retries, redaction, defaults.
    Behaviour,
    /// Text for readers only.
    Documentation,
}

/// How a constraint bounds values, so that a change can be called narrowed or relaxed.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Limit {
    /// Values must be at most this (`maximum`, `max_length`).
    Upper(i64),
    /// Values must be at least this (`minimum`, `min_length`).
    Lower(i64),
    /// A shape that has no order (`pattern`, `format`): any change may refuse old values.
    Shape,
}

#[derive(Debug, Clone)]
pub struct Fact {
    pub kind: Kind,
    /// The fact's value as text: what the change report shows.
    pub value: String,
    /// The key of the fact this one belongs to.
    pub parent: Option<String>,
}

pub type Facts = BTreeMap<String, Fact>;

/// Every fact of `gateway`'s wire contract.
pub fn facts(gateway: &Gateway) -> Facts {
    let mut collector = Collector {
        gateway,
        facts: Facts::new(),
    };
    collector.gateway_level();
    collector.enums();
    for operation in &gateway.operations {
        collector.operation(operation);
    }
    for callback in &gateway.callbacks {
        let key = format!("received message `{}`", callback.id);
        collector.add(&key, Kind::Surface, "", None);
        collector.add_child(&key, "doc", Kind::Documentation, &callback.doc);
        if let Some(token) = &callback.token_field {
            collector.add_child(&key, "token field", Kind::Authentication, &token.wire);
        }
        if let Some(ResultRef::Own(result)) = &callback.result {
            collector.result(&format!("{key} · result"), Some(&key), result);
        }
        let arrives = format!(
            "{} in {}",
            callback.delivery.as_str(),
            callback.charset.as_str()
        );
        collector.add_child(&key, "delivery", Kind::Wire, &arrives);
        for example in &callback.examples {
            let value = example.json.to_string();
            collector.add_child(
                &key,
                &format!("example {}", example.name),
                Kind::Documentation,
                &value,
            );
        }
        collector.message(&key, "field", callback.message, Direction::Response);
    }
    for polling in &gateway.polling {
        let key = format!("polling helper `{}`", polling.method);
        collector.add(&key, Kind::Surface, "", None);
        let value = format!(
            "{} pending {:?}, first after {} ms, every {} ms, until {} ms",
            polling.status_field,
            polling.pending,
            polling.first_delay_ms,
            polling.interval_ms,
            polling.deadline_ms
        );
        collector.add_child(&key, "schedule", Kind::Behaviour, &value);
        collector.add_child(&key, "doc", Kind::Documentation, &polling.doc);
    }
    collector.facts
}

struct Collector<'g> {
    gateway: &'g Gateway,
    facts: Facts,
}

impl Collector<'_> {
    fn add(&mut self, key: &str, kind: Kind, value: &str, parent: Option<&str>) {
        self.facts.insert(
            key.to_owned(),
            Fact {
                kind,
                value: value.to_owned(),
                parent: parent.map(str::to_owned),
            },
        );
    }

    fn add_child(&mut self, parent: &str, aspect: &str, kind: Kind, value: &str) {
        if kind == Kind::Documentation && value.is_empty() {
            return;
        }
        self.add(&format!("{parent} · {aspect}"), kind, value, Some(parent));
    }

    fn gateway_level(&mut self) {
        let g = self.gateway;
        self.add("gateway · doc", Kind::Documentation, &g.doc, None);
        self.add("gateway · title", Kind::Documentation, &g.title, None);
        self.add(
            "gateway · time zone",
            Kind::Wire,
            g.time_zone.as_str(),
            None,
        );
        for environment in &g.environments {
            let key = format!("environment `{}`", environment.name);
            self.add(&key, Kind::Surface, "", None);
            self.add_child(&key, "url", Kind::Wire, &environment.url);
            self.add_child(&key, "doc", Kind::Documentation, &environment.doc);
            for (variable, doc) in &environment.variables {
                let variable_key = format!("{key} · variable `{variable}`");
                self.add(&variable_key, Kind::Authentication, "", Some(&key));
                self.add_child(&variable_key, "doc", Kind::Documentation, doc);
            }
        }
        for credential in &g.credentials {
            let key = format!("credential `{}`", credential.name);
            let value = format!(
                "{}{}",
                if credential.sensitive {
                    "sensitive"
                } else {
                    "plain"
                },
                if credential.integer { ", integer" } else { "" }
            );
            let mut value = format!("{value}, {}", credential.kind);
            if credential.optional {
                value.push_str(", optional");
            }
            self.add(&key, Kind::Authentication, &value, None);
            self.add_child(&key, "doc", Kind::Documentation, &credential.doc);
        }
        for header in &g.headers {
            let key = format!("header `{}`", header.name);
            self.add(
                &key,
                Kind::Authentication,
                &format!("{:?}", header.value),
                None,
            );
            self.add_child(&key, "doc", Kind::Documentation, &header.doc);
        }
        if let Some(result) = &g.result {
            self.result("result", None, result);
        }
        for (i, body) in g.errors.iter().enumerate() {
            let key = format!("error body {}", i + 1);
            self.add(&key, Kind::Wire, &format!("{body:?}"), None);
        }
        let retry = format!(
            "retried {:?}, unprocessed {:?}",
            g.retry_http_status, g.unprocessed_http_status
        );
        self.add("retry", Kind::Behaviour, &retry, None);
        for object in &g.objects {
            if let Some(order) = &object.signature {
                let key = format!("signature order of `{}`", object.spec_name);
                self.add(&key, Kind::Signature, &self.order(order), None);
            }
            if !object.recipes.is_empty() {
                // What each recipe does to this message, not its name: renaming a recipe, or
                // moving a signature from a path field to the same path placeholder, changes
                // nothing on the wire.
                let recipes: Vec<String> = object
                    .recipes
                    .iter()
                    .map(|i| recipe_on_wire(&g.recipes[*i], object))
                    .collect();
                let key = format!("signature recipes of `{}`", object.spec_name);
                self.add(&key, Kind::Signature, &recipes.join("; "), None);
            }
        }
    }

    /// A result declaration under `key`, and each of its codes with what it means.
    fn result(&mut self, key: &str, parent: Option<&str>, result: &ResultSpec) {
        let value = format!(
            "code in `{}`, message in {:?}, second code in {:?}",
            result.code_field,
            result.message_field,
            result.secondary.as_ref().map(|s| &s.field)
        );
        self.add(key, Kind::ResultMeaning, &value, parent);
        let second = result.secondary.iter().flat_map(|s| &s.codes);
        let codes = result
            .codes
            .iter()
            .map(|c| ("code", c))
            .chain(second.map(|c| ("second code", c)));
        for (which, code) in codes {
            let code_key = format!("{key} {which} {}", literal(&code.code));
            let value = format!("{} ({})", code.name, code.meaning.as_str());
            self.add(&code_key, Kind::ResultCode, &value, Some(key));
            self.add_child(&code_key, "doc", Kind::Documentation, &code.doc);
        }
    }

    fn enums(&mut self) {
        for enumeration in &self.gateway.enums {
            let key = format!("enum `{}`", enumeration.name);
            self.add(&key, Kind::Surface, "", None);
            self.add_child(&key, "doc", Kind::Documentation, &enumeration.doc);
            for value in &enumeration.values {
                let value_key = format!("{key} · value {}", literal(&value.wire));
                self.add(&value_key, Kind::EnumValue, "", Some(&key));
                self.add_child(&value_key, "Rust variant", Kind::Wire, &value.variant);
                self.add_child(&value_key, "doc", Kind::Documentation, &value.doc);
            }
        }
        for scalar in &self.gateway.scalars {
            let key = format!("type `{}`", scalar.name);
            self.add_child(&key, "doc", Kind::Documentation, &scalar.doc);
        }
    }

    fn operation(&mut self, operation: &crate::ir::Operation) {
        let key = format!("operation `{}`", operation.id);
        self.add(&key, Kind::Surface, "", None);
        self.add_child(&key, "method", Kind::Wire, operation.method.as_str());
        self.add_child(&key, "path", Kind::Wire, &operation.path);
        self.add_child(&key, "encoding", Kind::Wire, operation.encoding.as_str());
        let answered = if operation.response.is_some() {
            "answered"
        } else {
            "redirect"
        };
        self.add_child(&key, "delivery", Kind::Wire, answered);
        if operation.response.is_some() {
            let answer = &operation.answer;
            let literal = answer
                .literal
                .as_ref()
                .map(|text| format!(" `{text}`"))
                .unwrap_or_default();
            let value = format!(
                "{}{literal} in {}",
                answer.encoding.as_str(),
                answer.charset.as_str()
            );
            self.add_child(&key, "answer", Kind::Wire, &value);
        }
        self.add_child(&key, "repeat", Kind::Behaviour, operation.repeat.as_str());
        self.add_child(
            &key,
            "reconcile",
            Kind::Behaviour,
            &operation.reconcile.join(", "),
        );
        let retryable = format!("{:?}", operation.retryable_result_codes);
        self.add_child(&key, "retryable result codes", Kind::Behaviour, &retryable);
        if let Some(result) = &operation.result {
            self.result(&format!("{key} · result"), Some(&key), result);
        }
        // Said in the docs only: the answer and its decoding stay the same.
        if let Some(callback) = operation.result_by {
            let callback = &self.gateway.callbacks[callback].id;
            self.add_child(&key, "result by", Kind::Documentation, callback);
        }
        for header in &operation.headers {
            let aspect = format!("header `{}`", header.name);
            self.add_child(
                &key,
                &aspect,
                Kind::Authentication,
                &format!("{:?}", header.value),
            );
        }
        self.add_child(&key, "doc", Kind::Documentation, &operation.doc);
        for example in &operation.examples {
            let value = format!("{} {:?}", example.json, example.text_to_sign);
            self.add_child(
                &key,
                &format!("example {}", example.name),
                Kind::Documentation,
                &value,
            );
        }
        self.message(&key, "request field", operation.request, Direction::Request);
        if let Some(response) = operation.response {
            self.message(&key, "answer field", response, Direction::Response);
        }
    }

    /// The facts of one message: its fields (nested ones by dotted path), rules and presets.
    fn message(&mut self, owner: &str, noun: &str, object: usize, direction: Direction) {
        let object = &self.gateway.objects[object];
        self.add_child(
            owner,
            &format!("{noun}s open to unknown names"),
            Kind::Behaviour,
            &object.open.to_string(),
        );
        self.object(owner, noun, object, "", direction, 0);
        for preset in &object.presets {
            let key = format!("{owner} · preset `{}`", preset.name);
            self.add(&key, Kind::Surface, "", Some(owner));
            let value = format!("{:?} {:?}", preset.set, preset.args);
            self.add_child(&key, "values", Kind::Wire, &value);
            self.add_child(&key, "doc", Kind::Documentation, &preset.doc);
        }
    }

    fn object(
        &mut self,
        owner: &str,
        noun: &str,
        object: &ObjectType,
        prefix: &str,
        direction: Direction,
        depth: usize,
    ) {
        // `check` refuses types that contain themselves; the bound only keeps a future
        // checker bug from becoming a stack overflow here.
        if depth > 32 {
            return;
        }
        for rule in &object.rules {
            let key = format!(
                "{owner} · rule on `{}`: {rule:?}",
                display_prefix(prefix, &object.spec_name)
            );
            self.add(&key, Kind::Rule(direction), "", Some(owner));
        }
        for variants in &object.variants {
            let aspect = format!("alternatives `{}`", variants.name);
            let cases: Vec<String> = variants
                .cases
                .iter()
                .map(|case| format!("{} {:?} {:?}", case.variant, case.required, case.optional))
                .collect();
            self.add_child(owner, &aspect, Kind::Wire, &cases.join("; "));
        }
        for field in &object.fields {
            if signature_outside_body(field) {
                // Where the signature travels is a fact of the message's recipes.
                continue;
            }
            let path = format!("{prefix}{}", field.wire);
            let key = format!("{owner} · {noun} `{path}`");
            self.field(owner, &key, field, direction);
            self.nested(owner, noun, &field.ty, &path, direction, depth);
        }
    }

    fn nested(
        &mut self,
        owner: &str,
        noun: &str,
        ty: &TypeRef,
        path: &str,
        direction: Direction,
        depth: usize,
    ) {
        match ty {
            TypeRef::Object(index) => {
                let object = &self.gateway.objects[*index];
                self.object(
                    owner,
                    noun,
                    object,
                    &format!("{path}."),
                    direction,
                    depth + 1,
                );
            }
            TypeRef::List(inner) => self.nested(
                owner,
                noun,
                inner,
                &format!("{path}[]"),
                direction,
                depth + 1,
            ),
            TypeRef::Map(inner) => self.nested(
                owner,
                noun,
                inner,
                &format!("{path}{{}}"),
                direction,
                depth + 1,
            ),
            _ => {}
        }
    }

    fn field(&mut self, owner: &str, key: &str, field: &Field, direction: Direction) {
        let caller_must_give = direction == Direction::Request
            && field.required
            && field.auto.is_none()
            && field.default.is_none();
        let kind = Kind::Field {
            direction,
            caller_must_give,
        };
        self.add(key, kind, "", Some(owner));
        self.add_child(key, "type", Kind::Type, &self.type_name(&field.ty));
        self.add_child(
            key,
            "required",
            Kind::Required(direction),
            &field.required.to_string(),
        );
        self.add_child(key, "location", Kind::Wire, field.location.as_str());
        self.add_child(key, "Rust name", Kind::Wire, &field.rust_name);
        if let Some(auto) = &field.auto {
            self.add_child(
                key,
                "filled in by the client",
                Kind::Wire,
                &format!("{auto:?}"),
            );
        }
        if let Some(default) = &field.default {
            self.add_child(key, "default", Kind::Behaviour, &literal(default));
        }
        self.add_child(
            key,
            "sensitive",
            Kind::Behaviour,
            &field.sensitive.to_string(),
        );
        self.add_child(key, "doc", Kind::Documentation, &field.doc);
        if !field.also_at.is_empty() {
            let accessor = format!("{key} · `{}_wherever_sent`", field.rust_name);
            let path: Vec<&str> = field.also_at.iter().map(|s| s.wire.as_str()).collect();
            self.add(&accessor, Kind::Surface, "", Some(key));
            self.add_child(&accessor, "other place", Kind::Behaviour, &path.join("."));
        }
        for constraint in &field.constraints {
            let (name, limit) = constraint_limit(constraint);
            let kind = Kind::Constraint(direction, limit);
            self.add_child(key, name, kind, &constraint_text(constraint));
        }
    }

    fn type_name(&self, ty: &TypeRef) -> String {
        let g = self.gateway;
        match ty {
            TypeRef::String => "string".into(),
            TypeRef::Integer => "integer".into(),
            TypeRef::Boolean => "boolean".into(),
            TypeRef::Json => "any JSON".into(),
            TypeRef::MonthYear => "month_year".into(),
            TypeRef::Digits => "digits".into(),
            TypeRef::CommaList(inner) => format!("comma_list<{}>", self.type_name(inner)),
            TypeRef::Scalar(i) => {
                format!("{} ({})", g.scalars[*i].name, g.scalars[*i].base.as_str())
            }
            TypeRef::Enum(i) => format!("enum {}", g.enums[*i].name),
            TypeRef::Object(i) => format!("object {}", g.objects[*i].name),
            TypeRef::List(inner) => format!("list<{}>", self.type_name(inner)),
            TypeRef::Map(inner) => format!("map<{}>", self.type_name(inner)),
        }
    }

    /// A signature order written with type names, not IR indices.
    fn order(&self, order: &[SignItem]) -> String {
        let items: Vec<String> = order
            .iter()
            .map(|item| format!("{}{}", item.wire, self.shape(&item.shape)))
            .collect();
        items.join(", ")
    }

    fn shape(&self, shape: &SignShape) -> String {
        match shape {
            SignShape::Value => String::new(),
            SignShape::Object(index) => {
                let object = &self.gateway.objects[*index];
                format!(
                    " ({})",
                    object
                        .signature
                        .as_deref()
                        .map_or_else(String::new, |o| self.order(o))
                )
            }
            SignShape::Each(inner) => format!("[each{}]", self.shape(inner)),
            SignShape::MapValues => "{values}".into(),
        }
    }
}

fn display_prefix<'a>(prefix: &'a str, object: &'a str) -> &'a str {
    if prefix.is_empty() {
        object
    } else {
        prefix.trim_end_matches('.')
    }
}

pub fn literal(literal: &Literal) -> String {
    match literal {
        Literal::Str(text) => format!("\"{text}\""),
        Literal::Int(number) => number.to_string(),
        Literal::Bool(flag) => flag.to_string(),
    }
}

/// The constraint's spec key and how it bounds values.
fn constraint_limit(constraint: &Constraint) -> (&'static str, Limit) {
    let clamp = |n: usize| i64::try_from(n).unwrap_or(i64::MAX);
    match constraint {
        Constraint::Min(n) => ("minimum", Limit::Lower(*n)),
        Constraint::Max(n) => ("maximum", Limit::Upper(*n)),
        Constraint::MinLength(n, _) => ("min_length", Limit::Lower(clamp(*n))),
        Constraint::MaxLength(n, _) => ("max_length", Limit::Upper(clamp(*n))),
        Constraint::Pattern(_) => ("pattern", Limit::Shape),
        Constraint::Format(_) => ("format", Limit::Shape),
        Constraint::MinItems(n) => ("min_items", Limit::Lower(clamp(*n))),
        Constraint::MaxItems(n) => ("max_items", Limit::Upper(clamp(*n))),
        Constraint::MaxKeyLength(n, _) => ("max_key_length", Limit::Upper(clamp(*n))),
    }
}

fn constraint_text(constraint: &Constraint) -> String {
    match constraint {
        Constraint::Min(n) | Constraint::Max(n) => n.to_string(),
        Constraint::MinLength(n, unit)
        | Constraint::MaxLength(n, unit)
        | Constraint::MaxKeyLength(n, unit) => format!("{n} {}", unit.as_str()),
        Constraint::MinItems(n) | Constraint::MaxItems(n) => n.to_string(),
        Constraint::Pattern(source) => format!("/{source}/"),
        Constraint::Format(format) => format.as_str().to_owned(),
    }
}

/// A field that only carries the signature in the path or the query string: the same as a
/// recipe placed there.
fn signature_outside_body(field: &Field) -> bool {
    field.auto == Some(Auto::Signature)
        && matches!(field.location, Location::Path | Location::Query)
}

/// What `recipe` signs and how, with its signature's place on the wire (a field of `object`
/// that travels in the path or the query string is written as that placement) and the key
/// that signs or verifies `object`.
fn recipe_on_wire(recipe: &Recipe, object: &ObjectType) -> String {
    let outside = match &recipe.placement {
        Placement::Field(path) => match path.as_slice() {
            [name] => object
                .fields
                .iter()
                .find(|f| f.wire == *name && signature_outside_body(f))
                .map(|f| match f.location {
                    Location::Path => Placement::Path(name.clone()),
                    _ => Placement::Query(name.clone()),
                }),
            _ => None,
        },
        _ => None,
    };
    // A request is signed and a received message verified: the other key plays no part.
    let key = match object.direction {
        Direction::Request => format!("sign {:?}", recipe.sign_key),
        Direction::Response => format!("verify {:?}", recipe.verify_key),
    };
    format!(
        "{:?} {:?} {:?} {:?} {key}",
        recipe.text,
        recipe.algorithm,
        recipe.output,
        outside.as_ref().unwrap_or(&recipe.placement),
    )
}

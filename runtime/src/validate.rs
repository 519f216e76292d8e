//! Checks a message against its static schema and reports every violation at once.
//!
//! Violations carry a JSON pointer, the rule and the limit, never the offending value: requests
//! hold card data, and violation lists end up in logs and error pages.

use serde::Serialize;
use serde_json::{Map, Value};

use crate::error::{RuleKind, Violation, Violations};
use crate::format;
use crate::schema::{
    Auto, Constraint, Kind, LengthUnit, Literal, Object, PathStep, Rule, path_steps,
};

/// Serialize `value` and validate it against `object` as it will be sent: with the spec's
/// `const` values in place, which no request type holds. Every violation, JSON-pointer paths.
pub fn validate<T: Serialize>(object: &'static Object, value: &T) -> Result<(), Violations> {
    validate_serialized(object, serde_json::to_value(value))
}

/// The part of [`validate`] that does not depend on the type, compiled once.
fn validate_serialized(
    object: &'static Object,
    serialized: serde_json::Result<Value>,
) -> Result<(), Violations> {
    match serialized {
        Ok(mut json) => {
            with_constants(object, &mut json);
            into_result(validate_value(object, &json))
        }
        Err(_) => Err(Violations(vec![violation(
            "",
            RuleKind::Type,
            "JSON object",
        )])),
    }
}

/// The same on a JSON value, for a message that may carry fields newer than the spec (a
/// gateway's answer).
///
/// Fields the client fills itself (`auto`) are not required here. A field's constraints apply to
/// its scalar values: to each element of a list or map. Unknown fields are ignored and JSON
/// `null` counts as absent.
pub fn validate_value(object: &'static Object, value: &Value) -> Vec<Violation> {
    let mut out = Vec::new();
    check_object(
        object,
        value,
        Unknown::Ignored,
        &mut String::new(),
        &mut out,
    );
    out
}

/// [`validate_value`] for a request (used by the engine, a CLI, a simulator): a field the spec
/// does not know, at any depth, is a violation too. A request is built from the spec, so such a
/// field is a typo or data that would go out unchecked and unmasked. Values of kind `Any` are
/// free-form and not looked into.
pub fn validate_request(object: &'static Object, value: &Value) -> Vec<Violation> {
    let mut out = Vec::new();
    check_object(
        object,
        value,
        Unknown::Refused,
        &mut String::new(),
        &mut out,
    );
    out
}

/// What a field the spec does not know means for a message.
#[derive(Clone, Copy, PartialEq, Eq)]
enum Unknown {
    Ignored,
    Refused,
}

/// Constraint checks for newtypes' `TryFrom` (path `""`).
pub fn check_str(constraints: &[Constraint], value: &str) -> Result<(), Violations> {
    let mut out = Vec::new();
    check_str_at(constraints, value, "", &mut out);
    into_result(out)
}

/// Constraint checks for integer newtypes' `TryFrom` (path `""`).
pub fn check_int(constraints: &[Constraint], value: i64) -> Result<(), Violations> {
    let mut out = Vec::new();
    check_int_at(constraints, value, "", &mut out);
    into_result(out)
}

/// Puts every `const` value of `object` and of the objects inside it into `value`, replacing
/// what was there: the client sends these, never the caller's.
pub fn with_constants(object: &'static Object, value: &mut Value) {
    let Some(map) = value.as_object_mut() else {
        return;
    };
    for field in object.fields {
        match (field.auto, field.kind) {
            (Some(Auto::Const(constant)), _) => {
                map.insert(field.wire.to_owned(), literal_value(&constant));
            }
            (None, Kind::Object(child)) => {
                if let Some(inner) = map.get_mut(field.wire) {
                    with_constants(child, inner);
                }
            }
            (None, Kind::List(Kind::Object(child))) => {
                if let Some(Value::Array(items)) = map.get_mut(field.wire) {
                    items
                        .iter_mut()
                        .for_each(|item| with_constants(child, item));
                }
            }
            _ => {}
        }
    }
}

/// A spec's literal as the JSON value that carries it.
pub fn literal_value(literal: &Literal) -> Value {
    match literal {
        Literal::Str(text) => Value::String((*text).to_owned()),
        Literal::Int(int) => Value::from(*int),
        Literal::Bool(boolean) => Value::Bool(*boolean),
    }
}

/// The field's value, with JSON `null` treated as absent.
pub(crate) fn present<'a>(map: &'a Map<String, Value>, wire: &str) -> Option<&'a Value> {
    map.get(wire).filter(|v| !v.is_null())
}

/// Appends one JSON-pointer reference token (RFC 6901 escaping).
pub(crate) fn push_segment(path: &mut String, segment: &str) {
    path.push('/');
    for c in segment.chars() {
        match c {
            '~' => path.push_str("~0"),
            '/' => path.push_str("~1"),
            c => path.push(c),
        }
    }
}

pub(crate) fn literal_matches(literal: &Literal, value: &Value) -> bool {
    match (literal, value) {
        (Literal::Str(l), Value::String(v)) => l == v,
        (Literal::Int(l), Value::Number(v)) => v.as_i64() == Some(*l),
        (Literal::Bool(l), Value::Bool(v)) => l == v,
        _ => false,
    }
}

fn literal_text(literal: &Literal) -> String {
    literal.to_string()
}

fn into_result(violations: Vec<Violation>) -> Result<(), Violations> {
    if violations.is_empty() {
        Ok(())
    } else {
        Err(Violations(violations))
    }
}

fn violation(path: &str, rule: RuleKind, limit: impl Into<String>) -> Violation {
    Violation {
        path: path.to_owned(),
        rule,
        limit: limit.into(),
    }
}

fn check_object(
    object: &'static Object,
    value: &Value,
    unknown: Unknown,
    path: &mut String,
    out: &mut Vec<Violation>,
) {
    let Some(map) = value.as_object() else {
        out.push(violation(path, RuleKind::Type, "object"));
        return;
    };
    for field in object.fields {
        let parent = path.len();
        push_segment(path, field.wire);
        match present(map, field.wire) {
            Some(v) => {
                if let Some(Auto::Const(constant)) = field.auto {
                    if !literal_matches(&constant, v) {
                        out.push(violation(path, RuleKind::Const, constant.to_string()));
                    }
                }
                check_kind(&field.kind, field.constraints, v, unknown, path, out);
            }
            // The client fills its automatic fields after the caller is done; a `const` is
            // filled before validation, so an answer without it is caught too.
            None if field.required && matches!(field.auto, None | Some(Auto::Const(_))) => {
                out.push(violation(path, RuleKind::Required, ""));
            }
            None => {}
        }
        path.truncate(parent);
    }
    if unknown == Unknown::Refused {
        // JSON null is absent here as everywhere: nothing is sent for it.
        let unknown_keys = map
            .iter()
            .filter(|(key, value)| !value.is_null() && object.field(key).is_none())
            .map(|(key, _)| key);
        for key in unknown_keys {
            let parent = path.len();
            push_segment(path, key);
            out.push(violation(path, RuleKind::UnknownField, ""));
            path.truncate(parent);
        }
    }
    for rule in object.rules {
        check_rule(object, map, rule, path, out);
    }
}

fn check_kind(
    kind: &Kind,
    constraints: &[Constraint],
    value: &Value,
    unknown: Unknown,
    path: &mut String,
    out: &mut Vec<Violation>,
) {
    match kind {
        Kind::String => match value.as_str() {
            Some(s) => check_str_at(constraints, s, path, out),
            None => out.push(violation(path, RuleKind::Type, "string")),
        },
        Kind::Integer => match value.as_i64() {
            Some(i) => check_int_at(constraints, i, path, out),
            None => out.push(violation(path, RuleKind::Type, "integer")),
        },
        Kind::Boolean => {
            if !value.is_boolean() {
                out.push(violation(path, RuleKind::Type, "boolean"));
            }
        }
        Kind::Object(object) => check_object(object, value, unknown, path, out),
        Kind::Any => {}
        Kind::Enum(e) => {
            if e.values.iter().any(|l| literal_matches(l, value)) {
                // Membership already implies the constraints; they are still checked so that no
                // spec constraint is ever skipped.
                match value {
                    Value::String(s) => check_str_at(constraints, s, path, out),
                    Value::Number(n) => {
                        if let Some(i) = n.as_i64() {
                            check_int_at(constraints, i, path, out);
                        }
                    }
                    _ => {}
                }
            } else {
                let allowed: Vec<String> = e.values.iter().map(literal_text).collect();
                out.push(violation(path, RuleKind::Enum, allowed.join(", ")));
            }
        }
        Kind::List(inner) => match value.as_array() {
            Some(items) => {
                check_count(constraints, items.len(), path, out);
                for (i, item) in items.iter().enumerate() {
                    let parent = path.len();
                    push_segment(path, &i.to_string());
                    check_kind(inner, constraints, item, unknown, path, out);
                    path.truncate(parent);
                }
            }
            None => out.push(violation(path, RuleKind::Type, "list")),
        },
        Kind::Map(inner) => match value.as_object() {
            Some(entries) => {
                check_count(constraints, entries.len(), path, out);
                for (key, item) in entries {
                    let parent = path.len();
                    push_segment(path, key);
                    check_key(constraints, key, path, out);
                    check_kind(inner, constraints, item, unknown, path, out);
                    path.truncate(parent);
                }
            }
            // Platforms that serialise an empty object as `[]` send maps that way.
            None if value.as_array().is_some_and(Vec::is_empty) => {
                check_count(constraints, 0, path, out);
            }
            None => out.push(violation(path, RuleKind::Type, "map")),
        },
    }
}

/// The number of items of a list or entries of a map against `min_items` and `max_items`.
fn check_count(constraints: &[Constraint], count: usize, path: &str, out: &mut Vec<Violation>) {
    for constraint in constraints {
        match constraint {
            Constraint::MinItems(min) if count < *min => {
                out.push(violation(path, RuleKind::MinItems, min.to_string()));
            }
            Constraint::MaxItems(max) if count > *max => {
                out.push(violation(path, RuleKind::MaxItems, max.to_string()));
            }
            _ => {}
        }
    }
}

/// A map's key against `max_key_length`; reported at the entry, whose path names the key.
fn check_key(constraints: &[Constraint], key: &str, path: &str, out: &mut Vec<Violation>) {
    for constraint in constraints {
        if let Constraint::MaxKeyLength(max, unit) = constraint {
            if length_in(key, *unit) > *max {
                let limit = format!("{max} {}", unit.as_str());
                out.push(violation(path, RuleKind::MaxKeyLength, limit));
            }
        }
    }
}

fn length_in(value: &str, unit: LengthUnit) -> usize {
    match unit {
        LengthUnit::Chars => value.chars().count(),
        LengthUnit::Bytes => value.len(),
    }
}

fn check_str_at(constraints: &[Constraint], value: &str, path: &str, out: &mut Vec<Violation>) {
    let length = |unit: LengthUnit| length_in(value, unit);
    for constraint in constraints {
        match constraint {
            Constraint::MinLength(min, unit) if length(*unit) < *min => out.push(violation(
                path,
                RuleKind::MinLength,
                format!("{min} {}", unit.as_str()),
            )),
            Constraint::MaxLength(max, unit) if length(*unit) > *max => out.push(violation(
                path,
                RuleKind::MaxLength,
                format!("{max} {}", unit.as_str()),
            )),
            Constraint::Pattern(p) if !p.is_match(value) => {
                out.push(violation(path, RuleKind::Pattern, p.source));
            }
            Constraint::Format(f) if !format::check(*f, value) => {
                out.push(violation(path, RuleKind::Format, format::name(*f)));
            }
            _ => {}
        }
    }
}

fn check_int_at(constraints: &[Constraint], value: i64, path: &str, out: &mut Vec<Violation>) {
    for constraint in constraints {
        match constraint {
            Constraint::Min(min) if value < *min => {
                out.push(violation(path, RuleKind::Min, min.to_string()));
            }
            Constraint::Max(max) if value > *max => {
                out.push(violation(path, RuleKind::Max, max.to_string()));
            }
            _ => {}
        }
    }
}

/// The value the gateway sees for a field: the message's, or else the spec's default.
enum Effective<'a> {
    Value(&'a Value),
    Default(Literal),
}

impl Effective<'_> {
    fn matches(&self, literal: &Literal) -> bool {
        match self {
            Effective::Value(v) => literal_matches(literal, v),
            Effective::Default(d) => d == literal,
        }
    }
}

fn effective<'a>(
    object: &Object,
    map: &'a Map<String, Value>,
    wire: &str,
) -> Option<Effective<'a>> {
    match present(map, wire) {
        Some(v) => Some(Effective::Value(v)),
        None => object.field(wire)?.default.map(Effective::Default),
    }
}

fn check_rule(
    object: &'static Object,
    map: &Map<String, Value>,
    rule: &Rule,
    path: &str,
    out: &mut Vec<Violation>,
) {
    let at = |wire: &str| {
        let mut p = path.to_owned();
        push_segment(&mut p, wire);
        p
    };
    match rule {
        Rule::Together(fields) => {
            let missing = fields.iter().find(|f| present(map, f).is_none());
            let any_present = fields.iter().any(|f| present(map, f).is_some());
            if let (Some(missing), true) = (missing, any_present) {
                let others: Vec<&str> = fields.iter().copied().filter(|f| f != missing).collect();
                out.push(violation(
                    &at(missing),
                    RuleKind::Together,
                    format!("with {}", others.join(", ")),
                ));
            }
        }
        Rule::OneOf(fields) => {
            if fields.iter().filter(|f| present(map, f).is_some()).count() != 1 {
                out.push(violation(path, RuleKind::OneOf, fields.join(", ")));
            }
        }
        Rule::Exclusive(fields) => {
            if fields.iter().filter(|f| present(map, f).is_some()).count() > 1 {
                out.push(violation(path, RuleKind::Exclusive, fields.join(", ")));
            }
        }
        Rule::RequiredUnless { field, when, value } => {
            let decided = values_at(map, when, "").into_iter().next();
            let other = decided.is_some_and(|(_, actual)| !literal_matches(value, actual));
            if other && present(map, field).is_none() {
                let limit = format!("when {when} is not {}", literal_text(value));
                out.push(violation(&at(field), RuleKind::RequiredUnless, limit));
            }
        }
        Rule::NotGreater { lower, upper } => {
            let number = |name: &str| present(map, name).and_then(decimal);
            if let (Some(low), Some(high)) = (number(lower), number(upper)) {
                if low > high {
                    out.push(violation(
                        &at(upper),
                        RuleKind::NotGreater,
                        format!("not below {lower}"),
                    ));
                }
            }
        }
        Rule::RequiredIf {
            field,
            when,
            equals,
        } => {
            let triggered = match (decisive(object, map, when), equals) {
                (None, _) => false,
                (Some(_), None) => true,
                (Some(actual), Some(expected)) => actual.matches(expected),
            };
            if triggered && effective(object, map, field).is_none() {
                let limit = match equals {
                    Some(expected) => format!("when {when} = {}", literal_text(expected)),
                    None => format!("when {when} is set"),
                };
                out.push(violation(&at(field), RuleKind::RequiredIf, limit));
            }
        }
        Rule::Sum { items, total } => check_sum(map, items, total, path, out),
        Rule::When {
            when,
            equals,
            field,
            constraints,
            values,
        } => {
            let applies = decisive(object, map, when).is_some_and(|actual| actual.matches(equals));
            if applies {
                let condition = format!("when {when} = {equals}");
                check_when(map, field, constraints, values, &condition, path, out);
            }
        }
    }
}

/// The values at `path` (see [`Rule`]) below `map`, each with its JSON pointer below
/// `pointer`; absent and null values are left out, and so is what is not the object or list
/// the path expects (its field's own check reports the type).
fn values_at<'v>(
    map: &'v Map<String, Value>,
    path: &str,
    pointer: &str,
) -> Vec<(String, &'v Value)> {
    let steps: Vec<PathStep> = path_steps(path).collect();
    let mut out = Vec::new();
    walk(map, &steps, pointer.to_owned(), &mut out);
    out
}

fn walk<'v>(
    map: &'v Map<String, Value>,
    steps: &[PathStep],
    mut pointer: String,
    out: &mut Vec<(String, &'v Value)>,
) {
    let [step, rest @ ..] = steps else {
        return;
    };
    let Some(value) = present(map, step.wire) else {
        return;
    };
    push_segment(&mut pointer, step.wire);
    let mut follow = |value: &'v Value, pointer: String| match rest {
        [] => out.push((pointer, value)),
        _ => {
            if let Some(inner) = value.as_object() {
                walk(inner, rest, pointer, out);
            }
        }
    };
    if step.each {
        for (i, item) in value.as_array().into_iter().flatten().enumerate() {
            if !item.is_null() {
                let mut at = pointer.clone();
                push_segment(&mut at, &i.to_string());
                follow(item, at);
            }
        }
    } else {
        follow(value, pointer);
    }
}

/// The value at a path through no list, or else the default of the field it ends at.
fn decisive<'v>(
    object: &'static Object,
    map: &'v Map<String, Value>,
    path: &str,
) -> Option<Effective<'v>> {
    if let Some((_, value)) = values_at(map, path, "").into_iter().next() {
        return Some(Effective::Value(value));
    }
    let mut current = object;
    let mut field = None;
    for step in path_steps(path) {
        let found = current.field(step.wire)?;
        if let Kind::Object(child) = found.kind {
            current = child;
        }
        field = Some(found);
    }
    field?.default.map(Effective::Default)
}

/// `items` add up to `total`, compared exactly as decimals; a value that is no number is its own
/// field's type error, not a wrong sum, so the sum is then left alone.
fn check_sum(
    map: &Map<String, Value>,
    items: &str,
    total: &str,
    path: &str,
    out: &mut Vec<Violation>,
) {
    let Some((at, total_value)) = values_at(map, total, path).into_iter().next() else {
        return;
    };
    let amounts: Option<Vec<i128>> = values_at(map, items, path)
        .into_iter()
        .map(|(_, value)| decimal(value))
        .collect();
    let (Some(expected), Some(amounts)) = (decimal(total_value), amounts) else {
        return;
    };
    let sum = amounts.into_iter().try_fold(0i128, i128::checked_add);
    if sum != Some(expected) {
        out.push(violation(&at, RuleKind::Sum, format!("of {items}")));
    }
}

/// A `when` rule's constraints and allowed values on every value at `field`, each violation's
/// limit followed by the condition that applied it.
fn check_when(
    map: &Map<String, Value>,
    field: &str,
    constraints: &[Constraint],
    values: &[Literal],
    condition: &str,
    path: &str,
    out: &mut Vec<Violation>,
) {
    for (at, value) in values_at(map, field, path) {
        let mut found = Vec::new();
        match value {
            Value::String(text) => check_str_at(constraints, text, &at, &mut found),
            Value::Number(number) => {
                if let Some(int) = number.as_i64() {
                    check_int_at(constraints, int, &at, &mut found);
                }
            }
            Value::Array(items) => check_count(constraints, items.len(), &at, &mut found),
            Value::Object(entries) => check_count(constraints, entries.len(), &at, &mut found),
            _ => {}
        }
        if !values.is_empty() && !values.iter().any(|allowed| literal_matches(allowed, value)) {
            let allowed: Vec<String> = values.iter().map(literal_text).collect();
            found.push(violation(&at, RuleKind::Values, allowed.join(", ")));
        }
        for mut v in found {
            v.limit = format!("{} {condition}", v.limit);
            out.push(v);
        }
    }
}

/// A decimal number (a JSON number, or a string of digits with an optional `.` fraction) scaled
/// to millionths, compared exactly: amounts must never be compared through floating point.
fn decimal(value: &Value) -> Option<i128> {
    let text = match value {
        Value::String(s) => s.as_str(),
        Value::Number(n) => return n.as_i64().map(|i| i128::from(i) * 1_000_000),
        _ => return None,
    };
    let (whole, fraction) = text.split_once('.').unwrap_or((text, ""));
    let digits = |s: &str| s.bytes().all(|b| b.is_ascii_digit());
    if whole.is_empty()
        || whole.len() > 24
        || fraction.len() > 6
        || !digits(whole)
        || !digits(fraction)
    {
        return None;
    }
    let scaled = format!("{whole}{fraction:0<6}");
    scaled.parse().ok()
}

#[cfg(test)]
mod tests {
    use serde_json::json;

    use super::*;
    use crate::schema::{Auto, Constraint::*, Enum, Field, Format, Pattern};

    static CURRENCY: Enum = Enum {
        name: "Currency",
        values: &[
            Literal::Str("CZK"),
            Literal::Str("EUR"),
            Literal::Str("USD"),
        ],
    };
    static STATUS: Enum = Enum {
        name: "Status",
        values: &[Literal::Int(1), Literal::Int(2)],
    };
    static ORDER_NO: Pattern = Pattern::new("^[0-9]{1,10}$");

    static ADDRESS: Object = Object {
        name: "Address",
        items: None,
        fields: &[
            Field {
                required: true,
                constraints: &[MaxLength(50, LengthUnit::Chars)],
                ..Field::new("city", Kind::String)
            },
            Field {
                constraints: &[MaxLength(16, LengthUnit::Chars)],
                ..Field::new("zip", Kind::String)
            },
        ],
        rules: &[],
    };
    static CUSTOMER: Object = Object {
        name: "Customer",
        items: None,
        fields: &[
            Field {
                constraints: &[MaxLength(45, LengthUnit::Chars)],
                ..Field::new("name", Kind::String)
            },
            Field {
                constraints: &[MaxLength(100, LengthUnit::Chars), Format(Format::Email)],
                ..Field::new("email", Kind::String)
            },
            Field::new("billing", Kind::Object(&ADDRESS)),
            Field::new("mobilePhone", Kind::String),
            Field::new("workPhone", Kind::String),
        ],
        rules: &[Rule::Exclusive(&["mobilePhone", "workPhone"])],
    };
    static REQUEST: Object = Object {
        name: "test request",
        items: None,
        fields: &[
            Field {
                required: true,
                auto: Some(Auto::Credential("merchant_id")),
                constraints: &[MaxLength(10, LengthUnit::Chars)],
                ..Field::new("merchantId", Kind::String)
            },
            Field {
                required: true,
                constraints: &[Pattern(&ORDER_NO)],
                ..Field::new("orderNo", Kind::String)
            },
            Field {
                constraints: &[Min(1), Max(99_999_999)],
                ..Field::new("totalAmount", Kind::Integer)
            },
            Field::new("currency", Kind::Enum(&CURRENCY)),
            Field {
                constraints: &[MaxLength(300, LengthUnit::Chars), Format(Format::Url)],
                ..Field::new("returnUrl", Kind::String)
            },
            Field {
                constraints: &[
                    MinLength(4, LengthUnit::Bytes),
                    MaxLength(8, LengthUnit::Bytes),
                    Format(Format::Base64),
                ],
                ..Field::new("merchantData", Kind::String)
            },
            Field {
                constraints: &[Min(300), Max(1800)],
                ..Field::new("ttlSec", Kind::Integer)
            },
            Field::new("closePayment", Kind::Boolean),
            Field::new("customer", Kind::Object(&CUSTOMER)),
            Field::new("addresses", Kind::List(&Kind::Object(&ADDRESS))),
            Field {
                constraints: &[MaxLength(3, LengthUnit::Chars)],
                ..Field::new("vars", Kind::Map(&Kind::String))
            },
            Field {
                constraints: &[Max(9)],
                ..Field::new("codes", Kind::List(&Kind::Integer))
            },
            Field::new("status", Kind::Enum(&STATUS)),
            Field {
                default: Some(Literal::Bool(false)),
                ..Field::new("clientInitiated", Kind::Boolean)
            },
            Field::new("sdkUsed", Kind::Boolean),
            Field {
                default: Some(Literal::Str("auto")),
                ..Field::new("mode", Kind::String)
            },
            Field::new("limit", Kind::Integer),
            Field::new("language", Kind::String),
            Field::new("voucher", Kind::String),
            Field::new("card", Kind::String),
            Field::new("token", Kind::String),
            Field::new("a/b~c", Kind::String),
        ],
        rules: &[
            Rule::Together(&["totalAmount", "currency"]),
            Rule::RequiredIf {
                field: "sdkUsed",
                when: "clientInitiated",
                equals: Some(Literal::Bool(true)),
            },
            Rule::RequiredIf {
                field: "limit",
                when: "mode",
                equals: Some(Literal::Str("auto")),
            },
            Rule::RequiredIf {
                field: "language",
                when: "voucher",
                equals: None,
            },
            Rule::OneOf(&["card", "token"]),
        ],
    };

    fn v(path: &str, rule: RuleKind, limit: &str) -> Violation {
        violation(path, rule, limit)
    }

    /// A request that satisfies every rule; tests break one thing at a time.
    fn valid() -> Value {
        json!({
            "orderNo": "51966",
            "totalAmount": 1000,
            "currency": "CZK",
            "limit": 5,
            "card": "x",
        })
    }

    fn with(changes: Value) -> Value {
        let mut base = valid();
        for (k, v) in changes.as_object().unwrap() {
            base.as_object_mut().unwrap().insert(k.clone(), v.clone());
        }
        base
    }

    #[test]
    fn valid_request_passes_and_auto_fields_are_not_required() {
        assert_eq!(validate_value(&REQUEST, &valid()), vec![]);
        assert_eq!(validate(&REQUEST, &valid()), Ok(()));
    }

    #[test]
    fn required_and_null() {
        let mut req = valid();
        req["orderNo"] = Value::Null;
        assert_eq!(
            validate_value(&REQUEST, &req),
            vec![v("/orderNo", RuleKind::Required, "")]
        );
        let req = with(json!({"customer": {"billing": {"zip": "11000"}}}));
        assert_eq!(
            validate_value(&REQUEST, &req),
            vec![v("/customer/billing/city", RuleKind::Required, "")]
        );
    }

    #[test]
    fn types() {
        let req = with(json!({
            "orderNo": 51966,
            "totalAmount": "1000",
            "closePayment": "true",
            "customer": [],
            "addresses": {},
            "vars": [1],
            "ttlSec": 300.0,
        }));
        assert_eq!(
            validate_value(&REQUEST, &req),
            vec![
                v("/orderNo", RuleKind::Type, "string"),
                v("/totalAmount", RuleKind::Type, "integer"),
                v("/ttlSec", RuleKind::Type, "integer"),
                v("/closePayment", RuleKind::Type, "boolean"),
                v("/customer", RuleKind::Type, "object"),
                v("/addresses", RuleKind::Type, "list"),
                v("/vars", RuleKind::Type, "map"),
            ]
        );
        assert_eq!(
            validate_value(&REQUEST, &json!([1])),
            vec![v("", RuleKind::Type, "object")]
        );
        assert_eq!(
            validate_value(&REQUEST, &with(json!({"totalAmount": u64::MAX}))),
            vec![v("/totalAmount", RuleKind::Type, "integer")]
        );
    }

    #[test]
    fn min_and_max_at_their_edges() {
        for ok in [300, 1800] {
            assert_eq!(
                validate_value(&REQUEST, &with(json!({"ttlSec": ok}))),
                vec![]
            );
        }
        assert_eq!(
            validate_value(&REQUEST, &with(json!({"ttlSec": 299}))),
            vec![v("/ttlSec", RuleKind::Min, "300")]
        );
        assert_eq!(
            validate_value(&REQUEST, &with(json!({"ttlSec": 1801}))),
            vec![v("/ttlSec", RuleKind::Max, "1800")]
        );
        assert_eq!(
            validate_value(&REQUEST, &with(json!({"totalAmount": 0}))),
            vec![v("/totalAmount", RuleKind::Min, "1")]
        );
    }

    #[test]
    fn lengths_count_in_their_unit() {
        // 45 chars of two bytes each pass a limit counted in chars.
        let name45 = "Ž".repeat(45);
        let req = with(json!({"customer": {"name": name45}}));
        assert_eq!(validate_value(&REQUEST, &req), vec![]);
        let req = with(json!({"customer": {"name": "Ž".repeat(46)}}));
        assert_eq!(
            validate_value(&REQUEST, &req),
            vec![v("/customer/name", RuleKind::MaxLength, "45 chars")]
        );
        assert_eq!(
            validate_value(&REQUEST, &with(json!({"merchantData": "Zm9vYmFy"}))),
            vec![]
        );
        assert_eq!(
            validate_value(&REQUEST, &with(json!({"merchantData": "Zm9vYmFyZg=="}))),
            vec![v("/merchantData", RuleKind::MaxLength, "8 bytes")]
        );
        assert_eq!(
            validate_value(&REQUEST, &with(json!({"merchantData": "Zg="}))),
            vec![
                v("/merchantData", RuleKind::MinLength, "4 bytes"),
                v("/merchantData", RuleKind::Format, "base64")
            ]
        );
    }

    #[test]
    fn pattern_format_and_enum() {
        let req = with(json!({
            "orderNo": "12345678901",
            "currency": "CZE",
            "returnUrl": "shop.example.com",
            "customer": {"email": "jan.novak"},
            "status": 3,
        }));
        assert_eq!(
            validate_value(&REQUEST, &req),
            vec![
                v("/orderNo", RuleKind::Pattern, "^[0-9]{1,10}$"),
                v("/currency", RuleKind::Enum, "CZK, EUR, USD"),
                v("/returnUrl", RuleKind::Format, "url"),
                v("/customer/email", RuleKind::Format, "email"),
                v("/status", RuleKind::Enum, "1, 2"),
            ]
        );
        assert_eq!(
            validate_value(&REQUEST, &with(json!({"status": "1"}))),
            vec![v("/status", RuleKind::Enum, "1, 2")]
        );
        assert_eq!(
            validate_value(&REQUEST, &with(json!({"status": 2}))),
            vec![]
        );
    }

    #[test]
    fn lists_and_maps_have_indexed_paths_and_escaped_keys() {
        let req = with(json!({
            "addresses": [{"city": "Praha"}, {"zip": "x"}, {"city": "B".repeat(51)}],
            "vars": {"ok": "abc", "a/b": "abcd", "t~": 1},
            "codes": [1, 10, "x"],
        }));
        assert_eq!(
            validate_value(&REQUEST, &req),
            vec![
                v("/addresses/1/city", RuleKind::Required, ""),
                v("/addresses/2/city", RuleKind::MaxLength, "50 chars"),
                v("/vars/a~1b", RuleKind::MaxLength, "3 chars"),
                v("/vars/t~0", RuleKind::Type, "string"),
                v("/codes/1", RuleKind::Max, "9"),
                v("/codes/2", RuleKind::Type, "integer"),
            ]
        );
        assert_eq!(
            validate_value(&REQUEST, &with(json!({"a/b~c": 1}))),
            vec![v("/a~1b~0c", RuleKind::Type, "string")]
        );
    }

    #[test]
    fn together() {
        let mut req = valid();
        req.as_object_mut().unwrap().remove("currency");
        assert_eq!(
            validate_value(&REQUEST, &req),
            vec![v("/currency", RuleKind::Together, "with totalAmount")]
        );
        let mut req = valid();
        req.as_object_mut().unwrap().remove("totalAmount");
        assert_eq!(
            validate_value(&REQUEST, &req),
            vec![v("/totalAmount", RuleKind::Together, "with currency")]
        );
        let mut req = valid();
        req.as_object_mut().unwrap().remove("totalAmount");
        req.as_object_mut().unwrap().remove("currency");
        assert_eq!(validate_value(&REQUEST, &req), vec![]);
    }

    #[test]
    fn one_of_and_exclusive() {
        let mut none = valid();
        none.as_object_mut().unwrap().remove("card");
        assert_eq!(
            validate_value(&REQUEST, &none),
            vec![v("", RuleKind::OneOf, "card, token")]
        );
        assert_eq!(
            validate_value(&REQUEST, &with(json!({"token": "t"}))),
            vec![v("", RuleKind::OneOf, "card, token")]
        );
        assert_eq!(
            validate_value(
                &REQUEST,
                &with(json!({"customer": {"mobilePhone": "1", "workPhone": "2"}}))
            ),
            vec![v(
                "/customer",
                RuleKind::Exclusive,
                "mobilePhone, workPhone"
            )]
        );
        assert_eq!(
            validate_value(
                &REQUEST,
                &with(json!({"customer": {"mobilePhone": "1", "workPhone": null}}))
            ),
            vec![]
        );
    }

    #[test]
    fn required_if_sees_values_and_defaults() {
        assert_eq!(
            validate_value(&REQUEST, &with(json!({"clientInitiated": true}))),
            vec![v(
                "/sdkUsed",
                RuleKind::RequiredIf,
                "when clientInitiated = true"
            )]
        );
        assert_eq!(
            validate_value(
                &REQUEST,
                &with(json!({"clientInitiated": true, "sdkUsed": false}))
            ),
            vec![]
        );
        // clientInitiated defaults to false: no requirement.
        assert_eq!(
            validate_value(&REQUEST, &with(json!({"clientInitiated": false}))),
            vec![]
        );
        // mode defaults to "auto", which requires limit.
        let mut req = valid();
        req.as_object_mut().unwrap().remove("limit");
        assert_eq!(
            validate_value(&REQUEST, &req),
            vec![v("/limit", RuleKind::RequiredIf, "when mode = auto")]
        );
        let mut manual = req.clone();
        manual["mode"] = json!("manual");
        assert_eq!(validate_value(&REQUEST, &manual), vec![]);
        // equals: None triggers on any value.
        assert_eq!(
            validate_value(&REQUEST, &with(json!({"voucher": ""}))),
            vec![v("/language", RuleKind::RequiredIf, "when voucher is set")]
        );
    }

    #[test]
    fn violations_never_contain_the_value() {
        let secret = "4111111111111111";
        let req = with(json!({"orderNo": secret, "currency": secret, "returnUrl": secret}));
        let violations = Violations(validate_value(&REQUEST, &req));
        assert_eq!(violations.0.len(), 3);
        assert!(!violations.to_string().contains(secret));
        assert!(!format!("{violations:?}").contains(secret));
    }

    #[test]
    fn newtype_checks_and_display() {
        static C: [Constraint; 2] = [MaxLength(10, LengthUnit::Chars), Pattern(&ORDER_NO)];
        assert_eq!(check_str(&C, "51966"), Ok(()));
        let err = check_str(&C, "abcdefghijk").unwrap_err();
        assert_eq!(
            err.0,
            vec![
                v("", RuleKind::MaxLength, "10 chars"),
                v("", RuleKind::Pattern, "^[0-9]{1,10}$")
            ]
        );
        assert_eq!(
            err.to_string(),
            "/: max_length 10 chars\n/: pattern ^[0-9]{1,10}$"
        );
        assert_eq!(
            err.prefixed("/orderNo").to_string(),
            "/orderNo: max_length 10 chars\n/orderNo: pattern ^[0-9]{1,10}$"
        );
        static I: [Constraint; 2] = [Min(300), Max(1800)];
        assert_eq!(check_int(&I, 300), Ok(()));
        assert_eq!(check_int(&I, 1800), Ok(()));
        assert_eq!(
            check_int(&I, 1801).unwrap_err().0,
            vec![v("", RuleKind::Max, "1800")]
        );
        assert_eq!(
            check_int(&I, 299).unwrap_err().0,
            vec![v("", RuleKind::Min, "300")]
        );
    }

    #[test]
    fn unserializable_value_is_a_violation_not_a_panic() {
        let mut bad = std::collections::BTreeMap::new();
        bad.insert(vec![1u8], 1);
        assert_eq!(
            validate(&REQUEST, &bad).unwrap_err().0,
            vec![v("", RuleKind::Type, "JSON object")]
        );
    }

    #[test]
    fn nested_auto_fields_any_values_and_empty_list_maps() {
        static GENERAL: Object = Object {
            name: "General",
            items: None,
            fields: &[
                Field::new("project_id", Kind::Integer)
                    .required()
                    .auto(Auto::Credential("project_id")),
                Field::new("payment_id", Kind::String).required(),
                Field::new("signature", Kind::String)
                    .required()
                    .auto(Auto::Signature),
            ],
            rules: &[],
        };
        static SALE: Object = Object {
            name: "sale",
            items: None,
            fields: &[
                Field::new("general", Kind::Object(&GENERAL)).required(),
                Field::new("extra", Kind::Any).required(),
                Field::new("headers", Kind::Map(&Kind::String)),
            ],
            rules: &[],
        };
        let sale = |extra: Value, headers: Value| {
            validate_value(
                &SALE,
                &json!({"general": {"payment_id": "1"}, "extra": extra, "headers": headers}),
            )
        };
        // Automatic fields are not required at any depth; the caller's own ones still are.
        assert_eq!(sale(json!(1), json!({})), vec![]);
        assert_eq!(
            validate_value(&SALE, &json!({"general": {}, "extra": 1})),
            vec![v("/general/payment_id", RuleKind::Required, "")]
        );
        // `Any` takes every JSON value, but a required one must still be there.
        for extra in [
            json!("x"),
            json!(-1.5),
            json!(true),
            json!([1, "a", {}]),
            json!({"a": [null]}),
        ] {
            assert_eq!(sale(extra.clone(), json!({})), vec![], "{extra}");
        }
        assert_eq!(
            sale(Value::Null, json!({})),
            vec![v("/extra", RuleKind::Required, "")]
        );
        // `[]` is how PHP platforms write an empty object; a list with items is not a map.
        assert_eq!(sale(json!(1), json!([])), vec![]);
        assert_eq!(
            sale(json!(1), json!(["a"])),
            vec![v("/headers", RuleKind::Type, "map")]
        );
        assert_eq!(
            sale(json!(1), json!({"a": 1})),
            vec![v("/headers/a", RuleKind::Type, "string")]
        );
    }

    #[test]
    fn not_greater_compares_decimals_exactly() {
        static RECURRING: Object = Object {
            name: "Recurring",
            items: None,
            fields: &[
                Field::new("RecurringMinAmount", Kind::String),
                Field::new("RecurringMaxAmount", Kind::String),
            ],
            rules: &[Rule::NotGreater {
                lower: "RecurringMinAmount",
                upper: "RecurringMaxAmount",
            }],
        };
        let check = |min: &str, max: &str| {
            validate_value(
                &RECURRING,
                &json!({"RecurringMinAmount": min, "RecurringMaxAmount": max}),
            )
        };
        assert!(check("10.00", "10.00").is_empty());
        assert!(check("9.99", "10").is_empty());
        assert!(check("100", "999999999999999.99").is_empty());
        let found = check("10.01", "10.00");
        assert_eq!(found.len(), 1);
        assert_eq!(
            (found[0].path.as_str(), found[0].rule),
            ("/RecurringMaxAmount", RuleKind::NotGreater)
        );
        assert!(
            validate_value(&RECURRING, &json!({"RecurringMinAmount": "5"})).is_empty(),
            "one side only"
        );
    }
    static LINE: Object = Object {
        name: "Line",
        items: None,
        fields: &[Field::new("amount", Kind::String)],
        rules: &[],
    };
    static ORDER: Object = Object {
        name: "Order",
        items: None,
        fields: &[
            Field::new("kind", Kind::String).auto(Auto::Const(Literal::Str("sale"))),
            Field::new("total", Kind::String),
            Field::new("currency", Kind::String).default(Literal::Str("EUR")),
            Field::new("lines", Kind::List(&Kind::Object(&LINE)))
                .constraints(&[MinItems(1), MaxItems(2)]),
            Field::new("tags", Kind::Map(&Kind::String))
                .constraints(&[MinItems(1), MaxKeyLength(2, LengthUnit::Bytes)]),
        ],
        rules: &[
            Rule::Sum {
                items: "lines[].amount",
                total: "total",
            },
            Rule::When {
                when: "currency",
                equals: Literal::Str("EUR"),
                field: "lines[].amount",
                constraints: &[MaxLength(4, LengthUnit::Chars)],
                values: &[],
            },
        ],
    };

    #[test]
    fn sums_add_decimal_strings_exactly() {
        let order = |total: &str, amounts: &[&str]| {
            let lines: Vec<Value> = amounts.iter().map(|a| json!({"amount": a})).collect();
            validate_value(
                &ORDER,
                &json!({"total": total, "lines": lines, "currency": "CZK"}),
            )
        };
        assert_eq!(order("0.3", &["0.1", "0.2"]), vec![]);
        assert_eq!(order("10", &["9.99", "0.01"]), vec![]);
        assert_eq!(
            order("10", &["9.99", "0.02"]),
            vec![v("/total", RuleKind::Sum, "of lines[].amount")]
        );
        // A value that is no number is its own field's problem, not a wrong sum.
        assert_eq!(order("10", &["ten"]), vec![]);
    }

    #[test]
    fn when_rules_see_defaults_and_reach_into_lists() {
        // `currency` is absent: its default EUR applies the rule to each line.
        let found = validate_value(
            &ORDER,
            &json!({"total": "12345.6", "lines": [{"amount": "1"}, {"amount": "12344.6"}]}),
        );
        assert_eq!(
            found,
            vec![v(
                "/lines/1/amount",
                RuleKind::MaxLength,
                "4 chars when currency = EUR"
            )]
        );
        let czk = json!({"currency": "CZK", "lines": [{"amount": "12345.6"}]});
        assert_eq!(validate_value(&ORDER, &czk), vec![]);
    }

    #[test]
    fn counts_and_keys_of_lists_and_maps() {
        assert_eq!(
            validate_value(&ORDER, &json!({"currency": "CZK", "lines": [], "tags": []})),
            vec![
                v("/lines", RuleKind::MinItems, "1"),
                v("/tags", RuleKind::MinItems, "1")
            ]
        );
        let three = json!([{"amount": "1"}, {"amount": "1"}, {"amount": "1"}]);
        assert_eq!(
            validate_value(
                &ORDER,
                &json!({"currency": "CZK", "lines": three, "tags": {"žž": "x"}})
            ),
            vec![
                v("/lines", RuleKind::MaxItems, "2"),
                v("/tags/žž", RuleKind::MaxKeyLength, "2 bytes")
            ]
        );
    }

    #[test]
    fn a_constant_is_filled_before_validation_and_checked_when_sent() {
        assert_eq!(
            validate_request(&ORDER, &json!({"kind": "refund", "currency": "CZK"})),
            vec![v("/kind", RuleKind::Const, "sale")]
        );
        let mut filled = json!({"kind": "refund", "currency": "CZK"});
        with_constants(&ORDER, &mut filled);
        assert_eq!(filled["kind"], "sale");
        assert_eq!(validate_request(&ORDER, &filled), vec![]);
    }

    #[test]
    fn requests_refuse_unknown_fields_at_every_depth() {
        let req = with(json!({
            "closePayement": false,
            "customer": {"name": "Jan", "card_number": "4111111111111111"},
            "addresses": [{"city": "Praha"}, {"city": "Brno", "a/b": 1}],
            "vars": {"free": "abc"},
        }));
        assert_eq!(
            validate_request(&REQUEST, &req),
            vec![
                v("/customer/card_number", RuleKind::UnknownField, ""),
                v("/addresses/1/a~1b", RuleKind::UnknownField, ""),
                v("/closePayement", RuleKind::UnknownField, ""),
            ]
        );
        // A gateway's answer may be newer than the spec: the lenient check lets it through.
        assert_eq!(validate_value(&REQUEST, &req), vec![]);
        let shown = Violations(validate_request(&REQUEST, &req)).to_string();
        assert!(
            shown.contains("/customer/card_number: unknown_field"),
            "{shown}"
        );
        assert!(!shown.contains("4111"), "{shown}");
    }

    #[test]
    fn requests_accept_auto_fields_nulls_and_free_form_values() {
        // The client replaces a caller's automatic field; it is known, not unknown.
        let req = with(json!({"merchantId": "M1", "typo": null}));
        assert_eq!(validate_request(&REQUEST, &req), vec![]);
        static FREE: Object = Object {
            name: "free",
            items: None,
            fields: &[Field::new("extra", Kind::Any)],
            rules: &[],
        };
        assert_eq!(
            validate_request(&FREE, &json!({"extra": {"anything": [{"goes": 1}]}})),
            vec![]
        );
    }
}

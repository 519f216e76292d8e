//! Cross-field rules of a request as JSON Schema, under the same conditions as the client
//! checks them: which fields go together, exclude each other or become required, and what a
//! `when` rule asks of a value (a constraint JSON Schema cannot state stays an `x-oneclick-`
//! keyword there, as on a field). `sum` and `not_greater` compare decimal numbers, which JSON
//! Schema cannot; every rule also stays in `x-oneclick-rules` as the spec writes it.
//!
//! The client takes a null value for an absent one, so "present" is a member that is not null.

use serde_json::{Map, Value, json};

use crate::ir::{Constraint, Field, Gateway, Literal, ObjectType, Rule, TypeRef};

use super::schemas::{constrain, json_type, literal};

/// The schema of each rule of `object` that JSON Schema can state, in rule order.
pub fn rule_schemas(gateway: &Gateway, object: &ObjectType) -> Vec<Value> {
    object
        .rules
        .iter()
        .filter_map(|rule| rule_schema(gateway, object, rule))
        .collect()
}

fn rule_schema(gateway: &Gateway, object: &ObjectType, rule: &Rule) -> Option<Value> {
    match rule {
        Rule::Together(fields) => Some(json!({
            "allOf": fields
                .iter()
                .map(|field| json!({ "if": present(field), "then": all_present(fields) }))
                .collect::<Vec<_>>(),
        })),
        Rule::OneOf(fields) => Some(json!({
            "oneOf": fields.iter().map(|f| present(f)).collect::<Vec<_>>(),
        })),
        Rule::Exclusive(fields) => {
            let pairs: Vec<Value> = fields
                .iter()
                .enumerate()
                .flat_map(|(at, first)| {
                    fields[at + 1..]
                        .iter()
                        .map(move |second| all_present(&[first.clone(), second.clone()]))
                })
                .collect();
            Some(json!({ "not": { "anyOf": pairs } }))
        }
        Rule::RequiredIf {
            field,
            when,
            equals,
        } => {
            // A field with a default always has a value, so the rule never fails for it.
            if own_field(object, field)?.default.is_some() {
                return None;
            }
            let condition = decisive(gateway, object, when, equals.as_ref())?;
            Some(if_then(condition, present(field)))
        }
        Rule::RequiredUnless { field, when, value } => {
            let steps = steps(when);
            // Only a value sent decides here; a default does not.
            let other = json!({ "not": { "enum": [literal(value), null] } });
            Some(if_then(sent_at(&steps, other), present(field)))
        }
        Rule::When {
            when,
            equals,
            field,
            constraints,
            values,
        } => {
            let condition = decisive(gateway, object, when, Some(equals))?;
            let leaf = field_at(gateway, object, field)?;
            let kept = kept_values(gateway, leaf, constraints, values);
            Some(if_then(condition, at_path(&steps(field), kept)))
        }
        Rule::NotGreater { .. } | Rule::Sum { .. } => None,
    }
}

fn if_then(condition: Value, then: Value) -> Value {
    json!({ "if": condition, "then": then })
}

/// A top-level member that is present and not null.
fn present(wire: &str) -> Value {
    json!({ "required": [wire], "properties": { wire: { "not": { "type": "null" } } } })
}

fn all_present(fields: &[String]) -> Value {
    json!({ "allOf": fields.iter().map(|f| present(f)).collect::<Vec<_>>() })
}

/// One step of a rule's path: a wire name, and whether it goes into each item of a list.
struct Step<'p> {
    wire: &'p str,
    each: bool,
}

fn steps(path: &str) -> Vec<Step<'_>> {
    path.split('.')
        .map(|part| match part.strip_suffix("[]") {
            Some(wire) => Step { wire, each: true },
            None => Step {
                wire: part,
                each: false,
            },
        })
        .collect()
}

/// The condition "the value at `path`, or its field's default when there is none, is
/// `equals`" (`None`: "there is a value"), as the client reads it.
fn decisive(
    gateway: &Gateway,
    object: &ObjectType,
    path: &str,
    equals: Option<&Literal>,
) -> Option<Value> {
    let default = field_at(gateway, object, path)?.default.as_ref();
    let steps = steps(path);
    let absent_decides = match (default, equals) {
        (Some(_), None) => true,
        (Some(default), Some(equals)) => default == equals,
        (None, _) => false,
    };
    // A literal is never null, so `const` also says that a value was sent.
    let sent = match equals {
        Some(equals) => json!({ "const": literal(equals) }),
        None => json!({ "not": { "type": "null" } }),
    };
    Some(match (absent_decides, equals) {
        // No value anywhere on the path means the default, which fulfils the condition; so
        // only a value sent can fail it.
        (true, None) => json!(true),
        (true, Some(equals)) => at_path(
            &steps,
            json!({ "anyOf": [{ "const": literal(equals) }, { "type": "null" }] }),
        ),
        (false, _) => sent_at(&steps, sent),
    })
}

/// A value at `steps` (through no list) that is present at every step and fits `leaf`.
fn sent_at(steps: &[Step], leaf: Value) -> Value {
    steps.iter().rev().fold(leaf, |inner, step| {
        json!({
            "type": "object",
            "required": [step.wire],
            "properties": { step.wire: inner },
        })
    })
}

/// `leaf` for every value at `steps`, wherever there is one: into each item after `[]`.
fn at_path(steps: &[Step], leaf: Value) -> Value {
    steps.iter().rev().fold(leaf, |inner, step| {
        let inner = if step.each {
            json!({ "items": inner })
        } else {
            inner
        };
        json!({ "properties": { step.wire: inner } })
    })
}

/// What a `when` rule asks of each value at its field: the constraints as the client applies
/// them to one value (a count to a list or map), and one of `values`.
fn kept_values(
    gateway: &Gateway,
    leaf: &Field,
    constraints: &[Constraint],
    values: &[Literal],
) -> Value {
    let mut schema = Map::new();
    let json_type = json_type(gateway, &leaf.ty);
    for constraint in constraints {
        match (constraint, &leaf.ty) {
            (Constraint::MinItems(n), TypeRef::Map(_)) => {
                schema.insert("minProperties".into(), json!(n));
            }
            (Constraint::MaxItems(n), TypeRef::Map(_)) => {
                schema.insert("maxProperties".into(), json!(n));
            }
            _ => constrain(&mut schema, constraint, json_type),
        }
    }
    if !values.is_empty() {
        schema.insert("enum".into(), values.iter().map(literal).collect());
    }
    Value::Object(schema)
}

fn own_field<'o>(object: &'o ObjectType, wire: &str) -> Option<&'o Field> {
    object.fields.iter().find(|f| f.wire == wire)
}

/// The field a path ends at, through objects and lists of objects.
fn field_at<'g>(gateway: &'g Gateway, object: &'g ObjectType, path: &str) -> Option<&'g Field> {
    let steps = steps(path);
    let (last, before) = steps.split_last()?;
    let mut current = object;
    for step in before {
        let field = own_field(current, step.wire)?;
        current = match &field.ty {
            TypeRef::Object(index) => &gateway.objects[*index],
            TypeRef::List(inner) => match inner.as_ref() {
                TypeRef::Object(index) => &gateway.objects[*index],
                _ => return None,
            },
            _ => return None,
        };
    }
    own_field(current, last.wire)
}

//! JSON Schemas (2020-12, as OpenAPI 3.1 uses them) of the spec's types and messages, with
//! every constraint JSON Schema can state; what it cannot (byte lengths, decimal bounds on
//! strings, checksums) travels as an `x-oneclick-` keyword beside the nearest it can.

use serde_json::{Map, Value, json};

use crate::ir::{
    Constraint, Direction, EnumRepr, EnumType, Field, Format, Gateway, LengthUnit, Literal,
    Location, ObjectType, Rule, ScalarBase, ScalarType, SignItem, SignShape, TypeRef,
};

/// Where component schemas are referred to from.
const COMPONENTS: &str = "#/components/schemas/";

/// Every enum, scalar and object of the gateway, by Rust type name, and its error bodies.
pub fn components(gateway: &Gateway) -> Map<String, Value> {
    let mut schemas = Map::new();
    for enumeration in &gateway.enums {
        schemas.insert(enumeration.name.clone(), enum_schema(enumeration));
    }
    for scalar in &gateway.scalars {
        schemas.insert(scalar.name.clone(), scalar_schema(scalar));
    }
    for object in &gateway.objects {
        schemas.insert(object.name.clone(), object_schema(gateway, object));
    }
    for (index, body) in gateway.errors.iter().enumerate() {
        schemas.insert(
            super::extensions::error_schema_name(index),
            super::extensions::error_schema(body),
        );
    }
    schemas
}

/// A reference to the component schema named `name`.
pub fn reference(name: &str) -> Value {
    json!({ "$ref": format!("{COMPONENTS}{name}") })
}

fn enum_schema(enumeration: &EnumType) -> Value {
    let json_type = match enumeration.repr {
        EnumRepr::Str => "string",
        EnumRepr::Int => "integer",
    };
    let values: Vec<Value> = enumeration
        .values
        .iter()
        .map(|v| literal(&v.wire))
        .collect();
    let documented: Vec<Value> = enumeration
        .values
        .iter()
        .map(|v| json!({ "value": literal(&v.wire), "name": v.variant, "description": v.doc }))
        .collect();
    json!({
        "type": json_type,
        "description": enumeration.doc,
        "enum": values,
        "x-oneclick-values": documented,
    })
}

fn scalar_schema(scalar: &ScalarType) -> Value {
    let json_type = scalar_type(scalar.base);
    let mut schema = Map::new();
    schema.insert("type".into(), json!(json_type));
    schema.insert("description".into(), json!(scalar.doc));
    for constraint in &scalar.constraints {
        constrain(&mut schema, constraint, json_type);
    }
    if !scalar.valid_samples.is_empty() {
        schema.insert(
            "examples".into(),
            scalar.valid_samples.iter().map(literal).collect(),
        );
    }
    if scalar.sensitive {
        schema.insert("x-oneclick-sensitive".into(), json!(true));
    }
    Value::Object(schema)
}

fn scalar_type(base: ScalarBase) -> &'static str {
    match base {
        ScalarBase::String => "string",
        ScalarBase::Integer => "integer",
    }
}

fn object_schema(gateway: &Gateway, object: &ObjectType) -> Value {
    if let Some(items) = object.items {
        let item = &gateway.objects[items].name;
        // An answer's list is decoded element by element: one that is no item is kept aside,
        // not an error.
        let items = match object.direction {
            Direction::Request => reference(item),
            Direction::Response => json!({
                "anyOf": [
                    reference(item),
                    { "description": format!("An element that is no {item} is kept aside.") },
                ],
            }),
        };
        return json!({ "type": "array", "description": object.doc, "items": items });
    }
    let body: Vec<&Field> = body_fields(object).collect();
    let mut schema = Map::new();
    schema.insert("type".into(), json!("object"));
    schema.insert("description".into(), json!(object.doc));
    schema.insert(
        "properties".into(),
        body.iter()
            .map(|field| {
                let schema = field_schema(gateway, field, object.direction);
                // Answers decode leniently: an optional field the gateway sends as null is
                // taken as absent.
                let schema = if object.direction == Direction::Response && !field.required {
                    json!({ "anyOf": [schema, { "type": "null" }] })
                } else {
                    schema
                };
                (field.wire.clone(), schema)
            })
            .collect::<Map<_, _>>()
            .into(),
    );
    let required: Vec<&str> = body
        .iter()
        .filter(|f| f.required)
        .map(|f| f.wire.as_str())
        .collect();
    if !required.is_empty() {
        schema.insert("required".into(), json!(required));
    }
    for variants in &object.variants {
        let cases: Vec<Value> = variants
            .cases
            .iter()
            .map(|case| json!({ "title": case.variant, "required": case.required }))
            .collect();
        push_all_of(&mut schema, json!({ "oneOf": cases }));
    }
    if object.direction == Direction::Request {
        for rule in super::rules::rule_schemas(gateway, object) {
            push_all_of(&mut schema, rule);
        }
    }
    if !object.rules.is_empty() {
        schema.insert(
            "x-oneclick-rules".into(),
            object.rules.iter().map(rule).collect(),
        );
    }
    if let Some(order) = &object.signature {
        schema.insert(
            "x-oneclick-signature-order".into(),
            order.iter().map(|item| sign_item(gateway, item)).collect(),
        );
    }
    if object.direction == Direction::Response {
        schema.insert("x-oneclick-lenient".into(), json!(true));
    }
    Value::Object(schema)
}

/// The fields of an object that travel in its JSON body.
pub fn body_fields(object: &ObjectType) -> impl Iterator<Item = &Field> {
    object
        .fields
        .iter()
        .filter(|f| f.location == Location::Body)
}

/// The schema of one field: its type, its constraints, its default and what fills it.
///
/// An answer's field keeps its constraints as `x-oneclick-constraints` only, and takes any value
/// of an enum's type: the client never rejects an answer for them, so neither does the schema.
pub fn field_schema(gateway: &Gateway, field: &Field, direction: Direction) -> Value {
    let lenient = direction == Direction::Response;
    let mut schema = type_schema(gateway, &field.ty, lenient);
    if lenient {
        if !field.constraints.is_empty() {
            schema.insert(
                "x-oneclick-constraints".into(),
                Value::Object(field.constraints.iter().map(spec_constraint).collect()),
            );
        }
    } else {
        let own = scalar_constraints(gateway, &field.ty);
        for constraint in field.constraints.iter().filter(|c| !own.contains(c)) {
            constrain_field(&mut schema, constraint, &field.ty, gateway);
        }
    }
    if !field.doc.is_empty() {
        schema.insert("description".into(), json!(field.doc));
    }
    if let Some(default) = &field.default {
        schema.insert("default".into(), literal(default));
    }
    match &field.auto {
        Some(crate::ir::Auto::Const(value)) => {
            schema.insert("const".into(), literal(value));
        }
        Some(auto) => {
            schema.insert("x-oneclick-auto".into(), json!(auto.to_string()));
        }
        None => {}
    }
    if field.sensitive {
        schema.insert("x-oneclick-sensitive".into(), json!(true));
    }
    if !field.also_at.is_empty() {
        let path: Vec<&str> = field
            .also_at
            .iter()
            .map(|step| step.wire.as_str())
            .collect();
        schema.insert("x-oneclick-also-at".into(), json!(path.join(".")));
    }
    Value::Object(schema)
}

/// The constraints a field's named scalar type already states in its own component.
fn scalar_constraints<'g>(gateway: &'g Gateway, ty: &TypeRef) -> &'g [Constraint] {
    match ty {
        TypeRef::Scalar(index) => &gateway.scalars[*index].constraints,
        TypeRef::List(inner) | TypeRef::Map(inner) | TypeRef::CommaList(inner) => {
            scalar_constraints(gateway, inner)
        }
        _ => &[],
    }
}

/// The schema of a type; `lenient` for answers, which take a named scalar's base type whatever
/// its constraints, and any value of an enum's type.
fn type_schema(gateway: &Gateway, ty: &TypeRef, lenient: bool) -> Map<String, Value> {
    let schema = match ty {
        TypeRef::Scalar(index) if lenient => {
            let scalar = &gateway.scalars[*index];
            json!({ "type": scalar_type(scalar.base), "x-oneclick-scalar": scalar.name })
        }
        // Platforms that write an empty map as `[]` are understood (the runtime's decode).
        TypeRef::Map(inner) if lenient => json!({
            "anyOf": [
                { "type": "object", "additionalProperties": type_schema(gateway, inner, lenient) },
                { "type": "array", "maxItems": 0 },
            ],
        }),
        TypeRef::Enum(index) if lenient => json!({
            "anyOf": [
                reference(&gateway.enums[*index].name),
                { "type": json_type(gateway, ty) },
            ],
        }),
        TypeRef::String => json!({ "type": "string" }),
        TypeRef::Integer => json!({ "type": "integer" }),
        TypeRef::Boolean => json!({ "type": "boolean" }),
        TypeRef::Json => json!({}),
        TypeRef::MonthYear => format_schema(Format::MonthYear, "string"),
        TypeRef::Digits => format_schema(Format::Digits, "string"),
        TypeRef::CommaList(inner) => {
            let mut schema = json!({
                "type": "string",
                "x-oneclick-comma-list": type_schema(gateway, inner, lenient),
            });
            if let (false, Some(pattern), Value::Object(map)) =
                (lenient, comma_list_pattern(inner), &mut schema)
            {
                map.insert("pattern".into(), json!(pattern));
            }
            schema
        }
        TypeRef::Scalar(index) => reference(&gateway.scalars[*index].name),
        TypeRef::Enum(index) => reference(&gateway.enums[*index].name),
        TypeRef::Object(index) => reference(&gateway.objects[*index].name),
        TypeRef::List(inner) => {
            json!({ "type": "array", "items": type_schema(gateway, inner, lenient) })
        }
        TypeRef::Map(inner) => json!({
            "type": "object",
            "additionalProperties": type_schema(gateway, inner, lenient),
        }),
    };
    match schema {
        Value::Object(map) => map,
        _ => Map::new(),
    }
}

/// The text a client writes for a comma list of `item`: items that are not empty and hold no
/// comma (integers as digits), joined with `,`; the empty list is the empty string.
fn comma_list_pattern(item: &TypeRef) -> Option<&'static str> {
    match item {
        TypeRef::Integer => Some("^(?:-?[0-9]+(?:,-?[0-9]+)*)?$"),
        TypeRef::String => Some("^(?:[^,]+(?:,[^,]+)*)?$"),
        _ => None,
    }
}

/// The JSON type of values of `ty`, for constraints that depend on it.
pub(super) fn json_type(gateway: &Gateway, ty: &TypeRef) -> &'static str {
    match ty {
        TypeRef::Integer => "integer",
        TypeRef::Boolean => "boolean",
        TypeRef::Scalar(index) => scalar_type(gateway.scalars[*index].base),
        TypeRef::Enum(index) => match gateway.enums[*index].repr {
            EnumRepr::Str => "string",
            EnumRepr::Int => "integer",
        },
        TypeRef::Object(_) | TypeRef::Map(_) | TypeRef::Json => "object",
        TypeRef::List(_) => "array",
        _ => "string",
    }
}

/// A field's constraint on the part of its value it applies to: the count of a list or map
/// on the collection, the rest on each item or value (as the spec language reads them).
fn constrain_field(
    schema: &mut Map<String, Value>,
    constraint: &Constraint,
    ty: &TypeRef,
    gateway: &Gateway,
) {
    let (inner, slot) = match ty {
        TypeRef::List(inner) => (inner.as_ref(), "items"),
        TypeRef::Map(inner) => (inner.as_ref(), "additionalProperties"),
        TypeRef::CommaList(inner) => (inner.as_ref(), "x-oneclick-comma-list"),
        _ => {
            constrain(schema, constraint, json_type(gateway, ty));
            return;
        }
    };
    let is_map = matches!(ty, TypeRef::Map(_));
    match constraint {
        Constraint::MinItems(n) if is_map => tighten(schema, "minProperties", *n as i64, true),
        Constraint::MaxItems(n) if is_map => tighten(schema, "maxProperties", *n as i64, false),
        Constraint::MinItems(n) if slot == "items" => tighten(schema, "minItems", *n as i64, true),
        Constraint::MaxItems(n) if slot == "items" => tighten(schema, "maxItems", *n as i64, false),
        Constraint::MinItems(n) => tighten(schema, "x-oneclick-min-items", *n as i64, true),
        Constraint::MaxItems(n) => tighten(schema, "x-oneclick-max-items", *n as i64, false),
        Constraint::MaxKeyLength(n, unit) => {
            let names = schema
                .entry("propertyNames")
                .or_insert_with(|| json!({ "type": "string" }));
            if let Value::Object(names) = names {
                constrain(names, &Constraint::MaxLength(*n, *unit), "string");
            }
        }
        _ => {
            if let Some(Value::Object(item)) = schema.get_mut(slot) {
                constrain(item, constraint, json_type(gateway, inner));
            }
        }
    }
}

/// Adds one constraint to a schema of values of `json_type`, keeping the tighter of two bounds.
pub(super) fn constrain(schema: &mut Map<String, Value>, constraint: &Constraint, json_type: &str) {
    let integer = json_type == "integer";
    match constraint {
        Constraint::Min(n) if integer => tighten(schema, "minimum", *n, true),
        Constraint::Max(n) if integer => tighten(schema, "maximum", *n, false),
        // A decimal kept in a string: JSON Schema bounds only numbers.
        Constraint::Min(n) => tighten(schema, "x-oneclick-minimum", *n, true),
        Constraint::Max(n) => tighten(schema, "x-oneclick-maximum", *n, false),
        Constraint::MinLength(n, LengthUnit::Chars) => {
            tighten(schema, "minLength", *n as i64, true)
        }
        Constraint::MaxLength(n, LengthUnit::Chars) => {
            tighten(schema, "maxLength", *n as i64, false)
        }
        Constraint::MinLength(n, LengthUnit::Bytes) => {
            tighten(schema, "x-oneclick-min-bytes", *n as i64, true)
        }
        // Every character is at least one byte, so a byte limit also bounds the characters.
        Constraint::MaxLength(n, LengthUnit::Bytes) => {
            tighten(schema, "x-oneclick-max-bytes", *n as i64, false);
            tighten(schema, "maxLength", *n as i64, false);
        }
        Constraint::Pattern(source) => add_pattern(schema, source),
        Constraint::Format(format) => {
            if let Value::Object(parts) = format_schema(*format, json_type) {
                for (key, value) in parts {
                    match (key.as_str(), value) {
                        ("pattern", Value::String(pattern)) => add_pattern(schema, &pattern),
                        ("type", _) => {}
                        ("anyOf", any) => push_all_of(schema, json!({ "anyOf": any })),
                        (_, value) => {
                            schema.insert(key, value);
                        }
                    }
                }
            }
        }
        Constraint::MinItems(n) => tighten(schema, "minItems", *n as i64, true),
        Constraint::MaxItems(n) => tighten(schema, "maxItems", *n as i64, false),
        Constraint::MaxKeyLength(n, _) => {
            tighten(schema, "x-oneclick-max-key-length", *n as i64, false)
        }
    }
}

/// A string format as JSON Schema says it: a standard `format` where one means the same, a
/// pattern for the shape otherwise; `x-oneclick-format` names the exact check either way
/// (calendar dates, Luhn checksums, currencies in circulation).
pub fn format_schema(format: Format, json_type: &str) -> Value {
    let shape = match format {
        Format::Dttm => json!({ "pattern": "^[0-9]{14}$" }),
        Format::Base64 => json!({
            "contentEncoding": "base64",
            "pattern": "^(?:[A-Za-z0-9+/]{4})*(?:[A-Za-z0-9+/]{2}==|[A-Za-z0-9+/]{3}=)?$",
        }),
        Format::Ip => json!({ "anyOf": [{ "format": "ipv4" }, { "format": "ipv6" }] }),
        Format::Email => json!({ "format": "email" }),
        Format::Currency => json!({ "pattern": "^[A-Z]{3}$" }),
        Format::CurrencyNumeric => json!({ "pattern": "^[0-9]{3}$" }),
        Format::Uuid => json!({
            "format": "uuid",
            "pattern": "^[0-9A-Fa-f]{8}-[0-9A-Fa-f]{4}-[0-9A-Fa-f]{4}-[0-9A-Fa-f]{4}-[0-9A-Fa-f]{12}$",
        }),
        Format::Date => json!({ "pattern": "^[0-9]{2}\\.[0-9]{2}\\.[0-9]{4}$" }),
        Format::IsoDate => json!({ "format": "date", "pattern": "^[0-9]{4}-[0-9]{2}-[0-9]{2}$" }),
        Format::Url => json!({ "format": "uri", "pattern": "^[Hh][Tt][Tt][Pp][Ss]?://" }),
        Format::AppUrl => json!({ "pattern": "^[A-Za-z][A-Za-z0-9+.-]*://\\S*[^/\\s]\\S*$" }),
        Format::Luhn => json!({ "pattern": "^[0-9]+$" }),
        Format::MonthYear => json!({ "pattern": "^(?:0[1-9]|1[0-2])\\.[0-9]{4}$" }),
        Format::Digits => json!({ "pattern": "^-?[0-9]+$" }),
    };
    let mut schema = Map::new();
    schema.insert("type".into(), json!(json_type));
    if let Value::Object(shape) = shape {
        schema.extend(shape);
    }
    schema.insert("x-oneclick-format".into(), json!(format.as_str()));
    Value::Object(schema)
}

/// Sets the bound `key` to `value` unless the schema already has a tighter one.
fn tighten(schema: &mut Map<String, Value>, key: &str, value: i64, lower: bool) {
    let keep = schema
        .get(key)
        .and_then(Value::as_i64)
        .is_some_and(|old| if lower { old >= value } else { old <= value });
    if !keep {
        schema.insert(key.into(), json!(value));
    }
}

/// A schema holds one `pattern`; a value that must match several gets the others in `allOf`.
fn add_pattern(schema: &mut Map<String, Value>, pattern: &str) {
    match schema.get("pattern") {
        None => {
            schema.insert("pattern".into(), json!(pattern));
        }
        Some(existing) if existing == pattern => {}
        Some(_) => push_all_of(schema, json!({ "pattern": pattern })),
    }
}

fn push_all_of(schema: &mut Map<String, Value>, part: Value) {
    if let Value::Array(parts) = schema.entry("allOf").or_insert_with(|| json!([])) {
        parts.push(part);
    }
}

/// A literal as JSON.
pub fn literal(value: &Literal) -> Value {
    match value {
        Literal::Str(text) => json!(text),
        Literal::Int(int) => json!(int),
        Literal::Bool(boolean) => json!(boolean),
    }
}

/// A cross-field rule as the spec writes it, keyed by its rule name.
fn rule(rule: &Rule) -> Value {
    match rule {
        Rule::Together(fields) => json!({ "together": fields }),
        Rule::OneOf(fields) => json!({ "one_of": fields }),
        Rule::Exclusive(fields) => json!({ "exclusive": fields }),
        Rule::RequiredUnless { field, when, value } => json!({
            "required_if": { "fields": [field], "when": when, "not_equals": literal(value) },
        }),
        Rule::NotGreater { lower, upper } => json!({ "not_greater": [lower, upper] }),
        Rule::RequiredIf {
            field,
            when,
            equals,
        } => {
            let mut body = json!({ "fields": [field], "when": when });
            if let (Some(value), Value::Object(map)) = (equals, &mut body) {
                map.insert("equals".into(), literal(value));
            }
            json!({ "required_if": body })
        }
        Rule::Sum { items, total } => json!({ "sum": { "of": items, "equals": total } }),
        Rule::When {
            when,
            equals,
            field,
            constraints,
            values,
        } => {
            let mut then = Map::new();
            then.insert("field".into(), json!(field));
            then.extend(constraints.iter().map(spec_constraint));
            if !values.is_empty() {
                then.insert("values".into(), values.iter().map(literal).collect());
            }
            json!({ "when": { "field": when, "equals": literal(equals) }, "then": then })
        }
    }
}

/// A constraint under its spec key, as a rule's `then` writes it.
fn spec_constraint(constraint: &Constraint) -> (String, Value) {
    let length = |n: &usize, unit: &LengthUnit| json!({ "length": n, "unit": unit.as_str() });
    let (key, value) = match constraint {
        Constraint::Min(n) => ("min", json!(n)),
        Constraint::Max(n) => ("max", json!(n)),
        Constraint::MinLength(n, unit) => ("min_length", length(n, unit)),
        Constraint::MaxLength(n, unit) => ("max_length", length(n, unit)),
        Constraint::Pattern(source) => ("pattern", json!(source)),
        Constraint::Format(format) => ("format", json!(format.as_str())),
        Constraint::MinItems(n) => ("min_items", json!(n)),
        Constraint::MaxItems(n) => ("max_items", json!(n)),
        Constraint::MaxKeyLength(n, unit) => ("max_key_length", length(n, unit)),
    };
    (key.to_owned(), value)
}

/// One item of a signature order: a field's wire name, and how a nested value is written.
fn sign_item(gateway: &Gateway, item: &SignItem) -> Value {
    match &item.shape {
        SignShape::Value => json!(item.wire),
        shape => json!({ item.wire.clone(): sign_shape(gateway, shape) }),
    }
}

fn sign_shape(gateway: &Gateway, shape: &SignShape) -> Value {
    match shape {
        SignShape::Value => json!("value"),
        SignShape::Object(index) => gateway.objects[*index]
            .signature
            .as_deref()
            .unwrap_or_default()
            .iter()
            .map(|item| sign_item(gateway, item))
            .collect(),
        SignShape::Each(inner) => json!({ "each": sign_shape(gateway, inner) }),
        SignShape::MapValues => json!("map_values"),
    }
}

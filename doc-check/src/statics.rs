//! The spec's objects as the runtime's `schema` values, built from the IR at run time.
//!
//! The doc-check validates with the runtime's own validator, so an example passes exactly when
//! a generated client would accept it, without depending on generated crates that may not
//! compile while a spec is being edited. The values live as long as the process (one check).

use oneclick_schema::{Constraint, Enum, Field, Kind, Literal, Object, Pattern, Rule};

use oneclick_codegen::ir::{self, Gateway, ScalarBase, TypeRef};

/// Every object of a gateway as a `schema::Object`, by index into `Gateway::objects`.
pub struct Statics {
    objects: Vec<Option<&'static Object>>,
}

impl Statics {
    pub fn build(gateway: &Gateway) -> Self {
        let mut builder = Builder {
            gateway,
            objects: vec![None; gateway.objects.len()],
            building: vec![false; gateway.objects.len()],
        };
        for index in 0..gateway.objects.len() {
            builder.object(index);
        }
        Statics {
            objects: builder.objects,
        }
    }

    /// The object at `index` of `Gateway::objects`.
    pub fn object(&self, index: usize) -> Option<&'static Object> {
        self.objects.get(index).copied().flatten()
    }
}

struct Builder<'g> {
    gateway: &'g Gateway,
    objects: Vec<Option<&'static Object>>,
    /// Objects whose fields are being built, to cut a type that contains itself.
    building: Vec<bool>,
}

impl Builder<'_> {
    fn object(&mut self, index: usize) -> Option<&'static Object> {
        if let Some(done) = self.objects[index] {
            return Some(done);
        }
        if self.building[index] {
            return None;
        }
        self.building[index] = true;
        let object = &self.gateway.objects[index];
        let fields: Vec<Field> = object.fields.iter().map(|f| self.field(f)).collect();
        let rules: Vec<Rule> = object.rules.iter().map(rule).collect();
        let items = object.items.and_then(|element| self.object(element));
        let built: &'static Object = Box::leak(Box::new(Object {
            name: leak_str(&object.spec_name),
            fields: leak_slice(fields),
            rules: leak_slice(rules),
            items,
        }));
        self.objects[index] = Some(built);
        Some(built)
    }

    fn field(&mut self, field: &ir::Field) -> Field {
        let mut built = Field::new(leak_str(&field.wire), self.kind(&field.ty))
            .constraints(constraints(&field.constraints));
        built.required = field.required;
        built.location = field.location;
        built.auto = field.auto.as_ref().map(auto);
        built.sensitive = field.sensitive;
        built.default = field.default.as_ref().map(literal);
        built
    }

    /// The kind the emitter gives a type (`emit/schema.rs`): the wire form, not the Rust type.
    fn kind(&mut self, ty: &TypeRef) -> Kind {
        match ty {
            TypeRef::String | TypeRef::MonthYear | TypeRef::Digits | TypeRef::CommaList(_) => {
                Kind::String
            }
            TypeRef::Integer => Kind::Integer,
            TypeRef::Boolean => Kind::Boolean,
            TypeRef::Json => Kind::Any,
            TypeRef::Scalar(i) => match self.gateway.scalars[*i].base {
                ScalarBase::String => Kind::String,
                ScalarBase::Integer => Kind::Integer,
            },
            TypeRef::Enum(i) => {
                let spec = &self.gateway.enums[*i];
                let values: Vec<Literal> = spec.values.iter().map(|v| literal(&v.wire)).collect();
                Kind::Enum(Box::leak(Box::new(Enum {
                    name: leak_str(&spec.name),
                    values: leak_slice(values),
                })))
            }
            // A type that contains itself is checked to the depth it was entered at.
            TypeRef::Object(i) => match self.object(*i) {
                Some(object) => Kind::Object(object),
                None => Kind::Any,
            },
            TypeRef::List(inner) => Kind::List(Box::leak(Box::new(self.kind(inner)))),
            TypeRef::Map(inner) => Kind::Map(Box::leak(Box::new(self.kind(inner)))),
        }
    }
}

fn rule(rule: &ir::Rule) -> Rule {
    match rule {
        Rule::Together(names) => Rule::Together(names_slice(names)),
        Rule::OneOf(names) => Rule::OneOf(names_slice(names)),
        Rule::Exclusive(names) => Rule::Exclusive(names_slice(names)),
        Rule::RequiredUnless { field, when, value } => Rule::RequiredUnless {
            field: leak_str(field),
            when: leak_str(when),
            value: literal(value),
        },
        Rule::NotGreater { lower, upper } => Rule::NotGreater {
            lower: leak_str(lower),
            upper: leak_str(upper),
        },
        Rule::RequiredIf {
            field,
            when,
            equals,
        } => Rule::RequiredIf {
            field: leak_str(field),
            when: leak_str(when),
            equals: equals.as_ref().map(literal),
        },
        Rule::Sum { items, total } => Rule::Sum {
            items: leak_str(items),
            total: leak_str(total),
        },
        Rule::When {
            when,
            equals,
            field,
            constraints: checks,
            values,
        } => Rule::When {
            when: leak_str(when),
            equals: literal(equals),
            field: leak_str(field),
            constraints: constraints(checks),
            values: leak_slice(values.iter().map(literal).collect()),
        },
    }
}

fn constraints(constraints: &[ir::Constraint]) -> &'static [Constraint] {
    let built = constraints
        .iter()
        .map(|c| match c {
            Constraint::Min(v) => Constraint::Min(*v),
            Constraint::Max(v) => Constraint::Max(*v),
            Constraint::MinLength(n, unit) => Constraint::MinLength(*n, *unit),
            Constraint::MaxLength(n, unit) => Constraint::MaxLength(*n, *unit),
            Constraint::Pattern(source) => {
                let pattern: &'static Pattern = Box::leak(Box::new(Pattern::new(leak_str(source))));
                Constraint::Pattern(pattern)
            }
            Constraint::Format(format) => Constraint::Format(*format),
            Constraint::MinItems(n) => Constraint::MinItems(*n),
            Constraint::MaxItems(n) => Constraint::MaxItems(*n),
            Constraint::MaxKeyLength(n, unit) => Constraint::MaxKeyLength(*n, *unit),
        })
        .collect();
    leak_slice(built)
}

fn auto(auto: &ir::Auto) -> oneclick_schema::Auto {
    match auto {
        ir::Auto::Credential(name) => oneclick_schema::Auto::Credential(leak_str(name)),
        ir::Auto::Dttm => oneclick_schema::Auto::Dttm,
        ir::Auto::Signature => oneclick_schema::Auto::Signature,
        ir::Auto::Const(value) => oneclick_schema::Auto::Const(literal(value)),
    }
}

fn literal(literal: &ir::Literal) -> Literal {
    match literal {
        Literal::Str(text) => Literal::Str(leak_str(text)),
        Literal::Int(value) => Literal::Int(*value),
        Literal::Bool(value) => Literal::Bool(*value),
    }
}

fn names_slice(names: &[String]) -> &'static [&'static str] {
    leak_slice(names.iter().map(|n| leak_str(n)).collect())
}

fn leak_str(text: &str) -> &'static str {
    Box::leak(text.to_owned().into_boxed_str())
}

fn leak_slice<T>(items: Vec<T>) -> &'static [T] {
    Box::leak(items.into_boxed_slice())
}

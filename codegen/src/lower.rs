//! Lowering: the spec model, its names resolved, becomes the IR the emitters read.
//!
//! Anything that does not resolve (an unknown type, a signature order naming a missing field,
//! two types with one Rust name) is reported here with its position; [`crate::check`] covers
//! the problems that can be seen without resolving names.

use std::collections::BTreeMap;

use crate::case::{ToShoutySnakeCase, ToSnakeCase, ToUpperCamelCase};

use crate::diagnostics::Sink;
use crate::ir::{self, HeaderValue};
use crate::spec::{
    self, Constraints, EnumValueSpec, ExampleKind, ExampleSpec, FieldSpec, ObjectSpec, Scalar,
    Spanned, Spec, Text, TypeBody, TypeExpr,
};
use crate::yaml::Pos;
use oneclick_schema::{Delivery, Location, MessageEncoding, TextPart, text_parts};

mod recipes;

use recipes::{Envelope, Side};

/// Names the generated crate defines itself; spec types must not take them.
/// Names the generated crate defines or uses unqualified (prelude types), and `Self`: a type
/// of the spec taking one would not compile or would change what the crate's code means.
const RESERVED_TYPE_NAMES: &[&str] = &[
    "Client",
    "Credentials",
    "Environment",
    "ResultCode",
    "String",
    "Option",
    "Vec",
    "Result",
    "Box",
    "Self",
];

pub(crate) fn lower(spec: &Spec, spec_path: &str, sink: &mut Sink) -> ir::Gateway {
    let mut lowering = Lowering {
        spec,
        sink,
        gateway: ir::Gateway {
            name: spec.gateway.value.clone(),
            crate_name: format!("oneclick-{}", spec.gateway.value.replace('_', "-")),
            version: spec
                .crate_version
                .as_ref()
                .map_or(crate::version::Version::INITIAL, |v| v.value),
            title: spec.title.value.clone(),
            doc: spec.doc.value.clone(),
            spec_path: spec_path.to_string(),
            sources: spec
                .sources
                .iter()
                .map(|s| ir::Source {
                    id: s.id.value.clone(),
                    file: s.file.value.clone(),
                    title: s.title.value.clone(),
                })
                .collect(),
            environments: spec
                .environments
                .iter()
                .map(|e| ir::Environment {
                    name: e.name.value.clone(),
                    variant: e.name.value.to_upper_camel_case(),
                    url: e.url.value.clone(),
                    variables: e
                        .variables
                        .iter()
                        .map(|(name, doc)| (name.value.clone(), doc.value.clone()))
                        .collect(),
                    doc: e.doc.value.clone(),
                })
                .collect(),
            time_zone: spec.time_zone(),
            credentials: spec
                .credentials
                .iter()
                .map(|c| ir::Credential {
                    name: c.name.value.clone(),
                    doc: c.doc.value.clone(),
                    sensitive: c.sensitive,
                    integer: c.base() == ir::ScalarBase::Integer,
                    kind: c.kind(),
                    optional: c.optional.is_some(),
                })
                .collect(),
            recipes: Vec::new(),
            result: spec.result.as_ref().map(result_spec),
            errors: spec
                .errors
                .iter()
                .map(|e| ir::ErrorBody {
                    shape: e.shape.value,
                    field: e.field.as_ref().map(|f| f.value.clone()),
                    code: e.code.value.clone(),
                    message: e.message.value.clone(),
                    detail: e.detail.as_ref().map(|d| d.value.clone()),
                    http_status: e
                        .http_status
                        .iter()
                        .map(|s| u16::try_from(s.value).unwrap_or(0))
                        .collect(),
                })
                .collect(),
            headers: Vec::new(),
            retry_http_status: spec
                .retry_http_status
                .iter()
                .map(|s| u16::try_from(s.value).unwrap_or(0))
                .collect(),
            unprocessed_http_status: spec
                .unprocessed_http_status
                .iter()
                .map(|s| u16::try_from(s.value).unwrap_or(0))
                .collect(),
            enums: Vec::new(),
            scalars: Vec::new(),
            objects: Vec::new(),
            operations: Vec::new(),
            callbacks: Vec::new(),
            polling: Vec::new(),
        },
        named: BTreeMap::new(),
        rust_names: BTreeMap::new(),
    };
    lowering.run();
    lowering.gateway
}

/// What a spec type name stands for once lowered.
#[derive(Debug, Clone, Copy)]
enum Named {
    Object(usize),
    Enum(usize),
    Scalar(usize),
}

struct Lowering<'a, 's> {
    spec: &'a Spec,
    sink: &'s mut Sink,
    gateway: ir::Gateway,
    named: BTreeMap<String, Named>,
    /// Every Rust type name handed out, with where it came from.
    rust_names: BTreeMap<String, Pos>,
}

impl<'a> Lowering<'a, '_> {
    fn run(&mut self) {
        let spec = self.spec;
        self.gateway.headers = self.headers(&spec.headers);
        let directions = self.directions();
        // Declare every named type first so fields can refer to types defined further down.
        for def in &spec.types {
            self.claim_rust_name(&def.name.value, def.name.pos);
            let named = match &def.body {
                TypeBody::Object(body) => {
                    let direction = directions
                        .get(def.name.value.as_str())
                        .copied()
                        .unwrap_or(ir::Direction::Request);
                    if body.open && direction == ir::Direction::Request {
                        let message = format!(
                            "`open` is for answers, and type `{}` is sent in a request, which \
                             says every field it sends",
                            def.name.value
                        );
                        self.sink.error(body.pos, message);
                    }
                    self.gateway.objects.push(ir::ObjectType {
                        spec_name: def.name.value.clone(),
                        name: def.name.value.clone(),
                        doc: def.doc.value.clone(),
                        direction,
                        fields: Vec::new(),
                        rules: Vec::new(),
                        signature: None,
                        signed: false,
                        recipes: Vec::new(),
                        variants: Vec::new(),
                        items: None,
                        open: body.open,
                        presets: Vec::new(),
                        schema_const: def.name.value.to_shouty_snake_case(),
                        line: def.name.pos.line,
                    });
                    Named::Object(self.gateway.objects.len() - 1)
                }
                TypeBody::Enum(values) => {
                    Named::Enum(self.push_enum(&def.name.value, &def.doc.value, values))
                }
                TypeBody::Scalar(scalar) => {
                    self.gateway.scalars.push(ir::ScalarType {
                        name: def.name.value.clone(),
                        doc: def.doc.value.clone(),
                        base: scalar.base.value,
                        constraints: lower_constraints(&scalar.constraints),
                        valid_samples: samples(scalar.samples.as_ref().map(|s| &s.valid)),
                        invalid_samples: samples(scalar.samples.as_ref().map(|s| &s.invalid)),
                        sensitive: scalar.sensitive,
                    });
                    Named::Scalar(self.gateway.scalars.len() - 1)
                }
            };
            self.named.insert(def.name.value.clone(), named);
        }
        for def in &spec.types {
            if let (TypeBody::Object(body), Some(Named::Object(index))) =
                (&def.body, self.named.get(&def.name.value).copied())
            {
                let direction = self.gateway.objects[index].direction;
                let fields = self.fields(body, direction);
                self.gateway.objects[index].fields = fields;
                self.gateway.objects[index].rules = lower_rules(body);
                self.variants(index, body);
                self.presets(index, body);
            }
        }
        for op in &spec.operations {
            let request = self.message(&op.id, "request", &op.request, ir::Direction::Request);
            let response = op
                .response
                .as_ref()
                .map(|r| self.message(&op.id, "response", r, ir::Direction::Response));
            let headers = self.headers(&op.headers);
            self.gateway.operations.push(ir::Operation {
                id: op.id.value.clone(),
                doc: op.doc.value.clone(),
                source: ir::OperationSource {
                    source: spec
                        .sources
                        .iter()
                        .position(|s| s.id.value == op.source_document.value)
                        .unwrap_or(0),
                    section: op.source_section.value.clone(),
                },
                method: op.method.value,
                path: op.path.value.clone(),
                request,
                response,
                retryable_result_codes: op
                    .retryable_result_codes
                    .iter()
                    .map(|c| literal(&c.value))
                    .collect(),
                // A redirect has no `repeat`: the client never sends it, and unsafe keeps anything
                // from ever repeating it.
                repeat: op
                    .repeat
                    .as_ref()
                    .and_then(Option::as_ref)
                    .map_or(ir::Repeat::Unsafe, |r| r.value),
                reconcile: op.reconcile.iter().map(|p| p.value.clone()).collect(),
                result_by: op
                    .result_by
                    .as_ref()
                    .and_then(|id| spec.callbacks.iter().position(|c| c.id.value == id.value)),
                result: op.result.as_ref().map(result_spec),
                answer_matches: op.answer_matches.iter().map(|f| f.value.clone()).collect(),
                encoding: op.encoding(),
                answer: ir::Answer {
                    encoding: op.answer_encoding(spec.answers.as_ref()),
                    literal: op
                        .answer
                        .as_ref()
                        .and_then(|a| a.literal.as_ref())
                        .map(|l| l.value.clone()),
                    charset: op.answer_charset(spec.answers.as_ref()),
                },
                headers,
                examples: Vec::new(),
                schema_const: op.id.value.to_shouty_snake_case(),
                line: op.id.pos.line,
            });
        }
        for callback in &spec.callbacks {
            let message = self.message(
                &callback.id,
                "callback",
                &callback.message,
                ir::Direction::Response,
            );
            // The static is named like the client method, `verify_` or `decode_`.
            let body = &callback.message;
            let verified =
                body.signs_all || body.signature.is_some() || callback.token_field.is_some();
            let verb = if verified { "VERIFY" } else { "DECODE" };
            let carries_gateway_code = spec.result.as_ref().is_some_and(|r| {
                body.fields
                    .iter()
                    .any(|f| f.wire.value == r.code_field.value)
            });
            let result = match &callback.result {
                Some(own) => Some(ir::ResultRef::Own(result_spec(own))),
                None if carries_gateway_code => Some(ir::ResultRef::Gateway),
                None => None,
            };
            self.gateway.callbacks.push(ir::Callback {
                id: callback.id.value.clone(),
                doc: callback.doc.value.clone(),
                source: ir::OperationSource {
                    source: spec
                        .sources
                        .iter()
                        .position(|s| s.id.value == callback.source_document.value)
                        .unwrap_or(0),
                    section: callback.source_section.value.clone(),
                },
                message,
                token_field: callback.token_field.as_ref().map(|token| {
                    let rust_name = body
                        .fields
                        .iter()
                        .find(|f| f.wire.value == token.value)
                        .map_or_else(|| token.value.to_snake_case(), FieldSpec::rust_name);
                    ir::TokenField {
                        wire: token.value.clone(),
                        parameter: format!("expected_{rust_name}"),
                    }
                }),
                result,
                delivery: callback.delivery(),
                charset: callback.charset(),
                examples: Vec::new(),
                schema_const: format!("{verb}_{}", callback.id.value.to_shouty_snake_case()),
            });
        }
        for (op, spec_op) in self.gateway.operations.iter().zip(&spec.operations) {
            if let Some(object) = self
                .gateway
                .objects
                .iter()
                .find(|o| o.schema_const == op.schema_const)
            {
                let message = format!(
                    "operation `{}` and type `{}` would share the schema static `{}`; rename one",
                    op.id, object.spec_name, op.schema_const
                );
                self.sink.error(spec_op.id.pos, message);
            }
        }
        self.recipes();
        self.signatures();
        self.examples();
        self.polling();
    }

    /// Which side of the wire each named object type is on, from where it is used.
    fn directions(&mut self) -> BTreeMap<&'a str, ir::Direction> {
        let spec = self.spec;
        let objects: BTreeMap<&'a str, &'a ObjectSpec> = spec
            .types
            .iter()
            .filter_map(|t| match &t.body {
                TypeBody::Object(body) => Some((t.name.value.as_str(), body)),
                _ => None,
            })
            .collect();
        let mut found: BTreeMap<&'a str, ir::Direction> = BTreeMap::new();
        let messages = spec
            .operations
            .iter()
            .flat_map(|op| {
                std::iter::once((&op.request, ir::Direction::Request))
                    .chain(op.response.iter().map(|r| (r, ir::Direction::Response)))
            })
            .chain(
                spec.callbacks
                    .iter()
                    .map(|c| (&c.message, ir::Direction::Response)),
            );
        {
            for (message, direction) in messages {
                let mut pending: Vec<&'a FieldSpec> = message.fields.iter().collect();
                if let Some((name, body)) = message
                    .items
                    .as_ref()
                    .and_then(|items| objects.get_key_value(items.value.as_str()))
                {
                    if found.insert(name, direction).is_none() {
                        pending.extend(body.fields.iter());
                    }
                }
                while let Some(field) = pending.pop() {
                    let Some(name) = field.ty.value.as_ref().and_then(TypeExpr::referenced) else {
                        continue;
                    };
                    let Some((name, body)) = objects.get_key_value(name) else {
                        continue;
                    };
                    match found.get(name) {
                        Some(seen) if *seen == direction => continue,
                        Some(_) => {
                            let message = format!(
                                "type `{name}` is used in both requests and responses; requests \
                                 are validated strictly and responses decoded leniently, so declare \
                                 one type for each side"
                            );
                            self.sink.error(field.ty.pos, message);
                            continue;
                        }
                        None => {
                            found.insert(name, direction);
                            pending.extend(body.fields.iter());
                        }
                    }
                }
            }
        }
        for def in &spec.types {
            let used = match &def.body {
                TypeBody::Object(_) => found.contains_key(def.name.value.as_str()),
                _ => true,
            };
            if !used {
                let message = format!("type `{}` is never used by an operation", def.name.value);
                self.sink.error(def.name.pos, message);
            }
        }
        found
    }

    fn claim_rust_name(&mut self, name: &str, pos: Pos) -> bool {
        if RESERVED_TYPE_NAMES.contains(&name) {
            let message =
                format!("`{name}` is a name the generated crate uses itself; rename the type");
            self.sink.error(pos, message);
            return false;
        }
        if let Some(first) = self.rust_names.get(name) {
            let message = format!(
                "duplicate Rust type name `{name}` (first at line {}, column {}); set `rust_type` \
                 or declare one named type and use it in both places",
                first.line, first.col
            );
            self.sink.error(pos, message);
            return false;
        }
        self.rust_names.insert(name.to_string(), pos);
        true
    }

    fn push_enum(&mut self, name: &str, doc: &str, values: &[EnumValueSpec]) -> usize {
        let repr = match values.first().map(|v| &v.value.value) {
            Some(Scalar::Int(_)) => ir::EnumRepr::Int,
            _ => ir::EnumRepr::Str,
        };
        let values = values
            .iter()
            .map(|v| ir::EnumValue {
                wire: literal(&v.value.value),
                variant: v.variant(),
                doc: v.doc.as_ref().map(|d| d.value.clone()).unwrap_or_default(),
            })
            .collect();
        self.gateway.enums.push(ir::EnumType {
            name: name.to_string(),
            doc: doc.to_string(),
            repr,
            values,
            schema_const: format!("{}_VALUES", name.to_shouty_snake_case()),
        });
        self.gateway.enums.len() - 1
    }

    fn message(
        &mut self,
        op: &Text,
        side: &str,
        body: &ObjectSpec,
        direction: ir::Direction,
    ) -> usize {
        let spec_name = format!("{} {side}", op.value);
        // A callback is named after its id alone: `callback` → `Callback`.
        let name = if side == "callback" {
            op.value.to_upper_camel_case()
        } else {
            format!("{} {side}", op.value).to_upper_camel_case()
        };
        self.claim_rust_name(&name, op.pos);
        let fields = self.fields(body, direction);
        self.gateway.objects.push(ir::ObjectType {
            spec_name,
            doc: body
                .doc
                .as_ref()
                .map(|d| d.value.clone())
                .unwrap_or_default(),
            schema_const: name.to_shouty_snake_case(),
            name,
            direction,
            fields,
            rules: lower_rules(body),
            signature: None,
            signed: false,
            recipes: Vec::new(),
            variants: Vec::new(),
            items: None,
            open: body.open,
            presets: Vec::new(),
            line: body.pos.line,
        });
        let index = self.gateway.objects.len() - 1;
        if let Some(items) = &body.items {
            match self.named.get(&items.value) {
                Some(Named::Object(element)) => self.gateway.objects[index].items = Some(*element),
                _ => {
                    let message = format!(
                        "`items` names `{}`, which is not an object type",
                        items.value
                    );
                    self.sink.error(items.pos, message);
                }
            }
        }
        self.variants(index, body);
        self.presets(index, body);
        index
    }

    fn headers(&mut self, headers: &[crate::spec::HeaderSpec]) -> Vec<ir::Header> {
        let mut out = Vec::new();
        for header in headers {
            let value = &header.value.value;
            if let HeaderValue::Text(text) = value {
                for part in text_parts(text) {
                    if let TextPart::Malformed(malformed) = part {
                        let message = format!(
                            "`{malformed}` in a header's text: write `{{credential.<name>}}`, and no other braces"
                        );
                        self.sink.error(header.value.pos, message);
                    }
                }
            }
            let mut sensitive = header.sensitive;
            let mut listed = true;
            for name in value.credentials() {
                match self.spec.credentials.iter().find(|c| c.name.value == name) {
                    Some(credential) if credential.optional.is_some() => {
                        let message = format!(
                            "`{name}` is optional: a header is built from credentials that are always configured"
                        );
                        self.sink.error(header.value.pos, message);
                        listed = false;
                    }
                    // A header built from a secret shows the secret, whatever its own flag says.
                    Some(credential) => sensitive |= credential.sensitive,
                    None => {
                        let message = format!("`{name}` is not listed under `credentials`");
                        self.sink.error(header.value.pos, message);
                        listed = false;
                    }
                }
            }
            if !listed {
                continue;
            }
            out.push(ir::Header {
                name: header.name.value.clone(),
                value: value.clone(),
                sensitive,
                doc: header.doc.value.clone(),
            });
        }
        out
    }

    /// Lowers the named constructors of object `index`: the values they set must be enum
    /// values or booleans (so a preset can never build an invalid value), and together with the
    /// arguments they cover every required field.
    fn presets(&mut self, index: usize, body: &ObjectSpec) {
        for preset in &body.presets {
            let object = &self.gateway.objects[index];
            let mut problems = Vec::new();
            let mut set = Vec::new();
            for (wire, value) in &preset.set {
                let Some(field) = object.fields.iter().find(|f| f.wire == wire.value) else {
                    problems.push((
                        wire.pos,
                        format!("`{}` is not a field of this object", wire.value),
                    ));
                    continue;
                };
                let value = literal(&value.value);
                let fits = match &field.ty {
                    ir::TypeRef::Enum(e) => self.gateway.enums[*e]
                        .values
                        .iter()
                        .any(|v| v.wire == value),
                    ir::TypeRef::Boolean => matches!(value, ir::Literal::Bool(_)),
                    _ => false,
                };
                if !fits {
                    problems.push((
                        wire.pos,
                        format!(
                            "a preset sets enum values or booleans; `{}` takes no such value",
                            wire.value
                        ),
                    ));
                }
                set.push((wire.value.clone(), value));
            }
            for arg in &preset.args {
                if !object.fields.iter().any(|f| f.wire == arg.value) {
                    problems.push((
                        arg.pos,
                        format!("`{}` is not a field of this object", arg.value),
                    ));
                }
            }
            // The client fills automatic fields itself; no constructor takes them.
            for field in object
                .fields
                .iter()
                .filter(|f| f.required && f.auto.is_none())
            {
                let covered = set.iter().any(|(w, _)| *w == field.wire)
                    || preset.args.iter().any(|a| a.value == field.wire);
                if !covered {
                    problems.push((
                        preset.name.pos,
                        format!(
                            "the preset leaves the required field `{}` unset",
                            field.wire
                        ),
                    ));
                }
            }
            for (pos, message) in problems {
                self.sink.error(pos, message);
            }
            let preset = ir::Preset {
                name: preset.name.value.clone(),
                doc: preset.doc.value.clone(),
                set,
                args: preset.args.iter().map(|a| a.value.clone()).collect(),
            };
            self.gateway.objects[index].presets.push(preset);
        }
    }

    /// Lowers `variants` of object `index` and adds the rules that keep JSON input to one case.
    fn variants(&mut self, index: usize, body: &ObjectSpec) {
        for spec in &body.variants {
            if self.gateway.objects[index].direction != ir::Direction::Request {
                self.sink.error(
                    spec.pos,
                    "variants are for requests: responses are decoded leniently",
                );
                continue;
            }
            if !self.claim_rust_name(&spec.name.value, spec.name.pos) {
                continue;
            }
            if spec.cases.len() < 2 {
                self.sink
                    .error(spec.pos, "variants need at least two cases");
            }
            let object = &self.gateway.objects[index];
            let mut cases = Vec::new();
            let mut problems = Vec::new();
            for case in &spec.cases {
                if case.required.is_empty() {
                    problems.push((
                        case.name.pos,
                        "a case needs at least one required field".to_string(),
                    ));
                }
                for name in case.required.iter().chain(&case.optional) {
                    match object.fields.iter().find(|f| f.wire == name.value) {
                        None => problems.push((
                            name.pos,
                            format!("the case names `{}`, which is not a field of this object", name.value),
                        )),
                        Some(field) if field.required => problems.push((
                            name.pos,
                            format!("`{}` belongs to a case, so it cannot be required on its own", name.value),
                        )),
                        // Variant enums derive Debug, so secrets there must redact themselves.
                        Some(field)
                            if field.sensitive
                                && !matches!(field.ty, ir::TypeRef::Scalar(i) if self.gateway.scalars[i].sensitive) =>
                        {
                            problems.push((
                                name.pos,
                                format!(
                                    "`{}` is sensitive and belongs to a case: give it a sensitive scalar type",
                                    name.value
                                ),
                            ))
                        }
                        Some(_) => {}
                    }
                }
                cases.push(ir::Case {
                    variant: case.name.value.to_upper_camel_case(),
                    doc: case.doc.value.clone(),
                    required: case.required.iter().map(|t| t.value.clone()).collect(),
                    optional: case.optional.iter().map(|t| t.value.clone()).collect(),
                });
            }
            for (pos, message) in problems {
                self.sink.error(pos, message);
            }
            let identifying: Vec<String> = cases
                .iter()
                .filter_map(|c| c.required.first().cloned())
                .collect();
            let mut rules = vec![ir::Rule::OneOf(identifying.clone())];
            for case in &cases {
                let Some(identifier) = case.required.first() else {
                    continue;
                };
                let own: Vec<&String> = case.required.iter().chain(&case.optional).collect();
                let foreign: std::collections::BTreeSet<&String> = cases
                    .iter()
                    .flat_map(|c| c.required.iter().chain(&c.optional))
                    .filter(|f| !own.contains(f) && !identifying.contains(f))
                    .collect();
                for field in foreign {
                    rules.push(ir::Rule::Exclusive(vec![identifier.clone(), field.clone()]));
                }
            }
            let object = &mut self.gateway.objects[index];
            object.rules.extend(rules);
            object.variants.push(ir::Variants {
                name: spec.name.value.clone(),
                rust_field: spec
                    .rust_field
                    .as_ref()
                    .map(|f| f.value.clone())
                    .unwrap_or_else(|| spec.name.value.to_snake_case()),
                doc: spec.doc.value.clone(),
                cases,
            });
        }
    }

    fn fields(&mut self, body: &ObjectSpec, direction: ir::Direction) -> Vec<ir::Field> {
        body.fields
            .iter()
            .map(|field| self.field(body, field, direction))
            .collect()
    }

    fn field(
        &mut self,
        body: &ObjectSpec,
        field: &FieldSpec,
        direction: ir::Direction,
    ) -> ir::Field {
        let mut constraints = lower_constraints(&field.constraints);
        let mut ty = self.type_ref(&field.ty);
        if let Some(values) = &field.enum_values {
            let name = inline_type_name(field);
            if self.claim_rust_name(&name, field.wire.pos) {
                ty = ir::TypeRef::Enum(self.push_enum(&name, &field.doc.value, values));
            }
        } else if !constraints.is_empty() {
            let base = match ty {
                ir::TypeRef::String => Some(ir::ScalarBase::String),
                ir::TypeRef::Integer => Some(ir::ScalarBase::Integer),
                _ => None,
            };
            // Responses are decoded leniently: their constraints document the value but no
            // newtype is made for them.
            // Automatic fields never reach a struct, so they need no newtype either.
            let filled = field.auto.is_some() || field.constant.is_some();
            if let (Some(base), ir::Direction::Request, false) = (base, direction, filled) {
                let name = inline_type_name(field);
                if self.claim_rust_name(&name, field.wire.pos) {
                    self.gateway.scalars.push(ir::ScalarType {
                        name,
                        doc: field.doc.value.clone(),
                        base,
                        constraints: constraints.clone(),
                        valid_samples: samples(field.samples.as_ref().map(|s| &s.valid)),
                        invalid_samples: samples(field.samples.as_ref().map(|s| &s.invalid)),
                        sensitive: field.sensitive,
                    });
                    ty = ir::TypeRef::Scalar(self.gateway.scalars.len() - 1);
                }
            }
        }
        if let ir::TypeRef::Scalar(index) = ty {
            constraints = self.gateway.scalars[index].constraints.clone();
        }
        if ty == ir::TypeRef::MonthYear {
            constraints.push(ir::Constraint::Format(ir::Format::MonthYear));
        }
        if ty == ir::TypeRef::Digits {
            constraints.push(ir::Constraint::Format(ir::Format::Digits));
        }
        let sensitive = field.sensitive
            || matches!(ty, ir::TypeRef::Scalar(index) if self.gateway.scalars[index].sensitive);
        if let (Some(auto), ir::Direction::Response) = (&field.auto, direction) {
            self.sink.error(
                auto.pos,
                "only request fields are filled by the client (`auto`)",
            );
        }
        ir::Field {
            wire: field.wire.value.clone(),
            rust_name: field.rust_name(),
            doc: field.doc.value.clone(),
            ty,
            required: field.required,
            location: field.location(),
            auto: match &field.constant {
                Some(constant) => Some(ir::Auto::Const(literal(&constant.value))),
                None => field.auto.as_ref().map(|a| a.value.clone()),
            },
            sensitive,
            default: field.default.as_ref().map(|d| literal(&d.value)),
            constraints,
            also_at: self.also_at(body, field),
        }
    }

    /// The steps to a field's `also_at` place; none when it has none, or when the checker
    /// has reported why the path leads nowhere.
    fn also_at(&self, body: &ObjectSpec, field: &FieldSpec) -> Vec<ir::PathStep> {
        let Some(path) = &field.also_at else {
            return Vec::new();
        };
        self.spec
            .fields_along(body, &path.value)
            .map(|along| {
                along
                    .into_iter()
                    .map(|f| ir::PathStep {
                        wire: f.wire.value.clone(),
                        rust_name: f.rust_name(),
                        required: f.required,
                    })
                    .collect()
            })
            .unwrap_or_default()
    }

    fn type_ref(&mut self, ty: &Spanned<Option<TypeExpr>>) -> ir::TypeRef {
        match &ty.value {
            Some(parsed) => self.resolve(parsed, ty.pos),
            // The reader reported the text; lowering goes on to find the spec's other problems.
            None => ir::TypeRef::String,
        }
    }

    fn resolve(&mut self, parsed: &TypeExpr, pos: Pos) -> ir::TypeRef {
        match parsed {
            TypeExpr::String => ir::TypeRef::String,
            TypeExpr::Integer => ir::TypeRef::Integer,
            TypeExpr::Boolean => ir::TypeRef::Boolean,
            TypeExpr::Json => ir::TypeRef::Json,
            TypeExpr::MonthYear => ir::TypeRef::MonthYear,
            TypeExpr::Digits => ir::TypeRef::Digits,
            TypeExpr::CommaList(inner) => {
                ir::TypeRef::CommaList(Box::new(self.resolve(inner, pos)))
            }
            TypeExpr::List(inner) => ir::TypeRef::List(Box::new(self.resolve(inner, pos))),
            TypeExpr::Map(inner) => ir::TypeRef::Map(Box::new(self.resolve(inner, pos))),
            TypeExpr::Named(name) => match self.named.get(name) {
                Some(Named::Object(i)) => ir::TypeRef::Object(*i),
                Some(Named::Enum(i)) => ir::TypeRef::Enum(*i),
                Some(Named::Scalar(i)) => ir::TypeRef::Scalar(*i),
                None => {
                    let message = format!("unknown type `{name}`");
                    self.sink.error(pos, message);
                    ir::TypeRef::String
                }
            },
        }
    }

    fn signatures(&mut self) {
        let spec = self.spec;
        let mut object_specs: Vec<Option<&ObjectSpec>> = vec![None; self.gateway.objects.len()];
        for def in &spec.types {
            if let (TypeBody::Object(body), Some(Named::Object(i))) =
                (&def.body, self.named.get(&def.name.value))
            {
                object_specs[*i] = Some(body);
            }
        }
        for (op_index, op) in spec.operations.iter().enumerate() {
            let request = self.gateway.operations[op_index].request;
            object_specs[request] = Some(&op.request);
            if let (Some(response), Some(body)) =
                (self.gateway.operations[op_index].response, &op.response)
            {
                object_specs[response] = Some(body);
            }
        }
        for (callback, lowered) in spec.callbacks.iter().zip(&self.gateway.callbacks) {
            object_specs[lowered.message] = Some(&callback.message);
        }
        let orders: Vec<Option<Vec<ir::SignItem>>> = (0..object_specs.len())
            .map(|index| self.order_of(index, &object_specs, &mut Vec::new()))
            .collect();
        for (index, order) in orders.into_iter().enumerate() {
            self.gateway.objects[index].signature = order;
        }
        if spec.signature.is_none() {
            for def in &spec.types {
                if let TypeBody::Object(ObjectSpec {
                    signature_pos: Some(pos),
                    ..
                }) = &def.body
                {
                    self.sink.error(
                        *pos,
                        "a `signature` order needs a gateway-level `signature` with its recipes",
                    );
                }
            }
        }
        let outside_body: Vec<Vec<String>> = spec
            .operations
            .iter()
            .map(|op| {
                op.request
                    .fields
                    .iter()
                    .filter(|f| matches!(f.location(), Location::Path | Location::Query))
                    .map(|f| f.wire.value.clone())
                    .collect()
            })
            .collect();
        let received = Envelope {
            path: None,
            outside_body: &[],
            query: false,
            redirect: false,
        };
        let mut messages = Vec::new();
        for (op_index, op) in spec.operations.iter().enumerate() {
            let lowered = &self.gateway.operations[op_index];
            let request = Envelope {
                path: Some(&op.path.value),
                outside_body: &outside_body[op_index],
                query: false,
                redirect: op.delivery() == Delivery::Redirect,
            };
            messages.push((lowered.request, &op.request, Side::Request, &op.id, request));
            if let (Some(response), Some(body)) = (lowered.response, &op.response) {
                messages.push((response, body, Side::Response, &op.id, received));
            }
        }
        for (callback, lowered) in spec.callbacks.iter().zip(&self.gateway.callbacks) {
            let delivered = Envelope {
                query: callback
                    .delivery
                    .as_ref()
                    .is_some_and(|d| d.value == MessageEncoding::Query),
                ..received
            };
            messages.push((
                lowered.message,
                &callback.message,
                Side::Callback,
                &callback.id,
                delivered,
            ));
        }
        for (index, body, side, id, envelope) in messages {
            let recipes = self.message_recipes(index, body, side, id, envelope);
            self.gateway.objects[index].signed = !recipes.is_empty();
            self.gateway.objects[index].recipes = recipes;
        }
    }

    /// The resolved signature order of object `index`, or `None` when it declares none.
    fn order_of(
        &mut self,
        index: usize,
        specs: &[Option<&ObjectSpec>],
        visiting: &mut Vec<usize>,
    ) -> Option<Vec<ir::SignItem>> {
        let body = specs.get(index).copied().flatten()?;
        let names = body.signature.as_ref()?;
        if visiting.contains(&index) {
            let message = format!(
                "the signature order of `{}` contains itself",
                self.gateway.objects[index].spec_name
            );
            self.sink
                .error(body.signature_pos.unwrap_or(body.pos), message);
            return None;
        }
        if names.is_empty() {
            let message = format!(
                "the signature order of `{}` is empty: a signature over nothing proves nothing",
                self.gateway.objects[index].spec_name
            );
            self.sink
                .error(body.signature_pos.unwrap_or(body.pos), message);
        }
        let signature_fields: Vec<String> = self
            .gateway
            .recipes
            .iter()
            .filter_map(|r| match &r.placement {
                ir::Placement::Field(path) | ir::Placement::EachItem { field: path, .. } => {
                    path.last().cloned()
                }
                ir::Placement::Query(name) => Some(name.clone()),
                ir::Placement::Path(_) | ir::Placement::Header { .. } => None,
            })
            .collect();
        visiting.push(index);
        let mut items = Vec::new();
        let mut seen: Vec<&str> = Vec::new();
        for name in names {
            if signature_fields.contains(&name.value) {
                let message = format!(
                    "the signature order names `{}`, the signature itself, which cannot sign itself",
                    name.value
                );
                self.sink.error(name.pos, message);
                continue;
            }
            if seen.contains(&name.value.as_str()) {
                let message = format!("`{}` appears twice in the signature order", name.value);
                self.sink.error(name.pos, message);
                continue;
            }
            seen.push(&name.value);
            let Some(field) = self.gateway.objects[index]
                .fields
                .iter()
                .find(|f| f.wire == name.value)
            else {
                let message = format!(
                    "the signature order names `{}`, which is not a field of `{}`",
                    name.value, self.gateway.objects[index].spec_name
                );
                self.sink.error(name.pos, message);
                continue;
            };
            let ty = field.ty.clone();
            if let Some(shape) = self.shape_of(&ty, name, specs, visiting) {
                items.push(ir::SignItem {
                    wire: name.value.clone(),
                    shape,
                });
            }
        }
        visiting.pop();
        Some(items)
    }

    fn shape_of(
        &mut self,
        ty: &ir::TypeRef,
        name: &Text,
        specs: &[Option<&ObjectSpec>],
        visiting: &mut Vec<usize>,
    ) -> Option<ir::SignShape> {
        Some(match ty {
            ir::TypeRef::Object(object) => match self.order_of(*object, specs, visiting) {
                Some(_) => ir::SignShape::Object(*object),
                None => {
                    let message = format!(
                        "`{}` is signed, but its type `{}` has no `signature` order",
                        name.value, self.gateway.objects[*object].spec_name
                    );
                    self.sink.error(name.pos, message);
                    return None;
                }
            },
            ir::TypeRef::List(inner) => {
                ir::SignShape::Each(Box::new(self.shape_of(inner, name, specs, visiting)?))
            }
            ir::TypeRef::Map(_) => ir::SignShape::MapValues,
            _ => ir::SignShape::Value,
        })
    }

    /// Operation and callback examples, parsed once here: each becomes a generated test.
    fn examples(&mut self) {
        let spec = self.spec;
        for (op_index, op) in spec.operations.iter().enumerate() {
            let examples = op.examples.iter().filter_map(|e| self.example(e)).collect();
            self.gateway.operations[op_index].examples = examples;
        }
        for (index, callback) in spec.callbacks.iter().enumerate() {
            let examples = callback
                .examples
                .iter()
                .filter_map(|e| self.example(e))
                .collect();
            self.gateway.callbacks[index].examples = examples;
        }
    }

    fn example(&mut self, example: &ExampleSpec) -> Option<ir::Example> {
        let json = match serde_json::from_str::<serde_json::Value>(&example.json.value) {
            Ok(json) if json.is_object() || json.is_array() => json,
            Ok(_) => {
                self.sink.error(
                    example.json.pos,
                    "an example is a JSON object, or an array for an `items` message",
                );
                return None;
            }
            Err(err) => {
                // Block scalars start on the line after their indicator.
                let pos = Pos {
                    line: example.json.pos.line + err.line(),
                    col: err.column(),
                };
                let message = format!("example `{}` is not valid JSON: {err}", example.name.value);
                self.sink.error(pos, message);
                return None;
            }
        };
        Some(ir::Example {
            name: example.name.value.clone(),
            doc: example.doc.value.clone(),
            direction: match example.kind {
                ExampleKind::Request => ir::Direction::Request,
                ExampleKind::Response => ir::Direction::Response,
            },
            json,
            text_to_sign: example.text_to_sign.as_ref().map(|t| t.value.clone()),
        })
    }

    fn polling(&mut self) {
        let spec = self.spec;
        for polling in &spec.polling {
            let Some(operation) = spec
                .operations
                .iter()
                .position(|o| o.id.value == polling.operation.value)
            else {
                let message = format!(
                    "polling names the unknown operation `{}`",
                    polling.operation.value
                );
                self.sink.error(polling.operation.pos, message);
                continue;
            };
            let Some(response) = self.gateway.operations[operation].response else {
                self.sink.error(
                    polling.operation.pos,
                    "polling needs an operation with a response",
                );
                continue;
            };
            let response = &self.gateway.objects[response];
            let status_is_integer = response.fields.iter().any(|f| {
                f.wire == polling.status_field.value
                    && match &f.ty {
                        ir::TypeRef::Integer => true,
                        ir::TypeRef::Enum(e) => self.gateway.enums[*e].repr == ir::EnumRepr::Int,
                        _ => false,
                    }
            });
            if !status_is_integer {
                let message = format!(
                    "polling needs `{}` to be an integer field of the `{}` response",
                    polling.status_field.value, polling.operation.value
                );
                self.sink.error(polling.status_field.pos, message);
            }
            let millis = |v: &Spanned<i64>, sink: &mut Sink| {
                if v.value <= 0 {
                    sink.error(v.pos, "durations must be greater than zero");
                }
                u64::try_from(v.value).unwrap_or(0)
            };
            let first_delay_ms = millis(&polling.first_delay_ms, self.sink);
            let interval_ms = millis(&polling.interval_ms, self.sink);
            let deadline_ms = millis(&polling.deadline_ms, self.sink);
            if polling.pending.is_empty() {
                self.sink
                    .error(polling.pos, "polling needs at least one `pending` status");
            }
            self.gateway.polling.push(ir::Polling {
                operation,
                method: format!("poll_{}", polling.operation.value),
                doc: polling.doc.value.clone(),
                status_field: polling.status_field.value.clone(),
                pending: polling.pending.iter().map(|p| p.value).collect(),
                first_delay_ms,
                interval_ms,
                deadline_ms,
                schema_const: format!("POLL_{}", polling.operation.value.to_shouty_snake_case()),
            });
        }
    }
}

fn inline_type_name(field: &FieldSpec) -> String {
    field
        .rust_type
        .as_ref()
        .map(|t| t.value.clone())
        .unwrap_or_else(|| field.wire.value.to_upper_camel_case())
}

fn result_spec(spec: &spec::ResultSpec) -> ir::ResultSpec {
    ir::ResultSpec {
        code_field: spec.code_field.value.clone(),
        message_field: spec.message_field.as_ref().map(|m| m.value.clone()),
        codes: result_codes(&spec.codes),
        secondary: spec.secondary.as_ref().map(|s| ir::SecondaryCode {
            field: s.field.value.clone(),
            codes: result_codes(&s.codes),
        }),
    }
}

fn result_codes(codes: &[spec::ResultCodeSpec]) -> Vec<ir::ResultCode> {
    codes
        .iter()
        .map(|c| ir::ResultCode {
            code: literal(&c.code.value),
            meaning: c.meaning,
            name: c.name.value.clone(),
            variant: c.name.value.to_upper_camel_case(),
            doc: c.doc.value.clone(),
        })
        .collect()
}

fn literal(value: &Scalar) -> ir::Literal {
    match value {
        Scalar::Str(s) => ir::Literal::Str(s.clone()),
        Scalar::Int(i) => ir::Literal::Int(*i),
        Scalar::Bool(b) => ir::Literal::Bool(*b),
    }
}

fn samples(values: Option<&Vec<Spanned<Scalar>>>) -> Vec<ir::Literal> {
    values
        .map(|v| v.iter().map(|s| literal(&s.value)).collect())
        .unwrap_or_default()
}

pub(crate) fn lower_constraints(c: &Constraints) -> Vec<ir::Constraint> {
    let unit = c.length_unit();
    let length = |v: &Spanned<i64>| usize::try_from(v.value).unwrap_or(0);
    let mut out = Vec::new();
    if let Some(v) = &c.min {
        out.push(ir::Constraint::Min(v.value));
    }
    if let Some(v) = &c.max {
        out.push(ir::Constraint::Max(v.value));
    }
    if let Some(v) = &c.min_length {
        out.push(ir::Constraint::MinLength(length(v), unit));
    }
    if let Some(v) = &c.max_length {
        out.push(ir::Constraint::MaxLength(length(v), unit));
    }
    if let Some(v) = &c.pattern {
        out.push(ir::Constraint::Pattern(v.value.clone()));
    }
    if let Some(format) = &c.format {
        out.push(ir::Constraint::Format(format.value));
    }
    if let Some(v) = &c.min_items {
        out.push(ir::Constraint::MinItems(length(v)));
    }
    if let Some(v) = &c.max_items {
        out.push(ir::Constraint::MaxItems(length(v)));
    }
    if let Some(v) = &c.max_key_length {
        out.push(ir::Constraint::MaxKeyLength(length(v), unit));
    }
    out
}

fn lower_rules(body: &ObjectSpec) -> Vec<ir::Rule> {
    use crate::spec::RuleKindSpec as K;
    let names = |list: &[Text]| list.iter().map(|t| t.value.clone()).collect();
    let mut rules = Vec::new();
    for rule in &body.rules {
        match &rule.kind {
            K::Together(list) => rules.push(ir::Rule::Together(names(list))),
            K::OneOf(list) => rules.push(ir::Rule::OneOf(names(list))),
            K::Exclusive(list) => rules.push(ir::Rule::Exclusive(names(list))),
            K::NotGreater(list) => {
                if let [lower, upper] = list.as_slice() {
                    rules.push(ir::Rule::NotGreater {
                        lower: lower.value.clone(),
                        upper: upper.value.clone(),
                    });
                }
            }
            K::RequiredIf {
                fields,
                when,
                equals,
                not_equals,
            } => {
                for field in fields {
                    rules.push(match not_equals {
                        Some(value) => ir::Rule::RequiredUnless {
                            field: field.value.clone(),
                            when: when.value.clone(),
                            value: literal(&value.value),
                        },
                        None => ir::Rule::RequiredIf {
                            field: field.value.clone(),
                            when: when.value.clone(),
                            equals: equals.as_ref().map(|e| literal(&e.value)),
                        },
                    });
                }
            }
            K::Sum { of, equals } => rules.push(ir::Rule::Sum {
                items: of.value.clone(),
                total: equals.value.clone(),
            }),
            K::When {
                when,
                equals,
                field,
                constraints,
                values,
                then_pos: _,
            } => rules.push(ir::Rule::When {
                when: when.value.clone(),
                equals: literal(&equals.value),
                field: field.value.clone(),
                constraints: lower_constraints(constraints),
                values: values.iter().map(|v| literal(&v.value)).collect(),
            }),
        }
    }
    rules
}

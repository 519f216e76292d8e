//! `src/schema.rs`: the spec as static data the runtime interprets to validate, sign, verify and
//! route. Public, so tools built on a generated crate (a CLI, a simulator) read the same facts.

use crate::case::ToShoutySnakeCase;
use oneclick_schema::ClosedSet;
use proc_macro2::{Ident, TokenStream};
use quote::{format_ident, quote};

use super::recipes::{recipe_refs, recipe_statics};
use super::scalars::constraints_const;
use super::{doc, ident, int, ints, literal};
use crate::ir::{
    AnswerEncoding, Auto, Charset, Constraint, Delivery, ErrorBody, Gateway, Location, ObjectType,
    Operation, Polling, ResultCode, ResultRef, ResultSpec, Rule, SignItem, SignShape, TypeRef,
};

pub(super) fn schema(gateway: &Gateway) -> TokenStream {
    let gateway_static = gateway_static(gateway);
    let recipe_statics = recipe_statics(gateway);
    let enums = gateway.enums.iter().map(|e| {
        let name = ident(&e.schema_const);
        let spec_name = &e.name;
        let values = e.values.iter().map(|v| literal(&v.wire));
        let docs = doc(&format!("Values of [`crate::{}`].", e.name));
        quote! {
            #docs
            pub static #name: Enum = Enum { name: #spec_name, values: &[#(#values),*] };
        }
    });
    let scalars = gateway.scalars.iter().map(|s| {
        let name = constraints_const(s);
        let (patterns, list) = constraint_list(&s.name.to_shouty_snake_case(), &s.constraints);
        let docs = doc(&format!("Constraints of [`crate::{}`].", s.name));
        quote! {
            #patterns
            #docs
            pub static #name: &[Constraint] = #list;
        }
    });
    let objects = gateway.objects.iter().map(|o| object_static(gateway, o));
    let operations = gateway
        .operations
        .iter()
        .map(|op| operation_static(gateway, op));
    let polling = gateway.polling.iter().map(|p| polling_static(gateway, p));
    let callbacks = gateway.callbacks.iter().map(|c| {
        let name = ident(&c.schema_const);
        let id = &c.id;
        let message = &gateway.objects[c.message];
        let message_const = ident(&message.schema_const);
        let recipes = recipe_refs(gateway, &message.recipes);
        let order = match message.signature {
            Some(_) => {
                let name = signature_const(message);
                quote! { #name }
            }
            None => quote! { &[] },
        };
        let summary = summary(&c.doc);
        let token_field = match &c.token_field {
            Some(field) => {
                let wire = &field.wire;
                quote! { Some(#wire) }
            }
            None => quote! { None },
        };
        let result = match &c.result {
            Some(ResultRef::Own(result)) => {
                let spec = result_spec(result);
                quote! { Some(&#spec) }
            }
            Some(ResultRef::Gateway) => quote! { Some(&RESULT) },
            None => quote! { None },
        };
        let method = super::callback_method_name(gateway, c);
        let docs = if method.starts_with("verify_") {
            doc(&format!("The `{}` callback, verified by `Client::{method}`.", c.id))
        } else {
            doc(&format!(
                "The `{}` callback, decoded without any verification by `Client::{method}`.",
                c.id
            ))
        };
        let delivery = closed(c.delivery);
        let charset = closed(c.charset);
        quote! {
            #docs
            pub static #name: Callback = Callback { id: #id, summary: #summary, message: &#message_const, recipes: #recipes, signature: #order, token_field: #token_field, delivery: #delivery, charset: #charset, result: #result };
        }
    });
    quote! {
        //! The spec as data: what the runtime validates, signs and sends.

        use oneclick_runtime::schema::*;

        #gateway_static
        #recipe_statics
        #(#enums)*
        #(#scalars)*
        #(#objects)*
        #(#operations)*
        #(#callbacks)*
        #(#polling)*
    }
}

fn gateway_static(gateway: &Gateway) -> TokenStream {
    let name = &gateway.name;
    let recipes = recipe_refs(gateway, &(0..gateway.recipes.len()).collect::<Vec<_>>());
    let zone = closed(gateway.time_zone);
    let retry = gateway
        .retry_http_status
        .iter()
        .map(|s| proc_macro2::Literal::u16_unsuffixed(*s));
    let unprocessed = gateway
        .unprocessed_http_status
        .iter()
        .map(|s| proc_macro2::Literal::u16_unsuffixed(*s));
    let (result_static, result_ref) = match &gateway.result {
        Some(result) => {
            let spec = result_spec(result);
            (
                quote! {
                    /// Where answers carry their result code, and what each code means.
                    pub static RESULT: ResultSpec = #spec;
                },
                quote! { Some(&RESULT) },
            )
        }
        None => (quote! {}, quote! { None }),
    };
    let gateway_headers = headers(&gateway.headers);
    let environments = gateway.environments.iter().map(|e| {
        let (name, url) = (&e.name, &e.url);
        quote! { (#name, #url) }
    });
    let credentials = gateway.credentials.iter().map(|c| {
        let (name, sensitive, integer, optional) = (&c.name, c.sensitive, c.integer, c.optional);
        let kind = closed(c.kind);
        quote! { CredentialSpec { name: #name, kind: #kind, sensitive: #sensitive, integer: #integer, optional: #optional } }
    });
    let operations = gateway.operations.iter().map(|op| {
        let name = ident(&op.schema_const);
        quote! { &#name }
    });
    let callbacks = gateway.callbacks.iter().map(|c| {
        let name = ident(&c.schema_const);
        quote! { &#name }
    });
    let errors = gateway.errors.iter().map(error_body);
    quote! {
        /// Gateway-wide facts: signature recipes, time zone, result codes, retryable statuses.
        pub static GATEWAY: Gateway = Gateway {
            name: #name,
            recipes: #recipes,
            dttm_zone: #zone,
            result: #result_ref,
            errors: &[#(#errors),*],
            headers: #gateway_headers,
            environments: &[#(#environments),*],
            credentials: &[#(#credentials),*],
            operations: &[#(#operations),*],
            callbacks: &[#(#callbacks),*],
            retry_http_status: &[#(#retry),*],
            unprocessed_http_status: &[#(#unprocessed),*],
        };


        #result_static
    }
}

/// An `ErrorBody` expression.
fn error_body(body: &ErrorBody) -> TokenStream {
    let shape = closed(body.shape);
    let optional = |text: &Option<String>| match text {
        Some(text) => quote! { Some(#text) },
        None => quote! { None },
    };
    let field = optional(&body.field);
    let detail = optional(&body.detail);
    let (code, message) = (&body.code, &body.message);
    let statuses = body
        .http_status
        .iter()
        .map(|s| proc_macro2::Literal::u16_unsuffixed(*s));
    quote! {
        ErrorBody {
            shape: #shape,
            field: #field,
            code: #code,
            message: #message,
            detail: #detail,
            http_status: &[#(#statuses),*],
        }
    }
}

/// A `ResultSpec` expression.
fn result_spec(result: &ResultSpec) -> TokenStream {
    let code_field = &result.code_field;
    let message_field = match &result.message_field {
        Some(m) => quote! { Some(#m) },
        None => quote! { None },
    };
    let codes = result_code_infos(&result.codes);
    let secondary = match &result.secondary {
        Some(second) => {
            let field = &second.field;
            let codes = result_code_infos(&second.codes);
            quote! { Some(SecondaryCode { field: #field, codes: #codes }) }
        }
        None => quote! { None },
    };
    quote! {
        ResultSpec {
            code_field: #code_field,
            message_field: #message_field,
            codes: #codes,
            secondary: #secondary,
        }
    }
}

/// The `&[ResultCodeInfo]` expression for a list of codes.
fn result_code_infos(codes: &[ResultCode]) -> TokenStream {
    let infos = codes.iter().map(|c| {
        let code = literal(&c.code);
        let name = &c.name;
        let meaning = closed(c.meaning);
        quote! { ResultCodeInfo { code: #code, name: #name, meaning: #meaning } }
    });
    quote! { &[#(#infos),*] }
}

/// Pattern statics and the `&[Constraint]` expression for a list of constraints.
fn constraint_list(prefix: &str, constraints: &[Constraint]) -> (TokenStream, TokenStream) {
    let mut patterns = Vec::new();
    let items: Vec<TokenStream> = constraints
        .iter()
        .map(|c| match c {
            Constraint::Min(v) => {
                let v = int(*v);
                quote! { Constraint::Min(#v) }
            }
            Constraint::Max(v) => {
                let v = int(*v);
                quote! { Constraint::Max(#v) }
            }
            Constraint::MinLength(n, unit) => {
                let n = proc_macro2::Literal::usize_unsuffixed(*n);
                let unit = closed(*unit);
                quote! { Constraint::MinLength(#n, #unit) }
            }
            Constraint::MaxLength(n, unit) => {
                let n = proc_macro2::Literal::usize_unsuffixed(*n);
                let unit = closed(*unit);
                quote! { Constraint::MaxLength(#n, #unit) }
            }
            Constraint::Pattern(source) => {
                let name = format_ident!("{}_PATTERN", prefix);
                patterns.push(quote! {
                    static #name: Pattern = Pattern::new(#source);
                });
                quote! { Constraint::Pattern(&#name) }
            }
            Constraint::Format(format) => {
                let format = closed(*format);
                quote! { Constraint::Format(#format) }
            }
            Constraint::MinItems(n) => {
                let n = proc_macro2::Literal::usize_unsuffixed(*n);
                quote! { Constraint::MinItems(#n) }
            }
            Constraint::MaxItems(n) => {
                let n = proc_macro2::Literal::usize_unsuffixed(*n);
                quote! { Constraint::MaxItems(#n) }
            }
            Constraint::MaxKeyLength(n, unit) => {
                let n = proc_macro2::Literal::usize_unsuffixed(*n);
                let unit = closed(*unit);
                quote! { Constraint::MaxKeyLength(#n, #unit) }
            }
        })
        .collect();
    (quote! { #(#patterns)* }, quote! { &[#(#items),*] })
}

/// A value of a closed set as generated code spells it: `Format::IsoDate`.
fn closed<T: ClosedSet>(value: T) -> TokenStream {
    let ty = format_ident!("{}", T::TYPE_NAME);
    let variant = format_ident!("{}", value.variant_name());
    quote! { #ty::#variant }
}

fn kind(gateway: &Gateway, ty: &TypeRef) -> TokenStream {
    match ty {
        TypeRef::String => quote! { Kind::String },
        TypeRef::Integer => quote! { Kind::Integer },
        TypeRef::Boolean => quote! { Kind::Boolean },
        TypeRef::Json => quote! { Kind::Any },
        // Both travel as one string; their Rust types keep the digits and the items.
        TypeRef::MonthYear | TypeRef::Digits | TypeRef::CommaList(_) => quote! { Kind::String },
        TypeRef::Scalar(i) => match gateway.scalars[*i].base {
            crate::ir::ScalarBase::String => quote! { Kind::String },
            crate::ir::ScalarBase::Integer => quote! { Kind::Integer },
        },
        TypeRef::Enum(i) => {
            let name = ident(&gateway.enums[*i].schema_const);
            quote! { Kind::Enum(&#name) }
        }
        TypeRef::Object(i) => {
            let name = ident(&gateway.objects[*i].schema_const);
            quote! { Kind::Object(&#name) }
        }
        TypeRef::List(inner) => {
            let inner = kind(gateway, inner);
            quote! { Kind::List(&#inner) }
        }
        TypeRef::Map(inner) => {
            let inner = kind(gateway, inner);
            quote! { Kind::Map(&#inner) }
        }
    }
}

fn object_static(gateway: &Gateway, object: &ObjectType) -> TokenStream {
    let name = ident(&object.schema_const);
    let spec_name = &object.spec_name;
    let mut patterns = Vec::new();
    let fields: Vec<TokenStream> = object
        .fields
        .iter()
        .map(|f| {
            let wire = &f.wire;
            let kind = kind(gateway, &f.ty);
            let required = f.required.then(|| quote! { .required() });
            let location = match f.location {
                Location::Body => None,
                Location::Path => Some(quote! { .in_path() }),
                Location::Query => Some(quote! { .in_query() }),
                Location::Header => Some(quote! { .in_header() }),
            };
            let auto = f.auto.as_ref().map(|auto| match auto {
                Auto::Dttm => quote! { .auto(Auto::Dttm) },
                Auto::Signature => quote! { .auto(Auto::Signature) },
                Auto::Credential(c) => quote! { .auto(Auto::Credential(#c)) },
                Auto::Const(value) => {
                    let value = literal(value);
                    quote! { .auto(Auto::Const(#value)) }
                }
            });
            let sensitive = f.sensitive.then(|| quote! { .sensitive() });
            let default = f.default.as_ref().map(|value| {
                let value = literal(value);
                quote! { .default(#value) }
            });
            let constraints = match &f.ty {
                TypeRef::Scalar(i) => {
                    let name = constraints_const(&gateway.scalars[*i]);
                    Some(quote! { .constraints(#name) })
                }
                _ if f.constraints.is_empty() => None,
                _ => {
                    let prefix =
                        format!("{}_{}", object.schema_const, f.wire.to_shouty_snake_case());
                    let (statics, list) = constraint_list(&prefix, &f.constraints);
                    patterns.push(statics);
                    Some(quote! { .constraints(#list) })
                }
            };
            quote! {
                Field::new(#wire, #kind) #required #location #auto #sensitive #default #constraints
            }
        })
        .collect();
    let rules: Vec<TokenStream> = object
        .rules
        .iter()
        .enumerate()
        .map(|(index, r)| match r {
            Rule::Together(names) => quote! { Rule::Together(&[#(#names),*]) },
            Rule::OneOf(names) => quote! { Rule::OneOf(&[#(#names),*]) },
            Rule::Exclusive(names) => quote! { Rule::Exclusive(&[#(#names),*]) },
            Rule::RequiredUnless { field, when, value } => {
                let value = literal(value);
                quote! { Rule::RequiredUnless { field: #field, when: #when, value: #value } }
            }
            Rule::NotGreater { lower, upper } => {
                quote! { Rule::NotGreater { lower: #lower, upper: #upper } }
            }
            Rule::RequiredIf {
                field,
                when,
                equals,
            } => {
                let equals = match equals {
                    Some(value) => {
                        let value = literal(value);
                        quote! { Some(#value) }
                    }
                    None => quote! { None },
                };
                quote! { Rule::RequiredIf { field: #field, when: #when, equals: #equals } }
            }
            Rule::Sum { items, total } => quote! { Rule::Sum { items: #items, total: #total } },
            Rule::When {
                when,
                equals,
                field,
                constraints,
                values,
            } => {
                let equals = literal(equals);
                let prefix = format!("{}_RULE_{index}", object.schema_const);
                let (statics, constraints) = constraint_list(&prefix, constraints);
                patterns.push(statics);
                let values = values.iter().map(literal);
                quote! {
                    Rule::When {
                        when: #when,
                        equals: #equals,
                        field: #field,
                        constraints: #constraints,
                        values: &[#(#values),*],
                    }
                }
            }
        })
        .collect();
    let items = match object.items {
        Some(element) => {
            let element = ident(&gateway.objects[element].schema_const);
            quote! { Some(&#element) }
        }
        None => quote! { None },
    };
    let docs = doc(&format!("Fields and rules of [`crate::{}`].", object.name));
    let signature = object.signature.as_ref().map(|items| {
        let name = signature_const(object);
        let items = sign_items(gateway, items);
        let docs = doc(&format!(
            "The order in which the fields of `{}` are signed.",
            object.spec_name
        ));
        quote! {
            #docs
            pub static #name: &[recipe::Field] = #items;
        }
    });
    quote! {
        #signature
        #(#patterns)*
        #docs
        pub static #name: Object = Object {
            name: #spec_name,
            fields: &[#(#fields),*],
            rules: &[#(#rules),*],
            items: #items,
        };
    }
}

/// Name of the static holding an object's signature order.
fn signature_const(object: &ObjectType) -> Ident {
    format_ident!("{}_SIGNATURE", object.schema_const)
}

fn sign_items(gateway: &Gateway, items: &[SignItem]) -> TokenStream {
    let items = items.iter().map(|item| {
        let wire = &item.wire;
        match &item.shape {
            SignShape::Value => quote! { recipe::Field::value(#wire) },
            SignShape::Object(index) => {
                let order = signature_const(&gateway.objects[*index]);
                quote! { recipe::Field::object(#wire, #order) }
            }
            SignShape::Each(shape) => {
                let shape = sign_shape(gateway, shape);
                quote! { recipe::Field::each(#wire, &#shape) }
            }
            SignShape::MapValues => quote! { recipe::Field::map_values(#wire) },
        }
    });
    quote! { &[#(#items),*] }
}

fn sign_shape(gateway: &Gateway, shape: &SignShape) -> TokenStream {
    match shape {
        SignShape::Value => quote! { recipe::Shape::Value },
        SignShape::Object(index) => {
            let order = signature_const(&gateway.objects[*index]);
            quote! { recipe::Shape::Object(#order) }
        }
        SignShape::Each(inner) => {
            let inner = sign_shape(gateway, inner);
            quote! { recipe::Shape::Each(&#inner) }
        }
        SignShape::MapValues => quote! { recipe::Shape::MapValues },
    }
}

fn operation_static(gateway: &Gateway, op: &Operation) -> TokenStream {
    let name = ident(&op.schema_const);
    let id = &op.id;
    let method = closed(op.method);
    let path = &op.path;
    let request = ident(&gateway.objects[op.request].schema_const);
    let response = match op.response {
        Some(index) => {
            let name = ident(&gateway.objects[index].schema_const);
            quote! { &#name }
        }
        None => quote! { &NO_RESPONSE },
    };
    let order = |index: Option<usize>| {
        let object = index.map(|i| &gateway.objects[i]);
        match object.filter(|o| o.signature.is_some()) {
            Some(object) => {
                let name = signature_const(object);
                quote! { #name }
            }
            None => quote! { &[] },
        }
    };
    let request_signature = order(Some(op.request));
    let response_signature = order(op.response);
    let op_headers = headers(&op.headers);
    let summary = summary(&op.doc);
    let request_recipes = recipe_refs(gateway, &gateway.objects[op.request].recipes);
    let response_recipes = recipe_refs(
        gateway,
        op.response
            .map_or(&[][..], |i| &gateway.objects[i].recipes[..]),
    );
    let encoding = closed(op.encoding);
    let answer = answer(&op.answer);
    let delivery = closed(match op.response {
        Some(_) => Delivery::Call,
        None => Delivery::Redirect,
    });
    let retryable = op.retryable_result_codes.iter().map(literal);
    let repeat = closed(op.repeat);
    let reconcile = &op.reconcile;
    let result = match &op.result {
        Some(result) => {
            let spec = result_spec(result);
            quote! { Some(&#spec) }
        }
        None => quote! { None },
    };
    let answer_matches = &op.answer_matches;
    let docs = doc(&format!(
        "The `{}` operation: `{} {}`.",
        op.id,
        op.method.as_str(),
        op.path
    ));
    quote! {
        #docs
        pub static #name: Operation = Operation {
            id: #id,
            summary: #summary,
            method: #method,
            path: #path,
            request: &#request,
            response: #response,
            request_recipes: #request_recipes,
            response_recipes: #response_recipes,
            request_signature: #request_signature,
            response_signature: #response_signature,
            retryable_result_codes: &[#(#retryable),*],
            repeat: #repeat,
            reconcile: &[#(#reconcile),*],
            result: #result,
            answer_matches: &[#(#answer_matches),*],
            encoding: #encoding,
            answer: #answer,
            delivery: #delivery,
            headers: #op_headers,
        };
    }
}

/// `Answer::JSON` for the default, so that most operations read as they did; the full value
/// otherwise.
fn answer(answer: &crate::ir::Answer) -> TokenStream {
    if answer.encoding == AnswerEncoding::Json && answer.charset == Charset::Utf8 {
        return quote! { Answer::JSON };
    }
    let encoding = closed(answer.encoding);
    let charset = closed(answer.charset);
    let literal = match &answer.literal {
        Some(text) => quote! { Some(#text) },
        None => quote! { None },
    };
    quote! { Answer { encoding: #encoding, literal: #literal, charset: #charset } }
}

fn polling_static(gateway: &Gateway, polling: &Polling) -> TokenStream {
    let name = ident(&polling.schema_const);
    let operation = ident(&gateway.operations[polling.operation].schema_const);
    let status_field = &polling.status_field;
    let pending = ints(&polling.pending);
    let first_delay = proc_macro2::Literal::u64_unsuffixed(polling.first_delay_ms);
    let interval = proc_macro2::Literal::u64_unsuffixed(polling.interval_ms);
    let deadline = proc_macro2::Literal::u64_unsuffixed(polling.deadline_ms);
    let docs = doc(&polling.doc);
    quote! {
        #docs
        pub static #name: Polling = Polling {
            operation: &#operation,
            status_field: #status_field,
            pending: &[#(#pending),*],
            first_delay_ms: #first_delay,
            interval_ms: #interval,
            deadline_ms: #deadline,
        };
    }
}

fn headers(headers: &[crate::ir::Header]) -> TokenStream {
    let items = headers.iter().map(|h| {
        let name = &h.name;
        let sensitive = h.sensitive;
        let value = match &h.value {
            crate::ir::HeaderValue::Credential(c) => quote! { HeaderValue::Credential(#c) },
            crate::ir::HeaderValue::Uuid => quote! { HeaderValue::Uuid },
            crate::ir::HeaderValue::IdempotencyKey => quote! { HeaderValue::IdempotencyKey },
            crate::ir::HeaderValue::Basic(user, password) => {
                quote! { HeaderValue::Basic(#user, #password) }
            }
            crate::ir::HeaderValue::Text(text) => quote! { HeaderValue::Text(#text) },
        };
        quote! { Header { name: #name, value: #value, sensitive: #sensitive } }
    });
    quote! { &[#(#items),*] }
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

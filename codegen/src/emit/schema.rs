//! `src/schema.rs`: the spec as static data the runtime interprets to validate, sign, verify and
//! route. Public, so tools built on a generated crate (a CLI, a simulator) read the same facts.

use heck::ToShoutySnakeCase;
use proc_macro2::{Ident, TokenStream};
use quote::{format_ident, quote};

use super::scalars::constraints_const;
use super::{doc, ident, int, ints, literal};
use crate::ir::{
    Auto, Constraint, Format, Gateway, LengthUnit, Location, Method, ObjectType, Operation, Polling,
    Rule, SignItem, SignShape, TimeZone, TypeRef,
};

pub(super) fn schema(gateway: &Gateway) -> TokenStream {
    let gateway_static = gateway_static(gateway);
    let enums = gateway.enums.iter().map(|e| {
        let name = ident(&e.schema_const);
        let spec_name = &e.name;
        let values = e.values.iter().map(|v| literal(&v.wire));
        let docs = doc(&format!("Values of [`crate::{}`].", e.name));
        quote! {
            #docs
            pub static #name: rt::schema::Enum = rt::schema::Enum { name: #spec_name, values: &[#(#values),*] };
        }
    });
    let scalars = gateway.scalars.iter().map(|s| {
        let name = constraints_const(s);
        let (patterns, list) = constraint_list(&s.name.to_shouty_snake_case(), &s.constraints);
        let docs = doc(&format!("Constraints of [`crate::{}`].", s.name));
        quote! {
            #patterns
            #docs
            pub static #name: &[rt::schema::Constraint] = #list;
        }
    });
    let objects = gateway.objects.iter().map(|o| object_static(gateway, o));
    let operations = gateway.operations.iter().map(|op| operation_static(gateway, op));
    let polling = gateway.polling.iter().map(|p| polling_static(gateway, p));
    quote! {
        //! The spec as data: what the runtime validates, signs and sends.

        use oneclick_runtime as rt;

        #gateway_static
        #(#enums)*
        #(#scalars)*
        #(#objects)*
        #(#operations)*
        #(#polling)*
    }
}

fn gateway_static(gateway: &Gateway) -> TokenStream {
    let name = &gateway.name;
    let scheme = match gateway.signature {
        Some(_) => quote! { rt::schema::Scheme::PipeRsaSha256 },
        None => quote! { rt::schema::Scheme::None },
    };
    let field = match &gateway.signature {
        Some(s) => {
            let f = &s.field;
            quote! { Some(#f) }
        }
        None => quote! { None },
    };
    let zone = match gateway.time_zone {
        TimeZone::Utc => quote! { rt::schema::TimeZone::Utc },
        TimeZone::EuropePrague => quote! { rt::schema::TimeZone::EuropePrague },
    };
    let retry = gateway.retry_http_status.iter().map(|s| proc_macro2::Literal::u16_unsuffixed(*s));
    let (result_static, result_ref) = match &gateway.result {
        Some(result) => {
            let code_field = &result.code_field;
            let message_field = match &result.message_field {
                Some(m) => quote! { Some(#m) },
                None => quote! { None },
            };
            let success = ints(&result.success);
            let codes = result.codes.iter().map(|c| {
                let code = int(c.code);
                let name = &c.name;
                quote! { rt::schema::ResultCodeInfo { code: #code, name: #name } }
            });
            (
                quote! {
                    /// Where answers carry their result code, and what each code means.
                    pub static RESULT: rt::schema::ResultSpec = rt::schema::ResultSpec {
                        code_field: #code_field,
                        message_field: #message_field,
                        success: &[#(#success),*],
                        codes: &[#(#codes),*],
                    };
                },
                quote! { Some(&RESULT) },
            )
        }
        None => (quote! {}, quote! { None }),
    };
    quote! {
        /// Gateway-wide facts: signature scheme, time zone, result codes, retryable statuses.
        pub static GATEWAY: rt::schema::Gateway = rt::schema::Gateway {
            name: #name,
            scheme: #scheme,
            signature_field: #field,
            dttm_zone: #zone,
            result: #result_ref,
            retry_http_status: &[#(#retry),*],
        };

        #result_static
    }
}

/// Pattern statics and the `&[Constraint]` expression for a list of constraints.
fn constraint_list(prefix: &str, constraints: &[Constraint]) -> (TokenStream, TokenStream) {
    let mut patterns = Vec::new();
    let items: Vec<TokenStream> = constraints
        .iter()
        .map(|c| match c {
            Constraint::Min(v) => {
                let v = int(*v);
                quote! { rt::schema::Constraint::Min(#v) }
            }
            Constraint::Max(v) => {
                let v = int(*v);
                quote! { rt::schema::Constraint::Max(#v) }
            }
            Constraint::MinLength(n, unit) => {
                let n = proc_macro2::Literal::usize_unsuffixed(*n);
                let unit = length_unit(*unit);
                quote! { rt::schema::Constraint::MinLength(#n, #unit) }
            }
            Constraint::MaxLength(n, unit) => {
                let n = proc_macro2::Literal::usize_unsuffixed(*n);
                let unit = length_unit(*unit);
                quote! { rt::schema::Constraint::MaxLength(#n, #unit) }
            }
            Constraint::Pattern(source) => {
                let name = format_ident!("{}_PATTERN", prefix);
                patterns.push(quote! {
                    static #name: rt::schema::Pattern = rt::schema::Pattern::new(#source);
                });
                quote! { rt::schema::Constraint::Pattern(&#name) }
            }
            Constraint::Format(format) => {
                let format = format_variant(*format);
                quote! { rt::schema::Constraint::Format(rt::schema::Format::#format) }
            }
        })
        .collect();
    (quote! { #(#patterns)* }, quote! { &[#(#items),*] })
}

fn length_unit(unit: LengthUnit) -> TokenStream {
    match unit {
        LengthUnit::Chars => quote! { rt::schema::LengthUnit::Chars },
        LengthUnit::Bytes => quote! { rt::schema::LengthUnit::Bytes },
    }
}

fn format_variant(format: Format) -> Ident {
    format_ident!(
        "{}",
        match format {
            Format::Dttm => "Dttm",
            Format::Base64 => "Base64",
            Format::Ip => "Ip",
            Format::Email => "Email",
            Format::Currency => "Currency",
            Format::Uuid => "Uuid",
            Format::Date => "Date",
            Format::IsoDate => "IsoDate",
            Format::Url => "Url",
        }
    )
}

fn kind(gateway: &Gateway, ty: &TypeRef) -> TokenStream {
    match ty {
        TypeRef::String => quote! { rt::schema::Kind::String },
        TypeRef::Integer => quote! { rt::schema::Kind::Integer },
        TypeRef::Boolean => quote! { rt::schema::Kind::Boolean },
        TypeRef::Scalar(i) => match gateway.scalars[*i].base {
            crate::ir::ScalarBase::String => quote! { rt::schema::Kind::String },
            crate::ir::ScalarBase::Integer => quote! { rt::schema::Kind::Integer },
        },
        TypeRef::Enum(i) => {
            let name = ident(&gateway.enums[*i].schema_const);
            quote! { rt::schema::Kind::Enum(&#name) }
        }
        TypeRef::Object(i) => {
            let name = ident(&gateway.objects[*i].schema_const);
            quote! { rt::schema::Kind::Object(&#name) }
        }
        TypeRef::List(inner) => {
            let inner = kind(gateway, inner);
            quote! { rt::schema::Kind::List(&#inner) }
        }
        TypeRef::Map(inner) => {
            let inner = kind(gateway, inner);
            quote! { rt::schema::Kind::Map(&#inner) }
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
            let required = f.required;
            let location = match f.location {
                Location::Body => quote! { rt::schema::Location::Body },
                Location::Path => quote! { rt::schema::Location::Path },
            };
            let auto = match &f.auto {
                None => quote! { None },
                Some(Auto::Dttm) => quote! { Some(rt::schema::Auto::Dttm) },
                Some(Auto::Signature) => quote! { Some(rt::schema::Auto::Signature) },
                Some(Auto::Credential(c)) => quote! { Some(rt::schema::Auto::Credential(#c)) },
            };
            let sensitive = f.sensitive;
            let default = match &f.default {
                Some(value) => {
                    let value = literal(value);
                    quote! { Some(#value) }
                }
                None => quote! { None },
            };
            let constraints = match &f.ty {
                TypeRef::Scalar(i) => {
                    let name = constraints_const(&gateway.scalars[*i]);
                    quote! { #name }
                }
                _ => {
                    let prefix = format!("{}_{}", object.schema_const, f.wire.to_shouty_snake_case());
                    let (statics, list) = constraint_list(&prefix, &f.constraints);
                    patterns.push(statics);
                    list
                }
            };
            quote! {
                rt::schema::Field {
                    wire: #wire,
                    kind: #kind,
                    required: #required,
                    location: #location,
                    auto: #auto,
                    sensitive: #sensitive,
                    default: #default,
                    constraints: #constraints,
                }
            }
        })
        .collect();
    let rules = object.rules.iter().map(|r| match r {
        Rule::Together(names) => quote! { rt::schema::Rule::Together(&[#(#names),*]) },
        Rule::OneOf(names) => quote! { rt::schema::Rule::OneOf(&[#(#names),*]) },
        Rule::Exclusive(names) => quote! { rt::schema::Rule::Exclusive(&[#(#names),*]) },
        Rule::RequiredIf { field, when, equals } => {
            let equals = match equals {
                Some(value) => {
                    let value = literal(value);
                    quote! { Some(#value) }
                }
                None => quote! { None },
            };
            quote! { rt::schema::Rule::RequiredIf { field: #field, when: #when, equals: #equals } }
        }
    });
    let docs = doc(&format!("Fields and rules of [`crate::{}`].", object.name));
    quote! {
        #(#patterns)*
        #docs
        pub static #name: rt::schema::Object = rt::schema::Object {
            name: #spec_name,
            fields: &[#(#fields),*],
            rules: &[#(#rules),*],
        };
    }
}

fn sign_items(items: &[SignItem]) -> TokenStream {
    let items = items.iter().map(|item| {
        let wire = &item.wire;
        let shape = sign_shape(&item.shape);
        quote! { rt::schema::SignItem { wire: #wire, shape: #shape } }
    });
    quote! { &[#(#items),*] }
}

fn sign_shape(shape: &SignShape) -> TokenStream {
    match shape {
        SignShape::Value => quote! { rt::schema::SignShape::Value },
        SignShape::Object(items) => {
            let items = sign_items(items);
            quote! { rt::schema::SignShape::Object(#items) }
        }
        SignShape::Each(inner) => {
            let inner = sign_shape(inner);
            quote! { rt::schema::SignShape::Each(&#inner) }
        }
        SignShape::MapValues => quote! { rt::schema::SignShape::MapValues },
    }
}

fn operation_static(gateway: &Gateway, op: &Operation) -> TokenStream {
    let name = ident(&op.schema_const);
    let id = &op.id;
    let method = match op.method {
        Method::Get => quote! { rt::schema::Method::Get },
        Method::Post => quote! { rt::schema::Method::Post },
    };
    let path = &op.path;
    let request = ident(&gateway.objects[op.request].schema_const);
    let response = ident(&gateway.objects[op.response].schema_const);
    let request_signature = sign_items(&op.request_signature);
    let response_signature = sign_items(&op.response_signature);
    let retryable = ints(&op.retryable_result_codes);
    let docs = doc(&format!("The `{}` operation: `{} {}`.", op.id, method_name(op.method), op.path));
    quote! {
        #docs
        pub static #name: rt::schema::Operation = rt::schema::Operation {
            id: #id,
            method: #method,
            path: #path,
            request: &#request,
            response: &#response,
            request_signature: #request_signature,
            response_signature: #response_signature,
            retryable_result_codes: &[#(#retryable),*],
        };
    }
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
        pub static #name: rt::schema::Polling = rt::schema::Polling {
            operation: &#operation,
            status_field: #status_field,
            pending: &[#(#pending),*],
            first_delay_ms: #first_delay,
            interval_ms: #interval,
            deadline_ms: #deadline,
        };
    }
}

pub(super) fn method_name(method: Method) -> &'static str {
    match method {
        Method::Get => "GET",
        Method::Post => "POST",
    }
}

//! `src/client.rs`: environments, credentials, the result-code enum and the `Client` with one
//! async method per operation.

use proc_macro2::TokenStream;
use quote::{format_ident, quote};

use super::{doc, ident, int};
use crate::ir::{
    Callback, Charset, Credential, CredentialKind, Gateway, Literal, Meaning, MessageEncoding,
    Method, ObjectType, Operation, Placement, Polling, ReplyFormat, ResultCode,
};

pub(super) fn client(gateway: &Gateway) -> TokenStream {
    let environment = environment(gateway);
    let credentials = credentials(gateway);
    let result_code = result_code(gateway);
    let client = client_struct(gateway);
    let outcomes = gateway
        .callbacks
        .iter()
        .map(|c| callback_outcome(gateway, c));
    let replies = gateway.callbacks.iter().map(|c| callback_reply(gateway, c));
    let fmt = quote! { use std::fmt; };
    let model_types: Vec<_> = gateway
        .operations
        .iter()
        .flat_map(|op| std::iter::once(op.request).chain(op.response))
        .chain(gateway.callbacks.iter().map(|c| c.message))
        .map(|i| ident(&gateway.objects[i].name))
        .collect();
    quote! {
        #fmt

        use oneclick_runtime as rt;

        use crate::model::{#(#model_types),*};
        use crate::schema;

        #environment
        #credentials
        #result_code
        #client
        #(#outcomes)*
        #(#replies)*
    }
}

/// `<Message>::outcome()`, for a callback whose message carries a result code.
fn callback_outcome(gateway: &Gateway, callback: &Callback) -> TokenStream {
    if callback.result.is_none() {
        return quote! {};
    }
    let schema = ident(&callback.schema_const);
    let message = ident(&gateway.objects[callback.message].name);
    let method = super::callback_method_name(gateway, callback);
    let docs = doc(&format!(
        "What the message's result code says, read with the spec's codes for the `{}` callback: a code the spec does not list is a failure. Call it on what `Client::{method}` returned.",
        callback.id
    ));
    quote! {
        impl #message {
            #docs
            pub fn outcome(&self) -> Result<rt::ResultReading, rt::outcome::NoResult> {
                rt::outcome::read_callback_result(&schema::#schema, self)
            }
        }
    }
}

/// `<Message>::reply()`, for a callback whose gateway waits for a documented answer.
fn callback_reply(gateway: &Gateway, callback: &Callback) -> TokenStream {
    let Some(reply) = &callback.reply else {
        return quote! {};
    };
    let schema = ident(&callback.schema_const);
    let message = ident(&gateway.objects[callback.message].name);
    let method = super::callback_method_name(gateway, callback);
    let body = reply.template();
    let docs = doc(&format!(
        "{}\n\nThe answer to send back for the `{}` message, once `Client::{method}` accepted it: `content_type` and `body` `{body}`, each `{{field}}` the message's value, {}. Fails only when the message lacks one of those values.",
        reply.doc.trim(),
        callback.id,
        match reply.format {
            ReplyFormat::Xml => "XML-escaped",
            ReplyFormat::Text => "as received",
        },
    ));
    quote! {
        impl #message {
            #docs
            pub fn reply(&self) -> Result<crate::MerchantReply, rt::Error> {
                rt::reply::merchant_reply(&schema::#schema, self)
            }
        }
    }
}

fn environment(gateway: &Gateway) -> TokenStream {
    let variants = gateway.environments.iter().map(|e| {
        let variant = ident(&e.variant);
        let docs = doc(&format!("{} (`{}`)", e.doc.trim(), e.url));
        if e.variables.is_empty() {
            return quote! { #docs #variant, };
        }
        let fields = e.variables.iter().map(|(name, text)| {
            let (name, docs) = (ident(name), super::docs::variant_field_doc(text));
            quote! { #docs #name: String, }
        });
        quote! { #docs #variant { #(#fields)* }, }
    });
    let urls = gateway.environments.iter().map(|e| {
        let variant = ident(&e.variant);
        let url = &e.url;
        if e.variables.is_empty() {
            return quote! { Self::#variant => Ok(#url.to_owned()), };
        }
        let names: Vec<_> = e.variables.iter().map(|(name, _)| ident(name)).collect();
        let wires = e.variables.iter().map(|(name, _)| name);
        quote! {
            Self::#variant { #(#names),* } => rt::fill_base_url(#url, &[#((#wires, #names.as_str())),*]),
        }
    });
    quote! {
        /// Where the gateway is reached.
        #[derive(Debug, Clone, PartialEq, Eq)]
        #[non_exhaustive]
        pub enum Environment {
            #(#variants)*
            /// Any other base URL, e.g. a local simulator. Plain `http` is accepted for loopback
            /// addresses only.
            Custom(String),
        }

        impl Environment {
            /// The base URL that operation paths are appended to; fails on a per-merchant value
            /// that is empty or holds `/`, `?`, `#`, `@` or whitespace.
            pub fn base_url(&self) -> Result<String, rt::Error> {
                match self {
                    #(#urls)*
                    Self::Custom(url) => Ok(url.clone()),
                }
            }
        }
    }
}

fn credentials(gateway: &Gateway) -> TokenStream {
    let mut fields = Vec::new();
    let mut params = Vec::new();
    let mut inits = Vec::new();
    let mut debug = Vec::new();
    let mut values = Vec::new();
    let mut keys = Vec::new();
    let mut setters = Vec::new();
    let mut optional_values = Vec::new();
    for credential in gateway.credentials.iter().filter(|c| c.optional) {
        let (field, entry, setter) = optional_credential(credential);
        fields.push(field);
        optional_values.push(entry);
        setters.push(setter);
        let (key, name) = (&credential.name, ident(&credential.name));
        debug.push(if credential.sensitive {
            quote! { .field(#key, &self.#name.as_ref().map(|_| "***")) }
        } else {
            quote! { .field(#key, &self.#name) }
        });
    }
    for credential in gateway.credentials.iter().filter(|c| !c.optional) {
        let name = ident(&credential.name);
        let docs = doc(&credential.doc);
        let key = &credential.name;
        let (ty, param, init) = match credential.kind {
            // Integer credentials travel as JSON numbers; the engine holds every credential as
            // text.
            CredentialKind::Text if credential.integer => {
                values.push(quote! { (#key, rt::Secret::new(self.#name.to_string())) });
                (quote! { i64 }, quote! { #name: i64 }, quote! { #name })
            }
            CredentialKind::Text => {
                values.push(quote! { (#key, rt::Secret::new(self.#name)) });
                (
                    quote! { String },
                    quote! { #name: impl Into<String> },
                    quote! { #name: #name.into() },
                )
            }
            CredentialKind::Secret => {
                values.push(quote! { (#key, self.#name) });
                (
                    quote! { rt::Secret<String> },
                    quote! { #name: impl Into<String> },
                    quote! { #name: rt::Secret::new(#name.into()) },
                )
            }
            CredentialKind::RsaPrivateKey if gateway.signs_sha1_with(key) => {
                keys.push(quote! { (#key, rt::Key::Sha1RsaPrivate(self.#name)) });
                let ty = quote! { rt::recipe::Sha1RsaPrivateKey };
                (ty.clone(), quote! { #name: #ty }, quote! { #name })
            }
            CredentialKind::RsaPrivateKey => {
                keys.push(quote! { (#key, rt::Key::RsaPrivate(self.#name)) });
                (
                    quote! { rt::RsaPrivateKey },
                    quote! { #name: rt::RsaPrivateKey },
                    quote! { #name },
                )
            }
            CredentialKind::RsaPublicKey => {
                keys.push(quote! { (#key, rt::Key::RsaPublic(self.#name)) });
                (
                    quote! { rt::RsaPublicKey },
                    quote! { #name: rt::RsaPublicKey },
                    quote! { #name },
                )
            }
        };
        fields.push(quote! { #docs pub #name: #ty, });
        params.push(param);
        inits.push(init);
        // Keys and secrets have a `Debug` of their own that hides them.
        debug.push(if credential.sensitive {
            quote! { .field(#key, &"***") }
        } else {
            quote! { .field(#key, &self.#name) }
        });
    }
    let default = params.is_empty().then(|| quote! { Default, });
    let optional_inits = gateway.credentials.iter().filter(|c| c.optional).map(|c| {
        let name = ident(&c.name);
        quote! { #name: None }
    });
    let values = if optional_values.is_empty() {
        quote! { vec![#(#values),*] }
    } else {
        quote! {{
            let mut values = vec![#(#values),*];
            #(#optional_values)*
            values
        }}
    };
    let new = if params.is_empty() && !setters.is_empty() {
        quote! {}
    } else {
        quote! {
            /// Credentials from their parts.
            pub fn new(#(#params),*) -> Self {
                Self { #(#inits,)* #(#optional_inits),* }
            }
        }
    };
    quote! {
        /// What the client signs with and fills into requests.
        #[derive(Clone, #default)]
        pub struct Credentials {
            #(#fields)*
        }

        impl Credentials {
            #new

            #(#setters)*

            fn into_runtime(self) -> rt::Credentials {
                rt::Credentials {
                    values: #values,
                    keys: vec![#(#keys),*],
                }
            }
        }

        /// Keys and secret credentials print as `***`.
        impl fmt::Debug for Credentials {
            fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
                f.debug_struct("Credentials") #(#debug)* .finish()
            }
        }
    }
}

/// An optional credential's struct field, the statement that hands it to the runtime when it
/// is set, and its `with_<name>` setter.
fn optional_credential(credential: &Credential) -> (TokenStream, TokenStream, TokenStream) {
    let name = ident(&credential.name);
    let key = &credential.name;
    let setter = format_ident!("with_{}", credential.name);
    let docs = doc(&credential.doc);
    let (ty, wrap, into_secret) = if credential.kind == CredentialKind::Secret {
        (
            quote! { rt::Secret<String> },
            quote! { rt::Secret::new(value.into()) },
            quote! { value },
        )
    } else {
        (
            quote! { String },
            quote! { value.into() },
            quote! { rt::Secret::new(value) },
        )
    };
    let setter_doc = doc(&format!(
        "Sets `{key}`, which the merchant may leave out: what reads it is skipped until it is set."
    ));
    (
        quote! { #docs pub #name: Option<#ty>, },
        quote! {
            if let Some(value) = self.#name {
                values.push((#key, #into_secret));
            }
        },
        quote! {
            #setter_doc
            pub fn #setter(mut self, value: impl Into<String>) -> Self {
                self.#name = Some(#wrap);
                self
            }
        },
    )
}

/// The `ResultCode` enum, for a gateway whose codes are integers.
fn result_code(gateway: &Gateway) -> TokenStream {
    let Some(result) = &gateway.result else {
        return quote! {};
    };
    let codes: Vec<(&ResultCode, i64)> = result
        .codes
        .iter()
        .filter_map(|c| match c.code {
            Literal::Int(code) => Some((c, code)),
            _ => None,
        })
        .collect();
    if codes.len() != result.codes.len() {
        return quote! {};
    }
    let variants = codes.iter().map(|(c, code)| {
        let variant = ident(&c.variant);
        let docs = doc(&format!("`{code}`: {}", c.doc.trim()));
        quote! { #docs #variant, }
    });
    let to_code = codes.iter().map(|(c, code)| {
        let variant = ident(&c.variant);
        let code = int(*code);
        quote! { Self::#variant => #code, }
    });
    let from_code = codes.iter().map(|(c, code)| {
        let variant = ident(&c.variant);
        let code = int(*code);
        quote! { #code => Self::#variant, }
    });
    let success = codes
        .iter()
        .filter(|(c, _)| c.meaning == Meaning::Success)
        .map(|(_, code)| int(*code));
    quote! {
        /// The gateway's result codes; [`rt::Error::result_code`] gives the code of a rejection.
        #[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
        #[non_exhaustive]
        pub enum ResultCode {
            #(#variants)*
            /// A code this version of the spec does not know.
            Unknown(i64),
        }

        impl ResultCode {
            /// The numeric code.
            pub fn code(self) -> i64 {
                match self {
                    #(#to_code)*
                    Self::Unknown(code) => code,
                }
            }

            /// Whether the code means the operation succeeded.
            pub fn is_success(self) -> bool {
                matches!(self.code(), #(#success)|*)
            }

            /// The spec's name of the code, e.g. `template_not_found`.
            pub fn name(self) -> Option<&'static str> {
                schema::RESULT.name_of(self.code())
            }
        }

        impl From<i64> for ResultCode {
            fn from(code: i64) -> Self {
                match code {
                    #(#from_code)*
                    other => Self::Unknown(other),
                }
            }
        }
    }
}

fn client_struct(gateway: &Gateway) -> TokenStream {
    let methods = gateway
        .operations
        .iter()
        .map(|op| operation_method(gateway, op));
    let polling = gateway.polling.iter().map(|p| polling_method(gateway, p));
    let callbacks = gateway
        .callbacks
        .iter()
        .map(|c| callback_method(gateway, c));
    let title = format!(" A client of the {} API.", gateway.title);
    quote! {
        #[doc = #title]
        ///
        /// Every call validates the request against the spec before anything is sent, fills the
        /// automatic fields, signs, sends, verifies the answer and maps result codes to
        /// [`rt::Error`]. Clone it freely: clones share one connection pool. Its clock, retries
        /// and timeouts are set through [`Configure`](rt::Configure).
        #[derive(Debug, Clone)]
        pub struct Client {
            engine: rt::Engine,
        }

        impl Client {
            /// A client for `environment`; fails on an unusable base URL or TLS setup.
            pub fn new(environment: Environment, credentials: Credentials) -> Result<Self, rt::Error> {
                let engine = rt::Engine::new(&schema::GATEWAY, &environment.base_url()?, credentials.into_runtime())?;
                Ok(Self { engine })
            }

            #(#methods)*
            #(#polling)*
            #(#callbacks)*
        }

        impl rt::Configure for Client {
            fn engine_and_rebuild(&self) -> (&rt::Engine, fn(rt::Engine) -> Self) {
                (&self.engine, |engine| Self { engine })
            }
        }
    }
}

fn operation_method(gateway: &Gateway, op: &Operation) -> TokenStream {
    let name = ident(&op.id);
    let request = ident(&gateway.objects[op.request].name);
    let schema = ident(&op.schema_const);
    let source = &gateway.sources[op.source.source];
    let mut text = format!(
        "{}\n\n`{} {}`. Source: {} (`{}`), section \"{}\".",
        op.doc.trim(),
        op.method.as_str(),
        op.path,
        source.title,
        source.file,
        op.source.section
    );
    if !op.retryable_result_codes.is_empty() {
        let codes: Vec<String> = op
            .retryable_result_codes
            .iter()
            .map(|code| match code {
                Literal::Str(text) => format!("`{text}`"),
                Literal::Int(int) => int.to_string(),
                Literal::Bool(flag) => flag.to_string(),
            })
            .collect();
        text.push_str(&format!(
            "\n\nRetried with backoff on result code {} and on the gateway's retryable HTTP statuses.",
            codes.join(", ")
        ));
    }
    if let Some(note) = super::acknowledgement(gateway, op) {
        text.push_str(&format!("\n\n{note}"));
    }
    let docs = doc(&text);
    match op.response {
        Some(response) => {
            let response = ident(&gateway.objects[response].name);
            quote! {
                #docs
                pub async fn #name(&self, request: &#request) -> Result<#response, rt::Error> {
                    self.engine.call(&schema::#schema, request).await
                }
            }
        }
        // The customer's browser carries this request to the gateway: build it, never send it.
        None => {
            let url_method = (op.method == Method::Get).then(|| redirect_url_method(gateway, op));
            quote! {
                #docs
                pub fn #name(&self, request: &#request) -> Result<rt::RedirectForm, rt::Error> {
                    self.engine.redirect(&schema::#schema, request)
                }

                #url_method
            }
        }
    }
}

/// `<id>_url`: a GET redirect is nothing but its URL, which is what a web framework's redirect
/// response takes.
fn redirect_url_method(gateway: &Gateway, op: &Operation) -> TokenStream {
    let name = ident(&format!("{}_url", op.id));
    let request = ident(&gateway.objects[op.request].name);
    let schema = ident(&op.schema_const);
    let docs = doc(&format!(
        "The signed URL of [`Client::{}`] for the customer's browser; nothing is sent.",
        op.id
    ));
    quote! {
        #docs
        pub fn #name(&self, request: &#request) -> Result<String, rt::Error> {
            Ok(self.engine.redirect(&schema::#schema, request)?.to_url())
        }
    }
}

fn polling_method(gateway: &Gateway, polling: &Polling) -> TokenStream {
    let op = &gateway.operations[polling.operation];
    let name = ident(&polling.method);
    let options = ident(&format!("{}_options", polling.method));
    let request = ident(&gateway.objects[op.request].name);
    let response = op
        .response
        .map(|i| ident(&gateway.objects[i].name))
        .unwrap_or_else(|| ident(&gateway.objects[op.request].name));
    let schema = ident(&polling.schema_const);
    let docs = doc(&format!(
        "{}\n\nCalls `{}` until `{}` is no longer {}; fails with [`rt::Error::PollDeadline`] when `options.deadline` passes first.",
        polling.doc.trim(),
        op.id,
        polling.status_field,
        pending_values(&polling.pending)
    ));
    let options_doc = doc(&format!(
        "The spec's polling advice for `{}`: first check after {} ms, then every {} ms, for at most {} ms.",
        op.id, polling.first_delay_ms, polling.interval_ms, polling.deadline_ms
    ));
    quote! {
        #docs
        pub async fn #name(&self, request: &#request, options: rt::PollOptions) -> Result<#response, rt::Error> {
            self.engine.poll(&schema::#schema, request, options).await
        }

        #options_doc
        pub fn #options() -> rt::PollOptions {
            rt::PollOptions::from_spec(&schema::#schema)
        }
    }
}

fn callback_method(gateway: &Gateway, callback: &Callback) -> TokenStream {
    let name = ident(&super::callback_method_name(gateway, callback));
    let message = ident(&gateway.objects[callback.message].name);
    let schema = ident(&callback.schema_const);
    let source = &gateway.sources[callback.source.source];
    let source = format!(
        "Source: {} (`{}`), section \"{}\".",
        source.title, source.file, callback.source.section
    );
    let what = received_input(callback);
    let doc_text = callback.doc.trim();
    let (raw_param, raw_arg) = match callback.delivery {
        MessageEncoding::Query => (
            quote! { query: impl AsRef<[u8]> },
            quote! { query.as_ref() },
        ),
        MessageEncoding::Json | MessageEncoding::Form => (quote! { raw: &[u8] }, quote! { raw }),
    };
    if let Some(token) = &callback.token_field {
        let (field, expected) = (&token.wire, ident(&token.parameter));
        let docs = doc(&format!(
            "{doc_text}\n\n{what} Checks its `{field}` against `{expected}` (the one returned when the order was created) in constant time before decoding it: a notification that does not match is an error, never a value. {source}"
        ));
        return quote! {
            #docs
            pub fn #name(&self, #raw_param, #expected: &str) -> Result<#message, rt::Error> {
                self.engine.verify_notification_as(&schema::#schema, #raw_arg, #expected)
            }
        };
    }
    let message_object = &gateway.objects[callback.message];
    let only_signed = only_signed_doc(callback);
    let freshness = freshness_doc(gateway, message_object);
    let verified_docs = || {
        doc(&format!(
            "{doc_text}\n\n{what} Verifies its signature with the message's recipes in constant time and only then decodes it: a callback that does not verify is an error, never a value.{freshness}{only_signed} {source}"
        ))
    };
    let in_header = message_object
        .recipes
        .iter()
        .any(|i| matches!(gateway.recipes[*i].placement, Placement::Header { .. }));
    if in_header {
        let docs = verified_docs();
        return quote! {
            #docs
            pub fn #name(&self, #raw_param, headers: &[(&str, &str)]) -> Result<#message, rt::Error> {
                self.engine.verify_callback_with_headers_as(&schema::#schema, #raw_arg, headers)
            }
        };
    }
    let (docs, call) = if message_object.signed {
        let docs = verified_docs();
        (docs, format_ident!("verify_callback_as"))
    } else {
        let docs = doc(&format!(
            "{doc_text}\n\n{what} Only decodes it. **Nothing is verified**: the gateway neither signs this message nor carries a token to check, so anyone who can reach the URL can send one. Confirm what it says with the gateway before acting on it. {source}"
        ));
        (docs, format_ident!("decode_callback_as"))
    };
    quote! {
        #docs
        pub fn #name(&self, #raw_param) -> Result<#message, rt::Error> {
            self.engine.#call(&schema::#schema, #raw_arg)
        }
    }
}

/// What `only_signed` adds to the verification, for the method's rustdoc.
/// What the docs say of the freshness windows (`max_age`) of the recipes verifying `message`;
/// nothing when none has one, so no replay protection is claimed that is not checked.
fn freshness_doc(gateway: &Gateway, message: &ObjectType) -> String {
    message
        .recipes
        .iter()
        .filter_map(|i| gateway.recipes[*i].max_age)
        .min()
        .map_or_else(String::new, |seconds| {
            format!(
                " A message whose signed timestamp is more than {seconds} s from the client's clock, either way, is refused (`SignatureError::Stale`), so a captured message cannot be replayed later."
            )
        })
}

fn only_signed_doc(callback: &Callback) -> String {
    match callback.only_signed.as_deref() {
        None => String::new(),
        Some([]) => " A message carrying any field its signature does not cover is refused (`SignatureError::Unsigned` naming the field).".to_string(),
        Some(unsigned) => format!(
            " A message carrying any field its signature does not cover, other than {}, is refused (`SignatureError::Unsigned` naming the field).",
            unsigned.iter().map(|u| format!("`{u}`")).collect::<Vec<_>>().join(", ")
        ),
    }
}

/// What a received-message method takes, and how to get it from the common web frameworks:
/// the bytes as they arrived, because a signature covers those and nothing re-encoded.
fn received_input(callback: &Callback) -> String {
    let charset = match callback.charset {
        Charset::Utf8 => String::new(),
        other => format!(" It is read as {} text.", other.as_str()),
    };
    let input = match callback.delivery {
        MessageEncoding::Json => {
            "Takes the raw body as received (axum: a `Bytes` extractor; actix-web: `web::Bytes`), not a re-serialised value.".to_string()
        }
        MessageEncoding::Form => {
            "Takes the raw `application/x-www-form-urlencoded` body as received (axum: a `Bytes` extractor, not `Form`; actix-web: `web::Bytes`, not `web::Form`): it is read from the bytes as sent, and a repeated field is an error rather than last-wins.".to_string()
        }
        MessageEncoding::Query => {
            "Takes the URL's query string exactly as received, with or without its leading `?`, as `&str` or `&[u8]` (axum: `RawQuery`, or `uri.query()`; actix-web: `HttpRequest::query_string()`), not a deserialised `Query` map: it is read from the text as sent, and a repeated field is an error rather than last-wins.".to_string()
        }
    };
    format!("{input}{charset}")
}

/// `` `2` `` or `` `1`, `2` or `7` ``: code spans, so rustdoc reads no link in a list of values.
fn pending_values(pending: &[i64]) -> String {
    let spans: Vec<String> = pending.iter().map(|v| format!("`{v}`")).collect();
    match spans.split_last() {
        Some((last, [])) => last.clone(),
        Some((last, rest)) => format!("{} or {last}", rest.join(", ")),
        None => String::new(),
    }
}

//! `src/client.rs`: environments, credentials, the result-code enum and the `Client` with one
//! async method per operation.

use proc_macro2::TokenStream;
use quote::{format_ident, quote};

use super::{doc, ident, int};
use crate::ir::{
    Callback, Charset, CredentialKind, Gateway, MessageEncoding, Operation, Placement, Polling,
};

pub(super) fn client(gateway: &Gateway) -> TokenStream {
    let environment = environment(gateway);
    let credentials = credentials(gateway);
    let result_code = result_code(gateway);
    let client = client_struct(gateway);
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
            let (name, docs) = (ident(name), doc(text));
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
    for credential in &gateway.credentials {
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
    let default = fields.is_empty().then(|| quote! { Default, });
    quote! {
        /// What the client signs with and fills into requests.
        #[derive(Clone, #default)]
        pub struct Credentials {
            #(#fields)*
        }

        impl Credentials {
            /// Credentials from their parts.
            pub fn new(#(#params),*) -> Self {
                Self { #(#inits),* }
            }

            fn into_runtime(self) -> rt::Credentials {
                rt::Credentials {
                    values: vec![#(#values),*],
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

fn result_code(gateway: &Gateway) -> TokenStream {
    let Some(result) = &gateway.result else {
        return quote! {};
    };
    let variants = result.codes.iter().map(|c| {
        let variant = ident(&c.variant);
        let docs = doc(&format!("`{}`: {}", c.code, c.doc.trim()));
        quote! { #docs #variant, }
    });
    let to_code = result.codes.iter().map(|c| {
        let variant = ident(&c.variant);
        let code = int(c.code);
        quote! { Self::#variant => #code, }
    });
    let from_code = result.codes.iter().map(|c| {
        let variant = ident(&c.variant);
        let code = int(c.code);
        quote! { #code => Self::#variant, }
    });
    let success = super::ints(&result.success);
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
            .map(i64::to_string)
            .collect();
        text.push_str(&format!(
            "\n\nRetried with backoff on result code {} and on the gateway's retryable HTTP statuses.",
            codes.join(", ")
        ));
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
        None => quote! {
            #docs
            pub fn #name(&self, request: &#request) -> Result<rt::RedirectForm, rt::Error> {
                self.engine.redirect(&schema::#schema, request)
            }
        },
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
    if let Some(field) = &callback.token_field {
        let docs = doc(&format!(
            "{doc_text}\n\n{what} Checks its `{field}` against `expected_token` (the one returned when the order was created) in constant time before decoding it: a notification that does not match is an error, never a value. {source}"
        ));
        return quote! {
            #docs
            pub fn #name(&self, #raw_param, expected_token: &str) -> Result<#message, rt::Error> {
                self.engine.verify_notification_as(&schema::#schema, #raw_arg, expected_token)
            }
        };
    }
    let message_object = &gateway.objects[callback.message];
    let verified_docs = || {
        doc(&format!(
            "{doc_text}\n\n{what} Verifies its signature with the message's recipes in constant time and only then decodes it: a callback that does not verify is an error, never a value. {source}"
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

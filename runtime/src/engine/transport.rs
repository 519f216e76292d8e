//! The HTTP side: the reqwest client with its TLS set-up, and sending one attempt.

use std::fmt;
use std::sync::Arc;
use std::time::Duration;

use crate::error::Error;
use crate::schema::{AnswerEncoding, Encoding, Method, Operation};

use super::Engine;
use super::PreparedRequest;
use super::redirect::{form_encode, form_fields};
use super::retry::Failure;

pub(super) const DEFAULT_CONNECT_TIMEOUT: Duration = Duration::from_secs(10);
pub(super) const DEFAULT_TOTAL_TIMEOUT: Duration = Duration::from_secs(30);
/// A gateway answer is a few kilobytes; a larger one is refused rather than buffered.
pub(super) const MAX_RESPONSE_BYTES: usize = 1 << 20;

/// What came back for one attempt, before anything in it is believed.
pub(super) struct RawAnswer {
    pub(super) status: u16,
    pub(super) bytes: Vec<u8>,
    /// False when the body exceeded [`MAX_RESPONSE_BYTES`] and `bytes` holds only its start.
    pub(super) complete: bool,
}

impl Engine {
    /// Sends one prepared attempt and reads the answer up to [`MAX_RESPONSE_BYTES`].
    pub(super) async fn send(
        &self,
        op: &'static Operation,
        prepared: PreparedRequest,
        headers: Vec<(&'static str, String)>,
        span: &tracing::Span,
    ) -> Result<RawAnswer, Failure> {
        let method = match prepared.method {
            Method::Get => reqwest::Method::GET,
            Method::Post => reqwest::Method::POST,
            Method::Put => reqwest::Method::PUT,
            Method::Patch => reqwest::Method::PATCH,
            Method::Delete => reqwest::Method::DELETE,
        };
        let accept = match op.answer.encoding {
            AnswerEncoding::Json => "application/json",
            AnswerEncoding::Form => "application/x-www-form-urlencoded",
            AnswerEncoding::Literal | AnswerEncoding::Empty => "*/*",
        };
        let mut request = self
            .http
            .request(method, prepared.url.as_str())
            .header(reqwest::header::ACCEPT, accept);
        for (name, value) in headers.into_iter().chain(prepared.headers) {
            request = request.header(name, value);
        }
        if let Some(body) = &prepared.body {
            request = match op.encoding {
                Encoding::Json => request.json(body),
                Encoding::Form => request
                    .header(
                        reqwest::header::CONTENT_TYPE,
                        "application/x-www-form-urlencoded",
                    )
                    .body(form_encode(&form_fields(body))),
                // Its fields went to the query string when the request was prepared.
                Encoding::Query => request,
            };
        }
        let mut response = request
            .send()
            .await
            .map_err(|e| Failure::of_transport(!e.is_connect(), transport(op, &e)))?;
        let status = response.status().as_u16();
        span.record("http_status", status);

        let mut bytes = Vec::new();
        let mut complete = true;
        while let Some(chunk) = response
            .chunk()
            .await
            .map_err(|e| Failure::of_transport(true, transport(op, &e)))?
        {
            if bytes.len() + chunk.len() > MAX_RESPONSE_BYTES {
                complete = false;
                break;
            }
            bytes.extend_from_slice(&chunk);
        }
        Ok(RawAnswer {
            status,
            bytes,
            complete,
        })
    }
}

/// The HTTP client: rustls with ring, the platform's trust roots, no redirects.
pub(super) fn build_http(
    loopback_http: bool,
    connect: Duration,
    total: Duration,
) -> Result<reqwest::Client, Error> {
    let mut builder = client_builder(loopback_http)?
        .connect_timeout(connect)
        .timeout(total);
    if loopback_http {
        builder = builder.no_proxy();
    }
    builder
        .build()
        .map_err(|e| Error::Config(format!("HTTP client: {e}")))
}

/// The builder the engine makes its own client from: TLS on ring with the platform's roots, no
/// redirects, the runtime's user agent. Start from it for [`Engine::with_http_client`] (add a
/// proxy, default headers, pool settings, timeouts): reqwest is built without a crypto
/// provider of its own, so a bare `reqwest::Client::builder()` cannot make a TLS client here.
/// Client certificates (mTLS) need a rustls configuration of their own, on
/// `rustls::crypto::ring`, given with `tls_backend_preconfigured`.
///
/// [`Engine::with_http_client`]: super::Engine::with_http_client
pub fn http_client_builder() -> Result<reqwest::ClientBuilder, Error> {
    client_builder(false)
}

fn client_builder(loopback_http: bool) -> Result<reqwest::ClientBuilder, Error> {
    let config_error = |e: &dyn fmt::Display| Error::Config(format!("TLS: {e}"));
    let provider = Arc::new(rustls::crypto::ring::default_provider());
    let builder = rustls::ClientConfig::builder_with_provider(provider)
        .with_safe_default_protocol_versions()
        .map_err(|e| config_error(&e))?;
    let tls = if loopback_http {
        // No TLS is spoken, and an empty root store makes any https the client might still be
        // pointed at fail closed; it also spares a machine without CA certificates.
        builder
            .with_root_certificates(rustls::RootCertStore::empty())
            .with_no_client_auth()
    } else {
        use rustls_platform_verifier::BuilderVerifierExt as _;
        builder
            .with_platform_verifier()
            .map_err(|e| config_error(&e))?
            .with_no_client_auth()
    };
    Ok(reqwest::Client::builder()
        .tls_backend_preconfigured(tls)
        // A redirect would turn a POST into a GET, or send a signed order elsewhere.
        .redirect(reqwest::redirect::Policy::none())
        .user_agent(concat!("oneclick-runtime/", env!("CARGO_PKG_VERSION"))))
}

/// A connection failure, described without reqwest's top-level message: it quotes the URL,
/// whose path may hold a signature and payment ids.
fn transport(op: &'static Operation, error: &reqwest::Error) -> Error {
    let what = if error.is_timeout() {
        "timed out"
    } else if error.is_connect() {
        "could not connect"
    } else if error.is_body() || error.is_decode() {
        "failed reading the response"
    } else {
        "request failed"
    };
    let mut cause = None;
    let mut next = std::error::Error::source(error);
    while let Some(source) = next {
        cause = Some(source);
        next = source.source();
    }
    Error::Transport {
        operation: op.id,
        message: match cause {
            Some(cause) => format!("{what}: {cause}"),
            None => what.to_owned(),
        },
    }
}

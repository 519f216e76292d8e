//! The client engine: validates, fills, signs and sends a request, and checks the answer.
//!
//! Generated clients call [`Engine::call`] with their typed request and the operation's static
//! schema; everything below the thin generic shell works on `serde_json::Value`, so each
//! generated operation adds almost no machine code.
//!
//! A call runs through phases, one file each, so that a phase is found by its name: `prepare`
//! lays out the request, `auto` fills the automatic fields from `credentials` and the clock,
//! `sign` signs it, `url` builds the path, `transport` sends one attempt, `decode` reads the
//! answer, `verify` checks the gateway's signature, `retry` decides whether to try again. This
//! file holds the [`Engine`] and the entry points that run the phases in order; `redact` masks
//! what may be shown and `redirect` builds the forms a browser carries to the gateway.

mod auto;
mod credentials;
mod decode;
mod prepare;
mod received;
mod redact;
mod redirect;
mod retry;
mod sign;
mod transport;
mod url;
mod verify;

use std::fmt;
use std::sync::Arc;
use std::time::{Duration, Instant};

use serde::Serialize;
use serde::de::DeserializeOwned;
use serde_json::Value;

use crate::clock::{Clock, SystemClock};
use crate::error::Error;
use crate::schema::{self, Operation};
use crate::scrub::Scrubber;

pub use credentials::{Credentials, Key};
pub use prepare::PreparedRequest;
pub use redact::DryRun;
pub use redirect::{RedirectForm, form_encode};
pub use retry::{Retry, RetryPolicy};
pub use transport::http_client_builder;
pub use url::fill_base_url;

use auto::uuid_v4;
use decode::decode;
use prepare::to_request_value;
use redirect::form_fields;
use retry::Failure;

/// How patiently [`Engine::poll`] waits for a payment to leave its pending states; the spec's
/// values suit the gateway, a caller may shorten them (tests) or stretch them (batch jobs).
#[derive(Debug, Clone)]
pub struct PollOptions {
    /// Wait before the first status call.
    pub first_delay: Duration,
    /// Wait between status calls.
    pub interval: Duration,
    /// Total time after which a still pending payment is reported as [`Error::PollDeadline`].
    pub deadline: Duration,
}

impl PollOptions {
    /// The timing the gateway's spec recommends for this polling operation.
    pub fn from_spec(polling: &schema::Polling) -> Self {
        PollOptions {
            first_delay: Duration::from_millis(polling.first_delay_ms),
            interval: Duration::from_millis(polling.interval_ms),
            deadline: Duration::from_millis(polling.deadline_ms),
        }
    }
}

/// The connection to one gateway. Cheap to clone: clones share the HTTP connection pool.
#[derive(Clone)]
pub struct Engine {
    gateway: &'static schema::Gateway,
    /// The base URL without a trailing slash.
    base_url: Arc<str>,
    /// Plain `http` to a loopback address: no TLS roots are needed.
    loopback_http: bool,
    credentials: Arc<Credentials>,
    /// The credentials' secret values, to be scrubbed from what the gateway answers.
    secrets: Arc<Scrubber>,
    http: reqwest::Client,
    /// The caller gave `http` ([`Engine::with_http_client`]): its settings are not ours to
    /// replace.
    http_from_caller: bool,
    clock: Arc<dyn Clock>,
    retry: Arc<dyn Retry>,
}

impl fmt::Debug for Engine {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("Engine")
            .field("gateway", &self.gateway.name)
            .field("base_url", &self.base_url)
            .field("clock", &self.clock)
            .field("retry", &self.retry)
            .finish_non_exhaustive()
    }
}

impl Engine {
    /// Connects the engine to `gateway` at `base_url` with the merchant's credentials.
    ///
    /// Everything that can be checked without sending is checked here, so a misconfigured client
    /// fails at start-up rather than on a customer's payment: the base URL must be https (plain
    /// http only to loopback) without credentials, query or fragment, and the keys must fit the
    /// gateway's signature scheme.
    pub fn new(
        gateway: &'static schema::Gateway,
        base_url: &str,
        credentials: Credentials,
    ) -> Result<Self, Error> {
        let (base_url, loopback_http) = url::check_base_url(base_url)?;
        credentials::check_keys(gateway, &credentials)?;
        let http = transport::build_http(
            loopback_http,
            transport::DEFAULT_CONNECT_TIMEOUT,
            transport::DEFAULT_TOTAL_TIMEOUT,
        )?;
        Ok(Engine {
            gateway,
            base_url: base_url.into(),
            loopback_http,
            secrets: Arc::new(redact::secrets_scrubber(gateway, &credentials)),
            credentials: Arc::new(credentials),
            http,
            http_from_caller: false,
            clock: Arc::new(SystemClock),
            retry: Arc::new(RetryPolicy::default()),
        })
    }

    /// Stamps `dttm` fields from `clock` instead of the system's, so tests reproduce signed
    /// messages byte for byte.
    pub fn with_clock(self, clock: Arc<dyn Clock>) -> Self {
        Engine { clock, ..self }
    }

    /// Replaces the default [`RetryPolicy`] (3 attempts, waits of 1 s and 2 s).
    pub fn with_retry(self, policy: RetryPolicy) -> Self {
        self.with_custom_retry(Arc::new(policy))
    }

    /// Lets the caller's own policy decide how often and how patiently retryable failures are
    /// tried again; which failures are retryable stays the engine's decision.
    pub fn with_custom_retry(self, policy: Arc<dyn Retry>) -> Self {
        Engine {
            retry: policy,
            ..self
        }
    }

    /// Replaces the connect timeout (default 10 s) and the whole-call timeout (default 30 s).
    ///
    /// Refused after [`Engine::with_http_client`]: rebuilding the client would silently drop
    /// the caller's proxy and client certificates.
    pub fn with_timeouts(self, connect: Duration, total: Duration) -> Result<Self, Error> {
        if self.http_from_caller {
            return Err(Error::Config(
                "timeouts belong to the HTTP client given to with_http_client".into(),
            ));
        }
        let http = transport::build_http(self.loopback_http, connect, total)?;
        Ok(Engine { http, ..self })
    }

    /// Sends through the caller's own client, for what the engine's does not do: a proxy,
    /// client certificates (mTLS), a connection pool shared with the rest of the application.
    ///
    /// The caller's client then owns timeouts, TLS roots, proxies and redirects; the engine's
    /// defaults (10 s to connect, 30 s per call, the platform's roots, no redirects) no longer
    /// apply. It should not follow redirects: a followed redirect turns a POST into a GET or
    /// carries a signed order to another host (`reqwest::redirect::Policy::none()`). The base
    /// URL keeps its checks: https, or plain http only to loopback. Start from
    /// [`http_client_builder`], which has the engine's TLS set-up: reqwest here has no crypto
    /// provider of its own.
    pub fn with_http_client(self, client: reqwest::Client) -> Self {
        Engine {
            http: client,
            http_from_caller: true,
            ..self
        }
    }

    /// The request `call` would send now, for inspection; nothing is sent.
    pub fn prepare<Req: Serialize>(
        &self,
        op: &'static Operation,
        request: &Req,
    ) -> Result<PreparedRequest, Error> {
        self.prepare_value(op, &to_request_value(request)?)
    }

    /// What a call would send, with secrets and card data masked (`***`): the method, URL,
    /// headers, body and signed text of a dry run. Nothing is sent.
    pub fn dry_run(&self, op: &'static Operation, request: &Value) -> Result<DryRun, Error> {
        let prepared = self.prepare_value(op, request)?;
        let headers = self.headers(op, &uuid_v4()?)?;
        Ok(DryRun {
            method: prepared.method,
            url: prepared.shown_url().to_owned(),
            headers: redact::masked_headers(self.gateway, op, headers)
                .into_iter()
                .chain(prepared.redacted.headers.iter().cloned())
                .collect(),
            body: prepared.shown_body().cloned(),
            text_to_sign: prepared.shown_text().map(str::to_owned),
        })
    }

    /// Builds a request that the customer's browser carries to the gateway (a redirect to its
    /// payment page): validated, completed and signed like a call, but never sent by the client.
    pub fn redirect<Req: Serialize>(
        &self,
        op: &'static Operation,
        request: &Req,
    ) -> Result<RedirectForm, Error> {
        let prepared = self.prepare_value(op, &to_request_value(request)?)?;
        let fields = prepared.body.as_ref().map(form_fields).unwrap_or_default();
        let shown = prepared.redacted.body.as_ref().map(form_fields);
        Ok(RedirectForm {
            method: prepared.method,
            shown_url: prepared.redacted.url.clone(),
            url: prepared.url,
            fields,
            shown,
        })
    }

    /// Sends one operation and returns the gateway's answer as `Resp`, retried under the
    /// engine's policy while the failure is retryable.
    ///
    /// The request is validated, completed and signed before anything is sent; the answer is
    /// returned only once its signature verifies and its result code means success, so an
    /// `Ok` can be acted on.
    #[doc(hidden)]
    pub async fn call<Req: Serialize, Resp: DeserializeOwned>(
        &self,
        op: &'static Operation,
        request: &Req,
    ) -> Result<Resp, Error> {
        let request = to_request_value(request)?;
        let response = self.call_json(op, &request).await?;
        decode(op, &response)
    }

    /// [`Engine::call`] on JSON values, for callers without generated types (the CLI, tools).
    pub async fn call_value(&self, op: &'static Operation, request: Value) -> Result<Value, Error> {
        self.call_json(op, &request).await
    }

    /// Calls the polling operation until its status leaves the pending states or the deadline
    /// passes.
    #[doc(hidden)]
    pub async fn poll<Req: Serialize, Resp: DeserializeOwned>(
        &self,
        polling: &'static schema::Polling,
        request: &Req,
        options: PollOptions,
    ) -> Result<Resp, Error> {
        let request = to_request_value(request)?;
        let last = self.poll_value(polling, request, options).await?;
        decode(polling.operation, &last)
    }

    /// [`Engine::poll`] on JSON values.
    pub async fn poll_value(
        &self,
        polling: &'static schema::Polling,
        request: Value,
        options: PollOptions,
    ) -> Result<Value, Error> {
        let op = polling.operation;
        let started = Instant::now();
        tokio::time::sleep(options.first_delay).await;
        loop {
            let last = self.call_json(op, &request).await?;
            let Some(status) = last.get(polling.status_field).and_then(Value::as_i64) else {
                return Err(Error::Decode {
                    operation: op.id,
                    message: format!("no integer {}", polling.status_field),
                });
            };
            if !polling.pending.contains(&status) {
                return Ok(last);
            }
            let elapsed = started.elapsed();
            let Some(left) = options
                .deadline
                .checked_sub(elapsed)
                .filter(|d| !d.is_zero())
            else {
                return Err(Error::PollDeadline {
                    operation: op.id,
                    last: Box::new(last),
                });
            };
            // The last status call happens at the deadline rather than after it.
            tokio::time::sleep(options.interval.min(left)).await;
        }
    }

    /// Sends one prepared attempt and checks the answer: HTTP status, JSON, signature, result
    /// code, in that order, so a result code is only believed from a verified message.
    async fn exchange(
        &self,
        op: &'static Operation,
        request: &Value,
        mut prepared: PreparedRequest,
        headers: Vec<(&'static str, String)>,
        span: &tracing::Span,
    ) -> Result<Value, Failure> {
        let scrubber = std::mem::take(&mut prepared.scrubber);
        let answer = self.send(op, prepared, headers, span).await?;
        self.read_answer(op, request, answer, &scrubber, span)
    }
}

//! The client engine: validates, fills, signs and sends a request, and checks the answer.
//!
//! Generated clients call [`Engine::call`] with their typed request and the operation's static
//! schema; everything below the thin generic shell works on `serde_json::Value`, so each
//! generated operation adds almost no machine code.

use std::fmt;
use std::sync::Arc;
use std::time::{Duration, Instant};

use serde::Serialize;
use serde::de::DeserializeOwned;
use serde_json::{Map, Value};
use tracing::Instrument as _;
use tracing::field::Empty;

use crate::clock::{Clock, SystemClock, format_dttm};
use crate::error::{Error, RuleKind, SignatureError, Violation, Violations};
use crate::keys::{RsaPrivateKey, RsaPublicKey};
use crate::schema::{
    self, Auto, Encoding, Field, HeaderValue, Kind, Location, Method, Object, Operation, Scheme,
    SignItem,
};
use crate::secret::Secret;
use crate::signature::{
    flat, pipe, sign_hmac_sha512, sign_rsa_sha256, verify_hmac_sha512, verify_rsa_sha256,
};
use crate::validate::{present, push_segment, validate_value};

/// Keys of the gateway's signature scheme.
#[derive(Debug, Clone)]
pub enum SigningKeys {
    None,
    PipeRsaSha256 {
        /// Signs requests.
        private_key: RsaPrivateKey,
        /// Verifies responses.
        gateway_key: RsaPublicKey,
    },
    FlatHmacSha512 {
        /// Signs requests and verifies what the gateway sends.
        secret: Secret<String>,
    },
}

/// What the client fills into `auto` fields and signs with.
#[derive(Debug, Clone)]
pub struct Credentials {
    /// Credential values by their spec name (`merchant_id`).
    pub values: Vec<(&'static str, Secret<String>)>,
    pub keys: SigningKeys,
}

/// How often and how patiently a call is repeated after a retryable failure: an HTTP status in
/// the gateway's `retry_http_status` or a result code the operation marks retryable.
#[derive(Debug, Clone)]
pub struct RetryPolicy {
    /// Attempts in all, the first included; 0 counts as 1.
    pub max_attempts: u32,
    /// Wait before the second attempt; it doubles for each further attempt.
    pub initial_backoff: Duration,
    pub max_backoff: Duration,
}

impl Default for RetryPolicy {
    fn default() -> Self {
        RetryPolicy {
            max_attempts: 3,
            initial_backoff: Duration::from_secs(1),
            max_backoff: Duration::from_secs(8),
        }
    }
}

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
    pub fn from_spec(polling: &schema::Polling) -> Self {
        PollOptions {
            first_delay: Duration::from_millis(polling.first_delay_ms),
            interval: Duration::from_millis(polling.interval_ms),
            deadline: Duration::from_millis(polling.deadline_ms),
        }
    }
}

/// A request exactly as it goes on the wire: automatic fields filled, signed, path built.
///
/// `Debug` and `Display` show the schema's `sensitive` values as `***`; the public fields hold
/// the real ones.
#[derive(Clone)]
pub struct PreparedRequest {
    pub method: Method,
    pub url: String,
    /// The JSON body; `None` for a GET.
    pub body: Option<Value>,
    /// The signed text, when the request is signed.
    pub text_to_sign: Option<String>,
    /// The same with sensitive values masked; `None` where nothing needed masking.
    redacted: Redacted,
}

#[derive(Clone, Default)]
struct Redacted {
    url: Option<String>,
    body: Option<Value>,
    text_to_sign: Option<String>,
}

impl PreparedRequest {
    fn shown_url(&self) -> &str {
        self.redacted.url.as_deref().unwrap_or(&self.url)
    }

    fn shown_body(&self) -> Option<&Value> {
        self.redacted.body.as_ref().or(self.body.as_ref())
    }

    fn shown_text(&self) -> Option<&str> {
        self.redacted
            .text_to_sign
            .as_deref()
            .or(self.text_to_sign.as_deref())
    }
}

impl fmt::Debug for PreparedRequest {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("PreparedRequest")
            .field("method", &self.method)
            .field("url", &self.shown_url())
            .field("body", &self.shown_body())
            .field("text_to_sign", &self.shown_text())
            .finish()
    }
}

impl fmt::Display for PreparedRequest {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{} {}", self.method.as_str(), self.shown_url())?;
        if let Some(body) = self.shown_body() {
            write!(f, "\n{body}")?;
        }
        Ok(())
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
    http: reqwest::Client,
    clock: Arc<dyn Clock>,
    retry: RetryPolicy,
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

const DEFAULT_CONNECT_TIMEOUT: Duration = Duration::from_secs(10);
const DEFAULT_TOTAL_TIMEOUT: Duration = Duration::from_secs(30);
/// A gateway answer is a few kilobytes; a larger one is refused rather than buffered.
const MAX_RESPONSE_BYTES: usize = 1 << 20;
/// How much of an HTTP error body [`Error::Http`] keeps.
const MAX_ERROR_BODY_BYTES: usize = 2048;

/// Why an attempt did not produce a trusted, successful answer.
enum Failure {
    /// Another attempt may succeed (the gateway said so through the status or result code).
    Retryable(Error),
    Final(Error),
}

impl Engine {
    pub fn new(
        gateway: &'static schema::Gateway,
        base_url: &str,
        credentials: Credentials,
    ) -> Result<Self, Error> {
        let (base_url, loopback_http) = check_base_url(base_url)?;
        match (gateway.scheme, &credentials.keys) {
            (Scheme::PipeRsaSha256, SigningKeys::PipeRsaSha256 { .. })
            | (Scheme::FlatHmacSha512, SigningKeys::FlatHmacSha512 { .. }) => {
                if gateway.signature_field.is_none() {
                    return Err(Error::Config(format!(
                        "gateway {} signs messages but names no signature field",
                        gateway.name
                    )));
                }
            }
            (Scheme::None, SigningKeys::None) => {}
            (_, SigningKeys::None) => {
                return Err(Error::Config(format!(
                    "gateway {} signs its messages: signing keys are required",
                    gateway.name
                )));
            }
            (Scheme::None, _) => {
                return Err(Error::Config(format!(
                    "gateway {} does not sign messages, but signing keys were given",
                    gateway.name
                )));
            }
            (_, _) => {
                return Err(Error::Config(format!(
                    "gateway {} signs with another scheme than these keys",
                    gateway.name
                )));
            }
        }
        let http = build_http(
            loopback_http,
            DEFAULT_CONNECT_TIMEOUT,
            DEFAULT_TOTAL_TIMEOUT,
        )?;
        Ok(Engine {
            gateway,
            base_url: base_url.into(),
            loopback_http,
            credentials: Arc::new(credentials),
            http,
            clock: Arc::new(SystemClock),
            retry: RetryPolicy::default(),
        })
    }

    pub fn with_clock(self, clock: Arc<dyn Clock>) -> Self {
        Engine { clock, ..self }
    }

    pub fn with_retry(self, policy: RetryPolicy) -> Self {
        Engine {
            retry: policy,
            ..self
        }
    }

    /// Replaces the connect timeout (default 10 s) and the whole-call timeout (default 30 s).
    pub fn with_timeouts(self, connect: Duration, total: Duration) -> Result<Self, Error> {
        let http = build_http(self.loopback_http, connect, total)?;
        Ok(Engine { http, ..self })
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
        let headers = self
            .headers(op, &uuid_v4()?)?
            .into_iter()
            .map(|(name, value)| {
                let sensitive = self
                    .gateway
                    .headers
                    .iter()
                    .chain(op.headers)
                    .any(|h| h.name == name && h.sensitive);
                (name, if sensitive { "***".to_owned() } else { value })
            })
            .collect();
        Ok(DryRun {
            method: prepared.method,
            url: prepared.shown_url().to_owned(),
            headers,
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
            url: prepared.url,
            fields,
            shown,
        })
    }

    pub async fn call<Req: Serialize, Resp: DeserializeOwned>(
        &self,
        op: &'static Operation,
        request: &Req,
    ) -> Result<Resp, Error> {
        let request = to_request_value(request)?;
        let response = self.call_json(op, &request).await?;
        decode(op, &response)
    }

    pub async fn call_value(&self, op: &'static Operation, request: Value) -> Result<Value, Error> {
        self.call_json(op, &request).await
    }

    /// Calls the polling operation until its status leaves the pending states or the deadline
    /// passes.
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

    async fn call_json(&self, op: &'static Operation, request: &Value) -> Result<Value, Error> {
        let attempts = self.retry.max_attempts.max(1);
        let mut backoff = self.retry.initial_backoff;
        let mut attempt = 1;
        // One idempotency key per call, sent again on every retry of it.
        let idempotency_key = uuid_v4()?;
        loop {
            // Prepared afresh for every attempt: the gateway refuses a stale dttm, and the
            // signature covers it.
            let prepared = self.prepare_value(op, request)?;
            let headers = self.headers(op, &idempotency_key)?;
            let span = tracing::info_span!(
                "oneclick.call",
                gateway = self.gateway.name,
                operation = op.id,
                attempt,
                result_code = Empty,
                http_status = Empty,
                duration_ms = Empty,
            );
            let started = Instant::now();
            let outcome = self
                .exchange(op, prepared, headers, &span)
                .instrument(span.clone())
                .await;
            let elapsed_ms = u64::try_from(started.elapsed().as_millis()).unwrap_or(u64::MAX);
            span.record("duration_ms", elapsed_ms);
            match outcome {
                Ok(response) => return Ok(response),
                Err(Failure::Retryable(_)) if attempt < attempts => {
                    let backoff_ms = u64::try_from(backoff.as_millis()).unwrap_or(u64::MAX);
                    tracing::debug!(parent: &span, backoff_ms, "retryable answer, trying again");
                    tokio::time::sleep(backoff).await;
                    backoff = backoff.saturating_mul(2).min(self.retry.max_backoff);
                    attempt += 1;
                }
                Err(Failure::Retryable(error) | Failure::Final(error)) => return Err(error),
            }
        }
    }

    /// Validates, fills `auto` fields, signs and lays out one attempt of a request.
    fn prepare_value(
        &self,
        op: &'static Operation,
        request: &Value,
    ) -> Result<PreparedRequest, Error> {
        let Some(given) = request.as_object() else {
            return Err(invalid("", RuleKind::Type, "object"));
        };
        let mut body = Map::new();
        for field in op.request.fields {
            let value = match field.auto {
                Some(auto) => self.auto_value(field, auto)?,
                None => present(given, field.wire).cloned(),
            };
            if let Some(mut value) = value {
                strip_nulls(&mut value);
                body.insert(field.wire.to_owned(), value);
            }
        }
        let signature_field = self.gateway.signature_field;
        // Fields the schema does not know travel as given, after the known ones; the client
        // never takes a value for an automatic field from the caller.
        for (key, value) in given {
            let known = op.request.field(key).is_some() || Some(key.as_str()) == signature_field;
            if !known && !value.is_null() {
                let mut value = value.clone();
                strip_nulls(&mut value);
                body.insert(key.clone(), value);
            }
        }
        self.fill_nested(op.request, &mut body)?;
        let mut body = Value::Object(body);
        let violations = validate_value(op.request, &body);
        if !violations.is_empty() {
            return Err(Error::Invalid(Violations(violations)));
        }

        let mut redacted = Redacted::default();
        let text_to_sign = if op.request_signed {
            Some(self.sign_request(op, &mut body, &mut redacted)?)
        } else {
            None
        };

        let (url, masked_url) = self.build_url(op, &mut body)?;
        redacted.url = masked_url;
        let body = match op.method {
            // An operation whose fields all travel in the path sends no body at all.
            Method::Post if body.as_object().is_some_and(Map::is_empty) => None,
            Method::Post => {
                redacted.body = masked(op.request, &body);
                Some(body)
            }
            Method::Get => {
                if body.as_object().is_some_and(|m| !m.is_empty()) {
                    return Err(Error::Config(format!(
                        "operation {}: a GET carries no body, but fields remain outside the path",
                        op.id
                    )));
                }
                None
            }
        };
        Ok(PreparedRequest {
            method: op.method,
            url,
            body,
            text_to_sign,
            redacted,
        })
    }

    /// Signs a validated body under the gateway's scheme, puts the signature in place and
    /// returns the signed text.
    ///
    /// An operation marked signed is never sent unsigned: missing keys or no field to carry the
    /// signature are configuration errors, not a silently unsigned payment order.
    fn sign_request(
        &self,
        op: &'static Operation,
        body: &mut Value,
        redacted: &mut Redacted,
    ) -> Result<String, Error> {
        let unsignable = |why: &str| Error::Config(format!("operation {}: {why}", op.id));
        let Some(signature_field) = self.gateway.signature_field else {
            return Err(unsignable(
                "signed, but the gateway names no signature field",
            ));
        };
        match &self.credentials.keys {
            SigningKeys::None => Err(unsignable("signed, but the client has no signing keys")),
            SigningKeys::FlatHmacSha512 { secret } => {
                let text = flat::text_to_sign(body, signature_field);
                redacted.text_to_sign =
                    masked(op.request, body).map(|m| flat::text_to_sign(&m, signature_field));
                let signature = Value::String(sign_hmac_sha512(secret, &text));
                // The flat scheme signs the whole body, so the signature may sit in any object
                // (Monetix: `general.signature`); the schema marks where.
                if !place_signature(op.request, body, signature) {
                    return Err(unsignable("no request field takes the signature"));
                }
                Ok(text)
            }
            SigningKeys::PipeRsaSha256 { private_key, .. } => {
                let text = pipe::text_to_sign(op.request_signature, body);
                redacted.text_to_sign =
                    masked(op.request, body).map(|m| pipe::text_to_sign(op.request_signature, &m));
                let signature = sign_rsa_sha256(private_key, &text)
                    .map_err(|e| Error::Config(e.to_string()))?;
                let Value::Object(map) = body else {
                    return Err(unsignable("the request is not an object"));
                };
                map.insert(signature_field.to_owned(), Value::String(signature));
                Ok(text)
            }
        }
    }

    fn credential(&self, name: &str) -> Result<&Secret<String>, Error> {
        self.credentials
            .values
            .iter()
            .find(|(n, _)| *n == name)
            .map(|(_, v)| v)
            .ok_or_else(|| Error::Config(format!("missing credential {name}")))
    }

    /// Moves the path fields out of `body` into the operation's path template. Returns the URL
    /// and, when a sensitive field sits in the path, the URL with that value masked.
    fn build_url(
        &self,
        op: &'static Operation,
        body: &mut Value,
    ) -> Result<(String, Option<String>), Error> {
        let mut path_values = Vec::new();
        if let Value::Object(map) = body {
            for field in op.request.fields {
                if field.location == Location::Path {
                    if let Some(value) = map.shift_remove(field.wire) {
                        path_values.push((field.wire, field.sensitive, value));
                    }
                }
            }
        }
        let mut url = String::from(&*self.base_url);
        let mut masked = url.clone();
        let mut any_masked = false;
        let mut rest = op.path;
        while let Some((before, after)) = rest.split_once('{') {
            let Some((name, after)) = after.split_once('}') else {
                return Err(Error::Config(format!(
                    "operation {}: unbalanced path template",
                    op.id
                )));
            };
            url.push_str(before);
            masked.push_str(before);
            let pointer = || {
                let mut pointer = String::new();
                push_segment(&mut pointer, name);
                pointer
            };
            let Some((_, sensitive, value)) = path_values.iter().find(|(w, _, _)| *w == name)
            else {
                return Err(invalid(&pointer(), RuleKind::Required, "path parameter"));
            };
            let text = match value {
                Value::String(s) => s.clone(),
                Value::Number(n) => n.to_string(),
                Value::Bool(b) => b.to_string(),
                _ => return Err(invalid(&pointer(), RuleKind::Type, "string")),
            };
            // URL parsers resolve "." and ".." segments (even percent-encoded), which would send
            // the request to another endpoint; an empty segment would shift the path.
            if matches!(text.as_str(), "" | "." | "..") {
                return Err(invalid(&pointer(), RuleKind::Format, "path segment"));
            }
            push_percent_encoded(&mut url, &text);
            if *sensitive {
                masked.push_str("***");
                any_masked = true;
            } else {
                push_percent_encoded(&mut masked, &text);
            }
            rest = after;
        }
        url.push_str(rest);
        masked.push_str(rest);
        Ok((url, any_masked.then_some(masked)))
    }

    /// Sends one prepared attempt and checks the answer: HTTP status, JSON, signature, result
    /// code, in that order, so a result code is only believed from a verified message.
    async fn exchange(
        &self,
        op: &'static Operation,
        prepared: PreparedRequest,
        headers: Vec<(&'static str, String)>,
        span: &tracing::Span,
    ) -> Result<Value, Failure> {
        let method = match prepared.method {
            Method::Get => reqwest::Method::GET,
            Method::Post => reqwest::Method::POST,
        };
        let mut request = self
            .http
            .request(method, prepared.url.as_str())
            .header(reqwest::header::ACCEPT, "application/json");
        for (name, value) in headers {
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
            };
        }
        let mut response = request
            .send()
            .await
            .map_err(|e| Failure::Final(transport(op, &e)))?;
        let status = response.status().as_u16();
        span.record("http_status", status);

        let mut bytes = Vec::new();
        let mut complete = true;
        while let Some(chunk) = response
            .chunk()
            .await
            .map_err(|e| Failure::Final(transport(op, &e)))?
        {
            if bytes.len() + chunk.len() > MAX_RESPONSE_BYTES {
                complete = false;
                break;
            }
            bytes.extend_from_slice(&chunk);
        }

        if let Some(fault) = self.fault(op, status, &bytes) {
            return Err(Failure::Final(fault));
        }
        if let Some(errors) = self.errors(op, status, &bytes) {
            return Err(Failure::Final(errors));
        }
        if !(200..300).contains(&status) {
            let mut body = String::from_utf8_lossy(&bytes).into_owned();
            truncate_at_char(&mut body, MAX_ERROR_BODY_BYTES);
            let error = Error::Http {
                operation: op.id,
                status,
                body,
            };
            return Err(if self.gateway.retry_http_status.contains(&status) {
                Failure::Retryable(error)
            } else {
                Failure::Final(error)
            });
        }
        let decode_error = |message: String| {
            Failure::Final(Error::Decode {
                operation: op.id,
                message,
            })
        };
        if !complete {
            return Err(decode_error(format!(
                "the body exceeds {MAX_RESPONSE_BYTES} bytes"
            )));
        }
        // An empty answer (a 204, an acknowledgement without content) is an empty object.
        if bytes.iter().all(u8::is_ascii_whitespace) {
            bytes = b"{}".to_vec();
        }
        // serde_json's syntax errors name a position, never the content.
        let response: Value = serde_json::from_slice(&bytes)
            .map_err(|e| decode_error(format!("the body is not JSON: {e}")))?;
        let expected_shape = if op.response.items.is_some() {
            response.is_array()
        } else {
            response.is_object()
        };
        if !expected_shape {
            return Err(decode_error(
                "the body does not have the documented shape".to_owned(),
            ));
        }

        self.verify_response(op, &response)
            .map_err(Failure::Final)?;

        if let Some(result) = self.gateway.result {
            let Some(code) = response.get(result.code_field).and_then(Value::as_i64) else {
                return Err(decode_error(format!("no integer {}", result.code_field)));
            };
            span.record("result_code", code);
            if !result.success.contains(&code) {
                let message = result
                    .message_field
                    .and_then(|f| response.get(f))
                    .and_then(Value::as_str)
                    .map(str::to_owned);
                let error = Error::Rejected {
                    operation: op.id,
                    code,
                    name: result.name_of(code),
                    message,
                    body: Box::new(response),
                };
                return Err(if op.retryable_result_codes.contains(&code) {
                    Failure::Retryable(error)
                } else {
                    Failure::Final(error)
                });
            }
        }
        Ok(response)
    }

    /// The headers of one attempt: the gateway's and the operation's, values filled in.
    fn headers(
        &self,
        op: &'static Operation,
        idempotency_key: &str,
    ) -> Result<Vec<(&'static str, String)>, Error> {
        self.gateway
            .headers
            .iter()
            .chain(op.headers)
            .map(|header| {
                let value = match header.value {
                    HeaderValue::Credential(name) => self.credential(name)?.expose().clone(),
                    HeaderValue::Uuid => uuid_v4()?,
                    HeaderValue::IdempotencyKey => idempotency_key.to_owned(),
                };
                Ok((header.name, value))
            })
            .collect()
    }

    /// The gateway's documented list of errors, whatever the HTTP status it came with.
    fn errors(&self, op: &'static Operation, status: u16, bytes: &[u8]) -> Option<Error> {
        let spec = self.gateway.errors?;
        let body: Value = serde_json::from_slice(bytes).ok()?;
        let items = body.get(spec.field)?.as_array()?;
        let text = |item: &Value, key: &str| match item.get(key) {
            Some(Value::String(s)) => s.clone(),
            Some(Value::Null) | None => String::new(),
            Some(other) => other.to_string(),
        };
        Some(Error::Errors {
            operation: op.id,
            http_status: status,
            errors: items
                .iter()
                .map(|item| (text(item, spec.code), text(item, spec.message)))
                .collect(),
        })
    }

    /// Checks a notification against the token the merchant got when the order was created
    /// (compared in constant time) and decodes it; one that does not match is an error.
    pub fn verify_notification_as<T: DeserializeOwned>(
        &self,
        callback: &'static schema::Callback,
        raw: &[u8],
        expected_token: &str,
    ) -> Result<T, Error> {
        let message: Value = serde_json::from_slice(raw).map_err(|_| Error::Decode {
            operation: callback.id,
            message: "the notification is not JSON".into(),
        })?;
        let field = callback.token_field.ok_or_else(|| {
            Error::Config(format!("callback {} names no token field", callback.id))
        })?;
        let received = message
            .get(field)
            .and_then(Value::as_str)
            .ok_or(Error::Signature {
                operation: callback.id,
                source: SignatureError::Missing,
            })?;
        if !same_secret(received.as_bytes(), expected_token.as_bytes()) {
            return Err(Error::Signature {
                operation: callback.id,
                source: SignatureError::Mismatch,
            });
        }
        serde_json::from_value(message).map_err(|_| Error::Decode {
            operation: callback.id,
            message: format!("the notification does not match {}", callback.message.name),
        })
    }

    /// The gateway's documented fault object, whatever the HTTP status it came with.
    fn fault(&self, op: &'static Operation, status: u16, bytes: &[u8]) -> Option<Error> {
        let spec = self.gateway.fault?;
        let body: Value = serde_json::from_slice(bytes).ok()?;
        let fault = body.get(spec.field)?.as_object()?;
        let text = |key: &str| match fault.get(key) {
            Some(Value::String(s)) => s.clone(),
            Some(Value::Null) | None => String::new(),
            Some(other) => other.to_string(),
        };
        Some(Error::Fault {
            operation: op.id,
            code: text(spec.code),
            message: text(spec.message),
            detail: text(spec.detail),
            http_status: status,
        })
    }

    fn verify_response(&self, op: &'static Operation, response: &Value) -> Result<(), Error> {
        if !op.response_signed {
            return Ok(());
        }
        self.verify_message(op.id, Some(op.response_signature), response)
    }

    /// Verifies a message the gateway signed: under `pipe_rsa_sha256` over `order`, under
    /// `flat_hmac_sha512` over the whole message but its top-level signature field. `operation`
    /// names the message in errors.
    ///
    /// A message that must be signed is never accepted unverified: missing keys, a missing
    /// signature field or a missing order are configuration errors, never a pass.
    fn verify_message(
        &self,
        operation: &'static str,
        order: Option<&[SignItem]>,
        message: &Value,
    ) -> Result<(), Error> {
        let config = |why: &str| Error::Config(format!("{operation}: {why}"));
        let Some(field) = self.gateway.signature_field else {
            return Err(config("signed, but the gateway names no signature field"));
        };
        let signature = message
            .get(field)
            .and_then(Value::as_str)
            .filter(|s| !s.is_empty())
            .ok_or(SignatureError::Missing);
        let verified = match &self.credentials.keys {
            SigningKeys::None => {
                return Err(config("signed, but the client has no keys to verify with"));
            }
            SigningKeys::PipeRsaSha256 { gateway_key, .. } => {
                let Some(order) = order else {
                    return Err(config(
                        "pipe_rsa_sha256 callbacks have no documented order to verify",
                    ));
                };
                signature.and_then(|signature| {
                    verify_rsa_sha256(gateway_key, &pipe::text_to_sign(order, message), signature)
                })
            }
            SigningKeys::FlatHmacSha512 { secret } => signature.and_then(|signature| {
                verify_hmac_sha512(secret, &flat::text_to_sign(message, field), signature)
            }),
        };
        verified.map_err(|source| Error::Signature { operation, source })
    }

    /// Verifies a callback's raw body and returns it as JSON. A callback that does not verify
    /// is an error, never a value; verification runs before anything is decoded into types.
    pub fn verify_callback(
        &self,
        callback: &'static schema::Callback,
        raw: &[u8],
    ) -> Result<Value, Error> {
        let message: Value = serde_json::from_slice(raw).map_err(|_| Error::Decode {
            operation: callback.id,
            message: "the callback is not JSON".into(),
        })?;
        if callback.signed {
            self.verify_message(callback.id, None, &message)?;
        }
        Ok(message)
    }

    /// [`Engine::verify_callback`], decoded into the callback's type.
    pub fn verify_callback_as<T: DeserializeOwned>(
        &self,
        callback: &'static schema::Callback,
        raw: &[u8],
    ) -> Result<T, Error> {
        let message = self.verify_callback(callback, raw)?;
        serde_json::from_value(message).map_err(|_| Error::Decode {
            operation: callback.id,
            message: format!("the callback does not match {}", callback.message.name),
        })
    }

    /// The value of an automatic field; `None` for the signature, added once the text is signed.
    fn auto_value(&self, field: &'static Field, auto: Auto) -> Result<Option<Value>, Error> {
        Ok(match auto {
            Auto::Credential(name) => {
                let value = self.credential(name)?.expose();
                Some(match field.kind {
                    // Integer credentials (a project id) travel as JSON numbers.
                    Kind::Integer => Value::from(value.parse::<i64>().map_err(|_| {
                        Error::Config(format!("credential {name} must be an integer"))
                    })?),
                    _ => Value::String(value.clone()),
                })
            }
            Auto::Dttm => Some(Value::String(format_dttm(
                self.clock.now(),
                self.gateway.dttm_zone,
            ))),
            Auto::Signature => None,
        })
    }

    /// Fills the automatic fields of nested objects (e.g. `general.project_id`), creating a
    /// parent the caller left out; a caller's value for such a field is replaced.
    fn fill_nested(
        &self,
        object: &'static Object,
        map: &mut Map<String, Value>,
    ) -> Result<(), Error> {
        for field in object.fields {
            let Kind::Object(child) = field.kind else {
                continue;
            };
            if !has_auto(child) {
                continue;
            }
            let entry = map
                .entry(field.wire.to_owned())
                .or_insert_with(|| Value::Object(Map::new()));
            if let Value::Object(inner) = entry {
                for nested in child.fields {
                    if let Some(auto) = nested.auto {
                        match self.auto_value(nested, auto)? {
                            Some(value) => inner.insert(nested.wire.to_owned(), value),
                            None => inner.remove(nested.wire),
                        };
                    }
                }
                self.fill_nested(child, inner)?;
            }
        }
        Ok(())
    }
}

/// Checks the base URL and returns it without a trailing slash, and whether it is plain HTTP to
/// loopback. Messages never echo the URL: it may carry credentials in its user part.
fn check_base_url(base_url: &str) -> Result<(String, bool), Error> {
    let bad = |why: &str| Err(Error::Config(format!("base URL: {why}")));
    let Ok(url) = reqwest::Url::parse(base_url) else {
        return bad("not an absolute URL");
    };
    if !url.username().is_empty() || url.password().is_some() {
        return bad("credentials in the URL are not allowed");
    }
    if url.query().is_some() || url.fragment().is_some() {
        return bad("a query or fragment is not allowed");
    }
    let Some(host) = url.host_str().filter(|h| !h.is_empty()) else {
        return bad("no host");
    };
    let bare = host.trim_start_matches('[').trim_end_matches(']');
    let loopback = host.eq_ignore_ascii_case("localhost")
        || bare
            .parse::<std::net::IpAddr>()
            .is_ok_and(|ip| ip.is_loopback());
    let loopback_http = match url.scheme() {
        "https" => false,
        // Card data and signed payment orders do not travel unencrypted; plain HTTP is for
        // test servers and simulators on this machine.
        "http" if loopback => true,
        "http" => return bad("plain http is allowed only to a loopback address"),
        _ => return bad("the scheme must be https"),
    };
    Ok((url.as_str().trim_end_matches('/').to_owned(), loopback_http))
}

/// The HTTP client: rustls with ring, the platform's trust roots, no redirects.
fn build_http(
    loopback_http: bool,
    connect: Duration,
    total: Duration,
) -> Result<reqwest::Client, Error> {
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
    let mut builder = reqwest::Client::builder()
        .tls_backend_preconfigured(tls)
        .connect_timeout(connect)
        .timeout(total)
        // A redirect would turn a POST into a GET, or send a signed order elsewhere.
        .redirect(reqwest::redirect::Policy::none())
        .user_agent(concat!("oneclick-runtime/", env!("CARGO_PKG_VERSION")));
    if loopback_http {
        builder = builder.no_proxy();
    }
    builder
        .build()
        .map_err(|e| Error::Config(format!("HTTP client: {e}")))
}

fn to_request_value<Req: Serialize>(request: &Req) -> Result<Value, Error> {
    serde_json::to_value(request).map_err(|_| invalid("", RuleKind::Type, "JSON object"))
}

fn decode<Resp: DeserializeOwned>(op: &'static Operation, response: &Value) -> Result<Resp, Error> {
    Resp::deserialize(response).map_err(|_| mismatch(op, response))
}

/// Describes why a response does not fit its type. serde's own message would quote the value,
/// so the response schema is asked instead: it names paths only.
fn mismatch(op: &'static Operation, response: &Value) -> Error {
    let structural: Vec<Violation> = validate_value(op.response, response)
        .into_iter()
        .filter(|v| matches!(v.rule, RuleKind::Type | RuleKind::Required))
        .collect();
    let mut message = format!("the body does not fit {}", op.response.name);
    if !structural.is_empty() {
        message.push_str(": ");
        message.push_str(&Violations(structural).to_string().replace('\n', "; "));
    }
    Error::Decode {
        operation: op.id,
        message,
    }
}

fn invalid(path: &str, rule: RuleKind, limit: &str) -> Error {
    Error::Invalid(Violations(vec![Violation {
        path: path.to_owned(),
        rule,
        limit: limit.to_owned(),
    }]))
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

/// JSON nulls mean "absent" to validation and signing; they are not sent either, so the gateway
/// sees the same message.
fn strip_nulls(value: &mut Value) {
    match value {
        Value::Object(map) => {
            map.retain(|_, v| !v.is_null());
            map.values_mut().for_each(strip_nulls);
        }
        Value::Array(items) => items.iter_mut().for_each(strip_nulls),
        _ => {}
    }
}

/// A copy of `value` with the schema's sensitive fields as `***`, or `None` when none is
/// present.
fn masked(object: &'static Object, value: &Value) -> Option<Value> {
    let mut copy = value.clone();
    mask_object(object, &mut copy).then_some(copy)
}

fn mask_object(object: &'static Object, value: &mut Value) -> bool {
    let Value::Object(map) = value else {
        return false;
    };
    let mut changed = false;
    for field in object.fields {
        let Some(v) = map.get_mut(field.wire).filter(|v| !v.is_null()) else {
            continue;
        };
        if field.sensitive {
            *v = Value::String("***".to_owned());
            changed = true;
        } else {
            changed |= mask_kind(&field.kind, v);
        }
    }
    changed
}

fn mask_kind(kind: &Kind, value: &mut Value) -> bool {
    match (kind, value) {
        (Kind::Object(object), value) => mask_object(object, value),
        (Kind::List(inner), Value::Array(items)) => items
            .iter_mut()
            .fold(false, |changed, item| mask_kind(inner, item) | changed),
        (Kind::Map(inner), Value::Object(map)) => map
            .values_mut()
            .fold(false, |changed, item| mask_kind(inner, item) | changed),
        _ => false,
    }
}

/// RFC 3986 percent-encoding of a path segment: only unreserved characters stay as they are, so
/// Base64's `+`, `/` and `=` are encoded.
/// A request as a dry run shows it: secrets and card data already masked.
#[derive(Debug, Clone)]
pub struct DryRun {
    pub method: Method,
    pub url: String,
    pub headers: Vec<(&'static str, String)>,
    pub body: Option<Value>,
    /// The signed text, sensitive values masked; `None` when the request is not signed.
    pub text_to_sign: Option<String>,
}

/// A request for the customer's browser: where to go, how, and with which form fields.
#[derive(Clone)]
pub struct RedirectForm {
    pub method: Method,
    /// The gateway page (path fields already in place).
    pub url: String,
    /// The fields to post (or to put in the query string), in the spec's order.
    pub fields: Vec<(String, String)>,
    /// The fields with sensitive values masked, when there are any.
    shown: Option<Vec<(String, String)>>,
}

impl RedirectForm {
    /// The page URL with the fields as its query string, for a GET redirect.
    pub fn to_url(&self) -> String {
        format!("{}?{}", self.url, form_encode(&self.fields))
    }

    /// The fields as an `application/x-www-form-urlencoded` body, for a POSTed form.
    pub fn to_form_body(&self) -> String {
        form_encode(&self.fields)
    }
}

/// Passwords and card data in the fields print as `***`.
impl fmt::Debug for RedirectForm {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("RedirectForm")
            .field("method", &self.method)
            .field("url", &self.url)
            .field("fields", self.shown.as_ref().unwrap_or(&self.fields))
            .finish()
    }
}

/// The top-level fields of a body as form fields: text as it is, numbers and booleans as JSON
/// writes them, objects and lists as JSON text; null fields are left out.
fn form_fields(body: &Value) -> Vec<(String, String)> {
    let Value::Object(map) = body else {
        return Vec::new();
    };
    map.iter()
        .filter(|(_, v)| !v.is_null())
        .map(|(k, v)| {
            let text = match v {
                Value::String(s) => s.clone(),
                other => other.to_string(),
            };
            (k.clone(), text)
        })
        .collect()
}

fn form_encode(fields: &[(String, String)]) -> String {
    let mut out = String::new();
    for (i, (key, value)) in fields.iter().enumerate() {
        if i > 0 {
            out.push('&');
        }
        push_percent_encoded(&mut out, key);
        out.push('=');
        push_percent_encoded(&mut out, value);
    }
    out
}

/// A random UUID version 4, from the system's secure random source.
fn uuid_v4() -> Result<String, Error> {
    use ring::rand::SecureRandom;
    let mut bytes = [0u8; 16];
    ring::rand::SystemRandom::new()
        .fill(&mut bytes)
        .map_err(|_| Error::Config("the system has no secure random source".into()))?;
    bytes[6] = (bytes[6] & 0x0f) | 0x40;
    bytes[8] = (bytes[8] & 0x3f) | 0x80;
    let hex: String = bytes.iter().map(|b| format!("{b:02x}")).collect();
    Ok(format!(
        "{}-{}-{}-{}-{}",
        &hex[0..8],
        &hex[8..12],
        &hex[12..16],
        &hex[16..20],
        &hex[20..32]
    ))
}

/// Compares two secrets without an early exit, so the time taken does not tell how much of a
/// guess was right.
fn same_secret(a: &[u8], b: &[u8]) -> bool {
    a.len() == b.len()
        && std::hint::black_box(a.iter().zip(b).fold(0u8, |acc, (x, y)| acc | (x ^ y))) == 0
}

/// Whether `object` or an object inside it has automatic fields.
fn has_auto(object: &'static Object) -> bool {
    object
        .fields
        .iter()
        .any(|f| f.auto.is_some() || matches!(f.kind, Kind::Object(child) if has_auto(child)))
}

/// Puts the signature into the field marked `Auto::Signature`, wherever it sits.
fn place_signature(object: &'static Object, value: &mut Value, signature: Value) -> bool {
    let Value::Object(map) = value else {
        return false;
    };
    for field in object.fields {
        if field.auto == Some(Auto::Signature) {
            map.insert(field.wire.to_owned(), signature);
            return true;
        }
    }
    for field in object.fields {
        if let (Kind::Object(child), Some(inner)) = (field.kind, map.get_mut(field.wire)) {
            if has_auto(child) && place_signature(child, inner, signature.clone()) {
                return true;
            }
        }
    }
    false
}

fn push_percent_encoded(url: &mut String, text: &str) {
    const HEX: &[u8; 16] = b"0123456789ABCDEF";
    for b in text.bytes() {
        if b.is_ascii_alphanumeric() || matches!(b, b'-' | b'.' | b'_' | b'~') {
            url.push(char::from(b));
        } else {
            url.push('%');
            url.push(char::from(HEX[usize::from(b >> 4)]));
            url.push(char::from(HEX[usize::from(b & 0x0f)]));
        }
    }
}

fn truncate_at_char(text: &mut String, max_bytes: usize) {
    if text.len() > max_bytes {
        let mut cut = max_bytes;
        while !text.is_char_boundary(cut) {
            cut -= 1;
        }
        text.truncate(cut);
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn percent_encoding_keeps_only_unreserved() {
        let mut s = String::new();
        push_percent_encoded(&mut s, "aZ09-._~+/= @é");
        assert_eq!(s, "aZ09-._~%2B%2F%3D%20%40%C3%A9");
    }

    #[test]
    fn truncation_respects_characters() {
        let mut s = "ab€".to_owned();
        truncate_at_char(&mut s, 3);
        assert_eq!(s, "ab");
        let mut s = "abc".to_owned();
        truncate_at_char(&mut s, 3);
        assert_eq!(s, "abc");
    }

    #[test]
    fn base_urls() {
        let ok = |u: &str| check_base_url(u).unwrap();
        assert_eq!(
            ok("https://api.platebnibrana.csob.cz/api/v1.9/"),
            (
                "https://api.platebnibrana.csob.cz/api/v1.9".to_owned(),
                false
            )
        );
        assert_eq!(
            ok("http://127.0.0.1:8080"),
            ("http://127.0.0.1:8080".to_owned(), true)
        );
        assert_eq!(
            ok("http://localhost:1/x"),
            ("http://localhost:1/x".to_owned(), true)
        );
        assert_eq!(ok("http://[::1]:1"), ("http://[::1]:1".to_owned(), true));
        for bad in [
            "http://example.com/",
            "http://10.0.0.1/",
            "ftp://127.0.0.1/",
            "https://user:pw@example.com/",
            "https://example.com/?a=b",
            "not a url",
            "",
        ] {
            let err = check_base_url(bad).unwrap_err();
            assert!(matches!(err, Error::Config(_)), "{bad}");
            if !bad.is_empty() {
                assert!(!err.to_string().contains(bad));
            }
        }
        assert!(
            !check_base_url("https://user:secret@example.com/")
                .unwrap_err()
                .to_string()
                .contains("secret")
        );
    }
}

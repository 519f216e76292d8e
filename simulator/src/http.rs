//! The simulator's HTTP/1.1 server on hyper (chunked bodies, `Expect: 100-continue`,
//! keep-alive and pipelining as any client sends them), shared with the project's tests so that
//! both see exactly the bytes on the wire.

use std::net::SocketAddr;
use std::sync::{Arc, Mutex};
use std::time::{Duration, Instant};

use http_body_util::{BodyExt, Full, Limited};
use hyper::body::{Body, Bytes, Incoming};
use hyper::header::{CONNECTION, CONTENT_TYPE, HOST, HeaderValue, LOCATION};
use hyper::server::conn::http1;
use hyper::service::service_fn;
use hyper::{Request, Response, StatusCode, Uri};
use hyper_util::rt::TokioIo;
use hyper_util::server::graceful::GracefulShutdown;
use tokio::net::{TcpListener, TcpStream};
use tokio::sync::oneshot;
use tokio::task::JoinSet;

use crate::bounded::Ring;

/// How many requests a [`Server`] remembers by default: enough for any test, small enough that
/// a long load run keeps its memory flat (a request with its body is one to a few kilobytes).
pub const DEFAULT_LOG_CAPACITY: usize = 4096;

/// A request head larger than this is refused: no gateway client sends one, and reading without
/// a limit lets one peer exhaust the memory.
const MAX_HEAD_BYTES: usize = 64 * 1024;
/// The same for a body: gateway requests are a few kilobytes.
const MAX_BODY_BYTES: usize = 1 << 20;

/// A request as the server received it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Received {
    pub method: String,
    /// Path and query, still percent-encoded.
    pub target: String,
    pub headers: Vec<(String, String)>,
    pub body: Vec<u8>,
}

impl Received {
    pub fn header(&self, name: &str) -> Option<&str> {
        self.headers
            .iter()
            .find(|(n, _)| n.eq_ignore_ascii_case(name))
            .map(|(_, v)| v.as_str())
    }

    /// The body as JSON; `Null` when it is not JSON.
    pub fn json(&self) -> serde_json::Value {
        serde_json::from_slice(&self.body).unwrap_or(serde_json::Value::Null)
    }
}

/// What the server does with one request.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Reply {
    /// Answer with a status and a JSON (or any) body.
    Status(u16, String),
    /// Answer with a status and a body of raw bytes (text in a charset other than UTF-8).
    Bytes(u16, Vec<u8>),
    /// Close the connection without answering.
    Drop,
    /// Answer after a pause (a slow gateway).
    Delayed(std::time::Duration, Box<Reply>),
    /// 303 See Other to this URL: a page sending the customer's browser on.
    SeeOther(String),
    /// 200 with an HTML page for the customer's browser.
    Html(String),
}

impl Reply {
    pub fn json(body: impl Into<String>) -> Self {
        Reply::Status(200, body.into())
    }
}

type Handler = dyn Fn(&Received) -> Reply + Send + Sync;

/// How a [`Server`] keeps track of what it receives.
#[derive(Debug, Clone, Copy)]
pub struct Options {
    /// How many requests [`Server::received`] remembers (the newest; 0: none).
    pub log_capacity: usize,
    /// One line on stderr per request: method, path (without its query, which may carry
    /// customer data), status and duration; never a header or a body.
    pub access_log: bool,
}

impl Default for Options {
    fn default() -> Self {
        Options {
            log_capacity: DEFAULT_LOG_CAPACITY,
            access_log: false,
        }
    }
}

/// A loopback HTTP server; it stops when dropped, or finishing what it answers with
/// [`Server::shutdown`].
pub struct Server {
    addr: SocketAddr,
    received: Arc<Mutex<Ring<Received>>>,
    stop: Option<oneshot::Sender<Duration>>,
    task: tokio::task::JoinHandle<()>,
}

impl Server {
    /// Starts a server on 127.0.0.1 with an ephemeral port; `handler` answers every request.
    pub async fn start(handler: impl Fn(&Received) -> Reply + Send + Sync + 'static) -> Self {
        Self::bind(SocketAddr::from(([127, 0, 0, 1], 0)), handler)
            .await
            .expect("bind loopback")
    }

    /// Starts a server on `addr` that remembers the last [`DEFAULT_LOG_CAPACITY`] requests;
    /// `handler` answers every request.
    pub async fn bind(
        addr: SocketAddr,
        handler: impl Fn(&Received) -> Reply + Send + Sync + 'static,
    ) -> std::io::Result<Self> {
        Self::bind_with(addr, Options::default(), handler).await
    }

    /// Starts a server on `addr` that remembers the last `log_capacity` requests (0: none).
    pub async fn bind_with_log(
        addr: SocketAddr,
        log_capacity: usize,
        handler: impl Fn(&Received) -> Reply + Send + Sync + 'static,
    ) -> std::io::Result<Self> {
        let options = Options {
            log_capacity,
            ..Options::default()
        };
        Self::bind_with(addr, options, handler).await
    }

    /// Starts a server on `addr` with `options`; `handler` answers every request.
    pub async fn bind_with(
        addr: SocketAddr,
        options: Options,
        handler: impl Fn(&Received) -> Reply + Send + Sync + 'static,
    ) -> std::io::Result<Self> {
        let listener = TcpListener::bind(addr).await?;
        let addr = listener.local_addr()?;
        let received = Arc::new(Mutex::new(Ring::new(options.log_capacity)));
        let answering = Arc::new(Answering {
            handler: Box::new(handler),
            log: Arc::clone(&received),
            access_log: options.access_log,
        });
        let (stop, stopped) = oneshot::channel();
        let task = tokio::spawn(accept(listener, answering, stopped));
        Ok(Server {
            addr,
            received,
            stop: Some(stop),
            task,
        })
    }

    pub fn addr(&self) -> SocketAddr {
        self.addr
    }

    /// `http://127.0.0.1:<port>` followed by `path`.
    pub fn url(&self, path: &str) -> String {
        format!("http://{}{}", self.addr, path)
    }

    /// The requests received so far, oldest first: every one, or the newest ones once more
    /// came than the log holds.
    pub fn received(&self) -> Vec<Received> {
        self.received
            .lock()
            .map(|r| r.iter().cloned().collect())
            .unwrap_or_default()
    }

    /// Stops accepting connections and lets those open finish the request they are in, for at
    /// most `grace`; idle kept-alive connections close at once.
    pub async fn shutdown(mut self, grace: Duration) {
        if let Some(stop) = self.stop.take() {
            let _ = stop.send(grace);
        }
        let _ = (&mut self.task).await;
    }
}

impl Drop for Server {
    fn drop(&mut self) {
        self.task.abort();
    }
}

/// What every connection of one server shares.
struct Answering {
    handler: Box<Handler>,
    log: Arc<Mutex<Ring<Received>>>,
    access_log: bool,
}

/// The error that makes hyper close a connection without answering: the [`Reply::Drop`] fault.
#[derive(Debug)]
struct DropConnection;

impl std::fmt::Display for DropConnection {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str("the connection is dropped without an answer")
    }
}

impl std::error::Error for DropConnection {}

/// Accepts until told to stop; the connection tasks live in a set owned here, so aborting this
/// task (dropping the [`Server`]) ends them too.
async fn accept(
    listener: TcpListener,
    answering: Arc<Answering>,
    mut stopped: oneshot::Receiver<Duration>,
) {
    let graceful = GracefulShutdown::new();
    let mut connections = JoinSet::new();
    let grace = loop {
        tokio::select! {
            accepted = listener.accept() => {
                let Ok((stream, _)) = accepted else {
                    // Out of file descriptors, most likely: give the open connections a moment
                    // to end rather than spin on the error.
                    tokio::time::sleep(Duration::from_millis(10)).await;
                    continue;
                };
                // Small answers go out at once instead of waiting for the client's delayed ACK.
                let _ = stream.set_nodelay(true);
                let answering = Arc::clone(&answering);
                let service = service_fn(move |request| {
                    let answering = Arc::clone(&answering);
                    async move { answering.answer(request).await }
                });
                let connection = http1::Builder::new()
                    .max_header_size(MAX_HEAD_BYTES)
                    .serve_connection(TokioIo::new(stream), service);
                let connection = graceful.watch(connection);
                connections.spawn(async move {
                    let _ = connection.await;
                });
            }
            Some(_) = connections.join_next(), if !connections.is_empty() => {}
            grace = &mut stopped => break grace.unwrap_or_default(),
        }
    };
    drop(listener);
    // Connections still open when the grace ends are aborted with the set.
    let _ = tokio::time::timeout(grace, graceful.shutdown()).await;
}

impl Answering {
    async fn answer(
        &self,
        request: Request<Incoming>,
    ) -> Result<Response<Full<Bytes>>, DropConnection> {
        let started = Instant::now();
        let method = request.method().clone();
        let path = request.uri().path().to_owned();
        let answer = self.answer_request(request).await;
        if self.access_log {
            let status = match &answer {
                Ok(response) => response.status().as_u16().to_string(),
                Err(_) => "dropped".to_owned(),
            };
            eprintln!("{method} {path} {status} {:.1?}", started.elapsed());
        }
        answer
    }

    async fn answer_request(
        &self,
        request: Request<Incoming>,
    ) -> Result<Response<Full<Bytes>>, DropConnection> {
        let (head, body) = request.into_parts();
        // A declared length over the limit is refused before any of it is read.
        let too_long = body
            .size_hint()
            .upper()
            .is_some_and(|length| length > MAX_BODY_BYTES as u64);
        if too_long {
            return Ok(respond(413, Bytes::new(), true));
        }
        let Ok(body) = Limited::new(body, MAX_BODY_BYTES).collect().await else {
            // Too large, or the client went away inside it: nothing worth keeping the
            // connection open for.
            return Ok(respond(413, Bytes::new(), true));
        };
        let received = Received {
            method: head.method.as_str().to_owned(),
            target: head
                .uri
                .path_and_query()
                .map_or_else(|| head.uri.path().to_owned(), |p| p.as_str().to_owned()),
            headers: head
                .headers
                .iter()
                .map(|(name, value)| {
                    let value = String::from_utf8_lossy(value.as_bytes()).into_owned();
                    (name.as_str().to_owned(), value)
                })
                .collect(),
            body: body.to_bytes().to_vec(),
        };
        if let Ok(mut log) = self.log.lock() {
            log.push(received.clone());
        }
        let mut reply = (self.handler)(&received);
        while let Reply::Delayed(pause, inner) = reply {
            tokio::time::sleep(pause).await;
            reply = *inner;
        }
        match reply {
            Reply::Status(status, body) => Ok(respond(status, Bytes::from(body), false)),
            Reply::Bytes(status, body) => Ok(respond(status, Bytes::from(body), false)),
            Reply::SeeOther(location) => Ok(see_other(&location)),
            Reply::Html(page) => {
                let mut response = respond(200, Bytes::from(page), false);
                response.headers_mut().insert(
                    CONTENT_TYPE,
                    HeaderValue::from_static("text/html; charset=utf-8"),
                );
                Ok(response)
            }
            Reply::Drop | Reply::Delayed(..) => Err(DropConnection),
        }
    }
}

fn respond(status: u16, body: Bytes, close: bool) -> Response<Full<Bytes>> {
    let mut response = Response::new(Full::new(body));
    *response.status_mut() =
        StatusCode::from_u16(status).unwrap_or(StatusCode::INTERNAL_SERVER_ERROR);
    let headers = response.headers_mut();
    headers.insert(CONTENT_TYPE, HeaderValue::from_static("application/json"));
    if close {
        headers.insert(CONNECTION, HeaderValue::from_static("close"));
    }
    response
}

/// A 303 to `location`; one that is no valid header value is a 500, never a redirect elsewhere.
fn see_other(location: &str) -> Response<Full<Bytes>> {
    let Ok(value) = HeaderValue::from_str(location) else {
        return respond(500, Bytes::new(), false);
    };
    let mut response = respond(303, Bytes::new(), false);
    response.headers_mut().insert(LOCATION, value);
    response
}

/// Decodes `%XX` escapes (and `+` as a space when `plus_is_space`, as in form bodies).
pub fn percent_decode_with(text: &str, plus_is_space: bool) -> String {
    let bytes = text.as_bytes();
    let mut out = Vec::with_capacity(bytes.len());
    let mut i = 0;
    while i < bytes.len() {
        let hex = bytes
            .get(i + 1..i + 3)
            .and_then(|h| std::str::from_utf8(h).ok())
            .and_then(|h| u8::from_str_radix(h, 16).ok());
        match (bytes[i], hex) {
            (b'%', Some(byte)) => {
                out.push(byte);
                i += 3;
            }
            (b'+', _) if plus_is_space => {
                out.push(b' ');
                i += 1;
            }
            (byte, _) => {
                out.push(byte);
                i += 1;
            }
        }
    }
    String::from_utf8_lossy(&out).into_owned()
}

/// A path segment, percent-decoded.
pub fn percent_decode(segment: &str) -> String {
    percent_decode_with(segment, false)
}

/// Fields as `application/x-www-form-urlencoded` text: everything but unreserved characters
/// percent-encoded, so `+`, `/` and `=` of Base64 survive.
pub fn form_encode(fields: &[(String, String)]) -> String {
    let encode = |text: &str| -> String {
        text.bytes()
            .map(|byte| match byte {
                b'A'..=b'Z' | b'a'..=b'z' | b'0'..=b'9' | b'-' | b'.' | b'_' | b'~' => {
                    char::from(byte).to_string()
                }
                other => format!("%{other:02X}"),
            })
            .collect()
    };
    fields
        .iter()
        .map(|(key, value)| format!("{}={}", encode(key), encode(value)))
        .collect::<Vec<_>>()
        .join("&")
}

/// The fields of an `application/x-www-form-urlencoded` body.
pub fn form_fields(body: &[u8]) -> Vec<(String, String)> {
    String::from_utf8_lossy(body)
        .split('&')
        .filter(|pair| !pair.is_empty())
        .map(|pair| {
            let (key, value) = pair.split_once('=').unwrap_or((pair, ""));
            (
                percent_decode_with(key, true),
                percent_decode_with(value, true),
            )
        })
        .collect()
}

/// POSTs a JSON body to a plain-http URL (callbacks to a merchant on loopback); failures are
/// the merchant's to notice, as with a real gateway.
pub async fn post_json(url: String, body: String) {
    post(url, "application/json", body).await;
}

/// POSTs an `application/x-www-form-urlencoded` body, as [`post_json`] does JSON.
pub async fn post_form(url: String, body: String) {
    post(url, "application/x-www-form-urlencoded", body).await;
}

async fn post(url: String, content_type: &'static str, body: String) {
    let Ok(uri) = url.parse::<Uri>() else {
        return;
    };
    let (Some("http"), Some(authority)) = (uri.scheme_str(), uri.authority()) else {
        return;
    };
    let address = format!(
        "{}:{}",
        authority.host(),
        authority.port_u16().unwrap_or(80)
    );
    let Ok(stream) = TcpStream::connect(address).await else {
        return;
    };
    let _ = stream.set_nodelay(true);
    let Ok((mut sender, connection)) =
        hyper::client::conn::http1::handshake(TokioIo::new(stream)).await
    else {
        return;
    };
    let driving = tokio::spawn(connection);
    let target = uri.path_and_query().map_or("/", |p| p.as_str());
    let request = Request::post(target)
        .header(HOST, authority.as_str())
        .header(CONTENT_TYPE, content_type)
        .body(Full::new(Bytes::from(body)));
    if let Ok(request) = request {
        if let Ok(answer) = sender.send_request(request).await {
            let _ = answer.into_body().collect().await;
        }
    }
    drop(sender);
    let _ = driving.await;
}

//! A small HTTP/1.1 server on tokio: enough for a gateway stand-in on loopback, and shared with
//! the project's tests so that both see exactly the bytes on the wire.

use std::net::SocketAddr;
use std::sync::{Arc, Mutex};

use tokio::io::{AsyncReadExt, AsyncWriteExt};
use tokio::net::{TcpListener, TcpStream};

use crate::bounded::Ring;

/// How many requests a [`Server`] remembers by default: enough for any test, small enough that
/// a long load run keeps its memory flat (a request with its body is one to a few kilobytes).
pub const DEFAULT_LOG_CAPACITY: usize = 4096;

/// A request head larger than this is refused (the connection closes): no gateway client sends
/// one, and reading without a limit lets one peer exhaust the memory.
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
    /// Close the connection without answering.
    Drop,
    /// Answer after a pause (a slow gateway).
    Delayed(std::time::Duration, Box<Reply>),
}

impl Reply {
    pub fn json(body: impl Into<String>) -> Self {
        Reply::Status(200, body.into())
    }
}

type Handler = dyn Fn(&Received) -> Reply + Send + Sync;

/// A loopback HTTP server; it stops when dropped.
pub struct Server {
    addr: SocketAddr,
    received: Arc<Mutex<Ring<Received>>>,
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
        Self::bind_with_log(addr, DEFAULT_LOG_CAPACITY, handler).await
    }

    /// Starts a server on `addr` that remembers the last `log_capacity` requests (0: none).
    pub async fn bind_with_log(
        addr: SocketAddr,
        log_capacity: usize,
        handler: impl Fn(&Received) -> Reply + Send + Sync + 'static,
    ) -> std::io::Result<Self> {
        let listener = TcpListener::bind(addr).await?;
        let addr = listener.local_addr()?;
        let received = Arc::new(Mutex::new(Ring::new(log_capacity)));
        let handler: Arc<Handler> = Arc::new(handler);
        let log = Arc::clone(&received);
        let task = tokio::spawn(async move {
            while let Ok((stream, _)) = listener.accept().await {
                // Answers go out in one write each, so Nagle's algorithm has nothing to hold
                // back; switching it off also spares clients that write a request in pieces.
                let _ = stream.set_nodelay(true);
                let handler = Arc::clone(&handler);
                let log = Arc::clone(&log);
                tokio::spawn(serve(stream, handler, log));
            }
        });
        Ok(Server {
            addr,
            received,
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
}

impl Drop for Server {
    fn drop(&mut self) {
        self.task.abort();
    }
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
    let Some(rest) = url.strip_prefix("http://") else {
        return;
    };
    let (host, path) = rest
        .split_once('/')
        .map(|(h, p)| (h, format!("/{p}")))
        .unwrap_or((rest, "/".into()));
    let Ok(mut stream) = TcpStream::connect(host).await else {
        return;
    };
    let request = format!(
        "POST {path} HTTP/1.1\r\nhost: {host}\r\ncontent-type: application/json\r\ncontent-length: {}\r\nconnection: close\r\n\r\n{body}",
        body.len()
    );
    if stream.write_all(request.as_bytes()).await.is_ok() {
        let mut answer = Vec::new();
        let _ = stream.read_to_end(&mut answer).await;
    }
}

async fn serve(mut stream: TcpStream, handler: Arc<Handler>, log: Arc<Mutex<Ring<Received>>>) {
    loop {
        let Some(request) = read_request(&mut stream).await else {
            return;
        };
        if let Ok(mut log) = log.lock() {
            log.push(request.clone());
        }
        let mut reply = handler(&request);
        while let Reply::Delayed(pause, inner) = reply {
            tokio::time::sleep(pause).await;
            reply = *inner;
        }
        match reply {
            Reply::Drop | Reply::Delayed(..) => return,
            Reply::Status(status, body) => {
                // Head and body in one write: written apart, the body waits for the client's
                // delayed ACK of the head (about 40 ms per answer on a kept-alive connection).
                let mut answer = format!(
                    "HTTP/1.1 {status} {}\r\ncontent-type: application/json\r\ncontent-length: {}\r\n\r\n",
                    reason(status),
                    body.len()
                )
                .into_bytes();
                answer.extend_from_slice(body.as_bytes());
                if stream.write_all(&answer).await.is_err() {
                    return;
                }
            }
        }
    }
}

async fn read_request(stream: &mut TcpStream) -> Option<Received> {
    let mut buffer = Vec::new();
    let header_end = loop {
        if let Some(end) = find(&buffer, b"\r\n\r\n") {
            break end;
        }
        if buffer.len() > MAX_HEAD_BYTES {
            return None;
        }
        let mut chunk = [0u8; 4096];
        let read = stream.read(&mut chunk).await.ok()?;
        if read == 0 {
            return None;
        }
        buffer.extend_from_slice(&chunk[..read]);
    };
    let head = String::from_utf8_lossy(&buffer[..header_end]).into_owned();
    let mut lines = head.split("\r\n");
    let mut request_line = lines.next()?.split(' ');
    let method = request_line.next()?.to_string();
    let target = request_line.next()?.to_string();
    let headers: Vec<(String, String)> = lines
        .filter_map(|line| line.split_once(':'))
        .map(|(n, v)| (n.trim().to_ascii_lowercase(), v.trim().to_string()))
        .collect();
    let length = headers
        .iter()
        .find(|(n, _)| n == "content-length")
        .and_then(|(_, v)| v.parse::<usize>().ok())
        .unwrap_or(0);
    if length > MAX_BODY_BYTES {
        return None;
    }
    let mut body = buffer[header_end + 4..].to_vec();
    while body.len() < length {
        let mut chunk = [0u8; 4096];
        let read = stream.read(&mut chunk).await.ok()?;
        if read == 0 {
            return None;
        }
        body.extend_from_slice(&chunk[..read]);
    }
    body.truncate(length);
    Some(Received {
        method,
        target,
        headers,
        body,
    })
}

fn find(haystack: &[u8], needle: &[u8]) -> Option<usize> {
    haystack.windows(needle.len()).position(|w| w == needle)
}

fn reason(status: u16) -> &'static str {
    match status {
        200 => "OK",
        400 => "Bad Request",
        401 => "Unauthorized",
        404 => "Not Found",
        429 => "Too Many Requests",
        500 => "Internal Server Error",
        503 => "Service Unavailable",
        _ => "Status",
    }
}

//! Support for the project's tests: a small HTTP/1.1 server on loopback that answers from a
//! script and records what it received, so client tests see exactly the bytes on the wire.
#![doc = include_str!("../../README.md")]

use std::net::SocketAddr;
use std::sync::{Arc, Mutex};

use tokio::io::{AsyncReadExt, AsyncWriteExt};
use tokio::net::{TcpListener, TcpStream};

/// `json` with `value` set at `pointer` (the last key created; `null` removes it).
pub fn with(
    mut json: serde_json::Value,
    pointer: &str,
    value: serde_json::Value,
) -> serde_json::Value {
    let (parent, key) = pointer.rsplit_once('/').expect("a JSON pointer");
    let target = json
        .pointer_mut(parent)
        .and_then(serde_json::Value::as_object_mut)
        .expect("the parent is an object");
    if value.is_null() {
        target.remove(key);
    } else {
        target.insert(key.to_string(), value);
    }
    json
}

/// JSON pointers of every scalar in `value`: the places a tampering test changes.
pub fn leaves(value: &serde_json::Value) -> Vec<String> {
    fn walk(value: &serde_json::Value, pointer: String, out: &mut Vec<String>) {
        match value {
            serde_json::Value::Object(map) => map
                .iter()
                .for_each(|(k, v)| walk(v, format!("{pointer}/{k}"), out)),
            serde_json::Value::Array(items) => items
                .iter()
                .enumerate()
                .for_each(|(i, v)| walk(v, format!("{pointer}/{i}"), out)),
            _ => out.push(pointer),
        }
    }
    let mut out = Vec::new();
    walk(value, String::new(), &mut out);
    out
}

/// Each violation as `"<path> <rule>"`: what tests compare against.
pub fn violation_lines(violations: &oneclick_runtime::Violations) -> Vec<String> {
    violations
        .iter()
        .map(|v| format!("{} {}", v.path, v.rule.as_str()))
        .collect()
}

/// Checks every `(pointer, accepted values, rejected value, rule)` case against `object`,
/// starting from the valid `base`: the accepted values pass, the rejected one fails with
/// exactly that path and rule.
pub fn check_boundaries(
    object: &'static oneclick_runtime::schema::Object,
    base: &serde_json::Value,
    cases: Vec<(&str, Vec<serde_json::Value>, serde_json::Value, &str)>,
) {
    let lines = |json: &serde_json::Value| {
        violation_lines(&oneclick_runtime::Violations(
            oneclick_runtime::validate::validate_value(object, json),
        ))
    };
    assert_eq!(lines(base), Vec::<String>::new(), "the base is valid");
    for (pointer, inside, outside, rule) in cases {
        for value in inside {
            let json = with(base.clone(), pointer, value.clone());
            assert_eq!(lines(&json), Vec::<String>::new(), "{pointer} = {value}");
        }
        let json = with(base.clone(), pointer, outside.clone());
        assert_eq!(
            lines(&json),
            [format!("{pointer} {rule}")],
            "{pointer} = {outside}"
        );
    }
}

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
}

impl Reply {
    pub fn json(body: impl Into<String>) -> Self {
        Reply::Status(200, body.into())
    }
}

type Handler = dyn Fn(&Received) -> Reply + Send + Sync;

/// A loopback HTTP server started by a test; it stops when dropped.
pub struct TestServer {
    addr: SocketAddr,
    received: Arc<Mutex<Vec<Received>>>,
    task: tokio::task::JoinHandle<()>,
}

impl TestServer {
    /// Starts a server on 127.0.0.1 with an ephemeral port; `handler` answers every request.
    pub async fn start(handler: impl Fn(&Received) -> Reply + Send + Sync + 'static) -> Self {
        let listener = TcpListener::bind("127.0.0.1:0")
            .await
            .expect("bind loopback");
        let addr = listener.local_addr().expect("local address");
        let received = Arc::new(Mutex::new(Vec::new()));
        let handler: Arc<Handler> = Arc::new(handler);
        let log = Arc::clone(&received);
        let task = tokio::spawn(async move {
            while let Ok((stream, _)) = listener.accept().await {
                let handler = Arc::clone(&handler);
                let log = Arc::clone(&log);
                tokio::spawn(serve(stream, handler, log));
            }
        });
        TestServer {
            addr,
            received,
            task,
        }
    }

    /// `http://127.0.0.1:<port>` followed by `path`.
    pub fn url(&self, path: &str) -> String {
        format!("http://{}{}", self.addr, path)
    }

    /// Every request received so far, in order.
    pub fn received(&self) -> Vec<Received> {
        self.received.lock().map(|r| r.clone()).unwrap_or_default()
    }
}

impl Drop for TestServer {
    fn drop(&mut self) {
        self.task.abort();
    }
}

async fn serve(mut stream: TcpStream, handler: Arc<Handler>, log: Arc<Mutex<Vec<Received>>>) {
    loop {
        let Some(request) = read_request(&mut stream).await else {
            return;
        };
        if let Ok(mut log) = log.lock() {
            log.push(request.clone());
        }
        match handler(&request) {
            Reply::Drop => return,
            Reply::Status(status, body) => {
                let head = format!(
                    "HTTP/1.1 {status} {}\r\ncontent-type: application/json\r\ncontent-length: {}\r\n\r\n",
                    reason(status),
                    body.len()
                );
                let written = stream.write_all(head.as_bytes()).await.is_ok()
                    && stream.write_all(body.as_bytes()).await.is_ok();
                if !written {
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

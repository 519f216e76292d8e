//! A one-request-per-connection HTTP/1.1 server on 127.0.0.1 (hyper), shared by the engine's
//! HTTP tests: it answers scripted responses and records what the client sent.

use std::convert::Infallible;
use std::net::SocketAddr;
use std::sync::{Arc, Mutex};

use http_body_util::{BodyExt, Full};
use hyper::body::{Bytes, Incoming};
use hyper::header::CONTENT_TYPE;
use hyper::server::conn::http1;
use hyper::service::service_fn;
use hyper::{Request, Response, StatusCode};
use hyper_util::rt::TokioIo;
use serde_json::Value;
use tokio::net::TcpListener;

#[derive(Debug)]
pub struct Received {
    pub method: String,
    pub path: String,
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

    pub fn json(&self) -> Value {
        serde_json::from_slice(&self.body).unwrap()
    }
}

pub struct Server {
    pub base_url: String,
    received: Arc<Mutex<Vec<Received>>>,
}

impl Server {
    /// Answers the scripted responses in order, one per connection, then stops accepting.
    pub async fn start(responses: Vec<(u16, String)>) -> Server {
        let listener = TcpListener::bind("127.0.0.1:0").await.unwrap();
        let addr: SocketAddr = listener.local_addr().unwrap();
        let received = Arc::new(Mutex::new(Vec::new()));
        let log = received.clone();
        tokio::spawn(async move {
            for (status, body) in responses {
                let Ok((stream, _)) = listener.accept().await else {
                    return;
                };
                let log = log.clone();
                let service = service_fn(move |request| {
                    let log = log.clone();
                    let body = body.clone();
                    async move {
                        let request = read_request(request).await;
                        log.lock().unwrap().push(request);
                        let mut response = Response::new(Full::new(Bytes::from(body)));
                        *response.status_mut() = StatusCode::from_u16(status).unwrap();
                        response
                            .headers_mut()
                            .insert(CONTENT_TYPE, "application/json".parse().unwrap());
                        Ok::<_, Infallible>(response)
                    }
                });
                // A client that gives up early (the timeout tests) ends its connection in an
                // error that is the test's to judge, not the server's.
                let _ = http1::Builder::new()
                    .keep_alive(false)
                    .serve_connection(TokioIo::new(stream), service)
                    .await;
            }
        });
        Server {
            base_url: format!("http://{addr}/api/v1.9"),
            received,
        }
    }

    pub fn received(&self) -> std::sync::MutexGuard<'_, Vec<Received>> {
        self.received.lock().unwrap()
    }
}

async fn read_request(request: Request<Incoming>) -> Received {
    let (head, body) = request.into_parts();
    Received {
        method: head.method.as_str().to_owned(),
        path: head.uri.path_and_query().unwrap().as_str().to_owned(),
        headers: head
            .headers
            .iter()
            .map(|(n, v)| (n.as_str().to_owned(), v.to_str().unwrap().to_owned()))
            .collect(),
        body: body.collect().await.unwrap().to_bytes().to_vec(),
    }
}

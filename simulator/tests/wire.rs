//! The simulator and its server driven by raw HTTP/1.1 bytes, written the way curl and browsers
//! send them: chunked uploads, `Expect: 100-continue`, kept-alive and pipelined requests; and
//! the limits and faults a client can meet.

use std::time::Duration;

use oneclick_simulator::http::{Reply, Server};
use oneclick_simulator::{Config, Simulator};
use tokio::io::{AsyncReadExt, AsyncWriteExt};
use tokio::net::TcpStream;

/// One answer read off `stream`: its status, head and body. Bytes after it (the answer to a
/// pipelined request) stay in `pending`.
struct Answer {
    status: u16,
    head: String,
    body: String,
}

async fn read_answer(stream: &mut TcpStream, pending: &mut Vec<u8>) -> Answer {
    loop {
        if let Some(end) = pending.windows(4).position(|w| w == b"\r\n\r\n") {
            let head = String::from_utf8(pending[..end].to_vec()).unwrap();
            let length: usize = head
                .lines()
                .find_map(|line| line.strip_prefix("content-length: "))
                .map_or(0, |value| value.parse().unwrap());
            if pending.len() >= end + 4 + length {
                let body = String::from_utf8(pending[end + 4..end + 4 + length].to_vec()).unwrap();
                pending.drain(..end + 4 + length);
                return Answer {
                    status: head[9..12].parse().unwrap(),
                    head,
                    body,
                };
            }
        }
        let mut chunk = [0u8; 4096];
        let read = stream.read(&mut chunk).await.unwrap();
        assert!(read > 0, "the connection closed before a whole answer");
        pending.extend_from_slice(&chunk[..read]);
    }
}

/// Everything the peer sends until it closes the connection.
async fn read_to_close(stream: &mut TcpStream) -> Vec<u8> {
    let mut rest = Vec::new();
    tokio::time::timeout(Duration::from_secs(5), stream.read_to_end(&mut rest))
        .await
        .expect("the connection closes")
        .unwrap();
    rest
}

async fn echo_server() -> Server {
    Server::start(|received| Reply::json(format!("{{\"bytes\":{}}}", received.body.len()))).await
}

#[tokio::test]
async fn a_chunked_upload_arrives_whole() {
    let server = echo_server().await;
    let mut stream = TcpStream::connect(server.addr()).await.unwrap();
    stream
        .write_all(
            b"POST /upload HTTP/1.1\r\nhost: localhost\r\ncontent-type: application/json\r\n\
              transfer-encoding: chunked\r\n\r\n\
              c\r\n{\"origPayId\"\r\n13\r\n:\"0e92dd54b133@HA\"}\r\n0\r\n\r\n",
        )
        .await
        .unwrap();
    let answer = read_answer(&mut stream, &mut Vec::new()).await;
    assert_eq!(
        (answer.status, answer.body.as_str()),
        (200, r#"{"bytes":31}"#)
    );
    assert_eq!(
        server.received()[0].body,
        br#"{"origPayId":"0e92dd54b133@HA"}"#
    );
}

#[tokio::test]
async fn the_simulator_reads_a_chunked_admin_request() {
    let simulator = Simulator::start(Config::default()).await.unwrap();
    let mut stream = TcpStream::connect(simulator.addr()).await.unwrap();
    stream
        .write_all(
            b"POST /admin/xpay/contracts HTTP/1.1\r\nhost: localhost\r\n\
              transfer-encoding: chunked\r\n\r\n\
              10\r\n{\"contractId\":\"C\r\n18\r\n7\",\"customerId\":\"mcid7\"}\r\n0\r\n\r\n",
        )
        .await
        .unwrap();
    let answer = read_answer(&mut stream, &mut Vec::new()).await;
    assert_eq!((answer.status, answer.body.as_str()), (200, "{}"));
}

#[tokio::test]
async fn expect_100_continue_is_answered_before_the_body_is_sent() {
    let server = echo_server().await;
    let mut stream = TcpStream::connect(server.addr()).await.unwrap();
    stream
        .write_all(
            b"POST /upload HTTP/1.1\r\nhost: localhost\r\ncontent-length: 2\r\n\
              expect: 100-continue\r\n\r\n",
        )
        .await
        .unwrap();
    let interim = b"HTTP/1.1 100 Continue\r\n\r\n";
    let mut heard = vec![0u8; interim.len()];
    tokio::time::timeout(Duration::from_secs(5), stream.read_exact(&mut heard))
        .await
        .expect("100 Continue before the body")
        .unwrap();
    assert_eq!(
        String::from_utf8_lossy(&heard),
        String::from_utf8_lossy(interim)
    );
    stream.write_all(b"{}").await.unwrap();
    let answer = read_answer(&mut stream, &mut Vec::new()).await;
    assert_eq!(
        (answer.status, answer.body.as_str()),
        (200, r#"{"bytes":2}"#)
    );
}

#[tokio::test]
async fn one_kept_alive_connection_carries_many_requests_pipelined_or_not() {
    let simulator = Simulator::start(Config::default()).await.unwrap();
    let mut stream = TcpStream::connect(simulator.addr()).await.unwrap();
    let mut pending = Vec::new();
    let reset = b"POST /admin/reset HTTP/1.1\r\nhost: localhost\r\ncontent-length: 0\r\n\r\n";
    for _ in 0..3 {
        stream.write_all(reset).await.unwrap();
        let answer = read_answer(&mut stream, &mut pending).await;
        assert_eq!(answer.status, 200);
        assert!(
            !answer.head.contains("connection: close"),
            "{}",
            answer.head
        );
    }
    let pipelined = [
        &reset[..],
        b"GET /admin/requests HTTP/1.1\r\nhost: localhost\r\n\r\n",
        b"GET /nowhere HTTP/1.1\r\nhost: localhost\r\n\r\n",
    ]
    .concat();
    stream.write_all(&pipelined).await.unwrap();
    let statuses = [
        read_answer(&mut stream, &mut pending).await.status,
        read_answer(&mut stream, &mut pending).await.status,
        read_answer(&mut stream, &mut pending).await.status,
    ];
    assert_eq!(statuses, [200, 200, 404], "answers in the order asked");
}

#[tokio::test]
async fn a_dropped_request_closes_the_connection_without_an_answer() {
    for reply in [
        Reply::Drop,
        Reply::Delayed(Duration::from_millis(50), Box::new(Reply::Drop)),
    ] {
        let server = Server::start(move |_| reply.clone()).await;
        let mut stream = TcpStream::connect(server.addr()).await.unwrap();
        stream
            .write_all(b"GET / HTTP/1.1\r\nhost: localhost\r\n\r\n")
            .await
            .unwrap();
        assert_eq!(read_to_close(&mut stream).await, b"");
    }
}

#[tokio::test]
async fn a_body_over_1_mib_is_refused_and_the_connection_closed() {
    let server = echo_server().await;
    let mut stream = TcpStream::connect(server.addr()).await.unwrap();
    let head = format!(
        "POST /upload HTTP/1.1\r\nhost: localhost\r\ncontent-length: {}\r\n\r\n",
        (1 << 20) + 1
    );
    stream.write_all(head.as_bytes()).await.unwrap();
    let answered = String::from_utf8(read_to_close(&mut stream).await).unwrap();
    assert!(answered.starts_with("HTTP/1.1 413 "), "{answered}");
    assert!(server.received().is_empty());
}

#[tokio::test]
async fn a_chunked_body_growing_over_1_mib_is_refused() {
    let server = echo_server().await;
    let mut stream = TcpStream::connect(server.addr()).await.unwrap();
    stream
        .write_all(
            b"POST /upload HTTP/1.1\r\nhost: localhost\r\ntransfer-encoding: chunked\r\n\r\n",
        )
        .await
        .unwrap();
    let chunk = format!("10000\r\n{}\r\n", "a".repeat(0x10000));
    for _ in 0..17 {
        // The server may close its side as soon as the limit is crossed.
        if stream.write_all(chunk.as_bytes()).await.is_err() {
            break;
        }
    }
    let answered = String::from_utf8(read_to_close(&mut stream).await).unwrap();
    assert!(answered.starts_with("HTTP/1.1 413 "), "{answered}");
    assert!(server.received().is_empty());
}

#[tokio::test]
async fn a_head_over_64_kib_is_refused() {
    let server = echo_server().await;
    let mut stream = TcpStream::connect(server.addr()).await.unwrap();
    let head = format!(
        "GET / HTTP/1.1\r\nhost: localhost\r\nx-padding: {}\r\n\r\n",
        "a".repeat(80 * 1024)
    );
    // The server may stop reading (and close) before the whole head is written.
    let _ = stream.write_all(head.as_bytes()).await;
    let answered = String::from_utf8(read_to_close(&mut stream).await).unwrap();
    assert!(answered.starts_with("HTTP/1.1 431 "), "{answered}");
    assert!(server.received().is_empty());
}

#[tokio::test]
async fn shutdown_answers_the_request_in_flight_then_refuses_connections() {
    let server =
        Server::start(|_| Reply::Delayed(Duration::from_millis(200), Box::new(Reply::json("{}"))))
            .await;
    let addr = server.addr();
    let mut stream = TcpStream::connect(addr).await.unwrap();
    stream
        .write_all(b"GET / HTTP/1.1\r\nhost: localhost\r\n\r\n")
        .await
        .unwrap();
    let answering = tokio::spawn(async move { read_answer(&mut stream, &mut Vec::new()).await });
    tokio::time::sleep(Duration::from_millis(50)).await;
    server.shutdown(Duration::from_secs(5)).await;
    let answer = answering.await.unwrap();
    assert_eq!((answer.status, answer.body.as_str()), (200, "{}"));
    assert!(TcpStream::connect(addr).await.is_err(), "still accepting");
}

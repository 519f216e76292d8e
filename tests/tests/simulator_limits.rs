//! The simulator's limits: bounded request logs and records, strict request checks, answers in
//! one write. The load tests are `#[ignore]`d (they run for 20 s each and measure the process);
//! run them with
//! `cargo test -p oneclick-tests --test simulator_limits -- --ignored --nocapture --test-threads 1`.

use std::net::SocketAddr;
use std::sync::Arc;
use std::sync::atomic::{AtomicU64, Ordering};
use std::time::{Duration, Instant};

use oneclick_simulator::{Config, Simulator};
use oneclick_tests::{Reply, TestServer};
use tokio::io::{AsyncReadExt, AsyncWriteExt};
use tokio::net::TcpStream;

fn order_body(order_id: &str) -> serde_json::Value {
    serde_json::json!({
        "order": {"orderId": order_id, "amount": "100", "currency": "EUR"},
        "paymentSession": {
            "actionType": "PAY",
            "amount": "100",
            "resultUrl": "https://s/r",
            "cancelUrl": "https://s/c",
        },
    })
}

/// Sends one request on a kept-alive connection and reads exactly one answer: status and body.
async fn exchange(stream: &mut TcpStream, head: &str, body: &str) -> (u16, String) {
    let request = format!("{head}content-length: {}\r\n\r\n{body}", body.len());
    stream.write_all(request.as_bytes()).await.unwrap();
    let mut buffer = Vec::new();
    loop {
        let text = String::from_utf8_lossy(&buffer).into_owned();
        if let Some((head, rest)) = text.split_once("\r\n\r\n") {
            let length: usize = head
                .lines()
                .find_map(|l| l.strip_prefix("content-length: "))
                .and_then(|v| v.parse().ok())
                .unwrap_or(0);
            if rest.len() >= length {
                let status = head[9..12].parse().unwrap();
                return (status, rest[..length].to_owned());
            }
        }
        let mut chunk = [0u8; 4096];
        let n = stream.read(&mut chunk).await.unwrap();
        assert!(n > 0, "the connection closed");
        buffer.extend_from_slice(&chunk[..n]);
    }
}

fn xpay_head(idempotency_key: &str) -> String {
    format!(
        "POST /xpay/orders/hpp HTTP/1.1\r\nx-api-key: xpay-test-api-key\r\nidempotency-key: {idempotency_key}\r\n"
    )
}

#[tokio::test]
async fn request_logs_and_records_keep_only_the_newest() {
    let config = Config {
        request_log: 3,
        records: 2,
        ..Config::default()
    };
    let simulator = Simulator::start(config).await.unwrap();
    let mut stream = TcpStream::connect(simulator.addr()).await.unwrap();
    let mut tokens = Vec::new();
    for i in 0..5 {
        let body = order_body(&format!("o{i}")).to_string();
        let (status, answer) = exchange(&mut stream, &xpay_head(&format!("key-{i}")), &body).await;
        assert_eq!(status, 200, "{answer}");
        tokens.push(answer);
    }
    let get = |target: &str| format!("GET {target} HTTP/1.1\r\n");
    let (_, listed) = exchange(&mut stream, &get("/admin/requests"), "").await;
    let listed: serde_json::Value = serde_json::from_str(&listed).unwrap();
    assert_eq!(listed.as_array().map(Vec::len), Some(3), "{listed}");

    // Orders and idempotent answers: the two newest are kept, the older ones forgotten.
    let orders = |id: &str| get(&format!("/xpay/orders/{id}"));
    let head_with_key = |head: String| format!("{head}x-api-key: xpay-test-api-key\r\n");
    assert_eq!(
        exchange(&mut stream, &head_with_key(orders("o4")), "")
            .await
            .0,
        200
    );
    assert_eq!(
        exchange(&mut stream, &head_with_key(orders("o0")), "")
            .await
            .0,
        404
    );
    let replay = exchange(
        &mut stream,
        &xpay_head("key-4"),
        &order_body("o4").to_string(),
    )
    .await;
    assert_eq!(replay.1, tokens[4], "a kept key replays the first answer");
    let forgotten = exchange(
        &mut stream,
        &xpay_head("key-0"),
        &order_body("o0").to_string(),
    )
    .await;
    assert_ne!(forgotten.1, tokens[0], "a forgotten key is a new order");
}

#[tokio::test]
async fn a_server_log_keeps_only_the_newest_requests() {
    let loopback = SocketAddr::from(([127, 0, 0, 1], 0));
    let server = TestServer::bind_with_log(loopback, 2, |_| Reply::json("{}"))
        .await
        .unwrap();
    let mut stream = TcpStream::connect(server.addr()).await.unwrap();
    for path in ["/a", "/b", "/c"] {
        exchange(&mut stream, &format!("POST {path} HTTP/1.1\r\n"), "{}").await;
    }
    let targets: Vec<String> = server.received().into_iter().map(|r| r.target).collect();
    assert_eq!(targets, ["/b", "/c"]);
}

#[tokio::test]
async fn the_simulator_refuses_fields_the_spec_does_not_know() {
    let simulator = Simulator::start(Config::default()).await.unwrap();
    let mut stream = TcpStream::connect(simulator.addr()).await.unwrap();
    let mut body = order_body("o1");
    body["order"]["card_number"] = "4111111111111111".into();
    let (status, answer) = exchange(&mut stream, &xpay_head("k1"), &body.to_string()).await;
    assert_eq!(status, 400);
    assert!(
        answer.contains("Invalid parameter order/card_number"),
        "{answer}"
    );
    assert!(!answer.contains("4111"), "{answer}");
}

/// Answers on a kept-alive connection: one write each, so no delayed-ACK stall (it was about
/// 40 ms per answer with head and body written apart).
#[tokio::test]
#[ignore = "timed: run with --ignored"]
async fn kept_alive_answers_take_well_under_5_ms() {
    let simulator = Simulator::start(Config::default()).await.unwrap();
    let mut stream = TcpStream::connect(simulator.addr()).await.unwrap();
    let rounds = 200;
    let started = Instant::now();
    for i in 0..rounds {
        let body = order_body(&format!("o{i}")).to_string();
        let (status, _) = exchange(&mut stream, &xpay_head(&format!("k{i}")), &body).await;
        assert_eq!(status, 200);
    }
    let mean = started.elapsed() / rounds;
    eprintln!("kept-alive answer: mean {mean:?} over {rounds} requests");
    assert!(mean < Duration::from_millis(5), "{mean:?}");
}

/// The process's resident set size in kilobytes (Linux).
fn rss_kb() -> u64 {
    let status = std::fs::read_to_string("/proc/self/status").unwrap();
    status
        .lines()
        .find_map(|l| l.strip_prefix("VmRSS:"))
        .and_then(|v| v.trim().trim_end_matches("kB").trim().parse().ok())
        .unwrap()
}

struct Load {
    requests: u64,
    /// `(seconds since the start, RSS in kB)`.
    rss: Vec<(u64, u64)>,
}

/// 64 clients, each on its own kept-alive connection, create XPay orders (each with a new
/// order id and idempotency key: every request adds a record) for `seconds`.
async fn run_load(config: Config, seconds: u64) -> Load {
    let simulator = Arc::new(Simulator::start(config).await.unwrap());
    let next_id = Arc::new(AtomicU64::new(0));
    let deadline = Instant::now() + Duration::from_secs(seconds);
    let mut clients = tokio::task::JoinSet::new();
    for _ in 0..64 {
        let simulator = Arc::clone(&simulator);
        let next_id = Arc::clone(&next_id);
        clients.spawn(async move {
            let mut stream = TcpStream::connect(simulator.addr()).await.unwrap();
            while Instant::now() < deadline {
                let id = next_id.fetch_add(1, Ordering::Relaxed);
                let body = order_body(&format!("order-{id:012}")).to_string();
                let key = format!("00000000-0000-4000-8000-{id:012}");
                let (status, answer) = exchange(&mut stream, &xpay_head(&key), &body).await;
                assert_eq!(status, 200, "{answer}");
            }
        });
    }
    let started = Instant::now();
    let mut rss = vec![(0, rss_kb())];
    for second in 1..=seconds {
        tokio::time::sleep_until((started + Duration::from_secs(second)).into()).await;
        rss.push((second, rss_kb()));
    }
    while let Some(client) = clients.join_next().await {
        client.unwrap();
    }
    Load {
        requests: next_id.load(Ordering::Relaxed),
        rss,
    }
}

fn report(name: &str, load: &Load) {
    let samples: Vec<String> = load
        .rss
        .iter()
        .filter(|(s, _)| s % 5 == 0)
        .map(|(s, kb)| format!("{s}s {:.1} MB", *kb as f64 / 1024.0))
        .collect();
    eprintln!(
        "{name}: {} requests; RSS {}",
        load.requests,
        samples.join(", ")
    );
}

fn rss_at(load: &Load, second: u64) -> u64 {
    load.rss.iter().find(|(s, _)| *s == second).unwrap().1
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
#[ignore = "a 20 s load test: run with --ignored"]
async fn memory_stays_flat_under_64_clients_for_20_s() {
    let load = run_load(Config::default(), 20).await;
    report("bounded (default limits)", &load);
    // By 10 s every store is full; after that, memory may only wobble.
    let growth = rss_at(&load, 20).saturating_sub(rss_at(&load, 10));
    assert!(
        growth < 8 * 1024,
        "RSS grew by {growth} kB in the last 10 s"
    );
}

/// The control: with limits too high to be reached the same load keeps growing, so the test
/// above does measure what the limits change.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
#[ignore = "a 20 s load test: run with --ignored"]
async fn without_limits_memory_grows_with_every_request() {
    let config = Config {
        request_log: usize::MAX,
        records: usize::MAX,
        ..Config::default()
    };
    let load = run_load(config, 20).await;
    report("unbounded (the former behaviour)", &load);
    let growth = rss_at(&load, 20).saturating_sub(rss_at(&load, 10));
    assert!(
        growth > 8 * 1024,
        "RSS grew by only {growth} kB in the last 10 s"
    );
}

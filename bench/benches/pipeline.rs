//! `cargo xtask bench`: how long generating every spec takes, and what a ČSOB client spends on
//! an init request before it touches the network (validate, fill automatic fields, serialize,
//! sign with RSA-2048).

use std::hint::black_box;
use std::path::Path;
use std::sync::Arc;

use criterion::{Criterion, criterion_group, criterion_main};
use oneclick_codegen::workspace;
use oneclick_csob::{
    Amount, Client, ClientIp, Configure, Credentials, Currency, Customer, CustomerName, Email,
    Environment, OneclickInitRequest, Order, OrderNo, OrderType, PayId, RsaPrivateKey,
    RsaPublicKey, schema,
};
use oneclick_runtime::FixedClock;

/// The allocator `cargo xtask codegen` runs with (see the workspace manifest).
#[global_allocator]
static ALLOCATOR: mimalloc::MiMalloc = mimalloc::MiMalloc;

fn root() -> &'static Path {
    Path::new(concat!(env!("CARGO_MANIFEST_DIR"), "/.."))
}

fn generation(c: &mut Criterion) {
    let targets = workspace::targets(root());
    c.bench_function("generate all specs", |b| {
        b.iter(|| workspace::generate(root(), black_box(&targets)).expect("the specs are valid"))
    });
}

fn init_request(c: &mut Criterion) {
    let key =
        |name: &str| std::fs::read_to_string(root().join("vectors").join(name)).expect("test key");
    let credentials = Credentials::new(
        "M1MIPS0000",
        RsaPrivateKey::from_pem(&key("merchant-test.key")).expect("merchant key"),
        RsaPublicKey::from_pem(&key("gateway-test.pub")).expect("gateway key"),
    );
    let client = Client::new(
        Environment::Custom("http://127.0.0.1:9".into()),
        credentials,
    )
    .expect("client")
    .with_clock(Arc::new(FixedClock::from_unix(1_643_112_959)));
    let request = OneclickInitRequest::new(
        PayId::try_from("0e92dd54b133@HA").unwrap(),
        OrderNo::try_from("51966").unwrap(),
    )
    .client_ip(ClientIp::try_from("192.0.2.2").unwrap())
    .total_amount(Amount::try_from(12_300).unwrap())
    .currency(Currency::Czk)
    .customer(
        Customer::new()
            .name(CustomerName::try_from("Jan Novák").unwrap())
            .email(Email::try_from("jan.novak@example.com").unwrap()),
    )
    .order(Order::new().order_type(OrderType::Purchase));
    c.bench_function("csob oneclick_init: validate + serialize + sign", |b| {
        b.iter(|| {
            client
                .engine()
                .prepare(&schema::ONECLICK_INIT, black_box(&request))
                .expect("a valid request")
        })
    });
}

criterion_group!(benches, generation, init_request);
criterion_main!(benches);

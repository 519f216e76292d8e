//! `oneclick-simulator --port P`: the gateway simulator on 127.0.0.1 until interrupted.

use std::net::SocketAddr;

use oneclick_simulator::{Config, Simulator};

#[tokio::main(flavor = "current_thread")]
async fn main() -> std::process::ExitCode {
    let args: Vec<String> = std::env::args().skip(1).collect();
    let port = match args.as_slice() {
        [] => 0,
        [flag, port] if flag == "--port" => match port.parse::<u16>() {
            Ok(port) => port,
            Err(_) => return usage(),
        },
        _ => return usage(),
    };
    let config = Config {
        addr: SocketAddr::from(([127, 0, 0, 1], port)),
        ..Config::default()
    };
    match Simulator::start(config).await {
        Ok(simulator) => {
            let prefixes: Vec<String> = oneclick_simulator::simulated()
                .map(|name| format!("/{name}"))
                .collect();
            println!(
                "oneclick-simulator listening on {} (gateways under {})",
                simulator.url(""),
                prefixes.join(", ")
            );
            let unsimulated = oneclick_simulator::unsimulated();
            if !unsimulated.is_empty() {
                eprintln!(
                    "no simulation yet of generated gateway(s) {}: their paths answer 501",
                    unsimulated.join(", ")
                );
            }
            let _ = tokio::signal::ctrl_c().await;
            std::process::ExitCode::SUCCESS
        }
        Err(e) => {
            eprintln!("{e}");
            std::process::ExitCode::FAILURE
        }
    }
}

fn usage() -> std::process::ExitCode {
    eprintln!("usage: oneclick-simulator [--port P]");
    std::process::ExitCode::from(2)
}

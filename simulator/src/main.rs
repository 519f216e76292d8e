//! `oneclick-simulator [--bind ADDR] [--port P] [--assist-notification-url URL] [-v]`: the
//! gateway simulator until interrupted.

use std::net::{IpAddr, Ipv4Addr, SocketAddr};
use std::process::ExitCode;
use std::time::Duration;

use oneclick_simulator::{Config, Simulator};

const USAGE: &str = "\
usage: oneclick-simulator [--bind ADDR] [--port P] [--assist-notification-url URL] [-v]

A local stand-in for the OneClick payment gateways, each under its own path prefix.

options:
  --bind ADDR    address to listen on (default 127.0.0.1)
  --port P       port to listen on (default: any free port, printed at start)
  --assist-notification-url URL
                 where Assist payment-result notifications are POSTed (plain http)
  -v, --verbose  one line on stderr per request: method, path, status, duration
  -h, --help     print this help
  -V, --version  print the version";

/// How long Ctrl-C waits for the requests in flight before the process exits.
const SHUTDOWN_GRACE: Duration = Duration::from_secs(5);

/// What the command line asks for.
#[derive(Debug, PartialEq)]
enum Command {
    Serve {
        addr: SocketAddr,
        verbose: bool,
        assist_notification_url: Option<String>,
    },
    Help,
    Version,
}

fn parse(args: &[String]) -> Result<Command, String> {
    let mut ip = IpAddr::V4(Ipv4Addr::LOCALHOST);
    let mut port = 0;
    let mut verbose = false;
    let mut assist_notification_url = None;
    let mut args = args.iter();
    while let Some(arg) = args.next() {
        match arg.as_str() {
            "-h" | "--help" => return Ok(Command::Help),
            "-V" | "--version" => return Ok(Command::Version),
            "-v" | "--verbose" => verbose = true,
            "--port" => {
                let value = args.next().ok_or("--port needs a value")?;
                port = value
                    .parse()
                    .map_err(|_| format!("--port {value}: not a port number"))?;
            }
            "--bind" => {
                let value = args.next().ok_or("--bind needs a value")?;
                ip = value
                    .parse()
                    .map_err(|_| format!("--bind {value}: not an IP address"))?;
            }
            "--assist-notification-url" => {
                let value = args
                    .next()
                    .ok_or("--assist-notification-url needs a value")?;
                if !value.starts_with("http://") {
                    return Err(format!(
                        "--assist-notification-url {value}: the simulator POSTs to plain http:// URLs"
                    ));
                }
                assist_notification_url = Some(value.clone());
            }
            other => return Err(format!("unknown argument {other}")),
        }
    }
    Ok(Command::Serve {
        addr: SocketAddr::new(ip, port),
        verbose,
        assist_notification_url,
    })
}

#[tokio::main(flavor = "current_thread")]
async fn main() -> ExitCode {
    let args: Vec<String> = std::env::args().skip(1).collect();
    let (addr, verbose, assist_notification_url) = match parse(&args) {
        Ok(Command::Serve {
            addr,
            verbose,
            assist_notification_url,
        }) => (addr, verbose, assist_notification_url),
        Ok(Command::Help) => {
            println!("{USAGE}");
            return ExitCode::SUCCESS;
        }
        Ok(Command::Version) => {
            println!("oneclick-simulator {}", env!("CARGO_PKG_VERSION"));
            return ExitCode::SUCCESS;
        }
        Err(problem) => {
            eprintln!("{problem}\n\n{USAGE}");
            return ExitCode::from(2);
        }
    };
    let mut config = Config {
        addr,
        access_log: verbose,
        ..Config::default()
    };
    config.assist.notification_url = assist_notification_url;
    let simulator = match Simulator::start(config).await {
        Ok(simulator) => simulator,
        Err(e) => {
            eprintln!("{e}");
            return ExitCode::FAILURE;
        }
    };
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
    simulator.shutdown(SHUTDOWN_GRACE).await;
    ExitCode::SUCCESS
}

#[cfg(test)]
mod tests {
    use super::*;

    fn args(line: &str) -> Vec<String> {
        line.split_whitespace().map(str::to_owned).collect()
    }

    #[test]
    fn flags_choose_the_address_and_the_log() {
        assert_eq!(
            parse(&args("--bind 0.0.0.0 --port 8080 -v")),
            Ok(Command::Serve {
                addr: SocketAddr::from(([0, 0, 0, 0], 8080)),
                verbose: true,
                assist_notification_url: None,
            })
        );
        assert_eq!(
            parse(&[]),
            Ok(Command::Serve {
                addr: SocketAddr::from(([127, 0, 0, 1], 0)),
                verbose: false,
                assist_notification_url: None,
            })
        );
        assert_eq!(
            parse(&args(
                "--assist-notification-url http://127.0.0.1:9000/assist"
            )),
            Ok(Command::Serve {
                addr: SocketAddr::from(([127, 0, 0, 1], 0)),
                verbose: false,
                assist_notification_url: Some("http://127.0.0.1:9000/assist".to_owned()),
            })
        );
    }

    #[test]
    fn bad_flags_are_refused_saying_why() {
        assert_eq!(
            parse(&args("--port http")),
            Err("--port http: not a port number".to_owned())
        );
        assert_eq!(
            parse(&args("--bind")),
            Err("--bind needs a value".to_owned())
        );
        assert_eq!(
            parse(&args("--assist-notification-url https://shop.example/n")),
            Err("--assist-notification-url https://shop.example/n: the simulator POSTs to plain http:// URLs".to_owned())
        );
        assert_eq!(
            parse(&args("--quiet")),
            Err("unknown argument --quiet".to_owned())
        );
    }
}

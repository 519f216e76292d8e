//! The `oneclick-simulator` binary: its flags, its request log at `-v`, and Ctrl-C.

use std::io::{BufRead, BufReader, Read, Write};
use std::net::TcpStream;
use std::process::{Command, Stdio};

const BINARY: &str = env!("CARGO_BIN_EXE_oneclick-simulator");

fn run(args: &[&str]) -> (i32, String, String) {
    let output = Command::new(BINARY).args(args).output().unwrap();
    (
        output.status.code().unwrap(),
        String::from_utf8(output.stdout).unwrap(),
        String::from_utf8(output.stderr).unwrap(),
    )
}

#[test]
fn version_prints_the_package_version() {
    let (code, printed, _) = run(&["--version"]);
    assert_eq!(code, 0);
    assert_eq!(
        printed,
        format!("oneclick-simulator {}\n", env!("CARGO_PKG_VERSION"))
    );
}

#[test]
fn help_names_every_flag() {
    let (code, printed, _) = run(&["--help"]);
    assert_eq!(code, 0);
    for flag in [
        "--bind ADDR",
        "--port P",
        "--verbose",
        "--help",
        "--version",
    ] {
        assert!(printed.contains(flag), "{flag} missing from:\n{printed}");
    }
}

#[test]
fn a_bad_flag_is_refused_with_the_usage() {
    let (code, printed, complaint) = run(&["--port", "eighty"]);
    assert_eq!(code, 2);
    assert_eq!(printed, "");
    assert!(
        complaint.starts_with("--port eighty: not a port number"),
        "{complaint}"
    );
    assert!(
        complaint.contains("usage: oneclick-simulator"),
        "{complaint}"
    );
}

/// Started with `-v`, the binary answers, logs each request without its body, and exits
/// cleanly on SIGINT (what Ctrl-C sends).
#[cfg(unix)]
#[test]
fn verbose_logs_each_request_and_ctrl_c_stops_it() {
    let mut simulator = Command::new(BINARY)
        .args(["--bind", "127.0.0.1", "--port", "0", "-v"])
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .spawn()
        .unwrap();
    let mut banner = String::new();
    BufReader::new(simulator.stdout.take().unwrap())
        .read_line(&mut banner)
        .unwrap();
    let address = banner
        .split_whitespace()
        .find_map(|word| word.strip_prefix("http://"))
        .unwrap_or_else(|| panic!("no address in {banner:?}"));
    let body = r#"{"origPayId":"0e92dd54b133@HA"}"#;
    let mut stream = TcpStream::connect(address).unwrap();
    write!(
        stream,
        "POST /admin/csob/templates?trace=1 HTTP/1.1\r\nhost: {address}\r\n\
         content-length: {}\r\nconnection: close\r\n\r\n{body}",
        body.len()
    )
    .unwrap();
    let mut answer = String::new();
    stream.read_to_string(&mut answer).unwrap();
    assert!(answer.starts_with("HTTP/1.1 200 OK\r\n"), "{answer}");

    let interrupted = Command::new("kill")
        .args(["-INT", &simulator.id().to_string()])
        .status()
        .unwrap();
    assert!(interrupted.success());
    let exit = simulator.wait().unwrap();
    assert!(exit.success(), "{exit:?}");
    let mut logged = String::new();
    simulator
        .stderr
        .take()
        .unwrap()
        .read_to_string(&mut logged)
        .unwrap();
    let line = logged
        .lines()
        .find(|line| line.starts_with("POST "))
        .unwrap_or_else(|| panic!("no request line in {logged:?}"));
    assert!(
        line.starts_with("POST /admin/csob/templates 200 "),
        "{line}"
    );
    assert!(
        !logged.contains("0e92dd54b133"),
        "a body in the log: {logged}"
    );
    assert!(!logged.contains("trace=1"), "a query in the log: {logged}");
}

//! The README's first "try it": `oneclick-demo` runs every gateway's OneClick flow against the
//! in-process simulator.

#[test]
fn the_demo_runs_all_four_flows() {
    let output = std::process::Command::new(env!("CARGO_BIN_EXE_oneclick-demo"))
        .output()
        .unwrap();
    let printed = String::from_utf8_lossy(&output.stdout);
    assert!(
        output.status.success(),
        "{printed}\n{}",
        String::from_utf8_lossy(&output.stderr)
    );
    for step in [
        "oneclick/init",
        "callback          signature verified",
        "payment/status    confirmed",
        "token payment     Approved",
        "next payment",
        "all four OneClick flows completed",
    ] {
        assert!(printed.contains(step), "missing {step:?} in:\n{printed}");
    }
    for debug_form in ["Some(", "\"", "None"] {
        assert!(
            !printed.contains(debug_form),
            "a Rust debug form {debug_form:?} in:\n{printed}"
        );
    }
}

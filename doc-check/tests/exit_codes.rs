//! The exit codes CI relies on, from the binary `cargo xtask doc-check` runs, in a checkout and
//! outside one.

use std::path::{Path, PathBuf};
use std::process::{Command, Output};

const SEED: &str = "004_9b2662d2030e1ac6.txt";

fn checkout() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR"))
        .parent()
        .expect("the doc-check is inside the workspace")
        .to_path_buf()
}

fn doc_check(dir: &Path, args: &[&str]) -> Output {
    Command::new(env!("CARGO_BIN_EXE_oneclick-doc-check"))
        .current_dir(dir)
        .args(args)
        .output()
        .expect("the doc-check runs")
}

/// A directory of this test's own, outside the checkout.
fn scratch(name: &str) -> PathBuf {
    let dir =
        std::env::temp_dir().join(format!("oneclick-doc-check-{name}-{}", std::process::id()));
    std::fs::create_dir_all(&dir).expect("the scratch directory is made");
    dir
}

fn stdout(output: &Output) -> String {
    String::from_utf8_lossy(&output.stdout).into_owned()
}

#[test]
fn a_seed_document_agrees_and_exits_0() {
    let document = format!("tests/documents/{SEED}");
    let output = doc_check(&checkout(), &["csob", &document]);
    assert_eq!(output.status.code(), Some(0), "{}", stdout(&output));
    assert!(
        stdout(&output).contains(&format!("{document}: agrees with spec/csob.yaml")),
        "{}",
        stdout(&output)
    );
}

#[test]
fn an_edited_copy_exits_1_with_each_finding_on_its_line() {
    let seed = std::fs::read_to_string(checkout().join("tests/documents").join(SEED))
        .expect("the seed is there");
    let line = seed
        .lines()
        .position(|l| l.contains("min. allowed value 300"))
        .expect("the seed states the ttlSec minimum")
        + 1;
    // Saved under the seed's name, as README says, so the spec's exceptions still apply.
    let dir = scratch("edited");
    let copy = dir.join(SEED);
    std::fs::write(
        &copy,
        seed.replace("min. allowed value 300", "min. allowed value 120"),
    )
    .expect("the copy is written");
    let copy = copy.to_str().expect("a UTF-8 path");
    let output = doc_check(&checkout(), &["csob", copy]);
    assert_eq!(output.status.code(), Some(1));
    let findings: Vec<String> = stdout(&output)
        .lines()
        .filter(|l| !l.contains("example checked as") && !l.contains("accepted by the spec"))
        .map(str::to_owned)
        .collect();
    assert_eq!(
        findings,
        [format!(
            "{copy}:{line}: `ttlSec`: the text states minimum value 120, the spec states 300"
        )]
    );
    std::fs::remove_dir_all(dir).expect("the scratch directory is removed");
}

#[test]
fn a_missing_document_or_argument_exits_3() {
    let missing = doc_check(&checkout(), &["csob", "no-such-document.txt"]);
    assert_eq!(missing.status.code(), Some(3));
    let usage = doc_check(&checkout(), &["csob"]);
    assert_eq!(usage.status.code(), Some(3));
}

#[test]
fn outside_a_checkout_it_exits_4() {
    let dir = scratch("outside");
    let output = doc_check(&dir, &["csob", "document.txt"]);
    assert_eq!(output.status.code(), Some(4));
    std::fs::remove_dir_all(dir).expect("the scratch directory is removed");
}

#[test]
fn an_unknown_gateway_is_a_spec_that_cannot_be_read_and_exits_2() {
    let output = doc_check(
        &checkout(),
        &["no_such_gateway", &format!("tests/documents/{SEED}")],
    );
    assert_eq!(output.status.code(), Some(2));
}

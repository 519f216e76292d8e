//! `cargo xtask codegen` on scratch checkouts: it works on the checkout it runs in, refuses to
//! call a checkout without specs up to date, and does not mistake CRLF line endings for drift.

use std::fs;
use std::path::{Path, PathBuf};
use std::process::Output;

/// A scratch directory, removed when dropped.
struct Scratch(PathBuf);

impl Scratch {
    fn new(name: &str) -> Scratch {
        let dir =
            std::env::temp_dir().join(format!("oneclick-xtask-{name}-{}", std::process::id()));
        fs::remove_dir_all(&dir).ok();
        fs::create_dir_all(&dir).unwrap();
        Scratch(dir)
    }

    /// A workspace manifest and a `spec/` directory: what makes a directory a checkout.
    fn checkout(name: &str) -> Scratch {
        let scratch = Scratch::new(name);
        fs::write(scratch.0.join("Cargo.toml"), "[workspace]\nmembers = []\n").unwrap();
        fs::create_dir_all(scratch.0.join("spec")).unwrap();
        scratch
    }
}

impl Drop for Scratch {
    fn drop(&mut self) {
        fs::remove_dir_all(&self.0).ok();
    }
}

fn xtask(dir: &Path, args: &[&str]) -> Output {
    std::process::Command::new(env!("CARGO_BIN_EXE_xtask"))
        .current_dir(dir)
        .args(args)
        .output()
        .unwrap()
}

fn stderr(output: &Output) -> String {
    String::from_utf8_lossy(&output.stderr).into_owned()
}

fn the_rules_spec() -> String {
    fs::read_to_string(Path::new(env!("CARGO_MANIFEST_DIR")).join("../tests/specs/rules.yaml"))
        .unwrap()
}

fn generated_files(dir: &Path) -> Vec<PathBuf> {
    let mut found = Vec::new();
    for entry in fs::read_dir(dir).unwrap().flatten() {
        let path = entry.path();
        if path.is_dir() {
            found.extend(generated_files(&path));
        } else {
            found.push(path);
        }
    }
    found
}

#[test]
fn outside_a_checkout_the_check_fails_with_exit_code_4() {
    let scratch = Scratch::new("outside");
    let output = xtask(&scratch.0, &["codegen", "--check"]);
    assert_eq!(output.status.code(), Some(4), "{}", stderr(&output));
    assert!(
        stderr(&output).contains("no OneClick repository"),
        "{}",
        stderr(&output)
    );
}

#[test]
fn a_checkout_without_gateway_specs_fails_the_check_with_exit_code_4() {
    let scratch = Scratch::checkout("no-specs");
    let output = xtask(&scratch.0, &["codegen", "--check"]);
    assert_eq!(output.status.code(), Some(4), "{}", stderr(&output));
    assert!(
        stderr(&output).contains("no gateway spec found"),
        "{}",
        stderr(&output)
    );
    assert!(
        output.stdout.is_empty(),
        "{}",
        String::from_utf8_lossy(&output.stdout)
    );
}

#[test]
fn the_checkout_is_the_one_around_the_current_directory_and_crlf_is_no_drift() {
    let scratch = Scratch::checkout("crlf");
    fs::write(scratch.0.join("spec/rules.yaml"), the_rules_spec()).unwrap();
    let deep = scratch.0.join("spec/nested/deeper");
    fs::create_dir_all(&deep).unwrap();

    let generated = xtask(&deep, &["codegen"]);
    assert_eq!(generated.status.code(), Some(0), "{}", stderr(&generated));
    let model = scratch.0.join("generated/rules/src/model.rs");
    assert!(model.is_file(), "not generated at the checkout's root");
    assert!(!deep.join("generated").exists());

    for file in generated_files(&scratch.0.join("generated")) {
        let text = fs::read_to_string(&file).unwrap();
        assert!(
            !text.contains('\r'),
            "{} is not written with LF",
            file.display()
        );
        fs::write(&file, text.replace('\n', "\r\n")).unwrap();
    }
    let check = xtask(&scratch.0, &["codegen", "--check"]);
    assert_eq!(
        check.status.code(),
        Some(0),
        "{}",
        String::from_utf8_lossy(&check.stdout)
    );

    let edited = fs::read_to_string(&model)
        .unwrap()
        .replace("pub struct PayRequest", "pub struct Edited");
    fs::write(&model, edited).unwrap();
    let check = xtask(&scratch.0, &["codegen", "--check"]);
    let diff = String::from_utf8_lossy(&check.stdout);
    assert_eq!(check.status.code(), Some(1), "{diff}");
    assert!(
        diff.contains("-pub struct Edited") && diff.contains("+pub struct PayRequest"),
        "{diff}"
    );
    assert_eq!(
        diff.lines()
            .filter(|l| l.starts_with('-') && !l.starts_with("---"))
            .count(),
        1,
        "only the edited line differs once line endings are set aside:\n{diff}"
    );
}

//! Maintainer tasks.
//!
//! `cargo xtask codegen` regenerates every crate under `generated/` (and the focused test
//! crates under `tests/fixtures/`) from the specs and lists what changed.
//! `cargo xtask codegen --check` changes nothing and exits non-zero with a unified diff when the
//! checked-in code is stale.
//!
//! `cargo xtask bench` runs the criterion benchmarks of `bench/`.
//!
//! Exit codes: 0 up to date / regenerated, 1 stale (`--check`), 2 a spec has errors, 3 usage or
//! I/O error.

use std::path::{Path, PathBuf};
use std::process::ExitCode;
use std::time::Instant;

use oneclick_codegen::workspace::{self, Change};

const USAGE: &str = "usage: cargo xtask codegen [--check] | cargo xtask bench";

fn main() -> ExitCode {
    let args: Vec<String> = std::env::args().skip(1).collect();
    let args: Vec<&str> = args.iter().map(String::as_str).collect();
    match args.as_slice() {
        ["codegen"] => codegen(false),
        ["codegen", "--check"] => codegen(true),
        ["bench"] => bench(),
        _ => {
            eprintln!("{USAGE}");
            ExitCode::from(3)
        }
    }
}

fn repository_root() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR"))
        .parent()
        .map(Path::to_path_buf)
        .unwrap_or_else(|| PathBuf::from("."))
}

fn codegen(check: bool) -> ExitCode {
    let root = repository_root();
    let started = Instant::now();
    let targets = workspace::targets(&root);
    let outputs = match workspace::generate(&root, &targets) {
        Ok(outputs) => outputs,
        Err(diagnostics) => {
            eprintln!("{diagnostics}");
            return ExitCode::from(2);
        }
    };
    let elapsed = started.elapsed();
    let changes = workspace::compare(&root, &targets, &outputs);
    let summary = format!(
        "{} specs, {} files, generated in {:.1} ms",
        targets.len(),
        outputs.len(),
        elapsed.as_secs_f64() * 1000.0
    );
    if check {
        if changes.is_empty() {
            println!("generated code is up to date ({summary})");
            return ExitCode::SUCCESS;
        }
        for change in &changes {
            print!("{}", change.unified_diff());
        }
        eprintln!(
            "\n{} generated file(s) differ from the specs; run `cargo xtask codegen` and commit the result",
            changes.len()
        );
        return ExitCode::from(1);
    }
    if let Err(err) = workspace::apply(&root, &changes) {
        eprintln!("cannot write the generated files: {err}");
        return ExitCode::from(3);
    }
    for change in &changes {
        let verb = match change {
            Change::Added { .. } => "added",
            Change::Modified { .. } => "updated",
            Change::Removed { .. } => "removed",
        };
        println!("{verb:>8} {}", change.path().display());
    }
    if changes.is_empty() {
        println!("nothing changed ({summary})");
    } else {
        println!("{} file(s) changed ({summary})", changes.len());
    }
    ExitCode::SUCCESS
}

fn bench() -> ExitCode {
    let cargo = std::env::var("CARGO").unwrap_or_else(|_| "cargo".into());
    let status = std::process::Command::new(cargo)
        .current_dir(repository_root())
        .args(["bench", "-p", "oneclick-bench", "--features", "criterion"])
        .status();
    match status {
        Ok(status) if status.success() => ExitCode::SUCCESS,
        Ok(_) => ExitCode::FAILURE,
        Err(err) => {
            eprintln!("cannot run cargo bench: {err}");
            ExitCode::from(3)
        }
    }
}

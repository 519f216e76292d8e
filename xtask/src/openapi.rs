//! `cargo xtask openapi`: writes `openapi/<gateway>.json` for every gateway spec, and only
//! those; `cargo xtask codegen` writes them too, beside the crates. `--check` changes nothing
//! and fails when a document is stale.

use std::path::Path;
use std::process::ExitCode;

use oneclick_codegen::{openapi, workspace};

pub fn run(root: &Path, args: &[&str]) -> ExitCode {
    let check = match args {
        [] => false,
        ["--check"] => true,
        _ => {
            eprintln!("usage: cargo xtask openapi [--check]");
            return ExitCode::from(3);
        }
    };
    let targets: Vec<workspace::Target> = workspace::targets(root)
        .into_iter()
        .filter(workspace::Target::is_gateway)
        .collect();
    let outputs = match workspace::generate(root, &targets) {
        Ok(outputs) => outputs,
        Err(diagnostics) => {
            eprintln!("{diagnostics}");
            return ExitCode::from(2);
        }
    };
    let changes: Vec<workspace::Change> = workspace::compare(root, &targets, &outputs)
        .into_iter()
        .filter(|change| change.path().starts_with(openapi::DIR))
        .collect();
    if check {
        for change in &changes {
            print!("{}", change.unified_diff());
        }
        if changes.is_empty() {
            println!("OpenAPI documents are up to date");
            return ExitCode::SUCCESS;
        }
        eprintln!(
            "\n{} OpenAPI document(s) differ from the specs; run `cargo xtask openapi` and commit the result",
            changes.len()
        );
        return ExitCode::from(1);
    }
    if let Err(err) = workspace::apply(root, &changes) {
        eprintln!("cannot write the OpenAPI documents: {err}");
        return ExitCode::from(3);
    }
    for change in &changes {
        println!("{:>8} {}", "written", change.path().display());
    }
    if changes.is_empty() {
        println!("nothing changed");
    }
    ExitCode::SUCCESS
}

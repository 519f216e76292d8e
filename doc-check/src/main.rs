//! `cargo xtask doc-check <gateway> <document>` runs this binary: it checks a vendor document
//! against the spec `spec/<gateway>.yaml` of the checkout it runs in, as the spec is on disk
//! (see the library). It never builds the generated crates, which may not compile while the
//! spec is being edited.
//!
//! Exit codes: 0 the document agrees with the spec, 1 findings, 2 the spec has errors, 3 usage
//! or I/O error, 4 no repository.

use std::path::Path;
use std::process::ExitCode;

use oneclick_codegen::ir::{DocCheckException, Gateway};
use oneclick_codegen::workspace;

fn main() -> ExitCode {
    let args: Vec<String> = std::env::args().skip(1).collect();
    let [gateway, document] = args.as_slice() else {
        eprintln!("usage: cargo xtask doc-check <gateway> <document>");
        return ExitCode::from(3);
    };
    let root = match std::env::current_dir() {
        Ok(here) => match workspace::find_root(&here) {
            Some(root) => root,
            None => {
                eprintln!(
                    "no OneClick repository at or above {}: run this inside a checkout",
                    here.display()
                );
                return ExitCode::from(4);
            }
        },
        Err(err) => {
            eprintln!("cannot read the current directory: {err}");
            return ExitCode::from(3);
        }
    };
    let file = format!("{}/{gateway}.yaml", workspace::GATEWAY_SPECS);
    let spec = match oneclick_codegen::load(&root.join(&file), &file) {
        Ok(spec) => spec,
        Err(diagnostics) => {
            eprint!("{diagnostics}");
            return ExitCode::from(2);
        }
    };
    let text = match std::fs::read(document) {
        Ok(bytes) => String::from_utf8_lossy(&bytes).into_owned(),
        Err(err) => {
            eprintln!("cannot read {document}: {err}");
            return ExitCode::from(3);
        }
    };
    let exceptions = declared_exceptions(&spec, Path::new(document));
    let report = oneclick_doc_check::check(&spec, &text, exceptions);
    for (line, message) in &report.matched {
        println!("{document}:{line}: example checked as {message}");
    }
    for (finding, reason) in &report.excused {
        println!("{document}:{finding} (accepted by the spec: {reason})");
    }
    for finding in &report.findings {
        println!("{document}:{finding}");
    }
    let checked = format!(
        "{} JSON example(s) and {} field-table name(s) checked",
        report.matched.len(),
        report.table_names
    );
    let findings = &report.findings;
    if findings.is_empty() {
        println!("{document}: agrees with {file} ({checked})");
        ExitCode::SUCCESS
    } else {
        eprintln!(
            "{} finding(s) in {document} against {file} ({checked})",
            findings.len()
        );
        ExitCode::from(1)
    }
}

/// The exceptions the spec declares for the source whose `file` is the document's file name; a
/// document the spec does not list has none.
fn declared_exceptions<'s>(spec: &'s Gateway, document: &Path) -> &'s [DocCheckException] {
    let name = document.file_name().and_then(|n| n.to_str());
    spec.sources
        .iter()
        .find(|source| Some(source.file.as_str()) == name)
        .map_or(&[], |source| source.doc_check_exceptions.as_slice())
}

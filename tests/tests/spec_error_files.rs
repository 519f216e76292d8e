//! Spec errors as file pairs: `tests/specs/errors/<case>.yaml` is a spec with a problem and
//! `<case>.stderr` the diagnostics the generator prints for it, one `file:line:col: message` a
//! line. Adding a case is adding two files; `UPDATE_EXPECT=1` rewrites the `.stderr` files from
//! what the generator prints now (read the diff before committing it).

use std::path::{Path, PathBuf};

use oneclick_codegen::load_str;

fn cases() -> Vec<PathBuf> {
    let dir = Path::new(env!("CARGO_MANIFEST_DIR")).join("specs/errors");
    let mut specs: Vec<PathBuf> = std::fs::read_dir(&dir)
        .unwrap_or_else(|err| panic!("{}: {err}", dir.display()))
        .map(|entry| entry.unwrap().path())
        .filter(|path| path.extension().is_some_and(|x| x == "yaml"))
        .collect();
    specs.sort();
    specs
}

fn diagnostics(spec: &Path) -> String {
    let source = std::fs::read_to_string(spec).unwrap();
    let file = spec.file_name().unwrap().to_str().unwrap();
    match load_str(&source, file) {
        Ok(_) => String::new(),
        Err(diagnostics) => diagnostics.iter().map(|d| format!("{d}\n")).collect(),
    }
}

#[test]
fn every_error_spec_prints_its_expected_diagnostics() {
    let update = std::env::var_os("UPDATE_EXPECT").is_some_and(|v| v == "1");
    let specs = cases();
    assert!(!specs.is_empty(), "no cases under tests/specs/errors");
    let mut mismatches = Vec::new();
    for spec in &specs {
        let actual = diagnostics(spec);
        let name = spec.file_name().unwrap().to_string_lossy().into_owned();
        if actual.is_empty() {
            mismatches.push(format!("{name} is a valid spec: an error case must fail\n"));
            continue;
        }
        let expected_path = spec.with_extension("stderr");
        if update {
            std::fs::write(&expected_path, &actual).unwrap();
            continue;
        }
        let expected = std::fs::read_to_string(&expected_path)
            .unwrap_or_else(|_| panic!("{name} has no {}", expected_path.display()));
        if actual != expected {
            mismatches.push(format!(
                "{name}\n--- expected\n{expected}--- actual\n{actual}"
            ));
        }
    }
    assert!(mismatches.is_empty(), "{}", mismatches.join("\n"));
}

#[test]
fn every_expected_file_has_its_spec() {
    let dir = Path::new(env!("CARGO_MANIFEST_DIR")).join("specs/errors");
    for entry in std::fs::read_dir(&dir).unwrap() {
        let path = entry.unwrap().path();
        if path.extension().is_some_and(|x| x == "stderr") {
            assert!(
                path.with_extension("yaml").exists(),
                "{} has no spec beside it",
                path.display()
            );
        }
    }
}

//! Snapshots of the emitted code: every file generated from `spec/csob.yaml` and from each
//! focused spec in `tests/specs/`. The same files are checked in under `generated/` and
//! `tests/fixtures/` and compiled as workspace members, so every snapshot here also compiles.

use std::path::Path;

use oneclick_codegen::workspace;

fn snapshot_spec(spec: &str) {
    let root = Path::new(env!("CARGO_MANIFEST_DIR")).join("..");
    let gateway = oneclick_codegen::load(&root.join(spec), spec).unwrap_or_else(|d| panic!("{d}"));
    for file in oneclick_codegen::emit::emit(&gateway) {
        let name = format!("{}__{}", gateway.name, file.path.replace(['/', '.'], "_"));
        insta::assert_snapshot!(name, file.contents);
    }
}

#[test]
fn csob() {
    snapshot_spec("spec/csob.yaml");
}

#[test]
fn monetix() {
    snapshot_spec("spec/monetix.yaml");
}

#[test]
fn assist() {
    snapshot_spec("spec/assist.yaml");
}

#[test]
fn xpay() {
    snapshot_spec("spec/xpay.yaml");
}

#[test]
fn constraints_fixture() {
    snapshot_spec("tests/specs/constraints.yaml");
}

#[test]
fn rules_fixture() {
    snapshot_spec("tests/specs/rules.yaml");
}

#[test]
fn signing_fixture() {
    snapshot_spec("tests/specs/signing.yaml");
}

#[test]
fn flat_fixture() {
    snapshot_spec("tests/specs/flat.yaml");
}

#[test]
fn lists_fixture() {
    snapshot_spec("tests/specs/lists.yaml");
}

#[test]
fn enums_fixture() {
    snapshot_spec("tests/specs/enums.yaml");
}

#[test]
fn every_spec_has_a_snapshot_test() {
    let root = Path::new(env!("CARGO_MANIFEST_DIR")).join("..");
    let specs: Vec<String> = workspace::targets(&root)
        .iter()
        .map(|t| t.spec.to_string_lossy().replace('\\', "/"))
        .collect();
    assert_eq!(
        specs,
        [
            "spec/assist.yaml",
            "spec/csob.yaml",
            "spec/monetix.yaml",
            "spec/xpay.yaml",
            "tests/specs/constraints.yaml",
            "tests/specs/enums.yaml",
            "tests/specs/flat.yaml",
            "tests/specs/lists.yaml",
            "tests/specs/rules.yaml",
            "tests/specs/signing.yaml",
        ],
        "a new spec needs a snapshot test above"
    );
}

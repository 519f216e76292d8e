//! Snapshots of the emitted code: every file generated from each gateway spec in `spec/`, from
//! each focused spec in `tests/specs/`, and the registry crate that lists the gateways. The specs
//! are found the way `cargo xtask codegen` finds them, so a new spec is snapshotted without an
//! edit here. The same files are checked in under `generated/` and `tests/fixtures/` and
//! compiled as workspace members, so every snapshot here also compiles.

use std::path::{Path, PathBuf};

use oneclick_codegen::ir::Gateway;
use oneclick_codegen::workspace::{self, REGISTRY_DIR};

fn root() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("..")
}

fn snapshot_files(prefix: &str, files: Vec<oneclick_codegen::GeneratedFile>) {
    for file in files {
        let name = format!("{prefix}__{}", file.path.replace(['/', '.'], "_"));
        insta::assert_snapshot!(name, file.contents);
    }
}

fn load(target: &workspace::Target) -> Gateway {
    let spec = target.spec.to_string_lossy().replace('\\', "/");
    oneclick_codegen::load(&root().join(&spec), &spec).unwrap_or_else(|d| panic!("{d}"))
}

fn registry_prefix() -> &'static str {
    Path::new(REGISTRY_DIR)
        .file_name()
        .and_then(|name| name.to_str())
        .unwrap_or_default()
}

#[test]
fn every_spec_and_the_registry() {
    let targets = workspace::targets(&root());
    let mut gateways = Vec::new();
    for target in &targets {
        let gateway = load(target);
        snapshot_files(&gateway.name, oneclick_codegen::emit::emit(&gateway));
        if target.is_gateway() {
            gateways.push(gateway);
        }
    }
    let gateways: Vec<&Gateway> = gateways.iter().collect();
    snapshot_files(
        registry_prefix(),
        oneclick_codegen::emit::registry::registry(&gateways),
    );
}

/// The glob above passes trivially when it finds nothing, and a snapshot whose spec is gone
/// would never be compared again: both are caught here.
#[test]
fn the_specs_are_found_and_every_snapshot_has_its_spec() {
    let targets = workspace::targets(&root());
    assert!(
        targets.iter().any(workspace::Target::is_gateway),
        "no gateway spec found under spec/"
    );
    assert!(
        targets.iter().any(|t| !t.is_gateway()),
        "no focused spec found under tests/specs/"
    );
    let mut prefixes: Vec<String> = targets
        .iter()
        .filter_map(|t| t.out_dir.file_name())
        .map(|name| name.to_string_lossy().into_owned())
        .collect();
    prefixes.push(registry_prefix().to_owned());
    let snapshots = std::fs::read_dir(root().join("tests/tests/snapshots")).unwrap();
    for snapshot in snapshots {
        let name = snapshot.unwrap().file_name().to_string_lossy().into_owned();
        let owner = name
            .strip_prefix("snapshots__")
            .and_then(|rest| rest.split("__").next())
            .unwrap_or_default();
        assert!(
            prefixes.iter().any(|p| p == owner),
            "{name} belongs to no spec; delete it"
        );
    }
}

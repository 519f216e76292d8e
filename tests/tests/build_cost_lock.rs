//! `cargo xtask build-cost` builds `bench/build-cost/csob` with `--locked`, against the
//! generated ČSOB crate. Its lock file names that crate's version, so a release that bumps
//! the crate must update the lock file too, or the measurement refuses to build.

use std::path::Path;

fn version_in_manifest(manifest: &str) -> &str {
    manifest
        .lines()
        .find_map(|line| line.strip_prefix("version = \""))
        .and_then(|rest| rest.strip_suffix('"'))
        .expect("the generated manifest declares a version")
}

fn locked_version<'a>(lock: &'a str, package: &str) -> &'a str {
    let entry = format!("name = \"{package}\"\nversion = \"");
    let start = lock.find(&entry).expect("the lock file lists the package") + entry.len();
    let rest = &lock[start..];
    &rest[..rest.find('"').expect("a closing quote")]
}

#[test]
fn the_build_cost_lock_file_follows_the_generated_csob_version() {
    let root = Path::new(env!("CARGO_MANIFEST_DIR")).join("..");
    let manifest = std::fs::read_to_string(root.join("generated/csob/Cargo.toml")).unwrap();
    let lock = std::fs::read_to_string(root.join("bench/build-cost/csob/Cargo.lock")).unwrap();
    assert_eq!(
        locked_version(&lock, "oneclick-csob"),
        version_in_manifest(&manifest),
        "run `cargo update --workspace --offline` in bench/build-cost/csob"
    );
}

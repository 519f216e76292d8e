//! `Cargo.toml` of a generated crate.

use crate::ir::Gateway;

pub(super) fn manifest(gateway: &Gateway) -> String {
    format!(
        r#"{header}[package]
name = "{name}"
version = "{version}"
description = "{description}"
edition.workspace = true
rust-version.workspace = true
license.workspace = true
repository.workspace = true
categories.workspace = true
keywords = ["payments", "card-on-file", "oneclick", "{gateway}"]
readme = "README.md"
{publish}
[dependencies]
{runtime}
serde.workspace = true
serde_json.workspace = true
"#,
        header = super::header(gateway, "#"),
        name = gateway.crate_name,
        runtime = runtime_dependency(gateway),
        version = gateway.version,
        // Focused test specs make fixture crates that exist only for this repository's tests.
        publish = if gateway.spec_path.starts_with("tests/") {
            "publish = false\n"
        } else {
            ""
        },
        gateway = gateway.name.replace('_', "-"),
        description = description(gateway).replace('"', "'"),
    )
}

/// The one-line description of the crate, on the registry and atop its README.
pub(super) fn description(gateway: &Gateway) -> String {
    format!(
        "Typed, validated, signed client for the {} OneClick API.",
        gateway.title
    )
}

/// The runtime, with the algorithm features this spec's recipes need and no others, so a crate
/// whose gateway needs neither MD5 nor RSA SHA-1 signing builds neither crate.
fn runtime_dependency(gateway: &Gateway) -> String {
    let features: Vec<&str> = [
        (gateway.needs_md5(), "\"md5\""),
        (gateway.needs_rsa_sha1(), "\"rsa-sha1\""),
    ]
    .into_iter()
    .filter_map(|(needed, feature)| needed.then_some(feature))
    .collect();
    if features.is_empty() {
        "oneclick-runtime.workspace = true".to_owned()
    } else {
        format!(
            "oneclick-runtime = {{ workspace = true, features = [{}] }}",
            features.join(", ")
        )
    }
}

//! `Cargo.toml` of a generated crate.

use crate::ir::Gateway;

pub(super) fn manifest(gateway: &Gateway) -> String {
    format!(
        r#"{header}[package]
name = "{name}"
version = "0.1.0"
description = "Typed, validated, signed client for the {title} OneClick API."
edition.workspace = true
rust-version.workspace = true
license.workspace = true
publish.workspace = true

[dependencies]
{runtime}
serde.workspace = true
serde_json.workspace = true
"#,
        header = super::header(gateway, "#"),
        name = gateway.crate_name,
        title = gateway.title.replace('"', "'"),
        runtime = runtime_dependency(gateway),
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

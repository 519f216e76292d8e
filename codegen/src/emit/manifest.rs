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
oneclick-runtime.workspace = true
serde.workspace = true
serde_json.workspace = true
"#,
        header = super::header(gateway, "#"),
        name = gateway.crate_name,
        title = gateway.title.replace('"', "'"),
    )
}

//! The OneClick client generator.
//!
//! ```text
//! spec/*.yaml ──load──▶ spec model (with source spans)
//!             ──check─▶ diagnostics (file:line:col, every problem at once)
//!             ──lower─▶ IR (resolved types, constraints, rules, signature orders)
//!             ──emit──▶ token streams (quote) ──prettyplease──▶ generated/<gateway>/
//! ```
//!
//! # Why `saphyr-parser` and not `serde_yaml`
//! `serde_yaml` is no longer maintained upstream, and serde-driven loading stops at the first
//! error and loses positions once a value is deserialized. The checker must report *every*
//! problem with its `file:line:column` and reject duplicate keys (which map-based YAML loaders
//! silently merge), so the loader reads `saphyr-parser`'s event stream, a maintained YAML 1.2
//! parser, into a small tree that keeps the span of every node ([`yaml`]), and builds the spec
//! model from it by hand ([`spec`]).

pub mod case;
pub mod check;
pub mod diagnostics;
pub mod diff;
pub mod emit;
pub mod ir;
pub mod lower;
pub mod openapi;
pub mod release;
pub mod spec;
pub mod version;
pub mod workspace;
pub mod yaml;

pub use diagnostics::{Diagnostic, Diagnostics};
pub use emit::GeneratedFile;

use diagnostics::Sink;

/// Reads, checks and lowers one spec. `file` is the name used in diagnostics and in the
/// generated files' header (e.g. `spec/csob.yaml`).
pub fn load_str(source: &str, file: &str) -> Result<ir::Gateway, Diagnostics> {
    let mut sink = Sink::new(file);
    let root = match yaml::parse(source) {
        Ok(root) => root,
        Err(err) => {
            sink.error(err.pos, format!("invalid YAML: {}", err.message));
            return Err(sink.finish());
        }
    };
    let Some(spec) = spec::read(&root, &mut sink) else {
        return Err(sink.finish());
    };
    check::check(&spec, &mut sink);
    let gateway = lower::lower(&spec, file, &mut sink);
    if sink.has_errors() {
        return Err(sink.finish());
    }
    Ok(gateway)
}

/// Reads a spec from history as the base of a comparison (`cargo xtask diff`, the release
/// check). Language 2 only renamed the marker of the language-1 specs that already used its
/// keys, so a `spec: 1` file is read as language 2: one that still uses keys language 2
/// dropped fails on those keys, with their positions.
pub fn load_base_str(source: &str, file: &str) -> Result<ir::Gateway, Diagnostics> {
    let marker_renamed = source
        .split_inclusive('\n')
        .map(|line| match line.strip_prefix("spec: 1") {
            Some(rest) if rest.trim().is_empty() || rest.trim_start().starts_with('#') => {
                format!("spec: 2{rest}")
            }
            _ => line.to_owned(),
        })
        .collect::<String>();
    load_str(&marker_renamed, file)
}

/// Reads the spec at `path`; diagnostics name it as `file`.
pub fn load(path: &std::path::Path, file: &str) -> Result<ir::Gateway, Diagnostics> {
    match std::fs::read_to_string(path) {
        Ok(source) => load_str(&source, file),
        Err(err) => Err(Diagnostics(vec![Diagnostic {
            file: file.to_string(),
            pos: yaml::Pos { line: 1, col: 1 },
            message: format!("cannot read the spec: {err}"),
        }])),
    }
}

//! Maintainer tasks.
//!
//! `cargo xtask codegen` regenerates every crate under `generated/` (and the focused test
//! crates under `tests/fixtures/`) from the specs and lists what changed.
//! `cargo xtask codegen --check` changes nothing and exits non-zero with a unified diff when the
//! checked-in code is stale.
//!
//! Beside the generated code, `codegen --check` checks that each gateway spec's `version`
//! accounts for what changed on the wire since its last release, and that each crate's
//! `CHANGELOG.md` has a section for it; `codegen` writes that section.
//!
//! `cargo xtask diff [BASE]` lists the wire changes between BASE and the working tree with a
//! semver verdict (see `diff.rs`).
//!
//! `cargo xtask doc-check <gateway> <document>` lists what a vendor document says that the spec
//! lacks or contradicts. It runs the `oneclick-doc-check` package through cargo, with that
//! tool's exit codes: the check validates with the runtime, and building the runtime (reqwest,
//! rustls, ring, tokio) into this binary would slow down every `cargo xtask codegen`.
//!
//! `cargo xtask package [cargo package options]` packages the schema, the runtime and every
//! generated client as crates.io would receive them, verified by building each from its package.
//!
//! `cargo xtask openapi [--check]` writes (or checks) only the OpenAPI 3.1 documents
//! `openapi/<gateway>.json`, which `codegen` also writes (see `openapi.rs`).
//!
//! `cargo xtask bench` runs the criterion benchmarks of `bench/`.
//!
//! `cargo xtask build-cost [--runs N]` builds the two small programs of `bench/build-cost/` from
//! clean in debug mode, one using only the ČSOB client and one using only reqwest, rustls, tokio
//! and serde_json, and prints both times (the median of N runs) and their ratio; it exits 1 when
//! the ČSOB program takes more than 15% longer.
//!
//! All work on the checkout they run in: the repository root is the nearest directory at or
//! above the current one with `spec/` beside a workspace `Cargo.toml`, never the checkout the
//! binary was built from (worktrees may share one target directory).
//!
//! Exit codes: 0 up to date / regenerated, 1 stale (`--check`), 2 a spec has errors, 3 usage or
//! I/O error, 4 no repository or no gateway spec found (nothing was checked, so nothing can be
//! reported up to date).

mod diff;
mod openapi;
mod release;

use std::path::{Path, PathBuf};
use std::process::ExitCode;
use std::time::{Duration, Instant};

use oneclick_codegen::workspace::{self, Change};

/// Generation allocates millions of small nodes on every core; see the workspace manifest.
#[global_allocator]
static ALLOCATOR: mimalloc::MiMalloc = mimalloc::MiMalloc;

const USAGE: &str = "usage: cargo xtask codegen [--check] | cargo xtask diff [BASE] | cargo xtask doc-check <gateway> <document> | cargo xtask openapi [--check] | cargo xtask package | cargo xtask bench | cargo xtask build-cost [--runs N]";

fn main() -> ExitCode {
    let args: Vec<String> = std::env::args().skip(1).collect();
    let args: Vec<&str> = args.iter().map(String::as_str).collect();
    match args.as_slice() {
        ["codegen"] => codegen(false),
        ["codegen", "--check"] => codegen(true),
        ["bench"] => bench(),
        ["build-cost"] => build_cost(1),
        ["build-cost", "--runs", runs] => match runs.parse() {
            Ok(runs) if runs > 0 => build_cost(runs),
            _ => {
                eprintln!("--runs takes a positive number\n{USAGE}");
                ExitCode::from(3)
            }
        },
        ["package", rest @ ..] => package(rest),
        ["doc-check", rest @ ..] => match repository_root() {
            Ok(root) => doc_check(&root, rest),
            Err(code) => code,
        },
        ["openapi", rest @ ..] => match repository_root() {
            Ok(root) => openapi::run(&root, rest),
            Err(code) => code,
        },
        ["diff", rest @ ..] => match repository_root() {
            Ok(root) => diff::run(&root, rest),
            Err(code) => code,
        },
        _ => {
            eprintln!("{USAGE}");
            ExitCode::from(3)
        }
    }
}

/// Why a command found nothing to work on.
const NOTHING_TO_CHECK: u8 = 4;

fn repository_root() -> Result<PathBuf, ExitCode> {
    let here = std::env::current_dir().map_err(|err| {
        eprintln!("cannot read the current directory: {err}");
        ExitCode::from(3)
    })?;
    workspace::find_root(&here).ok_or_else(|| {
        eprintln!(
            "no OneClick repository at or above {}: run this inside a checkout (a directory with `{}/` beside a workspace Cargo.toml)",
            here.display(),
            workspace::GATEWAY_SPECS
        );
        ExitCode::from(NOTHING_TO_CHECK)
    })
}

fn codegen(check: bool) -> ExitCode {
    let root = match repository_root() {
        Ok(root) => root,
        Err(code) => return code,
    };
    let targets = workspace::targets(&root);
    if !targets.iter().any(workspace::Target::is_gateway) {
        eprintln!(
            "no gateway spec found: {} has no `*.yaml`; nothing was generated or checked",
            root.join(workspace::GATEWAY_SPECS).display()
        );
        return ExitCode::from(NOTHING_TO_CHECK);
    }
    let started = Instant::now();
    let generated = match workspace::generate_keeping_gateways(&root, &targets) {
        Ok(generated) => generated,
        Err(diagnostics) => {
            eprintln!("{diagnostics}");
            return ExitCode::from(2);
        }
    };
    let elapsed = started.elapsed();
    let outputs = &generated.outputs;
    let changes = workspace::compare(&root, &targets, outputs);
    let summary = format!(
        "{} specs, {} files, generated in {:.1} ms",
        targets.len(),
        outputs.len(),
        elapsed.as_secs_f64() * 1000.0
    );
    if check {
        let version_problems = release::check(&root, &targets, &generated.gateways);
        for problem in &version_problems {
            eprintln!("{problem}");
        }
        if changes.is_empty() && version_problems.is_empty() {
            println!("generated code is up to date ({summary})");
            return ExitCode::SUCCESS;
        }
        for change in &changes {
            print!("{}", change.unified_diff());
        }
        if !changes.is_empty() {
            eprintln!(
                "\n{} generated file(s) differ from the specs; run `cargo xtask codegen` and commit the result",
                changes.len()
            );
        }
        return ExitCode::from(1);
    }
    if let Err(err) = workspace::apply(&root, &changes) {
        eprintln!("cannot write the generated files: {err}");
        return ExitCode::from(3);
    }
    match release::update_changelogs(&root, &targets) {
        Ok(written) => {
            for path in written {
                println!("{:>8} {path}", "updated");
            }
        }
        Err(err) => {
            eprintln!("cannot write a changelog: {err}");
            return ExitCode::from(3);
        }
    }
    for problem in release::check(&root, &targets, &generated.gateways) {
        eprintln!("warning: {problem}");
    }
    for change in &changes {
        let verb = match change {
            Change::Added { .. } => "added",
            Change::Modified { .. } => "updated",
            Change::Removed { .. } => "removed",
        };
        println!("{verb:>8} {}", change.path().display());
    }
    if changes.is_empty() {
        println!("nothing changed ({summary})");
    } else {
        println!("{} file(s) changed ({summary})", changes.len());
    }
    ExitCode::SUCCESS
}

/// Runs the doc-check tool of the checkout at `root` in the current directory, where the
/// document's path is relative to, and exits as it does.
fn doc_check(root: &Path, args: &[&str]) -> ExitCode {
    let cargo = std::env::var("CARGO").unwrap_or_else(|_| "cargo".into());
    let status = std::process::Command::new(cargo)
        .arg("run")
        .arg("--quiet")
        .arg("--manifest-path")
        .arg(root.join("Cargo.toml"))
        .args(["--package", "oneclick-doc-check", "--"])
        .args(args)
        .status();
    match status {
        Ok(status) => match status.code().and_then(|code| u8::try_from(code).ok()) {
            Some(code) => ExitCode::from(code),
            None => {
                eprintln!("the doc-check ended without an exit code ({status})");
                ExitCode::from(3)
            }
        },
        Err(err) => {
            eprintln!("cannot run cargo for the doc-check: {err}");
            ExitCode::from(3)
        }
    }
}

fn bench() -> ExitCode {
    let root = match repository_root() {
        Ok(root) => root,
        Err(code) => return code,
    };
    let cargo = std::env::var("CARGO").unwrap_or_else(|_| "cargo".into());
    let status = std::process::Command::new(cargo)
        .current_dir(root)
        .args(["bench", "-p", "oneclick-bench", "--features", "criterion"])
        .status();
    match status {
        Ok(status) if status.success() => ExitCode::SUCCESS,
        Ok(_) => ExitCode::FAILURE,
        Err(err) => {
            eprintln!("cannot run cargo bench: {err}");
            ExitCode::from(3)
        }
    }
}

/// `cargo xtask package`: packages the crates a merchant depends on (the schema, the runtime
/// and every generated client) as crates.io would receive them, each built on its own from the
/// packaged sources. Nothing is published.
fn package(extra: &[&str]) -> ExitCode {
    let root = match repository_root() {
        Ok(root) => root,
        Err(code) => return code,
    };
    let mut args = vec!["package"];
    let mut crates = vec!["oneclick-schema".to_owned(), "oneclick-runtime".to_owned()];
    for target in workspace::targets(&root).iter().filter(|t| t.is_gateway()) {
        match oneclick_codegen::load(&root.join(&target.spec), &target.spec.to_string_lossy()) {
            Ok(gateway) => crates.push(gateway.crate_name),
            Err(diagnostics) => {
                eprintln!("{diagnostics}");
                return ExitCode::from(2);
            }
        }
    }
    crates.push(oneclick_codegen::emit::registry::PACKAGE.to_owned());
    for name in &crates {
        args.extend(["-p", name]);
    }
    forget_unpacked_packages(&crates);
    let verify_target = target_dir(&root).join("package-verify");
    forget_built_packages(&verify_target, &crates);
    let verify_target = verify_target.to_string_lossy().into_owned();
    args.extend(["--target-dir", &verify_target]);
    args.extend(extra);
    let cargo = std::env::var("CARGO").unwrap_or_else(|_| "cargo".into());
    match std::process::Command::new(cargo)
        .current_dir(root)
        .args(&args)
        .status()
    {
        Ok(status) if status.success() => ExitCode::SUCCESS,
        Ok(_) => ExitCode::FAILURE,
        Err(err) => {
            eprintln!("cannot run cargo package: {err}");
            ExitCode::from(3)
        }
    }
}

/// Verifying a package builds it against its sibling packages through a local registry, and
/// cargo unpacks that registry's crates under `$CARGO_HOME/registry/src/-<hash>/` once per
/// name and version, never again. Between two releases the version stays while the sources
/// change, so a `CARGO_HOME` kept from an earlier run would verify the runtime against an old
/// schema. Only the project's own crates in local registries (named `-<hash>`, unlike
/// `index.crates.io-…`) are removed.
fn forget_unpacked_packages(crates: &[String]) {
    let home = std::env::var_os("CARGO_HOME")
        .map(PathBuf::from)
        .or_else(|| std::env::var_os("HOME").map(|home| PathBuf::from(home).join(".cargo")));
    let Some(sources) = home.map(|home| home.join("registry/src")) else {
        return;
    };
    let Ok(registries) = std::fs::read_dir(&sources) else {
        return;
    };
    let ours = |name: &str| {
        crates.iter().any(|krate| {
            name.strip_prefix(krate.as_str())
                .and_then(|rest| rest.strip_prefix('-'))
                .is_some_and(|version| version.starts_with(|c: char| c.is_ascii_digit()))
        })
    };
    for registry in registries.flatten() {
        if !registry.file_name().to_string_lossy().starts_with('-') {
            continue;
        }
        let Ok(unpacked) = std::fs::read_dir(registry.path()) else {
            continue;
        };
        for package in unpacked.flatten() {
            if ours(&package.file_name().to_string_lossy()) {
                if let Err(err) = std::fs::remove_dir_all(package.path()) {
                    eprintln!("cannot remove {}: {err}", package.path().display());
                }
            }
        }
    }
}

/// Where cargo builds for this checkout: `$CARGO_TARGET_DIR`, or `target/` under the root.
fn target_dir(root: &Path) -> PathBuf {
    std::env::var_os("CARGO_TARGET_DIR").map_or_else(|| root.join("target"), PathBuf::from)
}

/// Cargo takes a registry crate of a given version to be the same for ever, so a verification
/// build would reuse what it compiled from an earlier package of the same version. Package
/// verification builds in its own target dir, where the project's own packages lose their
/// fingerprints (and so are rebuilt) while the third-party ones are kept.
fn forget_built_packages(target: &Path, crates: &[String]) {
    let Ok(fingerprints) = std::fs::read_dir(target.join("debug/.fingerprint")) else {
        return;
    };
    for entry in fingerprints.flatten() {
        let name = entry.file_name().to_string_lossy().into_owned();
        // `<package>-<hash>`: the hash is hex, so the package is what comes before the last `-`.
        let Some((package, _)) = name.rsplit_once('-') else {
            continue;
        };
        if crates.iter().any(|krate| krate == package) {
            if let Err(err) = std::fs::remove_dir_all(entry.path()) {
                eprintln!("cannot remove {}: {err}", entry.path().display());
            }
        }
    }
}

/// How much longer than the reference a clean build of the ČSOB program may take.
const BUILD_COST_BOUND: f64 = 1.15;

/// The programs of `bench/build-cost/`: the reference first.
const BUILD_COST_PROGRAMS: [&str; 2] = ["baseline", "csob"];

fn build_cost(runs: usize) -> ExitCode {
    let root = match repository_root() {
        Ok(root) => root,
        Err(code) => return code,
    };
    let targets = target_dir(&root).join("build-cost");
    let mut times: [Vec<Duration>; 2] = [Vec::new(), Vec::new()];
    // Alternating the two spreads a change in the machine's load over both.
    for run in 1..=runs {
        for (program, times) in BUILD_COST_PROGRAMS.iter().zip(&mut times) {
            eprintln!("build-cost: run {run}/{runs}, {program}");
            let manifest = root
                .join("bench/build-cost")
                .join(program)
                .join("Cargo.toml");
            match clean_build(&manifest, &targets.join(program)) {
                Ok(took) => times.push(took),
                Err(message) => {
                    eprintln!("build-cost: {program}: {message}");
                    return ExitCode::from(3);
                }
            }
        }
    }
    let [baseline, csob] = times.map(median);
    let ratio = csob.as_secs_f64() / baseline.as_secs_f64();
    println!(
        "clean debug build, median of {runs} run(s): reqwest + rustls + tokio + serde_json {:.1} s, ČSOB client {:.1} s, ratio {ratio:.3} (bound {BUILD_COST_BOUND})",
        baseline.as_secs_f64(),
        csob.as_secs_f64()
    );
    if ratio > BUILD_COST_BOUND {
        eprintln!("the ČSOB client costs more than 15% over the reference build");
        return ExitCode::FAILURE;
    }
    ExitCode::SUCCESS
}

/// The wall time of `cargo build` for `manifest` in an emptied `target_dir`.
fn clean_build(manifest: &Path, target_dir: &Path) -> Result<Duration, String> {
    match std::fs::remove_dir_all(target_dir) {
        Err(err) if err.kind() != std::io::ErrorKind::NotFound => {
            return Err(format!("cannot empty {}: {err}", target_dir.display()));
        }
        _ => {}
    }
    let cargo = std::env::var("CARGO").unwrap_or_else(|_| "cargo".into());
    let started = Instant::now();
    let status = std::process::Command::new(cargo)
        .arg("build")
        .arg("--locked")
        .arg("--manifest-path")
        .arg(manifest)
        .arg("--target-dir")
        .arg(target_dir)
        .status()
        .map_err(|err| format!("cannot run cargo build: {err}"))?;
    let took = started.elapsed();
    if !status.success() {
        return Err(format!("cargo build failed ({status})"));
    }
    Ok(took)
}

fn median(mut times: Vec<Duration>) -> Duration {
    times.sort();
    times[times.len() / 2]
}

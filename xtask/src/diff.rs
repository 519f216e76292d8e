//! `cargo xtask diff [BASE] [NEW] [--format text|json] [--fail-on breaking|compatible|documentation]`
//!
//! BASE is a git revision (default `HEAD`) whose `spec/*.yaml` are compared with the working
//! tree's, or a spec file; NEW, a spec file, takes the place of the working tree's spec of
//! the same gateway. Exit codes: 0 the report, 1 a change at or above `--fail-on`, 2 a spec
//! has errors, 3 usage or I/O error.

use std::path::{Path, PathBuf};
use std::process::ExitCode;

use oneclick_codegen::diff::{self, Class, GatewayDiff};
use oneclick_codegen::ir::Gateway;
use oneclick_codegen::release::git;
use oneclick_codegen::workspace;

pub const USAGE: &str = "cargo xtask diff [BASE] [NEW] [--format text|json] [--fail-on breaking|compatible|documentation]";

struct Options {
    base: Option<String>,
    new: Option<PathBuf>,
    json: bool,
    fail_on: Option<Class>,
}

fn options(args: &[&str]) -> Result<Options, String> {
    let mut options = Options {
        base: None,
        new: None,
        json: false,
        fail_on: None,
    };
    let mut args = args.iter();
    while let Some(&arg) = args.next() {
        match arg {
            "--format" => match args.next() {
                Some(&"json") => options.json = true,
                Some(&"text") => options.json = false,
                other => return Err(format!("--format takes text or json, not {other:?}")),
            },
            "--fail-on" => {
                options.fail_on = Some(match args.next() {
                    Some(&"breaking") => Class::Breaking,
                    Some(&"compatible") => Class::Compatible,
                    Some(&"documentation") => Class::Documentation,
                    other => {
                        return Err(format!(
                            "--fail-on takes breaking, compatible or documentation, not {other:?}"
                        ));
                    }
                })
            }
            flag if flag.starts_with("--") => return Err(format!("unknown option {flag}")),
            positional if options.base.is_none() => options.base = Some(positional.to_owned()),
            positional if options.new.is_none() => options.new = Some(positional.into()),
            extra => return Err(format!("unexpected argument {extra}")),
        }
    }
    Ok(options)
}

pub fn run(root: &Path, args: &[&str]) -> ExitCode {
    let options = match options(args) {
        Ok(options) => options,
        Err(message) => {
            eprintln!("{message}\nusage: {USAGE}");
            return ExitCode::from(3);
        }
    };
    let diffs = match diffs(root, &options) {
        Ok(diffs) => diffs,
        Err((code, message)) => {
            eprintln!("{message}");
            return ExitCode::from(code);
        }
    };
    if options.json {
        println!("{:#}", diff::render_json(&diffs));
    } else {
        print!("{}", diff::render_text(&diffs));
    }
    let worst = diffs.iter().filter_map(GatewayDiff::worst).max();
    match (options.fail_on, worst) {
        (Some(threshold), Some(worst)) if worst >= threshold => ExitCode::from(1),
        _ => ExitCode::SUCCESS,
    }
}

type Failure = (u8, String);

fn diffs(root: &Path, options: &Options) -> Result<Vec<GatewayDiff>, Failure> {
    let base = options.base.as_deref().unwrap_or("HEAD");
    let base_file = Path::new(base);
    if base.ends_with(".yaml") && base_file.is_file() {
        let old = load_file(base_file)?;
        let new = match &options.new {
            Some(new) => load_file(new)?,
            None => {
                let spec = Path::new(workspace::GATEWAY_SPECS).join(format!("{}.yaml", old.name));
                load_file(&root.join(&spec))?
            }
        };
        return Ok(vec![diff::diff(Some(&old), Some(&new))]);
    }
    if let Some(new) = &options.new {
        let new = load_file(new)?;
        let spec = format!("{}/{}.yaml", workspace::GATEWAY_SPECS, new.name);
        let old = load_revision(root, base, &spec)?;
        return Ok(vec![diff::diff(old.as_ref(), Some(&new))]);
    }
    git(
        root,
        &["rev-parse", "--verify", &format!("{base}^{{commit}}")],
    )
    .map_err(|why| {
        (
            3,
            format!("BASE `{base}` is neither a spec file nor a git revision: {why}"),
        )
    })?;
    let mut names: Vec<String> = workspace::targets(root)
        .iter()
        .filter(|t| t.is_gateway())
        .map(|t| t.spec.to_string_lossy().replace('\\', "/"))
        .collect();
    let listing = git(
        root,
        &[
            "ls-tree",
            "--name-only",
            base,
            &format!("{}/", workspace::GATEWAY_SPECS),
        ],
    )
    .map_err(|why| (3, why))?;
    names.extend(
        listing
            .lines()
            .filter(|l| l.ends_with(".yaml"))
            .map(str::to_owned),
    );
    names.sort();
    names.dedup();
    let mut diffs = Vec::new();
    for spec in names {
        let old = load_revision(root, base, &spec)?;
        let path = root.join(&spec);
        let new = if path.is_file() {
            Some(load_file(&path)?)
        } else {
            None
        };
        if old.is_some() || new.is_some() {
            diffs.push(diff::diff(old.as_ref(), new.as_ref()));
        }
    }
    Ok(diffs)
}

fn load_file(path: &Path) -> Result<Gateway, Failure> {
    oneclick_codegen::load(path, &path.to_string_lossy()).map_err(|d| (2, d.to_string()))
}

/// The spec at `revision`, `None` when it did not exist there.
fn load_revision(root: &Path, revision: &str, spec: &str) -> Result<Option<Gateway>, Failure> {
    let Ok(source) = git(root, &["show", &format!("{revision}:{spec}")]) else {
        return Ok(None);
    };
    let file = format!("{revision}:{spec}");
    oneclick_codegen::load_base_str(&source, &file)
        .map(Some)
        .map_err(|d| {
            (
                2,
                format!("the base spec does not load under today's spec language:\n{d}"),
            )
        })
}

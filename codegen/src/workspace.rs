//! The repository as the generator sees it: which specs exist, where their crates go, and how
//! the files on disk differ from what the specs produce. Shared by `cargo xtask codegen` and
//! the drift test, so both judge staleness the same way.

use std::collections::HashSet;
use std::fs;
use std::panic::{self, AssertUnwindSafe};
use std::path::{Path, PathBuf};
use std::sync::atomic::{AtomicUsize, Ordering};
use std::thread;

use crate::ir::Gateway;
use crate::{Diagnostic, Diagnostics, emit, yaml::Pos};

/// A spec and the crate directory generated from it, both relative to the repository root.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Target {
    pub spec: PathBuf,
    pub out_dir: PathBuf,
}

/// Where the gateway specs live, relative to the repository root.
pub const GATEWAY_SPECS: &str = "spec";

/// Where specs live and where their crates go: gateways and the focused test specs.
const LAYOUT: &[(&str, &str)] = &[
    (GATEWAY_SPECS, "generated"),
    ("tests/specs", "tests/fixtures"),
];

/// The crate that lists every gateway ([`emit::registry`]); a gateway spec cannot take its name.
pub const REGISTRY_DIR: &str = "generated/gateways";

impl Target {
    /// Whether the spec is a gateway's (`spec/`), not a focused test spec.
    pub fn is_gateway(&self) -> bool {
        self.spec.starts_with(GATEWAY_SPECS)
    }
}

/// The repository that holds `start`: the nearest directory at or above it with a `spec/`
/// directory beside a workspace `Cargo.toml`. Found from where a command runs, not from where
/// its binary was built, so a binary shared between checkouts checks the one it runs in.
pub fn find_root(start: &Path) -> Option<PathBuf> {
    start
        .ancestors()
        .find(|dir| {
            dir.join(GATEWAY_SPECS).is_dir()
                && fs::read_to_string(dir.join("Cargo.toml"))
                    .is_ok_and(|manifest| manifest.lines().any(|l| l.trim() == "[workspace]"))
        })
        .map(Path::to_path_buf)
}

/// Every spec of the repository, in a stable order.
pub fn targets(root: &Path) -> Vec<Target> {
    let mut targets = Vec::new();
    for (spec_dir, out_dir) in LAYOUT {
        let Ok(entries) = fs::read_dir(root.join(spec_dir)) else {
            continue;
        };
        let mut specs: Vec<PathBuf> = entries
            .filter_map(|e| e.ok().map(|e| e.path()))
            .filter(|p| p.extension().is_some_and(|x| x == "yaml"))
            .collect();
        specs.sort();
        for spec in specs {
            let stem = spec
                .file_stem()
                .unwrap_or_default()
                .to_string_lossy()
                .into_owned();
            targets.push(Target {
                spec: Path::new(spec_dir).join(spec.file_name().unwrap_or_default()),
                out_dir: Path::new(out_dir).join(stem),
            });
        }
    }
    targets
}

/// One generated file: its path relative to the repository root and its contents.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Output {
    pub path: PathBuf,
    pub contents: String,
}

/// Generates every target: [`generate_keeping_gateways`] without the gateways.
pub fn generate(root: &Path, targets: &[Target]) -> Result<Vec<Output>, Diagnostics> {
    generate_keeping_gateways(root, targets).map(|generated| generated.outputs)
}

/// What one generation run produced, and the gateway specs it read on the way: checks that
/// follow generation (the release check) read them here instead of loading them again.
pub struct Generated {
    pub outputs: Vec<Output>,
    /// The IR of each gateway spec (`spec/`), by its spec path, in target order.
    pub gateways: Vec<(PathBuf, Gateway)>,
}

/// Generates every target; all specs' diagnostics are reported together. Specs are loaded,
/// then their files rendered, each step spread over the cores (`on_every_core`); results are
/// gathered in target order, so the output stays deterministic. The gateway specs' IR then
/// feeds their OpenAPI documents and the registry crate.
pub fn generate_keeping_gateways(
    root: &Path,
    targets: &[Target],
) -> Result<Generated, Diagnostics> {
    let loaded = on_every_core(targets, |target| load_one(root, target));
    let mut gateways = Vec::with_capacity(targets.len());
    let mut problems = Vec::new();
    for (result, target) in loaded.into_iter().zip(targets) {
        match result {
            Some(Ok(gateway)) => gateways.push((target, gateway)),
            Some(Err(found)) => problems.extend(found),
            None => problems.push(generator_failed(target)),
        }
    }
    if !problems.is_empty() {
        return Err(Diagnostics(problems));
    }
    // A gateway's OpenAPI document is the largest single job: queued first, it runs beside the
    // crates' files instead of after them.
    let jobs: Vec<Job> = gateways
        .iter()
        .filter(|(target, _)| target.is_gateway())
        .map(|(target, gateway)| Job::OpenApi(target, gateway))
        .chain(gateways.iter().flat_map(|(target, gateway)| {
            emit::files(gateway)
                .into_iter()
                .map(move |file| Job::Crate(target, gateway, file))
        }))
        .collect();
    let rendered = on_every_core(&jobs, |job| match *job {
        Job::Crate(target, gateway, file) => {
            let file = file.render(gateway);
            Output {
                path: target.out_dir.join(&file.path),
                contents: file.contents,
            }
        }
        Job::OpenApi(_, gateway) => Output {
            path: PathBuf::from(crate::openapi::file_name(gateway)),
            contents: crate::openapi::render(gateway),
        },
    });
    let mut outputs = Vec::with_capacity(rendered.len() + 3);
    for (output, job) in rendered.into_iter().zip(&jobs) {
        match output {
            Some(output) => outputs.push(output),
            None => problems.push(generator_failed(job.target())),
        }
    }
    if !problems.is_empty() {
        problems.dedup();
        return Err(Diagnostics(problems));
    }
    let gateways: Vec<(PathBuf, Gateway)> = gateways
        .into_iter()
        .filter(|(target, _)| target.is_gateway())
        .map(|(target, gateway)| (target.spec.clone(), gateway))
        .collect();
    if !gateways.is_empty() {
        let listed: Vec<&Gateway> = gateways.iter().map(|(_, gateway)| gateway).collect();
        outputs.extend(
            emit::registry::registry(&listed)
                .into_iter()
                .map(|f| Output {
                    path: Path::new(REGISTRY_DIR).join(&f.path),
                    contents: f.contents,
                }),
        );
    }
    Ok(Generated { outputs, gateways })
}

/// One file to render: a file of a generated crate, or a gateway's OpenAPI document.
enum Job<'a> {
    Crate(&'a Target, &'a Gateway, emit::File),
    OpenApi(&'a Target, &'a Gateway),
}

impl Job<'_> {
    fn target(&self) -> &Target {
        match self {
            Job::Crate(target, ..) | Job::OpenApi(target, _) => target,
        }
    }
}

/// `work` applied to every item, in the items' order, with one thread per core taking the
/// next item whenever it is done: items differ in cost a hundredfold, so fixed shares would
/// leave a core idle, and more threads than cores only add start-up and allocator arenas.
/// An item whose work panicked (a generator bug) yields `None`.
fn on_every_core<T: Sync, R: Send>(items: &[T], work: impl Fn(&T) -> R + Sync) -> Vec<Option<R>> {
    let next = AtomicUsize::new(0);
    let worker = || {
        let mut done = Vec::new();
        loop {
            let index = next.fetch_add(1, Ordering::Relaxed);
            let Some(item) = items.get(index) else {
                return done;
            };
            done.push((
                index,
                panic::catch_unwind(AssertUnwindSafe(|| work(item))).ok(),
            ));
        }
    };
    let cores = thread::available_parallelism().map_or(1, usize::from);
    let helpers = cores.min(items.len()).saturating_sub(1);
    let mut results: Vec<Option<R>> = std::iter::repeat_with(|| None).take(items.len()).collect();
    thread::scope(|scope| {
        let handles: Vec<_> = (0..helpers).map(|_| scope.spawn(worker)).collect();
        let mine = worker();
        // A worker's own panics are caught per item, so joining cannot fail.
        let theirs = handles
            .into_iter()
            .flat_map(|h| h.join().unwrap_or_default());
        for (index, result) in mine.into_iter().chain(theirs) {
            results[index] = result;
        }
    });
    results
}

fn generator_failed(target: &Target) -> Diagnostic {
    Diagnostic {
        file: target.spec.to_string_lossy().into_owned(),
        pos: Pos { line: 1, col: 1 },
        message: "the generator failed on this spec; please report it".into(),
    }
}

fn load_one(root: &Path, target: &Target) -> Result<Gateway, Vec<Diagnostic>> {
    let file = target.spec.to_string_lossy().replace('\\', "/");
    if target.is_gateway() && target.out_dir == Path::new(REGISTRY_DIR) {
        return Err(vec![Diagnostic {
            file,
            pos: Pos { line: 1, col: 1 },
            message: format!(
                "`{REGISTRY_DIR}` is the generated list of gateways; name this gateway otherwise"
            ),
        }]);
    }
    let gateway = crate::load(&root.join(&target.spec), &file).map_err(|d| d.0)?;
    let stem = target
        .out_dir
        .file_name()
        .unwrap_or_default()
        .to_string_lossy();
    if gateway.name != stem {
        return Err(vec![Diagnostic {
            file,
            pos: Pos { line: 1, col: 1 },
            message: format!(
                "the file of gateway `{}` must be named `{}.yaml`",
                gateway.name, gateway.name
            ),
        }]);
    }
    Ok(gateway)
}

#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Change {
    Added {
        path: PathBuf,
        new: String,
    },
    Modified {
        path: PathBuf,
        old: String,
        new: String,
    },
    Removed {
        path: PathBuf,
        old: String,
    },
}

impl Change {
    pub fn path(&self) -> &Path {
        match self {
            Change::Added { path, .. }
            | Change::Modified { path, .. }
            | Change::Removed { path, .. } => path,
        }
    }

    /// A unified diff from the file on disk to the generated one.
    pub fn unified_diff(&self) -> String {
        let (old, new) = match self {
            Change::Added { new, .. } => ("", new.as_str()),
            Change::Modified { old, new, .. } => (old.as_str(), new.as_str()),
            Change::Removed { old, .. } => (old.as_str(), ""),
        };
        let path = self.path().to_string_lossy();
        similar::TextDiff::from_lines(old, new)
            .unified_diff()
            .context_radius(3)
            .header(&format!("a/{path}"), &format!("b/{path}"))
            .to_string()
    }
}

/// How the files on disk differ from `outputs`. Every file under a target's output directory
/// (and the registry crate's, and `openapi/`) belongs to the generator, so one it no longer produces is
/// reported as removed. Line endings do not count: a checkout that turned LF into CRLF
/// (`core.autocrlf`) holds the same code.
pub fn compare(root: &Path, targets: &[Target], outputs: &[Output]) -> Vec<Change> {
    let mut changes = Vec::new();
    for output in outputs {
        let on_disk = fs::read_to_string(root.join(&output.path)).map(|old| {
            if old.contains('\r') {
                old.replace("\r\n", "\n")
            } else {
                old
            }
        });
        match on_disk {
            Ok(old) if old == output.contents => {}
            Ok(old) => changes.push(Change::Modified {
                path: output.path.clone(),
                old,
                new: output.contents.clone(),
            }),
            Err(_) => changes.push(Change::Added {
                path: output.path.clone(),
                new: output.contents.clone(),
            }),
        }
    }
    let generated: HashSet<&Path> = outputs.iter().map(|o| o.path.as_path()).collect();
    let owned_dirs = targets
        .iter()
        .map(|t| t.out_dir.as_path())
        .chain([Path::new(REGISTRY_DIR), Path::new(crate::openapi::DIR)]);
    for dir in owned_dirs {
        for path in files_under(root, dir) {
            // The changelog is kept, not generated: it grows a section per released version
            // (see `release`), so it has history no spec alone reproduces.
            if path.file_name().is_some_and(|name| name == KEPT_CHANGELOG) {
                continue;
            }
            if !generated.contains(path.as_path()) {
                let old = fs::read_to_string(root.join(&path)).unwrap_or_default();
                changes.push(Change::Removed { path, old });
            }
        }
    }
    changes.sort_by(|a, b| a.path().cmp(b.path()));
    changes
}

/// The one file in a generated crate's directory that the generator keeps rather than owns.
pub const KEPT_CHANGELOG: &str = "CHANGELOG.md";

/// Writes the changes to disk.
pub fn apply(root: &Path, changes: &[Change]) -> std::io::Result<()> {
    for change in changes {
        let path = root.join(change.path());
        match change {
            Change::Added { new, .. } | Change::Modified { new, .. } => {
                if let Some(parent) = path.parent() {
                    fs::create_dir_all(parent)?;
                }
                fs::write(&path, new)?;
            }
            Change::Removed { .. } => fs::remove_file(&path)?,
        }
    }
    Ok(())
}

/// Files under `dir` (relative to `root`), relative to `root`; build output is not ours.
fn files_under(root: &Path, dir: &Path) -> Vec<PathBuf> {
    let mut found = Vec::new();
    let mut pending = vec![dir.to_path_buf()];
    while let Some(dir) = pending.pop() {
        let Ok(entries) = fs::read_dir(root.join(&dir)) else {
            continue;
        };
        for entry in entries.flatten() {
            let relative = dir.join(entry.file_name());
            match entry.file_type() {
                Ok(t) if t.is_dir() && entry.file_name() != "target" => pending.push(relative),
                Ok(t) if t.is_file() => found.push(relative),
                _ => {}
            }
        }
    }
    found.sort();
    found
}

#[cfg(test)]
mod tests {
    use super::on_every_core;

    #[test]
    fn results_keep_the_items_order_and_a_panic_costs_only_its_item() {
        let items: Vec<u64> = (0..100).collect();
        let results = on_every_core(&items, |n| {
            assert_ne!(*n, 42, "a generator bug on one item");
            // Uneven durations, so that workers finish out of order.
            std::thread::sleep(std::time::Duration::from_micros(n % 7 * 300));
            n * 2
        });
        let expected: Vec<Option<u64>> =
            items.iter().map(|n| (*n != 42).then_some(n * 2)).collect();
        assert_eq!(results, expected);
    }
}

//! The version check and changelogs that `cargo xtask codegen` runs beside generation.

use std::path::{Path, PathBuf};

use oneclick_codegen::ir::Gateway;
use oneclick_codegen::release::{self, NoRelease, Since};
use oneclick_codegen::version::{Bump, Version};
use oneclick_codegen::workspace::Target;
use oneclick_codegen::{diff, load};

/// Checks every gateway's version against its last release. Returns the problems (a
/// version that does not account for the changes, a changelog without the current version)
/// and prints notes on what could not be checked.
/// `gateways` are the gateway specs as generation read them (see
/// [`oneclick_codegen::workspace::generate_keeping_gateways`]).
pub fn check(root: &Path, targets: &[Target], gateways: &[(PathBuf, Gateway)]) -> Vec<String> {
    let mut problems = Vec::new();
    for target in targets.iter().filter(|t| t.is_gateway()) {
        let Some((_, current)) = gateways.iter().find(|(spec, _)| *spec == target.spec) else {
            continue;
        };
        match release::check_version(root, &target.spec, current) {
            Ok(Some(note)) => eprintln!("note: {note}"),
            Ok(None) => {}
            Err(unaccounted) => {
                let released = unaccounted.diff.old_version.unwrap_or(Version::INITIAL);
                problems.push(format!(
                    "{}: breaking changes since version {released} was set ({}) need a breaking version step, to at least {}, but the spec says {}; see `cargo xtask diff {}`\n{}",
                    target.spec.display(),
                    unaccounted.revision,
                    released.bumped(Bump::Major),
                    current.version,
                    unaccounted.revision,
                    diff::render_text(std::slice::from_ref(&unaccounted.diff)),
                ));
            }
        }
        let changelog = release::read_changelog(root, &target.out_dir);
        if release::changelog_version(changelog.as_deref().unwrap_or("")) != Some(current.version) {
            problems.push(format!(
                "{}: has no section for version {}; run `cargo xtask codegen`",
                release::changelog_path(&target.out_dir).display(),
                current.version
            ));
        }
    }
    problems
}

/// Writes a changelog section for every gateway whose version has none yet.
pub fn update_changelogs(root: &Path, targets: &[Target]) -> std::io::Result<Vec<String>> {
    let mut written = Vec::new();
    for target in targets.iter().filter(|t| t.is_gateway()) {
        let Ok(current) = load(&root.join(&target.spec), &target.spec.to_string_lossy()) else {
            continue;
        };
        let existing = release::read_changelog(root, &target.out_dir);
        let previous = release::previous_release(root, &target.spec);
        let diff = previous
            .as_ref()
            .ok()
            .map(|previous| diff::diff(Some(&previous.gateway), Some(&current)));
        let since = match (&diff, previous) {
            // The spec at the commit that set today's version is this release, not a previous one.
            (Some(diff), _) if diff.old_version != Some(current.version) => Since::Release(diff),
            (Some(_), _) => Since::First,
            (None, Err(NoRelease::NoHistory(why))) => {
                Since::Unknown(format!("no git history ({why})"))
            }
            (None, Err(NoRelease::Unreadable { revision, why })) => Since::Unknown(format!(
                "the spec at {revision} does not load under today's spec language ({why})"
            )),
            (None, _) => Since::First,
        };
        if let Some(changelog) = release::updated_changelog(existing.as_deref(), since, &current) {
            let path = release::changelog_path(&target.out_dir);
            std::fs::write(root.join(&path), changelog)?;
            written.push(path.display().to_string());
        }
    }
    Ok(written)
}

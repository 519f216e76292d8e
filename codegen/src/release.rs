//! Versions that follow the wire: the spec a crate's version was released from, the check
//! that a breaking change since then comes with a breaking version step, and the changelog
//! written from the diff.
//!
//! A version is released from the commit that set it: the newest commit on the first-parent
//! line (a merge counts as the commit that brought its branch's change) that changed the
//! spec's `version:` line. Whatever changed since (in later commits or in the working tree)
//! is measured against that spec. So a maintainer who bumps the version in the working tree is
//! measured against the previous release, and a clean clone in CI is measured against the
//! commit that set today's version: a breaking change that slipped in after it fails there too.

use std::fs;
use std::path::Path;
use std::process::Command;

use crate::diff::{self, Class, GatewayDiff};
use crate::ir::Gateway;
use crate::version::{Bump, Version};

/// The spec a version was released from.
pub struct Release {
    /// The git revision holding it, as `git show` takes it.
    pub revision: String,
    pub gateway: Gateway,
}

/// Why the previous release could not be found; none of these is an error in the spec.
#[derive(Debug)]
pub enum NoRelease {
    /// No git, not a repository, or a shallow clone without the commit.
    NoHistory(String),
    /// The spec is not committed yet: nothing was released before it.
    FirstVersion,
    /// The released spec does not load under today's spec language.
    Unreadable { revision: String, why: String },
}

/// The release today's spec is measured against: the spec at the commit that set the version
/// the last commit carries (HEAD itself when no commit ever changed the `version:` line).
/// `spec` is relative to `root`.
pub fn previous_release(root: &Path, spec: &Path) -> Result<Release, NoRelease> {
    let spec_path = spec.to_string_lossy().replace('\\', "/");
    let log = git(
        root,
        &[
            "log",
            "--first-parent",
            "-m",
            "-G^version:",
            "--format=%H",
            "-1",
            "--",
            &spec_path,
        ],
    )
    .map_err(NoRelease::NoHistory)?;
    let revision = match log.trim() {
        "" => "HEAD".to_owned(),
        set_version => set_version.to_owned(),
    };
    let source = git(root, &["show", &format!("{revision}:{spec_path}")])
        .map_err(|_| NoRelease::FirstVersion)?;
    match crate::load_base_str(&source, &spec_path) {
        Ok(gateway) => Ok(Release { revision, gateway }),
        Err(diagnostics) => Err(NoRelease::Unreadable {
            revision,
            why: diagnostics
                .0
                .first()
                .map_or_else(String::new, |d| d.message.clone()),
        }),
    }
}

/// The version a spec's text declares, [`Version::INITIAL`] when it declares none; read
/// without loading the spec, so an old spec in another language version still answers.
pub fn declared_version(source: &str) -> Version {
    source
        .lines()
        .find_map(|line| line.strip_prefix("version:"))
        .and_then(|rest| rest.trim().trim_matches(['"', '\'']).parse().ok())
        .unwrap_or(Version::INITIAL)
}

/// Runs git in `root` and returns its standard output.
pub fn git(root: &Path, args: &[&str]) -> Result<String, String> {
    let output = Command::new("git")
        .current_dir(root)
        .args(args)
        .output()
        .map_err(|err| format!("cannot run git: {err}"))?;
    if !output.status.success() {
        return Err(String::from_utf8_lossy(&output.stderr).trim().to_owned());
    }
    String::from_utf8(output.stdout).map_err(|_| "git printed something that is not UTF-8".into())
}

/// Where a generated crate keeps its changelog.
pub fn changelog_path(out_dir: &Path) -> std::path::PathBuf {
    out_dir.join(crate::workspace::KEPT_CHANGELOG)
}

/// The newest version the changelog has a section for.
pub fn changelog_version(changelog: &str) -> Option<Version> {
    changelog
        .lines()
        .find_map(|line| line.strip_prefix("## "))
        .and_then(|heading| heading.split_whitespace().next())
        .and_then(|version| version.parse().ok())
}

/// What a new changelog section is measured against.
pub enum Since<'d> {
    /// The previous release, and what changed from it.
    Release(&'d GatewayDiff),
    /// Nothing: this is the crate's first version.
    First,
    /// The previous release exists but cannot be compared with; why.
    Unknown(String),
}

/// The changelog with a section for `current`'s version on top, or `None` when it has one.
pub fn updated_changelog(
    existing: Option<&str>,
    since: Since<'_>,
    current: &Gateway,
) -> Option<String> {
    let existing = existing.unwrap_or("");
    if changelog_version(existing) == Some(current.version) {
        return None;
    }
    let mut section = format!("## {}\n\n", current.version);
    match since {
        Since::Release(diff) if !diff.changes.is_empty() => {
            let since = diff
                .old_version
                .map_or_else(String::new, |v| format!(" since {v}"));
            section.push_str(&format!(
                "Changes on the wire{since}, as `cargo xtask diff` classifies them.\n"
            ));
            for class in [Class::Breaking, Class::Compatible, Class::Documentation] {
                let changes: Vec<_> = diff.changes.iter().filter(|c| c.class == class).collect();
                if changes.is_empty() {
                    continue;
                }
                section.push_str(&format!("\n### {}\n\n", heading(class)));
                for change in changes {
                    section.push_str(&format!("- {}: {}\n", change.subject, change.what));
                }
            }
        }
        Since::Release(_) => section.push_str("No change on the wire.\n"),
        Since::First => section.push_str(&format!(
            "First release, generated from `{}`.\n",
            current.spec_path
        )),
        Since::Unknown(why) => section.push_str(&format!(
            "The changes since the previous release could not be listed: {why}.\n"
        )),
    }
    let body = existing
        .strip_prefix(CHANGELOG_TITLE)
        .unwrap_or(existing)
        .trim_start_matches('\n');
    let mut changelog = format!("{CHANGELOG_TITLE}\n{section}");
    if !body.is_empty() {
        changelog.push('\n');
        changelog.push_str(body);
    }
    Some(changelog)
}

const CHANGELOG_TITLE: &str = "# Changelog\n";

fn heading(class: Class) -> &'static str {
    match class {
        Class::Breaking => "Breaking",
        Class::Compatible => "Compatible",
        Class::Documentation => "Documentation",
    }
}

/// A gateway whose version does not account for what changed since its last release.
pub struct Unaccounted {
    pub diff: Box<GatewayDiff>,
    pub revision: String,
}

/// Checks one gateway's version against its previous release: a breaking change since then
/// needs a breaking version step (major, or minor below 1.0). Compatible and documentation
/// changes may wait for the next release. `Ok(Some(note))` when there is nothing to compare
/// with, saying why.
pub fn check_version(
    root: &Path,
    spec: &Path,
    current: &Gateway,
) -> Result<Option<String>, Unaccounted> {
    match previous_release(root, spec) {
        Ok(release) => {
            let diff = diff::diff(Some(&release.gateway), Some(current));
            let breaking = diff.worst() == Some(Class::Breaking);
            if breaking
                && !release
                    .gateway
                    .version
                    .accounts_for(current.version, Bump::Major)
            {
                Err(Unaccounted {
                    diff: Box::new(diff),
                    revision: release.revision,
                })
            } else {
                Ok(None)
            }
        }
        Err(NoRelease::FirstVersion) => Ok(None),
        Err(NoRelease::NoHistory(why)) => Ok(Some(format!(
            "{}: versions not checked, no git history to compare with ({why})",
            spec.display()
        ))),
        Err(NoRelease::Unreadable { revision, why }) => Ok(Some(format!(
            "{}: versions not checked, the spec at {revision} does not load under today's spec language ({why})",
            spec.display()
        ))),
    }
}

/// Reads a generated crate's changelog, if it has one.
pub fn read_changelog(root: &Path, out_dir: &Path) -> Option<String> {
    fs::read_to_string(root.join(changelog_path(out_dir))).ok()
}

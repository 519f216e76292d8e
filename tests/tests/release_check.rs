//! The version check `cargo xtask codegen --check` runs, on a scratch git repository that goes
//! through what a maintainer does: release, edit, bump, commit. A breaking change must come with
//! a breaking version step, in the working tree and after it is committed (what CI sees).

use std::path::{Path, PathBuf};
use std::process::Command;

use oneclick_codegen::release::{self, NoRelease, Since};

const SPEC: &str = "spec/shop.yaml";

fn fixture(name: &str) -> String {
    let path = Path::new(env!("CARGO_MANIFEST_DIR"))
        .join("diff")
        .join(name);
    std::fs::read_to_string(path).unwrap()
}

fn with_version(source: &str, version: &str) -> String {
    source.replace("version: 1.2.3", &format!("version: {version}"))
}

struct Repo(PathBuf);

impl Repo {
    fn new(name: &str) -> Repo {
        let root =
            std::env::temp_dir().join(format!("oneclick-release-{name}-{}", std::process::id()));
        let _ = std::fs::remove_dir_all(&root);
        std::fs::create_dir_all(root.join("spec")).unwrap();
        let repo = Repo(root);
        repo.git(&["init", "-q"]);
        repo
    }

    fn git(&self, args: &[&str]) {
        let status = Command::new("git")
            .current_dir(&self.0)
            .args([
                "-c",
                "user.name=Maintainer",
                "-c",
                "user.email=maintainer@example.test",
                "-c",
                "commit.gpgsign=false",
            ])
            .args(args)
            .status()
            .unwrap();
        assert!(status.success(), "git {args:?}");
    }

    fn write(&self, source: &str) {
        std::fs::write(self.0.join(SPEC), source).unwrap();
    }

    fn commit(&self, source: &str, message: &str) {
        self.write(source);
        self.git(&["add", "-A"]);
        self.git(&["commit", "-q", "-m", message]);
    }

    /// `Ok(())` when the version accounts for the changes, else the versions involved.
    fn check(&self) -> Result<(), String> {
        let current = oneclick_codegen::load(&self.0.join(SPEC), SPEC).unwrap();
        match release::check_version(&self.0, Path::new(SPEC), &current) {
            Ok(_) => Ok(()),
            Err(unaccounted) => Err(format!(
                "{:?} → {}",
                unaccounted.diff.old_version.map(|v| v.to_string()),
                current.version
            )),
        }
    }
}

impl Drop for Repo {
    fn drop(&mut self) {
        let _ = std::fs::remove_dir_all(&self.0);
    }
}

#[test]
fn a_breaking_change_needs_a_major_step_in_the_working_tree_and_after_the_commit() {
    let repo = Repo::new("breaking");
    let base = fixture("base.yaml");
    let breaking = fixture("request_field_removed.yaml");
    repo.commit(&with_version(&base, "1.2.2"), "first release");
    repo.commit(&base, "release 1.2.3");
    assert_eq!(repo.check(), Ok(()), "nothing changed since 1.2.3 was set");

    repo.write(&breaking);
    assert_eq!(
        repo.check(),
        Err("Some(\"1.2.3\") → 1.2.3".into()),
        "a field removed without a bump"
    );
    repo.write(&with_version(&breaking, "1.3.0"));
    assert!(
        repo.check().is_err(),
        "a minor step does not cover a breaking change above 1.0"
    );
    repo.write(&with_version(&breaking, "2.0.0"));
    assert_eq!(repo.check(), Ok(()));

    repo.commit(&with_version(&breaking, "2.0.0"), "release 2.0.0");
    assert_eq!(repo.check(), Ok(()), "the clean clone CI checks out");

    let narrowed = with_version(&breaking, "2.0.0").replace(
        "max_length: 10, doc: The merchant's order number.",
        "max_length: 8, doc: The merchant's order number.",
    );
    repo.commit(&narrowed, "a limit narrowed, no bump");
    assert_eq!(
        repo.check(),
        Err("Some(\"2.0.0\") → 2.0.0".into()),
        "a clean clone still sees the breaking commit made after 2.0.0 was set"
    );
}

#[test]
fn compatible_and_documentation_changes_may_wait_for_the_next_release() {
    let repo = Repo::new("compatible");
    repo.commit(&fixture("base.yaml"), "release 1.2.3");
    repo.write(&fixture("optional_request_field_added.yaml"));
    assert_eq!(repo.check(), Ok(()));
    repo.write(&fixture("doc_changed.yaml"));
    assert_eq!(repo.check(), Ok(()));
}

#[test]
fn below_one_a_minor_step_is_the_breaking_one() {
    let repo = Repo::new("zero");
    repo.commit(
        &with_version(&fixture("base.yaml"), "0.4.1"),
        "release 0.4.1",
    );
    let breaking = fixture("constraint_narrowed.yaml");
    repo.write(&with_version(&breaking, "0.4.2"));
    assert!(repo.check().is_err());
    repo.write(&with_version(&breaking, "0.5.0"));
    assert_eq!(repo.check(), Ok(()));
}

#[test]
fn the_changelog_gets_a_section_for_a_new_version_from_the_diff() {
    let repo = Repo::new("changelog");
    repo.commit(&fixture("base.yaml"), "release 1.2.3");
    repo.write(&with_version(
        &fixture("request_field_removed.yaml"),
        "2.0.0",
    ));
    let current = oneclick_codegen::load(&repo.0.join(SPEC), SPEC).unwrap();
    let previous =
        release::previous_release(&repo.0, Path::new(SPEC)).unwrap_or_else(|why| panic!("{why:?}"));
    assert_eq!(previous.gateway.version.to_string(), "1.2.3");
    let diff = oneclick_codegen::diff::diff(Some(&previous.gateway), Some(&current));
    let existing = "# Changelog\n\n## 1.2.3\n\nFirst release.\n";
    let changelog =
        release::updated_changelog(Some(existing), Since::Release(&diff), &current).unwrap();
    assert_eq!(
        changelog,
        "# Changelog\n\n## 2.0.0\n\nChanges on the wire since 1.2.3, as `cargo xtask diff` classifies them.\n\n### Breaking\n\n- operation `pay` · request field `description`: removed\n\n## 1.2.3\n\nFirst release.\n"
    );
    assert!(
        release::updated_changelog(Some(&changelog), Since::First, &current).is_none(),
        "one section per version"
    );
}

#[test]
fn without_history_nothing_is_claimed_checked() {
    let root = std::env::temp_dir().join(format!("oneclick-release-nogit-{}", std::process::id()));
    std::fs::create_dir_all(root.join("spec")).unwrap();
    std::fs::write(root.join(SPEC), fixture("base.yaml")).unwrap();
    let outcome = release::previous_release(&root, Path::new(SPEC));
    let _ = std::fs::remove_dir_all(&root);
    assert!(
        matches!(outcome, Err(NoRelease::NoHistory(_))),
        "{:?}",
        outcome.err()
    );
}

//! What changed on the wire between two specs of a gateway, and the semver step it needs.
//!
//! Each change is classified by its effect on a client generated from the *old* spec:
//! breaking when that client (or code written against it) stops working, compatible when it
//! keeps working, documentation when only readers see it. Where the wire alone would allow
//! either answer, the generated Rust decides: a change that removes or retypes something a
//! caller can name is breaking even if the gateway would not mind.

mod facts;

use std::fmt::Write as _;

use crate::ir::{Direction, Gateway};
use crate::version::{Bump, Version};

use facts::{Fact, Kind, Limit};

/// How a change affects a client built from the old spec.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord)]
pub enum Class {
    Documentation,
    Compatible,
    Breaking,
}

impl Class {
    pub fn as_str(self) -> &'static str {
        match self {
            Class::Documentation => "documentation",
            Class::Compatible => "compatible",
            Class::Breaking => "breaking",
        }
    }
}

/// One change between two specs.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Change {
    pub class: Class,
    /// What changed, as a maintainer names it: ``operation `oneclick_init` · request field `orderNo` ``.
    pub subject: String,
    /// How it changed: `removed`, `narrowed from 20 to 10`.
    pub what: String,
}

/// The changes of one gateway and what they ask of its crate's version.
#[derive(Debug, Clone)]
pub struct GatewayDiff {
    pub gateway: String,
    pub crate_name: String,
    /// `None` when the gateway is new.
    pub old_version: Option<Version>,
    /// `None` when the gateway was removed.
    pub new_version: Option<Version>,
    pub changes: Vec<Change>,
}

impl GatewayDiff {
    /// The step the changes need: major for a breaking one, minor for a compatible one, patch
    /// for documentation.
    pub fn needed(&self) -> Bump {
        match self.changes.iter().map(|c| c.class).max() {
            None => Bump::None,
            Some(Class::Documentation) => Bump::Patch,
            Some(Class::Compatible) => Bump::Minor,
            Some(Class::Breaking) => Bump::Major,
        }
    }

    /// The smallest version that accounts for the changes.
    pub fn suggested(&self) -> Option<Version> {
        self.old_version.map(|old| old.bumped(self.needed()))
    }

    /// Whether the new version accounts for the changes. A new or removed gateway has nothing
    /// to compare with.
    pub fn version_accounts(&self) -> bool {
        match (self.old_version, self.new_version) {
            (Some(old), Some(new)) => old.accounts_for(new, self.needed()),
            _ => true,
        }
    }

    pub fn worst(&self) -> Option<Class> {
        self.changes.iter().map(|c| c.class).max()
    }
}

/// The changes from `old` to `new`; either side may be absent (a gateway added or removed).
pub fn diff(old: Option<&Gateway>, new: Option<&Gateway>) -> GatewayDiff {
    let named = new.or(old).expect("a diff needs at least one side");
    let mut result = GatewayDiff {
        gateway: named.name.clone(),
        crate_name: named.crate_name.clone(),
        old_version: old.map(|g| g.version),
        new_version: new.map(|g| g.version),
        changes: Vec::new(),
    };
    match (old, new) {
        (None, _) => result.changes.push(Change {
            class: Class::Compatible,
            subject: "gateway".into(),
            what: "added".into(),
        }),
        (_, None) => result.changes.push(Change {
            class: Class::Breaking,
            subject: "gateway".into(),
            what: "removed".into(),
        }),
        (Some(old), Some(new)) => result.changes = compare(&facts::facts(old), &facts::facts(new)),
    }
    result
}

fn compare(old: &facts::Facts, new: &facts::Facts) -> Vec<Change> {
    let on_both_sides = |fact: &Fact| {
        fact.parent
            .as_ref()
            .is_none_or(|parent| old.contains_key(parent) && new.contains_key(parent))
    };
    let mut changes = Vec::new();
    for (key, before) in old {
        match new.get(key) {
            None if on_both_sides(before) => changes.push(removed(key, before)),
            Some(after) if after.value != before.value => changes.push(changed(key, before, after)),
            _ => {}
        }
    }
    for (key, after) in new {
        if !old.contains_key(key) && on_both_sides(after) {
            changes.push(added(key, after));
        }
    }
    changes.sort_by(|a, b| {
        b.class
            .cmp(&a.class)
            .then_with(|| a.subject.cmp(&b.subject))
    });
    changes
}

fn change(class: Class, subject: &str, what: String) -> Change {
    Change {
        class,
        subject: subject.to_owned(),
        what,
    }
}

fn removed(key: &str, fact: &Fact) -> Change {
    let class = match fact.kind {
        Kind::Documentation => Class::Documentation,
        // A limit or rule gone accepts more than before; retries and defaults are the
        // client's own business.
        Kind::Constraint(..) | Kind::Rule(_) | Kind::Behaviour => Class::Compatible,
        _ => Class::Breaking,
    };
    change(class, key, "removed".into())
}

fn added(key: &str, fact: &Fact) -> Change {
    let (class, what) = match fact.kind {
        Kind::Documentation => (Class::Documentation, "added".into()),
        Kind::Field {
            caller_must_give: true,
            ..
        } => (Class::Breaking, "added as a required request field".into()),
        Kind::Constraint(Direction::Request, _) => (
            Class::Breaking,
            format!(
                "added ({}): requests it refuses were valid before",
                fact.value
            ),
        ),
        Kind::Rule(Direction::Request) => (
            Class::Breaking,
            "added: requests it refuses were valid before".into(),
        ),
        Kind::Signature | Kind::Authentication | Kind::Wire | Kind::ResultMeaning => {
            (Class::Breaking, format!("added ({})", fact.value))
        }
        _ => (Class::Compatible, added_text(fact)),
    };
    change(class, key, what)
}

fn added_text(fact: &Fact) -> String {
    if fact.value.is_empty() {
        "added".into()
    } else {
        format!("added ({})", fact.value)
    }
}

fn changed(key: &str, before: &Fact, after: &Fact) -> Change {
    let from_to = format!(
        "changed from {} to {}",
        shown(&before.value),
        shown(&after.value)
    );
    let (class, what) = match (before.kind, after.kind) {
        (Kind::Documentation, _) => (Class::Documentation, "reworded".into()),
        (Kind::Behaviour, _) => (Class::Compatible, from_to),
        (Kind::Required(Direction::Request), _) => {
            if after.value == "true" {
                (
                    Class::Breaking,
                    "now required: requests without it were valid before".into(),
                )
            } else {
                (Class::Compatible, "now optional".into())
            }
        }
        (Kind::Required(_), _) => {
            let why = if after.value == "true" {
                "now required (the generated field loses its `Option`)"
            } else {
                "now optional: answers may lack what the old client requires"
            };
            (Class::Breaking, why.into())
        }
        (Kind::Constraint(Direction::Request, old), Kind::Constraint(_, new)) => {
            if narrowed(old, new) {
                (
                    Class::Breaking,
                    format!("narrowed from {} to {}", before.value, after.value),
                )
            } else {
                (
                    Class::Compatible,
                    format!("relaxed from {} to {}", before.value, after.value),
                )
            }
        }
        (Kind::Constraint(..), _) => (Class::Compatible, from_to),
        _ => (Class::Breaking, from_to),
    };
    change(class, key, what)
}

/// Whether a constraint changed from `old` to `new` refuses a value it used to accept.
fn narrowed(old: Limit, new: Limit) -> bool {
    match (old, new) {
        (Limit::Upper(old), Limit::Upper(new)) => new < old,
        (Limit::Lower(old), Limit::Lower(new)) => new > old,
        _ => true,
    }
}

fn shown(value: &str) -> String {
    const LONGEST: usize = 120;
    if value.is_empty() {
        return "nothing".into();
    }
    if value.chars().count() <= LONGEST {
        return format!("`{value}`");
    }
    let cut: String = value.chars().take(LONGEST).collect();
    format!("`{cut}…`")
}

/// The report a maintainer reads.
pub fn render_text(diffs: &[GatewayDiff]) -> String {
    let mut out = String::new();
    for diff in diffs {
        let version = match (diff.old_version, diff.new_version) {
            (Some(old), Some(new)) if old == new => old.to_string(),
            (Some(old), Some(new)) => format!("{old} → {new}"),
            (None, Some(new)) => format!("new at {new}"),
            (Some(old), None) => format!("removed at {old}"),
            (None, None) => String::new(),
        };
        let _ = write!(out, "{} ({} {version}): ", diff.gateway, diff.crate_name);
        if diff.changes.is_empty() {
            out.push_str("no changes\n");
            continue;
        }
        let verdict = diff.worst().map_or("no", Class::as_str);
        let _ = write!(out, "{verdict} changes, {} bump", diff.needed().as_str());
        match (diff.suggested(), diff.version_accounts()) {
            (Some(suggested), true) => {
                let _ = writeln!(
                    out,
                    " (at least {suggested}; the spec's version accounts for it)"
                );
            }
            (Some(suggested), false) => {
                let _ = writeln!(
                    out,
                    " (at least {suggested}; the spec's version does NOT account for it)"
                );
            }
            (None, _) => out.push('\n'),
        }
        for change in &diff.changes {
            let _ = writeln!(
                out,
                "  {:<13}  {}: {}",
                change.class.as_str(),
                change.subject,
                change.what
            );
        }
    }
    out
}

/// The report for tools: one object per gateway.
pub fn render_json(diffs: &[GatewayDiff]) -> serde_json::Value {
    let gateways = diffs
        .iter()
        .map(|diff| {
            let changes = diff
                .changes
                .iter()
                .map(|c| serde_json::json!({"class": c.class.as_str(), "subject": c.subject, "change": c.what}))
                .collect::<Vec<_>>();
            serde_json::json!({
                "gateway": diff.gateway,
                "crate": diff.crate_name,
                "old_version": diff.old_version.map(|v| v.to_string()),
                "new_version": diff.new_version.map(|v| v.to_string()),
                "verdict": diff.worst().map_or("none", Class::as_str),
                "bump": diff.needed().as_str(),
                "suggested_version": diff.suggested().map(|v| v.to_string()),
                "version_accounts_for_changes": diff.version_accounts(),
                "changes": changes,
            })
        })
        .collect::<Vec<_>>();
    serde_json::json!({ "gateways": gateways })
}

//! A generated crate's version and the semver steps between two of them.
//!
//! Only `MAJOR.MINOR.PATCH`: a generated crate is released from a spec, never as a pre-release,
//! so build metadata and pre-release tags would only be ways to dodge the bump check.

use std::fmt;
use std::str::FromStr;

/// `MAJOR.MINOR.PATCH`.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub struct Version {
    pub major: u64,
    pub minor: u64,
    pub patch: u64,
}

/// How far a version must move for a set of changes.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord)]
pub enum Bump {
    None,
    Patch,
    Minor,
    Major,
}

impl Bump {
    pub fn as_str(self) -> &'static str {
        match self {
            Bump::None => "none",
            Bump::Patch => "patch",
            Bump::Minor => "minor",
            Bump::Major => "major",
        }
    }
}

impl Version {
    /// The version a crate starts at when its spec names none.
    pub const INITIAL: Version = Version {
        major: 0,
        minor: 1,
        patch: 0,
    };

    /// The smallest version after `self` that cargo treats as `bump` away from it. Below 1.0
    /// cargo reads the minor number as the breaking one, so a major change bumps the minor and
    /// a minor change bumps the patch.
    pub fn bumped(self, bump: Bump) -> Version {
        let Version {
            major,
            minor,
            patch,
        } = self;
        match (bump, major) {
            (Bump::None, _) => self,
            (Bump::Patch, _) | (Bump::Minor, 0) => Version {
                patch: patch + 1,
                ..self
            },
            (Bump::Major, 0) | (Bump::Minor, _) => Version {
                major,
                minor: minor + 1,
                patch: 0,
            },
            (Bump::Major, _) => Version {
                major: major + 1,
                minor: 0,
                patch: 0,
            },
        }
    }

    /// Whether going from `self` to `to` is at least the step `needed` asks for.
    pub fn accounts_for(self, to: Version, needed: Bump) -> bool {
        to >= self.bumped(needed)
    }
}

impl fmt::Display for Version {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{}.{}.{}", self.major, self.minor, self.patch)
    }
}

impl FromStr for Version {
    type Err = String;

    fn from_str(text: &str) -> Result<Self, Self::Err> {
        let invalid =
            || format!("`{text}` is not a version of the form MAJOR.MINOR.PATCH (e.g. `0.1.0`)");
        let mut numbers = text.split('.').map(|part| {
            let canonical = !part.is_empty()
                && part.bytes().all(|b| b.is_ascii_digit())
                && (part == "0" || !part.starts_with('0'));
            canonical.then(|| part.parse::<u64>().ok()).flatten()
        });
        let (Some(Some(major)), Some(Some(minor)), Some(Some(patch)), None) = (
            numbers.next(),
            numbers.next(),
            numbers.next(),
            numbers.next(),
        ) else {
            return Err(invalid());
        };
        Ok(Version {
            major,
            minor,
            patch,
        })
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn v(text: &str) -> Version {
        text.parse().unwrap()
    }

    #[test]
    fn parses_only_plain_versions() {
        assert_eq!(v("1.20.3").to_string(), "1.20.3");
        for bad in [
            "1.2",
            "1.2.3.4",
            "01.2.3",
            "1.2.3-rc.1",
            "1.2.x",
            "",
            "v1.2.3",
        ] {
            assert!(bad.parse::<Version>().is_err(), "{bad}");
        }
    }

    #[test]
    fn below_one_the_minor_number_is_the_breaking_one() {
        assert_eq!(v("0.3.4").bumped(Bump::Major), v("0.4.0"));
        assert_eq!(v("0.3.4").bumped(Bump::Minor), v("0.3.5"));
        assert_eq!(v("0.3.4").bumped(Bump::Patch), v("0.3.5"));
        assert_eq!(v("1.3.4").bumped(Bump::Major), v("2.0.0"));
        assert_eq!(v("1.3.4").bumped(Bump::Minor), v("1.4.0"));
        assert_eq!(v("1.3.4").bumped(Bump::Patch), v("1.3.5"));
    }

    #[test]
    fn a_step_is_accounted_for_by_itself_or_a_larger_one() {
        assert!(v("0.3.4").accounts_for(v("0.4.0"), Bump::Major));
        assert!(v("0.3.4").accounts_for(v("1.0.0"), Bump::Major));
        assert!(!v("0.3.4").accounts_for(v("0.3.9"), Bump::Major));
        assert!(v("1.3.4").accounts_for(v("2.0.0"), Bump::Major));
        assert!(!v("1.3.4").accounts_for(v("1.9.0"), Bump::Major));
        assert!(v("1.3.4").accounts_for(v("1.4.0"), Bump::Minor));
        assert!(!v("1.3.4").accounts_for(v("1.3.5"), Bump::Minor));
        assert!(v("1.3.4").accounts_for(v("1.3.5"), Bump::Patch));
        assert!(!v("1.3.4").accounts_for(v("1.3.4"), Bump::Patch));
        assert!(v("1.3.4").accounts_for(v("1.3.4"), Bump::None));
    }
}

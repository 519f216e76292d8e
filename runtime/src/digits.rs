//! Integers wider than 64 bits, such as some gateways' payment ids, kept as their digits.

use std::fmt;

use serde::{Deserialize, Deserializer, Serialize, Serializer};

use crate::checked::Constrained;
use crate::error::{RuleKind, Violation, Violations};
use crate::format;
use crate::schema::Format;

/// An integer of any width as its decimal digits (`-` then ASCII digits), sent as a JSON string.
///
/// It never passes through `i64`, `u64` or `f64`: a 25-digit id arrives and leaves exactly as
/// written. A JSON number is refused: the JSON parser may already have rounded it. An answer
/// holds it as [`crate::Checked`], so a string that is no digits is kept as sent.
#[derive(Debug, Clone, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub struct Digits(String);

impl Digits {
    /// The digits as written.
    pub fn as_str(&self) -> &str {
        &self.0
    }
}

impl TryFrom<String> for Digits {
    type Error = Violations;

    fn try_from(text: String) -> Result<Self, Violations> {
        if format::check(Format::Digits, &text) {
            Ok(Digits(text))
        } else {
            Err(Violations(vec![Violation {
                path: String::new(),
                rule: RuleKind::Format,
                limit: format::name(Format::Digits).to_owned(),
            }]))
        }
    }
}

impl TryFrom<&str> for Digits {
    type Error = Violations;

    fn try_from(text: &str) -> Result<Self, Violations> {
        Digits::try_from(text.to_owned())
    }
}

impl From<i64> for Digits {
    fn from(value: i64) -> Self {
        Digits(value.to_string())
    }
}

impl From<u64> for Digits {
    fn from(value: u64) -> Self {
        Digits(value.to_string())
    }
}

impl fmt::Display for Digits {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.0)
    }
}

impl Serialize for Digits {
    fn serialize<S: Serializer>(&self, serializer: S) -> Result<S::Ok, S::Error> {
        serializer.serialize_str(&self.0)
    }
}

impl<'de> Deserialize<'de> for Digits {
    fn deserialize<D: Deserializer<'de>>(deserializer: D) -> Result<Self, D::Error> {
        let text = String::deserialize(deserializer)?;
        Digits::try_from(text).map_err(|_| serde::de::Error::custom("expected digits"))
    }
}

impl Constrained for Digits {
    type Raw = String;
    const SENSITIVE: bool = false;

    fn check(raw: String) -> Result<Self, Violations> {
        Digits::try_from(raw)
    }

    fn raw(&self) -> &String {
        &self.0
    }
}

#[cfg(test)]
mod tests {
    use super::Digits;

    #[test]
    fn wide_integers_keep_every_digit() {
        let wide = "123456789012345678901234567890";
        let digits = Digits::try_from(wide).unwrap();
        assert_eq!(
            serde_json::to_string(&digits).unwrap(),
            format!("\"{wide}\"")
        );
        let back: Digits = serde_json::from_str(&format!("\"{wide}\"")).unwrap();
        assert_eq!(back.as_str(), wide);
        // A JSON number may have been rounded by the parser already: refused, never kept wrong.
        assert!(serde_json::from_str::<Digits>("123456789012345678901234567890").is_err());
        assert!(serde_json::from_str::<Digits>("15").is_err());
        for bad in ["", "-", "12a", "1.0", " 1", "+1"] {
            assert!(Digits::try_from(bad).is_err(), "{bad}");
        }
        assert_eq!(Digits::try_from("-42").unwrap().to_string(), "-42");
    }
}

//! Integers wider than 64 bits, such as some gateways' payment ids, kept as their digits.

use std::fmt;

use serde::de::{self, Visitor};
use serde::{Deserialize, Deserializer, Serialize, Serializer};

use crate::error::{RuleKind, Violation, Violations};
use crate::format;
use crate::schema::Format;

/// An integer of any width as its decimal digits (`-` then ASCII digits), sent as a JSON string.
///
/// It never passes through `i64`, `u64` or `f64`: a 25-digit id arrives and leaves exactly as
/// written. A JSON number in an answer is accepted while it is an exact integer; a wider one has
/// already been rounded by the JSON parser and is refused rather than kept wrong.
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
        struct DigitsVisitor;

        impl Visitor<'_> for DigitsVisitor {
            type Value = Digits;

            fn expecting(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
                f.write_str("an integer as a string of digits")
            }

            fn visit_str<E: de::Error>(self, text: &str) -> Result<Digits, E> {
                Digits::try_from(text).map_err(|_| E::custom("expected digits"))
            }

            fn visit_i64<E: de::Error>(self, value: i64) -> Result<Digits, E> {
                Ok(Digits::from(value))
            }

            fn visit_u64<E: de::Error>(self, value: u64) -> Result<Digits, E> {
                Ok(Digits::from(value))
            }
        }

        deserializer.deserialize_any(DigitsVisitor)
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
        let small: Digits = serde_json::from_str("18446744073709551615").unwrap();
        assert_eq!(small.as_str(), "18446744073709551615");
        // Wider than u64, the parser has made it a float: refused, never rounded.
        assert!(serde_json::from_str::<Digits>("123456789012345678901234567890").is_err());
        assert!(serde_json::from_str::<Digits>("1.5").is_err());
        for bad in ["", "-", "12a", "1.0", " 1", "+1"] {
            assert!(Digits::try_from(bad).is_err(), "{bad}");
        }
        assert_eq!(Digits::try_from("-42").unwrap().to_string(), "-42");
    }
}

//! `MM.YYYY` values, such as a card's expiry.

use std::fmt;

use serde::{Deserialize, Deserializer, Serialize, Serializer};

/// A month of a year, written `MM.YYYY` on the wire (`12.2025`).
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub struct MonthYear {
    /// The full year, four digits on the wire.
    pub year: u16,
    /// 1 to 12.
    pub month: u8,
}

impl MonthYear {
    /// Parses `MM.YYYY`; `None` for anything else or a month outside 1 to 12.
    pub fn parse(text: &str) -> Option<Self> {
        let (month, year) = text.split_once('.')?;
        let digits = |s: &str, n: usize| s.len() == n && s.bytes().all(|b| b.is_ascii_digit());
        if !digits(month, 2) || !digits(year, 4) {
            return None;
        }
        let month: u8 = month.parse().ok()?;
        (1..=12).contains(&month).then_some(MonthYear {
            year: year.parse().ok()?,
            month,
        })
    }
}

impl fmt::Display for MonthYear {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{:02}.{:04}", self.month, self.year)
    }
}

impl Serialize for MonthYear {
    fn serialize<S: Serializer>(&self, serializer: S) -> Result<S::Ok, S::Error> {
        serializer.collect_str(self)
    }
}

impl<'de> Deserialize<'de> for MonthYear {
    fn deserialize<D: Deserializer<'de>>(deserializer: D) -> Result<Self, D::Error> {
        let text = String::deserialize(deserializer)?;
        MonthYear::parse(&text).ok_or_else(|| serde::de::Error::custom("expected MM.YYYY"))
    }
}

#[cfg(test)]
mod tests {
    use super::MonthYear;

    #[test]
    fn parses_and_prints_mm_yyyy() {
        let expiry = MonthYear::parse("08.2025").unwrap();
        assert_eq!((expiry.month, expiry.year), (8, 2025));
        assert_eq!(expiry.to_string(), "08.2025");
        for bad in [
            "8.2025", "13.2025", "00.2025", "12.25", "12-2025", "ab.2025", "",
        ] {
            assert!(MonthYear::parse(bad).is_none(), "{bad}");
        }
    }
}

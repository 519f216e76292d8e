//! Lists that travel as one text, their items joined with commas: `a,b,c`.

use std::fmt;
use std::str::FromStr;

use serde::{Deserialize, Deserializer, Serialize, Serializer};

use crate::error::{RuleKind, Violation, Violations};

/// Items sent as one string joined with `,` (`card,bank_transfer`): a query parameter or a field
/// that some gateways take instead of a JSON array. An empty list is the empty string.
///
/// An item whose text is empty or holds a comma would come back as other items, so such a list
/// cannot be built: [`CommaList::new`] refuses it, naming the item (rule `format`).
#[derive(Debug, Clone, PartialEq, Eq, Default)]
pub struct CommaList<T>(Vec<T>);

impl<T: fmt::Display> CommaList<T> {
    /// The list of `items`, or the violations of the items that cannot travel joined.
    pub fn new(items: Vec<T>) -> Result<Self, Violations> {
        let violations: Vec<Violation> = items
            .iter()
            .enumerate()
            .filter(|(_, item)| {
                let text = item.to_string();
                text.is_empty() || text.contains(',')
            })
            .map(|(index, _)| Violation {
                path: format!("/{index}"),
                rule: RuleKind::Format,
                limit: "comma_list item: not empty, no `,`".to_owned(),
            })
            .collect();
        if violations.is_empty() {
            Ok(CommaList(items))
        } else {
            Err(Violations(violations))
        }
    }
}

impl<T> CommaList<T> {
    /// The items, in order.
    pub fn items(&self) -> &[T] {
        &self.0
    }

    /// The items, taken out.
    pub fn into_items(self) -> Vec<T> {
        self.0
    }
}

impl<T: fmt::Display> fmt::Display for CommaList<T> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        for (index, item) in self.0.iter().enumerate() {
            if index > 0 {
                f.write_str(",")?;
            }
            item.fmt(f)?;
        }
        Ok(())
    }
}

impl<T: fmt::Display> Serialize for CommaList<T> {
    fn serialize<S: Serializer>(&self, serializer: S) -> Result<S::Ok, S::Error> {
        serializer.collect_str(self)
    }
}

impl<'de, T: FromStr> Deserialize<'de> for CommaList<T> {
    fn deserialize<D: Deserializer<'de>>(deserializer: D) -> Result<Self, D::Error> {
        let text = String::deserialize(deserializer)?;
        if text.is_empty() {
            return Ok(CommaList(Vec::new()));
        }
        text.split(',')
            .map(|item| {
                item.parse()
                    .map_err(|_| serde::de::Error::custom("a comma_list item of another type"))
            })
            .collect::<Result<Vec<T>, D::Error>>()
            .map(CommaList)
    }
}

#[cfg(test)]
mod tests {
    use super::CommaList;

    #[test]
    fn items_travel_joined_and_come_back_split() {
        let methods = CommaList::new(vec!["card".to_owned(), "bank_transfer".to_owned()]).unwrap();
        assert_eq!(
            serde_json::to_string(&methods).unwrap(),
            "\"card,bank_transfer\""
        );
        let back: CommaList<String> = serde_json::from_str("\"card,bank_transfer\"").unwrap();
        assert_eq!(back, methods);
        let numbers: CommaList<i64> = serde_json::from_str("\"3,-1\"").unwrap();
        assert_eq!(numbers.items(), [3, -1]);
        let empty: CommaList<String> = serde_json::from_str("\"\"").unwrap();
        assert!(empty.items().is_empty());
        assert_eq!(serde_json::to_string(&empty).unwrap(), "\"\"");
        assert!(serde_json::from_str::<CommaList<i64>>("\"3,x\"").is_err());
    }

    #[test]
    fn an_item_that_would_split_cannot_be_built() {
        let err =
            CommaList::new(vec!["a".to_owned(), "b,c".to_owned(), String::new()]).unwrap_err();
        let paths: Vec<&str> = err.iter().map(|v| v.path.as_str()).collect();
        assert_eq!(paths, ["/1", "/2"]);
    }
}

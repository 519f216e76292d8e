//! Serde helpers the generated response types use.

use std::collections::BTreeMap;

use serde::{Deserialize, Deserializer};

/// An optional map that may arrive as an object, as `[]` (platforms that serialise an empty
/// object as an empty array) or as null.
pub fn map_or_empty_list<'de, D, T>(
    deserializer: D,
) -> Result<Option<BTreeMap<String, T>>, D::Error>
where
    D: Deserializer<'de>,
    T: Deserialize<'de>,
{
    #[derive(Deserialize)]
    #[serde(untagged)]
    enum MapOrList<T> {
        Map(BTreeMap<String, T>),
        List(Vec<serde::de::IgnoredAny>),
    }
    match Option::<MapOrList<T>>::deserialize(deserializer)? {
        None => Ok(None),
        Some(MapOrList::Map(map)) => Ok(Some(map)),
        Some(MapOrList::List(items)) if items.is_empty() => Ok(Some(BTreeMap::new())),
        Some(MapOrList::List(_)) => Err(serde::de::Error::custom(
            "expected an object or an empty list",
        )),
    }
}

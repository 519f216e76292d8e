//! Serde helpers the generated response types use.

use serde::{Deserialize, Deserializer};

/// An optional map (`OrderedMap` or `BTreeMap`) that may arrive as an object, as `[]`
/// (platforms that serialise an empty object as an empty array) or as null.
pub fn map_or_empty_list<'de, D, M>(deserializer: D) -> Result<Option<M>, D::Error>
where
    D: Deserializer<'de>,
    M: Deserialize<'de> + Default,
{
    #[derive(Deserialize)]
    #[serde(untagged)]
    enum MapOrList<M> {
        Map(M),
        List(Vec<serde::de::IgnoredAny>),
    }
    match Option::<MapOrList<M>>::deserialize(deserializer)? {
        None => Ok(None),
        Some(MapOrList::Map(map)) => Ok(Some(map)),
        Some(MapOrList::List(items)) if items.is_empty() => Ok(Some(M::default())),
        Some(MapOrList::List(_)) => Err(serde::de::Error::custom(
            "expected an object or an empty list",
        )),
    }
}

#[cfg(test)]
mod tests {
    use std::collections::BTreeMap;

    use serde::Deserialize;
    use serde_json::json;

    use crate::OrderedMap;

    #[derive(Deserialize, Debug, PartialEq)]
    struct Answer {
        #[serde(default, deserialize_with = "super::map_or_empty_list")]
        body: Option<BTreeMap<String, i64>>,
    }

    fn read(value: serde_json::Value) -> Result<Option<BTreeMap<String, i64>>, String> {
        serde_json::from_value::<Answer>(value)
            .map(|a| a.body)
            .map_err(|e| e.to_string())
    }

    #[test]
    fn objects_empty_lists_nulls_and_absence() {
        let map = BTreeMap::from([("a".to_owned(), 1), ("b".to_owned(), 2)]);
        assert_eq!(read(json!({"body": {"a": 1, "b": 2}})), Ok(Some(map)));
        assert_eq!(read(json!({"body": {}})), Ok(Some(BTreeMap::new())));
        assert_eq!(read(json!({"body": []})), Ok(Some(BTreeMap::new())));
        assert_eq!(read(json!({"body": null})), Ok(None));
        assert_eq!(read(json!({})), Ok(None));
    }

    #[test]
    fn anything_else_is_an_error_that_does_not_quote_the_value() {
        for bad in [
            json!({"body": ["4111111111111111"]}),
            json!({"body": "4111111111111111"}),
            json!({"body": {"pan": "4111111111111111"}}),
            json!({"body": 4111111111111111_i64}),
        ] {
            let error = read(bad.clone()).expect_err(&bad.to_string());
            assert!(!error.contains("4111111111111111"), "{error}");
        }
    }

    #[derive(Deserialize, Debug, PartialEq)]
    struct OrderedAnswer {
        #[serde(default, deserialize_with = "super::map_or_empty_list")]
        vars: Option<OrderedMap<String>>,
    }

    #[test]
    fn ordered_maps_keep_message_order_and_take_empty_lists() {
        let answer: OrderedAnswer =
            serde_json::from_value(json!({"vars": {"z": "1", "a": "2"}})).unwrap();
        let vars = answer.vars.expect("the vars are there");
        assert_eq!(vars.keys().collect::<Vec<_>>(), ["z", "a"]);
        let empty: OrderedAnswer = serde_json::from_value(json!({"vars": []})).unwrap();
        assert_eq!(empty.vars, Some(OrderedMap::new()));
    }
}

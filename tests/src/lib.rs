//! Support for the project's tests: JSON editing, boundary checks, and the loopback HTTP
//! server of the simulator crate (re-exported as `TestServer`).
#![doc = include_str!("../../README.md")]

pub use oneclick_simulator::http::{Received, Reply, Server as TestServer};

/// `json` with `value` set at `pointer` (the last key created; `null` removes it).
pub fn with(
    mut json: serde_json::Value,
    pointer: &str,
    value: serde_json::Value,
) -> serde_json::Value {
    let (parent, key) = pointer.rsplit_once('/').expect("a JSON pointer");
    let target = json
        .pointer_mut(parent)
        .and_then(serde_json::Value::as_object_mut)
        .expect("the parent is an object");
    if value.is_null() {
        target.remove(key);
    } else {
        target.insert(key.to_string(), value);
    }
    json
}

/// JSON pointers of every scalar in `value`: the places a tampering test changes.
pub fn leaves(value: &serde_json::Value) -> Vec<String> {
    fn walk(value: &serde_json::Value, pointer: String, out: &mut Vec<String>) {
        match value {
            serde_json::Value::Object(map) => map
                .iter()
                .for_each(|(k, v)| walk(v, format!("{pointer}/{k}"), out)),
            serde_json::Value::Array(items) => items
                .iter()
                .enumerate()
                .for_each(|(i, v)| walk(v, format!("{pointer}/{i}"), out)),
            _ => out.push(pointer),
        }
    }
    let mut out = Vec::new();
    walk(value, String::new(), &mut out);
    out
}

/// Each violation as `"<path> <rule>"`: what tests compare against.
pub fn violation_lines(violations: &oneclick_runtime::Violations) -> Vec<String> {
    violations
        .iter()
        .map(|v| format!("{} {}", v.path, v.rule.as_str()))
        .collect()
}

/// Checks every `(pointer, accepted values, rejected value, rule)` case against `object`,
/// starting from the valid `base`: the accepted values pass, the rejected one fails with
/// exactly that path and rule.
pub fn check_boundaries(
    object: &'static oneclick_runtime::schema::Object,
    base: &serde_json::Value,
    cases: Vec<(&str, Vec<serde_json::Value>, serde_json::Value, &str)>,
) {
    let lines = |json: &serde_json::Value| {
        violation_lines(&oneclick_runtime::Violations(
            oneclick_runtime::validate::validate_value(object, json),
        ))
    };
    assert_eq!(lines(base), Vec::<String>::new(), "the base is valid");
    for (pointer, inside, outside, rule) in cases {
        for value in inside {
            let json = with(base.clone(), pointer, value.clone());
            assert_eq!(lines(&json), Vec::<String>::new(), "{pointer} = {value}");
        }
        let json = with(base.clone(), pointer, outside.clone());
        assert_eq!(
            lines(&json),
            [format!("{pointer} {rule}")],
            "{pointer} = {outside}"
        );
    }
}

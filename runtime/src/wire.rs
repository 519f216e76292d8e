//! How generated object types cross the wire: their serde impls are emitted as one
//! [`Writer`] chain and one [`Reader`] per type, through a JSON object, instead of
//! `#[derive(Serialize, Deserialize)]`.
//!
//! A derive would make every merchant's program build `serde_derive` (and `syn` with it) and
//! type-check a visitor per type; a client's types are JSON objects anyway, so reading and
//! writing them field by field is as lenient as the derive was and costs a fraction to compile.

use std::collections::BTreeMap;
use std::fmt;
use std::marker::PhantomData;

use serde::de::{DeserializeOwned, Unexpected};
use serde::ser::Error as _;
use serde::{Deserialize, Deserializer, Serialize, Serializer};
use serde_json::{Map, Value};

/// `Serialize` and `Deserialize` of a generated struct, one line per field: its Rust name, how
/// it travels (`required`, `optional`, `optional_map` for a map an answer may send as `[]`,
/// `flatten` for an enum of alternative field groups, `rest` for the fields the spec does not
/// name) and its wire name. Written in declaration order, read by name.
#[doc(hidden)]
#[macro_export]
macro_rules! wire_object {
    (@write $writer:ident, $value:expr, required $wire:literal) => { $writer.field($wire, $value) };
    (@write $writer:ident, $value:expr, optional $wire:literal) => { $writer.optional($wire, $value) };
    (@write $writer:ident, $value:expr, optional_map $wire:literal) => { $writer.optional($wire, $value) };
    (@write $writer:ident, $value:expr, flatten) => { $writer.flatten($value) };
    (@write $writer:ident, $value:expr, rest) => { $writer.other($value) };
    (@read $reader:ident, required $wire:literal) => { $reader.required($wire)? };
    (@read $reader:ident, optional $wire:literal) => { $reader.optional($wire)? };
    (@read $reader:ident, optional_map $wire:literal) => { $reader.optional_map($wire)? };
    (@read $reader:ident, flatten) => { $reader.flatten()? };
    (@read $reader:ident, rest) => { $reader.rest() };
    ($name:ident { $($field:ident: $mode:ident $($wire:literal)?),* $(,)? }) => {
        impl $crate::newtype::serde::Serialize for $name {
            fn serialize<S: $crate::newtype::serde::Serializer>(
                &self,
                serializer: S,
            ) -> ::std::result::Result<S::Ok, S::Error> {
                let writer = $crate::wire::Writer::new();
                $(let writer = $crate::wire_object!(@write writer, &self.$field, $mode $($wire)?);)*
                writer.finish(serializer)
            }
        }

        impl<'de> $crate::newtype::serde::Deserialize<'de> for $name {
            fn deserialize<D: $crate::newtype::serde::Deserializer<'de>>(
                deserializer: D,
            ) -> ::std::result::Result<Self, D::Error> {
                #[allow(unused_mut)]
                let mut object = $crate::wire::Reader::new(
                    deserializer,
                    concat!("struct ", stringify!($name)),
                )?;
                Ok(Self {
                    $($field: $crate::wire_object!(@read object, $mode $($wire)?),)*
                })
            }
        }
    };
}

/// `Serialize` and `Deserialize` of a generated enum of alternative field groups: a value
/// writes its case's fields; reading takes the first case, in the spec's order, whose fields
/// read. Each case lists its fields as [`wire_object!`] does.
#[doc(hidden)]
#[macro_export]
macro_rules! wire_cases {
    ($name:ident { $($case:ident { $($field:ident: $mode:ident $wire:literal),* $(,)? }),* $(,)? }) => {
        impl $crate::newtype::serde::Serialize for $name {
            fn serialize<S: $crate::newtype::serde::Serializer>(
                &self,
                serializer: S,
            ) -> ::std::result::Result<S::Ok, S::Error> {
                match self {
                    $(Self::$case { $($field),* } => {
                        let writer = $crate::wire::Writer::new();
                        $(let writer = $crate::wire_object!(@write writer, $field, $mode $wire);)*
                        writer.finish(serializer)
                    })*
                }
            }
        }

        impl<'de> $crate::newtype::serde::Deserialize<'de> for $name {
            fn deserialize<D: $crate::newtype::serde::Deserializer<'de>>(
                deserializer: D,
            ) -> ::std::result::Result<Self, D::Error> {
                $crate::wire::Reader::new(deserializer, concat!("enum ", stringify!($name)))?
                    .first_case(
                        &[$(|case| {
                            Ok(Self::$case {
                                $($field: $crate::wire_object!(@read case, $mode $wire),)*
                            })
                        }),*],
                        stringify!($name),
                    )
            }
        }
    };
}

/// Writes an object's fields in declaration order: optional fields only when set, the
/// fields of a flattened part after the object's own, fields the spec does not name last.
#[must_use]
pub struct Writer {
    object: Map<String, Value>,
    error: Option<serde_json::Error>,
}

impl Default for Writer {
    fn default() -> Self {
        Self::new()
    }
}

impl Writer {
    /// An object with no fields yet.
    pub fn new() -> Self {
        Self {
            object: Map::new(),
            error: None,
        }
    }

    /// Writes a field that is always present.
    pub fn field<T: Serialize + ?Sized>(self, name: &str, value: &T) -> Self {
        self.put(name, serde_json::to_value(value))
    }

    /// The part of [`Writer::field`] that does not depend on the field's type, compiled once.
    fn put(mut self, name: &str, value: serde_json::Result<Value>) -> Self {
        if self.error.is_none() {
            match value {
                Ok(value) => {
                    self.object.insert(name.to_owned(), value);
                }
                Err(err) => self.error = Some(err),
            }
        }
        self
    }

    /// Writes a field when it is set; an unset field is left out, not written as null.
    pub fn optional<T: Serialize>(self, name: &str, value: &Option<T>) -> Self {
        match value {
            Some(value) => self.field(name, value),
            None => self,
        }
    }

    /// Writes the fields of a part whose fields sit beside the object's own (one of a set of
    /// alternative field groups).
    pub fn flatten<T: Serialize>(mut self, part: &T) -> Self {
        if self.error.is_none() {
            match serde_json::to_value(part) {
                Ok(Value::Object(fields)) => self.object.extend(fields),
                Ok(_) => {
                    self.error = Some(serde_json::Error::custom(
                        "a flattened part must be written as an object",
                    ));
                }
                Err(err) => self.error = Some(err),
            }
        }
        self
    }

    /// Writes the fields the spec does not name, as they were received.
    pub fn other(mut self, fields: &BTreeMap<String, Value>) -> Self {
        self.object.extend(
            fields
                .iter()
                .map(|(name, value)| (name.clone(), value.clone())),
        );
        self
    }

    /// Hands the object to `serializer`.
    pub fn finish<S: Serializer>(self, serializer: S) -> Result<S::Ok, S::Error> {
        match self.error {
            Some(err) => Err(S::Error::custom(err)),
            None => self.object.serialize(serializer),
        }
    }
}

/// Reads an object's fields by name. Fields it is not asked for are ignored, or kept with
/// [`Reader::rest`]; a field that does not decode is an error naming the field.
pub struct Reader<E> {
    object: Map<String, Value>,
    error: PhantomData<fn() -> E>,
}

impl<E> Clone for Reader<E> {
    fn clone(&self) -> Self {
        Self {
            object: self.object.clone(),
            error: PhantomData,
        }
    }
}

impl<E: serde::de::Error> Reader<E> {
    /// Reads the object `deserializer` holds; anything else is an error expecting `expected`
    /// (`"struct Name"`).
    pub fn new<'de, D>(deserializer: D, expected: &'static str) -> Result<Self, E>
    where
        D: Deserializer<'de, Error = E>,
    {
        match Value::deserialize(deserializer)? {
            Value::Object(object) => Ok(Self {
                object,
                error: PhantomData,
            }),
            other => Err(E::invalid_type(unexpected(&other), &expected)),
        }
    }

    /// A field that must be present.
    pub fn required<T: DeserializeOwned>(&mut self, name: &'static str) -> Result<T, E> {
        match self.object.remove(name) {
            Some(value) => decode(name, value),
            None => Err(E::missing_field(name)),
        }
    }

    /// A field that may be absent or null.
    pub fn optional<T: DeserializeOwned>(&mut self, name: &str) -> Result<Option<T>, E> {
        match self.object.remove(name) {
            Some(value) => decode(name, value),
            None => Ok(None),
        }
    }

    /// A map field that may be absent or null, or arrive as `[]`: some platforms serialise an
    /// empty object as an empty array.
    pub fn optional_map<M: DeserializeOwned + Default>(
        &mut self,
        name: &str,
    ) -> Result<Option<M>, E> {
        match self.object.remove(name) {
            Some(Value::Array(items)) if items.is_empty() => Ok(Some(M::default())),
            Some(Value::Array(_)) => Err(E::custom(format_args!(
                "{name}: expected an object or an empty list"
            ))),
            Some(value) => decode(name, value),
            None => Ok(None),
        }
    }

    /// A part whose fields sit beside the object's own, read from the fields not read yet.
    /// They stay unread, so [`Reader::rest`] keeps them too, as a serde flatten does.
    pub fn flatten<T: DeserializeOwned>(&self) -> Result<T, E> {
        T::deserialize(Value::Object(self.object.clone())).map_err(E::custom)
    }

    /// The first of `cases` (one per alternative field group, in the spec's order) that reads
    /// without error; each reads from its own copy of the fields.
    pub fn first_case<T>(self, cases: &[ReadCase<T, E>], expected: &'static str) -> Result<T, E> {
        cases
            .iter()
            .find_map(|case| case(&mut self.clone()).ok())
            .ok_or_else(|| E::custom(format_args!("no case of {expected} matches the fields")))
    }

    /// The fields not read, as received.
    pub fn rest(self) -> BTreeMap<String, Value> {
        self.object.into_iter().collect()
    }
}

/// Reads one alternative field group from its own copy of an object's fields.
pub type ReadCase<T, E> = fn(&mut Reader<E>) -> Result<T, E>;

fn decode<T: DeserializeOwned, E: serde::de::Error>(name: &str, value: Value) -> Result<T, E> {
    T::deserialize(value).map_err(|err| E::custom(Field(name, err)))
}

/// A field's decoding error, prefixed with the field's wire name so that a nested failure
/// reads as a path (`order: items: …`).
struct Field<'a>(&'a str, serde_json::Error);

impl fmt::Display for Field<'_> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{}: {}", self.0, self.1)
    }
}

fn unexpected(value: &Value) -> Unexpected<'_> {
    match value {
        Value::Null => Unexpected::Unit,
        Value::Bool(b) => Unexpected::Bool(*b),
        Value::Number(n) => match (n.as_i64(), n.as_u64(), n.as_f64()) {
            (Some(i), _, _) => Unexpected::Signed(i),
            (None, Some(u), _) => Unexpected::Unsigned(u),
            (None, None, Some(f)) => Unexpected::Float(f),
            (None, None, None) => Unexpected::Other("number"),
        },
        Value::String(s) => Unexpected::Str(s),
        Value::Array(_) => Unexpected::Seq,
        Value::Object(_) => Unexpected::Map,
    }
}

#[cfg(test)]
mod tests {
    use serde_json::json;

    use super::*;

    #[derive(Debug, PartialEq)]
    struct Pair {
        id: String,
        note: Option<String>,
        labels: Option<BTreeMap<String, String>>,
        other: BTreeMap<String, Value>,
    }

    crate::wire_object!(Pair {
        id: required "id",
        note: optional "note",
        labels: optional_map "labels",
        other: rest,
    });

    #[derive(Debug, PartialEq)]
    enum Instrument {
        Card { pan: String },
        Token { token: String, note: Option<String> },
    }

    crate::wire_cases!(Instrument {
        Card { pan: required "pan" },
        Token { token: required "token", note: optional "note" },
    });

    #[test]
    fn writes_fields_in_order_and_leaves_unset_ones_out() {
        let pair = Pair {
            id: "7".into(),
            note: None,
            labels: Some(BTreeMap::from([("a".into(), "b".into())])),
            other: BTreeMap::from([("zeta".into(), json!(1))]),
        };
        assert_eq!(
            serde_json::to_string(&pair).unwrap(),
            r#"{"id":"7","labels":{"a":"b"},"zeta":1}"#
        );
    }

    #[test]
    fn reads_named_fields_and_keeps_the_rest() {
        let pair: Pair =
            serde_json::from_str(r#"{"id":"7","note":null,"labels":[],"new":true}"#).unwrap();
        assert_eq!(
            pair,
            Pair {
                id: "7".into(),
                note: None,
                labels: Some(BTreeMap::new()),
                other: BTreeMap::from([("new".into(), json!(true))]),
            }
        );
    }

    #[test]
    fn names_the_field_that_fails() {
        let missing = serde_json::from_str::<Pair>(r#"{"note":"x"}"#).unwrap_err();
        assert_eq!(missing.to_string(), "missing field `id`");
        let wrong = serde_json::from_value::<Pair>(json!({"id": 7})).unwrap_err();
        assert_eq!(
            wrong.to_string(),
            "id: invalid type: integer `7`, expected a string"
        );
        let list = serde_json::from_value::<Pair>(json!({"id": "7", "labels": [1]})).unwrap_err();
        assert_eq!(
            list.to_string(),
            "labels: expected an object or an empty list"
        );
        let not_object = serde_json::from_value::<Pair>(json!("7")).unwrap_err();
        assert_eq!(
            not_object.to_string(),
            r#"invalid type: string "7", expected struct Pair"#
        );
    }

    #[test]
    fn picks_the_first_case_whose_fields_read() {
        let token: Instrument = serde_json::from_value(json!({"token": "t", "x": 1})).unwrap();
        assert_eq!(
            token,
            Instrument::Token {
                token: "t".into(),
                note: None
            }
        );
        let card: Instrument = serde_json::from_value(json!({"pan": "p", "token": "t"})).unwrap();
        assert_eq!(card, Instrument::Card { pan: "p".into() });
        assert_eq!(serde_json::to_string(&token).unwrap(), r#"{"token":"t"}"#);
        let none = serde_json::from_value::<Instrument>(json!({"id": 1})).unwrap_err();
        assert_eq!(none.to_string(), "no case of Instrument matches the fields");
    }
}

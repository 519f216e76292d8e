//! Typed answers that stay lenient. A gateway may start sending a value its documents rule out
//! (a longer id, a new format) long before anyone updates the spec; one such field must not make
//! a whole answer, a payment's status say, fail to decode. So an answer's constrained field is
//! a [`Checked`] value: the generated newtype when the value keeps the spec's constraints, the
//! value as it came otherwise. Requests stay strict: they take the newtype itself.

use std::fmt;
use std::hash::{Hash, Hasher};

use serde::de::DeserializeOwned;
use serde::{Deserialize, Deserializer, Serialize, Serializer};

use crate::Violations;

/// A newtype that holds only values keeping the spec's constraints. Every generated constrained
/// scalar implements it, which is what lets answers carry it as [`Checked`].
pub trait Constrained: Sized {
    /// The value as it travels: `String` or `i64`.
    type Raw: Clone + Eq + Hash + fmt::Debug + Serialize + DeserializeOwned;

    /// Card data or a secret: a value that breaks the constraints is not printed either.
    const SENSITIVE: bool;

    /// The newtype, or every constraint `raw` breaks.
    fn check(raw: Self::Raw) -> Result<Self, Violations>;

    /// The value inside.
    fn raw(&self) -> &Self::Raw;
}

/// A value from a gateway's answer that the spec constrains to a `T`: typed when it keeps the
/// constraints, kept as sent when it does not, so the answer around it still decodes.
///
/// Serialises as the value it was decoded from, whichever it is.
#[derive(Clone)]
pub struct Checked<T: Constrained>(Verdict<T>);

#[derive(Clone)]
enum Verdict<T: Constrained> {
    Valid(T),
    Invalid(T::Raw),
}

impl<T: Constrained> Checked<T> {
    /// Checks `raw` against `T`'s constraints, keeping it either way.
    pub fn new(raw: T::Raw) -> Self {
        match T::check(raw.clone()) {
            Ok(value) => Self(Verdict::Valid(value)),
            Err(_) => Self(Verdict::Invalid(raw)),
        }
    }

    /// The typed value, when it keeps the spec's constraints.
    pub fn valid(&self) -> Option<&T> {
        match &self.0 {
            Verdict::Valid(value) => Some(value),
            Verdict::Invalid(_) => None,
        }
    }

    /// The typed value, or the constraints it breaks (a [`Violations`] never quotes the value).
    pub fn into_valid(self) -> Result<T, Violations> {
        match self.0 {
            Verdict::Valid(value) => Ok(value),
            Verdict::Invalid(raw) => T::check(raw),
        }
    }

    /// Whether the value keeps the spec's constraints.
    pub fn is_valid(&self) -> bool {
        matches!(self.0, Verdict::Valid(_))
    }

    /// The value as the gateway sent it, valid or not.
    pub fn raw(&self) -> &T::Raw {
        match &self.0 {
            Verdict::Valid(value) => value.raw(),
            Verdict::Invalid(raw) => raw,
        }
    }
}

impl<T: Constrained<Raw = String>> Checked<T> {
    /// The text as the gateway sent it, valid or not.
    pub fn as_str(&self) -> &str {
        self.raw()
    }
}

impl<T: Constrained> From<T> for Checked<T> {
    fn from(value: T) -> Self {
        Self(Verdict::Valid(value))
    }
}

/// A valid value prints as its newtype does (which hides card data); an invalid one as
/// `Invalid(..)`, with the value hidden when the type is sensitive.
impl<T: Constrained + fmt::Debug> fmt::Debug for Checked<T> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match &self.0 {
            Verdict::Valid(value) => value.fmt(f),
            Verdict::Invalid(_) if T::SENSITIVE => f.write_str("Invalid(***)"),
            Verdict::Invalid(raw) => f.debug_tuple("Invalid").field(raw).finish(),
        }
    }
}

/// Two values are equal when the gateway sent the same thing.
impl<T: Constrained> PartialEq for Checked<T> {
    fn eq(&self, other: &Self) -> bool {
        self.raw() == other.raw()
    }
}

impl<T: Constrained> Eq for Checked<T> {}

impl<T: Constrained> Hash for Checked<T> {
    fn hash<H: Hasher>(&self, state: &mut H) {
        self.raw().hash(state);
    }
}

impl<T: Constrained> Serialize for Checked<T> {
    fn serialize<S: Serializer>(&self, serializer: S) -> Result<S::Ok, S::Error> {
        self.raw().serialize(serializer)
    }
}

/// A value of the wrong JSON type is still an error: there is nothing to keep.
impl<'de, T: Constrained> Deserialize<'de> for Checked<T> {
    fn deserialize<D: Deserializer<'de>>(deserializer: D) -> Result<Self, D::Error> {
        T::Raw::deserialize(deserializer).map(Self::new)
    }
}

#[cfg(test)]
mod tests {
    use serde_json::json;

    use super::{Checked, Constrained};
    use crate::{RuleKind, Violation, Violations};

    /// Up to four digits, like an order number.
    #[derive(Debug, Clone, PartialEq, Eq, Hash)]
    struct Short(String);

    impl Constrained for Short {
        type Raw = String;
        const SENSITIVE: bool = false;

        fn check(raw: String) -> Result<Self, Violations> {
            if raw.len() <= 4 && raw.chars().all(|c| c.is_ascii_digit()) {
                Ok(Self(raw))
            } else {
                Err(Violations(vec![Violation {
                    path: String::new(),
                    rule: RuleKind::Pattern,
                    limit: "^[0-9]{0,4}$".into(),
                }]))
            }
        }

        fn raw(&self) -> &String {
            &self.0
        }
    }

    /// A card number: never printed.
    #[derive(Clone, PartialEq, Eq, Hash)]
    struct Pan(String);

    impl std::fmt::Debug for Pan {
        fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
            f.write_str("Pan(***)")
        }
    }

    impl Constrained for Pan {
        type Raw = String;
        const SENSITIVE: bool = true;

        fn check(raw: String) -> Result<Self, Violations> {
            if raw.len() == 16 {
                Ok(Self(raw))
            } else {
                Err(Violations(vec![Violation {
                    path: String::new(),
                    rule: RuleKind::MinLength,
                    limit: "16 chars".into(),
                }]))
            }
        }

        fn raw(&self) -> &String {
            &self.0
        }
    }

    #[test]
    fn a_valid_value_is_typed() {
        let value: Checked<Short> = serde_json::from_value(json!("1234")).unwrap();
        assert!(value.is_valid());
        assert_eq!(value.valid(), Some(&Short("1234".into())));
        assert_eq!(value.raw(), "1234");
        assert_eq!(value.into_valid(), Ok(Short("1234".into())));
    }

    #[test]
    fn a_value_that_breaks_the_constraints_is_kept_and_reported() {
        let value: Checked<Short> = serde_json::from_value(json!("12345-new")).unwrap();
        assert!(!value.is_valid());
        assert_eq!(value.valid(), None);
        assert_eq!(value.raw(), "12345-new");
        assert_eq!(serde_json::to_value(&value).unwrap(), json!("12345-new"));
        let violations = value.into_valid().unwrap_err();
        assert_eq!(violations.0[0].rule, RuleKind::Pattern);
    }

    #[test]
    fn a_value_of_the_wrong_json_type_is_still_an_error() {
        assert!(serde_json::from_value::<Checked<Short>>(json!(12)).is_err());
    }

    #[test]
    fn sensitive_values_never_print() {
        let invalid: Checked<Pan> = serde_json::from_value(json!("4111")).unwrap();
        let valid: Checked<Pan> = serde_json::from_value(json!("4111111111111111")).unwrap();
        assert_eq!(format!("{invalid:?}"), "Invalid(***)");
        assert_eq!(format!("{valid:?}"), "Pan(***)");
        let short: Checked<Short> = serde_json::from_value(json!("x")).unwrap();
        assert_eq!(format!("{short:?}"), r#"Invalid("x")"#);
    }
}

//! The trait impls that every enum and constrained scalar of a generated crate shares, as macros
//! its `types` module invokes once per type. What differs between two such types (the variants
//! and their wire values, the constraints) stays in the generated code; what is the same for all
//! of them lives here once, so the generator neither emits nor formats it a hundred times.
//! Macros rather than blanket impls over a trait: each expands to the same monomorphic code a
//! hand-written impl would be, so a generated crate compiles no more than before.

/// For generated code only. The serde paths the macros expand to: a generated crate names serde
/// itself, but the macros must not depend on how it does.
#[doc(hidden)]
pub use serde;

/// `Display`, `Serialize` and `Deserialize` of a string enum through its `as_str` and
/// `From<&str>`: every value, an unknown one included, travels as its wire text.
#[doc(hidden)]
#[macro_export]
macro_rules! string_enum_impls {
    ($name:ident) => {
        impl ::std::fmt::Display for $name {
            fn fmt(&self, f: &mut ::std::fmt::Formatter<'_>) -> ::std::fmt::Result {
                f.write_str(self.as_str())
            }
        }

        impl $crate::newtype::serde::Serialize for $name {
            fn serialize<S: $crate::newtype::serde::Serializer>(
                &self,
                serializer: S,
            ) -> ::std::result::Result<S::Ok, S::Error> {
                serializer.serialize_str(self.as_str())
            }
        }

        impl<'de> $crate::newtype::serde::Deserialize<'de> for $name {
            fn deserialize<D: $crate::newtype::serde::Deserializer<'de>>(
                deserializer: D,
            ) -> ::std::result::Result<Self, D::Error> {
                let value =
                    <::std::string::String as $crate::newtype::serde::Deserialize>::deserialize(
                        deserializer,
                    )?;
                Ok(Self::from(value.as_str()))
            }
        }
    };
}

/// `Display`, `Serialize` and `Deserialize` of an integer enum through its `code` and
/// `From<i64>`: every value, an unknown one included, travels as its wire number.
#[doc(hidden)]
#[macro_export]
macro_rules! integer_enum_impls {
    ($name:ident) => {
        impl ::std::fmt::Display for $name {
            fn fmt(&self, f: &mut ::std::fmt::Formatter<'_>) -> ::std::fmt::Result {
                write!(f, "{}", self.code())
            }
        }

        impl $crate::newtype::serde::Serialize for $name {
            fn serialize<S: $crate::newtype::serde::Serializer>(
                &self,
                serializer: S,
            ) -> ::std::result::Result<S::Ok, S::Error> {
                serializer.serialize_i64(self.code())
            }
        }

        impl<'de> $crate::newtype::serde::Deserialize<'de> for $name {
            fn deserialize<D: $crate::newtype::serde::Deserializer<'de>>(
                deserializer: D,
            ) -> ::std::result::Result<Self, D::Error> {
                <i64 as $crate::newtype::serde::Deserialize>::deserialize(deserializer)
                    .map(Self::from)
            }
        }
    };
}

/// The impls of a constrained string newtype `struct $name(String)`: `TryFrom<String>` and
/// `TryFrom<&str>` checking `$constraints` (a `schema` static of the generated crate),
/// `Deserialize` checking them too, [`Constrained`](crate::Constrained), `as_str`,
/// `into_inner`, `AsRef<str>` and `Serialize`. A `sensitive` value (card data, a secret) gets a
/// `Debug` that never prints it and no `Display`; any other gets a `Display` of its text.
#[doc(hidden)]
#[macro_export]
macro_rules! string_scalar {
    (@checked $name:ident, $constraints:path, $sensitive:literal) => {
        impl $name {
            /// The value as a string slice.
            pub fn as_str(&self) -> &str {
                &self.0
            }

            /// The value, giving up the type's guarantee.
            pub fn into_inner(self) -> ::std::string::String {
                self.0
            }
        }

        impl ::std::convert::TryFrom<::std::string::String> for $name {
            type Error = $crate::Violations;

            fn try_from(value: ::std::string::String) -> ::std::result::Result<Self, Self::Error> {
                $crate::validate::check_str($constraints, &value)?;
                Ok(Self(value))
            }
        }

        impl ::std::convert::TryFrom<&str> for $name {
            type Error = $crate::Violations;

            fn try_from(value: &str) -> ::std::result::Result<Self, Self::Error> {
                Self::try_from(value.to_string())
            }
        }

        impl $crate::Constrained for $name {
            type Raw = ::std::string::String;
            const SENSITIVE: bool = $sensitive;

            fn check(raw: ::std::string::String) -> ::std::result::Result<Self, $crate::Violations> {
                Self::try_from(raw)
            }

            fn raw(&self) -> &::std::string::String {
                &self.0
            }
        }

        impl ::std::convert::AsRef<str> for $name {
            fn as_ref(&self) -> &str {
                &self.0
            }
        }

        impl $crate::newtype::serde::Serialize for $name {
            fn serialize<S: $crate::newtype::serde::Serializer>(
                &self,
                serializer: S,
            ) -> ::std::result::Result<S::Ok, S::Error> {
                serializer.serialize_str(&self.0)
            }
        }

        impl<'de> $crate::newtype::serde::Deserialize<'de> for $name {
            fn deserialize<D: $crate::newtype::serde::Deserializer<'de>>(
                deserializer: D,
            ) -> ::std::result::Result<Self, D::Error> {
                let value =
                    <::std::string::String as $crate::newtype::serde::Deserialize>::deserialize(
                        deserializer,
                    )?;
                Self::try_from(value).map_err(<D::Error as $crate::newtype::serde::de::Error>::custom)
            }
        }
    };
    ($name:ident, $constraints:path, sensitive) => {
        $crate::string_scalar!(@checked $name, $constraints, true);
        $crate::sensitive_debug!($name);
    };
    ($name:ident, $constraints:path) => {
        $crate::string_scalar!(@checked $name, $constraints, false);
        $crate::inner_display!($name);
    };
}

/// The impls of a constrained integer newtype `struct $name(i64)`: `TryFrom<i64>` and
/// `Deserialize` checking `$constraints` (a `schema` static of the generated crate),
/// [`Constrained`](crate::Constrained), `get` and `Serialize`. A `sensitive` value gets a
/// `Debug` that never prints it and no `Display`; any other gets a `Display` of its number.
#[doc(hidden)]
#[macro_export]
macro_rules! integer_scalar {
    (@checked $name:ident, $constraints:path, $sensitive:literal) => {
        impl $name {
            /// The value.
            pub fn get(self) -> i64 {
                self.0
            }
        }

        impl ::std::convert::TryFrom<i64> for $name {
            type Error = $crate::Violations;

            fn try_from(value: i64) -> ::std::result::Result<Self, Self::Error> {
                $crate::validate::check_int($constraints, value)?;
                Ok(Self(value))
            }
        }

        impl $crate::Constrained for $name {
            type Raw = i64;
            const SENSITIVE: bool = $sensitive;

            fn check(raw: i64) -> ::std::result::Result<Self, $crate::Violations> {
                Self::try_from(raw)
            }

            fn raw(&self) -> &i64 {
                &self.0
            }
        }

        impl $crate::newtype::serde::Serialize for $name {
            fn serialize<S: $crate::newtype::serde::Serializer>(
                &self,
                serializer: S,
            ) -> ::std::result::Result<S::Ok, S::Error> {
                serializer.serialize_i64(self.0)
            }
        }

        impl<'de> $crate::newtype::serde::Deserialize<'de> for $name {
            fn deserialize<D: $crate::newtype::serde::Deserializer<'de>>(
                deserializer: D,
            ) -> ::std::result::Result<Self, D::Error> {
                let value = <i64 as $crate::newtype::serde::Deserialize>::deserialize(deserializer)?;
                Self::try_from(value).map_err(<D::Error as $crate::newtype::serde::de::Error>::custom)
            }
        }
    };
    ($name:ident, $constraints:path, sensitive) => {
        $crate::integer_scalar!(@checked $name, $constraints, true);
        $crate::sensitive_debug!($name);
    };
    ($name:ident, $constraints:path) => {
        $crate::integer_scalar!(@checked $name, $constraints, false);
        $crate::inner_display!($name);
    };
}

/// Card data or a secret: `Debug` prints the type's name and `***`, never the value.
#[doc(hidden)]
#[macro_export]
macro_rules! sensitive_debug {
    ($name:ident) => {
        impl ::std::fmt::Debug for $name {
            fn fmt(&self, f: &mut ::std::fmt::Formatter<'_>) -> ::std::fmt::Result {
                f.write_str(concat!(stringify!($name), "(***)"))
            }
        }
    };
}

/// `Display` of a newtype as the value inside it.
#[doc(hidden)]
#[macro_export]
macro_rules! inner_display {
    ($name:ident) => {
        impl ::std::fmt::Display for $name {
            fn fmt(&self, f: &mut ::std::fmt::Formatter<'_>) -> ::std::fmt::Result {
                ::std::fmt::Display::fmt(&self.0, f)
            }
        }
    };
}

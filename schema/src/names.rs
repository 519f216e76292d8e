//! Closed sets of names: each set is one table of Rust variants and spec-language names, from
//! which parsing, printing and the list of allowed values are all derived.

use std::fmt;

/// A set of values the spec language names with fixed words, such as the formats or the HTTP
/// methods. Generic code (the spec reader, the generator) works through this trait; other code
/// uses the inherent `ALL` and `as_str` of each set.
pub trait ClosedSet: Copy + Sized + 'static {
    /// The Rust name of the type, as generated code spells it: `Format`.
    const TYPE_NAME: &'static str;
    /// Every value, in the order the spec language documents them.
    const ALL: &'static [Self];
    /// The spec-language name of every value, in the order of [`ClosedSet::ALL`].
    const NAMES: &'static [&'static str];
    /// The value's name in the spec language: `iso_date`.
    fn as_str(self) -> &'static str;
    /// The value's Rust variant name, as generated code spells it: `IsoDate`.
    fn variant_name(self) -> &'static str;
}

/// A name that is not in the closed set it was read for.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct UnknownName {
    /// The name as written.
    pub found: String,
    /// Every name the set accepts, in documentation order.
    pub allowed: Vec<&'static str>,
}

impl fmt::Display for UnknownName {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(
            f,
            "unknown name `{}`; expected one of {}",
            self.found,
            self.allowed.join(", ")
        )
    }
}

impl std::error::Error for UnknownName {}

/// Defines a closed set from its table: `Variant => "spec name"`, one line per value.
macro_rules! closed_set {
    (
        $(#[$meta:meta])*
        pub enum $name:ident {
            $( $(#[$variant_meta:meta])* $variant:ident => $text:literal, )+
        }
    ) => {
        $(#[$meta])*
        #[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
        pub enum $name {
            $( $(#[$variant_meta])* $variant, )+
        }

        impl $name {
            /// Every value, in the order the spec language documents them.
            pub const ALL: &'static [$name] = &[$($name::$variant),+];

            /// The value's name in the spec language.
            pub const fn as_str(self) -> &'static str {
                match self {
                    $($name::$variant => $text,)+
                }
            }
        }

        impl $crate::ClosedSet for $name {
            const TYPE_NAME: &'static str = stringify!($name);
            const ALL: &'static [$name] = $name::ALL;
            const NAMES: &'static [&'static str] = &[$($text),+];

            fn as_str(self) -> &'static str {
                $name::as_str(self)
            }

            fn variant_name(self) -> &'static str {
                match self {
                    $($name::$variant => stringify!($variant),)+
                }
            }
        }

        impl ::std::str::FromStr for $name {
            type Err = $crate::UnknownName;

            fn from_str(text: &str) -> Result<Self, Self::Err> {
                $name::ALL
                    .iter()
                    .copied()
                    .find(|value| value.as_str() == text)
                    .ok_or_else(|| $crate::UnknownName {
                        found: text.to_owned(),
                        allowed: <$name as $crate::ClosedSet>::NAMES.to_vec(),
                    })
            }
        }

        impl ::std::fmt::Display for $name {
            fn fmt(&self, f: &mut ::std::fmt::Formatter<'_>) -> ::std::fmt::Result {
                f.write_str(self.as_str())
            }
        }
    };
}

pub(crate) use closed_set;

/// The prefix of a value taken from a client's credentials: `credential.merchant_id`.
pub(crate) const CREDENTIAL_PREFIX: &str = "credential.";

/// Reads a value of a set that names credentials besides its keywords (`Auto`,
/// `HeaderValue`): the value whose `keyword` is `text`, or `credential.<name>`. The error lists
/// every spelling.
pub(crate) fn keyword_or_credential<T>(
    text: &str,
    keywords: impl IntoIterator<Item = T>,
    keyword: fn(&T) -> Option<&'static str>,
    credential: fn(String) -> T,
) -> Result<T, UnknownName> {
    let mut allowed = vec!["credential.<name>"];
    for value in keywords {
        let word = keyword(&value);
        if word == Some(text) {
            return Ok(value);
        }
        allowed.extend(word);
    }
    text.strip_prefix(CREDENTIAL_PREFIX)
        .filter(|name| !name.is_empty())
        .map(|name| credential(name.to_owned()))
        .ok_or_else(|| UnknownName {
            found: text.to_owned(),
            allowed,
        })
}

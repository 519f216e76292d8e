//! A wrapper that keeps credentials out of logs.

use std::fmt;

/// A value that must never be printed: `Debug` and `Display` show `***`.
///
/// The value is reachable only through [`Secret::expose`], so every place that reads it is
/// visible in the code.
#[derive(Clone)]
pub struct Secret<T>(T);

impl<T> Secret<T> {
    /// Wraps a value so that it can no longer be printed by accident.
    pub fn new(value: T) -> Self {
        Secret(value)
    }

    /// The value itself, for the few places that must send or sign with it.
    pub fn expose(&self) -> &T {
        &self.0
    }
}

impl<T> fmt::Debug for Secret<T> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str("***")
    }
}

impl<T> fmt::Display for Secret<T> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str("***")
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn never_prints_the_value() {
        let s = Secret::new(String::from("M1MIPS0000"));
        assert_eq!(format!("{s:?}"), "***");
        assert_eq!(format!("{s}"), "***");
        assert_eq!(format!("{:?}", (1, s.clone())), "(1, ***)");
        assert_eq!(s.expose(), "M1MIPS0000");
    }
}

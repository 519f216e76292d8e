//! Case conversion of spec names, with heck's word boundaries. heck writes every character
//! through a formatter, and every field, type and constant name of every spec passes here
//! several times, which made case conversion a third of loading a spec. An ASCII name, which is
//! nearly every name, is split and converted here by byte; any other goes to heck itself.

/// `snake_case`, as [`heck::ToSnakeCase`] writes it.
pub trait ToSnakeCase {
    fn to_snake_case(&self) -> String;
}

/// `UpperCamelCase`, as [`heck::ToUpperCamelCase`] writes it.
pub trait ToUpperCamelCase {
    fn to_upper_camel_case(&self) -> String;
}

/// `SHOUTY_SNAKE_CASE`, as [`heck::ToShoutySnakeCase`] writes it.
pub trait ToShoutySnakeCase {
    fn to_shouty_snake_case(&self) -> String;
}

impl ToSnakeCase for str {
    fn to_snake_case(&self) -> String {
        if !self.is_ascii() {
            return heck::ToSnakeCase::to_snake_case(self);
        }
        join(self, "_", |word, out| {
            out.extend(word.bytes().map(|b| char::from(b.to_ascii_lowercase())));
        })
    }
}

impl ToUpperCamelCase for str {
    fn to_upper_camel_case(&self) -> String {
        if !self.is_ascii() {
            return heck::ToUpperCamelCase::to_upper_camel_case(self);
        }
        join(self, "", |word, out| {
            let (first, rest) = word.split_at(1);
            out.push_str(&first.to_ascii_uppercase());
            out.extend(rest.bytes().map(|b| char::from(b.to_ascii_lowercase())));
        })
    }
}

impl ToShoutySnakeCase for str {
    fn to_shouty_snake_case(&self) -> String {
        if !self.is_ascii() {
            return heck::ToShoutySnakeCase::to_shouty_snake_case(self);
        }
        join(self, "_", |word, out| {
            out.extend(word.bytes().map(|b| char::from(b.to_ascii_uppercase())));
        })
    }
}

/// The words of the ASCII `name`, each written by `write`, `separator` between them.
fn join(name: &str, separator: &str, mut write: impl FnMut(&str, &mut String)) -> String {
    let mut out = String::with_capacity(name.len() + 8);
    for_each_word(name, |word| {
        if !out.is_empty() {
            out.push_str(separator);
        }
        write(word, &mut out);
    });
    out
}

/// The case of the last cased letter of the word being read, as heck tracks it.
#[derive(Clone, Copy, PartialEq)]
enum Mode {
    Boundary,
    Lower,
    Upper,
}

/// heck's words of an ASCII name, in order: runs of letters and digits, split before an
/// upper-case letter that follows a lower-case one, and before the last upper-case letter of a
/// run of them that a lower-case letter follows (`HTTPServer`: `HTTP`, `Server`).
fn for_each_word(name: &str, mut word: impl FnMut(&str)) {
    for run in name.split(|c: char| !c.is_ascii_alphanumeric()) {
        let bytes = run.as_bytes();
        let mut start = 0;
        let mut mode = Mode::Boundary;
        for (i, pair) in bytes.windows(2).enumerate() {
            let (current, next) = (pair[0], pair[1]);
            let next_mode = if current.is_ascii_lowercase() {
                Mode::Lower
            } else if current.is_ascii_uppercase() {
                Mode::Upper
            } else {
                mode
            };
            let cut = if next_mode == Mode::Lower && next.is_ascii_uppercase() {
                Some(i + 1)
            } else if mode == Mode::Upper
                && current.is_ascii_uppercase()
                && next.is_ascii_lowercase()
            {
                Some(i)
            } else {
                None
            };
            match cut {
                Some(end) => {
                    word(&run[start..end]);
                    start = end;
                    mode = Mode::Boundary;
                }
                None => mode = next_mode,
            }
        }
        if start < run.len() {
            word(&run[start..]);
        }
    }
}

#[cfg(test)]
mod tests {
    use super::{ToShoutySnakeCase, ToSnakeCase, ToUpperCamelCase};

    #[test]
    fn every_name_converts_as_heck_converts_it() {
        let names = [
            "payId",
            "PayId",
            "pay_id",
            "HTTPServer",
            "orderNo2",
            "address1",
            "3ds",
            "x3DSecure",
            "ABC",
            "aB",
            "Ab",
            "a",
            "A",
            "",
            "_",
            "__a__b__",
            "resultCode",
            "merchant-id",
            "oneclick/init",
            "card#LVP",
            "CZK",
            "v1",
            "V1Sig",
            "sha256Hmac",
            "getURLForID",
            "a1B2c3",
            "ÜberName",
            "naïve_field",
            "XMLHttpRequest2Go",
            "already_snake_case",
            "SHOUTY_CASE",
            "mixed_Case-and space",
            "9lives",
            "eci",
            "ECI",
            "t=1,v1=2",
        ];
        for name in names {
            assert_eq!(
                name.to_snake_case(),
                heck::ToSnakeCase::to_snake_case(name),
                "{name:?}"
            );
            assert_eq!(
                name.to_upper_camel_case(),
                heck::ToUpperCamelCase::to_upper_camel_case(name),
                "{name:?}"
            );
            assert_eq!(
                name.to_shouty_snake_case(),
                heck::ToShoutySnakeCase::to_shouty_snake_case(name),
                "{name:?}"
            );
        }
    }
}

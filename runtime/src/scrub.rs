//! Takes what the client sent in confidence back out of what the gateway answers.
//!
//! Gateways echo requests in their errors: a fault that quotes the card number, an error list
//! that repeats the API key. Masking by the request schema cannot catch that, because the echo
//! sits in free text. A [`Scrubber`] knows the values themselves (every sensitive request field
//! and every secret credential) and replaces them, and the usual ways of re-encoding them, by
//! `***` in any text that came from the gateway, before it can reach an error's `Display` or
//! `Debug`, a log line or a terminal.

use serde_json::Value;

use crate::schema::{Kind, Object};

/// What replaces a scrubbed value.
pub const MASK: &str = "***";

/// Values shorter than this are not looked for: one or two characters occur in any text by
/// chance, so replacing them would garble the gateway's message while hiding almost nothing.
const MIN_SECRET_CHARS: usize = 3;

/// The values one call must not let back out, in every encoding looked for.
#[derive(Clone, Default)]
pub struct Scrubber {
    /// Longest first, so that a value containing another is replaced whole.
    needles: Vec<String>,
}

/// Never shows the values it hides.
impl std::fmt::Debug for Scrubber {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("Scrubber")
            .field("needles", &self.needles.len())
            .finish()
    }
}

impl Scrubber {
    /// A scrubber that hides nothing yet.
    pub fn new() -> Self {
        Scrubber::default()
    }

    /// Adds a value to hide: as it is, JSON-escaped, percent- or form-encoded, and a card number
    /// also in groups of four.
    pub fn add(&mut self, secret: &str) {
        if secret.chars().count() < MIN_SECRET_CHARS {
            return;
        }
        for encoded in encodings(secret) {
            if !self.needles.contains(&encoded) {
                self.needles.push(encoded);
            }
        }
        self.needles
            .sort_by_key(|needle| std::cmp::Reverse(needle.len()));
    }

    /// Adds the value of every field `object` marks sensitive in `message`, at any depth (nested
    /// objects, list elements, map values).
    pub fn add_sensitive(&mut self, object: &'static Object, message: &Value) {
        let Value::Object(map) = message else {
            return;
        };
        for field in object.fields {
            let Some(value) = map.get(field.wire) else {
                continue;
            };
            if field.sensitive {
                self.add_every_scalar(value);
            } else {
                self.add_sensitive_kind(&field.kind, value);
            }
        }
    }

    fn add_sensitive_kind(&mut self, kind: &Kind, value: &Value) {
        match (kind, value) {
            (Kind::Object(object), value) => self.add_sensitive(object, value),
            (Kind::List(inner), Value::Array(items)) => {
                items
                    .iter()
                    .for_each(|item| self.add_sensitive_kind(inner, item));
            }
            (Kind::Map(inner), Value::Object(entries)) => {
                entries
                    .values()
                    .for_each(|item| self.add_sensitive_kind(inner, item));
            }
            _ => {}
        }
    }

    /// A sensitive field may hold an object or a list (a whole card): every scalar in it is
    /// hidden.
    fn add_every_scalar(&mut self, value: &Value) {
        match value {
            Value::String(s) => self.add(s),
            Value::Number(n) => self.add(&n.to_string()),
            Value::Array(items) => items.iter().for_each(|item| self.add_every_scalar(item)),
            Value::Object(map) => map.values().for_each(|item| self.add_every_scalar(item)),
            Value::Bool(_) | Value::Null => {}
        }
    }

    /// Whether there is nothing to hide, so scrubbing can be skipped.
    pub fn is_empty(&self) -> bool {
        self.needles.is_empty()
    }

    /// `text` with every hidden value replaced by [`MASK`].
    pub fn scrub(&self, text: &str) -> String {
        let mut out = text.to_owned();
        for needle in &self.needles {
            if out.contains(needle.as_str()) {
                out = out.replace(needle.as_str(), MASK);
            }
        }
        out
    }

    /// Scrubs every string, number and key of a JSON value in place. A number that was a hidden
    /// value becomes the string `***`.
    pub fn scrub_json(&self, value: &mut Value) {
        if self.is_empty() {
            return;
        }
        match value {
            Value::String(s) => {
                let scrubbed = self.scrub(s);
                *s = scrubbed;
            }
            Value::Number(n) => {
                let text = n.to_string();
                let scrubbed = self.scrub(&text);
                if scrubbed != text {
                    *value = Value::String(scrubbed);
                }
            }
            Value::Array(items) => items.iter_mut().for_each(|item| self.scrub_json(item)),
            Value::Object(map) => {
                let entries = std::mem::take(map);
                for (key, mut item) in entries {
                    self.scrub_json(&mut item);
                    map.insert(self.scrub(&key), item);
                }
            }
            Value::Bool(_) | Value::Null => {}
        }
    }
}

/// The forms a value takes when a gateway quotes it: as it is, inside a JSON string (also with
/// `/` and non-ASCII escaped, as PHP writes them), percent-encoded as in a URL or a form body
/// (either case of hex digits), and a card number in groups of four as receipts print it.
fn encodings(secret: &str) -> Vec<String> {
    let json = json_escaped(secret, false);
    let mut out = card_number_groupings(secret);
    out.extend([
        secret.to_owned(),
        json.clone(),
        json.replace('/', "\\/"),
        json_escaped(secret, true),
        json_escaped(secret, true).replace('/', "\\/"),
    ]);
    for upper_hex in [true, false] {
        out.push(percent_encoded(secret, upper_hex, false));
        out.push(percent_encoded(secret, upper_hex, true));
    }
    out.sort();
    out.dedup();
    out
}

/// `4111 1111 1111 1111` and `4111-1111-1111-1111` for a run of 12 to 19 digits (the lengths
/// of card numbers); nothing for other values.
fn card_number_groupings(secret: &str) -> Vec<String> {
    let is_card_number =
        (12..=19).contains(&secret.len()) && secret.bytes().all(|b| b.is_ascii_digit());
    if !is_card_number {
        return Vec::new();
    }
    let groups: Vec<&str> = secret
        .as_bytes()
        .chunks(4)
        .filter_map(|chunk| std::str::from_utf8(chunk).ok())
        .collect();
    vec![groups.join(" "), groups.join("-")]
}

fn json_escaped(text: &str, ascii_only: bool) -> String {
    let quoted = Value::String(text.to_owned()).to_string();
    let inner = &quoted[1..quoted.len() - 1];
    if !ascii_only {
        return inner.to_owned();
    }
    let mut out = String::with_capacity(inner.len());
    for c in inner.chars() {
        if c.is_ascii() {
            out.push(c);
        } else {
            let mut units = [0u16; 2];
            for unit in c.encode_utf16(&mut units) {
                out.push_str(&format!("\\u{unit:04x}"));
            }
        }
    }
    out
}

/// Percent-encoding of everything but RFC 3986's unreserved characters; `form` writes a space
/// as `+`, as `application/x-www-form-urlencoded` does.
fn percent_encoded(text: &str, upper_hex: bool, form: bool) -> String {
    let mut out = String::with_capacity(text.len());
    for b in text.bytes() {
        if b.is_ascii_alphanumeric() || matches!(b, b'-' | b'.' | b'_' | b'~') {
            out.push(char::from(b));
        } else if form && b == b' ' {
            out.push('+');
        } else if upper_hex {
            out.push_str(&format!("%{b:02X}"));
        } else {
            out.push_str(&format!("%{b:02x}"));
        }
    }
    out
}

#[cfg(test)]
mod tests {
    use serde_json::json;

    use super::*;
    use crate::schema::Field;

    static CARD: Object = Object {
        name: "Card",
        items: None,
        fields: &[
            Field::new("pan", Kind::String).sensitive(),
            Field::new("cvv", Kind::Integer).sensitive(),
            Field::new("holder", Kind::String),
        ],
        rules: &[],
    };
    static ORDER: Object = Object {
        name: "Order",
        items: None,
        fields: &[
            Field::new("orderNo", Kind::String),
            Field::new("cards", Kind::List(&Kind::Object(&CARD))),
            Field::new("password", Kind::String).sensitive(),
        ],
        rules: &[],
    };

    #[test]
    fn hides_sensitive_values_at_any_depth_and_nothing_else() {
        let mut scrubber = Scrubber::new();
        scrubber.add_sensitive(
            &ORDER,
            &json!({
                "orderNo": "51966",
                "cards": [{"pan": "4111111111111111", "cvv": 737, "holder": "Jan Novak"}],
                "password": "pa ss/wörd\"",
            }),
        );
        let echoed = "order 51966 for Jan Novak: card 4111111111111111 cvv 737 rejected";
        assert_eq!(
            scrubber.scrub(echoed),
            "order 51966 for Jan Novak: card *** cvv *** rejected"
        );
        assert_eq!(
            scrubber.scrub("card 4111 1111 1111 1111, card 4111-1111-1111-1111"),
            "card ***, card ***"
        );
        for (quoted, expected) in [
            (r#"{"password":"pa ss/wörd\""}"#, r#"{"password":"***"}"#),
            (
                r#"{"password":"pa ss\/w\u00f6rd\""}"#,
                r#"{"password":"***"}"#,
            ),
            ("password=pa+ss%2Fw%C3%B6rd%22", "password=***"),
            ("password=pa%20ss%2fw%c3%b6rd%22", "password=***"),
        ] {
            assert_eq!(scrubber.scrub(quoted), expected, "{quoted}");
        }
    }

    #[test]
    fn json_values_keys_and_numbers_are_scrubbed() {
        let mut scrubber = Scrubber::new();
        scrubber.add("4111111111111111");
        scrubber.add("737");
        let mut body = json!({
            "error": "bad card 4111111111111111",
            "echo": {"cvv": 737, "4111111111111111": true, "amount": 1000},
            "list": ["x4111111111111111x"],
        });
        scrubber.scrub_json(&mut body);
        assert_eq!(
            body,
            json!({
                "error": "bad card ***",
                "echo": {"cvv": "***", "***": true, "amount": 1000},
                "list": ["x***x"],
            })
        );
    }

    #[test]
    fn longer_values_win_and_short_ones_are_not_looked_for() {
        let mut scrubber = Scrubber::new();
        scrubber.add("secret");
        scrubber.add("secret-key-1");
        scrubber.add("ab");
        assert_eq!(
            scrubber.scrub("secret-key-1 / secret / ab"),
            "*** / *** / ab"
        );
        assert!(!format!("{scrubber:?}").contains("secret"));
    }
}

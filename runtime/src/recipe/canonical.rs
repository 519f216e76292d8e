//! The text builders: each [`Piece`] written into the signed text.

use std::cmp::Ordering;

use serde_json::Value;

use super::{
    Absent, Booleans, Field, Flat, FlatSort, JsonObject, KeyEscape, Message, OrderFormat, Pairs,
    Piece, RecipeError, Shape, algorithm, output,
};

pub(super) fn write_pieces(pieces: &[Piece], message: &Message<'_>) -> Result<String, RecipeError> {
    let mut text = String::new();
    for piece in pieces {
        write_piece(piece, message, &mut text)?;
    }
    Ok(text)
}

fn write_piece(piece: &Piece, message: &Message<'_>, text: &mut String) -> Result<(), RecipeError> {
    match piece {
        Piece::Literal(literal) => text.push_str(literal),
        Piece::Input(name) => {
            let (_, value) = message
                .inputs
                .iter()
                .find(|(given, _)| given == name)
                .ok_or(RecipeError::MissingInput(name))?;
            text.push_str(value.expose());
        }
        Piece::RawBody => text.push_str(message.raw_body),
        Piece::Fields(list) => write_field_list(list.fields, &list.format(), message.body, text),
        Piece::Order(format) => write_field_list(message.order, format, message.body, text),
        Piece::Flat(flat) => write_flat(flat, message.body, text),
        Piece::Pairs(pairs) => write_pairs(pairs, message.body, text),
        Piece::Json(object) => write_json(object, message.body, text),
        Piece::Digest {
            algorithm,
            of,
            output,
        } => {
            let inner = write_pieces(of, message)?;
            let digest = algorithm::digest(*algorithm, inner.as_bytes())?;
            text.push_str(&output::encode(*output, &digest));
        }
        Piece::Upper(of) => text.push_str(&write_pieces(of, message)?.to_ascii_uppercase()),
    }
    Ok(())
}

/// One value of a field list, borrowed from the message; `None` is an empty slot.
type Slot<'a> = Option<&'a Value>;

fn write_field_list(fields: &[Field], list: &OrderFormat, body: &Value, text: &mut String) {
    let mut slots = Vec::new();
    push_fields(fields, list.absent, body, &mut slots);
    for (i, slot) in slots.iter().enumerate() {
        if i > 0 {
            text.push_str(list.separator);
        }
        if let Some(value) = slot {
            write_scalar(value, list.booleans, text);
        }
    }
}

fn push_fields<'a>(fields: &[Field], absent: Absent, object: &'a Value, slots: &mut Vec<Slot<'a>>) {
    for field in fields {
        match object.get(field.name) {
            Some(Value::Null) | None => push_absent(&field.shape, absent, slots),
            Some(value) => push_shape(&field.shape, absent, value, slots),
        }
    }
}

fn push_absent(shape: &Shape, absent: Absent, slots: &mut Vec<Slot<'_>>) {
    if absent == Absent::Skip {
        return;
    }
    match shape {
        Shape::Value => slots.push(None),
        Shape::Object(fields) => fields
            .iter()
            .for_each(|field| push_absent(&field.shape, absent, slots)),
        Shape::Each(_) | Shape::MapValues => {}
    }
}

fn push_shape<'a>(shape: &Shape, absent: Absent, value: &'a Value, slots: &mut Vec<Slot<'a>>) {
    match (shape, value) {
        (Shape::Object(fields), Value::Object(_)) => push_fields(fields, absent, value, slots),
        (Shape::Each(element_shape), Value::Array(elements)) => {
            for element in elements {
                match element {
                    Value::Null => push_absent(element_shape, absent, slots),
                    _ => push_shape(element_shape, absent, element, slots),
                }
            }
        }
        // A value of another type than declared (a message that breaks its schema) still
        // contributes every scalar under it, so nothing under a signed field can change
        // without changing the text.
        _ => push_all(value, slots),
    }
}

/// Every scalar under `value` in message order; nulls leave nothing.
fn push_all<'a>(value: &'a Value, slots: &mut Vec<Slot<'a>>) {
    match value {
        Value::Null => {}
        Value::Array(elements) => elements.iter().for_each(|e| push_all(e, slots)),
        Value::Object(map) => map.values().for_each(|v| push_all(v, slots)),
        scalar => slots.push(Some(scalar)),
    }
}

/// Strings raw, numbers as serde_json prints them (as they were received, for integers and
/// the shortest round-trip form of decimals), null empty.
fn write_scalar(value: &Value, booleans: Booleans, text: &mut String) {
    match value {
        Value::String(s) => text.push_str(s),
        Value::Bool(b) => text.push_str(match (booleans, b) {
            (Booleans::Words, true) => "true",
            (Booleans::Words, false) => "false",
            (Booleans::Digits, true) => "1",
            (Booleans::Digits, false) => "0",
        }),
        Value::Number(n) => text.push_str(&n.to_string()),
        Value::Null => {}
        Value::Array(_) | Value::Object(_) => text.push_str(&value.to_string()),
    }
}

fn write_flat(flat: &Flat, body: &Value, text: &mut String) {
    let mut pairs = Vec::new();
    flatten(flat, body, String::new(), &mut pairs);
    let line = |(path, value): &(String, String)| format!("{path}{}{value}", flat.assign);
    match flat.sort {
        FlatSort::PathBytes => pairs.sort_by(|a, b| a.0.cmp(&b.0)),
        FlatSort::Natural => pairs.sort_by(|a, b| natural_order(&a.0, &b.0)),
        FlatSort::Lines => pairs.sort_by_cached_key(line),
    }
    for (i, pair) in pairs.iter().enumerate() {
        if i > 0 {
            text.push_str(flat.separator);
        }
        text.push_str(&line(pair));
    }
}

fn flatten(flat: &Flat, value: &Value, path: String, pairs: &mut Vec<(String, String)>) {
    let child = |segment: &str| {
        let segment = match flat.escape {
            KeyEscape::None => segment.to_owned(),
            KeyEscape::Double => segment.replace(flat.nesting, &flat.nesting.repeat(2)),
        };
        if path.is_empty() {
            segment
        } else {
            format!("{path}{}{segment}", flat.nesting)
        }
    };
    match value {
        Value::Object(map) => {
            for (key, item) in map {
                if !flat.exclude.contains(&key.as_str()) {
                    flatten(flat, item, child(key), pairs);
                }
            }
        }
        Value::Array(items) => {
            for (index, item) in items.iter().enumerate() {
                flatten(flat, item, child(&index.to_string()), pairs);
            }
        }
        scalar => {
            let mut written = String::new();
            write_scalar(scalar, flat.booleans, &mut written);
            pairs.push((path, written));
        }
    }
}

/// Runs of ASCII digits compare as numbers, everything else byte by byte; paths equal under
/// that rule (`a:01` and `a:1`) fall back to byte order so that the sort stays total.
fn natural_order(a: &str, b: &str) -> Ordering {
    let (mut x, mut y) = (a.as_bytes(), b.as_bytes());
    loop {
        match (x.first(), y.first()) {
            (None, None) => return a.cmp(b),
            (None, Some(_)) => return Ordering::Less,
            (Some(_), None) => return Ordering::Greater,
            (Some(p), Some(q)) if p.is_ascii_digit() && q.is_ascii_digit() => {
                let (run_x, rest_x) = split_digits(x);
                let (run_y, rest_y) = split_digits(y);
                let (nx, ny) = (strip_zeros(run_x), strip_zeros(run_y));
                let by_value = nx.len().cmp(&ny.len()).then_with(|| nx.cmp(ny));
                if by_value != Ordering::Equal {
                    return by_value;
                }
                (x, y) = (rest_x, rest_y);
            }
            (Some(p), Some(q)) => {
                if p != q {
                    return p.cmp(q);
                }
                (x, y) = (&x[1..], &y[1..]);
            }
        }
    }
}

fn split_digits(bytes: &[u8]) -> (&[u8], &[u8]) {
    let end = bytes
        .iter()
        .position(|b| !b.is_ascii_digit())
        .unwrap_or(bytes.len());
    bytes.split_at(end)
}

fn strip_zeros(digits: &[u8]) -> &[u8] {
    let start = digits
        .iter()
        .position(|&d| d != b'0')
        .unwrap_or(digits.len());
    &digits[start..]
}

fn write_pairs(pairs: &Pairs, body: &Value, text: &mut String) {
    let mut first = true;
    for name in pairs.fields {
        let Some(value) = body.get(name).filter(|v| !v.is_null()) else {
            continue;
        };
        if !first {
            text.push_str(pairs.separator);
        }
        first = false;
        text.push_str(name);
        text.push_str(pairs.assign);
        write_scalar(value, pairs.booleans, text);
    }
}

fn write_json(object: &JsonObject, body: &Value, text: &mut String) {
    // Written by hand rather than through a map, so that the declared order holds whatever
    // map type serde_json is built with.
    text.push('{');
    let mut first = true;
    for name in object.fields {
        let Some(value) = body.get(name) else {
            continue;
        };
        if !first {
            text.push(',');
        }
        first = false;
        text.push_str(&Value::from(*name).to_string());
        text.push(':');
        text.push_str(&value.to_string());
    }
    text.push('}');
}

#[cfg(test)]
mod tests {
    use super::natural_order;
    use std::cmp::Ordering;

    #[test]
    fn natural_order_compares_digit_runs_as_numbers() {
        assert_eq!(natural_order("a:2", "a:10"), Ordering::Less);
        assert_eq!(natural_order("a:10:x", "a:9:x"), Ordering::Greater);
        assert_eq!(natural_order("id", "id2"), Ordering::Less);
        assert_eq!(natural_order("a:01", "a:1"), Ordering::Less);
        assert_eq!(natural_order("b", "a:1"), Ordering::Greater);
        assert_eq!(natural_order("x7", "x7"), Ordering::Equal);
    }
}

//! What a vendor document states: its JSON examples, the wire names of its field tables and the
//! limits written beside them. Plain text, Markdown and HTML are read alike, line by line; HTML
//! tags are dropped from a line before it is read.

use std::sync::OnceLock;

use regex_lite::Regex;
use serde_json::Value;

/// A JSON example and where it starts.
pub struct Example {
    /// 1-based line of the document where the example's first bracket is.
    pub line: usize,
    /// The document's lines before the example, nearest last: where its operation is named.
    pub preceding: Vec<String>,
    /// The lines since the previous example, nearest last: whether it is a request or an answer.
    pub since_previous: Vec<String>,
    /// The example, or why it is not JSON.
    pub json: Result<Value, String>,
}

/// A name in the first column of a field table, on `line`.
pub struct TableName {
    pub line: usize,
    pub wire: String,
    /// The rest of the row, where limits are stated.
    pub text: String,
}

/// The kinds of limits a document states in words.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum LimitKind {
    MinLength,
    MaxLength,
    Min,
    Max,
    MinItems,
    MaxItems,
}

impl LimitKind {
    pub fn words(self) -> &'static str {
        match self {
            LimitKind::MinLength => "minimum length",
            LimitKind::MaxLength => "maximum length",
            LimitKind::Min => "minimum value",
            LimitKind::Max => "maximum value",
            LimitKind::MinItems => "minimum count",
            LimitKind::MaxItems => "maximum count",
        }
    }
}

/// Strips HTML tags and decodes the few entities that matter inside JSON.
pub fn plain_lines(document: &str) -> Vec<String> {
    static TAG: OnceLock<Regex> = OnceLock::new();
    let tag = TAG.get_or_init(|| Regex::new(r"<[A-Za-z/!][^<>]*>").expect("valid pattern"));
    document
        .lines()
        .map(|line| {
            tag.replace_all(line, "")
                .replace("&quot;", "\"")
                .replace("&lt;", "<")
                .replace("&gt;", ">")
                .replace("&nbsp;", " ")
                .replace("&amp;", "&")
        })
        .collect()
}

/// Every JSON example: an object whose first key follows its brace, or an array of such objects.
/// Text that starts like one but does not parse is reported, not skipped: a broken example in a
/// document is a finding too.
///
/// A line inside an example that starts with `//` is the document's annotation ("when indicating
/// complete card details:") and is read as blank.
pub fn examples(lines: &[String]) -> Vec<Example> {
    let text = lines
        .iter()
        .map(|line| {
            if line.trim_start().starts_with("//") {
                ""
            } else {
                line.as_str()
            }
        })
        .collect::<Vec<_>>()
        .join("\n");
    let line_starts: Vec<usize> = std::iter::once(0)
        .chain(text.match_indices('\n').map(|(i, _)| i + 1))
        .collect();
    let line_of = |offset: usize| line_starts.partition_point(|&start| start <= offset);
    let mut found = Vec::new();
    let mut context_from = 0;
    let mut offset = 0;
    while let Some(relative) = text[offset..].find(['{', '[']) {
        let start = offset + relative;
        if !starts_example(&text[start..]) {
            offset = start + 1;
            continue;
        }
        let line = line_of(start);
        let mut stream = serde_json::Deserializer::from_str(&text[start..]).into_iter::<Value>();
        let (json, end) = match stream.next() {
            Some(Ok(value)) => (Ok(value), start + stream.byte_offset()),
            Some(Err(err)) => (Err(err.to_string()), balanced_end(&text, start)),
            None => (Err("empty".to_owned()), balanced_end(&text, start)),
        };
        let before = |from: usize| -> Vec<String> {
            lines[from..line - 1]
                .iter()
                .filter(|l| !l.trim().is_empty())
                .cloned()
                .collect()
        };
        found.push(Example {
            line,
            preceding: before(0),
            since_previous: before(context_from),
            json,
        });
        context_from = line_of(end.saturating_sub(1));
        offset = end.max(start + 1);
    }
    found
}

fn starts_example(text: &str) -> bool {
    let mut chars = text.chars();
    let open = chars.next();
    let rest = chars.as_str().trim_start();
    match open {
        Some('{') => rest.starts_with('"'),
        Some('[') => rest.starts_with('{') && starts_example(rest),
        _ => false,
    }
}

/// Where the brackets opened at `from` close, strings skipped: the end of a broken example, so
/// that the objects inside it are not read as examples of their own.
fn balanced_end(text: &str, from: usize) -> usize {
    let mut depth = 0usize;
    let mut in_string = false;
    let mut escaped = false;
    for (i, c) in text[from..].char_indices() {
        match (in_string, escaped, c) {
            (true, true, _) => escaped = false,
            (true, false, '\\') => escaped = true,
            (true, false, '"') => in_string = false,
            (true, false, _) => {}
            (false, _, '"') => in_string = true,
            (false, _, '{' | '[') => depth += 1,
            (false, _, '}' | ']') => {
                depth = depth.saturating_sub(1);
                if depth == 0 {
                    return from + i + 1;
                }
            }
            _ => {}
        }
    }
    text.len()
}

/// The first cells of field tables: Markdown or text rows (`name | …`), typed rows
/// (`name String …`, the `Item Type Description` tables) and field lists (`• name—text`, a
/// bullet whose first word is joined to its description by a dash, as Monetix lists fields). A
/// row just above a `---` separator is a header, and so is a cell that is a column title.
pub fn table_names(lines: &[String]) -> Vec<TableName> {
    static TYPED: OnceLock<Regex> = OnceLock::new();
    let typed = TYPED.get_or_init(|| {
        Regex::new(r"^\s*\*?([A-Za-z_][A-Za-z0-9_.\[\]]*)\*?\s+(String|Number|Boolean|Object|Array|Integer)\b\s*(.*)$")
            .expect("valid pattern")
    });
    static LISTED: OnceLock<Regex> = OnceLock::new();
    let listed = LISTED.get_or_init(|| {
        Regex::new(r"^\s*[•*-]\s+`?([A-Za-z_][A-Za-z0-9_.]*)`?\s*[—–]\s*(.*)$")
            .expect("valid pattern")
    });
    let mut names = Vec::new();
    for (index, line) in lines.iter().enumerate() {
        let next_is_separator = lines
            .get(index + 1)
            .is_some_and(|next| next.trim_start().starts_with("---"));
        let row = if let Some(captures) = typed.captures(line) {
            Some((captures[1].to_owned(), captures[3].to_owned()))
        } else if let Some(captures) = listed.captures(line) {
            Some((captures[1].to_owned(), captures[2].to_owned()))
        } else if let Some((first, rest)) = line.split_once('|') {
            Some((
                first.trim().trim_end_matches('*').to_owned(),
                rest.to_owned(),
            ))
        } else {
            None
        };
        let Some((cell, rest)) = row else { continue };
        if next_is_separator || COLUMN_TITLES.contains(&cell.as_str()) || !is_wire_name(&cell) {
            continue;
        }
        let wire = cell.rsplit('.').next().unwrap_or(&cell).to_owned();
        names.push(TableName {
            line: index + 1,
            wire,
            text: rest,
        });
    }
    names
}

/// Column titles that head field tables in the seed documents.
const COLUMN_TITLES: &[&str] = &["Name", "Parameter", "Item", "Field", "Note", "Method"];

fn is_wire_name(cell: &str) -> bool {
    let mut chars = cell.chars();
    chars
        .next()
        .is_some_and(|c| c.is_ascii_alphabetic() || c == '_')
        && chars.all(|c| c.is_ascii_alphanumeric() || matches!(c, '_' | '.'))
}

/// The limits a row's text states: "maximum length is 10", "min. allowed value 300",
/// "max. 32 characters", "maximum 5 items".
pub fn limits(text: &str) -> Vec<(LimitKind, u64)> {
    static LIMIT: OnceLock<Regex> = OnceLock::new();
    let limit = LIMIT.get_or_init(|| {
        Regex::new(concat!(
            r"(?i)\b(min|max)(?:imum|\.)?\s+",
            r"(?:(length|allowed\s+value)(?:\s+is)?\s+(\d+)",
            r"|(\d+)\s+(characters|chars|digits|symbols|items|elements|entries)\b)",
        ))
        .expect("valid pattern")
    });
    limit
        .captures_iter(text)
        .filter_map(|captures| {
            let minimum = captures[1].eq_ignore_ascii_case("min");
            let what = captures
                .get(2)
                .or_else(|| captures.get(5))?
                .as_str()
                .to_ascii_lowercase();
            let value = captures.get(3).or_else(|| captures.get(4))?.as_str();
            let kind = match (minimum, what.as_str()) {
                (true, "items" | "elements" | "entries") => LimitKind::MinItems,
                (false, "items" | "elements" | "entries") => LimitKind::MaxItems,
                (true, word) if word.starts_with("allowed") => LimitKind::Min,
                (false, word) if word.starts_with("allowed") => LimitKind::Max,
                (true, _) => LimitKind::MinLength,
                (false, _) => LimitKind::MaxLength,
            };
            Some((kind, value.parse().ok()?))
        })
        .collect()
}

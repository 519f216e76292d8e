//! Blank lines between items. prettyplease prints every item flush against the next one; a
//! reader expects them apart, as rustfmt keeps them in hand-written code. The pass reads the
//! printed text with a lexer small enough to know where literals and comments are, so a `}` or
//! `;` inside a string (an embedded JSON example, say) never counts as the end of an item.

/// What a run of consecutive items of the same kind has in common: such runs stay together.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Group {
    InnerAttribute,
    ModDeclaration,
    Use(UseRoot),
    /// Everything else stands apart from its neighbours.
    Alone,
}

/// The import groups rustfmt's `StdExternalCrate` ordering separates.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum UseRoot {
    Std,
    External,
    Local,
}

/// One printed line, as the item structure sees it.
#[derive(Debug, Default)]
struct Line {
    /// The code outside literals and comments (a literal leaves one `_`).
    code: String,
    /// Whether an item whose body may hold items (`impl`, `trait`, `mod`) encloses the line
    /// directly, or the line is at the top of the file.
    in_item_list: bool,
    /// Whether the line closes the list of items it was part of.
    closes_list: bool,
    /// Whether the line opens a list of items (`impl X {`).
    opens_list: bool,
    /// Whether the line ends an item of the enclosing item list.
    ends_item: bool,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Lexed {
    Code,
    LineComment,
    BlockComment(usize),
    Str,
    RawStr(usize),
    Char,
}

/// Inserts a blank line between consecutive items of every item list (the file, `impl`,
/// `trait` and `mod` bodies), except inside runs of `use` declarations of one origin, of
/// `mod` declarations and of inner attributes.
pub(super) fn separate_items(source: &str) -> String {
    let lines = scan(source);
    let mut out = String::with_capacity(source.len() + source.len() / 16);
    let mut previous_group = None;
    let mut item_header = String::new();
    for (index, (text, line)) in source.lines().zip(&lines).enumerate() {
        if let Some(previous) = previous_group {
            if line.in_item_list && !line.closes_list && !text.trim().is_empty() {
                let next = group_of_upcoming(&lines[index..]);
                if previous == Group::Alone || previous != next {
                    out.push('\n');
                }
            }
        }
        previous_group = None;
        if line.in_item_list {
            item_header.push_str(&line.code);
            item_header.push(' ');
        }
        if line.ends_item {
            previous_group = Some(group(&item_header));
        }
        if line.ends_item || line.opens_list {
            item_header.clear();
        }
        out.push_str(text);
        out.push('\n');
    }
    out
}

/// The group of the item whose first line starts `lines`.
fn group_of_upcoming(lines: &[Line]) -> Group {
    let mut header = String::new();
    for line in lines {
        header.push_str(&line.code);
        header.push(' ');
        if line.ends_item || line.opens_list {
            break;
        }
    }
    group(&header)
}

fn group(header: &str) -> Group {
    let header = header.trim_start();
    if header.starts_with("#!") {
        return Group::InnerAttribute;
    }
    let words = significant_words(header);
    match words.first().map(String::as_str) {
        Some("use") => {
            let root = words.get(1).map(String::as_str).unwrap_or_default();
            Group::Use(match root {
                "std" | "core" | "alloc" => UseRoot::Std,
                "crate" | "self" | "super" => UseRoot::Local,
                _ => UseRoot::External,
            })
        }
        Some("mod") if !header.contains('{') => Group::ModDeclaration,
        _ => Group::Alone,
    }
}

/// The words of an item's header, without its attributes and visibility.
fn significant_words(header: &str) -> Vec<String> {
    let mut words = Vec::new();
    let mut word = String::new();
    let mut skipped_depth = 0usize;
    for c in header.chars() {
        if skipped_depth > 0 {
            match c {
                '[' | '(' => skipped_depth += 1,
                ']' | ')' => skipped_depth -= 1,
                _ => {}
            }
            continue;
        }
        if is_ident(c) {
            word.push(c);
            continue;
        }
        if !word.is_empty() {
            words.push(std::mem::take(&mut word));
        }
        let restricts_visibility = c == '(' && words.last().is_some_and(|w| w == "pub");
        if c == '[' || restricts_visibility {
            skipped_depth = 1;
        }
    }
    if !word.is_empty() {
        words.push(word);
    }
    words.retain(|w| w != "pub");
    words
}

/// Reads `source` once and describes each of its lines.
fn scan(source: &str) -> Vec<Line> {
    // Each open brace: whether its body is an item list. The file itself is one.
    let mut braces: Vec<bool> = Vec::new();
    // Parentheses and brackets open inside the current brace.
    let mut nesting = 0usize;
    let mut header = String::new();
    let mut state = Lexed::Code;
    let mut lines = Vec::new();
    for text in source.lines() {
        let mut line = Line {
            in_item_list: state == Lexed::Code && braces.last().copied().unwrap_or(true),
            ..Line::default()
        };
        let chars: Vec<char> = text.chars().collect();
        let mut i = 0;
        while i < chars.len() {
            let c = chars[i];
            let next = chars.get(i + 1).copied();
            match state {
                Lexed::LineComment => break,
                Lexed::BlockComment(level) => {
                    if c == '*' && next == Some('/') {
                        state = if level == 1 {
                            Lexed::Code
                        } else {
                            Lexed::BlockComment(level - 1)
                        };
                        i += 1;
                    } else if c == '/' && next == Some('*') {
                        state = Lexed::BlockComment(level + 1);
                        i += 1;
                    }
                }
                Lexed::Str | Lexed::Char => {
                    let closing = if state == Lexed::Str { '"' } else { '\'' };
                    if c == '\\' {
                        i += 1;
                    } else if c == closing {
                        state = Lexed::Code;
                    }
                }
                Lexed::RawStr(hashes) => {
                    if c == '"'
                        && chars[i + 1..].iter().take_while(|h| **h == '#').count() >= hashes
                    {
                        state = Lexed::Code;
                        i += hashes;
                    }
                }
                Lexed::Code => {
                    let follows_identifier = i > 0 && is_ident(chars[i - 1]);
                    let hashes = chars[i + 1..].iter().take_while(|h| **h == '#').count();
                    match c {
                        '/' if next == Some('/') => state = Lexed::LineComment,
                        '/' if next == Some('*') => {
                            state = Lexed::BlockComment(1);
                            i += 1;
                        }
                        '"' => {
                            state = Lexed::Str;
                            line.code.push('_');
                        }
                        'r' if (!follows_identifier
                            || (i == 1 && chars[0] == 'b')
                            || (i > 1 && chars[i - 1] == 'b' && !is_ident(chars[i - 2])))
                            && chars.get(i + 1 + hashes) == Some(&'"') =>
                        {
                            state = Lexed::RawStr(hashes);
                            line.code.push('_');
                            i += 1 + hashes;
                        }
                        '\'' if next == Some('\\') || chars.get(i + 2) == Some(&'\'') => {
                            state = Lexed::Char;
                            line.code.push('_');
                        }
                        _ => {
                            line.code.push(c);
                            match c {
                                '(' | '[' => nesting += 1,
                                ')' | ']' => nesting = nesting.saturating_sub(1),
                                '{' => {
                                    let in_list = braces.last().copied().unwrap_or(true);
                                    header.push(c);
                                    let opens = in_list && nesting == 0 && opens_item_list(&header);
                                    line.opens_list |= opens;
                                    braces.push(opens);
                                    header.clear();
                                }
                                '}' => {
                                    let closed_list = braces.pop() == Some(true);
                                    line.closes_list |=
                                        closed_list && line.code.trim_start().starts_with('}');
                                }
                                _ => {}
                            }
                        }
                    }
                }
            }
            if matches!(state, Lexed::Code) && !matches!(c, '{' | '}') {
                header.push(c);
            }
            i += 1;
        }
        if state == Lexed::LineComment {
            state = Lexed::Code;
        }
        let code = line.code.trim_end();
        line.ends_item = state == Lexed::Code
            && nesting == 0
            && braces.last().copied().unwrap_or(true)
            && (code.ends_with(';') || code.ends_with('}') || is_inner_attribute(code));
        if line.ends_item {
            header.clear();
        } else {
            header.push(' ');
        }
        lines.push(line);
    }
    lines
}

fn is_inner_attribute(code: &str) -> bool {
    code.trim_start().starts_with("#!") && code.ends_with(']')
}

fn is_ident(c: char) -> bool {
    c.is_alphanumeric() || c == '_'
}

/// Whether the brace that ends `header` opens a body of items.
fn opens_item_list(header: &str) -> bool {
    let words = significant_words(header);
    let first = words
        .iter()
        .map(String::as_str)
        .find(|w| !matches!(*w, "unsafe" | "default" | "auto"));
    matches!(first, Some("impl" | "trait" | "mod" | "extern"))
}

#[cfg(test)]
mod tests {
    use super::separate_items;

    #[test]
    fn items_stand_apart_and_literals_are_left_alone() {
        let printed = r###"//! Crate docs.
#![forbid(unsafe_code)]
#![deny(missing_docs)]
mod client;
#[cfg(test)]
mod tests;
pub use client::*;
use std::fmt;
use std::sync::Arc;
use serde::Serialize;
use crate::schema;
/// A type.
pub struct Thing {
    pub a: i64,
    pub b: String,
}
impl Thing {
    /// A constant.
    pub const JSON: &str = r#"{
  "a": 1,
  "b": "};"
}"#;
    pub fn new() -> Self {
        let text = "}\n;";
        let c = '}';
        Self { a: 1, b: text.into() }
    }
    fn lifetime<'a>(value: &'a str) -> &'a str {
        value
    }
}
pub(crate) fn free(x: i64) -> i64 {
    x
}
"###;
        let expected = r###"//! Crate docs.
#![forbid(unsafe_code)]
#![deny(missing_docs)]

mod client;
#[cfg(test)]
mod tests;

pub use client::*;

use std::fmt;
use std::sync::Arc;

use serde::Serialize;

use crate::schema;

/// A type.
pub struct Thing {
    pub a: i64,
    pub b: String,
}

impl Thing {
    /// A constant.
    pub const JSON: &str = r#"{
  "a": 1,
  "b": "};"
}"#;

    pub fn new() -> Self {
        let text = "}\n;";
        let c = '}';
        Self { a: 1, b: text.into() }
    }

    fn lifetime<'a>(value: &'a str) -> &'a str {
        value
    }
}

pub(crate) fn free(x: i64) -> i64 {
    x
}
"###;
        assert_eq!(separate_items(printed), expected);
    }

    #[test]
    fn printing_twice_changes_nothing_more() {
        let printed = "use std::fmt;\nfn a() {}\nfn b() {}\n";
        let once = separate_items(printed);
        assert_eq!(once, "use std::fmt;\n\nfn a() {}\n\nfn b() {}\n");
        assert_eq!(separate_items(&once), once);
    }
}

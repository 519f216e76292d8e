//! Blank lines between items. prettyplease prints every item flush against the next one; a
//! reader expects them apart, as rustfmt keeps them in hand-written code. The pass reads the
//! printed text with a lexer small enough to know where literals and comments are, so a `}` or
//! `;` inside a string (an embedded JSON example, say) never counts as the end of an item.
//!
//! It runs on every generated file, so it walks the bytes of the text once and keeps only what
//! grouping needs (a few words per item header, a few bytes per line) instead of a copy of each
//! line: generation time is spent in parsing and printing, not here.

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

/// A word of an item header, as far as grouping and item lists care.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Word {
    Pub,
    Use,
    Mod,
    Impl,
    Trait,
    Extern,
    /// `unsafe`, `default` or `auto`: they qualify an item without saying what it is.
    Qualifier,
    /// `std`, `core` or `alloc`.
    StdRoot,
    /// `crate`, `self` or `super`.
    LocalRoot,
    Other,
}

/// The longest word [`Word::of`] tells apart (`default`) fits.
const WORD_CAPACITY: usize = 8;

impl Word {
    fn of(word: &[u8]) -> Word {
        match word {
            b"pub" => Word::Pub,
            b"use" => Word::Use,
            b"mod" => Word::Mod,
            b"impl" => Word::Impl,
            b"trait" => Word::Trait,
            b"extern" => Word::Extern,
            b"unsafe" | b"default" | b"auto" => Word::Qualifier,
            b"std" | b"core" | b"alloc" => Word::StdRoot,
            b"crate" | b"self" | b"super" => Word::LocalRoot,
            _ => Word::Other,
        }
    }
}

/// How an item header begins, once leading whitespace is skipped.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
enum Lead {
    #[default]
    Nothing,
    Hash,
    InnerAttribute,
    Other,
}

/// What an item header (its code outside literals and comments, up to the end of the item or
/// the brace that opens its body) says about the item, read one byte at a time. Words inside
/// attributes and `pub(…)` do not count, and neither does `pub`.
#[derive(Debug, Clone, Copy, Default)]
struct Header {
    lead: Lead,
    /// Brackets and parentheses open inside a skipped attribute or visibility restriction.
    skipped_depth: usize,
    word: [u8; WORD_CAPACITY],
    word_len: usize,
    last_word_was_pub: bool,
    /// The first two words.
    words: [Option<Word>; 2],
    /// The first word that is no qualifier: what the item is.
    kind: Option<Word>,
    has_brace: bool,
    /// Nothing read any more can change what the header says (its kind and [`Header::group`]):
    /// the rest of the item need not be read.
    settled: bool,
}

impl Header {
    fn push(&mut self, byte: u8) {
        if self.settled {
            return;
        }
        if matches!(self.lead, Lead::Nothing | Lead::Hash) {
            self.lead = match self.lead {
                Lead::Nothing if byte.is_ascii_whitespace() => Lead::Nothing,
                Lead::Nothing if byte == b'#' => Lead::Hash,
                Lead::Hash if byte == b'!' => Lead::InnerAttribute,
                _ => Lead::Other,
            };
        }
        self.has_brace |= byte == b'{';
        if self.skipped_depth > 0 {
            match byte {
                b'[' | b'(' => self.skipped_depth += 1,
                b']' | b')' => self.skipped_depth -= 1,
                _ => {}
            }
            return;
        }
        if is_ident(byte) {
            if self.word_len < WORD_CAPACITY {
                self.word[self.word_len] = byte;
            }
            self.word_len += 1;
            return;
        }
        self.finish_word();
        let restricts_visibility = byte == b'(' && self.last_word_was_pub;
        if byte == b'[' || restricts_visibility {
            self.skipped_depth = 1;
        }
        self.settled = self.kind.is_some()
            && match self.lead {
                Lead::InnerAttribute => true,
                Lead::Other => match self.words[0] {
                    Some(Word::Use) => self.words[1].is_some(),
                    Some(Word::Mod) => self.has_brace,
                    Some(_) => true,
                    None => false,
                },
                Lead::Nothing | Lead::Hash => false,
            };
    }

    fn finish_word(&mut self) {
        if self.word_len == 0 {
            return;
        }
        let word = if self.word_len <= WORD_CAPACITY {
            Word::of(&self.word[..self.word_len])
        } else {
            Word::Other
        };
        self.word_len = 0;
        self.last_word_was_pub = word == Word::Pub;
        if word == Word::Pub {
            return;
        }
        if let Some(slot) = self.words.iter_mut().find(|slot| slot.is_none()) {
            *slot = Some(word);
        }
        if self.kind.is_none() && word != Word::Qualifier {
            self.kind = Some(word);
        }
    }

    /// The header as read so far, its last word included.
    fn finished(&self) -> Header {
        let mut header = *self;
        header.finish_word();
        header
    }

    fn group(&self) -> Group {
        let header = self.finished();
        if header.lead == Lead::InnerAttribute {
            return Group::InnerAttribute;
        }
        match header.words[0] {
            Some(Word::Use) => Group::Use(match header.words[1] {
                Some(Word::StdRoot) => UseRoot::Std,
                Some(Word::LocalRoot) => UseRoot::Local,
                _ => UseRoot::External,
            }),
            Some(Word::Mod) if !header.has_brace => Group::ModDeclaration,
            _ => Group::Alone,
        }
    }

    /// Whether the brace that ends the header opens a body of items.
    fn opens_item_list(&self) -> bool {
        matches!(
            self.finished().kind,
            Some(Word::Impl | Word::Trait | Word::Mod | Word::Extern)
        )
    }
}

/// One printed line, as the item structure sees it.
#[derive(Debug, Default)]
struct Line {
    /// Whether the line closes the list of items it was part of.
    closes_list: bool,
    /// Whether the line opens a list of items (`impl X {`).
    opens_list: bool,
    /// Whether the line ends an item of the enclosing item list.
    ends_item: bool,
}

/// The ends of a line's code (outside literals and comments, a literal counting as `_`).
#[derive(Debug, Default)]
struct CodeEnds {
    first: Option<u8>,
    after_first: Option<u8>,
    last: Option<u8>,
}

impl CodeEnds {
    fn push(&mut self, byte: u8) {
        if self.after_first.is_none() && self.first.is_some() {
            self.after_first = Some(byte);
        }
        if !byte.is_ascii_whitespace() {
            if self.first.is_none() {
                self.first = Some(byte);
            }
            self.last = Some(byte);
        }
    }

    fn ends_item(&self) -> bool {
        let inner_attribute =
            self.first == Some(b'#') && self.after_first == Some(b'!') && self.last == Some(b']');
        matches!(self.last, Some(b';' | b'}')) || inner_attribute
    }
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

/// The lexer's state between lines.
#[derive(Debug)]
struct Scanner {
    /// Each open brace: whether its body is an item list. The file itself is one.
    braces: Vec<bool>,
    /// Parentheses and brackets open inside the current brace.
    nesting: usize,
    state: Lexed,
    /// The code since the last item ended or brace opened: what a `{` would open.
    brace_header: Header,
}

impl Scanner {
    fn new() -> Self {
        Scanner {
            braces: Vec::new(),
            nesting: 0,
            state: Lexed::Code,
            brace_header: Header::default(),
        }
    }

    /// Hands a byte of code to the brace header. Only the kind of item decides whether a brace
    /// opens an item list, and it never changes once read: later bytes are not needed.
    fn read_brace_header(&mut self, byte: u8) {
        if self.brace_header.kind.is_none() {
            self.brace_header.push(byte);
        }
    }

    /// Whether the next line starts in code directly inside an item list (an `impl`, `trait`
    /// or `mod` body, or the file).
    fn in_item_list(&self) -> bool {
        self.state == Lexed::Code && self.braces.last().copied().unwrap_or(true)
    }

    /// Reads one line, handing each byte of its code to `code` when `wants_code`.
    fn line(&mut self, text: &str, wants_code: bool, mut code: impl FnMut(u8)) -> Line {
        let bytes = text.as_bytes();
        let mut line = Line::default();
        let mut ends = CodeEnds::default();
        let mut push_code = |ends: &mut CodeEnds, byte: u8| {
            ends.push(byte);
            if wants_code {
                code(byte);
            }
        };
        let mut i = 0;
        while i < bytes.len() {
            // Only literals, comments and brackets change what the lexer knows: the bytes
            // between them are taken in one go, handed to the headers that read them (none in
            // a function body, most of a file). Inside a string literal, only its end and
            // escapes count.
            match self.state {
                Lexed::Code => {
                    let header_counts = self.braces.last().copied().unwrap_or(true);
                    while let Some(&c) = bytes.get(i).filter(|c| !is_structural(**c)) {
                        push_code(&mut ends, c);
                        if header_counts {
                            self.read_brace_header(c);
                        }
                        i += 1;
                    }
                }
                Lexed::Str => {
                    i += bytes[i..]
                        .iter()
                        .position(|b| matches!(b, b'"' | b'\\'))
                        .unwrap_or(bytes.len() - i);
                }
                _ => {}
            }
            let Some(&c) = bytes.get(i) else {
                break;
            };
            let next = bytes.get(i + 1).copied();
            match self.state {
                Lexed::LineComment => break,
                Lexed::BlockComment(level) => {
                    if c == b'*' && next == Some(b'/') {
                        self.state = if level == 1 {
                            Lexed::Code
                        } else {
                            Lexed::BlockComment(level - 1)
                        };
                        i += 1;
                    } else if c == b'/' && next == Some(b'*') {
                        self.state = Lexed::BlockComment(level + 1);
                        i += 1;
                    }
                }
                Lexed::Str | Lexed::Char => {
                    let closing = if self.state == Lexed::Str {
                        b'"'
                    } else {
                        b'\''
                    };
                    if c == b'\\' {
                        i += 1;
                    } else if c == closing {
                        self.state = Lexed::Code;
                    }
                }
                Lexed::RawStr(hashes) => {
                    if c == b'"' && hashes_at(bytes, i + 1) >= hashes {
                        self.state = Lexed::Code;
                        i += hashes;
                    }
                }
                Lexed::Code => match c {
                    b'/' if next == Some(b'/') => self.state = Lexed::LineComment,
                    b'/' if next == Some(b'*') => {
                        self.state = Lexed::BlockComment(1);
                        i += 1;
                    }
                    b'"' => {
                        self.state = Lexed::Str;
                        push_code(&mut ends, b'_');
                    }
                    b'r' if starts_raw_string(bytes, i) => {
                        let hashes = hashes_at(bytes, i + 1);
                        self.state = Lexed::RawStr(hashes);
                        push_code(&mut ends, b'_');
                        i += 1 + hashes;
                    }
                    b'\'' if next == Some(b'\\') || char_literal_closes(bytes, i) => {
                        self.state = Lexed::Char;
                        push_code(&mut ends, b'_');
                    }
                    _ => {
                        push_code(&mut ends, c);
                        match c {
                            b'(' | b'[' => self.nesting += 1,
                            b')' | b']' => self.nesting = self.nesting.saturating_sub(1),
                            b'{' => {
                                let in_list = self.braces.last().copied().unwrap_or(true);
                                self.read_brace_header(c);
                                let opens = in_list
                                    && self.nesting == 0
                                    && self.brace_header.opens_item_list();
                                line.opens_list |= opens;
                                self.braces.push(opens);
                                self.brace_header = Header::default();
                            }
                            b'}' => {
                                let closed_list = self.braces.pop() == Some(true);
                                line.closes_list |= closed_list && ends.first == Some(b'}');
                            }
                            _ => {}
                        }
                    }
                },
            }
            // Only a brace opened directly in an item list can open another list.
            let header_counts = self.braces.last().copied().unwrap_or(true);
            if header_counts && self.state == Lexed::Code && !matches!(c, b'{' | b'}') {
                self.read_brace_header(c);
            }
            i += 1;
        }
        if self.state == Lexed::LineComment {
            self.state = Lexed::Code;
        }
        line.ends_item = self.state == Lexed::Code
            && self.nesting == 0
            && self.braces.last().copied().unwrap_or(true)
            && ends.ends_item();
        if line.ends_item {
            self.brace_header = Header::default();
        } else {
            self.read_brace_header(b' ');
        }
        line
    }
}

/// How many `#` follow from `at` on.
fn hashes_at(bytes: &[u8], at: usize) -> usize {
    bytes
        .get(at..)
        .unwrap_or_default()
        .iter()
        .take_while(|b| **b == b'#')
        .count()
}

/// Whether the `r` at `at` starts a raw string (`r"`, `r#"`, `br"`), not an identifier's end.
fn starts_raw_string(bytes: &[u8], at: usize) -> bool {
    let follows_identifier = at > 0 && is_ident(bytes[at - 1]);
    let byte_string_prefix = (at == 1 && bytes[0] == b'b')
        || (at > 1 && bytes[at - 1] == b'b' && !is_ident(bytes[at - 2]));
    (!follows_identifier || byte_string_prefix)
        && bytes.get(at + 1 + hashes_at(bytes, at + 1)) == Some(&b'"')
}

/// Whether the `'` at `at` is closed right after one character, as a char literal is and a
/// lifetime is not.
fn char_literal_closes(bytes: &[u8], at: usize) -> bool {
    let Some(&first) = bytes.get(at + 1) else {
        return false;
    };
    let width = match first {
        0xF0.. => 4,
        0xE0.. => 3,
        0xC0.. => 2,
        _ => 1,
    };
    bytes.get(at + 1 + width) == Some(&b'\'')
}

/// Bytes that can change the lexer's state or the bracket nesting in code.
#[inline]
fn is_structural(byte: u8) -> bool {
    STRUCTURAL[usize::from(byte)]
}

const STRUCTURAL: [bool; 256] = {
    let mut table = [false; 256];
    let bytes = *b"/\"r'()[]{}";
    let mut i = 0;
    while i < bytes.len() {
        table[bytes[i] as usize] = true;
        i += 1;
    }
    table
};

/// Bytes of identifiers; any non-ASCII byte counts, as only identifiers hold such outside
/// literals and comments.
#[inline]
fn is_ident(byte: u8) -> bool {
    IDENT[usize::from(byte)]
}

const IDENT: [bool; 256] = {
    let mut table = [false; 256];
    let mut byte = 0;
    while byte < 256 {
        let b = byte as u8;
        table[byte] = b.is_ascii_alphanumeric() || b == b'_' || b >= 0x80;
        byte += 1;
    }
    table
};

/// The lines of `source` without their `\n` (and a `\r` before it), as [`str::lines`] has
/// them, found by a plain byte search.
fn lines(source: &str) -> impl Iterator<Item = &str> {
    let mut rest = source;
    std::iter::from_fn(move || {
        if rest.is_empty() {
            return None;
        }
        Some(match rest.bytes().position(|b| b == b'\n') {
            Some(end) => {
                let line = &rest[..end];
                rest = &rest[end + 1..];
                line.strip_suffix('\r').unwrap_or(line)
            }
            None => std::mem::take(&mut rest),
        })
    })
}

/// Appends `source` to `out` with a blank line between consecutive items of every item list
/// (the file, `impl`, `trait` and `mod` bodies), except inside runs of `use` declarations of one
/// origin, of `mod` declarations and of inner attributes; doc markers become the doc lines of
/// `doc_blocks` (see [`super::docs`]). A marker stands where its doc lines go, so it places
/// blank lines as they would.
pub(super) fn separate_items_into(source: &str, doc_blocks: &[String], out: &mut String) {
    let blank_before = blank_lines(source);
    let doc_len: usize = doc_blocks.iter().map(String::len).sum();
    out.reserve(source.len() + doc_len + blank_before.len() + 1);
    let mut blanks = blank_before.iter().peekable();
    for (index, text) in lines(source).enumerate() {
        if blanks.next_if(|at| **at == index).is_some() {
            out.push('\n');
        }
        if !super::docs::expand_into(text, doc_blocks, out) {
            out.push_str(text);
            out.push('\n');
        }
    }
}

/// [`separate_items_into`] a new string.
#[cfg(test)]
fn separate_items(source: &str) -> String {
    let mut out = String::new();
    separate_items_into(source, &[], &mut out);
    out
}

/// The lines (by index) that a blank line goes before. Whether one does depends on the groups
/// of the item before and the item starting there, and the latter is known only once its header
/// has been read, a line or more later.
fn blank_lines(source: &str) -> Vec<usize> {
    let mut scanner = Scanner::new();
    let mut blank_before = Vec::new();
    let mut previous_group: Option<Group> = None;
    let mut item = Header::default();
    // The item that may need a blank line before it: its first line and the group of the
    // item before it, until its own header has been read into `upcoming`.
    let mut pending: Option<(usize, Group)> = None;
    let mut upcoming = Header::default();
    for (index, text) in lines(source).enumerate() {
        let in_item_list = scanner.in_item_list();
        if previous_group.is_some() {
            upcoming = Header::default();
        }
        let reads_upcoming = previous_group.is_some() || pending.is_some();
        // A settled header ignores what follows: a body's bytes need not be handed over.
        let wants_code = (in_item_list && !item.settled) || (reads_upcoming && !upcoming.settled);
        let line = scanner.line(text, wants_code, |byte| {
            if in_item_list {
                item.push(byte);
            }
            if reads_upcoming {
                upcoming.push(byte);
            }
        });
        if in_item_list {
            item.push(b' ');
        }
        if reads_upcoming {
            upcoming.push(b' ');
        }
        let starts_item = in_item_list && !line.closes_list && !text.trim().is_empty();
        if let Some(previous) = previous_group.filter(|_| starts_item) {
            pending = Some((index, previous));
        }
        if line.ends_item || line.opens_list {
            if let Some((at, previous)) = pending.take() {
                if needs_blank(previous, upcoming.group()) {
                    blank_before.push(at);
                }
            }
        }
        previous_group = line.ends_item.then(|| item.group());
        if line.ends_item || line.opens_list {
            item = Header::default();
        }
    }
    if let Some((at, previous)) = pending {
        if needs_blank(previous, upcoming.group()) {
            blank_before.push(at);
        }
    }
    blank_before
}

fn needs_blank(previous: Group, next: Group) -> bool {
    previous == Group::Alone || previous != next
}

#[cfg(test)]
mod tests {
    use super::{lines, separate_items};

    #[test]
    fn lines_split_as_the_standard_library_splits_them() {
        for text in [
            "",
            "a",
            "a\n",
            "a\n\nb",
            "a\r\nb\r\n",
            "a\r",
            "\r\n",
            "a\rb\n\n",
        ] {
            assert_eq!(
                lines(text).collect::<Vec<_>>(),
                text.lines().collect::<Vec<_>>(),
                "{text:?}"
            );
        }
    }

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

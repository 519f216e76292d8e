//! Statics printed straight to text. The schema statics are plain data (struct literals,
//! slices, calls, string and integer literals, references to other statics), and they are the
//! largest generated file: building them as tokens only for syn to parse and prettyplease to
//! print again was a third of generation. This module prints them itself, in exactly the
//! layout prettyplease gives the same items, so the generated files stay as they were.
//!
//! The layout is the line-breaking algorithm prettyplease uses (Oppen's): each value becomes a
//! stream of text, possible line breaks and boxes around them; a box whose contents, up to the
//! next break outside it, fit on the rest of the line prints flat, and otherwise breaks all
//! its breaks (a consistent box) or only those whose following text would not fit (an
//! inconsistent one). [`Value`] emits the same boxes and breaks as prettyplease does for each
//! kind of expression; the `agrees_with_prettyplease` test holds the two side by side.

use std::fmt::Write;

/// The line width prettyplease fills.
const MARGIN: isize = 89;
/// The least room a deeply indented line keeps.
const MIN_SPACE: isize = 60;
const INDENT: isize = 4;
/// A size that never fits: a forced break.
const NEVER_FITS: isize = 0xffff;
/// prettyplease breaks a struct literal wider than this even when it would fit on the line.
const STRUCT_FLAT_WIDTH: isize = 34;

/// An expression of a generated static.
#[derive(Debug, Clone, PartialEq)]
pub(super) enum Value {
    /// A path or a keyword: `Kind::String`, `None`, `RECIPE_PIPE`.
    Path(String),
    /// A string literal, escaped when printed.
    Str(String),
    /// An integer or boolean literal, as written.
    Number(String),
    /// `&value`.
    Ref(Box<Value>),
    /// `[a, b]` (behind a [`Value::Ref`] for a slice).
    Array(Vec<Value>),
    /// `(a, b)`.
    Tuple(Vec<Value>),
    /// `path(args)`.
    Call(String, Vec<Value>),
    /// `Path { field: value, … }`.
    Struct(String, Vec<(&'static str, Value)>),
    /// `receiver.method(args)`.
    Method(Box<Value>, &'static str, Vec<Value>),
}

impl Value {
    pub(super) fn path(path: impl Into<String>) -> Value {
        Value::Path(path.into())
    }

    pub(super) fn str(text: impl Into<String>) -> Value {
        Value::Str(text.into())
    }

    pub(super) fn int(value: impl std::fmt::Display) -> Value {
        Value::Number(value.to_string())
    }

    pub(super) fn bool(value: bool) -> Value {
        Value::Number(value.to_string())
    }

    /// `&value`.
    pub(super) fn reference(value: Value) -> Value {
        Value::Ref(Box::new(value))
    }

    /// `&[items]`.
    pub(super) fn slice(items: impl IntoIterator<Item = Value>) -> Value {
        Value::reference(Value::Array(items.into_iter().collect()))
    }

    /// `&["a", "b"]`.
    pub(super) fn strs<S: AsRef<str>>(items: &[S]) -> Value {
        Value::slice(items.iter().map(|s| Value::str(s.as_ref())))
    }

    pub(super) fn call(path: impl Into<String>, args: impl IntoIterator<Item = Value>) -> Value {
        Value::Call(path.into(), args.into_iter().collect())
    }

    /// `Some(value)` or `None`.
    pub(super) fn option(value: Option<Value>) -> Value {
        match value {
            Some(value) => Value::call("Some", [value]),
            None => Value::path("None"),
        }
    }

    pub(super) fn fields(
        path: impl Into<String>,
        fields: impl IntoIterator<Item = (&'static str, Value)>,
    ) -> Value {
        Value::Struct(path.into(), fields.into_iter().collect())
    }

    /// `self.method(args)`.
    pub(super) fn method(
        self,
        method: &'static str,
        args: impl IntoIterator<Item = Value>,
    ) -> Value {
        Value::Method(Box::new(self), method, args.into_iter().collect())
    }

    /// Whether prettyplease lets this value, as a call's only argument, open on the call's
    /// line (`Some(Struct {` rather than `Some(\n    Struct {`).
    fn is_blocklike(&self) -> bool {
        matches!(self, Value::Array(_) | Value::Struct(..) | Value::Tuple(_))
    }
}

/// A `static` item.
pub(super) struct Static {
    /// Its doc comment; none when empty.
    pub docs: String,
    pub public: bool,
    pub name: String,
    pub ty: String,
    pub value: Value,
}

impl Static {
    /// The item as prettyplease prints it, doc lines first, ending in a newline.
    pub(super) fn print_into(&self, out: &mut String) {
        doc_lines_into(&self.docs, out);
        let mut stream = Stream::default();
        stream.begin(Breaks::Consistent, 0);
        let visibility = if self.public { "pub " } else { "" };
        stream.text_fmt(format_args!(
            "{visibility}static {}: {} = ",
            self.name, self.ty
        ));
        stream.never_break();
        stream.value(&self.value);
        stream.text(";");
        stream.end();
        stream.print_into(out);
        out.push('\n');
    }
}

/// `///` lines for a doc text: trimmed, each line after a space, as the token emitters'
/// doc comments print.
fn doc_lines_into(text: &str, out: &mut String) {
    for line in text.trim().lines() {
        let line = line.trim_end();
        out.push_str("///");
        if !line.is_empty() {
            out.push(' ');
            out.push_str(line);
        }
        out.push('\n');
    }
}

/// `text` as a Rust string literal, escaped as proc-macro2 (and so prettyplease) spells it:
/// quotes, backslashes and control characters escaped, other characters kept as they are.
pub(super) fn string_literal_into(text: &str, out: &mut String) {
    out.push('"');
    // Spec texts are mostly printable ASCII, which stays as it is: taken a run at a time.
    let plain = text
        .bytes()
        .position(|b| !(b' '..=b'~').contains(&b) || b == b'"' || b == b'\\')
        .unwrap_or(text.len());
    out.push_str(&text[..plain]);
    let mut chars = text[plain..].chars().peekable();
    while let Some(ch) = chars.next() {
        match ch {
            // `\0` before a digit would read as an octal escape to a reader (and to clippy).
            '\0' if chars.peek().is_some_and(|next| ('0'..='7').contains(next)) => {
                out.push_str("\\x00")
            }
            '\0' => out.push_str("\\0"),
            '\'' => out.push('\''),
            _ => out.extend(ch.escape_debug()),
        }
    }
    out.push('"');
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Breaks {
    Consistent,
    Inconsistent,
}

#[derive(Debug, Clone, Copy)]
enum Token {
    /// Text of the stream's buffer, `start..end`.
    Text {
        start: usize,
        end: usize,
    },
    Break(Break),
    Begin {
        breaks: Breaks,
        offset: isize,
    },
    End,
    /// Nothing to print, but wider than any line: the boxes around it break.
    Unfit,
}

#[derive(Debug, Clone, Copy, Default)]
struct Break {
    /// Spaces when the break stays on the line.
    blank: usize,
    /// Indentation of the next line, relative to the box's.
    offset: isize,
    /// Printed before the line ends (the trailing comma of a broken list).
    before_newline: Option<char>,
    never: bool,
}

/// The tokens of one item, then its layout.
#[derive(Default)]
struct Stream {
    tokens: Vec<Token>,
    text: String,
}

impl Stream {
    fn begin(&mut self, breaks: Breaks, offset: isize) {
        self.tokens.push(Token::Begin { breaks, offset });
    }

    fn end(&mut self) {
        self.tokens.push(Token::End);
    }

    fn text(&mut self, text: &str) {
        let start = self.text.len();
        self.text.push_str(text);
        self.push_text(start);
    }

    fn text_fmt(&mut self, args: std::fmt::Arguments<'_>) {
        let start = self.text.len();
        // Writing to a String cannot fail.
        let _ = self.text.write_fmt(args);
        self.push_text(start);
    }

    fn push_text(&mut self, start: usize) {
        let end = self.text.len();
        self.tokens.push(Token::Text { start, end });
    }

    fn line_break(&mut self, blank: usize) {
        self.tokens.push(Token::Break(Break {
            blank,
            ..Break::default()
        }));
    }

    fn never_break(&mut self) {
        self.tokens.push(Token::Break(Break {
            never: true,
            ..Break::default()
        }));
    }

    /// The break after a list's last item: nothing on one line, a comma when broken.
    fn last_item_break(&mut self, blank: usize) {
        self.tokens.push(Token::Break(Break {
            blank,
            offset: -INDENT,
            before_newline: Some(','),
            never: false,
        }));
    }

    /// The separator after a list item: `,` and a break, or [`Stream::last_item_break`].
    fn item_separator(&mut self, is_last: bool, last_blank: usize) {
        if is_last {
            self.last_item_break(last_blank);
        } else {
            self.text(",");
            self.line_break(1);
        }
    }

    fn value(&mut self, value: &Value) {
        match value {
            Value::Path(path) | Value::Number(path) => self.text(path),
            Value::Str(text) => {
                let start = self.text.len();
                string_literal_into(text, &mut self.text);
                self.push_text(start);
            }
            Value::Ref(inner) => {
                self.text("&");
                self.value(inner);
            }
            Value::Array(items) => self.array(items),
            Value::Tuple(items) => self.tuple(items),
            Value::Call(path, args) => {
                self.text(path);
                self.args(args);
            }
            Value::Struct(path, fields) => self.struct_literal(path, fields),
            Value::Method(..) => {
                self.begin(Breaks::Consistent, INDENT);
                self.method_chain(value);
                self.end();
            }
        }
    }

    fn array(&mut self, items: &[Value]) {
        if items.is_empty() {
            self.text("[]");
        } else if items.iter().all(|item| matches!(item, Value::Number(_))) {
            // Numbers fill lines rather than taking one each.
            self.begin(Breaks::Consistent, INDENT);
            self.text("[");
            self.line_break(0);
            self.begin(Breaks::Inconsistent, 0);
            for (index, item) in items.iter().enumerate() {
                self.value(item);
                if index + 1 < items.len() {
                    self.text(",");
                    self.line_break(1);
                }
            }
            self.end();
            self.last_item_break(0);
            self.text("]");
            self.end();
        } else {
            self.text("[");
            self.list_items(items);
            self.text("]");
        }
    }

    fn tuple(&mut self, items: &[Value]) {
        self.text("(");
        if let [single] = items {
            self.begin(Breaks::Consistent, INDENT);
            self.line_break(0);
            self.value(single);
            self.text(",");
            self.tokens.push(Token::Break(Break {
                offset: -INDENT,
                ..Break::default()
            }));
            self.end();
        } else {
            self.list_items(items);
        }
        self.text(")");
    }

    /// Items one per line when they do not fit on one, each followed by a comma then.
    fn list_items(&mut self, items: &[Value]) {
        if items.is_empty() {
            return;
        }
        self.begin(Breaks::Consistent, INDENT);
        self.line_break(0);
        for (index, item) in items.iter().enumerate() {
            self.value(item);
            self.item_separator(index + 1 == items.len(), 0);
        }
        self.end();
    }

    /// `(args)`: a single struct, array or tuple opens on the call's line.
    fn args(&mut self, args: &[Value]) {
        self.text("(");
        match args {
            [single] if single.is_blocklike() => self.value(single),
            _ => self.list_items(args),
        }
        self.text(")");
    }

    fn struct_literal(&mut self, path: &str, fields: &[(&'static str, Value)]) {
        let begin = self.tokens.len();
        self.begin(Breaks::Consistent, INDENT);
        self.text_fmt(format_args!("{path} {{"));
        if !fields.is_empty() {
            self.line_break(1);
        }
        for (index, (name, value)) in fields.iter().enumerate() {
            self.text_fmt(format_args!("{name}: "));
            self.begin(Breaks::Inconsistent, 0);
            self.value(value);
            self.end();
            self.item_separator(index + 1 == fields.len(), 1);
        }
        if self.flat_width(begin) > STRUCT_FLAT_WIDTH {
            self.tokens.push(Token::Unfit);
        }
        self.end();
        self.text("}");
    }

    /// `receiver.a(…).b(…)`, a break before each `.` (in the box [`Stream::value`] opens).
    fn method_chain(&mut self, value: &Value) {
        let Value::Method(receiver, method, args) = value else {
            return self.value(value);
        };
        self.method_chain(receiver);
        self.line_break(0);
        self.text_fmt(format_args!(".{method}"));
        self.begin(Breaks::Consistent, 0);
        self.args(args);
        self.end();
    }

    /// The width of the tokens from `start` on, printed on one line.
    fn flat_width(&self, start: usize) -> isize {
        self.tokens[start..].iter().map(|t| self.width(t)).sum()
    }

    fn width(&self, token: &Token) -> isize {
        match *token {
            Token::Text { start, end } => (end - start) as isize,
            Token::Break(b) => b.blank as isize,
            Token::Unfit => NEVER_FITS,
            Token::Begin { .. } | Token::End => 0,
        }
    }

    /// The size of every box and break: for a box, its width up to the first break after
    /// its end that is not inside a box opened since; for a break, its blank and what follows
    /// up to the next break that is not inside a box opened since. What does not fit on the
    /// rest of the line breaks.
    fn sizes(&self) -> Vec<isize> {
        let mut sizes = vec![0; self.tokens.len()];
        // Boxes and breaks whose size is still open, as indexes; an open box stops the
        // search, since nothing after it can end what came before it.
        let mut pending: Vec<usize> = Vec::new();
        let mut open: Vec<bool> = vec![false; self.tokens.len()];
        let mut open_boxes: Vec<usize> = Vec::new();
        let mut position = 0;
        for (index, token) in self.tokens.iter().enumerate() {
            match token {
                Token::Begin { .. } => {
                    sizes[index] = -position;
                    open[index] = true;
                    open_boxes.push(index);
                    pending.push(index);
                }
                Token::End => {
                    if let Some(begin) = open_boxes.pop() {
                        open[begin] = false;
                    }
                }
                Token::Break(_) => {
                    while let Some(&last) = pending.last() {
                        if open[last] {
                            break;
                        }
                        sizes[last] += position;
                        pending.pop();
                    }
                    sizes[index] = -position;
                    pending.push(index);
                }
                Token::Text { .. } | Token::Unfit => {}
            }
            position += self.width(token);
        }
        for index in pending {
            sizes[index] += position;
        }
        sizes
    }

    /// The stream laid out on lines of [`MARGIN`] columns, starting at the beginning of a line.
    fn print_into(&self, out: &mut String) {
        let sizes = self.sizes();
        // Each open box: the indentation outside it and how its breaks print, or `None` when
        // it fits on the line.
        let mut boxes: Vec<Option<(usize, Breaks)>> = Vec::new();
        let mut indent = 0usize;
        let mut pending_spaces = 0usize;
        let mut space = MARGIN;
        for (token, &size) in self.tokens.iter().zip(&sizes) {
            match *token {
                Token::Text { start, end } => {
                    push_spaces(out, &mut pending_spaces);
                    out.push_str(&self.text[start..end]);
                    space -= (end - start) as isize;
                }
                Token::Unfit => {}
                Token::Begin { breaks, offset } => {
                    if size > space {
                        boxes.push(Some((indent, breaks)));
                        indent = indent.saturating_add_signed(offset);
                    } else {
                        boxes.push(None);
                    }
                }
                Token::End => {
                    if let Some(Some((outer, _))) = boxes.pop() {
                        indent = outer;
                    }
                }
                Token::Break(b) => {
                    let stays = b.never
                        || match boxes.last() {
                            Some(None) => true,
                            Some(Some((_, Breaks::Consistent))) => false,
                            Some(Some((_, Breaks::Inconsistent))) | None => size <= space,
                        };
                    if stays {
                        pending_spaces += b.blank;
                        space -= b.blank as isize;
                    } else {
                        if let Some(ch) = b.before_newline {
                            push_spaces(out, &mut pending_spaces);
                            out.push(ch);
                        }
                        out.push('\n');
                        let next = indent.saturating_add_signed(b.offset);
                        pending_spaces = next;
                        space = (MARGIN - next as isize).max(MIN_SPACE);
                    }
                }
            }
        }
    }
}

fn push_spaces(out: &mut String, count: &mut usize) {
    out.extend(std::iter::repeat_n(' ', *count));
    *count = 0;
}

#[cfg(test)]
mod tests {
    use super::{Static, Value, string_literal_into};

    fn literal(text: &str) -> String {
        let mut out = String::new();
        string_literal_into(text, &mut out);
        out
    }

    #[test]
    fn string_literals_escape_quotes_backslashes_and_control_characters_only() {
        assert_eq!(literal(r#"say "hi""#), r#""say \"hi\"""#);
        assert_eq!(literal(r"^\+[0-9]$"), r#""^\\+[0-9]$""#);
        assert_eq!(literal("a\nb\tc\rd"), r#""a\nb\tc\rd""#);
        assert_eq!(literal("it's #1"), r#""it's #1""#);
        assert_eq!(literal("Jan Novák, 東京"), "\"Jan Novák, 東京\"");
        assert_eq!(literal("\0x \u{0}7"), r#""\0x \x007""#);
        assert_eq!(literal("\u{7f}\u{200b}"), r#""\u{7f}\u{200b}""#);
    }

    #[test]
    fn string_literals_read_back_as_the_text() {
        for text in ["", "\"\\\n\0", "a\u{301}", "x\u{0}1", "#\"#", "\u{1F600}"] {
            let parsed: syn::LitStr = syn::parse_str(&literal(text)).expect("a string literal");
            assert_eq!(parsed.value(), text);
        }
    }

    /// The printed item, and what prettyplease makes of the same item.
    fn both(item: &Static) -> (String, String) {
        let mut ours = String::new();
        item.print_into(&mut ours);
        let file = syn::parse_file(&ours).expect("the printer writes valid Rust");
        (ours, prettyplease::unparse(&file))
    }

    fn item(value: Value) -> Static {
        Static {
            docs: "A static.\n\nTwo paragraphs.".into(),
            public: true,
            name: "NAME".into(),
            ty: "&[Thing]".into(),
            value,
        }
    }

    #[test]
    fn agrees_with_prettyplease() {
        let long = "a long description that cannot share a line with anything else at all";
        let field = |name: &str| {
            Value::call(
                "Field::new",
                [Value::str(name), Value::path("Kind::String")],
            )
        };
        // Deep enough that a line keeps only the least room prettyplease leaves, and a call
        // there that fits that room only just.
        let deepest = Value::call(
            "Call",
            ["first argument", "second", "third", "fourth"].map(Value::str),
        );
        let nested = (0..9).fold(deepest, |inner, depth| {
            Value::fields("Level", [("depth", Value::int(depth)), ("inner", inner)])
        });
        let values = [
            nested,
            // Short enough for the line, too wide for a struct literal to stay on it.
            Value::fields(
                "Enum",
                [("name", Value::str("Currency")), ("values", Value::int(12))],
            ),
            Value::slice([]),
            Value::slice((0..40).map(Value::int)),
            Value::slice([Value::int(-3), Value::int(7)]),
            Value::slice([Value::bool(true)]),
            Value::call("Pattern::new", [Value::str(long)]),
            Value::call("Pattern::new", [Value::str("short")]),
            Value::fields("Enum", [("name", Value::str("E"))]),
            Value::fields(
                "Enum",
                [
                    ("name", Value::str("Currency")),
                    ("values", Value::strs(&["CZK", "EUR", "USD"])),
                ],
            ),
            Value::slice([Value::Tuple(vec![Value::str("sandbox"), Value::str(long)])]),
            Value::slice([Value::Tuple(vec![Value::str(long)])]),
            Value::option(Some(Value::reference(Value::path("RESULT")))),
            Value::call(
                "recipe::Piece::Order",
                [Value::fields(
                    "recipe::OrderFormat",
                    [
                        ("separator", Value::str("|")),
                        ("booleans", Value::path("B::W")),
                    ],
                )],
            ),
            Value::slice([
                field("merchantId")
                    .method("required", [])
                    .method("auto", [Value::call("Auto::Credential", [Value::str("m")])])
                    .method("constraints", [Value::path("MERCHANT_ID_CONSTRAINTS")]),
                field("a").method("required", []),
                field(long).method("constraints", [Value::slice([Value::path("X")])]),
                Value::call(
                    "K",
                    [Value::reference(Value::call("K", [Value::str(long)]))],
                ),
            ]),
        ];
        for value in values {
            let (ours, theirs) = both(&item(value));
            assert_eq!(ours, theirs);
        }
    }
}

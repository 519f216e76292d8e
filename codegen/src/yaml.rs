//! A YAML tree that remembers where every node came from.
//!
//! Built from `saphyr-parser` events rather than a map-based loader so that duplicate keys are
//! seen (and reported) instead of silently merged, and so that scalars are resolved by the
//! spec language's own small rules: only plain scalars can be `null`, booleans or integers.

use saphyr_parser::{Event, Parser, ScalarStyle, Span};

/// 1-based line and column of a node's first character.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub struct Pos {
    pub line: usize,
    pub col: usize,
}

impl Pos {
    fn of(span: &Span) -> Pos {
        Pos {
            line: span.start.line(),
            col: span.start.col() + 1,
        }
    }
}

#[derive(Debug, Clone, PartialEq)]
pub enum Value {
    Null,
    Bool(bool),
    Int(i64),
    /// A string; `plain` is false when the author quoted it or used a block scalar.
    Str {
        text: String,
        plain: bool,
    },
    Seq(Vec<Node>),
    Map(Vec<(Node, Node)>),
}

#[derive(Debug, Clone, PartialEq)]
pub struct Node {
    pub pos: Pos,
    pub value: Value,
}

impl Node {
    /// What kind of node this is, for messages like "expected a mapping, found a sequence".
    pub fn kind(&self) -> &'static str {
        match self.value {
            Value::Null => "null",
            Value::Bool(_) => "a boolean",
            Value::Int(_) => "an integer",
            Value::Str { .. } => "a string",
            Value::Seq(_) => "a sequence",
            Value::Map(_) => "a mapping",
        }
    }
}

#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ParseError {
    pub pos: Pos,
    pub message: String,
}

/// Parses one YAML document into a [`Node`] tree.
pub fn parse(source: &str) -> Result<Node, ParseError> {
    let mut builder = Builder::default();
    for event in Parser::new_from_str(source) {
        let (event, span) = event.map_err(|e| ParseError {
            pos: Pos {
                line: e.marker().line(),
                col: e.marker().col() + 1,
            },
            message: e.info().to_string(),
        })?;
        builder.push(event, &span)?;
    }
    builder.root.ok_or(ParseError {
        pos: Pos { line: 1, col: 1 },
        message: "the file holds no YAML document".into(),
    })
}

#[derive(Default)]
struct Builder {
    stack: Vec<(Pos, Container)>,
    root: Option<Node>,
    documents: usize,
}

enum Container {
    Seq(Vec<Node>),
    Map(Vec<(Node, Node)>, Option<Node>),
}

impl Builder {
    fn push(&mut self, event: Event<'_>, span: &Span) -> Result<(), ParseError> {
        let pos = Pos::of(span);
        let unsupported = |what: &str| ParseError {
            pos,
            message: format!("{what} are not part of the spec language; write the value out"),
        };
        match event {
            Event::DocumentStart(_) => {
                self.documents += 1;
                if self.documents > 1 {
                    return Err(ParseError {
                        pos,
                        message: "a spec file holds exactly one YAML document".into(),
                    });
                }
            }
            Event::Alias(_) => return Err(unsupported("aliases")),
            Event::Scalar(text, style, anchor, tag) => {
                if anchor != 0 {
                    return Err(unsupported("anchors"));
                }
                if tag.is_some() {
                    return Err(unsupported("tags"));
                }
                let value = resolve_scalar(&text, style);
                self.attach(Node { pos, value })?;
            }
            Event::SequenceStart(anchor, ref tag) | Event::MappingStart(anchor, ref tag) => {
                if anchor != 0 {
                    return Err(unsupported("anchors"));
                }
                if tag.is_some() {
                    return Err(unsupported("tags"));
                }
                let container = if matches!(event, Event::SequenceStart(..)) {
                    Container::Seq(Vec::new())
                } else {
                    Container::Map(Vec::new(), None)
                };
                self.stack.push((pos, container));
            }
            Event::SequenceEnd | Event::MappingEnd => {
                if let Some((pos, container)) = self.stack.pop() {
                    let value = match container {
                        Container::Seq(items) => Value::Seq(items),
                        Container::Map(entries, _) => Value::Map(entries),
                    };
                    self.attach(Node { pos, value })?;
                }
            }
            Event::Nothing | Event::StreamStart | Event::StreamEnd | Event::DocumentEnd => {}
        }
        Ok(())
    }

    fn attach(&mut self, node: Node) -> Result<(), ParseError> {
        match self.stack.last_mut() {
            None => self.root = Some(node),
            Some((_, Container::Seq(items))) => items.push(node),
            Some((_, Container::Map(entries, pending_key))) => match pending_key.take() {
                None => {
                    if !matches!(node.value, Value::Str { .. } | Value::Int(_)) {
                        return Err(ParseError {
                            pos: node.pos,
                            message: format!("mapping keys must be strings, found {}", node.kind()),
                        });
                    }
                    *pending_key = Some(node);
                }
                Some(key) => entries.push((key, node)),
            },
        }
        Ok(())
    }
}

fn resolve_scalar(text: &str, style: ScalarStyle) -> Value {
    if style != ScalarStyle::Plain {
        return Value::Str {
            text: text.to_string(),
            plain: false,
        };
    }
    match text {
        "null" | "~" | "" => Value::Null,
        "true" => Value::Bool(true),
        "false" => Value::Bool(false),
        _ => match text.parse::<i64>() {
            Ok(int) if looks_like_integer(text) => Value::Int(int),
            _ => Value::Str {
                text: text.to_string(),
                plain: true,
            },
        },
    }
}

/// `0644` or `+5` parse as integers in Rust but read as strings to a person; keep them strings.
fn looks_like_integer(text: &str) -> bool {
    let digits = text.strip_prefix('-').unwrap_or(text);
    !digits.is_empty()
        && digits.bytes().all(|b| b.is_ascii_digit())
        && (digits == "0" || !digits.starts_with('0'))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn keeps_positions_and_duplicate_keys() {
        let node = parse("a: 1\nb:\n  - x\n  - '2'\na: true\n").unwrap();
        let Value::Map(entries) = &node.value else {
            panic!("expected a map")
        };
        assert_eq!(entries.len(), 3);
        assert_eq!(entries[2].0.pos, Pos { line: 5, col: 1 });
        assert_eq!(entries[2].1.value, Value::Bool(true));
        let Value::Seq(items) = &entries[1].1.value else {
            panic!("expected a sequence")
        };
        assert_eq!(items[1].pos, Pos { line: 4, col: 5 });
        assert_eq!(
            items[1].value,
            Value::Str {
                text: "2".into(),
                plain: false
            }
        );
    }

    #[test]
    fn rejects_aliases_with_position() {
        let err = parse("a: &x 1\nb: *x\n").unwrap_err();
        assert_eq!(err.pos.line, 1);
        assert!(err.message.contains("anchors"));
    }

    #[test]
    fn leading_zero_stays_a_string() {
        let node = parse("- 05\n- 0\n- -7\n").unwrap();
        let Value::Seq(items) = node.value else {
            panic!()
        };
        assert!(matches!(items[0].value, Value::Str { .. }));
        assert_eq!(items[1].value, Value::Int(0));
        assert_eq!(items[2].value, Value::Int(-7));
    }
}

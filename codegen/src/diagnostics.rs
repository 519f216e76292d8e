//! Problems found in a spec, each with the place it was found.

use std::fmt;

use crate::yaml::Pos;

/// One problem, printed as `file:line:col: message`.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Diagnostic {
    pub file: String,
    pub pos: Pos,
    pub message: String,
}

impl fmt::Display for Diagnostic {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(
            f,
            "{}:{}:{}: {}",
            self.file, self.pos.line, self.pos.col, self.message
        )
    }
}

/// Every problem found in one run, in source order.
#[derive(Debug, Clone, PartialEq, Eq, Default)]
pub struct Diagnostics(pub Vec<Diagnostic>);

impl Diagnostics {
    pub fn is_empty(&self) -> bool {
        self.0.is_empty()
    }

    pub fn len(&self) -> usize {
        self.0.len()
    }

    pub fn iter(&self) -> impl Iterator<Item = &Diagnostic> {
        self.0.iter()
    }

    pub(crate) fn sorted(mut self) -> Self {
        self.0.sort_by(|a, b| {
            (&a.file, a.pos.line, a.pos.col).cmp(&(&b.file, b.pos.line, b.pos.col))
        });
        self.0.dedup();
        self
    }
}

impl fmt::Display for Diagnostics {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        for diagnostic in &self.0 {
            writeln!(f, "{diagnostic}")?;
        }
        write!(
            f,
            "{} problem{} found",
            self.0.len(),
            if self.0.len() == 1 { "" } else { "s" }
        )
    }
}

impl std::error::Error for Diagnostics {}

/// Collects diagnostics for one file.
#[derive(Debug)]
pub(crate) struct Sink {
    file: String,
    found: Vec<Diagnostic>,
}

impl Sink {
    pub(crate) fn new(file: &str) -> Self {
        Sink {
            file: file.to_string(),
            found: Vec::new(),
        }
    }

    pub(crate) fn error(&mut self, pos: Pos, message: impl Into<String>) {
        self.found.push(Diagnostic {
            file: self.file.clone(),
            pos,
            message: message.into(),
        });
    }

    pub(crate) fn has_errors(&self) -> bool {
        !self.found.is_empty()
    }

    pub(crate) fn finish(self) -> Diagnostics {
        Diagnostics(self.found).sorted()
    }
}

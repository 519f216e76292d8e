//! Doc comments, kept out of the token streams. A doc line as a `#[doc = "…"]` attribute costs
//! a literal to escape, an attribute for syn to parse and a string for prettyplease to unescape,
//! and generated files are half documentation: that was the largest single cost of generation.
//! So an emitter's docs become one marker attribute per block (`#[__oneclick_doc_7]`, a bare
//! path, the cheapest attribute to parse), the texts wait in a table of the thread that emits
//! the file, and the printed file gets its `///` (or `//!`) lines back in place of each marker,
//! at the marker's indentation: the lines prettyplease would have printed.
//!
//! prettyplease puts an attribute on a line of its own before an item, an impl item, a struct
//! field and an enum variant, which is where markers go; a field of an enum variant is printed
//! in line, so it takes [`variant_field_doc`]. A marker anywhere else would stay in the file and
//! fail its compilation, loudly.

use std::cell::RefCell;

use proc_macro2::{Ident, Span, TokenStream};
use quote::quote;

thread_local! {
    /// The doc blocks of the file this thread is emitting, by marker number. A file's emitters
    /// run on one thread, and [`take`] empties the table once its tokens are built.
    static TEXTS: RefCell<Vec<String>> = const { RefCell::new(Vec::new()) };
}

/// The name of a marker attribute, before its number. No emitter uses attributes of this name.
const MARKER: &str = "__oneclick_doc_";

/// Outer docs (`///`) of the item, field or variant that follows.
pub(super) fn doc(text: &str) -> TokenStream {
    match marker(text) {
        Some(marker) => quote! { #[#marker] },
        None => TokenStream::new(),
    }
}

/// Inner docs (`//!`) of the enclosing module or crate.
pub(super) fn inner_doc(text: &str) -> TokenStream {
    match marker(text) {
        Some(marker) => quote! { #![#marker] },
        None => TokenStream::new(),
    }
}

/// Doc attributes proper, one per line, for a field of an enum variant: prettyplease prints
/// such fields in line with their variant (`Variant { #[marker] field: T }`) unless a doc
/// comment forces the lines apart.
pub(super) fn variant_field_doc(text: &str) -> TokenStream {
    let lines = text.trim().lines().map(|line| {
        let line = line.trim_end();
        let line = if line.is_empty() {
            String::new()
        } else {
            format!(" {line}")
        };
        quote! { #[doc = #line] }
    });
    quote! { #(#lines)* }
}

/// An invocation of the runtime's macro `rt::<name>!` printed as `text` (the whole invocation,
/// laid out by its emitter, lines after the first relative to the item's indentation) instead
/// of as prettyplease lays out a macro's tokens, which is one run of tokens spaced apart. The
/// tokens carry only a marker in its parentheses. Runtime macros only: a printed line is
/// looked at for a marker only when it starts with `r`.
pub(super) fn verbatim_macro(name: &str, text: String) -> TokenStream {
    let number = store(text);
    let name = Ident::new(name, Span::call_site());
    let marker = Ident::new(&format!("{CODE_MARKER}{number}"), Span::call_site());
    quote! { rt::#name!(#marker); }
}

/// The name of a verbatim invocation's marker, before its number.
const CODE_MARKER: &str = "__oneclick_code_";

/// The doc blocks of the file whose tokens were just built, for [`expand_into`].
pub(super) fn take() -> Vec<String> {
    TEXTS.with(|texts| std::mem::take(&mut *texts.borrow_mut()))
}

/// Stores `text` (trimmed; each line after a space, as `///` comments are written) and names
/// it; `None` for no text, which has no doc line.
fn marker(text: &str) -> Option<Ident> {
    let text = text.trim();
    if text.is_empty() {
        return None;
    }
    let mut block = String::with_capacity(text.len() + 16);
    for (index, line) in text.lines().enumerate() {
        if index > 0 {
            block.push('\n');
        }
        let line = line.trim_end();
        if !line.is_empty() {
            block.push(' ');
            block.push_str(line);
        }
    }
    let number = store(block);
    Some(Ident::new(&format!("{MARKER}{number}"), Span::call_site()))
}

/// Keeps `text` in this thread's table and returns its marker number.
fn store(text: String) -> usize {
    TEXTS.with(|texts| {
        let mut texts = texts.borrow_mut();
        texts.push(text);
        texts.len() - 1
    })
}

/// Appends the printed `line` to `out`, or the doc lines its marker stands for. Returns whether
/// it was a marker.
pub(super) fn expand_into(line: &str, blocks: &[String], out: &mut String) -> bool {
    // Every printed line passes here and few are markers: most are told apart by their first
    // byte after the indentation without decoding the line.
    let first = line.bytes().find(|b| !matches!(b, b'\t'..=b'\r' | b' '));
    if first.is_none_or(|b| b != b'#' && b != b'r' && b.is_ascii()) {
        return false;
    }
    let code = line.trim_start();
    if first == Some(b'r') {
        return expand_verbatim(line, code, blocks, out);
    }
    let (comment, rest) = if let Some(rest) = code.strip_prefix("#![") {
        ("//!", rest)
    } else if let Some(rest) = code.strip_prefix("#[") {
        ("///", rest)
    } else {
        return false;
    };
    let Some(block) = rest
        .strip_prefix(MARKER)
        .and_then(|rest| rest.strip_suffix(']'))
        .and_then(|number| number.parse::<usize>().ok())
        .and_then(|number| blocks.get(number))
    else {
        return false;
    };
    let indent = &line[..line.len() - code.len()];
    for text in block.split('\n') {
        out.push_str(indent);
        out.push_str(comment);
        out.push_str(text);
        out.push('\n');
    }
    true
}

/// Appends the text a verbatim invocation's marker line (`rt::wire_object!(__oneclick_code_3);`)
/// stands for, each line at the marker's indentation. Returns whether it was one.
fn expand_verbatim(line: &str, code: &str, blocks: &[String], out: &mut String) -> bool {
    let Some(block) = code
        .split_once("!(")
        .and_then(|(_, rest)| rest.strip_prefix(CODE_MARKER))
        .and_then(|rest| rest.strip_suffix(");"))
        .and_then(|number| number.parse::<usize>().ok())
        .and_then(|number| blocks.get(number))
    else {
        return false;
    };
    let indent = &line[..line.len() - code.len()];
    for text in block.lines() {
        if !text.is_empty() {
            out.push_str(indent);
            out.push_str(text);
        }
        out.push('\n');
    }
    true
}

/// `source` with every marker line expanded.
pub(super) fn expand(source: &str, blocks: &[String]) -> String {
    let mut out =
        String::with_capacity(source.len() + blocks.iter().map(String::len).sum::<usize>());
    for line in source.lines() {
        if !expand_into(line, blocks, &mut out) {
            out.push_str(line);
            out.push('\n');
        }
    }
    out
}

#[cfg(test)]
mod tests {
    use super::{doc, expand, inner_doc, take, verbatim_macro};

    #[test]
    fn markers_print_as_the_doc_comments_they_stand_for() {
        take();
        let tokens = {
            let outer = doc("A type.\n\nIt has\n two lines.  ");
            let inner = inner_doc("The crate.");
            let nothing = doc("   ");
            quote::quote! {
                #inner
                #outer
                pub struct A {
                    #nothing
                    pub a: i64,
                }
            }
        };
        let blocks = take();
        let file = syn::parse2::<syn::File>(tokens).expect("valid Rust");
        assert_eq!(
            expand(&prettyplease::unparse(&file), &blocks),
            "//! The crate.\n/// A type.\n///\n/// It has\n///  two lines.\npub struct A {\n    pub a: i64,\n}\n"
        );
    }

    #[test]
    fn verbatim_invocations_print_as_laid_out_at_their_indentation() {
        take();
        let tokens = {
            let top = verbatim_macro(
                "wire_object",
                "rt::wire_object!(A {\n    a: required \"a\",\n});".into(),
            );
            let nested = verbatim_macro("m", "rt::m!(\n\n    x\n);".into());
            quote::quote! {
                #top
                mod inner {
                    #nested
                    fn keep() { rt::wire_object!(__oneclick_code_9); }
                }
            }
        };
        let blocks = take();
        let file = syn::parse2::<syn::File>(tokens).expect("valid Rust");
        assert_eq!(
            expand(&prettyplease::unparse(&file), &blocks),
            "rt::wire_object!(A {\n    a: required \"a\",\n});\nmod inner {\n    rt::m!(\n\n        x\n    );\n    fn keep() {\n        rt::wire_object!(__oneclick_code_9);\n    }\n}\n"
        );
    }
}

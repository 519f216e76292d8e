//! Monetix's signed text, shared by the tests that sign or verify under it: every field but
//! `signature`, flattened to `path:value` and sorted by path bytes.

use oneclick_runtime::recipe::{Booleans, Flat, FlatSort, KeyEscape, Piece};

pub const FLAT: &[Piece] = &[Piece::Flat(Flat {
    exclude: &["signature"],
    nesting: ":",
    assign: ":",
    separator: ";",
    sort: FlatSort::PathBytes,
    escape: KeyEscape::Double,
    booleans: Booleans::Digits,
})];

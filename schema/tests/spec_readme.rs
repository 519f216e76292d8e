//! The spec language reference (`spec/README.md`) names the same words as the closed sets, so
//! adding a value to a set without documenting it fails here.

use oneclick_schema::recipe::{
    Absent, AlgorithmName, Booleans, DigestAlgorithm, FlatSort, KeyEncoding, KeyEscape, Output,
};
use oneclick_schema::{
    ClosedSet, CredentialKind, Delivery, Encoding, Format, LengthUnit, Location, Method,
    ScalarBase, TimeZone,
};

const README: &str = include_str!("../../spec/README.md");

/// The first column of the table whose header row starts with `| format |`.
fn documented_formats() -> Vec<&'static str> {
    README
        .lines()
        .skip_while(|line| !line.starts_with("| format |"))
        .skip(2)
        .take_while(|line| line.starts_with('|'))
        .filter_map(|line| line.split('|').nth(1))
        .map(|cell| cell.trim().trim_matches('`'))
        .collect()
}

#[test]
fn the_format_table_lists_every_format_in_order() {
    assert_eq!(documented_formats(), <Format as ClosedSet>::NAMES);
}

fn documents_every_name<T: ClosedSet>() {
    for name in T::NAMES {
        assert!(
            README.contains(name),
            "spec/README.md never mentions the {} `{name}`",
            T::TYPE_NAME
        );
    }
}

#[test]
fn every_other_word_is_documented() {
    documents_every_name::<Method>();
    documents_every_name::<TimeZone>();
    documents_every_name::<Encoding>();
    documents_every_name::<Delivery>();
    documents_every_name::<Location>();
    documents_every_name::<LengthUnit>();
    documents_every_name::<ScalarBase>();
    documents_every_name::<CredentialKind>();
    documents_every_name::<AlgorithmName>();
    documents_every_name::<KeyEncoding>();
    documents_every_name::<DigestAlgorithm>();
    documents_every_name::<Output>();
    documents_every_name::<FlatSort>();
    documents_every_name::<KeyEscape>();
    documents_every_name::<Absent>();
    documents_every_name::<Booleans>();
}

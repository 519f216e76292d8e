//! The doc-check on the seed documents: each agrees with its spec apart from the exceptions the
//! spec declares, and an edited copy, as a maintainer would receive one, shows what changed.

use std::path::{Path, PathBuf};

use oneclick_codegen::ir::Gateway;
use oneclick_doc_check::Report;

fn root() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR"))
        .parent()
        .expect("the tests crate is inside the workspace")
        .to_path_buf()
}

fn spec(gateway: &str) -> Gateway {
    let file = format!("spec/{gateway}.yaml");
    oneclick_codegen::load(&root().join(&file), &file).expect("the spec loads")
}

fn document(file: &str) -> String {
    std::fs::read_to_string(root().join("tests/documents").join(file)).expect("the seed is there")
}

/// Checks `text` as the spec's source document `file`, with the exceptions the spec declares.
fn check(gateway: &Gateway, file: &str, text: &str) -> Report {
    let source = gateway
        .sources
        .iter()
        .find(|s| s.file == file)
        .expect("the spec lists the document");
    oneclick_doc_check::check(gateway, text, &source.doc_check_exceptions)
}

const SEEDS: [(&str, &str); 5] = [
    ("xpay", "000_026166fae9dda624.txt"),
    ("assist", "001_9ef7cc55ce4c4bca.txt"),
    ("assist", "002_9605be64e641d96f.txt"),
    ("monetix", "003_99869fa4caf8ef47.txt"),
    ("csob", "004_9b2662d2030e1ac6.txt"),
];

#[test]
fn every_seed_document_agrees_with_its_spec_but_for_declared_exceptions() {
    for (gateway, file) in SEEDS {
        let spec = spec(gateway);
        let report = check(&spec, file, &document(file));
        let findings: Vec<String> = report.findings.iter().map(ToString::to_string).collect();
        assert!(
            findings.is_empty(),
            "{file} against {gateway}: {findings:#?}"
        );
        let declared = spec
            .sources
            .iter()
            .find(|s| s.file == file)
            .map_or(0, |s| s.doc_check_exceptions.len());
        assert_eq!(
            report.excused.len(),
            declared,
            "{file}: every exception accepts one finding"
        );
    }
}

fn csob_with(edit: impl FnOnce(String) -> String) -> Vec<String> {
    let file = "004_9b2662d2030e1ac6.txt";
    let spec = spec("csob");
    let report = check(&spec, file, &edit(document(file)));
    report.findings.iter().map(ToString::to_string).collect()
}

fn line_of(text: &str, needle: &str) -> usize {
    text.lines()
        .position(|l| l.contains(needle))
        .expect("the seed has the line")
        + 1
}

#[test]
fn a_changed_limit_in_the_text_is_listed_with_the_spec_value() {
    let seed = document("004_9b2662d2030e1ac6.txt");
    let line = line_of(&seed, "ttlSec Number");
    let findings =
        csob_with(|text| text.replace("min. allowed value 300", "min. allowed value 120"));
    assert_eq!(
        findings,
        [format!(
            "{line}: `ttlSec`: the text states minimum value 120, the spec states 300"
        )]
    );
}

#[test]
fn a_length_in_characters_is_a_limit_too() {
    let seed = document("004_9b2662d2030e1ac6.txt");
    let line = line_of(&seed, "referenceNumber String");
    let findings = csob_with(|text| text.replace("max. 32 characters", "max. 40 characters"));
    assert_eq!(
        findings,
        [format!(
            "{line}: `referenceNumber`: the text states maximum length 40, the spec states 32"
        )]
    );
}

#[test]
fn a_request_example_that_breaks_a_constraint_names_its_line_and_rule() {
    let seed = document("004_9b2662d2030e1ac6.txt");
    // The oneclick/init example opens three lines above its orderNo.
    let line = line_of(&seed, "\"orderNo\":\"51966\"") - 3;
    let findings =
        csob_with(|text| text.replacen("\"orderNo\":\"51966\"", "\"orderNo\":\"51966000001\"", 1));
    assert_eq!(
        findings,
        [format!(
            "{line}: oneclick_init request: /orderNo: pattern ^[0-9]{{1,10}}$"
        )]
    );
}

#[test]
fn a_new_field_in_a_table_or_an_answer_is_listed_as_not_in_the_spec() {
    let seed = document("004_9b2662d2030e1ac6.txt");
    // A row replaced rather than added keeps the lines of the exceptions below.
    let row = "origPayId String payID Oneclick template (contains a 15-character string).";
    let table = line_of(&seed, row);
    let answer = line_of(&seed, "\"resultCode\": 0,") - 3;
    let findings = csob_with(|text| {
        text.replacen(row, "walletId String The wallet used.", 1)
            .replacen(
                "\"resultCode\": 0,",
                "\"resultCode\": 0, \"walletId\": \"w1\",",
                1,
            )
    });
    assert_eq!(
        findings,
        [
            format!("{table}: field table names `walletId`, not in the spec"),
            format!("{answer}: oneclick_echo response: wire name `/walletId` not in the spec"),
        ]
    );
}

#[test]
fn an_answer_of_the_wrong_type_does_not_decode() {
    let seed = document("004_9b2662d2030e1ac6.txt");
    let answer = line_of(
        &seed,
        "Example of return values for oneclick/echo operation - OneClick template is active",
    ) + 2;
    let findings =
        csob_with(|text| text.replacen("\"resultCode\": 0,", "\"resultCode\": \"0\",", 1));
    assert_eq!(
        findings,
        [format!(
            "{answer}: oneclick_echo response: /resultCode: type integer"
        )]
    );
}

#[test]
fn an_exception_the_document_moved_away_from_is_a_finding() {
    let findings = csob_with(|text| format!("A new first line.\n{text}"));
    assert!(
        findings.iter().any(|f| f.starts_with(
            "189: the spec's doc-check exception `example is not JSON` accepts no finding"
        )),
        "{findings:#?}"
    );
    assert!(
        findings
            .iter()
            .any(|f| f.starts_with("190: example is not JSON")),
        "{findings:#?}"
    );
}

#[test]
fn each_example_is_checked_as_the_message_its_text_names() {
    let expected = [
        (
            "csob",
            "004_9b2662d2030e1ac6.txt",
            43,
            "oneclick_echo request",
        ),
        (
            "csob",
            "004_9b2662d2030e1ac6.txt",
            113,
            "oneclick_init request",
        ),
        (
            "csob",
            "004_9b2662d2030e1ac6.txt",
            215,
            "oneclick_init response",
        ),
        (
            "csob",
            "004_9b2662d2030e1ac6.txt",
            336,
            "oneclick_process request",
        ),
        (
            "csob",
            "004_9b2662d2030e1ac6.txt",
            386,
            "oneclick_process response",
        ),
        (
            "assist",
            "001_9ef7cc55ce4c4bca.txt",
            24,
            "list_cards response",
        ),
        (
            "assist",
            "001_9ef7cc55ce4c4bca.txt",
            128,
            "remove_card request",
        ),
        (
            "assist",
            "001_9ef7cc55ce4c4bca.txt",
            136,
            "remove_card response",
        ),
        ("monetix", "003_99869fa4caf8ef47.txt", 148, "RedirectData"),
        (
            "monetix",
            "003_99869fa4caf8ef47.txt",
            228,
            "received message callback",
        ),
    ];
    for (gateway, file, line, message) in expected {
        let report = check(&spec(gateway), file, &document(file));
        let matched = report
            .matched
            .iter()
            .find(|(at, _)| *at == line)
            .map(|(_, name)| name.as_str());
        assert_eq!(matched, Some(message), "{file}:{line}");
    }
}

fn monetix_with(edit: impl FnOnce(String) -> String) -> Vec<String> {
    let file = "003_99869fa4caf8ef47.txt";
    let spec = spec("monetix");
    let report = check(&spec, file, &edit(document(file)));
    report.findings.iter().map(ToString::to_string).collect()
}

#[test]
fn a_new_field_in_a_field_list_is_listed_as_not_in_the_spec() {
    let seed = document("003_99869fa4caf8ef47.txt");
    let line = line_of(&seed, "• district—district of residence");
    let findings = monetix_with(|text| {
        text.replacen(
            "• district—district of residence",
            "• county—county of residence",
            1,
        )
    });
    assert_eq!(
        findings,
        [format!(
            "{line}: field table names `county`, not in the spec"
        )]
    );
}

#[test]
fn a_callback_of_the_wrong_type_does_not_decode() {
    let seed = document("003_99869fa4caf8ef47.txt");
    let declined = seed
        .find("Figure 5.")
        .expect("the declined callback is there");
    let line = line_of(&seed, "Figure 5.") + 1;
    let findings = monetix_with(|text| {
        let (before, after) = text.split_at(declined);
        format!(
            "{before}{}",
            after.replacen("\"project_id\": 42,", "\"project_id\": \"42\",", 1)
        )
    });
    assert_eq!(
        findings,
        [format!(
            "{line}: received message callback: /project_id: type integer"
        )]
    );
}

#[test]
fn an_error_example_is_read_as_the_declared_error_body_and_needs_its_code_and_text() {
    let file = "001_9ef7cc55ce4c4bca.txt";
    let complete = r#"{"fault":{"detail":"","faultcode":7,"faultstring":"Token not found"}}"#;
    let without_text = r#"{"fault":{"faultcode":7}}"#;
    let text = format!(
        "{}\nIn case of an error:\n{complete}\n{without_text}\n",
        document(file)
    );
    let first = line_of(&text, complete);
    let report = check(&spec("assist"), file, &text);
    let findings: Vec<String> = report.findings.iter().map(ToString::to_string).collect();
    assert_eq!(
        findings,
        [format!(
            "{}: error body `fault`: lacks `faultstring`",
            line_of(&text, without_text)
        )]
    );
    assert!(
        report
            .matched
            .contains(&(first, "error body `fault`".to_owned())),
        "{:?}",
        report.matched
    );
}

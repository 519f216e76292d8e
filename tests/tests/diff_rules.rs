//! `cargo xtask diff`'s rules, one focused spec each: `tests/diff/<rule>.yaml` is
//! `tests/diff/base.yaml` with one change, `<rule>.expected` the report it gives, and the table
//! below the verdict each rule must reach whatever the report's wording.
//! `UPDATE_EXPECT=1` rewrites the reports (read the diff before committing it).

use std::path::{Path, PathBuf};

use oneclick_codegen::diff::{self, Class};
use oneclick_codegen::ir::Gateway;
use oneclick_codegen::version::Bump;

fn dir() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("diff")
}

fn load(name: &str) -> Gateway {
    let path = dir().join(name);
    oneclick_codegen::load(&path, name).unwrap_or_else(|d| panic!("{name}:\n{d}"))
}

/// Every rule and the verdict it must reach.
const VERDICTS: &[(&str, Option<Class>)] = &[
    ("also_at_added", Some(Class::Compatible)),
    ("answer_encoding_changed", Some(Class::Breaking)),
    ("answer_field_made_optional", Some(Class::Breaking)),
    ("authentication_changed", Some(Class::Breaking)),
    ("constraint_narrowed", Some(Class::Breaking)),
    ("constraint_relaxed", Some(Class::Compatible)),
    ("doc_changed", Some(Class::Documentation)),
    ("environment_url_changed", Some(Class::Breaking)),
    ("method_changed", Some(Class::Breaking)),
    ("nested_constraint_narrowed", Some(Class::Breaking)),
    ("operation_added", Some(Class::Compatible)),
    ("operation_removed", Some(Class::Breaking)),
    ("optional_request_field_added", Some(Class::Compatible)),
    (
        "optional_request_field_made_required",
        Some(Class::Breaking),
    ),
    ("request_enum_value_added", Some(Class::Compatible)),
    ("request_enum_value_removed", Some(Class::Breaking)),
    ("request_field_made_optional", Some(Class::Compatible)),
    ("request_field_removed", Some(Class::Breaking)),
    ("request_rule_added", Some(Class::Breaking)),
    ("required_request_field_added", Some(Class::Breaking)),
    ("required_response_field_removed", Some(Class::Breaking)),
    ("response_enum_value_added", Some(Class::Compatible)),
    ("response_field_added", Some(Class::Compatible)),
    ("result_by_added", Some(Class::Compatible)),
    ("result_code_added", Some(Class::Compatible)),
    ("result_code_meaning_changed", Some(Class::Breaking)),
    ("type_changed", Some(Class::Breaking)),
];

#[test]
fn every_rule_reaches_its_verdict_and_prints_its_report() {
    let update = std::env::var_os("UPDATE_EXPECT").is_some_and(|v| v == "1");
    let base = load("base.yaml");
    let mut mismatches = Vec::new();
    for (rule, verdict) in VERDICTS {
        let changed = load(&format!("{rule}.yaml"));
        let diff = diff::diff(Some(&base), Some(&changed));
        if diff.worst() != *verdict {
            mismatches.push(format!(
                "{rule}: verdict {:?}, expected {verdict:?}\n{}",
                diff.worst(),
                diff::render_text(std::slice::from_ref(&diff))
            ));
        }
        let report = diff::render_text(std::slice::from_ref(&diff));
        let expected_path = dir().join(format!("{rule}.expected"));
        if update {
            std::fs::write(&expected_path, &report).unwrap();
            continue;
        }
        let expected = std::fs::read_to_string(&expected_path)
            .unwrap_or_else(|_| panic!("{rule} has no {}", expected_path.display()));
        if report != expected {
            mismatches.push(format!(
                "{rule}\n--- expected\n{expected}--- actual\n{report}"
            ));
        }
    }
    assert!(mismatches.is_empty(), "{}", mismatches.join("\n"));
}

#[test]
fn every_rule_file_is_in_the_verdict_table() {
    let mut files: Vec<String> = std::fs::read_dir(dir())
        .unwrap()
        .filter_map(|e| {
            let name = e.unwrap().file_name().into_string().unwrap();
            name.strip_suffix(".yaml").map(str::to_owned)
        })
        .filter(|name| name != "base")
        .collect();
    files.sort();
    let table: Vec<&str> = VERDICTS.iter().map(|(rule, _)| *rule).collect();
    assert_eq!(files, table);
}

#[test]
fn the_same_spec_has_no_changes() {
    let base = load("base.yaml");
    let diff = diff::diff(Some(&base), Some(&base));
    assert!(diff.changes.is_empty(), "{:?}", diff.changes);
    assert_eq!(diff.needed(), Bump::None);
}

#[test]
fn the_bump_follows_the_worst_change_and_the_version() {
    let base = load("base.yaml");
    let bumps = [
        ("request_field_removed", Bump::Major, "2.0.0"),
        ("optional_request_field_added", Bump::Minor, "1.3.0"),
        ("doc_changed", Bump::Patch, "1.2.4"),
    ];
    for (rule, bump, suggested) in bumps {
        let diff = diff::diff(Some(&base), Some(&load(&format!("{rule}.yaml"))));
        assert_eq!(diff.needed(), bump, "{rule}");
        assert_eq!(diff.suggested().unwrap().to_string(), suggested, "{rule}");
        assert!(
            !diff.version_accounts(),
            "{rule}: 1.2.3 → 1.2.3 accounts for nothing"
        );
    }
}

#[test]
fn a_removed_field_is_reported_once_not_with_each_of_its_facets() {
    let diff = diff::diff(
        Some(&load("base.yaml")),
        Some(&load("request_field_removed.yaml")),
    );
    assert_eq!(diff.changes.len(), 1, "{:?}", diff.changes);
    assert_eq!(diff.changes[0].what, "removed");
    assert!(
        diff.changes[0].subject.contains("`description`"),
        "{}",
        diff.changes[0].subject
    );
}

#[test]
fn the_json_report_carries_the_verdict_and_the_bump() {
    let diff = diff::diff(
        Some(&load("base.yaml")),
        Some(&load("constraint_narrowed.yaml")),
    );
    let json = diff::render_json(&[diff]);
    let gateway = &json["gateways"][0];
    assert_eq!(gateway["verdict"], "breaking");
    assert_eq!(gateway["bump"], "major");
    assert_eq!(gateway["suggested_version"], "2.0.0");
    assert_eq!(gateway["version_accounts_for_changes"], false);
    assert_eq!(gateway["changes"][0]["class"], "breaking");
}

/// A signed GET whose signature travels in the path, declared as `pipe_in_path`.
fn signed_get(recipes: &str, request_fields: &str, request_recipes: &str) -> Gateway {
    let source = format!(
        r#"spec: 2
gateway: demo
title: Demo
doc: Demo gateway.
sources:
  doc1: {{file: demo.txt, title: Demo document}}
environments:
  sandbox: {{url: "https://sandbox.example", doc: Sandbox.}}
credentials:
  secret_key: {{kind: secret, doc: Shared.}}
signature:
  sign: [pipe]
  recipes:
    pipe: {{text: [{{order: {{separator: "|"}}}}], algorithm: hmac_sha256, sign_key: secret_key, output: base64, placement: {{field: signature}}}}
{recipes}operations:
  status:
    doc: Status.
    source: {{document: doc1, section: status}}
    method: GET
    path: /status/{{payId}}/{{signature}}
    repeat: read
    request:
      doc: Request.
      fields:
        payId: {{type: string, required: true, in: path, doc: The payment.}}
{request_fields}      signature: [payId]
{request_recipes}    response:
      doc: Response.
      fields:
        ok: {{type: boolean, required: true, doc: Ok.}}
"#
    );
    oneclick_codegen::load_str(&source, "demo.yaml").unwrap_or_else(|d| panic!("{d}"))
}

#[test]
fn a_path_signature_field_declared_as_a_path_placement_is_no_change_on_the_wire() {
    let as_field = signed_get(
        "",
        "        signature: {type: string, required: true, in: path, auto: signature, doc: Sig.}\n",
        "",
    );
    let in_path = "    in_path: {like: pipe, sign_key: secret_key, placement: {path: signature}}\n";
    let as_placement = signed_get(in_path, "", "      recipes: [in_path]\n");
    let diff = diff::diff(Some(&as_field), Some(&as_placement));
    assert_eq!(
        diff.worst(),
        None,
        "{}",
        diff::render_text(std::slice::from_ref(&diff))
    );

    let other_text = "    in_path: {like: pipe, sign_key: secret_key, text: [{order: {separator: \";\"}}], placement: {path: signature}}\n";
    let resigned = signed_get(other_text, "", "      recipes: [in_path]\n");
    assert_eq!(
        diff::diff(Some(&as_field), Some(&resigned)).worst(),
        Some(Class::Breaking),
        "another signed text is another wire"
    );
}

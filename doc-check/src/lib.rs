//! `cargo xtask doc-check`: what a vendor document says that the spec lacks or contradicts.
//!
//! Three kinds of finding, each on the document's line:
//! - a JSON example that does not build (a request) or decode (an answer or a callback) against
//!   the message it belongs to, with every violation the runtime's validator reports;
//! - a wire name, in an example or in the first column of a field table, that no object of the
//!   spec has;
//! - a limit stated beside a field name ("maximum length is 10", "min. allowed value 300",
//!   "max. 32 characters", "maximum 5 items") that the spec's constraints on that wire name do
//!   not state.
//!
//! An example belongs to the operation whose path the text before it names last
//! (`/oneclick/init`, `rem_token.cfm`); without one, every operation and callback is a
//! candidate. Among the candidates' messages the example goes to the one whose fields cover the
//! most of its keys; on a tie, "request" or "response" in the nearest lines decides.
//!
//! An example with the shape of one of the spec's error bodies is checked as that error: its
//! errors must carry their code and message members.
//!
//! A finding the spec knowingly differs in (a typo in the document, an obfuscated e-mail
//! address) is declared under the source's `doc_check_exceptions` with its line, part of its
//! message and the reason, and is listed apart instead of failing the check.
//!
//! Validation is the runtime's own ([`oneclick_runtime::validate`]), on the spec's objects built
//! from the IR ([`statics`]): requests as the client sends them (unknown fields, enums and
//! constraints refused), answers as a client decodes them (types and required fields only).

mod extract;
mod statics;

use std::collections::BTreeSet;
use std::fmt;

use oneclick_runtime::RuleKind;
use oneclick_runtime::validate::{validate_request, validate_value};
use oneclick_schema::{Constraint, Kind, Object};
use regex_lite::Regex;
use serde_json::Value;

use extract::LimitKind;
use oneclick_codegen::ir::{Direction, DocCheckException, ErrorBody, ErrorShape, Gateway};
use statics::Statics;

/// One thing the document says that the spec does not.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Finding {
    /// 1-based line of the document.
    pub line: usize,
    pub message: String,
}

impl fmt::Display for Finding {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{}: {}", self.line, self.message)
    }
}

/// What the check found in one document, in document order.
#[derive(Debug, Default)]
pub struct Report {
    /// What the spec lacks or contradicts: a CI failure.
    pub findings: Vec<Finding>,
    /// Findings the spec accepts, each with its exception's reason.
    pub excused: Vec<(Finding, String)>,
    /// Each JSON example's line and the message it was checked as, so that a maintainer sees
    /// how examples were matched to operations.
    pub matched: Vec<(usize, String)>,
    /// How many names the document's field tables hold, each looked up in the spec.
    pub table_names: usize,
}

/// Checks `document` against the spec; `exceptions` are those the spec declares for it. An
/// exception that accepts no finding is itself a finding: the document changed under it.
pub fn check(gateway: &Gateway, document: &str, exceptions: &[DocCheckException]) -> Report {
    let statics = Statics::build(gateway);
    let lines = extract::plain_lines(document);
    let known = spec_wire_names(gateway);
    let mut found = Vec::new();
    let mut report = Report::default();
    for example in extract::examples(&lines) {
        if let Some(message) = example_findings(gateway, &statics, &example, &known, &mut found) {
            report.matched.push((example.line, message));
        }
    }
    for row in extract::table_names(&lines) {
        report.table_names += 1;
        table_row_findings(gateway, &row, &known, &mut found);
    }
    found.sort_by_key(|f| f.line);
    found.dedup();
    let mut used = vec![false; exceptions.len()];
    for finding in found {
        let accepting = exceptions
            .iter()
            .position(|e| e.line == finding.line && finding.message.contains(&e.finding));
        match accepting {
            Some(index) => {
                used[index] = true;
                report
                    .excused
                    .push((finding, exceptions[index].reason.clone()));
            }
            None => report.findings.push(finding),
        }
    }
    for (exception, _) in exceptions.iter().zip(used).filter(|(_, used)| !used) {
        report.findings.push(Finding {
            line: exception.line,
            message: format!(
                "the spec's doc-check exception `{}` accepts no finding on this line",
                exception.finding
            ),
        });
    }
    report.findings.sort_by_key(|f| f.line);
    report
}

/// A message an example may be: its object, its direction and what to call it.
struct Message {
    object: &'static Object,
    direction: Direction,
    name: String,
}

/// Reports what is wrong with one example; returns the name of the message it was checked as.
fn example_findings(
    gateway: &Gateway,
    statics: &Statics,
    example: &extract::Example,
    known: &BTreeSet<String>,
    findings: &mut Vec<Finding>,
) -> Option<String> {
    let mut report = |message: String| {
        findings.push(Finding {
            line: example.line,
            message,
        })
    };
    let json = match &example.json {
        Ok(json) => json,
        Err(err) => {
            report(format!("example is not JSON: {err}"));
            return None;
        }
    };
    if let Some(body) = declared_error_body(gateway, json) {
        for member in missing_error_members(body, json) {
            report(format!("{}: lacks `{member}`", error_body_name(body)));
        }
        return Some(error_body_name(body));
    }
    let message = best_message(candidates(gateway, statics, example), json)
        .or_else(|| best_message(every_type(gateway, statics), json));
    let Some(message) = message else {
        report("example matches no message or type of the spec".to_owned());
        return None;
    };
    let violations = match message.direction {
        Direction::Request => validate_request(message.object, json),
        Direction::Response => validate_answer(message.object, json),
    };
    for violation in violations
        .iter()
        .filter(|v| v.rule != RuleKind::UnknownField)
    {
        report(format!("{}: {violation}", message.name));
    }
    let mut unknown = Vec::new();
    unknown_names(message.object, json, &mut String::new(), &mut unknown);
    for path in unknown {
        let wire = path.rsplit('/').next().unwrap_or(&path);
        let hint = if known.contains(wire) {
            "not a field of this message"
        } else {
            "not in the spec"
        };
        report(format!("{}: wire name `{path}` {hint}", message.name));
    }
    Some(message.name)
}

/// The first of the spec's error bodies that the example has the shape of, tried in order as
/// the client tries them on an answer: an error example is read as that error, not as a message.
fn declared_error_body<'g>(gateway: &'g Gateway, json: &Value) -> Option<&'g ErrorBody> {
    gateway.errors.iter().find(|body| match body.shape {
        ErrorShape::Wrapped => body
            .field
            .as_ref()
            .and_then(|field| json.get(field))
            .is_some_and(Value::is_object),
        ErrorShape::Flat => json.get(&body.code).is_some(),
        ErrorShape::List => match &body.field {
            Some(field) => json.get(field).is_some_and(Value::is_array),
            // A list answer is not an error list unless every item has the error's code.
            None => json.as_array().is_some_and(|items| {
                !items.is_empty() && items.iter().all(|item| item.get(&body.code).is_some())
            }),
        },
    })
}

/// The code and message members that an error example's errors lack: without them the client
/// reports an error with an empty code or text. A detail is not always given, so it may lack one.
fn missing_error_members(body: &ErrorBody, json: &Value) -> Vec<String> {
    let errors: Vec<&Value> = match (body.shape, &body.field) {
        (ErrorShape::Wrapped, Some(field)) => json.get(field).into_iter().collect(),
        (ErrorShape::List, Some(field)) => json
            .get(field)
            .and_then(Value::as_array)
            .map_or_else(Vec::new, |items| items.iter().collect()),
        (ErrorShape::List, None) => json
            .as_array()
            .map_or_else(Vec::new, |items| items.iter().collect()),
        _ => vec![json],
    };
    let mut missing = Vec::new();
    for error in errors {
        for member in [&body.code, &body.message] {
            if error.get(member).is_none() && !missing.contains(member) {
                missing.push(member.clone());
            }
        }
    }
    missing
}

fn error_body_name(body: &ErrorBody) -> String {
    match &body.field {
        Some(field) => format!("error body `{field}`"),
        None => format!("error body with `{}`", body.code),
    }
}

/// An answer or a callback decodes when its values have the spec's types and its required
/// fields are there; the client keeps values it does not know and does not enforce limits.
fn validate_answer(object: &'static Object, json: &Value) -> Vec<oneclick_runtime::Violation> {
    let element = match (object.items, json) {
        (Some(_), Value::Array(_)) => return validate_list(object, json),
        _ => object,
    };
    validate_value(element, json)
        .into_iter()
        .filter(|v| matches!(v.rule, RuleKind::Type | RuleKind::Required))
        .collect()
}

fn validate_list(object: &'static Object, json: &Value) -> Vec<oneclick_runtime::Violation> {
    let (Some(element), Some(items)) = (object.items, json.as_array()) else {
        return Vec::new();
    };
    items
        .iter()
        .enumerate()
        .flat_map(|(index, item)| {
            validate_answer(element, item)
                .into_iter()
                .map(move |mut v| {
                    v.path = format!("/{index}{}", v.path);
                    v
                })
        })
        .collect()
}

/// The messages the example may be: those of the operation whose path the text before it names
/// last, or all of them.
fn candidates(gateway: &Gateway, statics: &Statics, example: &extract::Example) -> Vec<Message> {
    let named = named_operation(gateway, &example.preceding);
    let mut messages = Vec::new();
    for (index, op) in gateway.operations.iter().enumerate() {
        if named.is_some_and(|n| n != index) {
            continue;
        }
        let sides = [
            (Some(op.request), Direction::Request, "request"),
            (op.response, Direction::Response, "response"),
        ];
        for (object, direction, side) in sides {
            if let Some(object) = object.and_then(|i| statics.object(i)) {
                messages.push(Message {
                    object,
                    direction,
                    name: format!("{} {side}", op.id),
                });
            }
        }
    }
    if named.is_none() {
        for callback in &gateway.callbacks {
            if let Some(object) = statics.object(callback.message) {
                messages.push(Message {
                    object,
                    direction: Direction::Response,
                    name: format!("received message {}", callback.id),
                });
            }
        }
    }
    let answer_named_last = answer_named_last(&example.since_previous);
    messages.sort_by_key(|m| (m.direction == Direction::Response) != answer_named_last);
    messages
}

/// Every object of the spec, for a snippet of a message ("Callback snippet with redirection
/// data") that no whole message matches.
fn every_type(gateway: &Gateway, statics: &Statics) -> Vec<Message> {
    gateway
        .objects
        .iter()
        .enumerate()
        .filter_map(|(index, spec)| {
            Some(Message {
                object: statics.object(index)?,
                direction: spec.direction,
                name: spec.spec_name.clone(),
            })
        })
        .collect()
}

/// The operation whose path the text names last: on a line that starts with it (a heading,
/// `oneclick/init method`) or after an HTTP method (`POST https://…/oneclick/init`,
/// `(GET /contracts/customers/{customerId})`). A path mentioned in prose ("the id from
/// oneclick/init") names nothing. Placeholders match any segment.
fn named_operation(gateway: &Gateway, preceding: &[String]) -> Option<usize> {
    let patterns: Vec<Regex> = gateway
        .operations
        .iter()
        .filter_map(|op| {
            let segments: Vec<String> = op
                .path
                .trim_start_matches('/')
                .split('/')
                .map(|segment| {
                    if segment.starts_with('{') {
                        r"[^\s/)]+".to_owned()
                    } else {
                        regex_escape(segment)
                    }
                })
                .collect();
            Regex::new(&format!(
                r"(?:^[#\s]*|\b(?:GET|POST|PUT|PATCH|DELETE)\s+\S*?)/?{}(?:[^A-Za-z0-9_/]|$)",
                segments.join("/")
            ))
            .ok()
        })
        .collect();
    preceding.iter().rev().find_map(|line| {
        // The longest path named on the line: `/oneclick/init` and not a shorter prefix of it.
        patterns
            .iter()
            .enumerate()
            .filter(|(_, p)| p.is_match(line))
            .max_by_key(|(i, _)| gateway.operations[*i].path.len())
            .map(|(i, _)| i)
    })
}

fn regex_escape(text: &str) -> String {
    text.chars()
        .flat_map(|c| {
            let escape = "\\.+*?()|[]{}^$".contains(c).then_some('\\');
            escape.into_iter().chain(std::iter::once(c))
        })
        .collect()
}

/// Whether, in the last lines before the example, an answer ("response", "return", "callback")
/// is named after the last "request".
fn answer_named_last(context: &[String]) -> bool {
    let recent = context.iter().rev().take(3);
    for line in recent {
        let lower = line.to_lowercase();
        let answer = ["response", "return", "callback", "answer", "result"]
            .iter()
            .filter_map(|w| lower.rfind(w))
            .max();
        let request = lower.rfind("request");
        match (answer, request) {
            (Some(a), Some(r)) => return a > r,
            (Some(_), None) => return true,
            (None, Some(_)) => return false,
            (None, None) => {}
        }
    }
    false
}

/// The candidate covering most of the example's keys, then most of its own required fields;
/// the candidates come ordered by the direction the text names, which breaks the last tie.
fn best_message(candidates: Vec<Message>, json: &Value) -> Option<Message> {
    let mut best: Option<(usize, usize, Message)> = None;
    for message in candidates {
        let (object, sample) = match (message.object.items, json) {
            (Some(element), Value::Array(items)) => (element, items.iter().find(|i| i.is_object())),
            (None, Value::Object(_)) => (message.object, Some(json)),
            _ => continue,
        };
        let Some(map) = sample.and_then(Value::as_object) else {
            continue;
        };
        let covered = map.keys().filter(|k| object.field(k).is_some()).count();
        let required = object
            .fields
            .iter()
            .filter(|f| f.required && map.contains_key(f.wire))
            .count();
        if covered == 0 {
            continue;
        }
        let better = match &best {
            Some((c, r, _)) => (covered, required) > (*c, *r),
            None => true,
        };
        if better {
            best = Some((covered, required, message));
        }
    }
    best.map(|(_, _, m)| m)
}

/// Keys of the example that its message does not have, as JSON pointers. Values of free-form
/// fields (`Any`, maps) are not looked into.
fn unknown_names(object: &'static Object, json: &Value, path: &mut String, out: &mut Vec<String>) {
    if let (Some(element), Value::Array(items)) = (object.items, json) {
        for (index, item) in items.iter().enumerate() {
            let parent = path.len();
            path.push_str(&format!("/{index}"));
            unknown_names(element, item, path, out);
            path.truncate(parent);
        }
        return;
    }
    let Some(map) = json.as_object() else { return };
    for (key, value) in map {
        let parent = path.len();
        path.push('/');
        path.push_str(key);
        match object.field(key) {
            Some(field) => unknown_in_kind(&field.kind, value, path, out),
            None => out.push(path.clone()),
        }
        path.truncate(parent);
    }
}

fn unknown_in_kind(kind: &Kind, value: &Value, path: &mut String, out: &mut Vec<String>) {
    match (kind, value) {
        (Kind::Object(object), _) => unknown_names(object, value, path, out),
        (Kind::List(inner), Value::Array(items)) => {
            for (index, item) in items.iter().enumerate() {
                let parent = path.len();
                path.push_str(&format!("/{index}"));
                unknown_in_kind(inner, item, path, out);
                path.truncate(parent);
            }
        }
        _ => {}
    }
}

/// Every wire name of the spec: fields of every object, the result and error-body fields.
fn spec_wire_names(gateway: &Gateway) -> BTreeSet<String> {
    let mut names: BTreeSet<String> = gateway
        .objects
        .iter()
        .flat_map(|o| o.fields.iter().map(|f| f.wire.clone()))
        .collect();
    let results = gateway.result.iter().chain(
        gateway
            .operations
            .iter()
            .filter_map(|op| op.result.as_ref()),
    );
    for result in results {
        names.insert(result.code_field.clone());
        names.extend(result.message_field.clone());
        names.extend(result.secondary.as_ref().map(|s| s.field.clone()));
    }
    for body in &gateway.errors {
        names.extend(body.field.clone());
        names.insert(body.code.clone());
        names.insert(body.message.clone());
        names.extend(body.detail.clone());
    }
    names
}

fn table_row_findings(
    gateway: &Gateway,
    row: &extract::TableName,
    known: &BTreeSet<String>,
    findings: &mut Vec<Finding>,
) {
    if !known.contains(&row.wire) {
        findings.push(Finding {
            line: row.line,
            message: format!("field table names `{}`, not in the spec", row.wire),
        });
        return;
    }
    for (kind, stated) in extract::limits(&row.text) {
        let in_spec = spec_limits(gateway, &row.wire, kind);
        if !in_spec.contains(&stated) {
            let spec_says = if in_spec.is_empty() {
                "states none".to_owned()
            } else {
                let values: Vec<String> = in_spec.iter().map(u64::to_string).collect();
                format!("states {}", values.join(", "))
            };
            findings.push(Finding {
                line: row.line,
                message: format!(
                    "`{}`: the text states {} {stated}, the spec {spec_says}",
                    row.wire,
                    kind.words()
                ),
            });
        }
    }
}

/// The values of one kind of limit that the spec puts on fields named `wire`, in any object.
fn spec_limits(gateway: &Gateway, wire: &str, kind: LimitKind) -> BTreeSet<u64> {
    gateway
        .objects
        .iter()
        .flat_map(|o| o.fields.iter().filter(|f| f.wire == wire))
        .flat_map(|f| f.constraints.iter())
        .filter_map(|c| match (kind, c) {
            (LimitKind::MinLength, Constraint::MinLength(n, _))
            | (LimitKind::MaxLength, Constraint::MaxLength(n, _)) => Some(*n as u64),
            (LimitKind::Min, Constraint::Min(v)) | (LimitKind::Max, Constraint::Max(v)) => {
                u64::try_from(*v).ok()
            }
            (LimitKind::MinItems, Constraint::MinItems(n))
            | (LimitKind::MaxItems, Constraint::MaxItems(n)) => Some(*n as u64),
            (LimitKind::MinLength, Constraint::Pattern(source)) => {
                pattern_length(source).map(|(min, _)| min)
            }
            (LimitKind::MaxLength, Constraint::Pattern(source)) => {
                pattern_length(source).and_then(|(_, max)| max)
            }
            _ => None,
        })
        .collect()
}

/// The length bounds of a pattern that is one repeated character class, `^[0-9]{1,10}$` or
/// `^\d{6}$`: such a pattern is how a spec states the length of a numeric string.
fn pattern_length(source: &str) -> Option<(u64, Option<u64>)> {
    let inner = source.strip_prefix('^')?.strip_suffix('$')?;
    let class_end = if inner.starts_with('[') {
        inner.find(']')? + 1
    } else if inner.starts_with('\\') {
        2
    } else {
        return None;
    };
    let counts = inner[class_end..].strip_prefix('{')?.strip_suffix('}')?;
    match counts.split_once(',') {
        Some((min, max)) => Some((
            if min.is_empty() { 0 } else { min.parse().ok()? },
            if max.is_empty() {
                None
            } else {
                Some(max.parse().ok()?)
            },
        )),
        None => {
            let exact = counts.parse().ok()?;
            Some((exact, Some(exact)))
        }
    }
}

//! `oneclick`: call a OneClick gateway without writing Rust.
//!
//! Everything a command knows (its gateways, operations, fields, constraints, signature scheme,
//! headers, credentials, environments) comes from the generated registry crate
//! (`oneclick-gateways`) and the `schema` statics it lists; this file only maps the command
//! line onto them, so a new spec is a new command without an edit here. Gateways are listed in
//! the order of their spec files; the command name is the spec's gateway name.
//!
//! Exit codes: 0 success; 2 invalid input (nothing sent); 3 the gateway answered with an
//! error; 4 transport failure, a signature that does not verify, or an unknown outcome (the
//! payment may exist); 1 anything else.

use std::io::Read;
use std::process::ExitCode;

use oneclick_runtime::schema::{
    self, Constraint, Delivery, Kind, Object, Scheme, SignItem, SignShape,
};
use oneclick_runtime::{
    Credentials, Engine, Error, RsaPrivateKey, RsaPublicKey, Secret, SigningKeys,
};
use serde_json::{Map, Value};

const USAGE: &str = "usage: oneclick <gateway> <operation> [--request FILE|-] [--base-url URL] [--env NAME] [--dry-run]";

/// How a run ended: the exit code and what to print on stderr.
struct Failure(u8, String);

fn main() -> ExitCode {
    let args: Vec<String> = std::env::args().skip(1).collect();
    match run(&args) {
        Ok(output) => {
            print!("{output}");
            ExitCode::SUCCESS
        }
        Err(Failure(code, message)) => {
            eprintln!("{message}");
            ExitCode::from(code)
        }
    }
}

fn run(args: &[String]) -> Result<String, Failure> {
    let words: Vec<&str> = args.iter().map(String::as_str).collect();
    let help = words.contains(&"--help") || words.contains(&"-h");
    let positional: Vec<&str> = positional(&words);
    let usage = |message: String| Failure(1, format!("{message}\n{USAGE}"));
    match positional.as_slice() {
        [] => Ok(overview()),
        [gateway] => {
            let (name, title, gateway) = find_gateway(gateway)
                .ok_or_else(|| usage(format!("unknown gateway `{gateway}`")))?;
            if help || positional.len() == 1 {
                return Ok(gateway_help(name, title, gateway));
            }
            Err(usage("missing operation".into()))
        }
        [gateway, command] => {
            let (name, _, gateway) = find_gateway(gateway)
                .ok_or_else(|| usage(format!("unknown gateway `{gateway}`")))?;
            if let Some(callback) = gateway
                .callbacks
                .iter()
                .find(|c| kebab(&format!("verify_{}", c.id)) == *command)
            {
                if help {
                    return Ok(callback_help(name, callback));
                }
                return verify(name, gateway, callback, &words);
            }
            let op = gateway
                .operations
                .iter()
                .find(|op| kebab(op.id) == *command)
                .ok_or_else(|| {
                    usage(format!(
                        "unknown operation `{command}` of {name}; see `oneclick {name} --help`"
                    ))
                })?;
            if help {
                return Ok(operation_help(name, op));
            }
            call(name, gateway, op, &words)
        }
        _ => Err(usage("too many arguments".into())),
    }
}

/// Arguments that are not options nor option values.
fn positional<'a>(words: &[&'a str]) -> Vec<&'a str> {
    let mut out = Vec::new();
    let mut skip = false;
    for word in words {
        if skip {
            skip = false;
        } else if matches!(*word, "--request" | "--base-url" | "--env" | "--token") {
            skip = true;
        } else if !word.starts_with('-') || *word == "-" {
            out.push(*word);
        }
    }
    out
}

fn option<'a>(words: &[&'a str], name: &str) -> Option<&'a str> {
    words
        .iter()
        .position(|w| *w == name)
        .and_then(|i| words.get(i + 1).copied())
}

fn find_gateway(name: &str) -> Option<(&'static str, &'static str, &'static schema::Gateway)> {
    oneclick_gateways::find(name).map(|entry| (entry.name(), entry.title, entry.schema))
}

fn kebab(id: &str) -> String {
    id.replace('_', "-")
}

fn overview() -> String {
    let mut out = format!(
        "oneclick: call a OneClick gateway from the command line.\n\n{USAGE}\n\ngateways:\n"
    );
    for entry in oneclick_gateways::GATEWAYS {
        out.push_str(&format!("  {:<10} {}\n", entry.name(), entry.title));
    }
    out.push_str("\n`oneclick <gateway> --help` lists its operations.\n");
    out
}

fn gateway_help(name: &str, title: &str, gateway: &schema::Gateway) -> String {
    let mut out = format!("{title} ({name})\n\noperations:\n");
    for op in gateway.operations {
        out.push_str(&format!(
            "  {:<26} {} {}\n      {}\n",
            kebab(op.id),
            op.method.as_str(),
            op.path,
            op.summary
        ));
    }
    for callback in gateway.callbacks {
        out.push_str(&format!(
            "  {:<26} checks a message from the gateway\n      {}\n",
            kebab(&format!("verify_{}", callback.id)),
            callback.summary
        ));
    }
    out.push_str(&format!(
        "\ncredentials (environment): {}\n",
        credential_vars(name, gateway).join(", ")
    ));
    if !gateway.environments.is_empty() {
        let names: Vec<&str> = gateway.environments.iter().map(|(n, _)| *n).collect();
        out.push_str(&format!("environments (--env): {}\n", names.join(", ")));
    }
    out
}

fn operation_help(name: &str, op: &schema::Operation) -> String {
    let mut out = format!(
        "oneclick {name} {} [--request FILE|-] [--base-url URL] [--env NAME] [--dry-run]\n\n{} {}\n{}\n",
        kebab(op.id),
        op.method.as_str(),
        op.path,
        op.summary
    );
    if op.delivery == Delivery::Redirect {
        out.push_str("\nA redirect: the command prints the form for the customer's browser and sends nothing.\n");
    }
    out.push_str(
        "\nrequest fields (wire names; * required; the client fills the ones marked auto):\n",
    );
    fields(op.request, "", &mut out);
    out
}

fn callback_help(name: &str, callback: &schema::Callback) -> String {
    let token = if callback.token_field.is_some() {
        " --token TOKEN"
    } else {
        ""
    };
    format!(
        "oneclick {name} {} --request FILE|-{token}\n\n{}\n",
        kebab(&format!("verify_{}", callback.id)),
        callback.summary
    )
}

/// One line per field, nested objects indented, with every constraint.
fn fields(object: &Object, indent: &str, out: &mut String) {
    for field in object.fields {
        let mut notes: Vec<String> = field.constraints.iter().map(constraint).collect();
        if let Kind::Enum(e) = field.kind {
            let values: Vec<String> = e.values.iter().map(literal).collect();
            notes.push(format!("one of {}", values.join(", ")));
        }
        if field.auto.is_some() {
            notes.push("auto".into());
        }
        match field.location {
            schema::Location::Body => {}
            schema::Location::Path => notes.push("in the path".into()),
            schema::Location::Query => notes.push("in the query".into()),
            schema::Location::Header => notes.push("a header".into()),
        }
        if let Some(default) = &field.default {
            notes.push(format!("default {}", literal(default)));
        }
        let required = if field.required { "*" } else { " " };
        let line = format!(
            "  {indent}{required}{:<22} {:<8} {}",
            field.wire,
            kind(&field.kind),
            notes.join("; ")
        );
        out.push_str(line.trim_end());
        out.push('\n');
        let nested = match field.kind {
            Kind::Object(child) => Some(child),
            Kind::List(Kind::Object(child)) => Some(*child),
            _ => None,
        };
        if let Some(child) = nested {
            fields(child, &format!("{indent}  "), out);
        }
    }
    for rule in object.rules {
        out.push_str(&format!("  {indent} rule: {}\n", rule_text(rule)));
    }
}

fn rule_text(rule: &schema::Rule) -> String {
    match rule {
        schema::Rule::Together(f) => format!("together: {}", f.join(", ")),
        schema::Rule::OneOf(f) => format!("exactly one of: {}", f.join(", ")),
        schema::Rule::Exclusive(f) => format!("at most one of: {}", f.join(", ")),
        schema::Rule::RequiredIf {
            field,
            when,
            equals: Some(v),
        } => format!("{field} required when {when} = {}", literal(v)),
        schema::Rule::RequiredIf {
            field,
            when,
            equals: None,
        } => format!("{field} required when {when} is set"),
        schema::Rule::RequiredUnless { field, when, value } => {
            format!("{field} required when {when} is not {}", literal(value))
        }
        schema::Rule::NotGreater { lower, upper } => format!("{lower} not above {upper}"),
    }
}

fn kind(kind: &Kind) -> &'static str {
    match kind {
        Kind::String => "string",
        Kind::Integer => "integer",
        Kind::Boolean => "boolean",
        Kind::Object(_) => "object",
        Kind::Enum(_) => "enum",
        Kind::Any => "json",
        Kind::List(_) => "list",
        Kind::Map(_) => "map",
    }
}

fn constraint(constraint: &Constraint) -> String {
    match constraint {
        Constraint::Min(v) => format!("min {v}"),
        Constraint::Max(v) => format!("max {v}"),
        Constraint::MinLength(n, unit) => format!("min_length {n} {unit:?}").to_lowercase(),
        Constraint::MaxLength(n, unit) => format!("max_length {n} {unit:?}").to_lowercase(),
        Constraint::Pattern(p) => format!("pattern {}", p.source),
        Constraint::Format(f) => format!("format {}", oneclick_runtime::format::name(*f)),
    }
}

fn literal(value: &schema::Literal) -> String {
    match value {
        schema::Literal::Str(s) => s.to_string(),
        schema::Literal::Int(i) => i.to_string(),
        schema::Literal::Bool(b) => b.to_string(),
    }
}

/// The environment variables a gateway's credentials come from.
fn credential_vars(name: &str, gateway: &schema::Gateway) -> Vec<String> {
    let prefix = name.to_uppercase();
    let mut vars: Vec<String> = gateway
        .credentials
        .iter()
        .map(|c| format!("{prefix}_{}", c.name.to_uppercase()))
        .collect();
    match gateway.scheme {
        Scheme::PipeRsaSha256 => {
            vars.push(format!("{prefix}_PRIVATE_KEY"));
            vars.push(format!("{prefix}_GATEWAY_PUBLIC_KEY"));
        }
        Scheme::FlatHmacSha512 => vars.push(format!("{prefix}_SECRET_KEY")),
        Scheme::None => {}
    }
    vars
}

fn env(var: &str) -> Result<String, Failure> {
    std::env::var(var).map_err(|_| Failure(1, format!("missing environment variable {var}")))
}

/// A PEM key whose path is in `var`; errors name the variable, never the key.
fn pem(var: &str) -> Result<String, Failure> {
    let path = env(var)?;
    std::fs::read_to_string(&path)
        .map_err(|e| Failure(1, format!("{var}: cannot read the key file: {e}")))
}

fn engine(
    name: &str,
    gateway: &'static schema::Gateway,
    words: &[&str],
) -> Result<Engine, Failure> {
    let prefix = name.to_uppercase();
    let mut values = Vec::new();
    for credential in gateway.credentials {
        let value = env(&format!("{prefix}_{}", credential.name.to_uppercase()))?;
        values.push((credential.name, Secret::new(value)));
    }
    let keys = match gateway.scheme {
        Scheme::PipeRsaSha256 => {
            let key_error = |var: String| {
                move |e: oneclick_runtime::KeyError| Failure(1, format!("{var}: {e}"))
            };
            let private = format!("{prefix}_PRIVATE_KEY");
            let public = format!("{prefix}_GATEWAY_PUBLIC_KEY");
            SigningKeys::PipeRsaSha256 {
                private_key: RsaPrivateKey::from_pem(&pem(&private)?)
                    .map_err(key_error(private))?,
                gateway_key: RsaPublicKey::from_pem(&pem(&public)?).map_err(key_error(public))?,
            }
        }
        Scheme::FlatHmacSha512 => SigningKeys::FlatHmacSha512 {
            secret: Secret::new(env(&format!("{prefix}_SECRET_KEY"))?),
        },
        Scheme::None => SigningKeys::None,
    };
    let base_url = match (option(words, "--base-url"), option(words, "--env")) {
        (Some(url), _) => url.to_string(),
        (None, Some(env_name)) => gateway
            .environments
            .iter()
            .find(|(n, _)| *n == env_name)
            .map(|(_, url)| url.to_string())
            .ok_or_else(|| Failure(1, format!("{name} has no environment `{env_name}`")))?,
        (None, None) => gateway
            .environments
            .first()
            .map(|(_, url)| url.to_string())
            .ok_or_else(|| Failure(1, format!("{name} has no public host: pass --base-url")))?,
    };
    Engine::new(gateway, &base_url, Credentials { values, keys })
        .map_err(|e| Failure(1, e.to_string()))
}

/// The text of `--request` (a file, or `-` for stdin); `None` when the option is absent.
fn read_input(words: &[&str]) -> Result<Option<String>, Failure> {
    match option(words, "--request") {
        None => Ok(None),
        Some("-") => {
            let mut text = String::new();
            std::io::stdin()
                .read_to_string(&mut text)
                .map_err(|e| Failure(1, format!("cannot read stdin: {e}")))?;
            Ok(Some(text))
        }
        Some(path) => std::fs::read_to_string(path)
            .map(Some)
            .map_err(|e| Failure(1, format!("cannot read {path}: {e}"))),
    }
}

/// The request as JSON; an operation called without `--request` sends no caller fields.
fn read_request(words: &[&str]) -> Result<Value, Failure> {
    let text = read_input(words)?.unwrap_or_else(|| "{}".to_owned());
    serde_json::from_str(&text).map_err(|e| Failure(2, format!("/: the request is not JSON ({e})")))
}

fn call(
    name: &str,
    gateway: &'static schema::Gateway,
    op: &'static schema::Operation,
    words: &[&str],
) -> Result<String, Failure> {
    // Configuration first: a missing credential is reported before any input is read.
    let engine = engine(name, gateway, words)?;
    let request = read_request(words)?;
    if words.contains(&"--dry-run") || op.delivery == Delivery::Redirect {
        let dry = engine.dry_run(op, &request).map_err(failure)?;
        let mut out = format!("{} {}\n", dry.method.as_str(), dry.url);
        for (header, value) in &dry.headers {
            out.push_str(&format!("{header}: {value}\n"));
        }
        if let Some(body) = &dry.body {
            out.push_str(&format!("\n{}\n", pretty(body)));
        }
        if let Some(text) = &dry.text_to_sign {
            out.push_str(&format!("\nsigned text:\n{text}\n"));
        }
        return Ok(out);
    }
    let runtime = tokio::runtime::Builder::new_current_thread()
        .enable_all()
        .build()
        .map_err(|e| Failure(1, e.to_string()))?;
    let answer = runtime
        .block_on(engine.call_value(op, request))
        .map_err(failure)?;
    let shown = match gateway.scheme {
        // An ordered signature covers only the fields of its order: whatever else the answer
        // holds could have been added on the way, so it is kept apart rather than shown as
        // verified. The flat scheme covers every field.
        Scheme::PipeRsaSha256 if op.response_signed => {
            mark_unsigned(op.response_signature, gateway.signature_field, answer)
        }
        _ => answer,
    };
    Ok(format!("{}\n", pretty(&shown)))
}

/// The answer with the fields its signature order does not cover moved under `"unsigned"`, in
/// the same nesting; the signature itself stays where it is.
fn mark_unsigned(order: &[SignItem], signature_field: Option<&str>, answer: Value) -> Value {
    let Value::Object(map) = answer else {
        return answer;
    };
    let (mut covered, uncovered) = split_covered(order, map);
    let uncovered: Map<String, Value> = uncovered
        .into_iter()
        .filter_map(|(key, value)| {
            if Some(key.as_str()) == signature_field {
                covered.insert(key, value);
                None
            } else {
                Some((key, value))
            }
        })
        .collect();
    if !uncovered.is_empty() {
        covered.insert("unsigned".to_owned(), Value::Object(uncovered));
    }
    Value::Object(covered)
}

/// Splits an object into the fields `order` signs and the rest, nested objects and lists of
/// objects by their own orders.
fn split_covered(
    order: &[SignItem],
    map: Map<String, Value>,
) -> (Map<String, Value>, Map<String, Value>) {
    let mut covered = Map::new();
    let mut uncovered = Map::new();
    for (key, value) in map {
        let Some(item) = order.iter().find(|item| item.wire == key) else {
            uncovered.insert(key, value);
            continue;
        };
        let (signed, unsigned) = split_value(&item.shape, value);
        covered.insert(key.clone(), signed);
        if let Some(unsigned) = unsigned {
            uncovered.insert(key, unsigned);
        }
    }
    (covered, uncovered)
}

fn split_value(shape: &SignShape, value: Value) -> (Value, Option<Value>) {
    match (shape, value) {
        (SignShape::Object(order), Value::Object(map)) => {
            let (covered, uncovered) = split_covered(order, map);
            let uncovered = (!uncovered.is_empty()).then_some(Value::Object(uncovered));
            (Value::Object(covered), uncovered)
        }
        (SignShape::Each(element), Value::Array(items)) => {
            let (covered, uncovered): (Vec<Value>, Vec<Option<Value>>) = items
                .into_iter()
                .map(|item| split_value(element, item))
                .unzip();
            let any_uncovered = uncovered.iter().any(Option::is_some);
            let uncovered = any_uncovered.then(|| {
                Value::Array(
                    uncovered
                        .into_iter()
                        .map(|u| u.unwrap_or(Value::Null))
                        .collect(),
                )
            });
            (Value::Array(covered), uncovered)
        }
        (_, value) => (value, None),
    }
}

fn verify(
    name: &str,
    gateway: &'static schema::Gateway,
    callback: &'static schema::Callback,
    words: &[&str],
) -> Result<String, Failure> {
    let engine = engine(name, gateway, words)?;
    let text = read_input(words)?
        .ok_or_else(|| Failure(1, "pass the message with --request FILE|-".into()))?;
    let message: Value = match callback.token_field {
        Some(_) => {
            let token = option(words, "--token")
                .ok_or_else(|| Failure(1, "pass the order's securityToken with --token".into()))?;
            engine.verify_notification_as(callback, text.as_bytes(), token)
        }
        None => engine.verify_callback(callback, text.as_bytes()),
    }
    .map_err(failure)?;
    Ok(format!("{}\n", pretty(&message)))
}

fn pretty(value: &Value) -> String {
    serde_json::to_string_pretty(value).unwrap_or_else(|_| value.to_string())
}

/// The exit code and message of an error. A gateway's answer is printed as the error holds it:
/// scrubbed of the card data and secrets the request carried (it may echo them).
fn failure(error: Error) -> Failure {
    match &error {
        Error::Invalid(violations) => {
            let lines: Vec<String> = violations.iter().map(ToString::to_string).collect();
            Failure(2, lines.join("\n"))
        }
        Error::Rejected { body, .. } => Failure(3, format!("{error}\n{}", pretty(body))),
        Error::Fault { .. } | Error::Errors { .. } | Error::Unsuccessful { .. } => {
            Failure(3, error.to_string())
        }
        Error::Http { body, .. } => Failure(3, format!("{error}\n{body}")),
        Error::Signature { .. } | Error::Transport { .. } | Error::OutcomeUnknown { .. } => {
            Failure(4, error.to_string())
        }
        _ => Failure(1, error.to_string()),
    }
}

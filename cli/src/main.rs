//! `oneclick`: call a OneClick gateway without writing Rust.
//!
//! Everything a command knows (its gateways, operations, fields, constraints, signature scheme,
//! headers, credentials, environments) comes from the generated registry crate
//! (`oneclick-gateways`) and the `schema` statics it lists; this file only maps the command
//! line onto them, so a new spec is a new command without an edit here. Gateways are listed in
//! the order of their spec files; the command name is the spec's gateway name. The command
//! line is clap's builder API, not its derive: the subcommands, their options and their help
//! exist only at run time, in those statics.
//!
//! Exit codes: 0 success (help, --version and completions included); 2 invalid input (nothing
//! sent); 3 the gateway answered with an error; 4 transport failure, a signature that does not
//! verify, an answer about another call, or an unknown outcome (the payment may exist); 1
//! anything else, a usage error too.

use std::io::Read;
use std::process::ExitCode;

use clap::{Arg, ArgAction, ArgMatches, Command, builder::PossibleValuesParser, value_parser};
use clap_complete::Shell;
use oneclick_runtime::recipe::{Field as SignedField, Piece, Placement, Shape};
use oneclick_runtime::schema::{self, Constraint, CredentialKind, Delivery, Kind, Object};
use oneclick_runtime::{Credentials, Engine, Error, Key, RsaPrivateKey, RsaPublicKey, Secret};
use serde_json::{Map, Value};
use tracing_subscriber::filter::{LevelFilter, Targets};
use tracing_subscriber::fmt::format::FmtSpan;
use tracing_subscriber::layer::SubscriberExt as _;
use tracing_subscriber::util::SubscriberInitExt as _;

/// How a run ended: the exit code and what to print on stderr.
struct Failure(u8, String);

/// How a JSON value (an answer, a verified message, a dry run, an error's body) is printed.
#[derive(Clone, Copy)]
enum Output {
    /// One line, for `jq` and scripts.
    Json,
    /// Indented, for a person.
    Pretty,
}

impl Output {
    fn render(self, value: &Value) -> String {
        match self {
            Output::Json => value.to_string(),
            Output::Pretty => {
                serde_json::to_string_pretty(value).unwrap_or_else(|_| value.to_string())
            }
        }
    }
}

fn main() -> ExitCode {
    let matches = match command().try_get_matches() {
        Ok(matches) => matches,
        Err(error) => {
            // Help and --version go to stdout with exit 0. A usage error exits 1, as it did
            // before clap: exit 2 means "the request breaks the spec" to scripts.
            let _ = error.print();
            return ExitCode::from(u8::from(error.use_stderr()));
        }
    };
    init_tracing(matches.get_count("verbose"));
    match run(&matches) {
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

/// Where `-v` and `--output` are listed in every command's help: after its own options.
const GLOBAL_OPTIONS_LAST: usize = 100;

/// The whole command line, built from the registry: a new spec is a new subcommand.
fn command() -> Command {
    let gateways = oneclick_gateways::GATEWAYS
        .iter()
        .map(|entry| gateway_command(entry.name(), entry.title, entry.schema));
    Command::new("oneclick")
        .version(env!("CARGO_PKG_VERSION"))
        .about("Call a OneClick gateway from the command line.")
        .after_help("`oneclick <gateway> --help` lists its operations.")
        .arg(
            Arg::new("verbose")
                .short('v')
                .long("verbose")
                .action(ArgAction::Count)
                .global(true)
                .display_order(GLOBAL_OPTIONS_LAST)
                .help("Log the client's calls on stderr: -v each call, -vv retries, -vvv everything; overrides RUST_LOG"),
        )
        .arg(
            Arg::new("output")
                .long("output")
                .value_name("FORMAT")
                .value_parser(PossibleValuesParser::new(["json", "pretty"]))
                .default_value("pretty")
                .global(true)
                .display_order(GLOBAL_OPTIONS_LAST)
                .help("How JSON is printed: json on one line, pretty indented"),
        )
        .subcommands(gateways)
        .subcommand(
            Command::new("completions")
                .about("Print a completion script for a shell")
                .after_help(
                    "bash: oneclick completions bash > ~/.local/share/bash-completion/completions/oneclick\n\
                     zsh:  oneclick completions zsh > \"${fpath[1]}/_oneclick\"\n\
                     fish: oneclick completions fish > ~/.config/fish/completions/oneclick.fish\n\
                     PowerShell: oneclick completions powershell >> $PROFILE",
                )
                .arg(
                    Arg::new("shell")
                        .required(true)
                        .value_parser(value_parser!(Shell)),
                ),
        )
}

fn gateway_command(name: &'static str, title: &'static str, gateway: &schema::Gateway) -> Command {
    let mut after = format!(
        "credentials (environment): {}",
        credential_vars(name, gateway).join(", ")
    );
    if !gateway.environments.is_empty() {
        let names: Vec<&str> = gateway.environments.iter().map(|(n, _)| *n).collect();
        after.push_str(&format!("\nenvironments (--env): {}", names.join(", ")));
    }
    let operations = gateway
        .operations
        .iter()
        .map(|op| operation_command(gateway, op));
    let callbacks = gateway
        .callbacks
        .iter()
        .map(|callback| callback_command(callback));
    Command::new(name)
        .about(title)
        .after_help(after)
        .disable_help_subcommand(true)
        .subcommand_help_heading("operations")
        .subcommand_value_name("OPERATION")
        .subcommands(operations)
        .subcommands(callbacks)
}

fn operation_command(gateway: &schema::Gateway, op: &schema::Operation) -> Command {
    let mut after = String::new();
    if op.delivery == Delivery::Redirect {
        after.push_str(
            "A redirect: the command prints the form for the customer's browser and sends nothing.\n\n",
        );
    }
    after.push_str(
        "request fields (wire names; * required; the client fills the ones marked auto):\n",
    );
    fields(op.request, "", &mut after);
    let mut env = Arg::new("env")
        .long("env")
        .value_name("NAME")
        .help("Call the spec's host of this name (default: the first)");
    if !gateway.environments.is_empty() {
        let names: Vec<&'static str> = gateway.environments.iter().map(|(n, _)| *n).collect();
        env = env.value_parser(PossibleValuesParser::new(names));
    }
    Command::new(kebab(op.id))
        .about(format!("{} {}\n{}", op.method.as_str(), op.path, op.summary))
        .after_help(after.trim_end().to_owned())
        .arg(request_arg().help(
            "The request as JSON, a file or - for stdin; without it only the fields the client fills are sent",
        ))
        .arg(
            Arg::new("base-url")
                .long("base-url")
                .value_name("URL")
                .help("Call this host instead of the spec's (a simulator, a proxy)"),
        )
        .arg(env)
        .arg(
            Arg::new("dry-run")
                .long("dry-run")
                .action(ArgAction::SetTrue)
                .help("Send nothing: print the request as it would go, secrets masked"),
        )
}

fn callback_command(callback: &schema::Callback) -> Command {
    let what = match callback.verb() {
        "verify" => "Checks a message from the gateway",
        _ => "Decodes a message nothing proves the gateway sent",
    };
    let mut command = Command::new(kebab(&format!("{}_{}", callback.verb(), callback.id)))
        .about(format!("{what}\n{}", callback.summary))
        .arg(request_arg().help("The message as received, a file or - for stdin"));
    if callback.token_field.is_some() {
        command = command.arg(
            Arg::new("token")
                .long("token")
                .value_name("TOKEN")
                .help("The securityToken the gateway gave for the order"),
        );
    }
    command
}

fn request_arg() -> Arg {
    Arg::new("request").long("request").value_name("FILE|-")
}

/// Logs on stderr, stdout stays the answer. Each call's span is printed when it closes, with
/// the fields the runtime records (gateway, operation, attempt, result code, HTTP status,
/// duration), which never hold message content.
fn init_tracing(verbosity: u8) {
    // `Targets` reads RUST_LOG's `target=level` directives without the regex engine that
    // `EnvFilter` brings (three crates, about 30 s of a clean build); span-field filters,
    // which nobody needs here, are what it leaves out. A RUST_LOG it cannot read logs errors.
    let filter = match verbosity {
        0 => std::env::var("RUST_LOG")
            .ok()
            .and_then(|directives| directives.parse::<Targets>().ok())
            .unwrap_or_else(|| Targets::new().with_default(LevelFilter::ERROR)),
        1 => Targets::new().with_default(LevelFilter::INFO),
        2 => Targets::new().with_default(LevelFilter::DEBUG),
        _ => Targets::new().with_default(LevelFilter::TRACE),
    };
    tracing_subscriber::registry()
        .with(
            tracing_subscriber::fmt::layer()
                .with_writer(std::io::stderr)
                .with_span_events(FmtSpan::CLOSE),
        )
        .with(filter)
        .init();
}

fn run(matches: &ArgMatches) -> Result<String, Failure> {
    let output = match matches.get_one::<String>("output").map(String::as_str) {
        Some("json") => Output::Json,
        _ => Output::Pretty,
    };
    let Some((name, gateway_matches)) = matches.subcommand() else {
        return Ok(command().render_help().to_string());
    };
    if name == "completions" {
        return completions(gateway_matches);
    }
    let entry = oneclick_gateways::find(name)
        .ok_or_else(|| Failure(1, format!("unknown gateway `{name}`")))?;
    let gateway = entry.schema;
    let Some((command_name, args)) = gateway_matches.subcommand() else {
        let mut root = command();
        // Built first, so that the usage line names the whole command (`oneclick csob`).
        root.build();
        let help = root
            .find_subcommand_mut(name)
            .map(|c| c.render_help().to_string())
            .unwrap_or_default();
        return Ok(help);
    };
    if let Some(callback) = gateway
        .callbacks
        .iter()
        .find(|c| kebab(&format!("{}_{}", c.verb(), c.id)) == command_name)
    {
        return verify(name, gateway, callback, args, output);
    }
    let op = gateway
        .operations
        .iter()
        .find(|op| kebab(op.id) == command_name)
        .ok_or_else(|| Failure(1, format!("unknown operation `{command_name}` of {name}")))?;
    call(name, gateway, op, args, output)
}

fn completions(matches: &ArgMatches) -> Result<String, Failure> {
    let shell = *matches
        .get_one::<Shell>("shell")
        .ok_or_else(|| Failure(1, "name a shell".into()))?;
    let mut script = Vec::new();
    clap_complete::generate(shell, &mut command(), "oneclick", &mut script);
    String::from_utf8(script).map_err(|e| Failure(1, e.to_string()))
}

fn kebab(id: &str) -> String {
    id.replace('_', "-")
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
        schema::Rule::Sum { items, total } => format!("{items} add up to {total}"),
        schema::Rule::When {
            when,
            equals,
            field,
            constraints,
            values,
        } => {
            let mut demands: Vec<String> = constraints.iter().map(constraint).collect();
            if !values.is_empty() {
                let allowed: Vec<String> = values.iter().map(literal).collect();
                demands.push(format!("one of {}", allowed.join(", ")));
            }
            format!(
                "when {when} = {}: {field} {}",
                literal(equals),
                demands.join(", ")
            )
        }
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
        Constraint::MinItems(n) => format!("min_items {n}"),
        Constraint::MaxItems(n) => format!("max_items {n}"),
        Constraint::MaxKeyLength(n, unit) => format!("max_key_length {n} {unit:?}").to_lowercase(),
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
    gateway
        .credentials
        .iter()
        .map(|c| format!("{prefix}_{}", c.name.to_uppercase()))
        .collect()
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
    args: &ArgMatches,
) -> Result<Engine, Failure> {
    let credentials = credentials(name, gateway)?;
    let base_url = base_url(name, gateway, args)?;
    Engine::new(gateway, &base_url, credentials).map_err(|e| Failure(1, e.to_string()))
}

/// An engine that only checks messages the gateway sent: it calls nobody, so a gateway whose
/// hosts are per merchant needs no `--base-url` for it.
fn receiving_engine(name: &str, gateway: &'static schema::Gateway) -> Result<Engine, Failure> {
    const NEVER_CALLED: &str = "http://127.0.0.1:9";
    Engine::new(gateway, NEVER_CALLED, credentials(name, gateway)?)
        .map_err(|e| Failure(1, e.to_string()))
}

/// The credentials from the environment: `<GATEWAY>_<NAME>`.
fn credentials(name: &str, gateway: &'static schema::Gateway) -> Result<Credentials, Failure> {
    let prefix = name.to_uppercase();
    let mut values = Vec::new();
    let mut keys = Vec::new();
    for credential in gateway.credentials {
        let var = format!("{prefix}_{}", credential.name.to_uppercase());
        let key_error = |e: oneclick_runtime::KeyError| Failure(1, format!("{var}: {e}"));
        // Keys come from PEM files named by the variable; other credentials are the value.
        match credential.kind {
            // An optional credential left unset leaves out what reads it (Assist's salt).
            CredentialKind::Text | CredentialKind::Secret if credential.optional => {
                if let Ok(value) = std::env::var(&var) {
                    values.push((credential.name, Secret::new(value)));
                }
            }
            CredentialKind::Text | CredentialKind::Secret => {
                values.push((credential.name, Secret::new(env(&var)?)));
            }
            CredentialKind::RsaPrivateKey => {
                let key = RsaPrivateKey::from_pem(&pem(&var)?).map_err(key_error)?;
                keys.push((credential.name, Key::RsaPrivate(key)));
            }
            CredentialKind::RsaPublicKey => {
                let key = RsaPublicKey::from_pem(&pem(&var)?).map_err(key_error)?;
                keys.push((credential.name, Key::RsaPublic(key)));
            }
        }
    }
    Ok(Credentials { values, keys })
}

/// The host calls go to: `--base-url`, the spec's environment `--env`, or its first one.
fn base_url(
    name: &str,
    gateway: &'static schema::Gateway,
    args: &ArgMatches,
) -> Result<String, Failure> {
    let base_url = match (option(args, "base-url"), option(args, "env")) {
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
    if option(args, "base-url").is_none() && base_url.contains('{') {
        // The CLI has no option per URL variable: the merchant's URL is given whole.
        return Err(Failure(
            1,
            format!("{base_url} holds per-merchant values: pass --base-url with them filled in"),
        ));
    }
    Ok(base_url)
}

/// The text of `--request` (a file, or `-` for stdin); `None` when the option is absent.
fn read_input(args: &ArgMatches) -> Result<Option<String>, Failure> {
    read_raw_input(args)?
        .map(|bytes| {
            String::from_utf8(bytes).map_err(|_| Failure(1, "the input is not UTF-8 text".into()))
        })
        .transpose()
}

/// The input's bytes as they are: a received message is read in its declared charset, which
/// need not be UTF-8.
fn read_raw_input(args: &ArgMatches) -> Result<Option<Vec<u8>>, Failure> {
    match option(args, "request") {
        None => Ok(None),
        Some("-") => {
            let mut bytes = Vec::new();
            std::io::stdin()
                .read_to_end(&mut bytes)
                .map_err(|e| Failure(1, format!("cannot read stdin: {e}")))?;
            Ok(Some(bytes))
        }
        Some(path) => std::fs::read(path)
            .map(Some)
            .map_err(|e| Failure(1, format!("cannot read {path}: {e}"))),
    }
}

/// The request as JSON; an operation called without `--request` sends no caller fields.
fn read_request(args: &ArgMatches) -> Result<Value, Failure> {
    let text = read_input(args)?.unwrap_or_else(|| "{}".to_owned());
    serde_json::from_str(&text).map_err(|e| Failure(2, format!("/: the request is not JSON ({e})")))
}

fn call(
    name: &str,
    gateway: &'static schema::Gateway,
    op: &'static schema::Operation,
    args: &ArgMatches,
    output: Output,
) -> Result<String, Failure> {
    // Configuration first: a missing credential is reported before any input is read.
    let engine = engine(name, gateway, args)?;
    let request = read_request(args)?;
    if args.get_flag("dry-run") || op.delivery == Delivery::Redirect {
        let dry = engine
            .dry_run(op, &request)
            .map_err(|e| failure(e, output))?;
        if let Output::Json = output {
            let headers: Map<String, Value> = dry
                .headers
                .iter()
                .map(|(header, value)| ((*header).to_owned(), Value::String(value.clone())))
                .collect();
            let shown = serde_json::json!({
                "method": dry.method.as_str(),
                "url": dry.url,
                "headers": headers,
                "body": dry.body,
                "signed_text": dry.text_to_sign,
            });
            return Ok(format!("{}\n", output.render(&shown)));
        }
        // A GET redirect is nothing but its URL: printed alone, it is what a script hands on.
        if op.delivery == Delivery::Redirect && dry.method == schema::Method::Get {
            return Ok(format!("{}\n", dry.url));
        }
        let mut out = format!("{} {}\n", dry.method.as_str(), dry.url);
        for (header, value) in &dry.headers {
            out.push_str(&format!("{header}: {value}\n"));
        }
        if let Some(body) = &dry.body {
            out.push_str(&format!("\n{}\n", output.render(body)));
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
        .block_on(engine.call_value(op, request.clone()))
        .map_err(|e| failure(e, output))?;
    // A gateway may echo the card in a successful answer too; the terminal and its logs only
    // ever see the scrubbed copy.
    let answer = engine.shown_answer(op, &request, &answer);
    // A signature over an order covers only the fields of its order: whatever else the answer
    // holds could have been added on the way, so it is kept apart rather than shown as
    // verified. A flattened text covers every field.
    let ordered = op.response_recipes.first().filter(|named| {
        named
            .recipe
            .text
            .iter()
            .any(|piece| matches!(piece, Piece::Order(_)))
    });
    let shown = match ordered {
        Some(named) => {
            let signature_field = match named.recipe.placement {
                Placement::Field(path) => path.last().copied(),
                _ => None,
            };
            mark_unsigned(op.response_signature, signature_field, answer)
        }
        None => answer,
    };
    Ok(format!("{}\n", output.render(&shown)))
}

/// The answer with the fields its signature order does not cover moved under `"unsigned"`, in
/// the same nesting; the signature itself stays where it is.
fn mark_unsigned(order: &[SignedField], signature_field: Option<&str>, answer: Value) -> Value {
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
    order: &[SignedField],
    map: Map<String, Value>,
) -> (Map<String, Value>, Map<String, Value>) {
    let mut covered = Map::new();
    let mut uncovered = Map::new();
    for (key, value) in map {
        let Some(item) = order.iter().find(|item| item.name == key) else {
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

fn split_value(shape: &Shape, value: Value) -> (Value, Option<Value>) {
    match (shape, value) {
        (Shape::Object(order), Value::Object(map)) => {
            let (covered, uncovered) = split_covered(order, map);
            let uncovered = (!uncovered.is_empty()).then_some(Value::Object(uncovered));
            (Value::Object(covered), uncovered)
        }
        (Shape::Each(element), Value::Array(items)) => {
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
    args: &ArgMatches,
    output: Output,
) -> Result<String, Failure> {
    let engine = receiving_engine(name, gateway)?;
    let raw = read_raw_input(args)?
        .ok_or_else(|| Failure(1, "pass the message with --request FILE|-".into()))?;
    let message: Value = match callback.token_field {
        Some(_) => {
            let token = option(args, "token")
                .ok_or_else(|| Failure(1, "pass the order's securityToken with --token".into()))?;
            engine.verify_notification_as(callback, &raw, token)
        }
        None => engine.verify_callback(callback, &raw),
    }
    .map_err(|e| failure(e, output))?;
    Ok(format!(
        "{}\n",
        output.render(&engine.shown_message(callback, &message))
    ))
}

/// An option's value; `None` also for an option the command does not have.
fn option<'a>(args: &'a ArgMatches, id: &str) -> Option<&'a str> {
    args.try_get_one::<String>(id)
        .ok()
        .flatten()
        .map(String::as_str)
}

/// The exit code and message of an error. A gateway's answer is printed whole, as the error
/// holds it: scrubbed of the card data and secrets the request carried (it may echo them).
fn failure(error: Error, output: Output) -> Failure {
    match &error {
        Error::Invalid(violations) => {
            let lines: Vec<String> = violations.iter().map(ToString::to_string).collect();
            Failure(2, lines.join("\n"))
        }
        Error::Rejected { .. } | Error::Http { .. } => {
            let answer = match (error.body_json(), &error) {
                (Some(json), _) => output.render(&json),
                (None, Error::Http { body, .. }) => body.clone(),
                (None, _) => String::new(),
            };
            Failure(3, format!("{error}\n{answer}"))
        }
        Error::Fault { detail, .. } => Failure(3, format!("{error}\ndetail: {detail}")),
        Error::Errors { .. } => Failure(3, error.to_string()),
        Error::Signature { .. }
        | Error::ForeignAnswer { .. }
        | Error::Transport { .. }
        | Error::OutcomeUnknown { .. } => Failure(4, error.to_string()),
        _ => Failure(1, error.to_string()),
    }
}

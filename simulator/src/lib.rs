//! A local stand-in for the OneClick gateways, for end-to-end tests without credentials or a
//! network: one server, each gateway under its own path prefix (`/csob`, …), state in memory,
//! request checks and signatures taken from the generated schemas.
//!
//! ```no_run
//! # async fn demo() {
//! let simulator = oneclick_simulator::Simulator::start(Default::default()).await.unwrap();
//! simulator.seed_csob_template("0e92dd54b133@HA");
//! let base_url = simulator.url("/csob"); // give it to the ČSOB client as Environment::Custom
//! # }
//! ```
//!
//! Admin API: `POST /admin/csob/templates` `{"origPayId"}`, `POST /admin/assist/cards`
//! `{"customernumber", "card"}` and `POST /admin/xpay/contracts` `{"contractId", "customerId"}`
//! seed state; `POST /admin/outcomes` `{"gateway", "outcome", "count"}` queues outcomes;
//! `GET /admin/requests` lists the newest requests received (at most [`Config::request_log`]);
//! `POST /admin/reset` forgets everything.
//!
//! Memory stays flat under any load: the request logs and everything kept per request
//! (payments, orders, contracts, idempotent answers) hold only their newest entries.

pub mod assist;
pub mod bounded;
pub mod csob;
pub mod http;
pub mod monetix;
pub mod outcomes;
pub mod xpay;

use std::net::SocketAddr;
use std::sync::{Arc, Mutex};
use std::time::Duration;

use oneclick_runtime::{KeyError, RsaPrivateKey, RsaPublicKey};
use serde_json::{Value, json};

use bounded::Ring;
use http::{Received, Reply, Server};

/// What the simulator trusts and how it behaves.
#[derive(Debug, Clone)]
pub struct Config {
    /// Address to bind; loopback with an ephemeral port by default.
    pub addr: SocketAddr,
    /// The merchant key ČSOB requests must be signed with (PEM, public).
    pub csob_merchant_key: String,
    /// The key ČSOB responses are signed with (PEM, private).
    pub csob_gateway_key: String,
    /// How long a processed ČSOB payment stays in progress (paymentStatus 2) before it is
    /// confirmed (4).
    pub csob_settle_after: Duration,
    /// The Monetix project secret requests are signed with and callbacks are signed with.
    pub monetix_secret: String,
    /// Where Monetix results are POSTed (plain http); `None` sends no callbacks.
    pub monetix_callback_url: Option<String>,
    /// The XPay API key calls must carry.
    pub xpay_api_key: String,
    /// The Assist web-service credentials: merchant id, login, password.
    pub assist_credentials: (String, String, String),
    /// How many requests the request logs keep (the newest).
    pub request_log: usize,
    /// How many records of each kind the gateways keep (payments, orders, contracts, answers
    /// kept for idempotent replays), the oldest forgotten first. A replay or status call for a
    /// forgotten one is answered as if it were unknown.
    pub records: usize,
}

/// The default of [`Config::records`]: far more than a test keeps in flight, and a few
/// megabytes at most.
pub const DEFAULT_RECORDS: usize = 10_000;

impl Default for Config {
    /// The repository's test keys (`vectors/`), so the generated clients work against it as they
    /// are configured in the tests.
    fn default() -> Self {
        Config {
            addr: SocketAddr::from(([127, 0, 0, 1], 0)),
            csob_merchant_key: include_str!("../../vectors/merchant-test.pub").to_owned(),
            csob_gateway_key: include_str!("../../vectors/gateway-test.key").to_owned(),
            csob_settle_after: Duration::from_millis(50),
            monetix_secret: "s3cr3t".to_owned(),
            monetix_callback_url: None,
            xpay_api_key: "xpay-test-api-key".to_owned(),
            assist_credentials: (
                "452739".to_owned(),
                "LOGIN".to_owned(),
                "PASSWORD".to_owned(),
            ),
            request_log: http::DEFAULT_LOG_CAPACITY,
            records: DEFAULT_RECORDS,
        }
    }
}

/// The keys parsed once at start.
pub(crate) struct Keys {
    pub merchant: RsaPublicKey,
    pub gateway: RsaPrivateKey,
    pub monetix: monetix::Settings,
    pub xpay_api_key: String,
    pub assist: assist::Settings,
}

/// Everything the simulated gateways remember.
#[derive(Debug)]
pub(crate) struct State {
    pub csob: csob::State,
    pub monetix: monetix::State,
    pub xpay: xpay::State,
    pub assist: assist::State,
    pub outcomes: outcomes::Queue,
    pub requests: Ring<Value>,
    limits: Limits,
}

#[derive(Debug, Clone, Copy)]
struct Limits {
    request_log: usize,
    records: usize,
}

impl State {
    fn new(limits: Limits) -> Self {
        State {
            csob: csob::State::new(limits.records),
            monetix: monetix::State::new(limits.records),
            xpay: xpay::State::new(limits.records),
            assist: assist::State::new(limits.records),
            outcomes: outcomes::Queue::default(),
            requests: Ring::new(limits.request_log),
            limits,
        }
    }
}

/// A running simulator; it stops when dropped.
pub struct Simulator {
    server: Server,
    state: Arc<Mutex<State>>,
}

impl Simulator {
    pub async fn start(config: Config) -> Result<Simulator, StartError> {
        let keys = Arc::new(Keys {
            merchant: RsaPublicKey::from_pem(&config.csob_merchant_key).map_err(StartError::Key)?,
            gateway: RsaPrivateKey::from_pem(&config.csob_gateway_key).map_err(StartError::Key)?,
            monetix: monetix::Settings {
                secret: oneclick_runtime::Secret::new(config.monetix_secret.clone()),
                callback_url: config.monetix_callback_url.clone(),
            },
            xpay_api_key: config.xpay_api_key.clone(),
            assist: assist::Settings {
                merchant_id: config.assist_credentials.0.clone(),
                login: config.assist_credentials.1.clone(),
                password: config.assist_credentials.2.clone(),
            },
        });
        let state = Arc::new(Mutex::new(State::new(Limits {
            request_log: config.request_log,
            records: config.records,
        })));
        let shared = Arc::clone(&state);
        let settle_after = config.csob_settle_after;
        let server = Server::bind_with_log(config.addr, config.request_log, move |request| {
            route(&shared, &keys, settle_after, request)
        })
        .await
        .map_err(StartError::Bind)?;
        Ok(Simulator { server, state })
    }

    pub fn addr(&self) -> SocketAddr {
        self.server.addr()
    }

    /// `http://127.0.0.1:<port>` followed by `path`.
    pub fn url(&self, path: &str) -> String {
        self.server.url(path)
    }

    /// Registers a ČSOB OneClick template, as the admin API does.
    pub fn seed_csob_template(&self, orig_pay_id: &str) {
        if let Ok(mut state) = self.state.lock() {
            state.csob.templates.insert(orig_pay_id.to_owned());
        }
    }

    /// Makes the next `count` answers of `gateway` (`csob`, `monetix`, `assist`, `xpay`) follow
    /// `outcome`, as the admin API does.
    pub fn queue_outcome(&self, gateway: &str, outcome: outcomes::Outcome, count: usize) {
        if let Ok(mut state) = self.state.lock() {
            state.outcomes.push(gateway, outcome, count);
        }
    }

    /// Stores a card for an Assist customer, as the admin API does.
    pub fn seed_assist_card(&self, customer_number: &str, card: Value) {
        if let Ok(mut state) = self.state.lock() {
            state
                .assist
                .cards
                .entry(customer_number.to_owned())
                .or_default()
                .push(card);
        }
    }

    /// The Monetix payments and the status their callback reported, by payment_id.
    pub fn monetix_payments(&self) -> Vec<(String, String)> {
        self.state
            .lock()
            .map(|s| {
                s.monetix
                    .payments
                    .iter()
                    .map(|(id, st)| (id.clone(), st.clone()))
                    .collect()
            })
            .unwrap_or_default()
    }

    /// The ČSOB payments and their paymentStatus, by payId.
    pub fn csob_payments(&self) -> Vec<(String, i64)> {
        self.state
            .lock()
            .map(|s| {
                s.csob
                    .payments
                    .iter()
                    .map(|(id, p)| (id.clone(), p.status))
                    .collect()
            })
            .unwrap_or_default()
    }
}

#[derive(Debug)]
pub enum StartError {
    Key(KeyError),
    Bind(std::io::Error),
}

impl std::fmt::Display for StartError {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        match self {
            StartError::Key(e) => write!(f, "a configured key does not load: {e}"),
            StartError::Bind(e) => write!(f, "cannot listen: {e}"),
        }
    }
}

impl std::error::Error for StartError {}

fn route(state: &Mutex<State>, keys: &Keys, settle_after: Duration, request: &Received) -> Reply {
    let Ok(mut state) = state.lock() else {
        return Reply::Status(500, "{}".into());
    };
    let path = request.target.split('?').next().unwrap_or_default();
    if let Some(admin) = path.strip_prefix("/admin") {
        return admin_route(&mut state, admin, request);
    }
    state
        .requests
        .push(json!({"method": request.method, "target": request.target}));
    let gateway = path
        .trim_start_matches('/')
        .split('/')
        .next()
        .unwrap_or_default();
    let outcome = state.outcomes.next(gateway);
    if let Some(reply) = outcome.and_then(outcomes::instead) {
        return reply;
    }
    let rest = path.get(gateway.len() + 1..).unwrap_or_default();
    let method = request.method.as_str();
    let reply = match gateway {
        "csob" => csob::handle(
            &mut state.csob,
            keys,
            settle_after,
            outcome,
            method,
            rest,
            request,
        ),
        "monetix" => monetix::handle(
            &mut state.monetix,
            &keys.monetix,
            outcome,
            method,
            rest,
            request,
        ),
        "assist" => assist::handle(&mut state.assist, &keys.assist, method, rest, request),
        "xpay" => xpay::handle(&mut state.xpay, &keys.xpay_api_key, method, rest, request),
        _ => Reply::Status(404, String::new()),
    };
    match outcome {
        Some(outcome) => outcomes::after(outcome, reply),
        None => reply,
    }
}

fn admin_route(state: &mut State, path: &str, request: &Received) -> Reply {
    match (request.method.as_str(), path) {
        ("POST", "/csob/templates") => match request.json()["origPayId"].as_str() {
            Some(id) => {
                state.csob.templates.insert(id.to_owned());
                Reply::json("{}")
            }
            None => Reply::Status(400, r#"{"error":"origPayId is required"}"#.into()),
        },
        ("POST", "/assist/cards") => {
            let body = request.json();
            match (body["customernumber"].as_str(), body.get("card")) {
                (Some(customer), Some(card)) => {
                    state
                        .assist
                        .cards
                        .entry(customer.to_owned())
                        .or_default()
                        .push(card.clone());
                    Reply::json("{}")
                }
                _ => Reply::Status(
                    400,
                    r#"{"error":"customernumber and card are required"}"#.into(),
                ),
            }
        }
        ("POST", "/outcomes") => {
            let body = request.json();
            let outcome = body["outcome"].as_str().and_then(outcomes::Outcome::parse);
            match (body["gateway"].as_str(), outcome) {
                (Some(gateway), Some(outcome)) => {
                    let count = usize::try_from(body["count"].as_u64().unwrap_or(1)).unwrap_or(1);
                    state.outcomes.push(gateway, outcome, count);
                    Reply::json("{}")
                }
                _ => Reply::Status(
                    400,
                    r#"{"error":"gateway and a known outcome are required"}"#.into(),
                ),
            }
        }
        ("POST", "/xpay/contracts") => {
            let body = request.json();
            match (body["contractId"].as_str(), body["customerId"].as_str()) {
                (Some(contract), Some(customer)) => {
                    let kind = body["contractType"].as_str().unwrap_or("CIT").to_owned();
                    state
                        .xpay
                        .contracts
                        .insert(contract.to_owned(), (customer.to_owned(), kind, true));
                    Reply::json("{}")
                }
                _ => Reply::Status(
                    400,
                    r#"{"error":"contractId and customerId are required"}"#.into(),
                ),
            }
        }
        ("GET", "/requests") => {
            Reply::json(Value::Array(state.requests.iter().cloned().collect()).to_string())
        }
        ("POST", "/reset") => {
            *state = State::new(state.limits);
            Reply::json("{}")
        }
        _ => Reply::Status(404, String::new()),
    }
}

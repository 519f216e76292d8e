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
//! seed state; `POST /admin/assist/pay` `{"form", "orderstate"}` pays an Assist payment-page
//! order (its form body as the client built it) and answers its `billnumber`;
//! `POST /admin/xpay/payments` `{"orderId"}` pays an XPay HPP or Pay-by-Link order as its
//! customer would (the answer is its operation); `POST /admin/outcomes` `{"gateway", "outcome", "count"}` queues outcomes;
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

use oneclick_runtime::KeyError;
use serde_json::{Value, json};

use bounded::Ring;
use http::{Received, Reply, Server};
use outcomes::Outcome;

/// What the simulator trusts and how it behaves: where it listens, and the settings of each
/// simulated gateway, declared (with their test defaults) by the gateway's module.
#[derive(Debug, Clone)]
pub struct Config {
    /// Address to bind; loopback with an ephemeral port by default.
    pub addr: SocketAddr,
    pub assist: assist::Settings,
    pub csob: csob::Settings,
    pub monetix: monetix::Settings,
    pub xpay: xpay::Settings,
    /// How many requests the request logs keep (the newest).
    pub request_log: usize,
    /// One line on stderr per request (method, path, status, duration; never a body).
    pub access_log: bool,
    /// How many records of each kind the gateways keep (payments, orders, contracts, answers
    /// kept for idempotent replays), the oldest forgotten first. A replay or status call for a
    /// forgotten one is answered as if it were unknown.
    pub records: usize,
}

/// The default of [`Config::records`]: far more than a test keeps in flight, and a few
/// megabytes at most.
pub const DEFAULT_RECORDS: usize = 10_000;

impl Default for Config {
    /// The repository's test keys and credentials, so the generated clients work against it as
    /// they are configured in the tests.
    fn default() -> Self {
        Config {
            addr: SocketAddr::from(([127, 0, 0, 1], 0)),
            assist: assist::Settings::default(),
            csob: csob::Settings::default(),
            monetix: monetix::Settings::default(),
            xpay: xpay::Settings::default(),
            request_log: http::DEFAULT_LOG_CAPACITY,
            access_log: false,
            records: DEFAULT_RECORDS,
        }
    }
}

/// The configuration with its keys parsed once at start.
pub(crate) struct Ready {
    config: Config,
    csob_keys: csob::Keys,
}

/// How one gateway's hand-written simulation answers a request under its path prefix.
type Simulate = fn(&mut State, &Ready, Option<Outcome>, &str, &str, &Received) -> Reply;

/// The simulations, by gateway name (also their path prefix). Each module names its gateway
/// through `oneclick_gateways`, so one whose spec is gone does not compile; a generated gateway
/// missing here is listed by [`unsimulated`] and answered with 501, never a silent 404.
const SIMULATIONS: &[(&str, Simulate)] = &[
    ("assist", |state, ready, _, method, path, request| {
        assist::handle(
            &mut state.assist,
            &ready.config.assist,
            method,
            path,
            request,
        )
    }),
    ("csob", |state, ready, outcome, method, path, request| {
        let settle_after = ready.config.csob.settle_after;
        csob::handle(
            &mut state.csob,
            &ready.csob_keys,
            settle_after,
            outcome,
            method,
            path,
            request,
        )
    }),
    ("monetix", |state, ready, outcome, method, path, request| {
        let settings = &ready.config.monetix;
        monetix::handle(&mut state.monetix, settings, outcome, method, path, request)
    }),
    ("xpay", |state, ready, outcome, method, path, request| {
        let settings = &ready.config.xpay;
        xpay::handle(&mut state.xpay, settings, outcome, method, path, request)
    }),
];

/// The gateways the simulator answers for, in path-prefix order.
pub fn simulated() -> impl Iterator<Item = &'static str> {
    SIMULATIONS.iter().map(|(name, _)| *name)
}

/// The generated gateways (`oneclick_gateways::GATEWAYS`) the simulator has no simulation for.
pub fn unsimulated() -> Vec<&'static str> {
    without_simulation(oneclick_gateways::GATEWAYS.iter().map(|entry| entry.name()))
}

fn without_simulation<'a>(gateways: impl Iterator<Item = &'a str>) -> Vec<&'a str> {
    gateways.filter(|name| simulation(name).is_none()).collect()
}

fn simulation(gateway: &str) -> Option<Simulate> {
    SIMULATIONS
        .iter()
        .find(|(name, _)| *name == gateway)
        .map(|(_, simulate)| *simulate)
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
    ready: Arc<Ready>,
}

impl Simulator {
    pub async fn start(config: Config) -> Result<Simulator, StartError> {
        let ready = Arc::new(Ready {
            csob_keys: config.csob.keys().map_err(StartError::Key)?,
            config,
        });
        let state = Arc::new(Mutex::new(State::new(Limits {
            request_log: ready.config.request_log,
            records: ready.config.records,
        })));
        let shared = Arc::clone(&state);
        let addr = ready.config.addr;
        let options = http::Options {
            log_capacity: ready.config.request_log,
            access_log: ready.config.access_log,
        };
        let answering = Arc::clone(&ready);
        let server = Server::bind_with(addr, options, move |request| {
            route(&shared, &answering, request)
        })
        .await
        .map_err(StartError::Bind)?;
        Ok(Simulator {
            server,
            state,
            ready,
        })
    }

    pub fn addr(&self) -> SocketAddr {
        self.server.addr()
    }

    /// Stops accepting and lets the requests in flight be answered, for at most `grace`.
    pub async fn shutdown(self, grace: std::time::Duration) {
        self.server.shutdown(grace).await;
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

    /// Pays an Assist payment-page order given as the form body the client built, as the admin
    /// API does: answers `{"billnumber"}` or a fault.
    pub fn pay_assist_order(&self, form: &str, orderstate: &str) -> Value {
        let Ok(mut state) = self.state.lock() else {
            return Value::Null;
        };
        let settings = &self.ready.config.assist;
        match assist::pay(&mut state.assist, settings, form, orderstate) {
            Reply::Status(_, body) => serde_json::from_str(&body).unwrap_or(Value::Null),
            _ => Value::Null,
        }
    }

    /// Pays an XPay HPP or Pay-by-Link order as its customer would, as the admin API does: its
    /// AUTHORIZATION operation, or why it cannot be paid (unknown, paid already,
    /// merchant-initiated). Async because the notification is sent from the runtime.
    pub async fn pay_xpay_order(&self, order_id: &str) -> Result<Value, String> {
        let mut state = self
            .state
            .lock()
            .map_err(|_| "the simulator state is poisoned")?;
        state.xpay.pay(order_id).map_err(str::to_owned)
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

    /// The Monetix payments and the status their last callback reported, by payment_id.
    pub fn monetix_payments(&self) -> Vec<(String, String)> {
        self.state
            .lock()
            .map(|s| {
                s.monetix
                    .payments
                    .iter()
                    .map(|(id, payment)| (id.clone(), payment.status.clone()))
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

fn route(state: &Mutex<State>, ready: &Ready, request: &Received) -> Reply {
    let Ok(mut state) = state.lock() else {
        return Reply::Status(500, "{}".into());
    };
    let path = request.target.split('?').next().unwrap_or_default();
    if let Some(admin) = path.strip_prefix("/admin") {
        return admin_route(&mut state, ready, admin, request);
    }
    state
        .requests
        .push(json!({"method": request.method, "target": request.target}));
    let gateway = path
        .trim_start_matches('/')
        .split('/')
        .next()
        .unwrap_or_default();
    let Some(simulate) = simulation(gateway) else {
        return not_simulated(gateway, oneclick_gateways::find(gateway).is_some());
    };
    let outcome = state.outcomes.next(gateway);
    if let Some(reply) = outcome.and_then(outcomes::instead) {
        return reply;
    }
    let rest = path.get(gateway.len() + 1..).unwrap_or_default();
    let reply = simulate(
        &mut state,
        ready,
        outcome,
        request.method.as_str(),
        rest,
        request,
    );
    match outcome {
        Some(outcome) => outcomes::after(outcome, reply),
        None => reply,
    }
}

/// The answer under a prefix no simulation handles: a generated gateway nobody simulated yet
/// says so (a client pointed at it learns why), anything else does not exist.
fn not_simulated(gateway: &str, generated: bool) -> Reply {
    if generated {
        let error = format!("the simulator has no simulation of the generated gateway `{gateway}`");
        Reply::Status(501, json!({ "error": error }).to_string())
    } else {
        Reply::Status(404, String::new())
    }
}

fn admin_route(state: &mut State, ready: &Ready, path: &str, request: &Received) -> Reply {
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
        ("POST", "/assist/pay") => {
            let body = request.json();
            match body["form"].as_str() {
                Some(form) => {
                    let orderstate = body["orderstate"].as_str().unwrap_or("Approved");
                    let settings = &ready.config.assist;
                    assist::pay(&mut state.assist, settings, form, orderstate)
                }
                None => Reply::Status(
                    400,
                    r#"{"error":"form (the payment-page order as a form body) is required"}"#
                        .into(),
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
                    let contract_type = body["contractType"].as_str().unwrap_or("CIT").to_owned();
                    let seeded = xpay::Contract {
                        customer_id: customer.to_owned(),
                        contract_type,
                        active: true,
                    };
                    state.xpay.contracts.insert(contract.to_owned(), seeded);
                    Reply::json("{}")
                }
                _ => Reply::Status(
                    400,
                    r#"{"error":"contractId and customerId are required"}"#.into(),
                ),
            }
        }
        ("POST", "/xpay/payments") => match request.json()["orderId"].as_str() {
            Some(order_id) => match state.xpay.pay(order_id) {
                Ok(operation) => Reply::json(operation.to_string()),
                Err(why) => Reply::Status(409, json!({ "error": why }).to_string()),
            },
            None => Reply::Status(400, r#"{"error":"orderId is required"}"#.into()),
        },
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

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_generated_gateway_without_simulation_is_named() {
        assert_eq!(
            without_simulation(["assist", "newpay", "csob"].into_iter()),
            ["newpay"]
        );
    }

    #[test]
    fn a_generated_gateway_without_simulation_answers_501_saying_so() {
        match not_simulated("newpay", true) {
            Reply::Status(501, body) => assert!(body.contains("`newpay`"), "{body}"),
            other => panic!("{other:?}"),
        }
        assert_eq!(
            not_simulated("nowhere", false),
            Reply::Status(404, String::new())
        );
    }

    #[test]
    fn every_simulation_is_of_a_generated_gateway() {
        for name in simulated() {
            assert!(
                oneclick_gateways::find(name).is_some(),
                "`{name}` is simulated but no spec generates it"
            );
        }
    }

    #[test]
    fn the_configuration_prints_no_key_nor_password() {
        let printed = format!("{:?}", Config::default());
        for secret in ["PRIVATE KEY", "s3cr3t", "PASSWORD", "xpay-test-api-key"] {
            assert!(!printed.contains(secret), "{secret} in {printed}");
        }
    }
}

//! The settings every generated client shares, written once here rather than once per crate.

use std::sync::Arc;
use std::time::Duration;

use crate::{Clock, Engine, Error, Retry, RetryPolicy};

/// Clock, retries, timeouts and HTTP client of a generated `Client`, and the engine underneath
/// it.
///
/// Every generated crate re-exports this trait, so `use oneclick_csob::*` (or naming
/// `Configure` in the import list) is all it takes to call `client.with_retry(...)`.
pub trait Configure: Sized {
    /// The client's engine, and how to make a client around a changed copy of it. Generated
    /// clients implement this; callers use the methods below.
    #[doc(hidden)]
    fn engine_and_rebuild(&self) -> (&Engine, fn(Engine) -> Self);

    /// Uses `clock` for the automatic date-time values (tests, replays).
    fn with_clock(self, clock: Arc<dyn Clock>) -> Self {
        let (engine, rebuild) = self.engine_and_rebuild();
        rebuild(engine.clone().with_clock(clock))
    }

    /// Replaces the default retry policy (3 attempts, backoff from 1 s).
    fn with_retry(self, policy: RetryPolicy) -> Self {
        let (engine, rebuild) = self.engine_and_rebuild();
        rebuild(engine.clone().with_retry(policy))
    }

    /// Lets the caller's own [`Retry`] policy decide how often and how patiently a failure is
    /// tried again. Which failures may be repeated at all stays the spec's decision (`repeat`):
    /// no policy can make a call that may have paid be sent twice.
    fn with_custom_retry(self, policy: Arc<dyn Retry>) -> Self {
        let (engine, rebuild) = self.engine_and_rebuild();
        rebuild(engine.clone().with_custom_retry(policy))
    }

    /// Sends through the caller's own `reqwest::Client` (a proxy, client certificates, a shared
    /// pool); see [`Engine::with_http_client`] for what that client then owns. It should not
    /// follow redirects.
    fn with_http_client(self, client: reqwest::Client) -> Self {
        let (engine, rebuild) = self.engine_and_rebuild();
        rebuild(engine.clone().with_http_client(client))
    }

    /// Replaces the default timeouts (10 s to connect, 30 s in all); fails when the HTTP
    /// client cannot be rebuilt with them.
    fn with_timeouts(self, connect: Duration, total: Duration) -> Result<Self, Error> {
        let (engine, rebuild) = self.engine_and_rebuild();
        Ok(rebuild(engine.clone().with_timeouts(connect, total)?))
    }

    /// The engine underneath, e.g. to [`Engine::prepare`] a request without sending it.
    fn engine(&self) -> &Engine {
        self.engine_and_rebuild().0
    }
}

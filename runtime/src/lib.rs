//! Runtime of the generated OneClick clients.
//!
//! Generated crates describe their gateway as static [`schema`] data and call into this crate to
//! validate requests ([`validate`]), sign and verify messages ([`signature`], [`keys`]) and talk
//! to the gateway ([`Engine`]). Nothing here knows a particular gateway's fields.

pub mod clock;
pub mod engine;
pub mod error;
pub mod format;
pub mod keys;
pub mod month_year;
pub use oneclick_schema as schema;
pub mod secret;
pub mod serde_helpers;
pub mod signature;
pub mod validate;

pub use clock::{Clock, FixedClock, SystemClock};
pub use engine::{
    Credentials, DryRun, Engine, PollOptions, PreparedRequest, RedirectForm, RetryPolicy,
    SigningKeys,
};
pub use error::{Error, RuleKind, SignatureError, Violation, Violations};
pub use keys::{KeyError, RsaPrivateKey, RsaPublicKey};
pub use month_year::MonthYear;
pub use secret::Secret;

//! Runtime of the generated OneClick clients.
//!
//! Generated crates describe their gateway as static [`schema`] data and call into this crate to
//! validate requests ([`validate`]), sign and verify messages ([`signature`], [`keys`]) and talk
//! to the gateway ([`Engine`]). Nothing here knows a particular gateway's fields.

#![deny(missing_docs)]

pub mod charset;
pub mod checked;
pub mod clock;
pub mod comma_list;
pub mod configure;
pub mod digits;
pub mod engine;
pub mod error;
pub mod format;
pub mod keys;
pub mod month_year;
#[doc(hidden)]
pub mod newtype;
pub mod ordered_map;
pub mod outcome;
pub mod recipe;
pub mod reply;
pub use oneclick_schema as schema;
pub mod scrub;
pub mod secret;
pub mod signature;
pub mod validate;
#[doc(hidden)]
pub mod wire;

pub use checked::{Checked, Constrained};
pub use clock::{Clock, FixedClock, SystemClock};
pub use comma_list::CommaList;
pub use configure::Configure;
pub use digits::Digits;
pub use engine::{
    Credentials, DryRun, Engine, Key, PollOptions, PreparedRequest, RedirectForm, Retry,
    RetryPolicy, fill_base_url, http_client_builder,
};
pub use error::{Echoed, Error, RuleKind, SignatureError, Violation, Violations};
pub use keys::{KeyError, RsaPrivateKey, RsaPublicKey};
pub use month_year::MonthYear;
pub use ordered_map::OrderedMap;
pub use outcome::{Code, CodeReading, ResultReading};
pub use reply::MerchantReply;
pub use scrub::Scrubber;
pub use secret::Secret;

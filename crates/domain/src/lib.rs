//! Plain types that every crate of the Commerce API shares: typed identifiers, roles and the clock.
//!
//! This crate must never do I/O or depend on a web framework or a database: it is the vocabulary the
//! others speak, and it stays cheap to compile and trivial to test.

mod clock;
mod ids;
mod roles;

pub use clock::{Clock, FixedClock, SystemClock};
pub use ids::{ApiKeyId, OrgId, SessionId, UserId};
pub use roles::{OrgRole, PlatformRole, UnknownRole};

//! What people receive by email. [`Mail`] is every message the product sends, with what it needs to
//! be rendered; [`queue`] puts one in the database's outbox inside the caller's transaction, so that
//! a message is sent exactly when what it announces was committed; a [`Courier`] delivers the
//! outbox over SMTP (or, in development, into a folder), retrying what failed.
//!
//! This crate must never decide *whether* a message is sent (identity and commerce do), and never
//! keep a message's links after it was delivered or given up.

mod courier;
mod message;
mod templates;

pub use courier::{Courier, CourierError, Delivery, DeliveryRound, retry_delay};
pub use message::{Mail, OrderedLine, queue};
pub use templates::{Rendered, render};

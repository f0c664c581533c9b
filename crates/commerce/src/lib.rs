//! The store of one organization: its settings, catalog and stock, customers, carts, orders and
//! refunds, the numbers of a period, idempotent retries, and payment events from the checkout app.
//!
//! Every function that touches tenant data takes an [`domain::OrgId`] argument and filters by it;
//! a row of another tenant is indistinguishable from a missing one. Money is integer minor units in
//! the store's one currency. Stock is reserved by conditional updates inside the order's
//! transaction, so it never goes below zero under any concurrency. Multi-statement transactions
//! begin with a write, so that SQLite queues them instead of failing.
//!
//! This crate must never know about HTTP: it answers [`CommerceError`]s the api maps to responses.

pub mod carts;
pub mod catalog;
pub mod customers;
mod error;
pub mod idempotency;
pub mod inventory;
pub mod orders;
pub mod payments;
pub mod rules;
pub mod stats;
pub mod store;
mod validate;

pub use db::{MAX_LIMIT, PageRequest};
pub use error::CommerceError;

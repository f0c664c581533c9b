//! The store of one organization: its settings, catalog and stock, customers, carts, orders and
//! refunds, the numbers of a period, idempotent retries, and payment events from the checkout app.
//!
//! Here are the rules and the transactions; the queries are `db::repo`'s, each starting from the
//! [`domain::OrgId`] every function here takes, so a row of another tenant is indistinguishable
//! from a missing one. Requests are parsed whole (every problem by field) before anything is
//! written; answers are domain records, which the api maps to wire types. Money is integer minor
//! units in the store's one currency. Stock is reserved by conditional updates inside the order's
//! transaction, so it never goes below zero under any concurrency. Multi-statement transactions
//! begin with a write, so that SQLite queues them instead of failing.
//!
//! This crate must never know about HTTP nor query the database itself: it answers
//! [`CommerceError`]s the api maps to responses.

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

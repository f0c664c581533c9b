//! The JSON the Commerce API speaks: request and response types with their OpenAPI schemas.
//!
//! Wire types are not tables: this crate must never depend on sea-orm, actix-web or any crate that
//! does I/O (CI checks it), so clients and the proxies can use it freely and a change
//! of schema never silently changes the contract.

pub mod agent;
pub mod auth;
pub mod commerce;
mod error;
mod health;
pub mod operations;
pub mod shapes;
pub mod store;
mod whoami;

pub use error::ErrorBody;
pub use health::{Health, Readiness};
pub use whoami::Whoami;

//! The Commerce API server: builds the actix-web application from [`Settings`] and a database, and
//! binds it to a listener (port 0 in tests).
//!
//! Handlers here are thin: parse, resolve and check the caller, call one domain or repository
//! function with the caller's organization, map the result. This crate must never build SQL or read
//! the environment outside [`config`].

mod authorize;
mod background;
mod capabilities;
pub mod config;
mod cookies;
mod dns;
pub mod domain_checks;
mod errors;
mod execute;
pub mod expiry;
mod extract;
mod idempotent;
pub mod openapi;
mod order_mail;
mod origin;
pub mod outbox;
mod rate_limit;
mod routes;
pub mod seed;
mod startup;
pub mod state;
mod verifiers;
mod wire;

pub use config::{Environment, LogFormat, Secret, Settings};
pub use domain_checks::check_store_domains;
pub use expiry::{Sweep, sweep_expired_orders};
pub use outbox::deliver_email;
pub use rate_limit::AgentRateLimits;
pub use startup::{Application, app_state, init_tracing};
pub use state::AppState;

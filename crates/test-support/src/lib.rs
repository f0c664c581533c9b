//! Test helpers for the Commerce API's integration tests: a fresh, migrated database per test
//! ([`TestDb`]: a SQLite file, or a new PostgreSQL database when `TEST_DATABASE_URL` is set), the api
//! started on a loopback port ([`TestApp`], with a mail server of its own: [`TestSmtp`]), fixtures, and request builders for each caller kind
//! ([`CallerRequest`]).
//!
//! This crate is a dev-dependency only: it must never be linked into a binary that ships.

#![expect(
    clippy::expect_used,
    clippy::panic,
    reason = "test helpers fail the test that called them, loudly and with a message"
)]

mod agents;
mod app;
mod browser;
mod callers;
mod dns;
mod edge;
mod smtp;
mod store;
mod upstream;

pub use agents::{TestAgent, TestKey, agent_header, sign_with};
pub use app::{DASHBOARD_ORIGIN, TestApp, TestResponse, TestUser};
pub use browser::{Browser, screenshot_dir};
pub use callers::CallerRequest;
pub use dns::TestDns;
pub use edge::{spawn_edge, unreachable_url};
pub use smtp::{ReceivedMail, TestSmtp};
pub use store::TestStore;
pub use test_database::TestDb;
pub use upstream::EchoUpstream;

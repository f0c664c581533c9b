//! Repository and migration tests on a fresh database per test (SQLite, or PostgreSQL when
//! `TEST_DATABASE_URL` is set).

#![expect(
    clippy::unwrap_used,
    reason = "test helpers fail the test that called them"
)]

mod migrations;
mod store_domains;

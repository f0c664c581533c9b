//! Repository and migration tests on a fresh database per test (SQLite, or PostgreSQL when
//! `TEST_DATABASE_URL` is set).

mod migrations;
mod store_domains;

//! Integration tests of the api: the real app on a loopback port, over a fresh database per test
//! (SQLite, or PostgreSQL when `TEST_DATABASE_URL` is set).

mod accounts;
mod api_keys;
mod caller_resolution;
mod domains;
mod envelopes;
mod health;
mod openapi;
mod organizations;
mod platform;

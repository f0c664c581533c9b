//! Integration tests of the api: the real app on a loopback port, over a fresh database per test
//! (SQLite, or PostgreSQL when `TEST_DATABASE_URL` is set).

#![expect(
    clippy::unwrap_used,
    reason = "test helpers fail the test that called them"
)]

mod accounts;
mod agent_flow;
mod agent_lifecycle;
mod agent_support;
mod agents;
mod api_keys;
mod caller_resolution;
mod catalog;
mod contract;
mod device;
mod domains;
mod email;
mod envelopes;
mod execute;
mod health;
mod invitations;
mod manual_payments;
mod openapi;
mod order_expiry;
mod order_status;
mod orders;
mod organizations;
mod payments;
mod platform;
mod reference_client;
mod shipping_address;
mod store;
mod storefront;
mod tenancy;

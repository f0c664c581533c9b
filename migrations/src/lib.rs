//! The schema's history: every change to the database is a migration here, with a working `down`.
//!
//! This crate must never import entity code or any other crate of the workspace: a migration records
//! what the schema *was* at one point in time, so it cannot follow today's entities. It runs on SQLite
//! and PostgreSQL alike.

pub use sea_orm_migration::prelude::*;

mod m20261123_000001_organizations;
mod m20261123_000002_identity;
mod m20261123_000003_commerce;
mod m20261123_000004_device_authorization;
mod m20261123_000005_agents;
mod m20261123_000006_agent_approvals;
mod m20261124_000007_agent_lifecycle;
mod m20261125_000008_store_accent_color;
mod m20261126_000009_order_shipping_and_expiry;
mod m20261202_000010_requesting_address;
mod m20261204_000011_store_domain_proof;
mod m20261204_000012_session_method;
mod m20261208_000013_email;
mod m20261208_000014_invitations;

/// All migrations, oldest first.
#[derive(Debug)]
pub struct Migrator;

#[async_trait::async_trait]
impl MigratorTrait for Migrator {
    fn migrations() -> Vec<Box<dyn MigrationTrait>> {
        vec![
            Box::new(m20261123_000001_organizations::Migration),
            Box::new(m20261123_000002_identity::Migration),
            Box::new(m20261123_000003_commerce::Migration),
            Box::new(m20261123_000004_device_authorization::Migration),
            Box::new(m20261123_000005_agents::Migration),
            Box::new(m20261123_000006_agent_approvals::Migration),
            Box::new(m20261124_000007_agent_lifecycle::Migration),
            Box::new(m20261125_000008_store_accent_color::Migration),
            Box::new(m20261126_000009_order_shipping_and_expiry::Migration),
            Box::new(m20261202_000010_requesting_address::Migration),
            Box::new(m20261204_000011_store_domain_proof::Migration),
            Box::new(m20261204_000012_session_method::Migration),
            Box::new(m20261208_000013_email::Migration),
            Box::new(m20261208_000014_invitations::Migration),
        ]
    }
}

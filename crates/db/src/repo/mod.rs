//! One module per aggregate. Each function takes `&impl ConnectionTrait`, so it works on the pool or
//! inside a transaction, and tenant data is reached only through an `OrgId` argument.

pub mod agents;
pub mod api_keys;
pub mod audit;
pub mod carts;
pub mod catalog;
pub mod customers;
pub mod device_codes;
pub mod email_outbox;
pub mod email_tokens;
pub mod idempotency_keys;
pub mod invitations;
pub mod members;
pub mod orders;
pub mod organizations;
pub mod payment_events;
pub mod sessions;
pub mod stats;
pub mod stock;
pub mod store_domains;
pub mod store_settings;
pub mod users;

//! One module per aggregate. Each function takes `&impl ConnectionTrait`, so it works on the pool or
//! inside a transaction, and tenant data is reached only through an `OrgId` argument.

pub mod agents;
pub mod api_keys;
pub mod audit;
pub mod device_codes;
pub mod members;
pub mod organizations;
pub mod sessions;
pub mod store_domains;
pub mod users;

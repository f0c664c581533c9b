//! One module per aggregate. Each function takes `&impl ConnectionTrait`, so it works on the pool or
//! inside a transaction, and tenant data is reached only through an `OrgId` argument.

pub mod organizations;
pub mod store_domains;

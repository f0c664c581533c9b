//! sea-orm entities: the tables as they are now. Only repositories use them; handlers and wire types
//! never do.

pub mod api_key;
pub mod audit_event;
pub mod member;
pub mod organization;
pub mod session;
pub mod store_domain;
pub mod user_account;

//! sea-orm entities: the tables as they are now. Only repositories use them; handlers and wire types
//! never do.

pub mod organization;
pub mod store_domain;

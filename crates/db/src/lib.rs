//! Database access for the Commerce API: connecting to SQLite or PostgreSQL with durable settings,
//! the sea-orm entities, and one repository module per aggregate.
//!
//! Every repository function that reads or writes tenant data takes an [`domain::OrgId`] as a
//! required, typed argument: there is no way to reach tenant rows without naming the tenant. This
//! crate must never know about HTTP; its callers map [`DbError`] to responses.

mod connect;
pub mod entities;
mod error;
mod page;
pub mod repo;
pub mod scoped;
pub mod unique;
mod verifiers;

pub use connect::{Backend, Database, connect};
pub use error::DbError;
pub use page::{InvalidPage, MAX_LIMIT, PageRequest};
pub use scoped::Tenanted;
pub use sea_orm::{
    ConnectionTrait, DatabaseConnection, DatabaseTransaction, DbErr, TransactionTrait,
};
pub use unique::UniqueIndex;
pub use verifiers::DbHostResolver;

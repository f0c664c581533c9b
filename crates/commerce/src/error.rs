//! What store operations answer besides success.

use db::{DbError, InvalidPage};
use serde_json::Value;

#[derive(Debug, thiserror::Error)]
pub enum CommerceError {
    /// Bad input, by field (→ 400).
    #[error("invalid input")]
    Invalid(Vec<(String, String)>),
    /// No such thing in this store — or one of another store (→ 404).
    #[error("{0} not found")]
    NotFound(&'static str),
    /// The request contradicts the state of the store (→ 409), with optional details.
    #[error("{message}")]
    Conflict {
        code: &'static str,
        message: String,
        details: Option<Value>,
    },
    /// The same idempotency key was used with another request (→ 422).
    #[error("the idempotency key was already used with a different request")]
    IdempotencyKeyReused,
    /// The webhook's authentication failed (→ 401).
    #[error("{0}")]
    Unauthenticated(String),
    /// The store failed (→ 500/503).
    #[error("store failed")]
    Store(#[from] DbError),
}

impl CommerceError {
    pub(crate) fn invalid(field: &str, message: impl Into<String>) -> Self {
        Self::Invalid(vec![(field.to_owned(), message.into())])
    }

    pub(crate) fn conflict(code: &'static str, message: impl Into<String>) -> Self {
        Self::Conflict {
            code,
            message: message.into(),
            details: None,
        }
    }
}

impl CommerceError {
    /// A repository's answer, with its `NotFound` naming `what` (a 404 of that resource).
    pub(crate) fn found_as(what: &'static str) -> impl FnOnce(DbError) -> Self {
        move |error| match error {
            DbError::NotFound => Self::NotFound(what),
            other => Self::Store(other),
        }
    }
}

impl From<InvalidPage> for CommerceError {
    fn from(error: InvalidPage) -> Self {
        Self::invalid(error.field, error.message)
    }
}

impl From<db::DbErr> for CommerceError {
    fn from(error: db::DbErr) -> Self {
        Self::Store(DbError::Database(error))
    }
}

//! What a repository can answer besides success.

use sea_orm::{DbErr, SqlErr};

#[derive(Debug, thiserror::Error)]
pub enum DbError {
    /// A unique constraint refused the write: the thing already exists (→ 409).
    #[error("already exists: {0}")]
    Conflict(&'static str),
    /// The row does not exist for this organization (→ 404).
    #[error("not found")]
    NotFound,
    /// The database failed or could not be reached (→ 500/503).
    #[error("database error")]
    Database(#[from] DbErr),
    /// A stored value this code cannot read (an unknown role name…): a bug or a bad manual edit.
    #[error("corrupt row: {0}")]
    Corrupt(String),
}

impl DbError {
    pub(crate) fn corrupt(error: impl std::fmt::Display) -> Self {
        Self::Corrupt(error.to_string())
    }

    /// Turns a unique-constraint violation into a `Conflict` naming `what`; any other error stays a
    /// database error.
    pub(crate) fn on_unique(what: &'static str) -> impl FnOnce(DbErr) -> Self {
        move |error| match error.sql_err() {
            Some(SqlErr::UniqueConstraintViolation(_)) => Self::Conflict(what),
            _ => Self::Database(error),
        }
    }
}

//! What a repository can answer besides success.

use sea_orm::{DbErr, RuntimeErr, SqlErr};

#[derive(Debug, thiserror::Error)]
pub enum DbError {
    /// A unique constraint refused the write: the thing already exists (→ 409).
    #[error("already exists: {0}")]
    Conflict(&'static str),
    /// The row does not exist for this organization (→ 404).
    #[error("not found")]
    NotFound,
    /// The database failed (→ 500), or could not be reached or was busy (→ 503, see
    /// [`DbError::is_unavailable`]).
    #[error("database error")]
    Database(#[from] DbErr),
    /// A stored value this code cannot read (an unknown role name…): a bug or a bad manual edit.
    #[error("corrupt row: {0}")]
    Corrupt(String),
}

impl DbError {
    /// Whether the database was out of reach, overloaded or busy — worth retrying — rather than
    /// refusing this statement for good (a constraint, a bug in a query), which a retry repeats.
    #[must_use]
    pub fn is_unavailable(&self) -> bool {
        let Self::Database(error) = self else {
            return false;
        };
        match error {
            DbErr::ConnectionAcquire(_) | DbErr::Conn(_) => true,
            DbErr::Exec(RuntimeErr::SqlxError(error))
            | DbErr::Query(RuntimeErr::SqlxError(error)) => sqlx_unavailable(error),
            _ => false,
        }
    }

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

/// Connection, pool and I/O failures; SQLite's busy and locked; PostgreSQL's serialization
/// failure, deadlock, shutdown, too many connections, connection exceptions and read-only mode.
fn sqlx_unavailable(error: &sqlx::Error) -> bool {
    match error {
        sqlx::Error::Io(_)
        | sqlx::Error::Tls(_)
        | sqlx::Error::PoolTimedOut
        | sqlx::Error::PoolClosed
        | sqlx::Error::WorkerCrashed => true,
        sqlx::Error::Database(error) => error.code().is_some_and(|code| {
            matches!(
                code.as_ref(),
                "5" | "6"
                    | "261"
                    | "517"
                    | "40001"
                    | "40P01"
                    | "57P01"
                    | "57P02"
                    | "57P03"
                    | "53300"
                    | "25006"
            ) || code.starts_with("08")
        }),
        _ => false,
    }
}

#[cfg(test)]
mod tests {
    use sea_orm::error::ConnAcquireErr;

    use super::*;

    #[test]
    fn only_an_unreachable_or_busy_database_is_unavailable() {
        let unreachable = [
            DbErr::ConnectionAcquire(ConnAcquireErr::Timeout),
            DbErr::Conn(RuntimeErr::Internal("refused".to_owned())),
            DbErr::Query(RuntimeErr::SqlxError(sqlx::Error::PoolTimedOut)),
            DbErr::Exec(RuntimeErr::SqlxError(sqlx::Error::PoolClosed)),
        ];
        for error in unreachable {
            assert!(DbError::Database(error).is_unavailable());
        }
        let for_good = [
            DbErr::Query(RuntimeErr::Internal("no such column: colour".to_owned())),
            DbErr::Exec(RuntimeErr::SqlxError(sqlx::Error::RowNotFound)),
            DbErr::Custom("a check constraint failed".to_owned()),
            DbErr::RecordNotFound("order".to_owned()),
        ];
        for error in for_good {
            assert!(!DbError::Database(error).is_unavailable());
        }
        assert!(!DbError::Corrupt("role".to_owned()).is_unavailable());
    }
}

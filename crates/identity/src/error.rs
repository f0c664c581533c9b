//! What identity operations answer besides success.

use db::DbError;

#[derive(Debug, thiserror::Error)]
pub enum IdentityError {
    /// Bad input, by field (→ 400).
    #[error("invalid input")]
    Invalid(Vec<(&'static str, String)>),
    /// Wrong email or password — the same for both (→ 401).
    #[error("invalid email or password")]
    InvalidCredentials,
    /// A host's or agent's own token was refused (→ 401).
    #[error("{message}")]
    Unauthenticated {
        failure: &'static str,
        message: String,
    },
    /// An enrollment token that is unknown, used or expired (→ 401).
    #[error("this enrollment token is unknown, used or expired")]
    InvalidEnrollmentToken,
    /// The signed-in user may not do this (→ 403).
    #[error("{message}")]
    Forbidden {
        reason: &'static str,
        message: String,
    },
    /// No such thing for this caller — or another tenant's (→ 404).
    #[error("{0} not found")]
    NotFound(&'static str),
    /// The request contradicts what exists (→ 409).
    #[error("{message}")]
    Conflict { code: &'static str, message: String },
    /// The store failed (→ 500/503).
    #[error("identity store failed")]
    Store(#[from] DbError),
    /// A verifier could not answer (its store is down) (→ 503).
    #[error("a credential could not be checked")]
    Unavailable(#[source] Box<dyn std::error::Error + Send + Sync>),
    /// Password hashing could not run.
    #[error("password hashing failed: {0}")]
    Hashing(String),
}

impl IdentityError {
    pub(crate) fn invalid(field: &'static str, message: impl Into<String>) -> Self {
        Self::Invalid(vec![(field, message.into())])
    }

    pub(crate) fn forbidden(reason: &'static str, message: impl Into<String>) -> Self {
        Self::Forbidden {
            reason,
            message: message.into(),
        }
    }

    pub(crate) fn conflict(code: &'static str, message: impl Into<String>) -> Self {
        Self::Conflict {
            code,
            message: message.into(),
        }
    }

    /// A repository's `Conflict` as this `code` and `message`; every other error stays a store
    /// error.
    pub(crate) fn conflict_as(
        code: &'static str,
        message: &'static str,
    ) -> impl FnOnce(DbError) -> Self {
        move |error| match error {
            DbError::Conflict(_) => Self::conflict(code, message),
            other => Self::Store(other),
        }
    }

    /// A repository's `NotFound` named for what was looked up; every other error stays a store error.
    pub(crate) fn not_found_as(what: &'static str) -> impl FnOnce(DbError) -> Self {
        move |error| match error {
            DbError::NotFound => Self::NotFound(what),
            other => Self::Store(other),
        }
    }
}

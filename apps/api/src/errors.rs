//! How the domain crates' errors become HTTP answers.

use api_http::{ApiError, FieldError};
use commerce::CommerceError;
use db::DbError;
use identity::IdentityError;

/// An identity error as the envelope. Wrong credentials are a 401 with the sign-in links.
pub fn identity(error: IdentityError, links: &api_http::AuthLinks) -> ApiError {
    match error {
        IdentityError::Invalid(fields) => ApiError::validation(
            fields
                .into_iter()
                .map(|(field, message)| FieldError::new(field, message))
                .collect(),
        ),
        IdentityError::InvalidCredentials => {
            ApiError::unauthorized("INVALID_CREDENTIALS", "invalid email or password", links)
        }
        IdentityError::Unauthenticated { failure, message } => {
            ApiError::unauthorized("INVALID_HOST_TOKEN", message, links)
                .with_detail("failure", failure)
        }
        IdentityError::Forbidden { reason, message } => ApiError::forbidden(reason, message),
        IdentityError::NotFound(what) => ApiError::not_found(what),
        IdentityError::Conflict { code, message } => ApiError::conflict(code, message),
        IdentityError::Store(error) => database(error),
        IdentityError::Unavailable(source) => ApiError::unavailable(source),
        error @ IdentityError::Hashing(_) => ApiError::internal(error),
    }
}

/// A store error as the envelope.
pub fn commerce(error: CommerceError, links: &api_http::AuthLinks) -> ApiError {
    match error {
        CommerceError::Invalid(fields) => ApiError::validation(
            fields
                .into_iter()
                .map(|(field, message)| FieldError::new(field, message))
                .collect(),
        ),
        CommerceError::NotFound(what) => ApiError::not_found(what),
        CommerceError::Conflict {
            code,
            message,
            details,
        } => {
            let error = ApiError::conflict(code, message);
            match details {
                Some(details) => error.with_detail("conflict", details),
                None => error,
            }
        }
        CommerceError::IdempotencyKeyReused => ApiError::unprocessable(
            "IDEMPOTENCY_KEY_REUSED",
            "this Idempotency-Key was already used with a different request",
        ),
        CommerceError::Unauthenticated(reason) => {
            ApiError::unauthorized("INVALID_SIGNATURE", reason, links)
        }
        CommerceError::Store(error) => database(error),
    }
}

/// A repository error as the envelope.
pub fn database(error: DbError) -> ApiError {
    match error {
        DbError::NotFound => ApiError::not_found("resource"),
        DbError::Conflict(what) => ApiError::conflict("CONFLICT", format!("{what} already exists")),
        error @ DbError::Database(_) => ApiError::unavailable(error),
        error @ DbError::Corrupt(_) => ApiError::internal(error),
    }
}

//! How the domain crates' errors become HTTP answers: [`AppError`], which every handler returns and
//! builds with `?` from any of them.

use std::fmt;

use api_http::{ApiError, FieldError};
use commerce::CommerceError;
use db::DbError;
use identity::IdentityError;

/// A handler's error: an [`ApiError`], or any error of identity, commerce or the repositories,
/// turned into the envelope by `From` (a 401 among them gets its sign-in links from
/// [`api_http::sign_in_links`] as it is answered).
#[derive(Debug)]
pub struct AppError(ApiError);

impl From<ApiError> for AppError {
    fn from(error: ApiError) -> Self {
        Self(error)
    }
}

impl From<IdentityError> for AppError {
    fn from(error: IdentityError) -> Self {
        Self(identity(error))
    }
}

impl From<CommerceError> for AppError {
    fn from(error: CommerceError) -> Self {
        Self(commerce(error))
    }
}

impl From<resolve_caller::AccessDenied> for AppError {
    fn from(denied: resolve_caller::AccessDenied) -> Self {
        Self(denied.into())
    }
}

impl From<db::InvalidPage> for AppError {
    fn from(error: db::InvalidPage) -> Self {
        Self(ApiError::validation(vec![FieldError::new(
            error.field,
            error.message,
        )]))
    }
}

impl From<DbError> for AppError {
    fn from(error: DbError) -> Self {
        Self(database(error))
    }
}

impl fmt::Display for AppError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        self.0.fmt(f)
    }
}

/// Answered as the [`ApiError`] it holds, which the response keeps for the layers that finish it
/// ([`api_http::sign_in_links`], [`api_http::agent_protocol_errors`]).
impl From<AppError> for actix_web::Error {
    fn from(error: AppError) -> Self {
        error.0.into()
    }
}

/// An identity error as the envelope. Wrong credentials are a 401.
pub fn identity(error: IdentityError) -> ApiError {
    match error {
        IdentityError::Invalid(fields) => ApiError::validation(
            fields
                .into_iter()
                .map(|(field, message)| FieldError::new(field, message))
                .collect(),
        ),
        IdentityError::InvalidCredentials => {
            ApiError::unauthorized_unlinked("INVALID_CREDENTIALS", "invalid email or password")
        }
        IdentityError::Unauthenticated { failure, message } => {
            ApiError::unauthorized_unlinked("INVALID_HOST_TOKEN", message)
                .with_detail("failure", failure)
                .with_protocol_word(failure)
        }
        error @ IdentityError::InvalidEnrollmentToken => {
            ApiError::unauthorized_unlinked("INVALID_ENROLLMENT_TOKEN", error.to_string())
                .with_detail("failure", "invalid_enrollment_token")
                .with_protocol_word("invalid_enrollment_token")
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
pub fn commerce(error: CommerceError) -> ApiError {
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
            ApiError::unauthorized_unlinked("INVALID_SIGNATURE", reason)
        }
        CommerceError::Store(error) => database(error),
    }
}

/// A repository error as the envelope.
pub fn database(error: DbError) -> ApiError {
    match error {
        DbError::NotFound => ApiError::not_found("resource"),
        DbError::Conflict(what) => ApiError::conflict("CONFLICT", format!("{what} already exists")),
        error @ DbError::Database(_) if error.is_unavailable() => ApiError::unavailable(error),
        // Refused for good (a constraint a bug broke, a bad query): a retry would repeat it.
        error @ DbError::Database(_) => ApiError::internal(error),
        error @ DbError::Corrupt(_) => ApiError::internal(error),
    }
}

#[cfg(test)]
mod tests {
    use actix_web::ResponseError as _;
    use actix_web::http::StatusCode;
    use sea_orm::error::ConnAcquireErr;
    use sea_orm::{DbErr, RuntimeErr};

    use super::*;

    #[test]
    fn only_an_unreachable_database_is_a_503_and_a_query_refused_for_good_is_a_500() {
        let unreachable = database(DbError::Database(DbErr::ConnectionAcquire(
            ConnAcquireErr::Timeout,
        )));
        assert_eq!(unreachable.status_code(), StatusCode::SERVICE_UNAVAILABLE);
        let broken = database(DbError::Database(DbErr::Query(RuntimeErr::Internal(
            "FOREIGN KEY constraint failed".to_owned(),
        ))));
        assert_eq!(broken.status_code(), StatusCode::INTERNAL_SERVER_ERROR);
        assert_eq!(
            AppError::from(CommerceError::Store(DbError::Corrupt("role".to_owned())))
                .0
                .status_code(),
            StatusCode::INTERNAL_SERVER_ERROR
        );
    }
}

//! Answers of idempotent operations: a fresh answer as JSON, a replay exactly as first sent.

use actix_web::http::StatusCode;
use actix_web::http::header::{CONTENT_TYPE, HeaderValue};
use actix_web::{HttpRequest, HttpResponse};
use commerce::CommerceError;
use commerce::idempotency::{IdempotencyKey, Outcome};
use db::DatabaseTransaction;
use futures_util::future::BoxFuture;
use resolve_caller::ApiCaller;
use serde::Serialize;

use crate::errors::AppError;
use crate::state::AppState;

/// The header a client names its retry key in.
pub const IDEMPOTENCY_KEY_HEADER: &str = "idempotency-key";
/// Set on an answer that replays the first one.
pub const REPLAYED_HEADER: &str = "idempotent-replayed";

pub fn respond<T: Serialize>(status: StatusCode, outcome: Outcome<T>) -> HttpResponse {
    match outcome {
        Outcome::Fresh(answer) => HttpResponse::build(status).json(answer),
        Outcome::Replayed { status, body } => {
            HttpResponse::build(StatusCode::from_u16(status).unwrap_or(StatusCode::OK))
                .insert_header((CONTENT_TYPE, HeaderValue::from_static("application/json")))
                .insert_header((REPLAYED_HEADER, HeaderValue::from_static("true")))
                .body(body)
        }
    }
}

/// The request's `Idempotency-Key`, scoped to its organization, caller and operation, and
/// fingerprinted with `request`.
pub fn key(
    req: &HttpRequest,
    caller: &ApiCaller,
    operation: &'static str,
    request: &impl Serialize,
) -> Result<Option<IdempotencyKey>, AppError> {
    req.headers()
        .get(IDEMPOTENCY_KEY_HEADER)
        .map(|value| {
            let key = value.to_str().unwrap_or("\u{0}");
            IdempotencyKey::new(
                caller.org_id(),
                &caller.principal().to_string(),
                operation,
                key,
                request,
            )
        })
        .transpose()
        .map_err(AppError::from)
}

/// Runs a creating operation once per key, answering 201 (or the first answer, replayed).
pub async fn created<T, F>(
    state: &AppState,
    key: Option<IdempotencyKey>,
    operation: F,
) -> Result<HttpResponse, AppError>
where
    T: Serialize,
    F: for<'t> FnOnce(&'t DatabaseTransaction) -> BoxFuture<'t, Result<T, CommerceError>>,
{
    once(state, key, StatusCode::CREATED, operation).await
}

/// Runs an operation that changes something existing once per key, answering 200 (or the first
/// answer, replayed).
pub async fn changed<T, F>(
    state: &AppState,
    key: Option<IdempotencyKey>,
    operation: F,
) -> Result<HttpResponse, AppError>
where
    T: Serialize,
    F: for<'t> FnOnce(&'t DatabaseTransaction) -> BoxFuture<'t, Result<T, CommerceError>>,
{
    once(state, key, StatusCode::OK, operation).await
}

async fn once<T, F>(
    state: &AppState,
    key: Option<IdempotencyKey>,
    status: StatusCode,
    operation: F,
) -> Result<HttpResponse, AppError>
where
    T: Serialize,
    F: for<'t> FnOnce(&'t DatabaseTransaction) -> BoxFuture<'t, Result<T, CommerceError>>,
{
    let outcome = commerce::idempotency::run(
        &state.db.conn,
        key.as_ref(),
        status.as_u16(),
        state.now(),
        operation,
    )
    .await?;
    Ok(respond(status, outcome))
}

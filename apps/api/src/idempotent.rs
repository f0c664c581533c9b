//! Answers of idempotent operations: a fresh answer as JSON, a replay exactly as first sent.

use actix_web::HttpResponse;
use actix_web::http::StatusCode;
use actix_web::http::header::{CONTENT_TYPE, HeaderValue};
use commerce::idempotency::Outcome;
use serde::Serialize;

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

//! The api's HTTP edge: one error type ([`ApiError`]) that every route and extractor answers with,
//! the error envelope (README, "Errors"), request ids, panic containment and the body-parsing configuration.
//!
//! This crate must never know about the database or about any one route: it is the shell that makes
//! every answer, good or bad, well-formed JSON with a request id.

mod body;
mod error;
mod extractors;
mod links;
mod middleware;
mod render;

pub use body::{Json, OptionalJson};
pub use error::{ApiError, FieldError};
pub use extractors::{json_config, path_config, payload_config, query_config};
pub use links::AuthLinks;
pub use middleware::{
    REQUEST_ID_HEADER, RequestId, catch_panics, envelope_for_bare_errors, request_id,
    resolve_error_handler,
};
pub use render::{agent_protocol_errors, sign_in_links};

//! Body, path and query extraction configured so that every bad input is a clear 4xx envelope.

use actix_web::error::{JsonPayloadError, PathError, QueryPayloadError};
use actix_web::web;

use crate::{ApiError, FieldError};

/// JSON bodies: `application/json` only, at most `limit_bytes`, syntax and shape errors told apart.
#[must_use]
pub fn json_config(limit_bytes: usize) -> web::JsonConfig {
    web::JsonConfig::default()
        .limit(limit_bytes)
        .error_handler(move |error, _req| json_error(error, limit_bytes).into())
}

fn json_error(error: JsonPayloadError, limit_bytes: usize) -> ApiError {
    match error {
        JsonPayloadError::OverflowKnownLength { .. } | JsonPayloadError::Overflow { .. } => {
            ApiError::payload_too_large(limit_bytes)
        }
        JsonPayloadError::ContentType => ApiError::unsupported_media_type("application/json"),
        JsonPayloadError::Deserialize(error) if error.is_data() => {
            ApiError::validation(vec![FieldError::new("body", error.to_string())])
        }
        JsonPayloadError::Deserialize(error) => ApiError::bad_request(
            "MALFORMED_JSON",
            format!("The request body is not valid JSON: {error}"),
        ),
        other => ApiError::bad_request("BAD_REQUEST", other.to_string()),
    }
}

/// Raw bodies (webhooks): at most `limit_bytes`; the envelope middleware words the 413.
#[must_use]
pub fn payload_config(limit_bytes: usize) -> web::PayloadConfig {
    web::PayloadConfig::new(limit_bytes)
}

/// A path segment of the wrong type (an id that is not a UUID…) is a 400 naming the segment.
#[must_use]
pub fn path_config() -> web::PathConfig {
    web::PathConfig::default().error_handler(|error, _req| {
        let PathError::Deserialize(error) = error else {
            return ApiError::bad_request("BAD_REQUEST", "invalid path").into();
        };
        ApiError::validation(vec![FieldError::new("path", error.to_string())]).into()
    })
}

/// A query string that does not parse (`limit=abc`…) is a 400 naming the problem.
#[must_use]
pub fn query_config() -> web::QueryConfig {
    web::QueryConfig::default().error_handler(|error, _req| {
        let QueryPayloadError::Deserialize(error) = error else {
            return ApiError::bad_request("BAD_REQUEST", "invalid query string").into();
        };
        ApiError::validation(vec![FieldError::new("query", error.to_string())]).into()
    })
}

//! The Agent Auth protocol's error shape: on its endpoints, `error` is the protocol's snake_case
//! code and `message` the human text, beside our own `code`, `status` and `details` (SPEC §4).

use actix_web::Error;
use actix_web::body::{self, BoxBody, MessageBody};
use actix_web::dev::{ServiceRequest, ServiceResponse};
use actix_web::http::StatusCode;
use actix_web::http::header::{CONTENT_LENGTH, CONTENT_TYPE};
use actix_web::middleware::Next;
use serde_json::Value;

/// Error envelopes are small; a larger error body is left as it is.
const MAX_ERROR_BODY: usize = 64 * 1024;

/// Rewrites every JSON error answer of the wrapped routes into the protocol's shape.
pub async fn agent_protocol_errors(
    req: ServiceRequest,
    next: Next<impl MessageBody + 'static>,
) -> Result<ServiceResponse<BoxBody>, Error> {
    let response = next.call(req).await?.map_into_boxed_body();
    let status = response.status();
    let is_json = response
        .headers()
        .get(CONTENT_TYPE)
        .and_then(|value| value.to_str().ok())
        .is_some_and(|value| value.starts_with("application/json"));
    if !(status.is_client_error() || status.is_server_error()) || !is_json {
        return Ok(response);
    }
    let (request, response) = response.into_parts();
    let (mut response, body) = response.into_parts();
    let bytes = match body::to_bytes_limited(body, MAX_ERROR_BODY).await {
        Ok(Ok(bytes)) => bytes,
        // Unreadable or oversized: nothing we could rewrite, and the body is gone; answer the
        // status alone in the envelope rather than an empty error.
        _ => {
            let error = crate::ApiError::from_status(status);
            return Ok(ServiceResponse::new(
                request,
                actix_web::ResponseError::error_response(&error),
            ));
        }
    };
    let rewritten = serde_json::from_slice::<Value>(&bytes)
        .ok()
        .filter(|envelope| envelope["code"].is_string())
        .map(|mut envelope| {
            let code = protocol_code(status, &envelope);
            envelope["message"] = envelope["error"].take();
            envelope["error"] = Value::from(code);
            envelope.to_string().into_bytes()
        });
    response.headers_mut().remove(CONTENT_LENGTH);
    let response = response.set_body(BoxBody::new(rewritten.map_or(bytes, Into::into)));
    Ok(ServiceResponse::new(request, response))
}

/// The protocol's word for an error of ours.
fn protocol_code(status: StatusCode, envelope: &Value) -> String {
    let details = &envelope["details"];
    let ours = envelope["code"].as_str().unwrap_or_default();
    let word = |value: &Value| value.as_str().map(str::to_owned);
    match status.as_u16() {
        401 => word(&details["failure"]).unwrap_or_else(|| "invalid_jwt".to_owned()),
        403 => word(&details["reason"]).unwrap_or_else(|| "unauthorized".to_owned()),
        404 => word(&details["resource"]).map_or_else(
            || "not_found".to_owned(),
            |resource| format!("{}_not_found", resource.replace(' ', "_")),
        ),
        400 if ours == "VALIDATION_ERROR" || ours == "MALFORMED_JSON" => {
            "invalid_request".to_owned()
        }
        429 => "rate_limited".to_owned(),
        500 => "internal_error".to_owned(),
        _ => ours.to_ascii_lowercase(),
    }
}

#[cfg(test)]
mod tests {
    use serde_json::json;

    use super::*;

    #[test]
    fn our_codes_become_the_protocols_words() {
        let cases = [
            (
                401,
                json!({"code": "INVALID_AGENT_TOKEN", "details": {"failure": "jti_replay"}}),
                "jti_replay",
            ),
            (401, json!({"code": "INVALID_AGENT_TOKEN"}), "invalid_jwt"),
            (
                403,
                json!({"code": "FORBIDDEN", "details": {"reason": "capability_not_granted"}}),
                "capability_not_granted",
            ),
            (
                404,
                json!({"code": "NOT_FOUND", "details": {"resource": "approval request"}}),
                "approval_request_not_found",
            ),
            (400, json!({"code": "VALIDATION_ERROR"}), "invalid_request"),
            (409, json!({"code": "AGENT_EXISTS"}), "agent_exists"),
            (429, json!({"code": "RATE_LIMITED"}), "rate_limited"),
            (
                503,
                json!({"code": "SERVICE_UNAVAILABLE"}),
                "service_unavailable",
            ),
        ];
        for (status, envelope, expected) in cases {
            let status = StatusCode::from_u16(status).unwrap();
            assert_eq!(protocol_code(status, &envelope), expected, "{envelope}");
        }
    }
}

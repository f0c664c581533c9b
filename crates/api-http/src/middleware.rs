//! Middleware that every app wraps itself in: request ids and logs, panic containment, and the
//! guarantee that no error leaves as HTML or a bare string.

use std::panic::AssertUnwindSafe;
use std::time::Instant;

use actix_web::body::{BoxBody, EitherBody, MessageBody};
use actix_web::dev::{ServiceRequest, ServiceResponse};
use actix_web::error::InternalError;
use actix_web::http::header::{CONTENT_TYPE, HeaderMap, HeaderName, HeaderValue};
use actix_web::middleware::Next;
use actix_web::{Error, HttpMessage, HttpRequest, HttpResponse};
use futures_util::FutureExt as _;
use resolve_caller::ResolveError;
use tracing::Instrument as _;

use crate::{ApiError, AuthLinks};

/// The header a request id arrives in (from a proxy) and is always answered in.
pub const REQUEST_ID_HEADER: &str = "x-request-id";

/// The id of the request being served, in its extensions.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct RequestId(pub String);

/// Gives every request an id (keeping a well-formed one from upstream), runs it in a tracing span
/// that carries the id, logs its outcome, and answers the id in `x-request-id`.
pub async fn request_id(
    req: ServiceRequest,
    next: Next<impl MessageBody + 'static>,
) -> Result<ServiceResponse<BoxBody>, Error> {
    let id = req
        .headers()
        .get(REQUEST_ID_HEADER)
        .and_then(|value| value.to_str().ok())
        .filter(|value| is_well_formed_id(value))
        .map_or_else(|| uuid::Uuid::now_v7().to_string(), str::to_owned);
    req.extensions_mut().insert(RequestId(id.clone()));
    // The caller's fields are filled by the caller extractor once it is resolved.
    let span = tracing::info_span!(
        "request",
        request_id = %id,
        method = %req.method(),
        path = %req.path(),
        organization_id = tracing::field::Empty,
        caller_kind = tracing::field::Empty,
        principal = tracing::field::Empty,
    );
    let started = Instant::now();
    let outcome = next.call(req).instrument(span.clone()).await;
    // An error that escaped the inner layers still leaves as a response carrying the id; the request
    // itself cannot be kept for this (actix routes on it after this layer and needs it unshared).
    let (status, outcome) = match outcome {
        Ok(mut response) => {
            set_request_id(response.headers_mut(), &id);
            (response.status(), Ok(response.map_into_boxed_body()))
        }
        Err(error) => {
            let mut response = error.error_response();
            set_request_id(response.headers_mut(), &id);
            let status = response.status();
            (
                status,
                Err(InternalError::from_response(error, response).into()),
            )
        }
    };
    let status = status.as_u16();
    let elapsed_ms = started.elapsed().as_secs_f64() * 1000.0;
    span.in_scope(|| {
        if status >= 500 {
            tracing::error!(status, elapsed_ms, "request finished");
        } else {
            tracing::info!(status, elapsed_ms, "request finished");
        }
    });
    outcome
}

fn set_request_id(headers: &mut HeaderMap, id: &str) {
    if let Ok(value) = HeaderValue::from_str(id) {
        headers.insert(HeaderName::from_static(REQUEST_ID_HEADER), value);
    }
}

fn is_well_formed_id(id: &str) -> bool {
    (1..=128).contains(&id.len())
        && id
            .bytes()
            .all(|b| b.is_ascii_alphanumeric() || matches!(b, b'-' | b'_' | b'.'))
}

/// A panic in a handler becomes a logged 500 envelope instead of a dropped connection.
pub async fn catch_panics(
    req: ServiceRequest,
    next: Next<impl MessageBody + 'static>,
) -> Result<ServiceResponse<impl MessageBody>, Error> {
    match AssertUnwindSafe(next.call(req)).catch_unwind().await {
        Ok(outcome) => outcome,
        Err(panic) => {
            let message = panic
                .downcast_ref::<&str>()
                .map(|s| (*s).to_owned())
                .or_else(|| panic.downcast_ref::<String>().cloned())
                .unwrap_or_else(|| "non-text panic payload".to_owned());
            Err(ApiError::internal(format!("handler panicked: {message}")).into())
        }
    }
}

/// Any error answer that is not already our JSON envelope (actix's own 404 and 405, a plain-text
/// extractor error…) is replaced by the envelope for its status.
pub async fn envelope_for_bare_errors(
    req: ServiceRequest,
    next: Next<impl MessageBody + 'static>,
) -> Result<ServiceResponse<EitherBody<impl MessageBody>>, Error> {
    let response = next.call(req).await?;
    let status = response.status();
    if !(status.is_client_error() || status.is_server_error()) || is_json(&response) {
        return Ok(response.map_into_left_body());
    }
    let error = if status == actix_web::http::StatusCode::UNAUTHORIZED {
        ApiError::unauthorized(
            "UNAUTHORIZED",
            "authentication required",
            &AuthLinks::of(response.request()),
        )
    } else {
        ApiError::from_status(status)
    };
    if status.is_server_error() {
        tracing::error!(
            status = status.as_u16(),
            "an inner layer answered a bare server error"
        );
    }
    // The answer keeps the typed error, for the layers that finish it (links, Agent Auth's shape).
    Ok(response
        .into_response(HttpResponse::from_error(error))
        .map_into_right_body())
}

fn is_json<B>(response: &ServiceResponse<B>) -> bool {
    response
        .headers()
        .get(CONTENT_TYPE)
        .and_then(|value| value.to_str().ok())
        .is_some_and(|value| value.starts_with("application/json"))
}

/// The [`resolve_caller::actix::CallerExtractor`] error handler: a refused credential is a 401
/// envelope naming it (and is logged with its reason); an unreachable store is a 503.
pub fn resolve_error_handler(error: ResolveError, req: &HttpRequest) -> Error {
    if let ResolveError::Unauthenticated(failure) = &error {
        tracing::info!(
            credential = failure.credential.as_str(),
            failure = failure.failure,
            reason = %failure.message,
            "caller refused"
        );
    }
    ApiError::from_resolve(error, &AuthLinks::of(req)).into()
}

#[cfg(test)]
mod tests {
    use actix_web::http::StatusCode;
    use actix_web::middleware::from_fn;
    use actix_web::{App, HttpResponse, test, web};
    use serde_json::Value;

    use super::*;

    async fn boom() -> HttpResponse {
        panic!("boom")
    }

    async fn ok() -> HttpResponse {
        HttpResponse::Ok().body("fine")
    }

    async fn teapot() -> HttpResponse {
        HttpResponse::build(StatusCode::IM_A_TEAPOT).body("<html>short and stout</html>")
    }

    macro_rules! app {
        () => {
            test::init_service(
                App::new()
                    .wrap(from_fn(envelope_for_bare_errors))
                    .wrap(from_fn(catch_panics))
                    .wrap(from_fn(request_id))
                    .route("/boom", web::get().to(boom))
                    .route("/ok", web::get().to(ok))
                    .route("/teapot", web::get().to(teapot)),
            )
            .await
        };
    }

    #[actix_web::test]
    async fn a_panicking_handler_answers_a_500_envelope() {
        let app = app!();
        let request = test::TestRequest::get().uri("/boom").to_request();
        // The error escapes the service as an `Err`; the server renders it with this response.
        let error = test::try_call_service(&app, request).await.err().unwrap();
        let response = error.error_response();
        assert_eq!(response.status(), StatusCode::INTERNAL_SERVER_ERROR);
        assert!(response.headers().contains_key(REQUEST_ID_HEADER));
        let bytes = actix_web::body::to_bytes(response.into_body())
            .await
            .unwrap();
        let body: Value = serde_json::from_slice(&bytes).unwrap();
        assert_eq!(body["code"], "INTERNAL_ERROR");
        assert_eq!(body["status"], 500);
        assert!(!body.to_string().contains("boom"));
    }

    #[actix_web::test]
    async fn bare_errors_become_envelopes() {
        let app = app!();
        for (method, uri, status, code) in [
            (actix_web::http::Method::GET, "/nowhere", 404, "NOT_FOUND"),
            (actix_web::http::Method::POST, "/ok", 404, "NOT_FOUND"),
            (actix_web::http::Method::GET, "/teapot", 418, "BAD_REQUEST"),
        ] {
            let request = test::TestRequest::default()
                .method(method)
                .uri(uri)
                .to_request();
            let response = test::call_service(&app, request).await;
            assert_eq!(response.status().as_u16(), status, "{uri}");
            let body: Value = test::read_body_json(response).await;
            assert_eq!(body["code"], code, "{uri}");
            assert_eq!(body["status"], status, "{uri}");
        }
    }

    #[actix_web::test]
    async fn request_ids_are_kept_when_well_formed_and_replaced_otherwise() {
        let app = app!();
        let kept = test::TestRequest::get()
            .uri("/ok")
            .insert_header((REQUEST_ID_HEADER, "edge-1234"))
            .to_request();
        let response = test::call_service(&app, kept).await;
        assert_eq!(
            response.headers().get(REQUEST_ID_HEADER).unwrap(),
            "edge-1234"
        );

        let replaced = test::TestRequest::get()
            .uri("/ok")
            .insert_header((REQUEST_ID_HEADER, "bad id with spaces"))
            .to_request();
        let response = test::call_service(&app, replaced).await;
        let id = response
            .headers()
            .get(REQUEST_ID_HEADER)
            .unwrap()
            .to_str()
            .unwrap();
        assert!(uuid::Uuid::parse_str(id).is_ok());
    }
}

//! [`ApiError`]: the one error type at the HTTP edge, rendered as the error envelope (README, "Errors").

use std::borrow::Cow;
use std::error::Error as StdError;
use std::fmt;
use std::sync::Arc;

use actix_web::http::StatusCode;
use actix_web::http::header::{self, HeaderValue};
use actix_web::{HttpResponse, ResponseError};
use api_types::ErrorBody;
use resolve_caller::{AccessDenied, AuthFailure, ResolveError};
use serde_json::{Map, Value, json};

use crate::AuthLinks;

/// One invalid input field: where it is and what is wrong with it.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct FieldError {
    /// A JSON-pointer-like path: `email`, `variants[0].price.amount`, `path.id`.
    pub field: String,
    pub message: String,
}

impl FieldError {
    pub fn new(field: impl Into<String>, message: impl Into<String>) -> Self {
        Self {
            field: field.into(),
            message: message.into(),
        }
    }
}

/// An error answered to a client. Internal causes are logged with their whole chain and answered
/// as an opaque 500 (or 503) envelope; nothing else of them leaves the process. Cloning is cheap (the
/// cause is shared), so an answer made in-process can be passed on as the error it is.
#[derive(Clone, Debug)]
pub struct ApiError {
    status: StatusCode,
    code: &'static str,
    message: Cow<'static, str>,
    details: Map<String, Value>,
    /// Seconds (u32 keeps the error small enough to return by value everywhere).
    retry_after_seconds: Option<u32>,
    /// Agent Auth's snake_case word for this error, where the code alone does not say it (the
    /// token check that failed, the reason refused, the resource missing); see
    /// [`Self::protocol_word`].
    protocol_word: Option<Cow<'static, str>>,
    source: Option<Arc<dyn StdError + Send + Sync>>,
}

impl ApiError {
    fn new(status: StatusCode, code: &'static str, message: impl Into<Cow<'static, str>>) -> Self {
        Self {
            status,
            code,
            message: message.into(),
            details: Map::new(),
            retry_after_seconds: None,
            protocol_word: None,
            source: None,
        }
    }

    /// This error with Agent Auth's word for it (a token check's `failure`, say).
    #[must_use]
    pub fn with_protocol_word(mut self, word: impl Into<Cow<'static, str>>) -> Self {
        self.protocol_word = Some(word.into());
        self
    }

    /// Adds one entry to `details`.
    #[must_use]
    pub fn with_detail(mut self, key: &str, value: impl Into<Value>) -> Self {
        self.details.insert(key.to_owned(), value.into());
        self
    }

    /// 401, with the sign-in and sign-up links every 401 carries.
    pub fn unauthorized(code: &'static str, reason: impl Into<String>, links: &AuthLinks) -> Self {
        Self::new(StatusCode::UNAUTHORIZED, code, "Unauthorized")
            .with_detail("reason", reason.into())
            .with_detail("signInUrl", links.sign_in_url.clone())
            .with_detail("signUpUrl", links.sign_up_url.clone())
    }

    /// 401 made where the sign-in links are not at hand (a domain error turned into the envelope by
    /// `From`); [`crate::sign_in_links`] adds them when the answer is written.
    pub fn unauthorized_unlinked(code: &'static str, reason: impl Into<String>) -> Self {
        Self::new(StatusCode::UNAUTHORIZED, code, "Unauthorized")
            .with_detail("reason", reason.into())
    }

    /// Whether this is a 401 made without its sign-in links.
    #[must_use]
    pub(crate) fn lacks_sign_in_links(&self) -> bool {
        self.status == StatusCode::UNAUTHORIZED && !self.details.contains_key("signInUrl")
    }

    /// 401 for a credential that resolve-caller refused, naming the credential and why.
    pub fn from_auth_failure(failure: &AuthFailure, links: &AuthLinks) -> Self {
        Self::unauthorized(
            failure.credential.error_code(),
            failure.message.clone(),
            links,
        )
        .with_detail("credential", failure.credential.as_str())
        .with_detail("failure", failure.failure)
        .with_protocol_word(failure.failure)
    }

    /// The answer for any failed caller resolution: 401, 400 for a credential header sent twice,
    /// or 503 when a store could not answer.
    pub fn from_resolve(error: ResolveError, links: &AuthLinks) -> Self {
        match error {
            ResolveError::Unauthenticated(failure) => Self::from_auth_failure(&failure, links),
            ResolveError::RepeatedHeader { header } => Self::bad_request(
                "REPEATED_CREDENTIAL",
                format!(
                    "send the `{header}` header once: which of its values counts would be a guess"
                ),
            )
            .with_detail("header", header),
            ResolveError::Unavailable { credential, source } => {
                Self::unavailable(source).with_detail("credential", credential.as_str())
            }
        }
    }

    /// 403 with our `FORBIDDEN` code and the protocol's reason word.
    pub fn forbidden(reason: &'static str, message: impl Into<Cow<'static, str>>) -> Self {
        Self::new(StatusCode::FORBIDDEN, "FORBIDDEN", message)
            .with_detail("reason", reason)
            .with_protocol_word(reason)
    }

    /// 404 for a missing resource — or one of another tenant, which must look the same.
    pub fn not_found(resource: &'static str) -> Self {
        Self::new(
            StatusCode::NOT_FOUND,
            "NOT_FOUND",
            format!("{resource} not found"),
        )
        .with_detail("resource", resource)
        .with_protocol_word(format!("{}_not_found", resource.replace(' ', "_")))
    }

    /// 400 `VALIDATION_ERROR` naming every offending field.
    pub fn validation(fields: Vec<FieldError>) -> Self {
        let fields: Vec<Value> = fields
            .into_iter()
            .map(|f| json!({"field": f.field, "message": f.message}))
            .collect();
        Self::new(
            StatusCode::BAD_REQUEST,
            "VALIDATION_ERROR",
            "Validation failed",
        )
        .with_detail("fields", fields)
    }

    /// Any other 400, with a specific code (`MALFORMED_JSON`…).
    pub fn bad_request(code: &'static str, message: impl Into<Cow<'static, str>>) -> Self {
        Self::new(StatusCode::BAD_REQUEST, code, message)
    }

    pub fn conflict(code: &'static str, message: impl Into<Cow<'static, str>>) -> Self {
        Self::new(StatusCode::CONFLICT, code, message)
    }

    pub fn unprocessable(code: &'static str, message: impl Into<Cow<'static, str>>) -> Self {
        Self::new(StatusCode::UNPROCESSABLE_ENTITY, code, message)
    }

    pub fn payload_too_large(limit_bytes: usize) -> Self {
        Self::new(
            StatusCode::PAYLOAD_TOO_LARGE,
            "PAYLOAD_TOO_LARGE",
            "Request body too large",
        )
        .with_detail("limitBytes", limit_bytes)
    }

    pub fn unsupported_media_type(expected: &'static str) -> Self {
        Self::new(
            StatusCode::UNSUPPORTED_MEDIA_TYPE,
            "UNSUPPORTED_MEDIA_TYPE",
            format!("Content-Type must be {expected}"),
        )
    }

    pub fn too_many_requests(retry_after_seconds: u64) -> Self {
        let mut error = Self::new(
            StatusCode::TOO_MANY_REQUESTS,
            "RATE_LIMITED",
            "Too many requests",
        );
        error.retry_after_seconds =
            Some(u32::try_from(retry_after_seconds.max(1)).unwrap_or(u32::MAX));
        error
    }

    /// 503: a dependency (the database) did not answer. Logged, never shown.
    pub fn unavailable(source: impl Into<Box<dyn StdError + Send + Sync>>) -> Self {
        let mut error = Self::new(
            StatusCode::SERVICE_UNAVAILABLE,
            "SERVICE_UNAVAILABLE",
            "Service temporarily unavailable",
        );
        error.retry_after_seconds = Some(1);
        error.source = Some(Arc::from(source.into()));
        error
    }

    /// 502 from an edge: the api could not be reached or answered nonsense.
    pub fn bad_gateway() -> Self {
        Self::new(
            StatusCode::BAD_GATEWAY,
            "BAD_GATEWAY",
            "The api is unreachable",
        )
    }

    /// 504 from an edge: the api did not answer in time.
    pub fn gateway_timeout() -> Self {
        Self::new(
            StatusCode::GATEWAY_TIMEOUT,
            "GATEWAY_TIMEOUT",
            "The api did not answer in time",
        )
    }

    /// 500: a bug or an unexpected failure. Logged with its chain, answered opaquely.
    pub fn internal(source: impl Into<Box<dyn StdError + Send + Sync>>) -> Self {
        let mut error = Self::new(
            StatusCode::INTERNAL_SERVER_ERROR,
            "INTERNAL_ERROR",
            "Internal server error",
        );
        error.source = Some(Arc::from(source.into()));
        error
    }

    /// 405 for a path that serves `allowed` only, named in `details.allowed` and, when it is
    /// answered, in `Allow` (RFC 9110 §15.5.6).
    pub fn method_not_allowed(allowed: &[actix_web::http::Method]) -> Self {
        let allowed: Vec<&str> = allowed
            .iter()
            .map(actix_web::http::Method::as_str)
            .collect();
        Self::from_status(StatusCode::METHOD_NOT_ALLOWED).with_detail("allowed", allowed)
    }

    /// The `Allow` header of a 405, from the methods in its details.
    fn allow_header(&self) -> Option<String> {
        let allowed = self.details.get("allowed")?.as_array()?;
        (self.status == StatusCode::METHOD_NOT_ALLOWED).then(|| {
            allowed
                .iter()
                .filter_map(Value::as_str)
                .collect::<Vec<_>>()
                .join(", ")
        })
    }

    /// The envelope for a bare status that some layer produced without a body of ours.
    pub fn from_status(status: StatusCode) -> Self {
        let (code, message): (&'static str, &'static str) = match status {
            StatusCode::NOT_FOUND => ("NOT_FOUND", "Route not found"),
            StatusCode::METHOD_NOT_ALLOWED => ("METHOD_NOT_ALLOWED", "Method not allowed"),
            StatusCode::PAYLOAD_TOO_LARGE => ("PAYLOAD_TOO_LARGE", "Request body too large"),
            StatusCode::UNSUPPORTED_MEDIA_TYPE => {
                ("UNSUPPORTED_MEDIA_TYPE", "Unsupported content type")
            }
            StatusCode::UNAUTHORIZED => ("UNAUTHORIZED", "Unauthorized"),
            StatusCode::FORBIDDEN => ("FORBIDDEN", "Forbidden"),
            StatusCode::REQUEST_TIMEOUT => ("REQUEST_TIMEOUT", "Request timeout"),
            s if s.is_server_error() => ("INTERNAL_ERROR", "Internal server error"),
            _ => ("BAD_REQUEST", "Bad request"),
        };
        Self::new(status, code, message)
    }

    #[must_use]
    pub const fn code(&self) -> &'static str {
        self.code
    }

    #[must_use]
    pub fn body(&self) -> ErrorBody {
        ErrorBody {
            error: self.message.clone().into_owned(),
            message: None,
            code: self.code.to_owned(),
            status: self.status.as_u16(),
            details: (!self.details.is_empty()).then(|| self.details.clone()),
        }
    }

    /// Agent Auth's snake_case word for this error: the one it was given, or the protocol's
    /// generic word for its status.
    #[must_use]
    pub fn protocol_word(&self) -> Cow<'static, str> {
        if let Some(word) = &self.protocol_word {
            return word.clone();
        }
        let generic = match self.status {
            StatusCode::UNAUTHORIZED => "invalid_jwt",
            StatusCode::FORBIDDEN => "unauthorized",
            StatusCode::NOT_FOUND => "not_found",
            StatusCode::BAD_REQUEST
                if self.code == "VALIDATION_ERROR" || self.code == "MALFORMED_JSON" =>
            {
                "invalid_request"
            }
            StatusCode::TOO_MANY_REQUESTS => "rate_limited",
            StatusCode::INTERNAL_SERVER_ERROR => "internal_error",
            _ => return self.code.to_ascii_lowercase().into(),
        };
        generic.into()
    }

    /// The envelope as written in `shape`, with the sign-in links added to a 401 that lacks them.
    /// Written again by a layer that knows the request, so it is not logged again.
    #[must_use]
    pub(crate) fn answer(&self, shape: ErrorShape, links: &AuthLinks) -> HttpResponse {
        let mut body = self.body();
        if self.lacks_sign_in_links() {
            let details = body.details.get_or_insert_with(Map::new);
            details.insert("signInUrl".to_owned(), links.sign_in_url.clone().into());
            details.insert("signUpUrl".to_owned(), links.sign_up_url.clone().into());
        }
        if shape == ErrorShape::AgentProtocol {
            body.message = Some(std::mem::replace(
                &mut body.error,
                self.protocol_word().into_owned(),
            ));
        }
        self.render(body)
    }

    fn log(&self) {
        match &self.source {
            Some(source) if self.status.is_server_error() => {
                tracing::error!(code = self.code, error = %Chain(source.as_ref()), "request failed");
            }
            _ => {}
        }
    }
}

impl fmt::Display for ApiError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(
            f,
            "{} {}: {}",
            self.status.as_u16(),
            self.code,
            self.message
        )
    }
}

impl StdError for ApiError {
    fn source(&self) -> Option<&(dyn StdError + 'static)> {
        self.source
            .as_deref()
            .map(|source| source as &(dyn StdError + 'static))
    }
}

impl ResponseError for ApiError {
    fn status_code(&self) -> StatusCode {
        self.status
    }

    fn error_response(&self) -> HttpResponse {
        self.respond(self.body())
    }
}

/// How an error's envelope is written: ours, or Agent Auth's on its endpoints, where `error` is
/// the protocol's snake_case word and `message` the human text.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub(crate) enum ErrorShape {
    Ours,
    AgentProtocol,
}

impl ApiError {
    fn respond(&self, body: ErrorBody) -> HttpResponse {
        self.log();
        self.render(body)
    }

    fn render(&self, body: ErrorBody) -> HttpResponse {
        let mut response = HttpResponse::build(self.status);
        if let Some(seconds) = self.retry_after_seconds {
            response.insert_header((header::RETRY_AFTER, HeaderValue::from(seconds)));
        }
        if let Some(allow) = self.allow_header() {
            response.insert_header((header::ALLOW, allow));
        }
        response.json(body)
    }
}

impl From<AccessDenied> for ApiError {
    fn from(denied: AccessDenied) -> Self {
        match denied {
            AccessDenied::MissingScope { required } => {
                Self::forbidden("insufficient_scope", "Insufficient scope")
                    .with_detail("requiredScope", required.as_str())
            }
            AccessDenied::CapabilityNotGranted { operation } => {
                Self::forbidden("capability_not_granted", "Capability not granted")
                    .with_detail("capability", operation)
            }
            AccessDenied::ConstraintViolated {
                operation,
                violations,
            } => Self::forbidden("constraint_violated", "Capability constraint violated")
                .with_detail("capability", operation)
                .with_detail("violations", violations),
        }
    }
}

/// Displays an error and every cause under it: `a: b: c`.
struct Chain<'a>(&'a (dyn StdError + 'static));

impl fmt::Display for Chain<'_> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{}", self.0)?;
        let mut cause = self.0.source();
        while let Some(inner) = cause {
            write!(f, ": {inner}")?;
            cause = inner.source();
        }
        Ok(())
    }
}

#[cfg(test)]
mod tests {
    use actix_web::body::to_bytes;

    use super::*;

    async fn body_of(error: ApiError) -> (StatusCode, Value, Option<String>) {
        let response = error.error_response();
        let status = response.status();
        let retry = response
            .headers()
            .get(header::RETRY_AFTER)
            .and_then(|v| v.to_str().ok())
            .map(str::to_owned);
        let bytes = to_bytes(response.into_body()).await.unwrap();
        (status, serde_json::from_slice(&bytes).unwrap(), retry)
    }

    #[actix_web::test]
    async fn every_401_carries_the_sign_in_links() {
        let links = AuthLinks::under("https://dash.example.com/");
        let (status, body, _) = body_of(ApiError::unauthorized(
            "INVALID_SESSION",
            "session expired",
            &links,
        ))
        .await;
        assert_eq!(status, StatusCode::UNAUTHORIZED);
        assert_eq!(body["error"], "Unauthorized");
        assert_eq!(body["code"], "INVALID_SESSION");
        assert_eq!(body["status"], 401);
        assert_eq!(body["details"]["reason"], "session expired");
        assert_eq!(
            body["details"]["signInUrl"],
            "https://dash.example.com/sign-in"
        );
        assert_eq!(
            body["details"]["signUpUrl"],
            "https://dash.example.com/sign-up"
        );
    }

    #[actix_web::test]
    async fn internal_errors_hide_their_cause() {
        let (status, body, _) = body_of(ApiError::internal(std::io::Error::other(
            "password=hunter2 connection refused",
        )))
        .await;
        assert_eq!(status, StatusCode::INTERNAL_SERVER_ERROR);
        assert_eq!(body["code"], "INTERNAL_ERROR");
        assert!(!body.to_string().contains("hunter2"));
    }

    #[actix_web::test]
    async fn scope_denials_are_403_forbidden_insufficient_scope() {
        let denied = AccessDenied::MissingScope {
            required: resolve_caller::Scope::Admin,
        };
        let (status, body, _) = body_of(denied.into()).await;
        assert_eq!(status, StatusCode::FORBIDDEN);
        assert_eq!(body["code"], "FORBIDDEN");
        assert_eq!(body["error"], "Insufficient scope");
        assert_eq!(body["details"]["requiredScope"], "admin");
    }

    #[actix_web::test]
    async fn rate_limits_say_when_to_come_back() {
        let (status, body, retry) = body_of(ApiError::too_many_requests(7)).await;
        assert_eq!(status, StatusCode::TOO_MANY_REQUESTS);
        assert_eq!(body["code"], "RATE_LIMITED");
        assert_eq!(retry.as_deref(), Some("7"));
    }

    #[actix_web::test]
    async fn validation_errors_name_the_fields() {
        let (status, body, _) = body_of(ApiError::validation(vec![FieldError::new(
            "email",
            "is required",
        )]))
        .await;
        assert_eq!(status, StatusCode::BAD_REQUEST);
        assert_eq!(body["code"], "VALIDATION_ERROR");
        assert_eq!(body["details"]["fields"][0]["field"], "email");
    }

    #[test]
    fn each_error_carries_the_protocols_word() {
        let unauthenticated = ApiError::unauthorized_unlinked("INVALID_AGENT_TOKEN", "replayed");
        let cases = [
            (
                unauthenticated.with_protocol_word("jti_replay"),
                "jti_replay",
            ),
            (
                ApiError::unauthorized_unlinked("INVALID_AGENT_TOKEN", "bad"),
                "invalid_jwt",
            ),
            (
                ApiError::forbidden("capability_not_granted", "no"),
                "capability_not_granted",
            ),
            (
                ApiError::not_found("approval request"),
                "approval_request_not_found",
            ),
            (ApiError::validation(Vec::new()), "invalid_request"),
            (
                ApiError::bad_request("MALFORMED_JSON", "not JSON"),
                "invalid_request",
            ),
            (ApiError::conflict("AGENT_EXISTS", "exists"), "agent_exists"),
            (ApiError::too_many_requests(1), "rate_limited"),
            (ApiError::internal("bug"), "internal_error"),
            (ApiError::unavailable("down"), "service_unavailable"),
            (ApiError::from_status(StatusCode::FORBIDDEN), "unauthorized"),
        ];
        for (error, expected) in cases {
            assert_eq!(error.protocol_word(), expected, "{error}");
        }
    }

    #[actix_web::test]
    async fn the_protocols_envelope_moves_the_text_to_message_and_keeps_our_code() {
        let links = AuthLinks::under("https://dash.example.com");
        let error = ApiError::forbidden("constraint_violated", "Capability constraint violated");
        let response = error.answer(ErrorShape::AgentProtocol, &links);
        assert_eq!(response.status(), StatusCode::FORBIDDEN);
        let bytes = to_bytes(response.into_body()).await.unwrap();
        let body: Value = serde_json::from_slice(&bytes).unwrap();
        assert_eq!(body["error"], "constraint_violated");
        assert_eq!(body["message"], "Capability constraint violated");
        assert_eq!(body["code"], "FORBIDDEN");
        assert_eq!(body["details"]["reason"], "constraint_violated");
    }

    #[actix_web::test]
    async fn a_401_answered_again_gets_the_links_in_either_shape() {
        let links = AuthLinks::under("https://dash.example.com");
        for shape in [ErrorShape::Ours, ErrorShape::AgentProtocol] {
            let error = ApiError::unauthorized_unlinked("INVALID_HOST_TOKEN", "expired");
            let response = error.answer(shape, &links);
            let bytes = to_bytes(response.into_body()).await.unwrap();
            let body: Value = serde_json::from_slice(&bytes).unwrap();
            assert_eq!(
                body["details"]["signInUrl"],
                "https://dash.example.com/sign-in"
            );
        }
    }
}

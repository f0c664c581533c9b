//! Cross-site request forgery: a state change authenticated by the session cookie must come from a
//! trusted origin — the dashboard (`FRONTEND_URL`), `CORS_ORIGIN`, the api itself, or the very host
//! the request was addressed to (a storefront calling its own domain through the edge).

use actix_web::body::{EitherBody, MessageBody};
use actix_web::dev::{ServiceRequest, ServiceResponse};
use actix_web::http::header::{ORIGIN, REFERER};
use actix_web::middleware::Next;
use actix_web::{Error, ResponseError as _, web};
use api_http::ApiError;
use resolve_caller::actix::raw_credentials;

use crate::state::AppState;

pub async fn require_trusted_origin(
    req: ServiceRequest,
    next: Next<impl MessageBody + 'static>,
) -> Result<ServiceResponse<EitherBody<impl MessageBody>>, Error> {
    if req.method().is_safe() || !carries_session_cookie(&req) || is_trusted(&req) {
        return next
            .call(req)
            .await
            .map(ServiceResponse::map_into_left_body);
    }
    let error = ApiError::forbidden(
        "untrusted_origin",
        "a cookie-authenticated change must come from a trusted origin",
    );
    Ok(req
        .into_response(error.error_response())
        .map_into_right_body())
}

/// The request carries the session cookie. Whatever else it carries, the cookie may be the
/// credential a handler acts by (`/api/auth` acts by the session even beside an API key), so its
/// origin is checked whenever the cookie is there (review L11). Clients that send keys or bearer
/// tokens send no cookie.
fn carries_session_cookie(req: &ServiceRequest) -> bool {
    raw_credentials(req.request()).session_cookie().is_some()
}

fn is_trusted(req: &ServiceRequest) -> bool {
    let Some(origin) = origin_of(req) else {
        return false;
    };
    let Some(state) = req.app_data::<web::Data<AppState>>() else {
        return false;
    };
    if state
        .settings
        .trusted_origins()
        .iter()
        .any(|trusted| trusted.eq_ignore_ascii_case(&origin))
    {
        return true;
    }
    let own_host = raw_credentials(req.request())
        .effective_host(state.settings.trust_proxy)
        .map(str::to_ascii_lowercase);
    let origin_authority = origin.split_once("://").map(|(_, authority)| authority);
    matches!((own_host, origin_authority), (Some(host), Some(authority)) if host == authority)
}

/// `scheme://host[:port]` of the `Origin` header, else of the `Referer`.
fn origin_of(req: &ServiceRequest) -> Option<String> {
    let header = |name| {
        req.headers()
            .get(name)
            .and_then(|value| value.to_str().ok())
            .filter(|value| !value.is_empty() && *value != "null")
    };
    if let Some(origin) = header(ORIGIN) {
        return Some(origin.trim_end_matches('/').to_ascii_lowercase());
    }
    let referer = header(REFERER)?;
    let (scheme, rest) = referer.split_once("://")?;
    let authority = rest.split(['/', '?', '#']).next()?;
    Some(format!("{scheme}://{authority}").to_ascii_lowercase())
}

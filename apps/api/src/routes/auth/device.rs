//! Device authorization for the CLI (RFC 8628): request a code, poll for a token, and — for the
//! signed-in user at the dashboard's device page — look a request up, approve or deny it.

use actix_web::http::StatusCode;
use actix_web::http::header::{CACHE_CONTROL, HeaderValue};
use actix_web::{Either, HttpResponse, web};
use api_http::Json;
use api_types::ErrorBody;
use api_types::auth::{
    DeviceCodeRequest, DeviceCodeResponse, DeviceDecisionRequest, DeviceQuery, DeviceRequestView,
    DeviceTokenRequest, DeviceTokenResponse, Success,
};
use api_types::operations;
use identity::device::DeviceTokenError;
use serde_json::json;

use crate::errors::AppError;
use crate::extract::{ClientInfo, SignedInUser};
use crate::state::AppState;

/// A body in JSON or, as OAuth clients send it, form-encoded.
type JsonOrForm<T> = Either<Json<T>, web::Form<T>>;

fn body<T>(either: JsonOrForm<T>) -> T {
    match either {
        Either::Left(json) => json.into_inner(),
        Either::Right(form) => form.into_inner(),
    }
}

/// The RFC's error body (`error`, `error_description`) inside our envelope (`code`, `status`).
fn rfc_error(error: DeviceTokenError) -> HttpResponse {
    let status = match error {
        DeviceTokenError::Unavailable => StatusCode::SERVICE_UNAVAILABLE,
        _ => StatusCode::BAD_REQUEST,
    };
    HttpResponse::build(status)
        .insert_header((CACHE_CONTROL, HeaderValue::from_static("no-store")))
        .json(json!({
            "error": error.as_str(),
            "error_description": error.to_string(),
            "code": error.as_str().to_uppercase(),
            "status": status.as_u16(),
        }))
}

/// Start a device authorization: the CLI shows `user_code` and `verification_uri`, then polls the
/// token endpoint. Only configured `client_id`s (`DEVICE_CLIENT_IDS`). No credential needed.
#[utoipa::path(
    post, path = "/api/auth/device/code", operation_id = operations::DEVICE_CODE, tag = "auth",
    request_body(content = DeviceCodeRequest, content_type = "application/x-www-form-urlencoded"),
    responses(
        (status = 200, description = "A device code", body = DeviceCodeResponse),
        (status = 400, description = "invalid_client or a malformed request", body = ErrorBody),
    ),
    security(()),
)]
pub async fn code(
    state: web::Data<AppState>,
    client: ClientInfo,
    request: JsonOrForm<DeviceCodeRequest>,
) -> HttpResponse {
    let request = body(request);
    match state
        .identity
        .start_device_authorization(&request.client_id, request.scope.as_deref(), client.ip)
        .await
    {
        Ok(started) => {
            let verification_uri = format!("{}/device", state.settings.frontend_url);
            HttpResponse::Ok()
                .insert_header((CACHE_CONTROL, HeaderValue::from_static("no-store")))
                .json(DeviceCodeResponse {
                    verification_uri_complete: format!(
                        "{verification_uri}?user_code={}",
                        started.user_code
                    ),
                    verification_uri,
                    device_code: started.device_code,
                    user_code: started.user_code,
                    expires_in: started.expires_in,
                    interval: started.interval,
                })
        }
        Err(error) => rfc_error(error),
    }
}

/// Poll for the token: `authorization_pending` until the user approves, `slow_down` when polled
/// faster than the interval, then — once — a session token for `Authorization: Bearer`.
#[utoipa::path(
    post, path = "/api/auth/device/token", operation_id = operations::DEVICE_TOKEN, tag = "auth",
    request_body(content = DeviceTokenRequest, content_type = "application/x-www-form-urlencoded"),
    responses(
        (status = 200, description = "A session token", body = DeviceTokenResponse),
        (status = 400, description = "authorization_pending, slow_down, expired_token, access_denied, invalid_grant, unsupported_grant_type", body = ErrorBody),
    ),
    security(()),
)]
pub async fn token(
    state: web::Data<AppState>,
    request: JsonOrForm<DeviceTokenRequest>,
) -> HttpResponse {
    let request = body(request);
    match state
        .identity
        .poll_device_token(
            &request.grant_type,
            &request.client_id,
            &request.device_code,
        )
        .await
    {
        Ok(token) => HttpResponse::Ok()
            .insert_header((CACHE_CONTROL, HeaderValue::from_static("no-store")))
            .json(DeviceTokenResponse {
                access_token: token.access_token,
                token_type: "Bearer".to_owned(),
                expires_in: token.expires_in,
            }),
        Err(error) => rfc_error(error),
    }
}

/// The request behind a user code, for the dashboard's device page. Signed-in users only;
/// rate-limited per user, with the decisions.
#[utoipa::path(
    get, path = "/api/auth/device", operation_id = operations::GET_DEVICE_REQUEST, tag = "auth",
    params(DeviceQuery),
    responses(
        (status = 200, description = "The request", body = DeviceRequestView),
        (status = 401, description = "Not signed in", body = ErrorBody),
        (status = 404, description = "No such code", body = ErrorBody),
        (status = 429, description = "Too many lookups and decisions", body = ErrorBody),
    ),
    security(("sessionCookie" = []), ("sessionToken" = [])),
)]
pub async fn lookup(
    state: web::Data<AppState>,
    user: SignedInUser,
    query: web::Query<DeviceQuery>,
) -> Result<web::Json<DeviceRequestView>, AppError> {
    // A code is guessed only by trying: lookups count like decisions.
    state.rate_limits.approval(user.user_id)?;
    let info = state.identity.device_request(&query.user_code).await?;
    Ok(web::Json(DeviceRequestView {
        user_code: info.user_code,
        client_id: info.client_id,
        scope: info.scope,
        status: info.status,
        expires_at: info.expires_at,
        created_at: info.created_at,
        requested_from: info.requested_from,
    }))
}

async fn decide(
    state: &AppState,
    user: &SignedInUser,
    user_code: &str,
    approve: bool,
) -> Result<web::Json<Success>, AppError> {
    state.rate_limits.approval(user.user_id)?;
    if approve {
        state
            .identity
            .require_password_session(user.session_id)
            .await?;
    }
    state
        .identity
        .decide_device_request(
            user.user_id,
            user.active_org,
            user_code,
            approve,
            &user.actor(),
        )
        .await?;
    Ok(web::Json(Success::yes()))
}

/// Approve the request with this user code: the CLI's next poll gets a session of yours. Only
/// from a session opened with your password (not the CLI's own). Rate-limited per user.
#[utoipa::path(
    post, path = "/api/auth/device/approve", operation_id = operations::APPROVE_DEVICE, tag = "auth",
    request_body = DeviceDecisionRequest,
    responses(
        (status = 200, description = "Approved", body = Success),
        (status = 401, description = "Not signed in", body = ErrorBody),
        (status = 403, description = "password_session_required: a device-code session", body = ErrorBody),
        (status = 404, description = "No such code", body = ErrorBody),
        (status = 409, description = "DEVICE_REQUEST_CLOSED", body = ErrorBody),
        (status = 429, description = "Too many decisions", body = ErrorBody),
    ),
    security(("sessionCookie" = []), ("sessionToken" = [])),
)]
pub async fn approve(
    state: web::Data<AppState>,
    user: SignedInUser,
    request: Json<DeviceDecisionRequest>,
) -> Result<web::Json<Success>, AppError> {
    decide(&state, &user, &request.user_code, true).await
}

/// Deny the request with this user code: the CLI's next poll gets `access_denied`.
#[utoipa::path(
    post, path = "/api/auth/device/deny", operation_id = operations::DENY_DEVICE, tag = "auth",
    request_body = DeviceDecisionRequest,
    responses(
        (status = 200, description = "Denied", body = Success),
        (status = 401, description = "Not signed in", body = ErrorBody),
        (status = 404, description = "No such code", body = ErrorBody),
        (status = 409, description = "DEVICE_REQUEST_CLOSED", body = ErrorBody),
        (status = 429, description = "Too many decisions", body = ErrorBody),
    ),
    security(("sessionCookie" = []), ("sessionToken" = [])),
)]
pub async fn deny(
    state: web::Data<AppState>,
    user: SignedInUser,
    request: Json<DeviceDecisionRequest>,
) -> Result<web::Json<Success>, AppError> {
    decide(&state, &user, &request.user_code, false).await
}

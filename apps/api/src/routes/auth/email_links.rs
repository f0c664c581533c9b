//! The links sent by email: asking for a verification or a password-reset link, and following one.
//! Asking answers the same whether the address has an account or not.

use actix_web::{HttpResponse, web};
use api_http::Json;
use api_types::ErrorBody;
use api_types::auth::{EmailLinkRequest, ResetPasswordRequest, Success, VerifyEmailRequest};
use api_types::operations;

use crate::errors::AppError;
use crate::extract::ClientInfo;
use crate::state::AppState;

/// Send a new link that verifies the address, if it names an account that is not verified yet.
///
/// No credential needed. The answer is the same whether the address has an account or not; an
/// account gets at most three links an hour. Rate-limited per client address and per email.
#[utoipa::path(
    post, path = "/api/auth/send-verification-email", operation_id = operations::SEND_VERIFICATION_EMAIL,
    tag = "auth",
    request_body = EmailLinkRequest,
    responses(
        (status = 200, description = "Sent if the address has an unverified account", body = Success),
        (status = 429, description = "Too many attempts", body = ErrorBody),
    ),
)]
pub async fn send_verification_email(
    state: web::Data<AppState>,
    client: ClientInfo,
    body: Json<EmailLinkRequest>,
) -> Result<HttpResponse, AppError> {
    state.rate_limits.attempt(client.ip, &body.email)?;
    state.identity.send_verification_email(&body.email).await?;
    Ok(HttpResponse::Ok().json(Success::yes()))
}

/// Follow a verification link: its token is used, and the account's address is verified.
///
/// No credential needed. A token works once, for 24 hours.
#[utoipa::path(
    post, path = "/api/auth/verify-email", operation_id = operations::VERIFY_EMAIL, tag = "auth",
    request_body = VerifyEmailRequest,
    responses(
        (status = 200, description = "The address is verified", body = Success),
        (status = 400, description = "The token was used, expired or never sent", body = ErrorBody),
        (status = 429, description = "Too many attempts", body = ErrorBody),
    ),
)]
pub async fn verify_email(
    state: web::Data<AppState>,
    client: ClientInfo,
    body: Json<VerifyEmailRequest>,
) -> Result<HttpResponse, AppError> {
    state.rate_limits.address_attempt(client.ip)?;
    state
        .identity
        .verify_email(&body.token, &client.anonymous_actor())
        .await?;
    Ok(HttpResponse::Ok().json(Success::yes()))
}

/// Send a link that lets the account's owner choose a new password, if the address has an account.
///
/// No credential needed. The answer is the same whether the address has an account or not; an
/// account gets at most three links an hour. Rate-limited per client address and per email.
#[utoipa::path(
    post, path = "/api/auth/request-password-reset", operation_id = operations::REQUEST_PASSWORD_RESET,
    tag = "auth",
    request_body = EmailLinkRequest,
    responses(
        (status = 200, description = "Sent if the address has an account", body = Success),
        (status = 429, description = "Too many attempts", body = ErrorBody),
    ),
)]
pub async fn request_password_reset(
    state: web::Data<AppState>,
    client: ClientInfo,
    body: Json<EmailLinkRequest>,
) -> Result<HttpResponse, AppError> {
    state.rate_limits.attempt(client.ip, &body.email)?;
    state
        .identity
        .request_password_reset(&body.email, &client.anonymous_actor())
        .await?;
    Ok(HttpResponse::Ok().json(Success::yes()))
}

/// Follow a reset link: the password becomes `newPassword` and every session of the account ends.
///
/// No credential needed. A token works once, for an hour; using one ends the account's other
/// reset links. Following it also verifies the address.
#[utoipa::path(
    post, path = "/api/auth/reset-password", operation_id = operations::RESET_PASSWORD, tag = "auth",
    request_body = ResetPasswordRequest,
    responses(
        (status = 200, description = "The password is changed; every session of the account ended", body = Success),
        (status = 400, description = "The token was used, expired or never sent, or the password is too short or too long", body = ErrorBody),
        (status = 429, description = "Too many attempts", body = ErrorBody),
    ),
)]
pub async fn reset_password(
    state: web::Data<AppState>,
    client: ClientInfo,
    body: Json<ResetPasswordRequest>,
) -> Result<HttpResponse, AppError> {
    state.rate_limits.address_attempt(client.ip)?;
    let ResetPasswordRequest {
        token,
        new_password,
    } = body.into_inner();
    state
        .identity
        .reset_password(&token, new_password, &client.anonymous_actor())
        .await?;
    Ok(HttpResponse::Ok().json(Success::yes()))
}

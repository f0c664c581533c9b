//! Platform administration: roles and sessions of any user. Platform administrators only.

use actix_web::web;
use api_http::ApiError;
use api_types::ErrorBody;
use api_types::auth::{RevokeSessionsRequest, RevokeSessionsResponse, SetRoleRequest, Success};
use domain::UserId;

use crate::extract::SignedInUser;
use crate::state::AppState;

/// Set a user's platform role (`platform_admin` or `org_member`); effective on their next request.
#[utoipa::path(
    post, path = "/api/auth/admin/set-role", operation_id = "adminSetRole", tag = "platform",
    request_body = SetRoleRequest,
    responses(
        (status = 200, description = "Changed", body = Success),
        (status = 401, description = "Not signed in", body = ErrorBody),
        (status = 403, description = "Not a platform administrator", body = ErrorBody),
        (status = 404, description = "No such user", body = ErrorBody),
    ),
    security(("sessionCookie" = []), ("sessionToken" = [])),
)]
pub async fn set_role(
    state: web::Data<AppState>,
    user: SignedInUser,
    body: web::Json<SetRoleRequest>,
) -> Result<web::Json<Success>, ApiError> {
    state
        .identity
        .set_platform_role(
            user.user_id,
            UserId::from_uuid(body.user_id),
            body.role,
            &user.actor(),
        )
        .await
        .map_err(|e| state.identity_error(e))?;
    Ok(web::Json(Success::yes()))
}

/// Sign a user out everywhere.
#[utoipa::path(
    post, path = "/api/auth/admin/revoke-sessions", operation_id = "adminRevokeSessions", tag = "platform",
    request_body = RevokeSessionsRequest,
    responses(
        (status = 200, description = "Sessions ended", body = RevokeSessionsResponse),
        (status = 401, description = "Not signed in", body = ErrorBody),
        (status = 403, description = "Not a platform administrator", body = ErrorBody),
        (status = 404, description = "No such user", body = ErrorBody),
    ),
    security(("sessionCookie" = []), ("sessionToken" = [])),
)]
pub async fn revoke_sessions(
    state: web::Data<AppState>,
    user: SignedInUser,
    body: web::Json<RevokeSessionsRequest>,
) -> Result<web::Json<RevokeSessionsResponse>, ApiError> {
    let revoked = state
        .identity
        .revoke_sessions(user.user_id, UserId::from_uuid(body.user_id), &user.actor())
        .await
        .map_err(|e| state.identity_error(e))?;
    Ok(web::Json(RevokeSessionsResponse { revoked }))
}

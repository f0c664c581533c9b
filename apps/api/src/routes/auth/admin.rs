//! Platform administration: finding users, and the roles and sessions of any user. Platform
//! administrators only.

use actix_web::web;
use api_http::Json;
use api_types::ErrorBody;
use api_types::auth::{
    ListUsersQuery, RevokeSessionsRequest, RevokeSessionsResponse, SetRoleRequest, Success,
    UserSummary,
};
use api_types::operations;
use api_types::store::Page;
use commerce::PageRequest;
use domain::UserId;

use crate::errors::AppError;
use crate::extract::SignedInUser;
use crate::state::AppState;

/// Find users, newest first, by part of their email or name (case-insensitive), each with their
/// count of unexpired sessions.
#[utoipa::path(
    get, path = "/api/auth/admin/list-users", operation_id = operations::ADMIN_LIST_USERS, tag = "platform",
    params(ListUsersQuery),
    responses(
        (status = 200, description = "A page of users", body = Page<UserSummary>),
        (status = 400, description = "Bad limit, cursor or query", body = ErrorBody),
        (status = 401, description = "Not signed in", body = ErrorBody),
        (status = 403, description = "Not a platform administrator", body = ErrorBody),
    ),
    security(("sessionCookie" = []), ("sessionToken" = [])),
)]
pub async fn list_users(
    state: web::Data<AppState>,
    user: SignedInUser,
    query: web::Query<ListUsersQuery>,
) -> Result<web::Json<Page<UserSummary>>, AppError> {
    let admin = state.identity.require_platform_admin(user.user_id).await?;
    let page = PageRequest::parse(query.limit, query.cursor.as_deref())?;
    let before = page.before.map(UserId::from_uuid);
    let mut users = state
        .identity
        .list_users(&admin, query.q.as_deref(), before, page.fetch())
        .await?;
    let next_cursor = page.finish(&mut users, |user| user.id.as_uuid());
    let data = users
        .into_iter()
        .map(|user| UserSummary {
            id: user.id.as_uuid(),
            email: user.email,
            name: user.name,
            platform_role: user.role,
            created_at: user.created_at,
            active_sessions: user.active_sessions,
        })
        .collect();
    Ok(web::Json(Page { data, next_cursor }))
}

/// Set a user's platform role (`platform_admin` or `org_member`); effective on their next request.
#[utoipa::path(
    post, path = "/api/auth/admin/set-role", operation_id = operations::ADMIN_SET_ROLE, tag = "platform",
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
    body: Json<SetRoleRequest>,
) -> Result<web::Json<Success>, AppError> {
    state
        .identity
        .set_platform_role(
            user.user_id,
            UserId::from_uuid(body.user_id),
            body.role,
            &user.actor(),
        )
        .await?;
    Ok(web::Json(Success::yes()))
}

/// Sign a user out everywhere.
#[utoipa::path(
    post, path = "/api/auth/admin/revoke-sessions", operation_id = operations::ADMIN_REVOKE_SESSIONS, tag = "platform",
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
    body: Json<RevokeSessionsRequest>,
) -> Result<web::Json<RevokeSessionsResponse>, AppError> {
    let revoked = state
        .identity
        .revoke_sessions(user.user_id, UserId::from_uuid(body.user_id), &user.actor())
        .await?;
    Ok(web::Json(RevokeSessionsResponse { revoked }))
}

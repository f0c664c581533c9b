//! Invitations: how a person joins an organization, by accepting from the email sent to them.
//! Inviting answers the same whether the address has an account or not.

use actix_web::{HttpResponse, web};
use api_http::Json;
use api_types::ErrorBody;
use api_types::auth::{
    AcceptInvitationRequest, CancelInvitationRequest, InvitationPreview, InvitationTokenQuery,
    InvitationView, InviteMemberRequest, OrganizationQuery, OrganizationView, Success,
};
use api_types::operations;
use api_types::store::List;
use db::repo::invitations::Invitation;

use super::organizations::organization_view;
use crate::errors::AppError;
use crate::extract::{ClientInfo, SignedInUser};
use crate::state::AppState;

fn invitation_view(invitation: Invitation) -> InvitationView {
    InvitationView {
        id: invitation.id,
        organization_id: invitation.org.as_uuid(),
        email: invitation.email,
        role: invitation.role,
        status: invitation.status,
        invited_by: invitation.invited_by.map(|user| user.as_uuid()),
        expires_at: invitation.expires_at,
        created_at: invitation.created_at,
    }
}

async fn invite(
    state: &AppState,
    user: &SignedInUser,
    body: InviteMemberRequest,
) -> Result<InvitationView, AppError> {
    let org = user.organization(body.organization_id)?;
    let invitation = state
        .identity
        .invite_member(org, user.user_id, &body.email, body.role, &user.actor())
        .await?;
    Ok(invitation_view(invitation))
}

/// Invite an address to the organization with a role: the link sent there lets its owner accept
/// (signing up first if they have no account). Owners and admins; only an owner invites an owner.
///
/// A pending invitation of the same address is replaced. The answer is the same whether the
/// address has an account or not.
#[utoipa::path(
    post, path = "/api/auth/organization/invite-member", operation_id = operations::INVITE_MEMBER, tag = "organizations",
    request_body = InviteMemberRequest,
    responses(
        (status = 200, description = "Invited; the email is on its way", body = InvitationView),
        (status = 400, description = "Not an email address", body = ErrorBody),
        (status = 401, description = "Not signed in", body = ErrorBody),
        (status = 403, description = "Your role may not invite (or invite owners)", body = ErrorBody),
        (status = 404, description = "Not an organization of yours", body = ErrorBody),
        (status = 409, description = "ALREADY_MEMBER", body = ErrorBody),
    ),
    security(("sessionCookie" = []), ("sessionToken" = [])),
)]
pub async fn invite_member(
    state: web::Data<AppState>,
    user: SignedInUser,
    body: Json<InviteMemberRequest>,
) -> Result<web::Json<InvitationView>, AppError> {
    Ok(web::Json(invite(&state, &user, body.into_inner()).await?))
}

/// Add a member: nobody joins without consent, so this invites, exactly as `invite-member` does;
/// the person becomes a member when they accept.
#[utoipa::path(
    post, path = "/api/auth/organization/add-member", operation_id = operations::ADD_MEMBER, tag = "organizations",
    request_body = InviteMemberRequest,
    responses(
        (status = 202, description = "Invited; they join when they accept", body = InvitationView),
        (status = 400, description = "Not an email address", body = ErrorBody),
        (status = 401, description = "Not signed in", body = ErrorBody),
        (status = 403, description = "Your role may not invite (or invite owners)", body = ErrorBody),
        (status = 404, description = "Not an organization of yours", body = ErrorBody),
        (status = 409, description = "ALREADY_MEMBER", body = ErrorBody),
    ),
    security(("sessionCookie" = []), ("sessionToken" = [])),
)]
pub async fn add_member(
    state: web::Data<AppState>,
    user: SignedInUser,
    body: Json<InviteMemberRequest>,
) -> Result<HttpResponse, AppError> {
    let invitation = invite(&state, &user, body.into_inner()).await?;
    Ok(HttpResponse::Accepted().json(invitation))
}

/// The organization's invitations waiting for an answer, newest first. Any member.
#[utoipa::path(
    get, path = "/api/auth/organization/list-invitations", operation_id = operations::LIST_INVITATIONS, tag = "organizations",
    params(OrganizationQuery),
    responses(
        (status = 200, description = "Pending invitations", body = List<InvitationView>),
        (status = 401, description = "Not signed in", body = ErrorBody),
        (status = 404, description = "Not an organization of yours", body = ErrorBody),
    ),
    security(("sessionCookie" = []), ("sessionToken" = [])),
)]
pub async fn list_invitations(
    state: web::Data<AppState>,
    user: SignedInUser,
    query: web::Query<OrganizationQuery>,
) -> Result<web::Json<List<InvitationView>>, AppError> {
    let org = user.organization(query.organization_id)?;
    let invitations = state.identity.list_invitations(org, user.user_id).await?;
    Ok(web::Json(List {
        data: invitations.into_iter().map(invitation_view).collect(),
    }))
}

/// Take back a pending invitation: its link stops working. Owners and admins.
#[utoipa::path(
    post, path = "/api/auth/organization/cancel-invitation", operation_id = operations::CANCEL_INVITATION, tag = "organizations",
    request_body = CancelInvitationRequest,
    responses(
        (status = 200, description = "Revoked", body = Success),
        (status = 401, description = "Not signed in", body = ErrorBody),
        (status = 403, description = "Your role may not revoke invitations", body = ErrorBody),
        (status = 404, description = "No pending invitation of yours by this id", body = ErrorBody),
    ),
    security(("sessionCookie" = []), ("sessionToken" = [])),
)]
pub async fn cancel_invitation(
    state: web::Data<AppState>,
    user: SignedInUser,
    body: Json<CancelInvitationRequest>,
) -> Result<web::Json<Success>, AppError> {
    let org = user.organization(body.organization_id)?;
    state
        .identity
        .cancel_invitation(org, user.user_id, body.invitation_id, &user.actor())
        .await?;
    Ok(web::Json(Success::yes()))
}

/// What an invitation's link offers: the store, who invited, the address and the role.
///
/// No credential needed: the token is the link's. An invitation accepted, revoked or expired is 404.
#[utoipa::path(
    get, path = "/api/auth/organization/get-invitation", operation_id = operations::GET_INVITATION, tag = "organizations",
    params(InvitationTokenQuery),
    responses(
        (status = 200, description = "The invitation", body = InvitationPreview),
        (status = 404, description = "No invitation can be accepted with this token", body = ErrorBody),
        (status = 429, description = "Too many attempts", body = ErrorBody),
    ),
)]
pub async fn get_invitation(
    state: web::Data<AppState>,
    client: ClientInfo,
    query: web::Query<InvitationTokenQuery>,
) -> Result<web::Json<InvitationPreview>, AppError> {
    state.rate_limits.address_attempt(client.ip)?;
    let details = state.identity.invitation_by_token(&query.token).await?;
    Ok(web::Json(InvitationPreview {
        organization_name: details.organization.name,
        inviter_name: details.inviter,
        email: details.invitation.email,
        role: details.invitation.role,
        expires_at: details.invitation.expires_at,
    }))
}

/// Accept an invitation: the signed-in user becomes a member with its role. Only the account with
/// the invited address may; accepting also verifies that address.
#[utoipa::path(
    post, path = "/api/auth/organization/accept-invitation", operation_id = operations::ACCEPT_INVITATION, tag = "organizations",
    request_body = AcceptInvitationRequest,
    responses(
        (status = 200, description = "Joined", body = OrganizationView),
        (status = 401, description = "Not signed in", body = ErrorBody),
        (status = 403, description = "The invitation is for another address (`invitation_for_another_address`)", body = ErrorBody),
        (status = 404, description = "No invitation can be accepted with this token", body = ErrorBody),
        (status = 409, description = "ALREADY_MEMBER", body = ErrorBody),
    ),
    security(("sessionCookie" = []), ("sessionToken" = [])),
)]
pub async fn accept_invitation(
    state: web::Data<AppState>,
    user: SignedInUser,
    body: Json<AcceptInvitationRequest>,
) -> Result<web::Json<OrganizationView>, AppError> {
    state.rate_limits.approval(user.user_id)?;
    let (organization, role) = state
        .identity
        .accept_invitation(&body.token, user.user_id, &user.actor())
        .await?;
    Ok(web::Json(organization_view(organization, Some(role))))
}

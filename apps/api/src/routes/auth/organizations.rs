//! Organizations and their members.

use actix_web::web;
use api_http::Json;
use api_types::ErrorBody;
use api_types::auth::{
    CreateOrganizationRequest, MemberView, OrganizationQuery, OrganizationView,
    RemoveMemberRequest, SetActiveOrganizationRequest, Success, UpdateMemberRoleRequest,
};
use api_types::operations;
use api_types::store::List;
use db::repo::members::Member;
use db::repo::organizations::Organization;
use domain::{OrgId, OrgRole, UserId};

use crate::errors::AppError;
use crate::extract::SignedInUser;
use crate::state::AppState;

pub(crate) fn organization_view(org: Organization, role: Option<OrgRole>) -> OrganizationView {
    OrganizationView {
        id: org.id.as_uuid(),
        name: org.name,
        slug: org.slug,
        created_at: org.created_at,
        role,
    }
}

fn member_view(member: Member) -> MemberView {
    MemberView {
        user_id: member.user_id.as_uuid(),
        email: member.email,
        name: member.name,
        role: member.role,
        created_at: member.created_at,
    }
}

/// Create an organization: you become its owner and it becomes your active organization.
#[utoipa::path(
    post, path = "/api/auth/organization/create", operation_id = operations::CREATE_ORGANIZATION, tag = "organizations",
    request_body = CreateOrganizationRequest,
    responses(
        (status = 200, description = "Created", body = OrganizationView),
        (status = 400, description = "Invalid name or slug", body = ErrorBody),
        (status = 401, description = "Not signed in", body = ErrorBody),
        (status = 409, description = "SLUG_TAKEN", body = ErrorBody),
    ),
    security(("sessionCookie" = []), ("sessionToken" = [])),
)]
pub async fn create(
    state: web::Data<AppState>,
    user: SignedInUser,
    body: Json<CreateOrganizationRequest>,
) -> Result<web::Json<OrganizationView>, AppError> {
    let org = state
        .identity
        .create_organization(
            user.user_id,
            user.session_id,
            &body.name,
            &body.slug,
            &user.actor(),
        )
        .await?;
    Ok(web::Json(organization_view(org, Some(OrgRole::Owner))))
}

/// The organizations you belong to, with your role in each.
#[utoipa::path(
    get, path = "/api/auth/organization/list", operation_id = operations::LIST_ORGANIZATIONS, tag = "organizations",
    responses(
        (status = 200, description = "Your organizations", body = List<OrganizationView>),
        (status = 401, description = "Not signed in", body = ErrorBody),
    ),
    security(("sessionCookie" = []), ("sessionToken" = [])),
)]
pub async fn list(
    state: web::Data<AppState>,
    user: SignedInUser,
) -> Result<web::Json<List<OrganizationView>>, AppError> {
    let orgs = state.identity.organizations_of(user.user_id).await?;
    Ok(web::Json(List {
        data: orgs
            .into_iter()
            .map(|(org, role)| organization_view(org, Some(role)))
            .collect(),
    }))
}

/// Choose the organization your session acts in (`null` to clear). Only one you belong to.
#[utoipa::path(
    post, path = "/api/auth/organization/set-active", operation_id = operations::SET_ACTIVE_ORGANIZATION, tag = "organizations",
    request_body = SetActiveOrganizationRequest,
    responses(
        (status = 200, description = "The active organization, or null", body = Option<OrganizationView>),
        (status = 401, description = "Not signed in", body = ErrorBody),
        (status = 404, description = "Not an organization of yours", body = ErrorBody),
    ),
    security(("sessionCookie" = []), ("sessionToken" = [])),
)]
pub async fn set_active(
    state: web::Data<AppState>,
    user: SignedInUser,
    body: Json<SetActiveOrganizationRequest>,
) -> Result<web::Json<Option<OrganizationView>>, AppError> {
    let org = state
        .identity
        .set_active_organization(
            user.user_id,
            user.session_id,
            body.organization_id.map(OrgId::from_uuid),
        )
        .await?;
    Ok(web::Json(org.map(|org| organization_view(org, None))))
}

/// The members of your active (or the named) organization.
#[utoipa::path(
    get, path = "/api/auth/organization/list-members", operation_id = operations::LIST_MEMBERS, tag = "organizations",
    params(OrganizationQuery),
    responses(
        (status = 200, description = "Members", body = List<MemberView>),
        (status = 400, description = "NO_ACTIVE_ORGANIZATION", body = ErrorBody),
        (status = 401, description = "Not signed in", body = ErrorBody),
        (status = 404, description = "Not an organization of yours", body = ErrorBody),
    ),
    security(("sessionCookie" = []), ("sessionToken" = [])),
)]
pub async fn list_members(
    state: web::Data<AppState>,
    user: SignedInUser,
    query: web::Query<OrganizationQuery>,
) -> Result<web::Json<List<MemberView>>, AppError> {
    let org = user.organization(query.organization_id)?;
    let members = state.identity.list_members(org, user.user_id).await?;
    Ok(web::Json(List {
        data: members.into_iter().map(member_view).collect(),
    }))
}

/// Remove a member (or leave). Admins cannot remove owners; the last owner cannot leave. The
/// removed user loses access on their next request.
#[utoipa::path(
    post, path = "/api/auth/organization/remove-member", operation_id = operations::REMOVE_MEMBER, tag = "organizations",
    request_body = RemoveMemberRequest,
    responses(
        (status = 200, description = "Removed", body = Success),
        (status = 401, description = "Not signed in", body = ErrorBody),
        (status = 403, description = "Your role may not remove this member", body = ErrorBody),
        (status = 404, description = "No such member", body = ErrorBody),
        (status = 409, description = "LAST_OWNER", body = ErrorBody),
    ),
    security(("sessionCookie" = []), ("sessionToken" = [])),
)]
pub async fn remove_member(
    state: web::Data<AppState>,
    user: SignedInUser,
    body: Json<RemoveMemberRequest>,
) -> Result<web::Json<Success>, AppError> {
    let org = user.organization(body.organization_id)?;
    state
        .identity
        .remove_member(
            org,
            user.user_id,
            UserId::from_uuid(body.user_id),
            &user.actor(),
        )
        .await?;
    Ok(web::Json(Success::yes()))
}

/// Change a member's role. Admins can neither change nor make owners; an organization keeps an owner.
#[utoipa::path(
    post, path = "/api/auth/organization/update-member-role", operation_id = operations::UPDATE_MEMBER_ROLE, tag = "organizations",
    request_body = UpdateMemberRoleRequest,
    responses(
        (status = 200, description = "Changed", body = Success),
        (status = 401, description = "Not signed in", body = ErrorBody),
        (status = 403, description = "Your role may not make this change", body = ErrorBody),
        (status = 404, description = "No such member", body = ErrorBody),
        (status = 409, description = "LAST_OWNER", body = ErrorBody),
    ),
    security(("sessionCookie" = []), ("sessionToken" = [])),
)]
pub async fn update_member_role(
    state: web::Data<AppState>,
    user: SignedInUser,
    body: Json<UpdateMemberRoleRequest>,
) -> Result<web::Json<Success>, AppError> {
    let org = user.organization(body.organization_id)?;
    state
        .identity
        .update_member_role(
            org,
            user.user_id,
            UserId::from_uuid(body.user_id),
            body.role,
            &user.actor(),
        )
        .await?;
    Ok(web::Json(Success::yes()))
}

//! Hosts: connected by a signed-in user (by key, or by an enrollment token the runtime redeems),
//! listed, re-keyed and revoked.

use actix_web::{HttpRequest, HttpResponse, web};
use api_http::{ApiError, Json, OptionalJson};
use api_types::ErrorBody;
use api_types::agent::{
    CreateEnrollmentRequest, CreateHostRequest, EnrollHostRequest, EnrollmentView, HostView,
    RevokeHostRequest, RevokedHostView, RotateHostKeyRequest,
};
use api_types::operations;
use domain::AgentHostId;
use identity::agent_hosts::{NewHost, RevokedHost};
use resolve_caller::VerifiedHost;
use resolve_caller::actix::PresentedHost;

use super::{host_view, key_x};
use crate::errors::AppError;
use crate::extract::{ClientInfo, SignedInUser};
use crate::state::AppState;

/// Connect an agent runtime (a host) by its Ed25519 public key, in your active organization,
/// optionally with default capabilities its agents get without asking again (within your role).
#[utoipa::path(
    post, path = "/api/auth/agent/host/create", operation_id = operations::CREATE_AGENT_HOST, tag = "agents",
    request_body = CreateHostRequest,
    responses(
        (status = 201, description = "Connected", body = HostView),
        (status = 400, description = "Not an Ed25519 key, unknown capabilities, or no active organization", body = ErrorBody),
        (status = 401, description = "Not signed in", body = ErrorBody),
        (status = 403, description = "insufficient_role for a default capability", body = ErrorBody),
        (status = 409, description = "HOST_EXISTS", body = ErrorBody),
    ),
    security(("sessionCookie" = []), ("sessionToken" = [])),
)]
pub async fn create(
    state: web::Data<AppState>,
    user: SignedInUser,
    body: Json<CreateHostRequest>,
) -> Result<HttpResponse, AppError> {
    let org = user.organization(None)?;
    let body = body.into_inner();
    let host = state
        .agents
        .create_host(
            org,
            user.user_id,
            NewHost {
                name: body.name,
                default_capabilities: body.default_capabilities,
            },
            key_x(&body.public_key)?,
            &user.actor(),
        )
        .await?;
    Ok(HttpResponse::Created().json(host_view(host)))
}

/// A one-time enrollment token for a runtime to connect itself as a host of your active
/// organization (valid for an hour; only its hash is kept).
#[utoipa::path(
    post, path = "/api/auth/agent/host/enrollment", operation_id = operations::CREATE_AGENT_HOST_ENROLLMENT, tag = "agents",
    request_body = CreateEnrollmentRequest,
    responses(
        (status = 201, description = "The token, shown once", body = EnrollmentView),
        (status = 400, description = "Unknown capabilities, or no active organization", body = ErrorBody),
        (status = 401, description = "Not signed in", body = ErrorBody),
        (status = 403, description = "insufficient_role for a default capability", body = ErrorBody),
    ),
    security(("sessionCookie" = []), ("sessionToken" = [])),
)]
pub async fn create_enrollment(
    state: web::Data<AppState>,
    user: SignedInUser,
    body: Json<CreateEnrollmentRequest>,
) -> Result<HttpResponse, AppError> {
    let org = user.organization(None)?;
    let body = body.into_inner();
    let created = state
        .agents
        .create_enrollment(
            org,
            user.user_id,
            NewHost {
                name: body.name,
                default_capabilities: body.default_capabilities,
            },
            &user.actor(),
        )
        .await?;
    Ok(HttpResponse::Created().json(EnrollmentView {
        id: created.enrollment.id,
        enrollment_token: created.token,
        expires_at: created.enrollment.expires_at,
        enroll_url: format!(
            "{}/api/auth/agent/host/enroll",
            state.settings.api_public_url
        ),
    }))
}

/// A runtime redeems its enrollment token with its public key and becomes an active host. The
/// token works once.
#[utoipa::path(
    post, path = "/api/auth/agent/host/enroll", operation_id = operations::ENROLL_AGENT_HOST, tag = "agents",
    request_body = EnrollHostRequest,
    responses(
        (status = 201, description = "The host", body = HostView),
        (status = 400, description = "Not an Ed25519 key", body = ErrorBody),
        (status = 401, description = "INVALID_ENROLLMENT_TOKEN (`invalid_enrollment_token`): unknown, used or expired", body = ErrorBody),
        (status = 409, description = "HOST_EXISTS", body = ErrorBody),
        (status = 429, description = "Too many attempts from this address", body = ErrorBody),
    ),
    security(()),
)]
pub async fn enroll(
    req: HttpRequest,
    state: web::Data<AppState>,
    body: Json<EnrollHostRequest>,
) -> Result<HttpResponse, AppError> {
    state
        .rate_limits
        .agent_registration(ClientInfo::of(&req).ip)?;
    let host = state
        .agents
        .redeem_enrollment(&body.enrollment_token, key_x(&body.public_key)?)
        .await?;
    Ok(HttpResponse::Created().json(host_view(host)))
}

/// The hosts of your active organization.
#[utoipa::path(
    get, path = "/api/auth/agent/hosts", operation_id = operations::LIST_AGENT_HOSTS, tag = "agents",
    responses(
        (status = 400, description = "No active organization to list for (`NO_ACTIVE_ORGANIZATION`)", body = ErrorBody),
        (status = 200, description = "Newest first", body = [HostView]),
        (status = 401, description = "Not signed in", body = ErrorBody),
    ),
    security(("sessionCookie" = []), ("sessionToken" = [])),
)]
pub async fn list(
    state: web::Data<AppState>,
    user: SignedInUser,
) -> Result<web::Json<Vec<HostView>>, AppError> {
    let org = user.organization(None)?;
    let hosts = state.agents.hosts_of(org, user.user_id).await?;
    Ok(web::Json(hosts.into_iter().map(host_view).collect()))
}

/// Revoke a host and every agent under it: from the dashboard (`{hostId}`, owners and admins or
/// the host's user), or by the host itself (its `host+jwt`, no body).
#[utoipa::path(
    post, path = "/api/auth/agent/host/revoke", operation_id = operations::REVOKE_AGENT_HOST, tag = "agents",
    request_body(content = Option<RevokeHostRequest>, description = "From the dashboard; a host revoking itself sends none"),
    responses(
        (status = 200, description = "Revoked", body = RevokedHostView),
        (status = 401, description = "Not signed in, and no valid host token", body = ErrorBody),
        (status = 403, description = "Neither an owner or admin nor the host's user", body = ErrorBody),
        (status = 404, description = "No such host in your organization", body = ErrorBody),
    ),
    security(("sessionCookie" = []), ("sessionToken" = []), ("hostJwt" = [])),
)]
pub async fn revoke(
    req: HttpRequest,
    state: web::Data<AppState>,
    host: PresentedHost,
    OptionalJson(body): OptionalJson<RevokeHostRequest>,
) -> Result<web::Json<RevokedHostView>, AppError> {
    let revoked = if let PresentedHost(Some(host)) = host {
        state.rate_limits.host_call(ClientInfo::of(&req).ip)?;
        state.agents.revoke_host_itself(&host).await
    } else {
        let user = SignedInUser::resolve(&req)
            .await
            .map_err(|error| ApiError::from_resolve(error, &state.links))?;
        let org = user.organization(None)?;
        let host = body
            .ok_or_else(|| ApiError::bad_request("MISSING_BODY", "name the host: {hostId}"))?
            .host_id;
        state
            .agents
            .revoke_host(
                org,
                user.user_id,
                AgentHostId::from_uuid(host),
                &user.actor(),
            )
            .await
    };
    let RevokedHost {
        host,
        agents_revoked,
    } = revoked?;
    Ok(web::Json(RevokedHostView {
        host_id: host.id.as_uuid(),
        status: host.status,
        agents_revoked,
    }))
}

/// A host replaces its key, signing this request with the current one. The old key is refused
/// from now on; the host's tokens carry the new thumbprint as `iss`.
#[utoipa::path(
    post, path = "/api/auth/agent/host/rotate-key", operation_id = operations::ROTATE_AGENT_HOST_KEY, tag = "agents",
    request_body = RotateHostKeyRequest,
    responses(
        (status = 200, description = "The host, with its new thumbprint", body = HostView),
        (status = 400, description = "Not an Ed25519 key", body = ErrorBody),
        (status = 401, description = "No valid host token", body = ErrorBody),
        (status = 409, description = "KEY_IN_USE", body = ErrorBody),
    ),
    security(("hostJwt" = [])),
)]
pub async fn rotate_key(
    req: HttpRequest,
    state: web::Data<AppState>,
    host: VerifiedHost,
    body: Json<RotateHostKeyRequest>,
) -> Result<web::Json<HostView>, AppError> {
    state.rate_limits.host_call(ClientInfo::of(&req).ip)?;
    let new_key = key_x(&body.public_key)?;
    let host = state.agents.rotate_host_key(&host, new_key).await?;
    Ok(web::Json(host_view(host)))
}

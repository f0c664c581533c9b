//! Agent Auth: a signed-in user connects a host; the host registers agents (with its `host+jwt`);
//! an agent reads its status (with its `agent+jwt`); a user approves, denies and revokes.

use actix_web::{HttpRequest, HttpResponse, web};
use api_http::{ApiError, FieldError};
use api_types::ErrorBody;
use api_types::agent::{
    AgentStatusView, ApprovalView, ApproveAgentRequest, CreateHostRequest, GrantView, HostView,
    PublicJwk, RegisterAgentRequest, RevokeAgentRequest, RevokeGrantRequest, RevokeHostRequest,
};
use api_types::auth::Success;
use chrono::Utc;
use db::repo::agents::Approval;
use identity::device::display;
use identity::enrollment::ApprovalChoice;
use resolve_caller::{ApiCaller, CallerKind};
use uuid::Uuid;

use crate::extract::SignedInUser;
use crate::state::AppState;

fn key_x(key: &PublicJwk) -> Result<&str, ApiError> {
    if key.kty != "OKP" || key.crv != "Ed25519" {
        return Err(ApiError::validation(vec![FieldError::new(
            "publicKey",
            "must be an Ed25519 JWK (kty OKP, crv Ed25519)",
        )]));
    }
    Ok(&key.x)
}

fn grants(grants: Vec<(String, String)>) -> Vec<GrantView> {
    let mut grants: Vec<GrantView> = grants
        .into_iter()
        .map(|(capability, status)| GrantView { capability, status })
        .collect();
    grants.sort_by(|a, b| a.capability.cmp(&b.capability));
    grants
}

fn approval_view(state: &AppState, approval: &Approval) -> ApprovalView {
    let verification_uri = format!(
        "{}{}",
        state.settings.frontend_url, state.settings.agent_device_auth_page
    );
    let user_code = display(&approval.user_code);
    ApprovalView {
        verification_uri_complete: format!("{verification_uri}?user_code={user_code}"),
        verification_uri,
        user_code,
        expires_in: (approval.expires_at - Utc::now()).num_seconds().max(0),
    }
}

/// Connect an agent runtime (a host) by its Ed25519 public key, in your active organization.
#[utoipa::path(
    post, path = "/api/auth/agent/host/create", operation_id = "createAgentHost", tag = "agents",
    request_body = CreateHostRequest,
    responses(
        (status = 201, description = "Connected", body = HostView),
        (status = 400, description = "Not an Ed25519 key, or no active organization", body = ErrorBody),
        (status = 401, description = "Not signed in", body = ErrorBody),
        (status = 409, description = "HOST_EXISTS", body = ErrorBody),
    ),
    security(("sessionCookie" = []), ("sessionToken" = [])),
)]
pub async fn create_host(
    state: web::Data<AppState>,
    user: SignedInUser,
    body: web::Json<CreateHostRequest>,
) -> Result<HttpResponse, ApiError> {
    let org = user.organization(None)?;
    let host = state
        .agents
        .create_host(
            org,
            user.user_id,
            &body.name,
            key_x(&body.public_key)?,
            &user.actor(),
        )
        .await
        .map_err(|e| state.identity_error(e))?;
    Ok(HttpResponse::Created().json(HostView {
        id: host.id,
        organization_id: host.org_id.as_uuid(),
        name: host.name,
        thumbprint: host.thumbprint,
        status: host.status,
    }))
}

/// Register an agent under a host (authenticated by the host's `host+jwt`). Storefront reads and
/// `createCart` are granted at once; other capabilities wait for a user's approval under the
/// returned user code.
#[utoipa::path(
    post, path = "/api/auth/agent/register", operation_id = "registerAgent", tag = "agents",
    request_body = RegisterAgentRequest,
    responses(
        (status = 201, description = "Registered", body = AgentStatusView),
        (status = 400, description = "Bad key or unknown capabilities", body = ErrorBody),
        (status = 401, description = "INVALID_HOST_TOKEN", body = ErrorBody),
        (status = 409, description = "agent_exists", body = ErrorBody),
        (status = 429, description = "More than 10 registrations a minute from this address", body = ErrorBody),
    ),
    security(("agentJwt" = [])),
)]
pub async fn register(
    req: HttpRequest,
    state: web::Data<AppState>,
    body: web::Json<RegisterAgentRequest>,
) -> Result<HttpResponse, ApiError> {
    state
        .rate_limits
        .agent_registration(crate::extract::ClientInfo::of(&req).ip)?;
    let token = req
        .headers()
        .get(actix_web::http::header::AUTHORIZATION)
        .and_then(|value| value.to_str().ok())
        .and_then(|value| value.strip_prefix("Bearer "))
        .ok_or_else(|| {
            ApiError::unauthorized(
                "INVALID_HOST_TOKEN",
                "send the host's host+jwt as a bearer token",
                &state.links,
            )
        })?;
    let registered = state
        .agents
        .register(
            token,
            &body.name,
            key_x(&body.public_key)?,
            &body.capabilities,
        )
        .await
        .map_err(|e| state.identity_error(e))?;
    Ok(HttpResponse::Created().json(AgentStatusView {
        agent_id: registered.agent_id,
        status: "active".to_owned(),
        approval: registered
            .approval
            .as_ref()
            .map(|approval| approval_view(&state, approval)),
        grants: grants(registered.grants),
    }))
}

/// The id of the agent calling; any other kind of caller is refused (401: these endpoints take an
/// agent's token and nothing else).
pub fn require_agent(state: &AppState, caller: &ApiCaller) -> Result<Uuid, ApiError> {
    if caller.kind() != CallerKind::Agent {
        return Err(ApiError::unauthorized(
            "INVALID_AGENT_TOKEN",
            "this endpoint answers agents only: send an agent+jwt",
            &state.links,
        ));
    }
    caller
        .principal_id()
        .parse()
        .map_err(|_| ApiError::internal("an agent id that is not a UUID"))
}

/// The calling agent's status and grants (with its `agent+jwt`).
#[utoipa::path(
    get, path = "/api/auth/agent/status", operation_id = "agentStatus", tag = "agents",
    responses(
        (status = 200, description = "The agent", body = AgentStatusView),
        (status = 401, description = "Not a valid agent token", body = ErrorBody),
    ),
    security(("agentJwt" = [])),
)]
pub async fn status(
    state: web::Data<AppState>,
    caller: ApiCaller,
) -> Result<web::Json<AgentStatusView>, ApiError> {
    let agent = require_agent(&state, &caller)?;
    state.rate_limits.agent_status(caller.principal_id())?;
    let status = state
        .agents
        .status(caller.org_id(), agent)
        .await
        .map_err(|e| state.identity_error(e))?;
    Ok(web::Json(AgentStatusView {
        agent_id: status.agent_id,
        status: status.status,
        grants: grants(status.grants),
        approval: None,
    }))
}

async fn decide(
    state: &AppState,
    user: &SignedInUser,
    request: ApproveAgentRequest,
    approve: bool,
) -> Result<web::Json<Success>, ApiError> {
    state.rate_limits.approval(user.user_id)?;
    state
        .agents
        .decide(
            user.user_id,
            user.session_id,
            &request.user_code,
            ApprovalChoice {
                approve,
                capabilities: request.capabilities,
                constraints: request.constraints,
                expires_at: request.expires_at,
            },
            &user.actor(),
        )
        .await
        .map_err(|e| state.identity_error(e))?;
    Ok(web::Json(Success::yes()))
}

/// Approve an agent's pending capabilities (all, or the `capabilities` listed) under its user code,
/// optionally until `expiresAt` and within `constraints` on their input. Your session must be at
/// most 5 minutes old; you must belong to the agent's organization and may grant only what your
/// role may do.
#[utoipa::path(
    post, path = "/api/auth/agent/approve", operation_id = "approveAgent", tag = "agents",
    request_body = ApproveAgentRequest,
    responses(
        (status = 200, description = "Approved", body = Success),
        (status = 400, description = "A capability that was not asked for, a malformed constraint or a past expiry", body = ErrorBody),
        (status = 401, description = "Not signed in", body = ErrorBody),
        (status = 403, description = "fresh_session_required or insufficient_role", body = ErrorBody),
        (status = 404, description = "No such code in your organizations", body = ErrorBody),
        (status = 409, description = "APPROVAL_CLOSED", body = ErrorBody),
        (status = 429, description = "Too many decisions", body = ErrorBody),
    ),
    security(("sessionCookie" = []), ("sessionToken" = [])),
)]
pub async fn approve(
    state: web::Data<AppState>,
    user: SignedInUser,
    body: web::Json<ApproveAgentRequest>,
) -> Result<web::Json<Success>, ApiError> {
    decide(&state, &user, body.into_inner(), true).await
}

/// Deny an agent's request: its pending capabilities are denied and the agent is rejected.
#[utoipa::path(
    post, path = "/api/auth/agent/deny", operation_id = "denyAgent", tag = "agents",
    request_body = ApproveAgentRequest,
    responses(
        (status = 200, description = "Denied", body = Success),
        (status = 401, description = "Not signed in", body = ErrorBody),
        (status = 403, description = "fresh_session_required", body = ErrorBody),
        (status = 404, description = "No such code in your organizations", body = ErrorBody),
        (status = 409, description = "APPROVAL_CLOSED", body = ErrorBody),
    ),
    security(("sessionCookie" = []), ("sessionToken" = [])),
)]
pub async fn deny(
    state: web::Data<AppState>,
    user: SignedInUser,
    body: web::Json<ApproveAgentRequest>,
) -> Result<web::Json<Success>, ApiError> {
    decide(&state, &user, body.into_inner(), false).await
}

/// Revoke one capability of an agent of your active organization: refused from its next request.
#[utoipa::path(
    post, path = "/api/auth/agent/grant/revoke", operation_id = "revokeAgentGrant", tag = "agents",
    request_body = RevokeGrantRequest,
    responses(
        (status = 200, description = "Revoked", body = Success),
        (status = 401, description = "Not signed in", body = ErrorBody),
        (status = 403, description = "Neither an owner or admin nor the agent's approver", body = ErrorBody),
        (status = 404, description = "No such agent in your organization", body = ErrorBody),
    ),
    security(("sessionCookie" = []), ("sessionToken" = [])),
)]
pub async fn revoke_grant(
    state: web::Data<AppState>,
    user: SignedInUser,
    body: web::Json<RevokeGrantRequest>,
) -> Result<web::Json<Success>, ApiError> {
    let org = user.organization(None)?;
    state
        .agents
        .revoke_grant(
            org,
            user.user_id,
            body.agent_id,
            &body.capability,
            &user.actor(),
        )
        .await
        .map_err(|e| state.identity_error(e))?;
    Ok(web::Json(Success::yes()))
}

/// Revoke an agent of your active organization: every token of it is refused from now on.
#[utoipa::path(
    post, path = "/api/auth/agent/revoke", operation_id = "revokeAgent", tag = "agents",
    request_body = RevokeAgentRequest,
    responses(
        (status = 200, description = "Revoked", body = Success),
        (status = 401, description = "Not signed in", body = ErrorBody),
        (status = 403, description = "Neither an owner or admin nor the agent's approver", body = ErrorBody),
        (status = 404, description = "No such agent in your organization", body = ErrorBody),
    ),
    security(("sessionCookie" = []), ("sessionToken" = [])),
)]
pub async fn revoke(
    state: web::Data<AppState>,
    user: SignedInUser,
    body: web::Json<RevokeAgentRequest>,
) -> Result<web::Json<Success>, ApiError> {
    let org = user.organization(None)?;
    state
        .agents
        .revoke_agent(org, user.user_id, body.agent_id, &user.actor())
        .await
        .map_err(|e| state.identity_error(e))?;
    Ok(web::Json(Success::yes()))
}

/// Revoke a host of your active organization, and with it every agent under it: their tokens are
/// refused from now on.
#[utoipa::path(
    post, path = "/api/auth/agent/host/revoke", operation_id = "revokeAgentHost", tag = "agents",
    request_body = RevokeHostRequest,
    responses(
        (status = 200, description = "Revoked", body = Success),
        (status = 401, description = "Not signed in", body = ErrorBody),
        (status = 403, description = "Neither an owner or admin nor the host's user", body = ErrorBody),
        (status = 404, description = "No such host in your organization", body = ErrorBody),
    ),
    security(("sessionCookie" = []), ("sessionToken" = [])),
)]
pub async fn revoke_host(
    state: web::Data<AppState>,
    user: SignedInUser,
    body: web::Json<RevokeHostRequest>,
) -> Result<web::Json<Success>, ApiError> {
    let org = user.organization(None)?;
    state
        .agents
        .revoke_host(org, user.user_id, body.host_id, &user.actor())
        .await
        .map_err(|e| state.identity_error(e))?;
    Ok(web::Json(Success::yes()))
}

/// Every capability an agent can ask for (the api's operations under `/v1`), with its scope and
/// approval policy; with an agent's token, also `grant_status` for that agent. No credential needed.
#[utoipa::path(
    get, path = "/api/auth/agent/capabilities", operation_id = "listAgentCapabilities", tag = "agents",
    responses(
        (status = 200, description = "The capabilities", body = Object),
        (status = 401, description = "An agent token that is not valid", body = ErrorBody),
    ),
    security((), ("agentJwt" = [])),
)]
pub async fn capabilities(
    req: HttpRequest,
    state: web::Data<AppState>,
) -> Result<HttpResponse, ApiError> {
    let grants = agent_grants(&req, &state).await?;
    let capabilities: Vec<serde_json::Value> = state
        .capabilities
        .iter()
        .map(|capability| described(capability, grants.as_deref()))
        .collect();
    Ok(HttpResponse::Ok().json(serde_json::json!({ "capabilities": capabilities })))
}

/// A capability as agents see it, with `grant_status` when an agent asks.
fn described(
    capability: &crate::capabilities::Capability,
    grants: Option<&[(String, String)]>,
) -> serde_json::Value {
    let mut described = capability.described();
    if let Some(grants) = grants {
        let status = grants
            .iter()
            .find(|(name, _)| *name == capability.name)
            .map_or("none", |(_, status)| status.as_str());
        described["grant_status"] = serde_json::Value::from(status);
    }
    described
}

/// One capability, described (with `grant_status` for an agent).
#[utoipa::path(
    get, path = "/api/auth/agent/capabilities/{name}", operation_id = "describeAgentCapability", tag = "agents",
    params(("name" = String, Path, description = "The operationId")),
    responses(
        (status = 200, description = "The capability", body = Object),
        (status = 404, description = "No such capability", body = ErrorBody),
    ),
    security((), ("agentJwt" = [])),
)]
pub async fn describe(
    req: HttpRequest,
    state: web::Data<AppState>,
    name: web::Path<String>,
) -> Result<HttpResponse, ApiError> {
    let grants = agent_grants(&req, &state).await?;
    let capability = state
        .capabilities
        .get(&name)
        .ok_or_else(|| ApiError::not_found("capability"))?;
    Ok(HttpResponse::Ok().json(described(capability, grants.as_deref())))
}

/// The grants of the agent calling, when it sent its token; `None` without one.
async fn agent_grants(
    req: &HttpRequest,
    state: &AppState,
) -> Result<Option<Vec<(String, String)>>, ApiError> {
    if !req
        .headers()
        .contains_key(actix_web::http::header::AUTHORIZATION)
    {
        return Ok(None);
    }
    let Some(extractor) = req.app_data::<web::Data<resolve_caller::actix::CallerExtractor>>()
    else {
        return Err(ApiError::internal("caller resolution is not configured"));
    };
    let caller = extractor
        .resolver()
        .resolve(&resolve_caller::actix::raw_credentials(req))
        .await
        .map_err(|error| ApiError::from_resolve(error, &state.links))?;
    let agent = require_agent(state, &caller)?;
    state.rate_limits.agent_call(caller.principal_id())?;
    let status = state
        .agents
        .status(caller.org_id(), agent)
        .await
        .map_err(|e| state.identity_error(e))?;
    Ok(Some(status.grants))
}

/// The discovery document of Agent Auth (absolute URLs from `API_PUBLIC_URL`).
#[utoipa::path(
    get, path = "/.well-known/agent-configuration", operation_id = "agentConfiguration", tag = "agents",
    responses((status = 200, description = "The discovery document", body = Object)),
    security(()),
)]
pub async fn configuration(state: web::Data<AppState>) -> HttpResponse {
    let api = &state.settings.api_public_url;
    let url = |path: &str| format!("{api}/api/auth/agent{path}");
    let approval_page = format!(
        "{}{}",
        state.settings.frontend_url, state.settings.agent_device_auth_page
    );
    HttpResponse::Ok()
        .insert_header((actix_web::http::header::CACHE_CONTROL, "public, max-age=3600"))
        .json(serde_json::json!({
            "version": "1.0-draft",
            "provider_name": "Commerce API",
            "description": "A multi-tenant commerce API: catalog, carts and orders of a store, and its administration.",
            "issuer": api,
            "algorithms": ["Ed25519"],
            "modes": ["delegated"],
            "approval_methods": ["device_authorization"],
            "default_location": api,
            "authorization_endpoint": approval_page,
            "token_endpoint": url("/status"),
            "registration_endpoint": url("/register"),
            "capabilities_endpoint": url("/capabilities"),
            "jwks_uri": format!("{api}/api/auth/jwks"),
            "endpoints": {
                "register": url("/register"),
                "capabilities": url("/capabilities"),
                "describe_capability": url("/capabilities/{name}"),
                "status": url("/status"),
                "execute": url("/capability/execute"),
                "introspect": url("/introspect"),
            },
        }))
}

/// `POST /api/auth/agent/introspect`
#[derive(Debug, serde::Deserialize, utoipa::ToSchema)]
pub struct IntrospectRequest {
    /// An agent's `agent+jwt`.
    token: String,
}

/// For another resource server of the organization: is this agent token valid, and for what? Needs
/// an API key with `admin` scope; a token of another organization is simply `active: false`.
/// Introspecting a token uses it up (its `jti`).
#[utoipa::path(
    post, path = "/api/auth/agent/introspect", operation_id = "introspectAgentToken", tag = "agents",
    request_body = IntrospectRequest,
    responses(
        (status = 200, description = "`{active: false}`, or the agent and what it may do", body = Object),
        (status = 401, description = "No valid API key", body = ErrorBody),
        (status = 403, description = "Not an admin API key", body = ErrorBody),
    ),
    security(("apiKey" = [])),
)]
pub async fn introspect(
    state: web::Data<AppState>,
    caller: ApiCaller,
    body: web::Json<IntrospectRequest>,
) -> Result<HttpResponse, ApiError> {
    if caller.kind() != CallerKind::ApiKey {
        return Err(ApiError::forbidden(
            "api_key_required",
            "introspection needs an admin API key",
        ));
    }
    caller.require(resolve_caller::Scope::Admin)?;
    use resolve_caller::AgentTokenVerifier as _;
    let verified = state.agents.verify_agent_token(&body.token, None).await;
    let answer = match verified {
        Ok(agent) if agent.org_id == caller.org_id() => serde_json::json!({
            "active": true,
            "agent_id": agent.agent_id,
            "organization_id": agent.org_id,
            "user_id": agent.user_id,
            "scopes": agent.scopes,
            "capabilities": agent.capabilities,
        }),
        Ok(_) | Err(resolve_caller::VerifyError::Rejected(_)) => {
            serde_json::json!({ "active": false })
        }
        Err(resolve_caller::VerifyError::Unavailable(source)) => {
            return Err(ApiError::unavailable(source));
        }
    };
    Ok(HttpResponse::Ok().json(answer))
}

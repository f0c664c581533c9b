//! Agents: registered by a host, read by the agent or its host, given more capabilities,
//! reactivated, re-keyed and revoked — and listed and revoked from the dashboard.

use actix_web::{HttpRequest, HttpResponse, web};
use api_http::{ApiError, Json};
use api_types::ErrorBody;
use api_types::agent::{
    AgentChangedView, AgentIdRequest, AgentStatusView, CapabilityAsk, CapabilityRequestView,
    RegisterAgentRequest, RequestCapabilityRequest, RevokeGrantRequest, RotateAgentKeyRequest,
};
use api_types::auth::Success;
use api_types::operations;
use domain::{AgentId, AgentMode, AgentStatus};
use identity::agent_lifecycle::Registration;
use identity::approvals::ApprovalAsk;
use resolve_caller::actix::PresentedHost;
use resolve_caller::{ApiCaller, VerifiedHost};
use serde::Deserialize;
use uuid::Uuid;

use super::{approval_view, grant_view, key_x, require_agent, status_view};
use crate::errors::AppError;
use crate::extract::{ClientInfo, SignedInUser};
use crate::state::AppState;

/// The names asked for. Proposed constraints are refused rather than dropped: a user sets them
/// when approving, and dropping them would grant more than was asked.
fn capability_names(asks: &[CapabilityAsk]) -> Result<Vec<String>, AppError> {
    asks.iter()
        .map(|ask| match ask {
            CapabilityAsk::Object {
                constraints: Some(_),
                name,
            } => Err(ApiError::validation(vec![api_http::FieldError::new(
                "capabilities",
                format!("`{name}`: constraints are set by the approving user, not proposed"),
            )])
            .into()),
            ask => Ok(ask.name().to_owned()),
        })
        .collect()
}

/// How the agent would like its approval asked for, and where the call asking came from (the
/// client address, for the approver).
fn approval_ask(
    preference: api_types::agent::ApprovalPreference,
    client: &ClientInfo,
) -> ApprovalAsk {
    ApprovalAsk {
        reason: preference.reason,
        preferred_method: preference.preferred_method,
        login_hint: preference.login_hint,
        binding_message: preference.binding_message,
        requested_from: client.ip,
    }
}

/// Register an agent under a host (authenticated by the host's `host+jwt`). Storefront reads,
/// `createCart` and the host's default capabilities are granted at once; the rest wait for a
/// user's approval (user code, or CIBA for a named member). Repeating a pending registration
/// answers the same agent. With `AGENT_DYNAMIC_HOSTS`, an unknown host registering on a
/// storefront's domain (its key in the token's `host_public_key`) is created `pending` with its
/// agent until a user approves.
#[utoipa::path(
    post, path = "/api/auth/agent/register", operation_id = operations::REGISTER_AGENT, tag = "agents",
    request_body = RegisterAgentRequest,
    responses(
        (status = 201, description = "Registered", body = AgentStatusView),
        (status = 400, description = "Bad key, unknown capabilities or unsupported mode", body = ErrorBody),
        (status = 401, description = "INVALID_HOST_TOKEN", body = ErrorBody),
        (status = 409, description = "AGENT_EXISTS", body = ErrorBody),
        (status = 429, description = "More than 10 registrations a minute from this address", body = ErrorBody),
    ),
    security(("hostJwt" = [])),
)]
pub async fn register(
    req: HttpRequest,
    state: web::Data<AppState>,
    host: VerifiedHost,
    body: Json<RegisterAgentRequest>,
) -> Result<HttpResponse, AppError> {
    let client = ClientInfo::of(&req);
    state.rate_limits.agent_registration(client.ip)?;
    let body = body.into_inner();
    if body
        .mode
        .as_deref()
        .is_some_and(|mode| mode.parse::<AgentMode>().is_err())
    {
        return Err(ApiError::bad_request(
            "UNSUPPORTED_MODE",
            "this api registers delegated agents only",
        )
        .into());
    }
    let registration = Registration {
        name: body.name,
        public_key_x: key_x(&body.public_key)?.to_owned(),
        capabilities: capability_names(&body.capabilities)?,
        host_name: body.host_name,
        ask: approval_ask(body.approval, &client),
    };
    // Only a host registering itself needs the store it registers on.
    let storefront = if state.settings.agents.dynamic_hosts {
        crate::extract::storefront_of(&req).await?
    } else {
        None
    };
    let registered = state
        .agents
        .register(&host, storefront, registration)
        .await?;
    Ok(HttpResponse::Created().json(status_view(&state, registered)))
}

#[derive(Debug, Deserialize, utoipa::IntoParams)]
pub struct StatusQuery {
    /// With a host's token: which of its agents.
    agent_id: Option<Uuid>,
}

/// An agent's status and grants: the agent's own (its `agent+jwt`), or one of a host's agents
/// (the host's `host+jwt` and `?agent_id=`). The polling target while approval is pending.
#[utoipa::path(
    get, path = "/api/auth/agent/status", operation_id = operations::AGENT_STATUS, tag = "agents",
    params(StatusQuery),
    responses(
        (status = 200, description = "The agent", body = AgentStatusView),
        (status = 400, description = "A host's token without `agent_id`", body = ErrorBody),
        (status = 401, description = "Not a valid agent or host token", body = ErrorBody),
        (status = 404, description = "No such agent of this host", body = ErrorBody),
        (status = 429, description = "Polling faster than 300 a minute", body = ErrorBody),
    ),
    security(("agentJwt" = []), ("hostJwt" = [])),
)]
pub async fn status(
    req: HttpRequest,
    state: web::Data<AppState>,
    host: PresentedHost,
    query: web::Query<StatusQuery>,
) -> Result<web::Json<AgentStatusView>, AppError> {
    let agent = if let PresentedHost(Some(host)) = host {
        let agent = query.agent_id.ok_or_else(|| {
            ApiError::bad_request("MISSING_AGENT_ID", "name the agent: ?agent_id=")
        })?;
        state.rate_limits.host_status(ClientInfo::of(&req).ip)?;
        state
            .agents
            .state_for_host(&host, AgentId::from_uuid(agent))
            .await
    } else {
        let caller = crate::extract::resolve_caller(&req).await?;
        let agent = require_agent(&state, &caller)?;
        state.rate_limits.agent_status(agent)?;
        state.agents.state(caller.org_id(), agent).await
    }?;
    Ok(web::Json(status_view(&state, agent)))
}

/// An active agent asks for more capabilities (its `agent+jwt`). Those it may have at once are
/// granted; the rest wait for a user's approval, answered as for registration.
#[utoipa::path(
    post, path = "/api/auth/agent/request-capability", operation_id = operations::REQUEST_AGENT_CAPABILITY, tag = "agents",
    request_body = RequestCapabilityRequest,
    responses(
        (status = 200, description = "The grants of what was asked", body = CapabilityRequestView),
        (status = 400, description = "invalid_capabilities", body = ErrorBody),
        (status = 401, description = "Not a valid agent token", body = ErrorBody),
        (status = 409, description = "ALREADY_GRANTED", body = ErrorBody),
    ),
    security(("agentJwt" = [])),
)]
pub async fn request_capability(
    state: web::Data<AppState>,
    caller: ApiCaller,
    client: ClientInfo,
    body: Json<RequestCapabilityRequest>,
) -> Result<web::Json<CapabilityRequestView>, AppError> {
    ask_for_more(&state, &caller, &client, body.into_inner()).await
}

/// The seed's `authorization_endpoint`: starts an approval of more capabilities for the calling
/// agent, exactly as `request-capability` does.
#[utoipa::path(
    post, path = "/api/auth/agent/authorize", operation_id = operations::AUTHORIZE_AGENT, tag = "agents",
    request_body = RequestCapabilityRequest,
    responses(
        (status = 200, description = "The grants of what was asked", body = CapabilityRequestView),
        (status = 400, description = "invalid_capabilities", body = ErrorBody),
        (status = 401, description = "Not a valid agent token", body = ErrorBody),
        (status = 409, description = "ALREADY_GRANTED", body = ErrorBody),
    ),
    security(("agentJwt" = [])),
)]
pub async fn authorize(
    state: web::Data<AppState>,
    caller: ApiCaller,
    client: ClientInfo,
    body: Json<RequestCapabilityRequest>,
) -> Result<web::Json<CapabilityRequestView>, AppError> {
    ask_for_more(&state, &caller, &client, body.into_inner()).await
}

/// The seed's `token_endpoint`: polls the calling agent's approval. While a user has not decided,
/// 400 `authorization_pending` (poll again after `details.interval` seconds); then the agent's
/// status and grants.
#[utoipa::path(
    post, path = "/api/auth/agent/token", operation_id = operations::POLL_AGENT_APPROVAL, tag = "agents",
    responses(
        (status = 200, description = "Decided: the agent", body = AgentStatusView),
        (status = 400, description = "authorization_pending", body = ErrorBody),
        (status = 401, description = "Not a valid agent token (a rejected agent's is not)", body = ErrorBody),
        (status = 429, description = "Polling faster than 300 a minute", body = ErrorBody),
    ),
    security(("agentJwt" = [])),
)]
pub async fn token(
    state: web::Data<AppState>,
    caller: ApiCaller,
) -> Result<web::Json<AgentStatusView>, AppError> {
    let agent = require_agent(&state, &caller)?;
    state.rate_limits.agent_status(agent)?;
    let agent = state.agents.state(caller.org_id(), agent).await?;
    if agent.approval.is_some() {
        return Err(ApiError::bad_request(
            "AUTHORIZATION_PENDING",
            "a user has not decided yet; poll again",
        )
        .with_detail("interval", identity::approvals::POLL_INTERVAL_SECONDS)
        .into());
    }
    Ok(web::Json(status_view(&state, agent)))
}

async fn ask_for_more(
    state: &AppState,
    caller: &ApiCaller,
    client: &ClientInfo,
    body: RequestCapabilityRequest,
) -> Result<web::Json<CapabilityRequestView>, AppError> {
    let agent = require_agent(state, caller)?;
    state.rate_limits.agent_call(agent)?;
    let requested = state
        .agents
        .request_capabilities(
            caller.org_id(),
            agent,
            &capability_names(&body.capabilities)?,
            &approval_ask(body.approval, client),
        )
        .await?;
    Ok(web::Json(CapabilityRequestView {
        agent_id: agent.as_uuid(),
        agent_capability_grants: requested.grants.into_iter().map(grant_view).collect(),
        approval: requested
            .approval
            .as_ref()
            .map(|approval| approval_view(state, approval)),
    }))
}

/// A host brings back its expired agent: grants go back to the host's defaults, the session and
/// max lifetime start over. An active agent is answered as it is.
#[utoipa::path(
    post, path = "/api/auth/agent/reactivate", operation_id = operations::REACTIVATE_AGENT, tag = "agents",
    request_body = AgentIdRequest,
    responses(
        (status = 200, description = "The agent", body = AgentStatusView),
        (status = 401, description = "No valid host token", body = ErrorBody),
        (status = 403, description = "agent_revoked, agent_rejected, agent_pending or absolute_lifetime_exceeded", body = ErrorBody),
        (status = 404, description = "No such agent of this host", body = ErrorBody),
    ),
    security(("hostJwt" = [])),
)]
pub async fn reactivate(
    req: HttpRequest,
    state: web::Data<AppState>,
    host: VerifiedHost,
    body: Json<AgentIdRequest>,
) -> Result<web::Json<AgentStatusView>, AppError> {
    state.rate_limits.host_call(ClientInfo::of(&req).ip)?;
    let agent = state
        .agents
        .reactivate(&host, AgentId::from_uuid(body.agent_id))
        .await?;
    Ok(web::Json(status_view(&state, agent)))
}

/// A host gives one of its agents a new key (signed with the host's key, so it works when the
/// agent's key is lost). The old key is refused from now on.
#[utoipa::path(
    post, path = "/api/auth/agent/rotate-key", operation_id = operations::ROTATE_AGENT_KEY, tag = "agents",
    request_body = RotateAgentKeyRequest,
    responses(
        (status = 200, description = "Rotated", body = AgentChangedView),
        (status = 400, description = "Not an Ed25519 key", body = ErrorBody),
        (status = 401, description = "No valid host token", body = ErrorBody),
        (status = 404, description = "No such agent of this host", body = ErrorBody),
        (status = 409, description = "KEY_IN_USE", body = ErrorBody),
    ),
    security(("hostJwt" = [])),
)]
pub async fn rotate_key(
    req: HttpRequest,
    state: web::Data<AppState>,
    host: VerifiedHost,
    body: Json<RotateAgentKeyRequest>,
) -> Result<web::Json<AgentChangedView>, AppError> {
    state.rate_limits.host_call(ClientInfo::of(&req).ip)?;
    let agent = state
        .agents
        .rotate_agent_key(
            &host,
            AgentId::from_uuid(body.agent_id),
            key_x(&body.public_key)?,
        )
        .await?;
    Ok(web::Json(AgentChangedView {
        agent_id: agent.id.as_uuid(),
        status: agent.status,
    }))
}

/// Revoke an agent for good: from the dashboard (owners and admins, or the agent's user), or by
/// its host (`host+jwt`). Its tokens are refused from the next request on.
#[utoipa::path(
    post, path = "/api/auth/agent/revoke", operation_id = operations::REVOKE_AGENT, tag = "agents",
    request_body = AgentIdRequest,
    responses(
        (status = 200, description = "Revoked", body = AgentChangedView),
        (status = 401, description = "Not signed in, and no valid host token", body = ErrorBody),
        (status = 403, description = "Neither an owner or admin nor the agent's user", body = ErrorBody),
        (status = 404, description = "No such agent in your organization (or of this host)", body = ErrorBody),
    ),
    security(("sessionCookie" = []), ("sessionToken" = []), ("hostJwt" = [])),
)]
pub async fn revoke(
    req: HttpRequest,
    state: web::Data<AppState>,
    host: PresentedHost,
    body: Json<AgentIdRequest>,
) -> Result<web::Json<AgentChangedView>, AppError> {
    if let PresentedHost(Some(host)) = host {
        state.rate_limits.host_call(ClientInfo::of(&req).ip)?;
        state
            .agents
            .revoke_agent_by_host(&host, AgentId::from_uuid(body.agent_id))
            .await
            .map(|_| ())
    } else {
        let user = SignedInUser::resolve(&req)
            .await
            .map_err(|error| ApiError::from_resolve(error, &state.links))?;
        let org = user.organization(None)?;
        state
            .agents
            .revoke_agent(
                org,
                user.user_id,
                AgentId::from_uuid(body.agent_id),
                &user.actor(),
            )
            .await
    }?;
    Ok(web::Json(AgentChangedView {
        agent_id: body.agent_id,
        status: AgentStatus::Revoked,
    }))
}

/// Revoke one capability of an agent of your active organization: refused from its next request.
#[utoipa::path(
    post, path = "/api/auth/agent/grant/revoke", operation_id = operations::REVOKE_AGENT_GRANT, tag = "agents",
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
    body: Json<RevokeGrantRequest>,
) -> Result<web::Json<Success>, AppError> {
    let org = user.organization(None)?;
    state
        .agents
        .revoke_grant(
            org,
            user.user_id,
            AgentId::from_uuid(body.agent_id),
            &body.capability,
            &user.actor(),
        )
        .await?;
    Ok(web::Json(Success::yes()))
}

/// The agents of your active organization, with their grants.
#[utoipa::path(
    get, path = "/api/auth/agent/list", operation_id = operations::LIST_AGENTS, tag = "agents",
    responses(
        (status = 400, description = "No active organization to list for (`NO_ACTIVE_ORGANIZATION`)", body = ErrorBody),
        (status = 200, description = "Newest first", body = [AgentStatusView]),
        (status = 401, description = "Not signed in", body = ErrorBody),
    ),
    security(("sessionCookie" = []), ("sessionToken" = [])),
)]
pub async fn list(
    state: web::Data<AppState>,
    user: SignedInUser,
) -> Result<web::Json<Vec<AgentStatusView>>, AppError> {
    let org = user.organization(None)?;
    let agents = state.agents.agents_of(org, user.user_id).await?;
    Ok(web::Json(
        agents
            .into_iter()
            .map(|agent| status_view(&state, agent))
            .collect(),
    ))
}

//! What agents and resource servers read: the discovery document, the capabilities (with an
//! agent's grant status), and introspection of agent tokens.

use actix_web::{HttpRequest, HttpResponse, web};
use api_http::{ApiError, Json};
use api_types::ErrorBody;
use api_types::operations;
use domain::{AgentMode, ApprovalMethod, GrantStatus};
use resolve_caller::{ApiCaller, CallerKind};

use super::require_agent;
use crate::errors::AppError;
use crate::state::AppState;

/// Every capability an agent can ask for (the api's operations under `/v1`), with its scope and
/// approval policy; with an agent's token, also `grant_status` for that agent. No credential needed.
#[utoipa::path(
    get, path = "/api/auth/agent/capabilities", operation_id = operations::LIST_AGENT_CAPABILITIES, tag = "agents",
    responses(
        (status = 200, description = "The capabilities", body = Object),
        (status = 401, description = "An agent token that is not valid", body = ErrorBody),
    ),
    security((), ("agentJwt" = [])),
)]
pub async fn capabilities(
    req: HttpRequest,
    state: web::Data<AppState>,
) -> Result<HttpResponse, AppError> {
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
    grants: Option<&[(String, GrantStatus)]>,
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
    get, path = "/api/auth/agent/capabilities/{name}", operation_id = operations::DESCRIBE_AGENT_CAPABILITY, tag = "agents",
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
) -> Result<HttpResponse, AppError> {
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
) -> Result<Option<Vec<(String, GrantStatus)>>, AppError> {
    if !req
        .headers()
        .contains_key(actix_web::http::header::AUTHORIZATION)
    {
        return Ok(None);
    }
    let caller = crate::extract::resolve_caller(req).await?;
    let agent = require_agent(state, &caller)?;
    state.rate_limits.agent_call(agent)?;
    let agent = state.agents.state(caller.org_id(), agent).await?;
    Ok(Some(
        agent
            .grants
            .into_iter()
            .map(|grant| (grant.capability, grant.status))
            .collect(),
    ))
}

/// The discovery document of Agent Auth (absolute URLs from `API_PUBLIC_URL`).
#[utoipa::path(
    get, path = "/.well-known/agent-configuration", operation_id = operations::AGENT_CONFIGURATION, tag = "agents",
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
            "modes": AgentMode::ALL,
            "approval_methods": ApprovalMethod::ALL,
            "default_location": api,
            "authorization_endpoint": url("/authorize"),
            "token_endpoint": url("/token"),
            "approval_page": approval_page,
            "registration_endpoint": url("/register"),
            "capabilities_endpoint": url("/capabilities"),
            "jwks_uri": format!("{api}/api/auth/jwks"),
            "endpoints": {
                "register": url("/register"),
                "capabilities": url("/capabilities"),
                "describe_capability": url("/capabilities/{name}"),
                "execute": url("/capability/execute"),
                "request_capability": url("/request-capability"),
                "status": url("/status"),
                "reactivate": url("/reactivate"),
                "revoke": url("/revoke"),
                "revoke_host": url("/host/revoke"),
                "rotate_key": url("/rotate-key"),
                "rotate_host_key": url("/host/rotate-key"),
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
/// an API key with `admin` scope; a token of another organization is simply `active: false`, and
/// nothing of it is used up. Introspecting a token of the organization uses it up (its `jti`).
#[utoipa::path(
    post, path = "/api/auth/agent/introspect", operation_id = operations::INTROSPECT_AGENT_TOKEN, tag = "agents",
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
    body: Json<IntrospectRequest>,
) -> Result<HttpResponse, AppError> {
    if caller.kind() != CallerKind::ApiKey {
        return Err(ApiError::forbidden(
            "api_key_required",
            "introspection needs an admin API key",
        )
        .into());
    }
    caller.require(resolve_caller::Scope::Admin)?;
    let verified = state
        .agents
        .verify_agent_token_of(caller.org_id(), &body.token)
        .await;
    let agent = match verified {
        Ok(agent) => agent,
        Err(resolve_caller::VerifyError::Rejected(_)) => {
            return Ok(HttpResponse::Ok().json(serde_json::json!({ "active": false })));
        }
        Err(resolve_caller::VerifyError::Unavailable(source)) => {
            return Err(ApiError::unavailable(source).into());
        }
    };
    let id = agent.agent_id;
    let known = state.agents.state(agent.org_id, id).await?;
    let grants: Vec<serde_json::Value> = agent
        .capabilities
        .iter()
        .map(|capability| serde_json::json!({"capability": capability, "status": GrantStatus::Active}))
        .collect();
    let answer = serde_json::json!({
        "active": true,
        "agent_id": agent.agent_id,
        "host_id": known.agent.host_id,
        "organization_id": agent.org_id,
        "user_id": agent.user_id,
        "mode": known.agent.mode,
        "expires_at": known.session_ends,
        "scopes": agent.scopes,
        "capabilities": agent.capabilities,
        "agent_capability_grants": grants,
    });
    Ok(HttpResponse::Ok().json(answer))
}

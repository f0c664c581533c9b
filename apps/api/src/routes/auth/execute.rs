//! `POST /api/auth/agent/capability/execute`: an agent runs one of its capabilities by name.

use actix_web::http::header::HeaderName;
use actix_web::http::{Method, StatusCode};
use actix_web::{HttpMessage as _, HttpRequest, HttpResponse, web};
use api_http::{ApiError, Json, RequestId};
use api_types::ErrorBody;
use api_types::agent::ExecuteRequest;
use api_types::commerce::IdempotencyKeyHeader;
use api_types::operations;
use identity::AuditAction;
use resolve_caller::ApiCaller;
use serde_json::{Map, Value, json};

use super::agent::require_agent;
use crate::capabilities::Capability;
use crate::errors::AppError;
use crate::execute::{Call, InProcess};
use crate::extract::ClientInfo;
use crate::state::AppState;

/// Run a granted capability as the calling agent, through the same validation and handler as its
/// REST route. The token's `aud` is this endpoint's URL. Answers `{data}` with the operation's
/// success status, or the operation's own error.
#[utoipa::path(
    post, path = "/api/auth/agent/capability/execute", operation_id = operations::EXECUTE_AGENT_CAPABILITY, tag = "agents",
    request_body = ExecuteRequest,
    params(IdempotencyKeyHeader),
    responses(
        (status = 200, description = "`{data}`: what the operation answered", body = Object),
        (status = 201, description = "`{data}`: what the operation created", body = Object),
        (status = 400, description = "Arguments the operation cannot take, or its own validation", body = ErrorBody),
        (status = 401, description = "Not a valid agent token for this endpoint", body = ErrorBody),
        (status = 403, description = "capability_not_granted or constraint_violated", body = ErrorBody),
        (status = 404, description = "No such capability, or the operation's resource is not found", body = ErrorBody),
        (status = 409, description = "The operation's conflict", body = ErrorBody),
        (status = 429, description = "Too many calls of this agent", body = ErrorBody),
    ),
    security(("agentJwt" = [])),
)]
pub async fn execute(
    req: HttpRequest,
    state: web::Data<AppState>,
    in_process: web::Data<InProcess>,
    caller: ApiCaller,
    body: Json<ExecuteRequest>,
) -> Result<HttpResponse, AppError> {
    let agent = require_agent(&state, &caller)?;
    state.rate_limits.agent_call(agent)?;
    let ExecuteRequest {
        capability,
        arguments,
    } = body.into_inner();
    let capability = state
        .capabilities
        .get(&capability)
        .ok_or_else(|| ApiError::not_found("capability"))?;
    caller.require_granted(capability.policy.scope, &capability.name)?;
    let ids = argument_ids(capability, &arguments);
    let call = Call::of(capability, arguments)?;
    let request_id = req.extensions().get::<RequestId>().cloned();
    let answer = in_process
        .run(
            &caller,
            call,
            req.headers()
                .get(HeaderName::from_static("idempotency-key")),
            request_id.as_ref(),
        )
        .await?;
    if !answer.status.is_success() {
        return Ok(HttpResponse::build(answer.status).json(answer.body));
    }
    if capability.method != Method::GET {
        record_execution(&req, &state, &caller, capability, ids).await;
    }
    // `{data}` is a body, which a 204 cannot carry: an operation that answers nothing is a 200
    // with `data: null` here.
    let status = if answer.status == StatusCode::NO_CONTENT {
        StatusCode::OK
    } else {
        answer.status
    };
    Ok(HttpResponse::build(status).json(json!({ "data": answer.body })))
}

/// The ids among the arguments (path parameters and `…Id` fields), for the audit log: what was
/// acted on, without the rest of the input.
fn argument_ids(capability: &Capability, arguments: &Map<String, Value>) -> Map<String, Value> {
    arguments
        .iter()
        .filter(|(name, _)| {
            capability.path_parameters.contains(name) || name.ends_with("Id") || *name == "id"
        })
        .map(|(name, value)| (name.clone(), value.clone()))
        .collect()
}

/// Every executed change is audited. The change is already made: a failure to record it is
/// logged, not answered as a failure the agent might retry.
async fn record_execution(
    req: &HttpRequest,
    state: &AppState,
    caller: &ApiCaller,
    capability: &Capability,
    ids: Map<String, Value>,
) {
    let actor = ClientInfo::of(req).actor_for(caller);
    let recorded = state
        .identity
        .audit(
            caller.org_id(),
            &actor,
            AuditAction::AgentCapabilityExecuted,
            Some(capability.name.clone()),
            json!({ "capability": capability.name, "arguments": ids }),
        )
        .await;
    if let Err(error) = recorded {
        tracing::error!(%error, capability = %capability.name, "an executed capability was not audited");
    }
}

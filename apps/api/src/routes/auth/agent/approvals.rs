//! Approvals from the dashboard: a user decides an agent's request by its user code (device
//! authorization) or, for the CIBA requests addressed to them, from their pending list.

use actix_web::web;
use api_http::{ApiError, FieldError, Json};
use api_types::ErrorBody;
use api_types::agent::{ApprovalRequestView, ApproveAgentRequest, PendingApprovalView};
use api_types::auth::Success;
use api_types::operations;
use domain::ApprovalId;
use identity::approvals::{ApprovalChoice, ApprovalTarget};
use uuid::Uuid;

use crate::errors::AppError;
use crate::extract::SignedInUser;
use crate::state::AppState;

async fn decide(
    state: &AppState,
    user: &SignedInUser,
    request: ApproveAgentRequest,
    approve: bool,
) -> Result<web::Json<Success>, AppError> {
    state.rate_limits.approval(user.user_id)?;
    for (name, constraints) in &request.constraints {
        if let Some(capability) = state.capabilities.get(name) {
            capability
                .check_constraints(constraints)
                .map_err(|problem| {
                    ApiError::validation(vec![FieldError::new("constraints", problem)])
                })?;
        }
    }
    let target = target_of(request.user_code, request.request_id)?;
    state
        .agents
        .decide(
            user.user_id,
            user.session_id,
            target,
            ApprovalChoice {
                approve,
                capabilities: request.capabilities,
                constraints: request.constraints,
                expires_at: request.expires_at,
            },
            &user.actor(),
        )
        .await?;
    Ok(web::Json(Success::yes()))
}

/// Approve an agent's request (all of it, or the `capabilities` listed), by its `userCode` or —
/// a CIBA request addressed to you — its `requestId`, optionally until `expiresAt` and within
/// `constraints` on their input. Your session must be at most 5 minutes old; you must belong to
/// the agent's organization and may grant only what your role may do.
#[utoipa::path(
    post, path = "/api/auth/agent/approve", operation_id = operations::APPROVE_AGENT, tag = "agents",
    request_body = ApproveAgentRequest,
    responses(
        (status = 200, description = "Approved", body = Success),
        (status = 400, description = "Neither or both of userCode and requestId, a capability that was not asked for, a malformed constraint or a past expiry", body = ErrorBody),
        (status = 401, description = "Not signed in", body = ErrorBody),
        (status = 403, description = "fresh_session_required or insufficient_role", body = ErrorBody),
        (status = 404, description = "No such request for you", body = ErrorBody),
        (status = 409, description = "APPROVAL_CLOSED", body = ErrorBody),
        (status = 429, description = "Too many decisions", body = ErrorBody),
    ),
    security(("sessionCookie" = []), ("sessionToken" = [])),
)]
pub async fn approve(
    state: web::Data<AppState>,
    user: SignedInUser,
    body: Json<ApproveAgentRequest>,
) -> Result<web::Json<Success>, AppError> {
    decide(&state, &user, body.into_inner(), true).await
}

/// Deny an agent's request: its capabilities are denied, and a registration's agent is rejected
/// (with its host, when the host registered itself).
#[utoipa::path(
    post, path = "/api/auth/agent/deny", operation_id = operations::DENY_AGENT, tag = "agents",
    request_body = ApproveAgentRequest,
    responses(
        (status = 200, description = "Denied", body = Success),
        (status = 400, description = "Neither or both of userCode and requestId", body = ErrorBody),
        (status = 401, description = "Not signed in", body = ErrorBody),
        (status = 403, description = "fresh_session_required", body = ErrorBody),
        (status = 404, description = "No such request for you", body = ErrorBody),
        (status = 409, description = "APPROVAL_CLOSED", body = ErrorBody),
    ),
    security(("sessionCookie" = []), ("sessionToken" = [])),
)]
pub async fn deny(
    state: web::Data<AppState>,
    user: SignedInUser,
    body: Json<ApproveAgentRequest>,
) -> Result<web::Json<Success>, AppError> {
    decide(&state, &user, body.into_inner(), false).await
}

#[derive(Debug, serde::Deserialize, utoipa::IntoParams)]
pub struct ApprovalQuery {
    /// The code the agent showed (`WDJB-MJHT`; case and dashes do not matter).
    #[serde(default)]
    user_code: Option<String>,
    /// Or the id of a CIBA request addressed to you (from your pending list).
    #[serde(default)]
    request_id: Option<Uuid>,
}

/// The one request a lookup or a decision names.
fn target_of(
    user_code: Option<String>,
    request_id: Option<Uuid>,
) -> Result<ApprovalTarget, AppError> {
    match (user_code, request_id) {
        (Some(code), None) => Ok(ApprovalTarget::UserCode(code)),
        (None, Some(id)) => Ok(ApprovalTarget::Request(ApprovalId::from_uuid(id))),
        _ => Err(ApiError::validation(vec![FieldError::new(
            "userCode",
            "name the request by its userCode or its requestId, one of the two",
        )])
        .into()),
    }
}

/// What an agent asks, for the approval page (`AGENT_DEVICE_AUTH_PAGE`): the agent, its host and
/// the capabilities described — by the user code it showed (members of the agent's organization),
/// or by the id of a CIBA request addressed to you.
#[utoipa::path(
    get, path = "/api/auth/agent/approval", operation_id = operations::GET_AGENT_APPROVAL_REQUEST, tag = "agents",
    params(ApprovalQuery),
    responses(
        (status = 200, description = "The request", body = ApprovalRequestView),
        (status = 400, description = "Neither or both of user_code and request_id", body = ErrorBody),
        (status = 401, description = "Not signed in", body = ErrorBody),
        (status = 404, description = "No such code in your organizations", body = ErrorBody),
        (status = 429, description = "Too many lookups", body = ErrorBody),
    ),
    security(("sessionCookie" = []), ("sessionToken" = [])),
)]
pub async fn lookup(
    state: web::Data<AppState>,
    user: SignedInUser,
    query: web::Query<ApprovalQuery>,
) -> Result<web::Json<ApprovalRequestView>, AppError> {
    // A code is guessed only by trying: lookups count like decisions.
    state.rate_limits.approval(user.user_id)?;
    let query = query.into_inner();
    let target = target_of(query.user_code, query.request_id)?;
    let (approval, agent, host) = state.agents.approval_for(user.user_id, target).await?;
    let sign_in_again = !state.agents.is_fresh(user.session_id).await?;
    Ok(web::Json(ApprovalRequestView {
        request_id: approval.id.as_uuid(),
        organization_id: approval.org_id.as_uuid(),
        agent_id: agent.id.as_uuid(),
        agent_name: agent.name,
        host_id: host.id.as_uuid(),
        host_name: host.name,
        status: approval.status,
        purpose: approval.purpose,
        capabilities: approval
            .capabilities
            .iter()
            .filter_map(|name| state.capabilities.get(name))
            .map(crate::capabilities::Capability::described)
            .collect(),
        binding_message: approval.binding_message,
        created_at: approval.created_at,
        expires_at: approval.expires_at,
        requested_from: approval.requested_from,
        sign_in_again,
    }))
}

/// The CIBA requests waiting for your decision, newest first.
#[utoipa::path(
    get, path = "/api/auth/agent/ciba/pending", operation_id = operations::LIST_PENDING_AGENT_APPROVALS, tag = "agents",
    responses(
        (status = 200, description = "Pending requests addressed to you", body = [PendingApprovalView]),
        (status = 401, description = "Not signed in", body = ErrorBody),
    ),
    security(("sessionCookie" = []), ("sessionToken" = [])),
)]
pub async fn pending(
    state: web::Data<AppState>,
    user: SignedInUser,
) -> Result<web::Json<Vec<PendingApprovalView>>, AppError> {
    let pending = state.agents.pending_approvals(user.user_id).await?;
    Ok(web::Json(
        pending
            .into_iter()
            .map(|(approval, agent_name)| PendingApprovalView {
                request_id: approval.id.as_uuid(),
                organization_id: approval.org_id.as_uuid(),
                agent_id: approval.agent_id.as_uuid(),
                agent_name,
                capabilities: approval.capabilities,
                purpose: approval.purpose,
                binding_message: approval.binding_message,
                created_at: approval.created_at,
                expires_at: approval.expires_at,
            })
            .collect(),
    ))
}

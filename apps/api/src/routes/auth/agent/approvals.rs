//! Approvals from the dashboard: a user decides an agent's request by its user code (device
//! authorization) or, for the CIBA requests addressed to them, from their pending list.

use actix_web::web;
use api_http::{ApiError, FieldError};
use api_types::ErrorBody;
use api_types::agent::{ApproveAgentRequest, PendingApprovalView};
use api_types::auth::Success;
use identity::approvals::{ApprovalChoice, ApprovalTarget};

use crate::extract::SignedInUser;
use crate::state::AppState;

async fn decide(
    state: &AppState,
    user: &SignedInUser,
    request: ApproveAgentRequest,
    approve: bool,
) -> Result<web::Json<Success>, ApiError> {
    state.rate_limits.approval(user.user_id)?;
    let target = match (request.user_code, request.request_id) {
        (Some(code), None) => ApprovalTarget::UserCode(code),
        (None, Some(id)) => ApprovalTarget::Request(id),
        _ => {
            return Err(ApiError::validation(vec![FieldError::new(
                "userCode",
                "name the request by its userCode or its requestId, one of the two",
            )]));
        }
    };
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
        .await
        .map_err(|e| state.identity_error(e))?;
    Ok(web::Json(Success::yes()))
}

/// Approve an agent's request (all of it, or the `capabilities` listed), by its `userCode` or —
/// a CIBA request addressed to you — its `requestId`, optionally until `expiresAt` and within
/// `constraints` on their input. Your session must be at most 5 minutes old; you must belong to
/// the agent's organization and may grant only what your role may do.
#[utoipa::path(
    post, path = "/api/auth/agent/approve", operation_id = "approveAgent", tag = "agents",
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
    body: web::Json<ApproveAgentRequest>,
) -> Result<web::Json<Success>, ApiError> {
    decide(&state, &user, body.into_inner(), true).await
}

/// Deny an agent's request: its capabilities are denied, and a registration's agent is rejected
/// (with its host, when the host registered itself).
#[utoipa::path(
    post, path = "/api/auth/agent/deny", operation_id = "denyAgent", tag = "agents",
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
    body: web::Json<ApproveAgentRequest>,
) -> Result<web::Json<Success>, ApiError> {
    decide(&state, &user, body.into_inner(), false).await
}

/// The CIBA requests waiting for your decision, newest first.
#[utoipa::path(
    get, path = "/api/auth/agent/ciba/pending", operation_id = "listPendingAgentApprovals", tag = "agents",
    responses(
        (status = 200, description = "Pending requests addressed to you", body = [PendingApprovalView]),
        (status = 401, description = "Not signed in", body = ErrorBody),
    ),
    security(("sessionCookie" = []), ("sessionToken" = [])),
)]
pub async fn pending(
    state: web::Data<AppState>,
    user: SignedInUser,
) -> Result<web::Json<Vec<PendingApprovalView>>, ApiError> {
    let pending = state
        .agents
        .pending_approvals(user.user_id)
        .await
        .map_err(|e| state.identity_error(e))?;
    Ok(web::Json(
        pending
            .into_iter()
            .map(|(approval, agent_name)| PendingApprovalView {
                request_id: approval.id,
                organization_id: approval.org_id.as_uuid(),
                agent_id: approval.agent_id,
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

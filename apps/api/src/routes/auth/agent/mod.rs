//! Agent Auth (`/api/auth/agent/*`): users connect hosts and decide approvals from the dashboard;
//! hosts (with their `host+jwt`) register, reactivate, re-key and revoke agents; agents (with their
//! `agent+jwt`) read their status and ask for more. Every error here carries the protocol's
//! `error` word (see [`api_http::agent_protocol_errors`]).

pub mod agents;
pub mod approvals;
pub mod discovery;
pub mod hosts;

use actix_web::web;
use api_http::{ApiError, FieldError};
use api_types::agent::{AgentStatusView, ApprovalView, GrantView, HostView, PublicJwk};
use db::repo::agents::{Approval, GrantRecord, Host};
use domain::{AgentId, ApprovalMethod};
use identity::agent_lifecycle::AgentState;
use identity::device::display;
use resolve_caller::ApiCaller;

use super::super::endpoint;
use crate::errors::AppError;
use crate::state::AppState;

pub fn configure(cfg: &mut web::ServiceConfig) {
    cfg.service(endpoint("/host/create").post(hosts::create))
        .service(endpoint("/host/enrollment").post(hosts::create_enrollment))
        .service(endpoint("/host/enroll").post(hosts::enroll))
        .service(endpoint("/host/revoke").post(hosts::revoke))
        .service(endpoint("/host/rotate-key").post(hosts::rotate_key))
        .service(endpoint("/hosts").get(hosts::list))
        .service(endpoint("/register").post(agents::register))
        .service(endpoint("/status").get(agents::status))
        .service(endpoint("/request-capability").post(agents::request_capability))
        .service(endpoint("/authorize").post(agents::authorize))
        .service(endpoint("/token").post(agents::token))
        .service(endpoint("/reactivate").post(agents::reactivate))
        .service(endpoint("/rotate-key").post(agents::rotate_key))
        .service(endpoint("/revoke").post(agents::revoke))
        .service(endpoint("/grant/revoke").post(agents::revoke_grant))
        .service(endpoint("/list").get(agents::list))
        .service(endpoint("/approve").post(approvals::approve))
        .service(endpoint("/deny").post(approvals::deny))
        .service(endpoint("/ciba/pending").get(approvals::pending))
        .service(endpoint("/approval").get(approvals::lookup))
        .service(endpoint("/introspect").post(discovery::introspect))
        .service(endpoint("/capabilities").get(discovery::capabilities))
        .service(endpoint("/capabilities/{name}").get(discovery::describe));
}

/// The id of the agent calling; any other kind of caller is refused (401: these endpoints take an
/// agent's token and nothing else).
pub fn require_agent(state: &AppState, caller: &ApiCaller) -> Result<AgentId, AppError> {
    caller.agent_id().ok_or_else(|| {
        ApiError::unauthorized(
            "INVALID_AGENT_TOKEN",
            "this endpoint answers agents only: send an agent+jwt",
            &state.links,
        )
        .into()
    })
}

fn key_x(key: &PublicJwk) -> Result<&str, AppError> {
    if key.kty != "OKP" || key.crv != "Ed25519" {
        return Err(ApiError::validation(vec![FieldError::new(
            "publicKey",
            "must be an Ed25519 JWK (kty OKP, crv Ed25519)",
        )])
        .into());
    }
    Ok(&key.x)
}

fn grant_view(grant: GrantRecord) -> GrantView {
    GrantView {
        constraints: grant
            .constraints
            .as_deref()
            .and_then(|text| serde_json::from_str(text).ok()),
        expires_at: grant.expires_at,
        granted_by: grant.granted_by.map(|user| user.as_uuid()),
        capability: grant.capability,
        status: grant.status,
    }
}

fn approval_view(state: &AppState, approval: &Approval) -> ApprovalView {
    let expires_in = (approval.expires_at - state.now()).num_seconds().max(0);
    let interval = identity::approvals::POLL_INTERVAL_SECONDS;
    if approval.method == ApprovalMethod::Ciba {
        return ApprovalView {
            method: approval.method,
            user_code: None,
            verification_uri: None,
            verification_uri_complete: None,
            binding_message: approval.binding_message.clone(),
            expires_in,
            interval,
        };
    }
    let verification_uri = format!(
        "{}{}",
        state.settings.frontend_url, state.settings.agent_device_auth_page
    );
    let user_code = display(&approval.user_code);
    ApprovalView {
        method: approval.method,
        verification_uri_complete: Some(format!("{verification_uri}?user_code={user_code}")),
        verification_uri: Some(verification_uri),
        user_code: Some(user_code),
        binding_message: approval.binding_message.clone(),
        expires_in,
        interval,
    }
}

fn status_view(state: &AppState, agent: AgentState) -> AgentStatusView {
    let AgentState {
        agent,
        grants,
        approval,
        session_ends,
    } = agent;
    AgentStatusView {
        agent_id: agent.id.as_uuid(),
        host_id: agent.host_id.as_uuid(),
        name: agent.name,
        status: agent.status,
        mode: agent.mode,
        user_id: agent.user_id.map(|user| user.as_uuid()),
        created_at: agent.created_at,
        activated_at: agent.activated_at,
        last_used_at: agent.last_used_at,
        expires_at: session_ends,
        agent_capability_grants: grants.into_iter().map(grant_view).collect(),
        approval: approval
            .as_ref()
            .map(|approval| approval_view(state, approval)),
    }
}

fn host_view(host: Host) -> HostView {
    HostView {
        id: host.id.as_uuid(),
        organization_id: host.org_id.as_uuid(),
        name: host.name,
        thumbprint: host.key.thumbprint,
        status: host.status,
        user_id: host.user_id.map(|user| user.as_uuid()),
        default_capabilities: host.default_capabilities,
        created_at: host.created_at,
    }
}

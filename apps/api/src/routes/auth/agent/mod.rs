//! Agent Auth (`/api/auth/agent/*`): users connect hosts and decide approvals from the dashboard;
//! hosts (with their `host+jwt`) register, reactivate, re-key and revoke agents; agents (with their
//! `agent+jwt`) read their status and ask for more. Every error here carries the protocol's
//! `error` word (see [`api_http::agent_protocol_errors`]).

pub mod agents;
pub mod approvals;
pub mod discovery;
pub mod hosts;

use actix_web::http::header::AUTHORIZATION;
use actix_web::{HttpRequest, web};
use api_http::{ApiError, FieldError};
use api_types::agent::{AgentStatusView, ApprovalView, GrantView, HostView, PublicJwk};
use chrono::Utc;
use db::repo::agents::{Approval, CIBA, GrantRecord, KeyHolder};
use identity::agent_lifecycle::AgentState;
use identity::device::display;
use resolve_caller::{ApiCaller, CallerKind};
use uuid::Uuid;

use super::super::resource;
use crate::state::AppState;

pub fn configure(cfg: &mut web::ServiceConfig) {
    cfg.service(resource("/host/create").route(web::post().to(hosts::create)))
        .service(resource("/host/enrollment").route(web::post().to(hosts::create_enrollment)))
        .service(resource("/host/enroll").route(web::post().to(hosts::enroll)))
        .service(resource("/host/revoke").route(web::post().to(hosts::revoke)))
        .service(resource("/host/rotate-key").route(web::post().to(hosts::rotate_key)))
        .service(resource("/hosts").route(web::get().to(hosts::list)))
        .service(resource("/register").route(web::post().to(agents::register)))
        .service(resource("/status").route(web::get().to(agents::status)))
        .service(resource("/request-capability").route(web::post().to(agents::request_capability)))
        .service(resource("/authorize").route(web::post().to(agents::authorize)))
        .service(resource("/token").route(web::post().to(agents::token)))
        .service(resource("/reactivate").route(web::post().to(agents::reactivate)))
        .service(resource("/rotate-key").route(web::post().to(agents::rotate_key)))
        .service(resource("/revoke").route(web::post().to(agents::revoke)))
        .service(resource("/grant/revoke").route(web::post().to(agents::revoke_grant)))
        .service(resource("/list").route(web::get().to(agents::list)))
        .service(resource("/approve").route(web::post().to(approvals::approve)))
        .service(resource("/deny").route(web::post().to(approvals::deny)))
        .service(resource("/ciba/pending").route(web::get().to(approvals::pending)))
        .service(resource("/approval").route(web::get().to(approvals::lookup)))
        .service(resource("/introspect").route(web::post().to(discovery::introspect)))
        .service(resource("/capabilities").route(web::get().to(discovery::capabilities)))
        .service(resource("/capabilities/{name}").route(web::get().to(discovery::describe)));
}

/// The bearer token of the request, if it is a `host+jwt` (read from its header, unverified: only
/// to pick the host's way through an endpoint that users call too).
fn host_token(req: &HttpRequest) -> Option<&str> {
    bearer(req).filter(|token| {
        identity::agents::token_type(token).is_some_and(|typ| typ.eq_ignore_ascii_case("host+jwt"))
    })
}

fn bearer(req: &HttpRequest) -> Option<&str> {
    req.headers()
        .get(AUTHORIZATION)
        .and_then(|value| value.to_str().ok())
        .and_then(|value| value.strip_prefix("Bearer "))
}

/// The request's `host+jwt`, or a 401 asking for one.
fn require_host_token<'a>(req: &'a HttpRequest, state: &AppState) -> Result<&'a str, ApiError> {
    host_token(req).ok_or_else(|| {
        ApiError::unauthorized(
            "INVALID_HOST_TOKEN",
            "send the host's host+jwt as a bearer token",
            &state.links,
        )
    })
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

fn key_x(key: &PublicJwk) -> Result<&str, ApiError> {
    if key.kty != "OKP" || key.crv != "Ed25519" {
        return Err(ApiError::validation(vec![FieldError::new(
            "publicKey",
            "must be an Ed25519 JWK (kty OKP, crv Ed25519)",
        )]));
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
    let expires_in = (approval.expires_at - Utc::now()).num_seconds().max(0);
    let interval = identity::approvals::POLL_INTERVAL_SECONDS;
    if approval.method == CIBA {
        return ApprovalView {
            method: approval.method.clone(),
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
        method: approval.method.clone(),
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
        agent_id: agent.id,
        host_id: agent.host_id.unwrap_or_default(),
        name: agent.name,
        status: agent.status,
        mode: agent.mode.unwrap_or_else(|| "delegated".to_owned()),
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

fn host_view(host: KeyHolder) -> HostView {
    HostView {
        id: host.id,
        organization_id: host.org_id.as_uuid(),
        name: host.name,
        thumbprint: host.thumbprint,
        status: host.status,
        user_id: host.user_id.map(|user| user.as_uuid()),
        default_capabilities: host.default_capabilities,
        created_at: host.created_at,
    }
}

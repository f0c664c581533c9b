//! `/api/auth/agent/*`: hosts, agents, grants and approvals (Agent Auth).

use std::collections::BTreeMap;

use chrono::{DateTime, Utc};
use serde::{Deserialize, Serialize};
use utoipa::ToSchema;
use uuid::Uuid;

/// An Ed25519 public key as a JWK (`{"kty": "OKP", "crv": "Ed25519", "x": "…"}`).
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize, ToSchema)]
pub struct PublicJwk {
    #[schema(example = "OKP")]
    pub kty: String,
    #[schema(example = "Ed25519")]
    pub crv: String,
    /// The 32-byte public key, base64url.
    pub x: String,
}

/// `POST /api/auth/agent/host/create`: connect an agent runtime by its public key, in the active
/// organization.
#[derive(Clone, Debug, Serialize, Deserialize, ToSchema)]
#[serde(rename_all = "camelCase")]
pub struct CreateHostRequest {
    pub name: String,
    pub public_key: PublicJwk,
}

/// A connected host.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize, ToSchema)]
#[serde(rename_all = "camelCase")]
pub struct HostView {
    pub id: Uuid,
    pub organization_id: Uuid,
    pub name: String,
    /// The RFC 7638 thumbprint of its key: the `iss` of its tokens.
    pub thumbprint: String,
    pub status: String,
}

/// `POST /api/auth/agent/register` (with `Authorization: Bearer <host+jwt>`).
#[derive(Clone, Debug, Serialize, Deserialize, ToSchema)]
pub struct RegisterAgentRequest {
    pub name: String,
    pub public_key: PublicJwk,
    /// operationIds the agent needs; storefront reads and `createCart` are granted at once.
    #[serde(default)]
    pub capabilities: Vec<String>,
}

/// One grant of an agent.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize, ToSchema)]
pub struct GrantView {
    pub capability: String,
    /// `active`, `pending` or `denied`.
    pub status: String,
}

/// What a user approves pending grants under.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize, ToSchema)]
pub struct ApprovalView {
    /// `WDJB-MJHT`, typed on the dashboard's approval page.
    pub user_code: String,
    pub verification_uri: String,
    pub verification_uri_complete: String,
    pub expires_in: i64,
}

/// A registered agent, or an agent's status.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize, ToSchema)]
pub struct AgentStatusView {
    pub agent_id: Uuid,
    pub status: String,
    pub grants: Vec<GrantView>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub approval: Option<ApprovalView>,
}

/// `POST /api/auth/agent/approve`: all that was asked, or some of it.
#[derive(Clone, Debug, Serialize, Deserialize, ToSchema)]
#[serde(rename_all = "camelCase")]
pub struct ApproveAgentRequest {
    pub user_code: String,
    #[serde(default)]
    pub capabilities: Option<Vec<String>>,
    /// Limits on the input of approved capabilities, by capability: per top-level input field,
    /// `max`, `min` (numbers), `in`, `not_in` (lists) or an exact value, e.g.
    /// `{"adminRefundOrder": {"amount": {"max": 5000}}}`.
    #[serde(default)]
    #[schema(value_type = Object)]
    pub constraints: BTreeMap<String, serde_json::Value>,
    /// When the approved grants lapse (never, when absent); must be in the future.
    #[serde(default)]
    pub expires_at: Option<DateTime<Utc>>,
}

/// `POST /api/auth/agent/grant/revoke`
#[derive(Clone, Debug, Serialize, Deserialize, ToSchema)]
#[serde(rename_all = "camelCase")]
pub struct RevokeGrantRequest {
    pub agent_id: Uuid,
    pub capability: String,
}

/// `POST /api/auth/agent/host/revoke`
#[derive(Clone, Debug, Serialize, Deserialize, ToSchema)]
#[serde(rename_all = "camelCase")]
pub struct RevokeHostRequest {
    pub host_id: Uuid,
}

/// `POST /api/auth/agent/revoke`
#[derive(Clone, Debug, Serialize, Deserialize, ToSchema)]
#[serde(rename_all = "camelCase")]
pub struct RevokeAgentRequest {
    pub agent_id: Uuid,
}

/// `POST /api/auth/agent/capability/execute` (with an `agent+jwt` whose `aud` is the execute URL).
#[derive(Clone, Debug, Serialize, Deserialize, ToSchema)]
pub struct ExecuteRequest {
    /// The operationId to run.
    pub capability: String,
    /// One flat object: the operation's path parameters and query parameters by name, and every
    /// other field as its JSON body (e.g. `{"id": "…", "amount": 500}` for `adminRefundOrder`).
    #[serde(default)]
    #[schema(value_type = Object)]
    pub arguments: serde_json::Map<String, serde_json::Value>,
}

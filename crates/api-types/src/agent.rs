//! `/api/auth/agent/*`: hosts, agents, grants and approvals (Agent Auth).

use std::collections::BTreeMap;

use chrono::{DateTime, Utc};
use domain::{
    AgentMode, AgentStatus, ApprovalMethod, ApprovalPurpose, ApprovalStatus, GrantStatus,
    HostStatus,
};
use serde::{Deserialize, Serialize};
use utoipa::ToSchema;

use crate::shapes;
use uuid::Uuid;

/// The name of a capability: the operationId of a `/v1` operation. Its schema lists every one (the
/// api fills it from its own document), so a client knows the names it may ask for.
#[derive(Debug)]
pub struct CapabilityName;

impl utoipa::PartialSchema for CapabilityName {
    fn schema() -> utoipa::openapi::RefOr<utoipa::openapi::schema::Schema> {
        utoipa::openapi::schema::ObjectBuilder::new()
            .schema_type(utoipa::openapi::schema::Type::String)
            .description(Some("The operationId of a `/v1` operation"))
            .into()
    }
}

impl ToSchema for CapabilityName {}

/// An Ed25519 public key as a JWK (`{"kty": "OKP", "crv": "Ed25519", "x": "…"}`).
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize, ToSchema)]
pub struct PublicJwk {
    #[schema(schema_with = shapes::jwk_kty)]
    pub kty: String,
    #[schema(schema_with = shapes::jwk_crv)]
    pub crv: String,
    /// The 32-byte public key, base64url.
    #[schema(schema_with = shapes::ed25519_x)]
    pub x: String,
}

/// `POST /api/auth/agent/host/create`: connect an agent runtime by its public key, in the active
/// organization.
#[derive(Clone, Debug, Serialize, Deserialize, ToSchema)]
#[serde(rename_all = "camelCase")]
pub struct CreateHostRequest {
    #[schema(schema_with = shapes::agent_name)]
    pub name: String,
    pub public_key: PublicJwk,
    /// Capabilities its agents get without asking a user again (within your own role).
    #[serde(default)]
    #[schema(value_type = Vec<CapabilityName>)]
    pub default_capabilities: Vec<String>,
}

/// `POST /api/auth/agent/host/enrollment`: a one-time token for a runtime to connect itself with.
#[derive(Clone, Debug, Serialize, Deserialize, ToSchema)]
#[serde(rename_all = "camelCase")]
pub struct CreateEnrollmentRequest {
    #[schema(schema_with = shapes::agent_name)]
    pub name: String,
    /// Capabilities its agents get without asking a user again (within your own role).
    #[serde(default)]
    #[schema(value_type = Vec<CapabilityName>)]
    pub default_capabilities: Vec<String>,
}

/// An enrollment token, shown once.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize, ToSchema)]
#[serde(rename_all = "camelCase")]
pub struct EnrollmentView {
    pub id: Uuid,
    /// Give it to the runtime; it works once, until `expiresAt`.
    pub enrollment_token: String,
    pub expires_at: DateTime<Utc>,
    /// Where the runtime redeems it.
    pub enroll_url: String,
}

/// `POST /api/auth/agent/host/enroll`: a runtime redeems its enrollment token with its key.
#[derive(Clone, Debug, Serialize, Deserialize, ToSchema)]
pub struct EnrollHostRequest {
    pub enrollment_token: String,
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
    pub status: HostStatus,
    /// The user who stands behind it.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub user_id: Option<Uuid>,
    #[schema(value_type = Vec<CapabilityName>)]
    pub default_capabilities: Vec<String>,
    pub created_at: DateTime<Utc>,
}

/// A capability asked for: its name, or `{name}` (the protocol's object form).
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize, ToSchema)]
#[serde(untagged)]
pub enum CapabilityAsk {
    Name(String),
    Object {
        name: String,
        /// Proposed limits; not taken: a user sets constraints when approving.
        #[serde(default, skip_serializing_if = "Option::is_none")]
        #[schema(value_type = Option<Object>)]
        constraints: Option<serde_json::Value>,
    },
}

impl CapabilityAsk {
    #[must_use]
    pub fn name(&self) -> &str {
        match self {
            Self::Name(name) | Self::Object { name, .. } => name,
        }
    }
}

/// How an agent would like its approval asked for; the server decides.
#[derive(Clone, Debug, Default, Serialize, Deserialize, ToSchema)]
pub struct ApprovalPreference {
    /// Why it asks; kept in the audit log.
    #[serde(default)]
    pub reason: Option<String>,
    /// `device_authorization` (a user code) or `ciba` (a named user's list of pending requests).
    #[serde(default)]
    pub preferred_method: Option<String>,
    /// For CIBA: the email of the member who should decide (else the host's user).
    #[serde(default)]
    pub login_hint: Option<String>,
    /// Shown to the approver beside the request.
    #[serde(default)]
    pub binding_message: Option<String>,
}

/// `POST /api/auth/agent/register` (with `Authorization: Bearer <host+jwt>`).
#[derive(Clone, Debug, Serialize, Deserialize, ToSchema)]
pub struct RegisterAgentRequest {
    #[schema(schema_with = shapes::agent_name)]
    pub name: String,
    pub public_key: PublicJwk,
    /// operationIds the agent needs; storefront reads and `createCart` are granted at once.
    #[serde(default)]
    pub capabilities: Vec<CapabilityAsk>,
    /// `delegated` (the default; the only mode this api offers).
    #[serde(default)]
    pub mode: Option<String>,
    /// A new host's name (dynamic registration).
    #[serde(default)]
    #[schema(schema_with = shapes::agent_name_or_null, required = false)]
    pub host_name: Option<String>,
    #[serde(flatten)]
    pub approval: ApprovalPreference,
}

/// `POST /api/auth/agent/request-capability` (with the agent's `agent+jwt`).
#[derive(Clone, Debug, Serialize, Deserialize, ToSchema)]
pub struct RequestCapabilityRequest {
    pub capabilities: Vec<CapabilityAsk>,
    #[serde(flatten)]
    pub approval: ApprovalPreference,
}

/// One grant of an agent.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize, ToSchema)]
pub struct GrantView {
    pub capability: String,
    pub status: GrantStatus,
    /// Limits on the capability's input.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    #[schema(value_type = Option<Object>)]
    pub constraints: Option<serde_json::Value>,
    /// When an active grant lapses.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub expires_at: Option<DateTime<Utc>>,
    /// The user who granted (or denied) it.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub granted_by: Option<Uuid>,
}

/// What a user approves pending grants under.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize, ToSchema)]
pub struct ApprovalView {
    pub method: ApprovalMethod,
    /// Device authorization: `WDJB-MJHT`, typed on the dashboard's approval page.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub user_code: Option<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub verification_uri: Option<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub verification_uri_complete: Option<String>,
    /// CIBA: what the named user sees beside the request.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub binding_message: Option<String>,
    pub expires_in: i64,
    /// Seconds between two polls of the status.
    pub interval: u64,
}

/// An agent: registered, its status, reactivated.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize, ToSchema)]
pub struct AgentStatusView {
    pub agent_id: Uuid,
    pub host_id: Uuid,
    pub name: String,
    pub status: AgentStatus,
    pub mode: AgentMode,
    /// The user it acts for.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub user_id: Option<Uuid>,
    pub created_at: DateTime<Utc>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub activated_at: Option<DateTime<Utc>>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub last_used_at: Option<DateTime<Utc>>,
    /// When an active agent's session ends unless it makes another request.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub expires_at: Option<DateTime<Utc>>,
    pub agent_capability_grants: Vec<GrantView>,
    /// The request awaiting a user's decision.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub approval: Option<ApprovalView>,
}

/// The answer to a request for more capabilities.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize, ToSchema)]
pub struct CapabilityRequestView {
    pub agent_id: Uuid,
    /// The grants of the capabilities asked for.
    pub agent_capability_grants: Vec<GrantView>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub approval: Option<ApprovalView>,
}

/// `POST /api/auth/agent/approve` and `/deny`: a request by its user code (device authorization)
/// or its id (CIBA, from your pending list), all that was asked or some of it.
#[derive(Clone, Debug, Default, Serialize, Deserialize, ToSchema)]
#[serde(rename_all = "camelCase")]
pub struct ApproveAgentRequest {
    #[serde(default)]
    pub user_code: Option<String>,
    #[serde(default)]
    pub request_id: Option<Uuid>,
    #[serde(default)]
    #[schema(value_type = Option<Vec<CapabilityName>>)]
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

/// An approval request as the approval page shows it.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize, ToSchema)]
#[serde(rename_all = "camelCase")]
pub struct ApprovalRequestView {
    pub request_id: Uuid,
    pub organization_id: Uuid,
    pub agent_id: Uuid,
    pub agent_name: String,
    pub host_id: Uuid,
    pub host_name: String,
    pub status: ApprovalStatus,
    pub purpose: ApprovalPurpose,
    /// What is asked, described (name, description, scope, approval).
    #[schema(value_type = Vec<Object>)]
    pub capabilities: Vec<serde_json::Value>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub binding_message: Option<String>,
    /// When the agent asked.
    pub created_at: DateTime<Utc>,
    pub expires_at: DateTime<Utc>,
    /// The client address of the call that opened the request — the host's registration or the
    /// agent's request for more (an IP address as text; behind a trusted proxy, the forwarded
    /// client's), `null` for requests made before it was recorded. Shown to the approver only.
    #[schema(example = "203.0.113.7")]
    pub requested_from: Option<String>,
    /// The viewer signed in more than 5 minutes ago: a decision would be refused with
    /// `fresh_session_required` until they sign in again.
    pub sign_in_again: bool,
}

/// A CIBA request waiting for your decision.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize, ToSchema)]
#[serde(rename_all = "camelCase")]
pub struct PendingApprovalView {
    pub request_id: Uuid,
    pub organization_id: Uuid,
    pub agent_id: Uuid,
    pub agent_name: String,
    pub capabilities: Vec<String>,
    pub purpose: ApprovalPurpose,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub binding_message: Option<String>,
    pub created_at: DateTime<Utc>,
    pub expires_at: DateTime<Utc>,
}

/// `POST /api/auth/agent/grant/revoke`
#[derive(Clone, Debug, Serialize, Deserialize, ToSchema)]
#[serde(rename_all = "camelCase")]
pub struct RevokeGrantRequest {
    pub agent_id: Uuid,
    pub capability: String,
}

/// `POST /api/auth/agent/host/revoke` from the dashboard (a host revoking itself sends no body).
#[derive(Clone, Debug, Serialize, Deserialize, ToSchema)]
#[serde(rename_all = "camelCase")]
pub struct RevokeHostRequest {
    pub host_id: Uuid,
}

/// A host revoked, with every agent under it.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize, ToSchema)]
pub struct RevokedHostView {
    pub host_id: Uuid,
    pub status: HostStatus,
    pub agents_revoked: u64,
}

/// `POST /api/auth/agent/revoke`, `/reactivate`: one agent, from the dashboard (`agentId`) or by
/// its host (`agent_id`).
#[derive(Clone, Debug, Serialize, Deserialize, ToSchema)]
pub struct AgentIdRequest {
    #[serde(alias = "agentId")]
    pub agent_id: Uuid,
}

/// An agent's new state after a change.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize, ToSchema)]
pub struct AgentChangedView {
    pub agent_id: Uuid,
    pub status: AgentStatus,
}

/// `POST /api/auth/agent/rotate-key` (host JWT): one of the host's agents gets a new key.
#[derive(Clone, Debug, Serialize, Deserialize, ToSchema)]
pub struct RotateAgentKeyRequest {
    pub agent_id: Uuid,
    pub public_key: PublicJwk,
}

/// `POST /api/auth/agent/host/rotate-key` (host JWT signed with the current key).
#[derive(Clone, Debug, Serialize, Deserialize, ToSchema)]
pub struct RotateHostKeyRequest {
    pub public_key: PublicJwk,
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

//! The questions resolution asks of the rest of the system. Identity implements them over the
//! database (with caches); tests implement them in memory.

use std::collections::{BTreeMap, BTreeSet};
use std::error::Error as StdError;

use async_trait::async_trait;
use domain::{AgentHostId, AgentId, ApiKeyId, OrgId, SessionId, UserId};

use crate::{Hostname, RequestTarget, Scope};

/// Why a verifier could not say yes.
#[derive(Debug, thiserror::Error)]
pub enum VerifyError {
    /// The credential is invalid: unknown, expired, revoked, badly signed… The request is a 401.
    #[error("{0}")]
    Rejected(Rejection),
    /// The verifier could not find out (the database is down…). The request is a 503, never a 401
    /// and never a fall-back.
    #[error("credential store unavailable")]
    Unavailable(#[source] Box<dyn StdError + Send + Sync>),
}

/// A credential refused, with a short machine word (`expired`, `revoked`, `unknown`, `jti_replay`…)
/// and a sentence for the person reading the 401.
#[derive(Clone, Debug, PartialEq, Eq, thiserror::Error)]
#[error("{message}")]
pub struct Rejection {
    pub failure: &'static str,
    pub message: String,
}

impl Rejection {
    pub fn new(failure: &'static str, message: impl Into<String>) -> Self {
        Self {
            failure,
            message: message.into(),
        }
    }
}

impl From<Rejection> for VerifyError {
    fn from(rejection: Rejection) -> Self {
        Self::Rejected(rejection)
    }
}

/// A valid agent JWT: the agent, its organization and what its active grants allow.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct VerifiedAgent {
    pub agent_id: AgentId,
    pub org_id: OrgId,
    /// The user who approved the agent; it never exceeds what this user may do.
    pub user_id: Option<UserId>,
    pub scopes: BTreeSet<Scope>,
    /// The granted operationIds, already narrowed by the token's own `capabilities` claim.
    pub capabilities: BTreeSet<String>,
    /// Constraints on the input of some of them, by operationId.
    pub constraints: BTreeMap<String, serde_json::Value>,
}

/// A valid `host+jwt`: the agent host that signed it.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum VerifiedHost {
    /// A host the api knows, in its organization. A `pending` host (one that registered itself
    /// and waits for a user) may only register agents.
    Registered {
        host_id: AgentHostId,
        org_id: OrgId,
        pending: bool,
    },
    /// A host the api does not know yet, where the deployment lets hosts register themselves: the
    /// token was verified with the Ed25519 key it carries (`public_key_x`), and `host_id` is the id
    /// the host will have, under which the token's `jti` is remembered.
    Unregistered {
        host_id: AgentHostId,
        public_key_x: String,
    },
}

/// A valid, unexpired, unrevoked API key. Its organization and scopes are server-set columns.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct VerifiedApiKey {
    pub key_id: ApiKeyId,
    pub org_id: OrgId,
    pub scopes: BTreeSet<Scope>,
}

/// A live session. `active_org` is present only while the user is still a member of it.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct VerifiedSession {
    pub session_id: SessionId,
    pub user_id: UserId,
    pub active_org: Option<OrgId>,
}

/// Rank 1: is this agent JWT valid, and for whom?
#[async_trait]
pub trait AgentTokenVerifier: Send + Sync {
    /// `target` is the request the token came with; a token bound to a request (`htm`, `htu`)
    /// must match it. `None` leaves the binding to whoever holds the request (introspection).
    async fn verify_agent_token(
        &self,
        token: &str,
        target: Option<&RequestTarget<'_>>,
    ) -> Result<VerifiedAgent, VerifyError>;
}

/// The host endpoints: is this `host+jwt` valid, and which host signed it?
#[async_trait]
pub trait HostTokenVerifier: Send + Sync {
    /// `target` is the request the token came with.
    async fn verify_host_token(
        &self,
        token: &str,
        target: &RequestTarget<'_>,
    ) -> Result<VerifiedHost, VerifyError>;
}

/// Rank 2: is this API key valid, and for which organization and scopes?
#[async_trait]
pub trait ApiKeyVerifier: Send + Sync {
    async fn verify_api_key(&self, key: &str) -> Result<VerifiedApiKey, VerifyError>;
}

/// Rank 3: is this session (cookie value or bearer token) live, and which organization is active?
#[async_trait]
pub trait SessionVerifier: Send + Sync {
    async fn verify_session_cookie(&self, cookie: &str) -> Result<VerifiedSession, VerifyError>;
    async fn verify_session_token(&self, token: &str) -> Result<VerifiedSession, VerifyError>;
}

/// Rank 4: which organization owns this storefront hostname, if any?
#[async_trait]
pub trait HostResolver: Send + Sync {
    async fn organization_for_host(&self, host: &Hostname) -> Result<Option<OrgId>, VerifyError>;
}

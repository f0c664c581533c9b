//! The verifiers the api resolves callers with.
//!
//! Storefront hosts resolve from the database; sessions and API keys through the identity service
//! (with its caches). Agents are issued by the agent module; until it exists no agent token can be
//! valid, so one presented is refused as `unknown` — at its own rank, never falling back.

use std::sync::Arc;

use async_trait::async_trait;
use db::{Database, DbHostResolver};
use identity::Identity;
use resolve_caller::{AgentTokenVerifier, CallerResolver, Rejection, VerifiedAgent, VerifyError};

/// Refuses every agent token: none has been issued by this deployment.
#[derive(Clone, Copy, Debug)]
struct NoAgentsIssued;

#[async_trait]
impl AgentTokenVerifier for NoAgentsIssued {
    async fn verify_agent_token(&self, _token: &str) -> Result<VerifiedAgent, VerifyError> {
        Err(Rejection::new("unknown", "no such agent has been registered").into())
    }
}

/// The resolver for this deployment.
pub fn caller_resolver(db: &Database, identity: &Identity, trust_proxy: bool) -> CallerResolver {
    let identity = Arc::new(identity.clone());
    CallerResolver::new(
        Arc::new(NoAgentsIssued),
        identity.clone(),
        identity,
        Arc::new(DbHostResolver::new(db.conn.clone())),
    )
    .trusting_proxy(trust_proxy)
}

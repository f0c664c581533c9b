//! The verifiers the api resolves callers with.
//!
//! Storefront hosts resolve from the database. Agents, API keys and sessions are issued by the
//! identity and agent modules; until a store of them exists, no such credential can be valid, so each
//! one presented is refused as `unknown` — at its own rank, never falling back to the host.

use std::sync::Arc;

use async_trait::async_trait;
use db::{Database, DbHostResolver};
use resolve_caller::{
    AgentTokenVerifier, ApiKeyVerifier, CallerResolver, Rejection, SessionVerifier, VerifiedAgent,
    VerifiedApiKey, VerifiedSession, VerifyError,
};

/// Refuses every credential of a kind that has not been issued by this deployment.
#[derive(Clone, Copy, Debug)]
struct NoneIssued;

fn unknown(what: &str) -> VerifyError {
    Rejection::new("unknown", format!("no such {what} has been issued")).into()
}

#[async_trait]
impl AgentTokenVerifier for NoneIssued {
    async fn verify_agent_token(&self, _token: &str) -> Result<VerifiedAgent, VerifyError> {
        Err(unknown("agent"))
    }
}

#[async_trait]
impl ApiKeyVerifier for NoneIssued {
    async fn verify_api_key(&self, _key: &str) -> Result<VerifiedApiKey, VerifyError> {
        Err(unknown("API key"))
    }
}

#[async_trait]
impl SessionVerifier for NoneIssued {
    async fn verify_session_cookie(&self, _cookie: &str) -> Result<VerifiedSession, VerifyError> {
        Err(unknown("session"))
    }

    async fn verify_session_token(&self, _token: &str) -> Result<VerifiedSession, VerifyError> {
        Err(unknown("session"))
    }
}

/// The resolver for this deployment.
pub fn caller_resolver(db: &Database, trust_proxy: bool) -> CallerResolver {
    let none_issued = Arc::new(NoneIssued);
    CallerResolver::new(
        none_issued.clone(),
        none_issued.clone(),
        none_issued,
        Arc::new(DbHostResolver::new(db.conn.clone())),
    )
    .trusting_proxy(trust_proxy)
}

//! The verifiers the api resolves callers with: agents and their hosts (their JWTs, with the
//! capabilities of the OpenAPI document), sessions and API keys through the identity service (with its caches), and
//! storefront hosts from the database.

use std::sync::Arc;

use db::{Database, DbHostResolver};
use identity::Identity;
use identity::agents::AgentAuth;
use resolve_caller::{CallerResolver, Verifiers};

use crate::Settings;

/// The resolver for this deployment.
pub fn caller_resolver(
    db: &Database,
    identity: &Identity,
    agents: &AgentAuth,
    settings: &Settings,
) -> CallerResolver {
    let identity = Arc::new(identity.clone());
    let agents = Arc::new(agents.clone());
    CallerResolver::new(Verifiers {
        agents: agents.clone(),
        agent_hosts: agents,
        api_keys: identity.clone(),
        sessions: identity,
        storefronts: Arc::new(DbHostResolver::new(db.conn.clone())),
    })
    .trusting_proxy(settings.trust_proxy)
    // Where the api's cookies are `Secure` (named `__Host-…`), an unprefixed one was planted.
    .accepting_plain_session_cookie(!settings.cookie_secure())
}

//! The verifiers the api resolves callers with: agents and their hosts (their JWTs, with the
//! capabilities of the OpenAPI document), sessions and API keys through the identity service (with its caches), and
//! storefront hosts from the database.

use std::sync::Arc;

use db::{Database, DbHostResolver};
use identity::Identity;
use identity::agents::AgentAuth;
use resolve_caller::{CallerResolver, Verifiers};

/// The resolver for this deployment.
pub fn caller_resolver(
    db: &Database,
    identity: &Identity,
    agents: &AgentAuth,
    trust_proxy: bool,
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
    .trusting_proxy(trust_proxy)
}

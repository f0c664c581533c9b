//! The verifiers the api resolves callers with: agents (their JWTs, with the capabilities of the
//! OpenAPI document), sessions and API keys through the identity service (with its caches), and
//! storefront hosts from the database.

use std::sync::Arc;

use db::{Database, DbHostResolver};
use identity::Identity;
use identity::agents::AgentAuth;
use resolve_caller::CallerResolver;

/// The resolver for this deployment.
pub fn caller_resolver(
    db: &Database,
    identity: &Identity,
    agents: &AgentAuth,
    trust_proxy: bool,
) -> CallerResolver {
    let identity = Arc::new(identity.clone());
    CallerResolver::new(
        Arc::new(agents.clone()),
        identity.clone(),
        identity,
        Arc::new(DbHostResolver::new(db.conn.clone())),
    )
    .trusting_proxy(trust_proxy)
}

//! The verifiers the api resolves callers with: agents (their JWTs, with the capabilities of the
//! OpenAPI document), sessions and API keys through the identity service (with its caches), and
//! storefront hosts from the database.

use std::sync::Arc;

use db::{Database, DbHostResolver};
use identity::Identity;
use identity::agents::AgentVerifier;
use resolve_caller::CallerResolver;

use crate::openapi;

/// The resolver for this deployment. Agents must name `audience` (the api's public URL) in `aud`.
pub fn caller_resolver(
    db: &Database,
    identity: &Identity,
    audience: &str,
    trust_proxy: bool,
) -> CallerResolver {
    let agents = AgentVerifier::new(
        identity.clone(),
        audience.to_owned(),
        openapi::capability_scopes(),
    );
    let identity = Arc::new(identity.clone());
    CallerResolver::new(
        Arc::new(agents),
        identity.clone(),
        identity,
        Arc::new(DbHostResolver::new(db.conn.clone())),
    )
    .trusting_proxy(trust_proxy)
}

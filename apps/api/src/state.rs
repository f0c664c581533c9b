//! What every handler can reach.

use std::sync::Arc;

use api_http::AuthLinks;
use api_types::commerce::Order;
use commerce::orders::StatusKeys;
use db::Database;
use domain::Clock;
use identity::Identity;
use identity::agents::AgentAuth;

use crate::Settings;
use crate::capabilities::Catalog;
use crate::rate_limit::RateLimits;

/// Shared, cheaply cloned application state.
#[derive(Clone, Debug)]
pub struct AppState {
    pub settings: Arc<Settings>,
    pub db: Database,
    pub identity: Identity,
    pub agents: AgentAuth,
    /// What an agent can be granted, from the OpenAPI document.
    pub capabilities: Arc<Catalog>,
    pub rate_limits: Arc<RateLimits>,
    pub links: AuthLinks,
    pub clock: Arc<dyn Clock>,
    /// The keys of orders' status pages, derived from `AUTH_SECRET`.
    pub order_keys: StatusKeys,
    /// Where store domains' TXT proofs are looked up.
    pub dns: Arc<dyn identity::store_domains::TxtLookup>,
    /// Delivers queued email; a handler that queues some itself (an order's confirmation) rings it.
    pub outbox: crate::outbox::Outbox,
}

impl AppState {
    /// A storefront's view of `order`: with the key of its status page.
    #[must_use]
    pub fn with_status_key(&self, org: domain::OrgId, order: commerce::orders::Order) -> Order {
        crate::wire::keyed_order(&self.order_keys, org, order)
    }

    /// "Now", by the clock expiry and records are decided with.
    pub fn now(&self) -> chrono::DateTime<chrono::Utc> {
        self.clock.now()
    }
}

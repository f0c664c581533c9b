//! The storefronts' edge: one listener for every merchant domain. It forwards `/api/*` and `/v1/*`
//! to the api with the shopper's `Host` and cookie, so the api resolves the store from the domain.
//! A `Host` that could never name a store is refused here, with the api's own normalisation.
//!
//! It must never decide which store a host belongs to or grant anything: the api is the only authority.

use edge_proxy::{EdgeServer, EdgeSettings, HostPolicy};

/// Where this edge listens when `PORT` is not set.
pub const DEFAULT_PORT: u16 = 3001;

/// The paths forwarded to the api.
pub const FORWARDED_PREFIXES: &[&str] = &["/api", "/v1"];

/// Binds the edge (port 0 picks a free one).
pub fn bind(settings: &EdgeSettings) -> std::io::Result<EdgeServer> {
    EdgeServer::bind(settings, HostPolicy::Preserve, FORWARDED_PREFIXES, None)
}

//! The merchant dashboard's edge: the dashboard's origin, which forwards `/api/*` and `/v1/*` to the api
//! with the browser's session cookie, so the cookie stays first-party (no cross-origin cookie trouble).
//! Pages of the dashboard come with the identity issue.
//!
//! It must never decide who the caller is or what they may do: the api is the only authority.

use edge_proxy::{EdgeServer, EdgeSettings, HostPolicy};

/// Where this edge listens when `PORT` is not set.
pub const DEFAULT_PORT: u16 = 3000;

/// The paths forwarded to the api.
pub const FORWARDED_PREFIXES: &[&str] = &["/api", "/v1"];

/// Binds the edge (port 0 picks a free one).
pub fn bind(settings: &EdgeSettings) -> std::io::Result<EdgeServer> {
    EdgeServer::bind(settings, HostPolicy::Upstream, FORWARDED_PREFIXES)
}

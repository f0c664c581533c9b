//! The storefronts' edge: one listener for every merchant domain. It serves each store's shop —
//! catalog, product pages, cart, checkout, order status, the shopper's account — decided by the
//! `Host` alone, and forwards `/api/*` and `/v1/*` to the api with the shopper's `Host` and cookie.
//! A `Host` that could never name a store is refused here, with the api's own normalisation; a
//! host no store owns gets a 404 page from a cached verdict before any page is drawn.
//!
//! It must never decide which store a host belongs to or grant anything, and never open the
//! database: every page is drawn from the api's answer to the shopper's own credentials.

mod pages;
mod shop;
mod theme;

use std::sync::Arc;

use edge_proxy::{EdgeRole, EdgeServer, EdgeSettings};

pub use shop::{KNOWN_HOST_TTL, UNKNOWN_HOST_TTL};

/// Where this edge listens when `PORT` is not set.
pub const DEFAULT_PORT: u16 = 3001;

/// The paths forwarded to the api.
pub const FORWARDED_PREFIXES: &[&str] = &["/api", "/v1"];

/// Binds the edge (port 0 picks a free one).
pub fn bind(settings: &EdgeSettings) -> std::io::Result<EdgeServer> {
    // One cache of host verdicts for every worker: a store found once is found by all.
    let verdicts = shop::HostVerdicts::default();
    let pages_settings = settings.clone();
    EdgeServer::bind(
        settings,
        EdgeRole::Storefront,
        FORWARDED_PREFIXES,
        Some(Arc::new(move |cfg| {
            pages::configure(cfg, &pages_settings, verdicts.clone());
        })),
    )
}

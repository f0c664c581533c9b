//! The merchant dashboard's edge: it serves the dashboard's pages (accounts, stores, products, API
//! keys, the CLI's device approval …) and forwards `/api/*` and `/v1/*` to the api with the
//! browser's session cookie, so the cookie stays first-party.
//!
//! It must never decide who the caller is or what they may do, and never open the database: every
//! page is drawn from the api's answer to the browser's own credentials.

mod pages;
mod shell;

/// What `benches/products_page.rs` measures: the products page drawn in-process.
#[cfg(feature = "bench")]
#[doc(hidden)]
pub mod bench {
    pub use crate::pages::products::render_list_page;
}

use std::sync::Arc;

use edge_proxy::{EdgeRole, EdgeServer, EdgeSettings};

/// Where this edge listens when `PORT` is not set.
pub const DEFAULT_PORT: u16 = 3000;

/// The paths forwarded to the api.
pub const FORWARDED_PREFIXES: &[&str] = &["/api", "/v1"];

/// Binds the edge (port 0 picks a free one).
pub fn bind(settings: &EdgeSettings) -> std::io::Result<EdgeServer> {
    let pages_settings = settings.clone();
    EdgeServer::bind(
        settings,
        EdgeRole::Dashboard,
        FORWARDED_PREFIXES,
        Some(Arc::new(move |cfg| pages::configure(cfg, &pages_settings))),
    )
}

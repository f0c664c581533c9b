//! The reverse-proxy core of the two edges (`dashboard-proxy`, `storefront-proxy`): forward a request
//! to the api with its cookie and (for storefronts) its `Host`, strip hop-by-hop headers, set
//! `X-Forwarded-*` from what the edge itself saw, stream bodies both ways, time out, and answer a JSON
//! envelope (502/504) when the api is down or slow.
//!
//! The edge is never an authority: it must never add a credential, decide a tenant, or grant
//! anything the api would refuse. It only reads credentials and hosts through `resolve-caller`, the
//! same code the api uses, so the two can never disagree on what a credential is.

mod config;
mod forward;
mod server;

pub use config::{ConfigError, EdgeSettings};
pub use forward::{EdgeRole, Forwarder, forward};
pub use server::{EdgeServer, Pages, init_tracing};

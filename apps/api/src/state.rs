//! What every handler can reach.

use std::sync::Arc;

use api_http::{ApiError, AuthLinks};
use db::Database;
use identity::{Identity, IdentityError};

use crate::Settings;
use crate::rate_limit::RateLimits;

/// Shared, cheaply cloned application state.
#[derive(Clone, Debug)]
pub struct AppState {
    pub settings: Arc<Settings>,
    pub db: Database,
    pub identity: Identity,
    pub rate_limits: Arc<RateLimits>,
    pub links: AuthLinks,
}

impl AppState {
    /// An identity error as the envelope (a 401 carries this deployment's sign-in links).
    pub fn identity_error(&self, error: IdentityError) -> ApiError {
        crate::errors::identity(error, &self.links)
    }
}

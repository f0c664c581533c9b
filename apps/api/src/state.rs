//! What every handler can reach.

use std::sync::Arc;

use db::Database;

use crate::Settings;

/// Shared, cheaply cloned application state.
#[derive(Clone, Debug)]
pub struct AppState {
    pub settings: Arc<Settings>,
    pub db: Database,
}

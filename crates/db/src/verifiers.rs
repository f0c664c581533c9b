//! resolve-caller's questions, answered from the database.

use async_trait::async_trait;
use domain::OrgId;
use resolve_caller::{HostResolver, Hostname, VerifyError};
use sea_orm::DatabaseConnection;

use crate::repo::store_domains;

/// Rank 4: the organization that proved a storefront hostname (verified claims only).
#[derive(Clone, Debug)]
pub struct DbHostResolver {
    db: DatabaseConnection,
}

impl DbHostResolver {
    #[must_use]
    pub const fn new(db: DatabaseConnection) -> Self {
        Self { db }
    }
}

#[async_trait]
impl HostResolver for DbHostResolver {
    async fn organization_for_host(&self, host: &Hostname) -> Result<Option<OrgId>, VerifyError> {
        store_domains::organization_for_host(&self.db, host)
            .await
            .map_err(|e| VerifyError::Unavailable(Box::new(e)))
    }
}

//! A store's domains: each registration and removal is written with its audit record in one
//! transaction, so that no change to which hostnames serve a store goes unrecorded.

use db::TransactionTrait as _;
use db::repo::store_domains::{self, StoreDomain};
use domain::OrgId;
use resolve_caller::Hostname;
use serde_json::json;

use crate::{Actor, AuditAction, Identity, IdentityError};

impl Identity {
    /// Registers `host` for `org`; a hostname another store (or this one) has is 409
    /// `HOSTNAME_TAKEN`.
    pub async fn add_store_domain(
        &self,
        org: OrgId,
        actor: &Actor,
        host: &Hostname,
    ) -> Result<StoreDomain, IdentityError> {
        let txn = self.db().begin().await.map_err(db::DbError::from)?;
        let domain = store_domains::register(&txn, org, host, self.now())
            .await
            .map_err(IdentityError::conflict_as(
                "HOSTNAME_TAKEN",
                "this hostname is already registered",
            ))?;
        let action = AuditAction::StoreDomainAdded;
        self.record(
            &txn,
            Some(org),
            actor,
            action,
            Some(host.to_string()),
            json!({}),
        )
        .await?;
        txn.commit().await.map_err(db::DbError::from)?;
        Ok(domain)
    }

    /// Removes one of `org`'s hostnames; any other is 404.
    pub async fn remove_store_domain(
        &self,
        org: OrgId,
        actor: &Actor,
        host: &Hostname,
    ) -> Result<(), IdentityError> {
        let txn = self.db().begin().await.map_err(db::DbError::from)?;
        store_domains::remove(&txn, org, host)
            .await
            .map_err(IdentityError::not_found_as("store domain"))?;
        let action = AuditAction::StoreDomainRemoved;
        self.record(
            &txn,
            Some(org),
            actor,
            action,
            Some(host.to_string()),
            json!({}),
        )
        .await?;
        txn.commit().await.map_err(db::DbError::from)?;
        Ok(())
    }
}

//! Storefront hostnames: which organization a `Host` belongs to.

use chrono::{DateTime, Utc};
use domain::OrgId;
use resolve_caller::Hostname;
use sea_orm::{
    ActiveModelTrait as _, ColumnTrait as _, ConnectionTrait, EntityTrait as _, QueryFilter as _,
    QueryOrder as _, Set,
};

use crate::DbError;
use crate::Tenanted as _;
use crate::entities::store_domain::{self, Column};

/// A hostname registered by an organization.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct StoreDomain {
    pub hostname: String,
    pub created_at: DateTime<Utc>,
}

/// Registers `host` for `org`. A hostname belongs to at most one organization (→ `Conflict`).
pub async fn register(
    db: &impl ConnectionTrait,
    org: OrgId,
    host: &Hostname,
    now: DateTime<Utc>,
) -> Result<StoreDomain, DbError> {
    let row = store_domain::ActiveModel {
        organization_id: Set(org.as_uuid()),
        hostname: Set(host.as_str().to_owned()),
        created_at: Set(now),
    }
    .insert(db)
    .await
    .map_err(DbError::on_unique("hostname"))?;
    Ok(StoreDomain {
        hostname: row.hostname,
        created_at: row.created_at,
    })
}

/// The organization's hostnames, oldest first.
pub async fn list(db: &impl ConnectionTrait, org: OrgId) -> Result<Vec<StoreDomain>, DbError> {
    Ok(store_domain::Entity::find_in(org)
        .order_by_asc(Column::CreatedAt)
        .order_by_asc(Column::Hostname)
        .all(db)
        .await?
        .into_iter()
        .map(|row| StoreDomain {
            hostname: row.hostname,
            created_at: row.created_at,
        })
        .collect())
}

/// Removes one of the organization's hostnames; another organization's is `NotFound`.
pub async fn remove(db: &impl ConnectionTrait, org: OrgId, host: &Hostname) -> Result<(), DbError> {
    let result = store_domain::Entity::delete_in(org)
        .filter(Column::Hostname.eq(host.as_str()))
        .exec(db)
        .await?;
    if result.rows_affected == 0 {
        return Err(DbError::NotFound);
    }
    Ok(())
}

/// Which organization owns `host`: the one lookup that is not tenant-scoped, because it is how the
/// tenant of a storefront request is found.
pub async fn organization_for_host(
    db: &impl ConnectionTrait,
    host: &Hostname,
) -> Result<Option<OrgId>, DbError> {
    Ok(store_domain::Entity::find()
        .filter(Column::Hostname.eq(host.as_str()))
        .one(db)
        .await?
        .map(|row| OrgId::from_uuid(row.organization_id)))
}

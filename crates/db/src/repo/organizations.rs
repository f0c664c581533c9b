//! Organizations: the tenants.

use chrono::{DateTime, Utc};
use domain::OrgId;
use sea_orm::{ActiveModelTrait as _, ConnectionTrait, EntityTrait as _, Set};

use crate::DbError;
use crate::entities::organization;

/// An organization as the rest of the system sees it.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Organization {
    pub id: OrgId,
    pub name: String,
    pub slug: String,
    pub created_at: DateTime<Utc>,
}

impl From<organization::Model> for Organization {
    fn from(row: organization::Model) -> Self {
        Self {
            id: OrgId::from_uuid(row.id),
            name: row.name,
            slug: row.slug,
            created_at: row.created_at,
        }
    }
}

/// Creates an organization; its slug is unique across the platform (→ `Conflict`).
pub async fn create(
    db: &impl ConnectionTrait,
    name: &str,
    slug: &str,
    now: DateTime<Utc>,
) -> Result<Organization, DbError> {
    let row = organization::ActiveModel {
        id: Set(OrgId::new().as_uuid()),
        name: Set(name.to_owned()),
        slug: Set(slug.to_owned()),
        created_at: Set(now),
        updated_at: Set(now),
    }
    .insert(db)
    .await
    .map_err(DbError::on_unique("organization slug"))?;
    Ok(row.into())
}

/// The organization itself: its id is the tenant key, so this is tenant-scoped by construction.
pub async fn get(db: &impl ConnectionTrait, org: OrgId) -> Result<Organization, DbError> {
    organization::Entity::find_by_id(org.as_uuid())
        .one(db)
        .await?
        .map(Into::into)
        .ok_or(DbError::NotFound)
}

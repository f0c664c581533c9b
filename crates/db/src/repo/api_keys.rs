//! API keys: stored as a SHA-256 hash and a short display prefix; organization and scopes are fixed
//! at creation.

use chrono::{DateTime, Duration, Utc};
use domain::{ApiKeyId, OrgId, UserId};
use sea_orm::sea_query::Condition;
use sea_orm::{
    ActiveModelTrait as _, ColumnTrait as _, ConnectionTrait, EntityTrait as _, QueryFilter as _,
    QueryOrder as _, Set,
};

use crate::DbError;
use crate::Tenanted as _;
use crate::entities::api_key::{self, Column, Entity};

/// A stored key (never the key itself).
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct ApiKey {
    pub id: ApiKeyId,
    pub org_id: OrgId,
    pub name: String,
    pub prefix: String,
    /// Scope names, as stored.
    pub scopes: Vec<String>,
    pub created_by: Option<UserId>,
    pub created_at: DateTime<Utc>,
    pub expires_at: Option<DateTime<Utc>>,
    pub revoked_at: Option<DateTime<Utc>>,
    pub last_used_at: Option<DateTime<Utc>>,
}

impl From<api_key::Model> for ApiKey {
    fn from(row: api_key::Model) -> Self {
        Self {
            id: ApiKeyId::from_uuid(row.id),
            org_id: OrgId::from_uuid(row.organization_id),
            name: row.name,
            prefix: row.prefix,
            scopes: row.scopes.split_whitespace().map(str::to_owned).collect(),
            created_by: row.created_by_user_id.map(UserId::from_uuid),
            created_at: row.created_at,
            expires_at: row.expires_at,
            revoked_at: row.revoked_at,
            last_used_at: row.last_used_at,
        }
    }
}

/// A key about to be stored.
#[derive(Debug)]
pub struct NewApiKey<'a> {
    pub name: &'a str,
    pub prefix: &'a str,
    pub key_hash: &'a str,
    pub scopes: &'a [&'a str],
    pub created_by: UserId,
    pub expires_at: Option<DateTime<Utc>>,
}

pub async fn create(
    db: &impl ConnectionTrait,
    org: OrgId,
    new: NewApiKey<'_>,
    now: DateTime<Utc>,
) -> Result<ApiKey, DbError> {
    Ok(api_key::ActiveModel {
        organization_id: Set(org.as_uuid()),
        id: Set(ApiKeyId::new().as_uuid()),
        name: Set(new.name.to_owned()),
        prefix: Set(new.prefix.to_owned()),
        key_hash: Set(new.key_hash.to_owned()),
        scopes: Set(new.scopes.join(" ")),
        created_by_user_id: Set(Some(new.created_by.as_uuid())),
        created_at: Set(now),
        expires_at: Set(new.expires_at),
        revoked_at: Set(None),
        last_used_at: Set(None),
    }
    .insert(db)
    .await
    .map_err(DbError::on_unique("api key"))?
    .into())
}

/// The key with this hash, whichever organization it belongs to: how a request's key is verified.
pub async fn find_by_hash(
    db: &impl ConnectionTrait,
    key_hash: &str,
) -> Result<Option<ApiKey>, DbError> {
    Ok(Entity::find()
        .filter(Column::KeyHash.eq(key_hash))
        .one(db)
        .await?
        .map(Into::into))
}

/// The organization's keys, newest first (revoked ones included, marked).
pub async fn list(db: &impl ConnectionTrait, org: OrgId) -> Result<Vec<ApiKey>, DbError> {
    Ok(Entity::find_in(org)
        .order_by_desc(Column::CreatedAt)
        .order_by_desc(Column::Id)
        .all(db)
        .await?
        .into_iter()
        .map(Into::into)
        .collect())
}

/// Revokes one of the organization's keys; another organization's, or one already revoked, is
/// `NotFound`.
pub async fn revoke(
    db: &impl ConnectionTrait,
    org: OrgId,
    id: ApiKeyId,
    now: DateTime<Utc>,
) -> Result<(), DbError> {
    let result = Entity::update_in(org)
        .col_expr(Column::RevokedAt, Some(now).into())
        .filter(Column::Id.eq(id.as_uuid()))
        .filter(Column::RevokedAt.is_null())
        .exec(db)
        .await?;
    if result.rows_affected == 0 {
        return Err(DbError::NotFound);
    }
    Ok(())
}

/// Records a use of the key, at most once per `granularity`: a conditional update, so many
/// instances and requests write at most once per period.
pub async fn touch_last_used(
    db: &impl ConnectionTrait,
    org: OrgId,
    id: ApiKeyId,
    now: DateTime<Utc>,
    granularity: Duration,
) -> Result<(), DbError> {
    Entity::update_in(org)
        .col_expr(Column::LastUsedAt, Some(now).into())
        .filter(Column::Id.eq(id.as_uuid()))
        .filter(
            Condition::any()
                .add(Column::LastUsedAt.is_null())
                .add(Column::LastUsedAt.lt(now - granularity)),
        )
        .exec(db)
        .await?;
    Ok(())
}

//! Sessions: found by a keyed hash of their token, never by the token itself.

use chrono::{DateTime, Utc};
use domain::{OrgId, SessionId, SignInMethod, UserId};
use sea_orm::{
    ActiveModelTrait as _, ColumnTrait as _, ConnectionTrait, EntityTrait as _, QueryFilter as _,
    Set,
};

use crate::DbError;
use crate::entities::session::{self, Column, Entity};

/// A stored session.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Session {
    pub id: SessionId,
    pub user_id: UserId,
    pub active_org: Option<OrgId>,
    pub created_at: DateTime<Utc>,
    pub refreshed_at: DateTime<Utc>,
    pub expires_at: DateTime<Utc>,
    pub method: SignInMethod,
}

impl TryFrom<session::Model> for Session {
    type Error = DbError;

    fn try_from(row: session::Model) -> Result<Self, DbError> {
        Ok(Self {
            id: SessionId::from_uuid(row.id),
            user_id: UserId::from_uuid(row.user_id),
            active_org: row.active_organization_id.map(OrgId::from_uuid),
            created_at: row.created_at,
            refreshed_at: row.refreshed_at,
            expires_at: row.expires_at,
            method: row.method.parse().map_err(DbError::corrupt)?,
        })
    }
}

/// A session about to be created.
#[derive(Debug)]
pub struct NewSession<'a> {
    pub token_hash: &'a str,
    pub user_id: UserId,
    pub active_org: Option<OrgId>,
    pub expires_at: DateTime<Utc>,
    pub ip_address: Option<&'a str>,
    pub user_agent: Option<&'a str>,
    pub method: SignInMethod,
}

pub async fn create(
    db: &impl ConnectionTrait,
    new: NewSession<'_>,
    now: DateTime<Utc>,
) -> Result<Session, DbError> {
    session::ActiveModel {
        id: Set(SessionId::new().as_uuid()),
        token_hash: Set(new.token_hash.to_owned()),
        user_id: Set(new.user_id.as_uuid()),
        active_organization_id: Set(new.active_org.map(|org| org.as_uuid())),
        created_at: Set(now),
        refreshed_at: Set(now),
        expires_at: Set(new.expires_at),
        ip_address: Set(new.ip_address.map(str::to_owned)),
        user_agent: Set(new.user_agent.map(|ua| ua.chars().take(512).collect())),
        method: Set(new.method.as_str().to_owned()),
    }
    .insert(db)
    .await?
    .try_into()
}

pub async fn find_by_token_hash(
    db: &impl ConnectionTrait,
    token_hash: &str,
) -> Result<Option<Session>, DbError> {
    Entity::find()
        .filter(Column::TokenHash.eq(token_hash))
        .one(db)
        .await?
        .map(Session::try_from)
        .transpose()
}

pub async fn get(db: &impl ConnectionTrait, id: SessionId) -> Result<Session, DbError> {
    Entity::find_by_id(id.as_uuid())
        .one(db)
        .await?
        .ok_or(DbError::NotFound)?
        .try_into()
}

/// Slides the session's expiry forward.
pub async fn refresh(
    db: &impl ConnectionTrait,
    id: SessionId,
    now: DateTime<Utc>,
    expires_at: DateTime<Utc>,
) -> Result<(), DbError> {
    Entity::update_many()
        .col_expr(Column::RefreshedAt, now.into())
        .col_expr(Column::ExpiresAt, expires_at.into())
        .filter(Column::Id.eq(id.as_uuid()))
        .exec(db)
        .await?;
    Ok(())
}

/// Sets (or clears) the organization the session acts in.
pub async fn set_active_org(
    db: &impl ConnectionTrait,
    id: SessionId,
    org: Option<OrgId>,
) -> Result<(), DbError> {
    let result = Entity::update_many()
        .col_expr(
            Column::ActiveOrganizationId,
            org.map(|org| org.as_uuid()).into(),
        )
        .filter(Column::Id.eq(id.as_uuid()))
        .exec(db)
        .await?;
    if result.rows_affected == 0 {
        return Err(DbError::NotFound);
    }
    Ok(())
}

/// Ends one session (sign-out).
pub async fn delete(db: &impl ConnectionTrait, id: SessionId) -> Result<(), DbError> {
    Entity::delete_by_id(id.as_uuid()).exec(db).await?;
    Ok(())
}

/// Ends every session of a user (revoke-sessions); answers how many there were.
pub async fn delete_for_user(db: &impl ConnectionTrait, user: UserId) -> Result<u64, DbError> {
    Ok(Entity::delete_many()
        .filter(Column::UserId.eq(user.as_uuid()))
        .exec(db)
        .await?
        .rows_affected)
}

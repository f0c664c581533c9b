//! Invitations to join an organization: created by its owners and admins, found by the hash of the
//! token their link carries, accepted or revoked once (each a conditional update).

use chrono::{DateTime, Utc};
use domain::{InvitationStatus, OrgId, OrgRole, UserId};
use sea_orm::sea_query::Expr;
use sea_orm::{
    ActiveModelTrait as _, ColumnTrait as _, ConnectionTrait, EntityTrait as _, QueryFilter as _,
    QueryOrder as _, Set,
};
use uuid::Uuid;

use crate::entities::invitation::{self, Column, Entity};
use crate::{DbError, Tenanted as _};

/// An invitation, never its token.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Invitation {
    pub id: Uuid,
    pub org: OrgId,
    /// Normalised (trimmed, lower-case): only the account with this address may accept it.
    pub email: String,
    pub role: OrgRole,
    pub invited_by: Option<UserId>,
    pub status: InvitationStatus,
    pub expires_at: DateTime<Utc>,
    pub created_at: DateTime<Utc>,
}

impl TryFrom<invitation::Model> for Invitation {
    type Error = DbError;

    fn try_from(row: invitation::Model) -> Result<Self, DbError> {
        Ok(Self {
            id: row.id,
            org: OrgId::from_uuid(row.organization_id),
            role: row.role.parse().map_err(DbError::corrupt)?,
            status: row.status.parse().map_err(DbError::corrupt)?,
            invited_by: row.invited_by.map(UserId::from_uuid),
            email: row.email,
            expires_at: row.expires_at,
            created_at: row.created_at,
        })
    }
}

/// An invitation about to be stored.
#[derive(Debug)]
pub struct NewInvitation<'a> {
    pub email: &'a str,
    pub role: OrgRole,
    pub invited_by: UserId,
    pub token_hash: &'a str,
    pub expires_at: DateTime<Utc>,
}

pub async fn create(
    db: &impl ConnectionTrait,
    org: OrgId,
    new: NewInvitation<'_>,
    now: DateTime<Utc>,
) -> Result<Invitation, DbError> {
    invitation::ActiveModel {
        id: Set(Uuid::now_v7()),
        organization_id: Set(org.as_uuid()),
        email: Set(new.email.to_owned()),
        role: Set(new.role.as_str().to_owned()),
        invited_by: Set(Some(new.invited_by.as_uuid())),
        token_hash: Set(new.token_hash.to_owned()),
        status: Set(InvitationStatus::Pending.as_str().to_owned()),
        expires_at: Set(new.expires_at),
        created_at: Set(now),
        decided_at: Set(None),
        accepted_by: Set(None),
    }
    .insert(db)
    .await?
    .try_into()
}

/// Revokes the organization's pending invitation of `email`, if any (a new one replaces it).
pub async fn revoke_pending_to(
    db: &impl ConnectionTrait,
    org: OrgId,
    email: &str,
    now: DateTime<Utc>,
) -> Result<(), DbError> {
    Entity::update_in(org)
        .col_expr(Column::Status, InvitationStatus::Revoked.as_str().into())
        .col_expr(Column::DecidedAt, Expr::value(Some(now)))
        .filter(Column::Email.eq(email))
        .filter(Column::Status.eq(InvitationStatus::Pending.as_str()))
        .exec(db)
        .await?;
    Ok(())
}

/// The organization's invitations still waiting for an answer at `now`, newest first.
pub async fn list_pending(
    db: &impl ConnectionTrait,
    org: OrgId,
    now: DateTime<Utc>,
) -> Result<Vec<Invitation>, DbError> {
    Entity::find_in(org)
        .filter(Column::Status.eq(InvitationStatus::Pending.as_str()))
        .filter(Column::ExpiresAt.gt(now))
        .order_by_desc(Column::Id)
        .all(db)
        .await?
        .into_iter()
        .map(Invitation::try_from)
        .collect()
}

/// Revokes one pending invitation of the organization; `NotFound` when it has none such.
pub async fn revoke(
    db: &impl ConnectionTrait,
    org: OrgId,
    id: Uuid,
    now: DateTime<Utc>,
) -> Result<(), DbError> {
    let result = Entity::update_in(org)
        .col_expr(Column::Status, InvitationStatus::Revoked.as_str().into())
        .col_expr(Column::DecidedAt, Expr::value(Some(now)))
        .filter(Column::Id.eq(id))
        .filter(Column::Status.eq(InvitationStatus::Pending.as_str()))
        .exec(db)
        .await?;
    if result.rows_affected == 0 {
        return Err(DbError::NotFound);
    }
    Ok(())
}

/// The invitation whose link carries the token with this hash, whatever its state.
pub async fn find_by_token_hash(
    db: &impl ConnectionTrait,
    token_hash: &str,
) -> Result<Option<Invitation>, DbError> {
    Entity::find()
        .filter(Column::TokenHash.eq(token_hash))
        .one(db)
        .await?
        .map(Invitation::try_from)
        .transpose()
}

/// Marks the invitation accepted by `user`, if it is still pending and unexpired at `now`:
/// answers whether this call did (two clicks at once: one wins).
pub async fn accept(
    db: &impl ConnectionTrait,
    org: OrgId,
    id: Uuid,
    user: UserId,
    now: DateTime<Utc>,
) -> Result<bool, DbError> {
    let result = Entity::update_in(org)
        .col_expr(Column::Status, InvitationStatus::Accepted.as_str().into())
        .col_expr(Column::DecidedAt, Expr::value(Some(now)))
        .col_expr(Column::AcceptedBy, Expr::value(Some(user.as_uuid())))
        .filter(Column::Id.eq(id))
        .filter(Column::Status.eq(InvitationStatus::Pending.as_str()))
        .filter(Column::ExpiresAt.gt(now))
        .exec(db)
        .await?;
    Ok(result.rows_affected == 1)
}

//! The single-use tokens that links sent by email carry (verifying an address, resetting a
//! password): only their SHA-256 is stored, each is used at most once (one conditional update), and
//! each expires.

use chrono::{DateTime, Utc};
use domain::{EmailTokenPurpose, UserId};
use sea_orm::sea_query::Expr;
use sea_orm::{
    ActiveModelTrait as _, ColumnTrait as _, ConnectionTrait, EntityTrait as _,
    PaginatorTrait as _, QueryFilter as _, Set,
};
use uuid::Uuid;

use crate::DbError;
use crate::entities::email_token::{Column, Entity, Model};

/// Stores the hash of a new token for `user`.
pub async fn create(
    db: &impl ConnectionTrait,
    token_hash: &str,
    user: UserId,
    purpose: EmailTokenPurpose,
    expires_at: DateTime<Utc>,
    now: DateTime<Utc>,
) -> Result<(), DbError> {
    crate::entities::email_token::ActiveModel {
        id: Set(Uuid::now_v7()),
        token_hash: Set(token_hash.to_owned()),
        user_id: Set(user.as_uuid()),
        purpose: Set(purpose.as_str().to_owned()),
        expires_at: Set(expires_at),
        used_at: Set(None),
        created_at: Set(now),
    }
    .insert(db)
    .await?;
    Ok(())
}

/// Uses the token with this hash and purpose, if it is unused and unexpired at `now`: answers its
/// user, once. Two requests with one token: one wins, the other gets `None`. The use is the first
/// statement (a write), so that in a transaction SQLite queues it behind other writers.
pub async fn consume(
    db: &impl ConnectionTrait,
    token_hash: &str,
    purpose: EmailTokenPurpose,
    now: DateTime<Utc>,
) -> Result<Option<UserId>, DbError> {
    let used = Entity::update_many()
        .col_expr(Column::UsedAt, Expr::value(Some(now)))
        .filter(Column::TokenHash.eq(token_hash))
        .filter(Column::Purpose.eq(purpose.as_str()))
        .filter(Column::UsedAt.is_null())
        .filter(Column::ExpiresAt.gt(now))
        .exec(db)
        .await?
        .rows_affected
        == 1;
    if !used {
        return Ok(None);
    }
    let token: Option<Model> = Entity::find()
        .filter(Column::TokenHash.eq(token_hash))
        .one(db)
        .await?;
    Ok(token.map(|token| UserId::from_uuid(token.user_id)))
}

/// How many tokens of `purpose` the user was given since `since` (the resend limit).
pub async fn count_since(
    db: &impl ConnectionTrait,
    user: UserId,
    purpose: EmailTokenPurpose,
    since: DateTime<Utc>,
) -> Result<u64, DbError> {
    Ok(Entity::find()
        .filter(Column::UserId.eq(user.as_uuid()))
        .filter(Column::Purpose.eq(purpose.as_str()))
        .filter(Column::CreatedAt.gt(since))
        .count(db)
        .await?)
}

/// Makes every unused token of `purpose` of the user unusable (a password reset ends the other
/// reset links).
pub async fn revoke_all(
    db: &impl ConnectionTrait,
    user: UserId,
    purpose: EmailTokenPurpose,
    now: DateTime<Utc>,
) -> Result<(), DbError> {
    Entity::update_many()
        .col_expr(Column::UsedAt, Expr::value(Some(now)))
        .filter(Column::UserId.eq(user.as_uuid()))
        .filter(Column::Purpose.eq(purpose.as_str()))
        .filter(Column::UsedAt.is_null())
        .exec(db)
        .await?;
    Ok(())
}

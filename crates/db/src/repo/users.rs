//! User accounts. Not tenant data: a user may belong to many organizations, or none (a shopper).

use std::collections::HashMap;

use chrono::{DateTime, Utc};
use domain::{PlatformRole, UserId};
use sea_orm::sea_query::{Alias, Expr, Func, LikeExpr};
use sea_orm::{
    ActiveModelTrait as _, ColumnTrait as _, Condition, ConnectionTrait, EntityTrait as _,
    QueryFilter as _, QueryOrder as _, QuerySelect as _, Set,
};
use uuid::Uuid;

use crate::DbError;
use crate::entities::session;
use crate::entities::user_account::{self, Column, Entity};

/// A user, with the hash of their password (never leaves the identity crate).
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct User {
    pub id: UserId,
    pub email: String,
    pub name: String,
    pub password_hash: String,
    pub role: PlatformRole,
    pub created_at: DateTime<Utc>,
    /// When the user proved they receive mail at `email` (followed a link sent there); `None`
    /// until then.
    pub email_verified_at: Option<DateTime<Utc>>,
}

impl TryFrom<user_account::Model> for User {
    type Error = DbError;

    fn try_from(row: user_account::Model) -> Result<Self, DbError> {
        Ok(Self {
            id: UserId::from_uuid(row.id),
            role: row.role.parse().map_err(DbError::corrupt)?,
            email: row.email,
            name: row.name,
            password_hash: row.password_hash,
            created_at: row.created_at,
            email_verified_at: row.email_verified_at,
        })
    }
}

/// A user about to be created; `email` is already normalised (trimmed, lower-case).
#[derive(Debug)]
pub struct NewUser<'a> {
    pub email: &'a str,
    pub name: &'a str,
    pub password_hash: &'a str,
    pub role: PlatformRole,
}

/// Creates a user; an email already taken is `Conflict`.
pub async fn create(
    db: &impl ConnectionTrait,
    new: NewUser<'_>,
    now: DateTime<Utc>,
) -> Result<User, DbError> {
    user_account::ActiveModel {
        id: Set(UserId::new().as_uuid()),
        email: Set(new.email.to_owned()),
        name: Set(new.name.to_owned()),
        password_hash: Set(new.password_hash.to_owned()),
        role: Set(new.role.as_str().to_owned()),
        created_at: Set(now),
        updated_at: Set(now),
        email_verified_at: Set(None),
    }
    .insert(db)
    .await
    .map_err(DbError::on_unique("email"))?
    .try_into()
}

pub async fn find_by_email(
    db: &impl ConnectionTrait,
    email: &str,
) -> Result<Option<User>, DbError> {
    Entity::find()
        .filter(Column::Email.eq(email))
        .one(db)
        .await?
        .map(User::try_from)
        .transpose()
}

pub async fn get(db: &impl ConnectionTrait, id: UserId) -> Result<User, DbError> {
    Entity::find_by_id(id.as_uuid())
        .one(db)
        .await?
        .ok_or(DbError::NotFound)?
        .try_into()
}

pub async fn set_role(
    db: &impl ConnectionTrait,
    id: UserId,
    role: PlatformRole,
    now: DateTime<Utc>,
) -> Result<(), DbError> {
    let result = Entity::update_many()
        .col_expr(Column::Role, role.as_str().into())
        .col_expr(Column::UpdatedAt, now.into())
        .filter(Column::Id.eq(id.as_uuid()))
        .exec(db)
        .await?;
    if result.rows_affected == 0 {
        return Err(DbError::NotFound);
    }
    Ok(())
}

/// Records that the user proved their address, if not yet: answers whether this call did (so that
/// what follows a first verification happens once).
pub async fn mark_email_verified(
    db: &impl ConnectionTrait,
    id: UserId,
    now: DateTime<Utc>,
) -> Result<bool, DbError> {
    let result = Entity::update_many()
        .col_expr(Column::EmailVerifiedAt, Expr::value(Some(now)))
        .col_expr(Column::UpdatedAt, now.into())
        .filter(Column::Id.eq(id.as_uuid()))
        .filter(Column::EmailVerifiedAt.is_null())
        .exec(db)
        .await?;
    Ok(result.rows_affected == 1)
}

pub async fn set_password_hash(
    db: &impl ConnectionTrait,
    id: UserId,
    password_hash: &str,
    now: DateTime<Utc>,
) -> Result<(), DbError> {
    let result = Entity::update_many()
        .col_expr(Column::PasswordHash, password_hash.into())
        .col_expr(Column::UpdatedAt, now.into())
        .filter(Column::Id.eq(id.as_uuid()))
        .exec(db)
        .await?;
    if result.rows_affected == 0 {
        return Err(DbError::NotFound);
    }
    Ok(())
}

/// A user as platform administrators list them: no password hash, and how many sessions they have.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct UserSummary {
    pub id: UserId,
    pub email: String,
    pub name: String,
    pub role: PlatformRole,
    pub created_at: DateTime<Utc>,
    /// Sessions not yet expired at the `now` of the listing.
    pub active_sessions: u64,
}

/// Users, newest first (by their UUIDv7 id), at most `limit`, older than the user `before`, whose
/// email or name contains `search` case-insensitively (`%`, `_` and `\` in it match themselves),
/// each with how many of their sessions are unexpired at `now`. Two queries, whatever the page size:
/// the users, then their sessions counted in one grouped query.
pub async fn list(
    db: &impl ConnectionTrait,
    search: Option<&str>,
    before: Option<UserId>,
    limit: u64,
    now: DateTime<Utc>,
) -> Result<Vec<UserSummary>, DbError> {
    let mut query = Entity::find();
    if let Some(search) = search {
        let pattern = format!("%{}%", escape_like(&search.to_lowercase()));
        let contains = |column: Column| {
            Expr::expr(Func::lower(Expr::col((Entity, column))))
                .like(LikeExpr::new(pattern.clone()).escape('\\'))
        };
        query = query.filter(
            Condition::any()
                .add(contains(Column::Email))
                .add(contains(Column::Name)),
        );
    }
    if let Some(before) = before {
        query = query.filter(Column::Id.lt(before.as_uuid()));
    }
    let rows = query.order_by_desc(Column::Id).limit(limit).all(db).await?;
    if rows.is_empty() {
        return Ok(Vec::new());
    }

    let ids: Vec<Uuid> = rows.iter().map(|row| row.id).collect();
    let counts: HashMap<Uuid, i64> = session::Entity::find()
        .select_only()
        .column(session::Column::UserId)
        .expr_as(
            Func::cast_as(Expr::col(session::Column::Id).count(), Alias::new("BIGINT")),
            "sessions",
        )
        .filter(session::Column::UserId.is_in(ids))
        .filter(session::Column::ExpiresAt.gt(now))
        .group_by(session::Column::UserId)
        .into_tuple::<(Uuid, i64)>()
        .all(db)
        .await?
        .into_iter()
        .collect();

    rows.into_iter()
        .map(|row| {
            let active_sessions = counts
                .get(&row.id)
                .map_or(0, |&count| u64::try_from(count).unwrap_or(0));
            Ok(UserSummary {
                id: UserId::from_uuid(row.id),
                role: row.role.parse().map_err(DbError::corrupt)?,
                email: row.email,
                name: row.name,
                created_at: row.created_at,
                active_sessions,
            })
        })
        .collect()
}

/// `text` for a `LIKE … ESCAPE '\'` pattern: its wildcards and the escape itself match literally.
fn escape_like(text: &str) -> String {
    text.replace('\\', "\\\\")
        .replace('%', "\\%")
        .replace('_', "\\_")
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn like_wildcards_are_escaped() {
        assert_eq!(escape_like("50%_off\\"), "50\\%\\_off\\\\");
        assert_eq!(escape_like("ada"), "ada");
    }
}

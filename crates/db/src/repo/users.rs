//! User accounts. Not tenant data: a user may belong to many organizations, or none (a shopper).

use chrono::{DateTime, Utc};
use domain::{PlatformRole, UserId};
use sea_orm::{
    ActiveModelTrait as _, ColumnTrait as _, ConnectionTrait, EntityTrait as _, QueryFilter as _,
    Set,
};

use crate::DbError;
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

//! The store's customers: one per organization and email.

use chrono::{DateTime, Utc};
use domain::{CustomerId, OrgId, UserId};
use sea_orm::sea_query::{Expr, OnConflict};
use sea_orm::{
    ActiveModelTrait as _, ActiveValue, ColumnTrait as _, ConnectionTrait, EntityTrait as _,
    PaginatorTrait as _, QueryFilter as _,
};

use crate::entities::{customer, user_account};
use crate::{DbError, PageRequest, Tenanted as _, page};

/// A customer of the store.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Customer {
    pub id: CustomerId,
    pub email: String,
    pub name: Option<String>,
    /// The shopper account it is tied to, once its owner ordered signed in with this, their
    /// verified address.
    pub user_id: Option<UserId>,
    pub created_at: DateTime<Utc>,
    pub updated_at: DateTime<Utc>,
}

impl From<customer::Model> for Customer {
    fn from(row: customer::Model) -> Self {
        Self {
            id: CustomerId::from_uuid(row.id),
            email: row.email,
            name: row.name,
            user_id: row.user_id.map(UserId::from_uuid),
            created_at: row.created_at,
            updated_at: row.updated_at,
        }
    }
}

/// What changes on a customer; `None` keeps the field.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct CustomerChange {
    pub email: Option<String>,
    pub name: Option<String>,
}

/// A page of customers, newest first.
pub async fn page(
    db: &impl ConnectionTrait,
    org: OrgId,
    page: PageRequest,
) -> Result<(Vec<Customer>, Option<String>), DbError> {
    let select = customer::Entity::find_in(org);
    let (rows, next) = page::fetch(db, select, customer::Column::Id, page, |row| row.id).await?;
    Ok((rows.into_iter().map(Customer::from).collect(), next))
}

/// Adds a customer; one with this email already is `Conflict("customer")`.
pub async fn insert(
    db: &impl ConnectionTrait,
    org: OrgId,
    email: String,
    name: Option<String>,
    now: DateTime<Utc>,
) -> Result<Customer, DbError> {
    let row = customer::ActiveModel {
        organization_id: ActiveValue::Set(org.as_uuid()),
        id: ActiveValue::Set(CustomerId::new().as_uuid()),
        email: ActiveValue::Set(email),
        name: ActiveValue::Set(name),
        user_id: ActiveValue::Set(None),
        created_at: ActiveValue::Set(now),
        updated_at: ActiveValue::Set(now),
    }
    .insert(db)
    .await
    .map_err(DbError::on_unique("customer"))?;
    Ok(row.into())
}

pub async fn get(
    db: &impl ConnectionTrait,
    org: OrgId,
    id: CustomerId,
) -> Result<Customer, DbError> {
    customer::Entity::find_by_id((org.as_uuid(), id.as_uuid()))
        .one(db)
        .await?
        .map(Customer::from)
        .ok_or(DbError::NotFound)
}

/// Changes a customer; another with the new email already is `Conflict("customer")`.
pub async fn update(
    db: &impl ConnectionTrait,
    org: OrgId,
    id: CustomerId,
    change: CustomerChange,
    now: DateTime<Utc>,
) -> Result<Customer, DbError> {
    let mut update = customer::Entity::update_in(org)
        .col_expr(customer::Column::UpdatedAt, Expr::value(now))
        .filter(customer::Column::Id.eq(id.as_uuid()));
    if let Some(email) = change.email {
        update = update.col_expr(customer::Column::Email, Expr::value(email));
    }
    if let Some(name) = change.name {
        update = update.col_expr(customer::Column::Name, Expr::value(name));
    }
    let result = update
        .exec(db)
        .await
        .map_err(DbError::on_unique("customer"))?;
    if result.rows_affected == 0 {
        return Err(DbError::NotFound);
    }
    get(db, org, id).await
}

/// The customer record an order is linked to: found by email, created if new (a concurrent order
/// for the same new email finds the one the other created), and tied to the signed-in shopper's
/// account only when `email` is that account's verified address — so that nobody takes over the
/// history of an address they merely typed.
pub async fn for_order(
    db: &impl ConnectionTrait,
    org: OrgId,
    email: &str,
    user: Option<UserId>,
    now: DateTime<Utc>,
) -> Result<CustomerId, DbError> {
    let user = match user {
        Some(user) => verified_owner(db, user, email).await?,
        None => None,
    };
    let candidate = customer::ActiveModel {
        organization_id: ActiveValue::Set(org.as_uuid()),
        id: ActiveValue::Set(CustomerId::new().as_uuid()),
        email: ActiveValue::Set(email.to_owned()),
        name: ActiveValue::Set(None),
        user_id: ActiveValue::Set(user.map(|user| user.as_uuid())),
        created_at: ActiveValue::Set(now),
        updated_at: ActiveValue::Set(now),
    };
    customer::Entity::insert(candidate)
        .on_conflict(
            OnConflict::columns([customer::Column::OrganizationId, customer::Column::Email])
                .do_nothing()
                .to_owned(),
        )
        .exec_without_returning(db)
        .await?;
    if let Some(user) = user {
        customer::Entity::update_in(org)
            .col_expr(customer::Column::UserId, Expr::value(user.as_uuid()))
            .filter(customer::Column::Email.eq(email))
            .filter(customer::Column::UserId.is_null())
            .exec(db)
            .await?;
    }
    let row = customer::Entity::find_in(org)
        .filter(customer::Column::Email.eq(email))
        .one(db)
        .await?
        .ok_or(DbError::NotFound)?;
    Ok(CustomerId::from_uuid(row.id))
}

/// `user`, if `email` is their verified address.
async fn verified_owner(
    db: &impl ConnectionTrait,
    user: UserId,
    email: &str,
) -> Result<Option<UserId>, DbError> {
    let owns = user_account::Entity::find_by_id(user.as_uuid())
        .filter(user_account::Column::Email.eq(email))
        .filter(user_account::Column::EmailVerifiedAt.is_not_null())
        .count(db)
        .await?
        == 1;
    Ok(owns.then_some(user))
}

//! The store's customers: one per organization and email.

use api_types::commerce::{CreateCustomerRequest, Customer, UpdateCustomerRequest};
use chrono::{DateTime, Utc};
use db::Tenanted as _;
use db::entities::customer;
use domain::text;
use domain::{CustomerId, OrgId, UserId};
use sea_orm::sea_query::{Expr, OnConflict};
use sea_orm::{
    ActiveModelTrait as _, ActiveValue, ColumnTrait as _, ConnectionTrait, EntityTrait as _,
    QueryFilter as _, SqlErr,
};

use crate::validate::Problems;
use crate::{CommerceError, PageRequest, pagination};

fn view(row: customer::Model) -> Customer {
    Customer {
        id: row.id,
        email: row.email,
        name: row.name,
        user_id: row.user_id,
        created_at: row.created_at,
        updated_at: row.updated_at,
    }
}

fn taken(error: sea_orm::DbErr) -> CommerceError {
    match error.sql_err() {
        Some(SqlErr::UniqueConstraintViolation(_)) => CommerceError::conflict(
            "CUSTOMER_EXISTS",
            "a customer with this email already exists",
        ),
        _ => error.into(),
    }
}

/// A page of customers, newest first.
pub async fn list(
    db: &impl ConnectionTrait,
    org: OrgId,
    page: PageRequest,
) -> Result<(Vec<Customer>, Option<String>), CommerceError> {
    let select = customer::Entity::find_in(org);
    let (rows, next) =
        pagination::fetch(db, select, customer::Column::Id, page, |row| row.id).await?;
    Ok((rows.into_iter().map(view).collect(), next))
}

pub async fn create(
    db: &impl ConnectionTrait,
    org: OrgId,
    request: CreateCustomerRequest,
    now: DateTime<Utc>,
) -> Result<Customer, CommerceError> {
    let mut problems = Problems::default();
    let email = problems.email("email", &request.email);
    let name = request
        .name
        .as_deref()
        .map(|name| problems.text("name", name, text::PERSON_NAME));
    problems.finish()?;
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
    .map_err(taken)?;
    Ok(view(row))
}

pub async fn get(
    db: &impl ConnectionTrait,
    org: OrgId,
    id: CustomerId,
) -> Result<Customer, CommerceError> {
    customer::Entity::find_by_id((org.as_uuid(), id.as_uuid()))
        .one(db)
        .await?
        .map(view)
        .ok_or(CommerceError::NotFound("customer"))
}

pub async fn update(
    db: &impl ConnectionTrait,
    org: OrgId,
    id: CustomerId,
    request: UpdateCustomerRequest,
    now: DateTime<Utc>,
) -> Result<Customer, CommerceError> {
    let mut problems = Problems::default();
    let email = request
        .email
        .as_deref()
        .map(|email| problems.email("email", email));
    let name = request
        .name
        .as_deref()
        .map(|name| problems.text("name", name, text::PERSON_NAME));
    problems.finish()?;
    let mut change = customer::Entity::update_in(org)
        .col_expr(customer::Column::UpdatedAt, Expr::value(now))
        .filter(customer::Column::Id.eq(id.as_uuid()));
    if let Some(email) = email {
        change = change.col_expr(customer::Column::Email, Expr::value(email));
    }
    if let Some(name) = name {
        change = change.col_expr(customer::Column::Name, Expr::value(name));
    }
    if change.exec(db).await.map_err(taken)?.rows_affected == 0 {
        return Err(CommerceError::NotFound("customer"));
    }
    get(db, org, id).await
}

/// The customer record an order is linked to: found by email, created if new (a concurrent order
/// for the same new email finds the one the other created), and tied to the signed-in shopper's
/// account when there is one.
pub(crate) async fn for_order(
    db: &impl ConnectionTrait,
    org: OrgId,
    email: &str,
    user: Option<UserId>,
    now: DateTime<Utc>,
) -> Result<CustomerId, CommerceError> {
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
        .ok_or(CommerceError::NotFound("customer"))?;
    Ok(CustomerId::from_uuid(row.id))
}

//! The store's customers: one per organization and email.

use api_types::commerce::{CreateCustomerRequest, Customer, UpdateCustomerRequest};
use chrono::{DateTime, Utc};
use db::repo::customers::{self, CustomerChange};
use db::{ConnectionTrait, DbError, PageRequest};
use domain::text;
use domain::{CustomerId, OrgId};

use crate::CommerceError;
use crate::validate::Problems;

fn view(customer: customers::Customer) -> Customer {
    Customer {
        id: customer.id.as_uuid(),
        email: customer.email,
        name: customer.name,
        user_id: customer.user_id.map(|user| user.as_uuid()),
        created_at: customer.created_at,
        updated_at: customer.updated_at,
    }
}

fn stored(error: DbError) -> CommerceError {
    match error {
        DbError::Conflict(_) => CommerceError::conflict(
            "CUSTOMER_EXISTS",
            "a customer with this email already exists",
        ),
        other => CommerceError::found_as("customer")(other),
    }
}

/// A page of customers, newest first.
pub async fn list(
    db: &impl ConnectionTrait,
    org: OrgId,
    page: PageRequest,
) -> Result<(Vec<Customer>, Option<String>), CommerceError> {
    let (customers, next) = customers::page(db, org, page).await?;
    Ok((customers.into_iter().map(view).collect(), next))
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
    let customer = customers::insert(db, org, email, name, now)
        .await
        .map_err(stored)?;
    Ok(view(customer))
}

pub async fn get(
    db: &impl ConnectionTrait,
    org: OrgId,
    id: CustomerId,
) -> Result<Customer, CommerceError> {
    customers::get(db, org, id)
        .await
        .map(view)
        .map_err(CommerceError::found_as("customer"))
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
    let change = CustomerChange { email, name };
    customers::update(db, org, id, change, now)
        .await
        .map(view)
        .map_err(stored)
}

//! The store's customers: one per organization and email.

use api_types::commerce::{CreateCustomerRequest, UpdateCustomerRequest};
use chrono::{DateTime, Utc};
pub use db::repo::customers::Customer;
use db::repo::customers::{self, CustomerChange};
use db::{ConnectionTrait, DbError, PageRequest};
use domain::text;
use domain::{CustomerId, OrgId};

use crate::CommerceError;
use crate::validate::Problems;

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
    Ok(customers::page(db, org, page).await?)
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
    customers::insert(db, org, email, name, now)
        .await
        .map_err(stored)
}

pub async fn get(
    db: &impl ConnectionTrait,
    org: OrgId,
    id: CustomerId,
) -> Result<Customer, CommerceError> {
    customers::get(db, org, id)
        .await
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
        .map_err(stored)
}

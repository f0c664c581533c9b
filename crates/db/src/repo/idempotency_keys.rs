//! Idempotency keys: claimed by the first request that uses one, completed with that request's
//! answer in the same transaction as its effects, released when it fails.

use chrono::{DateTime, Utc};
use domain::OrgId;
use sea_orm::sea_query::{Expr, OnConflict};
use sea_orm::{
    ActiveValue, ColumnTrait as _, ConnectionTrait, DatabaseTransaction, EntityTrait as _,
    QueryFilter,
};

use crate::entities::idempotency_key::{self, Column, Entity};
use crate::{DbError, Tenanted as _};

const IN_FLIGHT: &str = "in_flight";
const COMPLETED: &str = "completed";

/// Which key: one caller's (principal's) key for one operation, in one organization.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct KeyName {
    pub org: OrgId,
    pub principal: String,
    pub operation: &'static str,
    pub key: String,
}

impl KeyName {
    /// `query` (already within the organization) narrowed to this key.
    fn of<Q: QueryFilter>(&self, query: Q) -> Q {
        query
            .filter(Column::PrincipalId.eq(self.principal.as_str()))
            .filter(Column::Operation.eq(self.operation))
            .filter(Column::Key.eq(self.key.as_str()))
    }
}

/// A key as kept.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct KeptKey {
    /// Of the request that claimed it.
    pub fingerprint: String,
    /// The answer, once the request completed: its HTTP status and body.
    pub answer: Option<(u16, String)>,
    pub claimed_at: DateTime<Utc>,
}

/// Claims the key for a request with `fingerprint`, unless it is claimed already; whether it was
/// claimed now.
pub async fn claim(
    db: &impl ConnectionTrait,
    name: &KeyName,
    fingerprint: &str,
    now: DateTime<Utc>,
) -> Result<bool, DbError> {
    let row = idempotency_key::ActiveModel {
        organization_id: ActiveValue::Set(name.org.as_uuid()),
        principal_id: ActiveValue::Set(name.principal.clone()),
        operation: ActiveValue::Set(name.operation.to_owned()),
        key: ActiveValue::Set(name.key.clone()),
        fingerprint: ActiveValue::Set(fingerprint.to_owned()),
        state: ActiveValue::Set(IN_FLIGHT.to_owned()),
        response_status: ActiveValue::Set(None),
        response_body: ActiveValue::Set(None),
        created_at: ActiveValue::Set(now),
    };
    let inserted = Entity::insert(row)
        .on_conflict(
            OnConflict::columns([
                Column::OrganizationId,
                Column::PrincipalId,
                Column::Operation,
                Column::Key,
            ])
            .do_nothing()
            .to_owned(),
        )
        .exec_without_returning(db)
        .await?;
    Ok(inserted > 0)
}

/// The key as kept, if it is.
pub async fn get(db: &impl ConnectionTrait, name: &KeyName) -> Result<Option<KeptKey>, DbError> {
    Ok(name
        .of(Entity::find_in(name.org))
        .one(db)
        .await?
        .map(|row| KeptKey {
            answer: (row.state == COMPLETED).then(|| {
                let status = row
                    .response_status
                    .and_then(|status| u16::try_from(status).ok())
                    .unwrap_or(200);
                (status, row.response_body.unwrap_or_default())
            }),
            fingerprint: row.fingerprint,
            claimed_at: row.created_at,
        }))
}

/// Claims again a key whose request never completed, if it is still the claim made at
/// `claimed_at` (of two callers taking one over, one wins); whether it was taken.
pub async fn take_over(
    db: &impl ConnectionTrait,
    name: &KeyName,
    claimed_at: DateTime<Utc>,
    now: DateTime<Utc>,
) -> Result<bool, DbError> {
    let taken = name
        .of(Entity::update_in(name.org))
        .col_expr(Column::CreatedAt, Expr::value(now))
        .filter(Column::State.eq(IN_FLIGHT))
        .filter(Column::CreatedAt.eq(claimed_at))
        .exec(db)
        .await?;
    Ok(taken.rows_affected == 1)
}

/// Keeps the answer, in the transaction of the request's effects.
pub async fn complete(
    txn: &DatabaseTransaction,
    name: &KeyName,
    status: u16,
    body: &str,
) -> Result<(), DbError> {
    name.of(Entity::update_in(name.org))
        .col_expr(Column::State, Expr::value(COMPLETED))
        .col_expr(Column::ResponseStatus, Expr::value(i32::from(status)))
        .col_expr(Column::ResponseBody, Expr::value(body.to_owned()))
        .exec(txn)
        .await?;
    Ok(())
}

/// Gives up a claim whose request failed, so that a retry runs it again.
pub async fn release(db: &impl ConnectionTrait, name: &KeyName) -> Result<(), DbError> {
    name.of(Entity::delete_in(name.org))
        .filter(Column::State.eq(IN_FLIGHT))
        .exec(db)
        .await?;
    Ok(())
}

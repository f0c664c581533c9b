//! Payment events as received from the checkout app: kept once per provider event id, with
//! their raw payload, their processing status and their last error.

use chrono::{DateTime, Utc};
use domain::{OrderId, OrgId, PaymentEventId, PaymentEventStatus};
use sea_orm::sea_query::{Expr, OnConflict};
use sea_orm::{ActiveValue, ColumnTrait as _, ConnectionTrait, EntityTrait as _, QueryFilter as _};

use crate::entities::payment_event;
use crate::{DbError, PageRequest, Tenanted as _, page};

/// An event, as kept.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct PaymentEvent {
    pub id: PaymentEventId,
    /// `generic` or `stripe`.
    pub provider: String,
    pub event_id: String,
    pub event_type: String,
    pub order_id: Option<OrderId>,
    pub amount: Option<i64>,
    pub currency: Option<String>,
    /// The body as delivered.
    pub payload: String,
    pub status: PaymentEventStatus,
    pub error: Option<String>,
    pub attempts: i32,
    pub created_at: DateTime<Utc>,
    pub processed_at: Option<DateTime<Utc>>,
}

impl TryFrom<payment_event::Model> for PaymentEvent {
    type Error = DbError;

    fn try_from(row: payment_event::Model) -> Result<Self, DbError> {
        Ok(Self {
            id: PaymentEventId::from_uuid(row.id),
            provider: row.provider,
            event_id: row.event_id,
            event_type: row.event_type,
            order_id: row.order_id.map(OrderId::from_uuid),
            amount: row.amount,
            currency: row.currency,
            payload: row.payload,
            status: row.status.parse().map_err(DbError::corrupt)?,
            error: row.error,
            attempts: row.attempts,
            created_at: row.created_at,
            processed_at: row.processed_at,
        })
    }
}

/// An event to keep, as read from its delivery.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct NewPaymentEvent {
    pub provider: &'static str,
    pub event_id: String,
    pub event_type: String,
    pub order_id: Option<OrderId>,
    pub amount: Option<i64>,
    pub currency: Option<String>,
    pub payload: String,
    pub status: PaymentEventStatus,
}

/// Keeps an event unless one with its provider and event id is kept already: its id, or `None`
/// for a repeated delivery (which changes nothing).
pub async fn insert_once(
    db: &impl ConnectionTrait,
    org: OrgId,
    new: NewPaymentEvent,
    now: DateTime<Utc>,
) -> Result<Option<PaymentEventId>, DbError> {
    let id = PaymentEventId::new();
    let row = payment_event::ActiveModel {
        organization_id: ActiveValue::Set(org.as_uuid()),
        id: ActiveValue::Set(id.as_uuid()),
        provider: ActiveValue::Set(new.provider.to_owned()),
        event_id: ActiveValue::Set(new.event_id),
        event_type: ActiveValue::Set(new.event_type),
        order_id: ActiveValue::Set(new.order_id.map(|order| order.as_uuid())),
        amount: ActiveValue::Set(new.amount),
        currency: ActiveValue::Set(new.currency),
        payload: ActiveValue::Set(new.payload),
        status: ActiveValue::Set(new.status.as_str().to_owned()),
        error: ActiveValue::Set(None),
        attempts: ActiveValue::Set(0),
        created_at: ActiveValue::Set(now),
        processed_at: ActiveValue::Set(None),
    };
    let inserted = payment_event::Entity::insert(row)
        .on_conflict(
            OnConflict::columns([
                payment_event::Column::OrganizationId,
                payment_event::Column::Provider,
                payment_event::Column::EventId,
            ])
            .do_nothing()
            .to_owned(),
        )
        .exec_without_returning(db)
        .await?;
    Ok((inserted > 0).then_some(id))
}

pub async fn get(
    db: &impl ConnectionTrait,
    org: OrgId,
    id: PaymentEventId,
) -> Result<PaymentEvent, DbError> {
    payment_event::Entity::find_by_id((org.as_uuid(), id.as_uuid()))
        .one(db)
        .await?
        .ok_or(DbError::NotFound)?
        .try_into()
}

/// The event a provider sent with this id.
pub async fn by_event_id(
    db: &impl ConnectionTrait,
    org: OrgId,
    provider: &str,
    event_id: &str,
) -> Result<PaymentEvent, DbError> {
    payment_event::Entity::find_in(org)
        .filter(payment_event::Column::Provider.eq(provider))
        .filter(payment_event::Column::EventId.eq(event_id))
        .one(db)
        .await?
        .ok_or(DbError::NotFound)?
        .try_into()
}

/// The statuses an attempt may start from.
fn retryable() -> Vec<&'static str> {
    PaymentEventStatus::ALL
        .iter()
        .filter(|status| status.is_retryable())
        .map(|status| status.as_str())
        .collect()
}

/// One attempt's outcome written on the event, if it is still `received` or `failed`: answers
/// whether it was (an event processed meanwhile is never written over).
async fn record_attempt(
    db: &impl ConnectionTrait,
    org: OrgId,
    id: PaymentEventId,
    status: PaymentEventStatus,
    error: Option<String>,
    now: DateTime<Utc>,
) -> Result<bool, DbError> {
    let result = payment_event::Entity::update_in(org)
        .col_expr(payment_event::Column::Status, Expr::value(status.as_str()))
        .col_expr(payment_event::Column::Error, Expr::value(error))
        .col_expr(
            payment_event::Column::Attempts,
            Expr::col(payment_event::Column::Attempts).add(1),
        )
        .col_expr(payment_event::Column::ProcessedAt, Expr::value(Some(now)))
        .filter(payment_event::Column::Id.eq(id.as_uuid()))
        .filter(payment_event::Column::Status.is_in(retryable()))
        .exec(db)
        .await?;
    Ok(result.rows_affected == 1)
}

/// Claims the event, inside the transaction that applies it: it is `processed` (one attempt
/// more) if it was `received` or `failed`. Answers whether this attempt won it; a concurrent
/// attempt (which waits for this transaction) and any later one get `false`.
pub async fn claim(
    txn: &impl ConnectionTrait,
    org: OrgId,
    id: PaymentEventId,
    now: DateTime<Utc>,
) -> Result<bool, DbError> {
    record_attempt(txn, org, id, PaymentEventStatus::Processed, None, now).await
}

/// Records a failed attempt with its error — unless another attempt processed the event meanwhile.
pub async fn record_failure(
    db: &impl ConnectionTrait,
    org: OrgId,
    id: PaymentEventId,
    error: String,
    now: DateTime<Utc>,
) -> Result<(), DbError> {
    record_attempt(db, org, id, PaymentEventStatus::Failed, Some(error), now).await?;
    Ok(())
}

/// A page of the store's events, newest first, optionally of one status.
pub async fn page(
    db: &impl ConnectionTrait,
    org: OrgId,
    status: Option<PaymentEventStatus>,
    page: PageRequest,
) -> Result<(Vec<PaymentEvent>, Option<String>), DbError> {
    let mut select = payment_event::Entity::find_in(org);
    if let Some(status) = status {
        select = select.filter(payment_event::Column::Status.eq(status.as_str()));
    }
    let (rows, next) =
        page::fetch(db, select, payment_event::Column::Id, page, |row| row.id).await?;
    let events = rows
        .into_iter()
        .map(PaymentEvent::try_from)
        .collect::<Result<_, _>>()?;
    Ok((events, next))
}

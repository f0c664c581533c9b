//! The outbox: every email waits here, written in the transaction that decided to send it, until a
//! mail server took it. Not tenant data (a message has one recipient and no store). Several
//! couriers (one per api instance) share it: a message is *leased* by one conditional update before
//! it is sent, so that two instances never send it together, and a courier that died mid-send only
//! delays it until its lease ends.

use chrono::{DateTime, Duration, Utc};
use domain::EmailStatus;
use sea_orm::sea_query::Expr;
use sea_orm::{
    ActiveModelTrait as _, ColumnTrait as _, Condition, ConnectionTrait, EntityTrait as _,
    PaginatorTrait as _, QueryFilter as _, QueryOrder as _, QuerySelect as _, Set,
};
use uuid::Uuid;

use crate::DbError;
use crate::entities::email_outbox::{self, Column, Entity};

/// A message in the outbox. `message` is what its kind needs to be rendered (JSON); it is erased
/// once the message is sent or given up, so that the links it carries do not outlive their use.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct OutboxMail {
    pub id: Uuid,
    pub recipient: String,
    pub kind: String,
    pub message: String,
    pub status: EmailStatus,
    /// Attempts made so far, this one included once leased.
    pub attempts: u32,
    pub next_attempt_at: DateTime<Utc>,
    pub last_error: Option<String>,
    pub created_at: DateTime<Utc>,
    pub sent_at: Option<DateTime<Utc>>,
}

impl TryFrom<email_outbox::Model> for OutboxMail {
    type Error = DbError;

    fn try_from(row: email_outbox::Model) -> Result<Self, DbError> {
        Ok(Self {
            id: row.id,
            status: row.status.parse().map_err(DbError::corrupt)?,
            attempts: u32::try_from(row.attempts).map_err(DbError::corrupt)?,
            recipient: row.recipient,
            kind: row.kind,
            message: row.message,
            next_attempt_at: row.next_attempt_at,
            last_error: row.last_error,
            created_at: row.created_at,
            sent_at: row.sent_at,
        })
    }
}

/// A message about to be queued, due at once.
#[derive(Debug)]
pub struct NewMail<'a> {
    pub recipient: &'a str,
    pub kind: &'a str,
    pub message: &'a str,
}

/// Queues a message; answers its id.
pub async fn enqueue(
    db: &impl ConnectionTrait,
    new: NewMail<'_>,
    now: DateTime<Utc>,
) -> Result<Uuid, DbError> {
    let id = Uuid::now_v7();
    email_outbox::ActiveModel {
        id: Set(id),
        recipient: Set(new.recipient.to_owned()),
        kind: Set(new.kind.to_owned()),
        message: Set(new.message.to_owned()),
        status: Set(EmailStatus::Pending.as_str().to_owned()),
        attempts: Set(0),
        next_attempt_at: Set(now),
        leased_until: Set(None),
        last_error: Set(None),
        created_at: Set(now),
        sent_at: Set(None),
    }
    .insert(db)
    .await?;
    Ok(id)
}

/// Leases up to `limit` messages due at `now` (the earliest due first) for `lease`, counting the
/// attempt; answers those this caller won. A message leased by another courier whose lease has not
/// ended is skipped.
pub async fn lease_due(
    db: &impl ConnectionTrait,
    now: DateTime<Utc>,
    lease: Duration,
    limit: u64,
) -> Result<Vec<OutboxMail>, DbError> {
    let free = || {
        Condition::any()
            .add(Column::LeasedUntil.is_null())
            .add(Column::LeasedUntil.lte(now))
    };
    let candidates: Vec<Uuid> = Entity::find()
        .select_only()
        .column(Column::Id)
        .filter(Column::Status.eq(EmailStatus::Pending.as_str()))
        .filter(Column::NextAttemptAt.lte(now))
        .filter(free())
        .order_by_asc(Column::NextAttemptAt)
        .limit(limit)
        .into_tuple()
        .all(db)
        .await?;
    let mut won = Vec::with_capacity(candidates.len());
    for id in candidates {
        let leased = Entity::update_many()
            .col_expr(Column::LeasedUntil, Expr::value(now + lease))
            .col_expr(Column::Attempts, Expr::col(Column::Attempts).add(1))
            .filter(Column::Id.eq(id))
            .filter(Column::Status.eq(EmailStatus::Pending.as_str()))
            .filter(free())
            .exec(db)
            .await?
            .rows_affected
            == 1;
        if leased {
            won.push(id);
        }
    }
    if won.is_empty() {
        return Ok(Vec::new());
    }
    Entity::find()
        .filter(Column::Id.is_in(won))
        .order_by_asc(Column::NextAttemptAt)
        .all(db)
        .await?
        .into_iter()
        .map(OutboxMail::try_from)
        .collect()
}

/// The mail server took the message: it is sent, and its content erased.
pub async fn mark_sent(
    db: &impl ConnectionTrait,
    id: Uuid,
    now: DateTime<Utc>,
) -> Result<(), DbError> {
    Entity::update_many()
        .col_expr(Column::Status, EmailStatus::Sent.as_str().into())
        .col_expr(Column::SentAt, Expr::value(Some(now)))
        .col_expr(Column::Message, "".into())
        .col_expr(Column::LeasedUntil, Expr::value(None::<DateTime<Utc>>))
        .col_expr(Column::LastError, Expr::value(None::<String>))
        .filter(Column::Id.eq(id))
        .exec(db)
        .await?;
    Ok(())
}

/// This attempt failed with `error`: the message is due again at `retry_at`, or, with none, given
/// up (`failed`, its content erased).
pub async fn mark_failed(
    db: &impl ConnectionTrait,
    id: Uuid,
    error: &str,
    retry_at: Option<DateTime<Utc>>,
) -> Result<(), DbError> {
    let error: String = error.chars().take(1000).collect();
    let mut update = Entity::update_many()
        .col_expr(Column::LastError, Expr::value(Some(error)))
        .col_expr(Column::LeasedUntil, Expr::value(None::<DateTime<Utc>>))
        .filter(Column::Id.eq(id));
    update = match retry_at {
        Some(at) => update.col_expr(Column::NextAttemptAt, Expr::value(at)),
        None => update
            .col_expr(Column::Status, EmailStatus::Failed.as_str().into())
            .col_expr(Column::Message, "".into()),
    };
    update.exec(db).await?;
    Ok(())
}

/// The messages sent, or to be sent, to `recipient`, oldest first, with how their attempts went.
pub async fn for_recipient(
    db: &impl ConnectionTrait,
    recipient: &str,
) -> Result<Vec<OutboxMail>, DbError> {
    Entity::find()
        .filter(Column::Recipient.eq(recipient))
        .order_by_asc(Column::Id)
        .all(db)
        .await?
        .into_iter()
        .map(OutboxMail::try_from)
        .collect()
}

/// How many messages of `kind` were queued for `recipient` since `since` (a limit on what a
/// stranger can make the product send to an address).
pub async fn count_since(
    db: &impl ConnectionTrait,
    recipient: &str,
    kind: &str,
    since: DateTime<Utc>,
) -> Result<u64, DbError> {
    Ok(Entity::find()
        .filter(Column::Recipient.eq(recipient))
        .filter(Column::Kind.eq(kind))
        .filter(Column::CreatedAt.gt(since))
        .count(db)
        .await?)
}

//! Idempotent retries (Stripe's model): the first answer to a key is kept and replayed.
//!
//! A key is scoped to the organization, the caller (principal) and the operation. It is claimed in a
//! short transaction of its own, so a concurrent duplicate is refused at once (409) rather than
//! waiting; the operation's own transaction records the answer, so the answer and its effects commit
//! together — a crash can never leave an effect without its answer. A failed attempt releases the key.

use base64::Engine as _;
use base64::engine::general_purpose::URL_SAFE_NO_PAD;
use chrono::{DateTime, Duration, Utc};
use db::entities::idempotency_key;
use domain::OrgId;
use futures_util::future::BoxFuture;
use sea_orm::sea_query::{Expr, OnConflict};
use sea_orm::{
    ActiveValue, ColumnTrait as _, ConnectionTrait, DatabaseConnection, DatabaseTransaction,
    EntityTrait as _, QueryFilter as _, TransactionTrait as _,
};
use serde::Serialize;
use sha2::{Digest as _, Sha256};

use crate::CommerceError;

const IN_FLIGHT: &str = "in_flight";
const COMPLETED: &str = "completed";
/// A claim older than this whose operation never committed (the process died) may be taken over.
const ABANDONED_AFTER: Duration = Duration::seconds(60);

/// One key of one caller for one operation, and the request it was first used with.
#[derive(Clone, Debug)]
pub struct IdempotencyKey {
    pub org: OrgId,
    pub principal: String,
    pub operation: &'static str,
    pub key: String,
    fingerprint: String,
}

impl IdempotencyKey {
    /// Checks the key (1 to 255 visible ASCII characters) and fingerprints the request.
    pub fn new(
        org: OrgId,
        principal: &str,
        operation: &'static str,
        key: &str,
        request: &impl Serialize,
    ) -> Result<Self, CommerceError> {
        if !domain::text::is_idempotency_key(key) {
            return Err(CommerceError::invalid(
                "Idempotency-Key",
                format!(
                    "must be 1 to {} visible ASCII characters",
                    domain::text::IDEMPOTENCY_KEY_MAX
                ),
            ));
        }
        let canonical = serde_json::to_vec(request)
            .map_err(|e| CommerceError::invalid("body", e.to_string()))?;
        Ok(Self {
            org,
            principal: principal.chars().take(255).collect(),
            operation,
            key: key.to_owned(),
            fingerprint: URL_SAFE_NO_PAD.encode(Sha256::digest(&canonical)),
        })
    }

    fn filter<S: sea_orm::QueryFilter>(&self, query: S) -> S {
        query
            .filter(idempotency_key::Column::OrganizationId.eq(self.org.as_uuid()))
            .filter(idempotency_key::Column::PrincipalId.eq(self.principal.as_str()))
            .filter(idempotency_key::Column::Operation.eq(self.operation))
            .filter(idempotency_key::Column::Key.eq(self.key.as_str()))
    }
}

/// What to do with a request.
#[derive(Debug)]
pub enum Outcome<T> {
    /// It ran now.
    Fresh(T),
    /// It ran before: here is the first answer, as sent then.
    Replayed { status: u16, body: String },
}

enum Claim {
    Fresh,
    Replay { status: u16, body: String },
}

async fn claim(
    db: &impl ConnectionTrait,
    key: &IdempotencyKey,
    now: DateTime<Utc>,
) -> Result<Claim, CommerceError> {
    let row = idempotency_key::ActiveModel {
        organization_id: ActiveValue::Set(key.org.as_uuid()),
        principal_id: ActiveValue::Set(key.principal.clone()),
        operation: ActiveValue::Set(key.operation.to_owned()),
        key: ActiveValue::Set(key.key.clone()),
        fingerprint: ActiveValue::Set(key.fingerprint.clone()),
        state: ActiveValue::Set(IN_FLIGHT.to_owned()),
        response_status: ActiveValue::Set(None),
        response_body: ActiveValue::Set(None),
        created_at: ActiveValue::Set(now),
    };
    let inserted = idempotency_key::Entity::insert(row)
        .on_conflict(
            OnConflict::columns([
                idempotency_key::Column::OrganizationId,
                idempotency_key::Column::PrincipalId,
                idempotency_key::Column::Operation,
                idempotency_key::Column::Key,
            ])
            .do_nothing()
            .to_owned(),
        )
        .exec_without_returning(db)
        .await?;
    if inserted > 0 {
        return Ok(Claim::Fresh);
    }
    let existing = key
        .filter(idempotency_key::Entity::find())
        .one(db)
        .await?
        .ok_or_else(|| {
            CommerceError::conflict(
                "IDEMPOTENCY_IN_PROGRESS",
                "a request with this key is in progress",
            )
        })?;
    if existing.fingerprint != key.fingerprint {
        return Err(CommerceError::IdempotencyKeyReused);
    }
    if existing.state == COMPLETED {
        return Ok(Claim::Replay {
            status: existing
                .response_status
                .and_then(|status| u16::try_from(status).ok())
                .unwrap_or(200),
            body: existing.response_body.unwrap_or_default(),
        });
    }
    if existing.created_at < now - ABANDONED_AFTER {
        let taken = key
            .filter(idempotency_key::Entity::update_many())
            .col_expr(idempotency_key::Column::CreatedAt, Expr::value(now))
            .filter(idempotency_key::Column::State.eq(IN_FLIGHT))
            .filter(idempotency_key::Column::CreatedAt.eq(existing.created_at))
            .exec(db)
            .await?;
        if taken.rows_affected == 1 {
            return Ok(Claim::Fresh);
        }
    }
    Err(CommerceError::conflict(
        "IDEMPOTENCY_IN_PROGRESS",
        "a request with this idempotency key is still in progress; retry later",
    ))
}

async fn complete(
    txn: &DatabaseTransaction,
    key: &IdempotencyKey,
    status: u16,
    body: &str,
) -> Result<(), CommerceError> {
    key.filter(idempotency_key::Entity::update_many())
        .col_expr(idempotency_key::Column::State, Expr::value(COMPLETED))
        .col_expr(
            idempotency_key::Column::ResponseStatus,
            Expr::value(i32::from(status)),
        )
        .col_expr(
            idempotency_key::Column::ResponseBody,
            Expr::value(body.to_owned()),
        )
        .exec(txn)
        .await?;
    Ok(())
}

async fn release(db: &impl ConnectionTrait, key: &IdempotencyKey) {
    let released = key
        .filter(idempotency_key::Entity::delete_many())
        .filter(idempotency_key::Column::State.eq(IN_FLIGHT))
        .exec(db)
        .await;
    if let Err(error) = released {
        tracing::warn!(%error, "could not release an idempotency key; it is taken over after a minute");
    }
}

/// Runs `operation` in a transaction, once per key: a retry with the same key and request gets the
/// first answer; with another request, 422; while the first runs, 409. Without a key it simply
/// runs. `status` is the HTTP status the answer is given with, kept for replays.
pub async fn run<T, F>(
    db: &DatabaseConnection,
    key: Option<&IdempotencyKey>,
    status: u16,
    now: DateTime<Utc>,
    operation: F,
) -> Result<Outcome<T>, CommerceError>
where
    T: Serialize,
    F: for<'t> FnOnce(&'t DatabaseTransaction) -> BoxFuture<'t, Result<T, CommerceError>>,
{
    if let Some(key) = key
        && let Claim::Replay { status, body } = claim(db, key, now).await?
    {
        return Ok(Outcome::Replayed { status, body });
    }
    let attempt = async {
        let txn = db.begin().await?;
        let answer = operation(&txn).await?;
        if let Some(key) = key {
            let body = serde_json::to_string(&answer)
                .map_err(|e| CommerceError::Store(db::DbError::Corrupt(e.to_string())))?;
            complete(&txn, key, status, &body).await?;
        }
        txn.commit().await?;
        Ok(answer)
    }
    .await;
    match attempt {
        Ok(answer) => Ok(Outcome::Fresh(answer)),
        Err(error) => {
            if let Some(key) = key {
                release(db, key).await;
            }
            Err(error)
        }
    }
}

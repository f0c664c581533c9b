//! Idempotent retries (Stripe's model): the first answer to a key is kept and replayed.
//!
//! A key is scoped to the organization, the caller (principal) and the operation. It is claimed in a
//! short transaction of its own, so a concurrent duplicate is refused at once (409) rather than
//! waiting; the operation's own transaction records the answer, so the answer and its effects commit
//! together — a crash can never leave an effect without its answer. A failed attempt releases the key.

use base64::Engine as _;
use base64::engine::general_purpose::URL_SAFE_NO_PAD;
use chrono::{DateTime, Duration, Utc};
use db::repo::idempotency_keys::{self, KeyName};
use db::{ConnectionTrait, DatabaseConnection, DatabaseTransaction, TransactionTrait as _};
use domain::OrgId;
use futures_util::future::BoxFuture;
use serde::Serialize;
use sha2::{Digest as _, Sha256};

use crate::CommerceError;

/// A claim older than this whose operation never committed (the process died) may be taken over.
const ABANDONED_AFTER: Duration = Duration::seconds(60);

/// One key of one caller for one operation, and the request it was first used with.
#[derive(Clone, Debug)]
pub struct IdempotencyKey {
    name: KeyName,
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
            name: KeyName {
                org,
                principal: principal.chars().take(255).collect(),
                operation,
                key: key.to_owned(),
            },
            fingerprint: URL_SAFE_NO_PAD.encode(Sha256::digest(&canonical)),
        })
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
    if idempotency_keys::claim(db, &key.name, &key.fingerprint, now).await? {
        return Ok(Claim::Fresh);
    }
    let existing = idempotency_keys::get(db, &key.name).await?.ok_or_else(|| {
        CommerceError::conflict(
            "IDEMPOTENCY_IN_PROGRESS",
            "a request with this key is in progress",
        )
    })?;
    if existing.fingerprint != key.fingerprint {
        return Err(CommerceError::IdempotencyKeyReused);
    }
    if let Some((status, body)) = existing.answer {
        return Ok(Claim::Replay { status, body });
    }
    if existing.claimed_at < now - ABANDONED_AFTER
        && idempotency_keys::take_over(db, &key.name, existing.claimed_at, now).await?
    {
        return Ok(Claim::Fresh);
    }
    Err(CommerceError::conflict(
        "IDEMPOTENCY_IN_PROGRESS",
        "a request with this idempotency key is still in progress; retry later",
    ))
}

async fn release(db: &impl ConnectionTrait, key: &IdempotencyKey) {
    if let Err(error) = idempotency_keys::release(db, &key.name).await {
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
            idempotency_keys::complete(&txn, &key.name, status, &body).await?;
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

//! Payment events forwarded by the checkout app: verified, stored before anything is done with
//! them, processed once (by provider event id), and kept with their error when they fail, for an
//! admin to retry. Nothing received is lost.

use std::fmt;
use std::str::FromStr;

use api_types::commerce::GenericPaymentWebhook;
use chrono::{DateTime, Utc};
pub use db::repo::payment_events::PaymentEvent;
use db::repo::payment_events::{self, NewPaymentEvent};
use db::{ConnectionTrait, DatabaseConnection, DatabaseTransaction, TransactionTrait as _};
use domain::{Currency, Money, OrderId, OrgId, PaymentEventId, PaymentEventStatus};
use hmac::{Hmac, Mac as _};
use serde_json::Value;
use sha2::Sha256;
use subtle::ConstantTimeEq as _;
use uuid::Uuid;

use crate::{CommerceError, PageRequest, orders, store};

/// How far a Stripe signature's timestamp may be from now (Stripe's own default).
pub const STRIPE_TOLERANCE_SECONDS: i64 = 300;
const MAX_ERROR_LEN: usize = 1000;

/// Who sent the event.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Provider {
    /// The documented JSON of [`GenericPaymentWebhook`].
    Generic,
    /// Stripe events, verified with the store's `Stripe-Signature` secret.
    Stripe,
}

impl Provider {
    #[must_use]
    pub const fn as_str(self) -> &'static str {
        match self {
            Self::Generic => "generic",
            Self::Stripe => "stripe",
        }
    }
}

impl FromStr for Provider {
    type Err = CommerceError;

    fn from_str(s: &str) -> Result<Self, Self::Err> {
        match s {
            "generic" => Ok(Self::Generic),
            "stripe" => Ok(Self::Stripe),
            _ => Err(CommerceError::NotFound("payment provider")),
        }
    }
}

impl fmt::Display for Provider {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.as_str())
    }
}

/// What an event asks of the store.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
enum Action {
    PaymentSucceeded,
    PaymentFailed,
    /// A refund of this amount.
    Refund,
    /// Stripe's `charge.refunded`: the charge's refunded total is now this amount.
    RefundedTotal,
    /// An event type the store does not act on.
    Ignore,
}

/// An event in our terms, whatever the provider.
#[derive(Clone, Debug)]
struct Normalized {
    event_id: String,
    event_type: String,
    action: Action,
    order_id: Option<Uuid>,
    amount: Option<i64>,
    currency: Option<String>,
}

fn invalid(message: impl Into<String>) -> CommerceError {
    CommerceError::invalid("body", message)
}

fn generic(body: &[u8]) -> Result<Normalized, CommerceError> {
    let event: GenericPaymentWebhook =
        serde_json::from_slice(body).map_err(|e| invalid(format!("not a payment event: {e}")))?;
    let action = match event.event_type.as_str() {
        "payment.succeeded" => Action::PaymentSucceeded,
        "payment.failed" => Action::PaymentFailed,
        "refund.succeeded" => Action::Refund,
        other => return Err(invalid(format!("unknown event type `{other}`"))),
    };
    if event.id.is_empty() || event.id.len() > 255 {
        return Err(invalid("`id` must be 1 to 255 characters"));
    }
    if event.amount < 0 {
        return Err(invalid("`amount` must not be negative"));
    }
    Ok(Normalized {
        event_id: event.id,
        event_type: event.event_type,
        action,
        order_id: Some(event.order_id),
        amount: Some(event.amount),
        currency: Some(event.currency.to_string()),
    })
}

/// Checks `Stripe-Signature` (`t=…,v1=…[,v1=…]`) over the raw body: HMAC-SHA256 with the store's
/// secret, any `v1` matching (several during a secret rotation), within the timestamp tolerance.
fn verify_stripe(
    header: Option<&str>,
    body: &[u8],
    secret: &str,
    now: DateTime<Utc>,
) -> Result<(), CommerceError> {
    let header = header.ok_or_else(|| {
        CommerceError::Unauthenticated("the Stripe-Signature header is missing".to_owned())
    })?;
    let mut timestamp = None;
    let mut signatures = Vec::new();
    for part in header.split(',') {
        match part.trim().split_once('=') {
            Some(("t", value)) => timestamp = value.parse::<i64>().ok(),
            Some(("v1", value)) => signatures.push(value),
            _ => {}
        }
    }
    let timestamp = timestamp.ok_or_else(|| {
        CommerceError::Unauthenticated("the Stripe-Signature header has no timestamp".to_owned())
    })?;
    if now.timestamp().abs_diff(timestamp) > STRIPE_TOLERANCE_SECONDS.unsigned_abs() {
        return Err(CommerceError::Unauthenticated(
            "the Stripe signature's timestamp is outside the tolerance".to_owned(),
        ));
    }
    let mut mac = Hmac::<Sha256>::new_from_slice(secret.as_bytes()).map_err(|_| {
        CommerceError::Unauthenticated("the Stripe webhook secret is unusable".to_owned())
    })?;
    mac.update(timestamp.to_string().as_bytes());
    mac.update(b".");
    mac.update(body);
    let expected: String = mac
        .finalize()
        .into_bytes()
        .iter()
        .map(|byte| format!("{byte:02x}"))
        .collect();
    let matches = signatures
        .iter()
        .any(|candidate| bool::from(expected.as_bytes().ct_eq(candidate.as_bytes())));
    if matches {
        Ok(())
    } else {
        Err(CommerceError::Unauthenticated(
            "no Stripe signature matches".to_owned(),
        ))
    }
}

fn stripe(body: &[u8]) -> Result<Normalized, CommerceError> {
    let event: Value =
        serde_json::from_slice(body).map_err(|e| invalid(format!("not a Stripe event: {e}")))?;
    let event_id = event["id"]
        .as_str()
        .filter(|id| !id.is_empty() && id.len() <= 255)
        .ok_or_else(|| invalid("the event has no `id`"))?;
    let event_type = event["type"]
        .as_str()
        .ok_or_else(|| invalid("the event has no `type`"))?;
    let object = &event["data"]["object"];
    let action = match event_type {
        "payment_intent.succeeded" => Action::PaymentSucceeded,
        "payment_intent.payment_failed" => Action::PaymentFailed,
        "charge.refunded" => Action::RefundedTotal,
        _ => Action::Ignore,
    };
    let amount = match action {
        Action::PaymentSucceeded => object["amount_received"]
            .as_i64()
            .or_else(|| object["amount"].as_i64()),
        Action::RefundedTotal => object["amount_refunded"].as_i64(),
        _ => object["amount"].as_i64(),
    };
    let order_id = object["metadata"]["order_id"]
        .as_str()
        .and_then(|id| Uuid::parse_str(id).ok());
    if action != Action::Ignore && order_id.is_none() {
        return Err(invalid("the event's object has no `metadata.order_id`"));
    }
    Ok(Normalized {
        event_id: event_id.to_owned(),
        event_type: event_type.to_owned(),
        action,
        order_id,
        amount,
        currency: object["currency"].as_str().map(str::to_uppercase),
    })
}

fn not_found(error: db::DbError) -> CommerceError {
    CommerceError::found_as("payment event")(error)
}

/// A delivery: the raw body (verified before it is parsed) and the provider's signature header.
#[derive(Clone, Copy, Debug)]
pub struct Delivery<'a> {
    pub body: &'a [u8],
    pub stripe_signature: Option<&'a str>,
}

/// Verifies, stores and processes one delivery. A replay of an event id answers the stored event
/// with `duplicate = true` and does nothing again.
pub async fn receive(
    db: &DatabaseConnection,
    org: OrgId,
    provider: Provider,
    delivery: Delivery<'_>,
    now: DateTime<Utc>,
) -> Result<(PaymentEvent, bool), CommerceError> {
    store::settings(db, org).await?;
    let event = match provider {
        Provider::Generic => generic(delivery.body)?,
        Provider::Stripe => {
            let secret = store::stripe_webhook_secret(db, org)
                .await?
                .ok_or_else(|| {
                    CommerceError::Unauthenticated(
                        "the store has no Stripe webhook secret".to_owned(),
                    )
                })?;
            verify_stripe(delivery.stripe_signature, delivery.body, &secret, now)?;
            stripe(delivery.body)?
        }
    };
    let new = NewPaymentEvent {
        provider: provider.as_str(),
        event_id: event.event_id.clone(),
        event_type: event.event_type.clone(),
        order_id: event.order_id.map(OrderId::from_uuid),
        amount: event.amount,
        currency: event.currency.clone(),
        payload: String::from_utf8_lossy(delivery.body).into_owned(),
        status: if event.action == Action::Ignore {
            PaymentEventStatus::Ignored
        } else {
            PaymentEventStatus::Received
        },
    };
    // Stored (and committed) before anything is done with it.
    let Some(id) = payment_events::insert_once(db, org, new, now).await? else {
        let existing = payment_events::by_event_id(db, org, provider.as_str(), &event.event_id)
            .await
            .map_err(not_found)?;
        return Ok((existing, true));
    };
    if event.action == Action::Ignore {
        return Ok((get(db, org, id).await?, false));
    }
    // Another attempt (a retry) may have claimed it first: then it is that attempt's.
    process(db, org, id, event.action, now).await?;
    Ok((get(db, org, id).await?, false))
}

/// What one attempt at an event did.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
enum Attempt {
    /// Applied (processed), or failed and kept for a retry.
    Made,
    /// Another attempt had claimed the event: this one did nothing.
    Lost,
}

/// Claims the event and applies it in one transaction, so that it is applied once however many
/// attempts run at once; on failure the event is marked failed with its error (and can be
/// retried), unless another attempt processed it meanwhile.
async fn process(
    db: &DatabaseConnection,
    org: OrgId,
    id: PaymentEventId,
    action: Action,
    now: DateTime<Utc>,
) -> Result<Attempt, CommerceError> {
    let event = payment_events::get(db, org, id).await.map_err(not_found)?;
    let attempt = async {
        // The claim is the first statement: it writes, so attempts queue behind one another.
        let txn = db.begin().await?;
        if !payment_events::claim(&txn, org, id, now).await? {
            return Ok(Attempt::Lost);
        }
        apply(&txn, org, &event, action, now).await?;
        txn.commit().await?;
        Ok::<Attempt, CommerceError>(Attempt::Made)
    }
    .await;
    match attempt {
        Ok(attempt) => Ok(attempt),
        Err(error) => {
            let message: String = match &error {
                CommerceError::Store(_) => "the store failed while processing; retry".to_owned(),
                other => other.to_string(),
            };
            tracing::warn!(event = %id, %message, "payment event failed");
            let error = message.chars().take(MAX_ERROR_LEN).collect();
            payment_events::record_failure(db, org, id, error, now).await?;
            Ok(Attempt::Made)
        }
    }
}

async fn apply(
    txn: &DatabaseTransaction,
    org: OrgId,
    row: &PaymentEvent,
    action: Action,
    now: DateTime<Utc>,
) -> Result<(), CommerceError> {
    let order = row
        .order_id
        .ok_or_else(|| invalid("the event names no order"))?;
    let amount = row
        .amount
        .ok_or_else(|| invalid("the event has no amount"))?;
    match action {
        Action::PaymentSucceeded => {
            let currency: Currency = row
                .currency
                .as_deref()
                .unwrap_or_default()
                .parse()
                .map_err(|e: domain::InvalidCurrency| invalid(e.to_string()))?;
            orders::record_payment(txn, org, order, Money::new(amount, currency), now).await
        }
        Action::PaymentFailed => orders::record_payment_failure(txn, org, order, now).await,
        Action::Refund => orders::refund(
            txn,
            org,
            order,
            amount,
            Some(format!("{} {}", row.provider, row.event_id)),
            now,
        )
        .await
        .map(|_| ()),
        Action::RefundedTotal => {
            // Worked out from the order as it is, locked: two such events at once add up right.
            let increment = amount - orders::refunded_so_far(txn, org, order).await?;
            if increment <= 0 {
                return Ok(());
            }
            orders::refund(
                txn,
                org,
                order,
                increment,
                Some(format!("{} {}", row.provider, row.event_id)),
                now,
            )
            .await
            .map(|_| ())
        }
        Action::Ignore => Ok(()),
    }
}

fn action_of(row: &PaymentEvent) -> Result<Action, CommerceError> {
    let body = row.payload.as_bytes();
    Ok(match row.provider.parse::<Provider>()? {
        Provider::Generic => generic(body)?.action,
        Provider::Stripe => stripe(body)?.action,
    })
}

/// Processes a failed (or never processed) event again: after the order it names exists, say.
pub async fn retry(
    db: &DatabaseConnection,
    org: OrgId,
    id: PaymentEventId,
    now: DateTime<Utc>,
) -> Result<PaymentEvent, CommerceError> {
    let row = payment_events::get(db, org, id).await.map_err(not_found)?;
    let status = row.status;
    if !status.is_retryable() {
        return Err(CommerceError::conflict(
            "NOT_RETRYABLE",
            format!("the event is `{status}`; only failed events are retried"),
        ));
    }
    let action = action_of(&row)?;
    match process(db, org, row.id, action, now).await? {
        Attempt::Made => get(db, org, row.id).await,
        Attempt::Lost => Err(CommerceError::conflict(
            "NOT_RETRYABLE",
            "another attempt is processing or has processed the event",
        )),
    }
}

pub async fn get(
    db: &impl ConnectionTrait,
    org: OrgId,
    id: PaymentEventId,
) -> Result<PaymentEvent, CommerceError> {
    payment_events::get(db, org, id).await.map_err(not_found)
}

/// A page of the store's payment events, newest first, optionally of one status.
pub async fn list(
    db: &impl ConnectionTrait,
    org: OrgId,
    status: Option<PaymentEventStatus>,
    page: PageRequest,
) -> Result<(Vec<PaymentEvent>, Option<String>), CommerceError> {
    Ok(payment_events::page(db, org, status, page).await?)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn sign(secret: &str, timestamp: i64, body: &[u8]) -> String {
        let mut mac = Hmac::<Sha256>::new_from_slice(secret.as_bytes()).unwrap();
        mac.update(format!("{timestamp}.").as_bytes());
        mac.update(body);
        mac.finalize()
            .into_bytes()
            .iter()
            .map(|b| format!("{b:02x}"))
            .collect()
    }

    #[test]
    fn stripe_signatures_are_checked_over_the_raw_body_with_a_tolerance() {
        let now = domain::Clock::now(&domain::SystemClock);
        let body = br#"{"id":"evt_1"}"#;
        let good = sign("whsec_test", now.timestamp(), body);
        let header = format!("t={},v1={good}", now.timestamp());
        assert!(verify_stripe(Some(&header), body, "whsec_test", now).is_ok());
        let rotated = format!(
            "t={},v1={},v1={good}",
            now.timestamp(),
            sign("whsec_old", now.timestamp(), body)
        );
        assert!(verify_stripe(Some(&rotated), body, "whsec_test", now).is_ok());

        assert!(verify_stripe(Some(&header), br#"{"id":"evt_2"}"#, "whsec_test", now).is_err());
        assert!(verify_stripe(Some(&header), body, "whsec_other", now).is_err());
        assert!(verify_stripe(None, body, "whsec_test", now).is_err());
        assert!(verify_stripe(Some("v1=abc"), body, "whsec_test", now).is_err());
        let stale = now.timestamp() - STRIPE_TOLERANCE_SECONDS - 1;
        let old = format!("t={stale},v1={}", sign("whsec_test", stale, body));
        assert!(verify_stripe(Some(&old), body, "whsec_test", now).is_err());
    }

    #[test]
    fn a_timestamp_at_the_ends_of_the_range_is_out_of_tolerance_not_an_overflow() {
        let now = DateTime::from_timestamp(1_767_225_600, 0).unwrap();
        for timestamp in [i64::MIN, i64::MIN + 1, i64::MAX] {
            let header = format!("t={timestamp},v1={}", sign("whsec_x", timestamp, b"{}"));
            let refused = verify_stripe(Some(&header), b"{}", "whsec_x", now).unwrap_err();
            assert!(
                refused.to_string().contains("tolerance"),
                "{timestamp}: {refused}"
            );
        }
    }

    #[test]
    fn stripe_events_map_to_ours() {
        let order = Uuid::now_v7();
        let body = serde_json::json!({"id": "evt_1", "type": "payment_intent.succeeded",
            "data": {"object": {"amount_received": 1999, "currency": "eur", "metadata": {"order_id": order.to_string()}}}});
        let event = stripe(body.to_string().as_bytes()).unwrap();
        assert_eq!(
            (
                event.action,
                event.amount,
                event.currency.as_deref(),
                event.order_id
            ),
            (
                Action::PaymentSucceeded,
                Some(1999),
                Some("EUR"),
                Some(order)
            )
        );
        let other =
            serde_json::json!({"id": "evt_2", "type": "customer.created", "data": {"object": {}}});
        assert_eq!(
            stripe(other.to_string().as_bytes()).unwrap().action,
            Action::Ignore
        );
        let orphan = serde_json::json!({"id": "evt_3", "type": "charge.refunded", "data": {"object": {"amount_refunded": 5}}});
        assert!(stripe(orphan.to_string().as_bytes()).is_err());
    }
}

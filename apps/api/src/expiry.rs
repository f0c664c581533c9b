//! Unpaid orders release their stock: a background task cancels orders left in `pending_payment`
//! longer than `ORDER_PAYMENT_TIMEOUT_MINUTES`, exactly as `adminCancelOrder` does, and audits each
//! (`order_expired`, by the system).
//!
//! Every instance sweeps; one conditional update per order decides which instance expires it, so
//! several instances on one PostgreSQL never release an order's stock twice. Time is the api's
//! clock, so tests move it instead of waiting, and run [`sweep_expired_orders`] themselves.

use commerce::CommerceError;
use commerce::orders::{self, UnpaidOrder};
use db::TransactionTrait as _;
use identity::{Actor, AuditAction};
use serde_json::json;

use crate::background::{self, Periodic};
use crate::state::AppState;

/// Orders looked at per query, oldest first.
const BATCH: u64 = 100;

/// What one sweep did.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq)]
pub struct Sweep {
    /// Orders this sweep cancelled (and whose stock it released).
    pub expired: usize,
    /// Orders that could not be expired now (logged; the next sweep tries again).
    pub failed: usize,
}

/// Cancels every order still `pending_payment` that was placed more than the payment timeout ago
/// by the api's clock, in batches of `BATCH`, oldest first. Nothing when the timeout is disabled.
/// An order that fails is logged and skipped; only a failure to find orders fails the sweep.
pub async fn sweep_expired_orders(state: &AppState) -> Result<Sweep, CommerceError> {
    let mut sweep = Sweep::default();
    let Some(timeout) = state.settings.order_payment_timeout else {
        return Ok(sweep);
    };
    let now = state.now();
    let placed_before = now - timeout;
    let mut after: Option<UnpaidOrder> = None;
    loop {
        let batch =
            orders::unpaid_before(&state.db.conn, placed_before, after.as_ref(), BATCH).await?;
        for order in &batch {
            match expire(state, order, timeout, now).await {
                Ok(true) => sweep.expired += 1,
                // Paid meanwhile, or expired by another instance.
                Ok(false) => {}
                Err(error) => {
                    sweep.failed += 1;
                    tracing::error!(
                        organization_id = %order.org,
                        order_id = %order.id,
                        error = ?error,
                        "an unpaid order could not be expired"
                    );
                }
            }
        }
        if batch.len() < usize::try_from(BATCH).unwrap_or(usize::MAX) {
            return Ok(sweep);
        }
        after = batch.last().copied();
    }
}

/// One order, in one transaction: the conditional cancellation, its stock back, its audit event.
async fn expire(
    state: &AppState,
    order: &UnpaidOrder,
    timeout: chrono::Duration,
    now: chrono::DateTime<chrono::Utc>,
) -> Result<bool, CommerceError> {
    let txn = state.db.conn.begin().await?;
    if !orders::expire(&txn, order.org, order.id, now).await? {
        txn.rollback().await?;
        return Ok(false);
    }
    let details = json!({
        "orderId": order.id,
        "placedAt": order.created_at,
        "timeoutMinutes": timeout.num_minutes(),
    });
    state
        .identity
        .audit_in(
            &txn,
            order.org,
            &Actor::system(),
            AuditAction::OrderExpired,
            Some(order.id.to_string()),
            &details,
        )
        .await?;
    txn.commit().await?;
    Ok(true)
}

/// Sweeps every `ORDER_SWEEP_INTERVAL_SECONDS`, unless the payment timeout is disabled.
pub(crate) fn start(state: AppState) -> Option<Periodic> {
    state.settings.order_payment_timeout?;
    let every = state.settings.order_sweep_interval;
    Some(background::every(
        every,
        "the sweep of unpaid orders",
        move || {
            let state = state.clone();
            async move {
                let sweep = sweep_expired_orders(&state).await?;
                if sweep != Sweep::default() {
                    tracing::info!(
                        expired = sweep.expired,
                        failed = sweep.failed,
                        "unpaid orders expired"
                    );
                }
                Ok::<(), CommerceError>(())
            }
        },
    ))
}

//! Email leaves the api from here: the courier delivers the outbox when its bell rings (identity
//! rings it after committing a message; the order handler after placing an order) and every
//! `EMAIL_RETRY_INTERVAL_SECONDS` (messages due again after a failure, or queued on another
//! instance). Safe with several instances: a message is leased before it is sent.

use std::sync::Arc;

use email::{Courier, DeliveryRound};
use tokio::sync::Notify;

use crate::background::{self, Periodic};
use crate::state::AppState;

/// The courier and the bell that wakes it.
#[derive(Clone, Debug)]
pub struct Outbox {
    courier: Arc<Courier>,
    bell: Arc<Notify>,
}

impl Outbox {
    /// The courier, woken by `bell` (identity's, so that what it queues goes at once).
    #[must_use]
    pub fn new(courier: Courier, bell: Arc<Notify>) -> Self {
        Self {
            courier: Arc::new(courier),
            bell,
        }
    }

    /// Something was queued: deliver now rather than at the next interval.
    pub fn ring(&self) {
        self.bell.notify_one();
    }
}

/// Delivers what is due now, once (tests run it themselves).
pub async fn deliver_email(state: &AppState) -> Result<DeliveryRound, db::DbError> {
    state
        .outbox
        .courier
        .deliver_due(&state.db.conn, state.now())
        .await
}

/// Delivers whenever rung, and every interval.
pub(crate) fn start(state: AppState) -> Periodic {
    let bell = Arc::clone(&state.outbox.bell);
    background::on_signal_or_every(
        state.settings.email_retry_interval,
        bell,
        "the delivery of email",
        move || {
            let state = state.clone();
            async move {
                let round = deliver_email(&state).await?;
                if round != DeliveryRound::default() {
                    tracing::info!(
                        sent = round.sent,
                        retrying = round.retrying,
                        given_up = round.given_up,
                        "email delivered"
                    );
                }
                Ok::<(), db::DbError>(())
            }
        },
    )
}

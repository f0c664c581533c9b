//! The api's periodic tasks (the sweep of unpaid orders, the check of store domains, the delivery
//! of email): each runs every interval, the first time one interval after the start (or, for
//! email, also whenever it is signalled); a failed or panicking run is logged and the next one
//! runs as planned. Stopped when dropped, with the server that started them.

use std::future::Future;
use std::panic::AssertUnwindSafe;
use std::sync::Arc;
use std::time::Duration;

use futures_util::FutureExt as _;

/// A running periodic task.
#[derive(Debug)]
pub(crate) struct Periodic(tokio::task::JoinHandle<()>);

impl Drop for Periodic {
    fn drop(&mut self) {
        self.0.abort();
    }
}

/// Runs `run` every `every`. `what` names the task in the logs; `run` logs what it did.
pub(crate) fn every<F, Fut, E>(every: Duration, what: &'static str, run: F) -> Periodic
where
    F: Fn() -> Fut + Send + 'static,
    Fut: Future<Output = Result<(), E>> + Send,
    E: std::fmt::Debug,
{
    on_signal_or_every(every, Arc::new(tokio::sync::Notify::new()), what, run)
}

/// Runs `run` every `every`, and as soon as `signal` is notified (a notification during a run
/// makes one more run after it).
pub(crate) fn on_signal_or_every<F, Fut, E>(
    every: Duration,
    signal: Arc<tokio::sync::Notify>,
    what: &'static str,
    run: F,
) -> Periodic
where
    F: Fn() -> Fut + Send + 'static,
    Fut: Future<Output = Result<(), E>> + Send,
    E: std::fmt::Debug,
{
    Periodic(tokio::spawn(async move {
        let mut ticks = tokio::time::interval_at(tokio::time::Instant::now() + every, every);
        ticks.set_missed_tick_behavior(tokio::time::MissedTickBehavior::Delay);
        loop {
            tokio::select! {
                _ = ticks.tick() => {}
                () = signal.notified() => {}
            }
            match AssertUnwindSafe(run()).catch_unwind().await {
                Ok(Ok(())) => {}
                Ok(Err(error)) => tracing::error!(error = ?error, "{what} failed"),
                Err(_) => tracing::error!("{what} panicked"),
            }
        }
    }))
}

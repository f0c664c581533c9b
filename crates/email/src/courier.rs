//! Delivery of the outbox: a round leases the messages that are due, renders and sends each, and
//! records the outcome: sent, due again after a growing delay, or given up after the last attempt.
//! Delivery is at least once: a message the server took just before the database became
//! unreachable is sent again when its lease ends.

use std::path::PathBuf;
use std::time::Duration as StdDuration;

use chrono::{DateTime, Duration, Utc};
use db::repo::email_outbox::{self, OutboxMail};
use db::{ConnectionTrait, DbError};
use lettre::message::{Mailbox, MultiPart};
use lettre::{
    AsyncFileTransport, AsyncSmtpTransport, AsyncTransport as _, Message, Tokio1Executor,
};

use crate::{Mail, render};

/// Where messages go.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum Delivery {
    /// A mail server: `smtp://host:port` (STARTTLS when offered), `smtp://…?tls=required`, or
    /// `smtps://host:465`, with `user:password@` when it asks for them.
    Smtp { url: String },
    /// One `.eml` file per message in this folder, each logged with its link (development).
    Folder(PathBuf),
}

/// Why a courier cannot be built from its configuration.
#[derive(Debug, thiserror::Error)]
pub enum CourierError {
    #[error("the sender `{0}` is not an email address (`Name <address>` or `address`)")]
    Sender(String),
    #[error("the SMTP URL is not usable: {0}")]
    SmtpUrl(String),
    #[error("the outbox folder {0} cannot be created: {1}")]
    Folder(PathBuf, std::io::Error),
}

/// What one round did.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq)]
pub struct DeliveryRound {
    pub sent: usize,
    /// Failed this time; due again later.
    pub retrying: usize,
    /// Failed for the last time.
    pub given_up: usize,
}

/// Attempts a message gets before it is given up (over about three hours).
const MAX_ATTEMPTS: u32 = 10;
/// Messages leased by one round.
const ROUND_SIZE: u64 = 20;
/// How long a leased message is this courier's: longer than a send may take.
const LEASE: Duration = Duration::minutes(2);
/// How long one SMTP conversation may take.
const SMTP_TIMEOUT: StdDuration = StdDuration::from_secs(30);

/// The wait after the `attempts`-th failure: 30 s, doubling, at most an hour.
#[must_use]
pub fn retry_delay(attempts: u32) -> Duration {
    let doublings = attempts.saturating_sub(1).min(7);
    (Duration::seconds(30) * 2_i32.pow(doublings)).min(Duration::hours(1))
}

/// Delivers the outbox; one per api instance, several may share a database.
#[derive(Clone)]
pub struct Courier {
    transport: Transport,
    from: Mailbox,
}

#[derive(Clone)]
enum Transport {
    Smtp(AsyncSmtpTransport<Tokio1Executor>),
    Folder {
        transport: AsyncFileTransport<Tokio1Executor>,
        path: PathBuf,
    },
}

impl std::fmt::Debug for Courier {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        let transport = match &self.transport {
            Transport::Smtp(_) => "smtp".to_owned(),
            Transport::Folder { path, .. } => format!("folder {}", path.display()),
        };
        f.debug_struct("Courier")
            .field("transport", &transport)
            .field("from", &self.from.to_string())
            .finish()
    }
}

impl Courier {
    /// A courier sending as `from` (`Shop <no-reply@example.com>`).
    pub fn new(delivery: &Delivery, from: &str) -> Result<Self, CourierError> {
        let from: Mailbox = from
            .parse()
            .map_err(|_| CourierError::Sender(from.to_owned()))?;
        let transport = match delivery {
            Delivery::Smtp { url } => Transport::Smtp(
                AsyncSmtpTransport::<Tokio1Executor>::from_url(url)
                    .map_err(|error| CourierError::SmtpUrl(error.to_string()))?
                    .timeout(Some(SMTP_TIMEOUT))
                    .build(),
            ),
            Delivery::Folder(path) => {
                std::fs::create_dir_all(path)
                    .map_err(|error| CourierError::Folder(path.clone(), error))?;
                Transport::Folder {
                    transport: AsyncFileTransport::new(path),
                    path: path.clone(),
                }
            }
        };
        Ok(Self { transport, from })
    }

    /// Sends what is due at `now`.
    pub async fn deliver_due(
        &self,
        db: &impl ConnectionTrait,
        now: DateTime<Utc>,
    ) -> Result<DeliveryRound, DbError> {
        let mut round = DeliveryRound::default();
        for mail in email_outbox::lease_due(db, now, LEASE, ROUND_SIZE).await? {
            match self.send(&mail).await {
                Ok(()) => {
                    email_outbox::mark_sent(db, mail.id, now).await?;
                    round.sent += 1;
                }
                Err(error) => {
                    let retry_at =
                        (mail.attempts < MAX_ATTEMPTS).then(|| now + retry_delay(mail.attempts));
                    tracing::warn!(
                        email = %mail.id, kind = mail.kind, attempts = mail.attempts,
                        retry_at = ?retry_at, error = %error, "an email was not delivered"
                    );
                    email_outbox::mark_failed(db, mail.id, &error, retry_at).await?;
                    if retry_at.is_some() {
                        round.retrying += 1;
                    } else {
                        round.given_up += 1;
                    }
                }
            }
        }
        Ok(round)
    }

    async fn send(&self, stored: &OutboxMail) -> Result<(), String> {
        let mail: Mail = serde_json::from_str(&stored.message)
            .map_err(|error| format!("unreadable message: {error}"))?;
        let to: Mailbox = stored
            .recipient
            .parse()
            .map_err(|error| format!("unusable recipient: {error}"))?;
        let rendered = render(&mail);
        let message = Message::builder()
            .from(self.from.clone())
            .to(to)
            .subject(rendered.subject.clone())
            .multipart(MultiPart::alternative_plain_html(
                rendered.text,
                rendered.html,
            ))
            .map_err(|error| format!("the message cannot be built: {error}"))?;
        match &self.transport {
            Transport::Smtp(transport) => {
                transport
                    .send(message)
                    .await
                    .map_err(|error| error.to_string())?;
            }
            Transport::Folder { transport, path } => {
                let id = transport
                    .send(message)
                    .await
                    .map_err(|error| error.to_string())?;
                tracing::info!(
                    to = %stored.recipient, subject = rendered.subject, link = mail.link().unwrap_or("none"),
                    file = %path.join(format!("{id}.eml")).display(),
                    "email written to the outbox folder"
                );
            }
        }
        Ok(())
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn retries_wait_longer_each_time_up_to_an_hour() {
        assert_eq!(retry_delay(1), Duration::seconds(30));
        assert_eq!(retry_delay(2), Duration::seconds(60));
        assert_eq!(retry_delay(5), Duration::minutes(8));
        assert_eq!(retry_delay(8), Duration::hours(1));
        assert_eq!(retry_delay(u32::MAX), Duration::hours(1));
    }

    #[test]
    fn a_sender_must_be_an_address() {
        let folder = tempfile::tempdir().unwrap();
        let delivery = Delivery::Folder(folder.path().join("outbox"));
        assert!(Courier::new(&delivery, "Shop <no-reply@example.com>").is_ok());
        assert!(matches!(
            Courier::new(&delivery, "not an address"),
            Err(CourierError::Sender(_))
        ));
        assert!(matches!(
            Courier::new(
                &Delivery::Smtp {
                    url: "http://x".to_owned()
                },
                "a@b.example"
            ),
            Err(CourierError::SmtpUrl(_))
        ));
    }
}

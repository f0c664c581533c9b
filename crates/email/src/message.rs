//! The messages, and how one is queued.

use chrono::{DateTime, Utc};
use db::repo::email_outbox::{self, NewMail};
use db::{ConnectionTrait, DbError};
use serde::{Deserialize, Serialize};
use uuid::Uuid;

/// Every email the product sends. Stored in the outbox as JSON until it is delivered, so a variant
/// keeps its fields' names once messages of it may be waiting.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[serde(tag = "kind", rename_all = "snake_case")]
pub enum Mail {
    /// Proves the address: sent at sign-up and when the user asks again.
    VerifyEmail {
        name: String,
        link: String,
        valid_hours: i64,
    },
    /// Lets the holder choose a new password, once.
    ResetPassword {
        name: String,
        link: String,
        valid_minutes: i64,
    },
    /// Confirms a placed order to the address given at checkout: what it holds, what it costs,
    /// and (when it was placed on the store's site) the link to its status page.
    OrderConfirmation {
        store: String,
        reference: String,
        lines: Vec<OrderedLine>,
        total: String,
        link: Option<String>,
    },
    /// Tells an account's owner that someone tried to sign up with their address (the sign-up was
    /// answered as if it were new, so that it tells nobody the address has an account).
    AccountExists {
        name: String,
        sign_in_link: String,
        reset_link: String,
    },
    /// Asks the reader to join a store's team with a role.
    Invitation {
        store: String,
        inviter: String,
        role: String,
        link: String,
        valid_days: i64,
    },
}

/// One line of a confirmed order, as the reader sees it.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct OrderedLine {
    pub quantity: i64,
    pub title: String,
    /// Formatted with its currency: `€20.00`.
    pub total: String,
}

impl Mail {
    /// The outbox's name for the message's kind.
    #[must_use]
    pub const fn kind(&self) -> &'static str {
        match self {
            Self::VerifyEmail { .. } => "verify_email",
            Self::ResetPassword { .. } => "reset_password",
            Self::OrderConfirmation { .. } => "order_confirmation",
            Self::AccountExists { .. } => "account_exists",
            Self::Invitation { .. } => "invitation",
        }
    }

    /// The link the message asks its reader to follow, if it has one.
    #[must_use]
    pub fn link(&self) -> Option<&str> {
        match self {
            Self::VerifyEmail { link, .. }
            | Self::ResetPassword { link, .. }
            | Self::Invitation { link, .. }
            | Self::AccountExists {
                sign_in_link: link, ..
            } => Some(link),
            Self::OrderConfirmation { link, .. } => link.as_deref(),
        }
    }
}

/// Puts `mail` for `recipient` in the outbox, due at once; answers its id. Call it inside the
/// transaction that makes the message true (the token its link carries, the order it confirms).
pub async fn queue(
    db: &impl ConnectionTrait,
    recipient: &str,
    mail: &Mail,
    now: DateTime<Utc>,
) -> Result<Uuid, DbError> {
    let message =
        serde_json::to_string(mail).map_err(|error| DbError::Corrupt(error.to_string()))?;
    email_outbox::enqueue(
        db,
        NewMail {
            recipient,
            kind: mail.kind(),
            message: &message,
        },
        now,
    )
    .await
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_message_reads_back_as_it_was_stored() {
        let mail = Mail::ResetPassword {
            name: "Ada".to_owned(),
            link: "https://dash.example/reset-password?token=abc".to_owned(),
            valid_minutes: 60,
        };
        let stored = serde_json::to_string(&mail).unwrap();
        assert!(stored.contains(r#""kind":"reset_password""#), "{stored}");
        assert_eq!(serde_json::from_str::<Mail>(&stored).unwrap(), mail);
        assert_eq!(
            mail.link(),
            Some("https://dash.example/reset-password?token=abc")
        );
    }
}

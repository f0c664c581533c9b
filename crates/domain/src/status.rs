//! The lifecycles of products and orders, and which transitions are legal.

use crate::named::{named_enum, unknown_name};

unknown_name!(
    /// A name that is not one of the known states.
    UnknownStatus, "unknown status `{}`"
);

named_enum!(
    /// Storefronts see `published` products only.
    ProductStatus, unknown: UnknownStatus {
        Draft => "draft",
        Published => "published",
        Archived => "archived",
    }
);

named_enum!(
    /// A cart is `open` until it becomes an order (`ordered`), once.
    CartStatus, unknown: UnknownStatus {
        Open => "open",
        Ordered => "ordered",
    }
);

named_enum!(
    /// `pending_payment → paid → fulfilled`; `cancelled` before payment; refunds after it.
    OrderStatus, unknown: UnknownStatus {
        PendingPayment => "pending_payment",
        Paid => "paid",
        Fulfilled => "fulfilled",
        Cancelled => "cancelled",
        PartiallyRefunded => "partially_refunded",
        Refunded => "refunded",
    }
);

named_enum!(
    /// How a session was opened: by the user's password, or by approving a device code (the
    /// CLI's), which is never trusted to approve anything or to create keys.
    SignInMethod, unknown: UnknownStatus {
        Password => "password",
        DeviceCode => "device_code",
    }
);

named_enum!(
    /// An invitation is `pending` until the invited person accepts it (`accepted`: they are a
    /// member) or an owner or admin takes it back (`revoked`); past its expiry it is dead either way.
    InvitationStatus, unknown: UnknownStatus {
        Pending => "pending",
        Accepted => "accepted",
        Revoked => "revoked",
    }
);

named_enum!(
    /// An email waits `pending` in the outbox until a mail server took it (`sent`), or until its
    /// last attempt failed (`failed`: given up).
    EmailStatus, unknown: UnknownStatus {
        Pending => "pending",
        Sent => "sent",
        Failed => "failed",
    }
);

named_enum!(
    /// What a single-use link sent by email lets its holder do, once.
    EmailTokenPurpose, unknown: UnknownStatus {
        VerifyEmail => "verify_email",
        ResetPassword => "reset_password",
    }
);

named_enum!(
    /// A store's hostname resolves its storefront only while `verified`; it is `pending` until the
    /// store proves it, and again if the proof disappears.
    DomainStatus, unknown: UnknownStatus {
        Pending => "pending",
        Verified => "verified",
    }
);

named_enum!(
    /// How a hostname is proven the store's: a DNS TXT record, or the platform's word for a name
    /// under its own store domain.
    DomainProof, unknown: UnknownStatus {
        Dns => "dns",
        Platform => "platform",
    }
);

named_enum!(
    /// What became of a payment event: stored as `received` (or `ignored`, for a type that changes
    /// nothing), then `processed` or `failed` (and retried).
    PaymentEventStatus, unknown: UnknownStatus {
        Received => "received",
        Processed => "processed",
        Failed => "failed",
        Ignored => "ignored",
    }
);

named_enum!(
    /// A device authorization request (RFC 8628): `pending` until its user decides, `approved` or
    /// `denied`, then `redeemed` once the CLI took its token. `expired` is how a pending request
    /// past its expiry is shown; it is never stored.
    DeviceCodeStatus, unknown: UnknownStatus {
        Pending => "pending",
        Approved => "approved",
        Denied => "denied",
        Redeemed => "redeemed",
        Expired => "expired",
    }
);

impl PaymentEventStatus {
    /// Whether processing may be tried again.
    #[must_use]
    pub const fn is_retryable(self) -> bool {
        matches!(self, Self::Received | Self::Failed)
    }
}

/// What can happen to an order, each legal from some states only.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub enum OrderChange {
    /// The whole total arrives (a payment event, or a payment recorded by hand).
    Pay,
    Fulfil,
    /// By a merchant, or by the sweep of orders left unpaid: the stock is released.
    Cancel,
    /// Some or all of what was paid goes back.
    Refund,
}

impl OrderChange {
    /// The states this change is legal from: the one table every transition is checked against,
    /// in memory and in the conditional update that makes it.
    #[must_use]
    pub const fn legal_from(self) -> &'static [OrderStatus] {
        match self {
            Self::Pay | Self::Cancel => &[OrderStatus::PendingPayment],
            Self::Fulfil => &[OrderStatus::Paid],
            Self::Refund => &[
                OrderStatus::Paid,
                OrderStatus::Fulfilled,
                OrderStatus::PartiallyRefunded,
            ],
        }
    }
}

impl OrderStatus {
    /// Whether `change` may happen to an order in this state.
    #[must_use]
    pub fn allows(self, change: OrderChange) -> bool {
        change.legal_from().contains(&self)
    }

    /// Whether payment has been received and not all given back (and so refunds are possible).
    #[must_use]
    pub fn is_paid(self) -> bool {
        self.allows(OrderChange::Refund)
    }

    /// Whether money was ever received for the order (a refunded order included): what revenue
    /// counts.
    #[must_use]
    pub fn received_money(self) -> bool {
        self.is_paid() || self == Self::Refunded
    }

    /// Whether an order in this state may be fulfilled.
    #[must_use]
    pub fn can_fulfil(self) -> bool {
        self.allows(OrderChange::Fulfil)
    }

    /// Whether an order in this state may be cancelled (releasing its stock): only before payment.
    #[must_use]
    pub fn can_cancel(self) -> bool {
        self.allows(OrderChange::Cancel)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn states_round_trip_through_their_names() {
        for status in OrderStatus::ALL {
            assert_eq!(status.as_str().parse::<OrderStatus>(), Ok(*status));
        }
        for status in ProductStatus::ALL {
            assert_eq!(status.as_str().parse::<ProductStatus>(), Ok(*status));
        }
        assert!("shipped".parse::<OrderStatus>().is_err());
    }

    /// Every change from every state: `x` where it is legal.
    #[test]
    fn the_transition_table() {
        use OrderChange::{Cancel, Fulfil, Pay, Refund};
        use OrderStatus::*;
        let table: [(OrderStatus, &str); 6] = [
            //                  Pay Fulfil Cancel Refund
            (PendingPayment, "x.x."),
            (Paid, ".x.x"),
            (Fulfilled, "...x"),
            (Cancelled, "...."),
            (PartiallyRefunded, "...x"),
            (Refunded, "...."),
        ];
        for (status, row) in table {
            let legal: Vec<bool> = row.chars().map(|c| c == 'x').collect();
            let allowed: Vec<bool> = [Pay, Fulfil, Cancel, Refund]
                .iter()
                .map(|change| status.allows(*change))
                .collect();
            assert_eq!(allowed, legal, "{status}");
        }
        assert_eq!(table.len(), OrderStatus::ALL.len());
    }

    #[test]
    fn money_was_received_by_paid_and_refunded_orders_only() {
        use OrderStatus::*;
        let received: Vec<OrderStatus> = OrderStatus::ALL
            .iter()
            .copied()
            .filter(|status| status.received_money())
            .collect();
        assert_eq!(received, [Paid, Fulfilled, PartiallyRefunded, Refunded]);
        assert!(Paid.is_paid() && !Refunded.is_paid() && !PendingPayment.is_paid());
    }
}

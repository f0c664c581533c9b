//! The lifecycles of products and orders, and which transitions are legal.

use std::fmt;

use crate::named::named_enum;

/// A name that is not one of the known states.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct UnknownStatus(pub String);

impl fmt::Display for UnknownStatus {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "unknown status `{}`", self.0)
    }
}

impl std::error::Error for UnknownStatus {}

named_enum!(
    /// Storefronts see `published` products only.
    ProductStatus, unknown: UnknownStatus {
        Draft => "draft",
        Published => "published",
        Archived => "archived",
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

impl OrderStatus {
    /// Whether payment has been received (and so refunds are possible).
    #[must_use]
    pub const fn is_paid(self) -> bool {
        matches!(self, Self::Paid | Self::Fulfilled | Self::PartiallyRefunded)
    }

    /// Whether an order in this state may be fulfilled.
    #[must_use]
    pub const fn can_fulfil(self) -> bool {
        matches!(self, Self::Paid)
    }

    /// Whether an order in this state may be cancelled (releasing its stock): only before payment.
    #[must_use]
    pub const fn can_cancel(self) -> bool {
        matches!(self, Self::PendingPayment)
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

    #[test]
    fn only_legal_transitions_are_open() {
        use OrderStatus::*;
        assert!(PendingPayment.can_cancel() && !Paid.can_cancel() && !Refunded.can_cancel());
        assert!(Paid.can_fulfil() && !PendingPayment.can_fulfil() && !Fulfilled.can_fulfil());
        assert!(Paid.is_paid() && Fulfilled.is_paid() && PartiallyRefunded.is_paid());
        assert!(!PendingPayment.is_paid() && !Cancelled.is_paid() && !Refunded.is_paid());
    }
}

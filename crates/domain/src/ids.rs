//! Typed identifiers: an `OrgId` can never be passed where a `UserId` is expected.

use std::fmt;
use std::str::FromStr;

use serde::{Deserialize, Serialize};
use uuid::Uuid;

macro_rules! uuid_id {
    ($(#[$doc:meta])* $name:ident) => {
        $(#[$doc])*
        #[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize, Deserialize)]
        #[serde(transparent)]
        pub struct $name(Uuid);

        impl $name {
            /// A new, time-ordered (UUIDv7) identifier.
            #[must_use]
            pub fn new() -> Self {
                Self(Uuid::now_v7())
            }

            #[must_use]
            pub const fn from_uuid(id: Uuid) -> Self {
                Self(id)
            }

            #[must_use]
            pub const fn as_uuid(&self) -> Uuid {
                self.0
            }
        }

        impl Default for $name {
            fn default() -> Self {
                Self::new()
            }
        }

        impl fmt::Display for $name {
            fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
                self.0.fmt(f)
            }
        }

        impl FromStr for $name {
            type Err = uuid::Error;

            fn from_str(s: &str) -> Result<Self, Self::Err> {
                Uuid::parse_str(s).map(Self)
            }
        }

        impl From<$name> for Uuid {
            fn from(id: $name) -> Uuid {
                id.0
            }
        }
    };
}

uuid_id!(
    /// An organization: the tenant. Every tenant-owned row carries one.
    OrgId
);
uuid_id!(
    /// A user account (merchant staff or shopper).
    UserId
);
uuid_id!(
    /// A signed-in session of one user.
    SessionId
);
uuid_id!(
    /// An organization's API key.
    ApiKeyId
);
uuid_id!(
    /// A product of the catalog.
    ProductId
);
uuid_id!(
    /// A purchasable variant of a product (its SKU, price and stock).
    VariantId
);
uuid_id!(
    /// A shopping cart.
    CartId
);
uuid_id!(
    /// One line of a cart.
    CartItemId
);
uuid_id!(
    /// An order.
    OrderId
);

impl OrderId {
    /// What a shopper reads and quotes: `#` and the id's first eight hex digits, `#0190A1B2`.
    #[must_use]
    pub fn reference(&self) -> String {
        let hex = self.0.simple().to_string();
        format!("#{}", hex.get(..8).unwrap_or(&hex)).to_uppercase()
    }
}
uuid_id!(
    /// A customer record of one organization.
    CustomerId
);
uuid_id!(
    /// A refund of an order.
    RefundId
);
uuid_id!(
    /// A payment provider's event, as received.
    PaymentEventId
);
uuid_id!(
    /// An agent host (Agent Auth): the program that registers agents with its own key.
    AgentHostId
);
uuid_id!(
    /// An agent (Agent Auth): one key of a host, acting for a user with the capabilities granted.
    AgentId
);
uuid_id!(
    /// An approval request (Agent Auth): capabilities an agent asked for, awaiting a user.
    ApprovalId
);

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn ids_are_uuid_v7_and_round_trip_through_text() {
        let id = OrgId::new();
        assert_eq!(id.as_uuid().get_version_num(), 7);
        let parsed: OrgId = id.to_string().parse().unwrap();
        assert_eq!(parsed, id);
    }

    #[test]
    fn garbage_is_not_an_id() {
        assert!("not-a-uuid".parse::<UserId>().is_err());
    }
}

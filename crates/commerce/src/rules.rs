//! The store's arithmetic and decisions that need no database: what an order costs, what a refund
//! may be and what it makes of the order. The functions that persist apply these; the tables of
//! cases below are their specification.

use std::collections::BTreeMap;

use domain::{Currency, Money, OrderChange, OrderStatus, VariantId};

/// One line to price: how many of a variant, at its catalog price now.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct LineToPrice {
    pub quantity: i64,
    /// The unit price in minor units of the store's currency.
    pub unit_price: i64,
}

/// An order's lines priced: each line's total, in order, and the order's.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Priced {
    pub line_totals: Vec<Money>,
    pub total: Money,
}

/// A total beyond what minor units can hold.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct TotalTooLarge;

/// Prices lines in `currency`: unit price × quantity per line, summed, never overflowing.
pub fn price(lines: &[LineToPrice], currency: Currency) -> Result<Priced, TotalTooLarge> {
    let mut total = Money::new(0, currency);
    let mut line_totals = Vec::with_capacity(lines.len());
    for line in lines {
        let line_total = Money::new(line.unit_price, currency)
            .times(line.quantity)
            .ok_or(TotalTooLarge)?;
        total = total.plus(line_total).ok_or(TotalTooLarge)?;
        line_totals.push(line_total);
    }
    Ok(Priced { line_totals, total })
}

/// How many of each variant an order takes, from its lines (a variant may be on several), in
/// variant order: the order stock is reserved in, so concurrent orders never deadlock.
pub fn quantities_by_variant(
    lines: impl IntoIterator<Item = (VariantId, i64)>,
) -> BTreeMap<VariantId, i64> {
    let mut wanted = BTreeMap::new();
    for (variant, quantity) in lines {
        *wanted.entry(variant).or_default() += quantity;
    }
    wanted
}

/// Why a refund is refused.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum RefundRefused {
    /// Nothing was paid, or the order is not in a state refunds are made from.
    NotRefundable(OrderStatus),
    /// More than remains paid: at most `refundable` can still go back.
    ExceedsPaid { refundable: i64 },
}

/// What refunding `amount` does to an order that is `status`, with `paid` received and `refunded`
/// already given back: the state it will be in, or why it may not be done.
pub fn refund(
    status: OrderStatus,
    paid: i64,
    refunded: i64,
    amount: i64,
) -> Result<OrderStatus, RefundRefused> {
    let refundable = paid.saturating_sub(refunded).max(0);
    if status == OrderStatus::Refunded {
        return Err(RefundRefused::ExceedsPaid { refundable });
    }
    if !status.allows(OrderChange::Refund) {
        return Err(RefundRefused::NotRefundable(status));
    }
    if amount > refundable {
        return Err(RefundRefused::ExceedsPaid { refundable });
    }
    Ok(status_after_refunds(paid, refunded + amount))
}

/// The state of a paid order once `refunded` of its `paid` went back.
#[must_use]
pub const fn status_after_refunds(paid: i64, refunded: i64) -> OrderStatus {
    if refunded >= paid {
        OrderStatus::Refunded
    } else {
        OrderStatus::PartiallyRefunded
    }
}

#[cfg(test)]
mod tests {
    use OrderStatus::*;

    use super::*;

    /// Each line's total and the order's, or why not.
    type Outcome = Result<(Vec<i64>, i64), TotalTooLarge>;

    #[test]
    fn pricing() {
        let line = |quantity, unit_price| LineToPrice {
            quantity,
            unit_price,
        };
        let cases: [(&str, Vec<LineToPrice>, Outcome); 5] = [
            ("one line", vec![line(3, 1250)], Ok((vec![3750], 3750))),
            (
                "lines add up",
                vec![line(2, 999), line(1, 1)],
                Ok((vec![1998, 1], 1999)),
            ),
            ("free is free", vec![line(5, 0)], Ok((vec![0], 0))),
            (
                "a line too large",
                vec![line(2, i64::MAX / 2 + 1)],
                Err(TotalTooLarge),
            ),
            (
                "a sum too large",
                vec![line(1, i64::MAX), line(1, 1)],
                Err(TotalTooLarge),
            ),
        ];
        for (name, lines, expected) in cases {
            let priced = price(&lines, Currency::EUR).map(|priced| {
                (
                    priced.line_totals.iter().map(|m| m.amount).collect(),
                    priced.total.amount,
                )
            });
            assert_eq!(priced, expected, "{name}");
        }
    }

    #[test]
    fn a_variant_on_several_lines_is_reserved_once_for_all_of_them() {
        let (a, b) = (
            VariantId::from_uuid(uuid::Uuid::from_u128(2)),
            VariantId::from_uuid(uuid::Uuid::from_u128(1)),
        );
        let wanted = quantities_by_variant([(a, 2), (b, 1), (a, 3)]);
        assert_eq!(wanted.into_iter().collect::<Vec<_>>(), [(b, 1), (a, 5)]);
    }

    #[test]
    fn refunds() {
        let exceeds = |refundable| Err(RefundRefused::ExceedsPaid { refundable });
        let cases = [
            // (status, paid, refunded, amount) → outcome
            ((Paid, 5000, 0, 2000), Ok(PartiallyRefunded)),
            ((Paid, 5000, 0, 5000), Ok(Refunded)),
            ((Fulfilled, 5000, 0, 1), Ok(PartiallyRefunded)),
            ((PartiallyRefunded, 5000, 3000, 2000), Ok(Refunded)),
            ((PartiallyRefunded, 5000, 3000, 2001), exceeds(2000)),
            ((Paid, 5000, 0, 5001), exceeds(5000)),
            ((Refunded, 5000, 5000, 1), exceeds(0)),
            (
                (PendingPayment, 0, 0, 100),
                Err(RefundRefused::NotRefundable(PendingPayment)),
            ),
            (
                (Cancelled, 0, 0, 100),
                Err(RefundRefused::NotRefundable(Cancelled)),
            ),
        ];
        for ((status, paid, refunded, amount), expected) in cases {
            assert_eq!(
                refund(status, paid, refunded, amount),
                expected,
                "{status}: {amount} of {paid} with {refunded} back"
            );
        }
    }
}

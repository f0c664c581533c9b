//! The numbers of a period, computed in SQL: revenue (paid minus refunded) in all and per UTC
//! day, orders by status, average order value and top products.

use chrono::{DateTime, Duration, NaiveDate, Utc};
use db::ConnectionTrait;
use db::repo::stats::Period;
use domain::{Money, OrderStatus, OrgId, ProductId};

use crate::{CommerceError, store};

const TOP_PRODUCTS: u64 = 5;
/// The longest period, so that `revenueByDay` stays a bounded list (at most 367 days).
const MAX_PERIOD_DAYS: i64 = domain::limits::MAX_STATS_PERIOD_DAYS;

/// The numbers of one period `[from, to)`, in the store's currency.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Stats {
    pub from: DateTime<Utc>,
    pub to: DateTime<Utc>,
    /// Paid minus refunded, of the orders whose money was received.
    pub revenue: Money,
    /// Every UTC day the period touches, in order, 0 where nothing was sold.
    pub revenue_by_day: Vec<(NaiveDate, Money)>,
    pub paid_orders: i64,
    pub average_order_value: Money,
    /// The states orders of the period are in, with how many are in each.
    pub orders_by_status: Vec<(OrderStatus, i64)>,
    pub top_products: Vec<TopProduct>,
}

/// A product among those sold most in the period.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct TopProduct {
    pub product_id: ProductId,
    pub title: String,
    pub units: i64,
    pub revenue: Money,
}

/// Every UTC day that `[from, to)` touches, in order (`from < to`).
fn days_of(from: DateTime<Utc>, to: DateTime<Utc>) -> impl Iterator<Item = NaiveDate> {
    let last = (to - Duration::nanoseconds(1)).date_naive();
    from.date_naive()
        .iter_days()
        .take_while(move |day| *day <= last)
}

pub async fn period(
    db: &impl ConnectionTrait,
    org: OrgId,
    from: Option<DateTime<Utc>>,
    to: Option<DateTime<Utc>>,
    now: DateTime<Utc>,
) -> Result<Stats, CommerceError> {
    let to = to.unwrap_or(now);
    let from = from.unwrap_or(to - Duration::days(30));
    if from >= to || to - from > Duration::days(MAX_PERIOD_DAYS) {
        return Err(CommerceError::invalid(
            "from",
            format!("must be before `to`, at most {MAX_PERIOD_DAYS} days apart"),
        ));
    }
    let period = Period { org, from, to };
    let currency = store::currency(db, org).await?;
    let (revenue, paid_orders) = period.revenue_and_orders(db).await?;
    let daily = period.revenue_by_day(db).await?;
    let revenue_by_day = days_of(from, to)
        .map(|day| {
            let revenue = daily.get(&day).copied().unwrap_or(0);
            (day, Money::new(revenue, currency))
        })
        .collect();
    let orders_by_status = period.orders_by_status(db).await?;
    let top_products = period
        .top_products(db, TOP_PRODUCTS)
        .await?
        .into_iter()
        .map(|sold| TopProduct {
            product_id: sold.product_id,
            title: sold.title,
            units: sold.units,
            revenue: Money::new(sold.revenue, currency),
        })
        .collect();
    Ok(Stats {
        from,
        to,
        revenue: Money::new(revenue, currency),
        revenue_by_day,
        paid_orders,
        average_order_value: Money::new(
            if paid_orders > 0 {
                revenue / paid_orders
            } else {
                0
            },
            currency,
        ),
        orders_by_status,
        top_products,
    })
}

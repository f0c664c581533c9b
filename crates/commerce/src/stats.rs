//! The numbers of a period, computed in SQL: revenue (paid minus refunded) in all and per UTC
//! day, orders by status, average order value and top products.

use std::collections::HashMap;

use api_types::commerce::{DayRevenue, Stats, StatusCount, TopProduct};
use chrono::{DateTime, Duration, NaiveDate, Utc};
use db::DbError;
use db::Tenanted as _;
use db::entities::{order_line, sales_order};
use domain::{Currency, Money, OrderStatus, OrgId};
use sea_orm::sea_query::{Alias, Expr, Func, SimpleExpr};
use sea_orm::{
    ColumnTrait as _, ConnectionTrait, DbBackend, QueryFilter as _, QueryOrder as _,
    QuerySelect as _, QueryTrait as _, Select,
};
use uuid::Uuid;

use crate::{CommerceError, store};

const TOP_PRODUCTS: u64 = 5;
/// The longest period, so that `revenueByDay` stays a bounded list (at most 367 days).
const MAX_PERIOD_DAYS: i64 = domain::limits::MAX_STATS_PERIOD_DAYS;
/// How the day of `utc_day` is spelt.
const DAY_FORMAT: &str = "%Y-%m-%d";

/// The states of orders whose money was received: what revenue counts.
fn money_received() -> impl Iterator<Item = &'static str> {
    OrderStatus::ALL
        .iter()
        .filter(|status| status.received_money())
        .map(|status| status.as_str())
}

/// `SUM(expr)` as a BIGINT, 0 for no rows (PostgreSQL sums BIGINTs as NUMERIC).
fn total(expr: SimpleExpr) -> SimpleExpr {
    Func::cast_as(
        Func::coalesce([Func::sum(expr).into(), Expr::val(0_i64).into()]),
        Alias::new("BIGINT"),
    )
    .into()
}

/// The UTC date of an order's `created_at` as `YYYY-MM-DD` text, on either engine. The format
/// and zone are literals, not bound values, so that the select and its `GROUP BY` are one
/// expression to PostgreSQL.
fn utc_day(backend: DbBackend) -> SimpleExpr {
    let created_at = Expr::col(sales_order::Column::CreatedAt);
    match backend {
        // A `timestamptz`, shifted to UTC whatever the session's time zone.
        DbBackend::Postgres => Func::cust(Alias::new("to_char"))
            .arg(
                Func::cust(Alias::new("timezone"))
                    .arg(Expr::cust("'UTC'"))
                    .arg(created_at),
            )
            .arg(Expr::cust("'YYYY-MM-DD'"))
            .into(),
        // RFC 3339 text with its offset; `date` normalises it to UTC.
        DbBackend::Sqlite => Func::cust(Alias::new("date")).arg(created_at).into(),
        // Not an engine the api runs on; MySQL keeps no zone with a timestamp.
        DbBackend::MySql => Func::cust(Alias::new("DATE_FORMAT"))
            .arg(created_at)
            .arg(Expr::cust("'%Y-%m-%d'"))
            .into(),
    }
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
    Ok(Stats {
        from,
        to,
        revenue: Money::new(revenue, currency),
        revenue_by_day: period.revenue_by_day(db, currency).await?,
        paid_orders,
        average_order_value: Money::new(
            if paid_orders > 0 {
                revenue / paid_orders
            } else {
                0
            },
            currency,
        ),
        orders_by_status: period.orders_by_status(db).await?,
        top_products: period.top_products(db, currency).await?,
    })
}

/// One organization's orders placed in `[from, to)`.
struct Period {
    org: OrgId,
    from: DateTime<Utc>,
    to: DateTime<Utc>,
}

impl Period {
    fn orders(&self) -> Select<sales_order::Entity> {
        sales_order::Entity::find_in(self.org)
            .filter(sales_order::Column::CreatedAt.gte(self.from))
            .filter(sales_order::Column::CreatedAt.lt(self.to))
    }

    /// Those whose money was received.
    fn received(&self) -> Select<sales_order::Entity> {
        self.orders()
            .filter(sales_order::Column::Status.is_in(money_received()))
    }

    /// Revenue (paid minus refunded) and the number of orders it came from.
    async fn revenue_and_orders(
        &self,
        db: &impl ConnectionTrait,
    ) -> Result<(i64, i64), CommerceError> {
        Ok(self
            .received()
            .select_only()
            .expr_as(net_paid(), "revenue")
            .expr_as(count_of(sales_order::Column::Id), "orders")
            .into_tuple()
            .one(db)
            .await?
            .unwrap_or((0, 0)))
    }

    /// Revenue per UTC day, every day of the period (0 where nothing was sold).
    async fn revenue_by_day(
        &self,
        db: &impl ConnectionTrait,
        currency: Currency,
    ) -> Result<Vec<DayRevenue>, CommerceError> {
        let day = utc_day(db.get_database_backend());
        let daily: HashMap<String, i64> = self
            .received()
            .select_only()
            .expr_as(day.clone(), "day")
            .expr_as(net_paid(), "revenue")
            .group_by(day)
            .into_tuple::<(String, i64)>()
            .all(db)
            .await?
            .into_iter()
            .collect();
        Ok(days_of(self.from, self.to)
            .map(|day| DayRevenue {
                revenue: Money::new(
                    daily
                        .get(&day.format(DAY_FORMAT).to_string())
                        .copied()
                        .unwrap_or(0),
                    currency,
                ),
                day,
            })
            .collect())
    }

    /// How many orders are in each state. A state the code does not know is a corrupt row.
    async fn orders_by_status(
        &self,
        db: &impl ConnectionTrait,
    ) -> Result<Vec<StatusCount>, CommerceError> {
        let counts: Vec<(String, i64)> = self
            .orders()
            .select_only()
            .column(sales_order::Column::Status)
            .expr_as(count_of(sales_order::Column::Id), "count")
            .group_by(sales_order::Column::Status)
            .order_by_asc(sales_order::Column::Status)
            .into_tuple()
            .all(db)
            .await?;
        counts
            .into_iter()
            .map(|(status, count)| {
                let status = status
                    .parse()
                    .map_err(|error| CommerceError::Store(DbError::Corrupt(format!("{error}"))))?;
                Ok(StatusCount { status, count })
            })
            .collect()
    }

    /// The products sold most (by units) in orders whose money was received.
    async fn top_products(
        &self,
        db: &impl ConnectionTrait,
        currency: Currency,
    ) -> Result<Vec<TopProduct>, CommerceError> {
        let received = self
            .received()
            .select_only()
            .column(sales_order::Column::Id)
            .into_query();
        let top: Vec<(Uuid, String, i64, i64)> = order_line::Entity::find_in(self.org)
            .select_only()
            .column(order_line::Column::ProductId)
            .expr_as(Func::max(Expr::col(order_line::Column::Title)), "title")
            .expr_as(
                total(Expr::col(order_line::Column::Quantity).into()),
                "units",
            )
            .expr_as(
                total(Expr::col(order_line::Column::LineTotal).into()),
                "revenue",
            )
            .filter(order_line::Column::OrderId.in_subquery(received))
            .group_by(order_line::Column::ProductId)
            .order_by_desc(Expr::cust("units"))
            .order_by_asc(order_line::Column::ProductId)
            .limit(TOP_PRODUCTS)
            .into_tuple()
            .all(db)
            .await?;
        Ok(top
            .into_iter()
            .map(|(product_id, title, units, revenue)| TopProduct {
                product_id,
                title,
                units,
                revenue: Money::new(revenue, currency),
            })
            .collect())
    }
}

/// `SUM(paid - refunded)` as a BIGINT.
fn net_paid() -> SimpleExpr {
    total(
        Expr::col(sales_order::Column::PaidAmount)
            .sub(Expr::col(sales_order::Column::RefundedAmount)),
    )
}

/// `COUNT(column)` as a BIGINT, read back as an `i64` on both engines.
fn count_of(column: sales_order::Column) -> SimpleExpr {
    Func::cast_as(Expr::col(column).count(), Alias::new("BIGINT")).into()
}

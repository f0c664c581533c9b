//! The numbers of a period, computed in SQL: revenue (paid minus refunded) in all and per UTC
//! day, orders by status and the products sold most.

use std::collections::HashMap;

use chrono::{DateTime, NaiveDate, Utc};
use domain::{OrderStatus, OrgId, ProductId};
use sea_orm::sea_query::{Alias, Expr, Func, SimpleExpr};
use sea_orm::{
    ColumnTrait as _, ConnectionTrait, DbBackend, QueryFilter as _, QueryOrder as _,
    QuerySelect as _, QueryTrait as _, Select,
};
use uuid::Uuid;

use crate::entities::{order_line, sales_order};
use crate::{DbError, Tenanted as _};

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

/// One organization's orders placed in `[from, to)`.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct Period {
    pub org: OrgId,
    pub from: DateTime<Utc>,
    pub to: DateTime<Utc>,
}

/// A product among those sold most: units and revenue in the store's currency.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct ProductSold {
    pub product_id: ProductId,
    /// Its title on the latest-sorting line (titles can change between orders).
    pub title: String,
    pub units: i64,
    pub revenue: i64,
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
    pub async fn revenue_and_orders(
        &self,
        db: &impl ConnectionTrait,
    ) -> Result<(i64, i64), DbError> {
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

    /// Revenue per UTC day, for the days something was sold.
    pub async fn revenue_by_day(
        &self,
        db: &impl ConnectionTrait,
    ) -> Result<HashMap<NaiveDate, i64>, DbError> {
        let day = utc_day(db.get_database_backend());
        self.received()
            .select_only()
            .expr_as(day.clone(), "day")
            .expr_as(net_paid(), "revenue")
            .group_by(day)
            .into_tuple::<(String, i64)>()
            .all(db)
            .await?
            .into_iter()
            .map(|(day, revenue)| {
                let day = NaiveDate::parse_from_str(&day, DAY_FORMAT).map_err(DbError::corrupt)?;
                Ok((day, revenue))
            })
            .collect()
    }

    /// How many orders are in each state. A state the code does not know is a corrupt row.
    pub async fn orders_by_status(
        &self,
        db: &impl ConnectionTrait,
    ) -> Result<Vec<(OrderStatus, i64)>, DbError> {
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
            .map(|(status, count)| Ok((status.parse().map_err(DbError::corrupt)?, count)))
            .collect()
    }

    /// The `limit` products sold most (by units) in orders whose money was received.
    pub async fn top_products(
        &self,
        db: &impl ConnectionTrait,
        limit: u64,
    ) -> Result<Vec<ProductSold>, DbError> {
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
            .limit(limit)
            .into_tuple()
            .all(db)
            .await?;
        Ok(top
            .into_iter()
            .map(|(product_id, title, units, revenue)| ProductSold {
                product_id: ProductId::from_uuid(product_id),
                title,
                units,
                revenue,
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

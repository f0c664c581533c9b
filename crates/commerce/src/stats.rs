//! The numbers of a period, computed in SQL: revenue (paid minus refunded), orders by status,
//! average order value and top products.

use api_types::commerce::{Stats, StatusCount, TopProduct};
use chrono::{DateTime, Duration, Utc};
use db::entities::{order_line, sales_order};
use domain::{Money, OrderStatus, OrgId};
use sea_orm::sea_query::{Alias, Expr, Func, Query, SimpleExpr};
use sea_orm::{
    ColumnTrait as _, ConnectionTrait, EntityTrait as _, QueryFilter as _, QueryOrder as _,
    QuerySelect as _,
};
use uuid::Uuid;

use crate::{CommerceError, store};

const TOP_PRODUCTS: u64 = 5;
const MAX_PERIOD_DAYS: i64 = 3660;

/// States in which money was received (and possibly refunded).
const MONEY_RECEIVED: [OrderStatus; 4] = [
    OrderStatus::Paid,
    OrderStatus::Fulfilled,
    OrderStatus::PartiallyRefunded,
    OrderStatus::Refunded,
];

/// `SUM(expr)` as a BIGINT, 0 for no rows (PostgreSQL sums BIGINTs as NUMERIC).
fn total(expr: SimpleExpr) -> SimpleExpr {
    Func::cast_as(
        Func::coalesce([Func::sum(expr).into(), Expr::val(0_i64).into()]),
        Alias::new("BIGINT"),
    )
    .into()
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
            "must be before `to`, at most ten years apart",
        ));
    }
    let currency = store::currency(db, org).await?;
    let in_period = || {
        sales_order::Entity::find()
            .filter(sales_order::Column::OrganizationId.eq(org.as_uuid()))
            .filter(sales_order::Column::CreatedAt.gte(from))
            .filter(sales_order::Column::CreatedAt.lt(to))
    };
    let received = || {
        in_period()
            .filter(sales_order::Column::Status.is_in(MONEY_RECEIVED.iter().map(|s| s.as_str())))
    };

    let (revenue, paid_orders): (i64, i64) = received()
        .select_only()
        .expr_as(
            total(
                Expr::col(sales_order::Column::PaidAmount)
                    .sub(Expr::col(sales_order::Column::RefundedAmount)),
            ),
            "revenue",
        )
        .expr_as(
            Func::cast_as(
                Expr::col(sales_order::Column::Id).count(),
                Alias::new("BIGINT"),
            ),
            "orders",
        )
        .into_tuple()
        .one(db)
        .await?
        .unwrap_or((0, 0));

    let by_status: Vec<(String, i64)> = in_period()
        .select_only()
        .column(sales_order::Column::Status)
        .expr_as(
            Func::cast_as(
                Expr::col(sales_order::Column::Id).count(),
                Alias::new("BIGINT"),
            ),
            "count",
        )
        .group_by(sales_order::Column::Status)
        .order_by_asc(sales_order::Column::Status)
        .into_tuple()
        .all(db)
        .await?;
    let orders_by_status = by_status
        .into_iter()
        .filter_map(|(status, count)| {
            Some(StatusCount {
                status: status.parse().ok()?,
                count,
            })
        })
        .collect();

    let received_orders = Query::select()
        .column(sales_order::Column::Id)
        .from(sales_order::Entity)
        .and_where(sales_order::Column::OrganizationId.eq(org.as_uuid()))
        .and_where(sales_order::Column::CreatedAt.gte(from))
        .and_where(sales_order::Column::CreatedAt.lt(to))
        .and_where(sales_order::Column::Status.is_in(MONEY_RECEIVED.iter().map(|s| s.as_str())))
        .to_owned();
    let top: Vec<(Uuid, String, i64, i64)> = order_line::Entity::find()
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
        .filter(order_line::Column::OrganizationId.eq(org.as_uuid()))
        .filter(order_line::Column::OrderId.in_subquery(received_orders))
        .group_by(order_line::Column::ProductId)
        .order_by_desc(Expr::cust("units"))
        .order_by_asc(order_line::Column::ProductId)
        .limit(TOP_PRODUCTS)
        .into_tuple()
        .all(db)
        .await?;

    Ok(Stats {
        from,
        to,
        revenue: Money::new(revenue, currency),
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
        top_products: top
            .into_iter()
            .map(|(product_id, title, units, revenue)| TopProduct {
                product_id,
                title,
                units,
                revenue: Money::new(revenue, currency),
            })
            .collect(),
    })
}

//! Orders, their lines and their refunds. Every change of an order's state is one conditional
//! update from the states it is legal from, so that of two callers racing for one order exactly
//! one changes it (on PostgreSQL the second waits for the first's row lock and then finds the
//! state changed; SQLite runs one writer at a time).

use std::collections::{BTreeMap, HashMap};

use chrono::{DateTime, Utc};
use domain::{
    CartId, Currency, CustomerId, Money, OrderId, OrderStatus, OrgId, ProductId, RefundId, UserId,
    VariantId,
};
use sea_orm::sea_query::Expr;
use sea_orm::{
    ActiveModelTrait as _, ActiveValue, ColumnTrait as _, Condition, ConnectionTrait,
    DatabaseTransaction, EntityTrait as _, QueryFilter as _, QueryOrder as _, QuerySelect as _,
    Select, UpdateMany,
};
use uuid::Uuid;

use crate::entities::{order_line, refund, sales_order};
use crate::{DbError, PageRequest, Tenanted as _, page};

/// An order with its lines. Amounts are in the order's currency.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Order {
    pub id: OrderId,
    pub status: OrderStatus,
    pub email: String,
    pub customer_id: Option<CustomerId>,
    /// The signed-in shopper who placed it, if one did.
    pub user_id: Option<UserId>,
    pub lines: Vec<OrderLine>,
    pub total: Money,
    pub paid: Money,
    pub refunded: Money,
    pub shipping_address: Option<ShippingAddress>,
    pub created_at: DateTime<Utc>,
    pub updated_at: DateTime<Utc>,
}

/// A line as it was sold: the variant's SKU, title and price when the order was placed.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct OrderLine {
    pub id: Uuid,
    pub item: LineItem,
}

/// What a line sold.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct LineItem {
    pub product_id: ProductId,
    pub variant_id: VariantId,
    pub sku: String,
    pub title: String,
    pub quantity: i64,
    pub unit_price: Money,
    pub total: Money,
}

/// Where an order is shipped, already checked.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct ShippingAddress {
    pub name: String,
    pub line1: String,
    pub line2: Option<String>,
    pub city: String,
    pub postal_code: String,
    pub region: Option<String>,
    /// ISO 3166-1 alpha-2, upper case.
    pub country: String,
    pub phone: Option<String>,
}

/// The columns of an order a change of state is decided on.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct OrderState {
    pub status: OrderStatus,
    pub total: Money,
    pub paid: Money,
    pub refunded: Money,
    pub user_id: Option<UserId>,
}

fn state(row: &sales_order::Model) -> Result<OrderState, DbError> {
    let currency: Currency = row.currency.parse().map_err(DbError::corrupt)?;
    Ok(OrderState {
        status: row.status.parse().map_err(DbError::corrupt)?,
        total: Money::new(row.total, currency),
        paid: Money::new(row.paid_amount, currency),
        refunded: Money::new(row.refunded_amount, currency),
        user_id: row.user_id.map(UserId::from_uuid),
    })
}

/// The shipping address: its required columns are all set, or none is.
fn shipping_address(row: &mut sales_order::Model) -> Result<Option<ShippingAddress>, DbError> {
    let required = (
        row.shipping_name.take(),
        row.shipping_line1.take(),
        row.shipping_city.take(),
        row.shipping_postal_code.take(),
        row.shipping_country.take(),
    );
    match required {
        (None, None, None, None, None) => Ok(None),
        (Some(name), Some(line1), Some(city), Some(postal_code), Some(country)) => {
            Ok(Some(ShippingAddress {
                name,
                line1,
                line2: row.shipping_line2.take(),
                city,
                postal_code,
                region: row.shipping_region.take(),
                country,
                phone: row.shipping_phone.take(),
            }))
        }
        _ => Err(DbError::corrupt(format!(
            "order {} has an incomplete shipping address",
            row.id
        ))),
    }
}

fn order(mut row: sales_order::Model, lines: Vec<order_line::Model>) -> Result<Order, DbError> {
    let OrderState {
        status,
        total,
        paid,
        refunded,
        user_id,
    } = state(&row)?;
    let currency = total.currency;
    let shipping_address = shipping_address(&mut row)?;
    Ok(Order {
        id: OrderId::from_uuid(row.id),
        status,
        email: row.email,
        customer_id: row.customer_id.map(CustomerId::from_uuid),
        user_id,
        lines: lines
            .into_iter()
            .map(|line| OrderLine {
                id: line.id,
                item: LineItem {
                    product_id: ProductId::from_uuid(line.product_id),
                    variant_id: VariantId::from_uuid(line.variant_id),
                    sku: line.sku,
                    title: line.title,
                    quantity: line.quantity,
                    unit_price: Money::new(line.unit_price, currency),
                    total: Money::new(line.line_total, currency),
                },
            })
            .collect(),
        total,
        paid,
        refunded,
        shipping_address,
        created_at: row.created_at,
        updated_at: row.updated_at,
    })
}

async fn with_lines(
    db: &impl ConnectionTrait,
    org: OrgId,
    rows: Vec<sales_order::Model>,
) -> Result<Vec<Order>, DbError> {
    if rows.is_empty() {
        return Ok(Vec::new());
    }
    let lines = order_line::Entity::find_in(org)
        .filter(order_line::Column::OrderId.is_in(rows.iter().map(|row| row.id)))
        .order_by_asc(order_line::Column::Id)
        .all(db)
        .await?;
    let mut by_order: HashMap<Uuid, Vec<order_line::Model>> = HashMap::new();
    for line in lines {
        by_order.entry(line.order_id).or_default().push(line);
    }
    rows.into_iter()
        .map(|row| {
            let lines = by_order.remove(&row.id).unwrap_or_default();
            order(row, lines)
        })
        .collect()
}

async fn row(
    db: &impl ConnectionTrait,
    org: OrgId,
    id: OrderId,
) -> Result<sales_order::Model, DbError> {
    sales_order::Entity::find_by_id((org.as_uuid(), id.as_uuid()))
        .one(db)
        .await?
        .ok_or(DbError::NotFound)
}

/// One order with its lines.
pub async fn get(db: &impl ConnectionTrait, org: OrgId, id: OrderId) -> Result<Order, DbError> {
    let row = row(db, org, id).await?;
    with_lines(db, org, vec![row])
        .await?
        .pop()
        .ok_or(DbError::NotFound)
}

/// What a change of state is decided on, without the lines.
pub async fn state_of(
    db: &impl ConnectionTrait,
    org: OrgId,
    id: OrderId,
) -> Result<OrderState, DbError> {
    state(&row(db, org, id).await?)
}

/// The order's state, its row locked until the transaction ends (`SELECT … FOR UPDATE` on
/// PostgreSQL; SQLite's transactions hold the database's one write lock already once they wrote):
/// for a change worked out from what the order holds now.
pub async fn state_locked(
    txn: &impl ConnectionTrait,
    org: OrgId,
    id: OrderId,
) -> Result<OrderState, DbError> {
    let mut select = sales_order::Entity::find_by_id((org.as_uuid(), id.as_uuid()));
    if txn.get_database_backend() == sea_orm::DatabaseBackend::Postgres {
        select = select.lock_exclusive();
    }
    state(&select.one(txn).await?.ok_or(DbError::NotFound)?)
}

/// Which orders a list shows.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq)]
pub struct OrderFilter {
    pub status: Option<OrderStatus>,
    pub customer: Option<CustomerId>,
    /// Placed by this signed-in shopper.
    pub user: Option<UserId>,
    /// Placed at or after.
    pub from: Option<DateTime<Utc>>,
    /// Placed before.
    pub to: Option<DateTime<Utc>>,
}

impl OrderFilter {
    fn apply(self, mut select: Select<sales_order::Entity>) -> Select<sales_order::Entity> {
        if let Some(status) = self.status {
            select = select.filter(sales_order::Column::Status.eq(status.as_str()));
        }
        if let Some(customer) = self.customer {
            select = select.filter(sales_order::Column::CustomerId.eq(customer.as_uuid()));
        }
        if let Some(user) = self.user {
            select = select.filter(sales_order::Column::UserId.eq(user.as_uuid()));
        }
        if let Some(from) = self.from {
            select = select.filter(sales_order::Column::CreatedAt.gte(from));
        }
        if let Some(to) = self.to {
            select = select.filter(sales_order::Column::CreatedAt.lt(to));
        }
        select
    }
}

/// A page of orders with their lines, newest first.
pub async fn page(
    db: &impl ConnectionTrait,
    org: OrgId,
    filter: OrderFilter,
    page: PageRequest,
) -> Result<(Vec<Order>, Option<String>), DbError> {
    let select = filter.apply(sales_order::Entity::find_in(org));
    let (rows, next) = page::fetch(db, select, sales_order::Column::Id, page, |row| row.id).await?;
    Ok((with_lines(db, org, rows).await?, next))
}

/// An order to add, priced and checked.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct NewOrder {
    pub cart: CartId,
    pub customer: CustomerId,
    pub user: Option<UserId>,
    pub email: String,
    /// In the order's currency.
    pub total: Money,
    pub shipping_address: Option<ShippingAddress>,
    pub lines: Vec<LineItem>,
}

/// Adds an order awaiting payment, with its lines.
pub async fn insert(
    txn: &DatabaseTransaction,
    org: OrgId,
    new: NewOrder,
    now: DateTime<Utc>,
) -> Result<Order, DbError> {
    let id = OrderId::new().as_uuid();
    let shipping = new.shipping_address;
    let row = sales_order::ActiveModel {
        organization_id: ActiveValue::Set(org.as_uuid()),
        id: ActiveValue::Set(id),
        cart_id: ActiveValue::Set(new.cart.as_uuid()),
        customer_id: ActiveValue::Set(Some(new.customer.as_uuid())),
        user_id: ActiveValue::Set(new.user.map(|user| user.as_uuid())),
        email: ActiveValue::Set(new.email),
        status: ActiveValue::Set(OrderStatus::PendingPayment.as_str().to_owned()),
        currency: ActiveValue::Set(new.total.currency.to_string()),
        total: ActiveValue::Set(new.total.amount),
        paid_amount: ActiveValue::Set(0),
        refunded_amount: ActiveValue::Set(0),
        shipping_name: ActiveValue::Set(shipping.as_ref().map(|a| a.name.clone())),
        shipping_line1: ActiveValue::Set(shipping.as_ref().map(|a| a.line1.clone())),
        shipping_line2: ActiveValue::Set(shipping.as_ref().and_then(|a| a.line2.clone())),
        shipping_city: ActiveValue::Set(shipping.as_ref().map(|a| a.city.clone())),
        shipping_postal_code: ActiveValue::Set(shipping.as_ref().map(|a| a.postal_code.clone())),
        shipping_region: ActiveValue::Set(shipping.as_ref().and_then(|a| a.region.clone())),
        shipping_country: ActiveValue::Set(shipping.as_ref().map(|a| a.country.clone())),
        shipping_phone: ActiveValue::Set(shipping.as_ref().and_then(|a| a.phone.clone())),
        created_at: ActiveValue::Set(now),
        updated_at: ActiveValue::Set(now),
    }
    .insert(txn)
    .await?;
    let mut lines = Vec::with_capacity(new.lines.len());
    for line in new.lines {
        let line = order_line::ActiveModel {
            organization_id: ActiveValue::Set(org.as_uuid()),
            id: ActiveValue::Set(Uuid::now_v7()),
            order_id: ActiveValue::Set(id),
            product_id: ActiveValue::Set(line.product_id.as_uuid()),
            variant_id: ActiveValue::Set(line.variant_id.as_uuid()),
            sku: ActiveValue::Set(line.sku),
            title: ActiveValue::Set(line.title),
            quantity: ActiveValue::Set(line.quantity),
            unit_price: ActiveValue::Set(line.unit_price.amount),
            line_total: ActiveValue::Set(line.total.amount),
        }
        .insert(txn)
        .await?;
        lines.push(line);
    }
    order(row, lines)
}

fn in_state(org: OrgId, id: OrderId, from: &[OrderStatus]) -> UpdateMany<sales_order::Entity> {
    sales_order::Entity::update_in(org)
        .filter(sales_order::Column::Id.eq(id.as_uuid()))
        .filter(sales_order::Column::Status.is_in(from.iter().map(|status| status.as_str())))
}

/// Moves an order from any of `from` to `to`; whether it moved.
pub async fn move_status(
    txn: &DatabaseTransaction,
    org: OrgId,
    id: OrderId,
    from: &[OrderStatus],
    to: OrderStatus,
    now: DateTime<Utc>,
) -> Result<bool, DbError> {
    let moved = in_state(org, id, from)
        .col_expr(sales_order::Column::Status, Expr::value(to.as_str()))
        .col_expr(sales_order::Column::UpdatedAt, Expr::value(now))
        .exec(txn)
        .await?;
    Ok(moved.rows_affected == 1)
}

/// `pending_payment → paid` with the whole total paid, if the order awaits payment and its total
/// is `amount` (in `currency`, when given); whether it applied.
pub async fn mark_paid(
    txn: &DatabaseTransaction,
    org: OrgId,
    id: OrderId,
    amount: i64,
    currency: Option<Currency>,
    now: DateTime<Utc>,
) -> Result<bool, DbError> {
    let mut update = in_state(org, id, &[OrderStatus::PendingPayment])
        .col_expr(
            sales_order::Column::Status,
            Expr::value(OrderStatus::Paid.as_str()),
        )
        .col_expr(
            sales_order::Column::PaidAmount,
            Expr::col(sales_order::Column::Total).into(),
        )
        .col_expr(sales_order::Column::UpdatedAt, Expr::value(now))
        .filter(sales_order::Column::Total.eq(amount));
    if let Some(currency) = currency {
        update = update.filter(sales_order::Column::Currency.eq(currency.as_str()));
    }
    Ok(update.exec(txn).await?.rows_affected == 1)
}

/// Adds `amount` to what was refunded of an order in any of `from`, unless that makes more than
/// was paid; whether it did. The first statement of a refund writes.
pub async fn add_refunded(
    txn: &DatabaseTransaction,
    org: OrgId,
    id: OrderId,
    from: &[OrderStatus],
    amount: i64,
    now: DateTime<Utc>,
) -> Result<bool, DbError> {
    let applied = in_state(org, id, from)
        .col_expr(
            sales_order::Column::RefundedAmount,
            Expr::col(sales_order::Column::RefundedAmount).add(amount),
        )
        .col_expr(sales_order::Column::UpdatedAt, Expr::value(now))
        // `refunded <= paid - amount`, not `refunded + amount <= paid`: with `amount` up to
        // i64::MAX and `paid` never negative, neither side can overflow (PostgreSQL would refuse
        // the statement), and the SET runs only where the sum fits under `paid`.
        .filter(
            Expr::col(sales_order::Column::RefundedAmount)
                .lte(Expr::col(sales_order::Column::PaidAmount).sub(amount)),
        )
        .exec(txn)
        .await?;
    Ok(applied.rows_affected == 1)
}

/// Sets an order's status, whatever it was (for the status a refund leaves, decided in the same
/// transaction as the refund's conditional update).
pub async fn set_status(
    txn: &DatabaseTransaction,
    org: OrgId,
    id: OrderId,
    status: OrderStatus,
) -> Result<(), DbError> {
    sales_order::Entity::update_in(org)
        .col_expr(sales_order::Column::Status, Expr::value(status.as_str()))
        .filter(sales_order::Column::Id.eq(id.as_uuid()))
        .exec(txn)
        .await?;
    Ok(())
}

/// The units of each variant an order holds.
pub async fn units(
    db: &impl ConnectionTrait,
    org: OrgId,
    id: OrderId,
) -> Result<BTreeMap<VariantId, i64>, DbError> {
    let lines = order_line::Entity::find_in(org)
        .filter(order_line::Column::OrderId.eq(id.as_uuid()))
        .all(db)
        .await?;
    let mut units: BTreeMap<VariantId, i64> = BTreeMap::new();
    for line in lines {
        *units
            .entry(VariantId::from_uuid(line.variant_id))
            .or_default() += line.quantity;
    }
    Ok(units)
}

/// A refund, as kept.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Refund {
    pub id: RefundId,
    pub order_id: OrderId,
    /// In the order's currency.
    pub amount: Money,
    pub reason: Option<String>,
    pub created_at: DateTime<Utc>,
}

/// Keeps the record of a refund.
pub async fn insert_refund(
    txn: &DatabaseTransaction,
    org: OrgId,
    order: OrderId,
    amount: Money,
    reason: Option<String>,
    now: DateTime<Utc>,
) -> Result<Refund, DbError> {
    let row = refund::ActiveModel {
        organization_id: ActiveValue::Set(org.as_uuid()),
        id: ActiveValue::Set(RefundId::new().as_uuid()),
        order_id: ActiveValue::Set(order.as_uuid()),
        amount: ActiveValue::Set(amount.amount),
        reason: ActiveValue::Set(reason),
        created_at: ActiveValue::Set(now),
    }
    .insert(txn)
    .await?;
    Ok(Refund {
        id: RefundId::from_uuid(row.id),
        order_id: OrderId::from_uuid(row.order_id),
        amount: Money::new(row.amount, amount.currency),
        reason: row.reason,
        created_at: row.created_at,
    })
}

/// An order left unpaid too long, as the sweep finds it.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct UnpaidOrder {
    pub org: OrgId,
    pub id: OrderId,
    pub created_at: DateTime<Utc>,
}

/// Up to `limit` orders of every organization still `pending_payment` that were placed before
/// `placed_before`, oldest first, after `after` (the last of the previous batch).
///
/// This one reads across tenants: it is for the api's own sweep (no caller, no request), which
/// then handles each order under its organization.
pub async fn unpaid_before(
    db: &impl ConnectionTrait,
    placed_before: DateTime<Utc>,
    after: Option<&UnpaidOrder>,
    limit: u64,
) -> Result<Vec<UnpaidOrder>, DbError> {
    let mut select = sales_order::Entity::find()
        .filter(sales_order::Column::Status.eq(OrderStatus::PendingPayment.as_str()))
        .filter(sales_order::Column::CreatedAt.lt(placed_before));
    if let Some(last) = after {
        select = select.filter(after_in_sweep_order(last));
    }
    let rows = select
        .order_by_asc(sales_order::Column::CreatedAt)
        .order_by_asc(sales_order::Column::OrganizationId)
        .order_by_asc(sales_order::Column::Id)
        .limit(limit)
        .all(db)
        .await?;
    Ok(rows
        .into_iter()
        .map(|row| UnpaidOrder {
            org: OrgId::from_uuid(row.organization_id),
            id: OrderId::from_uuid(row.id),
            created_at: row.created_at,
        })
        .collect())
}

/// `(created_at, organization_id, id) > last`, spelled out (keyset order across tenants).
fn after_in_sweep_order(last: &UnpaidOrder) -> Condition {
    use sales_order::Column::{CreatedAt, Id, OrganizationId};
    Condition::any().add(CreatedAt.gt(last.created_at)).add(
        Condition::all().add(CreatedAt.eq(last.created_at)).add(
            Condition::any()
                .add(OrganizationId.gt(last.org.as_uuid()))
                .add(
                    Condition::all()
                        .add(OrganizationId.eq(last.org.as_uuid()))
                        .add(Id.gt(last.id.as_uuid())),
                ),
        ),
    )
}

//! Orders: placed from a cart with its stock reserved atomically; paid, fulfilled, cancelled and
//! refunded through legal transitions only.

use std::collections::{BTreeMap, HashMap};

use api_types::commerce::{Address, Order, OrderLine, OrderQuery, RecordPaymentRequest, Refund};
use base64::Engine as _;
use base64::engine::general_purpose::URL_SAFE_NO_PAD;
use chrono::{DateTime, Utc};
use db::Tenanted as _;
use db::entities::{order_line, product, refund, sales_order};
use domain::text;
use domain::{
    CartId, CartStatus, Currency, Money, OrderChange, OrderId, OrderStatus, OrgId, ProductStatus,
    RefundId, UserId,
};
use hmac::{Hmac, Mac as _};
use sea_orm::sea_query::Expr;
use sea_orm::{
    ActiveModelTrait as _, ActiveValue, ColumnTrait as _, ConnectionTrait, DatabaseConnection,
    DatabaseTransaction, EntityTrait as _, QueryFilter as _, QueryOrder as _,
    TransactionTrait as _,
};
use sha2::Sha256;
use uuid::Uuid;

use crate::carts::{self, Shopper};
use crate::validate::Problems;
use crate::{CommerceError, PageRequest, customers, pagination, rules};

fn corrupt(error: impl std::fmt::Display) -> CommerceError {
    CommerceError::Store(db::DbError::Corrupt(error.to_string()))
}

/// The order's shipping address: its required columns are all set, or none is.
fn shipping_address(row: &mut sales_order::Model) -> Result<Option<Address>, CommerceError> {
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
            Ok(Some(Address {
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
        _ => Err(corrupt(format!(
            "order {} has an incomplete shipping address",
            row.id
        ))),
    }
}

fn order_view(
    mut row: sales_order::Model,
    lines: Vec<order_line::Model>,
) -> Result<Order, CommerceError> {
    let currency: Currency = row.currency.parse().map_err(corrupt)?;
    let shipping_address = shipping_address(&mut row)?;
    Ok(Order {
        id: row.id,
        status: row.status.parse().map_err(corrupt)?,
        email: row.email,
        customer_id: row.customer_id,
        items: lines
            .into_iter()
            .map(|line| OrderLine {
                id: line.id,
                product_id: line.product_id,
                variant_id: line.variant_id,
                sku: line.sku,
                title: line.title,
                quantity: line.quantity,
                unit_price: Money::new(line.unit_price, currency),
                total: Money::new(line.line_total, currency),
            })
            .collect(),
        total: Money::new(row.total, currency),
        paid: Money::new(row.paid_amount, currency),
        refunded: Money::new(row.refunded_amount, currency),
        shipping_address,
        status_key: None,
        created_at: row.created_at,
        updated_at: row.updated_at,
    })
}

async fn with_lines(
    db: &impl ConnectionTrait,
    org: OrgId,
    rows: Vec<sales_order::Model>,
) -> Result<Vec<Order>, CommerceError> {
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
            order_view(row, lines)
        })
        .collect()
}

async fn find(
    db: &impl ConnectionTrait,
    org: OrgId,
    id: OrderId,
) -> Result<sales_order::Model, CommerceError> {
    sales_order::Entity::find_by_id((org.as_uuid(), id.as_uuid()))
        .one(db)
        .await?
        .ok_or(CommerceError::NotFound("order"))
}

pub async fn get(
    db: &impl ConnectionTrait,
    org: OrgId,
    id: OrderId,
) -> Result<Order, CommerceError> {
    let row = find(db, org, id).await?;
    one_with_lines(db, org, row).await
}

async fn one_with_lines(
    db: &impl ConnectionTrait,
    org: OrgId,
    row: sales_order::Model,
) -> Result<Order, CommerceError> {
    with_lines(db, org, vec![row])
        .await?
        .pop()
        .ok_or(CommerceError::NotFound("order"))
}

/// The keys of orders' status pages: base64url (no padding) of HMAC-SHA256, keyed with the api's
/// `AUTH_SECRET`, over `order-status:{organization id}:{order id}`. Derived, never stored; rotating
/// the secret changes every key.
#[derive(Clone)]
pub struct StatusKeys(Hmac<Sha256>);

impl std::fmt::Debug for StatusKeys {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str("StatusKeys([redacted])")
    }
}

impl StatusKeys {
    /// Keys derived from `secret` (HMAC takes a key of any length).
    pub fn new(secret: &[u8]) -> Result<Self, hmac::digest::InvalidLength> {
        Hmac::new_from_slice(secret).map(Self)
    }

    fn mac(&self, org: OrgId, order: OrderId) -> Hmac<Sha256> {
        let mut mac = self.0.clone();
        mac.update(format!("order-status:{org}:{order}").as_bytes());
        mac
    }

    /// The key of an order's status page.
    #[must_use]
    pub fn key(&self, org: OrgId, order: OrderId) -> String {
        URL_SAFE_NO_PAD.encode(self.mac(org, order).finalize().into_bytes())
    }

    /// Whether `key` is the key of this order of this organization (compared in constant time).
    #[must_use]
    pub fn verify(&self, org: OrgId, order: OrderId, key: &str) -> bool {
        URL_SAFE_NO_PAD
            .decode(key.trim())
            .is_ok_and(|bytes| self.mac(org, order).verify_slice(&bytes).is_ok())
    }
}

/// Who asks for an order on the storefront.
#[derive(Clone, Copy, Debug)]
pub struct StatusReader<'a> {
    /// The `key` the caller sent, if any.
    pub key: Option<&'a str>,
    /// The signed-in shopper, if any.
    pub shopper: Option<UserId>,
}

/// An order as its storefront shows it: to whoever holds its status key (for this organization),
/// or to the signed-in shopper who placed it. Anyone else gets 404, exactly as for an order that
/// does not exist; without a valid key or a shopper, the database is not even asked.
pub async fn get_on_storefront(
    db: &impl ConnectionTrait,
    keys: &StatusKeys,
    org: OrgId,
    id: OrderId,
    reader: StatusReader<'_>,
) -> Result<Order, CommerceError> {
    let keyed = reader.key.is_some_and(|key| keys.verify(org, id, key));
    if !keyed && reader.shopper.is_none() {
        return Err(CommerceError::NotFound("order"));
    }
    let row = find(db, org, id).await?;
    let placed_by_shopper = reader
        .shopper
        .is_some_and(|user| row.user_id == Some(user.as_uuid()));
    if !keyed && !placed_by_shopper {
        return Err(CommerceError::NotFound("order"));
    }
    one_with_lines(db, org, row).await
}

/// Places an order from an open cart, in `txn`: the cart is closed first (so a cart becomes at most
/// one order), then each variant's stock is reserved by a conditional update, in variant order so
/// that concurrent orders never deadlock. Prices come from the catalog now, never from the client.
/// The shipping address, when given, is checked field by field (`shippingAddress.city`…).
pub async fn place(
    txn: &DatabaseTransaction,
    org: OrgId,
    cart: CartId,
    shopper: Shopper,
    email: &str,
    shipping_address: Option<&Address>,
    now: DateTime<Utc>,
) -> Result<Order, CommerceError> {
    let mut problems = Problems::default();
    let email = problems.email("email", email);
    let shipping = shipping_address.map(|address| problems.address("shippingAddress", address));
    problems.finish()?;

    // The first statement writes, so SQLite queues this transaction behind other writers.
    let mut close = sales_order_cart_close(org, cart, now);
    if let Some(user) = shopper.0 {
        close = close.filter(
            sea_orm::Condition::any()
                .add(db::entities::cart::Column::UserId.is_null())
                .add(db::entities::cart::Column::UserId.eq(user.as_uuid())),
        );
    } else {
        close = close.filter(db::entities::cart::Column::UserId.is_null());
    }
    if close.exec(txn).await?.rows_affected == 0 {
        let cart = carts::get(txn, org, cart, shopper).await?;
        return Err(if cart.status == CartStatus::Ordered {
            CommerceError::conflict("CART_NOT_OPEN", "the cart has already become an order")
        } else {
            CommerceError::NotFound("cart")
        });
    }

    let lines = carts::lines_with_variants(txn, org, cart.as_uuid()).await?;
    // A store sells in one currency: its first line's is every line's.
    let Some(currency) = lines.first().map(|(_, variant)| variant.currency.parse()) else {
        return Err(CommerceError::invalid("cartId", "the cart is empty"));
    };
    let currency: Currency = currency.map_err(corrupt)?;
    let products: Vec<Uuid> = lines
        .iter()
        .map(|(_, variant)| variant.product_id)
        .collect();
    let published: Vec<Uuid> = product::Entity::find_in(org)
        .filter(product::Column::Id.is_in(products))
        .filter(product::Column::Status.eq(ProductStatus::Published.as_str()))
        .all(txn)
        .await?
        .into_iter()
        .map(|row| row.id)
        .collect();

    if let Some((_, variant)) = lines
        .iter()
        .find(|(_, variant)| !published.contains(&variant.product_id))
    {
        return Err(CommerceError::Conflict {
            code: "VARIANT_UNAVAILABLE",
            message: format!("`{}` is no longer for sale", variant.sku),
            details: Some(serde_json::json!({"variantId": variant.id})),
        });
    }
    let wanted = rules::quantities_by_variant(
        lines
            .iter()
            .map(|(line, variant)| (variant.id, line.quantity)),
    );
    for (variant, quantity) in wanted {
        reserve(txn, org, variant, quantity, now).await?;
    }

    let to_price: Vec<rules::LineToPrice> = lines
        .iter()
        .map(|(line, variant)| rules::LineToPrice {
            quantity: line.quantity,
            unit_price: variant.price_amount,
        })
        .collect();
    let rules::Priced { line_totals, total } = rules::price(&to_price, currency)
        .map_err(|_| CommerceError::invalid("cartId", "the order's total is too large"))?;
    let order_id = OrderId::new().as_uuid();
    let mut order_lines = Vec::with_capacity(lines.len());
    for ((line, variant), line_total) in lines.into_iter().zip(line_totals) {
        let unit_price = Money::new(variant.price_amount, currency);
        order_lines.push(order_line::Model {
            organization_id: org.as_uuid(),
            id: Uuid::now_v7(),
            order_id,
            product_id: variant.product_id,
            variant_id: variant.id,
            sku: variant.sku,
            title: variant.title,
            quantity: line.quantity,
            unit_price: unit_price.amount,
            line_total: line_total.amount,
        });
    }

    let customer = customers::for_order(txn, org, &email, shopper.0, now).await?;
    let order = sales_order::ActiveModel {
        organization_id: ActiveValue::Set(org.as_uuid()),
        id: ActiveValue::Set(order_id),
        cart_id: ActiveValue::Set(cart.as_uuid()),
        customer_id: ActiveValue::Set(Some(customer.as_uuid())),
        user_id: ActiveValue::Set(shopper.0.map(|user| user.as_uuid())),
        email: ActiveValue::Set(email),
        status: ActiveValue::Set(OrderStatus::PendingPayment.as_str().to_owned()),
        currency: ActiveValue::Set(currency.to_string()),
        total: ActiveValue::Set(total.amount),
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
    for line in &order_lines {
        order_line::ActiveModel::from(line.clone())
            .insert(txn)
            .await?;
    }
    order_view(order, order_lines)
}

fn sales_order_cart_close(
    org: OrgId,
    cart: CartId,
    now: DateTime<Utc>,
) -> sea_orm::UpdateMany<db::entities::cart::Entity> {
    use db::entities::cart;
    cart::Entity::update_in(org)
        .col_expr(
            cart::Column::Status,
            Expr::value(CartStatus::Ordered.as_str()),
        )
        .col_expr(cart::Column::UpdatedAt, Expr::value(now))
        .filter(cart::Column::Id.eq(cart.as_uuid()))
        .filter(cart::Column::Status.eq(CartStatus::Open.as_str()))
}

/// Takes `quantity` units of a variant, or fails with 409 and changes nothing.
async fn reserve(
    txn: &DatabaseTransaction,
    org: OrgId,
    variant: Uuid,
    quantity: i64,
    now: DateTime<Utc>,
) -> Result<(), CommerceError> {
    use db::entities::product_variant::{Column, Entity};
    let taken = Entity::update_in(org)
        .col_expr(
            Column::Available,
            Expr::col(Column::Available).sub(quantity),
        )
        .col_expr(Column::UpdatedAt, Expr::value(now))
        .filter(Column::Id.eq(variant))
        .filter(Column::Available.gte(quantity))
        .exec(txn)
        .await?;
    if taken.rows_affected == 1 {
        return Ok(());
    }
    let available = Entity::find_by_id((org.as_uuid(), variant))
        .one(txn)
        .await?
        .map_or(0, |row| row.available);
    Err(CommerceError::Conflict {
        code: "INSUFFICIENT_STOCK",
        message: format!("only {available} units are available"),
        details: Some(
            serde_json::json!({"variantId": variant, "requested": quantity, "available": available}),
        ),
    })
}

/// Gives an order's units back to stock (cancellation, failed payment).
async fn release_stock(
    txn: &DatabaseTransaction,
    org: OrgId,
    order: Uuid,
    now: DateTime<Utc>,
) -> Result<(), CommerceError> {
    use db::entities::product_variant::{Column, Entity};
    let lines = order_line::Entity::find_in(org)
        .filter(order_line::Column::OrderId.eq(order))
        .all(txn)
        .await?;
    let mut back: BTreeMap<Uuid, i64> = BTreeMap::new();
    for line in lines {
        *back.entry(line.variant_id).or_default() += line.quantity;
    }
    for (variant, quantity) in back {
        Entity::update_in(org)
            .col_expr(
                Column::Available,
                Expr::col(Column::Available).add(quantity),
            )
            .col_expr(Column::UpdatedAt, Expr::value(now))
            .filter(Column::Id.eq(variant))
            .exec(txn)
            .await?;
    }
    Ok(())
}

/// Makes `change` (from any state it is legal from) move an order to `to` by one conditional
/// update; whether it moved. Of two
/// callers racing for one order, exactly one moves it (on PostgreSQL the second waits for the
/// first's row lock and then finds the status changed; SQLite runs one writer at a time).
async fn moved(
    txn: &DatabaseTransaction,
    org: OrgId,
    id: OrderId,
    change: OrderChange,
    to: OrderStatus,
    now: DateTime<Utc>,
) -> Result<bool, CommerceError> {
    let from = change.legal_from();
    let moved = sales_order::Entity::update_in(org)
        .col_expr(sales_order::Column::Status, Expr::value(to.as_str()))
        .col_expr(sales_order::Column::UpdatedAt, Expr::value(now))
        .filter(sales_order::Column::Id.eq(id.as_uuid()))
        .filter(sales_order::Column::Status.is_in(from.iter().map(|status| status.as_str())))
        .exec(txn)
        .await?;
    Ok(moved.rows_affected == 1)
}

/// Makes `change` move an order to `to`, or fails: 404 if there is no such order, 409 if its state
/// does not allow it. The first statement of the transaction writes.
async fn transition(
    txn: &DatabaseTransaction,
    org: OrgId,
    id: OrderId,
    change: OrderChange,
    to: OrderStatus,
    now: DateTime<Utc>,
) -> Result<(), CommerceError> {
    if moved(txn, org, id, change, to, now).await? {
        return Ok(());
    }
    let current = find(txn, org, id).await?;
    Err(CommerceError::Conflict {
        code: "ILLEGAL_TRANSITION",
        message: format!("an order that is `{}` cannot become `{to}`", current.status),
        details: Some(serde_json::json!({"status": current.status, "to": to})),
    })
}

/// `paid → fulfilled`.
pub async fn fulfil(
    db: &DatabaseConnection,
    org: OrgId,
    id: OrderId,
    now: DateTime<Utc>,
) -> Result<Order, CommerceError> {
    let txn = db.begin().await?;
    transition(
        &txn,
        org,
        id,
        OrderChange::Fulfil,
        OrderStatus::Fulfilled,
        now,
    )
    .await?;
    txn.commit().await?;
    get(db, org, id).await
}

/// `pending_payment → cancelled`, giving the stock back.
pub async fn cancel(
    db: &DatabaseConnection,
    org: OrgId,
    id: OrderId,
    now: DateTime<Utc>,
) -> Result<Order, CommerceError> {
    let txn = db.begin().await?;
    transition(
        &txn,
        org,
        id,
        OrderChange::Cancel,
        OrderStatus::Cancelled,
        now,
    )
    .await?;
    release_stock(&txn, org, id.as_uuid(), now).await?;
    txn.commit().await?;
    get(db, org, id).await
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
/// then handles each order under its organization with [`expire`].
pub async fn unpaid_before(
    db: &impl ConnectionTrait,
    placed_before: DateTime<Utc>,
    after: Option<&UnpaidOrder>,
    limit: u64,
) -> Result<Vec<UnpaidOrder>, CommerceError> {
    use sea_orm::{Condition, QuerySelect as _};
    let mut select = sales_order::Entity::find()
        .filter(sales_order::Column::Status.eq(OrderStatus::PendingPayment.as_str()))
        .filter(sales_order::Column::CreatedAt.lt(placed_before));
    if let Some(last) = after {
        select = select.filter(
            Condition::any()
                .add(sales_order::Column::CreatedAt.gt(last.created_at))
                .add(
                    Condition::all()
                        .add(sales_order::Column::CreatedAt.eq(last.created_at))
                        .add(
                            Condition::any()
                                .add(sales_order::Column::OrganizationId.gt(last.org.as_uuid()))
                                .add(
                                    Condition::all()
                                        .add(
                                            sales_order::Column::OrganizationId
                                                .eq(last.org.as_uuid()),
                                        )
                                        .add(sales_order::Column::Id.gt(last.id.as_uuid())),
                                ),
                        ),
                ),
        );
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

/// An unpaid order expires: `pending_payment → cancelled` and its stock back, exactly as
/// [`cancel`] does, in `txn`. One conditional update decides: `false` (and nothing changed) when
/// the order is no longer awaiting payment — paid meanwhile, or expired by another instance.
pub async fn expire(
    txn: &DatabaseTransaction,
    org: OrgId,
    id: OrderId,
    now: DateTime<Utc>,
) -> Result<bool, CommerceError> {
    if !moved(
        txn,
        org,
        id,
        OrderChange::Cancel,
        OrderStatus::Cancelled,
        now,
    )
    .await?
    {
        return Ok(false);
    }
    release_stock(txn, org, id.as_uuid(), now).await?;
    Ok(true)
}

/// `pending_payment → paid` with the whole total paid, if the order awaits payment and its total
/// is `amount` (in `currency`, when given): one conditional update, so that of two payments racing
/// for one order exactly one applies. Whether it applied.
async fn mark_paid(
    txn: &DatabaseTransaction,
    org: OrgId,
    id: OrderId,
    amount: i64,
    currency: Option<Currency>,
    now: DateTime<Utc>,
) -> Result<bool, CommerceError> {
    let mut update = sales_order::Entity::update_in(org)
        .col_expr(
            sales_order::Column::Status,
            Expr::value(OrderStatus::Paid.as_str()),
        )
        .col_expr(
            sales_order::Column::PaidAmount,
            Expr::col(sales_order::Column::Total).into(),
        )
        .col_expr(sales_order::Column::UpdatedAt, Expr::value(now))
        .filter(sales_order::Column::Id.eq(id.as_uuid()))
        .filter(sales_order::Column::Status.eq(OrderStatus::PendingPayment.as_str()))
        .filter(sales_order::Column::Total.eq(amount));
    if let Some(currency) = currency {
        update = update.filter(sales_order::Column::Currency.eq(currency.as_str()));
    }
    Ok(update.exec(txn).await?.rows_affected == 1)
}

/// A payment for the whole order arrived: `pending_payment → paid`. Any other amount or currency
/// is refused (the event stays failed and visible).
pub(crate) async fn record_payment(
    txn: &DatabaseTransaction,
    org: OrgId,
    id: OrderId,
    amount: Money,
    now: DateTime<Utc>,
) -> Result<(), CommerceError> {
    if mark_paid(txn, org, id, amount.amount, Some(amount.currency), now).await? {
        return Ok(());
    }
    let order = find(txn, org, id).await?;
    if order.status != OrderStatus::PendingPayment.as_str() {
        return Err(CommerceError::conflict(
            "ILLEGAL_TRANSITION",
            format!("the order is `{}`, not awaiting payment", order.status),
        ));
    }
    Err(CommerceError::conflict(
        "AMOUNT_MISMATCH",
        format!(
            "paid {} {}, the order is {} {}",
            amount.amount, amount.currency, order.total, order.currency
        ),
    ))
}

/// A payment a merchant received outside the checkout (a bank transfer, cash), recorded by hand:
/// `pending_payment → paid` with the same bookkeeping as a payment event, in `txn`. The amount must
/// be the order's whole total (400 on `amount` naming it); an order not awaiting payment is 409
/// `ILLEGAL_TRANSITION`. Answers the paid order.
pub async fn record_manual_payment(
    txn: &DatabaseTransaction,
    org: OrgId,
    id: OrderId,
    payment: &RecordPaymentRequest,
    now: DateTime<Utc>,
) -> Result<Order, CommerceError> {
    let mut problems = Problems::default();
    problems.text("reference", &payment.reference, text::PAYMENT_REFERENCE);
    problems.finish()?;

    // The first statement writes, so SQLite queues this transaction behind other writers.
    if !mark_paid(txn, org, id, payment.amount, None, now).await? {
        let order = find(txn, org, id).await?;
        if order.status != OrderStatus::PendingPayment.as_str() {
            return Err(CommerceError::Conflict {
                code: "ILLEGAL_TRANSITION",
                message: format!(
                    "an order that is `{}` cannot become `{}`",
                    order.status,
                    OrderStatus::Paid
                ),
                details: Some(serde_json::json!({"status": order.status, "to": OrderStatus::Paid})),
            });
        }
        return Err(CommerceError::invalid(
            "amount",
            format!(
                "must be the order's total, {} ({} minor units): partial payments are not recorded",
                order.total, order.currency
            ),
        ));
    }
    get(txn, org, id).await
}

/// A payment failed: `pending_payment → cancelled`, giving the stock back.
pub(crate) async fn record_payment_failure(
    txn: &DatabaseTransaction,
    org: OrgId,
    id: OrderId,
    now: DateTime<Utc>,
) -> Result<(), CommerceError> {
    transition(
        txn,
        org,
        id,
        OrderChange::Cancel,
        OrderStatus::Cancelled,
        now,
    )
    .await?;
    release_stock(txn, org, id.as_uuid(), now).await
}

/// Refunds `amount` of a paid order, never more than remains paid: `partially_refunded`, or
/// `refunded` once everything paid is refunded. The refund and the order change commit together.
pub async fn refund(
    txn: &DatabaseTransaction,
    org: OrgId,
    id: OrderId,
    amount: i64,
    reason: Option<String>,
    now: DateTime<Utc>,
) -> Result<Refund, CommerceError> {
    let mut problems = Problems::default();
    problems.range("amount", amount, 1, i64::MAX);
    let reason = reason.map(|reason| problems.text("reason", &reason, text::REFUND_REASON));
    problems.finish()?;

    let refundable = OrderChange::Refund.legal_from();
    let applied = sales_order::Entity::update_in(org)
        .col_expr(
            sales_order::Column::RefundedAmount,
            Expr::col(sales_order::Column::RefundedAmount).add(amount),
        )
        .col_expr(sales_order::Column::UpdatedAt, Expr::value(now))
        .filter(sales_order::Column::Id.eq(id.as_uuid()))
        .filter(sales_order::Column::Status.is_in(refundable.iter().map(|status| status.as_str())))
        .filter(
            Expr::expr(Expr::col(sales_order::Column::RefundedAmount).add(amount))
                .lte(Expr::col(sales_order::Column::PaidAmount)),
        )
        .exec(txn)
        .await?;
    let order = find(txn, org, id).await?;
    if applied.rows_affected == 0 {
        // Refused by the conditional update: the rules say why.
        let status: OrderStatus = order.status.parse().map_err(corrupt)?;
        return Err(
            match rules::refund(status, order.paid_amount, order.refunded_amount, amount) {
                Err(rules::RefundRefused::ExceedsPaid { refundable }) => CommerceError::Conflict {
                    code: "REFUND_EXCEEDS_PAID",
                    message: format!("at most {refundable} can still be refunded"),
                    details: Some(serde_json::json!({ "refundable": refundable })),
                },
                Err(rules::RefundRefused::NotRefundable(_)) | Ok(_) => CommerceError::conflict(
                    "ILLEGAL_TRANSITION",
                    format!("an order that is `{status}` cannot be refunded"),
                ),
            },
        );
    }
    let status = rules::status_after_refunds(order.paid_amount, order.refunded_amount);
    sales_order::Entity::update_in(org)
        .col_expr(sales_order::Column::Status, Expr::value(status.as_str()))
        .filter(sales_order::Column::Id.eq(id.as_uuid()))
        .exec(txn)
        .await?;
    let currency: Currency = order.currency.parse().map_err(corrupt)?;
    let row = refund::ActiveModel {
        organization_id: ActiveValue::Set(org.as_uuid()),
        id: ActiveValue::Set(RefundId::new().as_uuid()),
        order_id: ActiveValue::Set(order.id),
        amount: ActiveValue::Set(amount),
        reason: ActiveValue::Set(reason),
        created_at: ActiveValue::Set(now),
    }
    .insert(txn)
    .await?;
    Ok(Refund {
        id: row.id,
        order_id: row.order_id,
        amount: Money::new(row.amount, currency),
        reason: row.reason,
        created_at: row.created_at,
    })
}

/// How much of an order has been refunded so far.
pub(crate) async fn refunded_so_far(
    txn: &DatabaseTransaction,
    org: OrgId,
    id: OrderId,
) -> Result<i64, CommerceError> {
    Ok(find(txn, org, id).await?.refunded_amount)
}

/// A page of the store's orders, newest first, filtered by status, customer and creation time.
pub async fn list(
    db: &impl ConnectionTrait,
    org: OrgId,
    query: &OrderQuery,
) -> Result<(Vec<Order>, Option<String>), CommerceError> {
    let page = PageRequest::parse(query.limit, query.cursor.as_deref())?;
    let mut select = sales_order::Entity::find_in(org);
    if let Some(status) = query.status {
        select = select.filter(sales_order::Column::Status.eq(status.as_str()));
    }
    if let Some(customer) = query.customer_id {
        select = select.filter(sales_order::Column::CustomerId.eq(customer));
    }
    if let Some(from) = query.from {
        select = select.filter(sales_order::Column::CreatedAt.gte(from));
    }
    if let Some(to) = query.to {
        select = select.filter(sales_order::Column::CreatedAt.lt(to));
    }
    page_of_orders(db, org, select, page).await
}

async fn page_of_orders(
    db: &impl ConnectionTrait,
    org: OrgId,
    select: sea_orm::Select<sales_order::Entity>,
    page: PageRequest,
) -> Result<(Vec<Order>, Option<String>), CommerceError> {
    let (rows, next) =
        pagination::fetch(db, select, sales_order::Column::Id, page, |row| row.id).await?;
    Ok((with_lines(db, org, rows).await?, next))
}

/// A signed-in shopper's own orders in this store, newest first.
pub async fn list_for_shopper(
    db: &impl ConnectionTrait,
    org: OrgId,
    user: UserId,
    page: PageRequest,
) -> Result<(Vec<Order>, Option<String>), CommerceError> {
    let select =
        sales_order::Entity::find_in(org).filter(sales_order::Column::UserId.eq(user.as_uuid()));
    page_of_orders(db, org, select, page).await
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_status_key_opens_its_own_order_of_its_own_organization_only() {
        let keys = StatusKeys::new(b"a secret of the api").unwrap();
        let (org, order) = (OrgId::new(), OrderId::new());
        let key = keys.key(org, order);
        assert_eq!(key.len(), 43, "32 bytes, base64url without padding");
        assert!(keys.verify(org, order, &key));
        assert!(!keys.verify(OrgId::new(), order, &key));
        assert!(!keys.verify(org, OrderId::new(), &key));
        assert!(!keys.verify(org, order, &key[..42]));
        assert!(!keys.verify(org, order, ""));
        assert!(!keys.verify(org, order, "!!!"));
        let other = StatusKeys::new(b"another secret").unwrap();
        assert!(!other.verify(org, order, &key));
    }
}

//! Orders: placed from a cart with its stock reserved atomically; paid, fulfilled, cancelled and
//! refunded through legal transitions only.

use api_types::commerce::{Address, OrderQuery, RecordPaymentRequest};
use base64::Engine as _;
use base64::engine::general_purpose::URL_SAFE_NO_PAD;
use chrono::{DateTime, Utc};
use db::repo::orders::{self as stored, LineItem, NewOrder, OrderFilter, OrderState};
pub use db::repo::orders::{Order, OrderLine, Refund, ShippingAddress, UnpaidOrder};
use db::repo::{carts as stored_carts, catalog, customers, stock};
use db::{ConnectionTrait, DatabaseConnection, DatabaseTransaction, TransactionTrait as _};
use domain::text;
use domain::{
    CartId, CartStatus, CustomerId, Money, OrderChange, OrderId, OrderStatus, OrgId, ProductStatus,
    UserId,
};
use hmac::{Hmac, Mac as _};
use sha2::Sha256;

use crate::carts::{self, Shopper};
use crate::validate::Problems;
use crate::{CommerceError, PageRequest, rules};

fn not_found(error: db::DbError) -> CommerceError {
    CommerceError::found_as("order")(error)
}

async fn state_of(
    db: &impl ConnectionTrait,
    org: OrgId,
    id: OrderId,
) -> Result<OrderState, CommerceError> {
    stored::state_of(db, org, id).await.map_err(not_found)
}

pub async fn get(
    db: &impl ConnectionTrait,
    org: OrgId,
    id: OrderId,
) -> Result<Order, CommerceError> {
    stored::get(db, org, id).await.map_err(not_found)
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
    let order = stored::get(db, org, id).await.map_err(not_found)?;
    let placed_by_shopper = reader
        .shopper
        .is_some_and(|user| order.user_id == Some(user));
    if !keyed && !placed_by_shopper {
        return Err(CommerceError::NotFound("order"));
    }
    Ok(order)
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
    if !stored_carts::close(txn, org, cart, shopper.0, now).await? {
        let cart = carts::get(txn, org, cart, shopper).await?;
        return Err(if cart.cart.status == CartStatus::Ordered {
            carts::not_open()
        } else {
            CommerceError::NotFound("cart")
        });
    }

    let lines = stored_carts::lines_with_variants(txn, org, cart).await?;
    // A store sells in one currency: its first line's is every line's.
    let Some(currency) = lines.first().map(|(_, variant)| variant.price.currency) else {
        return Err(CommerceError::invalid("cartId", "the cart is empty"));
    };
    let products = lines.iter().map(|(_, variant)| variant.product_id);
    let published = catalog::with_status(txn, org, products, ProductStatus::Published).await?;
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
        if let Some(available) = stock::take(txn, org, variant, quantity, now).await? {
            return Err(CommerceError::Conflict {
                code: "INSUFFICIENT_STOCK",
                message: format!("only {available} units are available"),
                details: Some(serde_json::json!({
                    "variantId": variant, "requested": quantity, "available": available,
                })),
            });
        }
    }

    let to_price: Vec<rules::LineToPrice> = lines
        .iter()
        .map(|(line, variant)| rules::LineToPrice {
            quantity: line.quantity,
            unit_price: variant.price.amount,
        })
        .collect();
    let rules::Priced { line_totals, total } = rules::price(&to_price, currency)
        .map_err(|_| CommerceError::invalid("cartId", "the order's total is too large"))?;
    let items = lines
        .into_iter()
        .zip(line_totals)
        .map(|((line, variant), total)| LineItem {
            product_id: variant.product_id,
            variant_id: variant.id,
            sku: variant.sku,
            title: variant.title,
            quantity: line.quantity,
            unit_price: Money::new(variant.price.amount, currency),
            total,
        })
        .collect();

    let customer: CustomerId = customers::for_order(txn, org, &email, shopper.0, now).await?;
    let new = NewOrder {
        cart,
        customer,
        user: shopper.0,
        email,
        total,
        shipping_address: shipping,
        lines: items,
    };
    Ok(stored::insert(txn, org, new, now).await?)
}

/// Gives an order's units back to stock (cancellation, failed payment).
async fn release_stock(
    txn: &DatabaseTransaction,
    org: OrgId,
    order: OrderId,
    now: DateTime<Utc>,
) -> Result<(), CommerceError> {
    let units = stored::units(txn, org, order).await?;
    stock::give_back(txn, org, &units, now).await?;
    Ok(())
}

/// Makes `change` (from any state it is legal from) move an order to `to` by one conditional
/// update; whether it moved.
async fn moved(
    txn: &DatabaseTransaction,
    org: OrgId,
    id: OrderId,
    change: OrderChange,
    to: OrderStatus,
    now: DateTime<Utc>,
) -> Result<bool, CommerceError> {
    Ok(stored::move_status(txn, org, id, change.legal_from(), to, now).await?)
}

fn illegal(status: OrderStatus, to: OrderStatus) -> CommerceError {
    CommerceError::Conflict {
        code: "ILLEGAL_TRANSITION",
        message: format!("an order that is `{status}` cannot become `{to}`"),
        details: Some(serde_json::json!({"status": status, "to": to})),
    }
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
    Err(illegal(state_of(txn, org, id).await?.status, to))
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
    release_stock(&txn, org, id, now).await?;
    txn.commit().await?;
    get(db, org, id).await
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
    Ok(stored::unpaid_before(db, placed_before, after, limit).await?)
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
    release_stock(txn, org, id, now).await?;
    Ok(true)
}

/// A payment for the whole order arrived: `pending_payment → paid`, by one conditional update, so
/// that of two payments racing for one order exactly one applies. Any other amount or currency is
/// refused (the event stays failed and visible).
pub(crate) async fn record_payment(
    txn: &DatabaseTransaction,
    org: OrgId,
    id: OrderId,
    amount: Money,
    now: DateTime<Utc>,
) -> Result<(), CommerceError> {
    if stored::mark_paid(txn, org, id, amount.amount, Some(amount.currency), now).await? {
        return Ok(());
    }
    let order = state_of(txn, org, id).await?;
    if order.status != OrderStatus::PendingPayment {
        return Err(CommerceError::conflict(
            "ILLEGAL_TRANSITION",
            format!("the order is `{}`, not awaiting payment", order.status),
        ));
    }
    Err(CommerceError::conflict(
        "AMOUNT_MISMATCH",
        format!(
            "paid {} {}, the order is {} {}",
            amount.amount, amount.currency, order.total.amount, order.total.currency
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
    if !stored::mark_paid(txn, org, id, payment.amount, None, now).await? {
        let order = state_of(txn, org, id).await?;
        if order.status != OrderStatus::PendingPayment {
            return Err(illegal(order.status, OrderStatus::Paid));
        }
        return Err(CommerceError::invalid(
            "amount",
            format!(
                "must be the order's total, {} ({} minor units): partial payments are not recorded",
                order.total.amount, order.total.currency
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
    release_stock(txn, org, id, now).await
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
    let applied = stored::add_refunded(txn, org, id, refundable, amount, now).await?;
    let order = state_of(txn, org, id).await?;
    if !applied {
        // Refused by the conditional update: the rules say why.
        let (paid, refunded) = (order.paid.amount, order.refunded.amount);
        return Err(match rules::refund(order.status, paid, refunded, amount) {
            Err(rules::RefundRefused::ExceedsPaid { refundable }) => CommerceError::Conflict {
                code: "REFUND_EXCEEDS_PAID",
                message: format!("at most {refundable} can still be refunded"),
                details: Some(serde_json::json!({ "refundable": refundable })),
            },
            Err(rules::RefundRefused::NotRefundable(_)) | Ok(_) => CommerceError::conflict(
                "ILLEGAL_TRANSITION",
                format!("an order that is `{}` cannot be refunded", order.status),
            ),
        });
    }
    let status = rules::status_after_refunds(order.paid.amount, order.refunded.amount);
    stored::set_status(txn, org, id, status).await?;
    let amount = Money::new(amount, order.total.currency);
    Ok(stored::insert_refund(txn, org, id, amount, reason, now).await?)
}

/// What the order has refunded so far, its row locked until `txn` ends.
pub(crate) async fn refunded_so_far(
    txn: &DatabaseTransaction,
    org: OrgId,
    id: OrderId,
) -> Result<i64, CommerceError> {
    let state = stored::state_locked(txn, org, id)
        .await
        .map_err(not_found)?;
    Ok(state.refunded.amount)
}

/// A page of the store's orders, newest first, filtered by status, customer and creation time.
pub async fn list(
    db: &impl ConnectionTrait,
    org: OrgId,
    query: &OrderQuery,
) -> Result<(Vec<Order>, Option<String>), CommerceError> {
    let page = PageRequest::parse(query.limit, query.cursor.as_deref())?;
    let filter = OrderFilter {
        status: query.status,
        customer: query.customer_id.map(CustomerId::from_uuid),
        user: None,
        from: query.from,
        to: query.to,
    };
    page_of_orders(db, org, filter, page).await
}

async fn page_of_orders(
    db: &impl ConnectionTrait,
    org: OrgId,
    filter: OrderFilter,
    page: PageRequest,
) -> Result<(Vec<Order>, Option<String>), CommerceError> {
    Ok(stored::page(db, org, filter, page).await?)
}

/// A signed-in shopper's own orders in this store, newest first.
pub async fn list_for_shopper(
    db: &impl ConnectionTrait,
    org: OrgId,
    user: UserId,
    page: PageRequest,
) -> Result<(Vec<Order>, Option<String>), CommerceError> {
    let filter = OrderFilter {
        user: Some(user),
        ..OrderFilter::default()
    };
    page_of_orders(db, org, filter, page).await
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

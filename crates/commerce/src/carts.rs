//! Carts: lines of variants, priced from the catalog at every read (never from the client).
//!
//! A cart belongs to its store and, when created by a signed-in shopper, to that shopper: another
//! caller sees it as missing. A guest's cart is reached by its (unguessable) id.

use chrono::{DateTime, Utc};
use db::repo::carts;
use db::repo::catalog::{self, Variant};
use db::{ConnectionTrait, DbError};
use domain::{
    CartId, CartItemId, CartStatus, Currency, Money, OrgId, ProductStatus, UserId, VariantId,
};

use crate::validate::Problems;
use crate::{CommerceError, store};

/// A cart with its lines priced from the catalog now.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct PricedCart {
    pub cart: carts::Cart,
    pub lines: Vec<PricedLine>,
    pub subtotal: Money,
}

/// One line: its variant as it is now, and what its units cost.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct PricedLine {
    pub id: CartItemId,
    pub variant: Variant,
    pub quantity: i64,
    /// The variant's price, in the cart's currency.
    pub unit_price: Money,
    pub total: Money,
}

/// The most units of one variant a cart line may hold.
pub const MAX_QUANTITY: i64 = domain::limits::MAX_CART_QUANTITY;
const MAX_LINES: usize = domain::limits::MAX_CART_LINES;

/// Who is asking for a cart: the signed-in shopper, if any.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct Shopper(pub Option<UserId>);

impl Shopper {
    /// Whether this shopper may see a cart owned by `owner`.
    pub(crate) fn may_see(self, owner: Option<UserId>) -> bool {
        owner.is_none_or(|owner| self.0 == Some(owner))
    }
}

pub async fn create(
    db: &impl ConnectionTrait,
    org: OrgId,
    currency: Option<Currency>,
    shopper: Shopper,
    now: DateTime<Utc>,
) -> Result<PricedCart, CommerceError> {
    let store_currency = store::currency(db, org).await?;
    if currency.is_some_and(|currency| currency != store_currency) {
        return Err(CommerceError::invalid(
            "currency",
            format!("the store sells in {store_currency}"),
        ));
    }
    let id = carts::insert(db, org, store_currency, shopper.0, now).await?;
    get(db, org, id, shopper).await
}

async fn find(
    db: &impl ConnectionTrait,
    org: OrgId,
    id: CartId,
    shopper: Shopper,
) -> Result<carts::Cart, CommerceError> {
    match carts::get(db, org, id).await {
        Ok(cart) if shopper.may_see(cart.user_id) => Ok(cart),
        Ok(_) | Err(DbError::NotFound) => Err(CommerceError::NotFound("cart")),
        Err(other) => Err(other.into()),
    }
}

async fn find_open(
    db: &impl ConnectionTrait,
    org: OrgId,
    id: CartId,
    shopper: Shopper,
) -> Result<carts::Cart, CommerceError> {
    let cart = find(db, org, id, shopper).await?;
    if cart.status != CartStatus::Open {
        return Err(not_open());
    }
    Ok(cart)
}

pub(crate) fn not_open() -> CommerceError {
    CommerceError::conflict("CART_NOT_OPEN", "the cart has already become an order")
}

/// The cart with its lines, priced now.
pub async fn get(
    db: &impl ConnectionTrait,
    org: OrgId,
    id: CartId,
    shopper: Shopper,
) -> Result<PricedCart, CommerceError> {
    let cart = find(db, org, id, shopper).await?;
    let lines = carts::lines_with_variants(db, org, id).await?;
    let mut priced = Vec::with_capacity(lines.len());
    let mut subtotal = Money::new(0, cart.currency);
    for (line, variant) in lines {
        let unit_price = Money::new(variant.price.amount, cart.currency);
        let total = unit_price.times(line.quantity).ok_or_else(overflow)?;
        subtotal = subtotal.plus(total).ok_or_else(overflow)?;
        priced.push(PricedLine {
            id: line.id,
            variant,
            quantity: line.quantity,
            unit_price,
            total,
        });
    }
    Ok(PricedCart {
        cart,
        lines: priced,
        subtotal,
    })
}

fn overflow() -> CommerceError {
    CommerceError::invalid("quantity", "the cart's total is too large")
}

fn check_quantity(quantity: i64) -> Result<(), CommerceError> {
    let mut problems = Problems::default();
    problems.range("quantity", quantity, 1, MAX_QUANTITY);
    problems.finish()
}

/// A variant a storefront may buy: of this store, of a published product.
async fn sellable_variant(
    db: &impl ConnectionTrait,
    org: OrgId,
    variant: VariantId,
) -> Result<Variant, CommerceError> {
    catalog::variant_of(db, org, variant, ProductStatus::Published)
        .await
        .map_err(CommerceError::found_as("variant"))
}

/// Adds `quantity` of a variant (to its line, if it has one).
pub async fn add_item(
    db: &impl ConnectionTrait,
    org: OrgId,
    id: CartId,
    shopper: Shopper,
    variant: VariantId,
    quantity: i64,
    now: DateTime<Utc>,
) -> Result<PricedCart, CommerceError> {
    check_quantity(quantity)?;
    find_open(db, org, id, shopper).await?;
    sellable_variant(db, org, variant).await?;
    let lines = carts::lines(db, org, id).await?;
    if let Some(line) = lines.iter().find(|line| line.variant == variant) {
        increment(db, org, line.id, quantity).await?;
    } else {
        if lines.len() >= MAX_LINES {
            return Err(CommerceError::invalid(
                "variantId",
                format!("a cart holds at most {MAX_LINES} lines"),
            ));
        }
        match carts::insert_line(db, org, id, variant, quantity, now).await {
            Ok(()) => {}
            // A concurrent request added the same line first: add to it instead.
            Err(DbError::Conflict(_)) => {
                let line = carts::line_of(db, org, id, variant)
                    .await?
                    .ok_or(CommerceError::NotFound("cart item"))?;
                increment(db, org, line.id, quantity).await?;
            }
            Err(error) => return Err(error.into()),
        }
    }
    carts::touch(db, org, id, now).await?;
    get(db, org, id, shopper).await
}

/// Adds to a line, never past [`MAX_QUANTITY`] (a 400 otherwise, even under concurrent adds).
async fn increment(
    db: &impl ConnectionTrait,
    org: OrgId,
    line: CartItemId,
    quantity: i64,
) -> Result<(), CommerceError> {
    if !carts::add_to_line(db, org, line, quantity, MAX_QUANTITY).await? {
        return Err(CommerceError::invalid(
            "quantity",
            format!("a line holds at most {MAX_QUANTITY} units"),
        ));
    }
    Ok(())
}

/// Sets a line's quantity.
pub async fn update_item(
    db: &impl ConnectionTrait,
    org: OrgId,
    id: CartId,
    shopper: Shopper,
    item: CartItemId,
    quantity: i64,
    now: DateTime<Utc>,
) -> Result<PricedCart, CommerceError> {
    check_quantity(quantity)?;
    find_open(db, org, id, shopper).await?;
    carts::set_quantity(db, org, id, item, quantity)
        .await
        .map_err(CommerceError::found_as("cart item"))?;
    carts::touch(db, org, id, now).await?;
    get(db, org, id, shopper).await
}

/// Removes a line.
pub async fn remove_item(
    db: &impl ConnectionTrait,
    org: OrgId,
    id: CartId,
    shopper: Shopper,
    item: CartItemId,
    now: DateTime<Utc>,
) -> Result<PricedCart, CommerceError> {
    find_open(db, org, id, shopper).await?;
    carts::remove_line(db, org, id, item)
        .await
        .map_err(CommerceError::found_as("cart item"))?;
    carts::touch(db, org, id, now).await?;
    get(db, org, id, shopper).await
}
